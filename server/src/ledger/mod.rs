//! The ledger (积分账本): every point that exists is the result of transfers between accounts,
//! in double entry, in the style of TigerBeetle (DESIGN.md, "The ledger").
//!
//! - An [`Transfer`] has a unique key (the idempotency key: the same key never moves points
//!   twice; the same key with different terms is [`LedgerError::KeyConflict`]), a debit and a
//!   credit account, a positive amount in points, a reason code, a reference to what caused
//!   it (`claim:42`, `award:7`, `redemption:9`…), the acting person and the time.
//! - Single-phase transfers move points at once. Two-phase ones reserve them first
//!   ([`Phase::Pending`]) and are later posted or voided by a second transfer that names the
//!   pending one; a pending transfer is settled exactly once, whatever the race
//!   ([`LedgerError::AlreadySettled`]).
//! - Each account caches four sums (debits and credits, pending and posted), changed only in
//!   the transaction that inserts the transfer, with conditional updates: a villager account
//!   (no overdraft) never owes more than its posted credits, counting pending debits, on
//!   either database and under any concurrency ([`LedgerError::InsufficientPoints`]).
//! - Invariants, checked by [`check_invariants`] (tests after every points-moving test, and
//!   `jifen simulate`): the balances of all accounts sum to zero; each cached sum equals the
//!   sum of the account's transfers; no no-overdraft account is below zero; the figures kept
//!   for the board ([`figures`]) agree with the transfers.
//!
//! Every function that moves points takes the caller's transaction, so the domain change that
//! causes a transfer (a claim approved, a redemption fulfilled) commits with it or not at all.
//! A transfer updates its two accounts in id order, so two transfers between the same accounts
//! in opposite directions cannot deadlock on PostgreSQL; a transaction that makes several
//! transfers first takes all their accounts with [`lock_accounts`].

pub mod figures;
pub mod storage;

use crate::storage::{Db, Tx, now_ms};

/// What an account is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    /// A villager's points (村民积分账户); may not go below zero.
    Villager,
    /// A township's issuance account: points enter circulation here (政府买单). Its balance is
    /// minus what it has issued and not got back.
    Issuance,
    /// A township's budget for paying volunteers (the service-orders issue).
    ServiceBudget,
    /// A points supermarket's account (the supermarket issue): the points it collected and
    /// the township has not paid it for yet.
    Shop,
    /// A township's settlement account (结算账户): when the township pays a shop's month
    /// (`crate::shop::payments`), the shop's points for it move here. Its balance is the
    /// points the township has paid shops for.
    Settlement,
}

impl AccountKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Villager => "villager",
            AccountKind::Issuance => "issuance",
            AccountKind::ServiceBudget => "service_budget",
            AccountKind::Shop => "shop",
            AccountKind::Settlement => "settlement",
        }
    }

    /// Whether debits may never exceed posted credits.
    pub fn no_overdraft(self) -> bool {
        matches!(self, AccountKind::Villager | AccountKind::Shop)
    }
}

/// The phase of a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Moves the points at once.
    Single,
    /// Reserves the points until posted or voided.
    Pending,
    /// Completes a pending transfer.
    Post,
    /// Cancels a pending transfer; the points return.
    Void,
}

impl Phase {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Single => "single",
            Phase::Pending => "pending",
            Phase::Post => "post",
            Phase::Void => "void",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Phase> {
        [Phase::Single, Phase::Pending, Phase::Post, Phase::Void]
            .into_iter()
            .find(|p| p.as_str() == s)
    }
}

/// A transfer as stored. Amounts are points (> 0); times UTC milliseconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: i64,
    pub key: String,
    pub debit_account_id: i64,
    pub credit_account_id: i64,
    pub amount: i64,
    pub phase: Phase,
    /// For a post or void: the pending transfer it settles.
    pub pending_id: Option<i64>,
    /// A stable code, e.g. `claim.approved`, `award`, `deduction`, `redemption`.
    pub reason: String,
    /// What caused it, e.g. `claim:42`.
    pub reference: Option<String>,
    /// Who moved the points (`None`: the system, e.g. an expiry).
    pub actor_id: Option<i64>,
    pub created_at: i64,
}

/// A transfer to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransfer {
    /// The idempotency key, unique across the ledger (e.g. `claim:42:approve`).
    pub key: String,
    pub debit_account_id: i64,
    pub credit_account_id: i64,
    /// Points, > 0.
    pub amount: i64,
    pub reason: String,
    pub reference: Option<String>,
    pub actor_id: Option<i64>,
}

/// A posted movement of one account, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    /// The transfer.
    pub id: i64,
    /// Points: + credited, - debited.
    pub amount: i64,
    /// The points the account held after it.
    pub held_after: i64,
    pub reason: String,
    pub reference: Option<String>,
    /// Who moved the points (`None`: the system).
    pub actor_name: Option<String>,
    /// UTC milliseconds.
    pub created_at: i64,
}

/// An account's cached sums, in points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    pub debits_pending: i64,
    pub debits_posted: i64,
    pub credits_pending: i64,
    pub credits_posted: i64,
}

impl Balance {
    /// Posted credits minus posted debits: what the account holds.
    pub fn posted(&self) -> i64 {
        self.credits_posted - self.debits_posted
    }

    /// What can be spent now: [`Balance::posted`] minus pending debits.
    pub fn available(&self) -> i64 {
        self.posted() - self.debits_pending
    }
}

/// Why points did not move.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("amount: points must be a whole number above 0, not {0}")]
    InvalidAmount(i64),
    #[error("a transfer needs two different accounts")]
    SameAccount,
    #[error("no ledger account has the id {0}")]
    NoSuchAccount(i64),
    #[error("not enough points: {available} available, {wanted} needed")]
    InsufficientPoints { available: i64, wanted: i64 },
    #[error("the key {0:?} was used for a different transfer")]
    KeyConflict(String),
    #[error("transfer {0} is not a pending transfer")]
    NotPending(i64),
    #[error("pending transfer {pending_id} was already {}", if *.posted { "posted" } else { "voided" })]
    AlreadySettled { pending_id: i64, posted: bool },
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

/// The account of `kind` for the villager `person_id` (region: their village) or for the
/// region (issuance, budget and settlement accounts: a township), opened on first use.
pub async fn account(
    tx: &mut Tx,
    kind: AccountKind,
    region_code: &str,
    person_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    if let Some(id) = storage::find_account(tx, kind, region_code, person_id).await? {
        return Ok(id);
    }
    storage::insert_account(tx, kind, region_code, person_id, now_ms()).await?;
    storage::find_account(tx, kind, region_code, person_id)
        .await?
        .ok_or_else(|| sqlx::Error::RowNotFound)
}

/// Makes a transfer inside `tx`: single-phase, or with `pending` a two-phase one that reserves
/// the points until [`settle`]d. Returns the transfer and whether it was new: a transfer with the same key and terms
/// made earlier is returned as it is and nothing moves again.
///
/// Errors: [`LedgerError::InvalidAmount`], [`LedgerError::SameAccount`],
/// [`LedgerError::NoSuchAccount`], [`LedgerError::InsufficientPoints`] (the debit account
/// allows no overdraft; nothing was written and `tx` may go on), [`LedgerError::KeyConflict`].
/// On other errors the caller must roll `tx` back (drop it).
pub async fn transfer(
    tx: &mut Tx,
    new: &NewTransfer,
    pending: bool,
) -> Result<(Transfer, bool), LedgerError> {
    let phase = if pending {
        Phase::Pending
    } else {
        Phase::Single
    };
    if new.amount <= 0 {
        return Err(LedgerError::InvalidAmount(new.amount));
    }
    if new.debit_account_id == new.credit_account_id {
        return Err(LedgerError::SameAccount);
    }
    let wanted = Transfer {
        id: 0,
        key: new.key.clone(),
        debit_account_id: new.debit_account_id,
        credit_account_id: new.credit_account_id,
        amount: new.amount,
        phase,
        pending_id: None,
        reason: new.reason.clone(),
        reference: new.reference.clone(),
        actor_id: new.actor_id,
        created_at: now_ms(),
    };
    let parties = figures::parties(tx, [new.debit_account_id, new.credit_account_id]).await?;
    for account in [new.debit_account_id, new.credit_account_id] {
        if !parties.iter().any(|p| p.account_id == account) {
            return Err(LedgerError::NoSuchAccount(account));
        }
    }
    let Some(id) = claim_key(tx, &wanted).await? else {
        return replay(tx, &wanted).await;
    };
    let (pending, posted) = if pending {
        (new.amount, 0)
    } else {
        (0, new.amount)
    };
    if let Err(e) = apply(tx, &wanted, pending, posted).await {
        // Nothing moved: take the claimed key back so the transaction stays usable (a
        // deduction then takes what there is, see `points::awards`).
        if matches!(e, LedgerError::InsufficientPoints { .. }) {
            storage::delete_unapplied(tx, id).await?;
        }
        return Err(e);
    }
    let made = Transfer { id, ..wanted };
    // A pending transfer's figures count when it is posted.
    if made.phase == Phase::Single {
        figures::record(tx, &made, &parties).await?;
    }
    Ok((made, true))
}

/// Posts (`post: true`) or voids the pending transfer `pending_id` with a transfer of key
/// `key`, inside `tx`; returns the settling transfer and whether it was new (the same key
/// again returns the first answer).
///
/// Errors: [`LedgerError::NotPending`] (no such transfer, or not a pending one),
/// [`LedgerError::AlreadySettled`] (posted or voided before, by another key),
/// [`LedgerError::KeyConflict`].
pub async fn settle(
    tx: &mut Tx,
    pending_id: i64,
    post: bool,
    key: &str,
    actor_id: Option<i64>,
) -> Result<(Transfer, bool), LedgerError> {
    let pending = storage::transfer_by_id(tx, pending_id)
        .await?
        .filter(|t| t.phase == Phase::Pending)
        .ok_or(LedgerError::NotPending(pending_id))?;
    let wanted = Transfer {
        id: 0,
        key: key.to_owned(),
        phase: if post { Phase::Post } else { Phase::Void },
        pending_id: Some(pending_id),
        actor_id,
        created_at: now_ms(),
        ..pending
    };
    let Some(id) = claim_key(tx, &wanted).await? else {
        if let Some(existing) = storage::transfer_by_key(tx, key).await? {
            return same_terms(existing, &wanted);
        }
        let settled = storage::settlement_of(tx, pending_id).await?;
        return Err(LedgerError::AlreadySettled {
            pending_id,
            posted: settled.is_some_and(|s| s.phase == Phase::Post),
        });
    };
    let posted = if post { pending.amount } else { 0 };
    apply(tx, &wanted, -pending.amount, posted).await?;
    let made = Transfer { id, ..wanted };
    if post {
        let parties = figures::parties(tx, [made.debit_account_id, made.credit_account_id]).await?;
        figures::record(tx, &made, &parties).await?;
    }
    Ok((made, true))
}

/// Inserts the transfer if its key (and, for a settlement, its pending transfer) is free;
/// `None` when taken — by an earlier or a concurrent, now committed, transaction.
async fn claim_key(tx: &mut Tx, wanted: &Transfer) -> Result<Option<i64>, LedgerError> {
    if storage::transfer_by_key(tx, &wanted.key).await?.is_some() {
        return Ok(None);
    }
    Ok(storage::insert_transfer(tx, wanted).await?)
}

/// The answer for a key already used: the stored transfer if its terms are the same.
async fn replay(tx: &mut Tx, wanted: &Transfer) -> Result<(Transfer, bool), LedgerError> {
    match storage::transfer_by_key(tx, &wanted.key).await? {
        Some(existing) => same_terms(existing, wanted),
        None => Err(LedgerError::KeyConflict(wanted.key.clone())),
    }
}

fn same_terms(existing: Transfer, wanted: &Transfer) -> Result<(Transfer, bool), LedgerError> {
    let same = existing.debit_account_id == wanted.debit_account_id
        && existing.credit_account_id == wanted.credit_account_id
        && existing.amount == wanted.amount
        && existing.phase == wanted.phase
        && existing.pending_id == wanted.pending_id
        && existing.reason == wanted.reason
        && existing.reference == wanted.reference;
    if same {
        Ok((existing, false))
    } else {
        Err(LedgerError::KeyConflict(wanted.key.clone()))
    }
}

/// Moves `pending` and `posted` points on both sides of `t` (in account-id order).
async fn apply(tx: &mut Tx, t: &Transfer, pending: i64, posted: i64) -> Result<(), LedgerError> {
    let debit_first = t.debit_account_id < t.credit_account_id;
    if !debit_first {
        credit(tx, t.credit_account_id, pending, posted).await?;
    }
    if !storage::debit(tx, t.debit_account_id, pending, posted).await? {
        if !debit_first {
            // Undo the credit, so a refused transfer leaves nothing behind in `tx`.
            storage::credit(tx, t.credit_account_id, -pending, -posted).await?;
        }
        let balance = storage::read_balance(&mut **tx, t.debit_account_id)
            .await?
            .ok_or(LedgerError::NoSuchAccount(t.debit_account_id))?;
        return Err(LedgerError::InsufficientPoints {
            available: balance.available(),
            wanted: pending + posted,
        });
    }
    if debit_first {
        credit(tx, t.credit_account_id, pending, posted).await?;
    }
    Ok(())
}

async fn credit(tx: &mut Tx, account: i64, pending: i64, posted: i64) -> Result<(), LedgerError> {
    Ok(storage::credit(tx, account, pending, posted).await?)
}

/// Locks the accounts `ids` (sorted and deduplicated here) in ascending id order until the
/// transaction ends — for a transaction that makes several transfers, or reads before it
/// writes (PostgreSQL; SQLite's single writer needs nothing).
///
/// The order every transaction keeps: first the no-overdraft accounts it moves (villagers',
/// shops'), in id order; then the shared accounts (the townships' issuance and service budget),
/// in id order. A transaction that moves one shared account does not lock it up front: the
/// balance update, an atomic increment near the end of the transaction, locks it. Locking
/// them first would queue a whole township's approvals, drop-offs and rewards behind each
/// other for the length of their transactions (seconds under `jifen simulate` on
/// PostgreSQL). A transaction that moves several shared accounts (an award to villagers of
/// two townships) locks them, in a second call, after its other accounts. The figures of an
/// earning ([`figures::record`]) share-lock the villager's `people` row last, so a transfer in
/// flight and the villager's move to another village ([`figures::moved`]) wait for each other.
pub async fn lock_accounts(tx: &mut Tx, ids: &mut Vec<i64>) -> Result<(), sqlx::Error> {
    ids.sort_unstable();
    ids.dedup();
    for id in ids.iter() {
        storage::lock_account(tx, *id).await?;
    }
    Ok(())
}

/// The cached sums of an account (`None`: no such account).
pub async fn balance(db: &Db, account_id: i64) -> Result<Option<Balance>, sqlx::Error> {
    storage::read_balance(db.reader(), account_id).await
}

/// Checks the ledger's invariants over the whole database; every violation as a sentence.
/// An empty list means: the balances sum to zero, every cached sum equals the sum of the
/// account's transfers, and no no-overdraft account is below zero or owes more than it holds.
pub async fn check_invariants(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    let mut problems = Vec::new();
    let mut total = 0i64;
    for (id, no_overdraft, cached, recomputed) in storage::audit_balances(db).await? {
        total += cached.posted();
        if cached != recomputed {
            problems.push(format!(
                "account {id}: cached {cached:?} but its transfers give {recomputed:?}"
            ));
        }
        if no_overdraft && cached.available() < 0 {
            problems.push(format!(
                "account {id}: {} points available, below zero",
                cached.available()
            ));
        }
    }
    if total != 0 {
        problems.push(format!("the posted balances sum to {total}, not 0"));
    }
    problems.extend(figures::problems(db).await?);
    Ok(problems)
}
