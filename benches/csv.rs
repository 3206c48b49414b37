//! CSV writing: 2^20 rows x 4 columns (`f32`, `f64`, `i32`, `u32`) through
//! `io::write_csv`, against the way it was written before issue 10 (a
//! `String` per cell from `{:?}`, records through `csv::Writer`), kept here
//! as the baseline.
//!
//! ```text
//! cargo bench --bench csv
//! ```

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dataspace::io::{Column, Table, Value, write_csv};
use std::hint::black_box;
use std::time::Duration;

const ROWS: usize = 1 << 20;

/// splitmix64.
fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A cell's text as `Value`'s `Display` wrote it before: `{:?}`, `-NaN`
/// for a negative NaN.
fn old_text(value: &Value) -> String {
    match *value {
        Value::F32(x) if x.is_nan() && x.is_sign_negative() => "-NaN".to_owned(),
        Value::F64(x) if x.is_nan() && x.is_sign_negative() => "-NaN".to_owned(),
        Value::F32(x) => format!("{x:?}"),
        Value::F64(x) => format!("{x:?}"),
        Value::I32(x) => x.to_string(),
        Value::U32(x) => x.to_string(),
        Value::I64(x) => x.to_string(),
        _ => value.to_string(),
    }
}

/// The writer before issue 10: one `String` per cell, through `csv::Writer`.
fn write_csv_old(out: &mut Vec<u8>, tables: &[&dyn Table]) {
    let names: Vec<String> = tables.iter().flat_map(|t| t.header()).collect();
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(&names).unwrap();
    let rows = tables[0].rows();
    let mut cells = Vec::with_capacity(names.len());
    let mut text = Vec::with_capacity(names.len());
    for i in 0..rows {
        cells.clear();
        for table in tables {
            table.row(i, &mut cells);
        }
        text.clear();
        text.extend(cells.iter().map(old_text));
        csv.write_record(&text).unwrap();
    }
    csv.flush().unwrap();
}

fn csv_write(c: &mut Criterion) {
    let mut state = 20261126;
    // Values as a sweep has them: floats of a range, not random bit patterns.
    let x: Vec<f32> = (0..ROWS)
        .map(|_| (next(&mut state) >> 40) as f32 / (1u64 << 24) as f32 * 10.0 - 5.0)
        .collect();
    let y: Vec<f64> = (0..ROWS)
        .map(|_| (next(&mut state) >> 11) as f64 / (1u64 << 53) as f64 * 1e-3)
        .collect();
    let k: Vec<i32> = (0..ROWS).map(|_| next(&mut state) as i32 >> 8).collect();
    let n: Vec<u32> = (0..ROWS as u32).collect();
    let (x, y, k, n) = (
        Column::new("x", &x),
        Column::new("y", &y),
        Column::new("k", &k),
        Column::new("n", &n),
    );
    let tables: [&dyn Table; 4] = [&x, &y, &k, &n];

    // Both write the same values: the new text reads back to the same bits.
    let mut new = Vec::new();
    write_csv(&mut new, &tables).unwrap();
    let mut old = Vec::new();
    write_csv_old(&mut old, &tables);
    eprintln!(
        "csv_write: {} bytes (write_csv), {} bytes (old); {} of {} lines differ in text",
        new.len(),
        old.len(),
        new.split(|&b| b == b'\n')
            .zip(old.split(|&b| b == b'\n'))
            .filter(|(a, b)| a != b)
            .count(),
        ROWS + 1
    );

    let mut group = c.benchmark_group("csv_write");
    group.throughput(Throughput::Elements(ROWS as u64));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    let mut out = Vec::with_capacity(new.len().max(old.len()));
    group.bench_function("write_csv", |b| {
        b.iter(|| {
            out.clear();
            write_csv(&mut out, black_box(&tables)).unwrap();
            black_box(out.len())
        })
    });
    group.bench_function("old_debug_strings_csv_writer", |b| {
        b.iter(|| {
            out.clear();
            write_csv_old(&mut out, black_box(&tables));
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, csv_write);
criterion_main!(benches);
