//! 家属代办 on a villager's page (`/admin/people/:id`): the family members who may act for a
//! villager without a phone (`GET /admin/people/{id}/delegations`, ended ones too, with when
//! they ended), 解除 on each live one (one tap: `POST /admin/delegations/{id}/end`), and
//! 添加家属: a person of the villager's village found by name or number (`GET /admin/people`;
//! only a member of the same household — same village and 户号 — with a phone, not linked
//! already, can be picked: the others say why not) and how the villager consented, then
//! `POST /admin/people/{id}/delegations`, and that it was added. A villager without a 户号 has
//! no household to pick from: the section says to record it first.

use jifen_shared::ErrorCode;
use jifen_shared::api::{AddDelegation, EndDelegation, PersonDelegations};
use jifen_shared::people::PersonListing;
use jifen_shared::proxy::{Delegation, MAX_CONSENT_CHARS, NewDelegation};
use jifen_shared::regions::RegionCode;
use leptos::prelude::*;

use super::grid::{Lookup, lookup, people, phone_of};
use crate::api::ApiFailure;
use crate::components::{Kind, TextArea, TextField, load_trouble, mutate};
use crate::i18n::{Text, delegate_added, delegation_ended, delegation_recorded, t, tr, use_locale};
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
    // Whom 添加家属 just added: said until the next one is added.
    let just_added = RwSignal::new(None::<String>);
    let added = Callback::new(move |name: String| {
        adding.set(false);
        just_added.set(Some(name));
        list.refetch();
    });
    // Who is a delegate already (not offered again).
    let linked = Signal::derive(move || {
        list.get()
            .and_then(Result::ok)
            .map(|all| {
                all.into_iter()
                    .filter(|d| d.ended_at.is_none())
                    .map(|d| d.delegate_id)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let locale = use_locale();
    let has_household = household.is_some();
    view! {
        <section class="card delegations" data-testid="delegations">
            <h2 class="card-title">{tr(Text::DelegationsTitle)}</h2>
            <p class="hint">{tr(Text::DelegationsHint)}</p>
            {move || just_added.get().map(|name| view! {
                <p class="form-notice" role="status" data-testid="delegate-added">{move || delegate_added(locale.get(), &name)}</p>
            })}
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
            {move || match (has_household, adding.get()) {
                // A delegate is of the villager's household: without a 户号 there is none.
                (false, _) => view! {
                    <p class="hint" data-testid="delegate-needs-household">{tr(Text::DelegateNeedsHousehold)}</p>
                }
                    .into_any(),
                (true, true) => view! {
                    <AddDelegate id village=village.clone() household=household.clone() linked added cancel=Callback::new(move |_| adding.set(false)) />
                }
                    .into_any(),
                (true, false) => view! {
                    <button class="secondary wide" type="button" data-testid="add-delegate" on:click=move |_| { just_added.set(None); adding.set(true) }>
                        {tr(Text::AddDelegate)}
                    </button>
                }
                    .into_any(),
            }}
        </section>
    }
}

/// One delegate: name, phone, consent, who recorded it and when; 解除 while live — one tap, as
/// the issue asks (it is audited, and linking again records the consent again) — and when it
/// ended once ended.
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
        let ended = d.ended_at.clone();
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
                    {ended.map(|ended| view! {
                        <span class="person-sub" data-testid="delegation-ended">
                            {move || delegation_ended(locale.get(), &time::when(locale.get(), &ended))}
                        </span>
                    })}
                </span>
                {live.then(|| view! {
                    <button class="secondary small" type="button" data-testid="end-delegation" disabled=move || busy.get() on:click=move |_| end()>
                        {move || t(locale.get(), if busy.get() { Text::EndingDelegation } else { Text::EndDelegation })}
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

/// Why `person` cannot be the delegate of villager `id` (of `village`, 户号 `household`), as
/// the server would refuse them; `None` when they can. `linked`: the live delegates.
fn unfit(
    person: &PersonListing,
    village: &RegionCode,
    household: Option<&str>,
    linked: &[i64],
) -> Option<Text> {
    let same = household.is_some()
        && person.household.as_deref() == household
        && person.village_code.as_deref() == Some(village.as_str());
    if linked.contains(&person.id) {
        Some(Text::AlreadyDelegate)
    } else if !same {
        Some(Text::NotSameHousehold)
    } else if person.phone.is_none() {
        Some(Text::NoPhoneCannotDelegate)
    } else {
        None
    }
}

/// 添加家属: find the family member, say how the villager consented, add. Only members of the
/// villager's household with a phone may be chosen; the others say why not.
#[component]
fn AddDelegate(
    id: i64,
    village: RegionCode,
    household: Option<String>,
    #[prop(into)] linked: Signal<Vec<i64>>,
    added: Callback<String>,
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
        let Some((delegate_id, name)) = picked.get_untracked() else {
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
            Ok(_) => added.run(name),
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
                    let linked = linked.get();
                    // Who may be chosen first, then the others with why not.
                    let mut list: Vec<(PersonListing, Option<Text>)> = list
                        .into_iter()
                        .filter(|p| p.id != id)
                        .map(|p| {
                            let why = household.with_value(|h| {
                                village.with_value(|v| unfit(&p, v, h.as_deref(), &linked))
                            });
                            (p, why)
                        })
                        .collect();
                    list.sort_by_key(|(_, why)| why.is_some());
                    if list.is_empty() {
                        return view! { <p class="empty">{tr(Text::NoPeopleFound)}</p> }.into_any();
                    }
                    view! {
                        <ul class="list found" data-testid="delegate-found">
                            {list.into_iter().map(|(p, why)| {
                                let (pid, name) = (p.id, p.name.clone());
                                let chosen = move || picked.with(|x| x.as_ref().is_some_and(|(i, _)| *i == pid));
                                view! {
                                    <li class="person" class:picked=chosen>
                                        <span class="person-text">
                                            <span class="person-name">
                                                {p.name.clone()}
                                                {why.is_none().then(|| view! { <span class="badge">{tr(Text::SameHousehold)}</span> })}
                                            </span>
                                            <span class="person-sub">
                                                {phone_of(p.phone.as_deref())}
                                                {p.household.clone().map(|h| format!(" · {h}"))}
                                            </span>
                                            {why.map(|why| view! { <span class="person-note" data-testid="delegate-unfit">{tr(why)}</span> })}
                                        </span>
                                        <button
                                            class="secondary small"
                                            type="button"
                                            data-testid="delegate-pick"
                                            aria-pressed=move || chosen().to_string()
                                            disabled=why.is_some()
                                            on:click=move |_| { hint.set(None); trouble.set(None); picked.set(Some((pid, name.clone()))) }
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
                // The server's 400: not of the household, no phone, or linked already.
                let text = match failure.code() {
                    Some(ErrorCode::InvalidInput) => Text::DelegateRejected,
                    _ => explain(&failure),
                };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_household_member_with_a_phone_may_be_a_delegate() {
        let village = RegionCode::parse("410783101213").unwrap();
        let person =
            |id, phone: Option<&str>, village: &str, household: Option<&str>| PersonListing {
                id,
                name: "于建国".into(),
                phone: phone.map(str::to_owned),
                phone_masked: true,
                birth_year: None,
                card_no: None,
                village_code: Some(village.into()),
                grid_code: None,
                household: household.map(str::to_owned),
                tags: Vec::new(),
                roles: Vec::new(),
                closed: None,
            };
        let son = person(2, Some("136****6501"), "410783101213", Some("0901"));
        assert_eq!(unfit(&son, &village, Some("0901"), &[]), None);
        assert_eq!(
            unfit(&son, &village, Some("0901"), &[2]),
            Some(Text::AlreadyDelegate)
        );
        assert_eq!(
            unfit(&son, &village, Some("0902"), &[]),
            Some(Text::NotSameHousehold)
        );
        assert_eq!(
            unfit(&son, &village, None, &[]),
            Some(Text::NotSameHousehold)
        );
        let elsewhere = person(3, Some("136****6502"), "410783101201", Some("0901"));
        assert_eq!(
            unfit(&elsewhere, &village, Some("0901"), &[]),
            Some(Text::NotSameHousehold)
        );
        let phoneless = person(4, None, "410783101213", Some("0901"));
        assert_eq!(
            unfit(&phoneless, &village, Some("0901"), &[]),
            Some(Text::NoPhoneCannotDelegate)
        );
    }
}
