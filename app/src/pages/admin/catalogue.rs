//! The county's two catalogues for admins: 回收品类 (`/admin/recycling`: recycling categories
//! and their points per kilogram, `GET /recycling/categories`, `PUT /admin/recycling/categories`)
//! and 服务事项 (`/admin/service-types`: service types and the volunteer's reward,
//! `GET /services/types`, `PUT /admin/services/types`).
//!
//! One standard for the whole county: a county admin (the current role) edits an entry's
//! name, number and on/off, and adds the county's own entries; every other admin sees the list
//! read-only, with why. The form checks what the server checks (the bounds come from
//! `jifen-shared`: [`MAX_RATE`], [`MAX_REWARD`], the names' lengths, the code's shape), and
//! says the server's reason when it refuses anyway. Changing a number asks once more: it moves
//! the points of every later drop-off (or order) in the county.
//!
//! Editing a shipped entry stores the county's own of the same code (a new id): the list is
//! kept by code.

use jifen_shared::ErrorCode;
use jifen_shared::api::{ListCategories, ListServiceTypes, SetCategory, SetServiceType};
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::catalogue::{MAX_CODE_CHARS, code_ok};
use jifen_shared::recycling::{
    CategoriesQuery, CategoryUpdate, MAX_NAME_CHARS, MAX_RATE, RecyclingCategory,
};
use jifen_shared::services::{
    MAX_REWARD, MAX_TYPE_NAME_CHARS, ServiceType, ServiceTypeUpdate, TypesQuery,
};
use leptos::prelude::*;

use super::AdminFrame;
use crate::api::ApiFailure;
use crate::components::{Confirm, Kind, TextField, Typed, load_trouble, mutate};
use crate::i18n::{
    Locale, Text, name_too_long, order_reward, per_kg, t, tr, use_locale, value_change_question,
    whole_between,
};
use crate::pages::{ListSkeleton, Trouble, explain};
use crate::session::{Session, use_session};

/// Which catalogue a screen edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Catalogue {
    /// 回收品类: points per kilogram.
    Recycling,
    /// 服务事项: the volunteer's reward in points.
    ServiceTypes,
}

impl Catalogue {
    /// The highest number (the lowest is 1): the server's bound.
    pub fn max_value(self) -> i64 {
        match self {
            Catalogue::Recycling => MAX_RATE,
            Catalogue::ServiceTypes => MAX_REWARD,
        }
    }

    /// The longest name, in characters: the server's bound.
    pub fn max_name(self) -> usize {
        match self {
            Catalogue::Recycling => MAX_NAME_CHARS,
            Catalogue::ServiceTypes => MAX_TYPE_NAME_CHARS,
        }
    }

    fn title(self) -> Text {
        match self {
            Catalogue::Recycling => Text::RecyclingCategories,
            Catalogue::ServiceTypes => Text::ServiceTypesAdmin,
        }
    }

    fn hint(self) -> Text {
        match self {
            Catalogue::Recycling => Text::RecyclingCategoriesHint,
            Catalogue::ServiceTypes => Text::ServiceTypesHint,
        }
    }

    fn value_label(self) -> Text {
        match self {
            Catalogue::Recycling => Text::RatePerKg,
            Catalogue::ServiceTypes => Text::RewardPoints,
        }
    }

    fn name_placeholder(self) -> Text {
        match self {
            Catalogue::Recycling => Text::EntryNamePlaceholder,
            Catalogue::ServiceTypes => Text::ServiceNamePlaceholder,
        }
    }

    fn add_title(self) -> Text {
        match self {
            Catalogue::Recycling => Text::AddCategory,
            Catalogue::ServiceTypes => Text::AddServiceType,
        }
    }

    /// The number as a line of the list: 每公斤 2 积分, 志愿者可得 5 积分.
    fn value_text(self, locale: Locale, value: i64) -> String {
        match self {
            Catalogue::Recycling => per_kg(locale, value),
            Catalogue::ServiceTypes => order_reward(locale, value),
        }
    }

    /// The entries in use in the county of `region`.
    async fn list(self, session: Session, region: String) -> Result<Vec<Entry>, ApiFailure> {
        match self {
            Catalogue::Recycling => {
                let query = ListCategories {
                    query: CategoriesQuery {
                        region_code: region,
                    },
                };
                let list = session.call(&query, &()).await?;
                Ok(list.into_iter().map(Entry::from).collect())
            }
            Catalogue::ServiceTypes => {
                let query = ListServiceTypes {
                    query: TypesQuery {
                        region_code: region,
                    },
                };
                let list = session.call(&query, &()).await?;
                Ok(list.into_iter().map(Entry::from).collect())
            }
        }
    }

    /// Sets the county's own entry: the stored one.
    async fn set(self, session: Session, county: String, e: Checked) -> Result<Entry, ApiFailure> {
        match self {
            Catalogue::Recycling => {
                let body = CategoryUpdate {
                    county_code: county,
                    code: e.code,
                    name: e.name,
                    points_per_kg: e.value,
                    active: e.active,
                };
                Ok(session.call(&SetCategory, &body).await?.into())
            }
            Catalogue::ServiceTypes => {
                let body = ServiceTypeUpdate {
                    county_code: county,
                    code: e.code,
                    name: e.name,
                    reward_points: e.value,
                    active: e.active,
                };
                Ok(session.call(&SetServiceType, &body).await?.into())
            }
        }
    }
}

/// An entry of either catalogue: `value` is the points per kilogram or the reward.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Entry {
    pub code: String,
    pub name: String,
    pub value: i64,
    pub active: bool,
    /// `None`: the shipped entry.
    pub county_code: Option<String>,
}

impl From<RecyclingCategory> for Entry {
    fn from(c: RecyclingCategory) -> Entry {
        Entry {
            code: c.code,
            name: c.name,
            value: c.points_per_kg,
            active: c.active,
            county_code: c.county_code,
        }
    }
}

impl From<ServiceType> for Entry {
    fn from(s: ServiceType) -> Entry {
        Entry {
            code: s.code,
            name: s.name,
            value: s.reward_points,
            active: s.active,
            county_code: s.county_code,
        }
    }
}

/// An entry as the form checked it, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub code: String,
    pub name: String,
    pub value: i64,
    pub active: bool,
}

/// Why the form does not send (as the server would refuse it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Code,
    NameEmpty,
    NameTooLong,
    Value,
}

/// Checks a form as the server does: the code 1–40 of `a-z0-9_`, the name trimmed, 1 to the
/// catalogue's longest characters, the number a whole number from 1 to its highest.
pub fn check(
    catalogue: Catalogue,
    code: &str,
    name: &str,
    value: &str,
    active: bool,
) -> Result<Checked, Problem> {
    let code = code.trim();
    if !code_ok(code) {
        return Err(Problem::Code);
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(Problem::NameEmpty);
    }
    if name.chars().count() > catalogue.max_name() {
        return Err(Problem::NameTooLong);
    }
    let value = value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|v| (1..=catalogue.max_value()).contains(v))
        .ok_or(Problem::Value)?;
    Ok(Checked {
        code: code.to_owned(),
        name: name.to_owned(),
        value,
        active,
    })
}

/// A problem in words.
fn problem_text(locale: Locale, catalogue: Catalogue, problem: Problem) -> String {
    match problem {
        Problem::Code => t(locale, Text::EntryCodeInvalid).to_owned(),
        Problem::NameEmpty => t(locale, Text::EntryNameEmpty).to_owned(),
        Problem::NameTooLong => name_too_long(locale, catalogue.max_name()),
        Problem::Value => whole_between(locale, catalogue.max_value()),
    }
}

/// A refused save in words, with the server's own reason below it.
fn refused(failure: &ApiFailure) -> (Text, Option<String>) {
    match failure {
        ApiFailure::Server(body) if body.code == ErrorCode::InvalidInput => {
            (Text::CatalogueRejected, Some(body.message.clone()))
        }
        ApiFailure::Server(body) if body.code == ErrorCode::Forbidden => {
            (Text::CatalogueForbidden, Some(body.message.clone()))
        }
        _ => (explain(failure), None),
    }
}

/// `/admin/recycling`.
#[component]
pub fn RecyclingAdminPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant| view! { <CatalogueScreen catalogue=Catalogue::Recycling grant /> } back=(super::PATH, Text::Manage) /> }
}

/// `/admin/service-types`.
#[component]
pub fn ServiceTypesAdminPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant| view! { <CatalogueScreen catalogue=Catalogue::ServiceTypes grant /> } back=(super::PATH, Text::Manage) /> }
}

/// The catalogue of the current role's county: editable for its county admin.
#[component]
fn CatalogueScreen(catalogue: Catalogue, grant: RoleGrant) -> impl IntoView {
    let session = use_session();
    let county = grant.region_code.county().map(|c| c.to_string());
    let editable = grant.role == Role::CountyAdmin && county.is_some();
    let region = grant.region_code.to_string();
    let entries = RwSignal::new(Vec::<Entry>::new());
    let list = LocalResource::new(move || catalogue.list(session, region.clone()));
    Effect::new(move |_| {
        if let Some(Ok(found)) = list.get() {
            entries.set(found);
        }
    });
    // A saved entry replaces the one of its code (a shipped one becomes the county's own).
    let saved = Callback::new(move |e: Entry| {
        entries.update(|all| match all.iter_mut().find(|x| x.code == e.code) {
            Some(x) => *x = e,
            None => all.push(e),
        })
    });
    let county = StoredValue::new(county.unwrap_or_default());
    view! {
        <h1 class="region-name">{tr(catalogue.title())}</h1>
        <p class="hint">{tr(catalogue.hint())}</p>
        {(!editable).then(|| view! {
            <p class="form-notice" role="note" data-testid="catalogue-read-only">{tr(Text::CatalogueReadOnly)}</p>
        })}
        {move || match list.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, list),
            Some(Ok(_)) if entries.with(Vec::is_empty) => {
                view! { <p class="empty">{tr(Text::NoCatalogueEntries)}</p> }.into_any()
            }
            Some(Ok(_)) => view! {
                <ul class="list catalogue" data-testid="catalogue">
                    <For
                        each=move || entries.get()
                        key=|e| e.clone()
                        children=move |entry| view! {
                            <EntryRow catalogue entry editable county=county.get_value() saved />
                        }
                    />
                </ul>
            }
                .into_any(),
        }}
        {editable.then(|| view! { <NewEntry catalogue county=county.get_value() entries saved /> })}
    }
}

/// Where a row stands.
#[derive(Debug, Clone, PartialEq)]
enum RowState {
    Shown,
    Editing,
    /// The number changes: asked once more before saving this.
    Confirming(Checked),
}

/// One entry: name, number, marks; 修改 opens its form (county admins).
#[component]
fn EntryRow(
    catalogue: Catalogue,
    entry: Entry,
    editable: bool,
    county: String,
    saved: Callback<Entry>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let state = RwSignal::new(RowState::Shown);
    let name = RwSignal::new(entry.name.clone());
    let value = RwSignal::new(entry.value.to_string());
    let active = RwSignal::new(entry.active);
    let hint = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let county = StoredValue::new(county);
    let before = StoredValue::new(entry.clone());

    let send = move |checked: Checked| {
        trouble.set(None);
        let call = catalogue.set(session, county.get_value(), checked.clone());
        mutate(busy, call, move |answer| match answer {
            // The row is drawn anew from the stored entry.
            Ok(stored) => saved.run(stored),
            Err(failure) => {
                trouble.try_set(Some(failure));
                state.try_set(RowState::Editing);
            }
        });
    };
    let save = move || {
        let e = before.get_value();
        match check(
            catalogue,
            &e.code,
            &name.get_untracked(),
            &value.get_untracked(),
            active.get_untracked(),
        ) {
            Err(problem) => hint.set(Some(problem)),
            Ok(checked) if checked.value != e.value => state.set(RowState::Confirming(checked)),
            Ok(checked) => send(checked),
        }
    };

    let Entry {
        code,
        name: shown_name,
        value: shown_value,
        active: on,
        county_code,
    } = entry;
    let testid = format!("entry-{code}");
    view! {
        <li class="cat-entry" class:off=!on data-testid=testid>
            <div class="row">
                <span class="cat-text">
                    <span class="row-name">
                        {shown_name.clone()}
                        {(!on).then(|| view! { <span class="badge off">{tr(Text::EntryOff)}</span> })}
                    </span>
                    <span class="person-sub">
                        {move || catalogue.value_text(locale.get(), shown_value)}
                        " · "
                        {tr(if county_code.is_some() { Text::EntryOfCounty } else { Text::EntryShipped })}
                    </span>
                </span>
                {move || (editable && state.get() == RowState::Shown).then(|| view! {
                    <button class="secondary small" type="button" on:click=move |_| state.set(RowState::Editing)>
                        {tr(Text::EntryEdit)}
                    </button>
                })}
            </div>
            {move || match state.get() {
                RowState::Shown => ().into_any(),
                RowState::Editing => view! {
                    <form class="cat-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        save();
                    }>
                        <EntryFields catalogue name value active hint code=None />
                        <div class="actions">
                            <button class="primary" type="submit" disabled=move || busy.get()>
                                {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::EntrySave })}
                            </button>
                            <button class="secondary" type="button" disabled=move || busy.get() on:click=move |_| {
                                trouble.set(None);
                                state.set(RowState::Shown);
                            }>
                                {tr(Text::Cancel)}
                            </button>
                        </div>
                    </form>
                }
                    .into_any(),
                RowState::Confirming(checked) => {
                    let question = value_change_question(
                        locale.get_untracked(),
                        &checked.name,
                        catalogue == Catalogue::Recycling,
                        before.get_value().value,
                        checked.value,
                    );
                    let yes = checked.clone();
                    view! {
                        <Confirm yes=Text::ChangeRateYes yes_busy=Text::Saving no=Text::Cancel busy testid="confirm-change"
                            on_yes=move || send(yes.clone()) on_no=move || state.set(RowState::Editing)>
                            {question}
                        </Confirm>
                    }
                        .into_any()
                }
            }}
            {move || trouble.get().map(|failure| {
                let (text, detail) = refused(&failure);
                view! { <Trouble failure text detail retry=Callback::new(move |_| save()) /> }
            })}
        </li>
    }
}

/// The boxes of an entry: the code (only for a new one), name, number, on/off, and what the
/// check found wrong.
#[component]
fn EntryFields(
    catalogue: Catalogue,
    code: Option<RwSignal<String>>,
    name: RwSignal<String>,
    value: RwSignal<String>,
    active: RwSignal<bool>,
    hint: RwSignal<Option<Problem>>,
) -> impl IntoView {
    let locale = use_locale();
    let clear = move || hint.set(None);
    // What the check found wrong goes as soon as the box it is about changes.
    let clearing = move |text: RwSignal<String>| {
        Typed::new(
            move || text.get(),
            move |typed| {
                text.set(typed);
                clear();
            },
        )
    };
    view! {
        {code.map(|code| view! {
            <TextField label=Text::EntryCode value=clearing(code) placeholder=Text::EntryCodePlaceholder name="code" kind=Kind::Code max=MAX_CODE_CHARS testid="entry-code" />
        })}
        <TextField label=Text::EntryName value=clearing(name) placeholder=catalogue.name_placeholder() name="name" max=catalogue.max_name() testid="entry-name" />
        <TextField label=catalogue.value_label() value=clearing(value) placeholder=Text::ValuePlaceholder name="value" kind=Kind::Integer max=4 testid="entry-value" />
        <label class="check">
            <input type="checkbox" data-testid="entry-active" prop:checked=move || active.get()
                on:change=move |ev| {
                    active.set(event_target_checked(&ev));
                    clear();
                } />
            <span>{tr(Text::EntryActive)}</span>
        </label>
        {move || hint.get().map(|problem| view! {
            <p class="form-notice error" role="alert">{move || problem_text(locale.get(), catalogue, problem)}</p>
        })}
    }
}

/// 新增: the county's own entry with a new code.
#[component]
fn NewEntry(
    catalogue: Catalogue,
    county: String,
    entries: RwSignal<Vec<Entry>>,
    saved: Callback<Entry>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let active = RwSignal::new(true);
    let hint = RwSignal::new(None::<Problem>);
    let taken = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let done = RwSignal::new(false);
    let county = StoredValue::new(county);
    let add = move || {
        trouble.set(None);
        done.set(false);
        taken.set(false);
        let checked = match check(
            catalogue,
            &code.get_untracked(),
            &name.get_untracked(),
            &value.get_untracked(),
            active.get_untracked(),
        ) {
            Ok(c) => c,
            Err(problem) => return hint.set(Some(problem)),
        };
        if entries.with_untracked(|all| all.iter().any(|e| e.code == checked.code)) {
            return taken.set(true);
        }
        let call = catalogue.set(session, county.get_value(), checked);
        mutate(busy, call, move |answer| match answer {
            Ok(stored) => {
                saved.run(stored);
                code.try_set(String::new());
                name.try_set(String::new());
                value.try_set(String::new());
                done.try_set(true);
            }
            Err(failure) => {
                trouble.try_set(Some(failure));
            }
        });
    };
    view! {
        <section class="card cat-add">
            <h2 class="card-title">{tr(catalogue.add_title())}</h2>
            <form on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                add();
            }>
                <EntryFields catalogue code=Some(code) name value active hint />
                {move || taken.get().then(|| view! {
                    <p class="form-notice error" role="alert">{tr(Text::EntryCodeTaken)}</p>
                })}
                {move || trouble.get().map(|failure| {
                    let (text, detail) = refused(&failure);
                    view! { <Trouble failure text detail retry=Callback::new(move |_| add()) /> }
                })}
                {move || done.get().then(|| view! {
                    <p class="form-notice" role="status">{tr(Text::EntrySaved)}</p>
                })}
                <button class="primary wide" type="submit" disabled=move || busy.get()>
                    {move || t(locale.get(), if busy.get() { Text::EntryAdding } else { Text::EntryAdd })}
                </button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_checks_what_the_server_checks() {
        let ok = check(Catalogue::Recycling, " paper ", " 废纸 ", " 3 ", true);
        assert_eq!(
            ok,
            Ok(Checked {
                code: "paper".into(),
                name: "废纸".into(),
                value: 3,
                active: true
            })
        );
        let r = Catalogue::Recycling;
        assert_eq!(check(r, "Paper", "废纸", "3", true), Err(Problem::Code));
        assert_eq!(check(r, "", "废纸", "3", true), Err(Problem::Code));
        assert_eq!(check(r, "paper", "  ", "3", true), Err(Problem::NameEmpty));
        let long = "纸".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(
            check(r, "paper", &long, "3", true),
            Err(Problem::NameTooLong)
        );
        assert!(check(r, "paper", &"纸".repeat(MAX_NAME_CHARS), "3", true).is_ok());
        for bad in ["0", "-1", "1001", "2.5", "", "三"] {
            assert_eq!(
                check(r, "paper", "废纸", bad, true),
                Err(Problem::Value),
                "{bad}"
            );
        }
        assert_eq!(
            check(r, "paper", "废纸", "1000", false).map(|c| c.value),
            Ok(1000)
        );
        assert_eq!(
            check(Catalogue::ServiceTypes, "errand", "代办", "1001", true),
            Err(Problem::Value)
        );
    }

    #[test]
    fn problems_and_the_question_read_as_people_say_them() {
        let r = Catalogue::Recycling;
        assert_eq!(
            problem_text(Locale::ZhCn, r, Problem::Value),
            "请填写 1 到 1000 之间的整数"
        );
        assert_eq!(
            problem_text(Locale::ZhCn, r, Problem::NameTooLong),
            "名称最多 20 个字"
        );
        assert_eq!(
            value_change_question(Locale::ZhCn, "玻璃", true, 1, 2),
            "「玻璃」从每公斤 1 积分改为 2 积分：全县今后每次回收都按新标准记分，已记的不变。确定修改吗？"
        );
        assert!(
            value_change_question(Locale::ZhCn, "代办跑腿", false, 5, 8)
                .starts_with("「代办跑腿」的志愿者积分从 5 改为 8")
        );
    }
}
