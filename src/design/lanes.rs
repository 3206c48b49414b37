//! A free field's pack in a design: its axis evaluated lane by lane. What
//! the generated `AxesLanes` impls call, one line per field.

use super::{Axis, Plan};
use crate::simd::array;
use crate::simd::{Pack, Packable};

/// Field `f`'s values for points `start .. start + V` of a design with
/// `plan`: lanes at or past `end` hold `fill`.
#[inline]
pub fn axis_pack<T: Packable<V>, const V: usize>(
    axis: &Axis<T>,
    plan: &Plan,
    f: usize,
    start: usize,
    end: usize,
    fill: f64,
) -> T::Pack {
    let located = plan.locate_lanes::<V>(f, start);
    let fill = T::from_fill(fill);
    <T::Pack as Pack<V>>::from_array(array::from_fn(|k| match located.get(k) {
        Some(&(index, u)) if is_real(start, k, end) => axis.at(index, u),
        _ => fill,
    }))
}

/// [`axis_pack`] for an array field `[T; K]`: one pack per element.
#[inline]
pub fn axis_packs<T: Packable<V>, const V: usize, const K: usize>(
    axis: &Axis<[T; K]>,
    plan: &Plan,
    f: usize,
    start: usize,
    end: usize,
    fill: f64,
) -> [T::Pack; K] {
    let located = plan.locate_lanes::<V>(f, start);
    let fill = T::from_fill(fill);
    let values = array::map([[fill; K]; V], |k, fill| match located.get(k) {
        Some(&(index, u)) if is_real(start, k, end) => axis.at(index, u),
        _ => fill,
    });
    array::map([T::Pack::splat(fill); K], |e, _| {
        <T::Pack as Pack<V>>::from_array(array::from_fn(|k| {
            values
                .get(k)
                .and_then(|v| v.get(e))
                .copied()
                .unwrap_or(fill)
        }))
    })
}

/// Whether lane `k` of the pack at `start` is a point below `end`.
#[inline(always)]
fn is_real(start: usize, k: usize, end: usize) -> bool {
    start.checked_add(k).is_some_and(|i| i < end)
}
