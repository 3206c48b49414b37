//! Pack arithmetic: every operation of `FloatPack` works lane by lane, for
//! every lane count, and a `Lockstep` pack computes exactly what its
//! registers would one at a time.

use dataspace::prelude::*;

/// Test inputs: a few ordinary values per lane, distinct across lanes.
fn lanes<const V: usize>(scale: f64) -> [f64; V] {
    core::array::from_fn(|k| (k as f64 * 0.37 - 2.1) * scale + 0.05)
}

fn pack<T: Float<V>, const V: usize>(values: [f64; V]) -> T::Pack {
    <T::Pack as Pack<V>>::from_array(values.map(T::from_fill))
}

fn to_f64<T: Float<V> + Into<f64>, const V: usize>(pack: T::Pack) -> [f64; V] {
    Pack::<V>::to_array(pack).map(Into::into)
}

/// Checks each unary and binary operation against the scalar std function,
/// within `tol` relative (the transcendental functions are polynomial
/// approximations in `wide`).
fn check_lanewise<T: Float<V> + Into<f64>, const V: usize>(tol: f64) {
    let a = lanes::<V>(1.0);
    let b = lanes::<V>(-0.5);
    let c = lanes::<V>(0.25);
    let (pa, pb, pc) = (pack::<T, V>(a), pack::<T, V>(b), pack::<T, V>(c));
    let close = |got: f64, want: f64, what: &str, k: usize| {
        let err = (got - want).abs() / want.abs().max(1.0);
        assert!(err <= tol, "{what} lane {k} of {V}: {got} vs {want}");
    };
    let positive = pack::<T, V>(a.map(f64::abs));
    type Unary<P> = (&'static str, fn(P) -> P, fn(f64) -> f64);
    let unary: [Unary<T::Pack>; 8] = [
        ("neg", |x| -x, |x| -x),
        ("abs", FloatPack::abs, f64::abs),
        ("exp", FloatPack::exp, f64::exp),
        ("sin", FloatPack::sin, f64::sin),
        ("cos", FloatPack::cos, f64::cos),
        ("tanh", FloatPack::tanh, f64::tanh),
        ("sqrt", FloatPack::sqrt, f64::sqrt),
        ("ln", FloatPack::ln, f64::ln),
    ];
    for (what, op, reference) in unary {
        let input = if matches!(what, "sqrt" | "ln") {
            positive
        } else {
            pa
        };
        let inputs = to_f64::<T, V>(input);
        for (k, got) in to_f64::<T, V>(op(input)).into_iter().enumerate() {
            close(got, reference(inputs[k]), what, k);
        }
    }
    type Binary<P> = (&'static str, fn(P, P) -> P, fn(f64, f64) -> f64);
    let binary: [Binary<T::Pack>; 6] = [
        ("add", |x, y| x + y, |x, y| x + y),
        ("sub", |x, y| x - y, |x, y| x - y),
        ("mul", |x, y| x * y, |x, y| x * y),
        ("div", |x, y| x / y, |x, y| x / y),
        ("min", FloatPack::min, f64::min),
        ("max", FloatPack::max, f64::max),
    ];
    let (fa, fb, fc) = (to_f64::<T, V>(pa), to_f64::<T, V>(pb), to_f64::<T, V>(pc));
    for (what, op, reference) in binary {
        for (k, got) in to_f64::<T, V>(op(pa, pb)).into_iter().enumerate() {
            close(got, reference(fa[k], fb[k]), what, k);
        }
    }
    for (k, got) in to_f64::<T, V>(pa.mul_add(pb, pc)).into_iter().enumerate() {
        close(got, fa[k] * fb[k] + fc[k], "mul_add", k);
    }
    for (k, got) in to_f64::<T, V>(pa.mul_neg_add(pb, pc))
        .into_iter()
        .enumerate()
    {
        close(got, fc[k] - fa[k] * fb[k], "mul_neg_add", k);
    }
    let mut acc = pa;
    acc += pb;
    acc -= pc;
    acc *= pb;
    acc /= pc;
    for (k, got) in to_f64::<T, V>(acc).into_iter().enumerate() {
        close(
            got,
            (fa[k] + fb[k] - fc[k]) * fb[k] / fc[k],
            "assign ops",
            k,
        );
    }

    // Comparisons give masks; select picks by them.
    let picked = to_f64::<T, V>(pa.simd_lt(pb).select(pa, pb));
    let ge = to_f64::<T, V>(pa.simd_ge(pb).select(pc, pa));
    for k in 0..V {
        assert_eq!(picked[k], fa[k].min(fb[k]), "select(lt) lane {k}");
        assert_eq!(
            ge[k],
            if fa[k] >= fb[k] { fc[k] } else { fa[k] },
            "select(ge) lane {k}"
        );
    }
    assert!(pa.simd_eq(pa).any());
    assert!(!pa.simd_gt(pa).any());
    assert!(pa.simd_le(pa).any());
    let with_nan = pa / pack::<T, V>([0.0; V]) * pack::<T, V>([0.0; V]); // 0/0 * 0 and x/0 * 0: NaN
    assert!(with_nan.is_nan().any());

    // sum_lanes adds the first n lanes in order.
    for n in [0, 1, V / 2, V - 1, V, V + 3] {
        let want = fa[..n.min(V)]
            .iter()
            .fold(T::from_fill(0.0), |s, &x| add(s, T::from_fill(x)));
        assert!(pa.sum_lanes(n) == want, "sum of {n} of {V} lanes");
    }
}

fn add<T: Into<f64> + Scalar>(a: T, b: T) -> T {
    // Exact for the test values: every partial sum is a multiple of 2^-10
    // well inside f32's range, so f64 and f32 give the same result.
    T::from_fill(a.into() + b.into())
}

#[test]
fn f32_packs_are_lanewise_at_every_width() {
    check_lanewise::<f32, 4>(2e-6);
    check_lanewise::<f32, 8>(2e-6);
    check_lanewise::<f32, 16>(2e-6);
    check_lanewise::<f32, 32>(2e-6);
    check_lanewise::<f32, 64>(2e-6);
}

#[test]
fn f64_packs_are_lanewise_at_every_width() {
    check_lanewise::<f64, 2>(1e-12);
    check_lanewise::<f64, 4>(1e-12);
    check_lanewise::<f64, 8>(1e-12);
    check_lanewise::<f64, 16>(1e-12);
    check_lanewise::<f64, 32>(1e-12);
}

/// A short nonlinear recurrence, generic over V, as a kernel would be written.
fn iterate<const V: usize>(x: F32<V>) -> F32<V>
where
    f32: Float<V>,
{
    let mut y = x;
    for _ in 0..50 {
        y = y.mul_add(F32::<V>::splat(0.9), x.tanh()) - (y * y).sqrt().min(F32::<V>::splat(3.0));
    }
    y
}

#[test]
fn lockstep_lanes_equal_one_register_lanes_bit_for_bit() {
    let input: [f32; 64] = core::array::from_fn(|k| k as f32 * 0.01 - 0.3);
    let wide: [f32; 64] = iterate::<64>(F32::<64>::from_array(input)).to_array();
    let halves: [f32; 32] =
        iterate::<32>(F32::<32>::from_array(input[32..].try_into().unwrap())).to_array();
    for r in 0..4 {
        let one: [f32; 16] = iterate::<16>(F32::<16>::from_array(
            input[16 * r..16 * (r + 1)].try_into().unwrap(),
        ))
        .to_array();
        for k in 0..16 {
            assert_eq!(
                wide[16 * r + k].to_bits(),
                one[k].to_bits(),
                "lane {}",
                16 * r + k
            );
        }
    }
    for k in 0..32 {
        assert_eq!(halves[k].to_bits(), wide[32 + k].to_bits());
    }
    let eight: [f32; 8] =
        iterate::<8>(F32::<8>::from_array(input[8..16].try_into().unwrap())).to_array();
    for k in 0..8 {
        assert_eq!(
            eight[k].to_bits(),
            wide[8 + k].to_bits(),
            "f32x8 and a lockstep pack agree"
        );
    }
}

#[test]
fn lockstep_lanes_are_in_point_order() {
    let values: [i32; 64] = core::array::from_fn(|k| k as i32);
    let pack = <<i32 as Packable<64>>::Pack as Pack<64>>::from_array(values);
    assert_eq!(pack.0[2].to_array()[5], 37);
    assert_eq!(Pack::<64>::to_array(pack), values);
    let f = <F64<32> as Pack<32>>::load(&core::array::from_fn(|k| k as f64));
    assert_eq!(f.0[3].to_array()[7], 31.0);
    assert_eq!(f.sum_lanes(32), (0..32).sum::<i32>() as f64);
    assert_eq!(f.sum_lanes(10), 45.0);
}

/// Awkward inputs for the operations with special-value rules.
const SPECIAL: [f64; 16] = [
    0.0,
    -0.0,
    0.5,
    -0.5,
    1.5,
    -1.5,
    2.0,
    -7.25,
    1e30,
    -1e-30,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    3.0,
    -3.0,
    0.999,
];

/// `recip`, `floor`, `is_finite`, `clip` and `from_scalar` lane by lane
/// against the scalar functions, special values included, at width `V`.
fn check_special<T: Float<V> + Into<f64>, const V: usize>() {
    let values: [f64; V] = core::array::from_fn(|k| SPECIAL[k % SPECIAL.len()]);
    let p = pack::<T, V>(values);
    let x = to_f64::<T, V>(p);
    let same = |got: f64, want: f64, what: &str, k: usize| {
        assert!(
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
            "{what} lane {k} of {V}: {got} vs {want} (input {})",
            x[k]
        );
    };
    let recip = to_f64::<T, V>(p.recip());
    let floor = to_f64::<T, V>(p.floor());
    let finite = Pack::<V>::to_array(p.is_finite());
    for k in 0..V {
        // 1/x in the lane type, then widened.
        let want: f64 = T::from_fill(1.0 / x[k]).into();
        same(recip[k], want, "recip", k);
        same(floor[k], x[k].floor(), "floor", k);
        // A mask lane is all ones (NaN as a float) where true, zero where false.
        let mask: f64 = finite[k].into();
        assert_eq!(mask.is_nan(), x[k].is_finite(), "is_finite lane {k} of {V}");
    }
    let (lo, hi) = (pack::<T, V>([-1.0; V]), pack::<T, V>([1.0; V]));
    let clipped = to_f64::<T, V>(p.clip(lo, hi));
    for k in 0..V {
        same(clipped[k], x[k].clamp(-1.0, 1.0), "clip", k);
    }
    // NaN bounds leave that side unclamped.
    let nan = pack::<T, V>([f64::NAN; V]);
    let open_low = to_f64::<T, V>(p.clip(nan, hi));
    for k in 0..V {
        let want = if x[k] > 1.0 { 1.0 } else { x[k] };
        same(open_low[k], want, "clip with a NaN low bound", k);
    }
    let splat = to_f64::<T, V>(T::Pack::from_scalar(T::from_fill(-2.5)));
    assert!(splat.iter().all(|&v| v == -2.5));
}

#[test]
fn recip_floor_is_finite_and_clip_follow_the_scalar_rules_at_every_width() {
    check_special::<f32, 4>();
    check_special::<f32, 8>();
    check_special::<f32, 16>();
    check_special::<f32, 32>();
    check_special::<f32, 64>();
    check_special::<f64, 2>();
    check_special::<f64, 4>();
    check_special::<f64, 8>();
    check_special::<f64, 16>();
    check_special::<f64, 32>();
}

/// The distance in units in the last place between two finite floats of
/// one sign (as integers on the ordered bit patterns).
fn ulps_f32(a: f32, b: f32) -> u32 {
    let key = |x: f32| {
        let bits = x.to_bits() as i32;
        if bits < 0 { i32::MIN - bits } else { bits }
    };
    key(a).abs_diff(key(b))
}

fn ulps_f64(a: f64, b: f64) -> u64 {
    let key = |x: f64| {
        let bits = x.to_bits() as i64;
        if bits < 0 { i64::MIN - bits } else { bits }
    };
    key(a).abs_diff(key(b))
}

// `FloatPack::exp(x)`, not `x.exp()`: on a concrete `wide` type the method
// call would pick `wide`'s inherent `exp`.

#[test]
fn exp_is_within_two_ulp_over_its_whole_range_at_every_width() {
    // f32: every 1/64 of a unit over [-104, 89], against f64's exp rounded
    // to f32 (correctly rounded but for rare double roundings).
    let xs: Vec<f32> = (-104 * 64..=89 * 64).map(|k| k as f32 / 64.0).collect();
    let mut worst = 0;
    for chunk in xs.chunks(64) {
        let mut lanes = [0.0f32; 64];
        lanes[..chunk.len()].copy_from_slice(chunk);
        let got = FloatPack::exp(F32::<64>::from_array(lanes)).to_array();
        for (&x, &y) in chunk.iter().zip(&got) {
            let want = f64::from(x).exp() as f32;
            if want.is_infinite() || want == 0.0 {
                assert_eq!(y, want, "exp({x})");
            } else if want.is_normal() {
                worst = worst.max(ulps_f32(y, want));
            } else {
                // Subnormal results: within 2 of the smallest subnormal.
                assert!(ulps_f32(y, want) <= 2, "exp({x}) = {y}, want {want}");
            }
        }
    }
    assert!(worst <= 2, "f32 exp: {worst} ulp");
    // f64: against std's exp (itself within 1 ulp).
    let mut worst = 0;
    for k in -745 * 32..=709 * 32 {
        let x = k as f64 / 32.0 + 0.001;
        let y = FloatPack::exp(F64::<8>::splat(x)).to_array()[3];
        let want = x.exp();
        if want.is_normal() {
            worst = worst.max(ulps_f64(y, want));
        }
    }
    assert!(worst <= 3, "f64 exp: {worst} ulp");
}

#[test]
fn exp_special_values_and_the_same_bits_at_every_width() {
    let specials = [
        0.0f32,
        -0.0,
        1.0,
        -1.0,
        88.72,
        88.73,
        -87.0,
        -103.0,
        -104.5,
        1e-8,
        f32::INFINITY,
        f32::NEG_INFINITY,
        f32::NAN,
        200.0,
        -200.0,
        0.5,
    ];
    let wide = FloatPack::exp(<F32<16> as Pack<16>>::from_array(specials)).to_array();
    assert_eq!(wide[0], 1.0);
    assert_eq!(wide[1], 1.0);
    assert!(wide[4].is_finite() && wide[5].is_infinite());
    assert!(wide[6] > 0.0 && wide[7] > 0.0 && wide[7] < f32::MIN_POSITIVE);
    assert_eq!(wide[8], 0.0);
    assert_eq!(wide[9], 1.0 + 1e-8);
    assert_eq!((wide[10], wide[11]), (f32::INFINITY, 0.0));
    assert!(wide[12].is_nan());
    assert_eq!((wide[13], wide[14]), (f32::INFINITY, 0.0));
    // The same bits at every width; NaN as NaN (no payload is kept).
    let bits = |x: &[f32]| {
        x.iter()
            .map(|v| if v.is_nan() { u32::MAX } else { v.to_bits() })
            .collect::<Vec<_>>()
    };
    let four: Vec<f32> = specials
        .chunks(4)
        .flat_map(|c| FloatPack::exp(F32::<4>::from_array(c.try_into().unwrap())).to_array())
        .collect();
    let eight: Vec<f32> = specials
        .chunks(8)
        .flat_map(|c| FloatPack::exp(F32::<8>::from_array(c.try_into().unwrap())).to_array())
        .collect();
    let mut lanes = [0.0f32; 64];
    lanes[..16].copy_from_slice(&specials);
    let sixty_four = FloatPack::exp(F32::<64>::from_array(lanes)).to_array();
    assert_eq!(bits(&four), bits(&wide));
    assert_eq!(bits(&eight), bits(&wide));
    assert_eq!(bits(&sixty_four[..16]), bits(&wide));
    let f64s = [
        0.0f64,
        709.7,
        709.8,
        -744.0,
        -746.0,
        f64::NAN,
        f64::NEG_INFINITY,
        1.0,
    ];
    let y = FloatPack::exp(F64::<8>::from_array(f64s)).to_array();
    assert_eq!(y[0], 1.0);
    assert!(y[1].is_finite() && y[2].is_infinite());
    assert!(
        y[3] > 0.0 && y[4] == 0.0 && y[5].is_nan() && y[6] == 0.0,
        "{y:?}"
    );
    let y2: Vec<f64> = f64s
        .chunks(2)
        .flat_map(|c| FloatPack::exp(F64::<2>::from_array(c.try_into().unwrap())).to_array())
        .collect();
    let bits64 = |x: &[f64]| {
        x.iter()
            .map(|v| if v.is_nan() { u64::MAX } else { v.to_bits() })
            .collect::<Vec<_>>()
    };
    assert_eq!(bits64(&y2), bits64(&y));
}

/// `$f` (a closure body over the pack `$x`) applied to the f32 values `$xs`
/// in packs of `$width` lanes (4..=64; tail lanes 0), the results in order.
macro_rules! packwise {
    ($xs:expr, $width:expr, |$x:ident| $body:expr) => {{
        let mut out = Vec::with_capacity($xs.len());
        for chunk in $xs.chunks($width) {
            let mut lanes = [0.0f32; 64];
            lanes[..chunk.len()].copy_from_slice(chunk);
            let y: Vec<f32> = match $width {
                4 => {
                    let $x = F32::<4>::from_array(lanes[..4].try_into().unwrap());
                    $body.to_array().to_vec()
                }
                8 => {
                    let $x = F32::<8>::from_array(lanes[..8].try_into().unwrap());
                    $body.to_array().to_vec()
                }
                16 => {
                    let $x = F32::<16>::from_array(lanes[..16].try_into().unwrap());
                    $body.to_array().to_vec()
                }
                32 => {
                    let $x = F32::<32>::from_array(lanes[..32].try_into().unwrap());
                    $body.to_array().to_vec()
                }
                _ => {
                    let $x = F32::<64>::from_array(lanes);
                    $body.to_array().to_vec()
                }
            };
            out.extend_from_slice(&y[..chunk.len()]);
        }
        out
    }};
}

#[test]
fn logistic_is_within_three_ulp_and_the_same_at_every_width() {
    let xs: Vec<f32> = (-120 * 64..=120 * 64).map(|k| k as f32 / 64.0).collect();
    let mut worst = 0;
    let mut by_width: Vec<Vec<u32>> = Vec::new();
    for width in [4usize, 8, 16, 32, 64] {
        let out = packwise!(xs, width, |x| x.logistic());
        by_width.push(out.iter().map(|v| v.to_bits()).collect());
        if width == 16 {
            for (&x, &y) in xs.iter().zip(&out) {
                let want = 1.0 / (1.0 + (-f64::from(x)).exp());
                if want > 1e-37 {
                    worst = worst.max(ulps_f32(y, want as f32));
                } else {
                    assert!(y >= 0.0 && f64::from(y) <= 1e-37, "logistic({x}) = {y}");
                }
            }
        }
    }
    assert!(worst <= 3, "logistic: {worst} ulp");
    for other in &by_width[1..] {
        assert_eq!(other, &by_width[0]);
    }
    // f64 over its range on a 1/64 grid, against std's exp (itself within
    // 1 ulp, so the bound is one wider than f32's) at two widths.
    let xs: Vec<f64> = (-700 * 64..=700 * 64).map(|k| k as f64 / 64.0).collect();
    let mut worst = 0;
    for chunk in xs.chunks(16) {
        let mut lanes = [0.0f64; 16];
        lanes[..chunk.len()].copy_from_slice(chunk);
        let narrow = F64::<4>::from_array(lanes[..4].try_into().unwrap()).logistic();
        let wide = F64::<16>::from_array(lanes).logistic().to_array();
        assert_eq!(narrow.to_array(), wide[..4]);
        for (&x, &y) in chunk.iter().zip(&wide) {
            let want = 1.0 / (1.0 + (-x).exp());
            if want > 1e-307 {
                worst = worst.max(ulps_f64(y, want));
            }
        }
    }
    assert!(worst <= 4, "f64 logistic: {worst} ulp");
    // The special values.
    let y = F64::<4>::from_array([0.0, 30.0, -800.0, f64::NAN])
        .logistic()
        .to_array();
    assert_eq!(y[0], 0.5);
    assert!((y[1] - 1.0 / (1.0 + (-30f64).exp())).abs() <= 2.0 * f64::EPSILON);
    assert!(y[2] >= 0.0 && y[2] <= 1e-307 && y[3].is_nan());
    let inf = F32::<8>::from_array([
        f32::INFINITY,
        f32::NEG_INFINITY,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
        0.0,
    ])
    .logistic()
    .to_array();
    assert_eq!(inf[0], 1.0);
    assert!(inf[1] >= 0.0 && inf[1] < 1e-37);
}

#[test]
fn logistic_times_is_its_scale_over_the_logistic_denominator() {
    // scale / (1 + e^-x): within 3 ulp of the exact value, the same bits at
    // every width, and `logistic` itself for scale 1.
    let scales = [1.0f32, 0.005, -3.5, 1e30, 0.0];
    let xs: Vec<f32> = (-100 * 32..=100 * 32).map(|k| k as f32 / 32.0).collect();
    for &scale in &scales {
        let mut worst = 0;
        let mut by_width: Vec<Vec<u32>> = Vec::new();
        for width in [4usize, 16, 64] {
            let out = packwise!(xs, width, |x| x
                .logistic_times(FloatPack::from_scalar(scale)));
            by_width.push(out.iter().map(|v| v.to_bits()).collect());
            for (&x, &y) in xs.iter().zip(&out) {
                let want = f64::from(scale) / (1.0 + (-f64::from(x)).exp());
                if want.abs() > f64::from(scale).abs() * 1e-37 {
                    worst = worst.max(ulps_f32(y, want as f32));
                } else {
                    assert!(f64::from(y).abs() <= f64::from(scale).abs() * 1e-37 + 1e-45);
                }
            }
        }
        assert!(worst <= 3, "scale {scale}: {worst} ulp");
        for other in &by_width[1..] {
            assert_eq!(other, &by_width[0], "scale {scale}");
        }
        if scale == 1.0 {
            let plain: Vec<u32> = packwise!(xs, 16, |x| x.logistic())
                .iter()
                .map(|v| v.to_bits())
                .collect();
            assert_eq!(plain, by_width[0]);
        }
    }
    // f64, NaN, and a NaN scale.
    let y = F64::<4>::from_array([0.0, 2.0, f64::NAN, 1.0])
        .logistic_times(F64::<4>::from_array([4.0, 1.0, 1.0, f64::NAN]))
        .to_array();
    assert_eq!(y[0], 2.0);
    assert!((y[1] - 1.0 / (1.0 + (-2f64).exp())).abs() <= 2.0 * f64::EPSILON);
    assert!(y[2].is_nan() && y[3].is_nan());
}

/// `FloatPack::quotient` (the sigmoids' division): within 0.55 ulp of the
/// exact quotient for denominators in [1, 2^126) (a division, or on an
/// AVX-512 build `vrcp14ps` and one Newton step), NaN for NaN, and the
/// same bits at every `f32` lane count.
#[test]
fn quotient_is_within_half_an_ulp_and_the_same_at_every_width() {
    fn at<const V: usize>(a: &[f32], d: &[f32]) -> Vec<u32>
    where
        f32: Float<V>,
    {
        a.chunks(V)
            .zip(d.chunks(V))
            .flat_map(|(a, d)| {
                let (a, d) = (
                    F32::<V>::from_array(a.try_into().unwrap()),
                    F32::<V>::from_array(d.try_into().unwrap()),
                );
                a.quotient(d).to_array().map(f32::to_bits)
            })
            .collect()
    }
    // Numerators of every binade the sigmoids' scales take, denominators
    // from 1 to just below 2^126, with exact powers of two and their neighbours.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n = 64 * 4096;
    let mut a: Vec<f32> = (0..n)
        .map(|_| {
            f32::from_bits(((next() as u32) & 0x007f_ffff) | ((100 + (next() % 50) as u32) << 23))
        })
        .collect();
    let mut d: Vec<f32> = (0..n)
        .map(|_| {
            f32::from_bits(((next() as u32) & 0x007f_ffff) | ((127 + (next() % 126) as u32) << 23))
        })
        .collect();
    for (k, e) in (0..126).enumerate() {
        d[3 * k] = 2f32.powi(e);
        d[3 * k + 1] = f32::from_bits(2f32.powi(e).to_bits() + 1);
        d[3 * k + 2] = f32::from_bits(2f32.powi(e + 1).to_bits() - 1);
    }
    (a[500], d[501]) = (f32::NAN, f32::NAN);
    let got = at::<16>(&a, &d);
    assert_eq!(got, at::<4>(&a, &d));
    assert_eq!(got, at::<8>(&a, &d));
    assert_eq!(got, at::<32>(&a, &d));
    assert_eq!(got, at::<64>(&a, &d));
    let mut worst = 0.0f64;
    for ((&a, &d), &q) in a.iter().zip(&d).zip(&got) {
        let q = f32::from_bits(q);
        if a.is_nan() || d.is_nan() {
            assert!(q.is_nan());
            continue;
        }
        let exact = f64::from(a) / f64::from(d);
        let ulp = f64::from(f32::from_bits((exact as f32).to_bits() + 1) - exact as f32);
        worst = worst.max((f64::from(q) - exact).abs() / ulp);
    }
    assert!(worst <= 0.55, "worst {worst} ulp");
}

/// `FloatPack::box_muller` (the normals of `Philox::normal`): `f32` packs
/// by polynomials, within 4e-7 of the radius (relative) and 4e-7 times the
/// radius of each coordinate, for uniforms in (0, 1] and angles in
/// [0, 1); the same bits at every lane count.
#[test]
fn box_muller_is_within_its_bound_and_the_same_at_every_width() {
    fn at<const V: usize>(u: &[f32], t: &[f32]) -> Vec<[u32; 2]>
    where
        f32: Float<V>,
    {
        u.chunks(V)
            .zip(t.chunks(V))
            .flat_map(|(u, t)| {
                let (u, t) = (
                    F32::<V>::from_array(u.try_into().unwrap()),
                    F32::<V>::from_array(t.try_into().unwrap()),
                );
                let [x, y] = u.box_muller(t);
                let (x, y) = (x.to_array(), y.to_array());
                (0..V).map(move |k| [x[k].to_bits(), y[k].to_bits()])
            })
            .collect()
    }
    let n: usize = 64 * 8192;
    // Every uniform Philox gives is (k + 1/2) 2^-23... cover (0, 1] and its
    // smallest values, and angles across [0, 1) with the quarter turns' edges.
    let u: Vec<f32> = (0..n)
        .map(|i| match i % 4 {
            0 => (i as f32 + 0.5) / n as f32,
            1 => f32::from_bits(0x3380_0000 + (i as u32 % 1000)), // near 2^-24
            2 => 1.0 - (i % 4096) as f32 * 2f32.powi(-24),
            _ => ((i * 7919) % n) as f32 / n as f32 + 0.5 / n as f32,
        })
        .collect();
    let t: Vec<f32> = (0..n)
        .map(|i| match i % 3 {
            0 => i as f32 / n as f32,
            1 => ((i % 4) as f32 * 0.25 + (i % 5) as f32 * 2f32.powi(-24)).min(0.999_999_94),
            _ => ((i * 104_729) % n) as f32 / n as f32,
        })
        .collect();
    let got = at::<16>(&u, &t);
    assert_eq!(got, at::<4>(&u, &t));
    assert_eq!(got, at::<8>(&u, &t));
    assert_eq!(got, at::<64>(&u, &t));
    let (mut worst_radius, mut worst_coordinate) = (0.0f64, 0.0f64);
    for ((&u, &t), &[x, y]) in u.iter().zip(&t).zip(&got) {
        let (x, y) = (f64::from(f32::from_bits(x)), f64::from(f32::from_bits(y)));
        let radius = (-2.0 * f64::from(u).ln()).sqrt();
        let angle = std::f64::consts::TAU * f64::from(t);
        if radius > 1e-3 {
            worst_radius = worst_radius.max(((x * x + y * y).sqrt() - radius).abs() / radius);
        }
        let scale = radius.max(1e-3);
        worst_coordinate = worst_coordinate
            .max((x - radius * angle.cos()).abs() / scale)
            .max((y - radius * angle.sin()).abs() / scale);
    }
    eprintln!("box_muller: radius {worst_radius:.2e}, coordinates {worst_coordinate:.2e}");
    assert!(worst_radius <= 4e-7, "radius off by {worst_radius:e}");
    assert!(
        worst_coordinate <= 4e-7,
        "a coordinate off by {worst_coordinate:e} of the radius"
    );
}
