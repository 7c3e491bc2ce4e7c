//! `/points/history` (积分明细): every movement of the villager's points, newest first
//! (`GET /points/ledger`, paged) — why in words (申报通过, 奖励, 扣分…), ± points, the points
//! held after it, who moved them and when (on the county's clock) — under what is held now,
//! earned in all and spent in all (`GET /points/balance`).

use jifen_shared::api::{GetBalance, PointsHistory};
use jifen_shared::points::LedgerEntry;
use leptos::prelude::*;

use super::paged::{Paged, PagedList, page_query};
use super::{TabbedScreen, require_sign_in};
use crate::components::load_trouble;
use crate::i18n::{
    Text, balance_after, correction_reason, ledger_reason, signed, t, tr, use_locale,
};
use crate::session::use_session;
use crate::time;

/// `/points/history` (积分明细).
#[component]
pub fn HistoryPage() -> impl IntoView {
    let session = use_session();
    require_sign_in();
    let balance = LocalResource::new(move || async move { session.call(&GetBalance, &()).await });
    let paged = Paged::<LedgerEntry>::new(
        |cursor| PointsHistory {
            query: page_query(cursor),
        },
        |e| e.id,
    );
    let stat = move |n: i64, text: Text, testid: &'static str| {
        view! {
            <div class="stat">
                <span class="stat-number" data-testid=testid>{n}</span>
                <span class="stat-label">{tr(text)}</span>
            </div>
        }
    };
    view! {
        <TabbedScreen>
            <h1 class="region-name">{tr(Text::PointsHistory)}</h1>
            <section class="card totals">
                {move || match balance.get() {
                    None => view! { <div class="sk sk-stats" aria-busy="true"></div> }.into_any(),
                    Some(Ok(b)) => view! {
                        <div class="stats three">
                            {stat(b.available, Text::Available, "history-available")}
                            {stat(b.earned_total, Text::EarnedTotal, "history-earned")}
                            {stat(b.spent_total, Text::SpentTotal, "history-spent")}
                        </div>
                    }
                        .into_any(),
                    Some(Err(failure)) => load_trouble(failure, balance),
                }}
            </section>
            <PagedList paged empty=Text::NoMovements class="list ledger" row=|entry| view! { <EntryRow entry /> } />
        </TabbedScreen>
    }
}

/// One movement.
#[component]
pub fn EntryRow(entry: LedgerEntry) -> impl IntoView {
    let locale = use_locale();
    let LedgerEntry {
        amount,
        balance_after: after,
        reason,
        label,
        actor_name,
        created_at,
        correction,
        proxy,
        ..
    } = entry;
    // 更正: this movement is a correction (with its reason), or was corrected.
    let is_correction = reason == "correction";
    let note = correction.map(|note| {
        let (class, badge, testid) = match is_correction {
            true => (
                "badge correction",
                Text::CorrectionBadge,
                "ledger-correction",
            ),
            false => ("badge corrected", Text::CorrectedBadge, "ledger-corrected"),
        };
        view! {
            <span class="entry-sub correction-note" data-testid=testid>
                <span class=class>{tr(badge)}</span>
                " "
                {move || correction_reason(locale.get(), &note.reason, note.actor_name.as_deref())}
            </span>
        }
    });
    // What it was for: the rule or the award's reason, after the kind of movement.
    let label = label.map(|l| format!("：{l}"));
    let sign = if amount >= 0 {
        "amount plus"
    } else {
        "amount minus"
    };
    view! {
        <li class="entry" data-testid="ledger-entry">
            <span class="entry-text">
                <span class="row-name">{move || ledger_reason(locale.get(), &reason)}{label}</span>
                <span class="entry-sub">
                    {move || {
                        actor_name.clone().unwrap_or_else(|| t(locale.get(), Text::SystemActor).to_owned())
                    }}
                    " · "
                    <span class="when">{move || time::when(locale.get(), &created_at)}</span>
                </span>
                {note}
                {crate::proxy::proxy_line(proxy)}
            </span>
            <span class="entry-figures">
                <span class=sign data-testid="ledger-amount">{signed(amount)}</span>
                <span class="entry-balance">{move || balance_after(locale.get(), after)}</span>
            </span>
        </li>
    }
}
