//! Villagers without a smartphone (issue 19): registered without a phone, member cards
//! (printed, replaced when lost), 代办员 acting for them by card — claims, reservations,
//! orders and ratings, each with a receipt, an audit row and both names in the history —
//! within the county's daily limits under parallel requests, family delegates, and the second
//! person who checks every proxy act. On both databases, the ledger's invariants at the end.

mod common;

use std::time::Duration;

use common::TestApp;
use jifen_shared::api;
use jifen_shared::auth::Role;
use jifen_shared::proxy::ACTING_FOR_HEADER;
use serde_json::{Value, json};

const LIUCUN: &str = "410783101230";
const TOWNSHIP: &str = "410783101";
const COUNTY: &str = "410783";
const FILIAL: i64 = 4;
const ERRAND: i64 = 1;

/// 柳村: a township and a village admin, a shop with a keeper, and the 王 household — 王桂英
/// (no phone, born 1948) and her son 王建国 (a phone) — beside 李四海's household.
struct Scene {
    township: String,
    admin: String,
    shop: i64,
    oil: i64,
    keeper: String,
    elder: i64,
    son: i64,
    son_token: String,
    li: i64,
    li_token: String,
}

async fn id_of(app: &TestApp, name: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM people WHERE name = $1")
        .bind(name)
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

async fn scene(app: &TestApp) -> Scene {
    app.load_changyuan().await;
    let township = app
        .staff_token("13700137101", Role::TownshipAdmin, TOWNSHIP)
        .await;
    let admin = app
        .staff_token("13700137102", Role::VillageAdmin, LIUCUN)
        .await;
    let csv = format!(
        "name,phone,village_code,household,birth_year\n\
         王桂英,,{LIUCUN},0103,1948\n\
         王建国,13900139301,{LIUCUN},0103,1975\n\
         李四海,13900139302,{LIUCUN},0102,\n"
    );
    let report =
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
            .await
            .unwrap();
    assert_eq!((report.created, report.errors.len()), (3, 0), "{report:?}");
    let (status, shop) = app
        .call(
            &api::CreateShop,
            Some(&township),
            &json!({"name": "柳村积分超市", "village_code": LIUCUN}),
        )
        .await;
    assert_eq!(status, 201, "{shop}");
    let shop = shop["id"].as_i64().unwrap();
    let (status, oil) = app
        .call(
            &api::CreateGoods { id: shop },
            Some(&township),
            &json!({"name": "食用油", "points_price": 30, "market_price_fen": 1500, "stock": 20}),
        )
        .await;
    assert_eq!(status, 201, "{oil}");
    let keeper_id = app
        .staff(
            "13700137103",
            common::STAFF_PASSWORD,
            Role::Volunteer,
            LIUCUN,
        )
        .await;
    let (status, _) = app
        .call(
            &api::AddKeeper { id: shop },
            Some(&township),
            &json!({"user_id": keeper_id}),
        )
        .await;
    assert_eq!(status, 200);
    Scene {
        keeper: app.login("13700137103", common::STAFF_PASSWORD).await["access_token"]
            .as_str()
            .unwrap()
            .to_owned(),
        elder: id_of(app, "王桂英").await,
        son: id_of(app, "王建国").await,
        son_token: app.villager_token("13900139301").await,
        li: id_of(app, "李四海").await,
        li_token: app.villager_token("13900139302").await,
        oil: oil["id"].as_i64().unwrap(),
        shop,
        township,
        admin,
    }
}

/// The points `person` may spend.
async fn balance_of(app: &TestApp, person: i64) -> i64 {
    jifen_server::points::balance(&app.db, person)
        .await
        .unwrap()
        .available
}

/// A signed-in staff account holding `role` over 柳村 and the 代办员 role granted by the
/// township admin; answers (id, token).
async fn agent(app: &TestApp, s: &Scene, phone: &str, role: Role) -> (i64, String) {
    let id = app.staff(phone, common::STAFF_PASSWORD, role, LIUCUN).await;
    grant(app, &s.township, id, "proxy_agent").await;
    let token = app.login(phone, common::STAFF_PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (id, token)
}

async fn grant(app: &TestApp, by: &str, id: i64, role: &str) {
    let (status, body) = app
        .call(
            &api::GrantRole { id },
            Some(by),
            &json!({"role": role, "region_code": LIUCUN}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// The printed card of `person` (a number is given on first print).
async fn card(app: &TestApp, admin: &str, person: i64) -> Value {
    let (status, cards) = app
        .call(
            &api::PrintMemberCards,
            Some(admin),
            &json!({"person_ids": [person]}),
        )
        .await;
    assert_eq!(status, 200, "{cards}");
    cards[0].clone()
}

/// Opens a proxy session as `token` with `body`; (status, answer).
async fn open(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.call(&api::OpenProxy, Some(token), &body).await
}

/// `endpoint` sent as the agent of `token` acting under `session` (its token), with a JSON
/// body (null: none) and a fresh Idempotency-Key.
async fn acting<E: jifen_shared::api::Endpoint>(
    app: &TestApp,
    token: &str,
    session: &str,
    endpoint: &E,
    body: Value,
) -> (u16, Value) {
    static KEYS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let key = KEYS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut request = app
        .request(endpoint)
        .token(token)
        .header(ACTING_FOR_HEADER, session)
        .idempotency_key(&format!("proxy-{key}"));
    if !body.is_null() {
        request = request.json(&body);
    }
    let answer = request.send().await.unwrap();
    (answer.status, answer.json())
}

/// The receipts texted so far, waiting up to 5 s for `count` of them (they are sent after
/// the answer).
async fn receipts(app: &TestApp, count: usize) -> Vec<(String, String)> {
    for _ in 0..100 {
        let sent = app.sms.receipts.lock().unwrap().clone();
        if sent.len() >= count {
            return sent;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    app.sms.receipts.lock().unwrap().clone()
}

db_tests! {
    async fn a_villager_without_a_phone_takes_part_through_a_proxy(app) {
        let s = scene(&app).await;
        // Registered without a phone: listed with none, with her birth year.
        let (status, elder) = app.fetch(&api::GetPerson { id: s.elder }, Some(&s.admin)).await;
        assert_eq!(status, 200, "{elder}");
        assert_eq!((elder["phone"].clone(), elder["birth_year"].as_i64()), (Value::Null, Some(1948)));
        // The form: without a phone a 户号 is needed; with one, a second elder is registered.
        let (status, body) = app.call(&api::CreatePerson, Some(&s.admin),
            &json!({"name": "赵大娘", "village_code": LIUCUN})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");
        let (status, zhao) = app.call(&api::CreatePerson, Some(&s.admin),
            &json!({"name": "赵大娘", "village_code": LIUCUN, "household": "0109", "birth_year": 1940})).await;
        assert_eq!((status, zhao["phone"].clone()), (201, Value::Null), "{zhao}");
        let (status, again) = app.call(&api::CreatePerson, Some(&s.admin),
            &json!({"name": "赵大娘", "village_code": LIUCUN, "household": "0109"})).await;
        assert_eq!((status, again["code"].as_str()), (409, Some("already_exists")));
        let (status, taken) = app.call(&api::CreatePerson, Some(&s.admin),
            &json!({"name": "冒名", "phone": "139 0013 9302", "village_code": LIUCUN})).await;
        assert_eq!((status, taken["code"].as_str()), (409, Some("phone_taken")));
        // Her card: a 10-digit number with a check digit, the member code as its QR.
        let card = card(&app, &s.admin, s.elder).await;
        let card_no = card["card_no"].as_str().unwrap().to_owned();
        assert_eq!(jifen_shared::proxy::normalize_card_no(&card_no).as_deref(), Some(card_no.as_str()));
        assert!(card["token"].as_str().unwrap().starts_with("JFM1."));
        assert_eq!((card["name"].as_str(), card["village_name"].as_str()), (Some("王桂英"), Some("留村村委会")));
        // Printing again gives the same card.
        assert_eq!(self::card(&app, &s.admin, s.elder).await, card);
        app.award(&s.admin, &[s.elder], 100, "敬老").await.unwrap();

        // The village admin is also a 代办员; the keeper too (another person).
        let (agent_id, agent) = agent(&app, &s, "13700137104", Role::GridWorker).await;
        let _ = agent_id;
        let (status, session) = open(&app, &agent, json!({"member_code": card["token"]})).await;
        assert_eq!(status, 201, "{session}");
        assert_eq!((session["kind"].as_str(), session["person_name"].as_str(), session["balance"].as_i64()),
                   (Some("card"), Some("王桂英"), Some(100)));
        assert_eq!(session["allowance"], json!({"actions_left": 5, "points_left": 200}));
        let token = session["token"].as_str().unwrap().to_owned();
        // As her: her /me (villager role only, 长辈模式 by default at 78), her balance.
        let (status, me) = acting(&app, &agent, &token, &api::GetMe, Value::Null).await;
        assert_eq!(status, 200, "{me}");
        assert_eq!((me["id"].as_i64(), me["phone_masked"].clone(), me["elder_default"].as_bool()),
                   (Some(s.elder), Value::Null, Some(true)));
        assert_eq!(me["roles"], json!([{"role": "villager", "region_code": LIUCUN}]));
        // Nothing else answers under the header.
        let query = api::ListPeople { query: api::PeopleQuery::default() };
        let (status, _) = acting(&app, &agent, &token, &query, Value::Null).await;
        assert_eq!(status, 403);

        // A claim with a photo taken for her.
        let (status, photo) = {
            let (form_type, body) = common::multipart_form("file", "p.jpg", "image/jpeg", &common::small_jpeg(3));
            let r = app.request(&api::UploadMedia).token(&agent).header(ACTING_FOR_HEADER, &token)
                .bytes(&form_type, body).send().await.unwrap();
            (r.status, r.json())
        };
        assert_eq!(status, 201, "{photo}");
        let (status, claim) = acting(&app, &agent, &token, &api::CreateClaim,
            json!({"rule_id": FILIAL, "note": "照顾孙子上学", "photo_ids": [photo["id"]]})).await;
        assert_eq!(status, 201, "{claim}");
        assert_eq!((claim["claimant_id"].as_i64(), claim["proxy"]["agent_name"].as_str(), claim["proxy"]["kind"].as_str()),
                   (Some(s.elder), Some("测*员"), Some("card")));
        let claim_receipt = claim["proxy"]["receipt_no"].as_str().unwrap().to_owned();
        // Who made it for her does not review it; the village admin does.
        let (status, refused) = app.fetch(&api::ApproveClaim { id: claim["id"].as_i64().unwrap() }, Some(&agent)).await;
        assert_eq!((status, refused["code"].as_str()), (403, Some("own_proxy_action")), "{refused}");
        let (status, approved) = app.fetch(&api::ApproveClaim { id: claim["id"].as_i64().unwrap() }, Some(&s.admin)).await;
        assert_eq!(status, 200, "{approved}");

        // 食用油 reserved for her: 30 points; the receipt texted to her son's phone.
        let (status, redemption) = acting(&app, &agent, &token, &api::Reserve,
            json!({"shop_id": s.shop, "items": [{"goods_id": s.oil, "qty": 1}]})).await;
        assert_eq!(status, 201, "{redemption}");
        let receipt_no = redemption["proxy"]["receipt_no"].as_str().unwrap().to_owned();
        let sent = receipts(&app, 2).await;
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert_eq!(sent[1], ("+8613900139301".to_owned(),
            format!("您的 30 积分已兑换 食用油 ×1，代办员 测*员，编号 {receipt_no}")));
        // The keeper hands it over on the reservation's QR.
        let qr = redemption["qr_token"].as_str().unwrap();
        let (status, scanned) = app.call(&api::Scan, Some(&s.keeper), &json!({"qr_token": qr})).await;
        assert_eq!(status, 200, "{scanned}");
        let (status, done) = app.fetch(&api::FulfilRedemption { id: redemption["id"].as_i64().unwrap() }, Some(&s.keeper)).await;
        assert_eq!((status, done["status"].as_str()), (200, Some("fulfilled")), "{done}");
        assert_eq!(app.available_points(&s.son_token).await, 0, "her son's points are his own");

        // The receipt: to the agent, to her son (of her household: its SMS came to his phone),
        // to no neighbour.
        let path = api::ProxyReceiptOf { receipt_no: receipt_no.clone() };
        let (status, receipt) = app.fetch(&path, Some(&agent)).await;
        assert_eq!(status, 200, "{receipt}");
        assert_eq!((receipt["action"].as_str(), receipt["summary"].as_str(), receipt["points"].as_i64(),
                    receipt["person_name"].as_str(), receipt["sms_to"].as_str()),
                   (Some("redemption"), Some("食用油 ×1"), Some(30), Some("王*英"), Some("139****9301")));
        assert_eq!(app.fetch(&path, Some(&s.li_token)).await.0, 404);
        assert_eq!(app.fetch(&path, Some(&s.son_token)).await.0, 200);
        // The receipt number finds the act in the audit log.
        let audit = api::AuditLog { query: api::AuditQuery { region_code: Some(LIUCUN.into()),
            target: Some(receipt_no.to_lowercase()), ..Default::default() } };
        let (status, found) = app.fetch(&audit, Some(&s.admin)).await;
        assert_eq!(status, 200, "{found}");
        let items = found["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{found}");
        assert_eq!((items[0]["action"].as_str(), items[0]["after"]["person"].as_i64()),
                   (Some("proxy.redemption"), Some(s.elder)));

        // Her history shows both: the award, the claim (代办), the redemption (代办).
        let (status, history) = acting(&app, &agent, &token, &api::PointsHistory { query: Default::default() }, Value::Null).await;
        assert_eq!(status, 200, "{history}");
        let entries: Vec<(i64, Option<&str>)> = history["items"].as_array().unwrap().iter()
            .map(|e| (e["amount"].as_i64().unwrap(), e["proxy"]["receipt_no"].as_str())).collect();
        let filial = approved["points"].as_i64().unwrap();
        assert_eq!(entries, [(-30, Some(receipt_no.as_str())), (filial, Some(claim_receipt.as_str())), (100, None)]);
        // The board shows the claim's movement done by proxy.
        let (_, board) = app.fetch(&api::VillageBoard { code: LIUCUN.into() }, None).await;
        let movement = board["movements"].as_array().unwrap().iter()
            .find(|m| m["points"].as_i64() == Some(filial)).unwrap();
        assert_eq!(movement["proxy"]["agent_name"].as_str(), Some("测*员"));

        // An order for her, and its rating after she told the agent.
        let (status, order) = acting(&app, &agent, &token, &api::CreateOrder,
            json!({"type_id": ERRAND, "description": "帮忙到镇上取药", "photo_ids": []})).await;
        assert_eq!(status, 201, "{order}");
        assert!(order["proxy"]["receipt_no"].is_string());
        let order_id = order["id"].as_i64().unwrap();
        // 李四海, a volunteer and a 代办员 too: an order he makes for her is not his to serve,
        // and one he served is not his to rate for her.
        grant(&app, &s.township, s.li, "volunteer").await;
        grant(&app, &s.township, s.li, "proxy_agent").await;
        let (status, li_session) = open(&app, &s.li_token, json!({"person_id": s.elder})).await;
        assert_eq!(status, 201, "{li_session}");
        let li_acting = li_session["token"].as_str().unwrap().to_owned();
        let (status, his_order) = acting(&app, &s.li_token, &li_acting, &api::CreateOrder,
            json!({"type_id": ERRAND, "description": "帮忙买米", "photo_ids": []})).await;
        assert_eq!(status, 201, "{his_order}");
        let (status, refused) = app.act_on_order(&s.li_token, his_order["id"].as_i64().unwrap(), "claim", Value::Null).await;
        assert_eq!((status, refused["code"].as_str()), (403, Some("own_proxy_action")), "{refused}");
        assert_eq!(app.act_on_order(&s.li_token, order_id, "claim", Value::Null).await.0, 200);
        let (status, completed) = app.act_on_order(&s.li_token, order_id, "complete", json!({"note": "药已送到", "photo_ids": []})).await;
        assert_eq!(status, 200, "{completed}");
        let (status, refused) = acting(&app, &s.li_token, &li_acting, &api::RateOrder { id: order_id },
            json!({"stars": 5, "comment": "很及时"})).await;
        assert_eq!((status, refused["code"].as_str()), (403, Some("own_proxy_action")), "{refused}");
        let (status, rated) = acting(&app, &agent, &token, &api::RateOrder { id: order_id },
            json!({"stars": 5, "comment": "很及时"})).await;
        assert_eq!(status, 200, "{rated}");
        assert!(rated["rating"]["proxy"]["receipt_no"].is_string(), "{rated}");
        // The volunteer's reward refers to the order too: it is his, not done by a proxy.
        let (_, his) = app.fetch(&api::PointsHistory { query: Default::default() }, Some(&s.li_token)).await;
        let reward = his["items"].as_array().unwrap().iter()
            .find(|e| e["reference"].as_str() == Some(&format!("order:{order_id}"))).unwrap();
        assert_eq!(reward.get("proxy"), None, "{reward}");
        // Every act: an audit row and a receipt; five acts counted today.
        let acts: Vec<String> = sqlx::query_scalar(
            "SELECT action FROM audit_log WHERE action LIKE 'proxy.%' ORDER BY id")
            .fetch_all(app.db.reader()).await.unwrap();
        assert_eq!(acts, ["proxy.open", "proxy.claim", "proxy.redemption", "proxy.order", "proxy.open", "proxy.order", "proxy.rating"]);
        let counted: (i64, i64) = sqlx::query_as("SELECT actions, points FROM proxy_days WHERE person_id = $1")
            .bind(s.elder).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(counted, (5, 30));
        // Ending the session ends it.
        let (status, _) = app.fetch(&api::EndProxy { id: session["id"].as_i64().unwrap() }, Some(&agent)).await;
        assert_eq!(status, 204);
        let (status, ended) = acting(&app, &agent, &token, &api::GetBalance, Value::Null).await;
        assert_eq!((status, ended["code"].as_str()), (401, Some("proxy_session_ended")));
        app.assert_ledger_balanced().await;
    }

    async fn the_proxy_who_reserved_does_not_hand_over(app) {
        let s = scene(&app).await;
        let card = card(&app, &s.admin, s.elder).await;
        app.award(&s.admin, &[s.elder], 100, "敬老").await.unwrap();
        // The keeper is also a 代办员: reserves for her, may not hand it over.
        let keeper_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613700137103'")
            .fetch_one(app.db.reader()).await.unwrap();
        grant(&app, &s.township, keeper_id, "proxy_agent").await;
        let (status, session) = open(&app, &s.keeper, json!({"card_no": card["card_no"]})).await;
        assert_eq!(status, 201, "{session}");
        let token = session["token"].as_str().unwrap();
        let (status, redemption) = acting(&app, &s.keeper, token, &api::Reserve,
            json!({"shop_id": s.shop, "items": [{"goods_id": s.oil, "qty": 2}]})).await;
        assert_eq!(status, 201, "{redemption}");
        let qr = redemption["qr_token"].as_str().unwrap();
        // The slip carries the pickup code, to the agent; not to staff who only read it.
        let receipt = api::ProxyReceiptOf { receipt_no: redemption["proxy"]["receipt_no"].as_str().unwrap().into() };
        let (_, slip) = app.fetch(&receipt, Some(&s.keeper)).await;
        assert_eq!((slip["pickup"]["short_code"].clone(), slip["pickup"]["qr_token"].as_str()),
                   (redemption["short_code"].clone(), Some(qr)), "{slip}");
        let (_, read) = app.fetch(&receipt, Some(&s.admin)).await;
        assert_eq!((read["receipt_no"].clone(), read.get("pickup")), (slip["receipt_no"].clone(), None));
        let (status, refused) = app.call(&api::Scan, Some(&s.keeper), &json!({"qr_token": qr})).await;
        assert_eq!((status, refused["code"].as_str()), (403, Some("own_proxy_action")), "{refused}");
        let id = redemption["id"].as_i64().unwrap();
        let (status, refused) = app.fetch(&api::FulfilRedemption { id }, Some(&s.keeper)).await;
        assert_eq!((status, refused["code"].as_str()), (403, Some("own_proxy_action")));
        let (status, refused) = app.call(&api::Scan, Some(&s.keeper), &json!({"card_no": card["card_no"]})).await;
        assert_eq!((status, refused["code"].as_str()), (403, Some("own_proxy_action")), "by her card: {refused}");
        // What another 代办员 reserved for her, he finds by her card and hands over.
        let (_, other_agent) = agent(&app, &s, "13700137111", Role::Volunteer).await;
        let (status, other_session) = open(&app, &other_agent, json!({"card_no": card["card_no"]})).await;
        assert_eq!(status, 201, "{other_session}");
        let (status, second) = acting(&app, &other_agent, other_session["token"].as_str().unwrap(), &api::Reserve,
            json!({"shop_id": s.shop, "items": [{"goods_id": s.oil, "qty": 1}]})).await;
        assert_eq!(status, 201, "{second}");
        let (status, found) = app.call(&api::Scan, Some(&s.keeper), &json!({"card_no": card["card_no"]})).await;
        assert_eq!((status, found["id"].as_i64()), (200, second["id"].as_i64()), "skips his own: {found}");
        let (status, _) = app.fetch(&api::FulfilRedemption { id: second["id"].as_i64().unwrap() }, Some(&s.keeper)).await;
        assert_eq!(status, 200);
        // Another keeper of the shop hands it over when she shows her card (its QR, or its
        // number typed in): the slip is not needed.
        let other = app.staff("13700137105", common::STAFF_PASSWORD, Role::Volunteer, LIUCUN).await;
        assert_eq!(app.call(&api::AddKeeper { id: s.shop }, Some(&s.township), &json!({"user_id": other})).await.0, 200);
        let other = app.login("13700137105", common::STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
        for by_card in [json!({"qr_token": card["token"]}), json!({"card_no": card["card_no"]})] {
            let (status, found) = app.call(&api::Scan, Some(&other), &by_card).await;
            assert_eq!((status, found["id"].as_i64(), found["villager_name"].as_str()), (200, Some(id), Some("王*英")), "{found}");
        }
        let (status, refused) = app.call(&api::Scan, Some(&other), &json!({"card_no": "1234567890"})).await;
        assert_eq!((status, refused["code"].as_str()), (400, Some("invalid_input")), "a wrong check digit: {refused}");
        let (status, done) = app.fetch(&api::FulfilRedemption { id }, Some(&other)).await;
        assert_eq!((status, done["status"].as_str(), done["proxy"]["kind"].as_str()), (200, Some("fulfilled"), Some("card")));
        let (_, slip) = app.fetch(&receipt, Some(&s.keeper)).await;
        assert_eq!(slip.get("pickup"), None, "collected: nothing left to pick up");
        let (status, none) = app.call(&api::Scan, Some(&other), &json!({"qr_token": card["token"]})).await;
        assert_eq!((status, none["message"].as_str()), (404, Some("this villager has nothing reserved to collect")), "{none}");
        assert_eq!(balance_of(&app, s.elder).await, 10);
        // Her account closed, her card says so (not "lost"), wherever it is shown.
        let (status, closed) = app.call(&api::ClosePerson { id: s.elder }, Some(&s.admin), &json!({"reason": "deceased", "seen_points": 10})).await;
        assert_eq!(status, 200, "{closed}");
        let (status, refused) = app.call(&api::Scan, Some(&other), &json!({"card_no": card["card_no"]})).await;
        assert_eq!((status, refused["code"].as_str()), (409, Some("person_closed")), "{refused}");
        let (status, refused) = open(&app, &other_agent, json!({"card_no": card["card_no"]})).await;
        assert_eq!((status, refused["code"].as_str()), (409, Some("person_closed")), "{refused}");
        let (status, refused) = app.call(&api::Identify, Some(&other),
            &json!({"shop_id": s.shop, "villager": {"member_code": card["token"]}})).await;
        assert_eq!((status, refused["code"].as_str()), (409, Some("person_closed")), "{refused}");
        app.assert_ledger_balanced().await;
    }

    async fn limits_hold_under_ten_parallel_proxy_requests(app) {
        let s = scene(&app).await;
        let county = app.staff_token("13700137106", Role::CountyAdmin, COUNTY).await;
        let path = api::SetAssistance { county_code: COUNTY.into() };
        for bad in [json!({"proxy_daily_actions": 51, "proxy_daily_points": 10, "elder_age": 70}),
                    json!({"proxy_daily_actions": 3, "proxy_daily_points": -1, "elder_age": 70}),
                    json!({"proxy_daily_actions": 3, "proxy_daily_points": 10, "elder_age": 121})] {
            assert_eq!(app.call(&path, Some(&county), &bad).await.0, 400, "{bad}");
        }
        assert_eq!(app.call(&path, Some(&s.admin), &json!({"proxy_daily_actions": 9, "proxy_daily_points": 999, "elder_age": 70})).await.0, 403);
        let (status, set) = app.call(&path, Some(&county), &json!({"proxy_daily_actions": 3, "proxy_daily_points": 50, "elder_age": 80})).await;
        assert_eq!(status, 200, "{set}");
        let (_, read) = app.fetch(&api::AssistanceOf { county_code: COUNTY.into() }, Some(&s.admin)).await;
        assert_eq!(read, set);
        let card = card(&app, &s.admin, s.elder).await;
        app.award(&s.admin, &[s.elder], 200, "敬老").await.unwrap();
        let (_, agent) = agent(&app, &s, "13700137107", Role::Volunteer).await;
        let (status, session) = open(&app, &agent, json!({"member_code": card["token"]})).await;
        assert_eq!(status, 201, "{session}");
        assert_eq!(session["allowance"], json!({"actions_left": 3, "points_left": 50}));
        let token = session["token"].as_str().unwrap().to_owned();
        // Ten reservations of 10 points at once: three pass, seven are refused, nothing else moves.
        let cheap = {
            let (status, goods) = app.call(&api::CreateGoods { id: s.shop }, Some(&s.township),
                &json!({"name": "洗衣粉", "points_price": 10, "market_price_fen": 500, "stock": 50})).await;
            assert_eq!(status, 201);
            goods["id"].as_i64().unwrap()
        };
        let answers = futures_util::future::join_all((0..10).map(|_| acting(&app, &agent, &token, &api::Reserve,
            json!({"shop_id": s.shop, "items": [{"goods_id": cheap, "qty": 1}]})))).await;
        let mut codes: Vec<String> = answers.iter()
            .map(|(status, body)| body["code"].as_str().map_or(status.to_string(), str::to_owned)).collect();
        codes.sort();
        let mut expected = vec!["201".to_owned(); 3];
        expected.extend(vec!["proxy_limit_reached".to_owned(); 7]);
        expected.sort();
        assert_eq!(codes, expected, "{answers:?}");
        assert_eq!(balance_of(&app, s.elder).await, 170);
        assert_eq!(app.stock(s.shop, cheap).await, 47);
        let acts: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM proxy_actions WHERE person_id = $1")
            .bind(s.elder).fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(acts, 3);
        // The points limit: a new day is not needed to see it — 30 more points than 50 allow.
        app.call(&path, Some(&county), &json!({"proxy_daily_actions": 10, "proxy_daily_points": 50, "elder_age": 80})).await;
        let (status, refused) = acting(&app, &agent, &token, &api::Reserve,
            json!({"shop_id": s.shop, "items": [{"goods_id": s.oil, "qty": 1}]})).await;
        assert_eq!((status, refused["code"].as_str()), (409, Some("proxy_limit_reached")), "{refused}");
        let (status, _) = acting(&app, &agent, &token, &api::Reserve,
            json!({"shop_id": s.shop, "items": [{"goods_id": cheap, "qty": 2}]})).await;
        assert_eq!(status, 201, "20 more points fit");
        // Her own account is not touched by the limits: the villager reserves herself as she likes.
        assert_eq!(balance_of(&app, s.elder).await, 150);
        app.assert_ledger_balanced().await;
    }

    async fn a_lost_card_is_revoked(app) {
        let s = scene(&app).await;
        let old = card(&app, &s.admin, s.elder).await;
        let (_, agent) = agent(&app, &s, "13700137108", Role::Volunteer).await;
        let (status, by_old_card) = open(&app, &agent, json!({"card_no": old["card_no"]})).await;
        assert_eq!(status, 201, "{by_old_card}");
        let (status, new) = app.fetch(&api::ReplaceMemberCard { id: s.elder }, Some(&s.admin)).await;
        assert_eq!(status, 200, "{new}");
        assert_ne!(new["card_no"], old["card_no"]);
        assert_ne!(new["token"], old["token"]);
        // Whoever held the lost card acts no more: the session it opened has ended.
        let (status, ended) = acting(&app, &agent, by_old_card["token"].as_str().unwrap(), &api::GetBalance, Value::Null).await;
        assert_eq!((status, ended["code"].as_str()), (401, Some("proxy_session_ended")), "{ended}");
        assert!(ended["message"].as_str().unwrap().contains("open it again"), "{ended}");
        for body in [json!({"member_code": old["token"]}), json!({"card_no": old["card_no"]})] {
            let (status, refused) = open(&app, &agent, body).await;
            assert_eq!((status, refused["code"].as_str()), (409, Some("card_revoked")), "{refused}");
        }
        let (status, refused) = app.call(&api::Identify, Some(&s.keeper),
            &json!({"shop_id": s.shop, "villager": {"member_code": old["token"]}})).await;
        assert_eq!((status, refused["code"].as_str()), (409, Some("card_revoked")));
        let (status, named) = app.call(&api::Identify, Some(&s.keeper),
            &json!({"shop_id": s.shop, "villager": {"card_no": new["card_no"]}})).await;
        assert_eq!((status, named["name"].as_str()), (200, Some("王*英")), "{named}");
        // A typo in the number is caught by its check digit; a forged code names nobody.
        let mut typo = new["card_no"].as_str().unwrap().to_owned().into_bytes();
        typo[3] = if typo[3] == b'9' { b'0' } else { typo[3] + 1 };
        let (status, _) = open(&app, &agent, json!({"card_no": String::from_utf8(typo).unwrap()})).await;
        assert_eq!(status, 400);
        let (status, _) = open(&app, &agent, json!({"member_code": "JFM1.00000000000000000000000000000000.00000000000000000000000000000000"})).await;
        assert_eq!(status, 404);
        let (status, _) = open(&app, &agent, json!({"member_code": new["token"], "person_id": s.elder})).await;
        assert_eq!(status, 400);
        let (status, session) = open(&app, &agent, json!({"card_no": new["card_no"]})).await;
        assert_eq!(status, 201, "{session}");
        // Found in the registry, not by her card: claims and orders, but no spending.
        let (status, found) = open(&app, &agent, json!({"person_id": s.elder})).await;
        assert_eq!((status, found["kind"].as_str()), (201, Some("search")), "{found}");
        app.award(&s.admin, &[s.elder], 50, "敬老").await.unwrap();
        let (status, refused) = acting(&app, &agent, found["token"].as_str().unwrap(), &api::Reserve,
            json!({"shop_id": s.shop, "items": [{"goods_id": s.oil, "qty": 1}]})).await;
        assert_eq!((status, refused["code"].as_str()), (403, Some("forbidden")), "{refused}");
        assert_eq!(balance_of(&app, s.elder).await, 50, "nothing reserved");
        let (status, _) = acting(&app, &agent, found["token"].as_str().unwrap(), &api::CreateClaim,
            json!({"rule_id": FILIAL, "note": "照顾孙子"})).await;
        assert_eq!(status, 201);
        // Only a 代办员 or a delegate opens a session; no agent acts in another village.
        let admin_elsewhere = app.staff_token("13700137109", Role::VillageAdmin, "410783101229").await;
        let (status, _) = open(&app, &admin_elsewhere, json!({"card_no": new["card_no"]})).await;
        assert_eq!(status, 403);
        let elsewhere = app.staff("13700137110", common::STAFF_PASSWORD, Role::ProxyAgent, "410783101229").await;
        let _ = elsewhere;
        let elsewhere = app.login("13700137110", common::STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
        let (status, _) = open(&app, &elsewhere, json!({"card_no": new["card_no"]})).await;
        assert_eq!(status, 404, "a 代办员 of another village finds nobody");
        // A grid that is not one of the admin's villages' is said as such.
        let (status, refused) = app.call(&api::PrintMemberCards, Some(&s.admin), &json!({"grid_code": format!("{LIUCUN}-999")})).await;
        assert_eq!((status, refused["code"].as_str()), (400, Some("invalid_input")), "{refused}");
        // A malformed body is refused without sending a long input back.
        let (status, refused) = app.call(&api::OpenProxy, Some(&agent), &json!({"person_id": "A".repeat(100_000)})).await;
        assert_eq!((status, refused["code"].as_str()), (400, Some("invalid_input")), "{refused:.300}");
        assert!(refused.to_string().len() < 400, "{refused:.400}");
        // Someone without a phone could never sign in to use a staff role.
        let (status, refused) = app.call(&api::GrantRole { id: s.elder }, Some(&s.admin),
            &json!({"role": "proxy_agent", "region_code": LIUCUN})).await;
        assert_eq!((status, refused["code"].as_str()), (400, Some("invalid_input")), "{refused}");
        let replaced: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'member_card.replace'")
            .fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(replaced, 1);
    }

    async fn a_delegate_acts_for_their_elder_and_nobody_else(app) {
        let s = scene(&app).await;
        app.award(&s.admin, &[s.elder, s.li], 50, "敬老").await.unwrap();
        let path = api::AddDelegation { id: s.elder };
        // Not of her household; no consent; then her son with her consent.
        assert_eq!(app.call(&path, Some(&s.admin), &json!({"delegate_id": s.li, "consent": "本人同意"})).await.0, 400);
        assert_eq!(app.call(&path, Some(&s.admin), &json!({"delegate_id": s.son, "consent": " "})).await.0, 400);
        assert_eq!(app.call(&path, Some(&s.son_token), &json!({"delegate_id": s.son, "consent": "本人同意"})).await.0, 403, "no admin");
        let (status, link) = app.call(&path, Some(&s.admin), &json!({"delegate_id": s.son, "consent": "本人在村委会当面同意"})).await;
        assert_eq!(status, 201, "{link}");
        assert_eq!((link["delegate_phone"].as_str(), link["recorded_by"].as_str()), (Some("139****9301"), Some("测试员")));
        let (status, again) = app.call(&path, Some(&s.admin), &json!({"delegate_id": s.son, "consent": "再次"})).await;
        assert_eq!((status, again["code"].as_str()), (409, Some("already_exists")), "linked already: {again}");
        let (_, mine) = app.fetch(&api::MyDelegations, Some(&s.son_token)).await;
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["person_id"].as_i64(), Some(s.elder));
        // He sees her balance and acts for her; not for his neighbour.
        let (status, session) = open(&app, &s.son_token, json!({"person_id": s.elder})).await;
        assert_eq!((status, session["kind"].as_str()), (201, Some("delegate")), "{session}");
        let token = session["token"].as_str().unwrap().to_owned();
        let (_, balance) = acting(&app, &s.son_token, &token, &api::GetBalance, Value::Null).await;
        assert_eq!(balance["available"].as_i64(), Some(50));
        assert_eq!(app.available_points(&s.son_token).await, 0, "without the header, his own");
        let (status, _) = open(&app, &s.son_token, json!({"person_id": s.li})).await;
        assert_eq!(status, 404);
        // His neighbour's session token is not his to use.
        let (status, claim) = acting(&app, &s.son_token, &token, &api::CreateClaim,
            json!({"rule_id": FILIAL, "note": "陪母亲看病"})).await;
        assert_eq!((status, claim["proxy"]["kind"].as_str()), (201, Some("delegate")), "{claim}");
        let (status, stolen) = acting(&app, &s.li_token, &token, &api::GetBalance, Value::Null).await;
        assert_eq!((status, stolen["code"].as_str()), (401, Some("proxy_session_ended")));
        assert!(stolen["message"].as_str().unwrap().contains("not a proxy session of yours"), "{stolen}");
        for forged in ["", "garbage", &format!("{token}x")] {
            let (status, refused) = acting(&app, &s.son_token, forged, &api::GetBalance, Value::Null).await;
            assert_eq!((status, refused["code"].as_str()), (401, Some("proxy_session_ended")), "{forged:?}: {refused}");
            assert!(refused["message"].as_str().unwrap().contains("not a proxy session of yours"), "{refused}");
        }
        // Nor may anyone else end it.
        let session_id = session["id"].as_i64().unwrap();
        let (status, refused) = app.fetch(&api::EndProxy { id: session_id }, Some(&s.li_token)).await;
        assert_eq!((status, refused["code"].as_str()), (404, Some("not_found")), "{refused}");
        // As her delegate he reads the receipt.
        let receipt = api::ProxyReceiptOf { receipt_no: claim["proxy"]["receipt_no"].as_str().unwrap().into() };
        let (status, slip) = app.fetch(&receipt, Some(&s.son_token)).await;
        assert_eq!((status, slip["agent_name"].as_str()), (200, Some("王*国")));
        // A receipt number is 10 characters of the printed alphabet; nothing else is echoed.
        for bad in ["", "DB7K2M9QX", "DB7K2M9QX0", &"A".repeat(20_000)] {
            let (status, refused) = app.fetch(&api::ProxyReceiptOf { receipt_no: bad.into() }, Some(&s.son_token)).await;
            assert_eq!((status, refused["code"].as_str()), (if bad.is_empty() { 404 } else { 400 }, Some(if bad.is_empty() { "not_found" } else { "invalid_input" })), "{bad:.12}: {refused}");
            assert!(refused.to_string().len() < 300, "{refused:.300}");
        }
        let lower = receipt.receipt_no.to_lowercase();
        assert_eq!(app.fetch(&api::ProxyReceiptOf { receipt_no: lower }, Some(&s.son_token)).await.0, 200, "typed in lower case");
        // One tap ends it: his session stops at once.
        let (status, ended) = app.fetch(&api::EndDelegation { id: link["id"].as_i64().unwrap() }, Some(&s.admin)).await;
        assert_eq!((status, ended["ended_at"].is_string()), (200, true), "{ended}");
        let (status, _) = acting(&app, &s.son_token, &token, &api::GetBalance, Value::Null).await;
        assert_eq!(status, 401);
        let (_, mine) = app.fetch(&api::MyDelegations, Some(&s.son_token)).await;
        assert_eq!(mine, json!([]));
        // Of her household he still reads her receipts (their SMS comes to his phone); the
        // neighbour does not.
        assert_eq!(app.fetch(&receipt, Some(&s.son_token)).await.0, 200);
        assert_eq!(app.fetch(&receipt, Some(&s.li_token)).await.0, 404);
        let (_, all) = app.fetch(&api::PersonDelegations { id: s.elder }, Some(&s.admin)).await;
        assert_eq!(all.as_array().unwrap().len(), 1);
        app.assert_ledger_balanced().await;
    }

    async fn the_import_takes_villagers_without_a_phone(app) {
        app.load_changyuan().await;
        let csv = format!(
            "name,phone,village_code,household,birth_year\n\
             王桂英,,{LIUCUN},0103,1948\n\
             无户号,,{LIUCUN},,1950\n\
             错年份,13900139311,{LIUCUN},0104,1850\n\
             王建国,13900139301,{LIUCUN},0103,\n"
        );
        let import = || jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true);
        let report = import().await.unwrap();
        assert_eq!((report.created, report.updated, report.unchanged), (2, 0, 0), "{report:?}");
        let codes: Vec<&str> = report.errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["household_required", "invalid_birth_year"]);
        let report = import().await.unwrap();
        assert_eq!((report.created, report.updated, report.unchanged), (0, 0, 2), "the same file twice changes nothing");
        // An empty phone never takes a number away.
        let csv = format!("name,phone,village_code,household\n王建国,,{LIUCUN},0103\n");
        let report = jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        assert_eq!(report.unchanged, 1, "{report:?}");
        let phone: Option<String> = sqlx::query_scalar("SELECT phone FROM people WHERE name = '王建国'")
            .fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(phone.as_deref(), Some("+8613900139301"));
    }
}
