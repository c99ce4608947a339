//! The blob store: every `check_*` runs on the local folder and on a real S3-compatible
//! server (moto, started by the test; the test fails when it is not installed).

use amtsweg_store::blob::{BlobError, BlobStore, S3Config, S3Credentials};
use bytes::Bytes;
use sha2::Digest;
use tokio::io::AsyncReadExt;

use amtsweg_test_support::s3 as s3_server;
use s3_server::S3Server;

/// What a backend holds, to check that failed uploads leave nothing.
trait Inspect {
    /// Every stored object or file, finished or temporary.
    fn leftovers(&self) -> Vec<String>;
}

struct Folder(tempfile::TempDir);

impl Inspect for Folder {
    fn leftovers(&self) -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push(path.display().to_string());
                }
            }
        }
        let mut out = Vec::new();
        walk(self.0.path(), &mut out);
        out
    }
}

struct Bucket {
    server: S3Server,
    name: String,
}

impl Inspect for Bucket {
    fn leftovers(&self) -> Vec<String> {
        let mut keys = self.server.keys(&self.name);
        let open = self.server.open_multipart_uploads(&self.name);
        if open > 0 {
            keys.push(format!("{open} unfinished multipart upload(s)"));
        }
        keys
    }
}

async fn local() -> (BlobStore, Folder) {
    let dir = tempfile::tempdir().expect("dir");
    let blobs = BlobStore::open(dir.path()).await.expect("open");
    (blobs, Folder(dir))
}

async fn s3() -> (BlobStore, Bucket) {
    let server = S3Server::start();
    let name = "amtsweg-documents".to_string();
    server.create_bucket(&name);
    let blobs = BlobStore::open_s3(&S3Config {
        bucket: name.clone(),
        endpoint: Some(server.endpoint.clone()),
        region: Some("eu-central-1".into()),
        prefix: "amtsweg/".into(),
        credentials: Some(S3Credentials::new(
            s3_server::ACCESS_KEY_ID,
            s3_server::SECRET_ACCESS_KEY,
        )),
    })
    .await
    .expect("open the S3 store");
    (blobs, Bucket { server, name })
}

macro_rules! blob_conformance {
    ($($check:ident),* $(,)?) => {
        mod on_folder {
            $(
                #[tokio::test]
                async fn $check() {
                    let (blobs, inspect) = super::local().await;
                    super::$check(&blobs, &inspect).await;
                }
            )*
        }
        mod on_s3 {
            $(
                #[tokio::test]
                async fn $check() {
                    let (blobs, inspect) = super::s3().await;
                    super::$check(&blobs, &inspect).await;
                }
            )*
        }
    };
}

blob_conformance!(
    check_refused_uploads_leave_nothing_behind,
    check_large_uploads_stream_and_read_back,
);

fn chunks(n: usize, size: usize, byte: u8) -> Vec<Result<Bytes, std::io::Error>> {
    (0..n).map(|_| Ok(Bytes::from(vec![byte; size]))).collect()
}

async fn read_all(blobs: &BlobStore, sha256: &str) -> Vec<u8> {
    let mut reader = blobs.open_blob(sha256).await.expect("open blob");
    let mut out = Vec::new();
    reader.read_to_end(&mut out).await.expect("read blob");
    assert_eq!(reader.size(), out.len() as u64);
    out
}

async fn check_refused_uploads_leave_nothing_behind(blobs: &BlobStore, inspect: &dyn Inspect) {
    // over the limit: refused as soon as the limit is passed
    let result = blobs
        .put_stream(
            futures_util::stream::iter(chunks(10, 1000, b'%')),
            5_000,
            &|_| Ok(()),
        )
        .await;
    assert!(
        matches!(result, Err(BlobError::TooLarge { limit: 5_000 })),
        "{result:?}"
    );
    // refused by its first bytes
    let refused = blobs
        .put_stream(
            futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(
                b"MZ\x90\0 not a pdf at all",
            ))]),
            5_000,
            &|_| Err(None),
        )
        .await;
    assert!(
        matches!(refused, Err(BlobError::Rejected { sniffed: None })),
        "{refused:?}"
    );
    // empty
    let empty = blobs
        .put_stream(futures_util::stream::iter(chunks(0, 0, 0)), 5_000, &|_| {
            Ok(())
        })
        .await;
    assert!(matches!(empty, Err(BlobError::Empty)), "{empty:?}");
    // the client goes away in the middle of a multi-part upload (past the first 5 MiB part)
    let mut broken = chunks(7, 1024 * 1024, b'%');
    broken.push(Err(std::io::Error::other("connection reset")));
    let cut = blobs
        .put_stream(futures_util::stream::iter(broken), 100 << 20, &|_| Ok(()))
        .await;
    assert!(matches!(cut, Err(BlobError::Upload(_))), "{cut:?}");
    let left = inspect.leftovers();
    assert!(left.is_empty(), "failed uploads left {left:?}");

    let stored = blobs
        .put_bytes(b"%PDF-1.4 hello".to_vec())
        .await
        .expect("put");
    assert_eq!(stored.size, 14);
    assert_eq!(read_all(blobs, &stored.sha256).await, b"%PDF-1.4 hello");
    assert!(blobs.open_blob("../../etc/passwd").await.is_err());
    let missing = blobs.open_blob(&"0".repeat(64)).await;
    assert!(
        matches!(&missing, Err(BlobError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound),
        "{:?}",
        missing.err()
    );
    assert_eq!(inspect.leftovers().len(), 1, "{:?}", inspect.leftovers());
}

async fn check_large_uploads_stream_and_read_back(blobs: &BlobStore, inspect: &dyn Inspect) {
    // 12 MiB in 64 KiB chunks: three parts on S3, hashed while streaming
    let chunk: Vec<u8> = (0..64 * 1024).map(|i| (i % 251) as u8).collect();
    let expected: Vec<u8> = chunk.iter().copied().cycle().take(12 << 20).collect();
    let stream = futures_util::stream::iter(
        (0..192).map(|_| Ok::<_, std::io::Error>(Bytes::from(chunk.clone()))),
    );
    let stored = blobs
        .put_stream(stream, 12 << 20, &|head| {
            assert_eq!(head.len(), 16);
            Ok(())
        })
        .await
        .expect("put");
    assert_eq!(stored.size, 12 << 20);
    assert_eq!(stored.sha256, hex::encode(sha2::Sha256::digest(&expected)));
    assert_eq!(stored.head, expected[..16]);
    assert!(read_all(blobs, &stored.sha256).await == expected);
    // the same bytes again: one stored object
    let again = blobs.put_bytes(expected.clone()).await.expect("again");
    assert_eq!(again, stored);
    assert_eq!(inspect.leftovers().len(), 1, "{:?}", inspect.leftovers());
}
