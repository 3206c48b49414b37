//! The executor: results in point order, identical for every thread count,
//! block count and lane width; panics as errors; every output kind.

use dataspace::ExecError;
use dataspace::prelude::*;

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Point {
    x: f32,
    y: f32,
    #[space(fixed)]
    offset: f32,
}

/// A kernel's output struct: no fixed fields, so its lanes are an output.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Summary {
    sum: f32,
    both: [f32; 2],
}

fn space(n: usize) -> PointSpace {
    PointSpace::new(PointColumns {
        x: (0..n).map(|i| (i as f32 * 0.37).sin()).collect(),
        y: (0..n).map(|i| i as f32 * 0.5 - 3.0).collect(),
        offset: 0.25,
    })
    .unwrap()
}

/// A little nonlinear model, generic over V.
fn kernel<const V: usize>(lanes: PointLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let mut z = lanes.x;
    for _ in 0..20 {
        z = z.mul_add(F32::<V>::splat(0.5), lanes.y.tanh()) + F32::<V>::splat(*lanes.offset);
    }
    z
}

/// The same model on one point, with the same fused operations.
fn scalar(point: Point) -> f32 {
    let mut z = point.x;
    for _ in 0..20 {
        z = z.mul_add(0.5, tanh_like(point.y)) + point.offset;
    }
    z
}

/// `wide`'s tanh on one value (its polynomial differs from std's in the last bits).
fn tanh_like(y: f32) -> f32 {
    Pack::<4>::to_array(FloatPack::tanh(<F32<4> as Pack<4>>::splat(y)))[0]
}

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

const SIZES: [usize; 9] = [0, 1, 7, 8, 9, 63, 65, 1000, 1001];

#[test]
fn results_match_the_scalar_kernel_in_point_order_for_every_n() {
    for n in SIZES {
        let space = space(n);
        let want: Vec<f32> = space.iter().map(scalar).collect();
        let got = Executor::parallel()
            .run::<8, _, _, _>(&space, kernel::<8>)
            .unwrap();
        assert_eq!(got.len(), n);
        assert_eq!(bits(&got), bits(&want), "N = {n}");
    }
}

#[test]
fn results_are_bit_identical_for_every_thread_count_block_count_and_lane_width() {
    for n in SIZES {
        let space = space(n);
        let reference = Executor::sequential()
            .run::<4, _, _, _>(&space, kernel::<4>)
            .unwrap();
        let executors = [
            Executor::parallel(),
            Executor::sequential(),
            Executor::parallel().threads(1).unwrap(),
            Executor::parallel().threads(3).unwrap(),
            Executor::parallel().threads(5).unwrap().n_pmap(1),
            Executor::parallel().n_pmap(2),
            Executor::parallel().n_pmap(7),
            Executor::parallel().n_pmap(1000),
        ];
        for executor in &executors {
            let runs = [
                executor.run::<4, _, _, _>(&space, kernel::<4>).unwrap(),
                executor.run::<8, _, _, _>(&space, kernel::<8>).unwrap(),
                executor.run::<16, _, _, _>(&space, kernel::<16>).unwrap(),
                executor.run::<32, _, _, _>(&space, kernel::<32>).unwrap(),
                executor.run::<64, _, _, _>(&space, kernel::<64>).unwrap(),
            ];
            for (w, run) in runs.iter().enumerate() {
                assert_eq!(
                    bits(run),
                    bits(&reference),
                    "N = {n}, {executor:?}, width #{w}"
                );
            }
            let mapped = executor.map(&space, scalar).unwrap();
            assert_eq!(
                bits(&mapped),
                bits(&reference),
                "map, N = {n}, {executor:?}"
            );
        }
    }
}

#[test]
fn fewer_points_than_threads_and_blocks() {
    let space = space(3);
    let out = Executor::parallel()
        .threads(4)
        .unwrap()
        .n_pmap(16)
        .run::<8, _, _, _>(&space, kernel::<8>)
        .unwrap();
    assert_eq!(
        bits(&out),
        bits(&space.iter().map(scalar).collect::<Vec<_>>())
    );
}

#[test]
fn packs_past_the_last_point_are_not_run() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = AtomicUsize::new(0);
    let space = space(10);
    // 10 points, V = 4, 8 blocks: 3 packs hold points, 5 are fill only.
    let out = Executor::parallel()
        .n_pmap(8)
        .run::<4, _, _, _>(&space, |lanes: PointLanes<'_, 4>| {
            calls.fetch_add(1, Ordering::Relaxed);
            lanes.x
        })
        .unwrap();
    assert_eq!(out.len(), 10);
    assert_eq!(calls.load(Ordering::Relaxed), 3);
}

#[test]
fn an_array_of_packs_gives_an_array_per_point() {
    let space = space(21);
    let out: Vec<[f32; 3]> = Executor::parallel()
        .run::<8, _, _, _>(&space, |l: PointLanes<'_, 8>| [l.x, l.y, l.x * l.y])
        .unwrap();
    assert_eq!(out.len(), 21);
    for (i, p) in space.iter().enumerate() {
        assert_eq!(out[i], [p.x, p.y, p.x * p.y]);
    }
}

#[test]
fn a_derived_output_struct_gives_a_columnar_space() {
    let space = space(37);
    let out: SummarySpace = Executor::parallel()
        .n_pmap(5)
        .run::<16, _, _, _>(&space, |l: PointLanes<'_, 16>| {
            SummaryLanes::new(l.x + l.y, [l.x, l.y])
        })
        .unwrap();
    assert_eq!(out.len(), 37);
    for (i, p) in space.iter().enumerate() {
        assert_eq!(
            out.get(i),
            Some(Summary {
                sum: p.x + p.y,
                both: [p.x, p.y]
            })
        );
    }
    assert_eq!(out.columns().both[1], space.columns().y);
}

/// Sums each pack's real lanes only: NaN tail lanes must not leak in, and
/// `max` over a pack with NaN tail lanes ignores them silently (so its result
/// looks right while the lanes it saw were not all real).
#[test]
fn a_reducing_kernel_uses_the_count_of_real_lanes() {
    let space = space(13); // V = 8: packs of 8 and 5 real lanes
    let sums = Executor::sequential()
        .n_pmap(1)
        .run::<8, _, _, _>(&space, |l: PointLanes<'_, 8>| {
            let total = l.x.sum_lanes(l.valid());
            let naive = l.x.sum_lanes(8);
            F32::<8>::from_array([total, naive, l.valid() as f32, 0.0, 0.0, 0.0, 0.0, 0.0])
        })
        .unwrap();
    let x = space.columns().x;
    let first: f32 = x[..8].iter().sum();
    let second: f32 = x[8..].iter().sum();
    assert_eq!((sums[0], sums[2]), (first, 8.0));
    assert_eq!(sums[1], first, "a full pack's lanes are all real");
    assert_eq!((sums[8], sums[10]), (second, 5.0));
    assert!(
        sums[9].is_nan(),
        "summing all lanes of the tail pack adds the NaN fill"
    );
    // wide's max ignores NaN operands: the tail lanes vanish from a max without a trace.
    let tail = space
        .collect_with::<8>(CollectOptions {
            n_pmap: 1,
            ..Default::default()
        })
        .unwrap()
        .pack(0, 1)
        .unwrap();
    let max = tail.x.max(F32::<8>::splat(-10.0)).to_array();
    assert!(max[5..].iter().all(|&m| m == -10.0));
}

#[test]
fn a_panicking_kernel_is_an_error_naming_the_first_failing_point() {
    let space = space(1000);
    for executor in [
        Executor::parallel(),
        Executor::sequential(),
        Executor::parallel().n_pmap(16),
    ] {
        let result = executor.run::<8, _, _, _>(&space, |l: PointLanes<'_, 8>| {
            let y = l.y.to_array();
            if y.iter().any(|&y| y == 100.0 || y == 300.0) {
                panic!("blew up at y = {}", y[0]);
            }
            l.x
        });
        // y = i / 2 - 3: 100 at point 206 (pack 200..208), 300 at point 606.
        assert!(
            matches!(
                &result,
                Err(ExecError::KernelPanicked { point: 200, message }) if message == "blew up at y = 97"
            ),
            "{executor:?}: {result:?}"
        );
        // The executor (and its pool) still works.
        let again = executor.run::<8, _, _, _>(&space, kernel::<8>).unwrap();
        assert_eq!(again.len(), 1000);
    }
    let mapped = Executor::parallel().map(&space, |p: Point| {
        assert!(p.y != 300.0, "point with y = 300");
        p.x
    });
    assert!(
        matches!(
            &mapped,
            Err(ExecError::KernelPanicked { point: 606, message }) if message == "point with y = 300"
        ),
        "{mapped:?}"
    );
    let message = mapped.unwrap_err().to_string();
    assert_eq!(
        message,
        "the kernel panicked at point 606: point with y = 300"
    );
}

#[test]
fn zero_threads_and_zero_blocks_are_errors() {
    assert!(matches!(
        Executor::parallel().threads(0).unwrap_err(),
        ExecError::NoThreads
    ));
    let space = space(5);
    assert!(matches!(
        Executor::parallel()
            .n_pmap(0)
            .run::<4, _, _, _>(&space, kernel::<4>)
            .unwrap_err(),
        ExecError::Layout(dataspace::LayoutError::NoBlocks)
    ));
    assert!(Executor::parallel().n_pmap(0).map(&space, scalar).is_err());
    assert_eq!(Executor::parallel().threads(3).unwrap().thread_count(), 3);
    assert_eq!(Executor::sequential().thread_count(), 1);
}

#[test]
fn more_threads_than_cores_is_allowed() {
    let many = Executor::parallel()
        .threads(4 * std::thread::available_parallelism().unwrap().get())
        .unwrap();
    let space = space(100);
    assert_eq!(
        many.run::<8, _, _, _>(&space, kernel::<8>).unwrap().len(),
        100
    );
}

/// The lane count comes from the kernel: a generic kernel instantiated at
/// `V`, or a closure whose argument names its lanes type. The explicit form
/// (`run::<V, _, _, _>`) still compiles and gives the same results.
#[test]
fn the_lane_count_is_inferred_from_the_kernel() {
    let space = space(1001);
    let executor = Executor::sequential();
    let explicit = executor.run::<16, _, _, _>(&space, kernel::<16>).unwrap();
    let inferred = executor.run(&space, kernel::<16>).unwrap();
    let closure = executor
        .run(&space, |p: PointLanes<'_, 16>| kernel(p))
        .unwrap();
    let named_at_the_call = executor.run::<16, _, _, _>(&space, kernel).unwrap();
    assert_eq!(bits(&inferred), bits(&explicit));
    assert_eq!(bits(&closure), bits(&explicit));
    assert_eq!(bits(&named_at_the_call), bits(&explicit));
    let wide: Vec<[f32; 2]> = executor
        .run(&space, |p: PointLanes<'_, 64>| [p.x, p.y])
        .unwrap();
    assert_eq!(
        wide[1000],
        [space.columns().x[1000], space.columns().y[1000]]
    );
}
