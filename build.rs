//! Tells the library whether cargo compiles it without optimisation, for the
//! debug-build warning (`src/simd/info.rs`): `cfg(dataspace_unoptimised)`
//! when the profile's `opt-level` for this package is 0.
//!
//! Cargo's `OPT_LEVEL` rather than `cfg!(debug_assertions)`: the two part
//! whenever a profile sets one without the other (`[profile.dev]
//! opt-level = 3` keeps the assertions and runs at full speed;
//! `[profile.release] debug-assertions = true` too), and only the
//! optimisation decides the speed the warning is about. Only `0` counts
//! as unoptimised (`1`, `s` and `z` optimise, if less). What this cannot
//! see is the user's own crate, where the kernel and the executor's generic
//! code are compiled: with dependencies optimised in dev
//! (`[profile.dev.package."*"] opt-level = 3`) and the crate itself at 0,
//! a sweep may run much slower and no warning says so.

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rustc-check-cfg=cfg(dataspace_unoptimised)");
    if std::env::var("OPT_LEVEL").as_deref() == Ok("0") {
        println!("cargo::rustc-cfg=dataspace_unoptimised");
    }
}
