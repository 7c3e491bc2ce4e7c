//! Photos in an S3-compatible bucket (`JIFEN_MEDIA_S3_*`), against a real S3 server (`s3s-fs`,
//! SigV4 checked; see `common::s3`), on both databases: the files land in the bucket under
//! the data directory's layout and nowhere else, a second server of the deployment serves the
//! first one's photos, a store gone down answers 503 (an object gone from it: 500) and leaves
//! no row, and a server refuses to start with a bucket it cannot use.

mod common;

use common::s3::S3Server;
use common::{Backend, TestApp, spawn_app_with, spawn_beside};
use jifen_shared::api::{self, Endpoint as _};
use jifen_shared::auth::Role;
use sha2::{Digest, Sha256};

const LIUCUN: &str = "410783101230";
/// The deployment's shared signing secret (several servers on one PostgreSQL need one).
const SECRET: &str = "shared-county-signing-secret-5f0e9a7c31d2b486";

/// A villager of 柳村's token.
async fn someone(app: &TestApp) -> String {
    app.load_changyuan().await;
    app.staff_token("13900000001", Role::Villager, LIUCUN).await
}

/// GET `path` from `base` as `token`: (status, body).
async fn get(client: &reqwest::Client, base: &str, path: &str, token: &str) -> (u16, Vec<u8>) {
    let response = client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.bytes().await.unwrap().to_vec())
}

async fn media_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM media")
        .fetch_one(app.db.reader())
        .await
        .unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

db_tests! {
    async fn photos_live_in_the_bucket_and_every_server_serves_them(backend = backend) {
        let Some(s3) = S3Server::start() else { return };
        let Some(app) = spawn_app_with(backend, |s| {
            s.jwt_secret = Some(SECRET.into());
            s.media_s3 = Some(s3.settings("county/410783/"));
        })
        .await
        else {
            return;
        };
        let token = someone(&app).await;
        let id = app.upload_photo(&token, 7).await;
        let sha: String = sqlx::query_scalar("SELECT sha256 FROM media WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        // Both files are objects of the bucket, under the prefix and the directory layout…
        let key = format!("county/410783/media/{}/{sha}", &sha[..2]);
        let full = std::fs::read(s3.object_file(&format!("{key}.jpg"))).expect("the photo object");
        let thumb = std::fs::read(s3.object_file(&format!("{key}.thumb.jpg"))).expect("the thumbnail object");
        assert_eq!(sha256(&full), sha);
        // …and nothing was written to the data directory.
        assert!(!app.test_db.dir().join("data/media").exists());

        // Served from the bucket, the cache headers as for files.
        let path = api::GetMedia { id }.url_path();
        let (status, body) = get(&app.client, &app.address, &path, &token).await;
        assert_eq!((status, sha256(&body)), (200, sha.clone()));
        let (status, body) = get(&app.client, &app.address, &api::GetMediaThumb { id }.url_path(), &token).await;
        assert_eq!((status, body), (200, thumb));
        let again = app
            .client
            .get(app.url(&path))
            .bearer_auth(&token)
            .header("If-None-Match", format!("\"{sha}\""))
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304);

        // A second server of the deployment (same database, same bucket, its own empty data
        // directory) serves the photo the first received, and the other way round. On SQLite
        // one server owns the database file, so the second server is a PostgreSQL matter.
        if backend == Backend::Postgres {
            let other = spawn_beside(&app, |s| {
                s.jwt_secret = Some(SECRET.into());
                s.media_s3 = Some(s3.settings("county/410783/"));
            })
            .await
            .expect("a second server starts");
            let (status, body) = get(&app.client, &other.address, &path, &token).await;
            assert_eq!((status, sha256(&body)), (200, sha.clone()));
            let (status, media) = {
                let (form_type, body) = common::multipart_form("file", "b.jpg", "image/jpeg", &common::small_jpeg(9));
                let answer = other.api.request(&api::UploadMedia).bytes(&form_type, body).token(&token).send().await.unwrap();
                (answer.status, answer.json())
            };
            assert_eq!(status, 201, "{media}");
            let other_id = media["id"].as_i64().unwrap();
            let (status, body) = get(&app.client, &app.address, &api::GetMedia { id: other_id }.url_path(), &token).await;
            assert_eq!((status, sha256(&body)), (200, media["sha256"].as_str().unwrap().to_owned()));
        }
    }

    async fn a_store_gone_down_answers_503_and_keeps_no_row(backend = backend) {
        let Some(mut s3) = S3Server::start() else { return };
        let Some(app) = spawn_app_with(backend, |s| s3.configure(s)).await else { return };
        let token = someone(&app).await;
        let id = app.upload_photo(&token, 1).await;
        let rows = media_rows(&app).await;
        // An object gone from the bucket (deleted by hand) is the server's fault, not an
        // outage to wait out: 500, not 503.
        let sha: String = sqlx::query_scalar("SELECT sha256 FROM media WHERE id = $1")
            .bind(id)
            .fetch_one(app.db.reader())
            .await
            .unwrap();
        std::fs::remove_file(s3.object_file(&format!("media/{}/{sha}.thumb.jpg", &sha[..2]))).unwrap();
        let (status, _) = get(&app.client, &app.address, &api::GetMediaThumb { id }.url_path(), &token).await;
        assert_eq!(status, 500);
        s3.stop();
        let (status, body) = app
            .upload_as(Some(&token), "photo.jpg", "image/jpeg", &common::small_jpeg(2))
            .await;
        assert_eq!((status, body["code"].as_str()), (503, Some("unavailable")), "{body}");
        // The phone reads a plain sentence, not the bucket's address (that goes to the log).
        let message = body["message"].as_str().unwrap();
        assert!(!message.contains(&s3.endpoint) && !message.contains("s3://"), "{message}");
        assert_eq!(media_rows(&app).await, rows, "no row names a photo the store does not hold");
        let served = app
            .client
            .get(app.url(&api::GetMedia { id }.url_path()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 503);
        assert_eq!(served.headers()["retry-after"], "2");
    }

    async fn a_bucket_the_server_cannot_use_stops_it_at_start(backend = backend) {
        let Some(s3) = S3Server::start() else { return };
        for (what, change) in [
            ("a wrong secret", Box::new(|s: &mut jifen_server::config::S3Settings| s.secret_access_key = "not-the-secret".into()) as Box<dyn Fn(&mut _)>),
            ("a missing bucket", Box::new(|s: &mut jifen_server::config::S3Settings| s.bucket = "no-such-bucket".into())),
        ] {
            let Some(test_db) = common::TestDb::new(backend).await else { return };
            let mut settings = jifen_server::config::Settings::defaults();
            settings.bind = "127.0.0.1:0".parse().unwrap();
            settings.database_url = test_db.url.clone().into();
            settings.data_dir = test_db.dir().join("data");
            let mut s3_settings = s3.settings("");
            change(&mut s3_settings);
            settings.media_s3 = Some(s3_settings);
            let db = jifen_server::storage::Db::connect(&settings.database_url, std::time::Duration::from_secs(10)).await.unwrap();
            db.migrate().await.unwrap();
            let refused = match jifen_server::startup::Application::build(settings, db).await {
                Ok(_) => panic!("{what}: the server started"),
                Err(e) => format!("{e:#}"),
            };
            assert!(refused.contains("the photo store cannot be used"), "{what}: {refused}");
        }
    }
}
