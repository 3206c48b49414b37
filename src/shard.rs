//! Splitting a sweep over processes: contiguous shards computed from (index,
//! count) alone, per-shard result files, and their merge. Used by job arrays
//! (SLURM arrays, shell loops) and by the MPI executor.

use crate::io::{read_npy, write_npy_file, IoError, NpyScalar};
use core::ops::Range;
use std::path::{Path, PathBuf};

/// The points shard `index` of `count` takes of a space of `len` points:
/// contiguous, in index order, covering `0..len`, their sizes balanced to
/// within one pack of `lanes` points (so every shard but the last starts on
/// a pack boundary). Computed without communication.
///
/// An `index` at or past `count` gets the empty range `len..len`.
///
/// # Errors
/// [`ShardError::NoShards`] if `count` is 0; `lanes` of 0 counts as 1.
pub fn shard_range(
    len: usize,
    lanes: usize,
    index: usize,
    count: usize,
) -> Result<Range<usize>, ShardError> {
    if count == 0 {
        return Err(ShardError::NoShards);
    }
    if index >= count {
        return Ok(len..len);
    }
    let lanes = lanes.max(1);
    let packs = len.div_ceil(lanes);
    let (base, extra) = (packs / count, packs % count);
    // index < count, so first <= packs and first * lanes < len + lanes: no
    // overflow below, whatever the inputs.
    let first = index * base + index.min(extra);
    let n = base + usize::from(index < extra);
    let start = first.saturating_mul(lanes).min(len);
    let end = (first + n).saturating_mul(lanes).min(len);
    Ok(start..end)
}

/// What is wrong with a shard or a set of shard files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ShardError {
    /// A count of 0 shards.
    #[error("a sweep needs at least 1 shard, got a count of 0")]
    NoShards,
    /// A shard index at or past the count (`5` of `4`).
    #[error("shard {index} of {count} does not exist: indices run from 0 to {}", count.saturating_sub(1))]
    Index {
        /// The index.
        index: usize,
        /// The count.
        count: usize,
    },
    /// No shard files at all.
    #[error("no shard files given: every shard of the set must be present")]
    NoFiles,
    /// A file name is not `<stem>.shard-<i>-of-<n>.npy` with `i < n`.
    #[error("{} is not named <stem>.shard-<i>-of-<n>.npy with i < n", .0.display())]
    Name(PathBuf),
    /// A stem that names no file to put shard names after (`""`, `..`).
    #[error("the stem {} names no file: give one such as results/run", .0.display())]
    BadStem(PathBuf),
    /// Files of different runs (other stems).
    #[error("{} is a shard of `{found}`, the others of `{expected}`", path.display())]
    Stem {
        /// The file.
        path: PathBuf,
        /// Its stem.
        found: String,
        /// The stem of the first file.
        expected: String,
    },
    /// Files of different shard counts.
    #[error("{} is one of {found} shards, the others of {expected}", path.display())]
    Count {
        /// The file.
        path: PathBuf,
        /// Its count.
        found: usize,
        /// The count of the first file.
        expected: usize,
    },
    /// Two files for the same shard.
    #[error("shard {index} is present more than once")]
    Duplicate {
        /// The shard.
        index: usize,
    },
    /// No file for a shard.
    #[error("shard {index} is missing")]
    Missing {
        /// The shard.
        index: usize,
    },
    /// A shard file holds another number of results than its range.
    #[error("shard {index} holds {found} results, its range has {expected} points")]
    Length {
        /// The shard.
        index: usize,
        /// Results in the file.
        found: usize,
        /// Points in the shard.
        expected: usize,
    },
    /// Reading or writing a file failed.
    #[error(transparent)]
    Io(#[from] IoError),
}

/// The file for shard `index` of `count`: `<stem>.shard-<index>-of-<count>.npy`.
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
pub fn write_shard<T: NpyScalar>(
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
pub fn merge_shards<T: NpyScalar>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_space_in_order_balanced_to_one_pack() {
        for len in [0, 1, 5, 63, 64, 65, 1000, 65536] {
            for lanes in [1, 8, 64] {
                for count in [1, 2, 3, 7, 100] {
                    let ranges: Vec<_> = (0..count)
                        .map(|i| shard_range(len, lanes, i, count).unwrap())
                        .collect();
                    assert_eq!(ranges[0].start, 0);
                    assert_eq!(ranges[count - 1].end, len);
                    assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
                    let packs: Vec<usize> =
                        ranges.iter().map(|r| r.len().div_ceil(lanes)).collect();
                    let (lo, hi) = (packs.iter().min().unwrap(), packs.iter().max().unwrap());
                    assert!(
                        hi - lo <= 1,
                        "len {len} lanes {lanes} count {count}: {packs:?}"
                    );
                }
            }
        }
    }
}
