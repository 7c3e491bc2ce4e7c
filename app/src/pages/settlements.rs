//! 结算单: the points shops' monthly statements and their payment (政府买单).
//!
//! One screen in two places: township and county admins (and village admins, who only read)
//! open it from 管理 (`/admin/settlements`); keepers from 今日汇总 and 我的
//! (`/keeper/settlements`). Both see the shops the server lists for them
//! (`GET /shop/settlements?month=`): a keeper their own, an admin those of their region.
//!
//! - A month at a time, last month first (the month a township pays) unless `?month=` names
//!   one (a keeper's 消息 about a payment leads there); ‹ › step through the months, never past
//!   this one.
//! - Each shop: a status (已付款, 待付款, 本月进行中, 无兑换), the hand-overs, points and the
//!   goods' market value (the amount to pay), late hand-overs counted in this month, the
//!   goods (folded), what is still unpaid over all months; a paid month shows its payment
//!   reference, date and who recorded it. A downloaded CSV or Excel file has the same
//!   figures.
//! - 标记已付 (only where the server says the caller may, `may_pay`): the payment's reference
//!   and date (today by default), a warning that it cannot be undone, then 确认已付
//!   (`POST /admin/shops/{id}/payments`, one Idempotency-Key per opened form: a retried tap
//!   pays once). An earlier unpaid month is named with a way to it.

use jifen_shared::ErrorCode;
use jifen_shared::api::{PayShop, ShopSettlements};
use jifen_shared::shop::{
    MAX_PAYMENT_REFERENCE_CHARS, NewShopPayment, SettlementsQuery, ShopSettlement,
};
use leptos::prelude::*;

use super::admin::AdminFrame;
use super::keeper::KeeperScreen;
use super::{ListSkeleton, explain};
use crate::api;
use crate::components::{TextField, load_trouble, mutate};
use crate::i18n::{Locale, Text, goods_times, points_n, points_text, t, tr, use_locale, yuan};
use crate::session::use_session;

/// The admins' screen.
pub const ADMIN_PATH: &str = "/admin/settlements";
/// The keepers' screen.
pub const KEEPER_PATH: &str = "/keeper/settlements";

/// `/admin/settlements`.
#[component]
pub fn SettlementsAdminPage() -> impl IntoView {
    view! { <AdminFrame screen=|_| view! { <Statements /> } /> }
}

/// `/keeper/settlements`.
#[component]
pub fn KeeperSettlementsPage() -> impl IntoView {
    view! { <KeeperScreen screen=|| view! { <Statements /> }.into_any() /> }
}

/// `month` (`YYYY-MM`) moved by `by` months.
fn shift_month(month: &str, by: i32) -> String {
    let (y, m) = month.split_once('-').unwrap_or(("2026", "01"));
    let index = y.parse::<i32>().unwrap_or(2026) * 12 + m.parse::<i32>().unwrap_or(1) - 1 + by;
    format!(
        "{:04}-{:02}",
        index.div_euclid(12),
        index.rem_euclid(12) + 1
    )
}

/// The county month now, `YYYY-MM`.
fn this_month() -> String {
    crate::time::county_date(0, false)[..7].to_owned()
}

/// `2026年11月` / `Nov 2026`.
fn month_words(locale: Locale, month: &str) -> String {
    let (y, m) = month.split_once('-').unwrap_or((month, ""));
    let m: u32 = m.parse().unwrap_or(0);
    match locale {
        Locale::ZhCn => format!("{y}年{m}月"),
        Locale::En => format!("{} {y}", crate::time::month_en(m)),
    }
}

/// "1 shop", "3 shops".
fn shops_en(n: usize) -> String {
    if n == 1 {
        "1 shop".into()
    } else {
        format!("{n} shops")
    }
}

/// Where a shop's month stands.
fn status(s: &ShopSettlement, month: &str) -> (Text, &'static str) {
    if s.payment.is_some() {
        (Text::SettlementPaid, "approved")
    } else if month >= this_month().as_str() {
        (Text::SettlementRunning, "rejected")
    } else if s.redemptions == 0 {
        (Text::SettlementNothing, "rejected")
    } else {
        (Text::SettlementToPay, "pending")
    }
}

/// The month picker, the month's statements and its downloads.
#[component]
fn Statements() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    // `?month=YYYY-MM` (a payment's message leads there), else last month.
    let asked = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("month")
        .filter(|m| m.len() == 7 && shift_month(m, 0) == *m);
    let month = RwSignal::new(asked.unwrap_or_else(|| shift_month(&this_month(), -1)));
    // What a payment attempt left to say once the month is read again (paid meanwhile).
    let said = RwSignal::new(None::<Text>);
    let list = LocalResource::new(move || {
        let month = month.get();
        async move {
            let query = SettlementsQuery {
                month,
                format: None,
            };
            session.call(&ShopSettlements { query }, &()).await
        }
    });
    view! {
        <h1 class="region-name">{tr(Text::SettlementsTitle)}</h1>
        <div class="month-picker">
            <button class="secondary small" type="button" data-testid="month-prev"
                aria-label=move || t(locale.get(), Text::EarlierMonth)
                on:click=move |_| { said.set(None); month.update(|m| *m = shift_month(m, -1)) }>"‹"</button>
            <span class="month-label" data-testid="month-label">{move || month_words(locale.get(), &month.get())}</span>
            <button class="secondary small" type="button" data-testid="month-next"
                aria-label=move || t(locale.get(), Text::LaterMonth)
                disabled=move || { month.get() >= this_month() }
                on:click=move |_| { said.set(None); month.update(|m| *m = shift_month(m, 1)) }>"›"</button>
        </div>
        {move || said.get().map(|text| view! { <p class="form-notice" role="status" data-testid="settlement-said">{tr(text)}</p> })}
        {move || match list.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, list),
            Some(Ok(s)) if s.shops.is_empty() => view! { <p class="empty">{tr(Text::NoShopsToSettle)}</p> }.into_any(),
            Some(Ok(s)) => {
                let shown = s.month.clone();
                let running = shown >= this_month();
                let due: i64 = s.shops.iter().filter(|x| x.payment.is_none()).map(|x| x.market_value_fen).sum();
                let paid = s.shops.iter().filter(|x| x.payment.is_some()).count();
                let total = s.shops.len();
                view! {
                    <p class="hint" data-testid="settlement-summary">
                        {move || match (locale.get(), running) {
                            (Locale::ZhCn, false) => format!("共 {total} 个超市 · 已付款 {paid} 个 · 待付 {}", yuan(due)),
                            (Locale::En, false) => format!("{} · {paid} paid · {} to pay", shops_en(total), yuan(due)),
                            (Locale::ZhCn, true) => format!("共 {total} 个超市 · 本月至今 {}", yuan(due)),
                            (Locale::En, true) => format!("{} · {} so far this month", shops_en(total), yuan(due)),
                        }}
                    </p>
                    <ul class="list statements">
                        {s.shops.into_iter().map(|shop| {
                            view! { <StatementCard shop month=shown.clone() go=month paid=Callback::new(move |text| { said.set(text); list.refetch() }) /> }
                        }).collect_view()}
                    </ul>
                    <Downloads month=shown />
                }
                    .into_any()
            }
        }}
    }
}

/// One shop's statement of the month, and 标记已付 where the caller may (`paid`: after a
/// payment, or one found made meanwhile, to read the month again; with what to say then).
#[component]
fn StatementCard(
    shop: ShopSettlement,
    month: String,
    go: RwSignal<String>,
    paid: Callback<Option<Text>>,
) -> impl IntoView {
    let locale = use_locale();
    let shop_id = shop.shop_id;
    let current = RwSignal::new(shop);
    let paying = RwSignal::new(false);
    let shown_month = month.clone();
    view! {
        <li class="card statement" data-testid="statement" data-shop=shop_id>
            {move || {
                let s = current.get();
                let (state, class) = status(&s, &shown_month);
                let goods_count = s.goods.len();
                view! {
                    <div class="claim-head">
                        <span class="row-name">{s.shop_name.clone()}</span>
                        <span class=format!("chip {class}") data-testid="statement-status">{tr(state)}</span>
                    </div>
                    <p class="claim-sub">{s.region_name.clone()}</p>
                    <div class="statement-figures">
                        <span class="statement-money" data-testid="statement-money">{yuan(s.market_value_fen)}</span>
                        <span class="entry-sub" data-testid="statement-figures">
                            {move || match locale.get() {
                                Locale::ZhCn => format!("{} 笔兑换 · {}", s.redemptions, points_n(Locale::ZhCn, s.points)),
                                Locale::En if s.redemptions == 1 => format!("1 redemption · {}", points_n(Locale::En, s.points)),
                                Locale::En => format!("{} redemptions · {}", s.redemptions, points_n(Locale::En, s.points)),
                            }}
                        </span>
                    </div>
                    {(s.late_redemptions > 0).then(|| {
                        let n = s.late_redemptions;
                        view! {
                            <p class="claim-sub" data-testid="statement-late">{move || match locale.get() {
                                Locale::ZhCn => format!("含 {n} 笔上月已结算后才交付的兑换"),
                                Locale::En => format!("Includes {n} handed over after the earlier month was paid"),
                            }}</p>
                        }
                    })}
                    {s.payment.clone().map(|p| view! {
                        <p class="claim-reason paid-line" data-testid="statement-payment">{move || match locale.get() {
                            Locale::ZhCn => format!("{} 付款 · 凭证号 {} · {} 记录", p.paid_on, p.reference, p.paid_by_name),
                            Locale::En => format!("Paid on {} · reference {} · recorded by {}", p.paid_on, p.reference, p.paid_by_name),
                        }}</p>
                    })}
                    {(goods_count > 0).then(|| view! {
                        <details class="statement-goods">
                            <summary>{move || match locale.get() {
                                Locale::ZhCn => format!("{}（{goods_count}）", t(Locale::ZhCn, Text::StatementGoods)),
                                Locale::En => format!("{} ({goods_count})", t(Locale::En, Text::StatementGoods)),
                            }}</summary>
                            <ul class="list">
                                {s.goods.iter().map(|g| view! {
                                    <li class="entry">
                                        <span class="entry-text row-name">{goods_times(&g.name, g.qty)}</span>
                                        <span class="rank-points">{yuan(g.market_value_fen)}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </details>
                    })}
                    <p class="claim-sub" data-testid="statement-unpaid">
                        {tr(Text::UnpaidAllMonths)}{points_text(s.unpaid_points)}
                    </p>
                    {s.unpaid_before.clone().filter(|_| s.payment.is_none() && s.redemptions > 0).map(|earlier| {
                        let to = earlier.clone();
                        view! {
                            <p class="form-notice" data-testid="statement-earlier">
                                {move || match locale.get() {
                                    Locale::ZhCn => format!("请先结算 {}", month_words(Locale::ZhCn, &earlier)),
                                    Locale::En => format!("Pay {} first", month_words(Locale::En, &earlier)),
                                }}
                                " "
                                <button class="text-button" type="button" on:click=move |_| go.set(to.clone())>
                                    {tr(Text::GoThere)}
                                </button>
                            </p>
                        }
                    })}
                    {(s.may_pay && !paying.get()).then(|| view! {
                        <button class="primary wide" type="button" data-testid="pay-open" on:click=move |_| paying.set(true)>
                            {tr(Text::MarkPaid)}
                        </button>
                    })}
                }
            }}
            <Show when=move || paying.get()>
                <PayForm shop_id month=month.clone() current paying paid />
            </Show>
        </li>
    }
}

/// The payment's reference and date, and the confirmation.
#[component]
fn PayForm(
    shop_id: i64,
    month: String,
    current: RwSignal<ShopSettlement>,
    paying: RwSignal<bool>,
    paid: Callback<Option<Text>>,
) -> impl IntoView {
    let session = use_session();
    let locale = use_locale();
    let reference = RwSignal::new(String::new());
    let paid_on = RwSignal::new(crate::time::county_date(0, false));
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    // One key for this form: a tap repeated after a lost answer pays once.
    let key = crate::draft::new_key();
    let first_day = format!("{month}-01");
    let confirm = move |_| {
        if reference.get_untracked().trim().is_empty() || paid_on.get_untracked().is_empty() {
            trouble.set(Some(Text::PaymentIncomplete));
            return;
        }
        trouble.set(None);
        let body = NewShopPayment {
            month: month.clone(),
            reference: reference.get_untracked().trim().to_owned(),
            paid_on: paid_on.get_untracked(),
        };
        let key = key.clone();
        let call = async move {
            session
                .call_once(&PayShop { id: shop_id }, &body, &key)
                .await
        };
        mutate(busy, call, move |answer| match answer {
            Ok(statement) => {
                current.set(statement);
                paying.set(false);
                paid.run(None);
            }
            Err(failure) => {
                let code = failure.code();
                // Paid meanwhile (by someone else, or by this very tap whose answer was lost
                // before the form was reopened): the month as it is now, and who paid it.
                if matches!(
                    code,
                    Some(ErrorCode::AlreadyPaid | ErrorCode::IdempotencyConflict)
                ) {
                    paid.run(Some(Text::PaidMeanwhile));
                    return;
                }
                trouble.try_set(Some(match code {
                    Some(ErrorCode::InvalidInput) => Text::PaymentIncomplete,
                    _ => explain(&failure),
                }));
            }
        });
    };
    view! {
        <div class="form pay-form">
            <TextField label=Text::PaymentReference value=reference placeholder=Text::PaymentReferenceHint
                name="reference" max=MAX_PAYMENT_REFERENCE_CHARS testid="pay-reference" />
            <label class="field">
                <span class="field-label">{tr(Text::PaidOn)}</span>
                <input class="input" type="date" data-testid="pay-date" prop:value=paid_on
                    min=first_day max=crate::time::county_date(0, false)
                    on:change=move |e| paid_on.set(event_target_value(&e)) />
            </label>
            <div class="confirm">
                <p class="confirm-text">{tr(Text::MarkPaidFinal)}</p>
                <button class="primary small" type="button" data-testid="pay-confirm" disabled=move || busy.get() on:click=confirm>
                    {move || t(locale.get(), if busy.get() { Text::Paying } else { Text::ConfirmPaid })}
                </button>
                <button class="secondary small" type="button" on:click=move |_| paying.set(false)>{tr(Text::Cancel)}</button>
            </div>
            {move || trouble.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
        </div>
    }
}

/// 下载 CSV / Excel of the month's statements.
#[component]
fn Downloads(month: String) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    let download = move |format: &'static str| {
        let month = month.clone();
        move |_| {
            trouble.set(None);
            let file = format!("结算单-{month}.{format}");
            let query = SettlementsQuery {
                month: month.clone(),
                format: Some(format.into()),
            };
            let call = async move {
                let statements = &ShopSettlements { query };
                session
                    .authed(|token| async move { api::get_blob(statements, &token).await })
                    .await
            };
            mutate(busy, call, move |blob| match blob {
                Ok(blob) => super::admin::save(&blob, &file),
                Err(failure) => {
                    trouble.try_set(Some(explain(&failure)));
                }
            });
        }
    };
    view! {
        <div class="shop-settings-actions downloads">
            <button class="secondary" type="button" data-testid="download-csv" disabled=move || busy.get() on:click=download("csv")>
                {tr(Text::DownloadCsv)}
            </button>
            <button class="secondary" type="button" data-testid="download-xlsx" disabled=move || busy.get() on:click=download("xlsx")>
                {tr(Text::DownloadExcel)}
            </button>
        </div>
        {move || trouble.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_shift_across_years() {
        assert_eq!(shift_month("2026-01", -1), "2025-12");
        assert_eq!(shift_month("2025-12", 1), "2026-01");
        assert_eq!(shift_month("2026-11", -13), "2025-10");
        assert_eq!(month_words(Locale::ZhCn, "2026-11"), "2026年11月");
        assert_eq!(month_words(Locale::En, "2026-11"), "Nov 2026");
    }
}
