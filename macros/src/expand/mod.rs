//! Code generation: one module per generated item.

mod columns;
mod design;
mod io;
mod lanes;
mod space;

use crate::ast::{Column, Field, Input, Kind};
use crate::errors::Errors;
use crate::validate;
use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident};

pub fn derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let parsed = Input::from_syn(input, &mut errors);
    if let Some(parsed) = &parsed {
        validate::check(parsed, &mut errors);
    }
    errors.finish()?;
    let input = parsed.expect("inputs that parse to None record an error");
    let names = Names::new(&input);
    let mut tokens = columns::expand(&input, &names);
    tokens.extend(space::expand(&input, &names));
    tokens.extend(lanes::expand(&input, &names));
    tokens.extend(design::expand(&input, &names));
    tokens.extend(io::expand(&input, &names));
    Ok(tokens)
}

/// The names of the generated items, all built from the struct's name.
pub struct Names {
    pub point: Ident,
    pub columns: Ident,
    pub arrays: Ident,
    pub space: Ident,
    pub columns_ref: Ident,
    pub lanes: Ident,
    /// The name of the struct as a string, for error messages.
    pub point_name: String,
    /// The const parameter of the lane count, `V`: `__DATASPACE_V` if a
    /// field's type mentions a `V` of the user's (an array length), which a
    /// generic of that name would capture.
    pub v: Ident,
    /// The const parameter of `XArrays`' length, `N` (or `__DATASPACE_N`).
    pub n: Ident,
}

impl Names {
    fn new(input: &Input) -> Self {
        let point = input.ident;
        Names {
            point: point.clone(),
            columns: format_ident!("{}Columns", point),
            arrays: format_ident!("{}Arrays", point),
            space: format_ident!("{}Space", point),
            columns_ref: format_ident!("{}ColumnsRef", point),
            lanes: format_ident!("{}Lanes", point),
            point_name: point.to_string(),
            v: generic_name(input, "V"),
            n: generic_name(input, "N"),
        }
    }
}

/// `name` as the name of a generated const parameter, or `__DATASPACE_<name>`
/// if some field's type uses an item of that name (`[f32; N]` with the
/// user's `const N`), which the parameter would shadow.
fn generic_name(input: &Input, name: &str) -> Ident {
    fn mentions(tokens: TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == name,
            proc_macro2::TokenTree::Group(group) => mentions(group.stream(), name),
            _ => false,
        })
    }
    let used = input.fields.iter().any(|field| {
        mentions(
            {
                let field_ty = field.ty;
                quote!(#field_ty)
            }
            .into_iter()
            .collect(),
            name,
        )
    });
    if used {
        format_ident!("__DATASPACE_{}", name)
    } else {
        format_ident!("{}", name)
    }
}

/// The type a column of `column` stores per scalar column: `T` or `[T; K]` of something.
fn per_column(column: &Column, one: TokenStream) -> TokenStream {
    match column.array_len {
        Some(len) => quote!([#one; #len]),
        None => one,
    }
}

/// `where` predicates saying every scalar of the space has a pack of `V` lanes.
fn lane_bounds(input: &Input, v: &Ident) -> TokenStream {
    let scalars = input.scalars();
    quote!(#(#scalars: ::dataspace::Packable<#v>,)*)
}

/// The storage of one scalar type: a `Columns<scalar, count>` field of the space.
pub struct Block<'a> {
    /// The space's field holding it, `__dataspace_f32`.
    pub field: Ident,
    pub scalar: &'a Ident,
    /// Number of columns, a constant expression (array lengths may be named consts).
    pub count: TokenStream,
}

/// Where a free field's columns sit: its scalar's block and its first column there.
pub struct Slot {
    pub block: Ident,
    pub offset: TokenStream,
}

/// The blocks of a space, one per scalar in order of first use, and the slot
/// of each free field (in field order).
fn layout<'a>(input: &Input<'a>) -> (Vec<Block<'a>>, Vec<Slot>) {
    let mut blocks: Vec<Block<'a>> = input
        .scalars()
        .into_iter()
        .map(|scalar| Block {
            field: format_ident!("__dataspace_{}", scalar),
            scalar,
            count: quote!(0usize),
        })
        .collect();
    let slots = input
        .free()
        .map(|(_, column)| {
            let block = blocks
                .iter_mut()
                .find(|block| block.scalar == column.scalar)
                .expect("every scalar has a block");
            let offset = block.count.clone();
            let width = match column.array_len {
                Some(len) => quote!((#len)),
                None => quote!(1usize),
            };
            block.count = quote!(#offset + #width);
            Slot {
                block: block.field.clone(),
                offset,
            }
        })
        .collect();
    (blocks, slots)
}

/// A copy of `value`, a fixed field: `Clone` and `Sync` are checked with the
/// field type's span, so a fixed type that lacks them gets one error, at the field.
fn clone_fixed(field: &Field, value: TokenStream) -> TokenStream {
    let ty = field.ty;
    quote_spanned!(ty.span()=> ::dataspace::__private::clone_fixed::<#ty>(#value))
}

/// `impl Clone` for a generated struct with one member per field of the input
/// (plus `extra`, copied as is).
fn clone_impl(
    input: &Input,
    ty: TokenStream,
    generics: TokenStream,
    extra: &[TokenStream],
) -> TokenStream {
    let fields = input.fields.iter().map(|field| {
        let ident = field.ident;
        let value = match field.kind {
            Kind::Fixed => clone_fixed(field, quote!(&self.#ident)),
            Kind::Free(_) => quote!(::core::clone::Clone::clone(&self.#ident)),
        };
        quote!(#ident: #value)
    });
    quote! {
        #[automatically_derived]
        impl #generics ::core::clone::Clone for #ty {
            fn clone(&self) -> Self {
                Self { #(#extra: self.#extra,)* #(#fields,)* }
            }
        }
    }
}
