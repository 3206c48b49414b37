//! Results written as they are computed, in point order, window by window,
//! to a sink that can resume an interrupted run.

use crate::io::{check_names, csv_header_line, Cells, Column, IoError, Record, Table};
use crate::space::Space;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where [`Executor::run_into`](crate::Executor::run_into) writes results.
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

/// Longest first line [`CsvSink::open`] reads while looking for the header.
const MAX_HEADER_BYTES: usize = 1 << 20;

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
/// takes constant memory. Nothing is changed on disk until the header has
/// been checked.
#[derive(Debug)]
pub struct CsvSink {
    path: PathBuf,
    file: File,
    output: String,
    scan: Scan,
}

/// What [`CsvSink::open`] found in a file, before anything is changed.
#[derive(Debug, Clone, Default)]
struct Scan {
    /// The first line (without its line break), if the file has a complete one.
    header: Option<Vec<u8>>,
    /// The bytes of a file that has no line break at all (a torn header), up
    /// to [`MAX_HEADER_BYTES`].
    torn_header: Vec<u8>,
    /// Complete records after the header.
    records: usize,
    /// Where the last complete record ends: the file is cut here on resume.
    keep: u64,
    /// A line that is not a record (wrong number of cells, a blank line
    /// followed by records): (line, what is wrong).
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
        let file = File::create(&path).map_err(|e| IoError::file("create", &path, e))?;
        Ok(CsvSink {
            path,
            file,
            output: output.to_owned(),
            scan: Scan::default(),
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
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| IoError::file("open", &path, e))?;
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
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The complete records the file holds: the points a run will skip
    /// (if the header matches the run's).
    pub fn written(&self) -> usize {
        self.scan.records
    }

    /// Checks the file against this run's header and length and cuts off
    /// whatever follows the last complete record.
    fn resume_with(&mut self, mut names: Vec<String>, len: usize) -> Result<usize, IoError> {
        check_names(&names)?;
        let expected = csv_header_line(&names)?;
        names.clear();
        let expected_line = expected.strip_suffix(b"\n").unwrap_or(&expected);
        let mismatch = |found: &[u8]| IoError::Header {
            path: self.path.clone(),
            found: String::from_utf8_lossy(found).chars().take(200).collect(),
            expected: String::from_utf8_lossy(expected_line).into_owned(),
        };
        match &self.scan.header {
            Some(found) if found.as_slice() == expected_line => {}
            Some(found) => return Err(mismatch(found)),
            // No complete line: a header cut short (or an empty file) is
            // rewritten; anything else is not ours.
            None if expected.starts_with(&self.scan.torn_header) => {
                self.scan = Scan::default();
            }
            None => return Err(mismatch(&self.scan.torn_header)),
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
        let cut = |e| IoError::file("truncate", &self.path, e);
        let len = self.file.metadata().map_err(cut)?.len();
        if len != self.scan.keep {
            self.file.set_len(self.scan.keep).map_err(cut)?;
        }
        self.file.seek(SeekFrom::End(0)).map_err(cut)?;
        Ok(self.scan.records)
    }

    fn append(&mut self, inputs: &dyn Table, outputs: &dyn Table) -> Result<(), IoError> {
        let mut text = Vec::new();
        let new_header = if self.scan.header.is_some() {
            crate::io::write_csv_rows(&mut text, &[inputs, outputs])?;
            None
        } else {
            crate::io::write_csv(&mut text, &[inputs, outputs])?;
            text.split(|&b| b == b'\n').next().map(<[u8]>::to_vec)
        };
        // One write per window, then flushed: a crash leaves whole windows
        // and at worst one partial line, which resuming drops.
        let failed = |e| IoError::file("write", &self.path, e);
        self.file.write_all(&text).map_err(failed)?;
        self.file.flush().map_err(failed)?;
        // The scan now describes the file as written, so that the same sink
        // can resume again (a second run into it) without losing a byte.
        if new_header.is_some() {
            self.scan.header = new_header;
        }
        self.scan.keep += text.len() as u64;
        self.scan.records += outputs.rows();
        Ok(())
    }
}

impl Scan {
    /// Reads `file` from the start in a fixed buffer.
    fn read(file: &File) -> std::io::Result<Scan> {
        let mut reader = BufReader::with_capacity(1 << 16, file);
        reader.seek(SeekFrom::Start(0))?;
        let mut scan = Scan::default();
        // The header: the first line, if the file has one within the limit.
        let mut first = Vec::new();
        let n = (&mut reader)
            .take(MAX_HEADER_BYTES as u64 + 1)
            .read_until(b'\n', &mut first)?;
        if first.last() != Some(&b'\n') {
            first.truncate(MAX_HEADER_BYTES);
            scan.torn_header = first;
            return Ok(scan);
        }
        first.pop();
        let width = header_width(&first);
        scan.header = Some(first);
        scan.keep = n as u64;

        // The records: count cells per line without holding more than the
        // buffer (3.2 GB of records scan in about 6 s, at 456 kB of peak
        // memory: tests/adversarial/kill_resume.rs).
        let mut line = Line {
            number: 1,
            offset: n as u64,
            ..Line::default()
        };
        loop {
            let buffer = reader.fill_buf()?;
            if buffer.is_empty() {
                return Ok(scan); // a last line without a line break is dropped
            }
            let consumed = buffer.len();
            let mut rest = buffer;
            while let Some(end) = memchr::memchr(b'\n', rest) {
                let (piece, tail) = rest.split_at(end);
                line.take(piece);
                line.end(&mut scan, width);
                rest = tail.get(1..).unwrap_or_default();
            }
            line.take(rest);
            reader.consume(consumed);
        }
    }
}

/// The line being scanned: what the bytes seen of it so far say.
#[derive(Default)]
struct Line {
    /// Its number, 1-based (the header is line 1).
    number: u64,
    /// Where it starts in the file.
    offset: u64,
    bytes: u64,
    commas: usize,
    quoted: bool,
    /// The first of the blank lines just before it, if any.
    blank_since: Option<u64>,
}

impl Line {
    /// More bytes of the line (without its line break).
    fn take(&mut self, piece: &[u8]) {
        self.bytes += piece.len() as u64;
        self.commas += piece.iter().filter(|&&b| b == b',').count();
        self.quoted |= memchr::memchr(b'"', piece).is_some();
    }

    /// The line break: the line is a record, blank, or damage.
    fn end(&mut self, scan: &mut Scan, width: usize) {
        self.number += 1;
        self.offset += self.bytes + 1;
        if self.bytes == 0 {
            self.blank_since.get_or_insert(self.number);
        } else if scan.damage.is_none() {
            if let Some(blank) = self.blank_since.take() {
                scan.damage = Some((blank, "a blank line between records".into()));
            } else if self.quoted || self.commas + 1 != width {
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

/// The number of cells of a header line (names may be quoted).
fn header_width(line: &[u8]) -> usize {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line);
    let mut record = csv::ByteRecord::new();
    match reader.read_byte_record(&mut record) {
        Ok(true) => record.len(),
        _ => 0,
    }
}

/// Results as a `Vec` (one value or array per point): the column named at creation.
impl<T: Cells> Sink<Vec<T>> for CsvSink {
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        let mut names = inputs.to_vec();
        T::names(&self.output, &mut names);
        self.resume_with(names, len)
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &Vec<T>) -> Result<(), IoError> {
        let name = std::mem::take(&mut self.output);
        let result = self.append(inputs, &Column::new(&name, outputs));
        self.output = name;
        result
    }
}

/// Results as a derived space (a kernel returning `XLanes<V>`): its own
/// field names are the result columns.
impl<S: Space> Sink<S> for CsvSink
where
    S::Point: Record,
{
    fn resume(&mut self, inputs: &[String], len: usize) -> Result<usize, IoError> {
        let mut names = inputs.to_vec();
        S::Point::header(&mut names);
        self.resume_with(names, len)
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &S) -> Result<(), IoError> {
        self.append(inputs, outputs)
    }
}
