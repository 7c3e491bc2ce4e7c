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

/// `text` in the current language, following the 中文/EN switch. Screens use this rather than
/// a closure of their own: every `move || …` is a type of its own, with its own code in the
/// wasm, and this is one for all the strings on screen.
pub fn tr(text: Text) -> impl IntoView + use<> {
    let locale = use_locale();
    move || t(locale.get(), text)
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
    WechatSignIn,
    WechatSigningIn,
    WechatBindHint,
    WechatExpired,
    WechatUnavailable,
    OrUseSms,
    BackToSignIn,
    TooManyCodes,
    SigningIn,
    Points,
    MyRoles,
    SignOut,
    Village,
    SwitchRoleHint,
    CurrentRole,
    Manage,
    ImportVillagers,
    ManageGrids,
    NotStaff,
    SwitchRole,
    NoPermission,
    SessionExpired,
    TooFrequent,
    InputRejected,
    ImportHowTo,
    ColumnsHelp,
    ColName,
    ColPhone,
    ColVillage,
    ColGrid,
    ColHousehold,
    ColTags,
    ImportAgain,
    DownloadSample,
    ChooseFile,
    ChooseAnother,
    Upload,
    Importing,
    UploadFailedKept,
    NotAVillagerCsv,
    FileTooLarge,
    ImportDone,
    Created,
    Updated,
    Unchanged,
    Rejected,
    BadRows,
    AllRowsGood,
    ChooseTownship,
    ChooseVillage,
    VillageGrids,
    NewGrid,
    GridName,
    GridNamePlaceholder,
    Creating,
    GridNameTaken,
    GridNameInvalid,
    GridNameEmpty,
    AppointTitle,
    GridsHint,
    GridMembers,
    NoMembers,
    Appoint,
    Appointing,
    Dismiss,
    DismissYes,
    Cancel,
    LoadMore,
    AddToGrid,
    FindVillager,
    FindPlaceholder,
    Find,
    Finding,
    NoVillagerFound,
    MoreResults,
    AlreadyInGrid,
    InOtherGrid,
    TickFirst,
    AddingToGrid,
    NotOfVillage,
    PersonNotFound,
    GridNotFound,
    UnsupportedMedia,
    PhotoRequired,
    CapReached,
    AlreadyReviewed,
    InsufficientPoints,
    OutOfStock,
    LimitReached,
    GoodsUnavailable,
    AlreadyFulfilled,
    RedemptionExpired,
    NotCancellable,
    AlreadyClaimed,
    AlreadyRated,
    Home,
    Earn,
    PointsHistory,
    MyClaims,
    VillageBoard,
    Review,
    ReviewClaims,
    Work,
    AvailablePoints,
    BrowseCounty,
    NoVillage,
    EarnHint,
    NeedsPhoto,
    NoRules,
    HasDraft,
    Note,
    NotePlaceholder,
    Photos,
    TakePhoto,
    ChoosePhoto,
    PhotoPreparing,
    PhotoUploadFailed,
    PhotoTooLarge,
    RemovePhoto,
    SubmitClaim,
    Submitting,
    WaitForUploads,
    NeedPhotoFirst,
    DraftKept,
    DraftSaved,
    ClaimSent,
    ClaimSentHint,
    SeeMyClaims,
    EarnMore,
    StartOver,
    RuleInactive,
    RuleNotFound,
    AlreadySubmitted,
    NotAVillager,
    StatusPending,
    StatusApproved,
    StatusRejected,
    NoClaims,
    NoMovements,
    SystemActor,
    BoardTitle,
    RecentMovements,
    ThisMonth,
    ThisYear,
    NoBoardMovements,
    NoRanking,
    VillageNotFound,
    ReviewQueue,
    NoPendingClaims,
    Approve,
    Reject,
    RejectWhy,
    ReasonBlurry,
    ReasonNotMatching,
    ReasonDuplicate,
    ReasonOther,
    ReasonPlaceholder,
    RejectConfirm,
    ReasonEmpty,
    ReviewCapReached,
    CannotReview,
    NotReviewer,
    ClaimPhoto,
    Close,
    PhotoNotLoaded,
    TapToZoom,
    ReviewRefreshed,
    PhotoNetwork,
    EarnedTotal,
    SpentTotal,
    Available,
    Shop,
    MyRedemptions,
    Scan,
    ScanRedeem,
    NoShops,
    NoGoods,
    GoodsPhoto,
    MarketPrice,
    Redeem,
    NotEnough,
    SoldOut,
    ConfirmRedeem,
    ThinkAgain,
    Quantity,
    Fewer,
    More,
    UnitPrice,
    PointsNeeded,
    BalanceNow,
    BalanceAfter,
    Redeeming,
    LastTryUnknown,
    RedeemNetwork,
    RedemptionCode,
    BrightenScreen,
    ShortCodeHint,
    Done,
    StatusReserved,
    StatusFulfilled,
    StatusCancelled,
    StatusExpired,
    ShowCode,
    CancelRedemption,
    CancelQuestion,
    CancelYes,
    KeepIt,
    CancelledBack,
    NoRedemptions,
    RedemptionNotFound,
    CollectedTitle,
    ClosedTitle,
    ScanHint,
    CameraStarting,
    CameraUnavailable,
    NoScanner,
    ShortCode,
    ShortCodePlaceholder,
    LookUp,
    LookingUp,
    ShortCodeInvalid,
    CodeNotFound,
    Villager,
    HandOver,
    HandingOver,
    NotThisOne,
    Handed,
    HandedHint,
    NextScan,
    ResultAlreadyFulfilled,
    ResultAlreadyFulfilledHint,
    ResultExpired,
    ResultExpiredHint,
    ResultNotYourShop,
    ResultNotYourShopHint,
    ResultNotFoundHint,
    NotKeeper,
    HandOverNetwork,
    RedeemForbidden,
    Recycle,
    RecycleTitle,
    Today,
    TodayTitle,
    MemberCode,
    MemberCodeHint,
    FindVillagerHint,
    ScanMemberHint,
    NoScannerPhone,
    VillagerPhone,
    MemberNotFound,
    NotServedVillager,
    DropoffForbidden,
    OtherVillager,
    Category,
    Weight,
    WeightPlaceholder,
    WeightInvalid,
    PickCategory,
    AddLine,
    ThisDropoff,
    NothingWeighed,
    Credit,
    Crediting,
    Credited,
    NextVillager,
    CreditNetwork,
    NoKeptShop,
    ChooseShop,
    RedemptionsToday,
    PointsCollected,
    DropoffsToday,
    PointsCredited,
    GoodsHandedOut,
    RecyclingByCategory,
    NothingToday,
    Refresh,
    Remove,
    // Service orders (五单), ratings (好差评) and the inbox (消息).
    Services,
    ServicesHint,
    MyOrders,
    NoServiceTypes,
    OrderWhat,
    OrderWhatPlaceholder,
    OrderWhere,
    AtMyHome,
    ElsewhereAddress,
    AddressPlaceholder,
    SubmitOrder,
    OrderSent,
    OrderSentHint,
    OrderAgain,
    OrderOpen,
    OrderClaimed,
    OrderCompleted,
    OrderCancelled,
    NoOrders,
    OrderNotFound,
    Timeline,
    Orderer,
    VolunteerWord,
    Address,
    CancelOrder,
    RateService,
    RateHint,
    RateGood,
    RateNeutral,
    RateBad,
    RateCommentPlaceholder,
    SubmitRating,
    ChooseStars,
    YourRating,
    AutoRated,
    RectificationOpen,
    Rectified,
    RectifiedRateAgain,
    TasksTab,
    OrdersAvailable,
    MyTasks,
    ClaimOrder,
    NoAvailableOrders,
    NoTasks,
    NotVolunteer,
    CompleteOrder,
    CompletionNote,
    CompletionPlaceholder,
    CompletionPhoto,
    NoteRequired,
    Claimed,
    Completed,
    OrderChanged,
    Inbox,
    NoMessages,
    ServiceOrders,
    DispatchOrder,
    ChooseVolunteer,
    NoVolunteers,
    Dispatched,
    Rectifications,
    NoRectifications,
    FollowUp,
    FollowUpPlaceholder,
    CloseRectification,
    RectificationClosed,
    WhatWasDone,
    Overview,
    Last7Days,
    Last30Days,
    MonthSoFar,
    CustomRange,
    FromDate,
    ToDate,
    PointsIssued,
    PointsSpent,
    PointsOutstanding,
    Participation,
    ByRegion,
    ClaimsReview,
    AverageReview,
    OrdersPlaced,
    WithinSla,
    RatingsTitle,
    RecyclingKg,
    TopRules,
    ExportCsv,
    NoData,
    BadRange,
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
        (WechatSignIn, ZhCn) => "微信一键登录",
        (WechatSignIn, En) => "Sign in with WeChat",
        (WechatSigningIn, ZhCn) => "正在通过微信登录…",
        (WechatSigningIn, En) => "Signing in with WeChat…",
        (WechatBindHint, ZhCn) => "第一次用微信登录：请验证一次手机号，以后点微信即可登录",
        (WechatBindHint, En) => {
            "First time with WeChat: confirm your phone number once; next time WeChat is enough."
        }
        (WechatExpired, ZhCn) => "微信授权已失效，请重新登录",
        (WechatExpired, En) => "The WeChat sign-in has expired. Please sign in again.",
        (WechatUnavailable, ZhCn) => "微信暂时无法登录，请用手机验证码登录",
        (WechatUnavailable, En) => "WeChat sign-in is not available now. Use an SMS code instead.",
        (OrUseSms, ZhCn) => "或用手机验证码登录",
        (OrUseSms, En) => "or sign in with an SMS code",
        (BackToSignIn, ZhCn) => "返回登录",
        (BackToSignIn, En) => "Back to sign-in",
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
        (SwitchRoleHint, ZhCn) => "点一下，切换当前身份",
        (SwitchRoleHint, En) => "Tap a role to act as it",
        (CurrentRole, ZhCn) => "当前",
        (CurrentRole, En) => "Current",
        (Manage, ZhCn) => "管理",
        (Manage, En) => "Manage",
        (ImportVillagers, ZhCn) => "导入村民名册",
        (ImportVillagers, En) => "Import villagers",
        (ManageGrids, ZhCn) => "网格管理",
        (ManageGrids, En) => "Grids",
        (NotStaff, ZhCn) => {
            "无权限：这里只有村、乡镇、县管理员能用。如果您有管理员身份，请到「我的」切换。"
        }
        (NotStaff, En) => {
            "No permission: only village, township and county admins use this. If you are one, switch roles on Me."
        }
        (SwitchRole, ZhCn) => "去「我的」切换身份",
        (SwitchRole, En) => "Switch roles on Me",
        (NoPermission, ZhCn) => "无权限：您不能管理这个地方",
        (NoPermission, En) => "No permission: you do not manage this place",
        (SessionExpired, ZhCn) => "登录已过期，请重新登录",
        (SessionExpired, En) => "You have been signed out. Please sign in again.",
        (TooFrequent, ZhCn) => "操作太频繁，请稍后再试",
        (TooFrequent, En) => "Too many tries. Please wait a little.",
        (InputRejected, ZhCn) => "填写的内容不对，请检查后再试",
        (InputRejected, En) => "Something you entered is not right. Please check it.",
        (ImportHowTo, ZhCn) => "用 Excel 或 WPS 填好名册，另存为「CSV UTF-8」格式再上传。",
        (ImportHowTo, En) => {
            "Fill in the register in Excel or WPS, save it as \u{201c}CSV UTF-8\u{201d} and upload it."
        }
        (ColumnsHelp, ZhCn) => "各列怎么填（第一行写英文列名，顺序不限）",
        (ColumnsHelp, En) => "What goes in each column (names in the first row, any order)",
        (ColName, ZhCn) => "姓名（必填）",
        (ColName, En) => "Full name (required)",
        (ColPhone, ZhCn) => "手机号（必填）",
        (ColPhone, En) => "Mobile number (required)",
        (ColVillage, ZhCn) => "村代码，12 位数字（必填）",
        (ColVillage, En) => "Village code, 12 digits (required)",
        (ColGrid, ZhCn) => "网格代码，如 410783101230-001（可不填）",
        (ColGrid, En) => "Grid code, e.g. 410783101230-001 (optional)",
        (ColHousehold, ZhCn) => "户号（可不填）",
        (ColHousehold, En) => "Household number (optional)",
        (ColTags, ZhCn) => "标签，如 党员;村民代表，用分号隔开（可不填）",
        (ColTags, En) => "Tags, separated by semicolons (optional)",
        (ImportAgain, ZhCn) => "同一个手机号再导入一次，只会更新这个人，不会重复添加。",
        (ImportAgain, En) => "Importing a number again updates that person; nobody is added twice.",
        (DownloadSample, ZhCn) => "下载样例文件",
        (DownloadSample, En) => "Download a sample file",
        (ChooseFile, ZhCn) => "选择 CSV 文件",
        (ChooseFile, En) => "Choose a CSV file",
        (ChooseAnother, ZhCn) => "换一个文件",
        (ChooseAnother, En) => "Choose another file",
        (Upload, ZhCn) => "上传并导入",
        (Upload, En) => "Upload and import",
        (Importing, ZhCn) => "已上传，正在导入…",
        (Importing, En) => "Uploaded. Importing…",
        (UploadFailedKept, ZhCn) => "网络不好，上传没有完成。文件还在，点「重试」再传一次。",
        (UploadFailedKept, En) => {
            "The network failed and the upload did not finish. The file is still chosen: tap Try again."
        }
        (NotAVillagerCsv, ZhCn) => {
            "这个文件不是村民名册：第一行要有 name、phone、village_code 这几列"
        }
        (NotAVillagerCsv, En) => {
            "This is not a villager register: the first row needs the columns name, phone and village_code"
        }
        (FileTooLarge, ZhCn) => "文件太大了（最大 16 MB），请分成几个文件上传",
        (FileTooLarge, En) => "The file is too large (16 MB at most). Please split it.",
        (ImportDone, ZhCn) => "导入完成",
        (ImportDone, En) => "Import finished",
        (Created, ZhCn) => "新增",
        (Created, En) => "Added",
        (Updated, ZhCn) => "更新",
        (Updated, En) => "Updated",
        (Unchanged, ZhCn) => "无变化",
        (Unchanged, En) => "Unchanged",
        (Rejected, ZhCn) => "有问题",
        (Rejected, En) => "Problems",
        (BadRows, ZhCn) => "有问题的行（没有导入，其余的行已导入）",
        (BadRows, En) => "Rows with problems (not imported; the other rows were)",
        (AllRowsGood, ZhCn) => "每一行都导入成功了",
        (AllRowsGood, En) => "Every row was imported",
        (ChooseTownship, ZhCn) => "选择乡镇（街道）",
        (ChooseTownship, En) => "Choose a township",
        (ChooseVillage, ZhCn) => "选择村（社区）",
        (ChooseVillage, En) => "Choose a village or community",
        (VillageGrids, ZhCn) => "本村网格",
        (VillageGrids, En) => "Grids of this village",
        (NewGrid, ZhCn) => "新建网格",
        (NewGrid, En) => "Add a grid",
        (GridName, ZhCn) => "网格名称",
        (GridName, En) => "Grid name",
        (GridNamePlaceholder, ZhCn) => "如：第一网格",
        (GridNamePlaceholder, En) => "e.g. Grid 1",
        (Creating, ZhCn) => "正在新建…",
        (Creating, En) => "Adding…",
        (GridNameTaken, ZhCn) => "这个村已经有叫这个名字的网格了",
        (GridNameTaken, En) => "This village already has a grid with that name",
        (GridNameInvalid, ZhCn) => "网格名称不对：最多 20 个字，不能有特殊符号",
        (GridNameInvalid, En) => {
            "Not a usable grid name: at most 20 characters, no special symbols"
        }
        (GridNameEmpty, ZhCn) => "请填写网格名称",
        (GridNameEmpty, En) => "Please enter a grid name",
        (AppointTitle, ZhCn) => "任命网格员",
        (AppointTitle, En) => "Appoint grid workers",
        (GridsHint, ZhCn) => "点一个网格，查看它的村民，添加村民，任命网格员",
        (GridsHint, En) => "Tap a grid to see its people, add villagers and appoint grid workers",
        (GridMembers, ZhCn) => "本网格村民",
        (GridMembers, En) => "People in this grid",
        (NoMembers, ZhCn) => "这个网格还没有村民，请在下面添加",
        (NoMembers, En) => "Nobody is in this grid yet. Add villagers below.",
        (Appoint, ZhCn) => "任命网格员",
        (Appoint, En) => "Make grid worker",
        (Appointing, ZhCn) => "正在任命…",
        (Appointing, En) => "Appointing…",
        (Dismiss, ZhCn) => "免去",
        (Dismiss, En) => "Remove",
        (DismissYes, ZhCn) => "确定免去",
        (DismissYes, En) => "Yes, remove",
        (Cancel, ZhCn) => "取消",
        (Cancel, En) => "Cancel",
        (LoadMore, ZhCn) => "加载更多",
        (LoadMore, En) => "Load more",
        (AddToGrid, ZhCn) => "添加村民到本网格",
        (AddToGrid, En) => "Add villagers to this grid",
        (FindVillager, ZhCn) => "姓名或手机号",
        (FindVillager, En) => "Name or mobile number",
        (FindPlaceholder, ZhCn) => "如：张三",
        (FindPlaceholder, En) => "e.g. Zhang San",
        (Find, ZhCn) => "查找",
        (Find, En) => "Find",
        (Finding, ZhCn) => "正在查找…",
        (Finding, En) => "Finding…",
        (NoVillagerFound, ZhCn) => "本村没有找到这个人",
        (NoVillagerFound, En) => "Nobody in this village matches",
        (MoreResults, ZhCn) => "只列出了前 20 位，请多输入几个字缩小范围",
        (MoreResults, En) => "Only the first 20 are listed. Type more to narrow it down.",
        (AlreadyInGrid, ZhCn) => "已在本网格",
        (AlreadyInGrid, En) => "Already in this grid",
        (InOtherGrid, ZhCn) => "在其他网格，加入后转到本网格",
        (InOtherGrid, En) => "In another grid; adding moves them here",
        (TickFirst, ZhCn) => "请先勾选村民",
        (TickFirst, En) => "Tick villagers first",
        (AddingToGrid, ZhCn) => "正在加入…",
        (AddingToGrid, En) => "Adding…",
        (NotOfVillage, ZhCn) => "有人不是本村村民，这次没有加入任何人。请重新查找后再选。",
        (NotOfVillage, En) => {
            "Someone is not a villager of this village, so nobody was added. Find them again and retry."
        }
        (PersonNotFound, ZhCn) => "没有找到这个人，可能已被删除",
        (PersonNotFound, En) => "This person was not found; they may have been removed",
        (GridNotFound, ZhCn) => "没有找到这个网格",
        (GridNotFound, En) => "This grid was not found",
        (UnsupportedMedia, ZhCn) => "这张照片的格式无法识别，请换一张，或用相机直接拍",
        (UnsupportedMedia, En) => {
            "This photo's format cannot be read. Choose another or take one with the camera."
        }
        (PhotoRequired, ZhCn) => "这一项需要照片作证明，请先拍一张照片",
        (PhotoRequired, En) => "This one needs a photo as proof. Please take one first.",
        (CapReached, ZhCn) => "这一项今天或本月的次数已经用完了，请改天再申报",
        (CapReached, En) => {
            "This has been claimed as often as allowed today or this month. Please try another day."
        }
        (AlreadyReviewed, ZhCn) => "已由他人审核",
        (AlreadyReviewed, En) => "Someone else has already reviewed it",
        (InsufficientPoints, ZhCn) => "积分不够，换一件或攒够了再来",
        (InsufficientPoints, En) => "Not enough points for this",
        (OutOfStock, ZhCn) => "库存不足，已经兑完了",
        (OutOfStock, En) => "Not enough left in stock",
        (LimitReached, ZhCn) => "这件商品本月每人限兑的数量已用完",
        (LimitReached, En) => "You have reached this month's limit for this item",
        (GoodsUnavailable, ZhCn) => "这件商品已下架",
        (GoodsUnavailable, En) => "This item is no longer on offer",
        (AlreadyFulfilled, ZhCn) => "已经兑换过了，不能重复兑换",
        (AlreadyFulfilled, En) => "This has already been handed over",
        (RedemptionExpired, ZhCn) => "兑换单已过期或已取消，积分已退回",
        (RedemptionExpired, En) => {
            "This redemption has expired or was cancelled; the points are back"
        }
        (NotCancellable, ZhCn) => "已兑换或已过期，不能取消",
        (NotCancellable, En) => "It was handed over or has expired, so it cannot be cancelled",
        (AlreadyClaimed, ZhCn) => "已被其他志愿者接单",
        (AlreadyClaimed, En) => "Another volunteer has already taken this order",
        (AlreadyRated, ZhCn) => "已经评价过了",
        (AlreadyRated, En) => "You have already rated this",
        (Home, ZhCn) => "首页",
        (Home, En) => "Home",
        (Earn, ZhCn) => "挣积分",
        (Earn, En) => "Earn points",
        (PointsHistory, ZhCn) => "积分明细",
        (PointsHistory, En) => "Points history",
        (MyClaims, ZhCn) => "我的申报",
        (MyClaims, En) => "My claims",
        (VillageBoard, ZhCn) => "村积分榜",
        (VillageBoard, En) => "Village board",
        (Review, ZhCn) => "审核",
        (Review, En) => "Review",
        (ReviewClaims, ZhCn) => "审核村民申报",
        (ReviewClaims, En) => "Review villagers' claims",
        (Work, ZhCn) => "工作",
        (Work, En) => "Work",
        (AvailablePoints, ZhCn) => "我的积分",
        (AvailablePoints, En) => "My points",
        (BrowseCounty, ZhCn) => "浏览全市乡镇和村",
        (BrowseCounty, En) => "Browse the townships and villages",
        (NoVillage, ZhCn) => "您还没有登记所在的村，请联系村委会",
        (NoVillage, En) => {
            "You are not registered in a village yet. Please ask your village committee."
        }
        (EarnHint, ZhCn) => "选一项您做过的好事，提交后由网格员审核，通过后积分自动到账。",
        (EarnHint, En) => {
            "Pick something good you did. A grid worker checks it; once approved the points are yours."
        }
        (NeedsPhoto, ZhCn) => "需要照片",
        (NeedsPhoto, En) => "Photo needed",
        (NoRules, ZhCn) => "本村还没有可以申报的积分事项",
        (NoRules, En) => "Nothing can be claimed in this village yet",
        (HasDraft, ZhCn) => "有草稿",
        (HasDraft, En) => "Draft",
        (Note, ZhCn) => "说明（可不填）",
        (Note, En) => "Note (optional)",
        (NotePlaceholder, ZhCn) => "做了什么、在哪里、什么时候",
        (NotePlaceholder, En) => "What you did, where and when",
        (Photos, ZhCn) => "照片",
        (Photos, En) => "Photos",
        (TakePhoto, ZhCn) => "拍照",
        (TakePhoto, En) => "Take a photo",
        (ChoosePhoto, ZhCn) => "从相册选",
        (ChoosePhoto, En) => "From the album",
        (PhotoPreparing, ZhCn) => "正在处理…",
        (PhotoPreparing, En) => "Preparing…",
        (PhotoUploadFailed, ZhCn) => "上传失败",
        (PhotoUploadFailed, En) => "Upload failed",
        (PhotoTooLarge, ZhCn) => "照片太大了（最大 10 MB），请换一张",
        (PhotoTooLarge, En) => "The photo is too large (10 MB at most). Please choose another.",
        (RemovePhoto, ZhCn) => "删除",
        (RemovePhoto, En) => "Remove",
        (SubmitClaim, ZhCn) => "提交申报",
        (SubmitClaim, En) => "Send the claim",
        (Submitting, ZhCn) => "正在提交…",
        (Submitting, En) => "Sending…",
        (WaitForUploads, ZhCn) => "照片还在上传，请稍等",
        (WaitForUploads, En) => "Photos are still uploading. Please wait.",
        (NeedPhotoFirst, ZhCn) => "这一项需要照片：请先拍照或从相册选一张",
        (NeedPhotoFirst, En) => "This one needs a photo: take one or choose one first",
        (DraftKept, ZhCn) => "网络不好，已保存草稿，联网后自动提交",
        (DraftKept, En) => {
            "The network is weak. Your draft is saved and will be sent once you are online."
        }
        (DraftSaved, ZhCn) => "草稿已自动保存在这台手机上",
        (DraftSaved, En) => "Your draft is saved on this phone",
        (ClaimSent, ZhCn) => "已提交，等待审核",
        (ClaimSent, En) => "Sent. Waiting for review.",
        (ClaimSentHint, ZhCn) => "网格员审核通过后，积分会自动到账。",
        (ClaimSentHint, En) => "Once a grid worker approves it, the points arrive by themselves.",
        (SeeMyClaims, ZhCn) => "查看我的申报",
        (SeeMyClaims, En) => "See my claims",
        (EarnMore, ZhCn) => "继续挣积分",
        (EarnMore, En) => "Earn more",
        (StartOver, ZhCn) => "清空重填",
        (StartOver, En) => "Start over",
        (RuleInactive, ZhCn) => "这个积分事项已停用，不能再申报",
        (RuleInactive, En) => "This item is no longer in use and cannot be claimed",
        (RuleNotFound, ZhCn) => "没有找到这个积分事项",
        (RuleNotFound, En) => "This item was not found",
        (AlreadySubmitted, ZhCn) => "这份申报已经提交过了，请在「我的申报」查看",
        (AlreadySubmitted, En) => "This claim was already sent. See My claims.",
        (NotAVillager, ZhCn) => "只有登记在村里的村民可以申报积分",
        (NotAVillager, En) => "Only villagers registered in a village can claim points",
        (StatusPending, ZhCn) => "待审核",
        (StatusPending, En) => "Waiting",
        (StatusApproved, ZhCn) => "已通过",
        (StatusApproved, En) => "Approved",
        (StatusRejected, ZhCn) => "未通过",
        (StatusRejected, En) => "Not approved",
        (NoClaims, ZhCn) => "还没有申报过积分，去「挣积分」试试吧",
        (NoClaims, En) => "No claims yet. Try Earn points.",
        (NoMovements, ZhCn) => "还没有积分变动",
        (NoMovements, En) => "No points have moved yet",
        (SystemActor, ZhCn) => "系统",
        (SystemActor, En) => "System",
        (BoardTitle, ZhCn) => "积分公示",
        (BoardTitle, En) => "Points board",
        (RecentMovements, ZhCn) => "最新动态",
        (RecentMovements, En) => "Recent",
        (ThisMonth, ZhCn) => "本月排行",
        (ThisMonth, En) => "This month",
        (ThisYear, ZhCn) => "本年排行",
        (ThisYear, En) => "This year",
        (NoBoardMovements, ZhCn) => "本村还没有积分变动",
        (NoBoardMovements, En) => "No points have moved in this village yet",
        (NoRanking, ZhCn) => "还没有人上榜",
        (NoRanking, En) => "Nobody is on the list yet",
        (VillageNotFound, ZhCn) => "没有找到这个村",
        (VillageNotFound, En) => "This village was not found",
        (ReviewQueue, ZhCn) => "待审核的申报",
        (ReviewQueue, En) => "Claims to review",
        (NoPendingClaims, ZhCn) => "没有待审核的申报，辛苦了",
        (NoPendingClaims, En) => "Nothing to review. Well done.",
        (Approve, ZhCn) => "通过",
        (Approve, En) => "Approve",
        (Reject, ZhCn) => "不通过",
        (Reject, En) => "Reject",
        (RejectWhy, ZhCn) => "请选择不通过的原因（村民会看到）",
        (RejectWhy, En) => "Why not? (the villager sees it)",
        (ReasonBlurry, ZhCn) => "照片不清晰",
        (ReasonBlurry, En) => "Photo not clear",
        (ReasonNotMatching, ZhCn) => "不符合积分事项",
        (ReasonNotMatching, En) => "Does not match the item",
        (ReasonDuplicate, ZhCn) => "重复申报",
        (ReasonDuplicate, En) => "Claimed twice",
        (ReasonOther, ZhCn) => "其他…",
        (ReasonOther, En) => "Other…",
        (ReasonPlaceholder, ZhCn) => "请写明原因，最多 100 字",
        (ReasonPlaceholder, En) => "Write the reason, at most 100 characters",
        (RejectConfirm, ZhCn) => "确定不通过",
        (RejectConfirm, En) => "Reject it",
        (ReasonEmpty, ZhCn) => "请选择或填写原因",
        (ReasonEmpty, En) => "Choose or write a reason",
        (ReviewCapReached, ZhCn) => "这位村民这一项今天或本月的次数已用完，不能再通过",
        (ReviewCapReached, En) => {
            "This villager has reached how often this counts today or this month; it cannot be approved"
        }
        (CannotReview, ZhCn) => "您不能审核这条申报：本人或家人的申报，或不在您负责的网格",
        (CannotReview, En) => {
            "You cannot review this claim: it is your own or your household's, or outside your grid"
        }
        (NotReviewer, ZhCn) => {
            "无权限：审核只对网格员和管理员开放。如果您有这些身份，请到「我的」切换。"
        }
        (NotReviewer, En) => {
            "No permission: only grid workers and admins review claims. If you are one, switch roles on Me."
        }
        (ClaimPhoto, ZhCn) => "申报照片",
        (ClaimPhoto, En) => "Claim photo",
        (Close, ZhCn) => "关闭",
        (Close, En) => "Close",
        (PhotoNotLoaded, ZhCn) => "照片没有加载出来",
        (PhotoNotLoaded, En) => "The photo did not load",
        (TapToZoom, ZhCn) => "点照片可放大",
        (TapToZoom, En) => "Tap a photo to enlarge it",
        (ReviewRefreshed, ZhCn) => "已由他人审核，列表已刷新",
        (ReviewRefreshed, En) => "Someone else already reviewed it; the list is refreshed",
        (EarnedTotal, ZhCn) => "累计获得",
        (EarnedTotal, En) => "Earned in all",
        (SpentTotal, ZhCn) => "累计用掉",
        (SpentTotal, En) => "Used in all",
        (Available, ZhCn) => "可用",
        (Available, En) => "Available",
        (PhotoNetwork, ZhCn) => "网络不好，照片没有传上去。照片还在，点照片上的「重试」再传一次。",
        (PhotoNetwork, En) => {
            "The network failed and a photo was not uploaded. It is still here: tap Try again on it."
        }
        (Shop, ZhCn) => "积分超市",
        (Shop, En) => "Points shop",
        (MyRedemptions, ZhCn) => "我的兑换",
        (MyRedemptions, En) => "My redemptions",
        (Scan, ZhCn) => "扫码",
        (Scan, En) => "Scan",
        (ScanRedeem, ZhCn) => "扫码兑换",
        (ScanRedeem, En) => "Scan a redemption",
        (NoShops, ZhCn) => "本村还没有积分超市",
        (NoShops, En) => "There is no points shop for your village yet",
        (NoGoods, ZhCn) => "这家超市还没有上架商品",
        (NoGoods, En) => "Nothing is on the shelves here yet",
        (GoodsPhoto, ZhCn) => "商品照片",
        (GoodsPhoto, En) => "Photo of the item",
        (MarketPrice, ZhCn) => "市场价",
        (MarketPrice, En) => "Market price",
        (Redeem, ZhCn) => "兑换",
        (Redeem, En) => "Redeem",
        (NotEnough, ZhCn) => "积分不够",
        (NotEnough, En) => "Not enough",
        (SoldOut, ZhCn) => "已兑完",
        (SoldOut, En) => "Sold out",
        (ConfirmRedeem, ZhCn) => "确认兑换",
        (ConfirmRedeem, En) => "Confirm",
        (ThinkAgain, ZhCn) => "再想想",
        (ThinkAgain, En) => "Not now",
        (Quantity, ZhCn) => "数量",
        (Quantity, En) => "Quantity",
        (Fewer, ZhCn) => "减少一件",
        (Fewer, En) => "One fewer",
        (More, ZhCn) => "增加一件",
        (More, En) => "One more",
        (UnitPrice, ZhCn) => "单价（按此刻价格）",
        (UnitPrice, En) => "Price each (as of now)",
        (PointsNeeded, ZhCn) => "共需",
        (PointsNeeded, En) => "Total",
        (BalanceNow, ZhCn) => "现有积分",
        (BalanceNow, En) => "You have",
        (BalanceAfter, ZhCn) => "兑换后剩余",
        (BalanceAfter, En) => "Left after",
        (Redeeming, ZhCn) => "正在兑换…",
        (Redeeming, En) => "Redeeming…",
        (LastTryUnknown, ZhCn) => "上次没有收到结果：请再点「确认兑换」，不会重复兑换",
        (LastTryUnknown, En) => {
            "The last try got no answer. Tap Confirm again: nothing is redeemed twice."
        }
        (RedeemNetwork, ZhCn) => "网络不好，没有收到结果。请再点「确认兑换」，不会重复兑换",
        (RedeemNetwork, En) => {
            "The network is weak and no answer came. Tap Confirm again: nothing is redeemed twice."
        }
        (RedemptionCode, ZhCn) => "兑换码",
        (RedemptionCode, En) => "Redemption code",
        (BrightenScreen, ZhCn) => "请把屏幕调亮，给超市管理员扫码",
        (BrightenScreen, En) => "Turn the screen bright and let the keeper scan it",
        (ShortCodeHint, ZhCn) => "扫不出来时，请管理员输入这 8 位码",
        (ShortCodeHint, En) => "If it does not scan, the keeper types these 8 characters",
        (Done, ZhCn) => "完成",
        (Done, En) => "Done",
        (StatusReserved, ZhCn) => "待兑换",
        (StatusReserved, En) => "To collect",
        (StatusFulfilled, ZhCn) => "已兑换",
        (StatusFulfilled, En) => "Collected",
        (StatusCancelled, ZhCn) => "已取消",
        (StatusCancelled, En) => "Cancelled",
        (StatusExpired, ZhCn) => "已过期",
        (StatusExpired, En) => "Expired",
        (ShowCode, ZhCn) => "出示兑换码",
        (ShowCode, En) => "Show the code",
        (CancelRedemption, ZhCn) => "取消兑换",
        (CancelRedemption, En) => "Cancel it",
        (CancelQuestion, ZhCn) => "确定取消这次兑换吗？积分会退回。",
        (CancelQuestion, En) => "Cancel this redemption? The points come back.",
        (CancelYes, ZhCn) => "确定取消",
        (CancelYes, En) => "Yes, cancel",
        (KeepIt, ZhCn) => "不取消",
        (KeepIt, En) => "Keep it",
        (CancelledBack, ZhCn) => "已取消，积分已退回",
        (CancelledBack, En) => "Cancelled. The points are back.",
        (NoRedemptions, ZhCn) => "还没有兑换过，去「积分超市」看看吧",
        (NoRedemptions, En) => "No redemptions yet. Have a look at the points shop.",
        (RedemptionNotFound, ZhCn) => "没有找到这个兑换单",
        (RedemptionNotFound, En) => "This redemption was not found",
        (CollectedTitle, ZhCn) => "已兑换，商品已领取",
        (CollectedTitle, En) => "Collected. Enjoy!",
        (ClosedTitle, ZhCn) => "这个兑换码已不能使用",
        (ClosedTitle, En) => "This code can no longer be used",
        (ScanHint, ZhCn) => "把村民手机上的兑换码放进框里",
        (ScanHint, En) => "Hold the villager's code inside the frame",
        (CameraStarting, ZhCn) => "正在打开相机…",
        (CameraStarting, En) => "Opening the camera…",
        (CameraUnavailable, ZhCn) => "相机打不开（没有相机或没有允许使用相机），请输入兑换码",
        (CameraUnavailable, En) => {
            "The camera cannot be opened (none, or not allowed). Type the code instead."
        }
        (NoScanner, ZhCn) => "这部手机不能直接扫码，请输入村民兑换码下面的 8 位码",
        (NoScanner, En) => {
            "This phone cannot read QR codes. Type the 8 characters under the villager's code."
        }
        (ShortCode, ZhCn) => "兑换码（8 位）",
        (ShortCode, En) => "Code (8 characters)",
        (ShortCodePlaceholder, ZhCn) => "如 ABCD2345",
        (ShortCodePlaceholder, En) => "e.g. ABCD2345",
        (LookUp, ZhCn) => "查询",
        (LookUp, En) => "Look up",
        (LookingUp, ZhCn) => "正在查询…",
        (LookingUp, En) => "Looking up…",
        (ShortCodeInvalid, ZhCn) => "兑换码是 8 位数字和大写字母（没有 0、O、1、I、L），请核对",
        (ShortCodeInvalid, En) => {
            "A code is 8 digits and capital letters (no 0, O, 1, I or L). Please check it."
        }
        (CodeNotFound, ZhCn) => "没有找到这个兑换码，请核对后重新输入；或请村民重新打开兑换码",
        (CodeNotFound, En) => {
            "No redemption has this code. Check it and type it again, or ask the villager to open the code again."
        }
        (Villager, ZhCn) => "村民",
        (Villager, En) => "Villager",
        (HandOver, ZhCn) => "确认交付",
        (HandOver, En) => "Hand over",
        (HandingOver, ZhCn) => "正在交付…",
        (HandingOver, En) => "Handing over…",
        (NotThisOne, ZhCn) => "不是这张，重新扫码",
        (NotThisOne, En) => "Not this one: scan again",
        (Handed, ZhCn) => "已兑换",
        (Handed, En) => "Handed over",
        (HandedHint, ZhCn) => "请把商品交给村民",
        (HandedHint, En) => "Give the goods to the villager",
        (NextScan, ZhCn) => "继续扫码",
        (NextScan, En) => "Scan the next",
        (ResultAlreadyFulfilled, ZhCn) => "已被兑换",
        (ResultAlreadyFulfilled, En) => "Already handed over",
        (ResultAlreadyFulfilledHint, ZhCn) => "这个兑换码已经兑换过了，不能再发放商品",
        (ResultAlreadyFulfilledHint, En) => {
            "This code was already used. Do not hand the goods over again."
        }
        (ResultExpired, ZhCn) => "已过期",
        (ResultExpired, En) => "Expired",
        (ResultExpiredHint, ZhCn) => "兑换单已过期或已取消，积分已退回村民，请村民重新兑换",
        (ResultExpiredHint, En) => {
            "The redemption expired or was cancelled and the points went back. The villager can redeem again."
        }
        (ResultNotYourShop, ZhCn) => "不是本店的兑换单",
        (ResultNotYourShop, En) => "Not this shop's redemption",
        (ResultNotYourShopHint, ZhCn) => "请村民到兑换时选的那家超市领取",
        (ResultNotYourShopHint, En) => "The villager collects at the shop they redeemed from",
        (ResultNotFoundHint, ZhCn) => "请村民重新打开兑换码再试",
        (ResultNotFoundHint, En) => "Ask the villager to open the code again",
        (NotKeeper, ZhCn) => {
            "无权限：扫码兑换只对积分超市管理员开放。如果您有这个身份，请到「我的」切换。"
        }
        (NotKeeper, En) => {
            "No permission: only points-shop keepers scan redemptions. If you are one, switch roles on Me."
        }
        (HandOverNetwork, ZhCn) => {
            "网络不好，还不知道是否交付成功。请点「确认交付」再试，不会重复扣分"
        }
        (HandOverNetwork, En) => {
            "The network is weak; it is not known whether it went through. Tap Hand over again: nothing is charged twice."
        }
        (RedeemForbidden, ZhCn) => "只有这家超市服务的村里登记的村民可以兑换",
        (RedeemForbidden, En) => {
            "Only villagers registered in a village this shop serves can redeem here"
        }
        (Recycle, ZhCn) => "回收",
        (Recycle, En) => "Recycling",
        (RecycleTitle, ZhCn) => "回收称重",
        (RecycleTitle, En) => "Weigh recyclables",
        (Today, ZhCn) => "今日",
        (Today, En) => "Today",
        (TodayTitle, ZhCn) => "今日汇总",
        (TodayTitle, En) => "Today's summary",
        (MemberCode, ZhCn) => "我的会员码",
        (MemberCode, En) => "My member code",
        (MemberCodeHint, ZhCn) => "交回收物时出示此码，给超市管理员扫码",
        (MemberCodeHint, En) => "Show this code when you bring recyclables, for the keeper to scan",
        (FindVillagerHint, ZhCn) => "扫村民的会员码，或输入村民手机号",
        (FindVillagerHint, En) => "Scan the villager's member code, or type their mobile number",
        (ScanMemberHint, ZhCn) => "把村民的会员码放进框里",
        (ScanMemberHint, En) => "Hold the villager's member code inside the frame",
        (NoScannerPhone, ZhCn) => "这部手机不能直接扫码，请输入村民手机号",
        (NoScannerPhone, En) => {
            "This phone cannot read QR codes. Type the villager's mobile number."
        }
        (VillagerPhone, ZhCn) => "村民手机号",
        (VillagerPhone, En) => "Villager's mobile number",
        (MemberNotFound, ZhCn) => "没有找到这个会员码或手机号",
        (MemberNotFound, En) => "Nobody has this member code or number",
        (NotServedVillager, ZhCn) => "这位村民不在本店服务的村，不能在这里入账",
        (NotServedVillager, En) => "This villager is not from a village this shop serves",
        (DropoffForbidden, ZhCn) => "不能入账：不能给本人或家人入账，或这位村民不在本店服务的村",
        (DropoffForbidden, En) => {
            "Not credited: not for yourself or your household, nor for a villager this shop does not serve"
        }
        (OtherVillager, ZhCn) => "换一位",
        (OtherVillager, En) => "Someone else",
        (Category, ZhCn) => "品类",
        (Category, En) => "Category",
        (Weight, ZhCn) => "重量（公斤）",
        (Weight, En) => "Weight (kg)",
        (WeightPlaceholder, ZhCn) => "如 2.35",
        (WeightPlaceholder, En) => "e.g. 2.35",
        (WeightInvalid, ZhCn) => "请输入重量，如 2.35（公斤，最多 3 位小数，最多 1000 公斤）",
        (WeightInvalid, En) => {
            "Enter the weight, e.g. 2.35 (kg, up to 3 decimals, at most 1000 kg)"
        }
        (PickCategory, ZhCn) => "请先选品类",
        (PickCategory, En) => "Choose a category first",
        (AddLine, ZhCn) => "再加一类",
        (AddLine, En) => "Add another category",
        (ThisDropoff, ZhCn) => "本次回收",
        (ThisDropoff, En) => "This drop-off",
        (NothingWeighed, ZhCn) => "请选品类并输入重量",
        (NothingWeighed, En) => "Choose a category and enter the weight",
        (Credit, ZhCn) => "确认入账",
        (Credit, En) => "Credit the points",
        (Crediting, ZhCn) => "正在入账…",
        (Crediting, En) => "Crediting…",
        (Credited, ZhCn) => "已入账",
        (Credited, En) => "Credited",
        (NextVillager, ZhCn) => "下一位",
        (NextVillager, En) => "Next villager",
        (CreditNetwork, ZhCn) => "网络不好，没有收到结果。请再点「确认入账」，不会重复入账",
        (CreditNetwork, En) => {
            "The network is weak and no answer came. Tap Credit again: nothing is credited twice."
        }
        (NoKeptShop, ZhCn) => "您还不是哪家积分超市的管理员，请联系村委会",
        (NoKeptShop, En) => {
            "You do not keep any points shop yet. Please ask your village committee."
        }
        (ChooseShop, ZhCn) => "选择超市",
        (ChooseShop, En) => "Choose the shop",
        (RedemptionsToday, ZhCn) => "兑换单",
        (RedemptionsToday, En) => "Redemptions",
        (PointsCollected, ZhCn) => "收回积分",
        (PointsCollected, En) => "Points taken in",
        (DropoffsToday, ZhCn) => "回收次数",
        (DropoffsToday, En) => "Drop-offs",
        (PointsCredited, ZhCn) => "发放积分",
        (PointsCredited, En) => "Points given",
        (GoodsHandedOut, ZhCn) => "今日兑出商品",
        (GoodsHandedOut, En) => "Goods handed out today",
        (RecyclingByCategory, ZhCn) => "今日回收",
        (RecyclingByCategory, En) => "Recyclables today",
        (NothingToday, ZhCn) => "今天还没有记录",
        (NothingToday, En) => "Nothing yet today",
        (Refresh, ZhCn) => "刷新",
        (Refresh, En) => "Refresh",
        (Remove, ZhCn) => "删除",
        (Remove, En) => "Remove",
        // Service orders (五单), ratings (好差评) and the inbox (消息).
        (Services, ZhCn) => "服务",
        (Services, En) => "Services",
        (ServicesHint, ZhCn) => "选一项服务，写清楚需要什么，志愿者会来帮您",
        (ServicesHint, En) => "Pick a service and say what you need; a volunteer will come",
        (MyOrders, ZhCn) => "我的订单",
        (MyOrders, En) => "My orders",
        (NoServiceTypes, ZhCn) => "本县还没有可点的服务",
        (NoServiceTypes, En) => "No services are offered in this county yet",
        (OrderWhat, ZhCn) => "需要帮什么忙",
        (OrderWhat, En) => "What do you need",
        (OrderWhatPlaceholder, ZhCn) => "例如：帮忙去镇上取药，下午三点前",
        (OrderWhatPlaceholder, En) => "For example: fetch my medicine from the town before 3 pm",
        (OrderWhere, ZhCn) => "在哪里",
        (OrderWhere, En) => "Where",
        (AtMyHome, ZhCn) => "我家",
        (AtMyHome, En) => "My home",
        (ElsewhereAddress, ZhCn) => "其他地点",
        (ElsewhereAddress, En) => "Somewhere else",
        (AddressPlaceholder, ZhCn) => "写下地点，例如：村委会门口",
        (AddressPlaceholder, En) => "Write the place, e.g. the village office gate",
        (SubmitOrder, ZhCn) => "提交订单",
        (SubmitOrder, En) => "Place the order",
        (OrderSent, ZhCn) => "已下单",
        (OrderSent, En) => "Order placed",
        (OrderSentHint, ZhCn) => "志愿者接单后会通知您，请留意「消息」",
        (OrderSentHint, En) => "You will be told in Messages when a volunteer takes it",
        (OrderAgain, ZhCn) => "再点一单",
        (OrderAgain, En) => "Order another",
        (OrderOpen, ZhCn) => "待接单",
        (OrderOpen, En) => "Waiting",
        (OrderClaimed, ZhCn) => "已接单",
        (OrderClaimed, En) => "Taken",
        (OrderCompleted, ZhCn) => "已完成",
        (OrderCompleted, En) => "Done",
        (OrderCancelled, ZhCn) => "已取消",
        (OrderCancelled, En) => "Cancelled",
        (NoOrders, ZhCn) => "还没有订单，去「服务」点一单吧",
        (NoOrders, En) => "No orders yet. Order one in Services.",
        (OrderNotFound, ZhCn) => "没有找到这个订单",
        (OrderNotFound, En) => "This order was not found",
        (Timeline, ZhCn) => "办理进度",
        (Timeline, En) => "Progress",
        (Orderer, ZhCn) => "点单人",
        (Orderer, En) => "Ordered by",
        (VolunteerWord, ZhCn) => "志愿者",
        (VolunteerWord, En) => "Volunteer",
        (Address, ZhCn) => "地点",
        (Address, En) => "Place",
        (CancelOrder, ZhCn) => "取消订单",
        (CancelOrder, En) => "Cancel the order",
        (RateService, ZhCn) => "评价这次服务",
        (RateService, En) => "Rate this service",
        (RateHint, ZhCn) => "点星星打分，5 颗星最满意",
        (RateHint, En) => "Tap the stars; 5 stars is best",
        (RateGood, ZhCn) => "好评",
        (RateGood, En) => "Good",
        (RateNeutral, ZhCn) => "中评",
        (RateNeutral, En) => "Fair",
        (RateBad, ZhCn) => "差评",
        (RateBad, En) => "Poor",
        (RateCommentPlaceholder, ZhCn) => "说说这次服务怎么样（可不填）",
        (RateCommentPlaceholder, En) => "How was it? (optional)",
        (SubmitRating, ZhCn) => "提交评价",
        (SubmitRating, En) => "Send the rating",
        (ChooseStars, ZhCn) => "请先点星星打分",
        (ChooseStars, En) => "Tap the stars first",
        (YourRating, ZhCn) => "评价",
        (YourRating, En) => "Rating",
        (AutoRated, ZhCn) => "7 天未评价，系统默认中评",
        (AutoRated, En) => "Not rated in 7 days: counted as fair",
        (RectificationOpen, ZhCn) => "差评已转村里整改",
        (RectificationOpen, En) => "The village is looking into this poor rating",
        (Rectified, ZhCn) => "村里已整改",
        (Rectified, En) => "The village has looked into it",
        (RectifiedRateAgain, ZhCn) => "村里已整改，您可以重新评价",
        (RectifiedRateAgain, En) => "The village has looked into it: you may rate again",
        (TasksTab, ZhCn) => "接单",
        (TasksTab, En) => "Orders",
        (OrdersAvailable, ZhCn) => "可接的订单",
        (OrdersAvailable, En) => "Orders to take",
        (MyTasks, ZhCn) => "我的任务",
        (MyTasks, En) => "My tasks",
        (ClaimOrder, ZhCn) => "接单",
        (ClaimOrder, En) => "Take it",
        (NoAvailableOrders, ZhCn) => "附近暂时没有待接的订单",
        (NoAvailableOrders, En) => "No orders waiting nearby right now",
        (NoTasks, ZhCn) => "还没有接过订单",
        (NoTasks, En) => "You have not taken any orders yet",
        (NotVolunteer, ZhCn) => "接单只对志愿者开放。如果您是志愿者，请到「我的」切换身份。",
        (NotVolunteer, En) => "Only volunteers take orders. If you are one, switch roles on Me.",
        (CompleteOrder, ZhCn) => "服务完成",
        (CompleteOrder, En) => "Mark as done",
        (CompletionNote, ZhCn) => "做了什么",
        (CompletionNote, En) => "What was done",
        (CompletionPlaceholder, ZhCn) => "例如：已把药送到王奶奶家",
        (CompletionPlaceholder, En) => "For example: brought the medicine to Grandma Wang",
        (CompletionPhoto, ZhCn) => "现场照片（可选）",
        (CompletionPhoto, En) => "A photo (optional)",
        (NoteRequired, ZhCn) => "请写几个字",
        (NoteRequired, En) => "Please write a few words",
        (Claimed, ZhCn) => "接单成功，请尽快联系点单人",
        (Claimed, En) => "It is yours: contact the person soon",
        (Completed, ZhCn) => "已完成，等待村民评价后发放积分",
        (Completed, En) => "Done; the points come once the villager rates it",
        (OrderChanged, ZhCn) => "订单状态已变化，已为您刷新",
        (OrderChanged, En) => "The order has changed; it is shown afresh",
        (Inbox, ZhCn) => "消息",
        (Inbox, En) => "Messages",
        (NoMessages, ZhCn) => "没有新消息",
        (NoMessages, En) => "No messages",
        (ServiceOrders, ZhCn) => "服务订单",
        (ServiceOrders, En) => "Service orders",
        (DispatchOrder, ZhCn) => "派单",
        (DispatchOrder, En) => "Dispatch",
        (ChooseVolunteer, ZhCn) => "派给哪位志愿者",
        (ChooseVolunteer, En) => "Which volunteer",
        (NoVolunteers, ZhCn) => "本村还没有志愿者",
        (NoVolunteers, En) => "This village has no volunteers yet",
        (Dispatched, ZhCn) => "已派单",
        (Dispatched, En) => "Dispatched",
        (Rectifications, ZhCn) => "差评整改",
        (Rectifications, En) => "Poor ratings to fix",
        (NoRectifications, ZhCn) => "没有待整改的差评",
        (NoRectifications, En) => "Nothing to fix",
        (FollowUp, ZhCn) => "整改情况",
        (FollowUp, En) => "What was done",
        (FollowUpPlaceholder, ZhCn) => "写明怎么整改的，村民和上级会看到",
        (FollowUpPlaceholder, En) => {
            "Say how it was put right; the villager and the township see it"
        }
        (CloseRectification, ZhCn) => "整改完成",
        (CloseRectification, En) => "Close it",
        (RectificationClosed, ZhCn) => "已整改",
        (RectificationClosed, En) => "Fixed",
        (WhatWasDone, ZhCn) => "服务记录",
        (WhatWasDone, En) => "Done",
        (Overview, ZhCn) => "数据概览",
        (Overview, En) => "Overview",
        (Last7Days, ZhCn) => "近7天",
        (Last7Days, En) => "7 days",
        (Last30Days, ZhCn) => "近30天",
        (Last30Days, En) => "30 days",
        (MonthSoFar, ZhCn) => "本月",
        (MonthSoFar, En) => "This month",
        (CustomRange, ZhCn) => "自定义",
        (CustomRange, En) => "Custom",
        (FromDate, ZhCn) => "开始日期",
        (FromDate, En) => "From",
        (ToDate, ZhCn) => "结束日期",
        (ToDate, En) => "To",
        (PointsIssued, ZhCn) => "发放积分",
        (PointsIssued, En) => "Issued",
        (PointsSpent, ZhCn) => "兑换积分",
        (PointsSpent, En) => "Spent",
        (PointsOutstanding, ZhCn) => "结余积分",
        (PointsOutstanding, En) => "Held",
        (Participation, ZhCn) => "参与率",
        (Participation, En) => "Taking part",
        (ByRegion, ZhCn) => "各地对比（发放积分）",
        (ByRegion, En) => "By region (points issued)",
        (ClaimsReview, ZhCn) => "申报审核",
        (ClaimsReview, En) => "Claims",
        (AverageReview, ZhCn) => "平均审核用时",
        (AverageReview, En) => "Average review",
        (OrdersPlaced, ZhCn) => "下单",
        (OrdersPlaced, En) => "Placed",
        (WithinSla, ZhCn) => "按时接单率",
        (WithinSla, En) => "Taken in time",
        (RatingsTitle, ZhCn) => "好差评",
        (RatingsTitle, En) => "Ratings",
        (RecyclingKg, ZhCn) => "回收（千克）",
        (RecyclingKg, En) => "Recycling (kg)",
        (TopRules, ZhCn) => "积分事项排行",
        (TopRules, En) => "Top rules",
        (ExportCsv, ZhCn) => "导出CSV",
        (ExportCsv, En) => "Export CSV",
        (NoData, ZhCn) => "暂无数据",
        (NoData, En) => "No data",
        (BadRange, ZhCn) => "日期不对：开始不能晚于结束，最多366天",
        (BadRange, En) => "Check the dates: from before to, at most 366 days",
    }
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
            Text::WechatSignIn,
            Text::WechatSigningIn,
            Text::WechatBindHint,
            Text::WechatExpired,
            Text::WechatUnavailable,
            Text::OrUseSms,
            Text::BackToSignIn,
            Text::TooManyCodes,
            Text::SigningIn,
            Text::Points,
            Text::MyRoles,
            Text::SignOut,
            Text::Village,
            Text::SwitchRoleHint,
            Text::CurrentRole,
            Text::Manage,
            Text::ImportVillagers,
            Text::ManageGrids,
            Text::NotStaff,
            Text::SwitchRole,
            Text::NoPermission,
            Text::SessionExpired,
            Text::TooFrequent,
            Text::InputRejected,
            Text::ImportHowTo,
            Text::ColumnsHelp,
            Text::ColName,
            Text::ColPhone,
            Text::ColVillage,
            Text::ColGrid,
            Text::ColHousehold,
            Text::ColTags,
            Text::ImportAgain,
            Text::DownloadSample,
            Text::ChooseFile,
            Text::ChooseAnother,
            Text::Upload,
            Text::Importing,
            Text::UploadFailedKept,
            Text::NotAVillagerCsv,
            Text::FileTooLarge,
            Text::ImportDone,
            Text::Created,
            Text::Updated,
            Text::Unchanged,
            Text::Rejected,
            Text::BadRows,
            Text::AllRowsGood,
            Text::ChooseTownship,
            Text::ChooseVillage,
            Text::VillageGrids,
            Text::NewGrid,
            Text::GridName,
            Text::GridNamePlaceholder,
            Text::Creating,
            Text::GridNameTaken,
            Text::GridNameInvalid,
            Text::GridNameEmpty,
            Text::AppointTitle,
            Text::GridsHint,
            Text::GridMembers,
            Text::NoMembers,
            Text::Appoint,
            Text::Appointing,
            Text::Dismiss,
            Text::DismissYes,
            Text::Cancel,
            Text::LoadMore,
            Text::AddToGrid,
            Text::FindVillager,
            Text::FindPlaceholder,
            Text::Find,
            Text::Finding,
            Text::NoVillagerFound,
            Text::MoreResults,
            Text::AlreadyInGrid,
            Text::InOtherGrid,
            Text::TickFirst,
            Text::AddingToGrid,
            Text::NotOfVillage,
            Text::PersonNotFound,
            Text::GridNotFound,
            Text::UnsupportedMedia,
            Text::PhotoRequired,
            Text::CapReached,
            Text::AlreadyReviewed,
            Text::InsufficientPoints,
            Text::OutOfStock,
            Text::LimitReached,
            Text::GoodsUnavailable,
            Text::AlreadyFulfilled,
            Text::RedemptionExpired,
            Text::NotCancellable,
            Text::AlreadyClaimed,
            Text::AlreadyRated,
            Text::Home,
            Text::Earn,
            Text::PointsHistory,
            Text::MyClaims,
            Text::VillageBoard,
            Text::Review,
            Text::ReviewClaims,
            Text::Work,
            Text::AvailablePoints,
            Text::BrowseCounty,
            Text::NoVillage,
            Text::EarnHint,
            Text::NeedsPhoto,
            Text::NoRules,
            Text::HasDraft,
            Text::Note,
            Text::NotePlaceholder,
            Text::Photos,
            Text::TakePhoto,
            Text::ChoosePhoto,
            Text::PhotoPreparing,
            Text::PhotoUploadFailed,
            Text::PhotoTooLarge,
            Text::RemovePhoto,
            Text::SubmitClaim,
            Text::Submitting,
            Text::WaitForUploads,
            Text::NeedPhotoFirst,
            Text::DraftKept,
            Text::DraftSaved,
            Text::ClaimSent,
            Text::ClaimSentHint,
            Text::SeeMyClaims,
            Text::EarnMore,
            Text::StartOver,
            Text::RuleInactive,
            Text::RuleNotFound,
            Text::AlreadySubmitted,
            Text::NotAVillager,
            Text::StatusPending,
            Text::StatusApproved,
            Text::StatusRejected,
            Text::NoClaims,
            Text::NoMovements,
            Text::SystemActor,
            Text::BoardTitle,
            Text::RecentMovements,
            Text::ThisMonth,
            Text::ThisYear,
            Text::NoBoardMovements,
            Text::NoRanking,
            Text::VillageNotFound,
            Text::ReviewQueue,
            Text::NoPendingClaims,
            Text::Approve,
            Text::Reject,
            Text::RejectWhy,
            Text::ReasonBlurry,
            Text::ReasonNotMatching,
            Text::ReasonDuplicate,
            Text::ReasonOther,
            Text::ReasonPlaceholder,
            Text::RejectConfirm,
            Text::ReasonEmpty,
            Text::ReviewCapReached,
            Text::CannotReview,
            Text::NotReviewer,
            Text::ClaimPhoto,
            Text::Close,
            Text::PhotoNotLoaded,
            Text::TapToZoom,
            Text::ReviewRefreshed,
            Text::PhotoNetwork,
            Text::EarnedTotal,
            Text::SpentTotal,
            Text::Available,
            Text::Shop,
            Text::MyRedemptions,
            Text::Scan,
            Text::ScanRedeem,
            Text::NoShops,
            Text::NoGoods,
            Text::GoodsPhoto,
            Text::MarketPrice,
            Text::Redeem,
            Text::NotEnough,
            Text::SoldOut,
            Text::ConfirmRedeem,
            Text::ThinkAgain,
            Text::Quantity,
            Text::Fewer,
            Text::More,
            Text::UnitPrice,
            Text::PointsNeeded,
            Text::BalanceNow,
            Text::BalanceAfter,
            Text::Redeeming,
            Text::LastTryUnknown,
            Text::RedeemNetwork,
            Text::RedemptionCode,
            Text::BrightenScreen,
            Text::ShortCodeHint,
            Text::Done,
            Text::StatusReserved,
            Text::StatusFulfilled,
            Text::StatusCancelled,
            Text::StatusExpired,
            Text::ShowCode,
            Text::CancelRedemption,
            Text::CancelQuestion,
            Text::CancelYes,
            Text::KeepIt,
            Text::CancelledBack,
            Text::NoRedemptions,
            Text::RedemptionNotFound,
            Text::CollectedTitle,
            Text::ClosedTitle,
            Text::ScanHint,
            Text::CameraStarting,
            Text::CameraUnavailable,
            Text::NoScanner,
            Text::ShortCode,
            Text::ShortCodePlaceholder,
            Text::LookUp,
            Text::LookingUp,
            Text::ShortCodeInvalid,
            Text::CodeNotFound,
            Text::Villager,
            Text::HandOver,
            Text::HandingOver,
            Text::NotThisOne,
            Text::Handed,
            Text::HandedHint,
            Text::NextScan,
            Text::ResultAlreadyFulfilled,
            Text::ResultAlreadyFulfilledHint,
            Text::ResultExpired,
            Text::ResultExpiredHint,
            Text::ResultNotYourShop,
            Text::ResultNotYourShopHint,
            Text::ResultNotFoundHint,
            Text::NotKeeper,
            Text::HandOverNetwork,
            Text::RedeemForbidden,
            Text::Recycle,
            Text::RecycleTitle,
            Text::Today,
            Text::TodayTitle,
            Text::MemberCode,
            Text::MemberCodeHint,
            Text::FindVillagerHint,
            Text::ScanMemberHint,
            Text::NoScannerPhone,
            Text::VillagerPhone,
            Text::MemberNotFound,
            Text::NotServedVillager,
            Text::DropoffForbidden,
            Text::OtherVillager,
            Text::Category,
            Text::Weight,
            Text::WeightPlaceholder,
            Text::WeightInvalid,
            Text::PickCategory,
            Text::AddLine,
            Text::ThisDropoff,
            Text::NothingWeighed,
            Text::Credit,
            Text::Crediting,
            Text::Credited,
            Text::NextVillager,
            Text::CreditNetwork,
            Text::NoKeptShop,
            Text::ChooseShop,
            Text::RedemptionsToday,
            Text::PointsCollected,
            Text::DropoffsToday,
            Text::PointsCredited,
            Text::GoodsHandedOut,
            Text::RecyclingByCategory,
            Text::NothingToday,
            Text::Refresh,
            Text::Remove,
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
