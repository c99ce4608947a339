//! Document bytes in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, …). An upload goes as
//! a multipart upload to `tmp/<uuid>` while it is hashed; when it is complete it is copied to
//! `sha256/<ab>/<hash>` and the temporary object is deleted. A failed upload is aborted (the
//! parts are dropped), so nothing shows under `sha256/`. Credentials come from the standard
//! environment variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, optionally
//! `AWS_SESSION_TOKEN`), never from the configuration file, and are never shown.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, RetryConfig, WriteMultipart};
use uuid::Uuid;

use super::{BlobError, BlobReader, Intake, StoredBlob};

/// Multipart part size: S3's smallest allowed part (except the last).
const PART_SIZE: usize = 5 * 1024 * 1024;
/// Parts uploaded at once; with the part being filled this bounds an upload's buffer to
/// (`PARTS_IN_FLIGHT` + 1) × `PART_SIZE`.
const PARTS_IN_FLIGHT: usize = 2;
/// Temporary objects older than this are leftovers of a crash (another instance may be
/// uploading a younger one right now).
const STALE_AFTER_SECS: i64 = 24 * 3600;
/// S3's CopyObject takes at most 5 GiB; larger uploads cannot be moved to their address.
pub const MAX_OBJECT_BYTES: u64 = 5 * 1024 * 1024 * 1024;

/// Where the bucket is. No secrets: those come from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Config {
    pub bucket: String,
    /// `https://s3.example:9000`; absent for AWS itself. `http://` is allowed (a store on the
    /// same host or network, e.g. in tests).
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Key prefix inside the bucket (`amtsweg/`), so a bucket can be shared.
    pub prefix: String,
    /// Explicit credentials; `None` takes AWS's usual chain from the environment
    /// (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, web identity, …).
    pub credentials: Option<S3Credentials>,
}

/// An access key. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Credentials {
    pub access_key_id: String,
    secret_access_key: String,
}

impl S3Credentials {
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
        }
    }
}

impl std::fmt::Debug for S3Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "S3Credentials({}, ***)", self.access_key_id)
    }
}

#[derive(Debug, Clone)]
pub(super) struct S3Blobs {
    store: Arc<AmazonS3>,
    prefix: Vec<String>,
    description: String,
}

fn remote(e: object_store::Error) -> BlobError {
    match e {
        object_store::Error::NotFound { .. } => {
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such blob").into()
        }
        other => BlobError::Remote(other.to_string()),
    }
}

impl S3Blobs {
    pub(super) async fn open(config: &S3Config) -> Result<Self, BlobError> {
        // from_env: the AWS_* credentials (and, unless configured here, region and endpoint)
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&config.bucket)
            .with_retry(RetryConfig {
                backoff: Default::default(),
                max_retries: 3,
                retry_timeout: Duration::from_secs(30),
            });
        if let Some(credentials) = &config.credentials {
            builder = builder
                .with_access_key_id(&credentials.access_key_id)
                .with_secret_access_key(&credentials.secret_access_key);
        }
        if let Some(region) = &config.region {
            builder = builder.with_region(region);
        }
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_allow_http(endpoint.starts_with("http://"))
                .with_endpoint(endpoint);
        }
        let store = builder
            .build()
            .map_err(|e| BlobError::Remote(e.to_string()))?;
        let prefix: Vec<String> = config
            .prefix
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let description = format!(
            "S3 bucket {}{} at {}",
            config.bucket,
            if prefix.is_empty() {
                String::new()
            } else {
                format!(" (prefix {}/)", prefix.join("/"))
            },
            config.endpoint.as_deref().unwrap_or("AWS")
        );
        let blobs = Self {
            store: Arc::new(store),
            prefix,
            description,
        };
        blobs.sweep_stale_uploads().await?;
        Ok(blobs)
    }

    /// Writes and deletes a small object under `tmp/`: the bucket takes writes now.
    pub(super) async fn probe(&self) -> Result<(), BlobError> {
        let key = self.key(&["tmp", &format!("ready-{}", Uuid::new_v4())]);
        self.store
            .put(&key, bytes::Bytes::from_static(b"ready").into())
            .await
            .map_err(remote)?;
        self.store.delete(&key).await.map_err(remote)
    }

    pub(super) fn describe(&self) -> String {
        self.description.clone()
    }

    fn key(&self, parts: &[&str]) -> Path {
        let all: Vec<&str> = self
            .prefix
            .iter()
            .map(String::as_str)
            .chain(parts.iter().copied())
            .collect();
        Path::from_iter(all)
    }

    fn address(&self, sha256: &str) -> Path {
        self.key(&["sha256", &sha256[..2], sha256])
    }

    /// Lists `tmp/` (which also proves the bucket is there and the credentials work) and
    /// deletes objects left there by a crash between completing an upload and moving it.
    #[allow(
        clippy::disallowed_methods,
        reason = "the age of an object in the bucket is measured against the bucket's wall clock, not the case clock"
    )]
    async fn sweep_stale_uploads(&self) -> Result<(), BlobError> {
        let tmp = self.key(&["tmp"]);
        let listing = self
            .store
            .list_with_delimiter(Some(&tmp))
            .await
            .map_err(|e| BlobError::Remote(e.to_string()))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        for object in listing.objects {
            if now - object.last_modified.timestamp() > STALE_AFTER_SECS {
                let _ = self.store.delete(&object.location).await;
            }
        }
        Ok(())
    }

    pub(super) async fn put_stream<S, E>(
        &self,
        mut body: S,
        mut intake: Intake<'_>,
    ) -> Result<StoredBlob, BlobError>
    where
        S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let name = Uuid::new_v4().to_string();
        let tmp = self.key(&["tmp", &name]);
        let upload = self.store.put_multipart(&tmp).await.map_err(remote)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_SIZE);
        let streamed = async {
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| BlobError::Upload(e.to_string()))?;
                intake.take(&chunk)?;
                // back-pressure: wait for a part to finish before buffering more
                writer
                    .wait_for_capacity(PARTS_IN_FLIGHT)
                    .await
                    .map_err(remote)?;
                writer.put(chunk);
            }
            Ok::<_, BlobError>(())
        }
        .await;
        let blob = match streamed.and_then(|()| intake.finish()) {
            Ok(blob) => blob,
            Err(e) => {
                let _ = writer.abort().await;
                return Err(e);
            }
        };
        if let Err(e) = writer.finish().await {
            let _ = self.store.delete(&tmp).await;
            return Err(remote(e));
        }
        let target = self.address(&blob.sha256);
        let moved = match self.store.head(&target).await {
            Ok(_) => Ok(()), // the same bytes are there already
            Err(object_store::Error::NotFound { .. }) => {
                self.store.copy(&tmp, &target).await.map_err(remote)
            }
            Err(e) => Err(remote(e)),
        };
        let _ = self.store.delete(&tmp).await;
        moved.map(|()| blob)
    }

    pub(super) async fn open_blob(&self, sha256: &str) -> Result<BlobReader, BlobError> {
        let result = self
            .store
            .get(&self.address(sha256))
            .await
            .map_err(remote)?;
        let size = result.meta.size;
        let stream = result.into_stream().map_err(std::io::Error::other);
        Ok(BlobReader {
            size,
            inner: Box::pin(tokio_util::io::StreamReader::new(stream)),
        })
    }
}
