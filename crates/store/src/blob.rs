//! Document bytes on local disk, addressed by their SHA-256. An upload is streamed into a
//! temporary file while it is hashed, counted and sniffed, synced to disk, and only then moved
//! to its address; an upload that fails for any reason leaves nothing behind.

use std::path::{Path, PathBuf};

use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::fs;
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

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

#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

const HEAD_LEN: usize = 16;

impl BlobStore {
    pub async fn open(root: &Path) -> Result<Self, BlobError> {
        fs::create_dir_all(root.join("tmp")).await?;
        fs::create_dir_all(root.join("sha256")).await?;
        // leftovers of uploads cut off by a crash
        let mut leftovers = fs::read_dir(root.join("tmp")).await?;
        while let Some(entry) = leftovers.next_entry().await? {
            let _ = fs::remove_file(entry.path()).await;
        }
        Ok(Self {
            root: root.to_path_buf(),
        })
    }

    fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        let valid = sha256.len() == 64
            && sha256
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
        valid.then(|| self.root.join("sha256").join(&sha256[..2]).join(sha256))
    }

    /// Streams `body` to disk; fails with [`BlobError::TooLarge`] as soon as `limit` is passed,
    /// and with [`BlobError::Rejected`] as soon as the first bytes show a type `accept` refuses.
    pub async fn put_stream<S, E>(
        &self,
        mut body: S,
        limit: u64,
        accept: &HeadCheck,
    ) -> Result<StoredBlob, BlobError>
    where
        S: Stream<Item = Result<bytes::Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let tmp = self.root.join("tmp").join(Uuid::new_v4().to_string());
        let result = async {
            let mut file = fs::File::create(&tmp).await?;
            let mut hasher = Sha256::new();
            let mut size: u64 = 0;
            let mut head = Vec::with_capacity(HEAD_LEN);
            while let Some(chunk) = body.next().await {
                let chunk = chunk.map_err(|e| BlobError::Upload(e.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(BlobError::TooLarge { limit });
                }
                if head.len() < HEAD_LEN {
                    let take = (HEAD_LEN - head.len()).min(chunk.len());
                    head.extend_from_slice(&chunk[..take]);
                    if head.len() == HEAD_LEN {
                        accept(&head).map_err(|sniffed| BlobError::Rejected { sniffed })?;
                    }
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await?;
            }
            if size == 0 {
                return Err(BlobError::Empty);
            }
            if head.len() < HEAD_LEN {
                accept(&head).map_err(|sniffed| BlobError::Rejected { sniffed })?;
            }
            file.sync_all().await?;
            Ok(StoredBlob {
                sha256: hex::encode(hasher.finalize()),
                size,
                head,
            })
        }
        .await;
        match result {
            Ok(blob) => {
                let Some(target) = self.path_of(&blob.sha256) else {
                    let _ = fs::remove_file(&tmp).await;
                    return Err(BlobError::Upload("hash".into()));
                };
                if let Some(dir) = target.parent() {
                    fs::create_dir_all(dir).await?;
                }
                if fs::try_exists(&target).await? {
                    fs::remove_file(&tmp).await?;
                } else {
                    fs::rename(&tmp, &target).await?;
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

    pub async fn put_bytes(&self, bytes: Vec<u8>) -> Result<StoredBlob, BlobError> {
        let limit = bytes.len() as u64;
        let stream = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(
            bytes::Bytes::from(bytes),
        )]);
        self.put_stream(stream, limit, &|_| Ok(())).await
    }

    /// Opens a blob for streaming out.
    pub async fn open_blob(&self, sha256: &str) -> Result<fs::File, BlobError> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, "bad address"))?;
        Ok(fs::File::open(path).await?)
    }
}
