//! What a kernel may return for each pack, and how the executor gathers it
//! back into point order.

// Indices here are lane numbers below V and element numbers below K: they cannot be out of range.
#![allow(clippy::indexing_slicing)]

use crate::pack::Pack;
use crate::Lockstep;
use wide::{f32x16, f32x4, f32x8, f64x2, f64x4, f64x8, i32x16, i32x4, i32x8, u32x16, u32x4, u32x8};

/// A kernel's result for one pack of `V` points, and how results of many
/// packs become the run's result.
///
/// Implemented for every pack type (results as `Vec<T>` of N values), arrays
/// of packs `[P; K]` (results as `Vec<[T; K]>`), and the generated lanes type
/// `XLanes<V>` of a `#[derive(DataSpace)]` struct without fixed fields
/// (results as an `XSpace` of N points: outputs columnar like inputs).
///
/// Only the first `valid` lanes of each pack are kept: tail lanes are dropped.
pub trait Output<const V: usize>: Sized {
    /// What a run returns: N results in point order.
    type Result;
    /// The results of one block, in point order.
    type Block: Send;

    /// An empty block with room for `points` results.
    fn block(points: usize) -> Self::Block;
    /// Appends the first `valid` lanes of `self` to `block`.
    fn push(self, block: &mut Self::Block, valid: usize);
    /// Joins the blocks, in order, into the result of `len` points.
    fn finish(blocks: Vec<Self::Block>, len: usize) -> Self::Result;
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

macro_rules! outputs {
    ($($pack:ty => $t:ty, $v:literal;)*) => {$(
        impl Output<$v> for $pack {
            type Result = Vec<$t>;
            type Block = Vec<$t>;
            fn block(points: usize) -> Vec<$t> {
                Vec::with_capacity(points)
            }
            #[inline]
            fn push(self, block: &mut Vec<$t>, valid: usize) {
                push_lanes(block, Pack::<$v>::to_array(self), valid);
            }
            fn finish(blocks: Vec<Vec<$t>>, len: usize) -> Vec<$t> {
                concat(blocks, len)
            }
        }

        impl<const K: usize> Output<$v> for [$pack; K] {
            type Result = Vec<[$t; K]>;
            type Block = Vec<[$t; K]>;
            fn block(points: usize) -> Vec<[$t; K]> {
                Vec::with_capacity(points)
            }
            #[inline]
            fn push(self, block: &mut Vec<[$t; K]>, valid: usize) {
                let lanes = self.map(|pack| Pack::<$v>::to_array(pack));
                for lane in 0..valid.min($v) {
                    block.push(core::array::from_fn(|k| lanes[k][lane]));
                }
            }
            fn finish(blocks: Vec<Vec<[$t; K]>>, len: usize) -> Vec<[$t; K]> {
                concat(blocks, len)
            }
        }
    )*};
}

outputs! {
    f32x4 => f32, 4; f32x8 => f32, 8; f32x16 => f32, 16;
    Lockstep<f32x16, 2> => f32, 32; Lockstep<f32x16, 4> => f32, 64;
    f64x2 => f64, 2; f64x4 => f64, 4; f64x8 => f64, 8;
    Lockstep<f64x8, 2> => f64, 16; Lockstep<f64x8, 4> => f64, 32;
    i32x4 => i32, 4; i32x8 => i32, 8; i32x16 => i32, 16;
    Lockstep<i32x16, 2> => i32, 32; Lockstep<i32x16, 4> => i32, 64;
    u32x4 => u32, 4; u32x8 => u32, 8; u32x16 => u32, 16;
    Lockstep<u32x16, 2> => u32, 32; Lockstep<u32x16, 4> => u32, 64;
}
