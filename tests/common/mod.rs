//! Fixtures shared by the integration tests (and, by path, the benches and examples).

pub mod jansen_rit;
pub mod mpr;
