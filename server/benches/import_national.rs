//! Loads the whole country's NBS division files (../shared/data/divisions: 41,352 townships
//! and 620,573 villages) into a fresh database and times it, on SQLite and — when
//! `JIFEN_TEST_POSTGRES_URL` is set — on PostgreSQL; then times region look-ups on top.
//!
//! `cargo bench -p jifen-server --bench import_national` (release build). Results are noted in
//! docs/benchmarks.md; nothing here is asserted on time.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestDb};
use jifen_server::regions::{self, import};
use jifen_server::storage::Db;
use jifen_shared::regions::RegionCode;

#[tokio::main]
async fn main() {
    let Some(dir) = common::national_data_dir() else {
        return;
    };
    let files = [
        "provinces.csv",
        "cities.csv",
        "areas.csv",
        "streets.csv.gz",
        "villages.csv.gz",
    ];
    let data: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|f| (*f, std::fs::read(dir.join(f)).expect("read")))
        .collect();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(test_db) = TestDb::new(backend).await else {
            continue;
        };
        let db = Db::connect(&test_db.url, Duration::from_secs(10))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let started = Instant::now();
        let mut rows = 0;
        for (name, bytes) in &data {
            let t = Instant::now();
            let report = import::import(&db, bytes).await.unwrap();
            assert!(
                report.errors.is_empty(),
                "{name}: {:?}",
                &report.errors[..1]
            );
            rows += report.inserted;
            println!(
                "{backend:?}: {name}: {} rows inserted in {:.2} s",
                report.inserted,
                t.elapsed().as_secs_f64()
            );
        }
        println!(
            "{backend:?}: national import: {rows} rows in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        let t = Instant::now();
        let mut again = 0;
        for (_, bytes) in &data {
            again += import::import(&db, bytes).await.unwrap().unchanged;
        }
        println!(
            "{backend:?}: re-import (all unchanged: {again}) in {:.2} s",
            t.elapsed().as_secs_f64()
        );
        let codes = ["410783", "410783101", "410783101230", "11", "110101001"]
            .map(|c| RegionCode::parse(c).unwrap());
        let n = 2000;
        let t = Instant::now();
        for i in 0..n {
            regions::get_region(&db, &codes[i % codes.len()])
                .await
                .unwrap();
        }
        let per = t.elapsed().as_secs_f64() * 1e6 / n as f64;
        println!(
            "{backend:?}: get_region on the national tree: {per:.0} µs per call (sequential, {n} calls)"
        );
        db.close().await;
    }
}
