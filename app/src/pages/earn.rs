//! 挣积分: what earns points in the villager's village, and the claim (申报) for one of them.
//!
//! `/earn` lists the village's active rules with positive points (`GET /rules`, public) by
//! category, each with its points, 需要照片 when a photo is needed, how often it counts, and
//! 有草稿 when a draft waits on this phone.
//!
//! `/earn/{rule id}` is the claim: an optional note (at most [`MAX_NOTE_CHARS`]), up to
//! [`MAX_PHOTOS`] photos ([`super::photos::PhotoPicker`]: taken with the camera or chosen from
//! the album, shrunk in the browser and uploaded at once with a progress bar each and 重试 on
//! failure) — and 提交申报 (`POST /claims` with the
//! draft's `Idempotency-Key`). Everything typed and uploaded is kept in the draft
//! ([`crate::draft`]) as it happens; a claim that failed for the network is sent again by
//! itself when the phone is back online.

use std::cell::RefCell;

use jifen_shared::ErrorCode;
use jifen_shared::api::{CreateClaim, ListRules};
use jifen_shared::points::{Claim, NewClaim, Rule, RuleCategory, RulesQuery};
use leptos::prelude::*;

use super::claims::StatusChip;
use super::{ListSkeleton, TabbedScreen, explain, require_sign_in};
use crate::api::{self, ApiFailure};
use crate::components::{
    DoneCard, DraftForm, DraftFormView, NoteField, chevron, in_village, in_village_with,
    load_trouble, notice, path_id,
};
use crate::draft::{self, ClaimDraft, FormDraft};
use crate::i18n::{Text, caps, category_name, rule_points, signed, tr, use_locale};

/// The longest note, in characters (the server's limit).
pub const MAX_NOTE_CHARS: usize = 500;
/// The most photos one claim carries (the server's limit).
pub use super::photos::MAX_PHOTOS;

thread_local! {
    /// The last rules read, by village: the claim screen opens at once from the list.
    static RULES: RefCell<Option<(String, Vec<Rule>)>> = const { RefCell::new(None) };
}

/// `GET /rules?village_code=…`, remembered for the claim screen.
async fn fetch_rules(village: String) -> Result<Vec<Rule>, ApiFailure> {
    let list = ListRules {
        query: RulesQuery {
            village_code: village.clone(),
        },
    };
    let rules = api::call(&list, &(), None).await?;
    RULES.with(|cache| *cache.borrow_mut() = Some((village, rules.clone())));
    Ok(rules)
}

/// The rules of `village`, remembered or read.
async fn rules_of(village: String) -> Result<Vec<Rule>, ApiFailure> {
    let cached = RULES.with(|cache| {
        cache
            .borrow()
            .as_ref()
            .filter(|(v, _)| *v == village)
            .map(|(_, rules)| rules.clone())
    });
    match cached {
        Some(rules) => Ok(rules),
        None => fetch_rules(village).await,
    }
}

/// Whether a villager can claim `rule`: in use, and it earns points.
pub fn earnable(rule: &Rule) -> bool {
    rule.active && rule.points > 0
}

/// `/earn`: the village's earnable rules, for the signed-in person.
#[component]
pub fn EarnPage() -> impl IntoView {
    require_sign_in();
    view! {
        <TabbedScreen>
            {in_village(|person, village| view! { <RuleList village person /> })}
        </TabbedScreen>
    }
}

/// The village's earnable rules by category.
#[component]
fn RuleList(village: String, person: i64) -> impl IntoView {
    let locale = use_locale();
    let rules = LocalResource::new(move || fetch_rules(village.clone()));
    view! {
        <h1 class="region-name">{tr(Text::Earn)}</h1>
        <p class="hint">{tr(Text::EarnHint)}</p>
        {move || match rules.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, rules),
            Some(Ok(rules)) => {
                let earnable: Vec<Rule> = rules.into_iter().filter(earnable).collect();
                if earnable.is_empty() {
                    return view! { <p class="empty">{tr(Text::NoRules)}</p> }.into_any();
                }
                RuleCategory::ALL
                    .into_iter()
                    .filter_map(|category| {
                        let of: Vec<Rule> = earnable.iter().filter(|r| r.category == category).cloned().collect();
                        (!of.is_empty()).then(|| view! {
                            <h2 class="section-title">{move || category_name(locale.get(), category)}</h2>
                            <ul class="list rules">
                                {of.into_iter().map(|rule| view! { <RuleRow rule person /> }).collect_view()}
                            </ul>
                        })
                    })
                    .collect_view()
                    .into_any()
            }
        }}
    }
}

/// One rule: name, points, 需要照片, how often, 有草稿.
#[component]
fn RuleRow(rule: Rule, person: i64) -> impl IntoView {
    let locale = use_locale();
    let has_draft = draft::claim(person, rule.id)
        .load()
        .is_some_and(|d| !d.is_blank());
    let Rule {
        id,
        code,
        name,
        points,
        needs_photo,
        daily_cap,
        monthly_cap,
        groups,
        ..
    } = rule;
    view! {
        <li>
            <a class="row rule" href=format!("/earn/{id}") data-testid="rule-item" data-rule=code>
                <span class="rule-text">
                    <span class="row-name">{name}</span>
                    <span class="rule-tags">
                        {needs_photo.then(|| view! {
                            <span class="badge photo" data-testid="needs-photo">{tr(Text::NeedsPhoto)}</span>
                        })}
                        {has_draft.then(|| view! {
                            <span class="badge draft">{tr(Text::HasDraft)}</span>
                        })}
                        {(!groups.is_empty()).then(|| view! {
                            <span class="badge" data-testid="rule-groups">{tr(Text::OnlyFor)}" "{groups.join("、")}</span>
                        })}
                        {move || caps(locale.get(), daily_cap, monthly_cap).map(|c| view! { <span class="rule-caps">{c}</span> })}
                    </span>
                </span>
                <span class="rule-points">{signed(points)}</span>
                {chevron()}
            </a>
        </li>
    }
}

/// `/earn/{rule id}`: the claim for one rule.
#[component]
pub fn ClaimPage() -> impl IntoView {
    require_sign_in();
    let rule_id = path_id("rule");
    view! {
        <TabbedScreen>
            <nav class="crumbs">
                <a class="crumb" href="/earn">"‹ "{tr(Text::Earn)}</a>
            </nav>
            {in_village_with(
                rule_id,
                (Text::RuleNotFound, "/earn", Text::Earn),
                |person, village, rule| view! { <ClaimLoader village person rule /> },
            )}
        </TabbedScreen>
    }
}

/// Finds the rule, then the claim form for it.
#[component]
fn ClaimLoader(village: String, person: i64, rule: i64) -> impl IntoView {
    let rules = LocalResource::new(move || rules_of(village.clone()));
    move || match rules.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some(Err(failure)) => load_trouble(failure, rules),
        Some(Ok(rules)) => match rules.into_iter().find(|r| r.id == rule) {
            None => notice(Text::RuleNotFound, "/earn", Text::Earn).into_any(),
            Some(found) if !earnable(&found) => {
                let had_draft = draft::claim(person, rule).load().is_some();
                view! {
                    <h1 class="region-name">{found.name}</h1>
                    <div class="notice" role="alert">
                        <p class="notice-text">{tr(Text::RuleInactive)}</p>
                        <a
                            class="primary"
                            href="/earn"
                            on:click=move |_| if had_draft { draft::claim(person, rule).clear() }
                        >
                            {tr(Text::Earn)}
                        </a>
                    </div>
                }
                .into_any()
            }
            Some(found) => view! { <ClaimForm rule=found person /> }.into_any(),
        },
    }
}

/// What a failed claim means.
fn claim_trouble(failure: &ApiFailure) -> Text {
    match failure {
        ApiFailure::Network => Text::DraftKept,
        f => match f.code() {
            Some(ErrorCode::IdempotencyConflict) => Text::AlreadySubmitted,
            Some(ErrorCode::Forbidden) => Text::NotAVillager,
            Some(ErrorCode::NotFound) => Text::RuleNotFound,
            _ => explain(f),
        },
    }
}

/// The claim for `rule`: note, photos, 提交申报; then 已提交 with the way to 我的申报.
#[component]
fn ClaimForm(rule: Rule, person: i64) -> impl IntoView {
    let locale = use_locale();
    let rule_id = rule.id;
    let needs_photo = rule.needs_photo;
    let form = DraftForm::<ClaimDraft, Claim>::new(draft::claim(person, rule_id));
    let submit = Callback::new(move |_| {
        form.submit(
            CreateClaim,
            |current| (needs_photo && current.photo_ids.is_empty()).then_some(Text::NeedPhotoFirst),
            |current| NewClaim {
                rule_id,
                note: current.note.trim().to_owned(),
                photo_ids: current.photo_ids.clone(),
            },
        )
    });
    form.resend_when_online(submit);
    let note = form.text(|d| &d.note, |d, note| d.note = note);

    let Rule {
        name,
        category,
        points,
        daily_cap,
        monthly_cap,
        ..
    } = rule;
    let editor = view! {
        <h1 class="region-name">{name}</h1>
        <p class="region-meta rule-meta">
            <span class="badge">{move || category_name(locale.get(), category)}</span>
            <span class="rule-points">{move || rule_points(locale.get(), points)}</span>
            {needs_photo.then(|| view! {
                <span class="badge photo">{tr(Text::NeedsPhoto)}</span>
            })}
        </p>
        {move || caps(locale.get(), daily_cap, monthly_cap).map(|c| view! { <p class="hint">{c}</p> })}
        <DraftFormView
            form
            submit
            photos_required=needs_photo
            trouble=claim_trouble
            error_testid="claim-error"
            sent_already=("/claims", Text::SeeMyClaims)
            submit_text=Text::SubmitClaim
            submit_testid="claim-submit"
            start_over=true
        >
            <NoteField label=Text::Note value=note placeholder=Text::NotePlaceholder max=MAX_NOTE_CHARS name="note" testid="claim-note" />
        </DraftFormView>
    };
    form.until_sent(editor, |claim| view! { <ClaimSent claim /> })
}

/// 已提交: the claim waits for review; the ways on (and, made for a villager by a proxy, the
/// receipt).
#[component]
fn ClaimSent(claim: Claim) -> impl IntoView {
    let locale = use_locale();
    let Claim {
        rule_name,
        points,
        status,
        proxy,
        ..
    } = claim;
    view! {
        {proxy.map(|note| view! { <crate::proxy::ProxyDone note submitted=true /> })}
        <DoneCard
            testid="claim-success"
            title=Text::ClaimSent
            hint=Text::ClaimSentHint
            follow=("/claims", "see-my-claims", Text::SeeMyClaims)
            again=("/earn", Text::EarnMore)
        >
            <p class="done-rule">
                <span>{rule_name}</span>
                <span class="rule-points">{move || rule_points(locale.get(), points)}</span>
            </p>
            <StatusChip status points />
        </DoneCard>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(points: i64, active: bool) -> Rule {
        Rule {
            id: 1,
            code: "filial_piety".into(),
            name: "孝老爱亲".into(),
            category: RuleCategory::Virtue,
            points,
            needs_photo: false,
            daily_cap: None,
            monthly_cap: Some(2),
            active,
            region_code: None,
            groups: Vec::new(),
            base_points: points,
            base_active: active,
            village_points: None,
            settings: Vec::new(),
        }
    }

    #[test]
    fn only_active_rules_that_earn_are_claimed() {
        assert!(earnable(&rule(5, true)));
        assert!(!earnable(&rule(5, false)));
        assert!(!earnable(&rule(-3, true)));
        assert!(!earnable(&rule(0, true)));
    }

    #[test]
    fn failures_are_said_plainly() {
        let server = |code| {
            ApiFailure::Server(jifen_shared::ApiErrorBody {
                code,
                message: String::new(),
            })
        };
        assert_eq!(claim_trouble(&ApiFailure::Network), Text::DraftKept);
        assert_eq!(
            claim_trouble(&server(ErrorCode::PhotoRequired)),
            Text::PhotoRequired
        );
        assert_eq!(
            claim_trouble(&server(ErrorCode::CapReached)),
            Text::CapReached
        );
        assert_eq!(
            claim_trouble(&server(ErrorCode::IdempotencyConflict)),
            Text::AlreadySubmitted
        );
    }
}
