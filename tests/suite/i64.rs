//! `i64` free fields (counts, seeds, indices beyond `i32`): a row of the
//! scalar table and nothing else, so every path a column takes must carry
//! them: storage, packs at every lane count, the executor, CSV, NPY,
//! designs.

use dataspace::io::{Column, read_npy, write_csv, write_npy};
use dataspace::prelude::*;
use dataspace::{Axis, Sampler};

#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Seeded {
    pub seed: i64,
    pub pair: [i64; 2],
    pub x: f64,
}

/// Values that `i32` or `f64` would lose: beyond 2^53, both extremes.
fn seeds(n: usize) -> Vec<i64> {
    (0..n as i64)
        .map(|i| match i % 4 {
            0 => i64::MIN + i,
            1 => i64::MAX - i,
            2 => (1 << 53) + 1 + i,
            _ => -i,
        })
        .collect()
}

fn space(n: usize) -> SeededSpace {
    let seed = seeds(n);
    SeededSpace::new(SeededColumns {
        pair: seed.iter().map(|&s| [s, s.wrapping_mul(3)]).collect(),
        x: (0..n).map(|i| i as f64 * 0.5).collect(),
        seed,
    })
    .unwrap()
}

fn packs_hold_the_columns<const V: usize>(space: &SeededSpace)
where
    i64: Packable<V>,
    f64: Packable<V>,
{
    let expected = seeds(space.len());
    let layout = space
        .collect_with::<V>(CollectOptions {
            n_pmap: 3,
            fill: -1.0,
        })
        .unwrap();
    let mut read = Vec::new();
    for lanes in &layout {
        let lanes_of_seed = lanes.seed.to_array();
        let pair1 = lanes.pair[1].to_array();
        for k in 0..V {
            if k < lanes.valid() {
                read.push(lanes_of_seed[k]);
                assert_eq!(pair1[k], lanes_of_seed[k].wrapping_mul(3));
            } else {
                assert_eq!(lanes_of_seed[k], -1, "tail lanes hold the fill");
            }
        }
    }
    assert_eq!(read, expected, "V = {V}");
}

#[test]
fn i64_columns_load_as_packs_at_every_lane_count() {
    for n in [0, 1, 7, 8, 9, 63, 65, 1001] {
        let space = space(n);
        assert_eq!(space.columns().seed, &seeds(n)[..]);
        packs_hold_the_columns::<2>(&space);
        packs_hold_the_columns::<4>(&space);
        packs_hold_the_columns::<8>(&space);
        packs_hold_the_columns::<16>(&space);
        packs_hold_the_columns::<32>(&space);
    }
}

#[test]
fn the_executor_returns_i64_results_in_point_order() {
    let space = space(1001);
    let expected: Vec<i64> = seeds(1001).iter().map(|s| s.wrapping_add(1)).collect();
    let one = i64x8::splat(1);
    let out = Executor::parallel()
        .run::<8, _, _, _>(&space, |p: SeededLanes<8>| p.seed + one)
        .unwrap();
    assert_eq!(out, expected);
    let wide = Executor::parallel()
        .run::<32, _, _, _>(&space, |p: SeededLanes<32>| p.pair)
        .unwrap();
    assert_eq!(
        wide,
        space
            .columns()
            .seed
            .iter()
            .map(|&s| [s, s.wrapping_mul(3)])
            .collect::<Vec<_>>()
    );
}

#[test]
fn i64_columns_round_trip_through_csv_and_npy_exactly() {
    let space = space(9);
    let mut text = Vec::new();
    write_csv(&mut text, &[&space]).unwrap();
    let back = SeededSpace::read_csv(&text[..], SeededFixed {}).unwrap();
    assert_eq!(back.columns().seed, space.columns().seed);
    assert_eq!(back.columns().pair[1], space.columns().pair[1]);
    assert!(
        SeededSpace::read_csv(
            &b"seed,pair[0],pair[1],x\n9223372036854775808,0,0,0\n"[..],
            SeededFixed {}
        )
        .is_err()
    );

    let dir = std::env::temp_dir().join(format!("dataspace-i64-{}", std::process::id()));
    let results: Vec<i64> = vec![i64::MIN, -1, 0, 1, i64::MAX, 5, 6, 7, 8];
    write_npy(&dir, &[&space, &Column::new("out", &results)]).unwrap();
    assert_eq!(
        read_npy::<i64>(&dir.join("seed.npy")).unwrap(),
        space.columns().seed
    );
    assert_eq!(read_npy::<i64>(&dir.join("out.npy")).unwrap(), results);
    assert!(
        read_npy::<i32>(&dir.join("out.npy")).is_err(),
        "an <i8 file is not i32"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn designs_sweep_i64_axes() {
    let grid = SeededDesign::product(SeededAxes {
        seed: Axis::values([i64::MIN, 0, i64::MAX]),
        pair: Axis::value([1, 2]),
        x: Axis::linspace(0.0, 1.0, 2),
    })
    .unwrap();
    assert_eq!(grid.len(), 6);
    assert_eq!(grid.get(5).unwrap().seed, i64::MAX);
    assert_eq!(
        grid.to_space().unwrap().columns().seed,
        &[i64::MIN, i64::MIN, 0, 0, i64::MAX, i64::MAX]
    );
    let draws = SeededDesign::random(
        1000,
        Sampler::Uniform,
        3,
        SeededAxes {
            seed: Axis::uniform(-5, 5),
            pair: Axis::value([0, 0]),
            x: Axis::value(1.0),
        },
    )
    .unwrap();
    assert!(draws.iter().all(|p| (-5..5).contains(&p.seed)));
    assert!(draws.iter().any(|p| p.seed == -5) && draws.iter().any(|p| p.seed == 4));
}
