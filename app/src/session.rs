//! The signed-in person, for the whole app. The access token lives only in memory; the
//! refresh token lives in the server's HttpOnly cookie, so a reload signs in again silently
//! (`POST /auth/refresh`) and no script can steal the long-lived token.

use jifen_shared::auth::{Me, Tokens};
use leptos::prelude::*;

use crate::api;

/// Who is signed in (`None`: nobody), and whether the silent sign-in at start is done.
#[derive(Clone, Copy)]
pub struct Session {
    pub access_token: RwSignal<Option<String>>,
    pub me: RwSignal<Option<Me>>,
    pub checked: RwSignal<bool>,
}

impl Session {
    /// Takes the tokens of a sign-in or refresh.
    pub fn start(&self, tokens: Tokens) {
        self.access_token.set(Some(tokens.access_token));
        self.me.set(Some(tokens.user));
        self.checked.set(true);
    }

    /// Forgets the session here and ends it on the server (clears the cookie).
    pub fn end(&self) {
        self.access_token.set(None);
        self.me.set(None);
        leptos::task::spawn_local(async {
            let _ = api::post_empty("/auth/logout").await;
        });
    }
}

/// Puts the session in context and tries the cookie once.
pub fn provide_session() {
    let session = Session {
        access_token: RwSignal::new(None),
        me: RwSignal::new(None),
        checked: RwSignal::new(false),
    };
    provide_context(session);
    leptos::task::spawn_local(async move {
        match api::post::<(), Tokens>("/auth/refresh", None).await {
            Ok(tokens) => session.start(tokens),
            Err(_) => session.checked.set(true),
        }
    });
}

/// The session from context.
pub fn use_session() -> Session {
    use_context::<Session>().expect("provide_session runs in App")
}
