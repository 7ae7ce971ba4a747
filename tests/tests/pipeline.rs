//! The pipeline step by step, on SQLite and on PostgreSQL: channel inbox → P-job → staging
//! operations → Synchronize customers → customer master → 1010 → the channels' feed.

use app::jobs;
use app::{
    model::{JobName, JobTrigger, OperationKind, SyncStatus},
    storage::to_micros,
};
use custsync_tests::{
    guid, incoming, jobs_of, plain_creates, receive, retailer, retailer_with, run_pipeline, scalar,
    status_of, storage_test, KARI,
};

storage_test! {
    async fn a_create_travels_from_the_inbox_to_the_customer_master_and_the_feed(db) {
        let shop = retailer(&db).await;
        let kari = guid();
        receive(&db, &shop.bergen, &[incoming("b-1", &kari, OperationKind::Create, KARI)]).await;

        let outcome = jobs::p_job::run_once(&db).await.unwrap();
        assert_eq!(outcome.seen, 1);
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Pending]);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM upload_sessions WHERE status = 'applied'").await, 1);

        run_pipeline(&db).await;
        let op = &db.async_customer_history(&kari).await.unwrap()[0];
        assert_eq!(op.status, SyncStatus::Succeeded);
        assert_eq!(op.customer_account.as_deref(), Some("NO0000001"));

        let feed = db.feed_page(shop.oslo.id, None, 10).await.unwrap();
        assert_eq!(feed.customers.len(), 1, "every channel of the legal entity gets the customer");
        let customer = &feed.customers[0];
        assert_eq!(customer.account, "NO0000001");
        assert_eq!(customer.async_account.as_deref(), Some(kari.as_str()));
        assert_eq!(customer.origin_channel_id, Some(shop.bergen.id));
        assert_eq!(customer.fields["city"], "Bergen");
        assert_eq!(customer.fields["customer_group"], "RETAIL", "the store's default customer");
        assert_eq!(customer.attributes["loyalty_tier"], "Gold");
        let london = db.feed_page(shop.london.id, None, 10).await.unwrap();
        assert!(london.customers.is_empty(), "another legal entity does not see it");
    }
}

storage_test! {
    async fn edits_wait_behind_their_create_and_apply_in_order_after_it(db) {
        let shop = retailer(&db).await;
        let kari = guid();
        receive(&db, &shop.bergen, &[
            incoming("b-1", &kari, OperationKind::Create, KARI),
            incoming("b-2", &kari, OperationKind::Update, &[("email", "kari@nordmann.no")]),
            incoming("b-3", &kari, OperationKind::Update, &[("phone", "+47 55 12 34 56"), ("email", "kari.n@nordmann.no")]),
        ]).await;
        jobs::p_job::run_once(&db).await.unwrap();
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Pending, SyncStatus::Waiting, SyncStatus::Waiting]);

        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Succeeded; 3]);
        let feed = db.feed_page(shop.bergen.id, None, 10).await.unwrap();
        let last = feed.customers.last().unwrap();
        assert_eq!(last.fields["email"], "kari.n@nordmann.no", "the last edit wins");
        assert_eq!(last.fields["phone"], "+47 55 12 34 56");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, 1);
    }
}

storage_test! {
    async fn an_invalid_operation_fails_naming_the_field_and_holds_back_its_edits(db) {
        let shop = retailer(&db).await;
        let ola = guid();
        receive(&db, &shop.oslo, &[
            incoming("o-1", &ola, OperationKind::Create, &[("name", "Ola Nordmann"), ("receipt_email", "ola@@example")]),
            incoming("o-2", &ola, OperationKind::Update, &[("phone", "+47 22 33 44 55")]),
        ]).await;
        run_pipeline(&db).await;
        let history = db.async_customer_history(&ola).await.unwrap();
        assert_eq!(status_of(&db, &ola).await, [SyncStatus::Failed, SyncStatus::Waiting]);
        let state = db.operation_state(history[0].id).await.unwrap().unwrap();
        let error = state.last_error.unwrap();
        assert_eq!(error.code, "invalid_email");
        assert_eq!(error.field.as_deref(), Some("receipt_email"));
        assert!(!error.message.is_empty());
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, 0, "nothing half-stored");
    }
}

storage_test! {
    async fn an_edit_that_arrives_before_its_create_waits_for_it_once_it_comes(db) {
        let shop = retailer(&db).await;
        let kari = guid();
        receive(&db, &shop.bergen, &[incoming("b-2", &kari, OperationKind::Update, &[("phone", "+47 55 12 34 56")])]).await;
        run_pipeline(&db).await;
        let early = &db.async_customer_history(&kari).await.unwrap()[0];
        let error = db.operation_state(early.id).await.unwrap().unwrap().last_error.unwrap();
        assert_eq!(error.code, "customer_not_synced");

        // Made before the edit, on the store's clock, but it reaches HQ after it.
        let mut create = incoming("b-1", &kari, OperationKind::Create, KARI);
        create.operation_at -= chrono::Duration::minutes(5);
        receive(&db, &shop.bergen, &[create]).await;
        jobs::p_job::run_once(&db).await.unwrap();
        let statuses = db.operation_state(early.id).await.unwrap().unwrap();
        assert_eq!(statuses.summary.status, SyncStatus::Waiting, "the early edit waits for the create");
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Succeeded; 2]);
    }
}

storage_test! {
    async fn an_exhausted_number_sequence_fails_the_create_with_a_clear_error(db) {
        let shop = retailer_with(&db, 2).await;
        let ops = plain_creates("o", 3);
        receive(&db, &shop.oslo, &ops).await;
        run_pipeline(&db).await;
        let mut accounts = Vec::new();
        let mut codes = Vec::new();
        for op in &ops {
            let summary = db.async_customer_history(&op.async_account).await.unwrap().remove(0);
            let state = db.operation_state(summary.id).await.unwrap().unwrap();
            accounts.extend(summary.customer_account);
            codes.extend(state.last_error.map(|e| e.code));
        }
        assert_eq!(accounts, ["NO0000001", "NO0000002"]);
        assert_eq!(codes, ["number_sequence_exhausted"]);
    }
}

storage_test! {
    async fn a_second_create_with_the_same_email_in_the_legal_entity_waits_as_a_possible_duplicate(db) {
        let shop = retailer(&db).await;
        let (first, second, elsewhere) = (guid(), guid(), guid());
        let fields = &[("name", "Per Hansen"), ("email", "per@example.no")];
        receive(&db, &shop.oslo, &[
            incoming("o-1", &first, OperationKind::Create, fields),
            incoming("o-2", &second, OperationKind::Create, fields),
        ]).await;
        receive(&db, &shop.london, &[incoming("l-1", &elsewhere, OperationKind::Create, fields)]).await;
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &first).await, [SyncStatus::Succeeded]);
        assert_eq!(status_of(&db, &second).await, [SyncStatus::PossibleDuplicate]);
        assert_eq!(status_of(&db, &elsewhere).await, [SyncStatus::Succeeded], "another legal entity may");
        let held = db.async_customer_history(&second).await.unwrap().remove(0);
        let detail = db.operation_detail(held.id).await.unwrap().unwrap();
        let first_account = db.async_customer_history(&first).await.unwrap()[0].customer_account.clone();
        assert_eq!(detail.duplicate.map(|d| d.existing_account), first_account);
    }
}

storage_test! {
    async fn a_batch_received_twice_is_stored_once_with_the_same_ids(db) {
        let shop = retailer(&db).await;
        let ops = [
            incoming("o-1", &guid(), OperationKind::Create, &[("name", "A")]),
            incoming("o-2", &guid(), OperationKind::Create, &[("name", "B")]),
        ];
        let first = receive(&db, &shop.oslo, &ops).await;
        let again = receive(&db, &shop.oslo, &ops).await;
        assert_eq!(first, again);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await, 2);
        // The same channel operation id from another channel is another operation.
        receive(&db, &shop.bergen, &ops[..1]).await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await, 3);
    }
}

storage_test! {
    async fn an_operation_id_reused_for_other_content_refuses_the_whole_batch(db) {
        let shop = retailer(&db).await;
        receive(&db, &shop.oslo, &[incoming("o-1", &guid(), OperationKind::Create, &[("name", "A")])]).await;
        let batch = [
            incoming("o-2", &guid(), OperationKind::Create, &[("name", "B")]),
            incoming("o-1", &guid(), OperationKind::Create, &[("name", "Not A")]),
        ];
        let items: Vec<(String, String)> = batch
            .iter()
            .map(|op| (op.channel_operation_id.clone(), serde_json::to_string(op).unwrap()))
            .collect();
        let result = db.receive_operations(shop.oslo.id, &items, to_micros(chrono::Utc::now())).await;
        match result {
            Err(app::storage::inbox::ReceiveError::ReusedIds(ids)) => assert_eq!(ids, ["o-1"]),
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await, 1, "o-2 was not stored");
    }
}

storage_test! {
    async fn every_account_number_is_used_once_across_many_creates(db) {
        let shop = retailer(&db).await;
        let ops = plain_creates("o", 450);
        receive(&db, &shop.oslo, &ops).await;
        run_pipeline(&db).await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations WHERE status = 'succeeded'").await, 450);
        assert_eq!(scalar(&db, "SELECT COUNT(DISTINCT customer_account) FROM operations").await, 450);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM distribution_feed").await, 450);
        let sequence = db.number_sequence("NO01").await.unwrap().unwrap();
        assert_eq!(sequence.next_value, 451, "no number taken and lost");
    }
}

storage_test! {
    async fn a_job_run_is_taken_by_one_instance_at_a_time_and_recorded(db) {
        retailer(&db).await;
        db.ensure_job_schedules(900).await.unwrap();
        let now = to_micros(chrono::Utc::now());
        let lease = now + 60_000_000;
        let job = JobName::SynchronizeCustomers;
        assert_eq!(db.take_due_job(job, "a", now, lease).await.unwrap(), Some(JobTrigger::Schedule));
        assert_eq!(db.take_due_job(job, "b", now, lease).await.unwrap(), None, "a holds it");
        db.release_job(job, "a").await.unwrap();
        assert_eq!(db.take_due_job(job, "b", now, lease).await.unwrap(), None, "not due again for 15 minutes");
        db.request_job_run(job).await.unwrap();
        assert_eq!(db.take_due_job(job, "b", now, lease).await.unwrap(), Some(JobTrigger::RunNow));

        db.set_job_paused(JobName::PJob, true).await.unwrap();
        assert_eq!(db.take_due_job(JobName::PJob, "a", now, lease).await.unwrap(), None, "paused");

        let mut jobs = jobs_of(&db);
        jobs::execute(&mut jobs, job, JobTrigger::RunNow, false).await.unwrap();
        let runs = db.job_runs(job, 5).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert!(runs[0].finished_at.is_some());
        assert_eq!(runs[0].error, None);
    }
}

storage_test! {
    async fn synchronize_workers_side_by_side_never_give_two_customers_one_email(db) {
        let shop = retailer(&db).await;
        // Operation i and i + 600 share an email: with 500 a batch, two workers take them at once.
        let ops: Vec<_> = (0..1_200)
            .map(|i| {
                let email = format!("kunde{}@example.no", i % 600);
                incoming(&format!("w-{i}"), &guid(), OperationKind::Create, &[("name", "Kunde"), ("email", &email)])
            })
            .collect();
        for chunk in ops.chunks(1_000) {
            receive(&db, &shop.oslo, chunk).await;
        }
        while jobs::p_job::run_once(&db).await.unwrap().more {}
        let mut sync = app::jobs::synchronize::Synchronize::new(db.db.clone());
        while sync.run_step(2).await.unwrap().more {}
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations WHERE status = 'succeeded'").await, 600);
        // The second of each pair waits as a possible duplicate, also when another worker's
        // batch wrote the first one after this one looked (the email's unique index refused it).
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations WHERE status = 'possible_duplicate'").await, 600);
        assert_eq!(scalar(&db, "SELECT COUNT(DISTINCT email) FROM customers").await, 600);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, 600);
    }
}

storage_test! {
    async fn a_create_sent_after_its_edit_in_the_same_batch_still_goes_first(db) {
        let shop = retailer(&db).await;
        let kari = guid();
        let edit = incoming("b-2", &kari, OperationKind::Update, &[("phone", "+47 55 12 34 56")]);
        let mut create = incoming("b-1", &kari, OperationKind::Create, KARI);
        create.operation_at = edit.operation_at - chrono::Duration::minutes(5);
        receive(&db, &shop.bergen, &[edit, create]).await;
        jobs::p_job::run_once(&db).await.unwrap();
        let history = db.async_customer_history(&kari).await.unwrap();
        let statuses: Vec<_> = history.iter().map(|o| (o.kind, o.status)).collect();
        assert_eq!(statuses, [(OperationKind::Create, SyncStatus::Pending), (OperationKind::Update, SyncStatus::Waiting)]);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operation_fields").await, KARI.len() as i64 + 1);
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Succeeded; 2]);
    }
}

storage_test! {
    async fn the_p_job_asks_for_another_step_only_while_the_inbox_still_holds_operations(db) {
        let shop = retailer(&db).await;
        let ops = plain_creates("p", 1_001);
        receive(&db, &shop.oslo, &ops[..1_000]).await;
        receive(&db, &shop.oslo, &ops[1_000..]).await;

        let first = jobs::p_job::run_once(&db).await.unwrap();
        assert_eq!(first.seen, 1_000, "one step takes one batch");
        assert!(first.more, "one operation is still in the inbox");
        let second = jobs::p_job::run_once(&db).await.unwrap();
        assert_eq!(second.seen, 1);
        assert!(!second.more, "the inbox is empty");
        assert_eq!(db.unassigned_inbox().await.unwrap(), 0);
    }
}

storage_test! {
    async fn an_edit_released_behind_the_batch_read_ahead_still_applies_in_the_same_run(db) {
        let shop = retailer(&db).await;
        let kari = guid();
        let start = chrono::Utc::now() - chrono::Duration::hours(1);
        let at = |seconds: i64| start + chrono::Duration::seconds(seconds);
        let mut create = incoming("k-1", &kari, OperationKind::Create, KARI);
        create.operation_at = at(0);
        let mut edit = incoming("k-2", &kari, OperationKind::Update, &[("phone", "+47 55 12 34 56")]);
        edit.operation_at = at(1);
        // One full batch with Kari's create first: her edit, released by it, is due ahead of
        // the place the next batch is read from, and nothing is left behind that place.
        let mut ops = vec![create, edit];
        ops.extend(plain_creates("o", jobs::synchronize::BATCH - 1).into_iter().zip(2..).map(
            |(mut op, second)| {
                op.operation_at = at(second);
                op
            },
        ));
        receive(&db, &shop.oslo, &ops).await;
        while jobs::p_job::run_once(&db).await.unwrap().more {}
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Pending, SyncStatus::Waiting]);

        let mut jobs = jobs_of(&db);
        jobs::execute(&mut jobs, JobName::SynchronizeCustomers, JobTrigger::RunNow, false).await.unwrap();
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Succeeded; 2], "in one run of the job");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations WHERE status <> 'succeeded'").await, 0);
    }
}

storage_test! {
    async fn an_operation_changed_after_it_was_read_ahead_is_not_settled_from_that_copy(db) {
        let shop = retailer(&db).await;
        let ops = plain_creates("r", 3);
        receive(&db, &shop.oslo, &ops).await;
        jobs::p_job::run_once(&db).await.unwrap();
        let now = to_micros(chrono::Utc::now());
        let read = db.read_pending_ahead(10, None, now).await.unwrap();
        assert_eq!(read.len(), 3);
        let rest = db.read_pending_ahead(10, Some((read[0].operation_at, read[0].id)), now).await.unwrap();
        let rest_ids: Vec<i64> = rest.iter().map(|op| op.id).collect();
        assert_eq!(rest_ids, [read[1].id, read[2].id], "after a place in the queue");

        // Meanwhile the first is retried later (a new version) and the second is put on hold.
        db.schedule_retry(read[0].id, 1, now + 10_000_000, "try again", now).await.unwrap();
        sqlx::query("UPDATE operations SET status = 'editing' WHERE id = $1")
            .bind(read[1].id)
            .execute(db.pool())
            .await
            .unwrap();
        let versions: Vec<(i64, i64)> = read.iter().map(|op| (op.id, op.version)).collect();
        let (batch, current) = db.begin_settling(&versions, now).await.unwrap();
        batch.commit().await.unwrap();
        assert_eq!(current.into_iter().collect::<Vec<_>>(), [read[2].id], "only the one unchanged");
    }
}

storage_test! {
    async fn a_create_whose_email_was_taken_meanwhile_is_left_out_and_the_rest_are_written(db) {
        let shop = retailer(&db).await;
        let changes = |email: &str| {
            let fields: Vec<app::model::OperationField> = [("name", "Kunde"), ("email", email), ("city", "Oslo"), ("attr:loyalty_tier", "Gold")]
                .iter()
                .map(|(field, value)| app::model::OperationField {
                    field: (*field).into(),
                    old_value: None,
                    new_value: Some((*value).into()),
                })
                .collect();
            app::model::changes::CustomerChanges::from_fields(&fields)
        };
        let (first, taken, other) = (changes("a@example.no"), changes("b@example.no"), changes("c@example.no"));
        let customer = |account: &'static str, changes| app::jobs::synchronize::NewCustomer {
            account,
            legal_entity_id: &shop.oslo.legal_entity_id,
            async_account: account,
            origin_channel_id: shop.oslo.id,
            changes,
        };
        let now = to_micros(chrono::Utc::now());
        let (mut batch, _) = db.claim_pending(1, None, now).await.unwrap();
        // As a concurrent batch would have written it after this one looked.
        assert!(batch.insert_customers(&[customer("NO-1", &taken)]).await.unwrap().is_empty());
        let refused = batch
            .insert_customers(&[customer("NO-2", &first), customer("NO-3", &taken), customer("NO-4", &other)])
            .await
            .unwrap();
        batch.commit().await.unwrap();
        assert_eq!(refused, [1], "the second of the three");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers WHERE account = 'NO-3'").await, 0);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, 3);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customer_addresses").await, 3, "none for the one left out");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customer_attribute_values").await, 3);
    }
}
