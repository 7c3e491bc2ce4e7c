//! The cast of a run, from a database `jifen seed-demo` filled: one [`Actor`] per client,
//! each in a village of its own, taken from the townships in turn; and what the flows need,
//! made through the API as the county's admin would (not measured): a 1-point rule without
//! photo or caps (压测好事), a 1-point goods without a per-person limit in each shop used
//! (压测商品, 1,000,000 in stock) and 30,000 points for each villager.
//!
//! Tokens are signed with the deployment's key, as `jifen simulate` does (valid 15 minutes:
//! a new cast is made for each database).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use jifen_server::auth::keys::Keys;
use jifen_server::client::ApiClient;
use jifen_server::demo::simulate::{Village, cast_village};
use jifen_server::storage::Db;
use jifen_shared::api::{Award, CreateGoods, CreateRule, Endpoint};
use jifen_shared::points::{AwardRequest, NewRule, RuleCategory};
use jifen_shared::shop::NewGoods;

use crate::load::Actor;

/// Awards of 1,000 points (the most one award gives) to each villager of the cast.
const AWARDS: usize = 30;

/// Makes `clients` actors on the server at `base` over the database at `url`.
///
/// Errors: too few villages with a shop and an admin, the server refusing the set-up.
pub async fn actors(
    url: &str,
    data_dir: &Path,
    base: &str,
    clients: usize,
) -> anyhow::Result<Vec<Arc<Actor>>> {
    let db = Db::connect(url, Duration::from_secs(10)).await?;
    let villages = spread(&db, clients).await?;
    let admin_phone = format!("+86{}", jifen_server::demo::phone(0, 1));
    let mut tx = db.reader().begin().await?;
    let county_admin = jifen_server::people::storage::find_by_phone(&mut tx, &admin_phone)
        .await?
        .context("no county admin: run jifen seed-demo first")?
        .id;
    tx.rollback().await?;
    db.close().await;
    if villages.is_empty() {
        bail!("no village with people, a shop and an admin: run jifen seed-demo first");
    }

    let secret = std::env::var("JIFEN_JWT_SECRET").ok();
    let keys = Keys::load(secret.as_deref(), data_dir)?;
    let sign = |person: i64| jifen_server::auth::sign_access(&keys, person);
    let api = Admin {
        client: ApiClient::new(reqwest::Client::new(), base),
        token: sign(county_admin)?,
    };

    let rule_id = api
        .post(
            &CreateRule,
            &NewRule {
                code: format!("bench_{}", std::process::id()),
                name: "压测好事".into(),
                category: RuleCategory::Civility,
                points: 1,
                needs_photo: false,
                daily_cap: None,
                monthly_cap: None,
                region_code: jifen_server::demo::COUNTY.into(),
                groups: Vec::new(),
                village_points: None,
            },
        )
        .await?
        .id;

    let mut goods: BTreeMap<i64, i64> = BTreeMap::new();
    let mut actors = Vec::with_capacity(clients);
    for i in 0..clients {
        let village = &villages[i % villages.len()];
        // Not a volunteer: their app opens on 接单, not on the villager's 首页.
        let plain: Vec<&(i64, String, Option<String>)> = village
            .villagers
            .iter()
            .filter(|(id, _, _)| !village.volunteers.contains(id))
            .collect();
        let (villager, phone, _) = plain[(i / villages.len()) % plain.len()];
        let villager = *villager;
        let (shop_id, keeper) = village.shop.expect("spread keeps villages with a shop");
        let goods_id = match goods.get(&shop_id) {
            Some(id) => *id,
            None => {
                let id = api
                    .post(
                        &CreateGoods { id: shop_id },
                        &NewGoods {
                            name: "压测商品".into(),
                            points_price: 1,
                            market_price_fen: 100,
                            stock: 1_000_000,
                            per_person_limit: None,
                            photo_id: None,
                        },
                    )
                    .await?
                    .id;
                goods.insert(shop_id, id);
                id
            }
        };
        actors.push(Arc::new(Actor {
            villager,
            villager_phone: phone.clone(),
            villager_token: sign(villager)?,
            keeper_token: sign(keeper)?,
            admin_token: sign(village.admin.expect("spread keeps villages with an admin"))?,
            village_code: village.code.clone(),
            shop_id,
            goods_id,
            rule_id,
        }));
    }
    let mut villagers: Vec<i64> = actors.iter().map(|a| a.villager).collect();
    villagers.sort_unstable();
    villagers.dedup();
    // Enough for every reserve → fulfil of the run: one client alone hands over a few
    // thousand 1-point goods.
    for _ in 0..AWARDS {
        for chunk in villagers.chunks(500) {
            api.post(
                &Award,
                &AwardRequest {
                    user_ids: chunk.to_vec(),
                    rule_id: None,
                    points: Some(1000),
                    reason: "压测备用积分".into(),
                },
            )
            .await?;
        }
    }
    Ok(actors)
}

/// Up to `wanted` villages with a shop, an admin and a villager who is not a volunteer, one
/// of each township in turn (code order within).
async fn spread(db: &Db, wanted: usize) -> anyhow::Result<Vec<Village>> {
    use jifen_server::regions::storage::children;
    let mut queues = Vec::new();
    for township in children(db, jifen_server::demo::COUNTY).await? {
        let villages = children(db, &township.code).await?;
        queues.push((township.code, villages.into_iter()));
    }
    let mut out = Vec::new();
    while out.len() < wanted {
        let before = out.len();
        for (township, villages) in &mut queues {
            for village in villages.by_ref() {
                let Some(v) = cast_village(db, township, &village.code).await? else {
                    continue;
                };
                let plain = v
                    .villagers
                    .iter()
                    .any(|(id, _, _)| !v.volunteers.contains(id));
                if v.shop.is_some() && v.admin.is_some() && plain {
                    out.push(v);
                    break;
                }
            }
        }
        if out.len() == before {
            break;
        }
    }
    Ok(out)
}

/// The county admin's side of the set-up.
struct Admin {
    client: ApiClient,
    token: String,
}

impl Admin {
    /// Sends `endpoint` with `body` and a fresh Idempotency-Key; its declared answer.
    async fn post<E: Endpoint>(&self, endpoint: &E, body: &E::Body) -> anyhow::Result<E::Response> {
        let answer = self
            .client
            .request(endpoint)
            .token(&self.token)
            .idempotency_key(&crate::load::key())
            .body(body)
            .send()
            .await?;
        if !answer.is_success() {
            let status = reqwest::StatusCode::from_u16(answer.status)?;
            bail!(
                "set-up: {} {} → {status} {}",
                E::METHOD.as_str(),
                endpoint.path(),
                answer.text()
            );
        }
        Ok(answer.decode()?)
    }
}
