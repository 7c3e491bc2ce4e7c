//! WeChat sign-in (公众号网页授权) against a local fake of WeChat's API, on both databases:
//! binding an unknown openid with an SMS code, signing in once bound, the same code delivered
//! twice, WeChat's error codes, WeChat down, bind tokens that must not pass as anything else,
//! and sign-ins bound to the browser that started them (no login CSRF).

mod common;

use jifen_shared::api;

use std::time::{Duration, Instant};

use common::fake_wechat::{self, FakeWechat};
use common::{Backend, TestApp};
use jifen_server::config::WechatCredentials;
use serde_json::json;

const PHONE: &str = "+8613800138000";
const OPENID: &str = "oAbCdEfGhIjKlMnOpQrStUvWxYz1";
const PUBLIC_ORIGIN: &str = "https://jifen.example.com";

/// The app with WeChat pointed at a fresh fake (secret as given), and one registered villager.
async fn with_wechat(backend: Backend, secret: &str) -> Option<(TestApp, FakeWechat)> {
    let fake = FakeWechat::start().await;
    let base = fake.base.clone();
    let secret = secret.to_owned();
    let app = common::spawn_app_with(backend, move |s| {
        s.wechat_api_base = base;
        s.public_origin = Some(PUBLIC_ORIGIN.into());
        s.wechat = Some(WechatCredentials {
            appid: fake_wechat::APPID.into(),
            secret: secret.into(),
        });
    })
    .await?;
    app.load_changyuan().await;
    let csv = "name,phone,village_code\n张三,13800138000,410783101230\n";
    jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true)
        .await
        .unwrap();
    Some((app, fake))
}

/// A sign-in started by one browser: `POST /auth/wechat/start`'s answer (status, body).
async fn start(app: &TestApp) -> (u16, serde_json::Value) {
    app.fetch(&api::WechatStartSignIn, None).await
}

/// Comes back from WeChat with `code` to the browser that started `started`.
async fn finish(
    app: &TestApp,
    started: &serde_json::Value,
    code: &str,
) -> (u16, serde_json::Value) {
    let body = json!({"code": code, "state": started["state"], "verifier": started["verifier"]});
    app.call(&api::WechatSignIn, None, &body).await
}

/// A whole sign-in: start it, come back with `code`.
async fn wechat(app: &TestApp, code: &str) -> (u16, serde_json::Value) {
    let (status, started) = start(app).await;
    if status != 200 {
        return (status, started);
    }
    finish(app, &started, code).await
}

/// Binds `OPENID` to 张三 through the bind token and an SMS code; returns the session.
async fn bind(app: &TestApp, fake: &FakeWechat) -> serde_json::Value {
    let (status, body) = wechat(app, &fake.issue_code(OPENID)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 600);
    let bind_token = body["bind_token"]
        .as_str()
        .expect("a bind token")
        .to_owned();
    let (status, _) = app
        .call(&api::OtpSendCode, None, &json!({"phone": PHONE}))
        .await;
    assert_eq!(status, 202);
    let code = app.last_code(PHONE).unwrap();
    let (status, tokens) = app
        .call(
            &api::WechatBindPhone,
            None,
            &json!({"bind_token": bind_token, "phone": "138 0013 8000", "code": code}),
        )
        .await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

/// Runs each test on SQLite and PostgreSQL with a fake WeChat (`secret` configured).
macro_rules! wechat_tests {
    ($(async fn $name:ident($app:ident, $fake:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let ($app, $fake) = with_wechat(Backend::Sqlite, fake_wechat::SECRET).await.unwrap();
                    $body
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(($app, $fake)) = with_wechat(Backend::Postgres, fake_wechat::SECRET).await else {
                        return;
                    };
                    $body
                }
            }
        )*
    };
}

wechat_tests! {
    async fn an_unknown_wechat_user_binds_with_an_sms_code_then_signs_in_directly(app, fake) {
        let (_, methods) = app.fetch(&api::LoginMethodsOf, None).await;
        assert_eq!(methods, json!({"wechat_appid": fake_wechat::APPID}));
        let tokens = bind(&app, &fake).await;
        assert_eq!(tokens["user"]["name"], "张三");
        // Next time WeChat alone is enough, for the same person.
        let (status, session) = wechat(&app, &fake.issue_code(OPENID)).await;
        assert_eq!(status, 200, "{session}");
        assert_eq!(session["user"]["id"], tokens["user"]["id"]);
        let access = session["access_token"].as_str().unwrap();
        let (status, me) = app.fetch(&api::GetMe, Some(access)).await;
        assert_eq!((status, me["name"].as_str()), (200, Some("张三")));
        // Another WeChat user binding the same phone takes the binding over.
        let other = "oOtherUser000000000000000001";
        let (_, body) = wechat(&app, &fake.issue_code(other)).await;
        let bind_token = body["bind_token"].as_str().unwrap().to_owned();
        // The resend cooldown is a minute: move the earlier code back in time.
        sqlx::query("UPDATE otp_codes SET created_at = created_at - 120000")
            .execute(app.db.writer())
            .await
            .unwrap();
        app.call(&api::OtpSendCode, None, &json!({"phone": PHONE})).await;
        let code = app.last_code(PHONE).unwrap();
        let (status, _) = app.call(&api::WechatBindPhone, None, &json!({"bind_token": bind_token, "phone": PHONE, "code": code}))
            .await;
        assert_eq!(status, 200);
        let (_, first_again) = wechat(&app, &fake.issue_code(OPENID)).await;
        assert!(first_again["bind_token"].is_string(), "the first WeChat user is unbound: {first_again}");
        let (_, second) = wechat(&app, &fake.issue_code(other)).await;
        assert_eq!(second["user"]["name"], "张三");
    }

    async fn the_same_code_twice_signs_in_once_and_answers_both_the_same(app, fake) {
        bind(&app, &fake).await;
        let calls = fake.calls();
        fake.set_delay(Duration::from_millis(300));
        let code = fake.issue_code(OPENID);
        let (_, started) = start(&app).await;
        let (a, b) = tokio::join!(finish(&app, &started, &code), finish(&app, &started, &code));
        assert_eq!(a.0, 200, "{}", a.1);
        assert_eq!(a, b);
        assert!(a.1["refresh_token"].is_string());
        // A third delivery a moment later: still the same answer, still one exchange.
        let c = finish(&app, &started, &code).await;
        assert_eq!(c, a);
        assert_eq!(fake.calls(), calls + 1);
        let families: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM refresh_families")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(families, 2, "one session from the bind, one from the repeated code");
        // The same code and state from another browser (a shared or overlooked callback URL),
        // which has its own verifier: refused before WeChat is asked.
        let (_, theirs) = start(&app).await;
        let elsewhere = app
            .request(&api::WechatSignIn)
            .header("user-agent", "SomeoneElse/1.0")
            .json(&json!({"code": code, "state": started["state"], "verifier": theirs["verifier"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(elsewhere.status, 401);
        let body: serde_json::Value = elsewhere.json();
        assert_eq!(body["code"], "wechat_state_invalid");
        // With the right verifier too (it was seen), another browser gets nothing: the
        // sign-in was used, and WeChat is still not asked.
        let elsewhere = app
            .request(&api::WechatSignIn)
            .header("user-agent", "SomeoneElse/1.0")
            .json(&json!({"code": code, "state": started["state"], "verifier": started["verifier"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(elsewhere.status, 401);
        assert_eq!(elsewhere.json()["code"], "wechat_state_invalid");
        assert_eq!(fake.calls(), calls + 1);
    }

    async fn wechat_refusals_are_401_and_outages_503(app, fake) {
        // Used elsewhere first (WeChat: 40163), unknown (40029), older than 5 minutes (40029).
        let used = fake.issue_code(OPENID);
        let direct = reqwest::get(format!(
            "{}/sns/oauth2/access_token?appid={}&secret={}&code={used}&grant_type=authorization_code",
            fake.base, fake_wechat::APPID, fake_wechat::SECRET
        ))
        .await
        .unwrap();
        assert_eq!(direct.headers()["content-type"], "text/plain");
        let old = fake.issue_code_at(OPENID, Instant::now() - Duration::from_secs(301));
        for code in [used.as_str(), "0123456789abcdef0123456789abcdef", old.as_str()] {
            let (status, body) = wechat(&app, code).await;
            assert_eq!((status, body["code"].as_str()), (401, Some("wechat_code_invalid")), "{code}: {body}");
        }
        // Not a code at all.
        for code in ["", "a b", "x&secret=y", &"a".repeat(129)] {
            let (status, body) = wechat(&app, code).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{code:?}");
        }
        let (status, _) = app.call(&api::WechatSignIn, None, &json!({})).await;
        assert_eq!(status, 400);
        let (_, started) = start(&app).await;
        for (state, verifier) in [
            (json!("short"), started["verifier"].clone()),
            (started["state"].clone(), json!("x".repeat(42) + "=")),
            (json!(null), started["verifier"].clone()),
        ] {
            let body = json!({"code": fake.issue_code(OPENID), "state": state, "verifier": verifier});
            let (status, body) = app.call(&api::WechatSignIn, None, &body).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");
        }
        // WeChat down.
        let code = fake.issue_code(OPENID);
        fake.stop().await;
        let (status, body) = wechat(&app, &code).await;
        assert_eq!((status, body["code"].as_str()), (503, Some("wechat_unavailable")), "{body}");
    }

    async fn bind_tokens_and_access_tokens_do_not_pass_for_each_other(app, fake) {
        let (_, body) = wechat(&app, &fake.issue_code(OPENID)).await;
        let bind_token = body["bind_token"].as_str().unwrap().to_owned();
        let (status, body) = app.fetch(&api::GetMe, Some(&bind_token)).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("unauthenticated")));

        app.call(&api::OtpSendCode, None, &json!({"phone": PHONE})).await;
        let code = app.last_code(PHONE).unwrap();
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let attempt = |token: String, code: String| {
            let app = &app;
            async move {
                app.call(&api::WechatBindPhone, None, &json!({"bind_token": token, "phone": PHONE, "code": code}))
                    .await
            }
        };
        let (status, body) = attempt(bind_token.clone(), wrong.into()).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_code")));
        let (status, body) = attempt("not.a.token".into(), code.clone()).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_token")));
        // A bind token for another server's key, and an access token in its place.
        let staff = app.staff("13900139000", "县里的密码-2026", jifen_shared::auth::Role::CountyAdmin, "410783").await;
        assert!(staff > 0);
        let access = app.login("13900139000", "县里的密码-2026").await["access_token"].as_str().unwrap().to_owned();
        let (status, body) = attempt(access, code.clone()).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_token")));
        // The right token and code still work (the failed tries above did not use the code up).
        let (status, tokens) = attempt(bind_token.clone(), code).await;
        assert_eq!((status, tokens["user"]["name"].as_str()), (200, Some("张三")), "{tokens}");
        // Spent: the same bind token cannot re-point the WeChat account to another phone.
        sqlx::query("UPDATE otp_codes SET created_at = created_at - 120000").execute(app.db.writer()).await.unwrap();
        app.call(&api::OtpSendCode, None, &json!({"phone": PHONE})).await;
        let again = app.last_code(PHONE).unwrap();
        let (status, body) = attempt(bind_token, again).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_token")));
    }
}

wechat_tests! {
    async fn a_code_is_taken_only_from_the_browser_that_started_the_sign_in(app, fake) {
        // The attack: someone starts a sign-in with their own WeChat, stops at the redirect and
        // sends the callback link (their code and state) to a villager whose browser has its
        // own sign-in (or none). Nothing the villager's browser can send uses that code.
        let attacker_openid = "oAttacker0000000000000000001";
        let (status, attackers) = start(&app).await;
        assert_eq!(status, 200, "{attackers}");
        let code = fake.issue_code(attacker_openid);
        let (_, victims) = start(&app).await;
        let calls = fake.calls();
        for verifier in [victims["verifier"].clone(), json!("A".repeat(43))] {
            let body = json!({"code": code, "state": attackers["state"], "verifier": verifier});
            let (status, body) = app.call(&api::WechatSignIn, None, &body).await;
            assert_eq!((status, body["code"].as_str()), (401, Some("wechat_state_invalid")), "{body}");
        }
        // The villager's own state with the attacker's code is refused too (the pair is
        // checked, not the state alone); and WeChat was never asked.
        let body = json!({"code": code, "state": victims["state"], "verifier": attackers["verifier"]});
        let (status, _) = app.call(&api::WechatSignIn, None, &body).await;
        assert_eq!(status, 401);
        assert_eq!(fake.calls(), calls);
        let bound: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM wechat_bindings")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(bound, 0);

        // The attacker's own browser can finish (and gets a bind token, nothing more) once;
        // the same sign-in does not take a second code.
        let (status, body) = finish(&app, &attackers, &code).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["bind_token"].is_string());
        let (status, body) = finish(&app, &attackers, &fake.issue_code(attacker_openid)).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("wechat_state_invalid")));

        // A sign-in older than 10 minutes is refused.
        sqlx::query("UPDATE wechat_sign_ins SET expires_at = expires_at - 600001 WHERE state = $1")
            .bind(victims["state"].as_str().unwrap())
            .execute(app.db.writer())
            .await
            .unwrap();
        let (status, body) = finish(&app, &victims, &fake.issue_code(OPENID)).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("wechat_state_invalid")));
    }

    async fn the_authorisation_url_is_built_encoded_and_starts_are_limited(app, _fake) {
        let (status, started) = start(&app).await;
        assert_eq!(status, 200, "{started}");
        let state = started["state"].as_str().unwrap();
        let verifier = started["verifier"].as_str().unwrap();
        assert_eq!((state.len(), verifier.len()), (43, 43));
        assert_ne!(state, verifier);
        assert_eq!(started["expires_in"], 600);
        assert_eq!(
            started["authorize_url"].as_str().unwrap(),
            format!(
                "https://open.weixin.qq.com/connect/oauth2/authorize?appid={}\
                 &redirect_uri=https%3A%2F%2Fjifen.example.com%2Flogin%2Fwechat\
                 &response_type=code&scope=snsapi_base&state={state}#wechat_redirect",
                fake_wechat::APPID
            )
        );
        // The verifier itself is not kept, only its hash.
        let kept: String = sqlx::query_scalar("SELECT verifier_sha256 FROM wechat_sign_ins WHERE state = $1")
            .bind(state)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(kept.len(), 64);
        assert_ne!(kept, verifier);
        // 60 starts per address per 10 minutes.
        for _ in 1..60 {
            assert_eq!(start(&app).await.0, 200);
        }
        let (status, body) = start(&app).await;
        assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
        let stored: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM wechat_sign_ins")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(stored, 60);
    }
}

mod misconfigured {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wrong_secret_is_503_not_a_bad_code() {
        let (app, fake) = with_wechat(Backend::Sqlite, "wrong-secret").await.unwrap();
        let (status, body) = wechat(&app, &fake.issue_code(OPENID)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (503, Some("wechat_unavailable")),
            "{body}"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn without_credentials_wechat_sign_in_is_off() {
        let app = common::spawn_app(Backend::Sqlite).await.unwrap();
        let (_, methods) = app.fetch(&api::LoginMethodsOf, None).await;
        assert_eq!(methods, json!({"wechat_appid": null}));
        let (status, body) = wechat(&app, "0123456789abcdef").await;
        assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    }
}
