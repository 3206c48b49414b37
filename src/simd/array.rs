//! Arrays built and mapped element by element, in code that inlines into
//! the kernel in every build profile.
//!
//! `core::array::from_fn` and `<[T; N]>::map` hand each element to generic
//! helpers of `core` that are not `#[inline]`. In a build of several
//! codegen units without fat LTO (cargo's default release profile), rustc
//! places such a helper in a codegen unit of its own, so the kernel's
//! optimiser sees a call where a `Lockstep` pack's registers are built.
//! LLVM then keeps the registers of the state in memory, or merges them
//! into one vector of 128 floats and splits it again with shuffles each
//! step: a user's W1 ran 2.9x slower at `V = 64` than with fat LTO on
//! AVX-512 (`bench-results/downstream.sh`). These loops have a constant
//! trip count and nothing to outline, so they unroll into the caller.
//!
//! Everything on the path of a pack (its arithmetic, loads, the
//! integrators, the noise) builds arrays with these, never with `core`'s.

// Indices are below the const generic N.
#![allow(clippy::indexing_slicing)]

/// `[f(0), f(1), .., f(N - 1)]`, as `core::array::from_fn`.
#[inline(always)]
pub fn from_fn<T: Copy + Default, const N: usize>(mut f: impl FnMut(usize) -> T) -> [T; N] {
    let mut out = [T::default(); N];
    let mut i = 0;
    while i < N {
        out[i] = f(i);
        i += 1;
    }
    out
}

/// `[f(0, a[0]), .., f(N - 1, a[N - 1])]`: `a` mapped in place, each
/// element with its index (for arrays zipped with others by index).
#[inline(always)]
pub fn map<T: Copy, const N: usize>(mut a: [T; N], mut f: impl FnMut(usize, T) -> T) -> [T; N] {
    let mut i = 0;
    while i < N {
        a[i] = f(i, a[i]);
        i += 1;
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_fn_and_map_agree_with_core() {
        let built: [u64; 7] = from_fn(|i| (i as u64).pow(3));
        assert_eq!(built, core::array::from_fn(|i| (i as u64).pow(3)));
        let mapped = map(built, |i, x| x + i as u64);
        assert_eq!(mapped, [0, 2, 10, 30, 68, 130, 222]);
        let empty: [f32; 0] = from_fn(|_| unreachable!("no element to build"));
        assert_eq!(map(empty, |_, _| unreachable!("no element to map")), []);
    }
}
