//! What `#[derive(DataSpace)]` generates, for browsing: every item of this
//! module except [`Mpr`] was written by the derive on `Mpr` below. Built only
//! for the documentation (`cfg(doc)`), as bitflags' `example_generated`.
//!
//! ```ignore
//! #[derive(DataSpace, Clone, Debug, PartialEq)]
//! pub struct Coupling {
//!     pub g: f32,
//!     pub delay: f32,
//! }
//!
//! #[derive(DataSpace, Clone, Debug, PartialEq)]
//! pub struct Mpr {
//!     pub eta: f32,
//!     pub j: f32,
//!     pub delta: f64,
//!     pub r0: [f32; 2],
//!     #[space(flatten)]
//!     pub coupling: Coupling,
//!     #[space(fixed)]
//!     pub dt: f32,
//! }
//! ```
//!
//! | item | what it is |
//! |---|---|
//! | [`MprColumns`] | the input: a `Vec` per free field, a value per fixed field |
//! | [`MprArrays`] | the input as arrays of `N` points: lengths checked by the compiler |
//! | [`MprSpace`] | the stored space: [`Space`](crate::Space), [`PackedSpace`](crate::PackedSpace), [`FromRecords`](crate::FromRecords) |
//! | [`MprColumnsRef`] | `space.columns()`: the columns, borrowed |
//! | [`MprLanes`] | `V` points as packs: what a kernel takes |
//! | [`MprAxes`], [`MprDesign`] | a design's axes, and the design ([`Design`](crate::Design)`<MprAxes>`) |
//! | [`MprFixed`] | the fixed fields, given in code when reading a file |
//!
//! `Coupling` gets the same items ([`CouplingSpace`], [`CouplingLanes`],
//! ...); `Mpr`'s hold them for its `#[space(flatten)]` field `coupling`,
//! whose columns are `coupling.g` and `coupling.delay`.

/// The coupling of a node to the network: two free parameters, flattened
/// into [`Mpr`].
#[derive(crate::DataSpace, Clone, Debug, PartialEq)]
pub struct Coupling {
    /// Global coupling strength.
    pub g: f32,
    /// Conduction delay.
    pub delay: f32,
}

/// One point of a Montbrió–Pazó–Roxin sweep: four free parameters (one of
/// them an array of two columns), a flattened [`Coupling`] (two more
/// columns, `coupling.g` and `coupling.delay`) and a time step shared by
/// every point.
#[derive(crate::DataSpace, Clone, Debug, PartialEq)]
pub struct Mpr {
    /// Excitability.
    pub eta: f32,
    /// Synaptic weight.
    pub j: f32,
    /// Heterogeneity.
    pub delta: f64,
    /// Initial state (r, v).
    pub r0: [f32; 2],
    /// Coupling to the network: its fields are columns of the space.
    #[space(flatten)]
    pub coupling: Coupling,
    /// Euler step, shared by every point.
    #[space(fixed)]
    pub dt: f32,
}
