//! `XSpace`: validated columnar storage, its constructors, column access and
//! the `Space` trait (points by index).

use super::{clone_fixed, clone_impl, idents, per_column, Names};
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
        point_name,
        ..
    } = names;
    let vis = input.vis;
    let private = quote!(::dataspace::__private);
    let all = idents(&input.fields);

    let mut storage = Vec::new();
    let mut into_storage = Vec::new();
    let mut from_arrays = Vec::new();
    let mut borrow = Vec::new();
    let mut get = Vec::new();
    let mut checks = Vec::new();
    let mut first_free: Option<(&syn::Ident, String, bool)> = None;

    for field in &input.fields {
        let (ident, ty) = (field.ident, field.ty);
        match &field.kind {
            Kind::Fixed => {
                storage.push(quote!(#ident: #ty));
                into_storage.push(quote!(#ident));
                from_arrays.push(quote!(#ident));
                borrow.push(quote!(#ident: &self.#ident));
                get.push({
                    let value = clone_fixed(field, quote!(&self.#ident));
                    quote!(#ident: #value)
                });
            }
            Kind::Free(column) => {
                let column = column.as_ref().expect("validated");
                let scalar = column.scalar;
                let name = field.name();
                storage.push({
                    let vec = per_column(column, quote!(#private::Vec<#scalar>));
                    quote!(#ident: #vec)
                });
                let is_array = column.array_len.is_some();
                if is_array {
                    into_storage.push(quote!(#ident: #private::split_array_column(#ident)));
                    from_arrays.push(
                        quote!(#ident: #private::split_array_column(#private::Vec::from(#ident))),
                    );
                    borrow.push(
                        quote!(#ident: ::core::array::from_fn(|k| &self.#ident[k][..self.__dataspace_len])),
                    );
                    get.push(quote!(#ident: ::core::array::from_fn(|k| self.#ident[k][index])));
                } else {
                    into_storage.push(quote!(#ident: #private::pad_column(#ident)));
                    from_arrays
                        .push(quote!(#ident: #private::pad_column(#private::Vec::from(#ident))));
                    borrow.push(quote!(#ident: &self.#ident[..self.__dataspace_len]));
                    get.push(quote!(#ident: self.#ident[index]));
                }
                match &first_free {
                    None => first_free = Some((ident, name, is_array)),
                    Some((_, first_name, _)) => checks.push(quote! {
                        #private::check_len(#point_name, #name, #ident.len(), len, #first_name)?;
                    }),
                }
            }
        }
    }
    let (first, _, _) = first_free.expect("validated: at least one free field");

    let space_doc = format!(
        "The points of a sweep over [`{point}`], stored as columns (one `Vec` per free \
         field, one value per fixed field), all free columns of the same length N.\n\n\
         Build it with [`{space}::new`] (lengths checked at run time) or \
         [`{space}::from_arrays`] (checked at compile time). Read points with the \
         [`Space`](::dataspace::Space) trait, columns with [`{space}::columns`], and packs \
         of SIMD lanes with [`Space::collect`](::dataspace::Space::collect)."
    );
    let new_doc = format!(
        "Checks that every free column has the same length N and stores the columns.\n\n\
         # Errors\n\n[`ShapeError::LengthMismatch`](::dataspace::ShapeError) naming the first \
         free field whose length differs from that of `{first}`."
    );
    let clone_space = clone_impl(input, quote!(#space), quote!(), &[quote!(__dataspace_len)]);
    quote! {
        #clone_space

        #[doc = #space_doc]
        #vis struct #space {
            __dataspace_len: usize,
            #(#storage,)*
        }

        #[automatically_derived]
        impl #space {
            #[doc = #new_doc]
            pub fn new(columns: #columns) -> #private::Result<Self, ::dataspace::ShapeError> {
                let #columns { #(#all),* } = columns;
                let len = #first.len();
                #(#checks)*
                #private::Ok(#space { __dataspace_len: len, #(#into_storage,)* })
            }

            /// Builds a space of `N` points from arrays, whose lengths the compiler has
            /// already checked: this cannot fail.
            pub fn from_arrays<const N: usize>(arrays: #arrays<N>) -> Self {
                let #arrays { #(#all),* } = arrays;
                #space { __dataspace_len: N, #(#from_arrays,)* }
            }

            /// The columns, borrowed: free fields as slices of N values, fixed fields
            /// by reference. Nothing is copied.
            pub fn columns(&self) -> #columns_ref<'_> {
                #columns_ref { #(#borrow,)* }
            }
        }

        #[automatically_derived]
        impl ::dataspace::Space for #space {
            type Point = #point;

            #[inline]
            fn len(&self) -> usize {
                self.__dataspace_len
            }

            #[inline]
            fn get(&self, index: usize) -> #private::Option<#point> {
                if index >= self.__dataspace_len {
                    return #private::None;
                }
                #private::Some(#point { #(#get,)* })
            }
        }

        #[automatically_derived]
        impl<'s> ::core::iter::IntoIterator for &'s #space {
            type Item = #point;
            type IntoIter = ::dataspace::Points<'s, #space>;
            fn into_iter(self) -> Self::IntoIter {
                ::dataspace::Space::iter(self)
            }
        }
    }
}
