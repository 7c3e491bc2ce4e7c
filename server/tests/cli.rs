//! The `jifen` binary as an operator meets it: bad configuration, bad files, repeated runs.

mod common;

use std::process::{Command, Output};

fn jifen(data_dir: &std::path::Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jifen"));
    cmd.args(args).env("JIFEN_DATA_DIR", data_dir);
    for key in [
        "JIFEN_DATABASE_URL",
        "JIFEN_BIND",
        "JIFEN_CONFIG",
        "RUST_BACKTRACE",
    ] {
        cmd.env_remove(key);
    }
    cmd.env("RUST_BACKTRACE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run jifen")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A failure is one line starting with `error:` naming the cause, and never a panic.
fn assert_one_line_error(o: &Output, starts: &str) {
    assert_ne!(o.status.code(), Some(0));
    let err = stderr(o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(starts), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

#[test]
fn nonsense_bind_exits_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = jifen(dir.path(), &[("JIFEN_BIND", "nonsense")], &["serve"]);
    assert_one_line_error(
        &o,
        "error: JIFEN_BIND: \"nonsense\" is not a listen address",
    );
}

#[test]
fn unreachable_databases_exit_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = jifen(
        dir.path(),
        &[(
            "JIFEN_DATABASE_URL",
            "postgres://jifen:pw@127.0.0.1:1/jifen",
        )],
        &["serve"],
    );
    assert_one_line_error(
        &o,
        "error: cannot connect to the database at postgres://jifen:***@127.0.0.1:1/jifen",
    );
    assert!(!stderr(&o).contains("pw@"), "the password is not printed");
    let o = jifen(
        dir.path(),
        &[("JIFEN_DATABASE_URL", "mysql://x")],
        &["migrate"],
    );
    assert_one_line_error(&o, "error: JIFEN_DATABASE_URL");
    let o = jifen(
        dir.path(),
        &[("JIFEN_DATABASE_URL", "sqlite:///proc/no/such/dir/x.db")],
        &["migrate"],
    );
    assert_one_line_error(
        &o,
        "error: cannot create the data directory /proc/no/such/dir",
    );
}

#[test]
fn other_bad_settings_name_their_variable() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value) in [
        ("JIFEN_TIMEZONE", "Mars/Base"),
        ("JIFEN_SMS_PROVIDER", "pigeon"),
        ("JIFEN_LOG_FORMAT", "xml"),
    ] {
        let o = jifen(dir.path(), &[(var, value)], &["migrate"]);
        assert_one_line_error(&o, &format!("error: {var}"));
    }
    let o = jifen(
        dir.path(),
        &[("JIFEN_CONFIG", "/no/such/file.toml")],
        &["migrate"],
    );
    assert_one_line_error(
        &o,
        "error: configuration file /no/such/file.toml does not exist",
    );
}

#[test]
fn numeric_looking_values_stay_strings() {
    let dir = tempfile::tempdir().unwrap();
    // A county code and an all-digit secret with a leading zero are strings, not numbers.
    let o = jifen(
        dir.path(),
        &[
            ("JIFEN_HOME_REGION", "410783"),
            ("JIFEN_WECHAT_APPID", "wx0123456789abcdef"),
            ("JIFEN_WECHAT_SECRET", "0456"),
            ("JIFEN_PUBLIC_ORIGIN", "https://jifen.example.com"),
        ],
        &["migrate"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn environment_encoding_and_odd_urls_are_handled() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let not_utf8 = std::ffi::OsStr::from_bytes(b"\xff\xfe");
    // Somebody else's variable may hold anything.
    let o = Command::new(env!("CARGO_BIN_EXE_jifen"))
        .arg("migrate")
        .env("JIFEN_DATA_DIR", dir.path())
        .env("SOMEONE_ELSES", not_utf8)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Ours must be UTF-8.
    let o = Command::new(env!("CARGO_BIN_EXE_jifen"))
        .arg("migrate")
        .env("JIFEN_DATA_DIR", dir.path())
        .env("JIFEN_HOME_REGION", not_utf8)
        .output()
        .unwrap();
    assert_one_line_error(&o, "error: JIFEN_HOME_REGION: the value is not valid UTF-8");
    let o = jifen(
        dir.path(),
        &[("JIFEN_DATABASE_URL", "sqlite:")],
        &["migrate"],
    );
    assert_one_line_error(
        &o,
        "error: JIFEN_DATABASE_URL: a SQLite URL needs a file path",
    );
    let o = jifen(
        dir.path(),
        &[("JIFEN_DATABASE_URL", "sqlite:///dev/null")],
        &["migrate"],
    );
    assert_one_line_error(
        &o,
        "error: cannot connect to the database at sqlite:///dev/null: ",
    );
    let o = jifen(dir.path(), &[("JIFEN_LOG", "info,[")], &["migrate"]);
    assert_one_line_error(&o, "error: JIFEN_LOG");
    let o = jifen(
        dir.path(),
        &[("JIFEN_CONFIG", dir.path().to_str().unwrap())],
        &["migrate"],
    );
    assert_one_line_error(&o, "error: configuration file");
    assert!(stderr(&o).contains("is not a file"));
}

#[test]
fn concurrent_first_runs_and_imports_on_one_sqlite_file_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let Some(shared) = common::national_data_dir() else {
        return;
    };
    let streets = shared.join("streets.csv.gz");
    // Three processes start on a fresh file at once: migrations and imports queue, none fails.
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_jifen"))
                .args(["import-divisions", streets.to_str().unwrap()])
                .env("JIFEN_DATA_DIR", dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut inserted = 0;
    for child in children {
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        let line = out.lines().find(|l| l.starts_with("total:")).unwrap();
        inserted += line
            .split(" rows: ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse::<u64>()
            .unwrap();
    }
    assert_eq!(
        inserted, 41_352,
        "each township inserted exactly once across the three runs"
    );
}

#[test]
fn config_file_values_apply_and_env_wins() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("jifen.toml");
    std::fs::write(&file, "timezone = \"Nowhere/City\"\n").unwrap();
    let o = jifen(
        dir.path(),
        &[],
        &["--config", file.to_str().unwrap(), "migrate"],
    );
    assert_one_line_error(&o, "error: JIFEN_TIMEZONE");
    let o = jifen(
        dir.path(),
        &[("JIFEN_TIMEZONE", "Asia/Shanghai")],
        &["--config", file.to_str().unwrap(), "migrate"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A misspelt key in the file is refused; unrelated JIFEN_* variables are not settings.
    std::fs::write(&file, "bnd = \"127.0.0.1:9\"\n").unwrap();
    let o = jifen(
        dir.path(),
        &[],
        &["--config", file.to_str().unwrap(), "migrate"],
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("unknown field"), "{}", stderr(&o));
    let o = jifen(dir.path(), &[("JIFEN_SOMETHING_ELSE", "x")], &["migrate"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn import_divisions_is_idempotent_and_reports_bad_rows_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let first = jifen(dir.path(), &[], &["import-divisions"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(
        stdout(&first)
            .contains("total: 641 rows: 641 inserted, 0 updated, 0 unchanged, 0 rejected"),
        "{}",
        stdout(&first)
    );
    let second = jifen(dir.path(), &[], &["import-divisions"]);
    assert!(
        stdout(&second)
            .contains("total: 641 rows: 0 inserted, 0 updated, 641 unchanged, 0 rejected"),
        "{}",
        stdout(&second)
    );

    let bad = dir.path().join("villages.csv");
    std::fs::write(
        &bad,
        "code,name,streetCode,provinceCode,cityCode,areaCode\n\
         410783101901,\"新村村委会\",410783101,41,4107,410783\n\
         410783101902,\"\",410783101,41,4107,410783\n\
         410783101903,\"缺列村\"\n\
         4107831019AB,\"字母村\",410783101,41,4107,410783\n",
    )
    .unwrap();
    let o = jifen(
        dir.path(),
        &[],
        &["import-divisions", bad.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "rows were rejected");
    assert!(
        stdout(&o).contains("4 rows (village): 1 inserted, 0 updated, 0 unchanged, 3 rejected"),
        "{}",
        stdout(&o)
    );
    let err = stderr(&o);
    assert!(err.contains("villages.csv:3: empty_name"), "{err}");
    assert!(err.contains("villages.csv:4: missing_column"), "{err}");
    assert!(err.contains("villages.csv:5: invalid_code"), "{err}");

    let not_csv = dir.path().join("notes.txt");
    std::fs::write(&not_csv, "hello\nworld\n").unwrap();
    let o = jifen(
        dir.path(),
        &[],
        &["import-divisions", not_csv.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not an NBS division CSV"),
        "{}",
        stderr(&o)
    );

    let o = jifen(dir.path(), &[], &["import-divisions", "/no/such.csv"]);
    assert_one_line_error(&o, "error: cannot read /no/such.csv");
}

#[test]
fn import_divisions_reads_plain_and_gzipped_national_files() {
    let dir = tempfile::tempdir().unwrap();
    let Some(shared) = common::national_data_dir() else {
        return;
    };
    let file = |name: &str| shared.join(name).to_str().unwrap().to_owned();
    let (provinces, cities, areas, streets) = (
        file("provinces.csv"),
        file("cities.csv"),
        file("areas.csv"),
        file("streets.csv.gz"),
    );
    let o = jifen(
        dir.path(),
        &[],
        &["import-divisions", &streets, &provinces, &cities, &areas],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("streets.csv.gz: 41352 rows (township): 41352 inserted"),
        "{out}"
    );
    assert!(out.contains("total: 44703 rows: 44703 inserted"), "{out}");
}

#[test]
fn help_lists_the_subcommands() {
    let dir = tempfile::tempdir().unwrap();
    let o = jifen(dir.path(), &[], &["--help"]);
    let out = stdout(&o);
    for cmd in ["serve", "migrate", "import-divisions", "sweep"] {
        assert!(out.contains(cmd), "{out}");
    }
    let o = jifen(dir.path(), &[], &["import-divisions", "--help"]);
    assert!(stdout(&o).contains("Exit status"));
}

#[test]
fn import_villagers_reports_counts_and_bad_lines_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        jifen(dir.path(), &[], &["import-divisions"]).status.code(),
        Some(0)
    );
    let file = dir.path().join("villagers.csv");
    std::fs::write(
        &file,
        "name,phone,village_code,household,tags\n\
         张三,13800138000,410783101230,0101,党员\n\
         李四,12345,410783101230,0102,\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    let o = jifen(dir.path(), &[], &["import-villagers", path]);
    assert_eq!(o.status.code(), Some(1), "a row was rejected");
    assert!(
        stdout(&o).contains("1 created, 0 updated, 0 unchanged, 1 rejected"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains("villagers.csv:3: invalid_phone"),
        "{}",
        stderr(&o)
    );
    let again = jifen(dir.path(), &[], &["import-villagers", path]);
    assert!(
        stdout(&again).contains("0 created, 0 updated, 1 unchanged, 1 rejected"),
        "{}",
        stdout(&again)
    );
    let o = jifen(dir.path(), &[], &["import-villagers", "/no/such.csv"]);
    assert_one_line_error(&o, "error: cannot read /no/such.csv");
}

#[test]
fn create_admin_checks_its_arguments_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        jifen(dir.path(), &[], &["import-divisions"]).status.code(),
        Some(0)
    );
    let args = |phone: &str, password: &str, role: &str, region: &str| {
        [
            "create-admin",
            "--phone",
            phone,
            "--password",
            password,
            "--role",
            role,
            "--region",
            region,
        ]
        .map(str::to_owned)
    };
    let run = |a: [String; 9]| jifen(dir.path(), &[], &a.each_ref().map(String::as_str));
    let o = run(args(
        "138 0013 8000",
        "长垣县里的管理员密码",
        "county_admin",
        "410783",
    ));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o).trim(),
        "138****8000 can sign in with their password as county_admin of 长垣市 (410783)"
    );
    let again = run(args(
        "13800138000",
        "another-password",
        "township_admin",
        "410783101",
    ));
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    for (a, expected) in [
        (
            args("12345", "long-enough", "county_admin", "410783"),
            "error: --phone",
        ),
        (
            args("13800138000", "short", "county_admin", "410783"),
            "error: --password",
        ),
        (
            args("13800138000", "long-enough", "villager", "410783101230"),
            "error: --role",
        ),
        (
            args("13800138000", "long-enough", "mayor", "410783"),
            "error: --role",
        ),
        (
            args("13800138000", "long-enough", "village_admin", "410783"),
            "error: --region: a village_admin is granted over a village",
        ),
        (
            args("13800138000", "long-enough", "county_admin", "999999"),
            "error: --region: no region 999999",
        ),
    ] {
        assert_one_line_error(&run(a), expected);
    }
}

#[test]
fn sweep_runs_once_as_of_a_time_and_refuses_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let o = jifen(dir.path(), &[], &["sweep", "--at", "2026-06-01T08:00:00Z"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "as of 2026-06-01T08:00:00Z: 0 redemptions lapsed, 0 orders escalated, 0 orders rated, 0 overdue claims sent up\n"
    );
    let o = jifen(dir.path(), &[], &["sweep", "--at", "tomorrow"]);
    assert_one_line_error(&o, "error: --at tomorrow: not an RFC 3339 time");
}

#[test]
fn check_vets_a_database_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("restored.db");
    let url = format!("sqlite://{}", db.display());
    let env = [("JIFEN_DATABASE_URL", url.as_str())];
    // No file: refused, and none made.
    let o = jifen(dir.path(), &env, &["check"]);
    assert_one_line_error(
        &o,
        &format!("error: {}: no such database file", db.display()),
    );
    assert!(!db.exists());
    // An empty file is not a database of ours (and is not turned into one).
    std::fs::write(&db, b"").unwrap();
    let o = jifen(dir.path(), &env, &["check"]);
    assert_one_line_error(
        &o,
        &format!("error: {}: not a SQLite database file", db.display()),
    );
    assert_eq!(std::fs::metadata(&db).unwrap().len(), 0);
    // Another program's SQLite database is not one of ours.
    let other = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        .status();
    if other.is_ok_and(|s| s.success()) {
        let o = jifen(dir.path(), &env, &["check"]);
        assert_one_line_error(&o, "error: not a Jifen database");
    }
    // A whole database passes: a backup made as docs/deployment.md says (VACUUM INTO, with
    // Debian's sqlite3, which scripts/test installs) of a database `jifen migrate` made.
    std::fs::remove_file(&db).unwrap();
    let live = dir.path().join("live").join("jifen.db");
    let live_url = format!("sqlite://{}", live.display());
    let o = jifen(
        dir.path(),
        &[("JIFEN_DATABASE_URL", live_url.as_str())],
        &["migrate"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let backup = std::process::Command::new("sqlite3")
        .arg(&live)
        .arg(format!("VACUUM INTO '{}'", db.display()))
        .status();
    if !backup.is_ok_and(|s| s.success()) {
        eprintln!("the rest of this test skipped: no sqlite3 to make a backup with");
        return;
    }
    // Every file of the directory, with its bytes.
    let files = || {
        let mut all: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
            .collect();
        all.sort();
        all
    };
    let before = files();
    let o = jifen(dir.path(), &env, &["check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("ledger invariants hold"),
        "{}",
        stdout(&o)
    );
    // Read as it is: not a byte changed, nothing made beside it.
    assert!(files() == before, "jifen check changed the directory");
    // A copy with writes still in a WAL beside it is refused, not read without them.
    let wal = dir.path().join("restored.db-wal");
    std::fs::write(&wal, b"not yet checkpointed").unwrap();
    let o = jifen(dir.path(), &env, &["check"]);
    assert_one_line_error(
        &o,
        &format!("error: {}: its latest writes are in", db.display()),
    );
    std::fs::remove_file(&wal).unwrap();
    // …one from an older build does not.
    let sqlite = std::process::Command::new("sqlite3")
        .arg(&db)
        .arg("DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)")
        .status();
    if sqlite.is_ok_and(|s| s.success()) {
        let o = jifen(dir.path(), &env, &["check"]);
        assert_one_line_error(&o, "error: the database lacks migrations");
    }
}

/// `jifen serve` on a free port of 127.0.0.1 with `env` added: answers what `requests` (raw
/// HTTP/1.1 requests, each on its own connection) got, then stops it and answers its
/// standard error (the log).
fn serve_and_log(env: &[(&str, &str)], requests: &[String]) -> (Vec<String>, String) {
    use std::io::{BufRead, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jifen"));
    cmd.arg("serve")
        .env("JIFEN_DATA_DIR", dir.path())
        .env("JIFEN_BIND", "127.0.0.1:0")
        .env("JIFEN_WEB_DIR", dir.path().join("web"))
        .env_remove("JIFEN_DATABASE_URL")
        .env_remove("JIFEN_CONFIG")
        .env_remove("JIFEN_TRUSTED_PROXIES")
        .env_remove("JIFEN_LOG_FORMAT")
        .env_remove("JIFEN_LOG")
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start jifen serve");
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let address = first
        .trim()
        .strip_prefix("Jifen is serving on http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("{first:?}"))
        .to_owned();
    let answers = requests
        .iter()
        .map(|request| {
            let mut stream = std::net::TcpStream::connect(&address).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            answer
        })
        .collect();
    // Let the last lines reach the pipe, then stop the server this test started.
    std::thread::sleep(std::time::Duration::from_millis(300));
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    (answers, stderr(&output))
}

fn get(path: &str, headers: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: jifen.test\r\n{headers}Connection: close\r\n\r\n")
}

#[test]
fn a_line_break_in_a_path_cannot_forge_a_log_line() {
    let board = jifen_shared::api::VillageBoard {
        code: "410783101230%0AFORGED%20LINE%1B%5B2J".into(),
    };
    let (answers, log) = serve_and_log(
        &[],
        &[get(&jifen_shared::api::Endpoint::url_path(&board), "")],
    );
    assert!(answers[0].starts_with("HTTP/1.1 400 "), "{}", answers[0]);
    assert!(
        answers[0]
            .ends_with(r#"{"code":"invalid_input","message":"code: a village code is 12 digits"}"#),
        "{}",
        answers[0]
    );
    assert!(log.contains("FORGED"), "the request was logged: {log}");
    for line in log.lines() {
        assert!(
            !line.contains("FORGED") || line.contains("%0AFORGED"),
            "a forged line: {line:?}\n{log}"
        );
        assert!(!line.contains('\u{1b}'), "a terminal escape: {line:?}");
    }
}

#[test]
fn the_log_keeps_paths_not_their_queries() {
    let board = jifen_shared::api::VillageBoard { code: "abc".into() };
    let path = jifen_shared::api::Endpoint::url_path(&board);
    let (answers, log) = serve_and_log(
        &[("JIFEN_LOG_FORMAT", "json")],
        &[get(
            &format!("{path}?phone=13812345678&code=wx-one-time-code"),
            "",
        )],
    );
    assert!(answers[0].starts_with("HTTP/1.1 400 "), "{}", answers[0]);
    assert!(
        log.contains(&format!("\"http.target\":\"{path}\"")),
        "{log}"
    );
    assert!(
        !log.contains("13812345678") && !log.contains("wx-one-time-code"),
        "{log}"
    );
}

#[test]
fn the_log_names_the_client_the_proxy_rules_decided() {
    let board = jifen_shared::api::VillageBoard { code: "abc".into() };
    let forged = get(
        &jifen_shared::api::Endpoint::url_path(&board),
        "X-Forwarded-For: 6.6.6.6, 203.0.113.9\r\n",
    );
    let client_ip = |log: &str| -> Vec<String> {
        log.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|l| l["span"]["http.client_ip"].as_str().map(str::to_owned))
            .collect()
    };
    // No trusted proxy: the peer, whatever the header says.
    let (answers, log) = serve_and_log(
        &[("JIFEN_LOG_FORMAT", "json")],
        std::slice::from_ref(&forged),
    );
    assert!(answers[0].starts_with("HTTP/1.1 400 "), "{}", answers[0]);
    assert_eq!(client_ip(&log), ["127.0.0.1"], "{log}");
    assert!(
        !log.contains("6.6.6.6") && !log.contains("203.0.113.9"),
        "{log}"
    );
    // Behind a trusted proxy on 127.0.0.1: the right-most address it vouches for.
    let (_, log) = serve_and_log(
        &[
            ("JIFEN_LOG_FORMAT", "json"),
            ("JIFEN_TRUSTED_PROXIES", "127.0.0.1"),
        ],
        &[forged],
    );
    assert_eq!(client_ip(&log), ["203.0.113.9"], "{log}");
    assert!(!log.contains("6.6.6.6"), "{log}");
}
