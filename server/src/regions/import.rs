//! Loading the NBS division CSVs (`jifen import-divisions`).
//!
//! Any file of the NBS set is accepted — provinces, cities, areas, streets or villages, plain
//! or gzipped (recognised by the gzip magic bytes, not the file name) — and its level is
//! recognised from the header row, whatever the column order:
//!
//! | header has | level | parent column |
//! | --- | --- | --- |
//! | `streetCode` | village | `streetCode` |
//! | `areaCode` (no `streetCode`) | township | `areaCode` |
//! | `cityCode` (no `areaCode`) | county | `cityCode` |
//! | `provinceCode` only | prefecture | `provinceCode` |
//! | `code,name` only | province | — |
//!
//! Levels above the county are kept as the county's ancestors (breadcrumbs, national scale).
//!
//! Rules:
//! - a row is checked on its own; a bad row is reported with its 1-based line number and a
//!   stable code, and every good row is still loaded:
//!   `missing_column` (fewer fields than the header), `invalid_utf8`, `invalid_code` (not the
//!   level's number of digits), `empty_name`, `invalid_name` (control, zero-width or bidi
//!   characters, or longer than 100 characters), `parent_mismatch` (the parent column is not the
//!   code's prefix), `duplicate_code` (the code appeared earlier in the file with another name;
//!   the first one is kept; an identical repeat is ignored); values are clipped to 40
//!   characters in messages;
//! - gzip input may decompress to at most 1 GiB;
//! - names are trimmed and NFC-normalised;
//! - loading is an upsert on the code: a new code is inserted, a renamed or re-parented one
//!   updated, an identical one left alone, so running an import twice changes nothing.

use std::collections::HashMap;
use std::io::Read;

use jifen_shared::regions::RegionLevel;

use super::storage::{self, RegionRow};
use crate::csv_input::CsvTable;
use crate::storage::{Db, StorageError};
use crate::text::{self, clip};
pub use jifen_shared::imports::RowError;

/// What one file's import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The level recognised from the header.
    pub level: RegionLevel,
    /// Data rows read (header excluded).
    pub rows: u64,
    /// Codes that were new.
    pub inserted: u64,
    /// Codes whose name or parent changed.
    pub updated: u64,
    /// Good rows already present exactly as given (including identical repeats in the file).
    pub unchanged: u64,
    /// Rows rejected, in file order.
    pub errors: Vec<RowError>,
}

/// A file that cannot be imported at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("not an NBS division CSV: {0}")]
    UnknownHeader(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Storage(e.into())
    }
}

/// The good rows and the rejected ones of one file.
#[derive(Debug)]
pub struct Parsed {
    pub level: RegionLevel,
    pub rows: Vec<RegionRow>,
    /// Identical repeats of an earlier row, ignored.
    pub repeats: u64,
    pub errors: Vec<RowError>,
    pub total: u64,
}

/// At most this many bytes come out of a gzip file (the national villages file is ~60 MiB):
/// a small "gzip bomb" must not take the machine's memory.
pub const MAX_DECOMPRESSED: u64 = 1024 * 1024 * 1024;

/// `bytes` gunzipped when they are gzip (magic `1f 8b`), else as they are; gzip data may
/// decompress to at most `limit` bytes.
fn decompress(bytes: &[u8], limit: u64) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 4);
        flate2::read::MultiGzDecoder::new(bytes)
            .take(limit + 1)
            .read_to_end(&mut out)?;
        if out.len() as u64 > limit {
            return Err(std::io::Error::other(format!(
                "it decompresses to more than {} MiB",
                limit / 1024 / 1024
            )));
        }
        Ok(out.into())
    } else {
        Ok(bytes.into())
    }
}

/// The longest region name accepted, in characters (NBS names are at most a few dozen).
pub const MAX_NAME_CHARS: usize = 100;

/// Parses a division CSV (plain or gzipped) into rows to load and rows rejected.
///
/// Errors: [`ImportError::UnknownHeader`] when the header is not one of the NBS files', or
/// [`ImportError::Io`] when gzip data is corrupt.
pub fn parse(bytes: &[u8]) -> Result<Parsed, ImportError> {
    let bytes = decompress(bytes, MAX_DECOMPRESSED)?;
    let mut table = CsvTable::new(&bytes).map_err(ImportError::UnknownHeader)?;
    let (Some(code_col), Some(name_col)) = (table.column("code"), table.column("name")) else {
        return Err(ImportError::UnknownHeader(format!(
            "the header row must have code and name columns, found {:?}",
            table.columns().join(",")
        )));
    };
    let (level, parent_col) = if let Some(c) = table.column("streetcode") {
        (RegionLevel::Village, Some(c))
    } else if let Some(c) = table.column("areacode") {
        (RegionLevel::Township, Some(c))
    } else if let Some(c) = table.column("citycode") {
        (RegionLevel::County, Some(c))
    } else if let Some(c) = table.column("provincecode") {
        (RegionLevel::Prefecture, Some(c))
    } else {
        (RegionLevel::Province, None)
    };
    let digits = level.nbs_digits().expect("NBS levels have a code length");
    let parent_digits = level
        .parent()
        .and_then(RegionLevel::nbs_digits)
        .unwrap_or(0);
    let needed = code_col.max(name_col).max(parent_col.unwrap_or(0)) + 1;

    let mut parsed = Parsed {
        level,
        rows: Vec::new(),
        repeats: 0,
        errors: Vec::new(),
        total: 0,
    };
    // code → (index in rows, line first seen)
    let mut seen: HashMap<String, (usize, u64)> = HashMap::new();
    while let Some((line, fields)) = table.next_row(needed) {
        parsed.total += 1;
        let fields = match fields {
            Ok(fields) => fields,
            Err(e) => {
                parsed.errors.push(e);
                continue;
            }
        };
        let mut fail = |code: &str, message: String| {
            parsed.errors.push(RowError {
                line,
                code: code.into(),
                message,
            });
        };
        let code = fields[code_col].as_str();
        let parent = parent_col.map(|c| fields[c].as_str());
        if code.len() != digits || !code.bytes().all(|b| b.is_ascii_digit()) {
            fail(
                "invalid_code",
                format!(
                    "code {:?} is not {digits} digits (a {level} code)",
                    clip(code)
                ),
            );
            continue;
        }
        let name = match text::name(&fields[name_col], MAX_NAME_CHARS) {
            Ok(name) => name,
            Err(e) => {
                fail(e.code(), format!("code {code}: name: {e}"));
                continue;
            }
        };
        let parent_code = match parent {
            None => None,
            Some(p) if p == &code[..parent_digits] => Some(p.to_owned()),
            Some(p) => {
                fail(
                    "parent_mismatch",
                    format!(
                        "code {code} cannot lie under {:?}: its parent is {}",
                        clip(p),
                        &code[..parent_digits]
                    ),
                );
                continue;
            }
        };
        if let Some(&(index, first_line)) = seen.get(code) {
            let first: &RegionRow = &parsed.rows[index];
            if first.name == name && first.parent_code == parent_code {
                parsed.repeats += 1;
            } else {
                fail(
                    "duplicate_code",
                    format!(
                        "code {code} is already on line {first_line} as {:?}",
                        first.name
                    ),
                );
            }
            continue;
        }
        seen.insert(code.to_owned(), (parsed.rows.len(), line));
        parsed.rows.push(RegionRow {
            code: code.to_owned(),
            name,
            level,
            parent_code,
        });
    }
    Ok(parsed)
}

/// Parses `bytes` (see [`parse`]) and upserts the good rows in one transaction.
///
/// Errors: those of [`parse`], or [`ImportError::Storage`] (nothing of the file is kept then).
pub async fn import(db: &Db, bytes: &[u8]) -> Result<ImportReport, ImportError> {
    let parsed = parse(bytes)?;
    let counts = storage::upsert(db, &parsed.rows).await?;
    Ok(ImportReport {
        level: parsed.level,
        rows: parsed.total,
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: (parsed.rows.len() as u64).saturating_sub(counts.inserted + counts.updated)
            + parsed.repeats,
        errors: parsed.errors,
    })
}

/// 长垣市's division files, compiled in (see `server/data/divisions/README.md`), top level
/// first: `(file name, contents)`.
pub const BUNDLED_CHANGYUAN: [(&str, &[u8]); 5] = [
    (
        "henan-41-province.csv",
        include_bytes!("../../data/divisions/henan-41-province.csv"),
    ),
    (
        "xinxiang-4107-prefecture.csv",
        include_bytes!("../../data/divisions/xinxiang-4107-prefecture.csv"),
    ),
    (
        "changyuan-410783-county.csv",
        include_bytes!("../../data/divisions/changyuan-410783-county.csv"),
    ),
    (
        "changyuan-410783-townships.csv",
        include_bytes!("../../data/divisions/changyuan-410783-townships.csv"),
    ),
    (
        "changyuan-410783-villages.csv",
        include_bytes!("../../data/divisions/changyuan-410783-villages.csv"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The (line, code) of each refused row.
    fn error_lines(parsed: &Parsed) -> Vec<(u64, &str)> {
        parsed
            .errors
            .iter()
            .map(|e| (e.line, e.code.as_str()))
            .collect()
    }

    #[test]
    fn recognises_each_bundled_level() {
        let levels: Vec<_> = BUNDLED_CHANGYUAN
            .iter()
            .map(|(_, b)| parse(b).unwrap().level)
            .collect();
        assert_eq!(
            levels,
            [
                RegionLevel::Province,
                RegionLevel::Prefecture,
                RegionLevel::County,
                RegionLevel::Township,
                RegionLevel::Village
            ]
        );
        let villages = parse(BUNDLED_CHANGYUAN[4].1).unwrap();
        assert_eq!(villages.rows.len(), 619);
        assert!(villages.errors.is_empty());
        let liucun = villages
            .rows
            .iter()
            .find(|r| r.code == "410783101230")
            .unwrap();
        assert_eq!(liucun.name, "留村村委会");
        assert_eq!(liucun.parent_code.as_deref(), Some("410783101"));
    }

    #[test]
    fn bad_rows_are_reported_by_line_and_good_rows_kept() {
        let mut csv = b"code,name,areaCode,provinceCode,cityCode\n".to_vec();
        csv.extend_from_slice(
            b"410783101,\"\xE6\xA8\x8A\xE7\x9B\xB8\xE9\x95\x87\",410783,41,4107\n",
        ); // 2 樊相镇
        csv.extend_from_slice(b"410783102,\"\",410783,41,4107\n"); // 3 empty name
        csv.extend_from_slice(b"410783103,\"x\"\n"); // 4 missing column
        csv.extend_from_slice(b"410783101,\"other\",410783,41,4107\n"); // 5 duplicate, other name
        csv.extend_from_slice(b"410783104,\"\xFF\xFE\",410783,41,4107\n"); // 6 not UTF-8
        csv.extend_from_slice(b"41078310,\"short\",410783,41,4107\n"); // 7 bad code
        csv.extend_from_slice(b"410783105,\"elsewhere\",410784,41,4107\n"); // 8 parent mismatch
        csv.extend_from_slice(
            b"410783101,\"\xE6\xA8\x8A\xE7\x9B\xB8\xE9\x95\x87\",410783,41,4107\n",
        ); // 9 identical repeat
        csv.extend_from_slice(b"410783106,\" ok \",410783,41,4107\n"); // 10 good
        let parsed = parse(&csv).unwrap();
        assert_eq!(
            error_lines(&parsed),
            [
                (3, "empty_name"),
                (4, "missing_column"),
                (5, "duplicate_code"),
                (6, "invalid_utf8"),
                (7, "invalid_code"),
                (8, "parent_mismatch"),
            ]
        );
        let codes: Vec<_> = parsed
            .rows
            .iter()
            .map(|r| (r.code.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(codes, [("410783101", "樊相镇"), ("410783106", "ok")]);
        assert_eq!(parsed.repeats, 1);
        assert_eq!(parsed.total, 9);
    }

    #[test]
    fn gzip_and_bom_and_column_order_are_handled() {
        use std::io::Write;
        let plain = "\u{FEFF}name,provinceCode,code\n\"新乡市\",41,4107\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(plain.as_bytes()).unwrap();
        let parsed = parse(&gz.finish().unwrap()).unwrap();
        assert_eq!(parsed.level, RegionLevel::Prefecture);
        assert_eq!(parsed.rows[0].code, "4107");
        assert_eq!(parsed.rows[0].parent_code.as_deref(), Some("41"));
    }

    #[test]
    fn invisible_characters_and_overlong_names_are_refused() {
        let long = "长".repeat(101);
        let csv = format!(
            "code,name\n11,\"a\u{0}b\"\n12,\"x\u{202E}y\"\n13,\"{long}\"\n14,\"two\nlines\"\n15,\"ok\"\n"
        );
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(
            error_lines(&parsed),
            [
                (2, "invalid_name"),
                (3, "invalid_name"),
                (4, "invalid_name"),
                (5, "invalid_name")
            ]
        );
        assert_eq!(parsed.rows.len(), 1);
        assert!(parsed.errors[2].message.contains("101 characters"));
    }

    #[test]
    fn gzip_bombs_are_refused() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![0u8; 3 << 20]).unwrap();
        let bomb = gz.finish().unwrap();
        let err = decompress(&bomb, 2 << 20).unwrap_err().to_string();
        assert!(err.contains("more than 2 MiB"), "{err}");
        assert_eq!(decompress(&bomb, 3 << 20).unwrap().len(), 3 << 20);
    }

    #[test]
    fn names_are_nfc_normalised() {
        // "é" as e + combining acute accent.
        let parsed = parse("code,name\n11,\"Cafe\u{301}\"\n".as_bytes()).unwrap();
        assert_eq!(parsed.rows[0].name, "Caf\u{e9}");
    }

    #[test]
    fn unknown_headers_are_refused() {
        assert!(matches!(
            parse(b"id,title\n1,x\n"),
            Err(ImportError::UnknownHeader(_))
        ));
        assert!(matches!(parse(b""), Err(ImportError::UnknownHeader(_))));
    }
}
