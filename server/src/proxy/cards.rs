//! Printing member cards (会员卡) and replacing a lost one (挂失补卡), for the admins of the
//! villagers' village (and above). The card itself — code, number, revocation — is the
//! counter's ([`crate::shop::counter::card`]).

use jifen_shared::proxy::{MAX_CARDS, MemberCard, PrintCards};
use jifen_shared::regions::RegionCode;

use super::ProxyError;
use crate::audit;
use crate::auth::caller::Caller;
use crate::auth::keys::Keys;
use crate::people::storage::PersonRow;
use crate::policy::{self, Action};
use crate::storage::{Db, Tx, now_ms};

async fn names(tx: &mut Tx, person: &PersonRow) -> Result<(String, Option<String>), sqlx::Error> {
    let mut name_of = async |code: Option<&String>| -> Result<Option<String>, sqlx::Error> {
        match code {
            Some(code) => {
                sqlx::query_scalar("SELECT name FROM regions WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&mut **tx)
                    .await
            }
            None => Ok(None),
        }
    };
    let village = name_of(person.village_code.as_ref())
        .await?
        .unwrap_or_default();
    let grid = name_of(person.grid_code.as_ref()).await?;
    Ok((village, grid))
}

async fn card_of(
    tx: &mut Tx,
    person: &PersonRow,
    made: (String, String, bool),
) -> Result<MemberCard, sqlx::Error> {
    let (village_name, grid_name) = names(tx, person).await?;
    Ok(MemberCard {
        person_id: person.id,
        name: person.name.clone(),
        village_name,
        grid_name,
        card_no: made.0,
        token: made.1,
    })
}

/// The cards of `request`'s people (or the open villagers of its grid, by name), giving a
/// card number to whoever has none; audited once (`member_card.print`: how many, how many
/// numbers new).
///
/// Errors: [`ProxyError::Forbidden`] (an admin of nowhere), [`ProxyError::Invalid`] (not
/// exactly one of the two, too many, a grid that is not one the caller manages),
/// [`ProxyError::NotManaged`] (a person the caller may not manage, or a closed account).
pub async fn print(
    db: &Db,
    keys: &Keys,
    caller: &Caller,
    request: &PrintCards,
) -> Result<Vec<MemberCard>, ProxyError> {
    super::may_manage_somewhere(caller)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let (people, region) = match (&request.person_ids, &request.grid_code) {
        (Some(ids), None) => {
            if ids.is_empty() || ids.len() > MAX_CARDS {
                return Err(ProxyError::Invalid(format!("person_ids: 1 to {MAX_CARDS}")));
            }
            let mut ids = ids.clone();
            ids.sort_unstable();
            ids.dedup();
            let people = crate::people::storage::find_many_in(&mut tx, &ids).await?;
            if people.len() != ids.len() {
                return Err(ProxyError::NotManaged);
            }
            let first = people
                .first()
                .and_then(PersonRow::village)
                .ok_or(ProxyError::NotManaged)?;
            (people, first)
        }
        (None, Some(grid)) => {
            let grid = RegionCode::parse(grid)
                .ok()
                .filter(|g| g.level() == jifen_shared::regions::RegionLevel::Grid)
                .ok_or_else(|| {
                    ProxyError::Invalid("grid_code: a grid's code (村代码-三位)".into())
                })?;
            let known = crate::regions::storage::find(db, grid.as_str())
                .await?
                .is_some();
            if !known || !policy::may(&caller.roles, Action::ManagePeople, &grid) {
                return Err(ProxyError::Invalid(
                    "grid_code: no such grid in the villages you manage".into(),
                ));
            }
            let people = crate::people::storage::open_in_grid(&mut tx, grid.as_str()).await?;
            if people.len() > MAX_CARDS {
                return Err(ProxyError::Invalid(format!(
                    "the grid has more than {MAX_CARDS} villagers: choose people"
                )));
            }
            (people, grid)
        }
        _ => {
            return Err(ProxyError::Invalid(
                "give either person_ids or grid_code".into(),
            ));
        }
    };
    for person in &people {
        let allowed = person.closed_at.is_none()
            && person
                .village()
                .is_some_and(|v| policy::may(&caller.roles, Action::ManagePeople, &v));
        if !allowed {
            return Err(ProxyError::NotManaged);
        }
    }
    if !policy::may(&caller.roles, Action::ManagePeople, &region) {
        return Err(ProxyError::NotManaged);
    }
    let mut cards = Vec::with_capacity(people.len());
    let mut issued = 0;
    for person in &people {
        let made = crate::shop::counter::card(&mut tx, keys, person.id, now).await?;
        issued += usize::from(made.2);
        cards.push(card_of(&mut tx, person, made).await?);
    }
    audit::record(
        &mut tx,
        audit::Record {
            actor_id: Some(caller.id),
            action: "member_card.print",
            region: &region,
            target: match &request.grid_code {
                Some(grid) => grid.clone(),
                None => format!("people:{}", people.len()),
            },
            before: None,
            after: Some(serde_json::json!({"cards": cards.len(), "new_numbers": issued})),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(cards)
}

/// 挂失补卡 of `person_id`: the old card's QR and number are refused from now on, and the
/// sessions opened with a card end (whoever holds the lost card acts no more); answers the
/// new card. Audited (`member_card.replace`, the old and new numbers).
///
/// Errors: [`ProxyError::Forbidden`] (an admin of nowhere), [`ProxyError::NotManaged`] (someone
/// the caller may not manage, or closed).
pub async fn replace(
    db: &Db,
    keys: &Keys,
    caller: &Caller,
    person_id: i64,
) -> Result<MemberCard, ProxyError> {
    super::may_manage_somewhere(caller)?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    let person = crate::people::storage::find_in(&mut tx, person_id)
        .await?
        .filter(|p| p.closed_at.is_none())
        .ok_or(ProxyError::NotManaged)?;
    let village = person
        .village()
        .filter(|v| policy::may(&caller.roles, Action::ManagePeople, v))
        .ok_or(ProxyError::NotManaged)?;
    let old = crate::shop::counter::storage::card_of(&mut tx, person.id)
        .await?
        .and_then(|(_, no)| no);
    let made = crate::shop::counter::replace_card(&mut tx, keys, person.id, caller.id, now).await?;
    super::storage::end_card_sessions(&mut tx, person.id, now).await?;
    audit::record(
        &mut tx,
        audit::Record {
            actor_id: Some(caller.id),
            action: "member_card.replace",
            region: &village,
            target: format!("person:{}", person.id),
            before: Some(serde_json::json!({"card_no": old})),
            after: Some(serde_json::json!({"card_no": made.0})),
        },
        now,
    )
    .await?;
    let card = card_of(&mut tx, &person, made).await?;
    tx.commit().await?;
    Ok(card)
}
