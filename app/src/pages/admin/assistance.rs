//! 代办与长辈模式 (`/admin/assistance`): a county admin's settings for villagers who need help
//! (`GET`/`PUT /admin/assistance/{county}`), for the county named on top: how many actions and
//! how many points proxies (代办员 and family delegates) may spend for one villager a day (0
//! said in words: no proxies at all, no points spent by proxies), and from which age 长辈模式
//! is on by default. Beside the grid workers' award limits (`/admin/awards`), the county's
//! other limits. Checked here as the server checks them ([`AssistanceSettings::problem`]).

use jifen_shared::api::{AssistanceOf, SetAssistance};
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::proxy::AssistanceSettings;
use jifen_shared::regions::RegionCode;
use leptos::prelude::*;

use super::AdminFrame;
use crate::components::{Kind, TextField, load_trouble, mutate, notice};
use crate::i18n::{Text, assistance_county, t, tr, use_locale};
use crate::pages::me::{name_of, place_names};
use crate::pages::{ListSkeleton, explain};
use crate::session::use_session;

/// Where the screen lives.
pub const PATH: &str = "/admin/assistance";

/// `/admin/assistance`.
#[component]
pub fn AssistancePage() -> impl IntoView {
    view! { <AdminFrame screen=|grant: RoleGrant| view! { <AssistanceScreen grant /> } /> }
}

/// The three numbers of the county of `grant`, for its county admin.
#[component]
fn AssistanceScreen(grant: RoleGrant) -> impl IntoView {
    if grant.role != Role::CountyAdmin {
        return notice(Text::CountyOnly, super::PATH, Text::Manage).into_any();
    }
    let session = use_session();
    let county = grant
        .region_code
        .county()
        .unwrap_or(grant.region_code.clone())
        .to_string();
    let code = county.clone();
    let read = LocalResource::new(move || {
        let get = AssistanceOf {
            county_code: code.clone(),
        };
        async move { session.call(&get, &()).await }
    });
    // The county these are for, by name (its code while the name loads or if it does not).
    let named = county.clone();
    let county_name = LocalResource::new(move || {
        let code = named.clone();
        async move {
            let parsed = RegionCode::parse(&code).ok()?;
            let names = place_names(vec![parsed.clone()]).await;
            name_of(&names, &parsed)
        }
    });
    let county = StoredValue::new(county);
    let locale = use_locale();
    view! {
        <h1 class="region-name">{tr(Text::AssistanceTitle)}</h1>
        <p class="region-meta" data-testid="assistance-county">
            {move || {
                let name = county_name.get().flatten().unwrap_or_else(|| county.get_value());
                assistance_county(locale.get(), &name)
            }}
        </p>
        <p class="hint">{tr(Text::AssistanceHint)}</p>
        {move || match read.get() {
            None => view! { <ListSkeleton /> }.into_any(),
            Some(Err(failure)) => load_trouble(failure, read),
            Some(Ok(settings)) => view! { <SettingsForm county=county.get_value() settings /> }.into_any(),
        }}
    }
    .into_any()
}

/// The form, filled in with `settings`.
#[component]
fn SettingsForm(county: String, settings: AssistanceSettings) -> impl IntoView {
    let locale = use_locale();
    let session = use_session();
    let actions = RwSignal::new(settings.proxy_daily_actions.to_string());
    let points = RwSignal::new(settings.proxy_daily_points.to_string());
    let age = RwSignal::new(settings.elder_age.to_string());
    let busy = RwSignal::new(false);
    let said = RwSignal::new(None::<(bool, Text)>);
    let county = StoredValue::new(county);
    let save = move || {
        said.set(None);
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<i64>().ok();
        let (Some(proxy_daily_actions), Some(proxy_daily_points), Some(elder_age)) =
            (number(actions), number(points), number(age))
        else {
            return said.set(Some((false, Text::AssistanceInvalid)));
        };
        let body = AssistanceSettings {
            proxy_daily_actions,
            proxy_daily_points,
            elder_age,
        };
        if body.problem().is_some() {
            return said.set(Some((false, Text::AssistanceInvalid)));
        }
        let set = SetAssistance {
            county_code: county.get_value(),
        };
        let call = async move { session.call(&set, &body).await };
        mutate(busy, call, move |answer| match answer {
            Ok(_) => {
                said.try_set(Some((true, Text::Saved)));
            }
            Err(failure) => {
                said.try_set(Some((false, explain(&failure))));
            }
        });
    };
    view! {
        <form
            class="card form assistance"
            data-testid="assistance"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                save();
            }
        >
            <div class="field-pair">
                <TextField label=Text::ProxyDailyActions value=actions placeholder=Text::ProxyActionsZero name="proxy-daily-actions" kind=Kind::Integer max=2 testid="proxy-daily-actions" />
                <TextField label=Text::ProxyDailyPoints value=points placeholder=Text::ProxyPointsZero name="proxy-daily-points" kind=Kind::Integer max=5 testid="proxy-daily-points" />
            </div>
            <p class="hint field-hint">{tr(Text::AssistanceZeroHint)}</p>
            <TextField label=Text::ElderAge value=age placeholder=Text::ElderAgeZero name="elder-age" kind=Kind::Integer max=3 testid="elder-age" />
            <p class="hint">{tr(Text::ElderAgeHint)}</p>
            {move || said.get().map(|(ok, text)| view! {
                <p class="form-notice" class:error=!ok role="status" data-testid="assistance-said">{tr(text)}</p>
            })}
            <button class="primary wide" type="submit" data-testid="assistance-save" disabled=move || busy.get()>
                {move || t(locale.get(), if busy.get() { Text::Saving } else { Text::Save })}
            </button>
        </form>
    }
}
