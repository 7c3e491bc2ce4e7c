//! 积分事项 for admins (issue "The operators' console, part 1"): `/admin/rules` lists the rules
//! of the admin's county or village by category (`GET /admin/rules`) — a township admin first
//! picks a village — each with its points there and whether it is switched off, for some groups
//! only, or set by the county or village; `/admin/rules/new` adds one (`POST /admin/rules`);
//! `/admin/rules/:id` opens one with `?region=` the place it is read for:
//! - its owner (the county of a county rule, the village of its own) edits everything and
//!   switches it off or on for everyone (`PUT /admin/rules/{id}`);
//! - a county or village that does not own it switches it off or on for itself and, where
//!   allowed, sets its own points (`PUT /admin/rules/{id}/settings/{region}`): a county for the
//!   shipped catalogue with bounds for its villages, a village within those bounds;
//! - and its history (`GET /admin/rules/{id}/history`): who changed what, when.
//!
//! A change of points or a switch off or on is asked once more before it is sent (it changes
//! what every villager earns from then on); claims already made keep their points.

use jifen_shared::api::{
    AdminRules, CreateRule, GetRegion, RuleHistory, SetRuleSetting, UpdateRule,
};
use jifen_shared::audit::AuditEntry;
use jifen_shared::auth::RoleGrant;
use jifen_shared::people::GROUP_TAGS;
use jifen_shared::points::{
    AdminRulesQuery, NewRule, PointsRange, Rule, RuleCategory, RuleSettingUpdate, RuleUpdate,
};
use jifen_shared::regions::{RegionCode, RegionLevel};
use leptos::prelude::*;

use super::{AdminFrame, region_in_query};
use crate::api::{self, ApiFailure};
use crate::components::{Choice, Confirm, Kind, TextField, chevron, mutate, path_id};
use crate::i18n::{Text, caps, category_name, signed, t, tr, use_locale};
use crate::pages::regions::PlaceList;
use crate::pages::{Failure, ListSkeleton, Trouble, explain};
use crate::session::{Session, use_session};

/// The list's address.
pub const PATH: &str = "/admin/rules";

/// `/admin/rules?region=…`.
#[component]
pub fn RulesPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant: RoleGrant| view! { <RulesScreen home=grant.region_code /> } /> }
}

/// `/admin/rules/:id?region=…`.
#[component]
pub fn RulePage() -> impl IntoView {
    view! { <AdminFrame screen=|grant: RoleGrant| view! { <RuleScreen home=grant.region_code /> } back=(PATH, Text::RuleCatalogue) /> }
}

/// `/admin/rules/new?region=…`.
#[component]
pub fn NewRulePage() -> impl IntoView {
    view! { <AdminFrame screen=|grant: RoleGrant| view! { <NewRuleScreen home=grant.region_code /> } back=(PATH, Text::RuleCatalogue) /> }
}

/// Whether rules are read and set for `code`: a county or a village (a township picks a
/// village first).
fn is_rule_place(code: &RegionCode) -> bool {
    matches!(code.level(), RegionLevel::County | RegionLevel::Village)
}

/// `GET /admin/rules?region_code=…`.
async fn rules_of(session: Session, place: RegionCode) -> Result<Vec<Rule>, ApiFailure> {
    let list = AdminRules {
        query: AdminRulesQuery {
            region_code: place.to_string(),
        },
    };
    session.call(&list, &()).await
}

/// The rules of the place of the address (a county or a village), or the villages of a
/// township to pick from.
#[component]
fn RulesScreen(home: RegionCode) -> impl IntoView {
    let place = region_in_query(home);
    move || {
        let place = place.get();
        if is_rule_place(&place) {
            view! { <RuleList place /> }.into_any()
        } else {
            view! { <VillagePicker township=place /> }.into_any()
        }
    }
}

/// A township admin's choice of village.
#[component]
fn VillagePicker(township: RegionCode) -> impl IntoView {
    let region = LocalResource::new(move || {
        let get = GetRegion {
            code: township.to_string(),
        };
        async move { api::call(&get, &(), None).await }
    });
    let retry = Callback::new(move |_| region.refetch());
    view! {
        <h1 class="region-name">{tr(Text::RuleCatalogue)}</h1>
        <h2 class="section-title">{tr(Text::ChooseVillage)}</h2>
        {move || match region.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Ok(r)) => view! {
                <PlaceList places=r.children href=|code| format!("{PATH}?region={code}") />
            }
                .into_any(),
            Some(Err(failure)) => view! { <Failure failure not_found=Text::RegionNotFound retry /> }.into_any(),
        }}
    }
}

/// The rules of `place` by category, and the way to add one.
#[component]
fn RuleList(place: RegionCode) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let code = place.clone();
    let rules = LocalResource::new(move || rules_of(session, code.clone()));
    let retry = Callback::new(move |_| rules.refetch());
    let new_href = format!("{PATH}/new?region={place}");
    let hint = if place.level() == RegionLevel::County {
        Text::RulesCountyHint
    } else {
        Text::RulesVillageHint
    };
    view! {
        <h1 class="region-name">{tr(Text::RuleCatalogue)}</h1>
        <p class="hint">{tr(hint)}</p>
        <a class="button primary wide" href=new_href data-testid="new-rule">{tr(Text::NewRule)}</a>
        {move || match rules.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => view! { <Failure failure not_found=Text::RegionNotFound retry /> }.into_any(),
            Some(Ok(rules)) => RuleCategory::ALL
                .into_iter()
                .filter_map(|category| {
                    let of: Vec<Rule> = rules.iter().filter(|r| r.category == category).cloned().collect();
                    let place = place.clone();
                    (!of.is_empty()).then(|| view! {
                        <h2 class="section-title">{move || category_name(locale.get(), category)}</h2>
                        <ul class="list rules" data-testid="admin-rules">
                            {of.into_iter().map(|rule| view! { <RuleRow rule place=place.clone() /> }).collect_view()}
                        </ul>
                    })
                })
                .collect_view()
                .into_any(),
        }}
    }
}

/// One rule of the list: name, where it stands, points there.
#[component]
fn RuleRow(rule: Rule, place: RegionCode) -> impl IntoView {
    let href = format!("{PATH}/{}?region={place}", rule.id);
    let status = standing(&rule, &place);
    view! {
        <li>
            <a class="row rule" href=href data-testid="admin-rule" data-rule=rule.code.clone()>
                <span class="rule-text">
                    <span class="row-name">{rule.name.clone()}</span>
                    <span class="rule-tags">
                        {status.map(|text| view! { <span class="badge" class:off=!rule.active>{tr(text)}</span> })}
                        {(!rule.groups.is_empty()).then(|| view! { <span class="badge">{groups_line(&rule.groups)}</span> })}
                    </span>
                </span>
                <span class="rule-points" class:off=!rule.active>{signed(rule.points)}</span>
                {chevron()}
            </a>
        </li>
    }
}

/// The groups of a rule as one line: 党员、村民代表.
fn groups_line(groups: &[String]) -> String {
    groups.join("、")
}

/// What to say about a rule at `place` beside its name: switched off (by whom), or its points
/// set here or by the county; `None` when it is as its owner made it.
fn standing(rule: &Rule, place: &RegionCode) -> Option<Text> {
    let here = rule
        .settings
        .iter()
        .find(|s| s.region_code == place.as_str());
    let above = rule
        .settings
        .iter()
        .find(|s| s.region_code != place.as_str());
    if !rule.base_active {
        return Some(Text::RuleOff);
    }
    if here.is_some_and(|s| !s.active) {
        return Some(Text::RuleOffHere);
    }
    if above.is_some_and(|s| !s.active) {
        return Some(Text::RuleOffByCounty);
    }
    if here.is_some_and(|s| s.points.is_some()) {
        return Some(Text::RulePointsHere);
    }
    above
        .filter(|s| s.points.is_some())
        .map(|_| Text::RulePointsByCounty)
}

/// The rule of the address as its place sees it, with what may be changed there and its history.
#[component]
fn RuleScreen(home: RegionCode) -> impl IntoView {
    let session = use_session();
    let id = path_id("id");
    let place = region_in_query(home);
    let rules = LocalResource::new(move || rules_of(session, place.get()));
    let retry = Callback::new(move |_| rules.refetch());
    move || match (rules.get(), id.get()) {
        (None, _) => view! { <ListSkeleton /> }.into_any(),
        (Some(Err(failure)), _) => {
            view! { <Failure failure not_found=Text::RuleNotFound retry /> }.into_any()
        }
        (Some(Ok(rules)), id) => match rules.into_iter().find(|r| Some(r.id) == id) {
            None => view! { <p class="empty">{tr(Text::RuleNotFound)}</p> }.into_any(),
            Some(rule) => view! { <RuleDetails rule place=place.get_untracked() /> }.into_any(),
        },
    }
}

/// One rule: its card, the owner's form or the place's setting, and the history.
#[component]
fn RuleDetails(rule: Rule, place: RegionCode) -> impl IntoView {
    let locale = use_locale();
    let shown = RwSignal::new(rule);
    let changed = RwSignal::new(0u32);
    let owned = shown.with_untracked(|r| r.region_code.as_deref() == Some(place.as_str()));
    let id = shown.with_untracked(|r| r.id);
    let card_place = place.clone();
    let card = move || {
        let rule = shown.get();
        let status = standing(&rule, &card_place);
        view! {
            <section class="card rule-card" data-testid="rule-card">
                <h1 class="region-name">{rule.name.clone()}</h1>
                <p class="rule-big-points" class:off=!rule.active data-testid="rule-points">{signed(rule.points)}</p>
                <p class="rule-tags">
                    <span class="badge">{category_name(locale.get(), rule.category)}</span>
                    {rule.needs_photo.then(|| view! { <span class="badge photo">{tr(Text::NeedsPhoto)}</span> })}
                    {status.map(|text| view! { <span class="badge" class:off=!rule.active data-testid="rule-status">{tr(text)}</span> })}
                    {(!rule.groups.is_empty()).then(|| view! { <span class="badge">{groups_line(&rule.groups)}</span> })}
                    {caps(locale.get(), rule.daily_cap, rule.monthly_cap).map(|c| view! { <span class="rule-caps">{c}</span> })}
                </p>
                {rule.village_points.map(|r| view! {
                    <p class="hint">{village_bounds(locale.get(), r)}</p>
                })}
            </section>
        }
    };
    let saved = Callback::new(move |rule: Rule| {
        shown.set(rule);
        changed.update(|n| *n += 1);
    });
    let setting_place = place.clone();
    view! {
        {card}
        {if owned {
            view! { <OwnerForm rule=shown.get_untracked() saved /> }.into_any()
        } else {
            view! { <SettingForm rule=shown.get_untracked() place=setting_place saved /> }.into_any()
        }}
        <History id place changed />
    }
}

/// 各村可在 3–8 分之间自行设定.
fn village_bounds(locale: crate::i18n::Locale, range: PointsRange) -> String {
    match locale {
        crate::i18n::Locale::ZhCn => format!("各村可在 {} 至 {} 分之间自定", range.min, range.max),
        crate::i18n::Locale::En => {
            format!("Villages may set {} to {} points", range.min, range.max)
        }
    }
}

/// The fields of a rule being edited or added, as typed.
#[derive(Clone, Copy)]
struct RuleFields {
    name: RwSignal<String>,
    category: RwSignal<RuleCategory>,
    points: RwSignal<String>,
    deduction: RwSignal<bool>,
    needs_photo: RwSignal<bool>,
    daily_cap: RwSignal<String>,
    monthly_cap: RwSignal<String>,
    groups: RwSignal<Vec<String>>,
    bounds_min: RwSignal<String>,
    bounds_max: RwSignal<String>,
}

/// What the owner's form holds, checked as the server checks it (`server/src/points/rules.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub name: String,
    pub points: i64,
    pub daily_cap: Option<i64>,
    pub monthly_cap: Option<i64>,
    pub village_points: Option<PointsRange>,
}

/// Checks a rule's typed fields: a name of 1–50 characters, points 1–1000 (a deduction
/// negative), caps 1–100 a day and 1–1000 a month or empty, bounds both empty or both points
/// of 1–1000 with min ≤ max (only `county`'s rules have them).
pub fn check_rule(
    name: &str,
    points: &str,
    deduction: bool,
    caps: (&str, &str),
    bounds: (&str, &str),
    county: bool,
) -> Result<Checked, Text> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(Text::RuleNameInvalid);
    }
    let number = |s: &str| s.trim().parse::<i64>().ok();
    let points = number(points)
        .filter(|p| (1..=1000).contains(p))
        .ok_or(Text::RulePointsInvalid)?;
    let sign = if deduction { -1 } else { 1 };
    let cap = |s: &str, max: i64| -> Result<Option<i64>, Text> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        number(s)
            .filter(|c| (1..=max).contains(c))
            .map(Some)
            .ok_or(Text::RuleCapsInvalid)
    };
    let daily_cap = cap(caps.0, 100)?;
    let monthly_cap = cap(caps.1, 1000)?;
    let village_points = if county {
        check_bounds(bounds, deduction)?
    } else {
        None
    };
    Ok(Checked {
        name: name.to_owned(),
        points: sign * points,
        daily_cap,
        monthly_cap,
        village_points,
    })
}

/// A county's bounds for its villages as typed (from, to, both as positive points): none when
/// both are empty, else two whole numbers of 1–1000 with from ≤ to, negative for a deduction.
pub fn check_bounds(bounds: (&str, &str), deduction: bool) -> Result<Option<PointsRange>, Text> {
    let number = |s: &str| {
        s.trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=1000).contains(p))
    };
    match (bounds.0.trim(), bounds.1.trim()) {
        ("", "") => Ok(None),
        (min, max) => match (number(min), number(max)) {
            (Some(min), Some(max)) if min <= max && deduction => Ok(Some(PointsRange {
                min: -max,
                max: -min,
            })),
            (Some(min), Some(max)) if min <= max => Ok(Some(PointsRange { min, max })),
            _ => Err(Text::RuleBoundsInvalid),
        },
    }
}

impl RuleFields {
    fn of(rule: Option<&Rule>) -> RuleFields {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        let bounds = rule.and_then(|r| r.village_points);
        RuleFields {
            name: RwSignal::new(rule.map(|r| r.name.clone()).unwrap_or_default()),
            category: RwSignal::new(rule.map_or(RuleCategory::Environment, |r| r.category)),
            points: RwSignal::new(
                rule.map(|r| r.base_points.abs().to_string())
                    .unwrap_or_default(),
            ),
            deduction: RwSignal::new(rule.is_some_and(|r| r.base_points < 0)),
            needs_photo: RwSignal::new(rule.is_some_and(|r| r.needs_photo)),
            daily_cap: RwSignal::new(number(rule.and_then(|r| r.daily_cap))),
            monthly_cap: RwSignal::new(number(rule.and_then(|r| r.monthly_cap))),
            groups: RwSignal::new(rule.map(|r| r.groups.clone()).unwrap_or_default()),
            bounds_min: RwSignal::new(number(bounds.map(|b| b.min.abs().min(b.max.abs())))),
            bounds_max: RwSignal::new(number(bounds.map(|b| b.min.abs().max(b.max.abs())))),
        }
    }

    fn check(self, county: bool) -> Result<Checked, Text> {
        check_rule(
            &self.name.get_untracked(),
            &self.points.get_untracked(),
            self.deduction.get_untracked(),
            (
                &self.daily_cap.get_untracked(),
                &self.monthly_cap.get_untracked(),
            ),
            (
                &self.bounds_min.get_untracked(),
                &self.bounds_max.get_untracked(),
            ),
            county,
        )
    }
}

/// The boxes of a rule: name, category, 加分/扣分 and points, photo, caps, groups, and for a
/// county's rule the villages' bounds.
#[component]
fn RuleFieldsView(fields: RuleFields, county: bool) -> impl IntoView {
    let locale = use_locale();
    let toggle_group = move |group: &'static str| {
        fields.groups.update(|g| {
            if let Some(at) = g.iter().position(|x| x == group) {
                g.remove(at);
            } else {
                g.push(group.to_owned());
            }
        })
    };
    view! {
        <TextField label=Text::RuleName value=fields.name placeholder=Text::RuleNamePlaceholder name="rule-name" max=50 testid="rule-name" />
        <label class="field">
            <span class="field-label">{tr(Text::RuleCategoryLabel)}</span>
            <select class="input" data-testid="rule-category" on:change=move |ev| {
                if let Some(c) = RuleCategory::parse(&event_target_value(&ev)) {
                    fields.category.set(c);
                }
            }>
                {RuleCategory::ALL.into_iter().map(|c| view! {
                    <option value=c.as_str() selected=move || fields.category.get() == c>{move || category_name(locale.get(), c)}</option>
                }).collect_view()}
            </select>
        </label>
        <div class="choices" role="radiogroup">
            <Choice class="choice" chosen=Signal::derive(move || !fields.deduction.get()) choose=move |_| fields.deduction.set(false)>{tr(Text::AddPoints)}</Choice>
            <Choice class="choice" chosen=Signal::derive(move || fields.deduction.get()) choose=move |_| fields.deduction.set(true)>{tr(Text::DeductPoints)}</Choice>
        </div>
        <TextField label=Text::RulePointsLabel value=fields.points placeholder=Text::RulePointsPlaceholder name="rule-points" kind=Kind::Integer max=4 testid="rule-points-input" />
        <label class="check">
            <input type="checkbox" prop:checked=move || fields.needs_photo.get() on:change=move |ev| fields.needs_photo.set(event_target_checked(&ev)) />
            {tr(Text::NeedsPhotoLabel)}
        </label>
        <div class="field-pair">
            <TextField label=Text::DailyCap value=fields.daily_cap placeholder=Text::NoCap name="daily-cap" kind=Kind::Integer max=3 />
            <TextField label=Text::MonthlyCap value=fields.monthly_cap placeholder=Text::NoCap name="monthly-cap" kind=Kind::Integer max=4 />
        </div>
        <fieldset class="field groups">
            <legend class="field-label">{tr(Text::RuleGroups)}</legend>
            <p class="hint">{tr(Text::RuleGroupsHint)}</p>
            {GROUP_TAGS.into_iter().map(|group| view! {
                <label class="check inline">
                    <input type="checkbox" prop:checked=move || fields.groups.with(|g| g.iter().any(|x| x == group)) on:change=move |_| toggle_group(group) />
                    {group}
                </label>
            }).collect_view()}
        </fieldset>
        {county.then(|| view! { <BoundsFields min=fields.bounds_min max=fields.bounds_max /> })}
    }
}

/// A county's bounds for its villages' own points: from, to (both empty: none).
#[component]
fn BoundsFields(min: RwSignal<String>, max: RwSignal<String>) -> impl IntoView {
    view! {
        <fieldset class="field">
            <legend class="field-label">{tr(Text::VillageBounds)}</legend>
            <p class="hint">{tr(Text::VillageBoundsHint)}</p>
            <div class="field-pair">
                <TextField label=Text::BoundsMin value=min placeholder=Text::NoCap name="bounds-min" kind=Kind::Integer max=4 />
                <TextField label=Text::BoundsMax value=max placeholder=Text::NoCap name="bounds-max" kind=Kind::Integer max=4 />
            </div>
        </fieldset>
    }
}

/// What a refused rule change means.
fn rule_failure(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(jifen_shared::ErrorCode::Forbidden) => Text::RuleNotYours,
        Some(jifen_shared::ErrorCode::AlreadyExists) => Text::RuleExists,
        _ => explain(failure),
    }
}

/// The owner's form: every field, saved at once; a change of points or a switch asked once.
#[component]
fn OwnerForm(rule: Rule, saved: Callback<Rule>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let county = rule
        .region_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
        .is_some_and(|c| c.level() == RegionLevel::County);
    let fields = RuleFields::of(Some(&rule));
    let current = StoredValue::new(rule);
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(None::<RuleUpdate>);
    let problem = RwSignal::new(None::<Text>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let done = RwSignal::new(false);
    let send = move |update: RuleUpdate| {
        let id = current.with_value(|r| r.id);
        trouble.set(None);
        mutate(
            busy,
            async move { session.call(&UpdateRule { id }, &update).await },
            move |answer: Result<Rule, ApiFailure>| {
                asking.set(None);
                match answer {
                    Ok(rule) => {
                        current.set_value(rule.clone());
                        done.set(true);
                        saved.run(rule);
                    }
                    Err(failure) => trouble.set(Some(failure)),
                }
            },
        );
    };
    let update_with = move |active: bool| -> Option<RuleUpdate> {
        problem.set(None);
        done.set(false);
        match fields.check(county) {
            Err(text) => {
                problem.set(Some(text));
                None
            }
            Ok(c) => Some(RuleUpdate {
                name: c.name,
                category: fields.category.get_untracked(),
                points: c.points,
                needs_photo: fields.needs_photo.get_untracked(),
                daily_cap: c.daily_cap,
                monthly_cap: c.monthly_cap,
                active,
                groups: fields.groups.get_untracked(),
                village_points: c.village_points,
            }),
        }
    };
    let save = move |_| {
        let active = current.with_value(|r| r.base_active);
        if let Some(update) = update_with(active) {
            if current.with_value(|r| r.base_points != update.points) {
                asking.set(Some(update));
            } else {
                send(update);
            }
        }
    };
    let switch = move |_| {
        let active = current.with_value(|r| r.base_active);
        if let Some(update) = update_with(!active) {
            asking.set(Some(update));
        }
    };
    let question = move || {
        let update = asking.get()?;
        let rule = current.get_value();
        Some(if update.active != rule.base_active {
            t(
                locale.get(),
                if update.active {
                    Text::SwitchOnQuestion
                } else {
                    Text::SwitchOffQuestion
                },
            )
            .to_owned()
        } else {
            points_question(locale.get(), rule.base_points, update.points)
        })
    };
    view! {
        <section class="card">
            <h2 class="card-title">{tr(Text::EditRule)}</h2>
            <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save(()); }>
                <RuleFieldsView fields county />
                {move || problem.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
                {move || match question() {
                    Some(q) => view! {
                        <Confirm yes=Text::ConfirmSave yes_busy=Text::Saving no=Text::Cancel busy testid="confirm-rule"
                            on_yes=move || { if let Some(u) = asking.get_untracked() { send(u) } }
                            on_no=move || asking.set(None)>
                            {q}
                        </Confirm>
                    }.into_any(),
                    None => view! {
                        <button class="primary wide" type="submit" disabled=move || busy.get() data-testid="save-rule">
                            {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::Save })}
                        </button>
                        <button class="secondary wide" type="button" disabled=move || busy.get() on:click=switch data-testid="switch-rule">
                            {move || t(locale.get(), if current.with_value(|r| r.base_active) { Text::SwitchOff } else { Text::SwitchOn })}
                        </button>
                    }.into_any(),
                }}
                {move || done.get().then(|| view! { <p class="form-notice" role="status">{tr(Text::Saved)}</p> })}
                {move || trouble.get().map(|failure| {
                    let text = rule_failure(&failure);
                    view! { <Trouble failure text retry=Callback::new(move |_| save(())) /> }
                })}
            </form>
        </section>
    }
}

/// 积分由 2 改为 3，今后的申报按新积分计算。确定吗？
fn points_question(locale: crate::i18n::Locale, from: i64, to: i64) -> String {
    match locale {
        crate::i18n::Locale::ZhCn => {
            format!("积分由 {from} 改为 {to}，今后的申报按新积分计算（已提交的不变）。确定吗？")
        }
        crate::i18n::Locale::En => format!(
            "Points change from {from} to {to} for claims from now on (claims made keep theirs). Save?"
        ),
    }
}

/// A county's or village's own setting of a rule it does not own: off or on here, and its own
/// points where allowed.
#[component]
fn SettingForm(rule: Rule, place: RegionCode, saved: Callback<Rule>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let county = place.level() == RegionLevel::County;
    let mine = rule
        .settings
        .iter()
        .find(|s| s.region_code == place.as_str())
        .cloned();
    let points = RwSignal::new(
        mine.as_ref()
            .and_then(|s| s.points)
            .map(|p| p.abs().to_string())
            .unwrap_or_default(),
    );
    let bounds = mine.as_ref().and_then(|s| s.village_points);
    let bounds_min = RwSignal::new(
        bounds
            .map(|b| b.min.abs().min(b.max.abs()).to_string())
            .unwrap_or_default(),
    );
    let bounds_max = RwSignal::new(
        bounds
            .map(|b| b.min.abs().max(b.max.abs()).to_string())
            .unwrap_or_default(),
    );
    let current = StoredValue::new(rule);
    let active_here = RwSignal::new(mine.as_ref().is_none_or(|s| s.active));
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(None::<RuleSettingUpdate>);
    let problem = RwSignal::new(None::<Text>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let done = RwSignal::new(false);
    let target = StoredValue::new(place.to_string());
    let send = move |update: RuleSettingUpdate| {
        let id = current.with_value(|r| r.id);
        let region_code = target.get_value();
        let active = update.active;
        trouble.set(None);
        mutate(
            busy,
            async move {
                session
                    .call(&SetRuleSetting { id, region_code }, &update)
                    .await
            },
            move |answer: Result<Rule, ApiFailure>| {
                asking.set(None);
                match answer {
                    Ok(rule) => {
                        active_here.set(active);
                        current.set_value(rule.clone());
                        done.set(true);
                        saved.run(rule);
                    }
                    Err(failure) => trouble.set(Some(failure)),
                }
            },
        );
    };
    let sign = current.with_value(|r| r.base_points.signum());
    // Whether this place may set points: a county always (shipped rules), a village within
    // its county's bounds.
    let may_set_points = move || county || current.with_value(|r| r.village_points.is_some());
    let setting = move |active: bool| -> Option<RuleSettingUpdate> {
        problem.set(None);
        done.set(false);
        let typed = points.get_untracked();
        let own = if typed.trim().is_empty() || !may_set_points() {
            None
        } else {
            match typed
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|p| (1..=1000).contains(p))
            {
                None => {
                    problem.set(Some(Text::RulePointsInvalid));
                    return None;
                }
                Some(p) => Some(sign * p),
            }
        };
        if let (Some(p), false) = (own, county) {
            let range = current.with_value(|r| r.village_points)?;
            if !(range.min..=range.max).contains(&p) {
                problem.set(Some(Text::OutsideBounds));
                return None;
            }
        }
        let village_points = if county {
            match check_bounds(
                (&bounds_min.get_untracked(), &bounds_max.get_untracked()),
                sign < 0,
            ) {
                Ok(bounds) => bounds,
                Err(text) => {
                    problem.set(Some(text));
                    return None;
                }
            }
        } else {
            None
        };
        Some(RuleSettingUpdate {
            active,
            points: own,
            village_points,
        })
    };
    let save = move |_| {
        if let Some(update) = setting(active_here.get_untracked()) {
            asking.set(Some(update));
        }
    };
    let switch = move |_| {
        if let Some(update) = setting(!active_here.get_untracked()) {
            asking.set(Some(update));
        }
    };
    let question = move || {
        let update = asking.get()?;
        Some(if update.active != active_here.get() {
            t(
                locale.get(),
                match (update.active, county) {
                    (true, _) => Text::SwitchOnHereQuestion,
                    (false, true) => Text::SwitchOffCountyQuestion,
                    (false, false) => Text::SwitchOffHereQuestion,
                },
            )
            .to_owned()
        } else {
            let now = current.with_value(|r| r.points);
            let to = update
                .points
                .unwrap_or_else(|| current.with_value(|r| r.base_points));
            points_question(locale.get(), now, to)
        })
    };
    view! {
        <section class="card">
            <h2 class="card-title">{tr(if county { Text::CountySetting } else { Text::VillageSetting })}</h2>
            <p class="hint">{tr(if county { Text::CountySettingHint } else { Text::VillageSettingHint })}</p>
            <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); save(()); }>
                {move || may_set_points().then(|| view! {
                    <TextField label=Text::OwnPoints value=points placeholder=Text::SameAsRule name="own-points" kind=Kind::Integer max=4 testid="own-points" />
                    {(!county).then(|| current.with_value(|r| r.village_points).map(|r| view! {
                        <p class="hint">{village_bounds(locale.get(), r)}</p>
                    }))}
                })}
                {county.then(|| view! { <BoundsFields min=bounds_min max=bounds_max /> })}
                {move || problem.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
                {move || match question() {
                    Some(q) => view! {
                        <Confirm yes=Text::ConfirmSave yes_busy=Text::Saving no=Text::Cancel busy testid="confirm-rule"
                            on_yes=move || { if let Some(u) = asking.get_untracked() { send(u) } }
                            on_no=move || asking.set(None)>
                            {q}
                        </Confirm>
                    }.into_any(),
                    None => view! {
                        {move || may_set_points().then(|| view! {
                            <button class="primary wide" type="submit" disabled=move || busy.get() data-testid="save-rule">
                                {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::Save })}
                            </button>
                        })}
                        <button class="secondary wide" type="button" disabled=move || busy.get() on:click=switch data-testid="switch-rule">
                            {move || t(locale.get(), match (active_here.get(), county) {
                                (true, true) => Text::SwitchOffCounty,
                                (true, false) => Text::SwitchOffHere,
                                (false, _) => Text::SwitchOnHere,
                            })}
                        </button>
                    }.into_any(),
                }}
                {move || done.get().then(|| view! { <p class="form-notice" role="status">{tr(Text::Saved)}</p> })}
                {move || trouble.get().map(|failure| {
                    let text = rule_failure(&failure);
                    view! { <Trouble failure text retry=Callback::new(move |_| save(())) /> }
                })}
            </form>
        </section>
    }
}

/// The rule's changes as `place` sees them, newest first; read again after each change.
#[component]
fn History(id: i64, place: RegionCode, changed: RwSignal<u32>) -> impl IntoView {
    let session = use_session();
    let history = LocalResource::new(move || {
        changed.track();
        let get = RuleHistory {
            id,
            query: AdminRulesQuery {
                region_code: place.to_string(),
            },
        };
        async move { session.call(&get, &()).await }
    });
    view! {
        <h2 class="section-title">{tr(Text::RuleHistory)}</h2>
        {move || match history.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| history.refetch()) /> }.into_any()
            }
            Some(Ok(entries)) if entries.is_empty() => view! { <p class="empty">{tr(Text::NoRuleHistory)}</p> }.into_any(),
            Some(Ok(entries)) => view! {
                <ul class="list history" data-testid="rule-history">
                    {entries.into_iter().map(|e| view! { <HistoryRow entry=e /> }).collect_view()}
                </ul>
            }
                .into_any(),
        }}
    }
}

/// One change: what changed, who, when.
#[component]
fn HistoryRow(entry: AuditEntry) -> impl IntoView {
    let locale = use_locale();
    let who = entry.actor_name.clone().unwrap_or_default();
    let at = entry.created_at.clone();
    view! {
        <li class="row history-row">
            <span class="rule-text">
                <span class="row-name">{move || change_summary(locale.get(), &entry)}</span>
                <span class="person-sub">{move || format!("{who} · {}", crate::time::when(locale.get(), &at))}</span>
            </span>
        </li>
    }
}

/// A change in words: 创建; 积分 2 → 3; 停用; 本村停用; 本村积分 3…
pub fn change_summary(locale: crate::i18n::Locale, entry: &AuditEntry) -> String {
    use serde_json::Value;
    let zh = locale == crate::i18n::Locale::ZhCn;
    let get = |side: &Option<Value>, key: &str| {
        side.as_ref()
            .and_then(|v| v.get(key))
            .filter(|v| !v.is_null())
            .cloned()
    };
    let mut parts: Vec<String> = Vec::new();
    let region = RegionCode::parse(&entry.region_code).ok();
    // A setting is of a place ("本村停用"); the owner's change is of the rule itself.
    let here = match (entry.action.as_str(), region.map(|r| r.level())) {
        ("rule.setting", Some(RegionLevel::Village)) => {
            if zh {
                "本村"
            } else {
                "village "
            }
        }
        ("rule.setting", Some(RegionLevel::County)) => {
            if zh {
                "本县"
            } else {
                "county "
            }
        }
        _ => "",
    };
    match entry.action.as_str() {
        "rule.create" => parts.push(if zh { "新增".into() } else { "Added".into() }),
        _ => {
            let active = |side: &Option<Value>| {
                side.as_ref()
                    .map_or(Some(true), |v| v.get("active").and_then(Value::as_bool))
            };
            let (was, now) = (active(&entry.before), active(&entry.after));
            if was != now {
                parts.push(match (now, zh) {
                    (Some(false), true) => format!("{here}停用"),
                    (Some(false), false) => format!("{here}switched off"),
                    (_, true) => format!("{here}启用"),
                    (_, false) => format!("{here}switched on"),
                });
            }
            let (p0, p1) = (get(&entry.before, "points"), get(&entry.after, "points"));
            if p0 != p1 {
                let show = |p: Option<Value>| {
                    p.and_then(|v| v.as_i64()).map_or_else(
                        || {
                            if zh {
                                "原分值".to_owned()
                            } else {
                                "default".to_owned()
                            }
                        },
                        |n| n.to_string(),
                    )
                };
                parts.push(format!(
                    "{}{} {} → {}",
                    here,
                    if zh { "积分" } else { "points" },
                    show(p0),
                    show(p1)
                ));
            }
            for (key, zh_name, en_name) in [
                ("name", "名称", "name"),
                ("groups", "适用人员", "groups"),
                ("village_points", "各村范围", "village bounds"),
                ("daily_cap", "每日次数", "daily cap"),
                ("monthly_cap", "每月次数", "monthly cap"),
                ("needs_photo", "照片要求", "photo"),
                ("category", "类别", "category"),
            ] {
                if get(&entry.before, key) != get(&entry.after, key) {
                    parts.push(format!(
                        "{}{}",
                        if zh { "修改" } else { "changed " },
                        if zh { zh_name } else { en_name }
                    ));
                }
            }
            if parts.is_empty() {
                parts.push(if zh {
                    "修改".into()
                } else {
                    "Changed".into()
                });
            }
        }
    }
    parts.join(if zh { "；" } else { "; " })
}

/// A new rule of the place of the address, from the same boxes.
#[component]
fn NewRuleScreen(home: RegionCode) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let place = region_in_query(home);
    let fields = RuleFields::of(None);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Text>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let created = RwSignal::new(None::<String>);
    let submit = move || {
        problem.set(None);
        let place = place.get_untracked();
        if !is_rule_place(&place) {
            problem.set(Some(Text::ChooseVillage));
            return;
        }
        let checked = match fields.check(place.level() == RegionLevel::County) {
            Ok(c) => c,
            Err(text) => {
                problem.set(Some(text));
                return;
            }
        };
        let new = NewRule {
            // Admins do not think in codes: a stable one is made from the time.
            code: format!("r{}", js_sys::Date::now() as u64),
            name: checked.name,
            category: fields.category.get_untracked(),
            points: checked.points,
            needs_photo: fields.needs_photo.get_untracked(),
            daily_cap: checked.daily_cap,
            monthly_cap: checked.monthly_cap,
            region_code: place.to_string(),
            groups: fields.groups.get_untracked(),
            village_points: checked.village_points,
        };
        mutate(
            busy,
            async move { session.call(&CreateRule, &new).await },
            move |answer: Result<Rule, ApiFailure>| match answer {
                Ok(rule) => created.set(Some(format!("{PATH}/{}?region={place}", rule.id))),
                Err(failure) => trouble.set(Some(failure)),
            },
        );
    };
    let county = move || place.get().level() == RegionLevel::County;
    view! {
        {move || created.get().map(|path| view! { <leptos_router::components::Redirect path /> })}
        <h1 class="region-name">{tr(Text::NewRule)}</h1>
        <section class="card">
            <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit(); }>
                {move || view! { <RuleFieldsView fields county=county() /> }}
                {move || problem.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
                <button class="primary wide" type="submit" disabled=move || busy.get() data-testid="create-rule">
                    {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::AddRule })}
                </button>
                {move || trouble.get().map(|failure| {
                    let text = rule_failure(&failure);
                    view! { <Trouble failure text retry=Callback::new(move |_| submit()) /> }
                })}
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_checks_as_the_server_does() {
        let ok = check_rule(" 清理河道 ", "3", false, ("1", ""), ("", ""), false).unwrap();
        assert_eq!(
            (ok.name.as_str(), ok.points, ok.daily_cap, ok.monthly_cap),
            ("清理河道", 3, Some(1), None)
        );
        assert_eq!(
            check_rule("乱堆乱放", "5", true, ("", ""), ("", ""), false)
                .unwrap()
                .points,
            -5
        );
        assert_eq!(
            check_rule("", "3", false, ("", ""), ("", ""), false),
            Err(Text::RuleNameInvalid)
        );
        assert_eq!(
            check_rule(&"长".repeat(51), "3", false, ("", ""), ("", ""), false),
            Err(Text::RuleNameInvalid)
        );
        for points in ["0", "1001", "-3", "三", ""] {
            assert_eq!(
                check_rule("x", points, false, ("", ""), ("", ""), false),
                Err(Text::RulePointsInvalid),
                "{points}"
            );
        }
        assert_eq!(
            check_rule("x", "3", false, ("101", ""), ("", ""), false),
            Err(Text::RuleCapsInvalid)
        );
        assert_eq!(
            check_rule("x", "3", false, ("", "0"), ("", ""), false),
            Err(Text::RuleCapsInvalid)
        );
        let county = check_rule("x", "3", false, ("", ""), ("2", "6"), true).unwrap();
        assert_eq!(county.village_points, Some(PointsRange { min: 2, max: 6 }));
        let deduction = check_rule("x", "3", true, ("", ""), ("2", "6"), true).unwrap();
        assert_eq!(
            deduction.village_points,
            Some(PointsRange { min: -6, max: -2 })
        );
        assert_eq!(
            check_rule("x", "3", false, ("", ""), ("6", "2"), true),
            Err(Text::RuleBoundsInvalid)
        );
        assert_eq!(
            check_rule("x", "3", false, ("", ""), ("2", ""), true),
            Err(Text::RuleBoundsInvalid)
        );
        assert_eq!(
            check_rule("x", "3", false, ("", ""), ("2", "6"), false)
                .unwrap()
                .village_points,
            None
        );
    }

    #[test]
    fn changes_are_told_in_words() {
        let entry = |action: &str,
                     region: &str,
                     before: serde_json::Value,
                     after: serde_json::Value| AuditEntry {
            id: 1,
            actor_id: None,
            actor_name: None,
            action: action.into(),
            region_code: region.into(),
            region_name: None,
            target: "rule:1".into(),
            before: (!before.is_null()).then_some(before),
            after: (!after.is_null()).then_some(after),
            created_at: String::new(),
        };
        let zh = crate::i18n::Locale::ZhCn;
        assert_eq!(
            change_summary(
                zh,
                &entry(
                    "rule.create",
                    "410783",
                    serde_json::Value::Null,
                    serde_json::json!({})
                )
            ),
            "新增"
        );
        assert_eq!(
            change_summary(
                zh,
                &entry(
                    "rule.update",
                    "410783",
                    serde_json::json!({"active": true, "points": 2}),
                    serde_json::json!({"active": true, "points": 3})
                )
            ),
            "积分 2 → 3"
        );
        assert_eq!(
            change_summary(
                zh,
                &entry(
                    "rule.setting",
                    "410783101230",
                    serde_json::Value::Null,
                    serde_json::json!({"active": false, "points": null})
                )
            ),
            "本村停用"
        );
    }
}
