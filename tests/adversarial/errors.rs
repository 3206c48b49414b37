//! Unclear errors: every error about a file names the file and keeps the
//! operating system's error as its source; messages are words, not `Debug`
//! dumps; common mistakes (a pandas index column) say how to fix them.

use crate::common::*;
use dataspace::io::{Column, IoError, read_npy, write_npy};
use dataspace::prelude::*;
use dataspace::shard::{ShardError, merge_shards, write_shard};
use dataspace::{CsvSink, ExecError};
use std::error::Error;

#[test]
fn file_errors_name_the_path_and_keep_the_cause() {
    let dir = temp("errors");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let missing = dir.join("missing").join("deeper");
    let values = [1.0f32];

    let cases: Vec<(Box<dyn Error>, &std::path::Path)> = vec![
        (
            Box::new(write_npy(&file, &[&Column::new("y", &values)]).unwrap_err()),
            &file,
        ),
        (Box::new(read_npy::<f32>(&missing).unwrap_err()), &missing),
        (Box::new(CsvSink::open(&dir, "y").unwrap_err()), &dir),
        (
            Box::new(CsvSink::create(missing.join("out.csv"), "y").unwrap_err()),
            &missing,
        ),
        (
            Box::new(write_shard(&missing.join("run"), 0, 1, &values).unwrap_err()),
            &missing,
        ),
    ];
    for (error, path) in cases {
        let messages = chain(error.as_ref());
        assert!(
            messages[0].contains(path.to_str().unwrap()),
            "{messages:?} does not name {}",
            path.display()
        );
        for message in &messages {
            assert_readable(message);
        }
    }
    // The OS error is the source, not text pasted into the message.
    let error = read_npy::<f32>(&missing).unwrap_err();
    let source = error.source().expect("an I/O error keeps its cause");
    let io = source.downcast_ref::<std::io::Error>().unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_shard_of_another_type_names_the_file_and_both_types() {
    let stem = temp("dtype");
    let path = write_shard(&stem, 0, 1, &[1.0f64, 2.0]).unwrap();
    let error = merge_shards::<f32>(std::slice::from_ref(&path), 2, 64).unwrap_err();
    let ShardError::Io(IoError::NpyDtype {
        found, expected, ..
    }) = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((found.as_str(), expected.name()), ("<f8", "f32"));
    let message = error.to_string();
    assert!(
        message.contains(path.to_str().unwrap()) && message.contains("<f4"),
        "{message}"
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn csv_errors_say_what_is_wrong_where() {
    let read = |bytes: &[u8]| {
        MixedSpace::read_csv(bytes, MixedFixed { scale: 1.0 })
            .err()
            .unwrap()
    };
    let header = b"a,b,c,d,r[0],r[1]\n";

    let mut invalid_utf8 = header.to_vec();
    invalid_utf8.extend_from_slice(b"1,2,3,4,5,6\n1,2,\xff\xfe,4,5,6\n");
    let error = read(&invalid_utf8);
    let message = error.to_string();
    assert_readable(&message);
    assert!(
        message.starts_with("line 3: cell 3 is not valid UTF-8"),
        "{message}"
    );

    let pandas = b",a,b,c,d,r[0],r[1]\n0,1,2,3,4,5,6\n";
    let message = read(pandas).to_string();
    assert!(
        message.contains("pandas") && message.contains("index=False"),
        "{message}"
    );
    let pandas_named = b"Unnamed: 0,a,b,c,d,r[0],r[1]\n0,1,2,3,4,5,6\n";
    assert!(read(pandas_named).to_string().contains("index=False"));

    let duplicate = b"a,b,c,d,r[0],r[1],a\n1,2,3,4,5,6,1\n";
    let error = read(duplicate);
    assert!(
        matches!(&error, IoError::DuplicateColumn { column } if column == "a"),
        "{error}"
    );
    assert!(error.to_string().contains("appears twice"));

    let mut bad_cell = header.to_vec();
    bad_cell.extend_from_slice(b"1,2,3.5,4,5,6\n");
    assert_eq!(
        read(&bad_cell).to_string(),
        "line 2, column `c`: `3.5` is not a valid i32"
    );
    let mut unterminated = header.to_vec();
    unterminated.extend_from_slice(b"1,2,3,4,\"5,6\n");
    assert_readable(&read(&unterminated).to_string());
}

#[test]
fn a_sink_error_keeps_its_io_error_as_source() {
    let space = ones(10);
    let path = temp("foreign.csv");
    std::fs::write(&path, b"a,b\n").unwrap();
    let mut sink = CsvSink::open(&path, "y").unwrap();
    let error = Executor::parallel()
        .run_into(&space, double::<8>, &mut sink)
        .unwrap_err();
    assert!(matches!(error, ExecError::Sink(IoError::Header { .. })));
    let messages = chain(&error);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages[0].contains("was not written by this run"),
        "{messages:?}"
    );
    assert!(
        messages[0].contains("`a,b`") && messages[0].contains("`x,y`"),
        "{messages:?}"
    );
    std::fs::remove_file(path).unwrap();
}

#[test]
fn a_full_disk_is_an_error_naming_the_file() {
    // /dev/full fails every write with ENOSPC, as a full disk does.
    let full = std::path::Path::new("/dev/full");
    if !full.exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "/dev/full is missing under CI"
        );
        return;
    }
    let mut sink = CsvSink::create(full, "y").unwrap();
    let error = Executor::parallel()
        .run_into(&ones(1000), double::<8>, &mut sink)
        .unwrap_err();
    let ExecError::Sink(IoError::File {
        action,
        path,
        source,
    }) = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((*action, path.as_path()), ("write", full));
    assert_eq!(source.raw_os_error(), Some(28), "ENOSPC");
    assert!(error.to_string().contains("/dev/full"), "{error}");

    /// A writer that takes `room` bytes, then fails as a full disk does.
    struct Full {
        room: usize,
    }
    impl std::io::Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::from_raw_os_error(28));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let space = ones(10_000);
    let error = dataspace::io::write_csv(Full { room: 1000 }, &[&space]).unwrap_err();
    assert!(matches!(error, IoError::Stream { .. }), "{error:?}");
    assert_eq!(chain(&error).len(), 2);
}
