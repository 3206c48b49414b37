//! `XAxes`, its `Axes` and `AxesLanes<V>` impls, and `XDesign`, an alias of
//! `dataspace::Design<XAxes>`.

use super::{clone_fixed, clone_impl, lane_bounds, lanes_tail, private};
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
        }
    });
    let doc = format!(
        "The axes of a [`{design}`]: an [`Axis`](::dataspace::Axis) per free field of \
         [`{point}`], a value per fixed field."
    );
    let clone = clone_impl(model, quote!(#axes), quote!());
    quote! {
        #[doc = #doc]
        #vis struct #axes { #(#fields,)* }

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

/// A field's value at point `index` of a design, from its axis.
fn point_value(field: &Field) -> TokenStream {
    let ident = field.ident;
    match &field.kind {
        FieldKind::Fixed => clone_fixed(field, quote!(&self.#ident)),
        FieldKind::Free(free) => {
            let f = free.index;
            quote!(::dataspace::__private::axis_value(&self.#ident, plan, #f, index))
        }
    }
}

/// A field of `XColumns` in `to_space`: a free field's axis evaluated at every point.
fn column_value(field: &Field) -> TokenStream {
    let ident = field.ident;
    match &field.kind {
        FieldKind::Fixed => clone_fixed(field, quote!(&self.#ident)),
        FieldKind::Free(free) => {
            let f = free.index;
            quote!(::dataspace::__private::axis_column(&self.#ident, plan, #f)?)
        }
    }
}

fn axes_impl(model: &Model) -> TokenStream {
    let names = &model.names;
    let (point, axes, space, columns) = (&names.point, &names.axes, &names.space, &names.columns);
    let private = private();
    let field_names = model.free().map(|(field, _)| &field.name);
    let checks = model.free().map(|(field, _)| {
        let (ident, name) = (field.ident, &field.name);
        quote!(#private::check_axis(#name, &self.#ident)?)
    });
    let idents = model.fields.iter().map(|field| field.ident);
    let (idents2, points) = (idents.clone(), model.fields.iter().map(point_value));
    let column_values = model.fields.iter().map(column_value);
    let imports = super::debug::debug_imports(model);
    let describe = model.fields.iter().map(|field| {
        let (ident, name, ty) = (field.ident, &field.name, field.ty);
        let ty = super::type_text(ty);
        match field.kind {
            FieldKind::Free(_) => quote!(out(#name, #ty, &self.#ident, false);),
            FieldKind::Fixed => quote! {
                out(#name, #ty, &(&::dataspace::__private::DebugField(&self.#ident)).dataspace_debug(), true);
            },
        }
    });
    quote! {
        #[automatically_derived]
        impl ::dataspace::Axes for #axes {
            type Point = #point;
            type Space = #space;
            const FIELDS: &'static [&'static str] = &[#(#field_names),*];

            fn field_axes(&self) -> #private::Result<#private::Vec<#private::FieldAxis>, ::dataspace::DesignError> {
                #private::Ok(#private::Vec::from([#(#checks),*]))
            }

            fn describe(&self, out: &mut dyn FnMut(&str, &str, &dyn ::core::fmt::Debug, bool)) {
                #imports
                #(#describe)*
            }

            fn point(&self, plan: &#private::Plan, index: usize) -> #point {
                #point { #(#idents: #points,)* }
            }

            fn to_space(&self, plan: &#private::Plan) -> #private::Result<#space, ::dataspace::DesignError> {
                let columns = #columns { #(#idents2: #column_values,)* };
                // Every column holds `plan.len()` values: no length to check.
                #private::Ok(<#space as #private::FromChecked>::from_checked(plan.len(), columns))
            }
        }
    }
}

/// A field of `XLanes` in a design: a free field's pack evaluated lane by lane.
fn lanes_value(model: &Model, field: &Field) -> TokenStream {
    let (ident, v) = (field.ident, &model.names.v);
    match &field.kind {
        FieldKind::Fixed => quote!(&self.#ident),
        FieldKind::Free(free) => {
            let (scalar, f) = (free.scalar, free.index);
            match free.array_len {
                Some(_) => {
                    quote!(::dataspace::__private::axis_packs::<#scalar, #v, _>(&self.#ident, plan, #f, start, end, fill))
                }
                None => {
                    quote!(::dataspace::__private::axis_pack::<#scalar, #v>(&self.#ident, plan, #f, start, end, fill))
                }
            }
        }
    }
}

fn axes_lanes_impl(model: &Model) -> TokenStream {
    let (axes, lanes, v) = (&model.names.axes, &model.names.lanes, &model.names.v);
    let (lt, bounds) = (quote!('a,), lane_bounds(model, v));
    let private = private();
    let tail = lanes_tail(
        quote!(#private::valid_lanes::<#v>(end, start)),
        quote!(start),
    );
    let idents = model.fields.iter().map(|field| field.ident);
    let values = model.fields.iter().map(|field| lanes_value(model, field));
    quote! {
        #[automatically_derived]
        impl<const #v: usize> ::dataspace::AxesLanes<#v> for #axes where #bounds {
            type Lanes<'a> = #lanes<#lt #v> where Self: 'a;

            #[inline]
            fn lanes(&self, plan: &#private::Plan, start: usize, end: usize, fill: f64) -> Self::Lanes<'_> {
                #lanes {
                    #(#idents: #values,)*
                    #tail
                }
            }
        }
    }
}
