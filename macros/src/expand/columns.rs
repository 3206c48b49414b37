//! `XColumns` and `XArrays` (the inputs of a space) and `XColumnsRef` (a
//! borrowed view of its columns).

use super::{clone_impl, per_column};
use crate::model::{Field, FieldKind, Model};
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(model: &Model) -> TokenStream {
    let mut tokens = columns_struct(model);
    tokens.extend(arrays_struct(model));
    tokens.extend(columns_ref_struct(model));
    tokens
}

/// The doc of a field of an input: free or fixed.
fn input_doc(field: &Field) -> String {
    match field.kind {
        FieldKind::Fixed => format!("`{}`: one value shared by every point.", field.name),
        FieldKind::Free(_) => format!("`{}`: one value per point.", field.name),
        FieldKind::Flatten(_) => format!(
            "`{}`: the flattened struct's own input, its columns named `{}.<field>`.",
            field.name, field.name
        ),
    }
}

fn columns_struct(model: &Model) -> TokenStream {
    let (vis, names) = (model.vis, &model.names);
    let (columns, space, point) = (&names.columns, &names.space, &names.point);
    let fields = model.fields.iter().map(|field| {
        let (ident, ty, doc) = (field.ident, field.ty, input_doc(field));
        match field.kind {
            FieldKind::Fixed => quote!(#[doc = #doc] pub #ident: #ty),
            FieldKind::Free(_) => {
                quote!(#[doc = #doc] pub #ident: ::dataspace::__private::Vec<#ty>)
            }
            FieldKind::Flatten(_) => {
                let flat = super::flat(field);
                quote!(#[doc = #doc] pub #ident: #flat::Columns)
            }
        }
    });
    let doc = format!(
        "The parameters of a [`{space}`], one `Vec` per free field of [`{point}`] \
         (all of the same length N) and one value per fixed field. \
         Checked by [`{space}::new`]."
    );
    let clone = clone_impl(model, quote!(#columns), quote!());
    let bounds = super::flat_where(model);
    quote! {
        #[doc = #doc]
        #vis struct #columns #bounds { #(#fields,)* }

        #clone
    }
}

fn arrays_struct(model: &Model) -> TokenStream {
    let (vis, names) = (model.vis, &model.names);
    let (arrays, space, n) = (&names.arrays, &names.space, &names.n);
    let fields = model.fields.iter().map(|field| {
        let (ident, ty, doc) = (field.ident, field.ty, input_doc(field));
        match field.kind {
            FieldKind::Fixed => quote!(#[doc = #doc] pub #ident: #ty),
            FieldKind::Free(_) => quote!(#[doc = #doc] pub #ident: [#ty; #n]),
            FieldKind::Flatten(_) => {
                let flat = super::flat(field);
                quote!(#[doc = #doc] pub #ident: #flat::Arrays<#n>)
            }
        }
    });
    let doc = format!(
        "The parameters of a [`{space}`] of `N` points as arrays: lengths checked by the \
         compiler. Built into a space by [`{space}::from_arrays`]."
    );
    let clone = clone_impl(model, quote!(#arrays<#n>), quote!(<const #n: usize>));
    let bounds = super::flat_where(model);
    quote! {
        #[doc = #doc]
        #vis struct #arrays<const #n: usize> #bounds { #(#fields,)* }

        #clone
    }
}

fn columns_ref_struct(model: &Model) -> TokenStream {
    let (vis, names) = (model.vis, &model.names);
    let (columns_ref, space) = (&names.columns_ref, &names.space);
    let fields = model.fields.iter().map(|field| {
        let (ident, ty, name) = (field.ident, field.ty, &field.name);
        match &field.kind {
            FieldKind::Fixed => {
                let doc = format!("`{name}`: one value shared by every point.");
                quote!(#[doc = #doc] pub #ident: &'a #ty)
            }
            FieldKind::Free(free) => {
                let scalar = free.scalar;
                let slice = per_column(free, quote!(&'a [#scalar]));
                let doc = match free.array_len {
                    Some(_) => format!("`{name}[k]` over all points, one slice per `k`."),
                    None => format!("`{name}` over all points."),
                };
                quote!(#[doc = #doc] pub #ident: #slice)
            }
            FieldKind::Flatten(_) => {
                let doc = format!("`{name}`: the flattened struct's columns, borrowed.");
                let flat = super::flat(field);
                quote!(#[doc = #doc] pub #ident: #flat::ColumnsRef<'a>)
            }
        }
    });
    let doc = format!(
        "The columns of a [`{space}`], borrowed: each free field as a slice of N values, \
         each fixed field by reference. Made by [`{space}::columns`]."
    );
    let bounds = super::flat_where(model);
    quote! {
        #[doc = #doc]
        #vis struct #columns_ref<'a> #bounds { #(#fields,)* }

        // Written out rather than derived, so that they carry the bounds
        // spanned at the flattened fields (see `flat_bounds`).
        #[automatically_derived]
        impl<'a> ::core::clone::Clone for #columns_ref<'a> #bounds {
            #[inline]
            fn clone(&self) -> Self {
                *self
            }
        }

        #[automatically_derived]
        impl<'a> ::core::marker::Copy for #columns_ref<'a> #bounds {}
    }
}
