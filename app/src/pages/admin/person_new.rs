//! 新增村民 (`/admin/people/new`): one villager registered by hand (`POST /admin/people`), for
//! village admins and above — the CSV import does many. The phone may be left empty: a
//! villager without one takes part with a member card (打印会员卡 follows), through a 代办员 or
//! a family delegate. Name, phone (optional), the village (a township or county admin picks
//! it, as when granting a role), 户号 (needed without a phone), year of birth (optional:
//! 长辈模式 is on by default from the county's age), groups and grid; checked here as the
//! server checks them, its refusals said in words with its reason below.

use jifen_shared::ErrorCode;
use jifen_shared::api::CreatePerson;
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::people::{NewPerson, PersonListing};
use jifen_shared::regions::{RegionCode, RegionLevel};
use leptos::prelude::*;

use super::AdminFrame;
use super::people::PATH as PEOPLE;
use super::person_edit::{
    GridChoice, GroupPicks, MAX_HOUSEHOLD, MAX_NAME, looks_like_mobile, parse_birth_year, this_year,
};
use super::roles::PlacePicker;
use crate::api::ApiFailure;
use crate::components::{Kind, TextField, done_icon, mutate};
use crate::i18n::{Text, person_created, t, tr, use_locale};
use crate::pages::me::{PlaceNames, name_of};
use crate::pages::{Trouble, explain};
use crate::session::use_session;

/// Where the form lives.
pub const PATH: &str = "/admin/people/new";

/// `/admin/people/new`.
#[component]
pub fn NewPersonPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant: RoleGrant| view! { <NewPersonScreen grant /> } back=(PEOPLE, Text::People) /> }
}

/// The form, then who was registered.
#[component]
fn NewPersonScreen(grant: RoleGrant) -> impl IntoView {
    let created = RwSignal::new(None::<PersonListing>);
    let again = Callback::new(move |_| created.set(None));
    let home = grant.region_code;
    move || match created.get() {
        Some(person) => view! { <Created person again /> }.into_any(),
        None => view! {
            <PersonForm home=home.clone() done=Callback::new(move |p| created.set(Some(p))) />
        }
        .into_any(),
    }
}

/// Name, phone, village, 户号, year of birth, groups, grid; 登记.
#[component]
fn PersonForm(home: RegionCode, done: Callback<PersonListing>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let household = RwSignal::new(String::new());
    let born = RwSignal::new(String::new());
    let groups = RwSignal::new(Vec::<String>::new());
    let grid = RwSignal::new(None::<String>);
    // The places picked below the admin's region, down to a village.
    let path = RwSignal::new(Vec::<RegionCode>::new());
    let names = RwSignal::new(PlaceNames::new());
    let picks = home.level() < RegionLevel::Village;
    let village = {
        let home = home.clone();
        Memo::new(move |_| {
            let last = path
                .with(|p| p.last().cloned())
                .unwrap_or_else(|| home.clone());
            (last.level() == RegionLevel::Village).then_some(last)
        })
    };
    // Another village: its grids, not the last one's.
    Effect::new(move |_| {
        village.track();
        grid.set(None);
    });
    let village_code = Signal::derive(move || village.get().map(|v| v.to_string()));
    let hint = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let save = move || {
        trouble.set(None);
        let typed = name.get_untracked().trim().to_owned();
        if typed.is_empty() || typed.chars().count() > MAX_NAME {
            return hint.set(Some(Text::NameRequired));
        }
        let number = phone.get_untracked().trim().to_owned();
        if !number.is_empty() && !looks_like_mobile(&number) {
            return hint.set(Some(Text::PhoneInvalid));
        }
        let Some(village_code) = village.get_untracked() else {
            return hint.set(Some(Text::PickVillageFirst));
        };
        let house = household.get_untracked().trim().to_owned();
        if house.chars().count() > MAX_HOUSEHOLD {
            return hint.set(Some(Text::HouseholdTooLong));
        }
        // As the server: a villager without a phone is known by their household (its phone
        // gets the receipts, its members may become delegates).
        if number.is_empty() && house.is_empty() {
            return hint.set(Some(Text::HouseholdNeeded));
        }
        let Ok(birth_year) = parse_birth_year(&born.get_untracked(), this_year()) else {
            return hint.set(Some(Text::BirthYearInvalid));
        };
        hint.set(None);
        let body = NewPerson {
            name: typed,
            phone: (!number.is_empty()).then_some(number),
            village_code: village_code.to_string(),
            household: (!house.is_empty()).then_some(house),
            tags: groups.get_untracked(),
            grid_code: grid.get_untracked(),
            birth_year,
        };
        let call = async move { session.call(&CreatePerson, &body).await };
        mutate(busy, call, move |answer| match answer {
            Ok(person) => done.run(person),
            Err(failure) => {
                trouble.try_set(Some(failure));
            }
        });
    };
    // 户号 may be left out only when there is a phone.
    let household_placeholder = Signal::derive(move || {
        if phone.with(|p| p.trim().is_empty()) {
            Text::HouseholdPlaceholderNeeded
        } else {
            Text::HouseholdPlaceholder
        }
    });
    let chosen_place = move || {
        village.get().map(|v| {
            names
                .with(|n| name_of(n, &v))
                .unwrap_or_else(|| v.to_string())
        })
    };
    view! {
        <h1 class="region-name">{tr(Text::NewPerson)}</h1>
        <p class="hint">{tr(Text::NewPersonHint)}</p>
        <form
            class="card form person-edit"
            data-testid="new-person-form"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save();
            }
        >
            <TextField label=Text::PersonName value=name placeholder=Text::NamePlaceholder name="name" max=MAX_NAME testid="new-name" />
            <TextField label=Text::PhoneOptional value=phone placeholder=Text::OtherPhonePlaceholder name="phone" kind=Kind::Phone max=20 testid="new-phone" />
            <p class="hint field-hint">{tr(Text::PhoneOptionalHint)}</p>
            {picks.then(|| view! {
                <div class="field place-picker">
                    <span class="field-label">{tr(Text::Village)}</span>
                    <p class="place-chosen" data-testid="new-village">{chosen_place}</p>
                    <PlacePicker role=Role::Villager home=home.clone() path names />
                </div>
            })}
            <TextField label=Text::Household value=household placeholder=household_placeholder name="household" max=MAX_HOUSEHOLD testid="new-household" />
            <TextField label=Text::BirthYear value=born placeholder=Text::BirthYearPlaceholder name="birth_year" kind=Kind::Integer max=4 testid="new-birth-year" />
            <fieldset class="field">
                <legend class="field-label">{tr(Text::Groups)}</legend>
                <div class="tag-picks"><GroupPicks groups /></div>
            </fieldset>
            {move || village.get().is_some().then(|| view! { <GridChoice village=village_code grid /> })}
            {move || hint.get().map(|text| view! { <p class="form-notice error" role="alert" data-testid="new-person-error">{tr(text)}</p> })}
            {move || trouble.get().map(|failure| {
                let text = match failure.code() {
                    Some(ErrorCode::AlreadyExists) => Text::PersonExists,
                    _ => explain(&failure),
                };
                let detail = match &failure {
                    ApiFailure::Server(body) => Some(body.message.clone()),
                    _ => None,
                };
                view! { <Trouble failure text detail retry=Callback::new(move |_| save()) /> }
            })}
            <button class="primary wide" type="submit" data-testid="new-person-save" disabled=move || busy.get()>
                {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::RegisterPerson })}
            </button>
        </form>
    }
}

/// 已登记: the ways on — to the person (会员卡, 家属代办), their card, another one.
#[component]
fn Created(person: PersonListing, again: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let PersonListing { id, name, .. } = person;
    view! {
        <section class="card done" role="status" data-testid="person-created">
            {done_icon()}
            <h1 class="done-title">{move || person_created(locale.get(), &name)}</h1>
            <a class="primary wide link-button" href=format!("{PEOPLE}/{id}") data-testid="view-person">{tr(Text::ViewPerson)}</a>
            <a class="secondary wide link-button" href=super::cards::person_href(id) data-testid="print-new-card">{tr(Text::PrintMemberCard)}</a>
            <button class="text-button" type="button" data-testid="add-another" on:click=move |_| again.run(())>{tr(Text::AddAnother)}</button>
        </section>
    }
}
