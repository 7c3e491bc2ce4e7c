//! The audit log (小微权力监督): every endpoint that changes anything either records who did what
//! (walked here, each through the real HTTP API on both databases) or says why not; the log is
//! append-only in the database itself; the audit screen's filters and CSV export.

mod common;

use std::collections::BTreeSet;

use common::TestApp;
use jifen_shared::api::{self, ENDPOINTS, Method};
use jifen_shared::audit::ACTIONS;
use jifen_shared::auth::Role;
use serde_json::{Value, json};

const LIUCUN: &str = "410783101230";
const GRID: &str = "410783101230-001";

/// The endpoints that change something and what each records in the audit log: staff acting
/// with a role's powers. The walk below calls every one and finds the entry.
const AUDITED: &[(&str, &str)] = &[
    ("ChangeOwnPassword", "password.change"),
    ("GrantRole", "role.grant"),
    ("RevokeRole", "role.revoke"),
    ("ResetPassword", "password.reset"),
    ("ImportVillagers", "villagers.import"),
    ("CreateGridIn", "grid.create"),
    ("AssignGridMembers", "grid.members"),
    ("UpdatePerson", "person.update"),
    ("ChangePersonPhone", "person.phone"),
    ("ClosePerson", "person.close"),
    ("Award", "points.award"),
    ("SetAwardLimits", "points.limits"),
    ("CreateRule", "rule.create"),
    ("UpdateRule", "rule.update"),
    ("SetRuleSetting", "rule.setting"),
    ("ApproveClaim", "claim.approve"),
    ("Correct", "claim.correct"),
    ("RejectClaimOf", "claim.reject"),
    ("SetCategory", "recycling.category"),
    ("DropOff", "recycling.dropoff"),
    ("SetServiceType", "services.type"),
    ("ClaimOrder", "order.claim"),
    ("ReleaseOrder", "order.release"),
    ("CompleteOrder", "order.complete"),
    ("DispatchOrder", "order.dispatch"),
    ("CloseRectificationOf", "rectification.close"),
    ("CreateShop", "shop.create"),
    ("AddKeeper", "shop.keeper.add"),
    ("CreateGoods", "goods.create"),
    ("UpdateGoods", "goods.update"),
    ("ChangeStock", "goods.stock"),
    ("FulfilRedemption", "redemption.fulfil"),
    ("UpdateShop", "shop.update"),
    ("RemoveKeeper", "shop.keeper.remove"),
    ("PayShop", "shop.pay"),
    ("CreatePerson", "person.create"),
    ("PrintMemberCards", "member_card.print"),
    ("ReplaceMemberCard", "member_card.replace"),
    ("AddDelegation", "delegation.add"),
    ("EndDelegation", "delegation.end"),
    ("SetAssistance", "assistance.update"),
    ("OpenProxy", "proxy.open"),
];

/// The endpoints that change something but record nothing in the audit log, and why.
const NOT_AUDITED: &[(&str, &str)] = &[
    (
        "WechatStartSignIn",
        "starts a sign-in for whoever asks; it signs no one in by itself",
    ),
    (
        "WechatSignIn",
        "signing in uses no power; sessions and bindings are their own record",
    ),
    (
        "WechatBindPhone",
        "a person binds their own WeChat, after an SMS code to their phone",
    ),
    (
        "OtpSendCode",
        "sends a code; rate-limited, and the SMS log is the record",
    ),
    ("OtpVerifyCode", "signing in uses no power"),
    (
        "PasswordSignIn",
        "signing in uses no power; failures are counted for the lockout",
    ),
    ("RefreshTokens", "renews one's own session"),
    ("Logout", "ends one's own session"),
    ("InboxReadOne", "marks one's own message read"),
    ("InboxReadAll", "marks one's own messages read"),
    (
        "UploadMedia",
        "stores one's own photo; it matters once attached, by an audited act or a villager's own request",
    ),
    (
        "CreateClaim",
        "a villager's own request: a claim row with its history, decided by an audited review",
    ),
    (
        "CreateOrder",
        "a villager's own request: the order's timeline records it",
    ),
    (
        "CancelOrder",
        "the orderer's own act on their open order: the order's timeline records it",
    ),
    (
        "RateOrder",
        "the orderer's own rating (the points it pays are in the ledger; a 差评's rectification is audited when closed)",
    ),
    (
        "Reserve",
        "a villager's own request: the redemption and its pending transfer record it; the hand-over is audited",
    ),
    (
        "CancelRedemption",
        "a villager's own request, or the keeper's answer to it: the redemption's status and the voided transfer record it",
    ),
    (
        "Scan",
        "reads a reservation at the counter; changes nothing",
    ),
    (
        "Identify",
        "reads who a member code names at the counter; changes nothing",
    ),
    (
        "EndProxy",
        "ends one's own proxy session; its opening and every act under it are audited",
    ),
    (
        "PreviewAward",
        "reads what an award would do; moves nothing",
    ),
    (
        "PreviewCorrection",
        "reads what a correction would do; moves nothing",
    ),
];

#[test]
fn every_mutating_endpoint_is_audited_or_says_why() {
    let mutating: BTreeSet<&str> = ENDPOINTS
        .iter()
        .filter(|e| e.method != Method::Get)
        .map(|e| e.name)
        .collect();
    let audited: BTreeSet<&str> = AUDITED.iter().map(|(name, _)| *name).collect();
    let not: BTreeSet<&str> = NOT_AUDITED.iter().map(|(name, _)| *name).collect();
    assert_eq!(audited.len(), AUDITED.len(), "an endpoint listed twice");
    assert_eq!(not.len(), NOT_AUDITED.len(), "an endpoint listed twice");
    assert!(
        audited.is_disjoint(&not),
        "{:?}",
        audited.intersection(&not)
    );
    let listed: BTreeSet<&str> = audited.union(&not).copied().collect();
    assert_eq!(
        mutating.difference(&listed).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "changes something but is in neither AUDITED nor NOT_AUDITED"
    );
    assert_eq!(
        listed.difference(&mutating).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "listed but not a declared endpoint that changes something"
    );
    for (name, action) in AUDITED {
        assert!(
            ACTIONS.contains(action),
            "{name}: {action} is not in audit::ACTIONS"
        );
    }
}

/// Walks the audit log: each step names the endpoint it called and finds, among the entries
/// recorded since the previous step, one of the endpoint's action by the expected actor.
struct Walk {
    seen: i64,
    walked: BTreeSet<&'static str>,
}

impl Walk {
    async fn check(
        &mut self,
        app: &TestApp,
        endpoint: &'static str,
        (status, body): (u16, Value),
        expected_status: u16,
        actor: i64,
    ) -> Value {
        assert_eq!(status, expected_status, "{endpoint}: {body}");
        let (_, action) = AUDITED
            .iter()
            .find(|(name, _)| *name == endpoint)
            .unwrap_or_else(|| panic!("{endpoint} is not in AUDITED"));
        let rows: Vec<(i64, String, Option<i64>)> =
            sqlx::query_as("SELECT id, action, actor_id FROM audit_log WHERE id > $1 ORDER BY id")
                .bind(self.seen)
                .fetch_all(app.db.reader())
                .await
                .unwrap();
        assert!(
            rows.iter()
                .any(|(_, a, who)| a == action && *who == Some(actor)),
            "{endpoint}: no {action} by {actor} among {rows:?}"
        );
        self.seen = rows.last().map_or(self.seen, |r| r.0);
        self.walked.insert(endpoint);
        body
    }
}

async fn id_of(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM people WHERE phone = $1 AND closed_at IS NULL")
        .bind(format!("+86{phone}"))
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

db_tests! {
    async fn every_audited_endpoint_records_who_did_what(app) {
        app.load_changyuan().await;
        let mut w = Walk { seen: 0, walked: BTreeSet::new() };
        let county = app.staff_token("13800138010", Role::CountyAdmin, "410783").await;
        let county_id = id_of(&app, "13800138010").await;
        let township = app.staff_token("13800138011", Role::TownshipAdmin, "410783101").await;
        let township_id = id_of(&app, "13800138011").await;
        let admin = app.staff_token("13800138012", Role::VillageAdmin, LIUCUN).await;
        let admin_id = id_of(&app, "13800138012").await;
        let other_admin = app.staff_token("13800138013", Role::VillageAdmin, LIUCUN).await;
        let other_admin_id = id_of(&app, "13800138013").await;

        // People and grids.
        let r = app.call(&api::CreateGridIn, Some(&admin), &json!({"village_code": LIUCUN, "name": "第一网格"})).await;
        w.check(&app, "CreateGridIn", r, 201, admin_id).await;
        let csv = format!(
            "name,phone,village_code,household\n张三,13900139001,{LIUCUN},0101\n李四,13900139002,{LIUCUN},0102\n\
             王五,13900139003,{LIUCUN},0103\n赵六,13900139004,{LIUCUN},0104\n"
        );
        let answer = app.request(&api::ImportVillagers).token(&admin).bytes("text/csv", csv.into_bytes()).send().await.unwrap();
        w.check(&app, "ImportVillagers", (answer.status, answer.json()), 200, admin_id).await;
        let (zhang, li, wang, zhao) = (
            id_of(&app, "13900139001").await,
            id_of(&app, "13900139002").await,
            id_of(&app, "13900139003").await,
            id_of(&app, "13900139004").await,
        );
        let r = app.call(&api::AssignGridMembers { code: GRID.into() }, Some(&admin), &json!({"person_ids": [zhang]})).await;
        w.check(&app, "AssignGridMembers", r, 200, admin_id).await;
        let r = app.call(&api::UpdatePerson { id: zhao }, Some(&admin), &json!({"name": "赵六", "household": "0104", "tags": ["党员"], "grid_code": GRID})).await;
        w.check(&app, "UpdatePerson", r, 200, admin_id).await;
        let r = app.call(&api::ChangePersonPhone { id: zhao }, Some(&admin), &json!({"phone": "13900139005"})).await;
        w.check(&app, "ChangePersonPhone", r, 200, admin_id).await;
        let r = app.call(&api::ClosePerson { id: zhao }, Some(&admin), &json!({"reason": "moved_away", "seen_points": 0})).await;
        w.check(&app, "ClosePerson", r, 200, admin_id).await;

        // Roles and passwords.
        let r = app.call(&api::GrantRole { id: li }, Some(&admin), &json!({"role": "volunteer", "region_code": LIUCUN})).await;
        w.check(&app, "GrantRole", r, 200, admin_id).await;
        app.call(&api::GrantRole { id: wang }, Some(&admin), &json!({"role": "grid_worker", "region_code": GRID})).await;
        let revoke = api::RevokeRole { id: wang, role: "grid_worker".into(), region_code: GRID.into() };
        let r = app.fetch(&revoke, Some(&admin)).await;
        w.check(&app, "RevokeRole", r, 200, admin_id).await;
        let r = app.fetch(&api::ResetPassword { id: other_admin_id }, Some(&township)).await;
        w.check(&app, "ResetPassword", r, 200, township_id).await;
        let r = app.call(&api::ChangeOwnPassword, Some(&admin), &json!({"current_password": common::STAFF_PASSWORD, "new_password": "another-good-one-2026"})).await;
        w.check(&app, "ChangeOwnPassword", r, 200, admin_id).await;
        let admin = app.login("13800138012", "another-good-one-2026").await["access_token"].as_str().unwrap().to_owned();
        drop(other_admin);

        // Rules, awards and claims.
        let r = app.call(&api::CreateRule, Some(&admin), &json!({"code": "clean_river", "name": "清理河道", "category": "environment", "points": 3, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN})).await;
        let rule = w.check(&app, "CreateRule", r, 201, admin_id).await["id"].as_i64().unwrap();
        let r = app.call(&api::UpdateRule { id: rule }, Some(&admin), &json!({"name": "清理河道", "category": "environment", "points": 4, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "active": true})).await;
        w.check(&app, "UpdateRule", r, 200, admin_id).await;
        let shipped: i64 = sqlx::query_scalar("SELECT id FROM point_rules WHERE code = 'garbage_sorting'").fetch_one(app.db.reader()).await.unwrap();
        let r = app.call(&api::SetRuleSetting { id: shipped, region_code: LIUCUN.into() }, Some(&admin), &json!({"active": false})).await;
        w.check(&app, "SetRuleSetting", r, 200, admin_id).await;
        let r = app.call(&api::Award, Some(&admin), &json!({"user_ids": [zhang], "points": 50, "reason": "文明户"})).await;
        w.check(&app, "Award", r, 201, admin_id).await;
        let zhang_token = app.villager_token("13900139001").await;
        let mut claims = Vec::new();
        for note in ["清理河道一次", "又清理一次"] {
            let (status, claim) = app.call(&api::CreateClaim, Some(&zhang_token), &json!({"rule_id": rule, "note": note, "photo_ids": []})).await;
            assert_eq!(status, 201, "{claim}");
            claims.push(claim["id"].as_i64().unwrap());
        }
        let r = app.fetch(&api::ApproveClaim { id: claims[0] }, Some(&admin)).await;
        w.check(&app, "ApproveClaim", r, 200, admin_id).await;
        let r = app.call(&api::RejectClaimOf { id: claims[1] }, Some(&admin), &json!({"reason": "同一次劳动"})).await;
        w.check(&app, "RejectClaimOf", r, 200, admin_id).await;
        // 更正: the township admin reverses the village admin's approval (points.correct is
        // recorded the same way, tests/corrections.rs).
        let r = app.call(&api::Correct, Some(&township), &json!({"kind": "claim", "id": claims[0], "reason": "重复申报"})).await;
        w.check(&app, "Correct", r, 201, township_id).await;

        // The county's catalogues.
        let r = app.call(&api::SetCategory, Some(&county), &json!({"county_code": "410783", "code": "old_clothes", "name": "旧衣物", "points_per_kg": 1, "active": true})).await;
        w.check(&app, "SetCategory", r, 200, county_id).await;
        let r = app.call(&api::SetAwardLimits { county_code: "410783".into() }, Some(&county), &json!({"daily_points": 20, "villager_daily_points": 5})).await;
        w.check(&app, "SetAwardLimits", r, 200, county_id).await;
        let r = app.call(&api::SetServiceType, Some(&county), &json!({"county_code": "410783", "code": "haircut", "name": "理发", "reward_points": 3, "active": true})).await;
        w.check(&app, "SetServiceType", r, 200, county_id).await;

        // The shop: opened, kept, stocked; a redemption handed over; recyclables credited.
        let r = app.call(&api::CreateShop, Some(&admin), &json!({"name": "柳村积分超市", "village_code": LIUCUN})).await;
        let shop = w.check(&app, "CreateShop", r, 201, admin_id).await["id"].as_i64().unwrap();
        let r = app.call(&api::UpdateShop { id: shop }, Some(&admin), &json!({"name": "柳村爱心超市", "closed": false})).await;
        w.check(&app, "UpdateShop", r, 200, admin_id).await;
        let r = app.call(&api::AddKeeper { id: shop }, Some(&admin), &json!({"user_id": wang})).await;
        w.check(&app, "AddKeeper", r, 200, admin_id).await;
        let r = app.call(&api::CreateGoods { id: shop }, Some(&admin), &json!({"name": "洗衣粉", "points_price": 10, "market_price_fen": 500, "stock": 5})).await;
        let goods = w.check(&app, "CreateGoods", r, 201, admin_id).await["id"].as_i64().unwrap();
        let r = app.call(&api::UpdateGoods { id: goods }, Some(&admin), &json!({"name": "洗衣粉", "points_price": 10, "market_price_fen": 600, "active": true, "low_stock_threshold": 2})).await;
        w.check(&app, "UpdateGoods", r, 200, admin_id).await;
        let r = app.call(&api::ChangeStock { id: goods }, Some(&admin), &json!({"delta": 10, "reason": "restock"})).await;
        w.check(&app, "ChangeStock", r, 200, admin_id).await;
        let keeper = app.villager_token("13900139003").await;
        let (status, reserved) = app.call(&api::Reserve, Some(&zhang_token), &json!({"shop_id": shop, "items": [{"goods_id": goods, "qty": 1}]})).await;
        assert_eq!(status, 201, "{reserved}");
        let r = app.call(&api::FulfilRedemption { id: reserved["id"].as_i64().unwrap() }, Some(&keeper), &json!({})).await;
        w.check(&app, "FulfilRedemption", r, 200, wang).await;
        let category: i64 = sqlx::query_scalar("SELECT id FROM recycling_categories WHERE code = 'old_clothes'").fetch_one(app.db.reader()).await.unwrap();
        let answer = app.request(&api::DropOff).token(&keeper).idempotency_key("walk-drop-off")
            .json(&json!({"shop_id": shop, "villager": {"phone": "13900139001"}, "lines": [{"category_id": category, "grams": 2000}]}))
            .send().await.unwrap();
        w.check(&app, "DropOff", (answer.status, answer.json()), 201, wang).await;
        let r = app.fetch(&api::RemoveKeeper { id: shop, user_id: wang }, Some(&admin)).await;
        w.check(&app, "RemoveKeeper", r, 200, admin_id).await;
        // The county pays the shop's month of that hand-over (moved to a month that is over).
        sqlx::query("UPDATE redemptions SET settled_at = 1757908800000 WHERE id = $1")
            .bind(reserved["id"].as_i64().unwrap()).execute(app.db.writer()).await.unwrap();
        let paid = app.request(&api::PayShop { id: shop }).token(&county).idempotency_key("walk-pay")
            .json(&json!({"month": "2025-09", "reference": "ZF-0001", "paid_on": "2025-10-08"}))
            .send().await.unwrap();
        w.check(&app, "PayShop", (paid.status, paid.json()), 200, county_id).await;

        // A service order: claimed and released by a volunteer, dispatched by the admin,
        // completed, rated 差评, and the rectification closed.
        let li_token = app.villager_token("13900139002").await;
        let haircut: i64 = sqlx::query_scalar("SELECT id FROM service_types WHERE code = 'haircut'").fetch_one(app.db.reader()).await.unwrap();
        let (status, order) = app.call(&api::CreateOrder, Some(&zhang_token), &json!({"type_id": haircut, "description": "上门理发"})).await;
        assert_eq!(status, 201, "{order}");
        let order = order["id"].as_i64().unwrap();
        let r = app.act_on_order(&li_token, order, "claim", json!({})).await;
        w.check(&app, "ClaimOrder", r, 200, li).await;
        let r = app.act_on_order(&li_token, order, "release", json!({})).await;
        w.check(&app, "ReleaseOrder", r, 200, li).await;
        let r = app.call(&api::DispatchOrder { id: order }, Some(&admin), &json!({"volunteer_id": li})).await;
        w.check(&app, "DispatchOrder", r, 200, admin_id).await;
        let r = app.act_on_order(&li_token, order, "complete", json!({"note": "已理发"})).await;
        w.check(&app, "CompleteOrder", r, 200, li).await;
        let (status, rated) = app.act_on_order(&zhang_token, order, "rate", json!({"stars": 2, "comment": "来晚了"})).await;
        assert_eq!(status, 200, "{rated}");
        let rectification = rated["rectification"]["id"].as_i64().unwrap();
        let r = app.call(&api::CloseRectificationOf { id: rectification }, Some(&admin), &json!({"follow_up": "已约谈志愿者"})).await;
        w.check(&app, "CloseRectificationOf", r, 200, admin_id).await;

        // 代办: an elder without a phone, her card printed and replaced, her son her delegate,
        // the county's limits, and a proxy session opened by her card.
        let r = app.call(&api::CreatePerson, Some(&admin), &json!({"name": "王桂英", "village_code": LIUCUN, "household": "0101"})).await;
        let elder = w.check(&app, "CreatePerson", r, 201, admin_id).await["id"].as_i64().unwrap();
        let r = app.call(&api::PrintMemberCards, Some(&admin), &json!({"person_ids": [elder]})).await;
        w.check(&app, "PrintMemberCards", r, 200, admin_id).await;
        let r = app.fetch(&api::ReplaceMemberCard { id: elder }, Some(&admin)).await;
        let card = w.check(&app, "ReplaceMemberCard", r, 200, admin_id).await;
        let r = app.call(&api::AddDelegation { id: elder }, Some(&admin), &json!({"delegate_id": zhang, "consent": "本人当面同意"})).await;
        let link = w.check(&app, "AddDelegation", r, 201, admin_id).await["id"].as_i64().unwrap();
        let r = app.fetch(&api::EndDelegation { id: link }, Some(&admin)).await;
        w.check(&app, "EndDelegation", r, 200, admin_id).await;
        let r = app.call(&api::SetAssistance { county_code: "410783".into() }, Some(&county),
            &json!({"proxy_daily_actions": 4, "proxy_daily_points": 100, "elder_age": 75})).await;
        w.check(&app, "SetAssistance", r, 200, county_id).await;
        let r = app.call(&api::GrantRole { id: li }, Some(&admin), &json!({"role": "proxy_agent", "region_code": LIUCUN})).await;
        assert_eq!(r.0, 200, "{}", r.1);
        let r = app.call(&api::OpenProxy, Some(&li_token), &json!({"card_no": card["card_no"]})).await;
        w.check(&app, "OpenProxy", r, 201, li).await;

        let all: BTreeSet<&str> = AUDITED.iter().map(|(name, _)| *name).collect();
        assert_eq!(all.difference(&w.walked).collect::<Vec<_>>(), Vec::<&&str>::new(), "not walked");
        app.assert_ledger_balanced().await;
    }

    async fn the_audit_log_refuses_updates_and_deletes_in_the_database(app) {
        app.load_changyuan().await;
        let admin = app.staff_token("13800138012", Role::VillageAdmin, LIUCUN).await;
        let (status, _) = app.call(&api::CreateGridIn, Some(&admin), &json!({"village_code": LIUCUN, "name": "第一网格"})).await;
        assert_eq!(status, 201);
        let before: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, action, target FROM audit_log ORDER BY id").fetch_all(app.db.reader()).await.unwrap();
        assert_eq!(before.last().map(|r| r.1.as_str()), Some("grid.create"));
        for sql in [
            "UPDATE audit_log SET action = 'nothing'",
            "UPDATE audit_log SET actor_name = NULL WHERE action = 'grid.create'",
            "DELETE FROM audit_log",
            "DELETE FROM audit_log WHERE action = 'grid.create'",
        ] {
            let refused = sqlx::query(sql).execute(app.db.writer()).await.expect_err(sql);
            assert!(refused.to_string().contains("audit_log is append-only"), "{sql}: {refused}");
        }
        if app.db.backend() == jifen_server::storage::Backend::Postgres {
            let refused = sqlx::query("TRUNCATE audit_log").execute(app.db.writer()).await.expect_err("TRUNCATE");
            assert!(refused.to_string().contains("audit_log is append-only"), "{refused}");
        }
        // Inserting still works, and nothing changed.
        let (status, _) = app.call(&api::CreateGridIn, Some(&admin), &json!({"village_code": LIUCUN, "name": "第二网格"})).await;
        assert_eq!(status, 201);
        let after: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, action, target FROM audit_log ORDER BY id").fetch_all(app.db.reader()).await.unwrap();
        assert_eq!(after[..before.len()], before[..]);
        assert_eq!(after.len(), before.len() + 1);
    }

    async fn the_audit_screen_filters_by_actor_action_and_day_and_exports_csv(app) {
        app.load_changyuan().await;
        let township = app.staff_token("13800138011", Role::TownshipAdmin, "410783101").await;
        let admin = app.staff_token("13800138012", Role::VillageAdmin, LIUCUN).await;
        // Named as staff are: a name a spreadsheet would run as a formula.
        sqlx::query("UPDATE people SET name = '=王支书' WHERE phone = '+8613800138012'").execute(app.db.writer()).await.unwrap();
        let csv = format!("name,phone,village_code\n张三,13900139001,{LIUCUN}\n");
        let answer = app.request(&api::ImportVillagers).token(&admin).bytes("text/csv", csv.into_bytes()).send().await.unwrap();
        assert_eq!(answer.status, 200);
        let zhang = id_of(&app, "13900139001").await;
        for points in [5, -2] {
            let (status, body) = app.call(&api::Award, Some(&admin), &json!({"user_ids": [zhang], "points": points, "reason": "文明户"})).await;
            assert_eq!(status, 201, "{body}");
        }
        let (status, _) = app.call(&api::CreateGridIn, Some(&township), &json!({"village_code": LIUCUN, "name": "第一网格"})).await;
        assert_eq!(status, 201);
        let list = |query: api::AuditQuery| {
            let township = township.clone();
            let app = &app;
            async move { app.fetch(&api::AuditLog { query }, Some(&township)).await }
        };
        let actions = |page: &Value| -> Vec<String> {
            page["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
        };
        let (status, all) = list(api::AuditQuery { region_code: Some(LIUCUN.into()), ..Default::default() }).await;
        assert_eq!(status, 200);
        // The import records the batch and each person it created.
        assert_eq!(actions(&all), ["grid.create", "points.deduct", "points.award", "villagers.import", "person.create"]);
        assert_eq!(all["items"][0]["region_name"], "留村村委会");
        let (_, points) = list(api::AuditQuery { action: Some("points".into()), ..Default::default() }).await;
        assert_eq!(actions(&points), ["points.deduct", "points.award"]);
        let (_, award) = list(api::AuditQuery { action: Some("points.award".into()), ..Default::default() }).await;
        assert_eq!(actions(&award), ["points.award"]);
        assert_eq!(award["items"][0]["after"]["points"], 5);
        let (_, by_name) = list(api::AuditQuery { actor: Some("王支".into()), ..Default::default() }).await;
        assert_eq!(actions(&by_name), ["points.deduct", "points.award", "villagers.import", "person.create"]);
        let (_, wildcard) = list(api::AuditQuery { actor: Some("%".into()), ..Default::default() }).await;
        assert_eq!(actions(&wildcard), Vec::<String>::new(), "% is a character, not a wildcard");
        let today = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap()).date().to_string();
        let (_, today_only) = list(api::AuditQuery { from: Some(today.clone()), to: Some(today.clone()), ..Default::default() }).await;
        assert_eq!(today_only["items"].as_array().unwrap().len(), 5);
        let (_, before) = list(api::AuditQuery { to: Some("2026-01-01".into()), ..Default::default() }).await;
        assert_eq!(actions(&before), Vec::<String>::new());
        let (_, paged) = list(api::AuditQuery { limit: Some(3), ..Default::default() }).await;
        assert_eq!(actions(&paged).len(), 3);
        let (_, rest) = list(api::AuditQuery { limit: Some(3), cursor: paged["next_cursor"].as_str().map(String::from), ..Default::default() }).await;
        assert_eq!(actions(&rest), ["villagers.import", "person.create"]);
        for bad in [
            api::AuditQuery { action: Some("points.steal".into()), ..Default::default() },
            api::AuditQuery { action: Some("'; DROP TABLE audit_log".into()), ..Default::default() },
            api::AuditQuery { actor: Some("王".repeat(21)), ..Default::default() },
            api::AuditQuery { from: Some("2026-02-30".into()), ..Default::default() },
            api::AuditQuery { from: Some("2026-12-02".into()), to: Some("2026-12-01".into()), ..Default::default() },
            api::AuditQuery { format: Some("xlsx".into()), ..Default::default() },
        ] {
            let (status, body) = list(bad.clone()).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{bad:?}: {body}");
        }
        // A village admin reads their village only; the CSV holds what the filters keep.
        let (status, _) = app.fetch(&api::AuditLog { query: api::AuditQuery { region_code: Some("410783101".into()), ..Default::default() } }, Some(&admin)).await;
        assert_eq!(status, 403);
        let answer = app.request(&api::AuditLog { query: api::AuditQuery { action: Some("points".into()), format: Some("csv".into()), ..Default::default() } })
            .token(&township).send().await.unwrap();
        assert_eq!(answer.status, 200);
        let text = String::from_utf8(answer.body.clone()).unwrap();
        assert!(text.starts_with("\u{feff}id,time,actor_id,actor,action,region_code,region,target,before,after\n"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[1].contains(",'=王支书,points.deduct,410783101230,留村村委会,award:2,"), "{text}");
        assert!(lines[2].contains(&today), "a county date and time: {text}");
    }
}
