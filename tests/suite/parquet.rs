//! Parquet (feature `parquet`): every scalar round trip bit for bit, empty
//! and one-row tables, the read errors, the streaming dataset sink resumed
//! after a stop (byte for byte) and refusing another run's parts, the
//! metadata, and pandas and pyarrow reading what we write.

use super::io::run_python;
use dataspace::io::{
    Column, IoError, TARGET_FEATURES_KEY, VERSION_KEY, read_parquet, read_parquet_column,
    read_parquet_metadata, write_parquet, write_parquet_with,
};
use dataspace::prelude::*;
use dataspace::{Axis, ExecError, ParquetSink};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Every {
    a: f32,
    b: f64,
    c: i32,
    d: u32,
    e: i64,
    r: [f32; 2],
    #[space(fixed)]
    dt: f32,
}

/// Every scalar at its awkward values: NaN payloads and signs, infinities,
/// signed zeros, subnormals, integer extremes.
fn every() -> EverySpace {
    let a = vec![
        f32::from_bits(0x7fc0_1234),
        f32::from_bits(0xffa0_0001),
        f32::INFINITY,
        f32::NEG_INFINITY,
        -0.0,
        1e-45,
        f32::MAX,
    ];
    let b = vec![
        f64::from_bits(0x7ff8_dead_beef_0001),
        f64::from_bits(0xfff0_0000_0000_0002),
        f64::NEG_INFINITY,
        -0.0,
        5e-324,
        f64::MIN,
        0.1 + 0.2,
    ];
    EverySpace::new(EveryColumns {
        a,
        b,
        c: vec![i32::MIN, -1, 0, 1, i32::MAX, 7, -7],
        d: vec![0, 1, u32::MAX, 1 << 31, 7, u32::MAX - 1, 2],
        e: vec![
            i64::MIN,
            -1,
            0,
            i64::MAX,
            1 << 53,
            (1 << 53) + 1,
            -(1 << 62),
        ],
        r: (0..7)
            .map(|i| [i as f32 * 0.5, f32::from_bits(0x7f80_0001 + i)])
            .collect(),
        dt: 0.01,
    })
    .unwrap()
}

fn path(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("dataspace-pq-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    let _ = std::fs::remove_file(&path);
    path
}

fn bits32(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn bits64(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn assert_same(back: &EverySpace, space: &EverySpace) {
    let (x, y) = (back.columns(), space.columns());
    assert_eq!(bits32(x.a), bits32(y.a));
    assert_eq!(bits64(x.b), bits64(y.b));
    assert_eq!((x.c, x.d, x.e), (y.c, y.d, y.e));
    assert_eq!(bits32(x.r[0]), bits32(y.r[0]));
    assert_eq!(bits32(x.r[1]), bits32(y.r[1]));
    assert_eq!(*x.dt, *y.dt);
}

#[test]
fn every_scalar_round_trips_bit_for_bit() {
    let space = every();
    let file = path("every.parquet");
    write_parquet(&file, &[&space]).unwrap();
    let back: EverySpace = read_parquet(&file, EveryFixed { dt: 0.01 }).unwrap();
    assert_same(&back, &space);
    // Column by column too.
    let a: Vec<f32> = read_parquet_column(&file, "a").unwrap();
    assert_eq!(bits32(&a), bits32(space.columns().a));
    let b: Vec<f64> = read_parquet_column(&file, "b").unwrap();
    assert_eq!(bits64(&b), bits64(space.columns().b));
    assert_eq!(
        read_parquet_column::<u32>(&file, "d").unwrap(),
        space.columns().d
    );
    assert_eq!(
        read_parquet_column::<i64>(&file, "e").unwrap(),
        space.columns().e
    );
    let r1: Vec<f32> = read_parquet_column(&file, "r[1]").unwrap();
    assert_eq!(bits32(&r1), bits32(space.columns().r[1]));
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn empty_and_one_row_tables_round_trip() {
    for n in [0, 1] {
        let full = every();
        let columns = full.columns();
        let space = EverySpace::new(EveryColumns {
            a: columns.a[..n].to_vec(),
            b: columns.b[..n].to_vec(),
            c: columns.c[..n].to_vec(),
            d: columns.d[..n].to_vec(),
            e: columns.e[..n].to_vec(),
            r: (0..n).map(|i| [columns.r[0][i], columns.r[1][i]]).collect(),
            dt: 0.01,
        })
        .unwrap();
        let file = path(&format!("rows-{n}.parquet"));
        write_parquet(&file, &[&space]).unwrap();
        let back: EverySpace = read_parquet(&file, EveryFixed { dt: 0.01 }).unwrap();
        assert_eq!(back.len(), n);
        assert_same(&back, &space);
        assert_eq!(
            read_parquet_column::<i64>(&file, "e").unwrap(),
            &columns.e[..n]
        );
        std::fs::remove_file(&file).unwrap();
    }
}

#[test]
fn metadata_holds_the_version_the_target_features_and_the_entries_given() {
    let file = path("metadata.parquet");
    let y = [1.0f32, 2.0];
    write_parquet_with(
        &file,
        &[&Column::new("y", &y)],
        &[("seed", "42"), ("note", "a=b")],
    )
    .unwrap();
    let metadata: BTreeMap<String, String> =
        read_parquet_metadata(&file).unwrap().into_iter().collect();
    assert_eq!(metadata[VERSION_KEY], env!("CARGO_PKG_VERSION"));
    let features = &metadata[TARGET_FEATURES_KEY];
    assert_eq!(
        features,
        &format!(
            "{}: {}",
            std::env::consts::ARCH,
            dataspace::simd_info().built().join(",")
        )
    );
    assert_eq!(
        (metadata["seed"].as_str(), metadata["note"].as_str()),
        ("42", "a=b")
    );
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn writes_check_names_and_lengths_before_anything_is_written() {
    let file = path("bad.parquet");
    let y = [1.0f32, 2.0];
    let short = [1.0f32];
    let dup = write_parquet(&file, &[&Column::new("y", &y), &Column::new("y", &y)]);
    assert!(matches!(dup, Err(IoError::DuplicateColumn { column }) if column == "y"));
    let rows = write_parquet(&file, &[&Column::new("y", &y), &Column::new("z", &short)]);
    assert!(matches!(
        rows,
        Err(IoError::Rows {
            found: 1,
            expected: 2,
            ..
        })
    ));
    assert!(!file.exists());
    let missing_folder = path("no-such-folder").join("x.parquet");
    let error = write_parquet(&missing_folder, &[&Column::new("y", &y)]).unwrap_err();
    assert!(
        matches!(
            &error,
            IoError::File {
                action: "create",
                path,
                ..
            } if *path == missing_folder
        ),
        "{error}"
    );
    // A failed write leaves the old file.
    write_parquet(&file, &[&Column::new("y", &y)]).unwrap();
    let before = std::fs::read(&file).unwrap();
    assert!(write_parquet(&file, &[&Column::new("", &y)]).is_err());
    assert_eq!(std::fs::read(&file).unwrap(), before);
    std::fs::remove_file(&file).unwrap();
}

#[test]
fn reads_name_the_missing_unknown_and_mistyped_columns() {
    let space = every();
    let file = path("errors.parquet");
    let extra = vec![0.5f32; space.len()];
    write_parquet(&file, &[&space, &Column::new("extra", &extra)]).unwrap();
    let unknown = read_parquet::<EverySpace>(&file, EveryFixed { dt: 0.0 }).unwrap_err();
    assert!(
        matches!(&unknown, IoError::UnknownColumn { column, position: 8 } if column == "extra"),
        "{unknown}"
    );
    let missing = read_parquet_column::<f32>(&file, "nope").unwrap_err();
    assert_eq!(missing.to_string(), "the header has no column `nope`");
    let mistyped = read_parquet_column::<f64>(&file, "a").unwrap_err();
    assert_eq!(
        mistyped.to_string(),
        format!(
            "{}: column `a` holds f32 values, expected f64",
            file.display()
        )
    );
    let unsigned = read_parquet_column::<i32>(&file, "d").unwrap_err();
    assert!(matches!(&unsigned, IoError::ParquetType { found, .. } if found == "u32"));
    let garbage = path("garbage.parquet");
    std::fs::write(&garbage, b"PAR1 not really").unwrap();
    let error = read_parquet_column::<f32>(&garbage, "a").unwrap_err();
    assert!(
        matches!(&error, IoError::Parquet { path, .. } if *path == garbage),
        "{error}"
    );
    std::fs::remove_file(&file).unwrap();
    std::fs::remove_file(&garbage).unwrap();
}

// The streaming sink.

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Grid {
    a: f32,
    b: f32,
    #[space(fixed)]
    scale: f32,
}

/// A dataset's rows: the parameters and the result.
#[derive(DataSpace, Clone, Debug, PartialEq)]
struct WithY {
    a: f32,
    b: f32,
    y: f32,
}

fn design() -> GridDesign {
    GridDesign::product(GridAxes {
        a: Axis::linspace(-1.0, 1.0, 37),
        b: Axis::logspace(-1.0, 1.0, 29),
        scale: 2.0,
    })
    .unwrap() // 1073 points: with n_pmap(1), V = 4, a first window of a pack per thread, then windows of 256
}

fn kernel(l: GridLanes<'_, 4>) -> F32<4> {
    (l.a * F32::<4>::splat(*l.scale)).mul_add(l.b, l.b.sqrt())
}

fn executor() -> Executor {
    Executor::parallel().n_pmap(1)
}

const PART_ROWS: usize = 300;

fn sink(dir: &Path, design: &GridDesign, resume: bool) -> ParquetSink {
    let sink = if resume {
        ParquetSink::open(dir, "y")
    } else {
        ParquetSink::create(dir, "y")
    };
    sink.unwrap()
        .metadata("seed", "42")
        .describe(design)
        .part_rows(PART_ROWS)
}

/// Every file of the folder: name and bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The dataset of an uninterrupted run.
fn whole(name: &str) -> (PathBuf, BTreeMap<String, Vec<u8>>) {
    let design = design();
    let dir = path(name);
    executor()
        .run_into::<4, _, _, _, _>(&design, kernel, &mut sink(&dir, &design, false))
        .unwrap();
    let files = files(&dir);
    (dir, files)
}

#[test]
fn a_streamed_dataset_holds_the_run_in_point_order_in_parts_of_part_rows() {
    let design = design();
    let (dir, parts) = whole("stream");
    let names: Vec<&str> = parts.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "part-00000000000000000000.parquet",
            "part-00000000000000000300.parquet",
            "part-00000000000000000600.parquet",
            "part-00000000000000000900.parquet",
        ]
    );
    let y: Vec<f32> = read_parquet_column(&dir, "y").unwrap();
    let expected = executor().run::<4, _, _, _>(&design, kernel).unwrap();
    assert_eq!(bits32(&y), bits32(&expected));
    let a: Vec<f32> = read_parquet_column(&dir, "a").unwrap();
    assert_eq!(a, design.iter().map(|p| p.a).collect::<Vec<_>>());
    // Inputs and results read back as a space of both.
    let back: WithYSpace = read_parquet(&dir, WithYFixed {}).unwrap();
    assert_eq!(back.len(), design.len());
    assert_eq!(
        back.get(700).unwrap(),
        WithY {
            a: design.get(700).unwrap().a,
            b: design.get(700).unwrap().b,
            y: expected[700]
        }
    );
    let metadata: BTreeMap<String, String> =
        read_parquet_metadata(&dir).unwrap().into_iter().collect();
    assert_eq!(metadata["seed"], "42");
    assert_eq!(metadata["design"], design.to_string());
    assert_eq!(metadata[VERSION_KEY], env!("CARGO_PKG_VERSION"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_run_stopped_by_a_panic_resumes_to_the_same_bytes() {
    let design = design();
    let (reference, expected) = whole("stop-reference");
    for stop in [100, 299, 300, 700, 1072] {
        let dir = path(&format!("stop-{stop}"));
        let failing = |l: GridLanes<'_, 4>| {
            assert!(l.index() + 4 <= stop, "stopped");
            kernel(l)
        };
        let error = executor()
            .run_into::<4, _, _, _, _>(&design, failing, &mut sink(&dir, &design, false))
            .unwrap_err();
        assert!(
            matches!(error, ExecError::KernelPanicked { .. }),
            "{error:?}"
        );
        let held: usize = read_parquet_column::<f32>(&dir, "y").map_or(0, |y| y.len());
        // The first pack that fails starts at `failed`; windows end after a
        // pack per thread, then every 256 points: those ending at or before
        // it are kept.
        let failed = (stop - 4) / 4 * 4 + 4;
        let first = 4 * dataspace::rayon::current_num_threads();
        let kept = match failed.checked_sub(first) {
            Some(after) => first + after / 256 * 256,
            None => 0,
        };
        assert_eq!(held, kept, "windows before the stop are kept");
        let mut resumed = sink(&dir, &design, true);
        executor()
            .run_into::<4, _, _, _, _>(&design, kernel, &mut resumed)
            .unwrap();
        assert_eq!(resumed.written(), design.len());
        assert_eq!(files(&dir), expected, "stopped at {stop}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::remove_dir_all(&reference).unwrap();
}

#[test]
fn a_resume_recomputes_a_deleted_last_part_and_removes_a_temporary() {
    let design = design();
    let (dir, expected) = whole("leftovers");
    std::fs::remove_file(dir.join("part-00000000000000000900.parquet")).unwrap();
    let temporary = dir.join(".part-00000000000000000900.parquet.1234-0.tmp");
    std::fs::write(&temporary, b"PAR1 cut").unwrap();
    let mut resumed = sink(&dir, &design, true);
    executor()
        .run_into::<4, _, _, _, _>(&design, kernel, &mut resumed)
        .unwrap();
    assert_eq!(files(&dir), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Writes points `points` of the design with their results as a part file
/// named after its first point, as the sink would (same metadata).
fn window_part(dir: &Path, design: &GridDesign, points: std::ops::Range<usize>) {
    let slice = design.slice(points.clone()).unwrap();
    let y = executor().run::<4, _, _, _>(&slice, kernel).unwrap();
    let name = format!("part-{:020}.parquet", points.start);
    let described = design.to_string();
    write_parquet_with(
        &dir.join(name),
        &[&slice, &Column::new("y", &y)],
        &[("seed", "42"), ("design", &described)],
    )
    .unwrap();
}

#[test]
fn a_resume_removes_the_window_parts_a_merge_left_behind() {
    let design = design();
    let (dir, expected) = whole("merge-cut");
    // A merge renames the merged part over its first window part, then
    // removes the others: killed in between, window parts repeat points.
    window_part(&dir, &design, 256..300);
    window_part(&dir, &design, 1024..1073);
    // Window parts of a part never merged (600..900 as windows).
    window_part(&dir, &design, 600..856);
    window_part(&dir, &design, 856..900);
    assert_eq!(files(&dir).len(), 7);
    assert_ne!(files(&dir), expected);
    let mut resumed = sink(&dir, &design, true);
    executor()
        .run_into::<4, _, _, _, _>(&design, kernel, &mut resumed)
        .unwrap();
    assert_eq!(resumed.written(), design.len());
    assert_eq!(files(&dir), expected);
    // A part that overlaps the end of another without repeating it is no
    // leftover: an error, and nothing removed.
    window_part(&dir, &design, 250..350);
    let before = files(&dir);
    let error = executor()
        .run_into::<4, _, _, _, _>(&design, kernel, &mut sink(&dir, &design, true))
        .unwrap_err();
    assert!(
        matches!(&error, ExecError::Sink(IoError::Parquet { path, message }) if path.ends_with("part-00000000000000000250.parquet") && message.contains("overlap")),
        "{error:?}"
    );
    assert_eq!(files(&dir), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unmerged_last_part_is_merged_on_resume() {
    let design = design();
    let (dir, expected) = whole("unmerged");
    // Killed after its last window part, before the merge of 900..1073.
    std::fs::remove_file(dir.join("part-00000000000000000900.parquet")).unwrap();
    window_part(&dir, &design, 900..1024);
    window_part(&dir, &design, 1024..1073);
    let mut resumed = sink(&dir, &design, true);
    executor()
        .run_into::<4, _, _, _, _>(&design, kernel, &mut resumed)
        .unwrap();
    assert_eq!(files(&dir), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_resume_refuses_another_runs_parts_and_changes_nothing() {
    let design = design();
    let (dir, expected) = whole("refuse");
    let resume = |sink: &mut ParquetSink| {
        executor()
            .run_into::<4, _, _, _, _>(&design, kernel, sink)
            .unwrap_err()
    };
    let sink_error = |error: ExecError| match error {
        ExecError::Sink(error) => error,
        other => panic!("{other:?}"),
    };
    // Another output column: another schema.
    let mut other = ParquetSink::open(&dir, "z")
        .unwrap()
        .metadata("seed", "42")
        .describe(&design)
        .part_rows(PART_ROWS);
    let error = sink_error(resume(&mut other));
    assert!(matches!(&error, IoError::Schema { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("its columns are `a: f32, b: f32, y: f32`"),
        "{error}"
    );
    // Another seed.
    let mut seed = ParquetSink::open(&dir, "y")
        .unwrap()
        .metadata("seed", "43")
        .describe(&design)
        .part_rows(PART_ROWS);
    let error = sink_error(resume(&mut seed));
    assert!(
        matches!(&error, IoError::Metadata { key, found: Some(f), expected: Some(e), .. } if key == "seed" && f == "42" && e == "43"),
        "{error}"
    );
    assert!(
        error.to_string().ends_with(
            "was not written by this run: its metadata `seed` is `42`, this run's is `43`"
        ),
        "{error}"
    );
    // A damaged part (cut short, as a copy that failed would leave it).
    let part = dir.join("part-00000000000000000300.parquet");
    let bytes = &expected["part-00000000000000000300.parquet"];
    std::fs::write(&part, &bytes[..bytes.len() / 2]).unwrap();
    let damaged = files(&dir);
    let error = sink_error(resume(&mut sink(&dir, &design, true)));
    assert!(
        matches!(&error, IoError::Parquet { path, .. } if *path == part),
        "{error}"
    );
    assert_eq!(files(&dir), damaged, "nothing changed");
    // A gap: a part missing before the last.
    std::fs::remove_file(&part).unwrap();
    let error = sink_error(resume(&mut sink(&dir, &design, true)));
    assert!(
        matches!(&error, IoError::Parquet { path, message } if path.ends_with("part-00000000000000000600.parquet") && message.contains("gap")),
        "{error}"
    );
    std::fs::write(&part, bytes).unwrap();
    // A smaller run: more points than it has.
    let small = GridDesign::product(GridAxes {
        a: Axis::linspace(-1.0, 1.0, 2),
        b: Axis::logspace(-1.0, 1.0, 29),
        scale: 2.0,
    })
    .unwrap();
    let mut too_many = sink(&dir, &design, true);
    let error = executor()
        .run_into::<4, _, _, _, _>(&small, kernel, &mut too_many)
        .unwrap_err();
    let error = sink_error(error);
    assert!(
        matches!(
            &error,
            IoError::TooManyRows {
                found: 1073,
                expected: 58,
                ..
            }
        ),
        "{error}"
    );
    // A file readers would take for a part.
    std::fs::write(dir.join("notes.parquet"), b"x").unwrap();
    let error = sink_error(resume(&mut sink(&dir, &design, true)));
    assert!(
        matches!(&error, IoError::Parquet { path, .. } if path.ends_with("notes.parquet")),
        "{error}"
    );
    std::fs::remove_file(dir.join("notes.parquet")).unwrap();
    assert_eq!(files(&dir), expected, "nothing changed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_empty_run_leaves_one_part_of_its_columns() {
    let design = GridDesign::product(GridAxes {
        a: Axis::values(vec![]),
        b: Axis::values(vec![1.0]),
        scale: 2.0,
    })
    .unwrap();
    assert_eq!(design.len(), 0);
    let dir = path("empty");
    for resume in [false, true] {
        let mut sink = sink(&dir, &design, resume);
        executor()
            .run_into::<4, _, _, _, _>(&design, kernel, &mut sink)
            .unwrap();
        assert_eq!(sink.written(), 0);
        let names: Vec<String> = files(&dir).into_keys().collect();
        assert_eq!(names, ["part-00000000000000000000.parquet"]);
        assert!(read_parquet_column::<f32>(&dir, "y").unwrap().is_empty());
        let back: WithYSpace = read_parquet(&dir.join(&names[0]), WithYFixed {}).unwrap();
        assert_eq!(back.len(), 0);
    }
    // A run with points into the folder of a run without: its first part
    // replaces the empty one.
    let one = GridDesign::product(GridAxes {
        a: Axis::values(vec![0.5]),
        b: Axis::values(vec![1.0]),
        scale: 2.0,
    })
    .unwrap();
    let mut unseeded = ParquetSink::open(&dir, "y").unwrap().part_rows(PART_ROWS);
    let error = executor()
        .run_into::<4, _, _, _, _>(&one, kernel, &mut unseeded)
        .unwrap_err();
    assert!(
        matches!(&error, ExecError::Sink(IoError::Metadata { key, .. }) if key == "seed"),
        "{error:?}"
    );
    // (Described as the empty design, so that the metadata matches.)
    let mut seeded = sink(&dir, &design, true);
    executor()
        .run_into::<4, _, _, _, _>(&one, kernel, &mut seeded)
        .unwrap();
    let names: Vec<String> = files(&dir).into_keys().collect();
    assert_eq!(names, ["part-00000000000000000000.parquet"]);
    assert_eq!(read_parquet_column::<f32>(&dir, "a").unwrap(), [0.5]);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A python with pandas and pyarrow, as the io tests find one.
fn pyarrow_python() -> Option<String> {
    super::io::python_with("pandas, pyarrow", "pandas and pyarrow")
}

/// pandas and pyarrow read every scalar as its own type, bit for bit, and
/// the metadata.
#[test]
fn pandas_and_pyarrow_read_the_file_bit_for_bit() {
    let Some(python) = pyarrow_python() else {
        return;
    };
    let space = every();
    let file = path("python.parquet");
    write_parquet_with(&file, &[&space], &[("seed", "42")]).unwrap();
    let script = r#"
import sys, pandas as pd, pyarrow.parquet as pq, numpy as np
path = sys.argv[1]
df = pd.read_parquet(path)
t = pq.read_table(path)
assert [str(d) for d in df.dtypes] == ['float32', 'float64', 'int32', 'uint32', 'int64', 'float32', 'float32'], df.dtypes
assert [str(f.type) for f in t.schema] == ['float', 'double', 'int32', 'uint32', 'int64', 'float', 'float'], t.schema
assert list(df.columns) == ['a', 'b', 'c', 'd', 'e', 'r[0]', 'r[1]']
md = pq.read_schema(path).metadata
print(md[b'seed'].decode(), md[b'dataspace.version'].decode())
for col in df.columns:
    v = df[col].to_numpy()
    w = t.column(col).to_numpy()
    bits = v.view(np.uint64 if v.dtype.itemsize == 8 else np.uint32) if v.dtype.kind == 'f' else v
    print(col, ' '.join(str(int(x)) for x in bits))
    assert (v.view(np.uint8) == w.view(np.uint8)).all()
"#;
    let out = run_python(&python, script, &[&file]);
    let c = space.columns();
    let join = |v: Vec<String>| v.join(" ");
    let expected = [
        format!("42 {}", env!("CARGO_PKG_VERSION")),
        format!(
            "a {}",
            join(c.a.iter().map(|x| x.to_bits().to_string()).collect())
        ),
        format!(
            "b {}",
            join(c.b.iter().map(|x| x.to_bits().to_string()).collect())
        ),
        format!("c {}", join(c.c.iter().map(ToString::to_string).collect())),
        format!("d {}", join(c.d.iter().map(ToString::to_string).collect())),
        format!("e {}", join(c.e.iter().map(ToString::to_string).collect())),
        format!(
            "r[0] {}",
            join(c.r[0].iter().map(|x| x.to_bits().to_string()).collect())
        ),
        format!(
            "r[1] {}",
            join(c.r[1].iter().map(|x| x.to_bits().to_string()).collect())
        ),
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
    std::fs::remove_file(&file).unwrap();
}

/// pandas and pyarrow read a dataset folder as one table in point order
/// (many parts, names sorting as numbers), skipping a temporary.
#[test]
fn pandas_and_pyarrow_read_the_dataset_in_point_order() {
    let Some(python) = pyarrow_python() else {
        return;
    };
    let design = design();
    let dir = path("python-dataset");
    let mut parts = ParquetSink::create(&dir, "y").unwrap().part_rows(50);
    executor()
        .run_into::<4, _, _, _, _>(&design, kernel, &mut parts)
        .unwrap();
    std::fs::write(
        dir.join(".part-00000000000000000050.parquet.1-0.tmp"),
        b"PAR1",
    )
    .unwrap();
    assert_eq!(files(&dir).len(), 23);
    let script = r#"
import sys, pandas as pd, pyarrow.parquet as pq
path = sys.argv[1]
df = pd.read_parquet(path)
t = pq.read_table(path).to_pandas()
assert df.equals(t)
assert str(df['y'].dtype) == 'float32'
try:  # polars too, where it is installed (not in CI): a glob, read in name order
    import polars as pl
    p = pl.read_parquet(path + '/*.parquet')
    assert p['a'].to_list() == df['a'].tolist() and p['y'].to_list() == df['y'].tolist()
    assert str(p['y'].dtype) == 'Float32', p.dtypes
except ImportError:
    pass
print(len(df), ' '.join(repr(float(x)) for x in df['a']))
"#;
    let out = run_python(&python, script, &[&dir]);
    let expected = format!(
        "1073 {}",
        design
            .iter()
            .map(|p| format!("{:?}", f64::from(p.a)))
            .collect::<Vec<_>>()
            .join(" ")
    );
    assert_eq!(out, expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

// Killed with SIGKILL: the parent spawns this test binary again, running only
// `kill_child`, kills it at seeded moments, checks that every part file
// left is whole, and lets the last child finish: the folder must then equal
// an uninterrupted run's, byte for byte.

/// Carries the dataset folder to [`kill_child`].
const KILL_CHILD_ENV: &str = "DATASPACE_PARQUET_KILL_CHILD";

/// 2^20 points: 128 windows of the default executor on 2 threads, parts of
/// 100,000 points (so windows are cut at part ends).
fn kill_design() -> GridDesign {
    GridDesign::product(GridAxes {
        a: Axis::linspace(-1.0, 1.0, 1024),
        b: Axis::logspace(-1.0, 1.0, 1024),
        scale: 2.0,
    })
    .unwrap()
}

fn kill_sink(dir: &Path, design: &GridDesign, resume: bool) -> ParquetSink {
    let sink = if resume {
        ParquetSink::open(dir, "y")
    } else {
        ParquetSink::create(dir, "y")
    };
    sink.unwrap().describe(design).part_rows(100_000)
}

#[test]
#[ignore = "run by parquet::a_run_killed_at_random_moments_resumes_to_the_same_bytes, as a child process"]
fn kill_child() {
    let Some(dir) = std::env::var_os(KILL_CHILD_ENV) else {
        return;
    };
    let design = kill_design();
    let mut sink = kill_sink(Path::new(&dir), &design, true);
    Executor::parallel()
        .run_into::<4, _, _, _, _>(&design, kernel, &mut sink)
        .unwrap();
}

#[test]
fn a_run_killed_at_random_moments_resumes_to_the_same_bytes() {
    let design = kill_design();
    let reference = path("kill-reference");
    Executor::parallel()
        .run_into::<4, _, _, _, _>(&design, kernel, &mut kill_sink(&reference, &design, false))
        .unwrap();
    let expected = files(&reference);
    std::fs::remove_dir_all(&reference).unwrap();
    let dir = path("killed");
    std::fs::create_dir_all(&dir).unwrap();
    // SplitMix64, seeded: the same schedule every run.
    let mut state = 0x5EED_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let z = (state ^ (state >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        let z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let spawn = || {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "parquet::kill_child", "--ignored", "-q"])
            .env(KILL_CHILD_ENV, &dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut partial = 0;
    for _ in 0..6 {
        let mut child = spawn();
        std::thread::sleep(std::time::Duration::from_millis(30 + next() % 400));
        let _ = child.kill(); // SIGKILL (it may have finished)
        let output = child.wait_with_output().unwrap();
        // Every part left is a whole Parquet file.
        for name in files(&dir).into_keys().filter(|n| !n.starts_with('.')) {
            read_parquet_column::<f32>(&dir.join(&name), "y")
                .unwrap_or_else(|e| panic!("after a kill, {name}: {e}"));
        }
        if !output.status.success() && files(&dir) != expected {
            partial += 1;
        }
    }
    let output = spawn().wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(partial > 0, "no kill stopped the run before its end");
    assert_eq!(files(&dir), expected);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// What pandas writes (snappy, nullable columns, NaN as null, its own
/// metadata, row groups of its choosing) reads back through `read_parquet`;
/// a null in an integer column is an error naming the file, the column and
/// the row; int8 is no column scalar.
#[test]
fn we_read_what_pandas_writes() {
    let Some(python) = pyarrow_python() else {
        return;
    };
    let dir = path("from-pandas");
    std::fs::create_dir_all(&dir).unwrap();
    let script = r#"
import sys, os, numpy as np, pandas as pd
d = sys.argv[1]
df = pd.DataFrame({
    'e': np.array([-(2**63), 2**63 - 1, 0], dtype=np.int64),
    'a': np.array([0.5, np.inf, -0.0], dtype=np.float32),
    'b': np.array([1e-300, -2.5, np.nan], dtype=np.float64),
    'c': np.array([-(2**31), 2**31 - 1, 5], dtype=np.int32),
    'd': np.array([0, 2**32 - 1, 7], dtype=np.uint32),
    'r[0]': np.array([1, 2, 3], dtype=np.float32),
    'r[1]': np.array([4, 5, 6], dtype=np.float32),
})
df.to_parquet(os.path.join(d, 'plain.parquet'), index=False, row_group_size=2)
df.assign(c=pd.array([1, None, 3], dtype='Int32')).to_parquet(os.path.join(d, 'null.parquet'), index=False)
df.assign(c=df['c'].astype(np.int8)).to_parquet(os.path.join(d, 'int8.parquet'), index=False)
"#;
    run_python(&python, script, &[&dir]);
    let back: EverySpace =
        read_parquet(&dir.join("plain.parquet"), EveryFixed { dt: 0.5 }).unwrap();
    let c = back.columns();
    assert_eq!(c.e, [i64::MIN, i64::MAX, 0]);
    assert_eq!(bits32(c.a), bits32(&[0.5, f32::INFINITY, -0.0]));
    assert_eq!((c.b[0], c.b[1]), (1e-300, -2.5));
    assert!(c.b[2].is_nan());
    assert_eq!(
        (c.c, c.d),
        (&[i32::MIN, i32::MAX, 5][..], &[0, u32::MAX, 7][..])
    );
    assert_eq!(
        (c.r[0], c.r[1]),
        (&[1.0, 2.0, 3.0][..], &[4.0, 5.0, 6.0][..])
    );
    let null = dir.join("null.parquet");
    let error = read_parquet::<EverySpace>(&null, EveryFixed { dt: 0.5 }).unwrap_err();
    assert!(
        matches!(&error, IoError::Parquet { path, message } if *path == null && message.contains("column `c`") && message.contains("row 1 is null: an integer column has no null")),
        "{error}"
    );
    let int8 = dir.join("int8.parquet");
    let error = read_parquet_column::<i32>(&int8, "c").unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "{}: column `c` holds Parquet INT32 int8 values, expected i32",
            int8.display()
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
