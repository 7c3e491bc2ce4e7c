//! Paying the shops (结算, 政府买单): the township reimburses each shop for the goods it
//! handed over, month by month, and records the payment here (`POST /admin/shops/{id}/payments`).
//!
//! Rules (the issue "Paying the shops"):
//! - **who**: a township admin over the shop (its township, or the township of its village),
//!   or a county admin above ([`Action::PayShops`]); village admins and keepers only read;
//! - **when**: a county month that is over (409 `month_not_over`), paid once (409
//!   `already_paid`, whatever the race: the shop's account is locked first and
//!   `shop_payments` is unique on shop and month), in order — an earlier month with
//!   redemptions not yet paid is paid first (409 `earlier_month_unpaid`, naming it). A month
//!   with nothing handed over has nothing to pay (409 `wrong_state`);
//! - **what**: the payment's reference (1–[`MAX_PAYMENT_REFERENCE_CHARS`] characters, e.g. a
//!   bank transfer's number) and the day it was paid (`YYYY-MM-DD`: from the month's first
//!   day to today, county calendar);
//! - **the statement is locked**: the redemptions it pays are marked with the payment
//!   (`redemptions.payment_id`) and its figures and goods lines (named as at payment) are kept
//!   with it; a paid month's statement is read from there and never changes. A redemption
//!   handed over in a month after that month was paid (its transaction began before the
//!   month ended and committed after the payment: a "late" one) is counted in the next
//!   unpaid month's statement (`late_redemptions`), never in the paid one;
//! - **the ledger**: the points paid move from the shop's account to the township's
//!   settlement account ([`AccountKind::Settlement`], reason `settlement`, reference
//!   `shop_payment:<id>`, key `shop_payment:<shop>:<month>`), so a shop's balance is what the
//!   township has not paid yet ([`ShopSettlement::unpaid_points`]);
//! - audited (`shop.pay`, the shop's region) and the shop's keepers told (inbox,
//!   `shop_paid`, reference `settlement:<shop>:<month>`) in the same transaction. A retried request with the same
//!   `Idempotency-Key` replays the first answer.
//!
//! Why a hand-over cannot slip past a payment on PostgreSQL: the payment locks the shop's
//! account before it reads or marks anything, and a hand-over (`super::redemptions::fulfil`)
//! credits that same account row before it commits. A hand-over that commits first is marked;
//! one still running waits for the payment and is then a late one. Any new way of handing
//! goods over must credit the shop's account in its transaction too.
//!
//! Which month a redemption not yet paid belongs to: the month it was handed over, or, when
//! that month was paid already, the month after the latest paid one. Months are paid in
//! order, so every month before the latest paid one is settled.

use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;
use jifen_shared::regions::RegionCode;
use jifen_shared::shop::{
    MAX_PAYMENT_REFERENCE_CHARS, NewShopPayment, ShopPayment, ShopSettlement,
};

use super::storage::{self, Handed, ShopRow};
use crate::audit::Record;
use crate::calendar::{Calendar, Period, parse_date};
use crate::error::DomainError;
use crate::ledger::{self, AccountKind, LedgerError, NewTransfer};
use crate::policy::{self, Action};
use crate::storage::{Db, Tx, rfc3339};

/// Why a month could not be marked paid.
#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    #[error("month: YYYY-MM, e.g. 2026-11")]
    Month,
    #[error("reference: {0}")]
    Reference(crate::text::NameError),
    #[error("paid_on: a date YYYY-MM-DD from the month's first day to today")]
    PaidOn,
    #[error("no shop {0}")]
    NoSuchShop(i64),
    #[error("only township and county admins over the shop pay it")]
    NotYours,
    #[error("{0} is not over yet")]
    NotOver(String),
    #[error("{0} was paid already")]
    AlreadyPaid(String),
    #[error("{later} was paid already: the redemptions of {month} were paid with it")]
    PaidWithLater { month: String, later: String },
    #[error("{0} is not paid yet: months are paid in order")]
    EarlierUnpaid(String),
    #[error("{0} has nothing to pay: no redemptions were handed over")]
    Nothing(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for PaymentError {
    fn code(&self) -> ErrorCode {
        match self {
            PaymentError::Month | PaymentError::Reference(_) | PaymentError::PaidOn => {
                ErrorCode::InvalidInput
            }
            PaymentError::NoSuchShop(_) => ErrorCode::NotFound,
            PaymentError::NotYours => ErrorCode::Forbidden,
            PaymentError::NotOver(_) => ErrorCode::MonthNotOver,
            PaymentError::AlreadyPaid(_) | PaymentError::PaidWithLater { .. } => {
                ErrorCode::AlreadyPaid
            }
            PaymentError::EarlierUnpaid(_) => ErrorCode::EarlierMonthUnpaid,
            PaymentError::Nothing(_) => ErrorCode::WrongState,
            PaymentError::Ledger(_) | PaymentError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            PaymentError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Whether `grants` may pay `shop` ([`Action::PayShops`] over its region).
pub fn may_pay(grants: &[RoleGrant], shop: &ShopRow) -> bool {
    RegionCode::parse(&shop.region_code).is_ok_and(|r| policy::may(grants, Action::PayShops, &r))
}

/// The month after `month` (`YYYY-MM`).
fn next_month(calendar: &Calendar, month: &str) -> Option<String> {
    calendar
        .parse_month(month)
        .map(|p| calendar.month_label(p.end))
}

/// Where the unpaid part of `month`'s statement starts (UTC ms): the month's start, or `0`
/// when it is the first month after the latest paid one (it then takes the late redemptions
/// of the paid months too).
fn unpaid_from(calendar: &Calendar, month: &str, period: Period, last_paid: Option<&str>) -> i64 {
    match last_paid {
        Some(l) if next_month(calendar, l).as_deref() == Some(month) => 0,
        _ => period.start,
    }
}

/// The month an unpaid redemption handed over at `at` belongs to (module docs).
fn statement_month(calendar: &Calendar, at: i64, last_paid: Option<&str>) -> String {
    let own = calendar.month_label(at);
    match last_paid {
        Some(l) if own.as_str() <= l => next_month(calendar, l).unwrap_or(own),
        _ => own,
    }
}

/// The statement of `shop` for `month` (`YYYY-MM`, covering `period`) as of `now`, read
/// through `conn` (a transaction's or a pool's): the paid figures when the month was paid,
/// else what is due so far.
/// `region_name` names the shop's region; `payer` says whether the caller may pay shops over
/// it.
pub async fn statement(
    conn: &mut sqlx::AnyConnection,
    calendar: &Calendar,
    shop: ShopRow,
    region_name: String,
    (month, period): (&str, Period),
    payer: bool,
    now: i64,
) -> Result<ShopSettlement, sqlx::Error> {
    let unpaid_points = ledger::storage::read_balance(&mut *conn, shop.account_id)
        .await?
        .map_or(0, |b| b.posted());
    let mut out = ShopSettlement {
        shop_id: shop.id,
        shop_name: shop.name,
        region_code: shop.region_code,
        region_name,
        redemptions: 0,
        points: 0,
        market_value_fen: 0,
        goods: Vec::new(),
        late_redemptions: 0,
        payment: None,
        unpaid_points,
        may_pay: false,
        unpaid_before: None,
    };
    if let Some(paid) = storage::payment(&mut *conn, shop.id, month).await? {
        out.redemptions = paid.redemptions;
        out.points = paid.points;
        out.market_value_fen = paid.market_value_fen;
        out.late_redemptions = paid.late_redemptions;
        out.goods = storage::payment_goods(&mut *conn, paid.id).await?;
        out.payment = Some(ShopPayment {
            reference: paid.reference,
            paid_on: paid.paid_on,
            paid_by_name: paid.actor_name,
            recorded_at: rfc3339(paid.created_at),
        });
        return Ok(out);
    }
    let last_paid = storage::last_paid_month(&mut *conn, shop.id).await?;
    let from = unpaid_from(calendar, month, period, last_paid.as_deref());
    let handed = Handed::Unpaid {
        shop_id: shop.id,
        from,
        to: period.end,
    };
    (out.redemptions, out.points, out.late_redemptions) =
        storage::handed_totals(&mut *conn, handed, period.start).await?;
    out.goods = storage::handed_goods(&mut *conn, handed).await?;
    out.market_value_fen = out.goods.iter().map(|g| g.market_value_fen).sum();
    out.unpaid_before = storage::earliest_unpaid(&mut *conn, shop.id, from)
        .await?
        .map(|at| statement_month(calendar, at, last_paid.as_deref()));
    out.may_pay = payer
        && period.end <= now
        && out.redemptions > 0
        && out.unpaid_before.is_none()
        && last_paid.as_deref().is_none_or(|l| l < month);
    Ok(out)
}

/// Marks `shop_id`'s month paid (module docs), by `actor_id` holding `grants`, inside `tx`;
/// answers the statement as paid.
///
/// Errors: [`PaymentError::Month`], [`PaymentError::Reference`], [`PaymentError::PaidOn`],
/// [`PaymentError::NoSuchShop`], [`PaymentError::NotYours`], [`PaymentError::NotOver`],
/// [`PaymentError::AlreadyPaid`], [`PaymentError::PaidWithLater`],
/// [`PaymentError::EarlierUnpaid`], [`PaymentError::Nothing`].
pub async fn pay(
    tx: &mut Tx,
    calendar: &Calendar,
    (actor_id, grants): (i64, &[RoleGrant]),
    shop_id: i64,
    body: &NewShopPayment,
    now: i64,
) -> Result<ShopSettlement, PaymentError> {
    let month = body.month.trim();
    let period = calendar.parse_month(month).ok_or(PaymentError::Month)?;
    if period.end > now {
        return Err(PaymentError::NotOver(month.to_owned()));
    }
    let reference = crate::text::name(&body.reference, MAX_PAYMENT_REFERENCE_CHARS)
        .map_err(PaymentError::Reference)?;
    let paid_on = parse_date(body.paid_on.trim()).ok_or(PaymentError::PaidOn)?;
    if paid_on < calendar.date(period.start) || paid_on > calendar.date(now) {
        return Err(PaymentError::PaidOn);
    }
    let shop = storage::shop(&mut **tx, shop_id)
        .await?
        .ok_or(PaymentError::NoSuchShop(shop_id))?;
    let region = RegionCode::parse(&shop.region_code)
        .ok()
        .filter(|r| policy::may(grants, Action::PayShops, r))
        .ok_or(PaymentError::NotYours)?;
    // One payment of the shop at a time, and no hand-over between reading and marking
    // (PostgreSQL; SQLite's single writer needs nothing).
    ledger::lock_accounts(tx, &mut vec![shop.account_id]).await?;
    if storage::payment(&mut **tx, shop.id, month).await?.is_some() {
        return Err(PaymentError::AlreadyPaid(month.to_owned()));
    }
    let last_paid = storage::last_paid_month(&mut **tx, shop.id).await?;
    if let Some(later) = last_paid.as_deref().filter(|l| *l > month) {
        let own = Handed::All {
            shop_id: shop.id,
            from: period.start,
            to: period.end,
        };
        if storage::handed_totals(&mut **tx, own, period.start)
            .await?
            .0
            == 0
        {
            return Err(PaymentError::Nothing(month.to_owned()));
        }
        return Err(PaymentError::PaidWithLater {
            month: month.to_owned(),
            later: later.to_owned(),
        });
    }
    let from = unpaid_from(calendar, month, period, last_paid.as_deref());
    if let Some(at) = storage::earliest_unpaid(&mut **tx, shop.id, from).await? {
        return Err(PaymentError::EarlierUnpaid(statement_month(
            calendar,
            at,
            last_paid.as_deref(),
        )));
    }
    let new = storage::NewPayment {
        shop_id: shop.id,
        month,
        reference: &reference,
        paid_on: &paid_on.to_string(),
        actor_id,
    };
    let payment_id = storage::insert_payment(tx, &new, now)
        .await?
        .ok_or_else(|| PaymentError::AlreadyPaid(month.to_owned()))?;
    if storage::mark_paid(tx, payment_id, shop.id, period.end).await? == 0 {
        return Err(PaymentError::Nothing(month.to_owned()));
    }
    let paid = Handed::PaidBy(payment_id);
    let totals = storage::handed_totals(&mut **tx, paid, period.start).await?;
    let goods = storage::handed_goods(&mut **tx, paid).await?;
    let township = match region.parent() {
        Some(t) if region.level() == jifen_shared::regions::RegionLevel::Village => t,
        _ => region.clone(),
    };
    let settlement = ledger::account(tx, AccountKind::Settlement, township.as_str(), None).await?;
    let (transfer, _) = ledger::transfer(
        tx,
        &NewTransfer {
            key: format!("shop_payment:{}:{month}", shop.id),
            debit_account_id: shop.account_id,
            credit_account_id: settlement,
            amount: totals.1,
            reason: "settlement".into(),
            reference: Some(format!("shop_payment:{payment_id}")),
            actor_id: Some(actor_id),
        },
        false,
    )
    .await?;
    storage::fill_payment(tx, payment_id, totals, &goods, transfer.id).await?;
    let market_value_fen: i64 = goods.iter().map(|g| g.market_value_fen).sum();
    let record = Record {
        actor_id: Some(actor_id),
        action: "shop.pay",
        region: &region,
        target: format!("shop:{}", shop.id),
        before: None,
        after: Some(serde_json::json!({
            "month": month,
            "reference": reference,
            "paid_on": new.paid_on,
            "redemptions": totals.0,
            "points": totals.1,
            "market_value_fen": market_value_fen,
        })),
    };
    crate::audit::record(tx, record, now).await?;
    let text = format!(
        "“{}”{month} 的结算单已付款：{} 积分，¥{}（凭证号 {reference}）",
        shop.name,
        totals.1,
        super::reports::yuan(market_value_fen)
    );
    for keeper in storage::keepers(&mut **tx, shop.id).await? {
        let reference = format!("settlement:{}:{month}", shop.id);
        crate::inbox::notify(tx, keeper.id, "shop_paid", &text, &reference, now).await?;
    }
    let region_name = crate::regions::storage::find_in(tx, &shop.region_code)
        .await?
        .map(|r| r.name)
        .unwrap_or_default();
    let paid = statement(tx, calendar, shop, region_name, (month, period), true, now);
    Ok(paid.await?)
}

/// The statements of a month for many shops: `(shop, its region's name, whether the caller
/// may pay it)` each.
pub async fn statements(
    db: &Db,
    calendar: &Calendar,
    shops: Vec<(ShopRow, String, bool)>,
    (month, period): (&str, Period),
    now: i64,
) -> Result<Vec<ShopSettlement>, sqlx::Error> {
    let mut conn = db.reader().acquire().await?;
    let mut out = Vec::with_capacity(shops.len());
    for (shop, region_name, payer) in shops {
        let s = statement(
            &mut conn,
            calendar,
            shop,
            region_name,
            (month, period),
            payer,
            now,
        );
        out.push(s.await?);
    }
    Ok(out)
}
