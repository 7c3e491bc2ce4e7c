//! `/services/new/{type id}` (点单): the order form and its draft on the phone.

use jifen_shared::ErrorCode;
use jifen_shared::api::CreateOrder;
use jifen_shared::services::{NewOrder, Order, ServiceType};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{MAX_TEXT_CHARS, OrderChip, service_types};
use crate::api::{self, ApiFailure};
use crate::components::{in_village_with, load_trouble, notice, path_id};
use crate::draft::{Draft, Kept, new_key_for};
use crate::i18n::{Text, char_count, order_reward, t, tr, use_locale};
use crate::pages::photos::{MAX_PHOTOS, PhotoPicker, Photos};
use crate::pages::{ListSkeleton, TabbedScreen, explain, require_sign_in, worth_retrying};
use crate::session::use_session;

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
            key: new_key_for("order"),
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

impl Kept for OrderDraft {
    const WHAT: &'static str = "order";

    fn usable(&self) -> bool {
        !self.key.is_empty()
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
    let type_id = path_id("type");
    view! {
        <TabbedScreen>
            <nav class="crumbs">
                <a class="crumb" href="/services">"‹ "{tr(Text::Services)}</a>
            </nav>
            {in_village_with(
                type_id,
                (Text::PageNotFound, "/services", Text::Services),
                |person, village, type_id| view! { <OrderLoader village person type_id /> },
            )}
        </TabbedScreen>
    }
}

/// Finds the service type, then the form for it.
#[component]
fn OrderLoader(village: String, person: i64, type_id: i64) -> impl IntoView {
    let types = service_types(village);
    move || match types.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => load_trouble(failure, types),
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
    let stored = Draft::<OrderDraft>::new(person, type_id);
    let saved = stored.load();
    // A draft found here may have been sent already (its answer lost): keep its key whatever
    // happens to its contents.
    let sent_once = StoredValue::new(saved.is_some());
    let draft = RwSignal::new(saved.unwrap_or_else(OrderDraft::new));
    let phase = RwSignal::new(Phase::Editing);
    let hint = RwSignal::new(None::<Text>);
    let persist = move || {
        let d = draft.get_untracked();
        if !d.is_blank() || sent_once.get_value() {
            stored.save(&d);
        } else {
            stored.clear();
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
            let mut kept = stored.load().unwrap_or_else(OrderDraft::new);
            if !kept.photo_ids.contains(&id) && kept.photo_ids.len() < MAX_PHOTOS {
                kept.photo_ids.push(id);
                stored.save(&kept);
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
        stored.save(&current);
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
                    stored.clear();
                    phase.try_set(Phase::Sent(Box::new(order)));
                    window().scroll_to_with_x_and_y(0.0, 0.0);
                }
                Err(failure) => {
                    if failure.code() == Some(ErrorCode::IdempotencyConflict) {
                        stored.clear();
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
