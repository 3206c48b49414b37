//! Panics or aborts in library code on user input: each of these panicked,
//! aborted or overflowed before its fix. Now each is a result or a typed error.

use crate::common::*;
use dataspace::io::{IoError, read_npy};
use dataspace::prelude::*;
use dataspace::shard::{ShardError, merge_shards, shard_range, write_shard};
use dataspace::{Axis, CsvSink, DesignError, ExecError, Sampler};
use std::io::Write;

#[test]
fn a_shard_count_of_usize_max_in_a_file_name_is_a_missing_shard() {
    let dir = temp("max-count");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("run.shard-0-of-18446744073709551615.npy");
    dataspace::io::write_npy(&dir, &[]).unwrap();
    write_shard(&dir.join("tmp"), 0, 1, &[1.0f32]).unwrap();
    std::fs::rename(dir.join("tmp.shard-0-of-1.npy"), &path).unwrap();
    let error = merge_shards::<f32>(&[path], 1, 64).unwrap_err();
    assert!(matches!(error, ShardError::Missing { index: 1 }), "{error}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn merging_into_a_huge_length_checks_before_allocating() {
    let stem = temp("huge-len");
    let path = write_shard(&stem, 0, 1, &[1.0f32]).unwrap();
    let error = merge_shards::<f32>(std::slice::from_ref(&path), usize::MAX, 64).unwrap_err();
    assert!(
        matches!(
            error,
            ShardError::Length {
                index: 0,
                found: 1,
                expected: usize::MAX
            }
        ),
        "{error}"
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn shard_indices_past_the_count_are_empty_without_overflow() {
    let space = ones(1000);
    for (index, count) in [
        (usize::MAX, 2),
        (usize::MAX / 2, 1),
        (usize::MAX, usize::MAX),
        (3, 3),
    ] {
        let shard = space.shard(index, count).unwrap();
        assert_eq!(shard.len(), 0, "shard {index} of {count}");
    }
    // The last of usize::MAX shards is a real (empty) range too.
    assert_eq!(
        shard_range(1000, 64, usize::MAX - 1, usize::MAX).unwrap(),
        1000..1000
    );
    assert_eq!(shard_range(usize::MAX, 64, 1, 2).unwrap().end, usize::MAX);
    let first = space.shard(0, usize::MAX).unwrap();
    assert_eq!(first.len(), 64);
    assert_eq!(first.get(63), space.get(63));
}

#[test]
fn packs_of_an_empty_design_are_fill_only() {
    // An empty axis first, last and in the middle: strides must not be 0.
    for empty in 0..3 {
        let mut axes = GridAxes {
            a: Axis::linspace(0.0, 1.0, 3),
            b: Axis::linspace(0.0, 1.0, 5),
            c: Axis::linspace(0.0, 1.0, 7),
        };
        match empty {
            0 => axes.a = Axis::values(vec![]),
            1 => axes.b = Axis::values(vec![]),
            _ => axes.c = Axis::values(vec![]),
        }
        let design = GridDesign::product(axes).unwrap();
        assert_eq!(design.len(), 0);
        let lanes = PackedSpace::<8>::load(&design, 0, f64::NAN);
        assert_eq!(lanes.valid(), 0);
        assert!(lanes.a.to_array().iter().all(|x| x.is_nan()));
        let sliced = design.slice(0..0).unwrap();
        assert_eq!(PackedSpace::<8>::load(&sliced, 0, 0.0).valid(), 0);
        let out: Vec<f32> = Executor::parallel()
            .run(&design, |l: GridLanes<8>| l.a)
            .unwrap();
        assert!(out.is_empty());
        assert_eq!(design.to_space().unwrap().len(), 0);
    }
}

#[test]
fn a_huge_n_pmap_is_clamped_to_the_packs_of_the_run() {
    let space = ones(10);
    let expected: Vec<f32> = (0..10).map(|i| 2.0 * i as f32).collect();
    for n_pmap in [1usize << 58, 1_000_000_000, usize::MAX] {
        for executor in [
            Executor::parallel().n_pmap(n_pmap),
            Executor::sequential().n_pmap(n_pmap),
        ] {
            assert_eq!(executor.run(&space, double::<8>).unwrap(), expected);
            assert_eq!(executor.map(&space, |p: One| 2.0 * p.x).unwrap(), expected);
            let file = temp("huge-n-pmap.csv");
            let mut sink = CsvSink::create(&file, "y").unwrap();
            executor.run_into(&space, double::<64>, &mut sink).unwrap();
            let text = std::fs::read_to_string(&file).unwrap();
            assert_eq!(text.lines().count(), 11);
            assert_eq!(text.lines().nth(10), Some("9.0,18.0"));
            std::fs::remove_file(file).unwrap();
        }
    }
    // The layout a user asks for is still reported as asked.
    let layout = space
        .collect_with::<8>(CollectOptions {
            n_pmap: 1_000_000_000,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(layout.shape(), (1_000_000_000, 1, 8));
}

#[test]
fn a_panicking_progress_callback_is_an_error() {
    let space = ones(1000);
    for executor in [
        Executor::parallel().n_pmap(8),
        Executor::sequential().n_pmap(8),
    ] {
        let executor = executor.on_progress(|done, _| assert!(done < 500, "progress gave up"));
        let error = executor.run(&space, double::<8>).unwrap_err();
        assert!(
            matches!(&error, ExecError::ProgressPanicked { message } if message == "progress gave up"),
            "{error:?}"
        );
        let error = executor.map(&space, |p: One| p.x).unwrap_err();
        assert!(
            matches!(error, ExecError::ProgressPanicked { .. }),
            "{error:?}"
        );
        // The executor still works once the callback does.
        let fine = Executor::parallel().on_progress(|_, _| ());
        assert_eq!(fine.run(&space, double::<8>).unwrap().len(), 1000);
    }
}

#[test]
fn a_design_too_large_to_store_is_an_error_not_an_abort() {
    let axis = || Axis::linspace(0.0, 1.0, 1 << 21);
    let design = GridDesign::product(GridAxes {
        a: axis(),
        b: axis(),
        c: axis(),
    })
    .unwrap();
    assert_eq!(design.len(), 1 << 63);
    let error = design.to_space().err().unwrap();
    assert!(matches!(error, DesignError::TooLarge { points } if points == 1 << 63));
}

/// A `.npy` file with the given header dict and data bytes.
pub fn npy_with(header: &str, data: &[u8]) -> Vec<u8> {
    let mut text = header.to_owned();
    while !(10 + text.len() + 1).is_multiple_of(64) {
        text.push(' ');
    }
    text.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(text.len() as u16).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    bytes.extend_from_slice(data);
    bytes
}

#[test]
fn npy_headers_with_overflowing_or_lying_shapes_are_errors() {
    let path = temp("hostile.npy");
    for shape in [
        "(4294967296, 4294967296)",
        "(18446744073709551615,)",
        "(99999999999999999999999,)",
        "(4611686018427387904,)",
        "(-4,)",
        "(5,)",
    ] {
        let header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}");
        std::fs::write(&path, npy_with(&header, &[0u8; 16])).unwrap();
        let error = read_npy::<f32>(&path).unwrap_err();
        assert!(matches!(error, IoError::Npy { .. }), "{shape}: {error:?}");
        assert!(
            error.to_string().contains(path.to_str().unwrap()),
            "{error}"
        );
    }
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_fifo_or_a_device_is_not_a_csv_sink() {
    let fifo = temp("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let error = CsvSink::open(&fifo, "y").unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
        std::fs::remove_file(&fifo).unwrap();
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "mkfifo is missing under CI"
        );
    }
    let error = CsvSink::open("/dev/null", "y").unwrap_err();
    assert!(error.to_string().contains("/dev/null"), "{error}");
}

#[test]
fn a_cell_past_a_short_header_is_an_error() {
    // More cells in a record than the header: an error, not an index panic.
    let mut text = Vec::new();
    writeln!(text, "x").unwrap();
    writeln!(text, "1.0,2.0").unwrap();
    let error = OneSpace::read_csv(&text[..], OneFixed {}).err().unwrap();
    assert!(
        matches!(
            error,
            IoError::RowLength {
                line: 2,
                found: 2,
                expected: 1
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_huge_n_pmap_keeps_streaming_windows_bounded() {
    // Windows are n_pmap x 64 packs, n_pmap counted up to 1024: with V = 8 a
    // window is at most 524,288 points, after a first window of one pack
    // per thread (8 points a thread), so 10^6 points take three windows.
    struct Counting(Vec<usize>);
    impl dataspace::Sink<Vec<f32>> for Counting {
        fn resume(&mut self, _: &[String], _: usize) -> Result<usize, IoError> {
            Ok(0)
        }
        fn write(&mut self, _: &dyn dataspace::io::Table, out: &Vec<f32>) -> Result<(), IoError> {
            self.0.push(out.len());
            Ok(())
        }
    }
    let design = OneDesign::zip(OneAxes {
        x: Axis::linspace(0.0, 1.0, 1_000_000),
    })
    .unwrap();
    let mut sink = Counting(Vec::new());
    Executor::parallel()
        .n_pmap(1 << 20)
        .run_into(&design, |l: OneLanes<8>| l.x, &mut sink)
        .unwrap();
    let first = 8 * dataspace::rayon::current_num_threads();
    assert_eq!(sink.0, [first, 524_288, 1_000_000 - 524_288 - first]);
}

#[test]
fn map_over_a_design_of_nearly_usize_max_points_fails_as_the_kernel_fails() {
    let design = OneDesign::random(
        usize::MAX,
        Sampler::Uniform,
        0,
        OneAxes {
            x: Axis::value(1.0),
        },
    )
    .unwrap();
    let error = Executor::sequential()
        .n_pmap(2)
        .map(&design, |p: One| {
            assert!(p.x > 2.0, "the kernel's own panic");
            p.x
        })
        .unwrap_err();
    assert!(
        matches!(&error, ExecError::KernelPanicked { point: 0, message } if message == "the kernel's own panic"),
        "{error:?}"
    );
}
