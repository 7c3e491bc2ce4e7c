//! 会员卡 (member cards) for villagers without a smartphone.
//!
//! `/admin/cards?grid=<grid code>` (a grid's villagers, from the grid's screen) or
//! `?ids=1,2,3` (some people, from a person's page) asks the server for the cards
//! (`POST /admin/member-cards`: a number is given to whoever has none yet) and lays them out on
//! A4 sheets to print and cut: ten cards of 85.6 × 54 mm (a bank card's size) to a page, each
//! with 积分会员卡, the name, village and grid, the QR code of the member code (drawn by
//! [`crate::qr`], about 34 mm wide: it scans from paper at arm's length) and the number in
//! groups of four. 打印 calls the browser's print; `@media print` in `app/style.css` hides the
//! app's bars and buttons and places the cards by millimetre.
//!
//! [`MemberCardSection`] is the 会员卡 part of a villager's page: the number (or that there
//! is none yet), 打印会员卡, and once a card exists 挂失补卡
//! (`POST /admin/people/{id}/member-card/replace`, asked once: the old QR code and number stop
//! working), then the new number. The sheet's way back leads to the person or the grid it was
//! printed from.

use jifen_shared::api::{PrintMemberCards, ReplaceMemberCard};
use jifen_shared::proxy::{MAX_CARDS, MemberCard, PrintCards, card_no_printed};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::AdminFrame;
use crate::api::ApiFailure;
use crate::components::{Confirm, load_trouble, mutate};
use crate::i18n::{Text, card_replaced, cards_count, t, tr, use_locale};
use crate::pages::{ListSkeleton, Trouble, explain};
use crate::qr::QrImage;
use crate::session::use_session;

/// Where the sheet lives.
pub const PATH: &str = "/admin/cards";

/// The sheet of a grid's cards.
pub fn grid_href(grid_code: &str) -> String {
    format!("{PATH}?grid={grid_code}")
}

/// The sheet of one person's card.
pub fn person_href(id: i64) -> String {
    format!("{PATH}?ids={id}")
}

/// What `?grid=` or `?ids=` asks to print; `None` when neither reads.
pub fn wanted(grid: Option<String>, ids: Option<String>) -> Option<PrintCards> {
    if let Some(grid) = grid.filter(|g| !g.is_empty()) {
        return Some(PrintCards {
            grid_code: Some(grid),
            person_ids: None,
        });
    }
    let ids: Vec<i64> = ids?
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .take(MAX_CARDS)
        .collect();
    (!ids.is_empty()).then_some(PrintCards {
        person_ids: Some(ids),
        grid_code: None,
    })
}

/// Where the sheet of `?grid=` or `?ids=` leads back to: the grid's screen, the one person's
/// page, else 人员.
pub fn way_back(grid: Option<String>, ids: Option<String>) -> (String, Text) {
    if let Some(grid) = grid.filter(|g| !g.is_empty()) {
        return (format!("/admin/grids?region={grid}"), Text::BackToGrid);
    }
    let ids: Vec<i64> = ids
        .unwrap_or_default()
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect();
    match ids.as_slice() {
        [id] => (format!("{}/{id}", super::people::PATH), Text::BackToPerson),
        _ => (super::people::PATH.to_owned(), Text::People),
    }
}

/// `/admin/cards`.
#[component]
pub fn CardsPage() -> impl IntoView {
    let query = use_query_map();
    let back_to = Signal::derive(move || query.with(|q| way_back(q.get("grid"), q.get("ids"))));
    view! { <AdminFrame screen=|_| view! { <CardSheet /> } back_to /> }
}

/// The cards of the address, and 打印.
#[component]
fn CardSheet() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let query = use_query_map();
    let asked = Memo::new(move |_| query.with(|q| wanted(q.get("grid"), q.get("ids"))));
    let cards = LocalResource::new(move || {
        let body = asked.get();
        async move {
            match body {
                Some(body) => Some(session.call(&PrintMemberCards, &body).await),
                None => None,
            }
        }
    });
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <h1 class="region-name no-print">{tr(Text::MemberCardsTitle)}</h1>
        <p class="hint no-print">{tr(Text::MemberCardsHint)}</p>
        {move || match cards.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(None) => view! { <p class="empty">{tr(Text::NoCards)}</p> }.into_any(),
            Some(Some(Err(failure))) => load_trouble(failure, cards),
            Some(Some(Ok(list))) if list.is_empty() => {
                view! { <p class="empty">{tr(Text::NoCards)}</p> }.into_any()
            }
            Some(Some(Ok(list))) => {
                let n = list.len();
                view! {
                    <div class="card-sheet-bar no-print">
                        <span class="hint">{move || cards_count(locale.get(), n)}</span>
                        <button class="primary" type="button" data-testid="cards-print" on:click=print>{tr(Text::Print)}</button>
                    </div>
                    <div class="card-sheet" data-testid="card-sheet">
                        {list.into_iter().map(|card| view! { <MemberCardView card /> }).collect_view()}
                    </div>
                }
                    .into_any()
            }
        }}
    }
}

/// One card, 85.6 × 54 mm.
#[component]
fn MemberCardView(card: MemberCard) -> impl IntoView {
    let locale = use_locale();
    let MemberCard {
        name,
        village_name,
        grid_name,
        card_no,
        token,
        ..
    } = card;
    let place = match grid_name {
        Some(grid) => format!("{village_name} {grid}"),
        None => village_name,
    };
    let label = Signal::derive(move || t(locale.get(), Text::MemberCardQr).to_owned());
    view! {
        <article class="member-card" data-testid="member-card" data-card=card_no.clone()>
            <header class="member-card-head">
                <span class="member-card-brand">{tr(Text::MemberCardBrand)}</span>
                <span class="member-card-place">{place}</span>
            </header>
            <div class="member-card-body">
                <div class="member-card-text">
                    <p class="member-card-name">{name}</p>
                    <p class="member-card-no" translate="no">{card_no_printed(&card_no)}</p>
                    <p class="member-card-foot">{tr(Text::MemberCardFoot)}</p>
                </div>
                <QrImage text=token label testid="member-card-qr" />
            </div>
        </article>
    }
}

/// Where 挂失补卡 stands.
#[derive(Debug, Clone, PartialEq)]
enum Replace {
    Offered,
    Asking,
    /// Done: the new card's number.
    Done(String),
}

/// 会员卡 on a villager's page: the number, 打印会员卡, 挂失补卡.
#[component]
pub fn MemberCardSection(id: i64, card_no: Option<String>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let number = RwSignal::new(card_no);
    let state = RwSignal::new(Replace::Offered);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let replace = move || {
        trouble.set(None);
        let call = async move { session.call(&ReplaceMemberCard { id }, &()).await };
        mutate(busy, call, move |answer| match answer {
            Ok(card) => {
                number.try_set(Some(card.card_no.clone()));
                state.try_set(Replace::Done(card.card_no));
            }
            Err(failure) => {
                trouble.try_set(Some(failure));
            }
        });
    };
    view! {
        <section class="card member-card-section" data-testid="member-card-section">
            <h2 class="card-title">{tr(Text::MemberCardSection)}</h2>
            {move || match number.get() {
                Some(no) => view! {
                    <p class="member-card-number" data-testid="card-no" translate="no">{card_no_printed(&no)}</p>
                }
                    .into_any(),
                None => view! { <p class="hint">{tr(Text::NoCardYet)}</p> }.into_any(),
            }}
            <a class="primary wide link-button" href=person_href(id) data-testid="print-card">{tr(Text::PrintMemberCard)}</a>
            {move || match state.get() {
                // No card yet: nothing to report lost (打印会员卡 gives the first number).
                Replace::Offered if number.with(Option::is_none) => ().into_any(),
                Replace::Offered => view! {
                    <button class="secondary wide" type="button" data-testid="replace-card" on:click=move |_| state.set(Replace::Asking)>
                        {tr(Text::ReplaceCard)}
                    </button>
                }
                    .into_any(),
                Replace::Asking => view! {
                    <Confirm yes=Text::ReplaceCardYes yes_busy=Text::ReplacingCard no=Text::Cancel busy testid="replace-card-yes"
                        on_yes=replace on_no=move || { trouble.set(None); state.set(Replace::Offered) }>
                        {tr(Text::ReplaceCardQuestion)}
                    </Confirm>
                }
                    .into_any(),
                Replace::Done(no) => view! {
                    <p class="form-notice" role="status" data-testid="card-replaced">
                        {move || card_replaced(locale.get(), &card_no_printed(&no))}
                    </p>
                }
                    .into_any(),
            }}
            {move || trouble.get().map(|failure| {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| replace()) /> }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_says_whose_cards() {
        assert_eq!(
            wanted(Some("410783101201-001".into()), None),
            Some(PrintCards {
                grid_code: Some("410783101201-001".into()),
                person_ids: None
            })
        );
        assert_eq!(
            wanted(None, Some("1, 2,x,3".into())),
            Some(PrintCards {
                person_ids: Some(vec![1, 2, 3]),
                grid_code: None
            })
        );
        assert_eq!(wanted(None, Some("x".into())), None);
        assert_eq!(wanted(Some(String::new()), None), None);
    }

    #[test]
    fn the_way_back_leads_where_the_cards_came_from() {
        assert_eq!(
            way_back(Some("410783101201-001".into()), None),
            (
                "/admin/grids?region=410783101201-001".to_owned(),
                Text::BackToGrid
            )
        );
        assert_eq!(
            way_back(None, Some("42".into())),
            ("/admin/people/42".to_owned(), Text::BackToPerson)
        );
        assert_eq!(
            way_back(None, Some("1,2".into())),
            ("/admin/people".to_owned(), Text::People)
        );
    }
}
