//! A list read page by page (`?limit=&cursor=`, API.md "Lists") as the signed-in person: the
//! first page and the pages after it load and fail apart (a failed 加载更多 keeps what is
//! shown), and a reload makes answers to earlier requests stale.

use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::LocalBoxFuture;
use jifen_shared::api::Endpoint;
use jifen_shared::{Page, PageQuery};
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use super::{ListSkeleton, Trouble, explain};
use crate::api::ApiFailure;
use crate::i18n::{Text, t, tr, use_locale};
use crate::session::{Session, use_session};

/// Items asked for at a time.
pub const PAGE_SIZE: u32 = 20;

/// The query of the page after `cursor` (`None`: the first), [`PAGE_SIZE`] items long: what
/// most lists' `page_of` (see [`Paged::new`]) puts in their declaration.
pub fn page_query(cursor: Option<String>) -> PageQuery {
    PageQuery {
        limit: Some(PAGE_SIZE),
        cursor,
    }
}

/// How a load stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    Idle,
    Busy,
    Failed(ApiFailure),
}

/// Reads a page as the signed-in person, given the cursor of the one before (`None`: the
/// first).
type Fetch<T> = Arc<
    dyn Fn(Option<String>) -> LocalBoxFuture<'static, Result<Page<T>, ApiFailure>> + Send + Sync,
>;

/// A paged list and how its loads stand.
pub struct Paged<T: Send + Sync + 'static> {
    /// What is listed so far.
    pub items: RwSignal<Vec<T>>,
    /// The cursor of the next page; `None` on the last.
    pub next: RwSignal<Option<String>>,
    /// The first page's load.
    pub first: RwSignal<Load>,
    /// The next page's load.
    pub more: RwSignal<Load>,
    generation: StoredValue<u32>,
    fetch: StoredValue<Fetch<T>>,
    id_of: fn(&T) -> i64,
}

impl<T: Send + Sync + 'static> Clone for Paged<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Paged<T> {}

impl<T> Paged<T>
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// A list whose pages `page_of(cursor)` asks for (a declaration, e.g.
    /// `MyClaims { query: page_query(cursor) }`), its items told apart by `id_of`; the
    /// first page starts loading at once.
    pub fn new<E>(
        page_of: impl Fn(Option<String>) -> E + Send + Sync + 'static,
        id_of: fn(&T) -> i64,
    ) -> Paged<T>
    where
        E: Endpoint<Body = (), Response = Page<T>> + 'static,
    {
        let session = use_session();
        let fetch: Fetch<T> = Arc::new(move |cursor| {
            let page = page_of(cursor);
            async move { read_page(session, &page).await }.boxed_local()
        });
        let paged = Paged {
            items: RwSignal::new(Vec::new()),
            next: RwSignal::new(None),
            first: RwSignal::new(Load::Busy),
            more: RwSignal::new(Load::Idle),
            generation: StoredValue::new(0),
            fetch: StoredValue::new(fetch),
            id_of,
        };
        paged.load(None);
        paged
    }

    /// Loads the first page again (what is listed stays until it arrives).
    pub fn reload(&self) {
        self.generation.update_value(|g| *g += 1);
        self.more.set(Load::Idle);
        self.load(None);
    }

    /// Loads the page after the last one listed.
    pub fn load_more(&self) {
        if let Some(cursor) = self.next.get_untracked()
            && self.more.get_untracked() != Load::Busy
        {
            self.load(Some(cursor));
        }
    }

    /// Takes an item off the list (decided, removed elsewhere).
    pub fn remove(&self, id: i64) {
        let id_of = self.id_of;
        self.items.update(|items| items.retain(|i| id_of(i) != id));
    }

    fn load(&self, cursor: Option<String>) {
        let this = *self;
        let generation = self.generation.get_value();
        let fetch = self.fetch.with_value(|f| f(cursor.clone()));
        let state = if cursor.is_some() {
            self.more
        } else {
            self.first
        };
        state.set(Load::Busy);
        leptos::task::spawn_local(async move {
            let result = fetch.await;
            if this.generation.try_get_value() != Some(generation) {
                return;
            }
            match result {
                Ok(page) => {
                    let id_of = this.id_of;
                    if cursor.is_some() {
                        this.items.update(|items| {
                            // Something may slip between pages: listed once only.
                            for item in page.items {
                                if !items.iter().any(|i| id_of(i) == id_of(&item)) {
                                    items.push(item);
                                }
                            }
                        });
                    } else {
                        this.items.set(page.items);
                    }
                    this.next.set(page.next_cursor);
                    state.set(Load::Idle);
                }
                Err(failure) => state.set(Load::Failed(failure)),
            }
        });
    }
}

/// `page` as the person of `session`.
async fn read_page<E: Endpoint<Body = ()>>(
    session: Session,
    page: &E,
) -> Result<E::Response, ApiFailure> {
    session.call(page, &()).await
}

/// The list: a skeleton while the first page loads, a sentence and 重试 if it fails, `empty`
/// when there is nothing, else `<ul class={class}>` of `row` for each item, then 加载更多 while
/// there are more pages.
#[component]
pub fn PagedList<T, F, V>(
    paged: Paged<T>,
    empty: Text,
    #[prop(into)] class: String,
    row: F,
) -> impl IntoView
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let is_empty = Memo::new(move |_| paged.items.with(Vec::is_empty));
    let class = StoredValue::new(class);
    let id_of = paged.id_of;
    view! {
        {move || {
            let row = row.clone();
            match paged.first.get() {
                Load::Busy if is_empty.get() => view! { <ListSkeleton /> }.into_any(),
                Load::Failed(failure) if is_empty.get() => {
                    let text = explain(&failure);
                    view! { <Trouble failure text retry=Callback::new(move |_| paged.reload()) /> }
                        .into_any()
                }
                _ if is_empty.get() => {
                    view! { <p class="empty">{tr(empty)}</p> }.into_any()
                }
                _ => view! {
                    <ul class=class.get_value()>
                        <For each=move || paged.items.get() key=move |item| id_of(item) children=row />
                    </ul>
                }
                    .into_any(),
            }
        }}
        <LoadMore paged />
    }
}

/// 加载更多 under a list while there are more pages; a failed load says why, with 重试.
#[component]
pub fn LoadMore<T>(paged: Paged<T>) -> impl IntoView
where
    T: DeserializeOwned + Clone + Send + Sync + 'static,
{
    let locale = use_locale();
    move || {
        paged.next.with(Option::is_some).then(|| {
            view! {
                <div class="more">
                    {move || match paged.more.get() {
                        Load::Failed(failure) => {
                            let text = explain(&failure);
                            view! { <Trouble failure text retry=Callback::new(move |_| paged.load_more()) /> }
                                .into_any()
                        }
                        state => {
                            let busy = state == Load::Busy;
                            view! {
                                <button
                                    class="secondary wide"
                                    type="button"
                                    data-testid="load-more"
                                    disabled=busy
                                    on:click=move |_| paged.load_more()
                                >
                                    {move || t(locale.get(), if busy { Text::Loading } else { Text::LoadMore })}
                                </button>
                            }
                                .into_any()
                        }
                    }}
                </div>
            }
        })
    }
}
