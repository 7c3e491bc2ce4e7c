//! The villager registry on both databases: the CSV import (idempotence, changed phones, bad
//! rows by line, a 10,000-row file) and one person's page (`GET /admin/people/{id}`).

mod common;

use jifen_server::people::import::import_villagers;
use jifen_server::storage::Db;
use sqlx::Row;

const HEADER: &str = "name,phone,village_code,grid_code,household,tags\n";
const LIUCUN: &str = "410783101230";

async fn add_grid(db: &Db, code: &str) {
    sqlx::query(
        "INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) \
         VALUES ($1, $2, 'grid', $3, 0, 0)",
    )
    .bind(code)
    .bind(format!("第{}网格", &code[13..]))
    .bind(&code[..12])
    .execute(db.writer())
    .await
    .unwrap();
}

/// (name, phone, grid, household, tags) of every person, by phone.
async fn people(db: &Db) -> Vec<(String, String, Option<String>, Option<String>, String)> {
    let rows =
        sqlx::query("SELECT id, name, phone, grid_code, household FROM people ORDER BY phone")
            .fetch_all(db.reader())
            .await
            .unwrap();
    let mut out = Vec::new();
    for r in rows {
        let tags: Vec<String> =
            sqlx::query("SELECT tag FROM person_tags WHERE person_id = $1 ORDER BY tag")
                .bind(r.get::<i64, _>("id"))
                .fetch_all(db.reader())
                .await
                .unwrap()
                .iter()
                .map(|t| t.get("tag"))
                .collect();
        out.push((
            r.get("name"),
            r.get("phone"),
            r.get("grid_code"),
            r.get("household"),
            tags.join("|"),
        ));
    }
    out
}

db_tests! {
    async fn villagers_import_once_and_a_second_time_changes_nothing(app) {
        app.load_changyuan().await;
        add_grid(&app.db, &format!("{LIUCUN}-001")).await;
        let csv = format!(
            "{HEADER}张三,138 0013 8000,{LIUCUN},{LIUCUN}-001,0101,党员;村民代表\n\
             李四,+86 139-0013-9000,{LIUCUN},,0102,脱贫户、村民\n\
             王五,１３７００１３７０００,{LIUCUN},,,\n"
        );
        let report = import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!((report.created, report.updated, report.unchanged), (3, 0, 0));
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        assert_eq!(
            people(&app.db).await,
            [
                ("王五".into(), "+8613700137000".into(), None, None, "".into()),
                ("张三".into(), "+8613800138000".into(), Some(format!("{LIUCUN}-001")), Some("0101".into()), "党员|村民代表".into()),
                ("李四".into(), "+8613900139000".into(), None, Some("0102".into()), "村民|脱贫户".into()),
            ]
        );
        let again = import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 3));
    }

    async fn a_changed_phone_updates_the_person(app) {
        app.load_changyuan().await;
        let first = format!("{HEADER}张三,13800138000,{LIUCUN},,0101,党员\n");
        import_villagers(&app.db, first.as_bytes(), None, &|_| true).await.unwrap();
        let moved = format!("{HEADER}张三,13600136000,{LIUCUN},,0101,党员\n");
        let report = import_villagers(&app.db, moved.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!((report.created, report.updated, report.unchanged), (0, 1, 0));
        let all = people(&app.db).await;
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].1, "+8613600136000");
        // A changed tag list is an update too.
        let retagged = format!("{HEADER}张三,13600136000,{LIUCUN},,0101,党员;村干部\n");
        let report = import_villagers(&app.db, retagged.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!(report.updated, 1);
        assert_eq!(people(&app.db).await[0].4, "党员|村干部");
        // Each change is in the audit log with before and after, phones masked.
        let audit: Vec<(String, Option<String>, Option<String>)> = sqlx::query(
            "SELECT action, before, after FROM audit_log ORDER BY id",
        )
        .fetch_all(app.db.reader())
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("action"), r.get("before"), r.get("after")))
        .collect();
        let json = |s: &Option<String>| s.as_deref().map(|s| serde_json::from_str::<serde_json::Value>(s).unwrap());
        assert_eq!(audit.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(), ["person.create", "person.update", "person.update"]);
        assert_eq!(json(&audit[0].1), None);
        assert_eq!(json(&audit[1].1).unwrap()["phone"], "138****8000");
        assert_eq!(json(&audit[1].2).unwrap()["phone"], "136****6000");
        assert_eq!(json(&audit[2].1).unwrap()["tags"], serde_json::json!(["党员"]));
        assert_eq!(json(&audit[2].2).unwrap()["tags"], serde_json::json!(["党员", "村干部"]));
    }

    async fn two_imports_racing_over_the_same_new_people_both_succeed(app) {
        // The same 1,500 new villagers, one file in reverse order: on PostgreSQL the two
        // imports collide on phones and can deadlock; both must still finish, each person once.
        app.load_changyuan().await;
        let rows: Vec<String> = (0..1500).map(|i| format!("村民{i},1370{i:07},{LIUCUN},,{i:04},\n")).collect();
        let forward = format!("{HEADER}{}", rows.concat());
        let backward = format!("{HEADER}{}", rows.iter().rev().cloned().collect::<String>());
        let (a, b) = tokio::join!(
            import_villagers(&app.db, forward.as_bytes(), None, &|_| true),
            import_villagers(&app.db, backward.as_bytes(), None, &|_| true),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.created + b.created, 1500);
        assert_eq!((a.created + a.unchanged, b.created + b.unchanged), (1500, 1500));
        assert_eq!((a.updated, b.updated, a.errors.len(), b.errors.len()), (0, 0, 0, 0));
        assert_eq!(people(&app.db).await.len(), 1500);
    }

    async fn bad_rows_are_reported_by_line_and_good_rows_kept(app) {
        app.load_changyuan().await;
        add_grid(&app.db, "410783101229-001").await; // a grid of another village
        let csv = format!(
            "{HEADER}\
             好人,13800138000,{LIUCUN},,,\n\
             ,13800138001,{LIUCUN},,,\n\
             坏号,1380013800a,{LIUCUN},,,\n\
             短号,1380013800,{LIUCUN},,,\n\
             重复,138-0013-8000,{LIUCUN},,,\n\
             无村,13800138002,410783101999,,,\n\
             乡镇,13800138003,410783101,,,\n\
             错格,13800138004,{LIUCUN},410783101229-001,,\n\
             缺列,13800138005\n\
             怪名\u{202E},13800138006,{LIUCUN},,,\n\
             长户,13800138007,{LIUCUN},,{},\n\
             标签,13800138008,{LIUCUN},,,党员;\u{200B}\n\
             也好,13800138009,{LIUCUN},,,村民\n",
            "1".repeat(40)
        );
        let report = import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let errors: Vec<_> = report.errors.iter().map(|e| (e.line, e.code.as_str())).collect();
        assert_eq!(
            errors,
            [
                (3, "empty_name"),
                (4, "invalid_phone"),
                (5, "invalid_phone"),
                (6, "duplicate_phone"),
                (7, "unknown_village"),
                (8, "unknown_village"),
                (9, "unknown_grid"),
                (10, "missing_column"),
                (11, "invalid_name"),
                (12, "invalid_household"),
                (13, "invalid_tag"),
            ]
        );
        assert!(report.errors[3].message.contains("138****8000"), "phones are masked in messages");
        assert_eq!((report.created, report.updated, report.unchanged), (2, 0, 0));
    }

    async fn ten_thousand_rows_import_in_one_go_and_every_bad_line_is_reported(app) {
        app.load_changyuan().await;
        let mut csv = String::from(HEADER);
        let mut bad_lines = Vec::new();
        for i in 0..10_000u32 {
            let line = i as u64 + 2;
            if i % 1000 == 999 {
                csv.push_str(&format!("村民{i},not-a-phone,{LIUCUN},,,\n"));
                bad_lines.push(line);
            } else {
                csv.push_str(&format!("村民{i},1390000{i:04},{LIUCUN},,{i:05},村民\n"));
            }
        }
        let report = import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!(report.created, 9_990);
        assert_eq!(report.errors.iter().map(|e| e.line).collect::<Vec<_>>(), bad_lines);
        assert!(report.errors.iter().all(|e| e.code == "invalid_phone"));
        let n: i64 = sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM people")
            .fetch_one(app.db.reader())
            .await
            .unwrap()
            .get("n");
        assert_eq!(n, 9_990);
    }

    async fn an_import_cannot_take_over_people_outside_the_region_or_staff(app) {
        app.load_changyuan().await;
        let other = "410783101229";
        let b = format!("{HEADER}外村人,13900139000,{other},,,\n");
        import_villagers(&app.db, b.as_bytes(), None, &|_| true).await.unwrap();
        app.staff("13700137000", "县里的密码-2026", jifen_shared::auth::Role::CountyAdmin, "410783").await;
        let liucun = jifen_shared::regions::RegionCode::parse(LIUCUN).unwrap();
        let only_liucun = move |c: &jifen_shared::regions::RegionCode| c.is_within(&liucun);
        let a = format!("{HEADER}冒名,13900139000,{LIUCUN},,,\n冒名二,13700137000,{LIUCUN},,,\n");
        let report = import_villagers(&app.db, a.as_bytes(), None, &only_liucun).await.unwrap();
        let errors: Vec<_> = report.errors.iter().map(|e| (e.line, e.code.as_str())).collect();
        assert_eq!(errors, [(2, "outside_region"), (3, "staff_account")]);
        let all = people(&app.db).await;
        assert!(all.iter().any(|p| p.0 == "外村人"), "the villager of the other village is untouched");
        assert!(!all.iter().any(|p| p.0.starts_with("冒名")));

        // A villager of 柳村 made township admin (signing in by SMS, no password): the village's
        // import may not re-point their phone through the household match, nor a grid
        // worker's of another village; a grid worker of 柳村 itself stays the village's.
        let c = format!("{HEADER}李四,13600136000,{LIUCUN},,0102,\n");
        import_villagers(&app.db, c.as_bytes(), None, &|_| true).await.unwrap();
        let li: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613600136000'").fetch_one(app.db.reader()).await.unwrap();
        let grant = jifen_shared::auth::RoleGrant { role: jifen_shared::auth::Role::TownshipAdmin, region_code: jifen_shared::regions::RegionCode::parse("410783101").unwrap() };
        jifen_server::auth::grant_role(&app.db, None, li, &grant).await.unwrap();
        let hijack = format!("{HEADER}李四,13500135000,{LIUCUN},,0102,\n");
        let report = import_villagers(&app.db, hijack.as_bytes(), None, &only_liucun).await.unwrap();
        assert_eq!(report.errors.iter().map(|e| e.code.as_str()).collect::<Vec<_>>(), ["staff_account"]);
        assert!(people(&app.db).await.iter().any(|p| p.1 == "+8613600136000"), "the phone is unchanged");
    }

    async fn a_file_without_the_required_columns_is_refused(app) {
        let err = import_villagers(&app.db, "name,mobile\n张三,13800138000\n".as_bytes(), None, &|_| true).await.unwrap_err();
        assert!(err.to_string().contains("needs name, phone and village_code"), "{err}");
    }

    async fn one_person_is_shown_to_the_staff_who_may_find_them_and_to_nobody_else(app) {
        use jifen_shared::api::GetPerson;
        use jifen_shared::auth::Role;
        app.load_changyuan().await;
        let village_admin = app.staff_token("13800138000", Role::VillageAdmin, LIUCUN).await;
        let township_admin = app.staff_token("13800138001", Role::TownshipAdmin, "410783101").await;
        let other_admin = app.staff_token("13800138002", Role::VillageAdmin, "410783101229").await;
        let csv = format!("{HEADER}张三,13900139001,{LIUCUN},,0101,党员|村民代表\n");
        import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613900139001'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();

        // The village's admin sees the full number, the township's a masked one.
        let (status, body) = app.fetch(&GetPerson { id }, Some(&village_admin)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["name"], "张三");
        assert_eq!(body["phone"], "+8613900139001");
        assert_eq!(body["phone_masked"], false);
        assert_eq!(body["village_code"], LIUCUN);
        assert_eq!(body["household"], "0101");
        assert_eq!(body["tags"], serde_json::json!(["党员", "村民代表"]));
        let (status, body) = app.fetch(&GetPerson { id }, Some(&township_admin)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["phone"], "139****9001");
        assert_eq!(body["phone_masked"], true);

        // A staff account of no village is found through its role: the township admin sees
        // 柳村's admin, with the role and its place.
        let admin_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613800138000'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let (status, body) = app.fetch(&GetPerson { id: admin_id }, Some(&township_admin)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["roles"], serde_json::json!([{"role": "village_admin", "region_code": LIUCUN}]));

        // Outside the caller's region, or no such person: 404 alike; nobody signed in: 401.
        for (who, id) in [(&other_admin, id), (&other_admin, admin_id), (&village_admin, id + 1000)] {
            let (status, body) = app.fetch(&GetPerson { id }, Some(who)).await;
            assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");
        }
        let (status, _) = app.fetch(&GetPerson { id }, None).await;
        assert_eq!(status, 401);
    }

    async fn the_list_by_region_reads_the_region_s_index(app) {
        use jifen_server::people::storage::{PeopleFilter, list, list_plan};
        app.load_changyuan().await;
        // 10,000 villagers over 200 villages of every township, a keeper of one township.
        let villages: Vec<String> = sqlx::query_scalar("SELECT code FROM regions WHERE level = 'village' ORDER BY code")
            .fetch_all(app.db.reader()).await.unwrap();
        let villages: Vec<&String> = villages.iter().step_by(villages.len() / 200).take(200).collect();
        let mut csv = String::from(HEADER);
        for i in 0..10_000u32 {
            // Village by village, as registries are imported.
            csv.push_str(&format!("村民{i},1390000{i:04},{},,{i:05},\n", villages[i as usize / 50]));
        }
        let report = import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!(report.created, 10_000);
        let township = &villages[100][..9];
        let keeper = app.staff("13800138077", common::STAFF_PASSWORD, jifen_shared::auth::Role::Keeper, township).await;
        let analyze = match app.db.backend() {
            jifen_server::storage::Backend::Sqlite => "ANALYZE",
            jifen_server::storage::Backend::Postgres => "ANALYZE people",
        };
        sqlx::query(analyze).execute(app.db.writer()).await.unwrap();
        let filter = |region| PeopleFilter { region, phone: None, name_part: None, closed: false, after_id: 0, limit: 50 };
        // The village's people by an index on the village (PostgreSQL may take the older
        // (village_code, household) one), the township's by the township's; the staff by
        // their partial index.
        for (region, indexes) in [
            (villages[100].as_str(), &["people_village_id", "people_village_household"][..]),
            (township, &["people_township"][..]),
        ] {
            let plan = list_plan(&app.db, &filter(region)).await.unwrap();
            assert!(indexes.iter().any(|i| plan.contains(i)), "{region}: {plan}");
            assert!(plan.contains("role_assignments_staff"), "{region}: {plan}");
        }
        // The page: the township's villagers by id, its keeper among them.
        let page = list(&app.db, &filter(township)).await.unwrap();
        assert_eq!(page.len(), 50);
        assert!(page.windows(2).all(|w| w[0].id < w[1].id));
        assert!(page.iter().all(|p| p.id == keeper || p.village_code.as_deref().is_some_and(|v| v.starts_with(township))));
        let everyone = list(&app.db, &PeopleFilter { limit: 20_000, ..filter(township) }).await.unwrap();
        let expected = villages.iter().filter(|v| v.starts_with(township)).count() * 50 + 1;
        assert_eq!(everyone.len(), expected, "every villager of the township and its keeper");
        assert!(everyone.iter().any(|p| p.id == keeper));
    }
}
