//! Spaces: N points read by index ([`Space`]) or `V` at a time as packs
//! ([`PackedSpace`], [`Lanes`]), the `(n_pmap, n_map, V)` layout of their
//! packs (`collect`), views of part of one (`slice`, `shard`), and the
//! columnar storage of derived spaces (`columns`, the crate's one `unsafe`).
//! The layer above `simd`; it knows nothing of designs, files or executors.

mod collect;
mod columns;
mod shard;
mod slice;

pub use collect::{Block, CollectOptions, Collected, Packs};
pub use columns::{padded_len, Columns};
pub use shard::shard_range;
pub use slice::Slice;

use crate::error::{LayoutError, RangeError, ShardError};
use crate::simd::MAX_LANES;
use core::iter::FusedIterator;
use core::ops::Range;

/// N parameter sets (points) that can be read one at a time.
///
/// This is tvboptim's `DataSpace` seen from the outside: [`len`](Space::len)
/// is its `N`, [`get`](Space::get) its `ds[i]`, [`iter`](Space::iter) its
/// `for state in ds`. `#[derive(DataSpace)]` implements it for the generated
/// `XSpace`; lazy designs implement it by computing point `i` from `i`.
pub trait Space {
    /// One parameter set: the user's struct.
    type Point;

    /// The number of points, N (the shared leading dimension).
    fn len(&self) -> usize;

    /// Whether the space has no points.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Point `index` (fixed fields cloned), or `None` past the end.
    fn get(&self, index: usize) -> Option<Self::Point>;

    /// Every point in order.
    #[must_use]
    fn iter(&self) -> Points<'_, Self> {
        Points {
            space: self,
            indices: 0..self.len(),
        }
    }

    /// Points `range` as a space of their own (for manual chunking), or an
    /// error if the range reaches past N or ends before it starts.
    fn slice(&self, range: core::ops::Range<usize>) -> Result<Slice<'_, Self>, RangeError> {
        let len = self.len();
        if range.start > range.end || range.end > len {
            return Err(RangeError {
                start: range.start,
                end: range.end,
                len,
            });
        }
        Ok(Slice::new(self, range))
    }

    /// Shard `index` of `count` (for job arrays): a contiguous slice, the
    /// shards in index order covering every point, their sizes balanced to
    /// within 64 points (so each starts on a boundary of the widest packs).
    /// An `index` past the last shard gives an empty slice.
    ///
    /// # Errors
    /// [`ShardError::NoShards`] if `count` is 0.
    fn shard(&self, index: usize, count: usize) -> Result<Slice<'_, Self>, ShardError> {
        let range = shard_range(self.len(), MAX_LANES, index, count)?;
        Ok(Slice::new(self, range))
    }

    /// The space laid out as `(n_pmap, n_map, V)` packs of `V` lanes, with
    /// `n_pmap` = rayon's thread count and NaN (0 for integers) in tail lanes.
    ///
    /// A view, not a copy: full packs are loaded straight from the columns
    /// when they are read. See [`Collected`] for the layout.
    #[must_use]
    fn collect<const V: usize>(&self) -> Collected<'_, Self, V>
    where
        Self: PackedSpace<V> + Sized,
    {
        // The default n_pmap is rayon's thread count: at least 1, and V times
        // it fits in usize, the only ways a layout can fail.
        #[allow(clippy::expect_used)]
        Collected::new(self, CollectOptions::default())
            .expect("the default options always describe a valid layout")
    }

    /// [`collect`](Space::collect) with a chosen number of blocks and fill value.
    ///
    /// Fails if `options.n_pmap` is 0 or the layout has more lanes than `usize` counts.
    fn collect_with<const V: usize>(
        &self,
        options: CollectOptions,
    ) -> Result<Collected<'_, Self, V>, LayoutError>
    where
        Self: PackedSpace<V> + Sized,
    {
        Collected::new(self, options)
    }
}

/// A space that can hand out packs of `V` consecutive points.
///
/// The derive implements this for every `V` that all free fields' scalars
/// support (see [`Packable`](crate::Packable)); asking for another `V` is a
/// compile error naming the scalar and the lane counts it has.
pub trait PackedSpace<const V: usize>: Space {
    /// `V` points as one pack per free field: the generated `XLanes<'a, V>`.
    type Lanes<'a>: Lanes<V, Point = Self::Point> + Copy
    where
        Self: 'a;

    /// Points `start .. start + V` as packs. Lanes at or past `end` or past
    /// [`len`](Space::len) hold `fill` (converted with
    /// [`Scalar::from_fill`](crate::Scalar::from_fill)), so `start` and `end`
    /// may be anything.
    fn load_until(&self, start: usize, end: usize, fill: f64) -> Self::Lanes<'_>;

    /// Points `start .. start + V` as packs, lanes past N holding `fill`.
    #[inline(always)]
    fn load(&self, start: usize, fill: f64) -> Self::Lanes<'_> {
        self.load_until(start, self.len(), fill)
    }
}

/// `V` consecutive points, one SIMD pack per free field.
///
/// Implemented by the generated `XLanes<'a, V>`. The first [`valid`](Lanes::valid)
/// lanes are real points; the rest are tail lanes holding the fill value.
pub trait Lanes<const V: usize> {
    /// The point type: the user's struct.
    type Point;

    /// How many lanes, counted from lane 0, are real points: `V` except in a
    /// tail pack. Reductions (`reduce_add`, `min`, `max`) must look only at
    /// these lanes: NaN tail lanes poison a sum, and `wide`'s `min`/`max`
    /// silently ignore them.
    fn valid(&self) -> usize;

    /// Lane `k` as a point, tail lanes included (they hold the fill value),
    /// or `None` if `k >= V`.
    fn lane(&self, k: usize) -> Option<Self::Point>;

    /// The real points of this pack, in lane order.
    #[must_use]
    fn points(&self) -> impl Iterator<Item = Self::Point> + '_ {
        (0..self.valid()).filter_map(|k| self.lane(k))
    }
}

/// Iterator over the points of a [`Space`], in order. Made by [`Space::iter`].
///
/// Like [`Packs`], a cursor over indices (a `Range<usize>`, which does the
/// counting) and a read per index.
#[derive(Debug)]
pub struct Points<'a, S: ?Sized> {
    space: &'a S,
    indices: Range<usize>,
}

impl<S: ?Sized> Clone for Points<'_, S> {
    fn clone(&self) -> Self {
        Points {
            space: self.space,
            indices: self.indices.clone(),
        }
    }
}

impl<S: Space + ?Sized> Iterator for Points<'_, S> {
    type Item = S::Point;

    #[inline]
    fn next(&mut self) -> Option<S::Point> {
        self.indices.next().and_then(|i| self.space.get(i))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }

    #[inline]
    fn nth(&mut self, n: usize) -> Option<S::Point> {
        self.indices.nth(n).and_then(|i| self.space.get(i))
    }
}

impl<S: Space + ?Sized> DoubleEndedIterator for Points<'_, S> {
    #[inline]
    fn next_back(&mut self) -> Option<S::Point> {
        self.indices.next_back().and_then(|i| self.space.get(i))
    }
}

impl<S: Space + ?Sized> ExactSizeIterator for Points<'_, S> {}
impl<S: Space + ?Sized> FusedIterator for Points<'_, S> {}
