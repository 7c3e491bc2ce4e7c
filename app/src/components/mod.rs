//! Pieces several screens share: a request started by a tap ([`mutation`]), a form kept in a
//! draft and sent once ([`draft_form`]), the text boxes ([`field`]), the photo button
//! ([`photo_button`](mod@photo_button)), the pieces of an upload ([`upload`]), the notice
//! with a way on, the chevron at the end of a row, the tick of something done, the one-of
//! buttons ([`Choice`]), and the signed-in person with their village (and the screens that
//! need one).

pub mod draft_form;
pub mod field;
pub mod mutation;
pub mod photo_button;
pub mod upload;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::ApiFailure;
use crate::i18n::{Text, t, tr, use_locale};
use crate::pages::{ListSkeleton, Trouble, explain};
use crate::session::use_session;

pub use draft_form::{DoneCard, DraftForm, DraftFormView};
pub use field::{Kind, NoteField, TextArea, TextField, TextInput, Typed};
pub use mutation::mutate;
pub use photo_button::photo_button;
pub use upload::{ProgressBar, picked_files};

/// The signed-in person and their village, as a memo: a token refresh (which sets the person
/// again) does not rebuild a form with uploads in flight.
pub fn person_and_village() -> Memo<Option<(i64, Option<String>)>> {
    let session = use_session();
    Memo::new(move |_| {
        session.me.with(|m| {
            m.as_ref()
                .map(|m| (m.id, m.village_code.as_ref().map(|v| v.to_string())))
        })
    })
}

/// The number in the path's `name` segment (`/earn/:rule`, `/services/orders/:id`), if it reads.
pub fn path_id(name: &'static str) -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get(name).and_then(|s| s.parse::<i64>().ok()))
}

/// A screen of the signed-in person's village: a skeleton until the person is known, a
/// notice with the way to 我的 when they have no village, else `show(person, village)`.
pub fn in_village<V: IntoView + 'static>(
    show: impl Fn(i64, String) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let who = person_and_village();
    move || match who.get() {
        None => view! { <ListSkeleton /> }.into_any(),
        Some((_, None)) => notice(Text::NoVillage, "/me", Text::Mine).into_any(),
        Some((person, Some(village))) => show(person, village).into_any(),
    }
}

/// [`in_village`] for one thing of the village named by the path (`/earn/{rule}`,
/// `/services/new/{type}`): `missing` (a sentence, and the way back with its words) when
/// the path's id does not read, else `show(person, village, id)`.
pub fn in_village_with<V: IntoView + 'static>(
    id: Memo<Option<i64>>,
    missing: (Text, &'static str, Text),
    show: impl Fn(i64, String, i64) -> V + Send + Sync + 'static,
) -> impl IntoView {
    let who = person_and_village();
    let (text, href, link) = missing;
    move || match (who.get(), id.get()) {
        (None, _) => view! { <ListSkeleton /> }.into_any(),
        (Some((_, None)), _) => notice(Text::NoVillage, "/me", Text::Mine).into_any(),
        (_, None) => notice(text, href, link).into_any(),
        (Some((person, Some(village))), Some(id)) => show(person, village, id).into_any(),
    }
}

/// A notice in the middle of a screen, with a way on.
pub fn notice(text: Text, href: &'static str, link: Text) -> impl IntoView {
    view! {
        <div class="notice" role="alert">
            <p class="notice-text">{tr(text)}</p>
            <a class="primary" href=href>{tr(link)}</a>
        </div>
    }
}

/// A failed load inside a screen: [`Trouble`] with the plain sentence for `failure`, and 重试
/// reading `resource` again.
pub fn load_trouble<T: 'static>(failure: ApiFailure, resource: LocalResource<T>) -> AnyView {
    let text = explain(&failure);
    view! { <Trouble failure text retry=Callback::new(move |_| resource.refetch()) /> }.into_any()
}

/// A chevron at the end of a row.
pub fn chevron() -> impl IntoView {
    view! {
        <svg class="chevron" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

/// A big tick in a green circle: something done (a claim or an order sent, goods collected).
pub fn done_icon() -> impl IntoView {
    view! {
        <svg class="done-icon" viewBox="0 0 48 48" aria-hidden="true">
            <circle cx="24" cy="24" r="22" fill="#e3f1e5" />
            <path d="M14 25l7 7 13-15" fill="none" stroke="#1f7a35" stroke-width="4" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

/// One button of a group of which one is chosen: a radio (`aria-checked`) or, where `tab`, a
/// tab (`aria-selected`), on while `chosen`; a tap calls `choose`.
#[component]
pub fn Choice(
    class: &'static str,
    #[prop(optional)] tab: bool,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(into)] chosen: Signal<bool>,
    #[prop(into)] choose: Callback<()>,
    children: Children,
) -> impl IntoView {
    let on = move || if chosen.get() { "true" } else { "false" };
    view! {
        <button
            class=class
            type="button"
            role=if tab { "tab" } else { "radio" }
            data-testid=testid
            aria-checked=move || (!tab).then(on)
            aria-selected=move || tab.then(on)
            on:click=move |_| choose.run(())
        >
            {children()}
        </button>
    }
}

/// Room left between what is brought into view and the bars over the page, in CSS pixels.
const VIEW_GAP: f64 = 12.0;

/// Scrolls the page the least that shows `element` whole (nothing when it already shows),
/// clear of the sticky top bar and of the 代办 banner under it. The browser keeps clear of the
/// bars by `html`'s scroll-padding (`app/style.css`: the tab bar at the bottom, the top bar and
/// the banner as they usually are); a banner that wrapped to more lines is measured here.
pub fn bring_into_view(element: &web_sys::Element) {
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
    element.scroll_into_view_with_scroll_into_view_options(&options);
    // On a screen of its own (the QR code, a sheet, a photo) nothing of the page covers it.
    if element
        .closest(".qr-screen, .sheet-backdrop, .zoom")
        .ok()
        .flatten()
        .is_some()
    {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let bar = |selector: &str| {
        document
            .query_selector(selector)
            .ok()
            .flatten()
            .map(|bar| bar.get_bounding_client_rect().bottom())
    };
    let Some(covered) = bar(".topbar + .proxy-banner").or_else(|| bar(".topbar")) else {
        return;
    };
    let top = element.get_bounding_client_rect().top();
    if top < covered + VIEW_GAP {
        window.scroll_by_with_x_and_y(0.0, top - covered - VIEW_GAP);
    }
}

/// The question asked once before an action that cannot be taken back (dismissing a grid
/// worker, cancelling a redemption, resetting a password): the question (`children`), a
/// primary button `yes` — saying `yes_busy` while `busy` — and a secondary `no`, both off while
/// `busy`. `small` buttons inside a list row; `testid` names the yes button.
#[component]
pub fn Confirm(
    yes: Text,
    #[prop(optional)] yes_busy: Option<Text>,
    no: Text,
    busy: RwSignal<bool>,
    #[prop(optional)] small: bool,
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(into)] on_yes: Callback<()>,
    #[prop(into)] on_no: Callback<()>,
    children: Children,
) -> impl IntoView {
    let locale = use_locale();
    let size = if small { " small" } else { "" };
    // The question appears where the tap was, often at the foot of the screen: its buttons
    // are brought into view (no scrolling when they already are).
    let shown = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if let Some(div) = shown.get() {
            bring_into_view(&div);
        }
    });
    view! {
        <div class="confirm" role="group" node_ref=shown>
            <p class="confirm-text">{children()}</p>
            <button
                class=format!("primary{size}")
                type="button"
                data-testid=testid
                disabled=move || busy.get()
                on:click=move |_| on_yes.run(())
            >
                {move || t(locale.get(), if busy.get() { yes_busy.unwrap_or(yes) } else { yes })}
            </button>
            <button
                class=format!("secondary{size}")
                type="button"
                disabled=move || busy.get()
                on:click=move |_| on_no.run(())
            >
                {tr(no)}
            </button>
        </div>
    }
}
