//! A resumable Parquet dataset (feature `parquet`): a folder of part files,
//! each written whole under a temporary name and renamed, so that a killed
//! run loses no window it finished.

mod resume;

use super::sink::Sink;
use crate::error::IoError;
use crate::io::parquet::{Batch, ParquetFile, build_metadata, set_entry, write_file};
use crate::io::{Cells, Column, Record, Table, check_names};
use crate::simd::Dtype;
use crate::space::Space;
use std::path::{Path, PathBuf};

/// Digits of the first point in a part's name: every `u64` fits, so names
/// sort in point order.
const NAME_DIGITS: usize = 20;

/// A Parquet dataset of each point's free parameters and its results: a
/// folder of part files `part-<first point, 20 digits>.parquet` that pandas
/// (`pd.read_parquet(dir)`), pyarrow (`pq.read_table(dir)`) and polars
/// (`pl.read_parquet(f"{dir}/*.parquet")`) read as one table in point order,
/// as does [`read_parquet`](crate::io::read_parquet). Feature `parquet`.
///
/// **Parts.** Points are cut into parts of [`part_rows`](Self::part_rows)
/// points (2^20 by default), at multiples of it; each finished part is one
/// file of one row group. Every window a run hands the sink is written at
/// once as a part file of its own (cut at part boundaries), so that a killed
/// process loses no finished window; when the windows of a part are all
/// written, they are read back and rewritten as the part's one file (the
/// merged file replaces the first by a rename, then the others are
/// removed). Memory: one part's rows (`part_rows` times the bytes of a row)
/// while merging, plus a window.
///
/// **Files are whole.** Each file is written under a hidden temporary name
/// (`.part-....tmp`, which pyarrow and pandas skip) and renamed when
/// complete: the folder holds complete parts only, whenever the process
/// dies. A process killed between a merge's rename and its removals leaves
/// parts that repeat points of the merged part: resuming removes them (read
/// an interrupted dataset after resuming it).
///
/// **Resuming** ([`ParquetSink::open`]) reads only footers: each part's
/// columns must be this run's ([`IoError::Schema`]) and its key-value
/// metadata this sink's ([`IoError::Metadata`]: another seed, design or
/// crate version); the parts must follow each other from the first point
/// without a gap or overlap ([`IoError::Parquet`] naming the part), and hold
/// no more points than the run ([`IoError::TooManyRows`]). A part that is
/// not a readable Parquet file is an [`IoError::Parquet`] naming it (delete
/// it, and the parts after it, to recompute their points). Nothing is
/// changed on disk until every part has been checked. Leftover temporaries
/// and repeated parts are then removed, an unmerged last part merged, and
/// the run continues after the points held; the finished dataset is then
/// the same bytes as an uninterrupted run's (for the same `part_rows` and
/// metadata).
///
/// **Metadata.** Every file holds the crate version
/// ([`VERSION_KEY`](crate::io::VERSION_KEY)), the build's SIMD target
/// features ([`TARGET_FEATURES_KEY`](crate::io::TARGET_FEATURES_KEY)), and
/// the entries given with [`metadata`](Self::metadata) and
/// [`describe`](Self::describe).
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::read_parquet_column;
/// use dataspace::{Axis, ParquetSink};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let design = PDesign::product(PAxes { x: Axis::linspace(0.0, 1.0, 1000) })?;
/// let dir = std::env::temp_dir().join(format!("dataspace-doc-pq-sink-{}", std::process::id()));
/// let kernel = |p: PLanes<'_, 8>| p.x + p.x;
/// let sink = || Ok::<_, dataspace::io::IoError>(
///     ParquetSink::create(&dir, "y")?.metadata("seed", "42").describe(&design).part_rows(300),
/// );
/// Executor::parallel().run_into(&design, kernel, &mut sink()?)?;
/// // Parts of 300 points: part-00000000000000000000.parquet, ...0300, ...0600, ...0900.
/// assert_eq!(std::fs::read_dir(&dir)?.count(), 4);
/// let y = read_parquet_column::<f32>(&dir, "y")?;
/// assert_eq!((y.len(), y[999]), (1000, 2.0));
///
/// // A run killed after some parts resumes after them.
/// std::fs::remove_file(dir.join("part-00000000000000000900.parquet"))?;
/// let mut sink = ParquetSink::open(&dir, "y")?.metadata("seed", "42").describe(&design).part_rows(300);
/// Executor::parallel().run_into(&design, kernel, &mut sink)?;
/// assert_eq!(sink.written(), 1000);
/// assert_eq!(read_parquet_column::<f32>(&dir, "y")?, y);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ParquetSink {
    dir: PathBuf,
    output: String,
    metadata: Vec<(String, String)>,
    part_rows: usize,
    /// The first point this sink holds: 0, or an MPI rank's first point.
    offset: usize,
    /// Whether the sink owns the whole folder (not one rank's share).
    whole: bool,
    /// A share that also owns the parts from this point on (past the
    /// run's last point: another run's, which must go).
    beyond: Option<usize>,
    /// [`create`](Self::create): the parts there are removed, not resumed.
    fresh: bool,
    state: Option<State>,
}

/// What the sink knows after checking its folder against a run.
#[derive(Debug)]
struct State {
    /// The run's column names (parameters, then results).
    names: Vec<String>,
    /// Their types, once known (from a part, or the first write).
    dtypes: Option<Vec<Dtype>>,
    /// One past the last point of the run (`usize::MAX`: not known).
    end: usize,
    /// The next point to write.
    next: usize,
    /// The parts (first point, rows) of the part being written, in order.
    tail: Vec<(usize, usize)>,
    /// Whether the folder holds the empty part of a run of no points.
    empty_part: bool,
}

impl ParquetSink {
    /// Points per part file unless [`part_rows`](Self::part_rows) says
    /// otherwise: 2^20, pandas' and pyarrow's row-group size.
    pub const DEFAULT_PART_ROWS: usize = 1 << 20;

    /// The metadata key [`describe`](Self::describe) sets: `"design"`.
    pub const DESIGN_KEY: &'static str = "design";

    /// A new dataset in folder `dir` (created if missing): the part files a
    /// run finds there are removed when it starts (other files are left,
    /// but a `.parquet` file that is not a part is an error then, as
    /// readers of the folder would take it for one).
    /// Results given as a `Vec` go in column `output` (`output[k]` for
    /// arrays), results given as a derived space in columns named after its
    /// fields.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("dataspace-doc-pq-create-{}", std::process::id()));
    /// let sink = dataspace::ParquetSink::create(&dir, "y")?;
    /// assert_eq!(sink.dir(), dir);
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`IoError::InvalidColumnName`] for an unusable `output`;
    /// [`IoError::NotADirectory`] if `dir` is a file; [`IoError::File`] if
    /// the folder cannot be created.
    pub fn create(dir: impl AsRef<Path>, output: &str) -> Result<Self, IoError> {
        Self::new(dir.as_ref(), output, true)
    }

    /// Opens the dataset in folder `dir` (created if missing) to resume a
    /// run: the parts are checked and the run continues after them, when
    /// it starts (see the type's documentation).
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("dataspace-doc-pq-open-{}", std::process::id()));
    /// let sink = dataspace::ParquetSink::open(&dir, "y")?;
    /// assert_eq!(sink.written(), 0); // known once a run has checked the folder
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`create`](Self::create).
    pub fn open(dir: impl AsRef<Path>, output: &str) -> Result<Self, IoError> {
        Self::new(dir.as_ref(), output, false)
    }

    fn new(dir: &Path, output: &str, fresh: bool) -> Result<Self, IoError> {
        check_names(&[output.to_owned()])?;
        if dir.exists() && !dir.is_dir() {
            return Err(IoError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| IoError::file("create the directory", dir, e))?;
        Ok(ParquetSink {
            dir: dir.to_path_buf(),
            output: output.to_owned(),
            metadata: build_metadata(),
            part_rows: Self::DEFAULT_PART_ROWS,
            offset: 0,
            whole: true,
            beyond: None,
            fresh,
            state: None,
        })
    }

    /// Adds the key-value entry `key`: `value` to every file's metadata (a
    /// key given again keeps its last value). A resumed run must give the
    /// same entries.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("dataspace-doc-pq-md-sink-{}", std::process::id()));
    /// let sink = dataspace::ParquetSink::create(&dir, "y")?.metadata("seed", "42");
    /// assert!(sink.entries().contains(&("seed".to_owned(), "42".to_owned())));
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn metadata(mut self, key: &str, value: &str) -> Self {
        set_entry(&mut self.metadata, key, value);
        self
    }

    /// Records what the run sweeps: `described`'s `Display` text (a design
    /// or space summarises its axes or columns) under the key
    /// [`DESIGN_KEY`](Self::DESIGN_KEY) (`"design"`).
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::Axis;
    ///
    /// #[derive(DataSpace, Clone, Debug)]
    /// struct P { x: f32 }
    ///
    /// let design = PDesign::product(PAxes { x: Axis::values(vec![1.0, 2.0]) })?;
    /// let dir = std::env::temp_dir().join(format!("dataspace-doc-pq-describe-{}", std::process::id()));
    /// let sink = dataspace::ParquetSink::create(&dir, "y")?.describe(&design);
    /// assert!(sink.entries().contains(&("design".to_owned(), design.to_string())));
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn describe(self, described: &impl core::fmt::Display) -> Self {
        let text = described.to_string();
        self.metadata(Self::DESIGN_KEY, &text)
    }

    /// Points per part file (at least 1; by default [`DEFAULT_PART_ROWS`](Self::DEFAULT_PART_ROWS)).
    /// A resumed run should give the same number, for the same files.
    ///
    /// ```
    /// let dir = std::env::temp_dir().join(format!("dataspace-doc-pq-rows-{}", std::process::id()));
    /// let sink = dataspace::ParquetSink::create(&dir, "y")?.part_rows(0);
    /// assert_eq!(sink.rows_per_part(), 1);
    /// std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn part_rows(mut self, rows: usize) -> Self {
        self.part_rows = rows.max(1);
        self
    }

    /// Points per part file.
    #[must_use]
    pub fn rows_per_part(&self) -> usize {
        self.part_rows
    }

    /// The dataset's folder.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key-value metadata every file gets, in order.
    #[must_use]
    pub fn entries(&self) -> &[(String, String)] {
        &self.metadata
    }

    /// The points the dataset holds, from this sink's first point: after a
    /// run has checked the folder, the points it skipped plus those it
    /// wrote; 0 before.
    #[must_use]
    pub fn written(&self) -> usize {
        self.state
            .as_ref()
            .map_or(0, |s| s.next.saturating_sub(self.offset))
    }

    /// Makes this sink one rank's share of the dataset: its points start at
    /// `offset`, and it touches only the parts of its own points, and (if
    /// `beyond` is given: one rank does) those from point `beyond` on, past
    /// the run's end, which [`create`](Self::create) removes and
    /// [`open`](Self::open) refuses.
    #[cfg_attr(not(feature = "mpi"), allow(dead_code))]
    pub(crate) fn share(&mut self, offset: usize, beyond: Option<usize>) {
        self.offset = offset;
        self.whole = false;
        self.beyond = beyond;
        self.state = None;
    }

    fn part_path(&self, start: usize) -> PathBuf {
        self.dir.join(format!("part-{start:0NAME_DIGITS$}.parquet"))
    }

    /// The end of the part holding point `at`.
    fn part_end(&self, at: usize, end: usize) -> usize {
        let next = (at / self.part_rows)
            .saturating_add(1)
            .saturating_mul(self.part_rows);
        next.min(end)
    }

    /// The start of the part holding point `at`.
    fn part_start(&self, at: usize) -> usize {
        ((at / self.part_rows) * self.part_rows).max(self.offset)
    }

    /// Whether point `start` is this sink's to touch.
    fn mine(&self, start: usize, end: usize) -> bool {
        self.whole
            || (self.offset..end).contains(&start)
            || start == self.offset
            || self.beyond.is_some_and(|b| start >= b)
    }

    /// Writes `batch` as the part starting at `start`.
    fn write_part(&self, start: usize, batch: Batch) -> Result<(), IoError> {
        let path = self.part_path(start);
        write_file(&path, batch, &mut || Ok(None), &self.metadata)
    }

    /// Rewrites the parts of the part being written as one file once they
    /// hold all its points.
    fn merge_if_complete(&mut self) -> Result<(), IoError> {
        let Some(state) = &self.state else {
            return Ok(());
        };
        let Some(&(first, _)) = state.tail.first() else {
            return Ok(());
        };
        if state.next != self.part_end(first, state.end) {
            return Ok(());
        }
        self.merge(&state.tail)?;
        if let Some(state) = &mut self.state {
            state.tail.clear();
        }
        Ok(())
    }

    /// Rewrites `parts` (first point, rows), which follow each other, as one
    /// file named after the first: written whole and renamed over the
    /// first, then the others removed.
    fn merge(&self, parts: &[(usize, usize)]) -> Result<(), IoError> {
        let [(first, _), rest @ ..] = parts else {
            return Ok(());
        };
        if rest.is_empty() {
            return Ok(());
        }
        let mut merged = ParquetFile::open(&self.part_path(*first))?.read_batch()?;
        for &(start, _) in rest {
            let part = ParquetFile::open(&self.part_path(start))?.read_batch()?;
            if !merged.append(part) {
                return Err(IoError::Schema {
                    path: self.part_path(start),
                    found: "other columns".to_owned(),
                    expected: Batch::describe(&merged.names, &merged.dtypes),
                });
            }
        }
        self.write_part(*first, merged)?;
        for &(start, _) in rest {
            remove(&self.part_path(start))?;
        }
        Ok(())
    }

    /// Appends a window: one part file per part it touches, then merges.
    fn append(&mut self, inputs: &dyn Table, outputs: &dyn Table) -> Result<(), IoError> {
        let tables = [inputs, outputs];
        let (empty, rows) = Batch::of_tables(&tables, &self.dir)?;
        if self.state.is_none() {
            // A write without a resume first (the trait allows it): check
            // the folder against these columns as a run would.
            let len = usize::MAX - self.offset;
            self.resume_with(&empty.names, len)?;
        }
        let Some(state) = &mut self.state else {
            return Ok(());
        };
        let schema_error = |expected: String| IoError::Schema {
            path: self.dir.clone(),
            found: Batch::describe(&empty.names, &empty.dtypes),
            expected,
        };
        if empty.names != state.names {
            return Err(schema_error(state.names.join(", ")));
        }
        match &state.dtypes {
            Some(dtypes) if *dtypes != empty.dtypes => {
                return Err(schema_error(Batch::describe(&state.names, dtypes)));
            }
            _ => state.dtypes = Some(empty.dtypes.clone()),
        }
        if rows == 0 {
            // A run of no points still leaves a file of its columns.
            if state.next == self.offset && state.tail.is_empty() && !state.empty_part {
                state.empty_part = true;
                self.write_part(self.offset, empty)?;
            }
            return Ok(());
        }
        let mut at = 0;
        while at < rows {
            let Some(state) = &self.state else {
                return Ok(());
            };
            let start = state.next;
            let stop = self
                .part_end(start, state.end)
                .min(start.saturating_add(rows - at))
                .max(start.saturating_add(1));
            let n = stop - start;
            let mut piece = empty.clone();
            piece.push_rows(&tables, at..at + n)?;
            self.write_part(start, piece)?;
            if let Some(state) = &mut self.state {
                state.tail.push((start, n));
                state.next = stop;
                state.empty_part = false;
            }
            at += n;
            self.merge_if_complete()?;
        }
        Ok(())
    }
}

fn remove(path: &Path) -> Result<(), IoError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(IoError::file("remove", path, e)),
        _ => Ok(()),
    }
}

/// Results as a `Vec` (one value or array per point): the column named at creation.
impl<T: Cells> Sink<Vec<T>> for ParquetSink {
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        let mut names = inputs.to_vec();
        T::names(&self.output, &mut names);
        self.resume_with(&names, len)
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &Vec<T>) -> Result<(), IoError> {
        let name = std::mem::take(&mut self.output);
        let result = self.append(inputs, &Column::new(&name, outputs));
        self.output = name;
        result
    }
}

/// Results as a derived space (a kernel returning `XLanes<'_, V>`): its own
/// field names are the result columns.
impl<S: Space> Sink<S> for ParquetSink
where
    S::Point: Record,
{
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        let mut names = inputs.to_vec();
        S::Point::header(&mut names);
        self.resume_with(&names, len)
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &S) -> Result<(), IoError> {
        self.append(inputs, outputs)
    }
}
