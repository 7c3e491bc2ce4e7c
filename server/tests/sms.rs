//! Sign-in codes sent by Tencent Cloud SMS: the real app, configured with
//! `JIFEN_SMS_PROVIDER=tencent`, talks HTTP to a local fake of the gateway that checks the
//! TC3 signature and answers in Tencent's shapes (`common::fake_tencent_sms`). A gateway that
//! refuses, is down or hangs gives the client 503 `sms_unavailable`, and the request costs the
//! villager none of their limits.

mod common;

use jifen_shared::api;

use std::time::{Duration, Instant};

use common::fake_tencent_sms::{self, FakeTencentSms};
use jifen_server::config::{SmsProvider, TencentSmsSettings};
use jifen_server::people::import::import_villagers;
use serde_json::json;
use sqlx::Row;

const PHONE: &str = "+8613800138000";

/// The app with Tencent Cloud SMS as configured by `edit` (starting from the fake's own
/// account); `None` when PostgreSQL is not configured.
async fn tencent_app(
    backend: common::Backend,
    fake: &FakeTencentSms,
    edit: impl FnOnce(&mut TencentSmsSettings),
) -> Option<common::TestApp> {
    let mut tencent = fake.settings();
    edit(&mut tencent);
    let app = common::spawn_app_as_served(backend, |s| {
        s.sms_provider = SmsProvider::Tencent(Box::new(tencent));
    })
    .await?;
    app.load_changyuan().await;
    let csv = "name,phone,village_code\n张三,13800138000,410783101230\n";
    let report = import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    assert_eq!(report.created, 1);
    Some(app)
}

async fn send(app: &common::TestApp) -> (u16, serde_json::Value) {
    app.call(&api::OtpSendCode, None, &json!({"phone": "13800138000"}))
        .await
}

async fn verify(app: &common::TestApp, code: &str) -> (u16, serde_json::Value) {
    app.call(
        &api::OtpVerifyCode,
        None,
        &json!({"phone": PHONE, "code": code}),
    )
    .await
}

/// Asserts a 503 `sms_unavailable` that tells the client nothing about the gateway's insides.
fn assert_sms_unavailable((status, body): (u16, serde_json::Value)) {
    assert_eq!(
        (status, body["code"].as_str()),
        (503, Some("sms_unavailable")),
        "{body}"
    );
    let message = body["message"].as_str().unwrap();
    for secret in ["AuthFailure", "Tencent", "127.0.0.1", "RequestId"] {
        assert!(!message.contains(secret), "{message}");
    }
}

async fn otp_rows(app: &common::TestApp) -> i64 {
    sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM otp_codes")
        .fetch_one(app.db.reader())
        .await
        .unwrap()
        .get("n")
}

/// Moves every code request two minutes into the past (past the resend cooldown).
async fn age_requests(app: &common::TestApp) {
    sqlx::query("UPDATE otp_codes SET created_at = created_at - 120000")
        .execute(app.db.writer())
        .await
        .unwrap();
}

db_tests! {
    async fn a_villager_signs_in_with_a_code_sent_by_tencent(backend = backend) {
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |_| {}).await else { return };
        let (status, body) = send(&app).await;
        assert_eq!((status, body), (202, json!({"resend_after_s": 60})));
        assert_eq!(fake.refused(), Vec::<String>::new());
        let accepted = fake.accepted();
        assert_eq!(accepted.len(), 1, "{accepted:?}");
        let sms = &accepted[0];
        assert_eq!(sms.phone, PHONE);
        assert_eq!(sms.sdk_app_id, fake_tencent_sms::SDK_APP_ID);
        assert_eq!(sms.sign_name, fake_tencent_sms::SIGN_NAME);
        assert_eq!(sms.template_id, fake_tencent_sms::TEMPLATE_ID);
        assert_eq!(sms.region, "ap-guangzhou");
        assert_eq!(sms.signed_headers, "content-type;host;x-tc-action");
        let code = &sms.params[0];
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert_eq!(sms.params[1], "5", "the template's second parameter: minutes valid");
        let (status, tokens) = verify(&app, code).await;
        assert_eq!(status, 200, "{tokens}");
        assert_eq!(tokens["user"]["name"], "张三");
    }

    async fn a_proxy_receipt_is_texted_by_tencent_to_the_household(backend = backend) {
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |_| {}).await else { return };
        // 王桂英 has no phone; 张三 of her household has.
        let csv = "name,phone,village_code,household\n张三,13800138000,410783101230,0101\n王桂英,,410783101230,0101\n";
        import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let elder: i64 = sqlx::query_scalar("SELECT id FROM people WHERE name = '王桂英'")
            .fetch_one(app.db.reader()).await.unwrap();
        let admin = app.staff_token("13700137201", jifen_shared::auth::Role::VillageAdmin, "410783101230").await;
        let agent = app.staff("13700137202", common::STAFF_PASSWORD, jifen_shared::auth::Role::ProxyAgent, "410783101230").await;
        let _ = agent;
        let agent = app.login("13700137202", common::STAFF_PASSWORD).await["access_token"].as_str().unwrap().to_owned();
        let (_, cards) = app.call(&api::PrintMemberCards, Some(&admin), &json!({"person_ids": [elder]})).await;
        let (status, session) = app.call(&api::OpenProxy, Some(&agent), &json!({"card_no": cards[0]["card_no"]})).await;
        assert_eq!(status, 201, "{session}");
        let answer = app.request(&api::CreateClaim).token(&agent)
            .header(jifen_shared::proxy::ACTING_FOR_HEADER, session["token"].as_str().unwrap())
            .idempotency_key("receipt-1").json(&json!({"rule_id": 4, "note": "照顾孙子"})).send().await.unwrap();
        assert_eq!(answer.status, 201, "{}", answer.text());
        let receipt = answer.json()["proxy"]["receipt_no"].as_str().unwrap().to_owned();
        let mut accepted = Vec::new();
        for _ in 0..100 {
            accepted = fake.accepted();
            if !accepted.is_empty() { break; }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(accepted.len(), 1, "{accepted:?}");
        let sms = &accepted[0];
        assert_eq!((sms.phone.as_str(), sms.template_id.as_str()), (PHONE, fake_tencent_sms::RECEIPT_TEMPLATE_ID));
        assert_eq!(sms.params, ["已为您申报积分：孝老爱亲".to_owned(), "代办员 测*员".to_owned(), receipt]);
    }

    async fn an_unregistered_phone_costs_no_sms(backend = backend) {
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |_| {}).await else { return };
        let (status, _) = app.call(&api::OtpSendCode, None, &json!({"phone": "13900139000"}))
            .await;
        assert_eq!(status, 202);
        assert_eq!(fake.requests(), 0, "nothing went to the gateway");
    }

    async fn a_wrong_secret_key_is_503_and_costs_no_cooldown(backend = backend) {
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |t| t.secret_key = "not-the-key".into()).await else { return };
        assert_sms_unavailable(send(&app).await);
        assert_eq!(fake.refused(), ["AuthFailure.SignatureFailure"]);
        assert_eq!(otp_rows(&app).await, 0, "the unsent request is forgotten");
        // Asking again at once reaches the gateway again instead of waiting a minute.
        assert_sms_unavailable(send(&app).await);
        assert_eq!(fake.refused().len(), 2);
        assert!(fake.accepted().is_empty());
    }

    async fn an_unknown_secret_id_is_503(backend = backend) {
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |t| t.secret_id = "AKIDsomeoneelse".into()).await else { return };
        assert_sms_unavailable(send(&app).await);
        assert_eq!(fake.refused(), ["AuthFailure.SecretIdNotFound"]);
    }

    async fn a_gateway_that_is_down_is_503(backend = backend) {
        // A port nobody listens on: bound, then closed.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |t| {
            t.endpoint = format!("http://127.0.0.1:{port}").parse().unwrap();
        })
        .await else { return };
        assert_sms_unavailable(send(&app).await);
        assert_sms_unavailable(send(&app).await);
        assert_eq!(otp_rows(&app).await, 0);
    }

    async fn a_gateway_that_does_not_answer_is_503_after_the_timeout(backend = backend) {
        // The kernel accepts connections to a listening socket nobody reads from.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |t| {
            t.endpoint = format!("http://{}", silent.local_addr().unwrap()).parse().unwrap();
            t.timeout = Duration::from_secs(1);
        })
        .await else { return };
        let started = Instant::now();
        assert_sms_unavailable(send(&app).await);
        let took = started.elapsed();
        assert!(took >= Duration::from_secs(1) && took < Duration::from_secs(5), "{took:?}");
        assert_eq!(otp_rows(&app).await, 0);
    }

    async fn a_refused_number_is_503_and_an_earlier_code_still_works(backend = backend) {
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |_| {}).await else { return };
        assert_eq!(send(&app).await.0, 202);
        let first = fake.accepted()[0].params[0].clone();
        age_requests(&app).await;
        fake.fail_number(
            PHONE,
            "LimitExceeded.PhoneNumberDailyLimit",
            "the number of sms messages sent from a single mobile number every day exceeds the upper limit",
        );
        assert_sms_unavailable(send(&app).await);
        assert_eq!(fake.refused(), ["LimitExceeded.PhoneNumberDailyLimit"]);
        assert_eq!(otp_rows(&app).await, 1, "only the delivered request is kept");
        // The code that did arrive is still the one that counts.
        assert_eq!(verify(&app, &first).await.0, 200);
        // Once the gateway takes the number again, a new code comes at once.
        fake.heal();
        assert_eq!(send(&app).await.0, 202);
        let accepted = fake.accepted();
        assert_eq!(accepted.len(), 2);
        assert_eq!(verify(&app, &accepted[1].params[0]).await.0, 200);
    }

    async fn an_empty_sms_package_is_503(backend = backend) {
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |_| {}).await else { return };
        fake.fail_requests(
            "FailedOperation.InsufficientBalanceInSmsPackage",
            "insufficient balance in SMS package",
        );
        assert_sms_unavailable(send(&app).await);
        assert_eq!(fake.refused(), ["FailedOperation.InsufficientBalanceInSmsPackage"]);
        fake.heal();
        let (status, body) = send(&app).await;
        assert_eq!(status, 202, "{body}");
        assert_eq!(fake.accepted().len(), 1);
    }

    async fn a_wrong_template_is_503(backend = backend) {
        let fake = FakeTencentSms::start().await;
        let Some(app) = tencent_app(backend, &fake, |t| t.template_id = "1".into()).await else { return };
        assert_sms_unavailable(send(&app).await);
        assert_eq!(fake.refused(), ["FailedOperation.TemplateIncorrectOrUnapproved"]);
    }
}

/// The fake is as strict as the tests above assume: a request signed correctly is accepted,
/// while an old timestamp, a body changed after signing and a malformed header are refused
/// with Tencent's codes.
#[tokio::test]
async fn the_fake_checks_signatures_like_tencent() {
    use jifen_server::auth::sms::tc3::Signing;
    let fake = FakeTencentSms::start().await;
    let client = reqwest::Client::new();
    let host = fake.endpoint.trim_start_matches("http://").to_owned();
    let body = json!({
        "PhoneNumberSet": [PHONE],
        "SmsSdkAppId": fake_tencent_sms::SDK_APP_ID,
        "SignName": fake_tencent_sms::SIGN_NAME,
        "TemplateId": fake_tencent_sms::TEMPLATE_ID,
        "TemplateParamSet": ["123456", "5"],
    })
    .to_string();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let post = |timestamp: i64, signed_body: &str, sent_body: &str, authorization: Option<&str>| {
        let content_type = "application/json; charset=utf-8";
        let signed = Signing {
            secret_id: fake_tencent_sms::SECRET_ID,
            secret_key: fake_tencent_sms::SECRET_KEY,
            service: "sms",
            timestamp,
        }
        .authorization(
            &[("Content-Type", content_type), ("Host", &host)],
            signed_body.as_bytes(),
        )
        .unwrap();
        client
            .post(&fake.endpoint)
            .header("Authorization", authorization.unwrap_or(&signed))
            .header("Content-Type", content_type)
            .header("X-TC-Action", "SendSms")
            .header("X-TC-Timestamp", timestamp.to_string())
            .header("X-TC-Version", "2021-01-11")
            .header("X-TC-Region", "ap-guangzhou")
            .body(sent_body.to_owned())
            .send()
    };
    let answer = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 200, "Tencent answers 200 even to errors");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(body["Response"]["RequestId"].is_string(), "{body}");
        body["Response"].clone()
    };

    let ok = answer(post(now, &body, &body, None).await.unwrap()).await;
    assert_eq!(ok["SendStatusSet"][0]["Code"], "Ok", "{ok}");
    assert_eq!(ok["SendStatusSet"][0]["PhoneNumber"], PHONE);

    let old = answer(post(now - 301, &body, &body, None).await.unwrap()).await;
    assert_eq!(old["Error"]["Code"], "AuthFailure.SignatureExpire", "{old}");

    let tampered = body.replace("123456", "654321");
    let changed = answer(post(now, &body, &tampered, None).await.unwrap()).await;
    assert_eq!(
        changed["Error"]["Code"], "AuthFailure.SignatureFailure",
        "{changed}"
    );

    let malformed = answer(post(now, &body, &body, Some("Bearer x")).await.unwrap()).await;
    assert_eq!(
        malformed["Error"]["Code"], "AuthFailure.InvalidAuthorization",
        "{malformed}"
    );

    assert_eq!(fake.accepted().len(), 1);
}
