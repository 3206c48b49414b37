//! Fixtures shared by the hostile suite.

use dataspace::prelude::*;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A small struct with every column scalar and an array field.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Mixed {
    pub a: f32,
    pub b: f64,
    pub c: i32,
    pub d: u32,
    pub r: [f32; 2],
    #[space(fixed)]
    pub scale: f32,
}

/// One free f32 field.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct One {
    pub x: f32,
}

/// Three free f32 fields.
#[derive(DataSpace, Clone, Debug, PartialEq)]
pub struct Grid {
    pub a: f32,
    pub b: f32,
    pub c: f32,
}

/// A fresh path in the temporary directory (unique per process and call).
pub fn temp(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!(
        "dataspace-adversarial-{}-{n}-{name}",
        std::process::id()
    ))
}

/// `n` points `x = 0, 1, 2, ...`.
pub fn ones(n: usize) -> OneSpace {
    OneSpace::new(OneColumns {
        x: (0..n).map(|i| i as f32).collect(),
    })
    .unwrap()
}

/// x * 2 on packs.
pub fn double<const V: usize>(l: OneLanes<V>) -> F32<V>
where
    f32: Float<V>,
{
    l.x + l.x
}

/// The messages of an error and its sources, outermost first.
pub fn chain(error: &dyn std::error::Error) -> Vec<String> {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(e) = source {
        messages.push(e.to_string());
        source = e.source();
    }
    messages
}

/// Asserts that a message is words, not a `Debug` dump.
pub fn assert_readable(message: &str) {
    for dump in ["Some(", "Position {", "Utf8 {", "Os {", "kind:", "Error {"] {
        assert!(!message.contains(dump), "a Debug dump in {message:?}");
    }
    assert!(!message.is_empty());
}
