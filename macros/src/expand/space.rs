//! `XSpace`: validated columnar storage, its constructors, column access and
//! the `Space` trait (points by index).

use super::{Ctx, clone_fixed, private};
use crate::model::{FieldKind, Model};
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(model: &Model) -> TokenStream {
    let mut tokens = space_struct(model);
    tokens.extend(clone_impl(model));
    tokens.extend(constructors(model));
    tokens.extend(space_impl(model));
    tokens
}

fn space_struct(model: &Model) -> TokenStream {
    let (vis, names) = (model.vis, &model.names);
    let (point, space) = (&names.point, &names.space);
    let private = private();
    let storages = model.storages.iter().map(|storage| {
        let (field, scalar, count) = (&storage.field, storage.scalar, &storage.count);
        quote!(#field: #private::Columns<#scalar, { #count }>)
    });
    let fixed = model.fixed().map(|field| {
        let (ident, ty) = (field.ident, field.ty);
        quote!(#ident: #ty)
    });
    let nested = model.flattened().map(|(field, _)| {
        let (ident, flat) = (field.ident, super::flat(field));
        quote!(#ident: #flat::Space)
    });
    let bounds = super::flat_where(model);
    let doc = format!(
        "The points of a sweep over [`{point}`], stored as columns (one `Vec` per free \
         field, one value per fixed field), all free columns of the same length N.\n\n\
         Build it with [`{space}::new`] (lengths checked at run time) or \
         [`{space}::from_arrays`] (checked at compile time). Read points with the \
         [`Space`](::dataspace::Space) trait, columns with [`{space}::columns`], and packs \
         of SIMD lanes with [`Space::collect`](::dataspace::Space::collect)."
    );
    quote! {
        #[doc = #doc]
        #vis struct #space #bounds {
            #(#storages,)*
            #(#nested,)*
            #(#fixed,)*
        }
    }
}

fn clone_impl(model: &Model) -> TokenStream {
    let space = &model.names.space;
    let storages = model.storages.iter().map(|storage| &storage.field);
    let fixed = model.fixed().map(|field| {
        let ident = field.ident;
        let value = clone_fixed(field, quote!(&self.#ident));
        quote!(#ident: #value)
    });
    let nested = model.flattened().map(|(field, _)| field.ident);
    let bounds = super::flat_where(model);
    quote! {
        #[automatically_derived]
        impl ::core::clone::Clone for #space #bounds {
            fn clone(&self) -> Self {
                #space {
                    #(#storages: ::core::clone::Clone::clone(&self.#storages),)*
                    #(#nested: ::core::clone::Clone::clone(&self.#nested),)*
                    #(#fixed,)*
                }
            }
        }
    }
}

/// Statements that fill each storage from the fields of `source`
/// (`__dataspace_columns`, or `__dataspace_arrays` with `from_array`) and
/// bind it to a local named like the storage field.
fn fill_storages(model: &Model, source: &TokenStream, from_array: bool) -> TokenStream {
    let private = private();
    let len = names::hidden("len");
    let steps = model.storages.iter().map(|storage| {
        let (local, count) = (&storage.field, &storage.count);
        let fills = model
            .free()
            .filter(|(_, free)| free.slot.storage == *local)
            .map(|(field, free)| {
                let ident = field.ident;
                let column = match from_array {
                    true => quote!(#private::Vec::from(#source.#ident)),
                    false => quote!(#source.#ident),
                };
                match free.array_len {
                    Some(_) => quote!(#local.extend(#private::split_array_column(#column));),
                    None => quote!(#local.push(#column);),
                }
            });
        quote! {
            let mut #local = #private::Vec::with_capacity(#count);
            #(#fills)*
            let #local = #private::Columns::new(#len, #local);
        }
    });
    quote!(#(#steps)*)
}

/// `XSpace { storages, flattened spaces, fixed fields moved from source }`,
/// after `fill_storages`.
fn space_literal(model: &Model, source: &TokenStream, from_array: bool) -> TokenStream {
    let space = &model.names.space;
    let storages = model.storages.iter().map(|storage| &storage.field);
    let fixed = model.fixed().map(|field| field.ident);
    let len = names::hidden("len");
    let nested = model.flattened().map(|(field, _)| {
        let (ident, flat) = (field.ident, super::flat(field));
        match from_array {
            true => quote!(#ident: #flat::from_arrays(#source.#ident)),
            false => quote!(#ident: #flat::from_checked(#len, #source.#ident)),
        }
    });
    quote!(#space { #(#storages,)* #(#nested,)* #(#fixed: #source.#fixed,)* })
}

/// The length of the first free or flattened field of `source`, the columns: N.
pub fn first_len(model: &Model, source: &TokenStream) -> TokenStream {
    let first = model.first();
    let ident = first.ident;
    match first.kind {
        FieldKind::Flatten(_) => {
            let flat = super::flat(first);
            quote!(#flat::first_len(&#source.#ident))
        }
        _ => quote!(#source.#ident.len()),
    }
}

/// The name of the first leaf in the struct's own items: it set N.
fn first_name(model: &Model) -> TokenStream {
    let first = model.first();
    match &first.kind {
        FieldKind::Flatten(flat) => {
            let names = Ctx::own().names(model);
            let leaf = &flat.leaf;
            quote!(::dataspace::__private::leaf_name(#names, #leaf))
        }
        _ => {
            let name = &first.name;
            quote!(#name)
        }
    }
}

/// Statements checking that every column of `source` holds `len` values
/// (the local `__dataspace_len`), returning the `ShapeError` naming the
/// first that does not. `space` and `expected_from` are `&'static str`
/// expressions; in the struct's own items the first field, which set N,
/// is not checked.
pub fn length_checks(
    model: &Model,
    ctx: &Ctx,
    source: &TokenStream,
    space: &TokenStream,
    expected_from: &TokenStream,
) -> TokenStream {
    let (private, len) = (private(), names::hidden("len"));
    let skip = usize::from(!ctx.nested && matches!(model.first().kind, FieldKind::Free(_)));
    let checks = model.per_point().skip(skip).map(|field| {
        let ident = field.ident;
        match &field.kind {
            FieldKind::Free(free) => {
                let name = ctx.name(model, field, free);
                quote!(#private::check_len(#space, #name, #source.#ident.len(), #len, #expected_from)?;)
            }
            FieldKind::Flatten(flat) => {
                let (names, leaf, hooks) = (ctx.names(model), ctx.leaf(&flat.leaf), super::flat(field));
                quote!(#hooks::check(&#source.#ident, #len, #space, #names, #leaf, #expected_from)?;)
            }
            FieldKind::Fixed => quote!(),
        }
    });
    quote!(#(#checks)*)
}

fn constructors(model: &Model) -> TokenStream {
    let names = &model.names;
    let (space, columns, arrays, n) = (&names.space, &names.columns, &names.arrays, &names.n);
    let (private, len) = (private(), names::hidden("len"));
    let source = quote!(__dataspace_columns);
    let (first_len, first_name, point_name) = (
        first_len(model, &source),
        first_name(model),
        &names.point_name,
    );
    let checks = length_checks(
        model,
        &Ctx::own(),
        &source,
        &quote!(#point_name),
        &first_name,
    );
    let bounds = super::flat_where(model);
    let first_name = match &model.first().kind {
        FieldKind::Flatten(_) => format!("the first field of `{}`", model.first().name),
        _ => format!("`{}`", model.first().name),
    };
    let from_columns = fill_storages(model, &source, false);
    let columns_space = space_literal(model, &source, false);
    let arrays_source = quote!(__dataspace_arrays);
    let from_arrays = fill_storages(model, &arrays_source, true);
    let arrays_space = space_literal(model, &arrays_source, true);
    let borrow = borrowed_columns(model);
    let strided = strided(model);
    let new_doc = format!(
        "Checks that every free column has the same length N and stores the columns.\n\n\
         A column is moved in, not copied, if it has spare capacity for its padding \
         (up to 63 values); otherwise it is reallocated once.\n\n\
         # Errors\n\n[`ShapeError::LengthMismatch`](::dataspace::ShapeError) naming the first \
         free field whose length differs from that of {first_name} (the fields of a \
         flattened struct named by their dotted path, `field.inner`)."
    );
    quote! {
        #[automatically_derived]
        impl #space #bounds {
            #[doc = #new_doc]
            pub fn new(columns: #columns) -> #private::Result<Self, ::dataspace::ShapeError> {
                // Fields are reached through `__dataspace_columns`, never bound as
                // locals, so no field name can shadow a local or a helper.
                let #source = columns;
                let #len = #first_len;
                #checks
                #private::Ok(<Self as #private::FromChecked>::from_checked(#len, #source))
            }

            /// Builds a space of `N` points from arrays, whose lengths the compiler has
            /// already checked: this cannot fail.
            #[must_use]
            pub fn from_arrays<const #n: usize>(arrays: #arrays<#n>) -> Self {
                let (#len, #arrays_source) = (#n, arrays);
                #from_arrays
                #arrays_space
            }

            /// The columns, borrowed: free fields as slices of N values, fixed fields
            /// by reference. Nothing is copied.
            #[must_use]
            pub fn columns(&self) -> #borrow

            #strided
        }

        // A trait impl, not an inherent method, so that it stays out of the
        // constructors rustc suggests to users.
        #[automatically_derived]
        impl #private::FromChecked for #space #bounds {
            type Columns = #columns;

            fn from_checked(len: usize, columns: #columns) -> Self {
                let (#len, #source) = (len, columns);
                #from_columns
                #columns_space
            }
        }
    }
}

/// The body of `columns()`: each free field's columns as slices of its storage.
fn borrowed_columns(model: &Model) -> TokenStream {
    let columns_ref = &model.names.columns_ref;
    let fields = model.fields.iter().map(|field| {
        let ident = field.ident;
        match &field.kind {
            FieldKind::Fixed => quote!(#ident: &self.#ident),
            FieldKind::Flatten(_) => {
                let flat = super::flat(field);
                quote!(#ident: #flat::columns_ref(&self.#ident))
            }
            FieldKind::Free(free) => {
                let (storage, offset) = (&free.slot.storage, &free.slot.offset);
                match free.array_len {
                    Some(_) => quote!(#ident: ::core::array::from_fn(|k| self.#storage.column(#offset + k))),
                    None => quote!(#ident: self.#storage.column(#offset)),
                }
            }
        }
    });
    quote!(#columns_ref<'_> { #columns_ref { #(#fields,)* } })
}

/// The fields of point `index < N` of the space `recv`.
pub fn point_fields(model: &Model, recv: &TokenStream) -> Vec<TokenStream> {
    model
        .fields
        .iter()
        .map(|field| {
            let ident = field.ident;
            match &field.kind {
                FieldKind::Fixed => {
                    let value = clone_fixed(field, quote!(&#recv.#ident));
                    quote!(#ident: #value)
                }
                FieldKind::Free(free) => {
                    let (storage, offset) = (&free.slot.storage, &free.slot.offset);
                    match free.array_len {
                        Some(_) => quote!(#ident: ::core::array::from_fn(|k| #recv.#storage.column(#offset + k)[index])),
                        None => quote!(#ident: #recv.#storage.column(#offset)[index]),
                    }
                }
                FieldKind::Flatten(_) => {
                    let flat = super::flat(field);
                    quote!(#ident: #flat::get(&#recv.#ident, index))
                }
            }
        })
        .collect()
}

/// The number of points of the space `recv`: the length of its first
/// storage, or of its first flattened space if it stores no column itself.
pub fn space_len(model: &Model, recv: &TokenStream) -> TokenStream {
    match (model.storages.first(), model.flattened().next()) {
        (Some(storage), _) => {
            let storage = &storage.field;
            quote!(#recv.#storage.len())
        }
        (None, Some((field, _))) => {
            let (ident, flat) = (field.ident, super::flat(field));
            quote!(#flat::len(&#recv.#ident))
        }
        // A model has a free or a flattened field.
        (None, None) => quote!(0usize),
    }
}

/// `Space` (point `index` read from the columns) and `IntoIterator for &XSpace`.
fn space_impl(model: &Model) -> TokenStream {
    let (point, space) = (&model.names.point, &model.names.space);
    let private = private();
    let len = space_len(model, &quote!(self));
    let get = point_fields(model, &quote!(self));
    let bounds = super::flat_where(model);
    quote! {
        #[automatically_derived]
        impl ::dataspace::Space for #space #bounds {
            type Point = #point;

            #[inline(always)]
            fn len(&self) -> usize {
                #len
            }

            #[inline]
            fn get(&self, index: usize) -> #private::Option<#point> {
                if index >= ::dataspace::Space::len(self) {
                    return #private::None;
                }
                #private::Some(#point { #(#get,)* })
            }
        }

        #[automatically_derived]
        impl<'s> ::core::iter::IntoIterator for &'s #space #bounds {
            type Item = #point;
            type IntoIter = ::dataspace::Points<'s, #space>;
            fn into_iter(self) -> Self::IntoIter {
                ::dataspace::Space::iter(self)
            }
        }
    }
}

/// `XSpace::strided`: every `step`-th point of a range, as a new stored
/// space (numpy's and tvboptim's `space[start:end:step]`).
fn strided(model: &Model) -> TokenStream {
    let (space, columns, private) = (&model.names.space, &model.names.columns, private());
    let (len, from, picked) = (
        names::hidden("len"),
        names::hidden("from"),
        names::hidden("picked"),
    );
    let start = names::hidden("start");
    let fields = strided_fields(model);
    let doc = format!(
        "Every `step`-th point of `range`, from its start, as a new [`{space}`] (numpy's \
         `space[start:end:step]`): point `i` of it is point `range.start + i * step` of \
         this space. The values are copied (a stored space owns its columns); fixed \
         fields are cloned. The new space numbers its points from 0, as any space does: \
         a kernel's [`Lanes::index`](::dataspace::Lanes::index), and the noise keyed by \
         it, count in the new space. (A [`Design`](::dataspace::Design) has the same \
         method, and stays lazy.)\n\n\
         # Errors\n\n[`StrideError::Range`](::dataspace::StrideError) if `range` is not \
         inside the space, [`StrideError::ZeroStep`](::dataspace::StrideError) for `step = 0`."
    );
    quote! {
        #[doc = #doc]
        pub fn strided(
            &self,
            range: ::core::ops::Range<usize>,
            step: usize,
        ) -> #private::Result<Self, ::dataspace::StrideError> {
            let #len = #private::strided_len(&range, step, ::dataspace::Space::len(self))?;
            let #from = self.columns();
            let #start = range.start;
            let #picked = (0..#len).map(|i| #start + i * step);
            let columns = #columns { #(#fields,)* };
            #private::Ok(<Self as #private::FromChecked>::from_checked(#len, columns))
        }
    }
}

/// The fields of `XColumns` in `strided`: from the borrowed columns
/// `__dataspace_from`, the points `__dataspace_picked` (an iterator of
/// indices: `__dataspace_start + i * step` for `i < __dataspace_len`).
pub fn strided_fields(model: &Model) -> Vec<TokenStream> {
    let (from, picked) = (names::hidden("from"), names::hidden("picked"));
    let (start, len) = (names::hidden("start"), names::hidden("len"));
    model
        .fields
        .iter()
        .map(|field| {
            let ident = field.ident;
            let value = match &field.kind {
                FieldKind::Fixed => clone_fixed(field, quote!(#from.#ident)),
                FieldKind::Free(free) => match free.array_len {
                    Some(_) => quote! {
                        #picked.clone().map(|i| ::core::array::from_fn(|k| #from.#ident[k][i])).collect()
                    },
                    None => quote!(#picked.clone().map(|i| #from.#ident[i]).collect()),
                },
                FieldKind::Flatten(_) => {
                    let flat = super::flat(field);
                    quote!(#flat::strided(#from.#ident, #start, step, #len))
                }
            };
            quote!(#ident: #value)
        })
        .collect()
}
