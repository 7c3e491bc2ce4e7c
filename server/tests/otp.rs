//! Villagers sign in with SMS codes: single use, five tries, limits, unregistered phones.

mod common;

use jifen_shared::api;

use jifen_server::people::import::import_villagers;
use serde_json::json;
use sqlx::Row;

const PHONE: &str = "+8613800138000";

async fn with_villager(app: &common::TestApp) {
    app.load_changyuan().await;
    let csv = "name,phone,village_code\n张三,13800138000,410783101230\n";
    let report = import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    assert_eq!(report.created, 1);
}

async fn send(app: &common::TestApp, phone: &str) -> (u16, serde_json::Value) {
    app.call(&api::OtpSendCode, None, &json!({"phone": phone}))
        .await
}

async fn verify(app: &common::TestApp, code: &str) -> (u16, serde_json::Value) {
    app.call(
        &api::OtpVerifyCode,
        None,
        &json!({"phone": "138 0013 8000", "code": code}),
    )
    .await
}

db_tests! {
    async fn a_villager_signs_in_with_the_code_once(app) {
        with_villager(&app).await;
        let (status, body) = send(&app, "１３８００１３８０００").await;
        assert_eq!((status, body), (202, json!({"resend_after_s": 60})));
        let code = app.last_code(PHONE).expect("a code was sent");
        assert_eq!(code.len(), 6);
        let (status, tokens) = verify(&app, &code).await;
        assert_eq!(status, 200, "{tokens}");
        assert_eq!(tokens["user"]["name"], "张三");
        assert_eq!(tokens["user"]["roles"], json!([{"role": "villager", "region_code": "410783101230"}]));
        let (status, body) = verify(&app, &code).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_code")), "single use");
    }

    async fn the_fifth_try_may_be_the_right_one(app) {
        with_villager(&app).await;
        send(&app, PHONE).await;
        let code = app.last_code(PHONE).unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..4 {
            assert_eq!(verify(&app, wrong).await.0, 401);
        }
        assert_eq!(verify(&app, &code).await.0, 200);
    }

    async fn five_wrong_tries_lock_the_code(app) {
        with_villager(&app).await;
        send(&app, PHONE).await;
        let code = app.last_code(PHONE).unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            let (status, body) = verify(&app, wrong).await;
            assert_eq!((status, body["code"].as_str()), (401, Some("invalid_code")));
        }
        let (status, _) = verify(&app, &code).await;
        assert_eq!(status, 401, "the right code no longer works after five wrong tries");
        for malformed in ["12345", "1234567", "abcdef", ""] {
            let (status, _) = verify(&app, malformed).await;
            assert_eq!(status, 401);
        }
    }

    async fn parallel_guesses_cannot_beat_the_limit(app) {
        with_villager(&app).await;
        send(&app, PHONE).await;
        let code = app.last_code(PHONE).unwrap();
        let guesses: Vec<String> = (0..20).map(|i| format!("{:06}", (code.parse::<u32>().unwrap() + 1 + i) % 1_000_000)).collect();
        let results = futures_util::future::join_all(guesses.iter().map(|g| verify(&app, g))).await;
        assert!(results.iter().all(|(s, _)| *s == 401));
        let attempts: i64 = sqlx::query("SELECT attempts FROM otp_codes WHERE phone = $1")
            .bind(PHONE)
            .fetch_one(app.db.reader())
            .await
            .unwrap()
            .get("attempts");
        assert_eq!(attempts, 5, "twenty parallel guesses got exactly five tries");
        assert_eq!(verify(&app, &code).await.0, 401);
    }

    async fn resend_waits_a_minute_and_hourly_limits_hold(app) {
        with_villager(&app).await;
        assert_eq!(send(&app, PHONE).await.0, 202);
        let response = app.request(&api::OtpSendCode).json(&json!({"phone": PHONE})).send().await.unwrap();
        assert_eq!(response.status, 429);
        let retry_after: u64 = response.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((59..=60).contains(&retry_after), "{retry_after}");
        let body: serde_json::Value = response.json();
        assert_eq!(body["code"], "rate_limited");
        // Four more requests earlier in the hour (older than the cooldown) reach the limit of 5.
        let now = jifen_server::storage::now_ms();
        sqlx::query("UPDATE otp_codes SET created_at = $1")
            .bind(now - 50 * 60_000)
            .execute(app.db.writer())
            .await
            .unwrap();
        for minutes in [40, 30, 20, 10] {
            sqlx::query("INSERT INTO otp_codes (phone, client_ip, created_at, expires_at) VALUES ($1, '10.0.0.9', $2, $2)")
                .bind(PHONE)
                .bind(now - minutes * 60_000)
                .execute(app.db.writer())
                .await
                .unwrap();
        }
        let response = app.request(&api::OtpSendCode).json(&json!({"phone": PHONE})).send().await.unwrap();
        assert_eq!(response.status, 429);
        let retry_after: u64 = response.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((599..=601).contains(&retry_after), "the oldest request leaves the hour in 10 minutes: {retry_after}");
    }

    async fn unregistered_phones_get_no_code_and_cannot_sign_in(app) {
        with_villager(&app).await;
        let (status, _) = send(&app, "13900139000").await;
        assert_eq!(status, 202, "the answer does not tell who is registered");
        assert_eq!(app.last_code("+8613900139000"), None);
        let (status, body) = app.call(&api::OtpVerifyCode, None, &json!({"phone": "13900139000", "code": "123456"})).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("not_registered")));
    }

    async fn verify_does_not_list_who_is_registered(app) {
        with_villager(&app).await;
        // Without a send for that phone, an unknown phone looks like a wrong code.
        let (status, body) = app.call(&api::OtpVerifyCode, None, &json!({"phone": "13900139000", "code": "123456"})).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_code")));
    }

    async fn bad_phones_and_expired_codes(app) {
        with_villager(&app).await;
        for phone in ["12345", "1380013800a", ""] {
            let (status, body) = send(&app, phone).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_phone")), "{phone:?}");
        }
        send(&app, PHONE).await;
        let code = app.last_code(PHONE).unwrap();
        sqlx::query("UPDATE otp_codes SET expires_at = $1")
            .bind(jifen_server::storage::now_ms() - 1)
            .execute(app.db.writer())
            .await
            .unwrap();
        let (status, _) = verify(&app, &code).await;
        assert_eq!(status, 401, "expired after 5 minutes");
    }
}

/// Per-address limits behind a reverse proxy: the forwarded address counts only when the
/// peer is a trusted proxy (SQLite; the limit logic is the same on both databases and is
/// covered there by `resend_waits_a_minute_and_hourly_limits_hold`).
mod behind_a_proxy {
    use super::*;

    async fn send_from(app: &common::TestApp, phone: &str, forwarded: &str) -> u16 {
        app.request(&api::OtpSendCode)
            .header("x-forwarded-for", forwarded)
            .json(&json!({"phone": phone}))
            .send()
            .await
            .unwrap()
            .status
    }

    async fn app(trusted: &str) -> common::TestApp {
        let trusted: Vec<ipnet::IpNet> = trusted
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect();
        common::spawn_app_with(common::Backend::Sqlite, move |s| {
            s.otp_limits.per_ip_per_hour = 2;
            s.trusted_proxies = trusted;
        })
        .await
        .unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn each_client_behind_a_trusted_proxy_has_its_own_limit() {
        let app = app("127.0.0.0/8").await;
        assert_eq!(send_from(&app, "13900139001", "203.0.113.1").await, 202);
        assert_eq!(send_from(&app, "13900139002", "203.0.113.1").await, 202);
        assert_eq!(send_from(&app, "13900139003", "203.0.113.1").await, 429);
        // Another villager behind the same proxy is not locked out, even if the first one
        // writes addresses of their own at the left.
        assert_eq!(send_from(&app, "13900139004", "203.0.113.2").await, 202);
        assert_eq!(
            send_from(&app, "13900139005", "9.9.9.9, 203.0.113.1").await,
            429
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_trusted_proxies_the_header_is_ignored() {
        let app = app("").await;
        assert_eq!(send_from(&app, "13900139001", "203.0.113.1").await, 202);
        assert_eq!(send_from(&app, "13900139002", "203.0.113.2").await, 202);
        assert_eq!(send_from(&app, "13900139003", "203.0.113.3").await, 429);
    }
}
