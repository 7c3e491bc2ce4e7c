//! The OpenAPI document's last pass: what the routes' `#[utoipa::path]` and the wire types'
//! `ToSchema` derives cannot say on a field (API.md: every limit the server enforces is in the
//! document, so a client generated from it never sends what the server refuses).
//!
//! Where the limits live:
//! - lengths, ranges, item counts and short shapes (region codes, months, dates, catalogue
//!   codes, cursors) are attributes on the fields of the wire types (`shared/src`) and on the
//!   routes' path parameters; `server/tests/openapi.rs` checks each against the constant the
//!   server checks with;
//! - here, from the constants themselves: the text shapes and phone numbers shared by many
//!   fields ([`jifen_shared::text`]), the `Idempotency-Key` header, the closed lists of string
//!   values (formats, statuses, audit actions, report tables, the county's groups), fields
//!   that are never 0, and the rules between fields (exactly one of two; a correction of an
//!   award names the villager);
//! - every operation that takes a path parameter, a query, a header or a body declares 400
//!   `invalid_input` (a malformed value is refused before the handler runs) unless it lists its
//!   own 400.
//!
//! A table entry whose schema, field or parameter is not in the document is a mistake:
//! [`unmatched`] lists them and the test fails.

use jifen_shared::text::{NAME_PATTERN, NOTE_PATTERN, PHONE_PATTERN, TEXT_PATTERN};
use serde_json::{Value, json};

use crate::http::idempotency;

/// The document as served: `api` with the refinements of this module, as JSON.
pub fn finish(api: &utoipa::openapi::OpenApi) -> String {
    let mut doc = serde_json::to_value(api).expect("the OpenAPI document serialises");
    refine(&mut doc);
    doc.to_string()
}

/// Applies every refinement of this module to the document `doc`.
fn refine(doc: &mut Value) {
    for (schema, field, patch) in fields() {
        if let Some(target) = property(doc, schema, field) {
            merge(target, &patch);
        }
    }
    for (schema, patch) in schemas() {
        if let Some(target) = doc.pointer_mut(&format!("/components/schemas/{schema}")) {
            merge(target, &patch);
        }
    }
    for (path, method, name, patch) in parameters() {
        if let Some(target) = parameter(doc, path, method, name) {
            merge(target, &json!({ "schema": patch }));
        }
    }
    let key_schema = json!({ "type": "string", "pattern": idempotency_key_pattern() });
    for operation in operations(doc) {
        let mut takes_input = operation.get("requestBody").is_some();
        let parameters = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut);
        for p in parameters.into_iter().flatten() {
            takes_input = true;
            if p["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(idempotency::HEADER))
            {
                merge(&mut p["schema"], &key_schema);
            }
        }
        if takes_input && operation["responses"].get("400").is_none() {
            operation["responses"]["400"] = json!({
                "description": "`invalid_input`: a malformed path parameter, query parameter, header or body",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiErrorBody"}}},
            });
        }
    }
}

/// The shape of an `Idempotency-Key` ([`idempotency::key_of`]): 1–[`idempotency::MAX_KEY_CHARS`]
/// printable ASCII characters.
pub fn idempotency_key_pattern() -> String {
    format!("^[!-~]{{1,{}}}$", idempotency::MAX_KEY_CHARS)
}

/// What the table entries of this module name that the document `doc` lacks (none, or the
/// tables are wrong): `schema.field`, `schema` or `METHOD path name`.
pub fn unmatched(doc: &mut Value) -> Vec<String> {
    let mut missing = Vec::new();
    for (schema, field, _) in fields() {
        if property(doc, schema, field).is_none() {
            missing.push(format!("{schema}.{field}"));
        }
    }
    for (schema, _) in schemas() {
        if doc
            .pointer(&format!("/components/schemas/{schema}"))
            .is_none()
        {
            missing.push(schema.to_owned());
        }
    }
    for (path, method, name, _) in parameters() {
        if parameter(doc, path, method, name).is_none() {
            missing.push(format!("{method} {path} {name}"));
        }
    }
    missing
}

/// A text of [`NAME_PATTERN`] (lengths are the fields' own attributes).
fn name() -> Value {
    json!({ "pattern": NAME_PATTERN })
}

/// A free text of [`TEXT_PATTERN`].
fn text() -> Value {
    json!({ "pattern": TEXT_PATTERN })
}

/// A free text of [`NOTE_PATTERN`], possibly empty.
fn note() -> Value {
    json!({ "pattern": NOTE_PATTERN })
}

/// A phone number of [`PHONE_PATTERN`].
fn phone() -> Value {
    json!({ "pattern": PHONE_PATTERN, "examples": ["13800138000"] })
}

/// Points or units that may be positive or negative but never 0.
fn non_zero() -> Value {
    json!({ "not": { "const": 0 } })
}

/// The fields of component schemas: `(schema, property, what to add)`.
fn fields() -> Vec<(&'static str, &'static str, Value)> {
    let groups =
        json!({ "items": { "enum": jifen_shared::people::GROUP_TAGS }, "uniqueItems": true });
    vec![
        // 积分 — points.
        ("AwardRequest", "reason", name()),
        ("AwardRequest", "points", non_zero()),
        ("NewRule", "name", name()),
        ("NewRule", "points", non_zero()),
        ("NewRule", "groups", groups.clone()),
        ("RuleUpdate", "name", name()),
        ("RuleUpdate", "points", non_zero()),
        ("RuleUpdate", "groups", groups),
        ("RuleSettingUpdate", "points", non_zero()),
        ("PointsRange", "min", non_zero()),
        ("PointsRange", "max", non_zero()),
        ("NewClaim", "note", note()),
        ("RejectClaim", "reason", name()),
        ("CorrectionRequest", "reason", name()),
        // 积分超市 — the points supermarket.
        ("NewShop", "name", name()),
        ("ShopUpdate", "name", name()),
        ("NewGoods", "name", name()),
        ("GoodsUpdate", "name", name()),
        ("StockChange", "delta", non_zero()),
        ("StockChange", "note", note()),
        ("NewShopPayment", "reference", name()),
        // 回收 and 五单 — recycling and services.
        ("CategoryUpdate", "name", name()),
        ("VillagerRef", "phone", phone()),
        ("ServiceTypeUpdate", "name", name()),
        ("NewOrder", "description", text()),
        ("NewOrder", "address", text()),
        ("Completion", "note", text()),
        ("NewRating", "comment", note()),
        ("CloseRectification", "follow_up", text()),
        // 人员与网格 — people and grids.
        ("CreateGrid", "name", name()),
        ("PersonUpdate", "name", name()),
        ("PersonUpdate", "household", name()),
        (
            "PersonUpdate",
            "tags",
            json!({ "items": { "maxLength": crate::people::import::MAX_TAG_CHARS, "pattern": NAME_PATTERN } }),
        ),
        ("PhoneChange", "phone", phone()),
        // 登录 — sign-in.
        ("PasswordLogin", "phone", phone()),
        ("OtpSend", "phone", phone()),
        ("OtpVerify", "phone", phone()),
        ("WechatBind", "phone", phone()),
    ]
}

/// Exactly one of `fields`, and not `null` (the server reads `null` as absent).
fn exactly_one_of(fields: &[&str]) -> Value {
    let given =
        |f: &&str| json!({ "required": [f], "properties": { *f: { "not": { "type": "null" } } } });
    json!({ "oneOf": fields.iter().map(given).collect::<Vec<_>>() })
}

/// Rules between the fields of a component schema: `(schema, what to add)`.
fn schemas() -> Vec<(&'static str, Value)> {
    vec![
        (
            "ScanRequest",
            exactly_one_of(&["qr_token", "short_code", "card_no"]),
        ),
        (
            "VillagerRef",
            exactly_one_of(&["member_code", "phone", "card_no"]),
        ),
        // By a rule (its points; the reason may be left out for the rule's name), or by
        // points with a reason.
        (
            "AwardRequest",
            json!({ "oneOf": [
                { "required": ["rule_id"], "properties": { "rule_id": { "not": { "type": "null" } }, "points": { "type": "null" } } },
                { "required": ["points", "reason"], "properties": { "points": { "not": { "type": "null" } }, "rule_id": { "type": "null" } } },
            ] }),
        ),
        // An award is corrected villager by villager: `user_id` names the villager.
        (
            "CorrectionRequest",
            json!({ "anyOf": [
                { "properties": { "kind": { "const": "claim" } } },
                { "required": ["user_id"], "properties": { "user_id": { "not": { "type": "null" } } } },
            ] }),
        ),
    ]
}

/// Parameters: `(path, method, name, what to add to its schema)`.
fn parameters() -> Vec<(&'static str, &'static str, &'static str, Value)> {
    let mut actions: Vec<&str> = jifen_shared::audit::ACTIONS.to_vec();
    actions.extend(jifen_shared::audit::action_families());
    vec![
        ("/api/v1/admin/people", "get", "phone", phone()),
        ("/api/v1/admin/people", "get", "q", name()),
        (
            "/api/v1/admin/audit",
            "get",
            "action",
            json!({ "enum": actions }),
        ),
        (
            "/api/v1/admin/audit",
            "get",
            "format",
            json!({ "enum": ["json", "csv"] }),
        ),
        (
            "/api/v1/admin/reports/overview",
            "get",
            "format",
            json!({ "enum": ["json", "csv"] }),
        ),
        (
            "/api/v1/admin/reports/overview",
            "get",
            "table",
            json!({ "enum": jifen_shared::reports::TABLES }),
        ),
        (
            "/api/v1/shop/settlements",
            "get",
            "format",
            json!({ "enum": ["json", "csv", "xlsx"] }),
        ),
        (
            "/api/v1/admin/rectifications",
            "get",
            "status",
            json!({ "enum": ["open", "closed"] }),
        ),
        // The villager role is the registry's: neither granted nor revoked by hand.
        (
            "/api/v1/admin/users/{id}/roles/{role}/{region_code}",
            "delete",
            "role",
            json!({ "not": { "const": "villager" } }),
        ),
    ]
}

/// The schema of property `field` of component schema `schema`.
fn property<'a>(doc: &'a mut Value, schema: &str, field: &str) -> Option<&'a mut Value> {
    doc.pointer_mut(&format!("/components/schemas/{schema}/properties/{field}"))
}

/// The parameter `name` of the operation `method` of `path`.
fn parameter<'a>(
    doc: &'a mut Value,
    path: &str,
    method: &str,
    name: &str,
) -> Option<&'a mut Value> {
    doc["paths"]
        .get_mut(path)?
        .get_mut(method)?
        .get_mut("parameters")?
        .as_array_mut()?
        .iter_mut()
        .find(|p| p["name"] == name)
}

/// Every operation of the document.
fn operations(doc: &mut Value) -> impl Iterator<Item = &mut Value> {
    doc["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|paths| paths.values_mut())
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
        .filter(|operation| operation.get("responses").is_some())
}

/// Adds `patch` to `target`: objects key by key (recursively), anything else replaced.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_adds_keys_and_keeps_the_rest() {
        let mut target = json!({"type": "string", "description": "x", "items": {"a": 1}});
        merge(&mut target, &json!({"pattern": "^a$", "items": {"b": 2}}));
        assert_eq!(
            target,
            json!({"type": "string", "description": "x", "pattern": "^a$", "items": {"a": 1, "b": 2}})
        );
    }
}
