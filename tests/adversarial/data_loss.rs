//! Silent data loss or corruption: files appended to that were not ours,
//! points skipped or counted twice, results overwriting inputs, shard sets
//! that were not sets. Each is now an error (with the file left as it was)
//! or exact.

use crate::common::*;
use dataspace::io::{Column, IoError, read_npy, write_csv, write_npy};
use dataspace::prelude::*;
use dataspace::shard::{ShardError, merge_shards, write_shard};
use dataspace::{Axis, CsvSink, ExecError, Sink};

fn design(n: usize) -> OneDesign {
    OneDesign::zip(OneAxes {
        x: Axis::linspace(0.0, 1.0, n),
    })
    .unwrap()
}

/// The file an uninterrupted run of `design` writes.
fn whole_file(design: &OneDesign, output: &str) -> Vec<u8> {
    let path = temp("whole.csv");
    let mut sink = CsvSink::create(&path, output).unwrap();
    Executor::parallel()
        .run_into(design, double::<8>, &mut sink)
        .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(path).unwrap();
    bytes
}

/// Resumes `file` (holding `bytes`) with the run of `design`.
fn resume(bytes: &[u8], design: &OneDesign, output: &str) -> (Result<(), ExecError>, Vec<u8>) {
    let path = temp("resume.csv");
    std::fs::write(&path, bytes).unwrap();
    let result = CsvSink::open(&path, output)
        .map(|mut sink| Executor::parallel().run_into(design, double::<8>, &mut sink));
    let result = match result {
        Ok(run) => run,
        Err(e) => Err(ExecError::Sink(e)),
    };
    let after = std::fs::read(&path).unwrap();
    std::fs::remove_file(path).unwrap();
    (result, after)
}

#[test]
fn a_foreign_file_is_not_resumed_and_not_touched() {
    let design = design(10);
    for foreign in [
        &b"a,b,c\n1,2,3\n4,5,6\n"[..],
        b"a,b,c\n1,2,3\n4,5",
        b"x,other\n0.0,0.0\n",
        b"x\n",
        b"not a csv at all",
        b"\x00\x01\x02",
    ] {
        let (result, after) = resume(foreign, &design, "y");
        let error = result.unwrap_err();
        let ExecError::Sink(IoError::Header { expected, .. }) = &error else {
            panic!("{foreign:?}: {error:?}")
        };
        assert_eq!(expected, "x,y");
        assert_eq!(after, foreign, "a foreign file was changed");
    }
    // Written with output column `other`, continued as `y`: an error.
    let other = whole_file(&design, "other");
    let cut = &other[..other.len() / 2];
    let (result, after) = resume(cut, &design, "y");
    assert!(matches!(
        result,
        Err(ExecError::Sink(IoError::Header { .. }))
    ));
    assert_eq!(after, cut);
}

#[test]
fn a_file_longer_than_the_run_is_an_error() {
    let long = whole_file(&design(3007), "y");
    let (result, after) = resume(&long, &design(10), "y");
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            ExecError::Sink(IoError::TooManyRows {
                found: 3007,
                expected: 10,
                ..
            })
        ),
        "{error:?}"
    );
    assert_eq!(after, long);
}

#[test]
fn blank_and_torn_last_lines_are_rewritten_not_counted() {
    let design = design(1000);
    let whole = whole_file(&design, "y");
    let half = whole[..whole.len() / 2].to_vec();
    let complete = &half[..=half.iter().rposition(|&b| b == b'\n').unwrap()];
    let records = complete.iter().filter(|&&b| b == b'\n').count() - 1;
    for tail in [&b"\n"[..], b"\n\n\n", b"0.5", b"0.5,1.", b"\n0.5"] {
        let mut file = complete.to_vec();
        file.extend_from_slice(tail);
        let path = temp("tail.csv");
        std::fs::write(&path, &file).unwrap();
        let mut sink = CsvSink::open(&path, "y").unwrap();
        assert_eq!(sink.written(), records, "tail {tail:?}");
        Executor::parallel()
            .run_into(&design, double::<8>, &mut sink)
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), whole, "tail {tail:?}");
        std::fs::remove_file(path).unwrap();
    }
    // A blank line between records is damage, reported with its line.
    let mut damaged = complete.to_vec();
    let second = damaged.iter().position(|&b| b == b'\n').unwrap() + 1;
    damaged.insert(second, b'\n');
    let (result, after) = resume(&damaged, &design, "y");
    assert!(
        matches!(
            result,
            Err(ExecError::Sink(IoError::Corrupt { line: 2, .. }))
        ),
        "{result:?}"
    );
    assert_eq!(after, damaged);
}

#[test]
fn result_columns_named_like_inputs_are_errors_before_anything_is_written() {
    let space = ones(5);
    let results = vec![1.0f32; 5];
    let dir = temp("npy-dup");
    write_npy(&dir, &[&space]).unwrap();
    let before = std::fs::read(dir.join("x.npy")).unwrap();
    let error = write_npy(&dir, &[&space, &Column::new("x", &results)]).unwrap_err();
    assert!(
        matches!(&error, IoError::DuplicateColumn { column } if column == "x"),
        "{error}"
    );
    assert_eq!(std::fs::read(dir.join("x.npy")).unwrap(), before);
    std::fs::remove_dir_all(&dir).unwrap();

    let mut text = Vec::new();
    let error = write_csv(&mut text, &[&space, &Column::new("x", &results)]).unwrap_err();
    assert!(matches!(error, IoError::DuplicateColumn { .. }));
    assert!(text.is_empty());
    let error = CsvSink::create(temp("dup.csv"), "x")
        .map(|mut sink| Sink::<Vec<f32>>::resume(&mut sink, &["x".to_owned()], 5))
        .unwrap()
        .unwrap_err();
    assert!(matches!(error, IoError::DuplicateColumn { .. }));
}

#[test]
fn column_names_that_escape_the_directory_or_break_lines_are_errors() {
    let dir = temp("npy-names");
    let values = [1.0f32, 2.0];
    for name in [
        "../escaped",
        "/tmp/anywhere",
        "",
        "a/b",
        "..",
        ".",
        "two\nlines",
        "cr\r",
        &"x".repeat(201),
    ] {
        let error = write_npy(&dir, &[&Column::new(name, &values)]).unwrap_err();
        assert!(
            matches!(error, IoError::InvalidColumnName { .. }),
            "{name:?}: {error}"
        );
        let mut text = Vec::new();
        assert!(
            write_csv(&mut text, &[&Column::new(name, &values)]).is_err(),
            "{name:?}"
        );
    }
    assert!(!dir.exists(), "nothing is created for a rejected name");
    assert!(!temp("").parent().unwrap().join("escaped.npy").exists());
    // One bad name among good ones: no file at all.
    let error = write_npy(
        &dir,
        &[
            &Column::new("ok", &values),
            &Column::new("no/such", &values),
        ],
    );
    assert!(error.is_err());
    assert!(!dir.join("ok.npy").exists());
    for name in ["a\nb", "", "x\r\ny"] {
        assert!(
            CsvSink::create(temp("bad-name.csv"), name).is_err(),
            "{name:?}"
        );
    }
    // Commas and quotes are fine: quoted in the header, still one line.
    let path = temp("quoted.csv");
    let mut sink = CsvSink::create(&path, "y, \"quoted\"").unwrap();
    let design = design(100);
    Executor::parallel()
        .run_into(&design, double::<8>, &mut sink)
        .unwrap();
    let mut resumed = CsvSink::open(&path, "y, \"quoted\"").unwrap();
    assert_eq!(resumed.written(), 100);
    Executor::parallel()
        .run_into(&design, double::<8>, &mut resumed)
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 101);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn shard_sets_must_be_complete_of_one_stem_and_canonically_named() {
    let dir = temp("shards");
    std::fs::create_dir_all(&dir).unwrap();
    let values = [1.0f32; 3];
    assert!(matches!(
        merge_shards::<f32>(&[], 10, 64),
        Err(ShardError::NoFiles)
    ));
    assert!(matches!(
        merge_shards::<f32>(&[], 0, 64),
        Err(ShardError::NoFiles)
    ));

    let run = write_shard(&dir.join("run"), 0, 2, &values).unwrap();
    let other = write_shard(&dir.join("other_run"), 1, 2, &values).unwrap();
    let error = merge_shards::<f32>(&[run.clone(), other], 6, 3).unwrap_err();
    assert!(matches!(error, ShardError::Stem { .. }), "{error}");

    assert!(matches!(
        write_shard(&dir.join("run"), 5, 4, &values),
        Err(ShardError::Index { index: 5, count: 4 })
    ));
    assert!(matches!(
        write_shard(&dir.join("run"), 0, 0, &values),
        Err(ShardError::NoShards)
    ));
    for stem in ["", ".."] {
        assert!(matches!(
            write_shard(std::path::Path::new(stem), 0, 1, &values),
            Err(ShardError::BadStem(_))
        ));
    }
    for name in [
        "run.shard-+0-of-+1.npy",
        "run.shard-000-of-0001.npy",
        "run.shard-01-of-2.npy",
        "run.shard-2-of-2.npy",
        "run.shard--1-of-2.npy",
        "run.shard-0-of-2.npz",
    ] {
        let odd = dir.join(name);
        std::fs::copy(&run, &odd).unwrap();
        let error = merge_shards::<f32>(std::slice::from_ref(&odd), 3, 64).unwrap_err();
        assert!(matches!(error, ShardError::Name(_)), "{name}: {error}");
        std::fs::remove_file(odd).unwrap();
    }
    assert!(matches!(ones(3).shard(0, 0), Err(ShardError::NoShards)));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_empty_run_still_writes_its_header() {
    let empty = OneDesign::zip(OneAxes {
        x: Axis::values(vec![]),
    })
    .unwrap();
    let path = temp("empty.csv");
    let mut sink = CsvSink::create(&path, "y").unwrap();
    Executor::parallel()
        .run_into(&empty, double::<8>, &mut sink)
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "x,y\n");
    // And the same run resumed leaves it as it is.
    let mut sink = CsvSink::open(&path, "y").unwrap();
    Executor::parallel()
        .run_into(&empty, double::<8>, &mut sink)
        .unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "x,y\n");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn float_cells_out_of_range_are_errors_and_nan_keeps_its_sign() {
    for text in ["x\n1e39\n", "x\n-1e39\n", "x\n1e999\n"] {
        let error = OneSpace::read_csv(text.as_bytes(), OneFixed {})
            .err()
            .unwrap();
        assert!(
            matches!(error, IoError::Parse { line: 2, .. }),
            "{text:?}: {error}"
        );
    }
    let read = |text: &str| OneSpace::read_csv(text.as_bytes(), OneFixed {}).unwrap();
    assert_eq!(
        read("x\ninf\n-Infinity\n").columns().x,
        &[f32::INFINITY, f32::NEG_INFINITY]
    );
    let negative_nan = f32::from_bits(0xffc0_0000);
    let space = OneSpace::new(OneColumns {
        x: vec![negative_nan, f32::NAN, -0.0, f32::MIN_POSITIVE / 8.0],
    })
    .unwrap();
    let mut text = Vec::new();
    write_csv(&mut text, &[&space]).unwrap();
    assert!(String::from_utf8_lossy(&text).starts_with("x\n-NaN\nNaN\n-0.0\n"));
    let back = OneSpace::read_csv(&text[..], OneFixed {}).unwrap();
    let bits: Vec<u32> = back.columns().x.iter().map(|x| x.to_bits()).collect();
    let expected: Vec<u32> = space.columns().x.iter().map(|x| x.to_bits()).collect();
    assert_eq!(bits, expected);
}

#[test]
fn a_failed_run_never_reports_all_points_done() {
    let space = ones(1000);
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let executor = Executor::sequential()
        .n_pmap(4)
        .on_progress(move |done, total| log.lock().unwrap().push((done, total)));
    let error = executor
        .run(&space, |l: OneLanes<8>| {
            assert!(l.x.to_array()[0] < 300.0, "stop");
            l.x
        })
        .unwrap_err();
    assert!(
        matches!(error, ExecError::KernelPanicked { point: 304, .. }),
        "{error}"
    );
    let seen = seen.lock().unwrap();
    assert_eq!(*seen, [(256, 1000)], "only the finished block is reported");
}

#[test]
fn npy_of_an_empty_space_keeps_every_column_type() {
    let space = MixedSpace::new(MixedColumns {
        a: vec![],
        b: vec![],
        c: vec![],
        d: vec![],
        r: vec![],
        scale: 1.0,
    })
    .unwrap();
    let dir = temp("empty-npy");
    write_npy(&dir, &[&space]).unwrap();
    assert_eq!(
        read_npy::<f32>(&dir.join("a.npy")).unwrap(),
        Vec::<f32>::new()
    );
    assert_eq!(
        read_npy::<f64>(&dir.join("b.npy")).unwrap(),
        Vec::<f64>::new()
    );
    assert_eq!(
        read_npy::<i32>(&dir.join("c.npy")).unwrap(),
        Vec::<i32>::new()
    );
    assert_eq!(
        read_npy::<u32>(&dir.join("d.npy")).unwrap(),
        Vec::<u32>::new()
    );
    assert_eq!(
        read_npy::<f32>(&dir.join("r[1].npy")).unwrap(),
        Vec::<f32>::new()
    );
    assert!(matches!(
        read_npy::<f32>(&dir.join("b.npy")),
        Err(IoError::NpyDtype { .. })
    ));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn npy_files_that_are_not_one_dimensional_or_carry_extra_bytes_are_errors() {
    use crate::panics::npy_with;
    let path = temp("shape.npy");
    let data: Vec<u8> = (0..6u32).flat_map(|x| (x as f32).to_le_bytes()).collect();
    for (shape, order, bytes) in [
        ("(2, 3)", "False", &data[..]),
        ("(3, 2)", "True", &data[..]),
        ("()", "False", &data[..4]),
        ("(5,)", "False", &data[..]),   // 4 trailing bytes
        ("(6,)", "False", &data[..20]), // 4 bytes short
    ] {
        let header = format!("{{'descr': '<f4', 'fortran_order': {order}, 'shape': {shape}, }}");
        std::fs::write(&path, npy_with(&header, bytes)).unwrap();
        let error = read_npy::<f32>(&path).unwrap_err();
        assert!(matches!(error, IoError::Npy { .. }), "{shape}: {error}");
    }
    // Big-endian data of the right shape reads.
    let be: Vec<u8> = [1.5f32, -2.0]
        .iter()
        .flat_map(|x| x.to_be_bytes())
        .collect();
    std::fs::write(
        &path,
        npy_with(
            "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
            &be,
        ),
    )
    .unwrap();
    assert_eq!(read_npy::<f32>(&path).unwrap(), [1.5, -2.0]);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_sink_run_into_twice_keeps_what_it_wrote() {
    let design = design(1000);
    let whole = whole_file(&design, "y");
    let path = temp("twice.csv");
    let mut sink = CsvSink::create(&path, "y").unwrap();
    for _ in 0..3 {
        Executor::parallel()
            .run_into(&design, double::<8>, &mut sink)
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        assert_eq!(sink.written(), 1000);
    }
    // A longer design through the same sink continues the same file.
    let longer = OneDesign::zip(OneAxes {
        x: Axis::values(
            design
                .iter()
                .map(|p| p.x)
                .chain([7.0, 8.0])
                .collect::<Vec<_>>(),
        ),
    })
    .unwrap();
    Executor::parallel()
        .run_into(&longer, double::<8>, &mut sink)
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.ends_with("\n7.0,14.0\n8.0,16.0\n"),
        "{}",
        &text[text.len() - 40..]
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_header_longer_than_any_buffer_is_checked_not_wiped() {
    // 150,000 input columns: a header line of about 1.7 MB.
    let names: Vec<String> = (0..150_000).map(|k| format!("column{k}")).collect();
    struct Wide<'a>(&'a [String]);
    impl dataspace::io::Table for Wide<'_> {
        fn header(&self) -> Vec<String> {
            self.0.to_vec()
        }
        fn dtypes(&self) -> Vec<dataspace::io::Dtype> {
            vec![dataspace::io::Dtype::F32; self.0.len()]
        }
        fn rows(&self) -> usize {
            1
        }
        fn row(&self, _: usize, out: &mut Vec<dataspace::io::Value>) {
            out.extend((0..self.0.len()).map(|k| dataspace::io::Value::F32(k as f32)));
        }
    }
    let path = temp("wide.csv");
    let mut sink = CsvSink::create(&path, "y").unwrap();
    Sink::<Vec<f32>>::write(&mut sink, &Wide(&names), &vec![1.0f32]).unwrap();
    let before = std::fs::read(&path).unwrap();
    assert!(before.len() > 1 << 20);
    let mut resumed = CsvSink::open(&path, "y").unwrap();
    assert_eq!(resumed.written(), 1);
    assert_eq!(
        Sink::<Vec<f32>>::resume(&mut resumed, &names, 5).unwrap(),
        1
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // Another run's long header is an error, and the file is left alone.
    let mut other = names.clone();
    other[149_999] = "changed".to_owned();
    let mut foreign = CsvSink::open(&path, "y").unwrap();
    let error = Sink::<Vec<f32>>::resume(&mut foreign, &other, 5).unwrap_err();
    assert!(matches!(error, IoError::Header { .. }), "{error}");
    assert!(
        error.to_string().len() < 1000,
        "the message quotes at most 200 characters of each header"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_write_without_resume_checks_the_file_first() {
    let design = design(100);
    let whole = whole_file(&design, "y");
    let path = temp("write-first.csv");
    // A foreign file: write() refuses it rather than appending.
    std::fs::write(&path, b"a,b,c\n1,2,3\n").unwrap();
    let mut sink = CsvSink::open(&path, "y").unwrap();
    let slice = design.slice(0..10).unwrap();
    let error = Sink::<Vec<f32>>::write(&mut sink, &slice, &vec![0.0f32; 10]).unwrap_err();
    assert!(matches!(error, IoError::Header { .. }), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), b"a,b,c\n1,2,3\n");
    // Our own file with a torn tail: the tail is cut before the write.
    let half = &whole[..whole.len() / 2];
    std::fs::write(&path, half).unwrap();
    let mut sink = CsvSink::open(&path, "y").unwrap();
    let done = sink.written();
    let rest = design.slice(done..100).unwrap();
    let values: Vec<f32> = rest.iter().map(|p| p.x + p.x).collect();
    Sink::<Vec<f32>>::write(&mut sink, &rest, &values).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), whole);
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_quoted_record_is_named_as_such() {
    let design = design(10);
    let mut file = whole_file(&design, "y");
    file.extend_from_slice(b"\"1.0\",2.0\n");
    let (result, after) = resume(&file, &design, "y");
    let Err(ExecError::Sink(IoError::Corrupt {
        line: 12, message, ..
    })) = &result
    else {
        panic!("{result:?}")
    };
    assert!(message.contains("quoted"), "{message}");
    assert_eq!(after, file);
}

#[test]
fn npy_of_a_table_wider_than_the_open_file_limit() {
    // 1,100 columns, written by a child process allowed 200 open files.
    const CHILD: &str = "DATASPACE_NPY_OPEN_FILES_CHILD";
    if std::env::var_os(CHILD).is_none() {
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg("ulimit -n 200 && exec \"$0\" --exact data_loss::npy_of_a_table_wider_than_the_open_file_limit --quiet")
            .arg(std::env::current_exe().unwrap())
            .env(CHILD, "1")
            .status()
            .unwrap();
        assert!(status.success(), "the child with 200 open files failed");
        return;
    }
    let values: Vec<[f32; 1100]> = (0..3)
        .map(|i| core::array::from_fn(|k| (i * 10_000 + k) as f32))
        .collect();
    let dir = temp("wide-npy");
    write_npy(&dir, &[&Column::new("r", &values)]).unwrap();
    for k in [0, 63, 64, 1023, 1099] {
        let column = read_npy::<f32>(&dir.join(format!("r[{k}].npy"))).unwrap();
        assert_eq!(column, [k as f32, (10_000 + k) as f32, (20_000 + k) as f32]);
    }
    let leftovers = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".tmp")
        })
        .count();
    assert_eq!(leftovers, 0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn shards_named_through_different_spellings_of_one_directory_merge() {
    let dir = temp("spelled");
    std::fs::create_dir_all(&dir).unwrap();
    let a = write_shard(&dir.join("run"), 0, 2, &[1.0f32; 64]).unwrap();
    let b = write_shard(&dir.join(".").join("run"), 1, 2, &[2.0f32; 6]).unwrap();
    let merged = merge_shards::<f32>(&[a, b], 70, 64).unwrap();
    assert_eq!(merged.len(), 70);
    // But two directories are two runs.
    let other = temp("spelled-other");
    std::fs::create_dir_all(&other).unwrap();
    let c = write_shard(&other.join("run"), 1, 2, &[2.0f32; 6]).unwrap();
    let a = dir.join("run.shard-0-of-2.npy");
    assert!(matches!(
        merge_shards::<f32>(&[a, c], 70, 64),
        Err(ShardError::Stem { .. })
    ));
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(other).unwrap();
}
