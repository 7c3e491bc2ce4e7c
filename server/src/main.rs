//! `jifen`: see `jifen --help` and README.md.

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = jifen_server::cli::Cli::parse();
    match jifen_server::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            // One line, no backtrace: "error: JIFEN_BIND: \"nonsense\" is not …".
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, skipping a cause its parent already quotes (sqlx
/// repeats its source in its own message).
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    let mut previous = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !previous.contains(&text) {
            if !line.is_empty() {
                line.push_str(": ");
            }
            line.push_str(&text);
        }
        previous = text;
    }
    line.replace('\n', " ")
}
