//! Points (积分): what villagers hold and how staff move them, on top of the [`crate::ledger`].
//!
//! - [`awards`]: staff awards and deductions (`POST /admin/awards`);
//! - [`rules`]: the rule catalogue (积分事项);
//! - [`claims`]: villagers' claims and their review (申报与审核);
//! - [`board`]: the village's publicity board (积分公示);
//! - [`corrections`]: corrections of approved claims and awards made in error (更正);
//! - [`storage`]: the SQL of the points tables (`point_rules`, `point_claims`, `claim_photos`,
//!   `point_awards`) and the board's and labels' reads of other modules' tables;
//! - [`routes`]: `GET /points/balance`, `GET /points/ledger`, `POST /admin/awards`, `GET /rules`,
//!   `POST /admin/rules`;
//! - this module: a villager's balance and history.
//!
//! Points enter circulation from the issuance account of the villager's township (政府买单):
//! the township is the village code's parent. Deductions go back to it.

pub mod awards;
pub mod board;
pub mod claims;
pub mod corrections;
pub mod routes;
pub mod rules;
pub mod storage;

use jifen_shared::Page;
use jifen_shared::points::{LedgerEntry, PointsBalance};
use jifen_shared::regions::RegionCode;

use crate::ledger::{self, AccountKind};
use crate::storage::{Db, Tx};

/// The villager's account (opened on first use) and their township's issuance account.
pub async fn accounts_of(
    tx: &mut Tx,
    person_id: i64,
    village: &RegionCode,
) -> Result<(i64, i64), sqlx::Error> {
    let township = village.parent().unwrap_or_else(|| village.clone());
    let villager =
        ledger::account(tx, AccountKind::Villager, village.as_str(), Some(person_id)).await?;
    let issuance = ledger::account(tx, AccountKind::Issuance, township.as_str(), None).await?;
    Ok((villager, issuance))
}

/// The person's points (all zero before their first movement).
pub async fn balance(db: &Db, person_id: i64) -> Result<PointsBalance, sqlx::Error> {
    let Some(account) = ledger::storage::villager_account(db, person_id).await? else {
        return Ok(PointsBalance::default());
    };
    let b = ledger::balance(db, account).await?.unwrap_or_default();
    Ok(PointsBalance {
        available: b.available(),
        pending: b.debits_pending,
        earned_total: b.credits_posted,
        spent_total: b.debits_posted,
    })
}

/// The person's posted movements, newest first, each with the points held after it and a
/// label saying what it is about ([`storage::labels`]: a claim's rule name, an award's reason,
/// a redemption's shop, a drop-off's weights (废纸 2.5 公斤、塑料瓶 800 克), a service order's
/// type (a volunteer's reward), a correction's original's), and the correction of a corrected
/// claim or award, or the correction a movement is (更正); `after_id` is the previous page's `next_cursor`.
pub async fn history(
    db: &Db,
    person_id: i64,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Page<LedgerEntry>, sqlx::Error> {
    let Some(account) = ledger::storage::villager_account(db, person_id).await? else {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    };
    let movements =
        ledger::storage::movements(db, account, after_id.unwrap_or(i64::MAX), limit + 1).await?;
    let references: Vec<String> = movements
        .iter()
        .filter_map(|m| m.reference.clone())
        .collect();
    let labels = storage::labels(db, &references).await?;
    let proxies = crate::proxy::storage::notes(db.reader(), &references).await?;
    let keys: Vec<(Option<&str>, i64)> = movements
        .iter()
        .map(|m| (m.reference.as_deref(), person_id))
        .collect();
    let notes = corrections::notes(db, &keys).await?;
    let items = movements
        .into_iter()
        .zip(notes)
        .map(|(m, correction)| LedgerEntry {
            id: m.id,
            amount: m.amount,
            balance_after: m.held_after,
            reason: m.reason,
            label: m.reference.as_ref().and_then(|r| labels.get(r).cloned()),
            proxy: m
                .reference
                .as_ref()
                .and_then(|r| proxies.get(r))
                .filter(|(for_whom, _)| *for_whom == person_id)
                .map(|(_, note)| note.clone()),
            reference: m.reference,
            actor_name: m.actor_name,
            created_at: crate::storage::rfc3339(m.created_at),
            correction,
        })
        .collect();
    Ok(Page::from_overfetch(items, limit as usize, |e| e.id))
}
