//! `.npz` archives: numpy's `np.savez` format, a ZIP archive of one `.npy`
//! file per named array, stored without compression. Written as numpy
//! writes it; read without trusting it, as `.npy` files are: the archive's
//! directory is checked against the file's size before anything is read,
//! and each entry's CRC-32 is checked as its values are decoded.
//!
//! The ZIP structures used (all little-endian): a local header, then the
//! entry's bytes, per entry; then a central directory of one record per
//! entry and the end-of-central-directory record. Only the classic (32-bit)
//! format: archives up to 4 GiB and 65,535 entries. ZIP64, compression and
//! encryption are reported as errors, never guessed at.

use super::npy::{self, read_from};
use super::table::Table;
use crate::error::IoError;
use crate::simd::Scalar;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_DIRECTORY: u32 = 0x0605_4b50;
/// Sizes of the fixed parts of the three records.
const LOCAL_LEN: u64 = 30;
const CENTRAL_LEN: u64 = 46;
const END_LEN: u64 = 22;
/// ZIP 2.0, the version that stored entries need.
const VERSION: u16 = 20;
/// 1980-01-01 00:00 in MS-DOS date and time: every entry gets it, so that
/// the same columns always make the same bytes.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

/// Writes the columns of the tables into one `.npz` archive at `path`, an
/// array per column named like the column (`np.load(path)["eta"]` in
/// Python), each 1-D of the column's type: numpy's `np.savez` format (a ZIP
/// archive of `.npy` files, uncompressed).
///
/// Everything is checked before anything is written (names, lengths, the
/// archive's size); the archive is built in a temporary file beside `path`
/// (`.<name>.<pid>-<n>.tmp`, its columns in a temporary folder
/// `.<name>.<pid>-<n>.d` next to it, both removed when the call returns,
/// with or without an error) that replaces `path` by a rename only once
/// complete, so neither a failure nor a killed process leaves a partial
/// archive; a process killed while writing leaves its temporaries, as
/// [`write_npy`](crate::io::write_npy) does. The same columns always give
/// the same bytes (entry times are fixed).
///
/// # Errors
/// As [`write_npy`](crate::io::write_npy); [`IoError::Npy`] if the archive
/// would reach 4 GiB or 65,535 columns (the classic ZIP limits; write a
/// folder of `.npy` files with `write_npy` instead); [`IoError::File`] if
/// the folder of `path` does not exist (it is not created).
///
/// ```
/// use dataspace::prelude::*;
/// use dataspace::io::{read_npz, write_npz, Column};
///
/// #[derive(DataSpace, Clone, Debug)]
/// struct P { eta: f32, k: i32 }
///
/// let space = PSpace::new(PColumns { eta: vec![-5.0, -4.5], k: vec![1, 2] })?;
/// let rate = vec![0.25f32, 1.5];
/// let path = std::env::temp_dir().join(format!("dataspace-doc-npz-{}.npz", std::process::id()));
/// write_npz(&path, &[&space, &Column::new("rate", &rate)])?;
/// // In Python: np.load(path)["rate"]
/// assert_eq!(read_npz::<f32>(&path, "rate")?, rate);
/// assert_eq!(read_npz::<i32>(&path, "k")?, [1, 2]);
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_npz(path: &Path, tables: &[&dyn Table]) -> Result<(), IoError> {
    let (rows, names, dtypes) = npy::checked_columns(tables, path)?;
    let too_large = |what: String| IoError::Npy {
        path: path.to_path_buf(),
        message: format!(
            "{what}: beyond what a classic ZIP archive holds (ZIP64 is not written); write a folder of .npy files with write_npy"
        ),
    };
    // 65,535 entries is ZIP64's marker in the classic end record.
    if names.len() >= usize::from(u16::MAX) {
        return Err(too_large(format!("{} columns", names.len())));
    }
    let mut archive_len = END_LEN;
    for (name, &dtype) in names.iter().zip(&dtypes) {
        let entry = npy::file_len(dtype, rows).and_then(|len| {
            len.checked_add(LOCAL_LEN + CENTRAL_LEN + 2 * entry_name(name).len() as u64)
        });
        archive_len = entry
            .and_then(|entry| archive_len.checked_add(entry))
            .ok_or_else(|| too_large(format!("{rows} rows")))?;
    }
    if archive_len > u64::from(u32::MAX) {
        return Err(too_large(format!("{archive_len} bytes")));
    }
    if path.is_dir() {
        return Err(IoError::Npy {
            path: path.to_path_buf(),
            message: "is a directory, not a file for the archive".to_owned(),
        });
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        let missing =
            std::io::Error::new(std::io::ErrorKind::NotFound, "its folder does not exist");
        return Err(IoError::file("create", path, missing));
    }
    let (temp, columns) = temporaries(path);
    let written = npy::write_npy(&columns, tables)
        .and_then(|()| assemble(&temp, &columns, &names))
        .and_then(|()| std::fs::rename(&temp, path).map_err(|e| IoError::file("write", path, e)));
    // Best effort: the result being returned is the one that matters.
    let _ = std::fs::remove_dir_all(&columns);
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// The temporary archive and column folder of a write to `path`, unique per
/// call (process and a counter).
fn temporaries(path: &Path) -> (PathBuf, PathBuf) {
    static CALLS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = format!(".{name}.{}-{call}", std::process::id());
    let dir = path.parent().unwrap_or(Path::new("."));
    (
        dir.join(format!("{stem}.tmp")),
        dir.join(format!("{stem}.d")),
    )
}

/// A column's name inside the archive.
fn entry_name(column: &str) -> String {
    format!("{column}.npy")
}

/// Writes the archive `temp` from the `.npy` files of `names` in `columns`.
fn assemble(temp: &Path, columns: &Path, names: &[String]) -> Result<(), IoError> {
    let file = File::create(temp).map_err(|e| IoError::file("create", temp, e))?;
    let mut out = BufWriter::new(file);
    let write = |out: &mut BufWriter<File>, bytes: &[u8]| {
        out.write_all(bytes)
            .map_err(|e| IoError::file("write", temp, e))
    };
    // (name, CRC-32, size, offset of the local header) per entry.
    let mut entries = Vec::with_capacity(names.len());
    let mut offset = 0u64;
    for name in names {
        let source = columns.join(entry_name(name));
        let (crc, size) = checksum(&source)?;
        let entry = entry_name(name);
        let mut header = Vec::with_capacity(LOCAL_LEN as usize + entry.len());
        header.extend_from_slice(&LOCAL_HEADER.to_le_bytes());
        for field in [VERSION, 0, 0, DOS_TIME, DOS_DATE] {
            header.extend_from_slice(&field.to_le_bytes());
        }
        for field in [crc, narrow(size), narrow(size)] {
            header.extend_from_slice(&field.to_le_bytes());
        }
        for field in [entry.len() as u16, 0] {
            header.extend_from_slice(&field.to_le_bytes());
        }
        header.extend_from_slice(entry.as_bytes());
        write(&mut out, &header)?;
        let mut data = File::open(&source).map_err(|e| IoError::file("read", &source, e))?;
        let copied =
            std::io::copy(&mut data, &mut out).map_err(|e| IoError::file("write", temp, e))?;
        if copied != size {
            return Err(IoError::Npy {
                path: source,
                message: format!("changed size while being archived ({size} then {copied} bytes)"),
            });
        }
        entries.push((entry, crc, size, offset));
        offset += header.len() as u64 + size;
    }
    let directory_start = offset;
    for (entry, crc, size, local) in &entries {
        let mut record = Vec::with_capacity(CENTRAL_LEN as usize + entry.len());
        record.extend_from_slice(&CENTRAL_HEADER.to_le_bytes());
        for field in [VERSION, VERSION, 0, 0, DOS_TIME, DOS_DATE] {
            record.extend_from_slice(&field.to_le_bytes());
        }
        for field in [*crc, narrow(*size), narrow(*size)] {
            record.extend_from_slice(&field.to_le_bytes());
        }
        for field in [entry.len() as u16, 0, 0, 0, 0] {
            record.extend_from_slice(&field.to_le_bytes());
        }
        for field in [0u32, narrow(*local)] {
            record.extend_from_slice(&field.to_le_bytes());
        }
        record.extend_from_slice(entry.as_bytes());
        write(&mut out, &record)?;
        offset += record.len() as u64;
    }
    let count = entries.len() as u16;
    let mut end = Vec::with_capacity(END_LEN as usize);
    end.extend_from_slice(&END_OF_DIRECTORY.to_le_bytes());
    for field in [0, 0, count, count] {
        end.extend_from_slice(&field.to_le_bytes());
    }
    for field in [narrow(offset - directory_start), narrow(directory_start)] {
        end.extend_from_slice(&field.to_le_bytes());
    }
    end.extend_from_slice(&0u16.to_le_bytes());
    write(&mut out, &end)?;
    out.into_inner()
        .map_err(|e| IoError::file("write", temp, e.into_error()))?
        .sync_all()
        .map_err(|e| IoError::file("write", temp, e))
}

/// A size or offset within the archive as the 32 bits ZIP stores: the
/// archive's size was checked to fit before anything was written.
fn narrow(x: u64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// The CRC-32 and size of the file at `path`.
fn checksum(path: &Path) -> Result<(u32, u64), IoError> {
    let file = File::open(path).map_err(|e| IoError::file("read", path, e))?;
    let mut reader = CrcReader::new(BufReader::with_capacity(1 << 16, file));
    let size = std::io::copy(&mut reader, &mut std::io::sink())
        .map_err(|e| IoError::file("read", path, e))?;
    Ok((reader.hasher.finalize(), size))
}

/// A reader that computes the CRC-32 of what passes through it.
struct CrcReader<R> {
    inner: R,
    hasher: crc32fast::Hasher,
}

impl<R> CrcReader<R> {
    fn new(inner: R) -> Self {
        CrcReader {
            inner,
            hasher: crc32fast::Hasher::new(),
        }
    }
}

impl<R: Read> Read for CrcReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.hasher.update(buffer.get(..n).unwrap_or_default());
        Ok(n)
    }
}

/// Reads the array `column` (1-D, of `T`) from the `.npz` archive at `path`
/// (written by [`write_npz`] or numpy's `np.savez`).
///
/// # Errors
/// [`IoError::File`] if the file cannot be read; [`IoError::Npy`] if it is
/// not a ZIP archive, is cut off, has no array `column` (the message lists
/// those it has), holds it compressed (`np.savez_compressed`), encrypted or
/// in ZIP64 form, or its bytes do not match their CRC-32; otherwise as
/// [`read_npy`](crate::io::read_npy) for the array itself.
///
/// ```
/// use dataspace::io::{read_npz, write_npz, Column, IoError};
///
/// let path = std::env::temp_dir().join(format!("dataspace-doc-read-npz-{}.npz", std::process::id()));
/// write_npz(&path, &[&Column::new("r", &[1.0f64, 2.0])])?;
/// assert_eq!(read_npz::<f64>(&path, "r")?, [1.0, 2.0]);
/// let missing = read_npz::<f64>(&path, "v").unwrap_err();
/// assert!(missing.to_string().contains("has no array `v` (it has: r)"));
/// std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_npz<T: Scalar>(path: &Path, column: &str) -> Result<Vec<T>, IoError> {
    let malformed = |message: String| IoError::Npy {
        path: path.to_path_buf(),
        message,
    };
    let read_error = |e| IoError::file("read", path, e);
    let mut file = File::open(path).map_err(read_error)?;
    let file_len = file.metadata().map_err(read_error)?.len();
    // The end record, found from the end (it may be followed by a comment
    // of up to 65,535 bytes).
    let tail_len = file_len.min(END_LEN + u64::from(u16::MAX));
    let mut tail = vec![0u8; tail_len as usize];
    file.seek(SeekFrom::Start(file_len - tail_len))
        .map_err(read_error)?;
    file.read_exact(&mut tail).map_err(read_error)?;
    let end = (0..=tail.len().saturating_sub(END_LEN as usize))
        .rev()
        .find(|&at| le32(&tail, at) == Some(END_OF_DIRECTORY))
        .ok_or_else(|| malformed("is not a ZIP archive (no end-of-directory record)".to_owned()))?;
    let (Some(entries), Some(directory_len), Some(directory_start)) = (
        le16(&tail, end + 10),
        le32(&tail, end + 12),
        le32(&tail, end + 16),
    ) else {
        return Err(malformed(
            "is cut off in its end-of-directory record".to_owned(),
        ));
    };
    if entries == u16::MAX || directory_len == u32::MAX || directory_start == u32::MAX {
        return Err(malformed(
            "is a ZIP64 archive, which this reader does not read".to_owned(),
        ));
    }
    let directory_end = u64::from(directory_start) + u64::from(directory_len);
    if directory_end > file_len {
        return Err(malformed(format!(
            "says its directory ends at byte {directory_end}, past its end ({file_len} bytes)"
        )));
    }
    let mut directory = vec![0u8; directory_len as usize];
    file.seek(SeekFrom::Start(u64::from(directory_start)))
        .map_err(read_error)?;
    file.read_exact(&mut directory).map_err(read_error)?;

    let wanted = entry_name(column);
    let mut names = Vec::new();
    let mut at = 0usize;
    for _ in 0..entries {
        let field16 = |k: usize| le16(&directory, at + k);
        let field32 = |k: usize| le32(&directory, at + k);
        let (Some(CENTRAL_HEADER), Some(flags), Some(method), Some(crc), Some(stored), Some(size)) = (
            field32(0),
            field16(8),
            field16(10),
            field32(16),
            field32(20),
            field32(24),
        ) else {
            return Err(malformed("has a damaged directory".to_owned()));
        };
        let (Some(name_len), Some(extra_len), Some(comment_len), Some(local)) =
            (field16(28), field16(30), field16(32), field32(42))
        else {
            return Err(malformed("has a damaged directory".to_owned()));
        };
        let name_start = at + CENTRAL_LEN as usize;
        let name = directory
            .get(name_start..name_start + usize::from(name_len))
            .map(|bytes| String::from_utf8_lossy(bytes).into_owned())
            .ok_or_else(|| malformed("has a damaged directory".to_owned()))?;
        at = name_start + usize::from(name_len) + usize::from(extra_len) + usize::from(comment_len);
        if name != wanted {
            names.push(name.strip_suffix(".npy").unwrap_or(&name).to_owned());
            continue;
        }
        if flags & 1 != 0 {
            return Err(malformed(format!("holds `{column}` encrypted")));
        }
        if method != 0 {
            return Err(malformed(format!(
                "holds `{column}` compressed (method {method}, as np.savez_compressed writes): only stored entries (np.savez) are read"
            )));
        }
        if stored != size || size == u32::MAX || local == u32::MAX {
            return Err(malformed(format!(
                "holds `{column}` in a form this reader does not read (ZIP64, or sizes that disagree)"
            )));
        }
        // The local header repeats the name and may carry its own extra field.
        let mut local_header = [0u8; LOCAL_LEN as usize];
        file.seek(SeekFrom::Start(u64::from(local)))
            .map_err(read_error)?;
        file.read_exact(&mut local_header)
            .map_err(|_| malformed(format!("is cut off before `{column}`")))?;
        let (Some(LOCAL_HEADER), Some(local_name), Some(local_extra)) = (
            le32(&local_header, 0),
            le16(&local_header, 26),
            le16(&local_header, 28),
        ) else {
            return Err(malformed(format!("has a damaged header for `{column}`")));
        };
        let data = u64::from(local) + LOCAL_LEN + u64::from(local_name) + u64::from(local_extra);
        if data + u64::from(size) > file_len {
            return Err(malformed(format!("is cut off inside `{column}`")));
        }
        file.seek(SeekFrom::Start(data)).map_err(read_error)?;
        let entry_path = path.join(&wanted);
        let mut reader = CrcReader::new(BufReader::with_capacity(
            1 << 16,
            (&mut file).take(u64::from(size)),
        ));
        let values = read_from::<T>(&mut reader, u64::from(size), &entry_path)?;
        // read_from consumed exactly `size` bytes; the checksum covers them all.
        if reader.hasher.finalize() != crc {
            return Err(malformed(format!(
                "holds `{column}` with bytes that do not match their CRC-32"
            )));
        }
        return Ok(values);
    }
    names.sort();
    Err(malformed(format!(
        "has no array `{column}` (it has: {})",
        names.join(", ")
    )))
}

/// The little-endian `u16` at `at`, if the bytes are there.
fn le16(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes(pair.try_into().ok()?))
}

/// The little-endian `u32` at `at`, if the bytes are there.
fn le32(bytes: &[u8], at: usize) -> Option<u32> {
    let quad = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(quad.try_into().ok()?))
}
