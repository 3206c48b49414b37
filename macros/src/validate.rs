//! Every check the input must pass, recorded together so that one compile
//! reports all of a struct's problems.

use crate::ast::{Input, Kind, SCALARS, scalars_text};
use crate::errors::Errors;
use crate::names::RESERVED_PREFIX;

pub fn check(input: &Input, errors: &mut Errors) {
    if input.generics.lt_token.is_some() || input.generics.where_clause.is_some() {
        errors.at(
            input.generics,
            "`DataSpace` does not support generic parameters: a space's columns need concrete \
             scalar types. Derive it on a struct with concrete types (one struct per \
             instantiation, or a macro that writes them)",
        );
    }
    for attr in input
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("space"))
    {
        errors.at(
            attr,
            "`#[space(...)]` belongs on a field: write `#[space(fixed)]` on each field shared \
             by every point",
        );
    }
    for field in &input.fields {
        if field.name().starts_with(RESERVED_PREFIX) {
            errors.at(
                field.ident,
                format_args!("field names starting with `{RESERVED_PREFIX}` are reserved for generated code: rename this field"),
            );
        }
        if let Kind::Free(None) = field.kind {
            errors.at(
                field.ty,
                format_args!(
                    "free parameter `{}` has a type a column cannot hold: use {}, or a small \
                     array of one of them (`[f32; 2]`); or mark the field `#[space(fixed)]` \
                     to share one value across all points",
                    field.name(),
                    scalars_text(),
                ),
            );
        }
    }
    if input
        .fields
        .iter()
        .all(|field| matches!(field.kind, Kind::Fixed))
    {
        errors.at(
            input.ident,
            format_args!(
                "`{}` has no free parameter: a space needs at least one field that varies \
                 across points ({} or an array of them) to set its number of points; remove \
                 `#[space(fixed)]` from one field",
                input.ident,
                SCALARS.join(", "),
            ),
        );
    }
}
