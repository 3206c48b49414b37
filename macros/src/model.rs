//! The checked model of the input, built only once validation has passed:
//! every free field has a scalar, a free-field number and a slot in the
//! storage, so the generators need no `Option` and no "validated" `expect`.

use crate::ast::{self, Input, Kind};
use crate::layout::{self, Slot, Storage};
use crate::names::Names;
use syn::{Expr, Ident, Type, Visibility};

pub struct Model<'a> {
    pub vis: &'a Visibility,
    pub names: Names,
    pub fields: Vec<Field<'a>>,
    /// The space's storage, one per scalar type in order of first use.
    pub storages: Vec<Storage<'a>>,
    /// The first free field: the one whose length the others must match.
    pub first_free: &'a Ident,
    /// Its name as the user reads it.
    pub first_free_name: String,
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
}

pub struct Free<'a> {
    /// One of [`ast::SCALARS`].
    pub scalar: &'a Ident,
    /// `Some(K)` for an array `[scalar; K]`.
    pub array_len: Option<&'a Expr>,
    /// The free-field number `f`: this field's place among the free fields,
    /// the index a design's `Plan` takes.
    pub index: usize,
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
                Kind::Fixed => None,
            })
            .collect::<Option<_>>()?;
        let free: Vec<_> = columns.iter().map(|c| (c.scalar, c.array_len)).collect();
        let (storages, slots) = layout::layout(&free);
        let mut slots = slots.into_iter().zip(columns).enumerate();
        let fields: Vec<Field<'a>> = input
            .fields
            .iter()
            .map(|field| {
                let kind = match field.kind {
                    Kind::Fixed => FieldKind::Fixed,
                    Kind::Free(_) => {
                        let (index, (slot, column)) = slots.next()?;
                        FieldKind::Free(Free {
                            scalar: column.scalar,
                            array_len: column.array_len,
                            index,
                            slot,
                        })
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
        let first_free = fields
            .iter()
            .find(|field| matches!(field.kind, FieldKind::Free(_)))?;
        Some(Model {
            vis: input.vis,
            names: Names::new(input.ident, input.fields.iter().map(|f| f.ty)),
            first_free: first_free.ident,
            first_free_name: first_free.name.clone(),
            fields,
            storages,
        })
    }

    /// The free fields, in declaration order.
    pub fn free(&self) -> impl Iterator<Item = (&Field<'a>, &Free<'a>)> + Clone {
        self.fields.iter().filter_map(|field| match &field.kind {
            FieldKind::Free(free) => Some((field, free)),
            FieldKind::Fixed => None,
        })
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
