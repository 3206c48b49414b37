//! Job-array shard files: one `.npy` of results per shard, named after its
//! (index, count), and their merge. The shards themselves are
//! [`shard_range`], in `space`.

use super::npy::{read_npy, write_npy_file};
use crate::error::ShardError;
use crate::simd::Scalar;
use crate::space::shard_range;
use std::path::{Path, PathBuf};

/// The file for shard `index` of `count`: `<stem>.shard-<index>-of-<count>.npy`.
///
/// ```
/// use dataspace::shard::shard_path;
/// use std::path::Path;
///
/// let path = shard_path(Path::new("results/run"), 2, 8);
/// assert_eq!(path, Path::new("results/run.shard-2-of-8.npy"));
/// ```
#[must_use]
pub fn shard_path(stem: &Path, index: usize, count: usize) -> PathBuf {
    let mut name = stem
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".shard-{index}-of-{count}.npy"));
    stem.with_file_name(name)
}

/// Writes one shard's results (`T` = f32, f64, i32 or u32) to its file,
/// [`shard_path`]`(stem, index, count)`.
///
/// # Errors
/// [`ShardError::NoShards`] for a count of 0, [`ShardError::Index`] for an
/// index at or past it, [`ShardError::BadStem`] for a stem without a file
/// name (`""`, `..`), [`ShardError::Io`] naming the file if it cannot be
/// written.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::shard::{merge_shards, write_shard};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..100).map(|i| i as f32).collect() })?;
/// let stem = std::env::temp_dir().join(format!("dataspace-doc-write-shard-{}", std::process::id()));
/// let mut files = Vec::new();
/// for job in 0..2 {
///     // What each job of the array runs: its shard, then its file.
///     let shard = space.shard(job, 2)?;
///     let results = Executor::sequential().run(&shard, |p: PLanes<'_, 8>| p.x * p.x)?;
///     files.push(write_shard(&stem, job, 2, &results)?);
/// }
/// let all: Vec<f32> = merge_shards(&files, space.len(), 64)?; // `Space::shard` uses 64 lanes
/// assert_eq!((all.len(), all[99]), (100, 99.0 * 99.0));
/// files.iter().try_for_each(std::fs::remove_file)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_shard<T: Scalar>(
    stem: &Path,
    index: usize,
    count: usize,
    results: &[T],
) -> Result<PathBuf, ShardError> {
    if count == 0 {
        return Err(ShardError::NoShards);
    }
    if index >= count {
        return Err(ShardError::Index { index, count });
    }
    if stem.file_name().is_none() {
        return Err(ShardError::BadStem(stem.to_path_buf()));
    }
    let path = shard_path(stem, index, count);
    write_npy_file(&path, results)?;
    Ok(path)
}

/// A shard file's name taken apart: (stem, index, count). Only the names
/// [`shard_path`] makes parse (digits without sign or leading zeros).
fn parse_name(path: &Path) -> Option<(&str, usize, usize)> {
    let name = path.file_name()?.to_str()?.strip_suffix(".npy")?;
    let (stem, tail) = name.rsplit_once(".shard-")?;
    let (index, count) = tail.split_once("-of-")?;
    let number = |digits: &str| {
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'));
        canonical.then(|| digits.parse::<usize>().ok()).flatten()
    };
    let (index, count) = (number(index)?, number(count)?);
    (index < count && !stem.is_empty()).then_some((stem, index, count))
}

/// Joins shard files (any order) into the results of a space of `len`
/// points, after checking that they are one set (one stem, directory
/// included, and one count), that
/// every shard of the set is there exactly once, and that each holds as many
/// results as its range (see [`shard_range`] with `lanes`).
///
/// # Errors
/// A [`ShardError`] naming the file or shard; nothing is returned in part.
///
/// ```
/// use dataspace::shard::{merge_shards, shard_range, write_shard, ShardError};
///
/// let stem = std::env::temp_dir().join(format!("dataspace-doc-merge-{}", std::process::id()));
/// let results: Vec<f64> = (0..10).map(f64::from).collect();
/// let mut files = Vec::new();
/// for i in 0..3 {
///     let range = shard_range(10, 4, i, 3)?; // 0..4, 4..8, 8..10
///     files.push(write_shard(&stem, i, 3, &results[range])?);
/// }
/// files.reverse(); // any order
/// assert_eq!(merge_shards::<f64>(&files, 10, 4)?, results);
/// let incomplete = merge_shards::<f64>(&files[..2], 10, 4);
/// assert!(matches!(incomplete, Err(ShardError::Missing { index: 0 })));
/// files.iter().try_for_each(std::fs::remove_file)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge_shards<T: Scalar>(
    paths: &[PathBuf],
    len: usize,
    lanes: usize,
) -> Result<Vec<T>, ShardError> {
    let mut set: Option<(PathBuf, usize)> = None;
    let mut shards: Vec<(usize, &PathBuf)> = Vec::with_capacity(paths.len());
    for path in paths {
        let (name, index, count) =
            parse_name(path).ok_or_else(|| ShardError::Name(path.clone()))?;
        // The stem as write_shard was given it: directory (resolved, so that
        // `out/` and `./out/` agree) and name.
        let dir = path.parent().unwrap_or(Path::new(""));
        let dir = std::fs::canonicalize(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
        .unwrap_or_else(|_| dir.to_path_buf());
        let stem = dir.join(name);
        let (expected_stem, expected_count) = set.get_or_insert_with(|| (stem.clone(), count));
        let expected_count = *expected_count;
        if stem != *expected_stem {
            return Err(ShardError::Stem {
                path: path.clone(),
                found: stem.display().to_string(),
                expected: expected_stem.display().to_string(),
            });
        }
        if count != expected_count {
            return Err(ShardError::Count {
                path: path.clone(),
                found: count,
                expected: expected_count,
            });
        }
        shards.push((index, path));
    }
    let Some((_, count)) = set else {
        return Err(ShardError::NoFiles);
    };
    // Sorted by index, shard k must sit at position k: the first position
    // where it does not names a duplicate or a missing shard. Nothing here
    // grows with `count`, which comes from a file name.
    shards.sort_by_key(|&(index, _)| index);
    for (position, &(index, _)) in shards.iter().enumerate() {
        if index < position {
            return Err(ShardError::Duplicate { index });
        }
        if index > position {
            return Err(ShardError::Missing { index: position });
        }
    }
    if shards.len() < count {
        return Err(ShardError::Missing {
            index: shards.len(),
        });
    }
    let mut all = Vec::new();
    for (index, path) in shards {
        let expected = shard_range(len, lanes, index, count)?.len();
        let results: Vec<T> = read_npy(path)?;
        if results.len() != expected {
            return Err(ShardError::Length {
                index,
                found: results.len(),
                expected,
            });
        }
        all.extend(results);
    }
    Ok(all)
}
