//! Collects errors so that one compile reports every problem of a struct.

use quote::ToTokens;
use std::fmt::Display;

#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    /// Records an error spanning `tokens`.
    pub fn at(&mut self, tokens: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error at `span`.
    pub fn at_span(&mut self, span: proc_macro2::Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(first) => first.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// `value` if no error was recorded; else `Err` with every recorded
    /// error. A `None` value without an error is a bug of the derive,
    /// reported as one rather than a panic.
    pub fn finish<T>(self, value: Option<T>) -> syn::Result<T> {
        match (self.0, value) {
            (None, Some(value)) => Ok(value),
            (Some(errors), _) => Err(errors),
            (None, None) => Err(syn::Error::new(
                proc_macro2::Span::call_site(),
                "internal error in `#[derive(DataSpace)]`: an input that failed to read \
                 recorded no error; please report it",
            )),
        }
    }
}
