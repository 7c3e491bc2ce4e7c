//! The keeper's recycling counter (垃圾—积分—商品) and day.
//!
//! `/keeper/recycling` (回收称重): the keeper names the villager — their member code scanned
//! ([`super::keeper::QrReader`]: the app's, or a printed member card's), their 11-digit phone
//! typed, or the 10-digit number of their member card typed (村民 without a phone) — and sees
//! the masked name and village (`POST /shop/identify`); picks a category (the county's, with its rate), types the
//! weight in kilograms (to the gram: `2.35` is 2350 g), adds more categories if there are, and
//! 确认入账 credits the villager (`POST /shop/recycling`). The points shown then are the
//! server's (`floor(grams × rate / 1000)` per line), full-screen, with 下一位.
//!
//! The drop-off's `Idempotency-Key` is made when the villager is named and kept until an
//! answer comes: a retry after a lost answer credits once, and the lines cannot change
//! meanwhile.
//!
//! `/keeper/today` (今日汇总): the shop's county day so far (`GET /shop/{id}/today`):
//! redemptions handed over and the points they took in, goods by count, drop-offs and the
//! points they gave, weight by category.
//!
//! `/keeper/goods` (本店商品): the goods on the shop's shelf (`GET /shops/{id}/goods`) with
//! their stock, those at or under their low-stock threshold marked 库存不足 and listed first —
//! where a keeper told of low stock (the inbox) lands. Admins restock; the keeper sees.
//!
//! All three work on a shop the keeper keeps (`GET /shop/kept`): the one, or a choice of them
//! (`?shop=<id>` chooses one at once).

use jifen_shared::ErrorCode;
use jifen_shared::api::{self as endpoints, DropOff, KeptShops, ListCategories, ShopToday};
use jifen_shared::proxy::normalize_card_no;
use jifen_shared::recycling::{
    CategoriesQuery, Dropoff, DropoffLine, IdentifiedVillager, IdentifyRequest, NewDropoff,
    RecyclingCategory, VillagerRef,
};
use jifen_shared::shop::Shop;
use leptos::prelude::*;

use super::keeper::{KeeperScreen, QrReader, ResultScreen};
use super::{ListSkeleton, Trouble, explain, worth_retrying};
use crate::api::{self, ApiFailure};
use crate::components::{Choice, Kind, TextField, Typed, load_trouble, mutate};
use crate::draft::new_key_for;
use crate::i18n::{
    Text, goods_times, kg_text, per_kg, points_text, rule_points, stock_and_threshold, t, tr,
    use_locale,
};
use crate::session::use_session;

/// The heaviest line the server takes: one tonne, in grams.
pub const MAX_GRAMS: i64 = 1_000_000;

/// A weight typed in kilograms as grams: `2.35` → 2350, `0.5` → 500, `12` → 12000;
/// full-width digits and a comma or `。` as the decimal point are taken too. `None` for
/// anything else, more than 3 decimals (finer than a gram), nothing, or outside 1 g – 1 t.
pub fn parse_kg(typed: &str) -> Option<i64> {
    let text: String = typed
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' | ',' | '，' => '.',
            c => c,
        })
        .collect();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !digits(whole)
        || !digits(fraction)
        || whole.len() > 4
        || fraction.len() > 3
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let fraction: i64 = format!("{fraction:0<3}").parse().ok()?;
    let grams = whole * 1000 + fraction;
    (1..=MAX_GRAMS).contains(&grams).then_some(grams)
}

/// A line of the drop-off being weighed.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    category: RecyclingCategory,
    grams: i64,
}

/// Adds `line` to `lines`: a category already there gets the weight added (the server takes
/// each category once).
fn merge(lines: &mut Vec<Line>, line: Line) {
    match lines.iter_mut().find(|l| l.category.id == line.category.id) {
        Some(there) => there.grams = (there.grams + line.grams).min(MAX_GRAMS),
        None => lines.push(line),
    }
}

/// The shops the keeper keeps (`GET /shop/kept`): `with` the one, or the one chosen of them
/// (at first `initial`, when it is one of them).
#[component]
fn KeptShop(
    with: Callback<Shop, AnyView>,
    #[prop(default = None)] initial: Option<i64>,
) -> impl IntoView {
    let session = use_session();
    let shops = LocalResource::new(move || async move { session.call(&KeptShops, &()).await });
    let chosen = RwSignal::new(initial);
    move || match shops.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => load_trouble(failure, shops),
        Some(Ok(list)) if list.is_empty() => view! {
            <div class="notice" role="alert">
                <p class="notice-text">{tr(Text::NoKeptShop)}</p>
            </div>
        }
        .into_any(),
        Some(Ok(list)) => {
            let current = chosen
                .get()
                .and_then(|id| list.iter().find(|s| s.id == id))
                .unwrap_or(&list[0])
                .clone();
            let picker = (list.len() > 1).then(|| {
                let id = current.id;
                view! {
                    <div class="reasons shops" role="radiogroup" aria-label=move || t(use_locale().get(), Text::ChooseShop)>
                        {list
                            .iter()
                            .map(|shop| {
                                let (this, name) = (shop.id, shop.name.clone());
                                let choose = move || chosen.set(Some(this));
                                view! {
                                    <Choice class="reason-chip" chosen=Signal::stored(this == id) choose>
                                        {name}
                                    </Choice>
                                }
                            })
                            .collect_view()}
                    </div>
                }
            });
            view! {
                {picker}
                {with.run(current)}
            }
            .into_any()
        }
    }
}

/// `/keeper/recycling` (回收称重).
#[component]
pub fn RecyclingPage() -> impl IntoView {
    view! {
        <KeeperScreen screen=|| view! {
            <KeptShop with=Callback::new(|shop| view! { <Dropoffs shop /> }.into_any()) />
        }
            .into_any() />
    }
}

/// Name the villager, weigh, credit, next.
#[component]
fn Dropoffs(shop: Shop) -> impl IntoView {
    let villager = RwSignal::new(None::<(VillagerRef, IdentifiedVillager)>);
    let done = RwSignal::new(None::<Dropoff>);
    let shop_id = shop.id;
    let found = Callback::new(move |who| villager.set(Some(who)));
    let credited = Callback::new(move |dropoff| done.set(Some(dropoff)));
    let next = Callback::new(move |_| {
        done.set(None);
        villager.set(None);
    });
    let other = Callback::new(move |_| villager.set(None));
    move || match (done.get(), villager.get()) {
        (Some(dropoff), _) => view! { <Credited dropoff next /> }.into_any(),
        (None, None) => view! { <Identify shop_id found /> }.into_any(),
        (None, Some((reference, who))) => {
            let shop = shop.clone();
            view! { <Weigh shop reference who credited other /> }.into_any()
        }
    }
}

/// How the keeper types who the villager is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Typing {
    /// Their 11-digit mobile number.
    Phone,
    /// Their member card's 10-digit number.
    Card,
}

/// Who brings the recyclables: the member code scanned, or the phone or card number typed.
#[component]
fn Identify(shop_id: i64, found: Callback<(VillagerRef, IdentifiedVillager)>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let busy = RwSignal::new(false);
    let hint = RwSignal::new(None::<Text>);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let typing = RwSignal::new(Typing::Phone);
    let phone = RwSignal::new(String::new());
    let card = RwSignal::new(String::new());
    let last = StoredValue::new(None::<VillagerRef>);
    let look_up = move |villager: VillagerRef| {
        if busy.get_untracked() {
            return;
        }
        hint.set(None);
        trouble.set(None);
        last.set_value(Some(villager.clone()));
        let request = IdentifyRequest {
            shop_id,
            villager: villager.clone(),
        };
        let call = async move {
            let request = &request;
            session.call(&endpoints::Identify, request).await
        };
        mutate(busy, call, move |result| match result {
            Ok(who) => found.run((villager, who)),
            Err(failure) => match failure.code() {
                Some(ErrorCode::NotFound) => {
                    hint.try_set(Some(Text::MemberNotFound));
                }
                Some(ErrorCode::InvalidPhone | ErrorCode::InvalidInput) => {
                    hint.try_set(Some(if typing.get_untracked() == Typing::Card {
                        Text::CardNoInvalid
                    } else {
                        Text::PhoneInvalid
                    }));
                }
                Some(ErrorCode::CardRevoked) => {
                    hint.try_set(Some(Text::CardRevoked));
                }
                Some(ErrorCode::Forbidden) => {
                    hint.try_set(Some(Text::NotServedVillager));
                }
                _ => {
                    let text = explain(&failure);
                    trouble.try_set(Some((failure, text)));
                }
            },
        });
    };
    let on_read = Callback::new(move |code: String| {
        look_up(VillagerRef {
            member_code: Some(code),
            phone: None,
            card_no: None,
        })
    });
    let submit = move || {
        let reference = match typing.get_untracked() {
            Typing::Phone => {
                let typed: String = phone
                    .get_untracked()
                    .chars()
                    .filter(|c| !c.is_whitespace() && *c != '-')
                    .collect();
                if typed.is_empty() {
                    hint.set(Some(Text::PhoneInvalid));
                    return;
                }
                VillagerRef {
                    member_code: None,
                    phone: Some(typed),
                    card_no: None,
                }
            }
            Typing::Card => match normalize_card_no(&card.get_untracked()) {
                Some(number) => VillagerRef {
                    member_code: None,
                    phone: None,
                    card_no: Some(number),
                },
                None => {
                    hint.set(Some(Text::CardNoInvalid));
                    return;
                }
            },
        };
        look_up(reference);
    };
    let find_button = move || {
        view! {
            <button class="primary small" type="submit" data-testid="villager-find" disabled=move || busy.get()>
                {move || t(locale.get(), if busy.get() { Text::Finding } else { Text::Find })}
            </button>
        }
    };
    let way = move |which: Typing, text: Text, testid: &'static str| {
        view! {
            <Choice class="reason-chip" testid chosen=Signal::derive(move || typing.get() == which)
                choose=move || { hint.set(None); typing.set(which) }>
                {tr(text)}
            </Choice>
        }
    };
    view! {
        <h1 class="region-name">{tr(Text::RecycleTitle)}</h1>
        <p class="hint">{tr(Text::FindVillagerHint)}</p>
        <QrReader on_read busy hint=Text::ScanMemberHint no_scanner=Text::NoScannerPhone />
        <form class="form code-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit(); }>
            <div class="reasons typing" role="radiogroup">
                {way(Typing::Phone, Text::VillagerPhone, "type-phone")}
                {way(Typing::Card, Text::CardNo, "type-card")}
            </div>
            {move || match typing.get() {
                Typing::Phone => view! {
                    <TextField
                        label=Text::VillagerPhone
                        value=Typed::clearing(phone, hint)
                        placeholder=Text::PhonePlaceholder
                        name="phone"
                        kind=Kind::Phone
                        max=20
                        testid="villager-phone"
                        row="code-row"
                    >
                        {find_button()}
                    </TextField>
                }
                    .into_any(),
                Typing::Card => view! {
                    <TextField
                        label=Text::CardNo
                        value=Typed::clearing(card, hint)
                        placeholder=Text::CardNoPlaceholder
                        name="card_no"
                        kind=Kind::Integer
                        max=16
                        testid="villager-card"
                        row="code-row"
                    >
                        {find_button()}
                    </TextField>
                }
                    .into_any(),
            }}
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert" data-testid="identify-error">{tr(text)}</p>
            })}
        </form>
        {move || trouble.get().map(|(failure, text)| view! {
            <Trouble failure text retry=Callback::new(move |_| if let Some(v) = last.get_value() { look_up(v) }) />
        })}
    }
}

/// The categories and weights of one villager's drop-off, and 确认入账.
#[component]
fn Weigh(
    shop: Shop,
    reference: VillagerRef,
    who: IdentifiedVillager,
    credited: Callback<Dropoff>,
    other: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let region = shop.village_code.clone();
    let categories = LocalResource::new(move || {
        let list = ListCategories {
            query: CategoriesQuery {
                region_code: region.clone(),
            },
        };
        async move { api::call(&list, &(), None).await }
    });
    let picked = RwSignal::new(None::<RecyclingCategory>);
    let typed = RwSignal::new(String::new());
    let lines = RwSignal::new(Vec::<Line>::new());
    let hint = RwSignal::new(None::<Text>);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let busy = RwSignal::new(false);
    // Sent without an answer: the same body and key go again; nothing changes meanwhile.
    let sent = StoredValue::new(None::<NewDropoff>);
    let locked = RwSignal::new(false);
    let key = StoredValue::new(new_key_for("dropoff"));
    let grams = Memo::new(move |_| parse_kg(&typed.get()));

    // The line being typed: none, one, or why it is not one yet.
    let current = move || -> Result<Option<Line>, Text> {
        let blank = typed.with_untracked(|t| t.trim().is_empty());
        match (picked.get_untracked(), grams.get_untracked()) {
            (None, _) if blank => Ok(None),
            (None, _) => Err(Text::PickCategory),
            (Some(_), None) => Err(Text::WeightInvalid),
            (Some(category), Some(grams)) => Ok(Some(Line { category, grams })),
        }
    };
    let clear_line = move || {
        picked.set(None);
        typed.set(String::new());
    };
    let add = move || match current() {
        Ok(Some(line)) => {
            lines.update(|ls| merge(ls, line));
            clear_line();
            hint.set(None);
        }
        Ok(None) => hint.set(Some(Text::NothingWeighed)),
        Err(text) => hint.set(Some(text)),
    };
    let shop_id = shop.id;
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let body = match sent.get_value() {
            Some(body) => body,
            None => {
                let mut all = lines.get_untracked();
                match current() {
                    Ok(Some(line)) => merge(&mut all, line),
                    Ok(None) => {}
                    Err(text) => {
                        hint.set(Some(text));
                        return;
                    }
                }
                if all.is_empty() {
                    hint.set(Some(Text::NothingWeighed));
                    return;
                }
                lines.set(all.clone());
                clear_line();
                let body = NewDropoff {
                    shop_id,
                    villager: reference.clone(),
                    lines: all
                        .iter()
                        .map(|l| DropoffLine {
                            category_id: l.category.id,
                            grams: l.grams,
                        })
                        .collect(),
                };
                sent.set_value(Some(body.clone()));
                body
            }
        };
        hint.set(None);
        trouble.set(None);
        locked.set(true);
        let sent_key = key.get_value();
        let call = async move { session.call_once(&DropOff, &body, &sent_key).await };
        mutate(busy, call, move |result| match result {
            Ok(dropoff) => credited.run(dropoff),
            Err(failure) if worth_retrying(&failure) => {
                trouble.try_set(Some((failure, Text::CreditNetwork)));
            }
            Err(failure) => {
                // Refused: nothing was credited; the lines may be changed and sent anew.
                sent.try_set_value(None);
                key.try_set_value(new_key_for("dropoff"));
                locked.try_set(false);
                let text = match failure.code() {
                    Some(ErrorCode::Forbidden) => Text::DropoffForbidden,
                    _ => explain(&failure),
                };
                trouble.try_set(Some((failure, text)));
            }
        });
    };

    let IdentifiedVillager { name, village_name } = who;
    view! {
        <h1 class="region-name">{tr(Text::RecycleTitle)}</h1>
        <section class="card who" data-testid="dropoff-villager">
            <span class="who-text">
                <span class="preview-name" data-testid="dropoff-name">{name}</span>
                <span class="hint">{village_name}</span>
            </span>
            <button class="secondary small" type="button" data-testid="other-villager" disabled=move || busy.get() on:click=move |_| other.run(())>
                {tr(Text::OtherVillager)}
            </button>
        </section>
        <div class="weigh" class:hidden=move || locked.get()>
            <fieldset class="field">
                <legend class="field-label">{tr(Text::Category)}</legend>
                {move || match categories.get() {
                    None => view! { <ListSkeleton /> }.into_any(),
                    Some(Err(failure)) => load_trouble(failure, categories),
                    Some(Ok(list)) => view! {
                        <div class="reasons categories" role="radiogroup">
                            {list
                                .into_iter()
                                .filter(|c| c.active)
                                .map(|category| {
                                    let id = category.id;
                                    let rate = category.points_per_kg;
                                    let name = category.name.clone();
                                    let chosen = Signal::derive(move || picked.with(|p| p.as_ref().map(|c| c.id)) == Some(id));
                                    let choose = move || {
                                        picked.set(Some(category.clone()));
                                        hint.set(None);
                                    };
                                    view! {
                                        <Choice class="reason-chip category" testid="category" chosen choose>
                                            <span class="category-name">{name}</span>
                                            <span class="category-rate">{move || per_kg(locale.get(), rate)}</span>
                                        </Choice>
                                    }
                                })
                                .collect_view()}
                        </div>
                    }
                        .into_any(),
                }}
            </fieldset>
            <TextField label=Text::Weight value=Typed::clearing(typed, hint) placeholder=Text::WeightPlaceholder name="weight" kind=Kind::Decimal testid="weight" class="weight">
                {move || grams.get().map(|g| view! {
                    <span class="hint weight-read" data-testid="weight-read">{move || format!("= {}", kg_text(locale.get(), g))}</span>
                })}
            </TextField>
            <button class="secondary wide" type="button" data-testid="add-line" on:click=move |_| add()>
                {tr(Text::AddLine)}
            </button>
        </div>
        {move || (!lines.with(Vec::is_empty)).then(|| view! {
            <h2 class="section-title">{tr(Text::ThisDropoff)}</h2>
            <ul class="list lines">
                {lines
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(i, line)| view! {
                        <li class="entry" data-testid="dropoff-line">
                            <span class="entry-text">
                                <span class="row-name">{line.category.name.clone()}</span>
                                <span class="entry-sub">{move || per_kg(locale.get(), line.category.points_per_kg)}</span>
                            </span>
                            <span class="rank-points">{move || kg_text(locale.get(), line.grams)}</span>
                            <button
                                class="text-button"
                                type="button"
                                class:hidden=move || locked.get()
                                on:click=move |_| lines.update(|ls| { ls.remove(i); })
                            >
                                {tr(Text::Remove)}
                            </button>
                        </li>
                    })
                    .collect_view()}
            </ul>
        })}
        {move || hint.get().map(|text| view! {
            <p class="form-notice error" role="alert" data-testid="dropoff-error">{tr(text)}</p>
        })}
        {move || trouble.get().map(|(_, text)| view! {
            <p class="form-notice error" role="alert" data-testid="dropoff-error">{tr(text)}</p>
        })}
        <button class="primary wide credit" type="button" data-testid="dropoff-submit" disabled=move || busy.get() on:click=move |_| submit()>
            {move || t(locale.get(), if busy.get() { Text::Crediting } else { Text::Credit })}
        </button>
    }
}

/// 已入账 +N 积分, full-screen: the server's points, line by line.
#[component]
fn Credited(dropoff: Dropoff, next: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let Dropoff {
        villager_name,
        points,
        items,
        ..
    } = dropoff;
    view! {
        <ResultScreen
            ok=true
            testid="dropoff-result"
            title=Text::Credited
            next
            next_text=Text::NextVillager
            next_testid="dropoff-next"
        >
            <p class="result-what" data-testid="dropoff-points">{move || rule_points(locale.get(), points)}</p>
            <p class="result-sub">{villager_name}</p>
            <ul class="result-lines">
                {items
                    .into_iter()
                    .map(|item| view! {
                        <li data-testid="dropoff-item">
                            <span>{item.name.clone()}" "{move || kg_text(locale.get(), item.grams)}</span>
                            <span>{move || rule_points(locale.get(), item.points)}</span>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </ResultScreen>
    }
}

/// `/keeper/today` (今日汇总).
#[component]
pub fn TodayPage() -> impl IntoView {
    view! {
        <KeeperScreen screen=|| view! {
            <KeptShop with=Callback::new(|shop| view! { <Today shop /> }.into_any()) />
        }
            .into_any() />
    }
}

/// The address of the keeper's goods.
pub const GOODS_PATH: &str = "/keeper/goods";

/// `/keeper/goods` (本店商品).
#[component]
pub fn GoodsPage() -> impl IntoView {
    view! { <KeeperScreen screen=|| view! { <KeptGoods /> }.into_any() /> }
}

/// The goods of the kept shop of `?shop=`, or of the first.
#[component]
fn KeptGoods() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let initial = query.with_untracked(|q| q.get("shop").and_then(|s| s.parse::<i64>().ok()));
    view! { <KeptShop initial with=Callback::new(|shop| view! { <ShopGoods shop /> }.into_any()) /> }
}

/// The goods on a shop's shelf with their stock, the low ones first.
#[component]
fn ShopGoods(shop: Shop) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let id = shop.id;
    let goods =
        LocalResource::new(
            move || async move { session.call(&endpoints::ListGoods { id }, &()).await },
        );
    view! {
        <h1 class="region-name">{tr(Text::KeptGoods)}</h1>
        <p class="hint">{shop.name.clone()}</p>
        {move || match goods.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, goods),
            Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{tr(Text::NoGoods)}</p> }.into_any(),
            Some(Ok(mut list)) => {
                list.sort_by_key(|g| (!g.low_on_stock(), g.id));
                view! {
                    <ul class="list">
                        {list.into_iter().map(|g| {
                            let low = g.low_on_stock();
                            let (stock, threshold) = (g.stock, g.low_stock_threshold);
                            view! {
                                <li class="entry" class:low=low data-testid="kept-goods" data-goods=g.id.to_string()>
                                    <span class="entry-text">
                                        <span class="row-name">
                                            {g.name.clone()}
                                            {low.then(|| view! { <span class="badge low">{tr(Text::LowStockBadge)}</span> })}
                                        </span>
                                        <span class="entry-sub" data-testid="kept-goods-stock">{move || stock_and_threshold(locale.get(), stock, threshold)}</span>
                                    </span>
                                    <span class="rank-points">{points_text(g.points_price)}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }
        }}
        <button class="secondary wide more" type="button" data-testid="kept-goods-refresh" on:click=move |_| goods.refetch()>
            {tr(Text::Refresh)}
        </button>
    }
}

/// A number and what it counts.
fn stat(text: Text, n: i64, testid: &'static str) -> impl IntoView {
    view! {
        <div class="stat">
            <span class="stat-number" data-testid=testid>{n}</span>
            <span class="stat-label">{tr(text)}</span>
        </div>
    }
}

/// The shop's day so far.
#[component]
fn Today(shop: Shop) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let id = shop.id;
    let day = LocalResource::new(move || async move { session.call(&ShopToday { id }, &()).await });
    let name = shop.name.clone();
    view! {
        <h1 class="region-name">{tr(Text::TodayTitle)}</h1>
        {move || match day.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, day),
            Some(Ok(d)) => {
                let nothing = d.redemptions == 0 && d.dropoffs == 0;
                view! {
                    <p class="hint" data-testid="today-date">{name.clone()}" · "{d.date.clone()}</p>
                    <div class="stats two">
                        {stat(Text::RedemptionsToday, d.redemptions, "today-redemptions")}
                        {stat(Text::PointsCollected, d.points_collected, "today-collected")}
                        {stat(Text::DropoffsToday, d.dropoffs, "today-dropoffs")}
                        {stat(Text::PointsCredited, d.points_credited, "today-credited")}
                    </div>
                    {nothing.then(|| view! { <p class="empty">{tr(Text::NothingToday)}</p> })}
                    {(!d.goods.is_empty()).then(|| view! {
                        <h2 class="section-title">{tr(Text::GoodsHandedOut)}</h2>
                        <ul class="list">
                            {d.goods.into_iter().map(|g| view! {
                                <li class="entry" data-testid="today-goods">
                                    <span class="entry-text row-name">{goods_times(&g.name, g.qty)}</span>
                                    <span class="rank-points">{points_text(g.points)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                    {(!d.recycling.is_empty()).then(|| view! {
                        <h2 class="section-title">{tr(Text::RecyclingByCategory)}</h2>
                        <ul class="list">
                            {d.recycling.into_iter().map(|c| view! {
                                <li class="entry" data-testid="today-recycling">
                                    <span class="entry-text">
                                        <span class="row-name">{c.name.clone()}</span>
                                        <span class="entry-sub">{move || kg_text(locale.get(), c.grams)}</span>
                                    </span>
                                    <span class="rank-points">{points_text(c.points)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    })}
                }
                    .into_any()
            }
        }}
        <button class="secondary wide more" type="button" data-testid="today-refresh" on:click=move |_| day.refetch()>
            {tr(Text::Refresh)}
        </button>
        <ul class="list more">{super::me::entry(super::settlements::KEEPER_PATH, Text::SettlementsTitle)}</ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_read_in_kilograms_to_the_gram() {
        assert_eq!(parse_kg("2.35"), Some(2350));
        assert_eq!(parse_kg(" 12 "), Some(12_000));
        assert_eq!(parse_kg("0.005"), Some(5));
        assert_eq!(parse_kg(".5"), Some(500));
        assert_eq!(parse_kg("３．２"), Some(3200));
        assert_eq!(parse_kg("1,5"), Some(1500));
        assert_eq!(parse_kg("1000"), Some(MAX_GRAMS));
        for bad in [
            "", ".", "0", "0.0004", "1.2345", "1001", "abc", "-1", "1.2.3",
        ] {
            assert_eq!(parse_kg(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_category_weighed_twice_is_one_line() {
        let category = RecyclingCategory {
            id: 3,
            code: "paper".into(),
            name: "废纸".into(),
            points_per_kg: 2,
            active: true,
            county_code: None,
        };
        let mut lines = Vec::new();
        merge(
            &mut lines,
            Line {
                category: category.clone(),
                grams: 1200,
            },
        );
        merge(
            &mut lines,
            Line {
                category,
                grams: 800,
            },
        );
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].grams, 2000);
    }
}
