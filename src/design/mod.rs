//! Designs: spaces without storage. Point `i` is computed from `i`, so a
//! design of 10^9 points costs the memory of its axes.
//!
//! `#[derive(DataSpace)]` generates an `XDesign` and its `XAxes` (an [`Axis`]
//! per free field, a value per fixed field) for each struct; the index
//! arithmetic they share lives in [`Plan`].

mod axis;
mod plan;
mod slice;

pub use axis::{Axis, AxisScalar};
pub use plan::{FieldAxis, Plan, Sampler};
pub use slice::Slice;

use crate::error::DesignError;

/// Resolves groups of field names into groups of field indices; every free
/// field must be in exactly one group.
pub fn resolve_groups(
    fields: &[&'static str],
    groups: &[&[&str]],
) -> Result<Vec<Vec<usize>>, DesignError> {
    let mut seen = vec![false; fields.len()];
    let mut resolved = Vec::with_capacity(groups.len());
    for group in groups {
        let mut indices = Vec::with_capacity(group.len());
        for name in *group {
            let (f, (&field, seen)) = fields
                .iter()
                .zip(seen.iter_mut())
                .enumerate()
                .find(|(_, (field, _))| *field == name)
                .ok_or_else(|| DesignError::UnknownField {
                    field: (*name).to_owned(),
                })?;
            if std::mem::replace(seen, true) {
                return Err(DesignError::DuplicateField { field });
            }
            indices.push(f);
        }
        resolved.push(indices);
    }
    if let Some((&field, _)) = fields.iter().zip(&seen).find(|(_, &seen)| !seen) {
        return Err(DesignError::MissingField { field });
    }
    Ok(resolved)
}
