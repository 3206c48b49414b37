//! A typed view of the derive input, borrowing from `syn` so that every later
//! error can point at the user's tokens.

use crate::errors::Errors;
use syn::ext::IdentExt;
use syn::{Attribute, Data, DeriveInput, Expr, Fields, Generics, Ident, Type, Visibility};

/// The scalars a free field may hold; `dataspace` maps each to its SIMD packs.
pub const SCALARS: [&str; 5] = ["f32", "f64", "i32", "u32", "i64"];

/// The supported scalars as prose, for error messages: "f32, f64, i32, u32 or i64".
pub fn scalars_text() -> String {
    match SCALARS.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => SCALARS.join(""),
    }
}

pub struct Input<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub generics: &'a Generics,
    pub attrs: &'a [Attribute],
    pub fields: Vec<Field<'a>>,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub kind: Kind<'a>,
}

pub enum Kind<'a> {
    /// `#[space(fixed)]`: one value shared by every point.
    Fixed,
    /// `#[space(flatten)]`: another `DataSpace` struct whose free fields are
    /// columns of this one, named `field.inner`.
    Flatten,
    /// A column per point; `None` if the type is not one a column can hold
    /// (validation reports it).
    Free(Option<Column<'a>>),
}

/// What a free field stores per point.
pub struct Column<'a> {
    /// The scalar type, one of [`SCALARS`].
    pub scalar: &'a Ident,
    /// `Some(K)` for an array `[scalar; K]`: K columns.
    pub array_len: Option<&'a Expr>,
}

impl<'a> Input<'a> {
    /// Reads a struct with named fields; anything else is recorded as an error
    /// and gives `None`.
    pub fn from_syn(input: &'a DeriveInput, errors: &mut Errors) -> Option<Self> {
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => &named.named,
                Fields::Unnamed(unnamed) => {
                    errors.at(
                        unnamed,
                        "`DataSpace` needs named fields, one per parameter: \
                         give each field of this tuple struct a name",
                    );
                    return None;
                }
                Fields::Unit => {
                    errors.at(
                        &input.ident,
                        "`DataSpace` needs a struct with named fields, one per parameter: \
                         a unit struct has no parameters to sweep",
                    );
                    return None;
                }
            },
            Data::Enum(data) => {
                errors.at_span(
                    data.enum_token.span,
                    "`DataSpace` can only be derived for a struct with named fields, not an enum: \
                     to sweep over variants, use an integer field that selects one",
                );
                return None;
            }
            Data::Union(data) => {
                errors.at_span(
                    data.union_token.span,
                    "`DataSpace` can only be derived for a struct with named fields, not a union",
                );
                return None;
            }
        };
        let fields = fields
            .iter()
            .map(|field| {
                let ident = field.ident.as_ref().expect("named fields have names");
                let attrs = FieldAttrs::read(&field.attrs, errors);
                let kind = match attrs {
                    FieldAttrs { fixed: true, .. } => Kind::Fixed,
                    FieldAttrs { flatten: true, .. } => Kind::Flatten,
                    _ => Kind::Free(Column::from_type(&field.ty)),
                };
                Field {
                    ident,
                    ty: &field.ty,
                    kind,
                }
            })
            .collect();
        Some(Input {
            ident: &input.ident,
            vis: &input.vis,
            generics: &input.generics,
            attrs: &input.attrs,
            fields,
        })
    }
}

impl Field<'_> {
    /// The field's name as the user reads it (`type` for `r#type`).
    pub fn name(&self) -> String {
        self.ident.unraw().to_string()
    }
}

impl<'a> Column<'a> {
    fn from_type(ty: &'a Type) -> Option<Self> {
        match ty {
            Type::Group(group) => Column::from_type(&group.elem),
            Type::Paren(paren) => Column::from_type(&paren.elem),
            Type::Array(array) => scalar_ident(&array.elem).map(|scalar| Column {
                scalar,
                array_len: Some(&array.len),
            }),
            _ => scalar_ident(ty).map(|scalar| Column {
                scalar,
                array_len: None,
            }),
        }
    }
}

/// Whether `ty` may name a struct: a path that is not a column scalar (what
/// `#[space(flatten)]` accepts; the trait bound checks the rest).
pub fn is_struct_path(ty: &Type) -> bool {
    match ty {
        Type::Group(group) => is_struct_path(&group.elem),
        Type::Paren(paren) => is_struct_path(&paren.elem),
        Type::Path(path) => path.qself.is_none() && !is_column_type(ty),
        _ => false,
    }
}

/// Whether a column can hold `ty`: a column scalar or an array of one.
pub fn is_column_type(ty: &Type) -> bool {
    Column::from_type(ty).is_some()
}

fn scalar_ident(ty: &Type) -> Option<&Ident> {
    match ty {
        Type::Group(group) => scalar_ident(&group.elem),
        Type::Paren(paren) => scalar_ident(&paren.elem),
        Type::Path(path) if path.qself.is_none() => {
            let ident = path.path.get_ident()?;
            SCALARS.iter().any(|s| ident == s).then_some(ident)
        }
        _ => None,
    }
}

/// What a field's `space` attributes say.
#[derive(Default)]
struct FieldAttrs {
    fixed: bool,
    flatten: bool,
}

impl FieldAttrs {
    /// Reads `#[space(fixed)]` and `#[space(flatten)]`; records malformed
    /// `space` attributes, and `fixed` with `flatten`.
    fn read(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut read = FieldAttrs::default();
        for attr in attrs.iter().filter(|attr| attr.path().is_ident("space")) {
            let parsed = attr.parse_nested_meta(|meta| {
                let (flag, other, name) = if meta.path.is_ident("fixed") {
                    (&mut read.fixed, read.flatten, "fixed")
                } else if meta.path.is_ident("flatten") {
                    (&mut read.flatten, read.fixed, "flatten")
                } else {
                    return Err(meta.error(format_args!(
                        "unknown `space` argument `{}`: a field takes `fixed`, as in \
                         `#[space(fixed)]`, for a value shared by every point, or `flatten`, \
                         as in `#[space(flatten)]`, for a struct deriving `DataSpace` whose \
                         free fields become columns of this one",
                        meta.path
                            .get_ident()
                            .map_or_else(|| "?".to_owned(), |i| i.to_string()),
                    )));
                };
                if *flag {
                    errors.at(
                        &meta.path,
                        format_args!("duplicate `{name}`: write `#[space({name})]` once"),
                    );
                }
                *flag = true;
                if other {
                    errors.at(
                        &meta.path,
                        "`fixed` and `flatten` exclude each other: `#[space(fixed)]` shares one value of \
                         the whole struct across all points, `#[space(flatten)]` makes each of its \
                         fields a column of its own; keep the one you mean",
                    );
                }
                if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                    // `flatten(..)` or `flatten = ..`: read it whole, to
                    // report it once and go on with the other arguments.
                    let mut arguments = proc_macro2::TokenStream::new();
                    while !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
                        arguments.extend([meta.input.parse::<proc_macro2::TokenTree>()?]);
                    }
                    errors.at(
                        &arguments,
                        format_args!(
                            "`{name}` takes no arguments: write `#[space({name})]`{}",
                            if name == "flatten" {
                                "; the inner columns are named after the field \
                                 (`field.inner`), which cannot be changed"
                            } else {
                                ""
                            }
                        ),
                    );
                }
                Ok(())
            });
            if let Err(error) = parsed {
                errors.push(error);
            }
        }
        read
    }
}
