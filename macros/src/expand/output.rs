//! For a struct without fixed fields, `XLanes<'a, V>` is also what a kernel
//! returns: `XLanes::new` and `Output<V>`, collecting results into an `XSpace`.

use super::lanes::pack_type;
use super::{lane_bounds, lanes_tail, private};
use crate::model::{Field, Free, Model};
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
    let args = model.free().map(|(field, free)| {
        let (arg, pack) = (arg(field), pack_type(model, free));
        quote!(#arg: #pack)
    });
    let fields = model.free().map(|(field, _)| {
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

/// Appends the first `valid` lanes of a field to `block`.
fn push_lanes(model: &Model, field: &Field, free: &Free) -> TokenStream {
    let (ident, v) = (field.ident, &model.names.v);
    match free.array_len {
        Some(_) => quote! {
            let lanes = self.#ident.map(::dataspace::Pack::<#v>::to_array);
            for lane in 0..valid {
                block.#ident.push(::core::array::from_fn(|k| lanes[k][lane]));
            }
        },
        None => quote! {
            block.#ident.extend_from_slice(&::dataspace::Pack::<#v>::to_array(self.#ident)[..valid]);
        },
    }
}

fn output_impl(model: &Model) -> TokenStream {
    let names = &model.names;
    let (space, lanes, columns, v) = (&names.space, &names.lanes, &names.columns, &names.v);
    let (bounds, private) = (lane_bounds(model, v), private());
    let init = model.free().map(|(field, _)| {
        let ident = field.ident;
        quote!(#ident: #private::Vec::with_capacity(points))
    });
    let init: Vec<_> = init.collect();
    let push = model
        .free()
        .map(|(field, free)| push_lanes(model, field, free));
    let append = model.free().map(|(field, _)| {
        let ident = field.ident;
        quote!(all.#ident.extend(block.#ident);)
    });
    quote! {
        #[automatically_derived]
        impl<'a, const #v: usize> ::dataspace::Output<#v> for #lanes<'a, #v> where #bounds {
            type Result = #space;
            type Block = #columns;

            fn block(points: usize) -> #columns {
                #columns { #(#init,)* }
            }

            #[inline]
            fn push(self, block: &mut #columns, valid: usize) -> #private::Result<(), ::dataspace::OutputError> {
                let valid = if valid < #v { valid } else { #v };
                #(#push)*
                #private::Ok(())
            }

            fn finish(blocks: #private::Vec<#columns>, len: usize) -> #private::Result<#space, ::dataspace::OutputError> {
                let points = #private::padded_len(len);
                let mut all = #columns { #(#init,)* };
                for block in blocks {
                    #(#append)*
                }
                #private::Ok(#space::new(all).expect("every output column holds one value per point"))
            }
        }
    }
}
