//! Every endpoint of the HTTP API, declared once: method, path (a function of its parameters),
//! query, request body, answer, and whether it takes an `Idempotency-Key` (API.md, "(I)").
//!
//! A declaration is a type implementing [`Endpoint`]; a value of it is one request's target,
//! e.g. `FulfilRedemption { id: 7 }` whose [`Endpoint::path`] is
//! `/shop/redemptions/7/fulfil`. Clients never spell a path: the PWA (`app/src/api.rs`, fetch
//! in the browser), the native client (`jifen_server::client`, reqwest: `jifen simulate`, the
//! benchmarks and the integration tests) send a declaration with a body of its
//! [`Endpoint::Body`] and decode its [`Endpoint::Response`]. The server registers its handlers
//! under the same templates, and `server/tests/ops.rs` (`every_declared_endpoint_is_routed_as_declared`) fails when a declared endpoint is
//! not routed, a routed one is not declared, or the served OpenAPI document disagrees on the
//! method, the `Idempotency-Key` or the body and answer types.
//!
//! Path parameters are written as they are ([`std::fmt::Display`]): ids, region codes and role
//! names never need escaping. Queries are form-encoded from their type (absent options are left
//! out).
//!
//! To add an endpoint: its wire types in the domain's module of this crate, one line in
//! `endpoints!` below, its handler with the same template in the server's `routes.rs`.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The prefix of every API path.
pub const PREFIX: &str = "/api/v1";

/// Where the server serves its OpenAPI document (the contract, API.md).
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// An HTTP method the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// One endpoint of the API; a value of it is the target of one request (its path parameters
/// and query).
pub trait Endpoint {
    /// The method.
    const METHOD: Method;
    /// The route under [`PREFIX`] as the server registers it, e.g.
    /// `/shop/redemptions/{id}/fulfil`.
    const TEMPLATE: &'static str;
    /// Whether the request carries an `Idempotency-Key` (API.md, "(I)"): the same key sent
    /// again replays the first answer instead of acting twice.
    const IDEMPOTENT: bool;
    /// The JSON request body; `()` when the request has none, [`Binary`] for an upload.
    type Body: Serialize;
    /// The JSON answer of a success; `()` for 204 No Content, [`Binary`] for a file.
    type Response: DeserializeOwned;
    /// The path under [`PREFIX`] with this request's parameters and query string.
    fn path(&self) -> String;
    /// [`PREFIX`] and [`Endpoint::path`]: what goes after the host.
    fn url_path(&self) -> String {
        format!("{PREFIX}{}", self.path())
    }
}

/// The body or answer of an endpoint that is not JSON: a photo upload (multipart), a CSV
/// import, a picture. Clients send and read its bytes with their own upload and download
/// calls; as a JSON value it is never valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binary;

impl Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("a binary body is not JSON"))
    }
}

impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(_: D) -> Result<Binary, D::Error> {
        Err(serde::de::Error::custom("a binary answer is not JSON"))
    }
}

/// What [`ENDPOINTS`] says of each declaration, for checks against the routes and the OpenAPI
/// document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndpointInfo {
    /// The declaration's type name, e.g. `FulfilRedemption`.
    pub name: &'static str,
    pub method: Method,
    pub template: &'static str,
    pub idempotent: bool,
    /// The body type as written in the declaration (`()` when none).
    pub body: &'static str,
    /// The answer type as written in the declaration.
    pub response: &'static str,
}

/// `path` with `query` form-encoded after a `?` (nothing when every field is absent).
///
/// Panics if `Q` is not a flat struct of strings, numbers and options (a declaration's query
/// type always is; the tests encode each kind), rather than send a request without its filters.
pub fn with_query<Q: Serialize>(path: String, query: &Q) -> String {
    let query = serde_urlencoded::to_string(query).expect("a query type is a flat struct");
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// Declares the endpoints (see the module docs), one a line:
///
/// ```text
/// /// docs
/// Name = METHOD (I) "/template/{param}" { param: Type } query QueryType, body BodyType => Answer;
/// ```
/// where `(I)` (takes an `Idempotency-Key`, as API.md marks it), the parameters, `query` and
/// `body` are optional.
macro_rules! endpoints {
    ($(
        $(#[$doc:meta])*
        $name:ident = $method:ident $(($idempotent:ident))? $template:literal
            $({ $($param:ident : $param_ty:ty),* $(,)? })?
            $(query $query:ty)?
            $(, body $body:ty)?
            => $response:ty;
    )*) => {
        $(
            endpoints!(@struct $(#[$doc])* $name [$($($param : $param_ty),*)?] [$($query)?]);

            impl Endpoint for $name {
                const METHOD: Method = endpoints!(@method $method);
                const TEMPLATE: &'static str = $template;
                const IDEMPOTENT: bool = endpoints!(@idempotent $($idempotent)?);
                type Body = endpoints!(@or_unit $($body)?);
                type Response = $response;
                #[allow(unused_mut)]
                fn path(&self) -> String {
                    let mut path = format!($template $($(, $param = self.$param)*)?);
                    $(path = with_query::<$query>(path, &self.query);)?
                    path
                }
            }
        )*

        /// Every declared endpoint, in the order declared.
        pub const ENDPOINTS: &[EndpointInfo] = &[$(
            EndpointInfo {
                name: stringify!($name),
                method: endpoints!(@method $method),
                template: $template,
                idempotent: endpoints!(@idempotent $($idempotent)?),
                body: endpoints!(@name_or_unit $($body)?),
                response: stringify!($response),
            },
        )*];
    };
    (@struct $(#[$doc:meta])* $name:ident [] []) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name;
    };
    (@struct $(#[$doc:meta])* $name:ident [$($param:ident : $param_ty:ty),*] [$($query:ty)?]) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $(pub $param: $param_ty,)*
            $(
                /// The query string's fields.
                pub query: $query,
            )?
        }
    };
    (@method GET) => { Method::Get };
    (@method POST) => { Method::Post };
    (@method PUT) => { Method::Put };
    (@method DELETE) => { Method::Delete };
    (@idempotent) => { false };
    (@idempotent I) => { true };
    (@or_unit) => { () };
    (@or_unit $body:ty) => { $body };
    (@name_or_unit) => { "()" };
    (@name_or_unit $body:ty) => { stringify!($body) };
}

use crate::Page;
pub use crate::PageQuery;
use crate::audit::AuditEntry;
pub use crate::audit::AuditQuery;
use crate::auth::{
    ChangePassword, LoginMethods, Me, OneTimePassword, OtpSend, OtpSent, OtpVerify, PasswordLogin,
    PersonRoles, RefreshRequest, RoleGrant, Tokens, WechatBind, WechatLogin, WechatOutcome,
    WechatStarted,
};
use crate::media::Media;
use crate::people::NewPerson;
use crate::people::{BalanceDestination, CloseAccount, ClosedAccount, PersonUpdate, PhoneChange};
use crate::people::{GridMembers, GridMembersAssigned, PersonListing, VillagerImportReport};
use crate::points::{
    AwardLimits, AwardPreview, AwardRequest, AwardResult, Board, Claim, Correction,
    CorrectionRequest, LedgerEntry, NewClaim, NewRule, PointsBalance, RejectClaim, Rule,
    RuleSettingUpdate, RuleUpdate,
};
use crate::proxy::{
    AssistanceSettings, Delegation, MemberCard, NewDelegation, OpenProxySession, PrintCards,
    ProxyReceipt, ProxySession,
};
use crate::recycling::{
    CategoryUpdate, DaySummary, Dropoff, IdentifiedVillager, IdentifyRequest, MemberCode,
    NewDropoff, RecyclingCategory,
};
use crate::regions::{CreateGrid, CreatedGrid, Region};
use crate::reports::Overview;
use crate::services::{
    CloseRectification, Completion, Dispatch, NewOrder, NewRating, Notification, Order,
    RatingsSummary, Rectification, ServiceType, ServiceTypeUpdate, Unread, VolunteerChoice,
};
use crate::shop::{
    Created, Goods, GoodsUpdate, Keepers, NewGoods, NewKeeper, NewRedemption, NewShop, Redemption,
    ScanRequest, Settlements, Shop, StockChange,
};
use crate::shop::{LowStockGoods, NewShopPayment, ShopDetail, ShopSettlement, ShopSummary};
use crate::shop::{ShopUpdate, StockMovement};

// The query types, so a request reads `api::ListShops { query: api::ShopsQuery { .. } }`.
pub use crate::people::PeopleQuery;
pub use crate::points::{AdminRulesQuery, ReviewQuery, RulesQuery};
pub use crate::recycling::CategoriesQuery;
pub use crate::reports::OverviewQuery;
pub use crate::services::{RectificationsQuery, SummaryQuery, TypesQuery};
pub use crate::shop::AdminShopsQuery;
pub use crate::shop::{SettlementsQuery, ShopsQuery};

endpoints! {
    // 登录与会话 — sign-in and sessions.
    /// How one may sign in on this deployment (SMS, WeChat, password). Public.
    LoginMethodsOf = GET "/auth/methods" => LoginMethods;
    /// Starts a WeChat sign-in bound to this browser: the authorisation URL, its `state` and
    /// the `verifier` to keep.
    WechatStartSignIn = POST "/auth/wechat/start" => WechatStarted;
    /// Signs in with WeChat's authorisation code (with the `state` and `verifier` of the
    /// start): tokens, or a binding ticket for a phone.
    WechatSignIn = POST "/auth/wechat", body WechatLogin => WechatOutcome;
    /// Binds a WeChat identity to a phone with an SMS code; answers tokens.
    WechatBindPhone = POST "/auth/wechat/bind", body WechatBind => Tokens;
    /// Sends an SMS sign-in code (202).
    OtpSendCode = POST "/auth/otp/send", body OtpSend => OtpSent;
    /// Signs in with an SMS code.
    OtpVerifyCode = POST "/auth/otp/verify", body OtpVerify => Tokens;
    /// Signs staff in with a password.
    PasswordSignIn = POST "/auth/password", body PasswordLogin => Tokens;
    /// A staff account replaces its password (also a one-time one after a reset): every other
    /// session ends, a new one starts.
    ChangeOwnPassword = POST "/auth/password/change", body ChangePassword => Tokens;
    /// Exchanges a refresh token (body, or the cookie) for new tokens.
    RefreshTokens = POST "/auth/refresh", body RefreshRequest => Tokens;
    /// Ends the session of a refresh token (204).
    Logout = POST "/auth/logout", body RefreshRequest => ();
    /// The signed-in person: name, village, roles.
    GetMe = GET "/me" => Me;
    /// Grants a role over a region to a person.
    GrantRole = POST "/admin/users/{id}/roles" { id: i64 }, body RoleGrant => PersonRoles;
    /// Revokes a person's role over a region (`role` as in [`crate::auth::Role`]'s wire form).
    RevokeRole = DELETE "/admin/users/{id}/roles/{role}/{region_code}" { id: i64, role: String, region_code: String } => PersonRoles;
    /// Resets a lower staff account's password to a one-time password (its sessions end).
    ResetPassword = POST "/admin/users/{id}/password/reset" { id: i64 } => OneTimePassword;

    // 消息 — the inbox.
    /// The caller's notifications, newest first.
    InboxList = GET "/inbox" query PageQuery => Page<Notification>;
    /// How many notifications are unread.
    InboxUnread = GET "/inbox/unread" => Unread;
    /// Marks one notification read.
    InboxReadOne = POST "/inbox/{id}/read" { id: i64 } => Unread;
    /// Marks every notification read.
    InboxReadAll = POST "/inbox/read" => Unread;

    // 照片 — photo evidence.
    /// Uploads a photo (multipart field `file`, 201).
    UploadMedia = POST "/media", body Binary => Media;
    /// A photo (`image/jpeg`), to the uploader and whoever may see what it shows.
    GetMedia = GET "/media/{id}" { id: i64 } => Binary;
    /// A photo's thumbnail (`image/jpeg`).
    GetMediaThumb = GET "/media/{id}/thumb" { id: i64 } => Binary;

    // 人员 — villagers and staff.
    /// Imports villagers from a CSV file (the body).
    ImportVillagers = POST "/admin/villagers/import", body Binary => VillagerImportReport;
    /// Looks people up in a region's registry.
    ListPeople = GET "/admin/people" query PeopleQuery => Page<PersonListing>;
    /// One person of the registry, to whoever may find them with `ListPeople` (404 otherwise).
    GetPerson = GET "/admin/people/{id}" { id: i64 } => PersonListing;
    /// Puts villagers into a grid.
    AssignGridMembers = POST "/admin/grids/{code}/members" { code: String }, body GridMembers => GridMembersAssigned;
    /// Edits a villager's name, 户号, groups and grid.
    UpdatePerson = PUT "/admin/people/{id}" { id: i64 }, body PersonUpdate => PersonListing;
    /// Registers one villager (201); the phone may be absent.
    CreatePerson = POST "/admin/people", body NewPerson => PersonListing;
    /// Changes a villager's phone number; their sessions end.
    ChangePersonPhone = POST "/admin/people/{id}/phone" { id: i64 }, body PhoneChange => PersonListing;
    /// Where a villager's points would go if their account were closed now.
    ClosingPreview = GET "/admin/people/{id}/closing" { id: i64 } => BalanceDestination;
    /// Closes a villager's account (迁出 or 去世); their points go to the household or back to
    /// issuance.
    ClosePerson = POST "/admin/people/{id}/close" { id: i64 }, body CloseAccount => ClosedAccount;

    // 积分 — points.
    /// The caller's points.
    GetBalance = GET "/points/balance" => PointsBalance;
    /// The caller's point movements, newest first.
    PointsHistory = GET "/points/ledger" query PageQuery => Page<LedgerEntry>;
    /// Awards or deducts points to villagers (201).
    Award = POST (I) "/admin/awards", body AwardRequest => AwardResult;
    /// What an award would do now, villager by villager (balance, after, shortfall); moves
    /// nothing.
    PreviewAward = POST "/admin/awards/preview", body AwardRequest => AwardPreview;
    /// How much a grid worker may award in the county (and, to a grid worker, what they have
    /// awarded today).
    AwardLimitsOf = GET "/admin/award-limits/{county_code}" { county_code: String } => AwardLimits;
    /// Sets how much a grid worker may award in the county (its county admins).
    SetAwardLimits = PUT "/admin/award-limits/{county_code}" { county_code: String }, body AwardLimits => AwardLimits;
    /// A village's rule catalogue (积分事项). Public.
    ListRules = GET "/rules" query RulesQuery => Vec<Rule>;
    /// Adds a county or village rule (201).
    CreateRule = POST "/admin/rules", body NewRule => Rule;
    /// The rules of a county or village as its admins see them (settings included).
    AdminRules = GET "/admin/rules" query AdminRulesQuery => Vec<Rule>;
    /// The owner (county or village) changes its rule, or switches it off or on.
    UpdateRule = PUT "/admin/rules/{id}" { id: i64 }, body RuleUpdate => Rule;
    /// A county or village switches a rule it does not own off or on for itself, or sets its
    /// own points (within bounds); answers the rule as it now applies there.
    SetRuleSetting = PUT "/admin/rules/{id}/settings/{region_code}" { id: i64, region_code: String }, body RuleSettingUpdate => Rule;
    /// A rule's changes (its owner's, its county's and the region's own settings), newest
    /// first, at most 100.
    RuleHistory = GET "/admin/rules/{id}/history" { id: i64 } query AdminRulesQuery => Vec<AuditEntry>;
    /// A villager claims points for a deed (201).
    CreateClaim = POST (I) "/claims", body NewClaim => Claim;
    /// The caller's claims, newest first.
    MyClaims = GET "/claims/mine" query PageQuery => Page<Claim>;
    /// The claims the caller reviews.
    ReviewQueue = GET "/review/claims" query ReviewQuery => Page<Claim>;
    /// Approves a claim: the points are credited.
    ApproveClaim = POST "/review/claims/{id}/approve" { id: i64 } => Claim;
    /// Rejects a claim with a reason.
    RejectClaimOf = POST "/review/claims/{id}/reject" { id: i64 }, body RejectClaim => Claim;
    /// 更正: a superior of whoever approved a claim or made an award reverses it (or one
    /// villager's part of it) with a compensating transfer (201).
    Correct = POST (I) "/admin/corrections", body CorrectionRequest => Correction;
    /// A villager's point movements as the staff who may find them see them (to correct one).
    PersonHistory = GET "/admin/people/{id}/ledger" { id: i64 } query PageQuery => Page<LedgerEntry>;
    /// What a correction would do now (the points, a shortfall); nothing moves.
    PreviewCorrection = POST "/admin/corrections/preview", body CorrectionRequest => Correction;
    /// A village's public board. Public.
    VillageBoard = GET "/public/villages/{code}/board" { code: String } => Board;

    // 垃圾—积分—商品 — recycling.
    /// The recycling categories of a county. Public.
    ListCategories = GET "/recycling/categories" query CategoriesQuery => Vec<RecyclingCategory>;
    /// Sets a county's rate for a category.
    SetCategory = PUT "/admin/recycling/categories", body CategoryUpdate => RecyclingCategory;
    /// Books recyclables weighed at the counter (201).
    DropOff = POST (I) "/shop/recycling", body NewDropoff => Dropoff;

    // 行政区划与网格 — regions and grids.
    /// The deployment's home region (the county) with its children. Public.
    HomeRegion = GET "/regions" => Region;
    /// A region with its children. Public.
    GetRegion = GET "/regions/{code}" { code: String } => Region;
    /// Creates a grid in a village (201).
    CreateGridIn = POST "/admin/grids", body CreateGrid => CreatedGrid;

    // 数据概览 — the officials' overview.
    /// The overview of a region (`format=csv`: one table as a file).
    ReportOverview = GET "/admin/reports/overview" query OverviewQuery => Overview;

    // 五单 and 好差评 — service orders and ratings.
    /// The service types of a county. Public.
    ListServiceTypes = GET "/services/types" query TypesQuery => Vec<ServiceType>;
    /// Sets a county's service type.
    SetServiceType = PUT "/admin/services/types", body ServiceTypeUpdate => ServiceType;
    /// Orders a service (201).
    CreateOrder = POST (I) "/services/orders", body NewOrder => Order;
    /// The caller's orders.
    MyOrders = GET "/services/orders/mine" query PageQuery => Page<Order>;
    /// The orders the caller (a volunteer) has taken.
    MyTasks = GET "/services/orders/tasks" query PageQuery => Page<Order>;
    /// The orders waiting for a volunteer near the caller.
    AvailableOrders = GET "/services/orders/available" query PageQuery => Page<Order>;
    /// The orders of the caller's regions (admins).
    RegionOrders = GET "/admin/services/orders" query PageQuery => Page<Order>;
    /// One order.
    GetOrder = GET "/services/orders/{id}" { id: i64 } => Order;
    /// A volunteer takes an order.
    ClaimOrder = POST "/services/orders/{id}/claim" { id: i64 } => Order;
    /// A volunteer gives an order back.
    ReleaseOrder = POST "/services/orders/{id}/release" { id: i64 } => Order;
    /// A volunteer completes an order with photos.
    CompleteOrder = POST "/services/orders/{id}/complete" { id: i64 }, body Completion => Order;
    /// The orderer cancels an order.
    CancelOrder = POST "/services/orders/{id}/cancel" { id: i64 } => Order;
    /// The orderer rates a completed order.
    RateOrder = POST "/services/orders/{id}/rate" { id: i64 }, body NewRating => Order;
    /// An admin, or the grid worker of an escalated order's grid, dispatches it to a volunteer
    /// (派单).
    DispatchOrder = POST "/admin/services/orders/{id}/dispatch" { id: i64 }, body Dispatch => Order;
    /// The volunteers an order may be dispatched to, fewest open tasks first (whoever may
    /// dispatch it).
    DispatchChoices = GET "/admin/services/orders/{id}/volunteers" { id: i64 } => Vec<VolunteerChoice>;
    /// The rectifications (整改) of the caller's regions.
    ListRectifications = GET "/admin/rectifications" query RectificationsQuery => Vec<Rectification>;
    /// Closes a rectification with its follow-up.
    CloseRectificationOf = POST "/admin/rectifications/{id}/close" { id: i64 }, body CloseRectification => Rectification;
    /// 好差评 of a region by month.
    RatingsSummaryOf = GET "/admin/ratings/summary" query SummaryQuery => RatingsSummary;

    // 积分超市 — the points supermarket.
    /// The shops serving a village. Public.
    ListShops = GET "/shops" query ShopsQuery => Vec<Shop>;
    /// Opens a shop (201).
    CreateShop = POST "/admin/shops", body NewShop => Created;
    /// Appoints a keeper of a shop.
    AddKeeper = POST "/admin/shops/{id}/keepers" { id: i64 }, body NewKeeper => Keepers;
    /// A shop's goods. Public.
    ListGoods = GET "/shops/{id}/goods" { id: i64 } => Vec<Goods>;
    /// Adds goods to a shop (201).
    CreateGoods = POST (I) "/admin/shops/{id}/goods" { id: i64 }, body NewGoods => Goods;
    /// Changes goods.
    UpdateGoods = PUT "/admin/goods/{id}" { id: i64 }, body GoodsUpdate => Goods;
    /// Restocks or writes off goods.
    ChangeStock = POST (I) "/admin/goods/{id}/stock" { id: i64 }, body StockChange => Goods;
    /// Reserves goods for points (201).
    Reserve = POST (I) "/redemptions", body NewRedemption => Redemption;
    /// The caller's redemptions.
    MyRedemptions = GET "/redemptions/mine" query PageQuery => Page<Redemption>;
    /// The villager cancels a reservation.
    CancelRedemption = POST "/redemptions/{id}/cancel" { id: i64 } => Redemption;
    /// The keeper scans a redemption's QR token or types its code.
    Scan = POST "/shop/scan", body ScanRequest => Redemption;
    /// The keeper hands the goods over.
    FulfilRedemption = POST "/shop/redemptions/{id}/fulfil" { id: i64 } => Redemption;
    /// The caller's member code (QR) for the counter.
    MyMemberCode = GET "/me/member-code" => MemberCode;
    /// The shops the caller keeps.
    KeptShops = GET "/shop/kept" => Vec<Shop>;
    /// The keeper identifies a villager by member code or phone.
    Identify = POST "/shop/identify", body IdentifyRequest => IdentifiedVillager;
    /// A shop's day at the counter.
    ShopToday = GET "/shop/{id}/today" { id: i64 } => DaySummary;
    /// The monthly statements of the caller's shops (`format=csv|xlsx`: a file).
    ShopSettlements = GET "/shop/settlements" query SettlementsQuery => Settlements;
    /// Marks a shop's month paid (结算): locks its statement, clears its points.
    PayShop = POST (I) "/admin/shops/{id}/payments" { id: i64 }, body NewShopPayment => ShopSettlement;
    /// The shops of a region the caller administers, closed ones too.
    AdminShops = GET "/admin/shops" query AdminShopsQuery => Vec<ShopSummary>;
    /// A shop with all its goods and its named keepers (its admins).
    AdminShopDetail = GET "/admin/shops/{id}" { id: i64 } => ShopDetail;
    /// Renames, closes or reopens a shop.
    UpdateShop = PUT "/admin/shops/{id}" { id: i64 }, body ShopUpdate => ShopSummary;
    /// Removes a keeper of a shop.
    RemoveKeeper = DELETE "/admin/shops/{id}/keepers/{user_id}" { id: i64, user_id: i64 } => Keepers;
    /// The goods of a region's open shops at or below their low-stock threshold.
    LowStock = GET "/admin/low-stock" query AdminShopsQuery => Vec<LowStockGoods>;
    /// A goods item's stock changes by staff, newest first.
    StockMovements = GET "/admin/goods/{id}/movements" { id: i64 } query PageQuery => Page<StockMovement>;

    // 代办 — member cards, proxy agents and family delegates.
    /// Member cards to print for some villagers or a whole grid (a card number is given to
    /// whoever has none yet).
    PrintMemberCards = POST "/admin/member-cards", body PrintCards => Vec<MemberCard>;
    /// 挂失补卡: the villager's card is revoked (its QR and number refused from now) and a new
    /// one made.
    ReplaceMemberCard = POST "/admin/people/{id}/member-card/replace" { id: i64 } => MemberCard;
    /// The county's settings for assisted villagers (proxy limits, elder age).
    AssistanceOf = GET "/admin/assistance/{county_code}" { county_code: String } => AssistanceSettings;
    /// Sets the county's settings for assisted villagers (its county admins).
    SetAssistance = PUT "/admin/assistance/{county_code}" { county_code: String }, body AssistanceSettings => AssistanceSettings;
    /// A villager's family delegates, ended ones too (newest first).
    PersonDelegations = GET "/admin/people/{id}/delegations" { id: i64 } => Vec<Delegation>;
    /// Links a family delegate with the villager's consent (201).
    AddDelegation = POST "/admin/people/{id}/delegations" { id: i64 }, body NewDelegation => Delegation;
    /// Ends a family delegate's link.
    EndDelegation = POST "/admin/delegations/{id}/end" { id: i64 } => Delegation;
    /// The villagers the caller may act for as a family delegate.
    MyDelegations = GET "/proxy/delegations" => Vec<Delegation>;
    /// Opens a proxy session to act for a villager (201).
    OpenProxy = POST "/proxy/sessions", body OpenProxySession => ProxySession;
    /// Ends a proxy session (204).
    EndProxy = POST "/proxy/sessions/{id}/end" { id: i64 } => ();
    /// A 代办 receipt.
    ProxyReceiptOf = GET "/proxy/receipts/{receipt_no}" { receipt_no: String } => ProxyReceipt;

    // 审计 — the audit log.
    /// The audit log of a region, newest first.
    AuditLog = GET "/admin/audit" query AuditQuery => Page<AuditEntry>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fill_parameters_and_queries() {
        assert_eq!(
            FulfilRedemption { id: 7 }.url_path(),
            "/api/v1/shop/redemptions/7/fulfil"
        );
        assert_eq!(GetBalance.path(), "/points/balance");
        assert_eq!(
            RevokeRole {
                id: 3,
                role: "keeper".into(),
                region_code: "410783101230".into()
            }
            .path(),
            "/admin/users/3/roles/keeper/410783101230"
        );
        let page = PageQuery {
            limit: Some(5),
            cursor: Some("12".into()),
        };
        assert_eq!(
            PointsHistory { query: page }.path(),
            "/points/ledger?limit=5&cursor=12"
        );
        assert_eq!(
            PointsHistory {
                query: PageQuery::default()
            }
            .path(),
            "/points/ledger"
        );
    }

    #[test]
    fn queries_are_form_encoded() {
        let people = ListPeople {
            query: PeopleQuery {
                region_code: Some("410783101230".into()),
                phone: Some("+86 138".into()),
                q: Some("张 三&".into()),
                ..PeopleQuery::default()
            },
        };
        assert_eq!(
            people.path(),
            "/admin/people?region_code=410783101230&phone=%2B86+138&q=%E5%BC%A0+%E4%B8%89%26"
        );
        let overview = ReportOverview {
            query: OverviewQuery {
                region_code: "410783".into(),
                from: Some("2026-11-01".into()),
                format: Some("csv".into()),
                table: Some("points".into()),
                ..OverviewQuery::default()
            },
        };
        assert_eq!(
            overview.url_path(),
            "/api/v1/admin/reports/overview?region_code=410783&from=2026-11-01&format=csv&table=points"
        );
    }

    #[test]
    fn every_declaration_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for e in ENDPOINTS {
            assert!(seen.insert((e.method, e.template)), "{e:?} twice");
            assert!(e.template.starts_with('/') && !e.template.ends_with('/'));
        }
        // … + 代办 (11) and registering one villager.
        assert_eq!(ENDPOINTS.len(), 77 + 4 + 6 + 4 + 3 + 3 + 1 + 1 + 1 + 11 + 1);
    }
}
