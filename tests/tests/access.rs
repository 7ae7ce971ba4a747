//! The access matrix: every page, server function and HTTP endpoint, asked by each kind of
//! caller — nobody, a viewer, an operator, an admin, the token of channel A, of channel B, and
//! an admin's browser driven by another site — gets the answer its entry says. The entries are
//! one table; an endpoint without an entry fails
//! `every_endpoint_has_an_entry_in_the_access_matrix`.

use app::model::Role;
use axum::{body::Body, http::Request};
use custsync_tests::{retailer, router, session, storage_test, token_for};
use tower::ServiceExt;

/// What an endpoint asks of its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Anyone, from anywhere.
    Public,
    /// Anyone, but a write from another site is refused (the sign-in and sign-out forms, and
    /// the question who is signed in).
    ThisSite,
    /// A page: a session, or the sign-in form instead; a role too low gets 403 (the page
    /// says why).
    Page(Role),
    /// A signed-in person with at least this role.
    Role(Role),
    /// A channel token, of any channel.
    AnyChannel,
    /// The token of channel A (the channel in the path).
    ChannelA,
}

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Caller {
    Nobody,
    Viewer,
    Operator,
    Admin,
    TokenA,
    TokenB,
    /// An admin's signed-in browser, on a page of another site.
    CrossSite,
}

const CALLERS: [Caller; 7] = [
    Caller::Nobody,
    Caller::Viewer,
    Caller::Operator,
    Caller::Admin,
    Caller::TokenA,
    Caller::TokenB,
    Caller::CrossSite,
];

/// The answer expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Served: anything but 401, 403 or a redirect to the sign-in form.
    Served,
    /// Sent to the sign-in form (303).
    SignIn,
    Status(u16),
}

/// One entry: method, path as routed, the URI asked, a form or JSON body, and the need.
struct Entry {
    method: &'static str,
    route: &'static str,
    uri: &'static str,
    body: &'static str,
    need: Need,
}

const fn e(
    method: &'static str,
    route: &'static str,
    uri: &'static str,
    body: &'static str,
    need: Need,
) -> Entry {
    Entry {
        method,
        route,
        uri,
        body,
        need,
    }
}

/// The matrix. `{A}` in a URI is channel A's code.
#[rustfmt::skip]
const MATRIX: &[Entry] = &[
    // Pages.
    e("GET", "/", "/", "", Need::Page(Role::Viewer)),
    e("GET", "/admin", "/admin", "", Need::Page(Role::Admin)),
    e("GET", "/changes", "/changes", "", Need::Page(Role::Viewer)),
    e("GET", "/failures", "/failures", "", Need::Page(Role::Viewer)),
    e("GET", "/dashboard", "/dashboard", "", Need::Page(Role::Viewer)),
    e("GET", "/bulk", "/bulk", "", Need::Page(Role::Viewer)),
    e("GET", "/sign-in", "/sign-in", "", Need::Public),
    // The server's own endpoints.
    e("GET", "/healthz", "/healthz", "", Need::Public),
    e("GET", "/metrics", "/metrics", "", Need::Public),
    e("GET", "/events", "/events", "", Need::Role(Role::Viewer)),
    e("GET", "/export.csv", "/export.csv?status=failed", "", Need::Role(Role::Viewer)),
    e("GET", "/customer-data.json", "/customer-data.json?account=NO0100001", "", Need::Role(Role::Admin)),
    e("POST", "/sign-in", "/sign-in", "name=nobody&password=wrong-password", Need::ThisSite),
    e("POST", "/sign-out", "/sign-out", "", Need::ThisSite),
    // Server functions.
    e("POST", "/rpc/session/who", "/rpc/session/who", "", Need::ThisSite),
    e("POST", "/rpc/session/database", "/rpc/session/database", "", Need::ThisSite),
    e("POST", "/rpc/operations/list", "/rpc/operations/list", "query=", Need::Role(Role::Viewer)),
    e("POST", "/rpc/operations/counts", "/rpc/operations/counts", "query=", Need::Role(Role::Viewer)),
    e("POST", "/rpc/operations/filter-choices", "/rpc/operations/filter-choices", "", Need::Role(Role::Viewer)),
    e("POST", "/rpc/operations/detail", "/rpc/operations/detail", "id=1", Need::Role(Role::Viewer)),
    e("POST", "/rpc/operations/suggest", "/rpc/operations/suggest", "field=name&prefix=K", Need::Role(Role::Viewer)),
    e("POST", "/rpc/jobs/overview", "/rpc/jobs/overview", "", Need::Role(Role::Viewer)),
    e("POST", "/rpc/jobs/action", "/rpc/jobs/action", "job=Distribution&action=RunNow", Need::Role(Role::Operator)),
    e("POST", "/rpc/jobs/action", "/rpc/jobs/action", "job=Distribution&action=Pause", Need::Role(Role::Admin)),
    e("POST", "/rpc/corrections/start", "/rpc/corrections/start", "id=999999", Need::Role(Role::Operator)),
    e("POST", "/rpc/corrections/keep", "/rpc/corrections/keep", "id=999999", Need::Role(Role::Operator)),
    e("POST", "/rpc/corrections/cancel", "/rpc/corrections/cancel", "id=999999", Need::Role(Role::Operator)),
    e("POST", "/rpc/corrections/save", "/rpc/corrections/save", r#"{"correction":{"operation_id":999999,"version":1,"values":{"name":"Kari"}}}"#, Need::Role(Role::Operator)),
    e("POST", "/rpc/duplicates/decide", "/rpc/duplicates/decide", r#"{"id":999999,"version":1,"decision":"Link"}"#, Need::Role(Role::Operator)),
    e("POST", "/rpc/corrections/revert", "/rpc/corrections/revert", "change=999999", Need::Role(Role::Operator)),
    e("POST", "/rpc/changes/list", "/rpc/changes/list", "query=", Need::Role(Role::Viewer)),
    e("POST", "/rpc/failures/groups", "/rpc/failures/groups", "query=", Need::Role(Role::Viewer)),
    e("POST", "/rpc/dashboard", "/rpc/dashboard", "lang=en", Need::Role(Role::Viewer)),
    e("POST", "/rpc/bulk/count", "/rpc/bulk/count", "query=status%3Dfailed", Need::Role(Role::Operator)),
    e("POST", "/rpc/bulk/start", "/rpc/bulk/start", "query=status%3Dfailed&action=DryRun", Need::Role(Role::Operator)),
    e("POST", "/rpc/bulk/preview", "/rpc/bulk/preview", r#"{"query":"status=failed","rule":{"field":"name","change":"trim"}}"#, Need::Role(Role::Operator)),
    e("POST", "/rpc/bulk/preview-more", "/rpc/bulk/preview-more", "run=999999&after=0", Need::Role(Role::Operator)),
    e("POST", "/rpc/bulk/confirm", "/rpc/bulk/confirm", "run=999999&and_synchronize=true", Need::Role(Role::Operator)),
    e("POST", "/rpc/bulk/revert", "/rpc/bulk/revert", "run=999999", Need::Role(Role::Operator)),
    e("POST", "/rpc/bulk/cancel", "/rpc/bulk/cancel", "run=999999", Need::Role(Role::Operator)),
    e("POST", "/rpc/bulk/run", "/rpc/bulk/run", "run=999999", Need::Role(Role::Viewer)),
    e("POST", "/rpc/bulk/runs", "/rpc/bulk/runs", "", Need::Role(Role::Viewer)),
    e("POST", "/rpc/admin/overview", "/rpc/admin/overview", "", Need::Role(Role::Admin)),
    e("POST", "/rpc/admin/create-user", "/rpc/admin/create-user", "name=matrix&role=viewer&password=matrix-password-1", Need::Role(Role::Admin)),
    e("POST", "/rpc/admin/change-user", "/rpc/admin/change-user", "id=999999&role=viewer", Need::Role(Role::Admin)),
    e("POST", "/rpc/admin/create-token", "/rpc/admin/create-token", "channel_id=1&label=matrix", Need::Role(Role::Admin)),
    e("POST", "/rpc/admin/revoke-token", "/rpc/admin/revoke-token", "id=999999", Need::Role(Role::Admin)),
    e("POST", "/rpc/customer-data/find", "/rpc/customer-data/find", "by=account&value=NO0100001", Need::Role(Role::Admin)),
    e("POST", "/rpc/customer-data/erase", "/rpc/customer-data/erase", "by=account&value=NO0199999&confirm=NO0199999", Need::Role(Role::Admin)),
    e("POST", "/rpc/alerts/overview", "/rpc/alerts/overview", "", Need::Role(Role::Admin)),
    e("POST", "/rpc/alerts/firing", "/rpc/alerts/firing", "", Need::Role(Role::Viewer)),
    e("POST", "/rpc/alerts/create-rule", "/rpc/alerts/create-rule", "kind=failures_per_hour&failure_group=&job=&threshold=50", Need::Role(Role::Admin)),
    e("POST", "/rpc/alerts/change-rule", "/rpc/alerts/change-rule", "id=999999&enabled=false", Need::Role(Role::Admin)),
    e("POST", "/rpc/alerts/create-webhook", "/rpc/alerts/create-webhook", "url=https%3A%2F%2Fhooks.example.no%2Fx&secret=matrix-secret-0123456789", Need::Role(Role::Admin)),
    e("POST", "/rpc/alerts/delete-webhook", "/rpc/alerts/delete-webhook", "id=999999", Need::Role(Role::Admin)),
    // The channel API.
    e("GET", "/api/v1/openapi.json", "/api/v1/openapi.json", "", Need::Public),
    e("POST", "/api/v1/operations", "/api/v1/operations", r#"{"operations":[]}"#, Need::AnyChannel),
    e("GET", "/api/v1/channels/{channel}/customers", "/api/v1/channels/{A}/customers", "", Need::ChannelA),
    e("POST", "/api/v1/channels/{channel}/customers/ack", "/api/v1/channels/{A}/customers/ack", r#"{"cursor":0}"#, Need::ChannelA),
];

/// What `caller` should get from an endpoint with `need`.
fn expected(need: Need, method: &str, caller: Caller) -> Answer {
    let write = method != "GET";
    let role = match caller {
        Caller::Viewer => Some(Role::Viewer),
        Caller::Operator => Some(Role::Operator),
        Caller::Admin | Caller::CrossSite => Some(Role::Admin),
        _ => None,
    };
    let cross_site_write = caller == Caller::CrossSite && write;
    match need {
        Need::Public => Answer::Served,
        Need::ThisSite if cross_site_write => Answer::Status(403),
        Need::ThisSite => Answer::Served,
        Need::Page(needed) => match role {
            None => Answer::SignIn,
            Some(role) if role.allows(needed) => Answer::Served,
            Some(_) => Answer::Status(403),
        },
        Need::Role(_) if cross_site_write => Answer::Status(403),
        Need::Role(needed) => match role {
            None => Answer::Status(401),
            Some(role) if role.allows(needed) => Answer::Served,
            Some(_) => Answer::Status(403),
        },
        Need::AnyChannel => match caller {
            Caller::TokenA | Caller::TokenB => Answer::Served,
            _ => Answer::Status(401),
        },
        Need::ChannelA => match caller {
            Caller::TokenA => Answer::Served,
            Caller::TokenB => Answer::Status(403),
            _ => Answer::Status(401),
        },
    }
}

fn matches(answer: Answer, status: u16, location: &str) -> bool {
    match answer {
        Answer::Served => {
            let refused = matches!(status, 401 | 403);
            let sent_to_sign_in = status == 303 && location.starts_with("/sign-in?next");
            !refused && !sent_to_sign_in
        }
        Answer::SignIn => status == 303 && location.starts_with("/sign-in?next="),
        Answer::Status(expected) => status == expected,
    }
}

storage_test! {
    async fn every_caller_gets_the_answer_the_access_matrix_says(db) {
        let shop = retailer(&db).await;
        let token_a = token_for(&db, &shop.oslo).await;
        let token_b = token_for(&db, &shop.bergen).await;
        let mut cookies = std::collections::HashMap::new();
        for (caller, role) in [
            (Caller::Viewer, Role::Viewer),
            (Caller::Operator, Role::Operator),
            (Caller::Admin, Role::Admin),
            (Caller::CrossSite, Role::Admin),
        ] {
            cookies.insert(caller, session(&db, role).await);
        }
        let mut wrong = Vec::new();
        for entry in MATRIX {
            for caller in CALLERS {
                // Signing out ends the session the other callers still need: ask with a fresh one.
                let cookie = match (entry.route, cookies.get(&caller)) {
                    ("/sign-out", Some(_)) => Some(session(&db, Role::Viewer).await),
                    (_, cookie) => cookie.cloned(),
                };
                let uri = entry.uri.replace("{A}", &shop.oslo.code);
                let mut request = Request::builder().method(entry.method).uri(&uri).header("host", "custsync.test");
                if let Some(cookie) = cookie {
                    request = request.header("cookie", cookie);
                }
                match caller {
                    Caller::TokenA => request = request.header("authorization", format!("Bearer {token_a}")),
                    Caller::TokenB => request = request.header("authorization", format!("Bearer {token_b}")),
                    Caller::CrossSite => {
                        request = request
                            .header("origin", "https://evil.example")
                            .header("sec-fetch-site", "cross-site");
                    }
                    _ => {}
                }
                if !entry.body.is_empty() {
                    let kind = if entry.body.starts_with('{') { "application/json" } else { "application/x-www-form-urlencoded" };
                    request = request.header("content-type", kind);
                } else if entry.method == "POST" {
                    request = request.header("content-type", "application/x-www-form-urlencoded");
                }
                let response = router(&db)
                    .oneshot(request.body(Body::from(entry.body)).unwrap())
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let want = expected(entry.need, entry.method, caller);
                if !matches(want, status, &location) {
                    wrong.push(format!("{} {} as {caller:?}: expected {want:?}, got {status} {location}", entry.method, entry.uri));
                }
            }
        }
        assert!(wrong.is_empty(), "{} wrong answers:\n{}", wrong.len(), wrong.join("\n"));
    }
}

#[tokio::test]
async fn every_endpoint_has_an_entry_in_the_access_matrix() {
    let listed = |method: &str, path: &str| {
        MATRIX
            .iter()
            .any(|e| e.method.eq_ignore_ascii_case(method) && e.route == path)
    };
    let mut missing = Vec::new();
    for (method, path) in server::startup::server_function_endpoints()
        .into_iter()
        .chain(server::startup::http_endpoints())
    {
        if !listed(method.as_str(), &path) {
            missing.push(format!("{method} {path}"));
        }
    }
    for path in server::startup::page_paths() {
        if !listed("GET", &path) {
            missing.push(format!("GET {path} (page)"));
        }
    }
    assert!(
        missing.is_empty(),
        "endpoints without an access entry: {missing:?}"
    );
}

#[test]
fn a_viewer_is_refused_what_only_an_operator_or_admin_may_do_in_the_matrix() {
    // The table itself holds the promise of the roles: guard against an entry loosened by
    // mistake.
    let need = |route: &str, body: &str| {
        MATRIX
            .iter()
            .find(|e| e.route == route && e.body.contains(body))
            .map(|e| e.need)
    };
    assert_eq!(
        need("/rpc/jobs/action", "RunNow"),
        Some(Need::Role(Role::Operator))
    );
    assert_eq!(
        need("/rpc/jobs/action", "Pause"),
        Some(Need::Role(Role::Admin))
    );
    assert_eq!(
        need("/rpc/admin/create-user", ""),
        Some(Need::Role(Role::Admin))
    );
}
