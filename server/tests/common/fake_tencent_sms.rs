//! A local stand-in for Tencent Cloud SMS (`sms.tencentcloudapi.com`), API 3.0 `SendSms`
//! version `2021-01-11`, on `127.0.0.1:0`, that checks requests the way the real service does
//! and answers in its shapes (<https://cloud.tencent.com/document/api/382/55981>, and the
//! "签名方法 v3" and common error code pages):
//!
//! - it recomputes the TC3-HMAC-SHA256 signature from the request as received (the headers
//!   the `Authorization` header lists, the body bytes) with its own code, not the server's, and
//!   answers `AuthFailure.SignatureFailure` when it differs; `AuthFailure.SecretIdNotFound` for
//!   another SecretId; `AuthFailure.SignatureExpire` when `X-TC-Timestamp` is more than five
//!   minutes from its clock; `AuthFailure.InvalidAuthorization` for a malformed header;
//! - it checks the action, version, region, SdkAppId, signature name (签名), template and its
//!   parameter count, and the phone numbers (E.164, `+86` and 11 digits);
//! - refusals of the whole request are HTTP 200 `{"Response": {"Error": {"Code", "Message"},
//!   "RequestId"}}`; refusals of one number are that number's `Code` in `SendStatusSet`;
//! - tests can make it refuse a number or every request ([`FakeTencentSms::fail_number`],
//!   [`FakeTencentSms::fail_requests`]), and read what it accepted and what it refused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use hmac::{Hmac, Mac};
use jifen_server::config::TencentSmsSettings;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The account the fake knows.
pub const SECRET_ID: &str = "AKIDjifenFakeSecretId0123456789EXAMPLE";
pub const SECRET_KEY: &str = "jifenFakeSecretKey0123456789EXAMPLE";
/// Its SMS application, approved signature name and approved templates: the sign-in code's
/// (two parameters) and the 代办 receipt's (three).
pub const SDK_APP_ID: &str = "1400654321";
pub const SIGN_NAME: &str = "长垣积分";
pub const TEMPLATE_ID: &str = "1987654";
pub const TEMPLATE_PARAMS: usize = 2;
pub const RECEIPT_TEMPLATE_ID: &str = "1987655";
pub const RECEIPT_TEMPLATE_PARAMS: usize = 3;

/// A message the fake accepted (one per number).
#[derive(Debug, Clone)]
pub struct Accepted {
    pub phone: String,
    pub params: Vec<String>,
    pub sdk_app_id: String,
    pub sign_name: String,
    pub template_id: String,
    pub region: String,
    /// The `SignedHeaders` of the request.
    pub signed_headers: String,
}

#[derive(Default)]
struct State {
    requests: Mutex<usize>,
    accepted: Mutex<Vec<Accepted>>,
    refused: Mutex<Vec<String>>,
    fail_numbers: Mutex<HashMap<String, (String, String)>>,
    fail_requests: Mutex<Option<(String, String)>>,
}

/// The running fake; it stops when dropped.
pub struct FakeTencentSms {
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    state: Arc<State>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for FakeTencentSms {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

impl FakeTencentSms {
    /// Starts the fake on a free port.
    pub async fn start() -> FakeTencentSms {
        let state = Arc::new(State::default());
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(1 << 20))
                .default_service(web::to(handle))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .expect("bind the fake Tencent Cloud SMS");
        let addr = server.addrs()[0];
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeTencentSms {
            endpoint: format!("http://{addr}"),
            state,
            handle,
        }
    }

    /// Settings that reach this fake with its account, app, signature name and template.
    pub fn settings(&self) -> TencentSmsSettings {
        TencentSmsSettings {
            secret_id: SECRET_ID.into(),
            secret_key: SECRET_KEY.into(),
            sdk_app_id: SDK_APP_ID.into(),
            sign_name: SIGN_NAME.into(),
            template_id: TEMPLATE_ID.into(),
            receipt_template_id: Some(RECEIPT_TEMPLATE_ID.into()),
            region: "ap-guangzhou".into(),
            endpoint: self.endpoint.parse().unwrap(),
            timeout: Duration::from_secs(10),
        }
    }

    /// How many requests reached it.
    pub fn requests(&self) -> usize {
        *self.state.requests.lock().unwrap()
    }

    /// The messages it accepted, oldest first.
    pub fn accepted(&self) -> Vec<Accepted> {
        self.state.accepted.lock().unwrap().clone()
    }

    /// The error codes it answered, oldest first (whole requests and single numbers).
    pub fn refused(&self) -> Vec<String> {
        self.state.refused.lock().unwrap().clone()
    }

    /// From now on, refuses `phone` (E.164) with this `SendStatusSet` code and message.
    pub fn fail_number(&self, phone: &str, code: &str, message: &str) {
        self.state
            .fail_numbers
            .lock()
            .unwrap()
            .insert(phone.into(), (code.into(), message.into()));
    }

    /// From now on, refuses every well-signed request with this `Error`.
    pub fn fail_requests(&self, code: &str, message: &str) {
        *self.state.fail_requests.lock().unwrap() = Some((code.into(), message.into()));
    }

    /// Undoes [`Self::fail_number`] and [`Self::fail_requests`].
    pub fn heal(&self) {
        self.state.fail_numbers.lock().unwrap().clear();
        *self.state.fail_requests.lock().unwrap() = None;
    }
}

/// An error `Code` and `Message` to answer.
type Refusal = (String, String);

async fn handle(req: HttpRequest, body: web::Bytes, state: web::Data<State>) -> HttpResponse {
    *state.requests.lock().unwrap() += 1;
    let request_id = uuid::Uuid::new_v4().to_string();
    let response = match check(&req, &body, &state) {
        Ok(mut answer) => {
            answer["RequestId"] = json!(request_id);
            answer
        }
        Err((code, message)) => {
            state.refused.lock().unwrap().push(code.clone());
            json!({"Error": {"Code": code, "Message": message}, "RequestId": request_id})
        }
    };
    // Tencent answers HTTP 200 whatever happened.
    HttpResponse::Ok().json(json!({ "Response": response }))
}

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The SendSms answer (without `RequestId`), or the `Error` to answer.
fn check(req: &HttpRequest, body: &[u8], state: &State) -> Result<Value, Refusal> {
    if req.method() != actix_web::http::Method::POST || req.path() != "/" {
        return Err((
            "InvalidParameter".into(),
            format!("{} {} is not an API 3.0 request", req.method(), req.path()),
        ));
    }
    let missing = |name: &str| -> Refusal {
        (
            "MissingParameter".into(),
            format!("The request is missing a required parameter `{name}`."),
        )
    };
    let action = header(req, "x-tc-action").ok_or_else(|| missing("Action"))?;
    if action != "SendSms" {
        return Err((
            "InvalidAction".into(),
            format!("The action `{action}` requested was invalid or not found."),
        ));
    }
    let version = header(req, "x-tc-version").ok_or_else(|| missing("Version"))?;
    if version != "2021-01-11" {
        return Err((
            "NoSuchVersion".into(),
            format!("The requested version `{version}` of service `sms` does not exist."),
        ));
    }
    let region = header(req, "x-tc-region").ok_or_else(|| missing("Region"))?;
    let timestamp: i64 = header(req, "x-tc-timestamp")
        .ok_or_else(|| missing("Timestamp"))?
        .parse()
        .map_err(|_| {
            (
                "InvalidParameter".into(),
                "`Timestamp` is not a number.".to_owned(),
            )
        })?;
    verify_signature(req, body, timestamp)?;
    let content_type = header(req, "content-type").unwrap_or_default();
    if !content_type.starts_with("application/json") {
        return Err((
            "InvalidParameter".into(),
            format!("Content-Type `{content_type}` is not supported here."),
        ));
    }
    let body: Value = serde_json::from_slice(body).map_err(|e| {
        (
            "InvalidParameter".into(),
            format!("The body is not JSON: {e}"),
        )
    })?;
    let text = |name: &'static str| -> Result<String, Refusal> {
        body[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| missing(name))
    };
    let list = |name: &'static str| -> Result<Vec<String>, Refusal> {
        body[name]
            .as_array()
            .ok_or_else(|| missing(name))?
            .iter()
            .map(|v| {
                v.as_str().map(str::to_owned).ok_or((
                    "InvalidParameter".into(),
                    format!("`{name}` must hold strings."),
                ))
            })
            .collect()
    };
    let phones = list("PhoneNumberSet")?;
    let sdk_app_id = text("SmsSdkAppId")?;
    let template_id = text("TemplateId")?;
    let sign_name = text("SignName").unwrap_or_default();
    let params = if body.get("TemplateParamSet").is_some() {
        list("TemplateParamSet")?
    } else {
        Vec::new()
    };
    if phones.is_empty() || phones.len() > 200 {
        return Err((
            "LimitExceeded.PhoneNumberCountLimit".into(),
            "PhoneNumberSet takes 1 to 200 numbers.".into(),
        ));
    }
    if sdk_app_id != SDK_APP_ID {
        return Err((
            "UnauthorizedOperation.SmsSdkAppIdVerifyFail".into(),
            "SmsSdkAppId verification failed.".into(),
        ));
    }
    if sign_name != SIGN_NAME {
        return Err((
            "FailedOperation.SignatureIncorrectOrUnapproved".into(),
            "The signature is not approved or has an error.".into(),
        ));
    }
    let wanted = match template_id.as_str() {
        TEMPLATE_ID => TEMPLATE_PARAMS,
        RECEIPT_TEMPLATE_ID => RECEIPT_TEMPLATE_PARAMS,
        _ => {
            return Err((
                "FailedOperation.TemplateIncorrectOrUnapproved".into(),
                "The template is not approved or the request does not match it.".into(),
            ));
        }
    };
    if params.len() != wanted {
        return Err((
            "FailedOperation.TemplateParamSetNotMatchApprovedTemplate".into(),
            format!(
                "The template takes {wanted} parameters, not {}.",
                params.len()
            ),
        ));
    }
    if let Some((code, message)) = state.fail_requests.lock().unwrap().clone() {
        return Err((code, message));
    }
    let signed_headers = authorization_parts(header(req, "authorization").unwrap_or_default())
        .map(|a| a.signed_headers.to_owned())
        .unwrap_or_default();
    let mut statuses = Vec::new();
    for phone in phones {
        let scripted = state.fail_numbers.lock().unwrap().get(&phone).cloned();
        let well_formed = phone.strip_prefix("+86").is_some_and(|n| {
            n.len() == 11 && n.starts_with('1') && n.bytes().all(|b| b.is_ascii_digit())
        });
        let (code, message) = if !well_formed {
            (
                "InvalidParameterValue.IncorrectPhoneNumber".to_owned(),
                "The mobile number is in the wrong format.".to_owned(),
            )
        } else if let Some(failure) = scripted {
            failure
        } else {
            state.accepted.lock().unwrap().push(Accepted {
                phone: phone.clone(),
                params: params.clone(),
                sdk_app_id: sdk_app_id.clone(),
                sign_name: sign_name.clone(),
                template_id: template_id.clone(),
                region: region.to_owned(),
                signed_headers: signed_headers.clone(),
            });
            ("Ok".to_owned(), "send success".to_owned())
        };
        if code != "Ok" {
            state.refused.lock().unwrap().push(code.clone());
        }
        let fee = if code == "Ok" { 1 } else { 0 };
        statuses.push(json!({
            "SerialNo": format!("5000:{}", uuid::Uuid::new_v4().simple()),
            "PhoneNumber": phone,
            "Fee": fee,
            "SessionContext": "",
            "Code": code,
            "Message": message,
            "IsoCode": "CN",
        }));
    }
    Ok(json!({ "SendStatusSet": statuses }))
}

struct Authorization<'a> {
    secret_id: &'a str,
    date: &'a str,
    service: &'a str,
    terminator: &'a str,
    signed_headers: &'a str,
    signature: &'a str,
}

/// `TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=HEX`
fn authorization_parts(value: &str) -> Option<Authorization<'_>> {
    let rest = value.strip_prefix("TC3-HMAC-SHA256 ")?;
    let mut credential = None;
    let mut signed_headers = None;
    let mut signature = None;
    for part in rest.split(',') {
        let (key, value) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(value),
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            _ => return None,
        }
    }
    let mut scope = credential?.splitn(4, '/');
    Some(Authorization {
        secret_id: scope.next()?,
        date: scope.next()?,
        service: scope.next()?,
        terminator: scope.next()?,
        signed_headers: signed_headers?,
        signature: signature?,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn hmac_sha256(key: &[u8], message: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(message.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// The TC3-HMAC-SHA256 check, written from Tencent's page independently of the server's
/// signer: the canonical request is rebuilt from what arrived.
fn verify_signature(req: &HttpRequest, body: &[u8], timestamp: i64) -> Result<(), Refusal> {
    let invalid = || -> Refusal {
        (
            "AuthFailure.InvalidAuthorization".into(),
            "Authorization in the request header is invalid.".to_owned(),
        )
    };
    let failure = || -> Refusal {
        (
            "AuthFailure.SignatureFailure".into(),
            "The provided credentials could not be validated. Please check your signature is correct."
                .to_owned(),
        )
    };
    let auth = header(req, "authorization")
        .and_then(authorization_parts)
        .ok_or_else(invalid)?;
    let now = now();
    if (now - timestamp).abs() > 300 {
        return Err((
            "AuthFailure.SignatureExpire".into(),
            format!(
                "Signature expired. Timestamp {timestamp} and server time {now} differ by more than five minutes."
            ),
        ));
    }
    if auth.secret_id != SECRET_ID {
        return Err((
            "AuthFailure.SecretIdNotFound".into(),
            "The SecretId is not found, please ensure that your SecretId is correct.".to_owned(),
        ));
    }
    let utc_date = jiff::Timestamp::from_second(timestamp)
        .map_err(|_| failure())?
        .strftime("%Y-%m-%d")
        .to_string();
    if auth.date != utc_date || auth.service != "sms" || auth.terminator != "tc3_request" {
        return Err(failure());
    }
    let names: Vec<&str> = auth.signed_headers.split(';').collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    if names != sorted
        || !names.contains(&"content-type")
        || !names.contains(&"host")
        || names.iter().any(|n| *n != n.to_ascii_lowercase())
    {
        return Err(failure());
    }
    let mut canonical_headers = String::new();
    for name in &names {
        let value = header(req, name).ok_or_else(failure)?;
        canonical_headers.push_str(&format!("{name}:{}\n", value.trim().to_ascii_lowercase()));
    }
    let canonical_request = format!(
        "POST\n/\n\n{canonical_headers}\n{}\n{}",
        auth.signed_headers,
        sha256_hex(body)
    );
    let scope = format!("{utc_date}/sms/tc3_request");
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let key = hmac_sha256(
        &hmac_sha256(
            &hmac_sha256(format!("TC3{SECRET_KEY}").as_bytes(), &utc_date),
            "sms",
        ),
        "tc3_request",
    );
    let expected = hex::encode(hmac_sha256(&key, &string_to_sign));
    if expected != auth.signature {
        return Err(failure());
    }
    Ok(())
}
