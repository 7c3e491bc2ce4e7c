//! Looking people up (`GET /admin/people`) and placing them in grids
//! (`POST /admin/grids/{code}/members`), on both databases: who may look where, who sees full
//! phone numbers, filters and pages, all-or-none grid assignment and its audit entry.

mod common;

use jifen_shared::api::{self, Endpoint as _};

use common::TestApp;
use jifen_shared::auth::Role;
use serde_json::json;

const LIUCUN: &str = "410783101230";
const OTHER_VILLAGE: &str = "410783101229";

/// 柳村 with two grids and four villagers (one in grid 001), and one villager elsewhere.
async fn village(app: &TestApp) -> String {
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
        "name,phone,village_code,grid_code,household,tags\n\
         张三,13900139001,{LIUCUN},{LIUCUN}-001,0101,党员\n\
         李四,13900139002,{LIUCUN},,0102,\n\
         张小花,13900139003,{LIUCUN},,0102,脱贫户\n\
         王五,13900139004,{LIUCUN},,0103,\n\
         赵六,13900139005,{OTHER_VILLAGE},,0201,\n"
    );
    let report =
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
            .await
            .unwrap();
    assert_eq!(report.created, 5);
    admin
}

fn names(body: &serde_json::Value) -> Vec<&str> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect()
}

fn phones(body: &serde_json::Value) -> Vec<(&str, bool)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["phone"].as_str().unwrap(),
                p["phone_masked"].as_bool().unwrap(),
            )
        })
        .collect()
}

async fn id_of(app: &TestApp, admin: &str, phone: &str) -> i64 {
    let (_, body) = app
        .fetch(
            &api::ListPeople {
                query: api::PeopleQuery {
                    region_code: Some(LIUCUN.to_string()),
                    phone: Some(phone.to_string()),
                    ..Default::default()
                },
            },
            Some(admin),
        )
        .await;
    body["items"][0]["id"].as_i64().unwrap()
}

db_tests! {
    async fn village_staff_see_full_phones_and_others_masked_ones(app) {
        let admin = village(&app).await;
        let (status, body) = app.fetch(&api::ListPeople { query: api::PeopleQuery { ..Default::default() } }, Some(&admin)).await;
        assert_eq!(status, 200, "{body}");
        // The admin's own account holds a role in 柳村, so it is listed too, first by id.
        assert_eq!(names(&body), ["测试员", "张三", "李四", "张小花", "王五"]);
        assert_eq!(
            phones(&body)[1..],
            [("+8613900139001", false), ("+8613900139002", false), ("+8613900139003", false), ("+8613900139004", false)]
        );
        let zhang = &body["items"][1];
        assert_eq!(zhang["village_code"], LIUCUN);
        assert_eq!(zhang["grid_code"], format!("{LIUCUN}-001"));
        assert_eq!(zhang["household"], "0101");
        assert_eq!(zhang["tags"], json!(["党员"]));
        assert_eq!(zhang["roles"], json!([{"role": "villager", "region_code": LIUCUN}]));
        assert_eq!(body["items"][0]["roles"], json!([{"role": "village_admin", "region_code": LIUCUN}]));
        assert_eq!(body["next_cursor"], json!(null));

        let township = app.staff_token("13800138001", Role::TownshipAdmin, "410783101").await;
        let (status, body) = app.fetch(&api::ListPeople { query: api::PeopleQuery { region_code: Some(LIUCUN.to_string()), q: Some("张".into()), ..Default::default() } }, Some(&township)).await;
        assert_eq!(status, 200);
        assert_eq!(phones(&body), [("139****9001", true), ("139****9003", true)]);
        // The whole township: 赵六 of the other village too.
        let (_, body) = app.fetch(&api::ListPeople { query: api::PeopleQuery { q: Some("赵".into()), ..Default::default() } }, Some(&township)).await;
        assert_eq!(names(&body), ["赵六"]);

        let grid_worker = app.staff_token("13800138002", Role::GridWorker, &format!("{LIUCUN}-001")).await;
        let (status, body) = app.fetch(&api::ListPeople { query: api::PeopleQuery { ..Default::default() } }, Some(&grid_worker)).await;
        assert_eq!(status, 200);
        assert_eq!(names(&body), ["张三", "测试员"]);
        assert_eq!(phones(&body)[0], ("+8613900139001", false));
    }

    async fn lookups_are_scoped_filtered_and_paged(app) {
        let admin = village(&app).await;
        // Any phone format finds the person; part of a name; LIKE wildcards are literal.
        let (_, body) = app.fetch(&common::with_raw_query(api::ListPeople { query: api::PeopleQuery::default() }, &format!("?region_code={LIUCUN}&phone=%2B86%20139-0013-9002")), Some(&admin)).await;
        assert_eq!(names(&body), ["李四"]);
        let (_, body) = app.fetch(&api::ListPeople { query: api::PeopleQuery { q: Some("小".into()), ..Default::default() } }, Some(&admin)).await;
        assert_eq!(names(&body), ["张小花"]);
        let (_, body) = app.fetch(&api::ListPeople { query: api::PeopleQuery { q: Some("%".into()), ..Default::default() } }, Some(&admin)).await;
        assert_eq!(names(&body), Vec::<&str>::new());
        // Pages of two.
        let (_, first) = app.fetch(&api::ListPeople { query: api::PeopleQuery { limit: Some(2), ..Default::default() } }, Some(&admin)).await;
        assert_eq!(names(&first), ["测试员", "张三"]);
        let cursor = first["next_cursor"].as_str().unwrap().to_owned();
        let (_, second) = app.fetch(&api::ListPeople { query: api::PeopleQuery { limit: Some(2), cursor: Some(cursor.to_string()), ..Default::default() } }, Some(&admin)).await;
        assert_eq!(names(&second), ["李四", "张小花"]);
        let cursor = second["next_cursor"].as_str().unwrap().to_owned();
        let (_, third) = app.fetch(&api::ListPeople { query: api::PeopleQuery { limit: Some(2), cursor: Some(cursor.to_string()), ..Default::default() } }, Some(&admin)).await;
        assert_eq!((names(&third), &third["next_cursor"]), (vec!["王五"], &json!(null)));

        let villager_csv = format!("name,phone,village_code\n钱七,13900139009,{LIUCUN}\n");
        jifen_server::people::import::import_villagers(&app.db, villager_csv.as_bytes(), None, &|_| true).await.unwrap();
        let other_admin = app.staff_token("13800138003", Role::VillageAdmin, OTHER_VILLAGE).await;
        let keeper = app.staff_token("13800138004", Role::Keeper, LIUCUN).await;
        for (token, query, status, code) in [
            (None, String::new(), 401, "unauthenticated"),
            (Some(&other_admin), format!("region_code={LIUCUN}"), 403, "forbidden"),
            (Some(&other_admin), "region_code=410783101".into(), 403, "forbidden"),
            (Some(&keeper), String::new(), 403, "forbidden"),
            (Some(&admin), "region_code=41078310123x".into(), 400, "invalid_input"),
            (Some(&admin), "phone=1390013900a".into(), 400, "invalid_phone"),
            (Some(&admin), "limit=0".into(), 400, "invalid_input"),
            (Some(&admin), "limit=101".into(), 400, "invalid_input"),
            (Some(&admin), "limit=abc".into(), 400, "invalid_input"),
            (Some(&admin), "cursor=-5".into(), 400, "invalid_input"),
            (Some(&admin), "cursor=x".into(), 400, "invalid_input"),
            (Some(&admin), format!("q={}", "长".repeat(51)), 400, "invalid_input"),
        ] {
            let people = common::with_raw_query(api::ListPeople { query: api::PeopleQuery::default() }, &format!("?{query}"));
            let (got, body) = app.fetch(&people, token.map(String::as_str)).await;
            assert_eq!((got, body["code"].as_str()), (status, Some(code)), "{query}");
        }
    }

    async fn villagers_are_placed_in_grids_all_or_none(app) {
        let admin = village(&app).await;
        let li = id_of(&app, &admin, "13900139002").await;
        let wang = id_of(&app, &admin, "13900139004").await;
        let zhang = id_of(&app, &admin, "13900139001").await;
        let grid2 = api::AssignGridMembers { code: format!("{LIUCUN}-002") };
        let (status, body) = app.call(&grid2, Some(&admin), &json!({"person_ids": [li, wang, zhang, li]})).await;
        assert_eq!((status, body), (200, json!({"assigned": 3, "unchanged": 0})));
        let (status, body) = app.call(&grid2, Some(&admin), &json!({"person_ids": [li, wang]})).await;
        assert_eq!((status, body), (200, json!({"assigned": 0, "unchanged": 2})));
        let (_, body) = app.fetch(&api::ListPeople { query: api::PeopleQuery { region_code: Some(format!("{LIUCUN}-002")), ..Default::default() } }, Some(&admin)).await;
        assert_eq!(names(&body), ["张三", "李四", "王五"]);

        // 赵六 lives in another village: nobody moves.
        let (_, township_view) = app.fetch(&api::ListPeople { query: api::PeopleQuery { region_code: Some("410783101".into()), q: Some("赵".into()), ..Default::default() } }, Some(&app.staff_token("13800138001", Role::TownshipAdmin, "410783101").await)).await;
        let zhao = township_view["items"][0]["id"].as_i64().unwrap();
        let grid1 = api::AssignGridMembers { code: format!("{LIUCUN}-001") };
        let (status, body) = app.call(&grid1, Some(&admin), &json!({"person_ids": [li, zhao, 999999]})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")));
        assert!(body["message"].as_str().unwrap().contains(&format!("{zhao}, 999999")), "{body}");
        let (_, body) = app.fetch(&api::ListPeople { query: api::PeopleQuery { region_code: Some(format!("{LIUCUN}-002")), q: Some("李".into()), ..Default::default() } }, Some(&admin)).await;
        assert_eq!(names(&body), ["李四"]);

        let other_admin = app.staff_token("13800138003", Role::VillageAdmin, OTHER_VILLAGE).await;
        let grid_worker = app.staff_token("13800138002", Role::GridWorker, &format!("{LIUCUN}-001")).await;
        for (token, path, body, status, code) in [
            (None, grid1.clone(), json!({"person_ids": [li]}), 401, "unauthenticated"),
            (Some(&other_admin), grid1.clone(), json!({"person_ids": [li]}), 403, "forbidden"),
            (Some(&grid_worker), grid1.clone(), json!({"person_ids": [li]}), 403, "forbidden"),
            (Some(&admin), api::AssignGridMembers { code: format!("{LIUCUN}-009") }, json!({"person_ids": [li]}), 404, "not_found"),
            (Some(&admin), api::AssignGridMembers { code: LIUCUN.into() }, json!({"person_ids": [li]}), 400, "invalid_input"),
            (Some(&admin), grid1.clone(), json!({"person_ids": []}), 400, "invalid_input"),
            (Some(&admin), grid1.clone(), json!({"person_ids": (0..1001).collect::<Vec<i64>>()}), 400, "invalid_input"),
            (Some(&admin), grid1.clone(), json!({"person_ids": ["x"]}), 400, "invalid_input"),
            (Some(&admin), grid1.clone(), json!({"ids": [li]}), 400, "invalid_input"),
        ] {
            let (got, answer) = app.call(&path, token.map(String::as_str), &body).await;
            assert_eq!((got, answer["code"].as_str()), (status, Some(code)), "{} {body}", path.url_path());
        }

        // The audit log keeps each person's grid before the move.
        let (_, audit) = app.fetch(&api::AuditLog { query: api::AuditQuery { ..Default::default() } }, Some(&admin)).await;
        let entry = &audit["items"][0];
        assert_eq!(entry["action"], "grid.members");
        assert_eq!(entry["target"], format!("{LIUCUN}-002"));
        assert_eq!(
            entry["before"],
            json!([{"id": zhang, "grid_code": format!("{LIUCUN}-001")}, {"id": li, "grid_code": null}, {"id": wang, "grid_code": null}])
        );
    }
}
