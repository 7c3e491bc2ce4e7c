//! WeChat sign-in (公众号网页授权) against a local fake of WeChat's API, on both databases:
//! binding an unknown openid with an SMS code, signing in once bound, the same code delivered
//! twice, WeChat's error codes, WeChat down, and bind tokens that must not pass as anything
//! else.

mod common;

use jifen_shared::api;

use std::time::{Duration, Instant};

use common::fake_wechat::{self, FakeWechat};
use common::{Backend, TestApp};
use jifen_server::config::WechatCredentials;
use serde_json::json;

const PHONE: &str = "+8613800138000";
const OPENID: &str = "oAbCdEfGhIjKlMnOpQrStUvWxYz1";

/// The app with WeChat pointed at a fresh fake (secret as given), and one registered villager.
async fn with_wechat(backend: Backend, secret: &str) -> Option<(TestApp, FakeWechat)> {
    let fake = FakeWechat::start().await;
    let base = fake.base.clone();
    let secret = secret.to_owned();
    let app = common::spawn_app_with(backend, move |s| {
        s.wechat_api_base = base;
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

async fn wechat(app: &TestApp, code: &str) -> (u16, serde_json::Value) {
    app.call(&api::WechatSignIn, None, &json!({"code": code}))
        .await
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
        let (a, b) = tokio::join!(wechat(&app, &code), wechat(&app, &code));
        assert_eq!(a.0, 200, "{}", a.1);
        assert_eq!(a, b);
        assert!(a.1["refresh_token"].is_string());
        // A third delivery a moment later: still the same answer, still one exchange.
        let c = wechat(&app, &code).await;
        assert_eq!(c, a);
        assert_eq!(fake.calls(), calls + 1);
        let families: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM refresh_families")
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        assert_eq!(families, 2, "one session from the bind, one from the repeated code");
        // The same code from another browser (a shared or overlooked callback URL): WeChat is
        // asked again and refuses it.
        let elsewhere = app
            .request(&api::WechatSignIn)
            .header("user-agent", "SomeoneElse/1.0")
            .json(&json!({"code": code}))
            .send()
            .await
            .unwrap();
        assert_eq!(elsewhere.status, 401);
        let body: serde_json::Value = elsewhere.json();
        assert_eq!(body["code"], "wechat_code_invalid");
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
