//! 1-D `.npy` files. Written as numpy writes them (format 1.0, the header
//! padded to 64 bytes); read without trusting them: the header is parsed
//! here (a small subset of Python literal syntax), its shape checked against
//! the file's size with checked arithmetic, and only then is memory set
//! aside for the values, which are decoded in a fixed buffer.
//!
//! The format: `\x93NUMPY`, a major and a minor version byte, the header's
//! length (u16 little-endian in version 1, u32 in 2 and 3), the header (a
//! Python dict literal with keys `descr`, `fortran_order`, `shape`, padded
//! with spaces and ending in a newline), then the data.

use super::table::{Table, check_names, check_rows};
use crate::error::IoError;
use crate::simd::{Dtype, Scalar, Value};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// A `.npy` file being written: its header says how many values follow,
/// and they are appended one by one.
pub(crate) struct Writer {
    file: BufWriter<File>,
    path: PathBuf,
    dtype: Dtype,
    /// One value's bytes.
    bytes: Vec<u8>,
}

impl Writer {
    /// Creates `path` with the header of `len` values of `dtype`.
    pub(crate) fn create(path: &Path, dtype: Dtype, len: usize) -> Result<Self, IoError> {
        let file = File::create(path).map_err(|e| IoError::file("create", path, e))?;
        let header = header_text(dtype, len);
        let mut writer = Writer {
            file: BufWriter::new(file),
            path: path.to_path_buf(),
            dtype,
            bytes: Vec::with_capacity(8),
        };
        // A short header (under 100 bytes): format 1.0's u16 length holds it.
        let length = u16::try_from(header.len()).unwrap_or(u16::MAX);
        writer.write(MAGIC)?;
        writer.write(&[1, 0])?;
        writer.write(&length.to_le_bytes())?;
        writer.write(header.as_bytes())?;
        Ok(writer)
    }

    /// The type of the column.
    pub(crate) fn dtype(&self) -> Dtype {
        self.dtype
    }

    /// Appends a value (of the column's type: the caller checks).
    pub(crate) fn push(&mut self, value: Value) -> Result<(), IoError> {
        self.bytes.clear();
        value.write_le(&mut self.bytes);
        let bytes = core::mem::take(&mut self.bytes);
        let written = self.write(&bytes);
        self.bytes = bytes;
        written
    }

    /// Flushes the file.
    pub(crate) fn finish(mut self) -> Result<(), IoError> {
        self.file
            .flush()
            .map_err(|e| IoError::file("write", &self.path, e))
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), IoError> {
        self.file
            .write_all(bytes)
            .map_err(|e| IoError::file("write", &self.path, e))
    }
}

/// The header dict of a 1-D array of `len` values of `dtype`, padded with
/// spaces so that the data starts on a 64-byte boundary, as numpy pads it,
/// and ending in a line break.
fn header_text(dtype: Dtype, len: usize) -> String {
    let mut header = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': ({len},), }}",
        dtype.npy()
    );
    while !(MAGIC.len() + 4 + header.len() + 1).is_multiple_of(64) {
        header.push(' ');
    }
    header.push('\n');
    header
}

/// Bytes before the data of a `.npy` file that grows
/// ([`stream_header`]): room for any shape of up to two dimensions, so that
/// the header is rewritten in place as rows are appended.
pub(crate) const STREAM_DATA_OFFSET: u64 = 128;

/// The preamble and header of a growing `.npy` file of `dtype` and `shape`
/// (rows first), [`STREAM_DATA_OFFSET`] bytes long: numpy reads the file
/// as that array whenever the header has just been written.
pub(crate) fn stream_header(dtype: Dtype, shape: &[u64]) -> Vec<u8> {
    let dims = match shape {
        [n] => format!("{n},"),
        _ => shape_text(shape),
    };
    let mut header = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': ({dims}), }}",
        dtype.npy()
    );
    let room = STREAM_DATA_OFFSET as usize - MAGIC.len() - 4;
    while header.len() + 1 < room {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = Vec::with_capacity(STREAM_DATA_OFFSET as usize);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&[1, 0]);
    bytes.extend_from_slice(
        &u16::try_from(header.len())
            .unwrap_or(u16::MAX)
            .to_le_bytes(),
    );
    bytes.extend_from_slice(header.as_bytes());
    debug_assert_eq!(
        bytes.len() as u64,
        STREAM_DATA_OFFSET,
        "a shape of two u64 fits"
    );
    bytes
}

/// The size in bytes of the `.npy` file of `len` values of `dtype` (`None`
/// beyond `u64`).
pub(crate) fn file_len(dtype: Dtype, len: usize) -> Option<u64> {
    let header = (MAGIC.len() + 4 + header_text(dtype, len).len()) as u64;
    (len as u64)
        .checked_mul(dtype.size() as u64)?
        .checked_add(header)
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
/// As [`write_csv`](crate::io::write_csv); [`IoError::NotADirectory`] if `dir` is a file;
/// [`IoError::File`] naming the file that could not be written.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::{read_npy, write_npy, Column};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32, k: i32 }
///
/// let space = PSpace::new(PColumns { x: vec![0.5, 1.5], k: vec![1, 2] })?;
/// let energy = vec![0.25f64, 2.25];
/// let dir = std::env::temp_dir().join(format!("dataspace-doc-write-npy-{}", std::process::id()));
/// write_npy(&dir, &[&space, &Column::new("energy", &energy)])?;
/// // One file per column: `np.load(dir / "x.npy")` in Python.
/// assert_eq!(read_npy::<f32>(&dir.join("x.npy"))?, [0.5, 1.5]);
/// assert_eq!(read_npy::<i32>(&dir.join("k.npy"))?, [1, 2]);
/// assert_eq!(read_npy::<f64>(&dir.join("energy.npy"))?, energy);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_npy(dir: &Path, tables: &[&dyn Table]) -> Result<(), IoError> {
    let (rows, names, dtypes) = checked_columns(tables, dir)?;
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

/// The rows, column names and column types of tables written side by side
/// as arrays, checked: equal lengths, usable and distinct names, a type per
/// name (`path`, the destination, names the last error).
pub(crate) fn checked_columns(
    tables: &[&dyn Table],
    path: &Path,
) -> Result<(usize, Vec<String>, Vec<Dtype>), IoError> {
    let rows = check_rows(tables)?;
    let names: Vec<String> = tables.iter().flat_map(|t| t.header()).collect();
    let dtypes: Vec<Dtype> = tables.iter().flat_map(|t| t.dtypes()).collect();
    check_names(&names)?;
    if names.len() != dtypes.len() {
        return Err(IoError::Npy {
            path: path.to_path_buf(),
            message: format!(
                "the tables name {} columns but type {}",
                names.len(),
                dtypes.len()
            ),
        });
    }
    Ok((rows, names, dtypes))
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
        writers.push(Writer::create(path, dtype, rows)?);
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
    writers.into_iter().try_for_each(Writer::finish)
}

/// Writes `values` to `path` as a 1-D `.npy` file (replacing it).
pub(crate) fn write_npy_file<T: Scalar>(path: &Path, values: &[T]) -> Result<(), IoError> {
    let mut writer = Writer::create(path, T::DTYPE, values.len())?;
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
/// data is shorter or longer than its header says (numpy ignores bytes
/// past the data; this reader does not drop data unseen).
///
/// ```
/// use dataspace::io::{read_npy, write_npy, Column, IoError};
///
/// let dir = std::env::temp_dir().join(format!("dataspace-doc-read-npy-{}", std::process::id()));
/// write_npy(&dir, &[&Column::new("r", &[1.0f32, 2.0, 3.0])])?;
/// let r: Vec<f32> = read_npy(&dir.join("r.npy"))?;
/// assert_eq!(r, [1.0, 2.0, 3.0]);
/// // Another element type is an error, never a reinterpretation.
/// let wrong = read_npy::<f64>(&dir.join("r.npy"));
/// assert!(matches!(wrong, Err(IoError::NpyDtype { .. })));
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_npy<T: Scalar>(path: &Path) -> Result<Vec<T>, IoError> {
    read(path)
}

/// What a header says: the element type string, the shape, and whether
/// the data is in Fortran (column-major) order.
struct Header {
    descr: String,
    shape: Vec<u64>,
    fortran_order: bool,
}

/// Reads the 1-D `.npy` file at `path` as values of `T`.
fn read<T: Scalar>(path: &Path) -> Result<Vec<T>, IoError> {
    let read_error = |e| IoError::file("read", path, e);
    let file = File::open(path).map_err(read_error)?;
    let file_len = file.metadata().map_err(read_error)?.len();
    read_from(BufReader::with_capacity(1 << 16, file), file_len, path)
}

/// Reads a 2-D `.npy` file of `T` (as [`NpySink`](crate::NpySink) writes a
/// time series, or numpy's `np.save` of any 2-D array, either order and
/// byte order): the values in row-major order, and the shape (rows, columns).
///
/// # Errors
/// As [`read_npy`], with [`IoError::Npy`] if the array is not 2-D.
///
/// ```
/// use dataspace::io::read_npy_2d;
/// use dataspace::prelude::*;
/// use dataspace::{NpySink, Recorder};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0, 2.0] })?;
/// let dir = std::env::temp_dir().join(format!("dataspace-doc-read-npy-2d-{}", std::process::id()));
/// let mut sink = NpySink::create(&dir, &["powers"])?;
/// Executor::parallel().run_into(&space, |p: PLanes<'_, 4>| {
///     let mut recorder = Recorder::new();
///     recorder.record([p.x]);
///     recorder.record([p.x * p.x]);
///     recorder.record([p.x * p.x * p.x]);
///     recorder
/// }, &mut sink)?;
/// let (powers, shape) = read_npy_2d::<f32>(&dir.join("powers.npy"))?;
/// assert_eq!(shape, (2, 3));
/// assert_eq!(powers, [1.0, 1.0, 1.0, 2.0, 4.0, 8.0]);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_npy_2d<T: Scalar>(path: &Path) -> Result<(Vec<T>, (usize, usize)), IoError> {
    let read_error = |e| IoError::file("read", path, e);
    let file = File::open(path).map_err(read_error)?;
    let file_len = file.metadata().map_err(read_error)?.len();
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let header = read_header(&mut reader, file_len, path)?;
    let big_endian = check_dtype::<T>(&header, path)?;
    let malformed = |message: String| IoError::Npy {
        path: path.to_path_buf(),
        message,
    };
    let [rows, columns] = header.header.shape[..] else {
        return Err(malformed(format!(
            "holds an array of shape ({}), expected a 2-D array",
            shape_text(&header.header.shape)
        )));
    };
    // numpy's sizes are signed: larger dimensions are no array it makes.
    if rows.max(columns) > i64::MAX as u64 {
        return Err(malformed(format!(
            "its shape ({rows}, {columns}) has a dimension past numpy's largest"
        )));
    }
    let count = rows
        .checked_mul(columns)
        .ok_or_else(|| malformed(format!("its shape ({rows}, {columns}) overflows")))?;
    let values = read_values::<T>(&mut reader, count, header.data_len, big_endian, path)?;
    let (rows, columns) = (rows as usize, columns as usize); // their product fits in memory
    if header.header.fortran_order {
        let transposed = (0..rows * columns)
            .filter_map(|k| values.get((k % columns) * rows + k / columns).copied())
            .collect();
        return Ok((transposed, (rows, columns)));
    }
    Ok((values, (rows, columns)))
}

/// A parsed preamble and header, and where the data starts.
pub(crate) struct FileHeader {
    header: Header,
    /// Bytes before the data: magic, version, length, header text.
    pub(crate) data_offset: u64,
    /// Bytes after the header.
    pub(crate) data_len: u64,
}

impl FileHeader {
    /// The shape the header gives.
    pub(crate) fn shape(&self) -> &[u64] {
        &self.header.shape
    }

    /// The column type and byte order (big-endian) of the header's
    /// `descr`, or `None` for a type that is no column scalar.
    pub(crate) fn dtype(&self) -> Option<(Dtype, bool)> {
        parse_descr(&self.header.descr).map(|(big, dtype)| (dtype, big))
    }

    /// The header's `descr` text.
    pub(crate) fn descr(&self) -> &str {
        &self.header.descr
    }
}

/// The shape as numpy prints it inside its parentheses.
fn shape_text(shape: &[u64]) -> String {
    let dims: Vec<String> = shape.iter().map(u64::to_string).collect();
    dims.join(", ")
}

/// The header's byte order, if its type is `T`.
fn check_dtype<T: Scalar>(header: &FileHeader, path: &Path) -> Result<bool, IoError> {
    match header.dtype() {
        Some((dtype, big_endian)) if dtype == T::DTYPE => Ok(big_endian),
        _ => Err(IoError::NpyDtype {
            path: path.to_path_buf(),
            found: header.header.descr.clone(),
            expected: T::DTYPE,
        }),
    }
}

/// Reads a 1-D `.npy` array of `file_len` bytes from `reader` (a file, or
/// an entry of an `.npz` archive) as values of `T`; `path` names it in
/// errors.
pub(crate) fn read_from<T: Scalar>(
    mut reader: impl Read,
    file_len: u64,
    path: &Path,
) -> Result<Vec<T>, IoError> {
    let header = read_header(&mut reader, file_len, path)?;
    let big_endian = check_dtype::<T>(&header, path)?;
    let [len] = header.header.shape[..] else {
        return Err(IoError::Npy {
            path: path.to_path_buf(),
            message: format!(
                "holds an array of shape ({}), expected a 1-D array",
                shape_text(&header.header.shape)
            ),
        });
    };
    read_values(&mut reader, len, header.data_len, big_endian, path)
}

/// Reads the preamble and header of a `.npy` file of `file_len` bytes,
/// checking only that they are well formed and fit in the file.
pub(crate) fn read_header(
    reader: &mut impl Read,
    file_len: u64,
    path: &Path,
) -> Result<FileHeader, IoError> {
    let malformed = |message: String| IoError::Npy {
        path: path.to_path_buf(),
        message,
    };

    let mut preamble = [0u8; 8];
    read_exact_or(reader, &mut preamble, path, "shorter than a .npy preamble")?;
    let (magic, version) = preamble.split_at(6);
    if magic != MAGIC {
        return Err(malformed(
            "not a .npy file (it does not start with \\x93NUMPY)".to_owned(),
        ));
    }
    let (header_len, preamble_len) = match version.first() {
        Some(1) => {
            let mut len = [0u8; 2];
            read_exact_or(reader, &mut len, path, "cut off in its header")?;
            (u64::from(u16::from_le_bytes(len)), 10u64)
        }
        Some(2 | 3) => {
            let mut len = [0u8; 4];
            read_exact_or(reader, &mut len, path, "cut off in its header")?;
            (u64::from(u32::from_le_bytes(len)), 12u64)
        }
        _ => {
            let (major, minor) = (version.first(), version.get(1));
            return Err(malformed(format!(
                "a .npy format version {}.{} this reader does not know (1, 2 or 3)",
                major.copied().unwrap_or_default(),
                minor.copied().unwrap_or_default()
            )));
        }
    };
    let data_len = file_len
        .checked_sub(preamble_len)
        .and_then(|rest| rest.checked_sub(header_len))
        .ok_or_else(|| malformed("cut off in its header".to_owned()))?;
    // header_len <= file_len here, so this allocation is bounded by the file.
    let mut text = vec![0u8; usize::try_from(header_len).unwrap_or(usize::MAX)];
    read_exact_or(reader, &mut text, path, "cut off in its header")?;
    let text =
        String::from_utf8(text).map_err(|_| malformed("its header is not text".to_owned()))?;
    let header = parse_header(&text).map_err(|e| malformed(format!("its header {e}")))?;
    Ok(FileHeader {
        header,
        data_offset: preamble_len + header_len,
        data_len,
    })
}

/// Reads `len` values of `T` (the whole of the `data_len` bytes left) from
/// `reader`, decoded in a fixed buffer.
fn read_values<T: Scalar>(
    reader: &mut impl Read,
    len: u64,
    data_len: u64,
    big_endian: bool,
    path: &Path,
) -> Result<Vec<T>, IoError> {
    let malformed = |message: String| IoError::Npy {
        path: path.to_path_buf(),
        message,
    };
    let size = core::mem::size_of::<T>() as u64;
    // Exactly: bytes past the values would be data this reader drops
    // unseen (numpy ignores them). A growing file of `NpySink` killed
    // before its header counted its last rows has them: `NpySink::open`
    // cuts them.
    if len.checked_mul(size) != Some(data_len) {
        return Err(malformed(format!(
            "its header says {len} values of {size} bytes, but {data_len} bytes of data follow"
        )));
    }
    let len = usize::try_from(len)
        .map_err(|_| malformed(format!("{len} values do not fit in memory")))?;
    let mut values = Vec::new();
    values
        .try_reserve_exact(len)
        .map_err(|_| malformed(format!("{len} values do not fit in memory")))?;
    let mut buffer = vec![0u8; 1 << 16];
    let chunk = buffer.len() - buffer.len() % size as usize;
    let mut left = len;
    while left > 0 {
        let n = left.min(chunk / size as usize);
        let bytes = buffer.get_mut(..n * size as usize).unwrap_or_default();
        read_exact_or(reader, bytes, path, "shorter than its header says")?;
        values.extend(
            bytes
                .chunks_exact(size as usize)
                .filter_map(|b| T::from_bytes(b, big_endian)),
        );
        left -= n;
    }
    Ok(values)
}

/// `read_exact`, with a running out of bytes reported as `short`.
fn read_exact_or(
    reader: &mut impl Read,
    buffer: &mut [u8],
    path: &Path,
    short: &str,
) -> Result<(), IoError> {
    reader.read_exact(buffer).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            IoError::Npy {
                path: path.to_path_buf(),
                message: format!("the file is {short}"),
            }
        } else {
            IoError::file("read", path, e)
        }
    })
}

/// A type string such as `<f4`: (big-endian, the column type), or `None`
/// for anything that is not a column scalar.
fn parse_descr(descr: &str) -> Option<(bool, Dtype)> {
    let (order, kind) = descr.split_at_checked(1)?;
    let big_endian = match order {
        "<" => false,
        ">" => true,
        _ => return None,
    };
    let dtype = *Dtype::ALL
        .iter()
        .find(|dtype| dtype.npy().get(1..) == Some(kind))?;
    Some((big_endian, dtype))
}

/// Parses the header dict: `{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }`.
fn parse_header(text: &str) -> Result<Header, String> {
    let mut p = Parser {
        rest: text.trim_end(),
    };
    p.expect('{')?;
    let (mut descr, mut shape, mut order) = (None, None, None);
    loop {
        p.skip_space();
        if p.eat('}') {
            break;
        }
        let key = p.string()?;
        p.expect(':')?;
        match key.as_str() {
            "descr" => {
                descr = Some(
                    p.string()
                        .map_err(|_| "has a structured dtype".to_owned())?,
                )
            }
            "fortran_order" => order = Some(p.boolean()?),
            "shape" => shape = Some(p.tuple()?),
            other => return Err(format!("has an unknown key '{other}'")),
        }
        p.skip_space();
        if !p.eat(',') {
            p.expect('}')?;
            break;
        }
    }
    p.skip_space();
    if !p.rest.is_empty() {
        return Err("has text after its dict".to_owned());
    }
    Ok(Header {
        descr: descr.ok_or("has no 'descr'")?,
        shape: shape.ok_or("has no 'shape'")?,
        fortran_order: order.ok_or("has no 'fortran_order'")?,
    })
}

/// A cursor over the header text.
struct Parser<'a> {
    rest: &'a str,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("is not a dict literal (expected '{c}')"))
        }
    }

    /// A quoted string without escapes.
    fn string(&mut self) -> Result<String, String> {
        self.skip_space();
        let quote = match self.rest.chars().next() {
            Some(q @ ('\'' | '"')) => q,
            _ => return Err("is not a dict literal (expected a string)".to_owned()),
        };
        let unterminated = "is not a dict literal (an unterminated string)";
        let body = self.rest.strip_prefix(quote).ok_or(unterminated)?;
        let (value, rest) = body.split_once(quote).ok_or(unterminated)?;
        self.rest = rest;
        Ok(value.to_owned())
    }

    fn boolean(&mut self) -> Result<bool, String> {
        self.skip_space();
        for (word, value) in [("True", true), ("False", false)] {
            if let Some(rest) = self.rest.strip_prefix(word) {
                self.rest = rest;
                return Ok(value);
            }
        }
        Err("has a 'fortran_order' that is not True or False".to_owned())
    }

    /// A tuple of non-negative integers: `()`, `(3,)`, `(2, 3)`.
    fn tuple(&mut self) -> Result<Vec<u64>, String> {
        self.expect('(')?;
        let mut values = Vec::new();
        loop {
            self.skip_space();
            if self.eat(')') {
                return Ok(values);
            }
            let digits = self.rest.len()
                - self
                    .rest
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            let (number, rest) = self.rest.split_at(digits);
            let value = number.parse::<u64>().map_err(|_| {
                format!(
                    "has a shape entry that is not a size: '{}'",
                    first_word(self.rest)
                )
            })?;
            values.push(value);
            self.rest = rest;
            if !self.eat(',') {
                // `(3)` is the integer 3 in Python, not a tuple.
                if values.len() == 1 {
                    return Err(
                        "has a shape that is not a tuple (write (3,) for 3 values)".to_owned()
                    );
                }
                self.expect(')')?;
                return Ok(values);
            }
        }
    }
}

/// The text up to the next separator, for messages.
fn first_word(text: &str) -> &str {
    let end = text.find([',', ')', ' ']).unwrap_or(text.len()).min(20);
    text.get(..end).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_numpy_writes_parse() {
        let h = parse_header("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }").unwrap();
        assert_eq!((h.descr.as_str(), h.shape), ("<f4", vec![3]));
        let h =
            parse_header("{\"descr\":\">u4\",\"fortran_order\":True,\"shape\":(2, 3)}   ").unwrap();
        assert_eq!((h.descr.as_str(), h.shape), (">u4", vec![2, 3]));
        assert_eq!(
            parse_header("{'descr': '<f8', 'fortran_order': False, 'shape': (), }")
                .unwrap()
                .shape,
            Vec::<u64>::new()
        );
    }

    #[test]
    fn hostile_headers_are_errors() {
        for text in [
            "",
            "{",
            "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
            "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (3,), }",
            "{'descr': '<f4', 'shape': (3,), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}",
            "{'descr': '<f4, 'fortran_order': False, 'shape': (3,)}",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,)} trailing",
        ] {
            assert!(parse_header(text).is_err(), "{text}");
        }
    }

    #[test]
    fn only_the_column_scalars_are_known() {
        assert_eq!(parse_descr("<f4"), Some((false, Dtype::F32)));
        assert_eq!(parse_descr("<i8"), Some((false, Dtype::I64)));
        assert_eq!(parse_descr(">i4"), Some((true, Dtype::I32)));
        for descr in ["", "<", "|u1", "<f2", "<c8", "=f4", "<U10", "é"] {
            assert_eq!(parse_descr(descr), None, "{descr}");
        }
    }
}
