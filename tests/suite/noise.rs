//! Random numbers per point (`Philox`, `Lanes::index`): Random123's
//! known-answer vectors through the public layout in every lane position of
//! every pack width, an independent Python reference for the transforms,
//! the same bits whatever cuts the run (lane counts, threads, blocks,
//! slices, shards, designs), and the statistics of a million draws.

use dataspace::noise::{philox4x32_10, uniform_f32, uniform_f64};
use dataspace::prelude::*;
use dataspace::{Axis, Philox};
use std::path::Path;

/// Random123's kat_vectors for philox4x32 with 10 rounds.
const KAT: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
    (
        [0; 4],
        [0; 2],
        [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8],
    ),
    (
        [u32::MAX; 4],
        [u32::MAX; 2],
        [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd],
    ),
    (
        [0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344],
        [0xa409_3822, 0x299f_31d0],
        [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1],
    ),
];

/// A known-answer vector as (seed, point, stream, counter) of the crate's layout.
fn as_layout((counter, key, _): ([u32; 4], [u32; 2], [u32; 4])) -> (u64, u64, u32, u32) {
    let seed = (u64::from(key[1]) << 32) | u64::from(key[0]);
    let point = (u64::from(counter[2]) << 32) | u64::from(counter[1]);
    (seed, point, counter[3], counter[0])
}

#[test]
fn the_known_answers_come_out_of_the_documented_layout() {
    for kat in KAT {
        assert_eq!(philox4x32_10(kat.0, kat.1), kat.2);
        let (seed, point, stream, counter) = as_layout(kat);
        assert_eq!(Philox::new(seed).words(point, stream, counter), kat.2);
    }
}

/// Each known-answer point in every lane of a `V`-lane draw: the words, and
/// the `f32` uniforms made of them.
fn known_answers_in_every_lane<const V: usize>()
where
    f32: Float<V>,
{
    for kat in KAT {
        let (seed, point, stream, counter) = as_layout(kat);
        let noise = Philox::new(seed);
        for lane in 0..V {
            // Lane `lane` of the pack starting `lane` points earlier.
            let first = (point as usize).wrapping_sub(lane);
            let words = noise.words_lanes::<V>(first, stream, counter);
            assert_eq!(words.map(|w| w[lane]), kat.2, "V = {V}, lane {lane}");
            let uniforms = noise.uniform::<V>(first, stream, counter);
            for (u, word) in uniforms.iter().zip(kat.2) {
                assert_eq!(u.to_array()[lane], uniform_f32(word));
            }
        }
    }
}

fn known_answers_in_every_f64_lane<const V: usize>()
where
    f64: Float<V>,
{
    for kat in KAT {
        let (seed, point, stream, counter) = as_layout(kat);
        let noise = Philox::new(seed);
        for lane in 0..V {
            let first = (point as usize).wrapping_sub(lane);
            let [a, b] = noise.uniform_f64::<V>(first, stream, counter);
            assert_eq!(a.to_array()[lane], uniform_f64(kat.2[0], kat.2[1]));
            assert_eq!(b.to_array()[lane], uniform_f64(kat.2[2], kat.2[3]));
        }
    }
}

#[test]
fn known_answers_in_every_lane_of_every_pack_width() {
    known_answers_in_every_lane::<4>();
    known_answers_in_every_lane::<8>();
    known_answers_in_every_lane::<16>();
    known_answers_in_every_lane::<32>();
    known_answers_in_every_lane::<64>();
    known_answers_in_every_f64_lane::<2>();
    known_answers_in_every_f64_lane::<4>();
    known_answers_in_every_f64_lane::<8>();
    known_answers_in_every_f64_lane::<16>();
    known_answers_in_every_f64_lane::<32>();
}

/// `tests/data/philox_reference.csv`, written by `philox_reference.py` beside it.
fn reference_rows() -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/philox_reference.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("seed,point,stream,counter,w0")
    );
    lines
        .map(|line| line.split(',').map(str::to_owned).collect())
        .collect()
}

#[test]
fn the_python_reference_agrees() {
    let rows = reference_rows();
    assert_eq!(rows.len(), 21);
    for row in rows {
        let int = |i: usize| row[i].parse::<u64>().unwrap();
        let float = |i: usize| row[i].parse::<f64>().unwrap();
        let (seed, point, stream, counter) = (int(0), int(1), int(2) as u32, int(3) as u32);
        let noise = Philox::new(seed);
        let words = noise.words(point, stream, counter);
        assert_eq!(words.map(u64::from), [int(4), int(5), int(6), int(7)]);

        let first = point as usize;
        let uniforms = noise
            .uniform::<8>(first, stream, counter)
            .map(|u| u.to_array()[0]);
        let normals = noise
            .normal::<8>(first, stream, counter)
            .map(|n| n.to_array()[0]);
        for w in 0..4 {
            // The uniforms are exact in f32; the normals are f32 arithmetic
            // against float64.
            assert_eq!(f64::from(uniforms[w]), float(8 + w), "{row:?}");
            let want = float(12 + w);
            let error = (f64::from(normals[w]) - want).abs();
            assert!(
                error <= 4e-6 * (1.0 + want.abs()),
                "{row:?}: normal {w} {}",
                normals[w]
            );
        }

        let uniforms = noise
            .uniform_f64::<4>(first, stream, counter)
            .map(|u| u.to_array()[0]);
        let normals = noise
            .normal_f64::<4>(first, stream, counter)
            .map(|n| n.to_array()[0]);
        for w in 0..2 {
            assert_eq!(uniforms[w], float(16 + w), "{row:?}");
            let want = float(18 + w);
            assert!(
                (normals[w] - want).abs() <= 1e-12 * (1.0 + want.abs()),
                "{row:?}"
            );
        }
    }
}

/// Draws of `n` points from point `first`, made `V` at a time.
fn draws<const V: usize>(noise: Philox, first: usize, n: usize, counter: u32) -> Vec<[f32; 4]>
where
    f32: Float<V>,
{
    let mut out = Vec::with_capacity(n + V);
    for start in (first..first + n).step_by(V) {
        let packs = noise.normal::<V>(start, 3, counter).map(|p| p.to_array());
        out.extend((0..V).map(|i| packs.map(|p| p[i])));
    }
    out.truncate(n);
    out
}

fn draws_f64<const V: usize>(noise: Philox, first: usize, n: usize) -> Vec<[f64; 2]>
where
    f64: Float<V>,
{
    let mut out = Vec::with_capacity(n + V);
    for start in (first..first + n).step_by(V) {
        let packs = noise.normal_f64::<V>(start, 0, 11).map(|p| p.to_array());
        out.extend((0..V).map(|i| packs.map(|p| p[i])));
    }
    out.truncate(n);
    out
}

fn same_bits<const K: usize, T: Scalar>(a: &[[T; K]], b: &[[T; K]]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.iter().zip(y).all(|(x, y)| x.same_bits(*y)))
}

#[test]
fn a_point_draws_the_same_bits_at_every_lane_count() {
    let noise = Philox::new(99);
    // Starts off every pack boundary, and points past 2^32.
    for first in [0usize, 5, (1 << 32) - 7] {
        let reference = draws::<4>(noise, first, 256, 17);
        assert!(same_bits(&reference, &draws::<8>(noise, first, 256, 17)));
        assert!(same_bits(&reference, &draws::<16>(noise, first, 256, 17)));
        assert!(same_bits(&reference, &draws::<32>(noise, first, 256, 17)));
        assert!(same_bits(&reference, &draws::<64>(noise, first, 256, 17)));
        let reference = draws_f64::<2>(noise, first, 256);
        assert!(same_bits(&reference, &draws_f64::<4>(noise, first, 256)));
        assert!(same_bits(&reference, &draws_f64::<8>(noise, first, 256)));
        assert!(same_bits(&reference, &draws_f64::<16>(noise, first, 256)));
        assert!(same_bits(&reference, &draws_f64::<32>(noise, first, 256)));
    }
}

#[test]
fn streams_counters_seeds_and_points_give_different_words() {
    let noise = Philox::new(5);
    let base = noise.words(10, 0, 0);
    assert_ne!(base, noise.words(11, 0, 0));
    assert_ne!(base, noise.words(10, 1, 0));
    assert_ne!(base, noise.words(10, 0, 1));
    assert_ne!(base, noise.words(10 + (1 << 32), 0, 0));
    assert_ne!(base, Philox::new(5 + (1 << 32)).words(10, 0, 0));
    assert_eq!(Philox::new(5).seed(), 5);
}

// ---------------------------------------------------------------- statistics

/// The standard normal CDF, from erfc by Numerical Recipes' Chebyshev fit
/// (relative error below 1.2e-7, far below the KS critical value of 1.4e-3).
fn normal_cdf(x: f64) -> f64 {
    let z = x.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let erfc = t * poly.exp();
    if x >= 0.0 {
        1.0 - 0.5 * erfc
    } else {
        0.5 * erfc
    }
}

#[test]
fn the_cdf_used_below_is_right() {
    assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
    assert!((normal_cdf(1.0) - 0.841_344_746_068_543).abs() < 1e-7);
    assert!((normal_cdf(-2.5) - 0.006_209_665_325_776_132).abs() < 1e-7);
}

/// Mean, variance, skewness and excess kurtosis of `x`.
fn moments(x: &[f64]) -> [f64; 4] {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let m = |k: i32| x.iter().map(|v| (v - mean).powi(k)).sum::<f64>() / n;
    let var = m(2);
    [mean, var, m(3) / var.powf(1.5), m(4) / (var * var) - 3.0]
}

/// The Kolmogorov–Smirnov distance of `x` from the standard normal.
fn ks_distance(x: &mut [f64]) -> f64 {
    x.sort_by(f64::total_cmp);
    let n = x.len() as f64;
    x.iter()
        .enumerate()
        .map(|(i, &v)| {
            let f = normal_cdf(v);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

#[test]
fn a_million_normals_look_normal() {
    let noise = Philox::new(20240604);
    // 250,000 points x 4 draws, 64 points at a time.
    let mut x: Vec<f64> = draws::<64>(noise, 0, 250_000, 0)
        .into_iter()
        .flatten()
        .map(f64::from)
        .collect();
    assert_eq!(x.len(), 1_000_000);
    let n = x.len() as f64;
    let [mean, var, skew, kurt] = moments(&x);
    // Five standard errors each: sd(mean) = 1/sqrt(n), sd(var) = sqrt(2/n),
    // sd(skew) = sqrt(6/n), sd(kurt) = sqrt(24/n).
    assert!(mean.abs() < 5.0 / n.sqrt(), "mean {mean}");
    assert!((var - 1.0).abs() < 5.0 * (2.0 / n).sqrt(), "variance {var}");
    assert!(skew.abs() < 5.0 * (6.0 / n).sqrt(), "skewness {skew}");
    assert!(
        kurt.abs() < 5.0 * (24.0 / n).sqrt(),
        "excess kurtosis {kurt}"
    );
    // The 0.1 % critical value of the KS distance is 1.95 / sqrt(n).
    let d = ks_distance(&mut x);
    assert!(d < 1.95 / n.sqrt(), "KS distance {d}");
    assert!(d > 0.0);
}

#[test]
fn a_million_f64_normals_look_normal() {
    let mut x: Vec<f64> = draws_f64::<8>(Philox::new(1), 0, 500_000)
        .into_iter()
        .flatten()
        .collect();
    let n = x.len() as f64;
    let [mean, var, ..] = moments(&x);
    assert!(mean.abs() < 5.0 / n.sqrt(), "mean {mean}");
    assert!((var - 1.0).abs() < 5.0 * (2.0 / n).sqrt(), "variance {var}");
    let d = ks_distance(&mut x);
    assert!(d < 1.95 / n.sqrt(), "KS distance {d}");
}

#[test]
fn neighbouring_points_and_counters_are_uncorrelated() {
    let noise = Philox::new(42);
    let now: Vec<[f32; 4]> = draws::<16>(noise, 0, 250_001, 0);
    let next_step: Vec<[f32; 4]> = draws::<16>(noise, 0, 250_001, 1);
    let corr = |a: &[f64], b: &[f64]| {
        let n = a.len() as f64;
        let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
        let cov = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - ma) * (y - mb))
            .sum::<f64>();
        let va = a.iter().map(|x| (x - ma).powi(2)).sum::<f64>();
        let vb = b.iter().map(|y| (y - mb).powi(2)).sum::<f64>();
        cov / (va * vb).sqrt()
    };
    let word = |draws: &[[f32; 4]], w: usize| -> Vec<f64> {
        draws.iter().map(|d| f64::from(d[w])).collect()
    };
    for w in 0..4 {
        let x = word(&now, w);
        let bound = 5.0 / (x.len() as f64).sqrt();
        // Point i against point i + 1, at the same counter.
        let r = corr(&x[..x.len() - 1], &x[1..]);
        assert!(
            r.abs() < bound,
            "word {w}: neighbouring points correlate: {r}"
        );
        // One point's two consecutive counters.
        let r = corr(&x, &word(&next_step, w));
        assert!(
            r.abs() < bound,
            "word {w}: consecutive counters correlate: {r}"
        );
        // The words of one draw against each other.
        let r = corr(&x, &word(&now, (w + 1) % 4));
        assert!(r.abs() < bound, "words {w} and {}: {r}", (w + 1) % 4);
    }
}

// ---------------------------------------------------------------- in runs

#[derive(DataSpace, Clone, Debug, PartialEq)]
struct Walk {
    sigma: f32,
    #[space(fixed)]
    steps: u32,
}

const NOISE: Philox = Philox::new(20240604);

/// A noisy walk per point; depends on the point's index through the noise.
fn walk<const V: usize>(p: WalkLanes<'_, V>) -> F32<V>
where
    f32: Float<V>,
{
    let mut x = F32::<V>::splat(0.0);
    for step in 0..*p.steps {
        for xi in NOISE.normal::<V>(p.index(), 0, step) {
            x = xi.mul_add(p.sigma, x);
        }
    }
    x
}

fn walk_space(n: usize) -> WalkSpace {
    WalkSpace::new(WalkColumns {
        sigma: (0..n).map(|i| 0.5 + (i % 7) as f32 * 0.1).collect(),
        steps: 20,
    })
    .unwrap()
}

fn bits(x: &[f32]) -> Vec<u32> {
    x.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn lanes_know_their_index_in_stored_spaces_slices_shards_and_designs() {
    let space = walk_space(37);
    let first = |lanes: WalkLanes<'_, 8>| F32::<8>::splat(lanes.index() as f32);
    let got = Executor::sequential().run(&space, first).unwrap();
    let want: Vec<f32> = (0..37).map(|i| (i / 8 * 8) as f32).collect();
    assert_eq!(got, want);
    // A slice counts from the space it was cut from.
    let slice = space.slice(13..30).unwrap();
    let got = Executor::sequential().run(&slice, first).unwrap();
    let want: Vec<f32> = (0..17).map(|i| (13 + i / 8 * 8) as f32).collect();
    assert_eq!(got, want);
    // A lane's point is index() + lane.
    let lanes = slice.collect::<8>().pack(0, 1).unwrap();
    assert_eq!(lanes.index(), 21);
    assert_eq!(lanes.lane(2).unwrap().sigma, space.get(23).unwrap().sigma);
    // A design's lanes.
    let design = WalkDesign::product(WalkAxes {
        sigma: Axis::linspace(0.1, 1.0, 10),
        steps: 20,
    })
    .unwrap();
    let got = Executor::sequential().run(&design, first).unwrap();
    assert_eq!(got[9], 8.0);
    // The tail lanes of a pack past the end.
    let lanes = PackedSpace::<16>::load(&space, 32, f64::NAN);
    assert_eq!((lanes.index(), lanes.valid()), (32, 5));
    let past = PackedSpace::<16>::load(&space, 48, f64::NAN);
    assert_eq!((past.index(), past.valid()), (48, 0));
}

#[test]
fn a_noisy_sweep_gives_the_same_bits_however_it_is_cut() {
    for n in [0usize, 1, 7, 63, 65, 1000] {
        let space = walk_space(n);
        let reference = Executor::sequential().run(&space, walk::<4>).unwrap();
        assert_eq!(reference.len(), n);
        for executor in [
            Executor::sequential(),
            Executor::parallel(),
            Executor::parallel().n_pmap(3),
            Executor::parallel().threads(3).unwrap(),
        ] {
            for got in [
                executor.run(&space, walk::<8>).unwrap(),
                executor.run(&space, walk::<16>).unwrap(),
                executor.run(&space, walk::<32>).unwrap(),
                executor.run(&space, walk::<64>).unwrap(),
            ] {
                assert_eq!(bits(&got), bits(&reference), "N = {n}");
            }
        }
        // Shards (job-array tasks, MPI ranks) put together.
        for count in [1, 2, 3, 7] {
            let mut joined = Vec::new();
            for index in 0..count {
                let shard = space.shard(index, count).unwrap();
                joined.extend(Executor::parallel().run(&shard, walk::<64>).unwrap());
            }
            assert_eq!(bits(&joined), bits(&reference), "N = {n}, {count} shards");
        }
        // Any slice: its points' results as in the whole run.
        if n > 10 {
            let slice = space.slice(3..n - 2).unwrap();
            let got = Executor::parallel().run(&slice, walk::<16>).unwrap();
            assert_eq!(bits(&got), bits(&reference[3..n - 2]));
        }
    }
}

#[test]
fn a_design_draws_as_the_space_it_describes() {
    let design = WalkDesign::product(WalkAxes {
        sigma: Axis::linspace(0.1, 2.0, 97),
        steps: 20,
    })
    .unwrap();
    let space = design.to_space().unwrap();
    let stored = Executor::parallel().run(&space, walk::<16>).unwrap();
    let lazy = Executor::parallel().run(&design, walk::<64>).unwrap();
    assert_eq!(bits(&stored), bits(&lazy));
    assert!(stored.iter().all(|x| x.is_finite()));
    // Different points, different walks.
    assert_ne!(stored[0] / 0.1, stored[1] / design.get(1).unwrap().sigma);
}

#[test]
fn a_resumed_noisy_run_writes_the_same_bytes() {
    use dataspace::CsvSink;
    use dataspace::io::{Column, write_csv};
    let space = walk_space(1500);
    let out = Executor::parallel().run(&space, walk::<16>).unwrap();
    let mut whole = Vec::new();
    write_csv(&mut whole, &[&space, &Column::new("x", &out)]).unwrap();
    let file =
        std::env::temp_dir().join(format!("dataspace-noise-resume-{}.csv", std::process::id()));
    // Cut mid-file (mid-line), then resume with another lane count and
    // window layout: the noise of the points after the cut is keyed by
    // their indices, not by where the run restarted.
    for cut in [whole.len() / 3 + 5, whole.len() - 9] {
        std::fs::write(&file, &whole[..cut]).unwrap();
        let mut sink = CsvSink::open(&file, "x").unwrap();
        assert!(sink.written() > 0);
        Executor::parallel()
            .n_pmap(1)
            .run_into(&space, walk::<64>, &mut sink)
            .unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), whole, "cut at byte {cut}");
    }
    std::fs::remove_file(&file).unwrap();
}
