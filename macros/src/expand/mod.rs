//! Code generation from the checked [`Model`]: one module per group of
//! generated items, one small function per item or impl, each mapping over
//! the model's fields.

mod columns;
mod debug;
mod design;
mod flatten;
mod io;
mod lanes;
mod output;
mod space;

use crate::model::{Field, FieldKind, Free, Model};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

/// Every generated item.
pub fn expand(model: &Model) -> TokenStream {
    let mut tokens = columns::expand(model);
    tokens.extend(space::expand(model));
    tokens.extend(lanes::expand(model));
    tokens.extend(output::expand(model));
    tokens.extend(design::expand(model));
    tokens.extend(io::expand(model));
    tokens.extend(debug::expand(model));
    tokens.extend(flatten::expand(model));
    tokens
}

/// Where a generator's code runs: in the struct's own items and trait
/// impls (`self`, leaves numbered from 0, names as literals), or in its
/// `Flatten` impl, as part of an outer struct (a parameter for the
/// receiver, leaves numbered from the parameter `f0`, names read from the
/// parameter `names`).
#[derive(Clone)]
pub struct Ctx {
    /// The receiver: `self`, or the parameter holding the struct's columns,
    /// space, axes or lanes.
    pub recv: TokenStream,
    /// `false` in the struct's own items.
    pub nested: bool,
}

impl Ctx {
    /// The struct's own items.
    pub fn own() -> Ctx {
        Ctx {
            recv: quote!(self),
            nested: false,
        }
    }

    /// Inside `Flatten`, the receiver being the parameter `recv`.
    pub fn nested(recv: &str) -> Ctx {
        Ctx {
            recv: Ident::new(recv, proc_macro2::Span::call_site()).into_token_stream(),
            nested: true,
        }
    }

    /// The number of the leaf `leaf` (a field's `leaf`) in the outermost struct.
    pub fn leaf(&self, leaf: &TokenStream) -> TokenStream {
        match self.nested {
            true => quote!(f0 + (#leaf)),
            false => quote!(#leaf),
        }
    }

    /// The outermost struct's leaf names, a `&'static [&'static str]`.
    pub fn names(&self, model: &Model) -> TokenStream {
        let axes = &model.names.axes;
        match self.nested {
            true => quote!(names),
            false => quote!(<#axes as ::dataspace::Axes>::FIELDS),
        }
    }

    /// The name of a free field, a `&'static str`: a literal in the
    /// struct's own items, its dotted name inside `Flatten`.
    pub fn name(&self, model: &Model, field: &Field, free: &Free) -> TokenStream {
        match self.nested {
            true => {
                let (names, leaf) = (self.names(model), self.leaf(&free.leaf));
                quote!(::dataspace::__private::leaf_name(#names, #leaf))
            }
            false => {
                let name = &field.name;
                quote!(#name)
            }
        }
    }
}

/// The leaf names of the struct (`XAxes::FIELDS`): a list of literals, or,
/// with flattened fields, the inner structs' names prefixed with the
/// field's, joined at compile time.
fn fields_const(model: &Model) -> TokenStream {
    if !model.has_flatten {
        let names = model.free().map(|(field, _)| &field.name);
        return quote!(&[#(#names),*]);
    }
    let private = private();
    let mut items = Vec::new();
    let parts: Vec<TokenStream> = model
        .per_point()
        .enumerate()
        .map(|(i, field)| {
            let name = &field.name;
            match field.kind {
                FieldKind::Flatten(_) => {
                    let ty = field.ty;
                    let inner = quote!(<#ty as #private::Flatten>::FIELDS);
                    let (bytes, dotted) =
                        (format_ident!("BYTES_{}", i), format_ident!("NAMES_{}", i));
                    items.push(quote! {
                        const #bytes: [u8; #private::prefixed_len(#name, #inner)] =
                            #private::prefixed_bytes(#name, #inner);
                        const #dotted: [&str; #inner.len()] =
                            #private::split_prefixed(&#bytes, #name, #inner);
                    });
                    quote!(&#dotted)
                }
                _ => quote!(&[#name]),
            }
        })
        .collect();
    quote!({
        #(#items)*
        const ALL: [&str; #private::names_len(&[#(#parts),*])] = #private::concat_names(&[#(#parts),*]);
        &ALL
    })
}

/// The path of the runtime's helpers for generated code.
fn private() -> TokenStream {
    quote!(::dataspace::__private)
}

/// The type a free field stores per scalar column: `one`, or `[one; K]` for an array.
fn per_column(free: &Free, one: TokenStream) -> TokenStream {
    match free.array_len {
        Some(len) => quote!([#one; #len]),
        None => one,
    }
}

/// `where` predicates saying every scalar of the space has a pack of `v`
/// lanes, and every flattened struct has lanes of `v`.
fn lane_bounds(model: &Model, v: &Ident) -> TokenStream {
    let scalars = model.storages.iter().map(|storage| storage.scalar);
    let nested = model.flattened().map(|(field, _)| field.ty);
    let flat = flat_bounds(model);
    quote! {
        #(#scalars: ::dataspace::Packable<#v>,)*
        #flat
        #(#nested: ::dataspace::__private::FlattenLanes<#v>,)*
    }
}

/// `where` predicates saying each flattened field's type is `Flatten`,
/// spanned on the field's type. Every generated item carries them, so that
/// a type that is not (no derive, or fixed fields) is one error at the
/// field: the items' identical errors are reported once, and inside the
/// items the bound is assumed, so nothing else fails.
fn flat_bounds(model: &Model) -> TokenStream {
    let bounds = model.flattened().map(|(field, _)| {
        let ty = field.ty;
        quote_spanned!(ty.span()=> #ty: ::dataspace::__private::Flatten,)
    });
    quote!(#(#bounds)*)
}

/// `where` and [`flat_bounds`], or nothing without flattened fields.
fn flat_where(model: &Model) -> TokenStream {
    match model.has_flatten {
        true => {
            let bounds = flat_bounds(model);
            quote!(where #bounds)
        }
        false => quote!(),
    }
}

/// `<ty as Flatten>`: the path to a flattened field's hooks.
fn flat(field: &Field) -> TokenStream {
    let ty = field.ty;
    quote!(<#ty as ::dataspace::__private::Flatten>)
}

/// `<ty as FlattenLanes<V>>`: the path to a flattened field's lane hooks.
fn flat_lanes(model: &Model, field: &Field) -> TokenStream {
    let (ty, v) = (field.ty, &model.names.v);
    quote!(<#ty as ::dataspace::__private::FlattenLanes<#v>>)
}

/// The fields every `XLanes` literal ends with: its real lanes, the index of
/// lane 0's point, and the marker of its lifetime.
fn lanes_tail(valid: TokenStream, index: TokenStream) -> TokenStream {
    let (field, marker) = (crate::names::valid(), crate::names::lifetime_marker());
    let index_field = crate::names::index();
    quote!(#field: #valid, #index_field: #index, #marker: ::core::marker::PhantomData)
}

/// A copy of `value`, a fixed field: `Clone` and `Sync` are checked with the
/// field type's span, so a fixed type that lacks them gets one error, at the field.
fn clone_fixed(field: &Field, value: TokenStream) -> TokenStream {
    let ty = field.ty;
    quote_spanned!(ty.span()=> ::dataspace::__private::clone_fixed::<#ty>(#value))
}

/// `impl Clone` for a generated struct with one member per field of the input.
fn clone_impl(model: &Model, ty: TokenStream, generics: TokenStream) -> TokenStream {
    let bounds = flat_where(model);
    let fields = model.fields.iter().map(|field| {
        let ident = field.ident;
        let value = match field.kind {
            crate::model::FieldKind::Fixed => clone_fixed(field, quote!(&self.#ident)),
            _ => quote!(::core::clone::Clone::clone(&self.#ident)),
        };
        quote!(#ident: #value)
    });
    quote! {
        #[automatically_derived]
        impl #generics ::core::clone::Clone for #ty #bounds {
            fn clone(&self) -> Self {
                Self { #(#fields,)* }
            }
        }
    }
}

/// A type as people write it (`Vec<f32>`, `[f32; 2]`), not as tokens print
/// (`Vec < f32 >`): for the summaries' type column.
pub fn type_text(ty: &syn::Type) -> String {
    let tokens = quote::quote!(#ty).to_string();
    let mut text = String::with_capacity(tokens.len());
    for piece in tokens.split(' ') {
        let glue = matches!(piece, "<" | ">" | "," | ";" | "::" | ")" | "]")
            || text.ends_with(['<', '&', '(', '['])
            || text.ends_with("::");
        if !text.is_empty() && !glue {
            text.push(' ');
        }
        text.push_str(piece);
    }
    text
}
