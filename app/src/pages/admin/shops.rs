//! 管理 → 积分超市: the shops of the admin's region (`/admin/shops`, `GET /admin/shops`; a
//! village or township admin opens one there, `POST /admin/shops`), one shop
//! (`/admin/shops/:id`, `GET /admin/shops/{id}`): renamed, closed or reopened after a
//! confirmation (`PUT /admin/shops/{id}`); its goods with photo, price, stock and the
//! low-stock mark, added (`POST /admin/shops/{id}/goods`, the photo first through
//! `POST /media`) and edited (`PUT /admin/goods/{id}`); stock in and out asked once with the
//! stock it leaves (`POST /admin/goods/{id}/stock`) and its history
//! (`GET /admin/goods/{id}/movements`); its keepers, appointed by finding a person of the
//! shop's village or township (`GET /admin/people`, `POST /admin/shops/{id}/keepers`) and
//! removed after a confirmation (`DELETE /admin/shops/{id}/keepers/{user_id}`) — and the
//! region's low-stock list (`/admin/low-stock`, `GET /admin/low-stock`).
//!
//! The forms check what the server checks (the bounds of `server/src/shop`) before sending,
//! and show the server's reason when it still refuses.

use jifen_shared::ErrorCode;
use jifen_shared::PageQuery;
use jifen_shared::api::{
    AddKeeper, AdminShopDetail, AdminShops, ChangeStock, CreateGoods, CreateShop, LowStock,
    RemoveKeeper, StockMovements, UpdateGoods, UpdateShop,
};
use jifen_shared::auth::RoleGrant;
use jifen_shared::people::PersonListing;
use jifen_shared::regions::{RegionCode, RegionLevel};
use jifen_shared::shop::{
    AdminShopsQuery, Goods, GoodsUpdate, Keeper, NewGoods, NewKeeper, NewShop, POINT_VALUE_FEN,
    ShopDetail, ShopSummary, ShopUpdate, StockChange, StockReason,
};
use leptos::prelude::*;

use super::AdminFrame;
use super::grid::{Lookup, lookup, people, phone_of};
use crate::api::ApiFailure;
use crate::components::{
    Choice, Confirm, Kind, ProgressBar, TextField, chevron, load_trouble, mutate, path_id,
    photo_button, picked_files,
};
use crate::i18n::{
    Text, goods_terms, low_count, movement_reason, remove_keeper_question, shop_counts,
    stock_and_threshold, stock_question, t, tr, use_locale,
};
use crate::pages::media::MediaImage;
use crate::pages::photos::{shrunk, upload_photo};
use crate::pages::shop::GoodsPhoto;
use crate::pages::{ListSkeleton, explain};
use crate::session::use_session;
use crate::time;

/// The longest shop or goods name, in characters (the server's limit).
const MAX_NAME: usize = 50;
/// The highest points price (the server's limit).
const MAX_POINTS: i64 = 100_000;
/// The highest market price in fen (the server's limit).
const MAX_MARKET_FEN: i64 = 100_000_000;
/// The most units in stock and the largest stock change (the server's limit).
const MAX_STOCK: i64 = 1_000_000;
/// The highest per-person monthly limit (the server's limit).
const MAX_LIMIT: i64 = 1000;
/// The longest stock note, in characters (the server's limit).
const MAX_NOTE: usize = 200;

/// A name as the server takes it: trimmed, 1–50 characters.
fn checked_name(typed: &str) -> Result<String, Text> {
    let name = typed.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        Err(Text::ShopNameRequired)
    } else {
        Ok(name.to_owned())
    }
}

/// A whole number in `range`, else `bad`.
fn whole_in(typed: &str, range: std::ops::RangeInclusive<i64>, bad: Text) -> Result<i64, Text> {
    typed
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or(bad)
}

/// Like [`whole_in`], but empty is `None`.
fn optional_in(
    typed: &str,
    range: std::ops::RangeInclusive<i64>,
    bad: Text,
) -> Result<Option<i64>, Text> {
    if typed.trim().is_empty() {
        Ok(None)
    } else {
        whole_in(typed, range, bad).map(Some)
    }
}

/// Yuan as typed (`12`, `12.5`, `12.50`) in fen; `None` when it does not read or has more than
/// two decimals.
pub fn fen_of_yuan(typed: &str) -> Option<i64> {
    let typed = typed.trim();
    let (whole, cents) = typed.split_once('.').unwrap_or((typed, ""));
    if whole.is_empty() && cents.is_empty()
        || cents.len() > 2
        || !whole
            .bytes()
            .chain(cents.bytes())
            .all(|b| b.is_ascii_digit())
        || whole.len() > 9
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: i64 = format!("{cents:0<2}").parse().ok()?;
    Some(whole * 100 + cents)
}

/// Fen as a person types yuan: `1200` is `12`, `1250` is `12.5`.
fn yuan_typed(fen: i64) -> String {
    match fen % 100 {
        0 => (fen / 100).to_string(),
        c if c % 10 == 0 => format!("{}.{}", fen / 100, c / 10),
        c => format!("{}.{c:02}", fen / 100),
    }
}

/// The goods form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoodsDraft {
    pub name: String,
    pub points: String,
    pub market_yuan: String,
    pub stock: String,
    pub limit: String,
    pub threshold: String,
}

/// The goods form, checked as the server checks it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoodsTerms {
    pub name: String,
    pub points_price: i64,
    pub market_price_fen: i64,
    pub stock: i64,
    pub per_person_limit: Option<i64>,
    pub low_stock_threshold: Option<i64>,
}

/// Checks the goods form; `with_stock`: a new goods item (its initial stock is asked).
pub fn check_goods(d: &GoodsDraft, with_stock: bool) -> Result<GoodsTerms, Text> {
    let name = checked_name(&d.name)?;
    let points_price = whole_in(&d.points, 1..=MAX_POINTS, Text::PointsPriceInvalid)?;
    let market_price_fen = fen_of_yuan(&d.market_yuan)
        .filter(|f| (1..=MAX_MARKET_FEN).contains(f))
        .ok_or(Text::MarketPriceInvalid)?;
    if points_price * POINT_VALUE_FEN > market_price_fen {
        return Err(Text::PriceAboveMarket);
    }
    let stock = if with_stock {
        whole_in(&d.stock, 0..=MAX_STOCK, Text::StockInvalid)?
    } else {
        0
    };
    Ok(GoodsTerms {
        name,
        points_price,
        market_price_fen,
        stock,
        per_person_limit: optional_in(&d.limit, 1..=MAX_LIMIT, Text::LimitInvalid)?,
        low_stock_threshold: optional_in(&d.threshold, 0..=MAX_STOCK, Text::ThresholdInvalid)?,
    })
}

/// Checks a stock change: the signed delta, and the note (a write-off's reason is required, it
/// cannot take more than `stock`).
pub fn check_stock(
    restock: bool,
    qty: &str,
    note: &str,
    stock: i64,
) -> Result<(i64, String), Text> {
    let qty = whole_in(qty, 1..=MAX_STOCK, Text::QuantityInvalid)?;
    let note = note.trim().to_owned();
    if restock {
        if stock + qty > MAX_STOCK {
            return Err(Text::StockInvalid);
        }
        return Ok((qty, note));
    }
    if note.is_empty() {
        return Err(Text::WriteOffReasonRequired);
    }
    if qty > stock {
        return Err(Text::WriteOffBeyondStock);
    }
    Ok((-qty, note))
}

/// What went wrong, with the server's own words when it refused what was typed.
#[derive(Debug, Clone, PartialEq)]
struct Problem {
    text: Text,
    server: Option<String>,
}

impl Problem {
    fn said(text: Text) -> Problem {
        Problem { text, server: None }
    }

    fn of(failure: &ApiFailure) -> Problem {
        let server = match failure {
            ApiFailure::Server(body) if body.code == ErrorCode::InvalidInput => {
                Some(body.message.clone())
            }
            _ => None,
        };
        let text = match failure.code() {
            Some(ErrorCode::AlreadyExists) => Text::NameTaken,
            _ => explain(failure),
        };
        Problem { text, server }
    }
}

/// A problem line under a form (the server's English words only in English), brought into
/// view when it appears: a long form's foot may be below the screen's.
fn problem_line(problem: RwSignal<Option<Problem>>) -> impl IntoView {
    let locale = use_locale();
    let shown = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        problem.track();
        if let Some(p) = shown.get() {
            crate::components::bring_into_view(&p);
        }
    });
    move || {
        problem.get().map(|p| {
            view! {
                <p class="form-notice error" role="alert" node_ref=shown>
                    {tr(p.text)}
                    {p.server.filter(|_| locale.get() == crate::i18n::Locale::En).map(|s| view! { <span class="server-said">" ("{s}")"</span> })}
                </p>
            }
        })
    }
}

#[component]
pub fn ShopsAdminPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant| view! { <ShopsScreen grant /> } /> }
}

/// The region's shops, the way to the low-stock list, and (for a village or township) 开设超市.
#[component]
fn ShopsScreen(grant: RoleGrant) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let region = grant.region_code.clone();
    let code = region.to_string();
    let shops = LocalResource::new(move || {
        let list = AdminShops {
            query: AdminShopsQuery {
                region_code: code.clone(),
            },
        };
        async move {
            let list = &list;
            session.call(list, &()).await
        }
    });
    let opens = matches!(region.level(), RegionLevel::Village | RegionLevel::Township);
    view! {
        <h1 class="region-name">{tr(Text::ShopsOf)}</h1>
        <a class="row low-stock-link card" href="/admin/low-stock" data-testid="low-stock-link">
            <span class="row-name">{tr(Text::LowStockList)}</span>
            {chevron()}
        </a>
        {move || match shops.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, shops),
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="empty">{tr(Text::NoShopsHere)}</p> }.into_any()
            }
            Some(Ok(list)) => view! {
                <ul class="list shops-admin">
                    {list.into_iter().map(|s| {
                        let ShopSummary { id, name, region_name, closed, goods, low_stock, keepers, .. } = s;
                        view! {
                            <li>
                                <a class="row" href=format!("/admin/shops/{id}") data-testid="shop-row">
                                    <span class="row-text">
                                        <span class="row-name">
                                            {name}
                                            {closed.then(|| view! { <span class="badge closed">{tr(Text::ClosedBadge)}</span> })}
                                        </span>
                                        <span class="row-sub">
                                            {region_name}" · "{move || shop_counts(locale.get(), goods, keepers)}
                                        </span>
                                        {(low_stock > 0).then(|| view! {
                                            <span class="row-sub low">{move || low_count(locale.get(), low_stock)}</span>
                                        })}
                                    </span>
                                    {chevron()}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        }}
        {opens.then(|| view! { <OpenShop region opened=Callback::new(move |_| shops.refetch()) /> })}
    }
}

/// 开设超市: a name; the shop is the admin's village's or township's.
#[component]
fn OpenShop(region: RegionCode, opened: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let region = StoredValue::new(region.to_string());
    let open = move || {
        let checked = match checked_name(&name.get_untracked()) {
            Ok(n) => n,
            Err(text) => return problem.set(Some(Problem::said(text))),
        };
        problem.set(None);
        let body = NewShop {
            name: checked,
            village_code: region.get_value(),
        };
        let call = async move { session.call(&CreateShop, &body).await };
        mutate(busy, call, move |result| match result {
            Ok(_) => {
                name.try_set(String::new());
                opened.run(());
            }
            Err(failure) => {
                problem.try_set(Some(Problem::of(&failure)));
            }
        });
    };
    view! {
        <form class="card form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            open();
        }>
            <h2 class="card-title">{tr(Text::OpenShop)}</h2>
            <TextField label=Text::ShopName value=name placeholder=Text::ShopNamePlaceholder name="shop-name" max=MAX_NAME testid="new-shop-name" />
            {problem_line(problem)}
            <button class="primary wide" type="submit" disabled=move || busy.get()>
                {move || t(locale.get(), if busy.get() { Text::Opening } else { Text::OpenShop })}
            </button>
        </form>
    }
}

#[component]
pub fn ShopAdminPage() -> impl IntoView {
    let id = path_id("id");
    view! {
        <AdminFrame back=("/admin/shops", Text::ShopsOf) screen=move |_| {
            match id.get() {
                Some(id) => view! { <ShopScreen id /> }.into_any(),
                None => view! { <p class="empty">{tr(Text::PageNotFound)}</p> }.into_any(),
            }
        } />
    }
}

/// One shop, loaded; drawn again after every change.
#[component]
fn ShopScreen(id: i64) -> impl IntoView {
    let session = use_session();
    let detail =
        LocalResource::new(move || async move { session.call(&AdminShopDetail { id }, &()).await });
    let reload = Callback::new(move |_| detail.refetch());
    move || match detail.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => load_trouble(failure, detail),
        Some(Ok(d)) => view! { <ShopView detail=d reload /> }.into_any(),
    }
}

#[component]
fn ShopView(detail: ShopDetail, reload: Callback<()>) -> impl IntoView {
    let ShopDetail {
        shop,
        goods,
        keepers,
    } = detail;
    let region = RegionCode::parse(&shop.region_code).ok();
    let shop_id = shop.id;
    view! {
        <h1 class="region-name" data-testid="shop-name">
            {shop.name.clone()}
            {shop.closed.then(|| view! { <span class="badge closed">{tr(Text::ClosedBadge)}</span> })}
        </h1>
        <p class="region-meta">{shop.region_name.clone()}</p>
        <div class="shop-admin">
            <div class="shop-goods">
                <h2 class="section-title">{tr(Text::GoodsTitle)}</h2>
                {if goods.is_empty() {
                    view! { <p class="empty">{tr(Text::NoGoods)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="list goods-admin">
                            {goods.into_iter().map(|g| view! { <GoodsRow goods=g reload /> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
                <AddGoods shop_id reload />
            </div>
            <div class="shop-side">
                <ShopSettings shop reload />
                <h2 class="section-title">{tr(Text::KeepersTitle)}</h2>
                {if keepers.is_empty() {
                    view! { <p class="empty">{tr(Text::NoKeepers)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="list people">
                            {keepers.into_iter().map(|k| view! { <KeeperRow keeper=k shop_id reload /> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
                {region.map(|region| view! { <AppointKeeper region shop_id reload /> })}
            </div>
        </div>
    }
}

/// 改名 and 停业 / 恢复营业 (asked once).
#[component]
fn ShopSettings(shop: ShopSummary, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let id = shop.id;
    let closed = shop.closed;
    let name = RwSignal::new(shop.name.clone());
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let send = move |closed: bool| {
        let checked = match checked_name(&name.get_untracked()) {
            Ok(n) => n,
            Err(text) => return problem.set(Some(Problem::said(text))),
        };
        problem.set(None);
        let body = ShopUpdate {
            name: checked,
            closed,
        };
        let call = async move { session.call(&UpdateShop { id }, &body).await };
        mutate(busy, call, move |result| match result {
            Ok(_) => reload.run(()),
            Err(failure) => {
                problem.try_set(Some(Problem::of(&failure)));
            }
        });
    };
    view! {
        <form class="card form shop-settings" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            send(closed);
        }>
            <TextField label=Text::ShopName value=name placeholder=Text::ShopNamePlaceholder name="shop-name" max=MAX_NAME testid="shop-rename" />
            {problem_line(problem)}
            {move || if asking.get() {
                view! {
                    <Confirm
                        yes=if closed { Text::ReopenShopYes } else { Text::CloseShopYes }
                        yes_busy=Text::Saving
                        no=Text::Cancel
                        busy
                        testid="shop-close-yes"
                        on_yes=move || send(!closed)
                        on_no=move || asking.set(false)
                    >
                        {move || t(locale.get(), if closed { Text::ReopenShopQuestion } else { Text::CloseShopQuestion })}
                    </Confirm>
                }
                .into_any()
            } else {
                view! {
                    <div class="shop-settings-actions">
                        <button class="secondary" type="submit" data-testid="shop-rename-save" disabled=move || busy.get()>{tr(Text::SaveName)}</button>
                        <button class="secondary" type="button" data-testid="shop-close" on:click=move |_| asking.set(true)>
                            {tr(if closed { Text::ReopenShop } else { Text::CloseShop })}
                        </button>
                    </div>
                }
                .into_any()
            }}
        </form>
    }
}

/// What a goods row has open.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Panel {
    Closed,
    Edit,
    Stock,
    History,
}

/// A goods row: photo, name, marks, terms; 编辑, 进货/报损, 库存记录.
#[component]
fn GoodsRow(goods: Goods, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let panel = RwSignal::new(Panel::Closed);
    let low = goods.low_on_stock();
    let g = StoredValue::new(goods.clone());
    let toggle =
        move |p: Panel| panel.update(|now| *now = if *now == p { Panel::Closed } else { p });
    let Goods {
        id,
        name,
        points_price,
        market_price_fen,
        stock,
        photo_id,
        active,
        ..
    } = goods;
    view! {
        <li class="goods-admin-row" data-testid="goods-row" data-goods=id.to_string() class:low=low>
            <div class="goods-admin-head">
                <GoodsPhoto photo_id />
                <span class="goods-admin-text">
                    <span class="goods-name" data-testid="goods-row-name">
                        {name}
                        {low.then(|| view! { <span class="badge low">{tr(Text::LowStockBadge)}</span> })}
                        {(!active).then(|| view! { <span class="badge off">{tr(Text::OffShelfBadge)}</span> })}
                    </span>
                    <span class="row-sub" data-testid="goods-row-terms">
                        {move || goods_terms(locale.get(), points_price, market_price_fen, stock)}
                    </span>
                </span>
            </div>
            <div class="goods-admin-actions">
                <button class="secondary small" type="button" data-testid="goods-edit" on:click=move |_| toggle(Panel::Edit)>{tr(Text::EditGoods)}</button>
                <button class="secondary small" type="button" data-testid="goods-stock" on:click=move |_| toggle(Panel::Stock)>{tr(Text::StockInOut)}</button>
                <button class="secondary small" type="button" data-testid="goods-history" on:click=move |_| toggle(Panel::History)>{tr(Text::StockHistory)}</button>
            </div>
            {move || match panel.get() {
                Panel::Closed => ().into_any(),
                Panel::Edit => view! { <GoodsForm shop_id=g.get_value().shop_id existing=Some(g.get_value()) done=reload /> }.into_any(),
                Panel::Stock => view! { <StockForm goods=g.get_value() done=reload /> }.into_any(),
                Panel::History => view! { <History goods_id=id /> }.into_any(),
            }}
        </li>
    }
}

/// ＋ 添加商品, opening the form.
#[component]
fn AddGoods(shop_id: i64, reload: Callback<()>) -> impl IntoView {
    let open = RwSignal::new(false);
    move || {
        if open.get() {
            view! { <GoodsForm shop_id existing=None done=reload /> }.into_any()
        } else {
            view! {
                <button class="primary wide add-goods" type="button" data-testid="add-goods-open" on:click=move |_| open.set(true)>
                    {tr(Text::AddGoodsOpen)}
                </button>
            }
            .into_any()
        }
    }
}

/// 添加商品 (`existing` none) or 编辑: name, photo, prices, stock (new goods only), limit,
/// threshold, on the shelf (editing only).
#[component]
fn GoodsForm(shop_id: i64, existing: Option<Goods>, done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let editing = existing.clone();
    let draft = existing
        .as_ref()
        .map_or_else(GoodsDraft::default, |g| GoodsDraft {
            name: g.name.clone(),
            points: g.points_price.to_string(),
            market_yuan: yuan_typed(g.market_price_fen),
            stock: g.stock.to_string(),
            limit: g
                .per_person_limit
                .map(|n| n.to_string())
                .unwrap_or_default(),
            threshold: g
                .low_stock_threshold
                .map(|n| n.to_string())
                .unwrap_or_default(),
        });
    let name = RwSignal::new(draft.name);
    let points = RwSignal::new(draft.points);
    let market = RwSignal::new(draft.market_yuan);
    let stock = RwSignal::new(draft.stock);
    let limit = RwSignal::new(draft.limit);
    let threshold = RwSignal::new(draft.threshold);
    let active = RwSignal::new(existing.as_ref().is_none_or(|g| g.active));
    let photo = RwSignal::new(existing.as_ref().and_then(|g| g.photo_id));
    let sent = RwSignal::new(None::<f64>);
    let busy = RwSignal::new(false);
    // One Idempotency-Key per goods added: a retried or doubled tap adds them once.
    let key = StoredValue::new(crate::draft::new_key());
    let problem = RwSignal::new(None::<Problem>);
    let new = existing.is_none();

    let on_pick = move |ev: leptos::ev::Event| {
        let Some(file) = picked_files(&ev).into_iter().next() else {
            return;
        };
        problem.set(None);
        sent.set(Some(0.0));
        leptos::task::spawn_local(async move {
            let blob = shrunk(file).await;
            let answer = upload_photo(session, &blob, move |f| {
                sent.try_set(Some(f));
            })
            .await;
            sent.try_set(None);
            match answer {
                Ok(media) => {
                    photo.try_set(Some(media.id));
                }
                Err(failure) => {
                    problem.try_set(Some(Problem::of(&failure)));
                }
            }
        });
    };

    let save = move || {
        if sent.get_untracked().is_some() {
            return;
        }
        let typed = GoodsDraft {
            name: name.get_untracked(),
            points: points.get_untracked(),
            market_yuan: market.get_untracked(),
            stock: stock.get_untracked(),
            limit: limit.get_untracked(),
            threshold: threshold.get_untracked(),
        };
        let terms = match check_goods(&typed, new) {
            Ok(t) => t,
            Err(text) => return problem.set(Some(Problem::said(text))),
        };
        problem.set(None);
        let photo_id = photo.get_untracked();
        let on_shelf = active.get_untracked();
        let editing = editing.clone();
        let call = async move {
            match editing {
                None => {
                    let body = NewGoods {
                        name: terms.name,
                        points_price: terms.points_price,
                        market_price_fen: terms.market_price_fen,
                        stock: terms.stock,
                        per_person_limit: terms.per_person_limit,
                        photo_id,
                        low_stock_threshold: terms.low_stock_threshold,
                    };
                    let key = key.get_value();
                    session
                        .call_once(&CreateGoods { id: shop_id }, &body, &key)
                        .await
                }
                Some(g) => {
                    let body = GoodsUpdate {
                        points_price: terms.points_price,
                        market_price_fen: terms.market_price_fen,
                        per_person_limit: terms.per_person_limit,
                        active: on_shelf,
                        name: Some(terms.name),
                        photo_id,
                        low_stock_threshold: terms.low_stock_threshold,
                    };
                    session.call(&UpdateGoods { id: g.id }, &body).await
                }
            }
        };
        mutate(busy, call, move |result| match result {
            Ok(_) => {
                key.try_set_value(crate::draft::new_key());
                done.run(())
            }
            Err(failure) => {
                problem.try_set(Some(Problem::of(&failure)));
            }
        });
    };

    let title = if new { Text::AddGoods } else { Text::EditGoods };
    view! {
        <form class="card form goods-form" data-testid=if new { "add-goods-form" } else { "edit-goods-form" }
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save();
            }>
            <h2 class="card-title">{tr(title)}</h2>
            <TextField label=Text::GoodsName value=name placeholder=Text::GoodsNamePlaceholder name="goods-name" max=MAX_NAME testid="goods-name" />
            <div class="field">
                <span class="field-label">{tr(Text::GoodsPhotoField)}</span>
                <div class="goods-photo-pick">
                    {move || photo.get().map(|id| view! {
                        <span class="goods-photo" data-testid="goods-photo-preview">
                            <MediaImage media_id=id alt=Signal::derive(move || t(locale.get(), Text::GoodsPhoto)) />
                        </span>
                    })}
                    {photo_button(true, "goods-photo-camera", move || sent.get().is_some() || busy.get(), on_pick)}
                    {photo_button(false, "goods-photo-input", move || sent.get().is_some() || busy.get(), on_pick)}
                </div>
                {move || sent.get().map(|f| view! { <ProgressBar sent=f /> })}
            </div>
            <div class="field-pair">
                <TextField label=Text::PointsPriceField value=points placeholder=Text::PointsPlaceholder name="points" kind=Kind::Phone testid="goods-points-price" />
                <TextField label=Text::MarketPriceField value=market placeholder=Text::YuanPlaceholder name="market" kind=Kind::Decimal testid="goods-market-price" />
            </div>
            {new.then(|| view! {
                <TextField label=Text::StockField value=stock placeholder=Text::PointsPlaceholder name="stock" kind=Kind::Phone testid="goods-stock" />
            })}
            <div class="field-pair">
                <TextField label=Text::LimitField value=limit placeholder=Text::NoLimit name="limit" kind=Kind::Phone testid="goods-limit" />
                <TextField label=Text::ThresholdField value=threshold placeholder=Text::NoWarning name="threshold" kind=Kind::Phone testid="goods-threshold" />
            </div>
            {(!new).then(|| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || active.get() on:change=move |ev| active.set(event_target_checked(&ev)) data-testid="goods-active" />
                    <span>{tr(Text::OnShelf)}</span>
                </label>
            })}
            {problem_line(problem)}
            <button class="primary wide" type="submit" data-testid="goods-save" disabled=move || busy.get() || sent.get().is_some()>
                {move || t(locale.get(), match (busy.get(), new) {
                    (true, true) => Text::Adding,
                    (true, false) => Text::Saving,
                    (false, true) => Text::AddGoods,
                    (false, false) => Text::SaveGoods,
                })}
            </button>
        </form>
    }
}

/// 进货 / 报损: how many and why, then asked once with the stock it leaves.
#[component]
fn StockForm(goods: Goods, done: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let restock = RwSignal::new(true);
    let qty = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let asking = RwSignal::new(None::<(i64, String)>);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    // One Idempotency-Key per confirmed change: a retried or doubled tap changes stock once.
    let key = StoredValue::new(crate::draft::new_key());
    let (id, stock) = (goods.id, goods.stock);
    let next = move || match check_stock(
        restock.get_untracked(),
        &qty.get_untracked(),
        &note.get_untracked(),
        stock,
    ) {
        Ok(change) => {
            problem.set(None);
            key.set_value(crate::draft::new_key());
            asking.set(Some(change));
        }
        Err(text) => problem.set(Some(Problem::said(text))),
    };
    let send = move || {
        let Some((delta, note)) = asking.get_untracked() else {
            return;
        };
        let body = StockChange {
            delta,
            reason: if delta > 0 {
                StockReason::Restock
            } else {
                StockReason::WriteOff
            },
            note,
        };
        let key = key.get_value();
        let call = async move { session.call_once(&ChangeStock { id }, &body, &key).await };
        mutate(busy, call, move |result| match result {
            Ok(_) => done.run(()),
            Err(failure) => {
                asking.try_set(None);
                problem.try_set(Some(Problem::of(&failure)));
            }
        });
    };
    view! {
        <form class="card form stock-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            next();
        }>
            <div class="choices" role="radiogroup">
                <Choice class="choice" testid="stock-restock" chosen=Signal::derive(move || restock.get()) choose=move |_| { restock.set(true); asking.set(None); }>
                    {tr(Text::Restock)}
                </Choice>
                <Choice class="choice" testid="stock-write-off" chosen=Signal::derive(move || !restock.get()) choose=move |_| { restock.set(false); asking.set(None); }>
                    {tr(Text::WriteOff)}
                </Choice>
            </div>
            <TextField label=Text::QuantityField value=qty placeholder=Text::PointsPlaceholder name="qty" kind=Kind::Phone testid="stock-qty" />
            {move || if restock.get() {
                view! { <TextField label=Text::StockNote value=note placeholder=Text::StockNotePlaceholder name="note" max=MAX_NOTE testid="stock-note" /> }.into_any()
            } else {
                view! { <TextField label=Text::WriteOffReason value=note placeholder=Text::WriteOffReasonPlaceholder name="note" max=MAX_NOTE testid="stock-note" /> }.into_any()
            }}
            {problem_line(problem)}
            {move || match asking.get() {
                None => view! {
                    <button class="primary wide" type="submit" data-testid="stock-next">{tr(Text::Next)}</button>
                }
                .into_any(),
                Some((delta, _)) => view! {
                    <Confirm yes=Text::ConfirmStockYes yes_busy=Text::Saving no=Text::Cancel busy testid="stock-yes"
                        on_yes=move || send() on_no=move || asking.set(None)>
                        {move || stock_question(locale.get(), delta > 0, delta.abs(), stock + delta)}
                    </Confirm>
                }
                .into_any(),
            }}
        </form>
    }
}

/// The latest stock changes of a goods item (the newest 20).
#[component]
fn History(goods_id: i64) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let page = LocalResource::new(move || async move {
        let list = StockMovements {
            id: goods_id,
            query: PageQuery::default(),
        };
        let list = &list;
        session.call(list, &()).await
    });
    move || {
        match page.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => load_trouble(failure, page),
        Some(Ok(p)) if p.items.is_empty() => {
            view! { <p class="empty">{tr(Text::NoStockHistory)}</p> }.into_any()
        }
        Some(Ok(p)) => view! {
            <ul class="movements" data-testid="stock-history">
                {p.items.into_iter().map(|m| {
                    let sign = if m.delta > 0 { "+" } else { "" };
                    view! {
                        <li class="movement">
                            <span class="movement-what">
                                {move || movement_reason(locale.get(), &m.reason)}" "{format!("{sign}{}", m.delta)}" → "{m.stock_after}
                            </span>
                            <span class="row-sub">
                                {time::when_text(m.created_at.clone())}" · "{m.actor_name.clone().unwrap_or_default()}
                                {(!m.note.is_empty()).then(|| format!(" · {}", m.note))}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any(),
    }
    }
}

/// A keeper: name and 移除 (asked once).
#[component]
fn KeeperRow(keeper: Keeper, shop_id: i64, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Problem>);
    let Keeper { id, name } = keeper;
    let question = name.clone();
    let remove = move || {
        let call = async move {
            session
                .call(
                    &RemoveKeeper {
                        id: shop_id,
                        user_id: id,
                    },
                    &(),
                )
                .await
        };
        mutate(busy, call, move |result| match result {
            Ok(_) => reload.run(()),
            Err(failure) => {
                problem.try_set(Some(Problem::of(&failure)));
            }
        });
    };
    view! {
        <li class="person" data-testid="keeper-row">
            <span class="person-text"><span class="person-name">{name}</span></span>
            {move || (!asking.get()).then(|| view! {
                <button class="secondary small" type="button" data-testid="keeper-remove" on:click=move |_| asking.set(true)>
                    {tr(Text::RemoveKeeper)}
                </button>
            })}
            {move || asking.get().then(|| {
                let question = question.clone();
                view! {
                    <Confirm yes=Text::RemoveKeeperYes yes_busy=Text::Saving no=Text::Cancel busy small=true testid="keeper-remove-yes"
                        on_yes=move || remove() on_no=move || asking.set(false)>
                        {move || remove_keeper_question(locale.get(), &question)}
                    </Confirm>
                }
            })}
            {problem_line(problem)}
        </li>
    }
}

/// 任命超市管理员: find a person of the shop's village or township, then 任命为管理员.
#[component]
fn AppointKeeper(region: RegionCode, shop_id: i64, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let region = StoredValue::new(region);
    let typed = RwSignal::new(String::new());
    let finding = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let found = RwSignal::new(None::<Vec<PersonListing>>);
    let problem = RwSignal::new(None::<Problem>);
    let find = move || {
        let wanted = lookup(&typed.get_untracked());
        if wanted == Lookup::PartialPhone {
            return problem.set(Some(Problem::said(Text::PhoneInvalid)));
        }
        problem.set(None);
        let list = people(&region.get_value(), &wanted, 20, None);
        let call = async move {
            let list = &list;
            session.call(list, &()).await
        };
        mutate(finding, call, move |result| match result {
            Ok(page) => {
                found.try_set(Some(page.items));
            }
            Err(failure) => {
                problem.try_set(Some(Problem::of(&failure)));
            }
        });
    };
    let appoint = move |user_id: i64| {
        let call = async move {
            session
                .call(&AddKeeper { id: shop_id }, &NewKeeper { user_id })
                .await
        };
        mutate(busy, call, move |result| match result {
            Ok(_) => reload.run(()),
            Err(failure) => {
                problem.try_set(Some(Problem::of(&failure)));
            }
        });
    };
    view! {
        <section class="card add-people">
            <h2 class="card-title">{tr(Text::AppointKeeperTitle)}</h2>
            <form class="find" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                find();
            }>
                <TextField label=Text::FindVillager value=typed placeholder=Text::FindPlaceholder name="find" kind=Kind::Search max=50 row="find-row" testid="keeper-find">
                    <button class="secondary" type="submit" data-testid="keeper-find-button" disabled=move || finding.get()>
                        {move || t(locale.get(), if finding.get() { Text::Finding } else { Text::Find })}
                    </button>
                </TextField>
            </form>
            {problem_line(problem)}
            {move || found.get().map(|list| if list.is_empty() {
                view! { <p class="empty">{tr(Text::NoVillagerFound)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list found">
                        {list.into_iter().map(|p| {
                            let id = p.id;
                            view! {
                                <li class="person" data-testid="keeper-candidate">
                                    <span class="person-text">
                                        <span class="person-name">{p.name}</span>
                                        <span class="person-sub">{phone_of(p.phone.as_deref())}</span>
                                    </span>
                                    <button class="secondary small" type="button" data-testid="keeper-appoint" disabled=move || busy.get() on:click=move |_| appoint(id)>
                                        {tr(Text::AppointKeeper)}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            })}
        </section>
    }
}

#[component]
pub fn LowStockPage() -> impl IntoView {
    view! {
        <AdminFrame back=("/admin/shops", Text::ShopsOf) screen=|grant| view! { <LowStockScreen grant /> } />
    }
}

/// The region's goods at or below their threshold, the emptiest first, each a way to its shop.
#[component]
fn LowStockScreen(grant: RoleGrant) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let code = grant.region_code.to_string();
    let list = LocalResource::new(move || {
        let low = LowStock {
            query: AdminShopsQuery {
                region_code: code.clone(),
            },
        };
        async move {
            let low = &low;
            session.call(low, &()).await
        }
    });
    view! {
        <h1 class="region-name">{tr(Text::LowStockList)}</h1>
        {move || match list.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, list),
            Some(Ok(lines)) if lines.is_empty() => {
                view! { <p class="empty">{tr(Text::NoLowStock)}</p> }.into_any()
            }
            Some(Ok(lines)) => view! {
                <ul class="list goods-admin">
                    {lines.into_iter().map(|line| {
                        let g = line.goods;
                        view! {
                            <li>
                                <a class="row goods-admin-head" href=format!("/admin/shops/{}", g.shop_id) data-testid="low-stock-row">
                                    <GoodsPhoto photo_id=g.photo_id />
                                    <span class="goods-admin-text">
                                        <span class="goods-name">{g.name}</span>
                                        <span class="row-sub">{line.shop_name}</span>
                                        <span class="row-sub low">
                                            {move || stock_and_threshold(locale.get(), g.stock, g.low_stock_threshold)}
                                        </span>
                                    </span>
                                    {chevron()}
                                </a>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(points: &str, yuan: &str, stock: &str) -> GoodsDraft {
        GoodsDraft {
            name: " 洗洁精 ".into(),
            points: points.into(),
            market_yuan: yuan.into(),
            stock: stock.into(),
            ..GoodsDraft::default()
        }
    }

    #[test]
    fn yuan_reads_as_people_type_it() {
        assert_eq!(fen_of_yuan("12"), Some(1200));
        assert_eq!(fen_of_yuan("12.5"), Some(1250));
        assert_eq!(fen_of_yuan(" 0.05 "), Some(5));
        assert_eq!(fen_of_yuan("12.345"), None);
        assert_eq!(fen_of_yuan("-1"), None);
        assert_eq!(fen_of_yuan(""), None);
        assert_eq!(fen_of_yuan("."), None);
        assert_eq!(yuan_typed(1250), "12.5");
        assert_eq!(yuan_typed(1205), "12.05");
        assert_eq!(yuan_typed(1200), "12");
    }

    #[test]
    fn the_goods_form_checks_what_the_server_checks() {
        let ok = check_goods(&draft("10", "12", "10"), true).unwrap();
        assert_eq!(
            (
                ok.name.as_str(),
                ok.points_price,
                ok.market_price_fen,
                ok.stock
            ),
            ("洗洁精", 10, 1200, 10)
        );
        assert_eq!(
            check_goods(&draft("121", "12", "10"), true),
            Err(Text::PriceAboveMarket)
        );
        assert_eq!(
            check_goods(&draft("0", "12", "10"), true),
            Err(Text::PointsPriceInvalid)
        );
        assert_eq!(
            check_goods(&draft("10", "0", "10"), true),
            Err(Text::MarketPriceInvalid)
        );
        assert_eq!(
            check_goods(&draft("10", "12", "-1"), true),
            Err(Text::StockInvalid)
        );
        assert_eq!(
            check_goods(&draft("10", "12", "1000001"), true),
            Err(Text::StockInvalid)
        );
        assert!(
            check_goods(&draft("10", "12", ""), false).is_ok(),
            "an edit does not ask the stock"
        );
        let mut long = draft("1", "1", "1");
        long.name = "洗".repeat(51);
        assert_eq!(check_goods(&long, true), Err(Text::ShopNameRequired));
        let mut limits = draft("1", "1", "1");
        limits.limit = "0".into();
        assert_eq!(check_goods(&limits, true), Err(Text::LimitInvalid));
        limits.limit = String::new();
        limits.threshold = "-2".into();
        assert_eq!(check_goods(&limits, true), Err(Text::ThresholdInvalid));
    }

    #[test]
    fn a_write_off_says_why_and_stays_within_the_stock() {
        assert_eq!(check_stock(true, "5", "", 10), Ok((5, String::new())));
        assert_eq!(
            check_stock(false, "2", " 过期 ", 10),
            Ok((-2, "过期".into()))
        );
        assert_eq!(
            check_stock(false, "2", " ", 10),
            Err(Text::WriteOffReasonRequired)
        );
        assert_eq!(
            check_stock(false, "11", "破损", 10),
            Err(Text::WriteOffBeyondStock)
        );
        assert_eq!(check_stock(true, "0", "", 10), Err(Text::QuantityInvalid));
        assert_eq!(
            check_stock(true, "1000000", "", 10),
            Err(Text::StockInvalid)
        );
    }
}
