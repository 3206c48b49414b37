//! The checked model of the input, built only once validation has passed:
//! every free field has a scalar, a free-field number and a slot in the
//! storage, so the generators need no `Option` and no "validated" `expect`.

use crate::ast::{self, Input, Kind};
use crate::layout::{self, Slot, Storage};
use crate::names::Names;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Ident, Type, Visibility};

pub struct Model<'a> {
    pub vis: &'a Visibility,
    pub names: Names,
    pub fields: Vec<Field<'a>>,
    /// The space's storage, one per scalar type in order of first use.
    pub storages: Vec<Storage<'a>>,
    /// The index of the first free or flattened field in `fields`: the one
    /// whose length the others must match.
    pub first: usize,
    /// Whether a field is flattened.
    pub has_flatten: bool,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    /// The name as the user reads it (`type` for `r#type`).
    pub name: String,
    pub kind: FieldKind<'a>,
}

pub enum FieldKind<'a> {
    /// `#[space(fixed)]`: one value shared by every point.
    Fixed,
    /// A column per point (K columns for an array).
    Free(Free<'a>),
    /// `#[space(flatten)]`: the free fields of another derived struct.
    Flatten(Flat),
}

/// A flattened field: its leaves (the inner struct's free fields, to any
/// depth) follow the leaves before it.
pub struct Flat {
    /// The number of its first leaf, a constant expression.
    pub leaf: TokenStream,
}

pub struct Free<'a> {
    /// One of [`ast::SCALARS`].
    pub scalar: &'a Ident,
    /// `Some(K)` for an array `[scalar; K]`.
    pub array_len: Option<&'a Expr>,
    /// The leaf number `f`: this field's place among the leaves (the free
    /// fields, those of flattened structs included), the index a design's
    /// `Plan` takes. A constant expression, since a flattened struct before
    /// it counts as its number of leaves.
    pub leaf: TokenStream,
    /// Where its columns sit in the storage.
    pub slot: Slot,
}

impl<'a> Model<'a> {
    /// The model of a validated input; `None` if a free field has no column
    /// type or there is no free field (both reported by validation).
    pub fn from_ast(input: &Input<'a>) -> Option<Self> {
        let columns: Vec<&ast::Column<'a>> = input
            .fields
            .iter()
            .filter_map(|field| match &field.kind {
                Kind::Free(column) => Some(column.as_ref()),
                Kind::Fixed | Kind::Flatten => None,
            })
            .collect::<Option<_>>()?;
        let free: Vec<_> = columns.iter().map(|c| (c.scalar, c.array_len)).collect();
        let (storages, slots) = layout::layout(&free);
        let mut slots = slots.into_iter().zip(columns);
        // The leaf count so far: plain free fields, then the leaves of the
        // flattened fields, which only the compiler knows.
        let (mut plain, mut nested) = (0usize, Vec::<TokenStream>::new());
        let fields: Vec<Field<'a>> = input
            .fields
            .iter()
            .map(|field| {
                let leaf = quote!(#plain #(+ #nested)*);
                let kind = match field.kind {
                    Kind::Fixed => FieldKind::Fixed,
                    Kind::Free(_) => {
                        let (slot, column) = slots.next()?;
                        plain += 1;
                        FieldKind::Free(Free {
                            scalar: column.scalar,
                            array_len: column.array_len,
                            leaf,
                            slot,
                        })
                    }
                    Kind::Flatten => {
                        let ty = field.ty;
                        nested.push(quote!(<#ty as ::dataspace::__private::Flatten>::FIELDS.len()));
                        FieldKind::Flatten(Flat { leaf })
                    }
                };
                Some(Field {
                    ident: field.ident,
                    ty: field.ty,
                    name: field.name(),
                    kind,
                })
            })
            .collect::<Option<_>>()?;
        let first = fields
            .iter()
            .position(|field| !matches!(field.kind, FieldKind::Fixed))?;
        Some(Model {
            vis: input.vis,
            names: Names::new(input.ident, input.fields.iter().map(|f| f.ty)),
            first,
            has_flatten: !nested.is_empty(),
            fields,
            storages,
        })
    }

    /// The free fields, in declaration order.
    pub fn free(&self) -> impl Iterator<Item = (&Field<'a>, &Free<'a>)> + Clone {
        self.fields.iter().filter_map(|field| match &field.kind {
            FieldKind::Free(free) => Some((field, free)),
            _ => None,
        })
    }

    /// The fields that vary per point, free or flattened, in declaration order.
    pub fn per_point(&self) -> impl Iterator<Item = &Field<'a>> + Clone {
        self.fields
            .iter()
            .filter(|field| !matches!(field.kind, FieldKind::Fixed))
    }

    /// The flattened fields, in declaration order.
    pub fn flattened(&self) -> impl Iterator<Item = (&Field<'a>, &Flat)> + Clone {
        self.fields.iter().filter_map(|field| match &field.kind {
            FieldKind::Flatten(flat) => Some((field, flat)),
            _ => None,
        })
    }

    /// The first free or flattened field, which sets N.
    pub fn first(&self) -> &Field<'a> {
        &self.fields[self.first]
    }

    /// The fixed fields, in declaration order.
    pub fn fixed(&self) -> impl Iterator<Item = &Field<'a>> + Clone {
        self.fields
            .iter()
            .filter(|field| matches!(field.kind, FieldKind::Fixed))
    }

    pub fn has_fixed(&self) -> bool {
        self.fixed().next().is_some()
    }
}
