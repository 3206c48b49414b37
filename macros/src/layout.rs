//! The storage of a space, computed once: one [`Storage`] per scalar type
//! (all the `f32` columns in one `Columns<f32, K>`, ...), and the [`Slot`]
//! of each free field in it.

use crate::names;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Expr, Ident};

/// The columns of one scalar type: a `Columns<scalar, count>` field of the space.
pub struct Storage<'a> {
    /// The space's field holding it, `__dataspace_f32`.
    pub field: Ident,
    pub scalar: &'a Ident,
    /// Number of columns, a constant expression (array lengths may be named consts).
    pub count: TokenStream,
}

/// Where a free field's columns sit: its scalar's storage and its first
/// column there.
#[derive(Clone)]
pub struct Slot {
    /// The space's field of the storage.
    pub storage: Ident,
    /// The first column, a constant expression.
    pub offset: TokenStream,
}

/// The storages, one per scalar in order of first use, and the slot of each
/// free field, given as `(scalar, array_len)` in field order.
pub fn layout<'a>(free: &[(&'a Ident, Option<&'a Expr>)]) -> (Vec<Storage<'a>>, Vec<Slot>) {
    let mut storages: Vec<Storage<'a>> = Vec::new();
    let slots = free
        .iter()
        .map(|&(scalar, array_len)| {
            let at = match storages.iter().position(|s| s.scalar == scalar) {
                Some(at) => at,
                None => {
                    storages.push(Storage {
                        field: names::storage_field(scalar),
                        scalar,
                        count: quote!(0usize),
                    });
                    storages.len() - 1
                }
            };
            let storage = &mut storages[at];
            let offset = storage.count.clone();
            let width = match array_len {
                Some(len) => quote!((#len)),
                None => quote!(1usize),
            };
            storage.count = quote!(#offset + #width);
            Slot {
                storage: storage.field.clone(),
                offset,
            }
        })
        .collect();
    (storages, slots)
}
