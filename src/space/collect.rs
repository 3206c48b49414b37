//! The `(n_pmap, n_map, V)` layout of a space: blocks of packs of lanes.
//!
//! Nothing is copied here. A [`Collected`] is a borrowed space plus three
//! numbers; a pack is loaded from the columns when it is read, and only packs
//! that reach past N are built lane by lane (with the fill value).

use super::PackedSpace;
use crate::error::LayoutError;
use core::iter::FusedIterator;
use core::ops::Range;
use rayon::prelude::*;

/// How [`Space::collect_with`](crate::Space::collect_with) lays out a space.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
/// let options = CollectOptions { n_pmap: 2, ..CollectOptions::default() };
/// assert!(options.fill.is_nan());
/// let packs = space.collect_with::<4>(options)?;
/// assert_eq!(packs.shape(), (2, 2, 4)); // 2 blocks of 2 packs of 4 lanes: 16 >= 10 lanes
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CollectOptions {
    /// Number of blocks, the pmap axis: each block is one task for a rayon
    /// worker. Default: rayon's thread count ([`rayon::current_num_threads`]).
    pub n_pmap: usize,
    /// The value of every tail lane in every free field. Default NaN, which
    /// integer columns store as 0 (see [`Scalar::from_fill`](crate::Scalar::from_fill)).
    pub fill: f64,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            n_pmap: rayon::current_num_threads(),
            fill: f64::NAN,
        }
    }
}

/// A space laid out as `n_pmap` blocks of `n_map` packs of `V` lanes.
///
/// Point `i` sits in block `i / (n_map * V)`, pack `(i / V) % n_map`, lane
/// `i % V`, with `n_map = ceil(N / (V * n_pmap))`. Lanes are the innermost
/// axis, so each pack is one contiguous load from each column, and reading
/// packs in order (block-major) reads points in order.
///
/// tvboptim's `collect(n_vmap, n_pmap)` gives `(n_pmap, n_vmap, n_map)`: the
/// vmap axis outside the map axis, so the `n_vmap` points a vectorised call
/// sees are `n_map` apart in memory. On a CPU that would turn every pack into
/// a gather; here the points of a pack are neighbours, `V` plays the role of
/// `n_vmap`, and `n_map` counts packs per block instead of loop iterations.
///
/// Lanes past N hold the fill value. They all sit in the last packs: at most
/// one pack is partly filled, and packs (even whole blocks) past it hold fill
/// only, with [`Lanes::valid`](crate::Lanes::valid) = 0.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
/// let packs = space.collect_with::<4>(CollectOptions { n_pmap: 2, ..Default::default() })?;
/// assert_eq!(packs.shape(), (2, 2, 4));
/// // Point 6: block 6 / (2 * 4) = 0, pack (6 / 4) % 2 = 1, lane 6 % 4 = 2.
/// assert_eq!(packs.pack(0, 1).unwrap().x.to_array()[2], 6.0);
/// let valid: Vec<usize> = packs.iter().map(|p| p.valid()).collect();
/// assert_eq!(valid, [4, 4, 2, 0]); // the last pack holds fill only
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Collected<'a, S, const V: usize> {
    space: &'a S,
    n_pmap: usize,
    n_map: usize,
    len: usize,
    fill: f64,
}

impl<S, const V: usize> Clone for Collected<'_, S, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, const V: usize> Copy for Collected<'_, S, V> {}

impl<S, const V: usize> core::fmt::Debug for Collected<'_, S, V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Collected")
            .field("shape", &(self.n_pmap, self.n_map, V))
            .field("len", &self.len)
            .field("fill", &self.fill)
            .finish()
    }
}

impl<'a, S: PackedSpace<V>, const V: usize> Collected<'a, S, V> {
    pub(crate) fn new(space: &'a S, options: CollectOptions) -> Result<Self, LayoutError> {
        let CollectOptions { n_pmap, fill } = options;
        if n_pmap == 0 {
            return Err(LayoutError::NoBlocks);
        }
        let len = space.len();
        let too_large = LayoutError::TooManyLanes {
            len,
            n_pmap,
            lanes: V,
        };
        let lanes_per_map_step = V.checked_mul(n_pmap).ok_or(too_large)?;
        let n_map = len.div_ceil(lanes_per_map_step);
        // Lane indices past usize::MAX (the tail of a space of nearly
        // usize::MAX points) saturate: those packs hold fill only.
        Ok(Collected {
            space,
            n_pmap,
            n_map,
            len,
            fill,
        })
    }

    /// `(n_pmap, n_map, V)`: blocks, packs per block, lanes per pack.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
    /// let packs = space.collect_with::<8>(CollectOptions { n_pmap: 3, ..Default::default() })?;
    /// assert_eq!(packs.shape(), (3, 1, 8)); // n_map = ceil(10 / (8 * 3)) = 1
    /// assert_eq!((packs.len(), packs.n_packs()), (10, 3));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.n_pmap, self.n_map, V)
    }

    /// Number of real points, N.
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no real points (every pack is fill only).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Number of packs, `n_pmap * n_map`.
    #[must_use]
    pub fn n_packs(&self) -> usize {
        self.n_pmap.saturating_mul(self.n_map)
    }

    /// The value in every tail lane.
    #[must_use]
    pub fn fill(&self) -> f64 {
        self.fill
    }

    /// The space this layout reads from.
    #[must_use]
    pub fn space(&self) -> &'a S {
        self.space
    }

    /// The lanes of block `p`, pack `m`, or `None` if either is out of range.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
    /// let packs = space.collect_with::<4>(CollectOptions { n_pmap: 1, ..Default::default() })?;
    /// let third = packs.pack(0, 2).unwrap(); // points 8..12
    /// assert_eq!(third.valid(), 2);
    /// assert_eq!(&third.x.to_array()[..2], &[8.0, 9.0]);
    /// assert!(packs.pack(0, 3).is_none() && packs.pack(1, 0).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    #[inline]
    pub fn pack(&self, p: usize, m: usize) -> Option<S::Lanes<'a>> {
        (p < self.n_pmap && m < self.n_map)
            .then(|| self.load(p.saturating_mul(self.n_map).saturating_add(m)))
    }

    /// Block `p`, or `None` if `p >= n_pmap`.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
    /// let packs = space.collect_with::<4>(CollectOptions { n_pmap: 2, ..Default::default() })?;
    /// let second = packs.block(1).unwrap();
    /// assert_eq!((second.index(), second.len()), (1, 2));
    /// assert_eq!(second.points(), 8..10);
    /// assert!(packs.block(2).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn block(&self, p: usize) -> Option<Block<'a, S, V>> {
        (p < self.n_pmap).then_some(Block {
            layout: *self,
            index: p,
        })
    }

    /// Every pack of every block, in point order.
    ///
    /// ```
    /// use dataspace::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
    /// let packs = space.collect_with::<4>(CollectOptions { n_pmap: 2, ..Default::default() })?;
    /// let points: Vec<f32> = packs.iter().flat_map(|p| p.points().collect::<Vec<_>>()).map(|p| p.x).collect();
    /// assert_eq!(points, (0..10).map(|i| i as f32).collect::<Vec<_>>());
    /// assert_eq!(packs.iter().len(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn iter(&self) -> Packs<'a, S, V> {
        Packs {
            layout: *self,
            indices: 0..self.n_packs(),
        }
    }

    /// The blocks in order, one after another on this thread.
    #[must_use]
    pub fn blocks(
        &self,
    ) -> impl ExactSizeIterator<Item = Block<'a, S, V>> + DoubleEndedIterator + use<'a, S, V> {
        let layout = *self;
        (0..self.n_pmap).map(move |index| Block { layout, index })
    }

    /// The blocks as a rayon parallel iterator: block `p` is one task.
    ///
    /// ```
    /// use dataspace::prelude::*;
    /// use dataspace::rayon::prelude::*;
    ///
    /// #[derive(DataSpace, Clone, Debug, PartialEq)]
    /// struct P { x: f32 }
    ///
    /// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
    /// let packs = space.collect_with::<4>(CollectOptions { n_pmap: 2, ..Default::default() })?;
    /// let sums: Vec<f32> = packs
    ///     .par_blocks()
    ///     .map(|block| block.iter().map(|p| p.x.sum_lanes(p.valid())).sum())
    ///     .collect();
    /// assert_eq!(sums, [28.0, 17.0]); // 0 + ... + 7, then 8 + 9
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn par_blocks(&self) -> impl IndexedParallelIterator<Item = Block<'a, S, V>> + use<'a, S, V>
    where
        S: Sync,
    {
        let layout = *self;
        (0..self.n_pmap)
            .into_par_iter()
            .map(move |index| Block { layout, index })
    }

    /// The pack at global pack index `g` (block-major).
    #[inline(always)]
    fn load(&self, g: usize) -> S::Lanes<'a> {
        // Two calls, not one on a saturated start: in the first the compiler
        // sees that the start is a multiple of V and drops the tail path of
        // `load` (a saturating start cost the collect pass 1.4x at V = 8).
        match g.checked_mul(V) {
            Some(start) => self.space.load(start, self.fill),
            // Past usize::MAX lanes: packs of fill only.
            None => self.space.load(usize::MAX, self.fill),
        }
    }
}

impl<'a, S: PackedSpace<V>, const V: usize> IntoIterator for &Collected<'a, S, V> {
    type Item = S::Lanes<'a>;
    type IntoIter = Packs<'a, S, V>;
    fn into_iter(self) -> Packs<'a, S, V> {
        self.iter()
    }
}

/// The `n_map` packs one worker gets: block `p` of a [`Collected`] layout.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
/// let packs = space.collect_with::<4>(CollectOptions { n_pmap: 2, ..Default::default() })?;
/// let block = packs.block(1).unwrap();
/// assert_eq!(block.len(), 2); // n_map packs
/// assert_eq!(block.lanes(), 8..16); // tail lanes included
/// assert_eq!(block.points(), 8..10); // real points only
/// assert_eq!(block.pack(0).unwrap().valid(), 2);
/// assert_eq!(block.iter().map(|p| p.valid()).collect::<Vec<_>>(), [2, 0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Block<'a, S, const V: usize> {
    layout: Collected<'a, S, V>,
    index: usize,
}

impl<S, const V: usize> Clone for Block<'_, S, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S, const V: usize> Copy for Block<'_, S, V> {}

impl<S, const V: usize> core::fmt::Debug for Block<'_, S, V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Block")
            .field("index", &self.index)
            .field("n_map", &self.layout.n_map)
            .finish()
    }
}

impl<'a, S: PackedSpace<V>, const V: usize> Block<'a, S, V> {
    /// The block's position on the pmap axis.
    #[must_use]
    pub fn index(&self) -> usize {
        self.index
    }

    /// Number of packs in the block, `n_map`.
    #[must_use]
    #[allow(clippy::misnamed_getters)] // a block's length counts packs, not points
    pub fn len(&self) -> usize {
        self.layout.n_map
    }

    /// Whether the block has no packs (only when N = 0).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.layout.n_map == 0
    }

    /// The point indices this block's lanes stand for, tail lanes included:
    /// `start .. start + n_map * V`. Only those below N are real points.
    #[must_use]
    pub fn lanes(&self) -> Range<usize> {
        let per_block = self.layout.n_map.saturating_mul(V);
        let start = self.index.saturating_mul(per_block);
        start..start.saturating_add(per_block)
    }

    /// The real points of this block, a subrange of `0..N` (maybe empty).
    #[must_use]
    pub fn points(&self) -> Range<usize> {
        let lanes = self.lanes();
        lanes.start.min(self.layout.len)..lanes.end.min(self.layout.len)
    }

    /// Pack `m` of this block, or `None` if `m >= n_map`.
    #[must_use]
    #[inline]
    pub fn pack(&self, m: usize) -> Option<S::Lanes<'a>> {
        self.layout.pack(self.index, m)
    }

    /// The block's packs in order.
    #[must_use]
    pub fn iter(&self) -> Packs<'a, S, V> {
        let first = self.index.saturating_mul(self.layout.n_map);
        Packs {
            layout: self.layout,
            indices: first..first.saturating_add(self.layout.n_map),
        }
    }
}

impl<'a, S: PackedSpace<V>, const V: usize> IntoIterator for Block<'a, S, V> {
    type Item = S::Lanes<'a>;
    type IntoIter = Packs<'a, S, V>;
    fn into_iter(self) -> Packs<'a, S, V> {
        self.iter()
    }
}

/// Iterator over packs in point order: made by [`Collected::iter`] and [`Block::iter`].
///
/// Like [`Points`](super::Points), a cursor over (global pack) indices and
/// a load per index.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..10).map(|i| i as f32).collect() })?;
/// let packs = space.collect_with::<4>(CollectOptions { n_pmap: 1, ..Default::default() })?;
/// let mut iter = packs.iter();
/// assert_eq!(iter.len(), 3);
/// assert_eq!(iter.next_back().unwrap().valid(), 2); // the tail pack
/// assert_eq!(iter.map(|p| p.x.to_array()[0]).collect::<Vec<_>>(), [0.0, 4.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Packs<'a, S, const V: usize> {
    layout: Collected<'a, S, V>,
    indices: Range<usize>,
}

impl<S, const V: usize> Clone for Packs<'_, S, V> {
    fn clone(&self) -> Self {
        Packs {
            layout: self.layout,
            indices: self.indices.clone(),
        }
    }
}

impl<S, const V: usize> core::fmt::Debug for Packs<'_, S, V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Packs")
            .field("indices", &self.indices)
            .finish()
    }
}

impl<'a, S: PackedSpace<V>, const V: usize> Iterator for Packs<'a, S, V> {
    type Item = S::Lanes<'a>;

    #[inline]
    fn next(&mut self) -> Option<S::Lanes<'a>> {
        self.indices.next().map(|g| self.layout.load(g))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.indices.size_hint()
    }

    #[inline]
    fn nth(&mut self, n: usize) -> Option<S::Lanes<'a>> {
        self.indices.nth(n).map(|g| self.layout.load(g))
    }
}

impl<S: PackedSpace<V>, const V: usize> DoubleEndedIterator for Packs<'_, S, V> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        self.indices.next_back().map(|g| self.layout.load(g))
    }
}

impl<S: PackedSpace<V>, const V: usize> ExactSizeIterator for Packs<'_, S, V> {}
impl<S: PackedSpace<V>, const V: usize> FusedIterator for Packs<'_, S, V> {}
