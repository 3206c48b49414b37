//! The hostile suite: what a user who feeds the crate the worst inputs they
//! can think of finds, one module per class of defect. Every test here failed
//! before the fix it guards.

mod derive_names;
