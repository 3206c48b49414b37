//! Results written as they are computed, in point order, window by window,
//! to a sink that can resume an interrupted run.

use crate::error::IoError;
use crate::io::{Cells, Column, Record, Table, check_names, csv_header_line};
use crate::space::Space;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where [`Executor::run_into`](crate::Executor::run_into) writes results.
///
/// [`CsvSink`] is the file sink; a sink of your own receives each window's
/// parameters and results in point order:
///
/// ```
/// use dataspace::io::{IoError, Table};
/// use dataspace::prelude::*;
/// use dataspace::Sink;
///
/// /// Keeps a running maximum instead of every result.
/// struct Max { seen: usize, max: f32 }
///
/// impl Sink<Vec<f32>> for Max {
///     fn resume(&mut self, _inputs: &[String], _len: usize) -> Result<usize, IoError> {
///         Ok(self.seen) // points already seen: the run starts after them
///     }
///     fn write(&mut self, inputs: &dyn Table, outputs: &Vec<f32>) -> Result<(), IoError> {
///         assert_eq!(inputs.rows(), outputs.len());
///         self.seen += outputs.len();
///         self.max = outputs.iter().fold(self.max, |m, &x| m.max(x));
///         Ok(())
///     }
/// }
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..100_000).map(|i| i as f32).collect() })?;
/// let mut max = Max { seen: 0, max: f32::MIN };
/// Executor::parallel().run_into(&space, |p: PLanes<'_, 16>| p.x * p.x, &mut max)?;
/// assert_eq!((max.seen, max.max), (100_000, 99_999.0 * 99_999.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Sink<T> {
    /// Called once before a run of `len` points writes anything: checks that
    /// the sink can hold this run's results beside its parameters (whose
    /// column names are `inputs`) and returns how many points it holds
    /// already, which the run skips.
    ///
    /// # Errors
    /// The sink holds results of another run (other columns), or more points
    /// than `len`, or cannot be read or repaired.
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError>;
    /// Appends the results of the next points (`outputs`), beside those points'
    /// parameters (`inputs`), in point order.
    fn write(&mut self, inputs: &dyn Table, outputs: &T) -> Result<(), IoError>;
}

/// Opens (creating) a sink's file to read and write, emptied if `truncate`.
/// Read too: a resume reads its header back.
fn open_file(path: &Path, truncate: bool) -> Result<File, IoError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(truncate)
        .open(path)
        .map_err(|e| IoError::file(if truncate { "create" } else { "open" }, path, e))
}

/// How much of a file's first line errors quote.
const QUOTED_BYTES: usize = 200;

/// A CSV file of each point's free parameters and its results, one line per
/// point, appended window by window.
///
/// Resuming ([`CsvSink::open`]) keeps the complete records a file holds, so
/// that finishing the run gives the same bytes as a run that was never
/// interrupted. What counts as complete:
///
/// - the first line must be exactly this run's header (parameters, then
///   results), or the file is someone else's and is left alone
///   ([`IoError::Header`]);
/// - each later line ending in a line break is a record and must have as many
///   cells as the header ([`IoError::Corrupt`] otherwise, naming the line);
/// - a last line without a line break (a write cut short) and blank lines at
///   the end are dropped, and rewritten by the run;
/// - more records than the run has points is [`IoError::TooManyRows`].
///
/// The file is scanned in a fixed 64 KiB buffer: resuming a file of any size
/// (and any header length) takes constant memory. Nothing is changed on disk
/// until the header has been checked. A [`Sink::write`] without a
/// [`Sink::resume`] first checks the file the same way.
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::CsvSink;
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { x: f32 }
///
/// let space = PSpace::new(PColumns { x: (0..1000).map(|i| i as f32).collect() })?;
/// let path = std::env::temp_dir().join(format!("csv-sink-{}.csv", std::process::id()));
/// let kernel = |p: PLanes<'_, 8>| p.x + p.x;
/// Executor::parallel().run_into(&space, kernel, &mut CsvSink::create(&path, "y")?)?;
/// let whole = std::fs::read(&path)?;
/// // A run killed midway leaves part of the file; opening it resumes the run.
/// std::fs::write(&path, &whole[..whole.len() / 3])?;
/// let mut sink = CsvSink::open(&path, "y")?;
/// Executor::parallel().run_into(&space, kernel, &mut sink)?;
/// assert_eq!(std::fs::read(&path)?, whole);
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct CsvSink {
    path: PathBuf,
    file: File,
    output: String,
    scan: Scan,
    /// Whether the file has been checked against a run (or is new) and ends
    /// at `scan.keep`: only then may a window be appended.
    checked: bool,
}

/// What [`CsvSink::open`] found in a file, before anything is changed, kept
/// in step with what the sink writes after.
#[derive(Debug, Clone, Default)]
struct Scan {
    /// The length of the first line (without its line break), if the file
    /// has a line break at all.
    header_len: Option<u64>,
    /// Its first bytes (at most [`QUOTED_BYTES`]), for messages.
    head: Vec<u8>,
    /// The file's length when scanned.
    file_len: u64,
    /// Complete records after the header.
    records: usize,
    /// Where the last complete record ends: the file is cut here on resume.
    keep: u64,
    /// A line that is not a record (wrong number of cells, a quoted cell, a
    /// blank line followed by records): (line, what is wrong).
    damage: Option<(u64, String)>,
}

impl CsvSink {
    /// A new file (truncating any old one); results given as a `Vec` go in
    /// column `output` (`output[k]` for arrays), results given as a derived
    /// space in columns named after its fields.
    ///
    /// # Errors
    /// [`IoError::InvalidColumnName`] for an empty `output` or one with a line
    /// break; [`IoError::File`] if the file cannot be created.
    pub fn create(path: impl AsRef<Path>, output: &str) -> Result<Self, IoError> {
        check_names(&[output.to_owned()])?;
        let path = path.as_ref().to_path_buf();
        let file = open_file(&path, true)?;
        Ok(CsvSink {
            path,
            file,
            output: output.to_owned(),
            scan: Scan::default(),
            checked: true,
        })
    }

    /// Opens `path` to resume a run (a missing file is created). The file is
    /// read here, in constant memory, but changed only when the run starts
    /// and has checked the header (see the type's documentation).
    ///
    /// # Errors
    /// [`IoError::InvalidColumnName`] for an unusable `output`;
    /// [`IoError::File`] naming the file if it cannot be opened or read (a
    /// directory, say).
    pub fn open(path: impl AsRef<Path>, output: &str) -> Result<Self, IoError> {
        check_names(&[output.to_owned()])?;
        let path = path.as_ref().to_path_buf();
        let file = open_file(&path, false)?;
        let metadata = file
            .metadata()
            .map_err(|e| IoError::file("read", &path, e))?;
        if !metadata.is_file() {
            return Err(IoError::file(
                "resume",
                &path,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file (a CSV sink appends to and truncates its file)",
                ),
            ));
        }
        let scan = Scan::read(&file).map_err(|e| IoError::file("read", &path, e))?;
        Ok(CsvSink {
            path,
            file,
            output: output.to_owned(),
            scan,
            checked: false,
        })
    }

    /// The file's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The complete records the file holds: the points a run will skip
    /// (if the header matches the run's).
    #[must_use]
    pub fn written(&self) -> usize {
        self.scan.records
    }

    /// Checks the file against this run's header and length and cuts off
    /// whatever follows the last complete record.
    fn resume_with(&mut self, names: &[String], len: usize) -> Result<usize, IoError> {
        check_names(names)?;
        let expected = csv_header_line(names)?;
        let expected_line = expected.strip_suffix(b"\n").unwrap_or(&expected);
        let read_error = |e| IoError::file("read", &self.path, e);
        let ours = match self.scan.header_len {
            Some(n) => {
                n == expected_line.len() as u64
                    && starts_with(&self.file, expected_line).map_err(read_error)?
            }
            // No line break: a header cut short (or an empty file) is
            // rewritten; anything else is not ours.
            None => {
                self.scan.file_len <= expected.len() as u64
                    && starts_with(
                        &self.file,
                        expected
                            .get(..self.scan.file_len as usize)
                            .unwrap_or_default(),
                    )
                    .map_err(read_error)?
            }
        };
        if !ours {
            let quote = |bytes: &[u8], whole: bool| {
                let text: String = String::from_utf8_lossy(bytes)
                    .chars()
                    .take(QUOTED_BYTES)
                    .collect();
                if whole && bytes.len() <= QUOTED_BYTES {
                    text
                } else {
                    text + "..."
                }
            };
            let whole_head =
                self.scan.header_len.unwrap_or(self.scan.file_len) <= self.scan.head.len() as u64;
            return Err(IoError::Header {
                path: self.path.clone(),
                found: quote(&self.scan.head, whole_head),
                expected: quote(expected_line, true),
            });
        }
        if self.scan.header_len.is_none() {
            self.scan = Scan::default();
        }
        if let Some((line, message)) = &self.scan.damage {
            return Err(IoError::Corrupt {
                path: self.path.clone(),
                line: *line,
                message: message.clone(),
            });
        }
        if self.scan.records > len {
            return Err(IoError::TooManyRows {
                path: self.path.clone(),
                found: self.scan.records,
                expected: len,
            });
        }
        self.cut_to_keep()?;
        self.checked = true;
        Ok(self.scan.records)
    }

    /// Cuts the file after its last complete record and moves to its end.
    fn cut_to_keep(&mut self) -> Result<(), IoError> {
        let cut = |e| IoError::file("truncate", &self.path, e);
        if self.file.metadata().map_err(cut)?.len() != self.scan.keep {
            self.file.set_len(self.scan.keep).map_err(cut)?;
        }
        self.file.seek(SeekFrom::End(0)).map_err(cut)?;
        Ok(())
    }

    fn append(&mut self, inputs: &dyn Table, outputs: &dyn Table) -> Result<(), IoError> {
        if !self.checked {
            // A write without a resume first (the trait allows it): check the
            // file against these tables as a run would.
            let mut names = inputs.header();
            names.extend(outputs.header());
            self.resume_with(&names, usize::MAX)?;
        }
        let mut text = Vec::new();
        let has_header = self.scan.header_len.is_some();
        if has_header {
            crate::io::write_csv_rows(&mut text, &[inputs, outputs])?;
        } else {
            crate::io::write_csv(&mut text, &[inputs, outputs])?;
        }
        // One write per window, then flushed: a crash leaves whole windows
        // and at worst one partial line, which resuming drops. A failed
        // write may leave part of the window: the next write cuts it first.
        let written = self.file.write_all(&text).and_then(|()| self.file.flush());
        if let Err(e) = written {
            self.checked = false;
            return Err(IoError::file("write", &self.path, e));
        }
        // The scan now describes the file as written, so that the same sink
        // can resume again (a second run into it) without losing a byte.
        if !has_header {
            let header = text.split(|&b| b == b'\n').next().unwrap_or_default();
            self.scan.header_len = Some(header.len() as u64);
            self.scan.head = header.iter().copied().take(QUOTED_BYTES).collect();
        }
        self.scan.keep += text.len() as u64;
        self.scan.file_len = self.scan.keep;
        self.scan.records += outputs.rows();
        Ok(())
    }
}

/// Whether `file` starts with `expected`, read in a fixed buffer.
fn starts_with(file: &File, expected: &[u8]) -> std::io::Result<bool> {
    let mut reader = BufReader::with_capacity(1 << 16, file);
    reader.seek(SeekFrom::Start(0))?;
    let mut chunk = vec![0u8; 1 << 16];
    for part in expected.chunks(chunk.len()) {
        let buffer = chunk.get_mut(..part.len()).unwrap_or_default();
        match reader.read_exact(buffer) {
            Ok(()) if buffer == part => {}
            Ok(()) => return Ok(false),
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

impl Scan {
    /// Reads `file` from the start in a fixed buffer.
    fn read(file: &File) -> std::io::Result<Scan> {
        let mut reader = BufReader::with_capacity(1 << 16, file);
        reader.seek(SeekFrom::Start(0))?;
        let mut scan = Scan::default();
        // The header: its length and cells, counted as it streams past (a
        // header may be longer than any buffer).
        let mut header = HeaderCells::default();
        let mut width = None;
        // The records: cells per line, counted without holding more than
        // the buffer (3.2 GB of records scan in about 5 s, at 456 kB of peak
        // memory: tests/adversarial/kill_resume.rs).
        let mut line = Line {
            number: 1,
            ..Line::default()
        };
        loop {
            let buffer = reader.fill_buf()?;
            if buffer.is_empty() {
                // A last line without a line break is dropped.
                return Ok(scan);
            }
            let consumed = buffer.len();
            scan.file_len += consumed as u64;
            let mut rest = buffer;
            let width = match width {
                Some(width) => width,
                None => {
                    let end = memchr::memchr(b'\n', rest);
                    let (piece, tail) = rest.split_at(end.unwrap_or(rest.len()));
                    let room = QUOTED_BYTES.saturating_sub(scan.head.len());
                    scan.head.extend(piece.iter().take(room));
                    header.take(piece);
                    if end.is_none() {
                        reader.consume(consumed);
                        continue;
                    }
                    scan.header_len = Some(header.bytes);
                    scan.keep = header.bytes + 1;
                    line.offset = scan.keep;
                    rest = tail.get(1..).unwrap_or_default();
                    *width.insert(header.cells())
                }
            };
            // Only line breaks, commas and quotes matter: jump between them.
            let mut from = 0;
            for at in memchr::memchr3_iter(b'\n', b',', b'"', rest) {
                match rest.get(at) {
                    Some(b'\n') => {
                        line.bytes += (at - from) as u64;
                        line.end(&mut scan, width);
                        from = at + 1;
                    }
                    Some(b',') => line.commas += 1,
                    _ => line.quoted = true,
                }
            }
            line.bytes += (rest.len() - from) as u64;
            reader.consume(consumed);
        }
    }
}

/// The cells of a header line as it streams past: commas outside quotes
/// (names with commas or quotes are quoted, quotes doubled, so toggling on
/// each quote tracks whether a comma is inside a name).
#[derive(Default)]
struct HeaderCells {
    bytes: u64,
    commas: usize,
    in_quotes: bool,
}

impl HeaderCells {
    fn take(&mut self, piece: &[u8]) {
        self.bytes += piece.len() as u64;
        for &b in piece {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b',' if !self.in_quotes => self.commas += 1,
                _ => {}
            }
        }
    }

    fn cells(&self) -> usize {
        self.commas + 1
    }
}

/// The line being scanned: what the bytes seen of it so far say.
#[derive(Default)]
struct Line {
    /// Its number, 1-based (the header is line 1).
    number: u64,
    /// Where it starts in the file.
    offset: u64,
    /// Its bytes so far.
    bytes: u64,
    /// Its commas so far.
    commas: usize,
    /// Whether it holds a quote (records written by a sink never do).
    quoted: bool,
    /// The first of the blank lines just before it, if any.
    blank_since: Option<u64>,
}

impl Line {
    /// The line break: the line is a record, blank, or damage.
    fn end(&mut self, scan: &mut Scan, width: usize) {
        self.number += 1;
        self.offset += self.bytes + 1;
        if self.bytes == 0 {
            self.blank_since.get_or_insert(self.number);
        } else if scan.damage.is_none() {
            if let Some(blank) = self.blank_since.take() {
                scan.damage = Some((blank, "a blank line between records".into()));
            } else if self.quoted {
                scan.damage = Some((
                    self.number,
                    "a quoted cell, which a sink never writes".into(),
                ));
            } else if self.commas + 1 != width {
                scan.damage = Some((
                    self.number,
                    format!(
                        "a record of {} cells, the header has {width}",
                        self.commas + 1
                    ),
                ));
            } else {
                scan.records += 1;
                scan.keep = self.offset;
            }
        }
        (self.bytes, self.commas, self.quoted) = (0, 0, false);
    }
}

/// Results as a `Vec` (one value or array per point): the column named at creation.
impl<T: Cells> Sink<Vec<T>> for CsvSink {
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        let mut names = inputs.to_vec();
        T::names(&self.output, &mut names);
        self.resume_with(&names, len)
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &Vec<T>) -> Result<(), IoError> {
        let name = std::mem::take(&mut self.output);
        let result = self.append(inputs, &Column::new(&name, outputs));
        self.output = name;
        result
    }
}

/// Results as a derived space (a kernel returning `XLanes<'_, V>`): its own
/// field names are the result columns.
impl<S: Space> Sink<S> for CsvSink
where
    S::Point: Record,
{
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        let mut names = inputs.to_vec();
        S::Point::header(&mut names);
        self.resume_with(&names, len)
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &S) -> Result<(), IoError> {
        self.append(inputs, outputs)
    }
}
