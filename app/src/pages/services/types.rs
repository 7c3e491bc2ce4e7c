//! `/services`: the county's service types as big tiles, and 我的订单.

use jifen_shared::services::ServiceType;
use leptos::prelude::*;

use super::service_types;
use crate::components::{chevron, in_village, load_trouble};
use crate::i18n::{Text, order_reward, tr, use_locale};
use crate::pages::{ListSkeleton, TabbedScreen, require_sign_in};

/// `/services`: the service types to order, and 我的订单.
#[component]
pub fn ServicesPage() -> impl IntoView {
    require_sign_in();
    view! {
        <TabbedScreen>
            <h1 class="region-name">{tr(Text::Services)}</h1>
            <p class="hint">{tr(Text::ServicesHint)}</p>
            {in_village(|_, village| view! { <TypeList village /> })}
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
    let types = service_types(village);
    move || match types.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => load_trouble(failure, types),
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
