//! 服务 (五单 and 好差评) for villagers and volunteers.
//!
//! - `/services`: the county's service types (`GET /services/types?region_code=`) as big
//!   tiles, each with the volunteer's reward, and 我的订单.
//! - `/services/new/{type id}` (点单): what is needed, where (我家 or another place), up to
//!   [`MAX_PHOTOS`] optional photos (the claim's [`PhotoPicker`]), 提交订单
//!   (`POST /services/orders` with the draft's `Idempotency-Key`). The draft lives on the
//!   phone like a claim's ([`crate::draft`]): a reload or a retried submit never orders twice.
//! - `/services/orders` (我的订单): the villager's orders with their status.
//! - `/services/orders/{id}`: one order with its photos (a tap shows one full-screen) and its
//!   timeline on the county's clock, and what the
//!   current role may do with it: the villager cancels an open order or rates a completed one
//!   (five big stars, 好评/中评/差评 under them, a comment); a volunteer takes an open order
//!   (接单) or completes their own with a note and a photo.

use jifen_shared::api::{
    CancelOrder, ClaimOrder, CompleteOrder, CreateOrder, Endpoint, GetOrder, ListServiceTypes,
    MyOrders, RateOrder, UploadMedia,
};
use jifen_shared::auth::Role;
use jifen_shared::services::{
    Completion, Grade, NewOrder, NewRating, Order, OrderStatus, ServiceType, TypesQuery,
};
use jifen_shared::{ErrorCode, PageQuery};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use super::media::{MediaImage, Zoom};
use super::paged::{Paged, PagedList};
use super::photos::{MAX_PHOTOS, PhotoPicker, Photos};
use super::{ListSkeleton, TabbedScreen, Trouble, explain, require_sign_in, worth_retrying};
use crate::api::{self, ApiFailure, Upload};
use crate::i18n::{
    Text, char_count, order_event, order_reward, photo_n, reward_paid, signed, stars_n, t, tr,
    use_locale,
};
use crate::photo;
use crate::session::use_session;
use crate::time;

/// The longest description or completion note, in characters (the server's limit).
pub const MAX_TEXT_CHARS: usize = 1000;
/// The longest rating comment, in characters (the server's limit).
pub const MAX_COMMENT_CHARS: usize = 500;
/// Orders asked for at a time.
const PAGE_SIZE: u32 = 20;

/// An order being written, kept on the phone (`jifen.order.{person}.{type}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct OrderDraft {
    /// The `Idempotency-Key` of its `POST /services/orders`, made with the draft.
    key: String,
    #[serde(default)]
    description: String,
    /// Somewhere other than home.
    #[serde(default)]
    elsewhere: bool,
    #[serde(default)]
    address: String,
    /// Uploaded photos (`POST /media`), in the order taken.
    #[serde(default)]
    photo_ids: Vec<i64>,
}

impl OrderDraft {
    fn new() -> OrderDraft {
        OrderDraft {
            key: crate::draft::new_key().replacen("claim-", "order-", 1),
            description: String::new(),
            elsewhere: false,
            address: String::new(),
            photo_ids: Vec::new(),
        }
    }

    fn is_blank(&self) -> bool {
        self.description.trim().is_empty()
            && self.address.trim().is_empty()
            && self.photo_ids.is_empty()
    }

    /// The body to send: `address` absent for 我家.
    fn body(&self, type_id: i64) -> NewOrder {
        let address = self.address.trim();
        NewOrder {
            type_id,
            description: self.description.trim().to_owned(),
            address: (self.elsewhere && !address.is_empty()).then(|| address.to_owned()),
            photo_ids: self.photo_ids.clone(),
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn draft_key(person: i64, type_id: i64) -> String {
    format!("jifen.order.{person}.{type_id}")
}

fn load_draft(person: i64, type_id: i64) -> Option<OrderDraft> {
    let text = storage()?.get_item(&draft_key(person, type_id)).ok()??;
    serde_json::from_str(&text)
        .ok()
        .filter(|d: &OrderDraft| !d.key.is_empty())
}

fn save_draft(person: i64, type_id: i64, draft: &OrderDraft) {
    if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(draft)) {
        let _ = s.set_item(&draft_key(person, type_id), &text);
    }
}

fn clear_draft(person: i64, type_id: i64) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&draft_key(person, type_id));
    }
}

/// The signed-in person and their village, as a memo (a token refresh does not rebuild a form).
fn person_and_village() -> Memo<Option<(i64, Option<String>)>> {
    let session = use_session();
    Memo::new(move |_| {
        session.me.with(|m| {
            m.as_ref()
                .map(|m| (m.id, m.village_code.as_ref().map(|v| v.to_string())))
        })
    })
}

/// A chevron at the end of a row.
fn chevron() -> impl IntoView {
    view! {
        <svg class="chevron" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

/// A notice in the middle of a screen, with a way on.
fn notice(text: Text, href: &'static str, link: Text) -> impl IntoView {
    view! {
        <div class="notice" role="alert">
            <p class="notice-text">{tr(text)}</p>
            <a class="primary" href=href>{tr(link)}</a>
        </div>
    }
}

/// `/services`: the service types to order, and 我的订单.
#[component]
pub fn ServicesPage() -> impl IntoView {
    require_sign_in();
    let who = person_and_village();
    view! {
        <TabbedScreen>
            <h1 class="region-name">{tr(Text::Services)}</h1>
            <p class="hint">{tr(Text::ServicesHint)}</p>
            {move || match who.get() {
                None => view! { <ListSkeleton /> }.into_any(),
                Some((_, None)) => notice(Text::NoVillage, "/me", Text::Mine).into_any(),
                Some((_, Some(village))) => view! { <TypeList village /> }.into_any(),
            }}
            <ul class="list browse">
                <li>
                    <a class="row" href="/services/orders" data-testid="my-orders">
                        <span class="row-name">{tr(Text::MyOrders)}</span>
                        {chevron()}
                    </a>
                </li>
            </ul>
        </TabbedScreen>
    }
}

/// The active service types of the village's county.
#[component]
fn TypeList(village: String) -> impl IntoView {
    let locale = use_locale();
    let types = LocalResource::new(move || {
        let types = ListServiceTypes {
            query: TypesQuery {
                region_code: village.clone(),
            },
        };
        async move { api::call(&types, &(), None).await }
    });
    move || match types.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => {
            let text = explain(&failure);
            view! { <Trouble failure text retry=Callback::new(move |_| types.refetch()) /> }
                .into_any()
        }
        Some(Ok(types)) => {
            let active: Vec<ServiceType> = types.into_iter().filter(|t| t.active).collect();
            if active.is_empty() {
                return view! { <p class="empty">{tr(Text::NoServiceTypes)}</p> }.into_any();
            }
            view! {
                <ul class="list rules">
                    {active
                        .into_iter()
                        .map(|st| {
                            let reward = st.reward_points;
                            view! {
                                <li>
                                    <a class="row rule" href=format!("/services/new/{}", st.id) data-testid="service-type" data-code=st.code>
                                        <span class="rule-text">
                                            <span class="row-name">{st.name}</span>
                                            <span class="rule-caps">{move || order_reward(locale.get(), reward)}</span>
                                        </span>
                                        {chevron()}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        }
    }
}

/// How the order form stands.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Editing,
    Sending,
    Sent(Box<Order>),
    Failed(ApiFailure),
}

/// `/services/new/{type id}` (点单).
#[component]
pub fn OrderPage() -> impl IntoView {
    require_sign_in();
    let params = use_params_map();
    let type_id = Memo::new(move |_| {
        params
            .read()
            .get("type")
            .and_then(|s| s.parse::<i64>().ok())
    });
    let who = person_and_village();
    view! {
        <TabbedScreen>
            <nav class="crumbs">
                <a class="crumb" href="/services">"‹ "{tr(Text::Services)}</a>
            </nav>
            {move || match (who.get(), type_id.get()) {
                (None, _) => view! { <ListSkeleton /> }.into_any(),
                (Some((_, None)), _) => notice(Text::NoVillage, "/me", Text::Mine).into_any(),
                (_, None) => notice(Text::PageNotFound, "/services", Text::Services).into_any(),
                (Some((person, Some(village))), Some(type_id)) => {
                    view! { <OrderLoader village person type_id /> }.into_any()
                }
            }}
        </TabbedScreen>
    }
}

/// Finds the service type, then the form for it.
#[component]
fn OrderLoader(village: String, person: i64, type_id: i64) -> impl IntoView {
    let types = LocalResource::new(move || {
        let types = ListServiceTypes {
            query: TypesQuery {
                region_code: village.clone(),
            },
        };
        async move { api::call(&types, &(), None).await }
    });
    move || match types.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => {
            let text = explain(&failure);
            view! { <Trouble failure text retry=Callback::new(move |_| types.refetch()) /> }
                .into_any()
        }
        Some(Ok(types)) => match types.into_iter().find(|t| t.id == type_id && t.active) {
            None => notice(Text::PageNotFound, "/services", Text::Services).into_any(),
            Some(service) => view! { <OrderForm service person /> }.into_any(),
        },
    }
}

/// What a failed order means.
fn order_trouble(failure: &ApiFailure) -> Text {
    match failure {
        ApiFailure::Network => Text::DraftKept,
        f if f.code() == Some(ErrorCode::IdempotencyConflict) => Text::AlreadySubmitted,
        f if f.code() == Some(ErrorCode::Forbidden) => Text::NotAVillager,
        f => explain(f),
    }
}

/// The order form.
#[component]
fn OrderForm(service: ServiceType, person: i64) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let type_id = service.id;
    let saved = load_draft(person, type_id);
    // A draft found here may have been sent already (its answer lost): keep its key whatever
    // happens to its contents.
    let sent_once = StoredValue::new(saved.is_some());
    let draft = RwSignal::new(saved.unwrap_or_else(OrderDraft::new));
    let phase = RwSignal::new(Phase::Editing);
    let hint = RwSignal::new(None::<Text>);
    let persist = move || {
        let d = draft.get_untracked();
        if !d.is_blank() || sent_once.get_value() {
            save_draft(person, type_id, &d);
        } else {
            clear_draft(person, type_id);
        }
    };
    // The draft's photos are the uploaded ones, in the order taken; one uploaded after the
    // villager went back is kept in the stored draft all the same.
    let photos = Photos::new(
        draft.get_untracked().photo_ids,
        move |ids| {
            draft.update(|d| d.photo_ids = ids);
            persist();
        },
        move |id| {
            let mut stored = load_draft(person, type_id).unwrap_or_else(OrderDraft::new);
            if !stored.photo_ids.contains(&id) && stored.photo_ids.len() < MAX_PHOTOS {
                stored.photo_ids.push(id);
                save_draft(person, type_id, &stored);
            }
        },
    );
    let submit = move || {
        if phase.get_untracked() == Phase::Sending {
            return;
        }
        if photos.busy() {
            hint.set(Some(Text::WaitForUploads));
            return;
        }
        let photo_ids = photos.uploaded();
        draft.update(|d| d.photo_ids = photo_ids);
        let current = draft.get_untracked();
        if current.description.trim().is_empty() {
            hint.set(Some(Text::NoteRequired));
            return;
        }
        hint.set(None);
        // The key is stored before the request goes: a reload after a lost answer sends it again.
        sent_once.set_value(true);
        save_draft(person, type_id, &current);
        let body = current.body(type_id);
        phase.set(Phase::Sending);
        leptos::task::spawn_local(async move {
            let result = session
                .authed(|token| {
                    let (body, key) = (body.clone(), current.key.clone());
                    async move { api::call_once(&CreateOrder, &body, &token, &key).await }
                })
                .await;
            match result {
                Ok(order) => {
                    clear_draft(person, type_id);
                    phase.try_set(Phase::Sent(Box::new(order)));
                    window().scroll_to_with_x_and_y(0.0, 0.0);
                }
                Err(failure) => {
                    if failure.code() == Some(ErrorCode::IdempotencyConflict) {
                        clear_draft(person, type_id);
                    }
                    phase.try_set(Phase::Failed(failure));
                }
            }
        });
    };
    // Back online: send what failed for the network.
    let online = window_event_listener(leptos::ev::online, move |_| {
        photos.retry_offline();
        if phase.get_untracked() == Phase::Failed(ApiFailure::Network) {
            submit();
        }
    });
    on_cleanup(move || online.remove());

    let sending = Memo::new(move |_| phase.get() == Phase::Sending);
    let text_len = Memo::new(move |_| draft.with(|d| d.description.chars().count()));
    let elsewhere = Memo::new(move |_| draft.with(|d| d.elsewhere));
    let kept = Memo::new(move |_| draft.with(|d| !d.is_blank()));
    let sent = Memo::new(move |_| match phase.get() {
        Phase::Sent(order) => Some(*order),
        _ => None,
    });
    let reward = service.reward_points;
    let form = view! {
        <h1 class="region-name">{service.name.clone()}</h1>
        <p class="hint">{move || order_reward(locale.get(), reward)}</p>
        <form class="form claim-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit(); }>
            <label class="field">
                <span class="field-label">{tr(Text::OrderWhat)}</span>
                <textarea
                    class="input textarea"
                    name="description"
                    rows="3"
                    maxlength=MAX_TEXT_CHARS.to_string()
                    data-testid="order-description"
                    prop:placeholder=move || t(locale.get(), Text::OrderWhatPlaceholder)
                    prop:value=move || draft.with(|d| d.description.clone())
                    on:input=move |ev| {
                        let text: String = event_target_value(&ev).chars().take(MAX_TEXT_CHARS).collect();
                        draft.update(|d| d.description = text);
                        persist();
                    }
                ></textarea>
                <span class="counter" aria-hidden="true">{move || char_count(text_len.get(), MAX_TEXT_CHARS)}</span>
            </label>
            <fieldset class="field">
                <legend class="field-label">{tr(Text::OrderWhere)}</legend>
                <div class="choices" role="radiogroup">
                    <button
                        class="choice"
                        type="button"
                        role="radio"
                        data-testid="address-home"
                        aria-checked=move || if elsewhere.get() { "false" } else { "true" }
                        on:click=move |_| { draft.update(|d| d.elsewhere = false); persist(); }
                    >{tr(Text::AtMyHome)}</button>
                    <button
                        class="choice"
                        type="button"
                        role="radio"
                        data-testid="address-elsewhere"
                        aria-checked=move || if elsewhere.get() { "true" } else { "false" }
                        on:click=move |_| { draft.update(|d| d.elsewhere = true); persist(); }
                    >{tr(Text::ElsewhereAddress)}</button>
                </div>
                <input
                    class="input"
                    class:hidden=move || !elsewhere.get()
                    name="address"
                    maxlength="200"
                    data-testid="order-address"
                    prop:placeholder=move || t(locale.get(), Text::AddressPlaceholder)
                    prop:value=move || draft.with(|d| d.address.clone())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        draft.update(|d| d.address = text);
                        persist();
                    }
                />
            </fieldset>
            <PhotoPicker photos disabled=sending picked=Callback::new(move |_| hint.set(None)) />
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            {move || match phase.get() {
                Phase::Failed(failure) => {
                    let text = order_trouble(&failure);
                    let again = worth_retrying(&failure);
                    view! {
                        <div class="form-notice error" role="alert" data-testid="order-error">
                            <p class="notice-line">{tr(text)}</p>
                            {again.then(|| view! {
                                <button class="secondary" type="button" on:click=move |_| submit()>
                                    {tr(Text::Retry)}
                                </button>
                            })}
                        </div>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            {move || kept.get().then(|| view! {
                <p class="hint saved">{tr(Text::DraftSaved)}</p>
            })}
            <button class="primary wide" type="submit" data-testid="order-submit" disabled=move || sending.get()>
                {move || t(locale.get(), if sending.get() { Text::Submitting } else { Text::SubmitOrder })}
            </button>
        </form>
    };
    view! {
        {move || sent.get().map(|order| view! { <OrderSent order /> })}
        <div class="claim-editor" class:hidden=move || sent.with(Option::is_some)>{form}</div>
    }
}

/// 已下单: the order waits for a volunteer; the ways on.
#[component]
fn OrderSent(order: Order) -> impl IntoView {
    view! {
        <section class="card done" data-testid="order-success" role="status">
            <svg class="done-icon" viewBox="0 0 48 48" aria-hidden="true">
                <circle cx="24" cy="24" r="22" fill="#e3f1e5" />
                <path d="M14 25l7 7 13-15" fill="none" stroke="#1f7a35" stroke-width="4" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
            <h1 class="done-title">{tr(Text::OrderSent)}</h1>
            <p class="done-rule"><span>{order.type_name.clone()}</span></p>
            <OrderChip status=order.status />
            <p class="hint">{tr(Text::OrderSentHint)}</p>
            <a class="primary wide" href="/services/orders" data-testid="see-my-orders">{tr(Text::MyOrders)}</a>
            <a class="secondary wide link-button" href="/services">{tr(Text::OrderAgain)}</a>
        </section>
    }
}

/// An order's status as a coloured chip: 待接单, 已接单, 已完成, 已取消.
#[component]
pub fn OrderChip(status: OrderStatus) -> impl IntoView {
    let (class, text) = match status {
        OrderStatus::Open => ("chip pending", Text::OrderOpen),
        OrderStatus::Claimed => ("chip claimed", Text::OrderClaimed),
        OrderStatus::Completed => ("chip approved", Text::OrderCompleted),
        OrderStatus::Cancelled => ("chip rejected", Text::OrderCancelled),
    };
    view! {
        <span class=class data-testid="order-status" data-status=status.as_str()>{tr(text)}</span>
    }
}

/// `/services/orders` (我的订单).
#[component]
pub fn MyOrdersPage() -> impl IntoView {
    require_sign_in();
    let paged = Paged::<Order>::new(
        |cursor| MyOrders {
            query: PageQuery {
                limit: Some(PAGE_SIZE),
                cursor,
            },
        },
        |o| o.id,
    );
    view! {
        <TabbedScreen>
            <nav class="crumbs">
                <a class="crumb" href="/services">"‹ "{tr(Text::Services)}</a>
            </nav>
            <h1 class="region-name">{tr(Text::MyOrders)}</h1>
            <PagedList paged empty=Text::NoOrders class="list claims" row={order_row as fn(Order) -> AnyView} />
        </TabbedScreen>
    }
}

/// [`OrderRow`] as the row of a [`PagedList`]: every list of orders shares one `fn` type, so the
/// list's code is in the wasm once.
pub fn order_row(order: Order) -> AnyView {
    view! { <OrderRow order /> }.into_any()
}

/// One order in a list: a link to it.
#[component]
pub fn OrderRow(order: Order) -> impl IntoView {
    let locale = use_locale();
    let Order {
        id,
        type_name,
        description,
        status,
        created_at,
        rating,
        ..
    } = order;
    view! {
        <li class="claim" data-testid="order-item" data-order=id.to_string()>
            <a class="order-link" href=format!("/services/orders/{id}")>
                <div class="claim-head">
                    <span class="row-name">{type_name}</span>
                    <OrderChip status />
                </div>
                <p class="claim-note">{description}</p>
                <p class="claim-sub">
                    {move || time::when(locale.get(), &created_at)}
                    {rating.map(|r| format!(" · {}", "★".repeat(r.stars.clamp(0, 5) as usize)))}
                </p>
            </a>
        </li>
    }
}

/// `/services/orders/{id}`: one order, its timeline and what the current role may do.
#[component]
pub fn OrderDetailPage() -> impl IntoView {
    require_sign_in();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()));
    let session = use_session();
    let role = Memo::new(move |_| session.current.get().map(|g| g.role));
    let back = move || match role.get() {
        Some(Role::Volunteer) => ("/tasks", Text::TasksTab),
        Some(r) if crate::session::manages(r) => ("/admin/services", Text::ServiceOrders),
        _ => ("/services/orders", Text::MyOrders),
    };
    view! {
        <TabbedScreen>
            <nav class="crumbs">
                <a class="crumb" href=move || back().0>"‹ "{move || tr(back().1)}</a>
            </nav>
            {move || match (session.me.with(Option::is_some), id.get()) {
                (false, _) => view! { <ListSkeleton /> }.into_any(),
                (true, None) => notice(Text::OrderNotFound, "/", Text::BackHome).into_any(),
                (true, Some(id)) => view! { <OrderDetail id /> }.into_any(),
            }}
        </TabbedScreen>
    }
}

/// Loads `GET /services/orders/{id}` into `into`.
fn load_order(id: i64, into: RwSignal<Option<Result<Order, ApiFailure>>>) {
    let session = use_session();
    leptos::task::spawn_local(async move {
        let result = session
            .authed(|token| async move { api::call(&GetOrder { id }, &(), Some(&token)).await })
            .await;
        into.try_set(Some(result));
    });
}

/// One order.
#[component]
fn OrderDetail(id: i64) -> impl IntoView {
    let order = RwSignal::new(None::<Result<Order, ApiFailure>>);
    load_order(id, order);
    let changed = Callback::new(move |o: Order| order.set(Some(Ok(o))));
    let reload = Callback::new(move |_| load_order(id, order));
    move || match order.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => view! {
            <super::Failure failure not_found=Text::OrderNotFound retry=reload />
        }
        .into_any(),
        Some(Ok(o)) => view! { <OrderCard order=o changed reload /> }.into_any(),
    }
}

/// The order's facts, timeline, rating and actions.
#[component]
fn OrderCard(order: Order, changed: Callback<Order>, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let role = session.current.get_untracked().map(|g| g.role);
    let me = session.me.with_untracked(|m| m.as_ref().map(|m| m.id));
    let Order {
        id,
        type_name,
        reward_points,
        description,
        address,
        status,
        orderer_id,
        orderer_name,
        orderer_phone,
        volunteer_id,
        volunteer_name,
        photo_ids,
        completion_note,
        completion_photo_ids,
        rating,
        paid,
        rectification,
        timeline,
        ..
    } = order;
    let mine_to_complete =
        status == OrderStatus::Claimed && volunteer_id.is_some() && volunteer_id == me;
    // After a 差评 the village looks into it; once it has, the villager may rate once more.
    let rectified = rectification
        .as_ref()
        .filter(|r| r.status == "closed")
        .map(|r| r.follow_up.clone().unwrap_or_default());
    let rectifying = rectification.is_some_and(|r| r.status == "open");
    // "My order" is told by who ordered it, not by the current role: a volunteer orders
    // services for their own home too.
    let ordered_by_me = me == Some(orderer_id);
    let rate_again =
        ordered_by_me && rectified.is_some() && rating.as_ref().is_some_and(|r| r.round == 1);
    let actions = match (ordered_by_me, role, status) {
        (true, _, OrderStatus::Open) => {
            view! { <Act id action=OneTap::Cancel text=Text::CancelOrder primary=false changed reload /> }
                .into_any()
        }
        (true, _, OrderStatus::Completed) if rating.is_none() || rate_again => {
            view! { <RateForm id changed /> }.into_any()
        }
        (false, Some(Role::Volunteer), OrderStatus::Open) => {
            view! { <Act id action=OneTap::Claim text=Text::ClaimOrder primary=true changed reload /> }
                .into_any()
        }
        (false, Some(Role::Volunteer), OrderStatus::Claimed) if mine_to_complete => {
            view! { <CompleteForm id changed reload /> }.into_any()
        }
        _ => ().into_any(),
    };
    let place = address.clone();
    view! {
        <section class="card order-card" data-testid="order-detail" data-order=id.to_string()>
            <div class="claim-head">
                <h1 class="region-name">{type_name}</h1>
                <OrderChip status />
            </div>
            <p class="claim-note" data-testid="order-description">{description}</p>
            {(!photo_ids.is_empty()).then(|| view! { <OrderPhotos photos=photo_ids /> })}
            <p class="me-line">
                <span class="field-label">{tr(Text::Address)}</span>
                <span>{move || place.clone().unwrap_or_else(|| t(locale.get(), Text::AtMyHome).to_owned())}</span>
            </p>
            <p class="me-line">
                <span class="field-label">{tr(Text::Orderer)}</span>
                <span>{orderer_name}{orderer_phone.map(|p| format!(" {p}"))}</span>
            </p>
            {volunteer_name.map(|name| view! {
                <p class="me-line">
                    <span class="field-label">{tr(Text::VolunteerWord)}</span>
                    <span data-testid="order-volunteer">{name}</span>
                </p>
            })}
            {completion_note.map(|note| view! {
                <p class="me-line">
                    <span class="field-label">{tr(Text::WhatWasDone)}</span>
                    <span>{note}</span>
                </p>
            })}
            {(!completion_photo_ids.is_empty()).then(|| view! {
                <OrderPhotos photos=completion_photo_ids testid="completion-photo" />
            })}
            <p class="hint" data-testid="order-reward">
                {move || if paid { reward_paid(locale.get(), reward_points) } else { order_reward(locale.get(), reward_points) }}
            </p>
        </section>
        {rating.map(|r| {
            let grade = r.grade;
            view! {
                <section class="card" data-testid="order-rating">
                    <h2 class="section-title">{tr(Text::YourRating)}</h2>
                    <p class="stars-shown" aria-label=move || stars_n(locale.get(), r.stars)>
                        {"★".repeat(r.stars.clamp(0, 5) as usize)}
                        <span class="stars-off">{"★".repeat((5 - r.stars).clamp(0, 5) as usize)}</span>
                    </p>
                    <p class="grade" data-testid="rating-grade">{tr(grade_text(grade))}</p>
                    {(!r.comment.is_empty()).then(|| view! { <p class="claim-note">{r.comment.clone()}</p> })}
                    {r.automatic.then(|| view! { <p class="hint">{tr(Text::AutoRated)}</p> })}
                </section>
            }
        })}
        {rectifying.then(|| view! {
            <p class="form-notice" role="note" data-testid="rectification-open">{tr(Text::RectificationOpen)}</p>
        })}
        {rectified.map(|follow_up| view! {
            <div class="form-notice said" role="note" data-testid="rectified">
                <p class="notice-line">{tr(if rate_again { Text::RectifiedRateAgain } else { Text::Rectified })}</p>
                {(!follow_up.is_empty()).then(|| view! { <p class="claim-note">{follow_up}</p> })}
            </div>
        })}
        {actions}
        <h2 class="section-title">{tr(Text::Timeline)}</h2>
        <ol class="timeline" data-testid="timeline">
            {timeline
                .into_iter()
                .map(|step| {
                    let kind = step.kind.clone();
                    let note = match step.kind.as_str() {
                        "paid" => step.note.parse::<i64>().map(signed).unwrap_or(step.note.clone()),
                        "claimed" | "dispatched" => String::new(),
                        _ => step.note.clone(),
                    };
                    let at = step.at.clone();
                    view! {
                        <li class="step" data-testid="timeline-step" data-kind=step.kind.clone()>
                            <span class="step-dot" aria-hidden="true"></span>
                            <span class="step-text">
                                <span class="step-title">
                                    {move || order_event(locale.get(), &kind)}
                                    {step.actor_name.map(|n| format!(" · {n}"))}
                                </span>
                                {(!note.is_empty()).then(|| view! { <span class="step-note">{note}</span> })}
                                <span class="claim-sub">{move || time::when(locale.get(), &at)}</span>
                            </span>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Photos of an order as thumbnails (the villager's, or the volunteer's from the completion);
/// a tap shows one full-screen.
#[component]
fn OrderPhotos(
    photos: Vec<i64>,
    /// `order-photo` for the villager's, `completion-photo` for the volunteer's.
    #[prop(default = "order-photo")]
    testid: &'static str,
) -> impl IntoView {
    let locale = use_locale();
    let zoomed = RwSignal::new(None::<i64>);
    view! {
        <div class="thumbs" data-testid=format!("{testid}s")>
            {photos
                .into_iter()
                .enumerate()
                .map(|(i, media_id)| {
                    let alt = Signal::derive(move || photo_n(locale.get(), i + 1));
                    view! {
                        <button
                            class="thumb"
                            type="button"
                            data-testid=testid
                            aria-label=move || format!("{} · {}", alt.get(), t(locale.get(), Text::TapToZoom))
                            on:click=move |_| zoomed.set(Some(media_id))
                        >
                            <MediaImage media_id alt />
                        </button>
                    }
                })
                .collect_view()}
        </div>
        {move || zoomed.get().map(|media_id| view! {
            <Zoom media_id close=Callback::new(move |_| zoomed.set(None)) />
        })}
    }
}

/// 好评, 中评 or 差评.
pub fn grade_text(grade: Grade) -> Text {
    match grade {
        Grade::Good => Text::RateGood,
        Grade::Neutral => Text::RateNeutral,
        Grade::Bad => Text::RateBad,
    }
}

/// What a failed order action means.
fn action_trouble(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::WrongState) => Text::OrderChanged,
        _ => explain(failure),
    }
}

/// An action on an order (`POST /services/orders/{id}/{action}`, e.g. `ClaimOrder { id }`)
/// with `body`, signed in (refreshing the token once if it expired): the order as it is now.
/// Every action on an order goes through here.
pub async fn order_action<E: Endpoint<Response = Order>>(
    session: crate::session::Session,
    action: E,
    body: &E::Body,
) -> Result<Order, ApiFailure> {
    let action = &action;
    session
        .authed(|token| async move { api::call(action, body, Some(&token)).await })
        .await
}

/// An order action of one tap, without a body (sent as `{}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OneTap {
    /// 接单 (`POST /services/orders/{id}/claim`).
    Claim,
    /// 取消订单 (`POST /services/orders/{id}/cancel`).
    Cancel,
}

impl OneTap {
    /// The last word of its path, as the button's test hook says it.
    fn name(self) -> &'static str {
        match self {
            OneTap::Claim => "claim",
            OneTap::Cancel => "cancel",
        }
    }

    async fn run(self, session: crate::session::Session, id: i64) -> Result<Order, ApiFailure> {
        match self {
            OneTap::Claim => order_action(session, ClaimOrder { id }, &()).await,
            OneTap::Cancel => order_action(session, CancelOrder { id }, &()).await,
        }
    }
}

/// A one-tap action on an order ([`OneTap`]): 接单, 取消订单. A refusal is said plainly; the
/// order is read again when it changed meanwhile.
#[component]
fn Act(
    id: i64,
    action: OneTap,
    text: Text,
    primary: bool,
    changed: Callback<Order>,
    reload: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let run = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        trouble.set(None);
        leptos::task::spawn_local(async move {
            let result = action.run(session, id).await;
            busy.try_set(false);
            match result {
                Ok(order) => changed.run(order),
                Err(failure) => {
                    let text = action_trouble(&failure);
                    trouble.try_set(Some((failure, text)));
                }
            }
        });
    };
    view! {
        {move || trouble.get().map(|(failure, text)| {
            let stale = matches!(failure.code(), Some(ErrorCode::AlreadyClaimed | ErrorCode::WrongState | ErrorCode::NotCancellable));
            view! {
                <div class="form-notice error" role="alert" data-testid="order-action-error">
                    <p class="notice-line">{tr(text)}</p>
                    {stale.then(|| view! {
                        <button class="secondary" type="button" on:click=move |_| reload.run(())>{tr(Text::Retry)}</button>
                    })}
                </div>
            }
        })}
        <button
            class=if primary { "primary wide" } else { "secondary wide" }
            type="button"
            data-testid=format!("order-{}", action.name())
            disabled=move || busy.get()
            on:click=move |_| run()
        >
            {tr(text)}
        </button>
    }
}

/// Five big stars (each a ≥ 48 px button) and 好评/中评/差评 under them.
#[component]
pub fn Stars(stars: RwSignal<i64>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="stars" role="radiogroup" aria-label=move || t(locale.get(), Text::RateService)>
            {(1..=5_i64)
                .map(|n| view! {
                    <button
                        class=move || { if stars.get() >= n { "star on" } else { "star" } }
                        type="button"
                        role="radio"
                        data-testid=format!("star-{n}")
                        aria-checked=move || if stars.get() == n { "true" } else { "false" }
                        aria-label=move || stars_n(locale.get(), n)
                        on:click=move |_| stars.set(n)
                    >
                        <svg viewBox="0 0 24 24" aria-hidden="true">
                            <path d="M12 2.8l2.8 5.9 6.4.8-4.7 4.4 1.2 6.4L12 17.2l-5.7 3.1 1.2-6.4-4.7-4.4 6.4-.8z" />
                        </svg>
                    </button>
                })
                .collect_view()}
        </div>
        <p class="grade" data-testid="star-grade" aria-live="polite">
            {move || match stars.get() {
                0 => t(locale.get(), Text::RateHint),
                n => t(locale.get(), grade_text(Grade::of(n))),
            }}
        </p>
    }
}

/// 评价这次服务: the stars, a comment, 提交评价 (`POST …/rate`).
#[component]
fn RateForm(id: i64, changed: Callback<Order>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let stars = RwSignal::new(0_i64);
    let comment = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let n = stars.get_untracked();
        if n == 0 {
            trouble.set(Some(Text::ChooseStars));
            return;
        }
        let body = NewRating {
            stars: n,
            comment: comment.get_untracked().trim().to_owned(),
        };
        busy.set(true);
        trouble.set(None);
        leptos::task::spawn_local(async move {
            let result = order_action(session, RateOrder { id }, &body).await;
            busy.try_set(false);
            match result {
                Ok(order) => changed.run(order),
                Err(failure) => {
                    trouble.try_set(Some(action_trouble(&failure)));
                }
            }
        });
    };
    view! {
        <section class="card rate-card" data-testid="rate-form">
            <h2 class="section-title">{tr(Text::RateService)}</h2>
            <Stars stars />
            <textarea
                class="input textarea"
                name="comment"
                rows="2"
                maxlength=MAX_COMMENT_CHARS.to_string()
                data-testid="rate-comment"
                prop:placeholder=move || t(locale.get(), Text::RateCommentPlaceholder)
                prop:value=move || comment.get()
                on:input=move |ev| comment.set(event_target_value(&ev).chars().take(MAX_COMMENT_CHARS).collect())
            ></textarea>
            {move || trouble.get().map(|text| view! {
                <p class="form-notice error" role="alert" data-testid="rate-error">{tr(text)}</p>
            })}
            <button class="primary wide" type="button" data-testid="rate-submit" disabled=move || busy.get() on:click=move |_| submit()>
                {move || t(locale.get(), if busy.get() { Text::Submitting } else { Text::SubmitRating })}
            </button>
        </section>
    }
}

/// A photo being uploaded for a completion.
#[derive(Debug, Clone, PartialEq)]
enum Shot {
    None,
    Uploading,
    Done(i64, String),
    Failed(ApiFailure),
}

/// 服务完成: what was done, a photo, and the button (`POST …/complete`).
#[component]
fn CompleteForm(id: i64, changed: Callback<Order>, reload: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let note = RwSignal::new(String::new());
    let shot = RwSignal::new(Shot::None);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let hint = RwSignal::new(None::<Text>);
    // Object URLs of previews, given back when the form goes.
    let previews = StoredValue::new(Vec::<photo::ObjectUrl>::new());
    let on_pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|l| l.get(0)) else {
            return;
        };
        input.set_value("");
        shot.set(Shot::Uploading);
        leptos::task::spawn_local(async move {
            let blob = match photo::shrink(&file).await {
                Ok(small) => small,
                Err(_) => web_sys::Blob::from(file),
            };
            let url = photo::ObjectUrl::new(&blob);
            let src = url.as_ref().map(|u| u.url().to_owned()).unwrap_or_default();
            if let Some(url) = url {
                previews.try_update_value(|p| p.push(url));
            }
            let Ok(form) = web_sys::FormData::new() else {
                shot.try_set(Shot::Failed(ApiFailure::Unexpected("FormData".into())));
                return;
            };
            if form
                .append_with_blob_and_filename("file", &blob, "photo.jpg")
                .is_err()
            {
                shot.try_set(Shot::Failed(ApiFailure::Unexpected("FormData".into())));
                return;
            }
            let result =
                session
                    .authed(|token| {
                        let form = form.clone();
                        async move {
                            api::upload(&UploadMedia, &token, Upload::Form(&form), |_| {}).await
                        }
                    })
                    .await;
            shot.try_set(match result {
                Ok(media) => Shot::Done(media.id, src),
                Err(failure) => Shot::Failed(failure),
            });
        });
    };
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        if shot.get_untracked() == Shot::Uploading {
            hint.set(Some(Text::WaitForUploads));
            return;
        }
        let text = note.get_untracked().trim().to_owned();
        if text.is_empty() {
            hint.set(Some(Text::NoteRequired));
            return;
        }
        hint.set(None);
        let photo_ids = match shot.get_untracked() {
            Shot::Done(media, _) => vec![media],
            _ => Vec::new(),
        };
        let body = Completion {
            note: text,
            photo_ids,
        };
        busy.set(true);
        trouble.set(None);
        leptos::task::spawn_local(async move {
            let result = order_action(session, CompleteOrder { id }, &body).await;
            busy.try_set(false);
            match result {
                Ok(order) => changed.run(order),
                Err(failure) => {
                    let text = action_trouble(&failure);
                    trouble.try_set(Some((failure, text)));
                }
            }
        });
    };
    view! {
        <section class="card" data-testid="complete-form">
            <h2 class="section-title">{tr(Text::CompleteOrder)}</h2>
            <label class="field">
                <span class="field-label">{tr(Text::CompletionNote)}</span>
                <textarea
                    class="input textarea"
                    name="note"
                    rows="3"
                    maxlength=MAX_TEXT_CHARS.to_string()
                    data-testid="complete-note"
                    prop:placeholder=move || t(locale.get(), Text::CompletionPlaceholder)
                    prop:value=move || note.get()
                    on:input=move |ev| note.set(event_target_value(&ev).chars().take(MAX_TEXT_CHARS).collect())
                ></textarea>
                <span class="counter" aria-hidden="true">{move || char_count(note.with(|n| n.chars().count()), MAX_TEXT_CHARS)}</span>
            </label>
            <div class="field">
                <span class="field-label">{tr(Text::CompletionPhoto)}</span>
                {move || match shot.get() {
                    Shot::None => ().into_any(),
                    Shot::Uploading => view! {
                        <p class="hint" data-testid="complete-photo" data-state="uploading">{tr(Text::PhotoPreparing)}</p>
                    }
                        .into_any(),
                    Shot::Done(_, src) => view! {
                        <img class="photo-img complete-photo" data-testid="complete-photo" data-state="done" src=src alt=move || t(locale.get(), Text::CompletionPhoto) />
                    }
                        .into_any(),
                    Shot::Failed(_) => view! {
                        <p class="form-notice error" role="alert" data-testid="complete-photo" data-state="failed">{tr(Text::PhotoUploadFailed)}</p>
                    }
                        .into_any(),
                }}
                <label class="secondary photo-button">
                    <input
                        class="visually-hidden"
                        type="file"
                        accept="image/*"
                        capture="environment"
                        data-testid="complete-photo-input"
                        disabled=move || busy.get()
                        on:change=on_pick
                    />
                    <svg class="button-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M4 8h3l2-3h6l2 3h3v11H4z M12 17a3.5 3.5 0 100-7 3.5 3.5 0 000 7z" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round" />
                    </svg>
                    <span>{tr(Text::TakePhoto)}</span>
                </label>
            </div>
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            {move || trouble.get().map(|(failure, text)| {
                let again = worth_retrying(&failure);
                view! {
                    <div class="form-notice error" role="alert" data-testid="order-action-error">
                        <p class="notice-line">{tr(text)}</p>
                        <button class="secondary" type="button" on:click=move |_| if again { submit() } else { reload.run(()) }>
                            {tr(Text::Retry)}
                        </button>
                    </div>
                }
            })}
            <button class="primary wide" type="button" data-testid="complete-submit" disabled=move || busy.get() on:click=move |_| submit()>
                {move || t(locale.get(), if busy.get() { Text::Submitting } else { Text::CompleteOrder })}
            </button>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_draft_sends_home_as_no_address() {
        let mut d = OrderDraft {
            key: "order-1".into(),
            description: " 取药 ".into(),
            elsewhere: false,
            address: "村委会".into(),
            photo_ids: vec![7],
        };
        assert_eq!(d.body(3).photo_ids, vec![7]);
        assert_eq!(d.body(3).address, None);
        assert_eq!(d.body(3).description, "取药");
        d.elsewhere = true;
        assert_eq!(d.body(3).address.as_deref(), Some("村委会"));
        d.address = "  ".into();
        assert_eq!(d.body(3).address, None);
    }
}
