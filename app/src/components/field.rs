//! The text boxes of the forms: a one-line [`TextInput`] and a labelled [`TextField`] around
//! it (its keyboard and autofill from its [`Kind`]), a [`TextArea`] cut at its length, and a
//! [`NoteField`] (a labelled text area with its character counter).
//!
//! Each shows its placeholder in the current language and holds a [`Typed`]: a
//! `RwSignal<String>`, or a text of a draft with what else typing does. Other attributes of
//! the bare boxes (`name`, `rows`, a test id) the caller puts on the element with `attr:`:
//!
//! ```ignore
//! <TextArea value=comment placeholder=Text::RateCommentPlaceholder max=500 attr:rows="2" />
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

    /// `text`, clearing `hint` (something said about what was typed) at every change.
    pub fn clearing(text: RwSignal<String>, hint: RwSignal<Option<Text>>) -> Typed {
        Typed::new(
            move || text.get(),
            move |typed| {
                text.set(typed);
                hint.set(None);
            },
        )
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
    /// Fixed, or following what else was typed (新增村民's 户号, needed without a phone).
    #[prop(into)]
    placeholder: Signal<Text>,
    /// A class besides `input`.
    #[prop(default = None, into)]
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
            prop:placeholder=move || t(locale.get(), placeholder.get())
            prop:value=move || value.shown.get()
            on:input=move |ev| value.typed.run(event_target_value(&ev))
        />
    }
}

/// What a [`TextField`] takes: its `type`, its keyboard (`inputmode`, `enterkeyhint`) and the
/// browser's autofill follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Words, not filled in by the browser (a grid's name).
    #[default]
    Words,
    /// The person's own mobile number, to sign in: the phone keypad, filled in by the browser.
    OwnPhone,
    /// The 6-digit code of an SMS: digits, filled in from the SMS where the phone can.
    SmsCode,
    /// Someone else's mobile number: digits, nothing filled in.
    Phone,
    /// What to find: the keyboard's action key says 搜索.
    Search,
    /// A number with decimals (a weight).
    Decimal,
    /// A whole number (points, a cap): the digits keypad.
    Integer,
    /// A code of letters and digits, typed in capitals, not corrected (a redemption's code).
    Code,
    /// The person's password, to sign in: hidden, filled in by the browser's password manager.
    CurrentPassword,
    /// A password being chosen: hidden, the browser may suggest a strong one.
    NewPassword,
}

impl Kind {
    /// `type`, `inputmode`, `autocomplete`.
    fn attributes(self) -> (&'static str, Option<&'static str>, &'static str) {
        match self {
            Kind::Words => ("text", None, "off"),
            Kind::OwnPhone => ("tel", Some("tel"), "tel"),
            Kind::SmsCode => ("text", Some("numeric"), "one-time-code"),
            Kind::Phone => ("tel", Some("numeric"), "off"),
            Kind::Search => ("search", None, "off"),
            Kind::Decimal => ("text", Some("decimal"), "off"),
            Kind::Integer => ("text", Some("numeric"), "off"),
            Kind::Code => ("text", Some("text"), "off"),
            Kind::CurrentPassword => ("password", None, "current-password"),
            Kind::NewPassword => ("password", None, "new-password"),
        }
    }
}

/// A labelled [`TextInput`] of `kind` named `name`, at most `max` characters where given;
/// `children` follow the box — on one row with it (`row`: `code-row`, `find-row`) where
/// given.
#[component]
pub fn TextField(
    label: Text,
    #[prop(into)] value: Typed,
    #[prop(into)] placeholder: Signal<Text>,
    name: &'static str,
    #[prop(optional)] kind: Kind,
    #[prop(optional)] max: Option<usize>,
    #[prop(optional)] testid: Option<&'static str>,
    /// A class of the box besides `input`.
    #[prop(optional)]
    class: Option<&'static str>,
    #[prop(optional)] row: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let (html_type, inputmode, autocomplete) = kind.attributes();
    let code = kind == Kind::Code;
    let input = view! {
        <TextInput
            value
            placeholder
            class
            attr:r#type=html_type
            attr:name=name
            attr:inputmode=inputmode
            attr:enterkeyhint=(kind == Kind::Search).then_some("search")
            attr:autocomplete=autocomplete
            attr:autocapitalize=code.then_some("characters")
            attr:spellcheck=code.then_some("false")
            attr:maxlength=max.map(|n| n.to_string())
            attr:data-testid=testid
        />
    };
    let after = children.map(|after| after());
    let boxed = match row {
        Some(row) => view! { <span class=row>{input}{after}</span> }.into_any(),
        None => view! { {input}{after} }.into_any(),
    };
    view! {
        <label class="field">
            <span class="field-label">{tr(label)}</span>
            {boxed}
        </label>
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
