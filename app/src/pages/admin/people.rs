//! 人员 for admins: `/admin/people` finds people of the current role's region by name or whole
//! mobile number (`GET /admin/people`, paged), each row with the number (full or masked, as the
//! server decides), the place they live and their roles; a row opens `/admin/people/:id`
//! (`GET /admin/people/{id}`): name, number, village, grid, 户号, tags, roles with their places,
//! and for a person holding a staff role 重置密码 (`POST /admin/users/{id}/password/reset`),
//! asked once more, then the one-time password shown once, large, to hand over in person; for
//! a villager, their 会员卡 ([`super::cards::MemberCardSection`]: 打印会员卡, 挂失补卡), their
//! 家属代办 ([`super::delegations`]) and their points with 更正 ([`super::person_points`]).
//! 新增村民 (`/admin/people/new`, [`super::person_new`]) is at the top of the list.

use jifen_shared::ErrorCode;
use jifen_shared::api::{GetPerson, ResetPassword};
use jifen_shared::auth::{OneTimePassword, Role, RoleGrant};
use jifen_shared::people::PersonListing;
use jifen_shared::regions::RegionCode;
use leptos::prelude::*;

use super::AdminFrame;
use super::grid::{Lookup, lookup, people, phone_of};
use crate::api::ApiFailure;
use crate::components::{Confirm, Kind, TextField, chevron, mutate, path_id};
use crate::i18n::{Text, people_listed, role_name, t, tr, use_locale};
use crate::pages::me::{PlaceNames, name_of, place_names};
use crate::pages::paged::{Load, LoadMore, PAGE_SIZE, Paged};
use crate::pages::{Failure, ListSkeleton, Trouble, explain};
use crate::session::use_session;

/// Where the list lives.
pub const PATH: &str = "/admin/people";

/// `/admin/people`.
#[component]
pub fn PeoplePage() -> impl IntoView {
    view! { <AdminFrame screen=|grant: RoleGrant| view! { <PeopleScreen home=grant.region_code /> } /> }
}

/// `/admin/people/:id`.
#[component]
pub fn PersonPage() -> impl IntoView {
    view! { <AdminFrame screen=|_| view! { <PersonScreen /> } back=(PATH, Text::People) /> }
}

/// The codes of the places a person is shown with: village, grid and the regions of their
/// roles.
fn places_of(person: &PersonListing) -> impl Iterator<Item = RegionCode> + '_ {
    person
        .village_code
        .iter()
        .chain(&person.grid_code)
        .filter_map(|c| RegionCode::parse(c).ok())
        .chain(person.roles.iter().map(|g| g.region_code.clone()))
}

/// Where a person is, by name: their grid (named with its village), else their village, else
/// the place of their first role; `None` until the name is known.
fn place_line(person: &PersonListing, names: &PlaceNames) -> Option<String> {
    let code = person
        .grid_code
        .as_deref()
        .or(person.village_code.as_deref())
        .and_then(|c| RegionCode::parse(c).ok())
        .or_else(|| person.roles.first().map(|g| g.region_code.clone()))?;
    name_of(names, &code)
}

/// Whether the person signs in with a password: any role but villager.
fn is_staff(person: &PersonListing) -> bool {
    person.roles.iter().any(|g| g.role != Role::Villager)
}

/// The roles as badges, staff roles first as the server lists them.
fn role_badges(roles: &[RoleGrant]) -> impl IntoView + use<> {
    let locale = use_locale();
    let mut shown: Vec<Role> = Vec::new();
    for g in roles {
        if !shown.contains(&g.role) {
            shown.push(g.role);
        }
    }
    shown
        .into_iter()
        .map(|role| {
            view! {
                <span class="badge" class:worker=role != Role::Villager>
                    {move || role_name(locale.get(), role)}
                </span>
            }
        })
        .collect_view()
}

/// The search box and the people it finds in `home` (everyone at first).
#[component]
fn PeopleScreen(home: RegionCode) -> impl IntoView {
    let locale = use_locale();
    let typed = RwSignal::new(String::new());
    let wanted = RwSignal::new(Lookup::Everyone);
    let hint = RwSignal::new(None::<Text>);
    let region = home.clone();
    let found = Paged::<PersonListing>::new(
        move |cursor| people(&region, &wanted.get_untracked(), PAGE_SIZE, cursor),
        |p| p.id,
    );
    let empty = Memo::new(move |_| found.items.with(Vec::is_empty));

    // Place names, fetched once per code as people are listed.
    let names = RwSignal::new(PlaceNames::new());
    let asked = StoredValue::new(Vec::<RegionCode>::new());
    Effect::new(move |_| {
        let mut missing: Vec<RegionCode> = found.items.with(|items| {
            items
                .iter()
                .flat_map(|p| places_of(p).collect::<Vec<_>>())
                .collect()
        });
        missing.sort();
        missing.dedup();
        missing.retain(|c| !asked.with_value(|a| a.contains(c)));
        if missing.is_empty() {
            return;
        }
        asked.update_value(|a| a.extend(missing.iter().cloned()));
        leptos::task::spawn_local(async move {
            let more = place_names(missing).await;
            names.try_update(|n| n.extend(more));
        });
    });

    let find = move || {
        hint.set(None);
        match lookup(&typed.get_untracked()) {
            Lookup::PartialPhone => hint.set(Some(Text::PhoneInvalid)),
            l => {
                wanted.set(l);
                found.reload();
            }
        }
    };

    view! {
        <div class="section-head">
            <h1 class="region-name">{tr(Text::People)}</h1>
            <a class="secondary link-button" href=super::person_new::PATH data-testid="new-person">{tr(Text::NewPerson)}</a>
        </div>
        <p class="hint">{tr(Text::PeopleHint)}</p>
        <form
            class="find card"
            role="search"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                find();
            }
        >
            <TextField label=Text::FindVillager value=typed placeholder=Text::FindPlaceholder name="find" kind=Kind::Search max=50 row="find-row" testid="people-find">
                <button class="secondary" type="submit" disabled=move || found.first.get() == Load::Busy>
                    {move || t(locale.get(), if found.first.get() == Load::Busy { Text::Finding } else { Text::Find })}
                </button>
            </TextField>
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
        </form>
        {move || match found.first.get() {
            Load::Busy if empty.get() => view! { <ListSkeleton /> }.into_any(),
            Load::Failed(failure) => {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| found.reload()) /> }.into_any()
            }
            _ if empty.get() => view! { <p class="empty">{tr(Text::NoPeopleFound)}</p> }.into_any(),
            _ => view! {
                <p class="hint count">
                    {move || people_listed(locale.get(), found.items.with(Vec::len), found.next.with(Option::is_none))}
                </p>
                <ul class="list people-found" data-testid="people-list">
                    <For
                        each=move || found.items.get()
                        key=|p| p.id
                        children=move |person| view! { <PersonRow person names /> }
                    />
                </ul>
            }
                .into_any(),
        }}
        <LoadMore paged=found />
    }
}

/// One person found: name and roles, number and place; opens their page.
#[component]
fn PersonRow(person: PersonListing, names: RwSignal<PlaceNames>) -> impl IntoView {
    let href = format!("{PATH}/{}", person.id);
    let badges = role_badges(&person.roles);
    let phone = phone_of(person.phone.as_deref());
    let place = {
        let person = person.clone();
        move || {
            names
                .with(|n| place_line(&person, n))
                .map(|p| format!(" · {p}"))
        }
    };
    view! {
        <li>
            <a class="row person-link" href=href>
                <span class="person-text">
                    <span class="person-name">{person.name}{badges}</span>
                    <span class="person-sub">{phone}{place}</span>
                </span>
                {chevron()}
            </a>
        </li>
    }
}

/// The person of the address: their details, and 重置密码 for staff.
#[component]
fn PersonScreen() -> impl IntoView {
    person_of_address(|person| view! { <PersonDetails person /> })
}

/// The person of the address (`/…/:id`), loaded, shown by `show` — or a skeleton, 查无此人, or
/// the failure with a way to try again.
pub(super) fn person_of_address<V: IntoView + 'static>(
    show: impl Fn(PersonListing) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let session = use_session();
    let id = path_id("id");
    let person = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => Some(session.call(&GetPerson { id }, &()).await),
                None => None,
            }
        }
    });
    let retry = Callback::new(move |_| person.refetch());
    move || match person.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(None) => view! { <p class="empty">{tr(Text::PersonNotFound)}</p> }.into_any(),
        Some(Some(Ok(p))) => show(p).into_any(),
        Some(Some(Err(failure))) => {
            view! { <Failure failure not_found=Text::PersonNotFound retry /> }.into_any()
        }
    }
}

/// A label and its value, one line of the person's card.
fn line(label: Text, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <p class="me-line">
            <span class="field-label">{tr(label)}</span>
            <span>{value}</span>
        </p>
    }
}

/// Name, number, village, grid, 户号, tags and roles with their places; the reset for staff.
#[component]
fn PersonDetails(person: PersonListing) -> impl IntoView {
    let codes: Vec<RegionCode> = places_of(&person).collect();
    let names = LocalResource::new(move || place_names(codes.clone()));
    let place = move |code: Option<String>| {
        move || {
            let code = RegionCode::parse(code.as_deref()?).ok()?;
            Some(
                names
                    .get()
                    .and_then(|n| name_of(&n, &code))
                    .unwrap_or_else(|| code.to_string()),
            )
        }
    };
    let village = place(person.village_code.clone());
    let grid = place(person.grid_code.clone());
    let staff = is_staff(&person);
    let id = person.id;
    // An open account of a village: its member card and family delegates.
    let villager = person
        .village_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
        .filter(|_| person.closed.is_none());
    let tags = person.tags.clone();
    view! {
        <section class="card me person-card" data-testid="person">
            <h1 class="region-name">{person.name.clone()}</h1>
            {line(Text::Phone, phone_of(person.phone.as_deref()))}
            {person.village_code.is_some().then(|| line(Text::Village, village))}
            {person.grid_code.is_some().then(|| line(Text::PersonGrid, grid))}
            {person.household.clone().map(|h| line(Text::Household, h))}
            {person.birth_year.map(|y| line(Text::BornIn, y))}
            {(!tags.is_empty()).then(|| line(Text::Tags, view! {
                <span class="tags">
                    {tags.into_iter().map(|t| view! { <span class="badge">{t}</span> }).collect_view()}
                </span>
            }))}
        </section>
        <super::roles::RolesSection person=person.clone() />
        {(person.closed.is_none() && person.village_code.is_some()).then(|| view! {
            <a class="secondary wide edit-person" href=format!("{PATH}/{id}/edit") data-testid="edit-person">{tr(Text::EditPerson)}</a>
        })}
        {staff.then(|| view! { <PasswordReset id /> })}
        {villager.map(|village| {
            let card_no = person.card_no.clone();
            let household = person.household.clone();
            view! {
                <super::cards::MemberCardSection id card_no />
                <super::delegations::DelegationsSection id village household />
            }
        })}
        {person.village_code.is_some().then(|| view! { <super::person_points::PersonPoints id /> })}
    }
}

/// Where the reset stands.
#[derive(Debug, Clone, PartialEq)]
enum Reset {
    /// The button, with what it does.
    Offered,
    /// Asked once more.
    Confirming,
    /// Done: the one-time password, shown this once.
    Done(String),
}

/// What a refused reset means.
fn reset_failure(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::Forbidden) => Text::ResetNotAbove,
        Some(ErrorCode::InvalidInput) => Text::ResetNotStaff,
        Some(ErrorCode::NotFound) => Text::PersonNotFound,
        _ => explain(failure),
    }
}

/// 登录密码: 重置密码, confirmed once, then the one-time password to hand over.
#[component]
fn PasswordReset(id: i64) -> impl IntoView {
    let session = use_session();
    let state = RwSignal::new(Reset::Offered);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let run = move || {
        trouble.set(None);
        mutate(
            busy,
            async move { session.call(&ResetPassword { id }, &()).await },
            move |answer: Result<OneTimePassword, ApiFailure>| match answer {
                Ok(otp) => state.set(Reset::Done(otp.one_time_password)),
                Err(failure) => trouble.set(Some(failure)),
            },
        );
    };
    view! {
        <section class="card reset">
            <h2 class="card-title">{tr(Text::StaffPassword)}</h2>
            {move || match state.get() {
                Reset::Offered => view! {
                    <p class="hint">{tr(Text::ResetPasswordHint)}</p>
                    <button class="secondary wide" type="button" on:click=move |_| state.set(Reset::Confirming)>
                        {tr(Text::ResetPassword)}
                    </button>
                }
                    .into_any(),
                Reset::Confirming => view! {
                    <Confirm yes=Text::ResetPasswordYes yes_busy=Text::Resetting no=Text::Cancel busy
                        on_yes=run on_no=move || {
                            trouble.set(None);
                            state.set(Reset::Offered);
                        }>
                        {tr(Text::ResetPasswordQuestion)}
                    </Confirm>
                }
                    .into_any(),
                Reset::Done(password) => view! {
                    <p class="field-label">{tr(Text::OneTimePasswordTitle)}</p>
                    <p class="one-time-password" data-testid="one-time-password" translate="no">{password}</p>
                    <p class="form-notice" role="status">{tr(Text::OneTimePasswordHandOver)}</p>
                }
                    .into_any(),
            }}
            {move || trouble.get().map(|failure| {
                let text = reset_failure(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| run()) /> }
            })}
        </section>
    }
}
