//! The access matrix: every protected endpoint, called by every role granted inside the
//! target's region and outside it, and by nobody, on both databases. The status of each call
//! is asserted exactly. Later issues add their endpoints to [`endpoints`].
//!
//! The target is 柳村 (410783101230) and its grid 410783101230-001. "Inside" grants reach it
//! (a township admin of its township, a grid worker of its grid…); "outside" grants are the
//! same roles over a neighbouring village, grid, township, or another county (辉县市 410782).
//!
//! Photos are not refused with 403 but hidden with 404 (nobody learns which exist), so they have
//! their own matrix: [`photos_answer_every_role_inside_and_outside_exactly`]. So do service
//! orders' 派单 and its volunteer picker: [`dispatch_answers_every_role_inside_and_outside_exactly`].

mod common;

use common::TestApp;
use jifen_shared::api::{self, Endpoint as _};
use jifen_shared::auth::Role;
use serde_json::json;

const LIUCUN: &str = "410783101230";
const GRID: &str = "410783101230-001";

/// Who calls: a role over a region, or nobody.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Inside(Role),
    Outside(Role),
}

impl Who {
    fn grant(self) -> Option<(Role, &'static str)> {
        match self {
            Who::Anonymous => None,
            Who::Inside(role) => Some((
                role,
                match role {
                    Role::GridWorker => GRID,
                    Role::TownshipAdmin => "410783101",
                    Role::CountyAdmin => "410783",
                    _ => LIUCUN,
                },
            )),
            Who::Outside(role) => Some((
                role,
                match role {
                    Role::GridWorker => "410783101229-001",
                    Role::TownshipAdmin => "410783102",
                    Role::CountyAdmin => "410782",
                    _ => "410783101229",
                },
            )),
        }
    }
}

/// Every caller of the matrix.
fn callers() -> Vec<Who> {
    let mut all = vec![Who::Anonymous];
    all.extend(Role::ALL.map(Who::Inside));
    all.extend(Role::ALL.map(Who::Outside));
    all
}

enum Body {
    None,
    Json(serde_json::Value),
    Csv(String),
    /// A multipart/form-data upload of a small JPEG in the field `file`.
    Photo,
}

/// The method and the path (after the host) of a request to `endpoint`, as declared.
fn route<E: api::Endpoint>(endpoint: &E) -> Route {
    let method = match E::METHOD {
        api::Method::Get => reqwest::Method::GET,
        api::Method::Post => reqwest::Method::POST,
        api::Method::Put => reqwest::Method::PUT,
        api::Method::Delete => reqwest::Method::DELETE,
    };
    Route {
        method,
        path: endpoint.url_path(),
    }
}

struct Route {
    method: reqwest::Method,
    path: String,
}

/// One protected endpoint: how to call it (`n` makes each call's body unique) and which callers
/// succeed, with what status. Everyone else signed in gets 403, nobody gets 401 — except where
/// `outsiders` gives another answer for the outside grants of those roles.
struct Endpoint {
    route: Route,
    body: fn(usize, i64) -> Body,
    allowed: &'static [Role],
    success: u16,
    /// The answer to signed-in callers outside the region whose role is in `allowed`
    /// (`None`: 403).
    outsiders: Option<u16>,
}

/// The protected endpoints that exist, with the target villager's id.
fn endpoints(villager: i64) -> Vec<Endpoint> {
    use Role::*;
    const ADMINS: &[Role] = &[VillageAdmin, TownshipAdmin, CountyAdmin];
    vec![
        Endpoint {
            route: route(&api::GetMe),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            // The import answers 200 to any admin; rows outside the caller's region come back
            // as `outside_region` errors (checked in tests/people.rs).
            route: route(&api::ImportVillagers),
            body: |n, _| {
                Body::Csv(format!(
                    "name,phone,village_code\n村民{n},1370000{n:04},{LIUCUN}\n"
                ))
            },
            allowed: ADMINS,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            route: route(&api::CreateGridIn),
            body: |n, _| Body::Json(json!({"village_code": LIUCUN, "name": format!("网格{n}")})),
            allowed: ADMINS,
            success: 201,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::AssignGridMembers { code: GRID.into() }),
            body: |_, villager| Body::Json(json!({"person_ids": [villager]})),
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::ListPeople {
                query: api::PeopleQuery {
                    region_code: Some(GRID.into()),
                    ..Default::default()
                },
            }),
            body: |_, _| Body::None,
            allowed: &[
                GridWorker,
                ProxyAgent,
                VillageAdmin,
                TownshipAdmin,
                CountyAdmin,
            ],
            success: 200,
            outsiders: None,
        },
        Endpoint {
            // Staff outside the region are told the person does not exist; the villager is in
            // the grid by now (AssignGridMembers above).
            route: route(&api::GetPerson { id: villager }),
            body: |_, _| Body::None,
            allowed: &[
                GridWorker,
                ProxyAgent,
                VillageAdmin,
                TownshipAdmin,
                CountyAdmin,
            ],
            success: 200,
            outsiders: Some(404),
        },
        Endpoint {
            // As GetPerson: who may find the villager reads their points.
            route: route(&api::PersonHistory {
                id: villager,
                query: api::PageQuery::default(),
            }),
            body: |_, _| Body::None,
            allowed: &[
                GridWorker,
                ProxyAgent,
                VillageAdmin,
                TownshipAdmin,
                CountyAdmin,
            ],
            success: 200,
            outsiders: Some(404),
        },
        Endpoint {
            route: route(&api::GrantRole { id: villager }),
            body: |_, _| Body::Json(json!({"role": "volunteer", "region_code": LIUCUN})),
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::RevokeRole {
                id: villager,
                role: "volunteer".into(),
                region_code: LIUCUN.into(),
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            // The villager holds no staff role: admins who reach them are told so (400).
            route: route(&api::ResetPassword { id: villager }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 400,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::CreateShop),
            body: |n, _| {
                Body::Json(json!({"name": format!("积分超市{n}"), "village_code": LIUCUN}))
            },
            allowed: ADMINS,
            success: 201,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::MyRedemptions {
                query: api::PageQuery::default(),
            }),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            route: route(&api::GetBalance),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            route: route(&api::PointsHistory {
                query: api::PageQuery::default(),
            }),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            route: route(&api::Award),
            body: |_, villager| {
                Body::Json(json!({"user_ids": [villager], "points": 1, "reason": "文明户"}))
            },
            allowed: ADMINS,
            success: 201,
            outsiders: None,
        },
        Endpoint {
            // The fixture claim, approved by a grid worker: every admin over 柳村 outranks them.
            route: route(&api::PreviewCorrection),
            body: |_, _| Body::Json(json!({"kind": "claim", "id": FIXTURE_CLAIM})),
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            // Reading the limits is covered in tests/points.rs: every grant but the other
            // county's lies inside 长垣市.
            route: route(&api::SetAwardLimits {
                county_code: "410783".into(),
            }),
            body: |n, _| Body::Json(json!({"daily_points": 10 + n, "villager_daily_points": 5})),
            allowed: &[CountyAdmin],
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::PreviewAward),
            body: |_, villager| {
                Body::Json(json!({"user_ids": [villager], "points": -1, "reason": "乱堆乱放"}))
            },
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            // An empty reason: refused (400) once the caller may correct the claim, so nothing
            // moves and every admin inside meets the same claim (corrected in tests/corrections.rs).
            route: route(&api::Correct),
            body: |_, _| Body::Json(json!({"kind": "claim", "id": FIXTURE_CLAIM, "reason": ""})),
            allowed: ADMINS,
            success: 400,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::CreateRule),
            body: |n, _| {
                Body::Json(
                    json!({"code": format!("rule_{n}"), "name": "清理河道", "category": "environment", "points": 3, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "region_code": LIUCUN}),
                )
            },
            allowed: ADMINS,
            success: 201,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::AdminRules {
                query: api::AdminRulesQuery {
                    region_code: LIUCUN.into(),
                },
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            // Rule 13: the first rule the row above created in 柳村 (the 12 shipped come first).
            route: route(&api::UpdateRule { id: 13 }),
            body: |n, _| {
                Body::Json(
                    json!({"name": format!("清理河道{n}"), "category": "environment", "points": 3, "needs_photo": false, "daily_cap": null, "monthly_cap": null, "active": true}),
                )
            },
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::SetRuleSetting {
                id: 1,
                region_code: LIUCUN.into(),
            }),
            body: |n, _| Body::Json(json!({"active": n % 2 == 0})),
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::RuleHistory {
                id: 1,
                query: api::AdminRulesQuery {
                    region_code: LIUCUN.into(),
                },
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::UploadMedia),
            body: |_, _| Body::Photo,
            allowed: &Role::ALL,
            success: 201,
            outsiders: Some(201),
        },
        Endpoint {
            route: route(&api::MyClaims {
                query: api::PageQuery::default(),
            }),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            // Reviewers anywhere get their own queue (empty outside 柳村); who may decide a
            // claim of 柳村 is checked in tests/claims.rs.
            route: route(&api::ReviewQueue {
                query: api::ReviewQuery::default(),
            }),
            body: |_, _| Body::None,
            allowed: &[GridWorker, VillageAdmin, TownshipAdmin, CountyAdmin],
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            route: route(&api::MyMemberCode),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            // Everyone gets the shops they keep (none here: keepers are appointed per shop,
            // checked in tests/shop.rs).
            route: route(&api::KeptShops),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            // Everyone gets the statements of the shops they keep or manage (tests/shop.rs).
            route: route(&api::ShopSettlements {
                query: api::SettlementsQuery {
                    month: "2026-11".into(),
                    format: None,
                },
            }),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            route: route(&api::SetCategory),
            body: |n, _| {
                Body::Json(
                    json!({"county_code": "410783", "code": format!("cat_{n}"), "name": "旧衣物", "points_per_kg": 1, "active": true}),
                )
            },
            allowed: &[CountyAdmin],
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::RatingsSummaryOf {
                query: api::SummaryQuery {
                    region_code: LIUCUN.into(),
                    month: None,
                },
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::ReportOverview {
                query: api::OverviewQuery {
                    region_code: LIUCUN.into(),
                    ..Default::default()
                },
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::ReportOverview {
                query: api::OverviewQuery {
                    region_code: LIUCUN.into(),
                    format: Some("csv".into()),
                    table: Some("points".into()),
                    ..Default::default()
                },
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::SetServiceType),
            body: |n, _| {
                Body::Json(
                    json!({"county_code": "410783", "code": format!("type_{n}"), "name": "理发", "reward_points": 3, "active": true}),
                )
            },
            allowed: &[CountyAdmin],
            success: 200,
            outsiders: None,
        },
        Endpoint {
            // Everyone gets the open orders of the area they volunteer in (none for others).
            route: route(&api::AvailableOrders {
                query: api::PageQuery::default(),
            }),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            route: route(&api::InboxUnread),
            body: |_, _| Body::None,
            allowed: &Role::ALL,
            success: 200,
            outsiders: Some(200),
        },
        Endpoint {
            route: route(&api::AuditLog {
                query: api::AuditQuery {
                    region_code: Some(LIUCUN.into()),
                    ..Default::default()
                },
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        // The shop administration rows act on the shop and goods of `shop_fixture`.
        Endpoint {
            route: route(&api::AdminShops {
                query: api::AdminShopsQuery {
                    region_code: LIUCUN.into(),
                },
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::AdminShopDetail { id: FIXTURE_SHOP }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::UpdateShop { id: FIXTURE_SHOP }),
            body: |n, _| Body::Json(json!({"name": format!("矩阵超市{n}"), "closed": false})),
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::RemoveKeeper {
                id: FIXTURE_SHOP,
                user_id: villager,
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            // Township and county admins pay shops; the fixture's shop handed nothing over, so
            // those allowed get as far as "nothing to pay" (tests/shop.rs pays for real).
            route: route(&api::PayShop { id: FIXTURE_SHOP }),
            body: |_, _| {
                Body::Json(
                    json!({"month": "2025-09", "reference": "ZF-1", "paid_on": "2025-10-01"}),
                )
            },
            allowed: &[TownshipAdmin, CountyAdmin],
            success: 409,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::LowStock {
                query: api::AdminShopsQuery {
                    region_code: LIUCUN.into(),
                },
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::StockMovements {
                id: FIXTURE_GOODS,
                query: api::PageQuery::default(),
            }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::UpdateGoods { id: FIXTURE_GOODS }),
            body: |n, _| {
                Body::Json(json!({"name": format!("矩阵商品{n}"), "points_price": 10,
                    "market_price_fen": 300, "active": true, "low_stock_threshold": 5}))
            },
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::ChangeStock { id: FIXTURE_GOODS }),
            body: |_, _| Body::Json(json!({"delta": -1, "reason": "write_off", "note": "破损"})),
            allowed: ADMINS,
            success: 200,
            outsiders: None,
        },
        Endpoint {
            // Staff outside the region are told the person does not exist (as GetPerson).
            route: route(&api::UpdatePerson { id: villager }),
            body: |_, _| {
                Body::Json(
                    json!({"name": "李四", "household": "0101", "tags": ["党员"], "grid_code": GRID}),
                )
            },
            allowed: ADMINS,
            success: 200,
            outsiders: Some(404),
        },
        Endpoint {
            route: route(&api::ChangePersonPhone { id: villager }),
            body: |n, _| Body::Json(json!({"phone": format!("1370002{n:04}")})),
            allowed: ADMINS,
            success: 200,
            outsiders: Some(404),
        },
        Endpoint {
            route: route(&api::ClosingPreview { id: villager }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: Some(404),
        },
        Endpoint {
            // The villager holds 0 points, not the -1 the caller confirmed: nothing happens (409).
            route: route(&api::ClosePerson { id: villager }),
            body: |_, _| Body::Json(json!({"reason": "moved_away", "seen_points": -1})),
            allowed: ADMINS,
            success: 409,
            outsiders: Some(404),
        },
        // 代办: a villager without a phone registered, cards printed and replaced, delegations
        // read, a proxy session opened (by a search: proxy agents of the village).
        Endpoint {
            route: route(&api::CreatePerson),
            body: |n, _| {
                Body::Json(
                    json!({"name": format!("长辈{n}"), "village_code": LIUCUN, "household": format!("9{n:03}")}),
                )
            },
            allowed: ADMINS,
            success: 201,
            outsiders: None,
        },
        Endpoint {
            route: route(&api::PrintMemberCards),
            body: |_, villager| Body::Json(json!({"person_ids": [villager]})),
            allowed: ADMINS,
            success: 200,
            outsiders: Some(404),
        },
        Endpoint {
            route: route(&api::ReplaceMemberCard { id: villager }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: Some(404),
        },
        Endpoint {
            route: route(&api::PersonDelegations { id: villager }),
            body: |_, _| Body::None,
            allowed: ADMINS,
            success: 200,
            outsiders: Some(404),
        },
        Endpoint {
            route: route(&api::OpenProxy),
            body: |_, villager| Body::Json(json!({"person_id": villager})),
            allowed: &[ProxyAgent],
            success: 201,
            outsiders: Some(404),
        },
    ]
}

/// The claim the correction rows act on: the first of the database.
const FIXTURE_CLAIM: i64 = 1;

/// Makes `FIXTURE_CLAIM`: a claim of `villager` (2 points, 垃圾分类) approved by a grid worker
/// of its grid, its points credited.
async fn claim_fixture(app: &TestApp, villager: i64) {
    let worker = app
        .staff(
            "13700137998",
            common::STAFF_PASSWORD,
            Role::GridWorker,
            GRID,
        )
        .await;
    let claim: i64 = sqlx::query_scalar(
        "INSERT INTO point_claims (claimant_id, rule_id, points, note, village_code, region_code, \
         status, reviewer_id, reviewed_at, created_at) \
         VALUES ($1, 1, 2, '垃圾分类', $2, $3, 'approved', $4, 0, 0) RETURNING id",
    )
    .bind(villager)
    .bind(LIUCUN)
    .bind(GRID)
    .bind(worker)
    .fetch_one(app.db.writer())
    .await
    .unwrap();
    assert_eq!(claim, FIXTURE_CLAIM);
    let mut tx = app.db.begin_write().await.unwrap();
    let village = jifen_shared::regions::RegionCode::parse(LIUCUN).unwrap();
    let (account, issuance) = jifen_server::points::accounts_of(&mut tx, villager, &village)
        .await
        .unwrap();
    let transfer = jifen_server::ledger::NewTransfer {
        key: format!("claim:{claim}"),
        debit_account_id: issuance,
        credit_account_id: account,
        amount: 2,
        reason: "claim".into(),
        reference: Some(format!("claim:{claim}")),
        actor_id: Some(worker),
    };
    jifen_server::ledger::transfer(&mut tx, &transfer, false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// The shop and goods the shop administration rows act on: the first of the database.
const FIXTURE_SHOP: i64 = 1;
const FIXTURE_GOODS: i64 = 1;

/// Opens 柳村's shop `FIXTURE_SHOP` with goods `FIXTURE_GOODS` (100 in stock), as a county
/// admin of its own.
async fn shop_fixture(app: &TestApp) {
    let admin = app
        .staff_token("13700137999", Role::CountyAdmin, "410783")
        .await;
    let (status, shop) = app
        .call(
            &api::CreateShop,
            Some(&admin),
            &json!({"name": "矩阵超市", "village_code": LIUCUN}),
        )
        .await;
    assert_eq!((status, shop["id"].as_i64()), (201, Some(FIXTURE_SHOP)));
    let (status, goods) = app
        .call(
            &api::CreateGoods { id: FIXTURE_SHOP },
            Some(&admin),
            &json!({"name": "矩阵商品", "points_price": 10, "market_price_fen": 300, "stock": 100}),
        )
        .await;
    assert_eq!((status, goods["id"].as_i64()), (201, Some(FIXTURE_GOODS)));
}

/// Signs in one staff account per grant; `None` for the anonymous caller.
async fn token(app: &TestApp, i: usize, who: Who) -> Option<String> {
    let (role, region) = who.grant()?;
    Some(
        app.staff_token(&format!("1390000{i:04}"), role, region)
            .await,
    )
}

/// The regions the grants need beyond the bundled 长垣市: two grids and another county.
async fn regions(app: &TestApp) {
    app.load_changyuan().await;
    for (code, name, level, parent) in [
        (GRID, "一网格", "grid", LIUCUN),
        ("410783101229-001", "一网格", "grid", "410783101229"),
        ("410782", "辉县市", "county", "4107"),
    ] {
        sqlx::query(
            "INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 0, 0)",
        )
        .bind(code)
        .bind(name)
        .bind(level)
        .bind(parent)
        .execute(app.db.writer())
        .await
        .unwrap();
    }
}

db_tests! {
    async fn every_protected_endpoint_answers_every_role_inside_and_outside_exactly(app) {
        regions(&app).await;
        let csv = format!("name,phone,village_code\n李四,13600136000,{LIUCUN}\n");
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let villager: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613600136000'")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        let mut callers_with_tokens = Vec::new();
        for (i, who) in callers().into_iter().enumerate() {
            callers_with_tokens.push((who, token(&app, i, who).await));
        }
        shop_fixture(&app).await;
        claim_fixture(&app, villager).await;
        let mut n = 0;
        let mut failures = Vec::new();
        for endpoint in endpoints(villager) {
            for (who, token) in &callers_with_tokens {
                n += 1;
                let expected = match *who {
                    Who::Anonymous => 401,
                    Who::Inside(role) if endpoint.allowed.contains(&role) => endpoint.success,
                    Who::Outside(role) if endpoint.allowed.contains(&role) => endpoint.outsiders.unwrap_or(403),
                    _ => 403,
                };
                let Route { method, path } = &endpoint.route;
                let mut request = app.client.request(method.clone(), app.url(path));
                request = match (endpoint.body)(n, villager) {
                    Body::None => request,
                    Body::Json(body) => request.json(&body),
                    Body::Csv(csv) => request.header("content-type", "text/csv").body(csv),
                    Body::Photo => {
                        let (form_type, body) = common::multipart_form("file", "a.jpg", "image/jpeg", &common::small_jpeg(n as u8));
                        request.header("content-type", form_type).body(body)
                    }
                };
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                if status != expected {
                    let body = response.text().await.unwrap_or_default();
                    failures.push(format!("{method} {path} as {who:?}: {status}, expected {expected}: {body}"));
                }
            }
        }
        assert!(failures.is_empty(), "{} of {n} calls answered wrongly:\n{}", failures.len(), failures.join("\n"));
        assert_eq!(n, (29 + 4 + 8 + 4 + 2 + 3 + 1 + 5) * 17);
        app.assert_ledger_balanced().await;
    }

    async fn dispatch_answers_every_role_inside_and_outside_exactly(app) {
        // Two open orders of a villager of the grid, one escalated to the grid worker's queue
        // (level 1), one not yet. Their admins pick a volunteer and dispatch both (200: a
        // repeat to the same volunteer answers the order); the grid worker only the escalated
        // one (409 `not_escalated` for the other); a volunteer of the area sees them and is
        // refused (403); everyone else signed in is told they do not exist (404).
        regions(&app).await;
        let csv = format!(
            "name,phone,village_code,grid_code,household\n\
             李四,13600136000,{LIUCUN},{GRID},0101\n\
             王志愿,13600136001,{LIUCUN},,0102\n"
        );
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let person = |phone: &'static str| {
            let app = &app;
            async move {
                sqlx::query_scalar::<_, i64>("SELECT id FROM people WHERE phone = $1")
                    .bind(format!("+86{phone}"))
                    .fetch_one(app.db.reader()).await.unwrap()
            }
        };
        let (villager, volunteer) = (person("13600136000").await, person("13600136001").await);
        sqlx::query("INSERT INTO role_assignments (person_id, role, region_code, created_at) VALUES ($1, 'volunteer', $2, 0)")
            .bind(volunteer).bind(LIUCUN)
            .execute(app.db.writer()).await.unwrap();
        let mut orders = Vec::new();
        // Open since now: the server's own sweep (once a minute, from its start) must not
        // escalate the level-0 order while the matrix runs.
        let now = jifen_server::storage::now_ms();
        for level in [1, 0] {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO service_orders (orderer_id, village_code, grid_code, type_id, type_name, \
                 reward_points, description, status, escalation_level, open_since, created_at, updated_at) \
                 VALUES ($1, $2, $3, 1, '代办跑腿', 5, '帮忙取药', 'open', $4, $5, $5, $5) RETURNING id",
            )
            .bind(villager).bind(LIUCUN).bind(GRID).bind(level as i64).bind(now)
            .fetch_one(app.db.writer()).await.unwrap();
            orders.push((id, level == 1));
        }
        const ADMINS: [Role; 3] = [Role::VillageAdmin, Role::TownshipAdmin, Role::CountyAdmin];
        let expected = |who: Who, escalated: bool| match who {
            Who::Anonymous => 401,
            Who::Inside(role) if ADMINS.contains(&role) => 200,
            Who::Inside(Role::GridWorker) if escalated => 200,
            Who::Inside(Role::GridWorker) => 409,
            Who::Inside(Role::Volunteer) => 403,
            _ => 404,
        };
        let mut n = 0;
        let mut failures = Vec::new();
        let mut callers_with_tokens = Vec::new();
        for (i, who) in callers().into_iter().enumerate() {
            callers_with_tokens.push((who, token(&app, i, who).await));
        }
        for (id, escalated) in orders {
            // The picker first (the order still open), then 派单.
            for dispatching in [false, true] {
                for (who, token) in &callers_with_tokens {
                    n += 1;
                    let route = if dispatching {
                        route(&api::DispatchOrder { id })
                    } else {
                        route(&api::DispatchChoices { id })
                    };
                    let mut request = app.client.request(route.method.clone(), app.url(&route.path));
                    if dispatching {
                        request = request.json(&json!({"volunteer_id": volunteer}));
                    }
                    if let Some(token) = token {
                        request = request.bearer_auth(token);
                    }
                    let status = request.send().await.unwrap().status().as_u16();
                    let want = expected(*who, escalated);
                    if status != want {
                        failures.push(format!("{} {} as {who:?}: {status}, expected {want}", route.method, route.path));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{} of {n} calls answered wrongly:\n{}", failures.len(), failures.join("\n"));
        assert_eq!(n, 2 * 2 * 17);
        let taken: Vec<(String, Option<i64>)> = sqlx::query_as("SELECT status, volunteer_id FROM service_orders ORDER BY id")
            .fetch_all(app.db.reader()).await.unwrap();
        assert_eq!(taken, [("claimed".to_string(), Some(volunteer)), ("claimed".to_string(), Some(volunteer))]);
    }

    async fn photos_answer_every_role_inside_and_outside_exactly(app) {
        // A villager of the grid uploads a photo and attaches it to a claim reviewed in the
        // grid: its reviewers inside the region see it (200); everyone else signed in is told
        // it does not exist (404), whatever their role.
        regions(&app).await;
        let csv = format!("name,phone,village_code,grid_code\n李四,13600136000,{LIUCUN},{GRID}\n");
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let villager_token = app.villager_token("13600136000").await;
        let media_id = app.upload_photo(&villager_token, 1).await;
        let villager: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613600136000'")
            .fetch_one(app.db.reader()).await.unwrap();
        let rule: i64 = sqlx::query_scalar("SELECT id FROM point_rules WHERE code = 'garbage_sorting'")
            .fetch_one(app.db.reader()).await.unwrap();
        let claim: i64 = sqlx::query_scalar(
            "INSERT INTO point_claims (claimant_id, rule_id, points, note, village_code, region_code, status, created_at) \
             VALUES ($1, $2, 2, '垃圾分类', $3, $4, 'pending', 0) RETURNING id",
        )
        .bind(villager).bind(rule).bind(LIUCUN).bind(GRID)
        .fetch_one(app.db.writer()).await.unwrap();
        sqlx::query("INSERT INTO claim_photos (claim_id, media_id, position) VALUES ($1, $2, 0)")
            .bind(claim).bind(media_id)
            .execute(app.db.writer()).await.unwrap();
        let reviewers = [Role::GridWorker, Role::VillageAdmin, Role::TownshipAdmin, Role::CountyAdmin];
        let mut n = 0;
        let mut failures = Vec::new();
        for (i, who) in callers().into_iter().enumerate() {
            let token = token(&app, i, who).await;
            let expected = match who {
                Who::Anonymous => 401,
                Who::Inside(role) if reviewers.contains(&role) => 200,
                _ => 404,
            };
            for path in [api::GetMedia { id: media_id }.url_path(), api::GetMediaThumb { id: media_id }.url_path()] {
                n += 1;
                let mut request = app.client.get(app.url(&path));
                if let Some(token) = &token {
                    request = request.bearer_auth(token);
                }
                let status = request.send().await.unwrap().status().as_u16();
                if status != expected {
                    failures.push(format!("GET {path} as {who:?}: {status}, expected {expected}"));
                }
            }
        }
        assert!(failures.is_empty(), "{} of {n} calls answered wrongly:\n{}", failures.len(), failures.join("\n"));
        assert_eq!(n, 2 * 17);
    }
}
