//! Document bytes, addressed by their SHA-256: in a local folder (the default) or in an
//! S3-compatible object store ([`s3`]). An upload is streamed while it is hashed, counted and
//! sniffed, and made visible at its address only when it is complete (and, on disk, synced);
//! an upload that fails for any reason leaves nothing behind. Memory stays constant: one chunk
//! at a time on disk, a few multipart parts in flight to S3.

pub mod s3;

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::fs;
use tokio::io::{AsyncRead, AsyncWriteExt, ReadBuf};
use uuid::Uuid;

pub use s3::{S3Config, S3Credentials};

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the file is empty")]
    Empty,
    /// The first bytes show a content type that is not accepted.
    #[error("content type not accepted")]
    Rejected { sniffed: Option<&'static str> },
    #[error("reading the upload failed: {0}")]
    Upload(String),
    #[error("disk: {0}")]
    Io(#[from] std::io::Error),
    /// The object store refused or could not be reached.
    #[error("object store: {0}")]
    Remote(String),
}

/// Decides from the first bytes whether an upload is accepted; a refusal carries the
/// recognised content type, if any.
pub type HeadCheck = dyn Fn(&[u8]) -> Result<(), Option<&'static str>> + Send + Sync;

/// What is known of a stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    pub size: u64,
    /// The first bytes, for content sniffing.
    pub head: Vec<u8>,
}

/// Where the bytes of documents are kept.
#[derive(Debug, Clone)]
pub struct BlobStore {
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Local { root: PathBuf },
    S3(s3::S3Blobs),
}

const HEAD_LEN: usize = 16;

/// The checks every upload passes while it streams, whatever the backend: the size limit, the
/// content sniffing of the first bytes, and the hash.
struct Intake<'a> {
    limit: u64,
    accept: &'a HeadCheck,
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

impl<'a> Intake<'a> {
    fn new(limit: u64, accept: &'a HeadCheck) -> Self {
        Self {
            limit,
            accept,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::with_capacity(HEAD_LEN),
        }
    }

    /// Takes one chunk; fails as soon as the limit is passed or the first bytes are refused.
    fn take(&mut self, chunk: &[u8]) -> Result<(), BlobError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(BlobError::TooLarge { limit: self.limit });
        }
        if self.head.len() < HEAD_LEN {
            let take = (HEAD_LEN - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            if self.head.len() == HEAD_LEN {
                (self.accept)(&self.head).map_err(|sniffed| BlobError::Rejected { sniffed })?;
            }
        }
        self.hasher.update(chunk);
        Ok(())
    }

    fn finish(self) -> Result<StoredBlob, BlobError> {
        if self.size == 0 {
            return Err(BlobError::Empty);
        }
        if self.head.len() < HEAD_LEN {
            (self.accept)(&self.head).map_err(|sniffed| BlobError::Rejected { sniffed })?;
        }
        Ok(StoredBlob {
            sha256: hex::encode(self.hasher.finalize()),
            size: self.size,
            head: self.head,
        })
    }
}

/// Whether `sha256` is a blob address (64 lower-case hex digits), so that it can never name
/// another file or key.
fn is_address(sha256: &str) -> bool {
    sha256.len() == 64
        && sha256
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

/// A stored blob opened for reading, with its size.
pub struct BlobReader {
    size: u64,
    inner: Pin<Box<dyn AsyncRead + Send>>,
}

impl BlobReader {
    pub fn size(&self) -> u64 {
        self.size
    }
}

impl AsyncRead for BlobReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.inner.as_mut().poll_read(cx, buf)
    }
}

impl BlobStore {
    /// The local folder `root` (`documents/` in the data folder).
    pub async fn open(root: &Path) -> Result<Self, BlobError> {
        fs::create_dir_all(root.join("tmp")).await?;
        fs::create_dir_all(root.join("sha256")).await?;
        // leftovers of uploads cut off by a crash; a file written in the last minutes may
        // be an upload of another instance sharing this folder (bodies pause 30 s at most)
        let mut leftovers = fs::read_dir(root.join("tmp")).await?;
        while let Some(entry) = leftovers.next_entry().await? {
            let stale = entry
                .metadata()
                .await
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_none_or(|age| age >= STALE_TEMP_AGE);
            if stale {
                let _ = fs::remove_file(entry.path()).await;
            }
        }
        Ok(Self {
            backend: Backend::Local {
                root: root.to_path_buf(),
            },
        })
    }

    /// An S3-compatible bucket; fails when it cannot be reached with the credentials given.
    pub async fn open_s3(config: &S3Config) -> Result<Self, BlobError> {
        Ok(Self {
            backend: Backend::S3(s3::S3Blobs::open(config).await?),
        })
    }

    /// Where the documents are, for people (no credentials).
    pub fn describe(&self) -> String {
        match &self.backend {
            Backend::Local { root } => format!("folder {}", root.display()),
            Backend::S3(s3) => s3.describe(),
        }
    }

    /// Streams `body` into the store; fails with [`BlobError::TooLarge`] as soon as `limit` is
    /// passed, and with [`BlobError::Rejected`] as soon as the first bytes show a type `accept`
    /// refuses.
    pub async fn put_stream<S, E>(
        &self,
        body: S,
        limit: u64,
        accept: &HeadCheck,
    ) -> Result<StoredBlob, BlobError>
    where
        S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let intake = Intake::new(limit, accept);
        match &self.backend {
            Backend::Local { root } => put_local(root, body, intake).await,
            Backend::S3(s3) => s3.put_stream(body, intake).await,
        }
    }

    pub async fn put_bytes(&self, bytes: Vec<u8>) -> Result<StoredBlob, BlobError> {
        let limit = bytes.len() as u64;
        let stream = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
            bytes::Bytes::from(bytes),
        )]);
        self.put_stream(stream, limit, &|_| Ok(())).await
    }

    /// Whether documents can be stored now: writes, syncs and removes a small file (folder)
    /// or object (bucket) in `tmp/`.
    pub async fn check_writable(&self) -> Result<(), BlobError> {
        match &self.backend {
            Backend::Local { root } => {
                let path = root.join("tmp").join(format!("ready-{}", Uuid::new_v4()));
                let written = async {
                    let mut file = fs::File::create(&path).await?;
                    file.write_all(b"ready").await?;
                    file.sync_all().await
                }
                .await;
                let _ = fs::remove_file(&path).await;
                Ok(written?)
            }
            Backend::S3(s3) => s3.probe().await,
        }
    }

    /// Whether an error means that the disk (or the quota) is full.
    pub fn is_storage_full(error: &BlobError) -> bool {
        matches!(error, BlobError::Io(e) if e.kind() == std::io::ErrorKind::StorageFull || e.kind() == std::io::ErrorKind::QuotaExceeded)
    }

    /// Opens a blob for streaming out.
    pub async fn open_blob(&self, sha256: &str) -> Result<BlobReader, BlobError> {
        if !is_address(sha256) {
            return Err(std::io::Error::new(std::io::ErrorKind::NotFound, "bad address").into());
        }
        match &self.backend {
            Backend::Local { root } => {
                let file = fs::File::open(local_path(root, sha256)).await?;
                let size = file.metadata().await?.len();
                Ok(BlobReader {
                    size,
                    inner: Box::pin(file),
                })
            }
            Backend::S3(s3) => s3.open_blob(sha256).await,
        }
    }
}

fn local_path(root: &Path, sha256: &str) -> PathBuf {
    root.join("sha256").join(&sha256[..2]).join(sha256)
}

/// How old a temporary file must be to count as left over from a crash.
pub const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Removes a temporary file when the upload writing it is dropped half-way (its request cut
/// off, the server stopping), not only when it fails.
struct TempFile {
    path: std::path::PathBuf,
    kept: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// To a temporary file, synced, then renamed to its address (and the folder synced).
async fn put_local<S, E>(
    root: &Path,
    mut body: S,
    mut intake: Intake<'_>,
) -> Result<StoredBlob, BlobError>
where
    S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    let tmp = root.join("tmp").join(Uuid::new_v4().to_string());
    let mut guard = TempFile {
        path: tmp.clone(),
        kept: false,
    };
    let result = async {
        let mut file = fs::File::create(&tmp).await?;
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| BlobError::Upload(e.to_string()))?;
            intake.take(&chunk)?;
            file.write_all(&chunk).await?;
        }
        let blob = intake.finish()?;
        file.sync_all().await?;
        Ok(blob)
    }
    .await;
    match result {
        Ok(blob) => {
            let target = local_path(root, &blob.sha256);
            if let Some(dir) = target.parent() {
                fs::create_dir_all(dir).await?;
            }
            if fs::try_exists(&target).await? {
                fs::remove_file(&tmp).await?;
            } else {
                fs::rename(&tmp, &target).await?;
                guard.kept = true;
                if let Some(dir) = target.parent() {
                    // the rename is durable only when the directory is synced
                    fs::File::open(dir).await?.sync_all().await?;
                }
            }
            Ok(blob)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp).await;
            Err(e)
        }
    }
}
