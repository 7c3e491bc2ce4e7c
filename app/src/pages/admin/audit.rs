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

/// How a target reads.
#[derive(Clone, Copy)]
enum TargetWords {
    /// `人员 #42`.
    Numbered(Text),
    /// `回执 DB7K2M9QXA` (a 代办 receipt).
    Receipt,
    /// `3 人` (member cards printed for some people).
    People,
    /// As recorded (a grid's or a county's code).
    AsRecorded,
}

/// What an entry was about, in words, linked where the app has a page for it: `person:42` →
/// 人员 #42 (their page), `shop:3` → 积分超市 #3, `rule:12` → 积分事项 #12, `receipt:DB7K…` →
/// 回执 DB7K… (the slip), `people:3` → 3 人, `award:7` → 评分/扣分 #7, `goods:5` → 商品 #5; a
/// grid's code as it is.
fn target_view(target: &str) -> impl IntoView + use<> {
    let (kind, id) = target.split_once(':').unwrap_or(("", target));
    let (words, href) = match kind {
        "person" => (
            TargetWords::Numbered(Text::People),
            Some(format!("{}/{id}", super::people::PATH)),
        ),
        "shop" => (
            TargetWords::Numbered(Text::ShopsAdmin),
            Some(format!("/admin/shops/{id}")),
        ),
        "rule" => (
            TargetWords::Numbered(Text::RuleCatalogue),
            Some(format!("{}/{id}", super::rules::PATH)),
        ),
        "receipt" => (TargetWords::Receipt, Some(crate::proxy::receipt_href(id))),
        "people" => (TargetWords::People, None),
        "award" => (TargetWords::Numbered(Text::AwardsTitle), None),
        "goods" => (TargetWords::Numbered(Text::AuditGoods), None),
        _ => (TargetWords::AsRecorded, None),
    };
    let text = target.to_owned();
    let id = id.to_owned();
    let locale = use_locale();
    move || {
        let locale = locale.get();
        let words = match words {
            TargetWords::Numbered(label) => format!("{} #{id}", t(locale, label)),
            TargetWords::Receipt => crate::i18n::receipt_filter(locale, &id),
            TargetWords::People => crate::i18n::people_count(locale, &id),
            TargetWords::AsRecorded => text.clone(),
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
/// a status (`approved` → 已通过), a password `set` (已设置), how a proxy found the villager
/// (`card` → 凭卡), what a proxy did (`claim:12` → 申报 #12), a card's number in groups of
/// four; else as recorded.
fn value_word(locale: Locale, key: &str, value: &str) -> String {
    if key == "role"
        && let Some(role) = jifen_shared::auth::Role::parse(value)
    {
        return crate::i18n::role_name(locale, role).to_owned();
    }
    if key == "subject"
        && let Some(words) = subject_words(locale, value)
    {
        return words;
    }
    if key == "card_no" {
        return jifen_shared::proxy::card_no_printed(value);
    }
    let zh = match (key, value) {
        ("kind", "card") => "凭卡",
        ("kind", "search") => "查找",
        ("kind", "delegate") => "家属",
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

/// What a proxy did, from the receipt's subject: `claim:12` → 申报 #12, `redemption:5` → 兑换单
/// #5, `order:3` → 服务单 #3, `rating:order:3:1` → 服务单 #3 的评价; `None` for another shape.
fn subject_words(locale: Locale, subject: &str) -> Option<String> {
    let zh = locale == Locale::ZhCn;
    let mut parts = subject.split(':');
    let words = match (parts.next()?, parts.next()?) {
        ("claim", id) if zh => format!("申报 #{id}"),
        ("claim", id) => format!("claim #{id}"),
        ("redemption", id) if zh => format!("兑换单 #{id}"),
        ("redemption", id) => format!("redemption #{id}"),
        ("order", id) if zh => format!("服务单 #{id}"),
        ("order", id) => format!("order #{id}"),
        ("rating", "order") => {
            let id = parts.next()?;
            if zh {
                format!("服务单 #{id} 的评价")
            } else {
                format!("rating of order #{id}")
            }
        }
        _ => return None,
    };
    Some(words)
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
    // A proxy's claim, order or rating spends no points: its 积分：0 says nothing.
    let proxy = entry.action.starts_with("proxy.");
    keys.into_iter()
        .filter_map(|key| {
            let (b, a) = (value_of(&before, key), value_of(&after, key));
            let nothing_spent = proxy
                && key == "points"
                && b.is_none()
                && a.as_ref().and_then(Value::as_i64) == Some(0);
            (b != a && !nothing_spent).then(|| Change {
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
        let proxy = AuditEntry {
            action: "proxy.claim".into(),
            target: "receipt:DB7K2M9QXA".into(),
            before: None,
            after: Some(json!({
                "person": 7, "person_name": "于*英", "kind": "card", "subject": "claim:12",
                "points": 0, "summary": "孝老爱亲"
            })),
            ..created.clone()
        };
        let lines: Vec<String> = changes(&proxy)
            .iter()
            .map(|c| c.text(Locale::ZhCn))
            .collect();
        assert_eq!(
            lines,
            [
                "代办方式：凭卡",
                "村民编号：7",
                "村民：于*英",
                "事项：申报 #12",
                "内容：孝老爱亲"
            ]
        );
        let rated = AuditEntry {
            action: "proxy.rating".into(),
            after: Some(json!({"subject": "rating:order:3:1", "points": 30})),
            ..proxy
        };
        let lines: Vec<String> = changes(&rated)
            .iter()
            .map(|c| c.text(Locale::ZhCn))
            .collect();
        assert_eq!(lines, ["积分：30", "事项：服务单 #3 的评价"]);
        let replaced = AuditEntry {
            action: "member_card.replace".into(),
            before: Some(json!({"card_no": null})),
            after: Some(json!({"card_no": "1234567890"})),
            ..created
        };
        let lines: Vec<String> = changes(&replaced)
            .iter()
            .map(|c| c.text(Locale::ZhCn))
            .collect();
        assert_eq!(lines, ["会员卡号：1234 5678 90"]);
        assert_eq!(
            show(&json!("长".repeat(61))).chars().count(),
            61,
            "60 and an ellipsis"
        );
    }
}
