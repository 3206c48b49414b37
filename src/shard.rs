//! Splitting a sweep over processes: contiguous shards computed from (index,
//! count) alone, per-shard result files, and their merge. Used by job arrays
//! (SLURM arrays, shell loops) and by the MPI executor.

use crate::io::{read_npy, IoError};
use core::ops::Range;
use std::path::{Path, PathBuf};

/// The points shard `index` of `count` takes of a space of `len` points:
/// contiguous, in index order, covering `0..len`, their sizes balanced to
/// within one pack of `lanes` points (so every shard but the last starts on
/// a pack boundary). Computed without communication.
pub fn shard_range(len: usize, lanes: usize, index: usize, count: usize) -> Range<usize> {
    let lanes = lanes.max(1);
    let count = count.max(1);
    let packs = len.div_ceil(lanes);
    let (base, extra) = (packs / count, packs % count);
    let first = index * base + index.min(extra);
    let n = if index < count {
        base + usize::from(index < extra)
    } else {
        0
    };
    (first * lanes).min(len)..((first + n) * lanes).min(len)
}

/// What is wrong with a set of shard files.
#[derive(Debug)]
#[non_exhaustive]
pub enum ShardError {
    /// A file name is not `<stem>.shard-<i>-of-<n>.npy`.
    Name(PathBuf),
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
    /// Reading a file failed.
    Io(IoError),
}

impl core::fmt::Display for ShardError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ShardError::Name(path) => write!(
                f,
                "{} is not named <stem>.shard-<i>-of-<n>.npy",
                path.display()
            ),
            ShardError::Count {
                path,
                found,
                expected,
            } => {
                write!(
                    f,
                    "{} is one of {found} shards, the others of {expected}",
                    path.display()
                )
            }
            ShardError::Duplicate { index } => write!(f, "shard {index} is present more than once"),
            ShardError::Missing { index } => write!(f, "shard {index} is missing"),
            ShardError::Length {
                index,
                found,
                expected,
            } => {
                write!(
                    f,
                    "shard {index} holds {found} results, its range has {expected} points"
                )
            }
            ShardError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ShardError {}

/// The file for shard `index` of `count`: `<stem>.shard-<index>-of-<count>.npy`.
pub fn shard_path(stem: &Path, index: usize, count: usize) -> PathBuf {
    let mut name = stem
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".shard-{index}-of-{count}.npy"));
    stem.with_file_name(name)
}

/// Writes one shard's results (`T` = f32, f64, i32 or u32) to its file.
pub fn write_shard<T: npyz::Serialize + npyz::AutoSerialize + Copy>(
    stem: &Path,
    index: usize,
    count: usize,
    results: &[T],
) -> Result<PathBuf, IoError> {
    use npyz::WriterBuilder;
    let path = shard_path(stem, index, count);
    let file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let mut writer = npyz::WriteOptions::<T>::new()
        .default_dtype()
        .shape(&[results.len() as u64])
        .writer(file)
        .begin_nd()
        .map_err(|e| IoError::Npy(e.to_string()))?;
    writer
        .extend(results.iter().copied())
        .map_err(|e| IoError::Npy(e.to_string()))?;
    writer.finish().map_err(|e| IoError::Npy(e.to_string()))?;
    Ok(path)
}

fn parse_name(path: &Path) -> Option<(usize, usize)> {
    let name = path.file_name()?.to_str()?.strip_suffix(".npy")?;
    let (_, tail) = name.rsplit_once(".shard-")?;
    let (index, count) = tail.split_once("-of-")?;
    Some((index.parse().ok()?, count.parse().ok()?))
}

/// Joins shard files (any order) into the results of a space of `len`
/// points, after checking that every shard of the set is there exactly once
/// and holds as many results as its range (see [`shard_range`] with `lanes`).
pub fn merge_shards<T: npyz::Deserialize + Clone>(
    paths: &[PathBuf],
    len: usize,
    lanes: usize,
) -> Result<Vec<T>, ShardError> {
    let mut count = None;
    let mut by_index: Vec<Option<&PathBuf>> = Vec::new();
    for path in paths {
        let (index, n) = parse_name(path).ok_or_else(|| ShardError::Name(path.clone()))?;
        let expected = *count.get_or_insert(n);
        if n != expected {
            return Err(ShardError::Count {
                path: path.clone(),
                found: n,
                expected,
            });
        }
        by_index.resize(n, None);
        let slot = by_index
            .get_mut(index)
            .ok_or_else(|| ShardError::Name(path.clone()))?;
        if slot.replace(path).is_some() {
            return Err(ShardError::Duplicate { index });
        }
    }
    let mut all = Vec::with_capacity(len);
    for (index, path) in by_index.iter().enumerate() {
        let path = path.ok_or(ShardError::Missing { index })?;
        let results: Vec<T> = read_npy(path).map_err(ShardError::Io)?;
        let expected = shard_range(len, lanes, index, by_index.len()).len();
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
                        .map(|i| shard_range(len, lanes, i, count))
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
