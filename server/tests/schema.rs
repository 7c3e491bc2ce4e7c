//! The SQLite and PostgreSQL migrations stay in lockstep: same tables, columns, types,
//! nullability and indexes.

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::{Backend, TestDb};
use jifen_server::storage::Db;
use sqlx::Row;

/// table → [(column, canonical type, not null)], plus index names.
type Shape = (BTreeMap<String, Vec<(String, String, bool)>>, Vec<String>);

fn canonical(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "bigint" | "int8" => "bigint".into(),
        "text" | "character varying" => "text".into(),
        "blob" | "bytea" => "bytes".into(),
        other => other.into(),
    }
}

async fn shape(db: &Db) -> Shape {
    let pool = db.reader();
    let mut tables = BTreeMap::new();
    let indexes: Vec<String>;
    match db.backend() {
        jifen_server::storage::Backend::Sqlite => {
            let names: Vec<String> = sqlx::query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%' ORDER BY name",
            )
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
            for name in names {
                let cols = sqlx::query(&format!(
                    "SELECT name, type, \"notnull\" FROM pragma_table_info('{name}') ORDER BY cid"
                ))
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|r| {
                    // `INTEGER PRIMARY KEY` is SQLite's 64-bit rowid alias: BIGINT on PostgreSQL.
                    let declared = r.get::<String, _>(1).replace("INTEGER", "BIGINT");
                    (
                        r.get::<String, _>(0),
                        canonical(&declared),
                        r.get::<i64, _>(2) == 1,
                    )
                })
                .collect();
                tables.insert(name, cols);
            }
            indexes = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
        }
        jifen_server::storage::Backend::Postgres => {
            let rows = sqlx::query(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
                 WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' ORDER BY table_name, ordinal_position",
            )
            .fetch_all(pool)
            .await
            .unwrap();
            for r in rows {
                let entry: &mut Vec<_> = tables.entry(r.get::<String, _>(0)).or_default();
                entry.push((
                    r.get(1),
                    canonical(&r.get::<String, _>(2)),
                    r.get::<String, _>(3) == "NO",
                ));
            }
            indexes = sqlx::query(
                "SELECT indexname::text FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' \
                 AND tablename NOT LIKE '_sqlx%' ORDER BY indexname",
            )
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        }
    }
    (tables, indexes)
}

async fn migrated(backend: Backend) -> Option<(TestDb, Db)> {
    let test_db = TestDb::new(backend).await?;
    let db = Db::connect(&test_db.url, Duration::from_secs(10))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db.migrate().await.expect("migrating twice is a no-op");
    Some((test_db, db))
}

#[tokio::test]
async fn sqlite_and_postgres_schemas_match() {
    let (_sqlite_db, sqlite) = migrated(Backend::Sqlite).await.unwrap();
    let sqlite_shape = shape(&sqlite).await;
    assert!(sqlite_shape.0.contains_key("regions"));
    let Some((_pg_db, pg)) = migrated(Backend::Postgres).await else {
        return;
    };
    let pg_shape = shape(&pg).await;
    assert_eq!(sqlite_shape, pg_shape);
    pg.close().await;
}

#[test]
fn migration_files_are_in_lockstep() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let list = |d: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(d))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert_eq!(list("sqlite"), list("postgres"));
}
