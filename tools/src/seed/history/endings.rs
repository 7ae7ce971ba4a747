//! How the demo's operations end: the status the jobs would have given each by now, and what a
//! succeeded one does to the customer master.

use super::*;

impl Simulation {
    /// Gives the operation the status the jobs would have given it by now, and applies it to
    /// the customer master when it succeeds.
    pub(super) fn settle(&mut self, op: &mut SimOperation, slot: &Slot) {
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
                    op.error = Some(FieldError::because(
                        "async_account",
                        Reason::CreateNeverReceived,
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
                    return Err(FieldError::because(
                        "email",
                        Reason::DuplicateEmail {
                            email: email.clone(),
                            owner: owner.clone(),
                            entity: op.legal_entity_id.clone(),
                        },
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
