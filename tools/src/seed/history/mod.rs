//! The demo simulation: channels create and edit customers over the past days, and each
//! operation gets the status the jobs would give it. Every operation is checked by the real
//! validation of `app::validate`; a Failed one failed there, with its real error.

use std::collections::{BTreeMap, HashMap};

use app::{
    model::{
        field::ATTRIBUTE_PREFIX, Channel, CustomerField, OperationField, OperationKind, SyncStatus,
    },
    validate::{validate_operation, ErrorCode, FieldError, Reason, ValidationContext},
};
use rand::{seq::IndexedRandom, Rng};
use rand_chacha::ChaCha8Rng;

mod endings;

use super::{
    mistakes::{self, Mistake},
    people::{email_local, locale_of},
    persona,
    plan::{self, Slot},
};

pub const MINUTE: i64 = 60_000_000;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
/// Operations received this recently have not been through the Synchronize job yet.
pub const UNPROCESSED_WINDOW: i64 = 45 * MINUTE;
/// Operations received this recently may still be retrying after a transient error.
const RETRY_WINDOW: i64 = 8 * HOUR;
/// Share of creates with a mistake, and of updates.
const CREATE_MISTAKE_RATE: f64 = 0.075;
const UPDATE_MISTAKE_RATE: f64 = 0.04;

/// One operation as it will be stored.
#[derive(Debug, Clone)]
pub struct SimOperation {
    pub id: i64,
    pub channel_id: i64,
    pub channel_operation_id: String,
    pub async_account: String,
    pub customer_account: Option<String>,
    pub legal_entity_id: String,
    pub kind: OperationKind,
    pub status: SyncStatus,
    pub operation_at: i64,
    pub received_at: i64,
    pub updated_at: i64,
    pub upload_session_id: i64,
    pub retry_count: i64,
    pub next_retry_at: Option<i64>,
    pub error: Option<FieldError>,
    pub fields: Vec<OperationField>,
}

/// A customer of the customer master.
#[derive(Debug, Clone)]
pub struct SimCustomer {
    pub account: String,
    pub legal_entity_id: String,
    pub async_account: String,
    pub origin_channel_id: i64,
    /// Standard fields by key (address fields included).
    pub fields: BTreeMap<&'static str, String>,
    pub attributes: BTreeMap<String, String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
}

/// An upload session: what one channel uploaded in one P-job cycle.
#[derive(Debug, Clone)]
pub struct SimSession {
    pub id: i64,
    pub operation_count: i64,
    /// When the upload reached headquarters.
    pub created_at: i64,
}

/// What a simulation starts from.
pub struct Setup {
    pub rng: ChaCha8Rng,
    /// The simulated present, in microseconds since the epoch.
    pub now: i64,
    pub days: u32,
    pub count: u64,
    /// Channels (ids set) with their share of operations.
    pub channels: Vec<(Channel, u32)>,
    /// Validation context per legal entity.
    pub contexts: HashMap<String, ValidationContext>,
    /// Account prefix and next number per legal entity.
    pub sequences: BTreeMap<String, (String, i64)>,
}

/// What HQ knows of an async account.
#[derive(Debug, Clone)]
struct AsyncCustomer {
    /// The real account once the create succeeded.
    account: Option<String>,
    channel: usize,
}

/// The simulation state.
pub struct Simulation {
    rng: ChaCha8Rng,
    now: i64,
    channels: Vec<Channel>,
    contexts: HashMap<String, ValidationContext>,
    slots: Vec<Slot>,
    next_slot: usize,
    pub sessions: Vec<SimSession>,
    next_operation_id: i64,
    channel_counters: Vec<i64>,
    /// Next number of each legal entity's account sequence.
    pub sequences: BTreeMap<String, (String, i64)>,
    pub customers: Vec<SimCustomer>,
    customer_index: HashMap<String, usize>,
    customers_by_entity: HashMap<String, Vec<usize>>,
    emails: HashMap<(String, String), String>,
    asyncs: HashMap<String, AsyncCustomer>,
    /// Async accounts whose create has not succeeded (edits behind them wait).
    stuck: Vec<String>,
}

impl Simulation {
    /// Plans the operations of `setup` and prepares an empty customer master.
    pub fn new(setup: Setup) -> Self {
        let Setup {
            mut rng,
            now,
            days,
            count,
            channels,
            contexts,
            sequences,
        } = setup;
        let (slots, sessions) = plan::plan(&mut rng, now, days, count, &channels, 1);
        let channel_count = channels.len();
        Self {
            rng,
            now,
            channels: channels.into_iter().map(|(c, _)| c).collect(),
            contexts,
            slots,
            next_slot: 0,
            sessions,
            next_operation_id: 1,
            channel_counters: vec![0; channel_count],
            sequences,
            customers: Vec::new(),
            customer_index: HashMap::new(),
            customers_by_entity: HashMap::new(),
            emails: HashMap::new(),
            asyncs: HashMap::new(),
            stuck: Vec::new(),
        }
    }

    /// The email of a random customer of `entity`, for a duplicate-email mistake.
    fn taken_email(&mut self, entity: &str) -> Option<String> {
        let index = *self
            .customers_by_entity
            .get(entity)?
            .choose(&mut self.rng)?;
        self.customers[index].fields.get("email").cloned()
    }

    /// How many operations are still to come.
    pub fn remaining(&self) -> usize {
        self.slots.len() - self.next_slot
    }

    /// The next operation, in time order.
    pub fn next_operation(&mut self) -> Option<SimOperation> {
        let slot = *self.slots.get(self.next_slot)?;
        self.next_slot += 1;
        let channel = self.channels[slot.channel].clone();
        let entity = channel.legal_entity_id.clone();

        let roll: f64 = self.rng.random();
        let mut op = if roll < 0.02 && !self.stuck.is_empty() {
            self.waiting_edit(&slot)
        } else if roll < 0.023 {
            self.orphan_edit(&slot, &channel)
        } else if roll < 0.33
            && self
                .customers_by_entity
                .get(&entity)
                .is_some_and(|c| c.len() > 10)
        {
            self.edit_of_customer(&slot, &channel)
        } else {
            self.create(&slot, &channel)
        };
        self.settle(&mut op, &slot);
        Some(op)
    }

    fn base(&mut self, slot: &Slot, kind: OperationKind, async_account: String) -> SimOperation {
        let channel = &self.channels[slot.channel];
        self.channel_counters[slot.channel] += 1;
        let id = self.next_operation_id;
        self.next_operation_id += 1;
        SimOperation {
            id,
            channel_id: channel.id,
            channel_operation_id: format!(
                "{}-{:07}",
                channel.code, self.channel_counters[slot.channel]
            ),
            async_account,
            customer_account: None,
            legal_entity_id: channel.legal_entity_id.clone(),
            kind,
            status: SyncStatus::Pending,
            operation_at: slot.operation_at,
            received_at: slot.received_at,
            updated_at: slot.received_at,
            upload_session_id: slot.session,
            retry_count: 0,
            next_retry_at: None,
            error: None,
            fields: Vec::new(),
        }
    }

    fn new_guid(&mut self) -> String {
        uuid::Builder::from_random_bytes(self.rng.random())
            .into_uuid()
            .to_string()
    }

    /// A new customer, as the till or web shop sends it.
    fn create(&mut self, slot: &Slot, channel: &Channel) -> SimOperation {
        let guid = self.new_guid();
        let mut op = self.base(slot, OperationKind::Create, guid.clone());
        let locale = locale_of(&channel.legal_entity_id);
        let mut fields = persona::new_customer_fields(&mut self.rng, self.now, channel, locale);
        if self.rng.random_bool(CREATE_MISTAKE_RATE) {
            let mistake = mistakes::pick(&mut self.rng);
            let taken = self.taken_email(&channel.legal_entity_id);
            mistakes::inject(
                &mut self.rng,
                &mut fields,
                mistake,
                locale,
                &channel.legal_entity_id,
                taken,
            );
        }
        op.fields = fields
            .into_iter()
            .map(|(field, value)| OperationField {
                field,
                old_value: None,
                new_value: Some(value),
            })
            .collect();
        self.asyncs.insert(
            guid,
            AsyncCustomer {
                account: None,
                channel: slot.channel,
            },
        );
        op
    }

    /// An edit of a synced customer: one to three changes, with the old values the channel knew.
    fn edit_of_customer(&mut self, slot: &Slot, channel: &Channel) -> SimOperation {
        let entity = channel.legal_entity_id.clone();
        let index = *self.customers_by_entity[&entity]
            .choose(&mut self.rng)
            .expect("customers");
        let customer = self.customers[index].clone();
        let mut op = self.base(slot, OperationKind::Update, customer.async_account.clone());
        op.customer_account = Some(customer.account.clone());
        let locale = locale_of(&entity);
        let mut changes = persona::edit_changes(&mut self.rng, &customer, channel, locale);
        if self.rng.random_bool(UPDATE_MISTAKE_RATE) {
            let mistake = *[
                Mistake::MalformedEmail,
                Mistake::MalformedPhone,
                Mistake::UnknownCustomerGroup,
                Mistake::AttributeNotInList,
                Mistake::DuplicateEmail,
                Mistake::BadZip,
            ]
            .choose(&mut self.rng)
            .unwrap_or(&Mistake::MalformedEmail);
            if matches!(mistake, Mistake::MalformedEmail | Mistake::DuplicateEmail)
                && !changes.iter().any(|(k, _)| k == "email")
            {
                changes.push((
                    "email".into(),
                    customer.fields.get("email").cloned().unwrap_or_default(),
                ));
            }
            if mistake == Mistake::BadZip && !changes.iter().any(|(k, _)| k == "zip") {
                changes.push((
                    "zip".into(),
                    customer.fields.get("zip").cloned().unwrap_or_default(),
                ));
                changes.push(("country".into(), channel.country.clone()));
            }
            let taken = self.taken_email(&entity);
            mistakes::inject(&mut self.rng, &mut changes, mistake, locale, &entity, taken);
        }
        changes.sort();
        changes.dedup_by(|a, b| a.0 == b.0);
        op.fields = changes
            .into_iter()
            .map(|(field, value)| {
                let old = if let Some(name) = field.strip_prefix(ATTRIBUTE_PREFIX) {
                    customer.attributes.get(name).cloned()
                } else {
                    CustomerField::from_key(&field)
                        .and_then(|f| customer.fields.get(f.key()).cloned())
                };
                OperationField {
                    field,
                    old_value: old,
                    new_value: Some(value),
                }
            })
            .collect();
        op
    }

    /// An edit made in the store to a customer whose create has not synced: it waits.
    fn waiting_edit(&mut self, slot: &Slot) -> SimOperation {
        let pick = self.rng.random_range(0..self.stuck.len());
        let guid = self.stuck[pick].clone();
        let mut op = self.base(slot, OperationKind::Update, guid.clone());
        // The edit comes from the channel that created the customer.
        if let Some(origin) = self.asyncs.get(&guid).map(|a| a.channel) {
            let channel = &self.channels[origin];
            op.channel_id = channel.id;
            op.legal_entity_id = channel.legal_entity_id.clone();
        }
        let locale = locale_of(&op.legal_entity_id);
        let value = format!(
            "{} {} {:02} {:03}",
            locale.phone_prefix,
            self.rng.random_range(400..999),
            self.rng.random_range(0..99),
            self.rng.random_range(0..999)
        );
        op.fields = vec![OperationField {
            field: "cellular_phone".into(),
            old_value: None,
            new_value: Some(value),
        }];
        op
    }

    /// An edit for an async customer HQ never received a create for.
    fn orphan_edit(&mut self, slot: &Slot, channel: &Channel) -> SimOperation {
        let guid = self.new_guid();
        let mut op = self.base(slot, OperationKind::Update, guid);
        let locale = locale_of(&channel.legal_entity_id);
        let first = *locale.first_names.choose(&mut self.rng).unwrap_or(&"Kari");
        let last = *locale
            .last_names
            .choose(&mut self.rng)
            .unwrap_or(&"Nordmann");
        op.fields = vec![OperationField {
            field: "email".into(),
            old_value: None,
            new_value: Some(format!(
                "{}@{}",
                email_local(first, last),
                locale.email_domains[0]
            )),
        }];
        op
    }
}
