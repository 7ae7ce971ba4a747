//! The status list under a filter, on SQLite and on PostgreSQL: each kind of filter lets
//! through exactly the operations it should, newest first, page after page, with counts per
//! status; hostile filter input is refused naming its URL parameter.

use app::{
    functions::operations::list,
    model::{OperationCursor, OperationFilter, OperationKind, OperationSummary, SyncStatus},
    storage::{list::Plan, Db},
    AppError,
};
use chrono::{Duration, Utc};
use custsync_tests::{guid, incoming, receive, retailer, run_pipeline, storage_test, Retailer};

/// 24 creates, one an hour back from now, alternating Bergen and Oslo; every third in the
/// Gold loyalty tier, every fourth with a bad receipt email (they fail), names numbered.
async fn shop_with_history(db: &Db) -> Retailer {
    let shop = retailer(db).await;
    for i in 0..24_i64 {
        let channel = if i % 2 == 0 { &shop.bergen } else { &shop.oslo };
        let tier = if i % 3 == 0 { "Gold" } else { "Silver" };
        let email = if i % 4 == 0 {
            "broken@@example".to_owned()
        } else {
            format!("kunde{i}@example.no")
        };
        let name = format!("Kunde Ødegård {i:02}");
        let credit = (i * 1000).to_string();
        let mut op = incoming(
            &format!("op-{i}"),
            &guid(),
            OperationKind::Create,
            &[
                ("name", &name),
                ("receipt_email", &email),
                ("credit_limit", &credit),
                ("attr:loyalty_tier", tier),
            ],
        );
        op.operation_at = Utc::now() - Duration::hours(i);
        receive(db, channel, &[op]).await;
    }
    run_pipeline(db).await;
    shop
}

fn filter(query: &str) -> OperationFilter {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    OperationFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap()
}

/// Every operation the filter lets through, walking pages of `size`.
async fn walk(db: &Db, query: &str, size: i64) -> Vec<OperationSummary> {
    let filter = filter(query);
    let mut all = Vec::new();
    let mut cursor: Option<OperationCursor> = None;
    loop {
        let page = db.filtered_page(&filter, cursor, size).await.unwrap();
        all.extend(page.operations.into_iter().map(|o| o.summary));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let times: Vec<_> = all.iter().map(|o| o.operation_at).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "{query}: newest first"
    );
    all
}

fn names(ops: &[OperationSummary]) -> Vec<i64> {
    ops.iter().map(|o| o.id).collect()
}

storage_test! {
    async fn each_kind_of_field_filter_lets_through_exactly_its_operations(db) {
        shop_with_history(&db).await;
        assert_eq!(walk(&db, "", 5).await.len(), 24);
        let gold = walk(&db, "f=attr:loyalty_tier~eq~gold", 3).await;
        assert_eq!(gold.len(), 8, "equals ignores case, pages of 3");
        let gold_failed = walk(&db, "f=attr:loyalty_tier~eq~Gold&status=failed", 2).await;
        assert_eq!(gold_failed.len(), 2, "0 and 12: Gold (every third) with a bad email (every fourth)");
        assert!(gold_failed.iter().all(|o| o.status == SyncStatus::Failed));
        assert_eq!(walk(&db, "f=name~contains~ødegård 1", 4).await.len(), 10, "10 to 19");
        assert_eq!(walk(&db, "f=name~starts~kunde ødegård 2", 4).await.len(), 4, "20 to 23");
        assert_eq!(walk(&db, "f=credit_limit~gte~20000", 4).await.len(), 4);
        assert_eq!(walk(&db, "f=credit_limit~lte~1000", 4).await.len(), 2);
        assert_eq!(walk(&db, "f=phone~empty", 7).await.len(), 24, "no operation carries a phone");
        assert_eq!(walk(&db, "f=receipt_email~not_empty", 7).await.len(), 24);
        let both = walk(&db, "f=attr:loyalty_tier~eq~Silver&f=name~contains~0", 4).await;
        assert_eq!(names(&both).len(), 8, "01, 02, 04, 05, 07, 08, 10 and 20: the filters combine with AND");
    }
}

storage_test! {
    async fn quick_filters_and_counts_follow_the_filter(db) {
        let shop = shop_with_history(&db).await;
        let bergen = walk(&db, &format!("channel={}", shop.bergen.id), 5).await;
        assert_eq!(bergen.len(), 12);
        assert!(bergen.iter().all(|o| o.channel_id == shop.bergen.id));
        let today = Utc::now().date_naive();
        let recent = walk(&db, &format!("from={today}&to={today}"), 50).await;
        assert!(recent.iter().all(|o| o.operation_at.date_naive() == today));
        let chips = db.filtered_counts(&filter("status=failed&f=attr:loyalty_tier~eq~gold")).await.unwrap();
        let count = |s: SyncStatus| chips.counts.iter().find(|(x, _)| *x == s).unwrap().1;
        assert_eq!(count(SyncStatus::Failed), 2, "counts ignore the status filter: the chips");
        assert_eq!(count(SyncStatus::Succeeded), 6);
        assert!(!chips.capped);
    }
}

storage_test! {
    async fn hostile_filters_are_refused_naming_their_parameter(db) {
        shop_with_history(&db).await;
        let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
            (vec![("f", "attr:no_such_thing~eq~x".into())], "f"),
            (vec![("f", "name~gte~10".into())], "f"),
            (vec![("f", "credit_limit~contains~1".into())], "f"),
            (vec![("f", "name~eq~' OR 1=1 --".into())], ""),
            (vec![("f", format!("name~contains~{}", "x".repeat(10_240)))], "f"),
            (vec![("status", "DROP TABLE operations".into())], "status"),
            (vec![("from", "yesterday".into())], "from"),
            (vec![("before", "1_2_3".into())], "before"),
        ];
        for (pairs, param) in cases {
            let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
            match list(&db, &query).await {
                Ok(page) if param.is_empty() => assert!(page.operations.is_empty()),
                Err(AppError::Validation { field, .. }) => assert_eq!(field, param, "{pairs:?}"),
                other => panic!("{pairs:?}: {other:?}"),
            }
        }
    }
}

storage_test! {
    async fn the_status_counters_agree_with_a_full_count_whatever_happened(db) {
        let shop = shop_with_history(&db).await;
        let full = |channel: Option<i64>| {
            let db = db.db.clone();
            async move {
                let mut counts = Vec::new();
                for status in SyncStatus::ALL {
                    let n: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM operations WHERE status = $1 AND (channel_id = $2 OR $2 IS NULL)",
                    )
                    .bind(status.as_str())
                    .bind(channel)
                    .fetch_one(db.pool())
                    .await
                    .unwrap();
                    counts.push((*status, n));
                }
                counts
            }
        };
        for channel in [None, Some(shop.bergen.id), Some(shop.oslo.id)] {
            assert_eq!(db.counted_statuses(channel).await.unwrap(), full(channel).await, "{channel:?}");
        }
        // Deltas not yet folded count too; folding changes nothing.
        sqlx::query("UPDATE operations SET status = 'pending' WHERE status = 'failed'").execute(db.pool()).await.unwrap();
        sqlx::query("DELETE FROM operation_fields WHERE operation_id IN (SELECT id FROM operations WHERE status = 'pending')").execute(db.pool()).await.unwrap();
        sqlx::query("DELETE FROM operations WHERE status = 'pending'").execute(db.pool()).await.unwrap();
        assert_eq!(db.counted_statuses(None).await.unwrap(), full(None).await);
        db.fold_count_deltas().await.unwrap();
        assert_eq!(db.counted_statuses(None).await.unwrap(), full(None).await);
        assert_eq!(db.counted_statuses(Some(shop.bergen.id)).await.unwrap(), full(Some(shop.bergen.id)).await);
    }
}

storage_test! {
    async fn contains_finds_the_same_operations_through_the_value_dictionary_as_by_walking(db) {
        let shop = shop_with_history(&db).await;
        let extra: Vec<_> = (0..70)
            .map(|i| incoming(&format!("berg-{i}"), &guid(), OperationKind::Create, &[("name", &format!("Berg {i}"))]))
            .collect();
        receive(&db, &shop.oslo, &extra).await;
        run_pipeline(&db).await;
        // One value contains "berg 69": the dictionary leads the walk.
        let few = db.values_containing("name", "Berg 69").await.unwrap().expect("few values");
        assert_eq!(few, [("berg 69".to_owned(), 1)]);
        let route = db.plan(&filter("f=name~contains~berg 69"), 51).await.unwrap();
        assert_eq!(route, Plan::Values { filter: 0, keys: vec!["berg 69".into()] });
        assert_eq!(walk(&db, "f=name~contains~berg 69", 4).await.len(), 1);
        // Eleven values contain "berg 1" (1, 10 to 19): rare among the shop's operations, so
        // walking each of them is cheaper.
        let eleven = db.plan(&filter("f=name~contains~berg 1"), 51).await.unwrap();
        assert!(matches!(eleven, Plan::Values { ref keys, .. } if keys.len() == 11));
        assert_eq!(walk(&db, "f=name~contains~berg 1", 4).await.len(), 11);
        // Seventy contain "berg" (more than the dictionary leads), and "rg" is too short for
        // trigrams: plain walks, with the same answers.
        assert_eq!(db.values_containing("name", "berg").await.unwrap(), None);
        assert_eq!(db.plan(&filter("f=name~contains~berg"), 51).await.unwrap(), Plan::Scan);
        assert_eq!(walk(&db, "f=name~contains~berg", 16).await.len(), 70);
        assert_eq!(walk(&db, "f=name~contains~rg", 16).await.len(), 70);
        // No value contains it: nothing, and every count is zero.
        let none = filter("f=name~contains~zzzz");
        assert_eq!(db.plan(&none, 51).await.unwrap(), Plan::Nothing);
        assert!(db.filtered_page(&none, None, 50).await.unwrap().operations.is_empty());
        assert!(db.filtered_counts(&none).await.unwrap().counts.iter().all(|(_, n)| *n == 0));
        // The counts under a dictionary-led filter are those of its operations.
        let chips = db.filtered_counts(&filter("f=name~contains~ødegård 1")).await.unwrap();
        let total: i64 = chips.counts.iter().map(|(_, n)| n).sum();
        assert_eq!(total, 10);
    }
}

storage_test! {
    async fn suggestions_offer_the_values_in_use_most_frequent_first_by_prefix_or_anywhere(db) {
        shop_with_history(&db).await;
        assert_eq!(db.suggest_values("attr:loyalty_tier", "", 8).await.unwrap(), ["Silver", "Gold"]);
        assert_eq!(db.suggest_values("attr:loyalty_tier", "g", 8).await.unwrap(), ["Gold"]);
        let names = db.suggest_values("name", "kunde ødegård 1", 3).await.unwrap();
        assert_eq!(names.len(), 3);
        assert!(names.iter().all(|n| n.starts_with("Kunde Ødegård 1")), "{names:?}");
        // "Contains": values with the text anywhere, found by the trigram index; too short
        // for trigrams, the prefix's suggestions.
        let inside = app::functions::operations::suggestions(&db, "name", "degård 1", true).await.unwrap();
        assert!(!inside.is_empty() && inside.iter().all(|n| n.to_lowercase().contains("degård 1")), "{inside:?}");
        assert!(db.suggest_values("name", "degård 1", 8).await.unwrap().is_empty(), "no value starts so");
        assert_eq!(db.suggest_values_containing("attr:loyalty_tier", "ILV", 8).await.unwrap(), Some(vec!["Silver".to_owned()]));
        assert_eq!(db.suggest_values_containing("attr:loyalty_tier", "zzz", 8).await.unwrap(), Some(vec![]));
        assert_eq!(db.suggest_values_containing("attr:loyalty_tier", "il", 8).await.unwrap(), None);
        let short = app::functions::operations::suggestions(&db, "attr:loyalty_tier", "g", true).await.unwrap();
        assert_eq!(short, ["Gold"]);
        let refused = app::functions::operations::suggestions(&db, "attr:nope", "", false).await;
        assert!(matches!(refused, Err(AppError::Validation { field, .. }) if field == "field"));
        let long = "x".repeat(10_000);
        let refused = app::functions::operations::suggestions(&db, "name", &long, true).await;
        assert!(matches!(refused, Err(AppError::Validation { field, .. }) if field == "prefix"));
    }
}

storage_test! {
    async fn oldest_first_walks_the_same_operations_in_the_other_order(db) {
        shop_with_history(&db).await;
        for query in ["", "f=attr:loyalty_tier~eq~gold", "f=name~contains~ødegård 1", "status=failed"] {
            let newest = walk(&db, query, 3).await;
            let oldest_filter = filter(&format!("{query}&sort=oldest"));
            let mut oldest = Vec::new();
            let mut cursor = None;
            loop {
                let page = db.filtered_page(&oldest_filter, cursor, 3).await.unwrap();
                oldest.extend(page.operations.into_iter().map(|o| o.summary));
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            let mut reversed = names(&newest);
            reversed.reverse();
            assert_eq!(names(&oldest), reversed, "{query}");
        }
    }
}

storage_test! {
    async fn list_rows_carry_what_the_extra_columns_show(db) {
        shop_with_history(&db).await;
        let page = db.filtered_page(&filter("status=failed&cols=kind,retries,entity,error"), None, 50).await.unwrap();
        assert_eq!(page.operations.len(), 6);
        for row in &page.operations {
            let error = row.last_error.as_ref().expect("a failed operation says why");
            assert_eq!(error.field.as_deref(), Some("receipt_email"));
            assert_eq!(row.summary.legal_entity_id, "NO01");
            assert_eq!(row.retry_count, 0);
        }
    }
}
