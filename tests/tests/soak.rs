//! Real `custsync` processes under what a site meets: thousands of page loads by every role
//! (sequential and eight at once) with no answer missing, no 5xx and no panic in the log, and
//! memory that stays flat; sign-ins that do not pile up memory; clients that stall; and a
//! SIGTERM with live pages open and a job running. On SQLite and PostgreSQL.

use std::{
    io::{Read, Write},
    net::TcpStream,
    time::{Duration, Instant},
};

use app::model::JobName;
use custsync_tests::{
    free_port, plain_creates, receive, retailer, scalar, storage_test, wait_until_serving,
    ServerProcess, TestDb,
};

const ADMIN_PASSWORD: &str = "soak-admin-password-2026";

/// Page loads of the soak (at least 2,000 are asked for; the memory check needs 10,000).
fn soak_loads() -> usize {
    std::env::var("CUSTSYNC_SOAK_LOADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// A client signed in as `name`, or `None` if the sign-in failed.
async fn signed_in(base: &str, name: &str, password: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let answer = client
        .post(format!("{base}/sign-in"))
        .header("origin", base)
        .form(&[("name", name), ("password", password), ("next", "/")])
        .send()
        .await
        .unwrap();
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, "/", "sign-in as {name}");
    client
}

/// Every kind of page: the list under each status, a detail of each kind and status there is,
/// the change log, the admin page and the sign-in page.
async fn page_kinds(db: &TestDb) -> Vec<String> {
    let mut paths: Vec<String> = ["/", "/changes", "/admin", "/sign-in"]
        .map(String::from)
        .into();
    for status in ["pending", "waiting", "editing", "failed", "succeeded"] {
        paths.push(format!("/?status={status}"));
        for kind in ["create", "update"] {
            let id = scalar(
                db,
                &format!(
                    "SELECT COALESCE(MIN(id), 0) FROM operations WHERE status = '{status}' AND kind = '{kind}'"
                ),
            )
            .await;
            if id > 0 {
                paths.push(format!("/?status={status}&op={id}"));
                paths.push(format!("/?op={id}"));
            }
        }
    }
    paths
}

/// What the loads met.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    loads: usize,
    no_answer: usize,
    server_errors: usize,
}

async fn load_all(
    clients: &[reqwest::Client],
    base: &str,
    paths: &[String],
    loads: usize,
    parallel: usize,
) -> Tally {
    use futures::StreamExt;
    let results: Vec<Option<u16>> = futures::stream::iter(0..loads)
        .map(|i| {
            let client = clients[i % clients.len()].clone();
            let url = format!("{base}{}", paths[(i / clients.len()) % paths.len()]);
            async move {
                match client.get(&url).send().await {
                    Ok(answer) => {
                        let status = answer.status().as_u16();
                        answer.bytes().await.ok().map(|_| status)
                    }
                    Err(_) => None,
                }
            }
        })
        .buffer_unordered(parallel)
        .collect()
        .await;
    Tally {
        loads,
        no_answer: results.iter().filter(|r| r.is_none()).count(),
        server_errors: results
            .iter()
            .filter(|r| r.is_some_and(|s| s >= 500))
            .count(),
    }
}

storage_test! {
    async fn thousands_of_page_loads_by_every_role_all_get_an_answer_and_memory_stays_flat(db) {
        let demo = custsync_tools::seed::DemoConfig { operations: 3_000, ..Default::default() };
        custsync_tools::seed::seed_demo(&db, &demo, false).await.unwrap();
        let port = free_port();
        let server = ServerProcess::start_with(&db.url, port, &["--admin-password", ADMIN_PASSWORD]);
        wait_until_serving(port).await;
        let base = format!("http://127.0.0.1:{port}");
        let clients = vec![
            signed_in(&base, "viewer", "viewer-demo-2026").await,
            signed_in(&base, "operator", "operator-demo-2026").await,
            signed_in(&base, "admin", ADMIN_PASSWORD).await,
        ];
        let paths = page_kinds(&db).await;
        assert!(paths.len() >= 14, "every kind of page: {paths:?}");
        let total = soak_loads();
        let first = load_all(&clients, &base, &paths, 1_000, 1).await;
        let rss_first = server.rss_bytes();
        let rest = load_all(&clients, &base, &paths, total.saturating_sub(1_000), 8).await;
        let rss_last = server.rss_bytes();
        let mb = |b: u64| b as f64 / 1_048_576.0;
        println!(
            "soak {}: {} loads (1,000 one at a time, {} eight at once); no answer {}, 5xx {}; \
             RSS after 1,000 {:.1} MB, after {} {:.1} MB",
            db.backend().name(), first.loads + rest.loads, rest.loads, first.no_answer + rest.no_answer,
            first.server_errors + rest.server_errors, mb(rss_first), total, mb(rss_last)
        );
        for tally in [first, rest] {
            assert_eq!(tally.no_answer, 0, "{tally:?}");
            assert_eq!(tally.server_errors, 0, "{tally:?}");
        }
        if total >= 10_000 {
            assert!(
                rss_last <= rss_first + 10 * 1_048_576,
                "RSS grew from {:.1} to {:.1} MB",
                mb(rss_first),
                mb(rss_last)
            );
        }
        server.assert_clean_log();
    }
}

#[tokio::test]
async fn fifty_sign_ins_ten_at_once_add_at_most_thirty_megabytes() {
    let db = custsync_tests::fresh_db(custsync_tests::Backend::Sqlite).await;
    let port = free_port();
    let server = ServerProcess::start_with(&db.url, port, &["--admin-password", ADMIN_PASSWORD]);
    wait_until_serving(port).await;
    let base = format!("http://127.0.0.1:{port}");
    let _ = signed_in(&base, "admin", ADMIN_PASSWORD).await;
    let after_first = server.rss_bytes();
    for _ in 0..5 {
        let ten: Vec<_> = (0..10)
            .map(|_| signed_in(&base, "admin", ADMIN_PASSWORD))
            .collect();
        futures::future::join_all(ten).await;
    }
    let after_fifty = server.rss_bytes();
    let mb = |b: u64| b as f64 / 1_048_576.0;
    println!(
        "RSS after the first sign-in {:.1} MB, after 50 more {:.1} MB",
        mb(after_first),
        mb(after_fifty)
    );
    assert!(
        after_fifty <= after_first + 30 * 1_048_576,
        "RSS grew from {:.1} to {:.1} MB",
        mb(after_first),
        mb(after_fifty)
    );
    server.assert_clean_log();
}

/// Whether the server closes (or answers and closes) `stream` within `limit`; what it sent.
fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    stream.set_read_timeout(Some(limit)).unwrap();
    let started = Instant::now();
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    while started.elapsed() < limit {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(String::from_utf8_lossy(&seen).into_owned()),
            Ok(n) => seen.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(String::from_utf8_lossy(&seen).into_owned())
            }
            Err(_) => return None,
        }
    }
    None
}

#[tokio::test]
async fn stalled_clients_are_cut_off_and_the_live_stream_keeps_living() {
    let db = custsync_tests::fresh_db(custsync_tests::Backend::Sqlite).await;
    let port = free_port();
    let server = ServerProcess::start_with(
        &db.url,
        port,
        &[
            "--admin-password",
            ADMIN_PASSWORD,
            "--header-timeout",
            "1s",
            "--body-timeout",
            "1s",
            "--request-timeout",
            "2s",
        ],
    );
    wait_until_serving(port).await;
    let base = format!("http://127.0.0.1:{port}");
    let cookie = {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = client
            .post(format!("{base}/sign-in"))
            .header("origin", &base)
            .form(&[("name", "admin"), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        answer.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };
    let connect = move || TcpStream::connect(("127.0.0.1", port)).unwrap();
    let limit = Duration::from_secs(4);
    tokio::task::spawn_blocking(move || {
        let mut headers = connect();
        headers.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap();
        assert!(closed_within(&mut headers, limit).is_some(), "unfinished headers are cut off");

        for (path, kind) in [("/api/v1/operations", "application/json"), ("/sign-in", "application/x-www-form-urlencoded")] {
            let mut body = connect();
            write!(body, "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {kind}\r\nContent-Length: 1000\r\n\r\n{{\"operations\"").unwrap();
            let answer = closed_within(&mut body, limit);
            assert!(answer.is_some(), "an unfinished body to {path} is cut off");
        }

        let mut idle = connect();
        idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let answer = closed_within(&mut idle, limit).expect("an idle keep-alive connection is closed");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");

        let mut live = connect();
        write!(live, "GET /events HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n").unwrap();
        live.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        let mut first = [0u8; 512];
        let n = live.read(&mut first).unwrap();
        assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
        std::thread::sleep(Duration::from_secs(3));
        live.set_nonblocking(true).unwrap();
        let mut more = [0u8; 512];
        let ended = matches!(live.read(&mut more), Ok(0));
        assert!(!ended, "the live stream ended after the request timeout");
    })
    .await
    .unwrap();
    server.assert_clean_log();
}

storage_test! {
    async fn sigterm_with_live_pages_open_and_a_job_running_exits_in_ten_seconds_and_a_restart_resumes(db) {
        let shop = retailer(&db).await;
        for part in 0..10 {
            receive(&db, &shop.bergen, &plain_creates(&format!("term-{part}"), 1_000)).await;
        }
        // No run before the test asks for one: a run at start-up could carry all 10,000 before
        // the test looks, and the runs it asked for would then be over too fast to be seen.
        db.ensure_job_schedules(3600).await.unwrap();
        for job in JobName::ALL {
            db.set_job_interval(*job, 3600).await.unwrap();
        }
        let port = free_port();
        let mut server = ServerProcess::start_with(&db.url, port, &["--admin-password", ADMIN_PASSWORD]);
        wait_until_serving(port).await;
        let base = format!("http://127.0.0.1:{port}");
        let client = signed_in(&base, "admin", ADMIN_PASSWORD).await;
        let mut streams = Vec::new();
        for _ in 0..20 {
            let answer = client.get(format!("{base}/events")).send().await.unwrap();
            assert_eq!(answer.status().as_u16(), 200);
            streams.push(answer);
        }
        db.request_job_run(JobName::PJob).await.unwrap();
        db.request_job_run(JobName::SynchronizeCustomers).await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while scalar(&db, "SELECT COUNT(*) FROM job_runs WHERE status = 'running'").await == 0 {
            assert!(Instant::now() < deadline, "no job started");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let took = server.terminate(Duration::from_secs(10));
        println!("{}: exited {took:?} after SIGTERM", db.backend().name());
        assert!(took.is_some(), "still running 10 s after SIGTERM");
        // The live pages' streams end at the signal: the process does not wait out the grace
        // period that open connections get.
        assert!(took < Some(server::startup::DRAIN), "the event streams kept it waiting: {took:?}");
        server.assert_clean_log();
        drop(streams);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM job_runs WHERE status = 'running'").await, 0, "the run was closed");
        let received = scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await;
        assert_eq!(received, 10_000);
        let restarted = ServerProcess::start_with(&db.url, port, &["--admin-password", ADMIN_PASSWORD]);
        wait_until_serving(port).await;
        let deadline = Instant::now() + Duration::from_secs(240);
        loop {
            db.request_job_run(JobName::PJob).await.unwrap();
            db.request_job_run(JobName::SynchronizeCustomers).await.unwrap();
            let settled = db.unassigned_inbox().await.unwrap() == 0
                && scalar(&db, "SELECT COUNT(*) FROM operations").await == 10_000
                && scalar(&db, "SELECT COUNT(*) FROM operations WHERE status IN ('pending', 'waiting')").await == 0;
            if settled {
                break;
            }
            assert!(Instant::now() < deadline, "the restarted server did not finish the work");
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers c WHERE EXISTS (SELECT 1 FROM operations o WHERE o.async_account = c.async_account)").await, 10_000, "each create applied once");
        restarted.assert_clean_log();
    }
}
