//! 评分/扣分 (`/admin/awards`): an admin awards or deducts points to villagers of their region
//! in one batch.
//!
//! 1. 选村民: the region's people, first ones first, found by part of a name or a whole
//!    mobile number (as on 人员); a tap ticks a person, 全选本页 ticks the listed ones. The
//!    ticked stay ticked across searches (shown as chips, ✕ to untick).
//! 2. 积分: 奖励 or 扣分, then a rule of the place (its points and name, the server applies
//!    the village's own points) or 自定分值 with a reason.
//! 3. 预览 (`POST /admin/awards/preview`): each person's points now and after; a deduction
//!    larger than what someone holds shows the shortfall in red before anything is sent
//!    (the ledger never goes below zero: they lose what they have).
//! 4. 确认 (`POST /admin/awards`) with one `Idempotency-Key` made at the preview: a tap that
//!    timed out and is tapped again awards once; any change after the preview asks for a new
//!    one.

use jifen_shared::api::{
    AdminRules, Award, AwardLimitsOf, ListRules, PreviewAward, SetAwardLimits,
};
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::people::PersonListing;
use jifen_shared::points::{
    AdminRulesQuery, AwardLimits, AwardPreview, AwardRequest, AwardResult, Rule, RulesQuery,
};
use jifen_shared::regions::RegionCode;
use leptos::prelude::*;

use super::AdminFrame;
use super::grid::{Lookup, lookup, people, phone_of};
use crate::components::{Choice, Kind, TextField, mutate};
use crate::i18n::{Text, t, tr, use_locale};
use crate::pages::paged::{Load, LoadMore, PAGE_SIZE, Paged};
use crate::pages::{ListSkeleton, Trouble, explain};
use crate::session::use_session;

/// Where the screen lives.
pub const PATH: &str = "/admin/awards";

/// The most points a batch moves per villager (the server's limit).
const MAX_POINTS: i64 = 1000;

/// `/admin/awards`.
#[component]
pub fn AwardsPage() -> impl IntoView {
    view! { <AdminFrame grid_workers=true screen=|grant: RoleGrant| view! { <AwardsScreen grant /> } /> }
}

/// Where the screen stands.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Choosing people and points.
    Choosing,
    /// The preview shown, sent with this key on 确认.
    Previewed(AwardPreview, String),
    /// Sent: the preview it confirmed and the answer.
    Done(AwardPreview, AwardResult),
}

#[component]
fn AwardsScreen(grant: RoleGrant) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let home = grant.region_code.clone();
    // A grid worker awards (never deducts) their grid's villagers, by the village's rules.
    let worker = grant.role == Role::GridWorker;
    let chosen = RwSignal::new(Vec::<(i64, String)>::new());
    let deduction = RwSignal::new(false);
    // `None`: 自定分值.
    let rule = RwSignal::new(None::<i64>);
    let points = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let step = RwSignal::new(Step::Choosing);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    // Any change after a preview asks for a new one (and so a new key), and settles what was
    // said about the form before it.
    Effect::new(move |_| {
        chosen.track();
        deduction.track();
        rule.track();
        points.track();
        reason.track();
        trouble.set(None);
        if matches!(step.get_untracked(), Step::Previewed(..)) {
            step.set(Step::Choosing);
        }
    });

    let rules = {
        let home = home.clone();
        LocalResource::new(move || {
            let home = home.clone();
            async move {
                if worker {
                    let village = home.parent().unwrap_or(home);
                    let get = ListRules {
                        query: RulesQuery {
                            village_code: village.to_string(),
                        },
                    };
                    session.call(&get, &()).await
                } else {
                    let get = AdminRules {
                        query: AdminRulesQuery {
                            region_code: home.to_string(),
                        },
                    };
                    session.call(&get, &()).await
                }
            }
        })
    };
    // The active rules of the sign chosen.
    let offered = move || -> Vec<Rule> {
        let minus = deduction.get();
        match rules.get() {
            Some(Ok(all)) => all
                .into_iter()
                .filter(|r| r.active && (r.points < 0) == minus)
                .collect(),
            _ => Vec::new(),
        }
    };

    let request = move || -> Result<AwardRequest, Text> {
        let user_ids: Vec<i64> = chosen.get_untracked().iter().map(|(id, _)| *id).collect();
        if user_ids.is_empty() {
            return Err(Text::AwardNobody);
        }
        let reason = reason.get_untracked().trim().to_owned();
        match rule.get_untracked() {
            Some(id) => Ok(AwardRequest {
                user_ids,
                rule_id: Some(id),
                points: None,
                reason,
            }),
            None => {
                let n = points
                    .get_untracked()
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=MAX_POINTS).contains(n))
                    .ok_or(Text::AwardPointsRange)?;
                if reason.is_empty() {
                    return Err(Text::AwardReasonNeeded);
                }
                Ok(AwardRequest {
                    user_ids,
                    rule_id: None,
                    points: Some(if deduction.get_untracked() { -n } else { n }),
                    reason,
                })
            }
        }
    };
    let preview = move || {
        trouble.set(None);
        let body = match request() {
            Ok(body) => body,
            Err(text) => return trouble.set(Some(text)),
        };
        let call = async move { session.call(&PreviewAward, &body).await };
        mutate(busy, call, move |answer| match answer {
            Ok(preview) => {
                step.set(Step::Previewed(preview, crate::draft::new_key()));
            }
            Err(failure) => {
                trouble.try_set(Some(refusal(&failure)));
            }
        });
    };
    let confirm = move || {
        let Step::Previewed(shown, key) = step.get_untracked() else {
            return;
        };
        let Ok(body) = request() else { return };
        trouble.set(None);
        let call = async move { session.call_once(&Award, &body, &key).await };
        mutate(busy, call, move |answer| match answer {
            Ok(result) => {
                chosen.set(Vec::new());
                step.set(Step::Done(shown, result));
            }
            Err(failure) => {
                trouble.try_set(Some(refusal(&failure)));
            }
        });
    };

    view! {
        <h1 class="region-name">{tr(Text::AwardsTitle)}</h1>
        <p class="hint">{tr(if worker { Text::AwardsHintGrid } else { Text::AwardsHint })}</p>
        {(worker || grant.role == Role::CountyAdmin).then(|| view! { <Limits grant=grant.clone() changed=step /> })}
        {move || match step.get() {
            Step::Done(shown, result) => view! { <Done shown result again=Callback::new(move |_| step.set(Step::Choosing)) /> }.into_any(),
            Step::Previewed(shown, _) => view! {
                <PreviewCard shown />
                {move || trouble.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
                <div class="award-actions">
                    <button class="secondary" type="button" on:click=move |_| step.set(Step::Choosing)>{tr(Text::AwardChange)}</button>
                    <button class="primary" type="button" data-testid="award-confirm" disabled=move || busy.get() on:click=move |_| confirm()>
                        {move || t(locale.get(), match (busy.get(), deduction.get()) {
                            (true, _) => Text::Saving,
                            (false, true) => Text::ConfirmDeduct,
                            (false, false) => Text::ConfirmAward,
                        })}
                    </button>
                </div>
            }.into_any(),
            Step::Choosing => view! {
                <h2 class="section-title">{tr(Text::AwardWhat)}</h2>
                <div class="card award-points">
                    <Show when=move || !worker>
                    <div class="choices" role="radiogroup">
                        <Choice class="choice" testid="award-plus" chosen=Signal::derive(move || !deduction.get()) choose=move |_| { deduction.set(false); rule.set(None); }>{tr(Text::AwardPlus)}</Choice>
                        <Choice class="choice" testid="award-minus" chosen=Signal::derive(move || deduction.get()) choose=move |_| { deduction.set(true); rule.set(None); }>{tr(Text::DeductPoints)}</Choice>
                    </div>
                    </Show>
                    <label class="field">
                        <span class="field-label">{tr(Text::AwardByRule)}</span>
                        <select class="input" data-testid="award-rule" on:change=move |ev| rule.set(event_target_value(&ev).parse().ok())>
                            <option value="" selected=move || rule.get().is_none()>{tr(Text::AwardOwnAmount)}</option>
                            <For each=offered key=|r| r.id children=move |r: Rule| {
                                let label = format!("{}（{:+}）", r.name, r.points);
                                view! { <option value=r.id.to_string() selected=move || rule.get() == Some(r.id)>{label}</option> }
                            } />
                        </select>
                    </label>
                    <Show when=move || rule.get().is_none()>
                        <TextField label=Text::AwardAmount value=points placeholder=Text::AwardAmountPlaceholder name="award-points" kind=Kind::Integer max=4 testid="award-amount" />
                    </Show>
                    <TextField label=Text::AwardReason value=reason placeholder=Text::AwardReasonPlaceholder name="award-reason" max=100 testid="award-reason" />
                </div>
                <h2 class="section-title">{tr(Text::AwardWho)}</h2>
                <Chosen chosen />
                <Pick home=home.clone() chosen />
                <div class="sticky-actions">
                    {move || trouble.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
                    <button class="primary" type="button" data-testid="award-preview" disabled=move || busy.get() on:click=move |_| preview()>
                        {move || crate::i18n::award_preview_button(locale.get(), chosen.with(Vec::len))}
                    </button>
                </div>
            }.into_any(),
        }}
    }
}

/// 网格员评分限额: a grid worker reads theirs and what they awarded today (read again after
/// each batch: `changed`); a county admin sets the county's.
#[component]
fn Limits(grant: RoleGrant, changed: RwSignal<Step>) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let county = grant
        .region_code
        .county()
        .unwrap_or(grant.region_code.clone());
    let worker = grant.role == Role::GridWorker;
    let read = {
        let county = county.clone();
        LocalResource::new(move || {
            changed.track();
            let get = AwardLimitsOf {
                county_code: county.to_string(),
            };
            async move { session.call(&get, &()).await }
        })
    };
    let county_code = StoredValue::new(county.to_string());
    let daily = RwSignal::new(String::new());
    let villager = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(l)) = read.get() {
            daily.set(l.daily_points.to_string());
            villager.set(l.villager_daily_points.to_string());
        }
    });
    let busy = RwSignal::new(false);
    let said = RwSignal::new(None::<(bool, Text)>);
    let save = move || {
        said.set(None);
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().ok();
        let (Some(d), Some(v)) = (number(daily), number(villager)) else {
            return said.set(Some((false, Text::LimitsInvalid)));
        };
        if !(0..=10_000).contains(&d) || !(0..=MAX_POINTS).contains(&v) || v > d {
            return said.set(Some((false, Text::LimitsInvalid)));
        }
        let set = SetAwardLimits {
            county_code: county_code.get_value(),
        };
        let body = AwardLimits {
            daily_points: d,
            villager_daily_points: v,
            used_today: None,
        };
        let call = async move { session.call(&set, &body).await };
        mutate(busy, call, move |answer| match answer {
            Ok(_) => {
                said.try_set(Some((true, Text::Saved)));
            }
            Err(failure) => {
                said.try_set(Some((false, explain(&failure))));
            }
        });
    };
    view! {
        {move || match read.get() {
            Some(Ok(l)) if worker => view! {
                <p class="card award-limits" data-testid="award-limits" class:form-notice=l.daily_points == 0 class:error=l.daily_points == 0>
                    {crate::i18n::award_limits_line(locale.get(), &l)}
                </p>
            }.into_any(),
            Some(Ok(_)) => view! {
                <details class="card award-limits">
                    <summary data-testid="award-limits-open">{tr(Text::LimitsTitle)}</summary>
                    <p class="hint">{tr(Text::LimitsHint)}</p>
                    <div class="field-pair">
                        <TextField label=Text::LimitsDaily value=daily placeholder=Text::LimitsZero name="limit-daily" kind=Kind::Integer max=5 testid="limit-daily" />
                        <TextField label=Text::LimitsVillager value=villager placeholder=Text::LimitsZero name="limit-villager" kind=Kind::Integer max=4 testid="limit-villager" />
                    </div>
                    {move || said.get().map(|(ok, text)| view! { <p class="form-notice" class:error=!ok role="status">{tr(text)}</p> })}
                    <button class="primary" type="button" data-testid="limit-save" disabled=move || busy.get() on:click=move |_| save()>{tr(Text::Save)}</button>
                </details>
            }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// What a refused preview or award says: over a grid worker's limits, someone not theirs to
/// award, or what [`explain`] says.
fn refusal(failure: &crate::api::ApiFailure) -> Text {
    match failure.code() {
        Some(jifen_shared::ErrorCode::LimitReached) => Text::AwardOverLimit,
        Some(jifen_shared::ErrorCode::Forbidden) => Text::AwardNotYours,
        _ => explain(failure),
    }
}

/// The ticked people as chips, ✕ to untick.
#[component]
fn Chosen(chosen: RwSignal<Vec<(i64, String)>>) -> impl IntoView {
    view! {
        <div class="chips" data-testid="award-chosen">
            <For each=move || chosen.get() key=|(id, _)| *id children=move |(id, name)| view! {
                <button type="button" class="pick-chip" on:click=move |_| chosen.update(|c| c.retain(|(i, _)| *i != id))>
                    {name}" ✕"
                </button>
            } />
        </div>
    }
}

/// The region's people to tick, found by name or number.
#[component]
fn Pick(home: RegionCode, chosen: RwSignal<Vec<(i64, String)>>) -> impl IntoView {
    let locale = use_locale();
    let typed = RwSignal::new(String::new());
    let wanted = RwSignal::new(Lookup::Everyone);
    let hint = RwSignal::new(None::<Text>);
    let found = Paged::<PersonListing>::new(
        move |cursor| people(&home, &wanted.get_untracked(), PAGE_SIZE, cursor),
        |p| p.id,
    );
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
    // Villagers only (staff of no village are not awarded), open accounts, never oneself.
    let session = use_session();
    let listed = move || {
        let me = session.me.with(|m| m.as_ref().map(|m| m.id));
        found
            .items
            .get()
            .into_iter()
            .filter(|p| p.village_code.is_some() && p.closed.is_none() && Some(p.id) != me)
            .collect::<Vec<_>>()
    };
    let tick_all = move |_| {
        let all = listed();
        chosen.update(|c| {
            for p in all {
                if !c.iter().any(|(id, _)| *id == p.id) {
                    c.push((p.id, p.name));
                }
            }
        });
    };
    view! {
        <form class="find card" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); find(); }>
            <TextField label=Text::FindVillager value=typed placeholder=Text::FindPlaceholder name="find" kind=Kind::Search max=50 row="find-row" testid="award-find">
                <button class="secondary" type="submit">{tr(Text::Find)}</button>
            </TextField>
            {move || hint.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
        </form>
        {move || match found.first.get() {
            Load::Busy if found.items.with(Vec::is_empty) => view! { <ListSkeleton /> }.into_any(),
            Load::Failed(failure) => {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| found.reload()) /> }.into_any()
            }
            _ if listed().is_empty() => view! { <p class="empty">{tr(Text::NoPeopleFound)}</p> }.into_any(),
            _ => view! {
                <div class="section-head">
                    <span class="hint">{tr(Text::AwardTapToTick)}</span>
                    <button class="secondary small" type="button" data-testid="award-tick-all" on:click=tick_all>{tr(Text::AwardTickAll)}</button>
                </div>
                <ul class="list award-people" data-testid="award-people">
                    <For each=listed key=|p| p.id children=move |p: PersonListing| {
                        let (id, name) = (p.id, p.name.clone());
                        let ticked = move || chosen.with(|c| c.iter().any(|(i, _)| *i == id));
                        let phone = phone_of(p.phone.as_deref());
                        view! {
                            <li>
                                <label class="row award-person">
                                    <input type="checkbox" prop:checked=ticked on:change=move |_| {
                                        let name = name.clone();
                                        chosen.update(|c| if c.iter().any(|(i, _)| *i == id) { c.retain(|(i, _)| *i != id) } else { c.push((id, name)) });
                                    } />
                                    <span class="person-text">
                                        <span class="person-name">{p.name.clone()}</span>
                                        <span class="person-sub">{phone}{p.household.map(|h| format!(" · {} {h}", t(locale.get_untracked(), Text::Household)))}</span>
                                    </span>
                                </label>
                            </li>
                        }
                    } />
                </ul>
            }.into_any(),
        }}
        <LoadMore paged=found />
    }
}

/// The preview: the points, the reason, each person now → after, shortfalls in red.
#[component]
fn PreviewCard(shown: AwardPreview) -> impl IntoView {
    let locale = use_locale();
    let short = shown.villagers.iter().filter(|v| v.shortfall > 0).count();
    let (points, reason, count) = (shown.points, shown.reason.clone(), shown.villagers.len());
    view! {
        <div class="card award-preview" data-testid="award-preview-card">
            <p class="row-name">{move || crate::i18n::award_summary(locale.get(), count, points, &reason)}</p>
            {(short > 0).then(|| view! {
                <p class="form-notice error" role="alert">{move || crate::i18n::award_shortfalls(locale.get(), short)}</p>
            })}
            <ul class="list">
                {shown.villagers.into_iter().map(|v| {
                    let line = move || crate::i18n::award_line(locale.get(), v.available, v.after, v.shortfall);
                    let short = v.shortfall > 0;
                    view! {
                        <li class="row award-line" class:short=short data-testid="award-line">
                            <span class="person-name">{v.name.clone()}</span>
                            <span class="person-sub">{line}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </div>
    }
}

/// After sending: what was done, the shortfalls met, and the way to a new batch.
#[component]
fn Done(shown: AwardPreview, result: AwardResult, again: Callback<()>) -> impl IntoView {
    let locale = use_locale();
    let count = shown.villagers.len();
    let (points, reason) = (shown.points, shown.reason.clone());
    let short = result
        .shortfalls
        .iter()
        .filter(|s| s.deducted < s.wanted)
        .count();
    view! {
        <div class="card award-done" role="status" data-testid="award-done">
            <p class="row-name">{move || crate::i18n::award_done(locale.get(), count, points, &reason)}</p>
            {(short > 0).then(|| view! { <p class="hint">{move || crate::i18n::award_shortfalls(locale.get(), short)}</p> })}
            <button class="primary" type="button" on:click=move |_| again.run(())>{tr(Text::AwardAgain)}</button>
        </div>
    }
}
