//! Resuming: a dataset folder checked against a run (footers only) before
//! anything changes, then its leftovers removed and unmerged parts merged.

use super::{NAME_DIGITS, ParquetSink, State, remove};
use crate::error::IoError;
use crate::io::check_names;
use crate::io::parquet::{Batch, ParquetFile};
use crate::simd::Dtype;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

impl ParquetSink {
    /// Checks the folder against a run of `len` points with columns `names`
    /// and prepares it to continue: see the type's documentation.
    pub(super) fn resume_with(&mut self, names: &[String], len: usize) -> Result<usize, IoError> {
        check_names(names)?;
        let end = self.offset.saturating_add(len);
        let (parts, temporaries) = self.scan(end)?;
        let mut state = State {
            names: names.to_vec(),
            dtypes: None,
            end,
            next: self.offset,
            tail: Vec::new(),
            empty_part: false,
        };
        if self.fresh {
            for path in temporaries.iter().chain(parts.values()) {
                remove(path)?;
            }
            self.fresh = false;
            self.state = Some(state);
            return Ok(0);
        }
        // Every footer checked before anything changes.
        let mut rows = BTreeMap::new();
        for (&start, path) in &parts {
            let file = ParquetFile::open(path).map_err(|e| match e {
                IoError::Parquet { path, message } => IoError::Parquet {
                    path,
                    message: format!(
                        "{message}: a damaged part (delete it, and the parts after it, to compute their points again)"
                    ),
                },
                other => other,
            })?;
            state.dtypes = Some(self.check_part(path, &file, names, state.dtypes.take())?);
            rows.insert(start, file.rows());
        }
        // The parts in a chain from the first point; the others must repeat
        // points of one part of the chain (a merge cut short).
        let mut chain = Vec::new();
        while let Some(&n) = rows.get(&state.next).filter(|&&n| n > 0) {
            chain.push((state.next, n));
            state.next = state.next.saturating_add(n);
        }
        if state.next > end {
            return Err(IoError::TooManyRows {
                path: self.dir.clone(),
                found: state.next - self.offset,
                expected: len,
            });
        }
        let mut stale = Vec::new();
        for (&start, &n) in &rows {
            if chain.iter().any(|&(s, _)| s == start) {
                continue;
            }
            let path = self.part_path(start);
            if n == 0 && start == self.offset && chain.is_empty() {
                // The part of a run of no points: this run's if it has none
                // either, else replaced by its first part.
                if len == 0 {
                    state.empty_part = true;
                } else {
                    stale.push(path);
                }
            } else if chain
                .iter()
                .any(|&(s, m)| s <= start && start.saturating_add(n) <= s.saturating_add(m))
            {
                // Points of one part repeated: a window part its merge left.
                stale.push(path);
            } else {
                return Err(IoError::Parquet {
                    path,
                    message: format!(
                        "holds points {start}..{}, which follow a gap (the parts from the first point end at point {}) or overlap two parts (delete it, and the parts after it, to compute their points again)",
                        start.saturating_add(n),
                        state.next
                    ),
                });
            }
        }
        for path in temporaries.iter().chain(&stale) {
            remove(path)?;
        }
        // Parts of one part file not yet merged: the last part's (a run
        // killed before its merge) is the tail, merged when complete; any
        // before it are complete and merged now.
        let mut segments: Vec<Vec<(usize, usize)>> = Vec::new();
        for (start, n) in chain {
            let segment = self.part_start(start);
            match segments.last_mut() {
                Some(last)
                    if last
                        .first()
                        .is_some_and(|&(s, _)| self.part_start(s) == segment) =>
                {
                    last.push((start, n));
                }
                _ => segments.push(vec![(start, n)]),
            }
        }
        state.tail = segments.pop().unwrap_or_default();
        for segment in &segments {
            self.merge(segment)?;
        }
        self.state = Some(state);
        self.merge_if_complete()?;
        Ok(self.written())
    }

    /// The parts (by first point) and temporaries in the folder that are
    /// this sink's; an error for a `.parquet` file that is not a part.
    fn scan(&self, end: usize) -> Result<(BTreeMap<usize, PathBuf>, Vec<PathBuf>), IoError> {
        let entries =
            std::fs::read_dir(&self.dir).map_err(|e| IoError::file("read", &self.dir, e))?;
        let mut parts = BTreeMap::new();
        let mut temporaries = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| IoError::file("read", &self.dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(hidden) = name.strip_prefix('.') {
                if let Some(start) = part_start(hidden.split(".parquet.").next().unwrap_or(""))
                    && name.ends_with(".tmp")
                    && self.mine(start, end)
                {
                    temporaries.push(entry.path());
                }
                continue;
            }
            match part_start(name.strip_suffix(".parquet").unwrap_or("")) {
                Some(start) if self.mine(start, end) => {
                    parts.insert(start, entry.path());
                }
                Some(_) => {}
                None if name.ends_with(".parquet") && !name.starts_with('_') => {
                    return Err(IoError::Parquet {
                        path: entry.path(),
                        message: "is not a part of a dataset written by a ParquetSink, and readers of the folder would read it as one: move it elsewhere".to_owned(),
                    });
                }
                None => {}
            }
        }
        Ok((parts, temporaries))
    }

    /// Checks a part's columns and metadata against this run's; its column
    /// types, which must equal `dtypes` when known.
    fn check_part(
        &self,
        path: &Path,
        file: &ParquetFile,
        names: &[String],
        dtypes: Option<Vec<Dtype>>,
    ) -> Result<Vec<Dtype>, IoError> {
        let found: Option<Vec<Dtype>> = file.dtypes.iter().map(|d| d.clone().ok()).collect();
        let expected_text = match &dtypes {
            Some(dtypes) => Batch::describe(names, dtypes),
            None => names.join(", "),
        };
        let schema_error = || {
            let found_text: Vec<String> = file
                .names
                .iter()
                .zip(&file.dtypes)
                .map(|(n, d)| match d {
                    Ok(d) => format!("{n}: {d}"),
                    Err(other) => format!("{n}: {other}"),
                })
                .collect();
            IoError::Schema {
                path: path.to_path_buf(),
                found: found_text.join(", "),
                expected: expected_text.clone(),
            }
        };
        let Some(found) = found else {
            return Err(schema_error());
        };
        if file.names != names || dtypes.as_ref().is_some_and(|d| *d != found) {
            return Err(schema_error());
        }
        let theirs = file.metadata();
        let value = |entries: &[(String, String)], key: &str| {
            entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        for (key, _) in self.metadata.iter().chain(&theirs) {
            let (found, expected) = (value(&theirs, key), value(&self.metadata, key));
            if found != expected {
                return Err(IoError::Metadata {
                    path: path.to_path_buf(),
                    key: key.clone(),
                    found,
                    expected,
                });
            }
        }
        Ok(found)
    }
}

/// The first point of a part named `part-<digits>` (without `.parquet`).
fn part_start(stem: &str) -> Option<usize> {
    let digits = stem.strip_prefix("part-")?;
    if digits.len() != NAME_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::part_start;

    #[test]
    fn part_names_hold_twenty_digits() {
        assert_eq!(part_start("part-00000000000000000300"), Some(300));
        assert_eq!(part_start("part-300"), None);
        assert_eq!(part_start("part-0000000000000000030x"), None);
        assert_eq!(part_start("other-00000000000000000300"), None);
    }
}
