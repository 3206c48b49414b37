//! Tables: rows of named, typed columns (a space, or a column of results),
//! written side by side by every format, and the checks they pass first.

use super::record::{Cells, Record};
use crate::error::IoError;
use crate::simd::{Dtype, Value};
use crate::space::Space;

/// Rows of named, typed columns: a space (its points' free fields) or a
/// named column of results. Several tables are written side by side.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::{Dtype, Table, Value};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32, k: i32 }
///
/// let space = PSpace::new(PColumns { x: vec![0.5, 1.5], k: vec![1, 2] })?;
/// assert_eq!(Table::header(&space), ["x", "k"]);
/// assert_eq!(Table::dtypes(&space), [Dtype::F32, Dtype::I32]);
/// assert_eq!(space.rows(), 2);
/// let mut row = Vec::new();
/// space.row(1, &mut row);
/// assert_eq!(row, [Value::F32(1.5), Value::I32(2)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Table {
    /// Column names.
    fn header(&self) -> Vec<String>;
    /// The type of each column, in header order.
    fn dtypes(&self) -> Vec<Dtype>;
    /// Number of rows.
    fn rows(&self) -> usize;
    /// Appends the cells of row `i` (`i < rows()`), one per column, each of
    /// its column's type.
    fn row(&self, i: usize, out: &mut Vec<Value>);
}

impl<S: Space> Table for S
where
    S::Point: Record,
{
    fn header(&self) -> Vec<String> {
        let mut names = Vec::new();
        S::Point::header(&mut names);
        names
    }
    fn dtypes(&self) -> Vec<Dtype> {
        let mut dtypes = Vec::new();
        S::Point::dtypes(&mut dtypes);
        dtypes
    }
    fn rows(&self) -> usize {
        self.len()
    }
    fn row(&self, i: usize, out: &mut Vec<Value>) {
        if let Some(point) = self.get(i) {
            point.cells(out);
        }
    }
}

/// A named column of results (a run's `Vec<f32>`, or `Vec<[f32; K]>`).
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::{write_csv, Column};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: vec![1.0, 2.0] })?;
/// let squares: Vec<f32> = Executor::sequential().run(&space, |p: PLanes<'_, 4>| p.x * p.x)?;
/// let bounds = vec![[0.0f32, 1.0], [0.5, 4.0]];
/// let mut out = Vec::new();
/// write_csv(&mut out, &[&space, &Column::new("sq", &squares), &Column::new("b", &bounds)])?;
/// assert_eq!(String::from_utf8(out)?, "x,sq,b[0],b[1]\n1.0,1.0,0.0,1.0\n2.0,4.0,0.5,4.0\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Column<'a, T> {
    name: &'a str,
    values: &'a [T],
}

impl<'a, T: Cells> Column<'a, T> {
    /// The column `name` holding `values` (arrays become `name[k]`).
    #[must_use]
    pub fn new(name: &'a str, values: &'a [T]) -> Self {
        Column { name, values }
    }
}

impl<T: Cells> Table for Column<'_, T> {
    fn header(&self) -> Vec<String> {
        let mut names = Vec::new();
        T::names(self.name, &mut names);
        names
    }
    fn dtypes(&self) -> Vec<Dtype> {
        let mut dtypes = Vec::new();
        T::dtypes(&mut dtypes);
        dtypes
    }
    fn rows(&self) -> usize {
        self.values.len()
    }
    fn row(&self, i: usize, out: &mut Vec<Value>) {
        if let Some(value) = self.values.get(i) {
            value.cells(out);
        }
    }
}

/// Checks that `names` can be written side by side: each non-empty, a valid
/// file name and one header cell on one line, and no two alike.
/// The longest column name, in bytes: with `.npy` and the temporary file's
/// prefix and suffix it stays within the 255 bytes a file name may have on
/// common file systems.
const MAX_NAME_BYTES: usize = 200;

pub(crate) fn check_names(names: &[String]) -> Result<(), IoError> {
    let invalid = |column: &String, reason| IoError::InvalidColumnName {
        column: column.clone(),
        reason,
    };
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    for name in names {
        if name.is_empty() {
            return Err(invalid(name, "is empty"));
        }
        if name.chars().any(char::is_control) {
            return Err(invalid(
                name,
                "holds a control character (a line break would split the CSV record)",
            ));
        }
        if name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(invalid(
                name,
                "is not a file name (it would write outside the .npy directory)",
            ));
        }
        if name.len() > MAX_NAME_BYTES {
            return Err(invalid(
                name,
                "is longer than 200 bytes: as a file name (`<name>.npy`, and while written `.<name>.npy.<pid>-<n>.tmp`) it would pass the 255-byte limit of common file systems",
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err(IoError::DuplicateColumn {
                column: name.clone(),
            });
        }
    }
    Ok(())
}

pub(crate) fn check_rows(tables: &[&dyn Table]) -> Result<usize, IoError> {
    let rows = tables.first().map_or(0, |t| t.rows());
    for table in tables {
        if table.rows() != rows {
            let column = table.header().into_iter().next().unwrap_or_default();
            return Err(IoError::Rows {
                column,
                found: table.rows(),
                expected: rows,
            });
        }
    }
    Ok(rows)
}
