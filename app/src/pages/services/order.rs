//! `/services/new/{type id}` (点单): the order form and its draft on the phone.

use jifen_shared::ErrorCode;
use jifen_shared::api::CreateOrder;
use jifen_shared::services::{NewOrder, Order, ServiceType};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::{MAX_TEXT_CHARS, OrderChip, service_types};
use crate::api::ApiFailure;
use crate::components::{
    Choice, DoneCard, DraftForm, DraftFormView, NoteField, TextInput, in_village_with,
    load_trouble, notice, path_id,
};
use crate::draft::{Draft, FormDraft, Kept, new_key_for};
use crate::i18n::{Text, order_reward, tr, use_locale};
use crate::pages::{ListSkeleton, TabbedScreen, explain, require_sign_in};
use crate::proxy::ProxyDone;

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

impl FormDraft for OrderDraft {
    fn fresh() -> OrderDraft {
        OrderDraft {
            key: new_key_for("order"),
            description: String::new(),
            elsewhere: false,
            address: String::new(),
            photo_ids: Vec::new(),
        }
    }

    fn key(&self) -> &str {
        &self.key
    }

    fn is_blank(&self) -> bool {
        self.description.trim().is_empty()
            && self.address.trim().is_empty()
            && self.photo_ids.is_empty()
    }

    fn photo_ids(&self) -> &[i64] {
        &self.photo_ids
    }

    fn photo_ids_mut(&mut self) -> &mut Vec<i64> {
        &mut self.photo_ids
    }
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
    let type_id = service.id;
    let form = DraftForm::<OrderDraft, Order>::new(Draft::new(person, type_id));
    let submit = Callback::new(move |_| {
        form.submit(
            CreateOrder,
            |current| {
                current
                    .description
                    .trim()
                    .is_empty()
                    .then_some(Text::NoteRequired)
            },
            |current| current.body(type_id),
        )
    });
    form.resend_when_online(submit);

    let description = form.text(|d| &d.description, |d, text| d.description = text);
    let address = form.text(|d| &d.address, |d, text| d.address = text);
    let elsewhere = Memo::new(move |_| form.draft.with(|d| d.elsewhere));
    let reward = service.reward_points;
    let editor = view! {
        <h1 class="region-name">{service.name.clone()}</h1>
        <p class="hint">{move || order_reward(locale.get(), reward)}</p>
        <DraftFormView
            form
            submit
            trouble=order_trouble
            error_testid="order-error"
            submit_text=Text::SubmitOrder
            submit_testid="order-submit"
        >
            <NoteField label=Text::OrderWhat value=description placeholder=Text::OrderWhatPlaceholder max=MAX_TEXT_CHARS name="description" testid="order-description" />
            <fieldset class="field">
                <legend class="field-label">{tr(Text::OrderWhere)}</legend>
                <div class="choices" role="radiogroup">
                    {[(false, "address-home", Text::AtMyHome), (true, "address-elsewhere", Text::ElsewhereAddress)]
                        .into_iter()
                        .map(|(away, testid, text)| {
                            let chosen = Signal::derive(move || elsewhere.get() == away);
                            view! {
                                <Choice class="choice" testid chosen choose=move || form.edit(|d| d.elsewhere = away)>
                                    {tr(text)}
                                </Choice>
                            }
                        })
                        .collect_view()}
                </div>
                <TextInput
                    value=address
                    placeholder=Text::AddressPlaceholder
                    class:hidden=move || !elsewhere.get()
                    attr:name="address"
                    attr:maxlength="200"
                    attr:data-testid="order-address"
                />
            </fieldset>
        </DraftFormView>
    };
    form.until_sent(editor, |order| view! { <OrderSent order /> })
}

/// 已下单: the order waits for a volunteer; the ways on (and, ordered for a villager by a
/// proxy, the receipt).
#[component]
fn OrderSent(order: Order) -> impl IntoView {
    view! {
        {order.proxy.clone().map(|note| view! { <ProxyDone note submitted=true /> })}
        <DoneCard
            testid="order-success"
            title=Text::OrderSent
            hint=Text::OrderSentHint
            follow=("/services/orders", "see-my-orders", Text::MyOrders)
            again=("/services", Text::OrderAgain)
        >
            <p class="done-rule"><span>{order.type_name.clone()}</span></p>
            <OrderChip status=order.status />
        </DoneCard>
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
