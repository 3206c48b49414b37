//! The `#[derive(DataSpace)]` macro of the [`dataspace`] crate. Use it through
//! `dataspace`, which re-exports it and documents what it generates.
//!
//! The pipeline, one module a step: `ast` reads the input into a typed view
//! that borrows from `syn` (so every error can point at the user's tokens),
//! `validate` records every problem it finds before giving up, and
//! `expand` writes the generated items.
//!
//! [`dataspace`]: https://docs.rs/dataspace

mod ast;
mod errors;
mod expand;
mod validate;

use proc_macro::TokenStream;

/// Derives a typed, columnar space of the struct's points. See `dataspace::DataSpace`.
#[proc_macro_derive(DataSpace, attributes(space))]
pub fn derive_data_space(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
