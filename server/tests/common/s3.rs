//! A real S3-compatible server for the tests: `s3s-fs` (crates.io, the `s3s` project's file
//! system back end: the S3 REST protocol with SigV4 signatures checked), installed by
//! `scripts/lib.sh` (`ensure_s3_server`) and named by `JIFEN_TEST_S3S_FS`. Without it the
//! tests that need it say so and pass, unless `JIFEN_TEST_REQUIRE_S3=1` (the README's test
//! command and CI set it).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use jifen_server::config::{S3Settings, Settings};

/// The access key every test server takes.
pub const ACCESS_KEY: &str = "jifen-test-access";
/// Its secret.
pub const SECRET_KEY: &str = "jifen-test-secret-0123456789";
/// The bucket made at start.
pub const BUCKET: &str = "jifen-photos";

/// A running `s3s-fs`; killed when dropped.
pub struct S3Server {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Its root directory: each bucket is a directory, each object a file under it.
    pub root: tempfile::TempDir,
    child: Child,
}

impl S3Server {
    /// Starts one on a free port with [`BUCKET`] made; `None` (said on stderr) when
    /// `JIFEN_TEST_S3S_FS` is not set, a failure instead when `JIFEN_TEST_REQUIRE_S3=1`.
    pub fn start() -> Option<S3Server> {
        let Ok(binary) = std::env::var("JIFEN_TEST_S3S_FS") else {
            if std::env::var("JIFEN_TEST_REQUIRE_S3").as_deref() == Ok("1") {
                panic!("JIFEN_TEST_REQUIRE_S3=1 but JIFEN_TEST_S3S_FS is not set");
            }
            eprintln!(
                "object-store test skipped: JIFEN_TEST_S3S_FS is not set (scripts/test sets it)"
            );
            return None;
        };
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(root.path().join(BUCKET)).expect("bucket directory");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(&binary)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY])
            .arg(root.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let server = S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            root,
            child,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "s3s-fs did not listen within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// The settings of a deployment keeping its photos in [`BUCKET`] under `prefix`.
    pub fn settings(&self, prefix: &str) -> S3Settings {
        S3Settings {
            bucket: BUCKET.into(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            prefix: prefix.into(),
            access_key_id: ACCESS_KEY.into(),
            secret_access_key: jifen_server::config::Secret::from(SECRET_KEY),
        }
    }

    /// Points `settings` at this server (no prefix).
    pub fn configure(&self, settings: &mut Settings) {
        settings.media_s3 = Some(self.settings(""));
    }

    /// The file of object `key` of [`BUCKET`] on the server's disk.
    pub fn object_file(&self, key: &str) -> PathBuf {
        self.root.path().join(BUCKET).join(key)
    }

    /// Stops the server (a store gone down); the tests then see what the app does.
    pub fn stop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.stop();
    }
}
