//! The officials' overview (数据概览, part of the issue "Reports"): what a county, township or
//! village admin reads about their region over county days `from` to `to` — points issued,
//! spent and outstanding, participation, claims and how fast they are reviewed, service orders
//! and their SLA, ratings, recycling and the rules that earn most — with the same points
//! figures for each region one level down, as JSON or one CSV per table.
//!
//! Decisions (write them down, DESIGN.md says):
//! - A villager's points belong to the region of their ledger account (their village when the
//!   account was opened); claims, orders and ratings to the village they were made in;
//!   recycling and the villager count to the village the person is registered in now.
//! - Issued: posted credits to villagers' accounts from the townships' issuance and service
//!   budget accounts (approved claims, awards, recycling, service rewards); deductions back to
//!   issuance are reported apart (`deducted`), not netted. Spent: redemptions handed over (the
//!   posting of the reservation, at hand-over time). Outstanding: the posted balances of the
//!   villagers at the end of `to`, computed from the transfers (a reservation not yet handed
//!   over still counts as held, as on the villager's own balance).
//! - Participation: villagers issued points in the period / people registered in the region's
//!   villages now.
//! - SLA: an order placed in the period is judged once a volunteer took it (claimed or
//!   dispatched) or once its SLA passed while still open; taken within `JIFEN_SERVICE_SLA_HOURS`
//!   of being placed counts as within. Orders cancelled before anyone took them are not judged.
//! - The period: `from` and `to` are county dates, both included; by default the 30 county days
//!   up to today. `from` after `to`, more than [`MAX_DAYS`] days, or a malformed date → 400
//!   `invalid_input`.
//!
//! Who: admins of the region or above ([`crate::policy::Action::ReadReports`]); anyone else 403,
//! an unknown region (to an admin above it) 404.

pub mod routes;
pub mod storage;

use crate::error::DomainError;
use jifen_shared::ErrorCode;
use jifen_shared::auth::RoleGrant;
use jifen_shared::regions::{RegionCode, RegionLevel};
use jifen_shared::reports::{
    ClaimFigures, MAX_DAYS, OrderFigures, Overview, PointsFigures, RatingFigures, RegionFigures,
    share,
};

use crate::calendar::{Calendar, parse_date};
use crate::policy::{self, Action};
use crate::storage::{Db, rfc3339};

/// The most rules the overview lists.
pub const TOP_RULES: i64 = 10;

/// Why there is no overview.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{0}")]
    Invalid(String),
    #[error("you are not an admin of {0}")]
    Forbidden(String),
    #[error("no region {0}")]
    NoSuchRegion(String),
    #[error(transparent)]
    Storage(#[from] sqlx::Error),
}

impl DomainError for ReportError {
    fn code(&self) -> ErrorCode {
        match self {
            ReportError::Invalid(_) => ErrorCode::InvalidInput,
            ReportError::Forbidden(_) => ErrorCode::Forbidden,
            ReportError::NoSuchRegion(_) => ErrorCode::NotFound,
            ReportError::Storage(_) => ErrorCode::Internal,
        }
    }

    fn wrapped(&self) -> Option<&dyn DomainError> {
        match self {
            ReportError::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// What the overview is asked for (the query string, unparsed).
#[derive(Debug, Clone, Default)]
pub struct Ask<'a> {
    pub region_code: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

fn invalid(message: impl Into<String>) -> ReportError {
    ReportError::Invalid(message.into())
}

/// The overview of a region for its admins (see the module docs); `sla_hours` is
/// `JIFEN_SERVICE_SLA_HOURS`, `now` the time of the request.
///
/// Errors: [`ReportError::Invalid`] (region code, not a county, township or village, dates),
/// [`ReportError::Forbidden`], [`ReportError::NoSuchRegion`].
pub async fn overview(
    db: &Db,
    calendar: &Calendar,
    grants: &[RoleGrant],
    ask: &Ask<'_>,
    sla_hours: u32,
    now: i64,
) -> Result<Overview, ReportError> {
    let region = RegionCode::parse(ask.region_code)
        .map_err(|_| invalid("region_code: a county, township or village code"))?;
    let level = region.level();
    if !matches!(
        level,
        RegionLevel::County | RegionLevel::Township | RegionLevel::Village
    ) {
        return Err(invalid("region_code: a county, township or village"));
    }
    let date = |name: &str, raw: Option<&str>| match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse_date(s)
            .map(Some)
            .ok_or_else(|| invalid(format!("{name}: a date YYYY-MM-DD, e.g. 2026-11-01"))),
    };
    let to = date("to", ask.to)?.unwrap_or_else(|| calendar.date(now));
    let from = match date("from", ask.from)? {
        Some(from) => from,
        None => to
            .checked_sub(jiff::Span::new().days(29))
            .map_err(|_| invalid("to: a date YYYY-MM-DD"))?,
    };
    if from > to {
        return Err(invalid("from: on or before to"));
    }
    let days = from
        .until(to)
        .map_err(|_| invalid("from, to: dates YYYY-MM-DD"))?
        .get_days() as i64
        + 1;
    if days > MAX_DAYS {
        return Err(invalid(format!(
            "from, to: at most {MAX_DAYS} days, not {days}"
        )));
    }
    if !policy::may(grants, Action::ReadReports, &region) {
        return Err(ReportError::Forbidden(region.to_string()));
    }
    let row = crate::regions::storage::find(db, region.as_str())
        .await?
        .filter(|r| r.level == level)
        .ok_or_else(|| ReportError::NoSuchRegion(region.to_string()))?;
    let period = calendar.days(from, to);
    let pool = db.reader();
    let code = region.as_str();

    let by_child = storage::points_by_child(pool, level, code, period).await?;
    let mut total = storage::ChildPoints::default();
    for (_, p) in &by_child {
        total.issued += p.issued;
        total.deducted += p.deducted;
        total.spent += p.spent;
        total.outstanding += p.outstanding;
        total.earners += p.earners;
        total.villagers += p.villagers;
    }
    let mut regions = Vec::new();
    if level != RegionLevel::Village {
        for child in crate::regions::storage::children(db, code).await? {
            let wanted = match level {
                RegionLevel::County => RegionLevel::Township,
                _ => RegionLevel::Village,
            };
            if child.level != wanted {
                continue;
            }
            let p = by_child
                .iter()
                .find(|(c, _)| *c == child.code)
                .map(|(_, p)| p.clone())
                .unwrap_or_default();
            regions.push(RegionFigures {
                region_code: child.code,
                region_name: child.name,
                issued: p.issued,
                deducted: p.deducted,
                spent: p.spent,
                outstanding: p.outstanding,
                villagers: p.villagers,
                earners: p.earners,
                participation: share(p.earners, p.villagers),
            });
        }
    }

    let [pending, submitted, approved, rejected, decided, review_ms] =
        storage::claims(pool, level, code, period).await?;
    let sla_ms = i64::from(sla_hours) * 3_600_000;
    let [placed, open, claimed, completed, cancelled, judged, within] =
        storage::orders(pool, level, code, period, sla_ms, now).await?;
    let [good, neutral, bad, automatic, stars] =
        storage::ratings(pool, level, code, period).await?;
    let rated = good + neutral + bad;
    Ok(Overview {
        region_code: row.code,
        region_name: row.name,
        level: level.as_str().to_owned(),
        from: from.to_string(),
        to: to.to_string(),
        period_start: rfc3339(period.start),
        period_end: rfc3339(period.end),
        points: PointsFigures {
            issued: total.issued,
            deducted: total.deducted,
            spent: total.spent,
            outstanding: total.outstanding,
            villagers: total.villagers,
            earners: total.earners,
            participation: share(total.earners, total.villagers),
        },
        claims: ClaimFigures {
            pending,
            submitted,
            approved,
            rejected,
            average_review_ms: (decided > 0).then(|| review_ms / decided),
        },
        orders: OrderFigures {
            placed,
            open,
            claimed,
            completed,
            cancelled,
            sla_hours: i64::from(sla_hours),
            sla_judged: judged,
            within_sla: within,
            within_sla_share: share(within, judged),
        },
        ratings: RatingFigures {
            good,
            neutral,
            bad,
            automatic,
            average_stars: (rated > 0)
                .then(|| crate::services::ratings::round2(stars as f64 / rated as f64)),
        },
        recycling: storage::recycling(pool, level, code, period).await?,
        rules: storage::top_rules(pool, level, code, period, TOP_RULES).await?,
        regions,
    })
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// Grams as kilograms with three decimals (`1250` → `1.250`).
fn kg(grams: i64) -> String {
    format!("{}.{:03}", grams / 1000, grams % 1000)
}

/// One table of the overview as CSV ([`crate::csv_output`]: a byte-order mark, text cells
/// inert), headers zh-CN first; `table` one of [`jifen_shared::reports::TABLES`] (`None` for
/// another name). Every table starts with the region and the period.
pub fn to_csv(o: &Overview, table: &str) -> Option<Result<Vec<u8>, csv::Error>> {
    use crate::csv_output::inert;
    let head = |extra: &[&str]| -> Vec<String> {
        ["区划代码 Region code", "区划 Region", "起 From", "止 To"]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect()
    };
    let lead = || {
        vec![
            o.region_code.clone(),
            inert(&o.region_name),
            o.from.clone(),
            o.to.clone(),
        ]
    };
    let points_head = [
        "发放积分 Issued",
        "扣减积分 Deducted",
        "兑换积分 Spent",
        "结余积分 Outstanding",
        "村民数 Villagers",
        "获分人数 Earners",
        "参与率 Participation",
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let header = match table {
        "points" => {
            let p = &o.points;
            let mut r = lead();
            r.extend(
                [
                    p.issued,
                    p.deducted,
                    p.spent,
                    p.outstanding,
                    p.villagers,
                    p.earners,
                ]
                .map(|n| n.to_string()),
            );
            r.push(opt(p.participation));
            rows.push(r);
            head(&points_head)
        }
        "regions" => {
            for c in &o.regions {
                let mut r = lead();
                r.extend([c.region_code.clone(), inert(&c.region_name)]);
                r.extend(
                    [
                        c.issued,
                        c.deducted,
                        c.spent,
                        c.outstanding,
                        c.villagers,
                        c.earners,
                    ]
                    .map(|n| n.to_string()),
                );
                r.push(opt(c.participation));
                rows.push(r);
            }
            let mut h = vec!["下级区划代码 Child code", "下级区划 Child region"];
            h.extend(points_head);
            head(&h)
        }
        "claims" => {
            let c = &o.claims;
            let mut r = lead();
            r.extend([c.pending, c.submitted, c.approved, c.rejected].map(|n| n.to_string()));
            r.push(opt(c.average_review_ms));
            rows.push(r);
            head(&[
                "待审核 Pending now",
                "新申报 Submitted",
                "已通过 Approved",
                "已驳回 Rejected",
                "平均审核用时（毫秒）Average review (ms)",
            ])
        }
        "orders" => {
            let s = &o.orders;
            let mut r = lead();
            r.extend(
                [
                    s.placed,
                    s.open,
                    s.claimed,
                    s.completed,
                    s.cancelled,
                    s.sla_hours,
                    s.sla_judged,
                    s.within_sla,
                ]
                .map(|n| n.to_string()),
            );
            r.push(opt(s.within_sla_share));
            rows.push(r);
            head(&[
                "下单 Placed",
                "待接单 Open",
                "服务中 Claimed",
                "已完成 Completed",
                "已取消 Cancelled",
                "时限（小时）SLA (hours)",
                "计入时限 Judged",
                "按时接单 Within SLA",
                "按时接单率 Within SLA share",
            ])
        }
        "ratings" => {
            let g = &o.ratings;
            let mut r = lead();
            r.extend([g.good, g.neutral, g.bad, g.automatic].map(|n| n.to_string()));
            r.push(opt(g.average_stars));
            rows.push(r);
            head(&[
                "好评 Good",
                "中评 Neutral",
                "差评 Bad",
                "默认中评 Automatic",
                "平均星级 Average stars",
            ])
        }
        "recycling" => {
            for c in &o.recycling {
                let mut r = lead();
                r.extend([
                    inert(&c.code),
                    inert(&c.name),
                    c.grams.to_string(),
                    kg(c.grams),
                    c.points.to_string(),
                ]);
                rows.push(r);
            }
            head(&[
                "品类代码 Category code",
                "品类 Category",
                "重量（克）Grams",
                "重量（千克）Kilograms",
                "积分 Points",
            ])
        }
        "rules" => {
            for rule in &o.rules {
                let mut r = lead();
                r.extend([
                    inert(&rule.code),
                    inert(&rule.name),
                    rule.points.to_string(),
                    rule.count.to_string(),
                ]);
                rows.push(r);
            }
            head(&[
                "事项代码 Rule code",
                "积分事项 Rule",
                "积分 Points",
                "次数 Count",
            ])
        }
        _ => return None,
    };
    let write = || {
        let mut w = crate::csv_output::writer();
        w.write_record(&header)?;
        for r in &rows {
            w.write_record(r)?;
        }
        crate::csv_output::finish(w)
    };
    Some(write())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kilograms_have_three_decimals() {
        assert_eq!(kg(1250), "1.250");
        assert_eq!(kg(5), "0.005");
        assert_eq!(kg(12_000), "12.000");
    }
}
