//! Every error a user can cause at run time, in one place. Each names what
//! was expected and what was found; every error about a file names the
//! file; an error that wraps another returns it from `source()`.
//!
//! Written by hand rather than with `thiserror`: its 2.0.19 and later
//! depend on syn 3, which a downstream build would compile beside the syn 2
//! of our derive, for a few hundred lines of `Display` this file spells out.

use crate::simd::Dtype;
use core::fmt;
use std::path::{Path, PathBuf};

/// The columns given to `XSpace::new` do not share one leading dimension N.
///
/// N is set by the first free field; the error names the first field whose
/// length differs.
///
/// ```text
/// free parameter `j` of `Mpr` has 2 points but `eta` has 3
/// ```
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::ShapeError;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { a: f32, b: f32 }
///
/// let error = PSpace::new(PColumns { a: vec![1.0; 3], b: vec![1.0; 2] }).unwrap_err();
/// assert_eq!(
///     error,
///     ShapeError::LengthMismatch { space: "P", field: "b", found: 2, expected: 3, expected_from: "a" }
/// );
/// assert_eq!(error.to_string(), "free parameter `b` of `P` has 2 points but `a` has 3");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ShapeError {
    /// A free column has another length than the first free column.
    LengthMismatch {
        /// The struct the space was derived from.
        space: &'static str,
        /// The offending free field.
        field: &'static str,
        /// Its number of points.
        found: usize,
        /// The number of points of the first free field.
        expected: usize,
        /// The first free field, which set N.
        expected_from: &'static str,
    },
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeError::LengthMismatch {
                space,
                field,
                found,
                expected,
                expected_from,
            } => write!(
                f,
                "free parameter `{field}` of `{space}` has {found} point{} but `{expected_from}` has {expected}",
                if *found == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for ShapeError {}

/// [`CollectOptions`](crate::CollectOptions) that describe no valid layout.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::LayoutError;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0, 2.0] })?;
/// let error = space.collect_with::<4>(CollectOptions { n_pmap: 0, ..Default::default() }).unwrap_err();
/// assert_eq!(error, LayoutError::NoBlocks);
/// assert!(error.to_string().starts_with("`n_pmap` is 0, expected at least 1 block"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayoutError {
    /// `n_pmap` was 0: a layout needs at least one block.
    NoBlocks,
    /// The layout would have more lanes than `usize` can count.
    TooManyLanes {
        /// Number of points, N.
        len: usize,
        /// Requested number of blocks.
        n_pmap: usize,
        /// Lanes per pack, V.
        lanes: usize,
    },
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LayoutError::NoBlocks => f.write_str(
                "`n_pmap` is 0, expected at least 1 block (the default is rayon's thread count)",
            ),
            LayoutError::TooManyLanes { len, n_pmap, lanes } => write!(
                f,
                "a layout of {len} points in {n_pmap} blocks of packs of {lanes} lanes has more lanes than usize can count"
            ),
        }
    }
}

impl std::error::Error for LayoutError {}

/// A run of an [`Executor`](crate::Executor) that could not finish.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::ExecError;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// assert!(matches!(Executor::parallel().threads(0), Err(ExecError::NoThreads)));
/// let space = PSpace::new(PColumns { x: vec![0.0, 1.0, 2.0, 3.0] })?;
/// // A panicking kernel is an error naming the first point that failed.
/// let result = Executor::sequential().map(&space, |p: P| if p.x < 2.0 { p.x } else { panic!("x = {}", p.x) });
/// let Err(ExecError::KernelPanicked { point, message }) = result else { unreachable!() };
/// assert_eq!((point, message.as_str()), (2, "x = 2"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ExecError {
    /// `threads(0)`: a pool needs at least one thread.
    NoThreads,
    /// The thread pool could not be started: the thread library's error
    /// (boxed, so that no other crate's type is part of this one's API).
    Pool(Box<dyn std::error::Error + Send + Sync>),
    /// The kernel panicked. `point` is the first point of the first pack (or
    /// the first point, for `map`) in point order whose call panicked.
    KernelPanicked {
        /// Index of the point (the first lane of the pack) that panicked.
        point: usize,
        /// The panic message.
        message: String,
    },
    /// The progress callback panicked; the run stopped without a result.
    ProgressPanicked {
        /// The panic message.
        message: String,
    },
    /// The layout options were invalid (`n_pmap` = 0).
    Layout(LayoutError),
    /// A streaming run's sink could not resume or write.
    Sink(IoError),
    /// More results than one MPI gather can count (MPI counts are `i32`);
    /// reported on every rank.
    GatherTooLarge {
        /// Results asked for.
        results: usize,
        /// The most one gather holds.
        max: usize,
    },
    /// A rank does not hold its shard's results before a gather (a kernel
    /// output that lost points); reported on every rank.
    GatherShard {
        /// The rank, on the rank that found it; `None` on the others.
        rank: Option<usize>,
        /// Results it holds (0 on the others).
        held: usize,
        /// Points of its shard (0 on the others).
        expected: usize,
    },
    /// The kernel recorded `found` samples per point for the pack at
    /// `point`, where earlier points of the run have `expected`: a
    /// [`TimeSeries`](crate::TimeSeries) holds the same number of samples
    /// for every point.
    SampleCount {
        /// The first point of the first pack (in point order) whose count differs.
        point: usize,
        /// Samples it recorded.
        found: usize,
        /// Samples the points before it recorded.
        expected: usize,
    },
    /// A run over MPI ranks failed on `rank` (reported on every rank).
    RankFailed {
        /// The rank whose shard held the first failing point.
        rank: usize,
        /// The first failing point, counted from the start of the space.
        point: usize,
        /// The panic message (on the failing rank; a pointer to it elsewhere).
        message: String,
    },
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExecError::NoThreads => f.write_str("an executor needs at least 1 thread, got 0"),
            ExecError::Pool(e) => write!(f, "could not start the thread pool: {e}"),
            ExecError::KernelPanicked { point, message } => {
                write!(f, "the kernel panicked at point {point}: {message}")
            }
            ExecError::ProgressPanicked { message } => {
                write!(f, "the progress callback panicked: {message}")
            }
            ExecError::Layout(e) => e.fmt(f),
            ExecError::Sink(e) => write!(f, "the sink failed: {e}"),
            ExecError::GatherTooLarge { results, max } => write!(
                f,
                "an MPI gather holds at most {max} results, asked for {results}"
            ),
            ExecError::GatherShard { rank: Some(rank), held, expected } => write!(
                f,
                "rank {rank} holds {held} results of its shard of {expected} points: every rank must hold its shard before a gather"
            ),
            ExecError::GatherShard { rank: None, .. } => f.write_str(
                "another rank does not hold its shard's results: every rank must hold its shard before a gather (see that rank's error)",
            ),
            ExecError::SampleCount { point, found, expected } => write!(
                f,
                "the kernel recorded {found} samples per point at point {point} but {expected} before it: record the same number of samples at every point (pad with NaN where a point has fewer)"
            ),
            ExecError::RankFailed { rank, point, message } => write!(
                f,
                "the kernel failed on rank {rank} at point {point}: {message}"
            ),
        }
    }
}

impl ExecError {
    /// The same error with its point `offset` further on: a run over part
    /// of a space (a window, a shard) reports points of the whole space.
    #[must_use]
    pub(crate) fn offset(self, offset: usize) -> Self {
        match self {
            ExecError::KernelPanicked { point, message } => ExecError::KernelPanicked {
                point: point.saturating_add(offset),
                message,
            },
            ExecError::SampleCount {
                point,
                found,
                expected,
            } => ExecError::SampleCount {
                point: point.saturating_add(offset),
                found,
                expected,
            },
            other => other,
        }
    }
}

impl std::error::Error for ExecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExecError::Pool(e) => Some(e.as_ref()),
            // Transparent: its message is this error's message.
            ExecError::Layout(e) => e.source(),
            ExecError::Sink(e) => Some(e),
            _ => None,
        }
    }
}

/// Why the results of a run's packs cannot be put together
/// ([`Output::push`](crate::Output::push), [`Output::finish`](crate::Output::finish)).
///
/// The executor reports it as an [`ExecError`] with the point counted from
/// the start of the space.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OutputError {
    /// A pack recorded `found` samples per point where the points before it
    /// recorded `expected`.
    SampleCount {
        /// The pack's first point, counted from the start of the block (in
        /// `push`) or of the run (in `finish`).
        point: usize,
        /// Samples it recorded.
        found: usize,
        /// Samples the points before it recorded.
        expected: usize,
    },
}

impl OutputError {
    /// The same error at a point `offset` further on.
    #[must_use]
    pub(crate) fn offset(self, offset: usize) -> Self {
        match self {
            OutputError::SampleCount {
                point,
                found,
                expected,
            } => OutputError::SampleCount {
                point: point.saturating_add(offset),
                found,
                expected,
            },
        }
    }
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::SampleCount {
                point,
                found,
                expected,
            } => write!(
                f,
                "point {point} has {found} samples per variable, the points before it {expected}: a time series holds as many samples for every point"
            ),
        }
    }
}

impl std::error::Error for OutputError {}

/// [`TimeSeries::from_variables`](crate::TimeSeries::from_variables) was
/// given a variable that does not hold `points x samples` values.
///
/// ```
/// use dataspace::{SeriesShapeError, TimeSeries};
///
/// let error = TimeSeries::<f32, 2>::from_variables(2, 3, [vec![0.0; 6], vec![0.0; 5]]).unwrap_err();
/// assert_eq!(error, SeriesShapeError { variable: 1, found: 5, points: 2, samples: 3 });
/// assert_eq!(error.to_string(), "variable 1 holds 5 values, not 2 points x 3 samples");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesShapeError {
    /// The variable, from 0.
    pub variable: usize,
    /// The values it holds.
    pub found: usize,
    /// Points asked for.
    pub points: usize,
    /// Samples per point asked for.
    pub samples: usize,
}

impl fmt::Display for SeriesShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SeriesShapeError {
            variable,
            found,
            points,
            samples,
        } = self;
        write!(
            f,
            "variable {variable} holds {found} values, not {points} points x {samples} samples"
        )?;
        if points.checked_mul(*samples).is_none() {
            f.write_str(" (more values than memory can index)")?;
        }
        Ok(())
    }
}

impl std::error::Error for SeriesShapeError {}

impl From<OutputError> for ExecError {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::SampleCount {
                point,
                found,
                expected,
            } => ExecError::SampleCount {
                point,
                found,
                expected,
            },
        }
    }
}

impl From<LayoutError> for ExecError {
    fn from(e: LayoutError) -> Self {
        ExecError::Layout(e)
    }
}

/// A range of points that is not inside `0..N`.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::RangeError;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0] })?;
/// let error = space.slice(2..5).unwrap_err();
/// assert_eq!(error, RangeError { start: 2, end: 5, len: 3 });
/// assert_eq!(error.to_string(), "points 2..5 are not inside a space of 3 points");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeError {
    /// First point asked for.
    pub start: usize,
    /// One past the last point asked for.
    pub end: usize,
    /// The number of points, N.
    pub len: usize,
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "points {}..{} are not inside a space of {} points",
            self.start, self.end, self.len
        )
    }
}

impl std::error::Error for RangeError {}

/// A strided selection (`strided(range, step)`) that names no points: a
/// range outside the space, or a step of 0.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::{RangeError, StrideError};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![0.0, 1.0, 2.0] })?;
/// assert_eq!(space.strided(0..3, 0).err(), Some(StrideError::ZeroStep));
/// assert_eq!(
///     space.strided(1..4, 2).err(),
///     Some(StrideError::Range(RangeError { start: 1, end: 4, len: 3 }))
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StrideError {
    /// The range is not inside the space.
    Range(RangeError),
    /// A step of 0.
    ZeroStep,
}

impl fmt::Display for StrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StrideError::Range(range) => range.fmt(f),
            StrideError::ZeroStep => write!(
                f,
                "a step of 0 selects no points: take a step of at least 1 (1 takes every point of the range)"
            ),
        }
    }
}

impl std::error::Error for StrideError {}

/// Axes that describe no design.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::{Axis, DesignError};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { a: f32, b: f32 }
///
/// let error = PDesign::zip(PAxes { a: Axis::values([1.0, 2.0, 3.0]), b: Axis::values([1.0, 2.0]) }).unwrap_err();
/// assert_eq!(error, DesignError::ZipLengths { field: "b", len: 2, expected: 3, expected_from: "a" });
/// assert_eq!(
///     error.to_string(),
///     "zipped axes must have equal lengths: `b` has 2 values but `a` has 3"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DesignError {
    /// Zipped axes (lock-step) of different lengths: never truncated.
    ZipLengths {
        /// The axis whose length differs.
        field: &'static str,
        /// Its length.
        len: usize,
        /// The length of the first axis of its group.
        expected: usize,
        /// The first axis of its group.
        expected_from: &'static str,
    },
    /// A random axis (`Axis::uniform`) in a grid design.
    RandomAxisInGrid {
        /// The field.
        field: &'static str,
    },
    /// A values axis in a random design with neither 1 nor `points` values.
    ValuesInRandomDesign {
        /// The field.
        field: &'static str,
        /// Its number of values.
        len: usize,
        /// The design's number of points.
        points: usize,
    },
    /// A group names a field the struct does not have as a free field.
    UnknownField {
        /// The name given.
        field: String,
    },
    /// A free field is in more than one group.
    DuplicateField {
        /// The field.
        field: &'static str,
    },
    /// A free field is in no group.
    MissingField {
        /// The field.
        field: &'static str,
    },
    /// The product of the axis lengths overflows `usize`.
    TooManyPoints,
    /// An axis whose ends or bounds describe no values of its type.
    InvalidAxis {
        /// The field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A design too large to store as a space (`to_space`).
    TooLarge {
        /// Its points.
        points: usize,
    },
    /// A Sobol design beyond `sobol_burley`'s limits (2^16 points, 256 random fields).
    SobolLimits {
        /// Points asked for.
        points: usize,
        /// Random fields.
        fields: usize,
    },
}

impl fmt::Display for DesignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DesignError::ZipLengths {
                field,
                len,
                expected,
                expected_from,
            } => write!(
                f,
                "zipped axes must have equal lengths: `{field}` has {len} values but `{expected_from}` has {expected}"
            ),
            DesignError::RandomAxisInGrid { field } => write!(
                f,
                "axis `{field}` is random (uniform) but the design is a grid: use a random design, or values/linspace"
            ),
            DesignError::ValuesInRandomDesign { field, len, points } => write!(
                f,
                "axis `{field}` has {len} values in a random design of {points} points: give 1 value or {points}"
            ),
            DesignError::UnknownField { field } => write!(f, "no free field `{field}` to group"),
            DesignError::DuplicateField { field } => {
                write!(f, "free field `{field}` is in more than one group")
            }
            DesignError::MissingField { field } => write!(f, "free field `{field}` is in no group"),
            DesignError::TooManyPoints => {
                f.write_str("the product of the axis lengths overflows usize")
            }
            DesignError::InvalidAxis { field, reason } => write!(f, "axis `{field}`: {reason}"),
            DesignError::TooLarge { points } => write!(
                f,
                "a design of {points} points does not fit in memory as a space: run it as a design (the executor reads designs point by point)"
            ),
            DesignError::SobolLimits { points, fields } => write!(
                f,
                "a Sobol design has at most 65536 points and 256 random fields, asked for {points} points and {fields} fields"
            ),
        }
    }
}

impl std::error::Error for DesignError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_error_names_field_lengths_and_the_field_that_set_n() {
        let e = ShapeError::LengthMismatch {
            space: "Mpr",
            field: "j",
            found: 2,
            expected: 3,
            expected_from: "eta",
        };
        assert_eq!(
            e.to_string(),
            "free parameter `j` of `Mpr` has 2 points but `eta` has 3"
        );
        let one = ShapeError::LengthMismatch {
            space: "Mpr",
            field: "j",
            found: 1,
            expected: 3,
            expected_from: "eta",
        };
        assert_eq!(
            one.to_string(),
            "free parameter `j` of `Mpr` has 1 point but `eta` has 3"
        );
    }

    #[test]
    fn layout_error_says_what_was_expected() {
        assert!(
            LayoutError::NoBlocks
                .to_string()
                .contains("at least 1 block")
        );
    }
}

/// What went wrong reading or writing a table.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::IoError;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { a: f32, b: f32 }
///
/// let missing = PSpace::read_csv("a\n1.0\n".as_bytes(), PFixed {}).unwrap_err();
/// assert!(matches!(&missing, IoError::MissingColumn { column } if column == "b"));
/// assert_eq!(missing.to_string(), "the header has no column `b`");
/// let bad = PSpace::read_csv("a,b\n1.0,x\n".as_bytes(), PFixed {}).unwrap_err();
/// assert_eq!(bad.to_string(), "line 2, column `b`: `x` is not a valid f32");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum IoError {
    /// A file or directory could not be opened, created, read or written.
    File {
        /// What was being done: "open", "create", "read", "write", ...
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The reader or writer passed in failed.
    Stream {
        /// "reader" or "writer".
        role: &'static str,
        /// Its error.
        source: std::io::Error,
    },
    /// The CSV is malformed.
    Csv {
        /// Line of the record, 1-based.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A column the struct needs is not in the header.
    MissingColumn {
        /// Its name.
        column: String,
    },
    /// The header has a column the struct does not have.
    UnknownColumn {
        /// Its name.
        column: String,
        /// Its position in the header, 1-based.
        position: usize,
    },
    /// Two columns of one header, or of tables written side by side, share a name.
    DuplicateColumn {
        /// The name.
        column: String,
    },
    /// A column name that cannot be a file name or a CSV header cell on one line.
    InvalidColumnName {
        /// The name.
        column: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A cell does not parse as the field's type.
    Parse {
        /// Line, 1-based (the header is line 1).
        line: u64,
        /// Column name.
        column: String,
        /// The cell.
        value: String,
        /// The type expected.
        expected: &'static str,
    },
    /// A record with fewer (or more) cells than the header.
    RowLength {
        /// Line, 1-based.
        line: u64,
        /// Cells found.
        found: usize,
        /// Cells in the header.
        expected: usize,
    },
    /// Tables written side by side have different numbers of rows.
    Rows {
        /// The first column of the offending table.
        column: String,
        /// Its rows.
        found: usize,
        /// The rows of the first table.
        expected: usize,
    },
    /// A table's cells are not of the types its header declares (a
    /// hand-written [`Table`](crate::io::Table) that disagrees with itself).
    CellType {
        /// The column.
        column: String,
        /// The row, 0-based.
        row: usize,
        /// The type of the cell.
        found: Dtype,
        /// The type of the column.
        expected: Dtype,
    },
    /// A path that must be a directory is something else.
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// An NPY file that is malformed or not a 1-D array of a column scalar.
    Npy {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An NPY file of another element type than asked for.
    NpyDtype {
        /// The file.
        path: PathBuf,
        /// numpy's type string in the file.
        found: String,
        /// The type asked for.
        expected: Dtype,
    },
    /// A file to resume whose header is not this run's header.
    Header {
        /// The file.
        path: PathBuf,
        /// Its first line (at most 200 characters of it).
        found: String,
        /// This run's header line.
        expected: String,
    },
    /// A 2-D `.npy` file to append to whose rows have another length than
    /// the results given (a time series of another number of samples).
    NpyRowLength {
        /// The file.
        path: PathBuf,
        /// Values per row of the results given.
        found: usize,
        /// Values per row in the file.
        expected: usize,
    },
    /// A file to resume that holds more points than the run has.
    TooManyRows {
        /// The file.
        path: PathBuf,
        /// Complete records in the file.
        found: usize,
        /// Points in the run.
        expected: usize,
    },
    /// A file to resume that is damaged before its last line.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The line, 1-based.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The columns read do not make a space (a `FromRecords` impl whose
    /// `push` left the free columns of different lengths).
    Shape(ShapeError),
    /// A Parquet file or dataset directory that is malformed, damaged or not
    /// one the crate reads (feature `parquet`), or a Parquet write that failed.
    Parquet {
        /// The file or dataset directory.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A Parquet column of another type than asked for.
    ParquetType {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// The column's type in the file (physical and logical).
        found: String,
        /// The type asked for.
        expected: Dtype,
    },
    /// A part of a dataset to resume whose columns are not this run's.
    Schema {
        /// The part file.
        path: PathBuf,
        /// Its columns (`name: type`, comma-separated).
        found: String,
        /// This run's columns.
        expected: String,
    },
    /// A part of a dataset to resume whose key-value metadata (seed,
    /// design, crate version, ...) is not this run's.
    Metadata {
        /// The part file.
        path: PathBuf,
        /// The key that differs.
        key: String,
        /// Its value in the file (`None`: absent).
        found: Option<String>,
        /// This run's value (`None`: absent).
        expected: Option<String>,
    },
}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IoError::Shape(e) => write!(f, "the columns read make no space: {e}"),
            IoError::File {
                action,
                path,
                source,
            } => write!(f, "cannot {action} {}: {source}", path.display()),
            IoError::Stream { role, source } => write!(f, "the {role} failed: {source}"),
            IoError::Csv { line, message } => write!(f, "line {line}: {message}"),
            IoError::MissingColumn { column } => write!(f, "the header has no column `{column}`"),
            IoError::UnknownColumn { column, position } => write!(
                f,
                "column {position} of the header, `{column}`, is not a free field{}",
                pandas_hint(column)
            ),
            IoError::DuplicateColumn { column } => write!(
                f,
                "column `{column}` appears twice: every column needs its own name (name the result column differently from the parameters)"
            ),
            IoError::InvalidColumnName { column, reason } => {
                write!(f, "column name {column:?} {reason}")
            }
            IoError::Parse {
                line,
                column,
                value,
                expected,
            } => write!(
                f,
                "line {line}, column `{column}`: `{value}` is not a valid {expected}"
            ),
            IoError::NpyRowLength {
                path,
                found,
                expected,
            } => write!(
                f,
                "{}: its rows hold {expected} values each, the results to append {found}",
                path.display()
            ),
            IoError::RowLength {
                line,
                found,
                expected,
            } => write!(
                f,
                "line {line} has {found} cells, the header has {expected}"
            ),
            IoError::Rows {
                column,
                found,
                expected,
            } => write!(
                f,
                "the table starting at column `{column}` has {found} rows, the first has {expected}"
            ),
            IoError::CellType {
                column,
                row,
                found,
                expected,
            } => write!(
                f,
                "row {row} of column `{column}` holds a {found}, the column is {expected}"
            ),
            IoError::NotADirectory { path } => write!(
                f,
                "{} exists and is not a directory: give a directory for the .npy files",
                path.display()
            ),
            IoError::Npy { path, message } => write!(f, "{}: {message}", path.display()),
            IoError::NpyDtype {
                path,
                found,
                expected,
            } => write!(
                f,
                "{} holds {found} values, expected {expected} ({})",
                path.display(),
                expected.npy()
            ),
            IoError::Header {
                path,
                found,
                expected,
            } => write!(
                f,
                "{} was not written by this run: its header is `{found}`, this run's is `{expected}`",
                path.display()
            ),
            IoError::TooManyRows {
                path,
                found,
                expected,
            } => write!(
                f,
                "{} holds {found} points, more than the {expected} of this run",
                path.display()
            ),
            IoError::Corrupt {
                path,
                line,
                message,
            } => write!(f, "{}, line {line}: {message}", path.display()),
            IoError::Parquet { path, message } => write!(f, "{}: {message}", path.display()),
            IoError::ParquetType {
                path,
                column,
                found,
                expected,
            } => write!(
                f,
                "{}: column `{column}` holds {found} values, expected {expected}",
                path.display()
            ),
            IoError::Schema {
                path,
                found,
                expected,
            } => write!(
                f,
                "{} was not written by this run: its columns are `{found}`, this run's are `{expected}`",
                path.display()
            ),
            IoError::Metadata {
                path,
                key,
                found,
                expected,
            } => {
                let show = |v: &Option<String>| {
                    v.as_ref().map_or_else(
                        || "absent".to_owned(),
                        |v| {
                            let short: String = v.chars().take(200).collect();
                            if short.len() < v.len() {
                                format!("`{short}...`")
                            } else {
                                format!("`{short}`")
                            }
                        },
                    )
                };
                write!(
                    f,
                    "{} was not written by this run: its metadata `{key}` is {}, this run's is {}",
                    path.display(),
                    show(found),
                    show(expected)
                )
            }
        }
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            IoError::File { source, .. } | IoError::Stream { source, .. } => Some(source),
            IoError::Shape(e) => Some(e),
            _ => None,
        }
    }
}

/// What to say when a header column looks like pandas' index column.
fn pandas_hint(column: &str) -> &'static str {
    if column.is_empty() || column.starts_with("Unnamed: ") {
        " (it looks like the index column pandas writes: save with \
         `df.to_csv(path, index=False)`, or drop the column)"
    } else {
        ""
    }
}

impl IoError {
    /// An error of the file at `path`.
    pub(crate) fn file(action: &'static str, path: &Path, source: std::io::Error) -> IoError {
        IoError::File {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn writer(source: std::io::Error) -> IoError {
        IoError::Stream {
            role: "writer",
            source,
        }
    }
}

/// What is wrong with a shard or a set of shard files.
///
/// ```
/// use dataspace::shard::{write_shard, ShardError};
/// use std::path::Path;
///
/// let error = write_shard(Path::new("results/run"), 5, 4, &[1.0f32]).unwrap_err();
/// assert!(matches!(error, ShardError::Index { index: 5, count: 4 }));
/// assert_eq!(error.to_string(), "shard 5 of 4 does not exist: indices run from 0 to 3");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum ShardError {
    /// A count of 0 shards.
    NoShards,
    /// A shard index at or past the count (`5` of `4`).
    Index {
        /// The index.
        index: usize,
        /// The count.
        count: usize,
    },
    /// No shard files at all.
    NoFiles,
    /// A file name is not `<stem>.shard-<i>-of-<n>.npy` with `i < n`.
    Name(PathBuf),
    /// A stem that names no file to put shard names after (`""`, `..`).
    BadStem(PathBuf),
    /// Files of different runs (other stems).
    Stem {
        /// The file.
        path: PathBuf,
        /// Its stem.
        found: String,
        /// The stem of the first file.
        expected: String,
    },
    /// Files of different shard counts.
    Count {
        /// The file.
        path: PathBuf,
        /// Its count.
        found: usize,
        /// The count of the first file.
        expected: usize,
    },
    /// Two files for the same shard.
    Duplicate {
        /// The shard.
        index: usize,
    },
    /// No file for a shard.
    Missing {
        /// The shard.
        index: usize,
    },
    /// A shard file holds another number of results than its range.
    Length {
        /// The shard.
        index: usize,
        /// Results in the file.
        found: usize,
        /// Points in the shard.
        expected: usize,
    },
    /// Reading or writing a file failed.
    Io(IoError),
}

impl fmt::Display for ShardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShardError::NoShards => write!(f, "a sweep needs at least 1 shard, got a count of 0"),
            ShardError::Index { index, count } => write!(
                f,
                "shard {index} of {count} does not exist: indices run from 0 to {}",
                count.saturating_sub(1)
            ),
            ShardError::NoFiles => write!(
                f,
                "no shard files given: every shard of the set must be present"
            ),
            ShardError::Name(p0) => write!(
                f,
                "{} is not named <stem>.shard-<i>-of-<n>.npy with i < n",
                p0.display()
            ),
            ShardError::BadStem(p0) => write!(
                f,
                "the stem {} names no file: give one such as results/run",
                p0.display()
            ),
            ShardError::Stem {
                path,
                found,
                expected,
            } => write!(
                f,
                "{} is a shard of `{found}`, the others of `{expected}`",
                path.display()
            ),
            ShardError::Count {
                path,
                found,
                expected,
            } => write!(
                f,
                "{} is one of {found} shards, the others of {expected}",
                path.display()
            ),
            ShardError::Duplicate { index } => write!(f, "shard {index} is present more than once"),
            ShardError::Missing { index } => write!(f, "shard {index} is missing"),
            ShardError::Length {
                index,
                found,
                expected,
            } => write!(
                f,
                "shard {index} holds {found} results, its range has {expected} points"
            ),
            ShardError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ShardError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Transparent: the I/O error's message is this error's message.
            ShardError::Io(e) => e.source(),
            _ => None,
        }
    }
}

impl From<IoError> for ShardError {
    fn from(e: IoError) -> Self {
        ShardError::Io(e)
    }
}
