//! Importing NBS division files into a real database: idempotence, updates, bad rows, scale.

mod common;

use jifen_shared::api;

use jifen_server::regions::import::{self, BUNDLED_CHANGYUAN};

const TOWNSHIPS_HEADER: &str = "code,name,areaCode,provinceCode,cityCode\n";

db_tests! {
    async fn bundled_county_loads_once_and_twice_changes_nothing(app) {
        let mut inserted = 0;
        for (_, bytes) in BUNDLED_CHANGYUAN {
            inserted += import::import(&app.db, bytes).await.unwrap().inserted;
        }
        assert_eq!(inserted, 1 + 1 + 1 + 19 + 619);
        for (_, bytes) in BUNDLED_CHANGYUAN {
            let report = import::import(&app.db, bytes).await.unwrap();
            assert_eq!((report.inserted, report.updated, report.unchanged), (0, 0, report.rows));
        }
        assert_eq!(jifen_server::regions::storage::count(&app.db).await.unwrap(), 641);
    }

    async fn a_renamed_township_is_updated_not_duplicated(app) {
        app.load_changyuan().await;
        let renamed = format!("{TOWNSHIPS_HEADER}410783101,\"樊相镇（新）\",410783,41,4107\n");
        let report = import::import(&app.db, renamed.as_bytes()).await.unwrap();
        assert_eq!((report.inserted, report.updated, report.unchanged), (0, 1, 0));
        let (_, body) = app.fetch(&api::GetRegion { code: "410783101".into() }, None).await;
        assert_eq!(body["name"], "樊相镇（新）");
        assert_eq!(jifen_server::regions::storage::count(&app.db).await.unwrap(), 641);
    }

    async fn bad_rows_are_reported_and_good_rows_kept(app) {
        app.load_changyuan().await;
        let mut csv = TOWNSHIPS_HEADER.as_bytes().to_vec();
        csv.extend_from_slice("410783901,\"新镇甲\",410783,41,4107\n".as_bytes()); // line 2: good
        csv.extend_from_slice(b"410783902,\"\",410783,41,4107\n"); // 3: empty name
        csv.extend_from_slice(b"410783903\n"); // 4: missing columns
        csv.extend_from_slice("410783901,\"新镇乙\",410783,41,4107\n".as_bytes()); // 5: duplicate, other name
        csv.extend_from_slice(b"410783904,\"\xC0\xC1\",410783,41,4107\n"); // 6: not UTF-8
        csv.extend_from_slice("410783905,\"新镇丙\",410783,41,4107\n".as_bytes()); // 7: good
        let report = import::import(&app.db, &csv).await.unwrap();
        let errors: Vec<_> = report.errors.iter().map(|e| (e.line, e.code.as_str())).collect();
        assert_eq!(errors, [(3, "empty_name"), (4, "missing_column"), (5, "duplicate_code"), (6, "invalid_utf8")]);
        assert_eq!((report.rows, report.inserted), (6, 2));
        let (_, county) = app.fetch(&api::GetRegion { code: "410783".into() }, None).await;
        let children = county["children"].as_array().unwrap();
        assert_eq!(children.len(), 21);
        assert!(children.iter().any(|c| c["code"] == "410783901" && c["name"] == "新镇甲"));
        assert!(children.iter().any(|c| c["code"] == "410783905"));
    }

    async fn national_township_file_loads_when_present(app) {
        let Some(dir) = common::national_data_dir() else { return };
        let bytes = std::fs::read(dir.join("streets.csv.gz")).unwrap();
        let report = import::import(&app.db, &bytes).await.unwrap();
        assert_eq!(report.rows, 41_352);
        assert_eq!(report.inserted + report.errors.len() as u64, 41_352);
        assert!(report.errors.is_empty(), "{:?}", &report.errors[..report.errors.len().min(5)]);
        let (status, body) = app.fetch(&api::GetRegion { code: "410783101".into() }, None).await;
        assert_eq!(status, 200);
        assert_eq!(body["name"], "樊相镇");
        let again = import::import(&app.db, &bytes).await.unwrap();
        assert_eq!(again.unchanged, 41_352);
    }
}
