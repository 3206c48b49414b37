//! `XSpace`: validated columnar storage, its constructors, column access and
//! the `Space` trait (points by index).

use super::{clone_fixed, layout, Names};
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
    let n = &names.n;
    let vis = input.vis;
    let private = quote!(::dataspace::__private);
    let (blocks, slots) = layout(input);

    // Per block: its field, type, and how `new` / `from_arrays` fill it.
    let block_fields: Vec<_> = blocks.iter().map(|block| &block.field).collect();
    let block_types: Vec<_> = blocks
        .iter()
        .map(|block| {
            let (scalar, count) = (block.scalar, &block.count);
            quote!(#private::Columns<#scalar, { #count }>)
        })
        .collect();
    let mut fill_from_columns: Vec<Vec<TokenStream>> = vec![Vec::new(); blocks.len()];
    let mut fill_from_arrays: Vec<Vec<TokenStream>> = vec![Vec::new(); blocks.len()];

    let mut fixed_storage = Vec::new();
    let mut fixed_idents = Vec::new();
    let mut fixed_clones = Vec::new();
    let mut borrow = Vec::new();
    let mut get = Vec::new();
    let mut checks = Vec::new();
    let mut first_free: Option<(&syn::Ident, String)> = None;
    let mut slots = slots.iter();

    for field in &input.fields {
        let (ident, ty) = (field.ident, field.ty);
        match &field.kind {
            Kind::Fixed => {
                fixed_storage.push(quote!(#ident: #ty));
                fixed_idents.push(ident);
                fixed_clones.push({
                    let value = clone_fixed(field, quote!(&self.#ident));
                    quote!(#ident: #value)
                });
                borrow.push(quote!(#ident: &self.#ident));
                get.push({
                    let value = clone_fixed(field, quote!(&self.#ident));
                    quote!(#ident: #value)
                });
            }
            Kind::Free(column) => {
                let column = column.as_ref().expect("validated");
                let slot = slots.next().expect("a slot per free field");
                let (block, offset) = (&slot.block, &slot.offset);
                let b = blocks
                    .iter()
                    .position(|b| b.field == *block)
                    .expect("slot's block");
                let name = field.name();
                if column.array_len.is_some() {
                    fill_from_columns[b].push(
                        quote!(#block.extend(#private::split_array_column(__dataspace_columns.#ident));),
                    );
                    fill_from_arrays[b].push(
                        quote!(#block.extend(#private::split_array_column(#private::Vec::from(__dataspace_arrays.#ident)));),
                    );
                    borrow.push(
                        quote!(#ident: ::core::array::from_fn(|k| self.#block.column(#offset + k))),
                    );
                    get.push(quote!(#ident: ::core::array::from_fn(|k| self.#block.column(#offset + k)[index])));
                } else {
                    fill_from_columns[b].push(quote!(#block.push(__dataspace_columns.#ident);));
                    fill_from_arrays[b]
                        .push(quote!(#block.push(#private::Vec::from(__dataspace_arrays.#ident));));
                    borrow.push(quote!(#ident: self.#block.column(#offset)));
                    get.push(quote!(#ident: self.#block.column(#offset)[index]));
                }
                match &first_free {
                    None => first_free = Some((ident, name)),
                    Some((_, first_name)) => checks.push(quote! {
                        #private::check_len(#point_name, #name, __dataspace_columns.#ident.len(), __dataspace_len, #first_name)?;
                    }),
                }
            }
        }
    }
    let (first, _) = first_free.expect("validated: at least one free field");
    let first_block = &blocks[0].field;
    let build_blocks = |fills: &[Vec<TokenStream>], len: TokenStream| {
        let steps = blocks.iter().zip(fills).map(|(block, fill)| {
            let (field, count) = (&block.field, &block.count);
            quote! {
                let mut #field = #private::Vec::with_capacity(#count);
                #(#fill)*
                let #field = #private::Columns::new(#len, #field);
            }
        });
        quote!(#(#steps)*)
    };
    let from_columns = build_blocks(&fill_from_columns, quote!(__dataspace_len));
    let from_arrays = build_blocks(&fill_from_arrays, quote!(#n));

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
         A column is moved in, not copied, if it has spare capacity for its padding \
         (up to 63 values); otherwise it is reallocated once.\n\n\
         # Errors\n\n[`ShapeError::LengthMismatch`](::dataspace::ShapeError) naming the first \
         free field whose length differs from that of `{first}`."
    );
    quote! {
        #[doc = #space_doc]
        #vis struct #space {
            #(#block_fields: #block_types,)*
            #(#fixed_storage,)*
        }

        #[automatically_derived]
        impl ::core::clone::Clone for #space {
            fn clone(&self) -> Self {
                #space {
                    #(#block_fields: ::core::clone::Clone::clone(&self.#block_fields),)*
                    #(#fixed_clones,)*
                }
            }
        }

        #[automatically_derived]
        impl #space {
            #[doc = #new_doc]
            pub fn new(columns: #columns) -> #private::Result<Self, ::dataspace::ShapeError> {
                // Fields are reached through `__dataspace_columns`, never bound as
                // locals, so no field name can shadow a local or a helper.
                let __dataspace_columns = columns;
                let __dataspace_len = __dataspace_columns.#first.len();
                #(#checks)*
                #private::Ok(Self::__dataspace_from_checked(__dataspace_len, __dataspace_columns))
            }

            /// [`new`](Self::new) without the length check, for generated code whose
            /// columns hold `len` values each by construction (`Columns::new` still
            /// asserts it).
            #[doc(hidden)]
            pub fn __dataspace_from_checked(len: usize, columns: #columns) -> Self {
                let __dataspace_columns = columns;
                let __dataspace_len = len;
                #from_columns
                #space {
                    #(#block_fields,)*
                    #(#fixed_idents: __dataspace_columns.#fixed_idents,)*
                }
            }

            /// Builds a space of `N` points from arrays, whose lengths the compiler has
            /// already checked: this cannot fail.
            pub fn from_arrays<const #n: usize>(arrays: #arrays<#n>) -> Self {
                let __dataspace_arrays = arrays;
                #from_arrays
                #space {
                    #(#block_fields,)*
                    #(#fixed_idents: __dataspace_arrays.#fixed_idents,)*
                }
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

            #[inline(always)]
            fn len(&self) -> usize {
                self.#first_block.len()
            }

            #[inline]
            fn get(&self, index: usize) -> #private::Option<#point> {
                if index >= self.#first_block.len() {
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
