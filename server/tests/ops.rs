//! Operational endpoints, the error model, the OpenAPI document and the PWA's static serving.

mod common;

use std::collections::BTreeSet;

use jifen_shared::api::{self, Endpoint as _};

db_tests! {
    async fn healthz_and_readyz_answer(app) {
        let (status, body) = app.get_json("/healthz").await;
        assert_eq!((status, body), (200, serde_json::json!({"status": "ok"})));
        let (status, body) = app.get_json("/readyz").await;
        assert_eq!((status, body), (200, serde_json::json!({"status": "ok"})));
        // With the database gone, readiness fails but liveness holds.
        app.db.close().await;
        let (status, body) = app.get_json("/readyz").await;
        assert_eq!((status, body), (503, serde_json::json!({"status": "unavailable"})));
        let (status, _) = app.get_json("/healthz").await;
        assert_eq!(status, 200);
    }

    async fn other_methods_on_ops_paths_are_405_not_the_pwa(app) {
        std::fs::write(app.web_dir.join("index.html"), "<!doctype html>").unwrap();
        for path in ["/healthz", "/readyz", "/metrics"] {
            let response = app.client.head(app.url(path)).send().await.unwrap();
            assert_eq!(response.status(), 405, "{path}");
            assert_eq!(response.headers()["allow"], "GET");
            let response = app.client.post(app.url(path)).send().await.unwrap();
            assert_eq!(response.status(), 405, "{path}");
        }
    }

    async fn slashes_are_normalised_before_routing(app) {
        let region = api::GetRegion { code: "410783".into() }.url_path();
        // Well-formed but for the trailing slash, and doubled slashes (by nature malformed).
        for path in ["/readyz/".into(), "//readyz".into(), format!("{region}/"), "//api//v1/regions/410783".into()] {
            let response = app.client.get(app.url(&path)).send().await.unwrap();
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            if path.contains("readyz") {
                assert_eq!((status, &body["status"]), (200, &serde_json::json!("ok")), "{path}");
            } else {
                assert_eq!((status, &body["code"]), (404, &serde_json::json!("not_found")), "{path}");
                assert!(body["message"].as_str().unwrap().contains("410783"), "{path}: routed as a region");
            }
        }
    }

    async fn unknown_methods_are_501_and_do_not_grow_the_metrics(app) {
        for i in 0..5 {
            let method = reqwest::Method::from_bytes(format!("M{i}X").as_bytes()).unwrap();
            let response = app.client.request(method, app.url("/healthz")).send().await.unwrap();
            assert_eq!(response.status(), 501);
        }
        let text = app.client.get(app.url("/metrics")).bearer_auth(common::METRICS_TOKEN).send().await.unwrap().text().await.unwrap();
        assert!(!text.contains("M0X"), "{text}");
    }

    async fn metrics_count_requests_by_route(app) {
        app.fetch(&api::GetRegion { code: "410783".into() }, None).await;
        app.fetch(&api::GetRegion { code: "410783".into() }, None).await;
        let response = app.client.get(app.url("/metrics")).bearer_auth(common::METRICS_TOKEN).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        let text = response.text().await.unwrap();
        assert!(
            text.contains(&format!(r#"jifen_http_requests_total{{endpoint="{}{}",method="GET",status="404"}} 2"#, api::PREFIX, api::GetRegion::TEMPLATE)),
            "{text}"
        );
        let pool = match app.test_db.backend {
            common::Backend::Sqlite => "writer",
            common::Backend::Postgres => "shared",
        };
        assert!(text.contains(&format!(r#"jifen_db_connections{{pool="{pool}",state="idle"}}"#)), "{text}");
    }

    async fn every_answer_carries_the_security_headers_and_the_page_its_script_hashes(app) {
        use base64::Engine as _;
        use sha2::{Digest, Sha256};
        let script = "\nimport init from \"/app-0123456789abcdef.js\";\ninit();\n";
        let page = format!("<!doctype html><title>积分</title><script type=\"module\">{script}</script><script src=\"/x.js\"></script>");
        std::fs::write(app.web_dir.join("index.html"), &page).unwrap();
        std::fs::write(app.web_dir.join("index.html.br"), b"brotli-bytes").unwrap();
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()));
        let policy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' blob:; \
                      connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
        let page_policy = policy.replace("'wasm-unsafe-eval'", &format!("'wasm-unsafe-eval' 'sha256-{hash}'"));
        let region = api::GetRegion { code: "410783".into() }.url_path();
        for (path, encoding, expected) in [
            ("/", "identity", page_policy.as_str()),
            ("/regions/410783101", "br", &page_policy),
            ("/index.html", "gzip", &page_policy),
            ("/healthz", "identity", policy),
            (&region, "identity", policy),
            (api::OPENAPI_PATH, "identity", policy),
            ("/missing.js", "identity", policy),
        ] {
            let response = app.client.get(app.url(path)).header("accept-encoding", encoding).send().await.unwrap();
            let headers = response.headers();
            assert_eq!(headers["content-security-policy"], expected, "{path}");
            assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(headers["x-frame-options"], "DENY", "{path}");
            assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        }
    }

    async fn every_response_carries_a_request_id(app) {
        let response = app.client.get(app.url("/healthz")).send().await.unwrap();
        let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
        assert_eq!(id.len(), 36, "a UUID: {id}");
        let other = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_ne!(other.headers()["x-request-id"].to_str().unwrap(), id);
    }

    async fn unknown_api_routes_are_json_404(app) {
        let unknown = format!("{}/nope", api::PREFIX);
        for path in [unknown.as_str(), "/api/v2/regions/410783", "/api"] {
            let (status, body) = app.get_json(path).await;
            assert_eq!(status, 404, "{path}");
            assert_eq!(body["code"], "not_found");
        }
        // A declared path with a method it does not take.
        let response = app.client.post(app.api.url(&api::GetRegion { code: "410783".into() })).send().await.unwrap();
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "not_found");
    }

    async fn every_declared_endpoint_is_routed_as_declared(app) {
        let (_, doc) = app.get_json(api::OPENAPI_PATH).await;
        let mut routed = BTreeSet::new();
        for (path, operations) in doc["paths"].as_object().unwrap() {
            let Some(template) = path.strip_prefix(api::PREFIX).filter(|_| path != api::OPENAPI_PATH) else {
                continue;
            };
            for (method, operation) in operations.as_object().unwrap() {
                routed.insert((method.to_uppercase(), template.to_owned()));
                let Some(declared) = api::ENDPOINTS
                    .iter()
                    .find(|e| e.template == template && e.method.as_str().eq_ignore_ascii_case(method))
                else {
                    continue; // reported below
                };
                let name = declared.name;
                let idempotent = operation["parameters"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"));
                assert_eq!(idempotent, declared.idempotent, "{name}: Idempotency-Key");
                let body = &operation["requestBody"]["content"]["application/json"]["schema"];
                match declared.body {
                    "()" => assert!(body.is_null(), "{name}: the route takes a JSON body {body}"),
                    "Binary" => assert!(body.is_null(), "{name}: the route takes a JSON body {body}"),
                    declared_body => assert_eq!(schema_name(body), declared_body, "{name}: body"),
                }
                let (status, response) = operation["responses"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .find(|(status, _)| status.starts_with('2'))
                    .unwrap_or_else(|| panic!("{name}: no success documented"));
                let schema = &response["content"]["application/json"]["schema"];
                match declared.response {
                    "()" => assert_eq!(status, "204", "{name}: answers a body"),
                    "Binary" => assert!(schema.is_null(), "{name}: answers JSON"),
                    declared_response => {
                        assert_eq!(schema_name(schema), declared_response, "{name}: answer")
                    }
                }
            }
        }
        let declared: BTreeSet<_> = api::ENDPOINTS
            .iter()
            .map(|e| (e.method.as_str().to_owned(), e.template.to_owned()))
            .collect();
        assert_eq!(
            routed.difference(&declared).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "routed but not declared in jifen_shared::api"
        );
        assert_eq!(
            declared.difference(&routed).collect::<Vec<_>>(),
            Vec::<&(String, String)>::new(),
            "declared in jifen_shared::api but not routed"
        );
    }

    async fn openapi_documents_every_route(app) {
        let (status, doc) = app.get_json(api::OPENAPI_PATH).await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths: BTreeSet<_> = doc["paths"].as_object().unwrap().keys().cloned().collect();
        // The operational paths and every declared endpoint (`jifen_shared::api`), no more.
        let expected: BTreeSet<String> = ["/healthz", "/readyz", "/metrics", api::OPENAPI_PATH]
            .into_iter()
            .map(String::from)
            .chain(api::ENDPOINTS.iter().map(|e| format!("{}{}", api::PREFIX, e.template)))
            .collect();
        assert_eq!(paths, expected);
        // Every GET answers with a documented status (no route is only in the document).
        for path in expected.iter().filter(|p| doc["paths"][p.as_str()]["get"].is_object()) {
            let concrete = path.replace("{code}", "410783");
            let response = app.client.get(app.url(&concrete)).send().await.unwrap();
            let documented: Vec<String> = doc["paths"][path]["get"]["responses"]
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            assert!(
                documented.contains(&response.status().as_u16().to_string()),
                "{path}: {}",
                response.status()
            );
        }
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
        assert!(doc["components"]["schemas"]["Region"].is_object());
    }

    async fn pwa_is_served_with_cache_rules_and_spa_fallback(app) {
        // Before the build: a clear page, not a crash.
        let response = app.client.get(app.url("/")).send().await.unwrap();
        assert_eq!(response.status(), 503);
        assert!(response.text().await.unwrap().contains("cargo xtask web"));

        let web = &app.web_dir;
        std::fs::write(web.join("index.html"), "<!doctype html><title>积分</title>").unwrap();
        std::fs::write(web.join("app-0123456789abcdef.js"), "console.log(1)").unwrap();
        std::fs::write(web.join("app-0123456789abcdef.js.br"), b"brotli-bytes").unwrap();
        std::fs::write(web.join("sw.js"), "self").unwrap();
        std::fs::write(web.join("icon-192.png"), b"png").unwrap();

        for path in ["/", "/regions/410783101", "/deep/link/here"] {
            let response = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(response.headers()["cache-control"], "no-cache");
            assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
            assert!(response.text().await.unwrap().contains("积分"));
        }
        let js = app.client.get(app.url("/app-0123456789abcdef.js")).send().await.unwrap();
        assert_eq!(js.headers()["cache-control"], "public, max-age=31536000, immutable");
        assert!(js.headers()["content-type"].to_str().unwrap().contains("javascript"));
        assert_eq!(js.text().await.unwrap(), "console.log(1)");
        let br = app
            .client
            .get(app.url("/app-0123456789abcdef.js"))
            .header("accept-encoding", "gzip, br")
            .send()
            .await
            .unwrap();
        assert_eq!(br.headers()["content-encoding"], "br");
        assert!(br.headers().get("content-disposition").is_none(), "shown, not downloaded");
        assert!(br.headers()["content-type"].to_str().unwrap().contains("javascript"));
        assert_eq!(br.bytes().await.unwrap().as_ref(), b"brotli-bytes");
        // A range of the file, never of its compressed copy.
        let range = app
            .client
            .get(app.url("/app-0123456789abcdef.js"))
            .header("accept-encoding", "br")
            .header("range", "bytes=0-6")
            .send()
            .await
            .unwrap();
        assert_eq!(range.status(), 206);
        assert!(range.headers().get("content-encoding").is_none_or(|e| e == "identity"));
        assert_eq!(range.text().await.unwrap(), "console");
        let direct = app.client.get(app.url("/app-0123456789abcdef.js.br")).send().await.unwrap();
        assert_eq!(direct.status(), 404);
        let sw = app.client.get(app.url("/sw.js")).send().await.unwrap();
        assert_eq!(sw.headers()["cache-control"], "no-cache");
        let icon = app.client.get(app.url("/icon-192.png")).send().await.unwrap();
        assert_eq!(icon.headers()["cache-control"], "public, max-age=3600");
        for path in ["/missing.js", "/../Cargo.toml", "/.secret", "/%2e%2e/Cargo.toml", "/%2e%2e/%2e%2e/server/Cargo.toml"] {
            let response = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(response.status(), 404, "{path}");
        }
    }
}

db_tests! {
    async fn metrics_answer_only_the_configured_token(backend = backend) {
        let Some(app) = common::spawn_app(backend).await else { return };
        let metrics = |token: Option<&str>| {
            let mut request = app.client.get(app.url("/metrics"));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send()
        };
        for token in [None, Some("test-metrics-scraper-tokeN"), Some("")] {
            let response = metrics(token).await.unwrap();
            assert_eq!(response.status(), 401, "{token:?}");
            assert_eq!(response.headers()["www-authenticate"], "Bearer");
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body, serde_json::json!({"code": "unauthenticated", "message": "send Authorization: Bearer <JIFEN_METRICS_TOKEN>"}));
        }
        let response = metrics(Some(common::METRICS_TOKEN)).await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(response.text().await.unwrap().contains("jifen_db_connections"));
        // Without the setting (the default) nobody gets them.
        let Some(off) = common::spawn_app_with(backend, |s| s.metrics_token = None).await else { return };
        let response = off.client.get(off.url("/metrics")).bearer_auth(common::METRICS_TOKEN).send().await.unwrap();
        assert_eq!(response.status(), 404);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body, serde_json::json!({"code": "not_found", "message": "metrics are off; set JIFEN_METRICS_TOKEN to scrape them"}));
    }
}

/// The Rust type an OpenAPI schema stands for, as a declaration writes it: `Claim` for a
/// `$ref` to `Claim`, `Vec<Rule>` for an array of them, `Page<Claim>` for utoipa's
/// `Page_Claim`; an optional body (`null` or the type: `POST /auth/logout`) as its type.
fn schema_name(schema: &serde_json::Value) -> String {
    if let Some([null, body]) = schema["oneOf"].as_array().map(Vec::as_slice)
        && null["type"] == "null"
    {
        return schema_name(body);
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return match name.split_once('_') {
            Some((outer, inner)) => format!("{outer}<{inner}>"),
            None => name.to_owned(),
        };
    }
    if schema["type"] == "array" {
        return format!("Vec<{}>", schema_name(&schema["items"]));
    }
    schema.to_string()
}
