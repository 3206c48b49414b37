//! What a kernel may return for each pack, and how the executor gathers it
//! back into point order.

// Indices here are lane numbers below V and element numbers below K: they cannot be out of range.
#![allow(clippy::indexing_slicing)]

use crate::error::OutputError;
use crate::simd::Pack;

/// A kernel's result for one pack of `V` points, and how results of many
/// packs become the run's result.
///
/// Implemented for every [`Pack`] (results as `Vec<T>` of N values), arrays
/// of packs `[P; K]` (results as `Vec<[T; K]>`), a [`Recorder`](crate::Recorder)
/// of samples (results as a [`TimeSeries`](crate::TimeSeries) of N points by
/// T samples), and the generated lanes type
/// `XLanes<'a, V>` of a `#[derive(DataSpace)]` struct without fixed fields
/// (results as an `XSpace` of N points: outputs columnar like inputs).
///
/// Only the first `valid` lanes of each pack are kept: tail lanes are dropped.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// /// An output struct: no fixed fields, so its lanes are an `Output`.
/// #[derive(DataSpace, Clone, Debug, PartialEq)]
/// struct Stats { twice: f32, square: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0, 2.0, 3.0] })?;
/// let stats: StatsSpace = Executor::parallel()
///     .run(&space, |p: PLanes<'_, 4>| StatsLanes::new(p.x + p.x, p.x * p.x))?;
/// assert_eq!(stats.columns().square, &[1.0, 4.0, 9.0]);
/// assert_eq!(stats.get(1), Some(Stats { twice: 4.0, square: 4.0 }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Output<const V: usize>: Sized {
    /// What a run returns: N results in point order.
    type Result;
    /// The results of one block, in point order.
    type Block: Send;

    /// An empty block with room for `points` results.
    fn block(points: usize) -> Self::Block;
    /// Appends the first `valid` lanes of `self` to `block`.
    ///
    /// # Errors
    /// The pack's results do not fit the block's (a time series of another
    /// length); nothing is appended.
    fn push(self, block: &mut Self::Block, valid: usize) -> Result<(), OutputError>;
    /// Joins the blocks, in order, into the result of `len` points.
    ///
    /// # Errors
    /// The blocks' results do not fit together (time series of other lengths).
    fn finish(blocks: Vec<Self::Block>, len: usize) -> Result<Self::Result, OutputError>;
    /// Bytes of results per point of `result`, when that is more than a few
    /// scalars (a time series): a streaming run cuts its windows so that one
    /// holds a bounded number of bytes. `None` (the default): windows are
    /// counted in points only.
    fn point_bytes(result: &Self::Result) -> Option<usize> {
        let _ = result;
        None
    }
    /// Samples per point of `result`, for results that are time series: a
    /// streaming run checks that every window has the first one's.
    /// `None` (the default): not a time series.
    fn samples(result: &Self::Result) -> Option<usize> {
        let _ = result;
        None
    }
}

/// Appends the first `valid` values of each pack's lanes: shared by packs.
fn push_lanes<T: Copy, const V: usize>(block: &mut Vec<T>, lanes: [T; V], valid: usize) {
    block.extend_from_slice(&lanes[..valid.min(V)]);
}

fn concat<T>(blocks: Vec<Vec<T>>, len: usize) -> Vec<T> {
    let mut all = Vec::with_capacity(len);
    for block in blocks {
        all.extend(block);
    }
    debug_assert_eq!(all.len(), len);
    all
}

impl<P: Pack<V>, const V: usize> Output<V> for P {
    type Result = Vec<P::Scalar>;
    type Block = Vec<P::Scalar>;
    fn block(points: usize) -> Self::Block {
        Vec::with_capacity(points)
    }
    #[inline]
    fn push(self, block: &mut Self::Block, valid: usize) -> Result<(), OutputError> {
        push_lanes(block, self.to_array(), valid);
        Ok(())
    }
    fn finish(blocks: Vec<Self::Block>, len: usize) -> Result<Self::Result, OutputError> {
        Ok(concat(blocks, len))
    }
}

impl<P: Pack<V>, const V: usize, const K: usize> Output<V> for [P; K] {
    type Result = Vec<[P::Scalar; K]>;
    type Block = Vec<[P::Scalar; K]>;
    fn block(points: usize) -> Self::Block {
        Vec::with_capacity(points)
    }
    #[inline]
    fn push(self, block: &mut Self::Block, valid: usize) -> Result<(), OutputError> {
        let lanes = self.map(Pack::<V>::to_array);
        block.extend((0..valid.min(V)).map(|lane| core::array::from_fn(|k| lanes[k][lane])));
        Ok(())
    }
    fn finish(blocks: Vec<Self::Block>, len: usize) -> Result<Self::Result, OutputError> {
        Ok(concat(blocks, len))
    }
}
