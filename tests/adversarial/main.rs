//! The hostile suite: what a user who feeds the crate the worst inputs they
//! can think of finds, one module per class of defect. Every test here failed
//! before the fix it guards.

mod common;
mod data_loss;
mod derive_names;
mod errors;
mod fuzz;
mod kill_resume;
mod panics;
mod wrong_results;
