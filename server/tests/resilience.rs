//! When the database is slow, unreachable or busy with conflicts (storage's module docs,
//! "Deadlines and retries"): a request stuck on the database answers 503 `unavailable` with
//! `Retry-After` within its deadline — on PostgreSQL behind a silent network partition (a
//! proxy that stops forwarding), on SQLite behind another process's write lock — and works
//! again afterwards, a retry with the same `Idempotency-Key` doing the change once; a
//! transaction PostgreSQL aborts for a serialization failure or a deadlock (injected by a
//! trigger) is run again, and answers 503 rather than 500 when it keeps failing.

mod common;

use std::time::{Duration, Instant};

use common::partition::{self, Partition};
use common::{Backend, TestApp};
use jifen_server::client::{Answer, ApiClient};
use jifen_server::storage::Db;
use jifen_shared::api;
use jifen_shared::auth::Role;
use jifen_shared::points::AwardRequest;
use serde_json::json;
use sqlx::{Connection, Executor};

const LIUCUN: &str = "410783101230";

/// How long a test waits for any one answer: far above every deadline set here, so a
/// request that hangs fails the test instead of hanging it.
const PATIENCE: Duration = Duration::from_secs(20);

/// 柳村 (loaded through `db`) with grid 001, the villager 张三 (13900139001) in it, a
/// village admin and the grid's grid worker: (张三's id, admin's token, grid worker's token).
async fn scene(app: &TestApp, db: &Db) -> (i64, String, String) {
    for (_, bytes) in jifen_server::regions::import::BUNDLED_CHANGYUAN {
        jifen_server::regions::import::import(db, bytes)
            .await
            .unwrap();
    }
    let admin = app
        .staff_token("13800138000", Role::VillageAdmin, LIUCUN)
        .await;
    let (status, grid) = app
        .call(
            &api::CreateGridIn,
            Some(&admin),
            &json!({"village_code": LIUCUN, "name": "第一网格"}),
        )
        .await;
    assert_eq!(status, 201, "{grid}");
    let csv =
        format!("name,phone,village_code,grid_code\n张三,13900139001,{LIUCUN},{LIUCUN}-001\n");
    jifen_server::people::import::import_villagers(db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let zhang = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613900139001'")
        .fetch_one(db.reader())
        .await
        .unwrap();
    let grid_worker = app
        .staff_token("13800138001", Role::GridWorker, &format!("{LIUCUN}-001"))
        .await;
    (zhang, admin, grid_worker)
}

/// `POST /admin/awards` of 7 points to `villager` with the Idempotency-Key `key`, as `admin`.
async fn award(app: &TestApp, admin: &str, villager: i64, key: &str) -> Answer<api::Award> {
    award_with(&app.api, admin, villager, key).await
}

/// [`award`] through `api`, for a task of its own.
async fn award_with(api: &ApiClient, admin: &str, villager: i64, key: &str) -> Answer<api::Award> {
    let request = AwardRequest {
        user_ids: vec![villager],
        rule_id: None,
        points: Some(7),
        reason: "夜间巡逻".into(),
    };
    let send = api
        .request(&api::Award)
        .token(admin)
        .idempotency_key(key)
        .body(&request)
        .send();
    tokio::time::timeout(PATIENCE, send)
        .await
        .expect("an answer in time")
        .expect("request")
}

/// Asserts the answer is 503 `unavailable` with `Retry-After: 2`.
fn assert_unavailable<E: api::Endpoint>(answer: &Answer<E>) {
    let body = answer.json();
    assert_eq!(
        (answer.status, body["code"].as_str()),
        (503, Some("unavailable")),
        "{body}"
    );
    assert_eq!(answer.headers["retry-after"], "2");
}

/// The transfers of awards.
async fn award_transfers(db: &Db) -> i64 {
    sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_transfers WHERE reason = 'award'",
    )
    .fetch_one(db.reader())
    .await
    .unwrap()
}

/// The rows of `table`.
async fn rows(db: &Db, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"))
        .fetch_one(db.reader())
        .await
        .unwrap()
}

/// Sends the award of `key` until it is answered otherwise than 503 (at most [`PATIENCE`]):
/// what a client does after a 503.
async fn award_until_answered(
    app: &TestApp,
    admin: &str,
    villager: i64,
    key: &str,
) -> Answer<api::Award> {
    let started = Instant::now();
    loop {
        let answer = award(app, admin, villager, key).await;
        if answer.status != 503 || started.elapsed() > PATIENCE {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// A direct connection to the test's PostgreSQL database, around the server's proxy.
async fn admin_connection(app: &TestApp) -> sqlx::PgConnection {
    sqlx::PgConnection::connect(&app.test_db.url).await.unwrap()
}

mod a_silent_partition_answers_503_within_the_deadline {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Ok(admin_url) = std::env::var("JIFEN_TEST_POSTGRES_URL") else {
            assert!(std::env::var("JIFEN_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1"));
            eprintln!("PostgreSQL half skipped: JIFEN_TEST_POSTGRES_URL is not set");
            return;
        };
        let proxy = Partition::start(partition::address_of(&admin_url)).await;
        let app = common::spawn_app_with(Backend::Postgres, |s| {
            s.database_url = proxy.url_through(&s.database_url).into();
            s.request_timeout = Duration::from_secs(2);
            s.db_statement_timeout = Duration::from_secs(1);
            s.db_acquire_timeout = Duration::from_secs(1);
        })
        .await
        .unwrap();
        let direct = Db::connect(&app.test_db.url, Duration::from_secs(10))
            .await
            .unwrap();
        let (zhang, admin, _) = scene(&app, &direct).await;
        assert_eq!(award(&app, &admin, zhang, "award-1").await.status, 201);

        // The partition falls while an award is inside the database: its INSERT of the
        // transfer sleeps (less than the statement timeout), and the answer never comes back.
        let mut sql = admin_connection(&app).await;
        sql.execute(
            "CREATE FUNCTION slow_transfer() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN PERFORM pg_sleep(0.6); RETURN NEW; END $$",
        )
        .await
        .unwrap();
        sql.execute(
            "CREATE TRIGGER slow_transfer BEFORE INSERT ON ledger_transfers \
             FOR EACH ROW EXECUTE FUNCTION slow_transfer()",
        )
        .await
        .unwrap();
        let in_flight = tokio::spawn({
            let (api, admin) = (app.api.clone(), admin.clone());
            async move {
                let started = Instant::now();
                let answer = award_with(&api, &admin, zhang, "award-2").await;
                (answer, started.elapsed())
            }
        });
        let database = app.test_db.url.rsplit('/').next().unwrap().to_owned();
        let inside = Instant::now();
        loop {
            let sleeping: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event = 'PgSleep'",
            )
            .bind(&database)
            .fetch_one(&mut sql)
            .await
            .unwrap();
            if sleeping > 0 {
                break;
            }
            assert!(
                inside.elapsed() < PATIENCE,
                "the award never reached the database"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        proxy.cut();
        let (answer, took) = in_flight.await.expect("an answer within the deadline");
        assert_unavailable(&answer);
        assert!(answer.headers.contains_key("x-request-id"));
        assert!(took < Duration::from_secs(10), "{took:?}");

        // While it lasts, reads and writes answer 503 in time, and /readyz says so.
        let started = Instant::now();
        let balance =
            tokio::time::timeout(PATIENCE, app.request(&api::GetBalance).token(&admin).send())
                .await
                .expect("an answer in time")
                .unwrap();
        assert_unavailable(&balance);
        assert_unavailable(&award(&app, &admin, zhang, "award-2").await);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        let (status, ready) = app.get_json("/readyz").await;
        assert_eq!((status, ready), (503, json!({"status": "unavailable"})));

        // Healed: the same key again makes the award once.
        sql.execute("DROP TRIGGER slow_transfer ON ledger_transfers")
            .await
            .unwrap();
        proxy.heal();
        let answer = award_until_answered(&app, &admin, zhang, "award-2").await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        let replay = award(&app, &admin, zhang, "award-2").await;
        assert_eq!((replay.status, replay.json()), (201, answer.json()));
        assert_eq!(award_transfers(&direct).await, 2);
        assert_eq!(app.get_json("/readyz").await.0, 200);
        common::assert_ledger_balanced(&direct).await;
    }
}

mod a_request_behind_another_process_s_write_lock_answers_503_within_the_deadline {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = common::spawn_app_with(Backend::Sqlite, |s| {
            s.request_timeout = Duration::from_secs(1);
        })
        .await
        .unwrap();
        let (zhang, admin, _) = scene(&app, &app.db).await;
        // Another process (`jifen import-villagers`, say) holds the file's write lock for
        // longer than the server's busy timeout (5 s) would wait.
        let mut other = sqlx::SqliteConnection::connect(&app.test_db.url)
            .await
            .unwrap();
        other.execute("BEGIN IMMEDIATE").await.unwrap();
        let started = Instant::now();
        let answer = award(&app, &admin, zhang, "award-1").await;
        assert_unavailable(&answer);
        assert!(answer.headers.contains_key("x-request-id"));
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        // Reads go on beside the lock (WAL).
        let balance = app
            .request(&api::GetBalance)
            .token(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(balance.status, 200, "{}", balance.text());
        let metrics = app
            .client
            .get(app.url("/metrics"))
            .bearer_auth(common::METRICS_TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            metrics.contains("jifen_http_deadline_exceeded_total 1"),
            "{metrics}"
        );

        other.execute("ROLLBACK").await.unwrap();
        other.close().await.unwrap();
        let answer = award_until_answered(&app, &admin, zhang, "award-1").await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        assert_eq!(award_transfers(&app.db).await, 1);
        app.assert_ledger_balanced().await;
    }
}

/// Makes the next `n` inserts into `ledger_transfers` fail as PostgreSQL fails a transaction
/// it aborted: the odd ones with a serialization failure (40001), the even ones with a deadlock
/// (40P01). The count is a sequence, which the failed transaction's rollback does not undo.
async fn inject_conflicts(app: &TestApp, n: i64) {
    let mut sql = admin_connection(app).await;
    sql.execute("CREATE SEQUENCE injected_conflicts")
        .await
        .unwrap();
    sql.execute(
        format!(
            "CREATE FUNCTION inject_conflict() RETURNS trigger LANGUAGE plpgsql AS $$ \
             DECLARE n BIGINT := nextval('injected_conflicts'); BEGIN \
             IF n <= {n} AND n % 2 = 1 THEN \
               RAISE EXCEPTION 'injected serialization failure' USING ERRCODE = '40001'; \
             ELSIF n <= {n} THEN \
               RAISE EXCEPTION 'injected deadlock' USING ERRCODE = '40P01'; \
             END IF; RETURN NEW; END $$"
        )
        .as_str(),
    )
    .await
    .unwrap();
    sql.execute(
        "CREATE TRIGGER inject_conflict BEFORE INSERT ON ledger_transfers \
         FOR EACH ROW EXECUTE FUNCTION inject_conflict()",
    )
    .await
    .unwrap();
}

/// How many inserts the trigger of [`inject_conflicts`] saw.
async fn insert_attempts(app: &TestApp) -> i64 {
    let mut sql = admin_connection(app).await;
    sqlx::query_scalar(
        "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM injected_conflicts",
    )
    .fetch_one(&mut sql)
    .await
    .unwrap()
}

async fn remove_conflicts(app: &TestApp) {
    let mut sql = admin_connection(app).await;
    sql.execute("DROP TRIGGER inject_conflict ON ledger_transfers")
        .await
        .unwrap();
}

mod a_conflicted_award_is_run_again_and_credits_once {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = common::spawn_app(Backend::Postgres).await else {
            return;
        };
        let (zhang, admin, _) = scene(&app, &app.db).await;
        inject_conflicts(&app, 2).await;
        let answer = award(&app, &admin, zhang, "award-1").await;
        assert_eq!(answer.status, 201, "{}", answer.text());
        // A serialization failure, a deadlock, then the insert that stayed.
        assert_eq!(insert_attempts(&app).await, 3);
        assert_eq!(award_transfers(&app.db).await, 1);
        let replay = award(&app, &admin, zhang, "award-1").await;
        assert_eq!((replay.status, replay.json()), (201, answer.json()));
        assert_eq!(award_transfers(&app.db).await, 1);
        app.assert_ledger_balanced().await;
    }
}

mod a_conflict_that_persists_answers_503_and_changes_nothing {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = common::spawn_app(Backend::Postgres).await else {
            return;
        };
        let (zhang, admin, grid_worker) = scene(&app, &app.db).await;
        // A claim of 张三's to approve (孝老爱亲: 5 points, no photo).
        let villager = app.villager_token("13900139001").await;
        let (status, claim) = app
            .call(&api::CreateClaim, Some(&villager), &json!({"rule_id": 4}))
            .await;
        assert_eq!(status, 201, "{claim}");
        let claim_id = claim["id"].as_i64().unwrap();
        inject_conflicts(&app, i64::MAX).await;

        let answer = award(&app, &admin, zhang, "award-1").await;
        assert_unavailable(&answer);
        assert_eq!(insert_attempts(&app).await, 3, "three runs, no more");
        let approve = app
            .request(&api::ApproveClaim { id: claim_id })
            .token(&grid_worker)
            .send()
            .await
            .unwrap();
        assert_unavailable(&approve);
        assert_eq!(insert_attempts(&app).await, 6);
        // Nothing written: no transfer, no award, no key kept, the claim still waiting.
        assert_eq!(rows(&app.db, "ledger_transfers").await, 0);
        assert_eq!(rows(&app.db, "point_awards").await, 0);
        assert_eq!(rows(&app.db, "idempotency_keys").await, 0);
        let (_, mine) = app
            .fetch(
                &api::MyClaims {
                    query: Default::default(),
                },
                Some(&villager),
            )
            .await;
        assert_eq!(mine["items"][0]["status"], "pending", "{mine}");

        // Once the database lets them through, the same requests do it, once.
        remove_conflicts(&app).await;
        assert_eq!(award(&app, &admin, zhang, "award-1").await.status, 201);
        let approve = app
            .request(&api::ApproveClaim { id: claim_id })
            .token(&grid_worker)
            .send()
            .await
            .unwrap();
        assert_eq!(approve.status, 200, "{}", approve.text());
        assert_eq!(rows(&app.db, "ledger_transfers").await, 2);
        assert_eq!(app.available_points(&villager).await, 12);
        app.assert_ledger_balanced().await;
    }
}

mod a_conflicted_claim_approval_is_run_again_and_credits_once {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = common::spawn_app(Backend::Postgres).await else {
            return;
        };
        let (_, _, grid_worker) = scene(&app, &app.db).await;
        let villager = app.villager_token("13900139001").await;
        let (status, claim) = app
            .call(&api::CreateClaim, Some(&villager), &json!({"rule_id": 4}))
            .await;
        assert_eq!(status, 201, "{claim}");
        inject_conflicts(&app, 2).await;
        let id = claim["id"].as_i64().unwrap();
        let approve = app
            .request(&api::ApproveClaim { id })
            .token(&grid_worker)
            .send()
            .await
            .unwrap();
        assert_eq!(approve.status, 200, "{}", approve.text());
        assert_eq!(approve.json()["status"], "approved");
        assert_eq!(insert_attempts(&app).await, 3);
        let credits: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_transfers WHERE reference = $1",
        )
        .bind(format!("claim:{id}"))
        .fetch_one(app.db.reader())
        .await
        .unwrap();
        assert_eq!(credits, 1);
        assert_eq!(app.available_points(&villager).await, 5);
        app.assert_ledger_balanced().await;
    }
}
