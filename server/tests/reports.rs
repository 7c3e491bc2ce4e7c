//! The officials' overview (数据概览, `GET /admin/reports/overview`): a small county built
//! through the real API — claims approved and rejected after known review times, awards and a
//! deduction, a redemption handed over, a drop-off, service orders claimed within and past
//! the SLA and rated — with every figure and the CSV text checked for a village, its township
//! and the county, on both databases; and bad input answered 400/403/404 with codes.

mod common;

use jifen_shared::api;

use common::TestApp;
use jifen_shared::auth::Role;
use serde_json::{Value, json};

const LIUCUN: &str = "410783101230";
const DANIAN: &str = "410783101229";
const TOWNSHIP: &str = "410783101";
const NAOLI_VILLAGE: &str = "410783102201";
/// Shipped rules (migration 0012): 参加村民议事会 3, 孝老爱亲 5, 矛盾调解 5, 线上办事 1, 文明户 20.
const ASSEMBLY: i64 = 5;
const FILIAL: i64 = 4;
const MEDIATION: i64 = 7;
const SMART: i64 = 8;
const CIVILIZED: i64 = 9;
/// Shipped recycling categories (migration 0017): 废纸 2 points/kg, 金属 4.
const PAPER: i64 = 1;
const METAL: i64 = 3;
/// The shipped 代办跑腿 (5 points).
const ERRAND: i64 = 1;
const HOUR: i64 = 3_600_000;

struct Scene {
    county: String,
    township: String,
    village: String,
    villager: String,
}

async fn id_of(app: &TestApp, phone: &str) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT id FROM people WHERE phone = $1")
        .bind(format!("+86{phone}"))
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

async fn sql(app: &TestApp, statement: &str, a: i64, b: i64) {
    sqlx::query(statement)
        .bind(a)
        .bind(b)
        .execute(app.db.writer())
        .await
        .unwrap();
}

/// 柳村: 张三明 and 李四海 earn, 钱七 does not; 大碾村 (same township): 王五 is awarded 10;
/// 恼里镇: 赵六 earns nothing.
async fn scene(app: &TestApp) -> Scene {
    app.load_changyuan().await;
    let county = app
        .staff_token("13800138009", Role::CountyAdmin, "410783")
        .await;
    let township = app
        .staff_token("13800138000", Role::TownshipAdmin, TOWNSHIP)
        .await;
    let village = app
        .staff_token("13800138001", Role::VillageAdmin, LIUCUN)
        .await;
    let csv = format!(
        "name,phone,village_code,household\n\
         张三明,13900139001,{LIUCUN},0101\n\
         李四海,13900139002,{LIUCUN},0102\n\
         钱七,13900139007,{LIUCUN},0103\n\
         王五,13900139005,{DANIAN},0201\n\
         赵六,13900139006,{NAOLI_VILLAGE},0301\n"
    );
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    let zhang = app.villager_token("13900139001").await;
    let li = app.villager_token("13900139002").await;
    let (zhang_id, li_id, wang_id) = (
        id_of(app, "13900139001").await,
        id_of(app, "13900139002").await,
        id_of(app, "13900139005").await,
    );

    // Claims: two approved (after 1 h and 2 h), one rejected (after 30 min), one pending.
    let claim = |token: &str, rule: i64| {
        let token = token.to_owned();
        async move {
            let (status, c) = app
                .call(
                    &api::CreateClaim,
                    Some(&token),
                    &json!({"rule_id": rule, "note": "参加了", "photo_ids": []}),
                )
                .await;
            assert_eq!(status, 201, "{c}");
            c["id"].as_i64().unwrap()
        }
    };
    let assembly = claim(&zhang, ASSEMBLY).await;
    let filial = claim(&li, FILIAL).await;
    let mediation = claim(&zhang, MEDIATION).await;
    claim(&li, SMART).await;
    for id in [assembly, filial] {
        let (status, body) = app
            .call(&api::ApproveClaim { id }, Some(&village), &json!({}))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = app
        .call(
            &api::RejectClaimOf { id: mediation },
            Some(&village),
            &json!({"reason": "没有证明"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for (id, took) in [(assembly, HOUR), (filial, 2 * HOUR), (mediation, HOUR / 2)] {
        sql(
            app,
            "UPDATE point_claims SET created_at = reviewed_at - $2 WHERE id = $1",
            id,
            took,
        )
        .await;
    }

    // Awards: 文明户 by rule to 张三明 (20), 10 free points to 王五, 3 deducted from 李四海.
    for (body, who) in [
        (
            json!({"user_ids": [zhang_id], "rule_id": CIVILIZED}),
            "zhang",
        ),
        (
            json!({"user_ids": [wang_id], "points": 10, "reason": "帮扶邻里"}),
            "wang",
        ),
        (
            json!({"user_ids": [li_id], "points": -3, "reason": "乱堆乱放"}),
            "li",
        ),
    ] {
        let (status, r) = app.call(&api::Award, Some(&township), &body).await;
        assert_eq!(status, 201, "{who}: {r}");
    }

    // The shop: 张三明 redeems 10 points of goods, handed over; then drops off 2.5 kg of paper
    // (5 points) and 1.25 kg of metal (5 points).
    let (status, shop) = app
        .call(
            &api::CreateShop,
            Some(&township),
            &json!({"name": "柳村积分超市", "village_code": LIUCUN}),
        )
        .await;
    assert_eq!(status, 201, "{shop}");
    let shop = shop["id"].as_i64().unwrap();
    let keeper_id = app
        .staff(
            "13800138101",
            common::STAFF_PASSWORD,
            Role::Volunteer,
            LIUCUN,
        )
        .await;
    let (status, body) = app
        .call(
            &api::AddKeeper { id: shop },
            Some(&township),
            &json!({"user_id": keeper_id}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let keeper = app.login("13800138101", common::STAFF_PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, goods) = app
        .call(
            &api::CreateGoods { id: shop },
            Some(&township),
            &json!({"name": "食用盐", "points_price": 10, "market_price_fen": 300, "stock": 5}),
        )
        .await;
    assert_eq!(status, 201, "{goods}");
    let (status, r) = app
        .call(
            &api::Reserve,
            Some(&zhang),
            &json!({"shop_id": shop, "items": [{"goods_id": goods["id"], "qty": 1}]}),
        )
        .await;
    assert_eq!(status, 201, "{r}");
    let (status, r) = app
        .call(
            &api::FulfilRedemption {
                id: r["id"].as_i64().unwrap(),
            },
            Some(&keeper),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    let response = app
        .request(&api::DropOff)
        .token(&keeper)
        .idempotency_key("drop-off-1")
        .json(&json!({"shop_id": shop, "villager": {"phone": "13900139001"},
            "lines": [{"category_id": PAPER, "grams": 2500}, {"category_id": METAL, "grams": 1250}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status, 201, "{}", response.text());

    // Service orders: 张三明's errand, claimed at once by 李四海 (a volunteer), completed and
    // rated 5 stars (李四海 paid 5); another left open for 25 hours (past the 24 h SLA).
    let (status, body) = app
        .call(
            &api::GrantRole { id: li_id },
            Some(&village),
            &json!({"role": "volunteer", "region_code": LIUCUN}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let order = || async {
        let (status, o) = app
            .call(
                &api::CreateOrder,
                Some(&zhang),
                &json!({"type_id": ERRAND, "description": "帮忙到镇上代缴电费", "photo_ids": []}),
            )
            .await;
        assert_eq!(status, 201, "{o}");
        o["id"].as_i64().unwrap()
    };
    let done = order().await;
    let late = order().await;
    for (action, token, body) in [
        ("claim", &li, json!({})),
        ("complete", &li, json!({"note": "已代缴"})),
        ("rate", &zhang, json!({"stars": 5})),
    ] {
        let (status, o) = app.act_on_order(token, done, action, body).await;
        assert_eq!(status, 200, "{action}: {o}");
    }
    sql(
        app,
        "UPDATE service_orders SET created_at = created_at - $2 WHERE id = $1",
        late,
        25 * HOUR,
    )
    .await;
    app.assert_ledger_balanced().await;
    Scene {
        county,
        township,
        village,
        villager: zhang,
    }
}

/// The overview with `query` (`?` and all) as written: the tests ask with the queries an
/// official's browser or a hand-typed URL sends, in their order.
fn overview_of(query: &str) -> common::RawQuery<api::ReportOverview> {
    common::with_raw_query(
        api::ReportOverview {
            query: api::OverviewQuery::default(),
        },
        query,
    )
}

async fn overview(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, body) = app
        .fetch(&overview_of(&format!("?{query}")), Some(token))
        .await;
    assert_eq!(status, 200, "{query}: {body}");
    body
}

async fn csv(app: &TestApp, token: &str, query: &str) -> String {
    let response = app
        .request(&overview_of(&format!("?{query}&format=csv")))
        .token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.headers["content-type"], "text/csv; charset=utf-8");
    let bytes = response.body;
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark");
    String::from_utf8(bytes[3..].to_vec()).unwrap()
}

fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap())
        .date()
        .to_string()
}

db_tests! {
    async fn every_figure_of_a_village_its_township_and_the_county(app) {
        let s = scene(&app).await;
        let to = today();
        let o = overview(&app, &s.village, &format!("region_code={LIUCUN}")).await;
        assert_eq!(o["region_name"], "留村村委会");
        assert_eq!(o["level"], "village");
        assert_eq!(o["to"], to.as_str());
        let from: jiff::civil::Date = o["from"].as_str().unwrap().parse().unwrap();
        let to_date: jiff::civil::Date = to.parse().unwrap();
        assert_eq!(from.until(to_date).unwrap().get_days(), 29, "30 county days");
        assert!(o["period_end"].as_str().unwrap().ends_with('Z'));
        // Issued: claims 3 + 5, 文明户 20, recycling 10, the volunteer's reward 5.
        assert_eq!(
            o["points"],
            json!({"issued": 43, "deducted": 3, "spent": 10, "outstanding": 30,
                   "villagers": 3, "earners": 2, "participation": 0.6667})
        );
        assert_eq!(
            o["claims"],
            json!({"pending": 1, "submitted": 4, "approved": 2, "rejected": 1,
                   "average_review_ms": 4_200_000})
        );
        assert_eq!(
            o["orders"],
            json!({"placed": 2, "open": 1, "claimed": 0, "completed": 1, "cancelled": 0,
                   "sla_hours": 24, "sla_judged": 2, "within_sla": 1, "within_sla_share": 0.5})
        );
        assert_eq!(
            o["ratings"],
            json!({"good": 1, "neutral": 0, "bad": 0, "automatic": 0, "average_stars": 5.0})
        );
        assert_eq!(
            o["recycling"],
            json!([
                {"category_id": PAPER, "code": "paper", "name": "废纸", "grams": 2500, "points": 5},
                {"category_id": METAL, "code": "metal", "name": "金属", "grams": 1250, "points": 5},
            ])
        );
        assert_eq!(
            o["rules"],
            json!([
                {"rule_id": CIVILIZED, "code": "civilized_household", "name": "文明户", "points": 20, "count": 1},
                {"rule_id": FILIAL, "code": "filial_piety", "name": "孝老爱亲", "points": 5, "count": 1},
                {"rule_id": ASSEMBLY, "code": "village_assembly", "name": "参加村民议事会", "points": 3, "count": 1},
            ])
        );
        assert_eq!(o["regions"], json!([]));

        // The township: 大碾村's 王五 was issued 10 more; every village is listed.
        let o = overview(&app, &s.township, &format!("region_code={TOWNSHIP}&to={to}")).await;
        assert_eq!(o["region_name"], "樊相镇");
        assert_eq!(
            o["points"],
            json!({"issued": 53, "deducted": 3, "spent": 10, "outstanding": 40,
                   "villagers": 4, "earners": 3, "participation": 0.75})
        );
        let regions = o["regions"].as_array().unwrap();
        assert_eq!(regions.len(), 37);
        let find = |code: &str| regions.iter().find(|r| r["region_code"] == code).unwrap().clone();
        assert_eq!(
            find(DANIAN),
            json!({"region_code": DANIAN, "region_name": "大碾村委会", "issued": 10, "deducted": 0,
                   "spent": 0, "outstanding": 10, "villagers": 1, "earners": 1, "participation": 1.0})
        );
        assert_eq!(find(LIUCUN)["outstanding"], 30);
        assert_eq!(find("410783101201")["participation"], Value::Null);
        assert_eq!(o["claims"]["approved"], 2);
        assert_eq!(o["rules"].as_array().unwrap().len(), 3);

        // The county: 19 townships; 恼里镇 has a villager who earned nothing.
        let o = overview(&app, &s.county, "region_code=410783").await;
        assert_eq!(o["points"]["villagers"], 5);
        assert_eq!(o["points"]["earners"], 3);
        assert_eq!(o["points"]["participation"], 0.6);
        assert_eq!(o["points"]["outstanding"], 40);
        let regions = o["regions"].as_array().unwrap();
        assert_eq!(regions.len(), 19);
        assert_eq!(regions[0]["region_code"], "410783001", "by code");
        assert_eq!(regions[6]["region_code"], TOWNSHIP);
        assert_eq!(regions[6]["issued"], 53);
        assert_eq!(regions[7]["region_code"], "410783102");
        assert_eq!(
            (regions[7]["villagers"].clone(), regions[7]["earners"].clone(), regions[7]["participation"].clone()),
            (json!(1), json!(0), json!(0.0))
        );
        assert_eq!(o["orders"]["placed"], 2);
        assert_eq!(o["ratings"]["good"], 1);
        assert_eq!(o["recycling"].as_array().unwrap().len(), 2);

        // A past period: nothing issued yet, nothing held at its end; claims pending now.
        let o = overview(&app, &s.county, "region_code=410783&from=2025-01-01&to=2025-01-31").await;
        assert_eq!(
            o["points"],
            json!({"issued": 0, "deducted": 0, "spent": 0, "outstanding": 0,
                   "villagers": 5, "earners": 0, "participation": 0.0})
        );
        assert_eq!(o["period_start"], "2024-12-31T16:00:00Z");
        assert_eq!(o["period_end"], "2025-01-31T16:00:00Z");
        assert_eq!(o["claims"], json!({"pending": 1, "submitted": 0, "approved": 0, "rejected": 0, "average_review_ms": null}));
        assert_eq!(o["orders"]["placed"], 0);
        assert_eq!(o["orders"]["within_sla_share"], Value::Null);
        assert_eq!(o["ratings"]["average_stars"], Value::Null);
        assert_eq!(o["recycling"], json!([]));
        assert_eq!(o["rules"], json!([]));
        // A leap year's 366 days are allowed.
        overview(&app, &s.county, "region_code=410783&from=2024-01-01&to=2024-12-31").await;
    }

    async fn each_table_downloads_as_csv(app) {
        let s = scene(&app).await;
        let to = today();
        let o = overview(&app, &s.village, &format!("region_code={LIUCUN}&to={to}")).await;
        let from = o["from"].as_str().unwrap().to_owned();
        let lead = format!("{LIUCUN},留村村委会,{from},{to}");
        let q = |table: &str| format!("region_code={LIUCUN}&to={to}&table={table}");
        let head = "区划代码 Region code,区划 Region,起 From,止 To";
        assert_eq!(
            csv(&app, &s.village, &q("points")).await,
            format!("{head},发放积分 Issued,扣减积分 Deducted,兑换积分 Spent,结余积分 Outstanding,\
                     村民数 Villagers,获分人数 Earners,参与率 Participation\n\
                     {lead},43,3,10,30,3,2,0.6667\n")
        );
        assert_eq!(
            csv(&app, &s.village, &q("claims")).await,
            format!("{head},待审核 Pending now,新申报 Submitted,已通过 Approved,已驳回 Rejected,\
                     平均审核用时（毫秒）Average review (ms)\n{lead},1,4,2,1,4200000\n")
        );
        assert_eq!(
            csv(&app, &s.village, &q("orders")).await,
            format!("{head},下单 Placed,待接单 Open,服务中 Claimed,已完成 Completed,已取消 Cancelled,\
                     时限（小时）SLA (hours),计入时限 Judged,按时接单 Within SLA,按时接单率 Within SLA share\n\
                     {lead},2,1,0,1,0,24,2,1,0.5\n")
        );
        assert_eq!(
            csv(&app, &s.village, &q("ratings")).await,
            format!("{head},好评 Good,中评 Neutral,差评 Bad,默认中评 Automatic,平均星级 Average stars\n\
                     {lead},1,0,0,0,5\n")
        );
        assert_eq!(
            csv(&app, &s.village, &q("recycling")).await,
            format!("{head},品类代码 Category code,品类 Category,重量（克）Grams,重量（千克）Kilograms,积分 Points\n\
                     {lead},paper,废纸,2500,2.500,5\n{lead},metal,金属,1250,1.250,5\n")
        );
        assert_eq!(
            csv(&app, &s.village, &q("rules")).await,
            format!("{head},事项代码 Rule code,积分事项 Rule,积分 Points,次数 Count\n\
                     {lead},civilized_household,文明户,20,1\n{lead},filial_piety,孝老爱亲,5,1\n\
                     {lead},village_assembly,参加村民议事会,3,1\n")
        );
        // A village has no regions below it: the header alone.
        assert_eq!(
            csv(&app, &s.village, &q("regions")).await.lines().count(),
            1
        );
        let text = csv(&app, &s.township, &format!("region_code={TOWNSHIP}&to={to}&table=regions")).await;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 38);
        assert!(lines[0].starts_with(&format!("{head},下级区划代码 Child code,下级区划 Child region,发放积分 Issued")));
        assert!(lines.contains(&format!("{TOWNSHIP},樊相镇,{from},{to},{DANIAN},大碾村委会,10,0,0,10,1,1,1").as_str()), "{text}");
        assert!(lines.contains(&format!("{TOWNSHIP},樊相镇,{from},{to},{LIUCUN},留村村委会,43,3,10,30,3,2,0.6667").as_str()), "{text}");
    }

    async fn bad_input_is_refused_with_codes_never_500(app) {
        let s = scene(&app).await;
        let ask = |token: &str, query: &str| {
            let token = token.to_owned();
            let query = query.to_owned();
            let app = &app;
            async move {
                app.fetch(&overview_of(&format!("?{query}")), Some(&token)).await
            }
        };
        for query in [
            format!("region_code={LIUCUN}&from=2026-02-30"),
            format!("region_code={LIUCUN}&to=2026-13-01"),
            format!("region_code={LIUCUN}&from=2026/01/01"),
            format!("region_code={LIUCUN}&from=1999-12-31"),
            format!("region_code={LIUCUN}&from=2026-03-02&to=2026-03-01"),
            format!("region_code={LIUCUN}&from=2025-01-01&to=2026-01-02"),
            format!("region_code={LIUCUN}-001"),
            "region_code=abc".into(),
            "region_code=41".into(),
            format!("region_code={LIUCUN}&format=xml"),
            format!("region_code={LIUCUN}&format=csv"),
            format!("region_code={LIUCUN}&format=csv&table=people"),
        ] {
            let (status, body) = ask(&s.county, &query).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{query}: {body}");
        }
        assert_eq!(app.fetch(&overview_of(""), Some(&s.county)).await.0, 400);
        // An unknown village inside the county: 404 to its admin.
        let (status, body) = ask(&s.county, "region_code=410783101999").await;
        assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");
        // Not an admin of the region: 403.
        for (token, query) in [
            (&s.villager, format!("region_code={LIUCUN}")),
            (&s.village, format!("region_code={TOWNSHIP}")),
            (&s.village, format!("region_code={DANIAN}")),
            (&s.township, "region_code=410783".into()),
            (&s.township, format!("region_code={NAOLI_VILLAGE}")),
            (&s.county, "region_code=410782".into()),
        ] {
            let (status, body) = ask(token, &query).await;
            assert_eq!((status, body["code"].as_str()), (403, Some("forbidden")), "{query}: {body}");
        }
        let (status, body) = app.fetch(&api::ReportOverview { query: api::OverviewQuery { region_code: LIUCUN.to_string(), ..Default::default() } }, None).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("unauthenticated")));
    }
}
