//! Tencent Cloud SMS (腾讯云短信): API 3.0, action `SendSms`, version `2021-01-11`
//! (<https://cloud.tencent.com/document/api/382/55981>), signed with TC3-HMAC-SHA256
//! ([`super::tc3`]).
//!
//! One code is one request: `POST /` to the endpoint (`https://sms.tencentcloudapi.com`) with
//! the headers `Authorization`, `Content-Type: application/json; charset=utf-8`, `Host`,
//! `X-TC-Action: SendSms`, `X-TC-Timestamp` (Unix seconds), `X-TC-Version: 2021-01-11` and
//! `X-TC-Region`, and the body
//! `{"PhoneNumberSet": ["+86…"], "SmsSdkAppId", "SignName", "TemplateId", "TemplateParamSet": [code, "5"]}`.
//! `content-type`, `host` and `x-tc-action` are signed, as in Tencent's current example.
//!
//! The template (approved in the SMS console, `JIFEN_TENCENT_SMS_TEMPLATE_ID`) must take two
//! parameters: `{1}` the 6-digit code and `{2}` the minutes it stays valid, e.g.
//! `您的登录验证码为{1}，{2}分钟内有效，请勿泄露。`
//!
//! Answers (always HTTP 200 from Tencent): success is
//! `{"Response": {"SendStatusSet": [{"PhoneNumber", "Code": "Ok", "SerialNo", …}], "RequestId"}}`;
//! a refused request is `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` (e.g.
//! `AuthFailure.SignatureFailure`, `FailedOperation.InsufficientBalanceInSmsPackage`); a refused
//! number has its own `Code` in `SendStatusSet` (e.g. `LimitExceeded.PhoneNumberDailyLimit`).
//! Every refusal, any other HTTP status, an unreadable answer, a network error and a timeout
//! ([`TencentSmsSettings::timeout`], 6 s by default) is an [`SmsError`] naming Tencent's code
//! and `RequestId`; neither the code sent nor the SecretKey ever appears in an error or a log.

use std::time::{SystemTime, UNIX_EPOCH};

use futures_util::future::BoxFuture;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HOST};
use serde::{Deserialize, Serialize};

use super::tc3::Signing;
use super::{SmsError, SmsSender};
use crate::config::TencentSmsSettings;
use crate::people::phone::Phone;

/// `X-TC-Action`.
pub const ACTION: &str = "SendSms";
/// `X-TC-Version`.
pub const VERSION: &str = "2021-01-11";
/// The service in the credential scope (`sms.tencentcloudapi.com`).
pub const SERVICE: &str = "sms";
/// The body's media type, exactly as signed (Tencent's page warns that a `charset` added
/// by a client library after signing breaks the signature).
pub const JSON: &str = "application/json; charset=utf-8";

/// The `SendSms` body (field names as in Tencent's "输入参数" table).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SendSmsRequest<'a> {
    phone_number_set: [&'a str; 1],
    sms_sdk_app_id: &'a str,
    sign_name: &'a str,
    template_id: &'a str,
    template_param_set: &'a [&'a str],
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(rename = "Response")]
    response: ResponseBody,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ResponseBody {
    error: Option<ApiError>,
    #[serde(default)]
    send_status_set: Vec<SendStatus>,
    #[serde(default)]
    request_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ApiError {
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendStatus {
    #[serde(default)]
    phone_number: String,
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    serial_no: String,
}

/// `JIFEN_SMS_PROVIDER=tencent`: sends each code with Tencent Cloud SMS.
pub struct TencentSender {
    settings: TencentSmsSettings,
    /// `Host` as sent and signed: the endpoint's host, with its port when not the default.
    host: String,
    client: reqwest::Client,
}

impl std::fmt::Debug for TencentSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TencentSender")
            .field("settings", &self.settings) // redacts the SecretKey
            .finish_non_exhaustive()
    }
}

impl TencentSender {
    /// A sender with its own HTTP client (connection reuse, the settings' timeout).
    ///
    /// Errors: the endpoint has no host, or the TLS backend cannot start.
    pub fn new(settings: TencentSmsSettings) -> Result<TencentSender, SmsError> {
        let url = &settings.endpoint;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return Err(SmsError(format!("the SMS endpoint {url} has no host"))),
        };
        let client = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(std::time::Duration::from_secs(5)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SmsError(format!("cannot start the HTTP client: {e}")))?;
        Ok(TencentSender {
            settings,
            host,
            client,
        })
    }

    async fn send_code(&self, phone: &Phone, code: &str) -> Result<(), SmsError> {
        let minutes = (crate::auth::otp::CODE_TTL.as_secs() / 60).to_string();
        let template = self.settings.template_id.clone();
        self.send_template(phone, &template, &[code, &minutes], "SMS code")
            .await
    }

    async fn send_receipt_sms(
        &self,
        phone: &Phone,
        receipt: &super::ReceiptSms,
    ) -> Result<(), SmsError> {
        let Some(template) = self.settings.receipt_template_id.clone() else {
            return Err(SmsError(
                "JIFEN_TENCENT_SMS_RECEIPT_TEMPLATE_ID is not set: 代办 receipts are not texted"
                    .into(),
            ));
        };
        let params = [receipt.what.as_str(), &receipt.who, &receipt.receipt_no];
        self.send_template(phone, &template, &params, "代办 receipt")
            .await
    }

    /// Posts one `SendSms` of template `template_id` with `params` to `phone`; `what` names
    /// the message in the log.
    async fn send_template(
        &self,
        phone: &Phone,
        template_id: &str,
        params: &[&str],
        what: &str,
    ) -> Result<(), SmsError> {
        if phone.is_demo() {
            return Err(SmsError(format!(
                "{} is a demo number (+86 100…): no message is sent",
                phone.masked()
            )));
        }
        let s = &self.settings;
        let body = serde_json::to_vec(&SendSmsRequest {
            phone_number_set: [phone.as_str()],
            sms_sdk_app_id: &s.sdk_app_id,
            sign_name: &s.sign_name,
            template_id,
            template_param_set: params,
        })
        .map_err(|e| SmsError(format!("cannot encode SendSms: {e}")))?;
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_err(|_| SmsError("the system clock is before 1970".into()))?
            .as_secs() as i64;
        let signed = [
            ("Content-Type", JSON),
            ("Host", self.host.as_str()),
            ("X-TC-Action", ACTION),
        ];
        let authorization = Signing {
            secret_id: &s.secret_id,
            secret_key: s.secret_key.expose(),
            service: SERVICE,
            timestamp,
        }
        .authorization(&signed, &body)
        .ok_or_else(|| SmsError("the system clock is out of range".into()))?;
        let response = self
            .client
            .post(s.endpoint.clone())
            .header(AUTHORIZATION, authorization)
            .header(CONTENT_TYPE, JSON)
            .header(HOST, &self.host)
            .header("X-TC-Action", ACTION)
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Version", VERSION)
            .header("X-TC-Region", &s.region)
            .body(body)
            .send()
            .await
            .map_err(|e| network_error(&e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| network_error(&e))?;
        if !status.is_success() {
            return Err(SmsError(format!(
                "Tencent Cloud SMS answered HTTP {status}: {}",
                excerpt(&text)
            )));
        }
        let answer: Envelope = serde_json::from_str(&text).map_err(|e| {
            SmsError(format!(
                "Tencent Cloud SMS answered something unexpected ({e}): {}",
                excerpt(&text)
            ))
        })?;
        let answer = answer.response;
        if let Some(error) = answer.error {
            return Err(SmsError(format!(
                "Tencent Cloud SMS refused SendSms: {}: {} (RequestId {})",
                error.code, error.message, answer.request_id
            )));
        }
        let Some(sent) = answer
            .send_status_set
            .iter()
            .find(|st| st.phone_number == phone.as_str())
            .or(answer.send_status_set.first())
        else {
            return Err(SmsError(format!(
                "Tencent Cloud SMS gave no SendStatusSet (RequestId {})",
                answer.request_id
            )));
        };
        if sent.code != "Ok" {
            return Err(SmsError(format!(
                "Tencent Cloud SMS did not send to {}: {}: {} (RequestId {})",
                phone.masked(),
                sent.code,
                sent.message,
                answer.request_id
            )));
        }
        tracing::info!(
            target: "jifen::sms",
            phone = %phone.masked(),
            serial_no = %sent.serial_no,
            request_id = %answer.request_id,
            "{what} handed to Tencent Cloud SMS"
        );
        Ok(())
    }
}

impl SmsSender for TencentSender {
    fn send<'a>(&'a self, phone: &'a Phone, code: &'a str) -> BoxFuture<'a, Result<(), SmsError>> {
        Box::pin(self.send_code(phone, code))
    }

    fn send_receipt<'a>(
        &'a self,
        phone: &'a Phone,
        receipt: &'a super::ReceiptSms,
    ) -> BoxFuture<'a, Result<(), SmsError>> {
        Box::pin(self.send_receipt_sms(phone, receipt))
    }
}

/// A network failure, said in a few words (reqwest's own text hides the cause in its source).
fn network_error(e: &reqwest::Error) -> SmsError {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "failed"
    };
    let mut detail = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    SmsError(format!("Tencent Cloud SMS request {what}: {detail}"))
}

/// The start of an answer, for the log.
fn excerpt(text: &str) -> String {
    text.chars().take(200).collect()
}
