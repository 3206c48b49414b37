//! `XAxes`, its `Axes` and `AxesLanes<V>` impls, and `XDesign`, an alias of
//! `dataspace::Design<XAxes>`.

use super::{clone_fixed, lane_bounds, Names};
use crate::ast::{Input, Kind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn expand(input: &Input, names: &Names) -> TokenStream {
    let Names {
        point,
        columns,
        space,
        lanes,
        ..
    } = names;
    let v = &names.v;
    let axes = format_ident!("{}Axes", point);
    let design = format_ident!("{}Design", point);
    let vis = input.vis;
    let private = quote!(::dataspace::__private);
    let bounds = lane_bounds(input, v);
    let lt = if input.has_fixed() {
        quote!('a,)
    } else {
        quote!()
    };

    let mut axes_fields = Vec::new();
    let mut axes_clones = Vec::new();
    let mut names_of_free = Vec::new();
    let mut checks = Vec::new();
    let mut get = Vec::new();
    let mut lanes_fields = Vec::new();
    let mut to_columns = Vec::new();
    let mut f = 0usize;
    for field in &input.fields {
        let (ident, ty) = (field.ident, field.ty);
        let name = field.name();
        match &field.kind {
            Kind::Fixed => {
                axes_fields.push(quote!(#[doc = "Shared by every point."] pub #ident: #ty));
                let value = clone_fixed(field, quote!(&self.#ident));
                axes_clones.push(quote!(#ident: #value));
                get.push(quote!(#ident: #value));
                to_columns.push(quote!(#ident: #value));
                lanes_fields.push(quote!(#ident: &self.#ident));
            }
            Kind::Free(column) => {
                let column = column.as_ref().expect("validated");
                let scalar = column.scalar;
                let doc = format!("The values of `{name}`.");
                axes_fields.push(quote!(#[doc = #doc] pub #ident: ::dataspace::Axis<#ty>));
                axes_clones.push(quote!(#ident: ::core::clone::Clone::clone(&self.#ident)));
                names_of_free.push(name.clone());
                checks.push(quote!(#private::check_axis(#name, &self.#ident)?));
                get.push(quote!(#ident: #private::axis_value(&self.#ident, plan, #f, index)));
                to_columns.push(quote!(#ident: #private::axis_column(&self.#ident, plan, #f)?));
                lanes_fields.push(match column.array_len {
                    None => quote!(#ident: #private::axis_pack::<#scalar, #v>(&self.#ident, plan, #f, start, end, fill)),
                    Some(_) => quote!(#ident: #private::axis_packs::<#scalar, #v, _>(&self.#ident, plan, #f, start, end, fill)),
                });
                f += 1;
            }
        }
    }
    let axes_doc = format!(
        "The axes of a [`{design}`]: an [`Axis`](::dataspace::Axis) per free field of \
         [`{point}`], a value per fixed field."
    );
    let design_doc = format!(
        "A sweep over [`{point}`] without storage: point `i` is computed from `i` (a \
         mixed-radix digit per axis group, or a draw from (seed, i)), so `len`, `get`, \
         iteration and the executor work on designs of 10^9 points in the memory of \
         their axes. Build one with [`{design}::product`], [`{design}::zip`], \
         [`{design}::groups`] or [`{design}::random`] from an [`{axes}`]; \
         [`{design}::to_space`] materialises it."
    );
    quote! {
        #[doc = #axes_doc]
        #vis struct #axes { #(#axes_fields,)* }

        #[automatically_derived]
        impl ::core::clone::Clone for #axes {
            fn clone(&self) -> Self {
                #axes { #(#axes_clones,)* }
            }
        }

        #[doc = #design_doc]
        #vis type #design = ::dataspace::Design<#axes>;

        #[automatically_derived]
        impl ::dataspace::Axes for #axes {
            type Point = #point;
            type Space = #space;
            const FIELDS: &'static [&'static str] = &[#(#names_of_free),*];

            fn field_axes(&self) -> #private::Result<#private::Vec<#private::FieldAxis>, ::dataspace::DesignError> {
                #private::Ok(::std::vec![#(#checks),*])
            }

            fn point(&self, plan: &#private::Plan, index: usize) -> #point {
                #point { #(#get,)* }
            }

            fn to_space(&self, plan: &#private::Plan) -> #private::Result<#space, ::dataspace::DesignError> {
                let __dataspace_columns = #columns { #(#to_columns,)* };
                // Every column holds `plan.len()` values: no length to check.
                #private::Ok(#space::__dataspace_from_checked(plan.len(), __dataspace_columns))
            }
        }

        #[automatically_derived]
        impl<const #v: usize> ::dataspace::AxesLanes<#v> for #axes where #bounds {
            type Lanes<'a> = #lanes<#lt #v> where Self: 'a;

            #[inline]
            fn lanes(&self, plan: &#private::Plan, start: usize, end: usize, fill: f64) -> Self::Lanes<'_> {
                #lanes { #(#lanes_fields,)* __dataspace_valid: #private::valid_lanes::<#v>(end, start) }
            }
        }
    }
}
