//! Service orders (五单) and ratings (好差评): ordering, claiming under a race, dispatch,
//! completion, cancellation, escalation, ratings and the volunteer's pay, rectifications, the
//! summary and the inbox, on both databases, with the ledger's invariants checked.

mod common;

use jifen_shared::api;

use common::TestApp;
use jifen_shared::auth::Role;
use serde_json::{Value, json};

const LIUCUN: &str = "410783101230";
const OTHER_VILLAGE: &str = "410783101229";
/// The shipped 代办跑腿 (5 points) and 家电维修 (8): ids from migration 0018.
const ERRAND: i64 = 1;
const REPAIR: i64 = 4;

struct Scene {
    admin: String,
    township: String,
    grid_worker: String,
    /// 张三明 of grid 001, household 0101: orders.
    zhang: String,
    /// 李四海, household 0101 (张三明's): a volunteer of 留村.
    li: String,
    /// Ten volunteers of 留村, each their own household, with their ids.
    volunteers: Vec<(i64, String)>,
    /// 赵六, a volunteer of another village.
    zhao: String,
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
    let mut csv = format!(
        "name,phone,village_code,grid_code,household\n\
         张三明,13900139001,{LIUCUN},{LIUCUN}-001,0101\n\
         李四海,13900139002,{LIUCUN},{LIUCUN}-001,0101\n\
         赵六,13900139003,{OTHER_VILLAGE},,0201\n"
    );
    for i in 0..10 {
        csv.push_str(&format!("志愿者{i},1390013910{i},{LIUCUN},,10{i:02}\n"));
    }
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let id_of = |phone: String| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM people WHERE phone = $1")
            .bind(format!("+86{phone}"))
            .fetch_one(app.db.reader())
            .await
            .unwrap()
    };
    let township = app
        .staff_token("13800138002", Role::TownshipAdmin, "410783101")
        .await;
    let volunteer = |phone: &'static str, region: &'static str| {
        let township = township.clone();
        async move {
            let id = id_of(phone.to_owned()).await;
            let (status, body) = app
                .call(
                    &api::GrantRole { id },
                    Some(&township),
                    &json!({"role": "volunteer", "region_code": region}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            (id, app.villager_token(phone).await)
        }
    };
    let mut volunteers = Vec::new();
    for phone in [
        "13900139100",
        "13900139101",
        "13900139102",
        "13900139103",
        "13900139104",
        "13900139105",
        "13900139106",
        "13900139107",
        "13900139108",
        "13900139109",
    ] {
        volunteers.push(volunteer(phone, LIUCUN).await);
    }
    Scene {
        grid_worker: app
            .staff_token("13800138001", Role::GridWorker, &format!("{LIUCUN}-001"))
            .await,
        zhang: app.villager_token("13900139001").await,
        li: volunteer("13900139002", LIUCUN).await.1,
        zhao: volunteer("13900139003", OTHER_VILLAGE).await.1,
        volunteers,
        admin,
        township,
    }
}

async fn order(app: &TestApp, token: &str, type_id: i64) -> Value {
    let (status, order) = app
        .call(
            &api::CreateOrder,
            Some(token),
            &json!({"type_id": type_id, "description": "帮忙到镇上代缴电费", "photo_ids": []}),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    order
}

fn kinds(order: &Value) -> Vec<&str> {
    order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

db_tests! {
    async fn ten_volunteers_claim_at_once_and_one_wins(app) {
        let s = scene(&app).await;
        // A retried order (same Idempotency-Key) is one order.
        let body = json!({"type_id": ERRAND, "description": "帮忙取药", "address": " ", "photo_ids": []});
        let send = || async {
            let r = app.request(&api::CreateOrder).token(&s.zhang)
                .idempotency_key("order-1").json(&body).send().await.unwrap();
            (r.status, r.json())
        };
        let (a, b) = tokio::join!(send(), send());
        assert_eq!((a.0, b.0), (201, 201));
        assert_eq!(a.1, b.1);
        let id = a.1["id"].clone();
        assert_eq!((a.1["status"].as_str(), a.1["address"].clone(), a.1["reward_points"].as_i64()), (Some("open"), Value::Null, Some(5)));
        let orders: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM service_orders").fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(orders, 1);
        // Volunteers of 留村 see it, masked; 赵六 of another village does not.
        let (_, open) = app.fetch(&api::AvailableOrders { query: api::PageQuery { ..Default::default() } }, Some(&s.volunteers[0].1)).await;
        assert_eq!((open["items"][0]["id"].clone(), open["items"][0]["orderer_name"].as_str(), open["items"][0]["orderer_phone"].clone()), (id.clone(), Some("张*明"), Value::Null));
        assert_eq!(app.fetch(&api::AvailableOrders { query: api::PageQuery { ..Default::default() } }, Some(&s.zhao)).await.1["items"], json!([]));
        let claims = s.volunteers.iter().map(|(_, token)| app.act_on_order(token, id.as_i64().unwrap(), "claim", json!({})));
        let results = futures_util::future::join_all(claims).await;
        let mut statuses: Vec<u16> = results.iter().map(|(s, _)| *s).collect();
        statuses.sort();
        assert_eq!(statuses, [200, 409, 409, 409, 409, 409, 409, 409, 409, 409], "{results:?}");
        assert!(results.iter().filter(|(s, _)| *s == 409).all(|(_, b)| b["code"] == "already_claimed"));
        let (_, winner) = results.iter().find(|(s, _)| *s == 200).unwrap();
        let winner_id = winner["volunteer_id"].as_i64().unwrap();
        let winner_token = &s.volunteers.iter().find(|(v, _)| *v == winner_id).unwrap().1;
        assert_eq!((winner["orderer_name"].as_str(), winner["orderer_phone"].as_str()), (Some("张三明"), Some("+8613900139001")));
        // The winner tapping again is answered the order.
        assert_eq!(app.act_on_order(winner_token, id.as_i64().unwrap(), "claim", json!({})).await.0, 200);
        let (_, mine) = app.fetch(&api::MyOrders { query: api::PageQuery { ..Default::default() } }, Some(&s.zhang)).await;
        assert_eq!(kinds(&mine["items"][0]), ["ordered", "claimed"]);
        let claims: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM service_order_events WHERE kind = 'claimed'").fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(claims, 1);
        // The orderer was told, once.
        let (_, unread) = app.fetch(&api::InboxUnread, Some(&s.zhang)).await;
        assert_eq!(unread["count"], 1);
        let (_, inbox) = app.fetch(&api::InboxList { query: api::PageQuery { ..Default::default() } }, Some(&s.zhang)).await;
        assert_eq!(inbox["items"][0]["kind"], "order_claimed");
        assert_eq!(inbox["items"][0]["reference"], format!("order:{id}"));
        let (status, read) = app.call(&api::InboxReadOne { id: inbox["items"][0]["id"].as_i64().unwrap() }, Some(&s.zhang), &json!({})).await;
        assert_eq!((status, read["count"].as_i64()), (200, Some(0)));
        assert_eq!(app.call(&api::InboxReadOne { id: inbox["items"][0]["id"].as_i64().unwrap() }, Some(&s.li), &json!({})).await.0, 404, "not theirs");
    }

    async fn an_order_completed_and_rated_pays_the_volunteer_once(app) {
        let s = scene(&app).await;
        let o = order(&app, &s.zhang, REPAIR).await;
        let id = o["id"].as_i64().unwrap();
        let (v_id, v) = &s.volunteers[0];
        assert_eq!(app.act_on_order(v, id, "claim", json!({})).await.0, 200);
        // Only the claimer completes; a note is needed.
        let (status, _) = app.act_on_order(&s.volunteers[1].1, id, "complete", json!({"note": "修好了"})).await;
        assert_eq!(status, 403);
        let (status, body) = app.act_on_order(v, id, "complete", json!({"note": "  "})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")));
        let photo = app.upload_photo(v, 3).await;
        let (status, done) = app.act_on_order(v, id, "complete", json!({"note": "换了电源线，修好了", "photo_ids": [photo]})).await;
        assert_eq!(status, 200, "{done}");
        // The completion photo: the orderer and admins see it, strangers are told it does not exist.
        for (token, expected) in [(&s.zhang, 200), (&s.admin, 200), (&s.zhao, 404), (&s.volunteers[1].1, 404)] {
            assert_eq!(app.fetch(&api::GetMediaThumb { id: photo }, Some(token)).await.0, expected);
        }
        assert_eq!((done["status"].as_str(), done["completion_photo_ids"].clone()), (Some("completed"), json!([photo])));
        // Rating: only the orderer, 1–5 stars, once.
        for stars in [0, 6, -1] {
            let (status, _) = app.act_on_order(&s.zhang, id, "rate", json!({"stars": stars})).await;
            assert_eq!(status, 400, "{stars} stars");
        }
        let (status, _) = app.act_on_order(v, id, "rate", json!({"stars": 5})).await;
        assert_eq!(status, 403);
        let rate = || app.act_on_order(&s.zhang, id, "rate", json!({"stars": 5, "comment": "师傅很耐心"}));
        let (a, b) = tokio::join!(rate(), rate());
        assert_eq!((a.0, b.0), (200, 200), "the same rating twice is a retried tap: {a:?} {b:?}");
        let rated = a.1;
        assert_eq!((rated["rating"]["stars"].as_i64(), rated["rating"]["grade"].as_str(), rated["paid"].as_bool()), (Some(5), Some("good"), Some(true)));
        assert_eq!(kinds(&rated), ["ordered", "claimed", "completed", "rated", "paid"]);
        let (status, body) = app.act_on_order(&s.zhang, id, "rate", json!({"stars": 1})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_rated")));
        assert_eq!(app.available_points(v).await, 8, "家电维修 pays 8, once");
        let (_, history) = app.fetch(&api::PointsHistory { query: api::PageQuery { ..Default::default() } }, Some(v)).await;
        assert_eq!(history["items"].as_array().unwrap().len(), 1);
        // Paid from 樊相镇's service budget.
        let budget: i64 = sqlx::query_scalar(
            "SELECT CAST(credits_posted - debits_posted AS BIGINT) FROM ledger_accounts WHERE kind = 'service_budget' AND region_code = '410783101'")
            .fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(budget, -8);
        let paid_to: i64 = sqlx::query_scalar(
            "SELECT a.person_id FROM ledger_transfers t JOIN ledger_accounts a ON a.id = t.credit_account_id WHERE t.reference = $1")
            .bind(format!("order:{id}")).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(paid_to, *v_id);
        app.assert_ledger_balanced().await;
    }

    async fn bad_input_and_wrong_people_are_refused(app) {
        let s = scene(&app).await;
        let new = |body: Value| {
            let (app, zhang) = (&app, &s.zhang);
            async move { app.call(&api::CreateOrder, Some(zhang), &body).await }
        };
        let (status, body) = new(json!({"type_id": ERRAND, "description": ""})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")));
        let (status, body) = new(json!({"type_id": ERRAND, "description": "长".repeat(5000)})).await;
        assert_eq!(status, 400);
        assert!(body["message"].as_str().unwrap().contains("at most 1000"), "{body}");
        assert_eq!(new(json!({"type_id": 9999, "description": "x"})).await.0, 400);
        let others = app.upload_photo(&s.li, 1).await;
        assert_eq!(new(json!({"type_id": ERRAND, "description": "x", "photo_ids": [others]})).await.0, 400);
        // The order's photo: volunteers of the area see it while it is open.
        let own = app.upload_photo(&s.zhang, 2).await;
        let (status, with_photo) = new(json!({"type_id": ERRAND, "description": "门口的路灯坏了", "photo_ids": [own, own]})).await;
        assert_eq!((status, with_photo["photo_ids"].clone()), (201, json!([own])));
        for (token, expected) in [(&s.volunteers[5].1, 200), (&s.grid_worker, 200), (&s.zhao, 404), (&s.li, 200)] {
            assert_eq!(app.fetch(&api::GetMediaThumb { id: own }, Some(token)).await.0, expected);
        }
        assert_eq!(app.call(&api::CreateOrder, Some(&s.admin), &json!({"type_id": ERRAND, "description": "x"})).await.0, 403, "staff of no village");
        let o = order(&app, &s.zhang, ERRAND).await;
        let id = o["id"].as_i64().unwrap();
        // Outside the area, the orderer's own household: forbidden.
        let (status, _) = app.act_on_order(&s.zhao, id, "claim", json!({})).await;
        assert_eq!(status, 403);
        let (status, body) = app.act_on_order(&s.li, id, "claim", json!({})).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let v = &s.volunteers[0].1;
        assert_eq!(app.act_on_order(v, id, "claim", json!({})).await.0, 200);
        // Cancelling a claimed order: not cancellable; releasing someone else's: forbidden.
        let (status, body) = app.act_on_order(&s.zhang, id, "cancel", json!({})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("not_cancellable")));
        assert_eq!(app.act_on_order(&s.volunteers[1].1, id, "release", json!({})).await.0, 403);
        assert_eq!(app.act_on_order(&s.zhao, id, "release", json!({})).await.0, 404, "a stranger does not learn it exists");
        let (status, back) = app.act_on_order(v, id, "release", json!({})).await;
        assert_eq!((status, back["status"].as_str()), (200, Some("open")));
        // Rating an open order: wrong state; completing it unclaimed: forbidden.
        let (status, body) = app.act_on_order(&s.zhang, id, "rate", json!({"stars": 4})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("wrong_state")));
        assert_eq!(app.act_on_order(v, id, "complete", json!({"note": "x"})).await.0, 403);
        let (status, gone) = app.act_on_order(&s.zhang, id, "cancel", json!({})).await;
        assert_eq!((status, gone["status"].as_str()), (200, Some("cancelled")));
        assert_eq!(app.act_on_order(&s.zhang, id, "cancel", json!({})).await.0, 200, "a retried cancel");
        assert_eq!(app.act_on_order(v, id, "claim", json!({})).await.1["code"], "already_claimed");
        assert_eq!(kinds(&gone), ["ordered", "claimed", "released", "cancelled"]);
        // Strangers do not see it.
        assert_eq!(app.fetch(&api::GetOrder { id }, Some(&s.zhao)).await.0, 404);
        assert_eq!(app.fetch(&api::GetOrder { id }, Some(&s.admin)).await.0, 200);
    }

    async fn a_bad_rating_is_rectified_then_rated_again(app) {
        let s = scene(&app).await;
        let o = order(&app, &s.zhang, ERRAND).await;
        let id = o["id"].as_i64().unwrap();
        let v = &s.volunteers[2].1;
        app.act_on_order(v, id, "claim", json!({})).await;
        app.act_on_order(v, id, "complete", json!({"note": "已代缴"})).await;
        let (status, bad) = app.act_on_order(&s.zhang, id, "rate", json!({"stars": 2, "comment": "来得太晚"})).await;
        assert_eq!(status, 200);
        assert_eq!((bad["rating"]["grade"].as_str(), bad["paid"].as_bool(), bad["rectification"]["status"].as_str()), (Some("bad"), Some(false), Some("open")));
        assert_eq!(app.available_points(v).await, 0);
        let (status, body) = app.act_on_order(&s.zhang, id, "rate", json!({"stars": 4})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_rated")), "not before the rectification");
        let (_, summary) = app.fetch(&api::RatingsSummaryOf { query: api::SummaryQuery { region_code: "410783101".into(), ..Default::default() } }, Some(&s.township)).await;
        let liucun = summary["regions"].as_array().unwrap().iter().find(|r| r["region_code"] == LIUCUN).unwrap().clone();
        assert_eq!((liucun["bad"].as_i64(), liucun["open_rectifications"].as_i64(), liucun["average_stars"].as_f64()), (Some(1), Some(1), Some(2.0)));
        assert_eq!(summary["total"]["bad"], 1);
        // The village admin closes it; the villager rates again and the volunteer is paid.
        let (_, list) = app.fetch(&api::ListRectifications { query: api::RectificationsQuery { status: Some("open".into()) } }, Some(&s.admin)).await;
        let rid = list[0]["id"].as_i64().unwrap();
        assert_eq!(app.fetch(&api::ListRectifications { query: api::RectificationsQuery { status: Some("maybe".into()) } }, Some(&s.admin)).await.0, 400);
        let (status, _) = app.call(&api::CloseRectificationOf { id: rid }, Some(&s.grid_worker), &json!({"follow_up": "已约谈"})).await;
        assert_eq!(status, 404, "grid workers do not close rectifications");
        let (status, closed) = app.call(&api::CloseRectificationOf { id: rid }, Some(&s.admin), &json!({"follow_up": "已约谈志愿者，改进上门时间"})).await;
        assert_eq!((status, closed["status"].as_str()), (200, Some("closed")));
        let (status, good) = app.act_on_order(&s.zhang, id, "rate", json!({"stars": 4, "comment": "改进了"})).await;
        assert_eq!(status, 200);
        assert_eq!((good["rating"]["round"].as_i64(), good["paid"].as_bool()), (Some(2), Some(true)));
        assert_eq!(app.available_points(v).await, 5);
        assert_eq!(app.act_on_order(&s.zhang, id, "rate", json!({"stars": 5})).await.0, 409);
        let (_, summary) = app.fetch(&api::RatingsSummaryOf { query: api::SummaryQuery { region_code: LIUCUN.to_string(), ..Default::default() } }, Some(&s.admin)).await;
        let t = &summary["total"];
        assert_eq!((t["good"].as_i64(), t["bad"].as_i64(), t["closed_rectifications"].as_i64(), t["closed_in_time_share"].as_f64(), t["average_stars"].as_f64()),
                   (Some(1), Some(0), Some(1), Some(1.0), Some(4.0)));
        assert_eq!(app.fetch(&api::RatingsSummaryOf { query: api::SummaryQuery { region_code: "410783102".into(), ..Default::default() } }, Some(&s.admin)).await.0, 403);
        // The monthly report: this month has them, an old month is empty, a bad month refused.
        let month = jifen_server::calendar::Calendar::new(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
            .month_label(jifen_server::storage::now_ms());
        let (_, this) = app.fetch(&api::RatingsSummaryOf { query: api::SummaryQuery { region_code: LIUCUN.to_string(), month: Some(month.to_string()) } }, Some(&s.admin)).await;
        assert_eq!((this["month"].as_str(), this["total"]["good"].as_i64(), this["total"]["closed_rectifications"].as_i64()), (Some(month.as_str()), Some(1), Some(1)));
        let (_, old) = app.fetch(&api::RatingsSummaryOf { query: api::SummaryQuery { region_code: LIUCUN.to_string(), month: Some("2020-01".into()) } }, Some(&s.admin)).await;
        assert_eq!((old["total"]["good"].as_i64(), old["total"]["average_stars"].clone()), (Some(0), Value::Null));
        assert_eq!(app.fetch(&api::RatingsSummaryOf { query: api::SummaryQuery { region_code: LIUCUN.to_string(), month: Some("2026-13".into()) } }, Some(&s.admin)).await.0, 400);
        app.assert_ledger_balanced().await;
    }

    async fn unclaimed_orders_escalate_and_unrated_ones_rate_themselves(app) {
        let s = scene(&app).await;
        let o = order(&app, &s.zhang, ERRAND).await;
        let id = o["id"].as_i64().unwrap();
        let created: i64 = sqlx::query_scalar("SELECT created_at FROM service_orders WHERE id = $1").bind(id).fetch_one(app.db.reader()).await.unwrap();
        let sla = 3_600_000;
        // Not due yet: nothing; the grid worker's queue is empty.
        assert_eq!(jifen_server::services::sweep(&app.db, sla, created + sla - 1).await.unwrap(), (0, 0));
        assert_eq!(app.fetch(&api::RegionOrders { query: api::PageQuery { ..Default::default() } }, Some(&s.grid_worker)).await.1["items"], json!([]));
        assert_eq!(jifen_server::services::sweep(&app.db, sla, created + sla).await.unwrap(), (1, 0));
        let (_, queue) = app.fetch(&api::RegionOrders { query: api::PageQuery { ..Default::default() } }, Some(&s.grid_worker)).await;
        assert_eq!((queue["items"][0]["id"].as_i64(), queue["items"][0]["escalation_level"].as_i64()), (Some(id), Some(1)));
        // One level per sweep as time passes, never past the township.
        jifen_server::services::sweep(&app.db, sla, created + 2 * sla).await.unwrap();
        jifen_server::services::sweep(&app.db, sla, created + 10 * sla).await.unwrap();
        jifen_server::services::sweep(&app.db, sla, created + 20 * sla).await.unwrap();
        let (_, o) = app.fetch(&api::GetOrder { id }, Some(&s.zhang)).await;
        assert_eq!(o["escalation_level"], 3);
        let notes: Vec<&str> = o["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "escalated").map(|e| e["note"].as_str().unwrap()).collect();
        assert_eq!(notes, ["网格员", "村管理员", "乡镇（街道）"]);
        assert_eq!(app.fetch(&api::InboxUnread, Some(&s.zhang)).await.1["count"], 3);
        // The township admin dispatches it to a volunteer of 留村 (not to a non-volunteer).
        let (status, body) = app.call(&api::DispatchOrder { id }, Some(&s.township), &json!({"volunteer_id": 1})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");
        let (v_id, v) = &s.volunteers[3];
        let (status, sent) = app.call(&api::DispatchOrder { id }, Some(&s.township), &json!({"volunteer_id": v_id})).await;
        assert_eq!((status, sent["status"].as_str(), sent["volunteer_id"].as_i64()), (200, Some("claimed"), Some(*v_id)));
        let masked = sent["orderer_phone"].as_str().unwrap();
        assert!(masked.contains("****") && !masked.contains("13900139001"), "a township admin sees a masked number: {masked}");
        let (_, own_staff) = app.fetch(&api::GetOrder { id }, Some(&s.admin)).await;
        assert_eq!(own_staff["orderer_phone"], "+8613900139001", "the village's own admin sees it in full");
        assert_eq!(app.call(&api::DispatchOrder { id }, Some(&s.volunteers[4].1), &json!({"volunteer_id": v_id})).await.0, 403);
        assert_eq!(app.fetch(&api::InboxList { query: api::PageQuery { ..Default::default() } }, Some(v)).await.1["items"][0]["kind"], "order_dispatched");
        let (_, done) = app.act_on_order(v, id, "complete", json!({"note": "已办好"})).await;
        assert_eq!(done["status"], "completed");
        // Not rated within 7 days: 中评, and the volunteer is paid.
        let completed: i64 = sqlx::query_scalar("SELECT completed_at FROM service_orders WHERE id = $1").bind(id).fetch_one(app.db.reader()).await.unwrap();
        let week = 7 * 24 * 3_600_000;
        assert_eq!(jifen_server::services::sweep(&app.db, sla, completed + week - 1).await.unwrap(), (0, 0));
        assert_eq!(jifen_server::services::sweep(&app.db, sla, completed + week).await.unwrap(), (0, 1));
        assert_eq!(jifen_server::services::sweep(&app.db, sla, completed + week + 1).await.unwrap(), (0, 0));
        let (_, o) = app.fetch(&api::GetOrder { id }, Some(&s.zhang)).await;
        assert_eq!((o["rating"]["stars"].as_i64(), o["rating"]["automatic"].as_bool(), o["paid"].as_bool()), (Some(3), Some(true), Some(true)));
        assert_eq!(app.available_points(v).await, 5);
        app.assert_ledger_balanced().await;
    }

    async fn a_released_order_waits_a_whole_sla_before_it_escalates_again(app) {
        let s = scene(&app).await;
        let o = order(&app, &s.zhang, ERRAND).await;
        let id = o["id"].as_i64().unwrap();
        let sla = 3_600_000;
        // Ordered three SLAs ago and held by a volunteer ever since, then given back.
        sqlx::query("UPDATE service_orders SET created_at = created_at - $1, open_since = open_since - $1 WHERE id = $2")
            .bind(3 * sla).bind(id).execute(app.db.writer()).await.unwrap();
        let v = &s.volunteers[0].1;
        assert_eq!(app.act_on_order(v, id, "claim", json!({})).await.0, 200);
        assert_eq!(app.act_on_order(v, id, "release", json!({})).await.0, 200);
        let since: i64 = sqlx::query_scalar("SELECT open_since FROM service_orders WHERE id = $1").bind(id).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(jifen_server::services::sweep(&app.db, sla, since + sla - 1).await.unwrap(), (0, 0), "not before a whole SLA");
        assert_eq!(jifen_server::services::sweep(&app.db, sla, since + sla).await.unwrap(), (1, 0));
        assert_eq!(jifen_server::services::sweep(&app.db, sla, since + sla + 60_000).await.unwrap(), (0, 0), "one level, then another SLA");
        assert_eq!(jifen_server::services::sweep(&app.db, sla, since + 2 * sla).await.unwrap(), (1, 0));
        let (_, o) = app.fetch(&api::GetOrder { id }, Some(&s.zhang)).await;
        assert_eq!(o["escalation_level"], 2);
    }
}
