//! The status page's detail of one operation, on SQLite and on PostgreSQL: its grid with the
//! value HQ holds now, the failing field, the history of its async customer, and the server
//! function's answers to bad ids.

use app::{
    functions::operations::detail,
    model::{ChangeDescription, OperationKind, SyncStatus},
    AppError,
};
use custsync_tests::{guid, incoming, receive, retailer, run_pipeline, storage_test, KARI};

storage_test! {
    async fn a_synced_create_shows_its_fields_beside_what_hq_holds_now(db) {
        let shop = retailer(&db).await;
        let kari = guid();
        receive(&db, &shop.bergen, &[
            incoming("b-1", &kari, OperationKind::Create, KARI),
            incoming("b-2", &kari, OperationKind::Update, &[("city", "Oslo")]),
        ]).await;
        run_pipeline(&db).await;
        let history = db.async_customer_history(&kari).await.unwrap();
        let create = detail(&db, &history[0].id.to_string()).await.unwrap();
        assert_eq!(create.state.summary.status, SyncStatus::Succeeded);
        assert_eq!(create.channel_operation_id, "b-1");
        assert_eq!(create.history.len(), 2, "both operations of the async customer");
        let keys: Vec<&str> = create.grid.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(keys, ["name", "email", "street", "city", "zip", "country", "attr:loyalty_tier"]);
        let city = create.grid.iter().find(|r| r.field == "city").unwrap();
        assert_eq!(city.new_value.as_deref(), Some("Bergen"));
        assert_eq!(city.hq_value.as_deref(), Some("Oslo"), "the later edit is what HQ holds now");
        let tier = create.grid.iter().find(|r| r.field == "attr:loyalty_tier").unwrap();
        assert_eq!(tier.hq_value.as_deref(), Some("Gold"));
        assert_eq!(tier.label_en, "Loyalty tier");
        assert!(create.grid.iter().all(|r| !r.failing));
        let sentence = ChangeDescription::of(&create).sentence(app::locale::Locale::en);
        assert!(sentence.starts_with("Customer created in Bergen Storsenter: Kari Nordmann, 7 fields, now NO"), "{sentence}");
        let edit = detail(&db, &history[1].id.to_string()).await.unwrap();
        assert_eq!(ChangeDescription::of(&edit).sentence(app::locale::Locale::en), "Account update: city changed");
    }
}

storage_test! {
    async fn a_failed_operation_marks_its_failing_field_and_has_no_hq_values(db) {
        let shop = retailer(&db).await;
        let ola = guid();
        receive(&db, &shop.oslo, &[incoming("o-1", &ola, OperationKind::Create, &[
            ("name", "Ola Nordmann"),
            ("receipt_email", "ola@@example"),
        ])]).await;
        run_pipeline(&db).await;
        let id = db.async_customer_history(&ola).await.unwrap()[0].id;
        let failed = detail(&db, &id.to_string()).await.unwrap();
        let failing: Vec<&str> = failed.grid.iter().filter(|r| r.failing).map(|r| r.field.as_str()).collect();
        assert_eq!(failing, ["receipt_email"]);
        assert!(failed.grid.iter().all(|r| r.hq_value.is_none()), "no customer yet");
        // The description says what it tried; the error box beside it says why it failed.
        let sentence = ChangeDescription::of(&failed).sentence(app::locale::Locale::en);
        assert_eq!(sentence, "Customer created in Oslo Karl Johan: Ola Nordmann, 2 fields");
        assert_eq!(failed.state.summary.customer_name.as_deref(), Some("Ola Nordmann"));
    }
}

storage_test! {
    async fn a_bad_or_unknown_operation_id_is_a_clear_error_not_a_failure(db) {
        for bad in ["abc", "-3", "0", "1 OR 1=1", &"9".repeat(10_000)] {
            match detail(&db, bad).await {
                Err(AppError::Validation { field, .. }) => assert_eq!(field, "op"),
                other => panic!("{bad:.20}: {other:?}"),
            }
        }
        assert!(matches!(detail(&db, "424242").await, Err(AppError::NotFound { .. })));
    }
}
