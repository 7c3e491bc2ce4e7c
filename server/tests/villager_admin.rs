//! One villager on both databases: an admin edits the registry entry (name, 户号, groups, grid)
//! and changes the phone, and closes the account (迁出, 去世) — the balance to the household or
//! back to issuance with exact amounts, reservations, claims and orders let go, a retry and a
//! racing reservation doubling nothing —, every change audited with its exact before and after,
//! bad input and authority refused with their codes, the ledger's invariants checked at the end.

mod common;

use common::TestApp;
use jifen_shared::api;
use jifen_shared::auth::Role;
use serde_json::{Value, json};
use sqlx::Row;

const LIUCUN: &str = "410783101230";
const TOWNSHIP: &str = "410783101";
const OTHER_VILLAGE: &str = "410783101229";
const GRID1: &str = "410783101230-001";
const GRID2: &str = "410783101230-002";
const FOREIGN_GRID: &str = "410783101229-001";

/// 柳村 with two grids, its village admin and four villagers: 张三明 and 张小明 of household
/// 0101, 李四海 alone in 0102, 王五 without a 户号.
struct Scene {
    admin: String,
    zhang: i64,
    xiaoming: i64,
    li: i64,
    wang: i64,
}

async fn scene(app: &TestApp) -> Scene {
    app.load_changyuan().await;
    for (code, parent) in [
        (GRID1, LIUCUN),
        (GRID2, LIUCUN),
        (FOREIGN_GRID, OTHER_VILLAGE),
    ] {
        sqlx::query(
            "INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) \
             VALUES ($1, $2, 'grid', $3, 0, 0)",
        )
        .bind(code)
        .bind(format!("第{}网格", &code[13..]))
        .bind(parent)
        .execute(app.db.writer())
        .await
        .unwrap();
    }
    let admin = app
        .staff_token("13800138000", Role::VillageAdmin, LIUCUN)
        .await;
    let csv = format!(
        "name,phone,village_code,grid_code,household,tags\n\
         张三明,13900139001,{LIUCUN},{GRID1},0101,党员\n\
         张小明,13900139002,{LIUCUN},,0101,\n\
         李四海,13900139003,{LIUCUN},,0102,\n\
         王五,13900139004,{LIUCUN},,,\n"
    );
    let report =
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
            .await
            .unwrap();
    assert_eq!(report.created, 4, "{:?}", report.errors);
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM people WHERE village_code IS NOT NULL ORDER BY id")
            .fetch_all(app.db.reader())
            .await
            .unwrap();
    Scene {
        admin,
        zhang: ids[0],
        xiaoming: ids[1],
        li: ids[2],
        wang: ids[3],
    }
}

/// (action, before, after) of every audit entry about person `id`, oldest first.
async fn audit_of(app: &TestApp, id: i64) -> Vec<(String, Value, Value)> {
    sqlx::query("SELECT action, before, after FROM audit_log WHERE target = $1 ORDER BY id")
        .bind(format!("person:{id}"))
        .fetch_all(app.db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let json = |c: &str| {
                r.get::<Option<String>, _>(c)
                    .map_or(Value::Null, |s| serde_json::from_str(&s).unwrap())
            };
            (r.get("action"), json("before"), json("after"))
        })
        .collect()
}

/// The posted balance of the ledger account of `kind` (`issuance`, `villager`) whose `column`
/// (`region_code`, `person_id`) is `key`; 0 without one.
async fn posted(app: &TestApp, kind: &str, column: &str, key: &str) -> i64 {
    sqlx::query_scalar(&format!(
        "SELECT credits_posted - debits_posted FROM ledger_accounts \
         WHERE kind = $1 AND CAST({column} AS TEXT) = $2"
    ))
    .bind(kind)
    .bind(key)
    .fetch_optional(app.db.reader())
    .await
    .unwrap()
    .unwrap_or(0)
}

/// The posted balance of the township's issuance account.
async fn issuance(app: &TestApp) -> i64 {
    posted(app, "issuance", "region_code", TOWNSHIP).await
}

/// The posted balance of person `id`'s villager account (0 without one).
async fn held(app: &TestApp, id: i64) -> i64 {
    posted(app, "villager", "person_id", &id.to_string()).await
}

async fn edit(app: &TestApp, token: &str, id: i64, body: Value) -> (u16, Value) {
    app.call(&api::UpdatePerson { id }, Some(token), &body)
        .await
}

/// The id of the open account that signs in with `phone` (E.164).
async fn account(app: &TestApp, phone: &str) -> Option<i64> {
    jifen_server::auth::storage::account_by_phone(&app.db, phone)
        .await
        .unwrap()
        .map(|a| a.id)
}

async fn phone_of(app: &TestApp, token: &str, id: i64, phone: &str) -> (u16, Value) {
    app.call(
        &api::ChangePersonPhone { id },
        Some(token),
        &json!({"phone": phone}),
    )
    .await
}

/// The names `GET /admin/people?region_code=柳村&closed=…` lists.
async fn names_listed(app: &TestApp, token: &str, closed: Option<bool>) -> Vec<String> {
    let query = api::PeopleQuery {
        region_code: Some(LIUCUN.into()),
        closed,
        ..Default::default()
    };
    let (status, page) = app.fetch(&api::ListPeople { query }, Some(token)).await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn close(app: &TestApp, token: &str, id: i64, body: Value) -> (u16, Value) {
    app.call(&api::ClosePerson { id }, Some(token), &body).await
}

/// A shop of 柳村 with goods of `points` points and `stock` units: (shop, goods).
async fn shop_with_goods(app: &TestApp, admin: &str, points: i64, stock: i64) -> (i64, i64) {
    let (status, shop) = app
        .call(
            &api::CreateShop,
            Some(admin),
            &json!({"name": "柳村积分超市", "village_code": LIUCUN}),
        )
        .await;
    assert_eq!(status, 201, "{shop}");
    let shop = shop["id"].as_i64().unwrap();
    let (status, goods) = app
        .call(
            &api::CreateGoods { id: shop },
            Some(admin),
            &json!({"name": "洗洁精", "points_price": points, "market_price_fen": points * 50, "stock": stock}),
        )
        .await;
    assert_eq!(status, 201, "{goods}");
    (shop, goods["id"].as_i64().unwrap())
}

db_tests! {
    async fn an_admin_edits_name_household_groups_and_grid_with_exact_before_and_after(app) {
        let s = scene(&app).await;
        let (status, person) = edit(&app, &s.admin, s.zhang, json!({
            "name": " 张三民 ", "household": "0102", "tags": ["村民代表", "党员", "村民代表", "种粮大户"], "grid_code": GRID2,
        })).await;
        assert_eq!(status, 200, "{person}");
        assert_eq!(person["name"], "张三民");
        assert_eq!(person["household"], "0102");
        assert_eq!(person["tags"], json!(["党员", "村民代表", "种粮大户"]));
        assert_eq!(person["grid_code"], GRID2);
        assert_eq!(person["phone"], "+8613900139001");
        assert_eq!(person["closed"], Value::Null);
        let audit = audit_of(&app, s.zhang).await;
        assert_eq!(audit.len(), 2, "the import's person.create and the edit");
        assert_eq!(audit[1], ("person.update".into(),
            json!({"name": "张三明", "phone": "139****9001", "village_code": LIUCUN, "grid_code": GRID1, "household": "0101", "tags": ["党员"]}),
            json!({"name": "张三民", "phone": "139****9001", "village_code": LIUCUN, "grid_code": GRID2, "household": "0102", "tags": ["党员", "村民代表", "种粮大户"]})));
        // The same edit again changes and records nothing.
        let (status, _) = edit(&app, &s.admin, s.zhang, json!({
            "name": "张三民", "household": "0102", "tags": ["党员", "村民代表", "种粮大户"], "grid_code": GRID2,
        })).await;
        assert_eq!(status, 200);
        assert_eq!(audit_of(&app, s.zhang).await.len(), 2);
        // Out of a grid, out of a household, no groups: a township admin may too.
        let township = app.staff_token("13800138001", Role::TownshipAdmin, TOWNSHIP).await;
        let (status, person) = edit(&app, &township, s.zhang, json!({
            "name": "张三民", "household": null, "tags": [], "grid_code": null,
        })).await;
        assert_eq!(status, 200, "{person}");
        assert_eq!((person["household"].clone(), person["tags"].clone(), person["grid_code"].clone()), (Value::Null, json!([]), Value::Null));
        let audit = audit_of(&app, s.zhang).await;
        assert_eq!(audit[2].2, json!({"name": "张三民", "phone": "139****9001", "village_code": LIUCUN, "grid_code": null, "household": null, "tags": []}));
    }

    async fn bad_edits_are_refused_with_their_codes(app) {
        let s = scene(&app).await;
        let ok = json!({"name": "张三明", "household": "0101", "tags": ["党员"], "grid_code": GRID1});
        let with = |field: &str, value: Value| {
            let mut body = ok.clone();
            body[field] = value;
            body
        };
        let many: Vec<String> = (0..21).map(|i| format!("标签{i}")).collect();
        for (body, status, code) in [
            (with("name", json!("")), 400, "invalid_input"),
            (with("name", json!("   ")), 400, "invalid_input"),
            (with("name", json!("张".repeat(51))), 400, "invalid_input"),
            (with("name", json!("张\u{200b}三")), 400, "invalid_input"),
            // Nothing visible (Hangul fillers, the braille blank), bidi marks, a ZWJ joining
            // nothing (server/src/text.rs).
            (with("name", json!("\u{3164}")), 400, "invalid_input"),
            (with("name", json!("\u{115F}\u{1160}")), 400, "invalid_input"),
            (with("name", json!("\u{2800}")), 400, "invalid_input"),
            (with("name", json!("张\u{061C}三")), 400, "invalid_input"),
            (with("name", json!("张三\u{200E}")), 400, "invalid_input"),
            (with("name", json!("张\u{200D}三")), 400, "invalid_input"),
            (with("household", json!("\u{FFA0}")), 400, "invalid_input"),
            (with("tags", json!(["\u{3164}"])), 400, "invalid_input"),
            (with("household", json!("1".repeat(33))), 400, "invalid_input"),
            (with("tags", json!(["党".repeat(21)])), 400, "invalid_input"),
            (with("tags", json!(many)), 400, "invalid_input"),
            (with("grid_code", json!(FOREIGN_GRID)), 400, "unknown_grid"),
            (with("grid_code", json!("410783101230-009")), 400, "unknown_grid"),
            (with("grid_code", json!(LIUCUN)), 400, "unknown_grid"),
            (with("grid_code", json!("网格一")), 400, "unknown_grid"),
        ] {
            let (got, answer) = edit(&app, &s.admin, s.zhang, body.clone()).await;
            assert_eq!((got, answer["code"].as_str()), (status, Some(code)), "{body}: {answer}");
        }
        // The longest allowed values are kept.
        let (status, person) = edit(&app, &s.admin, s.zhang, json!({
            "name": "张".repeat(50), "household": "1".repeat(32), "tags": ["党".repeat(20)], "grid_code": GRID1,
        })).await;
        assert_eq!(status, 200, "{person}");
        assert_eq!(person["name"].as_str().unwrap().chars().count(), 50);
        // An emoji ZWJ sequence is one character to a person: 王👨‍🌾 (farmer).
        let farmer = "王\u{1F468}\u{200D}\u{1F33E}";
        let (status, person) = edit(&app, &s.admin, s.zhang, json!({"name": farmer, "household": "0101", "tags": [farmer], "grid_code": GRID1})).await;
        assert_eq!((status, person["name"].as_str(), &person["tags"]), (200, Some(farmer), &json!([farmer])), "{person}");
        // Unknown fields and no such person.
        let (status, _) = edit(&app, &s.admin, s.zhang, with("village_code", json!(OTHER_VILLAGE))).await;
        assert_eq!(status, 400);
        let (status, body) = edit(&app, &s.admin, 999_999, ok.clone()).await;
        assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
        assert_eq!(audit_of(&app, s.zhang).await.len(), 3, "create and the two good edits");
    }

    async fn only_admins_of_the_village_and_above_change_a_villager(app) {
        let s = scene(&app).await;
        let other_admin = app.staff_token("13800138002", Role::VillageAdmin, OTHER_VILLAGE).await;
        let grid_worker = app.staff_token("13800138003", Role::GridWorker, GRID1).await;
        let other_township = app.staff_token("13800138004", Role::TownshipAdmin, "410783102").await;
        let villager = app.villager_token("13900139002").await;
        let body = json!({"name": "张三明", "household": "0101", "tags": [], "grid_code": null});
        for (token, status) in [(&other_admin, 404), (&other_township, 404), (&grid_worker, 403), (&villager, 403)] {
            assert_eq!(edit(&app, token, s.zhang, body.clone()).await.0, status);
            assert_eq!(app.call(&api::ChangePersonPhone { id: s.zhang }, Some(token), &json!({"phone": "13900139099"})).await.0, status);
            assert_eq!(app.fetch(&api::ClosingPreview { id: s.zhang }, Some(token)).await.0, status);
            assert_eq!(close(&app, token, s.zhang, json!({"reason": "moved_away"})).await.0, status);
        }
        assert_eq!(app.call(&api::UpdatePerson { id: s.zhang }, None, &body).await.0, 401);
        // Staff accounts are not changed here, not even by a county admin.
        let county = app.staff_token("13800138005", Role::CountyAdmin, "410783").await;
        let staff: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613800138000'")
            .fetch_one(app.db.reader()).await.unwrap();
        sqlx::query("UPDATE people SET village_code = $1 WHERE id = $2").bind(LIUCUN).bind(staff)
            .execute(app.db.writer()).await.unwrap();
        let (status, answer) = edit(&app, &county, staff, body.clone()).await;
        assert_eq!((status, answer["code"].as_str()), (403, Some("forbidden")), "{answer}");
        assert_eq!(close(&app, &county, staff, json!({"reason": "deceased"})).await.0, 403);
        // Nothing changed.
        assert_eq!(audit_of(&app, s.zhang).await.len(), 1);
        let (_, person) = app.fetch(&api::GetPerson { id: s.zhang }, Some(&s.admin)).await;
        assert_eq!((person["tags"].clone(), person["grid_code"].clone()), (json!(["党员"]), json!(GRID1)));
    }

    async fn a_new_phone_is_normalised_unique_and_ends_the_sessions(app) {
        let s = scene(&app).await;
        let _token = app.villager_token("13900139001").await;
        let live = "SELECT CAST(COUNT(*) AS BIGINT) FROM refresh_families WHERE person_id = $1 AND revoked_at IS NULL";
        let sessions = |id: i64| sqlx::query_scalar::<_, i64>(live).bind(id).fetch_one(app.db.reader());
        assert_eq!(sessions(s.zhang).await.unwrap(), 1);
        let change = |phone: &'static str| phone_of(&app, &s.admin, s.zhang, phone);
        for (phone, status, code) in [
            ("", 400, "invalid_phone"),
            ("12345", 400, "invalid_phone"),
            ("1390013909a", 400, "invalid_phone"),
            ("0373-8888888", 400, "invalid_phone"),
            ("+1 202 555 0123", 400, "invalid_phone"),
            ("139 0013 9002", 409, "phone_taken"),
        ] {
            let (got, answer) = change(phone).await;
            assert_eq!((got, answer["code"].as_str()), (status, Some(code)), "{phone}: {answer}");
        }
        assert_eq!(sessions(s.zhang).await.unwrap(), 1, "refusals end no session");
        let (status, person) = change("+86 139-0013-9099").await;
        assert_eq!(status, 200, "{person}");
        assert_eq!(person["phone"], "+8613900139099");
        assert_eq!(sessions(s.zhang).await.unwrap(), 0);
        let audit = audit_of(&app, s.zhang).await;
        assert_eq!(audit.len(), 2);
        assert_eq!((audit[1].0.as_str(), &audit[1].1["phone"], &audit[1].2["phone"]), ("person.phone", &json!("139****9001"), &json!("139****9099")));
        // The same number again changes nothing; the new number signs in, the old one is free.
        assert_eq!(change("13900139099").await.0, 200);
        assert_eq!(audit_of(&app, s.zhang).await.len(), 2);
        app.villager_token("13900139099").await;
        assert_eq!(account(&app, "+8613900139001").await, None);
    }

    async fn closing_gives_the_balance_to_the_household_and_lets_everything_go(app) {
        let s = scene(&app).await;
        let zhang = app.villager_token("13900139001").await;
        let xiaoming = app.villager_token("13900139002").await;
        app.award(&s.admin, &[s.zhang], 30, "好人好事").await.unwrap();
        let issued = issuance(&app).await;
        assert_eq!(issued, -30);
        // A reservation (10 points, 1 of 5 in stock), a pending claim and an open order.
        let (shop, goods) = shop_with_goods(&app, &s.admin, 10, 5).await;
        let reserved = app.reserve(&zhang, shop, &[(goods, 1)]).await.unwrap();
        assert_eq!(app.stock(shop, goods).await, 4);
        let (status, rule) = app.call(&api::CreateRule, Some(&s.admin), &json!({"code": "river", "name": "清理河道", "category": "environment", "points": 4, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN})).await;
        assert_eq!(status, 201, "{rule}");
        let (status, claim) = app.call(&api::CreateClaim, Some(&zhang), &json!({"rule_id": rule["id"], "note": "清理了河道"})).await;
        assert_eq!(status, 201, "{claim}");
        let (status, order) = app.call(&api::CreateOrder, Some(&zhang), &json!({"type_id": 1, "description": "帮忙到镇上代缴电费"})).await;
        assert_eq!(status, 201, "{order}");
        // The admin is told where the points go before confirming.
        let (status, preview) = app.fetch(&api::ClosingPreview { id: s.zhang }, Some(&s.admin)).await;
        assert_eq!(status, 200, "{preview}");
        assert_eq!(preview, json!({"points": 30, "heir": {"id": s.xiaoming, "name": "张小明"}}));
        // A stale confirmation changes nothing.
        let (status, body) = close(&app, &s.admin, s.zhang, json!({"reason": "moved_away", "seen_points": 20})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("balance_changed")), "{body}");
        let (status, closed) = close(&app, &s.admin, s.zhang, json!({"reason": "moved_away", "seen_points": 30})).await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!(closed["balance"], json!({"points": 30, "heir": {"id": s.xiaoming, "name": "张小明"}}));
        assert_eq!(closed["person"]["closed"]["reason"], "moved_away");
        assert_eq!(closed["person"]["roles"], json!([]));
        // Exactly +30 to the household, nothing to issuance, nothing left.
        assert_eq!(app.available_points(&xiaoming).await, 30);
        assert_eq!(held(&app, s.zhang).await, 0);
        assert_eq!(issuance(&app).await, -30);
        let (_, inbox) = app.fetch(&api::InboxList { query: api::PageQuery::default() }, Some(&xiaoming)).await;
        assert_eq!(inbox["items"][0]["kind"], "points_inherited");
        assert_eq!(inbox["items"][0]["text"], "同户 张三明（迁出）的 30 积分已转入您的账户");
        // The reservation is cancelled with its stock back, the claim rejected, the order cancelled.
        let status: String = sqlx::query_scalar("SELECT status FROM redemptions WHERE id = $1").bind(reserved.id).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(status, "cancelled");
        assert_eq!(app.stock(shop, goods).await, 5);
        let claim_row = sqlx::query("SELECT status, review_reason FROM point_claims WHERE id = $1").bind(claim["id"].as_i64().unwrap()).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!((claim_row.get::<String, _>("status"), claim_row.get::<String, _>("review_reason")), ("rejected".into(), "账户已注销（迁出）".into()));
        let order_status: String = sqlx::query_scalar("SELECT status FROM service_orders WHERE id = $1").bind(order["id"].as_i64().unwrap()).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(order_status, "cancelled");
        // The closed person signs in no more; their token stops working at once.
        assert_eq!(app.fetch(&api::GetMe, Some(&zhang)).await.0, 401);
        assert_eq!(account(&app, "+8613900139001").await, None);
        // Listed only with the filter; still found by id with their history.
        assert_eq!(names_listed(&app, &s.admin, None).await, ["测试员", "张小明", "李四海", "王五"]);
        assert_eq!(names_listed(&app, &s.admin, Some(true)).await, ["张三明"]);
        let (status, person) = app.fetch(&api::GetPerson { id: s.zhang }, Some(&s.admin)).await;
        assert_eq!((status, person["closed"]["reason"].as_str()), (200, Some("moved_away")));
        // Closing again, previewing, editing: refused with their codes.
        let (status, body) = close(&app, &s.admin, s.zhang, json!({"reason": "deceased"})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_closed")));
        assert_eq!(app.fetch(&api::ClosingPreview { id: s.zhang }, Some(&s.admin)).await.1["code"], "already_closed");
        let (status, body) = edit(&app, &s.admin, s.zhang, json!({"name": "张三明", "household": "0101", "tags": [], "grid_code": null})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("person_closed")));
        let (status, body) = app.call(&api::ChangePersonPhone { id: s.zhang }, Some(&s.admin), &json!({"phone": "13900139098"})).await;
        assert_eq!((status, body["code"].as_str()), (409, Some("person_closed")));
        // The audit: everything before, where it went after.
        let audit = audit_of(&app, s.zhang).await;
        let (action, before, after) = audit.last().unwrap();
        assert_eq!(action, "person.close");
        assert_eq!(before, &json!({"name": "张三明", "phone": "139****9001", "village_code": LIUCUN, "grid_code": GRID1, "household": "0101", "tags": ["党员"],
            "roles": [{"role": "villager", "region_code": LIUCUN}], "points": 30}));
        assert_eq!(after, &json!({"closed_reason": "moved_away", "points": 30, "to": "household", "heir_id": s.xiaoming,
            "cancelled_redemptions": [reserved.id], "rejected_claims": [claim["id"]], "cancelled_orders": [order["id"]], "released_orders": []}));
        // The number is free for a new registration.
        let csv = format!("name,phone,village_code\n新村民,13900139001,{LIUCUN}\n");
        let report = jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!((report.created, report.updated), (1, 0), "{:?}", report.errors);
        let newcomer: i64 = sqlx::query_scalar("SELECT id FROM people WHERE name = '新村民'").fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(account(&app, "+8613900139001").await, Some(newcomer));
        app.assert_ledger_balanced().await;
    }

    async fn without_another_household_member_the_points_return_to_issuance(app) {
        let s = scene(&app).await;
        app.award(&s.admin, &[s.li], 25, "好人好事").await.unwrap();
        assert_eq!(issuance(&app).await, -25);
        let (_, preview) = app.fetch(&api::ClosingPreview { id: s.li }, Some(&s.admin)).await;
        assert_eq!(preview, json!({"points": 25, "heir": null}));
        let (status, closed) = close(&app, &s.admin, s.li, json!({"reason": "deceased", "seen_points": 25})).await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!(closed["balance"], json!({"points": 25, "heir": null}));
        assert_eq!(closed["person"]["closed"]["reason"], "deceased");
        assert_eq!(issuance(&app).await, 0);
        assert_eq!(held(&app, s.li).await, 0);
        let transfer = sqlx::query("SELECT amount, reason, reference FROM ledger_transfers WHERE transfer_key = $1")
            .bind(format!("person:{}:close", s.li)).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!((transfer.get::<i64, _>("amount"), transfer.get::<String, _>("reason"), transfer.get::<String, _>("reference")),
            (25, "closed.issuance".into(), format!("person:{}", s.li)));
        // Nothing to move: 王五 holds no points and has no 户号.
        let (status, closed) = close(&app, &s.admin, s.wang, json!({"reason": "moved_away", "seen_points": 0})).await;
        assert_eq!(status, 200, "{closed}");
        assert_eq!(closed["balance"], json!({"points": 0, "heir": null}));
        let moved: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_transfers WHERE transfer_key = $1")
            .bind(format!("person:{}:close", s.wang)).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(moved, 0);
        // A bad reason is refused before anything happens.
        let (status, _) = close(&app, &s.admin, s.zhang, json!({"reason": "emigrated"})).await;
        assert_eq!(status, 400);
        assert_eq!(held(&app, s.zhang).await, 0);
        app.assert_ledger_balanced().await;
    }

    async fn a_retried_close_doubles_nothing(app) {
        let s = scene(&app).await;
        app.award(&s.admin, &[s.zhang], 30, "好人好事").await.unwrap();
        let body = json!({"reason": "deceased", "seen_points": 30});
        let (a, b) = tokio::join!(close(&app, &s.admin, s.zhang, body.clone()), close(&app, &s.admin, s.zhang, body.clone()));
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "{} {}", a.1, b.1);
        let (status, again) = close(&app, &s.admin, s.zhang, body).await;
        assert_eq!((status, again["code"].as_str()), (409, Some("already_closed")));
        assert_eq!(held(&app, s.xiaoming).await, 30);
        assert_eq!(held(&app, s.zhang).await, 0);
        let transfers: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM ledger_transfers WHERE reference = $1")
            .bind(format!("person:{}", s.zhang)).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(transfers, 1);
        let closes = audit_of(&app, s.zhang).await.iter().filter(|(a, _, _)| a == "person.close").count();
        assert_eq!(closes, 1);
        // A closed account is awarded nothing.
        let refused = app.award(&s.admin, &[s.zhang], 5, "好人好事").await;
        assert_eq!(common::domain::refusal(&refused), Some((400, jifen_shared::ErrorCode::InvalidInput)), "{refused:?}");
        assert_eq!(held(&app, s.zhang).await, 0);
        app.assert_ledger_balanced().await;
    }

    async fn closing_racing_a_reservation_loses_no_point_and_no_stock(app) {
        let s = scene(&app).await;
        let zhang = app.villager_token("13900139001").await;
        app.award(&s.admin, &[s.zhang], 30, "好人好事").await.unwrap();
        let (shop, goods) = shop_with_goods(&app, &s.admin, 10, 5).await;
        let (reserved, closed) = tokio::join!(
            app.reserve(&zhang, shop, &[(goods, 1)]),
            close(&app, &s.admin, s.zhang, json!({"reason": "moved_away"})),
        );
        assert_eq!(closed.0, 200, "{}", closed.1);
        assert_eq!(closed.1["balance"]["points"], 30);
        if let Ok(r) = &reserved {
            let status: String = sqlx::query_scalar("SELECT status FROM redemptions WHERE id = $1").bind(r.id).fetch_one(app.db.reader()).await.unwrap();
            assert_eq!(status, "cancelled");
        }
        let open: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM redemptions WHERE status = 'reserved'")
            .fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(open, 0);
        assert_eq!(app.stock(shop, goods).await, 5);
        assert_eq!(held(&app, s.xiaoming).await, 30);
        assert_eq!(held(&app, s.zhang).await, 0);
        app.assert_ledger_balanced().await;
    }
}
