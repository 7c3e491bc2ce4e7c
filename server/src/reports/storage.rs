//! The overview's SQL: every figure is aggregated in the database, in one query per table,
//! whatever the size of the region.
//!
//! Each query starts from `scope`: the villages of the region, each with the child region it
//! is counted under (`child`: a county's township, else the village itself), found through
//! `regions.parent_code` (indexed equality, no `LIKE` prefix scans). From there it reaches the
//! villagers' accounts (`ledger_accounts (region_code, kind)`), their transfers (by account),
//! claims and orders (by village) and people (by village) through indexes (migration 0019).

use jifen_shared::regions::RegionLevel;
use jifen_shared::reports::{RecyclingFigures, RuleFigures};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use crate::calendar::Period;

/// The `WITH scope AS (…)` clause for a region of `level`, code `$1`.
fn scope(level: RegionLevel) -> &'static str {
    match level {
        RegionLevel::County => {
            "WITH scope AS (SELECT v.code AS village, t.code AS child FROM regions t \
             JOIN regions v ON v.parent_code = t.code AND v.level = 'village' \
             WHERE t.parent_code = $1 AND t.level = 'township')"
        }
        RegionLevel::Township => {
            "WITH scope AS (SELECT code AS village, code AS child FROM regions \
             WHERE parent_code = $1 AND level = 'village')"
        }
        _ => {
            "WITH scope AS (SELECT code AS village, code AS child FROM regions \
             WHERE code = $1 AND level = 'village')"
        }
    }
}

/// The query `sql` bound to the region's code (`$1`) and the period (`$2`, `$3`).
fn scoped<'q>(
    sql: &'q str,
    code: &'q str,
    period: Period,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    sqlx::query(sql)
        .bind(code)
        .bind(period.start)
        .bind(period.end)
}

/// The BIGINT columns `names` of `row`, in that order.
fn counts<const N: usize>(row: &AnyRow, names: [&str; N]) -> Result<[i64; N], sqlx::Error> {
    let mut out = [0; N];
    for (value, name) in out.iter_mut().zip(names) {
        *value = row.try_get(name)?;
    }
    Ok(out)
}

/// Points figures of one child region (see [`jifen_shared::reports::PointsFigures`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChildPoints {
    pub issued: i64,
    pub deducted: i64,
    pub spent: i64,
    pub outstanding: i64,
    pub earners: i64,
    pub villagers: i64,
}

/// The points of the villagers of each child region: `(child code, figures)`, only children
/// with villagers or accounts.
pub async fn points_by_child(
    db: &AnyPool,
    level: RegionLevel,
    code: &str,
    period: Period,
) -> Result<Vec<(String, ChildPoints)>, sqlx::Error> {
    // Posted movements of the villagers' accounts up to the period's end, seen from the
    // villager's side (+ credited, - debited), with the kind of the other account.
    let sql = format!(
        "{scope}, acc AS (SELECT a.id, s.child FROM scope s \
           JOIN ledger_accounts a ON a.region_code = s.village AND a.kind = 'villager'), \
         m AS ( \
           SELECT acc.child, acc.id AS account_id, t.amount AS amount, t.created_at, o.kind AS other \
           FROM acc JOIN ledger_transfers t ON t.credit_account_id = acc.id \
           JOIN ledger_accounts o ON o.id = t.debit_account_id \
           WHERE t.phase IN ('single', 'post') AND t.created_at < $3 \
           UNION ALL \
           SELECT acc.child, acc.id, -t.amount, t.created_at, o.kind \
           FROM acc JOIN ledger_transfers t ON t.debit_account_id = acc.id \
           JOIN ledger_accounts o ON o.id = t.credit_account_id \
           WHERE t.phase IN ('single', 'post') AND t.created_at < $3) \
         SELECT child, \
           CAST(COALESCE(SUM(CASE WHEN amount > 0 AND other IN ('issuance', 'service_budget') \
             AND created_at >= $2 THEN amount ELSE 0 END), 0) AS BIGINT) AS issued, \
           CAST(COALESCE(SUM(CASE WHEN amount < 0 AND other IN ('issuance', 'service_budget') \
             AND created_at >= $2 THEN -amount ELSE 0 END), 0) AS BIGINT) AS deducted, \
           CAST(COALESCE(SUM(CASE WHEN amount < 0 AND other = 'shop' \
             AND created_at >= $2 THEN -amount ELSE 0 END), 0) AS BIGINT) AS spent, \
           CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS outstanding, \
           CAST(COUNT(DISTINCT CASE WHEN amount > 0 AND other IN ('issuance', 'service_budget') \
             AND created_at >= $2 THEN account_id END) AS BIGINT) AS earners \
         FROM m GROUP BY child",
        scope = scope(level)
    );
    let rows = scoped(&sql, code, period).fetch_all(db).await?;
    let mut out: Vec<(String, ChildPoints)> = Vec::with_capacity(rows.len());
    for r in &rows {
        out.push((
            r.try_get("child")?,
            ChildPoints {
                issued: r.try_get("issued")?,
                deducted: r.try_get("deducted")?,
                spent: r.try_get("spent")?,
                outstanding: r.try_get("outstanding")?,
                earners: r.try_get("earners")?,
                villagers: 0,
            },
        ));
    }
    let sql = format!(
        "{scope} SELECT s.child, CAST(COUNT(p.id) AS BIGINT) AS villagers FROM scope s \
         JOIN people p ON p.village_code = s.village GROUP BY s.child",
        scope = scope(level)
    );
    for r in sqlx::query(&sql).bind(code).fetch_all(db).await? {
        let child: String = r.try_get("child")?;
        let villagers = r.try_get("villagers")?;
        match out.iter_mut().find(|(c, _)| *c == child) {
            Some((_, p)) => p.villagers = villagers,
            None => out.push((
                child,
                ChildPoints {
                    villagers,
                    ..ChildPoints::default()
                },
            )),
        }
    }
    Ok(out)
}

/// `[pending now, submitted, approved, rejected, decided, review milliseconds summed]` of the
/// claims of the region's villagers.
pub async fn claims(
    db: &AnyPool,
    level: RegionLevel,
    code: &str,
    period: Period,
) -> Result<[i64; 6], sqlx::Error> {
    let decided = "c.status <> 'pending' AND c.reviewed_at >= $2 AND c.reviewed_at < $3";
    let sql = format!(
        "{scope} SELECT \
           CAST(COALESCE(SUM(CASE WHEN c.status = 'pending' THEN 1 ELSE 0 END), 0) AS BIGINT) AS pending, \
           CAST(COALESCE(SUM(CASE WHEN c.created_at >= $2 AND c.created_at < $3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS submitted, \
           CAST(COALESCE(SUM(CASE WHEN {decided} AND c.status = 'approved' THEN 1 ELSE 0 END), 0) AS BIGINT) AS approved, \
           CAST(COALESCE(SUM(CASE WHEN {decided} AND c.status = 'rejected' THEN 1 ELSE 0 END), 0) AS BIGINT) AS rejected, \
           CAST(COALESCE(SUM(CASE WHEN {decided} THEN 1 ELSE 0 END), 0) AS BIGINT) AS decided, \
           CAST(COALESCE(SUM(CASE WHEN {decided} THEN c.reviewed_at - c.created_at ELSE 0 END), 0) AS BIGINT) AS review_ms \
         FROM scope s JOIN point_claims c ON c.village_code = s.village",
        scope = scope(level)
    );
    let r = scoped(&sql, code, period).fetch_one(db).await?;
    counts(
        &r,
        [
            "pending",
            "submitted",
            "approved",
            "rejected",
            "decided",
            "review_ms",
        ],
    )
}

/// `[placed, open, claimed, completed, cancelled, SLA judged, within SLA]` of the orders of the
/// region's villages placed in the period (see [`jifen_shared::reports::OrderFigures`]).
pub async fn orders(
    db: &AnyPool,
    level: RegionLevel,
    code: &str,
    period: Period,
    sla_ms: i64,
    now: i64,
) -> Result<[i64; 7], sqlx::Error> {
    let sql = format!(
        "{scope}, f AS (SELECT o.status, o.created_at, \
           (SELECT MIN(e.created_at) FROM service_order_events e WHERE e.order_id = o.id \
             AND e.kind IN ('claimed', 'dispatched')) AS taken_at \
           FROM scope s JOIN service_orders o ON o.village_code = s.village \
           WHERE o.created_at >= $2 AND o.created_at < $3) \
         SELECT CAST(COUNT(*) AS BIGINT) AS placed, \
           CAST(COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) AS BIGINT) AS open, \
           CAST(COALESCE(SUM(CASE WHEN status = 'claimed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS claimed, \
           CAST(COALESCE(SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END), 0) AS BIGINT) AS completed, \
           CAST(COALESCE(SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), 0) AS BIGINT) AS cancelled, \
           CAST(COALESCE(SUM(CASE WHEN taken_at IS NOT NULL \
             OR (status = 'open' AND created_at + $4 <= $5) THEN 1 ELSE 0 END), 0) AS BIGINT) AS judged, \
           CAST(COALESCE(SUM(CASE WHEN taken_at IS NOT NULL AND taken_at <= created_at + $4 \
             THEN 1 ELSE 0 END), 0) AS BIGINT) AS within_sla \
         FROM f",
        scope = scope(level)
    );
    let r = scoped(&sql, code, period)
        .bind(sla_ms)
        .bind(now)
        .fetch_one(db)
        .await?;
    counts(
        &r,
        [
            "placed",
            "open",
            "claimed",
            "completed",
            "cancelled",
            "judged",
            "within_sla",
        ],
    )
}

/// `[good, neutral, bad, automatic, stars summed]` of the ratings given in the period to orders
/// of the region's villages, each order with its latest rating of the period.
pub async fn ratings(
    db: &AnyPool,
    level: RegionLevel,
    code: &str,
    period: Period,
) -> Result<[i64; 5], sqlx::Error> {
    let sql = format!(
        "{scope} SELECT \
           CAST(COALESCE(SUM(CASE WHEN r.stars >= 4 THEN 1 ELSE 0 END), 0) AS BIGINT) AS good, \
           CAST(COALESCE(SUM(CASE WHEN r.stars = 3 THEN 1 ELSE 0 END), 0) AS BIGINT) AS neutral, \
           CAST(COALESCE(SUM(CASE WHEN r.stars <= 2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS bad, \
           CAST(COALESCE(SUM(r.automatic), 0) AS BIGINT) AS automatic, \
           CAST(COALESCE(SUM(r.stars), 0) AS BIGINT) AS stars \
         FROM scope s JOIN service_orders o ON o.village_code = s.village \
         JOIN service_ratings r ON r.order_id = o.id \
         WHERE r.created_at >= $2 AND r.created_at < $3 \
         AND r.round = (SELECT MAX(x.round) FROM service_ratings x \
             WHERE x.order_id = r.order_id AND x.created_at < $3)",
        scope = scope(level)
    );
    let r = scoped(&sql, code, period).fetch_one(db).await?;
    counts(&r, ["good", "neutral", "bad", "automatic", "stars"])
}

/// Recyclables weighed in the period for people of the region's villages, by category,
/// heaviest first (categories named as they are named now).
pub async fn recycling(
    db: &AnyPool,
    level: RegionLevel,
    code: &str,
    period: Period,
) -> Result<Vec<RecyclingFigures>, sqlx::Error> {
    let sql = format!(
        "{scope} SELECT c.id, c.code, c.name, CAST(SUM(l.grams) AS BIGINT) AS grams, \
           CAST(SUM(l.points) AS BIGINT) AS points \
         FROM scope s JOIN people p ON p.village_code = s.village \
         JOIN recycling_dropoffs d ON d.person_id = p.id \
         JOIN recycling_lines l ON l.dropoff_id = d.id \
         JOIN recycling_categories c ON c.id = l.category_id \
         WHERE d.created_at >= $2 AND d.created_at < $3 \
         GROUP BY c.id, c.code, c.name ORDER BY grams DESC, c.id",
        scope = scope(level)
    );
    scoped(&sql, code, period)
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| {
            Ok(RecyclingFigures {
                category_id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                grams: r.try_get("grams")?,
                points: r.try_get("points")?,
            })
        })
        .collect()
}

/// The `limit` rules that earned villagers of the region most points in the period: claims
/// approved in it, and awards by rule made in it.
pub async fn top_rules(
    db: &AnyPool,
    level: RegionLevel,
    code: &str,
    period: Period,
    limit: i64,
) -> Result<Vec<RuleFigures>, sqlx::Error> {
    let sql = format!(
        "{scope}, x AS ( \
           SELECT c.rule_id, c.points FROM scope s JOIN point_claims c ON c.village_code = s.village \
           WHERE c.status = 'approved' AND c.reviewed_at >= $2 AND c.reviewed_at < $3 \
           UNION ALL \
           SELECT aw.rule_id, t.amount FROM point_awards aw \
           JOIN ledger_transfers t ON t.reference = 'award:' || CAST(aw.id AS TEXT) \
           JOIN ledger_accounts a ON a.id = t.credit_account_id AND a.kind = 'villager' \
           JOIN scope s ON s.village = a.region_code \
           WHERE aw.rule_id IS NOT NULL AND aw.points > 0 \
             AND aw.created_at >= $2 AND aw.created_at < $3) \
         SELECT r.id, r.code, r.name, CAST(SUM(x.points) AS BIGINT) AS points, \
           CAST(COUNT(*) AS BIGINT) AS n \
         FROM x JOIN point_rules r ON r.id = x.rule_id \
         GROUP BY r.id, r.code, r.name ORDER BY points DESC, r.id LIMIT $4",
        scope = scope(level)
    );
    scoped(&sql, code, period)
        .bind(limit)
        .fetch_all(db)
        .await?
        .iter()
        .map(|r| {
            Ok(RuleFigures {
                rule_id: r.try_get("id")?,
                code: r.try_get("code")?,
                name: r.try_get("name")?,
                points: r.try_get("points")?,
                count: r.try_get("n")?,
            })
        })
        .collect()
}
