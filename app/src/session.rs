//! The signed-in person, for the whole app. The access token lives only in memory; the
//! refresh token lives in the server's HttpOnly cookie, so a reload signs in again silently
//! (`POST /auth/refresh`) and no script can steal the long-lived token.
//!
//! A person may hold several roles (村民 of their village, 网格员 of a grid, 村管理员…). The
//! app acts as one of them at a time, the *current role*, picked on 我的 and remembered in
//! `localStorage` (a choice of screens, not a permission: the server checks every request
//! against all the roles the person holds).
//!
//! While the person acts for a villager (代办, [`crate::proxy`]), `me` and the current role are
//! the villager's and the person waits in [`Session::own`]; their requests carry the proxy
//! session's token beside their own ([`Credentials`]).

use std::cell::RefCell;
use std::future::Future;

use futures_util::FutureExt;
use futures_util::future::{LocalBoxFuture, Shared};
use jifen_shared::ErrorCode;
use jifen_shared::api::{EndProxy, Endpoint, GetMe, Logout, RefreshTokens};
use jifen_shared::auth::{Me, Role, RoleGrant, Tokens};
use jifen_shared::proxy::ProxySession;
use leptos::prelude::*;

use crate::api::{self, ApiFailure, Credentials};
use crate::proxy;

const ROLE_KEY: &str = "jifen.role";

/// Who is signed in (`None`: nobody), and whether the silent sign-in at start is done.
#[derive(Clone, Copy)]
pub struct Session {
    pub access_token: RwSignal<Option<String>>,
    pub me: RwSignal<Option<Me>>,
    pub checked: RwSignal<bool>,
    /// The role the app acts as; always one of `me.roles` (`None` while signed out or for a
    /// person without roles).
    pub current: RwSignal<Option<RoleGrant>>,
    /// The proxy session (代办) in use: `me` and `current` are then the villager's.
    pub proxy: RwSignal<Option<ProxySession>>,
    /// While acting for a villager: the signed-in person themselves, back in `me` and
    /// `current` when the proxy session ends.
    pub own: RwSignal<Option<Own>>,
    /// The server said the proxy session ended (expired, or ended elsewhere): `/proxy` says
    /// so until the next one opens.
    pub proxy_ended: RwSignal<bool>,
    /// The villager the person just stopped acting for (结束代办): `/proxy` says so once.
    pub proxy_left: RwSignal<Option<String>>,
}

/// The signed-in person while they act for a villager, and the role they had.
#[derive(Debug, Clone, PartialEq)]
pub struct Own {
    pub me: Me,
    pub current: Option<RoleGrant>,
}

/// Whether a role manages people and grids (village, township and county admins): these get
/// the 管理 screens.
pub fn manages(role: Role) -> bool {
    matches!(
        role,
        Role::VillageAdmin | Role::TownshipAdmin | Role::CountyAdmin
    )
}

/// Whether a role reviews villagers' claims (grid workers, and village, township and county
/// admins): these get the 审核 screen as their first tab.
pub fn reviews(role: Role) -> bool {
    matches!(
        role,
        Role::GridWorker | Role::VillageAdmin | Role::TownshipAdmin | Role::CountyAdmin
    )
}

impl Session {
    /// Takes the tokens of a sign-in or refresh.
    pub fn start(&self, tokens: Tokens) {
        self.access_token.set(Some(tokens.access_token));
        self.set_me(tokens.user);
        self.checked.set(true);
    }

    /// Takes a fresh copy of the person (roles may have changed) and keeps the current role
    /// if they still hold it. While acting for a villager, the signed-in person's copy goes to
    /// [`Session::own`] and the villager's to `me`.
    pub fn set_me(&self, me: Me) {
        let villager = self
            .proxy
            .with_untracked(|p| p.as_ref().map(|p| p.person_id));
        if villager.is_some_and(|v| v != me.id) {
            self.own.update(|own| {
                if let Some(own) = own {
                    own.current = chosen_role(&me.roles, own.current.take(), saved_role());
                    own.me = me;
                }
            });
            return;
        }
        let current = chosen_role(&me.roles, self.current.get_untracked(), saved_role());
        if self.current.get_untracked() != current {
            self.current.set(current);
        }
        self.me.set(Some(me));
    }

    /// Makes `grant` the current role and remembers it on this phone.
    pub fn choose(&self, grant: RoleGrant) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(ROLE_KEY, &role_key(&grant));
        }
        self.current.set(Some(grant));
    }

    /// The signed-in person themselves, also while they act for a villager.
    pub fn own_me(&self) -> Option<Me> {
        self.own
            .with(|own| own.as_ref().map(|o| o.me.clone()))
            .or_else(|| self.me.get())
    }

    /// Whether the person holds `role` anywhere themselves (not the villager they act for).
    pub fn holds(&self, role: Role) -> bool {
        self.own_me()
            .is_some_and(|me| me.roles.iter().any(|g| g.role == role))
    }

    /// Acts for the villager of `opened` (a new proxy session): asks who they are (`GET /me`
    /// as them), then makes the app theirs. A session in use before ends.
    pub async fn act_for(&self, opened: ProxySession) -> Result<(), ApiFailure> {
        let villager = self
            .authed_as(Some(opened.token.clone()), |c| async move {
                api::call_as(&GetMe, &(), &c).await
            })
            .await?;
        if let Some(before) = self.proxy.get_untracked() {
            self.end_on_server(before.id);
        }
        if self.own.get_untracked().is_none() {
            let Some(me) = self.me.get_untracked() else {
                return Ok(());
            };
            let current = self.current.get_untracked();
            self.own.set(Some(Own { me, current }));
        }
        self.enter(opened, villager);
        Ok(())
    }

    /// Makes the app the villager's of `proxy` (the signed-in person already in `own`).
    fn enter(&self, proxy: ProxySession, villager: Me) {
        proxy::remember(&proxy);
        self.proxy_ended.set(false);
        self.proxy_left.set(None);
        self.proxy.set(Some(proxy));
        let current = chosen_role(&villager.roles, None, None);
        self.me.set(Some(villager));
        self.current.set(current);
    }

    /// Ends the proxy session in use (here and on the server): the app is the signed-in
    /// person's again.
    pub fn leave_proxy(&self) {
        if let Some(proxy) = self.proxy.get_untracked() {
            self.end_on_server(proxy.id);
        }
        self.drop_proxy();
    }

    /// 结束代办 tapped: ends the proxy session ([`Session::leave_proxy`]) and keeps whom it was
    /// for, so that `/proxy` can say "已结束为 张桂英 代办".
    pub fn stop_proxy(&self) {
        let name = self
            .proxy
            .with_untracked(|p| p.as_ref().map(|p| p.person_name.clone()));
        self.proxy_left.set(name);
        self.leave_proxy();
    }

    /// Forgets the proxy session here only (the server ended it, or never will again).
    fn drop_proxy(&self) {
        proxy::forget();
        self.proxy.set(None);
        if let Some(own) = self.own.get_untracked() {
            self.own.set(None);
            self.me.set(Some(own.me));
            self.current.set(own.current);
        }
    }

    /// `POST /proxy/sessions/{id}/end` as the signed-in person, in the background (an end that
    /// fails is no harm: the session lapses by itself in 30 minutes).
    fn end_on_server(&self, id: i64) {
        let Some(token) = self.access_token.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let _ = api::call(&EndProxy { id }, &(), Some(&token)).await;
        });
    }

    /// Picks up the proxy session kept in this tab after a reload, for `agent` (just signed in
    /// again): the app is the villager's again while it lasts. One that ended meanwhile is
    /// forgotten, and `/proxy` says so.
    async fn resume(&self, kept: ProxySession, agent: Me) {
        let villager = self
            .authed_as(Some(kept.token.clone()), |c| async move {
                api::call_as(&GetMe, &(), &c).await
            })
            .await;
        match villager {
            Ok(villager) => {
                let current = chosen_role(&agent.roles, None, saved_role());
                self.own.set(Some(Own { me: agent, current }));
                self.enter(kept, villager);
            }
            Err(failure) => {
                proxy::forget();
                if failure.code() == Some(ErrorCode::ProxySessionEnded) {
                    self.proxy_ended.set(true);
                }
            }
        }
    }

    /// Forgets the session here and ends it on the server (clears the cookie).
    pub fn end(&self) {
        self.leave_proxy();
        self.access_token.set(None);
        self.me.set(None);
        self.current.set(None);
        leptos::task::spawn_local(async {
            let _ = api::call_by_cookie(&Logout).await;
        });
    }

    /// `endpoint` with `body`, signed in ([`Session::authed`]): the request almost every
    /// signed-in screen makes.
    pub async fn call<E: Endpoint>(
        &self,
        endpoint: &E,
        body: &E::Body,
    ) -> Result<E::Response, ApiFailure> {
        self.authed(|c| async move { api::call_as(endpoint, body, &c).await })
            .await
    }

    /// [`Session::call`] with an `Idempotency-Key` ([`api::call_once`]): a claim, an order, a
    /// reservation, a drop-off, each sent again with the same key after a lost answer.
    pub async fn call_once<E: Endpoint>(
        &self,
        endpoint: &E,
        body: &E::Body,
        key: &str,
    ) -> Result<E::Response, ApiFailure> {
        self.authed(|c| async move { api::call_once(endpoint, body, &c, key).await })
            .await
    }

    /// Runs `call` with the person's [`Credentials`] (the proxy session's token with them
    /// while acting for a villager). When the access token has expired (401
    /// `unauthenticated`: access tokens live 15 minutes, an admin's page may stay open longer)
    /// it takes a new one from the refresh cookie, once, and calls again. When the server says
    /// the proxy session ended (401 `proxy_session_ended`), the app is the person's again and
    /// `/proxy` says so.
    pub async fn authed<T, F, Fut>(&self, call: F) -> Result<T, ApiFailure>
    where
        F: Fn(Credentials) -> Fut,
        Fut: Future<Output = Result<T, ApiFailure>>,
    {
        // A request made while the app starts (a screen's first load after a reload) waits
        // for the start: a proxy session kept in this tab is picked up then, and the request
        // must go as the villager, not as the agent.
        if !self.checked.get_untracked()
            && let Some(startup) = STARTUP.with(|s| s.borrow().clone())
        {
            startup.await;
        }
        let acting_for = self
            .proxy
            .with_untracked(|p| p.as_ref().map(|p| p.token.clone()));
        let answer = self.authed_as(acting_for.clone(), call).await;
        if let (Err(failure), Some(sent)) = (&answer, acting_for)
            && failure.code() == Some(ErrorCode::ProxySessionEnded)
            && self
                .proxy
                .with_untracked(|p| p.as_ref().is_some_and(|p| p.token == sent))
        {
            self.drop_proxy();
            self.proxy_ended.set(true);
        }
        answer
    }

    /// [`Session::authed`] acting for the proxy session of `acting_for` (`None`: as the
    /// person alone), whatever session is in use.
    async fn authed_as<T, F, Fut>(
        &self,
        acting_for: Option<String>,
        call: F,
    ) -> Result<T, ApiFailure>
    where
        F: Fn(Credentials) -> Fut,
        Fut: Future<Output = Result<T, ApiFailure>>,
    {
        let credentials = |token: String| Credentials {
            token,
            acting_for: acting_for.clone(),
        };
        let sent = self.access_token.get_untracked().unwrap_or_default();
        let failure = match call(credentials(sent.clone())).await {
            Err(failure) if failure.code() == Some(ErrorCode::Unauthenticated) => failure,
            done => return done,
        };
        // Another request may have refreshed meanwhile: a refresh token works once, so use
        // that one rather than spending the cookie twice.
        let now = self.access_token.get_untracked().unwrap_or_default();
        if !now.is_empty() && now != sent {
            return call(credentials(now)).await;
        }
        match refresh_once().await {
            Ok(tokens) => {
                let token = tokens.access_token.clone();
                self.start(tokens);
                call(credentials(token)).await
            }
            Err(_) => Err(failure),
        }
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// `village_admin@410783101230`.
fn role_key(grant: &RoleGrant) -> String {
    format!("{}@{}", grant.role, grant.region_code)
}

fn saved_role() -> Option<String> {
    local_storage().and_then(|s| s.get_item(ROLE_KEY).ok().flatten())
}

/// The current role among `roles`: the one in use if still held, else the one saved on this
/// phone, else the most senior (staff open the app to work; a villager has only one) — with
/// 代办员 after the other staff roles: a keeper or volunteer who also acts for elders starts
/// at their counter or tasks, and opens 代办 by switching on 我的.
pub fn chosen_role(
    roles: &[RoleGrant],
    in_use: Option<RoleGrant>,
    saved: Option<String>,
) -> Option<RoleGrant> {
    in_use
        .filter(|g| roles.contains(g))
        .or_else(|| {
            let saved = saved?;
            roles.iter().find(|g| role_key(g) == saved).cloned()
        })
        .or_else(|| {
            roles
                .iter()
                .max_by_key(|g| (g.role != Role::Villager, g.role != Role::ProxyAgent, g.role))
                .cloned()
        })
}

type Refresh = Shared<LocalBoxFuture<'static, Result<Tokens, ApiFailure>>>;

/// The app's start ([`provide_session`]): the cookie tried, a kept proxy session resumed.
type Startup = Shared<LocalBoxFuture<'static, ()>>;

thread_local! {
    static IN_FLIGHT: RefCell<Option<Refresh>> = const { RefCell::new(None) };
    static STARTUP: RefCell<Option<Startup>> = const { RefCell::new(None) };
}

/// `POST /auth/refresh`, one at a time: requests that find their access token expired at the
/// same moment share one refresh. (The refresh cookie works once; the server forgives a
/// second use within 30 s but ends the session if the older answer is then used.)
async fn refresh_once() -> Result<Tokens, ApiFailure> {
    let shared = IN_FLIGHT.with(|slot| {
        slot.borrow_mut()
            .get_or_insert_with(|| {
                async {
                    let answer = api::call_by_cookie(&RefreshTokens).await;
                    IN_FLIGHT.with(|slot| slot.borrow_mut().take());
                    answer
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    shared.await
}

/// Puts the session in context and tries the cookie once; a proxy session kept in this tab
/// (a reload while acting for a villager) is picked up again before the first screen shows.
pub fn provide_session() {
    let session = Session {
        access_token: RwSignal::new(None),
        me: RwSignal::new(None),
        checked: RwSignal::new(false),
        current: RwSignal::new(None),
        proxy: RwSignal::new(None),
        own: RwSignal::new(None),
        proxy_ended: RwSignal::new(false),
        proxy_left: RwSignal::new(None),
    };
    provide_context(session);
    let startup = async move {
        match refresh_once().await {
            Ok(tokens) => {
                if let Some(kept) = proxy::recalled() {
                    session.access_token.set(Some(tokens.access_token.clone()));
                    session.resume(kept, tokens.user.clone()).await;
                }
                session.start(tokens)
            }
            Err(_) => {
                proxy::forget();
                session.checked.set(true)
            }
        }
    }
    .boxed_local()
    .shared();
    STARTUP.with(|s| *s.borrow_mut() = Some(startup.clone()));
    leptos::task::spawn_local(startup);
}

/// The session from context.
pub fn use_session() -> Session {
    use_context::<Session>().expect("provide_session runs in App")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jifen_shared::regions::RegionCode;

    fn grant(role: Role, code: &str) -> RoleGrant {
        RoleGrant {
            role,
            region_code: RegionCode::parse(code).unwrap(),
        }
    }

    #[test]
    fn the_current_role_is_kept_saved_or_the_most_senior() {
        let villager = grant(Role::Villager, "410783101230");
        let township = grant(Role::TownshipAdmin, "410783101");
        let roles = [villager.clone(), township.clone()];
        assert_eq!(chosen_role(&roles, None, None), Some(township.clone()));
        let saved = Some("villager@410783101230".to_owned());
        assert_eq!(
            chosen_role(&roles, None, saved.clone()),
            Some(villager.clone())
        );
        assert_eq!(
            chosen_role(&roles, Some(township.clone()), saved),
            Some(township.clone())
        );
        // A role no longer held is dropped; so is a choice saved by someone else.
        let gone = grant(Role::VillageAdmin, "410783101201");
        assert_eq!(
            chosen_role(
                std::slice::from_ref(&villager),
                Some(gone),
                Some("x@1".into())
            ),
            Some(villager)
        );
        assert_eq!(chosen_role(&[], Some(township), None), None);
    }

    #[test]
    fn a_keeper_who_also_acts_for_elders_starts_at_the_counter() {
        let villager = grant(Role::Villager, "410783101230");
        let agent = grant(Role::ProxyAgent, "410783101230");
        let keeper = grant(Role::Keeper, "410783101230");
        let roles = [villager.clone(), agent.clone(), keeper.clone()];
        assert_eq!(chosen_role(&roles, None, None), Some(keeper));
        assert_eq!(
            chosen_role(&[villager, agent.clone()], None, None),
            Some(agent)
        );
    }
}
