//! If Rust ever panics in the app, the page must not freeze: a full-screen notice
//! "出错了，点击重新加载" replaces it and one tap reloads (UX.md, "Honest waiting").

use std::sync::Once;

static INSTALL: Once = Once::new();

/// Installs the panic hook (once): log to the console, then show the reload screen.
pub fn install() {
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            console_error_panic_hook::hook(info);
            show_reload_screen();
        }));
    });
}

/// Covers the page with the crash notice. Plain DOM calls, no framework: the framework may be
/// what broke.
pub fn show_reload_screen() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = document.body() else { return };
    let Ok(notice) = document.create_element("div") else {
        return;
    };
    notice.set_id("crash");
    notice.set_class_name("crash");
    let _ = notice.set_attribute("role", "alert");
    // A listener, not an `onclick` attribute: the Content-Security-Policy refuses inline
    // handlers (server/src/pwa.rs).
    let reload = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    let _ = notice.add_event_listener_with_callback(
        "click",
        wasm_bindgen::JsCast::unchecked_ref(reload.as_ref()),
    );
    // The notice lives as long as the page.
    reload.forget();
    let (zh, en) = (crate::i18n::CRASH_ZH, crate::i18n::CRASH_EN);
    notice.set_inner_html(&format!(
        "<p class=\"crash-title\">{zh}</p><p class=\"crash-sub\">{en}</p>"
    ));
    let _ = body.append_child(&notice);
}
