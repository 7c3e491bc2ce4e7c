//! TC3-HMAC-SHA256, the request signature of Tencent Cloud API 3.0 ("签名方法 v3").
//!
//! The rules, step by step, are those of Tencent's page "签名方法 v3" (every product's API
//! documentation carries a copy, e.g. <https://cloud.tencent.com/document/api/213/30654>):
//!
//! 1. `CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n
//!    SignedHeaders \n Lowercase(Hex(SHA256(payload)))`, where API 3.0 always uses the URI `/`,
//!    a POST always has an empty query string, each signed header is written as
//!    `lowercase(name):lowercase(trim(value))\n` in ASCII order of the names, and
//!    `SignedHeaders` is those names joined by `;` (`content-type` and `host` are required);
//! 2. `StringToSign = "TC3-HMAC-SHA256" \n Timestamp \n CredentialScope \n
//!    Lowercase(Hex(SHA256(CanonicalRequest)))`, with `CredentialScope = Date/service/tc3_request`
//!    and `Date` the **UTC** date of `Timestamp` (`X-TC-Timestamp`, Unix seconds);
//! 3. the key is derived as `HMAC(HMAC(HMAC("TC3" + SecretKey, Date), service), "tc3_request")`
//!    and `Signature = Hex(HMAC(key, StringToSign))`;
//! 4. `Authorization: TC3-HMAC-SHA256 Credential=SecretId/CredentialScope,
//!    SignedHeaders=…, Signature=…`.
//!
//! The functions are pure (no clock, no I/O) so that they can be checked against the worked
//! example of that page (see the tests).

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// The algorithm's name, first word of the `Authorization` header and of the string to sign.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The final element of every credential scope.
pub const TERMINATOR: &str = "tc3_request";

/// The canonical request of a POST to `/` (step 1) and its `SignedHeaders` list.
///
/// `headers` are the headers to sign as sent, names and values in any case; their order does
/// not matter.
pub fn canonical_request(headers: &[(&str, &str)], payload: &[u8]) -> (String, String) {
    let mut canonical: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            (
                name.trim().to_ascii_lowercase(),
                value.trim().to_ascii_lowercase(),
            )
        })
        .collect();
    canonical.sort();
    let signed_headers = canonical
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = canonical
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let request = format!(
        "POST\n/\n\n{canonical_headers}\n{signed_headers}\n{}",
        sha256_hex(payload)
    );
    (request, signed_headers)
}

/// `Date/service/tc3_request`, `date` as `YYYY-MM-DD` (UTC).
pub fn credential_scope(date: &str, service: &str) -> String {
    format!("{date}/{service}/{TERMINATOR}")
}

/// The UTC date (`YYYY-MM-DD`) of a Unix timestamp in seconds, as the credential scope needs
/// it. `None` for a timestamp outside the representable range.
pub fn utc_date(timestamp: i64) -> Option<String> {
    let at = jiff::Timestamp::from_second(timestamp).ok()?;
    Some(at.strftime("%Y-%m-%d").to_string())
}

/// The string to sign (step 2).
pub fn string_to_sign(timestamp: i64, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// The hex signature of `string_to_sign` (step 3) under the key derived from `secret_key`,
/// the scope's `date` and `service`.
pub fn signature(secret_key: &str, date: &str, service: &str, string_to_sign: &str) -> String {
    let secret_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let secret_service = hmac(&secret_date, service.as_bytes());
    let secret_signing = hmac(&secret_service, TERMINATOR.as_bytes());
    hex::encode(hmac(&secret_signing, string_to_sign.as_bytes()))
}

/// Everything needed to sign one request.
pub struct Signing<'a> {
    /// The API key's SecretId, named in the `Credential`.
    pub secret_id: &'a str,
    /// The API key's SecretKey, from which the signing key is derived (never sent).
    pub secret_key: &'a str,
    /// The product, e.g. `sms` (the first label of its domain `sms.tencentcloudapi.com`).
    pub service: &'a str,
    /// `X-TC-Timestamp`: Unix seconds.
    pub timestamp: i64,
}

impl Signing<'_> {
    /// The `Authorization` header value for a POST to `/` with these signed `headers` and
    /// body `payload` (steps 1–4). `None` for a timestamp outside the representable range.
    pub fn authorization(&self, headers: &[(&str, &str)], payload: &[u8]) -> Option<String> {
        let date = utc_date(self.timestamp)?;
        let scope = credential_scope(&date, self.service);
        let (request, signed_headers) = canonical_request(headers, payload);
        let to_sign = string_to_sign(self.timestamp, &scope, &request);
        let signature = signature(self.secret_key, &date, self.service, &to_sign);
        Some(format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}",
            self.secret_id
        ))
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    // The worked example of Tencent's "签名方法 v3" page (English copy "Signature v3"):
    // DescribeInstances of CVM in ap-guangzhou at 1551113065 (2019-02-26 00:44:25 in UTC+8,
    // so the UTC date 2019-02-25 — the page's point about time zones), signing `content-type`
    // and `host`, with SecretKey `Gu5t9xGARNpq86cd98joQYCN3EXAMPLE`. Every intermediate value
    // below is printed on that page.
    const PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const HEADERS: [(&str, &str); 2] = [
        ("Host", "cvm.tencentcloudapi.com"),
        ("Content-Type", "application/json; charset=utf-8"),
    ];

    #[test]
    fn the_documented_example_step_by_step() {
        assert_eq!(
            sha256_hex(PAYLOAD.as_bytes()),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let (request, signed) = canonical_request(&HEADERS, PAYLOAD.as_bytes());
        assert_eq!(signed, "content-type;host");
        assert_eq!(
            request,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n\
             content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let date = utc_date(1551113065).unwrap();
        assert_eq!(date, "2019-02-25", "the UTC date, not Beijing's");
        let scope = credential_scope(&date, "cvm");
        assert_eq!(scope, "2019-02-25/cvm/tc3_request");
        let to_sign = string_to_sign(1551113065, &scope, &request);
        assert_eq!(
            to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
             5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        assert_eq!(
            signature("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", &date, "cvm", &to_sign),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn the_documented_authorization_header() {
        let signing = Signing {
            secret_id: "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
            secret_key: "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
            service: "cvm",
            timestamp: 1551113065,
        };
        assert_eq!(
            signing.authorization(&HEADERS, PAYLOAD.as_bytes()).unwrap(),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn header_values_are_lowercased_and_names_sorted() {
        // The current version of the page also signs `x-tc-action`, lowercasing its value
        // (`x-tc-action:describeinstances`), as the SMS sender does with `SendSms`.
        let (request, signed) = canonical_request(
            &[
                ("X-TC-Action", " SendSms "),
                ("Host", "SMS.tencentcloudapi.com"),
                ("Content-Type", "application/json; charset=utf-8"),
            ],
            b"",
        );
        assert_eq!(signed, "content-type;host;x-tc-action");
        assert!(
            request.contains(
                "content-type:application/json; charset=utf-8\nhost:sms.tencentcloudapi.com\nx-tc-action:sendsms\n\n"
            ),
            "{request}"
        );
    }
}
