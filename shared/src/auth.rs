//! Sign-in, sessions and roles on the wire (API.md, "Auth").

use serde::{Deserialize, Serialize};

use crate::regions::{RegionCode, RegionLevel};

/// What a person may act as, always over one region (API.md, "Roles").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 村民, over their village.
    Villager,
    /// 志愿者, over a village or a township.
    Volunteer,
    /// 超市管理员 (points supermarket keeper), over the shop's village or township.
    Keeper,
    /// 代办员 (proxy agent), over a village: acts for its villagers without a phone
    /// ([`crate::proxy`]).
    ProxyAgent,
    /// 网格员, over a grid.
    GridWorker,
    /// 村干部 managing a village.
    VillageAdmin,
    /// 乡镇 (township) staff.
    TownshipAdmin,
    /// 县 (county) staff.
    CountyAdmin,
}

impl Role {
    /// Every role, least to most powerful.
    pub const ALL: [Role; 8] = [
        Role::Villager,
        Role::Volunteer,
        Role::Keeper,
        Role::ProxyAgent,
        Role::GridWorker,
        Role::VillageAdmin,
        Role::TownshipAdmin,
        Role::CountyAdmin,
    ];

    /// The wire/storage name, e.g. `"grid_worker"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Villager => "villager",
            Role::Volunteer => "volunteer",
            Role::Keeper => "keeper",
            Role::ProxyAgent => "proxy_agent",
            Role::GridWorker => "grid_worker",
            Role::VillageAdmin => "village_admin",
            Role::TownshipAdmin => "township_admin",
            Role::CountyAdmin => "county_admin",
        }
    }

    /// Parses the wire/storage name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The roles this role, as an admin, may grant inside its region (the policy's table, one
    /// source for the server's `policy::may_grant` and the PWA's role picker): a village admin
    /// appoints the village's grid workers, keepers and volunteers; a township admin also the
    /// village admins; a county admin anyone; the other roles nobody. The villager role is
    /// listed but given only by the registry (the villager import), so a grant of it is refused
    /// whoever asks.
    pub fn grantable(self) -> &'static [Role] {
        match self {
            Role::VillageAdmin => &[
                Role::Villager,
                Role::Volunteer,
                Role::Keeper,
                Role::ProxyAgent,
                Role::GridWorker,
            ],
            Role::TownshipAdmin => &[
                Role::Villager,
                Role::Volunteer,
                Role::Keeper,
                Role::ProxyAgent,
                Role::GridWorker,
                Role::VillageAdmin,
            ],
            Role::CountyAdmin => &Role::ALL,
            Role::Villager
            | Role::Volunteer
            | Role::Keeper
            | Role::ProxyAgent
            | Role::GridWorker => &[],
        }
    }

    /// The region levels this role may be granted over.
    pub fn levels(self) -> &'static [RegionLevel] {
        match self {
            Role::Villager | Role::VillageAdmin | Role::ProxyAgent => &[RegionLevel::Village],
            Role::Volunteer | Role::Keeper => &[RegionLevel::Village, RegionLevel::Township],
            Role::GridWorker => &[RegionLevel::Grid],
            Role::TownshipAdmin => &[RegionLevel::Township],
            Role::CountyAdmin => &[RegionLevel::County],
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role over a region: `{role, region_code}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleGrant {
    pub role: Role,
    pub region_code: RegionCode,
}

impl RoleGrant {
    /// Whether this grant lets its holder grant (or revoke) `role` over `region`: `role` is
    /// [`Role::grantable`] by this grant's role and `region` lies inside this grant's region.
    pub fn may_grant(&self, role: Role, region: &RegionCode) -> bool {
        self.role.grantable().contains(&role) && region.is_within(&self.region_code)
    }
}

/// Body of `POST /auth/password` (staff accounts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordLogin {
    /// Any way people write a mainland mobile number: `138 0013 8000`, `+86…`, full-width.
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

/// Body of `POST /auth/refresh` and `POST /auth/logout`; the PWA sends none (its cookie holds
/// the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// The signed-in person (`GET /me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub name: String,
    /// `138****8000`; `null` for a villager without a phone (seen only by a proxy acting
    /// for them).
    pub phone_masked: Option<String>,
    pub village_code: Option<RegionCode>,
    pub grid_code: Option<RegionCode>,
    pub roles: Vec<RoleGrant>,
    /// Points available (0 until the ledger holds transfers for this person).
    pub balance: i64,
    /// The password was reset by a higher admin to a one-time password: the person sets
    /// their own before anything else (403 `password_change_required` until then).
    #[serde(default)]
    pub must_change_password: bool,
    /// 长辈模式 should be on unless the person switched it off: they are at least the
    /// county's elder age by their birth year ([`crate::proxy::AssistanceSettings`]).
    #[serde(default)]
    pub elder_default: bool,
}

/// Body of `POST /auth/password/change`: a staff account replaces its password. The new one
/// has 8–128 characters and differs from the current one and from the account's phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 8, max_length = 128))]
    pub new_password: String,
}

/// Answer of `POST /admin/users/{id}/password/reset`: the one-time password to hand to the
/// person (10 characters without look-alikes such as 0/O and 1/I/L), shown once and never
/// stored in clear. It signs them in — within 72 hours — only to set their own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OneTimePassword {
    pub one_time_password: String,
}

/// A session: a short-lived access token and a single-use refresh token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tokens {
    /// JWT (HS256) for `Authorization: Bearer …`.
    pub access_token: String,
    /// Opaque; works once (`POST /auth/refresh` returns a new one).
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: u64,
    pub user: Me,
}

/// Body of `POST /auth/otp/send`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpSend {
    pub phone: String,
}

/// Answer of `POST /auth/otp/send` (202): when the next code may be asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpSent {
    /// Seconds before another code may be sent to this phone (the resend countdown).
    pub resend_after_s: u64,
}

/// Body of `POST /auth/otp/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpVerify {
    pub phone: String,
    /// The 6 digits from the SMS.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[0-9]{6}$", example = "123456")
    )]
    pub code: String,
}

/// Answer of `POST /admin/users/{id}/roles`: the person's roles now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRoles {
    pub id: i64,
    pub roles: Vec<RoleGrant>,
}

/// Answer of `GET /auth/methods`: which sign-ins this server offers besides SMS codes and
/// staff passwords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginMethods {
    /// The WeChat Official Account's appid for web authorisation (网页授权), or `null` when
    /// WeChat sign-in is off.
    pub wechat_appid: Option<String>,
}

/// Answer of `POST /auth/wechat/start`: where to send the browser, and what it must keep
/// until WeChat sends it back.
///
/// The sign-in is bound to the browser that started it (OAuth 2.0's `state`, RFC 6749
/// §10.12): `state` travels through WeChat and comes back in the redirect, `verifier` never
/// leaves the browser except to this server. `POST /auth/wechat` accepts a code only with
/// both, once, within `expires_in` seconds — so a link carrying someone else's code does
/// nothing in another person's browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WechatStarted {
    /// WeChat's authorisation page (`https://open.weixin.qq.com/connect/oauth2/authorize?…
    /// #wechat_redirect`), every parameter encoded, in the order WeChat requires; it sends
    /// the browser back to `{JIFEN_PUBLIC_ORIGIN}/login/wechat?code=…&state=…`.
    pub authorize_url: String,
    /// 43 characters, base64url: also in `authorize_url`.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{43}$"))]
    pub state: String,
    /// 43 characters, base64url: keep it in the browser and send it with the code.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{43}$"))]
    pub verifier: String,
    /// Seconds the sign-in may take (600).
    pub expires_in: u64,
}

/// Body of `POST /auth/wechat`: the `code` and `state` WeChat put in the redirect after
/// authorisation, and the `verifier` the browser kept from `POST /auth/wechat/start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WechatLogin {
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9._~-]{1,128}$"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{43}$"))]
    pub state: String,
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{43}$"))]
    pub verifier: String,
}

/// Answer of `POST /auth/wechat`: a session when the WeChat account is bound to a person,
/// otherwise a `bind_token` for `POST /auth/wechat/bind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum WechatOutcome {
    Session(Tokens),
    BindNeeded(WechatBindNeeded),
}

/// The WeChat account is not bound yet: prove the phone number with an SMS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WechatBindNeeded {
    /// Opaque; valid `expires_in` seconds; names the WeChat account, not a person.
    pub bind_token: String,
    pub expires_in: u64,
}

/// Body of `POST /auth/wechat/bind`: the bind token and the phone's SMS code (sent by
/// `POST /auth/otp/send`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WechatBind {
    pub bind_token: String,
    pub phone: String,
    pub code: String,
}
