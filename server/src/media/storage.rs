//! Where photos live: the `media` table (one row per upload, see
//! `migrations/*/0013_media.sql`) and the files, stored once per content as
//! `media/<first two hex digits>/<sha256>.jpg` with the thumbnail beside it as
//! `<sha256>.thumb.jpg` — under the data directory (the default), or under the same keys in
//! an S3-compatible bucket ([`PhotoStore`], `JIFEN_MEDIA_S3_*`), which several servers behind
//! a load balancer share.
//!
//! [`super::visible_to`] is the one place that decides who sees a photo.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::ObjectStore;

use crate::storage::Db;

/// One stored upload (a row of `media`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredMedia {
    pub id: i64,
    /// Who uploaded it (`people.id`).
    pub uploader_id: i64,
    /// Lower-case hex SHA-256 of the full-size file: its name on disk.
    pub sha256: String,
    /// Of the full-size picture, in pixels.
    pub width: i64,
    pub height: i64,
    /// Size of the full-size file, in bytes.
    pub bytes: i64,
    /// UTC milliseconds.
    pub created_at: i64,
}

const COLUMNS: &str = "id, uploader_id, sha256, width, height, bytes, created_at";

/// A new upload's row (the files are already written).
pub struct NewMedia<'a> {
    pub uploader_id: i64,
    pub sha256: &'a str,
    /// Pixels.
    pub width: u32,
    pub height: u32,
    /// Size of the full-size file, in bytes.
    pub bytes: usize,
    /// UTC milliseconds.
    pub created_at: i64,
}

/// Records an upload; returns its id. Every upload gets its own row, even of a picture stored
/// before (the file is shared).
pub async fn insert(db: &Db, media: &NewMedia<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO media (uploader_id, sha256, width, height, bytes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(media.uploader_id)
    .bind(media.sha256)
    .bind(i64::from(media.width))
    .bind(i64::from(media.height))
    .bind(media.bytes as i64)
    .bind(media.created_at)
    .fetch_one(db.writer())
    .await
}

/// The upload `id`, whoever may see it (use [`super::visible_to`] to serve it).
pub async fn find(db: &Db, id: i64) -> Result<Option<StoredMedia>, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM media WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await
}

/// The upload `id` if it is public, whoever asks (signed in or not): the photo of goods of a
/// points supermarket, shown in the public goods list.
pub async fn public(db: &Db, id: i64) -> Result<Option<StoredMedia>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM media m WHERE m.id = $1 \
         AND EXISTS (SELECT 1 FROM shop_goods g WHERE g.photo_id = m.id)"
    ))
    .bind(id)
    .fetch_optional(db.reader())
    .await
}

/// For code that attaches photos to something (a claim, a service order, goods): those of
/// `ids` that `uploader_id` did not upload or that do not exist, each once in the order of
/// `ids`, as the text `3, 7` for the refusal; `None` when every one is theirs — nobody attaches
/// another person's photo. Read through `exec`, a transaction (`&mut **tx`) or a pool
/// (`db.reader()`).
pub async fn not_owned<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    uploader_id: i64,
    ids: &[i64],
) -> Result<Option<String>, sqlx::Error> {
    let wanted = unique(ids);
    if wanted.is_empty() {
        return Ok(None);
    }
    // Integers only: formatting them into the statement is safe, and one statement serves
    // any number of ids on both databases.
    let list: Vec<String> = wanted.iter().map(i64::to_string).collect();
    let owned: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM media WHERE uploader_id = $1 AND id IN ({})",
        list.join(", ")
    ))
    .bind(uploader_id)
    .fetch_all(exec)
    .await?;
    let foreign: Vec<String> = wanted
        .iter()
        .filter(|id| !owned.contains(id))
        .map(i64::to_string)
        .collect();
    Ok((!foreign.is_empty()).then(|| foreign.join(", ")))
}

/// `ids` without repeats, in the order of their first appearance.
pub fn unique(ids: &[i64]) -> Vec<i64> {
    // A set, not `Vec::contains`: a request may carry tens of thousands of ids.
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// Which file of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// The full-size picture, `<sha256>.jpg`.
    Full,
    /// The thumbnail, `<sha256>.thumb.jpg`.
    Thumb,
}

/// The directory of all media files: `<data_dir>/media`.
pub fn media_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("media")
}

/// Where a picture's file is (whether it exists or not); `None` when `sha256` is not 64
/// lower-case hex digits (never turned into a path).
pub fn file_path(data_dir: &Path, sha256: &str, variant: Variant) -> Option<PathBuf> {
    let name = file_name(sha256, variant)?;
    Some(media_dir(data_dir).join(&sha256[..2]).join(name))
}

/// A picture's file name, `<sha256>.jpg` or `<sha256>.thumb.jpg`; `None` when `sha256` is not
/// 64 lower-case hex digits.
fn file_name(sha256: &str, variant: Variant) -> Option<String> {
    let hex = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    hex.then(|| match variant {
        Variant::Full => format!("{sha256}.jpg"),
        Variant::Thumb => format!("{sha256}.thumb.jpg"),
    })
}

/// Writes both files of a picture unless they are there already (same name, same content).
/// Blocking: call inside `spawn_blocking`.
///
/// Errors: `InvalidInput` for a malformed hash; the file system's (full disk, permissions).
pub fn write_files(
    data_dir: &Path,
    sha256: &str,
    full: &[u8],
    thumb: &[u8],
) -> std::io::Result<()> {
    for (variant, bytes) in [(Variant::Thumb, thumb), (Variant::Full, full)] {
        let path = file_path(data_dir, sha256, variant)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a sha256"))?;
        write_once(&path, bytes)?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically — a temporary file beside it, synced, then renamed over
/// — unless `path` exists. Readers never see half a file; two uploads of the same picture at
/// once both rename identical content.
fn write_once(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().expect("a media path has a directory");
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("media");
    let temp = dir.join(format!(".{name}.{:016x}.tmp", rand::random::<u64>()));
    let written = (|| {
        let mut file = std::fs::File::create_new(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Where the photo files are kept (`JIFEN_MEDIA_S3_*`, [`crate::config::S3Settings`]).
#[derive(Debug, Clone)]
pub enum PhotoStore {
    /// Files under `<data dir>/media` ([`file_path`]), written atomically and synced.
    Local(PathBuf),
    /// Objects in an S3-compatible bucket, under `{prefix}media/…`; the prefix as the
    /// settings normalised it (empty, or ending with one `/`).
    S3 {
        /// The client of the bucket (object_store's S3 implementation).
        store: Arc<dyn ObjectStore>,
        /// Ends with `/` or is empty.
        prefix: String,
        /// `s3://bucket/prefix` at the endpoint, for messages.
        describe: String,
    },
}

/// A photo store that cannot be used: the bucket unreachable, the credentials refused, a
/// write or read failing.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data directory's (full disk, permissions, a malformed hash).
    #[error("{0}")]
    Files(#[from] std::io::Error),
    /// The bucket's: unreachable, credentials refused, an object missing.
    #[error("{describe}: {source}")]
    S3 {
        /// The bucket, for the log ([`PhotoStore::S3`]'s `describe`).
        describe: String,
        #[source]
        source: object_store::Error,
    },
}

impl StoreError {
    /// Whether the bucket answered that the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            StoreError::S3 {
                source: object_store::Error::NotFound { .. },
                ..
            }
        )
    }
}

impl PhotoStore {
    /// The store the settings name: the bucket of `settings.media_s3`, else
    /// `<data dir>/media`.
    ///
    /// Errors: the S3 client cannot be built from the settings.
    pub fn from_settings(settings: &crate::config::Settings) -> anyhow::Result<PhotoStore> {
        let Some(s3) = &settings.media_s3 else {
            return Ok(PhotoStore::Local(settings.data_dir.clone()));
        };
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&s3.bucket)
            .with_region(&s3.region)
            .with_access_key_id(&s3.access_key_id)
            .with_secret_access_key(s3.secret_access_key.expose())
            .with_client_options(
                object_store::ClientOptions::new()
                    .with_timeout(std::time::Duration::from_secs(30))
                    .with_connect_timeout(std::time::Duration::from_secs(5)),
            )
            .with_retry(object_store::RetryConfig {
                max_retries: 3,
                retry_timeout: std::time::Duration::from_secs(20),
                ..Default::default()
            });
        let at = match &s3.endpoint {
            Some(endpoint) => {
                builder = builder
                    .with_endpoint(endpoint)
                    .with_virtual_hosted_style_request(false)
                    .with_allow_http(endpoint.starts_with("http://"));
                format!(" at {endpoint}")
            }
            None => String::new(),
        };
        let store = builder
            .build()
            .map_err(|e| anyhow::anyhow!("JIFEN_MEDIA_S3_*: {e}"))?;
        let prefix = s3.prefix.clone();
        Ok(PhotoStore::S3 {
            store: Arc::new(store),
            describe: format!("s3://{}/{prefix}{at}", s3.bucket),
            prefix,
        })
    }

    /// Checks at start-up that the store can be used: the bucket answers a listing with
    /// these credentials (nothing to check for a directory, made when first written).
    ///
    /// Errors: [`StoreError::S3`] with the service's reason (no such bucket, access
    /// denied, unreachable).
    pub async fn check(&self) -> Result<(), StoreError> {
        let PhotoStore::S3 {
            store,
            prefix,
            describe,
        } = self
        else {
            return Ok(());
        };
        let path = object_store::path::Path::from(format!("{prefix}media"));
        store
            .list_with_delimiter(Some(&path))
            .await
            .map(drop)
            .map_err(|source| StoreError::S3 {
                describe: describe.clone(),
                source,
            })
    }

    /// Writes both files of a picture (thumbnail first, so that a row is only ever written
    /// after both): a directory's unless there already (see [`write_files`]), a bucket's
    /// objects whole (an S3 PUT replaces atomically; the content of a name never changes).
    ///
    /// Errors: the file system's or the bucket's.
    pub async fn put(&self, sha256: &str, full: Vec<u8>, thumb: Vec<u8>) -> Result<(), StoreError> {
        match self {
            PhotoStore::Local(dir) => {
                let (dir, sha256) = (dir.clone(), sha256.to_owned());
                tokio::task::spawn_blocking(move || write_files(&dir, &sha256, &full, &thumb))
                    .await
                    .map_err(std::io::Error::other)??;
                Ok(())
            }
            PhotoStore::S3 {
                store, describe, ..
            } => {
                for (variant, bytes) in [(Variant::Thumb, thumb), (Variant::Full, full)] {
                    let key = self.key(sha256, variant).ok_or_else(|| {
                        std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a sha256")
                    })?;
                    store
                        .put(&key, bytes.into())
                        .await
                        .map_err(|source| StoreError::S3 {
                            describe: describe.clone(),
                            source,
                        })?;
                }
                Ok(())
            }
        }
    }

    /// A picture's file from a bucket; `None` for a directory (serve [`file_path`] instead)
    /// or a malformed hash.
    ///
    /// Errors: the bucket's (a missing object is `object_store::Error::NotFound` inside).
    pub async fn get(
        &self,
        sha256: &str,
        variant: Variant,
    ) -> Result<Option<bytes::Bytes>, StoreError> {
        let PhotoStore::S3 {
            store, describe, ..
        } = self
        else {
            return Ok(None);
        };
        let Some(key) = self.key(sha256, variant) else {
            return Ok(None);
        };
        let read = async { store.get(&key).await?.bytes().await };
        read.await.map(Some).map_err(|source| StoreError::S3 {
            describe: describe.clone(),
            source,
        })
    }

    /// The object key of a picture's file in a bucket; `None` for a malformed hash.
    fn key(&self, sha256: &str, variant: Variant) -> Option<object_store::path::Path> {
        let PhotoStore::S3 { prefix, .. } = self else {
            return None;
        };
        let name = file_name(sha256, variant)?;
        Some(object_store::path::Path::from(format!(
            "{prefix}media/{}/{name}",
            &sha256[..2]
        )))
    }
}
