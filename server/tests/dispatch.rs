//! 派单 by the grid worker: an open order of their grid that has escalated to them is
//! dispatched to a volunteer serving its village, as admins dispatch; the volunteers to pick
//! from (`GET /admin/services/orders/{id}/volunteers`); refusals (another grid's order, one not
//! escalated yet, a volunteer who may not serve it); and dispatches racing each other and a
//! volunteer's claim, which leave exactly one volunteer. On both databases.

mod common;

use jifen_shared::api;

use common::TestApp;
use jifen_shared::auth::Role;
use serde_json::{Value, json};

const LIUCUN: &str = "410783101230";
const OTHER_VILLAGE: &str = "410783101229";
const GRID_1: &str = "410783101230-001";
const GRID_2: &str = "410783101230-002";
/// The shipped 代办跑腿 (5 points): id from migration 0018.
const ERRAND: i64 = 1;
/// The SLA the sweeps below run with (1 hour).
const SLA: i64 = 3_600_000;

struct Scene {
    admin: String,
    /// The grid worker of 第一网格 (grid 001), and their id.
    worker: String,
    worker_id: i64,
    /// The grid worker of 第二网格 (grid 002).
    other_worker: String,
    /// 张三明 of grid 001, household 0101: orders.
    zhang: String,
    /// 王五 of grid 002: orders in the other grid.
    wang: String,
    /// 李四海, household 0101 (张三明's): a volunteer of 柳村.
    li: i64,
    /// 周志愿 (volunteer of 柳村) and 吴志愿 (volunteer of the township), each with a token.
    zhou: (i64, String),
    wu: (i64, String),
    /// 郑志愿, a volunteer of 柳村 who claims in the races.
    zheng: (i64, String),
    /// 赵六, a volunteer of another village.
    zhao: i64,
}

async fn id_of(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT id FROM people WHERE phone = $1")
        .bind(format!("+86{phone}"))
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

async fn scene(app: &TestApp) -> Scene {
    app.load_changyuan().await;
    let admin = app
        .staff_token("13800138000", Role::VillageAdmin, LIUCUN)
        .await;
    for name in ["第一网格", "第二网格"] {
        let (status, body) = app
            .call(
                &api::CreateGridIn,
                Some(&admin),
                &json!({"village_code": LIUCUN, "name": name}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    let csv = format!(
        "name,phone,village_code,grid_code,household\n\
         张三明,13900139001,{LIUCUN},{GRID_1},0101\n\
         李四海,13900139002,{LIUCUN},{GRID_1},0101\n\
         王五,13900139004,{LIUCUN},{GRID_2},0201\n\
         周志愿,13900139005,{LIUCUN},,0301\n\
         吴志愿,13900139006,{LIUCUN},,0302\n\
         郑志愿,13900139007,{LIUCUN},,0303\n\
         赵六,13900139003,{OTHER_VILLAGE},,0401\n"
    );
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let township = app
        .staff_token("13800138002", Role::TownshipAdmin, "410783101")
        .await;
    let grant = |phone: &'static str, region: &'static str| {
        let township = township.clone();
        async move {
            let id = id_of(app, phone).await;
            let (status, body) = app
                .call(
                    &api::GrantRole { id },
                    Some(&township),
                    &json!({"role": "volunteer", "region_code": region}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            id
        }
    };
    let li = grant("13900139002", LIUCUN).await;
    let zhou = grant("13900139005", LIUCUN).await;
    let wu = grant("13900139006", "410783101").await;
    let zheng = grant("13900139007", LIUCUN).await;
    let zhao = grant("13900139003", OTHER_VILLAGE).await;
    let worker = app
        .staff_token("13800138001", Role::GridWorker, GRID_1)
        .await;
    Scene {
        admin,
        worker,
        worker_id: id_of(app, "13800138001").await,
        other_worker: app
            .staff_token("13800138003", Role::GridWorker, GRID_2)
            .await,
        zhang: app.villager_token("13900139001").await,
        wang: app.villager_token("13900139004").await,
        li,
        zhou: (zhou, app.villager_token("13900139005").await),
        wu: (wu, app.villager_token("13900139006").await),
        zheng: (zheng, app.villager_token("13900139007").await),
        zhao,
    }
}

/// An order of the person of `token`; its id.
async fn order(app: &TestApp, token: &str, description: &str) -> i64 {
    let (status, order) = app
        .call(
            &api::CreateOrder,
            Some(token),
            &json!({"type_id": ERRAND, "description": description, "photo_ids": []}),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    order["id"].as_i64().unwrap()
}

/// Runs the sweep one SLA after order `id` was last opened or escalated: it escalates one level.
async fn escalate(app: &TestApp, id: i64) {
    let since: i64 = sqlx::query_scalar("SELECT open_since FROM service_orders WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.reader())
        .await
        .unwrap();
    jifen_server::services::sweep(&app.db, SLA, since + SLA)
        .await
        .unwrap();
}

fn code(body: &Value) -> Option<&str> {
    body["code"].as_str()
}

fn kinds(order: &Value) -> Vec<&str> {
    order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

async fn dispatch(app: &TestApp, token: &str, id: i64, volunteer_id: i64) -> (u16, Value) {
    app.call(
        &api::DispatchOrder { id },
        Some(token),
        &json!({ "volunteer_id": volunteer_id }),
    )
    .await
}

db_tests! {
    async fn a_grid_worker_dispatches_an_escalated_order_of_their_grid(app) {
        let s = scene(&app).await;
        let id = order(&app, &s.zhang, "帮忙到镇上代缴电费").await;
        // Not escalated yet: the grid worker neither picks nor dispatches; the admin may.
        let (status, body) = app.fetch(&api::DispatchChoices { id }, Some(&s.worker)).await;
        assert_eq!((status, code(&body)), (409, Some("not_escalated")), "{body}");
        let (status, body) = dispatch(&app, &s.worker, id, s.zhou.0).await;
        assert_eq!((status, code(&body)), (409, Some("not_escalated")), "{body}");
        assert_eq!(app.fetch(&api::DispatchChoices { id }, Some(&s.admin)).await.0, 200);

        // 周志愿 holds another order (王五's, of grid 002) when the picker is read.
        let other = order(&app, &s.wang, "帮忙修自行车").await;
        assert_eq!(app.act_on_order(&s.zhou.1, other, "claim", json!({})).await.0, 200);
        escalate(&app, id).await;
        let (_, queue) = app.fetch(&api::RegionOrders { query: api::PageQuery::default() }, Some(&s.worker)).await;
        let queued: Vec<(i64, i64)> = queue["items"].as_array().unwrap().iter()
            .map(|o| (o["id"].as_i64().unwrap(), o["escalation_level"].as_i64().unwrap()))
            .collect();
        assert_eq!(queued, [(id, 1)]);

        // The picker: the volunteers of 柳村 and of its township, fewest open tasks first,
        // phones masked; not 李四海 (the orderer's household), not 赵六 (another village).
        let (status, choices) = app.fetch(&api::DispatchChoices { id }, Some(&s.worker)).await;
        assert_eq!(status, 200, "{choices}");
        assert_eq!(choices, json!([
            {"id": s.wu.0, "name": "吴志愿", "phone": "139****9006", "open_tasks": 0},
            {"id": s.zheng.0, "name": "郑志愿", "phone": "139****9007", "open_tasks": 0},
            {"id": s.zhou.0, "name": "周志愿", "phone": "139****9005", "open_tasks": 1},
        ]));
        let (_, by_admin) = app.fetch(&api::DispatchChoices { id }, Some(&s.admin)).await;
        assert_eq!(by_admin, choices, "admins pick from the same list");

        // Another grid's worker: the order does not exist for them; nor does theirs for ours.
        let (status, body) = app.fetch(&api::DispatchChoices { id }, Some(&s.other_worker)).await;
        assert_eq!((status, code(&body)), (404, Some("not_found")));
        let (status, body) = dispatch(&app, &s.other_worker, id, s.wu.0).await;
        assert_eq!((status, code(&body)), (404, Some("not_found")));
        let (status, body) = dispatch(&app, &s.worker, other, s.wu.0).await;
        assert_eq!((status, code(&body)), (404, Some("not_found")));
        // A volunteer of the area sees the order but dispatches nothing.
        let (status, body) = dispatch(&app, &s.zheng.1, id, s.wu.0).await;
        assert_eq!((status, code(&body)), (403, Some("forbidden")));
        // Not to the orderer's household (403); another village's volunteer and a non-volunteer
        // are the dispatcher's wrong choice (400).
        let (status, body) = dispatch(&app, &s.worker, id, s.li).await;
        assert_eq!((status, code(&body)), (403, Some("forbidden")), "{body}");
        for person in [s.zhao, id_of(&app, "13900139004").await] {
            let (status, body) = dispatch(&app, &s.worker, id, person).await;
            assert_eq!((status, code(&body)), (400, Some("invalid_input")), "{person}: {body}");
        }

        // 派单 to 吴志愿 (the township's volunteer).
        let (status, sent) = dispatch(&app, &s.worker, id, s.wu.0).await;
        assert_eq!(status, 200, "{sent}");
        assert_eq!(
            (sent["status"].as_str(), sent["volunteer_id"].as_i64(), sent["volunteer_name"].as_str(), sent["escalation_level"].as_i64()),
            (Some("claimed"), Some(s.wu.0), Some("吴志愿"), Some(1))
        );
        assert_eq!(kinds(&sent), ["ordered", "escalated", "dispatched"]);
        let step = &sent["timeline"][2];
        assert_eq!((step["actor_name"].as_str(), step["note"].as_str()), (Some("测试员"), Some("吴志愿")));
        // A retried tap answers the order; another volunteer is too late.
        let (status, again) = dispatch(&app, &s.worker, id, s.wu.0).await;
        assert_eq!((status, again["volunteer_id"].as_i64()), (200, Some(s.wu.0)));
        let (status, body) = dispatch(&app, &s.worker, id, s.zheng.0).await;
        assert_eq!((status, code(&body)), (409, Some("already_claimed")));

        // Audited as the admins' 派单, once, by the grid worker, about the village.
        let audited: Vec<(Option<i64>, String, String, String)> = sqlx::query_as(
            "SELECT actor_id, action, region_code, after FROM audit_log WHERE target = $1 ORDER BY id",
        )
        .bind(format!("order:{id}"))
        .fetch_all(app.db.reader())
        .await
        .unwrap();
        assert_eq!(audited.len(), 1, "{audited:?}");
        let (actor, action, region, after) = &audited[0];
        assert_eq!((*actor, action.as_str(), region.as_str()), (Some(s.worker_id), "order.dispatch", LIUCUN));
        assert_eq!(
            serde_json::from_str::<Value>(after).unwrap(),
            json!({"status": "claimed", "volunteer_id": s.wu.0, "volunteer": "吴志愿"})
        );

        // 吴志愿 has it among their tasks and was told; the grid worker's queue is empty again.
        let (_, tasks) = app.fetch(&api::MyTasks { query: api::PageQuery::default() }, Some(&s.wu.1)).await;
        assert_eq!(tasks["items"].as_array().unwrap().iter().map(|o| o["id"].as_i64().unwrap()).collect::<Vec<_>>(), [id]);
        let (_, inbox) = app.fetch(&api::InboxList { query: api::PageQuery::default() }, Some(&s.wu.1)).await;
        assert_eq!((inbox["items"][0]["kind"].as_str(), inbox["items"][0]["reference"].clone()), (Some("order_dispatched"), json!(format!("order:{id}"))));
        let (_, queue) = app.fetch(&api::RegionOrders { query: api::PageQuery::default() }, Some(&s.worker)).await;
        assert_eq!(queue["items"], json!([]));
        // …and the picker counts the task.
        let (_, choices) = app.fetch(&api::DispatchChoices { id }, Some(&s.worker)).await;
        let counts: Vec<(i64, i64)> = choices.as_array().unwrap().iter()
            .map(|c| (c["id"].as_i64().unwrap(), c["open_tasks"].as_i64().unwrap()))
            .collect();
        assert_eq!(counts, [(s.zheng.0, 0), (s.zhou.0, 1), (s.wu.0, 1)], "ties by id");

        // Escalated further (the village admins' level): still the grid worker's to dispatch.
        let late = order(&app, &s.zhang, "帮忙去卫生院取药").await;
        escalate(&app, late).await;
        escalate(&app, late).await;
        let (status, sent) = dispatch(&app, &s.worker, late, s.zheng.0).await;
        assert_eq!((status, sent["escalation_level"].as_i64(), sent["volunteer_id"].as_i64()), (200, Some(2), Some(s.zheng.0)));
        assert_eq!(app.fetch(&api::DispatchChoices { id: 9999 }, Some(&s.worker)).await.0, 404);
    }

    async fn dispatches_and_a_claim_racing_for_an_order_leave_one_volunteer(app) {
        let s = scene(&app).await;
        for round in 0..6 {
            let id = order(&app, &s.zhang, &format!("第{round}次：帮忙挑水")).await;
            escalate(&app, id).await;
            // The grid worker and the village admin dispatch to two volunteers while a third
            // claims it.
            let (by_worker, by_admin, claimed) = tokio::join!(
                dispatch(&app, &s.worker, id, s.zhou.0),
                dispatch(&app, &s.admin, id, s.wu.0),
                app.act_on_order(&s.zheng.1, id, "claim", json!({})),
            );
            let answers = [(s.zhou.0, by_worker), (s.wu.0, by_admin), (s.zheng.0, claimed)];
            let winners: Vec<i64> = answers.iter().filter(|(_, (status, _))| *status == 200).map(|(v, _)| *v).collect();
            assert_eq!(winners.len(), 1, "round {round}: {answers:?}");
            for (_, (status, body)) in answers.iter().filter(|(_, (status, _))| *status != 200) {
                assert_eq!((*status, code(body)), (409, Some("already_claimed")), "round {round}");
            }
            let (status, volunteer): (String, Option<i64>) =
                sqlx::query_as("SELECT status, volunteer_id FROM service_orders WHERE id = $1")
                    .bind(id).fetch_one(app.db.reader()).await.unwrap();
            assert_eq!((status.as_str(), volunteer), ("claimed", Some(winners[0])), "round {round}");
            let taken: i64 = sqlx::query_scalar(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM service_order_events \
                 WHERE order_id = $1 AND kind IN ('claimed', 'dispatched')",
            )
            .bind(id).fetch_one(app.db.reader()).await.unwrap();
            let audited: i64 = sqlx::query_scalar(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE target = $1",
            )
            .bind(format!("order:{id}")).fetch_one(app.db.reader()).await.unwrap();
            assert_eq!((taken, audited), (1, 1), "round {round}");
            // The winner's task; the orderer told once.
            let notices: i64 = sqlx::query_scalar(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM notifications WHERE reference = $1 AND kind = 'order_claimed'",
            )
            .bind(format!("order:{id}")).fetch_one(app.db.reader()).await.unwrap();
            assert_eq!(notices, 1, "round {round}");
        }
    }
}
