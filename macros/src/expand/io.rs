//! `XFixed`, `Record` for the point (CSV/NPY columns) and `FromRecords` for
//! `XSpace` (what readers build it with).

use super::Names;
use crate::ast::{Input, Kind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

pub fn expand(input: &Input, names: &Names) -> TokenStream {
    let Names {
        point,
        columns,
        space,
        ..
    } = names;
    let fixed = format_ident!("{}Fixed", point);
    let vis = input.vis;
    let private = quote!(::dataspace::__private);
    let io = quote!(::dataspace::io);

    let mut fixed_fields = Vec::new();
    let mut fixed_idents = Vec::new();
    let mut header = Vec::new();
    let mut dtypes = Vec::new();
    let mut cells = Vec::new();
    let mut empty_columns = Vec::new();
    let mut push = Vec::new();
    for field in &input.fields {
        let (ident, ty) = (field.ident, field.ty);
        let name = field.name();
        match &field.kind {
            Kind::Fixed => {
                let doc = format!("`{name}`: one value shared by every point.");
                fixed_fields.push(quote!(#[doc = #doc] pub #ident: #ty));
                fixed_idents.push(ident);
            }
            Kind::Free(_) => {
                header.push(quote!(<#ty as #io::Cells>::names(#name, __dataspace_out);));
                dtypes.push(quote!(<#ty as #io::Cells>::dtypes(__dataspace_out);));
                cells.push(quote!(#io::Cells::cells(&self.#ident, __dataspace_out);));
                empty_columns.push(quote!(#ident: #private::Vec::new()));
                push.push(quote!(columns.#ident.push(#io::Fields::next::<#ty>(fields)?);));
            }
        }
    }
    let fixed_doc = format!(
        "The fixed fields of [`{point}`], given in code when reading a [`{space}`] from a file."
    );
    quote! {
        #[doc = #fixed_doc]
        #vis struct #fixed { #(#fixed_fields,)* }

        #[automatically_derived]
        impl #io::Record for #point {
            fn header(__dataspace_out: &mut #private::Vec<::std::string::String>) {
                #(#header)*
            }

            fn dtypes(__dataspace_out: &mut #private::Vec<#io::Dtype>) {
                #(#dtypes)*
            }

            fn cells(&self, __dataspace_out: &mut #private::Vec<#io::Value>) {
                #(#cells)*
            }
        }

        #[automatically_derived]
        impl #io::FromRecords for #space {
            type Columns = #columns;
            type Fixed = #fixed;

            fn columns(fixed: #fixed) -> #columns {
                #columns {
                    #(#empty_columns,)*
                    #(#fixed_idents: fixed.#fixed_idents,)*
                }
            }

            fn push<__DataspaceFields: #io::Fields>(columns: &mut #columns, fields: &mut __DataspaceFields) -> #private::Result<(), __DataspaceFields::Error> {
                #(#push)*
                #private::Ok(())
            }

            fn from_columns(columns: #columns) -> #private::Result<Self, ::dataspace::ShapeError> {
                #space::new(columns)
            }
        }
    }
}
