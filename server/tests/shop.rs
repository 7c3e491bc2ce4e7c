//! The points supermarket (积分超市): shops, keepers, goods and stock, redemptions at the
//! counter — with the races of the issue —, recycling for points, the keeper's day, the
//! monthly statements and the sweep of lapsed reservations, on both databases, the ledger's
//! invariants checked at the end of each test.

mod common;

use jifen_shared::api::{self, Endpoint as _};

use common::TestApp;
use common::domain::refusal;
use jifen_shared::ErrorCode;
use jifen_shared::auth::Role;
use jifen_shared::shop::RedemptionStatus;
use serde_json::{Value, json};

const LIUCUN: &str = "410783101230";
const TOWNSHIP: &str = "410783101";
const OTHER_VILLAGE: &str = "410783101229";

/// 柳村 with a shop, two villagers, two keepers of the shop and the keeper of another shop.
struct Scene {
    admin: String,
    shop: i64,
    other_shop: i64,
    zhang: i64,
    zhang_token: String,
    li: i64,
    li_token: String,
    keeper: String,
    keeper2: String,
    other_keeper: String,
}

/// A keeper appointed to `shop`: a staff account with the password, signed in.
async fn keeper_of(app: &TestApp, admin: &str, shop: i64, phone: &str) -> String {
    let id = app
        .staff(phone, common::STAFF_PASSWORD, Role::Volunteer, LIUCUN)
        .await;
    let (status, body) = app
        .call(
            &api::AddKeeper { id: shop },
            Some(admin),
            &json!({"user_id": id}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["keeper_ids"].as_array().unwrap().contains(&json!(id)));
    app.login(phone, common::STAFF_PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn scene(app: &TestApp) -> Scene {
    app.load_changyuan().await;
    let admin = app
        .staff_token("13800138000", Role::TownshipAdmin, TOWNSHIP)
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
    let (status, other) = app
        .call(
            &api::CreateShop,
            Some(&admin),
            &json!({"name": "邻村积分超市", "village_code": OTHER_VILLAGE}),
        )
        .await;
    assert_eq!(status, 201, "{other}");
    let shop = shop["id"].as_i64().unwrap();
    let other_shop = other["id"].as_i64().unwrap();
    Scene {
        keeper: keeper_of(app, &admin, shop, "13800138101").await,
        keeper2: keeper_of(app, &admin, shop, "13800138102").await,
        other_keeper: keeper_of(app, &admin, other_shop, "13800138103").await,
        admin,
        shop,
        other_shop,
        zhang: ids[0],
        zhang_token: app.villager_token("13900139001").await,
        li: ids[1],
        li_token: app.villager_token("13900139002").await,
    }
}

/// Adds goods to the scene's shop; answers their id.
async fn goods(app: &TestApp, s: &Scene, name: &str, points: i64, stock: i64) -> i64 {
    goods_limited(app, s, name, points, stock, None).await
}

async fn goods_limited(
    app: &TestApp,
    s: &Scene,
    name: &str,
    points: i64,
    stock: i64,
    limit: Option<i64>,
) -> i64 {
    let (status, body) = app
        .call(
            &api::CreateGoods { id: s.shop },
            Some(&s.admin),
            &json!({"name": name, "points_price": points, "market_price_fen": points * 50,
               "stock": stock, "per_person_limit": limit}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_i64().unwrap()
}

/// POSTs any JSON as a drop-off (also what the counter screen never sends) with a fresh
/// Idempotency-Key (the route requires one).
async fn drop_off_json(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let key = KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let answer = app
        .request(&api::DropOff)
        .token(token)
        .idempotency_key(&format!("drop-off-{key}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    (answer.status, answer.json())
}

db_tests! {
    async fn shops_goods_stock_and_keepers(app) {
        let s = scene(&app).await;
        // A township shop serves its villages too.
        let (status, _) = app.call(&api::CreateShop, Some(&s.admin), &json!({"name": "镇积分超市", "village_code": TOWNSHIP})).await;
        assert_eq!(status, 201);
        let (status, again) = app.call(&api::CreateShop, Some(&s.admin), &json!({"name": "柳村积分超市", "village_code": LIUCUN})).await;
        assert_eq!((status, again["code"].as_str()), (409, Some("already_exists")));
        let (status, list) = app.fetch(&api::ListShops { query: api::ShopsQuery { village_code: LIUCUN.to_string() } }, None).await;
        assert_eq!(status, 200);
        let names: Vec<&str> = list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["柳村积分超市", "镇积分超市"]);
        // A village admin elsewhere may not open a shop here.
        let outsider = app.staff_token("13800138009", Role::VillageAdmin, OTHER_VILLAGE).await;
        let (status, _) = app.call(&api::CreateShop, Some(&outsider), &json!({"name": "别人的超市", "village_code": LIUCUN})).await;
        assert_eq!(status, 403);
        // Prices: a 300-fen bag of salt at 10 points is fine, at 31 points it is not.
        let path = api::CreateGoods { id: s.shop };
        let (status, salt) = app.call(&path, Some(&s.admin), &json!({"name": "食盐", "points_price": 10,
            "market_price_fen": 300, "stock": 5, "per_person_limit": 2})).await;
        assert_eq!(status, 201, "{salt}");
        let (status, dear) = app.call(&path, Some(&s.admin), &json!({"name": "贵盐", "points_price": 31,
            "market_price_fen": 300, "stock": 5})).await;
        assert_eq!(status, 400, "{dear}");
        assert!(dear["message"].as_str().unwrap().contains("points_price"));
        for bad in [json!({"name": "x", "points_price": 0, "market_price_fen": 300, "stock": 1}),
                    json!({"name": "x", "points_price": 1, "market_price_fen": 300, "stock": -1}),
                    json!({"name": "", "points_price": 1, "market_price_fen": 300, "stock": 1}),
                    json!({"name": "x", "points_price": 1, "market_price_fen": 300, "stock": 1, "per_person_limit": 0})] {
            let (status, body) = app.call(&path, Some(&s.admin), &bad).await;
            assert_eq!(status, 400, "{body}");
        }
        let (status, _) = app.call(&path, Some(&s.keeper), &json!({"name": "食盐", "points_price": 10,
            "market_price_fen": 300, "stock": 5})).await;
        assert_eq!(status, 403, "a keeper does not add goods");
        let salt = salt["id"].as_i64().unwrap();
        // Stock: restock, write-off, never below zero; each change recorded with who and why.
        let stock_path = api::ChangeStock { id: salt };
        let (status, after) = app.call(&stock_path, Some(&s.admin), &json!({"delta": 10, "reason": "restock", "note": "进货"})).await;
        assert_eq!((status, after["stock"].as_i64()), (200, Some(15)));
        let (status, after) = app.call(&stock_path, Some(&s.admin), &json!({"delta": -3, "reason": "write_off", "note": "受潮"})).await;
        assert_eq!((status, after["stock"].as_i64()), (200, Some(12)));
        let (status, below) = app.call(&stock_path, Some(&s.admin), &json!({"delta": -13, "reason": "correction", "note": "盘点"})).await;
        assert_eq!((status, below["code"].as_str()), (409, Some("out_of_stock")));
        let (status, _) = app.call(&stock_path, Some(&s.admin), &json!({"delta": -1, "reason": "restock"})).await;
        assert_eq!(status, 400);
        let (status, _) = app.call(&stock_path, Some(&s.admin), &json!({"delta": 0, "reason": "correction"})).await;
        assert_eq!(status, 400);
        assert_eq!(app.stock(s.shop, salt).await, 12);
        let moves: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT delta, reason, stock_after FROM stock_movements WHERE goods_id = $1 ORDER BY id")
            .bind(salt).fetch_all(app.db.reader()).await.unwrap();
        assert_eq!(moves, [(5, "initial".into(), 5), (10, "restock".into(), 15), (-3, "write_off".into(), 12)]);
        let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
            .fetch_all(app.db.reader()).await.unwrap();
        for action in ["shop.create", "shop.keeper.add", "role.grant", "goods.create", "goods.stock"] {
            assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
        }
        // Goods off the shelf are not listed.
        let (status, _) = app.call(&api::UpdateGoods { id: salt }, Some(&s.admin), &json!({"points_price": 10, "market_price_fen": 300,
            "per_person_limit": null, "active": false})).await;
        assert_eq!(status, 200);
        let (_, list) = app.fetch(&api::ListGoods { id: s.shop }, None).await;
        assert_eq!(list, json!([]));
        app.assert_ledger_balanced().await;
    }

    async fn thirty_parallel_redemptions_reserve_once(app) {
        let s = scene(&app).await;
        let oil = goods(&app, &s, "食用油", 80, 100).await;
        app.award(&s.admin, &[s.zhang], 100, "文明户").await.unwrap();
        let tasks = (0..30).map(|_| app.reserve(&s.zhang_token, s.shop, &[(oil, 1)]));
        let answers = futures_util::future::join_all(tasks).await;
        let refusals: Vec<_> = answers.iter().map(refusal).collect();
        assert_eq!(refusals.iter().filter(|r| r.is_none()).count(), 1, "{answers:?}");
        assert!(refusals.iter().flatten().all(|r| *r == (409, ErrorCode::InsufficientPoints)), "{answers:?}");
        let b = app.balance(&s.zhang_token).await;
        assert_eq!((b.available, b.pending), (20, 80));
        assert_eq!(app.stock(s.shop, oil).await, 99);
        app.assert_ledger_balanced().await;
    }

    async fn two_villagers_race_for_the_last_unit(app) {
        let s = scene(&app).await;
        let rice = goods(&app, &s, "大米", 10, 1).await;
        app.award(&s.admin, &[s.zhang], 100, "文明户").await.unwrap();
        app.award(&s.admin, &[s.li], 100, "文明户").await.unwrap();
        let (a, b) = tokio::join!(
            app.reserve(&s.zhang_token, s.shop, &[(rice, 1)]),
            app.reserve(&s.li_token, s.shop, &[(rice, 1)])
        );
        let mut refusals = [refusal(&a), refusal(&b)];
        refusals.sort_by_key(Option::is_some);
        assert_eq!(refusals, [None, Some((409, ErrorCode::OutOfStock))], "{a:?} {b:?}");
        assert_eq!(app.stock(s.shop, rice).await, 0);
        let pending = app.balance(&s.zhang_token).await.pending
            + app.balance(&s.li_token).await.pending;
        assert_eq!(pending, 10);
        app.assert_ledger_balanced().await;
    }

    async fn the_monthly_limit_holds_under_parallel_requests(app) {
        let s = scene(&app).await;
        let eggs = goods_limited(&app, &s, "鸡蛋", 5, 100, Some(2)).await;
        app.award(&s.admin, &[s.zhang], 200, "文明户").await.unwrap();
        let tasks = (0..10).map(|_| app.reserve(&s.zhang_token, s.shop, &[(eggs, 1)]));
        let answers = futures_util::future::join_all(tasks).await;
        let refusals: Vec<_> = answers.iter().map(refusal).collect();
        assert_eq!(refusals.iter().filter(|r| r.is_none()).count(), 2, "{answers:?}");
        assert!(refusals.iter().flatten().all(|r| *r == (409, ErrorCode::LimitReached)), "{answers:?}");
        // Asking for more than the limit at once is refused too; another villager has their own.
        app.award(&s.admin, &[s.li], 100, "文明户").await.unwrap();
        let answer = app.reserve(&s.li_token, s.shop, &[(eggs, 3)]).await;
        assert_eq!(refusal(&answer), Some((409, ErrorCode::LimitReached)));
        app.reserve(&s.li_token, s.shop, &[(eggs, 2)]).await.unwrap();
        assert_eq!(app.stock(s.shop, eggs).await, 96);
        app.assert_ledger_balanced().await;
    }

    async fn two_keepers_fulfil_at_once_and_one_wins(app) {
        let s = scene(&app).await;
        let oil = goods(&app, &s, "食用油", 80, 10).await;
        app.award(&s.admin, &[s.zhang], 100, "文明户").await.unwrap();
        let r = app.reserve(&s.zhang_token, s.shop, &[(oil, 1)]).await.unwrap();
        assert_eq!((r.status, r.points, r.items[0].unit_points), (RedemptionStatus::Reserved, 80, 80));
        let token = r.qr_token.as_deref().unwrap();
        let code = r.short_code.as_deref().unwrap();
        assert_eq!(code.len(), 8);
        assert!(!token.contains("13900139001"));
        // The keeper previews it, by token or by code typed in lower case.
        let seen = app.scan_token(&s.keeper, token).await.unwrap();
        assert_eq!((seen.villager_name.as_deref(), seen.points), (Some("张*明"), 80));
        assert!(seen.qr_token.is_none());
        app.scan_code(&s.keeper2, &code.to_lowercase()).await.unwrap();
        // Another shop's keeper may not.
        let forbidden = Some((403, ErrorCode::Forbidden));
        assert_eq!(refusal(&app.scan_token(&s.other_keeper, token).await), forbidden);
        let id = r.id;
        assert_eq!(refusal(&app.fulfil(&s.other_keeper, id).await), forbidden);
        let (a, b) = tokio::join!(app.fulfil(&s.keeper, id), app.fulfil(&s.keeper2, id));
        let mut refusals = [refusal(&a), refusal(&b)];
        refusals.sort_by_key(Option::is_some);
        assert_eq!(refusals, [None, Some((409, ErrorCode::AlreadyFulfilled))], "{a:?} {b:?}");
        let won = a.or(b).unwrap();
        assert_eq!(won.status, RedemptionStatus::Fulfilled);
        let bal = app.balance(&s.zhang_token).await;
        assert_eq!((bal.available, bal.pending, bal.spent_total), (20, 0, 80));
        let (status, again) = app.call(&api::Scan, Some(&s.keeper), &json!({"qr_token": token})).await;
        assert_eq!((status, again["code"].as_str()), (409, Some("already_fulfilled")));
        let (status, again) = app.call(&api::Scan, Some(&s.keeper), &json!({"short_code": code})).await;
        assert_eq!((status, again["code"].as_str()), (409, Some("already_fulfilled")), "the code typed again");
        let (status, body) = app.call(&api::CancelRedemption { id }, Some(&s.zhang_token), &json!({})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("not_cancellable")));
        let (status, mine) = app.fetch(&api::MyRedemptions { query: api::PageQuery { ..Default::default() } }, Some(&s.zhang_token)).await;
        assert_eq!(status, 200);
        assert_eq!(mine["items"][0]["status"], "fulfilled");
        assert!(mine["items"][0]["qr_token"].is_null());
        app.assert_ledger_balanced().await;
    }

    async fn cancel_returns_points_and_stock(app) {
        let s = scene(&app).await;
        let soap = goods(&app, &s, "肥皂", 15, 10).await;
        app.award(&s.admin, &[s.zhang], 100, "文明户").await.unwrap();
        let r = app.reserve(&s.zhang_token, s.shop, &[(soap, 2)]).await.unwrap();
        assert_eq!(app.stock(s.shop, soap).await, 8);
        assert_eq!(app.balance(&s.zhang_token).await.available, 70);
        let id = r.id;
        let not_lis = app.cancel_redemption(&s.li_token, id).await;
        assert_eq!(refusal(&not_lis), Some((404, ErrorCode::NotFound)), "not li's redemption");
        let cancelled = app.cancel_redemption(&s.zhang_token, id).await.unwrap();
        assert_eq!(cancelled.status, RedemptionStatus::Cancelled);
        let again = app.cancel_redemption(&s.zhang_token, id).await;
        assert!(again.is_ok(), "cancelling again is a retried tap: {again:?}");
        assert_eq!(app.stock(s.shop, soap).await, 10);
        let b = app.balance(&s.zhang_token).await;
        assert_eq!((b.available, b.pending), (100, 0));
        let gone = app.scan_token(&s.keeper, r.qr_token.as_deref().unwrap()).await;
        assert_eq!(refusal(&gone), Some((410, ErrorCode::Expired)));
        assert_eq!(refusal(&app.fulfil(&s.keeper, id).await), Some((410, ErrorCode::Expired)));
        app.assert_ledger_balanced().await;
    }

    async fn an_expired_reservation_lapses_when_scanned(app) {
        let s = scene(&app).await;
        let soap = goods(&app, &s, "肥皂", 15, 10).await;
        app.award(&s.admin, &[s.zhang], 100, "文明户").await.unwrap();
        let r = app.reserve(&s.zhang_token, s.shop, &[(soap, 1)]).await.unwrap();
        sqlx::query("UPDATE redemptions SET expires_at = 0").execute(app.db.writer()).await.unwrap();
        let lapsed = app.scan_code(&s.keeper, r.short_code.as_deref().unwrap()).await;
        assert_eq!(refusal(&lapsed), Some((410, ErrorCode::Expired)), "{lapsed:?}");
        assert_eq!(app.stock(s.shop, soap).await, 10);
        assert_eq!(app.balance(&s.zhang_token).await.available, 100);
        assert_eq!(refusal(&app.fulfil(&s.keeper, r.id).await), Some((410, ErrorCode::Expired)));
        app.assert_ledger_balanced().await;
    }

    async fn bad_input_and_prices_at_reservation_time(app) {
        let s = scene(&app).await;
        let oil = goods(&app, &s, "食用油", 10, 10).await;
        app.award(&s.admin, &[s.zhang], 500, "文明户").await.unwrap();
        for qty in [json!(0), json!(-1), json!(1_000_000_000_000i64), json!(1.5), json!("2")] {
            let (status, body) = app.call(&api::Reserve, Some(&s.zhang_token), &json!({"shop_id": s.shop, "items": [{"goods_id": oil, "qty": qty}]})).await;
            assert_eq!(status, 400, "qty {qty}: {body}");
        }
        let (status, _) = app.call(&api::Reserve, Some(&s.zhang_token), &json!({"shop_id": s.shop, "items": []})).await;
        assert_eq!(status, 400);
        // A staff account without a village does not redeem; a shop of another village does not serve 柳村.
        let forbidden = Some((403, ErrorCode::Forbidden));
        assert_eq!(refusal(&app.reserve(&s.keeper, s.shop, &[(oil, 1)]).await), forbidden);
        assert_eq!(refusal(&app.reserve(&s.zhang_token, s.other_shop, &[(oil, 1)]).await), forbidden);
        // Forged and tampered tokens are not found.
        let r = app.reserve(&s.zhang_token, s.shop, &[(oil, 1)]).await.unwrap();
        let token = r.qr_token.unwrap();
        let mut tampered = token.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        for forged in [String::from_utf8(tampered).unwrap(), "JF1.00000000000000000000000000000000.00000000000000000000000000000000".into(), "hello".into()] {
            let (status, body) = app.call(&api::Scan, Some(&s.keeper), &json!({"qr_token": forged})).await;
            assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
        }
        let (status, _) = app.call(&api::Scan, Some(&s.keeper), &json!({"short_code": "ZZZZZZZZ"})).await;
        assert_eq!(status, 404);
        let (status, _) = app.call(&api::Scan, Some(&s.keeper), &json!({})).await;
        assert_eq!(status, 400);
        // The price changes between viewing (10) and redeeming: the reservation takes the new
        // price (20) and says so; a later change (30) does not touch it.
        let update = |price: i64| json!({"points_price": price, "market_price_fen": 500, "per_person_limit": null, "active": true});
        let (status, _) = app.call(&api::UpdateGoods { id: oil }, Some(&s.admin), &update(20)).await;
        assert_eq!(status, 200);
        let (status, r) = app.call(&api::Reserve, Some(&s.zhang_token), &json!({"shop_id": s.shop, "items": [{"goods_id": oil, "qty": 2, "seen_points": 10}]})).await;
        assert_eq!(status, 201);
        assert_eq!((r["items"][0]["unit_points"].as_i64(), r["points"].as_i64()), (Some(20), Some(40)));
        assert_eq!(r["items"][0]["price_changed_from"], 10, "the answer says the price changed");
        let (_, mine) = app.fetch(&api::MyRedemptions { query: api::PageQuery { ..Default::default() } }, Some(&s.zhang_token)).await;
        assert_eq!(mine["items"][0]["items"][0].get("price_changed_from"), None, "only the reservation's answer says so");
        app.call(&api::UpdateGoods { id: oil }, Some(&s.admin), &update(30)).await;
        let (status, done) = app.call(&api::FulfilRedemption { id: r["id"].as_i64().unwrap() }, Some(&s.keeper), &json!({})).await;
        assert_eq!((status, done["points"].as_i64()), (200, Some(40)));
        // Inactive goods cannot be redeemed.
        let off = json!({"points_price": 30, "market_price_fen": 500, "per_person_limit": null, "active": false});
        app.call(&api::UpdateGoods { id: oil }, Some(&s.admin), &off).await;
        let unavailable = app.reserve(&s.zhang_token, s.shop, &[(oil, 1)]).await;
        assert_eq!(refusal(&unavailable), Some((409, ErrorCode::GoodsUnavailable)));
        let b = app.balance(&s.zhang_token).await;
        assert_eq!((b.available, b.pending), (450, 10));
        app.assert_ledger_balanced().await;
    }

    async fn a_retried_redemption_reserves_once(app) {
        let s = scene(&app).await;
        let oil = goods(&app, &s, "食用油", 30, 10).await;
        app.award(&s.admin, &[s.zhang], 100, "文明户").await.unwrap();
        let body = json!({"shop_id": s.shop, "items": [{"goods_id": oil, "qty": 1}]});
        let send = || async {
            let response = app
                .request(&api::Reserve)
                .token(&s.zhang_token)
                .idempotency_key("redeem-oil-1")
                .json(&body)
                .send()
                .await
                .unwrap();
            (response.status, response.json())
        };
        let (a, b) = tokio::join!(send(), send());
        assert_eq!((a.0, b.0), (201, 201), "{a:?} {b:?}");
        assert_eq!(a.1, b.1, "the retry replays the first answer");
        assert_eq!(app.balance(&s.zhang_token).await.available, 70);
        assert_eq!(app.stock(s.shop, oil).await, 9);
        // Only keepers scan.
        let (status, _) = app.call(&api::Scan, Some(&s.zhang_token), &json!({"qr_token": a.1["qr_token"]})).await;
        assert_eq!(status, 403);
        let (status, _) = app.call(&api::Scan, Some(&s.admin), &json!({"qr_token": a.1["qr_token"]})).await;
        assert_eq!(status, 403, "an admin is not the shop's keeper");
        app.assert_ledger_balanced().await;
    }

    async fn recycling_categories_are_the_countys(app) {
        let s = scene(&app).await;
        let (status, list) = app.fetch(&api::ListCategories { query: api::CategoriesQuery { region_code: LIUCUN.to_string() } }, None).await;
        assert_eq!(status, 200);
        let names: Vec<(&str, i64)> = list.as_array().unwrap().iter()
            .map(|c| (c["name"].as_str().unwrap(), c["points_per_kg"].as_i64().unwrap())).collect();
        assert_eq!(names, [("废纸", 2), ("塑料瓶", 3), ("金属", 4), ("玻璃", 1), ("废旧电池/有害垃圾", 10), ("废旧家电", 2)]);
        let county = app.staff_token("13800138009", Role::CountyAdmin, "410783").await;
        let set = |code: &str, rate: i64, active: bool| json!({"county_code": "410783", "code": code, "name": "废纸（书本报纸）", "points_per_kg": rate, "active": active});
        let (status, paper) = app.call(&api::SetCategory, Some(&county), &set("paper", 3, true)).await;
        assert_eq!(status, 200, "{paper}");
        assert_eq!((paper["points_per_kg"].as_i64(), paper["county_code"].as_str()), (Some(3), Some("410783")));
        let (status, glass) = app.call(&api::SetCategory, Some(&county), &set("glass", 1, false)).await;
        assert_eq!(status, 200);
        let (_, list) = app.fetch(&api::ListCategories { query: api::CategoriesQuery { region_code: "410783101".into() } }, None).await;
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 6, "the county's paper and glass replace the shipped ones");
        let paper_row = list.iter().find(|c| c["code"] == "paper").unwrap();
        assert_eq!((paper_row["id"].clone(), paper_row["points_per_kg"].as_i64()), (paper["id"].clone(), Some(3)));
        assert_eq!(list.iter().find(|c| c["code"] == "glass").unwrap()["active"], false);
        // Another county still has the shipped rates.
        let (_, other) = app.fetch(&api::ListCategories { query: api::CategoriesQuery { region_code: "410102".into() } }, None).await;
        assert_eq!(other.as_array().unwrap().iter().find(|c| c["code"] == "paper").unwrap()["points_per_kg"], 2);
        // A township admin is not the county's; bad rates, codes, names and counties are refused.
        let (status, _) = app.call(&api::SetCategory, Some(&s.admin), &set("paper", 5, true)).await;
        assert_eq!(status, 403);
        for bad in [set("paper", 0, true), set("paper", 1001, true), set("Paper!", 2, true),
                    json!({"county_code": "410783", "code": "x", "name": " ", "points_per_kg": 2, "active": true}),
                    json!({"county_code": "410783101", "code": "x", "name": "x", "points_per_kg": 2, "active": true})] {
            let (status, body) = app.call(&api::SetCategory, Some(&county), &bad).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{bad}");
        }
        let (status, _) = app.fetch(&api::ListCategories { query: api::CategoriesQuery { region_code: "41".into() } }, None).await;
        assert_eq!(status, 400);
        assert_eq!(glass["active"], false);
    }

    async fn recycling_credits_the_floor_of_each_line_once(app) {
        let s = scene(&app).await;
        let (_, list) = app.fetch(&api::ListCategories { query: api::CategoriesQuery { region_code: LIUCUN.to_string() } }, None).await;
        let id = |code: &str| list.as_array().unwrap().iter().find(|c| c["code"] == code).unwrap()["id"].as_i64().unwrap();
        let (paper, bottles, glass) = (id("paper"), id("plastic_bottles"), id("glass"));
        // The villager's member code is opaque and stable; the keeper names them by it or by phone.
        let (status, code) = app.fetch(&api::MyMemberCode, Some(&s.zhang_token)).await;
        assert_eq!(status, 200);
        let member = code["token"].as_str().unwrap().to_owned();
        let parts: Vec<&str> = member.split('.').collect();
        assert_eq!((parts[0], parts[1].len(), parts[2].len()), ("JFM1", 32, 32), "a random nonce and a MAC, nothing else");
        assert!(!member.contains("13900139001"));
        assert_eq!(app.fetch(&api::MyMemberCode, Some(&s.zhang_token)).await.1["token"], member.as_str());
        let (status, who) = app.call(&api::Identify, Some(&s.keeper), &json!({"shop_id": s.shop, "villager": {"member_code": member}})).await;
        assert_eq!(status, 200, "{who}");
        assert_eq!((who["name"].as_str(), who["village_name"].as_str()), (Some("张*明"), Some("留村村委会")));
        let (status, who) = app.call(&api::Identify, Some(&s.keeper), &json!({"shop_id": s.shop, "villager": {"phone": "139 0013 9002"}})).await;
        let (status_elsewhere, _) = app.call(&api::Identify, Some(&s.other_keeper), &json!({"shop_id": s.other_shop, "villager": {"phone": "13900139002"}})).await;
        assert_eq!(status_elsewhere, 404, "another village's keeper does not learn who is registered here");
        assert_eq!((status, who["name"].as_str()), (200, Some("李*海")));
        // 2,499 g of paper at 2/kg earns 4, 800 g of bottles at 3/kg earns 2, 499 g of glass at 1/kg nothing.
        let body = json!({"shop_id": s.shop, "villager": {"member_code": member},
                          "lines": [{"category_id": paper, "grams": 2499}, {"category_id": bottles, "grams": 800}, {"category_id": glass, "grams": 499}]});
        let send = || async {
            let response = app.request(&api::DropOff).token(&s.keeper)
                .idempotency_key("weigh-zhang-1").json(&body).send().await.unwrap();
            (response.status, response.json())
        };
        let (a, b) = tokio::join!(send(), send());
        assert_eq!((a.0, b.0), (201, 201), "{a:?} {b:?}");
        assert_eq!(a.1, b.1, "the retry replays the first answer");
        let points: Vec<i64> = a.1["items"].as_array().unwrap().iter().map(|i| i["points"].as_i64().unwrap()).collect();
        assert_eq!(points, [4, 2, 0]);
        assert_eq!((a.1["points"].as_i64(), a.1["villager_name"].as_str()), (Some(6), Some("张*明")));
        assert_eq!(app.balance(&s.zhang_token).await.available, 6);
        let (_, history) = app.fetch(&api::PointsHistory { query: api::PageQuery { ..Default::default() } }, Some(&s.zhang_token)).await;
        assert_eq!(history["items"][0]["label"], "废纸 2.499 公斤、塑料瓶 800 克、玻璃 499 克");
        assert_eq!(history["items"][0]["amount"], 6);
        // A drop-off that earns nothing is recorded, and moves no points.
        let (status, none) = drop_off_json(&app, &s.keeper, json!({"shop_id": s.shop, "villager": {"phone": "13900139002"}, "lines": [{"category_id": glass, "grams": 300}]})).await;
        assert_eq!((status, none["points"].as_i64()), (201, Some(0)));
        assert_eq!(app.balance(&s.li_token).await.available, 0);
        let dropoffs: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM recycling_dropoffs").fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(dropoffs, 2);
        app.assert_ledger_balanced().await;
    }

    async fn recycling_refuses_bad_input_and_the_wrong_people(app) {
        let s = scene(&app).await;
        let (_, list) = app.fetch(&api::ListCategories { query: api::CategoriesQuery { region_code: LIUCUN.to_string() } }, None).await;
        let paper = list[0]["id"].as_i64().unwrap();
        let zhang = json!({"phone": "13900139001"});
        let weigh = |token: &str, villager: Value, lines: Value| {
            let body = json!({"shop_id": s.shop, "villager": villager, "lines": lines});
            let token = token.to_owned();
            let app = &app;
            async move { drop_off_json(app, &token, body).await }
        };
        let eleven: Vec<Value> = (0..11).map(|i| json!({"category_id": paper + i, "grams": 100})).collect();
        for lines in [json!([]), json!([{"category_id": paper, "grams": 0}]), json!([{"category_id": paper, "grams": -5}]),
                      json!([{"category_id": paper, "grams": 1_000_000_000_000i64}]), json!([{"category_id": paper, "grams": 1.5}]),
                      json!([{"category_id": paper, "grams": 100}, {"category_id": paper, "grams": 200}]),
                      json!([{"category_id": 999_999, "grams": 100}]), Value::Array(eleven)] {
            let (status, body) = weigh(&s.keeper, zhang.clone(), lines.clone()).await;
            assert_eq!(status, 400, "{lines}: {body}");
        }
        // A switched-off category is not weighed.
        let county = app.staff_token("13800138009", Role::CountyAdmin, "410783").await;
        app.call(&api::SetCategory, Some(&county), &json!({"county_code": "410783", "code": "metal", "name": "金属", "points_per_kg": 4, "active": false})).await;
        let metal = app.fetch(&api::ListCategories { query: api::CategoriesQuery { region_code: LIUCUN.to_string() } }, None).await.1
            .as_array().unwrap().iter().find(|c| c["code"] == "metal").unwrap()["id"].as_i64().unwrap();
        let (status, _) = weigh(&s.keeper, zhang.clone(), json!([{"category_id": metal, "grams": 1000}])).await;
        assert_eq!(status, 400);
        let line = json!([{"category_id": paper, "grams": 1000}]);
        // Forged member codes, a redemption token, an unknown phone: not found; a bad phone: invalid_phone.
        let (_, member) = app.fetch(&api::MyMemberCode, Some(&s.zhang_token)).await;
        let mut forged = member["token"].as_str().unwrap().to_owned();
        forged.pop();
        forged.push('x');
        let oil = goods(&app, &s, "食用油", 10, 5).await;
        app.award(&s.admin, &[s.li], 50, "文明户").await.unwrap();
        let r = app.reserve(&s.li_token, s.shop, &[(oil, 1)]).await.unwrap();
        for villager in [json!({"member_code": forged}), json!({"member_code": r.qr_token}), json!({"phone": "13900139999"})] {
            let (status, body) = weigh(&s.keeper, villager.clone(), line.clone()).await;
            assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{villager}");
        }
        let (status, body) = weigh(&s.keeper, json!({"phone": "12345"}), line.clone()).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_phone")));
        let (status, _) = weigh(&s.keeper, json!({}), line.clone()).await;
        assert_eq!(status, 400);
        let (status, _) = weigh(&s.keeper, json!({"phone": "13900139001", "member_code": member["token"]}), line.clone()).await;
        assert_eq!(status, 400);
        // Another shop's keeper, a villager, an admin: forbidden; a shop that does not serve 柳村: forbidden.
        for token in [&s.other_keeper, &s.zhang_token, &s.admin] {
            let (status, _) = weigh(token, zhang.clone(), line.clone()).await;
            assert_eq!(status, 403);
        }
        let (status, _) = drop_off_json(&app, &s.other_keeper, json!({"shop_id": s.other_shop, "villager": zhang, "lines": line})).await;
        assert_eq!(status, 404, "邻村's shop does not serve 柳村, and does not learn who lives there");
        let (status, body) = app.call(&api::DropOff, Some(&s.keeper), &json!({"shop_id": s.shop, "villager": zhang, "lines": line})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "no Idempotency-Key: {body}");
        // A keeper does not credit their own household (王五 lives with 张三明, household 0101).
        let csv = format!("name,phone,village_code,household\n王五,13900139005,{LIUCUN},0101\n");
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let wang: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613900139005'").fetch_one(app.db.reader()).await.unwrap();
        let (status, _) = app.call(&api::AddKeeper { id: s.shop }, Some(&s.admin), &json!({"user_id": wang})).await;
        assert_eq!(status, 200);
        let wang_token = app.villager_token("13900139005").await;
        let (status, body) = weigh(&wang_token, zhang.clone(), line.clone()).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        let (status, _) = weigh(&wang_token, json!({"phone": "13900139002"}), line.clone()).await;
        assert_eq!(status, 201, "another household is fine");
        assert_eq!(app.balance(&s.zhang_token).await.available, 0);
        app.assert_ledger_balanced().await;
    }

    async fn the_keepers_day_and_the_monthly_statement(app) {
        let s = scene(&app).await;
        let oil = goods(&app, &s, "食用油", 30, 10).await;
        let salt = goods(&app, &s, "食用盐", 5, 10).await;
        app.award(&s.admin, &[s.zhang], 100, "文明户").await.unwrap();
        app.award(&s.admin, &[s.li], 100, "文明户").await.unwrap();
        let a = app.reserve(&s.zhang_token, s.shop, &[(oil, 1), (salt, 2)]).await.unwrap();
        let b = app.reserve(&s.li_token, s.shop, &[(salt, 1)]).await.unwrap();
        let c = app.reserve(&s.li_token, s.shop, &[(oil, 1)]).await.unwrap();
        for r in [&a, &b] {
            app.fulfil(&s.keeper, r.id).await.unwrap();
        }
        assert_eq!(c.status, RedemptionStatus::Reserved, "not handed over: not in the statement");
        let (_, list) = app.fetch(&api::ListCategories { query: api::CategoriesQuery { region_code: LIUCUN.to_string() } }, None).await;
        let paper = list[0]["id"].as_i64().unwrap();
        drop_off_json(&app, &s.keeper2, json!({"shop_id": s.shop, "villager": {"phone": "13900139001"}, "lines": [{"category_id": paper, "grams": 3500}]})).await;
        let (status, day) = app.fetch(&api::ShopToday { id: s.shop }, Some(&s.keeper)).await;
        assert_eq!(status, 200, "{day}");
        assert_eq!((day["redemptions"].as_i64(), day["points_collected"].as_i64()), (Some(2), Some(45)));
        let goods: Vec<(i64, i64, i64)> = day["goods"].as_array().unwrap().iter()
            .map(|g| (g["goods_id"].as_i64().unwrap(), g["qty"].as_i64().unwrap(), g["market_value_fen"].as_i64().unwrap())).collect();
        assert_eq!(goods, [(oil, 1, 1500), (salt, 3, 750)]);
        assert_eq!((day["dropoffs"].as_i64(), day["points_credited"].as_i64()), (Some(1), Some(7)));
        assert_eq!((day["recycling"][0]["grams"].as_i64(), day["recycling"][0]["name"].as_str()), (Some(3500), Some("废纸")));
        for token in [&s.zhang_token, &s.other_keeper] {
            let (status, _) = app.fetch(&api::ShopToday { id: s.shop }, Some(token)).await;
            assert_eq!(status, 403);
        }
        assert_eq!(app.fetch(&api::ShopToday { id: s.shop }, Some(&s.admin)).await.0, 200);
        // A keeper whose role is revoked reads nothing more.
        let k2: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613800138102'").fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(app.fetch(&api::KeptShops, Some(&s.keeper2)).await.1.as_array().unwrap().len(), 1);
        let (status, _) = app.fetch(&api::RevokeRole { id: k2, role: "keeper".into(), region_code: LIUCUN.to_string() }, Some(&s.admin)).await;
        assert_eq!(status, 200);
        assert_eq!(app.fetch(&api::ShopToday { id: s.shop }, Some(&s.keeper2)).await.0, 403);
        assert_eq!(app.fetch(&api::KeptShops, Some(&s.keeper2)).await.1, json!([]));
        assert_eq!(app.fetch(&api::ShopToday { id: 999999 }, Some(&s.admin)).await.0, 404);
        // The month's statement: the township admin sees both shops of the township.
        let month = &day["date"].as_str().unwrap()[..7];
        let (status, st) = app.fetch(&api::ShopSettlements { query: api::SettlementsQuery { month: month.to_string(), ..Default::default() } }, Some(&s.admin)).await;
        assert_eq!(status, 200, "{st}");
        let shops = st["shops"].as_array().unwrap();
        assert_eq!(shops.len(), 2);
        assert_eq!((shops[0]["shop_id"].as_i64(), shops[0]["redemptions"].as_i64(), shops[0]["points"].as_i64(), shops[0]["market_value_fen"].as_i64()),
                   (Some(s.shop), Some(2), Some(45), Some(2250)));
        assert_eq!((shops[1]["redemptions"].as_i64(), shops[1]["market_value_fen"].as_i64()), (Some(0), Some(0)));
        // The other keeper sees only their own shop; a villager none.
        let (_, theirs) = app.fetch(&api::ShopSettlements { query: api::SettlementsQuery { month: month.to_string(), ..Default::default() } }, Some(&s.other_keeper)).await;
        assert_eq!(theirs["shops"].as_array().unwrap().len(), 1);
        assert_eq!(theirs["shops"][0]["shop_id"].as_i64(), Some(s.other_shop));
        let (_, none) = app.fetch(&api::ShopSettlements { query: api::SettlementsQuery { month: month.to_string(), ..Default::default() } }, Some(&s.zhang_token)).await;
        assert_eq!(none["shops"], json!([]));
        // Another month is empty; bad months and formats are refused.
        let (_, old) = app.fetch(&api::ShopSettlements { query: api::SettlementsQuery { month: "2020-01".into(), ..Default::default() } }, Some(&s.admin)).await;
        assert_eq!(old["shops"][0]["points"], 0);
        for bad in ["month=2026-13", "month=2026-1", "month=", "month=2026-11&format=pdf", ""] {
            let settlements = common::with_raw_query(api::ShopSettlements { query: api::SettlementsQuery::default() }, &format!("?{bad}"));
            let (status, _) = app.fetch(&settlements, Some(&s.admin)).await;
            assert_eq!(status, 400, "{bad}");
        }
        // CSV and XLSX downloads.
        let file = |format: &str| api::ShopSettlements { query: api::SettlementsQuery { month: month.to_string(), format: Some(format.into()) } };
        let csv = app.request(&file("csv")).token(&s.admin).send().await.unwrap();
        assert_eq!(csv.status, 200);
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(csv.headers["content-disposition"].to_str().unwrap(), format!("attachment; filename=\"settlement-{month}.csv\""));
        let text = csv.text();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines.len(), 1 + 3 + 1, "header, two goods and a total, the empty shop's total");
        assert_eq!(lines[1], format!("{month},柳村积分超市,{LIUCUN},留村村委会,食用油,1,30,15.00,未付款 Unpaid,,"));
        assert_eq!(lines[3], format!("{month},柳村积分超市,{LIUCUN},留村村委会,合计（2 笔兑换）Total,4,45,22.50,未付款 Unpaid,,"));
        let xlsx = app.request(&file("xlsx")).token(&s.admin).send().await.unwrap();
        assert_eq!(xlsx.status, 200);
        assert_eq!(xlsx.headers["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        assert!(xlsx.body.starts_with(b"PK\x03\x04"));
        app.assert_ledger_balanced().await;
    }

    async fn months_are_paid_once_in_order_and_stay_as_paid(app) {
        let s = scene(&app).await;
        let oil = goods(&app, &s, "食用油", 30, 20).await;
        let salt = goods(&app, &s, "食用盐", 5, 20).await;
        app.award(&s.admin, &[s.zhang, s.li], 200, "文明户").await.unwrap();
        let handed = |token: String, lines: Vec<(i64, i64)>, at: Option<i64>| {
            let (app, keeper, shop) = (&app, s.keeper.clone(), s.shop);
            async move {
                let r = app.reserve(&token, shop, &lines).await.unwrap();
                app.fulfil(&keeper, r.id).await.unwrap();
                if let Some(at) = at {
                    sqlx::query("UPDATE redemptions SET settled_at = $1 WHERE id = $2").bind(at).bind(r.id)
                        .execute(app.db.writer()).await.unwrap();
                }
                r.id
            }
        };
        // 2025-09: 食用油 1 and 食用盐 2 (40 points); 2025-10: 食用盐 1 (5); this month: 食用油 1.
        const SEP_15: i64 = 1_757_908_800_000; // 2025-09-15 12:00 in the county
        const OCT_10: i64 = 1_760_068_800_000; // 2025-10-10 12:00
        handed(s.zhang_token.clone(), vec![(oil, 1)], Some(SEP_15)).await;
        handed(s.li_token.clone(), vec![(salt, 2)], Some(SEP_15)).await;
        handed(s.zhang_token.clone(), vec![(salt, 1)], Some(OCT_10)).await;
        handed(s.li_token.clone(), vec![(oil, 1)], None).await;
        let statement = |month: &str, token: String| {
            let (app, shop, month) = (&app, s.shop, month.to_owned());
            async move {
                let (status, st) = app.fetch(&api::ShopSettlements { query: api::SettlementsQuery { month, ..Default::default() } }, Some(&token)).await;
                assert_eq!(status, 200, "{st}");
                st["shops"].as_array().unwrap().iter().find(|x| x["shop_id"] == shop).unwrap().clone()
            }
        };
        let oct = statement("2025-10", s.admin.clone()).await;
        assert_eq!((oct["redemptions"].as_i64(), oct["points"].as_i64(), oct["may_pay"].as_bool(), oct["unpaid_before"].as_str()),
                   (Some(1), Some(5), Some(false), Some("2025-09")));
        assert_eq!((oct["unpaid_points"].as_i64(), oct["payment"].clone()), (Some(75), Value::Null));
        let pay = |month: &str, key: &str, token: String| {
            let (app, shop) = (&app, s.shop);
            let body = json!({"month": month, "reference": format!("ZF-{month}"), "paid_on": "2025-12-01"});
            let key = key.to_owned();
            async move {
                let answer = app.request(&api::PayShop { id: shop }).token(&token).idempotency_key(&key).json(&body).send().await.unwrap();
                let json: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
                (answer.status, json)
            }
        };
        // Months are paid in order, once over.
        let (status, body) = pay("2025-10", "k-oct", s.admin.clone()).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("earlier_month_unpaid")), "{body}");
        assert!(body["message"].as_str().unwrap().contains("2025-09"), "{body}");
        let this_month = app.fetch(&api::ShopToday { id: s.shop }, Some(&s.keeper)).await.1["date"].as_str().unwrap()[..7].to_owned();
        let (status, body) = pay(&this_month, "k-now", s.admin.clone()).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("month_not_over")), "{body}");
        // Bad input and the wrong people.
        for bad in [json!({"month": "2025-13", "reference": "x", "paid_on": "2025-12-01"}),
                    json!({"month": "2025-09", "reference": " ", "paid_on": "2025-12-01"}),
                    json!({"month": "2025-09", "reference": "x".repeat(65), "paid_on": "2025-12-01"}),
                    json!({"month": "2025-09", "reference": "a\u{202E}b", "paid_on": "2025-12-01"}),
                    json!({"month": "2025-09", "reference": "x", "paid_on": "2025-08-31"}),
                    json!({"month": "2025-09", "reference": "x", "paid_on": "2999-01-01"}),
                    json!({"month": "2025-09", "reference": "x", "paid_on": "1 Dec"}),
                    json!({"month": "2025-09", "reference": "x"})] {
            let answer = app.request(&api::PayShop { id: s.shop }).token(&s.admin).idempotency_key(&format!("bad-{bad}")).json(&bad).send().await.unwrap();
            assert_eq!(answer.status, 400, "{bad}");
        }
        let village_admin = app.staff_token("13800138201", Role::VillageAdmin, LIUCUN).await;
        let other_township = app.staff_token("13800138202", Role::TownshipAdmin, "410783102").await;
        for token in [&s.keeper, &village_admin, &other_township, &s.zhang_token] {
            let (status, body) = pay("2025-09", "k-who", token.clone()).await;
            assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{body}");
        }
        let (status, _) = app.call(&api::PayShop { id: 999_999 }, Some(&s.admin), &json!({"month": "2025-09", "reference": "x", "paid_on": "2025-12-01"})).await;
        assert_eq!(status, 404);
        // Two admins mark September paid at once: one payment, one transfer.
        let county = app.staff_token("13800138203", Role::CountyAdmin, "410783").await;
        let (a, b) = tokio::join!(pay("2025-09", "k-sep-a", s.admin.clone()), pay("2025-09", "k-sep-b", county.clone()));
        let mut answers = vec![(a.0, a.1["code"].as_str().map(str::to_owned)), (b.0, b.1["code"].as_str().map(str::to_owned))];
        answers.sort();
        assert_eq!(answers, vec![(200, None), (409, Some("already_paid".into()))]);
        let paid = if a.0 == 200 { a.1.clone() } else { b.1.clone() };
        assert_eq!((paid["redemptions"].as_i64(), paid["points"].as_i64(), paid["market_value_fen"].as_i64(), paid["unpaid_points"].as_i64()),
                   (Some(2), Some(40), Some(2000), Some(35)), "{paid}");
        assert_eq!((paid["payment"]["reference"].as_str(), paid["payment"]["paid_on"].as_str()), (Some("ZF-2025-09"), Some("2025-12-01")));
        let settled: Vec<(i64, i64)> = sqlx::query_as("SELECT debit_account_id, amount FROM ledger_transfers WHERE reason = 'settlement'")
            .fetch_all(app.db.reader()).await.unwrap();
        let shop_account: i64 = sqlx::query_scalar("SELECT account_id FROM shops WHERE id = $1").bind(s.shop).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(settled, vec![(shop_account, 40)]);
        // A retry replays the answer; another request for the month is refused.
        let winner = if a.0 == 200 { ("k-sep-a", s.admin.clone()) } else { ("k-sep-b", county.clone()) };
        assert_eq!(pay("2025-09", winner.0, winner.1).await, (200, paid.clone()));
        let (status, body) = pay("2025-09", "k-sep-c", s.admin.clone()).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_paid")));
        // The paid month never changes: goods renamed, a late hand-over of September.
        let (status, _) = app.call(&api::UpdateGoods { id: salt }, Some(&s.admin), &json!({"name": "精制盐", "points_price": 5, "market_price_fen": 250, "active": true})).await;
        assert_eq!(status, 200);
        handed(s.zhang_token.clone(), vec![(salt, 3)], Some(SEP_15 + 86_400_000)).await;
        let sep = statement("2025-09", s.keeper.clone()).await;
        assert_eq!((sep["points"].as_i64(), sep["redemptions"].as_i64(), sep["may_pay"].as_bool()), (Some(40), Some(2), Some(false)));
        let names: Vec<&str> = sep["goods"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["食用油", "食用盐"], "named as when paid");
        assert_eq!(sep["payment"]["reference"].as_str(), Some("ZF-2025-09"), "the keeper sees it paid");
        // The late one goes into October, the first month after the paid one.
        let oct = statement("2025-10", s.admin.clone()).await;
        assert_eq!((oct["redemptions"].as_i64(), oct["late_redemptions"].as_i64(), oct["points"].as_i64(), oct["may_pay"].as_bool(), oct["unpaid_before"].clone()),
                   (Some(2), Some(1), Some(20), Some(true), Value::Null), "{oct}");
        let (status, oct) = pay("2025-10", "k-oct-2", s.admin.clone()).await;
        assert_eq!((status, oct["points"].as_i64(), oct["unpaid_points"].as_i64()), (200, Some(20), Some(30)), "{oct}");
        // Nothing left before this month; an earlier month was paid with a later one.
        let (status, body) = pay("2025-11", "k-nov", s.admin.clone()).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("wrong_state")), "{body}");
        let (status, body) = pay("2025-08", "k-aug", s.admin.clone()).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_paid")), "{body}");
        let now = statement(&this_month, s.admin.clone()).await;
        assert_eq!((now["points"].as_i64(), now["unpaid_points"].as_i64(), now["may_pay"].as_bool()), (Some(30), Some(30), Some(false)));
        // Keepers are told; the payments are audited; the file says paid.
        let (_, inbox) = app.fetch(&api::InboxList { query: Default::default() }, Some(&s.keeper2)).await;
        let told: Vec<&str> = inbox["items"].as_array().unwrap().iter().filter(|n| n["kind"] == "shop_paid").map(|n| n["text"].as_str().unwrap()).collect();
        assert_eq!(told, ["“柳村积分超市”2025-10 的结算单已付款：20 积分，¥10.00（凭证号 ZF-2025-10）",
                          "“柳村积分超市”2025-09 的结算单已付款：40 积分，¥20.00（凭证号 ZF-2025-09）"]);
        let audited: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'shop.pay'").fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(audited, 2);
        let file = api::ShopSettlements { query: api::SettlementsQuery { month: "2025-09".into(), format: Some("csv".into()) } };
        let csv = app.request(&file).token(&s.keeper).send().await.unwrap().text();
        assert!(csv.contains("合计（2 笔兑换）Total,3,40,20.00,已付款 Paid,ZF-2025-09,2025-12-01"), "{csv}");
        app.assert_ledger_balanced().await;
    }

    async fn the_sweep_returns_lapsed_reservations(app) {
        let s = scene(&app).await;
        let soap = goods(&app, &s, "肥皂", 15, 10).await;
        app.award(&s.admin, &[s.zhang], 100, "文明户").await.unwrap();
        let old = app.reserve(&s.zhang_token, s.shop, &[(soap, 2)]).await.unwrap();
        let fresh = app.reserve(&s.zhang_token, s.shop, &[(soap, 1)]).await.unwrap();
        sqlx::query("UPDATE redemptions SET expires_at = 1000 WHERE id = $1").bind(old.id)
            .execute(app.db.writer()).await.unwrap();
        assert_eq!(app.stock(s.shop, soap).await, 7);
        let now = jifen_server::storage::now_ms();
        assert_eq!(jifen_server::shop::redemptions::sweep(&app.db, now).await.unwrap(), 1);
        assert_eq!(jifen_server::shop::redemptions::sweep(&app.db, now).await.unwrap(), 0, "swept once");
        assert_eq!(app.stock(s.shop, soap).await, 9);
        let b = app.balance(&s.zhang_token).await;
        assert_eq!((b.available, b.pending), (85, 15));
        let (_, mine) = app.fetch(&api::MyRedemptions { query: api::PageQuery { ..Default::default() } }, Some(&s.zhang_token)).await;
        let statuses: Vec<&str> = mine["items"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
        assert_eq!(statuses, ["reserved", "expired"]);
        assert_eq!(mine["items"][1]["qr_token"], Value::Null);
        assert_eq!(fresh.status, RedemptionStatus::Reserved);
        app.assert_ledger_balanced().await;
    }

    async fn goods_photos_are_public_and_other_photos_are_not(app) {
        let s = scene(&app).await;
        let photo = app.upload_photo(&s.admin, 7).await;
        let private = app.upload_photo(&s.admin, 8).await;
        let (status, body) = app.call(&api::CreateGoods { id: s.shop }, Some(&s.admin), &json!({"name": "洗衣粉", "points_price": 20, "market_price_fen": 1500, "stock": 5, "per_person_limit": null, "photo_id": photo})).await;
        assert_eq!(status, 201, "{body}");
        for path in [api::GetMediaThumb { id: photo }.url_path(), api::GetMedia { id: photo }.url_path()] {
            let response = app.client.get(app.url(&path)).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path} without signing in");
            assert_eq!(response.headers()["content-type"], "image/jpeg");
            let status = app.client.get(app.url(&path)).bearer_auth(&s.zhang_token).send().await.unwrap().status().as_u16();
            assert_eq!(status, 200);
        }
        assert_eq!(app.fetch(&api::GetMediaThumb { id: private }, None).await.0, 401);
        assert_eq!(app.fetch(&api::GetMediaThumb { id: private }, Some(&s.zhang_token)).await.0, 404);
    }
}
