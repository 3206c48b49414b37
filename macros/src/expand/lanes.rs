//! `XLanes<V>`: V consecutive points as one SIMD pack per free field, and the
//! `PackedSpace<V>` impl that loads them from the columns.

use super::{clone_fixed, lane_bounds, layout, per_column, Names};
use crate::ast::{Input, Kind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn expand(input: &Input, names: &Names) -> TokenStream {
    let Names {
        point,
        space,
        lanes,
        columns,
        ..
    } = names;
    let v = &names.v;
    let vis = input.vis;
    let private = quote!(::dataspace::__private);
    let bounds = lane_bounds(input, v);
    // Lanes borrow fixed fields from the space; without any, they own everything
    // and take no lifetime (so output structs read `SummaryLanes<V>`).
    let (lt_def, lt_use, lt_elided) = if input.has_fixed() {
        (quote!('a,), quote!('a,), quote!('_,))
    } else {
        (quote!(), quote!(), quote!())
    };

    let (_, slots) = layout(input);
    let mut slots = slots.iter();
    let mut fields = Vec::new();
    let mut full = Vec::new();
    let mut tail = Vec::new();
    let mut past_end = Vec::new();
    // For structs without fixed fields, lanes are also a kernel's output.
    let mut new_args = Vec::new();
    let mut new_fields = Vec::new();
    let mut block_init = Vec::new();
    let mut push = Vec::new();
    let mut append = Vec::new();
    let mut lane = Vec::new();
    for field in &input.fields {
        let (ident, ty) = (field.ident, field.ty);
        let name = field.name();
        match &field.kind {
            Kind::Fixed => {
                let doc = format!("`{name}`, shared by every lane.");
                fields.push(quote!(#[doc = #doc] pub #ident: &'a #ty));
                full.push(quote!(#ident: &self.#ident));
                tail.push(quote!(#ident: &self.#ident));
                past_end.push(quote!(#ident: &self.#ident));
                lane.push({
                    let value = clone_fixed(field, quote!(self.#ident));
                    quote!(#ident: #value)
                });
            }
            Kind::Free(column) => {
                let column = column.as_ref().expect("validated");
                let scalar = column.scalar;
                let pack = per_column(column, quote!(<#scalar as ::dataspace::Packable<#v>>::Pack));
                let doc = format!("`{name}` of V consecutive points, one point per lane.");
                fields.push(quote!(#[doc = #doc] pub #ident: #pack));
                // Parameters are named after the fields, for readable docs,
                // except one that would be read as the const parameter `V`.
                let arg = if *ident == *v {
                    format_ident!("__dataspace_{}", ident)
                } else {
                    ident.clone()
                };
                new_args.push(quote!(#arg: #pack));
                new_fields.push(quote!(#ident: #arg));
                block_init.push(quote!(#ident: #private::Vec::with_capacity(points)));
                append.push(quote!(all.#ident.extend(block.#ident);));
                push.push(match column.array_len {
                    Some(_) => quote! {
                        let lanes = self.#ident.map(::dataspace::Pack::<#v>::to_array);
                        for lane in 0..valid {
                            block.#ident.push(::core::array::from_fn(|k| lanes[k][lane]));
                        }
                    },
                    None => quote! {
                        block.#ident.extend_from_slice(&::dataspace::Pack::<#v>::to_array(self.#ident)[..valid]);
                    },
                });
                let slot = slots.next().expect("a slot per free field");
                let filled = quote!(#private::filled::<#scalar, #v>(fill));
                past_end.push(match column.array_len {
                    Some(_) => quote!(#ident: [#filled; _]),
                    None => quote!(#ident: #filled),
                });
                let (block, offset) = (&slot.block, &slot.offset);
                if column.array_len.is_some() {
                    full.push(quote! {
                        #ident: ::core::array::from_fn(|k| self.#block.load::<#v>(#offset + k, start))
                    });
                    tail.push(quote! {
                        #ident: ::core::array::from_fn(|k| self.#block.load_tail::<#v>(#offset + k, start, end, fill))
                    });
                    lane.push(quote! {
                        #ident: ::core::array::from_fn(|i| ::dataspace::Pack::<#v>::to_array(self.#ident[i])[k])
                    });
                } else {
                    full.push(quote!(#ident: self.#block.load::<#v>(#offset, start)));
                    tail.push(
                        quote!(#ident: self.#block.load_tail::<#v>(#offset, start, end, fill)),
                    );
                    lane.push(quote!(#ident: ::dataspace::Pack::<#v>::to_array(self.#ident)[k]));
                }
            }
        }
    }

    let lanes_doc = format!(
        "`V` consecutive points of a [`{space}`]: each free field of [`{point}`] as a SIMD \
         pack of `V` lanes (an array field `[T; K]` as `K` packs), each fixed field by \
         reference.\n\nLanes `0..valid()` are real points; in the last pack of a space the \
         rest are tail lanes holding the fill value (see [`Lanes`](::dataspace::Lanes))."
    );
    let as_output = if input.has_fixed() {
        quote!()
    } else {
        let new_doc = format!(
            "`V` points of [`{point}`] from one pack per field, all lanes real: \
             what a kernel returns to make its results a [`{space}`]."
        );
        quote! {
            #[automatically_derived]
            impl<const #v: usize> #lanes<#v> where #bounds {
                #[doc = #new_doc]
                #[allow(clippy::too_many_arguments)]
                pub fn new(#(#new_args),*) -> Self {
                    #lanes { #(#new_fields,)* __dataspace_valid: #v }
                }
            }

            #[automatically_derived]
            impl<const #v: usize> ::dataspace::Output<#v> for #lanes<#v> where #bounds {
                type Result = #space;
                type Block = #columns;

                fn block(points: usize) -> #columns {
                    #columns { #(#block_init,)* }
                }

                #[inline]
                fn push(self, block: &mut #columns, valid: usize) {
                    let valid = if valid < #v { valid } else { #v };
                    #(#push)*
                }

                fn finish(blocks: #private::Vec<#columns>, len: usize) -> #space {
                    let points = #private::padded_len(len);
                    let mut all = #columns { #(#block_init,)* };
                    for block in blocks {
                        #(#append)*
                    }
                    #space::new(all).expect("every output column holds one value per point")
                }
            }
        }
    };
    quote! {
        #as_output

        #[doc = #lanes_doc]
        #vis struct #lanes<#lt_def const #v: usize> where #bounds {
            #(#fields,)*
            __dataspace_valid: usize,
        }

        #[automatically_derived]
        impl<#lt_def const #v: usize> ::core::clone::Clone for #lanes<#lt_use #v> where #bounds {
            #[inline(always)]
            fn clone(&self) -> Self {
                *self
            }
        }

        #[automatically_derived]
        impl<#lt_def const #v: usize> ::core::marker::Copy for #lanes<#lt_use #v> where #bounds {}

        #[automatically_derived]
        impl<#lt_def const #v: usize> ::dataspace::Lanes<#v> for #lanes<#lt_use #v> where #bounds {
            type Point = #point;

            #[inline(always)]
            fn valid(&self) -> usize {
                self.__dataspace_valid
            }

            fn lane(&self, k: usize) -> #private::Option<#point> {
                if k >= #v {
                    return #private::None;
                }
                #private::Some(#point { #(#lane,)* })
            }
        }

        #[automatically_derived]
        impl<const #v: usize> ::dataspace::PackedSpace<#v> for #space where #bounds {
            type Lanes<'a> = #lanes<#lt_use #v> where Self: 'a;

            #[inline(always)]
            fn load_until(&self, start: usize, end: usize, fill: f64) -> #lanes<#lt_elided #v> {
                match #private::plan_load::<#v>(start, end, ::dataspace::Space::len(self), fill) {
                    #private::Load::Full { valid } => #lanes { #(#full,)* __dataspace_valid: valid },
                    #private::Load::Tail { end, valid } => #lanes { #(#tail,)* __dataspace_valid: valid },
                    // Whole packs of fill: the trailing blocks when N is small.
                    #private::Load::Past => #lanes { #(#past_end,)* __dataspace_valid: 0 },
                }
            }
        }
    }
}
