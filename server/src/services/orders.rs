//! Orders (服务订单) and their lifecycle.
//!
//! - A villager (a person of a village) orders a service type offered in their county, with a
//!   description (1–1,000 characters), an address (none: "my home") and up to 6 of their own
//!   photos → `open`. `POST /services/orders` takes an `Idempotency-Key`. The order keeps the
//!   type's name and reward as they were, and the villager's village and grid.
//! - Volunteers ([`crate::policy::Action::ServeOrders`]: role `volunteer` over the order's
//!   village or its township) see open orders of their area and claim one → `claimed`, by a
//!   conditional update: of any number of volunteers at once exactly one wins, the others get
//!   409 `already_claimed`; the winner claiming again is answered the order (a retried tap).
//!   Nobody claims their own order or one of their household (小微权力监督), and volunteers
//!   must be villagers themselves (their reward goes to their points account).
//! - An admin of the region ([`crate::policy::Action::ManageOrders`]) dispatches an open order
//!   to a named volunteer of its area (派单) → `claimed`; so does the grid worker of the
//!   order's grid once it has escalated to them (`escalation_level` ≥ 1; before that 409
//!   `not_escalated`), see [`may_dispatch`]. Whoever may dispatch an order reads the
//!   volunteers it may go to ([`dispatch_choices`]). A dispatch, a claim and another dispatch
//!   racing for one order leave it with exactly one volunteer (one conditional update wins;
//!   the others get 409 `already_claimed`).
//! - The claimer releases it (→ `open`) or completes it with a note and up to 6 of their own
//!   photos (→ `completed`); anyone else gets 403. The orderer cancels while `open`; a claimed
//!   or completed order → 409 `not_cancellable`.
//! - SLA: an order nobody claimed within `JIFEN_SERVICE_SLA_HOURS` (24 by default) escalates
//!   to the grid worker's queue, one SLA later to the village admins', one more to the
//!   township's ([`escalate_due`], the background sweep); a claim stops it, a release resumes
//!   it at the level it stood, its next escalation one SLA after the release.
//! - Every change is a timeline event with who and when, in the same transaction; the people
//!   concerned get a notification ([`crate::inbox`]).
//!
//! Who sees an order: the orderer, its volunteer, volunteers of its area while it is open, and
//! staff of its region (admins, and the grid worker of its grid). The orderer's name is shown
//! in full (and their phone) only to themselves, the volunteer who claimed it, and admins;
//! masked (张*明) to the rest.

use jifen_shared::Page;
use jifen_shared::auth::{Role, RoleGrant};
use jifen_shared::points::mask_name;
use jifen_shared::regions::RegionCode;
use jifen_shared::services::{
    Completion, NewOrder, Order, OrderEvent, OrderStatus, Rating, Rectification, VolunteerChoice,
};

use super::storage::{self, OrderRow};
use super::{MAX_ADDRESS_CHARS, MAX_PHOTOS, MAX_TEXT_CHARS, ServiceError};
use crate::auth::caller::Caller;
use crate::catalogue::{self, county_of};
use crate::media::storage as media;
use crate::people::storage::{PersonRow, find_many_in};
use crate::policy::{self, Action};
use crate::storage::{Db, Tx, rfc3339};

/// How a caller stands to an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    Orderer,
    Volunteer,
    Admin,
    /// A volunteer of the area (open orders) or the grid worker of its grid.
    Onlooker,
}

fn standing(order: &OrderRow, person_id: i64, grants: &[RoleGrant]) -> Option<Standing> {
    let village = RegionCode::parse(&order.village_code).ok()?;
    if order.orderer_id == person_id {
        Some(Standing::Orderer)
    } else if order.volunteer_id == Some(person_id) {
        Some(Standing::Volunteer)
    } else if policy::may(grants, Action::ManageOrders, &village) {
        Some(Standing::Admin)
    } else if (order.status == OrderStatus::Open
        && policy::may(grants, Action::ServeOrders, &village))
        || grid_worker_of(order, grants)
    {
        Some(Standing::Onlooker)
    } else {
        None
    }
}

/// Whether `person_id` (holding `grants`) may see order `id` and its photos.
pub async fn may_see(
    db: &Db,
    id: i64,
    person_id: i64,
    grants: &[RoleGrant],
) -> Result<bool, sqlx::Error> {
    Ok(storage::order_by_id(db.reader(), id)
        .await?
        .is_some_and(|o| standing(&o, person_id, grants).is_some()))
}

/// Whether the caller may see photo `media_id` through a service order it belongs to (the
/// villager's or the volunteer's photos): whoever may see the order ([`may_see`]: its
/// orderer, its volunteer, volunteers of its area while it is open, admins of its region, the
/// grid worker of its grid). Asked by [`crate::media::visible_to`].
pub async fn photo_visible_to(
    db: &Db,
    media_id: i64,
    caller: &Caller,
) -> Result<bool, sqlx::Error> {
    for order_id in storage::orders_of_photo(db.reader(), media_id).await? {
        if may_see(db, order_id, caller.id, &caller.roles).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

fn grid_worker_of(order: &OrderRow, grants: &[RoleGrant]) -> bool {
    let Some(grid) = order
        .grid_code
        .as_deref()
        .and_then(|g| RegionCode::parse(g).ok())
    else {
        return false;
    };
    grants
        .iter()
        .any(|g| g.role == Role::GridWorker && grid.is_within(&g.region_code))
}

async fn person(tx: &mut Tx, id: i64) -> Result<Option<PersonRow>, sqlx::Error> {
    Ok(find_many_in(tx, &[id]).await?.pop())
}

/// The photo ids, deduplicated in order, checked to be the uploader's.
async fn own_photos(tx: &mut Tx, uploader: i64, ids: &[i64]) -> Result<Vec<i64>, ServiceError> {
    let unique = media::unique(ids);
    if unique.len() > MAX_PHOTOS {
        return Err(ServiceError::Invalid(format!(
            "photo_ids: at most {MAX_PHOTOS} photos"
        )));
    }
    if let Some(foreign) = media::not_owned(&mut **tx, uploader, &unique).await? {
        return Err(ServiceError::NotYourPhotos(foreign));
    }
    Ok(unique)
}

/// Places an order for `person_id` inside `tx` (see the module docs).
///
/// Errors: [`ServiceError::NotVillager`], [`ServiceError::NoSuchType`],
/// [`ServiceError::Invalid`] (description, address, photos), [`ServiceError::NotYourPhotos`].
pub async fn create(
    tx: &mut Tx,
    person_id: i64,
    request: &NewOrder,
    now: i64,
) -> Result<Order, ServiceError> {
    let person = person(tx, person_id)
        .await?
        .ok_or(ServiceError::NotVillager)?;
    let village = person.village().ok_or(ServiceError::NotVillager)?;
    let description = super::text("description", &request.description, MAX_TEXT_CHARS)?;
    let address = match request.address.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(super::text("address", a, MAX_ADDRESS_CHARS)?),
    };
    let county = county_of(&village).ok_or(ServiceError::NoSuchType(request.type_id))?;
    let kind = catalogue::effective(&mut **tx, storage::TYPES, county.as_str())
        .await?
        .into_iter()
        .find(|t| t.id == request.type_id && t.active)
        .ok_or(ServiceError::NoSuchType(request.type_id))?;
    let photos = own_photos(tx, person_id, &request.photo_ids).await?;
    let row = OrderRow {
        id: 0,
        orderer_id: person_id,
        village_code: village.to_string(),
        grid_code: person.grid_code.clone(),
        type_id: kind.id,
        type_name: kind.name,
        reward_points: kind.value,
        description,
        address,
        status: OrderStatus::Open,
        volunteer_id: None,
        escalation_level: 0,
        open_since: now,
        completion_note: None,
        completed_at: None,
        paid_transfer_id: None,
        created_at: now,
    };
    let id = storage::insert_order(tx, &row, now).await?;
    storage::insert_photos(tx, id, "order", &photos).await?;
    storage::insert_event(tx, id, "ordered", Some(person_id), "", now).await?;
    view(tx, id, person_id, &[]).await
}

/// The order as `person_id` (holding `grants`) sees it, read inside `tx`.
///
/// Errors: [`ServiceError::NotFound`] also when the caller may not see it.
pub async fn view(
    tx: &mut Tx,
    id: i64,
    person_id: i64,
    grants: &[RoleGrant],
) -> Result<Order, ServiceError> {
    let row = storage::order_by_id(&mut **tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let standing = standing(&row, person_id, grants).ok_or(ServiceError::NotFound)?;
    render(tx, row, standing, person_id, grants).await
}

async fn render(
    tx: &mut Tx,
    row: OrderRow,
    standing: Standing,
    viewer_id: i64,
    viewer_grants: &[RoleGrant],
) -> Result<Order, ServiceError> {
    let orderer = person(tx, row.orderer_id).await?;
    let full = matches!(
        standing,
        Standing::Orderer | Standing::Volunteer | Standing::Admin
    );
    let orderer_name = orderer
        .as_ref()
        .map(|p| {
            if full {
                p.name.clone()
            } else {
                mask_name(&p.name)
            }
        })
        .unwrap_or_default();
    let orderer_phone = orderer.and_then(|p| match standing {
        Standing::Orderer | Standing::Volunteer => p.phone,
        // Admins: in full for the village's own staff, masked above (as everywhere,
        // `policy::sees_full_phone`).
        Standing::Admin => {
            let village = RegionCode::parse(&row.village_code).ok();
            let full = policy::sees_full_phone(viewer_id, viewer_grants, p.id, village.as_ref());
            p.phone.map(|phone| {
                if full {
                    phone
                } else {
                    crate::people::phone::Phone::from_stored(phone).masked()
                }
            })
        }
        Standing::Onlooker => None,
    });
    let volunteer_name = match row.volunteer_id {
        Some(v) => person(tx, v).await?.map(|p| p.name),
        None => None,
    };
    let photos = storage::photos(&mut **tx, row.id).await?;
    let of = |kind: &str| -> Vec<i64> {
        photos
            .iter()
            .filter(|(k, _)| k == kind)
            .map(|(_, id)| *id)
            .collect()
    };
    let timeline = storage::events(&mut **tx, row.id)
        .await?
        .into_iter()
        .map(|e| OrderEvent {
            actor_name: match (e.actor_id, e.actor_name) {
                (Some(a), Some(name)) if a == row.orderer_id && !full => Some(mask_name(&name)),
                (_, name) => name,
            },
            kind: e.kind,
            note: e.note,
            at: rfc3339(e.created_at),
        })
        .collect();
    let latest = storage::latest_rating(&mut **tx, row.id).await?;
    let subjects = [
        format!("order:{}", row.id),
        rating_subject(row.id, latest.as_ref().map_or(0, |r| r.round)),
    ];
    let mut proxies = crate::proxy::storage::notes(&mut **tx, &subjects).await?;
    let rating_proxy = proxies.remove(&subjects[1]).map(|(_, note)| note);
    let rating = latest.map(|r| Rating {
        stars: r.stars,
        grade: jifen_shared::services::Grade::of(r.stars),
        comment: r.comment,
        automatic: r.automatic,
        round: r.round,
        rated_at: rfc3339(r.created_at),
        proxy: rating_proxy,
    });
    let rectification = storage::rectification_where(&mut **tx, "order_id", row.id)
        .await?
        .map(rectification_view);
    Ok(Order {
        id: row.id,
        type_id: row.type_id,
        type_name: row.type_name,
        reward_points: row.reward_points,
        description: row.description,
        address: row.address,
        village_code: row.village_code,
        status: row.status,
        orderer_id: row.orderer_id,
        orderer_name,
        orderer_phone,
        volunteer_id: row.volunteer_id,
        volunteer_name,
        escalation_level: row.escalation_level,
        photo_ids: of("order"),
        completion_note: row.completion_note,
        completion_photo_ids: of("completion"),
        rating,
        paid: row.paid_transfer_id.is_some(),
        rectification,
        timeline,
        created_at: rfc3339(row.created_at),
        proxy: proxies.remove(&subjects[0]).map(|(_, note)| note),
    })
}

/// What a proxy's rating of order `order_id` in `round` is recorded as (`rating:order:3:1`):
/// an order may be rated again after a rectification, each round once.
pub fn rating_subject(order_id: i64, round: i64) -> String {
    format!("rating:order:{order_id}:{round}")
}

/// A rectification on the wire.
pub fn rectification_view(r: storage::RectificationRow) -> Rectification {
    Rectification {
        id: r.id,
        order_id: r.order_id,
        village_code: r.village_code,
        status: r.status,
        follow_up: r.follow_up,
        opened_at: rfc3339(r.opened_at),
        due_at: rfc3339(r.due_at),
        closed_at: r.closed_at.map(rfc3339),
    }
}

/// The order for a change by `person_id`, with how they stand to it: `needed`, or else 403
/// for those who see it or volunteer in its area, 404 for everyone else (nobody learns which
/// orders exist elsewhere).
async fn load(
    tx: &mut Tx,
    id: i64,
    person_id: i64,
    grants: &[RoleGrant],
    needed: Standing,
    refusal: &str,
) -> Result<OrderRow, ServiceError> {
    let row = storage::order_by_id(&mut **tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let standing = standing(&row, person_id, grants);
    if standing == Some(needed) {
        return Ok(row);
    }
    let area = RegionCode::parse(&row.village_code)
        .is_ok_and(|v| policy::may(grants, Action::ServeOrders, &v));
    if standing.is_some() || area {
        Err(ServiceError::Forbidden(refusal.into()))
    } else {
        Err(ServiceError::NotFound)
    }
}

fn wrong(row: &OrderRow, what: &'static str) -> ServiceError {
    ServiceError::WrongStatus {
        id: row.id,
        status: row.status.as_str(),
        what,
    }
}

/// Whether `volunteer` may take `order`: a volunteer of its area, a villager, neither its
/// orderer nor of the orderer's household.
async fn may_serve(
    tx: &mut Tx,
    order: &OrderRow,
    volunteer_id: i64,
    grants: &[RoleGrant],
) -> Result<(), ServiceError> {
    let village = RegionCode::parse(&order.village_code).map_err(|_| ServiceError::NotFound)?;
    if !policy::may(grants, Action::ServeOrders, &village) {
        return Err(ServiceError::Forbidden(
            "the order is outside the area you volunteer in".into(),
        ));
    }
    let volunteer = person(tx, volunteer_id).await?;
    let Some(volunteer) = volunteer.filter(|v| v.village_code.is_some()) else {
        return Err(ServiceError::NotVillager);
    };
    let orderer = person(tx, order.orderer_id).await?;
    if let Some(orderer) = &orderer
        && policy::may_review_claimant(volunteer.household(), orderer.household()).is_err()
    {
        return Err(ServiceError::Forbidden(
            "nobody serves their own or their household's order".into(),
        ));
    }
    // A second person checks every proxy act: who ordered it for the villager does not also
    // earn its reward (issue "Villagers without a smartphone").
    if crate::proxy::did(tx, &format!("order:{}", order.id), volunteer_id).await? {
        return Err(ServiceError::OwnProxy);
    }
    Ok(())
}

/// A change of order `id` by `person_id` (holding `grants`) in one write transaction: what
/// every step of the lifecycle (and a rating, [`super::ratings::rate`]) begins with and
/// answers — the order as the caller then sees it.
pub(super) struct Change<'a> {
    pub tx: Tx,
    pub id: i64,
    pub person_id: i64,
    grants: &'a [RoleGrant],
}

impl<'a> Change<'a> {
    pub async fn begin(db: &Db, caller: &'a Caller, id: i64) -> Result<Self, ServiceError> {
        let tx = db.begin_write().await?;
        Ok(Change {
            tx,
            id,
            person_id: caller.id,
            grants: &caller.roles,
        })
    }

    /// The order when the caller stands to it as `needed`; else 403 `refusal` or 404 ([`load`]).
    async fn load(&mut self, needed: Standing, refusal: &str) -> Result<OrderRow, ServiceError> {
        load(
            &mut self.tx,
            self.id,
            self.person_id,
            self.grants,
            needed,
            refusal,
        )
        .await
    }

    /// The order as the caller sees it, changed by nothing (a retried tap, or the check that
    /// the caller may see it at all: 404).
    pub async fn view(&mut self) -> Result<Order, ServiceError> {
        view(&mut self.tx, self.id, self.person_id, self.grants).await
    }

    /// Commits the change; the order as the caller sees it after.
    pub async fn commit(mut self) -> Result<Order, ServiceError> {
        let order = self.view().await?;
        self.tx.commit().await?;
        Ok(order)
    }

    /// Moves the order by a conditional update (`storage::transition`: `set` where `from`,
    /// `$3` = `who`) and writes the caller's timeline event `kind`; when the order was not in
    /// the state `from` asks, [`ServiceError::WrongStatus`] with `refusal`.
    async fn step(
        &mut self,
        row: &OrderRow,
        (set, from, who): (&str, &str, Option<i64>),
        kind: &str,
        refusal: &'static str,
        now: i64,
    ) -> Result<(), ServiceError> {
        if !storage::transition(&mut self.tx, self.id, set, from, who, now).await? {
            return Err(wrong(row, refusal));
        }
        storage::insert_event(&mut self.tx, self.id, kind, Some(self.person_id), "", now).await?;
        Ok(())
    }
}

/// Records a volunteer's or an admin's step of order `row` in the audit log (`order.claim`,
/// `order.dispatch`, `order.release`, `order.complete`), about the order's village. The
/// orderer's own steps (ordering, cancelling, rating) are theirs, not a use of a role: they are
/// in the order's timeline and, for the points a rating pays, in the ledger.
async fn audit(
    tx: &mut Tx,
    row: &OrderRow,
    actor_id: i64,
    action: &'static str,
    after: serde_json::Value,
    now: i64,
) -> Result<(), ServiceError> {
    let village = RegionCode::parse(&row.village_code).map_err(|_| ServiceError::NotFound)?;
    let record = crate::audit::Record {
        actor_id: Some(actor_id),
        action,
        region: &village,
        target: format!("order:{}", row.id),
        before: Some(
            serde_json::json!({"status": row.status.as_str(), "volunteer_id": row.volunteer_id}),
        ),
        after: Some(after),
    };
    crate::audit::record(tx, record, now).await?;
    Ok(())
}

/// Claims an open order for the volunteer `person_id` (接单).
///
/// Errors: [`ServiceError::NotFound`], [`ServiceError::Forbidden`] (outside the area, own or
/// household's order), [`ServiceError::NotVillager`], [`ServiceError::AlreadyClaimed`].
pub async fn claim(db: &Db, caller: &Caller, id: i64, now: i64) -> Result<Order, ServiceError> {
    let mut change = Change::begin(db, caller, id).await?;
    let (person_id, grants) = (caller.id, &caller.roles[..]);
    let row = storage::order_by_id(&mut *change.tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if row.volunteer_id == Some(person_id) && row.status == OrderStatus::Claimed {
        return change.view().await;
    }
    if standing(&row, person_id, grants).is_none() && row.status == OrderStatus::Open {
        return Err(ServiceError::Forbidden(
            "the order is outside the area you volunteer in".into(),
        ));
    }
    may_serve(&mut change.tx, &row, person_id, grants).await?;
    take(&mut change.tx, &row, person_id, person_id, "claimed", now).await?;
    change.commit().await
}

/// Moves an open order to `volunteer_id` by `actor_id`, with the event `kind` and the
/// orderer's notification.
async fn take(
    tx: &mut Tx,
    row: &OrderRow,
    volunteer_id: i64,
    actor_id: i64,
    kind: &str,
    now: i64,
) -> Result<(), ServiceError> {
    if !storage::transition(
        tx,
        row.id,
        "status = 'claimed', volunteer_id = $3",
        "status = 'open'",
        Some(volunteer_id),
        now,
    )
    .await?
    {
        return Err(ServiceError::AlreadyClaimed(row.id));
    }
    let name = person(tx, volunteer_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    storage::insert_event(tx, row.id, kind, Some(actor_id), &name, now).await?;
    let action = if actor_id == volunteer_id {
        "order.claim"
    } else {
        "order.dispatch"
    };
    let after =
        serde_json::json!({"status": "claimed", "volunteer_id": volunteer_id, "volunteer": name});
    audit(tx, row, actor_id, action, after, now).await?;
    let target = format!("order:{}", row.id);
    let text = format!("您的“{}”已由志愿者{name}接单", row.type_name);
    crate::inbox::notify(tx, row.orderer_id, "order_claimed", &text, &target, now).await?;
    if actor_id != volunteer_id {
        let text = format!(
            "您被派单：{}（{}）",
            row.type_name,
            crate::text::clip(&row.description)
        );
        crate::inbox::notify(tx, volunteer_id, "order_dispatched", &text, &target, now).await?;
    }
    Ok(())
}

/// Whether `person_id` (holding `grants`) may dispatch `order` (派单) and read whom to
/// ([`dispatch_choices`]): an admin of its region ([`Action::ManageOrders`]), or the grid worker
/// of its grid once it has escalated to them (`escalation_level` ≥ 1, the queue of
/// `GET /admin/services/orders`). Nobody dispatches their own order or one they serve.
///
/// Errors: [`ServiceError::NotEscalated`] (the grid worker, too early),
/// [`ServiceError::Forbidden`] (anyone else who sees the order or volunteers in its area),
/// [`ServiceError::NotFound`] (everyone else: nobody learns which orders exist elsewhere).
pub(super) fn may_dispatch(
    order: &OrderRow,
    person_id: i64,
    grants: &[RoleGrant],
) -> Result<(), ServiceError> {
    match standing(order, person_id, grants) {
        Some(Standing::Admin) => Ok(()),
        Some(Standing::Onlooker) if grid_worker_of(order, grants) => {
            if order.escalation_level >= 1 {
                Ok(())
            } else {
                Err(ServiceError::NotEscalated(order.id))
            }
        }
        standing => {
            let area = RegionCode::parse(&order.village_code)
                .is_ok_and(|v| policy::may(grants, Action::ServeOrders, &v));
            if standing.is_some() || area {
                Err(ServiceError::Forbidden(
                    "only admins of the order's village, township or county, and the grid \
                     worker of its grid once it has escalated, dispatch it"
                        .into(),
                ))
            } else {
                Err(ServiceError::NotFound)
            }
        }
    }
}

/// Dispatches an open order to a volunteer of its area (派单), by whoever [`may_dispatch`] it
/// (audited as `order.dispatch`). Dispatching again to the same volunteer answers the order.
///
/// Errors: those of [`may_dispatch`]; [`ServiceError::Invalid`] (the person is not a
/// volunteer of the order's area), [`ServiceError::Forbidden`] (of the orderer's household),
/// [`ServiceError::NotVillager`], [`ServiceError::AlreadyClaimed`] (claimed by another, or no
/// longer open).
pub async fn dispatch(
    db: &Db,
    caller: &Caller,
    id: i64,
    volunteer_id: i64,
    now: i64,
) -> Result<Order, ServiceError> {
    let mut change = Change::begin(db, caller, id).await?;
    let row = storage::order_by_id(&mut *change.tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    may_dispatch(&row, caller.id, &caller.roles)?;
    if row.status == OrderStatus::Claimed && row.volunteer_id == Some(volunteer_id) {
        return change.view().await;
    }
    let roles = crate::auth::storage::roles_in(&mut change.tx, volunteer_id).await?;
    // The dispatcher chose someone who does not serve here: said about the choice (400), not
    // as if the dispatcher were the volunteer.
    let village = RegionCode::parse(&row.village_code).map_err(|_| ServiceError::NotFound)?;
    if !policy::may(&roles, Action::ServeOrders, &village) {
        return Err(ServiceError::Invalid(format!(
            "volunteer_id: {volunteer_id} is not a volunteer serving the order's village"
        )));
    }
    may_serve(&mut change.tx, &row, volunteer_id, &roles).await?;
    take(
        &mut change.tx,
        &row,
        volunteer_id,
        caller.id,
        "dispatched",
        now,
    )
    .await?;
    change.commit().await
}

/// The volunteers order `id` may be dispatched to, for a caller who [`may_dispatch`] it:
/// people holding the volunteer role over its village or a region containing it, villagers
/// with an open account, neither its orderer nor of the orderer's household (so every one of
/// them passes [`dispatch`]'s checks); each with a masked phone and the orders they hold now,
/// fewest first, then by id.
///
/// Errors: those of [`may_dispatch`].
pub async fn dispatch_choices(
    db: &Db,
    caller: &Caller,
    id: i64,
) -> Result<Vec<VolunteerChoice>, ServiceError> {
    let mut tx = db.reader().begin().await?;
    let row = storage::order_by_id(&mut *tx, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    may_dispatch(&row, caller.id, &caller.roles)?;
    let village = RegionCode::parse(&row.village_code).map_err(|_| ServiceError::NotFound)?;
    let ids = crate::auth::storage::holders_over(&mut tx, Role::Volunteer, &village).await?;
    let orderer = person(&mut tx, row.orderer_id).await?;
    let people: Vec<PersonRow> = find_many_in(&mut tx, &ids)
        .await?
        .into_iter()
        .filter(|p| p.closed_at.is_none() && p.village_code.is_some())
        .filter(|p| {
            orderer
                .as_ref()
                .is_none_or(|o| policy::may_review_claimant(p.household(), o.household()).is_ok())
        })
        .collect();
    let ids: Vec<i64> = people.iter().map(|p| p.id).collect();
    let held = storage::claimed_counts(&mut tx, &ids).await?;
    let mut choices: Vec<VolunteerChoice> = people
        .into_iter()
        .map(|p| VolunteerChoice {
            id: p.id,
            open_tasks: held.get(&p.id).copied().unwrap_or(0),
            phone: p
                .phone
                .map(|phone| crate::people::phone::Phone::from_stored(phone).masked())
                .unwrap_or_default(),
            name: p.name,
        })
        .collect();
    choices.sort_by_key(|c| (c.open_tasks, c.id));
    Ok(choices)
}

/// Gives a claimed order back (→ `open`), by its volunteer.
///
/// Errors: [`ServiceError::NotFound`], [`ServiceError::Forbidden`] (not its volunteer),
/// [`ServiceError::WrongStatus`].
pub async fn release(db: &Db, caller: &Caller, id: i64, now: i64) -> Result<Order, ServiceError> {
    let mut change = Change::begin(db, caller, id).await?;
    let (person_id, grants) = (caller.id, &caller.roles[..]);
    if let Some(row) = storage::order_by_id(&mut *change.tx, id).await?
        && row.status == OrderStatus::Open
        && standing(&row, person_id, grants) == Some(Standing::Onlooker)
    {
        // Open already (a retried tap after the release): answered as it is.
        return change.view().await;
    }
    let row = change
        .load(Standing::Volunteer, "only its volunteer releases an order")
        .await?;
    let to_open = (
        "status = 'open', volunteer_id = NULL, open_since = $2",
        "status = 'claimed' AND volunteer_id = $3",
        Some(person_id),
    );
    let refusal = "only a claimed order can be released";
    change.step(&row, to_open, "released", refusal, now).await?;
    let after = serde_json::json!({"status": "open"});
    audit(&mut change.tx, &row, person_id, "order.release", after, now).await?;
    change.commit().await
}

/// Completes a claimed order with a note and photos, by its volunteer.
///
/// Errors: [`ServiceError::NotFound`], [`ServiceError::Forbidden`] (not its volunteer),
/// [`ServiceError::Invalid`] (note, photos), [`ServiceError::NotYourPhotos`],
/// [`ServiceError::WrongStatus`].
pub async fn complete(
    db: &Db,
    caller: &Caller,
    id: i64,
    request: &Completion,
    now: i64,
) -> Result<Order, ServiceError> {
    let mut change = Change::begin(db, caller, id).await?;
    let person_id = caller.id;
    let refusal = "only the volunteer who claimed the order completes it";
    let row = change.load(Standing::Volunteer, refusal).await?;
    let note = super::text("note", &request.note, MAX_TEXT_CHARS)?;
    if row.status == OrderStatus::Completed && row.completion_note.as_deref() == Some(&note) {
        return change.view().await;
    }
    let tx = &mut change.tx;
    let photos = own_photos(tx, person_id, &request.photo_ids).await?;
    if !storage::complete(tx, id, person_id, &note, now).await? {
        return Err(wrong(&row, "only a claimed order can be completed"));
    }
    storage::insert_photos(tx, id, "completion", &photos).await?;
    storage::insert_event(tx, id, "completed", Some(person_id), &note, now).await?;
    let after = serde_json::json!({"status": "completed", "note": note, "photo_ids": photos});
    audit(tx, &row, person_id, "order.complete", after, now).await?;
    let text = format!("您的“{}”已完成，请评价", row.type_name);
    let target = format!("order:{id}");
    crate::inbox::notify(tx, row.orderer_id, "order_completed", &text, &target, now).await?;
    change.commit().await
}

/// Cancels an open order, by its orderer. Cancelling again answers the order.
///
/// Errors: [`ServiceError::NotFound`], [`ServiceError::Forbidden`] (not the orderer),
/// [`ServiceError::WrongStatus`] (claimed or completed).
pub async fn cancel(db: &Db, caller: &Caller, id: i64, now: i64) -> Result<Order, ServiceError> {
    let mut change = Change::begin(db, caller, id).await?;
    let row = change
        .load(Standing::Orderer, "only the villager who ordered cancels")
        .await?;
    if row.status == OrderStatus::Cancelled {
        return change.view().await;
    }
    let to_cancelled = ("status = 'cancelled'", "status = 'open'", None);
    let refusal = "only an open order can be cancelled";
    change
        .step(&row, to_cancelled, "cancelled", refusal, now)
        .await?;
    change.commit().await
}

/// Which orders a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// The caller's own orders (`GET /services/orders/mine`).
    Mine,
    /// The orders the caller serves or served as volunteer (`…/tasks`).
    Tasks,
    /// Open orders in the caller's volunteer area (`…/available`), escalated first.
    Available,
    /// Orders of the caller's region for admins, and open escalated ones for whoever handles
    /// that level (`GET /admin/services/orders`): the grid worker of its grid from level 1,
    /// village admins from level 2, township and county admins from level 3, besides every
    /// order of an admin's region.
    Region,
}

/// A page of orders as the caller sees them, newest first; `after_id` is the previous page's
/// `next_cursor`.
pub async fn list(
    db: &Db,
    person_id: i64,
    grants: &[RoleGrant],
    which: List,
    after_id: Option<i64>,
    limit: u32,
) -> Result<Page<Order>, ServiceError> {
    let before = after_id.unwrap_or(i64::MAX);
    // Each list is one or more SQL filters (one per grant), merged newest first.
    let mut owned: Vec<(&'static str, String)> = Vec::new();
    match which {
        List::Mine | List::Tasks => {}
        List::Available => {
            for region in policy::regions_where(grants, Action::ServeOrders) {
                owned.push((
                    "status = 'open' AND village_code LIKE $1",
                    format!("{region}%"),
                ));
            }
        }
        List::Region => {
            for g in grants {
                match g.role {
                    Role::VillageAdmin | Role::TownshipAdmin | Role::CountyAdmin => {
                        owned.push(("village_code LIKE $1", format!("{}%", g.region_code)));
                    }
                    Role::GridWorker => owned.push((
                        "status = 'open' AND escalation_level >= 1 AND grid_code = $1",
                        g.region_code.to_string(),
                    )),
                    _ => {}
                }
            }
        }
    }
    let mut filters: Vec<(&str, storage::Bind<'_>)> = owned
        .iter()
        .map(|(filter, value)| (*filter, storage::Bind::Text(value)))
        .collect();
    if matches!(which, List::Mine | List::Tasks) {
        let column = if which == List::Mine {
            "orderer_id = $1"
        } else {
            "volunteer_id = $1"
        };
        filters.push((column, storage::Bind::Id(person_id)));
    }
    let mut tx = db.reader().begin().await?;
    let mut rows = Vec::new();
    for (filter, value) in filters {
        rows.extend(storage::orders_where(&mut *tx, filter, value, before, limit + 1).await?);
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.id));
    rows.dedup_by_key(|r| r.id);
    rows.truncate(limit as usize + 1);
    let mut orders = Vec::with_capacity(rows.len());
    for row in rows {
        // Every row a filter found is one the caller may see.
        let standing = standing(&row, person_id, grants).unwrap_or(Standing::Onlooker);
        orders.push(render(&mut tx, row, standing, person_id, grants).await?);
    }
    Ok(Page::from_overfetch(orders, limit as usize, |o| o.id))
}

/// Escalates open orders past their SLA one level each (the background sweep): a timeline
/// event `escalated` ("网格员" / "村管理员" / "乡镇"), a notification to the orderer, and at
/// the village admins' level one to each admin of the order's village
/// (`order_escalated_admin`, about the order: they dispatch it).
/// An order that fails is logged and skipped (the others still escalate). Answers how many
/// escalated.
pub async fn escalate_due(db: &Db, sla_ms: i64, now: i64) -> Result<usize, ServiceError> {
    let mut escalated = 0;
    for id in storage::escalation_due(db.reader(), sla_ms, now, 200).await? {
        match escalate(db, id, sla_ms, now).await {
            Ok(true) => escalated += 1,
            Ok(false) => {}
            Err(e) => tracing::error!(order = id, error = %e, "an order could not be escalated"),
        }
    }
    Ok(escalated)
}

/// Escalates order `id` one level if it is still open and due; whether it did.
async fn escalate(db: &Db, id: i64, sla_ms: i64, now: i64) -> Result<bool, ServiceError> {
    let mut tx = db.begin_write().await?;
    let Some(row) = storage::order_by_id(&mut *tx, id).await? else {
        return Ok(false);
    };
    let level = row.escalation_level + 1;
    if row.status != OrderStatus::Open || level > 3 || row.open_since + sla_ms > now {
        return Ok(false);
    }
    let moved = storage::transition(
        &mut tx,
        id,
        "escalation_level = escalation_level + 1, open_since = $2",
        "status = 'open' AND escalation_level = CAST($3 AS BIGINT)",
        Some(row.escalation_level),
        now,
    )
    .await?;
    if !moved {
        return Ok(false);
    }
    let to = match level {
        1 => "网格员",
        2 => "村管理员",
        _ => "乡镇（街道）",
    };
    storage::insert_event(&mut tx, id, "escalated", None, to, now).await?;
    let text = format!("您的“{}”暂无人接单，已提交{to}跟进", row.type_name);
    let reference = format!("order:{id}");
    crate::inbox::notify(
        &mut tx,
        row.orderer_id,
        "order_escalated",
        &text,
        &reference,
        now,
    )
    .await?;
    if level == 2 {
        // Now the village admins' to dispatch: each is told, once (the level moves once).
        let text = format!(
            "“{}”（{}）无人接单，已转村管理员，请派单",
            row.type_name,
            crate::text::clip(&row.description)
        );
        let admins =
            crate::auth::storage::holders_in(&mut tx, Role::VillageAdmin, &row.village_code)
                .await?;
        for admin in admins {
            let kind = "order_escalated_admin";
            crate::inbox::notify(&mut tx, admin, kind, &text, &reference, now).await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Lets go of `person_id`'s orders inside `tx` (their account is being closed,
/// `crate::people::villager`), by `actor_id`: their open orders are cancelled, the orders
/// they claimed as a volunteer go back to the pool (open again). The ids (cancelled,
/// released).
pub async fn let_go_of(
    tx: &mut Tx,
    person_id: i64,
    actor_id: i64,
    now: i64,
) -> Result<(Vec<i64>, Vec<i64>), sqlx::Error> {
    let mut cancelled = Vec::new();
    for id in storage::order_ids_of(tx, "orderer_id", person_id, "open").await? {
        let to_cancelled = ("status = 'cancelled'", "status = 'open'");
        if storage::transition(tx, id, to_cancelled.0, to_cancelled.1, None, now).await? {
            storage::insert_event(tx, id, "cancelled", Some(actor_id), "账户已注销", now).await?;
            cancelled.push(id);
        }
    }
    let mut released = Vec::new();
    for id in storage::order_ids_of(tx, "volunteer_id", person_id, "claimed").await? {
        let to_open = "status = 'open', volunteer_id = NULL, open_since = $2";
        let from = "status = 'claimed' AND volunteer_id = $3";
        if storage::transition(tx, id, to_open, from, Some(person_id), now).await? {
            storage::insert_event(tx, id, "released", Some(actor_id), "账户已注销", now).await?;
            released.push(id);
        }
    }
    Ok((cancelled, released))
}
