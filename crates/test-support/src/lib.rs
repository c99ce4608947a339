//! What the tests of several crates share, in one place: a fresh PostgreSQL database per test
//! (`postgres::TestDatabase`), a private PostgreSQL server a test may stop and start
//! (`postgres::PostgresServer`), and a real S3-compatible server (`s3::S3Server`, moto). A
//! missing tool fails the test with a message saying how to install it, never skips it.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test support fails by panicking

pub mod postgres;
pub mod s3;
