//! The dashboard's figures on SQLite and PostgreSQL against direct counts of the operations:
//! statuses per channel, failures per hour and day (kept when a failure is mended), by channel
//! and by cause, the oldest Pending and Failed operation of each channel, and the jobs' runs.

use app::{
    functions::dashboard::dashboard,
    locale::Locale,
    model::{JobName, JobTrigger, SyncStatus},
    storage::{from_micros, Db},
};
use chrono::Utc;
use custsync_tests::{
    doubled_at_creates, jobs_of, plain_creates, receive, retailer, run_pipeline, scalar,
    storage_test,
};

/// Operations of `channel` in `status`, counted directly.
async fn counted(db: &Db, channel: i64, status: &str) -> i64 {
    scalar(
        db,
        &format!(
            "SELECT COUNT(*) FROM operations WHERE channel_id = {channel} AND status = '{status}'"
        ),
    )
    .await
}

/// The operation time of the oldest operation of `channel` in `status`, counted directly.
async fn oldest(db: &Db, channel: i64, status: &str) -> Option<chrono::DateTime<Utc>> {
    let at: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MIN(operation_at) FROM operations WHERE channel_id = {channel} AND status = '{status}'"
    ))
    .fetch_one(db.pool())
    .await
    .unwrap();
    at.map(from_micros)
}

storage_test! {
    async fn the_dashboards_figures_are_the_operations_counted_directly(db) {
        let shop = retailer(&db).await;
        receive(&db, &shop.oslo, &plain_creates("o", 20)).await;
        receive(&db, &shop.oslo, &doubled_at_creates("of", 12)).await;
        receive(&db, &shop.bergen, &doubled_at_creates("bf", 5)).await;
        run_pipeline(&db).await;
        // Three more from Bergen, taken in by the P-job only: Pending.
        receive(&db, &shop.bergen, &plain_creates("bp", 3)).await;
        app::jobs::execute(&mut jobs_of(&db), JobName::PJob, JobTrigger::RunNow, false)
            .await
            .unwrap();

        let view = dashboard(&db, Locale::en, chrono_tz::Tz::UTC, Utc::now()).await.unwrap();
        let figures = &view.figures;
        for channel in &figures.channels {
            for (status, n) in &channel.counts {
                assert_eq!(*n, counted(&db, channel.id, status.as_str()).await, "{} {status:?}", channel.name);
            }
            assert_eq!(channel.oldest_pending, oldest(&db, channel.id, "pending").await, "{}", channel.name);
            assert_eq!(channel.oldest_failed, oldest(&db, channel.id, "failed").await, "{}", channel.name);
        }
        let bergen = figures.channels.iter().find(|c| c.id == shop.bergen.id).unwrap();
        assert!(bergen.oldest_pending.is_some() && bergen.oldest_failed.is_some());
        let london = figures.channels.iter().find(|c| c.id == shop.london.id).unwrap();
        assert_eq!((london.total(), london.oldest_pending, london.oldest_failed), (0, None, None));

        // Every failure happened this hour and today.
        assert_eq!(figures.hourly.len(), 48);
        assert_eq!(figures.daily.len(), 30);
        assert_eq!(figures.hourly.last().unwrap().1, 17);
        assert_eq!(figures.hourly.iter().map(|(_, n)| n).sum::<i64>(), 17);
        assert_eq!(figures.daily.last().unwrap().1, 17);
        assert_eq!(figures.failures_by_channel, [(shop.oslo.id, 12), (shop.bergen.id, 5)]);
        assert_eq!(figures.failures_by_group.len(), 1);
        assert_eq!(figures.failures_by_group[0].0.key(), "invalid_email.receipt_email.invalid_email");
        assert_eq!(figures.failures_by_group[0].1, 17);

        // Three jobs ran, then the P-job again.
        let runs = scalar(&db, "SELECT COUNT(*) FROM job_runs").await;
        assert_eq!(figures.runs.len() as i64, runs);
        assert!(figures.runs.iter().any(|r| r.job == JobName::SynchronizeCustomers && r.failed == 17));

        // The charts are drawn from the figures.
        for svg in [&view.statuses, &view.hourly, &view.daily, &view.run_seconds, &view.run_operations] {
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"), "{svg}");
        }
        assert!(view.statuses.contains(&shop.oslo.name));

        // A mended failure stays a failure of its hour; the statuses move.
        let fixed = scalar(
            &db,
            "SELECT MIN(id) FROM operations WHERE status = 'failed'",
        )
        .await;
        sqlx::query("UPDATE operations SET status = 'pending', failure_group = NULL WHERE id = $1")
            .bind(fixed)
            .execute(db.pool())
            .await
            .unwrap();
        db.fold_count_deltas().await.unwrap();
        let after = db.dashboard(Utc::now()).await.unwrap();
        assert_eq!(after.hourly.iter().map(|(_, n)| n).sum::<i64>(), 17);
        let failed_now: i64 = after
            .channels
            .iter()
            .flat_map(|c| c.counts.iter())
            .filter(|(s, _)| *s == SyncStatus::Failed)
            .map(|(_, n)| n)
            .sum();
        assert_eq!(failed_now, 16);
    }
}

storage_test! {
    async fn the_channel_apis_calls_are_counted_per_channel_and_hour_with_their_errors(db) {
        use axum::{body::Body, http::Request};
        use tower::ServiceExt;
        let shop = retailer(&db).await;
        let token = custsync_tests::token_for(&db, &shop.oslo).await;
        let shutdown = tokio_util::sync::CancellationToken::new();
        let settings = server::startup::ServerSettings {
            shutdown: shutdown.clone(),
            ..Default::default()
        };
        let options = server::startup::leptos_options("target/site", "127.0.0.1:0".parse().unwrap());
        let app = server::startup::router(db.clone(), options, &settings);
        let op = custsync_tests::incoming(
            "api-1",
            &custsync_tests::guid(),
            app::model::OperationKind::Create,
            &[("name", "Kari")],
        );
        let batch = serde_json::json!({ "operations": [op] }).to_string();
        // Oslo: three good batches and one that is not JSON; two calls without a valid token.
        for (token, body, status) in [
            (Some(token.as_str()), batch.as_str(), 200),
            (Some(token.as_str()), batch.as_str(), 200),
            (Some(token.as_str()), batch.as_str(), 200),
            (Some(token.as_str()), "{not json", 400),
            (None, batch.as_str(), 401),
            (Some("cs_not_a_token"), batch.as_str(), 401),
        ] {
            let mut request = Request::post("/api/v1/operations").header("content-type", "application/json");
            if let Some(token) = token {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            let answer = app.clone().oneshot(request.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
            assert_eq!(answer.status().as_u16(), status, "{token:?} {body}");
        }
        // The counts go to the database every ten seconds, and when the server stops (which
        // flushes them before it closes the database).
        shutdown.cancel();
        settings.api_calls.flush(&db).await;
        let mut flushed = 0;
        for _ in 0..100 {
            flushed = scalar(&db, "SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) FROM api_calls").await;
            if flushed == 6 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(flushed, 6);
        let figures = db.dashboard(Utc::now()).await.unwrap();
        assert_eq!(figures.api_hourly.len(), 48);
        let (_, calls, errors) = *figures.api_hourly.last().unwrap();
        assert_eq!((calls, errors), (6, 3));
        assert_eq!(figures.api_by_channel, [(shop.oslo.id, 4, 1), (0, 2, 2)]);
        // Another instance's counts add up.
        let hour = Utc::now().timestamp() / 3600;
        db.add_api_calls(&[(hour, shop.oslo.id, 10, 0)]).await.unwrap();
        let figures = db.dashboard(Utc::now()).await.unwrap();
        assert_eq!(figures.api_by_channel, [(shop.oslo.id, 14, 1), (0, 2, 2)]);
    }
}
