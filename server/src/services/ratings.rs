//! Ratings (评单, 好差评), the volunteer's pay (买单), rectifications (整改) and the ratings
//! summary for the monthly report (定期通报).
//!
//! - The orderer rates a completed order once: 1–5 stars and a comment of at most 500
//!   characters; 4–5 is 好评, 3 中评, 1–2 差评. Rating again → 409 `already_rated` (the same
//!   stars and comment again answer the order: a retried tap); anyone else → 403.
//! - A completed order not rated within 7 days of completion counts as 中评: the background
//!   sweep records an automatic 3-star rating ([`auto_rate_due`]).
//! - The volunteer is paid the order's reward from the township's service budget account
//!   (kind `service_budget`) into their points account when a rating is 中评 or better
//!   (automatic included) — exactly once: the ledger transfer's key is `service:<id>:reward`,
//!   and the order records it.
//! - A 差评 opens a rectification for the order's village (one per order), due in 7 days; its
//!   admins ([`crate::policy::Action::ManageOrders`]) are told (the inbox,
//!   `rectification_opened`), record the follow-up and close it. After
//!   that the orderer may rate once more (round 2); a 中评 or better then pays the volunteer.
//! - The summary counts each order's latest rating and the rectifications, for a region and
//!   each region one level down; "closed in time" means closed by the due time.

use jifen_shared::auth::RoleGrant;
use jifen_shared::regions::{RegionCode, RegionLevel};
use jifen_shared::services::{
    CloseRectification, Grade, MAX_STARS, NewRating, Order, OrderStatus, RatingsSummary,
    Rectification, RegionRatings,
};

use super::orders::{self, rectification_view};
use super::storage::{self, OrderRow, RatingRow};
use super::{
    MAX_COMMENT_CHARS, MAX_TEXT_CHARS, RATING_WINDOW_MS, RECTIFICATION_DUE_MS, ServiceError,
};
use crate::auth::caller::Caller;
use crate::calendar::{Calendar, Period};
use crate::ledger::{self, AccountKind, NewTransfer};
use crate::policy::{self, Action};
use crate::storage::{Db, Tx};

/// Rates a completed order, by its orderer (see the module docs).
///
/// Errors: [`ServiceError::Invalid`] (stars, comment), [`ServiceError::NotFound`],
/// [`ServiceError::Forbidden`] (not the orderer), [`ServiceError::WrongStatus`] (not
/// completed), [`ServiceError::AlreadyRated`].
pub async fn rate(
    db: &Db,
    calendar: &crate::calendar::Calendar,
    caller: &Caller,
    id: i64,
    request: &NewRating,
    now: i64,
) -> Result<Order, ServiceError> {
    if !(1..=MAX_STARS).contains(&request.stars) {
        return Err(ServiceError::Invalid(format!(
            "stars: a whole number from 1 to {MAX_STARS}, not {}",
            request.stars
        )));
    }
    let comment = match request.comment.trim() {
        "" => String::new(),
        c => super::text("comment", c, MAX_COMMENT_CHARS)?,
    };
    let mut change = orders::Change::begin(db, caller, id).await?;
    // Whether the caller may see it at all (404 otherwise).
    change.view().await?;
    let tx = &mut change.tx;
    let row = storage::order_by_id(&mut **tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if row.orderer_id != caller.id {
        return Err(ServiceError::Forbidden(
            "only the villager who ordered rates the order".into(),
        ));
    }
    // Who served the order does not rate it for the villager (their reward hangs on it).
    if caller
        .proxy
        .as_ref()
        .is_some_and(|acting| row.volunteer_id == Some(acting.agent_id))
    {
        return Err(ServiceError::OwnProxy);
    }
    if row.status != OrderStatus::Completed {
        return Err(ServiceError::WrongStatus {
            id,
            status: row.status.as_str(),
            what: "only a completed order can be rated",
        });
    }
    let latest = storage::latest_rating(&mut **tx, id).await?;
    let rectified = storage::rectification_where(&mut **tx, "order_id", id)
        .await?
        .is_some_and(|r| r.status == "closed");
    let round = match &latest {
        None => 1,
        // The same rating again is a retried tap, also when the rectification closed meanwhile
        // (the villager's second rating is a different one).
        Some(r) if r.stars == request.stars && r.comment == comment && !r.automatic => {
            // A retried tap: the order as it is now.
            return change.view().await;
        }
        Some(r) if r.round == 1 && rectified => 2,
        Some(_) => return Err(ServiceError::AlreadyRated(id)),
    };
    let rating = RatingRow {
        round,
        stars: request.stars,
        comment,
        automatic: false,
        created_at: now,
    };
    if !storage::insert_rating(tx, id, &rating).await? {
        // Rated at the same moment by another request: the same rating is a retried tap.
        let now_latest = storage::latest_rating(&mut **tx, id).await?;
        return match now_latest {
            Some(r) if r.stars == rating.stars && r.comment == rating.comment && !r.automatic => {
                change.view().await
            }
            _ => Err(ServiceError::AlreadyRated(id)),
        };
    }
    settle_rating(tx, &row, &rating, Some(caller.id), now).await?;
    crate::proxy::record_if_acting(
        tx,
        calendar,
        caller,
        || crate::proxy::Done {
            kind: jifen_shared::proxy::ProxyActionKind::Rating,
            subject: super::orders::rating_subject(id, round),
            points: 0,
            summary: format!("{} {}★", row.type_name, rating.stars),
        },
        now,
    )
    .await?;
    change.commit().await
}

/// After a rating is stored: the timeline, then pay the volunteer (中评 or better, once) or
/// open a rectification (差评).
async fn settle_rating(
    tx: &mut Tx,
    row: &OrderRow,
    rating: &RatingRow,
    by: Option<i64>,
    now: i64,
) -> Result<(), ServiceError> {
    let kind = if rating.automatic {
        "auto_rated"
    } else {
        "rated"
    };
    storage::insert_event(tx, row.id, kind, by, &format!("{}★", rating.stars), now).await?;
    match Grade::of(rating.stars) {
        Grade::Good | Grade::Neutral => pay(tx, row, now).await,
        Grade::Bad => {
            let due = now + RECTIFICATION_DUE_MS;
            if storage::open_rectification(tx, row.id, &row.village_code, now, due).await? {
                storage::insert_event(tx, row.id, "rectification_opened", None, "", now).await?;
                tell_admins(tx, row, rating, now).await?;
            }
            Ok(())
        }
    }
}

/// Tells each admin of the order's village of the 差评 and the rectification it opened
/// (`rectification_opened`, about the rectification: they record the follow-up).
async fn tell_admins(
    tx: &mut Tx,
    row: &OrderRow,
    rating: &RatingRow,
    now: i64,
) -> Result<(), ServiceError> {
    let Some(rectification) = storage::rectification_where(&mut **tx, "order_id", row.id).await?
    else {
        return Ok(());
    };
    let comment = match rating.comment.as_str() {
        "" => String::new(),
        c => format!("：{}", crate::text::clip(c)),
    };
    let text = format!(
        "“{}”收到差评（{}星{comment}），请在7天内整改",
        row.type_name, rating.stars
    );
    let reference = format!("rectification:{}", rectification.id);
    let admins = crate::auth::storage::holders_in(
        tx,
        jifen_shared::auth::Role::VillageAdmin,
        &row.village_code,
    )
    .await?;
    for admin in admins {
        let kind = "rectification_opened";
        crate::inbox::notify(tx, admin, kind, &text, &reference, now).await?;
    }
    Ok(())
}

/// Pays the order's volunteer its reward from the township's service budget, once.
async fn pay(tx: &mut Tx, row: &OrderRow, now: i64) -> Result<(), ServiceError> {
    let Some(volunteer_id) = row.volunteer_id else {
        return Ok(());
    };
    if row.paid_transfer_id.is_some() {
        return Ok(());
    }
    let volunteer = crate::people::storage::find_many_in(tx, &[volunteer_id])
        .await?
        .pop()
        .ok_or(ServiceError::NotVillager)?;
    let village = volunteer.village().ok_or(ServiceError::NotVillager)?;
    let order_village = RegionCode::parse(&row.village_code).map_err(|_| ServiceError::NotFound)?;
    let township = order_village.parent().unwrap_or(order_village);
    let account = ledger::account(
        tx,
        AccountKind::Villager,
        village.as_str(),
        Some(volunteer_id),
    )
    .await?;
    let budget = ledger::account(tx, AccountKind::ServiceBudget, township.as_str(), None).await?;
    ledger::lock_accounts(tx, &mut vec![account]).await?;
    let (transfer, _) = ledger::transfer(
        tx,
        &NewTransfer {
            key: format!("service:{}:reward", row.id),
            debit_account_id: budget,
            credit_account_id: account,
            amount: row.reward_points,
            reason: "service_reward".into(),
            reference: Some(format!("order:{}", row.id)),
            actor_id: None,
        },
        false,
    )
    .await?;
    storage::set_paid(tx, row.id, transfer.id).await?;
    storage::insert_event(
        tx,
        row.id,
        "paid",
        None,
        &format!("{}", row.reward_points),
        now,
    )
    .await?;
    Ok(())
}

/// Rates as 中评 (3 stars, automatic) the completed orders left unrated for 7 days, paying
/// their volunteers (the background sweep); an order that fails is logged and skipped.
/// Answers how many.
pub async fn auto_rate_due(db: &Db, now: i64) -> Result<usize, ServiceError> {
    let mut rated = 0;
    for id in storage::unrated_since(db.reader(), now - RATING_WINDOW_MS, 200).await? {
        match auto_rate(db, id, now).await {
            Ok(true) => rated += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(order = id, error = %e, "an order could not be rated"),
        }
    }
    Ok(rated)
}

/// Rates order `id` as 中评 if it is still completed and unrated; whether it did.
async fn auto_rate(db: &Db, id: i64, now: i64) -> Result<bool, ServiceError> {
    let mut tx = db.begin_write().await?;
    let Some(row) = storage::order_by_id(&mut *tx, id).await? else {
        return Ok(false);
    };
    let rating = RatingRow {
        round: 1,
        stars: 3,
        comment: String::new(),
        automatic: true,
        created_at: now,
    };
    if row.status != OrderStatus::Completed || !storage::insert_rating(&mut tx, id, &rating).await?
    {
        return Ok(false);
    }
    settle_rating(&mut tx, &row, &rating, None, now).await?;
    tx.commit().await?;
    Ok(true)
}

/// The rectifications of the caller's regions ([`Action::ManageOrders`]), newest first;
/// `status` `open`, `closed` or all.
pub async fn rectifications(
    db: &Db,
    grants: &[RoleGrant],
    status: Option<&str>,
) -> Result<Vec<Rectification>, ServiceError> {
    let mut all = Vec::new();
    for region in policy::regions_where(grants, Action::ManageOrders) {
        all.extend(storage::rectifications_under(db.reader(), region.as_str(), status).await?);
    }
    all.sort_by_key(|r| std::cmp::Reverse(r.id));
    all.dedup_by_key(|r| r.id);
    Ok(all.into_iter().map(rectification_view).collect())
}

/// Closes a rectification with the follow-up, by an admin of its village; audited as
/// `rectification.close`. Closing again with the same follow-up answers it as it is.
///
/// Errors: [`ServiceError::Invalid`] (follow-up), [`ServiceError::NoSuchRectification`]
/// (also outside the caller's regions), [`ServiceError::WrongStatus`] (closed otherwise).
pub async fn close_rectification(
    db: &Db,
    person_id: i64,
    grants: &[RoleGrant],
    id: i64,
    request: &CloseRectification,
    now: i64,
) -> Result<Rectification, ServiceError> {
    let follow_up = super::text("follow_up", &request.follow_up, MAX_TEXT_CHARS)?;
    let mut tx = db.begin_write().await?;
    let r = storage::rectification_where(&mut *tx, "id", id)
        .await?
        .ok_or(ServiceError::NoSuchRectification)?;
    let village =
        RegionCode::parse(&r.village_code).map_err(|_| ServiceError::NoSuchRectification)?;
    if !policy::may(grants, Action::ManageOrders, &village) {
        return Err(ServiceError::NoSuchRectification);
    }
    if !storage::close_rectification(&mut tx, id, &follow_up, person_id, now).await? {
        if r.follow_up.as_deref() == Some(follow_up.as_str()) {
            return Ok(rectification_view(r));
        }
        return Err(ServiceError::WrongStatus {
            id: r.order_id,
            status: "rectified",
            what: "its rectification was already closed",
        });
    }
    storage::insert_event(
        &mut tx,
        r.order_id,
        "rectification_closed",
        Some(person_id),
        &follow_up,
        now,
    )
    .await?;
    let record = crate::audit::Record {
        actor_id: Some(person_id),
        action: "rectification.close",
        region: &village,
        target: format!("rectification:{id}"),
        before: Some(serde_json::json!({"status": "open"})),
        after: Some(serde_json::json!({"status": "closed", "follow_up": follow_up})),
    };
    crate::audit::record(&mut tx, record, now).await?;
    let closed = storage::rectification_where(&mut *tx, "id", id)
        .await?
        .ok_or(ServiceError::NoSuchRectification)?;
    tx.commit().await?;
    Ok(rectification_view(closed))
}

/// `x` to two decimals (average stars, shares of the summary).
pub(crate) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

async fn region_ratings(
    db: &Db,
    code: &str,
    name: String,
    period: Period,
) -> Result<RegionRatings, sqlx::Error> {
    let [good, neutral, bad, stars, open, closed, in_time] =
        storage::rating_counts(db.reader(), code, period).await?;
    let rated = good + neutral + bad;
    Ok(RegionRatings {
        region_code: code.to_owned(),
        region_name: name,
        good,
        neutral,
        bad,
        average_stars: (rated > 0).then(|| round2(stars as f64 / rated as f64)),
        open_rectifications: open,
        closed_rectifications: closed,
        closed_in_time_share: (closed > 0).then(|| round2(in_time as f64 / closed as f64)),
    })
}

/// The ratings summary of `region` (a county, township or village the caller manages) and of
/// each region one level down: of all time, or of a county month (`YYYY-MM`: the ratings
/// given and the rectifications opened in it — the monthly report, 定期通报).
///
/// Errors: [`ServiceError::Invalid`] (not such a region, a bad month),
/// [`ServiceError::Forbidden`].
pub async fn summary(
    db: &Db,
    calendar: &Calendar,
    grants: &[RoleGrant],
    region: &RegionCode,
    month: Option<&str>,
) -> Result<RatingsSummary, ServiceError> {
    let period = match month {
        Some(m) => calendar
            .parse_month(m)
            .ok_or_else(|| ServiceError::Invalid("month: YYYY-MM, e.g. 2026-11".into()))?,
        None => Period {
            start: i64::MIN,
            end: i64::MAX,
        },
    };
    if !matches!(
        region.level(),
        RegionLevel::County | RegionLevel::Township | RegionLevel::Village
    ) {
        return Err(ServiceError::Invalid(
            "region_code: a county, township or village".into(),
        ));
    }
    if !policy::may(grants, Action::ManageOrders, region) {
        return Err(ServiceError::Forbidden(format!(
            "you are not an admin of {region}"
        )));
    }
    let row = crate::regions::storage::find(db, region.as_str())
        .await?
        .ok_or_else(|| ServiceError::Invalid(format!("region_code: {region} is not loaded")))?;
    let total = region_ratings(db, region.as_str(), row.name, period).await?;
    let mut regions = Vec::new();
    if region.level() != RegionLevel::Village {
        for child in crate::regions::storage::children(db, region.as_str()).await? {
            regions.push(region_ratings(db, &child.code, child.name, period).await?);
        }
    }
    Ok(RatingsSummary {
        month: month.map(str::to_owned),
        total,
        regions,
    })
}
