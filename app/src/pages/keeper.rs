//! 扫码 (`/keeper`): the points-supermarket keeper's counter, their first tab.
//!
//! The camera opens at once where the browser can read QR codes ([`crate::scanner`]); the
//! code field is always under it, for when the camera fails or the phone has no decoder: a
//! reservation's 8-character code, or the 10 digits of the villager's member card. A member
//! card (or the app's member code) read or typed finds the villager's reservation to collect
//! here — how a villager without a phone collects what a 代办员 reserved for them. A code read or typed is looked up (`POST /shop/scan`): the preview shows the
//! villager's masked name (张*明), the items and the points, and 确认交付 hands the goods over
//! in one tap (`POST /shop/redemptions/{id}/fulfil`). The outcome fills the screen: green
//! 已兑换 ✓, or red 已被兑换 / 已过期 / 不是本店的兑换单, then 继续扫码.
//!
//! A code that does not exist, or is typed wrong, is said under the field (the keeper types it
//! again); a handing-over whose answer was lost is tapped again safely (the server answers a
//! repeat by the same keeper with the redemption as it is).
//!
//! Who may: anyone holding the `keeper` role (me.roles); which shop is the server's to check
//! (403 for another shop's redemption).

use jifen_shared::ErrorCode;
use jifen_shared::api::{FulfilRedemption, Scan};
use jifen_shared::auth::Role;
use jifen_shared::proxy::normalize_card_no;
use jifen_shared::shop::{Redemption, ScanRequest, is_member_code, normalize_short_code};
use leptos::prelude::*;

use super::redemptions::RedemptionLines;
use super::{ListSkeleton, TabbedScreen, Trouble, explain, require_sign_in, worth_retrying};
use crate::api::ApiFailure;
use crate::components::{Kind, TextField, Typed, mutate, notice};
use crate::i18n::{Text, goods_times, points_text, t, tr, use_locale};
use crate::scanner::{Camera, Detector};
use crate::session::use_session;
use crate::time;

/// How often the camera's picture is looked at for a code.
const FRAME_MS: i32 = 250;

/// Why the counter refuses a redemption, said full-screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    AlreadyFulfilled,
    /// Lapsed or cancelled: the points went back.
    Expired,
    NotYourShop,
    NotFound,
}

impl Refusal {
    fn title(self) -> Text {
        match self {
            Refusal::AlreadyFulfilled => Text::ResultAlreadyFulfilled,
            Refusal::Expired => Text::ResultExpired,
            Refusal::NotYourShop => Text::ResultNotYourShop,
            Refusal::NotFound => Text::RedemptionNotFound,
        }
    }

    fn hint(self) -> Text {
        match self {
            Refusal::AlreadyFulfilled => Text::ResultAlreadyFulfilledHint,
            Refusal::Expired => Text::ResultExpiredHint,
            Refusal::NotYourShop => Text::ResultNotYourShopHint,
            Refusal::NotFound => Text::ResultNotFoundHint,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Refusal::AlreadyFulfilled => "already_fulfilled",
            Refusal::Expired => "expired",
            Refusal::NotYourShop => "not_your_shop",
            Refusal::NotFound => "not_found",
        }
    }
}

/// The refusal a failed scan or hand-over means, if it is one.
pub fn refusal_of(failure: &ApiFailure) -> Option<Refusal> {
    match failure.code()? {
        ErrorCode::AlreadyFulfilled => Some(Refusal::AlreadyFulfilled),
        ErrorCode::Expired => Some(Refusal::Expired),
        ErrorCode::Forbidden => Some(Refusal::NotYourShop),
        ErrorCode::NotFound => Some(Refusal::NotFound),
        _ => None,
    }
}

/// What a failed look-up means, said under the code field (the keeper types it again), when
/// it is not a full-screen refusal. `by_card`: the villager's member card or code was read
/// (their reservations were looked for), not a reservation's code.
pub fn scan_trouble(failure: &ApiFailure, by_card: bool) -> Option<Text> {
    match (failure.code()?, by_card) {
        (ErrorCode::NotFound, false) => Some(Text::CodeNotFound),
        (ErrorCode::NotFound, true) => Some(Text::NothingToCollect),
        (ErrorCode::InvalidInput, false) => Some(Text::ShortCodeInvalid),
        (ErrorCode::InvalidInput, true) => Some(Text::CardNoInvalid),
        (ErrorCode::CardRevoked, _) => Some(Text::CardRevoked),
        _ => None,
    }
}

/// Whether `request` looks for the villager's reservations by their card or member code.
fn by_card(request: &ScanRequest) -> bool {
    request.card_no.is_some() || request.qr_token.as_deref().is_some_and(is_member_code)
}

/// Where the counter stands.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Scanning,
    Preview(Box<Redemption>),
    Handed(Box<Redemption>),
    Refused(Refusal),
}

/// Whether the signed-in person keeps a shop (holds the `keeper` role), `None` while the
/// sign-in runs: a memo, so a token refresh does not reset a screen.
pub fn is_keeper() -> Memo<Option<bool>> {
    let session = use_session();
    Memo::new(move |_| {
        session.me.with(|m| {
            m.as_ref()
                .map(|m| m.roles.iter().any(|g| g.role == Role::Keeper))
        })
    })
}

/// A keeper's screen: `screen` for keepers, else a plain "无权限" with the way to 我的.
#[component]
pub fn KeeperScreen(screen: fn() -> AnyView) -> impl IntoView {
    require_sign_in();
    let keeper = is_keeper();
    view! {
        <TabbedScreen>
            {move || match keeper.get() {
                None => view! { <ListSkeleton /> }.into_any(),
                Some(true) => screen(),
                Some(false) => notice(Text::NotKeeper, "/me", Text::SwitchRole).into_any(),
            }}
        </TabbedScreen>
    }
}

/// `/keeper` (扫码): the counter.
#[component]
pub fn KeeperPage() -> impl IntoView {
    view! { <KeeperScreen screen=|| view! { <Counter /> }.into_any() /> }
}

/// Scan, preview, hand over, outcome.
#[component]
fn Counter() -> impl IntoView {
    let session = use_session();
    let step = RwSignal::new(Step::Scanning);
    let busy = RwSignal::new(false);
    let hint = RwSignal::new(None::<Text>);
    let trouble = RwSignal::new(None::<(ApiFailure, Text)>);
    let last_scan = StoredValue::new(None::<ScanRequest>);

    let look_up = move |request: ScanRequest| {
        if busy.get_untracked() {
            return;
        }
        hint.set(None);
        trouble.set(None);
        last_scan.set_value(Some(request.clone()));
        let card = by_card(&request);
        let call = async move {
            let request = &request;
            session.call(&Scan, request).await
        };
        mutate(busy, call, move |result| match result {
            Ok(redemption) => {
                step.try_set(Step::Preview(Box::new(redemption)));
            }
            Err(failure) => match (scan_trouble(&failure, card), refusal_of(&failure)) {
                (Some(text), _) => {
                    hint.try_set(Some(text));
                }
                (None, Some(refusal)) => {
                    step.try_set(Step::Refused(refusal));
                }
                (None, None) => {
                    let text = explain(&failure);
                    trouble.try_set(Some((failure, text)));
                }
            },
        });
    };
    let hand_over = move |id: i64| {
        if busy.get_untracked() {
            return;
        }
        trouble.set(None);
        let call = async move { session.call(&FulfilRedemption { id }, &()).await };
        mutate(busy, call, move |result| match result {
            Ok(redemption) => {
                step.try_set(Step::Handed(Box::new(redemption)));
            }
            Err(failure) => match refusal_of(&failure) {
                Some(refusal) => {
                    step.try_set(Step::Refused(refusal));
                }
                None => {
                    let text = if worth_retrying(&failure) {
                        Text::HandOverNetwork
                    } else {
                        explain(&failure)
                    };
                    trouble.try_set(Some((failure, text)));
                }
            },
        });
    };
    let again = Callback::new(move |_| {
        hint.set(None);
        trouble.set(None);
        step.set(Step::Scanning);
    });
    let retry_scan = Callback::new(move |_| {
        if let Some(request) = last_scan.get_value() {
            look_up(request);
        }
    });
    let on_read = Callback::new(move |token: String| {
        look_up(ScanRequest {
            qr_token: Some(token),
            ..ScanRequest::default()
        })
    });
    let on_typed = Callback::new(move |request: ScanRequest| look_up(request));
    move || {
        match step.get() {
        Step::Scanning => view! {
            <ScanView on_read on_typed busy hint />
            {move || trouble.get().map(|(failure, text)| view! { <Trouble failure text retry=retry_scan /> })}
        }
        .into_any(),
        Step::Preview(redemption) => {
            let id = redemption.id;
            view! {
                <Preview redemption=*redemption busy hand_over=Callback::new(move |_| hand_over(id)) again />
                {move || trouble.get().map(|(failure, text)| view! {
                    <Trouble failure text retry=Callback::new(move |_| hand_over(id)) />
                })}
            }
            .into_any()
        }
        Step::Handed(redemption) => view! { <Handed redemption=*redemption again /> }.into_any(),
        Step::Refused(refusal) => view! { <Refused refusal again /> }.into_any(),
    }
    }
}

/// How the camera stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CameraState {
    /// The browser cannot read QR codes: type the code.
    NoScanner,
    Starting,
    Live,
    /// No camera, or not allowed.
    Unavailable,
}

/// The camera, where the browser reads QR codes: every code it reads goes to `on_read`
/// (while not `busy`; the same code twice in a row once); a plain note when it cannot
/// (`no_scanner`: what to do instead). The camera is off once this leaves the screen.
#[component]
pub fn QrReader(
    on_read: Callback<String>,
    busy: RwSignal<bool>,
    hint: Text,
    no_scanner: Text,
) -> impl IntoView {
    let detector = Detector::new();
    let camera = RwSignal::new(if detector.is_some() {
        CameraState::Starting
    } else {
        CameraState::NoScanner
    });
    let video = NodeRef::<leptos::html::Video>::new();
    if let Some(detector) = detector {
        video.on_load(move |element| {
            leptos::task::spawn_local(async move {
                let Ok(stream) = Camera::open(&element).await else {
                    camera.try_set(CameraState::Unavailable);
                    return;
                };
                // Gone meanwhile: dropping the stream turns the camera off.
                if camera.try_set(CameraState::Live).is_some() {
                    return;
                }
                let mut last = String::new();
                loop {
                    time::sleep(FRAME_MS).await;
                    // The screen left (the signal is gone): stop, and the camera goes off.
                    if camera.try_get_untracked().is_none() {
                        break;
                    }
                    if busy.try_get_untracked().unwrap_or(true) {
                        continue;
                    }
                    // The same code twice in a row is one reading.
                    if let Some(text) = detector.read(&element).await
                        && text != last
                    {
                        last = text.clone();
                        on_read.run(text);
                    }
                }
                drop(stream);
            });
        });
    }
    let camera_note = move || match camera.get() {
        CameraState::NoScanner => Some(no_scanner),
        CameraState::Starting => Some(Text::CameraStarting),
        CameraState::Unavailable => Some(Text::CameraUnavailable),
        CameraState::Live => None,
    };
    let show_video = move || matches!(camera.get(), CameraState::Starting | CameraState::Live);
    view! {
        <div class="scan-frame" class:hidden=move || !show_video()>
            <video class="scan-video" node_ref=video autoplay=true muted=true playsinline=true data-testid="scan-video"></video>
            <span class="scan-target" aria-hidden="true"></span>
        </div>
        {move || (camera.get() == CameraState::Live).then(|| view! { <p class="hint scan-hint">{tr(hint)}</p> })}
        {move || camera_note().map(|text| view! {
            <p class="hint scan-note" data-testid="scan-note">{tr(text)}</p>
        })}
    }
}

/// The camera (where it can read codes) and, always, the code field.
#[component]
fn ScanView(
    on_read: Callback<String>,
    on_typed: Callback<ScanRequest>,
    busy: RwSignal<bool>,
    hint: RwSignal<Option<Text>>,
) -> impl IntoView {
    let locale = use_locale();
    let typed = RwSignal::new(String::new());
    // The refusal appears under the code field, at the foot of the screen above the tab
    // bar: brought into view so the keeper reads it whole.
    let hint_shown = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        hint.track();
        if let Some(p) = hint_shown.get() {
            crate::components::bring_into_view(&p);
        }
    });
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        // A reservation's 8-character code, or the 10 digits of the villager's member card.
        let typed = typed.get_untracked();
        if let Some(code) = normalize_short_code(&typed) {
            on_typed.run(ScanRequest {
                short_code: Some(code),
                ..ScanRequest::default()
            });
        } else if let Some(card_no) = normalize_card_no(&typed) {
            on_typed.run(ScanRequest {
                card_no: Some(card_no),
                ..ScanRequest::default()
            });
        } else {
            hint.set(Some(Text::ShortCodeInvalid));
        }
    };
    view! {
        <h1 class="region-name">{tr(Text::ScanRedeem)}</h1>
        <QrReader on_read busy hint=Text::ScanHint no_scanner=Text::NoScanner />
        <form class="form code-form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); submit(); }>
            <TextField
                label=Text::ShortCode
                value=Typed::new(move || typed.get(), move |text: String| {
                    typed.set(text.to_uppercase());
                    hint.set(None);
                })
                placeholder=Text::ShortCodePlaceholder
                name="short_code"
                kind=Kind::Code
                max=14
                testid="short-code"
                class="short-code"
                row="code-row"
            >
                <button class="primary small" type="submit" data-testid="short-code-submit" disabled=move || busy.get()>
                    {move || t(locale.get(), if busy.get() { Text::LookingUp } else { Text::LookUp })}
                </button>
            </TextField>
            {move || hint.get().map(|text| view! {
                <p class="form-notice error" role="alert" data-testid="scan-error" node_ref=hint_shown>{tr(text)}</p>
            })}
        </form>
    }
}

/// The redemption before the goods go over the counter.
#[component]
fn Preview(
    redemption: Redemption,
    busy: RwSignal<bool>,
    hand_over: Callback<()>,
    again: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let Redemption {
        shop_name,
        points,
        items,
        villager_name,
        created_at,
        proxy,
        ..
    } = redemption;
    view! {
        <section class="card preview" data-testid="keeper-preview">
            <p class="field-label">{tr(Text::Villager)}</p>
            <p class="preview-name" data-testid="preview-villager">{villager_name.unwrap_or_default()}</p>
            {crate::proxy::proxy_line(proxy)}
            <RedemptionLines items points preview=true />
            <p class="hint">{shop_name}" · "{time::when_text(created_at)}</p>
            <button class="primary wide" type="button" data-testid="keeper-fulfil" disabled=move || busy.get() on:click=move |_| hand_over.run(())>
                {move || t(locale.get(), if busy.get() { Text::HandingOver } else { Text::HandOver })}
            </button>
            <button class="text-button" type="button" data-testid="keeper-rescan" disabled=move || busy.get() on:click=move |_| again.run(())>
                {tr(Text::NotThisOne)}
            </button>
        </section>
    }
}

/// 已兑换 ✓, full-screen.
#[component]
fn Handed(redemption: Redemption, again: Callback<()>) -> impl IntoView {
    let Redemption {
        points,
        items,
        villager_name,
        ..
    } = redemption;
    let what = items
        .iter()
        .map(|i| goods_times(&i.name, i.qty))
        .collect::<Vec<_>>()
        .join("、");
    view! {
        <ResultScreen
            ok=true
            testid="keeper-result"
            outcome="handed"
            title=Text::Handed
            mark=" ✓"
            next=again
            next_text=Text::NextScan
            next_testid="keeper-next"
        >
            <p class="result-sub">{tr(Text::HandedHint)}</p>
            <p class="result-what">{what}</p>
            <p class="result-sub">
                {villager_name.unwrap_or_default()}" · "{points_text(points)}
            </p>
        </ResultScreen>
    }
}

/// 已被兑换 / 已过期 / 不是本店的兑换单, full-screen.
#[component]
fn Refused(refusal: Refusal, again: Callback<()>) -> impl IntoView {
    view! {
        <ResultScreen
            ok=false
            testid="keeper-result"
            outcome=refusal.name()
            title=refusal.title()
            next=again
            next_text=Text::NextScan
            next_testid="keeper-next"
        >
            <p class="result-sub">{tr(refusal.hint())}</p>
        </ResultScreen>
    }
}

/// A full-screen answer at the counter (handed over, refused, credited): a tick on green
/// (`ok`) or a cross on red, `title` (and a `mark` after it), what it is about (`children`),
/// and the button to the next one (`next`, in `next_text`).
#[component]
pub fn ResultScreen(
    ok: bool,
    testid: &'static str,
    /// `data-outcome`, for the browser journeys.
    #[prop(optional)]
    outcome: Option<&'static str>,
    title: Text,
    #[prop(optional)] mark: Option<&'static str>,
    next: Callback<()>,
    next_text: Text,
    next_testid: &'static str,
    children: Children,
) -> impl IntoView {
    let icon = if ok {
        view! {
            <path d="M14 25l7 7 13-15" fill="none" stroke="#1f7a35" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round" />
        }
        .into_any()
    } else {
        view! {
            <path d="M16 16l16 16 M32 16L16 32" fill="none" stroke="#8f241e" stroke-width="4.5" stroke-linecap="round" />
        }
        .into_any()
    };
    view! {
        <div class="result-screen" class:ok=ok class:fail=!ok role="alert" data-testid=testid data-outcome=outcome>
            <svg class="result-icon" viewBox="0 0 48 48" aria-hidden="true">
                <circle cx="24" cy="24" r="22" fill="#fff" />
                {icon}
            </svg>
            <h1 class="result-title">{tr(title)}{mark}</h1>
            {children()}
            <button class="result-next" type="button" data-testid=next_testid on:click=move |_| next.run(())>
                {tr(next_text)}
            </button>
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
    fn each_answer_of_the_counter_is_said_plainly() {
        assert_eq!(
            refusal_of(&server(ErrorCode::AlreadyFulfilled)),
            Some(Refusal::AlreadyFulfilled)
        );
        assert_eq!(
            refusal_of(&server(ErrorCode::Expired)),
            Some(Refusal::Expired)
        );
        assert_eq!(
            refusal_of(&server(ErrorCode::Forbidden)),
            Some(Refusal::NotYourShop)
        );
        assert_eq!(refusal_of(&ApiFailure::Network), None);
        // A code typed wrong is said under the field, not full-screen.
        assert_eq!(
            scan_trouble(&server(ErrorCode::NotFound), false),
            Some(Text::CodeNotFound)
        );
        // By the villager's card: nothing of theirs to collect, or a lost card.
        assert_eq!(
            scan_trouble(&server(ErrorCode::NotFound), true),
            Some(Text::NothingToCollect)
        );
        assert_eq!(
            scan_trouble(&server(ErrorCode::CardRevoked), true),
            Some(Text::CardRevoked)
        );
        assert_eq!(scan_trouble(&server(ErrorCode::Expired), false), None);
        assert_eq!(scan_trouble(&ApiFailure::Network, true), None);
    }

    #[test]
    fn a_member_card_is_told_from_a_reservation() {
        let card = ScanRequest {
            qr_token: Some("JFM1.abc.def".into()),
            ..ScanRequest::default()
        };
        assert!(by_card(&card));
        let reservation = ScanRequest {
            qr_token: Some("JF1.abc.def".into()),
            ..ScanRequest::default()
        };
        assert!(!by_card(&reservation));
        let typed = ScanRequest {
            card_no: Some("1234567897".into()),
            ..ScanRequest::default()
        };
        assert!(by_card(&typed));
    }
}
