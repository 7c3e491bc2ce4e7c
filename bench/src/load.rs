//! Load through the real HTTP API with goose (a maintained load generator): the write flows
//! (reserve → fulfil, reserve → cancel, claim → approve) and the reads, each for a fixed time
//! at a fixed number of concurrent clients that send their next request as soon as the last is
//! answered (closed loop, no think time).
//!
//! Each goose user plays one [`Actor`]: a villager of its own village (the users spread over
//! the villages, as on a county's redemption morning), that village's keeper and admin, and
//! the bench goods of its supermarket. Latencies are goose's (microseconds, buckets at most
//! 0.8 % wide); a request fails when its answer is not 2xx or does not arrive.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use goose::config::GooseConfiguration;
use goose::metrics::GooseMetrics;
use goose::prelude::*;
use jifen_shared::api::{
    ApproveClaim, CancelRedemption, CreateClaim, Endpoint, FulfilRedemption, GetMe, GetRegion,
    ListGoods, Method, Reserve, VillageBoard,
};
use jifen_shared::points::NewClaim;
use jifen_shared::shop::{NewRedemption, RedemptionLine};

/// One client's cast: who it acts as and with what.
#[derive(Debug, Clone)]
pub struct Actor {
    pub villager: i64,
    /// The villager's national phone (signs in on the PWA).
    pub villager_phone: String,
    /// Access tokens of the villager, the keeper of the village's shop and the village admin.
    pub villager_token: String,
    pub keeper_token: String,
    pub admin_token: String,
    pub village_code: String,
    pub shop_id: i64,
    /// The bench goods of that shop: 1 point, no per-person limit, ample stock.
    pub goods_id: i64,
    /// The bench rule: 1 point, no photo, no caps, for the whole county.
    pub rule_id: i64,
}

/// What the users of the next attack play: [`Plan::actors`]`[user index % len]`.
static PLAN: Mutex<Vec<Arc<Actor>>> = Mutex::new(Vec::new());
/// Makes every Idempotency-Key of the process different.
static KEYS: AtomicU64 = AtomicU64::new(0);

fn actor(user: &GooseUser) -> Arc<Actor> {
    let plan = PLAN.lock().expect("plan");
    plan[user.weighted_users_index % plan.len()].clone()
}

/// A fresh Idempotency-Key.
pub fn key() -> String {
    format!(
        "bench-{}-{}",
        std::process::id(),
        KEYS.fetch_add(1, Ordering::Relaxed)
    )
}

/// The flows and reads measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    ReserveFulfil,
    ReserveCancel,
    ClaimApprove,
    Me,
    Goods,
    Board,
    RegionTree,
}

impl Workload {
    pub const FLOWS: [Workload; 3] = [
        Workload::ReserveFulfil,
        Workload::ReserveCancel,
        Workload::ClaimApprove,
    ];
    pub const READS: [Workload; 4] = [
        Workload::Me,
        Workload::Goods,
        Workload::Board,
        Workload::RegionTree,
    ];

    /// As the table names it.
    pub fn label(self) -> String {
        /// `METHOD path` in backticks.
        fn request<E: Endpoint>(path: &str) -> String {
            format!("`{} {path}`", E::METHOD.as_str())
        }
        match self {
            Workload::ReserveFulfil => "reserve → fulfil".into(),
            Workload::ReserveCancel => "reserve → cancel".into(),
            Workload::ClaimApprove => "claim → approve".into(),
            Workload::Me => request::<GetMe>(GetMe::TEMPLATE),
            Workload::Goods => format!("goods list {}", request::<ListGoods>(ListGoods::TEMPLATE)),
            Workload::Board => format!(
                "village board {}",
                request::<VillageBoard>(VillageBoard::TEMPLATE)
            ),
            Workload::RegionTree => format!(
                "region tree {}",
                request::<GetRegion>(&county_region().path())
            ),
        }
    }

    /// Requests in one round of the workload.
    pub fn requests_per_round(self) -> u64 {
        if Workload::FLOWS.contains(&self) {
            2
        } else {
            1
        }
    }

    fn transaction(self) -> Transaction {
        match self {
            Workload::ReserveFulfil => transaction!(reserve_fulfil),
            Workload::ReserveCancel => transaction!(reserve_cancel),
            Workload::ClaimApprove => transaction!(claim_approve),
            Workload::Me => transaction!(read_me),
            Workload::Goods => transaction!(read_goods),
            Workload::Board => transaction!(read_board),
            Workload::RegionTree => transaction!(read_region_tree),
        }
    }
}

/// What one attack measured, over all its requests.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub requests: u64,
    /// Answers other than 2xx, and requests without an answer.
    pub errors: u64,
    pub seconds: f64,
    /// Latency percentiles in milliseconds.
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

impl Measured {
    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds.max(f64::EPSILON)
    }
}

/// Runs `workload` against `host` with `users` concurrent clients playing `actors` for `run`
/// (after all users have started, whose warm-up is not counted).
///
/// Errors: goose refuses the configuration or cannot start.
pub async fn attack(
    host: &str,
    actors: &[Arc<Actor>],
    workload: Workload,
    users: usize,
    run: Duration,
) -> anyhow::Result<Measured> {
    *PLAN.lock().expect("plan") = actors.to_vec();
    let scenario = scenario!("bench").register_transaction(workload.transaction());
    let metrics = GooseAttack::initialize_with_config(GooseConfiguration::default())?
        .register_scenario(scenario)
        .set_default(GooseDefault::Host, host)?
        .set_default(GooseDefault::Users, users)?
        .set_default(GooseDefault::IncreaseRate, &*users.to_string())?
        .set_default(GooseDefault::RunTime, run.as_secs().max(1) as usize)?
        .set_default(GooseDefault::Quiet, 1)?
        .set_default(GooseDefault::NoPrintMetrics, true)?
        .set_default(GooseDefault::NoErrorSummary, true)?
        // No telnet or WebSocket controller: nothing steers a run, and their ports stay
        // bound between the attacks of one process.
        .set_default(GooseDefault::NoTelnet, true)?
        .set_default(GooseDefault::NoWebSocket, true)?
        .execute()
        .await?;
    Ok(summarise(&metrics))
}

/// Requests, failures and latency percentiles over every request of the attack.
fn summarise(metrics: &GooseMetrics) -> Measured {
    let mut buckets: Vec<(u64, u64)> = Vec::new();
    let (mut requests, mut errors) = (0u64, 0u64);
    for aggregate in metrics.requests.values() {
        requests += (aggregate.success_count + aggregate.fail_count) as u64;
        errors += aggregate.fail_count as u64;
        buckets.extend(
            aggregate
                .raw_data
                .times_us
                .iter()
                .map(|(us, n)| (*us, *n as u64)),
        );
    }
    buckets.sort_unstable();
    Measured {
        requests,
        errors,
        seconds: metrics.duration.max(1) as f64,
        p50: percentile(&buckets, 0.50),
        p95: percentile(&buckets, 0.95),
        p99: percentile(&buckets, 0.99),
    }
}

/// The time (ms) within which the share `p` (0–1) of the timed requests finished: the first
/// bucket whose running count reaches the rank `⌈p × total⌉`. `buckets` are (microseconds,
/// count), fastest first; 0 without any.
fn percentile(buckets: &[(u64, u64)], p: f64) -> f64 {
    let total: u64 = buckets.iter().map(|(_, n)| n).sum();
    let rank = ((total as f64) * p).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (us, n) in buckets {
        seen += n;
        if seen >= rank {
            return *us as f64 / 1000.0;
        }
    }
    0.0
}

/// Sends a request to `endpoint` as `token` with its body if it has one (and a fresh
/// Idempotency-Key if it takes one), named `name` in goose's metrics; the declared answer when
/// it is 2xx.
async fn send<E: Endpoint>(
    user: &mut GooseUser,
    name: &str,
    endpoint: &E,
    token: &str,
    body: Option<&E::Body>,
) -> Result<Option<E::Response>, Box<TransactionError>> {
    let method = match E::METHOD {
        Method::Get => GooseMethod::Get,
        Method::Post => GooseMethod::Post,
        Method::Put => GooseMethod::Put,
        Method::Delete => GooseMethod::Delete,
    };
    let path = endpoint.url_path();
    let mut builder = user.get_request_builder(&method, &path)?.bearer_auth(token);
    if E::IDEMPOTENT {
        builder = builder.header("Idempotency-Key", key());
    }
    if let Some(body) = body {
        builder = builder.json(body);
    }
    let request = GooseRequest::builder()
        .method(method)
        .path(path.as_str())
        .name(name)
        .set_request_builder(builder)
        .build();
    let answer = user.request(request).await?;
    match answer.response {
        Ok(response) if response.status().is_success() => Ok(response.json().await.ok()),
        _ => Ok(None),
    }
}

/// A villager reserves one bench goods ([`Reserve`]); the reservation's id.
async fn reserve(user: &mut GooseUser, a: &Actor) -> Result<Option<i64>, Box<TransactionError>> {
    let order = NewRedemption {
        shop_id: a.shop_id,
        items: vec![RedemptionLine {
            goods_id: a.goods_id,
            qty: 1,
            seen_points: Some(1),
        }],
    };
    let answer = send(user, "reserve", &Reserve, &a.villager_token, Some(&order)).await?;
    Ok(answer.map(|redemption| redemption.id))
}

async fn reserve_fulfil(user: &mut GooseUser) -> TransactionResult {
    let a = actor(user);
    if let Some(id) = reserve(user, &a).await? {
        let fulfil = FulfilRedemption { id };
        send(user, "fulfil", &fulfil, &a.keeper_token, None).await?;
    }
    Ok(())
}

async fn reserve_cancel(user: &mut GooseUser) -> TransactionResult {
    let a = actor(user);
    if let Some(id) = reserve(user, &a).await? {
        let cancel = CancelRedemption { id };
        send(user, "cancel", &cancel, &a.villager_token, None).await?;
    }
    Ok(())
}

async fn claim_approve(user: &mut GooseUser) -> TransactionResult {
    let a = actor(user);
    let claim = NewClaim {
        rule_id: a.rule_id,
        note: "压测：已完成".into(),
        photo_ids: Vec::new(),
    };
    let answer = send(user, "claim", &CreateClaim, &a.villager_token, Some(&claim)).await?;
    if let Some(claim) = answer {
        let approve = ApproveClaim { id: claim.id };
        send(user, "approve", &approve, &a.admin_token, None).await?;
    }
    Ok(())
}

/// A read of `endpoint` as `token`, named `name`.
async fn read<E: Endpoint<Body = ()>>(
    user: &mut GooseUser,
    name: &str,
    endpoint: &E,
    token: &str,
) -> TransactionResult {
    send(user, name, endpoint, token, None).await?;
    Ok(())
}

/// The demo county's region (its tree: townships and their villages).
fn county_region() -> GetRegion {
    GetRegion {
        code: jifen_server::demo::COUNTY.into(),
    }
}

async fn read_me(user: &mut GooseUser) -> TransactionResult {
    let a = actor(user);
    read(user, "me", &GetMe, &a.villager_token).await
}

async fn read_goods(user: &mut GooseUser) -> TransactionResult {
    let a = actor(user);
    read(
        user,
        "goods",
        &ListGoods { id: a.shop_id },
        &a.villager_token,
    )
    .await
}

async fn read_board(user: &mut GooseUser) -> TransactionResult {
    let a = actor(user);
    let board = VillageBoard {
        code: a.village_code.clone(),
    };
    read(user, "board", &board, &a.villager_token).await
}

async fn read_region_tree(user: &mut GooseUser) -> TransactionResult {
    let a = actor(user);
    read(user, "regions", &county_region(), &a.villager_token).await
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_ranks_over_the_buckets() {
        // 100 requests: 90 at 1 ms, 9 at 5 ms, 1 at 40 ms.
        let buckets = [(1_000, 90), (5_000, 9), (40_000, 1)];
        assert_eq!(percentile(&buckets, 0.50), 1.0);
        assert_eq!(percentile(&buckets, 0.90), 1.0);
        assert_eq!(percentile(&buckets, 0.95), 5.0);
        assert_eq!(percentile(&buckets, 0.99), 5.0);
        assert_eq!(percentile(&buckets, 1.0), 40.0);
        assert_eq!(percentile(&[], 0.99), 0.0);
    }
}
