//! `XAxes`, its `Axes` and `AxesLanes<V>` impls, and `XDesign`, an alias of
//! `dataspace::Design<XAxes>`.

use super::{Ctx, clone_fixed, clone_impl, lane_bounds, lanes_tail, private};
use crate::model::{Field, FieldKind, Model};
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(model: &Model) -> TokenStream {
    let mut tokens = axes_struct(model);
    tokens.extend(design_alias(model));
    tokens.extend(axes_impl(model));
    tokens.extend(axes_lanes_impl(model));
    tokens
}

fn axes_struct(model: &Model) -> TokenStream {
    let (vis, names) = (model.vis, &model.names);
    let (point, axes, design) = (&names.point, &names.axes, &names.design);
    let fields = model.fields.iter().map(|field| {
        let (ident, ty) = (field.ident, field.ty);
        match field.kind {
            FieldKind::Fixed => quote!(#[doc = "Shared by every point."] pub #ident: #ty),
            FieldKind::Free(_) => {
                let doc = format!("The values of `{}`.", field.name);
                quote!(#[doc = #doc] pub #ident: ::dataspace::Axis<#ty>)
            }
            FieldKind::Flatten(_) => {
                let doc = format!(
                    "The axes of the flattened struct's fields, named `{}.<field>` in \
                     groups, summaries and errors.",
                    field.name
                );
                let flat = super::flat(field);
                quote!(#[doc = #doc] pub #ident: #flat::Axes)
            }
        }
    });
    let doc = format!(
        "The axes of a [`{design}`]: an [`Axis`](::dataspace::Axis) per free field of \
         [`{point}`], a value per fixed field."
    );
    let clone = clone_impl(model, quote!(#axes), quote!());
    let bounds = super::flat_where(model);
    quote! {
        #[doc = #doc]
        #vis struct #axes #bounds { #(#fields,)* }

        #clone
    }
}

fn design_alias(model: &Model) -> TokenStream {
    let (vis, names) = (model.vis, &model.names);
    let (point, axes, design) = (&names.point, &names.axes, &names.design);
    let doc = format!(
        "A sweep over [`{point}`] without storage: point `i` is computed from `i` (a \
         mixed-radix digit per axis group, or a draw from (seed, i)), so `len`, `get`, \
         iteration and the executor work on designs of 10^9 points in the memory of \
         their axes. Build one from an [`{axes}`] with [`Design::product`](::dataspace::Design::product), \
         [`zip`](::dataspace::Design::zip), [`groups`](::dataspace::Design::groups) or \
         [`random`](::dataspace::Design::random); [`to_space`](::dataspace::Design::to_space) \
         materialises it."
    );
    quote! {
        #[doc = #doc]
        #vis type #design = ::dataspace::Design<#axes>;
    }
}

/// The fields of point `index` of a design with `plan`, from the axes `recv`.
pub fn point_fields(model: &Model, ctx: &Ctx) -> Vec<TokenStream> {
    let recv = &ctx.recv;
    model
        .fields
        .iter()
        .map(|field| {
            let ident = field.ident;
            let value = match &field.kind {
                FieldKind::Fixed => clone_fixed(field, quote!(&#recv.#ident)),
                FieldKind::Free(free) => {
                    let f = ctx.leaf(&free.leaf);
                    quote!(::dataspace::__private::axis_value(&#recv.#ident, plan, #f, index))
                }
                FieldKind::Flatten(flat) => {
                    let (hooks, f) = (super::flat(field), ctx.leaf(&flat.leaf));
                    quote!(#hooks::point(&#recv.#ident, plan, #f, index))
                }
            };
            quote!(#ident: #value)
        })
        .collect()
}

/// The fields of `XColumns` in `to_space`: each axis evaluated at every point.
pub fn column_fields(model: &Model, ctx: &Ctx) -> Vec<TokenStream> {
    let recv = &ctx.recv;
    model
        .fields
        .iter()
        .map(|field| {
            let ident = field.ident;
            let value = match &field.kind {
                FieldKind::Fixed => clone_fixed(field, quote!(&#recv.#ident)),
                FieldKind::Free(free) => {
                    let f = ctx.leaf(&free.leaf);
                    quote!(::dataspace::__private::axis_column(&#recv.#ident, plan, #f)?)
                }
                FieldKind::Flatten(flat) => {
                    let (hooks, f) = (super::flat(field), ctx.leaf(&flat.leaf));
                    quote!(#hooks::design_columns(&#recv.#ident, plan, #f)?)
                }
            };
            quote!(#ident: #value)
        })
        .collect()
}

/// Statements pushing each leaf's checked `FieldAxis` to `out`, a `&mut Vec`.
pub fn field_axes_pushes(model: &Model, ctx: &Ctx) -> TokenStream {
    let (recv, private) = (&ctx.recv, private());
    let pushes = model.per_point().map(|field| {
        let ident = field.ident;
        match &field.kind {
            FieldKind::Free(free) => {
                let name = ctx.name(model, field, free);
                quote!(out.push(#private::check_axis(#name, &#recv.#ident)?);)
            }
            FieldKind::Flatten(flat) => {
                let (hooks, names, f) =
                    (super::flat(field), ctx.names(model), ctx.leaf(&flat.leaf));
                quote!(#hooks::field_axes(&#recv.#ident, #names, #f, out)?;)
            }
            FieldKind::Fixed => quote!(),
        }
    });
    quote!(#(#pushes)*)
}

/// Statements calling `out` with each field's line of a design's summary.
pub fn describe_calls(model: &Model, ctx: &Ctx) -> TokenStream {
    let recv = &ctx.recv;
    let calls = model.fields.iter().map(|field| {
        let (ident, name, ty) = (field.ident, &field.name, field.ty);
        let ty = super::type_text(ty);
        match &field.kind {
            FieldKind::Free(free) => {
                let name = ctx.name(model, field, free);
                quote!(out(#name, #ty, &#recv.#ident, false);)
            }
            FieldKind::Fixed => quote! {
                out(#name, #ty, &(&::dataspace::__private::DebugField(&#recv.#ident)).dataspace_debug(), true);
            },
            FieldKind::Flatten(flat) => {
                let (hooks, names, f) = (super::flat(field), ctx.names(model), ctx.leaf(&flat.leaf));
                quote!(#hooks::describe(&#recv.#ident, #names, #f, out);)
            }
        }
    });
    quote!(#(#calls)*)
}

fn axes_impl(model: &Model) -> TokenStream {
    let names = &model.names;
    let (point, axes, space, columns) = (&names.point, &names.axes, &names.space, &names.columns);
    let private = private();
    let ctx = Ctx::own();
    let fields_const = super::fields_const(model);
    let pushes = field_axes_pushes(model, &ctx);
    let points = point_fields(model, &ctx);
    let column_values = column_fields(model, &ctx);
    let imports = super::debug::debug_imports(model);
    let describe = describe_calls(model, &ctx);
    let bounds = super::flat_where(model);
    quote! {
        #[automatically_derived]
        impl ::dataspace::Axes for #axes #bounds {
            type Point = #point;
            type Space = #space;
            const FIELDS: &'static [&'static str] = #fields_const;

            fn field_axes(&self) -> #private::Result<#private::Vec<#private::FieldAxis>, ::dataspace::DesignError> {
                let mut fields = #private::Vec::with_capacity(<Self as ::dataspace::Axes>::FIELDS.len());
                {
                    let out = &mut fields;
                    #pushes
                }
                #private::Ok(fields)
            }

            fn describe(&self, out: &mut dyn FnMut(&str, &str, &dyn ::core::fmt::Debug, bool)) {
                #imports
                #describe
            }

            fn point(&self, plan: &#private::Plan, index: usize) -> #point {
                #point { #(#points,)* }
            }

            fn to_space(&self, plan: &#private::Plan) -> #private::Result<#space, ::dataspace::DesignError> {
                let columns = #columns { #(#column_values,)* };
                // Every column holds `plan.len()` values: no length to check.
                #private::Ok(<#space as #private::FromChecked>::from_checked(plan.len(), columns))
            }
        }
    }
}

/// A field of `XLanes` in a design: a free field's pack evaluated lane by
/// lane, from the axes `ctx.recv`.
fn lanes_value(model: &Model, field: &Field, ctx: &Ctx) -> TokenStream {
    let (ident, v, recv) = (field.ident, &model.names.v, &ctx.recv);
    match &field.kind {
        FieldKind::Fixed => quote!(&#recv.#ident),
        FieldKind::Free(free) => {
            let (scalar, f) = (free.scalar, ctx.leaf(&free.leaf));
            match free.array_len {
                Some(_) => {
                    quote!(::dataspace::__private::axis_packs::<#scalar, #v, _>(&#recv.#ident, plan, #f, start, end, fill))
                }
                None => {
                    quote!(::dataspace::__private::axis_pack::<#scalar, #v>(&#recv.#ident, plan, #f, start, end, fill))
                }
            }
        }
        FieldKind::Flatten(flat) => {
            let (lanes, f) = (super::flat_lanes(model, field), ctx.leaf(&flat.leaf));
            quote!(#lanes::design_lanes(&#recv.#ident, plan, #f, start, end, fill))
        }
    }
}

/// The `XLanes` literal of points `start .. start + V` of a design with
/// `plan`, lanes at or past `end` holding `fill`.
pub fn design_lanes(model: &Model, ctx: &Ctx) -> TokenStream {
    let (lanes, v, private) = (&model.names.lanes, &model.names.v, private());
    let tail = lanes_tail(
        quote!(#private::valid_lanes::<#v>(end, start)),
        quote!(start),
    );
    let fields = model.fields.iter().map(|field| {
        let (ident, value) = (field.ident, lanes_value(model, field, ctx));
        quote!(#ident: #value)
    });
    quote!(#lanes { #(#fields,)* #tail })
}

fn axes_lanes_impl(model: &Model) -> TokenStream {
    let (axes, lanes, v) = (&model.names.axes, &model.names.lanes, &model.names.v);
    let (lt, bounds) = (quote!('a,), lane_bounds(model, v));
    let private = private();
    let body = design_lanes(model, &Ctx::own());
    quote! {
        #[automatically_derived]
        impl<const #v: usize> ::dataspace::AxesLanes<#v> for #axes where #bounds {
            type Lanes<'a> = #lanes<#lt #v> where Self: 'a;

            #[inline]
            fn lanes(&self, plan: &#private::Plan, start: usize, end: usize, fill: f64) -> Self::Lanes<'_> {
                #body
            }
        }
    }
}
