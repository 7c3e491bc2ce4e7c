//! The audit log on the wire (`GET /admin/audit`).

use serde::{Deserialize, Serialize};

/// One recorded staff action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// The staff member who acted (`null` for the command line).
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// e.g. `grid.create`, `role.grant`, `villagers.import`.
    pub action: String,
    /// The region the action was about.
    pub region_code: String,
    /// What was acted on, e.g. `410783101230-001` or `person:42`.
    pub target: String,
    /// The state before (absent for creations), as recorded.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub before: Option<serde_json::Value>,
    /// The state after, as recorded.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub after: Option<serde_json::Value>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// Query of `GET /admin/audit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct AuditQuery {
    /// The region (and everything inside it); default: the caller's first admin region.
    pub region_code: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
