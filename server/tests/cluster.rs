//! Several servers on one PostgreSQL (`jifen_server::cluster`): a server refuses to start
//! beside a live instance that signs with another key, or on another host when either took
//! its key from its data directory; servers given the same secret take each other's tokens;
//! the minute's sweeps run on one instance at a time, once a minute between them.

mod common;

use std::time::Duration;

use common::{Backend, TestDb, spawn_app_with, spawn_beside};
use jifen_server::auth::keys::Keys;
use jifen_server::cluster::{self, SweepDelays, Tick};
use jifen_server::storage::{Db, now_ms};
use jifen_shared::api;
use jifen_shared::auth::Role;

const SECRET: &str = "shared-county-signing-secret-5f0e9a7c31d2b486";
const OTHER_SECRET: &str = "another-county-signing-secret-9d41c07be2a35f18";

const DELAYS: SweepDelays = SweepDelays {
    service_sla_ms: 24 * 3_600_000,
    claim_review_ms: 48 * 3_600_000,
};

/// A fresh migrated database of `backend` and a pool on it (as one server has).
async fn database(backend: Backend) -> Option<(TestDb, Db)> {
    let test_db = TestDb::new(backend).await?;
    let db = Db::connect(&test_db.url, Duration::from_secs(10))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    Some((test_db, db))
}

/// Another pool on the same database: what a second server has.
async fn second_pool(test_db: &TestDb) -> Db {
    Db::connect(&test_db.url, Duration::from_secs(10))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn servers_of_one_postgresql_share_a_given_key() {
    let Some(app) = spawn_app_with(Backend::Postgres, |s| s.jwt_secret = Some(SECRET.into())).await
    else {
        return;
    };
    // Another key beside it: refused at start, saying what to set.
    let refused = match spawn_beside(&app, |s| s.jwt_secret = Some(OTHER_SECRET.into())).await {
        Ok(_) => panic!("a server with another key started"),
        Err(e) => e.to_string(),
    };
    assert!(
        refused.contains("signs with a different key") && refused.contains("JIFEN_JWT_SECRET"),
        "{refused}"
    );
    // The same secret: it starts and takes the first server's tokens (its pool as small as
    // configured: N servers share PostgreSQL's connections).
    let other = spawn_beside(&app, |s| {
        s.jwt_secret = Some(SECRET.into());
        s.db_max_connections = 3;
    })
    .await
    .expect("a server with the shared secret starts");
    assert_eq!(other.db.writer().options().get_max_connections(), 3);
    app.load_changyuan().await;
    let token = app
        .staff_token("13900000001", Role::Villager, "410783101230")
        .await;
    let me = other
        .api
        .request(&api::GetMe)
        .token(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status, 200, "{}", me.text());
    let live: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM server_instances")
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    assert_eq!(live, 2);
}

#[tokio::test]
async fn a_key_from_a_data_directory_is_refused_beside_another_host() {
    let Some((_test_db, db)) = database(Backend::Postgres).await else {
        return;
    };
    let keys = Keys::from_secret(SECRET.as_bytes());
    cluster::register(&db, &keys, false, "app-1").await.unwrap();
    // The same host with the same key: a restart after a crash (its old row still live).
    cluster::register(&db, &keys, false, "app-1").await.unwrap();
    // Another host: refused, whichever of the two lacks the given secret.
    let e = cluster::register(&db, &keys, false, "app-2")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("this server took its signing key from its own data directory"),
        "{e}"
    );
    let e = cluster::register(&db, &keys, true, "app-2")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("the server on app-1 took its signing key"),
        "{e}"
    );
    // Once app-1 has been silent for longer than LIVE_FOR (killed), its rows no longer count.
    sqlx::query("UPDATE server_instances SET seen_at = $1")
        .bind(now_ms() - cluster::LIVE_FOR.as_millis() as i64 - 1_000)
        .execute(db.writer())
        .await
        .unwrap();
    let b = cluster::register(&db, &keys, true, "app-2").await.unwrap();
    // A clean stop leaves the registry.
    cluster::leave(&db, &b).await.unwrap();
    let rows: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM server_instances WHERE id = $1")
            .bind(&b.id)
            .fetch_one(db.reader())
            .await
            .unwrap();
    assert_eq!(rows, 0);
}

/// An instance presumed gone (paused, cut off from the database) while another started with
/// another key is checked again when it comes back: its heartbeat finds the conflict (the
/// server then answers /readyz 503) until the other is gone.
#[tokio::test]
async fn an_instance_back_from_the_dead_is_checked_again() {
    let Some((_test_db, db)) = database(Backend::Postgres).await else {
        return;
    };
    let (old_keys, new_keys) = (
        Keys::from_secret(SECRET.as_bytes()),
        Keys::from_secret(OTHER_SECRET.as_bytes()),
    );
    let paused = cluster::register(&db, &old_keys, true, "app-1")
        .await
        .unwrap();
    let silence = |id: String| {
        let db = db.clone();
        async move {
            sqlx::query("UPDATE server_instances SET seen_at = $1 WHERE id = $2")
                .bind(now_ms() - cluster::LIVE_FOR.as_millis() as i64 - 1_000)
                .bind(id)
                .execute(db.writer())
                .await
                .unwrap();
        }
    };
    // A heartbeat in time changes nothing.
    cluster::heartbeat(&db, &paused, &old_keys).await.unwrap();
    silence(paused.id.clone()).await;
    // Presumed gone, another starts with another key; then the first comes back.
    let other = cluster::register(&db, &new_keys, true, "app-2")
        .await
        .unwrap();
    let e = cluster::heartbeat(&db, &paused, &old_keys)
        .await
        .unwrap_err();
    let conflict = e
        .downcast_ref::<cluster::KeyConflict>()
        .expect("a key conflict");
    assert!(
        conflict.0.contains("signs with a different key"),
        "{conflict}"
    );
    // Still there a heartbeat later; gone once the other is.
    assert!(cluster::heartbeat(&db, &paused, &old_keys).await.is_err());
    silence(other.id.clone()).await;
    cluster::heartbeat(&db, &paused, &old_keys).await.unwrap();
    // The other one, back in turn, now finds the first live: its turn to be refused.
    assert!(cluster::heartbeat(&db, &other, &new_keys).await.is_err());
}

#[tokio::test]
async fn on_sqlite_nothing_is_checked_and_every_tick_sweeps() {
    let (_test_db, db) = database(Backend::Sqlite).await.unwrap();
    let a = cluster::register(&db, &Keys::from_secret(SECRET.as_bytes()), false, "a")
        .await
        .unwrap();
    // (A second server cannot open the file: the lock beside it. Nothing to compare.)
    cluster::register(&db, &Keys::from_secret(OTHER_SECRET.as_bytes()), false, "b")
        .await
        .unwrap();
    let now = now_ms();
    for at in [now, now + 1_000] {
        assert_eq!(
            cluster::tick(&db, &a, DELAYS, at).await.unwrap(),
            Tick::Swept(Default::default())
        );
    }
}

/// Two servers tick at the same moments, as their minute timers fire: exactly one of them
/// sweeps each minute (before the lock, both swept every minute: 2 × the work).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_instance_sweeps_each_minute() {
    let Some((test_db, db_a)) = database(Backend::Postgres).await else {
        return;
    };
    let db_b = second_pool(&test_db).await;
    let keys = Keys::from_secret(SECRET.as_bytes());
    let a = cluster::register(&db_a, &keys, true, "app-1")
        .await
        .unwrap();
    let b = cluster::register(&db_b, &keys, true, "app-2")
        .await
        .unwrap();
    let start = now_ms();
    let mut swept = [0, 0];
    for minute in 0..10 {
        // Both at once, each a few milliseconds off (two machines' clocks).
        let at = start + minute * 60_000;
        let (ta, tb) = tokio::join!(
            cluster::tick(&db_a, &a, DELAYS, at),
            cluster::tick(&db_b, &b, DELAYS, at + 7),
        );
        let (ta, tb) = (ta.unwrap(), tb.unwrap());
        let both = [ta, tb];
        let sweeps = both.iter().filter(|t| matches!(t, Tick::Swept(_))).count();
        assert_eq!(sweeps, 1, "minute {minute}: {both:?}");
        swept[0] += usize::from(matches!(ta, Tick::Swept(_)));
        swept[1] += usize::from(matches!(tb, Tick::Swept(_)));
        // A tick of either a little later in the same minute does nothing.
        assert_eq!(
            cluster::tick(&db_a, &a, DELAYS, at + 20_000).await.unwrap(),
            Tick::Skipped
        );
    }
    assert_eq!(swept[0] + swept[1], 10, "{swept:?}");
    let last: (i64, String) =
        sqlx::query_as("SELECT last_at, instance FROM sweep_runs WHERE name = 'minute'")
            .fetch_one(db_a.reader())
            .await
            .unwrap();
    assert_eq!(last.0 / 60_000, (start + 9 * 60_000) / 60_000);
    assert!(last.1 == a.id || last.1 == b.id, "{last:?}");
}

/// The lock is a session's, not a transaction's: an instance killed in the middle of its
/// sweep (its connection gone) does not keep the others from sweeping.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sweeper_that_died_holding_the_lock_does_not_stop_the_others() {
    let Some((test_db, db_a)) = database(Backend::Postgres).await else {
        return;
    };
    let keys = Keys::from_secret(SECRET.as_bytes());
    let b = cluster::register(&db_a, &keys, true, "app-2")
        .await
        .unwrap();
    // Another server's connection takes the sweep lock and holds it, mid-sweep.
    let dying = second_pool(&test_db).await;
    let mut conn = dying.writer().acquire().await.unwrap();
    sqlx::query("SELECT CAST(1 AS BIGINT) FROM (SELECT pg_advisory_lock($1)) AS l")
        .bind(cluster::SWEEP_LOCK)
        .execute(&mut *conn)
        .await
        .unwrap();
    let now = now_ms();
    assert_eq!(
        cluster::tick(&db_a, &b, DELAYS, now).await.unwrap(),
        Tick::Skipped
    );
    // It dies: its connection closes, and the lock goes with it as soon as PostgreSQL has
    // ended that connection's backend (a moment after the close).
    conn.close().await.unwrap();
    dying.close().await;
    let mut swept = false;
    for _ in 0..50 {
        let tick = cluster::tick(&db_a, &b, DELAYS, now + 1_000).await.unwrap();
        if matches!(tick, Tick::Swept(_)) {
            swept = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(swept, "the lock of a closed connection was never released");
}
