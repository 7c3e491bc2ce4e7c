//! The demo county (`jifen seed-demo`) and its simulated life (`jifen simulate`), on both
//! databases: the seed is what it says and safe twice; a simulation through the real HTTP
//! server leaves a balanced ledger whose figures agree with what the script did.

mod common;

use jifen_shared::api;

use common::TestApp;
use jifen_server::demo::simulate::{SimulateOptions, run};
use jifen_server::demo::{SeedOptions, seed};

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

fn options(villages: usize) -> SeedOptions {
    SeedOptions {
        seed: 7,
        villagers_per_village: 12,
        villages: Some(villages),
        password: "changyuan-2026".into(),
    }
}

db_tests! {
    async fn seeds_the_county_once(app) {
        let first = seed(&app.db, &options(2)).await.unwrap();
        assert_eq!(first.townships, 19);
        assert_eq!(first.villages, 2);
        assert_eq!(first.villagers, [24, 0, 0]);
        assert_eq!(first.volunteers, 6);
        // Two towns' villages (丁栾镇, 樊相镇), a shop each with the whole shelf.
        assert_eq!(first.shops, 2);
        assert_eq!(first.goods, 36);
        assert!((4..=12).contains(&first.grids), "{} grids", first.grids);
        // County admin, 19 township admins, per village an admin, a keeper and a grid worker
        // per grid.
        assert_eq!(first.staff, 1 + 19 + 2 * 2 + first.grids);
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM regions WHERE level = 'village'").await, 619);
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM regions WHERE level = 'township'").await, 19);
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM people WHERE phone NOT LIKE '+86100%'").await, 0);
        let people = count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM people").await;
        let goods = count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM shop_goods").await;
        let roles = count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM role_assignments").await;
        assert_eq!(people, 24 + first.staff as i64);
        assert_eq!(goods, 36);
        let villagers = jifen_server::auth::storage::count_role(&app.db, jifen_shared::auth::Role::Villager);
        assert_eq!(villagers.await.unwrap(), 24);

        // Twice: nothing new, nobody changed.
        let second = seed(&app.db, &options(2)).await.unwrap();
        assert_eq!(second.villagers, [0, 0, 24]);
        assert_eq!(second.staff, 0);
        assert_eq!(second.grids, first.grids);
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM people").await, people);
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM shop_goods").await, goods);
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM role_assignments").await, roles);
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM shops").await, 2);

        // The printed sign-ins work: the county admin's password.
        let county = first.logins.iter().find(|l| l.0.starts_with("county admin")).unwrap();
        assert_eq!(county.2, "10000000001");
        let tokens = app.login(&county.2, "changyuan-2026").await;
        assert!(tokens["access_token"].is_string(), "{tokens}");
        // A villager signs in with an SMS code, as printed.
        let villager = first.logins.iter().find(|l| l.0.starts_with("villager")).unwrap();
        let token = app.villager_token(&villager.2).await;
        let (status, me) = app.fetch(&api::GetMe, Some(&token)).await;
        assert_eq!(status, 200, "{me}");
        assert!(me["village_code"].as_str().unwrap().starts_with("410783101"), "{me}");
    }

    async fn bad_seed_options_are_refused(app) {
        for (per_village, password) in [(0, "changyuan-2026"), (9001, "changyuan-2026"), (40, "short")] {
            let o = SeedOptions { villagers_per_village: per_village, password: password.into(), ..options(1) };
            assert!(seed(&app.db, &o).await.is_err());
        }
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM people").await, 0);
    }

    async fn never_seeds_next_to_real_people(app) {
        app.load_changyuan().await;
        app.staff("13800138000", "a-long-password", jifen_shared::auth::Role::CountyAdmin, "410783").await;
        let refused = seed(&app.db, &options(1)).await.unwrap_err().to_string();
        assert!(refused.contains("1 people outside the demo phone block"), "{refused}");
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM people").await, 1);
        assert_eq!(count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM shops").await, 0);
    }

    async fn a_simulated_week_balances(app) {
        seed(&app.db, &options(2)).await.unwrap();
        let keys = jifen_server::auth::keys::Keys::load(None, &app.test_db.dir().join("data")).unwrap();
        let simulate = SimulateOptions {
            base_url: app.address.clone(),
            days: 7,
            concurrency: 4,
            seed: 3,
            villages: None,
            also_urls: Vec::new(),
        };
        let report = run(&app.db, &keys, &simulate).await.unwrap();
        assert_eq!(report.unexpected, 0, "{:?}", report.unexpected_samples);
        assert!(report.invariant_violations.is_empty(), "{:?}", report.invariant_violations);
        // Every keyed write answered 2xx is in the database as answered.
        assert_eq!(report.lost, 0, "{:?}", report.lost_samples);
        assert!(report.durable_checked >= 20, "{}", report.durable_checked);
        assert_eq!(report.retried, 0);
        assert!(report.ok());
        assert_eq!(report.villages, 2);
        assert_eq!(report.villagers, 24);
        let total = report.total();
        // The server's overview agrees with what the script saw, township by township: what
        // was credited, what was handed over, and the rest held by the villagers (cancelled
        // reservations are voided; lapsing ones are still held).
        assert_eq!(report.server.len(), 19);
        for (code, tally) in &report.townships {
            let server = &report.server[code];
            assert_eq!((server.issued, server.spent), (tally.issued, tally.spent), "{code}");
            assert_eq!(server.outstanding, tally.issued - tally.spent, "{code}");
            assert_eq!(server.villagers, 12, "{code}");
            assert!(server.earners > 0 && server.earners <= 12, "{code}: {server:?}");
        }
        assert!(total.claims > 0 && total.approved > 0, "{total:?}");
        assert_eq!(
            count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM point_claims WHERE status = 'approved'").await,
            total.approved as i64
        );
        assert_eq!(
            count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM redemptions WHERE status = 'fulfilled'").await,
            total.fulfilled as i64
        );
        assert_eq!(
            count(&app, "SELECT CAST(COALESCE(SUM(grams), 0) AS BIGINT) FROM recycling_lines").await,
            total.recycled_grams
        );
        assert_eq!(
            count(&app, "SELECT CAST(COUNT(*) AS BIGINT) FROM service_orders").await,
            total.orders as i64
        );
        assert!(report.table().contains("樊相镇"), "{}", report.table());
        app.assert_ledger_balanced().await;
    }
}
