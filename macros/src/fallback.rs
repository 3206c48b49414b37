//! What the derive emits when validation fails (after thiserror's
//! `fallback.rs`): the errors, plus stubs of every generated item under its
//! real name, so that code using `XSpace`, `XColumns { .. }`, `XDesign` or
//! `.collect::<8>()` adds no "cannot find type" errors to the real ones.
//!
//! The stubs' bodies are `unreachable!()`: the crate does not compile (the
//! errors above are hard errors), so no stub is ever run.

use crate::names::Names;
use proc_macro2::{TokenStream, TokenTree};
use quote::quote;
use syn::{Attribute, Data, DeriveInput, Fields, Ident, Type};

pub fn expand(input: &DeriveInput, error: syn::Error) -> TokenStream {
    let stub = Stub::new(input);
    let mut tokens = error.into_compile_error();
    tokens.extend(stub.structs());
    tokens.extend(stub.space_impls());
    tokens.extend(stub.design_impls());
    tokens.extend(stub.io_impls());
    tokens.extend(stub.flatten_impls());
    tokens
}

/// A field of the input, as far as the stubs need it.
struct StubField<'a> {
    ident: &'a Ident,
    ty: &'a Type,
    fixed: bool,
    /// `#[space(flatten)]` (and not `fixed`): its members are the inner
    /// struct's generated types.
    flatten: bool,
    /// Marked `#[space(fixed)]` (rather than stubbed as fixed).
    marked_fixed: bool,
}

struct Stub<'a> {
    input: &'a DeriveInput,
    names: Names,
    /// The fields, if the input is a non-generic struct with named fields
    /// (otherwise the stubs have none: their types could not be named).
    fields: Vec<StubField<'a>>,
    /// The point type: the input, or `()` if it is generic.
    point: TokenStream,
    /// `'a,`: the lifetime of `XLanes`.
    lt: TokenStream,
}

/// Whether a field has a `space` attribute mentioning `word` (read loosely:
/// a malformed attribute has been reported already).
fn has_space_arg(attrs: &[Attribute], word: &str) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("space"))
        .any(|attr| {
            attr.meta.require_list().is_ok_and(|list| {
                list.tokens
                    .clone()
                    .into_iter()
                    .any(|t| matches!(t, TokenTree::Ident(i) if i == word))
            })
        })
}

impl<'a> Stub<'a> {
    fn new(input: &'a DeriveInput) -> Self {
        let generic = !input.generics.params.is_empty() || input.generics.where_clause.is_some();
        let fields: Vec<StubField<'a>> = match &input.data {
            Data::Struct(data) if !generic => match &data.fields {
                Fields::Named(named) => named
                    .named
                    .iter()
                    .filter_map(|field| {
                        let fixed = has_space_arg(&field.attrs, "fixed");
                        // A type flatten rejects is stubbed as fixed, not
                        // as a `Flatten` type, which it is not either.
                        let flatten = !fixed
                            && has_space_arg(&field.attrs, "flatten")
                            && crate::ast::is_struct_path(&field.ty);
                        Some(StubField {
                            ident: field.ident.as_ref()?,
                            ty: &field.ty,
                            // A field no column can hold is stubbed as fixed:
                            // the user meant it to be, or is told to make it so.
                            fixed: fixed || !flatten && !crate::ast::is_column_type(&field.ty),
                            flatten,
                            marked_fixed: fixed,
                        })
                    })
                    .collect(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let ident = &input.ident;
        let point = if generic { quote!(()) } else { quote!(#ident) };
        // Every `XLanes` has a lifetime, fixed fields or not.
        let lt = quote!('a,);
        Stub {
            input,
            names: Names::new(ident, fields.iter().map(|f| f.ty)),
            fields,
            point,
            lt,
        }
    }

    /// `pub field: free(ty)`, `pub field: ty` (fixed) or `pub field:
    /// <ty as Flatten>::#nested` (flattened) per field.
    fn members(
        &self,
        free: impl Fn(&Type) -> TokenStream,
        nested: TokenStream,
        with_free: bool,
    ) -> Vec<TokenStream> {
        let members = self
            .fields
            .iter()
            .filter(|f| with_free || f.fixed)
            .map(|field| {
                let (ident, ty) = (field.ident, field.ty);
                let ty = match (field.fixed, field.flatten) {
                    (true, _) => quote!(#ty),
                    (false, true) => quote!(<#ty as ::dataspace::__private::Flatten>::#nested),
                    (false, false) => free(ty),
                };
                quote!(pub #ident: #ty)
            });
        members.collect()
    }

    /// `Flatten` and `FlattenLanes<V>` for the point, if it has no fixed
    /// field: a struct with a mistake, flattened into another, then adds no
    /// "cannot be a `#[space(flatten)]` field" error to its own.
    fn flatten_impls(&self) -> TokenStream {
        if self.point.to_string() == "()" || self.fields.iter().any(|f| f.marked_fixed) {
            return quote!();
        }
        let names = &self.names;
        let (point, columns, arrays, columns_ref) = (
            &self.point,
            &names.columns,
            &names.arrays,
            &names.columns_ref,
        );
        let (space, axes, lanes, n, v) =
            (&names.space, &names.axes, &names.lanes, &names.n, &names.v);
        let private = quote!(::dataspace::__private);
        quote! {
            impl #private::Flatten for #point {
                type Columns = #columns;
                type Arrays<const #n: usize> = #arrays<#n>;
                type ColumnsRef<'a> = #columns_ref<'a>;
                type Space = #space;
                type Axes = #axes;
                const FIELDS: &'static [&'static str] = &[];
                fn first_len(_: &#columns) -> usize { ::core::unreachable!() }
                fn check(_: &#columns, _: usize, _: &'static str, _: &'static [&'static str], _: usize, _: &'static str) -> ::core::result::Result<(), ::dataspace::ShapeError> { ::core::unreachable!() }
                fn from_checked(_: usize, _: #columns) -> #space { ::core::unreachable!() }
                fn from_arrays<const #n: usize>(_: #arrays<#n>) -> #space { ::core::unreachable!() }
                fn columns_ref(_: &#space) -> #columns_ref<'_> { ::core::unreachable!() }
                fn get(_: &#space, _: usize) -> #point { ::core::unreachable!() }
                fn len(_: &#space) -> usize { ::core::unreachable!() }
                fn strided(_: #columns_ref<'_>, _: usize, _: usize, _: usize) -> #columns { ::core::unreachable!() }
                fn with_capacity(_: usize) -> #columns { ::core::unreachable!() }
                fn append(_: &mut #columns, _: #columns) { ::core::unreachable!() }
                fn field_axes(_: &#axes, _: &'static [&'static str], _: usize, _: &mut ::std::vec::Vec<#private::FieldAxis>) -> ::core::result::Result<(), ::dataspace::DesignError> { ::core::unreachable!() }
                fn describe(_: &#axes, _: &'static [&'static str], _: usize, _: &mut dyn ::core::ops::FnMut(&str, &str, &dyn ::core::fmt::Debug, bool)) { ::core::unreachable!() }
                fn point(_: &#axes, _: &#private::Plan, _: usize, _: usize) -> #point { ::core::unreachable!() }
                fn design_columns(_: &#axes, _: &#private::Plan, _: usize) -> ::core::result::Result<#columns, ::dataspace::DesignError> { ::core::unreachable!() }
            }
            impl<const #v: usize> #private::FlattenLanes<#v> for #point {
                type Lanes = #lanes<'static, #v>;
                fn load(_: &#space, _: #private::Load, _: usize, _: f64) -> Self::Lanes { ::core::unreachable!() }
                fn lane(_: &Self::Lanes, _: usize) -> #point { ::core::unreachable!() }
                fn design_lanes(_: &#axes, _: &#private::Plan, _: usize, _: usize, _: usize, _: f64) -> Self::Lanes { ::core::unreachable!() }
                fn push(_: Self::Lanes, _: &mut #columns, _: usize) { ::core::unreachable!() }
            }
        }
    }

    fn structs(&self) -> TokenStream {
        let (vis, names) = (&self.input.vis, &self.names);
        let (columns, arrays, columns_ref, space) = (
            &names.columns,
            &names.arrays,
            &names.columns_ref,
            &names.space,
        );
        let (lanes, axes, design, fixed) = (&names.lanes, &names.axes, &names.design, &names.fixed);
        let (n, v, lt) = (&names.n, &names.v, &self.lt);
        let phantom = quote!(&'a ());
        let columns_fields = self.members(|ty| quote!(::std::vec::Vec<#ty>), quote!(Columns), true);
        let arrays_fields = self.members(|ty| quote!([#ty; #n]), quote!(Arrays<#n>), true);
        let axes_fields = self.members(|ty| quote!(::dataspace::Axis<#ty>), quote!(Axes), true);
        let fixed_fields = self.members(|ty| quote!(#ty), quote!(), false);
        let debug = [
            quote!(#columns),
            quote!(#arrays<#n>),
            quote!(#columns_ref<'_>),
            quote!(#space),
            quote!(#lanes<#lt #v>),
            quote!(#axes),
            quote!(#fixed),
        ];
        let generics = [
            quote!(),
            quote!(<const #n: usize>),
            quote!(),
            quote!(),
            quote!(<#lt const #v: usize>),
            quote!(),
            quote!(),
        ];
        quote! {
            #[allow(dead_code)] #vis struct #columns { #(#columns_fields,)* }
            #[allow(dead_code)] #vis struct #arrays<const #n: usize> { #(#arrays_fields,)* }
            #[allow(dead_code)] #[derive(Copy)] #vis struct #columns_ref<'a>(::core::marker::PhantomData<&'a ()>);
            #[allow(dead_code)] #vis struct #space {}
            #[allow(dead_code)] #[derive(Copy)] #vis struct #lanes<#lt const #v: usize>(::core::marker::PhantomData<#phantom>);
            #[allow(dead_code)] #vis struct #axes { #(#axes_fields,)* }
            #[allow(dead_code)] #vis type #design = ::dataspace::Design<#axes>;
            #[allow(dead_code)] #vis struct #fixed { #(#fixed_fields,)* }
            #(
                impl #generics ::core::fmt::Debug for #debug {
                    fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        ::core::unreachable!()
                    }
                }
            )*
            impl ::core::fmt::Display for #space {
                fn fmt(&self, _: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::unreachable!()
                }
            }
            #(
                impl #generics ::core::clone::Clone for #debug {
                    fn clone(&self) -> Self {
                        ::core::unreachable!()
                    }
                }
            )*
        }
    }

    /// `XSpace`'s constructors, `Space`, `PackedSpace<V>`, and `Lanes<V>`
    /// (and `Output<V>`) for `XLanes`.
    fn space_impls(&self) -> TokenStream {
        let names = &self.names;
        let (columns, arrays, columns_ref, space, lanes) = (
            &names.columns,
            &names.arrays,
            &names.columns_ref,
            &names.space,
            &names.lanes,
        );
        let (n, v, lt, point) = (&names.n, &names.v, &self.lt, &self.point);
        let output = match self.fields.iter().any(|f| f.fixed) {
            false => quote! {
                impl<'a, const #v: usize> ::dataspace::Output<#v> for #lanes<'a, #v> {
                    type Result = #space;
                    type Block = ();
                    fn block(_: usize) {}
                    fn push(self, _: &mut (), _: usize) -> ::core::result::Result<(), ::dataspace::OutputError> {
                        ::core::unreachable!()
                    }
                    fn finish(_: ::std::vec::Vec<()>, _: usize) -> ::core::result::Result<#space, ::dataspace::OutputError> {
                        ::core::unreachable!()
                    }
                }
            },
            true => quote!(),
        };
        quote! {
            impl #space {
                pub fn new(_: #columns) -> ::core::result::Result<Self, ::dataspace::ShapeError> {
                    ::core::unreachable!()
                }
                pub fn from_arrays<const #n: usize>(_: #arrays<#n>) -> Self {
                    ::core::unreachable!()
                }
                pub fn columns(&self) -> #columns_ref<'_> {
                    ::core::unreachable!()
                }
            }
            impl ::dataspace::Space for #space {
                type Point = #point;
                fn len(&self) -> usize {
                    ::core::unreachable!()
                }
                fn get(&self, _: usize) -> ::core::option::Option<#point> {
                    ::core::unreachable!()
                }
            }
            impl<'s> ::core::iter::IntoIterator for &'s #space {
                type Item = #point;
                type IntoIter = ::dataspace::Points<'s, #space>;
                fn into_iter(self) -> Self::IntoIter {
                    ::core::unreachable!()
                }
            }
            impl<const #v: usize> ::dataspace::PackedSpace<#v> for #space {
                type Lanes<'a> = #lanes<#lt #v> where Self: 'a;
                fn load_until(&self, _: usize, _: usize, _: f64) -> Self::Lanes<'_> {
                    ::core::unreachable!()
                }
            }
            impl<#lt const #v: usize> ::dataspace::Lanes<#v> for #lanes<#lt #v> {
                type Point = #point;
                fn valid(&self) -> usize {
                    ::core::unreachable!()
                }
                fn index(&self) -> usize {
                    ::core::unreachable!()
                }
                fn lane(&self, _: usize) -> ::core::option::Option<#point> {
                    ::core::unreachable!()
                }
            }
            #output
        }
    }

    /// `Axes` and `AxesLanes<V>` for `XAxes`, so that `XDesign` has its methods.
    fn design_impls(&self) -> TokenStream {
        let (axes, space, lanes) = (&self.names.axes, &self.names.space, &self.names.lanes);
        let (v, lt, point) = (&self.names.v, &self.lt, &self.point);
        let plan = quote!(::dataspace::__private::Plan);
        quote! {
            impl ::dataspace::Axes for #axes {
                type Point = #point;
                type Space = #space;
                const FIELDS: &'static [&'static str] = &[];
                fn field_axes(&self) -> ::core::result::Result<::std::vec::Vec<::dataspace::__private::FieldAxis>, ::dataspace::DesignError> {
                    ::core::unreachable!()
                }
                fn describe(&self, _: &mut dyn ::core::ops::FnMut(&str, &str, &dyn ::core::fmt::Debug, bool)) {
                    ::core::unreachable!()
                }
                fn point(&self, _: &#plan, _: usize) -> #point {
                    ::core::unreachable!()
                }
                fn to_space(&self, _: &#plan) -> ::core::result::Result<#space, ::dataspace::DesignError> {
                    ::core::unreachable!()
                }
            }
            impl<const #v: usize> ::dataspace::AxesLanes<#v> for #axes {
                type Lanes<'a> = #lanes<#lt #v> where Self: 'a;
                fn lanes(&self, _: &#plan, _: usize, _: usize, _: f64) -> Self::Lanes<'_> {
                    ::core::unreachable!()
                }
            }
        }
    }

    /// `Record` for the point (if it is not generic) and `FromRecords` for `XSpace`.
    fn io_impls(&self) -> TokenStream {
        let (columns, space, fixed) = (&self.names.columns, &self.names.space, &self.names.fixed);
        let io = quote!(::dataspace::io);
        let point = &self.input.ident;
        let record = match self.point.to_string() == "()" {
            true => quote!(),
            false => quote! {
                impl #io::Record for #point {
                    fn header(_: &mut ::std::vec::Vec<::std::string::String>) {}
                    fn dtypes(_: &mut ::std::vec::Vec<#io::Dtype>) {}
                    fn cells(&self, _: &mut ::std::vec::Vec<#io::Value>) {}
                }
            },
        };
        quote! {
            #record
            impl #io::FromRecords for #space {
                type Columns = #columns;
                type Fixed = #fixed;
                fn columns(_: #fixed) -> #columns {
                    ::core::unreachable!()
                }
                fn push<F: #io::Fields>(_: &mut #columns, _: &mut F) -> ::core::result::Result<(), F::Error> {
                    ::core::unreachable!()
                }
                fn from_columns(_: #columns) -> ::core::result::Result<Self, ::dataspace::ShapeError> {
                    ::core::unreachable!()
                }
            }
        }
    }
}
