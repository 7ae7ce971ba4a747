//! What a person or a channel met by trying, made impossible: session fixation, successful
//! sign-ins refused, GUIDs in two cases becoming two customers, control characters stored, bodies
//! of the wrong type read anyway, pages stored by caches, static files answering PUT, a panic in
//! a job ending the scheduler unseen, a long Retention run holding up the channels' customers.
//! Each on SQLite and PostgreSQL where the database matters.

use std::time::{Duration, Instant};

use app::model::{
    channel_api::OperationBatch, JobName, OperationKind, Role, SchedulerState, SyncStatus,
};
use axum::{body::Body, http::Request, Router};
use custsync_tests::{
    guid, incoming, retailer, run_pipeline, scalar, session, status_of, storage_test, token_for,
    TestDb, TEST_PASSWORD,
};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

fn app_with(db: &TestDb, settings: &server::startup::ServerSettings) -> Router {
    let options = server::startup::leptos_options("target/site", "127.0.0.1:0".parse().unwrap());
    server::startup::router(db.db.clone(), options, settings)
}

fn app(db: &TestDb) -> Router {
    app_with(db, &Default::default())
}

/// An answer's status, headers and body.
struct Answer {
    status: u16,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn send(router: Router, request: Request<Body>) -> Answer {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn sign_in_form(name: &str, cookie: Option<&str>) -> Request<Body> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("name", name)
        .append_pair("password", TEST_PASSWORD)
        .finish();
    let mut request = Request::post("/sign-in")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.body(Body::from(body)).unwrap()
}

fn session_cookie(answer: &Answer) -> Option<String> {
    answer
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(server::access::SESSION_COOKIE))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

async fn page(db: &TestDb, path: &str, cookie: &str) -> Answer {
    send(
        app(db),
        Request::get(path)
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

storage_test! {
    async fn signing_in_as_another_user_gives_a_new_session_id_and_the_old_one_stops_working(db) {
        let operator = session(&db, Role::Operator).await;
        let _ = session(&db, Role::Admin).await;
        let answer = send(app(&db), sign_in_form("admin-test", Some(&operator))).await;
        assert_eq!(answer.status, 303);
        let admin = session_cookie(&answer).expect("a new session cookie");
        assert_ne!(admin, operator, "the session id must change at sign-in");
        let old = page(&db, "/admin", &operator).await;
        assert_eq!(old.status, 303, "the old id is signed out");
        assert!(old.header("location").starts_with("/sign-in"));
        assert_eq!(page(&db, "/admin", &admin).await.status, 200);
    }
}

storage_test! {
    async fn six_successful_sign_ins_in_a_row_are_all_accepted_and_failures_lock_only_their_sender(db) {
        let _ = session(&db, Role::Viewer).await;
        let router = app(&db);
        for attempt in 1..=6 {
            let answer = send(router.clone(), sign_in_form("viewer-test", None)).await;
            assert!(
                !answer.header("location").contains("error="),
                "successful sign-in {attempt}: {}",
                answer.header("location")
            );
        }
        let wrong = |from: &'static str| {
            let body = "name=viewer-test&password=wrong-password";
            Request::post("/sign-in")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("x-forwarded-for", from)
                .body(Body::from(body))
                .unwrap()
        };
        let settings = server::startup::ServerSettings {
            sessions: server::access::SessionSettings {
                trusted_proxy_header: Some(axum::http::HeaderName::from_static("x-forwarded-for")),
                ..Default::default()
            },
            ..Default::default()
        };
        let behind_proxy = app_with(&db, &settings);
        for _ in 0..5 {
            let answer = send(behind_proxy.clone(), wrong("203.0.113.9")).await;
            assert!(answer.header("location").contains("error=bad_credentials"));
        }
        let locked = send(behind_proxy.clone(), wrong("203.0.113.9")).await;
        assert!(locked.header("location").contains("error=too_many"), "{}", locked.header("location"));
        let elsewhere = send(behind_proxy.clone(), wrong("198.51.100.4")).await;
        assert!(elsewhere.header("location").contains("error=bad_credentials"));
    }
}

async fn post_batch(db: &TestDb, token: &str, body: Value) -> Answer {
    send(
        app(db),
        Request::post("/api/v1/operations")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

storage_test! {
    async fn an_upper_case_guid_is_the_same_async_customer_as_its_lower_case_form(db) {
        let shop = retailer(&db).await;
        let token = token_for(&db, &shop.bergen).await;
        let lower = guid();
        let upper = lower.to_uppercase();
        let create = incoming("case-1", &lower, OperationKind::Create, &[("name", "Kari Nordmann")]);
        let edit = incoming("case-2", &upper, OperationKind::Update, &[("phone", "+4791234567")]);
        let again = incoming("case-3", &upper, OperationKind::Create, &[("name", "Kari Nordmann")]);
        for op in [create, edit, again] {
            let body = serde_json::to_value(OperationBatch { operations: vec![op] }).unwrap();
            assert_eq!(post_batch(&db, &token, body).await.status, 200);
        }
        run_pipeline(&db).await;
        let customers = scalar(&db, &format!("SELECT COUNT(*) FROM customers WHERE lower(async_account) = '{lower}'")).await;
        assert_eq!(customers, 1, "one customer for the GUID in either case");
        let statuses = status_of(&db, &lower).await;
        assert_eq!(statuses.len(), 3, "all three operations belong to the lower-case GUID: {statuses:?}");
        // The edit in upper case applies to the customer the lower-case create made, and a
        // second create in upper case is refused as a create of an existing customer.
        assert_eq!(statuses, [SyncStatus::Succeeded, SyncStatus::Succeeded, SyncStatus::Failed]);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations WHERE async_account <> lower(async_account)").await, 0);
    }
}

storage_test! {
    async fn control_characters_are_refused_with_the_item_and_field_and_nothing_is_stored(db) {
        let shop = retailer(&db).await;
        let token = token_for(&db, &shop.bergen).await;
        let good = incoming("ctl-1", &guid(), OperationKind::Create, &[("name", "Ola Nordmann")]);
        let bad = incoming("ctl-2", &guid(), OperationKind::Create, &[("city", "Bergen"), ("name", "Kari\u{0}Nordmann")]);
        let c1 = incoming("ctl-3", &guid(), OperationKind::Create, &[("name", "Kari\u{85}Nordmann")]);
        let body = serde_json::to_value(OperationBatch { operations: vec![good, bad, c1] }).unwrap();
        let answer = post_batch(&db, &token, body).await;
        assert_eq!(answer.status, 400, "{}", answer.body);
        let problems = answer.json()["error"]["problems"].clone();
        let fields: Vec<&str> = problems.as_array().unwrap().iter().filter_map(|p| p["field"].as_str()).collect();
        assert_eq!(fields, ["operations[1].fields[1].new_value", "operations[2].fields[0].new_value"]);
        assert!(answer.body.contains("U+0000"), "{}", answer.body);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await, 0, "nothing stored");
    }
}

storage_test! {
    async fn the_channel_api_refuses_what_it_does_not_read_and_says_so(db) {
        let shop = retailer(&db).await;
        let token = token_for(&db, &shop.bergen).await;
        let op = incoming("strict-1", &guid(), OperationKind::Create, &[("name", "Ola")]);
        let body = serde_json::to_string(&OperationBatch { operations: vec![op] }).unwrap();
        let with_type = |content_type: Option<&str>| {
            let mut request = Request::post("/api/v1/operations")
                .header("authorization", format!("Bearer {token}"));
            if let Some(content_type) = content_type {
                request = request.header("content-type", content_type);
            }
            request.body(Body::from(body.clone())).unwrap()
        };
        for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
            let answer = send(app(&db), with_type(content_type)).await;
            assert_eq!(answer.status, 415, "{content_type:?}: {}", answer.body);
            assert_eq!(answer.json()["error"]["code"], "unsupported_media_type");
        }
        let answer = send(app(&db), with_type(Some("application/json; charset=utf-8"))).await;
        assert_eq!(answer.status, 200, "{}", answer.body);

        let mut unknown: Value = serde_json::from_str(&body).unwrap();
        unknown["operations"][0]["channel_operation_id"] = json!("strict-2");
        unknown["operations"][0]["fields"][0]["colour"] = json!("blue");
        let answer = post_batch(&db, &token, unknown).await;
        assert_eq!(answer.status, 400, "{}", answer.body);
        let field = answer.json()["error"]["problems"][0]["field"].as_str().unwrap_or("").to_owned();
        assert!(field.starts_with("operations[0].fields[0]"), "names the path: {field}");
        assert!(answer.body.contains("colour"), "{}", answer.body);

        let feed = |auth: String, channel: &str| {
            Request::get(format!("/api/v1/channels/{channel}/customers"))
                .header("authorization", auth)
                .body(Body::empty())
                .unwrap()
        };
        let code = shop.bergen.code.clone();
        assert_eq!(send(app(&db), feed(format!("bearer {token}"), &code)).await.status, 200);
        assert_eq!(send(app(&db), feed(format!("BEARER {token}"), &code)).await.status, 200);
        let missing = send(app(&db), feed(format!("Bearer {token}"), "NO-SUCH-CHANNEL")).await;
        assert_eq!(missing.status, 404, "{}", missing.body);
        assert!(missing.body.contains("NO-SUCH-CHANNEL"), "{}", missing.body);
    }
}

storage_test! {
    async fn a_chunked_body_over_the_limit_to_a_server_function_is_413(db) {
        let cookie = session(&db, Role::Operator).await;
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            (0..20).map(|_| Ok(vec![b'a'; 64 * 1024])).collect();
        let body = Body::from_stream(tokio_stream::iter(chunks));
        let request = Request::post("/rpc/operations/list")
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .unwrap();
        let answer = send(app(&db), request).await;
        assert_eq!(answer.status, 413, "{}", answer.body);
    }
}

storage_test! {
    async fn pages_and_answers_are_never_stored_by_caches_and_static_files_take_only_get(db) {
        let cookie = session(&db, Role::Viewer).await;
        for path in ["/", "/changes", "/sign-in", "/api/v1/openapi.json", "/healthz"] {
            let answer = page(&db, path, &cookie).await;
            assert_eq!(answer.header("cache-control"), "no-store", "{path}");
        }
        let answer = send(app(&db), Request::post("/rpc/jobs/overview")
            .header("cookie", &cookie)
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.header("cache-control"), "no-store");
        for method in ["PUT", "DELETE", "TRACE", "OPTIONS", "POST"] {
            let answer = send(app(&db), Request::builder().method(method).uri("/pkg/custsync.css")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from("x")).unwrap()).await;
            assert_eq!(answer.status, 405, "{method} /pkg/custsync.css");
            assert_eq!(answer.header("allow"), "GET, HEAD");
        }
    }
}

/// Waits (at most 20 s) until `done` holds.
async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done().await {
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

storage_test! {
    async fn a_panicking_job_step_fails_its_run_with_a_sentence_and_the_scheduler_goes_on(db) {
        let shop = retailer(&db).await;
        custsync_tests::receive(&db, &shop.bergen, &custsync_tests::plain_creates("panic", 3)).await;
        db.ensure_job_schedules(3600).await.unwrap();
        db.request_job_run(JobName::PJob).await.unwrap();
        db.request_job_run(JobName::SynchronizeCustomers).await.unwrap();
        let mut jobs = custsync_tests::jobs_of(&db);
        jobs.test_hooks.panic_in_step = Some(JobName::SynchronizeCustomers);
        let health = app::functions::jobs::SchedulerHealth::default();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let scheduler = server::scheduler::spawn(jobs, stopped, health.clone());
        eventually("the Synchronize run is recorded failed", async || {
            scalar(&db, "SELECT COUNT(*) FROM job_runs WHERE job = 'synchronize_customers' AND status = 'failed' AND error LIKE '%panic%'").await > 0
        }).await;
        eventually("the P-job has run", async || {
            scalar(&db, "SELECT COUNT(*) FROM job_runs WHERE job = 'p_job' AND status = 'succeeded'").await > 0
        }).await;
        db.request_job_run(JobName::PJob).await.unwrap();
        eventually("the P-job runs again after the panic", async || {
            scalar(&db, "SELECT COUNT(*) FROM job_runs WHERE job = 'p_job' AND status = 'succeeded'").await > 1
        }).await;
        assert_eq!(health.get(), SchedulerState::Running);
        let _ = stop.send(true);
        scheduler.await.unwrap();
        assert_eq!(health.get(), SchedulerState::Off);
    }
}

storage_test! {
    async fn a_long_retention_run_does_not_hold_up_the_channels_new_customers(db) {
        let shop = retailer(&db).await;
        db.ensure_job_schedules(3600).await.unwrap();
        db.request_job_run(JobName::Retention).await.unwrap();
        let mut jobs = custsync_tests::jobs_of(&db);
        // Each step of Retention takes 15 s, as a large backlog's run takes hours.
        jobs.test_hooks.slow_step = Some((JobName::Retention, Duration::from_secs(15)));
        let health = app::functions::jobs::SchedulerHealth::default();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let scheduler = server::scheduler::spawn(jobs, stopped, health.clone());
        let retention_running = "SELECT COUNT(*) FROM job_runs WHERE job = 'retention' AND status = 'running'";
        eventually("the Retention run has started", async || scalar(&db, retention_running).await == 1).await;

        // A store's new customer meanwhile: taken in and made while Retention still runs.
        let creates = custsync_tests::plain_creates("beside-retention", 1);
        custsync_tests::receive(&db, &shop.bergen, &creates).await;
        db.request_job_run(JobName::PJob).await.unwrap();
        db.request_job_run(JobName::SynchronizeCustomers).await.unwrap();
        let account = &creates[0].async_account;
        eventually("the new customer is made", async || status_of(&db, account).await == [SyncStatus::Succeeded]).await;
        assert_eq!(scalar(&db, retention_running).await, 1, "the Retention run is still going");

        let _ = stop.send(true);
        scheduler.await.unwrap();
        assert_eq!(health.get(), SchedulerState::Off);
    }
}

storage_test! {
    async fn a_scheduler_that_ends_makes_healthz_answer_503_and_the_jobs_panel_say_so(db) {
        let mut jobs = custsync_tests::jobs_of(&db);
        jobs.test_hooks.panic_in_scheduler = true;
        let health = app::functions::jobs::SchedulerHealth::default();
        let (_stop, stopped) = tokio::sync::watch::channel(false);
        server::scheduler::spawn(jobs, stopped, health.clone()).await.unwrap();
        assert_eq!(health.get(), SchedulerState::Stopped);
        let settings = server::startup::ServerSettings { scheduler: health, ..Default::default() };
        let answer = send(app_with(&db, &settings), Request::get("/healthz").body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, 503, "{}", answer.body);
        assert_eq!(answer.json()["scheduler"], "stopped");
        let cookie = session(&db, Role::Viewer).await;
        let answer = send(app_with(&db, &settings), Request::get("/")
            .header("cookie", &cookie).body(Body::empty()).unwrap()).await;
        assert!(answer.body.contains("job scheduler of this custsync instance has stopped"), "the Jobs panel says so");
    }
}
