//! Every check the input must pass, recorded together so that one compile
//! reports all of a struct's problems.

use crate::ast::{Input, Kind, SCALARS, is_column_type, scalars_text};
use crate::errors::Errors;
use crate::names::RESERVED_PREFIX;
use syn::Type;

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
        if let Kind::Flatten = field.kind {
            check_flatten_type(field.ty, errors);
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
                 across points ({} or an array of them, or a `#[space(flatten)]` struct) to \
                 set its number of points; remove `#[space(fixed)]` from one field",
                input.ident,
                SCALARS.join(", "),
            ),
        );
    }
}

/// A `#[space(flatten)]` field's type must name a struct: the derive cannot
/// see whether it derives `DataSpace` (the trait bound says so), but it can
/// reject what is no struct at all, with the fix.
fn check_flatten_type(ty: &Type, errors: &mut Errors) {
    let what = match ty {
        Type::Group(group) => return check_flatten_type(&group.elem, errors),
        Type::Paren(paren) => return check_flatten_type(&paren.elem, errors),
        Type::Path(path) if path.qself.is_none() => {
            if is_column_type(ty) {
                errors.at(
                    ty,
                    "a scalar is a column already: remove `#[space(flatten)]`, which is for a \
                     struct that derives `DataSpace`",
                );
            }
            return;
        }
        Type::Array(_) => {
            "an array: remove `#[space(flatten)]` (an array of scalars, `[f32; 2]`, is a free \
             field of its own, the columns `x[0]`, `x[1]`), or make the elements fields of a \
             struct that derives `DataSpace` and flatten that"
        }
        Type::Tuple(_) => {
            "a tuple: name its values as the fields of a struct that derives `DataSpace`, and \
             flatten that struct"
        }
        Type::Reference(_) => {
            "a reference: flatten the struct by value (`inner: Inner`); a space owns its columns"
        }
        _ => {
            "this type: flatten a struct that derives `DataSpace`, written by name (`inner: Inner`)"
        }
    };
    errors.at(
        ty,
        format_args!("`#[space(flatten)]` takes a struct that derives `DataSpace`, not {what}"),
    );
}
