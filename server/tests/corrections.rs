//! Corrections (更正) of approved claims and awards made in error, on both databases: who may
//! correct whose act, compensating transfers (never an edit), the deduction rule with its
//! shortfall, the villager's history, inbox and the board, the audit log, retries, and two
//! superiors racing to correct the same act (exactly one wins). The ledger's invariants are
//! checked after each test.

mod common;

use common::TestApp;
use jifen_shared::api;
use jifen_shared::auth::Role;
use serde_json::{Value, json};

const LIUCUN: &str = "410783101230";
/// 孝老爱亲: 5 points, no photo, twice a month (migration 0012).
const FILIAL: i64 = 4;

/// 柳村 with a grid, its villagers and staff.
struct Scene {
    /// 张三明 (13900139001, grid 001, household 0101).
    zhang: i64,
    zhang_token: String,
    /// 王五 (13900139003, no grid, household 0102).
    wang: i64,
    grid_worker: String,
    /// Two village admins of 柳村, a township and a county admin.
    admin: String,
    admin2: String,
    township: String,
    county: String,
}

async fn scene(app: &TestApp) -> Scene {
    app.load_changyuan().await;
    let admin = app
        .staff_token("13800138000", Role::VillageAdmin, LIUCUN)
        .await;
    let (status, _) = app
        .call(
            &api::CreateGridIn,
            Some(&admin),
            &json!({"village_code": LIUCUN, "name": "第一网格"}),
        )
        .await;
    assert_eq!(status, 201);
    let csv = format!(
        "name,phone,village_code,grid_code,household\n\
         张三明,13900139001,{LIUCUN},{LIUCUN}-001,0101\n\
         王五,13900139003,{LIUCUN},,0102\n"
    );
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let id = |phone: &'static str| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM people WHERE phone = $1")
            .bind(format!("+86{phone}"))
            .fetch_one(app.db.reader())
            .await
            .unwrap()
    };
    Scene {
        zhang: id("13900139001").await,
        zhang_token: app.villager_token("13900139001").await,
        wang: id("13900139003").await,
        grid_worker: app
            .staff_token("13800138001", Role::GridWorker, &format!("{LIUCUN}-001"))
            .await,
        admin,
        admin2: app
            .staff_token("13800138002", Role::VillageAdmin, LIUCUN)
            .await,
        township: app
            .staff_token("13800138003", Role::TownshipAdmin, "410783101")
            .await,
        county: app
            .staff_token("13800138004", Role::CountyAdmin, "410783")
            .await,
    }
}

/// 张三明 claims 孝老爱亲 and `reviewer` approves it; the claim's id.
async fn approved_claim(app: &TestApp, s: &Scene, reviewer: &str) -> i64 {
    let (status, claim) = app
        .call(
            &api::CreateClaim,
            Some(&s.zhang_token),
            &json!({"rule_id": FILIAL, "note": "照顾老人"}),
        )
        .await;
    assert_eq!(status, 201, "{claim}");
    let id = claim["id"].as_i64().unwrap();
    let (status, body) = app
        .call(&api::ApproveClaim { id }, Some(reviewer), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    id
}

/// `admin` awards (or deducts) `points` to `users`; the award's id.
async fn award(app: &TestApp, admin: &str, users: &[i64], points: i64, reason: &str) -> i64 {
    let (status, body) = app
        .call(
            &api::Award,
            Some(admin),
            &json!({"user_ids": users, "points": points, "reason": reason}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["award_id"].as_i64().unwrap()
}

async fn correct(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.call(&api::Correct, Some(token), &body).await
}

fn code(body: &Value) -> Option<&str> {
    body["code"].as_str()
}

async fn history(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, page) = app
        .fetch(
            &api::PointsHistory {
                query: api::PageQuery::default(),
            },
            Some(token),
        )
        .await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

async fn board(app: &TestApp) -> Value {
    let (status, board) = app
        .fetch(
            &api::VillageBoard {
                code: LIUCUN.into(),
            },
            None,
        )
        .await;
    assert_eq!(status, 200, "{board}");
    board
}

db_tests! {
    async fn a_village_admin_reverses_a_grid_workers_approval_shown_next_to_the_original(app) {
        let s = scene(&app).await;
        let claim = approved_claim(&app, &s, &s.grid_worker).await;
        assert_eq!(app.available_points(&s.zhang_token).await, 5);

        // The preview says what will happen; nothing moves.
        let (status, preview) = app
            .call(&api::PreviewCorrection, Some(&s.admin), &json!({"kind": "claim", "id": claim}))
            .await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!((preview["id"].as_i64(), preview["points"].as_i64()), (Some(0), Some(-5)));
        assert!(preview["shortfall"].is_null());
        assert_eq!(app.available_points(&s.zhang_token).await, 5);

        let (status, made) = app
            .request(&api::Correct)
            .json(&json!({"kind": "claim", "id": claim, "reason": "重复申报"}))
            .token(&s.admin)
            .idempotency_key("fix-1")
            .send()
            .await
            .map(|a| (a.status, a.json()))
            .unwrap();
        assert_eq!(status, 201, "{made}");
        assert_eq!(made["points"].as_i64(), Some(-5));
        assert_eq!(made["user_id"].as_i64(), Some(s.zhang));
        assert_eq!(made["label"], "孝老爱亲");
        assert_eq!(app.available_points(&s.zhang_token).await, 0);

        // A retried request (same key) replays; a new one is refused; nothing doubles.
        let (status, again) = app
            .request(&api::Correct)
            .json(&json!({"kind": "claim", "id": claim, "reason": "重复申报"}))
            .token(&s.admin)
            .idempotency_key("fix-1")
            .send()
            .await
            .map(|a| (a.status, a.json()))
            .unwrap();
        assert_eq!((status, &again), (201, &made));
        let (status, body) = correct(&app, &s.admin, json!({"kind": "claim", "id": claim, "reason": "再来一次"})).await;
        assert_eq!((status, code(&body)), (409, Some("already_corrected")), "{body}");
        let (status, body) = correct(&app, &s.township, json!({"kind": "claim", "id": claim, "reason": "再来一次"})).await;
        assert_eq!((status, code(&body)), (409, Some("already_corrected")), "{body}");
        assert_eq!(app.available_points(&s.zhang_token).await, 0);

        // The original is untouched and marked; the villager's history shows both.
        let (_, mine) = app
            .fetch(&api::MyClaims { query: api::PageQuery::default() }, Some(&s.zhang_token))
            .await;
        let original = &mine["items"][0];
        assert_eq!(original["status"], "approved");
        assert_eq!(original["correction"]["reason"], "重复申报");
        assert_eq!(original["correction"]["points"].as_i64(), Some(-5));
        let items = history(&app, &s.zhang_token).await;
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!((items[0]["reason"].as_str(), items[0]["amount"].as_i64()), (Some("correction"), Some(-5)));
        assert_eq!(items[0]["label"], "孝老爱亲");
        assert_eq!(items[0]["correction"]["original"], format!("claim:{claim}"));
        assert_eq!(items[0]["correction"]["reason"], "重复申报");
        assert_eq!((items[1]["reference"].as_str(), items[1]["amount"].as_i64()), (Some(&*format!("claim:{claim}")), Some(5)));
        assert_eq!(items[1]["correction"]["id"], made["id"]);

        // The board shows the correction next to the original, and the ranking nets it.
        let board = board(&app).await;
        let movements = board["movements"].as_array().unwrap();
        assert_eq!(movements.len(), 2, "{board}");
        assert_eq!((movements[0]["points"].as_i64(), movements[0]["reason"].as_str()), (Some(-5), Some("孝老爱亲")));
        assert_eq!(movements[0]["correction"]["reason"], "重复申报");
        assert_eq!(movements[1]["correction"]["id"], made["id"]);
        assert!(board["monthly_ranking"].as_array().unwrap().is_empty(), "{board}");

        // The villager is told; the audit log has it.
        let (_, inbox) = app.fetch(&api::InboxList { query: api::PageQuery::default() }, Some(&s.zhang_token)).await;
        let note = &inbox["items"][0];
        assert_eq!(note["kind"], "points_corrected", "{inbox}");
        assert!(note["text"].as_str().unwrap().contains("重复申报"), "{note}");
        let actions: Vec<(String, String)> = sqlx::query_as(
            "SELECT action, target FROM audit_log WHERE action LIKE '%.correct'",
        )
        .fetch_all(app.db.reader())
        .await
        .unwrap();
        assert_eq!(actions, vec![("claim.correct".to_owned(), format!("claim:{claim}"))]);
        app.assert_ledger_balanced().await;
    }

    async fn only_a_superior_of_the_reviewer_corrects_and_never_their_own_act(app) {
        let s = scene(&app).await;
        // A village admin's approval: not by themselves, not by a peer, not by the grid
        // worker; by the township (or the county).
        let claim = approved_claim(&app, &s, &s.admin).await;
        let body = json!({"kind": "claim", "id": claim, "reason": "审核有误"});
        for (token, why) in [(&s.admin, "own act"), (&s.admin2, "a peer"), (&s.grid_worker, "a grid worker"), (&s.zhang_token, "a villager")] {
            let (status, answer) = correct(&app, token, body.clone()).await;
            assert_eq!((status, code(&answer)), (403, Some("forbidden")), "{why}: {answer}");
        }
        let (status, answer) = correct(&app, &s.township, body.clone()).await;
        assert_eq!(status, 201, "{answer}");

        // A township admin's award: the county corrects it, the village admin does not.
        let award_id = award(&app, &s.township, &[s.wang], 10, "文明户").await;
        let body = json!({"kind": "award", "id": award_id, "user_id": s.wang, "reason": "录入错误"});
        let (status, answer) = correct(&app, &s.admin, body.clone()).await;
        assert_eq!((status, code(&answer)), (403, Some("forbidden")), "{answer}");
        let (status, answer) = correct(&app, &s.township, body.clone()).await;
        assert_eq!((status, code(&answer)), (403, Some("forbidden")), "{answer}");
        let (status, answer) = correct(&app, &s.county, body).await;
        assert_eq!(status, 201, "{answer}");

        // Nobody corrects their own household's points: a village admin living in 张三明's
        // household may not correct a grid worker's approval of his claim.
        sqlx::query("UPDATE people SET village_code = $1, household = '0101' WHERE phone = '+8613800138002'")
            .bind(LIUCUN)
            .execute(app.db.writer())
            .await
            .unwrap();
        let claim = approved_claim(&app, &s, &s.grid_worker).await;
        let body = json!({"kind": "claim", "id": claim, "reason": "审核有误"});
        let (status, answer) = correct(&app, &s.admin2, body.clone()).await;
        assert_eq!((status, code(&answer)), (403, Some("forbidden")), "{answer}");
        let (status, answer) = correct(&app, &s.admin, body).await;
        assert_eq!(status, 201, "{answer}");

        // Only approved claims; a reason; the claimant as user_id.
        let (status, pending) = app
            .call(&api::CreateClaim, Some(&s.zhang_token), &json!({"rule_id": 1, "note": "", "photo_ids": [app.upload_photo(&s.zhang_token, 1).await]}))
            .await;
        assert_eq!(status, 201, "{pending}");
        let body = json!({"kind": "claim", "id": pending["id"], "reason": "审核有误"});
        let (status, answer) = correct(&app, &s.admin, body).await;
        assert_eq!((status, code(&answer)), (409, Some("wrong_state")), "{answer}");
        let (status, answer) = correct(&app, &s.county, json!({"kind": "award", "id": award_id, "reason": "x"})).await;
        assert_eq!((status, code(&answer)), (400, Some("invalid_input")), "{answer}");
        let (status, answer) = correct(&app, &s.county, json!({"kind": "award", "id": award_id, "user_id": s.zhang, "reason": "x"})).await;
        assert_eq!((status, code(&answer)), (404, Some("not_found")), "{answer}");
        let (status, answer) = correct(&app, &s.county, json!({"kind": "claim", "id": 999, "reason": "x"})).await;
        assert_eq!((status, code(&answer)), (404, Some("not_found")), "{answer}");
        app.assert_ledger_balanced().await;
    }

    async fn an_award_is_corrected_villager_by_villager_and_a_take_back_meets_the_deduction_rule(app) {
        let s = scene(&app).await;
        let award_id = award(&app, &s.admin, &[s.zhang, s.wang], 20, "五美庭院").await;
        let deduction = award(&app, &s.admin, &[s.zhang], -15, "乱堆乱放").await;
        assert_eq!(app.available_points(&s.zhang_token).await, 5);

        // 张三明 holds 5 of the 20 to take back: the preview and the correction say so.
        let body = json!({"kind": "award", "id": award_id, "user_id": s.zhang, "reason": "评选有误"});
        let (status, preview) = app.call(&api::PreviewCorrection, Some(&s.township), &body).await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(preview["shortfall"], json!({"user_id": s.zhang, "wanted": 20, "deducted": 5}));
        let (status, made) = correct(&app, &s.township, body).await;
        assert_eq!(status, 201, "{made}");
        assert_eq!(made["points"].as_i64(), Some(-5));
        assert_eq!(made["shortfall"], json!({"user_id": s.zhang, "wanted": 20, "deducted": 5}));
        assert_eq!(app.available_points(&s.zhang_token).await, 0);
        // 王五's part stands until corrected on its own.
        let wang_token = app.villager_token("13900139003").await;
        assert_eq!(app.available_points(&wang_token).await, 20);

        // Reversing the deduction gives its points back.
        let body = json!({"kind": "award", "id": deduction, "user_id": s.zhang, "reason": "并未乱堆乱放"});
        let (status, made) = correct(&app, &s.county, body).await;
        assert_eq!(status, 201, "{made}");
        assert_eq!((made["points"].as_i64(), &made["shortfall"]), (Some(15), &Value::Null));
        assert_eq!(app.available_points(&s.zhang_token).await, 15);

        let (status, made) = correct(&app, &s.township, json!({"kind": "award", "id": award_id, "user_id": s.wang, "reason": "评选有误"})).await;
        assert_eq!(status, 201, "{made}");
        assert_eq!(app.available_points(&wang_token).await, 0);
        let items = history(&app, &s.zhang_token).await;
        assert_eq!(items[0]["correction"]["reason"], "并未乱堆乱放");
        assert_eq!(items[0]["label"], "乱堆乱放");
        assert_eq!((items[1]["label"].as_str(), items[1]["amount"].as_i64()), (Some("五美庭院"), Some(-5)));
        assert_eq!(items[2]["correction"]["points"].as_i64(), Some(15));
        assert_eq!(items[3]["label"], "五美庭院");
        assert_eq!(items[3]["correction"]["points"].as_i64(), Some(-5));
        // The staff see the same on the villager's page; others are told there is no one.
        let (status, page) = app
            .fetch(&api::PersonHistory { id: s.zhang, query: api::PageQuery::default() }, Some(&s.admin))
            .await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["items"].as_array().unwrap(), &items);
        let outsider = app.staff_token("13800138009", Role::VillageAdmin, "410783101229").await;
        let (status, _) = app
            .fetch(&api::PersonHistory { id: s.zhang, query: api::PageQuery::default() }, Some(&outsider))
            .await;
        assert_eq!(status, 404);
        app.assert_ledger_balanced().await;
    }

    async fn two_superiors_correcting_the_same_act_at_once_make_one_correction(app) {
        let s = scene(&app).await;
        for round in 0..6 {
            let award_id = award(&app, &s.admin, &[s.zhang], 10, "文明户").await;
            let body = json!({"kind": "award", "id": award_id, "user_id": s.zhang, "reason": "重复奖励"});
            // Two superiors, or the same one with two keys (two devices).
            let (first, second) = match round % 2 {
                0 => (&s.township, &s.county),
                _ => (&s.township, &s.township),
            };
            let send = |token: &str, key: String| {
                app.request(&api::Correct)
                    .json(&body)
                    .token(token)
                    .idempotency_key(&key)
                    .send()
            };
            let (a, b) = tokio::join!(send(first, format!("a-{round}")), send(second, format!("b-{round}")));
            let mut answers: Vec<(u16, Option<String>)> = [a.unwrap(), b.unwrap()]
                .into_iter()
                .map(|r| (r.status, r.json()["code"].as_str().map(str::to_owned)))
                .collect();
            answers.sort();
            assert_eq!(answers, vec![(201, None), (409, Some("already_corrected".into()))], "round {round}");
        }
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) AS n FROM point_corrections")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(count, 6);
        assert_eq!(app.available_points(&s.zhang_token).await, 0);
        // The claim path races the same way.
        let claim = approved_claim(&app, &s, &s.grid_worker).await;
        let body = json!({"kind": "claim", "id": claim, "reason": "重复申报"});
        let (a, b) = tokio::join!(
            app.call(&api::Correct, Some(&s.admin), &body),
            app.call(&api::Correct, Some(&s.township), &body)
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "{a:?} {b:?}");
        assert_eq!(app.available_points(&s.zhang_token).await, 0);
        app.assert_ledger_balanced().await;
    }
}
