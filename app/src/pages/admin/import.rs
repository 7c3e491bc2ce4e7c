//! `/admin/import` (导入村民名册): pick the register as a CSV file, upload it with a progress bar
//! (`POST /admin/villagers/import`, `text/csv`), then see how many people were added, updated
//! or unchanged and every rejected line with a plain explanation of its code. A failed upload
//! keeps the chosen file for a retry. The columns are explained and a sample file is offered.

use jifen_shared::ErrorCode;
use jifen_shared::api::ImportVillagers;
use jifen_shared::auth::RoleGrant;
use jifen_shared::imports::RowError;
use jifen_shared::people::VillagerImportReport;
use jifen_shared::regions::RegionLevel;
use leptos::prelude::*;

use super::AdminFrame;
use crate::api::{self, ApiFailure, Upload};
use crate::components::{ProgressBar, picked_files};
use crate::i18n::{Text, line_no, row_problem, t, tr, uploading, use_locale};
use crate::pages::{Trouble, explain};
use crate::session::use_session;

#[component]
pub fn ImportPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant| view! { <ImportScreen grant /> } /> }
}

/// Where an import stands.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Idle,
    /// The fraction of the file sent; at 1.0 the server is importing.
    Sending(f64),
    Done(VillagerImportReport),
    Failed(ApiFailure),
}

/// The sample register: the header and two made-up villagers of the admin's village (or of
/// 留村, 长垣市, for a township or county admin), with a BOM so that Excel reads it as UTF-8.
fn sample_href(grant: &RoleGrant) -> String {
    let village = match grant.region_code.level() {
        RegionLevel::Village => grant.region_code.as_str(),
        _ => "410783101230",
    };
    let csv = format!(
        "\u{feff}name,phone,village_code,grid_code,household,tags\r\n\
         张三,13800000001,{village},,0101,党员;村民代表\r\n\
         李四,13800000002,{village},,0102,\r\n"
    );
    let encoded: String = js_sys::encode_uri_component(&csv).into();
    format!("data:text/csv;charset=utf-8,{encoded}")
}

/// "18.4 KB".
fn file_size(bytes: f64) -> String {
    if bytes < 1024.0 {
        format!("{bytes} B")
    } else if bytes < 1024.0 * 1024.0 {
        format!("{:.1} KB", bytes / 1024.0)
    } else {
        format!("{:.1} MB", bytes / 1024.0 / 1024.0)
    }
}

#[component]
fn ImportScreen(grant: RoleGrant) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    // A `File` is a browser object: it lives in this thread's storage.
    let file = RwSignal::new_local(None::<web_sys::File>);
    let file_label = RwSignal::new(None::<String>);
    let phase = RwSignal::new(Phase::Idle);
    let sending = Memo::new(move |_| matches!(phase.get(), Phase::Sending(_)));

    let on_pick = move |ev: leptos::ev::Event| {
        if let Some(picked) = picked_files(&ev).into_iter().next() {
            file_label.set(Some(format!(
                "{} · {}",
                picked.name(),
                file_size(picked.size())
            )));
            file.set(Some(picked));
            phase.set(Phase::Idle);
        }
    };

    let start = move || {
        let Some(chosen) = file.get_untracked() else {
            return;
        };
        if sending.get_untracked() {
            return;
        }
        phase.set(Phase::Sending(0.0));
        leptos::task::spawn_local(async move {
            let result = session
                .authed(|token| {
                    let chosen = chosen.clone();
                    async move {
                        api::upload(
                            &ImportVillagers,
                            &token,
                            Upload::File(&chosen, "text/csv"),
                            move |sent| phase.set(Phase::Sending(sent)),
                        )
                        .await
                    }
                })
                .await;
            phase.set(match result {
                Ok(report) => Phase::Done(report),
                Err(failure) => Phase::Failed(failure),
            });
        });
    };

    let column = move |name: &'static str, text: Text| {
        view! {
            <tr>
                <th scope="row"><code>{name}</code></th>
                <td>{tr(text)}</td>
            </tr>
        }
    };

    view! {
        <h1 class="region-name">{tr(Text::ImportVillagers)}</h1>
        <section class="card help">
            <p class="help-text">{tr(Text::ImportHowTo)}</p>
            <details class="columns-help">
                <summary>{tr(Text::ColumnsHelp)}</summary>
                <table class="columns">
                    <tbody>
                        {column("name", Text::ColName)}
                        {column("phone", Text::ColPhone)}
                        {column("village_code", Text::ColVillage)}
                        {column("grid_code", Text::ColGrid)}
                        {column("household", Text::ColHousehold)}
                        {column("tags", Text::ColTags)}
                    </tbody>
                </table>
                <p class="hint">{tr(Text::ImportAgain)}</p>
            </details>
            <a class="secondary wide link-button" download="村民名册样例.csv" href=sample_href(&grant)>
                {tr(Text::DownloadSample)}
            </a>
        </section>

        <div class="upload">
            <label class="file-pick" class:disabled=move || sending.get()>
                <input
                    class="visually-hidden"
                    type="file"
                    accept=".csv,text/csv"
                    on:change=on_pick
                    disabled=move || sending.get()
                />
                <svg class="file-icon" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M6 3h8l4 4v14H6z M14 3v4h4" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
                </svg>
                <span>
                    {move || t(
                        locale.get(),
                        if file_label.get().is_some() { Text::ChooseAnother } else { Text::ChooseFile },
                    )}
                </span>
            </label>
            {move || file_label.get().map(|label| view! { <p class="file-name">{label}</p> })}
            <button
                class="primary wide"
                type="button"
                disabled=move || file_label.get().is_none() || sending.get()
                on:click=move |_| start()
            >
                {tr(Text::Upload)}
            </button>
            {move || match phase.get() {
                Phase::Sending(sent) => view! { <Progress sent /> }.into_any(),
                Phase::Failed(failure) => view! {
                    <UploadFailure failure retry=Callback::new(move |_| start()) />
                }
                    .into_any(),
                _ => ().into_any(),
            }}
        </div>
        {move || match phase.get() {
            Phase::Done(report) => view! { <Report report /> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// The upload's progress bar; once the file is sent, the server's import (a full bar, and
/// a sentence saying so).
#[component]
fn Progress(sent: f64) -> impl IntoView {
    let locale = use_locale();
    let working = sent >= 1.0;
    view! {
        <div class="progress-box" role="status">
            <ProgressBar sent working />
            <p class="progress-text">
                {move || if working {
                    t(locale.get(), Text::Importing).to_owned()
                } else {
                    uploading(locale.get(), sent)
                }}
            </p>
        </div>
    }
}

/// Why the file was not imported (with the server's words on a file it refused); a retry with
/// the same file when that may help.
#[component]
fn UploadFailure(failure: ApiFailure, retry: Callback<()>) -> impl IntoView {
    let text = match &failure {
        ApiFailure::Network => Text::UploadFailedKept,
        f if f.code() == Some(ErrorCode::InvalidInput) => Text::NotAVillagerCsv,
        f if f.code() == Some(ErrorCode::Forbidden) => Text::NotStaff,
        f => explain(f),
    };
    let detail = match &failure {
        ApiFailure::Server(body) if body.code == ErrorCode::InvalidInput => {
            Some(body.message.clone())
        }
        _ => None,
    };
    view! { <Trouble failure text retry detail /> }
}

/// The counts, then every rejected line: its number, what its code means, the server's words.
#[component]
fn Report(report: VillagerImportReport) -> impl IntoView {
    let rejected = report.errors.len() as u64;
    let stat = move |n: u64, text: Text, warn: bool| {
        let warn = warn && n > 0;
        view! {
            <div class="stat" class:warn=warn>
                <span class="stat-number">{n}</span>
                <span class="stat-label">{tr(text)}</span>
            </div>
        }
    };
    let VillagerImportReport {
        created,
        updated,
        unchanged,
        errors,
    } = report;
    view! {
        <section class="card report" aria-live="polite">
            <h2 class="report-title">{tr(Text::ImportDone)}</h2>
            <div class="stats">
                {stat(created, Text::Created, false)}
                {stat(updated, Text::Updated, false)}
                {stat(unchanged, Text::Unchanged, false)}
                {stat(rejected, Text::Rejected, true)}
            </div>
        </section>
        {if errors.is_empty() && created + updated + unchanged == 0 {
            view! { <p class="form-notice error" role="alert">{tr(Text::NoRows)}</p> }.into_any()
        } else if errors.is_empty() {
            view! { <p class="form-notice">{tr(Text::AllRowsGood)}</p> }.into_any()
        } else {
            view! {
                <h2 class="section-title">{tr(Text::BadRows)}</h2>
                <ol class="list row-errors">
                    {errors.into_iter().map(|e| view! { <RowProblem error=e /> }).collect_view()}
                </ol>
            }
                .into_any()
        }}
    }
}

#[component]
fn RowProblem(error: RowError) -> impl IntoView {
    let locale = use_locale();
    let RowError {
        line,
        code,
        message,
    } = error;
    view! {
        <li class="row-error">
            <span class="line-no">{move || line_no(locale.get(), line)}</span>
            <span class="problem">
                <span class="problem-text">{move || row_problem(locale.get(), &code)}</span>
                // The server's words (English) stay under the plain sentence: they name the
                // value and the earlier line it clashes with.
                <span class="detail">{message}</span>
            </span>
        </li>
    }
}
