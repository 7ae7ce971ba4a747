//! One simulated channel: sends batches at its rate, reads its feed, maps GUIDs to accounts.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use anyhow::Context;
use app::model::{
    channel_api::{BatchReceipt, FeedPage, IncomingOperation, OperationBatch},
    Channel, OperationKind,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::seed::traffic;

/// How often a channel reads its feed.
const FEED_EVERY: Duration = Duration::from_secs(2);
/// How long a channel waits before sending a batch again after a 503.
const RESEND_AFTER: Duration = Duration::from_secs(1);
/// The most 503s a channel takes before it reports the batch as refused.
const MAX_RESENDS: u64 = 100;
/// Share of operations that edit a customer the channel created before.
const EDIT_SHARE: f64 = 0.3;

/// What one channel did.
#[derive(Debug, Default)]
pub struct ChannelTotals {
    pub operations: u64,
    pub batches: u64,
    pub rejected_batches: u64,
    /// Answers "database unreachable" (503), each followed by a resend or a later feed read.
    pub unavailable: u64,
    pub latencies: Vec<Duration>,
    pub feed_customers: u64,
    pub mapped: u64,
    /// Creates the API took.
    pub creates: u64,
    /// For each of our customers that reached the feed: from its create's receipt to the feed
    /// read that brought its real account (at most [`FEED_EVERY`] late).
    pub end_to_end: Vec<Duration>,
}

impl ChannelTotals {
    /// Adds another channel's totals to these.
    pub fn add(&mut self, other: ChannelTotals) {
        self.operations += other.operations;
        self.batches += other.batches;
        self.rejected_batches += other.rejected_batches;
        self.unavailable += other.unavailable;
        self.latencies.extend(other.latencies);
        self.feed_customers += other.feed_customers;
        self.mapped += other.mapped;
        self.creates += other.creates;
        self.end_to_end.extend(other.end_to_end);
    }
}

pub struct SimulatedChannel {
    channel: Channel,
    client: reqwest::Client,
    base: String,
    token: String,
    rng: ChaCha8Rng,
    /// Our customers: async account → real account once the feed told us.
    customers: HashMap<String, Option<String>>,
    /// When the API took each of our creates.
    posted: HashMap<String, Instant>,
    guids: Vec<String>,
    emails: Vec<String>,
    next_id: u64,
    run_id: String,
}

impl SimulatedChannel {
    pub fn new(
        channel: Channel,
        client: reqwest::Client,
        base: String,
        token: String,
        seed: u64,
    ) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Unique per run (the clock), so a second run never reuses an operation id for other
        // content, which the API rightly refuses.
        let run_id = format!(
            "sim-{:x}-{:04x}",
            chrono::Utc::now().timestamp_millis(),
            rng.random::<u16>()
        );
        Self {
            channel,
            client,
            base,
            token,
            rng,
            customers: HashMap::new(),
            posted: HashMap::new(),
            guids: Vec::new(),
            emails: Vec::new(),
            next_id: 0,
            run_id,
        }
    }

    /// Sends `rate` operations per second in batches of `batch` for `duration`, then keeps
    /// reading the feed for up to `settle` until every create came back with its account.
    pub async fn run(
        mut self,
        rate: f64,
        batch: usize,
        mistake_rate: f64,
        duration: Duration,
        settle: Duration,
    ) -> anyhow::Result<ChannelTotals> {
        let mut totals = ChannelTotals::default();
        let every = Duration::from_secs_f64(batch as f64 / rate.max(0.001));
        // Stores do not post in step with each other: each channel starts at a point of its
        // own within the period (from its seed), not all of them at the same instant.
        let phase = every.mul_f64(self.rng.random::<f64>());
        let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + phase, every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let started = Instant::now();
        let mut last_feed = Instant::now();
        while started.elapsed() < duration {
            ticker.tick().await;
            let ops: Vec<IncomingOperation> =
                (0..batch).map(|_| self.operation(mistake_rate)).collect();
            let creates: Vec<String> = ops
                .iter()
                .filter(|op| op.kind == OperationKind::Create)
                .map(|op| op.async_account.clone())
                .collect();
            let body = OperationBatch { operations: ops };
            let (response, sent) = loop {
                let sent = Instant::now();
                let response = self
                    .client
                    .post(format!("{}/api/v1/operations", self.base))
                    .bearer_auth(&self.token)
                    .json(&body)
                    .send()
                    .await
                    .context("posting a batch")?;
                // Like a POS: while HQ's database is unreachable, send the same batch again
                // a little later (it is idempotent).
                if response.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE
                    && totals.unavailable < MAX_RESENDS
                {
                    totals.unavailable += 1;
                    tokio::time::sleep(RESEND_AFTER).await;
                    continue;
                }
                break (response, sent);
            };
            totals.latencies.push(sent.elapsed());
            totals.batches += 1;
            if response.status().is_success() {
                let receipt: BatchReceipt = response.json().await.context("reading a receipt")?;
                totals.operations += receipt.received.len() as u64;
                totals.creates += creates.len() as u64;
                let received = Instant::now();
                for guid in creates {
                    self.posted.insert(guid, received);
                }
            } else {
                totals.rejected_batches += 1;
                tracing::warn!(channel = %self.channel.code, status = %response.status(), "batch refused");
            }
            if last_feed.elapsed() >= FEED_EVERY {
                self.read_feed(&mut totals).await?;
                last_feed = Instant::now();
            }
        }
        self.read_feed(&mut totals).await?;
        let settle_until = Instant::now() + settle;
        while Instant::now() < settle_until && totals.mapped < totals.creates {
            tokio::time::sleep(FEED_EVERY.min(settle_until - Instant::now())).await;
            self.read_feed(&mut totals).await?;
        }
        Ok(totals)
    }

    /// The next operation: an edit of one of our customers, or a new customer.
    fn operation(&mut self, mistake_rate: f64) -> IncomingOperation {
        self.next_id += 1;
        let channel_operation_id =
            format!("{}-{}-{}", self.run_id, self.channel.code, self.next_id);
        if !self.guids.is_empty() && self.rng.random_bool(EDIT_SHARE) {
            let guid = self.guids[self.rng.random_range(0..self.guids.len())].clone();
            let account = self.customers.get(&guid).cloned().flatten();
            return IncomingOperation {
                channel_operation_id,
                async_account: guid,
                customer_account: account,
                kind: OperationKind::Update,
                operation_at: chrono::Utc::now(),
                fields: traffic::edit_fields(&mut self.rng, &self.channel, mistake_rate),
            };
        }
        let guid = uuid::Uuid::new_v4().to_string();
        let taken = (!self.emails.is_empty())
            .then(|| self.emails[self.rng.random_range(0..self.emails.len())].clone());
        let fields = traffic::create_fields(&mut self.rng, &self.channel, mistake_rate, taken);
        if let Some(email) = fields
            .iter()
            .find(|f| f.field == "email")
            .and_then(|f| f.new_value.clone())
        {
            self.emails.push(email);
        }
        self.customers.insert(guid.clone(), None);
        self.guids.push(guid.clone());
        IncomingOperation {
            channel_operation_id,
            async_account: guid,
            customer_account: None,
            kind: OperationKind::Create,
            operation_at: chrono::Utc::now(),
            fields,
        }
    }

    /// Reads the feed after our cursor, replaces our GUIDs with real accounts, acknowledges.
    async fn read_feed(&mut self, totals: &mut ChannelTotals) -> anyhow::Result<()> {
        loop {
            let response = self
                .client
                .get(format!(
                    "{}/api/v1/channels/{}/customers?limit=1000",
                    self.base, self.channel.id
                ))
                .bearer_auth(&self.token)
                .send()
                .await
                .context("reading the feed")?;
            if response.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE {
                // HQ's database is unreachable: read again next time.
                totals.unavailable += 1;
                return Ok(());
            }
            let page: FeedPage = response
                .error_for_status()
                .context("reading the feed")?
                .json()
                .await
                .context("reading the feed")?;
            totals.feed_customers += page.customers.len() as u64;
            for customer in &page.customers {
                if let Some(slot) = customer
                    .async_account
                    .as_ref()
                    .and_then(|a| self.customers.get_mut(a))
                {
                    if slot.is_none() {
                        totals.mapped += 1;
                        let async_account = customer.async_account.as_deref().unwrap_or_default();
                        if let Some(posted) = self.posted.get(async_account) {
                            totals.end_to_end.push(posted.elapsed());
                        }
                    }
                    *slot = Some(customer.account.clone());
                }
            }
            if page.customers.is_empty() {
                return Ok(());
            }
            self.client
                .post(format!(
                    "{}/api/v1/channels/{}/customers/ack",
                    self.base, self.channel.id
                ))
                .bearer_auth(&self.token)
                .json(&serde_json::json!({ "cursor": page.next_cursor }))
                .send()
                .await
                .context("acknowledging the feed")?
                .error_for_status()
                .context("acknowledging the feed")?;
            if !page.has_more {
                return Ok(());
            }
        }
    }
}
