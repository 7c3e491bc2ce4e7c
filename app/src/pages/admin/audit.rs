//! 审计日志 (`/admin/audit`, 小微权力监督): every staff action of the admin's region, newest
//! first (`GET /admin/audit`, paged): what was done, by whom, when, where, to which villager
//! or object, and what changed (the recorded before and after, field by field). Filters: part
//! of the actor's name, an action family, county days, a 代办 receipt's number (what was done
//! for a villager under it: `target=receipt:<no>`), and a place (`?region=`, set by 只看这里 on
//! an entry, within the admin's own region). 导出CSV downloads what the filters keep (the
//! server refuses more than 10,000 entries: narrow the dates).

use jifen_shared::api::AuditLog;
use jifen_shared::audit::{AuditEntry, AuditQuery, action_families};
use jifen_shared::auth::RoleGrant;
use jifen_shared::regions::RegionCode;
use leptos::prelude::*;
use serde_json::Value;

use super::overview::save;
use super::{AdminFrame, region_in_query};
use crate::api;
use crate::components::{Kind, TextField, mutate};
use crate::i18n::{Locale, Text, action_family_name, action_name, field_name, t, tr, use_locale};
use crate::pages::paged::{Load, LoadMore, PAGE_SIZE, Paged};
use crate::pages::{ListSkeleton, Trouble, explain};
use crate::session::use_session;

/// Where the screen lives.
pub const PATH: &str = "/admin/audit";

/// The most characters of a value shown in a change line (the CSV has all of it).
const MAX_VALUE_CHARS: usize = 60;

/// `/admin/audit`.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! { <AdminFrame screen=|grant: RoleGrant| view! { <AuditScreen home=grant.region_code /> } /> }
}

/// The filters as typed.
#[derive(Clone, Copy)]
struct Filters {
    actor: RwSignal<String>,
    /// A 代办 receipt's number.
    receipt: RwSignal<String>,
    family: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
}

impl Filters {
    /// The query these filters ask of `region` (blank fields left out).
    fn query(&self, region: &RegionCode, cursor: Option<String>) -> AuditQuery {
        let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        AuditQuery {
            region_code: Some(region.to_string()),
            actor: some(self.actor.get_untracked()),
            target: self.receipt().map(|no| format!("receipt:{no}")),
            action: some(self.family.get_untracked()),
            from: some(self.from.get_untracked()),
            to: some(self.to.get_untracked()),
            format: None,
            limit: Some(PAGE_SIZE),
            cursor,
        }
    }

    /// The receipt's number as typed, without spaces and in capitals (`db7k 2m9q xa` is
    /// `DB7K2M9QXA`); `None` when blank.
    fn receipt(&self) -> Option<String> {
        let typed = self.receipt.get_untracked();
        let no: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_uppercase();
        (!no.is_empty()).then_some(no)
    }

    /// What the filters keep, in words: 全部事项 · 全部日期, or 网格 · 操作人含「王」 ·
    /// 2026-12-01 至 2026-12-06 (· 回执 DB7K2M9QXA). Follows the fields as typed.
    fn summary(&self, locale: Locale) -> String {
        let zh = locale == Locale::ZhCn;
        let family = self.family.get();
        let mut parts = vec![if family.is_empty() {
            t(locale, Text::AllActions).to_owned()
        } else {
            action_family_name(locale, &family)
        }];
        let actor = self.actor.get();
        if !actor.trim().is_empty() {
            parts.push(if zh {
                format!("操作人含「{}」", actor.trim())
            } else {
                format!("done by \u{201c}{}\u{201d}", actor.trim())
            });
        }
        self.receipt.track();
        if let Some(no) = self.receipt() {
            parts.push(crate::i18n::receipt_filter(locale, &no));
        }
        let (from, to) = (self.from.get(), self.to.get());
        parts.push(match (from.is_empty(), to.is_empty(), zh) {
            (true, true, true) => "全部日期".into(),
            (true, true, false) => "any date".into(),
            (false, true, true) => format!("{from} 起"),
            (false, true, false) => format!("from {from}"),
            (true, false, true) => format!("{to} 止"),
            (true, false, false) => format!("until {to}"),
            (false, false, true) => format!("{from} 至 {to}"),
            (false, false, false) => format!("{from} to {to}"),
        });
        parts.join(" · ")
    }

    /// 400 before asking: the last day before the first.
    fn dates_reversed(&self) -> bool {
        let (from, to) = (self.from.get_untracked(), self.to.get_untracked());
        !from.is_empty() && !to.is_empty() && to < from
    }
}

#[component]
fn AuditScreen(home: RegionCode) -> impl IntoView {
    let locale = use_locale();
    let region = region_in_query(home.clone());
    let filters = Filters {
        actor: RwSignal::new(String::new()),
        receipt: RwSignal::new(String::new()),
        family: RwSignal::new(String::new()),
        from: RwSignal::new(String::new()),
        to: RwSignal::new(String::new()),
    };
    let hint = RwSignal::new(None::<Text>);
    let found = Paged::<AuditEntry>::new(
        move |cursor| AuditLog {
            query: filters.query(&region.get_untracked(), cursor),
        },
        |e| e.id,
    );
    // Another place chosen (只看这里, the way back): its entries.
    Effect::new(move |first: Option<()>| {
        region.track();
        if first.is_some() {
            found.reload();
        }
    });
    let search = move || {
        hint.set(None);
        if filters.dates_reversed() {
            hint.set(Some(Text::AuditBadDates));
        } else {
            found.reload();
        }
    };
    let empty = Memo::new(move |_| found.items.with(Vec::is_empty));
    let narrowed = {
        let home = home.clone();
        move || region.get() != home
    };
    // The filters fold away so the entries come first on a phone; the line under the bar says
    // what they keep.
    let open = RwSignal::new(false);
    let summary = move || filters.summary(locale.get());
    view! {
        <h1 class="region-name">{tr(Text::AuditLog)}</h1>
        <p class="hint">{tr(Text::AuditHint)}</p>
        <div class="audit-bar">
            <button
                class="secondary"
                type="button"
                data-testid="audit-filter-toggle"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {tr(Text::AuditFilters)}{move || if open.get() { " ▴" } else { " ▾" }}
            </button>
            <ExportButton region filters />
        </div>
        <p class="hint audit-summary" data-testid="audit-summary">{summary}</p>
        <Show when=move || open.get()>
            <form
                class="card audit-filters"
                role="search"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    search();
                    if hint.get_untracked().is_none() {
                        open.set(false);
                    }
                }
            >
                <TextField label=Text::AuditActor value=filters.actor placeholder=Text::AuditActorPlaceholder name="actor" kind=Kind::Search max=20 testid="audit-actor" />
                <TextField label=Text::ReceiptNo value=filters.receipt placeholder=Text::ReceiptPlaceholder name="receipt" kind=Kind::Code max=16 testid="audit-receipt" />
                <label class="field">
                    <span class="field-label">{tr(Text::AuditAction)}</span>
                    <select class="input" data-testid="audit-action" on:change=move |ev| filters.family.set(event_target_value(&ev))>
                        <option value="" selected=move || filters.family.get().is_empty()>{tr(Text::AllActions)}</option>
                        {action_families().into_iter().map(|family| view! {
                            <option value=family selected=move || filters.family.get() == family>
                                {move || action_family_name(locale.get(), family)}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <div class="date-range">
                    <label class="field">
                        <span class="field-label">{tr(Text::FromDate)}</span>
                        <input class="input" type="date" data-testid="audit-from" prop:value=filters.from on:change=move |e| filters.from.set(event_target_value(&e)) />
                    </label>
                    <label class="field">
                        <span class="field-label">{tr(Text::ToDate)}</span>
                        <input class="input" type="date" data-testid="audit-to" prop:value=filters.to on:change=move |e| filters.to.set(event_target_value(&e)) />
                    </label>
                </div>
                {move || hint.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
                <button class="primary audit-search" type="submit" data-testid="audit-search" disabled=move || found.first.get() == Load::Busy>
                    {move || t(locale.get(), if found.first.get() == Load::Busy { Text::Finding } else { Text::AuditSearch })}
                </button>
            </form>
        </Show>
        <Show when=narrowed.clone()>
            <p class="audit-place">
                <span>{move || found.items.with(|items| items.first().and_then(|e| e.region_name.clone())).unwrap_or_default()}</span>
                <a href=PATH>{tr(Text::AllPlaces)}</a>
            </p>
        </Show>
        {move || match found.first.get() {
            Load::Busy if empty.get() => view! { <ListSkeleton /> }.into_any(),
            Load::Failed(failure) => {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| found.reload()) /> }.into_any()
            }
            _ if empty.get() => view! { <p class="empty">{tr(Text::NoAuditEntries)}</p> }.into_any(),
            _ => view! {
                <ul class="list audit-list" data-testid="audit-list">
                    <For each=move || found.items.get() key=|e| e.id children=move |entry| view! { <EntryRow entry /> } />
                </ul>
            }
                .into_any(),
        }}
        <LoadMore paged=found />
    }
}

/// 导出CSV: every entry the filters keep, fetched with the bearer token and saved.
#[component]
fn ExportButton(region: Memo<RegionCode>, filters: Filters) -> impl IntoView {
    let session = use_session();
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Text>);
    let export = move |_| {
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        if filters.dates_reversed() {
            trouble.set(Some(Text::AuditBadDates));
            return;
        }
        let code = region.get_untracked();
        let mut query = filters.query(&code, None);
        query.format = Some("csv".into());
        query.limit = None;
        let file = format!("审计日志-{code}-{}.csv", crate::time::county_date(0, false));
        let call = async move {
            let log = &AuditLog { query };
            session
                .authed(|token| async move { api::get_blob(log, &token).await })
                .await
        };
        mutate(busy, call, move |blob| match blob {
            Ok(blob) => save(&blob, &file),
            Err(failure) => {
                let text = match failure.code() {
                    Some(jifen_shared::ErrorCode::InvalidInput) => Text::AuditTooMany,
                    _ => explain(&failure),
                };
                trouble.try_set(Some(text));
            }
        });
    };
    view! {
        <button class="secondary" type="button" data-testid="audit-export" disabled=move || busy.get() on:click=export>
            {tr(Text::ExportCsv)}
        </button>
        {move || trouble.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
    }
}

/// One entry: the action and when; who and where (只看这里 narrows to the place); what it was
/// about; what changed.
#[component]
fn EntryRow(entry: AuditEntry) -> impl IntoView {
    let locale = use_locale();
    let action = entry.action.clone();
    let at = entry.created_at.clone();
    let who = entry.actor_name.clone();
    let place = entry
        .region_name
        .clone()
        .unwrap_or_else(|| entry.region_code.clone());
    let only_here = format!("{PATH}?region={}", entry.region_code);
    let target = entry.target.clone();
    let changes = StoredValue::new(changes(&entry));
    view! {
        <li class="audit-entry" data-testid="audit-entry">
            <div class="audit-head">
                <span class="row-name">{move || action_name(locale.get(), &action)}</span>
                <span class="person-sub">{move || crate::time::when(locale.get(), &at)}</span>
            </div>
            <p class="person-sub">
                {move || who.clone().unwrap_or_else(|| t(locale.get(), Text::CommandLine).to_owned())}
                " · "{place}" · "
                <a href=only_here>{tr(Text::OnlyPlace)}</a>
            </p>
            <p class="audit-target">{target_view(&target)}</p>
            <ul class="audit-changes">
                {move || {
                    let locale = locale.get();
                    changes.with_value(|lines| lines.iter().map(|line| view! { <li>{line.text(locale)}</li> }).collect_view())
                }}
            </ul>
        </li>
    }
}

/// What an entry was about, in words, linked where the app has a page for it: `person:42` →
/// 人员 #42 (their page), `shop:3` → 积分超市 #3, `rule:12` → 积分事项 #12; a grid's code as
/// it is.
fn target_view(target: &str) -> impl IntoView + use<> {
    let (kind, id) = target.split_once(':').unwrap_or(("", target));
    let (label, href) = match kind {
        "person" => (Text::People, Some(format!("{}/{id}", super::people::PATH))),
        "shop" => (Text::ShopsAdmin, Some(format!("/admin/shops/{id}"))),
        "rule" => (
            Text::RuleCatalogue,
            Some(format!("{}/{id}", super::rules::PATH)),
        ),
        _ => (Text::AuditAction, None),
    };
    let text = target.to_owned();
    let named = !matches!(label, Text::AuditAction);
    let id = id.to_owned();
    let locale = use_locale();
    move || {
        let words = if named {
            format!("{} #{id}", t(locale.get(), label))
        } else {
            text.clone()
        };
        match &href {
            Some(href) => view! { <a href=href.clone()>{words}</a> }.into_any(),
            None => view! { <span>{words}</span> }.into_any(),
        }
    }
}

/// One changed field: its recorded name, and its value before (absent for a creation) and
/// after.
struct Change {
    key: String,
    before: Option<String>,
    after: Option<String>,
}

impl Change {
    /// `积分：3 → 4`, `名称：清理河道` (created), `启用：✓ → ✗`.
    fn text(&self, locale: Locale) -> String {
        let name = field_name(locale, &self.key).map_or(self.key.clone(), str::to_owned);
        let word = |v: &Option<String>| v.as_deref().map(|v| value_word(locale, &self.key, v));
        let (before, after) = (word(&self.before), word(&self.after));
        let colon = if locale == Locale::ZhCn { "：" } else { ": " };
        match (before, after) {
            (Some(b), Some(a)) => format!("{name}{colon}{b} → {a}"),
            (None, Some(a)) => format!("{name}{colon}{a}"),
            (Some(b), None) => format!("{name}{colon}{b} → —"),
            (None, None) => name,
        }
    }
}

/// A recorded value in words where it is one of a few codes: a role (`village_admin` → 村管理员),
/// a status (`approved` → 已通过), a password `set` (已设置); else as recorded.
fn value_word(locale: Locale, key: &str, value: &str) -> String {
    if key == "role"
        && let Some(role) = jifen_shared::auth::Role::parse(value)
    {
        return crate::i18n::role_name(locale, role).to_owned();
    }
    let zh = match (key, value) {
        ("password", "set") => "已设置",
        ("status", "pending") => "待审核",
        ("status", "approved") => "已通过",
        ("status", "rejected") => "已驳回",
        ("status", "open") => "待接单",
        ("status", "claimed") => "已接单",
        ("status", "completed") => "已完成",
        ("status", "cancelled") => "已取消",
        ("status", "closed") => "已关闭",
        _ => return value.to_owned(),
    };
    match locale {
        Locale::ZhCn => zh.to_owned(),
        Locale::En => value.to_owned(),
    }
}

/// The fields an entry changed, by their recorded names (the JSON's order): each field whose
/// value differs between before and after (all of after for a creation). Values are shown
/// short.
fn changes(entry: &AuditEntry) -> Vec<Change> {
    let fields = |side: &Option<Value>| -> Vec<(String, Value)> {
        match side {
            Some(Value::Object(map)) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Some(other) => vec![(String::new(), other.clone())],
            None => Vec::new(),
        }
    };
    let (before, after) = (fields(&entry.before), fields(&entry.after));
    let mut keys: Vec<&String> = after.iter().map(|(k, _)| k).collect();
    for (k, _) in &before {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let value_of = |side: &[(String, Value)], key: &str| {
        side.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_null())
    };
    keys.into_iter()
        .filter_map(|key| {
            let (b, a) = (value_of(&before, key), value_of(&after, key));
            (b != a).then(|| Change {
                key: key.clone(),
                before: b.as_ref().map(show),
                after: a.as_ref().map(show),
            })
        })
        .collect()
}

/// A recorded value, short: strings as they are, lists joined with 、, true/false as ✓/✗.
fn show(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "✓".into(),
        Value::Bool(false) => "✗".into(),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    };
    if text.chars().count() > MAX_VALUE_CHARS {
        let mut short: String = text.chars().take(MAX_VALUE_CHARS).collect();
        short.push('…');
        short
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_entry_shows_the_fields_it_changed_in_words() {
        let entry = AuditEntry {
            id: 1,
            actor_id: Some(2),
            actor_name: Some("王支书".into()),
            action: "rule.update".into(),
            region_code: "410783101230".into(),
            region_name: Some("留村村委会".into()),
            target: "rule:3".into(),
            before: Some(
                json!({"name": "清理河道", "points": 3, "active": true, "tags": ["党员"]}),
            ),
            after: Some(
                json!({"name": "清理河道", "points": 4, "active": false, "tags": ["党员", "村民代表"], "role": "grid_worker"}),
            ),
            created_at: String::new(),
        };
        let lines: Vec<String> = changes(&entry)
            .iter()
            .map(|c| c.text(Locale::ZhCn))
            .collect();
        assert_eq!(
            lines,
            [
                "启用：✓ → ✗",
                "积分：3 → 4",
                "身份：网格员",
                "类别：党员 → 党员、村民代表"
            ]
        );
        let created = AuditEntry {
            before: None,
            after: Some(json!({"status": "approved", "password": "set"})),
            ..entry
        };
        let lines: Vec<String> = changes(&created)
            .iter()
            .map(|c| c.text(Locale::ZhCn))
            .collect();
        assert_eq!(lines, ["密码：已设置", "状态：已通过"]);
        assert_eq!(
            show(&json!("长".repeat(61))).chars().count(),
            61,
            "60 and an ellipsis"
        );
    }
}
