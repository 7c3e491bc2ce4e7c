//! 编辑 for admins of a villager's village and above: `/admin/people/:id/edit`.
//!
//! - 基本信息: name, 户号, year of birth, the county's groups ([`GROUP_TAGS`], checkboxes;
//!   other tags the import gave are kept as they are) and the grid, chosen among the village's
//!   grids (`PUT /admin/people/{id}`), checked here as the server checks them;
//! - 更换手机号: asked once, then `POST /admin/people/{id}/phone` (the person's sessions end);
//!   for a villager without a phone, 登记手机号 (the same request: nobody is signed out);
//! - 注销账户: 迁出 or 去世, then the question says where the points go
//!   (`GET /admin/people/{id}/closing`: "剩余 30 积分将转给同户 张三"), then
//!   `POST /admin/people/{id}/close` with the points shown, and the summary of where they went.
//!
//! The server's refusals are shown with its reason under a plain sentence.

use jifen_shared::ErrorCode;
use jifen_shared::api::{ChangePersonPhone, ClosePerson, ClosingPreview, GetRegion, UpdatePerson};
use jifen_shared::people::{
    BalanceDestination, CloseAccount, ClosedAccount, ClosedReason, GROUP_TAGS, PersonListing,
    PersonUpdate, PhoneChange,
};
use jifen_shared::regions::{RegionLevel, RegionSummary};
use leptos::prelude::*;

use super::AdminFrame;
use super::grid::show_phone;
use super::people::PATH;
use crate::api::ApiFailure;
use crate::components::{Choice, Confirm, Kind, TextField, mutate};
use crate::i18n::{
    Text, closed_summary, closing_question, phone_question, phone_register_question, t, tr,
    use_locale,
};
use crate::pages::{Trouble, explain};
use crate::session::use_session;

/// The longest name and 户号, in characters (as `server/src/people/import.rs`).
pub(super) const MAX_NAME: usize = 50;
pub(super) const MAX_HOUSEHOLD: usize = 32;

/// The earliest year of birth the server takes.
const FIRST_BIRTH_YEAR: i32 = 1900;

/// A year of birth as typed: `Ok(None)` when left empty, `Ok(Some(year))` for four digits
/// from 1900 to `this_year` (full-width digits taken), else `Err(())`.
pub(super) fn parse_birth_year(typed: &str, this_year: i32) -> Result<Option<i32>, ()> {
    let digits: String = typed
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            c => c,
        })
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    match digits.parse::<i32>() {
        Ok(year) if digits.len() == 4 && (FIRST_BIRTH_YEAR..=this_year).contains(&year) => {
            Ok(Some(year))
        }
        _ => Err(()),
    }
}

/// This year, on the phone's clock.
pub(super) fn this_year() -> i32 {
    js_sys::Date::new_0().get_full_year() as i32
}

/// The county's groups (人员类别) as checkboxes, ticked ones in `groups`; `touched` runs at
/// every change.
#[component]
pub(super) fn GroupPicks(
    groups: RwSignal<Vec<String>>,
    #[prop(optional, into)] touched: Option<Callback<()>>,
) -> impl IntoView {
    GROUP_TAGS
        .iter()
        .map(|tag| {
            let tag = (*tag).to_owned();
            let this = tag.clone();
            let checked = move || groups.with(|g| g.contains(&this));
            let flip = {
                let tag = tag.clone();
                move |_| {
                    if let Some(touched) = touched {
                        touched.run(());
                    }
                    groups.update(|g| {
                        if let Some(i) = g.iter().position(|t| *t == tag) {
                            g.remove(i);
                        } else {
                            g.push(tag.clone());
                        }
                    });
                }
            };
            view! {
                <label class="tag-pick pick">
                    <input type="checkbox" name="group" value=tag.clone() prop:checked=checked on:change=flip />
                    <span>{tag.clone()}</span>
                </label>
            }
        })
        .collect_view()
}

/// 所在网格: 不分网格 or one of the grids of `village` (`GET /regions/{village}`), chosen in
/// `grid`; `touched` runs at every change.
#[component]
pub(super) fn GridChoice(
    #[prop(into)] village: Signal<Option<String>>,
    grid: RwSignal<Option<String>>,
    #[prop(optional, into)] touched: Option<Callback<()>>,
) -> impl IntoView {
    let session = use_session();
    let grids = LocalResource::new(move || {
        let village = village.get();
        async move {
            let Some(code) = village else {
                return Vec::new();
            };
            match session.call(&GetRegion { code }, &()).await {
                Ok(region) => region
                    .children
                    .into_iter()
                    .filter(|c| c.level == RegionLevel::Grid)
                    .collect::<Vec<RegionSummary>>(),
                Err(_) => Vec::new(),
            }
        }
    });
    let touch = move || {
        if let Some(touched) = touched {
            touched.run(());
        }
    };
    view! {
        <fieldset class="field">
            <legend class="field-label">{tr(Text::PersonGrid)}</legend>
            <div class="reasons" role="radiogroup">
                <Choice class="reason-chip" testid="grid-none" chosen=Signal::derive(move || grid.with(Option::is_none))
                    choose=move || { touch(); grid.set(None) }>
                    {tr(Text::NoGrid)}
                </Choice>
                {move || grids.get().unwrap_or_default().into_iter().map(|g| {
                    let code = g.code.to_string();
                    let this = code.clone();
                    let chosen = Signal::derive(move || grid.with(|c| c.as_deref() == Some(this.as_str())));
                    view! {
                        <Choice class="reason-chip" testid="grid-choice" chosen
                            choose=move || { touch(); grid.set(Some(code.clone())) }>
                            {g.name}
                        </Choice>
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

/// `/admin/people/:id/edit`.
#[component]
pub fn PersonEditPage() -> impl IntoView {
    view! { <AdminFrame screen=|_| view! { <EditScreen /> } back=(PATH, Text::People) /> }
}

/// The refusal of a request, with the server's words under the plain sentence.
fn trouble_view(failure: ApiFailure, retry: Callback<()>) -> impl IntoView {
    let text = explain(&failure);
    let detail = match &failure {
        ApiFailure::Server(body) => Some(body.message.clone()),
        _ => None,
    };
    view! { <Trouble failure text retry detail /> }
}

/// The person of the address, loaded; their forms, or what stands in the way.
#[component]
fn EditScreen() -> impl IntoView {
    super::people::person_of_address(|person| view! { <EditForms person /> })
}

/// The three cards, or only the notice that the account is closed (also once closed here).
#[component]
fn EditForms(person: PersonListing) -> impl IntoView {
    let locale = use_locale();
    let back = format!("{PATH}/{}", person.id);
    let closed = person.closed.clone();
    view! {
        <h1 class="region-name">{tr(Text::EditPersonTitle)}</h1>
        <p class="hint"><a href=back.clone()>"‹ "{person.name.clone()}</a></p>
        {match closed {
            Some(c) => view! {
                <p class="form-notice error" role="alert" data-testid="person-closed">
                    {move || format!("{}（{}）", t(locale.get(), Text::AccountClosed), crate::i18n::closed_reason(locale.get(), c.reason))}
                </p>
            }
                .into_any(),
            None => {
                // Once closed here, only the summary of where the points went stays.
                let open = RwSignal::new(true);
                let details = person.clone();
                view! {
                    <Show when=move || open.get()>
                        <Details person=details.clone() />
                        <PhoneCard id=person.id has_phone=person.phone.is_some() />
                    </Show>
                    <CloseCard id=person.id name=person.name.clone() back on_closed=move || open.set(false) />
                }
            }
                .into_any(),
        }}
    }
}

/// Name, 户号, groups and grid, saved together.
#[component]
fn Details(person: PersonListing) -> impl IntoView {
    let session = use_session();
    let locale = use_locale();
    let id = person.id;
    let name = RwSignal::new(person.name.clone());
    let household = RwSignal::new(person.household.clone().unwrap_or_default());
    let (groups, others): (Vec<String>, Vec<String>) = person
        .tags
        .iter()
        .cloned()
        .partition(|t| GROUP_TAGS.contains(&t.as_str()));
    let groups = RwSignal::new(groups);
    let grid = RwSignal::new(person.grid_code.clone());
    let born = RwSignal::new(person.birth_year.map(|y| y.to_string()).unwrap_or_default());
    // Without a phone the registry knows the person by their 户号: it may not be emptied.
    let phoneless = person.phone.is_none();
    let household_placeholder = if phoneless {
        Text::HouseholdPlaceholderNeeded
    } else {
        Text::HouseholdPlaceholder
    };
    let hint = RwSignal::new(None::<Text>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let village = Signal::stored(person.village_code.clone());
    let unsaved = Callback::new(move |_| saved.set(false));
    let others_shown = others.clone();
    let others = StoredValue::new(others);
    let save = move || {
        saved.set(false);
        trouble.set(None);
        let typed = name.get_untracked().trim().to_owned();
        if typed.is_empty() || typed.chars().count() > MAX_NAME {
            hint.set(Some(Text::NameRequired));
            return;
        }
        let house = household.get_untracked().trim().to_owned();
        if house.chars().count() > MAX_HOUSEHOLD {
            hint.set(Some(Text::HouseholdTooLong));
            return;
        }
        if phoneless && house.is_empty() {
            hint.set(Some(Text::HouseholdNeeded));
            return;
        }
        let Ok(birth_year) = parse_birth_year(&born.get_untracked(), this_year()) else {
            hint.set(Some(Text::BirthYearInvalid));
            return;
        };
        hint.set(None);
        let mut tags = groups.get_untracked();
        others.with_value(|o| tags.extend(o.iter().cloned()));
        let body = PersonUpdate {
            name: typed,
            household: (!house.is_empty()).then_some(house),
            tags,
            grid_code: grid.get_untracked(),
            birth_year,
        };
        mutate(
            busy,
            async move { session.call(&UpdatePerson { id }, &body).await },
            move |answer: Result<PersonListing, ApiFailure>| match answer {
                Ok(p) => {
                    name.try_set(p.name);
                    saved.try_set(true);
                }
                Err(failure) => {
                    trouble.try_set(Some(failure));
                }
            },
        );
    };
    view! {
        <form
            class="card form person-edit"
            data-testid="person-details"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save();
            }
        >
            <TextField label=Text::PersonName value=name placeholder=Text::NamePlaceholder name="name" max=MAX_NAME testid="edit-name" />
            <TextField label=Text::Household value=household placeholder=household_placeholder name="household" max=MAX_HOUSEHOLD testid="edit-household" />
            <TextField label=Text::BirthYear value=born placeholder=Text::BirthYearPlaceholder name="birth_year" kind=Kind::Integer max=4 testid="edit-birth-year" />
            <fieldset class="field">
                <legend class="field-label">{tr(Text::Groups)}</legend>
                <div class="tag-picks">
                    <GroupPicks groups touched=unsaved />
                </div>
                {(!others_shown.is_empty()).then(|| view! {
                    <p class="hint">
                        {tr(Text::OtherTags)}"："
                        {others_shown.iter().map(|t| view! { <span class="badge">{t.clone()}</span> }).collect_view()}
                    </p>
                })}
            </fieldset>
            <GridChoice village grid touched=unsaved />
            {move || hint.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
            {move || trouble.get().map(|failure| trouble_view(failure, Callback::new(move |_| save())))}
            {move || saved.get().then(|| view! { <p class="form-notice" role="status" data-testid="person-saved">{tr(Text::PersonSaved)}</p> })}
            <button class="primary wide" type="submit" data-testid="save-person" disabled=move || busy.get()>
                {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::SavePerson })}
            </button>
        </form>
    }
}

/// Whether `typed` reads as an 11-digit mainland mobile number (spaces, dashes and +86 allowed,
/// as the server reads it).
pub(super) fn looks_like_mobile(typed: &str) -> bool {
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let national = digits
        .strip_prefix("86")
        .filter(|d| d.len() == 11)
        .unwrap_or(&digits);
    national.len() == 11
        && national.starts_with('1')
        && typed
            .chars()
            .all(|c| c.is_ascii_digit() || " -+()".contains(c))
}

/// 更换手机号, asked once; for a villager without a phone (`has_phone` false), 登记手机号.
#[component]
fn PhoneCard(id: i64, has_phone: bool) -> impl IntoView {
    // The words of changing a number, or of giving one to who has none (nobody to sign out).
    let (title, hint, label, yes, yes_busy, done) = if has_phone {
        (
            Text::ChangePhone,
            Text::ChangePhoneHint,
            Text::NewPhone,
            Text::ChangePhoneYes,
            Text::ChangingPhone,
            Text::PhoneChanged,
        )
    } else {
        (
            Text::RegisterPhone,
            Text::RegisterPhoneHint,
            Text::Phone,
            Text::RegisterPhoneYes,
            Text::RegisteringPhone,
            Text::PhoneRegistered,
        )
    };
    let question = move |locale, phone: &str| {
        if has_phone {
            phone_question(locale, phone)
        } else {
            phone_register_question(locale, phone)
        }
    };
    let session = use_session();
    let locale = use_locale();
    let typed = RwSignal::new(String::new());
    let asking = RwSignal::new(false);
    let said = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let changed = RwSignal::new(None::<String>);
    let ask = move || {
        trouble.set(None);
        changed.set(None);
        if looks_like_mobile(&typed.get_untracked()) {
            said.set(None);
            asking.set(true);
        } else {
            said.set(Some(Text::PhoneInvalid));
        }
    };
    let run = move || {
        trouble.set(None);
        let body = PhoneChange {
            phone: typed.get_untracked(),
        };
        mutate(
            busy,
            async move { session.call(&ChangePersonPhone { id }, &body).await },
            move |answer: Result<PersonListing, ApiFailure>| {
                asking.try_set(false);
                match answer {
                    Ok(p) => {
                        typed.try_set(String::new());
                        changed.try_set(p.phone.as_deref().map(show_phone));
                    }
                    Err(failure) => {
                        trouble.try_set(Some(failure));
                    }
                }
            },
        );
    };
    view! {
        <form
            class="card form"
            data-testid="phone-card"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                ask();
            }
        >
            <h2 class="card-title">{tr(title)}</h2>
            <p class="hint">{tr(hint)}</p>
            <TextField label value=typed placeholder=Text::OtherPhonePlaceholder name="phone" kind=Kind::Phone max=20 testid="new-phone" />
            {move || said.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
            {move || if asking.get() {
                view! {
                    <Confirm yes yes_busy no=Text::Cancel busy testid="confirm-phone"
                        on_yes=run on_no=move || asking.set(false)>
                        {move || question(locale.get(), typed.get().trim())}
                    </Confirm>
                }
                    .into_any()
            } else {
                view! {
                    <button class="secondary wide" type="submit" data-testid="change-phone">{tr(title)}</button>
                }
                    .into_any()
            }}
            {move || trouble.get().map(|failure| trouble_view(failure, Callback::new(move |_| run())))}
            {move || changed.get().map(|phone| view! {
                <p class="form-notice" role="status" data-testid="phone-changed">{tr(done)}"："{phone}</p>
            })}
        </form>
    }
}

/// Where closing stands.
#[derive(Debug, Clone, PartialEq)]
enum Closing {
    /// Choosing 迁出 or 去世.
    Choosing,
    /// Asked once, saying where the points go.
    Asking(BalanceDestination),
    /// Done: where they went.
    Done(Box<ClosedAccount>),
}

/// 注销账户: the reason, the question with where the points go, the summary.
#[component]
fn CloseCard(
    id: i64,
    name: String,
    back: String,
    #[prop(into)] on_closed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let locale = use_locale();
    let reason = RwSignal::new(None::<ClosedReason>);
    let state = RwSignal::new(Closing::Choosing);
    let hint = RwSignal::new(None::<Text>);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let name = StoredValue::new(name);
    let back = StoredValue::new(back);
    // Asks the server where the points would go now, then asks the admin.
    let preview = move || {
        trouble.set(None);
        if reason.get_untracked().is_none() {
            hint.set(Some(Text::ChooseClosedReason));
            return;
        }
        hint.set(None);
        mutate(
            busy,
            async move { session.call(&ClosingPreview { id }, &()).await },
            move |answer: Result<BalanceDestination, ApiFailure>| match answer {
                Ok(destination) => {
                    state.try_set(Closing::Asking(destination));
                }
                Err(failure) => {
                    trouble.try_set(Some(failure));
                }
            },
        );
    };
    let close = move |seen: i64| {
        let Some(why) = reason.get_untracked() else {
            return;
        };
        trouble.set(None);
        let body = CloseAccount {
            reason: why,
            seen_points: Some(seen),
        };
        mutate(
            busy,
            async move { session.call(&ClosePerson { id }, &body).await },
            move |answer: Result<ClosedAccount, ApiFailure>| match answer {
                Ok(closed) => {
                    state.try_set(Closing::Done(Box::new(closed)));
                    on_closed.run(());
                }
                Err(failure) => {
                    let stale = failure.code() == Some(ErrorCode::BalanceChanged);
                    trouble.try_set(Some(failure));
                    if stale {
                        // Ask again with the amount as it stands now.
                        state.try_set(Closing::Choosing);
                        preview();
                    }
                }
            },
        );
    };
    let reason_choice = move |which: ClosedReason, testid: &'static str| {
        view! {
            <Choice class="choice" testid chosen=Signal::derive(move || reason.get() == Some(which))
                choose=move || { hint.set(None); reason.set(Some(which)) }>
                {move || crate::i18n::closed_reason(locale.get(), which)}
            </Choice>
        }
    };
    view! {
        <section class="card form close-account" data-testid="close-card">
            <h2 class="card-title">{tr(Text::CloseAccount)}</h2>
            {move || match state.get() {
                Closing::Choosing => view! {
                    <p class="hint">{tr(Text::CloseAccountHint)}</p>
                    <div class="choices" role="radiogroup" aria-label=move || t(locale.get(), Text::ClosedReasonLabel)>
                        {reason_choice(ClosedReason::MovedAway, "moved-away")}
                        {reason_choice(ClosedReason::Deceased, "deceased")}
                    </div>
                    {move || hint.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
                    <button class="secondary wide" type="button" data-testid="close-next" disabled=move || busy.get() on:click=move |_| preview()>
                        {tr(Text::CloseAccountNext)}
                    </button>
                }
                    .into_any(),
                Closing::Asking(destination) => {
                    let BalanceDestination { points, heir } = destination;
                    let heir = heir.map(|h| h.name);
                    view! {
                        <Confirm yes=Text::CloseAccountYes yes_busy=Text::ClosingAccount no=Text::Cancel busy testid="confirm-close"
                            on_yes=move || close(points) on_no=move || { trouble.set(None); state.set(Closing::Choosing) }>
                            {move || reason.get().map(|why| name.with_value(|n| closing_question(locale.get(), n, why, points, heir.as_deref())))}
                        </Confirm>
                    }
                        .into_any()
                }
                Closing::Done(closed) => {
                    let why = closed.person.closed.as_ref().map(|c| c.reason).or(reason.get_untracked());
                    let points = closed.balance.points;
                    let heir = closed.balance.heir.map(|h| h.name);
                    view! {
                        <p class="form-notice" role="status" data-testid="closed-summary">
                            {move || why.map(|why| closed_summary(locale.get(), why, points, heir.as_deref()))}
                        </p>
                        <a class="secondary wide" href=back.get_value()>{tr(Text::BackToPerson)}</a>
                    }
                        .into_any()
                }
            }}
            {move || trouble.get().map(|failure| trouble_view(failure, Callback::new(move |_| preview())))}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_of_birth_is_four_digits_up_to_this_year_or_nothing() {
        assert_eq!(parse_birth_year("", 2026), Ok(None));
        assert_eq!(parse_birth_year(" 1950 ", 2026), Ok(Some(1950)));
        assert_eq!(parse_birth_year("１９５０", 2026), Ok(Some(1950)));
        assert_eq!(parse_birth_year("2026", 2026), Ok(Some(2026)));
        assert!(parse_birth_year("2027", 2026).is_err());
        assert!(parse_birth_year("1899", 2026).is_err());
        assert!(parse_birth_year("50", 2026).is_err());
        assert!(parse_birth_year("195O", 2026).is_err());
    }

    #[test]
    fn a_mobile_number_reads_as_the_server_reads_it() {
        assert!(looks_like_mobile("138 0013 8000"));
        assert!(looks_like_mobile("+86 138-0013-8000"));
        assert!(!looks_like_mobile("1380013800"));
        assert!(!looks_like_mobile("phone"));
    }
}
