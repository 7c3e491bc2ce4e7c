//! Staff awards and deductions, villagers' balances and histories, and `Idempotency-Key`, on
//! both databases, with the ledger's invariants checked after each test.

mod common;

use jifen_shared::api;

use common::TestApp;
use jifen_shared::auth::Role;
use jifen_shared::points::{PointsBalance, Shortfall};
use serde_json::json;

const LIUCUN: &str = "410783101230";

/// 柳村 with villagers 张三 (13900139001), 李四 (…002), and 王五 of another village (…003);
/// returns their ids and a village admin's token.
async fn village(app: &TestApp) -> (Vec<i64>, String) {
    app.load_changyuan().await;
    let csv = format!(
        "name,phone,village_code\n张三,13900139001,{LIUCUN}\n李四,13900139002,{LIUCUN}\n王五,13900139003,410783101229\n"
    );
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let ids = sqlx::query_scalar("SELECT id FROM people ORDER BY id")
        .fetch_all(app.db.reader())
        .await
        .unwrap();
    (
        ids,
        app.staff_token("13800138000", Role::VillageAdmin, LIUCUN)
            .await,
    )
}

/// An award as any JSON (also what the form never sends), with an Idempotency-Key or none.
async fn award_json(
    app: &TestApp,
    token: &str,
    key: Option<&str>,
    body: &serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut request = app.request(&api::Award).token(token).json(body);
    if let Some(key) = key {
        request = request.idempotency_key(key);
    }
    let answer = request.send().await.unwrap();
    (answer.status, answer.json())
}

db_tests! {
    async fn an_award_reaches_the_villagers_balance_and_history(app) {
        let (ids, admin) = village(&app).await;
        let awarded = app.award(&admin, &[ids[0], ids[1]], 10, "文明户").await.unwrap();
        assert_eq!((awarded.transfer_ids.len(), awarded.shortfalls), (2, vec![]));
        app.award(&admin, &[ids[0]], 5, "门前三包").await.unwrap();
        let zhang = app.villager_token("13900139001").await;
        let balance = app.balance(&zhang).await;
        assert_eq!(balance, PointsBalance { available: 15, pending: 0, earned_total: 15, spent_total: 0 });
        let (_, me) = app.fetch(&api::GetMe, Some(&zhang)).await;
        assert_eq!(me["balance"], 15);
        let (_, history) = app.fetch(&api::PointsHistory { query: api::PageQuery { limit: Some(1), ..Default::default() } }, Some(&zhang)).await;
        let newest = &history["items"][0];
        assert_eq!((newest["amount"].as_i64(), newest["balance_after"].as_i64()), (Some(5), Some(15)));
        assert_eq!((newest["reason"].as_str(), newest["actor_name"].as_str()), (Some("award"), Some("测试员")));
        assert_eq!(newest["label"], "门前三包");
        let cursor = history["next_cursor"].as_str().unwrap().to_owned();
        let (_, older) = app.fetch(&api::PointsHistory { query: api::PageQuery { limit: Some(1), cursor: Some(cursor.to_string()) } }, Some(&zhang)).await;
        assert_eq!((older["items"][0]["amount"].as_i64(), older["items"][0]["balance_after"].as_i64()), (Some(10), Some(10)));
        assert_eq!(older["next_cursor"], json!(null));
        // Someone who never had points: zeros, an empty history.
        let (_, audit) = app.fetch(&api::AuditLog { query: api::AuditQuery { ..Default::default() } }, Some(&admin)).await;
        assert_eq!(audit["items"][0]["action"], "points.award");
        assert_eq!(audit["items"][0]["after"]["reason"], "门前三包");
        app.assert_ledger_balanced().await;
    }

    async fn a_deduction_takes_what_there_is_and_reports_the_rest(app) {
        let (ids, admin) = village(&app).await;
        app.award(&admin, &[ids[0]], 10, "孝老爱亲").await.unwrap();
        let deducted = app.award(&admin, &[ids[0], ids[1]], -15, "乱堆乱放").await.unwrap();
        let shortfall = |user_id, wanted, deducted| Shortfall { user_id, wanted, deducted };
        assert_eq!(deducted.shortfalls, [shortfall(ids[0], 15, 10), shortfall(ids[1], 15, 0)]);
        assert_eq!(deducted.transfer_ids.len(), 1);
        let zhang = app.villager_token("13900139001").await;
        let balance = app.balance(&zhang).await;
        assert_eq!(balance, PointsBalance { available: 0, pending: 0, earned_total: 10, spent_total: 10 });
        let (_, history) = app.fetch(&api::PointsHistory { query: api::PageQuery { ..Default::default() } }, Some(&zhang)).await;
        assert_eq!(history["items"][0]["amount"], -10);
        assert_eq!(history["items"][0]["reason"], "deduction");
        assert_eq!(history["items"][0]["balance_after"], 0);
        app.assert_ledger_balanced().await;
    }

    async fn a_preview_says_what_an_award_would_do_and_moves_nothing(app) {
        let (ids, admin) = village(&app).await;
        assert_eq!(award_json(&app, &admin, None, &json!({"user_ids": [ids[0]], "points": 3, "reason": "文明户"})).await.0, 201);
        // A deduction of 5: 张三 holds 3 (short by 2), 李四 nothing (short by 5); in the order asked.
        let body = json!({"user_ids": [ids[1], ids[0], ids[1]], "points": -5, "reason": "乱堆乱放"});
        let (status, preview) = app.call(&api::PreviewAward, Some(&admin), &body).await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(preview, json!({"points": -5, "reason": "乱堆乱放", "villagers": [
            {"user_id": ids[1], "name": "李四", "available": 0, "after": 0, "shortfall": 5},
            {"user_id": ids[0], "name": "张三", "available": 3, "after": 0, "shortfall": 2},
        ]}));
        // By a rule: its points and name.
        let rule: i64 = sqlx::query_scalar("SELECT id FROM point_rules WHERE code = 'garbage_sorting'").fetch_one(app.db.reader()).await.unwrap();
        let (_, by_rule) = app.call(&api::PreviewAward, Some(&admin), &json!({"user_ids": [ids[0]], "rule_id": rule})).await;
        assert_eq!((by_rule["points"].as_i64(), by_rule["reason"].as_str()), (Some(2), Some("垃圾分类")));
        assert_eq!(by_rule["villagers"][0]["after"], 5);
        // Nothing moved: one award, 3 points, whatever was previewed.
        let awards: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM point_awards").fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(awards, 1);
        let zhang = app.villager_token("13900139001").await;
        assert_eq!(app.available_points(&zhang).await, 3);
        // And the award does what the preview said.
        let (status, done) = award_json(&app, &admin, None, &body).await;
        assert_eq!(status, 201, "{done}");
        assert_eq!(done["shortfalls"], json!([{"user_id": ids[0], "wanted": 5, "deducted": 3}, {"user_id": ids[1], "wanted": 5, "deducted": 0}]));
        assert_eq!(app.available_points(&zhang).await, 0);
        app.assert_ledger_balanced().await;
    }

    async fn grid_workers_award_their_grid_within_the_county_limits(app) {
        let (ids, admin) = village(&app).await;
        let csv = format!("name,phone,village_code\n赵六,13900139004,{LIUCUN}\n孙七,13900139005,{LIUCUN}\n周八,13900139006,{LIUCUN}\n吴九,13900139007,{LIUCUN}\n");
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let all: Vec<i64> = sqlx::query_scalar("SELECT id FROM people WHERE phone LIKE '+8613900139%' ORDER BY id").fetch_all(app.db.reader()).await.unwrap();
        let (zhang, li, wang) = (ids[0], ids[1], ids[2]);
        let more = &all[3..];
        let (status, _) = app.call(&api::CreateGridIn, Some(&admin), &json!({"village_code": LIUCUN, "name": "一网格"})).await;
        assert_eq!(status, 201);
        let grid = format!("{LIUCUN}-001");
        let mut members = vec![zhang, li];
        members.extend_from_slice(more);
        assert_eq!(app.call(&api::AssignGridMembers { code: grid.clone() }, Some(&admin), &json!({"person_ids": members})).await.0, 200);
        let worker = app.staff_token("13800138005", Role::GridWorker, &grid).await;
        let county = app.staff_token("13800138006", Role::CountyAdmin, "410783").await;
        let give = |to: Vec<i64>, points: i64| json!({"user_ids": to, "points": points, "reason": "夜间巡逻"});
        // Nothing set by the county: grid workers award nothing.
        let (status, body) = award_json(&app, &worker, None, &give(vec![zhang], 3)).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let limits = api::AwardLimitsOf { county_code: "410783".into() };
        let (status, read) = app.fetch(&limits, Some(&worker)).await;
        assert_eq!((status, read), (200, json!({"daily_points": 0, "villager_daily_points": 0, "used_today": 0})));
        // The county sets 10 a day, 4 to one villager; only its admins may.
        let set = api::SetAwardLimits { county_code: "410783".into() };
        let body = json!({"daily_points": 10, "villager_daily_points": 4});
        assert_eq!(app.call(&set, Some(&admin), &body).await.0, 403);
        assert_eq!(app.call(&set, Some(&worker), &body).await.0, 403);
        for bad in [json!({"daily_points": 10, "villager_daily_points": 11}), json!({"daily_points": -1, "villager_daily_points": 0}), json!({"daily_points": 10_001, "villager_daily_points": 4})] {
            assert_eq!(app.call(&set, Some(&county), &bad).await.0, 400, "{bad}");
        }
        assert_eq!(app.call(&api::SetAwardLimits { county_code: "410799".into() }, Some(&county), &body).await.0, 404);
        let (status, saved) = app.call(&set, Some(&county), &body).await;
        assert_eq!((status, saved), (200, json!({"daily_points": 10, "villager_daily_points": 4})));
        let (_, read) = app.fetch(&limits, Some(&admin)).await;
        assert_eq!(read, json!({"daily_points": 10, "villager_daily_points": 4}));
        // Within: 3 each to 张三 and 李四 (6 of 10 today).
        let (status, body) = award_json(&app, &worker, None, &give(vec![zhang, li], 3)).await;
        assert_eq!(status, 201, "{body}");
        // Not theirs to do: deductions, villagers outside the grid, more than 4 to one villager.
        let (status, body) = award_json(&app, &worker, None, &give(vec![zhang], -1)).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let (status, body) = award_json(&app, &worker, None, &give(vec![wang], 1)).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let (status, body) = award_json(&app, &worker, None, &give(vec![zhang], 2)).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("limit_reached")), "{body}");
        let (status, preview) = app.call(&api::PreviewAward, Some(&worker), &give(vec![zhang], 2)).await;
        assert_eq!((status, preview["code"].as_str()), (409, Some("limit_reached")), "the preview says so first");
        // Four awards of 3 at once to four others: only one fits the 4 left today.
        let bodies: Vec<serde_json::Value> = more.iter().map(|id| give(vec![*id], 3)).collect();
        let answers = futures_util::future::join_all(bodies.iter().map(|body| award_json(&app, &worker, None, body))).await;
        let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{answers:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 3, "{answers:?}");
        let (_, read) = app.fetch(&limits, Some(&worker)).await;
        assert_eq!(read["used_today"], 9);
        app.assert_ledger_balanced().await;
    }

    async fn the_same_idempotency_key_awards_once(app) {
        let (ids, admin) = village(&app).await;
        let body = json!({"user_ids": [ids[0]], "points": 7, "reason": "志愿服务"});
        let first = award_json(&app, &admin, Some("k-1"), &body).await;
        assert_eq!(first.0, 201);
        assert_eq!(award_json(&app, &admin, Some("k-1"), &body).await, first, "a retry replays the answer");
        let (status, conflict) = award_json(&app, &admin, Some("k-1"), &json!({"user_ids": [ids[0]], "points": 8, "reason": "志愿服务"})).await;
        assert_eq!((status, conflict["code"].as_str()), (409, Some("idempotency_conflict")));
        // Ten taps at once with a new key: one award.
        let answers = futures_util::future::join_all((0..10).map(|_| award_json(&app, &admin, Some("k-2"), &body))).await;
        assert!(answers.iter().all(|a| a == &answers[0] && a.0 == 201), "{answers:?}");
        let zhang = app.villager_token("13900139001").await;
        let (_, balance) = app.fetch(&api::GetBalance, Some(&zhang)).await;
        assert_eq!(balance["available"], 14);
        // A key is the caller's own: another admin's same key is another request.
        let other = app.staff_token("13800138001", Role::TownshipAdmin, "410783101").await;
        assert_eq!(award_json(&app, &other, Some("k-1"), &body).await.0, 201);
        assert_eq!(award_json(&app, &admin, Some(""), &body).await.0, 400);
        assert_eq!(award_json(&app, &admin, Some(&"k".repeat(101)), &body).await.0, 400);
        app.assert_ledger_balanced().await;
    }

    async fn awards_are_checked_and_scoped(app) {
        let (ids, admin) = village(&app).await;
        let zhang = app.villager_token("13900139001").await;
        let (_, me) = app.fetch(&api::GetMe, Some(&admin)).await;
        let admin_id = me["id"].as_i64().unwrap();
        let reason = "文明户";
        for (token, body, status) in [
            (&admin, json!({"user_ids": [ids[0]], "points": 0, "reason": reason}), 400),
            (&admin, json!({"user_ids": [ids[0]], "points": 1001, "reason": reason}), 400),
            (&admin, json!({"user_ids": [ids[0]], "points": -1001, "reason": reason}), 400),
            (&admin, json!({"user_ids": [ids[0]], "points": i64::MIN, "reason": reason}), 400),
            (&admin, json!({"user_ids": [ids[0]], "rule_id": 1, "points": 5, "reason": reason}), 400),
            (&admin, json!({"user_ids": [ids[0], admin_id], "points": 5, "reason": reason}), 403),
            (&admin, json!({"user_ids": [], "points": 5, "reason": reason}), 400),
            (&admin, json!({"user_ids": (0..501).collect::<Vec<i64>>(), "points": 5, "reason": reason}), 400),
            (&admin, json!({"user_ids": [ids[0]], "points": 5, "reason": " "}), 400),
            (&admin, json!({"user_ids": [ids[0]], "points": 5}), 400),
            (&admin, json!({"user_ids": [ids[0]], "points": 5.5, "reason": reason}), 400),
            (&admin, json!({"user_ids": [999_999], "points": 5, "reason": reason}), 400),
            (&admin, json!({"user_ids": [ids[0], ids[2]], "points": 5, "reason": reason}), 403),
            (&zhang, json!({"user_ids": [ids[0]], "points": 5, "reason": reason}), 403),
        ] {
            let (got, answer) = award_json(&app, token, None, &body).await;
            assert_eq!(got, status, "{body}: {answer}");
            // The preview refuses the same, with the same code.
            let (previewed, said) = app.call(&api::PreviewAward, Some(token), &body).await;
            assert_eq!((previewed, &said["code"]), (got, &answer["code"]), "preview of {body}");
        }
        let (status, _) = app.call(&api::Award, None, &json!({"user_ids": [ids[0]], "points": 5, "reason": reason})).await;
        assert_eq!(status, 401);
        // Nothing moved.
        let (_, balance) = app.fetch(&api::GetBalance, Some(&zhang)).await;
        assert_eq!(balance["earned_total"], 0);
        let (_, history) = app.fetch(&api::PointsHistory { query: api::PageQuery { ..Default::default() } }, Some(&zhang)).await;
        assert_eq!(history, json!({"items": [], "next_cursor": null}));
        app.assert_ledger_balanced().await;
    }

    async fn the_rule_catalogue_ships_defaults_and_takes_county_and_village_rules(app) {
        let (_, admin) = village(&app).await;
        let (status, rules) = app.fetch(&api::ListRules { query: api::RulesQuery { village_code: LIUCUN.to_string() } }, None).await;
        assert_eq!(status, 200);
        let codes: Vec<&str> = rules.as_array().unwrap().iter().map(|r| r["code"].as_str().unwrap()).collect();
        assert_eq!(codes.len(), 12);
        assert_eq!(&codes[..2], ["garbage_sorting", "courtyard_tidy"]);
        let garbage = &rules[0];
        assert_eq!((garbage["name"].as_str(), garbage["category"].as_str(), garbage["points"].as_i64()), (Some("垃圾分类"), Some("environment"), Some(2)));
        assert_eq!((garbage["needs_photo"].as_bool(), garbage["daily_cap"].as_i64(), garbage["region_code"].as_str()), (Some(true), Some(1), None));
        let burning = rules.as_array().unwrap().iter().find(|r| r["code"] == "illegal_burning").unwrap();
        assert_eq!(burning["points"], -10);

        let rule = |code: &str, region: &str| json!({"code": code, "name": "清理河道", "category": "environment", "points": 4, "needs_photo": true, "daily_cap": null, "monthly_cap": 2, "region_code": region});
        let (status, created) = app.call(&api::CreateRule, Some(&admin), &rule("river_cleanup", LIUCUN)).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!((created["region_code"].as_str(), created["active"].as_bool()), (Some(LIUCUN), Some(true)));
        let (status, body) = app.call(&api::CreateRule, Some(&admin), &rule("river_cleanup", LIUCUN)).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_exists")));
        let county = app.staff_token("13800138009", Role::CountyAdmin, "410783").await;
        let (status, _) = app.call(&api::CreateRule, Some(&county), &rule("river_cleanup", "410783")).await;
        assert_eq!(status, 201, "the same code in another region");
        let (_, mine) = app.fetch(&api::ListRules { query: api::RulesQuery { village_code: LIUCUN.to_string() } }, None).await;
        let (_, theirs) = app.fetch(&api::ListRules { query: api::RulesQuery { village_code: "410783101229".into() } }, None).await;
        assert_eq!((mine.as_array().unwrap().len(), theirs.as_array().unwrap().len()), (14, 13));
        for (token, body, status) in [
            (&admin, rule("county_rule", "410783"), 403),
            (&admin, rule("other", "410783101229"), 403),
            (&admin, rule("Bad Code", LIUCUN), 400),
            (&admin, json!({"code": "x", "name": "x", "category": "weather", "points": 1, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN}), 400),
            (&admin, json!({"code": "x", "name": "x", "category": "law", "points": 0, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN}), 400),
            (&admin, json!({"code": "x", "name": "x", "category": "law", "points": 1, "needs_photo": false, "daily_cap": 0, "monthly_cap": null, "region_code": LIUCUN}), 400),
            (&county, rule("township_rule", "410783101"), 400),
        ] {
            let (got, answer) = app.call(&api::CreateRule, Some(token), &body).await;
            assert_eq!(got, status, "{body}: {answer}");
        }
        assert_eq!(app.fetch(&common::with_raw_query(api::ListRules { query: api::RulesQuery::default() }, ""), None).await.0, 400);
        assert_eq!(app.fetch(&api::ListRules { query: api::RulesQuery { village_code: "410783101".into() } }, None).await.0, 400);
    }

}
