//! `/admin/overview` (数据概览): the figures of the admin's region over 近7天, 近30天, 本月 or
//! chosen dates (`GET /admin/reports/overview`) — points issued, spent and held, participation,
//! claims, service orders, ratings, recycling and the top rules — with small charts drawn as
//! inline SVG (no chart library in the wasm) and 导出CSV for each table, fetched with the
//! bearer token and saved through a `Blob` URL. A township or county admin taps a region of
//! 各地对比 to see its own figures (`?region=CODE`, kept inside the admin's region).
//!
//! Hooks for browser tests: `data-testid="overview"` on the figures with `data-region` set to
//! the region shown; `overview-issued`, `overview-spent`, `overview-outstanding`,
//! `overview-participation` on the points figures (`data-value` holds the raw number);
//! `overview-range-7|30|month|custom` on the range buttons; `overview-region` on each child
//! region's row (`data-region`); `export-<table>` on each export button.

use jifen_shared::api::ReportOverview;
use jifen_shared::auth::RoleGrant;
use jifen_shared::reports::{Overview, OverviewQuery};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::{AdminFrame, region_in_query};
use crate::api;
use crate::components::mutate;
use crate::i18n::{Locale, Text, t, tr, use_locale};
use crate::pages::{Failure, ListSkeleton, explain};
use crate::photo::ObjectUrl;
use crate::session::use_session;
use crate::time::county_date;

#[component]
pub fn OverviewPage() -> impl IntoView {
    view! { <AdminFrame tabbed=true screen=|grant| view! { <Screen grant /> } /> }
}

/// Which days the figures cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Week,
    Days30,
    Month,
    Custom,
}

/// `(from, to)` of a range that is not custom.
fn dates(range: Range) -> (String, String) {
    let today = county_date(0, false);
    match range {
        Range::Week => (county_date(6, false), today),
        Range::Month => (county_date(0, true), today),
        _ => (county_date(29, false), today),
    }
}

#[component]
fn Screen(grant: RoleGrant) -> impl IntoView {
    let session = use_session();
    let home = grant.region_code;
    let code = region_in_query(home.clone());
    let range = RwSignal::new(Range::Days30);
    let (from0, to0) = dates(Range::Days30);
    let custom_from = RwSignal::new(from0);
    let custom_to = RwSignal::new(to0);
    let period = Memo::new(move |_| match range.get() {
        Range::Custom => (custom_from.get(), custom_to.get()),
        r => dates(r),
    });
    let overview = LocalResource::new(move || {
        let (from, to) = period.get();
        let report = ReportOverview {
            query: OverviewQuery {
                region_code: code.get().to_string(),
                from: Some(from),
                to: Some(to),
                ..OverviewQuery::default()
            },
        };
        async move {
            let report = &report;
            session.call(report, &()).await
        }
    });
    let retry = Callback::new(move |_| overview.refetch());
    let tab = move |r: Range, text: Text, id: &'static str| {
        view! {
            <button
                class="tab-button"
                type="button"
                data-testid=id
                aria-selected=move || (range.get() == r).to_string()
                on:click=move |_| range.set(r)
            >
                {tr(text)}
            </button>
        }
    };
    let up = move || {
        let c = code.get();
        (c != home)
            .then(|| c.parent())
            .flatten()
            .map(|p| {
                view! {
                    <nav class="crumbs">
                        <a class="crumb" href=format!("/admin/overview?region={p}")>"‹ "{p.to_string()}</a>
                    </nav>
                }
            })
    };
    view! {
        {up}
        <h1 class="region-name">{tr(Text::Overview)}</h1>
        <div class="tabs" role="tablist">
            {tab(Range::Week, Text::Last7Days, "overview-range-7")}
            {tab(Range::Days30, Text::Last30Days, "overview-range-30")}
            {tab(Range::Month, Text::MonthSoFar, "overview-range-month")}
            {tab(Range::Custom, Text::CustomRange, "overview-range-custom")}
        </div>
        <Show when=move || range.get() == Range::Custom>
            <div class="form date-range">
                <label class="field">
                    <span class="label">{tr(Text::FromDate)}</span>
                    <input type="date" prop:value=custom_from on:change=move |e| custom_from.set(event_target_value(&e)) />
                </label>
                <label class="field">
                    <span class="label">{tr(Text::ToDate)}</span>
                    <input type="date" prop:value=custom_to on:change=move |e| custom_to.set(event_target_value(&e)) />
                </label>
            </div>
        </Show>
        {move || match overview.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Ok(o)) => view! { <Figures o /> }.into_any(),
            Some(Err(failure)) if failure.code() == Some(jifen_shared::ErrorCode::InvalidInput) => {
                view! { <p class="form-notice error" role="alert">{tr(Text::BadRange)}</p> }.into_any()
            }
            Some(Err(failure)) => {
                view! { <Failure failure not_found=Text::RegionNotFound retry /> }.into_any()
            }
        }}
    }
}

/// `part` of 1 as a percentage with one decimal (`0.6667` → `66.7%`); `—` for none.
fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "—".into(), |s| format!("{:.1}%", s * 100.0))
}

/// Milliseconds as hours with one decimal, or minutes under an hour.
fn duration(locale: Locale, ms: Option<i64>) -> String {
    let Some(ms) = ms else { return "—".into() };
    let zh = locale == Locale::ZhCn;
    if ms < 3_600_000 {
        let m = ms / 60_000;
        if zh {
            format!("{m}分钟")
        } else {
            format!("{m} min")
        }
    } else {
        let h = ms as f64 / 3_600_000.0;
        if zh {
            format!("{h:.1}小时")
        } else {
            format!("{h:.1} h")
        }
    }
}

/// One big figure.
fn stat(label: Text, value: String, id: &'static str, raw: String) -> impl IntoView {
    view! {
        <div class="stat" data-testid=id data-value=raw>
            <span class="stat-number">{value}</span>
            <span class="stat-label">{tr(label)}</span>
        </div>
    }
}

/// A small figure without a test hook.
fn small(label: Text, value: String) -> impl IntoView {
    view! {
        <div class="stat">
            <span class="stat-number small-number">{value}</span>
            <span class="stat-label">{tr(label)}</span>
        </div>
    }
}

/// A section title with its 导出CSV button.
fn section(title: Text, table: &'static str, o: &Overview) -> impl IntoView + use<> {
    let file = format!("数据概览-{}-{table}-{}-{}.csv", o.region_name, o.from, o.to);
    let report = ReportOverview {
        query: OverviewQuery {
            region_code: o.region_code.clone(),
            from: Some(o.from.clone()),
            to: Some(o.to.clone()),
            format: Some("csv".into()),
            table: Some(table.into()),
        },
    };
    view! {
        <div class="section-head">
            <h2 class="section-title">{tr(title)}</h2>
            <ExportButton report file table />
        </div>
    }
}

/// Fetches the CSV with the bearer token and saves it through a `Blob` URL.
#[component]
fn ExportButton(report: ReportOverview, file: String, table: &'static str) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    let export = move |_| {
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        let (report, file) = (report.clone(), file.clone());
        let call = async move {
            let report = &report;
            session
                .authed(|token| async move { api::get_blob(report, &token).await })
                .await
        };
        mutate(busy, call, move |blob| match blob {
            Ok(blob) => save(&blob, &file),
            Err(failure) => {
                trouble.try_set(Some(explain(&failure)));
            }
        });
    };
    view! {
        <button
            class="secondary small"
            type="button"
            data-testid=format!("export-{table}")
            disabled=move || busy.get()
            on:click=export
        >
            {tr(Text::ExportCsv)}
        </button>
        {move || trouble.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
    }
}

/// Saves `blob` as `file` (a click on a temporary `<a download>`); the URL is given back a
/// minute later, when the browser has long read it.
pub(crate) fn save(blob: &web_sys::Blob, file: &str) {
    let Some(url) = ObjectUrl::new(blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(a) = link {
        let _ = a.set_attribute("href", url.url());
        let _ = a.set_attribute("download", file);
        a.click();
    }
    set_timeout(move || drop(url), std::time::Duration::from_secs(60));
}

/// Rows of labelled bars (`value` of the largest), each a link when it has one.
fn bars(rows: Vec<(String, i64, String, Option<String>, String)>) -> impl IntoView {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    view! {
        <ul class="list bars">
            {rows
                .into_iter()
                .map(|(label, value, shown, href, code)| {
                    let width = (value.max(0) as f64 / max as f64 * 100.0).max(0.5);
                    let inner = view! {
                        <span class="bar-label">{label}</span>
                        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                            <rect x="0" y="0" width=format!("{width:.1}") height="10" rx="2" fill="var(--accent)" />
                        </svg>
                        <span class="bar-value">{shown}</span>
                    };
                    match href {
                        Some(href) => view! {
                            <li><a class="bar-row" href=href data-testid="overview-region" data-region=code>{inner}</a></li>
                        }
                            .into_any(),
                        None => view! { <li class="bar-row">{inner}</li> }.into_any(),
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// Grams as kilograms, one decimal.
fn kg(grams: i64) -> String {
    format!("{:.1}", grams as f64 / 1000.0)
}

#[component]
fn Figures(o: Overview) -> impl IntoView {
    let locale = use_locale();
    let p = &o.points;
    let c = &o.claims;
    let s = &o.orders;
    let r = &o.ratings;
    let regions: Vec<_> = o
        .regions
        .iter()
        .map(|x| {
            (
                x.region_name.clone(),
                x.issued,
                format!("{} · {}", x.issued, percent(x.participation)),
                Some(format!("/admin/overview?region={}", x.region_code)),
                x.region_code.clone(),
            )
        })
        .collect();
    let recycling: Vec<_> = o
        .recycling
        .iter()
        .map(|x| (x.name.clone(), x.grams, kg(x.grams), None, x.code.clone()))
        .collect();
    let rated = r.good + r.neutral + r.bad;
    let w = |n: i64| {
        if rated > 0 {
            n as f64 / rated as f64 * 100.0
        } else {
            0.0
        }
    };
    let (good_w, neutral_w, bad_w) = (w(r.good), w(r.neutral), w(r.bad));
    view! {
        <section class="overview" data-testid="overview" data-region=o.region_code.clone()>
            <p class="period">{o.region_name.clone()}" · "{o.from.clone()}" — "{o.to.clone()}</p>
            {section(Text::Points, "points", &o)}
            <div class="stats two">
                {stat(Text::PointsIssued, p.issued.to_string(), "overview-issued", p.issued.to_string())}
                {stat(Text::PointsSpent, p.spent.to_string(), "overview-spent", p.spent.to_string())}
                {stat(Text::PointsOutstanding, p.outstanding.to_string(), "overview-outstanding", p.outstanding.to_string())}
                {stat(
                    Text::Participation,
                    percent(p.participation),
                    "overview-participation",
                    p.participation.map(|x| x.to_string()).unwrap_or_default(),
                )}
            </div>
            {(!regions.is_empty()).then(|| view! {
                {section(Text::ByRegion, "regions", &o)}
                {bars(regions)}
            })}
            {section(Text::ClaimsReview, "claims", &o)}
            <div class="stats">
                {small(Text::StatusPending, c.pending.to_string())}
                {small(Text::StatusApproved, c.approved.to_string())}
                {small(Text::StatusRejected, c.rejected.to_string())}
                {small(Text::AverageReview, duration(locale.get_untracked(), c.average_review_ms))}
            </div>
            {section(Text::ServiceOrders, "orders", &o)}
            <div class="stats three">
                {small(Text::OrdersPlaced, s.placed.to_string())}
                {small(Text::OrderOpen, s.open.to_string())}
                {small(Text::OrderClaimed, s.claimed.to_string())}
                {small(Text::OrderCompleted, s.completed.to_string())}
                {small(Text::OrderCancelled, s.cancelled.to_string())}
                {small(Text::WithinSla, percent(s.within_sla_share))}
            </div>
            {section(Text::RatingsTitle, "ratings", &o)}
            <svg class="stacked" viewBox="0 0 100 8" preserveAspectRatio="none" role="img" aria-label=move || t(locale.get(), Text::RatingsTitle)>
                <rect x="0" y="0" width="100" height="8" fill="#ebe6e1" />
                <rect x="0" y="0" width=format!("{good_w:.1}") height="8" fill="#1e7b34" />
                <rect x=format!("{good_w:.1}") y="0" width=format!("{neutral_w:.1}") height="8" fill="#d99a1e" />
                <rect x=format!("{:.1}", good_w + neutral_w) y="0" width=format!("{bad_w:.1}") height="8" fill="var(--accent)" />
            </svg>
            <div class="stats three">
                {small(Text::RateGood, r.good.to_string())}
                {small(Text::RateNeutral, r.neutral.to_string())}
                {small(Text::RateBad, r.bad.to_string())}
            </div>
            {section(Text::RecyclingKg, "recycling", &o)}
            {if recycling.is_empty() {
                view! { <p class="empty">{tr(Text::NoData)}</p> }.into_any()
            } else {
                bars(recycling).into_any()
            }}
            {section(Text::TopRules, "rules", &o)}
            {if o.rules.is_empty() {
                view! { <p class="empty">{tr(Text::NoData)}</p> }.into_any()
            } else {
                view! {
                    <ol class="list ranking">
                        {o.rules.iter().enumerate().map(|(i, rule)| view! {
                            <li class="ranking-row">
                                <span class="rank">{i + 1}</span>
                                <span class="row-name">{rule.name.clone()}" ×"{rule.count}</span>
                                <span class="rank-points">{rule.points}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                }
                    .into_any()
            }}
        </section>
    }
}
