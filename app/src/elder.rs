//! 长辈模式 (elder mode): for the villagers who find the phone hard to read — the elderly
//! above all, most of those at home in a village. On: text at 22 px instead of 18 px, darker
//! secondary text and lines, 首页's actions one to a row, and 朗读 buttons that read the
//! balance and a goods item's name and price aloud in Mandarin through the browser's speech
//! synthesis (`window.speechSynthesis`), shown only where the browser has it.
//!
//! The switch is on 我的. The choice belongs to the phone, not the account (kept in
//! `localStorage` as `jifen.elder`, `1` on, `0` off): an elder's phone stays large whoever
//! signs in on it, and a 代办员's own phone does not turn large for the villager they act for.
//! Until the switch is touched on this phone, elder mode follows the signed-in person's
//! `elder_default` (the county's elder age by their birth year, [`Me::elder_default`]) —
//! their own, never the villager's they act for. It is applied as the class `elder` on
//! `<html>` (`app/style.css`, "长辈模式"), so every screen follows, rem sizes included.
//!
//! [`Me::elder_default`]: jifen_shared::auth::Me::elder_default

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use crate::i18n::{Locale, Text, t, tr, use_locale};

const STORAGE_KEY: &str = "jifen.elder";

/// Whether elder mode is on (context, [`provide_elder_mode`]).
#[derive(Debug, Clone, Copy)]
pub struct ElderMode(pub RwSignal<bool>);

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The choice made on this phone with the switch: `None` until it is touched.
fn chosen() -> Option<bool> {
    match storage()?.get_item(STORAGE_KEY).ok().flatten()?.as_str() {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// Puts the elder-mode signal in context, read from `localStorage`, and keeps the class on
/// `<html>` in step with it.
pub fn provide_elder_mode() {
    let on = RwSignal::new(chosen().unwrap_or(false));
    provide_context(ElderMode(on));
    Effect::new(move |_| {
        let on = on.get();
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.class_list().toggle_with_force("elder", on);
        }
    });
}

/// Elder mode follows the signed-in person's `elder_default` (their own, also while acting
/// for a villager) as long as nobody touched the switch on this phone. Called once, in `App`,
/// after the session is in context.
pub fn follow_default() {
    let on = use_elder_mode();
    let session = crate::session::use_session();
    let default = Memo::new(move |_| session.own_me().map(|me| me.elder_default));
    Effect::new(move |_| {
        if let Some(default) = default.get()
            && chosen().is_none()
        {
            on.set(default);
        }
    });
}

/// The switch turned: elder mode (`elder`) `on`, remembered on this phone.
fn choose(elder: RwSignal<bool>, on: bool) {
    elder.set(on);
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, if on { "1" } else { "0" });
    }
}

/// The elder-mode signal from context.
pub fn use_elder_mode() -> RwSignal<bool> {
    use_context::<ElderMode>()
        .expect("provide_elder_mode runs in App")
        .0
}

/// The browser's speech synthesis, if it has one (many in-app browsers do not).
fn synthesis() -> Option<web_sys::SpeechSynthesis> {
    let window = web_sys::window()?;
    let has = js_sys::Reflect::get(&window, &JsValue::from_str("speechSynthesis"))
        .ok()
        .is_some_and(|s| !s.is_undefined() && !s.is_null());
    if !has {
        return None;
    }
    window.speech_synthesis().ok()
}

/// Reads `text` aloud in `locale`'s language, a little slower than the default; whatever was
/// being read stops first (a second tap starts again rather than queueing).
fn speak(text: &str, locale: Locale) {
    let Some(synthesis) = synthesis() else {
        return;
    };
    let Ok(utterance) = web_sys::SpeechSynthesisUtterance::new_with_text(text) else {
        return;
    };
    utterance.set_lang(locale.tag());
    utterance.set_rate(0.85);
    if synthesis.speaking() {
        synthesis.cancel();
    }
    synthesis.speak(&utterance);
}

/// A 朗读 button that reads `text` aloud (made when tapped, in the current language): shown
/// in elder mode where the browser can speak, nothing otherwise. `what` names what it reads
/// for screen readers when there are several on a screen ("朗读 食用盐").
#[component]
pub fn ReadAloud(
    text: Callback<Locale, String>,
    #[prop(optional, into)] what: Option<String>,
) -> impl IntoView {
    let elder = use_elder_mode();
    let locale = use_locale();
    let can = synthesis().is_some();
    move || {
        (elder.get() && can).then(|| {
            view! {
                <button
                    type="button"
                    class="read-aloud"
                    data-testid="read-aloud"
                    aria-label=what.clone().map(|what| format!("{} {what}", t(locale.get_untracked(), Text::ReadAloud)))
                    on:click=move |_| {
                        let locale = locale.get_untracked();
                        speak(&text.run(locale), locale);
                    }
                >
                    <svg class="read-aloud-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <path d="M4 9v6h4l5 4V5L8 9z M16 9a4 4 0 010 6 M18.5 6.5a8 8 0 010 11" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
                    </svg>
                    {tr(Text::ReadAloud)}
                </button>
            }
        })
    }
}

/// 我的's switch: 长辈模式 on or off, said as a switch to screen readers.
#[component]
pub fn ElderSwitch() -> impl IntoView {
    let elder = use_elder_mode();
    view! {
        <ul class="list">
            <li>
                <button
                    type="button"
                    class="row switch-row"
                    role="switch"
                    aria-checked=move || elder.get().to_string()
                    aria-labelledby="elder-mode-name"
                    aria-describedby="elder-mode-hint"
                    data-testid="elder-mode"
                    on:click=move |_| choose(elder, !elder.get_untracked())
                >
                    <span class="row-text">
                        <span class="row-name" id="elder-mode-name">{tr(Text::ElderMode)}</span>
                        <span class="row-sub" id="elder-mode-hint">{tr(Text::ElderModeHint)}</span>
                    </span>
                    <span class="switch" aria-hidden="true"><span class="switch-knob"></span></span>
                </button>
            </li>
        </ul>
    }
}
