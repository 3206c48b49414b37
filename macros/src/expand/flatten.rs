//! `__private::Flatten` and `FlattenLanes<V>` for a struct without fixed
//! fields: what an outer struct calls to hold it as a `#[space(flatten)]`
//! field. Each method is the struct's own code (shared with the other
//! generators) with a parameter for a receiver, leaves numbered from `f0`
//! and names read from `names`, the outermost struct's leaf names.

use super::{Ctx, design, lane_bounds, lanes, output, private, space};
use crate::model::Model;
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(model: &Model) -> TokenStream {
    if model.has_fixed() {
        return TokenStream::new();
    }
    let mut tokens = flatten_impl(model);
    tokens.extend(flatten_lanes_impl(model));
    tokens
}

fn flatten_impl(model: &Model) -> TokenStream {
    let names = &model.names;
    let (point, columns, arrays, n) = (&names.point, &names.columns, &names.arrays, &names.n);
    let (columns_ref, space, axes) = (&names.columns_ref, &names.space, &names.axes);
    let private = private();
    let (len, source) = (names::hidden("len"), quote!(columns));
    let first_len = space::first_len(model, &source);
    let checks = space::length_checks(
        model,
        &Ctx::nested("columns"),
        &source,
        &quote!(space),
        &quote!(expected_from),
    );
    let get = space::point_fields(model, &quote!(space));
    let space_len = space::space_len(model, &quote!(space));
    let strided = space::strided_fields(model);
    let (from, picked, start) = (
        names::hidden("from"),
        names::hidden("picked"),
        names::hidden("start"),
    );
    let with_capacity = output::columns_with_capacity(model);
    let append = output::append_columns(model);
    let pushes = design::field_axes_pushes(model, &Ctx::nested("axes"));
    let describe = design::describe_calls(model, &Ctx::nested("axes"));
    let points = design::point_fields(model, &Ctx::nested("axes"));
    let column_values = design::column_fields(model, &Ctx::nested("axes"));
    let bounds = super::flat_where(model);
    quote! {
        #[automatically_derived]
        impl #private::Flatten for #point #bounds {
            type Columns = #columns;
            type Arrays<const #n: usize> = #arrays<#n>;
            type ColumnsRef<'a> = #columns_ref<'a>;
            type Space = #space;
            type Axes = #axes;
            const FIELDS: &'static [&'static str] = <#axes as ::dataspace::Axes>::FIELDS;

            #[inline]
            fn first_len(columns: &#columns) -> usize {
                #first_len
            }

            fn check(
                columns: &#columns,
                len: usize,
                space: &'static str,
                names: &'static [&'static str],
                f0: usize,
                expected_from: &'static str,
            ) -> #private::Result<(), ::dataspace::ShapeError> {
                let #len = len;
                #checks
                #private::Ok(())
            }

            #[inline]
            fn from_checked(len: usize, columns: #columns) -> #space {
                <#space as #private::FromChecked>::from_checked(len, columns)
            }

            #[inline]
            fn from_arrays<const #n: usize>(arrays: #arrays<#n>) -> #space {
                #space::from_arrays(arrays)
            }

            #[inline]
            fn columns_ref(space: &#space) -> #columns_ref<'_> {
                space.columns()
            }

            #[inline]
            fn get(space: &#space, index: usize) -> #point {
                #point { #(#get,)* }
            }

            #[inline(always)]
            fn len(space: &#space) -> usize {
                #space_len
            }

            fn strided(#from: #columns_ref<'_>, #start: usize, step: usize, #len: usize) -> #columns {
                let #picked = (0..#len).map(|i| #start + i * step);
                #columns { #(#strided,)* }
            }

            fn with_capacity(points: usize) -> #columns {
                #with_capacity
            }

            fn append(all: &mut #columns, block: #columns) {
                #append
            }

            fn field_axes(
                axes: &#axes,
                names: &'static [&'static str],
                f0: usize,
                out: &mut #private::Vec<#private::FieldAxis>,
            ) -> #private::Result<(), ::dataspace::DesignError> {
                #pushes
                #private::Ok(())
            }

            fn describe(
                axes: &#axes,
                names: &'static [&'static str],
                f0: usize,
                out: &mut dyn FnMut(&str, &str, &dyn ::core::fmt::Debug, bool),
            ) {
                #describe
            }

            #[inline]
            fn point(axes: &#axes, plan: &#private::Plan, f0: usize, index: usize) -> #point {
                #point { #(#points,)* }
            }

            fn design_columns(
                axes: &#axes,
                plan: &#private::Plan,
                f0: usize,
            ) -> #private::Result<#columns, ::dataspace::DesignError> {
                #private::Ok(#columns { #(#column_values,)* })
            }
        }
    }
}

fn flatten_lanes_impl(model: &Model) -> TokenStream {
    let names = &model.names;
    let (point, columns, space, axes) = (&names.point, &names.columns, &names.space, &names.axes);
    let (lanes_ty, v) = (&names.lanes, &names.v);
    let (bounds, private) = (lane_bounds(model, v), private());
    let load = lanes::load_match(model, &quote!(space), quote!(load));
    let lane = model.fields.iter().map(|field| {
        let (ident, value) = (field.ident, lanes::lane_value(model, field, &quote!(lanes)));
        quote!(#ident: #value)
    });
    let design_lanes = design::design_lanes(model, &Ctx::nested("axes"));
    let push = model
        .per_point()
        .map(|field| output::push_lanes(model, field, &quote!(lanes)));
    quote! {
        #[automatically_derived]
        impl<const #v: usize> #private::FlattenLanes<#v> for #point where #bounds {
            type Lanes = #lanes_ty<'static, #v>;

            #[inline(always)]
            fn load(space: &#space, load: #private::Load, start: usize, fill: f64) -> #lanes_ty<'static, #v> {
                #load
            }

            #[inline]
            fn lane(lanes: &#lanes_ty<'static, #v>, k: usize) -> #point {
                #point { #(#lane,)* }
            }

            #[inline]
            fn design_lanes(
                axes: &#axes,
                plan: &#private::Plan,
                f0: usize,
                start: usize,
                end: usize,
                fill: f64,
            ) -> #lanes_ty<'static, #v> {
                #design_lanes
            }

            #[inline]
            fn push(lanes: #lanes_ty<'static, #v>, block: &mut #columns, valid: usize) {
                let valid = if valid < #v { valid } else { #v };
                #(#push)*
            }
        }
    }
}
