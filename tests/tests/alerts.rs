//! Alerts on SQLite and PostgreSQL: each kind of rule fires once when its condition holds and
//! resolves once when it clears, however often it is looked at; every webhook hears both,
//! signed, from a receiver this test starts on 127.0.0.1 (which answers its first call with a
//! 500, so the call is made again); bad rules and webhooks are refused naming the field, with
//! nothing stored; two instances looking at once open one episode; the banner shows on the
//! pages while an alert fires.

use std::{
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use app::{
    alerts::look,
    functions::alerts::plain,
    model::{JobName, JobTrigger, Role, SignedIn},
    storage::Db,
    AppError,
};
use axum::{body::Body, http::HeaderMap, routing::post, Router};
use chrono::{Duration as Span, Utc};
use custsync_tests::{
    doubled_at_creates, jobs_of, plain_creates, receive, retailer, router, run_pipeline, scalar,
    session, storage_test,
};
use hmac::{Hmac, Mac};
use server::alerts::{deliver_due, AlertSettings};
use tower::ServiceExt;

const SECRET: &str = "receiver-secret-0123456789";
const SITE: &str = "https://custsync.example.no";

/// A webhook receiver on 127.0.0.1: what it was sent, and how many calls it still refuses.
#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<(HeaderMap, String)>>>,
    refuse: Arc<AtomicUsize>,
}

impl Receiver {
    /// Starts it; the address of its hook.
    async fn start(&self) -> String {
        let me = self.clone();
        let app = Router::new().route(
            "/hook",
            post(move |headers: HeaderMap, body: String| {
                let me = me.clone();
                async move {
                    me.calls.lock().unwrap().push((headers, body));
                    let refused = me
                        .refuse
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                        .is_ok();
                    if refused {
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        axum::http::StatusCode::NO_CONTENT
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{address}/hook")
    }

    /// The calls received: their delivery id and body as JSON, each checked against its
    /// signature.
    fn events(&self) -> Vec<(String, serde_json::Value)> {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .map(|(headers, body)| {
                let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_owned();
                let mut mac =
                    <Hmac<sha2::Sha256> as Mac>::new_from_slice(SECRET.as_bytes()).unwrap();
                mac.update(format!("{}.{body}", header("x-custsync-timestamp")).as_bytes());
                let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
                assert_eq!(
                    header("x-custsync-signature"),
                    expected,
                    "signed with the secret"
                );
                let json: serde_json::Value = serde_json::from_str(body).unwrap();
                assert_eq!(json["event"].as_str().unwrap(), header("x-custsync-event"));
                (header("x-custsync-delivery"), json)
            })
            .collect()
    }
}

fn admin() -> SignedIn {
    SignedIn {
        id: 1,
        name: "admin".into(),
        role: Role::Admin,
    }
}

fn settings() -> AlertSettings {
    AlertSettings {
        look_every: Duration::from_secs(1),
        first_retry: Duration::from_millis(1),
        site_url: SITE.into(),
        instance: "test-instance".into(),
    }
}

/// Makes every due webhook call until none is left (retries included).
async fn deliver_all(db: &Db) {
    let client = reqwest::Client::new();
    for _ in 0..50 {
        let pending = scalar(
            db,
            "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL",
        )
        .await;
        if pending == 0 {
            return;
        }
        // The looks ran up to hours ahead: so do the calls.
        deliver_due(db, &client, &settings(), Utc::now() + Span::days(1))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let errors: Vec<String> = sqlx::query_scalar(
        "SELECT COALESCE(last_error, '') FROM webhook_deliveries WHERE delivered_at IS NULL",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    panic!("webhook calls still waiting after 50 rounds: {errors:?}");
}

/// The rule's episodes: (opened, resolved).
async fn episodes(db: &Db, rule: i64) -> (i64, i64) {
    (
        scalar(db, &format!("SELECT COUNT(*) FROM alert_episodes WHERE rule_id = {rule}")).await,
        scalar(
            db,
            &format!("SELECT COUNT(*) FROM alert_episodes WHERE rule_id = {rule} AND resolved_at IS NOT NULL"),
        )
        .await,
    )
}

async fn rule(db: &Db, kind: &str, channel: Option<i64>, job: &str, threshold: &str) -> i64 {
    plain::create_rule(db, &admin(), kind, channel, "", job, threshold)
        .await
        .unwrap()
}

storage_test! {
    async fn each_rule_fires_once_and_resolves_once_and_every_webhook_hears_both_signed(db) {
        let shop = retailer(&db).await;
        db.ensure_job_schedules(900).await.unwrap();
        let receiver = Receiver::default();
        // The first call is answered with a 500: it is made again.
        receiver.refuse.store(1, Ordering::SeqCst);
        plain::create_webhook(&db, &admin(), &receiver.start().await, SECRET).await.unwrap();
        let failures = rule(&db, "failures_per_hour", Some(shop.oslo.id), "", "3").await;
        let pending = rule(&db, "oldest_pending", None, "", "60").await;
        let stalled = rule(&db, "job_stalled", None, "p_job", "5").await;
        let api = rule(&db, "api_error_rate", Some(shop.oslo.id), "", "25").await;

        // Five failures in Oslo (above 3), three Pending in Bergen (just received), 20 errors
        // of 40 API calls in Oslo (50 %, above 25 %).
        receive(&db, &shop.oslo, &doubled_at_creates("f", 5)).await;
        run_pipeline(&db).await;
        receive(&db, &shop.bergen, &plain_creates("p", 3)).await;
        app::jobs::execute(&mut jobs_of(&db), JobName::PJob, JobTrigger::RunNow, false).await.unwrap();
        let hour = Utc::now().timestamp().div_euclid(3_600);
        db.add_api_calls(&[(hour, shop.oslo.id, 40, 20)]).await.unwrap();

        let now = Utc::now();
        let first = look(&db, now, SITE).await.unwrap();
        assert_eq!((first.opened, first.resolved), (2, 0), "the failures and the API fire");
        let again = look(&db, now, SITE).await.unwrap();
        assert_eq!((again.opened, again.resolved), (0, 0), "once per episode, however often looked at");
        assert_eq!(episodes(&db, failures).await, (1, 0));
        assert_eq!(episodes(&db, api).await, (1, 0));

        // Three hours on: the last hour has no failures and no calls (both resolve); Bergen's
        // operations have waited 180 minutes and the P-job has not finished a run for 12 of
        // its 15-minute intervals (both fire).
        let later = now + Span::hours(3);
        let third = look(&db, later, SITE).await.unwrap();
        assert_eq!((third.opened, third.resolved), (2, 2));
        assert_eq!(episodes(&db, failures).await, (1, 1));
        assert_eq!(episodes(&db, api).await, (1, 1));
        assert_eq!(episodes(&db, pending).await, (1, 0), "one episode: Bergen");
        assert_eq!(episodes(&db, stalled).await, (1, 0), "one episode: the P-job only");

        // Synchronized (nothing Pending), and the P-job paused (a paused job is left alone):
        // both clear.
        run_pipeline(&db).await;
        db.set_job_paused(JobName::PJob, true).await.unwrap();
        let fourth = look(&db, later + Span::minutes(1), SITE).await.unwrap();
        assert_eq!((fourth.opened, fourth.resolved), (0, 2));
        for rule in [failures, pending, stalled, api] {
            assert_eq!(episodes(&db, rule).await, (1, 1), "rule {rule}");
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'alert.fired'").await, 4);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'alert.resolved'").await, 4);

        deliver_all(&db).await;
        let mut events = receiver.events();
        assert_eq!(events.len(), 9, "eight calls, the refused one twice");
        let (refused_id, refused) = events[0].clone();
        let again: Vec<&(String, serde_json::Value)> =
            events.iter().filter(|(id, _)| *id == refused_id).collect();
        assert_eq!(again.len(), 2, "the refused call is made again");
        assert_eq!(again[1].1, refused, "the same call");
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM webhook_deliveries WHERE attempts = 2").await,
            1,
            "two attempts of the refused call, one of every other"
        );
        events.remove(0);
        let delivered: Vec<&serde_json::Value> = events.iter().map(|(_, json)| json).collect();
        for (rule, kind) in [(failures, "failures_per_hour"), (pending, "oldest_pending"), (stalled, "job_stalled"), (api, "api_error_rate")] {
            let of_rule: Vec<&&serde_json::Value> = delivered
                .iter()
                .filter(|e| e["alert"]["rule"]["id"] == rule)
                .collect();
            let names: Vec<&str> = of_rule.iter().map(|e| e["event"].as_str().unwrap()).collect();
            assert_eq!(names, ["alert.fired", "alert.resolved"], "{kind}");
            assert_eq!(of_rule[0]["alert"]["id"], of_rule[1]["alert"]["id"], "one episode");
            assert_eq!(of_rule[0]["alert"]["rule"]["kind"], kind);
            assert!(of_rule[0]["link"].as_str().unwrap().starts_with(SITE), "{kind}");
            assert!(of_rule[1]["alert"]["resolved_at"].is_string(), "{kind}");
        }
        let oslo_failures = delivered
            .iter()
            .find(|e| e["alert"]["rule"]["id"] == failures)
            .unwrap();
        assert_eq!(oslo_failures["alert"]["subject"], shop.oslo.code.as_str());
        assert_eq!(oslo_failures["alert"]["value"], 5);
        assert_eq!(
            oslo_failures["summary"],
            format!("{}: 5 failures in the last hour (the alert is set above 3)", shop.oslo.name)
        );
        assert_eq!(
            oslo_failures["link"],
            format!("{SITE}/?status=failed&channel={}", shop.oslo.id)
        );
    }
}

storage_test! {
    async fn a_rule_turned_off_resolves_what_it_had_open_and_a_deleted_one_takes_its_episodes_along(db) {
        let shop = retailer(&db).await;
        let failures = rule(&db, "failures_per_hour", None, "", "1").await;
        receive(&db, &shop.oslo, &doubled_at_creates("f", 2)).await;
        run_pipeline(&db).await;
        assert_eq!(look(&db, Utc::now(), SITE).await.unwrap().opened, 1);
        plain::change_rule(&db, &admin(), failures, Some(false), false).await.unwrap();
        assert_eq!(look(&db, Utc::now(), SITE).await.unwrap().resolved, 1);
        assert_eq!(look(&db, Utc::now(), SITE).await.unwrap().opened, 0, "off fires nothing");
        plain::change_rule(&db, &admin(), failures, Some(true), false).await.unwrap();
        assert_eq!(look(&db, Utc::now(), SITE).await.unwrap().opened, 1, "on again: a new episode");
        plain::change_rule(&db, &admin(), failures, None, true).await.unwrap();
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alert_episodes").await, 0);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alert_rules").await, 0);
        let gone = plain::change_rule(&db, &admin(), failures, Some(true), false).await;
        assert!(matches!(gone, Err(AppError::NotFound { .. })), "{gone:?}");
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'alert_rule.change'").await,
            3
        );
    }
}

storage_test! {
    async fn bad_rules_and_webhooks_are_refused_naming_the_field_and_nothing_is_stored(db) {
        let shop = retailer(&db).await;
        let field_of = |result: Result<i64, AppError>| match result {
            Err(AppError::Validation { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        };
        for (kind, channel, group, job, threshold, field) in [
            ("failures_per_hour", None, "", "", "-5", "threshold"),
            ("failures_per_hour", None, "", "", "0", "threshold"),
            ("failures_per_hour", None, "", "", "many", "threshold"),
            ("api_error_rate", None, "", "", "150", "threshold"),
            ("now_and_then", None, "", "", "5", "kind"),
            ("oldest_pending", Some(shop.oslo.id + 1_000), "", "", "5", "channel_id"),
            ("failures_per_hour", None, "not a cause", "", "5", "failure_group"),
            ("job_stalled", None, "", "nightly_backup", "5", "job"),
        ] {
            let result = plain::create_rule(&db, &admin(), kind, channel, group, job, threshold).await;
            assert_eq!(field_of(result), field, "{kind} {threshold}");
        }
        for (url, secret, field) in [
            ("ftp://hooks.example.no/x", SECRET, "url"),
            ("hooks.example.no/x", SECRET, "url"),
            ("https://user:pw@hooks.example.no/", SECRET, "url"),
            ("https://hooks.example.no/x", "too-short", "secret"),
        ] {
            let result = plain::create_webhook(&db, &admin(), url, secret).await;
            assert_eq!(field_of(result), field, "{url}");
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alert_rules").await, 0);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM webhooks").await, 0);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log").await, 0);
    }
}

storage_test! {
    async fn two_instances_looking_at_once_open_one_episode_and_make_each_call_once(db) {
        let shop = retailer(&db).await;
        let receiver = Receiver::default();
        let hook = receiver.start().await;
        plain::create_webhook(&db, &admin(), &hook, SECRET).await.unwrap();
        plain::create_webhook(&db, &admin(), &hook, SECRET).await.unwrap();
        rule(&db, "failures_per_hour", None, "", "1").await;
        receive(&db, &shop.oslo, &doubled_at_creates("f", 2)).await;
        receive(&db, &shop.bergen, &doubled_at_creates("g", 2)).await;
        run_pipeline(&db).await;
        let now = Utc::now();
        let (a, b) = tokio::join!(look(&db, now, SITE), look(&db, now, SITE));
        assert_eq!(a.unwrap().opened + b.unwrap().opened, 2, "Oslo and Bergen, once each");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM alert_episodes").await, 2);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM webhook_deliveries").await, 4);
        let client = reqwest::Client::new();
        let (one, other) = (settings(), AlertSettings { instance: "other-instance".into(), ..settings() });
        let (a, b) = tokio::join!(
            deliver_due(&db, &client, &one, Utc::now()),
            deliver_due(&db, &client, &other, Utc::now())
        );
        assert_eq!(a.unwrap() + b.unwrap(), 4, "every call made, by one of the two");
        assert_eq!(receiver.events().len(), 4);
    }
}

storage_test! {
    async fn every_page_shows_the_banner_while_an_alert_fires_and_not_after(db) {
        let shop = retailer(&db).await;
        let failures = rule(&db, "failures_per_hour", Some(shop.bergen.id), "", "2").await;
        receive(&db, &shop.bergen, &doubled_at_creates("f", 3)).await;
        run_pipeline(&db).await;
        look(&db, Utc::now(), SITE).await.unwrap();
        let cookie = session(&db, Role::Viewer).await;
        let page = |path: &'static str| {
            let (db, cookie) = (db.clone(), cookie.clone());
            async move {
                let answer = router(&db)
                    .oneshot(
                        axum::http::Request::get(path)
                            .header("cookie", cookie)
                            .body(Body::empty())
                            .unwrap(),
                    )
                    .await
                    .unwrap();
                assert_eq!(answer.status(), 200, "{path}");
                let bytes = axum::body::to_bytes(answer.into_body(), usize::MAX).await.unwrap();
                String::from_utf8(bytes.to_vec()).unwrap()
            }
        };
        for path in ["/", "/dashboard", "/failures", "/changes"] {
            let html = page(path).await;
            assert!(html.contains("class=\"alert-banner\""), "{path}");
            assert!(
                html.contains(&format!("{}: 3 failures in the last hour", shop.bergen.name)),
                "{path}"
            );
        }
        plain::change_rule(&db, &admin(), failures, Some(false), false).await.unwrap();
        look(&db, Utc::now(), SITE).await.unwrap();
        assert!(!page("/").await.contains("alert-banner"), "gone when resolved");
    }
}

storage_test! {
    async fn a_call_refused_every_time_is_given_up_after_the_last_attempt_and_the_admin_page_says_so(db) {
        let shop = retailer(&db).await;
        let receiver = Receiver::default();
        receiver.refuse.store(usize::MAX, Ordering::SeqCst);
        plain::create_webhook(&db, &admin(), &receiver.start().await, SECRET).await.unwrap();
        rule(&db, "failures_per_hour", None, "", "1").await;
        receive(&db, &shop.oslo, &doubled_at_creates("f", 2)).await;
        run_pipeline(&db).await;
        look(&db, Utc::now(), SITE).await.unwrap();
        let client = reqwest::Client::new();
        // Each round is far enough ahead for the next retry to be due.
        for round in 1..=12 {
            let ahead = Utc::now() + Span::days(round);
            deliver_due(&db, &client, &settings(), ahead).await.unwrap();
        }
        assert_eq!(receiver.events().len(), server::alerts::MAX_ATTEMPTS as usize);
        let hooks = db.webhooks().await.unwrap();
        match &hooks[0].last_delivery {
            Some(app::model::alert::DeliveryState::GivenUp { attempts, error, .. }) => {
                assert_eq!(*attempts, server::alerts::MAX_ATTEMPTS);
                assert_eq!(error, "HTTP 500");
            }
            other => panic!("not given up: {other:?}"),
        }
    }
}
