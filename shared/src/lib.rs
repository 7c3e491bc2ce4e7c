//! Jifen's shared vocabulary: the domain and wire types that the server and the PWA exchange.
//!
//! This crate does no I/O and compiles for `wasm32-unknown-unknown` as well as the host. It is
//! the one place a wire type is defined (see `DESIGN.md`). With the `openapi` feature (the
//! server turns it on) every wire type also derives its OpenAPI schema.

pub mod api;
pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod error;
pub mod imports;
pub mod media;
pub mod ops;
pub mod people;
pub mod points;
pub mod proxy;
pub mod recycling;
pub mod regions;
pub mod reports;
pub mod services;
pub mod shop;
pub mod text;

pub use error::{ApiErrorBody, ErrorCode};

use serde::{Deserialize, Serialize};

/// A page of a list: `{items, next_cursor}` (API.md, "Lists").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A page from `items` read with one more than `limit` (the way every list is queried):
    /// the extra item, if there, is dropped and says there is a next page, whose cursor is
    /// `cursor_of` the last item kept.
    pub fn from_overfetch(
        mut items: Vec<T>,
        limit: usize,
        cursor_of: impl Fn(&T) -> i64,
    ) -> Page<T> {
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|t| cursor_of(t).to_string())
        } else {
            None
        };
        Page { items, next_cursor }
    }
}

/// The most items a page holds (`?limit=`, API.md "Lists"); the OpenAPI document says the same
/// (`maximum` of every `limit`, checked by `server/tests/openapi.rs`).
pub const MAX_PAGE_LIMIT: u32 = 100;

/// The items of a page when `?limit=` is absent.
pub const DEFAULT_PAGE_LIMIT: u32 = 20;

/// The shape of a cursor the server gives (`next_cursor`) and takes back (`?cursor=`): opaque
/// to clients, today the decimal id of the last item seen (at most 18 digits, so it never
/// overflows). The OpenAPI `pattern` of every `cursor`.
pub const CURSOR_PATTERN: &str = "^[0-9]{1,18}$";

/// The paging part of a list's query string, `?limit=&cursor=` (API.md, "Lists").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct PageQuery {
    /// 1–100, default 20.
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 100))]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    #[cfg_attr(feature = "openapi", param(pattern = "^[0-9]{1,18}$"))]
    pub cursor: Option<String>,
}
