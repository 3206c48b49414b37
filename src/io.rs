//! Parameter sets and results in and out: CSV (the `csv` crate) and NPY (one
//! 1-D `.npy` file per column, which numpy loads with `np.load`; read and
//! written in `npy`).
//!
//! Columns are named after the struct's fields; an array field `r0: [f32; 2]`
//! is the columns `r0[0]` and `r0[1]`. Fixed fields are not written (they
//! are one value, given in code when reading back).
//!
//! Column names must be unique across the tables written side by side: a
//! result column named like an input column is an [`IoError::DuplicateColumn`],
//! never a silent overwrite. A name must also be usable as a file name and as
//! one CSV header cell on one line (see [`IoError::InvalidColumnName`]).
//!
//! Every error that concerns a file names it, and keeps the operating
//! system's error as its [`source`](std::error::Error::source).

mod npy;

use crate::pack::Scalar;
use crate::space::Space;
use core::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The scalar type of a column: what `.npy` files store and CSV cells parse as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dtype {
    /// `f32`, numpy `<f4`.
    F32,
    /// `f64`, numpy `<f8`.
    F64,
    /// `i32`, numpy `<i4`.
    I32,
    /// `u32`, numpy `<u4`.
    U32,
}

impl Dtype {
    /// The Rust name of the type (`"f32"`).
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::F64 => "f64",
            Dtype::I32 => "i32",
            Dtype::U32 => "u32",
        }
    }

    /// numpy's type string for it, little-endian (`"<f4"`).
    pub fn npy(self) -> &'static str {
        match self {
            Dtype::F32 => "<f4",
            Dtype::F64 => "<f8",
            Dtype::I32 => "<i4",
            Dtype::U32 => "<u4",
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One cell: a value of one of the column scalars.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// An `f32`.
    F32(f32),
    /// An `f64`.
    F64(f64),
    /// An `i32`.
    I32(i32),
    /// A `u32`.
    U32(u32),
}

impl Value {
    /// The type of the value.
    pub fn dtype(self) -> Dtype {
        match self {
            Value::F32(_) => Dtype::F32,
            Value::F64(_) => Dtype::F64,
            Value::I32(_) => Dtype::I32,
            Value::U32(_) => Dtype::U32,
        }
    }
}

impl fmt::Display for Value {
    /// Rust's shortest representation that reads back to the same value
    /// (`inf`, `-inf`, `NaN` and `-NaN` included; a NaN's payload bits other
    /// than its sign are not kept, as in numpy's and pandas' text formats).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The sign of a NaN is kept (`0.0 / 0.0` is a negative NaN on
            // x86); its payload is not.
            Value::F32(x) if x.is_nan() && x.is_sign_negative() => f.write_str("-NaN"),
            Value::F64(x) if x.is_nan() && x.is_sign_negative() => f.write_str("-NaN"),
            Value::F32(x) => write!(f, "{x:?}"),
            Value::F64(x) => write!(f, "{x:?}"),
            Value::I32(x) => write!(f, "{x}"),
            Value::U32(x) => write!(f, "{x}"),
        }
    }
}

/// A scalar that `.npy` files hold: `f32`, `f64`, `i32`, `u32`.
///
/// Sealed: the set is the column scalars.
pub trait NpyScalar: Scalar + sealed::NpyIo {
    /// The column type.
    const DTYPE: Dtype;
}

mod sealed {
    /// How a column scalar goes into and comes out of a `.npy` file.
    pub trait NpyIo: Copy {
        /// The value in `bytes` (exactly its size), in the given byte order.
        fn decode(bytes: &[u8], big_endian: bool) -> Self;
        /// The value as a cell.
        fn value(self) -> super::Value;
    }
}

macro_rules! npy_scalars {
    ($($t:ident => $dtype:ident),*) => {$(
        impl sealed::NpyIo for $t {
            #[inline]
            fn decode(bytes: &[u8], big_endian: bool) -> Self {
                let mut raw = [0u8; core::mem::size_of::<$t>()];
                raw.copy_from_slice(bytes);
                if big_endian { $t::from_be_bytes(raw) } else { $t::from_le_bytes(raw) }
            }
            #[inline]
            fn value(self) -> Value {
                Value::$dtype(self)
            }
        }
        impl NpyScalar for $t {
            const DTYPE: Dtype = Dtype::$dtype;
        }
    )*};
}
npy_scalars!(f32 => F32, f64 => F64, i32 => I32, u32 => U32);

/// A value that fills one or more named columns: the scalars and arrays of
/// them. Implemented for every free field type.
pub trait Cells: Sized {
    /// Appends the column names of a field called `field`.
    fn names(field: &str, out: &mut Vec<String>);
    /// Appends the type of each of those columns.
    fn dtypes(out: &mut Vec<Dtype>);
    /// Appends this value's cells.
    fn cells(&self, out: &mut Vec<Value>);
    /// Number of columns.
    fn width() -> usize;
    /// Parses from this field's cells (`width()` of them); on failure the
    /// index of the cell that did not parse.
    fn parse(cells: &[&str]) -> Result<Self, usize>;
}

macro_rules! scalar_cells {
    ($($t:ident => $variant:ident, $parse:expr;)*) => {$(
        impl Cells for $t {
            fn names(field: &str, out: &mut Vec<String>) {
                out.push(field.to_owned());
            }
            fn dtypes(out: &mut Vec<Dtype>) {
                out.push(Dtype::$variant);
            }
            fn cells(&self, out: &mut Vec<Value>) {
                out.push(Value::$variant(*self));
            }
            fn width() -> usize {
                1
            }
            fn parse(cells: &[&str]) -> Result<Self, usize> {
                match cells {
                    [cell] => $parse(cell.trim()).ok_or(0),
                    _ => Err(0),
                }
            }
        }
    )*};
}
scalar_cells! {
    f32 => F32, parse_float::<f32>;
    f64 => F64, parse_float::<f64>;
    i32 => I32, |cell: &str| cell.parse().ok();
    u32 => U32, |cell: &str| cell.parse().ok();
}

/// A float cell: a number in the type's range, `inf`/`infinity`, or
/// `NaN` (`-NaN` is the NaN with the sign bit set, as [`Value`] writes it).
/// A finite number too large for the type is not a value (`1e39` for `f32`),
/// rather than infinity.
fn parse_float<T>(cell: &str) -> Option<T>
where
    T: core::str::FromStr + core::ops::Neg<Output = T> + Copy + Into<f64> + Scalar,
{
    let (negative, body) = match cell.strip_prefix('-') {
        Some(body) => (true, body),
        None => (false, cell.strip_prefix('+').unwrap_or(cell)),
    };
    if body.eq_ignore_ascii_case("nan") {
        let nan = T::from_fill(f64::NAN);
        return Some(if negative { -nan } else { nan });
    }
    let x: T = cell.parse().ok()?;
    let infinite = x.into().is_infinite();
    let says_infinite = body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity");
    (!infinite || says_infinite).then_some(x)
}

impl<T: Cells + Scalar, const K: usize> Cells for [T; K] {
    fn names(field: &str, out: &mut Vec<String>) {
        out.extend((0..K).map(|k| format!("{field}[{k}]")));
    }
    fn dtypes(out: &mut Vec<Dtype>) {
        for _ in 0..K {
            T::dtypes(out);
        }
    }
    fn cells(&self, out: &mut Vec<Value>) {
        for x in self {
            x.cells(out);
        }
    }
    fn width() -> usize {
        K
    }
    fn parse(cells: &[&str]) -> Result<Self, usize> {
        if cells.len() != K {
            return Err(cells.len().min(K));
        }
        let mut out = [T::from_fill(0.0); K];
        for (k, (slot, cell)) in out.iter_mut().zip(cells).enumerate() {
            *slot = T::parse(core::slice::from_ref(cell)).map_err(|_| k)?;
        }
        Ok(out)
    }
}

/// A point whose free fields are table columns: generated by
/// `#[derive(DataSpace)]` for every struct.
pub trait Record {
    /// Appends the column names, in field order.
    fn header(out: &mut Vec<String>);
    /// Appends the type of each column, in the same order.
    fn dtypes(out: &mut Vec<Dtype>);
    /// Appends this point's cells, in column order.
    fn cells(&self, out: &mut Vec<Value>);
}

/// Rows of named, typed columns: a space (its points' free fields) or a
/// named column of results. Several tables are written side by side.
pub trait Table {
    /// Column names.
    fn header(&self) -> Vec<String>;
    /// The type of each column, in header order.
    fn dtypes(&self) -> Vec<Dtype>;
    /// Number of rows.
    fn rows(&self) -> usize;
    /// Appends the cells of row `i` (`i < rows()`), one per column, each of
    /// its column's type.
    fn row(&self, i: usize, out: &mut Vec<Value>);
}

impl<S: Space> Table for S
where
    S::Point: Record,
{
    fn header(&self) -> Vec<String> {
        let mut names = Vec::new();
        S::Point::header(&mut names);
        names
    }
    fn dtypes(&self) -> Vec<Dtype> {
        let mut dtypes = Vec::new();
        S::Point::dtypes(&mut dtypes);
        dtypes
    }
    fn rows(&self) -> usize {
        self.len()
    }
    fn row(&self, i: usize, out: &mut Vec<Value>) {
        if let Some(point) = self.get(i) {
            point.cells(out);
        }
    }
}

/// A named column of results (a run's `Vec<f32>`, or `Vec<[f32; K]>`).
#[derive(Clone, Copy, Debug)]
pub struct Column<'a, T> {
    name: &'a str,
    values: &'a [T],
}

impl<'a, T: Cells> Column<'a, T> {
    /// The column `name` holding `values` (arrays become `name[k]`).
    pub fn new(name: &'a str, values: &'a [T]) -> Self {
        Column { name, values }
    }
}

impl<T: Cells> Table for Column<'_, T> {
    fn header(&self) -> Vec<String> {
        let mut names = Vec::new();
        T::names(self.name, &mut names);
        names
    }
    fn dtypes(&self) -> Vec<Dtype> {
        let mut dtypes = Vec::new();
        T::dtypes(&mut dtypes);
        dtypes
    }
    fn rows(&self) -> usize {
        self.values.len()
    }
    fn row(&self, i: usize, out: &mut Vec<Value>) {
        if let Some(value) = self.values.get(i) {
            value.cells(out);
        }
    }
}

/// What went wrong reading or writing a table.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IoError {
    /// A file or directory could not be opened, created, read or written.
    #[error("cannot {action} {}: {source}", path.display())]
    File {
        /// What was being done: "open", "create", "read", "write", ...
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The reader or writer passed in failed.
    #[error("the {role} failed: {source}")]
    Stream {
        /// "reader" or "writer".
        role: &'static str,
        /// Its error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV is malformed.
    #[error("line {line}: {message}")]
    Csv {
        /// Line of the record, 1-based.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A column the struct needs is not in the header.
    #[error("the header has no column `{column}`")]
    MissingColumn {
        /// Its name.
        column: String,
    },
    /// The header has a column the struct does not have.
    #[error(
        "column {position} of the header, `{column}`, is not a free field{}",
        pandas_hint(column)
    )]
    UnknownColumn {
        /// Its name.
        column: String,
        /// Its position in the header, 1-based.
        position: usize,
    },
    /// Two columns of one header, or of tables written side by side, share a name.
    #[error("column `{column}` appears twice: every column needs its own name (name the result column differently from the parameters)")]
    DuplicateColumn {
        /// The name.
        column: String,
    },
    /// A column name that cannot be a file name or a CSV header cell on one line.
    #[error("column name {column:?} {reason}")]
    InvalidColumnName {
        /// The name.
        column: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A cell does not parse as the field's type.
    #[error("line {line}, column `{column}`: `{value}` is not a valid {expected}")]
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
    #[error("line {line} has {found} cells, the header has {expected}")]
    RowLength {
        /// Line, 1-based.
        line: u64,
        /// Cells found.
        found: usize,
        /// Cells in the header.
        expected: usize,
    },
    /// Tables written side by side have different numbers of rows.
    #[error("the table starting at column `{column}` has {found} rows, the first has {expected}")]
    Rows {
        /// The first column of the offending table.
        column: String,
        /// Its rows.
        found: usize,
        /// The rows of the first table.
        expected: usize,
    },
    /// A table's cells are not of the types its header declares (a
    /// hand-written [`Table`] that disagrees with itself).
    #[error("row {row} of column `{column}` holds a {found}, the column is {expected}")]
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
    #[error("{} exists and is not a directory: give a directory for the .npy files", path.display())]
    NotADirectory {
        /// The path.
        path: PathBuf,
    },
    /// An NPY file that is malformed or not a 1-D array of a column scalar.
    #[error("{}: {message}", path.display())]
    Npy {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An NPY file of another element type than asked for.
    #[error("{} holds {found} values, expected {expected} ({})", path.display(), expected.npy())]
    NpyDtype {
        /// The file.
        path: PathBuf,
        /// numpy's type string in the file.
        found: String,
        /// The type asked for.
        expected: Dtype,
    },
    /// A file to resume whose header is not this run's header.
    #[error("{} was not written by this run: its header is `{found}`, this run's is `{expected}`", path.display())]
    Header {
        /// The file.
        path: PathBuf,
        /// Its first line (at most 200 characters of it).
        found: String,
        /// This run's header line.
        expected: String,
    },
    /// A file to resume that holds more points than the run has.
    #[error("{} holds {found} points, more than the {expected} of this run", path.display())]
    TooManyRows {
        /// The file.
        path: PathBuf,
        /// Complete records in the file.
        found: usize,
        /// Points in the run.
        expected: usize,
    },
    /// A file to resume that is damaged before its last line.
    #[error("{}, line {line}: {message}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The line, 1-based.
        line: u64,
        /// What is wrong.
        message: String,
    },
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

    fn writer(source: std::io::Error) -> IoError {
        IoError::Stream {
            role: "writer",
            source,
        }
    }
}

/// Checks that `names` can be written side by side: each non-empty, a valid
/// file name and one header cell on one line, and no two alike.
pub(crate) fn check_names(names: &[String]) -> Result<(), IoError> {
    let invalid = |column: &String, reason| IoError::InvalidColumnName {
        column: column.clone(),
        reason,
    };
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    for name in names {
        if name.is_empty() {
            return Err(invalid(name, "is empty"));
        }
        if name.chars().any(char::is_control) {
            return Err(invalid(
                name,
                "holds a control character (a line break would split the CSV record)",
            ));
        }
        if name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(invalid(
                name,
                "is not a file name (it would write outside the .npy directory)",
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err(IoError::DuplicateColumn {
                column: name.clone(),
            });
        }
    }
    Ok(())
}

fn check_rows(tables: &[&dyn Table]) -> Result<usize, IoError> {
    let rows = tables.first().map_or(0, |t| t.rows());
    for table in tables {
        if table.rows() != rows {
            let column = table.header().into_iter().next().unwrap_or_default();
            return Err(IoError::Rows {
                column,
                found: table.rows(),
                expected: rows,
            });
        }
    }
    Ok(rows)
}

/// Writes tables side by side as CSV: one header line, one line per row.
/// Values are written so that they read back bit for bit (infinities and the
/// sign of NaN included; see [`Value`]).
///
/// # Errors
/// Tables of different lengths, duplicate or unusable column names (checked
/// before anything is written), or a failing `writer`.
pub fn write_csv<W: Write>(writer: W, tables: &[&dyn Table]) -> Result<(), IoError> {
    write_csv_lines(writer, tables, true)
}

/// [`write_csv`] without the header line: rows to append to a file that has one.
///
/// # Errors
/// As [`write_csv`].
pub fn write_csv_rows<W: Write>(writer: W, tables: &[&dyn Table]) -> Result<(), IoError> {
    write_csv_lines(writer, tables, false)
}

/// The CSV header line of `names`, with its line end, as [`write_csv`] writes it.
pub(crate) fn csv_header_line(names: &[String]) -> Result<Vec<u8>, IoError> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(names)
        .map_err(|e| csv_error(e, "writer"))?;
    csv.into_inner()
        .map_err(|e| IoError::writer(std::io::Error::other(e.to_string())))
}

fn write_csv_lines<W: Write>(
    writer: W,
    tables: &[&dyn Table],
    header: bool,
) -> Result<(), IoError> {
    let rows = check_rows(tables)?;
    let names: Vec<String> = tables.iter().flat_map(|t| t.header()).collect();
    check_names(&names)?;
    let mut csv = csv::Writer::from_writer(writer);
    if header {
        csv.write_record(&names)
            .map_err(|e| csv_error(e, "writer"))?;
    }
    let mut cells = Vec::with_capacity(names.len());
    let mut text = Vec::with_capacity(names.len());
    for i in 0..rows {
        cells.clear();
        for table in tables {
            table.row(i, &mut cells);
        }
        text.clear();
        text.extend(cells.iter().map(Value::to_string));
        csv.write_record(&text)
            .map_err(|e| csv_error(e, "writer"))?;
    }
    csv.flush().map_err(IoError::writer)
}

/// Writes each column of the tables to `dir/<column>.npy`, a 1-D array of
/// the column's type that numpy's `np.load` reads. Creates `dir`.
///
/// Everything is checked before any file is written (names, lengths, that
/// `dir` is a directory); the columns are written to temporary files
/// (`.<column>.npy.<pid>-<n>.tmp`, removed on failure) that replace the
/// `.npy` files only once all are complete, so a failure while writing
/// leaves no partial `.npy` file behind. Each file is replaced atomically by
/// a rename; the set is not (a rename failing midway leaves some columns new
/// and some old), and a process killed while writing leaves its temporaries.
///
/// # Errors
/// As [`write_csv`]; [`IoError::NotADirectory`] if `dir` is a file;
/// [`IoError::File`] naming the file that could not be written.
pub fn write_npy(dir: &Path, tables: &[&dyn Table]) -> Result<(), IoError> {
    let rows = check_rows(tables)?;
    let names: Vec<String> = tables.iter().flat_map(|t| t.header()).collect();
    let dtypes: Vec<Dtype> = tables.iter().flat_map(|t| t.dtypes()).collect();
    check_names(&names)?;
    if names.len() != dtypes.len() {
        return Err(IoError::Npy {
            path: dir.to_path_buf(),
            message: format!(
                "the tables name {} columns but type {}",
                names.len(),
                dtypes.len()
            ),
        });
    }
    if dir.exists() && !dir.is_dir() {
        return Err(IoError::NotADirectory {
            path: dir.to_path_buf(),
        });
    }
    std::fs::create_dir_all(dir).map_err(|e| IoError::file("create the directory", dir, e))?;
    let finals: Vec<PathBuf> = names.iter().map(|n| dir.join(format!("{n}.npy"))).collect();
    // Unique per call (process and a counter), so that two writes into one
    // directory, from two threads or processes, never share a temporary.
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temps: Vec<PathBuf> = names
        .iter()
        .map(|n| dir.join(format!(".{n}.npy.{}-{call}.tmp", std::process::id())))
        .collect();
    let mut batches = temps
        .chunks(OPEN_NPY_FILES)
        .zip(names.chunks(OPEN_NPY_FILES))
        .zip(dtypes.chunks(OPEN_NPY_FILES))
        .enumerate();
    let written = batches
        .try_for_each(|(batch, ((temps, names), dtypes))| {
            let first = batch * OPEN_NPY_FILES;
            write_npy_columns(temps, names, dtypes, first, rows, tables)
        })
        .and_then(|()| {
            for (temp, path) in temps.iter().zip(&finals) {
                std::fs::rename(temp, path).map_err(|e| IoError::file("write", path, e))?;
            }
            Ok(())
        });
    if written.is_err() {
        for temp in &temps {
            // Best effort: the error being returned is the one that matters.
            let _ = std::fs::remove_file(temp);
        }
    }
    written
}

/// Most `.npy` files open at once: wider tables are written in batches of
/// columns, one pass over the rows each, within the usual limit of 1024
/// open files.
const OPEN_NPY_FILES: usize = 64;

/// Columns `first ..` of the tables (one `.npy` writer each, at `paths`),
/// fed row by row: memory stays one row.
fn write_npy_columns(
    paths: &[PathBuf],
    names: &[String],
    dtypes: &[Dtype],
    first: usize,
    rows: usize,
    tables: &[&dyn Table],
) -> Result<(), IoError> {
    let mut writers = Vec::with_capacity(paths.len());
    for (path, &dtype) in paths.iter().zip(dtypes) {
        writers.push(npy::Writer::create(path, dtype, rows)?);
    }
    let mut cells = Vec::new();
    for row in 0..rows {
        cells.clear();
        for table in tables {
            table.row(row, &mut cells);
        }
        let batch = cells.get(first..first + writers.len());
        let Some(batch) = batch else {
            return Err(IoError::Npy {
                path: paths.first().cloned().unwrap_or_default(),
                message: format!(
                    "row {row} has {} cells, fewer than the header's columns",
                    cells.len()
                ),
            });
        };
        for ((writer, &cell), name) in writers.iter_mut().zip(batch).zip(names) {
            if cell.dtype() != writer.dtype() {
                return Err(IoError::CellType {
                    column: name.clone(),
                    row,
                    found: cell.dtype(),
                    expected: writer.dtype(),
                });
            }
            writer.push(cell)?;
        }
    }
    writers.into_iter().try_for_each(npy::Writer::finish)
}

/// Writes `values` to `path` as a 1-D `.npy` file (replacing it).
pub(crate) fn write_npy_file<T: NpyScalar>(path: &Path, values: &[T]) -> Result<(), IoError> {
    let mut writer = npy::Writer::create(path, T::DTYPE, values.len())?;
    for &x in values {
        writer.push(x.value())?;
    }
    writer.finish()
}

/// Reads a 1-D `.npy` file of `T` (written by [`write_npy`] or numpy; either
/// byte order).
///
/// The header is parsed here and checked against the file's size before
/// anything is allocated for the values, so a hostile header cannot ask for
/// more memory than the file holds.
///
/// # Errors
/// [`IoError::File`] if the file cannot be read; [`IoError::NpyDtype`] if it
/// holds another type; [`IoError::Npy`] if it is malformed, not 1-D, or its
/// data is shorter or longer than its header says.
pub fn read_npy<T: NpyScalar>(path: &Path) -> Result<Vec<T>, IoError> {
    npy::read(path)
}

/// A `csv` error as an [`IoError`] that says what is wrong in words.
pub(crate) fn csv_error(e: csv::Error, role: &'static str) -> IoError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => IoError::Stream { role, source },
        csv::ErrorKind::Utf8 { err, .. } => IoError::Csv {
            line,
            message: format!(
                "cell {} is not valid UTF-8 (after {} valid bytes): save the file as UTF-8",
                err.field() + 1,
                err.valid_up_to()
            ),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => IoError::RowLength {
            line,
            found: usize::try_from(len).unwrap_or(usize::MAX),
            expected: usize::try_from(expected_len).unwrap_or(usize::MAX),
        },
        csv::ErrorKind::Serialize(message) => IoError::Csv { line, message },
        csv::ErrorKind::Deserialize { err, .. } => IoError::Csv {
            line,
            message: err.to_string(),
        },
        _ => IoError::Csv {
            line,
            message: "malformed CSV".to_owned(),
        },
    }
}
