//! Results streamed to a folder of `.npy` files, one per parameter column
//! and one per result (2-D for time series), resumable.

use super::series::TimeSeries;
use super::sink::Sink;
use crate::error::IoError;
use crate::io::npy::{STREAM_DATA_OFFSET, read_header, stream_header};
use crate::io::{Table, check_names};
use crate::simd::{Dtype, Scalar};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Bytes gathered before each write to a file.
const WRITE_BUFFER: usize = 1 << 20;

/// A folder of `.npy` files that [`Executor::run_into`](crate::Executor::run_into)
/// appends to window by window: one 1-D file per parameter column
/// (`eta.npy`), and per result name one file of the results:
///
/// | kernel returns | run result | file per name |
/// |---|---|---|
/// | a pack | `Vec<T>` | 1-D, N values |
/// | an array of `K` packs | `Vec<[T; K]>` | 2-D, N x K |
/// | a [`Recorder`](crate::Recorder) of `R` variables | [`TimeSeries<T, R>`] | 2-D, N x T, one per variable (`R` names) |
///
/// numpy reads each with `np.load` (or `np.load(path, mmap_mode="r")`, for
/// series larger than memory). Memory stays one window, whatever N x T:
/// [`run_into`](crate::Executor::run_into) cuts time series into windows
/// of at most 8 MiB of results.
///
/// **Every file is a valid `.npy` of the points done** after each window:
/// rows are appended first, then each header is rewritten in place (its
/// 128 bytes have room for any shape) with the new row count. A killed run
/// leaves files that numpy reads up to the last complete window, and
/// [`NpySink::open`] resumes it: it keeps the rows that every file holds
/// (the fewest), cuts the rest, and the run continues after them, so the
/// finished files equal those of a run never interrupted, byte for byte.
/// (The files are not flushed to the disk with `fsync`: they survive a
/// killed process, not a lost machine.)
///
/// ```
/// use dataspace::io::{read_npy, read_npy_2d};
/// use dataspace::prelude::*;
/// use dataspace::{NpySink, Recorder};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct Decay { rate: f64 }
///
/// let space = DecaySpace::new(DecayColumns { rate: (1..=100).map(f64::from).collect() })?;
/// let kernel = |p: DecayLanes<'_, 4>| {
///     let (mut x, mut recorder) = (F64::<4>::splat(1.0), Recorder::with_capacity(10));
///     for _ in 0..10 {
///         x = x - p.rate * x * 0.001;
///         recorder.record([x]);
///     }
///     recorder
/// };
/// let dir = std::env::temp_dir().join(format!("dataspace-doc-npy-sink-{}", std::process::id()));
/// Executor::parallel().run_into(&space, kernel, &mut NpySink::create(&dir, &["x"])?)?;
/// // `np.load(dir / "x.npy").shape == (100, 10)` in Python.
/// let (x, shape) = read_npy_2d::<f64>(&dir.join("x.npy"))?;
/// assert_eq!(shape, (100, 10));
/// assert_eq!(read_npy::<f64>(&dir.join("rate.npy"))?, space.columns().rate);
///
/// // An interrupted run: keep the first 37 points of every file, then resume.
/// let whole = std::fs::read(dir.join("x.npy"))?;
/// for (name, row) in [("x.npy", 80u64), ("rate.npy", 8)] {
///     std::fs::OpenOptions::new().write(true).open(dir.join(name))?.set_len(128 + 37 * row)?;
/// }
/// Executor::parallel().run_into(&space, kernel, &mut NpySink::open(&dir, &["x"])?)?;
/// assert_eq!(std::fs::read(dir.join("x.npy"))?, whole);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct NpySink {
    dir: PathBuf,
    outputs: Vec<String>,
    /// Whether files found are resumed ([`NpySink::open`]) or replaced.
    resume: bool,
    /// The files, parameters first, once the run's first window has set
    /// their types and shapes (or a resume has found them).
    files: Vec<Array>,
    /// Rows every file holds.
    rows: u64,
    /// Whether the files found by a resume are still to be cut to `rows`:
    /// only once the first window has been checked against them, so that a
    /// refused resume changes nothing.
    uncut: bool,
    /// Whether [`Sink::resume`] has run.
    checked: bool,
}

/// One growing `.npy` file.
#[derive(Debug, Clone)]
struct Array {
    path: PathBuf,
    dtype: Dtype,
    /// Values per row: `None` for a 1-D file.
    row: Option<u64>,
}

impl Array {
    fn row_bytes(&self) -> u64 {
        self.row.unwrap_or(1) * self.dtype.size() as u64
    }

    fn shape(&self, rows: u64) -> Vec<u64> {
        match self.row {
            None => vec![rows],
            Some(row) => vec![rows, row],
        }
    }

    /// Creates (or empties) the file, with the header of no rows.
    fn create(&self) -> Result<(), IoError> {
        let mut file =
            File::create(&self.path).map_err(|e| IoError::file("create", &self.path, e))?;
        file.write_all(&stream_header(self.dtype, &self.shape(0)))
            .map_err(|e| IoError::file("write", &self.path, e))
    }

    /// Cuts the file to `rows` rows, and says so in its header.
    fn cut(&self, rows: u64) -> Result<(), IoError> {
        let mut file = self.open()?;
        file.set_len(STREAM_DATA_OFFSET + rows * self.row_bytes())
            .map_err(|e| IoError::file("truncate", &self.path, e))?;
        self.set_rows(&mut file, rows)
    }

    fn open(&self) -> Result<File, IoError> {
        OpenOptions::new()
            .read(true)
            .write(true)
            .open(&self.path)
            .map_err(|e| IoError::file("open", &self.path, e))
    }

    /// Rewrites the header with `rows` rows.
    fn set_rows(&self, file: &mut File, rows: u64) -> Result<(), IoError> {
        let write_error = |e| IoError::file("write", &self.path, e);
        file.seek(SeekFrom::Start(0)).map_err(write_error)?;
        file.write_all(&stream_header(self.dtype, &self.shape(rows)))
            .map_err(write_error)
    }
}

/// What the results of one window are, as arrays of rows.
struct Results<'a, T> {
    /// Each named result's values, row-major.
    arrays: Vec<&'a [T]>,
    points: usize,
    /// Values per row: `None` for 1-D results.
    row: Option<usize>,
}

/// The rows the results' files must have: 1-D, `K` values, or any length
/// (a time series, set by its first window).
#[derive(Clone, Copy, Debug)]
enum RowShape {
    Scalar,
    Fixed(usize),
    Series,
}

impl NpySink {
    /// A new run writing into `dir` (created if missing): the files of
    /// this run's names are removed when the run starts (so a run that
    /// fails before its first window leaves none of an earlier run's for
    /// [`open`](NpySink::open) to take); other files in `dir` are left alone. `outputs` names the results: one name for a
    /// kernel returning packs or arrays, one per variable for a
    /// [`Recorder`](crate::Recorder).
    ///
    /// # Errors
    /// [`IoError::InvalidColumnName`] or [`IoError::DuplicateColumn`] for
    /// unusable `outputs`; [`IoError::NotADirectory`] if `dir` is a file;
    /// [`IoError::File`] if it cannot be created.
    pub fn create(dir: impl AsRef<Path>, outputs: &[&str]) -> Result<Self, IoError> {
        NpySink::new(dir.as_ref(), outputs, false)
    }

    /// Opens `dir` to resume a run (see the type's documentation): the files
    /// are read when the run starts, and cut to the rows they all hold once
    /// its first window has been checked against them (a refused resume
    /// changes nothing). A folder with none of the run's files, or only
    /// files of no rows (a run killed as it created them), starts over; a
    /// file with rows beside a missing one is an error (another run's
    /// folder).
    ///
    /// # Errors
    /// As [`create`](NpySink::create).
    pub fn open(dir: impl AsRef<Path>, outputs: &[&str]) -> Result<Self, IoError> {
        NpySink::new(dir.as_ref(), outputs, true)
    }

    fn new(dir: &Path, outputs: &[&str], resume: bool) -> Result<Self, IoError> {
        let outputs: Vec<String> = outputs.iter().map(|&name| name.to_owned()).collect();
        check_names(&outputs)?;
        if dir.exists() && !dir.is_dir() {
            return Err(IoError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        std::fs::create_dir_all(dir).map_err(|e| IoError::file("create the directory", dir, e))?;
        Ok(NpySink {
            dir: dir.to_path_buf(),
            outputs,
            resume,
            files: Vec::new(),
            rows: 0,
            uncut: false,
            checked: false,
        })
    }

    /// The folder.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.npy"))
    }

    /// [`Sink::resume`] for results of `count` names of type `dtype` with
    /// rows of `shape`.
    fn resume_arrays(
        &mut self,
        inputs: &[String],
        len: usize,
        dtype: Dtype,
        count: usize,
        shape: RowShape,
    ) -> Result<usize, IoError> {
        if self.outputs.len() != count {
            return Err(IoError::Npy {
                path: self.dir.clone(),
                message: format!(
                    "the results are {count} arrays but the sink was given {} names ({})",
                    self.outputs.len(),
                    self.outputs.join(", ")
                ),
            });
        }
        let mut names = inputs.to_vec();
        names.extend(self.outputs.iter().cloned());
        check_names(&names)?;
        self.checked = true;
        self.files.clear();
        self.rows = 0;
        self.uncut = false;
        if !self.resume {
            // A new run: no file of an earlier one may be taken for this one's.
            for name in &names {
                let path = self.path(name);
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(IoError::file("replace", &path, e));
                    }
                    _ => {}
                }
            }
            return Ok(0);
        }
        let mut files = Vec::with_capacity(names.len());
        // A file missing, or cut short in its header: (its name, a file
        // with rows beside it).
        let mut absent = None;
        let mut rows = u64::MAX;
        for (k, name) in names.iter().enumerate() {
            let path = self.path(name);
            let output = (k >= inputs.len()).then_some(shape);
            let found = match path.exists() {
                true => found_array(&path, output, dtype)?,
                false => None,
            };
            match found {
                Some((array, held)) => {
                    rows = rows.min(held);
                    files.push((array, held));
                }
                None => absent = absent.or(Some(name)),
            }
        }
        if let Some(missing) = absent {
            // A run killed as it created its files has no rows anywhere; a
            // file with rows beside a missing one is another run's folder.
            if let Some((array, held)) = files.iter().find(|(_, held)| *held > 0) {
                return Err(IoError::Npy {
                    path: array.path.clone(),
                    message: format!(
                        "holds {held} rows, but {} has none: this folder is not this run's (other parameter or result names?); NpySink::create starts a new run",
                        self.path(missing).display()
                    ),
                });
            }
            return Ok(0);
        }
        if rows > len as u64 {
            return Err(IoError::TooManyRows {
                path: self.dir.clone(),
                found: usize::try_from(rows).unwrap_or(usize::MAX),
                expected: len,
            });
        }
        if rows > 0 {
            self.files = files.into_iter().map(|(array, _)| array).collect();
            self.rows = rows;
            self.uncut = true;
            if rows == len as u64 {
                // Nothing left to write: cut what is past the run now.
                self.cut()?;
            }
        }
        Ok(rows as usize) // at most len
    }

    /// Cuts the files found by a resume to the rows they all hold.
    fn cut(&mut self) -> Result<(), IoError> {
        for array in &self.files {
            array.cut(self.rows)?;
        }
        self.uncut = false;
        Ok(())
    }

    /// [`Sink::write`] of one window's results.
    fn write_arrays<T: Scalar>(
        &mut self,
        inputs: &dyn Table,
        results: &Results<'_, T>,
    ) -> Result<(), IoError> {
        let shape = match results.row {
            None => RowShape::Scalar,
            Some(row) => RowShape::Fixed(row),
        };
        if !self.checked {
            self.resume_arrays(
                &inputs.header(),
                usize::MAX,
                T::DTYPE,
                results.arrays.len(),
                shape,
            )?;
        }
        if inputs.rows() != results.points {
            return Err(IoError::Rows {
                column: self.outputs.first().cloned().unwrap_or_default(),
                found: results.points,
                expected: inputs.rows(),
            });
        }
        if self.files.is_empty() {
            self.start(inputs, results)?;
        }
        let (parameters, outputs) = self.files.split_at(self.files.len() - results.arrays.len());
        let dtypes = inputs.dtypes();
        for (array, &dtype) in parameters.iter().zip(&dtypes) {
            if array.dtype != dtype {
                return Err(IoError::NpyDtype {
                    path: array.path.clone(),
                    found: array.dtype.npy().to_owned(),
                    expected: dtype,
                });
            }
        }
        let row = results.row.map(|row| row as u64);
        if let Some(array) = outputs.iter().find(|array| array.row != row) {
            return Err(IoError::NpyRowLength {
                path: array.path.clone(),
                found: results.row.unwrap_or(1),
                expected: usize::try_from(array.row.unwrap_or(1)).unwrap_or(usize::MAX),
            });
        }
        if self.uncut {
            self.cut()?;
        }
        let (parameters, outputs) = self.files.split_at(self.files.len() - results.arrays.len());

        // Parameters: one pass over the rows per batch of open files.
        let mut cells = Vec::new();
        for (batch, arrays) in parameters.chunks(OPEN_FILES).enumerate() {
            let mut files = arrays
                .iter()
                .map(Appender::open)
                .collect::<Result<Vec<_>, _>>()?;
            for i in 0..inputs.rows() {
                cells.clear();
                inputs.row(i, &mut cells);
                let row = cells.get(batch * OPEN_FILES..).unwrap_or_default();
                for (file, cell) in files.iter_mut().zip(row) {
                    cell.write_le(&mut file.buffer);
                    file.flush(false)?;
                }
            }
            files.iter_mut().try_for_each(|file| file.flush(true))?;
        }
        for (array, values) in outputs.iter().zip(&results.arrays) {
            let mut file = Appender::open(array)?;
            // In writes of WRITE_BUFFER: one write of a whole window (16 MiB)
            // took 3x the CPU time in the kernel here (series_to_disk,
            // 250,000 x 1000 points: 3.6 s against 1.1 s).
            for part in T::le_bytes(values).chunks(WRITE_BUFFER) {
                file.file
                    .write_all(part)
                    .map_err(|e| IoError::file("write", &array.path, e))?;
            }
        }
        // Every file holds the new rows: now their headers say so.
        let rows = self.rows + results.points as u64;
        for array in &self.files {
            array.set_rows(&mut array.open()?, rows)?;
        }
        self.rows = rows;
        Ok(())
    }

    /// Creates the files of a run's first window: parameters as the table
    /// types them, results as `results`.
    fn start<T: Scalar>(
        &mut self,
        inputs: &dyn Table,
        results: &Results<'_, T>,
    ) -> Result<(), IoError> {
        let row = results.row.map(|row| row as u64);
        let mut files: Vec<Array> = inputs
            .header()
            .iter()
            .zip(inputs.dtypes())
            .map(|(name, dtype)| Array {
                path: self.path(name),
                dtype,
                row: None,
            })
            .collect();
        files.extend(self.outputs.iter().map(|name| Array {
            path: self.path(name),
            dtype: T::DTYPE,
            row,
        }));
        for array in &files {
            array.create()?;
        }
        self.files = files;
        self.rows = 0;
        Ok(())
    }
}

/// Most files open at once (a design of many columns is written in
/// batches of them).
const OPEN_FILES: usize = 64;

/// A file being appended to through a buffer.
struct Appender<'a> {
    array: &'a Array,
    file: File,
    buffer: Vec<u8>,
}

impl<'a> Appender<'a> {
    fn open(array: &'a Array) -> Result<Self, IoError> {
        let mut file = array.open()?;
        file.seek(SeekFrom::End(0))
            .map_err(|e| IoError::file("write", &array.path, e))?;
        Ok(Appender {
            array,
            file,
            buffer: Vec::new(),
        })
    }

    /// Writes the buffer out once it holds [`WRITE_BUFFER`] bytes, or (`all`) now.
    fn flush(&mut self, all: bool) -> Result<(), IoError> {
        if all || self.buffer.len() >= WRITE_BUFFER {
            self.file
                .write_all(&self.buffer)
                .map_err(|e| IoError::file("write", &self.array.path, e))?;
            self.buffer.clear();
        }
        Ok(())
    }
}

/// The array a resumed run finds at `path` and the complete rows it holds:
/// a parameter column (`output` `None`: any column type, checked at the
/// first write) or a result of `dtype` with rows of `output`'s shape.
/// `None` for a file cut short in the header a sink was writing (a run
/// killed as it created its files).
fn found_array(
    path: &Path,
    output: Option<RowShape>,
    dtype: Dtype,
) -> Result<Option<(Array, u64)>, IoError> {
    let read_error = |e| IoError::file("read", path, e);
    let mut file = File::open(path).map_err(read_error)?;
    let file_len = file.metadata().map_err(read_error)?.len();
    if file_len < STREAM_DATA_OFFSET {
        let mut start = Vec::new();
        file.read_to_end(&mut start).map_err(read_error)?;
        let header = stream_header(dtype, &[0]);
        if header.get(..start.len().min(8)) == start.get(..start.len().min(8)) {
            return Ok(None);
        }
    }
    let header = read_header(&mut BufReader::new(file), file_len, path)?;
    let malformed = |message: String| IoError::Npy {
        path: path.to_path_buf(),
        message,
    };
    if header.data_offset != STREAM_DATA_OFFSET {
        return Err(malformed(format!(
            "not a file an NpySink writes (its data starts at byte {}, not {STREAM_DATA_OFFSET}): \
             resume only folders a sink wrote",
            header.data_offset
        )));
    }
    let found = match header.dtype() {
        Some((found, false)) => found,
        _ => {
            return Err(IoError::NpyDtype {
                path: path.to_path_buf(),
                found: header.descr().to_owned(),
                expected: dtype,
            });
        }
    };
    if output.is_some() && found != dtype {
        return Err(IoError::NpyDtype {
            path: path.to_path_buf(),
            found: header.descr().to_owned(),
            expected: dtype,
        });
    }
    let (rows, row) = match (output, header.shape()) {
        (None | Some(RowShape::Scalar), &[rows]) => (rows, None),
        (Some(RowShape::Series), &[rows, row]) => (rows, Some(row)),
        (Some(RowShape::Fixed(k)), &[rows, row]) if row == k as u64 => (rows, Some(row)),
        (Some(RowShape::Fixed(k)), &[_, row]) => {
            return Err(IoError::NpyRowLength {
                path: path.to_path_buf(),
                found: k,
                expected: usize::try_from(row).unwrap_or(usize::MAX),
            });
        }
        (_, shape) => {
            let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
            let expected = match output {
                None | Some(RowShape::Scalar) => "1-D",
                Some(_) => "2-D",
            };
            return Err(malformed(format!(
                "holds an array of shape ({}), where this run writes a {expected} array",
                dims.join(", ")
            )));
        }
    };
    let array = Array {
        path: path.to_path_buf(),
        dtype: found,
        row,
    };
    // Rows the header counts and the data holds (a header is rewritten after
    // its rows, so it never counts more, unless the file was damaged).
    let held = match array.row_bytes() {
        0 => rows,
        bytes => rows.min(header.data_len / bytes),
    };
    Ok(Some((array, held)))
}

impl<T: Scalar> Sink<Vec<T>> for NpySink {
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        self.resume_arrays(inputs, len, T::DTYPE, 1, RowShape::Scalar)
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &Vec<T>) -> Result<(), IoError> {
        let results = Results {
            arrays: vec![outputs.as_slice()],
            points: outputs.len(),
            row: None,
        };
        self.write_arrays(inputs, &results)
    }
}

impl<T: Scalar, const K: usize> Sink<Vec<[T; K]>> for NpySink {
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        self.resume_arrays(inputs, len, T::DTYPE, 1, RowShape::Fixed(K))
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &Vec<[T; K]>) -> Result<(), IoError> {
        let results = Results {
            arrays: vec![outputs.as_flattened()],
            points: outputs.len(),
            row: Some(K),
        };
        self.write_arrays(inputs, &results)
    }
}

impl<T: Scalar, const R: usize> Sink<TimeSeries<T, R>> for NpySink {
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        self.resume_arrays(inputs, len, T::DTYPE, R, RowShape::Series)
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &TimeSeries<T, R>) -> Result<(), IoError> {
        let results = Results {
            arrays: (0..R).filter_map(|r| outputs.variable(r)).collect(),
            points: outputs.points(),
            row: Some(outputs.samples()),
        };
        self.write_arrays(inputs, &results)
    }
}
