//! The `#[derive(DataSpace)]` macro of the [`dataspace`] crate. Use it through
//! `dataspace`, which re-exports it and documents what it generates.
//!
//! The pipeline, one module a step:
//!
//! 1. `ast` reads the input into a typed view that borrows from `syn`, so
//!    that every error can point at the user's tokens;
//! 2. `validate` checks it, recording every problem (in `errors`) before
//!    giving up, so one compile reports all of a struct's mistakes;
//! 3. `model` builds the checked model, only once validation has passed: no
//!    `Option`s left, each free field with its scalar, its free-field number
//!    and its slot in the storage that `layout` computes once; `names` holds
//!    every identifier the generated code introduces;
//! 4. `expand` writes the generated items from the model, one small function
//!    per item or impl.
//!
//! On errors, `fallback` emits them together with stubs of every generated
//! item, so that the user's uses of `XSpace`, `XColumns`, `XDesign`, ... add
//! no errors of their own to the real ones.
//!
//! [`dataspace`]: https://docs.rs/dataspace

mod ast;
mod errors;
mod expand;
mod fallback;
mod layout;
mod model;
mod names;
mod validate;

use errors::Errors;
use model::Model;
use proc_macro::TokenStream;

/// Derives a typed, columnar space of the struct's points. Field attributes:
/// `#[space(fixed)]` (one value shared by every point) and
/// `#[space(flatten)]` (another derived struct, its free fields columns of
/// this one, named `field.inner`). See `dataspace::DataSpace`.
#[proc_macro_derive(DataSpace, attributes(space))]
pub fn derive_data_space(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    derive(&input).into()
}

fn derive(input: &syn::DeriveInput) -> proc_macro2::TokenStream {
    let mut errors = Errors::default();
    let model = ast::Input::from_syn(input, &mut errors).and_then(|ast| {
        validate::check(&ast, &mut errors);
        Model::from_ast(&ast)
    });
    match errors.finish(model) {
        Ok(model) => expand::expand(&model),
        Err(error) => fallback::expand(input, error),
    }
}
