//! `Debug` for every generated type. Free fields and packs are `Debug`; a
//! fixed field may not be, so it goes through `__private::DebugField`, which
//! shows its value if its type is `Debug` and its type name otherwise.

use super::lane_bounds;
use crate::model::{Field, FieldKind, Model};
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(model: &Model) -> TokenStream {
    let names = &model.names;
    let (n, v) = (&names.n, &names.v);
    let (columns, arrays, columns_ref) = (&names.columns, &names.arrays, &names.columns_ref);
    let (axes, fixed, lanes) = (&names.axes, &names.fixed, &names.lanes);
    let lt = quote!('a,);
    let bounds = lane_bounds(model, v);
    let all = || model.fields.iter();
    let flat_where = super::flat_where(model);
    let mut tokens = debug_impl(
        model,
        quote!(#columns #flat_where),
        quote!(),
        fields(all(), Owned),
    );
    tokens.extend(debug_impl(
        model,
        quote!(#arrays<#n> #flat_where),
        quote!(<const #n: usize>),
        fields(all(), Owned),
    ));
    tokens.extend(debug_impl(
        model,
        quote!(#columns_ref<'a> #flat_where),
        quote!(<'a>),
        fields(all(), Borrowed),
    ));
    tokens.extend(debug_impl(
        model,
        quote!(#axes #flat_where),
        quote!(),
        fields(all(), Owned),
    ));
    tokens.extend(debug_impl(
        model,
        quote!(#fixed),
        quote!(),
        fields(model.fixed(), Owned),
    ));
    let mut lane_fields = fields(all(), Borrowed);
    let valid = names::valid();
    lane_fields.push(quote!(.field("valid()", &self.#valid)));
    let generics = quote!(<#lt const #v: usize>);
    tokens.extend(debug_impl(
        model,
        quote!(#lanes<#lt #v> where #bounds),
        generics,
        lane_fields,
    ));
    tokens.extend(space_debug(model));
    tokens.extend(space_display(model));
    tokens
}

/// `XSpace`'s `Display`: the summary of `__private::write_space_summary`
/// (each column's type, range and NaN count; the fixed fields).
fn space_display(model: &Model) -> TokenStream {
    let space = &model.names.space;
    let name = space.to_string();
    let local = names::hidden("columns");
    let fixed = fixed_entries(model, quote!(#local), Borrowed);
    let imports = debug_imports(model);
    let bounds = super::flat_where(model);
    quote! {
        #[automatically_derived]
        impl ::core::fmt::Display for #space #bounds {
            /// The summary of the space: its number of points, each column
            /// with its type, its smallest and largest value and its count
            /// of NaN, each fixed field with its value.
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #imports
                let #local = self.columns();
                let _ = &#local;
                ::dataspace::__private::write_space_summary(formatter, #name, self, &[#(#fixed),*])
            }
        }
    }
}

/// How a generated struct holds its fixed fields: by value, or as `&T`.
#[derive(Clone, Copy)]
pub enum Holds {
    Owned,
    Borrowed,
}
pub use Holds::{Borrowed, Owned};

/// `.field("name", value)` for each of `fields`, read from `self`.
fn fields<'m, 'a: 'm>(
    fields: impl Iterator<Item = &'m Field<'a>>,
    holds: Holds,
) -> Vec<TokenStream> {
    fields
        .map(|field| entry(field, quote!(self), holds))
        .collect()
}

/// `.field("name", value)` for `field` read from `from`.
fn entry(field: &Field, from: TokenStream, holds: Holds) -> TokenStream {
    let name = &field.name;
    let value = value(field, from, holds);
    quote!(.field(#name, #value))
}

/// `field` read from `from` as a `&dyn Debug`-able reference: a free
/// field's own value, a fixed field through `DebugField` (its type's name
/// when it has no `Debug`).
fn value(field: &Field, from: TokenStream, holds: Holds) -> TokenStream {
    let ident = field.ident;
    match (&field.kind, holds) {
        (FieldKind::Free(_) | FieldKind::Flatten(_), _) => quote!(&#from.#ident),
        (FieldKind::Fixed, Owned) => {
            quote!(&(&::dataspace::__private::DebugField(&#from.#ident)).dataspace_debug())
        }
        (FieldKind::Fixed, Borrowed) => {
            quote!(&(&::dataspace::__private::DebugField(#from.#ident)).dataspace_debug())
        }
    }
}

/// `(name, type, value)` of each fixed field of `from` (borrowed or owned):
/// the summaries' fixed lines.
pub fn fixed_entries(model: &Model, from: TokenStream, holds: Holds) -> Vec<TokenStream> {
    model
        .fixed()
        .map(|field| {
            let (name, ty) = (&field.name, field.ty);
            let ty = super::type_text(ty);
            let value = value(field, from.clone(), holds);
            quote!((#name, #ty, #value))
        })
        .collect()
}

/// The imports that `DebugField` needs, if the struct has fixed fields.
pub fn debug_imports(model: &Model) -> TokenStream {
    match model.has_fixed() {
        true => quote! {
            #[allow(unused_imports)]
            use ::dataspace::__private::{DebugFallback as _, DebugValue as _};
        },
        false => quote!(),
    }
}

/// `impl Debug for #ty` showing `entries`, the struct named like `ty`.
fn debug_impl(
    model: &Model,
    ty: TokenStream,
    generics: TokenStream,
    entries: Vec<TokenStream>,
) -> TokenStream {
    let name = ty
        .clone()
        .into_iter()
        .next()
        .map(|t| t.to_string())
        .unwrap_or_default();
    let imports = debug_imports(model);
    quote! {
        #[automatically_derived]
        impl #generics ::core::fmt::Debug for #ty {
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #imports
                formatter.debug_struct(#name) #(#entries)* .finish()
            }
        }
    }
}

/// `XSpace` prints a summary, not its N values: its length, each free
/// field as the shape of its column (`eta: [f32; N]`, `r0: [[f32; 2]; N]`
/// with N the number), each fixed field by value.
fn space_debug(model: &Model) -> TokenStream {
    let space = &model.names.space;
    let name = space.to_string();
    let local = names::hidden("columns");
    let len = names::hidden("len");
    let entries = model.fields.iter().map(|field| match &field.kind {
        FieldKind::Free(free) => {
            let field_name = &field.name;
            let scalar = free.scalar.to_string();
            let element = match free.array_len {
                Some(k) => format!("[{scalar}; {}]", quote!(#k)),
                None => scalar,
            };
            let shape = format!("[{element}; {{}}]");
            quote!(.field(#field_name, &::core::format_args!(#shape, #len)))
        }
        FieldKind::Fixed => entry(field, quote!(#local), Borrowed),
        // The inner space's own summary: its length and column shapes.
        FieldKind::Flatten(_) => entry(field, quote!(self), Borrowed),
    });
    let imports = debug_imports(model);
    let bounds = super::flat_where(model);
    quote! {
        #[automatically_derived]
        impl ::core::fmt::Debug for #space #bounds {
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #imports
                let #local = self.columns();
                let #len = ::dataspace::Space::len(self);
                let _ = &#local;
                formatter.debug_struct(#name).field("len", &#len) #(#entries)* .finish()
            }
        }
    }
}
