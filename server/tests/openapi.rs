//! The served OpenAPI document declares every limit the server enforces (API.md; issue 22,
//! "The document disagrees with the server"), so a client generated from it never sends what
//! the server refuses; and the server answers as the document says. `scripts/fuzz` (schemathesis)
//! probes the same promise from outside; each of its findings is pinned here.
//!
//! - Each limit written as a literal attribute on a wire type is compared with the constant
//!   the server checks with ([`the_document_declares_each_limit_the_server_checks`]).
//! - Every `pattern` is one of the shared shapes ([`jifen_shared::text`],
//!   [`jifen_shared::regions::patterns`], the cursor, the `Idempotency-Key`), and each shape
//!   admits only what the server's own parser takes, on a set of samples.

mod common;

use common::{Backend, TestApp};
use jifen_server::http::paging::CheckPage;
use jifen_shared::api;
use jifen_shared::auth::Role;
use jifen_shared::regions::{RegionCode, RegionLevel, patterns};
use jifen_shared::text;
use serde_json::{Value, json};

/// The document the app serves.
async fn document(app: &TestApp) -> Value {
    let (status, doc) = app.get_json(api::OPENAPI_PATH).await;
    assert_eq!(status, 200);
    doc
}

/// The schema of property `field` of component schema `schema`.
fn prop<'a>(doc: &'a Value, schema: &str, field: &str) -> &'a Value {
    doc.pointer(&format!("/components/schemas/{schema}/properties/{field}"))
        .unwrap_or_else(|| panic!("no {schema}.{field} in the document"))
}

/// The schema of parameter `name` of the operation `method` `path` (under /api/v1).
fn param<'a>(doc: &'a Value, method: &str, path: &str, name: &str) -> &'a Value {
    doc["paths"][format!("{}{path}", api::PREFIX)][method]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .map(|p| &p["schema"])
        .unwrap_or_else(|| panic!("no parameter {name} of {method} {path}"))
}

/// Every operation of the document: (path, method, operation).
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut all = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            all.push((path.clone(), method.clone(), operation));
        }
    }
    all
}

/// Every value of the key `key` anywhere in `value`.
fn collect<'a>(value: &'a Value, key: &str, found: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == key {
                    found.push(v);
                }
                collect(v, key, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, key, found)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_declares_each_limit_the_server_checks() {
    use jifen_server::{auth, people, points, recycling, regions, services, shop};
    let app = common::spawn_app(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    let p = |schema: &str, field: &str| prop(&doc, schema, field).clone();
    let n = |v: i64| json!(v);
    let u = |v: usize| json!(v);
    // (what, keyword, the server's constant)
    let checks: Vec<(Value, &str, Value)> = vec![
        // 积分 — points.
        (
            p("AwardRequest", "user_ids"),
            "maxItems",
            u(points::awards::MAX_VILLAGERS),
        ),
        (
            p("AwardRequest", "points"),
            "maximum",
            n(points::awards::MAX_POINTS),
        ),
        (
            p("AwardRequest", "points"),
            "minimum",
            n(-points::awards::MAX_POINTS),
        ),
        (
            p("AwardRequest", "reason"),
            "maxLength",
            u(points::awards::MAX_REASON_CHARS),
        ),
        (
            p("AwardLimits", "daily_points"),
            "maximum",
            n(points::awards::MAX_DAILY_LIMIT),
        ),
        (
            p("AwardLimits", "villager_daily_points"),
            "maximum",
            n(points::awards::MAX_VILLAGER_DAILY_LIMIT),
        ),
        (
            p("NewRule", "name"),
            "maxLength",
            u(points::rules::MAX_NAME_CHARS),
        ),
        (
            p("NewRule", "points"),
            "maximum",
            n(points::rules::MAX_POINTS),
        ),
        (
            p("NewRule", "points"),
            "minimum",
            n(-points::rules::MAX_POINTS),
        ),
        (
            p("NewRule", "daily_cap"),
            "maximum",
            n(points::rules::MAX_DAILY_CAP),
        ),
        (
            p("NewRule", "monthly_cap"),
            "maximum",
            n(points::rules::MAX_MONTHLY_CAP),
        ),
        (
            p("NewRule", "groups"),
            "maxItems",
            u(jifen_shared::people::GROUP_TAGS.len()),
        ),
        (
            p("RuleUpdate", "name"),
            "maxLength",
            u(points::rules::MAX_NAME_CHARS),
        ),
        (
            p("RuleUpdate", "points"),
            "maximum",
            n(points::rules::MAX_POINTS),
        ),
        (
            p("RuleUpdate", "points"),
            "minimum",
            n(-points::rules::MAX_POINTS),
        ),
        (
            p("RuleUpdate", "daily_cap"),
            "maximum",
            n(points::rules::MAX_DAILY_CAP),
        ),
        (
            p("RuleUpdate", "monthly_cap"),
            "maximum",
            n(points::rules::MAX_MONTHLY_CAP),
        ),
        (
            p("RuleUpdate", "groups"),
            "maxItems",
            u(jifen_shared::people::GROUP_TAGS.len()),
        ),
        (
            p("RuleSettingUpdate", "points"),
            "maximum",
            n(points::rules::MAX_POINTS),
        ),
        (
            p("PointsRange", "min"),
            "minimum",
            n(-points::rules::MAX_POINTS),
        ),
        (
            p("PointsRange", "max"),
            "maximum",
            n(points::rules::MAX_POINTS),
        ),
        (
            p("NewClaim", "note"),
            "maxLength",
            u(points::claims::MAX_NOTE_CHARS),
        ),
        (
            p("NewClaim", "photo_ids"),
            "maxItems",
            u(points::claims::MAX_PHOTOS),
        ),
        (
            p("RejectClaim", "reason"),
            "maxLength",
            u(points::claims::MAX_REASON_CHARS),
        ),
        (
            p("CorrectionRequest", "reason"),
            "maxLength",
            u(points::corrections::MAX_REASON_CHARS),
        ),
        // 积分超市 — the points supermarket.
        (p("NewShop", "name"), "maxLength", u(shop::MAX_NAME_CHARS)),
        (
            p("ShopUpdate", "name"),
            "maxLength",
            u(shop::MAX_NAME_CHARS),
        ),
        (p("NewGoods", "name"), "maxLength", u(shop::MAX_NAME_CHARS)),
        (
            p("GoodsUpdate", "name"),
            "maxLength",
            u(shop::MAX_NAME_CHARS),
        ),
        (
            p("NewGoods", "points_price"),
            "maximum",
            n(shop::MAX_POINTS_PRICE),
        ),
        (
            p("GoodsUpdate", "points_price"),
            "maximum",
            n(shop::MAX_POINTS_PRICE),
        ),
        (
            p("NewGoods", "market_price_fen"),
            "maximum",
            n(shop::MAX_MARKET_PRICE_FEN),
        ),
        (
            p("GoodsUpdate", "market_price_fen"),
            "maximum",
            n(shop::MAX_MARKET_PRICE_FEN),
        ),
        (
            p("NewGoods", "per_person_limit"),
            "maximum",
            n(shop::MAX_LIMIT),
        ),
        (
            p("GoodsUpdate", "per_person_limit"),
            "maximum",
            n(shop::MAX_LIMIT),
        ),
        (p("NewGoods", "stock"), "maximum", n(shop::MAX_STOCK)),
        (
            p("NewGoods", "low_stock_threshold"),
            "maximum",
            n(shop::MAX_STOCK),
        ),
        (
            p("GoodsUpdate", "low_stock_threshold"),
            "maximum",
            n(shop::MAX_STOCK),
        ),
        (p("StockChange", "delta"), "maximum", n(shop::MAX_STOCK)),
        (p("StockChange", "delta"), "minimum", n(-shop::MAX_STOCK)),
        (
            p("StockChange", "note"),
            "maxLength",
            u(shop::MAX_NOTE_CHARS),
        ),
        (
            p("RedemptionLine", "qty"),
            "maximum",
            n(shop::redemptions::MAX_QTY),
        ),
        (
            p("NewRedemption", "items"),
            "maxItems",
            u(shop::redemptions::MAX_LINES),
        ),
        (
            p("NewShopPayment", "reference"),
            "maxLength",
            u(jifen_shared::shop::MAX_PAYMENT_REFERENCE_CHARS),
        ),
        // 回收 — recycling.
        (
            p("CategoryUpdate", "name"),
            "maxLength",
            u(jifen_shared::recycling::MAX_NAME_CHARS),
        ),
        (
            p("CategoryUpdate", "points_per_kg"),
            "maximum",
            n(jifen_shared::recycling::MAX_RATE),
        ),
        (
            p("DropoffLine", "grams"),
            "maximum",
            n(recycling::MAX_GRAMS),
        ),
        (
            p("NewDropoff", "lines"),
            "maxItems",
            u(recycling::MAX_LINES),
        ),
        // 五单 — services.
        (
            p("ServiceTypeUpdate", "name"),
            "maxLength",
            u(jifen_shared::services::MAX_TYPE_NAME_CHARS),
        ),
        (
            p("ServiceTypeUpdate", "reward_points"),
            "maximum",
            n(jifen_shared::services::MAX_REWARD),
        ),
        (
            p("NewOrder", "description"),
            "maxLength",
            u(services::MAX_TEXT_CHARS),
        ),
        (
            p("NewOrder", "address"),
            "maxLength",
            u(services::MAX_ADDRESS_CHARS),
        ),
        (
            p("NewOrder", "photo_ids"),
            "maxItems",
            u(services::MAX_PHOTOS),
        ),
        (
            p("Completion", "note"),
            "maxLength",
            u(services::MAX_TEXT_CHARS),
        ),
        (
            p("Completion", "photo_ids"),
            "maxItems",
            u(services::MAX_PHOTOS),
        ),
        (
            p("NewRating", "stars"),
            "maximum",
            n(jifen_shared::services::MAX_STARS),
        ),
        (
            p("NewRating", "comment"),
            "maxLength",
            u(services::MAX_COMMENT_CHARS),
        ),
        (
            p("CloseRectification", "follow_up"),
            "maxLength",
            u(services::MAX_TEXT_CHARS),
        ),
        // 人员与网格 — people and grids.
        (
            p("CreateGrid", "name"),
            "maxLength",
            u(regions::MAX_GRID_NAME_CHARS),
        ),
        (
            p("GridMembers", "person_ids"),
            "maxItems",
            u(people::directory::MAX_GRID_MEMBERS_PER_REQUEST),
        ),
        (
            p("PersonUpdate", "name"),
            "maxLength",
            u(people::import::MAX_NAME_CHARS),
        ),
        (
            p("PersonUpdate", "household"),
            "maxLength",
            u(people::import::MAX_HOUSEHOLD_CHARS),
        ),
        (
            p("PersonUpdate", "tags"),
            "maxItems",
            u(jifen_shared::people::MAX_TAGS),
        ),
        (
            param(&doc, "get", "/admin/people", "q").clone(),
            "maxLength",
            u(people::import::MAX_NAME_CHARS),
        ),
        (
            param(&doc, "get", "/admin/audit", "actor").clone(),
            "maxLength",
            u(jifen_shared::audit::MAX_ACTOR_CHARS),
        ),
        // 登录 — sign-in.
        (
            p("PasswordLogin", "password"),
            "maxLength",
            u(auth::MAX_PASSWORD_CHARS),
        ),
        (
            p("ChangePassword", "current_password"),
            "maxLength",
            u(auth::MAX_PASSWORD_CHARS),
        ),
        (
            p("ChangePassword", "new_password"),
            "maxLength",
            u(auth::MAX_PASSWORD_CHARS),
        ),
        (
            p("ChangePassword", "new_password"),
            "minLength",
            u(auth::password::MIN_PASSWORD_CHARS),
        ),
    ];
    let wrong: Vec<String> = checks
        .iter()
        .filter(|(schema, keyword, want)| &schema[*keyword] != want)
        .map(|(schema, keyword, want)| format!("{keyword} should be {want}: {schema}"))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn every_list_declares_its_page_limit_and_cursor() {
    let app = common::spawn_app(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    let mut lists = 0;
    for (path, method, operation) in operations(&doc) {
        for p in operation["parameters"].as_array().into_iter().flatten() {
            match p["name"].as_str() {
                Some("limit") => {
                    lists += 1;
                    assert_eq!(p["schema"]["minimum"], 1, "{method} {path}");
                    assert_eq!(
                        p["schema"]["maximum"],
                        jifen_shared::MAX_PAGE_LIMIT,
                        "{method} {path}"
                    );
                }
                Some("cursor") => {
                    assert_eq!(
                        p["schema"]["pattern"],
                        jifen_shared::CURSOR_PATTERN,
                        "{method} {path}"
                    );
                }
                _ => {}
            }
        }
    }
    assert_eq!(lists, 13, "the paged lists");
}

#[tokio::test]
async fn every_pattern_is_one_of_the_shared_shapes() {
    let app = common::spawn_app(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    let key = jifen_server::openapi::idempotency_key_pattern();
    let known = [
        text::NAME_PATTERN,
        text::NOTE_PATTERN,
        text::TEXT_PATTERN,
        text::PHONE_PATTERN,
        text::MONTH_PATTERN,
        text::DATE_PATTERN,
        text::CODE_PATTERN,
        text::WECHAT_CODE_PATTERN,
        text::NONCE_PATTERN,
        patterns::ANY,
        patterns::COUNTY,
        patterns::VILLAGE,
        patterns::GRID,
        patterns::TOWNSHIP_OR_VILLAGE,
        patterns::COUNTY_OR_VILLAGE,
        patterns::COUNTY_TO_VILLAGE,
        patterns::IN_COUNTY,
        jifen_shared::CURSOR_PATTERN,
        &key,
    ];
    let mut found = Vec::new();
    collect(&doc, "pattern", &mut found);
    assert!(found.len() > 60, "{}", found.len());
    let strays: Vec<&&Value> = found
        .iter()
        .filter(|p| !known.iter().any(|k| *p == k))
        .collect();
    assert!(
        strays.is_empty(),
        "patterns that are no shared shape: {strays:#?}"
    );
    // Each date is a day of the calendar too.
    let mut dates = Vec::new();
    collect(&doc, "format", &mut dates);
    assert!(dates.iter().filter(|f| **f == "date").count() >= 5);
    // And the refinements of jifen_server::openapi all landed.
    let mut served = doc.clone();
    assert_eq!(
        jifen_server::openapi::unmatched(&mut served),
        Vec::<String>::new()
    );
}

#[test]
fn region_shapes_admit_only_the_codes_the_server_takes() {
    use RegionLevel::*;
    let samples = [
        "41",
        "4107",
        "410783",
        "410783101",
        "410783101201",
        "410783101201-001",
        "",
        "4",
        "410",
        "41078",
        "4107831",
        "41078310",
        "4107831012",
        "41078310120",
        "4107831012011",
        "410783101201-01",
        "410783101201-0001",
        "410783101-001",
        "41x783",
        "410783 ",
        " 410783",
        "４１０７８３",
        "410783101201-00a",
        "410783\n",
        "-001",
    ];
    let shapes: [(&str, &[RegionLevel]); 8] = [
        (
            patterns::ANY,
            &[Province, Prefecture, County, Township, Village, Grid],
        ),
        (patterns::COUNTY, &[County]),
        (patterns::VILLAGE, &[Village]),
        (patterns::GRID, &[Grid]),
        (patterns::TOWNSHIP_OR_VILLAGE, &[Township, Village]),
        (patterns::COUNTY_OR_VILLAGE, &[County, Village]),
        (patterns::COUNTY_TO_VILLAGE, &[County, Township, Village]),
        (patterns::IN_COUNTY, &[County, Township, Village, Grid]),
    ];
    for (pattern, levels) in shapes {
        let shape = regex::Regex::new(pattern).unwrap();
        for s in samples {
            let takes = RegionCode::parse(s).is_ok_and(|c| levels.contains(&c.level()));
            assert_eq!(shape.is_match(s), takes, "{pattern} on {s:?}");
        }
    }
}

/// Texts with what tends to break text checks: spaces, line breaks, tabs, controls, zero-width
/// and bidi characters, full-width letters, emoji, decomposed accents.
const TEXTS: &[&str] = &[
    "张三",
    " 张三 ",
    "a",
    "王 五",
    "Café",
    "Cafe\u{301}",
    "😀",
    "ＡＢＣ",
    "",
    " ",
    "\t",
    "\n",
    "a\nb",
    "a\r\nb",
    "a\rb",
    "a\tb",
    "\ta",
    "a\n",
    "a\u{0}b",
    "a\u{7f}",
    "a\u{85}b",
    "\u{200b}",
    "a\u{200d}b",
    "a\u{202e}b",
    "a\u{2066}b",
    "\u{feff}a",
    "\u{3000}",
    "a\u{3000}b",
    "\u{a0}",
    "a\u{2028}b",
    "x\u{1f}",
    "照片不清晰，请重拍。",
];

#[test]
fn text_shapes_admit_only_texts_the_server_takes() {
    use jifen_server::text as server;
    let shape = |p: &str| regex::Regex::new(p).unwrap();
    let (name, note, text) = (
        shape(text::NAME_PATTERN),
        shape(text::NOTE_PATTERN),
        shape(text::TEXT_PATTERN),
    );
    for s in TEXTS {
        if name.is_match(s) {
            assert!(server::name(s, usize::MAX).is_ok(), "name {s:?}");
        }
        if note.is_match(s) {
            assert!(server::note(s, usize::MAX).is_ok(), "note {s:?}");
        }
        if text.is_match(s) {
            assert!(
                server::note(s, usize::MAX).is_ok_and(|t| !t.is_empty()),
                "text {s:?}"
            );
        }
    }
    // Not so strict that ordinary texts are refused.
    for s in [
        "张三",
        "王 五",
        "Café",
        "😀",
        "照片不清晰，请重拍。",
        "a\u{3000}b",
    ] {
        assert!(
            name.is_match(s) && text.is_match(s) && note.is_match(s),
            "{s:?}"
        );
    }
    assert!(text.is_match("第一行\n第二行\t完") && note.is_match("") && note.is_match(" "));
    assert!(!name.is_match("") && !name.is_match(" ") && !text.is_match("\n"));
}

#[test]
fn the_phone_shape_admits_the_mobile_numbers_the_server_takes() {
    use jifen_server::people::phone::Phone;
    let shape = regex::Regex::new(text::PHONE_PATTERN).unwrap();
    let mut numbers: Vec<String> = (100..200).map(|p| format!("{p}12345678")).collect();
    numbers.extend((0..10).map(|d| format!("1740{d}123456")));
    numbers.extend(
        [
            "1380013800",
            "138001380001",
            "+8613800138000",
            "8613800138000",
            "138 0013 8000",
            "+1 13800138000",
        ]
        .map(String::from),
    );
    let plus: Vec<String> = numbers.iter().map(|n| format!("+86{n}")).collect();
    for n in numbers.iter().chain(&plus) {
        if shape.is_match(n) {
            assert!(
                Phone::parse(n).is_ok(),
                "{n}: the document's shape, refused by the server"
            );
        } else if n.chars().all(|c| c.is_ascii_digit() || c == '+') && Phone::parse(n).is_ok() {
            // Plain forms the server takes are in the shape too (spaced ones need not be).
            assert!(
                n.starts_with("86") || n.starts_with("+8686"),
                "{n}: taken by the server, not in the shape"
            );
        }
    }
}

#[test]
fn date_month_code_cursor_and_key_shapes_admit_only_what_the_server_takes() {
    use jifen_server::calendar::{Calendar, parse_date};
    let shape = |p: &str| regex::Regex::new(p).unwrap();
    let calendar = Calendar::new(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap());
    let dates = [
        "2026-11-01",
        "2026-02-29",
        "2024-02-29",
        "2026-13-01",
        "1999-12-31",
        "3000-01-01",
        "2026-1-01",
        "2026-11-31",
        "20261101",
        "2026-11-01 ",
    ];
    for d in dates {
        // `format: date` stands beside the pattern: the day exists.
        let a_day = d.parse::<jiff::civil::Date>().is_ok();
        if shape(text::DATE_PATTERN).is_match(d) && a_day {
            assert!(parse_date(d).is_some(), "{d}");
        }
    }
    for m in [
        "2026-11", "2026-1", "2026-13", "2026-00", "1999-12", "3000-01", "2999-12", "202611",
        "2026-11 ",
    ] {
        assert_eq!(
            shape(text::MONTH_PATTERN).is_match(m),
            calendar.parse_month(m).is_some(),
            "{m}"
        );
    }
    for c in [
        "paper",
        "a",
        "plastic_bottles2",
        &"a".repeat(40),
        &"a".repeat(41),
        "",
        "Paper",
        "废纸",
        "old paper",
    ] {
        assert_eq!(
            shape(text::CODE_PATTERN).is_match(c),
            jifen_shared::catalogue::code_ok(c),
            "{c}"
        );
    }
    for c in [
        "0",
        "12",
        &"9".repeat(18),
        &"9".repeat(19),
        "-1",
        "1.5",
        "",
        "a",
    ] {
        let page = jifen_shared::PageQuery {
            limit: None,
            cursor: Some(c.to_owned()),
        };
        if shape(jifen_shared::CURSOR_PATTERN).is_match(c) {
            assert!(page.parse().is_ok(), "{c}");
        }
    }
    let key = shape(&jifen_server::openapi::idempotency_key_pattern());
    for k in [
        "a",
        "0b5d-uuid",
        &"k".repeat(100),
        &"k".repeat(101),
        "a b",
        "ключ",
        "",
    ] {
        let req = actix_web::test::TestRequest::default()
            .insert_header(("Idempotency-Key", k))
            .to_http_request();
        let taken = jifen_server::http::idempotency::key_of(&req).is_ok();
        assert_eq!(key.is_match(k), taken, "{k:?}");
    }
}

#[tokio::test]
async fn every_operation_that_takes_input_declares_400() {
    let app = common::spawn_app(Backend::Sqlite).await.unwrap();
    let doc = document(&app).await;
    for (path, method, operation) in operations(&doc) {
        let takes_input = operation.get("requestBody").is_some()
            || operation["parameters"]
                .as_array()
                .is_some_and(|ps| !ps.is_empty());
        if takes_input {
            assert!(
                operation["responses"].get("400").is_some(),
                "{method} {path}"
            );
        }
    }
}

db_tests! {
    // schemathesis: `GET /admin/people/9223372036854775808` answered 400, a status the
    // operation did not list (nor did any other operation with an id in its path).
    async fn an_id_out_of_range_is_400_as_documented(app) {
        app.load_changyuan().await;
        let admin = app.staff_token("13800138000", Role::CountyAdmin, "410783").await;
        let doc = document(&app).await;
        for path in ["/admin/people/9223372036854775808", "/admin/people/1x", "/services/orders/-9223372036854775809"] {
            let response = app.client.get(app.url(&format!("{}{path}", api::PREFIX)))
                .bearer_auth(&admin).send().await.unwrap();
            assert_eq!(response.status(), 400, "{path}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["code"], "invalid_input", "{path}");
        }
        for template in ["/admin/people/{id}", "/services/orders/{id}"] {
            let documented = &doc["paths"][format!("{}{template}", api::PREFIX)]["get"]["responses"]["400"];
            assert_eq!(documented["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ApiErrorBody", "{template}");
        }
    }

    // issue 22: `POST /auth/logout` took any body (a broken one ended no session and said 204).
    async fn logout_and_refresh_refuse_a_body_that_is_not_a_refresh_token(app) {
        app.load_changyuan().await;
        app.staff("13800138000", common::STAFF_PASSWORD, Role::CountyAdmin, "410783").await;
        let tokens = app.login("13800138000", common::STAFF_PASSWORD).await;
        let cookie = format!("jifen_refresh={}", tokens["refresh_token"].as_str().unwrap());
        for body in [&b"not json"[..], b"{}", b"[]", br#"{"refresh_token": 7}"#, br#"{"refresh_token": "x", "extra": 1}"#] {
            let shown = String::from_utf8_lossy(body);
            let out = app.request(&api::Logout).bytes("application/json", body.to_vec()).header("cookie", &cookie).send().await.unwrap();
            assert_eq!((out.status, out.code()), (400, Some(jifen_shared::ErrorCode::InvalidInput)), "logout {shown}");
            let refreshed = app.request(&api::RefreshTokens).bytes("application/json", body.to_vec()).header("cookie", &cookie).send().await.unwrap();
            assert_eq!((refreshed.status, refreshed.code()), (400, Some(jifen_shared::ErrorCode::InvalidInput)), "refresh {shown}");
        }
        // The session is still there: nothing above ended it.
        let (status, _) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": tokens["refresh_token"]})).await;
        assert_eq!(status, 200);
        // No body, or `null`, is the PWA's way: the cookie's token.
        let signed_in = app.login("13800138000", common::STAFF_PASSWORD).await;
        let cookie = format!("jifen_refresh={}", signed_in["refresh_token"].as_str().unwrap());
        let answer = app.request(&api::Logout).bytes("application/json", b"null".to_vec()).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(answer.status, 204);
        let answer = app.request(&api::RefreshTokens).header("cookie", &cookie).send().await.unwrap();
        assert_eq!(answer.status, 401, "logged out");
        let answer = app.request(&api::Logout).send().await.unwrap();
        assert_eq!(answer.status, 204, "no token at all: nothing to end");
        let doc = document(&app).await;
        for path in ["/auth/logout", "/auth/refresh"] {
            let operation = &doc["paths"][format!("{}{path}", api::PREFIX)]["post"];
            assert_eq!(operation["requestBody"]["required"], Value::Null, "{path}: the body is optional");
            assert!(operation["responses"]["400"].is_object(), "{path}");
        }
    }

    // schemathesis: the exports answered `text/csv` and an Excel workbook where the document
    // listed only `application/json`.
    async fn exports_answer_the_content_types_the_document_lists(app) {
        app.load_changyuan().await;
        let admin = app.staff_token("13800138000", Role::CountyAdmin, "410783").await;
        let doc = document(&app).await;
        let month = jifen_server::calendar::Calendar::new(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
            .month_label(jifen_server::storage::now_ms());
        for (template, query, content_type) in [
            ("/admin/audit", "?format=csv&region_code=410783".to_owned(), "text/csv"),
            ("/admin/reports/overview", "?region_code=410783&format=csv&table=points".to_owned(), "text/csv"),
            ("/shop/settlements", format!("?month={month}&format=csv"), "text/csv"),
            ("/shop/settlements", format!("?month={month}&format=xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ] {
            let response = app.client.get(app.url(&format!("{}{template}{query}", api::PREFIX)))
                .bearer_auth(&admin).send().await.unwrap();
            assert_eq!(response.status(), 200, "{template}{query}");
            let served = response.headers()["content-type"].to_str().unwrap().to_owned();
            assert!(served.starts_with(content_type), "{template}: {served}");
            let listed = &doc["paths"][format!("{}{template}", api::PREFIX)]["get"]["responses"]["200"]["content"];
            assert!(listed[content_type].is_object(), "{template}: {content_type} not in {listed}");
            assert!(listed["application/json"].is_object(), "{template}");
        }
    }

    // issue 22: audit entries answered `before: null` (creations, grants) and an array
    // (`grid.members`) where the document said a required object.
    async fn audit_entries_match_the_documented_before_and_after(app) {
        app.load_changyuan().await;
        let admin = app.staff_token("13800138000", Role::VillageAdmin, "410783101230").await;
        let (status, grid) = app.call(&api::CreateGridIn, Some(&admin), &json!({"village_code": "410783101230", "name": "一组"})).await;
        assert_eq!(status, 201, "{grid}");
        let csv = "name,phone,village_code\n李四,13900139000,410783101230\n";
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let villager: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613900139000'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let code = grid["code"].as_str().unwrap().to_owned();
        let (status, body) = app.call(&api::AssignGridMembers { code }, Some(&admin), &json!({"person_ids": [villager]})).await;
        assert_eq!(status, 200, "{body}");
        let (status, page) = app.fetch(&api::AuditLog { query: Default::default() }, Some(&admin)).await;
        assert_eq!(status, 200, "{page}");
        let entry = |action: &str| page["items"].as_array().unwrap().iter().find(|e| e["action"] == action).cloned().unwrap();
        assert_eq!(entry("grid.create")["before"], Value::Null);
        assert!(entry("grid.members")["before"].is_array());
        let doc = document(&app).await;
        for field in ["before", "after"] {
            // Any JSON value or null; never restricted to an object.
            let schema = prop(&doc, "AuditEntry", field);
            assert!(schema.get("type").is_none() && schema.get("$ref").is_none(), "{field}: {schema}");
        }
    }
}
