//! Users, sessions and the admin page's actions on SQLite and PostgreSQL: names are unique and
//! kept in lower case, a disabled user cannot sign in, a changed password ends sessions, expired
//! sessions are gone, an admin cannot lock themselves out, and a revoked token stops working at
//! once. Every change is in the audit log.

use app::{
    access::secrets,
    functions::admin::plain,
    model::{Role, SignedIn},
    storage::to_micros,
    AppError,
};
use axum::{body::Body, http::Request};
use custsync_tests::{retailer, router, session, storage_test, TEST_PASSWORD};
use tower::ServiceExt;

fn now() -> i64 {
    to_micros(chrono::Utc::now())
}

async fn admin(db: &app::storage::Db) -> SignedIn {
    let hash = secrets::hash_password("admin-password-1");
    let id = db
        .insert_user("boss", &hash, Role::Admin, now())
        .await
        .unwrap()
        .unwrap();
    SignedIn {
        id,
        name: "boss".into(),
        role: Role::Admin,
    }
}

/// Asks who is signed in with `cookie`.
async fn who(db: &app::storage::Db, cookie: &str) -> String {
    use http_body_util::BodyExt;
    let answer = router(db)
        .oneshot(
            Request::post("/rpc/session/who")
                .header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let bytes = answer.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

storage_test! {
    async fn a_user_name_is_taken_once_whatever_its_case(db) {
        let boss = admin(&db).await;
        plain::create_user(&db, &boss, "Kari.Nordmann", "operator", "a long password").await.unwrap();
        let again = plain::create_user(&db, &boss, "KARI.NORDMANN", "viewer", "a long password").await;
        assert_eq!(again, Err(AppError::validation("name", "is taken by another user")));
        let kari = db.user_by_name("kari.nordmann").await.unwrap().unwrap();
        assert_eq!(kari.role, Role::Operator);
        assert!(secrets::password_matches("a long password", &kari.password_hash));
        let log = db.audit_log(10).await.unwrap();
        assert_eq!(log[0].action, "user.create");
        assert_eq!(log[0].user_name, "boss");
    }
}

storage_test! {
    async fn bad_user_input_is_refused_naming_the_field_and_nothing_is_stored(db) {
        let boss = admin(&db).await;
        let cases = [
            ("", "viewer", "a long password", "name"),
            ("drop table users;", "viewer", "a long password", "name"),
            ("kari", "superuser", "a long password", "role"),
            ("kari", "viewer", "short", "password"),
        ];
        for (name, role, password, field) in cases {
            match plain::create_user(&db, &boss, name, role, password).await {
                Err(AppError::Validation { field: f, .. }) => assert_eq!(f, field, "{name} {role}"),
                other => panic!("{name} {role}: {other:?}"),
            }
        }
        assert_eq!(db.users().await.unwrap().len(), 1, "only the admin");
    }
}

storage_test! {
    async fn an_admin_cannot_demote_or_disable_themselves(db) {
        let boss = admin(&db).await;
        let demote = plain::change_user(&db, &boss, boss.id, Some("viewer"), None).await;
        assert!(matches!(demote, Err(AppError::Validation { field, .. }) if field == "role"));
        let disable = plain::change_user(&db, &boss, boss.id, None, Some(true)).await;
        assert!(matches!(disable, Err(AppError::Validation { field, .. }) if field == "disabled"));
        assert_eq!(db.user_by_id(boss.id).await.unwrap().unwrap().role, Role::Admin);
    }
}

storage_test! {
    async fn a_disabled_user_loses_their_session_and_cannot_sign_in_again(db) {
        let boss = admin(&db).await;
        let cookie = session(&db, Role::Viewer).await;
        assert!(who(&db, &cookie).await.contains("viewer-test"));
        let viewer = db.user_by_name("viewer-test").await.unwrap().unwrap();
        plain::change_user(&db, &boss, viewer.id, None, Some(true)).await.unwrap();
        assert_eq!(who(&db, &cookie).await, "null", "the open session ended");
        let body = format!("name=viewer-test&password={TEST_PASSWORD}");
        let answer = router(&db)
            .oneshot(
                Request::post("/sign-in")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        let location = answer.headers()["location"].to_str().unwrap();
        assert!(location.contains("error=bad_credentials"), "{location}");
        plain::change_user(&db, &boss, viewer.id, None, Some(false)).await.unwrap();
        assert!(who(&db, &session(&db, Role::Viewer).await).await.contains("viewer-test"));
    }
}

storage_test! {
    async fn a_new_password_ends_the_sessions_opened_with_the_old_one(db) {
        let cookie = session(&db, Role::Operator).await;
        let user = db.user_by_name("operator-test").await.unwrap().unwrap();
        let hash = secrets::hash_password("another password");
        db.update_user(user.id, None, None, Some(&hash), now()).await.unwrap();
        assert_eq!(who(&db, &cookie).await, "null");
    }
}

storage_test! {
    async fn sessions_are_stored_loaded_and_swept_once_expired(db) {
        assert!(db.create_session("a", "{}", now() + 60_000_000).await.unwrap());
        assert!(!db.create_session("a", "{}", now() + 60_000_000).await.unwrap(), "ids are unique");
        db.save_session("a", "{\"x\":1}", now() + 60_000_000).await.unwrap();
        assert_eq!(db.load_session("a", now()).await.unwrap().as_deref(), Some("{\"x\":1}"));
        db.save_session("b", "{}", now() - 1).await.unwrap();
        assert_eq!(db.load_session("b", now()).await.unwrap(), None, "expired is not loaded");
        assert_eq!(db.delete_expired_sessions(now()).await.unwrap(), 1);
        db.delete_session("a").await.unwrap();
        assert_eq!(db.load_session("a", now()).await.unwrap(), None);
    }
}

storage_test! {
    async fn a_token_made_on_the_admin_page_works_for_its_channel_until_revoked(db) {
        let shop = retailer(&db).await;
        let boss = admin(&db).await;
        let token = plain::create_token(&db, &boss, shop.oslo.id, " till 3 ").await.unwrap();
        let hash = secrets::token_hash(&token);
        assert_eq!(db.channel_of_token(&hash, now()).await.unwrap(), Some(shop.oslo.id));
        let listed = db.channel_tokens().await.unwrap();
        assert_eq!(listed[0].label.as_deref(), Some("till 3"));
        assert!(listed[0].last_used_at.is_some(), "its use is noted");
        plain::revoke_token(&db, &boss, listed[0].id).await.unwrap();
        assert_eq!(db.channel_of_token(&hash, now()).await.unwrap(), None);
        assert!(matches!(
            plain::revoke_token(&db, &boss, listed[0].id).await,
            Err(AppError::NotFound { .. })
        ));
        assert!(matches!(
            plain::create_token(&db, &boss, 999, "").await,
            Err(AppError::Validation { field, .. }) if field == "channel_id"
        ));
        let actions: Vec<String> = db.audit_log(10).await.unwrap().into_iter().map(|l| l.action).collect();
        assert_eq!(actions[..2], ["token.revoke".to_owned(), "token.create".to_owned()]);
    }
}

storage_test! {
    async fn the_first_start_creates_one_admin_and_later_starts_leave_it_alone(db) {
        server::user_commands::first_admin(&db, Some("first-admin-password")).await.unwrap();
        let admin = db.user_by_name("admin").await.unwrap().unwrap();
        assert_eq!(admin.role, Role::Admin);
        assert!(secrets::password_matches("first-admin-password", &admin.password_hash));
        server::user_commands::first_admin(&db, Some("another-password-2")).await.unwrap();
        let again = db.user_by_name("admin").await.unwrap().unwrap();
        assert_eq!(again.password_hash, admin.password_hash, "not replaced");
        assert!(server::user_commands::first_admin(&db, None).await.is_ok());
        assert_eq!(db.users().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_first_admin_password_too_short_stops_the_start_with_a_clear_line() {
    let db = custsync_tests::fresh_db(custsync_tests::Backend::Sqlite).await;
    let error = server::user_commands::first_admin(&db, Some("short"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "CUSTSYNC_ADMIN_PASSWORD must be at least 10 characters"
    );
}
