//! `.npz` archives: numpy's `np.savez` format, a ZIP archive of one `.npy`
//! file per named array, stored without compression. Written as numpy
//! writes it; read without trusting it, as `.npy` files are: the archive's
//! directory is checked against the file's size before anything is read,
//! and each entry's CRC-32 is checked as its values are decoded.
//!
//! The ZIP structures used (all little-endian): a local header, then the
//! entry's bytes, per entry; then a central directory of one record per
//! entry and the end-of-central-directory record. Past the classic
//! format's 32-bit sizes and offsets and 16-bit entry count, ZIP64 (as
//! Python's `zipfile` writes it, so numpy reads it): an entry whose size or
//! offset does not fit carries its 64-bit values in an extra field of
//! type 1 (local header: both sizes; directory: both sizes and the offset),
//! and an archive whose entry count or directory does not fit ends with a
//! ZIP64 end record and its locator before the classic end record, whose
//! fields then hold their maximum. Compression and encryption are reported
//! as errors, never guessed at.

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
const ZIP64_END: u32 = 0x0606_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
/// The extra field that holds an entry's 64-bit sizes and offset.
const ZIP64_EXTRA: u16 = 1;
/// Sizes of the fixed parts of the records.
const LOCAL_LEN: u64 = 30;
const CENTRAL_LEN: u64 = 46;
const END_LEN: u64 = 22;
const ZIP64_END_LEN: u64 = 56;
const ZIP64_LOCATOR_LEN: u64 = 20;
/// ZIP 2.0, the version that stored entries need; 4.5 for ZIP64.
const VERSION: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// A 32-bit field that says "see the ZIP64 value" (and the largest value
/// a classic field holds is one less).
const MAX32: u64 = 0xFFFF_FFFF;
/// The 16-bit entry count's "see the ZIP64 end record".
const MAX16: u64 = 0xFFFF;
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
/// Archives of 4 GiB and more, or of 65,535 columns and more, are ZIP64
/// archives, as numpy's own `np.savez` (Python's `zipfile`) writes them.
///
/// # Errors
/// As [`write_npy`](crate::io::write_npy); [`IoError::File`] if the folder
/// of `path` does not exist (it is not created).
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
        message: format!("{what}: more than a ZIP archive holds (2^64 bytes)"),
    };
    let mut archive_len = END_LEN + ZIP64_END_LEN + ZIP64_LOCATOR_LEN;
    for (name, &dtype) in names.iter().zip(&dtypes) {
        let entry = npy::file_len(dtype, rows).and_then(|len| {
            len.checked_add(LOCAL_LEN + CENTRAL_LEN + 2 * (entry_name(name).len() as u64 + 24))
        });
        archive_len = entry
            .and_then(|entry| archive_len.checked_add(entry))
            .ok_or_else(|| too_large(format!("{rows} rows of {} columns", names.len())))?;
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
    assemble_above(temp, columns, names, MAX32)
}

/// [`assemble`], writing ZIP64 records for sizes, offsets and counts of
/// `limit` and more (`MAX32` for the format's own limits; less in tests,
/// to check the ZIP64 records on small archives).
fn assemble_above(
    temp: &Path,
    columns: &Path,
    names: &[String],
    limit: u64,
) -> Result<(), IoError> {
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
        let large = size >= limit;
        let mut header = Vec::with_capacity(LOCAL_LEN as usize + entry.len() + 20);
        put32(&mut header, LOCAL_HEADER);
        let version = if large { VERSION_ZIP64 } else { VERSION };
        for field in [version, utf8_flag(&entry), 0, DOS_TIME, DOS_DATE] {
            put16(&mut header, field);
        }
        put32(&mut header, crc);
        for _ in 0..2 {
            put32(&mut header, if large { MAX32 as u32 } else { narrow(size) });
        }
        put16(&mut header, entry.len() as u16);
        put16(&mut header, if large { 20 } else { 0 });
        header.extend_from_slice(entry.as_bytes());
        if large {
            put16(&mut header, ZIP64_EXTRA);
            put16(&mut header, 16);
            put64(&mut header, size);
            put64(&mut header, size);
        }
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
        let large = *size >= limit || *local >= limit;
        let mut record = Vec::with_capacity(CENTRAL_LEN as usize + entry.len() + 28);
        put32(&mut record, CENTRAL_HEADER);
        let version = if large { VERSION_ZIP64 } else { VERSION };
        for field in [version, version, utf8_flag(entry), 0, DOS_TIME, DOS_DATE] {
            put16(&mut record, field);
        }
        put32(&mut record, *crc);
        for _ in 0..2 {
            put32(
                &mut record,
                if large { MAX32 as u32 } else { narrow(*size) },
            );
        }
        put16(&mut record, entry.len() as u16);
        put16(&mut record, if large { 28 } else { 0 });
        for field in [0, 0, 0] {
            put16(&mut record, field);
        }
        put32(&mut record, 0);
        put32(
            &mut record,
            if large { MAX32 as u32 } else { narrow(*local) },
        );
        record.extend_from_slice(entry.as_bytes());
        if large {
            put16(&mut record, ZIP64_EXTRA);
            put16(&mut record, 24);
            for field in [*size, *size, *local] {
                put64(&mut record, field);
            }
        }
        write(&mut out, &record)?;
        offset += record.len() as u64;
    }
    let (count, directory_len) = (entries.len() as u64, offset - directory_start);
    let zip64 = count >= limit.min(MAX16) || directory_len >= limit || directory_start >= limit;
    let mut end = Vec::with_capacity((END_LEN + ZIP64_END_LEN + ZIP64_LOCATOR_LEN) as usize);
    if zip64 {
        put32(&mut end, ZIP64_END);
        put64(&mut end, ZIP64_END_LEN - 12); // the record's size after this field
        for field in [VERSION_ZIP64, VERSION_ZIP64] {
            put16(&mut end, field);
        }
        put32(&mut end, 0);
        put32(&mut end, 0);
        for field in [count, count, directory_len, directory_start] {
            put64(&mut end, field);
        }
        put32(&mut end, ZIP64_LOCATOR);
        put32(&mut end, 0);
        put64(&mut end, offset); // where the ZIP64 end record starts
        put32(&mut end, 1);
    }
    put32(&mut end, END_OF_DIRECTORY);
    put32(&mut end, 0);
    let count16 = if zip64 { MAX16 as u16 } else { count as u16 };
    put16(&mut end, count16);
    put16(&mut end, count16);
    for field in [directory_len, directory_start] {
        put32(&mut end, if zip64 { MAX32 as u32 } else { narrow(field) });
    }
    put16(&mut end, 0);
    write(&mut out, &end)?;
    out.into_inner()
        .map_err(|e| IoError::file("write", temp, e.into_error()))?
        .sync_all()
        .map_err(|e| IoError::file("write", temp, e))
}

/// The general-purpose flag of an entry named `name`: bit 11 (the name is
/// UTF-8) for a name that is not ASCII, as Python's zipfile sets it; without
/// it, readers take the name for code page 437.
fn utf8_flag(name: &str) -> u16 {
    if name.is_ascii() { 0 } else { 1 << 11 }
}

fn put16(out: &mut Vec<u8>, x: u16) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, x: u32) {
    out.extend_from_slice(&x.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, x: u64) {
    out.extend_from_slice(&x.to_le_bytes());
}

/// A size or offset within the archive as the 32 bits ZIP stores: called
/// only for values below the ZIP64 limit.
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
/// those it has), holds it compressed (`np.savez_compressed`) or
/// encrypted, or its bytes do not match their CRC-32; otherwise as
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
    let (mut entries, mut directory_len, mut directory_start) = (
        u64::from(entries),
        u64::from(directory_len),
        u64::from(directory_start),
    );
    // A ZIP64 archive: fields at their maximum, and the locator just before
    // the end record, which says where the ZIP64 end record (holding the
    // real values) is. Without a locator the fields are what they say:
    // numpy writes exactly 65,535 entries in a classic archive.
    let end_at = file_len - tail_len + end as u64;
    let locator = end_at
        .checked_sub(ZIP64_LOCATOR_LEN)
        .and_then(|at| read_at(&mut file, Some(at), ZIP64_LOCATOR_LEN))
        .filter(|locator| le32(locator, 0) == Some(ZIP64_LOCATOR));
    let at_max = entries == MAX16 || directory_len == MAX32 || directory_start == MAX32;
    if let (true, Some(locator)) = (at_max, locator) {
        let record = le64(&locator, 8)
            .and_then(|at| read_at(&mut file, Some(at), ZIP64_END_LEN))
            .ok_or_else(|| malformed("has its ZIP64 end record past its end".to_owned()))?;
        let (Some(ZIP64_END), Some(count), Some(len), Some(start)) = (
            le32(&record, 0),
            le64(&record, 32),
            le64(&record, 40),
            le64(&record, 48),
        ) else {
            return Err(malformed("has a damaged ZIP64 end record".to_owned()));
        };
        (entries, directory_len, directory_start) = (count, len, start);
    }
    let directory_end = directory_start.saturating_add(directory_len);
    if directory_end > file_len {
        return Err(malformed(format!(
            "says its directory ends at byte {directory_end}, past its end ({file_len} bytes)"
        )));
    }
    // At most the file's size, checked just above.
    let mut directory = vec![0u8; usize::try_from(directory_len).unwrap_or(usize::MAX)];
    file.seek(SeekFrom::Start(directory_start))
        .map_err(read_error)?;
    file.read_exact(&mut directory).map_err(read_error)?;

    let wanted = entry_name(column);
    let mut names = Vec::new();
    // The last entry of the name, as Python's zipfile (and so numpy) takes it.
    let mut found = None;
    let mut at = 0usize;
    for _ in 0..entries {
        let entry = Entry::parse(&directory, at)
            .ok_or_else(|| malformed("has a damaged directory".to_owned()))?;
        if entry.name == wanted {
            found = Some(at);
        } else {
            names.push(
                entry
                    .name
                    .strip_suffix(".npy")
                    .unwrap_or(&entry.name)
                    .to_owned(),
            );
        }
        at = entry.next;
    }
    let Some(Entry {
        flags,
        method,
        crc,
        stored,
        size,
        local,
        extra,
        ..
    }) = found.and_then(|at| Entry::parse(&directory, at))
    else {
        names.sort();
        return Err(malformed(format!(
            "has no array `{column}` (it has: {})",
            names.join(", ")
        )));
    };
    if flags & 1 != 0 {
        return Err(malformed(format!("holds `{column}` encrypted")));
    }
    if method != 0 {
        return Err(malformed(format!(
            "holds `{column}` compressed (method {method}, as np.savez_compressed writes): only stored entries (np.savez) are read"
        )));
    }
    // Fields at their maximum are in the ZIP64 extra field, in this order.
    let mut wide = [size, stored, local].map(u64::from);
    let mut values = zip64_values(extra);
    for field in &mut wide {
        if *field == MAX32 {
            *field = values
                .next()
                .ok_or_else(|| malformed(format!("holds `{column}` with a damaged ZIP64 field")))?;
        }
    }
    let [size, stored, local] = wide;
    if stored != size {
        return Err(malformed(format!(
            "holds `{column}` with sizes that disagree ({stored} stored, {size} in all)"
        )));
    }
    // The local header repeats the name and may carry its own extra field.
    let mut local_header = [0u8; LOCAL_LEN as usize];
    file.seek(SeekFrom::Start(local)).map_err(read_error)?;
    file.read_exact(&mut local_header)
        .map_err(|_| malformed(format!("is cut off before `{column}`")))?;
    let (Some(LOCAL_HEADER), Some(local_name), Some(local_extra)) = (
        le32(&local_header, 0),
        le16(&local_header, 26),
        le16(&local_header, 28),
    ) else {
        return Err(malformed(format!("has a damaged header for `{column}`")));
    };
    let data = local + LOCAL_LEN + u64::from(local_name) + u64::from(local_extra);
    if data.checked_add(size).is_none_or(|end| end > file_len) {
        return Err(malformed(format!("is cut off inside `{column}`")));
    }
    file.seek(SeekFrom::Start(data)).map_err(read_error)?;
    let entry_path = path.join(&wanted);
    let mut reader = CrcReader::new(BufReader::with_capacity(1 << 16, (&mut file).take(size)));
    let values = read_from::<T>(&mut reader, size, &entry_path)?;
    // read_from consumed exactly `size` bytes; the checksum covers them all.
    if reader.hasher.finalize() != crc {
        return Err(malformed(format!(
            "holds `{column}` with bytes that do not match their CRC-32"
        )));
    }
    Ok(values)
}

/// One record of the central directory.
struct Entry<'a> {
    flags: u16,
    method: u16,
    crc: u32,
    stored: u32,
    size: u32,
    local: u32,
    name: String,
    extra: &'a [u8],
    /// Where the next record starts.
    next: usize,
}

impl<'a> Entry<'a> {
    /// The record at `at` of `directory`, if it is whole.
    fn parse(directory: &'a [u8], at: usize) -> Option<Self> {
        let field16 = |k: usize| le16(directory, at + k);
        let field32 = |k: usize| le32(directory, at + k);
        if field32(0)? != CENTRAL_HEADER {
            return None;
        }
        let (name_len, extra_len, comment_len) = (
            usize::from(field16(28)?),
            usize::from(field16(30)?),
            usize::from(field16(32)?),
        );
        let name_start = at + CENTRAL_LEN as usize;
        let name = directory.get(name_start..name_start + name_len)?;
        let extra_start = name_start + name_len;
        Some(Entry {
            flags: field16(8)?,
            method: field16(10)?,
            crc: field32(16)?,
            stored: field32(20)?,
            size: field32(24)?,
            local: field32(42)?,
            name: String::from_utf8_lossy(name).into_owned(),
            extra: directory.get(extra_start..extra_start + extra_len)?,
            next: extra_start + extra_len + comment_len,
        })
    }
}

/// The 64-bit values of the ZIP64 extra field among an entry's extra
/// fields, in order (none if it has none).
fn zip64_values(extra: &[u8]) -> impl Iterator<Item = u64> + '_ {
    let mut at = 0;
    let mut field = None;
    while let (Some(id), Some(len)) = (le16(extra, at), le16(extra, at + 2)) {
        let body = extra.get(at + 4..at + 4 + usize::from(len));
        if id == ZIP64_EXTRA {
            field = body;
            break;
        }
        at += 4 + usize::from(len);
    }
    field
        .unwrap_or_default()
        .chunks_exact(8)
        .filter_map(|eight| Some(u64::from_le_bytes(eight.try_into().ok()?)))
}

/// `len` bytes of `file` at `at`, if they are all there.
fn read_at(file: &mut File, at: Option<u64>, len: u64) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; usize::try_from(len).ok()?];
    file.seek(SeekFrom::Start(at?)).ok()?;
    file.read_exact(&mut bytes).ok()?;
    Some(bytes)
}

/// The little-endian `u64` at `at`, if the bytes are there.
fn le64(bytes: &[u8], at: usize) -> Option<u64> {
    let eight = bytes.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(eight.try_into().ok()?))
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

#[cfg(test)]
mod tests {
    use super::{MAX32, assemble_above, read_npz};
    use crate::io::{Column, Table, write_npy};

    /// ZIP64 records written below the format's limits read back as the
    /// classic ones do: every entry's, or only those past a size or offset.
    #[test]
    fn zip64_records_read_back_at_any_limit() {
        let dir = std::env::temp_dir().join(format!("dataspace-npz-zip64-{}", std::process::id()));
        let small: Vec<f32> = (0..3).map(|i| i as f32 * 0.5).collect();
        let large: Vec<f64> = (0..100).map(|i| f64::from(i).sqrt()).collect();
        let ids: Vec<i64> = (0..40).map(|i| i64::MIN + i).collect();
        let columns = dir.join("columns");
        let (a, b, c) = (
            Column::new("a", &small),
            Column::new("b", &large[..3]),
            Column::new("c", &ids[..3]),
        );
        let tables: [&dyn Table; 3] = [&a, &b, &c];
        write_npy(&columns, &tables).unwrap();
        let names = ["a".to_owned(), "b".to_owned(), "c".to_owned()];
        // 0: everything ZIP64; 200: the entries past byte 200 and the
        // directory; MAX32: classic.
        for limit in [0, 200, MAX32] {
            let archive = dir.join(format!("z{limit}.npz"));
            assemble_above(&archive, &columns, &names, limit).unwrap();
            assert_eq!(read_npz::<f32>(&archive, "a").unwrap(), small);
            assert_eq!(read_npz::<f64>(&archive, "b").unwrap(), large[..3]);
            assert_eq!(read_npz::<i64>(&archive, "c").unwrap(), ids[..3]);
            let bytes = std::fs::read(&archive).unwrap();
            let has_locator = bytes.windows(4).any(|w| w == 0x0706_4b50u32.to_le_bytes());
            assert_eq!(has_locator, limit < MAX32, "limit {limit}");
            // Every prefix of a ZIP64 archive is an error, never a panic.
            if limit == 0 {
                for cut in 0..bytes.len() {
                    let broken = dir.join("broken.npz");
                    std::fs::write(&broken, &bytes[..cut]).unwrap();
                    assert!(read_npz::<f32>(&broken, "a").is_err(), "cut at {cut}");
                }
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
