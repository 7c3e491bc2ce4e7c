//! The API's error model: `{"code": "...", "message": "..."}` with a stable, snake_case code.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code. Clients branch on it; the text of
/// [`ApiErrorBody::message`] is for people and may change.
///
/// Each code has one HTTP status, given by [`ErrorCode::http_status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: a field, a path segment, a query parameter or the body is malformed.
    InvalidInput,
    /// 400: not a mainland China mobile number.
    InvalidPhone,
    /// 401: no valid access token.
    Unauthenticated,
    /// 401: wrong phone or password (never says which).
    InvalidCredentials,
    /// 401: the refresh token is unknown, expired, already used or revoked.
    InvalidToken,
    /// 401: the SMS code is wrong, expired, already used, or was tried too many times.
    InvalidCode,
    /// 401: WeChat refused the sign-in code (errcode 40029 invalid or 40163 already used):
    /// start the WeChat sign-in again.
    WechatCodeInvalid,
    /// 401: the WeChat sign-in was not started in this browser (its `state` and `verifier`
    /// do not match one `POST /auth/wechat/start` gave), has expired (10 minutes) or was
    /// already used: start the WeChat sign-in again. Checked before the code is exchanged.
    WechatStateInvalid,
    /// 403: the caller may not do this, or the object is outside the caller's region.
    Forbidden,
    /// 403: the phone number is not in the village registry (ask the village to add it).
    NotRegistered,
    /// 403: the account's password was reset by a higher admin: set a new one first
    /// (`POST /auth/password/change`); until then only that, `GET /me` and signing out are
    /// answered.
    PasswordChangeRequired,
    /// 403: the rule is for some of the county's groups (党员, 村民代表…) and the villager is
    /// in none of them.
    NotInGroup,
    /// 404: no such object (or no such API route).
    NotFound,
    /// 409: the same idempotency key was sent with a different request.
    IdempotencyConflict,
    /// 409: something with that name already exists there.
    AlreadyExists,
    /// 413: the request body is larger than the server accepts.
    TooLarge,
    /// 415: the body is not in a media type this route accepts.
    UnsupportedMediaType,
    /// 408: the upload's body arrived too slowly (nothing at first, or later under the
    /// server's minimum rate) and was cut; nothing was stored. Try again on a better
    /// connection.
    UploadTooSlow,
    /// 429: too many requests; try again later.
    RateLimited,
    /// 500: a fault on our side. The response never carries details; the log does, under the
    /// request id.
    Internal,
    /// 503: the database or another dependency is not answering.
    Unavailable,
    /// 503: WeChat's API did not answer, or answered with an error other than a bad code.
    WechatUnavailable,
    /// 503: the SMS gateway refused the code or did not answer; nothing was sent and the
    /// request did not count against the limits, so the client may ask again.
    SmsUnavailable,
    /// 400: the upload is not a JPEG, PNG or WebP image this server can read (HEIC, PDF, a
    /// truncated file, or larger than 8192 px a side), whatever its name says.
    UnsupportedMedia,
    /// 400: the rule needs photo evidence (`photo_ids` is empty).
    PhotoRequired,
    /// 409: the person already has as many approved claims of this rule as the rule allows
    /// in the county's day or month (`JIFEN_TIMEZONE`).
    CapReached,
    /// 409: the claim was already approved or rejected.
    AlreadyReviewed,
    /// 409: the villager's available points (held minus reserved) do not cover the
    /// redemption; nothing was reserved.
    InsufficientPoints,
    /// 409: the shop has fewer units of a goods in stock than asked for; nothing was reserved.
    OutOfStock,
    /// 409: the goods' per-person limit for the county month would be exceeded (counting the
    /// villager's reserved and fulfilled redemptions of it this month).
    LimitReached,
    /// 409: the goods are no longer on offer (taken off the shelf).
    GoodsUnavailable,
    /// 409: the shop is closed (停业): no new reservations; those already made are still
    /// handed over or cancelled.
    ShopClosed,
    /// 409: the redemption was already handed over (by this or another keeper); the villager
    /// was debited once.
    AlreadyFulfilled,
    /// 410: the redemption is no longer open: it expired, or the villager cancelled it; its
    /// points and stock have returned.
    Expired,
    /// 409: only a reserved redemption, or an open service order, can be cancelled.
    NotCancellable,
    /// 409: the service order was already claimed by a volunteer (this one or another), or
    /// is no longer open.
    AlreadyClaimed,
    /// 409: the order was already rated (a second rating is taken only after a 差评 was
    /// rectified).
    AlreadyRated,
    /// 409: the object is not in a state that allows this (completing an order that is not
    /// claimed, rating one that is not completed…); the message says which state it is in.
    WrongState,
    /// 400: the grid is not a grid of the person's village.
    UnknownGrid,
    /// 409: the phone number belongs to another open account.
    PhoneTaken,
    /// 409: the account was closed already (迁出 or 去世); closing again changes nothing.
    AlreadyClosed,
    /// 409: the account is closed (迁出 or 去世): it is no longer edited.
    PersonClosed,
    /// 409: the account holds other points than the admin was shown (`seen_points`); ask
    /// again with the new amount.
    BalanceChanged,
    /// 409: the claim, or this villager's part of the award, was corrected (更正) already; a
    /// correction is made once.
    AlreadyCorrected,
    /// 409: the service order has not escalated to the grid worker yet (its SLA has not
    /// passed): until then the volunteers of its area claim it and the admins of its region
    /// dispatch it.
    NotEscalated,
    /// 409: the shop's month was marked paid already (结算); a month is paid once.
    AlreadyPaid,
    /// 409: the month is not over in the county's calendar: it cannot be paid yet.
    MonthNotOver,
    /// 409: an earlier month of the shop has redemptions not paid yet; months are paid in
    /// order (the error's message names the month).
    EarlierMonthUnpaid,
    /// 409: the member card was reported lost and replaced (挂失补卡): this QR code or number
    /// no longer names anyone; the villager has a new card.
    CardRevoked,
    /// 409: proxies (代办员, family delegates) already did as much for this villager today as
    /// the county allows (actions or points, the county's day); nothing was done.
    ProxyLimitReached,
    /// 401: the proxy session (代办) ended, expired (30 minutes) or is not the caller's: open
    /// it again with the villager's card.
    ProxySessionEnded,
    /// 403: the caller did this for the villager as a proxy, and the same person may not also
    /// review the claim or hand the goods over (a second person checks every proxy action).
    OwnProxyAction,
}

impl ErrorCode {
    /// The HTTP status code that accompanies this error code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidInput
            | ErrorCode::InvalidPhone
            | ErrorCode::UnsupportedMedia
            | ErrorCode::PhotoRequired
            | ErrorCode::UnknownGrid => 400,
            ErrorCode::Unauthenticated
            | ErrorCode::InvalidCredentials
            | ErrorCode::InvalidToken
            | ErrorCode::InvalidCode
            | ErrorCode::WechatCodeInvalid
            | ErrorCode::WechatStateInvalid
            | ErrorCode::ProxySessionEnded => 401,
            ErrorCode::Forbidden
            | ErrorCode::NotRegistered
            | ErrorCode::PasswordChangeRequired
            | ErrorCode::NotInGroup
            | ErrorCode::OwnProxyAction => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::IdempotencyConflict
            | ErrorCode::AlreadyExists
            | ErrorCode::CapReached
            | ErrorCode::AlreadyReviewed
            | ErrorCode::InsufficientPoints
            | ErrorCode::OutOfStock
            | ErrorCode::LimitReached
            | ErrorCode::GoodsUnavailable
            | ErrorCode::ShopClosed
            | ErrorCode::AlreadyFulfilled
            | ErrorCode::NotCancellable
            | ErrorCode::AlreadyClaimed
            | ErrorCode::AlreadyRated
            | ErrorCode::WrongState
            | ErrorCode::PhoneTaken
            | ErrorCode::AlreadyClosed
            | ErrorCode::PersonClosed
            | ErrorCode::BalanceChanged
            | ErrorCode::AlreadyCorrected
            | ErrorCode::NotEscalated
            | ErrorCode::AlreadyPaid
            | ErrorCode::MonthNotOver
            | ErrorCode::EarlierMonthUnpaid
            | ErrorCode::CardRevoked
            | ErrorCode::ProxyLimitReached => 409,
            ErrorCode::UploadTooSlow => 408,
            ErrorCode::Expired => 410,
            ErrorCode::TooLarge => 413,
            ErrorCode::UnsupportedMediaType => 415,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal => 500,
            ErrorCode::Unavailable | ErrorCode::WechatUnavailable | ErrorCode::SmsUnavailable => {
                503
            }
        }
    }

    /// The code as it appears on the wire, e.g. `"invalid_input"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::NotRegistered => "not_registered",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotInGroup => "not_in_group",
            ErrorCode::NotFound => "not_found",
            ErrorCode::IdempotencyConflict => "idempotency_conflict",
            ErrorCode::AlreadyExists => "already_exists",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::UploadTooSlow => "upload_too_slow",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::WechatCodeInvalid => "wechat_code_invalid",
            ErrorCode::WechatStateInvalid => "wechat_state_invalid",
            ErrorCode::WechatUnavailable => "wechat_unavailable",
            ErrorCode::SmsUnavailable => "sms_unavailable",
            ErrorCode::UnsupportedMedia => "unsupported_media",
            ErrorCode::PhotoRequired => "photo_required",
            ErrorCode::CapReached => "cap_reached",
            ErrorCode::AlreadyReviewed => "already_reviewed",
            ErrorCode::InsufficientPoints => "insufficient_points",
            ErrorCode::OutOfStock => "out_of_stock",
            ErrorCode::LimitReached => "limit_reached",
            ErrorCode::GoodsUnavailable => "goods_unavailable",
            ErrorCode::ShopClosed => "shop_closed",
            ErrorCode::AlreadyFulfilled => "already_fulfilled",
            ErrorCode::Expired => "expired",
            ErrorCode::NotCancellable => "not_cancellable",
            ErrorCode::AlreadyClaimed => "already_claimed",
            ErrorCode::AlreadyRated => "already_rated",
            ErrorCode::WrongState => "wrong_state",
            ErrorCode::UnknownGrid => "unknown_grid",
            ErrorCode::PhoneTaken => "phone_taken",
            ErrorCode::AlreadyClosed => "already_closed",
            ErrorCode::PersonClosed => "person_closed",
            ErrorCode::BalanceChanged => "balance_changed",
            ErrorCode::AlreadyCorrected => "already_corrected",
            ErrorCode::NotEscalated => "not_escalated",
            ErrorCode::AlreadyPaid => "already_paid",
            ErrorCode::MonthNotOver => "month_not_over",
            ErrorCode::EarlierMonthUnpaid => "earlier_month_unpaid",
            ErrorCode::CardRevoked => "card_revoked",
            ErrorCode::ProxyLimitReached => "proxy_limit_reached",
            ErrorCode::ProxySessionEnded => "proxy_session_ended",
            ErrorCode::OwnProxyAction => "own_proxy_action",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response: `{"code": "not_found", "message": "…"}`.
///
/// `message` names the offending field where there is one; it never contains SQL, file paths
/// or stack traces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_their_wire_names() {
        for code in [
            ErrorCode::InvalidInput,
            ErrorCode::Unauthenticated,
            ErrorCode::InvalidCredentials,
            ErrorCode::InvalidToken,
            ErrorCode::InvalidCode,
            ErrorCode::InvalidPhone,
            ErrorCode::NotRegistered,
            ErrorCode::PasswordChangeRequired,
            ErrorCode::Forbidden,
            ErrorCode::NotInGroup,
            ErrorCode::NotFound,
            ErrorCode::IdempotencyConflict,
            ErrorCode::AlreadyExists,
            ErrorCode::TooLarge,
            ErrorCode::UnsupportedMediaType,
            ErrorCode::UploadTooSlow,
            ErrorCode::RateLimited,
            ErrorCode::Internal,
            ErrorCode::Unavailable,
            ErrorCode::WechatCodeInvalid,
            ErrorCode::WechatStateInvalid,
            ErrorCode::WechatUnavailable,
            ErrorCode::SmsUnavailable,
            ErrorCode::InsufficientPoints,
            ErrorCode::OutOfStock,
            ErrorCode::LimitReached,
            ErrorCode::GoodsUnavailable,
            ErrorCode::ShopClosed,
            ErrorCode::AlreadyFulfilled,
            ErrorCode::Expired,
            ErrorCode::NotCancellable,
            ErrorCode::AlreadyClaimed,
            ErrorCode::AlreadyRated,
            ErrorCode::WrongState,
            ErrorCode::UnknownGrid,
            ErrorCode::PhoneTaken,
            ErrorCode::AlreadyClosed,
            ErrorCode::PersonClosed,
            ErrorCode::BalanceChanged,
            ErrorCode::AlreadyCorrected,
            ErrorCode::NotEscalated,
            ErrorCode::AlreadyPaid,
            ErrorCode::MonthNotOver,
            ErrorCode::EarlierMonthUnpaid,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!(ErrorCode::NotFound.http_status(), 404);
        assert_eq!(ErrorCode::Expired.http_status(), 410);
        assert_eq!(ErrorCode::UploadTooSlow.http_status(), 408);
    }
}
