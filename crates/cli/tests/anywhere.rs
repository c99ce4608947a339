//! The binary runs from any folder: the shipped service definitions are built in, and
//! `--services-dir` reads a folder instead.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn demo_in_an_empty_folder_serves_the_built_in_services() {
    let empty = tempfile::tempdir().expect("dir");
    let mut child = amtsweg()
        .current_dir(empty.path())
        .args(["demo", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start amtsweg demo");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("demo ended before listening")
            .expect("read stdout");
        if let Some(rest) = line.strip_prefix("amtsweg listening on ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let services: Value = reqwest::get(format!("{base}/api/v1/services"))
        .await
        .expect("services")
        .json()
        .await
        .expect("json");
    let ids: Vec<&str> = services
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert!(ids.contains(&"baugenehmigung"), "{services}");
    assert!(ids.contains(&"gewerbeanmeldung"), "{services}");
    let ready = reqwest::get(format!("{base}/readyz"))
        .await
        .expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);
    let _ = child.kill();
    let _ = child.wait();
    // its data went to ./amtsweg-data of that folder
    assert!(empty.path().join("amtsweg-data/amtsweg.db").exists());
}

#[test]
fn config_check_names_where_the_services_come_from() {
    let empty = tempfile::tempdir().expect("dir");
    let built_in = amtsweg()
        .current_dir(empty.path())
        .args(["config", "check"])
        .output()
        .expect("config check");
    assert!(built_in.status.success());
    assert!(
        String::from_utf8_lossy(&built_in.stdout).contains("services built in"),
        "{}",
        String::from_utf8_lossy(&built_in.stdout)
    );
    let missing = amtsweg()
        .current_dir(empty.path())
        .args(["config", "check", "--services-dir", "gibt-es-nicht"])
        .output()
        .expect("config check");
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("services_dir"));
    let folder = amtsweg()
        .args(["config", "check", "--services-dir", "services"])
        .output()
        .expect("config check");
    assert!(folder.status.success());
    assert!(String::from_utf8_lossy(&folder.stdout).contains("services folder services"));
}
