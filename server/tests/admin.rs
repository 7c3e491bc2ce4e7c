//! Admin actions on both databases: grids, role grants, and the audit log they leave.

mod common;

use jifen_shared::api::{self, Endpoint as _};

use common::TestApp;
use jifen_shared::auth::Role;
use serde_json::json;

use common::STAFF_PASSWORD as PASSWORD;
const LIUCUN: &str = "410783101230";

async fn create_grid(
    app: &TestApp,
    token: Option<&str>,
    village: &str,
    name: &str,
) -> (u16, serde_json::Value) {
    app.call(
        &api::CreateGridIn,
        token,
        &json!({"village_code": village, "name": name}),
    )
    .await
}

db_tests! {
    async fn village_admins_create_numbered_grids(app) {
        app.load_changyuan().await;
        let admin = app.staff_token("13800138000", Role::VillageAdmin, LIUCUN).await;
        assert_eq!(create_grid(&app, Some(&admin), LIUCUN, "第一网格").await, (201, json!({"code": "410783101230-001"})));
        assert_eq!(create_grid(&app, Some(&admin), LIUCUN, " 第二网格 ").await, (201, json!({"code": "410783101230-002"})));
        let (status, body) = create_grid(&app, Some(&admin), LIUCUN, "第一网格").await;
        assert_eq!((status, body["code"].as_str()), (409, Some("already_exists")));
        let (status, body) = create_grid(&app, Some(&admin), LIUCUN, "").await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")));
        let (_, village) = app.fetch(&api::GetRegion { code: LIUCUN.to_string() }, None).await;
        assert_eq!(
            village["children"],
            json!([
                {"code": "410783101230-001", "name": "第一网格", "level": "grid"},
                {"code": "410783101230-002", "name": "第二网格", "level": "grid"},
            ])
        );
    }

    async fn grid_creation_is_checked_and_scoped(app) {
        app.load_changyuan().await;
        let township = app.staff_token("13800138001", Role::TownshipAdmin, "410783101").await;
        let other_village = app.staff_token("13800138002", Role::VillageAdmin, "410783101229").await;
        let keeper = app.staff_token("13800138003", Role::Keeper, LIUCUN).await;
        assert_eq!(create_grid(&app, Some(&township), LIUCUN, "一组").await.0, 201);
        for (token, village, status, code) in [
            (None, LIUCUN, 401, "unauthenticated"),
            (Some(&other_village), LIUCUN, 403, "forbidden"),
            (Some(&keeper), LIUCUN, 403, "forbidden"),
            (Some(&township), "410783101", 400, "invalid_input"),
            (Some(&township), "410783101999", 404, "not_found"),
            (Some(&township), "41078310123x", 400, "invalid_input"),
        ] {
            let (got, body) = create_grid(&app, token.map(String::as_str), village, "二组").await;
            assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{village}");
        }
    }

    async fn roles_are_granted_below_ones_own_and_inside_ones_region(app) {
        app.load_changyuan().await;
        let admin = app.staff_token("13800138000", Role::VillageAdmin, LIUCUN).await;
        let township = app.staff_token("13800138001", Role::TownshipAdmin, "410783101").await;
        let other_village = app.staff_token("13800138002", Role::VillageAdmin, "410783101229").await;
        create_grid(&app, Some(&admin), LIUCUN, "第一网格").await;
        let csv = format!("name,phone,village_code\n李四,13900139000,{LIUCUN}\n");
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let (_, me) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": PASSWORD})).await;
        let li: i64 = sqlx::query_scalar::<_, i64>("SELECT id FROM people WHERE phone = '+8613900139000'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let grant = |role: &str, region: &str| json!({"role": role, "region_code": region});
        let roles_of_li = api::GrantRole { id: li };
        let (status, body) = app.call(&roles_of_li, Some(&admin), &grant("grid_worker", "410783101230-001")).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body["roles"],
            json!([
                {"role": "villager", "region_code": LIUCUN},
                {"role": "grid_worker", "region_code": "410783101230-001"},
            ])
        );
        for (token, grant, status) in [
            (&admin, grant("village_admin", LIUCUN), 403),
            (&admin, grant("keeper", "410783101229"), 403),
            (&admin, grant("grid_worker", LIUCUN), 400),
            (&admin, grant("keeper", "410783101230-009"), 400),
            (&admin, grant("mayor", LIUCUN), 400),
            (&admin, grant("villager", LIUCUN), 400),
            (&township, grant("village_admin", LIUCUN), 200),
            // Another village's admin may not reach 李四 of 柳村 through a role of their own village.
            (&other_village, grant("volunteer", "410783101229"), 403),
        ] {
            let (got, body) = app.call(&roles_of_li, Some(token), &grant).await;
            assert_eq!(got, status, "{grant}: {body}");
        }
        let (status, _) = app.call(&api::GrantRole { id: 999999 }, Some(&township), &grant("keeper", LIUCUN)).await;
        assert_eq!(status, 404);
        assert!(me["user"]["id"].is_i64());

        // The grid worker steps down: the village admin revokes the role; twice is harmless.
        let revoke = |id: i64, role: &str, region: &str| api::RevokeRole { id, role: role.into(), region_code: region.into() };
        let step_down = revoke(li, "grid_worker", "410783101230-001");
        for _ in 0..2 {
            let (status, body) = app.fetch(&step_down, Some(&admin)).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(
                body["roles"],
                json!([
                    {"role": "villager", "region_code": LIUCUN},
                    {"role": "village_admin", "region_code": LIUCUN},
                ])
            );
        }
        let (_, audit) = app.fetch(&api::AuditLog { query: api::AuditQuery { ..Default::default() } }, Some(&admin)).await;
        assert_eq!(audit["items"][0]["action"], "role.revoke");
        assert_eq!(audit["items"][0]["before"], grant("grid_worker", "410783101230-001"));
        assert_eq!(audit["items"][1]["action"], "role.grant");
        for (token, path, status) in [
            (&admin, revoke(li, "village_admin", LIUCUN), 403),
            (&admin, revoke(li, "villager", LIUCUN), 400),
            (&admin, revoke(li, "mayor", LIUCUN), 400),
            (&admin, revoke(li, "keeper", "4107831x"), 400),
            (&admin, revoke(999999, "keeper", LIUCUN), 404),
            (&other_village, revoke(li, "volunteer", "410783101229"), 403),
            (&township, revoke(li, "village_admin", LIUCUN), 200),
        ] {
            let (got, body) = app.fetch(&path, Some(token)).await;
            assert_eq!(got, status, "{}: {body}", path.url_path());
        }
    }

    async fn the_audit_log_shows_who_did_what_to_the_admins_of_the_region(app) {
        app.load_changyuan().await;
        let admin = app.staff_token("13800138000", Role::VillageAdmin, LIUCUN).await;
        let other = app.staff_token("13800138002", Role::VillageAdmin, "410783101229").await;
        let villager_csv = format!("name,phone,village_code\n王五,13700137000,{LIUCUN}\n");
        create_grid(&app, Some(&admin), LIUCUN, "第一网格").await;
        create_grid(&app, Some(&admin), LIUCUN, "第二网格").await;
        // A bare body: no content type, as before (`Request::bytes` would add one).
        let response = app
            .client
            .post(app.api.url(&api::ImportVillagers))
            .bearer_auth(&admin)
            .body(villager_csv)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let list = |token: String, query: api::AuditQuery| {
            let request = app.request(&api::AuditLog { query }).token(&token);
            async move {
                let answer = request.send().await.unwrap();
                (answer.status, answer.json())
            }
        };
        let audit = |region: Option<&str>, limit: Option<u32>, cursor: Option<&str>| api::AuditQuery {
            region_code: region.map(String::from),
            limit,
            cursor: cursor.map(String::from),
            ..Default::default()
        };
        let (status, page) = list(admin.clone(), audit(Some(LIUCUN), None, None)).await;
        assert_eq!(status, 200, "{page}");
        let actions: Vec<_> = page["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["villagers.import", "person.create", "grid.create", "grid.create"]);
        let person = &page["items"][1];
        assert_eq!(person["actor_name"], "测试员");
        assert!(person["target"].as_str().unwrap().starts_with("person:"));
        assert_eq!(person["after"]["name"], "王五");
        assert_eq!(person["after"]["phone"], "137****7000");
        let newest_grid = &page["items"][2];
        assert_eq!(newest_grid["actor_name"], "测试员");
        assert_eq!(newest_grid["target"], "410783101230-002");
        assert_eq!(newest_grid["after"], json!({"code": "410783101230-002", "name": "第二网格"}));
        assert!(newest_grid["created_at"].as_str().unwrap().ends_with('Z'));
        assert_eq!(page["items"][0]["after"]["created"], 1);
        assert_eq!(page["next_cursor"], serde_json::Value::Null);
        // Pages.
        let (_, first) = list(admin.clone(), audit(Some(LIUCUN), Some(2), None)).await;
        assert_eq!(first["items"].as_array().unwrap().len(), 2);
        let cursor = first["next_cursor"].as_str().unwrap().to_owned();
        let (_, second) = list(admin.clone(), audit(Some(LIUCUN), Some(2), Some(&cursor))).await;
        assert_eq!(second["items"].as_array().unwrap().len(), 2);
        assert_eq!(second["items"][1]["target"], "410783101230-001");
        assert_eq!(second["next_cursor"], serde_json::Value::Null);
        // Outsiders and bad queries.
        assert_eq!(list(other.clone(), audit(Some(LIUCUN), None, None)).await.0, 403);
        assert_eq!(list(other, audit(None, None, None)).await.1["items"], json!([]), "their own village has no entries");
        assert_eq!(list(admin.clone(), audit(None, Some(0), None)).await.0, 400);
        assert_eq!(list(admin.clone(), audit(None, None, Some("abc"))).await.0, 400);
        assert_eq!(list(admin, audit(Some("4107831"), None, None)).await.0, 400);
    }
}
