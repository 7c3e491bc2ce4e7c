//! The HTTP layer's pieces every domain's routes use: the JSON error model ([`ApiError`]),
//! the client's address behind trusted proxies, `Idempotency-Key` replays, list paging and
//! request deadlines.
//! A leaf: it knows no domain; the application itself is assembled in [`crate::startup`].

pub mod client_ip;
pub mod deadline;
pub mod error;
pub mod idempotency;
pub mod paging;

pub use client_ip::client_ip;
pub use error::ApiError;

/// What a handler answers: a response, or an [`ApiError`] in the JSON error model.
pub type Reply = Result<actix_web::HttpResponse, ApiError>;
