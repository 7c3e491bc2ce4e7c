//! Jifen's shared vocabulary: the domain and wire types that the server and the PWA exchange.
//!
//! This crate does no I/O and compiles for `wasm32-unknown-unknown` as well as the host. It is
//! the one place a wire type is defined (see `DESIGN.md`). With the `openapi` feature (the
//! server turns it on) every wire type also derives its OpenAPI schema.

pub mod audit;
pub mod auth;
pub mod error;
pub mod imports;
pub mod ops;
pub mod people;
pub mod regions;

pub use error::{ApiErrorBody, ErrorCode};
