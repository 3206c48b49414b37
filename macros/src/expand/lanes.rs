//! `XLanes<'a, V>`: V consecutive points as one SIMD pack per free field, and the
//! `PackedSpace<V>` impl that loads them from the columns.

use super::{clone_fixed, lane_bounds, lanes_tail, per_column, private};
use crate::model::{Field, FieldKind, Free, Model};
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(model: &Model) -> TokenStream {
    let mut tokens = lanes_struct(model);
    tokens.extend(lanes_impls(model));
    tokens.extend(packed_space_impl(model));
    tokens
}

/// The type of a free field in `XLanes`: its pack, or `[pack; K]`.
pub fn pack_type(model: &Model, free: &Free) -> TokenStream {
    let (scalar, v) = (free.scalar, &model.names.v);
    per_column(free, quote!(<#scalar as ::dataspace::Packable<#v>>::Pack))
}

fn lanes_struct(model: &Model) -> TokenStream {
    let (vis, names) = (model.vis, &model.names);
    let (point, space, lanes, v) = (&names.point, &names.space, &names.lanes, &names.v);
    let (lt, bounds, valid, index, marker) = (
        quote!('a,),
        lane_bounds(model, v),
        names::valid(),
        names::index(),
        names::lifetime_marker(),
    );
    let fields = model.fields.iter().map(|field| {
        let (ident, ty, name) = (field.ident, field.ty, &field.name);
        match &field.kind {
            FieldKind::Fixed => {
                let doc = format!("`{name}`, shared by every lane.");
                quote!(#[doc = #doc] pub #ident: &'a #ty)
            }
            FieldKind::Free(free) => {
                let doc = format!("`{name}` of V consecutive points, one point per lane.");
                let pack = pack_type(model, free);
                quote!(#[doc = #doc] pub #ident: #pack)
            }
            FieldKind::Flatten(_) => {
                let doc = format!(
                    "`{name}` of V consecutive points: the flattened struct's lanes, its \
                     fields read as `p.{name}.field`."
                );
                let lanes = super::flat_lanes(model, field);
                quote!(#[doc = #doc] pub #ident: #lanes::Lanes)
            }
        }
    });
    let doc = format!(
        "`V` consecutive points of a [`{space}`]: each free field of [`{point}`] as a SIMD \
         pack of `V` lanes (an array field `[T; K]` as `K` packs), each fixed field by \
         reference.\n\nLanes `0..valid()` are real points; in the last pack of a space the \
         rest are tail lanes holding the fill value (see [`Lanes`](::dataspace::Lanes))."
    );
    quote! {
        #[doc = #doc]
        #vis struct #lanes<#lt const #v: usize> where #bounds {
            #(#fields,)*
            #valid: usize,
            #index: usize,
            #marker: ::core::marker::PhantomData<&'a ()>,
        }
    }
}

/// Lane `k < V` of a field of the lanes `recv`, as a value of the point.
pub fn lane_value(model: &Model, field: &Field, recv: &TokenStream) -> TokenStream {
    let (ident, v) = (field.ident, &model.names.v);
    match &field.kind {
        FieldKind::Fixed => clone_fixed(field, quote!(#recv.#ident)),
        FieldKind::Free(free) if free.array_len.is_some() => quote! {
            ::core::array::from_fn(|i| ::dataspace::Pack::<#v>::to_array(#recv.#ident[i])[k])
        },
        FieldKind::Free(_) => quote!(::dataspace::Pack::<#v>::to_array(#recv.#ident)[k]),
        FieldKind::Flatten(_) => {
            let lanes = super::flat_lanes(model, field);
            quote!(#lanes::lane(&#recv.#ident, k))
        }
    }
}

/// `Clone`, `Copy` and `Lanes<V>` for `XLanes`.
fn lanes_impls(model: &Model) -> TokenStream {
    let (point, lanes, v) = (&model.names.point, &model.names.lanes, &model.names.v);
    let lt = quote!('a,);
    let (bounds, valid, index, private) = (
        lane_bounds(model, v),
        names::valid(),
        names::index(),
        private(),
    );
    let lane = model.fields.iter().map(|field| {
        let (ident, value) = (field.ident, lane_value(model, field, &quote!(self)));
        quote!(#ident: #value)
    });
    quote! {
        #[automatically_derived]
        impl<#lt const #v: usize> ::core::clone::Clone for #lanes<#lt #v> where #bounds {
            #[inline(always)]
            fn clone(&self) -> Self {
                *self
            }
        }

        #[automatically_derived]
        impl<#lt const #v: usize> ::core::marker::Copy for #lanes<#lt #v> where #bounds {}

        #[automatically_derived]
        impl<#lt const #v: usize> ::dataspace::Lanes<#v> for #lanes<#lt #v> where #bounds {
            type Point = #point;

            #[inline(always)]
            fn valid(&self) -> usize {
                self.#valid
            }

            #[inline(always)]
            fn index(&self) -> usize {
                self.#index
            }

            fn lane(&self, k: usize) -> #private::Option<#point> {
                if k >= #v {
                    return #private::None;
                }
                #private::Some(#point { #(#lane,)* })
            }
        }
    }
}

/// How `load_until` fills a field in one case of `plan_load`.
#[derive(Clone, Copy)]
enum Load {
    /// A plain load from the padded columns.
    Full,
    /// Lane by lane, lanes at or past `end` holding `fill`.
    Tail,
    /// Every lane holding `fill`.
    Past,
}

/// A field of `XLanes` in the `load` case, read from the space `recv`.
fn load_field(model: &Model, field: &Field, load: Load, recv: &TokenStream) -> TokenStream {
    let (ident, v, private) = (field.ident, &model.names.v, private());
    let free = match &field.kind {
        FieldKind::Free(free) => free,
        FieldKind::Fixed => return quote!(#ident: &#recv.#ident),
        FieldKind::Flatten(_) => {
            let lanes = super::flat_lanes(model, field);
            let case = match load {
                Load::Full => quote!(#private::Load::Full { valid }),
                Load::Tail => quote!(#private::Load::Tail { end, valid }),
                Load::Past => quote!(#private::Load::Past),
            };
            return quote!(#ident: #lanes::load(&#recv.#ident, #case, start, fill));
        }
    };
    let (storage, offset, scalar) = (&free.slot.storage, &free.slot.offset, free.scalar);
    let column = match free.array_len {
        Some(_) => quote!(#offset + k),
        None => quote!(#offset),
    };
    let pack = match load {
        Load::Full => quote!(#recv.#storage.load::<#v>(#column, start)),
        Load::Tail => quote!(#recv.#storage.load_tail::<#v>(#column, start, end, fill)),
        Load::Past => quote!(#private::filled::<#scalar, #v>(fill)),
    };
    match free.array_len {
        Some(_) => quote!(#ident: #private::packs::<#scalar, #v, _>(|k| #pack)),
        None => quote!(#ident: #pack),
    }
}

/// `match #load { .. }` building the lanes at `start` of the space `recv`
/// in each case of a `__private::Load`, with `fill` in bound.
pub fn load_match(model: &Model, recv: &TokenStream, load: TokenStream) -> TokenStream {
    let (lanes, private) = (&model.names.lanes, private());
    let (tail_valid, tail_past) = (
        lanes_tail(quote!(valid), quote!(start)),
        lanes_tail(quote!(0), quote!(start)),
    );
    let fields = |load| {
        model
            .fields
            .iter()
            .map(move |field| load_field(model, field, load, recv))
    };
    let (full, tail, past) = (fields(Load::Full), fields(Load::Tail), fields(Load::Past));
    let past: Vec<TokenStream> = past.collect();
    let cases = quote! {
        match #load {
            #private::Load::Full { valid } => #lanes { #(#full,)* #tail_valid },
            #private::Load::Tail { end, valid } => #lanes { #(#tail,)* #tail_valid },
            // Whole packs of fill: the trailing blocks when N is small.
            #private::Load::Past => #lanes { #(#past,)* #tail_past },
        }
    };
    if !model.has_flatten {
        return cases;
    }
    // Each flattened space holds as many points as this one (both are
    // built from columns checked against N). Saying so lets the compiler
    // fold the inner loads' own `start < len` checks into the one `load`
    // made: without it, each inner load keeps a branch, its packs go
    // through the stack, and an in-cache pass ran 1.2x slower
    // (`bench-results/flatten.log`). The test is loop-invariant.
    let len = super::space::space_len(model, recv);
    let same = model.flattened().map(|(field, _)| {
        let (ident, flat) = (field.ident, super::flat(field));
        quote!(#flat::len(&#recv.#ident) == __dataspace_len)
    });
    quote! {{
        let __dataspace_len = #len;
        if #(#same)&&* {
            #cases
        } else {
            #lanes { #(#past,)* #tail_past }
        }
    }}
}

fn packed_space_impl(model: &Model) -> TokenStream {
    let (space, lanes, v) = (&model.names.space, &model.names.lanes, &model.names.v);
    let (lt_use, lt_elided) = (quote!('a,), quote!('_,));
    let (bounds, private) = (lane_bounds(model, v), private());
    let body = load_match(
        model,
        &quote!(self),
        quote!(#private::plan_load::<#v>(start, end, ::dataspace::Space::len(self), fill)),
    );
    quote! {
        #[automatically_derived]
        impl<const #v: usize> ::dataspace::PackedSpace<#v> for #space where #bounds {
            type Lanes<'a> = #lanes<#lt_use #v> where Self: 'a;

            #[inline(always)]
            fn load_until(&self, start: usize, end: usize, fill: f64) -> #lanes<#lt_elided #v> {
                #body
            }
        }
    }
}
