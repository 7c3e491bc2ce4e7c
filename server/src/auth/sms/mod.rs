//! Sending SMS one-time codes, behind one trait so providers can be swapped
//! (`JIFEN_SMS_PROVIDER`):
//! - `log`, for development and demos, writes one line per code with the phone number and the
//!   6 digits to the server log (API.md, "Operations");
//! - `tencent`, Tencent Cloud SMS ([`tencent`]), signed with [`tc3`].

pub mod tc3;
pub mod tencent;

use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::config::SmsProvider as ProviderSetting;
use crate::people::phone::Phone;

/// A failure to hand a code to the SMS gateway: refused, unreachable, timed out, or an answer
/// that could not be read. The text is for the server log (it names the gateway's error code
/// and request id); it never holds the code or a secret, and it is not shown to clients.
#[derive(Debug, thiserror::Error)]
#[error("the SMS gateway did not take the message: {0}")]
pub struct SmsError(pub String);

/// A 代办 receipt to text ([`crate::proxy::send_receipt`]): the template's three parameters
/// and the whole text they make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptSms {
    /// `{1}`: what was done, e.g. `您的 30 积分已兑换 洗衣粉 ×1`.
    pub what: String,
    /// `{2}`: who did it, e.g. `代办员 王*华`.
    pub who: String,
    /// `{3}`: the receipt number.
    pub receipt_no: String,
}

impl ReceiptSms {
    /// The text the villager reads: `{1}，{2}，编号 {3}`.
    pub fn text(&self) -> String {
        format!("{}，{}，编号 {}", self.what, self.who, self.receipt_no)
    }
}

/// Something that delivers a login code, or a 代办 receipt, to a phone.
pub trait SmsSender: Send + Sync {
    /// Sends `code` (6 digits) to `phone`. `Ok` means the gateway accepted the message for
    /// delivery (not that it reached the phone).
    fn send<'a>(&'a self, phone: &'a Phone, code: &'a str) -> BoxFuture<'a, Result<(), SmsError>>;

    /// Sends a 代办 receipt to `phone` (the villager's household).
    fn send_receipt<'a>(
        &'a self,
        phone: &'a Phone,
        receipt: &'a ReceiptSms,
    ) -> BoxFuture<'a, Result<(), SmsError>>;
}

/// `JIFEN_SMS_PROVIDER=log`: writes `SMS code for +86138…: 123456` to the log (target
/// `jifen::sms`, level INFO). Never for production: anyone reading the log can sign in.
pub struct LogSender;

impl SmsSender for LogSender {
    fn send<'a>(&'a self, phone: &'a Phone, code: &'a str) -> BoxFuture<'a, Result<(), SmsError>> {
        Box::pin(async move {
            tracing::info!(target: "jifen::sms", "SMS code for {phone}: {code}");
            Ok(())
        })
    }

    fn send_receipt<'a>(
        &'a self,
        phone: &'a Phone,
        receipt: &'a ReceiptSms,
    ) -> BoxFuture<'a, Result<(), SmsError>> {
        Box::pin(async move {
            tracing::info!(target: "jifen::sms", "SMS receipt for {}: {}", phone.masked(), receipt.text());
            Ok(())
        })
    }
}

/// The sender the settings ask for.
///
/// Errors: the provider's client cannot be set up (see [`tencent::TencentSender::new`]).
pub fn from_settings(provider: &ProviderSetting) -> Result<Arc<dyn SmsSender>, SmsError> {
    Ok(match provider {
        ProviderSetting::Log => Arc::new(LogSender),
        ProviderSetting::Tencent(settings) => {
            Arc::new(tencent::TencentSender::new((**settings).clone())?)
        }
    })
}
