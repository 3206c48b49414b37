//! CSV and NPY in and out: round trips bit for bit, every read error with its
//! line and column, numpy reading what we write.

use dataspace::io::{Column, IoError, Table, read_npy, write_csv, write_npy};
use dataspace::prelude::*;

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Params {
    eta: f32,
    delta: f64,
    r0: [f32; 2],
    seed: u32,
    k: i32,
    #[space(fixed)]
    dt: f32,
}

fn space() -> ParamsSpace {
    let eta = vec![
        -5.0,
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -0.0,
        1e-42,
        0.1 + 0.2,
    ];
    let n = eta.len();
    ParamsSpace::new(ParamsColumns {
        eta,
        delta: (0..n).map(|i| 1.0 / (i as f64 + 3.0)).collect(),
        r0: (0..n).map(|i| [i as f32 * 0.1, -2.0]).collect(),
        seed: (0..n as u32).map(|i| u32::MAX - i).collect(),
        k: (0..n as i32).map(|i| i32::MIN + i).collect(),
        dt: 0.01,
    })
    .unwrap()
}

fn bits(p: &Params) -> (u32, u64, [u32; 2], u32, i32) {
    (
        p.eta.to_bits(),
        p.delta.to_bits(),
        p.r0.map(f32::to_bits),
        p.seed,
        p.k,
    )
}

fn read(text: &str) -> Result<ParamsSpace, IoError> {
    ParamsSpace::read_csv(text.as_bytes(), ParamsFixed { dt: 0.5 })
}

#[test]
fn csv_round_trips_bit_for_bit_including_nan_and_infinities() {
    let space = space();
    let mut out = Vec::new();
    write_csv(&mut out, &[&space]).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.starts_with("eta,delta,r0[0],r0[1],seed,k\n"), "{text}");
    assert!(text.contains("NaN") && text.contains("-inf"));
    let back = ParamsSpace::read_csv(&out[..], ParamsFixed { dt: 0.01 }).unwrap();
    assert_eq!(back.len(), space.len());
    for (a, b) in space.iter().zip(back.iter()) {
        assert_eq!(bits(&a), bits(&b));
        assert_eq!(b.dt, 0.01);
    }
}

#[test]
fn columns_may_come_in_any_order() {
    let back = read("k,seed,r0[1],r0[0],delta,eta\n-1,7,2.5,1.5,0.25,-4\n").unwrap();
    assert_eq!(
        back.get(0),
        Some(Params {
            eta: -4.0,
            delta: 0.25,
            r0: [1.5, 2.5],
            seed: 7,
            k: -1,
            dt: 0.5
        })
    );
}

#[test]
fn every_read_error_names_its_line_and_column() {
    let header = "eta,delta,r0[0],r0[1],seed,k\n";
    let row = "1,2,3,4,5,6\n";
    let err = |text: &str| read(text).expect_err("an error").to_string();
    assert_eq!(
        err("eta,delta,r0[0],seed,k\n1,2,3,5,6\n"),
        "the header has no column `r0[1]`"
    );
    assert_eq!(
        err("eta,delta,r0[0],r0[1],seed,k,extra\n1,2,3,4,5,6,7\n"),
        "column 7 of the header, `extra`, is not a free field"
    );
    assert_eq!(
        err(&format!("{header}{row}1,2,3,x4,5,6\n")),
        "line 3, column `r0[1]`: `x4` is not a valid f32"
    );
    assert_eq!(
        err(&format!("{header}{row}{row}1,2,3,4,-5,6\n")),
        "line 4, column `seed`: `-5` is not a valid u32"
    );
    assert_eq!(
        err(&format!("{header}1,2,3,4,5\n")),
        "line 2 has 5 cells, the header has 6"
    );
    assert_eq!(
        err(&format!("{header}1,2,3,4,5,6,7\n")),
        "line 2 has 7 cells, the header has 6"
    );
    assert!(matches!(
        read(&format!("{header}{row}1,2,3,4,5,99999999999\n")),
        Err(IoError::Parse { line: 3, .. })
    ));
    // An empty file has no header; a header alone is an empty space.
    assert!(matches!(read(""), Err(IoError::MissingColumn { .. })));
    assert_eq!(read(header).unwrap().len(), 0);
}

#[test]
fn inputs_and_outputs_side_by_side() {
    let space = space();
    let rates: Vec<f32> = (0..space.len()).map(|i| i as f32 * 0.5).collect();
    let pairs: Vec<[f64; 2]> = (0..space.len()).map(|i| [i as f64, -(i as f64)]).collect();
    let mut out = Vec::new();
    write_csv(
        &mut out,
        &[
            &space,
            &Column::new("rate", &rates),
            &Column::new("pair", &pairs),
        ],
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("eta,delta,r0[0],r0[1],seed,k,rate,pair[0],pair[1]")
    );
    assert_eq!(
        lines.next(),
        Some("-5.0,0.3333333333333333,0.0,-2.0,4294967295,-2147483648,0.0,0.0,-0.0")
    );
    let short = Column::new("rate", &rates[..3]);
    let error = write_csv(Vec::new(), &[&space, &short]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "the table starting at column `rate` has 3 rows, the first has 7"
    );
}

fn npy_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("dataspace-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn npy_columns_read_back_bit_for_bit() {
    let space = space();
    let rates: Vec<f32> = vec![0.25; space.len()];
    let dir = npy_dir("readback");
    write_npy(&dir, &[&space, &Column::new("rate", &rates)]).unwrap();
    let eta: Vec<f32> = read_npy(&dir.join("eta.npy")).unwrap();
    let delta: Vec<f64> = read_npy(&dir.join("delta.npy")).unwrap();
    let r0_1: Vec<f32> = read_npy(&dir.join("r0[1].npy")).unwrap();
    let seed: Vec<u32> = read_npy(&dir.join("seed.npy")).unwrap();
    let k: Vec<i32> = read_npy(&dir.join("k.npy")).unwrap();
    let rate: Vec<f32> = read_npy(&dir.join("rate.npy")).unwrap();
    let cols = space.columns();
    assert_eq!(
        eta.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        cols.eta.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(delta, cols.delta);
    assert_eq!(r0_1, cols.r0[1]);
    assert_eq!(
        (seed.as_slice(), k.as_slice(), rate.as_slice()),
        (cols.seed, cols.k, rates.as_slice())
    );
    assert_eq!(space.header().len(), 6);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// numpy itself reads the files, when a python3 with numpy is on this machine;
/// without one the test prints that it skipped, and fails under `CI=true`.
#[test]
fn numpy_loads_the_npy_files() {
    let python = std::env::var("DATASPACE_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_numpy = std::process::Command::new(&python)
        .args(["-c", "import numpy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_numpy {
        // Under CI (`CI=true`, set by .ci/run) a check that cannot run fails.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but no numpy for {python}: set DATASPACE_PYTHON to a python with numpy"
        );
        eprintln!("skipped: no numpy for {python} (set DATASPACE_PYTHON to a python with numpy)");
        return;
    }
    let space = space();
    let dir = npy_dir("numpy");
    write_npy(&dir, &[&space]).unwrap();
    let script = "import numpy as np, sys, os\n\
        d = sys.argv[1]\n\
        eta = np.load(os.path.join(d, 'eta.npy'))\n\
        seed = np.load(os.path.join(d, 'seed.npy'))\n\
        k = np.load(os.path.join(d, 'k.npy'))\n\
        assert eta.dtype == np.float32 and seed.dtype == np.uint32 and k.dtype == np.int32\n\
        assert np.isnan(eta[1]) and np.isposinf(eta[2]) and eta[0] == -5.0\n\
        print(len(eta), int(seed[0]), int(k[0]))";
    let out = std::process::Command::new(&python)
        .args(["-c", script, dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "7 4294967295 -2147483648"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
