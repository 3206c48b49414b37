//! Streaming runs: results in point order to a file, window by window, a
//! resumed run giving the same bytes as an uninterrupted one, and progress.

use dataspace::io::{Column, write_csv};
use dataspace::prelude::*;
use dataspace::{Axis, CsvSink, ExecError};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Grid {
    a: f32,
    b: f32,
    #[space(fixed)]
    scale: f32,
}

fn design() -> GridDesign {
    GridDesign::product(GridAxes {
        a: Axis::linspace(-1.0, 1.0, 37),
        b: Axis::logspace(-1.0, 1.0, 29),
        scale: 2.0,
    })
    .unwrap() // 1073 points: several windows of 256 with n_pmap(1), V = 4
}

fn kernel<const V: usize>(l: GridLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    (l.a * F32::<V>::splat(*l.scale)).mul_add(l.b, l.b.sqrt())
}

fn path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "dataspace-stream-{}-{name}.csv",
        std::process::id()
    ))
}

fn executor() -> Executor {
    Executor::parallel().n_pmap(1)
}

/// The whole file, as a plain run plus write_csv would make it.
fn expected(design: &GridDesign) -> Vec<u8> {
    let out = executor().run::<4, _, _, _>(design, kernel::<4>).unwrap();
    let mut bytes = Vec::new();
    write_csv(&mut bytes, &[design, &Column::new("y", &out)]).unwrap();
    bytes
}

#[test]
fn a_streamed_run_writes_the_same_file_as_a_run_then_a_write() {
    let design = design();
    let file = path("whole");
    let mut sink = CsvSink::create(&file, "y").unwrap();
    executor()
        .run_into::<4, _, _, _, _>(&design, kernel::<4>, &mut sink)
        .unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), expected(&design));
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn a_resumed_run_equals_an_uninterrupted_one_byte_for_byte() {
    let design = design();
    let whole = expected(&design);
    let header_end = whole.iter().position(|&b| b == b'\n').unwrap() + 1;
    // Cut the file anywhere: inside the header, at a line end, mid-line, near the end.
    for cut in [
        0,
        5,
        header_end,
        header_end + 7,
        whole.len() / 3,
        whole.len() / 2 + 1,
        whole.len() - 2,
        whole.len(),
    ] {
        let file = path(&format!("cut{cut}"));
        std::fs::write(&file, &whole[..cut]).unwrap();
        let mut sink = CsvSink::open(&file, "y").unwrap();
        let lines_kept = whole[..cut].iter().filter(|&&b| b == b'\n').count();
        assert_eq!(sink.written(), lines_kept.saturating_sub(1));
        executor()
            .run_into::<4, _, _, _, _>(&design, kernel::<4>, &mut sink)
            .unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), whole, "cut at byte {cut}");
        std::fs::remove_file(&file).unwrap();
    }
}

#[test]
fn a_run_stopped_by_a_panic_resumes_to_the_same_file() {
    let design = design();
    let file = path("panic");
    let mut sink = CsvSink::create(&file, "y").unwrap();
    let failing = |l: GridLanes<'_, 4>| {
        let a = l.a.to_array();
        assert!(
            !a.contains(&design.get(700).unwrap().a) || l.b.to_array()[0] > 5.0,
            "stopped"
        );
        kernel::<4>(l)
    };
    let error = executor()
        .run_into::<4, _, _, _, _>(&design, failing, &mut sink)
        .unwrap_err();
    let ExecError::KernelPanicked { point, .. } = error else {
        panic!("{error:?}")
    };
    assert!(
        point <= 700 && point > 256,
        "first failing point {point} is counted from the start of the design"
    );
    let partial = std::fs::read(&file).unwrap();
    assert!(partial.len() < expected(&design).len() && !partial.is_empty());
    let mut sink = CsvSink::open(&file, "y").unwrap();
    executor()
        .run_into::<4, _, _, _, _>(&design, kernel::<4>, &mut sink)
        .unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), expected(&design));
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn progress_reports_reach_the_total_and_count_resumed_points() {
    let design = design();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let executor = Executor::parallel()
        .n_pmap(3)
        .on_progress(move |done, total| log.lock().unwrap().push((done, total)));
    executor.run::<8, _, _, _>(&design, kernel::<8>).unwrap();
    let reports = seen.lock().unwrap().clone();
    assert_eq!(reports.len(), 3, "one report per block");
    assert!(reports.iter().all(|&(_, total)| total == design.len()));
    assert_eq!(reports.iter().map(|r| r.0).max(), Some(design.len()));

    let calls = Arc::new(AtomicUsize::new(0));
    let (counter, first) = (calls.clone(), Arc::new(AtomicUsize::new(usize::MAX)));
    let first_seen = first.clone();
    let file = path("progress");
    let whole = expected(&design);
    std::fs::write(&file, &whole[..whole.len() / 2]).unwrap();
    let mut sink = CsvSink::open(&file, "y").unwrap();
    let resumed_from = sink.written();
    Executor::parallel()
        .n_pmap(1)
        .on_progress(move |done, _| {
            counter.fetch_add(1, Ordering::Relaxed);
            first_seen.fetch_min(done, Ordering::Relaxed);
        })
        .run_into::<4, _, _, _, _>(&design, kernel::<4>, &mut sink)
        .unwrap();
    assert!(calls.load(Ordering::Relaxed) >= 2);
    assert!(
        first.load(Ordering::Relaxed) > resumed_from,
        "counts start after the resumed points"
    );
    std::fs::remove_file(&file).unwrap();
}

/// A kernel's output struct: no fixed fields, so its lanes are an output.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Out {
    y: f32,
    both: [f32; 2],
}

#[test]
fn a_derived_output_struct_streams_under_its_own_column_names() {
    let design = design();
    let derived = |l: GridLanes<'_, 4>| OutLanes::new(kernel::<4>(l), [l.a, l.b]);
    let outputs: OutSpace = executor().run::<4, _, _, _>(&design, derived).unwrap();
    let mut expected = Vec::new();
    write_csv(&mut expected, &[&design, &outputs]).unwrap();
    assert!(expected.starts_with(b"a,b,y,both[0],both[1]\n"));
    let file = path("derived");
    std::fs::write(&file, &expected[..expected.len() / 3]).unwrap();
    let mut sink = CsvSink::open(&file, "unused").unwrap();
    executor()
        .run_into::<4, _, _, _, _>(&design, derived, &mut sink)
        .unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), expected);
    std::fs::remove_file(&file).unwrap();
}
