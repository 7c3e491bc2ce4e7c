//! Sign-in, sessions and the access matrix on both databases.

mod common;

use jifen_shared::api;

use base64::Engine;
use jifen_shared::auth::Role;
use serde_json::json;

const PASSWORD: &str = "县里的密码-2026";

fn b64(v: &serde_json::Value) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
}

fn hs256(secret: &[u8], claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap()
}

async fn get_me(app: &common::TestApp, token: &str) -> u16 {
    app.request(&api::GetMe)
        .token(token)
        .send()
        .await
        .unwrap()
        .status
}

db_tests! {
    async fn staff_sign_in_and_see_themselves(app) {
        app.load_changyuan().await;
        let id = app.staff("13800138000", PASSWORD, Role::VillageAdmin, "410783101230").await;
        let tokens = app.login("+86 138-0013-8000", PASSWORD).await;
        assert_eq!(tokens["expires_in"], 900);
        assert_eq!(tokens["user"]["id"], id);
        assert_eq!(tokens["user"]["phone_masked"], "138****8000");
        assert_eq!(tokens["user"]["roles"], json!([{"role": "village_admin", "region_code": "410783101230"}]));
        let access = tokens["access_token"].as_str().unwrap();
        let me: serde_json::Value = app.request(&api::GetMe).token(access).send().await.unwrap().json();
        assert_eq!(me["name"], "测试员");
        assert_eq!(me["balance"], 0);
    }

    async fn wrong_passwords_and_unknown_phones_look_the_same(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        for (phone, password) in [("13800138000", "wrong-password"), ("13900139000", PASSWORD), ("not a phone", PASSWORD), ("13800138000", "")] {
            let (status, body) = app.call(&api::PasswordSignIn, None, &json!({"phone": phone, "password": password})).await;
            assert_eq!((status, body["code"].as_str()), (401, Some("invalid_credentials")), "{phone}");
        }
        let (status, body) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000"})).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")));
    }

    async fn password_guessing_is_slowed_per_phone(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        for _ in 0..10 {
            let (status, _) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": "guess"})).await;
            assert_eq!(status, 401);
        }
        let (status, body) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": PASSWORD})).await;
        assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "even the right password waits");
        let response = app
            .request(&api::PasswordSignIn)
            .json(&json!({"phone": "13800138000", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let retry_after: u64 = response.headers["retry-after"].to_str().unwrap().parse().unwrap();
        // The oldest failure leaves the hour then (argon2 makes the ten tries take a while on
        // a busy machine).
        assert!((3300..=3600).contains(&retry_after), "{retry_after}");
        // Another account is not locked by this one's failures.
        app.staff("13900139000", PASSWORD, Role::CountyAdmin, "410783").await;
        app.login("13900139000", PASSWORD).await;
    }

    async fn refresh_tokens_rotate_and_a_replay_revokes_the_family(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        let first = app.login("13800138000", PASSWORD).await;
        let r1 = first["refresh_token"].as_str().unwrap().to_owned();
        let (status, second) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": r1})).await;
        assert_eq!(status, 200, "{second}");
        let r2 = second["refresh_token"].as_str().unwrap().to_owned();
        assert_ne!(r1, r2);
        assert_eq!(get_me(&app, second["access_token"].as_str().unwrap()).await, 200);
        let (status, third) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": r2})).await;
        assert_eq!(status, 200);
        let r3 = third["refresh_token"].as_str().unwrap().to_owned();
        // The first token again after its successor was used: a replay. Refused, and the
        // newest one of the same family dies with it.
        let (status, body) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": r1})).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_token")));
        let (status, _) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": r3})).await;
        assert_eq!(status, 401);
        // Another session (another family) is untouched.
        let other = app.login("13800138000", PASSWORD).await;
        let (status, _) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": other["refresh_token"]})).await;
        assert_eq!(status, 200);
    }

    async fn two_refreshes_at_once_yield_one_session(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        let tokens = app.login("13800138000", PASSWORD).await;
        let body = json!({"refresh_token": tokens["refresh_token"]});
        let (a, b) = tokio::join!(
            app.call(&api::RefreshTokens, None, &body),
            app.call(&api::RefreshTokens, None, &body)
        );
        // Both answered (the second within the grace period); the session lives on through
        // whichever token was issued last, and the other is retired without ending it.
        assert_eq!((a.0, b.0), (200, 200));
        // Both new tokens stay valid: the tabs' cookies may arrive in either order.
        for answer in [&a.1, &b.1] {
            let token = answer["refresh_token"].clone();
            let (status, _) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": token})).await;
            assert_eq!(status, 200);
        }
    }

    async fn a_lost_refresh_answer_does_not_sign_the_villager_out(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        let r1 = app.login("13800138000", PASSWORD).await["refresh_token"].clone();
        let refresh = |token: serde_json::Value| {
            let app = &app;
            async move { app.call(&api::RefreshTokens, None, &json!({"refresh_token": token})).await }
        };
        let (status, _lost) = refresh(r1.clone()).await; // the answer never reaches the phone
        assert_eq!(status, 200);
        let (status, retried) = refresh(r1.clone()).await; // the villager taps again
        assert_eq!(status, 200, "{retried}");
        let (status, next) = refresh(retried["refresh_token"].clone()).await;
        assert_eq!(status, 200, "the family lives on: {next}");
        // Past the grace period the same retry is a replay and ends the session.
        sqlx::query("UPDATE refresh_tokens SET rotated_at = rotated_at - 31000 WHERE rotated_at IS NOT NULL")
            .execute(app.db.writer())
            .await
            .unwrap();
        let (status, _) = refresh(retried["refresh_token"].clone()).await;
        assert_eq!(status, 401);
        let (status, _) = refresh(next["refresh_token"].clone()).await;
        assert_eq!(status, 401, "family revoked");
    }

    async fn a_replay_after_a_successor_was_used_ends_the_session_at_once(app) {
        // Within the grace period too: the owner has moved on, so the old token is a replay.
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        let stolen = app.login("13800138000", PASSWORD).await["refresh_token"].clone();
        let refresh = |token: serde_json::Value| {
            let app = &app;
            async move { app.call(&api::RefreshTokens, None, &json!({"refresh_token": token})).await }
        };
        let (_, first) = refresh(stolen.clone()).await;
        let (status, second) = refresh(first["refresh_token"].clone()).await;
        assert_eq!(status, 200);
        let (status, body) = refresh(stolen).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_token")));
        let (status, _) = refresh(second["refresh_token"].clone()).await;
        assert_eq!(status, 401, "the owner's session ended too");
    }

    async fn the_pwa_keeps_its_refresh_token_in_an_http_only_cookie(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        let response = app
            .request(&api::PasswordSignIn)
            .json(&json!({"phone": "13800138000", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        let cookie = response.headers["set-cookie"].to_str().unwrap().to_owned();
        for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth"] {
            assert!(cookie.contains(attribute), "{cookie}");
        }
        let pair = cookie.split(';').next().unwrap().to_owned();
        let refreshed = app.request(&api::RefreshTokens).header("cookie", &pair).send().await.unwrap();
        assert_eq!(refreshed.status, 200);
        let next = refreshed.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        assert_ne!(next, pair, "rotated");
        // The old cookie again at once (the answer was lost): a new one.
        let again = app.request(&api::RefreshTokens).header("cookie", &pair).send().await.unwrap();
        assert_eq!(again.status, 200);
        let third = again.headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let sibling = app.request(&api::RefreshTokens).header("cookie", &next).send().await.unwrap();
        assert_eq!(sibling.status, 200, "both answers stay valid");
        let out = app.request(&api::Logout).header("cookie", &third).send().await.unwrap();
        assert_eq!(out.status, 204);
        assert!(out.headers["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
        let none = app.request(&api::RefreshTokens).send().await.unwrap();
        assert_eq!(none.status, 401);
    }

    async fn a_new_password_ends_the_old_sessions(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        let tokens = app.login("13800138000", PASSWORD).await;
        app.staff("13800138000", "a-brand-new-password", Role::CountyAdmin, "410783").await;
        let (status, _) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": tokens["refresh_token"]})).await;
        assert_eq!(status, 401);
        let (status, _) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": PASSWORD})).await;
        assert_eq!(status, 401);
        app.login("13800138000", "a-brand-new-password").await;
    }

    async fn staff_change_their_own_password(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::VillageAdmin, "410783101230").await;
        let tokens = app.login("13800138000", PASSWORD).await;
        let access = tokens["access_token"].as_str().unwrap();
        let change = |current: &str, new: &str| json!({"current_password": current, "new_password": new});
        // Wrong current password, and new ones too short, too long, the same, the phone number.
        let (status, body) = app.call(&api::ChangeOwnPassword, Some(access), &change("wrong", "another-good-one")).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_credentials")));
        for bad in ["short", &"长".repeat(129), PASSWORD, "13800138000", "+8613800138000", "          "] {
            let (status, body) = app.call(&api::ChangeOwnPassword, Some(access), &change(PASSWORD, bad)).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{bad}: {body}");
        }
        let (status, body) = app.call(&api::ChangeOwnPassword, Some(access), &json!({"current_password": PASSWORD})).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(app.fetch(&api::ChangeOwnPassword, None).await.0, 401);
        // A good one: a new session; the old refresh token and password no longer work.
        let (status, fresh) = app.call(&api::ChangeOwnPassword, Some(access), &change(PASSWORD, "柳村的新密码 2026")).await;
        assert_eq!(status, 200, "{fresh}");
        assert_eq!(fresh["user"]["must_change_password"], false);
        let (status, _) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": tokens["refresh_token"]})).await;
        assert_eq!(status, 401, "the old password's sessions end");
        let (status, _) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": fresh["refresh_token"]})).await;
        assert_eq!(status, 200, "the new session lives");
        let (status, _) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": PASSWORD})).await;
        assert_eq!(status, 401);
        app.login("13800138000", "柳村的新密码 2026").await;
        // Wrong current passwords count with the sign-in failures.
        for _ in 0..9 {
            app.call(&api::ChangeOwnPassword, Some(access), &change("guess", "another-good-one")).await;
        }
        let (status, body) = app.call(&api::ChangeOwnPassword, Some(access), &change("柳村的新密码 2026", "another-good-one")).await;
        assert_eq!((status, body["code"].as_str()), (429, Some("rate_limited")), "{body}");
        let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'password.%'")
            .fetch_all(app.db.reader()).await.unwrap();
        assert_eq!(actions, ["password.change"]);
    }

    async fn a_reset_password_works_once_and_must_be_replaced(app) {
        app.load_changyuan().await;
        let county = app.staff_token("13800138001", Role::CountyAdmin, "410783").await;
        let township = app.staff_token("13800138002", Role::TownshipAdmin, "410783101").await;
        let village_admin = app.staff("13800138000", PASSWORD, Role::VillageAdmin, "410783101230").await;
        let old = app.login("13800138000", PASSWORD).await;
        let other_township = app.staff_token("13800138003", Role::TownshipAdmin, "410783102").await;
        let township_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613800138002'")
            .fetch_one(app.db.reader()).await.unwrap();
        // Who may not: another township's admin, the village admin upwards, anyone on themselves.
        let (status, _) = app.fetch(&api::ResetPassword { id: village_admin }, Some(&other_township)).await;
        assert_eq!(status, 403);
        let (status, _) = app.fetch(&api::ResetPassword { id: township_id }, Some(old["access_token"].as_str().unwrap())).await;
        assert_eq!(status, 403);
        let (status, _) = app.fetch(&api::ResetPassword { id: township_id }, Some(&township)).await;
        assert_eq!(status, 403);
        assert_eq!(app.fetch(&api::ResetPassword { id: 999_999 }, Some(&county)).await.0, 404);
        // Never a peer: one county admin does not reset another's (nobody could undo it).
        let county_peer = app.staff_token("13800138004", Role::CountyAdmin, "410783").await;
        let county_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613800138001'")
            .fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(app.fetch(&api::ResetPassword { id: county_id }, Some(&county_peer)).await.0, 403);
        let below = app.staff("13800138005", PASSWORD, Role::TownshipAdmin, "410783102").await;
        assert_eq!(app.fetch(&api::ResetPassword { id: below }, Some(&county_peer)).await.0, 200);
        // Ten wrong passwords lock the phone for an hour; the reset below lifts that.
        for _ in 0..10 {
            app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": "guess"})).await;
        }
        let (status, _) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": PASSWORD})).await;
        assert_eq!(status, 429);
        // The township admin resets the village admin's password.
        let (status, reset) = app.fetch(&api::ResetPassword { id: village_admin }, Some(&township)).await;
        assert_eq!(status, 200, "{reset}");
        let one_time = reset["one_time_password"].as_str().unwrap().to_owned();
        assert_eq!(one_time.len(), 10);
        assert!(one_time.chars().all(|c| "ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(c)), "{one_time}");
        let (status, _) = app.call(&api::RefreshTokens, None, &json!({"refresh_token": old["refresh_token"]})).await;
        assert_eq!(status, 401, "the old sessions end");
        let (status, _) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": PASSWORD})).await;
        assert_eq!(status, 401);
        // Signed in with it, only /me and the change are answered.
        let tokens = app.login("13800138000", &one_time).await;
        assert_eq!(tokens["user"]["must_change_password"], true);
        let access = tokens["access_token"].as_str().unwrap();
        assert_eq!(get_me(&app, access).await, 200);
        let (status, body) = app.fetch(&api::InboxList { query: Default::default() }, Some(access)).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("password_change_required")), "{body}");
        let (status, _) = app.fetch(&api::ResetPassword { id: township_id }, Some(access)).await;
        assert_eq!(status, 403);
        let change = json!({"current_password": one_time, "new_password": "我自己的新密码2026"});
        let (status, fresh) = app.call(&api::ChangeOwnPassword, Some(access), &change).await;
        assert_eq!(status, 200, "{fresh}");
        assert_eq!(fresh["user"]["must_change_password"], false);
        let access = fresh["access_token"].as_str().unwrap();
        assert_eq!(app.fetch(&api::InboxList { query: Default::default() }, Some(access)).await.0, 200);
        let (status, _) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": one_time})).await;
        assert_eq!(status, 401, "the one-time password worked once");
        // A villager has no password to reset; the reset and the change are audited, never the passwords.
        let csv = "name,phone,village_code\n李四,13600136000,410783101230\n";
        jifen_server::people::import::import_villagers(&app.db, csv.as_bytes(), None, &|_| true).await.unwrap();
        let villager: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613600136000'")
            .fetch_one(app.db.reader()).await.unwrap();
        let (status, body) = app.fetch(&api::ResetPassword { id: villager }, Some(&township)).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")));
        // A one-time password not replaced within 72 hours no longer signs in.
        let (_, again) = app.fetch(&api::ResetPassword { id: village_admin }, Some(&township)).await;
        let stale = again["one_time_password"].as_str().unwrap();
        let long_ago = jifen_server::storage::now_ms() - jifen_server::auth::ONE_TIME_TTL_MS - 1000;
        sqlx::query("UPDATE people SET password_reset_at = $1 WHERE id = $2").bind(long_ago).bind(village_admin)
            .execute(app.db.writer()).await.unwrap();
        let (status, body) = app.call(&api::PasswordSignIn, None, &json!({"phone": "13800138000", "password": stale})).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("invalid_credentials")));
        let audit: Vec<(String, Option<i64>, String, Option<String>)> = sqlx::query_as(
            "SELECT action, actor_id, target, after FROM audit_log WHERE action LIKE 'password.%' ORDER BY id")
            .fetch_all(app.db.reader()).await.unwrap();
        let county_peer_id: i64 = sqlx::query_scalar("SELECT id FROM people WHERE phone = '+8613800138004'")
            .fetch_one(app.db.reader()).await.unwrap();
        assert_eq!(audit, [
            ("password.reset".into(), Some(county_peer_id), format!("person:{below}"), None),
            ("password.reset".into(), Some(township_id), format!("person:{village_admin}"), None),
            ("password.change".into(), Some(village_admin), format!("person:{village_admin}"), None),
            ("password.reset".into(), Some(township_id), format!("person:{village_admin}"), None),
        ]);
    }

    async fn logout_ends_the_session(app) {
        app.load_changyuan().await;
        app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        let tokens = app.login("13800138000", PASSWORD).await;
        let body = json!({"refresh_token": tokens["refresh_token"]});
        let (status, _) = app.call(&api::Logout, None, &body).await;
        assert_eq!(status, 204);
        let (status, _) = app.call(&api::RefreshTokens, None, &body).await;
        assert_eq!(status, 401);
        let (status, _) = app.call(&api::Logout, None, &json!({"refresh_token": "unknown"})).await;
        assert_eq!(status, 204);
    }

    async fn forged_expired_and_malformed_access_tokens_are_401(app) {
        app.load_changyuan().await;
        let id = app.staff("13800138000", PASSWORD, Role::CountyAdmin, "410783").await;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        let other_key = b"another-deployments-key-0123456789abcdef";
        let forged = [
            hs256(other_key, &json!({"sub": id.to_string(), "exp": now + 600})),
            format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&json!({"sub": id.to_string(), "exp": now + 600}))),
            format!("{}.{}.c2ln", b64(&json!({"alg": "HS512", "typ": "JWT"})), b64(&json!({"sub": id.to_string(), "exp": now + 600}))),
            "not.a.jwt".to_owned(),
            String::new(),
        ];
        for token in &forged {
            assert_eq!(get_me(&app, token).await, 401, "{token}");
        }
        // Signed with the deployment's own key but with bad claims.
        let key = std::fs::read(app.test_db.dir().join("data/secrets/jwt.key")).unwrap();
        let aud = "jifen:access";
        for claims in [
            json!({"sub": id.to_string(), "aud": aud, "exp": now - 3600}),
            json!({"sub": id.to_string(), "aud": aud, "exp": (now + 600).to_string()}),
            json!({"sub": id.to_string(), "aud": aud}),
            json!({"aud": aud, "exp": now + 600}),
            json!({"sub": "999999", "aud": aud, "exp": now + 600}),
            json!({"sub": id.to_string(), "exp": now + 600}),
            json!({"sub": id.to_string(), "aud": "jifen:wechat-bind", "exp": now + 600}),
        ] {
            assert_eq!(get_me(&app, &hs256(&key, &claims)).await, 401, "{claims}");
        }
        assert_eq!(get_me(&app, &hs256(&key, &json!({"sub": id.to_string(), "aud": aud, "exp": now + 600}))).await, 200);
        let response = app.request(&api::GetMe).send().await.unwrap();
        assert_eq!(response.status, 401);
        let body: serde_json::Value = response.json();
        assert_eq!(body["code"], "unauthenticated");
    }

    async fn me_requires_a_session_and_any_role_sees_itself(app) {
        app.load_changyuan().await;
        for (i, role) in Role::ALL.into_iter().filter(|r| *r != Role::Villager).enumerate() {
            let region = match role.levels()[0] {
                jifen_shared::regions::RegionLevel::County => "410783",
                jifen_shared::regions::RegionLevel::Township => "410783101",
                jifen_shared::regions::RegionLevel::Grid => {
                    sqlx::query("INSERT INTO regions (code, name, level, parent_code, created_at, updated_at) VALUES ('410783101230-002', '二网格', 'grid', '410783101230', 0, 0) ON CONFLICT (code) DO NOTHING")
                        .execute(app.db.writer()).await.unwrap();
                    "410783101230-002"
                }
                _ => "410783101230",
            };
            let phone = format!("1360000{i:04}");
            app.staff(&phone, PASSWORD, role, region).await;
            let tokens = app.login(&phone, PASSWORD).await;
            assert_eq!(get_me(&app, tokens["access_token"].as_str().unwrap()).await, 200, "{role}");
            assert_eq!(tokens["user"]["roles"][0]["role"], role.as_str());
        }
    }
}
