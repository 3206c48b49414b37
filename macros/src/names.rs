//! Every identifier the generated code introduces, in one place: the items
//! named after the struct, the storage fields, the hidden members and the
//! const parameters.

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident};
use syn::Type;

/// Generated code uses names starting with this prefix for its own members
/// and locals; fields may not start with it.
pub const RESERVED_PREFIX: &str = "__dataspace";

/// The names of the generated items, all built from the struct's name.
pub struct Names {
    pub point: Ident,
    /// `XColumns`: the input of a space, a `Vec` per free field.
    pub columns: Ident,
    /// `XArrays<N>`: the input as arrays.
    pub arrays: Ident,
    /// `XSpace`: the stored space.
    pub space: Ident,
    /// `XColumnsRef<'a>`: the columns, borrowed.
    pub columns_ref: Ident,
    /// `XLanes<'a, V>`: V points as packs (`'a` with or without fixed fields).
    pub lanes: Ident,
    /// `XAxes`: a design's axes.
    pub axes: Ident,
    /// `XDesign`: the alias of `Design<XAxes>`.
    pub design: Ident,
    /// `XFixed`: the fixed fields, for readers.
    pub fixed: Ident,
    /// The name of the struct as a string, for error messages and `Debug`.
    pub point_name: String,
    /// The const parameter of the lane count, `V` (see [`generic_name`]).
    pub v: Ident,
    /// The const parameter of `XArrays`' length, `N` (see [`generic_name`]).
    pub n: Ident,
}

impl Names {
    /// The names for `point`, whose fields have types `field_types`.
    pub fn new<'a>(point: &Ident, field_types: impl Iterator<Item = &'a Type> + Clone) -> Self {
        Names {
            point: point.clone(),
            columns: format_ident!("{}Columns", point),
            arrays: format_ident!("{}Arrays", point),
            space: format_ident!("{}Space", point),
            columns_ref: format_ident!("{}ColumnsRef", point),
            lanes: format_ident!("{}Lanes", point),
            axes: format_ident!("{}Axes", point),
            design: format_ident!("{}Design", point),
            fixed: format_ident!("{}Fixed", point),
            point_name: point.to_string(),
            v: generic_name(field_types.clone(), "V"),
            n: generic_name(field_types, "N"),
        }
    }
}

/// `name` as the name of a generated const parameter, or `__DATASPACE_<name>`
/// if some field's type uses an item of that name (`[f32; N]` with the
/// user's `const N`), which the parameter would shadow.
fn generic_name<'a>(field_types: impl Iterator<Item = &'a Type>, name: &str) -> Ident {
    fn mentions(tokens: TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => ident == name,
            TokenTree::Group(group) => mentions(group.stream(), name),
            _ => false,
        })
    }
    let mut field_types = field_types;
    if field_types.any(|ty| mentions(ty.to_token_stream(), name)) {
        format_ident!("__DATASPACE_{}", name)
    } else {
        format_ident!("{}", name)
    }
}

/// The field of `XSpace` holding the columns of `scalar`: `__dataspace_f32`.
pub fn storage_field(scalar: &Ident) -> Ident {
    format_ident!("{}_{}", RESERVED_PREFIX, scalar)
}

/// A hidden member or local of generated code: `__dataspace_<what>`.
pub fn hidden(what: &str) -> Ident {
    Ident::new(&format!("{RESERVED_PREFIX}_{what}"), Span::call_site())
}

/// `XLanes`' marker of its lifetime (a `PhantomData`, so that every
/// `XLanes` has the parameters `<'a, V>`, fixed fields or not).
pub fn lifetime_marker() -> Ident {
    hidden("lifetime")
}

/// `XLanes`' count of real lanes.
pub fn valid() -> Ident {
    hidden("valid")
}

/// `XLanes`' index of lane 0's point.
pub fn index() -> Ident {
    hidden("index")
}

/// The type parameter of `FromRecords::push`, the reader's fields (no user
/// type can be shadowed by it: it starts with the reserved prefix).
pub fn fields_param() -> Ident {
    Ident::new("__DataspaceFields", Span::call_site())
}
