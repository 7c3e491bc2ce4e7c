//! The native client of the API: requests built from the declarations in
//! [`jifen_shared::api`] and sent with reqwest. `jifen simulate`, the benchmarks and the
//! integration tests talk to a server through it; the PWA has its own transport over the same
//! declarations (`app/src/api.rs`).
//!
//! ```ignore
//! let api = ApiClient::new(reqwest::Client::new(), "http://127.0.0.1:8080");
//! let answer = api.request(&FulfilRedemption { id }).token(&keeper).send().await?;
//! let redemption = answer.decode::<FulfilRedemption>()?;
//! ```
//!
//! An [`Answer`] keeps the status and the raw body whatever they are, so a caller can check a
//! refusal's code ([`Answer::code`]) or decode a success ([`Answer::decode`]).

use std::marker::PhantomData;

use jifen_shared::api::{Endpoint, Method};
use jifen_shared::{ApiErrorBody, ErrorCode};

/// A client of one server.
#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    /// `http://host:port`, without the API prefix.
    base: String,
}

impl ApiClient {
    /// A client of the server at `base` (`http://host:port`, no trailing slash).
    pub fn new(http: reqwest::Client, base: impl Into<String>) -> ApiClient {
        ApiClient {
            http,
            base: base.into().trim_end_matches('/').to_owned(),
        }
    }

    /// The underlying reqwest client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The full URL of `endpoint`.
    pub fn url<E: Endpoint>(&self, endpoint: &E) -> String {
        format!("{}{}", self.base, endpoint.url_path())
    }

    /// Starts a request to `endpoint` with its declared method.
    pub fn request<E: Endpoint>(&self, endpoint: &E) -> Request<E> {
        let method = match E::METHOD {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Delete => reqwest::Method::DELETE,
        };
        Request {
            builder: self.http.request(method, self.url(endpoint)),
            endpoint: PhantomData,
        }
    }
}

/// A request being built; [`Request::send`] sends it.
pub struct Request<E> {
    builder: reqwest::RequestBuilder,
    endpoint: PhantomData<E>,
}

impl<E: Endpoint> Request<E> {
    /// As the person of this access token.
    pub fn token(mut self, token: &str) -> Self {
        self.builder = self.builder.bearer_auth(token);
        self
    }

    /// As the person of this access token, or nobody.
    pub fn maybe_token(self, token: Option<&str>) -> Self {
        match token {
            Some(token) => self.token(token),
            None => self,
        }
    }

    /// With an `Idempotency-Key` (1–100 printable ASCII characters).
    pub fn idempotency_key(mut self, key: &str) -> Self {
        self.builder = self.builder.header("Idempotency-Key", key);
        self
    }

    /// With the declared body as JSON.
    pub fn body(mut self, body: &E::Body) -> Self {
        self.builder = self.builder.json(body);
        self
    }

    /// With any JSON body: what a form would never send, for the tests of bad input.
    pub fn json(mut self, body: &serde_json::Value) -> Self {
        self.builder = self.builder.json(body);
        self
    }

    /// With raw bytes of `content_type` (a CSV import, a malformed body).
    pub fn bytes(mut self, content_type: &str, bytes: Vec<u8>) -> Self {
        self.builder = self
            .builder
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes);
        self
    }

    /// With a multipart form (a photo upload).
    pub fn multipart(mut self, form: reqwest::multipart::Form) -> Self {
        self.builder = self.builder.multipart(form);
        self
    }

    /// With another header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.builder = self.builder.header(name, value);
        self
    }

    /// Sends it. Errors: the connection failed or the answer was cut off.
    pub async fn send(self) -> Result<Answer<E>, reqwest::Error> {
        let response = self.builder.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Answer {
            status,
            headers,
            body,
            endpoint: PhantomData,
        })
    }
}

/// A server's answer to a request to `E`.
#[derive(Debug)]
pub struct Answer<E> {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// The raw body.
    pub body: Vec<u8>,
    endpoint: PhantomData<E>,
}

impl<E: Endpoint> Answer<E> {
    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON, `null` when it is empty or not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The error code of a refusal (`{code, message}`), if the body is one.
    pub fn code(&self) -> Option<ErrorCode> {
        serde_json::from_slice::<ApiErrorBody>(&self.body)
            .ok()
            .map(|b| b.code)
    }

    /// The declared answer of a success; a refusal or an undecodable body is an error saying
    /// the status and the body.
    pub fn decode(&self) -> Result<E::Response, Refused> {
        if !self.is_success() {
            return Err(self.refused());
        }
        // 204 No Content decodes as `()`.
        let body: &[u8] = if self.body.is_empty() {
            b"null"
        } else {
            &self.body
        };
        serde_json::from_slice(body).map_err(|_| self.refused())
    }

    fn refused(&self) -> Refused {
        Refused {
            status: self.status,
            code: self.code(),
            body: self.text().chars().take(500).collect(),
        }
    }
}

/// An answer that was not the declared success.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("HTTP {status}: {body}")]
pub struct Refused {
    pub status: u16,
    /// The stable error code, when the body was an API error.
    pub code: Option<ErrorCode>,
    /// The body (at most 500 characters).
    pub body: String,
}
