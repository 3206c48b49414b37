//! Reading: footers, column chunks (nulls and codecs as pandas writes
//! them), whole files and dataset folders, into columns or a space.

use super::{Batch, Buffer, describe_type, dtype_of, parquet_error};
use crate::error::IoError;
use crate::io::{Cells, Fields, FromRecords, Record};
use crate::simd::{Dtype, Scalar, Value};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::DataType;
use parquet::errors::ParquetError;
use parquet::file::reader::{FileReader, SerializedFileReader};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Values decoded per call when reading a column chunk.
const READ_BATCH: usize = 1 << 16;

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
fn dataset_files(path: &Path) -> Result<Vec<PathBuf>, IoError> {
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
/// dataset folder), in file order: [`VERSION_KEY`](crate::io::VERSION_KEY), [`TARGET_FEATURES_KEY`](crate::io::TARGET_FEATURES_KEY)
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
