//! 积分超市 (`/shop`): the shops serving the villager's village (`GET /shops`, public) and
//! their goods (`GET /shops/{id}/goods`): a photo, the points price in large type, the market
//! price crossed out in yuan, what is left and the monthly limit per person, and 兑换.
//!
//! 兑换 opens a sheet that asks once (UX.md, "Numbers people trust"): how many, the price each
//! as it stands now, the points in all, the balance now and after. 确认兑换 reserves
//! (`POST /redemptions`) and opens the QR code at once (`/redemptions/{id}`): from 首页 that
//! is 积分超市 → 兑换 → 确认兑换, three taps.
//!
//! A retried tap never reserves twice: the `Idempotency-Key` is made when the sheet opens and
//! kept on this phone (`localStorage` key `jifen.redeem.{person}.{goods}`) from the first send
//! until an answer comes, so a retry after a timeout, a second tap or a send after a reload
//! carries the same key, and the quantity cannot change meanwhile.

use jifen_shared::ErrorCode;
use jifen_shared::api::{Endpoint, GetBalance, GetMediaThumb, ListGoods, ListShops, Reserve};
use jifen_shared::points::PointsBalance;
use jifen_shared::shop::{Goods, NewRedemption, RedemptionLine, Shop, ShopsQuery};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde::{Deserialize, Serialize};

use super::redemptions::remember;
use super::{ListSkeleton, TabbedScreen, explain, require_sign_in, worth_retrying};
use crate::api::{self, ApiFailure};
use crate::components::{in_village, load_trouble, mutate};
use crate::draft::{Draft, Kept, new_key_for};
use crate::elder::ReadAloud;
use crate::i18n::{
    Text, per_person, points_n, points_text, spoken_goods, stock_left, t, tr, use_locale, yuan,
};
use crate::session::use_session;

/// The most units of one goods in one redemption (the server's limit).
pub const MAX_QTY: i64 = 100;

/// A redemption sent but not yet answered: its key and quantity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    key: String,
    qty: i64,
}

impl Kept for Pending {
    const WHAT: &'static str = "redeem";

    fn usable(&self) -> bool {
        !self.key.is_empty() && (1..=MAX_QTY).contains(&self.qty)
    }
}

/// How many of `goods` one redemption may ask for: what is left, the monthly limit, what the
/// balance pays for (when known), and the server's cap; at least 1 (the server then says why
/// not).
pub fn most_units(goods: &Goods, available: Option<i64>) -> i64 {
    let affordable = match available {
        Some(points) if goods.points_price > 0 => points / goods.points_price,
        _ => MAX_QTY,
    };
    goods
        .stock
        .min(goods.per_person_limit.unwrap_or(MAX_QTY))
        .min(affordable)
        .clamp(1, MAX_QTY)
}

/// What a refused redemption means to the villager.
fn redeem_trouble(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::Forbidden) => Text::RedeemForbidden,
        _ if worth_retrying(failure) => Text::RedeemNetwork,
        _ => explain(failure),
    }
}

/// `/shop` (积分超市).
#[component]
pub fn ShopPage() -> impl IntoView {
    require_sign_in();
    view! {
        <TabbedScreen>
            {in_village(|person, village| view! { <Shops village person /> })}
        </TabbedScreen>
    }
}

/// The goods picked for the sheet, and the shop that sells them.
type Picked = (Shop, Goods);

/// The shops of the village, each with its goods, and the sheet.
#[component]
fn Shops(village: String, person: i64) -> impl IntoView {
    let session = use_session();
    let shops = LocalResource::new(move || {
        let shops = ListShops {
            query: ShopsQuery {
                village_code: village.clone(),
            },
        };
        async move { api::call(&shops, &(), None).await }
    });
    let balance = LocalResource::new(move || async move { session.call(&GetBalance, &()).await });
    let available = Memo::new(move |_| {
        balance
            .get()
            .and_then(Result::ok)
            .map(|b: PointsBalance| b.available)
    });
    let picked = RwSignal::new(None::<Picked>);
    // Read the goods again (a sheet learnt they ran out or went off the shelf).
    let restock = RwSignal::new(0u32);
    let pick = Callback::new(move |p: Picked| picked.set(Some(p)));
    let close = Callback::new(move |stale: bool| {
        picked.set(None);
        if stale {
            restock.update(|n| *n += 1);
            balance.refetch();
        }
    });
    view! {
        <h1 class="region-name">{tr(Text::Shop)}</h1>
        <p class="shop-bar">
            <span class="shop-balance">
                {tr(Text::BalanceNow)}" "
                <strong data-testid="shop-balance">{move || available.get().map(|n| n.to_string())}</strong>
            </span>
            <a class="crumb" href="/redemptions" data-testid="to-my-redemptions">{tr(Text::MyRedemptions)}" ›"</a>
        </p>
        {move || match shops.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, shops),
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="empty">{tr(Text::NoShops)}</p> }.into_any()
            }
            Some(Ok(list)) => list
                .into_iter()
                .map(|shop| view! { <ShopGoods shop available pick restock /> })
                .collect_view()
                .into_any(),
        }}
        {move || picked.get().map(|(shop, goods)| {
            let available = available.get_untracked();
            view! { <RedeemSheet shop goods person available close /> }
        })}
    }
}

/// One shop's goods.
#[component]
fn ShopGoods(
    shop: Shop,
    available: Memo<Option<i64>>,
    pick: Callback<Picked>,
    restock: RwSignal<u32>,
) -> impl IntoView {
    let id = shop.id;
    let goods = LocalResource::new(move || {
        restock.track();
        async move { api::call(&ListGoods { id }, &(), None).await }
    });
    let name = shop.name.clone();
    view! {
        <h2 class="section-title shop-name" data-testid="shop-name">{name}</h2>
        {move || match goods.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, goods),
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="empty">{tr(Text::NoGoods)}</p> }.into_any()
            }
            Some(Ok(list)) => {
                let shop = shop.clone();
                view! {
                    <ul class="goods-list">
                        {list
                            .into_iter()
                            .map(|goods| {
                                let shop = shop.clone();
                                view! { <GoodsCard goods available pick=Callback::new(move |g: Goods| pick.run((shop.clone(), g))) /> }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
    }
}

/// A goods card: photo, name, points (large), market price (crossed out), what is left, 兑换.
#[component]
fn GoodsCard(goods: Goods, available: Memo<Option<i64>>, pick: Callback<Goods>) -> impl IntoView {
    let locale = use_locale();
    let Goods {
        id,
        ref name,
        points_price,
        market_price_fen,
        stock,
        per_person_limit,
        photo_id,
        ..
    } = goods;
    let name = name.clone();
    let sold_out = stock <= 0;
    let short = move || available.get().is_some_and(|points| points < points_price);
    let label = move || {
        t(
            locale.get(),
            if sold_out {
                Text::SoldOut
            } else if short() {
                Text::NotEnough
            } else {
                Text::Redeem
            },
        )
    };
    let picked = goods.clone();
    let spoken = name.clone();
    view! {
        <li class="card goods" data-testid="goods-card" data-goods=id.to_string()>
            <GoodsPhoto photo_id />
            <div class="goods-text">
                <span class="goods-name">{name}</span>
                <span class="goods-price">
                    <span class="goods-points" data-testid="goods-points">{points_text(points_price)}</span>
                    <del class="goods-market" data-testid="goods-market">
                        <span class="visually-hidden">{tr(Text::MarketPrice)}" "</span>
                        {yuan(market_price_fen)}
                    </del>
                </span>
                <span class="goods-terms">
                    {(!sold_out).then(|| view! { <span>{move || stock_left(locale.get(), stock)}</span> })}
                    {per_person_limit.map(|n| view! { <span>{move || format!(" · {}", per_person(locale.get(), n))}</span> })}
                </span>
                <ReadAloud what=spoken.clone() text=Callback::new(move |locale| spoken_goods(locale, &spoken, points_price)) />
            </div>
            <button
                class="primary goods-redeem"
                type="button"
                data-testid="goods-redeem"
                disabled=move || sold_out || short()
                on:click=move |_| pick.run(picked.clone())
            >
                {label}
            </button>
        </li>
    }
}

/// The goods' photo (public, like the goods list: a plain `<img>`), else a drawn shopping
/// bag; a photo that does not load turns into the bag too (no error text: a missing photo is
/// no trouble for the person buying).
#[component]
pub(crate) fn GoodsPhoto(photo_id: Option<i64>) -> impl IntoView {
    let locale = use_locale();
    let failed = RwSignal::new(false);
    move || {
        match photo_id.filter(|_| !failed.get()) {
        Some(id) => view! {
            <img
                class="goods-photo"
                src=GetMediaThumb { id }.url_path()
                loading="lazy"
                alt=move || t(locale.get(), Text::GoodsPhoto)
                on:error=move |_| failed.set(true)
            />
        }
        .into_any(),
        None => view! {
            <span class="goods-photo placeholder" aria-hidden="true">
                <svg viewBox="0 0 24 24">
                    <path d="M5 8h14l-1.2 12H6.2z M9 8V6.5a3 3 0 016 0V8" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linejoin="round" />
                </svg>
            </span>
        }
        .into_any(),
    }
    }
}

/// The sheet that asks once before points are spent.
#[component]
fn RedeemSheet(
    shop: Shop,
    goods: Goods,
    person: i64,
    available: Option<i64>,
    close: Callback<bool>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    let goods_id = goods.id;
    let shop_id = shop.id;
    let price = goods.points_price;
    let stored = Draft::<Pending>::new(person, goods_id);
    let pending = stored.load();
    // A send that got no answer keeps its key and quantity.
    let locked = RwSignal::new(pending.is_some());
    let was_pending = pending.is_some();
    let qty = RwSignal::new(pending.as_ref().map_or(1, |p| p.qty));
    let key = StoredValue::new(pending.map_or_else(|| new_key_for("redeem"), |p| p.key));
    let most = most_units(&goods, available);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    // The goods list is out of date (ran out, off the shelf, price moved).
    let stale = StoredValue::new(false);
    let total = Memo::new(move |_| qty.get() * price);
    let after = move || available.map(|a| a - total.get());
    let short = move || after().is_some_and(|a| a < 0);

    let confirm = move || {
        if busy.get_untracked() || short() {
            return;
        }
        trouble.set(None);
        let units = qty.get_untracked();
        let sent_key = key.get_value();
        stored.save(&Pending {
            key: sent_key.clone(),
            qty: units,
        });
        locked.set(true);
        let body = NewRedemption {
            shop_id,
            items: vec![RedemptionLine {
                goods_id,
                qty: units,
                seen_points: Some(price),
            }],
        };
        let navigate = navigate.clone();
        let call = async move { session.call_once(&Reserve, &body, &sent_key).await };
        mutate(busy, call, move |result| match result {
            Ok(redemption) => {
                stored.clear();
                let id = redemption.id;
                remember(redemption);
                navigate(&format!("/redemptions/{id}"), Default::default());
            }
            // No answer: it may have been made. The same key and quantity go again.
            Err(failure) if worth_retrying(&failure) => {
                trouble.try_set(Some((failure, Text::RedeemNetwork)));
            }
            Err(failure) => {
                stored.clear();
                key.try_set_value(new_key_for("redeem"));
                locked.try_set(false);
                if matches!(
                    failure.code(),
                    Some(
                        ErrorCode::OutOfStock
                            | ErrorCode::GoodsUnavailable
                            | ErrorCode::InsufficientPoints
                    )
                ) {
                    stale.try_set_value(true);
                }
                let text = redeem_trouble(&failure);
                trouble.try_set(Some((failure, text)));
            }
        });
    };
    let dismiss = move || {
        if !busy.get_untracked() {
            close.run(stale.get_value());
        }
    };
    let escape = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" {
            dismiss();
        }
    });
    on_cleanup(move || escape.remove());

    let step = move |delta: i64| {
        if !locked.get_untracked() {
            qty.update(|q| *q = (*q + delta).clamp(1, most));
        }
    };
    let Goods { name, .. } = goods;
    view! {
        <div class="sheet-backdrop" on:click=move |_| dismiss()>
            <section
                class="sheet"
                role="dialog"
                aria-modal="true"
                aria-labelledby="redeem-title"
                data-testid="redeem-sheet"
                on:click=|e| e.stop_propagation()
            >
                <h2 class="sheet-title" id="redeem-title">{tr(Text::ConfirmRedeem)}</h2>
                <p class="sheet-goods">
                    <span class="goods-name" data-testid="redeem-goods">{name}</span>
                    <span class="hint">{shop.name.clone()}</span>
                </p>
                <div class="stepper" role="group" aria-label=move || t(locale.get(), Text::Quantity)>
                    <span class="field-label">{tr(Text::Quantity)}</span>
                    <button
                        class="step"
                        type="button"
                        data-testid="qty-minus"
                        aria-label=move || t(locale.get(), Text::Fewer)
                        disabled=move || { locked.get() || qty.get() <= 1 }
                        on:click=move |_| step(-1)
                    >
                        "−"
                    </button>
                    <span class="qty" data-testid="redeem-qty" aria-live="polite">{move || qty.get()}</span>
                    <button
                        class="step"
                        type="button"
                        data-testid="qty-plus"
                        aria-label=move || t(locale.get(), Text::More)
                        disabled=move || { locked.get() || qty.get() >= most }
                        on:click=move |_| step(1)
                    >
                        "+"
                    </button>
                </div>
                <dl class="sums">
                    <div>
                        <dt>{tr(Text::UnitPrice)}</dt>
                        <dd data-testid="redeem-unit">{points_text(price)}</dd>
                    </div>
                    <div class="sum-total">
                        <dt>{tr(Text::PointsNeeded)}</dt>
                        <dd data-testid="redeem-points">{move || points_n(locale.get(), total.get())}</dd>
                    </div>
                    {available.map(|points| view! {
                        <div>
                            <dt>{tr(Text::BalanceNow)}</dt>
                            <dd data-testid="redeem-balance">{points_text(points)}</dd>
                        </div>
                    })}
                    {move || after().map(|left| view! {
                        <div class:short=left < 0>
                            <dt>{tr(Text::BalanceAfter)}</dt>
                            <dd data-testid="redeem-after">{points_text(left)}</dd>
                        </div>
                    })}
                </dl>
                {move || (was_pending && trouble.with(Option::is_none)).then(|| view! {
                    <p class="form-notice" role="status">{tr(Text::LastTryUnknown)}</p>
                })}
                {move || short().then(|| view! {
                    <p class="form-notice error" role="alert">{tr(Text::InsufficientPoints)}</p>
                })}
                // 确认兑换 below is the retry (with the same key): no second button for it.
                {move || trouble.get().map(|(_, text)| view! {
                    <p class="form-notice error" role="alert" data-testid="redeem-error">{tr(text)}</p>
                })}
                <button
                    class="primary wide"
                    type="button"
                    data-testid="redeem-confirm"
                    disabled=move || busy.get() || short()
                    on:click=move |_| confirm()
                >
                    {move || t(locale.get(), if busy.get() { Text::Redeeming } else { Text::ConfirmRedeem })}
                </button>
                <button class="text-button" type="button" data-testid="redeem-dismiss" disabled=move || busy.get() on:click=move |_| dismiss()>
                    {tr(Text::ThinkAgain)}
                </button>
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn goods(stock: i64, limit: Option<i64>, price: i64) -> Goods {
        Goods {
            id: 1,
            shop_id: 1,
            name: "花生油".into(),
            points_price: price,
            market_price_fen: 7000,
            stock,
            per_person_limit: limit,
            photo_id: None,
            active: true,
            low_stock_threshold: None,
        }
    }

    #[test]
    fn the_quantity_is_bounded_by_stock_limit_and_balance() {
        assert_eq!(most_units(&goods(50, None, 10), Some(35)), 3);
        assert_eq!(most_units(&goods(2, None, 10), Some(1000)), 2);
        assert_eq!(most_units(&goods(50, Some(1), 10), Some(1000)), 1);
        assert_eq!(most_units(&goods(500, None, 1), None), MAX_QTY);
        // Never below one: the server says why not.
        assert_eq!(most_units(&goods(0, None, 10), Some(0)), 1);
    }

    #[test]
    fn refusals_are_said_plainly() {
        let server = |code| {
            ApiFailure::Server(jifen_shared::ApiErrorBody {
                code,
                message: String::new(),
            })
        };
        assert_eq!(redeem_trouble(&ApiFailure::Network), Text::RedeemNetwork);
        assert_eq!(
            redeem_trouble(&server(ErrorCode::InsufficientPoints)),
            Text::InsufficientPoints
        );
        assert_eq!(
            redeem_trouble(&server(ErrorCode::OutOfStock)),
            Text::OutOfStock
        );
        assert_eq!(
            redeem_trouble(&server(ErrorCode::Forbidden)),
            Text::RedeemForbidden
        );
    }
}
