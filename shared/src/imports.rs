//! What every CSV import reports about a row it rejected.

use serde::{Deserialize, Serialize};

/// A rejected row: `{line, code, message}`. The other rows of the file are still imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowError {
    /// 1-based line number in the file; the header is line 1.
    pub line: u64,
    /// Stable code, e.g. `missing_column`, `invalid_utf8`, `empty_name`, `invalid_name`,
    /// `invalid_phone`; each import documents its own.
    pub code: String,
    /// What was wrong, naming the column; values are clipped to 40 characters.
    pub message: String,
}
