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

//!
//! `write` makes files (one, or a dataset's parts), `read` reads them; this
//! module holds what both share: the scalar → Parquet type row, the column
//! buffers, the schema.

mod read;
mod write;

pub(crate) use read::ParquetFile;
pub use read::{read_parquet, read_parquet_column, read_parquet_metadata};
pub(crate) use write::write_file;
pub use write::{write_parquet, write_parquet_with};

use super::table::{Table, check_names, check_rows};
use crate::error::IoError;
use crate::simd::{Dtype, Value};
use parquet::basic::{ConvertedType, LogicalType, Repetition, Type as Physical};
use parquet::data_type::{DoubleType, FloatType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::schema::types::{ColumnDescriptor, Type};
use std::path::Path;
use std::sync::Arc;

/// Rows per row group of [`write_parquet`]: bounds the memory of a write
/// (one row group of every column is gathered before it is written) and is
/// the row-group size pandas and pyarrow default to.
const ROW_GROUP_ROWS: usize = 1 << 20;

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

/// Sets `key` to `value` in `entries`, in place if it is there.
pub(crate) fn set_entry(entries: &mut Vec<(String, String)>, key: &str, value: &str) {
    match entries.iter_mut().find(|(k, _)| k == key) {
        Some(entry) => entry.1 = value.to_owned(),
        None => entries.push((key.to_owned(), value.to_owned())),
    }
}
