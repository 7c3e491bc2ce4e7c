//! 代办: acting for a villager who has no smartphone or cannot use one — by a proxy agent
//! (代办员, a role over a village) or a family delegate (家属代办) — so that every claim,
//! reservation, order and rating made so is traceable to both people, limited, and
//! acknowledged by a receipt (cancelling a reservation or an order gives back, and is recorded
//! on it as the villager's).
//!
//! Rules (issue "Villagers without a smartphone"):
//! - **Opening a session** ([`open`]): by the villager's member card (its QR scanned or its
//!   number typed: the villager is at hand; kind `card`), by a registry search (kind `search`,
//!   proxy agents only: staff who know the villager), or as the villager's delegate (kind
//!   `delegate`: a household member with a phone whom a village admin linked, recording the
//!   villager's consent). An agent acts for the villagers of the villages where they hold
//!   the 代办员 role; a delegate for whoever they are linked to. Nobody acts for themselves. A
//!   session lasts [`SESSION_MINUTES`] and ends earlier when the agent ends it; every request
//!   under it checks again that the agent still may (role, link, the villager's account open).
//! - **What a session reaches** ([`jifen_shared::proxy::ACTING_ENDPOINTS`]): the villager's own reads and the four
//!   acts — claim (with photos), reserve goods, order a service, rate it — and cancelling
//!   their reservation or order. Nothing else accepts the header. Reserving goods spends the
//!   villager's points: not under a session opened by a search (their card or a delegate).
//! - **Every act** ([`record`]) in the act's own transaction: counts against the county's
//!   daily limit for the villager ([`AssistanceSettings`]: actions, and points spent, per
//!   county day; one conditional upsert, so parallel requests cannot pass it), is recorded in
//!   `proxy_actions` with a receipt number, and audited (`proxy.claim`, `proxy.redemption`,
//!   `proxy.order`, `proxy.rating`; target `receipt:<no>`, so the audit screen finds a
//!   receipt). A cancelled reservation still counts: the limit bounds what proxies do.
//! - **A second person checks**: whoever made a claim for a villager may not review it, and
//!   whoever reserved goods for them may not hand them over (`own_proxy_action`).
//! - **Receipts** ([`receipt`]): readable by the agent who acted, the villager, their
//!   delegates and the staff who may find the villager; texted once (after the commit) to the
//!   villager's phone or, lacking one, the first open household member's ([`send_receipt`]).
//!   A failed SMS is logged and not retried: the printed slip and the history remain.

pub mod cards;
pub mod routes;
pub mod storage;

use std::sync::LazyLock;

use actix_web::HttpRequest;
use jifen_shared::ErrorCode;
use jifen_shared::api;
use jifen_shared::points::mask_name;
use jifen_shared::proxy::{
    AssistanceSettings, Delegation, OpenProxySession, ProxyActionKind, ProxyAllowance, ProxyKind,
    ProxyNote, ProxyReceipt, ProxySession, SESSION_MINUTES,
};
use jifen_shared::regions::RegionCode;

use crate::audit;
use crate::auth::caller::Caller;
use crate::auth::keys::Keys;
use crate::calendar::Calendar;
use crate::error::DomainError;
use crate::people::phone::Phone;
use crate::people::storage::PersonRow;
use crate::policy::{self, Action};
use crate::shop::counter::token::{self, Purpose};
use crate::storage::{Db, Tx, now_ms, rfc3339};

/// A proxy acting for a villager, as [`Caller::proxy`] carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    pub session_id: i64,
    /// The villager acted for.
    pub person_id: i64,
    /// The proxy agent or delegate, signed in.
    pub agent_id: i64,
    pub kind: ProxyKind,
}

/// The route patterns of [`jifen_shared::proxy::ACTING_ENDPOINTS`] as actix matches them
/// (`/api/v1/media/{id}`).
static ACTING_ROUTES: LazyLock<Vec<(api::Method, String)>> = LazyLock::new(|| {
    jifen_shared::proxy::ACTING_ENDPOINTS
        .iter()
        .map(|(method, template)| (*method, format!("{}{template}", api::PREFIX)))
        .collect()
});

/// Whether `req`'s route is one of [`jifen_shared::proxy::ACTING_ENDPOINTS`].
pub fn accepts_acting(req: &HttpRequest) -> bool {
    let Some(pattern) = req.match_pattern() else {
        return false;
    };
    ACTING_ROUTES
        .iter()
        .any(|(method, path)| req.method().as_str() == method.as_str() && *path == pattern)
}

/// Why acting for someone was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProxyError {
    #[error("give exactly one of member_code, card_no and person_id")]
    Neither,
    #[error("card_no: 10 digits with a valid check digit")]
    BadCardNo,
    /// A card or person this caller may not act for, or nobody (answered alike).
    #[error("nobody you may act for has this card or id")]
    Unknown,
    /// A person the admin may not manage, or nobody (answered alike).
    #[error("no such person among the villagers you manage (or the account is closed)")]
    NotManaged,
    #[error("no such delegation of a villager you manage")]
    NoSuchDelegation,
    #[error("delegate_id: linked already")]
    LinkedAlready,
    #[error("no such proxy session of yours")]
    NoSuchSession,
    /// The header's token is not a session of the signed-in person's (empty, altered, or
    /// another person's): answered as an ended session, so the app drops it.
    #[error(
        "X-Jifen-Acting-For: not a proxy session of yours (empty, altered or another person's token): open a session to act for a villager"
    )]
    NotYourSession,
    #[error("this member card was reported lost and replaced: use the new card")]
    CardRevoked,
    #[error("you cannot act for yourself")]
    Yourself,
    #[error("this villager's account is closed")]
    Closed,
    #[error(
        "proxy session ended (30 minutes, ended, or your 代办员 role or delegation was removed): open it again"
    )]
    SessionEnded,
    /// Says which limit (the county's per-villager daily ones, or 代办 switched off).
    #[error("{0}; nothing was done")]
    LimitReached(String),
    #[error("no receipt {0}")]
    NoSuchReceipt(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for ProxyError {
    fn code(&self) -> ErrorCode {
        match self {
            ProxyError::Neither | ProxyError::BadCardNo | ProxyError::Invalid(_) => {
                ErrorCode::InvalidInput
            }
            ProxyError::Unknown
            | ProxyError::NotManaged
            | ProxyError::NoSuchDelegation
            | ProxyError::NoSuchSession
            | ProxyError::NoSuchReceipt(_) => ErrorCode::NotFound,
            ProxyError::LinkedAlready => ErrorCode::AlreadyExists,
            ProxyError::CardRevoked => ErrorCode::CardRevoked,
            ProxyError::Yourself | ProxyError::Forbidden(_) => ErrorCode::Forbidden,
            ProxyError::Closed => ErrorCode::PersonClosed,
            ProxyError::SessionEnded | ProxyError::NotYourSession => ErrorCode::ProxySessionEnded,
            ProxyError::LimitReached(_) => ErrorCode::ProxyLimitReached,
            ProxyError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            ProxyError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// The county's settings for the county holding `village` (the defaults when it set none).
pub async fn settings_for(
    executor: impl sqlx::AnyExecutor<'_>,
    village: &RegionCode,
) -> Result<AssistanceSettings, sqlx::Error> {
    let Some(county) = village.county() else {
        return Ok(AssistanceSettings::default());
    };
    Ok(storage::assistance(executor, county.as_str())
        .await?
        .unwrap_or_default())
}

/// What proxies may still do for `person_id` (in `village`) on the county day of `now`.
async fn allowance(
    db: &Db,
    calendar: &Calendar,
    person_id: i64,
    village: &RegionCode,
    now: i64,
) -> Result<ProxyAllowance, sqlx::Error> {
    let settings = settings_for(db.reader(), village).await?;
    let (actions, points) =
        storage::day_used(db.reader(), person_id, &calendar.day_label(now)).await?;
    Ok(ProxyAllowance {
        actions_left: (settings.proxy_daily_actions - actions).max(0),
        points_left: (settings.proxy_daily_points - points).max(0),
    })
}

/// Whether `agent_id` (holding `grants`) may act for `person` by a session of `kind`.
async fn may_act(
    db: &Db,
    grants: &[jifen_shared::auth::RoleGrant],
    agent_id: i64,
    person: &PersonRow,
    kind: ProxyKind,
) -> Result<bool, sqlx::Error> {
    let Some(village) = person.village() else {
        return Ok(false);
    };
    let agent = policy::may(grants, Action::ActForVillagers, &village);
    Ok(match kind {
        ProxyKind::Search => agent,
        ProxyKind::Card => agent || is_family(db, person, agent_id).await?,
        ProxyKind::Delegate => is_family(db, person, agent_id).await?,
    })
}

/// Whether `delegate_id` is a live delegate of `person` and still of their household (a
/// delegate who moved out, or a villager moved to another 户, no longer acts for them).
async fn is_family(db: &Db, person: &PersonRow, delegate_id: i64) -> Result<bool, sqlx::Error> {
    if !storage::is_delegate(db.reader(), person.id, delegate_id).await? {
        return Ok(false);
    }
    let delegate = crate::people::storage::find(db, delegate_id).await?;
    Ok(delegate.is_some_and(|d| d.closed_at.is_none() && of_household(person, &d)))
}

/// Whether `other` is of `person`'s household: the same village and 户号 (a person without a
/// 户号 is of no household).
fn of_household(person: &PersonRow, other: &PersonRow) -> bool {
    person.household.is_some()
        && other.village_code == person.village_code
        && other.household == person.household
}

/// Opens a proxy session for `agent` (`POST /proxy/sessions`).
///
/// Errors: [`ProxyError::Forbidden`] (neither a 代办员 anywhere nor anyone's delegate),
/// [`ProxyError::Neither`], [`ProxyError::BadCardNo`], [`ProxyError::Unknown`] (also
/// for a person the caller may not act for), [`ProxyError::CardRevoked`],
/// [`ProxyError::Yourself`], [`ProxyError::Closed`].
pub async fn open(
    db: &Db,
    keys: &Keys,
    calendar: &Calendar,
    agent: &Caller,
    request: &OpenProxySession,
    now: i64,
) -> Result<ProxySession, ProxyError> {
    use crate::shop::counter::{self, CardLookup};
    let agent_somewhere = policy::may_somewhere(&agent.roles, Action::ActForVillagers);
    if !agent_somewhere && storage::delegations_held(db, agent.id).await?.is_empty() {
        return Err(ProxyError::Forbidden(
            "only a 代办员 or a family delegate acts for a villager".into(),
        ));
    }
    let found = match (&request.member_code, &request.card_no, request.person_id) {
        (Some(code), None, None) => (
            counter::person_of_code(db, keys, code).await?,
            ProxyKind::Card,
        ),
        (None, Some(card_no), None) => {
            let card_no =
                jifen_shared::proxy::normalize_card_no(card_no).ok_or(ProxyError::BadCardNo)?;
            (
                counter::person_of_card(db, &card_no).await?,
                ProxyKind::Card,
            )
        }
        (None, None, Some(id)) => {
            let kind = if storage::is_delegate(db.reader(), id, agent.id).await? {
                ProxyKind::Delegate
            } else {
                ProxyKind::Search
            };
            (CardLookup::Person(id), kind)
        }
        _ => return Err(ProxyError::Neither),
    };
    let (person_id, kind) = match found {
        (CardLookup::Person(id), kind) => (id, kind),
        (CardLookup::Revoked, _) => return Err(ProxyError::CardRevoked),
        (CardLookup::Closed, _) => return Err(ProxyError::Closed),
        (CardLookup::Unknown, _) => return Err(ProxyError::Unknown),
    };
    let person = crate::people::storage::find(db, person_id)
        .await?
        .ok_or(ProxyError::Unknown)?;
    if !may_act(db, &agent.roles, agent.id, &person, kind).await? {
        return Err(ProxyError::Unknown);
    }
    if person.id == agent.id {
        return Err(ProxyError::Yourself);
    }
    if person.closed_at.is_some() {
        return Err(ProxyError::Closed);
    }
    let village = person.village().ok_or(ProxyError::Unknown)?;
    let nonce = token::new_nonce();
    let expires_at = now + SESSION_MINUTES * 60_000;
    let mut tx = db.begin_write().await?;
    let id = storage::insert_session(&mut tx, &nonce, agent.id, person.id, kind, now, expires_at)
        .await?;
    audit::record(
        &mut tx,
        audit::Record {
            actor_id: Some(agent.id),
            action: "proxy.open",
            region: &village,
            target: format!("person:{}", person.id),
            before: None,
            after: Some(serde_json::json!({"session": id, "kind": kind.as_str()})),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    let village_name = crate::regions::storage::find(db, village.as_str())
        .await?
        .map(|r| r.name)
        .unwrap_or_default();
    Ok(ProxySession {
        id,
        token: token::sign(&keys.redemption, Purpose::Proxy, &nonce),
        kind,
        person_id: person.id,
        person_name: person.name,
        village_code: village.to_string(),
        village_name,
        balance: crate::points::balance(db, person.id).await?.available,
        allowance: allowance(db, calendar, person.id, &village, now).await?,
        expires_at: rfc3339(expires_at),
    })
}

/// The proxy session of `token`, when it is `agent_id`'s, open, and the agent still may act
/// for its villager (`Caller` under the header).
///
/// Errors: [`ProxyError::NotYourSession`] (a token not signed here, or another person's),
/// [`ProxyError::SessionEnded`] for anything else.
pub async fn resolve(
    db: &Db,
    keys: &Keys,
    agent_id: i64,
    token: &str,
) -> Result<Acting, ProxyError> {
    let nonce =
        token::verify(&keys.redemption, Purpose::Proxy, token).ok_or(ProxyError::NotYourSession)?;
    let session = storage::session_by_nonce(db, &nonce)
        .await?
        .filter(|s| s.agent_id == agent_id)
        .ok_or(ProxyError::NotYourSession)?;
    if session.ended_at.is_some() || session.expires_at <= now_ms() {
        return Err(ProxyError::SessionEnded);
    }
    let person = crate::people::storage::find(db, session.person_id)
        .await?
        .filter(|p| p.closed_at.is_none())
        .ok_or(ProxyError::SessionEnded)?;
    let grants = crate::auth::storage::roles(db, agent_id).await?;
    if !may_act(db, &grants, agent_id, &person, session.kind).await? {
        return Err(ProxyError::SessionEnded);
    }
    Ok(Acting {
        session_id: session.id,
        person_id: session.person_id,
        agent_id,
        kind: session.kind,
    })
}

/// Ends `agent_id`'s session `id` (idempotent: an ended session stays so).
///
/// Errors: [`ProxyError::NoSuchSession`] (none of `agent_id`'s has this id).
pub async fn end(db: &Db, agent_id: i64, id: i64) -> Result<(), ProxyError> {
    let mut tx = db.begin_write().await?;
    if !storage::end_session(&mut tx, id, agent_id, now_ms()).await?
        && !storage::is_session_of(&mut tx, id, agent_id).await?
    {
        return Err(ProxyError::NoSuchSession);
    }
    Ok(tx.commit().await?)
}

/// What a proxy did, for [`record`].
#[derive(Debug, Clone)]
pub struct Done {
    pub kind: ProxyActionKind,
    /// As the ledger's `reference` names it (`claim:12`…); `rating:order:3:1` for a rating
    /// ([`crate::services::orders::rating_subject`]).
    pub subject: String,
    /// Points spent (a redemption's price), else 0.
    pub points: i64,
    /// In words, for the receipt: `洗衣粉 ×1`, a rule's or service's name.
    pub summary: String,
}

/// Records `done` by `acting` in the act's transaction: counts it against the county's daily
/// limits for the villager, keeps it with a new receipt number, audits it. Answers the note
/// to put on what was made.
///
/// Errors: [`ProxyError::Forbidden`] (a reservation under a session opened by a search),
/// [`ProxyError::LimitReached`] (the transaction must then be rolled back: the act is not
/// done).
pub async fn record(
    tx: &mut Tx,
    calendar: &Calendar,
    acting: &Acting,
    done: Done,
    now: i64,
) -> Result<ProxyNote, ProxyError> {
    let person = crate::people::storage::find_in(tx, acting.person_id)
        .await?
        .ok_or(ProxyError::SessionEnded)?;
    let village = person.village().ok_or(ProxyError::SessionEnded)?;
    // Spending a villager's points needs them there (their card) or their consent (a
    // delegate): a proxy who only found them in the registry claims, orders and rates for
    // them, but does not spend.
    if done.kind == ProxyActionKind::Redemption && acting.kind == ProxyKind::Search {
        return Err(ProxyError::Forbidden(
            "goods are reserved for a villager only with their member card (scan it or type its number) or by their family delegate".into(),
        ));
    }
    let settings = settings_for(&mut **tx, &village).await?;
    let day = calendar.day_label(now);
    let limits = if settings.proxy_daily_actions == 0 {
        "the county has switched 代办 off (0 actions a day per villager)".to_owned()
    } else {
        format!(
            "this would take proxies past the county's daily limit for this villager ({} actions, {} points a day)",
            settings.proxy_daily_actions, settings.proxy_daily_points
        )
    };
    let fits_a_day = settings.proxy_daily_actions > 0 && done.points <= settings.proxy_daily_points;
    if !fits_a_day
        || !storage::count_action(
            tx,
            person.id,
            &day,
            done.points,
            settings.proxy_daily_actions,
            settings.proxy_daily_points,
        )
        .await?
    {
        return Err(ProxyError::LimitReached(limits));
    }
    let receipt_no = new_receipt_no();
    let sms_phone = crate::people::storage::household_phone(tx, &person).await?;
    storage::insert_action(
        tx,
        &storage::NewAction {
            receipt_no: &receipt_no,
            session_id: acting.session_id,
            agent_id: acting.agent_id,
            person_id: person.id,
            village_code: village.as_str(),
            kind: done.kind.as_str(),
            subject: &done.subject,
            points: done.points,
            summary: &done.summary,
            sms_phone: sms_phone.as_deref(),
        },
        now,
    )
    .await?;
    audit::record(
        tx,
        audit::Record {
            actor_id: Some(acting.agent_id),
            action: match done.kind {
                ProxyActionKind::Claim => "proxy.claim",
                ProxyActionKind::Redemption => "proxy.redemption",
                ProxyActionKind::Order => "proxy.order",
                ProxyActionKind::Rating => "proxy.rating",
            },
            region: &village,
            target: format!("receipt:{receipt_no}"),
            before: None,
            after: Some(serde_json::json!({
                "person": person.id,
                "person_name": mask_name(&person.name),
                "kind": acting.kind.as_str(),
                "subject": done.subject,
                "points": done.points,
                "summary": done.summary,
            })),
        },
        now,
    )
    .await?;
    let agent_name = crate::people::storage::find_in(tx, acting.agent_id)
        .await?
        .map(|p| mask_name(&p.name))
        .unwrap_or_default();
    Ok(ProxyNote {
        receipt_no,
        agent_name,
        kind: acting.kind,
    })
}

/// [`record`] when `caller` acts by proxy (`None` otherwise): the note to put on what was
/// made.
pub async fn record_if_acting(
    tx: &mut Tx,
    calendar: &Calendar,
    caller: &Caller,
    done: impl FnOnce() -> Done,
    now: i64,
) -> Result<Option<ProxyNote>, ProxyError> {
    match &caller.proxy {
        Some(acting) => Ok(Some(record(tx, calendar, acting, done(), now).await?)),
        None => Ok(None),
    }
}

/// After an act's answer (`stored`, a claim, redemption or order, first made or replayed)
/// under a proxy session: texts its receipt if that was not done yet ([`send_receipt`]).
pub fn after_act(
    state: &crate::startup::AppState,
    caller: &Caller,
    stored: &crate::http::idempotency::Stored,
) {
    if caller.proxy.is_none() {
        return;
    }
    let receipt_no = stored.body["proxy"]["receipt_no"].as_str();
    if let Some(receipt_no) = receipt_no {
        send_receipt(&state.db, &state.sms, receipt_no);
    }
}

/// A new receipt number: 10 characters of the short-code alphabet (no 0/O/1/I/L), about
/// 2^49 of them, so a clash is not a practical concern (the unique index would refuse it).
fn new_receipt_no() -> String {
    format!(
        "{}{}",
        token::new_short_code(),
        &token::new_short_code()[..2]
    )
}

/// Texts receipt `receipt_no` to the household's phone, once, after the act committed
/// (spawned: the answer does not wait for the SMS gateway). Failures go to the log.
pub fn send_receipt(
    db: &Db,
    sms: &std::sync::Arc<dyn crate::auth::sms::SmsSender>,
    receipt_no: &str,
) {
    let (db, sms, receipt_no) = (db.clone(), sms.clone(), receipt_no.to_owned());
    actix_web::rt::spawn(async move {
        let outcome: anyhow::Result<()> = async {
            if !storage::claim_sms(&db, &receipt_no, now_ms()).await? {
                return Ok(());
            }
            let Some(action) = storage::action(&db, &receipt_no).await? else {
                return Ok(());
            };
            let Some(phone) = action.sms_phone.clone() else {
                return Ok(());
            };
            sms.send_receipt(&Phone::from_stored(phone), &receipt_sms(&action))
                .await?;
            Ok(())
        }
        .await;
        if let Err(e) = outcome {
            tracing::warn!(target: "jifen::sms", receipt = %receipt_no, "the 代办 receipt was not texted: {e:#}");
        }
    });
}

/// The SMS of a receipt: `您的 30 积分已兑换 洗衣粉 ×1，代办员 王*华，编号 DB7K2M9QXA`.
pub fn receipt_sms(action: &storage::ActionRow) -> crate::auth::sms::ReceiptSms {
    let who = match action.session_kind {
        ProxyKind::Delegate => "家属",
        ProxyKind::Card | ProxyKind::Search => "代办员",
    };
    let what = match ProxyActionKind::parse(&action.action) {
        Some(ProxyActionKind::Redemption) => {
            format!("您的 {} 积分已兑换 {}", action.points, action.summary)
        }
        Some(ProxyActionKind::Claim) => format!("已为您申报积分：{}", action.summary),
        Some(ProxyActionKind::Order) => format!("已为您下单服务：{}", action.summary),
        Some(ProxyActionKind::Rating) | None => format!("已为您评价服务：{}", action.summary),
    };
    crate::auth::sms::ReceiptSms {
        what,
        who: format!("{who} {}", mask_name(&action.agent_name)),
        receipt_no: action.receipt_no.clone(),
    }
}

/// Receipt `receipt_no`, to whoever may read it: the agent who acted, the villager, their
/// delegates and household (户, who get its SMS when the villager has no phone), and the staff who may find the villager in the registry. To the first three a
/// reservation still to collect comes with its pickup code (printed on the slip).
///
/// Errors: [`ProxyError::Invalid`] (not a receipt number's shape), [`ProxyError::NoSuchReceipt`]
/// (also when the caller may not read it).
pub async fn receipt(
    db: &Db,
    keys: &Keys,
    caller: &Caller,
    receipt_no: &str,
) -> Result<ProxyReceipt, ProxyError> {
    let no = jifen_shared::proxy::normalize_receipt_no(receipt_no).ok_or_else(|| {
        ProxyError::Invalid("receipt_no: 10 letters and digits, as printed on the slip".into())
    })?;
    let missing = || ProxyError::NoSuchReceipt(no.clone());
    let action = storage::action(db, &no).await?.ok_or_else(missing)?;
    let village = RegionCode::parse(&action.village_code).map_err(|_| missing())?;
    let own = caller.id == action.agent_id
        || caller.id == action.person_id
        || storage::is_delegate(db.reader(), action.person_id, caller.id).await?
        || same_household(db, action.person_id, caller.id).await?;
    let allowed = own || policy::may(&caller.roles, Action::ReadPeople, &village);
    if !allowed {
        return Err(missing());
    }
    let pickup = match (own, action.subject.strip_prefix("redemption:")) {
        (true, Some(id)) => pickup(db, keys, id).await?,
        _ => None,
    };
    Ok(ProxyReceipt {
        receipt_no: action.receipt_no,
        action: ProxyActionKind::parse(&action.action).unwrap_or(ProxyActionKind::Claim),
        summary: action.summary,
        points: action.points,
        person_name: mask_name(&action.person_name),
        village_name: action.village_name.unwrap_or_default(),
        agent_name: mask_name(&action.agent_name),
        kind: action.session_kind,
        subject: action.subject,
        sms_to: action.sms_phone.map(|p| Phone::from_stored(p).masked()),
        pickup,
        created_at: rfc3339(action.created_at),
    })
}

/// Whether `other_id` is an open member of `person_id`'s household (户): the family the
/// receipt SMS goes to when the villager has no phone of their own.
async fn same_household(db: &Db, person_id: i64, other_id: i64) -> Result<bool, sqlx::Error> {
    let (Some(person), Some(other)) = (
        crate::people::storage::find(db, person_id).await?,
        crate::people::storage::find(db, other_id).await?,
    ) else {
        return Ok(false);
    };
    Ok(other.closed_at.is_none() && of_household(&person, &other))
}

/// The pickup of reservation `id` while it is still to collect.
async fn pickup(
    db: &Db,
    keys: &Keys,
    id: &str,
) -> Result<Option<jifen_shared::proxy::Pickup>, sqlx::Error> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(None);
    };
    let row = crate::shop::storage::redemption_by_id(db.reader(), id).await?;
    Ok(row
        .filter(|r| {
            r.status == jifen_shared::shop::RedemptionStatus::Reserved && r.expires_at > now_ms()
        })
        .map(|r| jifen_shared::proxy::Pickup {
            qr_token: token::sign(&keys.redemption, Purpose::Redemption, &r.token_nonce),
            short_code: r.short_code,
            expires_at: rfc3339(r.expires_at),
        }))
}

/// The county admins' settings read (`GET /admin/assistance/{county}`): to anyone staff in
/// the county (the console shows the limits), set by its county admins ([`set_settings`]).
pub async fn settings(db: &Db, county: &RegionCode) -> Result<AssistanceSettings, sqlx::Error> {
    Ok(storage::assistance(db.reader(), county.as_str())
        .await?
        .unwrap_or_default())
}

/// Sets the county's settings, audited (`assistance.update`, before and after).
///
/// Errors: [`ProxyError::Invalid`] for a value out of range.
pub async fn set_settings(
    db: &Db,
    actor: i64,
    county: &RegionCode,
    wanted: &AssistanceSettings,
) -> Result<AssistanceSettings, ProxyError> {
    if let Some(problem) = wanted.problem() {
        return Err(ProxyError::Invalid(problem));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let before = storage::assistance(&mut *tx, county.as_str())
        .await?
        .unwrap_or_default();
    storage::set_assistance(&mut tx, county.as_str(), wanted, actor, now).await?;
    audit::record(
        &mut tx,
        audit::Record {
            actor_id: Some(actor),
            action: "assistance.update",
            region: county,
            target: county.to_string(),
            before: serde_json::to_value(before).ok(),
            after: serde_json::to_value(wanted).ok(),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(*wanted)
}

fn delegation_view(row: storage::DelegationRow) -> Delegation {
    Delegation {
        id: row.id,
        person_id: row.person_id,
        person_name: row.person_name,
        delegate_id: row.delegate_id,
        delegate_name: row.delegate_name,
        delegate_phone: row
            .delegate_phone
            .map(|p| Phone::from_stored(p).masked())
            .unwrap_or_default(),
        consent: row.consent,
        recorded_by: row.recorded_by,
        created_at: rfc3339(row.created_at),
        ended_at: row.ended_at.map(rfc3339),
    }
}

/// Refuses staff who manage nobody's registry (403 `forbidden`), for every registry change
/// (the people routes and 代办's cards and delegations): the rest are told a person outside
/// their villages does not exist (404).
pub fn may_manage_somewhere(caller: &Caller) -> Result<(), ProxyError> {
    if policy::may_somewhere(&caller.roles, Action::ManagePeople) {
        Ok(())
    } else {
        Err(ProxyError::Forbidden(
            "only village, township and county admins manage the registry".into(),
        ))
    }
}

/// The villager `person_id` as a village admin of theirs sees them, for delegations.
///
/// Errors: [`ProxyError::Forbidden`] (an admin of nowhere), [`ProxyError::NotManaged`] when
/// the caller may not manage them.
async fn managed(
    db: &Db,
    caller: &Caller,
    person_id: i64,
) -> Result<(PersonRow, RegionCode), ProxyError> {
    may_manage_somewhere(caller)?;
    let person = crate::people::storage::find(db, person_id)
        .await?
        .ok_or(ProxyError::NotManaged)?;
    let village = person
        .village()
        .filter(|v| policy::may(&caller.roles, Action::ManagePeople, v))
        .ok_or(ProxyError::NotManaged)?;
    Ok((person, village))
}

/// The villager's delegations, ended ones too (`GET /admin/people/{id}/delegations`).
pub async fn delegations(
    db: &Db,
    caller: &Caller,
    person_id: i64,
) -> Result<Vec<Delegation>, ProxyError> {
    managed(db, caller, person_id).await?;
    Ok(storage::delegations_of(db, person_id)
        .await?
        .into_iter()
        .map(delegation_view)
        .collect())
}

/// Links a delegate (`POST /admin/people/{id}/delegations`): an open member of the villager's
/// household (same village and 户号) with a phone, with the consent recorded; audited
/// (`delegation.add`).
///
/// Errors: [`ProxyError::NotManaged`], [`ProxyError::LinkedAlready`], [`ProxyError::Invalid`]
/// (consent empty or too long, not of the household, no phone, the villager themselves).
pub async fn add_delegation(
    db: &Db,
    caller: &Caller,
    person_id: i64,
    request: &jifen_shared::proxy::NewDelegation,
) -> Result<Delegation, ProxyError> {
    let (person, village) = managed(db, caller, person_id).await?;
    let consent = crate::text::note(&request.consent, jifen_shared::proxy::MAX_CONSENT_CHARS)
        .map_err(|e| ProxyError::Invalid(format!("consent: {e}")))?;
    if consent.is_empty() {
        return Err(ProxyError::Invalid(
            "consent: say how the villager agreed (e.g. 本人在村委会当面同意)".into(),
        ));
    }
    let delegate = crate::people::storage::find(db, request.delegate_id)
        .await?
        .filter(|d| d.closed_at.is_none())
        .ok_or_else(|| {
            ProxyError::Invalid(format!(
                "delegate_id: no open account {}",
                request.delegate_id
            ))
        })?;
    if delegate.id == person.id {
        return Err(ProxyError::Invalid(
            "delegate_id: a villager is not their own delegate".into(),
        ));
    }
    if !of_household(&person, &delegate) {
        return Err(ProxyError::Invalid(
            "delegate_id: a delegate is a member of the villager's household (same village and 户号); record the 户号 first".into(),
        ));
    }
    if delegate.phone.is_none() {
        return Err(ProxyError::Invalid(
            "delegate_id: a delegate needs a phone to sign in".into(),
        ));
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let id = storage::insert_delegation(&mut tx, person.id, delegate.id, &consent, caller.id, now)
        .await?
        .ok_or(ProxyError::LinkedAlready)?;
    audit::record(
        &mut tx,
        audit::Record {
            actor_id: Some(caller.id),
            action: "delegation.add",
            region: &village,
            target: format!("person:{}", person.id),
            before: None,
            after: Some(
                serde_json::json!({"delegation": id, "delegate": delegate.id, "consent": consent}),
            ),
        },
        now,
    )
    .await?;
    let row = storage::delegation(&mut tx, id)
        .await?
        .ok_or(ProxyError::NoSuchDelegation)?;
    tx.commit().await?;
    Ok(delegation_view(row))
}

/// Ends a delegation (`POST /admin/delegations/{id}/end`): one tap for a village admin of the
/// villager; ending an ended one answers it as it is. Audited (`delegation.end`). The
/// delegate's open sessions stop at their next request.
///
/// Errors: [`ProxyError::NoSuchDelegation`] (also of a villager the caller does not manage).
pub async fn end_delegation(db: &Db, caller: &Caller, id: i64) -> Result<Delegation, ProxyError> {
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let row = storage::delegation(&mut tx, id)
        .await?
        .ok_or(ProxyError::NoSuchDelegation)?;
    let (_, village) = managed(db, caller, row.person_id)
        .await
        .map_err(|e| match e {
            ProxyError::NotManaged => ProxyError::NoSuchDelegation,
            e => e,
        })?;
    if storage::end_delegation(&mut tx, id, caller.id, now).await? {
        audit::record(
            &mut tx,
            audit::Record {
                actor_id: Some(caller.id),
                action: "delegation.end",
                region: &village,
                target: format!("person:{}", row.person_id),
                before: Some(serde_json::json!({"delegation": id, "delegate": row.delegate_id})),
                after: None,
            },
            now,
        )
        .await?;
    }
    let row = storage::delegation(&mut tx, id)
        .await?
        .ok_or(ProxyError::NoSuchDelegation)?;
    tx.commit().await?;
    Ok(delegation_view(row))
}

/// The villagers the caller may act for as a delegate (`GET /proxy/delegations`).
pub async fn mine(db: &Db, caller_id: i64) -> Result<Vec<Delegation>, sqlx::Error> {
    Ok(storage::delegations_held(db, caller_id)
        .await?
        .into_iter()
        .map(delegation_view)
        .collect())
}

/// Whether `person_id` did `subject` as someone's proxy: then they may not also review it or
/// hand it over (`own_proxy_action`).
pub async fn did(tx: &mut Tx, subject: &str, person_id: i64) -> Result<bool, sqlx::Error> {
    Ok(storage::agent_of(tx, subject).await? == Some(person_id))
}
