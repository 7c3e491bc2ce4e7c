//! `/villages/{code}/board` (村积分榜, 积分公示): public, signed in or not
//! (`GET /public/villages/{code}/board`). Three tabs: 最新动态 — recent movements with masked
//! names (王*明), the reason, ± points in colour, the official who moved them and when — and
//! the 本月 and 本年 rankings.

use jifen_shared::api::VillageBoard;
use jifen_shared::points::{Board, BoardMovement, RankingEntry};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{Failure, ListSkeleton, TabbedScreen};
use crate::api;
use crate::components::Choice;
use crate::i18n::{Text, by_actor, correction_reason, rank_points, signed, tr, use_locale};
use crate::time;

/// A tab of the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BoardTab {
    Recent,
    Month,
    Year,
}

/// `/villages/{code}/board` (村积分榜), signed in or not.
#[component]
pub fn BoardPage() -> impl IntoView {
    let params = use_params_map();
    let board = LocalResource::new(move || {
        let board = VillageBoard {
            code: params.read().get("code").unwrap_or_default(),
        };
        async move { api::call(&board, &(), None).await }
    });
    let retry = Callback::new(move |_| board.refetch());
    view! {
        <TabbedScreen>
            {move || match board.get() {
                None => view! { <ListSkeleton /> }.into_any(),
                Some(Ok(board)) => view! { <BoardView board /> }.into_any(),
                Some(Err(failure)) => {
                    view! { <Failure failure not_found=Text::VillageNotFound retry /> }.into_any()
                }
            }}
        </TabbedScreen>
    }
}

#[component]
fn BoardView(board: Board) -> impl IntoView {
    let locale = use_locale();
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(&format!("{} · 积分公示", board.village_name));
    }
    let tab = RwSignal::new(BoardTab::Recent);
    let Board {
        village_name,
        month,
        year,
        movements,
        monthly_ranking,
        yearly_ranking,
        ..
    } = board;
    let tab_button = move |which: BoardTab, text: Text, testid: &'static str| {
        let chosen = Signal::derive(move || tab.get() == which);
        view! {
            <Choice class="tab-button" tab=true testid chosen choose=move || tab.set(which)>
                {tr(text)}
            </Choice>
        }
    };
    let movements = StoredValue::new(movements);
    let monthly = StoredValue::new(monthly_ranking);
    let yearly = StoredValue::new(yearly_ranking);
    view! {
        <h1 class="region-name">{village_name}</h1>
        <p class="region-meta">
            <span class="badge">{tr(Text::BoardTitle)}</span>
        </p>
        <div class="tabs" role="tablist">
            {tab_button(BoardTab::Recent, Text::RecentMovements, "board-tab-recent")}
            {tab_button(BoardTab::Month, Text::ThisMonth, "board-tab-month")}
            {tab_button(BoardTab::Year, Text::ThisYear, "board-tab-year")}
        </div>
        <div role="tabpanel">
            {move || match tab.get() {
                BoardTab::Recent => movements.with_value(|m| {
                    if m.is_empty() {
                        view! { <p class="empty">{tr(Text::NoBoardMovements)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list movements">
                                {m.iter().cloned().map(|movement| view! { <MovementRow movement /> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }),
                BoardTab::Month => {
                    let period = time::month_label(locale.get(), &month);
                    monthly.with_value(|r| ranking(period, r.clone()).into_any())
                }
                BoardTab::Year => {
                    let period = match locale.get() {
                        crate::i18n::Locale::ZhCn => format!("{year}年"),
                        crate::i18n::Locale::En => year.clone(),
                    };
                    yearly.with_value(|r| ranking(period, r.clone()).into_any())
                }
            }}
        </div>
    }
}

/// One movement: 王*明 孝老爱亲 +5, 经办：王网格员 · 5月31日 23:30.
#[component]
fn MovementRow(movement: BoardMovement) -> impl IntoView {
    let locale = use_locale();
    let BoardMovement {
        villager_name,
        reason,
        points,
        actor_name,
        created_at,
        correction,
        proxy,
    } = movement;
    // 更正: a correction shows its reason; the original it reversed is marked.
    let note = correction.map(|note| {
        // A correction moves points the other way from its original: the same sign as the
        // correction's is the correction itself.
        let is_correction = points.signum() == note.points.signum();
        let (class, badge, testid) = match is_correction {
            true => (
                "badge correction",
                Text::CorrectionBadge,
                "board-correction",
            ),
            false => ("badge corrected", Text::CorrectedBadge, "board-corrected"),
        };
        view! {
            <span class="entry-sub correction-note" data-testid=testid>
                <span class=class>{tr(badge)}</span>
                " "
                {move || correction_reason(locale.get(), &note.reason, note.actor_name.as_deref())}
            </span>
        }
    });
    let sign = if points >= 0 {
        "amount plus"
    } else {
        "amount minus"
    };
    view! {
        <li class="entry" data-testid="board-movement">
            <span class="entry-text">
                <span class="row-name">
                    <span class="villager" data-testid="board-name">{villager_name}</span>
                    " "
                    <span class="movement-reason">{reason}</span>
                </span>
                <span class="entry-sub">
                    {move || actor_name.as_ref().map(|name| format!("{} · ", by_actor(locale.get(), name)))}
                    <span class="when">{move || time::when(locale.get(), &created_at)}</span>
                </span>
                {note}
                {crate::proxy::proxy_line(proxy)}
            </span>
            <span class="entry-figures">
                <span class=sign>{signed(points)}</span>
            </span>
        </li>
    }
}

/// A ranking under its period's name, or 还没有人上榜.
fn ranking(period: String, entries: Vec<RankingEntry>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <p class="hint period">{period}</p>
        {if entries.is_empty() {
            view! { <p class="empty">{tr(Text::NoRanking)}</p> }.into_any()
        } else {
            view! {
                <ol class="list ranking">
                    {entries
                        .into_iter()
                        .map(|e| {
                            let medal = match e.rank {
                                1 => "rank gold",
                                2 => "rank silver",
                                3 => "rank bronze",
                                _ => "rank",
                            };
                            view! {
                                <li class="ranking-row" data-testid="board-rank">
                                    <span class=medal>{e.rank}</span>
                                    <span class="row-name">{e.villager_name}</span>
                                    <span class="rank-points">{move || rank_points(locale.get(), e.points)}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            }
                .into_any()
        }}
    }
}
