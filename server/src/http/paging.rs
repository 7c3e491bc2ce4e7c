//! `?limit=&cursor=` of every list (API.md, "Lists"): limit 1–100, default 20; the cursor is
//! the opaque `next_cursor` of the previous page (today the last id seen).

use serde::Deserialize;

use super::ApiError;

/// The paging part of a list's query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct PageQuery {
    /// 1–100, default 20.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The checked limit and cursor. Errors: 400 `invalid_input` naming `limit` or `cursor`.
    pub fn parse(&self) -> Result<(u32, Option<i64>), ApiError> {
        let limit = self.limit.unwrap_or(20);
        if !(1..=100).contains(&limit) {
            return Err(ApiError::invalid_input("limit: between 1 and 100"));
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
