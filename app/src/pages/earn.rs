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
use super::photos::{PhotoPicker, Photos};
use super::{ListSkeleton, TabbedScreen, explain, require_sign_in, worth_retrying};
use crate::api::{self, ApiFailure};
use crate::components::{chevron, in_village, in_village_with, load_trouble, notice, path_id};
use crate::draft::{self, ClaimDraft};
use crate::i18n::{Text, caps, category_name, char_count, rule_points, signed, t, tr, use_locale};
use crate::session::use_session;

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

/// Where the claim stands.
#[derive(Debug, Clone, PartialEq)]
enum Phase {
    Editing,
    Sending,
    Sent(Box<Claim>),
    Failed(ApiFailure),
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
    let session = use_session();
    let rule_id = rule.id;
    let needs_photo = rule.needs_photo;
    let stored = draft::claim(person, rule_id);
    let saved = stored.load();
    // A draft found here may have been sent already (its answer lost): keep its key whatever
    // happens to its contents.
    let sent_once = StoredValue::new(saved.is_some());
    let draft = RwSignal::new(saved.unwrap_or_default());
    let phase = RwSignal::new(Phase::Editing);
    let hint = RwSignal::new(None::<Text>);

    let persist = move || {
        let current = draft.get_untracked();
        if current.is_blank() && !sent_once.get_value() {
            stored.clear();
        } else {
            stored.save(&current);
        }
    };
    // The draft's photos are the uploaded ones, in the order taken; one uploaded after the
    // villager went back is kept in the stored draft all the same.
    let photos = Photos::new(
        draft.get_untracked().photo_ids,
        move |ids| {
            draft.update(|d| d.photo_ids = ids);
            persist();
        },
        move |id| {
            let mut kept = stored.load().unwrap_or_default();
            if !kept.photo_ids.contains(&id) && kept.photo_ids.len() < MAX_PHOTOS {
                kept.photo_ids.push(id);
                stored.save(&kept);
            }
        },
    );

    let submit = move || {
        if phase.get_untracked() == Phase::Sending {
            return;
        }
        if photos.busy() {
            hint.set(Some(Text::WaitForUploads));
            return;
        }
        let photo_ids = photos.uploaded();
        if needs_photo && photo_ids.is_empty() {
            hint.set(Some(Text::NeedPhotoFirst));
            return;
        }
        hint.set(None);
        // The key goes to storage before the request does: a reload after a lost answer sends
        // the same key again.
        sent_once.set_value(true);
        draft.update(|d| d.photo_ids = photo_ids.clone());
        persist();
        let current = draft.get_untracked();
        let body = NewClaim {
            rule_id,
            note: current.note.trim().to_owned(),
            photo_ids,
        };
        phase.set(Phase::Sending);
        leptos::task::spawn_local(async move {
            let result = session
                .authed(|token| {
                    let (body, key) = (body.clone(), current.key.clone());
                    async move { api::call_once(&CreateClaim, &body, &token, &key).await }
                })
                .await;
            match result {
                Ok(claim) => {
                    stored.clear();
                    phase.try_set(Phase::Sent(Box::new(claim)));
                    // The answer replaces the form: show it from its top.
                    window().scroll_to_with_x_and_y(0.0, 0.0);
                }
                Err(failure) => {
                    if failure.code() == Some(ErrorCode::IdempotencyConflict) {
                        stored.clear();
                    }
                    phase.try_set(Phase::Failed(failure));
                }
            }
        });
    };

    let start_over = move |_| {
        stored.clear();
        sent_once.set_value(false);
        draft.set(ClaimDraft::new());
        photos.clear();
        hint.set(None);
        phase.set(Phase::Editing);
    };

    // Back online: send what failed for the network.
    let online = window_event_listener(leptos::ev::online, move |_| {
        photos.retry_offline();
        if phase.get_untracked() == Phase::Failed(ApiFailure::Network) {
            submit();
        }
    });
    on_cleanup(move || online.remove());

    let sending = Memo::new(move |_| phase.get() == Phase::Sending);
    let note_len = Memo::new(move |_| draft.with(|d| d.note.chars().count()));
    let kept = Memo::new(move |_| draft.with(|d| !d.is_blank()));

    let Rule {
        name,
        category,
        points,
        daily_cap,
        monthly_cap,
        ..
    } = rule;
    let title = name.clone();
    let form = view! {
        <h1 class="region-name">{title}</h1>
        <p class="region-meta rule-meta">
            <span class="badge">{move || category_name(locale.get(), category)}</span>
            <span class="rule-points">{move || rule_points(locale.get(), points)}</span>
            {needs_photo.then(|| view! {
                <span class="badge photo">{tr(Text::NeedsPhoto)}</span>
            })}
        </p>
        {move || caps(locale.get(), daily_cap, monthly_cap).map(|c| view! { <p class="hint">{c}</p> })}
        <form class="form claim-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit(); }>
            <label class="field">
                <span class="field-label">{tr(Text::Note)}</span>
                <textarea
                    class="input textarea"
                    name="note"
                    rows="3"
                    maxlength=MAX_NOTE_CHARS.to_string()
                    data-testid="claim-note"
                    prop:placeholder=move || t(locale.get(), Text::NotePlaceholder)
                    prop:value=move || draft.with(|d| d.note.clone())
                    on:input=move |ev| {
                        let note: String = event_target_value(&ev).chars().take(MAX_NOTE_CHARS).collect();
                        draft.update(|d| d.note = note);
                        persist();
                    }
                ></textarea>
                <span class="counter" aria-hidden="true">{move || char_count(note_len.get(), MAX_NOTE_CHARS)}</span>
            </label>
            <PhotoPicker photos required=needs_photo disabled=sending picked=Callback::new(move |_| hint.set(None)) />
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            {move || match phase.get() {
                Phase::Failed(failure) => {
                    let text = claim_trouble(&failure);
                    let again = worth_retrying(&failure);
                    let to_claims = failure.code() == Some(ErrorCode::IdempotencyConflict);
                    view! {
                        <div class="form-notice error" role="alert" data-testid="claim-error">
                            <p class="notice-line">{tr(text)}</p>
                            {again.then(|| view! {
                                <button class="secondary" type="button" on:click=move |_| submit()>
                                    {tr(Text::Retry)}
                                </button>
                            })}
                            {to_claims.then(|| view! {
                                <a class="secondary link-button" href="/claims">{tr(Text::SeeMyClaims)}</a>
                            })}
                        </div>
                    }
                        .into_any()
                }
                _ => ().into_any(),
            }}
            {move || kept.get().then(|| view! {
                <p class="hint saved">{tr(Text::DraftSaved)}</p>
            })}
            <button class="primary wide" type="submit" data-testid="claim-submit" disabled=move || sending.get()>
                {move || t(locale.get(), if sending.get() { Text::Submitting } else { Text::SubmitClaim })}
            </button>
            {move || kept.get().then(|| view! {
                <button class="text-button" type="button" on:click=start_over>
                    {tr(Text::StartOver)}
                </button>
            })}
        </form>
    };
    let sent = Memo::new(move |_| match phase.get() {
        Phase::Sent(claim) => Some(*claim),
        _ => None,
    });
    view! {
        {move || sent.get().map(|claim| view! { <ClaimSent claim /> })}
        // Built once and only hidden once sent: what is typed and uploaded stays on screen
        // through every failure and retry.
        <div class="claim-editor" class:hidden=move || sent.with(Option::is_some)>{form}</div>
    }
}

/// 已提交: the claim waits for review; the ways on.
#[component]
fn ClaimSent(claim: Claim) -> impl IntoView {
    let locale = use_locale();
    let Claim {
        rule_name,
        points,
        status,
        ..
    } = claim;
    view! {
        <section class="card done" data-testid="claim-success" role="status">
            <svg class="done-icon" viewBox="0 0 48 48" aria-hidden="true">
                <circle cx="24" cy="24" r="22" fill="#e3f1e5" />
                <path d="M14 25l7 7 13-15" fill="none" stroke="#1f7a35" stroke-width="4" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
            <h1 class="done-title">{tr(Text::ClaimSent)}</h1>
            <p class="done-rule">
                <span>{rule_name}</span>
                <span class="rule-points">{move || rule_points(locale.get(), points)}</span>
            </p>
            <StatusChip status points />
            <p class="hint">{tr(Text::ClaimSentHint)}</p>
            <a class="primary wide" href="/claims" data-testid="see-my-claims">{tr(Text::SeeMyClaims)}</a>
            <a class="secondary wide link-button" href="/earn">{tr(Text::EarnMore)}</a>
        </section>
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
