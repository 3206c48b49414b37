//! `XColumns` and `XArrays` (the inputs of a space) and `XColumnsRef` (a
//! borrowed view of its columns).

use super::{clone_impl, per_column, Names};
use crate::ast::{Input, Kind};
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(input: &Input, names: &Names) -> TokenStream {
    let Names {
        point,
        columns,
        arrays,
        space,
        columns_ref,
        ..
    } = names;
    let n = &names.n;
    let vis = input.vis;
    let mut columns_fields = Vec::new();
    let mut arrays_fields = Vec::new();
    let mut ref_fields = Vec::new();
    for field in &input.fields {
        let (ident, ty) = (field.ident, field.ty);
        let name = field.name();
        match &field.kind {
            Kind::Fixed => {
                let doc = format!("`{name}`: one value shared by every point.");
                columns_fields.push(quote!(#[doc = #doc] pub #ident: #ty));
                arrays_fields.push(quote!(#[doc = #doc] pub #ident: #ty));
                ref_fields.push(quote!(#[doc = #doc] pub #ident: &'a #ty));
            }
            Kind::Free(column) => {
                let column = column.as_ref().expect("validated");
                let doc = format!("`{name}`: one value per point.");
                columns_fields
                    .push(quote!(#[doc = #doc] pub #ident: ::dataspace::__private::Vec<#ty>));
                arrays_fields.push(quote!(#[doc = #doc] pub #ident: [#ty; #n]));
                let scalar = column.scalar;
                let slice = per_column(column, quote!(&'a [#scalar]));
                let doc = match column.array_len {
                    Some(_) => format!("`{name}[k]` over all points, one slice per `k`."),
                    None => format!("`{name}` over all points."),
                };
                ref_fields.push(quote!(#[doc = #doc] pub #ident: #slice));
            }
        }
    }
    let columns_doc = format!(
        "The parameters of a [`{space}`], one `Vec` per free field of [`{point}`] \
         (all of the same length N) and one value per fixed field. \
         Checked by [`{space}::new`]."
    );
    let arrays_doc = format!(
        "The parameters of a [`{space}`] of `N` points as arrays: lengths checked by the \
         compiler. Built into a space by [`{space}::from_arrays`]."
    );
    let ref_doc = format!(
        "The columns of a [`{space}`], borrowed: each free field as a slice of N values, \
         each fixed field by reference. Made by [`{space}::columns`]."
    );
    let clone_columns = clone_impl(input, quote!(#columns), quote!(), &[]);
    let clone_arrays = clone_impl(input, quote!(#arrays<#n>), quote!(<const #n: usize>), &[]);
    quote! {
        #clone_columns
        #clone_arrays

        #[doc = #columns_doc]
        #vis struct #columns { #(#columns_fields,)* }

        #[doc = #arrays_doc]
        #vis struct #arrays<const #n: usize> { #(#arrays_fields,)* }

        #[doc = #ref_doc]
        #[derive(Clone, Copy)]
        #vis struct #columns_ref<'a> { #(#ref_fields,)* }
    }
}
