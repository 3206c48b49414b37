//! What SIMD the binary was built for against what the CPU offers.
//!
//! `wide` picks its instructions when the crate is compiled
//! (`cfg!(target_feature = ...)`), not when it runs: a build for the default
//! `x86-64` target runs on SSE registers even on an AVX-512 CPU. A crate
//! that depends on `dataspace` does not inherit this repository's
//! `.cargo/config.toml`, so [`simd_info`] reports the difference and
//! [`warn_if_below_cpu`] says so once per process on stderr, as it says
//! when the library was compiled without optimisation (a debug build).

use std::fmt;
use std::sync::Once;

/// The environment variable that silences the SIMD warning: set to
/// anything but empty or `0`.
pub(crate) const OPT_OUT: &str = "DATASPACE_NO_SIMD_WARNING";

/// The flag a build below the CPU is missing, as `.cargo/config.toml` text.
const FIX: &str = "Add to .cargo/config.toml: [build] rustflags = [\"-C\", \"target-cpu=native\"]";

/// What a build without the CPU's SIMD cost in the W1 sweep (`template/`,
/// cargo's default release profile, without the flag against with
/// `-C target-cpu=native`): the median of the rounds' ratios at V = 8 (the
/// least) and at V = 64 (the most), on an AVX-512 Xeon (BENCHMARKS.md,
/// "Warnings' figures") and an AVX2-only AMD EPYC ("A user's crate without
/// `target-cpu`").
const SIMD_SLOWDOWN: &str = "1.2-7.3x slower (V = 8 to 64) on AVX-512, 1.1-2.6x on AVX2";

/// The environment variable that silences the debug-build warning: set to
/// anything but empty or `0`.
pub(crate) const DEBUG_OPT_OUT: &str = "DATASPACE_NO_DEBUG_WARNING";

/// What a debug build cost in the W1 sweep (16,384 points) against the
/// same crate built with `--release`, both with `-C target-cpu=native`: the
/// median of the rounds' ratios at V = 8 (the least) and at V = 64 (the
/// most), on an AVX-512 Xeon (BENCHMARKS.md, "Warnings' figures").
const DEBUG_SLOWDOWN: &str = "34-144x slower than release builds (V = 8 to 64, AVX-512)";

/// Whether cargo compiled this library at `opt-level = 0`: `build.rs` reads
/// cargo's `OPT_LEVEL` (and says why not `cfg!(debug_assertions)`).
const UNOPTIMISED: bool = cfg!(dataspace_unoptimised);

/// Lanes of the widest `f32` register this build's `wide` uses: 16 with
/// AVX-512 (`avx512f`), 8 with AVX, 4 with SSE (every x86_64 build), NEON
/// or wasm SIMD, 1 otherwise. A compile-time fact of the build (its
/// `-C target-cpu`), the same as [`SimdInfo::f32_lanes`] at run time.
///
/// For a lane count fixed at compile time, `{ 4 * NATIVE_F32_LANES }`
/// (four registers in lockstep) was the best fixed width for W1 and W3 on
/// an AVX-512 Xeon; on an AVX2 EPYC the best widths were others (the
/// README's "Which `V`"). The executor's
/// [`run_auto`](crate::Executor::run_auto) measures instead.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::NATIVE_F32_LANES;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// fn square<const V: usize>(p: PLanes<'_, V>) -> F32<V> where f32: Float<V> { p.x * p.x }
///
/// let space = PSpace::new(PColumns { x: vec![3.0; 10] })?;
/// let out = Executor::parallel().run(&space, square::<{ 4 * NATIVE_F32_LANES }>)?;
/// assert_eq!(out, [9.0; 10]);
/// assert_eq!(NATIVE_F32_LANES, dataspace::simd_info().f32_lanes());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const NATIVE_F32_LANES: usize = if cfg!(all(target_arch = "x86_64", target_feature = "avx512f"))
{
    16
} else if cfg!(all(target_arch = "x86_64", target_feature = "avx")) {
    8
} else {
    BASELINE_F32_LANES
};

/// `f32` lanes of the SIMD every build of the architecture has: 4 with SSE
/// (x86), NEON or wasm SIMD, 1 (scalar code) otherwise.
const BASELINE_F32_LANES: usize = if cfg!(any(
    target_arch = "x86_64",
    target_arch = "x86",
    all(target_arch = "aarch64", target_feature = "neon"),
    all(target_arch = "wasm32", target_feature = "simd128")
)) {
    4
} else {
    1
};

/// Lanes of the widest `f64` register this build's `wide` uses: half of
/// [`NATIVE_F32_LANES`] (8 with AVX-512, 4 with AVX, 2 with SSE), at
/// least 1.
///
/// ```
/// assert_eq!(dataspace::NATIVE_F64_LANES, (dataspace::NATIVE_F32_LANES / 2).max(1));
/// ```
pub const NATIVE_F64_LANES: usize = if NATIVE_F32_LANES > 1 {
    NATIVE_F32_LANES / 2
} else {
    1
};

/// The features `wide` uses on this architecture, each with whether the
/// build enables it (`cfg!`, a compile-time fact), narrowest first.
#[cfg(target_arch = "x86_64")]
fn built_features() -> Vec<(&'static str, bool)> {
    vec![
        ("sse2", cfg!(target_feature = "sse2")),
        ("sse4.1", cfg!(target_feature = "sse4.1")),
        ("avx", cfg!(target_feature = "avx")),
        ("avx2", cfg!(target_feature = "avx2")),
        ("fma", cfg!(target_feature = "fma")),
        ("avx512f", cfg!(target_feature = "avx512f")),
    ]
}

/// The features of [`built_features`] this CPU offers (run-time detection,
/// which also checks that the OS saves the registers).
#[cfg(target_arch = "x86_64")]
fn detected_features() -> Vec<&'static str> {
    let mut found = Vec::new();
    if std::arch::is_x86_feature_detected!("sse2") {
        found.push("sse2");
    }
    if std::arch::is_x86_feature_detected!("sse4.1") {
        found.push("sse4.1");
    }
    if std::arch::is_x86_feature_detected!("avx") {
        found.push("avx");
    }
    if std::arch::is_x86_feature_detected!("avx2") {
        found.push("avx2");
    }
    if std::arch::is_x86_feature_detected!("fma") {
        found.push("fma");
    }
    if std::arch::is_x86_feature_detected!("avx512f") {
        found.push("avx512f");
    }
    found
}

#[cfg(target_arch = "aarch64")]
fn built_features() -> Vec<(&'static str, bool)> {
    vec![("neon", cfg!(target_feature = "neon"))]
}

#[cfg(target_arch = "aarch64")]
fn detected_features() -> Vec<&'static str> {
    if std::arch::is_aarch64_feature_detected!("neon") {
        vec!["neon"]
    } else {
        Vec::new()
    }
}

#[cfg(target_arch = "wasm32")]
fn built_features() -> Vec<(&'static str, bool)> {
    vec![("simd128", cfg!(target_feature = "simd128"))]
}

/// wasm has no run-time detection: what was built is what runs.
#[cfg(target_arch = "wasm32")]
fn detected_features() -> Vec<&'static str> {
    built_features()
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect()
}

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "wasm32"
)))]
fn built_features() -> Vec<(&'static str, bool)> {
    Vec::new()
}

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "wasm32"
)))]
fn detected_features() -> Vec<&'static str> {
    Vec::new()
}

/// The widest `f32` register `wide` uses with these built features, in
/// lanes: 16 with AVX-512, 8 with AVX, 4 with SSE, NEON or wasm SIMD, and 1
/// (scalar code) otherwise.
fn f32_lanes_of(built: &[&str]) -> usize {
    if built.contains(&"avx512f") {
        16
    } else if built.contains(&"avx") {
        8
    } else {
        BASELINE_F32_LANES
    }
}

/// The features the CPU has and the build lacks, in the order of `detected`.
fn missing_of(built: &[&'static str], detected: &[&'static str]) -> Vec<&'static str> {
    detected
        .iter()
        .copied()
        .filter(|feature| !built.contains(feature))
        .collect()
}

/// Whether an opt-out variable's value (`None` when unset) silences its
/// warning: anything but empty or `0` does.
fn silences(opt_out: Option<&str>) -> bool {
    opt_out.is_some_and(|v| !v.is_empty() && v != "0")
}

/// The one-line warning for a build lacking `missing`, or `None` when it
/// lacks nothing or `opt_out` (the value of `DATASPACE_NO_SIMD_WARNING`)
/// [`silences`] it.
fn warning_for(missing: &[&str], opt_out: Option<&str>) -> Option<String> {
    if missing.is_empty() || silences(opt_out) {
        return None;
    }
    Some(format!(
        "dataspace: built without {} which this CPU has; builds like this ran the W1 sweep \
         {SIMD_SLOWDOWN}. {FIX} (silence: {OPT_OUT}=1)",
        missing.join(", ")
    ))
}

/// The one-line warning for a library compiled without optimisation, or
/// `None` when it was optimised or `opt_out` (the value of
/// `DATASPACE_NO_DEBUG_WARNING`) [`silences`] it.
fn debug_warning_for(unoptimised: bool, opt_out: Option<&str>) -> Option<String> {
    if !unoptimised || silences(opt_out) {
        return None;
    }
    Some(format!(
        "dataspace: built unoptimised (opt-level 0: a debug build); debug builds ran the W1 \
         sweep {DEBUG_SLOWDOWN}. Use cargo run --release (silence: {DEBUG_OPT_OUT}=1)"
    ))
}

/// What SIMD this binary was built for and what the CPU it runs on offers;
/// made by [`simd_info`].
///
/// `wide`, which provides the packs, chooses its instructions at compile
/// time, so a binary built for the default target (`x86-64`: SSE2 only) runs
/// 16-lane packs as four SSE registers and `mul_add` as a separate multiply
/// and add even on an AVX-512 CPU. The W1 sweep built so ran 1.2x (V = 8)
/// to 7.3x (V = 64) slower than with `-C target-cpu=native` on an AVX-512
/// Xeon, and 1.1x to 2.6x slower on an AVX2-only EPYC (BENCHMARKS.md,
/// "Warnings' figures"). Build with `-C target-cpu=native` (or the CPU you
/// deploy on) to use what the CPU has.
///
/// ```
/// let info = dataspace::simd_info();
/// println!("{info}"); // one line: built for ..., the CPU offers ...
/// if info.is_below_cpu() {
///     eprintln!("rebuild with -C target-cpu=native to use {:?}", info.missing());
/// }
/// assert!([1, 4, 8, 16].contains(&info.f32_lanes()));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimdInfo {
    arch: &'static str,
    built: Vec<&'static str>,
    detected: Vec<&'static str>,
}

/// Reports what SIMD instructions this binary was built for (from
/// `cfg!(target_feature)`: on x86_64 `sse2` (always), `sse4.1`, `avx`, `avx2`, `fma`,
/// `avx512f`; `neon` on aarch64) and which of them the CPU offers (run-time
/// detection). See [`SimdInfo`].
///
/// The first [`Executor::run`](crate::Executor::run),
/// [`map`](crate::Executor::map), [`run_into`](crate::Executor::run_into)
/// or [`run_auto`](crate::Executor::run_auto) of a process whose build lacks a feature the CPU has prints one line
/// saying so to stderr; set `DATASPACE_NO_SIMD_WARNING=1` to silence it. A
/// process whose dataspace was compiled at `opt-level = 0` (`cargo run`
/// without `--release`) gets another line, silenced by
/// `DATASPACE_NO_DEBUG_WARNING=1`.
///
/// ```
/// let info = dataspace::simd_info();
/// // Every feature the build uses must be one the CPU has, or the binary
/// // would not have started.
/// assert!(info.built().iter().all(|f| info.detected().contains(f)) || info.detected().is_empty());
/// ```
#[must_use]
pub fn simd_info() -> SimdInfo {
    let built = built_features()
        .into_iter()
        .filter_map(|(name, on)| on.then_some(name))
        .collect();
    SimdInfo {
        arch: std::env::consts::ARCH,
        built,
        detected: detected_features(),
    }
}

impl SimdInfo {
    /// The SIMD features the binary was compiled with, narrowest first.
    ///
    /// ```
    /// let info = dataspace::simd_info();
    /// if cfg!(target_feature = "avx2") {
    ///     assert!(info.built().contains(&"avx2"));
    /// }
    /// ```
    #[must_use]
    pub fn built(&self) -> &[&'static str] {
        &self.built
    }

    /// The SIMD features the CPU offers (of those the build could use).
    ///
    /// ```
    /// let info = dataspace::simd_info();
    /// println!("this CPU offers {:?}", info.detected());
    /// ```
    #[must_use]
    pub fn detected(&self) -> &[&'static str] {
        &self.detected
    }

    /// The features the CPU offers and the build does not use: empty when
    /// the build is as good as this CPU allows.
    ///
    /// ```
    /// let info = dataspace::simd_info();
    /// assert_eq!(info.missing().is_empty(), !info.is_below_cpu());
    /// ```
    #[must_use]
    pub fn missing(&self) -> Vec<&'static str> {
        missing_of(&self.built, &self.detected)
    }

    /// Whether the CPU offers a SIMD feature the build does not use, so that
    /// rebuilding with `-C target-cpu=native` would run faster.
    ///
    /// ```
    /// if dataspace::simd_info().is_below_cpu() {
    ///     eprintln!("rebuild with RUSTFLAGS=\"-C target-cpu=native\"");
    /// }
    /// ```
    #[must_use]
    pub fn is_below_cpu(&self) -> bool {
        !self.missing().is_empty()
    }

    /// Lanes of the widest `f32` register the build uses: 16 with
    /// `avx512f`, 8 with `avx`, 4 with SSE (any x86_64 build), NEON or wasm
    /// SIMD, 1 without SIMD. A pack wider than this is emulated with several
    /// registers. For time-stepping kernels `V = 64` pays off with 16
    /// (four AVX-512 registers in lockstep); with 8, measure 64 against 32
    /// and 16 (see the README's "Which `V`").
    ///
    /// ```
    /// let lanes = dataspace::simd_info().f32_lanes();
    /// println!("f32 registers: {lanes} lanes ({} bits)", lanes * 32);
    /// ```
    #[must_use]
    pub fn f32_lanes(&self) -> usize {
        f32_lanes_of(&self.built)
    }
}

impl fmt::Display for SimdInfo {
    /// One line: `SIMD: built for x86_64 with sse4.1, avx, avx2, fma
    /// (f32 registers of 8 lanes); the CPU offers sse4.1, avx, avx2, fma,
    /// avx512f (missing: avx512f)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |features: &[&str]| {
            if features.is_empty() {
                "no SIMD extensions".to_owned()
            } else {
                features.join(", ")
            }
        };
        write!(
            f,
            "SIMD: built for {} with {} (f32 registers of {} lanes); the CPU offers {}",
            self.arch,
            list(&self.built),
            self.f32_lanes(),
            list(&self.detected)
        )?;
        let missing = self.missing();
        if missing.is_empty() {
            write!(f, " (the build uses all of it)")
        } else {
            write!(f, " (missing from the build: {})", missing.join(", "))
        }
    }
}

/// Prints to stderr, once per process, one line if this library was
/// compiled without optimisation (unless `DATASPACE_NO_DEBUG_WARNING` is
/// set to anything but empty or `0`), then one line if the build lacks a
/// SIMD feature this CPU has (unless `DATASPACE_NO_SIMD_WARNING` is).
/// Called at the start of every run. Both are builds that run below what
/// the CPU can do, hence one entry point and its name.
pub(crate) fn warn_if_below_cpu() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let debug = debug_warning_for(UNOPTIMISED, std::env::var(DEBUG_OPT_OUT).ok().as_deref());
        let simd = warning_for(
            &simd_info().missing(),
            std::env::var(OPT_OUT).ok().as_deref(),
        );
        for line in debug.into_iter().chain(simd) {
            eprintln!("{line}");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_using_all_the_cpu_has_no_warning() {
        let all = ["sse2", "sse4.1", "avx", "avx2", "fma", "avx512f"];
        assert!(missing_of(&all, &all).is_empty());
        assert_eq!(warning_for(&missing_of(&all, &all), None), None);
        // A build for a newer CPU than this one's features lacks nothing.
        assert!(missing_of(&all, &["sse4.1", "avx"]).is_empty());
    }

    #[test]
    fn a_default_build_on_an_avx512_cpu_names_what_it_lacks() {
        let built = ["sse2"];
        let detected = ["sse2", "sse4.1", "avx", "avx2", "fma", "avx512f"];
        let missing = missing_of(&built, &detected);
        assert_eq!(missing, ["sse4.1", "avx", "avx2", "fma", "avx512f"]);
        let line = warning_for(&missing, None).unwrap();
        assert_eq!(
            line,
            "dataspace: built without sse4.1, avx, avx2, fma, avx512f which this CPU has; \
             builds like this ran the W1 sweep 1.2-7.3x slower (V = 8 to 64) on AVX-512, \
             1.1-2.6x on AVX2. Add to .cargo/config.toml: [build] \
             rustflags = [\"-C\", \"target-cpu=native\"] (silence: DATASPACE_NO_SIMD_WARNING=1)"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn an_avx2_build_on_an_avx512_cpu_lacks_only_avx512f() {
        let built = ["sse4.1", "avx", "avx2", "fma"];
        let detected = ["sse4.1", "avx", "avx2", "fma", "avx512f"];
        let line = warning_for(&missing_of(&built, &detected), None).unwrap();
        assert!(line.starts_with("dataspace: built without avx512f which"));
    }

    #[test]
    fn the_variable_silences_unless_empty_or_zero() {
        let missing = ["avx2"];
        assert_eq!(warning_for(&missing, Some("1")), None);
        assert_eq!(warning_for(&missing, Some("yes")), None);
        assert!(warning_for(&missing, Some("0")).is_some());
        assert!(warning_for(&missing, Some("")).is_some());
        assert!(warning_for(&missing, None).is_some());
    }

    #[test]
    fn an_unoptimised_build_says_so_with_the_fix() {
        let line = debug_warning_for(true, None).unwrap();
        assert_eq!(
            line,
            "dataspace: built unoptimised (opt-level 0: a debug build); debug builds ran \
             the W1 sweep 34-144x slower than release builds (V = 8 to 64, AVX-512). \
             Use cargo run --release (silence: DATASPACE_NO_DEBUG_WARNING=1)"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn an_optimised_build_has_no_debug_warning() {
        assert_eq!(debug_warning_for(false, None), None);
        assert_eq!(debug_warning_for(false, Some("0")), None);
    }

    #[test]
    fn the_debug_variable_silences_unless_empty_or_zero() {
        assert_eq!(debug_warning_for(true, Some("1")), None);
        assert_eq!(debug_warning_for(true, Some("yes")), None);
        assert!(debug_warning_for(true, Some("0")).is_some());
        assert!(debug_warning_for(true, Some("")).is_some());
    }

    #[test]
    #[allow(clippy::assertions_on_constants)] // a fact of the build, checked where tests run
    fn the_test_profile_counts_as_optimised() {
        // Cargo.toml's [profile.test] is opt-level 1: no debug warning in
        // the tests' runs (nor in the child processes some tests start).
        assert!(!UNOPTIMISED);
    }

    #[test]
    fn register_width_follows_the_widest_feature() {
        assert_eq!(
            f32_lanes_of(&["sse4.1", "avx", "avx2", "fma", "avx512f"]),
            16
        );
        assert_eq!(f32_lanes_of(&["sse4.1", "avx", "avx2", "fma"]), 8);
        if cfg!(target_arch = "x86_64") {
            assert_eq!(f32_lanes_of(&["sse4.1"]), 4);
            assert_eq!(f32_lanes_of(&[]), 4);
        }
    }

    #[test]
    fn this_binary_agrees_with_cfg() {
        let info = simd_info();
        assert_eq!(
            info.built().contains(&"avx2"),
            cfg!(all(target_arch = "x86_64", target_feature = "avx2"))
        );
        // A feature the build uses is one the CPU has (the binary runs).
        for feature in info.built() {
            assert!(info.detected().contains(feature), "{info}");
        }
        let line = info.to_string();
        assert!(line.starts_with("SIMD: built for "), "{line}");
        assert!(!line.contains('\n'));
        assert_eq!(info.is_below_cpu(), !info.missing().is_empty());
    }
}
