//! A space's summary for people: its name and number of points, each column
//! with its type, its smallest and largest value and how many are NaN, and
//! the fixed fields. What the derive's `Display` for `XSpace` writes.

use super::table::Table;
use crate::simd::Value;
use core::cmp::Ordering;
use core::fmt;

/// One fixed field as the summary shows it: name, type, value.
pub type FixedEntry<'a> = (&'a str, &'a str, &'a dyn fmt::Debug);

/// Writes the summary of `table` (a space, read row by row once) under
/// `name`, then the `fixed` fields.
///
/// ```text
/// MprSpace: 3 points
///   eta    f32  -6 to -3
///   r0[1]  f32  -2 to -1  (1 NaN)
///   dt     f32  fixed 0.01
/// ```
pub fn write_space_summary(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    table: &dyn Table,
    fixed: &[FixedEntry<'_>],
) -> fmt::Result {
    let (header, dtypes, rows) = (table.header(), table.dtypes(), table.rows());
    let columns = header.len();
    let mut ranges: Vec<Option<(Value, Value)>> = vec![None; columns];
    let mut nans = vec![0usize; columns];
    let mut row = Vec::with_capacity(columns);
    for i in 0..rows {
        row.clear();
        table.row(i, &mut row);
        for ((&value, range), nan) in row.iter().zip(&mut ranges).zip(&mut nans) {
            if value.is_nan() {
                *nan += 1;
                continue;
            }
            *range = Some(match *range {
                None => (value, value),
                Some((low, high)) => (
                    if value.partial_cmp_same(low) == Some(Ordering::Less) {
                        value
                    } else {
                        low
                    },
                    if value.partial_cmp_same(high) == Some(Ordering::Greater) {
                        value
                    } else {
                        high
                    },
                ),
            });
        }
    }
    let points = if rows == 1 { "point" } else { "points" };
    write!(f, "{name}: {rows} {points}")?;
    // Padding counts characters, as `{:<width$}` does (a field named `η`).
    let chars = |text: &str| text.chars().count();
    let width = header
        .iter()
        .map(|name| chars(name))
        .chain(fixed.iter().map(|(name, _, _)| chars(name)))
        .max()
        .unwrap_or(0);
    let type_width = dtypes
        .iter()
        .map(|dtype| chars(dtype.name()))
        .chain(fixed.iter().map(|(_, ty, _)| chars(ty)))
        .max()
        .unwrap_or(0);
    for (((column, dtype), range), nan) in header.iter().zip(&dtypes).zip(&ranges).zip(&nans) {
        write!(f, "\n  {column:<width$}  {:<type_width$}  ", dtype.name())?;
        match range {
            Some((low, high)) => write!(f, "{low} to {high}")?,
            None if *nan > 0 => write!(f, "all NaN")?,
            None => write!(f, "no values")?,
        }
        if *nan > 0 && range.is_some() {
            write!(f, "  ({nan} NaN)")?;
        }
    }
    for (field, ty, value) in fixed {
        let value = crate::design::short_debug(*value);
        write!(f, "\n  {field:<width$}  {ty:<type_width$}  fixed {value}")?;
    }
    Ok(())
}
