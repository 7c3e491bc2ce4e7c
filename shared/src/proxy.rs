//! 代办 on the wire: member cards for villagers without a phone, proxy agents (代办员) and
//! family delegates (家属代办) acting for a villager, their receipts (回执) and limits.
//!
//! How acting for someone works (server/src/proxy/mod.rs has the rules in full):
//! 1. the agent opens a **proxy session** (`POST /proxy/sessions`) by the villager's member
//!    card (scanned or its number typed: the villager is there), by searching the registry
//!    (staff who know them), or as a delegate the village recorded with the villager's
//!    consent;
//! 2. for 30 minutes the agent's app sends [`ACTING_FOR_HEADER`] with the session's token
//!    beside its own access token, and the villager's own endpoints (balance, history,
//!    claims, goods, orders, ratings) answer as the villager — only those: anything else
//!    with the header is 403 `forbidden`;
//! 3. every claim, reservation, order and rating made so is recorded with both people, counts
//!    against the county's daily limits for that villager ([`AssistanceSettings`]), is
//!    audited, and gets a receipt ([`ProxyReceipt`]) — printable, and sent by SMS to the
//!    household's phone when there is one.

use serde::{Deserialize, Serialize};

use crate::api::{self, Endpoint, Method};

/// The request header that carries a proxy session's token.
pub const ACTING_FOR_HEADER: &str = "X-Jifen-Acting-For";

/// The villager's own endpoints, `(method, template)`: the only ones that answer as the
/// villager under a proxy session — their reads, the four acts (claim with its photos,
/// reserve, order, rate) and cancelling what was reserved or ordered. The server refuses the
/// header on any other; the app sends it to these and no others. (The public ones — rules,
/// shops, goods, service types, the board — need none.)
pub const ACTING_ENDPOINTS: [(Method, &str); 16] = [
    (api::GetMe::METHOD, api::GetMe::TEMPLATE),
    (api::GetBalance::METHOD, api::GetBalance::TEMPLATE),
    (api::PointsHistory::METHOD, api::PointsHistory::TEMPLATE),
    (api::MyClaims::METHOD, api::MyClaims::TEMPLATE),
    (api::CreateClaim::METHOD, api::CreateClaim::TEMPLATE),
    (api::UploadMedia::METHOD, api::UploadMedia::TEMPLATE),
    (api::GetMedia::METHOD, api::GetMedia::TEMPLATE),
    (api::GetMediaThumb::METHOD, api::GetMediaThumb::TEMPLATE),
    (api::Reserve::METHOD, api::Reserve::TEMPLATE),
    (api::MyRedemptions::METHOD, api::MyRedemptions::TEMPLATE),
    (
        api::CancelRedemption::METHOD,
        api::CancelRedemption::TEMPLATE,
    ),
    (api::CreateOrder::METHOD, api::CreateOrder::TEMPLATE),
    (api::MyOrders::METHOD, api::MyOrders::TEMPLATE),
    (api::GetOrder::METHOD, api::GetOrder::TEMPLATE),
    (api::CancelOrder::METHOD, api::CancelOrder::TEMPLATE),
    (api::RateOrder::METHOD, api::RateOrder::TEMPLATE),
];

/// Whether `E` answers as the villager under a proxy session ([`ACTING_ENDPOINTS`]).
pub fn acts_as_villager<E: Endpoint>() -> bool {
    ACTING_ENDPOINTS
        .iter()
        .any(|(method, template)| *method == E::METHOD && *template == E::TEMPLATE)
}

/// How long a proxy session lasts, in minutes.
pub const SESSION_MINUTES: i64 = 30;

/// Proxy actions for one villager per county day when the county set nothing.
pub const DEFAULT_DAILY_ACTIONS: i64 = 5;
/// Points proxies may spend for one villager per county day when the county set nothing.
pub const DEFAULT_DAILY_POINTS: i64 = 200;
/// The age from which 长辈模式 is on by default when the county set nothing.
pub const DEFAULT_ELDER_AGE: i64 = 70;
/// The most a county may allow: actions per villager per day.
pub const MAX_DAILY_ACTIONS: i64 = 50;
/// The most a county may allow: points per villager per day.
pub const MAX_DAILY_POINTS: i64 = 10_000;

/// The most characters of a delegation's consent note.
pub const MAX_CONSENT_CHARS: usize = 200;

/// The most people one card print may hold (a grid's villagers fit).
pub const MAX_CARDS: usize = 500;

/// How a proxy session was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProxyKind {
    /// The villager's member card, scanned or typed (凭卡): the villager is present.
    Card,
    /// Found in the registry by a proxy agent who knows them (查找).
    Search,
    /// As their family delegate, with the consent the village recorded (家属).
    Delegate,
}

impl ProxyKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyKind::Card => "card",
            ProxyKind::Search => "search",
            ProxyKind::Delegate => "delegate",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<ProxyKind> {
        [ProxyKind::Card, ProxyKind::Search, ProxyKind::Delegate]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// What was done for the villager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProxyActionKind {
    /// 申报积分: a claim submitted.
    Claim,
    /// 兑换: goods reserved.
    Redemption,
    /// 点单: a service ordered.
    Order,
    /// 评价: a service rated.
    Rating,
}

impl ProxyActionKind {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyActionKind::Claim => "claim",
            ProxyActionKind::Redemption => "redemption",
            ProxyActionKind::Order => "order",
            ProxyActionKind::Rating => "rating",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<ProxyActionKind> {
        [
            ProxyActionKind::Claim,
            ProxyActionKind::Redemption,
            ProxyActionKind::Order,
            ProxyActionKind::Rating,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Body of `POST /proxy/sessions`: the villager to act for, exactly one of a member code
/// (the card's QR), a card number, or a person id (a proxy agent's search, or a delegate).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenProxySession {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_code: Option<String>,
    /// 10 digits; spaces are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person_id: Option<i64>,
}

/// What proxies may still do for the villager today (the county day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProxyAllowance {
    pub actions_left: i64,
    pub points_left: i64,
}

/// Answer of `POST /proxy/sessions` (201): send `token` as [`ACTING_FOR_HEADER`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProxySession {
    pub id: i64,
    pub token: String,
    pub kind: ProxyKind,
    pub person_id: i64,
    /// In full: the agent has the villager in front of them (or is their family).
    pub person_name: String,
    pub village_code: String,
    pub village_name: String,
    /// Points available now.
    pub balance: i64,
    pub allowance: ProxyAllowance,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

/// On a claim, redemption, order or ledger entry: it was done by a proxy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProxyNote {
    pub receipt_no: String,
    /// Masked like 王*华.
    pub agent_name: String,
    pub kind: ProxyKind,
}

/// A receipt (回执) of something done for a villager (`GET /proxy/receipts/{no}`): to the
/// agent who did it, the villager, their delegates, and staff who may find the villager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProxyReceipt {
    /// 10 characters of the short-code alphabet, e.g. `DB7K2M9QXA`.
    pub receipt_no: String,
    pub action: ProxyActionKind,
    /// What was done, in words: `洗衣粉 ×1`, the rule's or service's name.
    pub summary: String,
    /// Points spent (a redemption's price), else 0.
    pub points: i64,
    /// Masked.
    pub person_name: String,
    pub village_name: String,
    /// Masked.
    pub agent_name: String,
    pub kind: ProxyKind,
    /// What the receipt is about (`redemption:7`, `claim:12`, `order:3`, `rating:order:3:1`:
    /// a rating of order 3, its first round).
    pub subject: String,
    /// The masked phone the receipt is texted to (the villager's or their household's), once,
    /// after the act (a gateway failure is logged, not retried); `null` when nobody in the
    /// household has a phone.
    pub sms_to: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// While a reservation made for the villager is still to collect: its QR token and
    /// 8-character code, printed on the slip so the villager collects the goods with it at the
    /// counter, by themselves or with anyone (`null` otherwise, and to staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup: Option<Pickup>,
}

/// How a reservation is collected at the counter ([`ProxyReceipt::pickup`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pickup {
    pub qr_token: String,
    pub short_code: String,
    /// RFC 3339, UTC: collect before.
    pub expires_at: String,
}

/// The county's settings for assisted villagers (`GET`/`PUT /admin/assistance/{county}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AssistanceSettings {
    /// Claims, reservations, orders and ratings proxies may make for one villager per county
    /// day, 0–[`MAX_DAILY_ACTIONS`] (0: nobody may act for anyone).
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 50))]
    pub proxy_daily_actions: i64,
    /// Points proxies may spend for one villager per county day, 0–[`MAX_DAILY_POINTS`].
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 10000))]
    pub proxy_daily_points: i64,
    /// 长辈模式 is on by default for villagers this old or older (by birth year), 0–120;
    /// 0: never by default.
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 120))]
    pub elder_age: i64,
}

impl Default for AssistanceSettings {
    fn default() -> Self {
        AssistanceSettings {
            proxy_daily_actions: DEFAULT_DAILY_ACTIONS,
            proxy_daily_points: DEFAULT_DAILY_POINTS,
            elder_age: DEFAULT_ELDER_AGE,
        }
    }
}

impl AssistanceSettings {
    /// The first field out of range, as `invalid_input` says it.
    pub fn problem(&self) -> Option<String> {
        if !(0..=MAX_DAILY_ACTIONS).contains(&self.proxy_daily_actions) {
            return Some(format!(
                "proxy_daily_actions: 0 to {MAX_DAILY_ACTIONS}, not {}",
                self.proxy_daily_actions
            ));
        }
        if !(0..=MAX_DAILY_POINTS).contains(&self.proxy_daily_points) {
            return Some(format!(
                "proxy_daily_points: 0 to {MAX_DAILY_POINTS}, not {}",
                self.proxy_daily_points
            ));
        }
        if !(0..=120).contains(&self.elder_age) {
            return Some(format!("elder_age: 0 to 120, not {}", self.elder_age));
        }
        None
    }
}

/// Body of `POST /admin/member-cards`: whose cards to print, exactly one of some people or a
/// whole grid (its open villagers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrintCards {
    /// 1–[`MAX_CARDS`] people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 500))]
    pub person_ids: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[0-9]{12}-[0-9]{3}$", example = "410783101201-001")
    )]
    pub grid_code: Option<String>,
}

/// One member card (会员卡) to print: the villager's name in full (it is their card), village,
/// number and QR token (the member code, [`crate::recycling::MemberCode`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberCard {
    pub person_id: i64,
    pub name: String,
    pub village_name: String,
    pub grid_name: Option<String>,
    /// 10 digits, the last a Luhn check digit; printed `1234 5678 90`.
    pub card_no: String,
    pub token: String,
}

/// A card number as printed: groups of four digits.
pub fn card_no_printed(card_no: &str) -> String {
    card_no
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Characters of a receipt number (回执编号), of [`crate::shop::SHORT_CODE_ALPHABET`].
pub const RECEIPT_NO_LEN: usize = 10;

/// A typed receipt number as stored (spaces and dashes dropped, upper case), `None` when it
/// cannot be one (not [`RECEIPT_NO_LEN`] characters of the short-code alphabet).
pub fn normalize_receipt_no(typed: &str) -> Option<String> {
    crate::shop::normalize_code(typed, RECEIPT_NO_LEN)
}

/// A typed card number without spaces or dashes (full-width digits accepted), when it is 10
/// digits whose Luhn check holds.
pub fn normalize_card_no(typed: &str) -> Option<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    (digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) && luhn_ok(&digits))
        .then_some(digits)
}

/// The Luhn check over all the digits of `digits` (the last is the check digit).
pub fn luhn_ok(digits: &str) -> bool {
    luhn_sum(digits, false).is_multiple_of(10)
}

/// The Luhn check digit to append to `body`.
pub fn luhn_digit(body: &str) -> char {
    let sum = luhn_sum(body, true);
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

fn luhn_sum(digits: &str, double_last: bool) -> u32 {
    digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if (i % 2 == 0) == double_last {
                let d2 = d * 2;
                if d2 > 9 { d2 - 9 } else { d2 }
            } else {
                d
            }
        })
        .sum()
}

/// A family delegate (家属代办) link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delegation {
    pub id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub delegate_id: i64,
    pub delegate_name: String,
    /// `138****0001`.
    pub delegate_phone: String,
    /// How the villager gave consent, as the village admin recorded it.
    pub consent: String,
    pub recorded_by: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Set once ended (unlinked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<String>,
}

/// Body of `POST /admin/people/{id}/delegations`: link a household member with a phone as the
/// villager's delegate, with how the villager consented (1–[`MAX_CONSENT_CHARS`] characters,
/// e.g. `本人在村委会当面同意`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDelegation {
    pub delegate_id: i64,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub consent: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_villagers_own_endpoints_answer_as_them() {
        assert!(acts_as_villager::<api::GetMe>());
        assert!(acts_as_villager::<api::CreateClaim>());
        assert!(acts_as_villager::<api::UploadMedia>());
        assert!(acts_as_villager::<api::GetMediaThumb>());
        assert!(acts_as_villager::<api::RateOrder>());
        // The agent's own: opening a session, receipts, the inbox, the registry, codes.
        assert!(!acts_as_villager::<api::OpenProxy>());
        assert!(!acts_as_villager::<api::ProxyReceiptOf>());
        assert!(!acts_as_villager::<api::MyDelegations>());
        assert!(!acts_as_villager::<api::InboxUnread>());
        assert!(!acts_as_villager::<api::ListPeople>());
        assert!(!acts_as_villager::<api::MyMemberCode>());
        assert!(!acts_as_villager::<api::ChangeOwnPassword>());
    }

    #[test]
    fn card_numbers_carry_a_luhn_digit() {
        let body = "123456789";
        let full = format!("{body}{}", luhn_digit(body));
        assert_eq!(full, "1234567897");
        assert!(luhn_ok(&full));
        assert_eq!(
            normalize_card_no("1234 5678 97").as_deref(),
            Some("1234567897")
        );
        assert_eq!(
            normalize_card_no("１２３４５６７８９７").as_deref(),
            Some("1234567897")
        );
        assert_eq!(normalize_card_no("1234567898"), None, "one digit off");
        assert_eq!(normalize_card_no("2134567897"), None, "two digits swapped");
        assert_eq!(normalize_card_no("123456789"), None);
        assert_eq!(card_no_printed("1234567897"), "1234 5678 97");
    }
}
