//! Reading an import CSV row by row: UTF-8 with an optional BOM, a header row naming the
//! columns (any order, case-insensitive), blank lines skipped, each row's fields trimmed.
//! A row that cannot be read is reported with its line number and a stable code —
//! `missing_column` (fewer fields than needed) or `invalid_utf8` — and reading goes on.

use jifen_shared::imports::RowError;

/// A CSV file whose header has been read.
pub struct CsvTable<'a> {
    bytes: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    columns: Vec<String>,
    record: csv::ByteRecord,
}

impl<'a> CsvTable<'a> {
    /// Reads the header row of `bytes`. Errors: no header row.
    pub fn new(bytes: &'a [u8]) -> Result<CsvTable<'a>, String> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(true)
            .from_reader(bytes);
        let header = reader.byte_headers().map_err(|e| e.to_string())?;
        let columns: Vec<String> = header
            .iter()
            .map(|c| String::from_utf8_lossy(c).trim().to_ascii_lowercase())
            .collect();
        if columns.iter().all(String::is_empty) {
            return Err("the file has no header row".into());
        }
        Ok(CsvTable {
            bytes,
            reader,
            columns,
            record: csv::ByteRecord::new(),
        })
    }

    /// The header's column names, lower-cased.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The index of column `name` (lower case).
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The line a record starts on. The csv crate reports the position where it started
    /// reading, before the blank lines it skips; step over them.
    fn first_line(&self, position: &csv::Position) -> u64 {
        let mut line = position.line();
        for &b in self.bytes.iter().skip(position.byte() as usize) {
            match b {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
        }
        line
    }

    /// The next non-blank row: its line number and its trimmed fields (at least `needed`
    /// of them), or why it cannot be read. `None` at the end of the file.
    pub fn next_row(&mut self, needed: usize) -> Option<(u64, Result<Vec<String>, RowError>)> {
        loop {
            let before = self.reader.position().line();
            let fail = |line: u64, code: &str, message: String| {
                Some((
                    line,
                    Err(RowError {
                        line,
                        code: code.into(),
                        message,
                    }),
                ))
            };
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                // Only I/O-level failures reach here (flexible mode accepts ragged rows).
                Err(e) => {
                    let line = e.position().map_or(before, |p| p.line());
                    return fail(line, "invalid_input", e.to_string());
                }
            }
            let line = self
                .record
                .position()
                .map_or(before, |p| self.first_line(p));
            let blank = self.record.len() == 1
                && self
                    .record
                    .get(0)
                    .is_some_and(|f| f.iter().all(u8::is_ascii_whitespace));
            if blank {
                continue;
            }
            if self.record.len() < needed {
                let message = format!(
                    "expected {} columns, found {}",
                    self.columns.len(),
                    self.record.len()
                );
                return fail(line, "missing_column", message);
            }
            let fields: Result<Vec<String>, _> = self
                .record
                .iter()
                .map(|f| std::str::from_utf8(f).map(|s| s.trim().to_owned()))
                .collect();
            return match fields {
                Ok(fields) => Some((line, Ok(fields))),
                Err(_) => fail(line, "invalid_utf8", "the row is not valid UTF-8".into()),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_with_line_numbers_and_problems() {
        let csv = b"\xEF\xBB\xBFName, Phone\n\nzhang, 1\nli\nwang,\"\xFF\"\n\"multi\nline\",2\n";
        let mut table = CsvTable::new(csv).unwrap();
        assert_eq!(table.columns(), ["name", "phone"]);
        assert_eq!(table.column("phone"), Some(1));
        let mut seen = Vec::new();
        while let Some((line, row)) = table.next_row(2) {
            seen.push((line, row.map_err(|e| e.code)));
        }
        assert_eq!(
            seen,
            [
                (3, Ok(vec!["zhang".to_owned(), "1".to_owned()])),
                (4, Err("missing_column".to_owned())),
                (5, Err("invalid_utf8".to_owned())),
                (6, Ok(vec!["multi\nline".to_owned(), "2".to_owned()])),
            ]
        );
    }

    #[test]
    fn empty_input_has_no_header() {
        assert!(CsvTable::new(b"").is_err());
    }
}
