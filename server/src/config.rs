//! Typed configuration, read once at start and validated before anything listens.
//!
//! Sources, later ones winning: built-in defaults → an optional TOML file (`--config FILE` or
//! `JIFEN_CONFIG`, read by clap; same keys in lower case without the prefix, e.g. `bind = "0.0.0.0:8080"`)
//! → environment variables `JIFEN_*` (the table in `API.md`, "Operations"). Parsing is done by
//! `figment`; the checks here turn every bad value into one line naming the variable, e.g.
//! `JIFEN_BIND: "nonsense" is not a listen address like 127.0.0.1:8080`.

use std::collections::BTreeMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Declares the settings' keys once: each key's doc, how it is read (strings, so that
/// [`Settings::validate`] can name the variable and the value in its error) and its default.
/// Generates `RawSettings` (what figment extracts, every key known and no other) with its
/// `Default`, and [`KEYS`].
macro_rules! keys {
    ($($(#[doc = $doc:literal])* $key:ident: $ty:ty = $default:expr;)*) => {
        /// The configuration as read, before [`Settings::validate`]; see `keys!`.
        #[derive(Clone, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct RawSettings {
            $($(#[doc = $doc])* $key: $ty,)*
        }

        impl Default for RawSettings {
            fn default() -> Self {
                RawSettings { $($key: $default,)* }
            }
        }

        /// Every key, lower case: `bind` in a file is `JIFEN_BIND` in the environment.
        pub const KEYS: &[&str] = &[$(stringify!($key)),*];
    };
}

keys! {
    /// `JIFEN_BIND`: the listen address; port 0 picks a free port.
    bind: String = "127.0.0.1:8080".into();
    /// `JIFEN_DATABASE_URL`: `sqlite://…` or `postgres://…`; unset: `sqlite://<data dir>/jifen.db`.
    database_url: Option<String> = None;
    /// `JIFEN_DATA_DIR`: database file, media, generated secrets.
    data_dir: PathBuf = "./data".into();
    /// `JIFEN_WEB_DIR`: the built PWA (`cargo xtask web` writes it).
    web_dir: PathBuf = "./app/dist".into();
    /// `JIFEN_HOME_REGION`: the deployment's own region (长垣市).
    home_region: String = "410783".into();
    /// `JIFEN_SMS_PROVIDER`: `log` or `tencent`.
    sms_provider: String = "log".into();
    /// `JIFEN_TENCENT_SMS_SECRET_ID` ([`TencentSmsSettings`]).
    tencent_sms_secret_id: Option<String> = None;
    /// `JIFEN_TENCENT_SMS_SECRET_KEY` (a secret).
    tencent_sms_secret_key: Option<String> = None;
    /// `JIFEN_TENCENT_SMS_SDK_APP_ID`.
    tencent_sms_sdk_app_id: Option<String> = None;
    /// `JIFEN_TENCENT_SMS_SIGN_NAME`.
    tencent_sms_sign_name: Option<String> = None;
    /// `JIFEN_TENCENT_SMS_TEMPLATE_ID`.
    tencent_sms_template_id: Option<String> = None;
    /// `JIFEN_TENCENT_SMS_RECEIPT_TEMPLATE_ID`.
    tencent_sms_receipt_template_id: Option<String> = None;
    /// `JIFEN_TENCENT_SMS_REGION`.
    tencent_sms_region: String = "ap-guangzhou".into();
    /// `JIFEN_TENCENT_SMS_ENDPOINT`.
    tencent_sms_endpoint: String = "https://sms.tencentcloudapi.com".into();
    /// `JIFEN_WECHAT_API_BASE`.
    wechat_api_base: String = "https://api.weixin.qq.com".into();
    /// `JIFEN_WECHAT_APPID`.
    wechat_appid: Option<String> = None;
    /// `JIFEN_WECHAT_SECRET` (a secret).
    wechat_secret: Option<String> = None;
    /// `JIFEN_PUBLIC_ORIGIN`: `https://host` the public reaches the PWA at.
    public_origin: Option<String> = None;
    /// `JIFEN_TIMEZONE`: an IANA zone name.
    timezone: String = "Asia/Shanghai".into();
    /// `JIFEN_LOG_FORMAT`: `text` or `json`.
    log_format: String = "text".into();
    /// `JIFEN_LOG`: a log filter.
    log: Option<String> = None;
    /// `JIFEN_JWT_SECRET` (a secret).
    jwt_secret: Option<String> = None;
    /// `JIFEN_OTP_PER_HOUR`.
    otp_per_hour: String = "5".into();
    /// `JIFEN_OTP_PER_DAY`.
    otp_per_day: String = "10".into();
    /// `JIFEN_OTP_PER_IP_PER_HOUR`.
    otp_per_ip_per_hour: String = "30".into();
    /// `JIFEN_TRUSTED_PROXIES`: comma-separated addresses or networks.
    trusted_proxies: String = String::new();
    /// `JIFEN_REDEMPTION_TTL_HOURS`.
    redemption_ttl_hours: String = "24".into();
    /// `JIFEN_SERVICE_SLA_HOURS`.
    service_sla_hours: String = "24".into();
    /// `JIFEN_CLAIM_REVIEW_HOURS`.
    claim_review_hours: String = "48".into();
    /// `JIFEN_REQUEST_TIMEOUT_SECS`.
    request_timeout_secs: String = "10".into();
    /// `JIFEN_UPLOAD_TIMEOUT_SECS`.
    upload_timeout_secs: String = "300".into();
    /// `JIFEN_DB_ACQUIRE_TIMEOUT_SECS`.
    db_acquire_timeout_secs: String = "5".into();
    /// `JIFEN_DB_STATEMENT_TIMEOUT_SECS`.
    db_statement_timeout_secs: String = "5".into();
    /// `JIFEN_DB_MAX_CONNECTIONS`.
    db_max_connections: String = "32".into();
    /// `JIFEN_METRICS_TOKEN` (a secret).
    metrics_token: Option<String> = None;
    /// `JIFEN_MEDIA_S3_BUCKET` ([`S3Settings`]): photos in this bucket, not the data dir.
    media_s3_bucket: Option<String> = None;
    /// `JIFEN_MEDIA_S3_ENDPOINT`.
    media_s3_endpoint: Option<String> = None;
    /// `JIFEN_MEDIA_S3_REGION`.
    media_s3_region: String = "us-east-1".into();
    /// `JIFEN_MEDIA_S3_PREFIX`.
    media_s3_prefix: String = String::new();
    /// `JIFEN_MEDIA_S3_ACCESS_KEY_ID`.
    media_s3_access_key_id: Option<String> = None;
    /// `JIFEN_MEDIA_S3_SECRET_ACCESS_KEY` (a secret).
    media_s3_secret_access_key: Option<String> = None;
}

/// A secret setting (a key, a password): its `Debug` never shows it, so a logged or
/// panicking `Settings` leaks nothing; [`Secret::expose`] is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.into())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `JIFEN_DATABASE_URL`: its `Debug` hides the password (`postgres://user:***@host/db`).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> DatabaseUrl {
        DatabaseUrl(url)
    }
}

impl std::ops::Deref for DatabaseUrl {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<&str> for DatabaseUrl {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", crate::storage::redact_url(&self.0))
    }
}

/// How SMS one-time codes leave the server (`JIFEN_SMS_PROVIDER`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsProvider {
    /// `log` — development: each code is written to the server log with the phone number.
    Log,
    /// `tencent` — Tencent Cloud SMS (腾讯云短信), see [`crate::auth::sms::tencent`].
    Tencent(Box<TencentSmsSettings>),
}

/// Tencent Cloud SMS account, app and template, for `JIFEN_SMS_PROVIDER=tencent`. The
/// values come from the Tencent Cloud console (API keys; SMS → application, signature and
/// body template). `Debug` shows everything but the SecretKey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TencentSmsSettings {
    /// `JIFEN_TENCENT_SMS_SECRET_ID` (required): the API key's SecretId (`AKID…`).
    pub secret_id: String,
    /// `JIFEN_TENCENT_SMS_SECRET_KEY` (required): the API key's SecretKey, which signs every
    /// request; never logged.
    pub secret_key: Secret,
    /// `JIFEN_TENCENT_SMS_SDK_APP_ID` (required): the SMS application's SdkAppId, digits
    /// (e.g. `1400006666`).
    pub sdk_app_id: String,
    /// `JIFEN_TENCENT_SMS_SIGN_NAME` (required): the approved signature (短信签名) shown as
    /// `【…】` before the text, e.g. `长垣市积分`.
    pub sign_name: String,
    /// `JIFEN_TENCENT_SMS_TEMPLATE_ID` (required): the approved body template, digits; it
    /// takes two parameters, `{1}` the code and `{2}` the minutes it is valid.
    pub template_id: String,
    /// `JIFEN_TENCENT_SMS_RECEIPT_TEMPLATE_ID` (optional): the approved template of a 代办
    /// receipt, digits; three parameters, `{1}` what was done (`您的 30 积分已兑换 洗衣粉 ×1`),
    /// `{2}` who did it (`代办员 王*华`), `{3}` the receipt number. Without it receipts are
    /// printed but not texted (the log says so once per receipt).
    pub receipt_template_id: Option<String>,
    /// `JIFEN_TENCENT_SMS_REGION` (default `ap-guangzhou`): `X-TC-Region`.
    pub region: String,
    /// `JIFEN_TENCENT_SMS_ENDPOINT` (default `https://sms.tencentcloudapi.com`): where
    /// `SendSms` is posted; an http(s) URL without path (tests point it at a local fake).
    pub endpoint: reqwest::Url,
    /// How long one `SendSms` may take, connecting included: 6 s, well inside the request's
    /// deadline (`JIFEN_REQUEST_TIMEOUT_SECS`, 10 s), so that a gateway that does not answer
    /// is answered `sms_unavailable` and the code forgotten. Not configurable by
    /// environment (tests shorten it).
    pub timeout: std::time::Duration,
}

/// The log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (default).
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// WeChat Official Account credentials (公众号); login by WeChat is off without them. `Debug`
/// shows the appid only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WechatCredentials {
    pub appid: String,
    pub secret: Secret,
}

/// Photos in an S3-compatible bucket (`crate::media::storage::PhotoStore`): AWS S3, Tencent
/// COS, Alibaba OSS, MinIO, Ceph RGW… Several servers behind a load balancer need it (or one
/// shared directory): each must serve the photos the others received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Settings {
    /// `JIFEN_MEDIA_S3_BUCKET`: the bucket's name (3–63 of `a-z0-9.-`), made beforehand.
    pub bucket: String,
    /// `JIFEN_MEDIA_S3_ENDPOINT`: the service's origin, e.g.
    /// `https://cos.ap-guangzhou.myqcloud.com` or `http://10.0.0.5:9000`, addressed
    /// path-style (`{endpoint}/{bucket}/{key}`); unset: AWS's own endpoint of the region.
    /// `http://` is allowed (a store on the private network).
    pub endpoint: Option<String>,
    /// `JIFEN_MEDIA_S3_REGION` (default `us-east-1`), part of every request's signature.
    pub region: String,
    /// `JIFEN_MEDIA_S3_PREFIX`: keys start with it (default none), e.g. `changyuan/`; the
    /// keys are `{prefix}media/<first two hex digits>/<sha256>.jpg` and `….thumb.jpg`, the
    /// layout of `<data dir>/media`, so a directory can be copied into a bucket as it is.
    pub prefix: String,
    /// `JIFEN_MEDIA_S3_ACCESS_KEY_ID` and `JIFEN_MEDIA_S3_SECRET_ACCESS_KEY`: required with
    /// a bucket.
    pub access_key_id: String,
    /// The secret of [`S3Settings::access_key_id`] (never shown by `Debug`).
    pub secret_access_key: Secret,
}

/// Validated settings of one `jifen` process. `Debug` shows no secret (see [`Secret`],
/// [`DatabaseUrl`]).
#[derive(Debug, Clone)]
pub struct Settings {
    /// `JIFEN_BIND`: the listen address (default `127.0.0.1:8080`; port 0 picks a free port).
    pub bind: SocketAddr,
    /// `JIFEN_DATABASE_URL`: `sqlite://…` or `postgres://…`; default
    /// `sqlite://<data dir>/jifen.db`.
    pub database_url: DatabaseUrl,
    /// `JIFEN_DATA_DIR`: database file, media, generated secrets (default `./data`).
    pub data_dir: PathBuf,
    /// `JIFEN_WEB_DIR`: the built PWA (`cargo xtask web` writes it; default `./app/dist`).
    pub web_dir: PathBuf,
    /// `JIFEN_HOME_REGION`: the deployment's own region, shown first by the PWA and returned
    /// by `GET /api/v1/regions` (default `410783`, 长垣市).
    pub home_region: jifen_shared::regions::RegionCode,
    /// `JIFEN_SMS_PROVIDER` (default `log`): `log`, or `tencent` with the
    /// `JIFEN_TENCENT_SMS_*` keys of [`TencentSmsSettings`] (the required ones missing: an
    /// error naming the first).
    pub sms_provider: SmsProvider,
    /// `JIFEN_WECHAT_API_BASE` (default `https://api.weixin.qq.com`): an origin (see
    /// [`origin`]), no trailing slash.
    pub wechat_api_base: String,
    /// `JIFEN_WECHAT_APPID` + `JIFEN_WECHAT_SECRET`; both or neither. The appid is `wx` and 16
    /// lower-case hex digits (as WeChat issues them); the secret printable ASCII without
    /// spaces. With them, `JIFEN_PUBLIC_ORIGIN` is required.
    pub wechat: Option<WechatCredentials>,
    /// `JIFEN_PUBLIC_ORIGIN`: where the public reaches the PWA, `https://host` (see
    /// [`origin`]), e.g. `https://jifen.changyuan.gov.cn`; WeChat sends the browser back to
    /// `{origin}/login/wechat`, and only to the domain registered as the Official Account's
    /// 网页授权域名 (no port). Unset: none (required when WeChat sign-in is on).
    pub public_origin: Option<String>,
    /// `JIFEN_TIMEZONE`: the county's day boundaries for caps and reports (default
    /// `Asia/Shanghai`), an IANA zone name.
    pub timezone: jiff::tz::TimeZone,
    /// `JIFEN_LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `JIFEN_LOG`: the log filter in `tracing-subscriber`'s EnvFilter syntax (e.g.
    /// `info,jifen_server=debug`); unset: `RUST_LOG`, else the command's default.
    pub log: Option<String>,
    /// `JIFEN_JWT_SECRET`: the key that signs access tokens, at least 32 bytes and not a
    /// well-known placeholder. Unset: one is generated once and kept in
    /// `<data dir>/secrets/jwt.key` (mode 0600), so every instance sharing the data dir (or
    /// given the same variable) accepts the others' tokens.
    pub jwt_secret: Option<Secret>,
    /// SMS code limits: `JIFEN_OTP_PER_HOUR` (5) and `JIFEN_OTP_PER_DAY` (10) per phone,
    /// `JIFEN_OTP_PER_IP_PER_HOUR` (30) per client address; one per minute per phone always.
    pub otp_limits: OtpLimits,
    /// `JIFEN_TRUSTED_PROXIES`: the reverse proxies (addresses or networks, comma-separated,
    /// e.g. `127.0.0.1,10.0.0.0/8`) whose `X-Forwarded-For` names the client; default none,
    /// so the TCP peer is the client (see [`crate::http::client_ip()`]).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `JIFEN_REDEMPTION_TTL_HOURS`: how long a redemption stays reserved before it lapses
    /// and its points and stock return (default 24, at most 720).
    pub redemption_ttl_hours: u32,
    /// `JIFEN_SERVICE_SLA_HOURS`: how long an open service order waits for a volunteer before
    /// it escalates to the grid worker (twice that: the village admins; three times: the
    /// township) (default 24, at most 720).
    pub service_sla_hours: u32,
    /// `JIFEN_CLAIM_REVIEW_HOURS`: how long a claim may wait for its grid worker's review
    /// before it is overdue (审核超时) and sent up to its village's admins (default 48: two
    /// days, a weekend's Saturday and Sunday; at most 720).
    pub claim_review_hours: u32,
    /// `JIFEN_REQUEST_TIMEOUT_SECS`: a request not answered within this gets 503
    /// `unavailable` with `Retry-After` instead (`crate::http::deadline`); also how long a
    /// PostgreSQL transaction may sit idle (default 10 s: below the PWA's 15 s, above the SMS
    /// gateway's 6 s; 1–600).
    pub request_timeout: Duration,
    /// `JIFEN_UPLOAD_TIMEOUT_SECS`: the same for photo uploads and CSV imports, which carry a
    /// file over what may be a slow line (default 300 s; 1–3600).
    pub upload_timeout: Duration,
    /// `JIFEN_DB_ACQUIRE_TIMEOUT_SECS`: how long a request waits for a PostgreSQL connection,
    /// setting one up included (default 5 s; 1–600).
    pub db_acquire_timeout: Duration,
    /// `JIFEN_DB_STATEMENT_TIMEOUT_SECS`: PostgreSQL's `statement_timeout` for the server's
    /// connections: a slower statement (a lock wait included) is cancelled (default 5 s;
    /// 1–3600). Keep it below `JIFEN_REQUEST_TIMEOUT_SECS`: the statement is then cancelled
    /// by the database, which keeps the connection usable, before the request's deadline
    /// drops it.
    pub db_statement_timeout: Duration,
    /// `JIFEN_DB_MAX_CONNECTIONS`: the size of the server's PostgreSQL pool (default 32;
    /// 1–1000). N servers on one database hold up to N times this: keep it, with a few for
    /// tools, under PostgreSQL's `max_connections` (100 by default; docs/deployment.md).
    pub db_max_connections: u32,
    /// `JIFEN_METRICS_TOKEN`: the bearer token `GET /metrics` asks for (`Authorization:
    /// Bearer <token>`, Prometheus' `authorization.credentials`), at least 16 visible ASCII
    /// characters. Unset (the default): `/metrics` answers 404, so a server on the internet
    /// tells nobody its traffic and pool figures. A token rather than a second listen
    /// address: it works the same on one machine and behind a load balancer, with no port to
    /// firewall.
    pub metrics_token: Option<Secret>,
    /// `JIFEN_MEDIA_S3_*`: photos in an S3-compatible bucket ([`S3Settings`]); unset (the
    /// default): in `<data dir>/media`.
    pub media_s3: Option<S3Settings>,
    /// How fast a photo upload's body must arrive (15 s to the first bytes, then 120 KiB
    /// every 15 s); not read from the environment (tests shorten it). See
    /// [`crate::media::routes`].
    pub upload_pace: crate::media::routes::UploadPace,
}

/// How many SMS codes may be asked for (rolling windows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtpLimits {
    pub per_hour: u32,
    pub per_day: u32,
    pub per_ip_per_hour: u32,
}

/// A configuration value that cannot be used. Displays as one line naming the variable.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(String);

fn bad(var: &str, value: &str, expected: &str) -> ConfigError {
    ConfigError(format!("{var}: {value:?} is not {expected}"))
}

/// `value` as an origin without a trailing slash: `https://host` — no port, path, query,
/// fragment or user (WeChat's API and its 网页授权域名 are plain https domains) — or, for a
/// local stand-in (the tests' fake WeChat), `http://` or `https://` with a loopback host
/// (`127.0.0.1`, `[::1]`, `localhost`) and any port.
pub fn origin(var: &str, value: &str) -> Result<String, ConfigError> {
    let expected = "an https://host origin (no port or path; http and a port only for 127.0.0.1)";
    let url = url::Url::parse(value.trim()).map_err(|_| bad(var, value, expected))?;
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    };
    let plain = url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    let ok = plain
        && url.host().is_some()
        && match url.scheme() {
            "https" => loopback || url.port().is_none(),
            "http" => loopback,
            _ => false,
        };
    if !ok {
        return Err(bad(var, value, expected));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The `JIFEN_MEDIA_S3_*` keys: `None` without a bucket; the other keys must be right then.
fn media_s3(raw: &RawSettings) -> Result<Option<S3Settings>, ConfigError> {
    let Some(bucket) = non_empty(raw.media_s3_bucket.clone()) else {
        // Half a bucket's settings is a mistake, not the data directory: a server of a
        // deployment that shares a bucket would keep its photos to itself.
        let given = [
            (
                "JIFEN_MEDIA_S3_ENDPOINT",
                non_empty(raw.media_s3_endpoint.clone()).is_some(),
            ),
            (
                "JIFEN_MEDIA_S3_PREFIX",
                !raw.media_s3_prefix.trim().is_empty(),
            ),
            (
                "JIFEN_MEDIA_S3_REGION",
                raw.media_s3_region.trim() != "us-east-1",
            ),
            (
                "JIFEN_MEDIA_S3_ACCESS_KEY_ID",
                non_empty(raw.media_s3_access_key_id.clone()).is_some(),
            ),
            (
                "JIFEN_MEDIA_S3_SECRET_ACCESS_KEY",
                non_empty(raw.media_s3_secret_access_key.clone()).is_some(),
            ),
        ];
        if let Some((var, _)) = given.iter().find(|(_, set)| *set) {
            return Err(ConfigError(format!(
                "JIFEN_MEDIA_S3_BUCKET is not set, but {var} is: set the bucket too, or unset \
                 every JIFEN_MEDIA_S3_* to keep photos in the data directory"
            )));
        }
        return Ok(None);
    };
    let bucket = bucket.trim().to_owned();
    let bucket_ok = (3..=63).contains(&bucket.len())
        && bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && !bucket.starts_with(['.', '-'])
        && !bucket.ends_with(['.', '-']);
    if !bucket_ok {
        return Err(bad(
            "JIFEN_MEDIA_S3_BUCKET",
            &bucket,
            "a bucket name (3 to 63 of a-z, 0-9, '.' and '-')",
        ));
    }
    let endpoint = non_empty(raw.media_s3_endpoint.clone())
        .map(|value| {
            let expected = "an http(s)://host[:port] origin without a path";
            let url = url::Url::parse(value.trim()).map_err(|_| {
                bad("JIFEN_MEDIA_S3_ENDPOINT", &crate::storage::redact_url(&value), expected)
            })?;
            if !url.username().is_empty() || url.password().is_some() {
                // Not echoed: the value holds a password.
                return Err(ConfigError(
                    "JIFEN_MEDIA_S3_ENDPOINT: no user or password in the URL; give the \
                     credentials in JIFEN_MEDIA_S3_ACCESS_KEY_ID and JIFEN_MEDIA_S3_SECRET_ACCESS_KEY"
                        .into(),
                ));
            }
            let plain = matches!(url.scheme(), "http" | "https")
                && url.host().is_some()
                && url.path() == "/"
                && url.query().is_none()
                && url.fragment().is_none();
            if !plain {
                return Err(bad("JIFEN_MEDIA_S3_ENDPOINT", &value, expected));
            }
            Ok(url.as_str().trim_end_matches('/').to_owned())
        })
        .transpose()?;
    let region = raw.media_s3_region.trim().to_owned();
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(bad(
            "JIFEN_MEDIA_S3_REGION",
            &region,
            "a region like ap-guangzhou",
        ));
    }
    let prefix = raw
        .media_s3_prefix
        .trim()
        .trim_start_matches('/')
        .to_owned();
    let prefix_ok = prefix.len() <= 200
        && prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b))
        && (prefix.is_empty()
            || !prefix
                .trim_end_matches('/')
                .split('/')
                .any(|part| part.is_empty() || part == "." || part == ".."));
    if !prefix_ok {
        return Err(bad(
            "JIFEN_MEDIA_S3_PREFIX",
            &prefix,
            "a key prefix of letters, digits, '-', '_', '.' and '/'",
        ));
    }
    // `a/b`, `a/b/` and `a/b//` all mean the folder `a/b/`.
    let prefix = match prefix.trim_end_matches('/') {
        "" => String::new(),
        p => format!("{p}/"),
    };
    let (Some(access_key_id), Some(secret_access_key)) = (
        non_empty(raw.media_s3_access_key_id.clone()),
        non_empty(raw.media_s3_secret_access_key.clone()),
    ) else {
        return Err(ConfigError(
            "JIFEN_MEDIA_S3_ACCESS_KEY_ID and JIFEN_MEDIA_S3_SECRET_ACCESS_KEY must be set with \
             JIFEN_MEDIA_S3_BUCKET"
                .into(),
        ));
    };
    // They go into request headers: visible ASCII only (not echoed: one is a secret).
    for (var, value) in [
        ("JIFEN_MEDIA_S3_ACCESS_KEY_ID", &access_key_id),
        ("JIFEN_MEDIA_S3_SECRET_ACCESS_KEY", &secret_access_key),
    ] {
        if value.trim().len() > 256 || !value.trim().bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ConfigError(format!(
                "{var}: visible ASCII characters only (no spaces or control characters), at most 256"
            )));
        }
    }
    Ok(Some(S3Settings {
        bucket,
        endpoint,
        region,
        prefix,
        access_key_id: access_key_id.trim().to_owned(),
        secret_access_key: Secret(secret_access_key.trim().to_owned()),
    }))
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty())
}

impl Settings {
    /// Reads the defaults, then `file` when given, then the `JIFEN_*` environment, and
    /// validates the result.
    ///
    /// Errors: a missing or malformed file, a value of the wrong type, or any check below
    /// failing; the message names the variable (`JIFEN_…`) and the bad value.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(RawSettings::default()));
        if let Some(path) = file {
            if !path.is_file() {
                let why = if path.exists() {
                    "is not a file"
                } else {
                    "does not exist"
                };
                return Err(ConfigError(format!(
                    "configuration file {} {why}",
                    path.display()
                )));
            }
            figment = figment.merge(Toml::file(path));
        }
        // The environment is taken as plain strings: figment's own `Env` provider would read
        // `JIFEN_HOME_REGION=410783` as a number and a secret like `0123` as 123.
        // Other programs' variables may hold any bytes; only ours must be UTF-8.
        let mut env = BTreeMap::new();
        for (key, value) in std::env::vars_os() {
            let Some(key) = key.to_str().and_then(|k| k.strip_prefix("JIFEN_")) else {
                continue;
            };
            let value = value
                .into_string()
                .map_err(|_| ConfigError(format!("JIFEN_{key}: the value is not valid UTF-8")))?;
            let key = key.to_ascii_lowercase();
            // Other JIFEN_* variables (JIFEN_CONFIG, the test suite's) are not settings.
            if KEYS.contains(&key.as_str()) {
                env.insert(key, value);
            }
        }
        let raw: RawSettings = figment
            .merge(Serialized::defaults(env))
            .extract()
            .map_err(|e| {
                let key = e.path.first().cloned().unwrap_or_default();
                if key.is_empty() {
                    ConfigError(format!("configuration: {}", e.kind))
                } else {
                    ConfigError(format!(
                        "JIFEN_{} (`{key}` in a config file): {}",
                        key.to_uppercase(),
                        e.kind
                    ))
                }
            })?;
        Settings::validate(raw)
    }

    /// The built-in defaults alone, ignoring the environment (for tests and tools that set
    /// fields themselves).
    pub fn defaults() -> Settings {
        Settings::validate(RawSettings::default()).expect("the defaults are valid")
    }

    fn validate(raw: RawSettings) -> Result<Settings, ConfigError> {
        let media_s3 = media_s3(&raw)?;
        let sms_provider = match raw.sms_provider.trim() {
            "log" => SmsProvider::Log,
            "tencent" => SmsProvider::Tencent(Box::new(tencent_sms(&raw)?)),
            other => {
                return Err(bad(
                    "JIFEN_SMS_PROVIDER",
                    other,
                    "a known provider (log, tencent)",
                ));
            }
        };
        let bind: SocketAddr = raw
            .bind
            .trim()
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| {
                bad(
                    "JIFEN_BIND",
                    &raw.bind,
                    "a listen address like 127.0.0.1:8080 or localhost:8080",
                )
            })?;
        let database_url = match non_empty(raw.database_url) {
            Some(url)
                if url.starts_with("sqlite:")
                    && (url.contains(":memory:") || url.contains("mode=memory")) =>
            {
                return Err(ConfigError(
                    "JIFEN_DATABASE_URL: an in-memory SQLite database cannot be shared by the \
                     server's reader and writer connections; give a file (sqlite://path/jifen.db)"
                        .into(),
                ));
            }
            Some(url)
                if url.starts_with("sqlite:")
                    && url
                        .trim_start_matches("sqlite:")
                        .trim_start_matches("//")
                        .split('?')
                        .next()
                        .is_none_or(str::is_empty) =>
            {
                return Err(ConfigError(
                    "JIFEN_DATABASE_URL: a SQLite URL needs a file path (sqlite://path/jifen.db)"
                        .into(),
                ));
            }
            Some(url) => {
                if !(url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://"))
                {
                    return Err(ConfigError(format!(
                        "JIFEN_DATABASE_URL: {:?} is not a sqlite://… or postgres://… URL",
                        crate::storage::redact_url(&url)
                    )));
                }
                url
            }
            None => format!("sqlite://{}", raw.data_dir.join("jifen.db").display()),
        };
        let home_region = jifen_shared::regions::RegionCode::parse(raw.home_region.trim())
            .map_err(|_| {
                bad(
                    "JIFEN_HOME_REGION",
                    &raw.home_region,
                    "a region code like 410783",
                )
            })?;
        let wechat_api_base = origin("JIFEN_WECHAT_API_BASE", &raw.wechat_api_base)?;
        let public_origin = non_empty(raw.public_origin)
            .map(|o| origin("JIFEN_PUBLIC_ORIGIN", &o))
            .transpose()?;
        let wechat = match (non_empty(raw.wechat_appid), non_empty(raw.wechat_secret)) {
            (Some(appid), Some(secret)) => {
                let appid = appid.trim().to_owned();
                let is_appid = appid.len() == 18
                    && appid.starts_with("wx")
                    && appid[2..]
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                if !is_appid {
                    return Err(bad(
                        "JIFEN_WECHAT_APPID",
                        &appid,
                        "an Official Account appid (wx and 16 hex digits)",
                    ));
                }
                let secret = secret.trim().to_owned();
                if secret.len() > 128 || !secret.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(ConfigError(
                        "JIFEN_WECHAT_SECRET: not an AppSecret (printable ASCII without spaces)"
                            .into(),
                    ));
                }
                if public_origin.is_none() {
                    return Err(ConfigError(
                        "JIFEN_PUBLIC_ORIGIN must be set with WeChat sign-in: the https://domain \
                         registered as the Official Account's 网页授权域名"
                            .into(),
                    ));
                }
                Some(WechatCredentials {
                    appid,
                    secret: Secret(secret),
                })
            }
            (None, None) => None,
            _ => {
                return Err(ConfigError(
                    "JIFEN_WECHAT_APPID and JIFEN_WECHAT_SECRET must be set together".into(),
                ));
            }
        };
        let timezone = jiff::tz::TimeZone::get(raw.timezone.trim()).map_err(|_| {
            bad(
                "JIFEN_TIMEZONE",
                &raw.timezone,
                "an IANA time zone like Asia/Shanghai",
            )
        })?;
        let log_format = match raw.log_format.trim() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => return Err(bad("JIFEN_LOG_FORMAT", other, "text or json")),
        };
        let log = non_empty(raw.log);
        if let Some(filter) = &log {
            tracing_subscriber::EnvFilter::try_new(filter).map_err(|e| {
                ConfigError(format!("JIFEN_LOG: {filter:?} is not a log filter: {e}"))
            })?;
        }
        let jwt_secret = non_empty(raw.jwt_secret).map(Secret);
        if let Some(secret) = &jwt_secret {
            crate::auth::keys::check_secret(secret.expose().as_bytes())
                .map_err(|why| ConfigError(format!("JIFEN_JWT_SECRET: {why}")))?;
        }
        let count = |var: &str, value: &str| {
            value
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| bad(var, value, "a whole number above 0"))
        };
        let otp_limits = OtpLimits {
            per_hour: count("JIFEN_OTP_PER_HOUR", &raw.otp_per_hour)?,
            per_day: count("JIFEN_OTP_PER_DAY", &raw.otp_per_day)?,
            per_ip_per_hour: count("JIFEN_OTP_PER_IP_PER_HOUR", &raw.otp_per_ip_per_hour)?,
        };
        let redemption_ttl_hours = count("JIFEN_REDEMPTION_TTL_HOURS", &raw.redemption_ttl_hours)
            .ok()
            .filter(|h| *h <= 720)
            .ok_or_else(|| {
                bad(
                    "JIFEN_REDEMPTION_TTL_HOURS",
                    &raw.redemption_ttl_hours,
                    "a whole number of hours from 1 to 720",
                )
            })?;
        let service_sla_hours = count("JIFEN_SERVICE_SLA_HOURS", &raw.service_sla_hours)
            .ok()
            .filter(|h| *h <= 720)
            .ok_or_else(|| {
                bad(
                    "JIFEN_SERVICE_SLA_HOURS",
                    &raw.service_sla_hours,
                    "a whole number of hours from 1 to 720",
                )
            })?;
        let claim_review_hours = count("JIFEN_CLAIM_REVIEW_HOURS", &raw.claim_review_hours)
            .ok()
            .filter(|h| *h <= 720)
            .ok_or_else(|| {
                bad(
                    "JIFEN_CLAIM_REVIEW_HOURS",
                    &raw.claim_review_hours,
                    "a whole number of hours from 1 to 720",
                )
            })?;
        let seconds = |var: &str, value: &str, max: u64| {
            value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=max).contains(s))
                .map(Duration::from_secs)
                .ok_or_else(|| {
                    bad(
                        var,
                        value,
                        &format!("a whole number of seconds from 1 to {max}"),
                    )
                })
        };
        let request_timeout =
            seconds("JIFEN_REQUEST_TIMEOUT_SECS", &raw.request_timeout_secs, 600)?;
        let upload_timeout = seconds("JIFEN_UPLOAD_TIMEOUT_SECS", &raw.upload_timeout_secs, 3600)?;
        let db_acquire_timeout = seconds(
            "JIFEN_DB_ACQUIRE_TIMEOUT_SECS",
            &raw.db_acquire_timeout_secs,
            600,
        )?;
        let db_statement_timeout = seconds(
            "JIFEN_DB_STATEMENT_TIMEOUT_SECS",
            &raw.db_statement_timeout_secs,
            3600,
        )?;
        let db_max_connections = raw
            .db_max_connections
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .ok_or_else(|| {
                bad(
                    "JIFEN_DB_MAX_CONNECTIONS",
                    &raw.db_max_connections,
                    "a number of connections from 1 to 1000",
                )
            })?;
        let trusted_proxies = raw
            .trusted_proxies
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse::<ipnet::IpNet>()
                    .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        bad(
                            "JIFEN_TRUSTED_PROXIES",
                            p,
                            "an IP address or network like 10.0.0.0/8",
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        let metrics_token = non_empty(raw.metrics_token).map(Secret);
        if let Some(token) = &metrics_token {
            let token = token.expose();
            if token.len() < 16 || !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(ConfigError(
                    "JIFEN_METRICS_TOKEN: give at least 16 visible ASCII characters (no spaces)"
                        .into(),
                ));
            }
        }
        Ok(Settings {
            media_s3,
            upload_pace: Default::default(),
            metrics_token,
            trusted_proxies,
            bind,
            database_url: DatabaseUrl(database_url),
            data_dir: raw.data_dir,
            web_dir: raw.web_dir,
            home_region,
            sms_provider,
            wechat_api_base,
            wechat,
            public_origin,
            timezone,
            log_format,
            log,
            jwt_secret,
            otp_limits,
            redemption_ttl_hours,
            service_sla_hours,
            claim_review_hours,
            request_timeout,
            upload_timeout,
            db_acquire_timeout,
            db_max_connections,
            db_statement_timeout,
        })
    }

    /// The sweeps' delays (`JIFEN_SERVICE_SLA_HOURS`, `JIFEN_CLAIM_REVIEW_HOURS`).
    pub fn sweep_delays(&self) -> crate::cluster::SweepDelays {
        crate::cluster::SweepDelays {
            service_sla_ms: i64::from(self.service_sla_hours) * 3_600_000,
            claim_review_ms: i64::from(self.claim_review_hours) * 3_600_000,
        }
    }

    /// The database limits of `jifen serve` (`crate::storage`, "Deadlines and retries"):
    /// the acquire and statement timeouts, transactions idle for no longer than the request
    /// deadline, [`crate::storage::SERVER_BUSY_TIMEOUT`] on SQLite, the PostgreSQL pool of
    /// `JIFEN_DB_MAX_CONNECTIONS`; `connect` bounds the first connection.
    pub fn db_timeouts(&self, connect: Duration) -> crate::storage::Timeouts {
        crate::storage::Timeouts {
            connect,
            acquire: self.db_acquire_timeout,
            statement: Some(self.db_statement_timeout),
            idle_in_transaction: Some(self.request_timeout),
            busy: crate::storage::SERVER_BUSY_TIMEOUT,
            postgres_pool: self.db_max_connections,
        }
    }
}

/// The `JIFEN_TENCENT_SMS_*` keys, checked (`JIFEN_SMS_PROVIDER=tencent`).
fn tencent_sms(raw: &RawSettings) -> Result<TencentSmsSettings, ConfigError> {
    let required = |var: &str, value: &Option<String>| {
        non_empty(value.clone())
            .map(|v| v.trim().to_owned())
            .ok_or_else(|| ConfigError(format!("{var}: required when JIFEN_SMS_PROVIDER=tencent")))
    };
    let digits = |var: &str, value: String, example: &str| {
        if value.bytes().all(|b| b.is_ascii_digit()) {
            Ok(value)
        } else {
            Err(bad(var, &value, &format!("a number like {example}")))
        }
    };
    let secret_id = required("JIFEN_TENCENT_SMS_SECRET_ID", &raw.tencent_sms_secret_id)?;
    // The key itself is never repeated in a message.
    let secret_key = Secret(required(
        "JIFEN_TENCENT_SMS_SECRET_KEY",
        &raw.tencent_sms_secret_key,
    )?);
    let sdk_app_id = digits(
        "JIFEN_TENCENT_SMS_SDK_APP_ID",
        required("JIFEN_TENCENT_SMS_SDK_APP_ID", &raw.tencent_sms_sdk_app_id)?,
        "1400006666",
    )?;
    let sign_name = required("JIFEN_TENCENT_SMS_SIGN_NAME", &raw.tencent_sms_sign_name)?;
    let template_id = digits(
        "JIFEN_TENCENT_SMS_TEMPLATE_ID",
        required(
            "JIFEN_TENCENT_SMS_TEMPLATE_ID",
            &raw.tencent_sms_template_id,
        )?,
        "1110",
    )?;
    let receipt_template_id = raw
        .tencent_sms_receipt_template_id
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            digits(
                "JIFEN_TENCENT_SMS_RECEIPT_TEMPLATE_ID",
                t.to_owned(),
                "1111",
            )
        })
        .transpose()?;
    let region = raw.tencent_sms_region.trim().to_owned();
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(bad(
            "JIFEN_TENCENT_SMS_REGION",
            &raw.tencent_sms_region,
            "a region like ap-guangzhou",
        ));
    }
    let endpoint = reqwest::Url::parse(raw.tencent_sms_endpoint.trim())
        .ok()
        .filter(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some()
                && url.path() == "/"
                && url.query().is_none()
                && url.fragment().is_none()
                && url.username().is_empty()
                && url.password().is_none()
        })
        .ok_or_else(|| {
            bad(
                "JIFEN_TENCENT_SMS_ENDPOINT",
                &raw.tencent_sms_endpoint,
                "an http(s) URL without path like https://sms.tencentcloudapi.com",
            )
        })?;
    Ok(TencentSmsSettings {
        secret_id,
        secret_key,
        sdk_app_id,
        sign_name,
        template_id,
        receipt_template_id,
        region,
        endpoint,
        timeout: std::time::Duration::from_secs(6),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(f: impl FnOnce(&mut RawSettings)) -> Result<Settings, ConfigError> {
        let mut raw = RawSettings::default();
        f(&mut raw);
        Settings::validate(raw)
    }

    #[test]
    fn defaults_are_valid() {
        let s = with(|_| {}).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.database_url, "sqlite://./data/jifen.db");
        assert_eq!(s.home_region.as_str(), "410783");
        assert_eq!(s.wechat, None);
        assert_eq!(s.timezone.iana_name(), Some("Asia/Shanghai"));
    }

    #[test]
    fn bad_values_name_their_variable() {
        type Edit = Box<dyn FnOnce(&mut RawSettings)>;
        let cases: [(&str, Edit); 21] = [
            ("JIFEN_BIND", Box::new(|r| r.bind = "nonsense".into())),
            (
                "JIFEN_DATABASE_URL",
                Box::new(|r| r.database_url = Some("mysql://x".into())),
            ),
            (
                "JIFEN_TIMEZONE",
                Box::new(|r| r.timezone = "Mars/Olympus".into()),
            ),
            (
                "JIFEN_SMS_PROVIDER",
                Box::new(|r| r.sms_provider = "pigeon".into()),
            ),
            (
                "JIFEN_WECHAT_APPID",
                Box::new(|r| r.wechat_appid = Some("wx1".into())),
            ),
            (
                "JIFEN_HOME_REGION",
                Box::new(|r| r.home_region = "41x".into()),
            ),
            (
                "JIFEN_DATABASE_URL",
                Box::new(|r| r.database_url = Some("sqlite::memory:".into())),
            ),
            (
                "JIFEN_DATABASE_URL",
                Box::new(|r| r.database_url = Some("sqlite:".into())),
            ),
            ("JIFEN_LOG", Box::new(|r| r.log = Some("info,[".into()))),
            (
                "JIFEN_JWT_SECRET",
                Box::new(|r| r.jwt_secret = Some("short".into())),
            ),
            (
                "JIFEN_JWT_SECRET",
                Box::new(|r| r.jwt_secret = Some("changeme".repeat(4))),
            ),
            (
                "JIFEN_OTP_PER_DAY",
                Box::new(|r| r.otp_per_day = "0".into()),
            ),
            (
                "JIFEN_OTP_PER_HOUR",
                Box::new(|r| r.otp_per_hour = "five".into()),
            ),
            (
                "JIFEN_TRUSTED_PROXIES",
                Box::new(|r| r.trusted_proxies = "127.0.0.1, nginx".into()),
            ),
            (
                "JIFEN_CLAIM_REVIEW_HOURS",
                Box::new(|r| r.claim_review_hours = "0".into()),
            ),
            (
                "JIFEN_CLAIM_REVIEW_HOURS",
                Box::new(|r| r.claim_review_hours = "721".into()),
            ),
            (
                "JIFEN_REQUEST_TIMEOUT_SECS",
                Box::new(|r| r.request_timeout_secs = "0".into()),
            ),
            (
                "JIFEN_REQUEST_TIMEOUT_SECS",
                Box::new(|r| r.request_timeout_secs = "2.5".into()),
            ),
            (
                "JIFEN_UPLOAD_TIMEOUT_SECS",
                Box::new(|r| r.upload_timeout_secs = "3601".into()),
            ),
            (
                "JIFEN_DB_ACQUIRE_TIMEOUT_SECS",
                Box::new(|r| r.db_acquire_timeout_secs = "".into()),
            ),
            (
                "JIFEN_DB_STATEMENT_TIMEOUT_SECS",
                Box::new(|r| r.db_statement_timeout_secs = "-1".into()),
            ),
        ];
        for (var, f) in cases {
            let err = with(f).unwrap_err().to_string();
            assert!(err.starts_with(var), "{err}");
            assert!(!err.contains('\n'), "{err}");
        }
    }

    #[test]
    fn the_metrics_token_is_off_by_default_and_never_shown() {
        assert_eq!(Settings::defaults().metrics_token, None);
        let s = with(|r| r.metrics_token = Some("prometheus-scrape-2026".into())).unwrap();
        assert_eq!(
            s.metrics_token.as_ref().map(Secret::expose),
            Some("prometheus-scrape-2026")
        );
        assert!(!format!("{s:?}").contains("prometheus-scrape"));
        for bad in ["short", "sixteen chars ok"] {
            let err = with(|r| r.metrics_token = Some(bad.into())).unwrap_err();
            assert!(
                err.to_string().starts_with("JIFEN_METRICS_TOKEN: "),
                "{err}"
            );
            assert!(!err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn photos_go_to_a_bucket_only_when_it_is_fully_configured() {
        assert_eq!(Settings::defaults().media_s3, None);
        let bucket = |r: &mut RawSettings| {
            r.media_s3_bucket = Some("changyuan-photos".into());
            r.media_s3_endpoint = Some("http://10.0.0.5:9000/".into());
            r.media_s3_prefix = "/county/410783".into();
            r.media_s3_access_key_id = Some("AKID".into());
            r.media_s3_secret_access_key = Some("s3-secret-value".into());
        };
        let s = with(bucket).unwrap().media_s3.unwrap();
        assert_eq!(s.endpoint.as_deref(), Some("http://10.0.0.5:9000"));
        assert_eq!(
            (s.region.as_str(), s.prefix.as_str()),
            ("us-east-1", "county/410783/")
        );
        assert!(!format!("{s:?}").contains("s3-secret-value"));
        type Edit = Box<dyn FnOnce(&mut RawSettings)>;
        let cases: [(&str, Edit); 11] = [
            (
                "JIFEN_MEDIA_S3_BUCKET",
                Box::new(|r| r.media_s3_bucket = Some("Photos_Of_Changyuan".into())),
            ),
            (
                "JIFEN_MEDIA_S3_ENDPOINT",
                Box::new(|r| r.media_s3_endpoint = Some("ftp://10.0.0.5".into())),
            ),
            (
                "JIFEN_MEDIA_S3_ENDPOINT",
                Box::new(|r| r.media_s3_endpoint = Some("https://cos.example.com/b?x=1".into())),
            ),
            (
                "JIFEN_MEDIA_S3_REGION",
                Box::new(|r| r.media_s3_region = "ap guangzhou".into()),
            ),
            (
                "JIFEN_MEDIA_S3_PREFIX",
                Box::new(|r| r.media_s3_prefix = "../etc".into()),
            ),
            (
                "JIFEN_MEDIA_S3_PREFIX",
                Box::new(|r| r.media_s3_prefix = "a//b".into()),
            ),
            (
                "JIFEN_MEDIA_S3_ACCESS_KEY_ID",
                Box::new(|r| r.media_s3_access_key_id = Some("AK\nID".into())),
            ),
            (
                "JIFEN_MEDIA_S3_SECRET_ACCESS_KEY",
                Box::new(|r| r.media_s3_secret_access_key = Some("s3 \u{1}secret".into())),
            ),
            (
                "JIFEN_MEDIA_S3_ENDPOINT",
                Box::new(|r| r.media_s3_endpoint = Some("http://:hunter2@10.0.0.5:9000".into())),
            ),
            (
                "JIFEN_MEDIA_S3_BUCKET is not set, but JIFEN_MEDIA_S3_ENDPOINT",
                Box::new(|r| r.media_s3_bucket = Some("  ".into())),
            ),
            (
                "JIFEN_MEDIA_S3_ACCESS_KEY_ID",
                Box::new(|r| r.media_s3_secret_access_key = None),
            ),
        ];
        for (var, change) in cases {
            let err = with(|r| {
                bucket(r);
                change(r);
            })
            .unwrap_err()
            .to_string();
            assert!(err.starts_with(var), "{var}: {err}");
            assert!(!err.contains("hunter2") && !err.contains("secret"), "{err}");
        }
    }

    #[test]
    fn the_postgresql_pool_is_32_unless_configured() {
        let s = Settings::defaults();
        assert_eq!(s.db_max_connections, 32);
        assert_eq!(s.db_timeouts(Duration::from_secs(1)).postgres_pool, 32);
        let s = with(|r| r.db_max_connections = " 12 ".into()).unwrap();
        assert_eq!(s.db_timeouts(Duration::from_secs(1)).postgres_pool, 12);
        for bad in ["0", "1001", "-1", "many", ""] {
            let err = with(|r| r.db_max_connections = bad.into()).unwrap_err();
            assert!(
                err.to_string().starts_with("JIFEN_DB_MAX_CONNECTIONS: "),
                "{err}"
            );
        }
    }

    #[test]
    fn a_claim_waits_two_days_for_review_unless_configured() {
        assert_eq!(Settings::defaults().claim_review_hours, 48);
        let s = with(|r| r.claim_review_hours = " 72 ".into()).unwrap();
        assert_eq!(s.claim_review_hours, 72);
    }

    #[test]
    fn deadlines_default_below_the_pwas_patience() {
        let s = Settings::defaults();
        let seconds = |d: Duration| d.as_secs();
        assert_eq!(
            (
                seconds(s.request_timeout),
                seconds(s.upload_timeout),
                seconds(s.db_acquire_timeout),
                seconds(s.db_statement_timeout)
            ),
            (10, 300, 5, 5)
        );
        let t = s.db_timeouts(Duration::from_secs(10));
        assert_eq!(t.statement, Some(Duration::from_secs(5)));
        assert_eq!(t.idle_in_transaction, Some(Duration::from_secs(10)));
        let s = with(|r| r.db_statement_timeout_secs = " 30 ".into()).unwrap();
        assert_eq!(s.db_statement_timeout, Duration::from_secs(30));
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        let s = with(|r| r.trusted_proxies = " 127.0.0.1 , 10.0.0.0/8,::1".into()).unwrap();
        let shown: Vec<String> = s.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(shown, ["127.0.0.1/32", "10.0.0.0/8", "::1/128"]);
        assert!(Settings::defaults().trusted_proxies.is_empty());
    }

    fn tencent(r: &mut RawSettings) {
        r.sms_provider = "tencent".into();
        r.tencent_sms_secret_id = Some("AKIDexample".into());
        r.tencent_sms_secret_key = Some("very-secret-key".into());
        r.tencent_sms_sdk_app_id = Some("1400006666".into());
        r.tencent_sms_sign_name = Some("长垣市积分".into());
        r.tencent_sms_template_id = Some("1110".into());
    }

    #[test]
    fn tencent_sms_with_its_keys() {
        let s = with(tencent).unwrap();
        let SmsProvider::Tencent(t) = &s.sms_provider else {
            panic!("{:?}", s.sms_provider)
        };
        assert_eq!(t.secret_id, "AKIDexample");
        assert_eq!(t.sdk_app_id, "1400006666");
        assert_eq!(t.sign_name, "长垣市积分");
        assert_eq!(t.template_id, "1110");
        assert_eq!(t.region, "ap-guangzhou");
        assert_eq!(t.endpoint.as_str(), "https://sms.tencentcloudapi.com/");
        let shown = format!("{s:?}");
        assert!(shown.contains("AKIDexample"), "{shown}");
        assert!(
            !shown.contains("very-secret-key"),
            "Debug hides the SecretKey: {shown}"
        );
        let local = with(|r| {
            tencent(r);
            r.tencent_sms_endpoint = "http://127.0.0.1:9999".into();
            r.tencent_sms_region = "ap-beijing".into();
        })
        .unwrap();
        let SmsProvider::Tencent(t) = local.sms_provider else {
            unreachable!()
        };
        assert_eq!(
            (t.endpoint.as_str(), t.region.as_str()),
            ("http://127.0.0.1:9999/", "ap-beijing")
        );
    }

    #[test]
    fn tencent_sms_names_the_missing_or_bad_key() {
        type Edit = Box<dyn FnOnce(&mut RawSettings)>;
        let cases: [(&str, Edit); 11] = [
            (
                "JIFEN_TENCENT_SMS_SECRET_ID",
                Box::new(|r| r.tencent_sms_secret_id = None),
            ),
            (
                "JIFEN_TENCENT_SMS_SECRET_KEY",
                Box::new(|r| r.tencent_sms_secret_key = Some(" ".into())),
            ),
            (
                "JIFEN_TENCENT_SMS_SDK_APP_ID",
                Box::new(|r| r.tencent_sms_sdk_app_id = None),
            ),
            (
                "JIFEN_TENCENT_SMS_SIGN_NAME",
                Box::new(|r| r.tencent_sms_sign_name = None),
            ),
            (
                "JIFEN_TENCENT_SMS_TEMPLATE_ID",
                Box::new(|r| r.tencent_sms_template_id = None),
            ),
            (
                "JIFEN_TENCENT_SMS_SDK_APP_ID",
                Box::new(|r| r.tencent_sms_sdk_app_id = Some("app-1".into())),
            ),
            (
                "JIFEN_TENCENT_SMS_TEMPLATE_ID",
                Box::new(|r| r.tencent_sms_template_id = Some("T1110".into())),
            ),
            (
                "JIFEN_TENCENT_SMS_REGION",
                Box::new(|r| r.tencent_sms_region = "AP Guangzhou".into()),
            ),
            (
                "JIFEN_TENCENT_SMS_ENDPOINT",
                Box::new(|r| r.tencent_sms_endpoint = "sms.tencentcloudapi.com".into()),
            ),
            (
                "JIFEN_TENCENT_SMS_ENDPOINT",
                Box::new(|r| r.tencent_sms_endpoint = "https://sms.tencentcloudapi.com/v3".into()),
            ),
            (
                "JIFEN_TENCENT_SMS_ENDPOINT",
                Box::new(|r| r.tencent_sms_endpoint = "ftp://sms.tencentcloudapi.com".into()),
            ),
        ];
        for (var, f) in cases {
            let err = with(|r| {
                tencent(r);
                f(r);
            })
            .unwrap_err()
            .to_string();
            assert!(err.starts_with(var), "{err}");
            assert!(!err.contains('\n'), "{err}");
            assert!(!err.contains("very-secret-key"), "{err}");
        }
        // The keys are ignored while the provider is `log`.
        let s = with(|r| {
            tencent(r);
            r.sms_provider = "log".into();
            r.tencent_sms_template_id = Some("not checked".into());
        })
        .unwrap();
        assert_eq!(s.sms_provider, SmsProvider::Log);
    }

    #[test]
    fn empty_database_url_means_the_default() {
        let s = with(|r| {
            r.database_url = Some(" ".into());
            r.data_dir = "/srv/jifen".into();
        })
        .unwrap();
        assert_eq!(s.database_url, "sqlite:///srv/jifen/jifen.db");
    }

    #[test]
    fn wechat_settings_are_an_https_domain_a_real_appid_and_a_public_origin() {
        let wechat = |r: &mut RawSettings| {
            r.wechat_appid = Some("wx1234567890abcdef".into());
            r.wechat_secret = Some("0123456789abcdef0123456789abcdef".into());
            r.public_origin = Some("https://jifen.example.com/".into());
        };
        let s = with(wechat).unwrap();
        assert_eq!(s.wechat_api_base, "https://api.weixin.qq.com");
        assert_eq!(
            s.public_origin.as_deref(),
            Some("https://jifen.example.com")
        );
        assert_eq!(s.wechat.unwrap().appid, "wx1234567890abcdef");
        // A loopback stand-in may be plain http with a port (the tests' fake WeChat).
        let s = with(|r| {
            wechat(r);
            r.wechat_api_base = "http://127.0.0.1:18766".into();
            r.public_origin = Some("http://localhost:8080".into());
        })
        .unwrap();
        assert_eq!(s.wechat_api_base, "http://127.0.0.1:18766");

        type Edit = Box<dyn FnOnce(&mut RawSettings)>;
        let cases: Vec<(&str, Edit)> = vec![
            (
                "JIFEN_WECHAT_API_BASE",
                Box::new(|r| r.wechat_api_base = "http://api.weixin.qq.com".into()),
            ),
            (
                "JIFEN_WECHAT_API_BASE",
                Box::new(|r| r.wechat_api_base = "https://api.weixin.qq.com:8443".into()),
            ),
            (
                "JIFEN_WECHAT_API_BASE",
                Box::new(|r| r.wechat_api_base = "https://api.weixin.qq.com/sns".into()),
            ),
            (
                "JIFEN_WECHAT_API_BASE",
                Box::new(|r| r.wechat_api_base = "https://u:p@api.weixin.qq.com".into()),
            ),
            (
                "JIFEN_WECHAT_API_BASE",
                Box::new(|r| r.wechat_api_base = "https://api.weixin.qq.com?x=1".into()),
            ),
            (
                "JIFEN_WECHAT_API_BASE",
                Box::new(|r| r.wechat_api_base = "ftp://api.weixin.qq.com".into()),
            ),
            (
                "JIFEN_WECHAT_APPID",
                Box::new(|r| {
                    r.wechat_appid =
                        Some("wx1234567890abcdef&redirect_uri=https://evil.example".into())
                }),
            ),
            (
                "JIFEN_WECHAT_APPID",
                Box::new(|r| r.wechat_appid = Some("WX1234567890ABCDEF".into())),
            ),
            (
                "JIFEN_WECHAT_APPID",
                Box::new(|r| r.wechat_appid = Some("wx1234567890abcde".into())),
            ),
            (
                "JIFEN_WECHAT_SECRET",
                Box::new(|r| r.wechat_secret = Some("two words".into())),
            ),
            ("JIFEN_PUBLIC_ORIGIN", Box::new(|r| r.public_origin = None)),
            (
                "JIFEN_PUBLIC_ORIGIN",
                Box::new(|r| r.public_origin = Some("https://jifen.example.com:8443".into())),
            ),
            (
                "JIFEN_PUBLIC_ORIGIN",
                Box::new(|r| r.public_origin = Some("https://jifen.example.com/app".into())),
            ),
            (
                "JIFEN_PUBLIC_ORIGIN",
                Box::new(|r| r.public_origin = Some("http://jifen.example.com".into())),
            ),
        ];
        for (var, edit) in cases {
            let err = with(|r| {
                wechat(r);
                edit(r);
            })
            .unwrap_err()
            .to_string();
            assert!(err.starts_with(var), "{var}: {err}");
            assert!(!err.contains("0123456789abcdef0123456789abcdef"), "{err}");
        }
    }
}
