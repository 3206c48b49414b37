//! Code generation from the checked [`Model`]: one module per group of
//! generated items, one small function per item or impl, each mapping over
//! the model's fields.

mod columns;
mod debug;
mod design;
mod io;
mod lanes;
mod output;
mod space;

use crate::model::{Field, Free, Model};
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
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
    tokens
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

/// `where` predicates saying every scalar of the space has a pack of `v` lanes.
fn lane_bounds(model: &Model, v: &Ident) -> TokenStream {
    let scalars = model.storages.iter().map(|storage| storage.scalar);
    quote!(#(#scalars: ::dataspace::Packable<#v>,)*)
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
    let fields = model.fields.iter().map(|field| {
        let ident = field.ident;
        let value = match field.kind {
            crate::model::FieldKind::Fixed => clone_fixed(field, quote!(&self.#ident)),
            crate::model::FieldKind::Free(_) => quote!(::core::clone::Clone::clone(&self.#ident)),
        };
        quote!(#ident: #value)
    });
    quote! {
        #[automatically_derived]
        impl #generics ::core::clone::Clone for #ty {
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
