//! The history-depth run (issue "Fast at any history"): the same reads on one village whose
//! villagers hold few transfers, then many — the depth a village reaches in a few years —
//! seeded straight into the database (not through HTTP: a million transfers would take the
//! server hours). A read whose answer has a bounded size should cost the same at both depths:
//! the figure is the ratio of the two p50s (target ≤ 1.5).
//!
//! Each depth gets a fresh database: `jifen seed-demo` of one village, then per villager
//! `depth` single-phase transfers from the township's issuance account spread over the past
//! three years, with what the ledger keeps beside them ([`jifen_server::ledger::figures`]: the
//! earnings, and the monthly and yearly totals recounted from them) and the accounts' cached sums, as the ledger
//! itself would have written them; then `jifen serve` and the reads at
//! [`crate::Shape::read_clients`].

use std::collections::BTreeMap;
use std::time::Duration;

use jifen_server::calendar::Calendar;
use jifen_server::storage::{Db, now_ms};
use sqlx::Row;

use crate::load::{self, Measured, Workload};
use crate::server::{Database, Server};
use crate::{Paths, Shape, step};

/// The reads measured at each depth: the board (movements and rankings of the village's
/// history) and, for comparison, `GET /me` (history-free).
pub const READS: [Workload; 2] = [Workload::Board, Workload::Me];

/// Transfers per villager: few, many.
pub fn depths(shape: &Shape) -> [usize; 2] {
    if shape.smoke { [10, 50] } else { [10, 1_000] }
}

/// Villagers of the village.
fn villagers(shape: &Shape) -> u32 {
    if shape.smoke { 4 } else { 1_000 }
}

/// One database's history-depth figures.
#[derive(Debug, Clone, Default)]
pub struct Depth {
    pub name: &'static str,
    pub villagers: usize,
    /// Seconds the many were seeded in.
    pub seed_seconds: f64,
    /// (read, at few, at many).
    pub reads: Vec<(Workload, Measured, Measured)>,
}

impl Depth {
    /// The p50 at many over the p50 at few.
    pub fn ratio(few: &Measured, many: &Measured) -> f64 {
        many.p50 / few.p50.max(f64::EPSILON)
    }
}

/// The run on one database (SQLite, or PostgreSQL at `postgres`).
pub async fn run(
    shape: &Shape,
    paths: &Paths<'_>,
    postgres: Option<&str>,
) -> anyhow::Result<Depth> {
    let name = if postgres.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let depths = depths(shape);
    let mut out = Depth {
        name,
        ..Depth::default()
    };
    let mut measured: Vec<Vec<Measured>> = Vec::new();
    for depth in depths {
        let database = Database::create(postgres, "depth").await?;
        let per_village = villagers(shape).to_string();
        let args = [
            "seed-demo",
            "--villages",
            "1",
            "--villagers-per-village",
            &per_village,
        ];
        step(&format!(
            "{name}: history depth {depth}: jifen {}",
            args.join(" ")
        ));
        database.run(paths.jifen, paths.web_dir, &args).await?;
        let started = std::time::Instant::now();
        out.villagers = seed_history(&database.url, depth).await?;
        out.seed_seconds = started.elapsed().as_secs_f64();
        let server = Server::start(&database, paths.jifen, paths.web_dir).await?;
        let actors = crate::setup::actors(
            &database.url,
            database.data_dir.path(),
            &server.url,
            shape.read_clients,
        )
        .await?;
        let mut at_depth = Vec::new();
        for workload in READS {
            step(&format!(
                "{name}: history depth {depth}: {} at {} clients",
                workload.label(),
                shape.read_clients
            ));
            at_depth.push(
                load::attack(
                    &server.url,
                    &actors,
                    workload,
                    shape.read_clients,
                    shape.load_time,
                )
                .await?,
            );
        }
        measured.push(at_depth);
        server.stop().await;
        database.drop_database().await?;
    }
    out.reads = READS
        .iter()
        .enumerate()
        .map(|(i, w)| (*w, measured[0][i].clone(), measured[1][i].clone()))
        .collect();
    Ok(out)
}

/// Rows per multi-row insert.
const BATCH: usize = 500;

/// Gives every villager of the database `depth` transfers from their township's issuance
/// account, one to five points each, spread over the three years before now; answers how many
/// villagers. One transaction.
async fn seed_history(url: &str, depth: usize) -> anyhow::Result<usize> {
    let db = Db::connect(url, Duration::from_secs(10)).await?;
    let mut tx = db.begin_write().await?;
    let people: Vec<(i64, String)> = sqlx::query(
        "SELECT p.id, p.village_code FROM people p \
         JOIN role_assignments r ON r.person_id = p.id AND r.role = 'villager' \
         WHERE p.village_code IS NOT NULL ORDER BY p.id",
    )
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("village_code")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    anyhow::ensure!(!people.is_empty(), "no villagers: seed-demo first");
    // (account, villager, village), the accounts opened as on a first movement.
    let mut villagers = Vec::with_capacity(people.len());
    for (person, village) in people {
        let account = jifen_server::ledger::account(
            &mut tx,
            jifen_server::ledger::AccountKind::Villager,
            &village,
            Some(person),
        )
        .await?;
        villagers.push((account, person, village));
    }
    let township = villagers[0].2[..9].to_owned();
    let issuance = jifen_server::ledger::account(
        &mut tx,
        jifen_server::ledger::AccountKind::Issuance,
        &township,
        None,
    )
    .await?;
    let now = now_ms();
    let span: i64 = 3 * 365 * 24 * 3_600_000;
    // Per villager: earned in total.
    let mut earned: BTreeMap<i64, i64> = BTreeMap::new();
    let rows: Vec<(i64, i64, String, i64, i64, usize)> = villagers
        .iter()
        .flat_map(|(account, person, village)| {
            (0..depth).map(move |i| {
                let points = 1 + ((*person as usize + i) % 5) as i64;
                let at = now - span + span * i as i64 / depth as i64 + *person % 1000;
                (*account, *person, village.clone(), points, at, i)
            })
        })
        .collect();
    for chunk in rows.chunks(BATCH) {
        let mut sql = String::from(
            "INSERT INTO ledger_transfers (transfer_key, debit_account_id, credit_account_id, \
             amount, phase, reason, created_at) VALUES ",
        );
        for (n, _) in chunk.iter().enumerate() {
            let b = n * 5;
            if n > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, 'single', 'award', ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            ));
        }
        // Matched back by key: the order of RETURNING's rows is not promised.
        sql.push_str(" RETURNING id, transfer_key");
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        for (account, person, _, points, at, i) in chunk {
            query = query
                .bind(format!("depth:{person}:{i}"))
                .bind(issuance)
                .bind(*account)
                .bind(*points)
                .bind(*at);
        }
        let ids: std::collections::HashMap<String, i64> = query
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|(id, key)| (key, id))
            .collect();
        let mut sql = String::from(
            "INSERT INTO ledger_earnings (transfer_id, person_id, village_code, points) VALUES ",
        );
        for n in 0..chunk.len() {
            let b = n * 4;
            if n > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("(${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4));
        }
        let mut query = sqlx::query(&sql);
        for (_, person, village, points, _, i) in chunk {
            let id = ids[&format!("depth:{person}:{i}")];
            query = query.bind(id).bind(*person).bind(village).bind(*points);
            *earned.entry(*person).or_default() += points;
        }
        query.execute(&mut *tx).await?;
    }
    jifen_server::ledger::figures::recount(&mut tx, Calendar::county()).await?;
    let mut issued = 0;
    for (account, person, _) in &villagers {
        let points = earned.get(person).copied().unwrap_or_default();
        issued += points;
        sqlx::query(
            "UPDATE ledger_accounts SET credits_posted = credits_posted + $2 WHERE id = $1",
        )
        .bind(account)
        .bind(points)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE ledger_accounts SET debits_posted = debits_posted + $2 WHERE id = $1")
        .bind(issuance)
        .bind(issued)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    // PostgreSQL's planner learns of the new rows as its autovacuum would in production.
    if db.backend() == jifen_server::storage::Backend::Postgres {
        sqlx::query("ANALYZE").execute(db.writer()).await?;
    }
    db.close().await;
    Ok(villagers.len())
}
