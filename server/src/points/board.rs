//! The village's points publicity board (积分公示, `GET /public/villages/{code}/board`):
//! every point earned or deducted in the village, traceable to the official who moved it, and
//! who earned most this month and this year.
//!
//! Choices (the issue "Points", "Disclosure"): the board is public like a notice board on the
//! village square — no sign-in — so villagers' names are masked (张*明) while officials'
//! names are shown in full (公开: every point traceable to who moved it). It shows points
//! earned and deducted (transfers between a villager and the township's issuance account:
//! approved claims, awards, deductions), not what villagers spend at the supermarket.
//! Rankings count those points, net, in the county's month and year ([`crate::calendar`]);
//! villagers with nothing earned are not ranked; equal points share a rank (1, 1, 3). A
//! villager is shown on the board of the village they live in now, with all their points
//! (someone who moved takes their record along).

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::points::{Board, BoardMovement, RankingEntry, mask_name};
use jifen_shared::regions::{RegionCode, RegionLevel};
use sqlx::Row;

use crate::calendar::{Calendar, Period};
use crate::storage::{Db, rfc3339};

/// The most movements the board shows.
pub const MOVEMENTS: i64 = 50;
/// The most villagers each ranking shows.
pub const RANKED: i64 = 20;

/// Why there is no board.
#[derive(Debug, thiserror::Error)]
pub enum BoardError {
    #[error("code: {0} is not a loaded village")]
    NoSuchVillage(String),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for BoardError {
    fn code(&self) -> ErrorCode {
        match self {
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

/// A villager's earned (+) or deducted (-) points: transfers between the account of a
/// villager living in village `$1` and an issuance account. `cols` are selected from `t` (the transfer) and `va`
/// (the villager's account); `SIGN` in them is 1 for points earned, -1 for points deducted.
fn earned(cols: &str, filter: &str) -> String {
    let side = |villager_side: &str, other_side: &str, sign: &str| {
        format!(
            "SELECT {} FROM ledger_accounts va \
             JOIN ledger_transfers t ON t.{villager_side}_account_id = va.id \
             JOIN ledger_accounts oa ON oa.id = t.{other_side}_account_id \
             JOIN people vp ON vp.id = va.person_id \
             WHERE va.kind = 'villager' AND vp.village_code = $1 AND oa.kind = 'issuance' \
               AND t.phase IN ('single', 'post') {filter}",
            cols.replace("SIGN", sign)
        )
    };
    format!(
        "{} UNION ALL {}",
        side("credit", "debit", "1"),
        side("debit", "credit", "-1")
    )
}

/// The board of village `code` at `now` (UTC ms).
///
/// Errors: [`BoardError::NoSuchVillage`] for a code that is not a village in the database.
pub async fn board(
    db: &Db,
    calendar: &Calendar,
    code: &str,
    now: i64,
) -> Result<Board, BoardError> {
    let village = RegionCode::parse(code)
        .ok()
        .filter(|c| c.level() == RegionLevel::Village)
        .ok_or_else(|| BoardError::NoSuchVillage(crate::text::clip(code)))?;
    let region = crate::regions::storage::find(db, village.as_str())
        .await?
        .ok_or_else(|| BoardError::NoSuchVillage(village.to_string()))?;
    let rows = sqlx::query(&format!(
        "SELECT m.id, m.points, m.reference, m.reason, m.created_at, p.name AS villager, \
                a.name AS actor FROM ({}) m \
         JOIN people p ON p.id = m.person_id LEFT JOIN people a ON a.id = m.actor_id \
         ORDER BY m.id DESC LIMIT {MOVEMENTS}",
        earned(
            "t.id, SIGN * t.amount AS points, t.reference, t.reason, t.created_at, \
             va.person_id, t.actor_id",
            ""
        )
    ))
    .bind(village.as_str())
    .fetch_all(db.reader())
    .await?;
    let references: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<Option<String>, _>("reference"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let labels = super::labels(db, &references).await?;
    let mut movements = Vec::with_capacity(rows.len());
    for r in &rows {
        let reference: Option<String> = r.try_get("reference")?;
        let reason: String = r.try_get("reason")?;
        movements.push(BoardMovement {
            villager_name: mask_name(&r.try_get::<String, _>("villager")?),
            reason: reference
                .and_then(|re| labels.get(&re).cloned())
                .unwrap_or(reason),
            points: r.try_get("points")?,
            actor_name: r.try_get("actor")?,
            created_at: rfc3339(r.try_get("created_at")?),
        });
    }
    Ok(Board {
        village_code: village.to_string(),
        village_name: region.name,
        month: calendar.month_label(now),
        year: calendar.year_label(now),
        movements,
        monthly_ranking: ranking(db, &village, calendar.month(now)).await?,
        yearly_ranking: ranking(db, &village, calendar.year(now)).await?,
    })
}

/// The top villagers of `village` by points earned in `period`.
async fn ranking(
    db: &Db,
    village: &RegionCode,
    period: Period,
) -> Result<Vec<RankingEntry>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT p.name, e.points FROM (\
             SELECT m.person_id, CAST(SUM(m.points) AS BIGINT) AS points FROM ({}) m \
             GROUP BY m.person_id) e \
         JOIN people p ON p.id = e.person_id WHERE e.points > 0 \
         ORDER BY e.points DESC, e.person_id LIMIT {RANKED}",
        earned(
            "va.person_id, SIGN * t.amount AS points",
            "AND t.created_at >= $2 AND t.created_at < $3"
        )
    ))
    .bind(village.as_str())
    .bind(period.start)
    .bind(period.end)
    .fetch_all(db.reader())
    .await?;
    let mut entries: Vec<RankingEntry> = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let points: i64 = r.try_get("points")?;
        let rank = match entries.last() {
            Some(last) if last.points == points => last.rank,
            _ => i as u32 + 1,
        };
        entries.push(RankingEntry {
            rank,
            villager_name: mask_name(&r.try_get::<String, _>("name")?),
            points,
        });
    }
    Ok(entries)
}
