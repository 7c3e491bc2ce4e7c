//! `?limit=&cursor=` of every list (API.md, "Lists"): limit 1–100, default 20; the cursor is
//! the opaque `next_cursor` of the previous page (today the last id seen).

pub use jifen_shared::PageQuery;
use jifen_shared::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};

use super::ApiError;

/// Checks a list's paging query.
pub trait CheckPage {
    /// The checked limit and cursor. Errors: 400 `invalid_input` naming `limit` or `cursor`.
    fn parse(&self) -> Result<(u32, Option<i64>), ApiError>;
}

impl CheckPage for PageQuery {
    fn parse(&self) -> Result<(u32, Option<i64>), ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE_LIMIT);
        if !(1..=MAX_PAGE_LIMIT).contains(&limit) {
            return Err(ApiError::invalid_input(format!(
                "limit: between 1 and {MAX_PAGE_LIMIT}"
            )));
        }
        let cursor = match &self.cursor {
            Some(c) => Some(
                c.parse::<i64>()
                    .ok()
                    .filter(|c| *c >= 0)
                    .ok_or_else(|| ApiError::invalid_input("cursor: not one this API gave"))?,
            ),
            None => None,
        };
        Ok((limit, cursor))
    }
}
