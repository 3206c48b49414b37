//! The lane count chosen by the executor (`run_auto`, `widths!`): results
//! bit for bit those of every fixed width, for every output kind, N and
//! executor; what the trial measured; errors at the right point.

use crate::common::mpr::{MprColumns, MprLanes, MprSpace, w1_kernel, w1_space};
use dataspace::prelude::*;
use dataspace::{ExecError, NATIVE_F32_LANES};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// The columns of `w1_space`, to change before building a space.
fn w1_columns(n: usize, seed: u64, steps: usize) -> MprColumns {
    let space = w1_space(n, seed, steps);
    let columns = space.columns();
    MprColumns {
        eta: columns.eta.to_vec(),
        j: columns.j.to_vec(),
        delta: columns.delta.to_vec(),
        steps,
    }
}

/// W1 with `steps` steps on `n` points, every 7th `eta` NaN.
fn w1_with_nans(n: usize, steps: usize) -> MprSpace {
    let mut columns = w1_columns(n, 11, steps);
    for eta in columns.eta.iter_mut().step_by(7) {
        *eta = f32::NAN;
    }
    MprSpace::new(columns).unwrap()
}

/// Every fixed width's results, each as bits.
fn fixed_widths(executor: &Executor, space: &MprSpace) -> [Vec<u32>; 4] {
    [
        bits(&executor.run(space, w1_kernel::<8>).unwrap()),
        bits(&executor.run(space, w1_kernel::<16>).unwrap()),
        bits(&executor.run(space, w1_kernel::<32>).unwrap()),
        bits(&executor.run(space, w1_kernel::<64>).unwrap()),
    ]
}

#[test]
fn auto_equals_every_fixed_width_bit_for_bit() {
    let executors = [
        Executor::parallel(),
        Executor::sequential(),
        Executor::parallel().threads(3).unwrap(),
        Executor::parallel().n_pmap(64),
    ];
    // 0, 1, below one pack, not a multiple of any V, fewer than the
    // threads' packs, and large enough for a trial (16 x 720 points).
    for n in [0, 1, 7, 100, 1001, 12_345, 40_001] {
        let space = w1_with_nans(n, 40);
        for executor in &executors {
            let fixed = fixed_widths(executor, &space);
            assert!(
                fixed.iter().all(|f| *f == fixed[0]),
                "N = {n}: widths differ"
            );
            let (auto, tuning) = executor.run_auto_tuned(&space, widths!(w1_kernel)).unwrap();
            assert_eq!(bits(&auto), fixed[0], "N = {n}, {executor:?}, {tuning:?}");
            assert!([8, 16, 32, 64].contains(&tuning.lanes));
            let nans = auto.iter().filter(|x| x.is_nan()).count();
            assert_eq!(nans, n.div_ceil(7), "N = {n}: the NaN points stay NaN");
        }
    }
}

#[test]
fn a_large_run_is_timed_at_every_width_and_a_small_one_is_not() {
    let executor = Executor::parallel().threads(2).unwrap();
    let per_task = 3 * (8 + 16 + 32 + 64);
    let large = w1_space(16 * per_task * 2, 3, 20);
    let (_, tuning) = executor.run_auto_tuned(&large, widths!(w1_kernel)).unwrap();
    // A round of every width on each thread, then only those within
    // 1.25x of a thread's fastest.
    let one_round = 8 + 16 + 32 + 64;
    assert!(
        (2 * one_round..=2 * per_task).contains(&tuning.trial_points),
        "{tuning:?}"
    );
    let tried: Vec<usize> = tuning.trials.iter().map(|&(v, _)| v).collect();
    assert_eq!(tried, [8, 16, 32, 64]);
    assert!(
        tuning
            .trials
            .iter()
            .all(|&(_, nanos)| nanos.is_finite() && nanos > 0.0),
        "{tuning:?}"
    );
    // The chosen width is a fastest one.
    let best = tuning
        .trials
        .iter()
        .map(|&(_, t)| t)
        .fold(f64::INFINITY, f64::min);
    assert!(tuning.trials.contains(&(tuning.lanes, best)), "{tuning:?}");

    // One task only: a run of 16 trials and a bit is timed on one thread.
    let one = w1_space(16 * per_task + 5, 3, 20);
    let (_, tuning) = executor.run_auto_tuned(&one, widths!(w1_kernel)).unwrap();
    assert!(
        (one_round..=per_task).contains(&tuning.trial_points),
        "{tuning:?}"
    );

    // Too small: untimed, at four registers of the build (or the nearest).
    let small = w1_space(16 * per_task - 1, 3, 20);
    let (out, tuning) = executor.run_auto_tuned(&small, widths!(w1_kernel)).unwrap();
    assert_eq!(
        tuning.lanes,
        (4 * NATIVE_F32_LANES).clamp(8, 64),
        "{tuning:?}"
    );
    assert!(tuning.trials.is_empty(), "{tuning:?}");
    assert_eq!(tuning.trial_points, 0);
    assert_eq!(
        bits(&out),
        bits(&executor.run(&small, w1_kernel::<8>).unwrap())
    );
}

#[test]
fn named_widths_and_f64_kernels() {
    #[derive(DataSpace, Clone, Debug)]
    struct P {
        x: f64,
        k: i64,
    }
    fn kernel<const V: usize>(p: PLanes<'_, V>) -> F64<V>
    where
        f64: Float<V>,
        i64: Packable<V>,
    {
        let mut y = p.x;
        for _ in 0..10 {
            y = y.mul_add(y, F64::<V>::splat(-0.5)).sin();
        }
        y
    }
    for n in [0, 3, 33, 5_000, 40_000] {
        let space = PSpace::new(PColumns {
            x: (0..n).map(|i| (i as f64).sqrt() * 0.01).collect(),
            k: (0..n as i64).collect(),
        })
        .unwrap();
        let fixed = Executor::parallel().run(&space, kernel::<4>).unwrap();
        let auto = Executor::parallel()
            .run_auto(&space, widths!(kernel; 2, 4, 8, 16, 32))
            .unwrap();
        let as_bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(as_bits(&auto), as_bits(&fixed), "N = {n}");
        let one = Executor::parallel()
            .run_auto(&space, widths!(kernel; 8))
            .unwrap();
        assert_eq!(as_bits(&one), as_bits(&fixed), "N = {n}, one width");
    }
}

#[test]
fn every_output_kind_joins_across_widths() {
    #[derive(DataSpace, Clone, Debug, PartialEq)]
    struct Stats {
        mean: f32,
        pair: [f32; 2],
    }
    fn stats<const V: usize>(p: MprLanes<'_, V>) -> StatsLanes<'static, V>
    where
        f32: Float<V>,
    {
        StatsLanes::new(p.eta + p.j, [p.j, p.delta * p.eta])
    }
    fn array<const V: usize>(p: MprLanes<'_, V>) -> [F32<V>; 3]
    where
        f32: Float<V>,
    {
        [p.eta, p.j, p.delta]
    }
    fn series<const V: usize>(p: MprLanes<'_, V>) -> Recorder<F32<V>, 2>
    where
        f32: Float<V>,
    {
        let mut recorder = Recorder::new();
        let mut x = p.eta;
        for _ in 0..5 {
            x = x.mul_add(F32::<V>::splat(0.5), p.j);
            recorder.record([x, x * x]);
        }
        recorder
    }
    let space = w1_with_nans(40_000, 10);
    let executor = Executor::parallel().threads(2).unwrap();
    let (auto, tuning) = executor.run_auto_tuned(&space, widths!(stats)).unwrap();
    assert!(tuning.trial_points > 0, "the trial ran: {tuning:?}");
    let fixed = executor.run(&space, stats::<16>).unwrap();
    assert_eq!(bits(auto.columns().mean), bits(fixed.columns().mean));
    assert_eq!(bits(auto.columns().pair[1]), bits(fixed.columns().pair[1]));

    let auto = executor.run_auto(&space, widths!(array)).unwrap();
    let fixed = executor.run(&space, array::<64>).unwrap();
    assert_eq!(format!("{auto:?}"), format!("{fixed:?}"));

    let auto = executor.run_auto(&space, widths!(series)).unwrap();
    let fixed = executor.run(&space, series::<8>).unwrap();
    assert_eq!(auto.shape(), (40_000, 5));
    assert_eq!(format!("{auto:?}"), format!("{fixed:?}"));
}

#[test]
fn a_panic_is_reported_at_its_point_in_the_trial_and_after_it() {
    fn panics_at<const V: usize>(p: MprLanes<'_, V>) -> F32<V>
    where
        f32: Float<V>,
    {
        // Points whose j is exactly 99 panic.
        assert!(
            !p.j.to_array().contains(&99.0),
            "j = 99 at pack {}",
            p.index()
        );
        p.eta
    }
    let executor = Executor::parallel().threads(2).unwrap();
    // In the trial (the first 2 x 720 points), then after it.
    for bad in [5, 730, 1_000, 1_441, 30_000] {
        let mut columns = w1_columns(40_000, 1, 1);
        columns.j[bad] = 99.0;
        columns.j[bad + 3_000] = 99.0;
        let space = MprSpace::new(columns).unwrap();
        let error = executor.run_auto(&space, widths!(panics_at)).unwrap_err();
        let ExecError::KernelPanicked { point, message } = error else {
            panic!("{error:?}")
        };
        // The first point of the pack holding `bad`: a pack starts at a
        // multiple of its width past the start of its part of the run.
        assert!(
            point <= bad && bad - point < 64,
            "bad {bad}, reported {point}"
        );
        assert!(message.starts_with("j = 99 at pack"), "{message}");
        assert!(
            message.ends_with(&point.to_string()),
            "{message} at {point}"
        );
        // The executor is still usable.
        assert_eq!(
            executor
                .run(&space, |p: MprLanes<'_, 8>| p.eta)
                .unwrap()
                .len(),
            40_000
        );
    }
}

#[test]
fn progress_counts_every_point_once() {
    let seen = Arc::new(AtomicUsize::new(0));
    let total = Arc::new(AtomicUsize::new(0));
    let (s, t) = (Arc::clone(&seen), Arc::clone(&total));
    let executor = Executor::parallel().on_progress(move |done, all| {
        s.fetch_max(done, Ordering::Relaxed);
        t.store(all, Ordering::Relaxed);
    });
    let space = w1_space(50_000, 2, 5);
    executor.run_auto(&space, widths!(w1_kernel)).unwrap();
    assert_eq!(seen.load(Ordering::Relaxed), 50_000);
    assert_eq!(total.load(Ordering::Relaxed), 50_000);
}

#[test]
fn a_point_of_the_space_is_what_the_kernel_saw() {
    // Lanes::index and the fixed fields reach the kernel at every width.
    fn index<const V: usize>(p: MprLanes<'_, V>) -> [F32<V>; 2]
    where
        f32: Float<V>,
    {
        let first = p.index() as f32;
        let lanes: [f32; V] = core::array::from_fn(|k| first + k as f32);
        [
            F32::<V>::from_array(lanes),
            F32::<V>::splat(*p.steps as f32),
        ]
    }
    let space = MprSpace::new(MprColumns {
        eta: vec![0.0; 30_000],
        j: vec![0.0; 30_000],
        delta: vec![0.0; 30_000],
        steps: 17,
    })
    .unwrap();
    let out = Executor::parallel()
        .run_auto(&space, widths!(index))
        .unwrap();
    for (i, [at, steps]) in out.iter().enumerate() {
        assert_eq!((*at, *steps), (i as f32, 17.0));
    }
}

#[test]
fn a_streaming_run_at_the_chosen_width_writes_the_fixed_widths_bytes() {
    use dataspace::CsvSink;
    let dir = std::env::temp_dir().join(format!("dataspace-width-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let executor = Executor::parallel().threads(2).unwrap();
    for n in [0, 1, 1001, 5_759, 5_760, 30_000] {
        let space = w1_with_nans(n, 20);
        let (fixed, auto) = (
            dir.join(format!("fixed-{n}.csv")),
            dir.join(format!("auto-{n}.csv")),
        );
        let mut sink = CsvSink::create(&fixed, "rate").unwrap();
        executor
            .run_into(&space, w1_kernel::<16>, &mut sink)
            .unwrap();
        drop(sink);
        let mut sink = CsvSink::create(&auto, "rate").unwrap();
        let tuning = executor
            .run_into_auto(&space, widths!(w1_kernel), &mut sink)
            .unwrap();
        drop(sink);
        assert_eq!(
            tuning.trials.is_empty(),
            n < 16 * 360,
            "N = {n}: {tuning:?}"
        );
        let expected = std::fs::read(&fixed).unwrap();
        assert_eq!(std::fs::read(&auto).unwrap(), expected, "N = {n}");

        // Resumed from the first half of the rows, at the chosen width.
        if n > 1 {
            let text = String::from_utf8(expected.clone()).unwrap();
            let half: String = text.split_inclusive('\n').take(n / 2 + 1).collect();
            std::fs::write(&auto, half).unwrap();
            let mut sink = CsvSink::open(&auto, "rate").unwrap();
            executor
                .run_into_auto(&space, widths!(w1_kernel), &mut sink)
                .unwrap();
            drop(sink);
            assert_eq!(std::fs::read(&auto).unwrap(), expected, "N = {n}, resumed");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn no_blocks_is_an_error_as_for_run() {
    let space = w1_space(100, 1, 1);
    let executor = Executor::parallel().n_pmap(0);
    assert!(matches!(
        executor.run_auto(&space, widths!(w1_kernel)),
        Err(ExecError::Layout(_))
    ));
    assert!(matches!(
        executor.run(&space, w1_kernel::<8>),
        Err(ExecError::Layout(_))
    ));
}

// Defects a hostile user's crate met: each test failed before its fix.

/// A kernel that fails at one width only fails the run when a timed run
/// tries that width (and runs when the run is too small to time, at the
/// default width): a kernel must work at every width it is given.
#[test]
fn a_kernel_broken_at_one_width_fails_a_timed_run() {
    fn not_at_8<const V: usize>(p: MprLanes<'_, V>) -> F32<V>
    where
        f32: Float<V>,
    {
        assert!(V != 8, "V = 8 is broken");
        p.eta + p.j
    }
    let executor = Executor::parallel().threads(2).unwrap();
    let error = executor
        .run_auto(&w1_space(20_000, 5, 1), widths!(not_at_8))
        .unwrap_err();
    let ExecError::KernelPanicked { message, .. } = error else {
        panic!("{error:?}")
    };
    assert_eq!(message, "V = 8 is broken");
    let small = w1_space(1_000, 5, 1);
    let untimed = executor.run_auto(&small, widths!(not_at_8)).unwrap();
    assert_eq!(
        bits(&untimed),
        bits(&executor.run(&small, not_at_8::<16>).unwrap())
    );
}

/// The point a failure names does not depend on which task took which of
/// the trial's packs: a failed timed run is repeated untimed, whose packs
/// are fixed.
#[test]
fn a_failure_names_the_same_point_every_time() {
    fn slow_first_then_panics_at_100<const V: usize>(p: MprLanes<'_, V>) -> F32<V>
    where
        f32: Float<V>,
    {
        if p.index() == 0 {
            std::thread::sleep(std::time::Duration::from_millis(3));
        }
        let first = p.index();
        assert!(!(first..first + V).contains(&100), "at 100");
        p.eta
    }
    let space = w1_space(20_000, 5, 1);
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..12 {
        let executor = if i % 2 == 0 {
            Executor::sequential()
        } else {
            Executor::parallel().threads(2).unwrap()
        };
        match executor.run_auto(&space, widths!(slow_first_then_panics_at_100)) {
            Err(ExecError::KernelPanicked { point, .. }) => seen.insert(point),
            other => panic!("{other:?}"),
        };
    }
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen.iter().all(|&p| p <= 100 && 100 - p < 64), "{seen:?}");
}

/// A failed run never reports every point done, not even when its last
/// trial pack is the one that fails.
#[test]
fn a_failed_run_does_not_report_every_point_done() {
    fn panics_at_the_trials_end<const V: usize>(p: MprLanes<'_, V>) -> F32<V>
    where
        f32: Float<V>,
    {
        let first = p.index();
        assert!(!(first..first + V).contains(&719), "at 719");
        p.eta
    }
    let most = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&most);
    let executor = Executor::parallel()
        .threads(2)
        .unwrap()
        .on_progress(move |done, _| {
            seen.fetch_max(done, Ordering::Relaxed);
        });
    let space = w1_space(11_520, 5, 1);
    let error = executor
        .run_auto(&space, widths!(panics_at_the_trials_end))
        .unwrap_err();
    assert!(
        matches!(error, ExecError::KernelPanicked { .. }),
        "{error:?}"
    );
    assert!(most.load(Ordering::Relaxed) < 11_520);
}

/// `run_into_auto` checks the sink first and times only the points it
/// still has to run: a resumed run whose first points would fail does not
/// run them, and a foreign file is the sink's error.
#[test]
fn a_resumed_streaming_run_times_only_what_is_left() {
    use dataspace::CsvSink;
    fn panics_below_20000<const V: usize>(p: MprLanes<'_, V>) -> F32<V>
    where
        f32: Float<V>,
    {
        assert!(p.index() >= 20_000, "a point the sink holds was run again");
        p.eta
    }
    let dir = std::env::temp_dir().join(format!("dataspace-width-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let space = w1_space(40_000, 5, 1);
    let executor = Executor::parallel().threads(2).unwrap();
    let (path, whole) = (dir.join("resumed.csv"), dir.join("whole.csv"));
    let mut sink = CsvSink::create(&whole, "eta_out").unwrap();
    executor
        .run_into(&space, |p: MprLanes<'_, 8>| p.eta, &mut sink)
        .unwrap();
    drop(sink);
    let text = std::fs::read_to_string(&whole).unwrap();
    let half: String = text.split_inclusive('\n').take(20_001).collect();
    std::fs::write(&path, half).unwrap();
    let mut sink = CsvSink::open(&path, "eta_out").unwrap();
    let tuning = executor
        .run_into_auto(&space, widths!(panics_below_20000), &mut sink)
        .unwrap();
    drop(sink);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert!(tuning.trial_points <= 20_000 / 16, "{tuning:?}");

    std::fs::write(&path, "a,b,c\n1,2,3\n").unwrap();
    let mut sink = CsvSink::open(&path, "eta_out");
    if let Ok(sink) = sink.as_mut() {
        let error = executor
            .run_into_auto(&space, widths!(panics_below_20000), sink)
            .unwrap_err();
        assert!(matches!(error, ExecError::Sink(_)), "{error:?}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `widths!` inside a function generic over `V` (a kernel that calls
/// `run_auto`): each width names its `V`.
#[test]
fn widths_inside_a_function_generic_over_v() {
    fn inner<const V: usize>(p: MprLanes<'_, V>) -> F32<V>
    where
        f32: Float<V>,
    {
        p.eta + p.eta
    }
    fn outer<const V: usize>(p: MprLanes<'_, V>) -> F32<V>
    where
        f32: Float<V>,
    {
        let small = w1_space(3, 1, 1);
        let out = Executor::sequential()
            .run_auto(&small, widths!(inner))
            .unwrap();
        p.eta + F32::<V>::splat(out[0] - out[0])
    }
    let space = w1_space(100, 1, 1);
    let got = Executor::sequential().run(&space, outer::<16>).unwrap();
    assert_eq!(bits(&got), bits(space.columns().eta));
}

/// A layout `run` refuses (a design of `usize::MAX` points in
/// `usize::MAX` blocks) is refused by `run_auto` too, at once.
#[test]
fn a_layout_run_refuses_is_refused_at_once() {
    use dataspace::{Axis, Sampler};
    #[derive(DataSpace, Clone, Debug)]
    struct P {
        x: f32,
    }
    let design = PDesign::random(
        usize::MAX,
        Sampler::Uniform,
        1,
        PAxes {
            x: Axis::uniform(0.0, 1.0),
        },
    )
    .unwrap();
    fn x<const V: usize>(p: PLanes<'_, V>) -> F32<V>
    where
        f32: Float<V>,
    {
        p.x
    }
    let executor = Executor::parallel().n_pmap(usize::MAX);
    let fixed = executor.run(&design, x::<8>).unwrap_err();
    let auto = executor.run_auto(&design, widths!(x)).unwrap_err();
    assert!(matches!(fixed, ExecError::Layout(_)), "{fixed:?}");
    assert!(matches!(auto, ExecError::Layout(_)), "{auto:?}");
}
