//! The app's words: Chinese (zh-CN) first, English second (UX.md: "Chinese first").
//!
//! The locale is the one the person chose (the 中文/EN switch, kept in `localStorage`), else
//! Chinese. Every string on screen
//! comes from [`Text`], so adding a word means adding it in both languages here.

use jifen_shared::regions::RegionLevel;
use leptos::prelude::*;

/// The crash screen's words, in both languages at once (the locale may be what broke).
pub const CRASH_ZH: &str = "出错了，点击重新加载";
pub const CRASH_EN: &str = "Something went wrong. Tap to reload.";

const STORAGE_KEY: &str = "jifen.locale";

/// A display language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    ZhCn,
    En,
}

impl Locale {
    /// The person's saved choice, else Chinese: the county's language comes first whatever
    /// the phone's system language (UX.md); English is one tap away on the switch.
    pub fn detect() -> Locale {
        let saved = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
        match saved.as_deref() {
            Some("en") => Locale::En,
            _ => Locale::ZhCn,
        }
    }

    /// The BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The other language (for the switch).
    pub fn other(self) -> Locale {
        match self {
            Locale::ZhCn => Locale::En,
            Locale::En => Locale::ZhCn,
        }
    }
}

/// Puts the locale signal in context and keeps `<html lang>` and `localStorage` in step.
pub fn provide_locale(initial: Locale) {
    let locale = RwSignal::new(initial);
    provide_context(locale);
    Effect::new(move |_| {
        let current = locale.get();
        if let Some(window) = web_sys::window() {
            if let Some(html) = window.document().and_then(|d| d.document_element()) {
                let _ = html.set_attribute("lang", current.tag());
            }
            if let Ok(Some(storage)) = window.local_storage() {
                let _ = storage.set_item(STORAGE_KEY, current.tag());
            }
        }
    });
}

/// The locale signal from context.
pub fn use_locale() -> RwSignal<Locale> {
    use_context::<RwSignal<Locale>>().expect("provide_locale runs in App")
}

/// Every fixed string of the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    AppName,
    SwitchLanguage,
    Loading,
    NetworkProblem,
    ServerBusy,
    Retry,
    RegionNotFound,
    PageNotFound,
    BackHome,
    Search,
    NothingMatches,
    NoGrids,
    NotLoaded,
    SignIn,
    Mine,
    Phone,
    PhonePlaceholder,
    Code,
    CodePlaceholder,
    GetCode,
    CodeSent,
    PhoneInvalid,
    CodeInvalid,
    NotRegistered,
    TooManyCodes,
    SigningIn,
    Points,
    MyRoles,
    SignOut,
    Village,
}

/// `text` in `locale`.
pub fn t(locale: Locale, text: Text) -> &'static str {
    use Locale::*;
    use Text::*;
    match (text, locale) {
        (AppName, ZhCn) => "积分",
        (AppName, En) => "Jifen",
        // The switch shows the language it switches to.
        (SwitchLanguage, ZhCn) => "EN",
        (SwitchLanguage, En) => "中文",
        (Loading, ZhCn) => "正在加载…",
        (Loading, En) => "Loading…",
        (NetworkProblem, ZhCn) => "网络不好，请检查网络后重试",
        (NetworkProblem, En) => "The network is weak. Check it and try again.",
        (ServerBusy, ZhCn) => "服务器忙，请稍后重试",
        (ServerBusy, En) => "The server is busy. Please try again shortly.",
        (Retry, ZhCn) => "重试",
        (Retry, En) => "Try again",
        (RegionNotFound, ZhCn) => "没有找到这个地方",
        (RegionNotFound, En) => "This place was not found",
        (PageNotFound, ZhCn) => "没有这个页面",
        (PageNotFound, En) => "There is no such page",
        (BackHome, ZhCn) => "回到首页",
        (BackHome, En) => "Back to the start",
        (Search, ZhCn) => "搜索名称",
        (Search, En) => "Search by name",
        (NothingMatches, ZhCn) => "没有找到匹配的名称",
        (NothingMatches, En) => "No name matches",
        (NoGrids, ZhCn) => "这里还没有划分网格",
        (NoGrids, En) => "No grids have been set up here yet",
        (NotLoaded, ZhCn) => "还没有导入本县的行政区划数据",
        (NotLoaded, En) => "The county's divisions have not been imported yet",
        (SignIn, ZhCn) => "登录",
        (SignIn, En) => "Sign in",
        (Mine, ZhCn) => "我的",
        (Mine, En) => "Me",
        (Phone, ZhCn) => "手机号",
        (Phone, En) => "Mobile number",
        (PhonePlaceholder, ZhCn) => "请输入手机号",
        (PhonePlaceholder, En) => "Your mobile number",
        (Code, ZhCn) => "验证码",
        (Code, En) => "Code",
        (CodePlaceholder, ZhCn) => "6 位数字",
        (CodePlaceholder, En) => "6 digits",
        (GetCode, ZhCn) => "获取验证码",
        (GetCode, En) => "Get code",
        (CodeSent, ZhCn) => "验证码已发送，请查看短信",
        (CodeSent, En) => "The code is on its way by SMS",
        (PhoneInvalid, ZhCn) => "请输入正确的 11 位手机号",
        (PhoneInvalid, En) => "Please enter an 11-digit mobile number",
        (CodeInvalid, ZhCn) => "验证码不对或已过期，请重新获取",
        (CodeInvalid, En) => "The code is wrong or has expired. Get a new one.",
        (NotRegistered, ZhCn) => "这个号码还没有登记，请联系村委会",
        (NotRegistered, En) => {
            "This number is not registered yet. Please ask your village committee."
        }
        (TooManyCodes, ZhCn) => "获取太频繁，请稍后再试",
        (TooManyCodes, En) => "Too many codes. Please try again later.",
        (SigningIn, ZhCn) => "正在登录…",
        (SigningIn, En) => "Signing in…",
        (Points, ZhCn) => "积分",
        (Points, En) => "points",
        (MyRoles, ZhCn) => "我的身份",
        (MyRoles, En) => "My roles",
        (SignOut, ZhCn) => "退出登录",
        (SignOut, En) => "Sign out",
        (Village, ZhCn) => "所在村",
        (Village, En) => "Village",
    }
}

/// "58 秒后重发" on the code button while it waits.
pub fn resend_in(locale: Locale, seconds: u32) -> String {
    match locale {
        Locale::ZhCn => format!("{seconds} 秒后重发"),
        Locale::En => format!("Resend in {seconds} s"),
    }
}

/// A role's name as the county says it.
pub fn role_name(locale: Locale, role: jifen_shared::auth::Role) -> &'static str {
    use jifen_shared::auth::Role::*;
    match (locale, role) {
        (Locale::ZhCn, Villager) => "村民",
        (Locale::ZhCn, Volunteer) => "志愿者",
        (Locale::ZhCn, Keeper) => "积分超市管理员",
        (Locale::ZhCn, GridWorker) => "网格员",
        (Locale::ZhCn, VillageAdmin) => "村管理员",
        (Locale::ZhCn, TownshipAdmin) => "乡镇管理员",
        (Locale::ZhCn, CountyAdmin) => "县管理员",
        (Locale::En, Villager) => "Villager",
        (Locale::En, Volunteer) => "Volunteer",
        (Locale::En, Keeper) => "Supermarket keeper",
        (Locale::En, GridWorker) => "Grid worker",
        (Locale::En, VillageAdmin) => "Village admin",
        (Locale::En, TownshipAdmin) => "Township admin",
        (Locale::En, CountyAdmin) => "County admin",
    }
}

/// What a region's children are called, with their number: "19 个乡镇（街道）".
pub fn children_count(locale: Locale, level: RegionLevel, n: usize) -> String {
    match locale {
        Locale::ZhCn => {
            let noun = match level {
                RegionLevel::Province => "个省",
                RegionLevel::Prefecture => "个市",
                RegionLevel::County => "个县（市、区）",
                RegionLevel::Township => "个乡镇（街道）",
                RegionLevel::Village => "个村（社区）",
                RegionLevel::Grid => "个网格",
            };
            format!("{n} {noun}")
        }
        Locale::En => {
            let noun = match (level, n == 1) {
                (RegionLevel::Province, true) => "province",
                (RegionLevel::Province, false) => "provinces",
                (RegionLevel::Prefecture, true) => "prefecture",
                (RegionLevel::Prefecture, false) => "prefectures",
                (RegionLevel::County, true) => "county",
                (RegionLevel::County, false) => "counties",
                (RegionLevel::Township, true) => "township or sub-district",
                (RegionLevel::Township, false) => "townships and sub-districts",
                (RegionLevel::Village, true) => "village or community",
                (RegionLevel::Village, false) => "villages and communities",
                (RegionLevel::Grid, true) => "grid",
                (RegionLevel::Grid, false) => "grids",
            };
            format!("{n} {noun}")
        }
    }
}

/// A short badge for a region: 村 for a village committee (村委会), 社区 for an urban
/// community (居委会/社区), 镇/乡/街道 for townships, following the NBS names.
pub fn badge(locale: Locale, level: RegionLevel, name: &str) -> &'static str {
    let zh = match level {
        RegionLevel::Village if name.ends_with("村委会") => "村",
        RegionLevel::Village => "社区",
        RegionLevel::Township if name.ends_with("街道") => "街道",
        RegionLevel::Township if name.ends_with('乡') => "乡",
        RegionLevel::Township => "镇",
        RegionLevel::Grid => "网格",
        RegionLevel::County if name.ends_with('市') => "市",
        RegionLevel::County if name.ends_with('区') => "区",
        RegionLevel::County => "县",
        RegionLevel::Prefecture => "市",
        RegionLevel::Province => "省",
    };
    match locale {
        Locale::ZhCn => zh,
        Locale::En => match zh {
            "村" => "Village",
            "社区" => "Community",
            "街道" => "Sub-district",
            "乡" => "Township",
            "镇" => "Town",
            "网格" => "Grid",
            "县" => "County",
            "区" => "District",
            "市" => "City",
            _ => "Province",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_has_both_languages() {
        let all = [
            Text::AppName,
            Text::SwitchLanguage,
            Text::Loading,
            Text::NetworkProblem,
            Text::ServerBusy,
            Text::Retry,
            Text::RegionNotFound,
            Text::PageNotFound,
            Text::BackHome,
            Text::Search,
            Text::NothingMatches,
            Text::NoGrids,
            Text::NotLoaded,
            Text::SignIn,
            Text::Mine,
            Text::Phone,
            Text::PhonePlaceholder,
            Text::Code,
            Text::GetCode,
            Text::CodeSent,
            Text::PhoneInvalid,
            Text::CodeInvalid,
            Text::NotRegistered,
            Text::TooManyCodes,
            Text::SigningIn,
            Text::Points,
            Text::MyRoles,
            Text::SignOut,
            Text::Village,
        ];
        for text in all {
            // The switch names the language it switches to, in that language.
            let (zh, en) = match text {
                Text::SwitchLanguage => (t(Locale::En, text), t(Locale::ZhCn, text)),
                _ => (t(Locale::ZhCn, text), t(Locale::En, text)),
            };
            let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            assert!(cjk(zh), "{text:?} has Chinese: {zh}");
            assert!(!en.is_empty() && !cjk(en), "{text:?} has English: {en}");
        }
    }

    #[test]
    fn counts_and_badges_read_naturally() {
        assert_eq!(
            children_count(Locale::ZhCn, RegionLevel::Township, 19),
            "19 个乡镇（街道）"
        );
        assert_eq!(
            children_count(Locale::En, RegionLevel::Village, 1),
            "1 village or community"
        );
        assert_eq!(
            badge(Locale::ZhCn, RegionLevel::Village, "留村村委会"),
            "村"
        );
        assert_eq!(
            badge(Locale::ZhCn, RegionLevel::Village, "宏大社区居民委员会"),
            "社区"
        );
        assert_eq!(
            badge(Locale::ZhCn, RegionLevel::Township, "蒲西街道"),
            "街道"
        );
        assert_eq!(badge(Locale::En, RegionLevel::Township, "樊相镇"), "Town");
    }
}
