//! The text boxes of the forms: a one-line [`TextInput`], a [`TextArea`] cut at its length,
//! and a [`NoteField`] (a labelled text area with its character counter).
//!
//! Each shows its placeholder in the current language and holds a [`Typed`]: a
//! `RwSignal<String>`, or a text of a draft with what else typing does. What differs between
//! two boxes — `type`, `name`, `inputmode`, `autocomplete`, `maxlength`, `rows`, a test id —
//! the caller puts on the element with `attr:`:
//!
//! ```ignore
//! <TextInput value=phone placeholder=Text::PhonePlaceholder attr:type="tel" attr:name="phone" />
//! ```

use leptos::prelude::*;

use crate::i18n::{Text, char_count, t, tr, use_locale};

/// What a text box shows, and where what is typed goes.
#[derive(Clone, Copy)]
pub struct Typed {
    shown: Signal<String>,
    typed: Callback<String>,
}

impl Typed {
    /// A box showing `shown()`, telling `typed` every change.
    pub fn new(
        shown: impl Fn() -> String + Send + Sync + 'static,
        typed: impl Fn(String) + Send + Sync + 'static,
    ) -> Typed {
        Typed {
            shown: Signal::derive(shown),
            typed: Callback::new(typed),
        }
    }
}

impl From<RwSignal<String>> for Typed {
    fn from(text: RwSignal<String>) -> Typed {
        Typed {
            shown: text.into(),
            typed: Callback::new(move |typed| text.set(typed)),
        }
    }
}

/// `<input class="input {class}">` holding `value`.
#[component]
pub fn TextInput(
    #[prop(into)] value: Typed,
    placeholder: Text,
    /// A class besides `input`.
    #[prop(optional)]
    class: Option<&'static str>,
) -> impl IntoView {
    let locale = use_locale();
    let class = match class {
        Some(more) => format!("input {more}"),
        None => "input".to_owned(),
    };
    view! {
        <input
            class=class
            prop:placeholder=move || t(locale.get(), placeholder)
            prop:value=move || value.shown.get()
            on:input=move |ev| value.typed.run(event_target_value(&ev))
        />
    }
}

/// `<textarea class="input textarea">` holding `value`, at most `max` characters.
#[component]
pub fn TextArea(#[prop(into)] value: Typed, placeholder: Text, max: usize) -> impl IntoView {
    let locale = use_locale();
    view! {
        <textarea
            class="input textarea"
            maxlength=max.to_string()
            prop:placeholder=move || t(locale.get(), placeholder)
            prop:value=move || value.shown.get()
            on:input=move |ev| value.typed.run(event_target_value(&ev).chars().take(max).collect())
        ></textarea>
    }
}

/// A labelled three-line [`TextArea`] with its counter (`12/500`): a claim's note, an order's
/// description, a completion's note.
#[component]
pub fn NoteField(
    label: Text,
    #[prop(into)] value: Typed,
    placeholder: Text,
    max: usize,
    name: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let length = Memo::new(move |_| value.shown.with(|v| v.chars().count()));
    view! {
        <label class="field">
            <span class="field-label">{tr(label)}</span>
            <TextArea value placeholder max attr:name=name attr:rows="3" attr:data-testid=testid />
            <span class="counter" aria-hidden="true">{move || char_count(length.get(), max)}</span>
        </label>
    }
}
