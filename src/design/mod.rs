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
            let f = fields
                .iter()
                .position(|field| field == name)
                .ok_or_else(|| DesignError::UnknownField {
                    field: (*name).to_owned(),
                })?;
            if std::mem::replace(&mut seen[f], true) {
                return Err(DesignError::DuplicateField { field: fields[f] });
            }
            indices.push(f);
        }
        resolved.push(indices);
    }
    if let Some(f) = seen.iter().position(|&seen| !seen) {
        return Err(DesignError::MissingField { field: fields[f] });
    }
    Ok(resolved)
}
