//! SQL for the `media` table.

use sqlx::Row;

use crate::storage::Tx;

/// Which of `ids` exist and were uploaded by `uploader_id`: `(id, sha256)`, by id.
pub async fn owned_by(
    tx: &mut Tx,
    uploader_id: i64,
    ids: &[i64],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    sqlx::query(&format!(
        "SELECT id, sha256 FROM media WHERE uploader_id = $1 AND id IN ({}) ORDER BY id",
        list.join(", ")
    ))
    .bind(uploader_id)
    .fetch_all(&mut **tx)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("sha256")?)))
    .collect()
}
