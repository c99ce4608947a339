//! A real S3-compatible server for tests: moto (PyPI `moto[server]`, installed by
//! `scripts/install-test-deps`), started on a free loopback port and stopped when dropped.
//! `AMTSWEG_TEST_MOTO` names another command to start it with. When it is missing the test
//! fails with a message saying how to install it: a skipped S3 test would hide a broken store.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Test credentials; moto accepts any.
pub const ACCESS_KEY_ID: &str = "amtsweg-test";
pub const SECRET_ACCESS_KEY: &str = "amtsweg-test-secret";

pub struct S3Server {
    child: Child,
    pub endpoint: String,
    port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn spawn(program: &str, args: &[&str], port: &str) -> std::io::Result<Child> {
    Command::new(program)
        .args(args)
        .args(["-H", "127.0.0.1", "-p", port])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

impl S3Server {
    pub fn start() -> S3Server {
        let port = free_port();
        let port_text = port.to_string();
        let child = match std::env::var("AMTSWEG_TEST_MOTO") {
            Ok(command) => spawn(&command, &[], &port_text),
            Err(_) => spawn("moto_server", &[], &port_text)
                .or_else(|_| spawn("python3", &["-m", "moto.server"], &port_text)),
        };
        let mut child = child.unwrap_or_else(|e| {
            panic!(
                "the S3-compatible test server could not be started ({e}): install it with \
                 scripts/install-test-deps (PyPI moto[server], command moto_server), or name \
                 its command in AMTSWEG_TEST_MOTO"
            )
        });
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the S3-compatible test server (moto_server) ended at once ({status}); is \
                     PyPI moto[server] installed? scripts/install-test-deps installs it"
                );
            }
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!("the S3-compatible test server (moto_server) did not listen within 60 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
        }
    }

    /// Makes a bucket (moto takes unsigned requests; the store itself signs all of its own).
    pub fn create_bucket(&self, name: &str) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to moto");
        write!(
            stream,
            "PUT /{name} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            self.port
        )
        .expect("create bucket");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(
            answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200"),
            "creating bucket {name}: {}",
            answer.lines().next().unwrap_or("")
        );
    }

    /// The keys in a bucket (unsigned ListObjectsV2, read crudely from the XML).
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to moto");
        write!(
            stream,
            "GET /{bucket}?list-type=2 HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .expect("list bucket");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(str::to_string)
            .collect()
    }

    /// Multipart uploads begun and neither completed nor aborted.
    pub fn open_multipart_uploads(&self, bucket: &str) -> usize {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect to moto");
        write!(
            stream,
            "GET /{bucket}?uploads HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .expect("list uploads");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.matches("<UploadId>").count()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
