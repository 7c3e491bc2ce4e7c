//! The rule catalogue set up from the console (issue "The operators' console, part 1"): the
//! owner edits and switches off a rule, a county and a village set a rule they do not own
//! (off for themselves, their own points within the county's bounds), groups limit who may
//! claim, and each rule's history — on both databases, with the ledger checked.

mod common;

use common::TestApp;
use jifen_shared::api;
use jifen_shared::auth::Role;
use serde_json::{Value, json};

const COUNTY: &str = "410783";
const TOWNSHIP: &str = "410783101";
const LIUCUN: &str = "410783101230";
const OTHER_VILLAGE: &str = "410783101229";
/// The shipped 垃圾分类 (2 points, photo, once a day) and 孝老爱亲 (5 points, no photo, twice
/// a month): ids from migration 0012.
const GARBAGE: i64 = 1;
const FILIAL: i64 = 4;

/// The people of the scene.
struct Scene {
    county: String,
    township: String,
    /// 柳村's village admin.
    admin: String,
    /// The admin of the neighbouring village.
    other_admin: String,
    /// 张三 (党员) and 李四 (no group) of 柳村; 王五 of the neighbouring village.
    zhang: String,
    li: String,
    wang: String,
    ids: Vec<i64>,
}

async fn scene(app: &TestApp) -> Scene {
    app.load_changyuan().await;
    let csv = format!(
        "name,phone,village_code,household,tags\n\
         张三,13900139001,{LIUCUN},0101,党员\n\
         李四,13900139002,{LIUCUN},0102,\n\
         王五,13900139003,{OTHER_VILLAGE},0201,\n"
    );
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let ids = sqlx::query_scalar("SELECT id FROM people ORDER BY id")
        .fetch_all(app.db.reader())
        .await
        .unwrap();
    Scene {
        county: app
            .staff_token("13800138001", Role::CountyAdmin, COUNTY)
            .await,
        township: app
            .staff_token("13800138002", Role::TownshipAdmin, TOWNSHIP)
            .await,
        admin: app
            .staff_token("13800138003", Role::VillageAdmin, LIUCUN)
            .await,
        other_admin: app
            .staff_token("13800138004", Role::VillageAdmin, OTHER_VILLAGE)
            .await,
        zhang: app.villager_token("13900139001").await,
        li: app.villager_token("13900139002").await,
        wang: app.villager_token("13900139003").await,
        ids,
    }
}

/// A rule's whole body for `PUT /admin/rules/{id}`, from the rule as answered and changes.
fn edited(rule: &Value, changes: Value) -> Value {
    let mut body = json!({
        "name": rule["name"], "category": rule["category"], "points": rule["base_points"],
        "needs_photo": rule["needs_photo"], "daily_cap": rule["daily_cap"],
        "monthly_cap": rule["monthly_cap"], "active": rule["base_active"],
        "groups": rule["groups"], "village_points": rule["village_points"],
    });
    for (key, value) in changes.as_object().unwrap() {
        body[key] = value.clone();
    }
    body
}

/// The rule `id` as `GET /rules` answers it for `village`.
async fn rule_in(app: &TestApp, village: &str, id: i64) -> Value {
    let (status, rules) = app
        .fetch(
            &api::ListRules {
                query: api::RulesQuery {
                    village_code: village.into(),
                },
            },
            None,
        )
        .await;
    assert_eq!(status, 200);
    rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .unwrap()
}

async fn claim(app: &TestApp, token: &str, rule: i64) -> (u16, Value) {
    app.call(
        &api::CreateClaim,
        Some(token),
        &json!({"rule_id": rule, "note": "做了"}),
    )
    .await
}

async fn set(app: &TestApp, token: &str, rule: i64, region: &str, body: Value) -> (u16, Value) {
    app.call(
        &api::SetRuleSetting {
            id: rule,
            region_code: region.into(),
        },
        Some(token),
        &body,
    )
    .await
}

async fn award_by(app: &TestApp, token: &str, key: &str, body: &Value) -> (u16, Value) {
    let answer = app
        .request(&api::Award)
        .token(token)
        .idempotency_key(key)
        .json(body)
        .send()
        .await
        .unwrap();
    (answer.status, answer.json())
}

fn code(answer: &Value) -> &str {
    answer["code"].as_str().unwrap_or_default()
}

db_tests! {
    async fn the_owner_edits_and_switches_off_a_rule_and_a_pending_claim_keeps_its_points(app) {
        let s = scene(&app).await;
        let new = json!({"code": "river_cleanup", "name": "清理河道", "category": "environment",
            "points": 4, "needs_photo": false, "daily_cap": null, "monthly_cap": 2,
            "region_code": COUNTY, "village_points": {"min": 2, "max": 6}});
        let (status, rule) = app.call(&api::CreateRule, Some(&s.county), &new).await;
        assert_eq!(status, 201, "{rule}");
        assert_eq!((rule["points"].as_i64(), rule["village_points"].clone()), (Some(4), json!({"min": 2, "max": 6})));
        let id = rule["id"].as_i64().unwrap();
        let (status, pending) = claim(&app, &s.li, id).await;
        assert_eq!(status, 201, "{pending}");

        // The county changes the points, then switches the rule off.
        let (status, changed) = app.call(&api::UpdateRule { id }, Some(&s.county), &edited(&rule, json!({"points": 6, "name": "清理河道沟渠"}))).await;
        assert_eq!(status, 200, "{changed}");
        assert_eq!((changed["points"].as_i64(), changed["name"].as_str()), (Some(6), Some("清理河道沟渠")));
        let (status, off) = app.call(&api::UpdateRule { id }, Some(&s.county), &edited(&changed, json!({"active": false}))).await;
        assert_eq!((status, off["active"].as_bool()), (200, Some(false)));
        assert_eq!(rule_in(&app, LIUCUN, id).await["active"], false);
        let (status, refused) = claim(&app, &s.zhang, id).await;
        assert_eq!((status, code(&refused)), (400, "invalid_input"), "{refused}");

        // The claim made before is still reviewed, at the points it was made with.
        let (status, approved) = app.call(&api::ApproveClaim { id: pending["id"].as_i64().unwrap() }, Some(&s.admin), &json!({})).await;
        assert_eq!((status, approved["points"].as_i64()), (200, Some(4)), "{approved}");
        assert_eq!(app.available_points(&s.li).await, 4);

        // The same change again records nothing; the history has the creation and two changes.
        let (status, _) = app.call(&api::UpdateRule { id }, Some(&s.county), &edited(&off, json!({}))).await;
        assert_eq!(status, 200);
        let (status, history) = app.fetch(&api::RuleHistory { id, query: api::AdminRulesQuery { region_code: LIUCUN.into() } }, Some(&s.admin)).await;
        assert_eq!(status, 200, "{history}");
        let entries = history.as_array().unwrap();
        let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["rule.update", "rule.update", "rule.create"]);
        assert_eq!((entries[0]["before"]["active"].as_bool(), entries[0]["after"]["active"].as_bool()), (Some(true), Some(false)));
        assert_eq!((entries[1]["before"]["points"].as_i64(), entries[1]["after"]["points"].as_i64()), (Some(4), Some(6)));
        assert_eq!(entries[0]["actor_name"], "测试员");

        // Switched on again, it can be claimed at its new points.
        let (status, _) = app.call(&api::UpdateRule { id }, Some(&s.county), &edited(&off, json!({"active": true}))).await;
        assert_eq!(status, 200);
        let (status, made) = claim(&app, &s.zhang, id).await;
        assert_eq!((status, made["points"].as_i64()), (201, Some(6)));
        app.assert_ledger_balanced().await;
    }

    async fn rule_changes_refuse_bad_input_and_other_regions(app) {
        let s = scene(&app).await;
        let new = |region: &str| json!({"code": "own_rule", "name": "护林", "category": "law", "points": 3,
            "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": region});
        let (_, village_rule) = app.call(&api::CreateRule, Some(&s.admin), &new(LIUCUN)).await;
        let (_, county_rule) = app.call(&api::CreateRule, Some(&s.county), &new(COUNTY)).await;
        let (vid, cid) = (village_rule["id"].as_i64().unwrap(), county_rule["id"].as_i64().unwrap());
        let long = "长".repeat(51);
        for (token, id, changes, status, expected) in [
            (&s.admin, vid, json!({"name": ""}), 400, "invalid_input"),
            (&s.admin, vid, json!({"name": "   "}), 400, "invalid_input"),
            (&s.admin, vid, json!({"name": long}), 400, "invalid_input"),
            (&s.admin, vid, json!({"points": 0}), 400, "invalid_input"),
            (&s.admin, vid, json!({"points": 1001}), 400, "invalid_input"),
            (&s.admin, vid, json!({"points": -1001}), 400, "invalid_input"),
            (&s.admin, vid, json!({"daily_cap": 0}), 400, "invalid_input"),
            (&s.admin, vid, json!({"monthly_cap": 1001}), 400, "invalid_input"),
            (&s.admin, vid, json!({"daily_cap": 50, "monthly_cap": 10}), 400, "invalid_input"),
            (&s.admin, vid, json!({"groups": ["党委"]}), 400, "invalid_input"),
            (&s.admin, vid, json!({"groups": ["党员", "党员"]}), 400, "invalid_input"),
            // Bounds are a county's, for its villages.
            (&s.admin, vid, json!({"village_points": {"min": 1, "max": 5}}), 400, "invalid_input"),
            (&s.county, cid, json!({"village_points": {"min": 5, "max": 1}}), 400, "invalid_input"),
            (&s.county, cid, json!({"village_points": {"min": -1, "max": 5}}), 400, "invalid_input"),
            (&s.county, cid, json!({"village_points": {"min": 1, "max": 2000}}), 400, "invalid_input"),
            // The county's own points lie within the range it gives its villages.
            (&s.county, cid, json!({"points": 20, "village_points": {"min": 3, "max": 8}}), 400, "invalid_input"),
            // Authority: a village admin does not change a county rule nor another village's.
            (&s.admin, cid, json!({"points": 9}), 403, "forbidden"),
            (&s.other_admin, vid, json!({"points": 9}), 403, "forbidden"),
            (&s.zhang, vid, json!({"points": 9}), 403, "forbidden"),
            // The shipped catalogue is set per county, not edited.
            (&s.county, GARBAGE, json!({}), 403, "forbidden"),
            (&s.county, 9_999, json!({}), 404, "not_found"),
        ] {
            let base = if id == vid { &village_rule } else { &county_rule };
            let (got, answer) = app.call(&api::UpdateRule { id }, Some(token), &edited(base, changes.clone())).await;
            assert_eq!((got, code(&answer)), (status, expected), "{id} {changes}: {answer}");
        }
        // What the form never sends.
        let (status, answer) = app.call(&api::UpdateRule { id: vid }, Some(&s.admin), &json!({"name": "护林", "points": "many"})).await;
        assert_eq!((status, code(&answer)), (400, "invalid_input"));
        let (status, answer) = app.call(&api::UpdateRule { id: vid }, Some(&s.admin), &edited(&village_rule, json!({"region_code": COUNTY}))).await;
        assert_eq!((status, code(&answer)), (400, "invalid_input"), "unknown fields are refused");
        // The township above the village and the county above both may.
        let (status, _) = app.call(&api::UpdateRule { id: vid }, Some(&s.township), &edited(&village_rule, json!({"points": 5}))).await;
        assert_eq!(status, 200);
        let (status, answer) = app.call(&api::UpdateRule { id: vid }, Some(&s.county), &edited(&village_rule, json!({"points": 6}))).await;
        assert_eq!((status, answer["points"].as_i64()), (200, Some(6)));
        // Listing another region's rules, or a township's, is refused.
        for (token, region, status) in [(&s.admin, OTHER_VILLAGE, 403), (&s.admin, COUNTY, 403), (&s.township, TOWNSHIP, 400), (&s.zhang, LIUCUN, 403)] {
            assert_eq!(app.fetch(&api::AdminRules { query: api::AdminRulesQuery { region_code: region.into() } }, Some(token)).await.0, status, "{region}");
        }
        let (_, county_view) = app.fetch(&api::AdminRules { query: api::AdminRulesQuery { region_code: COUNTY.into() } }, Some(&s.county)).await;
        assert_eq!(county_view.as_array().unwrap().len(), 13, "the 12 shipped and the county's, not the village's");
    }

    async fn a_village_switches_off_a_shipped_rule_and_sets_points_within_the_county_bounds(app) {
        let s = scene(&app).await;
        // 柳村 switches 垃圾分类 off for itself: its villagers cannot claim it, the neighbours can.
        let (status, off) = set(&app, &s.admin, GARBAGE, LIUCUN, json!({"active": false})).await;
        assert_eq!((status, off["active"].as_bool(), off["base_active"].as_bool()), (200, Some(false), Some(true)), "{off}");
        assert_eq!(rule_in(&app, LIUCUN, GARBAGE).await["active"], false);
        assert_eq!(rule_in(&app, OTHER_VILLAGE, GARBAGE).await["active"], true);
        let photo = app.upload_photo(&s.li, 1).await;
        let (status, _) = app.call(&api::CreateClaim, Some(&s.li), &json!({"rule_id": GARBAGE, "photo_ids": [photo]})).await;
        assert_eq!(status, 400);
        let photo = app.upload_photo(&s.wang, 2).await;
        let (status, _) = app.call(&api::CreateClaim, Some(&s.wang), &json!({"rule_id": GARBAGE, "photo_ids": [photo]})).await;
        assert_eq!(status, 201);

        // Without the county's bounds a village may not set points.
        let (status, answer) = set(&app, &s.admin, FILIAL, LIUCUN, json!({"active": true, "points": 6})).await;
        assert_eq!((status, code(&answer)), (400, "invalid_input"), "{answer}");
        // The county gives 孝老爱亲 its own 4 points, and its villages 3 to 8.
        let (status, county) = set(&app, &s.county, FILIAL, COUNTY, json!({"active": true, "points": 4, "village_points": {"min": 3, "max": 8}})).await;
        assert_eq!((status, county["points"].as_i64(), county["base_points"].as_i64()), (200, Some(4), Some(5)), "{county}");
        let (status, mine) = set(&app, &s.admin, FILIAL, LIUCUN, json!({"active": true, "points": 8})).await;
        assert_eq!((status, mine["points"].as_i64()), (200, Some(8)), "{mine}");
        assert_eq!(mine["settings"].as_array().unwrap().len(), 2);
        assert_eq!(rule_in(&app, OTHER_VILLAGE, FILIAL).await["points"], 4);
        for (token, rule, region, body, status, expected) in [
            (&s.admin, FILIAL, LIUCUN, json!({"active": true, "points": 9}), 400, "invalid_input"),
            (&s.admin, FILIAL, LIUCUN, json!({"active": true, "points": -5}), 400, "invalid_input"),
            (&s.admin, FILIAL, LIUCUN, json!({"active": true, "village_points": {"min": 1, "max": 9}}), 400, "invalid_input"),
            (&s.admin, FILIAL, COUNTY, json!({"active": false}), 403, "forbidden"),
            (&s.admin, FILIAL, OTHER_VILLAGE, json!({"active": false}), 403, "forbidden"),
            (&s.admin, FILIAL, TOWNSHIP, json!({"active": false}), 400, "invalid_input"),
            (&s.county, FILIAL, COUNTY, json!({"active": true, "points": 0}), 400, "invalid_input"),
            (&s.county, FILIAL, COUNTY, json!({"active": true, "points": -4}), 400, "invalid_input"),
            (&s.admin, 9_999, LIUCUN, json!({"active": false}), 404, "not_found"),
            (&s.zhang, FILIAL, LIUCUN, json!({"active": false}), 403, "forbidden"),
        ] {
            let (got, answer) = set(&app, token, rule, region, body.clone()).await;
            assert_eq!((got, code(&answer)), (status, expected), "{region} {body}: {answer}");
        }
        // A village's own rule is changed, not set; nor does a county set its own rule.
        let (_, own) = app.call(&api::CreateRule, Some(&s.admin), &json!({"code": "own", "name": "护林", "category": "law", "points": 3, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN})).await;
        let (status, _) = set(&app, &s.admin, own["id"].as_i64().unwrap(), LIUCUN, json!({"active": false})).await;
        assert_eq!(status, 400);
        let (status, _) = set(&app, &s.county, own["id"].as_i64().unwrap(), COUNTY, json!({"active": false})).await;
        assert_eq!(status, 400);

        // The claim and the award by rule take the village's points.
        let (status, made) = claim(&app, &s.li, FILIAL).await;
        assert_eq!((status, made["points"].as_i64()), (201, Some(8)), "{made}");
        let (status, _) = app.call(&api::ApproveClaim { id: made["id"].as_i64().unwrap() }, Some(&s.admin), &json!({})).await;
        assert_eq!(status, 200);
        assert_eq!(app.available_points(&s.li).await, 8);
        let award = |users: Vec<i64>| json!({"user_ids": users, "rule_id": FILIAL});
        let (status, answer) = award_by(&app, &s.township, "a1", &award(vec![s.ids[0], s.ids[2]])).await;
        assert_eq!((status, code(&answer)), (400, "invalid_input"), "8 in 柳村, 4 next door: {answer}");
        let (status, _) = award_by(&app, &s.township, "a2", &award(vec![s.ids[0]])).await;
        assert_eq!(status, 201);
        assert_eq!(app.available_points(&s.zhang).await, 8);

        // Narrowed bounds clamp the village's points; withdrawn bounds ignore them.
        set(&app, &s.county, FILIAL, COUNTY, json!({"active": true, "points": 4, "village_points": {"min": 3, "max": 6}})).await;
        assert_eq!(rule_in(&app, LIUCUN, FILIAL).await["points"], 6);
        set(&app, &s.county, FILIAL, COUNTY, json!({"active": true})).await;
        assert_eq!(rule_in(&app, LIUCUN, FILIAL).await["points"], 5);
        // The county switches it off for all its villages, whatever a village set.
        set(&app, &s.county, FILIAL, COUNTY, json!({"active": false})).await;
        assert_eq!(rule_in(&app, LIUCUN, FILIAL).await["active"], false);

        // Back to the defaults: the setting is gone; the history tells it all, but not the
        // neighbour's settings.
        let (status, back) = set(&app, &s.admin, GARBAGE, LIUCUN, json!({"active": true})).await;
        assert_eq!((status, back["settings"].clone()), (200, json!([])));
        set(&app, &s.other_admin, GARBAGE, OTHER_VILLAGE, json!({"active": false})).await;
        let (_, history) = app.fetch(&api::RuleHistory { id: GARBAGE, query: api::AdminRulesQuery { region_code: LIUCUN.into() } }, Some(&s.admin)).await;
        let regions: Vec<(&str, &str)> = history.as_array().unwrap().iter().map(|e| (e["action"].as_str().unwrap(), e["region_code"].as_str().unwrap())).collect();
        assert_eq!(regions, [("rule.setting", LIUCUN), ("rule.setting", LIUCUN)]);
        assert_eq!(history[0]["after"], Value::Null);
        // The township admin sets it for a village of the township.
        let (status, _) = set(&app, &s.township, GARBAGE, LIUCUN, json!({"active": false})).await;
        assert_eq!(status, 200);
        app.assert_ledger_balanced().await;
    }

    async fn a_rule_for_some_groups_refuses_the_others(app) {
        let s = scene(&app).await;
        let new = |code: &str, groups: Value| json!({"code": code, "name": "党员先锋岗", "category": "autonomy", "points": 3,
            "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN, "groups": groups});
        let (status, members) = app.call(&api::CreateRule, Some(&s.admin), &new("party", json!(["党员", "村干部"]))).await;
        assert_eq!((status, members["groups"].clone()), (201, json!(["村干部", "党员"])), "{members}");
        let id = members["id"].as_i64().unwrap();
        let (status, made) = claim(&app, &s.zhang, id).await;
        assert_eq!(status, 201, "张三 is a 党员: {made}");
        let (status, refused) = claim(&app, &s.li, id).await;
        assert_eq!((status, code(&refused)), (403, "not_in_group"), "{refused}");
        // 村民 is every villager.
        let (_, everyone) = app.call(&api::CreateRule, Some(&s.admin), &new("all", json!(["村民"]))).await;
        let (status, _) = claim(&app, &s.li, everyone["id"].as_i64().unwrap()).await;
        assert_eq!(status, 201);
        // Opening the rule to everyone lets 李四 claim.
        let (status, _) = app.call(&api::UpdateRule { id }, Some(&s.admin), &edited(&members, json!({"groups": []}))).await;
        assert_eq!(status, 200);
        let (status, _) = claim(&app, &s.li, id).await;
        assert_eq!(status, 201);
    }
}
