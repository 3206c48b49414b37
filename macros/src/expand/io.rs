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
    let mut dtypes = Vec::new();
    let mut cells = Vec::new();
    let mut field_names = Vec::new();
    let mut empty_columns = Vec::new();
    let mut parse = Vec::new();
    let mut f = 0usize;
    // Generated code binds no local named after a field (fields are reached
    // through `__dataspace_columns.field`), so no field name can shadow a
    // local, a parameter or a helper.
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
                header.push(quote!(<#ty as #io::Cells>::names(#name, __dataspace_out);));
                dtypes.push(quote!(<#ty as #io::Cells>::dtypes(__dataspace_out);));
                cells.push(quote!(#io::Cells::cells(&self.#ident, __dataspace_out);));
                field_names.push(quote!((#name, {
                    let mut __dataspace_names = #private::Vec::new();
                    <#ty as #io::Cells>::names(#name, &mut __dataspace_names);
                    __dataspace_names
                })));
                empty_columns.push(quote!(#ident: #private::Vec::new()));
                parse.push(quote! {
                    let __dataspace_width = <#ty as #io::Cells>::width();
                    __dataspace_columns.#ident.push(#private::parse_cells::<#ty>(
                        &__dataspace_cells[__dataspace_at..__dataspace_at + __dataspace_width],
                        __dataspace_line,
                        &__dataspace_fields[#f].1,
                        <#scalar as ::dataspace::Scalar>::NAME,
                    )?);
                    __dataspace_at += __dataspace_width;
                });
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
        impl #space {
            #[doc = #read_doc]
            pub fn read_csv<R: ::std::io::Read>(reader: R, fixed: #fixed) -> #private::Result<Self, #io::IoError> {
                let __dataspace_fields = [#(#field_names),*];
                let mut __dataspace_columns = #columns {
                    #(#empty_columns,)*
                    #(#fixed_idents: fixed.#fixed_idents,)*
                };
                #private::read_csv_rows(reader, &__dataspace_fields, |__dataspace_line, __dataspace_cells| {
                    let mut __dataspace_at = 0usize;
                    #(#parse)*
                    let _ = __dataspace_at;
                    #private::Ok(())
                })?;
                // Every column got one value per record, or the read failed.
                #private::Ok(
                    #space::new(__dataspace_columns).expect("every column has one value per record"),
                )
            }
        }
    }
}
