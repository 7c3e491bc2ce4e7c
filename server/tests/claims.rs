//! Claims with photo evidence and their review by the grid (申报与审核), awards by rule, caps in
//! the county's day and month, and the village board, on both databases, with the ledger's
//! invariants checked after each test that moves points.

mod common;

use jifen_shared::api;

use common::TestApp;
use jifen_server::calendar::Calendar;
use jifen_server::points::claims::{self, ClaimError, Decision};
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::points::{ClaimStatus, NewClaim};
use jifen_shared::regions::RegionCode;
use serde_json::json;

const LIUCUN: &str = "410783101230";
const OTHER_VILLAGE: &str = "410783101229";
/// The shipped rule 垃圾分类 (2 points, photo, once a day) and 孝老爱亲 (5, no photo, twice a
/// month), 文明户 (20) and 乱堆乱放 (-5): ids from migration 0012.
const GARBAGE: i64 = 1;
const FILIAL: i64 = 4;
const CIVILIZED: i64 = 9;
const LITTERING: i64 = 11;

/// People of the scene, by id.
struct Village {
    /// 张三明 (13900139001, grid 001, household 0101).
    zhang: i64,
    /// 李四海 (…002, grid 001, household 0101: 张三明's household) — also a grid worker of 001.
    li: i64,
    /// 王五 (…003, no grid, household 0102).
    wang: i64,
    /// 赵六 of another village (…004).
    zhao: i64,
    /// The village admin's token.
    admin: String,
    /// The grid worker of grid 001 (a staff account of no household).
    grid_worker: String,
    grid: String,
}

/// 柳村 with two grids, three villagers and one of another village, a village admin, a grid
/// worker of grid 001, and 李四海 appointed grid worker of grid 001 too.
async fn village(app: &TestApp) -> Village {
    app.load_changyuan().await;
    let admin = app
        .staff_token("13800138000", Role::VillageAdmin, LIUCUN)
        .await;
    for name in ["第一网格", "第二网格"] {
        let (status, _) = app
            .call(
                &api::CreateGridIn,
                Some(&admin),
                &json!({"village_code": LIUCUN, "name": name}),
            )
            .await;
        assert_eq!(status, 201);
    }
    let csv = format!(
        "name,phone,village_code,grid_code,household\n\
         张三明,13900139001,{LIUCUN},{LIUCUN}-001,0101\n\
         李四海,13900139002,{LIUCUN},{LIUCUN}-001,0101\n\
         王五,13900139003,{LIUCUN},,0102\n\
         赵六,13900139004,{OTHER_VILLAGE},,0201\n"
    );
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE village_code IS NOT NULL ORDER BY id")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    let grid = format!("{LIUCUN}-001");
    let (status, body) = app
        .call(
            &api::GrantRole { id: ids[1] },
            Some(&admin),
            &json!({"role": "grid_worker", "region_code": grid}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let grid_worker = app
        .staff_token("13800138001", Role::GridWorker, &grid)
        .await;
    Village {
        zhang: ids[0],
        li: ids[1],
        wang: ids[2],
        zhao: ids[3],
        admin,
        grid_worker,
        grid,
    }
}

async fn claim(app: &TestApp, token: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    app.call(&api::CreateClaim, Some(token), body).await
}

async fn review(
    app: &TestApp,
    token: &str,
    id: i64,
    reject: Option<&str>,
) -> (u16, serde_json::Value) {
    match reject {
        None => {
            app.call(&api::ApproveClaim { id }, Some(token), &json!({}))
                .await
        }
        Some(reason) => {
            app.call(
                &api::RejectClaimOf { id },
                Some(token),
                &json!({"reason": reason}),
            )
            .await
        }
    }
}

fn ms(at: &str) -> i64 {
    at.parse::<jiff::Timestamp>().unwrap().as_millisecond()
}

db_tests! {
    async fn a_claim_with_a_photo_is_approved_by_the_grid_worker_and_credited_once(app) {
        let v = village(&app).await;
        let zhang = app.villager_token("13900139001").await;
        let picture = app.upload_photo(&zhang, 1).await;
        let (status, created) = claim(&app, &zhang, &json!({"rule_id": GARBAGE, "note": "  分好了厨余和可回收\r\n两袋\t整齐 ", "photo_ids": [picture]})).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!((created["status"].as_str(), created["points"].as_i64(), created["rule_name"].as_str()), (Some("pending"), Some(2), Some("垃圾分类")));
        assert_eq!((created["note"].as_str(), created["grid_code"].as_str()), (Some("分好了厨余和可回收\n两袋 整齐"), Some(v.grid.as_str())));
        assert_eq!(created["photos"], json!([{"media_id": picture, "reused_in": []}]));
        let id = created["id"].as_i64().unwrap();

        // The grid worker of grid 001 and the village admin see it; grid 002's does not.
        let (status, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&v.grid_worker)).await;
        assert_eq!(status, 200);
        assert_eq!(queue["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>(), [id]);
        assert_eq!(queue["items"][0]["claimant_name"], "张三明");
        let (_, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&v.admin)).await;
        assert_eq!(queue["items"].as_array().unwrap().len(), 1);
        let other_grid = app.staff_token("13800138002", Role::GridWorker, &format!("{LIUCUN}-002")).await;
        let (status, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&other_grid)).await;
        assert_eq!((status, queue["items"].as_array().unwrap().len()), (200, 0));
        assert_eq!(review(&app, &other_grid, id, None).await.0, 403);
        let (status, body) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&zhang)).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")));

        // Twenty approvals at once: one credit; each answers the approved claim.
        let answers = futures_util::future::join_all((0..20).map(|_| review(&app, &v.grid_worker, id, None))).await;
        assert!(answers.iter().all(|(s, c)| *s == 200 && c["status"] == "approved" && c["reviewer_name"] == "测试员"), "{answers:?}");
        assert_eq!(app.available_points(&zhang).await, 2);
        let credits: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ledger_transfers WHERE reference = $1")
            .bind(format!("claim:{id}"))
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(credits, 1);
        // Someone else approving, or anyone rejecting, after: 409.
        let (status, body) = review(&app, &v.admin, id, None).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_reviewed")));
        let (status, body) = review(&app, &v.grid_worker, id, Some("照片不清晰")).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_reviewed")));

        let (_, history) = app.fetch(&api::PointsHistory { query: api::PageQuery { ..Default::default() } }, Some(&zhang)).await;
        assert_eq!(history["items"][0]["reason"], "claim");
        assert_eq!(history["items"][0]["label"], "垃圾分类");
        assert_eq!(history["items"][0]["reference"], format!("claim:{id}"));
        assert_eq!(history["items"][0]["balance_after"], 2);
        let (_, mine) = app.fetch(&api::MyClaims { query: api::PageQuery { ..Default::default() } }, Some(&zhang)).await;
        assert_eq!(mine["items"][0]["status"], "approved");
        let (_, audit) = app.fetch(&api::AuditLog { query: api::AuditQuery { ..Default::default() } }, Some(&v.admin)).await;
        assert_eq!(audit["items"][0]["action"], "claim.approve");
        // The queue is empty now; the approved list has it.
        let (_, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&v.grid_worker)).await;
        assert_eq!(queue["items"], json!([]));
        let (_, done) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { status: Some("approved".into()), ..Default::default() } }, Some(&v.grid_worker)).await;
        assert_eq!(done["items"][0]["id"], id);
        assert_eq!(app.fetch(&api::ReviewQueue { query: api::ReviewQuery { status: Some("done".into()), ..Default::default() } }, Some(&v.grid_worker)).await.0, 400);
        app.assert_ledger_balanced().await;
    }

    async fn a_rejection_carries_its_reason_and_moves_nothing(app) {
        let v = village(&app).await;
        let wang = app.villager_token("13900139003").await;
        let (status, created) = claim(&app, &wang, &json!({"rule_id": FILIAL, "note": "照顾邻居老人"})).await;
        assert_eq!(status, 201, "{created}");
        assert_eq!(created["grid_code"], json!(null), "王五 is in no grid: his village reviews");
        let id = created["id"].as_i64().unwrap();
        // No grid: the grid worker of 001 does not see it; the village admin does.
        let (_, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&v.grid_worker)).await;
        assert_eq!(queue["items"], json!([]));
        assert_eq!(review(&app, &v.admin, id, Some(" ")).await.0, 400);
        assert_eq!(review(&app, &v.admin, id, Some(&"长".repeat(101))).await.0, 400);
        let (status, rejected) = review(&app, &v.admin, id, Some("不符合积分事项")).await;
        assert_eq!(status, 200, "{rejected}");
        assert_eq!((rejected["status"].as_str(), rejected["review_reason"].as_str()), (Some("rejected"), Some("不符合积分事项")));
        assert_eq!(review(&app, &v.admin, id, Some("不符合积分事项")).await.0, 200, "a retried tap");
        let (status, body) = review(&app, &v.admin, id, Some("照片不清晰")).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_reviewed")), "another reason is another decision");
        let (status, body) = review(&app, &v.admin, id, None).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_reviewed")));
        let (_, mine) = app.fetch(&api::MyClaims { query: api::PageQuery { ..Default::default() } }, Some(&wang)).await;
        assert_eq!((mine["items"][0]["status"].as_str(), mine["items"][0]["review_reason"].as_str()), (Some("rejected"), Some("不符合积分事项")));
        assert_eq!(app.available_points(&wang).await, 0);
        assert_eq!(review(&app, &v.admin, 999_999, None).await.0, 404);
        app.assert_ledger_balanced().await;
    }

    async fn nobody_reviews_their_own_or_their_households_claims(app) {
        let v = village(&app).await;
        let zhang = app.villager_token("13900139001").await;
        let li = app.villager_token("13900139002").await;
        let (_, mine) = claim(&app, &li, &json!({"rule_id": FILIAL})).await;
        let (_, family) = claim(&app, &zhang, &json!({"rule_id": FILIAL})).await;
        for id in [mine["id"].as_i64().unwrap(), family["id"].as_i64().unwrap()] {
            let (status, body) = review(&app, &li, id, None).await;
            assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
            assert_eq!(review(&app, &li, id, Some("x")).await.0, 403);
        }
        assert!(review(&app, &li, mine["id"].as_i64().unwrap(), None).await.1["message"].as_str().unwrap().contains("own claim"));
        assert!(review(&app, &li, family["id"].as_i64().unwrap(), None).await.1["message"].as_str().unwrap().contains("household"));
        // 李四海's queue leaves them out; another reviewer of the grid sees and decides them.
        let (_, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&li)).await;
        assert_eq!(queue["items"], json!([]));
        let (_, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&v.grid_worker)).await;
        assert_eq!(queue["items"].as_array().unwrap().len(), 2);
        assert_eq!(review(&app, &v.grid_worker, family["id"].as_i64().unwrap(), None).await.0, 200);
        app.assert_ledger_balanced().await;
    }

    async fn bad_claims_are_refused_with_their_reason(app) {
        let v = village(&app).await;
        let zhang = app.villager_token("13900139001").await;
        let own = app.upload_photo(&zhang, 2).await;
        let wang = app.villager_token("13900139003").await;
        let someone_elses = app.upload_photo(&wang, 3).await;
        let mut many = Vec::new();
        for seed in 10..17 {
            many.push(app.upload_photo(&zhang, seed).await);
        }
        let township_admin = app.staff_token("13800138005", Role::TownshipAdmin, "410783101").await;
        for (token, body, status, code) in [
            (&zhang, json!({"rule_id": GARBAGE, "note": "", "photo_ids": []}), 400, "photo_required"),
            (&zhang, json!({"rule_id": GARBAGE}), 400, "photo_required"),
            (&zhang, json!({"rule_id": GARBAGE, "photo_ids": [someone_elses]}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": GARBAGE, "photo_ids": [999_999]}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": GARBAGE, "photo_ids": many}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": LITTERING, "photo_ids": [own]}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": 999_999}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": FILIAL, "note": "长".repeat(501)}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": FILIAL, "note": "a\u{202E}b"}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": FILIAL, "note": "扶老人过马路\n\u{061C}"}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": FILIAL, "note": "\u{3164}"}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": FILIAL, "note": "a\u{200D}"}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": FILIAL, "points": 100}), 400, "invalid_input"),
            (&zhang, json!({"rule_id": "one"}), 400, "invalid_input"),
            (&township_admin, json!({"rule_id": FILIAL}), 403, "forbidden"),
        ] {
            let (got, answer) = claim(&app, token, &body).await;
            assert_eq!((got, answer["code"].as_str()), (status, Some(code)), "{body}: {answer}");
        }
        // A village's own rule is not claimable elsewhere; an inactive rule not at all.
        let (status, rule) = app.call(&api::CreateRule, Some(&v.admin), &json!({"code": "river", "name": "清理河道", "category": "environment", "points": 4, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN})).await;
        assert_eq!(status, 201);
        let zhao = app.villager_token("13900139004").await;
        assert_eq!(claim(&app, &zhao, &json!({"rule_id": rule["id"]})).await.0, 400);
        sqlx::query("UPDATE point_rules SET active = 0 WHERE id = $1").bind(rule["id"].as_i64().unwrap()).execute(app.db.writer()).await.unwrap();
        let (status, body) = claim(&app, &zhang, &json!({"rule_id": rule["id"]})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");
        assert_eq!(app.call(&api::CreateClaim, None, &json!({"rule_id": FILIAL})).await.0, 401);
        let (_, mine) = app.fetch(&api::MyClaims { query: api::PageQuery { ..Default::default() } }, Some(&zhang)).await;
        assert_eq!(mine["items"], json!([]), "nothing was stored");
    }

    async fn a_retried_claim_is_made_once(app) {
        let _v = village(&app).await;
        let zhang = app.villager_token("13900139001").await;
        let body = json!({"rule_id": FILIAL, "note": "照顾老人"});
        let send = || async {
            app.request(&api::CreateClaim).token(&zhang).idempotency_key("claim-1").json(&body).send().await.unwrap().json()
        };
        let answers = futures_util::future::join_all((0..5).map(|_| send())).await;
        assert!(answers.iter().all(|a| a == &answers[0] && a["status"] == "pending"), "{answers:?}");
        let (_, mine) = app.fetch(&api::MyClaims { query: api::PageQuery { ..Default::default() } }, Some(&zhang)).await;
        assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    }

    async fn caps_count_in_the_countys_day_and_month(app) {
        let v = village(&app).await;
        let (status, rule) = app.call(&api::CreateRule, Some(&v.admin), &json!({"code": "patrol3", "name": "夜间巡逻", "category": "law", "points": 3, "needs_photo": false, "daily_cap": 3, "monthly_cap": 4, "region_code": LIUCUN})).await;
        assert_eq!(status, 201, "{rule}");
        let rule_id = rule["id"].as_i64().unwrap();
        let calendar = Calendar::new(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
        let reviewer = [RoleGrant { role: Role::VillageAdmin, region_code: RegionCode::parse(LIUCUN).unwrap() }];
        let (_, me) = app.fetch(&api::GetMe, Some(&v.admin)).await;
        let admin_id = me["id"].as_i64().unwrap();
        let new = NewClaim { rule_id, note: String::new(), photo_ids: vec![] };
        let create = |at: &'static str| {
            let (db, calendar, new) = (app.db.clone(), calendar.clone(), new.clone());
            async move {
                let mut tx = db.begin_write().await.unwrap();
                let made = claims::create(&mut tx, &calendar, v.zhang, &new, ms(at)).await;
                tx.commit().await.unwrap();
                made
            }
        };
        let decide = |id: i64, at: &'static str| {
            let (db, calendar, reviewer) = (app.db.clone(), calendar.clone(), reviewer.clone());
            async move {
                let mut tx = db.begin_write().await.unwrap();
                let decided = claims::decide(&mut tx, &calendar, admin_id, &reviewer, id, &Decision::Approve, ms(at)).await;
                tx.commit().await.unwrap();
                decided
            }
        };
        // A claim made on 30 May and left pending (it counts in May, the month of the deed).
        let left = create("2026-05-30T02:00:00Z").await.unwrap().id;
        // 31 May, 23:20–23:30 in Shanghai (15:20–15:30 UTC): three claims, three approvals.
        let mut ids = Vec::new();
        for _ in 0..3 {
            ids.push(create("2026-05-31T15:20:00Z").await.unwrap().id);
        }
        assert!(matches!(create("2026-05-31T15:25:00Z").await, Err(ClaimError::CapReached { cap: 3, period: "day", .. })), "three pending today fill the day");
        for id in &ids {
            assert_eq!(decide(*id, "2026-05-31T15:30:00Z").await.unwrap().status, ClaimStatus::Approved);
        }
        // 00:10 on 1 June in Shanghai is still 31 May in UTC (16:10): a new county day and month.
        let june = create("2026-05-31T16:10:00Z").await.unwrap();
        assert_eq!(decide(june.id, "2026-05-31T16:10:30Z").await.unwrap().status, ClaimStatus::Approved);
        // 31 May is full.
        let late = create("2026-05-31T15:59:00Z").await;
        assert!(matches!(late, Err(ClaimError::CapReached { .. })), "31 May is full: {late:?}");
        // June: four claims fill the month (cap 4), whatever the day or the review.
        for (made, approved) in [("2026-06-02T02:00:00Z", "2026-06-02T03:00:00Z"), ("2026-06-03T02:00:00Z", "2026-06-09T03:00:00Z"), ("2026-06-04T02:00:00Z", "2026-07-04T03:00:00Z")] {
            let id = create(made).await.unwrap().id;
            decide(id, approved).await.unwrap();
        }
        let capped = create("2026-06-20T03:00:00Z").await;
        assert!(matches!(capped, Err(ClaimError::CapReached { cap: 4, period: "month", .. })), "{capped:?}");
        // The claim left pending since May is approved in June: it counts in May, which
        // holds 3 approved of 4.
        assert_eq!(decide(left, "2026-06-05T03:00:00Z").await.unwrap().status, ClaimStatus::Approved);
        // A cap lowered meanwhile stops an approval: a claim of 1 July, the July cap cut to 1
        // after another was approved.
        let july = create("2026-07-01T02:00:00Z").await.unwrap().id;
        let other = create("2026-07-01T03:00:00Z").await.unwrap().id;
        decide(other, "2026-07-01T04:00:00Z").await.unwrap();
        sqlx::query("UPDATE point_rules SET monthly_cap = 1 WHERE id = $1").bind(rule_id).execute(app.db.writer()).await.unwrap();
        let capped = decide(july, "2026-07-02T04:00:00Z").await;
        assert!(matches!(capped, Err(ClaimError::CapReached { cap: 1, period: "month", .. })), "{capped:?}");
        let zhang = app.villager_token("13900139001").await;
        assert_eq!(app.available_points(&zhang).await, 3 * (3 + 1 + 3 + 1 + 1));
        // Over HTTP, the shipped 垃圾分类 (once a day): a second claim today is refused.
        let picture = app.upload_photo(&zhang, 5).await;
        let (status, first) = claim(&app, &zhang, &json!({"rule_id": GARBAGE, "photo_ids": [picture]})).await;
        assert_eq!(status, 201, "{first}");
        let (status, body) = claim(&app, &zhang, &json!({"rule_id": GARBAGE, "photo_ids": [picture]})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("cap_reached")), "{body}");
        app.assert_ledger_balanced().await;
    }

    async fn a_photo_used_for_another_claim_is_flagged_to_the_reviewer(app) {
        let v = village(&app).await;
        let zhang = app.villager_token("13900139001").await;
        let wang = app.villager_token("13900139003").await;
        let first = app.upload_photo(&wang, 7).await;
        let again = app.upload_photo(&zhang, 7).await;
        assert_ne!(first, again);
        let (_, old) = claim(&app, &wang, &json!({"rule_id": GARBAGE, "photo_ids": [first]})).await;
        let (_, new) = claim(&app, &zhang, &json!({"rule_id": GARBAGE, "photo_ids": [again]})).await;
        assert_eq!(new["photos"][0]["reused_in"], json!([]), "the claimant's own view carries no flag");
        let (_, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { ..Default::default() } }, Some(&v.admin)).await;
        let flagged = queue["items"].as_array().unwrap().iter().find(|c| c["id"] == new["id"]).unwrap();
        let reuse = &flagged["photos"][0]["reused_in"];
        assert_eq!(reuse.as_array().unwrap().len(), 1);
        assert_eq!((reuse[0]["claim_id"].as_i64(), reuse[0]["claimant_name"].as_str(), reuse[0]["rule_name"].as_str()), (old["id"].as_i64(), Some("王*"), Some("垃圾分类")));
    }

    async fn awards_by_rule_use_the_rules_points_and_name(app) {
        let v = village(&app).await;
        let (status, body) = app.call(&api::Award, Some(&v.admin), &json!({"user_ids": [v.zhang, v.wang], "rule_id": CIVILIZED})).await;
        assert_eq!(status, 201, "{body}");
        let (status, body) = app.call(&api::Award, Some(&v.admin), &json!({"user_ids": [v.wang], "rule_id": LITTERING, "reason": "村口堆放秸秆"})).await;
        assert_eq!(status, 201, "{body}");
        let wang = app.villager_token("13900139003").await;
        assert_eq!(app.available_points(&wang).await, 15);
        let award_reasons: Vec<(Option<i64>, String, i64)> = sqlx::query_as("SELECT rule_id, reason, points FROM point_awards ORDER BY id")
            .fetch_all(app.db.reader()).await.unwrap();
        assert_eq!(award_reasons, [(Some(CIVILIZED), "文明户".to_owned(), 20), (Some(LITTERING), "村口堆放秸秆".to_owned(), -5)]);
        let (status, rule) = app.call(&api::CreateRule, Some(&v.admin), &json!({"code": "river", "name": "清理河道", "category": "environment", "points": 4, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN})).await;
        assert_eq!(status, 201);
        let county = app.staff_token("13800138009", Role::CountyAdmin, "410783").await;
        // 李四海, made village admin, awards nobody of his own household (张三明).
        let (status, body) = app.call(&api::GrantRole { id: v.li }, Some(&county), &json!({"role": "village_admin", "region_code": LIUCUN})).await;
        assert_eq!(status, 200, "{body}");
        let li = app.villager_token("13900139002").await;
        let (status, body) = app.call(&api::Award, Some(&li), &json!({"user_ids": [v.zhang, v.wang], "rule_id": CIVILIZED})).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("household"));
        let (status, _) = app.call(&api::Award, Some(&li), &json!({"user_ids": [v.wang], "points": 1, "reason": "帮忙"})).await;
        assert_eq!(status, 201);
        for (body, status) in [
            (json!({"user_ids": [v.zhao], "rule_id": rule["id"]}), 400),
            (json!({"user_ids": [v.zhang], "rule_id": 999_999}), 400),
            (json!({"user_ids": [v.zhang]}), 400),
            (json!({"user_ids": [v.zhang], "rule_id": CIVILIZED, "points": 20}), 400),
        ] {
            let (got, answer) = app.call(&api::Award, Some(&county), &body).await;
            assert_eq!(got, status, "{body}: {answer}");
        }
        app.assert_ledger_balanced().await;
    }

    async fn an_award_racing_a_move_follows_the_villager(app) {
        let v = village(&app).await;
        let county = app.staff_token("13800138009", Role::CountyAdmin, "410783").await;
        // 赵六 is being moved to 留村 (an import's transaction, not yet committed) while an award
        // for him is under way: the award waits for the move and its points land on 留村's board.
        let mut moving = app.db.begin_write().await.unwrap();
        sqlx::query("UPDATE people SET village_code = $1 WHERE id = $2").bind(LIUCUN).bind(v.zhao)
            .execute(&mut *moving).await.unwrap();
        jifen_server::ledger::figures::moved(&mut moving, v.zhao, LIUCUN).await.unwrap();
        let body = json!({"user_ids": [v.zhao], "points": 7, "reason": "见义勇为"});
        let ((status, body), ()) = tokio::join!(
            app.call(&api::Award, Some(&county), &body),
            async move {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                moving.commit().await.unwrap();
            }
        );
        assert_eq!(status, 201, "{body}");
        let (_, board) = app.fetch(&api::VillageBoard { code: LIUCUN.to_string() }, None).await;
        assert_eq!((board["movements"][0]["villager_name"].as_str(), board["movements"][0]["points"].as_i64()), (Some("赵*"), Some(7)));
        assert_eq!(board["monthly_ranking"][0]["points"].as_i64(), Some(7));
        app.assert_ledger_balanced().await;
    }

    async fn the_village_board_shows_masked_names_officials_and_rankings(app) {
        let v = village(&app).await;
        let zhang = app.villager_token("13900139001").await;
        let (_, c) = claim(&app, &zhang, &json!({"rule_id": FILIAL})).await;
        assert_eq!(review(&app, &v.grid_worker, c["id"].as_i64().unwrap(), None).await.0, 200);
        app.call(&api::Award, Some(&v.admin), &json!({"user_ids": [v.wang], "points": 6, "reason": "帮助邻里"})).await;
        app.call(&api::Award, Some(&v.admin), &json!({"user_ids": [v.li], "points": 8, "reason": "矛盾调解"})).await;
        app.call(&api::Award, Some(&v.admin), &json!({"user_ids": [v.li], "points": -3, "reason": "乱堆乱放"})).await;
        app.call(&api::Award, Some(&v.admin), &json!({"user_ids": [v.zhao], "points": 9, "reason": "别村"})).await;
        let (status, board) = app.fetch(&api::VillageBoard { code: LIUCUN.to_string() }, None).await;
        assert_eq!(status, 200, "{board}");
        assert_eq!(board["village_name"], "留村村委会");
        let movements: Vec<(&str, &str, i64, &str)> = board["movements"].as_array().unwrap().iter().map(|m| (m["villager_name"].as_str().unwrap(), m["reason"].as_str().unwrap(), m["points"].as_i64().unwrap(), m["actor_name"].as_str().unwrap())).collect();
        assert_eq!(movements, [("李*海", "乱堆乱放", -3, "测试员"), ("李*海", "矛盾调解", 8, "测试员"), ("王*", "帮助邻里", 6, "测试员"), ("张*明", "孝老爱亲", 5, "测试员")]);
        let ranking = |key: &str| -> Vec<(u64, String, i64)> { board[key].as_array().unwrap().iter().map(|r| (r["rank"].as_u64().unwrap(), r["villager_name"].as_str().unwrap().to_owned(), r["points"].as_i64().unwrap())).collect() };
        // Net points earned; equal points share a rank; 赵六 of another village is not here.
        let expected = vec![(1, "王*".to_owned(), 6), (2, "张*明".to_owned(), 5), (2, "李*海".to_owned(), 5)];
        assert_eq!(ranking("monthly_ranking"), expected);
        assert_eq!(ranking("yearly_ranking"), expected);
        assert!(!board.to_string().contains("张三明"), "no full villager name on the board");
        // 赵六, who earned 9 points in his village, moves to 留村 (the county's import): his
        // points come along to its board.
        let county = app.staff_token("13800138009", Role::CountyAdmin, "410783").await;
        let (status, body) = app.call(&api::Award, Some(&county), &json!({"user_ids": [v.zhao], "points": 9, "reason": "见义勇为"})).await;
        assert_eq!(status, 201, "{body}");
        let csv = format!("name,phone,village_code,grid_code,household\n赵六,13900139004,{LIUCUN},,0301\n");
        let report = jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!(report.updated, 1, "{report:?}");
        let (_, board) = app.fetch(&api::VillageBoard { code: LIUCUN.to_string() }, None).await;
        assert_eq!(board["movements"][0]["villager_name"], "赵*");
        assert_eq!((board["monthly_ranking"][0]["villager_name"].as_str(), board["yearly_ranking"][0]["points"].as_i64()), (Some("赵*"), Some(9)));
        app.assert_ledger_balanced().await;
        // Counted again from the earnings when the time zone they were counted in is not the
        // county's (a changed setting): the same rankings.
        sqlx::query("UPDATE ledger_figures_state SET timezone = 'UTC'").execute(app.db.writer()).await.unwrap();
        sqlx::query("DELETE FROM ledger_earned_totals").execute(app.db.writer()).await.unwrap();
        jifen_server::ledger::figures::ensure(&app.db).await.unwrap();
        let (_, again) = app.fetch(&api::VillageBoard { code: LIUCUN.to_string() }, None).await;
        assert_eq!((again["monthly_ranking"].clone(), again["yearly_ranking"].clone()), (board["monthly_ranking"].clone(), board["yearly_ranking"].clone()));
        assert_eq!(app.fetch(&api::VillageBoard { code: "999999999999".into() }, None).await.0, 404);
        // Not a village code at all (a township's, letters): refused before any lookup.
        for code in ["410783101", "abc"] {
            let (status, body) = app.fetch(&api::VillageBoard { code: code.into() }, None).await;
            assert_eq!((status, body), (400, json!({"code": "invalid_input", "message": "code: a village code is 12 digits"})), "{code}");
        }
        app.assert_ledger_balanced().await;
    }
}
