//! Black-box test support: start the real app on `127.0.0.1:0` against a fresh real database.
//!
//! Every test written with [`db_tests!`] runs twice: on SQLite (a file in a temporary
//! directory) and on PostgreSQL (a fresh database created from `JIFEN_TEST_POSTGRES_URL`,
//! dropped afterwards). Without that variable the PostgreSQL half says so on stderr and passes,
//! unless `JIFEN_TEST_REQUIRE_POSTGRES=1` (set by the README's test command and CI), which
//! turns a missing PostgreSQL into a failure rather than a silent skip.

#![allow(dead_code)]

pub mod domain;
pub mod fake_tencent_sms;
pub mod fake_wechat;
pub mod partition;
pub mod s3;

use std::path::PathBuf;
use std::time::Duration;

use jifen_server::client::{ApiClient, Refused, Request};
use jifen_server::config::Settings;
use jifen_server::startup::Application;
use jifen_server::storage::Db;
use jifen_shared::api::{self, Endpoint};
use sqlx::{Connection, Executor};

/// The national NBS files in `../shared/data/divisions` beside the repository (or
/// `JIFEN_TEST_DIVISIONS_DIR`). `None`, said on stderr, when absent; under CI (`CI` set) their
/// absence is a failure, not a skip.
pub fn national_data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("JIFEN_TEST_DIVISIONS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/divisions")
        });
    if dir.join("villages.csv.gz").is_file() {
        return Some(dir);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "the national division files are missing from {}",
            dir.display()
        );
    }
    eprintln!("skipped: no national division files in {}", dir.display());
    None
}

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh database that removes itself when dropped.
pub struct TestDb {
    pub url: String,
    pub backend: Backend,
    dir: tempfile::TempDir,
    postgres: Option<(String, String)>, // (admin URL, database name)
}

impl TestDb {
    /// A new empty database, or `None` (after saying why) when PostgreSQL is not configured.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temp dir");
        match backend {
            Backend::Sqlite => Some(TestDb {
                url: format!("sqlite://{}", dir.path().join("jifen.db").display()),
                backend,
                dir,
                postgres: None,
            }),
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("JIFEN_TEST_POSTGRES_URL") else {
                    if std::env::var("JIFEN_TEST_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                        panic!(
                            "JIFEN_TEST_REQUIRE_POSTGRES=1 but JIFEN_TEST_POSTGRES_URL is not set"
                        );
                    }
                    eprintln!("PostgreSQL half skipped: JIFEN_TEST_POSTGRES_URL is not set");
                    return None;
                };
                let name = format!("jifen_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .unwrap_or_else(|e| panic!("cannot reach JIFEN_TEST_POSTGRES_URL: {e}"));
                conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                    .await
                    .expect("create database");
                conn.close().await.ok();
                let url = with_database(&admin_url, &name);
                Some(TestDb {
                    url,
                    backend,
                    dir,
                    postgres: Some((admin_url, name)),
                })
            }
        }
    }

    /// The temporary directory of this test (data dir, web dir…).
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

/// `url` pointing at database `name` instead of its own.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime; use a thread with its own to block on.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = conn
                        .execute(
                            format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str(),
                        )
                        .await;
                }
            });
        })
        .join();
    }
}

/// `JIFEN_METRICS_TOKEN` of the test apps (a deployment's Prometheus sends the same).
pub const METRICS_TOKEN: &str = "test-metrics-scraper-token";

/// The password of the staff accounts [`TestApp::staff_token`] makes.
pub const STAFF_PASSWORD: &str = "县里的密码-2026";

/// An SMS sender that keeps the codes and the 代办 receipts, so tests can read them (the real
/// `log` sender writes them to the log instead).
#[derive(Default)]
pub struct RecordingSms {
    pub sent: std::sync::Mutex<Vec<(String, String)>>,
    /// (E.164 phone, the receipt's text).
    pub receipts: std::sync::Mutex<Vec<(String, String)>>,
}

impl jifen_server::auth::sms::SmsSender for RecordingSms {
    fn send<'a>(
        &'a self,
        phone: &'a jifen_server::people::phone::Phone,
        code: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Result<(), jifen_server::auth::sms::SmsError>> {
        self.sent
            .lock()
            .unwrap()
            .push((phone.as_str().to_owned(), code.to_owned()));
        Box::pin(async { Ok(()) })
    }

    fn send_receipt<'a>(
        &'a self,
        phone: &'a jifen_server::people::phone::Phone,
        receipt: &'a jifen_server::auth::sms::ReceiptSms,
    ) -> futures_util::future::BoxFuture<'a, Result<(), jifen_server::auth::sms::SmsError>> {
        self.receipts
            .lock()
            .unwrap()
            .push((phone.as_str().to_owned(), receipt.text()));
        Box::pin(async { Ok(()) })
    }
}

/// The real app, serving on a free port.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub test_db: TestDb,
    /// Where the app serves the PWA from (empty unless a test writes files there).
    pub web_dir: PathBuf,
    /// The SMS codes the app sent.
    pub sms: std::sync::Arc<RecordingSms>,
    /// The app's API through the endpoint declarations.
    pub api: ApiClient,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A request to `endpoint` with its declared method, to finish and send (headers, raw
    /// bodies, cookies).
    pub fn request<E: Endpoint>(&self, endpoint: &E) -> Request<E> {
        self.api.request(endpoint)
    }

    /// Sends `endpoint` with its declared method and any JSON `body` (also what a form would
    /// never send), as the person of `token` or nobody; (status, JSON body or null).
    pub async fn call<E: Endpoint>(
        &self,
        endpoint: &E,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        // The body first, then the token: the headers in the order the path-based helpers sent.
        let answer = self
            .request(endpoint)
            .json(body)
            .maybe_token(token)
            .send()
            .await
            .expect("request");
        (answer.status, answer.json())
    }

    /// Sends `endpoint` with its declared method and no body, as the person of `token` or
    /// nobody; (status, JSON body or null).
    pub async fn fetch<E: Endpoint>(
        &self,
        endpoint: &E,
        token: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let answer = self
            .request(endpoint)
            .maybe_token(token)
            .send()
            .await
            .expect("request");
        (answer.status, answer.json())
    }

    /// Sends `endpoint` with its declared body as the person of `token`: the declared answer,
    /// or the refusal (status, code, body).
    pub async fn send<E: Endpoint>(
        &self,
        endpoint: &E,
        token: &str,
        body: &E::Body,
    ) -> Result<E::Response, Refused> {
        let mut request = self.request(endpoint).token(token);
        if serde_json::to_value(body).is_ok_and(|v| !v.is_null()) {
            request = request.body(body);
        }
        request.send().await.expect("request").decode()
    }

    /// GET `path` and return (status, JSON body).
    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let body = response.json().await.expect("JSON body");
        (status, body)
    }

    /// Creates a staff account with `role` over `region` (as `jifen create-admin` does) and
    /// returns its id.
    pub async fn staff(
        &self,
        phone: &str,
        password: &str,
        role: jifen_shared::auth::Role,
        region: &str,
    ) -> i64 {
        let hash = jifen_server::auth::password::hash(password.into())
            .await
            .unwrap();
        let grant = jifen_shared::auth::RoleGrant {
            role,
            region_code: jifen_shared::regions::RegionCode::parse(region).unwrap(),
        };
        let phone = jifen_server::people::phone::Phone::parse(phone).unwrap();
        jifen_server::auth::storage::upsert_staff(
            &self.db,
            "测试员",
            phone.as_str(),
            &hash,
            &grant,
            0,
        )
        .await
        .unwrap()
    }

    /// Creates a staff account with `role` over `region` and the password [`STAFF_PASSWORD`],
    /// signs it in and returns its access token.
    pub async fn staff_token(
        &self,
        phone: &str,
        role: jifen_shared::auth::Role,
        region: &str,
    ) -> String {
        self.staff(phone, STAFF_PASSWORD, role, region).await;
        self.login(phone, STAFF_PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Signs in with a password; returns the tokens' JSON.
    pub async fn login(&self, phone: &str, password: &str) -> serde_json::Value {
        let (status, body) = self
            .call(
                &api::PasswordSignIn,
                None,
                &serde_json::json!({"phone": phone, "password": password}),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// The last SMS code sent to `phone` (E.164).
    pub fn last_code(&self, phone: &str) -> Option<String> {
        let sent = self.sms.sent.lock().unwrap();
        sent.iter()
            .rev()
            .find(|(p, _)| p == phone)
            .map(|(_, c)| c.clone())
    }

    /// A registered villager's access token, signed in with an SMS code (`phone`: 11 digits).
    pub async fn villager_token(&self, phone: &str) -> String {
        self.call(
            &api::OtpSendCode,
            None,
            &serde_json::json!({"phone": phone}),
        )
        .await;
        let code = self.last_code(&format!("+86{phone}")).expect("an SMS code");
        let (status, tokens) = self
            .call(
                &api::OtpVerifyCode,
                None,
                &serde_json::json!({"phone": phone, "code": code}),
            )
            .await;
        assert_eq!(status, 200, "{tokens}");
        tokens["access_token"].as_str().unwrap().to_owned()
    }

    /// Uploads `bytes` to `POST /media` as the multipart field `file` with this filename and
    /// part content type; (status, JSON body or null).
    pub async fn upload_as(
        &self,
        token: Option<&str>,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> (u16, serde_json::Value) {
        let (form_type, body) = multipart_form("file", filename, content_type, bytes);
        let answer = self
            .request(&api::UploadMedia)
            .bytes(&form_type, body)
            .maybe_token(token)
            .send()
            .await
            .expect("request");
        (answer.status, answer.json())
    }

    /// Uploads a small JPEG whose picture is decided by `seed` (the same seed, the same
    /// picture) and answers its media id.
    pub async fn upload_photo(&self, token: &str, seed: u8) -> i64 {
        let (status, media) = self
            .upload_as(Some(token), "photo.jpg", "image/jpeg", &small_jpeg(seed))
            .await;
        assert_eq!(status, 201, "{media}");
        media["id"].as_i64().unwrap()
    }

    /// The points the person of `token` may spend (`available` of their balance).
    pub async fn available_points(&self, token: &str) -> i64 {
        let (_, balance) = self.fetch(&api::GetBalance, Some(token)).await;
        balance["available"].as_i64().unwrap()
    }

    /// Acts on service order `id` as the person of `token`: `action` is `claim`, `release`,
    /// `complete`, `cancel` or `rate` (`POST /services/orders/{id}/{action}`), with any JSON
    /// `body`; (status, JSON body or null).
    pub async fn act_on_order(
        &self,
        token: &str,
        id: i64,
        action: &str,
        body: serde_json::Value,
    ) -> (u16, serde_json::Value) {
        let (token, body) = (Some(token), &body);
        match action {
            "claim" => self.call(&api::ClaimOrder { id }, token, body).await,
            "release" => self.call(&api::ReleaseOrder { id }, token, body).await,
            "complete" => self.call(&api::CompleteOrder { id }, token, body).await,
            "cancel" => self.call(&api::CancelOrder { id }, token, body).await,
            "rate" => self.call(&api::RateOrder { id }, token, body).await,
            _ => panic!("no order action {action:?}"),
        }
    }

    /// Asserts the ledger's invariants (`jifen_server::ledger::check_invariants`): every test
    /// that moves points ends with it.
    pub async fn assert_ledger_balanced(&self) {
        assert_ledger_balanced(&self.db).await;
    }

    /// Loads the bundled 长垣市 divisions, as `jifen import-divisions` does.
    pub async fn load_changyuan(&self) {
        for (_, bytes) in jifen_server::regions::import::BUNDLED_CHANGYUAN {
            let report = jifen_server::regions::import::import(&self.db, bytes)
                .await
                .expect("import");
            assert!(report.errors.is_empty());
        }
    }
}

/// `endpoint` with its declared query (if any) replaced by `raw`, sent exactly as written after
/// the path: for the queries a form never sends, e.g.
/// `with_raw_query(api::ShopSettlements { query: Default::default() }, "?month=2026-13")`;
/// `"?"` is an empty query, `""` none at all (a required field left out).
pub fn with_raw_query<E: Endpoint>(endpoint: E, raw: &str) -> RawQuery<E> {
    RawQuery {
        endpoint,
        raw: raw.to_owned(),
    }
}

/// An endpoint sent with a raw query string ([`with_raw_query`]); otherwise the same
/// declaration (method, body, answer).
#[derive(Debug, Clone)]
pub struct RawQuery<E> {
    endpoint: E,
    raw: String,
}

impl<E: Endpoint> Endpoint for RawQuery<E> {
    const METHOD: api::Method = E::METHOD;
    const TEMPLATE: &'static str = E::TEMPLATE;
    const IDEMPOTENT: bool = E::IDEMPOTENT;
    type Body = E::Body;
    type Response = E::Response;

    fn path(&self) -> String {
        let path = self.endpoint.path();
        // A declared query is form-encoded: its first `?` is where it starts.
        let path = path.split_once('?').map_or(path.as_str(), |(path, _)| path);
        format!("{path}{}", self.raw)
    }
}

/// Starts the app on a fresh database of `backend` (`None`: PostgreSQL not configured), its
/// SMS codes kept in [`TestApp::sms`].
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// [`spawn_app`] with settings changed by `configure` first (e.g. WeChat pointed at a fake);
/// SMS codes still kept in [`TestApp::sms`].
pub async fn spawn_app_with(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let sms = std::sync::Arc::new(RecordingSms::default());
    start(backend, configure, Some(sms)).await
}

/// Starts the app like [`spawn_app`], with `configure` applied to its settings and the SMS
/// sender those settings ask for (as `jifen serve` does), e.g. Tencent Cloud SMS pointed at
/// a [`fake_tencent_sms::FakeTencentSms`]. [`TestApp::sms`] stays empty.
pub async fn spawn_app_as_served(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    start(backend, configure, None).await
}

async fn start(
    backend: Backend,
    configure: impl FnOnce(&mut Settings),
    recording: Option<std::sync::Arc<RecordingSms>>,
) -> Option<TestApp> {
    let test_db = TestDb::new(backend).await?;
    let web_dir = test_db.dir().join("web");
    std::fs::create_dir_all(&web_dir).unwrap();
    let mut settings = Settings::defaults();
    settings.bind = "127.0.0.1:0".parse().unwrap();
    settings.database_url = test_db.url.clone().into();
    settings.data_dir = test_db.dir().join("data");
    settings.web_dir = web_dir.clone();
    settings.metrics_token = Some(METRICS_TOKEN.into());
    configure(&mut settings);
    // As `jifen serve` connects: the settings' deadlines on every connection.
    let timeouts = settings.db_timeouts(Duration::from_secs(10));
    let db = Db::connect_with(&settings.database_url, &timeouts)
        .await
        .expect("connect");
    db.migrate().await.expect("migrate");
    let (app, sms) = match recording {
        Some(sms) => (
            Application::build_with(settings, db.clone(), sms.clone()).await,
            sms,
        ),
        None => (
            Application::build(settings, db.clone()).await,
            std::sync::Arc::default(),
        ),
    };
    let app = app.expect("build app");
    let address = format!("http://{}", app.addr());
    tokio::spawn(app.run());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    Some(TestApp {
        api: ApiClient::new(client.clone(), address.clone()),
        address,
        client,
        db,
        test_db,
        web_dir,
        sms,
    })
}

/// Another server of `app`'s deployment: a second `jifen serve` on the same database, with a
/// data directory of its own and `configure` applied to its settings (give it what the
/// deployment shares: the signing secret, the photo bucket).
///
/// Errors: what `jifen serve` refuses at start (another key beside a live instance, a photo
/// store it cannot use).
pub async fn spawn_beside(
    app: &TestApp,
    configure: impl FnOnce(&mut Settings),
) -> anyhow::Result<TestInstance> {
    let dir = app
        .test_db
        .dir()
        .join(format!("instance-{:x}", rand::random::<u32>()));
    let mut settings = Settings::defaults();
    settings.bind = "127.0.0.1:0".parse().unwrap();
    settings.database_url = app.test_db.url.clone().into();
    settings.data_dir = dir.join("data");
    settings.web_dir = app.web_dir.clone();
    settings.metrics_token = Some(METRICS_TOKEN.into());
    configure(&mut settings);
    let db = Db::connect_with(
        &settings.database_url,
        &settings.db_timeouts(Duration::from_secs(10)),
    )
    .await?;
    let server = Application::build(settings, db.clone()).await?;
    let address = format!("http://{}", server.addr());
    tokio::spawn(server.run());
    Ok(TestInstance {
        api: ApiClient::new(app.client.clone(), address.clone()),
        address,
        db,
    })
}

/// A second server of a [`TestApp`]'s deployment ([`spawn_beside`]).
pub struct TestInstance {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub api: ApiClient,
    /// Its own pool on the shared database.
    pub db: Db,
}

/// Declares tests that run on SQLite and on PostgreSQL:
///
/// ```ignore
/// db_tests! {
///     async fn lists_children(app) { let (status, _) = app.get_json("/healthz").await; … }
/// }
/// ```
/// expands to `mod lists_children { fn sqlite(); fn postgres(); }`.
#[macro_export]
macro_rules! db_tests {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $app = $crate::common::spawn_app($crate::common::Backend::Sqlite).await.unwrap();
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some($app) = $crate::common::spawn_app($crate::common::Backend::Postgres).await else {
                        return;
                    };
                    $body
                }
            }
        )*
    };
    // `async fn name(backend = b) { … }`: the body gets the `Backend` and starts the app
    // itself (e.g. with [`spawn_app_with`]), returning early when that gives `None`.
    ($(async fn $name:ident(backend = $backend:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let $backend = $crate::common::Backend::Sqlite;
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let $backend = $crate::common::Backend::Postgres;
                    $body
                }
            }
        )*
    };
}

/// Asserts the ledger's invariants on `db`: all balances sum to zero, each cached balance is the
/// sum of its transfers, no villager below zero.
pub async fn assert_ledger_balanced(db: &Db) {
    let problems = jifen_server::ledger::check_invariants(db).await.unwrap();
    assert!(
        problems.is_empty(),
        "ledger invariants broken:\n{}",
        problems.join("\n")
    );
}

/// A multipart/form-data body with one file field: (the request's content type, the body).
pub fn multipart_form(
    field: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "jifen-test-boundary-7d3a9c";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A 32×24 JPEG whose picture is decided by `seed` (the same seed, the same bytes).
pub fn small_jpeg(seed: u8) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(32, 24, |x, y| {
        image::Rgb([seed, (x * 8) as u8, (y * 10) as u8])
    });
    let mut jpeg = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut jpeg, image::ImageFormat::Jpeg)
        .unwrap();
    jpeg.into_inner()
}
