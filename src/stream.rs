//! Results written as they are computed, in point order, window by window,
//! to a sink that can resume an interrupted run.

use crate::io::{Cells, Column, IoError, Record, Table};
use crate::space::Space;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where [`Executor::run_into`](crate::Executor::run_into) writes results.
pub trait Sink<T> {
    /// How many points the sink holds already: a run resumes after them.
    fn written(&self) -> usize;
    /// Appends the results of the next points (`outputs`), beside those points'
    /// parameters (`inputs`), in point order.
    fn write(&mut self, inputs: &dyn Table, outputs: &T) -> Result<(), IoError>;
}

/// A CSV file of each point's free parameters and its results, one line per
/// point, appended window by window.
///
/// [`CsvSink::open`] resumes: it keeps the complete lines a file holds
/// (dropping a half-written last line), so that finishing the run gives the
/// same bytes as a run that was never interrupted.
#[derive(Debug)]
pub struct CsvSink {
    path: PathBuf,
    file: File,
    output: String,
    written: usize,
    has_header: bool,
}

impl CsvSink {
    /// A new file (truncating any old one); results given as a `Vec` go in
    /// column `output` (`output[k]` for arrays), results given as a derived
    /// space in columns named after its fields.
    pub fn create(path: impl AsRef<Path>, output: &str) -> Result<Self, IoError> {
        let path = path.as_ref().to_path_buf();
        let file = File::create(&path)?;
        Ok(CsvSink {
            path,
            file,
            output: output.to_owned(),
            written: 0,
            has_header: false,
        })
    }

    /// Opens `path` to resume a run: keeps its header and complete lines,
    /// drops a partial last line. A missing file is created.
    pub fn open(path: impl AsRef<Path>, output: &str) -> Result<Self, IoError> {
        let path = path.as_ref().to_path_buf();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let complete = bytes
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |last| last + 1);
        let lines = bytes[..complete].iter().filter(|&&b| b == b'\n').count();
        file.set_len(complete as u64)?;
        file.seek(SeekFrom::End(0))?;
        Ok(CsvSink {
            path,
            file,
            output: output.to_owned(),
            written: lines.saturating_sub(1),
            has_header: lines > 0,
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl CsvSink {
    fn append(&mut self, inputs: &dyn Table, outputs: &dyn Table) -> Result<(), IoError> {
        let mut text = Vec::new();
        if self.has_header {
            crate::io::write_csv_rows(&mut text, &[inputs, outputs])?;
        } else {
            crate::io::write_csv(&mut text, &[inputs, outputs])?;
            self.has_header = true;
        }
        // One write per window, then flushed: a crash leaves whole windows,
        // and at worst one partial line, which `open` drops.
        self.file.write_all(&text)?;
        self.file.flush()?;
        self.written += outputs.rows();
        Ok(())
    }
}

/// Results as a `Vec` (one value or array per point): the column named at creation.
impl<T: Cells> Sink<Vec<T>> for CsvSink {
    fn written(&self) -> usize {
        self.written
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
    fn written(&self) -> usize {
        self.written
    }

    fn write(&mut self, inputs: &dyn Table, outputs: &S) -> Result<(), IoError> {
        self.append(inputs, outputs)
    }
}
