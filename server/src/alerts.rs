//! Alerts, on the server: the watcher looks at the rules every few seconds
//! ([`app::alerts::look`]), and the courier makes the webhook calls the looks wrote.
//!
//! A call is a POST of the JSON body with `X-Custsync-Event`, `X-Custsync-Delivery`,
//! `X-Custsync-Timestamp` (Unix seconds) and `X-Custsync-Signature: sha256=<hex>`, the
//! HMAC-SHA256 of `<timestamp>.<body>` under the webhook's secret (the receiver checks it, and
//! refuses an old timestamp). A 2xx answer delivers it; anything else (an error status, no
//! answer within [`CALL_TIMEOUT`], no connection) is tried again after a delay that doubles
//! each time, up to [`MAX_ATTEMPTS`] attempts. Each call is leased while it is made, so with
//! several instances one of them makes it; none of this runs inside a job.

use std::time::Duration;

use app::storage::{webhooks::Delivery, Db};
use chrono::Utc;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use tokio::sync::watch;

/// How long a receiver gets to answer one call.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts before a call is given up (with a first retry after 30 s: 30 s, 1, 2, 4, 8, 16 min
/// and 32 min — about an hour in all).
pub const MAX_ATTEMPTS: i64 = 8;
/// The longest wait between two attempts.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(3_600);
/// How often the courier looks for calls to make.
const COURIER_TICK: Duration = Duration::from_secs(1);
/// Calls made at once by one instance.
const CALLS_AT_ONCE: i64 = 16;

/// How the alerts run in this instance.
#[derive(Debug, Clone)]
pub struct AlertSettings {
    /// How often the rules are looked at.
    pub look_every: Duration,
    /// The wait before a failed call's first retry (doubled for each one after).
    pub first_retry: Duration,
    /// This site's address as people reach it, for the links in the calls (no trailing slash).
    pub site_url: String,
    /// The instance's name, for the calls' leases.
    pub instance: String,
}

/// The wait after attempt `attempts` (1 for the first) failed, or `None` to give up.
pub fn retry_delay(attempts: i64, first_retry: Duration) -> Option<Duration> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doubling = 2u32.saturating_pow(u32::try_from(attempts.max(1) - 1).unwrap_or(u32::MAX));
    Some(first_retry.saturating_mul(doubling).min(MAX_RETRY_DELAY))
}

/// The signature header's value: `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes a key of any length; `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Starts the watcher and the courier; both end when `stop` turns true.
pub fn spawn(
    db: Db,
    settings: AlertSettings,
    stop: watch::Receiver<bool>,
) -> [tokio::task::JoinHandle<()>; 2] {
    [
        tokio::spawn(watch_rules(db.clone(), settings.clone(), stop.clone())),
        tokio::spawn(carry_calls(db, settings, stop)),
    ]
}

/// Looks at the rules every `look_every` until `stop`.
async fn watch_rules(db: Db, settings: AlertSettings, mut stop: watch::Receiver<bool>) {
    let mut failing = false;
    // The first look after one interval: by then the scheduler has started the jobs that
    // came due while custsync was stopped, so a restart does not fire "job stalled" at once.
    tokio::select! {
        () = tokio::time::sleep(settings.look_every) => {}
        _ = stop.changed() => {}
    }
    while !*stop.borrow() {
        match app::alerts::look(&db, Utc::now(), &settings.site_url).await {
            Ok(_) => failing = false,
            // Said once per spell (the database down, say), not at every look.
            Err(error) if !failing => {
                failing = true;
                tracing::warn!(%error, "the alert rules cannot be looked at");
            }
            Err(_) => {}
        }
        tokio::select! {
            () = tokio::time::sleep(settings.look_every) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Makes the due webhook calls every [`COURIER_TICK`] until `stop`.
async fn carry_calls(db: Db, settings: AlertSettings, mut stop: watch::Receiver<bool>) {
    let client = match reqwest::Client::builder()
        .timeout(CALL_TIMEOUT)
        .connect_timeout(CALL_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("custsync/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "no HTTP client for the webhooks: no webhook is called");
            return;
        }
    };
    let mut failing = false;
    while !*stop.borrow() {
        match deliver_due(&db, &client, &settings, Utc::now()).await {
            Ok(_) => failing = false,
            Err(error) if !failing => {
                failing = true;
                tracing::warn!(%error, "the webhook calls cannot be read");
            }
            Err(_) => {}
        }
        tokio::select! {
            () = tokio::time::sleep(COURIER_TICK) => {}
            _ = stop.changed() => {}
        }
    }
}

/// Makes every call that is due at `now` (side by side) and notes how each went; returns how
/// many were made.
pub async fn deliver_due(
    db: &Db,
    client: &reqwest::Client,
    settings: &AlertSettings,
    now: chrono::DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    // Held a little longer than one call can take, so a stopped instance's call is made again.
    let until = now + chrono::Duration::from_std(CALL_TIMEOUT * 3).unwrap_or_default();
    let calls = db
        .lease_deliveries(&settings.instance, now, until, CALLS_AT_ONCE)
        .await?;
    let made = calls.len();
    let outcomes =
        futures::future::join_all(calls.iter().map(|call| call_once(client, call))).await;
    for (call, outcome) in calls.iter().zip(outcomes) {
        let settled = now.max(Utc::now());
        let outcome = outcome.map_err(|error| {
            let retry = retry_delay(call.attempts + 1, settings.first_retry)
                .and_then(|d| chrono::Duration::from_std(d).ok())
                .map(|d| settled + d);
            if retry.is_none() {
                tracing::warn!(delivery = call.id, %error, "webhook call given up");
            }
            (error, retry)
        });
        db.settle_delivery(
            call.id,
            settled,
            outcome
                .as_ref()
                .map(|_| ())
                .map_err(|(e, r)| (e.as_str(), *r)),
        )
        .await?;
    }
    Ok(made)
}

/// Makes one call; the error is said in custsync's words (never the receiver's text).
async fn call_once(client: &reqwest::Client, call: &Delivery) -> Result<(), String> {
    let timestamp = Utc::now().timestamp();
    let answer = client
        .post(&call.url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Custsync-Event", &call.event)
        .header("X-Custsync-Delivery", call.id.to_string())
        .header("X-Custsync-Timestamp", timestamp.to_string())
        .header(
            "X-Custsync-Signature",
            signature(&call.secret, timestamp, &call.body),
        )
        .body(call.body.clone())
        .send()
        .await;
    match answer {
        Ok(answer) if answer.status().is_success() => Ok(()),
        Ok(answer) => Err(format!("HTTP {}", answer.status().as_u16())),
        Err(error) if error.is_timeout() => {
            Err(format!("no answer within {} s", CALL_TIMEOUT.as_secs()))
        }
        Err(error) if error.is_connect() => Err("could not connect".to_owned()),
        Err(_) => Err("the call failed".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_twice_as_long_each_time_and_stop_after_the_last_attempt() {
        let first = Duration::from_secs(30);
        assert_eq!(retry_delay(1, first), Some(Duration::from_secs(30)));
        assert_eq!(retry_delay(2, first), Some(Duration::from_secs(60)));
        assert_eq!(retry_delay(7, first), Some(Duration::from_secs(1_920)));
        assert_eq!(retry_delay(MAX_ATTEMPTS, first), None);
        assert_eq!(
            retry_delay(6, Duration::from_secs(600)),
            Some(MAX_RETRY_DELAY),
            "never longer than an hour"
        );
    }

    #[test]
    fn the_signature_is_the_hmac_sha256_of_the_timestamp_a_dot_and_the_body() {
        // Computed apart: python3 -c "import hmac, hashlib; print(hmac.new(b'a-secret-of-24-
        // characters', b'1700000000.{\"event\":\"alert.fired\"}', hashlib.sha256).hexdigest())"
        assert_eq!(
            signature(
                "a-secret-of-24-characters",
                1_700_000_000,
                r#"{"event":"alert.fired"}"#
            ),
            "sha256=81af2678842c2f155a79c8f8f6dc1f37b523d5924d64a5451bde0df4c3868a9b"
        );
    }
}
