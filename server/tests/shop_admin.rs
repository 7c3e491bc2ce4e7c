//! Running the points supermarket from the 管理 tab (the issue "The operators' console, part
//! 1"): shops renamed, closed and reopened; goods edited with a name, a photo and a low-stock
//! threshold; stock in and out with its history; the low-stock list; keepers appointed and
//! removed — bad input and authority for each, on both databases.

mod common;

use common::TestApp;
use common::domain::refusal;
use jifen_shared::ErrorCode;
use jifen_shared::Page;
use jifen_shared::api;
use jifen_shared::auth::Role;
use jifen_shared::shop::{Goods, Keepers, LowStockGoods, ShopDetail, ShopSummary, StockMovement};
use serde_json::{Value, json};

const LIUCUN: &str = "410783101230";
const TOWNSHIP: &str = "410783101";
const OTHER_VILLAGE: &str = "410783101229";

/// 柳村 with its village admin, a shop, two villagers (张三明 with 100 points) and the admins
/// and staff who must be refused.
struct Scene {
    admin: String,
    township_admin: String,
    outsider: String,
    grid_worker: String,
    shop: i64,
    zhang: i64,
    zhang_token: String,
    li: i64,
    li_token: String,
}

async fn scene(app: &TestApp) -> Scene {
    app.load_changyuan().await;
    sqlx::query(
        "INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) \
         VALUES ('410783101230-001', '一网格', 'grid', $1, 0, 0)",
    )
    .bind(LIUCUN)
    .execute(app.db.writer())
    .await
    .unwrap();
    let admin = app
        .staff_token("13800138000", Role::VillageAdmin, LIUCUN)
        .await;
    let township_admin = app
        .staff_token("13800138001", Role::TownshipAdmin, TOWNSHIP)
        .await;
    let outsider = app
        .staff_token("13800138002", Role::VillageAdmin, OTHER_VILLAGE)
        .await;
    let grid_worker = app
        .staff_token("13800138003", Role::GridWorker, "410783101230-001")
        .await;
    let csv = format!(
        "name,phone,village_code,household\n\
         张三明,13900139001,{LIUCUN},0101\n\
         李四海,13900139002,{LIUCUN},0102\n"
    );
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE village_code IS NOT NULL ORDER BY id")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    let (status, shop) = app
        .call(
            &api::CreateShop,
            Some(&admin),
            &json!({"name": "柳村积分超市", "village_code": LIUCUN}),
        )
        .await;
    assert_eq!(status, 201, "{shop}");
    let zhang_token = app.villager_token("13900139001").await;
    app.award(&township_admin, &[ids[0]], 100, "文明户")
        .await
        .unwrap();
    Scene {
        admin,
        township_admin,
        outsider,
        grid_worker,
        shop: shop["id"].as_i64().unwrap(),
        zhang: ids[0],
        zhang_token,
        li: ids[1],
        li_token: app.villager_token("13900139002").await,
    }
}

/// Adds goods to the scene's shop as its admin; answers them.
async fn add_goods(app: &TestApp, s: &Scene, body: Value) -> Goods {
    let (status, goods) = app
        .call(&api::CreateGoods { id: s.shop }, Some(&s.admin), &body)
        .await;
    assert_eq!(status, 201, "{goods}");
    serde_json::from_value(goods).unwrap()
}

/// The audit log's `(action, before, after)` of `target`, oldest first.
async fn audit_of(app: &TestApp, target: &str) -> Vec<(String, Value, Value)> {
    let rows: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT action, before, after FROM audit_log WHERE target = $1 ORDER BY id")
            .bind(target)
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    let parse = |j: Option<String>| j.map_or(Value::Null, |j| serde_json::from_str(&j).unwrap());
    rows.into_iter()
        .map(|(a, b, c)| (a, parse(b), parse(c)))
        .collect()
}

fn listed(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

db_tests! {
    async fn a_doubled_or_retried_tap_adds_goods_once_and_changes_stock_once(app) {
        let s = scene(&app).await;
        let body = json!({"name": "香皂", "points_price": 5, "market_price_fen": 1000, "stock": 3});
        let send = |key: &'static str, body: Value| {
            let (app, admin, shop) = (&app, s.admin.clone(), s.shop);
            async move {
                let answer = app.request(&api::CreateGoods { id: shop }).token(&admin).idempotency_key(key).json(&body).send().await.unwrap();
                (answer.status, answer.json())
            }
        };
        let answers = futures_util::future::join_all((0..4).map(|_| send("goods-1", body.clone()))).await;
        assert!(answers.iter().all(|a| a == &answers[0] && a.0 == 201), "{answers:?}");
        let (status, conflict) = send("goods-1", json!({"name": "肥皂", "points_price": 5, "market_price_fen": 1000, "stock": 3})).await;
        assert_eq!((status, conflict["code"].as_str()), (409, Some("idempotency_conflict")));
        let goods: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM shop_goods WHERE name = '香皂'").fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(goods, 1);
        let id = answers[0].1["id"].as_i64().unwrap();
        let restock = |key: &'static str| {
            let (app, admin) = (&app, s.admin.clone());
            async move {
                let answer = app.request(&api::ChangeStock { id }).token(&admin).idempotency_key(key).json(&json!({"delta": 5, "reason": "restock"})).send().await.unwrap();
                (answer.status, answer.json())
            }
        };
        let answers = futures_util::future::join_all((0..4).map(|_| restock("stock-1"))).await;
        assert!(answers.iter().all(|a| a.0 == 200 && a.1["stock"] == 8), "{answers:?}");
        assert_eq!(restock("stock-2").await.1["stock"], 13, "a new key is a new delivery");
    }

    async fn shops_are_renamed_closed_and_reopened_without_stranding_points(app) {
        let s = scene(&app).await;
        let oil = add_goods(&app, &s, json!({"name": "花生油", "points_price": 30,
            "market_price_fen": 6000, "stock": 5})).await;
        // The admin's list: the village's shops with their counts.
        let list_of = |region: &str| api::AdminShops { query: api::AdminShopsQuery { region_code: region.into() } };
        let (status, list) = app.fetch(&list_of(LIUCUN), Some(&s.admin)).await;
        assert_eq!(status, 200, "{list}");
        let list: Vec<ShopSummary> = serde_json::from_value(list).unwrap();
        assert_eq!(list, [ShopSummary { id: s.shop, name: "柳村积分超市".into(), region_code: LIUCUN.into(),
            region_name: "留村村委会".into(), closed: false, goods: 1, low_stock: 0, keepers: 0 }]);
        // A reservation made while open.
        let before_closing = app.reserve(&s.zhang_token, s.shop, &[(oil.id, 1)]).await.unwrap();
        let cancelled_later = app.reserve(&s.zhang_token, s.shop, &[(oil.id, 1)]).await.unwrap();
        // Rename and close in one change.
        let update = api::UpdateShop { id: s.shop };
        let (status, closed) = app.call(&update, Some(&s.admin), &json!({"name": " 柳村爱心超市 ", "closed": true})).await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!((closed["name"].as_str(), closed["closed"].as_bool()), (Some("柳村爱心超市"), Some(true)));
        // Villagers no longer see it, and cannot reserve there.
        let public = api::ListShops { query: api::ShopsQuery { village_code: LIUCUN.into() } };
        let (status, shops) = app.fetch(&public, None).await;
        assert_eq!((status, listed(&shops)), (200, Vec::<String>::new()));
        let refused = app.reserve(&s.zhang_token, s.shop, &[(oil.id, 1)]).await;
        assert_eq!(refusal(&refused), Some((409, ErrorCode::ShopClosed)));
        // What was reserved before is still handed over or cancelled: no points stranded.
        let keeper_id = app.staff("13800138101", common::STAFF_PASSWORD, Role::Volunteer, LIUCUN).await;
        let (status, _) = app.call(&api::AddKeeper { id: s.shop }, Some(&s.admin), &json!({"user_id": keeper_id})).await;
        assert_eq!(status, 200, "a closed shop's admin still appoints keepers");
        let keeper = app.login("13800138101", common::STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
        let (status, kept) = app.fetch(&api::KeptShops, Some(&keeper)).await;
        assert_eq!((status, listed(&kept)), (200, vec!["柳村爱心超市".to_owned()]));
        let fulfilled = app.fulfil(&keeper, before_closing.id).await.unwrap();
        assert_eq!(fulfilled.points, 30);
        app.cancel_redemption(&s.zhang_token, cancelled_later.id).await.unwrap();
        assert_eq!(app.balance(&s.zhang_token).await.available, 70);
        // The admin still sees it, closed.
        let (status, list) = app.fetch(&list_of(TOWNSHIP), Some(&s.township_admin)).await;
        assert_eq!(status, 200);
        assert_eq!((listed(&list), list[0]["closed"].as_bool()), (vec!["柳村爱心超市".to_owned()], Some(true)));
        // Reopened: listed and selling again.
        let (status, open) = app.call(&update, Some(&s.admin), &json!({"name": "柳村爱心超市", "closed": false})).await;
        assert_eq!((status, open["closed"].as_bool()), (200, Some(false)));
        let (_, shops) = app.fetch(&public, None).await;
        assert_eq!(listed(&shops), ["柳村爱心超市"]);
        app.reserve(&s.zhang_token, s.shop, &[(oil.id, 1)]).await.unwrap();
        // The same again changes nothing and records nothing.
        let (status, _) = app.call(&update, Some(&s.admin), &json!({"name": "柳村爱心超市", "closed": false})).await;
        assert_eq!(status, 200);
        let audit = audit_of(&app, &format!("shop:{}", s.shop)).await;
        let updates: Vec<_> = audit.into_iter().filter(|a| a.0 == "shop.update").map(|a| (a.1, a.2)).collect();
        assert_eq!(updates, [
            (json!({"name": "柳村积分超市", "closed": false}), json!({"name": "柳村爱心超市", "closed": true})),
            (json!({"name": "柳村爱心超市", "closed": true}), json!({"name": "柳村爱心超市", "closed": false})),
        ]);
        // Bad names: empty, over-long, taken in the region.
        let (status, _) = app.call(&api::CreateShop, Some(&s.admin), &json!({"name": "二号店", "village_code": LIUCUN})).await;
        assert_eq!(status, 201);
        for (body, expected) in [
            (json!({"name": "  ", "closed": false}), (400, "invalid_input")),
            (json!({"name": "超".repeat(51), "closed": false}), (400, "invalid_input")),
            (json!({"name": "二号店", "closed": false}), (409, "already_exists")),
            (json!({"name": "店", "closed": "yes"}), (400, "invalid_input")),
            (json!({"name": "店"}), (400, "invalid_input")),
        ] {
            let (status, body) = app.call(&update, Some(&s.admin), &body).await;
            assert_eq!((status, body["code"].as_str().unwrap()), expected, "{body}");
        }
        // Authority: another village's admin, a grid worker, a keeper; a shop that does not exist.
        for token in [&s.outsider, &s.grid_worker, &keeper, &s.zhang_token] {
            let (status, _) = app.call(&update, Some(token), &json!({"name": "别人的", "closed": true})).await;
            assert_eq!(status, 403);
            let (status, _) = app.fetch(&api::AdminShopDetail { id: s.shop }, Some(token)).await;
            assert_eq!(status, 403);
        }
        let (status, _) = app.fetch(&list_of(LIUCUN), Some(&s.outsider)).await;
        assert_eq!(status, 403);
        let (status, _) = app.fetch(&list_of(TOWNSHIP), Some(&s.admin)).await;
        assert_eq!(status, 403, "a village admin does not list the township's shops");
        for bad in ["410783101230-001", "4107", "x"] {
            let (status, body) = app.fetch(&list_of(bad), Some(&s.admin)).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{bad}");
        }
        let (status, _) = app.call(&api::UpdateShop { id: 9999 }, Some(&s.admin), &json!({"name": "无", "closed": false})).await;
        assert_eq!(status, 404);
        app.assert_ledger_balanced().await;
    }

    async fn goods_are_edited_with_a_photo_a_threshold_and_their_stock_history(app) {
        let s = scene(&app).await;
        let photo = app.upload_photo(&s.admin, 1).await;
        let soap = add_goods(&app, &s, json!({"name": "洗洁精", "points_price": 10,
            "market_price_fen": 1200, "stock": 10, "photo_id": photo, "low_stock_threshold": 3})).await;
        assert_eq!((soap.photo_id, soap.low_stock_threshold, soap.stock), (Some(photo), Some(3), 10));
        // The photo is public with the goods: anyone may see it, signed in or not.
        let (status, _) = app.fetch(&api::GetMediaThumb { id: photo }, None).await;
        assert_eq!(status, 200);
        // Bad input on create.
        let create = api::CreateGoods { id: s.shop };
        let others_photo = app.upload_photo(&s.township_admin, 2).await;
        for bad in [
            json!({"name": "", "points_price": 1, "market_price_fen": 100, "stock": 1}),
            json!({"name": "皂".repeat(51), "points_price": 1, "market_price_fen": 100, "stock": 1}),
            json!({"name": "皂", "points_price": -5, "market_price_fen": 100, "stock": 1}),
            json!({"name": "皂", "points_price": 100_001, "market_price_fen": 100_000_000, "stock": 1}),
            json!({"name": "皂", "points_price": 1, "market_price_fen": 100_000_001, "stock": 1}),
            json!({"name": "皂", "points_price": 1, "market_price_fen": -100, "stock": 1}),
            json!({"name": "皂", "points_price": 1, "market_price_fen": 100, "stock": -1}),
            json!({"name": "皂", "points_price": 1, "market_price_fen": 100, "stock": 1_000_001}),
            json!({"name": "皂", "points_price": 1, "market_price_fen": 100, "stock": 1, "low_stock_threshold": -1}),
            json!({"name": "皂", "points_price": 1, "market_price_fen": 100, "stock": 1, "low_stock_threshold": 1_000_001}),
            json!({"name": "皂", "points_price": 1, "market_price_fen": 100, "stock": 1, "photo_id": others_photo}),
            json!({"name": "皂", "points_price": 1, "market_price_fen": 100, "stock": 1, "per_person_limit": 1001}),
        ] {
            let (status, body) = app.call(&create, Some(&s.admin), &bad).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{bad}: {body}");
        }
        // Edit: name, a new photo, the threshold, the price.
        let new_photo = app.upload_photo(&s.admin, 3).await;
        let update = api::UpdateGoods { id: soap.id };
        let (status, edited) = app.call(&update, Some(&s.admin), &json!({"name": "白猫洗洁精", "photo_id": new_photo,
            "points_price": 12, "market_price_fen": 1200, "per_person_limit": 2, "active": true,
            "low_stock_threshold": 9})).await;
        assert_eq!(status, 200, "{edited}");
        let edited: Goods = serde_json::from_value(edited).unwrap();
        assert_eq!(edited, Goods { name: "白猫洗洁精".into(), photo_id: Some(new_photo), points_price: 12,
            per_person_limit: Some(2), low_stock_threshold: Some(9), ..soap.clone() });
        // Without name and photo both stay; the township admin may send the present photo again.
        let (status, kept) = app.call(&update, Some(&s.township_admin), &json!({"photo_id": new_photo,
            "points_price": 12, "market_price_fen": 1200, "per_person_limit": 2, "active": true,
            "low_stock_threshold": 9})).await;
        assert_eq!((status, kept["name"].as_str(), kept["photo_id"].as_i64()), (200, Some("白猫洗洁精"), Some(new_photo)));
        let terms = |extra: Value| {
            let mut body = json!({"points_price": 12, "market_price_fen": 1200, "active": true});
            body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            body
        };
        for bad in [
            terms(json!({"name": " "})),
            terms(json!({"name": "洗".repeat(51)})),
            terms(json!({"photo_id": others_photo})),
            terms(json!({"low_stock_threshold": -3})),
            terms(json!({"points_price": 0})),
            terms(json!({"points_price": 121})),
            terms(json!({"market_price_fen": 0})),
        ] {
            let (status, body) = app.call(&update, Some(&s.admin), &bad).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{bad}: {body}");
        }
        let audit = audit_of(&app, &format!("goods:{}", soap.id)).await;
        assert_eq!(audit[1].0, "goods.update");
        assert_eq!((audit[1].1["name"].as_str(), audit[1].2["name"].as_str()), (Some("洗洁精"), Some("白猫洗洁精")));
        assert_eq!((audit[1].1["photo_id"].as_i64(), audit[1].2["photo_id"].as_i64()), (Some(photo), Some(new_photo)));
        // Stock in and out.
        let stock = api::ChangeStock { id: soap.id };
        let (status, after) = app.call(&stock, Some(&s.admin), &json!({"delta": 5, "reason": "restock", "note": "进货"})).await;
        assert_eq!((status, after["stock"].as_i64()), (200, Some(15)));
        let (status, body) = app.call(&stock, Some(&s.admin), &json!({"delta": -2, "reason": "write_off", "note": "  "})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "a write-off says why");
        assert!(body["message"].as_str().unwrap().starts_with("note:"), "{body}");
        let (status, body) = app.call(&stock, Some(&s.admin), &json!({"delta": -16, "reason": "write_off", "note": "过期"})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("out_of_stock")), "beyond the stock");
        for bad in [json!({"delta": 1_000_001, "reason": "restock"}), json!({"delta": -1_000_001, "reason": "write_off", "note": "x"}),
                    json!({"delta": 999_990, "reason": "restock"}), json!({"delta": 2, "reason": "write_off", "note": "x"}),
                    json!({"delta": -2, "reason": "write_off", "note": "过".repeat(201)}), json!({"delta": 1, "reason": "gift"})] {
            let (status, body) = app.call(&stock, Some(&s.admin), &bad).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{bad}: {body}");
        }
        let (status, after) = app.call(&stock, Some(&s.admin), &json!({"delta": -7, "reason": "write_off", "note": "破损"})).await;
        assert_eq!((status, after["stock"].as_i64(), after["low_stock_threshold"].as_i64()), (200, Some(8), Some(9)));
        // History: who, why, the stock after; newest first, paged.
        let history = |cursor: Option<String>| api::StockMovements { id: soap.id, query: api::PageQuery { limit: Some(2), cursor } };
        let (status, page) = app.fetch(&history(None), Some(&s.admin)).await;
        assert_eq!(status, 200, "{page}");
        let page: Page<StockMovement> = serde_json::from_value(page).unwrap();
        let rows = |p: &Page<StockMovement>| p.items.iter()
            .map(|m| (m.delta, m.reason.clone(), m.note.clone(), m.stock_after, m.actor_name.clone()))
            .collect::<Vec<_>>();
        let who = Some("测试员".to_owned());
        assert_eq!(rows(&page), [(-7, "write_off".into(), "破损".into(), 8, who.clone()),
                                 (5, "restock".into(), "进货".into(), 15, who.clone())]);
        let (_, rest) = app.fetch(&history(page.next_cursor.clone()), Some(&s.admin)).await;
        let rest: Page<StockMovement> = serde_json::from_value(rest).unwrap();
        assert_eq!((rows(&rest), rest.next_cursor), (vec![(10, "initial".into(), String::new(), 10, who)], None));
        // The low-stock list: at or below the threshold, on the shelf, in open shops.
        let low = |region: &str| api::LowStock { query: api::AdminShopsQuery { region_code: region.into() } };
        let (status, list) = app.fetch(&low(LIUCUN), Some(&s.admin)).await;
        assert_eq!(status, 200, "{list}");
        let list: Vec<LowStockGoods> = serde_json::from_value(list).unwrap();
        assert_eq!(list.iter().map(|l| (l.shop_name.as_str(), l.goods.id, l.goods.stock)).collect::<Vec<_>>(),
                   [("柳村积分超市", soap.id, 8)]);
        assert!(list[0].goods.low_on_stock());
        let (status, detail) = app.fetch(&api::AdminShopDetail { id: s.shop }, Some(&s.admin)).await;
        assert_eq!(status, 200, "{detail}");
        let detail: ShopDetail = serde_json::from_value(detail).unwrap();
        assert_eq!((detail.shop.low_stock, detail.goods.len()), (1, 1));
        // Off the shelf: not low any more, but still on the admin's screen (after the active ones).
        let (status, _) = app.call(&update, Some(&s.admin), &terms(json!({"active": false, "low_stock_threshold": 9}))).await;
        assert_eq!(status, 200);
        let salt = add_goods(&app, &s, json!({"name": "食盐", "points_price": 10, "market_price_fen": 300, "stock": 0,
            "low_stock_threshold": 0})).await;
        let (_, list) = app.fetch(&low(TOWNSHIP), Some(&s.township_admin)).await;
        let ids: Vec<i64> = list.as_array().unwrap().iter().map(|l| l["goods"]["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [salt.id]);
        let (_, detail) = app.fetch(&api::AdminShopDetail { id: s.shop }, Some(&s.admin)).await;
        let detail: ShopDetail = serde_json::from_value(detail).unwrap();
        assert_eq!(detail.goods.iter().map(|g| (g.id, g.active)).collect::<Vec<_>>(), [(salt.id, true), (soap.id, false)]);
        // A closed shop's goods are not on the list.
        let (status, _) = app.call(&api::UpdateShop { id: s.shop }, Some(&s.admin), &json!({"name": "柳村积分超市", "closed": true})).await;
        assert_eq!(status, 200);
        let (_, list) = app.fetch(&low(LIUCUN), Some(&s.admin)).await;
        assert_eq!(list, json!([]));
        // Authority: another village's admin, a grid worker, a keeper, a villager.
        let keeper_id = app.staff("13800138101", common::STAFF_PASSWORD, Role::Volunteer, LIUCUN).await;
        app.call(&api::AddKeeper { id: s.shop }, Some(&s.admin), &json!({"user_id": keeper_id})).await;
        let keeper = app.login("13800138101", common::STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
        for token in [&s.outsider, &s.grid_worker, &keeper, &s.li_token] {
            let (status, _) = app.call(&update, Some(token), &terms(json!({"name": "抢来的"}))).await;
            assert_eq!(status, 403);
            let (status, _) = app.call(&stock, Some(token), &json!({"delta": 1, "reason": "restock"})).await;
            assert_eq!(status, 403);
            let (status, _) = app.fetch(&history(None), Some(token)).await;
            assert_eq!(status, 403);
            let (status, _) = app.call(&create, Some(token), &json!({"name": "皂", "points_price": 1, "market_price_fen": 100, "stock": 1})).await;
            assert_eq!(status, 403);
        }
        let (status, _) = app.fetch(&low(LIUCUN), Some(&s.outsider)).await;
        assert_eq!(status, 403);
        let (status, _) = app.fetch(&api::StockMovements { id: 9999, query: api::PageQuery::default() }, Some(&s.admin)).await;
        assert_eq!(status, 404);
        let (status, _) = app.fetch(&history(Some("x".into())), Some(&s.admin)).await;
        assert_eq!(status, 400);
        let _ = (s.zhang, s.li);
    }

    async fn keepers_are_appointed_named_and_removed(app) {
        let s = scene(&app).await;
        let (status, second) = app.call(&api::CreateShop, Some(&s.admin), &json!({"name": "二号店", "village_code": LIUCUN})).await;
        assert_eq!(status, 201);
        let second = second["id"].as_i64().unwrap();
        let oil = add_goods(&app, &s, json!({"name": "花生油", "points_price": 30, "market_price_fen": 6000, "stock": 5})).await;
        // 李四海, a villager, keeps both shops.
        for shop in [s.shop, second] {
            let (status, keepers) = app.call(&api::AddKeeper { id: shop }, Some(&s.admin), &json!({"user_id": s.li})).await;
            assert_eq!(status, 200, "{keepers}");
            let keepers: Keepers = serde_json::from_value(keepers).unwrap();
            assert_eq!((keepers.keeper_ids, keepers.keepers.iter().map(|k| (k.id, k.name.as_str())).collect::<Vec<_>>()),
                       (vec![s.li], vec![(s.li, "李四海")]));
        }
        let (_, detail) = app.fetch(&api::AdminShopDetail { id: s.shop }, Some(&s.admin)).await;
        assert_eq!((detail["keepers"][0]["name"].as_str(), detail["shop"]["keepers"].as_i64()), (Some("李四海"), Some(1)));
        let reserved = app.reserve(&s.zhang_token, s.shop, &[(oil.id, 1)]).await.unwrap();
        // Authority first: nobody but the shop's admins removes a keeper.
        let remove = api::RemoveKeeper { id: s.shop, user_id: s.li };
        for token in [&s.outsider, &s.grid_worker, &s.li_token, &s.zhang_token] {
            let (status, _) = app.fetch(&remove, Some(token)).await;
            assert_eq!(status, 403);
        }
        let (status, _) = app.fetch(&api::RemoveKeeper { id: 9999, user_id: s.li }, Some(&s.admin)).await;
        assert_eq!(status, 404);
        // Removed from the first shop: the role stays (the second shop is kept).
        let (status, keepers) = app.fetch(&remove, Some(&s.admin)).await;
        assert_eq!((status, keepers["keepers"].clone()), (200, json!([])));
        let scanned = app.fulfil(&s.li_token, reserved.id).await;
        assert_eq!(refusal(&scanned), Some((403, ErrorCode::Forbidden)), "no longer a keeper of that shop");
        let (_, kept) = app.fetch(&api::KeptShops, Some(&s.li_token)).await;
        assert_eq!(listed(&kept), ["二号店"]);
        // Again: nothing changes.
        let (status, _) = app.fetch(&remove, Some(&s.admin)).await;
        assert_eq!(status, 200);
        // Removed from the second by the township admin: the keeper role goes too.
        let (status, _) = app.fetch(&api::RemoveKeeper { id: second, user_id: s.li }, Some(&s.township_admin)).await;
        assert_eq!(status, 200);
        let roles: Vec<String> = sqlx::query_scalar("SELECT role FROM role_assignments WHERE person_id = $1 ORDER BY role")
            .bind(s.li).fetch_all(app.db.reader()).await.unwrap();
        assert_eq!(roles, ["villager"]);
        let audit: Vec<(String, Value, Value)> = audit_of(&app, &format!("person:{}", s.li)).await;
        assert_eq!(audit.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(), ["person.create", "role.grant", "role.revoke"]);
        let shop_audit = audit_of(&app, &format!("shop:{}", s.shop)).await;
        assert_eq!(shop_audit.iter().map(|a| (a.0.as_str(), a.1.clone(), a.2.clone())).collect::<Vec<_>>(), [
            ("shop.create", Value::Null, shop_audit[0].2.clone()),
            ("shop.keeper.add", Value::Null, json!({"person_id": s.li})),
            ("shop.keeper.remove", json!({"person_id": s.li}), Value::Null),
        ]);
        // The villager's reservation is still handed over by a keeper appointed now.
        let (status, _) = app.call(&api::AddKeeper { id: s.shop }, Some(&s.admin), &json!({"user_id": s.li})).await;
        assert_eq!(status, 200);
        app.fulfil(&s.li_token, reserved.id).await.unwrap();
        app.assert_ledger_balanced().await;
    }
}
