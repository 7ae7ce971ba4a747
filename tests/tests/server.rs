//! The HTTP server as a browser and a load balancer see it: the status page rendered on the
//! server, the health check, bad input, and start-up failures that say what is wrong.

use app::model::Role;
use axum::{body::Body, http::Request, Router};
use custsync_tests::{fresh_db, session, Backend, TestDb};
use custsync_tools::seed::{seed_demo, DemoConfig};
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn app(db: &TestDb) -> Router {
    custsync_tests::router(db)
}

/// A GET as a signed-in viewer.
async fn get(db: &TestDb, uri: &str) -> (u16, String) {
    let cookie = session(db, Role::Viewer).await;
    let response = app(db)
        .await
        .oneshot(
            Request::get(uri)
                .header("cookie", cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn the_status_page_is_rendered_on_the_server_with_the_five_columns_and_newest_first() {
    let db = fresh_db(Backend::Sqlite).await;
    seed_demo(
        &db,
        &DemoConfig {
            operations: 300,
            seed: 3,
            days: 3,
            now: None,
        },
        false,
    )
    .await
    .unwrap();
    let (status, html) = get(&db, "/").await;
    assert_eq!(status, 200);
    for column in [
        "Channel name",
        "Customer account",
        "Async customer account",
        "Operation timestamp",
        "Customer sync status",
    ] {
        assert!(html.contains(column), "missing column {column}");
    }
    let newest = db
        .operations_page(None, 1)
        .await
        .unwrap()
        .operations
        .remove(0)
        .summary;
    let first_row = html.find("data-operation-id=").expect("a row");
    assert!(html[first_row..].starts_with(&format!("data-operation-id=\"{}\"", newest.id)));
    assert!(html.contains("/pkg/custsync.js"), "hydration script");
    assert_eq!(html.matches("<tr data-operation-id").count(), 50);
    assert!(html.contains("Older operations"));
    assert_eq!(
        html.matches("class=\"count-chip").count(),
        app::model::SyncStatus::ALL.len(),
        "the status chips"
    );
}

#[tokio::test]
async fn the_next_page_link_continues_where_the_first_page_ended() {
    let db = fresh_db(Backend::Sqlite).await;
    seed_demo(
        &db,
        &DemoConfig {
            operations: 120,
            seed: 5,
            days: 3,
            now: None,
        },
        false,
    )
    .await
    .unwrap();
    let first = db.operations_page(None, 50).await.unwrap();
    let cursor = first.next.unwrap().encode();
    let (status, html) = get(&db, &format!("/?before={cursor}")).await;
    assert_eq!(status, 200);
    let second = db.operations_page(first.next, 50).await.unwrap();
    assert!(html.contains(&format!(
        "data-operation-id=\"{}\"",
        second.operations[0].summary.id
    )));
    assert!(!html.contains(&format!(
        "data-operation-id=\"{}\"",
        first.operations[0].summary.id
    )));
}

#[tokio::test]
async fn an_empty_database_shows_what_to_do() {
    let db = fresh_db(Backend::Sqlite).await;
    let (status, html) = get(&db, "/").await;
    assert_eq!(status, 200);
    assert!(html.contains("No operations yet"));
    assert!(html.contains("seed-demo"));
}

#[tokio::test]
async fn a_malformed_page_position_is_a_clear_message_not_a_crash() {
    let db = fresh_db(Backend::Sqlite).await;
    let (status, html) = get(&db, "/?before=1%27%3B%20DROP%20TABLE%20operations").await;
    assert_eq!(
        status, 400,
        "the page renders, with the status of the bad request"
    );
    assert!(html.contains("before: is not a page position"), "{html}");
    assert_eq!(db.count_operations().await.unwrap(), 0, "table still there");
}

#[tokio::test]
async fn the_list_and_counts_server_functions_refuse_a_bad_cursor_or_filter_with_400_naming_it() {
    let db = fresh_db(Backend::Sqlite).await;
    let long = format!("f=name~contains~{}", "x".repeat(10_240));
    let cases = [
        ("before=nonsense", "before"),
        ("f=password~eq~x", "f"),
        ("status=1%27%20OR%201%3D1", "status"),
        (long.as_str(), "f"),
    ];
    let endpoints = ["/rpc/operations/list", "/rpc/operations/counts"];
    for ((query, param), endpoint) in cases.iter().flat_map(|c| endpoints.map(|e| (c, e))) {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("query", query)
            .finish();
        let response = app(&db)
            .await
            .oneshot(
                Request::post(endpoint)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("cookie", session(&db, Role::Viewer).await)
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{endpoint} {query:.40}");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains(&format!("\"field\":\"{param}\"")), "{text}");
        assert!(!text.to_lowercase().contains("sql"), "{text}");
    }
}

#[tokio::test]
async fn healthz_answers_ok_when_the_database_responds() {
    let db = fresh_db(Backend::Sqlite).await;
    let (status, body) = get(&db, "/healthz").await;
    assert_eq!(status, 200);
    assert!(body.contains("\"ok\""));
}

#[tokio::test]
async fn healthz_answers_503_when_the_database_is_gone() {
    let db = fresh_db(Backend::Sqlite).await;
    let router = app(&db).await;
    db.close().await;
    let response = router
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8_lossy(&bytes);
    assert_eq!(status, 503);
    assert!(body.contains("database unreachable"));
}

#[tokio::test]
async fn an_unknown_address_is_a_404_page() {
    let db = fresh_db(Backend::Sqlite).await;
    let (status, html) = get(&db, "/no/such/page").await;
    assert_eq!(status, 404);
    assert!(html.contains("Page not found"));
}

#[tokio::test]
async fn an_unreachable_postgresql_is_one_clear_line() {
    let error = server::open_database("postgres://custsync@127.0.0.1:1/custsync")
        .await
        .unwrap_err();
    let line = format!("{error:#}");
    assert!(
        line.contains(
            "cannot open the PostgreSQL database at postgres://custsync@127.0.0.1:1/custsync"
        ),
        "{line}"
    );
    assert!(!line.contains('\n'), "{line}");
}

#[tokio::test]
async fn an_unwritable_data_folder_is_one_clear_line() {
    let error = server::open_database("sqlite:///proc/custsync/data.db?mode=rwc")
        .await
        .unwrap_err();
    let line = format!("{error:#}");
    assert!(line.contains("/proc/custsync"), "{line}");
    assert!(
        line.contains("cannot create the data folder") || line.contains("not writable"),
        "{line}"
    );
}

#[tokio::test]
async fn a_port_in_use_is_one_clear_line() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = taken.local_addr().unwrap();
    let error = server::startup::bind(addr).await.unwrap_err();
    let line = format!("{error:#}");
    assert!(line.contains(&format!("cannot listen on {addr}")), "{line}");
}
