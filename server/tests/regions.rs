//! `GET /api/v1/regions…` on the real 长垣市 data, on both databases.

mod common;

use jifen_shared::api;

use serde_json::Value;

fn names(children: &Value) -> Vec<String> {
    children
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

db_tests! {
    async fn county_lists_its_19_township_level_units(app) {
        app.load_changyuan().await;
        let (status, body) = app.fetch(&api::GetRegion { code: "410783".into() }, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["name"], "长垣市");
        assert_eq!(body["level"], "county");
        assert_eq!(body["parent_code"], "4107");
        let children = body["children"].as_array().unwrap();
        assert_eq!(children.len(), 19);
        assert_eq!(children[0], serde_json::json!({"code": "410783001", "name": "蒲西街道", "level": "township"}));
        assert!(names(&body["children"]).contains(&"樊相镇".to_owned()));
        assert!(children.iter().all(|c| c["level"] == "township"));
        let ancestors: Vec<_> = body["ancestors"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        assert_eq!(ancestors, ["河南省", "新乡市"]);
    }

    async fn township_lists_its_villages(app) {
        app.load_changyuan().await;
        let (status, body) = app.fetch(&api::GetRegion { code: "410783101".into() }, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["name"], "樊相镇");
        assert_eq!(body["parent_code"], "410783");
        let liucun = body["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == "410783101230")
            .expect("留村 is under 樊相镇");
        assert_eq!(liucun["name"], "留村村委会");
        assert_eq!(liucun["level"], "village");
        let codes: Vec<_> = body["children"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap().to_owned()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        assert_eq!(codes, sorted, "children are ordered by code");
    }

    async fn village_has_no_children_until_grids_exist(app) {
        app.load_changyuan().await;
        let (status, body) = app.fetch(&api::GetRegion { code: "410783101230".into() }, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["name"], "留村村委会");
        assert_eq!(body["children"], serde_json::json!([]));
        assert_eq!(body["ancestors"].as_array().unwrap().len(), 4);
    }

    async fn home_region_is_changyuan(app) {
        app.load_changyuan().await;
        let (status, body) = app.fetch(&api::HomeRegion, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["code"], "410783");
        assert_eq!(body["children"].as_array().unwrap().len(), 19);
    }

    async fn home_region_before_import_is_not_found(app) {
        let (status, body) = app.fetch(&api::HomeRegion, None).await;
        assert_eq!(status, 404);
        assert_eq!(body["code"], "not_found");
    }

    async fn unknown_codes_are_not_found(app) {
        app.load_changyuan().await;
        for code in ["999999", "410783999", "410783101230-001", "42"] {
            let (status, body) = app.fetch(&api::GetRegion { code: code.to_string() }, None).await;
            assert_eq!(status, 404, "{code}");
            assert_eq!(body["code"], "not_found");
            assert!(body["message"].as_str().unwrap().contains(code));
        }
    }

    async fn malformed_codes_are_invalid_input(app) {
        let forty = "1".repeat(40);
        for code in ["41a783", forty.as_str(), "41078", "410783101230-1", "%E9%95%87", "410783%20"] {
            let (status, body) = app.fetch(&api::GetRegion { code: code.to_string() }, None).await;
            assert_eq!(status, 400, "{code}");
            assert_eq!(body["code"], "invalid_input", "{code}");
            assert!(body["message"].as_str().unwrap().starts_with("code:"), "the message names the field");
        }
    }
}
