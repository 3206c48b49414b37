//! Time series out of kernels (`Recorder` -> `TimeSeries`), in memory and
//! streamed to `.npy` files by `NpySink`, resumed.

use dataspace::io::{IoError, Table, read_npy, read_npy_2d, write_npy};
use dataspace::prelude::*;
use dataspace::{ExecError, NpySink, Sink};
use std::path::PathBuf;

#[derive(DataSpace, Clone, Debug)]
struct Decay {
    rate: f32,
    x0: f32,
}

const DT: f32 = 0.01;
const STEPS: usize = 60;
const EVERY: usize = 7;
/// Samples per point: steps 7, 14, ..., 56.
const SAMPLES: usize = STEPS / EVERY;

/// Euler steps of dx/dt = -rate x, recording x and x² every `EVERY` steps.
fn decay<const V: usize>(p: DecayLanes<'_, V>) -> Recorder<F32<V>, 2>
where
    f32: Float<V>,
{
    let (mut x, dt) = (p.x0, F32::<V>::splat(DT));
    let mut recorder = Recorder::with_capacity(SAMPLES);
    for step in 1..=STEPS {
        x = x - p.rate * x * dt;
        if step % EVERY == 0 {
            recorder.record([x, x * x]);
        }
    }
    recorder
}

/// The same model on one point, in scalar f32: the same operations, so
/// the same bits.
fn decay_point(p: &Decay) -> [Vec<f32>; 2] {
    let (mut x, mut xs, mut squares) = (p.x0, Vec::new(), Vec::new());
    for step in 1..=STEPS {
        x = x - p.rate * x * DT;
        if step % EVERY == 0 {
            xs.push(x);
            squares.push(x * x);
        }
    }
    [xs, squares]
}

fn space(n: usize) -> DecaySpace {
    let rate = (0..n)
        .map(|i| match i % 11 {
            3 => f32::NAN,
            7 => f32::INFINITY,
            _ => i as f32 * 0.37 - 5.0,
        })
        .collect();
    let x0 = (0..n).map(|i| 1.0 + (i % 5) as f32).collect();
    DecaySpace::new(DecayColumns { rate, x0 }).unwrap()
}

fn same_bits(a: &[f32], b: &[f32]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Every point's series equals the scalar model's, bit for bit.
fn assert_matches_points(space: &DecaySpace, series: &TimeSeries<f32, 2>) {
    let expected_samples = if space.is_empty() { 0 } else { SAMPLES };
    assert_eq!(series.shape(), (space.len(), expected_samples));
    for (i, p) in space.iter().enumerate() {
        let [x, x2] = series.point(i).unwrap();
        let [ex, ex2] = decay_point(&p);
        assert!(same_bits(x, &ex), "point {i}: {x:?} != {ex:?}");
        assert!(same_bits(x2, &ex2), "point {i}");
    }
    assert_eq!(series.point(space.len()), None);
    assert_eq!(series.variable(2), None);
}

#[test]
fn series_equal_the_scalar_model_at_every_lane_width_and_split() {
    for n in [0, 1, 7, 100, 1001] {
        let space = space(n);
        let executors = [
            Executor::sequential(),
            Executor::parallel().threads(3).unwrap(),
            Executor::parallel().threads(2).unwrap().n_pmap(64),
        ];
        for executor in &executors {
            assert_matches_points(&space, &executor.run(&space, decay::<4>).unwrap());
            assert_matches_points(&space, &executor.run(&space, decay::<8>).unwrap());
            assert_matches_points(&space, &executor.run(&space, decay::<16>).unwrap());
            assert_matches_points(&space, &executor.run(&space, decay::<64>).unwrap());
        }
    }
}

#[test]
fn f64_series_of_one_variable() {
    #[derive(DataSpace, Clone, Debug)]
    struct Growth {
        k: f64,
    }
    fn growth<const V: usize>(p: GrowthLanes<'_, V>) -> Recorder<F64<V>>
    where
        f64: Float<V>,
    {
        let (mut x, mut recorder) = (F64::<V>::splat(1.0), Recorder::new());
        for _ in 0..5 {
            x *= p.k;
            recorder.record([x]);
        }
        recorder
    }
    let space = GrowthSpace::new(GrowthColumns {
        k: vec![2.0, -1.0, 0.5, f64::NAN, 3.0],
    })
    .unwrap();
    for series in [
        Executor::parallel().run(&space, growth::<2>).unwrap(),
        Executor::parallel().run(&space, growth::<4>).unwrap(),
        Executor::sequential().run(&space, growth::<8>).unwrap(),
    ] {
        assert_eq!(series.shape(), (5, 5));
        assert_eq!(series.point(0), Some([&[2.0, 4.0, 8.0, 16.0, 32.0][..]]));
        assert_eq!(series.point(1), Some([&[-1.0, 1.0, -1.0, 1.0, -1.0][..]]));
        assert!(series.point(3).unwrap()[0].iter().all(|x| x.is_nan()));
        assert_eq!(series.point(4).unwrap()[0][4], 243.0);
        let [all] = series.into_variables();
        assert_eq!(all.len(), 25);
        assert_eq!(all[5..10], [-1.0, 1.0, -1.0, 1.0, -1.0]);
    }
}

/// A kernel that records one sample more for packs starting at `from` or later.
fn uneven<const V: usize>(from: usize) -> impl Fn(DecayLanes<'_, V>) -> Recorder<F32<V>> + Sync
where
    f32: Float<V>,
{
    move |p: DecayLanes<'_, V>| {
        let mut recorder = Recorder::new();
        let samples = if p.index() >= from { 4 } else { 3 };
        for _ in 0..samples {
            recorder.record([p.rate]);
        }
        recorder
    }
}

#[test]
fn an_uneven_recording_is_an_error_naming_the_first_pack_that_differs() {
    let space = space(100);
    let expect = |result: Result<TimeSeries<f32>, ExecError>, point: usize| match result {
        Err(ExecError::SampleCount {
            point: found,
            found: 4,
            expected: 3,
        }) => assert_eq!(found, point),
        other => panic!("expected a sample-count error at {point}, got {other:?}"),
    };
    // Inside one block (pushing the pack at 40), and between blocks (at 32:
    // with 4 blocks of 4 packs of 8, block 1 starts there).
    for from in [40, 32] {
        expect(
            Executor::sequential()
                .n_pmap(1)
                .run(&space, uneven::<8>(from)),
            from,
        );
        expect(
            Executor::parallel()
                .n_pmap(4)
                .run(&space, uneven::<8>(from)),
            from,
        );
        expect(
            Executor::parallel()
                .threads(3)
                .unwrap()
                .run(&space, uneven::<8>(from)),
            from,
        );
    }
    let message = Executor::sequential()
        .run(&space, uneven::<8>(40))
        .unwrap_err()
        .to_string();
    assert_eq!(
        message,
        "the kernel recorded 4 samples per point at point 40 but 3 before it: record the same number of samples at every point (pad with NaN where a point has fewer)"
    );
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataspace-series-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every file of a folder, by name.
fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    all.sort();
    all
}

#[test]
fn npy_sink_writes_one_2d_array_per_variable_beside_the_parameters() {
    for n in [1, 7, 1001, 20_000] {
        let space = space(n);
        let dir = scratch(&format!("two-d-{n}"));
        let executor = Executor::parallel().threads(2).unwrap();
        let mut sink = NpySink::create(&dir, &["x", "x2"]).unwrap();
        executor.run_into(&space, decay::<16>, &mut sink).unwrap();
        let memory = executor.run(&space, decay::<16>).unwrap();
        let (x, shape) = read_npy_2d::<f32>(&dir.join("x.npy")).unwrap();
        let (x2, shape2) = read_npy_2d::<f32>(&dir.join("x2.npy")).unwrap();
        assert_eq!((shape, shape2), ((n, SAMPLES), (n, SAMPLES)));
        assert!(same_bits(&x, memory.variable(0).unwrap()));
        assert!(same_bits(&x2, memory.variable(1).unwrap()));
        let rate = read_npy::<f32>(&dir.join("rate.npy")).unwrap();
        assert!(same_bits(&rate, space.columns().rate));
        assert_eq!(
            read_npy::<f32>(&dir.join("x0.npy")).unwrap(),
            space.columns().x0
        );
        assert_eq!(files(&dir).len(), 4);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn an_empty_run_writes_empty_arrays() {
    let dir = scratch("empty");
    let mut sink = NpySink::create(&dir, &["x", "x2"]).unwrap();
    Executor::parallel()
        .run_into(&space(0), decay::<8>, &mut sink)
        .unwrap();
    assert_eq!(
        read_npy_2d::<f32>(&dir.join("x.npy")).unwrap(),
        (vec![], (0, 0))
    );
    assert_eq!(
        read_npy::<f32>(&dir.join("rate.npy")).unwrap(),
        Vec::<f32>::new()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn npy_sink_streams_scalar_and_array_results() {
    let space = space(333);
    let dir = scratch("scalar");
    let executor = Executor::parallel();
    let kernel = |p: DecayLanes<'_, 8>| p.rate * p.x0;
    executor
        .run_into(&space, kernel, &mut NpySink::create(&dir, &["y"]).unwrap())
        .unwrap();
    let y = read_npy::<f32>(&dir.join("y.npy")).unwrap();
    assert!(same_bits(&y, &executor.run(&space, kernel).unwrap()));

    let pair = |p: DecayLanes<'_, 8>| [p.rate, p.x0 + p.x0, p.x0];
    executor
        .run_into(&space, pair, &mut NpySink::create(&dir, &["pair"]).unwrap())
        .unwrap();
    let (values, shape) = read_npy_2d::<f32>(&dir.join("pair.npy")).unwrap();
    assert_eq!(shape, (333, 3));
    let memory: Vec<[f32; 3]> = executor.run(&space, pair).unwrap();
    assert!(same_bits(&values, memory.as_flattened()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Streams `decay` over `space` into a new folder `dir` (`x.npy`, `x2.npy`
/// beside the parameters).
fn stream<const V: usize>(executor: &Executor, space: &DecaySpace, dir: &std::path::Path)
where
    f32: Float<V>,
{
    let mut sink = NpySink::create(dir, &["x", "x2"]).unwrap();
    executor.run_into(space, decay::<V>, &mut sink).unwrap();
}

/// Cuts the file at `path` to `len` bytes.
fn cut(path: &std::path::Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

#[test]
fn an_interrupted_run_resumes_to_the_same_bytes() {
    let space = space(5000);
    let executor = Executor::parallel().threads(2).unwrap();
    let dir = scratch("resume");
    stream::<16>(&executor, &space, &dir);
    let whole = files(&dir);
    let row = (SAMPLES * 4) as u64;
    // (rows left in rate.npy, x0.npy, x.npy, x2.npy; bytes past them), as a
    // killed run leaves them: a window's rows written to some files and not
    // others, rows cut in the middle, a header cut short.
    let cases: [([u64; 4], u64); 6] = [
        ([4999, 4999, 4999, 4999], 0),
        ([3000, 2999, 3000, 3000], 1),
        ([10, 4000, 4000, 4000], 3),
        ([0, 0, 0, 0], 0),
        ([5000, 5000, 5000, 17], 5),
        ([5000, 5000, 5000, 5000], 0),
    ];
    for (rows, extra) in cases {
        for ((name, _), rows) in whole.iter().zip(rows) {
            let bytes = if name.starts_with('x') && name != "x0.npy" {
                row
            } else {
                4
            };
            cut(&dir.join(name), 128 + rows * bytes + extra);
        }
        let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
        executor.run_into(&space, decay::<16>, &mut sink).unwrap();
        assert!(files(&dir) == whole, "resumed from {rows:?} + {extra}");
    }
    // A run killed as it created its files: no rows anywhere, the last
    // header cut short.
    for name in ["rate.npy", "x0.npy", "x.npy"] {
        cut(&dir.join(name), 128);
    }
    cut(&dir.join("x2.npy"), 20);
    let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
    assert_eq!(
        Sink::<TimeSeries<f32, 2>>::resume(&mut sink, &space.header(), 5000).unwrap(),
        0
    );
    executor.run_into(&space, decay::<16>, &mut sink).unwrap();
    assert!(files(&dir) == whole);
    // A missing folder resumes from nothing.
    std::fs::remove_dir_all(&dir).unwrap();
    let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
    executor.run_into(&space, decay::<16>, &mut sink).unwrap();
    assert!(files(&dir) == whole);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_folder_of_another_run_is_an_error_not_a_resume() {
    let space = space(100);
    let executor = Executor::sequential();
    let dir = scratch("other");
    stream::<8>(&executor, &space, &dir);

    // More points than the run has.
    let small = space.slice(0..50).unwrap();
    let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
    let error = executor
        .run_into(&small, decay::<8>, &mut sink)
        .unwrap_err();
    assert!(
        matches!(
            error,
            ExecError::Sink(IoError::TooManyRows {
                found: 100,
                expected: 50,
                ..
            })
        ),
        "{error}"
    );

    // Another number of samples per point, appended to a folder cut to 60 points.
    let longer = |p: DecayLanes<'_, 8>| {
        let mut recorder = decay(p);
        recorder.record([p.rate, p.rate]);
        recorder
    };
    cut(&dir.join("x.npy"), 128 + 60 * SAMPLES as u64 * 4);
    let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
    let error = executor.run_into(&space, longer, &mut sink).unwrap_err();
    let ExecError::Sink(IoError::NpyRowLength {
        found, expected, ..
    }) = error
    else {
        panic!("{error}")
    };
    assert_eq!((found, expected), (SAMPLES + 1, SAMPLES));
    // Refused before anything is cut: x2.npy keeps its 100 rows.
    assert_eq!(
        read_npy_2d::<f32>(&dir.join("x2.npy")).unwrap().1,
        (100, SAMPLES)
    );

    // Another element type for the results.
    let mut sink = NpySink::open(&dir, &["x"]).unwrap();
    let error = Sink::<Vec<f64>>::resume(&mut sink, &space.header(), 100).unwrap_err();
    assert!(matches!(error, IoError::NpyDtype { .. }), "{error}");

    // As many names as variables.
    let mut sink = NpySink::open(&dir, &["x"]).unwrap();
    let error = Sink::<TimeSeries<f32, 2>>::resume(&mut sink, &space.header(), 100).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the results are 2 arrays but the sink was given 1 names (x)"),
        "{error}"
    );

    // A result named like a parameter.
    let mut sink = NpySink::create(&dir, &["rate", "x2"]).unwrap();
    let error = executor
        .run_into(&space, decay::<8>, &mut sink)
        .unwrap_err();
    assert!(
        matches!(error, ExecError::Sink(IoError::DuplicateColumn { .. })),
        "{error}"
    );

    // `write_npy`'s files have the sink's header length: a folder it wrote
    // resumes (here: nothing left to run), to the same bytes.
    let npy = scratch("other-npy");
    write_npy(&npy, &[&space]).unwrap();
    std::fs::copy(dir.join("x.npy"), npy.join("x.npy")).unwrap();
    std::fs::copy(dir.join("x2.npy"), npy.join("x2.npy")).unwrap();
    let mut sink = NpySink::open(&npy, &["x", "x2"]).unwrap();
    executor
        .run_into(&space.slice(0..60).unwrap(), decay::<8>, &mut sink)
        .unwrap();
    assert_eq!(
        read_npy::<f32>(&npy.join("x0.npy")).unwrap(),
        space.columns().x0[..60]
    );
    // A header of another length (format 2.0) is not a sink's file.
    let mut other = b"\x93NUMPY\x02\x00".to_vec();
    let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (60,), }";
    other.extend_from_slice(&(182u32).to_le_bytes());
    other.extend_from_slice(format!("{text:<181}\n").as_bytes());
    other.extend_from_slice(&[0; 240]);
    std::fs::write(npy.join("x0.npy"), &other).unwrap();
    assert_eq!(read_npy::<f32>(&npy.join("x0.npy")).unwrap(), [0.0; 60]);
    let mut sink = NpySink::open(&npy, &["x", "x2"]).unwrap();
    let error = executor
        .run_into(&space, decay::<8>, &mut sink)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("not a file an NpySink writes (its data starts at byte 194, not 128)"),
        "{error}"
    );
    std::fs::remove_dir_all(&npy).unwrap();

    // A parameter of another type than the folder's.
    #[derive(DataSpace, Clone, Debug)]
    struct Decay64 {
        rate: f64,
        x0: f32,
    }
    let wide = Decay64Space::new(Decay64Columns {
        rate: vec![1.0; 100],
        x0: vec![1.0; 100],
    })
    .unwrap();
    let kernel64 = |p: Decay64Lanes<'_, 8>| {
        let mut recorder = Recorder::<F32<8>, 2>::new();
        recorder.record([p.x0, p.x0]);
        recorder
    };
    let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
    let error = executor.run_into(&wide, kernel64, &mut sink).unwrap_err();
    let ExecError::Sink(IoError::NpyDtype {
        found, expected, ..
    }) = &error
    else {
        panic!("{error}")
    };
    assert_eq!(
        (found.as_str(), *expected),
        ("<f4", dataspace::io::Dtype::F64)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn windows_of_long_series_hold_a_bounded_number_of_bytes() {
    /// Checks each window: its size and its points in order.
    struct Windows {
        next: usize,
        sizes: Vec<usize>,
    }
    impl Sink<TimeSeries<f32>> for Windows {
        fn resume(&mut self, _: &[String], _: usize) -> Result<usize, IoError> {
            Ok(0)
        }
        fn write(&mut self, inputs: &dyn Table, outputs: &TimeSeries<f32>) -> Result<(), IoError> {
            assert_eq!(inputs.rows(), outputs.points());
            let first = outputs.point(0).map(|[x]| x[0]);
            assert_eq!(first, (outputs.points() > 0).then_some(self.next as f32));
            self.next += outputs.points();
            self.sizes.push(outputs.points());
            Ok(())
        }
    }
    #[derive(DataSpace, Clone, Debug)]
    struct I {
        i: f32,
    }
    let samples = 5000; // 20 kB a point: 419 points in 8 MiB
    let space = ISpace::new(IColumns {
        i: (0..20_000).map(|i| i as f32).collect(),
    })
    .unwrap();
    let kernel = |p: ILanes<'_, 8>| {
        let mut recorder = Recorder::with_capacity(samples);
        for _ in 0..samples {
            recorder.record([p.i]);
        }
        recorder
    };
    let executor = Executor::parallel().threads(4).unwrap().n_pmap(4);
    let mut windows = Windows {
        next: 0,
        sizes: Vec::new(),
    };
    executor.run_into(&space, kernel, &mut windows).unwrap();
    assert_eq!(windows.next, 20_000);
    // A first window of one pack per thread, then whole packs per thread up
    // to 8 MiB: 419 points, rounded down to 13 x 32.
    assert_eq!(windows.sizes[0], 32);
    assert!(
        windows.sizes[1..windows.sizes.len() - 1]
            .iter()
            .all(|&n| n == 416),
        "{:?}",
        windows.sizes
    );
    // Scalar results keep windows of 64 packs per block.
    let scalar = |p: ILanes<'_, 8>| p.i;
    let mut sizes = Vec::new();
    struct Sizes<'a>(&'a mut Vec<usize>);
    impl Sink<Vec<f32>> for Sizes<'_> {
        fn resume(&mut self, _: &[String], _: usize) -> Result<usize, IoError> {
            Ok(0)
        }
        fn write(&mut self, _: &dyn Table, outputs: &Vec<f32>) -> Result<(), IoError> {
            self.0.push(outputs.len());
            Ok(())
        }
    }
    executor
        .run_into(&space, scalar, &mut Sizes(&mut sizes))
        .unwrap();
    assert_eq!(sizes[..3], [32, 2048, 2048]);

    // A huge n_pmap does not widen windows of long series: still whole
    // packs per thread up to 8 MiB, or one pack per thread.
    let mut windows = Windows {
        next: 0,
        sizes: Vec::new(),
    };
    let many_blocks = Executor::parallel().threads(2).unwrap().n_pmap(100_000);
    many_blocks.run_into(&space, kernel, &mut windows).unwrap();
    assert_eq!(windows.sizes[0], 16);
    assert!(
        windows.sizes[1..windows.sizes.len() - 1]
            .iter()
            .all(|&n| n == 416)
    );
    let huge = |p: ILanes<'_, 8>| {
        let mut recorder = Recorder::with_capacity(300_000);
        for _ in 0..300_000 {
            recorder.record([p.i]);
        }
        recorder
    };
    let mut windows = Windows {
        next: 0,
        sizes: Vec::new(),
    };
    let small = ISpace::new(IColumns {
        i: (0..100).map(|i| i as f32).collect(),
    })
    .unwrap();
    many_blocks.run_into(&small, huge, &mut windows).unwrap();
    assert!(
        windows.sizes[..windows.sizes.len() - 1]
            .iter()
            .all(|&n| n == 16),
        "{:?}",
        windows.sizes
    );
}

#[test]
fn samples_that_change_between_windows_are_an_error_at_the_window() {
    let space = space(20_000);
    // Windows of scalar-sized series: 8 threads x 8 lanes first, then 64
    // packs per block; the count changes at point 4160, a window's start.
    let executor = Executor::parallel().threads(8).unwrap().n_pmap(8);
    let first_windows = 8 * 8 + 8 * 8 * 64;
    assert_eq!(first_windows, 4160);
    struct Count(usize);
    impl Sink<TimeSeries<f32>> for Count {
        fn resume(&mut self, _: &[String], _: usize) -> Result<usize, IoError> {
            Ok(0)
        }
        fn write(&mut self, _: &dyn Table, outputs: &TimeSeries<f32>) -> Result<(), IoError> {
            assert_eq!(outputs.samples(), 3);
            self.0 += outputs.points();
            Ok(())
        }
    }
    let mut sink = Count(0);
    let error = executor
        .run_into(&space, uneven::<8>(first_windows), &mut sink)
        .unwrap_err();
    let ExecError::SampleCount {
        point,
        found,
        expected,
    } = error
    else {
        panic!("{error}")
    };
    assert_eq!((point, found, expected), (4160, 4, 3));
    assert_eq!(sink.0, 4160, "the windows before it are written");
    // The same through an NpySink: the same error, the files hold the windows before it.
    let dir = scratch("uneven-windows");
    let mut npy = NpySink::create(&dir, &["x"]).unwrap();
    let error = executor
        .run_into(&space, uneven::<8>(first_windows), &mut npy)
        .unwrap_err();
    assert!(
        matches!(error, ExecError::SampleCount { point: 4160, .. }),
        "{error}"
    );
    assert_eq!(read_npy_2d::<f32>(&dir.join("x.npy")).unwrap().1, (4160, 3));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_new_run_removes_an_old_runs_files_and_a_resume_refuses_another_runs_folder() {
    let space = space(1000);
    let executor = Executor::parallel();
    let dir = scratch("stale");
    stream::<8>(&executor, &space, &dir);
    // A new run that fails on its first pack leaves none of the old files...
    let failing = |p: DecayLanes<'_, 8>| -> Recorder<F32<8>, 2> { panic!("at {}", p.index()) };
    let mut sink = NpySink::create(&dir, &["x", "x2"]).unwrap();
    let error = executor.run_into(&space, failing, &mut sink).unwrap_err();
    assert!(
        matches!(error, ExecError::KernelPanicked { point: 0, .. }),
        "{error}"
    );
    assert!(files(&dir).is_empty());
    // ... so resuming it runs every point.
    let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
    assert_eq!(
        Sink::<TimeSeries<f32, 2>>::resume(&mut sink, &space.header(), 1000).unwrap(),
        0
    );
    executor.run_into(&space, decay::<8>, &mut sink).unwrap();
    let whole = files(&dir);
    // Other result names: x2.npy holds rows but `y` has none: refused, nothing changed.
    let mut sink = NpySink::open(&dir, &["x", "y"]).unwrap();
    let error = executor
        .run_into(&space.slice(0..3).unwrap(), decay::<8>, &mut sink)
        .unwrap_err();
    assert!(error.to_string().contains("is not this run's"), "{error}");
    assert!(files(&dir) == whole);
    // Other parameters (a, b instead of rate, x0): refused too.
    #[derive(DataSpace, Clone, Debug)]
    struct Other {
        a: f32,
        b: f32,
    }
    let other = OtherSpace::new(OtherColumns {
        a: vec![1.0; 10],
        b: vec![2.0; 10],
    })
    .unwrap();
    let kernel = |p: OtherLanes<'_, 8>| {
        let mut recorder = Recorder::<F32<8>, 2>::new();
        recorder.record([p.a, p.b]);
        recorder
    };
    let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
    assert!(executor.run_into(&other, kernel, &mut sink).is_err());
    assert!(files(&dir) == whole);
    // A parameter of another type: refused before anything is cut.
    cut(&dir.join("x.npy"), 128 + 600 * SAMPLES as u64 * 4);
    let cut_state = files(&dir);
    #[derive(DataSpace, Clone, Debug)]
    struct Decay64 {
        rate: f64,
        x0: f32,
    }
    let wide = Decay64Space::new(Decay64Columns {
        rate: vec![1.0; 1000],
        x0: vec![1.0; 1000],
    })
    .unwrap();
    let kernel64 = |p: Decay64Lanes<'_, 8>| {
        let mut recorder = Recorder::<F32<8>, 2>::new();
        for _ in 0..SAMPLES {
            recorder.record([p.x0, p.x0]);
        }
        recorder
    };
    let mut sink = NpySink::open(&dir, &["x", "x2"]).unwrap();
    let error = executor.run_into(&wide, kernel64, &mut sink).unwrap_err();
    assert!(
        matches!(error, ExecError::Sink(IoError::NpyDtype { .. })),
        "{error}"
    );
    assert!(files(&dir) == cut_state, "a refused resume cut files");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn numpy_loads_the_series() {
    let Some(python) = super::io::numpy_python() else {
        return;
    };
    let space = space(1001);
    let dir = scratch("numpy");
    let executor = Executor::parallel();
    stream::<16>(&executor, &space, &dir);
    let memory = executor.run(&space, decay::<16>).unwrap();
    let script = "import numpy as np, sys, os\n\
        d = sys.argv[1]\n\
        x = np.load(os.path.join(d, 'x.npy'))\n\
        x2 = np.load(os.path.join(d, 'x2.npy'), mmap_mode='r')\n\
        rate = np.load(os.path.join(d, 'rate.npy'))\n\
        assert x.dtype == np.float32 and x.shape == x2.shape\n\
        assert np.array_equal(x * x, x2, equal_nan=True)\n\
        assert np.isnan(x[3]).all() and np.isnan(rate[3])\n\
        print(x.shape[0], x.shape[1], repr(float(x[10, 4])))";
    let expected = format!(
        "1001 {SAMPLES} {:?}",
        f64::from(memory.point(10).unwrap()[0][4])
    );
    assert_eq!(super::io::run_python(&python, script, &[&dir]), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_kernel_that_records_nothing_gives_points_without_samples() {
    let space = space(50);
    let nothing = |_: DecayLanes<'_, 8>| Recorder::<F32<8>>::new();
    let series = Executor::parallel().run(&space, nothing).unwrap();
    assert_eq!(series.shape(), (50, 0));
    assert_eq!(series.point(49), Some([&[][..]]));
    let dir = scratch("nothing");
    let executor = Executor::parallel();
    executor
        .run_into(&space, nothing, &mut NpySink::create(&dir, &["x"]).unwrap())
        .unwrap();
    assert_eq!(
        read_npy_2d::<f32>(&dir.join("x.npy")).unwrap(),
        (vec![], (50, 0))
    );
    // Resumed: every row is there already (a row of no bytes is complete).
    let mut sink = NpySink::open(&dir, &["x"]).unwrap();
    assert_eq!(
        Sink::<TimeSeries<f32>>::resume(&mut sink, &space.header(), 50).unwrap(),
        50
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn time_series_from_variables_checks_their_lengths() {
    let error =
        TimeSeries::<f32, 2>::from_variables(2, 3, [vec![0.0; 6], vec![0.0; 5]]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "variable 1 holds 5 values, not 2 points x 3 samples"
    );
    let error = TimeSeries::<f32>::from_variables(usize::MAX, 2, [vec![]]).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "variable 0 holds 0 values, not {} points x 2 samples (more values than memory can index)",
            usize::MAX
        )
    );
    assert!(TimeSeries::<f32>::from_variables(2, 0, [vec![1.0]]).is_err());
    assert_eq!(
        TimeSeries::<f32>::from_variables(0, 7, [vec![]])
            .unwrap()
            .shape(),
        (0, 7)
    );
}

#[test]
fn read_npy_2d_refuses_bytes_past_the_values_and_impossible_shapes() {
    let dir = scratch("npy-readers");
    stream::<8>(&Executor::parallel(), &space(10), &dir);
    // Rows appended past the rows the header counts (a run killed before
    // the header was rewritten): an error here (numpy would ignore them);
    // NpySink::open cuts them.
    let path = dir.join("x.npy");
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(&[0x7f; 13]);
    std::fs::write(&path, &bytes).unwrap();
    let error = read_npy_2d::<f32>(&path).unwrap_err();
    assert!(
        error.to_string().contains("bytes of data follow"),
        "{error}"
    );
    // A dimension past i64 (numpy's sizes are signed).
    let mut header = b"\x93NUMPY\x01\x00".to_vec();
    let text = "{'descr': '<f4', 'fortran_order': False, 'shape': (18446744073709551615, 0), }";
    header.extend_from_slice(&118u16.to_le_bytes());
    header.extend_from_slice(format!("{text:<117}\n").as_bytes());
    std::fs::write(&path, &header).unwrap();
    let error = read_npy_2d::<f32>(&path).unwrap_err();
    assert!(
        error.to_string().contains("past numpy's largest"),
        "{error}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
