//! How often one account or one client may do something, kept per instance in memory (a
//! restart forgets it) and bounded in size whatever an attacker sends:
//!
//! - [`LoginThrottle`]: failed logins slow down the *pair* of account and client
//!   progressively (the person at another computer is not affected), the *client* across all
//!   accounts (password spraying), and the *account* across all clients only softly and
//!   briefly (a distributed guesser) — never a lock that a stranger can put on an account.
//! - [`ReadLimiter`]: case views per account and minute.
//! - [`AccessLog`]: which principal read which record in the current window, so the audit
//!   trail gets one entry per principal × record × window instead of one per page view.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Most entries any one table keeps (each is a few dozen bytes).
pub const MAX_ENTRIES: usize = 100_000;

/// A map that never holds more than [`MAX_ENTRIES`]: when full, entries no longer needed go
/// first, then arbitrary ones down to seven eighths (an attacker filling it can only make it
/// forget, never grow, and the scan that makes room runs once per eighth of the table, not on
/// every insert).
struct Table<K, V> {
    map: HashMap<K, V>,
}

impl<K: Hash + Eq + Clone, V> Table<K, V> {
    fn new() -> Self {
        Table {
            map: HashMap::new(),
        }
    }

    fn get_or_insert(
        &mut self,
        key: &K,
        make: impl FnOnce() -> V,
        needed: impl Fn(&V) -> bool,
    ) -> &mut V {
        if !self.map.contains_key(key) && self.map.len() >= MAX_ENTRIES {
            self.map.retain(|_, v| needed(v));
            let keep = MAX_ENTRIES / 8 * 7;
            if self.map.len() > keep {
                let surplus: Vec<K> = self
                    .map
                    .keys()
                    .take(self.map.len() - keep)
                    .cloned()
                    .collect();
                for key in surplus {
                    self.map.remove(&key);
                }
            }
        }
        self.map.entry(key.clone()).or_insert_with(make)
    }
}

/// Consecutive failures and the time of the last one.
#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: OffsetDateTime,
}

/// A bucket of allowed failures that refills over time.
#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: OffsetDateTime,
}

impl Bucket {
    fn refill(&mut self, now: OffsetDateTime, capacity: f64, per_second: f64) {
        let elapsed = (now - self.updated).as_seconds_f64().max(0.0);
        self.tokens = (self.tokens + elapsed * per_second).min(capacity);
        self.updated = now;
    }

    fn wait_for_one(&self, per_second: f64) -> i64 {
        ((1.0 - self.tokens) / per_second).ceil().max(1.0) as i64
    }
}

fn progressive(count: u32, free: u32, cap_secs: i64) -> Duration {
    if count < free {
        return Duration::ZERO;
    }
    let exponent = (count - free).min(16);
    Duration::seconds((1i64 << exponent).min(cap_secs))
}

/// See the module documentation.
pub struct LoginThrottle {
    pairs: Mutex<Table<[u8; 32], Failures>>,
    accounts: Mutex<Table<[u8; 32], Failures>>,
    clients: Mutex<Table<IpAddr, Bucket>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle {
            pairs: Mutex::new(Table::new()),
            accounts: Mutex::new(Table::new()),
            clients: Mutex::new(Table::new()),
        }
    }
}

impl LoginThrottle {
    /// Failures of one account from one client before each further one waits: 1 s, 2 s,
    /// 4 s, … up to [`Self::PAIR_MAX_DELAY_SECS`].
    pub const PAIR_FREE_FAILURES: u32 = 3;
    pub const PAIR_MAX_DELAY_SECS: i64 = 60;
    /// Failures of one account from all clients together before a short wait applies to
    /// everyone (at most [`Self::ACCOUNT_MAX_DELAY_SECS`]).
    pub const ACCOUNT_FREE_FAILURES: u32 = 10;
    pub const ACCOUNT_MAX_DELAY_SECS: i64 = 30;
    /// Failures are forgotten after this long without a new one.
    pub const MEMORY: Duration = Duration::hours(1);
    /// Failed logins one client may make across all accounts at once, and how fast that
    /// allowance comes back (one every 15 s: 240 an hour, far below spraying).
    pub const CLIENT_BURST: f64 = 20.0;
    pub const CLIENT_REFILL_PER_SEC: f64 = 1.0 / 15.0;

    fn key(parts: &[&[u8]]) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for part in parts {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        hasher.finalize().into()
    }

    fn client_bytes(client: Option<IpAddr>) -> Vec<u8> {
        client
            .map(|c| c.to_string().into_bytes())
            .unwrap_or_default()
    }

    fn wait_after(
        failures: Option<&Failures>,
        delay: impl Fn(u32) -> Duration,
        now: OffsetDateTime,
    ) -> Option<i64> {
        let f = failures?;
        if now - f.last >= Self::MEMORY {
            return None;
        }
        let until = f.last + delay(f.count);
        (now < until).then(|| (until - now).as_seconds_f64().ceil().max(1.0) as i64)
    }

    /// `Err(seconds to wait)` when this attempt must wait; checked before the password is.
    pub fn check(
        &self,
        login: &str,
        client: Option<IpAddr>,
        now: OffsetDateTime,
    ) -> Result<(), i64> {
        let client_bytes = Self::client_bytes(client);
        let mut wait = 0i64;
        if let Some(client) = client
            && let Ok(mut clients) = self.clients.lock()
            && let Some(bucket) = clients.map.get_mut(&client)
        {
            bucket.refill(now, Self::CLIENT_BURST, Self::CLIENT_REFILL_PER_SEC);
            if bucket.tokens < 1.0 {
                wait = wait.max(bucket.wait_for_one(Self::CLIENT_REFILL_PER_SEC));
            }
        }
        if let Ok(pairs) = self.pairs.lock() {
            let key = Self::key(&[login.as_bytes(), &client_bytes]);
            if let Some(secs) = Self::wait_after(
                pairs.map.get(&key),
                |n| progressive(n, Self::PAIR_FREE_FAILURES, Self::PAIR_MAX_DELAY_SECS),
                now,
            ) {
                wait = wait.max(secs);
            }
        }
        if let Ok(accounts) = self.accounts.lock() {
            let key = Self::key(&[login.as_bytes()]);
            if let Some(secs) = Self::wait_after(
                accounts.map.get(&key),
                |n| progressive(n, Self::ACCOUNT_FREE_FAILURES, Self::ACCOUNT_MAX_DELAY_SECS),
                now,
            ) {
                wait = wait.max(secs);
            }
        }
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    pub fn failed(&self, login: &str, client: Option<IpAddr>, now: OffsetDateTime) {
        let fresh = |f: &Failures| now - f.last < Self::MEMORY;
        let count = |f: &mut Failures| {
            if now - f.last >= Self::MEMORY {
                f.count = 0;
            }
            f.count += 1;
            f.last = now;
        };
        let empty = || Failures {
            count: 0,
            last: now,
        };
        if let Ok(mut pairs) = self.pairs.lock() {
            let key = Self::key(&[login.as_bytes(), &Self::client_bytes(client)]);
            count(pairs.get_or_insert(&key, empty, fresh));
        }
        if let Ok(mut accounts) = self.accounts.lock() {
            count(accounts.get_or_insert(&Self::key(&[login.as_bytes()]), empty, fresh));
        }
        if let Some(client) = client
            && let Ok(mut clients) = self.clients.lock()
        {
            let bucket = clients.get_or_insert(
                &client,
                || Bucket {
                    tokens: Self::CLIENT_BURST,
                    updated: now,
                },
                |b| now - b.updated < Self::MEMORY,
            );
            bucket.refill(now, Self::CLIENT_BURST, Self::CLIENT_REFILL_PER_SEC);
            // attempts are refused while it is empty: it never owes more than one refill
            bucket.tokens = (bucket.tokens - 1.0).max(0.0);
        }
    }

    /// A successful login clears the pair and the account (the client's allowance refills
    /// by time only: a sprayer who guesses one password is not rewarded).
    pub fn succeeded(&self, login: &str, client: Option<IpAddr>) {
        if let Ok(mut pairs) = self.pairs.lock() {
            pairs
                .map
                .remove(&Self::key(&[login.as_bytes(), &Self::client_bytes(client)]));
        }
        if let Ok(mut accounts) = self.accounts.lock() {
            accounts.map.remove(&Self::key(&[login.as_bytes()]));
        }
    }

    /// Entries kept, over all tables.
    pub fn len(&self) -> usize {
        let pairs = self.pairs.lock().map(|t| t.map.len()).unwrap_or(0);
        let accounts = self.accounts.lock().map(|t| t.map.len()).unwrap_or(0);
        let clients = self.clients.lock().map(|t| t.map.len()).unwrap_or(0);
        pairs + accounts + clients
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Case views per account: a bucket of `per_minute` that refills evenly.
pub struct ReadLimiter {
    per_minute: f64,
    accounts: Mutex<Table<Uuid, Bucket>>,
}

impl ReadLimiter {
    pub fn new(per_minute: u32) -> Self {
        ReadLimiter {
            per_minute: f64::from(per_minute.max(1)),
            accounts: Mutex::new(Table::new()),
        }
    }

    /// `Err(seconds to wait)` when the account has used its views for now.
    pub fn take(&self, account: Uuid, now: OffsetDateTime) -> Result<(), i64> {
        let Ok(mut accounts) = self.accounts.lock() else {
            return Ok(());
        };
        let (capacity, per_second) = (self.per_minute, self.per_minute / 60.0);
        let bucket = accounts.get_or_insert(
            &account,
            || Bucket {
                tokens: capacity,
                updated: now,
            },
            |b| now - b.updated < Duration::minutes(1),
        );
        bucket.refill(now, capacity, per_second);
        if bucket.tokens < 1.0 {
            return Err(bucket.wait_for_one(per_second));
        }
        bucket.tokens -= 1.0;
        Ok(())
    }
}

/// Who read what in the current window (see the module documentation).
pub struct AccessLog {
    recorded: Mutex<Table<[u8; 32], OffsetDateTime>>,
}

impl Default for AccessLog {
    fn default() -> Self {
        AccessLog {
            recorded: Mutex::new(Table::new()),
        }
    }
}

impl AccessLog {
    /// One audit entry covers the reads of one principal of one record for this long.
    pub const WINDOW: Duration = Duration::minutes(15);

    fn key(actor: &str, action: &str, object: &str) -> [u8; 32] {
        LoginThrottle::key(&[actor.as_bytes(), action.as_bytes(), object.as_bytes()])
    }

    /// Whether an entry for this read is already on record in the current window.
    pub fn covered(&self, actor: &str, action: &str, object: &str, now: OffsetDateTime) -> bool {
        self.recorded.lock().is_ok_and(|t| {
            t.map
                .get(&Self::key(actor, action, object))
                .is_some_and(|at| now - *at < Self::WINDOW)
        })
    }

    /// Notes that an entry was written (call only after it is durable).
    pub fn written(&self, actor: &str, action: &str, object: &str, now: OffsetDateTime) {
        if let Ok(mut t) = self.recorded.lock() {
            *t.get_or_insert(
                &Self::key(actor, action, object),
                || now,
                |at| now - *at < Self::WINDOW,
            ) = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: OffsetDateTime = time::macros::datetime!(2026-11-27 10:00 UTC);

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([203, 0, 113, last]))
    }

    #[test]
    fn failures_slow_the_guesser_not_the_owner_elsewhere() {
        let throttle = LoginThrottle::default();
        for _ in 0..LoginThrottle::PAIR_FREE_FAILURES {
            assert!(throttle.check("a@example.org", ip(1), T0).is_ok());
            throttle.failed("a@example.org", ip(1), T0);
        }
        // the guesser waits, progressively
        assert_eq!(throttle.check("a@example.org", ip(1), T0), Err(1));
        throttle.failed("a@example.org", ip(1), T0);
        assert_eq!(throttle.check("a@example.org", ip(1), T0), Err(2));
        // the owner at another computer logs in at once
        assert!(throttle.check("a@example.org", ip(2), T0).is_ok());
        // and the guesser's wait passes by itself
        assert!(
            throttle
                .check("a@example.org", ip(1), T0 + Duration::seconds(2))
                .is_ok()
        );
    }

    #[test]
    fn the_delay_is_bounded_and_never_a_lock() {
        let throttle = LoginThrottle::default();
        for _ in 0..50 {
            throttle.failed("a@example.org", ip(1), T0);
        }
        let wait = throttle
            .check("a@example.org", ip(1), T0)
            .err()
            .unwrap_or(0);
        assert!(wait <= LoginThrottle::PAIR_MAX_DELAY_SECS, "{wait}");
        // many clients at one account: everyone waits at most a little
        let throttle = LoginThrottle::default();
        for i in 0..200u8 {
            throttle.failed("b@example.org", ip(i), T0);
        }
        let wait = throttle
            .check("b@example.org", ip(250), T0)
            .err()
            .unwrap_or(0);
        assert!(
            wait > 0 && wait <= LoginThrottle::ACCOUNT_MAX_DELAY_SECS,
            "{wait}"
        );
    }

    #[test]
    fn spraying_one_password_over_many_accounts_is_stopped() {
        let throttle = LoginThrottle::default();
        let mut refused_at = None;
        for i in 0..100 {
            let account = format!("user{i}@example.org");
            if throttle.check(&account, ip(9), T0).is_err() {
                refused_at = Some(i);
                break;
            }
            throttle.failed(&account, ip(9), T0);
        }
        assert_eq!(refused_at, Some(LoginThrottle::CLIENT_BURST as i32));
        // another client is not affected
        assert!(throttle.check("user99@example.org", ip(10), T0).is_ok());
    }

    #[test]
    fn the_tables_stay_bounded() {
        let throttle = LoginThrottle::default();
        for i in 0..(MAX_ENTRIES + 10) {
            throttle.failed(&format!("{i}@example.org"), None, T0);
        }
        assert!(throttle.len() <= 2 * MAX_ENTRIES);
    }

    #[test]
    fn reads_are_limited_per_account_and_come_back() {
        let limiter = ReadLimiter::new(60);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        for _ in 0..60 {
            assert!(limiter.take(a, T0).is_ok());
        }
        assert_eq!(limiter.take(a, T0), Err(1));
        assert!(limiter.take(b, T0).is_ok());
        assert!(limiter.take(a, T0 + Duration::seconds(1)).is_ok());
    }

    #[test]
    fn one_entry_covers_a_window() {
        let log = AccessLog::default();
        assert!(!log.covered("u", "case.read", "case:1", T0));
        log.written("u", "case.read", "case:1", T0);
        assert!(log.covered("u", "case.read", "case:1", T0 + Duration::minutes(14)));
        assert!(!log.covered("u", "case.read", "case:2", T0));
        assert!(!log.covered("v", "case.read", "case:1", T0));
        assert!(!log.covered("u", "case.read", "case:1", T0 + AccessLog::WINDOW));
    }
}
