//! The village's points publicity board (积分公示, `GET /public/villages/{code}/board`):
//! every point earned or deducted in the village, traceable to the official who moved it, and
//! who earned most this month and this year.
//!
//! Choices (the issue "Points", "Disclosure"): the board is public like a notice board on the
//! village square — no sign-in — so villagers' names are masked (张*明) while officials'
//! names are shown in full (公开: every point traceable to who moved it). It shows points
//! earned and deducted (transfers between a villager and the township's issuance account:
//! approved claims, awards, deductions, and their corrections (更正: shown with the
//! correction's reason, the original marked as corrected — [`super::corrections`]), not what
//! villagers spend at the supermarket.
//! Rankings count those points, net, in the county's month and year ([`crate::calendar`]),
//! from the figures the ledger keeps as it writes ([`crate::ledger::figures`]: the board costs
//! the same whatever the village's history);
//! villagers with nothing earned are not ranked; equal points share a rank (1, 1, 3). A
//! villager is shown on the board of the village they live in now, with all their points
//! (someone who moved takes their record along).

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::points::{Board, BoardMovement, RankingEntry, mask_name};
use jifen_shared::proxy::ProxyNote;
use jifen_shared::regions::{RegionCode, RegionLevel};

use crate::calendar::Calendar;
use crate::storage::{Db, rfc3339};

/// The most movements the board shows.
pub const MOVEMENTS: i64 = 50;
/// The most villagers each ranking shows.
pub const RANKED: i64 = 20;

/// Why there is no board.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    /// The path's code is not 12 digits: refused before any lookup, and never echoed (it
    /// comes from anyone, line breaks included).
    #[error("code: a village code is 12 digits")]
    NotAVillageCode,
    #[error("code: {0} is not a loaded village")]
    NoSuchVillage(String),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for BoardError {
    fn code(&self) -> ErrorCode {
        match self {
            BoardError::NotAVillageCode => ErrorCode::InvalidInput,
            BoardError::NoSuchVillage(_) => ErrorCode::NotFound,
            BoardError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            BoardError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// The board of village `code` at `now` (UTC ms).
///
/// Errors: [`BoardError::NotAVillageCode`] for anything but 12 digits,
/// [`BoardError::NoSuchVillage`] for a village code that is not in the database.
pub async fn board(
    db: &Db,
    calendar: &Calendar,
    code: &str,
    now: i64,
) -> Result<Board, BoardError> {
    let village = RegionCode::parse(code)
        .ok()
        .filter(|c| c.level() == RegionLevel::Village)
        .ok_or(BoardError::NotAVillageCode)?;
    let region = crate::regions::storage::find(db, village.as_str())
        .await?
        .ok_or_else(|| BoardError::NoSuchVillage(village.to_string()))?;
    let rows = crate::ledger::figures::latest(db, village.as_str(), MOVEMENTS).await?;
    let references: Vec<String> = rows.iter().filter_map(|r| r.reference.clone()).collect();
    let labels = super::storage::labels(db, &references).await?;
    let proxies = crate::proxy::storage::notes(db.reader(), &references).await?;
    let keys: Vec<(Option<&str>, i64)> = rows
        .iter()
        .map(|r| (r.reference.as_deref(), r.person_id))
        .collect();
    let notes = super::corrections::notes(db, &keys).await?;
    let movements = rows
        .into_iter()
        .zip(notes)
        .map(|(r, correction)| BoardMovement {
            // Public: who did it for them, not the receipt's number.
            proxy: r
                .reference
                .as_ref()
                .and_then(|re| proxies.get(re))
                .filter(|(for_whom, _)| *for_whom == r.person_id)
                .map(|(_, note)| ProxyNote {
                    receipt_no: String::new(),
                    ..note.clone()
                }),
            villager_name: mask_name(&r.villager),
            reason: r
                .reference
                .and_then(|re| labels.get(&re).cloned())
                .unwrap_or(r.reason),
            points: r.points,
            actor_name: r.actor,
            created_at: rfc3339(r.created_at),
            correction,
        })
        .collect();
    Ok(Board {
        village_code: village.to_string(),
        village_name: region.name,
        month: calendar.month_label(now),
        year: calendar.year_label(now),
        movements,
        monthly_ranking: ranking(db, &village, &calendar.month_label(now)).await?,
        yearly_ranking: ranking(db, &village, &calendar.year_label(now)).await?,
    })
}

/// The top villagers of `village` by points earned in the county month or year `period`
/// (`YYYY-MM`, `YYYY`).
async fn ranking(
    db: &Db,
    village: &RegionCode,
    period: &str,
) -> Result<Vec<RankingEntry>, sqlx::Error> {
    let rows = crate::ledger::figures::ranking(db, village.as_str(), period, RANKED).await?;
    let mut entries: Vec<RankingEntry> = Vec::with_capacity(rows.len());
    for (i, (name, points)) in rows.into_iter().enumerate() {
        let rank = match entries.last() {
            Some(last) if last.points == points => last.rank,
            _ => i as u32 + 1,
        };
        entries.push(RankingEntry {
            rank,
            villager_name: mask_name(&name),
            points,
        });
    }
    Ok(entries)
}
