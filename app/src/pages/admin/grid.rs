//! One grid (`/admin/grids?region={grid code}`, so the back button and a reload work): its
//! people (`GET /admin/people?region_code={grid}`, paged, grid workers marked), villagers of
//! the village found by name or number and added to it (`POST /admin/grids/{code}/members`),
//! and grid workers appointed (`POST /admin/users/{id}/roles`) or, after a confirmation,
//! removed (`DELETE /admin/users/{id}/roles/grid_worker/{grid}`); 打印本网格会员卡 opens the
//! grid's member cards to print ([`super::cards`]).
//!
//! The list is "people living in the grid or holding a role there", so a grid worker who
//! lives in another grid of the village is listed (and marked) too.

use jifen_shared::ErrorCode;
use jifen_shared::api::{AssignGridMembers, GrantRole, ListPeople, RevokeRole};
use jifen_shared::auth::{PersonRoles, Role, RoleGrant};
use jifen_shared::people::{GridMembers, GridMembersAssigned, PeopleQuery, PersonListing};
use jifen_shared::regions::{Region, RegionCode, RegionLevel};
use leptos::prelude::*;

use super::grids::up_link;
use crate::api::ApiFailure;
use crate::components::{Confirm, Kind, TextField, mutate};
use crate::i18n::{
    Locale, Text, add_count, appointed, badge, dismiss_question, dismissed, members_added,
    people_listed, role_name, t, tr, use_locale,
};
use crate::pages::paged::{Load, LoadMore, PAGE_SIZE, Paged};
use crate::pages::{ListSkeleton, Trouble, explain};
use crate::session::use_session;

/// Search results listed at most (a longer list asks for more letters instead).
const FOUND_SIZE: u32 = 20;

/// What the 查找 box holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// Nothing typed: the village's people, first ones first.
    Everyone,
    /// Part of a name (`q=`).
    Name(String),
    /// A whole mobile number in any format (`phone=`).
    Phone(String),
    /// Digits, but too few for a number: said at once, not sent.
    PartialPhone,
}

/// Reads the 查找 box: digits (with spaces, dashes, `+`, full-width digits) are a phone
/// number, anything else part of a name.
pub fn lookup(input: &str) -> Lookup {
    let typed = input.trim();
    if typed.is_empty() {
        return Lookup::Everyone;
    }
    let mut digits = 0;
    for c in typed.chars() {
        match c {
            '0'..='9' | '０'..='９' => digits += 1,
            ' ' | '\u{3000}' | '-' | '－' | '+' | '＋' | '(' | ')' | '（' | '）' => {}
            _ => return Lookup::Name(typed.to_owned()),
        }
    }
    match digits {
        0 => Lookup::Name(typed.to_owned()),
        n if n >= 11 => Lookup::Phone(typed.to_owned()),
        _ => Lookup::PartialPhone,
    }
}

/// `GET /admin/people?region_code=…[&phone=…|&q=…]&limit=…[&cursor=…]`.
pub fn people(
    region: &RegionCode,
    lookup: &Lookup,
    limit: u32,
    cursor: Option<String>,
) -> ListPeople {
    let (phone, q) = match lookup {
        Lookup::Name(q) => (None, Some(q.clone())),
        Lookup::Phone(p) => (Some(p.clone()), None),
        Lookup::Everyone | Lookup::PartialPhone => (None, None),
    };
    ListPeople {
        query: PeopleQuery {
            region_code: Some(region.to_string()),
            phone,
            q,
            limit: Some(limit),
            cursor,
            closed: None,
        },
    }
}

/// `+8613800138000` as people write it, `138 0013 8000`; a masked number stays as it is.
pub fn show_phone(phone: &str) -> String {
    match phone.strip_prefix("+86") {
        Some(n) if n.len() == 11 && n.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{} {} {}", &n[..3], &n[3..7], &n[7..])
        }
        _ => phone.to_owned(),
    }
}

/// A person's number as [`show_phone`] writes it, or 无手机 for one without a phone (known by
/// their member card).
pub fn phone_of(phone: Option<&str>) -> AnyView {
    match phone {
        Some(phone) => show_phone(phone).into_any(),
        None => tr(Text::NoPhoneShort).into_any(),
    }
}

/// Whether `person` is a grid worker of `grid`.
pub fn works_in(person: &PersonListing, grid: &RegionCode) -> bool {
    person
        .roles
        .iter()
        .any(|g| g.role == Role::GridWorker && &g.region_code == grid)
}

/// The last change made on this screen, said in a status line.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    Appointed(String),
    Dismissed(String),
}

/// What a failed request means, with the words this screen has for some codes.
fn failure_text(failure: &ApiFailure) -> Text {
    match failure.code() {
        Some(ErrorCode::NotFound) => Text::PersonNotFound,
        _ => explain(failure),
    }
}

/// A grid: its name and code, its people, and the way to add more.
#[component]
pub fn GridPeople(region: Region, home: RegionCode) -> impl IntoView {
    let locale = use_locale();
    let up = up_link(&region, &home);
    let Region { code, name, .. } = region;
    let village = code.parent().unwrap_or_else(|| code.clone());
    let grid = StoredValue::new(code.clone());

    let members = Paged::<PersonListing>::new(
        move |cursor| people(&grid.get_value(), &Lookup::Everyone, PAGE_SIZE, cursor),
        |p| p.id,
    );
    let said = RwSignal::new(None::<Said>);
    // Whether the list is empty, as a memo: a change of one person's roles redraws only
    // their row, not the whole list (a confirmation open elsewhere stays open).
    let empty = Memo::new(move |_| members.items.with(Vec::is_empty));

    let roles_changed = Callback::new(move |roles: PersonRoles| {
        let grid = grid.get_value();
        let mut name = None;
        let mut now_worker = false;
        members.items.update(|m| {
            if let Some(p) = m.iter_mut().find(|p| p.id == roles.id) {
                p.roles = roles.roles.clone();
                now_worker = works_in(p, &grid);
                name = Some(p.name.clone());
            }
        });
        if let Some(name) = name {
            said.set(Some(if now_worker {
                Said::Appointed(name)
            } else {
                Said::Dismissed(name)
            }));
        }
    });
    let added = Callback::new(move |_: GridMembersAssigned| members.reload());

    let label = name.clone();
    let code_text = code.to_string();
    view! {
        {up}
        <h1 class="region-name">{name}</h1>
        <p class="region-meta">
            <span class="badge">{move || badge(locale.get(), RegionLevel::Grid, &label)}</span>
            <span class="row-code">{code_text}</span>
        </p>
        <a class="secondary wide link-button print-grid-cards" href=super::cards::grid_href(&code.to_string()) data-testid="print-grid-cards">
            {tr(Text::PrintGridCards)}
        </a>
        <h2 class="section-title">{tr(Text::GridMembers)}</h2>
        {move || said.get().map(|s| view! {
            <p class="form-notice said" role="status">
                {move || match &s {
                    Said::Appointed(n) => appointed(locale.get(), n),
                    Said::Dismissed(n) => dismissed(locale.get(), n),
                }}
            </p>
        })}
        {move || match members.first.get() {
            Load::Busy if empty.get() => view! { <ListSkeleton /> }.into_any(),
            Load::Failed(failure) => {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| members.reload()) /> }.into_any()
            }
            _ if empty.get() => {
                view! { <p class="empty">{tr(Text::NoMembers)}</p> }.into_any()
            }
            _ => view! {
                <p class="hint count">
                    {move || people_listed(locale.get(), members.items.with(Vec::len), members.next.with(Option::is_none))}
                </p>
                <ul class="list people">
                    <For
                        each=move || members.items.get()
                        key=|p| (p.id, p.roles.clone())
                        children=move |person| {
                            let grid = grid.get_value();
                            view! { <MemberRow person grid changed=roles_changed /> }
                        }
                    />
                </ul>
            }
                .into_any(),
        }}
        <LoadMore paged=members />
        <AddVillagers village grid=code added />
    }
}

/// Which change a member row is making (kept for 重试).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Change {
    Appoint,
    Dismiss,
}

/// One person of the grid: name, number, the grid worker mark, and 任命网格员 or 免去 (asked
/// once more before it is done).
#[component]
fn MemberRow(
    person: PersonListing,
    grid: RegionCode,
    changed: Callback<PersonRoles>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let worker = works_in(&person, &grid);
    let PersonListing {
        id, name, phone, ..
    } = person;
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let trouble = RwSignal::new(None::<(ApiFailure, Change)>);
    let grid = StoredValue::new(grid);

    let run = move |change: Change| {
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        let grant = RoleGrant {
            role: Role::GridWorker,
            region_code: grid.get_value(),
        };
        let call = async move {
            match change {
                Change::Appoint => session.call(&GrantRole { id }, &grant).await,
                Change::Dismiss => {
                    let revoke = RevokeRole {
                        id,
                        role: grant.role.to_string(),
                        region_code: grant.region_code.to_string(),
                    };
                    session.call(&revoke, &()).await
                }
            }
        };
        mutate(busy, call, move |result| match result {
            // The row is drawn anew with the new roles.
            Ok(roles) => changed.run(roles),
            Err(failure) => trouble.set(Some((failure, change))),
        });
    };

    let question_name = name.clone();
    view! {
        <li class="person" class:worker=worker>
            <span class="person-text">
                <span class="person-name">
                    {name}
                    {worker.then(|| view! {
                        <span class="badge worker">
                            {move || role_name(locale.get(), Role::GridWorker)}
                        </span>
                    })}
                </span>
                <span class="person-sub">{phone_of(phone.as_deref())}</span>
            </span>
            {move || (!confirming.get()).then(|| if worker {
                view! {
                    <button class="secondary small" type="button" on:click=move |_| confirming.set(true)>
                        {tr(Text::Dismiss)}
                    </button>
                }
                    .into_any()
            } else {
                view! {
                    <button
                        class="secondary small"
                        type="button"
                        disabled=move || busy.get()
                        on:click=move |_| run(Change::Appoint)
                    >
                        {move || t(locale.get(), if busy.get() { Text::Appointing } else { Text::Appoint })}
                    </button>
                }
                    .into_any()
            })}
            {move || confirming.get().then(|| {
                let question = question_name.clone();
                let stop = move || {
                    confirming.set(false);
                    trouble.set(None);
                };
                view! {
                    <Confirm yes=Text::DismissYes yes_busy=Text::Loading no=Text::Cancel busy small=true
                        on_yes=move || run(Change::Dismiss) on_no=stop>
                        {move || dismiss_question(locale.get(), &question)}
                    </Confirm>
                }
            })}
            {move || trouble.get().map(|(failure, change)| {
                let text = failure_text(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| run(change)) /> }
            })}
        </li>
    }
}

/// The people of the village as the 添加 card lists them: villagers only (staff of the village
/// who live elsewhere cannot join its grids).
fn villagers_of(items: Vec<PersonListing>, village: &RegionCode) -> Vec<PersonListing> {
    items
        .into_iter()
        .filter(|p| p.village_code.as_deref() == Some(village.as_str()))
        .collect()
}

/// 添加村民到本网格: find villagers of the village, tick them, add them at once.
#[component]
fn AddVillagers(
    village: RegionCode,
    grid: RegionCode,
    added: Callback<GridMembersAssigned>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let village = StoredValue::new(village);
    let grid = StoredValue::new(grid);
    let typed = RwSignal::new(String::new());
    let finding = RwSignal::new(Load::Idle);
    // Not sent: a number with too few digits.
    let hint = RwSignal::new(None::<Text>);
    let found = RwSignal::new(None::<(Vec<PersonListing>, bool)>);
    let ticked = RwSignal::new(Vec::<i64>::new());
    let adding = RwSignal::new(Load::Idle);
    let result = RwSignal::new(None::<GridMembersAssigned>);

    let find = move || {
        if finding.get_untracked() == Load::Busy {
            return;
        }
        let wanted = lookup(&typed.get_untracked());
        hint.set(None);
        result.set(None);
        if wanted == Lookup::PartialPhone {
            hint.set(Some(Text::PhoneInvalid));
            return;
        }
        let found_people = people(&village.get_value(), &wanted, FOUND_SIZE, None);
        finding.set(Load::Busy);
        leptos::task::spawn_local(async move {
            let found_people = &found_people;
            let answer = session.call(found_people, &()).await;
            match answer {
                Ok(page) => {
                    let people = villagers_of(page.items, &village.get_value());
                    // Ticks stay only on people still listed.
                    ticked.update(|t| t.retain(|id| people.iter().any(|p| p.id == *id)));
                    found.set(Some((people, page.next_cursor.is_some())));
                    finding.set(Load::Idle);
                }
                Err(failure) => finding.set(Load::Failed(failure)),
            }
        });
    };

    let add = move || {
        let ids = ticked.get_untracked();
        if ids.is_empty() || adding.get_untracked() == Load::Busy {
            return;
        }
        adding.set(Load::Busy);
        result.set(None);
        let body = GridMembers {
            person_ids: ids.clone(),
        };
        let assign = AssignGridMembers {
            code: grid.get_value().to_string(),
        };
        leptos::task::spawn_local(async move {
            let (assign, body) = (&assign, &body);
            let answer = session.call(assign, body).await;
            match answer {
                Ok(counts) => {
                    let here = grid.get_value().to_string();
                    found.update(|f| {
                        if let Some((people, _)) = f {
                            for p in people.iter_mut().filter(|p| ids.contains(&p.id)) {
                                p.grid_code = Some(here.clone());
                            }
                        }
                    });
                    ticked.set(Vec::new());
                    result.set(Some(counts.clone()));
                    adding.set(Load::Idle);
                    added.run(counts);
                }
                Err(failure) => adding.set(Load::Failed(failure)),
            }
        });
    };

    view! {
        <section class="card add-people">
            <h2 class="card-title">{tr(Text::AddToGrid)}</h2>
            <form
                class="find"
                role="search"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    find();
                }
            >
                <TextField label=Text::FindVillager value=typed placeholder=Text::FindPlaceholder name="find" kind=Kind::Search max=50 row="find-row">
                    <button class="secondary" type="submit" disabled=move || finding.get() == Load::Busy>
                        {move || t(locale.get(), if finding.get() == Load::Busy { Text::Finding } else { Text::Find })}
                    </button>
                </TextField>
            </form>
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert">{tr(text)}</p>
            })}
            {move || match finding.get() {
                Load::Failed(failure) => {
                    let text = explain(&failure);
                    view! { <Trouble failure text retry=Callback::new(move |_| find()) /> }.into_any()
                }
                _ => ().into_any(),
            }}
            {move || found.get().map(|(people, cut)| {
                if people.is_empty() {
                    return view! {
                        <p class="empty">{tr(Text::NoVillagerFound)}</p>
                    }
                        .into_any();
                }
                let here = grid.get_value();
                view! {
                    <ul class="list found">
                        {people.into_iter().map(|p| {
                            let id = p.id;
                            let inside = p.grid_code.as_deref() == Some(here.as_str());
                            let elsewhere = !inside && p.grid_code.is_some();
                            let note = if inside {
                                Some(Text::AlreadyInGrid)
                            } else if elsewhere {
                                Some(Text::InOtherGrid)
                            } else {
                                None
                            };
                            view! {
                                <li>
                                    <label class="person pick" class:disabled=inside>
                                        <input
                                            type="checkbox"
                                            disabled=inside
                                            prop:checked=move || inside || ticked.with(|t| t.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                ticked.update(|t| {
                                                    t.retain(|x| *x != id);
                                                    if on {
                                                        t.push(id);
                                                    }
                                                });
                                            }
                                        />
                                        <span class="person-text">
                                            <span class="person-name">{p.name}</span>
                                            <span class="person-sub">
                                                {phone_of(p.phone.as_deref())}
                                                {p.household.map(|h| format!(" · {h}"))}
                                            </span>
                                            {note.map(|n| view! {
                                                <span class="person-note">{tr(n)}</span>
                                            })}
                                        </span>
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {cut.then(|| view! { <p class="hint cut">{tr(Text::MoreResults)}</p> })}
                }
                    .into_any()
            })}
            {move || match adding.get() {
                Load::Failed(failure) => {
                    let text = match failure.code() {
                        Some(ErrorCode::InvalidInput) => Text::NotOfVillage,
                        Some(ErrorCode::NotFound) => Text::GridNotFound,
                        _ => explain(&failure),
                    };
                    view! { <Trouble failure text retry=Callback::new(move |_| add()) /> }.into_any()
                }
                _ => ().into_any(),
            }}
            {move || result.get().map(|r| view! {
                <p class="form-notice" role="status">
                    {move || members_added(locale.get(), r.assigned, r.unchanged)}
                </p>
            })}
            {move || found.with(Option::is_some).then(|| view! {
                <button
                    class="primary wide add"
                    type="button"
                    disabled=move || ticked.with(Vec::is_empty) || adding.get() == Load::Busy
                    on:click=move |_| add()
                >
                    {move || {
                        let n = ticked.with(Vec::len);
                        let l: Locale = locale.get();
                        if adding.get() == Load::Busy {
                            t(l, Text::AddingToGrid).to_owned()
                        } else if n == 0 {
                            t(l, Text::TickFirst).to_owned()
                        } else {
                            add_count(l, n)
                        }
                    }}
                </button>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_find_box_tells_numbers_from_names() {
        assert_eq!(lookup("  "), Lookup::Everyone);
        assert_eq!(lookup(" 张 "), Lookup::Name("张".into()));
        assert_eq!(
            lookup("138 0013 8000"),
            Lookup::Phone("138 0013 8000".into())
        );
        assert_eq!(
            lookup("+86 138-0013-8000"),
            Lookup::Phone("+86 138-0013-8000".into())
        );
        assert_eq!(
            lookup("１３８００１３８０００"),
            Lookup::Phone("１３８００１３８０００".into())
        );
        assert_eq!(lookup("1380013"), Lookup::PartialPhone);
        assert_eq!(lookup("张三1"), Lookup::Name("张三1".into()));
    }

    #[test]
    fn lookups_become_people_queries() {
        let grid = RegionCode::parse("410783101230-001").unwrap();
        let everyone = PeopleQuery {
            region_code: Some("410783101230-001".into()),
            limit: Some(20),
            ..PeopleQuery::default()
        };
        assert_eq!(people(&grid, &Lookup::Everyone, 20, None).query, everyone);
        assert_eq!(
            people(&grid, &Lookup::Everyone, 20, Some("42".into())).query,
            PeopleQuery {
                cursor: Some("42".into()),
                ..everyone
            }
        );
        let village = RegionCode::parse("410783101230").unwrap();
        assert_eq!(
            people(&village, &Lookup::Name("张 三".into()), 20, None).query,
            PeopleQuery {
                region_code: Some("410783101230".into()),
                q: Some("张 三".into()),
                limit: Some(20),
                ..PeopleQuery::default()
            }
        );
        assert_eq!(
            people(&village, &Lookup::Phone("+86 138".into()), 5, None).query,
            PeopleQuery {
                region_code: Some("410783101230".into()),
                phone: Some("+86 138".into()),
                limit: Some(5),
                ..PeopleQuery::default()
            }
        );
    }

    #[test]
    fn phones_read_in_groups() {
        assert_eq!(show_phone("+8613800138000"), "138 0013 8000");
        assert_eq!(show_phone("138****8000"), "138****8000");
    }

    #[test]
    fn grid_workers_are_told_by_their_grid() {
        let grid = RegionCode::parse("410783101230-001").unwrap();
        let other = RegionCode::parse("410783101230-002").unwrap();
        let person = PersonListing {
            id: 1,
            name: "张三".into(),
            phone: Some("138****8000".into()),
            phone_masked: true,
            birth_year: None,
            card_no: None,
            village_code: Some("410783101230".into()),
            grid_code: Some("410783101230-001".into()),
            household: None,
            tags: vec![],
            roles: vec![RoleGrant {
                role: Role::GridWorker,
                region_code: other.clone(),
            }],
            closed: None,
        };
        assert!(!works_in(&person, &grid));
        assert!(works_in(&person, &other));
    }
}
