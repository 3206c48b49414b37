//! Parameter sets and results in and out: CSV (the `csv` crate), NPY (one
//! 1-D `.npy` file per column, which numpy loads with `np.load`), NPZ, Parquet
//! (feature `parquet`: `write_parquet`, `read_parquet`, which pandas, pyarrow
//! and polars read and write), and the shard files of job arrays.
//!
//! The layer above [`space`](crate::Space): `record` is how points become
//! cells and back (the hooks the derive generates, [`Record`] and
//! [`FromRecords`], shared by every format), `table` what is written side by
//! side, then one module per format (`csv`, `npy`, `npz`, `parquet`) and `shard`. A new
//! format is a module here that reads through [`FromRecords`] and writes
//! [`Table`]s; the derive does not change.
//!
//! Columns are named after the struct's fields; an array field `r0: [f32; 2]`
//! is the columns `r0[0]` and `r0[1]`. Fixed fields are not written (they
//! are one value, given in code when reading back).
//!
//! Column names must be unique across the tables written side by side: a
//! result column named like an input column is an [`IoError::DuplicateColumn`],
//! never a silent overwrite. A name must also be usable as a file name and as
//! one CSV header cell on one line (see [`IoError::InvalidColumnName`]).
//!
//! Every error that concerns a file names it, and keeps the operating
//! system's error as its [`source`](std::error::Error::source).
//!
//! A sweep's inputs and results written side by side, and the inputs read
//! back bit for bit:
//!
//! ```
//! use dataspace::io::{read_csv, write_csv, Column};
//! use dataspace::prelude::*;
//!
//! #[derive(DataSpace, Clone, Debug, PartialEq)]
//! struct P { eta: f32, r0: [f64; 2], #[space(fixed)] dt: f32 }
//!
//! let space = PSpace::new(PColumns { eta: vec![-4.6, f32::NAN], r0: vec![[0.1, -2.0], [1e-300, 0.0]], dt: 0.01 })?;
//! let rates = [0.25f32, f32::INFINITY];
//! let mut file = Vec::new();
//! write_csv(&mut file, &[&space, &Column::new("rate", &rates)])?;
//! assert_eq!(
//!     String::from_utf8(file.clone())?,
//!     "eta,r0[0],r0[1],rate\n-4.6,0.1,-2.0,0.25\nNaN,1e-300,0.0,inf\n",
//! );
//!
//! // Extra columns (`rate`) are not part of the space: read the inputs from a
//! // file of inputs only; here, the same space written alone.
//! let mut inputs = Vec::new();
//! write_csv(&mut inputs, &[&space])?;
//! let back: PSpace = read_csv(&inputs[..], PFixed { dt: 0.01 })?;
//! assert_eq!(back.columns().r0, space.columns().r0);
//! assert_eq!(back.columns().eta[0], -4.6);
//! assert!(back.columns().eta[1].is_nan());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod csv;
pub(crate) mod npy;
mod npz;
#[cfg(feature = "parquet")]
pub(crate) mod parquet;
mod record;
pub(crate) mod shard;
pub(crate) mod summary;
mod table;

pub use self::csv::{read_csv, write_csv, write_csv_rows};
pub use crate::error::IoError;
pub use crate::simd::{Dtype, Value};
pub use npy::{read_npy, read_npy_2d, write_npy};
pub use npz::{read_npz, write_npz};
#[cfg(feature = "parquet")]
pub use parquet::{
    TARGET_FEATURES_KEY, VERSION_KEY, read_parquet, read_parquet_column, read_parquet_metadata,
    write_parquet, write_parquet_with,
};
pub use record::{Cells, Fields, FromRecords, Record};
pub use table::{Column, Table};

pub(crate) use self::csv::header_line as csv_header_line;
pub(crate) use table::check_names;
