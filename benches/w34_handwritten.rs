//! The peers' hand-written W3 and W4 kernels (`../shared/peers/rust/src/w34.rs`,
//! `wide16blk`, 2026-11-26): `f32x16`, four packs per rayon task, the
//! packs' independent chains issued one operation at a time across all four,
//! own `exp`/`ln`/`sin`/`cos` polynomials, `rcp14` + Newton and `vscalefps`
//! on AVX-512 builds, Philox on `u64x8` halves. Copied with their comments
//! as the baseline of `benches/w34.rs`; only the imports and the packing
//! helpers are this crate's.
#![allow(clippy::all, dead_code, unused_unsafe)]

use rayon::prelude::*;
use wide::bytemuck::cast;
use wide::{f32x16 as V, i32x16 as I, u64x8 as Q};

const PI: f32 = std::f32::consts::PI;
const DT: f32 = 0.01;

/// Packs a column into f32x16, NaN in the tail lanes, to a multiple of `mult` packs.
fn pack(col: &[f32], mult: usize) -> Vec<V> {
    let np = col.len().div_ceil(L).div_ceil(mult) * mult;
    (0..np)
        .map(|p| {
            V::new(core::array::from_fn(|l| {
                col.get(p * L + l).copied().unwrap_or(f32::NAN)
            }))
        })
        .collect()
}

fn unpack(packs: &[V], n: usize) -> Vec<f32> {
    packs.iter().flat_map(|p| p.to_array()).take(n).collect()
}

pub const N3: usize = 65536;
pub const T3: usize = 2000;
const DT3: f32 = 0.1;
// TVB / tvboptim JansenRit defaults (ms, mV)
const JA: f32 = 0.1;
const JB: f32 = 0.05;
const V0: f32 = 5.52;
const NU2: f32 = 2.0 * 0.0025;
const RS: f32 = 0.56;
const A1J: f32 = 1.0 * 135.0;
const A2J: f32 = 0.8 * 135.0;
const A3J: f32 = 0.25 * 135.0;
const A4J: f32 = 0.25 * 135.0;
const TA: f32 = 2.0 * JA;
const AA: f32 = JA * JA;
const TB: f32 = 2.0 * JB;
const BB: f32 = JB * JB;
const Y0: [f32; 6] = [0.0, 5.0, 5.0, 0.0, 0.0, 0.0]; // tvboptim JansenRit.INITIAL_STATE

pub const N4: usize = 65536;
pub const T4: usize = 1000;
pub const SEED4: u64 = 20240604;
const SQDT: f32 = 0.1; // sqrt(DT)

const PH_M: [u32; 2] = [0xD251_1F53, 0xCD9E_8D57];
const PH_W: [u32; 2] = [0x9E37_79B9, 0xBB67_AE85];

const KEY4: [u32; 2] = [SEED4 as u32, (SEED4 >> 32) as u32];

// ---------------------------------------------------------------- wide f32x16 helpers
const K: usize = 4; // packs per rayon task
/// A loop written out (`unroll!(k in [0, 1] { .. })`): LLVM does not fully unroll loops with large bodies by
/// itself, and then round-trips block state through memory (or keeps loop-variant constants in GPRs).
macro_rules! unroll {
    ($i:ident in [$($n:literal),*] $body:block) => {{
        $( { #[allow(non_upper_case_globals)] const $i: usize = $n; $body } )*
    }};
}
macro_rules! each_k {
    ($k:ident => $body:block) => {
        unroll!($k in [0, 1, 2, 3] $body)
    };
}
const L: usize = 16;
const _: () = assert!(K == 4, "each_k! is written out for K = 4");
// polynomial coefficients: py/polyfit.py (near-minimax fits, float32)
const EXP_Q: [f32; 6] = [
    1.0,
    0.5,
    0.16666505,
    0.041666351,
    0.0083691506,
    0.0013941111,
];
const LN_Q: [f32; 9] = [
    -2.0,
    0.99999976,
    -0.66668367,
    0.50004309,
    -0.39913955,
    0.33121392,
    -0.2989819,
    0.2875466,
    -0.17487891,
];
const SIN_Q: [f32; 4] = [1.5707964, -0.64596349, 0.079680219, -0.0046021631];
const COS_Q: [f32; 4] = [0.99999994, -1.2336967, 0.2535949, -0.020398485];
const MAGIC: f32 = 12582912.0; // 1.5 * 2^23: x + MAGIC rounds x to an integer held in the low mantissa bits

#[inline(always)]
fn zip<const N: usize>(a: [V; N], b: [V; N], f: impl Fn(V, V) -> V) -> [V; N] {
    std::array::from_fn(|i| f(a[i], b[i]))
}

/// sqrt(-2 ln u) for u in (0, 1), N at a time: u = 2^e m, m in [sqrt(1/2), sqrt(2)), -2 ln(1+f) = f q(f), f = m - 1.
#[inline(always)]
fn radius_n<const N: usize>(u: [V; N]) -> [V; N] {
    let ix = u.map(|u| cast::<V, I>(u) - I::splat(0x3f35_04f3));
    let e = ix.map(|ix| V::from_i32x16(ix >> 23u32));
    let f = ix.map(|ix| {
        cast::<I, V>((ix & I::splat(0x007f_ffff)) + I::splat(0x3f35_04f3)) - V::splat(1.0)
    });
    let mut q = [V::splat(LN_Q[LN_Q.len() - 1]); N];
    for &c in LN_Q[..LN_Q.len() - 1].iter().rev() {
        q = zip(q, f, |q, f| q.mul_add(f, V::splat(c)));
    }
    let fq = zip(f, q, |f, q| f * q);
    zip(e, fq, |e, fq| {
        e.mul_add(V::splat(-2.0 * std::f32::consts::LN_2), fq)
            .sqrt()
    })
}

/// (cos 2 pi u, sin 2 pi u) for u in [0, 1), N at a time: q = round(4u) quarter turns, phi = (pi/2) f,
/// f = 4u - q in [-1/2, 1/2]; (cos, sin)(q pi/2 + phi) = (c, s), (-s, c), (-c, -s), (s, -c) for q mod 4 = 0..3.
#[inline(always)]
fn cossin_n<const N: usize>(u: [V; N]) -> ([V; N], [V; N]) {
    let t = u.map(|u| u.mul_add(V::splat(4.0), V::splat(MAGIC))); // low bits = q
    let f = zip(u, t, |u, t| u.mul_add(V::splat(4.0), V::splat(MAGIC) - t));
    let f2 = f.map(|f| f * f);
    let (mut sp, mut cp) = ([V::splat(SIN_Q[3]); N], [V::splat(COS_Q[3]); N]);
    for i in (0..3).rev() {
        sp = zip(sp, f2, |p, x| p.mul_add(x, V::splat(SIN_Q[i])));
        cp = zip(cp, f2, |p, x| p.mul_add(x, V::splat(COS_Q[i])));
    }
    let sp = zip(sp, f, |p, f| p * f);
    let (mut c, mut s) = ([V::ZERO; N], [V::ZERO; N]);
    for i in 0..N {
        let q = cast::<V, I>(t[i]);
        let odd = cast::<I, V>((q & I::splat(1)).simd_eq(I::splat(1)));
        let (x, y) = (odd.select(sp[i], cp[i]), odd.select(cp[i], sp[i]));
        let (fc, fs) = (
            ((q + I::splat(1)) & I::splat(2)) << 30,
            (q & I::splat(2)) << 30,
        ); // sign flips
        (c[i], s[i]) = (
            cast::<I, V>(cast::<V, I>(x) ^ fc),
            cast::<I, V>(cast::<V, I>(y) ^ fs),
        );
    }
    (c, s)
}

// ---------------------------------------------------------------- W3 wide
/// 1/d for d >= 1: AVX-512 rcp14 (rel. error < 2^-14) + one Newton step (`wide` has no rcp14 for f32x16; its
/// `recip` is a division, and vdivps zmm issues only once per ~16 cycles), a division on other targets.
#[inline(always)]
fn recip(d: V) -> V {
    #[cfg(target_feature = "avx512f")]
    {
        use std::arch::x86_64::{__m512, _mm512_rcp14_ps};
        // SAFETY: avx512f is enabled at compile time (this cfg), and V and
        // __m512 are the same 64 bytes of 16 f32 lanes.
        let y: V =
            unsafe { std::mem::transmute(_mm512_rcp14_ps(std::mem::transmute::<V, __m512>(d))) };
        y.mul_add(d.mul_neg_add(y, V::splat(1.0)), y)
    }
    #[cfg(not(target_feature = "avx512f"))]
    {
        V::splat(1.0) / d
    }
}

/// p 2^n for integer-valued n: AVX-512 vscalefps (overflow -> inf, underflow -> 0, so no clamping of the
/// exp argument is needed; `wide` does not expose it); elsewhere n is added to the exponent bits, valid for
/// |n| <= 125, so the callers clamp.
#[inline(always)]
fn scale2n(p: V, n: V, t: V) -> V {
    #[cfg(target_feature = "avx512f")]
    {
        use std::arch::x86_64::{__m512, _mm512_scalef_ps};
        let _ = t;
        // SAFETY: as in `recip`.
        unsafe {
            std::mem::transmute(_mm512_scalef_ps(
                std::mem::transmute::<V, __m512>(p),
                std::mem::transmute::<V, __m512>(n),
            ))
        }
    }
    #[cfg(not(target_feature = "avx512f"))]
    {
        let _ = n;
        cast::<I, V>(cast::<V, I>(p) + (cast::<V, I>(t) << 23)) // low bits of t = MAGIC + n hold n
    }
}

/// 1/(1 + e^z) for N independent vectors, written one operation across all N at a time, so that the
/// instruction stream interleaves N dependency chains (the exp + recip chain is ~70 cycles long).
/// e^z = 2^n e^f, n = round(z/ln2), |f| <= ln2/2, e^f = 1 + f q(f). z is clamped at 80 so that 1 + e^z stays
/// finite for the Newton step of `recip` (S changes by < 1e-35); on non-AVX-512 builds also at -80.
#[inline(always)]
fn sig_n<const N: usize>(z: [V; N]) -> [V; N] {
    let x = z.map(|x| {
        if cfg!(target_feature = "avx512f") {
            x.fast_min(V::splat(80.0))
        } else {
            x.fast_max(V::splat(-80.0)).fast_min(V::splat(80.0))
        }
    });
    let t = x.map(|x| x.mul_add(V::splat(std::f32::consts::LOG2_E), V::splat(MAGIC)));
    let n = t.map(|t| t - V::splat(MAGIC));
    let f = zip(n, x, |n, x| n.mul_neg_add(V::splat(0.6931472), x));
    let f = zip(n, f, |n, f| n.mul_neg_add(V::splat(-1.9046542e-9), f));
    let mut p = [V::splat(EXP_Q[EXP_Q.len() - 1]); N];
    for &c in EXP_Q[..EXP_Q.len() - 1].iter().rev() {
        p = zip(p, f, |p, f| p.mul_add(f, V::splat(c)));
    }
    let p = zip(p, f, |p, f| p.mul_add(f, V::splat(1.0)));
    let e: [V; N] = std::array::from_fn(|i| scale2n(p[i], n[i], t[i]));
    e.map(|e| recip(e + V::splat(1.0)))
}

/// One Euler step of the block's K packs (y[var][pack]); u = y1 - y2 of the current state, updated.
/// Rearranged: y3 <- (1 - 2a dt) y3 + (dt A a 2nu) s1' - (a^2 dt) y0 (likewise y4, y5), s' = S / (2 nu_max);
/// c = [dt A a 2nu, dt A a, dt B b a4J 2nu] per pack.
#[inline(always)]
fn w3_step(y: &mut [[V; K]; 6], u: &mut [V; K], c: &[[V; K]; 3], mu: &[V; K]) {
    let rv0 = V::splat(RS * V0);
    let z: [V; 3 * K] = std::array::from_fn(|i| match i / K {
        0 => u[i % K].mul_neg_add(V::splat(RS), rv0),
        1 => y[0][i % K].mul_neg_add(V::splat(RS * A1J), rv0),
        _ => y[0][i % K].mul_neg_add(V::splat(RS * A3J), rv0),
    });
    let s = sig_n(z);
    let (ca, cb, dt) = (
        V::splat(1.0 - TA * DT3),
        V::splat(1.0 - TB * DT3),
        V::splat(DT3),
    );
    let (daa, dbb) = (V::splat(AA * DT3), V::splat(BB * DT3));
    each_k!(k => {
        let [y0, y1, y2, y3, y4, y5] = [y[0][k], y[1][k], y[2][k], y[3][k], y[4][k], y[5][k]];
        let n3 = y3.mul_add(ca, y0.mul_neg_add(daa, c[0][k] * s[k]));
        let n4 = y4.mul_add(ca, y1.mul_neg_add(daa, c[1][k] * s[K + k].mul_add(V::splat(A2J * NU2), mu[k])));
        let n5 = y5.mul_add(cb, y2.mul_neg_add(dbb, c[2][k] * s[2 * K + k]));
        (y[0][k], y[1][k], y[2][k]) = (y3.mul_add(dt, y0), y4.mul_add(dt, y1), y5.mul_add(dt, y2));
        (y[3][k], y[4][k], y[5][k]) = (n3, n4, n5);
        u[k] = y[1][k] - y[2][k];
    });
}

fn w3_block(a: &[V], b: &[V], mu: &[V], out: &mut [V]) {
    let dt = V::splat(DT3);
    let c: [[V; K]; 3] = [
        std::array::from_fn(|k| a[k] * V::splat(JA) * V::splat(NU2) * dt),
        std::array::from_fn(|k| a[k] * V::splat(JA) * dt),
        std::array::from_fn(|k| b[k] * V::splat(JB) * V::splat(A4J * NU2) * dt),
    ];
    let m: [V; K] = std::array::from_fn(|k| mu[k]);
    let mut y = Y0.map(|x| [V::splat(x); K]);
    let mut u = [V::splat(Y0[1] - Y0[2]); K];
    for _ in 0..T3 - T3 / 2 {
        w3_step(&mut y, &mut u, &c, &m);
    }
    let mut acc = [V::ZERO; K];
    for _ in 0..T3 / 2 {
        w3_step(&mut y, &mut u, &c, &m);
        each_k!(k => { acc[k] += u[k]; });
    }
    for k in 0..K {
        out[k] = acc[k] / V::splat((T3 / 2) as f32);
    }
}

pub fn w3_run(a: &[f32], b: &[f32], mu: &[f32]) -> Vec<f32> {
    let (pa, pb, pm) = (pack(a, K), pack(b, K), pack(mu, K));
    let mut out = vec![V::ZERO; pa.len()];
    out.par_chunks_mut(K).enumerate().for_each(|(c, o)| {
        let s = c * K..(c + 1) * K;
        w3_block(&pa[s.clone()], &pb[s.clone()], &pm[s], o)
    });
    unpack(&out, a.len())
}

// ---------------------------------------------------------------- W4 wide
// Philox on u64x8 halves: a pack's 16 points split into even (2j) and odd (2j+1) lanes, one 32-bit word
// per u64 lane, so that mulhilo is one vpmuludq (+ shift / mask) and no shuffles are needed.
#[inline(always)]
fn philox_n<const N: usize>(s: Q, idx: &[Q; N]) -> [[Q; N]; 4] {
    let mut c = [[s; N], *idx, [Q::ZERO; N], [Q::ZERO; N]];
    let (m0, m1) = (Q::splat(PH_M[0] as u64), Q::splat(PH_M[1] as u64));
    unroll!(RND in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] {
        let k = [KEY4[0].wrapping_add(PH_W[0].wrapping_mul(RND as u32)), KEY4[1].wrapping_add(PH_W[1].wrapping_mul(RND as u32))];
        let (k0, k1) = (Q::splat(k[0] as u64), Q::splat(k[1] as u64));
        let (h0, h1) = (c[0].map(|x| Q::ZERO.add_mul_hi::<32>(m0, x)), c[2].map(|x| Q::ZERO.add_mul_hi::<32>(m1, x)));
        let (l0, l1) = (c[0].map(|x| Q::ZERO.add_mul_lo::<32>(m0, x)), c[2].map(|x| Q::ZERO.add_mul_lo::<32>(m1, x)));
        let w0: [Q; N] = std::array::from_fn(|i| h1[i] ^ c[1][i] ^ k0);
        let w2: [Q; N] = std::array::from_fn(|i| h0[i] ^ c[3][i] ^ k1);
        c = [w0, l1, w2, l0];
    });
    c
}

/// Interleave the low words of even/odd halves into 16 lanes and map to u = (x >> 9) 2^-23 + 2^-24.
#[inline(always)]
fn unif16(even: Q, odd: Q) -> V {
    let b = ((even >> 9) & Q::splat(0x007f_ffff))
        | ((odd << 23) & Q::splat(0x007f_ffff << 32))
        | Q::splat(0x3f80_0000_3f80_0000);
    cast::<Q, V>(b) - V::splat(1.0 - 1.0 / 16777216.0)
}

/// Normals of the block's K packs for steps 2s, 2s+1: n[w][k], w = xi_r, xi_v, xi_r', xi_v'. idx[2k], idx[2k+1]
/// = point indices of pack k's even and odd lanes. All streams advance one operation at a time (ILP).
#[inline(always)]
fn normals_blk(s: Q, idx: &[Q; 2 * K]) -> [[V; K]; 4] {
    let w = philox_n(s, idx);
    let u = |i: usize| -> [V; 2 * K] {
        std::array::from_fn(|j| {
            unif16(
                w[2 * (j / K) + i][2 * (j % K)],
                w[2 * (j / K) + i][2 * (j % K) + 1],
            )
        })
    };
    let r = radius_n(u(0)); // words 0, 2
    let (c, sn) = cossin_n(u(1)); // words 1, 3
    std::array::from_fn(|i| {
        std::array::from_fn(|k| {
            let j = (i / 2) * K + k;
            r[j] * if i % 2 == 0 { c[j] } else { sn[j] }
        })
    })
}

#[inline(always)]
fn w4_step(r: &mut V, v: &mut V, eta: V, j: V, sq: V, xr: V, xv: V) {
    let pr = *r * V::splat(PI);
    let dr = (*r + *r).mul_add(*v, V::splat(1.0 / PI));
    let dv = j.mul_add(*r, v.mul_add(*v, eta));
    let dv = pr.mul_neg_add(pr, dv);
    *r = sq
        .mul_add(xr, dr.mul_add(V::splat(DT), *r))
        .fast_max(V::ZERO);
    *v = sq.mul_add(xv, dv.mul_add(V::splat(DT), *v));
}

/// Point indices of the even and odd lanes of packs p0, p0+1, ... ([even p0, odd p0, even p0+1, ...]).
fn w4_idx<const M: usize>(p0: usize) -> [Q; M] {
    std::array::from_fn(|h| {
        Q::new(std::array::from_fn(|l| {
            ((p0 + h / 2) * L + 2 * l + h % 2) as u64
        }))
    })
}

fn w4_block(p0: usize, eta: &[V], j: &[V], sigma: &[V], out: &mut [V]) {
    let idx: [Q; 2 * K] = w4_idx(p0);
    let sq: [V; K] = std::array::from_fn(|k| sigma[k] * V::splat(SQDT));
    let (mut r, mut v, mut acc) = ([V::splat(0.1); K], [V::splat(-2.0); K], [V::ZERO; K]);
    for s in 0..T4 / 2 {
        let sc = Q::splat(s as u64);
        let n = normals_blk(sc, &idx);
        for h in 0..2 {
            each_k!(k => {
                w4_step(&mut r[k], &mut v[k], eta[k], j[k], sq[k], n[2 * h][k], n[2 * h + 1][k]);
            });
            if 2 * s + h >= T4 - T4 / 2 {
                each_k!(k => { acc[k] += r[k]; });
            }
        }
    }
    for k in 0..K {
        out[k] = acc[k] / V::splat((T4 / 2) as f32);
    }
}

pub fn w4_run(eta: &[f32], j: &[f32], sigma: &[f32]) -> Vec<f32> {
    let (pe, pj, ps) = (pack(eta, K), pack(j, K), pack(sigma, K));
    let mut out = vec![V::ZERO; pe.len()];
    out.par_chunks_mut(K).enumerate().for_each(|(c, o)| {
        let s = c * K..(c + 1) * K;
        w4_block(c * K, &pe[s.clone()], &pj[s.clone()], &ps[s], o)
    });
    unpack(&out, eta.len())
}
