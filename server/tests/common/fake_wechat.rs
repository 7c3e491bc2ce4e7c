//! A local stand-in for WeChat's web-authorisation API (公众号网页授权), following WeChat's
//! published behaviour for `GET /sns/oauth2/access_token?appid=&secret=&code=&grant_type=authorization_code`:
//! - success: `{access_token, expires_in: 7200, refresh_token, openid, scope: "snsapi_base", unionid}`;
//! - errors: `{errcode, errmsg}` with HTTP 200 — 41002 appid missing, 40013 invalid appid,
//!   41004 appsecret missing, 40125 invalid appsecret, 41008 missing code, 40002 invalid
//!   grant_type, 40029 invalid code (unknown or older than 5 minutes), 40163 code been used;
//! - bodies are JSON sent as `text/plain`, as WeChat does.
//!
//! Tests hand out codes with [`FakeWechat::issue_code`] (what WeChat's authorisation page would
//! put in the redirect) and can slow the answers down to make requests overlap.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::{App, HttpResponse, HttpServer, web};

pub const APPID: &str = "wx1234567890abcdef";
pub const SECRET: &str = "0123456789abcdef0123456789abcdef";
/// WeChat codes expire 5 minutes after they are issued.
pub const CODE_TTL: Duration = Duration::from_secs(5 * 60);

#[derive(Default)]
struct State {
    /// code → (openid, issued at, used)
    codes: Mutex<HashMap<String, (String, Instant, bool)>>,
    delay: Mutex<Duration>,
    /// Exchanges answered (successful or not).
    calls: AtomicUsize,
}

/// The running fake.
pub struct FakeWechat {
    /// `http://127.0.0.1:PORT`, for `JIFEN_WECHAT_API_BASE`.
    pub base: String,
    state: Arc<State>,
    handle: actix_web::dev::ServerHandle,
}

impl FakeWechat {
    /// Starts the fake on a free local port.
    pub async fn start() -> FakeWechat {
        let state = Arc::new(State::default());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/sns/oauth2/access_token", web::get().to(access_token))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        FakeWechat {
            base,
            state,
            handle,
        }
    }

    /// A fresh code for `openid`, as after the user passed WeChat's authorisation page.
    pub fn issue_code(&self, openid: &str) -> String {
        self.issue_code_at(openid, Instant::now())
    }

    /// A code for `openid` issued at `at` (in the past, to test expiry).
    pub fn issue_code_at(&self, openid: &str, at: Instant) -> String {
        let code = uuid::Uuid::new_v4().simple().to_string();
        self.state
            .codes
            .lock()
            .unwrap()
            .insert(code.clone(), (openid.to_owned(), at, false));
        code
    }

    /// Makes every answer wait `delay` first.
    pub fn set_delay(&self, delay: Duration) {
        *self.state.delay.lock().unwrap() = delay;
    }

    /// How many exchanges the fake has answered.
    pub fn calls(&self) -> usize {
        self.state.calls.load(Ordering::SeqCst)
    }

    /// Stops answering (connections are then refused).
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

fn answer(body: serde_json::Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain")
        .body(body.to_string())
}

fn error(errcode: i64, errmsg: &str) -> HttpResponse {
    answer(
        serde_json::json!({"errcode": errcode, "errmsg": format!("{errmsg}, rid: 6650a1b2-0c1d2e3f-4a5b6c7d")}),
    )
}

async fn access_token(
    query: web::Query<HashMap<String, String>>,
    state: web::Data<State>,
) -> HttpResponse {
    let delay = *state.delay.lock().unwrap();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    state.calls.fetch_add(1, Ordering::SeqCst);
    let get = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    match get("appid") {
        "" => return error(41002, "appid missing"),
        APPID => {}
        _ => return error(40013, "invalid appid"),
    }
    match get("secret") {
        "" => return error(41004, "appsecret missing"),
        SECRET => {}
        _ => return error(40125, "invalid appsecret"),
    }
    if get("code").is_empty() {
        return error(41008, "missing code");
    }
    if get("grant_type") != "authorization_code" {
        return error(40002, "invalid grant_type");
    }
    let mut codes = state.codes.lock().unwrap();
    let Some((openid, issued, used)) = codes.get_mut(get("code")) else {
        return error(40029, "invalid code");
    };
    if issued.elapsed() > CODE_TTL {
        return error(40029, "invalid code");
    }
    if *used {
        return error(40163, "code been used");
    }
    *used = true;
    answer(serde_json::json!({
        "access_token": format!("ACCESS_{}", uuid::Uuid::new_v4().simple()),
        "expires_in": 7200,
        "refresh_token": format!("REFRESH_{}", uuid::Uuid::new_v4().simple()),
        "openid": openid,
        "scope": "snsapi_base",
        "is_snapshotuser": 0,
        "unionid": format!("union-{openid}"),
    }))
}
