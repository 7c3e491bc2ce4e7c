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

/// A display language. The order is the column order of the texts table (`Locale as usize`).
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

/// `text` in the current language, following the 中文/EN switch. Screens use this rather than
/// a closure of their own: every `move || …` is a type of its own, with its own code in the
/// wasm, and this is one for all the strings on screen.
pub fn tr(text: Text) -> impl IntoView + use<> {
    let locale = use_locale();
    move || t(locale.get(), text)
}

/// Declares the UI texts from one table: each line is `Variant => "zh-CN", "English";` (doc
/// comments above a line go on the variant). It generates the [`Text`] enum, the table [`t`]
/// reads, and `Text::ALL` for the tests.
macro_rules! texts {
    ($($(#[$attr:meta])* $name:ident => $zh:literal, $en:literal;)*) => {
        /// Every fixed string of the UI.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Text {
            $($(#[$attr])* $name,)*
        }

        impl Text {
            /// Every text, in table order.
            #[cfg(test)]
            pub const ALL: &[Text] = &[$(Text::$name,)*];
        }

        /// `[zh-CN, English]` for each text, indexed by `Text as usize` (the enum's order).
        static TEXTS: [[&str; 2]; [$(stringify!($name)),*].len()] = [$([$zh, $en],)*];
    };
}

texts! {
    AppName => "积分", "Jifen";
    /// The switch shows the language it switches to.
    SwitchLanguage => "EN", "中文";
    Loading => "正在加载…", "Loading…";
    NetworkProblem => "网络不好，请检查网络后重试", "The network is weak. Check it and try again.";
    ServerBusy => "服务器忙，请稍后重试", "The server is busy. Please try again shortly.";
    Retry => "重试", "Try again";
    RegionNotFound => "没有找到这个地方", "This place was not found";
    PageNotFound => "没有这个页面", "There is no such page";
    BackHome => "回到首页", "Back to the start";
    Search => "搜索名称", "Search by name";
    NothingMatches => "没有找到匹配的名称", "No name matches";
    NoGrids => "这里还没有划分网格", "No grids have been set up here yet";
    NotLoaded => "还没有导入本县的行政区划数据", "The county's divisions have not been imported yet";
    SignIn => "登录", "Sign in";
    Mine => "我的", "Me";
    Phone => "手机号", "Mobile number";
    PhonePlaceholder => "请输入手机号", "Your mobile number";
    Code => "验证码", "Code";
    CodePlaceholder => "6 位数字", "6 digits";
    GetCode => "获取验证码", "Get code";
    CodeSent => "验证码已发送，请查看短信", "The code is on its way by SMS";
    PhoneInvalid => "请输入正确的 11 位手机号", "Please enter an 11-digit mobile number";
    CodeInvalid => "验证码不对或已过期，请重新获取", "The code is wrong or has expired. Get a new one.";
    NotRegistered => "这个号码还没有登记，请联系村委会", "This number is not registered yet. Please ask your village committee.";
    WechatSignIn => "微信一键登录", "Sign in with WeChat";
    WechatSigningIn => "正在通过微信登录…", "Signing in with WeChat…";
    WechatBindHint => "第一次用微信登录：请验证一次手机号，以后点微信即可登录", "First time with WeChat: confirm your phone number once; next time WeChat is enough.";
    WechatExpired => "微信授权已失效，请重新登录", "The WeChat sign-in has expired. Please sign in again.";
    WechatUnavailable => "微信暂时无法登录，请用手机验证码登录", "WeChat sign-in is not available now. Use an SMS code instead.";
    WechatNotStartedHere => "这个微信登录不是在本机发起的，或已过期。请回到登录页，点「微信一键登录」", "This WeChat sign-in was not started on this phone, or it has expired. Go back to sign-in and tap \u{201c}Sign in with WeChat\u{201d}.";
    WechatBindConfirm => "请确认：是您本人刚刚在这部手机的微信里点了「微信一键登录」。下一步会把现在这个微信绑定到您验证的手机号，以后用它就能登录这个账户。如果这是别人发给您的链接，请点「不是我」", "Please confirm it was you who just tapped \u{201c}Sign in with WeChat\u{201d} in WeChat on this phone. Next, the WeChat you are using now is bound to the phone number you confirm, and can then sign in to that account. If someone sent you this link, tap \u{201c}Not me\u{201d}.";
    WechatBindYes => "是我本人，继续", "It was me, continue";
    WechatBindNo => "不是我", "Not me";
    OrUsePhone => "或用手机号登录", "or sign in with your mobile number";
    BackToSignIn => "返回登录", "Back to sign-in";
    TooManyCodes => "获取太频繁，请稍后再试", "Too many codes. Please try again later.";
    SigningIn => "正在登录…", "Signing in…";
    SignInByCode => "验证码登录", "SMS code";
    SignInByPassword => "密码登录", "Password";
    Password => "密码", "Password";
    PasswordPlaceholder => "请输入密码", "Your password";
    WrongPassword => "手机号或密码不对", "Wrong mobile number or password";
    TooManyTries => "输错次数太多，请一小时后再试", "Too many wrong tries. Try again in an hour.";
    ChangePassword => "修改密码", "Change password";
    CurrentPassword => "当前密码", "Current password";
    NewPassword => "新密码", "New password";
    NewPasswordAgain => "再输一次新密码", "New password again";
    NewPasswordHint => "至少 8 个字符，不能是手机号", "At least 8 characters, not your mobile number";
    PasswordsDiffer => "两次输入的新密码不一样", "The two new passwords differ";
    PasswordChanged => "密码已修改", "Your password has been changed";
    PasswordRejected => "新密码不符合要求：至少 8 个字符，不能与当前密码相同，也不能是手机号", "The new password does not qualify: at least 8 characters, not the current one, not your mobile number";
    CurrentPasswordWrong => "当前密码不对", "The current password is wrong";
    PasswordChangeRequired => "您的密码已被重置，请先设置新密码", "Your password was reset. Please set a new one first.";
    NoPasswordYet => "还没有密码？请上级管理员为您重置一个临时密码", "No password yet? Ask an admin above you to reset one for you.";
    Saving => "正在保存…", "Saving…";
    Points => "积分", "points";
    MyRoles => "我的身份", "My roles";
    SignOut => "退出登录", "Sign out";
    Village => "所在村", "Village";
    SwitchRoleHint => "点一下，切换当前身份", "Tap a role to act as it";
    CurrentRole => "当前", "Current";
    Manage => "管理", "Manage";
    ImportVillagers => "导入村民名册", "Import villagers";
    ManageGrids => "网格管理", "Grids";
    RuleCatalogue => "积分事项", "Points rules";
    ShopsAdmin => "积分超市", "Points shops";
    RecyclingCategories => "回收品类", "Recycling categories";
    ServiceTypesAdmin => "服务事项", "Service types";
    PointsSetup => "积分设置", "Points set-up";
    Account => "账号", "Account";
    RulesCountyHint => "全县各村适用的积分事项。县里新增的事项全县通用；系统自带的事项可为全县停用或改分值，并可允许各村在范围内自定分值。", "The rules every village of the county uses. Rules the county adds apply county-wide; shipped rules can be switched off or given other points for the county, and villages may be allowed to set points within bounds.";
    RulesVillageHint => "本村村民可申报的积分事项。县里和系统的事项可在本村停用，县里允许时可在范围内自定分值；本村自己的事项可随时修改。", "The rules villagers of this village can claim. County and shipped rules can be switched off here, or given points within the county's bounds; the village's own rules can be edited.";
    NewRule => "新增积分事项", "New rule";
    AddRule => "新增", "Add";
    RuleOff => "已停用", "Switched off";
    RuleOffHere => "本地已停用", "Off here";
    RuleOffByCounty => "县里已停用", "Off by the county";
    RulePointsHere => "本地分值", "Own points";
    RulePointsByCounty => "县定分值", "County's points";
    RuleName => "事项名称", "Name";
    RuleNamePlaceholder => "如：清理河道", "e.g. River clean-up";
    RuleCategoryLabel => "类别", "Category";
    AddPoints => "加分", "Earns";
    DeductPoints => "扣分", "Deducts";
    RulePointsLabel => "分值", "Points";
    RulePointsPlaceholder => "1–1000 分", "1–1000";
    NeedsPhotoLabel => "申报时需要上传照片", "A photo is needed to claim";
    DailyCap => "每人每天最多次数", "Per person per day";
    MonthlyCap => "每人每月最多次数", "Per person per month";
    NoCap => "不限", "No limit";
    RuleGroups => "适用人员", "For";
    RuleGroupsHint => "不选则所有村民都可申报；“村民”包括所有村民", "None chosen: every villager; the group of villagers means everyone";
    VillageBounds => "各村可自定的分值范围", "Villages' own points";
    VillageBoundsHint => "留空则各村只能停用、不能改分值", "Empty: villages may only switch it off";
    BoundsMin => "最低", "From";
    BoundsMax => "最高", "To";
    RuleNameInvalid => "请填写事项名称（最多 50 个字）", "Give the rule a name (at most 50 characters)";
    RulePointsInvalid => "分值请填 1 到 1000 的整数", "Points: a whole number from 1 to 1000";
    RuleCapsInvalid => "次数请填整数：每天 1–100，每月 1–1000 且不少于每天，或留空", "Caps: 1–100 a day, 1–1000 a month (not below the daily cap), or empty";
    BoundsHoldPoints => "本县分值要在各村可选的范围之内", "The county's points must lie within the villages' range";
    RuleBoundsInvalid => "分值范围请填两个 1–1000 的整数，最低不大于最高，或都留空", "Bounds: two whole numbers from 1 to 1000, from not above to, or both empty";
    OutsideBounds => "分值超出了县里允许的范围", "These points are outside the county's bounds";
    RuleNotYours => "这个事项不归您管理，不能修改", "This rule is not yours to change";
    RuleExists => "已有同名代码的事项，请再试一次", "A rule with that code exists; try again";
    EditRule => "修改事项", "Edit the rule";
    Save => "保存", "Save";
    Saved => "已保存", "Saved";
    ConfirmSave => "确定", "Yes, save";
    SwitchOff => "停用这个事项", "Switch it off";
    SwitchOn => "重新启用", "Switch it on again";
    SwitchOffQuestion => "停用后所有村民都不能再申报这一项（已提交的申报仍可审核）。确定停用吗？", "Once off, nobody can claim it (claims made can still be reviewed). Switch it off?";
    SwitchOnQuestion => "启用后村民可以再次申报这一项。确定启用吗？", "Villagers will be able to claim it again. Switch it on?";
    CountySetting => "本县设置", "For the county";
    VillageSetting => "本村设置", "For this village";
    CountySettingHint => "系统自带的事项：可为全县停用，或改成本县的分值，并允许各村在范围内自定。", "A shipped rule: switch it off for the county, give it the county's points, and let villages set theirs within bounds.";
    VillageSettingHint => "县里或系统的事项：可在本村停用；县里允许时，可在范围内定本村的分值。", "A county or shipped rule: switch it off here or, where the county allows, set this village's points within bounds.";
    OwnPoints => "本地分值", "Own points";
    SameAsRule => "留空则按原分值", "Empty: the rule's points";
    SwitchOffHere => "在本村停用", "Switch off here";
    SwitchOffCounty => "在全县停用", "Switch off for the county";
    SwitchOnHere => "重新启用", "Switch on again";
    SwitchOffHereQuestion => "停用后本村村民不能再申报这一项（已提交的申报仍可审核）。确定吗？", "Villagers here will no longer claim it (claims made can still be reviewed). Switch it off?";
    SwitchOffCountyQuestion => "停用后全县村民都不能再申报这一项（已提交的申报仍可审核）。确定吗？", "Nobody in the county will claim it any more (claims made can still be reviewed). Switch it off?";
    SwitchOnHereQuestion => "启用后村民可以再次申报这一项。确定吗？", "Villagers will be able to claim it again. Switch it on?";
    RuleHistory => "修改记录", "History";
    NoRuleHistory => "还没有修改记录", "No changes yet";
    PeopleAndGrids => "人员与网格", "People and grids";
    DailyWork => "日常工作", "Daily work";
    AuditLog => "审计日志", "Audit log";
    AuditHint => "小微权力监督：工作人员的每一次操作都记在这里，不能修改或删除。", "Every staff action is recorded here; records cannot be changed or deleted.";
    AuditActor => "操作人", "Done by";
    AuditActorPlaceholder => "姓名中的字，如：王", "Part of a name";
    AuditAction => "事项", "Action";
    AllActions => "全部事项", "All actions";
    NoAuditEntries => "没有符合条件的记录", "No records match";
    AllPlaces => "看全部地区", "All places";
    OnlyPlace => "只看这里", "Only here";
    AuditBadDates => "结束日期不能早于开始日期", "The end date cannot be before the start date";
    AuditTooMany => "符合条件的记录超过 10000 条，请缩小日期范围后再导出", "Over 10,000 records match: narrow the dates to export";
    CommandLine => "系统运维（命令行）", "Operator (command line)";
    AuditSearch => "查询", "Search";
    AuditFilters => "筛选", "Filter";
    AwardsTitle => "评分/扣分", "Award or deduct";
    AwardsHint => "给本辖区村民奖励或扣除积分：选好分值和村民，预览后确认。扣分不会扣成负数。", "Give or take points from villagers of your area: choose the points and the people, preview, then confirm. Nobody goes below zero.";
    AwardWhat => "积分", "Points";
    AwardWho => "村民", "Villagers";
    AwardPlus => "奖励", "Award";
    AwardByRule => "按积分事项", "By a rule";
    AwardOwnAmount => "自定分值", "Own amount";
    AwardAmount => "分值", "Points";
    AwardAmountPlaceholder => "1 到 1000 之间的整数", "A whole number, 1 to 1000";
    AwardReason => "理由（全村可见）", "Reason (the village sees it)";
    AwardReasonPlaceholder => "如：文明户、夜间巡逻", "E.g. model household";
    AwardNobody => "请先勾选村民", "Tick the villagers first";
    AwardPointsRange => "分值请填 1 到 1000 之间的整数", "Points: a whole number from 1 to 1000";
    AwardReasonNeeded => "请填写理由", "Please give a reason";
    AwardTapToTick => "点一下勾选", "Tap to tick";
    AwardTickAll => "全选本页", "Tick all listed";
    AwardChange => "返回修改", "Change";
    ConfirmAward => "确认奖励", "Confirm award";
    ConfirmDeduct => "确认扣分", "Confirm deduction";
    AwardAgain => "再评一批", "Another batch";
    AwardsHintGrid => "给本网格村民评分：选好积分事项或分值，勾选村民，预览后确认。每天能评多少分由县里设定。", "Award villagers of your grid: choose the points and the people, preview, then confirm. The county sets how much you may award a day.";
    AwardGrid => "给网格村民评分", "Award villagers of the grid";
    LimitsTitle => "网格员评分限额", "Grid workers' award limits";
    LimitsHint => "网格员每天最多能评的总分，和给同一位村民每天最多能评的分。填 0：网格员不能评分。", "The most a grid worker may award a day in all, and to one villager a day. 0: grid workers do not award.";
    LimitsDaily => "每天总分", "A day in all";
    LimitsVillager => "每人每天", "To one villager a day";
    LimitsZero => "0 表示不能评分", "0: none";
    AwardOverLimit => "超过了今天的评分限额，请少选几人或降低分值", "Over today's award limit: choose fewer people or fewer points";
    AwardNotYours => "有的村民不在您的管辖范围内，或是您自己、您的家人", "Some are outside your area, or yourself or your family";
    LimitsInvalid => "每天总分 0–10000，每人每天 0–1000，且不超过每天总分", "A day in all: 0–10000; to one villager: 0–1000 and at most the daily total";
    NotStaff => "无权限：这里只有村、乡镇、县管理员能用。如果您有管理员身份，请到「我的」切换。", "No permission: only village, township and county admins use this. If you are one, switch roles on Me.";
    SwitchRole => "去「我的」切换身份", "Switch roles on Me";
    NoPermission => "无权限：您不能管理这个地方", "No permission: you do not manage this place";
    SessionExpired => "登录已过期，请重新登录", "You have been signed out. Please sign in again.";
    TooFrequent => "操作太频繁，请稍后再试", "Too many tries. Please wait a little.";
    InputRejected => "填写的内容不对，请检查后再试", "Something you entered is not right. Please check it.";
    ImportHowTo => "用 Excel 或 WPS 填好名册，另存为「CSV UTF-8」格式再上传。", "Fill in the register in Excel or WPS, save it as \u{201c}CSV UTF-8\u{201d} and upload it.";
    ColumnsHelp => "各列怎么填（第一行写英文列名，顺序不限）", "What goes in each column (names in the first row, any order)";
    ColName => "姓名（必填）", "Full name (required)";
    ColPhone => "手机号（必填）", "Mobile number (required)";
    ColVillage => "村代码，12 位数字（必填）", "Village code, 12 digits (required)";
    ColGrid => "网格代码，如 410783101230-001（可不填）", "Grid code, e.g. 410783101230-001 (optional)";
    ColHousehold => "户号（可不填）", "Household number (optional)";
    ColTags => "标签，如 党员;村民代表，用分号隔开（可不填）", "Tags, separated by semicolons (optional)";
    ImportAgain => "同一个手机号再导入一次，只会更新这个人，不会重复添加。", "Importing a number again updates that person; nobody is added twice.";
    DownloadSample => "下载样例文件", "Download a sample file";
    ChooseFile => "选择 CSV 文件", "Choose a CSV file";
    ChooseAnother => "换一个文件", "Choose another file";
    Upload => "上传并导入", "Upload and import";
    Importing => "已上传，正在导入…", "Uploaded. Importing…";
    UploadFailedKept => "网络不好，上传没有完成。文件还在，点「重试」再传一次。", "The network failed and the upload did not finish. The file is still chosen: tap Try again.";
    NotAVillagerCsv => "这个文件不是村民名册：第一行要有 name、phone、village_code 这几列", "This is not a villager register: the first row needs the columns name, phone and village_code";
    FileTooLarge => "文件太大了（最大 16 MB），请分成几个文件上传", "The file is too large (16 MB at most). Please split it.";
    ImportDone => "导入完成", "Import finished";
    Created => "新增", "Added";
    Updated => "更新", "Updated";
    Unchanged => "无变化", "Unchanged";
    Rejected => "有问题", "Problems";
    BadRows => "有问题的行（没有导入，其余的行已导入）", "Rows with problems (not imported; the other rows were)";
    AllRowsGood => "每一行都导入成功了", "Every row was imported";
    NoRows => "文件里只有标题行，没有村民", "The file holds only the header, no villagers";
    ChooseTownship => "选择乡镇（街道）", "Choose a township";
    ChooseVillage => "选择村（社区）", "Choose a village or community";
    VillageGrids => "本村网格", "Grids of this village";
    NewGrid => "新建网格", "Add a grid";
    GridName => "网格名称", "Grid name";
    GridNamePlaceholder => "如：第一网格", "e.g. Grid 1";
    Creating => "正在新建…", "Adding…";
    GridNameTaken => "这个村已经有叫这个名字的网格了", "This village already has a grid with that name";
    GridNameInvalid => "网格名称不对：最多 20 个字，不能有特殊符号", "Not a usable grid name: at most 20 characters, no special symbols";
    GridNameEmpty => "请填写网格名称", "Please enter a grid name";
    AppointTitle => "任命网格员", "Appoint grid workers";
    GridsHint => "点一个网格，查看它的村民，添加村民，任命网格员", "Tap a grid to see its people, add villagers and appoint grid workers";
    GridMembers => "本网格村民", "People in this grid";
    NoMembers => "这个网格还没有村民，请在下面添加", "Nobody is in this grid yet. Add villagers below.";
    Appoint => "任命网格员", "Make grid worker";
    Appointing => "正在任命…", "Appointing…";
    Dismiss => "免去", "Remove";
    DismissYes => "确定免去", "Yes, remove";
    Cancel => "取消", "Cancel";
    LoadMore => "加载更多", "Load more";
    AddToGrid => "添加村民到本网格", "Add villagers to this grid";
    FindVillager => "姓名或手机号", "Name or mobile number";
    FindPlaceholder => "如：张三", "e.g. Zhang San";
    Find => "查找", "Find";
    Finding => "正在查找…", "Finding…";
    NoVillagerFound => "本村没有找到这个人", "Nobody in this village matches";
    MoreResults => "只列出了前 20 位，请多输入几个字缩小范围", "Only the first 20 are listed. Type more to narrow it down.";
    AlreadyInGrid => "已在本网格", "Already in this grid";
    InOtherGrid => "在其他网格，加入后转到本网格", "In another grid; adding moves them here";
    TickFirst => "请先勾选村民", "Tick villagers first";
    AddingToGrid => "正在加入…", "Adding…";
    NotOfVillage => "有人不是本村村民，这次没有加入任何人。请重新查找后再选。", "Someone is not a villager of this village, so nobody was added. Find them again and retry.";
    PersonNotFound => "没有找到这个人，可能已被删除", "This person was not found; they may have been removed";
    GridNotFound => "没有找到这个网格", "This grid was not found";
    UnsupportedMedia => "这张照片的格式无法识别，请换一张，或用相机直接拍", "This photo's format cannot be read. Choose another or take one with the camera.";
    PhotoRequired => "这一项需要照片作证明，请先拍一张照片", "This one needs a photo as proof. Please take one first.";
    OnlyFor => "仅限", "Only for";
    NotInGroup => "这一项只对部分人员（如党员、村民代表）开放，您不在其中", "This is only for some groups (such as Party members or villagers' representatives), and you are not in them";
    CapReached => "这一项今天或本月的次数已经用完了，请改天再申报", "This has been claimed as often as allowed today or this month. Please try another day.";
    AlreadyReviewed => "已由他人审核", "Someone else has already reviewed it";
    InsufficientPoints => "积分不够，换一件或攒够了再来", "Not enough points for this";
    OutOfStock => "库存不足，已经兑完了", "Not enough left in stock";
    LimitReached => "这件商品本月每人限兑的数量已用完", "You have reached this month's limit for this item";
    GoodsUnavailable => "这件商品已下架", "This item is no longer on offer";
    AlreadyFulfilled => "已经兑换过了，不能重复兑换", "This has already been handed over";
    RedemptionExpired => "兑换单已过期或已取消，积分已退回", "This redemption has expired or was cancelled; the points are back";
    NotCancellable => "已兑换或已过期，不能取消", "It was handed over or has expired, so it cannot be cancelled";
    AlreadyClaimed => "已被其他志愿者接单", "Another volunteer has already taken this order";
    AlreadyRated => "已经评价过了", "You have already rated this";
    Home => "首页", "Home";
    Earn => "挣积分", "Earn points";
    PointsHistory => "积分明细", "Points history";
    MyClaims => "我的申报", "My claims";
    VillageBoard => "村积分榜", "Village board";
    Review => "审核", "Review";
    ReviewClaims => "审核村民申报", "Review villagers' claims";
    Work => "工作", "Work";
    AvailablePoints => "我的积分", "My points";
    BrowseCounty => "浏览全市乡镇和村", "Browse the townships and villages";
    NoVillage => "您还没有登记所在的村，请联系村委会", "You are not registered in a village yet. Please ask your village committee.";
    EarnHint => "选一项您做过的好事，提交后由网格员审核，通过后积分自动到账。", "Pick something good you did. A grid worker checks it; once approved the points are yours.";
    NeedsPhoto => "需要照片", "Photo needed";
    NoRules => "本村还没有可以申报的积分事项", "Nothing can be claimed in this village yet";
    HasDraft => "有草稿", "Draft";
    Note => "说明（可不填）", "Note (optional)";
    NotePlaceholder => "做了什么、在哪里、什么时候", "What you did, where and when";
    Photos => "照片", "Photos";
    TakePhoto => "拍照", "Take a photo";
    ChoosePhoto => "从相册选", "From the album";
    PhotoPreparing => "正在处理…", "Preparing…";
    PhotoUploadFailed => "上传失败", "Upload failed";
    PhotoTooLarge => "照片太大了（最大 10 MB），请换一张", "The photo is too large (10 MB at most). Please choose another.";
    RemovePhoto => "删除", "Remove";
    SubmitClaim => "提交申报", "Send the claim";
    Submitting => "正在提交…", "Sending…";
    WaitForUploads => "照片还在上传，请稍等", "Photos are still uploading. Please wait.";
    NeedPhotoFirst => "这一项需要照片：请先拍照或从相册选一张", "This one needs a photo: take one or choose one first";
    DraftKept => "网络不好，已保存草稿，联网后自动提交", "The network is weak. Your draft is saved and will be sent once you are online.";
    DraftSaved => "草稿已自动保存在这台手机上", "Your draft is saved on this phone";
    ClaimSent => "已提交，等待审核", "Sent. Waiting for review.";
    ClaimSentHint => "网格员审核通过后，积分会自动到账。", "Once a grid worker approves it, the points arrive by themselves.";
    SeeMyClaims => "查看我的申报", "See my claims";
    EarnMore => "继续挣积分", "Earn more";
    StartOver => "清空重填", "Start over";
    RuleInactive => "这个积分事项已停用，不能再申报", "This item is no longer in use and cannot be claimed";
    RuleNotFound => "没有找到这个积分事项", "This item was not found";
    AlreadySubmitted => "这份申报已经提交过了，请在「我的申报」查看", "This claim was already sent. See My claims.";
    NotAVillager => "只有登记在村里的村民可以申报积分", "Only villagers registered in a village can claim points";
    StatusPending => "待审核", "Waiting";
    StatusApproved => "已通过", "Approved";
    StatusRejected => "未通过", "Not approved";
    NoClaims => "还没有申报过积分，去「挣积分」试试吧", "No claims yet. Try Earn points.";
    NoMovements => "还没有积分变动", "No points have moved yet";
    SystemActor => "系统", "System";
    BoardTitle => "积分公示", "Points board";
    RecentMovements => "最新动态", "Recent";
    ThisMonth => "本月排行", "This month";
    ThisYear => "本年排行", "This year";
    NoBoardMovements => "本村还没有积分变动", "No points have moved in this village yet";
    NoRanking => "还没有人上榜", "Nobody is on the list yet";
    VillageNotFound => "没有找到这个村", "This village was not found";
    ReviewQueue => "待审核的申报", "Claims to review";
    NoPendingClaims => "没有待审核的申报，辛苦了", "Nothing to review. Well done.";
    Approve => "通过", "Approve";
    Reject => "不通过", "Reject";
    RejectWhy => "请选择不通过的原因（村民会看到）", "Why not? (the villager sees it)";
    ReasonBlurry => "照片不清晰", "Photo not clear";
    ReasonNotMatching => "不符合积分事项", "Does not match the item";
    ReasonDuplicate => "重复申报", "Claimed twice";
    ReasonOther => "其他…", "Other…";
    ReasonPlaceholder => "请写明原因，最多 100 字", "Write the reason, at most 100 characters";
    RejectConfirm => "确定不通过", "Reject it";
    ReasonEmpty => "请选择或填写原因", "Choose or write a reason";
    ReviewCapReached => "这位村民这一项今天或本月的次数已用完，不能再通过", "This villager has reached how often this counts today or this month; it cannot be approved";
    CannotReview => "您不能审核这条申报：本人或家人的申报，或不在您负责的网格", "You cannot review this claim: it is your own or your household's, or outside your grid";
    NotReviewer => "无权限：审核只对网格员和管理员开放。如果您有这些身份，请到「我的」切换。", "No permission: only grid workers and admins review claims. If you are one, switch roles on Me.";
    ClaimPhoto => "申报照片", "Claim photo";
    Close => "关闭", "Close";
    PhotoNotLoaded => "照片没有加载出来", "The photo did not load";
    TapToZoom => "点照片可放大", "Tap a photo to enlarge it";
    ReviewRefreshed => "已由他人审核，列表已刷新", "Someone else already reviewed it; the list is refreshed";
    PhotoNetwork => "网络不好，照片没有传上去。照片还在，点照片上的「重试」再传一次。", "The network failed and a photo was not uploaded. It is still here: tap Try again on it.";
    EarnedTotal => "累计获得", "Earned in all";
    SpentTotal => "累计用掉", "Used in all";
    Available => "可用", "Available";
    Shop => "积分超市", "Points shop";
    MyRedemptions => "我的兑换", "My redemptions";
    Scan => "扫码", "Scan";
    ScanRedeem => "扫码兑换", "Scan a redemption";
    NoShops => "本村还没有积分超市", "There is no points shop for your village yet";
    NoGoods => "这家超市还没有上架商品", "Nothing is on the shelves here yet";
    GoodsPhoto => "商品照片", "Photo of the item";
    MarketPrice => "市场价", "Market price";
    Redeem => "兑换", "Redeem";
    NotEnough => "积分不够", "Not enough";
    SoldOut => "已兑完", "Sold out";
    ConfirmRedeem => "确认兑换", "Confirm";
    ThinkAgain => "再想想", "Not now";
    Quantity => "数量", "Quantity";
    Fewer => "减少一件", "One fewer";
    More => "增加一件", "One more";
    UnitPrice => "单价（按此刻价格）", "Price each (as of now)";
    PointsNeeded => "共需", "Total";
    BalanceNow => "现有积分", "You have";
    BalanceAfter => "兑换后剩余", "Left after";
    Redeeming => "正在兑换…", "Redeeming…";
    LastTryUnknown => "上次没有收到结果：请再点「确认兑换」，不会重复兑换", "The last try got no answer. Tap Confirm again: nothing is redeemed twice.";
    RedeemNetwork => "网络不好，没有收到结果。请再点「确认兑换」，不会重复兑换", "The network is weak and no answer came. Tap Confirm again: nothing is redeemed twice.";
    RedemptionCode => "兑换码", "Redemption code";
    BrightenScreen => "请把屏幕调亮，给超市管理员扫码", "Turn the screen bright and let the keeper scan it";
    ShortCodeHint => "扫不出来时，请管理员输入这 8 位码", "If it does not scan, the keeper types these 8 characters";
    Done => "完成", "Done";
    StatusReserved => "待兑换", "To collect";
    StatusFulfilled => "已兑换", "Collected";
    StatusCancelled => "已取消", "Cancelled";
    StatusExpired => "已过期", "Expired";
    ShowCode => "出示兑换码", "Show the code";
    CancelRedemption => "取消兑换", "Cancel it";
    CancelQuestion => "确定取消这次兑换吗？积分会退回。", "Cancel this redemption? The points come back.";
    CancelYes => "确定取消", "Yes, cancel";
    KeepIt => "不取消", "Keep it";
    CancelledBack => "已取消，积分已退回", "Cancelled. The points are back.";
    NoRedemptions => "还没有兑换过，去「积分超市」看看吧", "No redemptions yet. Have a look at the points shop.";
    RedemptionNotFound => "没有找到这个兑换单", "This redemption was not found";
    CollectedTitle => "已兑换，商品已领取", "Collected. Enjoy!";
    ClosedTitle => "这个兑换码已不能使用", "This code can no longer be used";
    ScanHint => "把村民的兑换码或会员卡放进框里", "Hold the villager's code or member card inside the frame";
    CameraStarting => "正在打开相机…", "Opening the camera…";
    CameraUnavailable => "相机打不开（没有相机或没有允许使用相机），请输入兑换码", "The camera cannot be opened (none, or not allowed). Type the code instead.";
    NoScanner => "这部手机不能直接扫码，请输入兑换码下面的 8 位码，或会员卡上的 10 位卡号", "This phone cannot read QR codes. Type the 8 characters under the villager's code, or the 10 digits of their member card.";
    ShortCode => "兑换码（8 位）或会员卡号（10 位）", "Code (8 characters) or member card number (10 digits)";
    ShortCodePlaceholder => "如 ABCD2345", "e.g. ABCD2345";
    LookUp => "查询", "Look up";
    LookingUp => "正在查询…", "Looking up…";
    ShortCodeInvalid => "兑换码是 8 位数字和大写字母（没有 0、O、1、I、L），会员卡号是 10 位数字，请核对", "A code is 8 digits and capital letters (no 0, O, 1, I or L); a member card number is 10 digits. Please check it.";
    NothingToCollect => "这位村民在本店没有待领取的兑换", "This villager has nothing reserved to collect here";
    CodeNotFound => "没有找到这个兑换码，请核对后重新输入；或请村民重新打开兑换码", "No redemption has this code. Check it and type it again, or ask the villager to open the code again.";
    Villager => "村民", "Villager";
    HandOver => "确认交付", "Hand over";
    HandingOver => "正在交付…", "Handing over…";
    NotThisOne => "不是这张，重新扫码", "Not this one: scan again";
    Handed => "已兑换", "Handed over";
    HandedHint => "请把商品交给村民", "Give the goods to the villager";
    NextScan => "继续扫码", "Scan the next";
    ResultAlreadyFulfilled => "已被兑换", "Already handed over";
    ResultAlreadyFulfilledHint => "这个兑换码已经兑换过了，不能再发放商品", "This code was already used. Do not hand the goods over again.";
    ResultExpired => "已过期", "Expired";
    ResultExpiredHint => "兑换单已过期或已取消，积分已退回村民，请村民重新兑换", "The redemption expired or was cancelled and the points went back. The villager can redeem again.";
    ResultNotYourShop => "不是本店的兑换单", "Not this shop's redemption";
    ResultNotYourShopHint => "请村民到兑换时选的那家超市领取", "The villager collects at the shop they redeemed from";
    ResultNotFoundHint => "请村民重新打开兑换码再试", "Ask the villager to open the code again";
    NotKeeper => "无权限：扫码兑换只对积分超市管理员开放。如果您有这个身份，请到「我的」切换。", "No permission: only points-shop keepers scan redemptions. If you are one, switch roles on Me.";
    HandOverNetwork => "网络不好，还不知道是否交付成功。请点「确认交付」再试，不会重复扣分", "The network is weak; it is not known whether it went through. Tap Hand over again: nothing is charged twice.";
    RedeemForbidden => "只有这家超市服务的村里登记的村民可以兑换", "Only villagers registered in a village this shop serves can redeem here";
    Recycle => "回收", "Recycling";
    RecycleTitle => "回收称重", "Weigh recyclables";
    Today => "今日", "Today";
    TodayTitle => "今日汇总", "Today's summary";
    MemberCode => "我的会员码", "My member code";
    ElderMode => "长辈模式", "Elder mode";
    ElderModeHint => "字更大、颜色更深，可以朗读积分和商品", "Larger, darker text; points and goods read aloud";
    ReadAloud => "朗读", "Read aloud";
    MemberCodeHint => "交回收物时出示此码", "Show this code when you bring recyclables";
    FindVillagerHint => "扫村民的会员码或会员卡，或输入手机号、会员卡号", "Scan the villager's member code or card, or type their mobile or card number";
    ScanMemberHint => "把村民的会员码放进框里", "Hold the villager's member code inside the frame";
    NoScannerPhone => "这部手机不能直接扫码，请输入村民手机号或会员卡号", "This phone cannot read QR codes. Type the villager's mobile or member card number.";
    VillagerPhone => "村民手机号", "Villager's mobile number";
    MemberNotFound => "没有找到这个会员码或手机号", "Nobody has this member code or number";
    NotServedVillager => "这位村民不在本店服务的村，不能在这里入账", "This villager is not from a village this shop serves";
    DropoffForbidden => "不能入账：不能给本人或家人入账，或这位村民不在本店服务的村", "Not credited: not for yourself or your household, nor for a villager this shop does not serve";
    OtherVillager => "换一位", "Someone else";
    Category => "品类", "Category";
    Weight => "重量（公斤）", "Weight (kg)";
    WeightPlaceholder => "如 2.35", "e.g. 2.35";
    WeightInvalid => "请输入重量，如 2.35（公斤，最多 3 位小数，最多 1000 公斤）", "Enter the weight, e.g. 2.35 (kg, up to 3 decimals, at most 1000 kg)";
    PickCategory => "请先选品类", "Choose a category first";
    AddLine => "再加一类", "Add another category";
    ThisDropoff => "本次回收", "This drop-off";
    NothingWeighed => "请选品类并输入重量", "Choose a category and enter the weight";
    Credit => "确认入账", "Credit the points";
    Crediting => "正在入账…", "Crediting…";
    Credited => "已入账", "Credited";
    NextVillager => "下一位", "Next villager";
    CreditNetwork => "网络不好，没有收到结果。请再点「确认入账」，不会重复入账", "The network is weak and no answer came. Tap Credit again: nothing is credited twice.";
    NoKeptShop => "您还不是哪家积分超市的管理员，请联系村委会", "You do not keep any points shop yet. Please ask your village committee.";
    ChooseShop => "选择超市", "Choose the shop";
    RedemptionsToday => "兑换单", "Redemptions";
    PointsCollected => "收回积分", "Points taken in";
    DropoffsToday => "回收次数", "Drop-offs";
    PointsCredited => "发放积分", "Points given";
    GoodsHandedOut => "今日兑出商品", "Goods handed out today";
    RecyclingByCategory => "今日回收", "Recyclables today";
    NothingToday => "今天还没有记录", "Nothing yet today";
    Refresh => "刷新", "Refresh";
    Remove => "删除", "Remove";
    // Service orders (五单), ratings (好差评) and the inbox (消息).
    Services => "服务", "Services";
    ServicesHint => "选一项服务，写清楚需要什么，志愿者会来帮您", "Pick a service and say what you need; a volunteer will come";
    MyOrders => "我的订单", "My orders";
    NoServiceTypes => "本县还没有可点的服务", "No services are offered in this county yet";
    OrderWhat => "需要帮什么忙", "What do you need";
    OrderWhatPlaceholder => "例如：帮忙去镇上取药，下午三点前", "For example: fetch my medicine from the town before 3 pm";
    OrderWhere => "在哪里", "Where";
    AtMyHome => "我家", "My home";
    ElsewhereAddress => "其他地点", "Somewhere else";
    AddressPlaceholder => "写下地点，例如：村委会门口", "Write the place, e.g. the village office gate";
    SubmitOrder => "提交订单", "Place the order";
    OrderSent => "已下单", "Order placed";
    OrderSentHint => "志愿者接单后会通知您，请留意「消息」", "You will be told in Messages when a volunteer takes it";
    OrderAgain => "再点一单", "Order another";
    OrderOpen => "待接单", "Waiting";
    OrderClaimed => "已接单", "Taken";
    OrderCompleted => "已完成", "Done";
    OrderCancelled => "已取消", "Cancelled";
    NoOrders => "还没有订单，去「服务」点一单吧", "No orders yet. Order one in Services.";
    OrderNotFound => "没有找到这个订单", "This order was not found";
    Timeline => "办理进度", "Progress";
    Orderer => "点单人", "Ordered by";
    VolunteerWord => "志愿者", "Volunteer";
    Address => "地点", "Place";
    CancelOrder => "取消订单", "Cancel the order";
    RateService => "评价这次服务", "Rate this service";
    RateHint => "点星星打分，5 颗星最满意", "Tap the stars; 5 stars is best";
    RateGood => "好评", "Good";
    RateNeutral => "中评", "Fair";
    RateBad => "差评", "Poor";
    RateCommentPlaceholder => "说说这次服务怎么样（可不填）", "How was it? (optional)";
    SubmitRating => "提交评价", "Send the rating";
    ChooseStars => "请先点星星打分", "Tap the stars first";
    YourRating => "评价", "Rating";
    AutoRated => "7 天未评价，系统默认中评", "Not rated in 7 days: counted as fair";
    RectificationOpen => "差评已转村里整改", "The village is looking into this poor rating";
    Rectified => "村里已整改", "The village has looked into it";
    RectifiedRateAgain => "村里已整改，您可以重新评价", "The village has looked into it: you may rate again";
    TasksTab => "接单", "Orders";
    OrdersAvailable => "可接的订单", "Orders to take";
    MyTasks => "我的任务", "My tasks";
    ClaimOrder => "接单", "Take it";
    NoAvailableOrders => "附近暂时没有待接的订单", "No orders waiting nearby right now";
    NoTasks => "还没有接过订单", "You have not taken any orders yet";
    NotVolunteer => "接单只对志愿者开放。如果您是志愿者，请到「我的」切换身份。", "Only volunteers take orders. If you are one, switch roles on Me.";
    CompleteOrder => "服务完成", "Mark as done";
    CompletionNote => "做了什么", "What was done";
    CompletionPlaceholder => "例如：已把药送到王奶奶家", "For example: brought the medicine to Grandma Wang";
    CompletionPhoto => "现场照片（可选）", "A photo (optional)";
    NoteRequired => "请写几个字", "Please write a few words";
    Claimed => "接单成功，请尽快联系点单人", "It is yours: contact the person soon";
    Completed => "已完成，等待村民评价后发放积分", "Done; the points come once the villager rates it";
    OrderChanged => "订单状态已变化，已为您刷新", "The order has changed; it is shown afresh";
    Inbox => "消息", "Messages";
    NoMessages => "没有新消息", "No messages";
    ServiceOrders => "服务订单", "Service orders";
    DispatchOrder => "派单", "Dispatch";
    ChooseVolunteer => "派给哪位志愿者", "Which volunteer";
    NoVolunteers => "本村还没有志愿者", "This village has no volunteers yet";
    Dispatched => "已派单", "Dispatched";
    /// The grid worker's tab of escalated orders (and its title, hint and empty list).
    ToDispatch => "待派单", "To dispatch";
    ToDispatchHint => "这些订单超过时限还没有志愿者接，请派给一位志愿者", "Nobody took these orders in time: send each to a volunteer";
    NoOrdersToDispatch => "没有待派单的订单", "No orders to dispatch";
    NotEscalated => "这个订单还没超时：志愿者仍可接单，村里也可以派单", "This order is not overdue yet: volunteers may still take it, and the village may dispatch it";
    /// A volunteer holding no order now (the dispatch picker).
    VolunteerFree => "空闲", "Free";
    Rectifications => "差评整改", "Poor ratings to fix";
    NoRectifications => "没有待整改的差评", "Nothing to fix";
    OverdueBadge => "审核超时", "Overdue";
    KeptGoods => "本店商品", "Our goods";
    FollowUp => "整改情况", "What was done";
    FollowUpPlaceholder => "写明怎么整改的，村民和上级会看到", "Say how it was put right; the villager and the township see it";
    CloseRectification => "整改完成", "Close it";
    RectificationClosed => "已整改", "Fixed";
    WhatWasDone => "服务记录", "Done";
    Overview => "数据概览", "Overview";
    Last7Days => "近7天", "7 days";
    Last30Days => "近30天", "30 days";
    MonthSoFar => "本月", "This month";
    CustomRange => "自定义", "Custom";
    FromDate => "开始日期", "From";
    ToDate => "结束日期", "To";
    PointsIssued => "发放积分", "Issued";
    PointsSpent => "兑换积分", "Spent";
    PointsOutstanding => "结余积分", "Held";
    Participation => "参与率", "Taking part";
    ByRegion => "各地对比（发放积分）", "By region (points issued)";
    ClaimsReview => "申报审核", "Claims";
    AverageReview => "平均审核用时", "Average review";
    OrdersPlaced => "下单", "Placed";
    WithinSla => "按时接单率", "Taken in time";
    RatingsTitle => "好差评", "Ratings";
    RecyclingKg => "回收（千克）", "Recycling (kg)";
    TopRules => "积分事项排行", "Top rules";
    ExportCsv => "导出CSV", "Export CSV";
    SettlementsTitle => "结算单", "Shop statements";
    SettlementPaid => "已付款", "Paid";
    SettlementToPay => "待付款", "To pay";
    SettlementRunning => "本月进行中", "Month in progress";
    SettlementNothing => "无兑换", "Nothing handed over";
    EarlierMonth => "上个月", "Earlier month";
    LaterMonth => "下个月", "Later month";
    NoShopsToSettle => "没有可查看的超市", "No shops to show";
    StatementGoods => "商品明细", "Goods";
    UnpaidAllMonths => "尚未结算（全部月份）：", "Not yet paid, all months: ";
    GoThere => "去结算", "Go there";
    MarkPaid => "标记已付款", "Mark as paid";
    PaymentReference => "付款凭证号", "Payment reference";
    PaymentReferenceHint => "例如：转账流水号", "e.g. the bank transfer number";
    PaidOn => "付款日期", "Paid on";
    MarkPaidFinal => "标记后本月结算单锁定，超市的这部分积分清零，不能撤销", "Once marked, this month's statement is locked and the shop's points for it are cleared; this cannot be undone";
    ConfirmPaid => "确认已付款", "Confirm paid";
    Paying => "正在提交…", "Sending…";
    PaymentIncomplete => "请填写付款凭证号和付款日期（不早于该月1日，不晚于今天）", "Fill in the payment reference and the date (from the month's first day to today)";
    AlreadyPaid => "这个月已经标记付款了", "This month was marked paid already";
    PaidMeanwhile => "这个月刚刚已被他人标记付款，您填写的没有记录；付款记录见下方", "Someone else marked this month paid just now; yours was not recorded. Their payment is shown below";
    EarlierMonthUnpaid => "更早的月份还没结算，请先结算", "An earlier month is not paid yet; pay it first";
    MonthNotOver => "这个月还没结束，不能结算", "This month is not over yet";
    DownloadCsv => "下载 CSV", "Download CSV";
    DownloadExcel => "下载 Excel", "Download Excel";
    NoData => "暂无数据", "No data";
    BadRange => "日期不对：开始不能晚于结束，最多366天", "Check the dates: from before to, at most 366 days";
    // 人员 (/admin/people and /admin/people/:id).
    People => "人员", "People";
    PeopleHint => "本辖区的村民和工作人员，可按姓名或完整手机号查找", "Villagers and staff of your area; find them by name or whole mobile number";
    NoPeopleFound => "没有找到这个人", "Nobody found";
    Household => "户号", "Household";
    PersonGrid => "所在网格", "Grid";
    Tags => "标签", "Tags";
    PersonRoles => "身份", "Roles";
    StaffPassword => "登录密码", "Sign-in password";
    ResetPasswordHint => "忘记密码时，可为此人重置：系统生成一个一次性密码，对方用它登录后须马上设置新密码。", "If this person forgot their password, reset it: a one-time password is made, and they must set a new one right after signing in with it.";
    ResetPassword => "重置密码", "Reset password";
    ResetPasswordQuestion => "确定重置此人的密码吗？此人在所有手机上的登录都会退出；一次性密码只显示这一次。", "Reset this person's password? They are signed out on every phone, and the one-time password is shown only this once.";
    ResetPasswordYes => "确定重置", "Yes, reset";
    Resetting => "正在重置…", "Resetting…";
    OneTimePasswordTitle => "一次性密码", "One-time password";
    OneTimePasswordHandOver => "请当面交给本人，不要用短信、微信转发。对方用它登录后须马上设置新密码。离开此页后将无法再次查看。", "Hand it over in person; do not send it by SMS or WeChat. They must set a new password right after signing in with it. It cannot be shown again once you leave this page.";
    ResetNotAbove => "不能重置：您的职务不高于此人（只能重置您可任命的工作人员的密码）", "Cannot reset: you are not above this person (you may reset only staff you could appoint)";
    ResetNotStaff => "此人没有工作人员身份，不用密码登录", "This person holds no staff role and signs in without a password";
    NoRoles => "没有身份", "No roles";
    // 管理 → 积分超市: shops, goods, stock and keepers.
    ShopClosedNow => "这家超市已停业，暂不能兑换", "This shop is closed; nothing can be reserved there now";
    NoShopsHere => "这里还没有积分超市", "There are no points shops here yet";
    ClosedBadge => "已停业", "Closed";
    LowStockList => "库存不足清单", "Low-stock list";
    NoLowStock => "没有库存不足的商品", "Nothing is low on stock";
    LowStockBadge => "库存不足", "Low on stock";
    OffShelfBadge => "已下架", "Off the shelf";
    OpenShop => "开设超市", "Open a shop";
    Opening => "正在开设…", "Opening…";
    ShopName => "超市名称", "Shop name";
    ShopNamePlaceholder => "如：柳村积分超市", "e.g. Liucun points shop";
    Rename => "改名", "Rename";
    SaveName => "保存名称", "Save the name";
    CloseShop => "停业", "Close the shop";
    ReopenShop => "恢复营业", "Reopen the shop";
    CloseShopQuestion => "停业后村民看不到这家超市，也不能再兑换；已下的兑换单仍可领取或取消。确定停业吗？", "Once closed, villagers no longer see this shop and cannot reserve there; reservations already made can still be collected or cancelled. Close it?";
    ReopenShopQuestion => "恢复营业后村民又能在这里兑换。确定恢复吗？", "Villagers will be able to reserve here again. Reopen it?";
    CloseShopYes => "确定停业", "Close it";
    ReopenShopYes => "确定恢复", "Reopen it";
    GoodsTitle => "商品", "Goods";
    AddGoods => "添加商品", "Add goods";
    AddGoodsOpen => "＋ 添加商品", "+ Add goods";
    Adding => "正在添加…", "Adding…";
    GoodsName => "商品名称", "Name of the goods";
    GoodsNamePlaceholder => "如：洗洁精", "e.g. dish soap";
    PointsPriceField => "积分价", "Points price";
    MarketPriceField => "市场价（元）", "Market price (yuan)";
    StockField => "库存（件）", "Stock (units)";
    LimitField => "每人每月限兑", "Limit a person a month";
    ThresholdField => "库存提醒线", "Warn at stock";
    NoLimit => "不限", "No limit";
    NoWarning => "不提醒", "No warning";
    PointsPlaceholder => "如：10", "e.g. 10";
    YuanPlaceholder => "如：12.5", "e.g. 12.5";
    OnShelf => "上架（村民可兑换）", "On the shelf (villagers can redeem it)";
    GoodsPhotoField => "商品照片", "Photo of the goods";
    PhotoUploaded => "照片已上传", "Photo uploaded";
    EditGoods => "编辑", "Edit";
    SaveGoods => "保存商品", "Save the goods";
    StockInOut => "进货/报损", "Stock in/out";
    Restock => "进货", "Restock";
    WriteOff => "报损", "Write off";
    QuantityField => "数量（件）", "Quantity (units)";
    WriteOffReason => "报损原因", "Why it is written off";
    WriteOffReasonPlaceholder => "如：过期、破损", "e.g. expired, broken";
    StockNote => "备注（可不填）", "Note (optional)";
    StockNotePlaceholder => "如：供货商送货", "e.g. delivered by the supplier";
    Next => "下一步", "Next";
    ConfirmStockYes => "确定", "Confirm";
    StockHistory => "库存记录", "Stock history";
    NoStockHistory => "还没有库存记录", "No stock changes yet";
    KeepersTitle => "超市管理员", "Keepers";
    NoKeepers => "还没有超市管理员", "No keepers yet";
    AppointKeeper => "任命为管理员", "Make keeper";
    RemoveKeeper => "移除", "Remove";
    RemoveKeeperYes => "确定移除", "Remove";
    AppointKeeperTitle => "任命超市管理员", "Appoint a keeper";
    ShopNameRequired => "请填写名称（不超过 50 个字）", "Enter a name (at most 50 characters)";
    PointsPriceInvalid => "积分价为 1 到 100000 的整数", "The points price is a whole number from 1 to 100000";
    MarketPriceInvalid => "市场价为 0.01 到 1000000 元", "The market price is from 0.01 to 1000000 yuan";
    PriceAboveMarket => "积分价要低于市场价：1 积分按 0.1 元算", "Points prices sit below market value: a point counts as 0.1 yuan";
    StockInvalid => "库存为 0 到 1000000 的整数", "Stock is a whole number from 0 to 1000000";
    LimitInvalid => "限兑为 1 到 1000 的整数，或不填", "The limit is a whole number from 1 to 1000, or empty";
    ThresholdInvalid => "提醒数量为 0 到 1000000 的整数，或不填", "The warning level is a whole number from 0 to 1000000, or empty";
    QuantityInvalid => "数量为 1 到 1000000 的整数", "The quantity is a whole number from 1 to 1000000";
    WriteOffReasonRequired => "报损请写明原因", "Say why it is written off";
    WriteOffBeyondStock => "报损数量不能超过库存", "You cannot write off more than is in stock";
    NameTaken => "这里已经有同名的超市", "There is already a shop of that name here";
    ShopsOf => "积分超市管理", "Points shops";
    // 回收品类 and 服务事项 (the county's catalogues) and a person's roles.
    RecyclingCategoriesHint => "村民交来分类好的可回收物，按每公斤积分计分；每笔按重量向下取整。", "Villagers bring sorted recyclables and earn points per kilogram, rounded down per line.";
    ServiceTypesHint => "村民可以下单的服务，以及志愿者完成后（中评及以上）可得的积分。", "The services villagers may order, and the points a volunteer earns when one is rated neutral or better.";
    CatalogueReadOnly => "全县统一标准，只有县管理员可以修改；您可以查看。", "One standard for the whole county: only a county admin may change it. You may look.";
    NoCatalogueEntries => "还没有任何条目", "Nothing here yet";
    EntryOff => "已停用", "Off";
    EntryOfCounty => "本县设定", "Set by the county";
    EntryShipped => "默认", "Default";
    EntryEdit => "修改", "Edit";
    EntrySave => "保存", "Save";
    EntrySaved => "已保存", "Saved";
    EntryName => "名称", "Name";
    EntryNamePlaceholder => "例如：废纸", "e.g. Waste paper";
    ServiceNamePlaceholder => "例如：代办跑腿", "e.g. Errands";
    EntryCode => "代码", "Code";
    EntryCodePlaceholder => "小写字母、数字、下划线，如 old_clothes", "Lower-case letters, digits, _: old_clothes";
    RatePerKg => "每公斤积分", "Points per kilogram";
    RewardPoints => "志愿者所得积分", "Volunteer's points";
    ValuePlaceholder => "整数", "A whole number";
    EntryActive => "启用（停用后不能再选）", "On (when off, it cannot be chosen)";
    EntryNameEmpty => "请填写名称", "Please enter a name";
    EntryCodeInvalid => "代码只能用 1–40 个小写字母、数字或下划线", "The code takes 1–40 lower-case letters, digits or _";
    EntryCodeTaken => "这个代码已在用：请在上面的列表里修改它", "This code is in use: change it in the list above";
    ChangeRateYes => "确定修改", "Yes, change it";
    AddCategory => "新增回收品类", "Add a recycling category";
    AddServiceType => "新增服务事项", "Add a service type";
    EntryAdd => "添加", "Add";
    EntryAdding => "正在添加…", "Adding…";
    CatalogueRejected => "没有保存：内容不符合要求", "Not saved: something is not accepted";
    CatalogueForbidden => "没有保存：只有本县的县管理员可以修改", "Not saved: only a county admin of this county may change it";
    RoleGrantTitle => "授予角色", "Grant a role";
    RoleGrantHint => "选择角色和地点；只列出您可以授予的角色和您辖区内的地点。", "Pick a role and a place: only the roles you may grant and places in your area are offered.";
    RolePick => "角色", "Role";
    PlacePick => "地点", "Place";
    PlacePickOne => "请选择", "Choose";
    ShopPick => "积分超市", "Supermarket";
    NoShopHere => "这里还没有积分超市：请先开设超市再任命管理员", "No supermarket serves this place yet: open one before appointing a keeper";
    PlaceWhole => "（整个）", "(all of it)";
    RoleGrantYes => "确定授予", "Yes, grant it";
    RoleGranting => "正在授予…", "Granting…";
    RoleRevoke => "撤销", "Revoke";
    RoleRevokeYes => "确定撤销", "Yes, revoke it";
    RoleRevoking => "正在撤销…", "Revoking…";
    RoleGrantForbidden => "不能授予：您无权在这个地点授予这个角色，或此人不在您的辖区", "Not granted: you may not grant this role there, or this person is outside your area";
    RoleGrantInvalid => "不能授予：这个角色不能设在这一级地点", "Not granted: this role is not held over a place of that level";
    RevokeForbidden => "不能撤销：您无权撤销这个角色", "Not revoked: you may not revoke this role";
    VillagerByRegistry => "村民身份由村民名册决定，不能在这里授予或撤销", "The villager role comes from the register: it is not granted or revoked here";
    // 编辑村民 — one villager edited, their phone changed, their account closed.
    EditPerson => "编辑", "Edit";
    EditPersonTitle => "编辑村民信息", "Edit villager";
    PersonName => "姓名", "Name";
    NamePlaceholder => "如：张三", "e.g. Zhang San";
    HouseholdPlaceholder => "如：0101（可不填）", "e.g. 0101 (optional)";
    Groups => "人员类别", "Groups";
    OtherTags => "其他标签（保留）", "Other tags (kept)";
    NoGrid => "不分网格", "No grid";
    SavePerson => "保存", "Save";
    PersonSaved => "已保存", "Saved";
    NameRequired => "请填写姓名（最多 50 个字）", "Enter a name (at most 50 characters)";
    HouseholdTooLong => "户号最多 32 个字符", "A household number has at most 32 characters";
    ChangePhone => "更换手机号", "Change the mobile number";
    ChangePhoneHint => "换号后，此人在所有手机上的登录都会退出，需用新号码重新登录。", "After the change this person is signed out on every phone and signs in with the new number.";
    NewPhone => "新手机号", "New mobile number";
    OtherPhonePlaceholder => "11 位手机号", "11-digit mobile number";
    ChangePhoneYes => "确定更换", "Yes, change";
    ChangingPhone => "正在更换…", "Changing…";
    PhoneChanged => "手机号已更换", "The mobile number was changed";
    PhoneTaken => "这个手机号已被其他人使用", "This number belongs to someone else";
    GridNotInVillage => "这个网格不属于此人所在的村", "This grid is not in this person's village";
    AccountClosed => "此账户已注销，不能再修改", "This account is closed and can no longer be changed";
    BalanceChanged => "此人的积分刚刚有变动，请看清后再确认", "This person's points just changed; check and confirm again";
    ReviewTabPending => "待审核", "To review";
    ReviewTabApproved => "已通过", "Approved";
    ApprovedClaims => "已通过的申报", "Approved claims";
    NoApprovedClaims => "还没有已通过的申报", "No approved claims yet";
    CorrectAction => "更正", "Correct";
    CorrectionTitle => "更正这笔积分", "Correct these points";
    CorrectionWhy => "更正原因（村民和公示栏都会看到）", "Why (the villager and the village board will see it)";
    CorrectionPlaceholder => "例如：重复申报、照片不是本人的、录入错误", "e.g. claimed twice, not their photo, entered by mistake";
    CorrectionNext => "下一步", "Next";
    CorrectionConfirm => "确认更正", "Confirm the correction";
    CorrectionNoReason => "请写明更正原因", "Please write why";
    CorrectionFinal => "更正会记入账本和公示栏，原记录保留，不能撤销", "The correction goes into the ledger and onto the board beside the original, and cannot be undone";
    AlreadyCorrected => "这笔积分已经更正过了", "These points were corrected already";
    CannotCorrect => "只有审核人或经办人的上级才能更正；不能更正自己经办的，也不能更正自家人的积分", "Only a superior of whoever approved or awarded may correct it; never your own act or your household's points";
    CorrectedBadge => "已更正", "Corrected";
    PersonPointsTitle => "积分明细", "Points";
    CorrectionBadge => "更正", "Correction";
    CloseAccount => "注销账户", "Close the account";
    CloseAccountHint => "村民迁出或去世时注销账户：未完成的兑换、申报和服务单会取消，剩余积分转给同户家人（没有同户家人时退回镇积分发放账户）。注销后不能再登录，手机号可重新登记。", "Close the account when a villager moves away or dies: open redemptions, claims and orders are cancelled, the remaining points go to a member of the same household (or back to the township's issuance account when there is none). A closed account cannot sign in; the number may be registered again.";
    ClosedReasonLabel => "注销原因", "Reason";
    MovedAway => "迁出", "Moved away";
    Deceased => "去世", "Deceased";
    CloseAccountNext => "下一步", "Next";
    CloseAccountYes => "确定注销", "Yes, close";
    ClosingAccount => "正在注销…", "Closing…";
    ChooseClosedReason => "请先选择迁出或去世", "Choose moved away or deceased first";
    BackToPerson => "返回此人", "Back to this person";
    // 代办: member cards, proxy agents and family delegates.
    CardRevoked => "这张会员卡已挂失作废，请用补办的新卡", "This member card was reported lost; use the new card";
    ProxyLimitReached => "今天为这位村民代办的次数或积分已到县里规定的上限，请明天再办", "Proxies have done as much for this villager today as the county allows. Try again tomorrow.";
    ProxyEnded => "代办已结束，请重新扫卡", "The proxy session has ended. Scan the card again.";
    OwnProxyAction => "这是你代办的，须由另一位工作人员审核或交付", "You did this for the villager: another staff member must review it or hand it over";
    ProxyForbidden => "你不能为这位村民代办（不在你负责的村，或没有登记为家属代办）", "You may not act for this villager (not your village, or not registered as their family delegate)";
    ProxyTab => "代办", "Assist";
    ProxyTitle => "代办", "Act for a villager";
    ProxyHint => "扫村民的会员卡，或输入卡上的 10 位卡号", "Scan the villager's member card, or type the 10-digit number on it";
    ProxyEntry => "为村民代办", "Act for a villager";
    ScanCardHint => "把会员卡上的二维码放进框里", "Hold the card's QR code inside the frame";
    NoScannerCard => "这部手机不能直接扫码，请输入卡号", "This phone cannot read QR codes. Type the card number.";
    CardNo => "会员卡号", "Member card number";
    CardNoPlaceholder => "卡上的 10 位数字", "The 10 digits on the card";
    CardNoInvalid => "卡号不对，请核对卡上的 10 位数字", "That number is not right. Check the 10 digits on the card.";
    CardNotFound => "没有找到这张卡，请核对卡号", "No card has this number. Check it.";
    StartProxy => "开始代办", "Start";
    OpeningProxy => "正在打开…", "Opening…";
    ProxyFindTitle => "查找村民", "Find a villager";
    ProxyFindHint => "认识的村民没带卡时，按姓名查找（只限你负责的村）", "When a villager you know has no card with them, find them by name (your village only)";
    ActFor => "代办", "Act for";
    MyFamilyTitle => "为家人代办", "For my family";
    MyFamilyHint => "村委会登记的、本人同意由你代办的家人", "Family members who agreed, as the village recorded, that you act for them";
    NotProxy => "你还不是代办员，也没有登记为家人的代办人。需要时请找村委会", "You are not a proxy agent, and no family member is registered to you. Ask the village committee.";
    ProxyActiveTitle => "正在代办", "Acting now";
    GoOnProxy => "去代办", "Go on";
    EndProxy => "结束代办", "End";
    NoPhoneShort => "无手机", "No phone";
    ProxyDoneTitle => "代办成功", "Done for the villager";
    ReceiptNo => "回执号", "Receipt no.";
    ReceiptPlaceholder => "如：DB7K2M9QXA", "e.g. DB7K2M9QXA";
    PrintReceipt => "打印回执", "Print receipt";
    ContinueProxy => "继续代办", "Continue";
    ReceiptTitle => "代办回执", "Proxy receipt";
    ReceiptTime => "时间", "Time";
    ReceiptWhat => "事项", "What";
    ReceiptAgent => "代办人", "Done by";
    ReceiptNotFound => "没有找到这张回执", "No such receipt";
    NoSms => "家中没有手机，未发短信", "Nobody in the household has a phone: no SMS was sent";
    PickupTitle => "凭此码到积分超市领取", "Collect the goods at the shop with this code";
    PickupBefore => "领取期限：", "Collect before:";
    Print => "打印", "Print";
    MemberCardsTitle => "打印会员卡", "Print member cards";
    MemberCardsHint => "用 A4 纸打印，每页 10 张，沿边线剪下。卡上的二维码和卡号都能用来代办，也能在超市认人。", "Print on A4, 10 to a page, and cut along the edges. The QR code and the number both name the villager to proxies and at the shop.";
    MemberCardBrand => "积分会员卡", "Points member card";
    MemberCardFoot => "凭卡可请代办员代办 · 丢失请到村委会挂失", "Show it to a proxy agent · report a lost card to the village";
    MemberCardQr => "会员卡二维码", "Member card QR code";
    NoCards => "没有要打印的会员卡", "No cards to print";
    MemberCardSection => "会员卡", "Member card";
    NoCardYet => "还没有会员卡，打印时会分配卡号", "No card yet: a number is given when one is printed";
    PrintMemberCard => "打印会员卡", "Print the member card";
    ReplaceCard => "挂失补卡", "Report lost, make a new card";
    ReplaceCardQuestion => "挂失后旧卡的二维码和卡号立即作废，并生成新卡号。确定挂失补卡吗？", "The old card's QR code and number stop working at once and a new number is made. Report the card lost?";
    ReplaceCardYes => "确定挂失", "Yes, report lost";
    ReplacingCard => "正在补卡…", "Making the new card…";
    PrintGridCards => "打印本网格会员卡", "Print this grid's member cards";
    DelegationsTitle => "家属代办", "Family delegates";
    DelegationsHint => "没有手机的村民，可由有手机的家人代办（须本人同意）", "A villager without a phone may have a family member with a phone act for them (with their consent)";
    NoDelegations => "还没有家属代办", "No family delegate yet";
    AddDelegate => "添加家属", "Add a family member";
    DelegateFindHint => "按姓名或手机号查找本村有手机的家人", "Find the family member (with a phone) in the village by name or number";
    DelegatePick => "选这位", "Choose";
    DelegatePicked => "已选", "Chosen";
    ConsentLabel => "本人如何同意", "How the villager agreed";
    ConsentPlaceholder => "例如：本人在村委会当面同意", "e.g. agreed in person at the village committee";
    ConsentRequired => "请写明本人如何同意", "Write how the villager agreed";
    PickDelegateFirst => "请先选一位家人", "Choose a family member first";
    SaveDelegate => "确认添加", "Add";
    EndDelegation => "解除", "End";
    DelegationEnded => "已解除", "Ended";
    SameHousehold => "同户", "Same household";
    NoPhoneCannotDelegate => "没有手机，不能做家属代办", "No phone: cannot be a delegate";
    NewPerson => "新增村民", "Add a villager";
    NewPersonHint => "登记一位村民。没有手机的村民凭会员卡，由代办员或家人代办。", "Register one villager. One without a phone takes part with a member card, through a proxy agent or their family.";
    PhoneOptional => "手机号（选填）", "Mobile number (optional)";
    PhoneOptionalHint => "没有手机可不填（须填户号），凭会员卡由代办员或家人代办", "Leave it empty if they have no phone (then give the household number): a proxy agent or their family acts for them with their member card";
    BirthYear => "出生年份（选填）", "Year of birth (optional)";
    BornIn => "出生年份", "Year of birth";
    BirthYearPlaceholder => "如：1950", "e.g. 1950";
    BirthYearInvalid => "出生年份请填 1900 年到今年之间的 4 位数字", "The year of birth is 4 digits, from 1900 to this year";
    PickVillageFirst => "请先选择所在村", "Choose the village first";
    RegisterPerson => "登记", "Register";
    ViewPerson => "查看此人", "Open this person";
    AddAnother => "继续新增", "Add another";
    AssistanceTitle => "代办与长辈模式", "Proxies and elder mode";
    AssistanceHint => "限定代办员和家属每天为同一位村民代办的次数和积分；到了年龄的村民默认打开长辈模式（大字、朗读）", "How much proxy agents and family may do for one villager a day; and from which age elder mode (large text, read aloud) is on by default";
    ProxyDailyActions => "代办每日次数", "Proxy actions a day";
    ProxyDailyPoints => "代办每日积分", "Proxy points a day";
    ElderAge => "长辈模式默认年龄", "Elder mode from age";
    ElderAgeHint => "按出生年份计算；填 0 则不默认打开", "By year of birth; 0: never on by default";
    AssistanceInvalid => "请填整数：次数 0–50，积分 0–10000，年龄 0–120", "Whole numbers: actions 0–50, points 0–10000, age 0–120";
    CountyOnly => "只有县管理员可以设置", "Only county admins set this";
    ProxyNotAllowed => "不能为这位村民代办", "You may not act for this villager";
    ProxyYourself => "不能为自己代办", "You cannot act for yourself";
    ProxyPersonClosed => "这位村民的账户已注销，不能代办", "This villager's account is closed: nobody can act for them";
    ProxySubmitted => "已代办提交", "Submitted for the villager";
    HouseholdNeeded => "没有手机的村民要填户号", "A villager without a phone needs a household number";
    HouseholdPlaceholderNeeded => "无手机必填，如 0101", "Needed without a phone: 0101";
    NotSameHousehold => "不是同一户", "Not of the household";
    AlreadyDelegate => "已是家属代办", "Already a delegate";
    DelegateNeedsHousehold => "此人还没有户号。家属须是同一户（同村、同户号）有手机的家人，请先点“编辑”填写户号。", "This person has no household number yet. A delegate is a member of the same household (same village and number) with a phone: add the household number under Edit first.";
    DelegateRejected => "不能添加这位家人：须是同一户、有手机的家人，且还没有添加过", "This family member cannot be added: they must be of the same household, have a phone, and not be added already";
    EndingDelegation => "正在解除…", "Ending…";
    RegisterPhone => "登记手机号", "Register a mobile number";
    RegisterPhoneHint => "此人还没有手机号。登记后可用这个号码登录，自己挣积分、兑换；代办员和家人仍可代办。", "This person has no mobile number yet. Once registered they can sign in with it and take part themselves; proxies and family may still act for them.";
    RegisterPhoneYes => "确定登记", "Yes, register";
    RegisteringPhone => "正在登记…", "Registering…";
    PhoneRegistered => "手机号已登记", "The mobile number was registered";
    AuditGoods => "商品", "Goods";
    ProxyActionsZero => "0 表示不允许代办", "0: no proxies at all";
    ProxyPointsZero => "0 表示代办时不能兑换", "0: proxies cannot redeem";
    ElderAgeZero => "0 表示不默认打开", "0: never by default";
    AssistanceZeroHint => "次数填 0：不允许为村民代办；积分填 0：代办时不能兑换商品（申报、点单、评价不花积分，不受影响）。", "Actions 0: nobody may act for villagers. Points 0: proxies cannot redeem goods (claims, orders and ratings spend no points and are not affected).";
    BackToGrid => "返回网格", "Back to the grid";
    PersonExists => "这一户已经登记过同名的村民", "A villager of this name is already registered in this household";
}

/// `text` in `locale`: a look-up in the table (`Locale::ZhCn` is column 0, `En` column 1).
pub fn t(locale: Locale, text: Text) -> &'static str {
    TEXTS[text as usize][locale as usize]
}

/// "58 秒后重发" on the code button while it waits.
pub fn resend_in(locale: Locale, seconds: u32) -> String {
    match locale {
        Locale::ZhCn => format!("{seconds} 秒后重发"),
        Locale::En => format!("Resend in {seconds} s"),
    }
}

/// "第 4 行": a line of an imported file.
pub fn line_no(locale: Locale, line: u64) -> String {
    match locale {
        Locale::ZhCn => format!("第 {line} 行"),
        Locale::En => format!("Line {line}"),
    }
}

/// "正在上传 45%".
pub fn uploading(locale: Locale, fraction: f64) -> String {
    let percent = (fraction * 100.0).round() as u32;
    match locale {
        Locale::ZhCn => format!("正在上传 {percent}%"),
        Locale::En => format!("Uploading {percent}%"),
    }
}

/// "已新建「第一网格」".
pub fn grid_created(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已新建「{name}」"),
        Locale::En => format!("Added \u{201c}{name}\u{201d}"),
    }
}

/// "加入本网格（2 人）".
pub fn add_count(locale: Locale, n: usize) -> String {
    match locale {
        Locale::ZhCn => format!("加入本网格（{n} 人）"),
        Locale::En if n == 1 => "Add 1 person to this grid".to_owned(),
        Locale::En => format!("Add {n} people to this grid"),
    }
}

/// "已加入 2 人，1 人原来就在本网格".
pub fn members_added(locale: Locale, assigned: u64, unchanged: u64) -> String {
    match (locale, unchanged) {
        (Locale::ZhCn, 0) => format!("已加入 {assigned} 人"),
        (Locale::ZhCn, _) => format!("已加入 {assigned} 人，{unchanged} 人原来就在本网格"),
        (Locale::En, 0) => format!("Added {assigned}"),
        (Locale::En, _) => format!("Added {assigned}; {unchanged} already in this grid"),
    }
}

/// "已任命张三为网格员".
pub fn appointed(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已任命{name}为网格员"),
        Locale::En => format!("{name} is now a grid worker"),
    }
}

/// "确定免去张三的网格员吗？".
pub fn dismiss_question(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("确定免去{name}的网格员吗？"),
        Locale::En => format!("Remove {name} as grid worker?"),
    }
}

/// "已免去张三的网格员".
pub fn dismissed(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已免去{name}的网格员"),
        Locale::En => format!("{name} is no longer a grid worker"),
    }
}

/// "已显示 20 人": how many members are listed so far.
pub fn people_listed(locale: Locale, n: usize, all: bool) -> String {
    match (locale, all) {
        (Locale::ZhCn, true) => format!("共 {n} 人"),
        (Locale::ZhCn, false) => format!("已显示 {n} 人"),
        (Locale::En, true) if n == 1 => "1 person".to_owned(),
        (Locale::En, true) => format!("{n} people"),
        (Locale::En, false) => format!("{n} shown so far"),
    }
}

/// What a rejected row of the villager CSV means, by the import's stable code
/// (`server/src/people/import.rs`, `server/src/csv_input.rs`); the server's message follows
/// as the detail.
pub fn row_problem(locale: Locale, code: &str) -> &'static str {
    let zh = matches!(locale, Locale::ZhCn);
    match code {
        "missing_column" if zh => "这一行少了几列",
        "missing_column" => "This row has too few columns",
        "invalid_utf8" if zh => "这一行是乱码：请把文件另存为「CSV UTF-8」",
        "invalid_utf8" => "This row is garbled: save the file as CSV UTF-8",
        "empty_name" if zh => "没有填姓名",
        "empty_name" => "The name is empty",
        "invalid_name" if zh => "姓名不对：最多 50 个字，不能有特殊符号",
        "invalid_name" => "The name is not usable: at most 50 characters, no special symbols",
        "invalid_phone" if zh => "手机号不对：要 11 位手机号",
        "invalid_phone" => "Not an 11-digit mobile number",
        "unknown_village" if zh => "没有这个村：请检查村代码",
        "unknown_village" => "No such village: check the village code",
        "unknown_grid" if zh => "这个村没有这个网格：请检查网格代码",
        "unknown_grid" => "That village has no such grid: check the grid code",
        "invalid_household" if zh => "户号不对：最多 32 个字",
        "invalid_household" => "The household number is not usable: at most 32 characters",
        "invalid_tag" if zh => "标签不对：每个最多 20 个字",
        "invalid_tag" => "A tag is not usable: at most 20 characters each",
        "duplicate_phone" if zh => "这个手机号在前面已经出现过（保留前面那一行）",
        "duplicate_phone" => "This number is on an earlier row (that row is kept)",
        "outside_region" if zh => "不在您管理的范围内",
        "outside_region" => "Outside the area you manage",
        "staff_account" if zh => "这是工作人员账号的手机号，不能用导入修改",
        "staff_account" => "This number belongs to a staff account; an import cannot change it",
        "invalid_input" if zh => "这一行读不出来",
        "invalid_input" => "This row cannot be read",
        _ if zh => "这一行有问题",
        _ => "Something is wrong with this row",
    }
}

/// "您好，张三".
pub fn hello(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("您好，{name}"),
        Locale::En => format!("Hello, {name}"),
    }
}

/// The balance as 朗读 says it (`crate::elder`): "您现在有 120 积分可以用".
pub fn spoken_balance(locale: Locale, available: i64) -> String {
    match locale {
        Locale::ZhCn => format!("您现在有 {available} 积分可以用"),
        Locale::En => format!("You have {available} points to spend"),
    }
}

/// A goods item as 朗读 says it: "洗衣粉，30 积分".
pub fn spoken_goods(locale: Locale, name: &str, points: i64) -> String {
    match locale {
        Locale::ZhCn => format!("{name}，{points} 积分"),
        Locale::En => format!("{name}, {points} points"),
    }
}

/// "12/500": characters typed of those allowed.
pub fn char_count(n: usize, max: usize) -> String {
    format!("{n}/{max}")
}

/// Points with their sign: `+5`, `-3`, `0`.
pub fn signed(points: i64) -> String {
    if points > 0 {
        format!("+{points}")
    } else {
        points.to_string()
    }
}

/// "另有 20 积分兑换中": points reserved by orders not yet handed over.
pub fn pending_points(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("另有 {n} 积分兑换中（暂不能用）"),
        Locale::En => format!("{n} more held for orders being handed over"),
    }
}

/// A rule category's name as the county says it (自治、德治、法治、智治, 人居环境, 文明新风).
pub fn category_name(locale: Locale, category: jifen_shared::points::RuleCategory) -> &'static str {
    use jifen_shared::points::RuleCategory::*;
    match (locale, category) {
        (Locale::ZhCn, Autonomy) => "自治",
        (Locale::ZhCn, Virtue) => "德治",
        (Locale::ZhCn, Law) => "法治",
        (Locale::ZhCn, Smart) => "智治",
        (Locale::ZhCn, Environment) => "人居环境",
        (Locale::ZhCn, Civility) => "文明新风",
        (Locale::En, Autonomy) => "Self-governance",
        (Locale::En, Virtue) => "Virtue",
        (Locale::En, Law) => "Rule of law",
        (Locale::En, Smart) => "Smart village",
        (Locale::En, Environment) => "Living environment",
        (Locale::En, Civility) => "Civility",
    }
}

/// "每天 1 次，每月 10 次": how often a rule may be claimed (`None` without caps).
pub fn caps(locale: Locale, daily: Option<i64>, monthly: Option<i64>) -> Option<String> {
    let parts: Vec<String> = match locale {
        Locale::ZhCn => [
            daily.map(|n| format!("每天 {n} 次")),
            monthly.map(|n| format!("每月 {n} 次")),
        ]
        .into_iter()
        .flatten()
        .collect(),
        Locale::En => [
            daily.map(|n| format!("{n} a day")),
            monthly.map(|n| format!("{n} a month")),
        ]
        .into_iter()
        .flatten()
        .collect(),
    };
    match (locale, parts.is_empty()) {
        (_, true) => None,
        (Locale::ZhCn, false) => Some(format!("最多{}", parts.join("，"))),
        (Locale::En, false) => Some(format!("At most {}", parts.join(", "))),
    }
}

/// "至少 1 张，最多 6 张".
pub fn photo_limits(locale: Locale, needs_photo: bool, max: usize) -> String {
    match (locale, needs_photo) {
        (Locale::ZhCn, true) => format!("至少 1 张，最多 {max} 张"),
        (Locale::ZhCn, false) => format!("可以不传，最多 {max} 张"),
        (Locale::En, true) => format!("At least 1, at most {max}"),
        (Locale::En, false) => format!("Optional, at most {max}"),
    }
}

/// "照片 2": a photo's label for screen readers.
pub fn photo_n(locale: Locale, n: usize) -> String {
    match locale {
        Locale::ZhCn => format!("照片 {n}"),
        Locale::En => format!("Photo {n}"),
    }
}

/// "3 张照片".
pub fn photo_count(locale: Locale, n: usize) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 张照片"),
        Locale::En if n == 1 => "1 photo".to_owned(),
        Locale::En => format!("{n} photos"),
    }
}

/// "已通过 +5".
pub fn approved_points(locale: Locale, points: i64) -> String {
    format!("{} {}", t(locale, Text::StatusApproved), signed(points))
}

/// "原因：照片不清晰".
pub fn reason_line(locale: Locale, reason: &str) -> String {
    match locale {
        Locale::ZhCn => format!("原因：{reason}"),
        Locale::En => format!("Reason: {reason}"),
    }
}

/// "王网格员 审核 · 5月31日 23:30".
pub fn reviewed_by(locale: Locale, name: &str, when: &str) -> String {
    match locale {
        Locale::ZhCn => format!("{name} 审核 · {when}"),
        Locale::En => format!("Reviewed by {name} · {when}"),
    }
}

/// "经办：王网格员": the official who moved the points.
pub fn by_actor(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("经办：{name}"),
        Locale::En => format!("by {name}"),
    }
}

/// What a ledger movement was, by its stable reason code (`GET /points/ledger`).
pub fn ledger_reason(locale: Locale, code: &str) -> &'static str {
    let zh = matches!(locale, Locale::ZhCn);
    match code {
        "claim" if zh => "申报通过",
        "claim" => "Claim approved",
        "award" if zh => "奖励",
        "award" => "Award",
        "deduction" if zh => "扣分",
        "deduction" => "Deduction",
        "redemption" if zh => "积分兑换",
        "redemption" => "Redeemed",
        "recycling" if zh => "回收入账",
        "recycling" => "Recyclables",
        "refund" | "void" if zh => "退回",
        "refund" | "void" => "Returned",
        "service_reward" if zh => "志愿服务奖励",
        "service_reward" => "Volunteer reward",
        "correction" if zh => "更正",
        "correction" => "Correction",
        _ if zh => "积分变动",
        _ => "Points moved",
    }
}

/// "余额 15".
pub fn balance_after(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("余额 {n}"),
        Locale::En => format!("Balance {n}"),
    }
}

/// "此照片已用于 王* 的「垃圾分类」申报（5月30日）".
pub fn reused_photo(locale: Locale, name: &str, rule: &str, day: &str) -> String {
    match locale {
        Locale::ZhCn => format!("此照片已用于 {name} 的「{rule}」申报（{day}）"),
        Locale::En => {
            format!("This photo was already used in {name}'s \u{201c}{rule}\u{201d} claim ({day})")
        }
    }
}

/// "已通过：张三「孝老爱亲」+5" / "已退回：张三「孝老爱亲」".
pub fn review_done(locale: Locale, approved: bool, name: &str, rule: &str, points: i64) -> String {
    match (locale, approved) {
        (Locale::ZhCn, true) => format!("已通过：{name}「{rule}」{}", signed(points)),
        (Locale::ZhCn, false) => format!("已退回：{name}「{rule}」"),
        (Locale::En, true) => format!(
            "Approved: {name}, \u{201c}{rule}\u{201d} {}",
            signed(points)
        ),
        (Locale::En, false) => format!("Rejected: {name}, \u{201c}{rule}\u{201d}"),
    }
}

/// What a correction will do (its preview), or did: 将从 张三明 扣回 5 积分（孝老爱亲）; a
/// take-back larger than what the villager holds says what it takes instead.
pub fn correction_effect(
    locale: Locale,
    done: bool,
    name: &str,
    label: &str,
    points: i64,
    shortfall: Option<(i64, i64)>,
) -> String {
    let n = points.abs();
    match (locale, points < 0, shortfall, done) {
        (Locale::ZhCn, true, Some((wanted, took)), false) => format!(
            "{name} 现有积分不足：应扣回 {wanted} 积分，只能扣回 {took} 积分（{label}），不足部分不再追扣"
        ),
        (Locale::ZhCn, true, Some((wanted, took)), true) => {
            format!("已更正：{name}「{label}」应扣回 {wanted}，实扣 {took} 积分")
        }
        (Locale::ZhCn, true, None, false) => format!("将从 {name} 扣回 {n} 积分（{label}）"),
        (Locale::ZhCn, true, None, true) => format!("已更正：{name}「{label}」扣回 {n} 积分"),
        (Locale::ZhCn, false, _, false) => format!("将退还 {name} {n} 积分（{label}）"),
        (Locale::ZhCn, false, _, true) => format!("已更正：{name}「{label}」退还 {n} 积分"),
        (Locale::En, true, Some((wanted, took)), false) => format!(
            "{name} holds too few points: {wanted} to take back, only {took} can be ({label}); the rest is not owed"
        ),
        (Locale::En, true, Some((wanted, took)), true) => format!(
            "Corrected: {name}, \u{201c}{label}\u{201d}: {took} of {wanted} points taken back"
        ),
        (Locale::En, true, None, false) => {
            format!("{n} points will be taken back from {name} ({label})")
        }
        (Locale::En, true, None, true) => {
            format!("Corrected: {name}, \u{201c}{label}\u{201d}: {n} points taken back")
        }
        (Locale::En, false, _, false) => {
            format!("{n} points will be given back to {name} ({label})")
        }
        (Locale::En, false, _, true) => {
            format!("Corrected: {name}, \u{201c}{label}\u{201d}: {n} points given back")
        }
    }
}

/// Who approved a claim: 审核人：王网格员.
pub fn approved_by(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("审核人：{name}"),
        Locale::En => format!("approved by {name}"),
    }
}

/// Why a correction was made, beside the movement: 更正原因：重复申报（王主任）.
pub fn correction_reason(locale: Locale, reason: &str, actor: Option<&str>) -> String {
    match (locale, actor) {
        (Locale::ZhCn, Some(actor)) => format!("更正原因：{reason}（{actor}）"),
        (Locale::ZhCn, None) => format!("更正原因：{reason}"),
        (Locale::En, Some(actor)) => format!("Corrected: {reason} ({actor})"),
        (Locale::En, None) => format!("Corrected: {reason}"),
    }
}

/// "共 3 条" / "已显示 20 条": how many claims are listed.
pub fn items_listed(locale: Locale, n: usize, all: bool) -> String {
    match (locale, all) {
        (Locale::ZhCn, true) => format!("共 {n} 条"),
        (Locale::ZhCn, false) => format!("已显示 {n} 条"),
        (Locale::En, true) => format!("{n} in all"),
        (Locale::En, false) => format!("{n} shown so far"),
    }
}

/// "5 分" in a ranking.
pub fn rank_points(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 分"),
        Locale::En => format!("{n} pts"),
    }
}

/// "+5 积分" next to a rule.
pub fn rule_points(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("{} 积分", signed(n)),
        Locale::En => format!("{} points", signed(n)),
    }
}

/// "30 积分": a price or a total in points.
pub fn points_n(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 积分"),
        Locale::En if n == 1 => "1 point".to_owned(),
        Locale::En => format!("{n} points"),
    }
}

/// [`points_n`] following the 中文/EN switch: one closure type for every price and total on
/// screen (see [`tr`]).
pub fn points_text(n: i64) -> impl IntoView + use<> {
    let locale = use_locale();
    move || points_n(locale.get(), n)
}

/// A market price in fen as yuan: `¥70.00`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let fen = fen.unsigned_abs();
    format!("{sign}¥{}.{:02}", fen / 100, fen % 100)
}

/// "剩 12 件" under goods.
pub fn stock_left(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("剩 {n} 件"),
        Locale::En => format!("{n} left"),
    }
}

/// "每人每月限 2 件".
pub fn per_person(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("每人每月限 {n} 件"),
        Locale::En => format!("At most {n} a month each"),
    }
}

/// "花生油 × 2".
pub fn goods_times(name: &str, qty: i64) -> String {
    format!("{name} × {qty}")
}

/// "「花生油」价格已变为 120 积分（刚才显示 100 积分）": the price of the reservation differs
/// from the one on the card.
pub fn price_changed(locale: Locale, name: &str, now: i64, shown: i64) -> String {
    match locale {
        Locale::ZhCn => format!("「{name}」价格已变为 {now} 积分（刚才显示 {shown} 积分）"),
        Locale::En => {
            format!("The price of \u{201c}{name}\u{201d} is now {now} points (it showed {shown})")
        }
    }
}

/// "请在 5月31日 14:00 前到「谷寨村积分超市」领取".
pub fn collect_by(locale: Locale, when: &str, shop: &str) -> String {
    match locale {
        Locale::ZhCn => format!("请在 {when} 前到「{shop}」领取"),
        Locale::En => format!("Collect at \u{201c}{shop}\u{201d} before {when}"),
    }
}

/// A weight in grams as kilograms to the gram: `2.350 公斤` / `2.350 kg`.
pub fn kg_text(locale: Locale, grams: i64) -> String {
    let kg = format!("{}.{:03}", grams / 1000, grams % 1000);
    match locale {
        Locale::ZhCn => format!("{kg} 公斤"),
        Locale::En => format!("{kg} kg"),
    }
}

/// "每公斤 2 积分": a recycling rate.
pub fn per_kg(locale: Locale, points: i64) -> String {
    match locale {
        Locale::ZhCn => format!("每公斤 {points} 积分"),
        Locale::En => format!("{points} points a kg"),
    }
}

/// The short code in two groups of four, easier to read out and type: `ABCD 2345`.
pub fn grouped_code(code: &str) -> String {
    if code.len() == 8 && code.is_ascii() {
        format!("{} {}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

/// A role's name as the county says it.
pub fn role_name(locale: Locale, role: jifen_shared::auth::Role) -> &'static str {
    use jifen_shared::auth::Role::*;
    match (locale, role) {
        (Locale::ZhCn, Villager) => "村民",
        (Locale::ZhCn, Volunteer) => "志愿者",
        (Locale::ZhCn, Keeper) => "积分超市管理员",
        (Locale::ZhCn, ProxyAgent) => "代办员",
        (Locale::ZhCn, GridWorker) => "网格员",
        (Locale::ZhCn, VillageAdmin) => "村管理员",
        (Locale::ZhCn, TownshipAdmin) => "乡镇管理员",
        (Locale::ZhCn, CountyAdmin) => "县管理员",
        (Locale::En, Villager) => "Villager",
        (Locale::En, Volunteer) => "Volunteer",
        (Locale::En, Keeper) => "Supermarket keeper",
        (Locale::En, ProxyAgent) => "Proxy agent",
        (Locale::En, GridWorker) => "Grid worker",
        (Locale::En, VillageAdmin) => "Village admin",
        (Locale::En, TownshipAdmin) => "Township admin",
        (Locale::En, CountyAdmin) => "County admin",
    }
}

/// A grid worker's limits: "今日已评 6 分（每天最多 10 分，每人每天最多 4 分）", or that the
/// county has set none.
pub fn award_limits_line(locale: Locale, l: &jifen_shared::points::AwardLimits) -> String {
    let (d, v, used) = (
        l.daily_points,
        l.villager_daily_points,
        l.used_today.unwrap_or(0),
    );
    match (locale, d == 0) {
        (Locale::ZhCn, true) => "县里还没有设置网格员评分限额，暂时不能评分".into(),
        (Locale::En, true) => "The county has not let grid workers award yet".into(),
        (Locale::ZhCn, false) => {
            format!("今日已评 {used} 分（每天最多 {d} 分，每人每天最多 {v} 分）")
        }
        (Locale::En, false) => {
            format!("Awarded today: {used} (at most {d} a day, {v} to one villager)")
        }
    }
}

/// "预览（已选 5 人）" under the award form.
pub fn award_preview_button(locale: Locale, n: usize) -> String {
    match locale {
        Locale::ZhCn => format!("预览（已选 {n} 人）"),
        Locale::En => format!("Preview ({n} chosen)"),
    }
}

/// "给 5 人奖励 3 积分「夜间巡逻」" / "给 2 人扣 5 积分「乱堆乱放」".
pub fn award_summary(locale: Locale, n: usize, points: i64, reason: &str) -> String {
    let p = points.abs();
    match (locale, points > 0) {
        (Locale::ZhCn, true) => format!("给 {n} 人奖励 {p} 积分「{reason}」"),
        (Locale::ZhCn, false) => format!("给 {n} 人扣 {p} 积分「{reason}」"),
        (Locale::En, true) => format!("{n} villagers get {p} points: \u{201c}{reason}\u{201d}"),
        (Locale::En, false) => format!("{n} villagers lose {p} points: \u{201c}{reason}\u{201d}"),
    }
}

/// "已为 5 人奖励 3 积分「夜间巡逻」": an award sent.
pub fn award_done(locale: Locale, n: usize, points: i64, reason: &str) -> String {
    let p = points.abs();
    match (locale, points > 0) {
        (Locale::ZhCn, true) => format!("已为 {n} 人奖励 {p} 积分「{reason}」"),
        (Locale::ZhCn, false) => format!("已为 {n} 人扣 {p} 积分「{reason}」"),
        (Locale::En, true) => format!("{n} villagers got {p} points: \u{201c}{reason}\u{201d}"),
        (Locale::En, false) => {
            format!("{n} villagers lost up to {p} points: \u{201c}{reason}\u{201d}")
        }
    }
}

/// "2 人积分不够扣，只扣到 0": deductions larger than what people hold.
pub fn award_shortfalls(locale: Locale, n: usize) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 人积分不够扣，只扣到 0"),
        Locale::En => format!("{n} do not hold enough: they go down to 0"),
    }
}

/// "现有 3 → 0（差 2）": one villager in an award's preview.
pub fn award_line(locale: Locale, available: i64, after: i64, shortfall: i64) -> String {
    match (locale, shortfall > 0) {
        (Locale::ZhCn, false) => format!("现有 {available} → {after}"),
        (Locale::ZhCn, true) => format!("现有 {available} → {after}（差 {shortfall}）"),
        (Locale::En, false) => format!("holds {available} → {after}"),
        (Locale::En, true) => format!("holds {available} → {after} ({shortfall} short)"),
    }
}

/// An audit action of [`jifen_shared::audit::ACTIONS`] in words: `points.award` → 奖励积分;
/// an action the app does not know yet is shown as recorded.
pub fn action_name(locale: Locale, action: &str) -> String {
    let (zh, en) = match action {
        "claim.approve" => ("审核通过申报", "Approved a claim"),
        "claim.reject" => ("驳回申报", "Rejected a claim"),
        "claim.correct" => ("更正申报积分", "Corrected an approved claim"),
        "points.correct" => ("更正奖励或扣分", "Corrected an award or deduction"),
        "points.award" => ("奖励积分", "Awarded points"),
        "points.deduct" => ("扣除积分", "Deducted points"),
        "points.limits" => ("设置网格员评分限额", "Set grid workers' award limits"),
        "rule.create" => ("新增积分事项", "Added a rule"),
        "rule.update" => ("修改积分事项", "Changed a rule"),
        "rule.setting" => ("设置本地积分事项", "Set a rule for a place"),
        "shop.create" => ("开设积分超市", "Opened a shop"),
        "shop.update" => ("修改积分超市", "Changed a shop"),
        "shop.keeper.add" => ("任命超市管理员", "Appointed a keeper"),
        "shop.keeper.remove" => ("免去超市管理员", "Removed a keeper"),
        "shop.pay" => ("超市结算付款", "Paid a shop's month"),
        "goods.create" => ("上架商品", "Added goods"),
        "goods.update" => ("修改商品", "Changed goods"),
        "goods.stock" => ("库存变动", "Changed stock"),
        "redemption.fulfil" => ("兑换交付", "Handed over a redemption"),
        "recycling.dropoff" => ("回收积分", "Credited recyclables"),
        "recycling.category" => ("设置回收品类", "Set a recycling category"),
        "services.type" => ("设置服务事项", "Set a service type"),
        "order.claim" => ("志愿者接单", "Took an order"),
        "order.dispatch" => ("派单", "Dispatched an order"),
        "order.release" => ("志愿者退单", "Gave an order back"),
        "order.complete" => ("完成服务", "Completed an order"),
        "rectification.close" => ("差评整改完成", "Closed a rectification"),
        "grid.create" => ("新建网格", "Created a grid"),
        "grid.members" => ("调整网格成员", "Changed grid members"),
        "person.create" => ("登记村民", "Registered a person"),
        "person.update" => ("修改村民信息", "Changed a person"),
        "person.phone" => ("更换手机号", "Changed a phone number"),
        "person.close" => ("注销账户", "Closed an account"),
        "villagers.import" => ("导入村民名册", "Imported villagers"),
        "role.grant" => ("授予身份", "Granted a role"),
        "role.revoke" => ("撤销身份", "Revoked a role"),
        "password.change" => ("修改密码", "Changed own password"),
        "password.reset" => ("重置密码", "Reset a password"),
        "staff.create_admin" => ("创建管理员", "Created an admin"),
        "member_card.print" => ("打印会员卡", "Printed member cards"),
        "member_card.replace" => ("挂失补卡", "Replaced a lost member card"),
        "delegation.add" => ("添加家属代办", "Added a family delegate"),
        "delegation.end" => ("解除家属代办", "Ended a family delegate"),
        "assistance.update" => ("设置代办与长辈模式", "Set proxy limits and elder mode"),
        "proxy.open" => ("开始代办", "Started acting for a villager"),
        "proxy.claim" => ("代办申报积分", "Claimed for a villager"),
        "proxy.redemption" => ("代办兑换", "Redeemed for a villager"),
        "proxy.order" => ("代办点单", "Ordered a service for a villager"),
        "proxy.rating" => ("代办评价", "Rated a service for a villager"),
        other => return other.to_owned(),
    };
    match locale {
        Locale::ZhCn => zh.to_owned(),
        Locale::En => en.to_owned(),
    }
}

/// An action family of [`jifen_shared::audit::action_families`] in words, for the filter.
pub fn action_family_name(locale: Locale, family: &str) -> String {
    let (zh, en) = match family {
        "claim" => ("申报审核", "Claims"),
        "points" => ("奖励与扣分", "Awards and deductions"),
        "rule" => ("积分事项", "Rules"),
        "shop" => ("积分超市", "Shops"),
        "goods" => ("商品与库存", "Goods and stock"),
        "redemption" => ("兑换", "Redemptions"),
        "recycling" => ("回收", "Recycling"),
        "services" => ("服务事项", "Service types"),
        "order" => ("服务订单", "Service orders"),
        "rectification" => ("差评整改", "Rectifications"),
        "grid" => ("网格", "Grids"),
        "person" => ("村民信息", "People"),
        "villagers" => ("名册导入", "Imports"),
        "role" => ("身份", "Roles"),
        "password" => ("密码", "Passwords"),
        "staff" => ("管理员账户", "Admin accounts"),
        "member_card" => ("会员卡", "Member cards"),
        "delegation" => ("家属代办", "Family delegates"),
        "assistance" => ("代办与长辈设置", "Proxy and elder settings"),
        "proxy" => ("代办", "Acting for villagers"),
        other => return other.to_owned(),
    };
    match locale {
        Locale::ZhCn => zh.to_owned(),
        Locale::En => en.to_owned(),
    }
}

/// A field of an audit entry's before/after in words (`points` → 积分); `None` for a field
/// shown under its recorded name.
pub fn field_name(locale: Locale, key: &str) -> Option<&'static str> {
    let (zh, en) = match key {
        "name" => ("名称", "name"),
        "code" => ("编号", "code"),
        "points" => ("积分", "points"),
        "reason" => ("理由", "reason"),
        "status" => ("状态", "status"),
        "active" => ("启用", "active"),
        "closed" => ("关闭", "closed"),
        "phone" => ("手机号", "phone"),
        "household" => ("户号", "household"),
        "tags" => ("类别", "groups"),
        "grid_code" => ("网格", "grid"),
        "village_code" => ("村", "village"),
        "region_code" => ("地区", "place"),
        "role" => ("身份", "role"),
        "note" => ("备注", "note"),
        "delta" => ("数量变动", "change"),
        "stock" => ("库存", "stock"),
        "points_price" => ("兑换积分", "points price"),
        "market_price_fen" => ("市场价（分）", "market price (fen)"),
        "user_ids" => ("村民编号", "villager ids"),
        "volunteer" => ("志愿者", "volunteer"),
        "follow_up" => ("整改情况", "follow-up"),
        "password" => ("密码", "password"),
        "month" => ("月份", "month"),
        "reference" => ("付款凭证号", "payment reference"),
        "paid_on" => ("付款日期", "paid on"),
        "redemptions" => ("兑换笔数", "redemptions"),
        "market_value_fen" => ("市场价值（分）", "market value (fen)"),
        "correction_id" => ("更正编号", "correction no."),
        "moved" => ("实际变动积分", "points moved"),
        "shortfalls" => ("不足扣减", "shortfalls"),
        "transfer_id" => ("账本流水号", "ledger transfer no."),
        "volunteer_id" => ("志愿者编号", "volunteer no."),
        "claimant_id" => ("申报人编号", "claimant no."),
        "rule_id" => ("积分事项编号", "rule no."),
        "photo_ids" => ("照片", "photos"),
        "low_stock_threshold" => ("库存预警", "low-stock warning"),
        "shop_id" => ("超市编号", "shop no."),
        "birth_year" => ("出生年份", "year of birth"),
        // 代办: proxy sessions and what was done in them, member cards, family delegates, the
        // county's limits.
        "kind" => ("代办方式", "how"),
        "session" => ("代办会话", "proxy session"),
        "person" => ("村民编号", "villager no."),
        "person_name" => ("村民", "villager"),
        "subject" => ("事项", "about"),
        "summary" => ("内容", "what"),
        "delegate" => ("家属编号", "delegate no."),
        "delegation" => ("家属代办编号", "delegation no."),
        "consent" => ("本人同意", "consent"),
        "cards" => ("会员卡张数", "cards"),
        "new_numbers" => ("新分配卡号", "new numbers"),
        "card_no" => ("会员卡号", "card no."),
        "proxy_daily_actions" => ("代办每日次数", "proxy actions a day"),
        "proxy_daily_points" => ("代办每日积分", "proxy points a day"),
        "elder_age" => ("长辈模式默认年龄", "elder mode from age"),
        _ => return None,
    };
    Some(match locale {
        Locale::ZhCn => zh,
        Locale::En => en,
    })
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

// Service orders (五单), ratings (好差评) and the inbox (消息).

/// A step of an order's timeline, by its stable kind (`GET /services/orders/{id}`).
pub fn order_event(locale: Locale, kind: &str) -> &'static str {
    let zh = matches!(locale, Locale::ZhCn);
    match kind {
        "ordered" if zh => "村民下单",
        "ordered" => "Ordered",
        "claimed" if zh => "志愿者接单",
        "claimed" => "Taken by a volunteer",
        "dispatched" if zh => "管理员派单",
        "dispatched" => "Dispatched",
        "released" if zh => "志愿者退单",
        "released" => "Given back",
        "completed" if zh => "服务完成",
        "completed" => "Done",
        "cancelled" if zh => "已取消",
        "cancelled" => "Cancelled",
        "escalated" if zh => "超时未接，已上报",
        "escalated" => "Escalated",
        "rated" if zh => "村民评价",
        "rated" => "Rated",
        "auto_rated" if zh => "超时默认中评",
        "auto_rated" => "Rated fair by default",
        "paid" if zh => "积分已发放",
        "paid" => "Points paid",
        "rectification_opened" if zh => "差评整改",
        "rectification_opened" => "Put right",
        "rectification_closed" if zh => "整改完成",
        "rectification_closed" => "Put right: done",
        _ if zh => "订单变动",
        _ => "Changed",
    }
}

/// "志愿者可得 5 积分".
pub fn order_reward(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("志愿者可得 {n} 积分"),
        Locale::En => format!("The volunteer earns {n} points"),
    }
}

/// "已得 +5 积分" for a paid task.
pub fn reward_paid(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("已得 {} 积分", signed(n)),
        Locale::En => format!("Earned {} points", signed(n)),
    }
}

/// "5 星" as a button's name.
pub fn stars_n(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 星"),
        Locale::En => format!("{n} stars"),
    }
}

/// "12 条未读".
pub fn unread_count(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 条未读"),
        Locale::En => format!("{n} unread"),
    }
}

/// "派给 张三".
pub fn dispatched_to(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已派给 {name}"),
        Locale::En => format!("Dispatched to {name}"),
    }
}

/// How many orders a volunteer holds now, in the dispatch picker: "进行中 2 单", or 空闲.
pub fn open_tasks(locale: Locale, n: i64) -> String {
    match (locale, n) {
        (_, 0) => t(locale, Text::VolunteerFree).to_owned(),
        (Locale::ZhCn, n) => format!("进行中 {n} 单"),
        (Locale::En, 1) => "1 order in hand".to_owned(),
        (Locale::En, n) => format!("{n} orders in hand"),
    }
}

/// "订单 #12".
pub fn order_no(locale: Locale, id: i64) -> String {
    match locale {
        Locale::ZhCn => format!("订单 #{id}"),
        Locale::En => format!("Order #{id}"),
    }
}

/// "限 6月7日 前".
pub fn due_by(locale: Locale, day: &str) -> String {
    match locale {
        Locale::ZhCn => format!("限 {day} 前"),
        Locale::En => format!("Due {day}"),
    }
}

/// "商品 5 · 管理员 2".
pub fn shop_counts(locale: Locale, goods: i64, keepers: i64) -> String {
    match locale {
        Locale::ZhCn => format!("商品 {goods} · 管理员 {keepers}"),
        Locale::En => format!("{goods} goods · {keepers} keepers"),
    }
}

/// "3 件商品库存不足".
pub fn low_count(locale: Locale, n: i64) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 件商品库存不足"),
        Locale::En if n == 1 => "1 item low on stock".to_owned(),
        Locale::En => format!("{n} items low on stock"),
    }
}

/// "10 积分 · 市场价 12.00 元 · 库存 9".
pub fn goods_terms(locale: Locale, points: i64, market_fen: i64, stock: i64) -> String {
    let yuan = format!("{}.{:02}", market_fen / 100, market_fen % 100);
    match locale {
        Locale::ZhCn => format!("{points} 积分 · 市场价 {yuan} 元 · 库存 {stock}"),
        Locale::En => format!("{points} points · market {yuan} yuan · {stock} in stock"),
    }
}

/// "进货 5 件后库存为 15，确定吗？" / "报损 2 件后库存为 8，确定吗？".
pub fn stock_question(locale: Locale, restock: bool, qty: i64, after: i64) -> String {
    match (locale, restock) {
        (Locale::ZhCn, true) => format!("进货 {qty} 件后库存为 {after}，确定吗？"),
        (Locale::ZhCn, false) => format!("报损 {qty} 件后库存为 {after}，确定吗？"),
        (Locale::En, true) => format!("Restock {qty}; the stock will be {after}. Go ahead?"),
        (Locale::En, false) => format!("Write off {qty}; the stock will be {after}. Go ahead?"),
    }
}

/// "库存 8（提醒线 9）".
pub fn stock_and_threshold(locale: Locale, stock: i64, threshold: Option<i64>) -> String {
    match (locale, threshold) {
        (Locale::ZhCn, Some(t)) => format!("库存 {stock}（提醒线 {t}）"),
        (Locale::ZhCn, None) => format!("库存 {stock}"),
        (Locale::En, Some(t)) => format!("{stock} in stock (warning at {t})"),
        (Locale::En, None) => format!("{stock} in stock"),
    }
}

/// "确定移除张三的超市管理员身份吗？".
pub fn remove_keeper_question(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("确定移除{name}的超市管理员身份吗？"),
        Locale::En => format!("Remove {name} as keeper of this shop?"),
    }
}

/// A stock movement's reason: 初始库存, 进货, 盘点更正, 报损.
pub fn movement_reason(locale: Locale, reason: &str) -> &'static str {
    match (locale, reason) {
        (Locale::ZhCn, "initial") => "初始库存",
        (Locale::ZhCn, "restock") => "进货",
        (Locale::ZhCn, "correction") => "盘点更正",
        (Locale::ZhCn, _) => "报损",
        (Locale::En, "initial") => "Initial stock",
        (Locale::En, "restock") => "Restock",
        (Locale::En, "correction") => "Correction",
        (Locale::En, _) => "Write-off",
    }
}

/// "废纸：每公斤 2 积分 → 3 积分。今后每次…": what changing a catalogue number does, asked
/// once before saving (`per_kg`: a recycling rate, else a volunteer's reward).
pub fn value_change_question(
    locale: Locale,
    name: &str,
    per_kg: bool,
    from: i64,
    to: i64,
) -> String {
    match (locale, per_kg) {
        (Locale::ZhCn, true) => format!(
            "「{name}」从每公斤 {from} 积分改为 {to} 积分：全县今后每次回收都按新标准记分，已记的不变。确定修改吗？"
        ),
        (Locale::ZhCn, false) => format!(
            "「{name}」的志愿者积分从 {from} 改为 {to}：全县今后下的单都按新标准，已下的单不变。确定修改吗？"
        ),
        (Locale::En, true) => format!(
            "{name}: from {from} to {to} points a kilogram. Every drop-off in the county from now on earns the new rate; what was credited stays. Change it?"
        ),
        (Locale::En, false) => format!(
            "{name}: the volunteer's points from {from} to {to}. Every order placed in the county from now on pays the new amount; earlier orders stay. Change it?"
        ),
    }
}

/// "请填写 1 到 1000 之间的整数": the number's bounds.
pub fn whole_between(locale: Locale, max: i64) -> String {
    match locale {
        Locale::ZhCn => format!("请填写 1 到 {max} 之间的整数"),
        Locale::En => format!("Enter a whole number from 1 to {max}"),
    }
}

/// "名称最多 20 个字": a name's longest.
pub fn name_too_long(locale: Locale, max: usize) -> String {
    match locale {
        Locale::ZhCn => format!("名称最多 {max} 个字"),
        Locale::En => format!("A name has at most {max} characters"),
    }
}

/// "确定授予 张三 志愿者（柳村）吗？"
pub fn grant_question(
    locale: Locale,
    name: &str,
    role: jifen_shared::auth::Role,
    place: &str,
) -> String {
    let role = role_name(locale, role);
    match locale {
        Locale::ZhCn => format!("确定授予 {name} {role}（{place}）吗？"),
        Locale::En => format!("Make {name} {role} of {place}?"),
    }
}

/// "确定撤销 张三 的 志愿者（柳村）吗？"
pub fn revoke_question(
    locale: Locale,
    name: &str,
    role: jifen_shared::auth::Role,
    place: &str,
) -> String {
    let role = role_name(locale, role);
    match locale {
        Locale::ZhCn => format!("确定撤销 {name} 的{role}（{place}）吗？"),
        Locale::En => format!("Take {role} of {place} away from {name}?"),
    }
}

/// 迁出 or 去世.
pub fn closed_reason(locale: Locale, reason: jifen_shared::people::ClosedReason) -> &'static str {
    use jifen_shared::people::ClosedReason;
    t(
        locale,
        match reason {
            ClosedReason::MovedAway => Text::MovedAway,
            ClosedReason::Deceased => Text::Deceased,
        },
    )
}

/// Where a closed account's points go, as a sentence ending the question or the summary.
fn balance_sentence(locale: Locale, points: i64, heir: Option<&str>, done: bool) -> String {
    match (locale, points, heir, done) {
        (Locale::ZhCn, 0, _, _) => "此人没有剩余积分。".to_owned(),
        (Locale::ZhCn, _, Some(h), false) => format!("剩余 {points} 积分将转给同户 {h}。"),
        (Locale::ZhCn, _, Some(h), true) => format!("{points} 积分已转给同户 {h}。"),
        (Locale::ZhCn, _, None, false) => format!("剩余 {points} 积分将退回镇积分发放账户。"),
        (Locale::ZhCn, _, None, true) => format!("{points} 积分已退回镇积分发放账户。"),
        (Locale::En, 0, _, _) => "This person holds no points.".to_owned(),
        (Locale::En, _, Some(h), false) => {
            format!("The remaining {points} points will go to {h} of the same household.")
        }
        (Locale::En, _, Some(h), true) => {
            format!("{points} points went to {h} of the same household.")
        }
        (Locale::En, _, None, false) => {
            format!("The remaining {points} points will return to the township's issuance account.")
        }
        (Locale::En, _, None, true) => {
            format!("{points} points returned to the township's issuance account.")
        }
    }
}

/// "确定将张三明标记为去世并注销账户吗？剩余 30 积分将转给同户 张小明。"
pub fn closing_question(
    locale: Locale,
    name: &str,
    reason: jifen_shared::people::ClosedReason,
    points: i64,
    heir: Option<&str>,
) -> String {
    let why = closed_reason(locale, reason);
    let rest = balance_sentence(locale, points, heir, false);
    match locale {
        Locale::ZhCn => format!("确定将{name}标记为{why}并注销账户吗？{rest}"),
        Locale::En => format!("Close the account of {name} ({why})? {rest}"),
    }
}

/// "已注销（去世）。30 积分已转给同户 张小明。"
pub fn closed_summary(
    locale: Locale,
    reason: jifen_shared::people::ClosedReason,
    points: i64,
    heir: Option<&str>,
) -> String {
    let why = closed_reason(locale, reason);
    let rest = balance_sentence(locale, points, heir, true);
    match locale {
        Locale::ZhCn => format!("已注销（{why}）。{rest}"),
        Locale::En => format!("Closed ({why}). {rest}"),
    }
}

/// "确定把手机号改为 139 0013 9099 吗？"
pub fn phone_question(locale: Locale, phone: &str) -> String {
    match locale {
        Locale::ZhCn => format!("确定把手机号改为 {phone} 吗？此人在所有手机上的登录都会退出。"),
        Locale::En => {
            format!("Change the number to {phone}? This person is signed out on every phone.")
        }
    }
}

/// "正在为 张桂英 代办": the banner of 代办模式.
pub fn proxy_for(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("正在为 {name} 代办"),
        Locale::En => format!("Acting for {name}"),
    }
}

/// "剩余 4 次 / 200 分": what proxies may still do for the villager today.
pub fn proxy_allowance(locale: Locale, actions: i64, points: i64) -> String {
    match locale {
        Locale::ZhCn => format!("剩余 {actions} 次 / {points} 分"),
        Locale::En => format!("{actions} actions / {points} points left"),
    }
}

/// "15:30 自动结束": when a proxy session lapses (`when` on the county's clock).
pub fn proxy_until(locale: Locale, when: &str) -> String {
    match locale {
        Locale::ZhCn => format!("{when} 自动结束"),
        Locale::En => format!("Ends by itself at {when}"),
    }
}

/// "代办员 王*华" or "家属 王*华": who acted for the villager, by how they came to.
pub fn proxy_agent(locale: Locale, kind: jifen_shared::proxy::ProxyKind, name: &str) -> String {
    let family = kind == jifen_shared::proxy::ProxyKind::Delegate;
    match (locale, family) {
        (Locale::ZhCn, false) => format!("代办员 {name}"),
        (Locale::ZhCn, true) => format!("家属 {name}"),
        (Locale::En, false) => format!("proxy agent {name}"),
        (Locale::En, true) => format!("family member {name}"),
    }
}

/// "由 代办员 王*华 代办": under something a proxy did.
pub fn proxy_by(locale: Locale, kind: jifen_shared::proxy::ProxyKind, name: &str) -> String {
    let who = proxy_agent(locale, kind, name);
    match locale {
        Locale::ZhCn => format!("由 {who} 代办"),
        Locale::En => format!("Done by {who}"),
    }
}

/// What a proxy did, in a word: 申报积分, 兑换, 点单, 评价.
pub fn proxy_action(locale: Locale, action: jifen_shared::proxy::ProxyActionKind) -> &'static str {
    use jifen_shared::proxy::ProxyActionKind::*;
    match (locale, action) {
        (Locale::ZhCn, Claim) => "申报积分",
        (Locale::ZhCn, Redemption) => "兑换",
        (Locale::ZhCn, Order) => "点单",
        (Locale::ZhCn, Rating) => "评价",
        (Locale::En, Claim) => "Claim",
        (Locale::En, Redemption) => "Redemption",
        (Locale::En, Order) => "Service order",
        (Locale::En, Rating) => "Rating",
    }
}

/// "已短信通知 138****0001": where a receipt was texted.
pub fn sms_sent(locale: Locale, phone: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已短信通知 {phone}"),
        Locale::En => format!("Texted to {phone}"),
    }
}

/// "共 10 张": member cards on the sheet.
pub fn cards_count(locale: Locale, n: usize) -> String {
    match locale {
        Locale::ZhCn => format!("共 {n} 张"),
        Locale::En if n == 1 => "1 card".to_owned(),
        Locale::En => format!("{n} cards"),
    }
}

/// "已补卡，新卡号 1234 5678 90，请打印新卡".
pub fn card_replaced(locale: Locale, printed: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已补卡，新卡号 {printed}，请打印新卡"),
        Locale::En => format!("Done: the new number is {printed}. Print the new card."),
    }
}

/// "5月31日 由 王*华 登记": when a delegation was recorded, and by whom.
pub fn delegation_recorded(locale: Locale, when: &str, by: Option<&str>) -> String {
    match (locale, by) {
        (Locale::ZhCn, Some(by)) => format!("{when} 由 {by} 登记"),
        (Locale::ZhCn, None) => format!("{when} 登记"),
        (Locale::En, Some(by)) => format!("Recorded {when} by {by}"),
        (Locale::En, None) => format!("Recorded {when}"),
    }
}

/// "已登记 张桂英": a villager registered.
pub fn person_created(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已登记 {name}"),
        Locale::En => format!("{name} is registered"),
    }
}

/// "已为 张桂英 提交": a claim or an order made for the villager (it waits for review or a
/// volunteer: submitted, not done).
pub fn proxy_submitted(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已为 {name} 提交"),
        Locale::En => format!("Submitted for {name}"),
    }
}

/// "已结束为 张桂英 代办": said on `/proxy` after 结束代办.
pub fn proxy_left(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已结束为 {name} 代办"),
        Locale::En => format!("You stopped acting for {name}"),
    }
}

/// "已添加 于建国 为家属代办".
pub fn delegate_added(locale: Locale, name: &str) -> String {
    match locale {
        Locale::ZhCn => format!("已添加 {name} 为家属代办"),
        Locale::En => format!("{name} may now act for the villager"),
    }
}

/// "6月2日 10:15 解除": when a delegation ended.
pub fn delegation_ended(locale: Locale, when: &str) -> String {
    match locale {
        Locale::ZhCn => format!("{when} 解除"),
        Locale::En => format!("Ended {when}"),
    }
}

/// The question before registering a phoneless villager's number.
pub fn phone_register_question(locale: Locale, phone: &str) -> String {
    match locale {
        Locale::ZhCn => format!("确定为此人登记手机号 {phone} 吗？"),
        Locale::En => format!("Register {phone} for this person?"),
    }
}

/// "适用于 长垣市 所有村": the county the 代办与长辈模式 settings are for.
pub fn assistance_county(locale: Locale, county: &str) -> String {
    match locale {
        Locale::ZhCn => format!("适用于 {county} 所有村"),
        Locale::En => format!("For every village of {county}"),
    }
}

/// "3 人": how many people an entry was about (`people:3`).
pub fn people_count(locale: Locale, n: &str) -> String {
    match locale {
        Locale::ZhCn => format!("{n} 人"),
        Locale::En if n == "1" => "1 person".to_owned(),
        Locale::En => format!("{n} people"),
    }
}

/// "回执 DB7K2M9QXA": the audit filter's receipt, in its summary.
pub fn receipt_filter(locale: Locale, receipt_no: &str) -> String {
    match locale {
        Locale::ZhCn => format!("回执 {receipt_no}"),
        Locale::En => format!("receipt {receipt_no}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_has_both_languages() {
        for &text in Text::ALL {
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
    fn every_audit_action_and_family_has_words() {
        for action in jifen_shared::audit::ACTIONS {
            for locale in [Locale::ZhCn, Locale::En] {
                assert_ne!(&action_name(locale, action), action, "{action}");
            }
        }
        for family in jifen_shared::audit::action_families() {
            for locale in [Locale::ZhCn, Locale::En] {
                assert_ne!(action_family_name(locale, family), family, "{family}");
            }
        }
    }

    #[test]
    fn every_import_code_is_explained() {
        for code in [
            "missing_column",
            "invalid_utf8",
            "empty_name",
            "invalid_name",
            "invalid_phone",
            "unknown_village",
            "unknown_grid",
            "invalid_household",
            "invalid_tag",
            "duplicate_phone",
            "outside_region",
            "staff_account",
            "invalid_input",
        ] {
            assert_ne!(
                row_problem(Locale::ZhCn, code),
                row_problem(Locale::ZhCn, "something_new"),
                "{code}"
            );
            assert_ne!(
                row_problem(Locale::En, code),
                row_problem(Locale::En, "something_new"),
                "{code}"
            );
        }
        assert_eq!(line_no(Locale::ZhCn, 4), "第 4 行");
        assert_eq!(uploading(Locale::ZhCn, 0.456), "正在上传 46%");
    }

    #[test]
    fn a_volunteers_open_tasks_read_naturally() {
        assert_eq!(open_tasks(Locale::ZhCn, 0), "空闲");
        assert_eq!(open_tasks(Locale::ZhCn, 2), "进行中 2 单");
        assert_eq!(open_tasks(Locale::En, 0), "Free");
        assert_eq!(open_tasks(Locale::En, 1), "1 order in hand");
        assert_eq!(open_tasks(Locale::En, 3), "3 orders in hand");
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

    #[test]
    fn points_words_read_naturally() {
        assert_eq!(signed(5), "+5");
        assert_eq!(signed(-3), "-3");
        assert_eq!(approved_points(Locale::ZhCn, 5), "已通过 +5");
        assert_eq!(
            caps(Locale::ZhCn, Some(1), None).as_deref(),
            Some("最多每天 1 次")
        );
        assert_eq!(
            caps(Locale::ZhCn, Some(1), Some(10)).as_deref(),
            Some("最多每天 1 次，每月 10 次")
        );
        assert_eq!(caps(Locale::En, None, None), None);
        assert_eq!(
            reused_photo(Locale::ZhCn, "王*", "垃圾分类", "5月30日"),
            "此照片已用于 王* 的「垃圾分类」申报（5月30日）"
        );
        for code in [
            "claim",
            "award",
            "deduction",
            "redemption",
            "refund",
            "recycling",
        ] {
            assert_ne!(
                ledger_reason(Locale::ZhCn, code),
                ledger_reason(Locale::ZhCn, "new")
            );
            assert_ne!(
                ledger_reason(Locale::En, code),
                ledger_reason(Locale::En, "new")
            );
        }
        assert_eq!(ledger_reason(Locale::ZhCn, "claim"), "申报通过");
        assert_eq!(ledger_reason(Locale::ZhCn, "award"), "奖励");
        assert_eq!(ledger_reason(Locale::ZhCn, "deduction"), "扣分");
    }

    #[test]
    fn shop_words_read_naturally() {
        assert_eq!(yuan(7000), "¥70.00");
        assert_eq!(yuan(305), "¥3.05");
        assert_eq!(yuan(9), "¥0.09");
        assert_eq!(points_n(Locale::ZhCn, 100), "100 积分");
        assert_eq!(points_n(Locale::En, 1), "1 point");
        assert_eq!(grouped_code("ABCD2345"), "ABCD 2345");
        assert_eq!(grouped_code("ABC"), "ABC");
        assert_eq!(
            price_changed(Locale::ZhCn, "洗衣粉", 40, 30),
            "「洗衣粉」价格已变为 40 积分（刚才显示 30 积分）"
        );
        assert_eq!(goods_times("花生油", 2), "花生油 × 2");
        assert_eq!(kg_text(Locale::ZhCn, 2350), "2.350 公斤");
        assert_eq!(kg_text(Locale::En, 5), "0.005 kg");
        assert_eq!(per_kg(Locale::ZhCn, 2), "每公斤 2 积分");
    }
}
