//! Service orders (五单) and ratings (好差评), the county's five-order method: villagers order
//! a service (点单), volunteers claim it (接单) or an admin dispatches it (派单), the township
//! pays the volunteer in points (买单), and the villager rates it (评单).
//!
//! Rules (the issue "Service orders and ratings"):
//! - service types come from a county catalogue ([`crate::catalogue`]): the shipped 代办跑腿,
//!   助老探访, 法律咨询, 家电维修, 矛盾调解, 环境整治, 心理疏导 with a reward in points, which
//!   county admins change ([`crate::policy::Action::ManageRules`] over the county);
//! - orders and their lifecycle: [`orders`]; ratings, payment, rectifications and the summary:
//!   [`ratings`]; the background sweep (escalation, automatic ratings): [`sweep`].

pub mod orders;
pub mod ratings;
pub mod routes;
pub mod storage;

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;
use jifen_shared::regions::RegionCode;
use jifen_shared::services::{ServiceType, ServiceTypeUpdate};

use crate::catalogue::{self, Entry, EntryError, EntryUpdate};
use crate::ledger::LedgerError;
use crate::storage::Db;

/// The longest service type name (characters) and the highest reward (points): the wire's
/// bounds, which the PWA's form checks too.
pub use jifen_shared::services::{MAX_REWARD, MAX_TYPE_NAME_CHARS};
/// The longest description, completion note or follow-up, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;
/// The longest address, in characters.
pub const MAX_ADDRESS_CHARS: usize = 200;
/// The longest rating comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// The most photos an order or a completion carries.
pub const MAX_PHOTOS: usize = 6;
/// A completed order not rated within this time counts as 中评 (3 stars): 7 days.
pub const RATING_WINDOW_MS: i64 = 7 * 24 * 3_600_000;
/// A rectification closed within this time of opening counts as closed in time: 7 days.
pub const RECTIFICATION_DUE_MS: i64 = 7 * 24 * 3_600_000;

/// Why an order, a rating or a rectification was refused.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Entry(#[from] EntryError),
    #[error("only villagers registered in a village order services or serve as volunteers")]
    NotVillager,
    #[error("type_id: no service type {0} is offered in your county")]
    NoSuchType(i64),
    #[error("photo_ids: {0} are not photos you uploaded")]
    NotYourPhotos(String),
    #[error("no such order")]
    NotFound,
    /// The volunteer ordered it for the villager as their proxy (代办): another volunteer
    /// serves it, and who served it does not rate it for the villager.
    #[error(
        "you ordered this for the villager as their proxy (代办), or served it: another person serves or rates it"
    )]
    OwnProxy,
    #[error("{0}")]
    Forbidden(String),
    #[error("order {0} was already claimed")]
    AlreadyClaimed(i64),
    #[error(
        "order {0} has not escalated to the grid worker yet: until its SLA passes, its \
         volunteers claim it and the village's admins dispatch it"
    )]
    NotEscalated(i64),
    #[error("order {id} is {status}: {what}")]
    WrongStatus {
        id: i64,
        status: &'static str,
        what: &'static str,
    },
    #[error("order {0} was already rated")]
    AlreadyRated(i64),
    #[error("no such rectification")]
    NoSuchRectification,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    /// A proxy's rating refused (its daily limit): [`crate::proxy`].
    #[error(transparent)]
    Proxy(#[from] crate::proxy::ProxyError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for ServiceError {
    fn code(&self) -> ErrorCode {
        match self {
            ServiceError::Invalid(_)
            | ServiceError::NoSuchType(_)
            | ServiceError::NotYourPhotos(_) => ErrorCode::InvalidInput,
            ServiceError::NotVillager | ServiceError::Forbidden(_) => ErrorCode::Forbidden,
            ServiceError::OwnProxy => ErrorCode::OwnProxyAction,
            ServiceError::NotFound | ServiceError::NoSuchRectification => ErrorCode::NotFound,
            ServiceError::AlreadyClaimed(_) => ErrorCode::AlreadyClaimed,
            ServiceError::NotEscalated(_) => ErrorCode::NotEscalated,
            ServiceError::AlreadyRated(_) => ErrorCode::AlreadyRated,
            ServiceError::WrongStatus { .. } => ErrorCode::WrongState,
            ServiceError::Entry(_)
            | ServiceError::Ledger(_)
            | ServiceError::Proxy(_)
            | ServiceError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            ServiceError::Entry(e) => Some(e),
            ServiceError::Proxy(e) => Some(e),
            ServiceError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

fn service_type(e: Entry) -> ServiceType {
    ServiceType {
        id: e.id,
        code: e.code,
        name: e.name,
        reward_points: e.value,
        active: e.active,
        county_code: e.county_code,
    }
}

/// The service types offered in the county of `region`, by id (switched-off ones included).
pub async fn types(db: &Db, region: &RegionCode) -> Result<Vec<ServiceType>, sqlx::Error> {
    let entries = catalogue::in_county(db, storage::TYPES, region).await?;
    Ok(entries.into_iter().map(service_type).collect())
}

/// Sets a county's own service type (`PUT /admin/services/types`), audited as
/// `services.type`; the rules are [`catalogue::set`]'s (reward 1–[`MAX_REWARD`]).
///
/// Errors: [`ServiceError::Entry`].
pub async fn set_type(
    db: &Db,
    actor_id: i64,
    grants: &[RoleGrant],
    update: &ServiceTypeUpdate,
) -> Result<ServiceType, ServiceError> {
    let update = EntryUpdate {
        county_code: &update.county_code,
        code: &update.code,
        name: &update.name,
        value: update.reward_points,
        active: update.active,
    };
    let stored = catalogue::set(db, storage::TYPES, actor_id, grants, update).await?;
    Ok(service_type(stored))
}

/// One pass of the background sweep (once a minute while the server runs): escalates open
/// orders past their SLA ([`orders::escalate_due`]) and rates completed orders left unrated
/// for 7 days as 中评 ([`ratings::auto_rate_due`]). Answers how many of each.
pub async fn sweep(db: &Db, sla_ms: i64, now: i64) -> Result<(usize, usize), ServiceError> {
    let escalated = orders::escalate_due(db, sla_ms, now).await?;
    let rated = ratings::auto_rate_due(db, now).await?;
    Ok((escalated, rated))
}

/// A person's text field ([`crate::text::note`]: trimmed, NFC, line breaks kept), 1–`max`
/// characters; the error names the field and the limit.
pub(crate) fn text(field: &str, raw: &str, max: usize) -> Result<String, ServiceError> {
    let invalid = |why: String| ServiceError::Invalid(format!("{field}: {why}"));
    match crate::text::note(raw, max) {
        Ok(text) if text.is_empty() => Err(invalid("empty".into())),
        Ok(text) => Ok(text),
        Err(crate::text::NameError::TooLong(n)) => {
            Err(invalid(format!("{n} characters, at most {max}")))
        }
        Err(e) => Err(invalid(e.to_string())),
    }
}
