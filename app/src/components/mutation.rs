//! A request started by a tap (a mutation): one at a time, with a busy flag the button reads.
//!
//! Every screen that sends something had the same few lines: refuse a second tap while the
//! first is out, mark busy, spawn the request, clear busy when it answers, then say what
//! came back. [`mutate`] is those lines once:
//!
//! ```ignore
//! let busy = RwSignal::new(false);
//! let cancel = move || {
//!     let call = async move { session.call(&CancelOrder { id }, &()).await };
//!     mutate(busy, call, move |result| match result {
//!         Ok(order) => changed.run(order),
//!         Err(failure) => { trouble.try_set(Some(explain(&failure))); }
//!     });
//! };
//! view! { <button disabled=move || busy.get() on:click=move |_| cancel()>…</button> }
//! ```

use std::future::Future;

use leptos::prelude::*;

/// Sends `request` unless `busy` (one is out already): busy until it answers, then `done` with
/// the answer (busy already cleared, so `done` may send again). Whatever `done` touches may be
/// gone by then (the screen left): it sets signals with `try_set`.
pub fn mutate<T: 'static>(
    busy: RwSignal<bool>,
    request: impl Future<Output = T> + 'static,
    done: impl FnOnce(T) + 'static,
) {
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        let answer = request.await;
        busy.try_set(false);
        done(answer);
    });
}
