//! `XFixed`, `Record` for the point (CSV/NPY columns) and `FromRecords` for
//! `XSpace` (what every reader builds it with).

use super::private;
use crate::model::{FieldKind, Model};
use crate::names;
use proc_macro2::TokenStream;
use quote::quote;

pub fn expand(model: &Model) -> TokenStream {
    let mut tokens = fixed_struct(model);
    tokens.extend(record_impl(model));
    tokens.extend(from_records_impl(model));
    tokens
}

fn fixed_struct(model: &Model) -> TokenStream {
    let (vis, names) = (model.vis, &model.names);
    let (point, space, fixed) = (&names.point, &names.space, &names.fixed);
    let fields = model.fixed().map(|field| {
        let (ident, ty) = (field.ident, field.ty);
        let doc = format!("`{}`: one value shared by every point.", field.name);
        quote!(#[doc = #doc] pub #ident: #ty)
    });
    let doc = format!(
        "The fixed fields of [`{point}`], given in code when reading a [`{space}`] from a file."
    );
    quote! {
        #[doc = #doc]
        #vis struct #fixed { #(#fields,)* }
    }
}

fn record_impl(model: &Model) -> TokenStream {
    let (point, private, out) = (&model.names.point, private(), names::hidden("out"));
    let io = quote!(::dataspace::io);
    let bounds = super::flat_where(model);
    let header = model.per_point().map(|field| {
        let (ty, name) = (field.ty, &field.name);
        match field.kind {
            FieldKind::Flatten(_) => quote!(#private::flatten_header::<#ty>(#name, #out);),
            _ => quote!(<#ty as #io::Cells>::names(#name, #out);),
        }
    });
    let dtypes = model.per_point().map(|field| {
        let ty = field.ty;
        match field.kind {
            FieldKind::Flatten(_) => quote!(<#ty as #io::Record>::dtypes(#out);),
            _ => quote!(<#ty as #io::Cells>::dtypes(#out);),
        }
    });
    let cells = model.per_point().map(|field| {
        let ident = field.ident;
        match field.kind {
            FieldKind::Flatten(_) => quote!(#io::Record::cells(&self.#ident, #out);),
            _ => quote!(#io::Cells::cells(&self.#ident, #out);),
        }
    });
    quote! {
        #[automatically_derived]
        impl #io::Record for #point #bounds {
            fn header(#out: &mut #private::Vec<::std::string::String>) {
                #(#header)*
            }

            fn dtypes(#out: &mut #private::Vec<#io::Dtype>) {
                #(#dtypes)*
            }

            fn cells(&self, #out: &mut #private::Vec<#io::Value>) {
                #(#cells)*
            }
        }
    }
}

fn from_records_impl(model: &Model) -> TokenStream {
    let names = &model.names;
    let (space, columns, fixed) = (&names.space, &names.columns, &names.fixed);
    let (private, fields_param) = (private(), names::fields_param());
    let io = quote!(::dataspace::io);
    let empty = model.per_point().map(|field| {
        let ident = field.ident;
        match field.kind {
            FieldKind::Flatten(_) => {
                let flat = super::flat(field);
                quote!(#ident: #flat::with_capacity(0))
            }
            _ => quote!(#ident: #private::Vec::new()),
        }
    });
    let fixed_fields = model.fixed().map(|field| field.ident);
    let bounds = super::flat_where(model);
    let push = model.per_point().map(|field| {
        let (ident, ty) = (field.ident, field.ty);
        match field.kind {
            FieldKind::Flatten(_) => {
                let flat = super::flat(field);
                quote!(<#flat::Space as #io::FromRecords>::push(&mut columns.#ident, fields)?;)
            }
            _ => quote!(columns.#ident.push(#io::Fields::next::<#ty>(fields)?);),
        }
    });
    quote! {
        #[automatically_derived]
        impl #io::FromRecords for #space #bounds {
            type Columns = #columns;
            type Fixed = #fixed;

            fn columns(fixed: #fixed) -> #columns {
                #columns { #(#empty,)* #(#fixed_fields: fixed.#fixed_fields,)* }
            }

            fn push<#fields_param: #io::Fields>(
                columns: &mut #columns,
                fields: &mut #fields_param,
            ) -> #private::Result<(), #fields_param::Error> {
                #(#push)*
                #private::Ok(())
            }

            fn from_columns(columns: #columns) -> #private::Result<Self, ::dataspace::ShapeError> {
                #space::new(columns)
            }
        }
    }
}
