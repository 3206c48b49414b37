//! Parquet (feature `parquet`; arrow-rs's `parquet` crate, its column API
//! without arrow): tables written side by side as one file, files and
//! datasets (folders of part files) read back as columns or through
//! [`FromRecords`], and the part files of [`ParquetSink`](crate::ParquetSink).
//!
//! Every column scalar maps to the Parquet type that pandas, pyarrow and
//! polars read back as the same type: `f32` FLOAT (float32), `f64` DOUBLE
//! (float64), `i32` INT32 with the INT(32, signed) annotation (int32), `u32`
//! INT32 with INT(32, unsigned) (uint32), `i64` INT64 with INT(64, signed)
//! (int64). Values are stored as their bits (PLAIN or dictionary
//! encoding, uncompressed), so NaN payloads survive. Columns are REQUIRED.
//!
//! The readers also take what pandas and pyarrow write: snappy-compressed
//! pages (other codecs are an error saying so), OPTIONAL columns, and nulls
//! in float columns, read as NaN (pandas writes NaN as null); a null in an
//! integer column is an error.

use super::record::{Cells, Fields, FromRecords, Record};
use super::table::{Table, check_names, check_rows};
use crate::error::IoError;
use crate::simd::{Dtype, Scalar, Value};
use parquet::basic::{ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{DataType, DoubleType, FloatType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::{ColumnDescriptor, Type};
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Rows per row group of [`write_parquet`]: bounds the memory of a write
/// (one row group of every column is gathered before it is written) and is
/// the row-group size pandas and pyarrow default to.
const ROW_GROUP_ROWS: usize = 1 << 20;

/// Values decoded per call when reading a column chunk.
const READ_BATCH: usize = 1 << 16;

/// The metadata key of the crate version that wrote a file.
pub const VERSION_KEY: &str = "dataspace.version";

/// The metadata key of the SIMD target features the writing build was
/// compiled with (`x86_64: sse2,sse4.1,avx,avx2,fma`).
pub const TARGET_FEATURES_KEY: &str = "dataspace.target_features";

/// The key-value metadata every file gets: the crate version and the
/// build's target features.
pub(crate) fn build_metadata() -> Vec<(String, String)> {
    let info = crate::simd::simd_info();
    vec![
        (VERSION_KEY.to_owned(), env!("CARGO_PKG_VERSION").to_owned()),
        (
            TARGET_FEATURES_KEY.to_owned(),
            format!("{}: {}", std::env::consts::ARCH, info.built().join(",")),
        ),
    ]
}

/// The Parquet type of a column scalar: the one fact per scalar this
/// format adds (a new scalar fails to compile here until it has a row).
fn parquet_type(dtype: Dtype) -> (Physical, Option<LogicalType>) {
    match dtype {
        Dtype::F32 => (Physical::FLOAT, None),
        Dtype::F64 => (Physical::DOUBLE, None),
        Dtype::I32 => (Physical::INT32, Some(LogicalType::integer(32, true))),
        Dtype::U32 => (Physical::INT32, Some(LogicalType::integer(32, false))),
        Dtype::I64 => (Physical::INT64, Some(LogicalType::integer(64, true))),
    }
}

/// The column scalar a Parquet column reads as, if any: the types
/// [`parquet_type`] writes, and the same without annotation (or with the
/// legacy converted type) as other writers may give them.
fn dtype_of(column: &ColumnDescriptor) -> Option<Dtype> {
    let int = |width: i8, signed: bool| Some(LogicalType::integer(width, signed));
    let logical = column.logical_type_ref().cloned();
    let converted = column.converted_type();
    match column.physical_type() {
        Physical::FLOAT if logical.is_none() => Some(Dtype::F32),
        Physical::DOUBLE if logical.is_none() => Some(Dtype::F64),
        Physical::INT32 if logical == int(32, true) => Some(Dtype::I32),
        Physical::INT32 if logical == int(32, false) => Some(Dtype::U32),
        Physical::INT32 if logical.is_none() => match converted {
            ConvertedType::NONE | ConvertedType::INT_32 => Some(Dtype::I32),
            ConvertedType::UINT_32 => Some(Dtype::U32),
            _ => None,
        },
        Physical::INT64 if logical == int(64, true) => Some(Dtype::I64),
        Physical::INT64 if logical.is_none() => match converted {
            ConvertedType::NONE | ConvertedType::INT_64 => Some(Dtype::I64),
            _ => None,
        },
        _ => None,
    }
}

/// A column's type as errors show it: the scalar it reads as, or its
/// Parquet physical and logical type.
fn describe_type(column: &ColumnDescriptor) -> String {
    if let Some(dtype) = dtype_of(column) {
        return dtype.to_string();
    }
    match column.logical_type_ref() {
        Some(LogicalType::Integer(int)) => format!(
            "Parquet {} {}int{}",
            column.physical_type(),
            if int.is_signed { "" } else { "u" },
            int.bit_width
        ),
        Some(logical) => format!("Parquet {} {logical:?}", column.physical_type()),
        None => format!("Parquet {}", column.physical_type()),
    }
}

/// One column's values, of one scalar type.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Buffer {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I32(Vec<i32>),
    U32(Vec<u32>),
    I64(Vec<i64>),
}

impl Buffer {
    fn new(dtype: Dtype) -> Buffer {
        match dtype {
            Dtype::F32 => Buffer::F32(Vec::new()),
            Dtype::F64 => Buffer::F64(Vec::new()),
            Dtype::I32 => Buffer::I32(Vec::new()),
            Dtype::U32 => Buffer::U32(Vec::new()),
            Dtype::I64 => Buffer::I64(Vec::new()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Buffer::F32(v) => v.len(),
            Buffer::F64(v) => v.len(),
            Buffer::I32(v) => v.len(),
            Buffer::U32(v) => v.len(),
            Buffer::I64(v) => v.len(),
        }
    }

    /// Appends `value`; `false` (and nothing appended) if it is of another type.
    fn push(&mut self, value: Value) -> bool {
        match (self, value) {
            (Buffer::F32(v), Value::F32(x)) => v.push(x),
            (Buffer::F64(v), Value::F64(x)) => v.push(x),
            (Buffer::I32(v), Value::I32(x)) => v.push(x),
            (Buffer::U32(v), Value::U32(x)) => v.push(x),
            (Buffer::I64(v), Value::I64(x)) => v.push(x),
            _ => return false,
        }
        true
    }

    fn get(&self, i: usize) -> Option<Value> {
        match self {
            Buffer::F32(v) => v.get(i).map(|&x| Value::F32(x)),
            Buffer::F64(v) => v.get(i).map(|&x| Value::F64(x)),
            Buffer::I32(v) => v.get(i).map(|&x| Value::I32(x)),
            Buffer::U32(v) => v.get(i).map(|&x| Value::U32(x)),
            Buffer::I64(v) => v.get(i).map(|&x| Value::I64(x)),
        }
    }

    /// Appends `other`, which must be of the same type (`false` otherwise).
    fn append(&mut self, other: Buffer) -> bool {
        match (self, other) {
            (Buffer::F32(v), Buffer::F32(w)) => v.extend(w),
            (Buffer::F64(v), Buffer::F64(w)) => v.extend(w),
            (Buffer::I32(v), Buffer::I32(w)) => v.extend(w),
            (Buffer::U32(v), Buffer::U32(w)) => v.extend(w),
            (Buffer::I64(v), Buffer::I64(w)) => v.extend(w),
            _ => return false,
        }
        true
    }

    /// Writes the values as one column chunk (`u32` as INT32 bits).
    fn write(
        &self,
        column: &mut parquet::file::writer::SerializedColumnWriter<'_>,
    ) -> Result<(), ParquetError> {
        match self {
            Buffer::F32(v) => column.typed::<FloatType>().write_batch(v, None, None)?,
            Buffer::F64(v) => column.typed::<DoubleType>().write_batch(v, None, None)?,
            Buffer::I32(v) => column.typed::<Int32Type>().write_batch(v, None, None)?,
            Buffer::U32(v) => {
                let bits: Vec<i32> = v.iter().map(|&x| x.cast_signed()).collect();
                column.typed::<Int32Type>().write_batch(&bits, None, None)?
            }
            Buffer::I64(v) => column.typed::<Int64Type>().write_batch(v, None, None)?,
        };
        Ok(())
    }
}

/// Rows of named, typed columns, held in memory: a row group being written,
/// or read back.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Batch {
    pub(crate) names: Vec<String>,
    pub(crate) dtypes: Vec<Dtype>,
    columns: Vec<Buffer>,
}

impl Batch {
    /// No rows of these columns.
    pub(crate) fn empty(names: Vec<String>, dtypes: Vec<Dtype>) -> Batch {
        let columns = dtypes.iter().map(|&d| Buffer::new(d)).collect();
        Batch {
            names,
            dtypes,
            columns,
        }
    }

    /// The columns of `tables` side by side, checked (names, lengths, and
    /// that they name as many columns as they type), and no rows yet.
    pub(crate) fn of_tables(tables: &[&dyn Table], path: &Path) -> Result<(Batch, usize), IoError> {
        let rows = check_rows(tables)?;
        let names: Vec<String> = tables.iter().flat_map(|t| t.header()).collect();
        let dtypes: Vec<Dtype> = tables.iter().flat_map(|t| t.dtypes()).collect();
        check_names(&names)?;
        if names.len() != dtypes.len() {
            return Err(IoError::Parquet {
                path: path.to_path_buf(),
                message: format!(
                    "the tables name {} columns but type {}",
                    names.len(),
                    dtypes.len()
                ),
            });
        }
        Ok((Batch::empty(names, dtypes), rows))
    }

    pub(crate) fn rows(&self) -> usize {
        self.columns.first().map_or(0, Buffer::len)
    }

    /// Appends rows `rows` of `tables` (whose columns are this batch's).
    pub(crate) fn push_rows(
        &mut self,
        tables: &[&dyn Table],
        rows: core::ops::Range<usize>,
    ) -> Result<(), IoError> {
        let mut cells = Vec::with_capacity(self.columns.len());
        for i in rows {
            cells.clear();
            for table in tables {
                table.row(i, &mut cells);
            }
            if cells.len() != self.columns.len() {
                return Err(IoError::Rows {
                    column: self.names.first().cloned().unwrap_or_default(),
                    found: cells.len(),
                    expected: self.columns.len(),
                });
            }
            for (k, (column, &cell)) in self.columns.iter_mut().zip(&cells).enumerate() {
                if !column.push(cell) {
                    return Err(IoError::CellType {
                        column: self.names.get(k).cloned().unwrap_or_default(),
                        row: i,
                        found: cell.dtype(),
                        expected: self.dtypes.get(k).copied().unwrap_or(cell.dtype()),
                    });
                }
            }
        }
        Ok(())
    }

    /// Appends the rows of `other`, which has the same columns.
    pub(crate) fn append(&mut self, other: Batch) -> bool {
        if other.names != self.names || other.dtypes != self.dtypes {
            return false;
        }
        // Same types column by column: every append succeeds.
        self.columns
            .iter_mut()
            .zip(other.columns)
            .all(|(a, b)| a.append(b))
    }

    /// The columns as `name: type, ...`, for messages.
    pub(crate) fn describe(names: &[String], dtypes: &[Dtype]) -> String {
        let text: Vec<String> = names
            .iter()
            .zip(dtypes)
            .map(|(n, d)| format!("{n}: {d}"))
            .collect();
        text.join(", ")
    }
}

/// The Parquet schema of the columns: one REQUIRED leaf per column.
fn schema(names: &[String], dtypes: &[Dtype]) -> Result<Type, ParquetError> {
    let fields = names
        .iter()
        .zip(dtypes)
        .map(|(name, &dtype)| {
            let (physical, logical) = parquet_type(dtype);
            Type::primitive_type_builder(name, physical)
                .with_repetition(Repetition::REQUIRED)
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Type::group_type_builder("schema")
        .with_fields(fields)
        .build()
}

fn parquet_error(path: &Path) -> impl Fn(ParquetError) -> IoError + '_ {
    move |e| IoError::Parquet {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// A temporary file beside `path`, unique per call (process and a counter),
/// hidden (a leading `.`: pyarrow and pandas skip it in a dataset folder).
fn temporary(path: &Path) -> PathBuf {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    dir.join(format!(".{name}.{}-{call}.tmp", std::process::id()))
}

/// Writes a Parquet file of the columns of `first` at `path`: the row groups
/// `first`, then each that `next` gives until `None`, with `metadata`. The
/// file is written under a temporary name and renamed to `path` only when
/// complete; on an error the temporary is removed.
pub(crate) fn write_file(
    path: &Path,
    first: Batch,
    next: &mut dyn FnMut() -> Result<Option<Batch>, IoError>,
    metadata: &[(String, String)],
) -> Result<(), IoError> {
    if path.is_dir() {
        return Err(IoError::Parquet {
            path: path.to_path_buf(),
            message: "is a directory, not a file".to_owned(),
        });
    }
    let temp = temporary(path);
    let written = write_temp(&temp, path, first, next, metadata)
        .and_then(|()| std::fs::rename(&temp, path).map_err(|e| IoError::file("write", path, e)));
    if written.is_err() {
        // Best effort: the error being returned is the one that matters.
        let _ = std::fs::remove_file(&temp);
    }
    written
}

fn write_temp(
    temp: &Path,
    path: &Path,
    first: Batch,
    next: &mut dyn FnMut() -> Result<Option<Batch>, IoError>,
    metadata: &[(String, String)],
) -> Result<(), IoError> {
    let error = parquet_error(path);
    let schema = schema(&first.names, &first.dtypes).map_err(&error)?;
    let properties = WriterProperties::builder()
        .set_created_by(format!(
            "dataspace {} (parquet-rs)",
            env!("CARGO_PKG_VERSION")
        ))
        .set_key_value_metadata(Some(
            metadata
                .iter()
                .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
                .collect(),
        ))
        .build();
    // Named after the file asked for: the temporary is ours, not the caller's.
    let file = File::create(temp).map_err(|e| IoError::file("create", path, e))?;
    let mut writer =
        SerializedFileWriter::new(BufWriter::new(file), Arc::new(schema), Arc::new(properties))
            .map_err(&error)?;
    let mut batch = Some(first);
    while let Some(group) = batch {
        // A file of no rows has no row group (as pyarrow writes it).
        if group.rows() > 0 {
            let mut writer = writer.next_row_group().map_err(&error)?;
            for column in &group.columns {
                let Some(mut chunk) = writer.next_column().map_err(&error)? else {
                    return Err(error(ParquetError::General(
                        "more columns than the schema".into(),
                    )));
                };
                column.write(&mut chunk).map_err(&error)?;
                chunk.close().map_err(&error)?;
            }
            writer.close().map_err(&error)?;
        }
        batch = next()?;
    }
    let buffered = writer.into_inner().map_err(&error)?;
    buffered
        .into_inner()
        .map_err(|e| IoError::file("write", temp, e.into_error()))?;
    Ok(())
}

/// Writes tables side by side as one Parquet file at `path`: a column per
/// table column, in row groups of 2^20 rows, each scalar as the Parquet
/// type pandas and pyarrow read back as the same type (see the
/// [module docs](crate::io)); with key-value metadata naming the crate
/// version ([`VERSION_KEY`]) and the SIMD target features of the build
/// ([`TARGET_FEATURES_KEY`]). Feature `parquet`.
///
/// Names and lengths are checked before anything is written; the file is
/// written under a temporary name beside `path` (`.<name>.<pid>-<n>.tmp`,
/// removed on an error) and renamed to `path` once complete, so a failure or
/// a killed process never leaves a partial file at `path` (a killed process
/// leaves its temporary). Memory: one row group of every column.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::{read_parquet, read_parquet_column, write_parquet, Column};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { eta: f32, k: [u32; 2] }
///
/// let space = PSpace::new(PColumns { eta: vec![-5.0, f32::NAN], k: vec![[1, 2], [3, u32::MAX]] })?;
/// let rate = vec![0.25f64, f64::INFINITY];
/// let path = std::env::temp_dir().join(format!("dataspace-doc-pq-{}.parquet", std::process::id()));
/// write_parquet(&path, &[&space, &Column::new("rate", &rate)])?;
/// // In Python: pandas.read_parquet(path) (eta float32, k[0] uint32, rate float64)
/// assert_eq!(read_parquet_column::<f64>(&path, "rate")?, rate);
/// assert_eq!(read_parquet_column::<u32>(&path, "k[1]")?, [2, u32::MAX]);
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Tables of different lengths, duplicate or unusable column names
/// ([`IoError::DuplicateColumn`], [`IoError::InvalidColumnName`]), a table
/// whose cells are not of its column types ([`IoError::CellType`]),
/// [`IoError::File`] naming the file if it cannot be written (a missing
/// folder included), [`IoError::Parquet`] if `path` is a directory.
pub fn write_parquet(path: &Path, tables: &[&dyn Table]) -> Result<(), IoError> {
    write_parquet_with(path, tables, &[])
}

/// [`write_parquet`] with more key-value metadata: `metadata`'s entries
/// after the crate version and target features (a key given twice, or one
/// of those two, keeps its last value). Feature `parquet`.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::{read_parquet_metadata, write_parquet_with, Column, VERSION_KEY};
///
/// let y = [1.0f32, 2.0];
/// let path = std::env::temp_dir().join(format!("dataspace-doc-pq-meta-{}.parquet", std::process::id()));
/// write_parquet_with(&path, &[&Column::new("y", &y)], &[("seed", "42")])?;
/// let metadata = read_parquet_metadata(&path)?;
/// assert!(metadata.contains(&("seed".to_owned(), "42".to_owned())));
/// assert!(metadata.iter().any(|(k, v)| k == VERSION_KEY && v == env!("CARGO_PKG_VERSION")));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`write_parquet`].
pub fn write_parquet_with(
    path: &Path,
    tables: &[&dyn Table],
    metadata: &[(&str, &str)],
) -> Result<(), IoError> {
    let (batch, rows) = Batch::of_tables(tables, path)?;
    let mut entries = build_metadata();
    for &(key, value) in metadata {
        set_entry(&mut entries, key, value);
    }
    let group = |start: usize| -> Result<Batch, IoError> {
        let mut group = batch.clone();
        group.push_rows(
            tables,
            start..start.saturating_add(ROW_GROUP_ROWS).min(rows),
        )?;
        Ok(group)
    };
    let first = group(0)?;
    let mut start = ROW_GROUP_ROWS;
    let mut next = || {
        if start >= rows {
            return Ok(None);
        }
        let batch = group(start)?;
        start = start.saturating_add(ROW_GROUP_ROWS);
        Ok(Some(batch))
    };
    write_file(path, first, &mut next, &entries)
}

/// Sets `key` to `value` in `entries`, in place if it is there.
pub(crate) fn set_entry(entries: &mut Vec<(String, String)>, key: &str, value: &str) {
    match entries.iter_mut().find(|(k, _)| k == key) {
        Some(entry) => entry.1 = value.to_owned(),
        None => entries.push((key.to_owned(), value.to_owned())),
    }
}

/// A Parquet file opened for reading: its footer parsed, columns checked
/// to be a flat table.
pub(crate) struct ParquetFile {
    path: PathBuf,
    reader: SerializedFileReader<File>,
    pub(crate) names: Vec<String>,
    /// Each column's scalar, or what it is instead.
    pub(crate) dtypes: Vec<Result<Dtype, String>>,
}

impl ParquetFile {
    /// Opens `path` and reads its footer (nothing else).
    pub(crate) fn open(path: &Path) -> Result<ParquetFile, IoError> {
        let file = File::open(path).map_err(|e| IoError::file("open", path, e))?;
        let reader = SerializedFileReader::new(file).map_err(|e| IoError::Parquet {
            path: path.to_path_buf(),
            message: format!("not a readable Parquet file ({e})"),
        })?;
        let schema = reader.metadata().file_metadata().schema_descr();
        let mut names = Vec::with_capacity(schema.num_columns());
        let mut dtypes = Vec::with_capacity(schema.num_columns());
        for column in schema.columns() {
            if column.path().parts().len() != 1 || column.max_rep_level() != 0 {
                return Err(IoError::Parquet {
                    path: path.to_path_buf(),
                    message: format!(
                        "column `{}` is nested or repeated: only flat tables of numbers are read",
                        column.path()
                    ),
                });
            }
            names.push(column.name().to_owned());
            dtypes.push(dtype_of(column).ok_or_else(|| describe_type(column)));
        }
        if reader.metadata().file_metadata().num_rows() < 0 {
            return Err(IoError::Parquet {
                path: path.to_path_buf(),
                message: "its footer gives a negative number of rows".to_owned(),
            });
        }
        Ok(ParquetFile {
            path: path.to_path_buf(),
            reader,
            names,
            dtypes,
        })
    }

    /// The rows the footer declares.
    pub(crate) fn rows(&self) -> usize {
        let rows = self.reader.metadata().file_metadata().num_rows();
        usize::try_from(rows).unwrap_or(0)
    }

    /// The key-value metadata, in file order (a key without value as "").
    pub(crate) fn metadata(&self) -> Vec<(String, String)> {
        self.reader
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .map(|entries| {
                entries
                    .iter()
                    .map(|kv| (kv.key.clone(), kv.value.clone().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The column's scalar, checked to be `expected`.
    fn check_type(&self, column: usize, expected: Dtype) -> Result<(), IoError> {
        match self.dtypes.get(column) {
            Some(Ok(dtype)) if *dtype == expected => Ok(()),
            found => Err(IoError::ParquetType {
                path: self.path.clone(),
                column: self.names.get(column).cloned().unwrap_or_default(),
                found: match found {
                    Some(Ok(dtype)) => dtype.to_string(),
                    Some(Err(other)) => other.clone(),
                    None => "no".to_owned(),
                },
                expected,
            }),
        }
    }

    /// Where the column `name` is, checking that no other column has its name.
    fn position(&self, name: &str) -> Result<usize, IoError> {
        let mut found = self.names.iter().enumerate().filter(|(_, n)| *n == name);
        match (found.next(), found.next()) {
            (Some((position, _)), None) => Ok(position),
            (Some(_), Some(_)) => Err(IoError::DuplicateColumn {
                column: name.to_owned(),
            }),
            (None, _) => Err(IoError::MissingColumn {
                column: name.to_owned(),
            }),
        }
    }

    /// Every row of the file, its columns checked to be column scalars.
    pub(crate) fn read_batch(&self) -> Result<Batch, IoError> {
        let dtypes = self
            .dtypes
            .iter()
            .enumerate()
            .map(|(k, d)| {
                d.clone().map_err(|found| IoError::Parquet {
                    path: self.path.clone(),
                    message: format!(
                        "column `{}` holds {found} values, which are no column scalar",
                        self.names.get(k).map_or("", String::as_str)
                    ),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut batch = Batch::empty(self.names.clone(), dtypes.clone());
        for group in 0..self.groups() {
            for (k, (column, &dtype)) in batch.columns.iter_mut().zip(&dtypes).enumerate() {
                // Same type: the append cannot fail.
                column.append(self.read_chunk(group, k, dtype)?);
            }
        }
        Ok(batch)
    }

    fn groups(&self) -> usize {
        self.reader.metadata().num_row_groups()
    }

    /// Column `column` (of scalar `dtype`, checked) of row group `group`.
    fn read_chunk(&self, group: usize, column: usize, dtype: Dtype) -> Result<Buffer, IoError> {
        let error = parquet_error(&self.path);
        let metadata = self.reader.metadata().row_group(group);
        let rows = usize::try_from(metadata.num_rows()).unwrap_or(0);
        let max_def = self
            .reader
            .metadata()
            .file_metadata()
            .schema_descr()
            .column(column)
            .max_def_level();
        let codec = |e: ParquetError| IoError::Parquet {
            path: self.path.clone(),
            message: codec_hint(e.to_string()),
        };
        let row_group = self.reader.get_row_group(group).map_err(codec)?;
        let reader = row_group.get_column_reader(column).map_err(codec)?;
        let name = self.names.get(column).map_or("", String::as_str);
        let chunk = |read: Result<usize, String>| {
            read.map_err(|message| IoError::Parquet {
                path: self.path.clone(),
                message: format!(
                    "row group {group}, column `{name}`: {}",
                    codec_hint(message)
                ),
            })
        };
        let buffer = match (reader, dtype) {
            (ColumnReader::FloatColumnReader(mut r), Dtype::F32) => {
                let mut v = Vec::new();
                chunk(read_all(&mut r, max_def, Some(f32::NAN), &mut v))?;
                Buffer::F32(v)
            }
            (ColumnReader::DoubleColumnReader(mut r), Dtype::F64) => {
                let mut v = Vec::new();
                chunk(read_all(&mut r, max_def, Some(f64::NAN), &mut v))?;
                Buffer::F64(v)
            }
            (ColumnReader::Int32ColumnReader(mut r), Dtype::I32) => {
                let mut v = Vec::new();
                chunk(read_all(&mut r, max_def, None, &mut v))?;
                Buffer::I32(v)
            }
            (ColumnReader::Int32ColumnReader(mut r), Dtype::U32) => {
                let mut v = Vec::new();
                chunk(read_all(&mut r, max_def, None, &mut v))?;
                Buffer::U32(v.into_iter().map(i32::cast_unsigned).collect())
            }
            (ColumnReader::Int64ColumnReader(mut r), Dtype::I64) => {
                let mut v = Vec::new();
                chunk(read_all(&mut r, max_def, None, &mut v))?;
                Buffer::I64(v)
            }
            _ => {
                self.check_type(column, dtype)?;
                return Err(error(ParquetError::General(format!(
                    "column `{name}` is not of its declared type"
                ))));
            }
        };
        if buffer.len() != rows {
            chunk(Err(format!(
                "{} values, the footer declares {rows} rows",
                buffer.len()
            )))?;
        }
        Ok(buffer)
    }
}

/// A codec this build lacks, said with what to do instead.
fn codec_hint(message: String) -> String {
    if message.contains("Disabled feature at compile time") {
        format!(
            "{message}: compressed with a codec this build does not read (it reads uncompressed and snappy files; write with compression='snappy' or None)"
        )
    } else {
        message
    }
}

/// Reads every value of a column chunk into `out`. A null (a definition
/// level below `max_def`) reads as `null` (NaN for floats: pandas writes NaN
/// as null), or is an error if there is none (integers).
fn read_all<T: DataType>(
    reader: &mut ColumnReaderImpl<T>,
    max_def: i16,
    null: Option<T::T>,
    out: &mut Vec<T::T>,
) -> Result<usize, String>
where
    T::T: Copy,
{
    let mut levels = Vec::new();
    let mut values = Vec::new();
    let mut rows = 0;
    loop {
        levels.clear();
        values.clear();
        let defs = (max_def > 0).then_some(&mut levels);
        let (records, read, _) = reader
            .read_records(READ_BATCH, defs, None, &mut values)
            .map_err(|e| e.to_string())?;
        if values.len() != read {
            return Err("the values do not match their count".to_owned());
        }
        if max_def > 0 && levels.len() != values.len() {
            // Nulls: values hold only the rows defined.
            let mut defined = values.iter();
            for (k, &level) in levels.iter().enumerate() {
                let value = if level == max_def {
                    defined.next().copied()
                } else {
                    null
                };
                let value = value.ok_or_else(|| {
                    format!("row {} is null: an integer column has no null", rows + k)
                })?;
                out.push(value);
            }
        } else {
            out.extend_from_slice(&values);
        }
        if records == 0 {
            return Ok(rows);
        }
        rows += records;
    }
}

/// The `.parquet` files of a dataset folder (not those whose name starts
/// with `.` or `_`, which pyarrow skips too), sorted by name; or `path`
/// itself if it is a file.
pub(crate) fn dataset_files(path: &Path) -> Result<Vec<PathBuf>, IoError> {
    if !path.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = std::fs::read_dir(path).map_err(|e| IoError::file("read", path, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| IoError::file("read", path, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".parquet") && !name.starts_with(['.', '_']) {
            files.push(entry.path());
        }
    }
    if files.is_empty() {
        return Err(IoError::Parquet {
            path: path.to_path_buf(),
            message: "a folder without .parquet files: not a dataset".to_owned(),
        });
    }
    files.sort();
    Ok(files)
}

/// Reads column `column` of a Parquet file, or of every part of a dataset
/// folder (its `.parquet` files in name order, as [`ParquetSink`] writes
/// them), as values of `T`, bit for bit. Feature `parquet`.
///
/// [`ParquetSink`]: crate::ParquetSink
///
/// ```
/// use dataspace::io::{read_parquet_column, write_parquet, Column, IoError};
///
/// let path = std::env::temp_dir().join(format!("dataspace-doc-pq-col-{}.parquet", std::process::id()));
/// write_parquet(&path, &[&Column::new("n", &[i64::MIN, i64::MAX])])?;
/// assert_eq!(read_parquet_column::<i64>(&path, "n")?, [i64::MIN, i64::MAX]);
/// // Another type is an error, never a conversion.
/// let wrong = read_parquet_column::<i32>(&path, "n");
/// assert!(matches!(wrong, Err(IoError::ParquetType { .. })));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`IoError::MissingColumn`] or [`IoError::DuplicateColumn`] for the name,
/// [`IoError::ParquetType`] for a column of another type,
/// [`IoError::Parquet`] naming the file for a malformed file, a codec other
/// than snappy, a null in an integer column (a null float reads as NaN), an
/// empty folder; [`IoError::File`] if it cannot be read.
pub fn read_parquet_column<T: Scalar>(path: &Path, column: &str) -> Result<Vec<T>, IoError> {
    let mut out = Vec::new();
    for file in dataset_files(path)? {
        let file = ParquetFile::open(&file)?;
        let position = file.position(column)?;
        file.check_type(position, T::DTYPE)?;
        for group in 0..file.groups() {
            let chunk = file.read_chunk(group, position, T::DTYPE)?;
            out.extend((0..chunk.len()).filter_map(|i| chunk.get(i).and_then(T::from_value)));
        }
    }
    Ok(out)
}

/// The key-value metadata of a Parquet file (of the first part of a
/// dataset folder), in file order: [`VERSION_KEY`], [`TARGET_FEATURES_KEY`]
/// and the entries given to the writer. Reads only the footer. Feature `parquet`.
///
/// ```
/// use dataspace::io::{read_parquet_metadata, write_parquet, Column, TARGET_FEATURES_KEY};
///
/// let path = std::env::temp_dir().join(format!("dataspace-doc-pq-md-{}.parquet", std::process::id()));
/// write_parquet(&path, &[&Column::new("y", &[1.0f64])])?;
/// let metadata = read_parquet_metadata(&path)?;
/// let features = &metadata.iter().find(|(k, _)| k == TARGET_FEATURES_KEY).unwrap().1;
/// assert!(features.starts_with(std::env::consts::ARCH));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`read_parquet_column`].
pub fn read_parquet_metadata(path: &Path) -> Result<Vec<(String, String)>, IoError> {
    let files = dataset_files(path)?;
    let first = files.first().map_or(path, PathBuf::as_path);
    Ok(ParquetFile::open(first)?.metadata())
}

/// Reads a Parquet file, or every part of a dataset folder in name order,
/// whose columns are the free fields of `S`'s points (an array field `x:
/// [f32; 2]` is the columns `x[0]`, `x[1]`), in any order, each of its
/// field's type; the fixed fields come from `fixed`. Values come back bit
/// for bit. Also [`FromRecords::read_parquet`] on the space type. Feature
/// `parquet`.
///
/// Streams by row group: memory is the space being built plus one row group.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::{read_parquet, write_parquet};
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32, k: [i32; 2], #[space(fixed)] scale: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![0.5, f32::NEG_INFINITY], k: vec![[1, 2], [3, 4]], scale: 2.0 })?;
/// let path = std::env::temp_dir().join(format!("dataspace-doc-pq-read-{}.parquet", std::process::id()));
/// write_parquet(&path, &[&space])?;
/// let back: PSpace = read_parquet(&path, PFixed { scale: 2.0 })?;
/// assert_eq!(back.get(1), space.get(1));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`IoError::MissingColumn`], [`IoError::UnknownColumn`] (a column that is
/// not a free field) or [`IoError::DuplicateColumn`] for the columns,
/// [`IoError::ParquetType`] for a column of another type than its field,
/// [`IoError::Schema`] for a dataset whose parts have different columns,
/// [`IoError::Parquet`] naming the file for a malformed file, a codec other
/// than snappy, or a null in an integer column (a null float reads as NaN). No
/// partial space is returned.
pub fn read_parquet<S>(path: &Path, fixed: S::Fixed) -> Result<S, IoError>
where
    S: FromRecords,
    S::Point: Record,
{
    let mut names = Vec::new();
    S::Point::header(&mut names);
    let mut dtypes = Vec::new();
    S::Point::dtypes(&mut dtypes);
    let mut columns = S::columns(fixed);
    let mut first_schema: Option<(PathBuf, Vec<String>)> = None;
    let mut row = 0usize;
    let mut values = Vec::with_capacity(names.len());
    for path in dataset_files(path)? {
        let file = ParquetFile::open(&path)?;
        match &first_schema {
            Some((_, first)) if *first != file.names => {
                return Err(IoError::Schema {
                    path,
                    found: file.names.join(", "),
                    expected: first.join(", "),
                });
            }
            Some(_) => {}
            None => first_schema = Some((path.clone(), file.names.clone())),
        }
        let order = file_order(&file, &names)?;
        for (&position, &dtype) in order.iter().zip(&dtypes) {
            file.check_type(position, dtype)?;
        }
        for group in 0..file.groups() {
            let chunks = order
                .iter()
                .zip(&dtypes)
                .map(|(&position, &dtype)| file.read_chunk(group, position, dtype))
                .collect::<Result<Vec<_>, _>>()?;
            let rows = chunks.first().map_or(0, Buffer::len);
            for i in 0..rows {
                values.clear();
                values.extend(chunks.iter().filter_map(|c| c.get(i)));
                let mut fields = ValueFields {
                    values: &values,
                    names: &names,
                    at: 0,
                    path: &path,
                    row: row + i,
                };
                S::push(&mut columns, &mut fields)?;
            }
            row += rows;
        }
    }
    // Every column got one value per row, or the read failed: the lengths agree.
    S::from_columns(columns).map_err(IoError::Shape)
}

/// Where each of `names` is in the file, after checking that the file has
/// each exactly once and nothing else.
fn file_order(file: &ParquetFile, names: &[String]) -> Result<Vec<usize>, IoError> {
    let mut seen = std::collections::HashSet::with_capacity(file.names.len());
    for name in &file.names {
        if !seen.insert(name.as_str()) {
            return Err(IoError::DuplicateColumn {
                column: name.clone(),
            });
        }
    }
    let order = names
        .iter()
        .map(|name| file.position(name))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some((position, name)) = file
        .names
        .iter()
        .enumerate()
        .find(|(p, _)| !order.contains(p))
    {
        return Err(IoError::UnknownColumn {
            column: name.clone(),
            position: position + 1,
        });
    }
    Ok(order)
}

/// A row of a Parquet file handed to [`FromRecords::push`] field by field.
struct ValueFields<'a> {
    values: &'a [Value],
    names: &'a [String],
    at: usize,
    path: &'a Path,
    row: usize,
}

impl Fields for ValueFields<'_> {
    type Error = IoError;

    fn next<T: Cells>(&mut self) -> Result<T, IoError> {
        let width = T::width();
        let end = self.at.saturating_add(width);
        let values = self.values.get(self.at..end).unwrap_or_default();
        let result = T::from_values(values).map_err(|k| {
            let mut dtypes = Vec::new();
            T::dtypes(&mut dtypes);
            let expected = dtypes.get(k).copied().unwrap_or(Dtype::F32);
            IoError::ParquetType {
                path: self.path.to_path_buf(),
                column: self.names.get(self.at + k).cloned().unwrap_or_default(),
                found: values.get(k).map_or_else(
                    || "no".to_owned(),
                    |v| format!("{} (row {})", v.dtype(), self.row),
                ),
                expected,
            }
        });
        self.at = end;
        result
    }
}
