//! `XFixed`, `Record` for the point (CSV/NPY columns) and `XSpace::read_csv`.

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
    let mut cells = Vec::new();
    let mut field_names = Vec::new();
    let mut buffers = Vec::new();
    let mut parse = Vec::new();
    let mut free_idents = Vec::new();
    let mut f = 0usize;
    for field in &input.fields {
        let (ident, ty) = (field.ident, field.ty);
        let name = field.name();
        match &field.kind {
            Kind::Fixed => {
                let doc = format!("`{name}`: one value shared by every point.");
                fixed_fields.push(quote!(#[doc = #doc] pub #ident: #ty));
                fixed_idents.push(ident);
            }
            Kind::Free(column) => {
                let scalar = column.as_ref().expect("validated").scalar;
                header.push(quote!(<#ty as #io::Cells>::names(#name, &mut out);));
                cells.push(quote!(#io::Cells::cells(&self.#ident, out);));
                field_names.push(quote!((#name, {
                    let mut names = #private::Vec::new();
                    <#ty as #io::Cells>::names(#name, &mut names);
                    names
                })));
                buffers.push(quote!(let mut #ident: #private::Vec<#ty> = #private::Vec::new();));
                parse.push(quote! {
                    let width = <#ty as #io::Cells>::width();
                    #ident.push(#io::parse_cells::<#ty>(
                        &cells[at..at + width],
                        line,
                        &fields[#f].1,
                        <#scalar as ::dataspace::Scalar>::NAME,
                    )?);
                    at += width;
                });
                free_idents.push(ident);
                f += 1;
            }
        }
    }
    let fixed_doc = format!(
        "The fixed fields of [`{point}`], given in code when reading a [`{space}`] from a file."
    );
    let read_doc = format!(
        "Reads a CSV whose header names the free fields of [`{point}`] (an array field \
         `x: [f32; 2]` is the columns `x[0]`, `x[1]`), in any order, one point per line; \
         the fixed fields come from `fixed`.\n\n# Errors\n\nAn [`IoError`](::dataspace::io::IoError) \
         naming the line and column: a missing or unknown column, a value that does not \
         parse, a line with too few or too many cells. No partial space is returned."
    );
    quote! {
        #[doc = #fixed_doc]
        #vis struct #fixed { #(#fixed_fields,)* }

        #[automatically_derived]
        impl #io::Record for #point {
            fn header() -> #private::Vec<::std::string::String> {
                let mut out = #private::Vec::new();
                #(#header)*
                out
            }

            fn cells(&self, out: &mut #private::Vec<#io::Value>) {
                #(#cells)*
            }
        }

        #[automatically_derived]
        impl #space {
            #[doc = #read_doc]
            pub fn read_csv<R: ::std::io::Read>(reader: R, fixed: #fixed) -> #private::Result<Self, #io::IoError> {
                let fields = [#(#field_names),*];
                #(#buffers)*
                #io::read_csv_rows(reader, &fields, |line, cells| {
                    let mut at = 0usize;
                    #(#parse)*
                    let _ = at;
                    #private::Ok(())
                })?;
                let #fixed { #(#fixed_idents),* } = fixed;
                #private::Ok(
                    #space::new(#columns { #(#free_idents,)* #(#fixed_idents,)* })
                        .expect("every column has one value per line"),
                )
            }
        }
    }
}
