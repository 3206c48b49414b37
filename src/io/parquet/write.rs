//! Writing: a file of tables side by side, or a part of a dataset, whole
//! under a temporary name and then renamed.

use super::{Batch, ROW_GROUP_ROWS, build_metadata, parquet_error, schema, set_entry};
use crate::error::IoError;
use crate::io::Table;
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
/// version ([`VERSION_KEY`](crate::io::VERSION_KEY)) and the SIMD target features of the build
/// ([`TARGET_FEATURES_KEY`](crate::io::TARGET_FEATURES_KEY)). Feature `parquet`.
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
