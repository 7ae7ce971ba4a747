//! The channel API as a store's POS sees it, on SQLite and on PostgreSQL: tokens, idempotent
//! batches, schema errors that name each item and field, the 1010 feed and its cursor.

use axum::{body::Body, http::Request, Router};
use custsync_tests::{guid, incoming, retailer, storage_test, token_for, Retailer};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use app::jobs;
use app::{
    model::{channel_api::OperationBatch, JobName, JobTrigger, OperationKind},
    storage::Db,
};

fn app(db: &Db) -> Router {
    let options = server::startup::leptos_options("target/site", "127.0.0.1:0".parse().unwrap());
    server::startup::router(db.clone(), options, &Default::default())
}

/// Sends a request; returns the status and the JSON body (`Null` when there is none).
async fn call(
    db: &Db,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Vec<u8>>,
) -> (u16, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let response = app(db)
        .oneshot(
            request
                .body(body.map_or_else(Body::empty, Body::from))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn batch(ops: Vec<app::model::channel_api::IncomingOperation>) -> Vec<u8> {
    serde_json::to_vec(&OperationBatch { operations: ops }).unwrap()
}

async fn inbox_count(db: &Db) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) FROM channel_inbox")
        .fetch_one(db.pool())
        .await
        .unwrap()
        .get(0)
}

async fn setup(db: &Db) -> (Retailer, String) {
    let shop = retailer(db).await;
    let token = token_for(db, &shop.bergen).await;
    (shop, token)
}

storage_test! {
    async fn a_batch_sent_twice_is_stored_once_and_answered_the_same(db) {
        let (_, token) = setup(&db).await;
        let body = batch(vec![
            incoming("pos-1", &guid(), OperationKind::Create, &[("name", "Kari Nordmann")]),
            incoming("pos-2", &guid(), OperationKind::Create, &[("name", "Ola Nordmann")]),
        ]);
        let first = call(&db, "POST", "/api/v1/operations", Some(&token), Some(body.clone())).await;
        assert_eq!(first.0, 200, "{}", first.1);
        assert_eq!(first.1["received"].as_array().unwrap().len(), 2);
        let again = call(&db, "POST", "/api/v1/operations", Some(&token), Some(body)).await;
        assert_eq!(again, first);
        assert_eq!(inbox_count(&db).await, 2);
    }
}

storage_test! {
    async fn without_a_valid_token_nothing_is_read_or_stored(db) {
        let (shop, _) = setup(&db).await;
        let body = batch(vec![incoming("pos-1", &guid(), OperationKind::Create, &[("name", "K")])]);
        for token in [None, Some("cst_0000"), Some("not-a-token")] {
            let (status, json) = call(&db, "POST", "/api/v1/operations", token, Some(body.clone())).await;
            assert_eq!(status, 401);
            assert_eq!(json["error"]["code"], "unauthorized");
        }
        let feed = format!("/api/v1/channels/{}/customers", shop.bergen.code);
        assert_eq!(call(&db, "GET", &feed, None, None).await.0, 401);
        assert_eq!(inbox_count(&db).await, 0);
    }
}

storage_test! {
    async fn a_bad_batch_names_each_item_and_field_and_stores_nothing(db) {
        let (_, token) = setup(&db).await;
        let mut bad = incoming("pos-2", "1234", OperationKind::Create, &[("name", "K"), ("shoe_size", "44")]);
        bad.fields.push(app::model::OperationField {
            field: "street".into(),
            old_value: None,
            new_value: Some("x".repeat(5_000)),
        });
        let body = batch(vec![incoming("pos-1", &guid(), OperationKind::Create, &[("name", "K")]), bad]);
        let (status, json) = call(&db, "POST", "/api/v1/operations", Some(&token), Some(body)).await;
        assert_eq!(status, 400);
        let fields: Vec<&str> = json["error"]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["field"].as_str().unwrap())
            .collect();
        assert_eq!(fields, [
            "operations[1].async_account",
            "operations[1].fields[1].field",
            "operations[1].fields[2].new_value",
        ]);
        assert_eq!(inbox_count(&db).await, 0, "nothing half-stored");
    }
}

storage_test! {
    async fn malformed_json_and_unknown_members_are_clear_400s(db) {
        let (_, token) = setup(&db).await;
        for (body, field) in [
            (&b"{not json"[..], "body"),
            (br#"{"operations": [], "extra": 1}"#, "extra"),
            (br#"{"operations": 5}"#, "operations"),
        ] {
            let (status, json) = call(&db, "POST", "/api/v1/operations", Some(&token), Some(body.to_vec())).await;
            assert_eq!(status, 400, "{json}");
            assert_eq!(json["error"]["problems"][0]["field"], field, "{json}");
            let text = json.to_string().to_lowercase();
            assert!(!text.contains("sqlx") && !text.contains("sqlite") && !text.contains("postgres"));
        }
    }
}

storage_test! {
    async fn an_oversized_body_is_refused_with_413(db) {
        let (_, token) = setup(&db).await;
        let body = vec![b' '; server::api::MAX_BODY_BYTES + 1];
        let (status, json) = call(&db, "POST", "/api/v1/operations", Some(&token), Some(body)).await;
        assert_eq!(status, 413);
        assert_eq!(json["error"]["code"], "payload_too_large");
    }
}

storage_test! {
    async fn a_channel_reads_its_feed_with_real_accounts_and_acknowledges_it(db) {
        let (shop, token) = setup(&db).await;
        let kari = guid();
        let body = batch(vec![incoming("pos-1", &kari, OperationKind::Create, &[("name", "Kari Nordmann")])]);
        assert_eq!(call(&db, "POST", "/api/v1/operations", Some(&token), Some(body)).await.0, 200);
        let mut jobs = jobs::Jobs::new(db.db.clone(), "test".into());
        for job in JobName::ALL {
            jobs::execute(&mut jobs, *job, JobTrigger::RunNow, false).await.unwrap();
        }
        let feed = format!("/api/v1/channels/{}/customers?limit=10", shop.bergen.code);
        let (status, page) = call(&db, "GET", &feed, Some(&token), None).await;
        assert_eq!(status, 200, "{page}");
        let customer = &page["customers"][0];
        assert_eq!(customer["async_account"], kari.as_str());
        assert_eq!(customer["account"], "NO0000001");
        let cursor = page["next_cursor"].as_i64().unwrap();

        let ack = format!("/api/v1/channels/{}/customers/ack", shop.bergen.id);
        let body = serde_json::to_vec(&json!({ "cursor": cursor })).unwrap();
        let (status, acked) = call(&db, "POST", &ack, Some(&token), Some(body)).await;
        assert_eq!((status, acked["cursor"].as_i64()), (200, Some(cursor)));
        let (_, after_ack) = call(&db, "GET", &feed, Some(&token), None).await;
        assert_eq!(after_ack["customers"].as_array().unwrap().len(), 0, "acknowledged");
        assert_eq!(after_ack["acked_cursor"].as_i64(), Some(cursor));

        let past_end = serde_json::to_vec(&json!({ "cursor": cursor + 100 })).unwrap();
        assert_eq!(call(&db, "POST", &ack, Some(&token), Some(past_end)).await.0, 400);
    }
}

storage_test! {
    async fn a_token_never_reads_another_channels_feed(db) {
        let (shop, token) = setup(&db).await;
        for other in [&shop.oslo, &shop.london] {
            let uri = format!("/api/v1/channels/{}/customers", other.code);
            let (status, json) = call(&db, "GET", &uri, Some(&token), None).await;
            assert_eq!(status, 403);
            assert_eq!(json["error"]["code"], "forbidden");
            let ack = format!("/api/v1/channels/{}/customers/ack", other.id);
            let body = serde_json::to_vec(&json!({ "cursor": 0 })).unwrap();
            assert_eq!(call(&db, "POST", &ack, Some(&token), Some(body)).await.0, 403);
        }
        let (status, json) = call(&db, "GET", "/api/v1/channels/NOPE/customers", Some(&token), None).await;
        assert_eq!(status, 404, "a channel that does not exist is named, not forbidden");
        assert!(json["error"]["message"].as_str().unwrap().contains("NOPE"), "{json}");
        assert_eq!(call(&db, "GET", "/api/v1/nothing-here", Some(&token), None).await.0, 404);
    }
}

storage_test! {
    async fn metrics_show_operations_by_channel_and_status_api_requests_and_job_runs(db) {
        let (shop, token) = setup(&db).await;
        server::monitoring::init();
        let body = batch(vec![incoming("pos-1", &guid(), OperationKind::Create, &[("name", "Kari Nordmann")])]);
        assert_eq!(call(&db, "POST", "/api/v1/operations", Some(&token), Some(body)).await.0, 200);
        let mut runner = jobs::Jobs::new(db.db.clone(), "test".into());
        jobs::execute(&mut runner, JobName::PJob, JobTrigger::RunNow, false).await.unwrap();

        let response = app(&db)
            .oneshot(Request::builder().uri("/metrics").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let text = String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        let has = |line: &str| text.lines().any(|l| l == line);
        let code = &shop.bergen.code;
        assert!(has(&format!("custsync_operations{{channel=\"{code}\",status=\"pending\"}} 1")), "{text}");
        assert!(has(&format!("custsync_operations{{channel=\"{code}\",status=\"failed\"}} 0")), "{text}");
        assert!(has("custsync_database_up 1"), "{text}");
        assert!(has("custsync_api_requests_total{method=\"POST\",route=\"/api/v1/operations\",status=\"200\"} 1"), "{text}");
        assert!(text.contains("custsync_api_request_duration_seconds_bucket{method=\"POST\",route=\"/api/v1/operations\",le=\"0.05\"}"), "{text}");
        assert!(has("custsync_job_runs_total{job=\"p_job\",result=\"succeeded\"} 1"), "{text}");
    }
}

storage_test! {
    async fn the_openapi_document_describes_every_endpoint_and_its_types(db) {
        let (status, doc) = call(&db, "GET", "/api/v1/openapi.json", None, None).await;
        assert_eq!(status, 200);
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths["/api/v1/operations"]["post"].is_object());
        assert!(paths["/api/v1/channels/{channel}/customers"]["get"].is_object());
        assert!(paths["/api/v1/channels/{channel}/customers/ack"]["post"].is_object());
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for name in ["OperationBatch", "IncomingOperation", "OperationField", "BatchReceipt", "FeedPage", "FeedCustomer", "FeedAck", "ErrorResponse", "Problem"] {
            assert!(schemas.contains_key(name), "no schema {name}");
        }
        let required = schemas["IncomingOperation"]["required"].as_array().unwrap();
        for field in ["channel_operation_id", "async_account", "kind", "operation_at", "fields"] {
            assert!(required.iter().any(|r| r == field), "{field} not required");
        }
        assert_eq!(doc["components"]["securitySchemes"]["channel_token"]["scheme"], "bearer");
        let feed_params = paths["/api/v1/channels/{channel}/customers"]["get"]["parameters"].as_array().unwrap();
        let names: Vec<&str> = feed_params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["channel", "after", "limit"]);
    }
}
