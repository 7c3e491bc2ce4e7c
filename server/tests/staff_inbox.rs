//! Staff are told what waits for them (the inbox, `server/src/inbox`): the grid worker's one
//! digest of claims waiting, 审核超时 sent up to the village admins once, 差评 and orders
//! escalated to the village admins, low stock told once per fall — and villagers told none of
//! it, on both databases.

mod common;

use common::TestApp;
use jifen_server::calendar::Calendar;
use jifen_server::points::claims;
use jifen_shared::api;
use jifen_shared::auth::Role;
use jifen_shared::points::NewClaim;
use serde_json::json;

const LIUCUN: &str = "410783101230";
const OTHER_VILLAGE: &str = "410783101229";
const TOWNSHIP: &str = "410783101";
/// The shipped 孝老爱亲 (5 points, no photo, twice a month): id from migration 0012.
const FILIAL: i64 = 4;
/// The shipped 代办跑腿 (5 points): id from migration 0018.
const ERRAND: i64 = 1;

/// The kinds only staff are told.
const STAFF_KINDS: [&str; 5] = [
    "claims_waiting",
    "claims_overdue",
    "order_escalated_admin",
    "rectification_opened",
    "low_stock",
];

/// 柳村 with grids 001 and 002, its admin, the admins of another village and of the township,
/// the grid workers, and villagers.
struct Scene {
    admin: String,
    other_admin: String,
    township: String,
    /// The grid worker of grid 001 (a staff account of no household).
    grid_worker: String,
    /// The grid worker of grid 002.
    grid_worker_2: String,
    /// 李四海 (13900139002, grid 001, household 0101), also a grid worker of grid 001.
    li: String,
    /// 张三明 (…001, grid 001, household 0101: 李四海's).
    zhang_id: i64,
    zhang: String,
    /// 王五 (…003, grid 001, household 0102).
    wang_id: i64,
    wang: String,
    /// 赵六 (…004, grid 002, household 0103).
    zhao_id: i64,
    /// Ten villagers of grid 001 (…0200–0209), each their own household, by id.
    many: Vec<i64>,
    grid: String,
}

async fn scene(app: &TestApp) -> Scene {
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
    let grid = format!("{LIUCUN}-001");
    let mut csv = format!(
        "name,phone,village_code,grid_code,household\n\
         张三明,13900139001,{LIUCUN},{grid},0101\n\
         李四海,13900139002,{LIUCUN},{grid},0101\n\
         王五,13900139003,{LIUCUN},{grid},0102\n\
         赵六,13900139004,{LIUCUN},{LIUCUN}-002,0103\n"
    );
    for i in 0..10 {
        csv.push_str(&format!("村民{i},1390013920{i},{LIUCUN},{grid},02{i:02}\n"));
    }
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE village_code IS NOT NULL ORDER BY id")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    let (status, body) = app
        .call(
            &api::GrantRole { id: ids[1] },
            Some(&admin),
            &json!({"role": "grid_worker", "region_code": grid}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    Scene {
        other_admin: app
            .staff_token("13800138004", Role::VillageAdmin, OTHER_VILLAGE)
            .await,
        township: app
            .staff_token("13800138002", Role::TownshipAdmin, TOWNSHIP)
            .await,
        grid_worker: app
            .staff_token("13800138001", Role::GridWorker, &grid)
            .await,
        grid_worker_2: app
            .staff_token("13800138003", Role::GridWorker, &format!("{LIUCUN}-002"))
            .await,
        li: app.villager_token("13900139002").await,
        zhang_id: ids[0],
        zhang: app.villager_token("13900139001").await,
        wang_id: ids[2],
        wang: app.villager_token("13900139003").await,
        zhao_id: ids[3],
        many: ids[4..14].to_vec(),
        admin,
        grid,
    }
}

/// A notification as the tests compare it: (kind, text, reference, read).
type Line = (String, String, String, bool);

/// The inbox of the person of `token`, newest first.
async fn inbox(app: &TestApp, token: &str) -> Vec<Line> {
    let list = app
        .send(
            &api::InboxList {
                query: api::PageQuery {
                    limit: Some(100),
                    ..Default::default()
                },
            },
            token,
            &(),
        )
        .await
        .unwrap();
    list.items
        .into_iter()
        .map(|n| (n.kind, n.text, n.reference, n.read))
        .collect()
}

fn line(kind: &str, text: &str, reference: &str, read: bool) -> Line {
    (kind.into(), text.into(), reference.into(), read)
}

async fn unread(app: &TestApp, token: &str) -> i64 {
    app.send(&api::InboxUnread, token, &()).await.unwrap().count
}

async fn read_all(app: &TestApp, token: &str) {
    assert_eq!(
        app.send(&api::InboxReadAll, token, &())
            .await
            .unwrap()
            .count,
        0
    );
}

/// Asserts that the person of `token` was told none of the staff's kinds.
async fn told_nothing_for_staff(app: &TestApp, token: &str) {
    for (kind, text, ..) in inbox(app, token).await {
        assert!(
            !STAFF_KINDS.contains(&kind.as_str()),
            "a villager was told {kind}: {text}"
        );
    }
}

async fn claim(app: &TestApp, token: &str) -> i64 {
    let (status, made) = app
        .call(
            &api::CreateClaim,
            Some(token),
            &json!({"rule_id": FILIAL, "note": "照顾老人"}),
        )
        .await;
    assert_eq!(status, 201, "{made}");
    made["id"].as_i64().unwrap()
}

async fn decide(app: &TestApp, token: &str, id: i64, approve: bool) {
    let (status, body) = if approve {
        app.call(&api::ApproveClaim { id }, Some(token), &json!({}))
            .await
    } else {
        app.call(
            &api::RejectClaimOf { id },
            Some(token),
            &json!({"reason": "照片不清晰"}),
        )
        .await
    };
    assert_eq!(status, 200, "{body}");
}

async fn claim_made_at(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("SELECT created_at FROM point_claims WHERE id = $1")
        .bind(id)
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

const REVIEW_MS: i64 = 48 * 3_600_000;

db_tests! {
    async fn the_grid_worker_gets_one_digest_of_the_claims_waiting_kept_current(app) {
        let s = scene(&app).await;
        let review = format!("review:{}", s.grid);
        let waiting = |n: i64| format!("网格里有 {n} 条积分申请待审核");
        // Three claims of grid 001: one unread line saying three.
        let a = claim(&app, &s.zhang).await;
        let b = claim(&app, &s.wang).await;
        let c = claim(&app, &s.wang).await;
        assert_eq!(inbox(&app, &s.grid_worker).await, [line("claims_waiting", &waiting(3), &review, false)]);
        assert_eq!(unread(&app, &s.grid_worker).await, 1);
        // 李四海 reviews grid 001 too, but not his own household's claim (张三明's): two.
        assert_eq!(inbox(&app, &s.li).await, [line("claims_waiting", &waiting(2), &review, false)]);
        // Grid 002's worker and the village admin are told nothing (nothing is overdue).
        assert_eq!(inbox(&app, &s.grid_worker_2).await, []);
        assert_eq!(inbox(&app, &s.admin).await, []);
        // A decision lowers the count in place, still one unread line.
        decide(&app, &s.grid_worker, a, true).await;
        assert_eq!(inbox(&app, &s.grid_worker).await, [line("claims_waiting", &waiting(2), &review, false)]);
        assert_eq!(inbox(&app, &s.li).await, [line("claims_waiting", &waiting(2), &review, false)]);
        // Read, it stays as it was read; the next claim raises a fresh one with the count now.
        read_all(&app, &s.grid_worker).await;
        let d = claim(&app, &s.zhang).await;
        assert_eq!(inbox(&app, &s.grid_worker).await, [
            line("claims_waiting", &waiting(3), &review, false),
            line("claims_waiting", &waiting(2), &review, true),
        ]);
        assert_eq!(unread(&app, &s.grid_worker).await, 1);
        // Everything decided: the unread line goes (nothing waits), the read one stays.
        decide(&app, &s.grid_worker, b, false).await;
        decide(&app, &s.li, c, true).await;
        assert_eq!(inbox(&app, &s.grid_worker).await[0], line("claims_waiting", &waiting(1), &review, false));
        decide(&app, &s.grid_worker, d, true).await;
        assert_eq!(inbox(&app, &s.grid_worker).await, [line("claims_waiting", &waiting(2), &review, true)]);
        assert_eq!(unread(&app, &s.grid_worker).await, 0);
        assert_eq!(inbox(&app, &s.li).await, []);
        // The claimants were told of their claims, and of nothing meant for staff.
        told_nothing_for_staff(&app, &s.zhang).await;
        told_nothing_for_staff(&app, &s.wang).await;
        let kinds: Vec<String> = inbox(&app, &s.wang).await.into_iter().map(|l| l.0).collect();
        assert_eq!(kinds, ["claim_approved", "claim_rejected"]);
    }

    async fn forty_claims_made_at_once_are_one_line_saying_forty(app) {
        let s = scene(&app).await;
        let (status, rule) = app.call(&api::CreateRule, Some(&s.admin), &json!({"code": "patrol", "name": "夜间巡逻", "category": "law", "points": 3, "needs_photo": false, "region_code": LIUCUN})).await;
        assert_eq!(status, 201, "{rule}");
        let new = NewClaim { rule_id: rule["id"].as_i64().unwrap(), note: String::new(), photo_ids: vec![] };
        let calendar = Calendar::new(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
        let make = |claimant: i64| {
            let (db, calendar, new) = (app.db.clone(), calendar.clone(), new.clone());
            async move {
                let mut tx = db.begin_write().await.unwrap();
                let now = jifen_server::storage::now_ms();
                let made = claims::create(&mut tx, &calendar, claimant, &new, now).await.unwrap();
                tx.commit().await.unwrap();
                made.id
            }
        };
        // Ten villagers, four claims each, all at once (PostgreSQL: forty transactions racing).
        let made = futures_util::future::join_all(s.many.iter().flat_map(|v| [*v; 4]).map(make)).await;
        assert_eq!(made.len(), 40);
        let review = format!("review:{}", s.grid);
        assert_eq!(inbox(&app, &s.grid_worker).await, [line("claims_waiting", "网格里有 40 条积分申请待审核", &review, false)]);
        assert_eq!(unread(&app, &s.grid_worker).await, 1);
        let (_, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery { limit: Some(100), ..Default::default() } }, Some(&s.grid_worker)).await;
        assert_eq!(queue["items"].as_array().unwrap().len(), 40, "the count is the queue's");
        // Decided at once, twenty of them: the line says twenty.
        let decisions = made[..20].iter().map(|id| {
            let token = s.grid_worker.clone();
            let app = &app;
            async move { app.call(&api::ApproveClaim { id: *id }, Some(&token), &json!({})).await.0 }
        });
        assert!(futures_util::future::join_all(decisions).await.iter().all(|s| *s == 200));
        assert_eq!(inbox(&app, &s.grid_worker).await, [line("claims_waiting", "网格里有 20 条积分申请待审核", &review, false)]);
        app.assert_ledger_balanced().await;
    }

    async fn an_overdue_claim_is_sent_up_to_the_village_admins_once(app) {
        let s = scene(&app).await;
        let id = claim(&app, &s.wang).await;
        let other = claim(&app, &s.zhang).await;
        let made = claim_made_at(&app, id).await;
        read_all(&app, &s.grid_worker).await;
        // Not overdue a millisecond before the review time.
        assert_eq!(claims::escalate_due(&app.db, REVIEW_MS, made - 1 + REVIEW_MS).await.unwrap(), 0);
        assert_eq!(inbox(&app, &s.admin).await, []);
        // Both overdue at the review time; a second sweep sends nothing more.
        let later = claim_made_at(&app, other).await + REVIEW_MS;
        assert_eq!(claims::escalate_due(&app.db, REVIEW_MS, later).await.unwrap(), 2);
        assert_eq!(claims::escalate_due(&app.db, REVIEW_MS, later + 60_000).await.unwrap(), 0);
        let village = format!("review:{LIUCUN}");
        assert_eq!(inbox(&app, &s.admin).await, [line("claims_overdue", "有 2 条积分申请审核超时，请尽快审核", &village, false)]);
        // The grid worker is told again: how many wait, how many of them are overdue.
        let review = format!("review:{}", s.grid);
        assert_eq!(inbox(&app, &s.grid_worker).await, [
            line("claims_waiting", "网格里有 2 条积分申请待审核，其中 2 条已超时，已转村管理员", &review, false),
            line("claims_waiting", "网格里有 2 条积分申请待审核", &review, true),
        ]);
        // Others: not told.
        assert_eq!(inbox(&app, &s.other_admin).await, []);
        assert_eq!(inbox(&app, &s.township).await, []);
        assert_eq!(inbox(&app, &s.grid_worker_2).await, []);
        // The village admin's review screen has them, marked overdue since the sweep.
        let (_, queue) = app.fetch(&api::ReviewQueue { query: api::ReviewQuery::default() }, Some(&s.admin)).await;
        let listed: Vec<(i64, Option<&str>)> = queue["items"].as_array().unwrap().iter().map(|c| (c["id"].as_i64().unwrap(), c["escalated_at"].as_str())).collect();
        let at = jifen_server::storage::rfc3339(later);
        assert_eq!(listed, [(id, Some(at.as_str())), (other, Some(at.as_str()))]);
        // The admin approves one: both lines count one.
        decide(&app, &s.admin, id, true).await;
        assert_eq!(inbox(&app, &s.admin).await, [line("claims_overdue", "有 1 条积分申请审核超时，请尽快审核", &village, false)]);
        assert_eq!(inbox(&app, &s.grid_worker).await[0], line("claims_waiting", "网格里有 1 条积分申请待审核，其中 1 条已超时，已转村管理员", &review, false));
        // The grid worker decides the other: nothing waits, no unread line is left.
        decide(&app, &s.grid_worker, other, false).await;
        assert_eq!(inbox(&app, &s.admin).await, []);
        assert_eq!(unread(&app, &s.grid_worker).await, 0);
        // A claim decided in time never shows escalated_at.
        let (_, fresh) = app.call(&api::CreateClaim, Some(&s.wang), &json!({"rule_id": FILIAL, "note": ""})).await;
        assert_eq!(fresh.get("escalated_at"), None);
        told_nothing_for_staff(&app, &s.wang).await;
        told_nothing_for_staff(&app, &s.zhang).await;
    }

    async fn village_admins_are_told_of_orders_escalated_to_them_and_of_bad_ratings(app) {
        let s = scene(&app).await;
        let (status, body) = app.call(&api::GrantRole { id: s.wang_id }, Some(&s.township), &json!({"role": "volunteer", "region_code": LIUCUN})).await;
        assert_eq!(status, 200, "{body}");
        let (status, order) = app.call(&api::CreateOrder, Some(&s.zhang), &json!({"type_id": ERRAND, "description": "帮忙到镇上代缴电费", "photo_ids": []})).await;
        assert_eq!(status, 201, "{order}");
        let id = order["id"].as_i64().unwrap();
        let created: i64 = sqlx::query_scalar("SELECT created_at FROM service_orders WHERE id = $1").bind(id).fetch_one(app.db.reader()).await.unwrap();
        let sla = 3_600_000;
        // Level 1 (the grid worker's queue): the admins are not told yet.
        assert_eq!(jifen_server::services::sweep(&app.db, sla, created + sla).await.unwrap(), (1, 0));
        assert_eq!(inbox(&app, &s.admin).await, []);
        // Level 2: the village admins, once; level 3 and later sweeps tell them nothing more.
        assert_eq!(jifen_server::services::sweep(&app.db, sla, created + 2 * sla).await.unwrap(), (1, 0));
        let escalated = line("order_escalated_admin", "“代办跑腿”（帮忙到镇上代缴电费）无人接单，已转村管理员，请派单", &format!("order:{id}"), false);
        assert_eq!(inbox(&app, &s.admin).await, std::slice::from_ref(&escalated));
        assert_eq!(jifen_server::services::sweep(&app.db, sla, created + 3 * sla).await.unwrap(), (1, 0));
        assert_eq!(jifen_server::services::sweep(&app.db, sla, created + 9 * sla).await.unwrap(), (0, 0));
        assert_eq!(inbox(&app, &s.admin).await, [escalated]);
        assert_eq!(inbox(&app, &s.other_admin).await, []);
        // Served, then rated 差评: a rectification, and the admin told where to rectify.
        assert_eq!(app.act_on_order(&s.wang, id, "claim", json!({})).await.0, 200);
        assert_eq!(app.act_on_order(&s.wang, id, "complete", json!({"note": "已办好"})).await.0, 200);
        let (status, rated) = app.act_on_order(&s.zhang, id, "rate", json!({"stars": 1, "comment": "来晚了两个小时"})).await;
        assert_eq!(status, 200, "{rated}");
        let rectification = rated["rectification"]["id"].as_i64().unwrap();
        assert_eq!(inbox(&app, &s.admin).await[0], line("rectification_opened", "“代办跑腿”收到差评（1星：来晚了两个小时），请在7天内整改", &format!("rectification:{rectification}"), false));
        assert_eq!(unread(&app, &s.admin).await, 2);
        // The rectification closed, a second 差评 opens none and tells nobody again.
        let (status, _) = app.call(&api::CloseRectificationOf { id: rectification }, Some(&s.admin), &json!({"follow_up": "已约谈志愿者"})).await;
        assert_eq!(status, 200);
        assert_eq!(app.act_on_order(&s.zhang, id, "rate", json!({"stars": 2})).await.0, 200);
        assert_eq!(unread(&app, &s.admin).await, 2);
        assert_eq!(inbox(&app, &s.other_admin).await, []);
        assert_eq!(inbox(&app, &s.grid_worker_2).await, []);
        told_nothing_for_staff(&app, &s.zhang).await;
        told_nothing_for_staff(&app, &s.wang).await;
    }

    async fn keepers_and_admins_are_told_once_per_fall_to_the_low_stock_threshold(app) {
        let s = scene(&app).await;
        let (status, shop) = app.call(&api::CreateShop, Some(&s.admin), &json!({"name": "柳村积分超市", "village_code": LIUCUN})).await;
        assert_eq!(status, 201, "{shop}");
        let shop = shop["id"].as_i64().unwrap();
        let (status, keepers) = app.call(&api::AddKeeper { id: shop }, Some(&s.admin), &json!({"user_id": s.zhao_id})).await;
        assert_eq!(status, 200, "{keepers}");
        let keeper = app.villager_token("13900139004").await;
        app.award(&s.township, &[s.zhang_id], 200, "文明户").await.unwrap();
        let (status, soap) = app.call(&api::CreateGoods { id: shop }, Some(&s.admin), &json!({"name": "香皂", "points_price": 5, "market_price_fen": 1000, "stock": 5, "low_stock_threshold": 2})).await;
        assert_eq!(status, 201, "{soap}");
        let soap = soap["id"].as_i64().unwrap();
        let reference = format!("shop:{shop}");
        let low = |left: i64| line("low_stock", &format!("柳村积分超市的“香皂”只剩 {left} 件（提醒线 2 件），请及时补货"), &reference, false);
        // 5 → 3: above the threshold, nobody told.
        let first = app.reserve(&s.zhang, shop, &[(soap, 2)]).await.unwrap();
        assert_eq!(inbox(&app, &keeper).await, []);
        // 3 → 2: the keeper and the village admin are told, once.
        let second = app.reserve(&s.zhang, shop, &[(soap, 1)]).await.unwrap();
        assert_eq!(inbox(&app, &keeper).await, [low(2)]);
        assert_eq!(inbox(&app, &s.admin).await, [low(2)]);
        // Below it again and again: nothing more; nor when a cancellation leaves it low.
        app.reserve(&s.zhang, shop, &[(soap, 1)]).await.unwrap();
        app.cancel_redemption(&s.zhang, second.id).await.unwrap();
        app.reserve(&s.zhang, shop, &[(soap, 1)]).await.unwrap();
        assert_eq!(app.stock(shop, soap).await, 1);
        assert_eq!(inbox(&app, &keeper).await, [low(2)]);
        // A restock lifts it above; the next fall tells them again.
        let (status, restocked) = app.call(&api::ChangeStock { id: soap }, Some(&s.admin), &json!({"delta": 4, "reason": "restock"})).await;
        assert_eq!((status, restocked["stock"].as_i64()), (200, Some(5)));
        app.cancel_redemption(&s.zhang, first.id).await.unwrap();
        assert_eq!(app.stock(shop, soap).await, 7);
        assert_eq!(inbox(&app, &keeper).await.len(), 1);
        app.reserve(&s.zhang, shop, &[(soap, 5)]).await.unwrap();
        assert_eq!(inbox(&app, &keeper).await, [low(2), low(2)]);
        assert_eq!(unread(&app, &keeper).await, 2);
        assert_eq!(unread(&app, &s.admin).await, 2);
        // A threshold raised over the stock tells them too (stock 2, threshold now 3).
        read_all(&app, &s.admin).await;
        let (status, _) = app.call(&api::ChangeStock { id: soap }, Some(&s.admin), &json!({"delta": 1, "reason": "restock"})).await;
        assert_eq!(status, 200);
        let (status, _) = app.call(&api::UpdateGoods { id: soap }, Some(&s.admin), &json!({"points_price": 5, "market_price_fen": 1000, "active": true, "low_stock_threshold": 3})).await;
        assert_eq!(status, 200);
        assert_eq!(inbox(&app, &s.admin).await[0], line("low_stock", "柳村积分超市的“香皂”只剩 3 件（提醒线 3 件），请及时补货", &reference, false));
        // Nobody else: the township's admin (a village's shop), another village, the grid
        // worker, and the villager who redeemed.
        assert_eq!(inbox(&app, &s.township).await, []);
        assert_eq!(inbox(&app, &s.other_admin).await, []);
        assert_eq!(inbox(&app, &s.grid_worker).await, []);
        told_nothing_for_staff(&app, &s.zhang).await;
        app.assert_ledger_balanced().await;
    }
}
