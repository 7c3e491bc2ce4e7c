//! Sending SMS one-time codes, behind one trait so providers can be swapped
//! (`JIFEN_SMS_PROVIDER`). Today: `log`, for development and demos, which writes one line per
//! code with the phone number and the 6 digits to the server log (API.md, "Operations").

use futures_util::future::BoxFuture;

use crate::config::SmsProvider as ProviderSetting;
use crate::people::phone::Phone;

/// A failure to hand a code to the SMS gateway.
#[derive(Debug, thiserror::Error)]
#[error("the SMS gateway did not take the message: {0}")]
pub struct SmsError(pub String);

/// Something that delivers a login code to a phone.
pub trait SmsSender: Send + Sync {
    /// Sends `code` (6 digits) to `phone`.
    fn send<'a>(&'a self, phone: &'a Phone, code: &'a str) -> BoxFuture<'a, Result<(), SmsError>>;
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
}

/// The sender the settings ask for.
pub fn from_settings(provider: ProviderSetting) -> std::sync::Arc<dyn SmsSender> {
    match provider {
        ProviderSetting::Log => std::sync::Arc::new(LogSender),
    }
}
