//! `XAxes` and `XDesign`: a space without storage, point `i` computed from `i`.

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
    let mut lens = Vec::new();
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
                axes_clones.push({
                    let value = clone_fixed(field, quote!(&self.#ident));
                    quote!(#ident: #value)
                });
                get.push({
                    let value = clone_fixed(field, quote!(&self.axes.#ident));
                    quote!(#ident: #value)
                });
                lanes_fields.push(quote!(#ident: &self.axes.#ident));
                to_columns.push({
                    let value = clone_fixed(field, quote!(&self.axes.#ident));
                    quote!(#ident: #value)
                });
            }
            Kind::Free(column) => {
                let column = column.as_ref().expect("validated");
                let scalar = column.scalar;
                let doc = format!("The values of `{name}`.");
                axes_fields.push(quote!(#[doc = #doc] pub #ident: ::dataspace::Axis<#ty>));
                axes_clones.push(quote!(#ident: ::core::clone::Clone::clone(&self.#ident)));
                names_of_free.push(name.clone());
                lens.push(quote!((#name, #private::check_axis(#name, &axes.#ident)?)));
                let value = quote!({
                    let (k, u) = self.plan.locate(#f, i);
                    self.axes.#ident.at(k, u)
                });
                get.push(quote!(#ident: { let i = index; #value }));
                to_columns.push(quote!(#ident: #private::column_of(len, |i| #value)?));
                let pack =
                    quote!(<<#scalar as ::dataspace::Packable<#v>>::Pack as ::dataspace::Pack<#v>>);
                let fill = quote!(<#scalar as ::dataspace::Scalar>::from_fill(fill));
                lanes_fields.push(match column.array_len {
                    None => quote! {
                        #ident: {
                            let located = self.plan.locate_lanes::<#v>(#f, start);
                            #pack::from_array(::core::array::from_fn(|k| match real(k) {
                                #private::Some(_) => self.axes.#ident.at(located[k].0, located[k].1),
                                #private::None => #fill,
                            }))
                        }
                    },
                    Some(_) => quote! {
                        #ident: {
                            let located = self.plan.locate_lanes::<#v>(#f, start);
                            let values: [#ty; #v] = ::core::array::from_fn(|k| match real(k) {
                                #private::Some(_) => self.axes.#ident.at(located[k].0, located[k].1),
                                #private::None => [#fill; _],
                            });
                            ::core::array::from_fn(|e| #pack::from_array(::core::array::from_fn(|k| values[k][e])))
                        }
                    },
                });
                f += 1;
            }
        }
    }
    let n_free = names_of_free.len();
    let axes_doc = format!(
        "The axes of a [`{design}`]: an [`Axis`](::dataspace::Axis) per free field of \
         [`{point}`], a value per fixed field."
    );
    let design_doc = format!(
        "A sweep over [`{point}`] without storage: point `i` is computed from `i` (a \
         mixed-radix digit per axis group, or a draw from (seed, i)), so `len`, `get`, \
         iteration and the executor work on designs of 10^9 points in the memory of \
         their axes. Build one with [`{design}::product`], [`{design}::zip`], \
         [`{design}::groups`] or [`{design}::random`]; [`{design}::to_space`] \
         materialises it."
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
        #vis struct #design {
            axes: #axes,
            plan: #private::Plan,
        }

        #[automatically_derived]
        impl ::core::clone::Clone for #design {
            fn clone(&self) -> Self {
                #design { axes: ::core::clone::Clone::clone(&self.axes), plan: ::core::clone::Clone::clone(&self.plan) }
            }
        }

        #[automatically_derived]
        impl #design {
            /// The free fields, in declaration order: the names groups refer to.
            pub const FIELDS: [&'static str; #n_free] = [#(#names_of_free),*];

            /// Each free field's name and axis length, after checking its axis.
            fn field_axes(axes: &#axes) -> #private::Result<[#private::FieldAxis; #n_free], ::dataspace::DesignError> {
                #private::Ok([#(#lens),*])
            }

            /// Every combination of the axes' values, in C order: the last
            /// declared field varies fastest. Random axes are an error.
            pub fn product(axes: #axes) -> #private::Result<Self, ::dataspace::DesignError> {
                let groups: #private::Vec<#private::Vec<usize>> = (0..#n_free).map(|f| vec![f]).collect();
                let plan = #private::Plan::grid(&Self::field_axes(&axes)?, &groups)?;
                #private::Ok(#design { axes, plan })
            }

            /// The axes in lock-step: point `i` takes value `i` of every axis. Axes
            /// of unequal lengths are an error naming them, never a truncation.
            pub fn zip(axes: #axes) -> #private::Result<Self, ::dataspace::DesignError> {
                let groups = [(0..#n_free).collect::<#private::Vec<usize>>()];
                let plan = #private::Plan::grid(&Self::field_axes(&axes)?, &groups)?;
                #private::Ok(#design { axes, plan })
            }

            /// Groups of fields (by name): zipped inside a group, a product across
            /// groups in the order given (the last group fastest). Every free field
            /// must be in exactly one group.
            pub fn groups(axes: #axes, groups: &[&[&str]]) -> #private::Result<Self, ::dataspace::DesignError> {
                let groups = #private::resolve_groups(&Self::FIELDS, groups)?;
                let plan = #private::Plan::grid(&Self::field_axes(&axes)?, &groups)?;
                #private::Ok(#design { axes, plan })
            }

            /// `n` random points: each random axis ([`Axis::uniform`](::dataspace::Axis::uniform))
            /// draws a value per point with `sampler`, reproducibly from `seed`; a
            /// values axis gives its one value to every point, or value `i` to point
            /// `i` if it has `n`.
            pub fn random(
                n: usize,
                sampler: ::dataspace::Sampler,
                seed: u64,
                axes: #axes,
            ) -> #private::Result<Self, ::dataspace::DesignError> {
                let plan = #private::Plan::random(n, sampler, seed, &Self::field_axes(&axes)?)?;
                #private::Ok(#design { axes, plan })
            }

            /// The axes and fixed values.
            pub fn axes(&self) -> &#axes {
                &self.axes
            }

            /// Every point computed and stored: the design as a columnar space.
            ///
            /// # Errors
            /// [`DesignError::TooLarge`](::dataspace::DesignError::TooLarge) if the
            /// columns cannot be allocated (run such a design as it is instead).
            pub fn to_space(&self) -> #private::Result<#space, ::dataspace::DesignError> {
                let len = self.plan.len();
                let columns = #columns { #(#to_columns,)* };
                // Every column holds one value per point: `new` cannot fail.
                #private::Ok(#space::new(columns).expect("every column has one value per point"))
            }
        }

        #[automatically_derived]
        impl ::dataspace::Space for #design {
            type Point = #point;

            #[inline]
            fn len(&self) -> usize {
                self.plan.len()
            }

            fn get(&self, index: usize) -> #private::Option<#point> {
                if index >= self.plan.len() {
                    return #private::None;
                }
                #private::Some(#point { #(#get,)* })
            }
        }

        #[automatically_derived]
        impl<'s> ::core::iter::IntoIterator for &'s #design {
            type Item = #point;
            type IntoIter = ::dataspace::Points<'s, #design>;
            fn into_iter(self) -> Self::IntoIter {
                ::dataspace::Space::iter(self)
            }
        }

        #[automatically_derived]
        impl<const #v: usize> ::dataspace::PackedSpace<#v> for #design where #bounds {
            type Lanes<'a> = #lanes<#lt #v> where Self: 'a;

            /// Builds each pack lane by lane from the axes.
            #[inline]
            fn load_until(&self, start: usize, end: usize, fill: f64) -> Self::Lanes<'_> {
                let len = self.plan.len();
                let end = if end < len { end } else { len };
                let real = |k: usize| start.checked_add(k).filter(|&i| i < end);
                #lanes { #(#lanes_fields,)* __dataspace_valid: #private::valid_lanes::<#v>(end, start) }
            }
        }
    }
}
