//! For a struct without fixed fields, `XLanes<'a, V>` is also what a kernel
//! returns: `XLanes::new` and `Output<V>`, collecting results into an `XSpace`.

use super::lanes::pack_type;
use super::{lane_bounds, lanes_tail, private};
use crate::model::{Field, FieldKind, Model};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn expand(model: &Model) -> TokenStream {
    if model.has_fixed() {
        return TokenStream::new();
    }
    let mut tokens = new_fn(model);
    tokens.extend(output_impl(model));
    tokens
}

fn new_fn(model: &Model) -> TokenStream {
    let names = &model.names;
    let (point, space, lanes, v) = (&names.point, &names.space, &names.lanes, &names.v);
    let bounds = lane_bounds(model, v);
    let tail = lanes_tail(quote!(#v), quote!(0));
    // Parameters are named after the fields, for readable docs, except one
    // that would be read as the const parameter `V`.
    let arg = |field: &Field| match *field.ident == *v {
        true => format_ident!("__dataspace_{}", field.ident),
        false => field.ident.clone(),
    };
    let args = model.per_point().map(|field| {
        let arg = arg(field);
        let pack = match &field.kind {
            FieldKind::Free(free) => pack_type(model, free),
            _ => {
                let lanes = super::flat_lanes(model, field);
                quote!(#lanes::Lanes)
            }
        };
        quote!(#arg: #pack)
    });
    let fields = model.per_point().map(|field| {
        let (ident, arg) = (field.ident, arg(field));
        quote!(#ident: #arg)
    });
    let doc = format!(
        "`V` points of [`{point}`] from one pack per field, all lanes real: \
         what a kernel returns to make its results a [`{space}`]."
    );
    quote! {
        #[automatically_derived]
        impl<const #v: usize> #lanes<'_, #v> where #bounds {
            #[doc = #doc]
            #[allow(clippy::too_many_arguments)]
            #[must_use]
            pub fn new(#(#args),*) -> Self {
                #lanes { #(#fields,)* #tail }
            }
        }
    }
}

/// Appends the first `valid` lanes of a field of the lanes `recv` to `block`.
pub fn push_lanes(model: &Model, field: &Field, recv: &TokenStream) -> TokenStream {
    let (ident, v) = (field.ident, &model.names.v);
    match &field.kind {
        FieldKind::Free(free) if free.array_len.is_some() => quote! {
            let __dataspace_lanes = #recv.#ident.map(::dataspace::Pack::<#v>::to_array);
            for lane in 0..valid {
                block.#ident.push(::core::array::from_fn(|k| __dataspace_lanes[k][lane]));
            }
        },
        FieldKind::Free(_) => quote! {
            block.#ident.extend_from_slice(&::dataspace::Pack::<#v>::to_array(#recv.#ident)[..valid]);
        },
        FieldKind::Flatten(_) => {
            let lanes = super::flat_lanes(model, field);
            quote!(#lanes::push(#recv.#ident, &mut block.#ident, valid);)
        }
        FieldKind::Fixed => quote!(),
    }
}

/// `XColumns` with room for `points` values per column (a struct without
/// fixed fields).
pub fn columns_with_capacity(model: &Model) -> TokenStream {
    let (columns, private) = (&model.names.columns, private());
    let init = model.per_point().map(|field| {
        let ident = field.ident;
        match field.kind {
            FieldKind::Flatten(_) => {
                let flat = super::flat(field);
                quote!(#ident: #flat::with_capacity(points))
            }
            _ => quote!(#ident: #private::Vec::with_capacity(points)),
        }
    });
    quote!(#columns { #(#init,)* })
}

/// Statements appending the columns `block` to the columns `all`.
pub fn append_columns(model: &Model) -> TokenStream {
    let append = model.per_point().map(|field| {
        let ident = field.ident;
        match field.kind {
            FieldKind::Flatten(_) => {
                let flat = super::flat(field);
                quote!(#flat::append(&mut all.#ident, block.#ident);)
            }
            _ => quote!(all.#ident.extend(block.#ident);),
        }
    });
    quote!(#(#append)*)
}

fn output_impl(model: &Model) -> TokenStream {
    let names = &model.names;
    let (space, lanes, columns, v) = (&names.space, &names.lanes, &names.columns, &names.v);
    let (bounds, private) = (lane_bounds(model, v), private());
    let init = columns_with_capacity(model);
    let push = model
        .per_point()
        .map(|field| push_lanes(model, field, &quote!(self)));
    let append = append_columns(model);
    quote! {
        #[automatically_derived]
        impl<'a, const #v: usize> ::dataspace::Output<#v> for #lanes<'a, #v> where #bounds {
            type Result = #space;
            type Block = #columns;

            fn block(points: usize) -> #columns {
                #init
            }

            #[inline]
            fn push(self, block: &mut #columns, valid: usize) -> #private::Result<(), ::dataspace::OutputError> {
                let valid = if valid < #v { valid } else { #v };
                #(#push)*
                #private::Ok(())
            }

            fn finish(blocks: #private::Vec<#columns>, len: usize) -> #private::Result<#space, ::dataspace::OutputError> {
                let points = #private::padded_len(len);
                let mut all = #init;
                for block in blocks {
                    #append
                }
                #private::Ok(#space::new(all).expect("every output column holds one value per point"))
            }
        }
    }
}
