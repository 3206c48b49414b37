//! CSV (the `csv` crate): tables written side by side, and spaces read back
//! through the derive's format-neutral [`FromRecords`] hook.

use super::record::{Cells, Fields, FromRecords, Record};
use super::table::{Table, check_names, check_rows};
use crate::error::IoError;
use std::io::{Read, Write};

/// Writes tables side by side as CSV: one header line, one line per row.
/// Values are written so that they read back bit for bit (infinities and the
/// sign of NaN included; see [`Value`](crate::io::Value)).
///
/// sign of NaN included; see [`Value`](crate::io::Value)).
///
/// ```
/// use dataspace::io::{write_csv, Column};
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32, k: [i32; 2] }
///
/// let space = PSpace::new(PColumns { x: vec![0.5, f32::NAN], k: vec![[1, 2], [3, 4]] })?;
/// let mut text = Vec::new();
/// write_csv(&mut text, &[&space, &Column::new("y", &[1.0f64, -0.0])])?;
/// assert_eq!(String::from_utf8(text)?, "x,k[0],k[1],y\n0.5,1,2,1.0\nNaN,3,4,-0.0\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// Tables of different lengths, duplicate or unusable column names (checked
/// before anything is written), or a failing `writer`.
pub fn write_csv<W: Write>(writer: W, tables: &[&dyn Table]) -> Result<(), IoError> {
    write_csv_lines(writer, tables, true)
}

/// [`write_csv`] without the header line: rows to append to a file that has one.
///
/// # Errors
/// As [`write_csv`].
pub fn write_csv_rows<W: Write>(writer: W, tables: &[&dyn Table]) -> Result<(), IoError> {
    write_csv_lines(writer, tables, false)
}

/// The CSV header line of `names`, with its line end, as [`write_csv`] writes it.
pub(crate) fn header_line(names: &[String]) -> Result<Vec<u8>, IoError> {
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record(names)
        .map_err(|e| csv_error(e, "writer"))?;
    csv.into_inner()
        .map_err(|e| IoError::writer(e.into_error()))
}

/// Bytes of rows gathered before they go to the writer.
const ROW_BUFFER: usize = 64 * 1024;

fn write_csv_lines<W: Write>(
    mut writer: W,
    tables: &[&dyn Table],
    header: bool,
) -> Result<(), IoError> {
    let rows = check_rows(tables)?;
    let names: Vec<String> = tables.iter().flat_map(|t| t.header()).collect();
    check_names(&names)?;
    let mut text = Vec::with_capacity(ROW_BUFFER + 1024);
    if header {
        text = header_line(&names)?;
    }
    // Cells are numbers (digits, `.`, `e`, `-`, `inf`, `NaN`): none needs
    // quoting, so rows are written straight into the buffer, as the csv
    // crate would write them (`""` for a record of no cells).
    let mut cells = Vec::with_capacity(names.len());
    for i in 0..rows {
        cells.clear();
        for table in tables {
            table.row(i, &mut cells);
        }
        if cells.is_empty() {
            text.extend_from_slice(b"\"\"");
        }
        for (k, cell) in cells.iter().enumerate() {
            if k > 0 {
                text.push(b',');
            }
            cell.write_text(&mut text);
        }
        text.push(b'\n');
        if text.len() >= ROW_BUFFER {
            writer.write_all(&text).map_err(IoError::writer)?;
            text.clear();
        }
    }
    writer.write_all(&text).map_err(IoError::writer)?;
    writer.flush().map_err(IoError::writer)
}

/// Reads a CSV whose header names the free fields of `S`'s points (an
/// array field `x: [f32; 2]` is the columns `x[0]`, `x[1]`), in any order,
/// one point per line; the fixed fields come from `fixed`. Also
/// [`FromRecords::read_csv`] on the space type: `XSpace::read_csv(reader, fixed)`.
///
/// Streams: memory is the space being built plus a buffer.
///
/// Streams: memory is the space being built plus a buffer.
///
/// ```
/// use dataspace::prelude::*;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32, k: [i32; 2], #[space(fixed)] scale: f32 }
///
/// let text = "k[1],x,k[0]\n2,0.5,1\n4,-inf,3\n"; // any column order
/// let space: PSpace = dataspace::io::read_csv(text.as_bytes(), PFixed { scale: 2.0 })?;
/// assert_eq!(space.columns().x, &[0.5, f32::NEG_INFINITY]);
/// assert_eq!(space.columns().k[1], &[2, 4]);
/// let error = PSpace::read_csv(&b"x,k[0],k[1]\n1,2,x\n"[..], PFixed { scale: 1.0 }).unwrap_err();
/// assert_eq!(error.to_string(), "line 2, column `k[1]`: `x` is not a valid i32");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// An [`IoError`] naming the line and column: a missing, unknown or
/// duplicate column, a value that does not parse, a line with too few or
/// too many cells, a failing reader. No partial space is returned.
pub fn read_csv<S, R>(reader: R, fixed: S::Fixed) -> Result<S, IoError>
where
    S: FromRecords,
    S::Point: Record,
    R: Read,
{
    let mut names = Vec::new();
    S::Point::header(&mut names);
    let mut columns = S::columns(fixed);
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(Lines::new(reader));
    let header = match csv.headers() {
        Ok(header) => header.clone(),
        Err(e) => return Err(read_error(e, csv.get_mut())),
    };
    let order = header_order(&header, &names)?;
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(read_error(e, csv.get_mut())),
        }
        let line = record
            .position()
            .map_or(0, |p| csv.get_mut().line_of(p.byte()));
        if record.len() != header.len() {
            return Err(IoError::RowLength {
                line,
                found: record.len(),
                expected: header.len(),
            });
        }
        let cells: Vec<&str> = order
            .iter()
            .map(|&p| record.get(p).unwrap_or_default())
            .collect();
        let mut fields = CsvFields {
            cells: &cells,
            names: &names,
            at: 0,
            line,
        };
        S::push(&mut columns, &mut fields)?;
    }
    // Every column got one value per record, or the read failed: the
    // lengths agree.
    S::from_columns(columns).map_err(IoError::Shape)
}

/// The header position of each column in `names`, after checking that the
/// header has each exactly once and nothing else.
fn header_order(header: &csv::StringRecord, names: &[String]) -> Result<Vec<usize>, IoError> {
    // Hashed, so that a hostile header of many cells costs linear time.
    let mut positions = std::collections::HashMap::with_capacity(header.len());
    for (position, name) in header.iter().map(str::trim).enumerate() {
        if positions.insert(name, position).is_some() {
            return Err(IoError::DuplicateColumn {
                column: name.to_owned(),
            });
        }
    }
    let mut used = vec![false; header.len()];
    let mut order = Vec::with_capacity(names.len());
    for name in names {
        let &position = positions
            .get(name.as_str())
            .ok_or_else(|| IoError::MissingColumn {
                column: name.clone(),
            })?;
        if let Some(used) = used.get_mut(position) {
            *used = true;
        }
        order.push(position);
    }
    if let Some(position) = used.iter().position(|&used| !used) {
        return Err(IoError::UnknownColumn {
            column: header.get(position).unwrap_or_default().trim().to_owned(),
            position: position + 1,
        });
    }
    Ok(order)
}

/// One CSV record's cells, in the struct's column order, handed out field
/// by field.
struct CsvFields<'a> {
    cells: &'a [&'a str],
    names: &'a [String],
    /// The first cell of the next field.
    at: usize,
    line: u64,
}

impl Fields for CsvFields<'_> {
    type Error = IoError;

    fn next<T: Cells>(&mut self) -> Result<T, IoError> {
        let width = T::width();
        let end = self.at.saturating_add(width).min(self.cells.len());
        let cells = self.cells.get(self.at..end).unwrap_or_default();
        let first = self.at;
        self.at = end;
        let mut dtypes = Vec::with_capacity(width);
        T::dtypes(&mut dtypes);
        T::parse(cells).map_err(|k| IoError::Parse {
            line: self.line,
            column: self.names.get(first + k).cloned().unwrap_or_default(),
            value: cells.get(k).map_or_else(String::new, |c| (*c).to_owned()),
            expected: dtypes.get(k).map_or("value", |d| d.name()),
        })
    }
}

/// A reading error, its line taken from `lines`.
fn read_error<R: Read>(e: csv::Error, lines: &mut Lines<R>) -> IoError {
    let line = e.position().map(|p| lines.line_of(p.byte()));
    let mut error = csv_error(e, "reader");
    if let (IoError::Csv { line: at, .. } | IoError::RowLength { line: at, .. }, Some(line)) =
        (&mut error, line)
    {
        *at = line;
    }
    error
}

/// A reader that notes where lines break as the csv crate reads through it,
/// so that a record's byte offset gives the line its first cell is on (the
/// csv crate's own line numbers are off after blank lines and `\r\n`). It
/// keeps only the breaks the csv crate's buffer holds, and retries reads
/// that were interrupted by a signal.
struct Lines<R> {
    inner: R,
    /// Bytes read so far.
    read: u64,
    /// Line breaks not yet passed by a record: byte ranges (`\n`, `\r\n`
    /// or a lone `\r`), in order.
    breaks: std::collections::VecDeque<(u64, u64)>,
    /// A `\r` that ended the last read: a break whose end depends on the
    /// next byte.
    pending_cr: Option<u64>,
    /// Breaks passed so far.
    passed: u64,
}

impl<R: Read> Lines<R> {
    fn new(inner: R) -> Self {
        Lines {
            inner,
            read: 0,
            breaks: std::collections::VecDeque::new(),
            pending_cr: None,
            passed: 0,
        }
    }

    /// The 1-based line of a record the csv crate places at `offset`: after
    /// the breaks before it and any breaks (blank lines, the `\n` of a
    /// `\r\n`) that start at or after it before its first cell.
    fn line_of(&mut self, offset: u64) -> u64 {
        let mut at = offset;
        if self.pending_cr.is_some_and(|cr| cr < at) {
            // Not seen by this reader yet: the input ended with a `\r`.
            self.flush_cr();
        }
        while let Some(&(start, end)) = self.breaks.front() {
            if end <= at {
                self.passed += 1;
                self.breaks.pop_front();
            } else if start <= at {
                at = end;
                self.passed += 1;
                self.breaks.pop_front();
            } else {
                break;
            }
        }
        self.passed + 1
    }

    fn flush_cr(&mut self) {
        if let Some(cr) = self.pending_cr.take() {
            self.breaks.push_back((cr, cr + 1));
        }
    }
}

impl<R: Read> Read for Lines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = loop {
            match self.inner.read(buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        let bytes = buf.get(..n).unwrap_or_default();
        if n == 0 {
            self.flush_cr();
        }
        for (k, &b) in bytes.iter().enumerate() {
            let at = self.read + k as u64;
            if let Some(cr) = self.pending_cr.take() {
                if b == b'\n' {
                    self.breaks.push_back((cr, at + 1));
                    continue;
                }
                self.breaks.push_back((cr, cr + 1));
            }
            match b {
                b'\n' => self.breaks.push_back((at, at + 1)),
                b'\r' => self.pending_cr = Some(at),
                _ => {}
            }
        }
        self.read += n as u64;
        Ok(n)
    }
}

/// A `csv` error as an [`IoError`] that says what is wrong in words.
pub(crate) fn csv_error(e: csv::Error, role: &'static str) -> IoError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => IoError::Stream { role, source },
        csv::ErrorKind::Utf8 { err, .. } => IoError::Csv {
            line,
            message: format!(
                "cell {} is not valid UTF-8 (after {} valid bytes): save the file as UTF-8",
                err.field() + 1,
                err.valid_up_to()
            ),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => IoError::RowLength {
            line,
            found: usize::try_from(len).unwrap_or(usize::MAX),
            expected: usize::try_from(expected_len).unwrap_or(usize::MAX),
        },
        csv::ErrorKind::Serialize(message) => IoError::Csv { line, message },
        csv::ErrorKind::Deserialize { err, .. } => IoError::Csv {
            line,
            message: err.to_string(),
        },
        _ => IoError::Csv {
            line,
            message: "malformed CSV".to_owned(),
        },
    }
}
