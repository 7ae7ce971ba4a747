//! The demo simulation: channels create and edit customers over the past days, and each
//! operation gets the status the jobs would give it. Every operation is checked by the real
//! validation of `app::validate`; a Failed one failed there, with its real error.

use std::collections::{BTreeMap, HashMap};

use app::{
    model::{
        field::ATTRIBUTE_PREFIX, Channel, CustomerField, OperationField, OperationKind, SyncStatus,
    },
    validate::{validate_operation, ErrorCode, FieldError, ValidationContext},
};
use rand::{distr::weighted::WeightedIndex, prelude::Distribution, seq::IndexedRandom, Rng};
use rand_chacha::ChaCha8Rng;

use super::{
    mistakes::{self, Mistake},
    people::{email_local, locale_of, Locale},
};

const MINUTE: i64 = 60_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// Operations received this recently have not been through the Synchronize job yet.
const UNPROCESSED_WINDOW: i64 = 45 * MINUTE;
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
    pub channel_id: i64,
    pub operation_count: i64,
    pub created_at: i64,
    pub applied_at: i64,
}

/// A planned operation: when, from where.
#[derive(Debug, Clone, Copy)]
struct Slot {
    operation_at: i64,
    received_at: i64,
    channel: usize,
    session: i64,
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
    /// Plans `count` operations over `days` days up to `now` (microseconds).
    pub fn new(
        mut rng: ChaCha8Rng,
        now: i64,
        days: u32,
        count: u64,
        channels: Vec<(Channel, u32)>,
        contexts: HashMap<String, ValidationContext>,
        first_operation_id: i64,
        first_session_id: i64,
        sequences: BTreeMap<String, (String, i64)>,
    ) -> Self {
        let weights = WeightedIndex::new(channels.iter().map(|(_, w)| *w))
            .expect("demo channels have positive weights");
        let span = i64::from(days.max(1)) * DAY;
        let mut slots: Vec<Slot> = (0..count)
            .map(|_| {
                let operation_at = busy_hour_time(&mut rng, now, span);
                // Stores are sometimes offline and upload hours later.
                let delay = if rng.random_bool(0.03) {
                    rng.random_range(10 * MINUTE..6 * HOUR)
                } else {
                    rng.random_range(1_000_000..40_000_000)
                };
                Slot {
                    operation_at,
                    received_at: (operation_at + delay).min(now),
                    channel: weights.sample(&mut rng),
                    session: 0,
                }
            })
            .collect();
        slots.sort_by_key(|s| s.operation_at);
        let sessions = assign_sessions(&mut slots, &channels, first_session_id, now, &mut rng);
        let channel_count = channels.len();
        Self {
            rng,
            now,
            channels: channels.into_iter().map(|(c, _)| c).collect(),
            contexts,
            slots,
            next_slot: 0,
            sessions,
            next_operation_id: first_operation_id,
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
        let mut fields = self.new_customer_fields(channel, locale);
        if self.rng.random_bool(CREATE_MISTAKE_RATE) {
            let mistake = mistakes::pick(&mut self.rng);
            self.inject(&mut fields, mistake, locale, &channel.legal_entity_id);
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

    fn new_customer_fields(&mut self, channel: &Channel, locale: &Locale) -> Vec<(String, String)> {
        let rng = &mut self.rng;
        let first = *locale.first_names.choose(rng).unwrap_or(&"Kari");
        let last = *locale.last_names.choose(rng).unwrap_or(&"Nordmann");
        let place = locale.places.choose(rng).expect("places");
        let organization = rng.random_bool(0.08);
        let mut f: Vec<(String, String)> = Vec::with_capacity(24);
        let mut put = |k: &str, v: String| f.push((k.to_owned(), v));
        let email = format!(
            "{}{}@{}",
            email_local(first, last),
            rng.random_range(1..999),
            locale.email_domains.choose(rng).unwrap_or(&"gmail.com")
        );
        if organization {
            let word = *locale.company_words.choose(rng).unwrap_or(&"Fjord");
            let trade = [
                "Interiør",
                "Bygg",
                "Design",
                "Eiendom",
                "Consulting",
                "Catering",
            ];
            put(
                "name",
                format!(
                    "{word} {} {}",
                    trade.choose(rng).unwrap_or(&"Design"),
                    locale.company_suffix
                ),
            );
            put("party_type", "Organization".into());
            let org = rng.random_range(810_000_000..999_999_999_i64);
            put("organization_id", org.to_string());
            if channel.legal_entity_id == "NO01" {
                put("vat_number", format!("NO{org}MVA"));
            }
            put("customer_group", "B2B".into());
            put(
                "credit_limit",
                format!("{}", rng.random_range(1..20) * 5_000),
            );
            put(
                "tax_group",
                if channel.legal_entity_id == "NO01" {
                    "MVA25"
                } else {
                    "VAT20"
                }
                .into(),
            );
            put("price_group", "TRADE".into());
            put(
                "email",
                email.replace(
                    &email_local(first, last),
                    &format!("innkjop.{}", email_local(word, "as")),
                ),
            );
        } else {
            put("name", format!("{first} {last}"));
            put("first_name", first.into());
            put("last_name", last.into());
            put("party_type", "Person".into());
            let group = if rng.random_bool(0.25) {
                "MEMBER"
            } else if rng.random_bool(0.03) {
                "STAFF"
            } else {
                channel.default_customer_group.as_str()
            };
            put("customer_group", group.into());
            put("email", email.clone());
        }
        put("currency", channel.default_currency.clone());
        put("language", channel.default_language.clone());
        let mobile = if locale.phone_prefix == "+47" {
            format!(
                "+47 {} {:02} {:03}",
                rng.random_range(400..999),
                rng.random_range(0..99),
                rng.random_range(0..999)
            )
        } else {
            format!(
                "+44 7{:03} {:06}",
                rng.random_range(100..999),
                rng.random_range(0..999_999)
            )
        };
        put("cellular_phone", mobile);
        let receipt = if channel.kind == app::model::ChannelKind::Online || rng.random_bool(0.45) {
            "Email"
        } else {
            "Print"
        };
        put("receipt_option", receipt.into());
        if receipt == "Email" {
            let receipt_email = f
                .iter()
                .find(|(k, _)| k == "email")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            f.push(("receipt_email".into(), receipt_email));
        }
        let mut put = |k: &str, v: String| f.push((k.to_owned(), v));
        put(
            "street",
            (*locale.streets.choose(rng).unwrap_or(&"Storgata")).into(),
        );
        put(
            "street_number",
            format!(
                "{}{}",
                rng.random_range(1..120),
                if rng.random_bool(0.15) { " B" } else { "" }
            ),
        );
        put("city", place.city.into());
        put("zip", place.zip.into());
        if let Some(county) = place.county {
            put("county", county.into());
        }
        put("country", channel.country.clone());
        put(
            "address_purpose",
            if organization { "Business" } else { "Home" }.into(),
        );
        put("address_primary", "true".into());
        // Custom attributes: members give more.
        put(
            "attr:loyalty_tier",
            (*["Bronze", "Bronze", "Silver", "Gold", "Platinum"]
                .choose(rng)
                .unwrap_or(&"Bronze"))
            .into(),
        );
        put("attr:newsletter_opt_in", rng.random_bool(0.6).to_string());
        put("attr:preferred_store", channel.name.clone());
        let since =
            chrono::DateTime::from_timestamp_micros(self.now - rng.random_range(0..2000) * DAY)
                .unwrap_or_default()
                .format("%Y-%m-%d")
                .to_string();
        put("attr:member_since", since);
        if rng.random_bool(0.5) {
            put("attr:shoe_size", format!("{}", rng.random_range(36..47)));
        }
        if rng.random_bool(0.4) {
            put("attr:birth_year", rng.random_range(1940..2008).to_string());
        }
        if rng.random_bool(0.3) {
            put("attr:household_size", rng.random_range(1..6).to_string());
        }
        if rng.random_bool(0.2) {
            put(
                "attr:annual_budget",
                format!("{}.00", rng.random_range(10..500) * 100),
            );
        }
        if organization {
            put(
                "attr:discount_percent",
                format!("{}", rng.random_range(0..25)),
            );
        }
        f
    }

    /// Puts one mistake into a customer's fields.
    fn inject(
        &mut self,
        fields: &mut Vec<(String, String)>,
        mistake: Mistake,
        locale: &Locale,
        entity: &str,
    ) {
        let rng = &mut self.rng;
        let current = |key: &str| {
            fields
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let pick = |rng: &mut ChaCha8Rng, options: &[&str]| {
            (*options.choose(rng).unwrap_or(&options[0])).to_owned()
        };
        let changes: Vec<(&str, String)> = match mistake {
            Mistake::MalformedEmail => {
                vec![("email", mistakes::malformed_email(rng, &current("email")))]
            }
            Mistake::MalformedReceiptEmail => vec![
                ("receipt_option", "Email".into()),
                (
                    "receipt_email",
                    mistakes::malformed_email(rng, &current("email")),
                ),
            ],
            Mistake::MalformedPhone => {
                vec![("cellular_phone", mistakes::malformed_phone(rng, locale))]
            }
            Mistake::StreetTooLong => vec![("street", mistakes::long_street(&current("street")))],
            Mistake::CountyTooLong => vec![(
                "county",
                if entity == "NO01" {
                    "Trøndelag fylkeskommune"
                } else {
                    "Greater Manchester"
                }
                .into(),
            )],
            Mistake::MissingCity => vec![("city", String::new())],
            Mistake::MissingStreet => vec![("street", String::new())],
            Mistake::BadZip => {
                let zip = current("zip");
                vec![(
                    "zip",
                    if entity == "NO01" {
                        format!("N-{zip}")
                    } else {
                        zip.replace(' ', "")
                    },
                )]
            }
            Mistake::UnknownCustomerGroup => vec![(
                "customer_group",
                pick(rng, &["VIP", "Ansatt", "GOLD-KLUBB", "Retail "]),
            )],
            Mistake::UnknownCurrency => vec![("currency", pick(rng, &["NKR", "KR", "EURO", "£"]))],
            Mistake::UnknownLanguage => {
                vec![("language", pick(rng, &["no", "norsk", "en-UK", "nb_NO"]))]
            }
            Mistake::UnknownTaxGroup => {
                vec![("tax_group", pick(rng, &["MVA30", "STD", "VAT17.5"]))]
            }
            Mistake::UnknownCountry => vec![("country", pick(rng, &["NOR", "UK", "Norge", "EN"]))],
            Mistake::AttributeWrongType => {
                let (key, value) = *[
                    ("attr:shoe_size", "stor"),
                    ("attr:birth_year", "syttiåtte"),
                    ("attr:newsletter_opt_in", "kanskje"),
                    ("attr:member_since", "17.05.2021"),
                ]
                .choose(rng)
                .unwrap_or(&("attr:shoe_size", "stor"));
                vec![(key, value.to_owned())]
            }
            Mistake::AttributeOutOfRange => {
                let (key, value) = *[
                    ("attr:shoe_size", "62"),
                    ("attr:birth_year", "1875"),
                    ("attr:household_size", "40"),
                    ("attr:height_cm", "17"),
                ]
                .choose(rng)
                .unwrap_or(&("attr:shoe_size", "62"));
                vec![(key, value.to_owned())]
            }
            Mistake::AttributeNotInList => {
                vec![("attr:loyalty_tier", pick(rng, &["Diamant", "Gull", "VIP"]))]
            }
            Mistake::DuplicateEmail => self
                .customers_by_entity
                .get(entity)
                .and_then(|list| list.choose(&mut self.rng))
                .and_then(|i| self.customers[*i].fields.get("email").cloned())
                .map(|email| vec![("email", email)])
                .unwrap_or_default(),
        };
        for (key, value) in changes {
            match fields.iter_mut().find(|(k, _)| k == key) {
                Some(entry) => entry.1 = value,
                None => fields.push((key.to_owned(), value)),
            }
        }
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
        let mut changes: Vec<(String, String)> = Vec::new();
        let n = self.rng.random_range(1..=3);
        for _ in 0..n {
            let rng = &mut self.rng;
            match rng.random_range(0..9) {
                0 => {
                    let domain = locale.email_domains.choose(rng).unwrap_or(&"gmail.com");
                    let first = customer
                        .fields
                        .get("first_name")
                        .map_or("kunde", String::as_str);
                    let last = customer
                        .fields
                        .get("last_name")
                        .map_or("ny", String::as_str);
                    changes.push((
                        "email".into(),
                        format!(
                            "{}{}@{domain}",
                            email_local(first, last),
                            rng.random_range(1..99)
                        ),
                    ));
                }
                1 => changes.push((
                    "cellular_phone".into(),
                    format!(
                        "{} {} {:02} {:03}",
                        locale.phone_prefix,
                        rng.random_range(400..999),
                        rng.random_range(0..99),
                        rng.random_range(0..999)
                    ),
                )),
                2 => {
                    let place = locale.places.choose(rng).expect("places");
                    changes.push((
                        "street".into(),
                        (*locale.streets.choose(rng).unwrap_or(&"Storgata")).into(),
                    ));
                    changes.push(("street_number".into(), rng.random_range(1..150).to_string()));
                    changes.push(("city".into(), place.city.into()));
                    changes.push(("zip".into(), place.zip.into()));
                    changes.push(("country".into(), channel.country.clone()));
                }
                3 => changes.push((
                    "customer_group".into(),
                    (*["RETAIL", "MEMBER"].choose(rng).unwrap_or(&"MEMBER")).into(),
                )),
                4 => changes.push((
                    "attr:loyalty_tier".into(),
                    (*["Silver", "Gold", "Platinum"]
                        .choose(rng)
                        .unwrap_or(&"Gold"))
                    .into(),
                )),
                5 => changes.push((
                    "attr:newsletter_opt_in".into(),
                    rng.random_bool(0.5).to_string(),
                )),
                6 => changes.push((
                    "last_name".into(),
                    (*locale.last_names.choose(rng).unwrap_or(&"Hansen")).into(),
                )),
                7 => changes.push((
                    "attr:household_size".into(),
                    rng.random_range(1..7).to_string(),
                )),
                _ => {
                    changes.push(("receipt_option".into(), "Email".into()));
                    let email = customer.fields.get("email").cloned().unwrap_or_default();
                    changes.push(("receipt_email".into(), email));
                }
            }
        }
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
            self.inject(&mut changes, mistake, locale, &entity);
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

    /// Gives the operation the status the jobs would have given it by now, and applies it to
    /// the customer master when it succeeds.
    fn settle(&mut self, op: &mut SimOperation, slot: &Slot) {
        let processed_at = slot.received_at + self.rng.random_range(MINUTE..15 * MINUTE);
        let recent = slot.received_at > self.now - UNPROCESSED_WINDOW || processed_at > self.now;
        let retrying =
            !recent && slot.received_at > self.now - RETRY_WINDOW && self.rng.random_bool(0.05);
        let unprocessed = recent || retrying;
        let known = self.asyncs.get(&op.async_account).cloned();

        // Updates of an async customer whose create has not succeeded wait behind it.
        if op.kind == OperationKind::Update && op.customer_account.is_none() {
            match known {
                Some(AsyncCustomer { account: None, .. }) => {
                    op.status = SyncStatus::Waiting;
                    return;
                }
                Some(AsyncCustomer {
                    account: Some(account),
                    ..
                }) => op.customer_account = Some(account),
                None if !unprocessed => {
                    op.status = SyncStatus::Failed;
                    op.updated_at = processed_at;
                    op.error = Some(FieldError::new(
                        "async_account",
                        ErrorCode::CustomerNotSynced,
                        "HQ has no customer with this async account: its create was never received. Ask the channel to send the create again.",
                    ));
                    return;
                }
                None => {}
            }
        }
        if unprocessed {
            op.status = SyncStatus::Pending;
            if op.kind == OperationKind::Create {
                self.stuck.push(op.async_account.clone());
            }
            // A few have met a transient error and are waiting for their next try.
            if retrying || (slot.received_at < self.now - 5 * MINUTE && self.rng.random_bool(0.3)) {
                op.retry_count = self.rng.random_range(1..6);
                op.next_retry_at = Some(self.now + self.rng.random_range(MINUTE..10 * MINUTE));
                op.error = Some(FieldError::new(
                    "",
                    ErrorCode::Transient,
                    "The customer master did not answer in time; custsync will try again.",
                ));
            }
            return;
        }
        op.updated_at = processed_at;
        match self.apply(op, processed_at) {
            Ok(account) => {
                op.status = SyncStatus::Succeeded;
                op.customer_account = Some(account);
            }
            Err(error) => {
                op.status = SyncStatus::Failed;
                op.error = Some(error);
                if op.kind == OperationKind::Create {
                    self.stuck.push(op.async_account.clone());
                }
            }
        }
    }

    /// Validates and applies an operation to the customer master, as the Synchronize job does.
    fn apply(&mut self, op: &SimOperation, at: i64) -> Result<String, FieldError> {
        let ctx = &self.contexts[&op.legal_entity_id];
        if let Some(first) = validate_operation(op.kind, &op.fields, ctx)
            .into_iter()
            .next()
        {
            return Err(first);
        }
        let new_email = op
            .fields
            .iter()
            .find(|f| f.field == "email")
            .and_then(|f| f.new_value.clone())
            .filter(|e| !e.is_empty());
        if let Some(email) = &new_email {
            let key = (op.legal_entity_id.clone(), email.to_lowercase());
            if let Some(owner) = self.emails.get(&key) {
                if op.customer_account.as_deref() != Some(owner.as_str()) {
                    return Err(FieldError::new(
                        "email",
                        ErrorCode::DuplicateEmail,
                        format!("“{email}” is already the primary email of customer {owner}"),
                    ));
                }
            }
        }
        let index = match op.kind {
            OperationKind::Create => {
                let (prefix, next) = self
                    .sequences
                    .get_mut(&op.legal_entity_id)
                    .expect("sequence");
                let account = format!("{prefix}{next:07}");
                *next += 1;
                let channel = self
                    .channels
                    .iter()
                    .find(|c| c.id == op.channel_id)
                    .expect("channel");
                let mut fields: BTreeMap<&'static str, String> = BTreeMap::new();
                fields.insert("customer_group", channel.default_customer_group.clone());
                fields.insert("currency", channel.default_currency.clone());
                fields.insert("language", channel.default_language.clone());
                fields.insert("receipt_option", channel.default_receipt_option.clone());
                let index = self.customers.len();
                self.customers.push(SimCustomer {
                    account: account.clone(),
                    legal_entity_id: op.legal_entity_id.clone(),
                    async_account: op.async_account.clone(),
                    origin_channel_id: op.channel_id,
                    fields,
                    attributes: BTreeMap::new(),
                    created_at: at,
                    updated_at: at,
                    version: 0,
                });
                self.customer_index.insert(account.clone(), index);
                self.customers_by_entity
                    .entry(op.legal_entity_id.clone())
                    .or_default()
                    .push(index);
                if let Some(a) = self.asyncs.get_mut(&op.async_account) {
                    a.account = Some(account);
                }
                index
            }
            OperationKind::Update => {
                let account = op
                    .customer_account
                    .as_ref()
                    .expect("update of a synced customer");
                self.customer_index[account]
            }
        };
        let customer = &mut self.customers[index];
        if let Some(old) = customer.fields.get("email") {
            if new_email.is_some() {
                self.emails
                    .remove(&(customer.legal_entity_id.clone(), old.to_lowercase()));
            }
        }
        for field in &op.fields {
            let value = field.new_value.clone().unwrap_or_default();
            if let Some(name) = field.field.strip_prefix(ATTRIBUTE_PREFIX) {
                customer.attributes.insert(name.to_owned(), value);
            } else if let Some(standard) = CustomerField::from_key(&field.field) {
                customer.fields.insert(standard.key(), value);
            }
        }
        if let Some(email) = new_email {
            self.emails.insert(
                (customer.legal_entity_id.clone(), email.to_lowercase()),
                customer.account.clone(),
            );
        }
        customer.version += 1;
        customer.updated_at = at;
        Ok(customer.account.clone())
    }
}

/// A time in the last `span` microseconds, more often in shop opening hours (08–21).
fn busy_hour_time(rng: &mut ChaCha8Rng, now: i64, span: i64) -> i64 {
    loop {
        let at = now - rng.random_range(0..span);
        let hour = (at / HOUR).rem_euclid(24);
        let weight = match hour {
            9..=19 => 1.0,
            7 | 8 | 20 => 0.5,
            _ => 0.08,
        };
        if rng.random_bool(weight) {
            return at;
        }
    }
}

/// Groups operations into upload sessions: one per channel per 15-minute P-job cycle.
fn assign_sessions(
    slots: &mut [Slot],
    channels: &[(Channel, u32)],
    first_id: i64,
    now: i64,
    rng: &mut ChaCha8Rng,
) -> Vec<SimSession> {
    let cycle = 15 * MINUTE;
    let mut by_key: HashMap<(usize, i64), usize> = HashMap::new();
    let mut sessions: Vec<SimSession> = Vec::new();
    let mut order: Vec<usize> = (0..slots.len()).collect();
    order.sort_by_key(|i| slots[*i].received_at);
    for i in order {
        let slot = &mut slots[i];
        let key = (slot.channel, slot.received_at / cycle);
        let index = *by_key.entry(key).or_insert_with(|| {
            let created_at = ((key.1 + 1) * cycle).min(now);
            sessions.push(SimSession {
                id: first_id + sessions.len() as i64,
                channel_id: channels[slot.channel].0.id,
                operation_count: 0,
                created_at,
                applied_at: (created_at + rng.random_range(MINUTE..3 * MINUTE)).min(now),
            });
            sessions.len() - 1
        });
        sessions[index].operation_count += 1;
        slot.session = sessions[index].id;
    }
    sessions
}
