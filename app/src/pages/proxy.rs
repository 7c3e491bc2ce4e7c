//! 代办 (`/proxy`): where a 代办员 or a family delegate starts acting for a villager without a
//! smartphone ([`crate::proxy`] has how the app then works as the villager's), and
//! `/proxy/receipts/{no}`, the printable receipt (回执) of something done so.
//!
//! `/proxy` offers, to a 代办员 (the `proxy_agent` role): the camera reading the villager's
//! member card ([`super::keeper::QrReader`], as at the keeper's counter), the card's 10-digit
//! number typed (checked here as the server checks it: the last digit is a Luhn check), and
//! the villagers of their village found by name (villagers only: not staff accounts, not the
//! agent); to a family delegate, the villagers they were registered for
//! (`GET /proxy/delegations`). Each opens a proxy session (`POST /proxy/sessions`) and goes to
//! the villager's 首页 with the 代办模式 banner on top; a refusal is said where it was asked
//! (under the card number, under the list tapped) and goes when something else is tried.
//! While a session is open the screen shows it (for whom, what is left today, until when)
//! with 去代办 and 结束代办; after 结束代办 it says for whom it ended, after the server ended
//! one "代办已结束，请重新扫卡".
//!
//! The receipt (`GET /proxy/receipts/{no}`) is a slip to print (打印 calls the browser's print;
//! `app/style.css` hides the bars and buttons on paper): 代办回执, its number, time, what was
//! done, the points, the villager and the agent (masked), the village, and where the SMS went.

use jifen_shared::ErrorCode;
use jifen_shared::api::{OpenProxy, ProxyReceiptOf};
use jifen_shared::auth::Role;
use jifen_shared::people::PersonListing;
use jifen_shared::proxy::{OpenProxySession, ProxyReceipt, card_no_printed, normalize_card_no};
use jifen_shared::regions::RegionCode;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::admin::grid::{Lookup, lookup, people, phone_of};
use super::{
    Failure, ListSkeleton, TabbedScreen, TopBar, Trouble, explain, require_sign_in, worth_retrying,
};
use crate::api::ApiFailure;
use crate::components::{Kind, TextField, Typed, bring_into_view, mutate, notice};
use crate::i18n::{
    Text, proxy_action, proxy_agent, proxy_allowance, proxy_for, proxy_left, proxy_until, signed,
    sms_sent, t, tr, use_locale,
};
use crate::proxy::{PATH, use_delegations};
use crate::session::use_session;
use crate::time;

/// People found by name at most (a longer list asks for more of the name).
const FOUND_SIZE: u32 = 20;

/// How a proxy session was asked for: the refusal is said there, beside what was tapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Way {
    /// The member card, scanned or its number typed.
    Card,
    /// One of the delegate's family.
    Family,
    /// A villager found by name.
    Name,
}

/// A refusal (or a failure that may pass, with `failure` to retry) of the last request, and
/// the way it came.
#[derive(Debug, Clone)]
struct Refused {
    way: Way,
    text: Text,
    failure: Option<ApiFailure>,
}

/// What a refused `POST /proxy/sessions` means, asked `way`. `yourself`: a 403 can only be
/// about the person themselves (they picked their own name, or they are a 代办员 and their
/// card was read: the server's other 403 is for who may act for nobody).
fn open_trouble(failure: &ApiFailure, way: Way, yourself: bool) -> Text {
    match (failure.code(), way) {
        (Some(ErrorCode::NotFound), Way::Card) => Text::CardNotFound,
        (Some(ErrorCode::NotFound), _) => Text::ProxyNotAllowed,
        (Some(ErrorCode::InvalidInput), Way::Card) => Text::CardNoInvalid,
        (Some(ErrorCode::Forbidden), _) if yourself => Text::ProxyYourself,
        (Some(ErrorCode::Forbidden), _) => Text::ProxyForbidden,
        (Some(ErrorCode::PersonClosed), _) => Text::ProxyPersonClosed,
        _ => explain(failure),
    }
}

/// `/proxy` (代办).
#[component]
pub fn ProxyPage() -> impl IntoView {
    require_sign_in();
    let session = use_session();
    let signed_in = Memo::new(move |_| session.me.with(Option::is_some));
    let acting = Memo::new(move |_| session.proxy.with(Option::is_some));
    view! {
        <TabbedScreen>
            {move || match (signed_in.get(), acting.get()) {
                (false, _) => view! { <ListSkeleton /> }.into_any(),
                (true, true) => view! { <Active /> }.into_any(),
                (true, false) => view! { <Start /> }.into_any(),
            }}
        </TabbedScreen>
    }
}

/// The proxy session in use: for whom, what is left, until when; 去代办 and 结束代办.
#[component]
fn Active() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let end = move |_| session.stop_proxy();
    move || {
        session.proxy.get().map(|proxy| {
            let name = proxy.person_name.clone();
            let left = proxy.allowance;
            let until = proxy.expires_at.clone();
            view! {
                <h1 class="region-name">{tr(Text::ProxyActiveTitle)}</h1>
                <section class="card proxy-active" data-testid="proxy-active">
                    <p class="preview-name">{move || proxy_for(locale.get(), &name)}</p>
                    <p class="hint">{proxy.village_name.clone()}</p>
                    <p>{move || proxy_allowance(locale.get(), left.actions_left, left.points_left)}</p>
                    <p class="hint">{move || proxy_until(locale.get(), &time::when(locale.get(), &until))}</p>
                    <a class="primary wide link-button" href="/" data-testid="proxy-go-on">{tr(Text::GoOnProxy)}</a>
                    <button class="secondary wide" type="button" data-testid="proxy-stop" on:click=end>
                        {tr(Text::EndProxy)}
                    </button>
                </section>
            }
        })
    }
}

/// Opens a proxy session asked `way` with `body` and, once open, goes to the villager's 首页;
/// a refusal, or a failure that may pass, goes to `said`.
fn opener(
    busy: RwSignal<bool>,
    said: RwSignal<Option<Refused>>,
) -> impl Fn(Way, OpenProxySession) + Clone + Send + Sync + 'static {
    let session = use_session();
    let navigate = use_navigate();
    move |way: Way, body: OpenProxySession| {
        if busy.get_untracked() {
            return;
        }
        said.set(None);
        let yourself = untrack(|| match (way, body.person_id) {
            (_, Some(id)) => session.own_me().is_some_and(|me| me.id == id),
            (Way::Card, None) => session.holds(Role::ProxyAgent),
            _ => false,
        });
        let navigate = navigate.clone();
        let call = async move {
            let opened = session.call(&OpenProxy, &body).await?;
            session.act_for(opened).await
        };
        mutate(busy, call, move |answer| match answer {
            Ok(()) => navigate("/", Default::default()),
            Err(failure) => {
                let text = if worth_retrying(&failure) {
                    explain(&failure)
                } else {
                    open_trouble(&failure, way, yourself)
                };
                said.try_set(Some(Refused {
                    way,
                    text,
                    failure: Some(failure),
                }));
            }
        });
    }
}

/// No proxy session: the ways to open one this person has.
#[component]
fn Start() -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let delegations = use_delegations();
    let agent = Memo::new(move |_| session.holds(Role::ProxyAgent));
    let family = Memo::new(move |_| crate::proxy::has_family(delegations));
    let known = Memo::new(move |_| delegations.with(Option::is_some));
    // Said here once (the banner no longer sends anyone back here for it).
    let ended = session.proxy_ended.get_untracked();
    if ended {
        session.proxy_ended.set(false);
    }
    // 结束代办 just tapped: for whom it ended.
    let left = session.proxy_left.get_untracked();
    if left.is_some() {
        session.proxy_left.set(None);
    }
    let busy = RwSignal::new(false);
    let said = RwSignal::new(None::<Refused>);
    let open = opener(busy, said);
    let last = StoredValue::new(None::<(Way, OpenProxySession)>);
    let send = Callback::new(move |(way, body): (Way, OpenProxySession)| {
        last.set_value(Some((way, body.clone())));
        open(way, body);
    });
    let retry = Callback::new(move |_| {
        if let Some(asked) = last.get_value() {
            send.run(asked);
        }
    });
    view! {
        <h1 class="region-name">{tr(Text::ProxyTitle)}</h1>
        {ended.then(|| view! {
            <p class="form-notice error" role="alert" data-testid="proxy-ended">{tr(Text::ProxyEnded)}</p>
        })}
        {left.map(|name| view! {
            <p class="form-notice" role="status" data-testid="proxy-left">{move || proxy_left(locale.get(), &name)}</p>
        })}
        {move || agent.get().then(|| view! { <ByCard send busy said retry /> })}
        {move || family.get().then(|| view! { <Family send busy said retry /> })}
        {move || agent.get().then(|| view! { <ByName send busy said retry /> })}
        {move || match (agent.get(), family.get(), known.get()) {
            (false, false, false) => view! { <ListSkeleton /> }.into_any(),
            (false, false, true) => notice(Text::NotProxy, "/me", Text::Mine).into_any(),
            _ => ().into_any(),
        }}
    }
}

/// The refusal of the last request when it came `way`: right where it was asked, brought into
/// view (with `around`, the form it belongs to: the field and what is said of it together).
#[component]
fn Refusal(
    way: Way,
    said: RwSignal<Option<Refused>>,
    retry: Callback<()>,
    #[prop(optional)] around: Option<NodeRef<leptos::html::Form>>,
) -> impl IntoView {
    move || {
        said.get()
            .filter(|r| r.way == way)
            .map(|refused| view! { <RefusalNote refused retry around /> })
    }
}

/// One refusal said: a plain sentence, or 重试 for a failure that may pass.
#[component]
fn RefusalNote(
    refused: Refused,
    retry: Callback<()>,
    around: Option<NodeRef<leptos::html::Form>>,
) -> impl IntoView {
    let shown = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| match around.and_then(|form| form.get()) {
        Some(form) => bring_into_view(&form),
        None => {
            if let Some(div) = shown.get() {
                bring_into_view(&div);
            }
        }
    });
    let Refused { text, failure, .. } = refused;
    let note = match failure.filter(worth_retrying) {
        Some(failure) => view! { <Trouble failure text retry /> }.into_any(),
        None => view! {
            <p class="form-notice error" role="alert" data-testid="proxy-error">{tr(text)}</p>
        }
        .into_any(),
    };
    view! { <div class="proxy-refusal" node_ref=shown>{note}</div> }
}

/// The member card: scanned, or its number typed; what is refused said under the number.
#[component]
fn ByCard(
    send: Callback<(Way, OpenProxySession)>,
    busy: RwSignal<bool>,
    said: RwSignal<Option<Refused>>,
    retry: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let typed = RwSignal::new(String::new());
    let on_read = Callback::new(move |code: String| {
        send.run((
            Way::Card,
            OpenProxySession {
                member_code: Some(code),
                ..Default::default()
            },
        ))
    });
    let submit = move || match normalize_card_no(&typed.get_untracked()) {
        Some(card_no) => send.run((
            Way::Card,
            OpenProxySession {
                card_no: Some(card_no),
                ..Default::default()
            },
        )),
        None => said.set(Some(Refused {
            way: Way::Card,
            text: Text::CardNoInvalid,
            failure: None,
        })),
    };
    // Typing again takes back what was said.
    let value = Typed::new(
        move || typed.get(),
        move |text| {
            typed.set(text);
            said.set(None);
        },
    );
    let form = NodeRef::<leptos::html::Form>::new();
    view! {
        <p class="hint">{tr(Text::ProxyHint)}</p>
        <super::keeper::QrReader on_read busy hint=Text::ScanCardHint no_scanner=Text::NoScannerCard />
        <form class="form code-form" node_ref=form on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit(); }>
            <TextField
                label=Text::CardNo
                value
                placeholder=Text::CardNoPlaceholder
                name="card_no"
                kind=Kind::Integer
                max=16
                testid="proxy-card-no"
                row="code-row"
            >
                <button class="primary small" type="submit" data-testid="proxy-card-submit" disabled=move || busy.get()>
                    {move || t(locale.get(), if busy.get() { Text::OpeningProxy } else { Text::StartProxy })}
                </button>
            </TextField>
            <Refusal way=Way::Card said retry around=form />
        </form>
    }
}

/// A family delegate's villagers, one tap each.
#[component]
fn Family(
    send: Callback<(Way, OpenProxySession)>,
    busy: RwSignal<bool>,
    said: RwSignal<Option<Refused>>,
    retry: Callback<()>,
) -> impl IntoView {
    let delegations = use_delegations();
    view! {
        <h2 class="section-title">{tr(Text::MyFamilyTitle)}</h2>
        <p class="hint">{tr(Text::MyFamilyHint)}</p>
        <ul class="list" data-testid="proxy-family">
            <For
                each=move || delegations.get().unwrap_or_default()
                key=|d| d.id
                children=move |d| {
                    let person_id = d.person_id;
                    view! {
                        <li>
                            <button
                                class="row proxy-pick"
                                type="button"
                                data-testid="proxy-family-person"
                                disabled=move || busy.get()
                                on:click=move |_| send.run((Way::Family, OpenProxySession { person_id: Some(person_id), ..Default::default() }))
                            >
                                <span class="row-name">{d.person_name.clone()}</span>
                                <span class="badge">{tr(Text::ActFor)}</span>
                            </button>
                        </li>
                    }
                }
            />
        </ul>
        <Refusal way=Way::Family said retry />
    }
}

/// Whether `person` is one a 代办员 of `village` may pick: a villager of that village (the
/// registry lists staff accounts too), not the agent (`own`) themselves.
fn pickable(person: &PersonListing, village: &RegionCode, own: Option<i64>) -> bool {
    Some(person.id) != own
        && person
            .roles
            .iter()
            .any(|g| g.role == Role::Villager && g.region_code == *village)
}

/// A 代办员's village: its villagers found by name (`GET /admin/people`), one tap each.
#[component]
fn ByName(
    send: Callback<(Way, OpenProxySession)>,
    busy: RwSignal<bool>,
    said: RwSignal<Option<Refused>>,
    retry: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    // The village of the current role when it is a 代办员's, else of their first such role.
    let village = Memo::new(move |_| {
        let current = session
            .current
            .get()
            .filter(|g| g.role == Role::ProxyAgent)
            .map(|g| g.region_code);
        current.or_else(|| {
            session.own_me().and_then(|me| {
                me.roles
                    .into_iter()
                    .find(|g| g.role == Role::ProxyAgent)
                    .map(|g| g.region_code)
            })
        })
    });
    let typed = RwSignal::new(String::new());
    let hint = RwSignal::new(None::<Text>);
    let finding = RwSignal::new(false);
    let found = RwSignal::new(None::<Result<Vec<PersonListing>, ApiFailure>>);
    let find = move || {
        let Some(region): Option<RegionCode> = village.get_untracked() else {
            return;
        };
        // Another search: what the last card or pick was refused is past.
        said.set(None);
        hint.set(None);
        let wanted = match lookup(&typed.get_untracked()) {
            Lookup::Everyone => {
                hint.set(Some(Text::NameRequired));
                return;
            }
            Lookup::PartialPhone => {
                hint.set(Some(Text::PhoneInvalid));
                return;
            }
            wanted => wanted,
        };
        let own = untrack(|| session.own_me().map(|me| me.id));
        let list = people(&region, &wanted, FOUND_SIZE, None);
        let call = async move { session.call(&list, &()).await };
        mutate(finding, call, move |answer| {
            let villagers = answer.map(|page| {
                page.items
                    .into_iter()
                    .filter(|p| pickable(p, &region, own))
                    .collect()
            });
            found.try_set(Some(villagers));
        });
    };
    view! {
        <h2 class="section-title">{tr(Text::ProxyFindTitle)}</h2>
        <p class="hint">{tr(Text::ProxyFindHint)}</p>
        <form class="find card" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); find(); }>
            <TextField label=Text::FindVillager value=Typed::clearing(typed, hint) placeholder=Text::FindPlaceholder name="find" kind=Kind::Search max=50 row="find-row" testid="proxy-find">
                <button class="secondary" type="submit" disabled=move || finding.get()>
                    {move || t(locale.get(), if finding.get() { Text::Finding } else { Text::Find })}
                </button>
            </TextField>
            {move || hint.get().map(|text| view! { <p class="form-notice error" role="alert">{tr(text)}</p> })}
        </form>
        {move || match found.get() {
            None => ().into_any(),
            Some(Err(failure)) => {
                let text = explain(&failure);
                view! { <Trouble failure text retry=Callback::new(move |_| find()) /> }.into_any()
            }
            Some(Ok(list)) if list.is_empty() => {
                view! { <p class="empty">{tr(Text::NoPeopleFound)}</p> }.into_any()
            }
            Some(Ok(list)) => view! {
                <ul class="list found" data-testid="proxy-found">
                    {list.into_iter().map(|p| {
                        let person_id = p.id;
                        view! {
                            <li>
                                <button
                                    class="row proxy-pick"
                                    type="button"
                                    data-testid="proxy-found-person"
                                    disabled=move || busy.get()
                                    on:click=move |_| send.run((Way::Name, OpenProxySession { person_id: Some(person_id), ..Default::default() }))
                                >
                                    <span class="person-text">
                                        <span class="person-name">{p.name}</span>
                                        <span class="person-sub">
                                            {phone_of(p.phone.as_deref())}
                                            {p.household.map(|h| format!(" · {h}"))}
                                        </span>
                                    </span>
                                    <span class="badge">{tr(Text::ActFor)}</span>
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
                .into_any(),
        }}
        <Refusal way=Way::Name said retry />
    }
}

/// `/proxy/receipts/{no}`: a receipt to print.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    require_sign_in();
    let session = use_session();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("no").unwrap_or_default());
    let receipt = LocalResource::new(move || {
        let receipt_no = number.get();
        let signed_in = session.me.with(Option::is_some);
        async move {
            if !signed_in {
                return None;
            }
            Some(session.call(&ProxyReceiptOf { receipt_no }, &()).await)
        }
    });
    let retry = Callback::new(move |_| receipt.refetch());
    view! {
        <TopBar />
        <main class="content">
            {move || match receipt.get() {
                None | Some(None) => view! { <ListSkeleton /> }.into_any(),
                Some(Some(Ok(r))) => view! { <Slip receipt=r /> }.into_any(),
                Some(Some(Err(failure))) => {
                    view! { <Failure failure not_found=Text::ReceiptNotFound retry /> }.into_any()
                }
            }}
        </main>
    }
}

/// The slip: 代办回执 and its lines, 打印, and the way on.
#[component]
fn Slip(receipt: ProxyReceipt) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let acting = Memo::new(move |_| session.proxy.with(Option::is_some));
    let ProxyReceipt {
        receipt_no,
        action,
        summary,
        points,
        person_name,
        village_name,
        agent_name,
        kind,
        sms_to,
        created_at,
        pickup,
        ..
    } = receipt;
    let line = |label: Text, value: AnyView| {
        view! {
            <div class="receipt-line">
                <dt>{tr(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <article class="card receipt" data-testid="receipt" data-receipt=receipt_no.clone()>
            <h1 class="receipt-title">{tr(Text::ReceiptTitle)}</h1>
            <dl class="receipt-lines">
                {line(Text::ReceiptNo, view! { <strong translate="no" data-testid="receipt-no">{card_no_printed(&receipt_no)}</strong> }.into_any())}
                {line(Text::ReceiptTime, time::when_text(created_at).into_any())}
                {line(Text::ReceiptWhat, view! { {move || proxy_action(locale.get(), action)}" · "{summary} }.into_any())}
                {(points != 0).then(|| line(Text::Points, signed(-points.abs()).into_any()))}
                {line(Text::Villager, person_name.into_any())}
                {line(Text::Village, village_name.into_any())}
                {line(Text::ReceiptAgent, view! { {move || proxy_agent(locale.get(), kind, &agent_name)} }.into_any())}
            </dl>
            <p class="receipt-sms" data-testid="receipt-sms">
                {move || match &sms_to {
                    Some(phone) => sms_sent(locale.get(), phone),
                    None => t(locale.get(), Text::NoSms).to_owned(),
                }}
            </p>
            {pickup.map(|p| {
                let code = match (p.short_code.get(..4), p.short_code.get(4..)) {
                    (Some(head), Some(tail)) => format!("{head} {tail}"),
                    _ => p.short_code.clone(),
                };
                let label = Signal::derive(move || t(locale.get(), Text::PickupTitle).to_owned());
                view! {
                    <div class="receipt-pickup" data-testid="receipt-pickup">
                        <p class="receipt-pickup-title">{tr(Text::PickupTitle)}</p>
                        <crate::qr::QrImage text=p.qr_token label testid="receipt-pickup-qr" />
                        <p class="receipt-pickup-code" translate="no" data-testid="receipt-pickup-code">{code}</p>
                        <p class="hint">{tr(Text::PickupBefore)}" "{time::when_text(p.expires_at)}</p>
                    </div>
                }
            })}
        </article>
        <div class="receipt-actions no-print">
            <button class="primary wide" type="button" data-testid="receipt-print" on:click=print>{tr(Text::Print)}</button>
            {move || if acting.get() {
                view! { <a class="secondary wide link-button" href="/">{tr(Text::ContinueProxy)}</a> }.into_any()
            } else {
                view! { <a class="secondary wide link-button" href=PATH>{tr(Text::ProxyTitle)}</a> }.into_any()
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(code: ErrorCode) -> ApiFailure {
        ApiFailure::Server(jifen_shared::ApiErrorBody {
            code,
            message: String::new(),
        })
    }

    #[test]
    fn a_refused_card_is_said_plainly() {
        let card = |code| open_trouble(&server(code), Way::Card, true);
        assert_eq!(card(ErrorCode::NotFound), Text::CardNotFound);
        assert_eq!(card(ErrorCode::InvalidInput), Text::CardNoInvalid);
        assert_eq!(card(ErrorCode::CardRevoked), Text::CardRevoked);
        assert_eq!(card(ErrorCode::ProxyLimitReached), Text::ProxyLimitReached);
        assert_eq!(card(ErrorCode::Forbidden), Text::ProxyYourself);
        assert_eq!(
            open_trouble(&server(ErrorCode::Forbidden), Way::Card, false),
            Text::ProxyForbidden
        );
    }

    #[test]
    fn a_refused_pick_is_not_said_as_a_card() {
        let picked = |code, way| open_trouble(&server(code), way, false);
        assert_eq!(
            picked(ErrorCode::NotFound, Way::Name),
            Text::ProxyNotAllowed
        );
        assert_eq!(
            picked(ErrorCode::NotFound, Way::Family),
            Text::ProxyNotAllowed
        );
        assert_eq!(
            picked(ErrorCode::Forbidden, Way::Name),
            Text::ProxyForbidden
        );
        assert_eq!(
            open_trouble(&server(ErrorCode::Forbidden), Way::Name, true),
            Text::ProxyYourself
        );
        assert_eq!(
            picked(ErrorCode::PersonClosed, Way::Name),
            Text::ProxyPersonClosed
        );
    }

    #[test]
    fn only_the_villagers_of_the_village_are_picked() {
        use jifen_shared::auth::RoleGrant;
        let village = RegionCode::parse("410783101213").unwrap();
        let grant = |role, code: &str| RoleGrant {
            role,
            region_code: RegionCode::parse(code).unwrap(),
        };
        let person = |id, roles| PersonListing {
            id,
            name: "于桂英".into(),
            phone: None,
            phone_masked: false,
            birth_year: None,
            card_no: None,
            village_code: Some(village.to_string()),
            grid_code: None,
            household: None,
            tags: Vec::new(),
            roles,
            closed: None,
        };
        let villager = person(1, vec![grant(Role::Villager, "410783101213")]);
        assert!(pickable(&villager, &village, Some(9)));
        assert!(!pickable(&villager, &village, Some(1)), "not the agent");
        let staff = person(2, vec![grant(Role::VillageAdmin, "410783101213")]);
        assert!(!pickable(&staff, &village, Some(9)));
        let elsewhere = person(3, vec![grant(Role::Villager, "410783101201")]);
        assert!(!pickable(&elsewhere, &village, Some(9)));
    }
}
