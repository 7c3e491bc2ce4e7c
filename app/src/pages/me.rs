//! `/me` (我的): who is signed in — name, masked phone, village, roles, points — and sign-out.

use jifen_shared::regions::Region;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::{ListSkeleton, TopBar};
use crate::api;
use crate::i18n::{Text, role_name, t, use_locale};
use crate::session::use_session;

#[component]
pub fn MePage() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let navigate = use_navigate();
    // Signed out (once the silent sign-in is done): to the login page — unless signing out
    // from here, which goes to the start.
    let leaving = RwSignal::new(false);
    let to_login = navigate.clone();
    Effect::new(move |_| {
        if session.checked.get() && session.me.get().is_none() && !leaving.get() {
            to_login("/login", Default::default());
        }
    });
    let village_name = LocalResource::new(move || {
        let code = session.me.get().and_then(|m| m.village_code);
        async move {
            match code {
                Some(code) => api::get::<Region>(&format!("/regions/{code}"))
                    .await
                    .ok()
                    .map(|r| r.name),
                None => None,
            }
        }
    });
    let sign_out = move |_| {
        leaving.set(true);
        session.end();
        navigate("/", Default::default());
    };
    view! {
        <TopBar />
        <main class="content">
            {move || match session.me.get() {
                None => view! { <ListSkeleton /> }.into_any(),
                Some(me) => view! {
                    <section class="card me">
                        <h1 class="region-name">{me.name.clone()}</h1>
                        <p class="region-meta">{me.phone_masked.clone()}</p>
                        <p class="balance">
                            <span class="balance-number">{me.balance}</span>
                            <span class="balance-unit">{move || t(locale.get(), Text::Points)}</span>
                        </p>
                        {move || village_name.get().flatten().map(|name| view! {
                            <p class="me-line">
                                <span class="field-label">{move || t(locale.get(), Text::Village)}</span>
                                <span>{name}</span>
                            </p>
                        })}
                    </section>
                    <h2 class="section-title">{move || t(locale.get(), Text::MyRoles)}</h2>
                    <ul class="list">
                        {me.roles.iter().map(|grant| {
                            let role = grant.role;
                            let region = grant.region_code.to_string();
                            view! {
                                <li class="row">
                                    <span class="row-name">{move || role_name(locale.get(), role)}</span>
                                    <span class="badge">{region}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <button class="secondary wide sign-out" type="button" on:click=sign_out>
                {move || t(locale.get(), Text::SignOut)}
            </button>
        </main>
    }
}
