//! `jifen simulate`: a period of the demo county's life, driven through the public HTTP API of
//! a running server, as its people would use it.
//!
//! Each simulated day every village (many at once, `--concurrency`) lives through the same
//! script, its choices drawn from `--seed`:
//! 1. about one villager in ten claims points for a good deed of the village's rules, with a
//!    photo (a small generated JPEG, different every time) — a claim the rule's cap refuses is
//!    part of life, counted as `capped`;
//! 2. the grid workers go through their queue: they approve 85 in 100 and reject the rest
//!    with a reason;
//! 3. about one in twenty redeems goods they can afford at their supermarket: the keeper
//!    scans the QR code and hands over 8 times in 10; the villager cancels 1 in 10; the last
//!    are left to lapse (the server's sweep voids them after `JIFEN_REDEMPTION_TTL_HOURS`);
//! 4. about one in thirty brings sorted recyclables that the keeper weighs (one to three
//!    categories, 0.2–8 kg each), naming the villager by phone;
//! 5. a volunteer first takes the orders still waiting from earlier days
//!    (`GET /services/orders/available`); then about one in sixty villagers orders a service,
//!    and a volunteer of the village (never one of their own household) claims and completes it
//!    — one order in six waits until another day. The villager rates it (mostly 好评, some
//!    差评); a 差评's rectification is closed by the village admin and the villager rates again.
//!
//! Time is compressed: a day takes as long as its requests. Counting caps and redemption
//! expiry still run on the server's real clock, so daily caps refuse a villager's second claim
//! of a rule on "another" day of the same real day — which is why `capped` is expected.
//!
//! Signing in is not simulated: the tool runs beside the server with the same configuration
//! and signs short access tokens with the deployment's key (`JIFEN_JWT_SECRET` or
//! `<data dir>/secrets/jwt.key`), as `POST /auth/password` or an SMS code would give them. It
//! reads who lives where from the database, and at the end checks the ledger's invariants over
//! the whole database ([`crate::ledger::check_invariants`]) and prints a summary per township.
//! Every answer the script did not expect is counted and its first instances printed; the
//! command fails if there were any, or if an invariant is broken.
//!
//! **Faults on the way.** A request whose connection fails, or that a load balancer answers
//! 502/503/504 (an instance killed behind it), is sent again after a short pause — up to
//! [`ATTEMPTS`] times, a write with the same `Idempotency-Key` — as the PWA does. A write
//! without a key sent again may meet what its first attempt already did (a claim already
//! approved): a 409 then counts as `retried`, not as unexpected.
//!
//! **Durability.** Every 2xx answer to a write with an `Idempotency-Key` is kept, and at the
//! end each must be in the database as it was answered (the stored response is committed with
//! the change: `crate::http::idempotency`): any missing or different is a `lost` write and
//! fails the run. With `--also-url` (other instances of the same deployment), every photo
//! uploaded is then read back from the run's server and each of those, byte for byte by its
//! SHA-256; a miss fails the run.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use jifen_shared::api::{
    ApproveClaim, AvailableOrders, CancelRedemption, ClaimOrder, CloseRectificationOf,
    CompleteOrder, CreateClaim, CreateOrder, DropOff, Endpoint, FulfilRedemption, GetBalance,
    GetMe, Identify, ListCategories, ListGoods, ListRectifications, ListRules, ListServiceTypes,
    RateOrder, RejectClaimOf, ReportOverview, Reserve, ReviewQueue, Scan, UploadMedia,
};
use jifen_shared::auth::Role;
use jifen_shared::points::{NewClaim, RejectClaim, ReviewQuery, RulesQuery};
use jifen_shared::recycling::{
    CategoriesQuery, DropoffLine, IdentifyRequest, NewDropoff, VillagerRef,
};
use jifen_shared::reports::OverviewQuery;
use jifen_shared::services::{
    CloseRectification, Completion, NewOrder, NewRating, RectificationsQuery, TypesQuery,
};
use jifen_shared::shop::{NewRedemption, RedemptionLine, ScanRequest};
use jifen_shared::{ErrorCode, PageQuery};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};

use crate::auth::keys::Keys;
use crate::client::{Answer, ApiClient};
use crate::storage::Db;

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimulateOptions {
    /// The server, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
    /// Simulated days (1–366).
    pub days: u32,
    /// Villages living their day at once (1–1,000).
    pub concurrency: usize,
    pub seed: u64,
    /// Only the first this many villages with people (code order); `None`: all.
    pub villages: Option<usize>,
    /// Other servers of the same deployment (`http://host:port`) that must serve every photo
    /// uploaded during the run.
    pub also_urls: Vec<String>,
}

/// One township's figures, as the script saw them (points as the server answered them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TownshipTally {
    pub name: String,
    pub claims: u64,
    pub approved: u64,
    pub rejected: u64,
    pub capped: u64,
    /// Points credited by approved claims, drop-offs and service rewards.
    pub issued: i64,
    pub redemptions: u64,
    pub fulfilled: u64,
    pub cancelled: u64,
    /// Left to lapse.
    pub lapsing: u64,
    /// Points of the redemptions handed over.
    pub spent: i64,
    pub dropoffs: u64,
    pub recycled_grams: i64,
    pub orders: u64,
    pub completed: u64,
    /// 好评, 中评, 差评 (each rating given, a re-rating after 整改 included).
    pub ratings: [u64; 3],
    pub rectified: u64,
}

/// What [`run`] did.
#[derive(Debug, Clone)]
pub struct SimulationReport {
    pub days: u32,
    pub villages: usize,
    pub villagers: usize,
    pub townships: BTreeMap<String, TownshipTally>,
    pub requests: u64,
    pub elapsed: Duration,
    /// Each township's points as the server reports them, by township code.
    pub server: BTreeMap<String, ServerFigures>,
    /// Answers the script did not expect: count, and the first few as `METHOD path → status body`.
    pub unexpected: u64,
    pub unexpected_samples: Vec<String>,
    /// Broken ledger invariants (none, or the run failed).
    pub invariant_violations: Vec<String>,
    /// Requests sent again after a failed connection or a gateway's 502/503/504.
    pub retried: u64,
    /// 2xx answers to keyed writes, all checked against the database at the end.
    pub durable_checked: u64,
    /// Of those, the ones missing from the database or stored differently.
    pub lost: u64,
    /// The first few lost writes: person, key, what was answered and what is stored.
    pub lost_samples: Vec<String>,
    /// Photo reads checked (photos × servers, with `--also-url`).
    pub photos_checked: u64,
    /// Reads that failed or answered other bytes than uploaded.
    pub photo_misses: u64,
    /// The first few of them: photo, server, what came back.
    pub photo_miss_samples: Vec<String>,
}

impl SimulationReport {
    /// Whether the run went as expected: no unexpected answer, no broken invariant, no lost
    /// write, no photo missing on a server.
    pub fn ok(&self) -> bool {
        self.unexpected == 0
            && self.invariant_violations.is_empty()
            && self.lost == 0
            && self.photo_misses == 0
    }

    /// Requests per second over the whole run.
    pub fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-3)
    }

    /// All townships added up.
    pub fn total(&self) -> TownshipTally {
        let mut t = TownshipTally {
            name: "合计 total".into(),
            ..TownshipTally::default()
        };
        self.townships.values().for_each(|x| add(&mut t, x));
        t
    }

    /// The summary table, one line per township and the total: the points columns as the
    /// server's overview reports them, the rest as the script counted.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "points (issued, spent, outstanding; joined: villagers who earned) as the server's \
             overview reports them for the last 30 county days; the other columns count this run\n",
        );
        out += &format!(
            "{:<14}{:>9}{:>8}{:>12}{:>8}  {:<22}{:<28}{:<14}{:<16}{}\n",
            "township",
            "issued",
            "spent",
            "outstanding",
            "joined",
            "claims (ok/no/capped)",
            "redeemed (ok/cancel/lapse)",
            "orders (done)",
            "ratings 好/中/差",
            "recycled kg"
        );
        let mut line = |name: &str, server: &ServerFigures, t: &TownshipTally| {
            let cell = |a: u64, rest: String| format!("{a} ({rest})");
            out.push_str(&format!(
                "{:<14}{:>9}{:>8}{:>12}{:>7.1}%  {:<22}{:<28}{:<14}{:<16}{:.1}\n",
                name,
                server.issued,
                server.spent,
                server.outstanding,
                server.participation.unwrap_or(0.0) * 100.0,
                cell(
                    t.claims,
                    format!("{}/{}/{}", t.approved, t.rejected, t.capped)
                ),
                cell(
                    t.redemptions,
                    format!("{}/{}/{}", t.fulfilled, t.cancelled, t.lapsing)
                ),
                cell(t.orders, t.completed.to_string()),
                format!("{}/{}/{}", t.ratings[0], t.ratings[1], t.ratings[2]),
                t.recycled_grams as f64 / 1000.0
            ));
        };
        let mut all = ServerFigures::default();
        let (mut villagers, mut earners) = (0, 0);
        for (code, t) in &self.townships {
            let server = self.server.get(code).cloned().unwrap_or_default();
            line(&t.name, &server, t);
            all.issued += server.issued;
            all.spent += server.spent;
            all.outstanding += server.outstanding;
            villagers += server.villagers;
            earners += server.earners;
        }
        all.participation = (villagers > 0).then(|| earners as f64 / villagers as f64);
        all.villagers = villagers;
        all.earners = earners;
        line("合计 total", &all, &self.total());
        out
    }
}

/// A township's points as the server's overview reports them
/// (`GET /admin/reports/overview?region_code=410783`, its `regions` table, the default last 30
/// county days).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerFigures {
    pub issued: i64,
    pub spent: i64,
    /// Held by the township's villagers at the end of the period.
    pub outstanding: i64,
    pub villagers: i64,
    /// Villagers who earned points in the period.
    pub earners: i64,
    /// `earners / villagers`.
    pub participation: Option<f64>,
}

/// The people of one village, as the script (and `jifen-bench`) plays them.
#[derive(Debug, Clone)]
pub struct Village {
    /// The village's 12-digit code.
    pub code: String,
    pub township: String,
    /// (person id, national phone, household).
    pub villagers: Vec<(i64, String, Option<String>)>,
    /// Volunteers, by person id (villagers too).
    pub volunteers: Vec<i64>,
    pub grid_workers: Vec<i64>,
    pub admin: Option<i64>,
    /// The shop serving the village and one of its keepers.
    pub shop: Option<(i64, i64)>,
}

/// Runs the simulation (see the module docs).
///
/// Errors: options out of range, the server unreachable, the database unreadable. Unexpected
/// answers do not stop the run; they are in the report.
pub async fn run(
    db: &Db,
    keys: &Keys,
    options: &SimulateOptions,
) -> anyhow::Result<SimulationReport> {
    if !(1..=366).contains(&options.days) {
        anyhow::bail!("--days: from 1 to 366");
    }
    if !(1..=1000).contains(&options.concurrency) {
        anyhow::bail!("--concurrency: from 1 to 1000");
    }
    let villages = cast(db, options.villages).await?;
    if villages.is_empty() {
        anyhow::bail!("nobody lives in the database: run `jifen seed-demo` first");
    }
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(options.concurrency.max(8))
        .build()?;
    let api = Arc::new(Api {
        client: ApiClient::new(client, options.base_url.as_str()),
        keys: keys.clone(),
        tokens: Mutex::new(HashMap::new()),
        requests: AtomicU64::new(0),
        unexpected: AtomicU64::new(0),
        samples: Mutex::new(Vec::new()),
        photos: AtomicU64::new(rand::random()),
        run: format!("{:08x}", rand::random::<u32>()),
        retried: AtomicU64::new(0),
        answered: Mutex::new(Vec::new()),
        uploaded: Mutex::new(Vec::new()),
    });
    // The run's server and every other one named must answer before anything is written.
    for url in std::iter::once(&options.base_url).chain(&options.also_urls) {
        let parsed = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        if parsed.is_none() {
            anyhow::bail!("{url:?} is not an http(s)://host:port URL");
        }
        let ready = format!("{}/readyz", url.trim_end_matches('/'));
        api.client
            .http()
            .get(&ready)
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .with_context(|| format!("{ready} does not answer"))?;
    }
    // The server must take the tokens signed here: same data directory or JIFEN_JWT_SECRET.
    let me = api
        .call(&GetMe, Some(villages[0].villagers[0].0), None, &[200])
        .await?;
    if me.status != 200 {
        anyhow::bail!(
            "{} refuses the tokens signed with this configuration's key ({}): run \
             simulate with the server's JIFEN_DATA_DIR or JIFEN_JWT_SECRET",
            options.base_url,
            me.status
        );
    }
    let mut names = BTreeMap::new();
    for v in &villages {
        if !names.contains_key(&v.township) {
            let name = crate::regions::storage::find(db, &v.township)
                .await?
                .map(|r| r.name)
                .unwrap_or_default();
            names.insert(v.township.clone(), name);
        }
    }
    let tallies: Arc<Mutex<BTreeMap<String, TownshipTally>>> = Arc::new(Mutex::new(
        names
            .iter()
            .map(|(code, name)| {
                (
                    code.clone(),
                    TownshipTally {
                        name: name.clone(),
                        ..TownshipTally::default()
                    },
                )
            })
            .collect(),
    ));
    let started = Instant::now();
    let villages: Vec<Arc<Village>> = villages.into_iter().map(Arc::new).collect();
    let limit = Arc::new(tokio::sync::Semaphore::new(options.concurrency));
    for day in 0..options.days {
        let mut set = tokio::task::JoinSet::new();
        for (i, village) in villages.iter().enumerate() {
            let (api, village, tallies, limit) =
                (api.clone(), village.clone(), tallies.clone(), limit.clone());
            let seed = options.seed ^ (u64::from(day) << 32) ^ i as u64;
            set.spawn(async move {
                let _permit = limit.acquire_owned().await;
                let mut tally = TownshipTally::default();
                let mut rng = StdRng::seed_from_u64(seed);
                live_a_day(&api, &village, &mut rng, &mut tally).await;
                let mut all = tallies.lock().expect("tallies");
                add(all.entry(village.township.clone()).or_default(), &tally);
            });
        }
        while let Some(done) = set.join_next().await {
            done.context("a village's day panicked")?;
        }
        // Progress on standard error; the summary goes to standard output.
        let requests = api.requests.load(Ordering::Relaxed);
        eprintln!(
            "day {}/{}: {requests} requests, {:.0} requests/s, {} unexpected",
            day + 1,
            options.days,
            requests as f64 / started.elapsed().as_secs_f64().max(1e-3),
            api.unexpected.load(Ordering::Relaxed)
        );
    }
    let elapsed = started.elapsed();
    let server = server_figures(db, &api).await?;
    let invariant_violations = crate::ledger::check_invariants(db).await?;
    let answered = std::mem::take(&mut *api.answered.lock().expect("answered"));
    let (mut lost, mut lost_samples) = (0, Vec::new());
    for (person, key, status, body) in &answered {
        let stored = crate::http::idempotency::stored(db, *person, key).await?;
        let same = stored
            .as_ref()
            .is_some_and(|s| s.status == *status && s.body == *body);
        if same {
            continue;
        }
        lost += 1;
        if lost_samples.len() < SAMPLES {
            lost_samples.push(match stored {
                None => {
                    format!("person {person}, key {key}: answered {status}, not in the database")
                }
                Some(s) => format!(
                    "person {person}, key {key}: answered {status} {body}, stored {} {}",
                    s.status, s.body
                ),
            });
        }
    }
    let (photos_checked, photo_misses, photo_miss_samples) =
        check_photos(&api, &options.also_urls).await;
    let townships = tallies.lock().expect("tallies").clone();
    Ok(SimulationReport {
        days: options.days,
        villages: villages.len(),
        villagers: villages.iter().map(|v| v.villagers.len()).sum(),
        townships,
        requests: api.requests.load(Ordering::Relaxed),
        elapsed,
        server,
        unexpected: api.unexpected.load(Ordering::Relaxed),
        unexpected_samples: api.samples.lock().expect("samples").clone(),
        invariant_violations,
        retried: api.retried.load(Ordering::Relaxed),
        durable_checked: answered.len() as u64,
        lost,
        lost_samples,
        photos_checked,
        photo_misses,
        photo_miss_samples,
    })
}

fn add(to: &mut TownshipTally, t: &TownshipTally) {
    to.claims += t.claims;
    to.approved += t.approved;
    to.rejected += t.rejected;
    to.capped += t.capped;
    to.issued += t.issued;
    to.redemptions += t.redemptions;
    to.fulfilled += t.fulfilled;
    to.cancelled += t.cancelled;
    to.lapsing += t.lapsing;
    to.spent += t.spent;
    to.dropoffs += t.dropoffs;
    to.recycled_grams += t.recycled_grams;
    to.orders += t.orders;
    to.completed += t.completed;
    for i in 0..3 {
        to.ratings[i] += t.ratings[i];
    }
    to.rectified += t.rectified;
}

/// Each township's points from the county overview, read as the demo county admin.
async fn server_figures(db: &Db, api: &Api) -> anyhow::Result<BTreeMap<String, ServerFigures>> {
    let admin = crate::auth::storage::account_by_phone(db, &format!("+86{}", super::phone(0, 1)))
        .await?
        .context("the demo county admin (run `jifen seed-demo`)")?;
    let overview = ReportOverview {
        query: OverviewQuery {
            region_code: super::COUNTY.into(),
            ..OverviewQuery::default()
        },
    };
    let overview = api.call(&overview, Some(admin.id), None, &[200]).await?;
    Ok(overview
        .value
        .map(|o| o.regions)
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                r.region_code,
                ServerFigures {
                    issued: r.issued,
                    spent: r.spent,
                    outstanding: r.outstanding,
                    villagers: r.villagers,
                    earners: r.earners,
                    participation: r.participation,
                },
            )
        })
        .collect())
}

/// Who lives in each village with people, from the database (code order): the first
/// `wanted` villages, or all.
///
/// Errors: the database cannot be read.
pub async fn cast(db: &Db, wanted: Option<usize>) -> anyhow::Result<Vec<Village>> {
    let mut villages = Vec::new();
    for township in crate::regions::storage::children(db, super::COUNTY).await? {
        for village in crate::regions::storage::children(db, &township.code).await? {
            if villages.len() >= wanted.unwrap_or(usize::MAX) {
                return Ok(villages);
            }
            villages.extend(cast_village(db, &township.code, &village.code).await?);
        }
    }
    Ok(villages)
}

/// Who lives in the village `code` of `township`: `None` when no villager does.
///
/// Errors: the database cannot be read.
pub async fn cast_village(db: &Db, township: &str, code: &str) -> anyhow::Result<Option<Village>> {
    use crate::people::storage::{PeopleFilter, list};
    let people = list(
        db,
        &PeopleFilter {
            region: code,
            phone: None,
            name_part: None,
            closed: false,
            after_id: 0,
            limit: 100_000,
        },
    )
    .await?;
    if people.is_empty() {
        return Ok(None);
    }
    let roles = crate::auth::storage::roles_of_many(db, people.iter().map(|p| p.id)).await?;
    let has = |id: i64, role: Role| {
        roles
            .get(&id)
            .is_some_and(|g| g.iter().any(|g| g.role == role))
    };
    let mut v = Village {
        code: code.to_owned(),
        township: township.to_owned(),
        villagers: Vec::new(),
        volunteers: Vec::new(),
        grid_workers: Vec::new(),
        admin: None,
        shop: None,
    };
    for p in &people {
        // Villagers without a phone never sign in: proxies act for them, not the simulation.
        if has(p.id, Role::Villager)
            && p.village_code.as_deref() == Some(code)
            && let Some(phone) = &p.phone
        {
            let national = phone.trim_start_matches("+86").to_owned();
            v.villagers.push((p.id, national, p.household.clone()));
            if has(p.id, Role::Volunteer) {
                v.volunteers.push(p.id);
            }
        }
        if has(p.id, Role::GridWorker) {
            v.grid_workers.push(p.id);
        }
        if has(p.id, Role::VillageAdmin) {
            v.admin = Some(p.id);
        }
    }
    let region = jifen_shared::regions::RegionCode::parse(code)?;
    if let Some(shop) = crate::shop::shops_for(db, &region).await?.first() {
        let mut tx = db.reader().begin().await?;
        let keepers = crate::shop::storage::keeper_ids(&mut tx, shop.id).await?;
        tx.rollback().await?;
        if let Some(keeper) = keepers.first() {
            v.shop = Some((shop.id, *keeper));
        }
    }
    Ok((!v.villagers.is_empty()).then_some(v))
}

/// The HTTP side: the client, tokens and the counts of requests and surprises.
struct Api {
    client: ApiClient,
    keys: Keys,
    /// Access tokens by person id, with when they were signed.
    tokens: Mutex<HashMap<i64, (String, Instant)>>,
    requests: AtomicU64,
    unexpected: AtomicU64,
    samples: Mutex<Vec<String>>,
    /// A counter making every generated photo different.
    photos: AtomicU64,
    /// This run's prefix of Idempotency-Keys (random).
    run: String,
    /// Requests sent again.
    retried: AtomicU64,
    /// The 2xx answers to keyed writes: (person, key, status, body).
    answered: Mutex<Vec<(i64, String, u16, serde_json::Value)>>,
    /// The photos uploaded: (uploader, id, SHA-256 as answered).
    uploaded: Mutex<Vec<(i64, i64, String)>>,
}

/// How many times a request is sent at most (the first time included).
const ATTEMPTS: u32 = 6;

/// Whether `status` is a gateway's or an overloaded server's answer worth sending again.
fn is_transient(status: u16) -> bool {
    matches!(status, 502..=504)
}

/// The pause before attempt `attempt` (2, 3, …): 250 ms doubling, at most 4 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250 << (attempt - 2).min(4))
}

/// Unexpected answers printed at most.
const SAMPLES: usize = 20;

/// An answer as the script reads it.
struct Reply<E: Endpoint> {
    status: u16,
    /// The declared answer of a success; `None` for a refusal.
    value: Option<E::Response>,
    answer: Answer<E>,
}

impl Api {
    /// An access token of `person` (signed again after 10 of its 15 minutes).
    fn token(&self, person: i64) -> String {
        let mut tokens = self.tokens.lock().expect("tokens");
        match tokens.get(&person) {
            Some((token, at)) if at.elapsed() < Duration::from_secs(600) => token.clone(),
            _ => {
                let token = crate::auth::sign_access(&self.keys, person)
                    .expect("signing with a loaded key");
                tokens.insert(person, (token.clone(), Instant::now()));
                token
            }
        }
    }

    /// Sends one request to `endpoint` as `person` (or nobody), with its body if it has one;
    /// an answer outside `expected` is counted as unexpected.
    async fn call<E: Endpoint>(
        &self,
        endpoint: &E,
        person: Option<i64>,
        body: Option<&E::Body>,
        expected: &[u16],
    ) -> anyhow::Result<Reply<E>> {
        self.send(endpoint, person, body, None, expected).await
    }

    /// [`Api::call`] with an `Idempotency-Key`: sent again with the same key (up to
    /// [`ATTEMPTS`] times in all, after [`backoff`]) when the connection fails or a gateway
    /// answers 502–504, as the PWA does; a request without a key likewise (see the module
    /// docs for the 409 it may then meet). Every 2xx answer to a keyed write is kept for the
    /// durability check.
    async fn send<E: Endpoint>(
        &self,
        endpoint: &E,
        person: Option<i64>,
        body: Option<&E::Body>,
        key: Option<&str>,
        expected: &[u16],
    ) -> anyhow::Result<Reply<E>> {
        debug_assert_eq!(key.is_some(), E::IDEMPOTENT, "{}", E::TEMPLATE);
        let token = person.map(|person| self.token(person));
        // Built anew for each attempt, with the same key.
        let build = || {
            let mut request = self.client.request(endpoint).maybe_token(token.as_deref());
            if let Some(key) = key {
                request = request.idempotency_key(key);
            }
            if let Some(body) = body {
                request = request.body(body);
            }
            Ok(request)
        };
        let (answer, attempts) = self.send_until_answered(build).await?;
        if let (Some(key), Some(person)) = (key, person)
            && answer.is_success()
        {
            let body = serde_json::from_slice(&answer.body).unwrap_or(serde_json::Value::Null);
            self.answered.lock().expect("answered").push((
                person,
                key.to_owned(),
                answer.status,
                body,
            ));
        }
        // A write without a key, sent again, may find its first attempt done.
        let expected: Vec<u16> = if attempts > 1 && key.is_none() {
            expected.iter().copied().chain([409]).collect()
        } else {
            expected.to_vec()
        };
        Ok(self.read(endpoint, answer, &expected))
    }

    /// Sends the request `build` makes, and makes and sends it again after [`backoff`] when
    /// the connection fails or a gateway answers 502–504, up to [`ATTEMPTS`] times in all
    /// (each attempt counted in `requests`, each repeat in `retried`): the answer, and how
    /// many attempts it took.
    ///
    /// Errors: `build`'s; the last attempt's connection failure.
    async fn send_until_answered<E: Endpoint>(
        &self,
        build: impl Fn() -> anyhow::Result<crate::client::Request<E>>,
    ) -> anyhow::Result<(Answer<E>, u32)> {
        let mut attempt = 1;
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let sent = build()?.send().await;
            let why = match &sent {
                Ok(answer) if !is_transient(answer.status) => None,
                Ok(answer) => Some(answer.status.to_string()),
                Err(e) => Some(e.to_string()),
            };
            match why {
                Some(why) if attempt < ATTEMPTS => {
                    tracing::warn!(error = %why, path = E::TEMPLATE, attempt, "sending again");
                    self.retried.fetch_add(1, Ordering::Relaxed);
                    attempt += 1;
                    tokio::time::sleep(backoff(attempt)).await;
                }
                _ => return Ok((sent?, attempt)),
            }
        }
    }

    /// Counts `answer` as unexpected when its status is not `expected`, or when a success
    /// expected is not the declared answer.
    fn read<E: Endpoint>(&self, endpoint: &E, answer: Answer<E>, expected: &[u16]) -> Reply<E> {
        let status = answer.status;
        let what = || format!("{} {} → {status}", E::METHOD.as_str(), endpoint.path());
        if !expected.contains(&status) {
            let text: String = answer.text().chars().take(300).collect();
            self.surprise(format!("{} {text}", what()));
        }
        let value = match answer.decode() {
            Ok(value) => Some(value),
            Err(refused) => {
                if answer.is_success() && expected.contains(&status) {
                    self.surprise(format!(
                        "{}: not the declared answer: {}",
                        what(),
                        refused.body
                    ));
                }
                None
            }
        };
        Reply {
            status,
            value,
            answer,
        }
    }

    /// Whether an expected refusal carries one of the error `codes`; another code is counted
    /// as unexpected (a 409 `insufficient_points` right after reading the balance would be a
    /// bug, not life).
    fn expect_code<E: Endpoint>(&self, reply: &Reply<E>, codes: &[ErrorCode]) -> bool {
        let expected = reply
            .answer
            .code()
            .is_some_and(|code| codes.contains(&code));
        if !expected {
            self.surprise(format!("{} → {}", E::TEMPLATE, reply.answer.json()));
        }
        expected
    }

    /// Counts an unexpected answer, keeping the first [`SAMPLES`] of them.
    fn surprise(&self, sample: String) {
        self.unexpected.fetch_add(1, Ordering::Relaxed);
        let mut samples = self.samples.lock().expect("samples");
        if samples.len() < SAMPLES {
            samples.push(sample);
        }
    }

    /// Uploads a small generated photo as `person`; its id.
    async fn photo(&self, person: i64) -> anyhow::Result<Option<i64>> {
        let n = self.photos.fetch_add(1, Ordering::Relaxed);
        let jpeg = photo_bytes(n)?;
        // A multipart form cannot be copied: built anew for each attempt.
        let upload = || {
            let part = reqwest::multipart::Part::bytes(jpeg.clone())
                .file_name("photo.jpg")
                .mime_str("image/jpeg")?;
            let form = reqwest::multipart::Form::new().part("file", part);
            Ok(self
                .client
                .request(&UploadMedia)
                .token(&self.token(person))
                .multipart(form))
        };
        let (answer, _) = self.send_until_answered(upload).await?;
        let reply = self.read(&UploadMedia, answer, &[200, 201]);
        let media = reply.value.filter(|_| matches!(reply.status, 200 | 201));
        if let Some(media) = &media {
            self.uploaded
                .lock()
                .expect("uploaded")
                .push((person, media.id, media.sha256.clone()));
        }
        Ok(media.map(|media| media.id))
    }
}

/// Reads every photo of the run back from the run's server and each of `also`, comparing
/// its SHA-256 with the upload's answer: (reads checked, failed, the first failures).
/// Nothing to do without `also` (the run's own server served them all along).
async fn check_photos(api: &Api, also: &[String]) -> (u64, u64, Vec<String>) {
    if also.is_empty() {
        return (0, 0, Vec::new());
    }
    use sha2::Digest;
    let uploaded = api.uploaded.lock().expect("uploaded").clone();
    let mut servers = vec![api.client.clone()];
    servers.extend(
        also.iter()
            .map(|url| ApiClient::new(api.client.http().clone(), url.as_str())),
    );
    let (mut checked, mut misses, mut samples) = (0, 0, Vec::new());
    for (person, id, sha256) in uploaded {
        for server in &servers {
            checked += 1;
            let endpoint = jifen_shared::api::GetMedia { id };
            let read = || Ok(server.request(&endpoint).token(&api.token(person)));
            let got = match api.send_until_answered(read).await {
                Ok((a, _)) if a.status == 200 => hex::encode(sha2::Sha256::digest(&a.body)),
                Ok((a, _)) => format!("status {}", a.status),
                Err(e) => e.to_string(),
            };
            if got != sha256 {
                misses += 1;
                if samples.len() < SAMPLES {
                    let url = server.url(&jifen_shared::api::GetMedia { id });
                    samples.push(format!("photo {id} at {url}: {got}"));
                }
            }
        }
    }
    (checked, misses, samples)
}

/// A 64 × 48 JPEG whose pixels depend on `n`, so no two photos are the same picture (the
/// review would flag a reused one).
fn photo_bytes(n: u64) -> anyhow::Result<Vec<u8>> {
    let mut img = image::RgbImage::new(64, 48);
    let mut state = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for pixel in img.pixels_mut() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let b = state.to_le_bytes();
        *pixel = image::Rgb([b[0], b[1], b[2]]);
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img)?;
    Ok(out)
}

/// A fresh Idempotency-Key: the run's own prefix (the same seed run twice must not replay the
/// first run's requests) and a draw of the village's generator.
fn key(api: &Api, rng: &mut StdRng) -> String {
    format!("sim-{}-{:016x}", api.run, rng.random::<u64>())
}

/// Villagers drawn for an activity: each with probability `p`, at least one in a village when
/// `p × villagers ≥ 0.5` on average (rounded).
fn pick<'a, T>(rng: &mut StdRng, all: &'a [T], p: f64) -> Vec<&'a T> {
    let mut n = (all.len() as f64 * p).floor() as usize;
    if rng.random_bool((all.len() as f64 * p).fract().clamp(0.0, 1.0)) {
        n += 1;
    }
    let mut chosen: Vec<&T> = all.iter().collect();
    chosen.shuffle(rng);
    chosen.truncate(n);
    chosen
}

/// One village's day (see the module docs). Transport failures are counted as unexpected.
async fn live_a_day(api: &Api, village: &Village, rng: &mut StdRng, tally: &mut TownshipTally) {
    if let Err(e) = try_live_a_day(api, village, rng, tally).await {
        api.surprise(format!("{}: {e:#}", village.code));
    }
}

async fn try_live_a_day(
    api: &Api,
    village: &Village,
    rng: &mut StdRng,
    tally: &mut TownshipTally,
) -> anyhow::Result<()> {
    let first = village.villagers[0].0;
    let catalogue = ListRules {
        query: RulesQuery {
            village_code: village.code.clone(),
        },
    };
    let rules: Vec<(i64, i64)> = api
        .call(&catalogue, Some(first), None, &[200])
        .await?
        .value
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.active && r.points > 0)
        .map(|r| (r.id, r.points))
        .collect();

    // 1. Claims.
    for (villager, _, _) in pick(rng, &village.villagers, 0.10) {
        let Some((rule, _)) = rules.choose(rng).copied() else {
            break;
        };
        let photo = api.photo(*villager).await?;
        let claim = NewClaim {
            rule_id: rule,
            note: "已完成，请审核".into(),
            photo_ids: photo.into_iter().collect(),
        };
        let reply = api
            .send(
                &CreateClaim,
                Some(*villager),
                Some(&claim),
                Some(&key(api, rng)),
                &[200, 201, 409],
            )
            .await?;
        match reply.status {
            200 | 201 => tally.claims += 1,
            _ if api.expect_code(&reply, &[ErrorCode::CapReached]) => tally.capped += 1,
            _ => {}
        }
    }

    // 2. Reviews by the grid workers (the village admin where a grid has none).
    let reviewers: Vec<i64> = match village.grid_workers.is_empty() {
        true => village.admin.into_iter().collect(),
        false => village.grid_workers.clone(),
    };
    let pending = ReviewQueue {
        query: ReviewQuery {
            status: Some("pending".into()),
            limit: Some(100),
            cursor: None,
        },
    };
    for reviewer in reviewers {
        let queue = api.call(&pending, Some(reviewer), None, &[200]).await?;
        for claim in queue.value.map(|page| page.items).unwrap_or_default() {
            if rng.random_bool(0.85) {
                // The villager's cap, counted again at approval, may be full by now.
                let reply = api
                    .call(
                        &ApproveClaim { id: claim.id },
                        Some(reviewer),
                        None,
                        &[200, 409],
                    )
                    .await?;
                if reply.status == 409 {
                    api.expect_code(&reply, &[ErrorCode::CapReached]);
                }
                if reply.status == 200 {
                    tally.approved += 1;
                    tally.issued += claim.points;
                }
            } else {
                let reason = RejectClaim {
                    reason: "照片看不清，请重新拍摄".into(),
                };
                let reply = api
                    .call(
                        &RejectClaimOf { id: claim.id },
                        Some(reviewer),
                        Some(&reason),
                        &[200],
                    )
                    .await?;
                if reply.status == 200 {
                    tally.rejected += 1;
                }
            }
        }
    }

    // 3. Redemptions at the village's supermarket.
    if let Some((shop, keeper)) = village.shop {
        let goods: Vec<(i64, i64)> = api
            .call(&ListGoods { id: shop }, Some(first), None, &[200])
            .await?
            .value
            .unwrap_or_default()
            .into_iter()
            .filter(|g| g.stock > 0)
            .map(|g| (g.id, g.points_price))
            .collect();
        for (villager, _, _) in pick(rng, &village.villagers, 0.05) {
            let available = api
                .call(&GetBalance, Some(*villager), None, &[200])
                .await?
                .value
                .map_or(0, |balance| balance.available);
            let affordable: Vec<&(i64, i64)> =
                goods.iter().filter(|(_, p)| *p <= available).collect();
            let Some((goods_id, price)) = affordable.choose(rng).map(|g| **g) else {
                continue;
            };
            let order = NewRedemption {
                shop_id: shop,
                items: vec![RedemptionLine {
                    goods_id,
                    qty: 1,
                    seen_points: Some(price),
                }],
            };
            let reply = api
                .send(
                    &Reserve,
                    Some(*villager),
                    Some(&order),
                    Some(&key(api, rng)),
                    // Out of stock or over the monthly limit: the villager picks again
                    // another day.
                    &[200, 201, 409],
                )
                .await?;
            if !matches!(reply.status, 200 | 201) {
                api.expect_code(&reply, &[ErrorCode::OutOfStock, ErrorCode::LimitReached]);
                continue;
            }
            tally.redemptions += 1;
            let Some(redemption) = reply.value else {
                continue;
            };
            let id = redemption.id;
            let roll: f64 = rng.random();
            if roll < 0.8 {
                let scan = ScanRequest {
                    qr_token: redemption.qr_token,
                    ..ScanRequest::default()
                };
                api.call(&Scan, Some(keeper), Some(&scan), &[200]).await?;
                let reply = api
                    .call(&FulfilRedemption { id }, Some(keeper), None, &[200])
                    .await?;
                if reply.status == 200 {
                    tally.fulfilled += 1;
                    tally.spent += redemption.points;
                }
            } else if roll < 0.9 {
                let reply = api
                    .call(&CancelRedemption { id }, Some(*villager), None, &[200])
                    .await?;
                if reply.status == 200 {
                    tally.cancelled += 1;
                }
            } else {
                tally.lapsing += 1;
            }
        }

        // 4. Recycling at the counter.
        let rates = ListCategories {
            query: CategoriesQuery {
                region_code: village.code.clone(),
            },
        };
        let categories: Vec<(i64, i64)> = api
            .call(&rates, Some(keeper), None, &[200])
            .await?
            .value
            .unwrap_or_default()
            .into_iter()
            .filter(|c| c.active)
            .map(|c| (c.id, c.points_per_kg))
            .collect();
        for (_, phone, _) in pick(rng, &village.villagers, 1.0 / 30.0) {
            if categories.is_empty() {
                break;
            }
            let who = VillagerRef {
                member_code: None,
                phone: Some(phone.clone()),
                card_no: None,
            };
            let identify = IdentifyRequest {
                shop_id: shop,
                villager: who.clone(),
            };
            api.call(&Identify, Some(keeper), Some(&identify), &[200])
                .await?;
            let n = rng.random_range(1..=3).min(categories.len());
            let lines: Vec<DropoffLine> = categories
                .choose_multiple(rng, n)
                .map(|(id, _)| DropoffLine {
                    category_id: *id,
                    grams: rng.random_range(200..=8000),
                })
                .collect();
            let dropoff = NewDropoff {
                shop_id: shop,
                villager: who,
                lines,
            };
            let reply = api
                .send(
                    &DropOff,
                    Some(keeper),
                    Some(&dropoff),
                    Some(&key(api, rng)),
                    &[200, 201],
                )
                .await?;
            if matches!(reply.status, 200 | 201) {
                tally.dropoffs += 1;
                tally.issued += reply.value.map_or(0, |done| done.points);
                tally.recycled_grams += dropoff.lines.iter().map(|l| l.grams).sum::<i64>();
            }
        }
    }

    // 5. Service orders: yesterday's unclaimed ones first, then today's.
    let offered = ListServiceTypes {
        query: TypesQuery {
            region_code: village.code.clone(),
        },
    };
    let types: Vec<i64> = api
        .call(&offered, Some(first), None, &[200])
        .await?
        .value
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.active)
        .map(|t| t.id)
        .collect();
    if let Some(volunteer) = village.volunteers.choose(rng).copied() {
        let available = AvailableOrders {
            query: PageQuery::default(),
        };
        let waiting = api.call(&available, Some(volunteer), None, &[200]).await?;
        for order in waiting.value.map(|page| page.items).unwrap_or_default() {
            // Not one's own household's order (the server refuses it too).
            if helpers(village, order.orderer_id).contains(&volunteer) {
                let (id, orderer, reward) = (order.id, order.orderer_id, order.reward_points);
                serve(api, village, rng, tally, id, orderer, reward, volunteer).await?;
            }
        }
    }
    for (orderer, _, _) in pick(rng, &village.villagers, 1.0 / 60.0) {
        let Some(type_id) = types.choose(rng).copied() else {
            break;
        };
        let order = NewOrder {
            type_id,
            description: "家里老人需要帮忙，麻烦志愿者跑一趟".into(),
            address: None,
            photo_ids: Vec::new(),
        };
        let reply = api
            .send(
                &CreateOrder,
                Some(*orderer),
                Some(&order),
                Some(&key(api, rng)),
                &[200, 201],
            )
            .await?;
        let Some(created) = reply.value.filter(|_| matches!(reply.status, 200 | 201)) else {
            continue;
        };
        tally.orders += 1;
        // One order in six waits for a volunteer until another day.
        if rng.random_bool(1.0 / 6.0) {
            continue;
        }
        if let Some(volunteer) = helpers(village, *orderer).choose(rng).copied() {
            let (id, reward) = (created.id, created.reward_points);
            serve(api, village, rng, tally, id, *orderer, reward, volunteer).await?;
        }
    }
    Ok(())
}

/// The village's volunteers who may serve `orderer`: not the orderer, nor of their household.
fn helpers(village: &Village, orderer: i64) -> Vec<i64> {
    let household = |id: i64| {
        village
            .villagers
            .iter()
            .find(|(v, _, _)| *v == id)
            .and_then(|(_, _, h)| h.clone())
    };
    let theirs = household(orderer);
    village
        .volunteers
        .iter()
        .copied()
        .filter(|v| *v != orderer && (theirs.is_none() || household(*v) != theirs))
        .collect()
}

/// A volunteer claims and completes order `id`; the orderer rates it (a 差评 is rectified by the
/// village admin and rated again).
#[allow(clippy::too_many_arguments)]
async fn serve(
    api: &Api,
    village: &Village,
    rng: &mut StdRng,
    tally: &mut TownshipTally,
    id: i64,
    orderer: i64,
    reward: i64,
    volunteer: i64,
) -> anyhow::Result<()> {
    let reply = api
        .call(&ClaimOrder { id }, Some(volunteer), None, &[200])
        .await?;
    if reply.status != 200 {
        return Ok(());
    }
    let done = Completion {
        note: "已办好".into(),
        photo_ids: Vec::new(),
    };
    let reply = api
        .call(&CompleteOrder { id }, Some(volunteer), Some(&done), &[200])
        .await?;
    if reply.status != 200 {
        return Ok(());
    }
    tally.completed += 1;
    let stars = *[5, 5, 5, 5, 5, 5, 5, 4, 4, 3, 3, 2, 1]
        .choose(rng)
        .expect("a non-empty list");
    rate(api, tally, orderer, id, stars, reward).await?;
    let Some(admin) = village.admin.filter(|_| stars <= 2) else {
        return Ok(());
    };
    let open = ListRectifications {
        query: RectificationsQuery {
            status: Some("open".into()),
        },
    };
    let open = api.call(&open, Some(admin), None, &[200]).await?;
    for r in open
        .value
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.order_id == id)
    {
        let close = CloseRectification {
            follow_up: "已上门回访，志愿者重新办理".into(),
        };
        let reply = api
            .call(
                &CloseRectificationOf { id: r.id },
                Some(admin),
                Some(&close),
                &[200],
            )
            .await?;
        if reply.status == 200 {
            tally.rectified += 1;
            rate(api, tally, orderer, id, 4, reward).await?;
        }
    }
    Ok(())
}

/// The orderer rates order `id`; a 中评 or better pays the volunteer `reward`.
async fn rate(
    api: &Api,
    tally: &mut TownshipTally,
    orderer: i64,
    id: i64,
    stars: i64,
    reward: i64,
) -> anyhow::Result<()> {
    let rating = NewRating {
        stars,
        comment: match stars {
            4.. => "很满意，谢谢".into(),
            3 => "还行".into(),
            _ => "来得太晚了".into(),
        },
    };
    let reply = api
        .call(&RateOrder { id }, Some(orderer), Some(&rating), &[200])
        .await?;
    if reply.status == 200 {
        let grade = match stars {
            4.. => 0,
            3 => 1,
            _ => 2,
        };
        tally.ratings[grade] += 1;
        if grade < 2 {
            tally.issued += reward;
        }
    }
    Ok(())
}
