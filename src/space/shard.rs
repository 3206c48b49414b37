//! Shards: contiguous parts of a space computed from (index, count) alone,
//! so job arrays and MPI ranks agree on them without communication.

use crate::error::ShardError;
use core::ops::Range;

/// The points shard `index` of `count` takes of a space of `len` points:
/// contiguous, in index order, covering `0..len`, their sizes balanced to
/// within one pack of `lanes` points (so every shard but the last starts on
/// a pack boundary). Computed without communication.
///
/// An `index` at or past `count` gets the empty range `len..len`.
///
/// # Errors
/// [`ShardError::NoShards`] if `count` is 0; `lanes` of 0 counts as 1.
///
/// ```
/// use dataspace::shard::shard_range;
///
/// // 100 points over 3 jobs, in packs of 8: 13 packs, split 5 + 4 + 4.
/// let ranges: Vec<_> = (0..3).map(|i| shard_range(100, 8, i, 3)).collect::<Result<_, _>>()?;
/// assert_eq!(ranges, [0..40, 40..72, 72..100]);
/// assert_eq!(shard_range(100, 8, 3, 3)?, 100..100); // past the last shard: empty
/// assert!(shard_range(100, 8, 0, 0).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
