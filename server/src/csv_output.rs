//! CSV files the server hands out (statements, reports): UTF-8 with a byte-order mark, so
//! Excel on Windows reads the Chinese correctly, and text cells a spreadsheet will not run as
//! formulas (OWASP's advice against CSV injection; names are typed by staff and villagers).

/// A text cell a spreadsheet will not run as a formula: a leading `=`, `+`, `-` or `@` gets
/// a `'` before it.
pub fn inert(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// A CSV writer into memory that has already written the byte-order mark.
pub fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec())
}

/// The bytes written by `w` (from [`writer`]).
pub fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    w.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_made_inert_and_the_file_starts_with_a_bom() {
        assert_eq!(inert("=1+1"), "'=1+1");
        assert_eq!(inert("-3"), "'-3");
        assert_eq!(inert("@x"), "'@x");
        assert_eq!(inert("+86"), "'+86");
        assert_eq!(inert("柳村"), "柳村");
        let mut w = writer();
        w.write_record(["a", "b"]).unwrap();
        assert_eq!(finish(w).unwrap(), b"\xEF\xBB\xBFa,b\n");
    }
}
