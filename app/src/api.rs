//! Talking to the server: `GET`s returning `jifen-shared` types, failures sorted into what a
//! person can act on.

use jifen_shared::{ApiErrorBody, ErrorCode};
use serde::de::DeserializeOwned;

/// Why a request did not give what was asked.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// No answer at all: offline, timed out, or the connection dropped.
    Network,
    /// The server answered with an error body.
    Server(ApiErrorBody),
    /// The server answered something that is not what this version of the app expects.
    Unexpected(String),
}

impl ApiFailure {
    /// The stable error code, when the server gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiFailure::Server(body) => Some(body.code),
            _ => None,
        }
    }
}

/// `GET /api/v1{path}` and decode the JSON body as `T`.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let response = gloo_net::http::Request::get(&format!("/api/v1{path}"))
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|_| ApiFailure::Network)?;
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiFailure::Unexpected(e.to_string()));
    }
    match response.json::<ApiErrorBody>().await {
        Ok(body) => Err(ApiFailure::Server(body)),
        // A proxy or captive portal page, not our server.
        Err(_) if response.status() >= 500 => Err(ApiFailure::Network),
        Err(e) => Err(ApiFailure::Unexpected(format!(
            "HTTP {}: {e}",
            response.status()
        ))),
    }
}
