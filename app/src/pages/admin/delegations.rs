//! 家属代办 on a villager's page (`/admin/people/:id`): the family members who may act for a
//! villager without a phone (`GET /admin/people/{id}/delegations`, ended ones too), 解除 on
//! each live one (one tap: `POST /admin/delegations/{id}/end`), and 添加家属: a person of the
//! villager's village found by name or number (`GET /admin/people`; one without a phone cannot
//! be picked, one of the same 户号 is marked 同户) and how the villager consented, then
//! `POST /admin/people/{id}/delegations`.

use jifen_shared::api::{AddDelegation, EndDelegation, PersonDelegations};
use jifen_shared::people::PersonListing;
use jifen_shared::proxy::{Delegation, MAX_CONSENT_CHARS, NewDelegation};
use jifen_shared::regions::RegionCode;
use leptos::prelude::*;

use super::grid::{Lookup, lookup, people, phone_of};
use crate::api::ApiFailure;
use crate::components::{Kind, TextArea, TextField, load_trouble, mutate};
use crate::i18n::{Text, delegation_recorded, t, tr, use_locale};
use crate::pages::{ListSkeleton, Trouble, explain};
use crate::session::use_session;
use crate::time;

/// People listed at most when finding a family member.
const FOUND_SIZE: u32 = 20;

/// 家属代办 of villager `id` (of `village`, 户号 `household`).
#[component]
pub fn DelegationsSection(
    id: i64,
    village: RegionCode,
    household: Option<String>,
) -> impl IntoView {
    let session = use_session();
    let list =
        LocalResource::new(
            move || async move { session.call(&PersonDelegations { id }, &()).await },
        );
    let adding = RwSignal::new(false);
    let added = Callback::new(move |_| {
        adding.set(false);
        list.refetch();
    });
    view! {
        <section class="card delegations" data-testid="delegations">
            <h2 class="card-title">{tr(Text::DelegationsTitle)}</h2>
            <p class="hint">{tr(Text::DelegationsHint)}</p>
            {move || match list.get() {
                None => view! { <ListSkeleton /> }.into_any(),
                Some(Err(failure)) => load_trouble(failure, list),
                Some(Ok(all)) if all.is_empty() => {
                    view! { <p class="hint" data-testid="no-delegations">{tr(Text::NoDelegations)}</p> }.into_any()
                }
                Some(Ok(all)) => view! {
                    <ul class="list delegation-list">
                        {all.into_iter().map(|d| view! { <DelegationRow delegation=d /> }).collect_view()}
                    </ul>
                }
                    .into_any(),
            }}
            {move || if adding.get() {
                view! {
                    <AddDelegate id village=village.clone() household=household.clone() added cancel=Callback::new(move |_| adding.set(false)) />
                }
                    .into_any()
            } else {
                view! {
                    <button class="secondary wide" type="button" data-testid="add-delegate" on:click=move |_| adding.set(true)>
                        {tr(Text::AddDelegate)}
                    </button>
                }
                    .into_any()
            }}
        </section>
    }
}

/// One delegate: name, phone, consent, who recorded it and when; 解除 while live.
#[component]
fn DelegationRow(delegation: Delegation) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let row = RwSignal::new(delegation);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let end = move || {
        let id = row.with_untracked(|d| d.id);
        trouble.set(None);
        let call = async move { session.call(&EndDelegation { id }, &()).await };
        mutate(busy, call, move |answer| match answer {
            Ok(ended) => {
                row.try_set(ended);
            }
            Err(failure) => {
                trouble.try_set(Some(failure));
            }
        });
    };
    move || {
        let d = row.get();
        let live = d.ended_at.is_none();
        let (created, by) = (d.created_at.clone(), d.recorded_by.clone());
        view! {
            <li class="person delegation" class:ended=!live data-testid="delegation">
                <span class="person-text">
                    <span class="person-name">
                        {d.delegate_name.clone()}
                        {(!live).then(|| view! { <span class="badge off">{tr(Text::DelegationEnded)}</span> })}
                    </span>
                    <span class="person-sub">{d.delegate_phone.clone()}</span>
                    <span class="person-sub">{d.consent.clone()}</span>
                    <span class="person-sub">
                        {move || delegation_recorded(locale.get(), &time::when(locale.get(), &created), by.as_deref())}
                    </span>
                </span>
                {live.then(|| view! {
                    <button class="secondary small" type="button" data-testid="end-delegation" disabled=move || busy.get() on:click=move |_| end()>
                        {tr(Text::EndDelegation)}
                    </button>
                })}
                {move || trouble.get().map(|failure| {
                    let text = explain(&failure);
                    view! { <Trouble failure text retry=Callback::new(move |_| end()) /> }
                })}
            </li>
        }
    }
}

/// 添加家属: find the family member, say how the villager consented, add.
#[component]
fn AddDelegate(
    id: i64,
    village: RegionCode,
    household: Option<String>,
    added: Callback<()>,
    cancel: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let typed = RwSignal::new(String::new());
    let hint = RwSignal::new(None::<Text>);
    let finding = RwSignal::new(false);
    let found = RwSignal::new(None::<Result<Vec<PersonListing>, ApiFailure>>);
    let picked = RwSignal::new(None::<(i64, String)>);
    let consent = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let household = StoredValue::new(household);
    let village = StoredValue::new(village);
    let find = move || {
        hint.set(None);
        let wanted = match lookup(&typed.get_untracked()) {
            Lookup::PartialPhone => {
                hint.set(Some(Text::PhoneInvalid));
                return;
            }
            wanted => wanted,
        };
        let list = people(&village.get_value(), &wanted, FOUND_SIZE, None);
        let call = async move { session.call(&list, &()).await };
        mutate(finding, call, move |answer| {
            found.try_set(Some(answer.map(|page| page.items)));
        });
    };
    let save = move || {
        trouble.set(None);
        let Some((delegate_id, _)) = picked.get_untracked() else {
            hint.set(Some(Text::PickDelegateFirst));
            return;
        };
        let why = consent.get_untracked().trim().to_owned();
        if why.is_empty() {
            hint.set(Some(Text::ConsentRequired));
            return;
        }
        hint.set(None);
        let body = NewDelegation {
            delegate_id,
            consent: why,
        };
        let call = async move { session.call(&AddDelegation { id }, &body).await };
        mutate(busy, call, move |answer| match answer {
            Ok(_) => added.run(()),
            Err(failure) => {
                trouble.try_set(Some(failure));
            }
        });
    };
    view! {
        <div class="add-delegate" data-testid="add-delegate-form">
            <h3 class="card-title">{tr(Text::AddDelegate)}</h3>
            <p class="hint">{tr(Text::DelegateFindHint)}</p>
            <form class="find" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); find(); }>
                <TextField label=Text::FindVillager value=typed placeholder=Text::FindPlaceholder name="find" kind=Kind::Search max=50 row="find-row" testid="delegate-find">
                    <button class="secondary" type="submit" disabled=move || finding.get()>
                        {move || t(locale.get(), if finding.get() { Text::Finding } else { Text::Find })}
                    </button>
                </TextField>
            </form>
            {move || match found.get() {
                None => ().into_any(),
                Some(Err(failure)) => {
                    let text = explain(&failure);
                    view! { <Trouble failure text retry=Callback::new(move |_| find()) /> }.into_any()
                }
                Some(Ok(list)) => {
                    let list: Vec<PersonListing> = list.into_iter().filter(|p| p.id != id).collect();
                    if list.is_empty() {
                        return view! { <p class="empty">{tr(Text::NoPeopleFound)}</p> }.into_any();
                    }
                    view! {
                        <ul class="list found" data-testid="delegate-found">
                            {list.into_iter().map(|p| {
                                let same = household.with_value(|h| h.is_some() && *h == p.household);
                                let (pid, name) = (p.id, p.name.clone());
                                let phoneless = p.phone.is_none();
                                let chosen = move || picked.with(|x| x.as_ref().is_some_and(|(i, _)| *i == pid));
                                view! {
                                    <li class="person" class:picked=chosen>
                                        <span class="person-text">
                                            <span class="person-name">
                                                {p.name.clone()}
                                                {same.then(|| view! { <span class="badge">{tr(Text::SameHousehold)}</span> })}
                                            </span>
                                            <span class="person-sub">
                                                {phone_of(p.phone.as_deref())}
                                                {p.household.clone().map(|h| format!(" · {h}"))}
                                            </span>
                                            {phoneless.then(|| view! { <span class="person-note">{tr(Text::NoPhoneCannotDelegate)}</span> })}
                                        </span>
                                        <button
                                            class="secondary small"
                                            type="button"
                                            data-testid="delegate-pick"
                                            aria-pressed=move || chosen().to_string()
                                            disabled=phoneless
                                            on:click=move |_| { hint.set(None); picked.set(Some((pid, name.clone()))) }
                                        >
                                            {move || t(locale.get(), if chosen() { Text::DelegatePicked } else { Text::DelegatePick })}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
            <label class="field">
                <span class="field-label">{tr(Text::ConsentLabel)}</span>
                <TextArea value=consent placeholder=Text::ConsentPlaceholder max=MAX_CONSENT_CHARS attr:name="consent" attr:rows="2" attr:data-testid="delegate-consent" />
            </label>
            {move || hint.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
            {move || trouble.get().map(|failure| {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| save()) /> }
            })}
            <div class="award-actions">
                <button class="secondary" type="button" on:click=move |_| cancel.run(())>{tr(Text::Cancel)}</button>
                <button class="primary" type="button" data-testid="delegate-save" disabled=move || busy.get() on:click=move |_| save()>
                    {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::SaveDelegate })}
                </button>
            </div>
        </div>
    }
}
