//! `collect::<V>()` loses nothing: for every scalar and lane width, unpacking
//! every pack gives back every point in order, tail lanes hold the fill value,
//! and fixed fields are borrowed, never copied.

use dataspace::Collected;
use dataspace::prelude::*;
use proptest::prelude::*;
use rayon::prelude::*;

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Single {
    a: f32,
    b: [f32; 3],
    #[space(fixed)]
    shared: Vec<f64>,
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Double {
    a: f64,
    b: [f64; 2],
    #[space(fixed)]
    shared: Vec<f64>,
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Signed {
    a: i32,
    b: [i32; 2],
    #[space(fixed)]
    shared: Vec<f64>,
}

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Unsigned {
    a: u32,
    b: [u32; 2],
    #[space(fixed)]
    shared: Vec<f64>,
}

/// Every scalar at once: the lane counts all four share are 4, 8, 16 and 32.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Mixed {
    x: f32,
    y: f64,
    k: i32,
    u: u32,
    #[space(fixed)]
    shared: Vec<f64>,
}

/// Read a test point's free fields, as f64 (exact for every supported scalar).
trait Probe: Sized {
    /// Free field values in declaration order, arrays flattened.
    fn free(&self) -> Vec<f64>;
    /// What `free` gives for a tail lane filled with `fill`.
    fn filled(fill: f64) -> Vec<f64>;
    fn shared(&self) -> &Vec<f64>;
    /// Point `i` of the test data: ordinary values with NaN and infinities mixed in.
    fn nth(i: usize) -> Self;
}

fn value(i: usize, field: usize) -> f64 {
    match (i + field) % 13 {
        3 => f64::NAN,
        5 => f64::INFINITY,
        7 => f64::NEG_INFINITY,
        _ => i as f64 * 0.25 - 3.0 + field as f64 * 100.0,
    }
}

fn int(i: usize, field: usize) -> i64 {
    i as i64 * 3 - 7 + field as i64 * 1000
}

fn shared() -> Vec<f64> {
    vec![1.0, 2.0, 3.0]
}

macro_rules! probe {
    ($point:ident in $space:ident($columns:ident) { $($scalar:ident: $t:ty),* ; $($array:ident: [$at:ty; $k:literal]),* } from $make:ident) => {
        impl $point {
            /// A space of the first `n` test points.
            fn space(n: usize) -> $space {
                let points: Vec<$point> = (0..n).map(<$point as Probe>::nth).collect();
                $space::new($columns {
                    $($scalar: points.iter().map(|p| p.$scalar).collect(),)*
                    $($array: points.iter().map(|p| p.$array).collect(),)*
                    shared: shared(),
                })
                .expect("equal lengths")
            }
        }

        impl Probe for $point {
            fn free(&self) -> Vec<f64> {
                #[allow(unused_mut)]
                let mut out = vec![$(self.$scalar as f64),*];
                $(out.extend(self.$array.iter().map(|&x| x as f64));)*
                out
            }
            fn filled(fill: f64) -> Vec<f64> {
                #[allow(unused_mut)]
                let mut out = vec![$(<$t as Scalar>::from_fill(fill) as f64),*];
                $(out.extend([<$at as Scalar>::from_fill(fill) as f64; $k]);)*
                out
            }
            fn shared(&self) -> &Vec<f64> {
                &self.shared
            }
            fn nth(i: usize) -> Self {
                let mut field = 0;
                let mut next = || { field += 1; $make(i, field) };
                $point {
                    $($scalar: next() as $t,)*
                    $($array: core::array::from_fn(|_| next() as $at),)*
                    shared: shared(),
                }
            }
        }
    };
}

fn float(i: usize, field: usize) -> f64 {
    value(i, field)
}
fn integer(i: usize, field: usize) -> f64 {
    int(i, field) as f64
}
fn mixed(i: usize, field: usize) -> f64 {
    if field <= 2 {
        value(i, field)
    } else {
        int(i, field).abs() as f64
    }
}

probe!(Single in SingleSpace(SingleColumns) { a: f32; b: [f32; 3] } from float);
probe!(Double in DoubleSpace(DoubleColumns) { a: f64; b: [f64; 2] } from float);
probe!(Signed in SignedSpace(SignedColumns) { a: i32; b: [i32; 2] } from integer);
probe!(Unsigned in UnsignedSpace(UnsignedColumns) { a: u32; b: [u32; 2] } from integer);
probe!(Mixed in MixedSpace(MixedColumns) { x: f32, y: f64, k: i32, u: u32; } from mixed);

fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

/// Unpacks every pack of `space` laid out with `n_pmap` blocks and checks it
/// against the points, the fill and the layout formula.
fn check<S, const V: usize>(space: &S, n_pmap: usize, fill: f64)
where
    S: PackedSpace<V> + Sync,
    S::Point: Probe + std::fmt::Debug,
{
    let n = space.len();
    let layout: Collected<'_, S, V> = space
        .collect_with::<V>(CollectOptions { n_pmap, fill })
        .expect("n_pmap > 0");
    let n_map = n.div_ceil(V * n_pmap);
    assert_eq!(layout.shape(), (n_pmap, n_map, V));
    assert_eq!(layout.len(), n);
    assert_eq!(layout.iter().len(), n_pmap * n_map);

    let filled = S::Point::filled(fill);
    let mut seen = 0;
    for (g, lanes) in layout.iter().enumerate() {
        let start = g * V;
        assert_eq!(lanes.valid(), n.saturating_sub(start).min(V), "pack {g}");
        for k in 0..V {
            let lane = lanes.lane(k).expect("k < V");
            let i = start + k;
            // The layout formula: point i sits in block i / (n_map V), pack (i / V) % n_map, lane i % V.
            assert_eq!(
                (i / (n_map * V), (i / V) % n_map, i % V),
                (g / n_map, g % n_map, k)
            );
            if i < n {
                let point = space.get(i).expect("i < N");
                assert!(
                    same(&lane.free(), &point.free()),
                    "point {i}: {lane:?} != {point:?}"
                );
                seen += 1;
            } else {
                assert!(same(&lane.free(), &filled), "tail lane {i}: {lane:?}");
            }
            assert_eq!(lane.shared(), &shared());
        }
        assert!(lanes.lane(V).is_none());
        // Indexed access gives the same pack.
        let by_index = layout.pack(g / n_map, g % n_map).expect("in range");
        assert_eq!(by_index.valid(), lanes.valid());
        assert!(same(
            &by_index.lane(0).unwrap().free(),
            &lanes.lane(0).unwrap().free()
        ));
    }
    assert_eq!(seen, n);
    assert!(layout.pack(n_pmap, 0).is_none());
    assert!(layout.pack(0, n_map).is_none());

    // par_blocks hands out each block once, with the same packs as a sequential walk.
    let parallel: Vec<(usize, Vec<Vec<f64>>)> = layout
        .par_blocks()
        .map(|block| {
            (
                block.index(),
                block
                    .iter()
                    .flat_map(|l| l.points().map(|p| p.free()).collect::<Vec<_>>())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(parallel.len(), n_pmap);
    let flat: Vec<Vec<f64>> = parallel
        .into_iter()
        .enumerate()
        .flat_map(|(p, (index, points))| {
            assert_eq!(p, index);
            points
        })
        .collect();
    assert_eq!(flat.len(), n);
    for (i, free) in flat.iter().enumerate() {
        assert!(same(free, &space.get(i).unwrap().free()));
    }
}

fn sizes(v: usize) -> [usize; 7] {
    [0, 1, v - 1, v, v + 1, 1000, 1001]
}

const N_PMAPS: [usize; 4] = [1, 2, 3, 7];

macro_rules! round_trip_test {
    ($name:ident, $point:ident: $($v:literal),*) => {
        #[test]
        fn $name() {
            $(
                for n in sizes($v) {
                    let space = $point::space(n);
                    for n_pmap in N_PMAPS {
                        check::<_, $v>(&space, n_pmap, f64::NAN);
                    }
                    check::<_, $v>(&space, 3, -1.5);
                }
            )*
        }
    };
}

round_trip_test!(f32_round_trips_at_every_lane_count, Single: 4, 8, 16, 32, 64);
round_trip_test!(f64_round_trips_at_every_lane_count, Double: 2, 4, 8, 16, 32);
round_trip_test!(i32_round_trips_at_every_lane_count, Signed: 4, 8, 16, 32, 64);
round_trip_test!(u32_round_trips_at_every_lane_count, Unsigned: 4, 8, 16, 32, 64);
round_trip_test!(mixed_scalars_round_trip_at_every_shared_lane_count, Mixed: 4, 8, 16, 32);

#[test]
fn fixed_fields_are_the_same_object_in_every_pack() {
    let space = SingleSpace::new(SingleColumns {
        a: vec![0.0; 37],
        b: vec![[0.0; 3]; 37],
        shared: shared(),
    })
    .unwrap();
    let owned: *const Vec<f64> = space.columns().shared;
    let layout = space
        .collect_with::<8>(CollectOptions {
            n_pmap: 3,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(layout.iter().len(), 6);
    for lanes in &layout {
        assert!(std::ptr::eq(lanes.shared, owned));
    }
}

#[test]
fn default_fill_is_nan_for_floats_and_zero_for_integers() {
    let space = MixedSpace::new(MixedColumns {
        x: vec![1.0],
        y: vec![2.0],
        k: vec![-3],
        u: vec![4],
        shared: vec![],
    })
    .unwrap();
    let lanes = space.collect::<4>().pack(0, 0).unwrap();
    assert_eq!(lanes.valid(), 1);
    let (x, y, k, u) = (
        lanes.x.to_array(),
        lanes.y.to_array(),
        lanes.k.to_array(),
        lanes.u.to_array(),
    );
    assert_eq!((x[0], y[0], k[0], u[0]), (1.0, 2.0, -3, 4));
    assert!(x[1..].iter().all(|v| v.is_nan()));
    assert!(y[1..].iter().all(|v| v.is_nan()));
    assert_eq!(&k[1..], &[0, 0, 0]);
    assert_eq!(&u[1..], &[0, 0, 0]);
}

#[test]
fn default_n_pmap_is_the_rayon_thread_count() {
    let space = SingleSpace::from_arrays(SingleArrays {
        a: [1.0; 100],
        b: [[0.0; 3]; 100],
        shared: vec![],
    });
    let threads = rayon::current_num_threads();
    assert_eq!(CollectOptions::default().n_pmap, threads);
    assert_eq!(
        space.collect::<4>().shape(),
        (threads, 100usize.div_ceil(4 * threads), 4)
    );
}

#[test]
fn fewer_points_than_blocks_leaves_trailing_blocks_all_fill() {
    let space = SingleSpace::from_arrays(SingleArrays {
        a: [7.0; 3],
        b: [[1.0; 3]; 3],
        shared: vec![],
    });
    let layout = space
        .collect_with::<4>(CollectOptions {
            n_pmap: 5,
            fill: f64::NAN,
        })
        .unwrap();
    assert_eq!(layout.shape(), (5, 1, 4));
    let valid: Vec<usize> = layout
        .blocks()
        .map(|b| b.pack(0).unwrap().valid())
        .collect();
    assert_eq!(valid, [3, 0, 0, 0, 0]);
    let points: Vec<_> = layout.blocks().map(|b| b.points()).collect();
    assert_eq!(points, [0..3, 3..3, 3..3, 3..3, 3..3]);
    assert_eq!(layout.block(1).unwrap().lanes(), 4..8);
    assert!(layout.block(5).is_none());
}

#[test]
fn packs_iterate_from_both_ends() {
    let space = SingleSpace::from_arrays(SingleArrays {
        a: core::array::from_fn::<f32, 10, _>(|i| i as f32),
        b: [[0.0; 3]; 10],
        shared: vec![],
    });
    let layout = space
        .collect_with::<4>(CollectOptions {
            n_pmap: 1,
            fill: -1.0,
        })
        .unwrap();
    let backwards: Vec<[f32; 4]> = layout.iter().rev().map(|l| l.a.to_array()).collect();
    assert_eq!(
        backwards,
        [
            [8.0, 9.0, -1.0, -1.0],
            [4.0, 5.0, 6.0, 7.0],
            [0.0, 1.0, 2.0, 3.0]
        ]
    );
    assert_eq!(
        layout.iter().nth(1).unwrap().a.to_array(),
        [4.0, 5.0, 6.0, 7.0]
    );
    assert!(layout.iter().nth(3).is_none());
}

#[test]
fn zero_blocks_is_a_layout_error() {
    let space = SingleSpace::from_arrays(SingleArrays {
        a: [0.0; 2],
        b: [[0.0; 3]; 2],
        shared: vec![],
    });
    let error = space
        .collect_with::<4>(CollectOptions {
            n_pmap: 0,
            fill: 0.0,
        })
        .unwrap_err();
    assert_eq!(error, dataspace::LayoutError::NoBlocks);
}

#[test]
fn too_many_blocks_is_a_layout_error_not_an_overflow() {
    let space = SingleSpace::from_arrays(SingleArrays {
        a: [0.0; 2],
        b: [[0.0; 3]; 2],
        shared: vec![],
    });
    let error = space
        .collect_with::<16>(CollectOptions {
            n_pmap: usize::MAX / 2,
            fill: 0.0,
        })
        .unwrap_err();
    assert!(matches!(
        error,
        dataspace::LayoutError::TooManyLanes {
            len: 2,
            lanes: 16,
            ..
        }
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_floats_round_trip_through_packs(
        a in proptest::collection::vec(any::<f32>(), 0..300),
        n_pmap in 1usize..9,
        fill in any::<f64>(),
    ) {
        let n = a.len();
        let b: Vec<[f32; 3]> = (0..n).map(|i| [i as f32, -(i as f32), a[i]]).collect();
        let space = SingleSpace::new(SingleColumns { a: a.clone(), b, shared: shared() }).unwrap();
        check::<_, 4>(&space, n_pmap, fill);
        check::<_, 8>(&space, n_pmap, fill);
        check::<_, 16>(&space, n_pmap, fill);
        check::<_, 64>(&space, n_pmap, fill);
    }

    #[test]
    fn any_integers_round_trip_through_packs(
        a in proptest::collection::vec(any::<i32>(), 0..200),
        n_pmap in 1usize..9,
    ) {
        let b: Vec<[i32; 2]> = a.iter().map(|&x| [x.wrapping_mul(3), !x]).collect();
        let space = SignedSpace::new(SignedColumns { a: a.clone(), b, shared: shared() }).unwrap();
        check::<_, 4>(&space, n_pmap, f64::NAN);
        check::<_, 16>(&space, n_pmap, 5.0);
    }
}
