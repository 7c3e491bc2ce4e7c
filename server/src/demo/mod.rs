//! The demo county (演示县): 长垣市 (410783) with its real townships and villages and made-up
//! people, shops and goods (`jifen seed-demo`), and a month of their activity driven through the
//! HTTP API ([`simulate`], `jifen simulate`).
//!
//! [`seed`] loads the bundled 长垣市 divisions — all 19 township-level units and 619 villages
//! and communities — then, deterministically from `--seed`, for each village:
//! - 2–6 grids (第一网格…), each with a grid worker (网格员);
//! - a village admin (村干部); villagers (`--villagers-per-village`, 40 by default, about
//!   25,000 in all) in households of one to five, with the county's groups as tags (党员,
//!   村民代表, 退役军人, 脱贫户), each household in one grid; three of them volunteers (志愿者);
//! - a points supermarket (积分超市) with a keeper and the 18 kinds of goods of
//!   [`names::SHELF`] — one per village in towns (镇) and townships (乡); one per unit, serving
//!   all its communities, for the sub-districts (街道, NBS codes 001–099) and the industrial
//!   park (codes from 400);
//!
//! and a county admin and an admin per township. The rule catalogue, service types and
//! recycling categories are the county's shipped defaults. Staff sign in with the demo
//! password; villagers and volunteers with an SMS code (the `log` provider prints it in the
//! server log).
//!
//! Phones are in the demo block of [`crate::people::phone::DEMO_PREFIX`] (`100…`, never a real
//! number), laid out `100 VVVV PPPP`: `VVVV` the village's place (0001–0619) in code order,
//! `PPPP` the villager (0001…), `9001` the village admin, `91GG` the grid worker of grid `GG`,
//! `9201` the keeper; county and township staff are `100 0000 0001`, `100 0000 01TT` (township
//! admin of the `TT`th unit in code order) and `100 0000 02TT` (keeper of a sub-district's shop).
//!
//! Running it twice changes nothing the second time: grids, shops and goods are found by name,
//! staff by phone (an existing account keeps its password), villagers by the register import's
//! own rules ([`crate::people::import`]). Grids, shops, goods, keepers and volunteers are made
//! through the domain functions admins use, acting as the demo county admin, and audited like
//! their work; staff accounts are audited as `staff.create_admin` (as `jifen create-admin`
//! does) and villagers as the register import's `person.create`, with no actor (as
//! `jifen import-villagers` does).
//!
//! The staff share one published password, so `seed-demo` refuses a database holding anyone
//! outside the demo phone block: the demo county never lives next to real people.

pub mod names;
pub mod simulate;

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::regions::RegionCode;
use jifen_shared::shop::{NewGoods, NewKeeper, NewShop};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::regions::storage::RegionRow;
use crate::storage::{Db, now_ms};

/// 长垣市's code.
pub const COUNTY: &str = "410783";
/// Villagers per village unless `--villagers-per-village` says otherwise.
pub const DEFAULT_VILLAGERS_PER_VILLAGE: u32 = 40;
/// The most villagers per village (`PPPP` of the phone layout stops below the staff's 9001).
pub const MAX_VILLAGERS_PER_VILLAGE: u32 = 9000;
/// The demo staff's password unless `--password` says otherwise.
pub const DEFAULT_PASSWORD: &str = "changyuan-2026";
/// Volunteers among each village's villagers.
const VOLUNTEERS_PER_VILLAGE: usize = 3;

/// What `jifen seed-demo` makes.
#[derive(Debug, Clone)]
pub struct SeedOptions {
    /// Seed of the random generator: the same seed gives the same county.
    pub seed: u64,
    /// 1–[`MAX_VILLAGERS_PER_VILLAGE`].
    pub villagers_per_village: u32,
    /// Only this many villages get people and shops (spread over the townships in turn);
    /// `None`: all 619. The divisions are always loaded whole.
    pub villages: Option<usize>,
    /// The staff's password (at least 8 characters).
    pub password: String,
}

/// What [`seed`] found and made.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub townships: usize,
    pub villages: usize,
    pub grids: usize,
    pub staff: usize,
    /// Villagers created, changed and left as they were by the register import.
    pub villagers: [u64; 3],
    pub volunteers: usize,
    pub shops: usize,
    pub goods: usize,
    /// Sign-ins to print: (role, where, phone in national form, how to sign in).
    pub logins: Vec<(String, String, String, String)>,
    pub elapsed: Duration,
}

/// A demo phone in national form, `100VVVVPPPP`.
pub fn phone(village_ordinal: usize, person: usize) -> String {
    format!("100{village_ordinal:04}{person:04}")
}

/// The phone of the keeper of the shop serving the village at `village_ordinal` of
/// `township` (the `township_ordinal`th unit): the township's own shop's keeper, or the
/// village's.
fn keeper_phone(township: &str, township_ordinal: usize, village_ordinal: usize) -> String {
    if one_shop_per_township(township) {
        phone(0, 200 + township_ordinal)
    } else {
        phone(village_ordinal, 9201)
    }
}

/// Whether a township-level unit gets one shop for all its villages: sub-districts (街道, NBS
/// codes 001–099) and development zones (400 and above) — their communities are streets of
/// one town, not villages with a shop each.
pub fn one_shop_per_township(township: &str) -> bool {
    let n: u32 = township.get(6..9).and_then(|s| s.parse().ok()).unwrap_or(0);
    !(100..400).contains(&n)
}

/// Loads the demo county (see the module docs) into `db`.
///
/// Errors: `--villagers-per-village` out of range, a short password, a database failure (what
/// was committed stays; running again completes it), or a domain refusing what the demo asks
/// (a bug: every request is valid).
pub async fn seed(db: &Db, options: &SeedOptions) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    if !(1..=MAX_VILLAGERS_PER_VILLAGE).contains(&options.villagers_per_village) {
        bail!("--villagers-per-village: from 1 to {MAX_VILLAGERS_PER_VILLAGE}");
    }
    if options.password.chars().count() < crate::auth::password::MIN_PASSWORD_CHARS {
        bail!(
            "--password: at least {} characters",
            crate::auth::password::MIN_PASSWORD_CHARS
        );
    }
    // The demo staff share a published password: never next to real people.
    let real = crate::people::storage::count_outside(
        db,
        &format!("+86{}", crate::people::phone::DEMO_PREFIX),
    )
    .await?;
    if real > 0 {
        bail!(
            "this database holds {real} people outside the demo phone block (+86 100…); the demo \
             county's staff share a published password, so seed-demo only loads into a database \
             of its own (another JIFEN_DATA_DIR or JIFEN_DATABASE_URL)"
        );
    }
    for (name, bytes) in crate::regions::import::BUNDLED_CHANGYUAN {
        crate::regions::import::import(db, bytes)
            .await
            .map_err(|e| anyhow::anyhow!("bundled {name}: {e}"))?;
    }
    let townships = crate::regions::storage::children(db, COUNTY).await?;
    let mut villages: Vec<(usize, RegionRow)> = Vec::new();
    let mut by_township = Vec::new();
    for township in &townships {
        let children = crate::regions::storage::children(db, &township.code).await?;
        by_township.push(children);
    }
    // Ordinals follow code order over the whole county, whatever is selected.
    let mut ordinal = 0;
    let mut ordered: Vec<Vec<(usize, RegionRow)>> = Vec::new();
    for children in by_township {
        ordered.push(
            children
                .into_iter()
                .map(|v| {
                    ordinal += 1;
                    (ordinal, v)
                })
                .collect(),
        );
    }
    let wanted = options.villages.unwrap_or(usize::MAX);
    // Round-robin over the townships, towns (镇) and townships (乡) first, so two villages
    // are two townships' villages, each with its own shop.
    ordered.sort_by_key(|t| {
        t.first()
            .is_some_and(|(_, v)| one_shop_per_township(v.parent_code.as_deref().unwrap_or("")))
    });
    let mut round = 0;
    while villages.len() < wanted && ordered.iter().any(|t| round < t.len()) {
        for township in &ordered {
            if let Some(v) = township.get(round)
                && villages.len() < wanted
            {
                villages.push(v.clone());
            }
        }
        round += 1;
    }
    villages.sort_by_key(|(n, _)| *n);

    let mut report = SeedReport {
        townships: townships.len(),
        villages: villages.len(),
        ..SeedReport::default()
    };
    let hash = crate::auth::password::hash(options.password.clone()).await?;
    let mut staff = Staff {
        db,
        hash: &hash,
        created: HashSet::new(),
    };
    let county_code = RegionCode::parse(COUNTY)?;
    let mut rng = StdRng::seed_from_u64(options.seed);
    let county_admin = staff
        .ensure(
            &names::person(&mut rng, 0.0),
            &phone(0, 1),
            Role::CountyAdmin,
            &county_code,
        )
        .await?;
    let admin_grants = vec![RoleGrant {
        role: Role::CountyAdmin,
        region_code: county_code.clone(),
    }];
    let login = |role: &str, place: &str, phone: String, how: &str| {
        (role.to_owned(), place.to_owned(), phone, how.to_owned())
    };
    // The PWA signs everyone in with an SMS code; staff may also use the API's password sign-in.
    let password_hint = format!("SMS code, or password {} (API)", options.password);
    report.logins.push(login(
        "county admin 县管理员",
        "长垣市",
        phone(0, 1),
        &password_hint,
    ));

    let mut township_rows = BTreeMap::new();
    for (t, township) in townships.iter().enumerate() {
        let code = RegionCode::parse(&township.code)?;
        let mut rng = StdRng::seed_from_u64(options.seed ^ code_seed(&township.code));
        staff
            .ensure(
                &names::person(&mut rng, 0.3),
                &phone(0, 100 + t + 1),
                Role::TownshipAdmin,
                &code,
            )
            .await?;
        township_rows.insert(township.code.clone(), (t + 1, township.name.clone()));
    }

    let mut register = csv::Writer::from_writer(Vec::new());
    register.write_record([
        "name",
        "phone",
        "village_code",
        "grid_code",
        "household",
        "tags",
    ])?;
    let mut volunteers: Vec<(String, RegionCode)> = Vec::new();
    let mut shops_wanted: BTreeMap<String, (String, i64)> = BTreeMap::new();
    for (ordinal, village) in &villages {
        let code = RegionCode::parse(&village.code)?;
        let township = code.parent().context("a village has a township")?;
        let mut rng = StdRng::seed_from_u64(options.seed ^ code_seed(&village.code));
        let grids = ensure_grids(db, county_admin, &code, rng.random_range(2..=6)).await?;
        report.grids += grids.len();
        let name = |rng: &mut StdRng| names::person(rng, 0.3);
        let admin_name = name(&mut rng);
        staff
            .ensure(
                &admin_name,
                &phone(*ordinal, 9001),
                Role::VillageAdmin,
                &code,
            )
            .await?;
        for (g, grid) in grids.iter().enumerate() {
            let worker = name(&mut rng);
            staff
                .ensure(&worker, &phone(*ordinal, 9101 + g), Role::GridWorker, grid)
                .await?;
        }
        let people = villagers(&mut rng, options.villagers_per_village as usize, &grids);
        let chosen: HashSet<usize> = rand::seq::index::sample(
            &mut rng,
            people.len(),
            VOLUNTEERS_PER_VILLAGE.min(people.len()),
        )
        .into_iter()
        .collect();
        for (p, person) in people.iter().enumerate() {
            let mut tags = person.tags.clone();
            if chosen.contains(&p) {
                tags.push("志愿者");
                volunteers.push((phone(*ordinal, p + 1), code.clone()));
            }
            register.write_record([
                person.name.as_str(),
                &phone(*ordinal, p + 1),
                code.as_str(),
                person.grid.as_str(),
                &format!("{:04}", person.household),
                &tags.join(";"),
            ])?;
        }
        let (township_ordinal, township_name) = township_rows
            .get(township.as_str())
            .cloned()
            .context("a loaded township")?;
        let keeper_phone = keeper_phone(township.as_str(), township_ordinal, *ordinal);
        let (shop_region, shop_name) = if one_shop_per_township(township.as_str()) {
            (township.clone(), format!("{township_name}积分超市"))
        } else {
            (
                code.clone(),
                format!("{}积分超市", short_name(&village.name)),
            )
        };
        let keeper = staff
            .ensure(&name(&mut rng), &keeper_phone, Role::Keeper, &shop_region)
            .await?;
        shops_wanted.insert(shop_region.to_string(), (shop_name, keeper));
    }
    let bytes = register.into_inner().context("the generated register")?;
    let imported = crate::people::import::import_villagers(db, &bytes, None, &|_| true)
        .await
        .map_err(|e| anyhow::anyhow!("the generated register: {e}"))?;
    if let Some(e) = imported.errors.first() {
        bail!(
            "the generated register, line {}: {}: {}",
            e.line,
            e.code,
            e.message
        );
    }
    report.villagers = [imported.created, imported.updated, imported.unchanged];
    for (phone, village) in &volunteers {
        let person = crate::auth::storage::account_by_phone(db, &format!("+86{phone}"))
            .await?
            .context("an imported volunteer")?;
        crate::auth::grant_role(
            db,
            Some(county_admin),
            person.id,
            &RoleGrant {
                role: Role::Volunteer,
                region_code: village.clone(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("volunteer {phone}: {e}"))?;
    }
    report.volunteers = volunteers.len();

    for (region, (shop_name, keeper)) in &shops_wanted {
        let keeper = *keeper;
        let shop_id = ensure_shop(db, county_admin, &admin_grants, region, shop_name).await?;
        crate::shop::add_keeper(
            db,
            county_admin,
            &admin_grants,
            shop_id,
            &NewKeeper { user_id: keeper },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{shop_name}: keeper: {e}"))?;
        let mut rng = StdRng::seed_from_u64(options.seed ^ code_seed(region) ^ 0x5107);
        let on_shelf: HashSet<String> = crate::shop::goods_of(db, shop_id)
            .await
            .map_err(|e| anyhow::anyhow!("{shop_name}: {e}"))?
            .into_iter()
            .map(|g| g.name)
            .collect();
        for item in names::SHELF {
            if on_shelf.contains(item.name) {
                continue;
            }
            let goods = NewGoods {
                name: item.name.into(),
                points_price: item.points_price,
                market_price_fen: item.market_price_fen,
                stock: rng.random_range(20..=120),
                per_person_limit: item.per_person_limit,
                photo_id: None,
                low_stock_threshold: Some(10),
            };
            let mut tx = db.begin_write().await?;
            crate::shop::create_goods(db, &mut tx, county_admin, &admin_grants, shop_id, &goods)
                .await
                .map_err(|e| anyhow::anyhow!("{shop_name}: {}: {e}", item.name))?;
            tx.commit().await?;
        }
        report.shops += 1;
        report.goods += names::SHELF.len();
    }
    report.staff = staff.created.len();
    db.analyze().await?;

    // The sign-ins to try, in 樊相镇 (or the first village seeded).
    if let Some((ordinal, village)) = villages
        .iter()
        .find(|(_, v)| v.code.starts_with("410783101"))
        .or_else(|| villages.first())
    {
        let township = &village.code[..9];
        let (t, township_name) = township_rows.get(township).cloned().unwrap_or_default();
        let sms = "SMS code";
        report.logins.push(login(
            "township admin 乡镇管理员",
            &township_name,
            phone(0, 100 + t),
            &password_hint,
        ));
        let place = format!("{township_name} {}", short_name(&village.name));
        report.logins.push(login(
            "village admin 村干部",
            &place,
            phone(*ordinal, 9001),
            &password_hint,
        ));
        report.logins.push(login(
            "grid worker 网格员",
            &format!("{place} 第一网格"),
            phone(*ordinal, 9101),
            &password_hint,
        ));
        report.logins.push(login(
            "keeper 超市管理员",
            &place,
            keeper_phone(township, t, *ordinal),
            &password_hint,
        ));
        if let Some((volunteer, _)) = volunteers.iter().find(|(_, v)| v.as_str() == village.code) {
            report
                .logins
                .push(login("volunteer 志愿者", &place, volunteer.clone(), sms));
        }
        report
            .logins
            .push(login("villager 村民", &place, phone(*ordinal, 1), sms));
    }
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Mixes a region code into the seed, so each village draws the same people whichever
/// villages are seeded with it.
fn code_seed(code: &str) -> u64 {
    code.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A village's name without its committee suffix: 宏大社区居民委员会 → 宏大社区, 某某村委会 → 某某村.
fn short_name(name: &str) -> String {
    for suffix in ["居民委员会", "村民委员会", "委员会", "居委会", "村委会"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            let stem = stem.to_owned();
            return match suffix {
                "村民委员会" | "村委会" if !stem.ends_with('村') => stem + "村",
                _ => stem,
            };
        }
    }
    name.to_owned()
}

/// One generated villager.
struct Villager {
    name: String,
    household: usize,
    grid: String,
    tags: Vec<&'static str>,
}

/// `count` villagers in households, each household in one of `grids` in turn.
fn villagers(rng: &mut StdRng, count: usize, grids: &[RegionCode]) -> Vec<Villager> {
    let mut people = Vec::with_capacity(count);
    let mut household = 0;
    while people.len() < count {
        household += 1;
        let grid = grids[(household - 1) % grids.len()].to_string();
        let surname = names::surname(rng);
        let poor = rng.random_bool(0.04);
        let mut taken = HashSet::new();
        for member in 0..names::household_size(rng).min(count - people.len()) {
            // The second adult of a household is usually a wife of another family.
            let (surname, female) = match member {
                1 => (names::surname(rng), true),
                _ => (surname, rng.random_bool(0.45)),
            };
            let mut name = names::full_name(rng, surname, female);
            while !taken.insert(name.clone()) {
                name = names::full_name(rng, surname, female);
            }
            people.push(Villager {
                name,
                household,
                grid: grid.clone(),
                tags: names::tags(rng, poor),
            });
        }
    }
    people
}

/// The village's grids, making the first `count` of 第一网格… that are missing.
async fn ensure_grids(
    db: &Db,
    actor: i64,
    village: &RegionCode,
    count: usize,
) -> anyhow::Result<Vec<RegionCode>> {
    let existing = crate::regions::storage::children(db, village.as_str()).await?;
    let mut grids = Vec::with_capacity(count);
    for n in 1..=count {
        let name = names::grid_name(n);
        let code = match existing.iter().find(|g| g.name == name) {
            Some(g) => RegionCode::parse(&g.code)?,
            None => crate::regions::create_grid(db, Some(actor), village, &name)
                .await
                .map_err(|e| anyhow::anyhow!("{village} {name}: {e}"))?,
        };
        grids.push(code);
    }
    Ok(grids)
}

/// The shop called `name` in `region`, opened if missing.
async fn ensure_shop(
    db: &Db,
    actor: i64,
    grants: &[RoleGrant],
    region: &str,
    name: &str,
) -> anyhow::Result<i64> {
    let township = region.get(..9).unwrap_or(region);
    if let Some(shop) = crate::shop::storage::shops_in(db, region, township)
        .await?
        .into_iter()
        .find(|s| s.name == name && s.village_code == region)
    {
        return Ok(shop.id);
    }
    let request = NewShop {
        name: name.to_owned(),
        village_code: region.to_owned(),
    };
    Ok(crate::shop::create_shop(db, actor, grants, &request)
        .await
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?
        .id)
}

/// Staff accounts of the demo, sharing one password hash (hashing 3,000 passwords one by one
/// would take minutes; this is demo data).
struct Staff<'a> {
    db: &'a Db,
    hash: &'a str,
    /// Phones of the accounts this run created.
    created: HashSet<String>,
}

impl Staff<'_> {
    /// The staff person of `phone` (national form) holding `role` over `region`: created with
    /// the demo password when missing; an existing one keeps their password and sessions.
    async fn ensure(
        &mut self,
        name: &str,
        phone: &str,
        role: Role,
        region: &RegionCode,
    ) -> anyhow::Result<i64> {
        let e164 = format!("+86{phone}");
        let grant = RoleGrant {
            role,
            region_code: region.clone(),
        };
        if let Some(account) = crate::auth::storage::account_by_phone(self.db, &e164).await? {
            let mut tx = self.db.begin_write().await?;
            crate::auth::storage::insert_role(&mut tx, account.id, &grant, now_ms()).await?;
            tx.commit().await?;
            return Ok(account.id);
        }
        let id =
            crate::auth::storage::upsert_staff(self.db, name, &e164, self.hash, &grant, now_ms())
                .await?;
        crate::audit::record_alone(
            self.db,
            crate::audit::Record {
                actor_id: None,
                action: "staff.create_admin",
                region,
                target: format!("person:{id}"),
                before: None,
                after: Some(
                    serde_json::json!({"role": role, "region_code": region, "password": "set"}),
                ),
            },
        )
        .await?;
        self.created.insert(e164);
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_districts_and_parks_get_one_shop() {
        assert!(one_shop_per_township("410783001"));
        assert!(one_shop_per_township("410783005"));
        assert!(!one_shop_per_township("410783101"));
        assert!(!one_shop_per_township("410783202"));
        assert!(one_shop_per_township("410783460"));
    }

    #[test]
    fn village_names_lose_the_committee() {
        assert_eq!(short_name("宏大社区居民委员会"), "宏大社区");
        assert_eq!(short_name("樊相村民委员会"), "樊相村");
        assert_eq!(short_name("东街村委会"), "东街村");
        assert_eq!(short_name("西关"), "西关");
    }

    #[test]
    fn the_same_seed_gives_the_same_people() {
        let grids = [RegionCode::parse("410783101001-001").unwrap()];
        let a = villagers(&mut StdRng::seed_from_u64(7), 40, &grids);
        let b = villagers(&mut StdRng::seed_from_u64(7), 40, &grids);
        assert_eq!(a.len(), 40);
        assert_eq!(
            a.iter().map(|p| &p.name).collect::<Vec<_>>(),
            b.iter().map(|p| &p.name).collect::<Vec<_>>()
        );
        assert_eq!(a.last().unwrap().household, b.last().unwrap().household);
    }

    #[test]
    fn phones_follow_the_layout() {
        assert_eq!(phone(0, 1), "10000000001");
        assert_eq!(phone(619, 9201), "10006199201");
        assert!(crate::people::phone::Phone::parse(&phone(12, 40)).is_ok());
    }
}
