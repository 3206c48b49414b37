//! The integration tests: one binary, one module per part of the crate.
//!
//! One binary rather than one per file: each test binary links the crate
//! and instantiates its generics anew, so twelve binaries took 1.3x the
//! build time of this one (BENCHMARKS.md, "A fresh clone"). Run one module
//! with a filter: `cargo test --test suite design::`.
//!
//! The hostile suite (`tests/adversarial/`), the compile-error snapshots
//! (`tests/ui.rs`) and the MPI runs (`tests/mpi.rs`, feature `mpi`) are
//! binaries of their own.

#[path = "../common/mod.rs"]
mod common;

mod arithmetic;
mod design;
mod executor;
mod flatten;
mod i64;
mod integrate;
mod io;
mod layers;
mod mpr;
mod noise;
#[cfg(feature = "parquet")]
mod parquet;
mod progress;
mod round_trip;
mod series;
mod shard;
mod space;
mod stream;
mod w3_w4;
mod width;
