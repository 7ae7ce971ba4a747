//! The CSV export on SQLite and PostgreSQL, through the whole router: its rows are the list's
//! (the same operations in the same order, every page, under several filters, and as many as
//! the exact count of the selection), the reader's language sets the header and the separator,
//! values that need quoting or would run as formulas come back as they were typed, each export
//! is a line of the audit log, and bad input is refused naming its parameter.

use app::{bulk_runs::count, functions::operations::list, model::Role, storage::Db};
use custsync_tests::{
    doubled_at_creates, guid, incoming, receive, retailer, run_pipeline, session, storage_test,
};

/// More than one page of the export's walk (2,000) in Oslo, a few failures in Bergen.
const OSLO: usize = 2_150;
const BERGEN_FAILED: usize = 30;

/// A name that needs quoting in either separator and one a spreadsheet would run.
const QUOTED_NAME: &str = "Kari \"Kua\" Nordmann, Hansen; jr.";
const FORMULA_NAME: &str = "=HYPERLINK(\"http://example.com\")";

async fn shop(db: &Db) -> custsync_tests::Retailer {
    let shop = retailer(db).await;
    let oslo: Vec<_> = (0..OSLO)
        .map(|i| {
            let name = match i {
                7 => QUOTED_NAME.to_owned(),
                8 => FORMULA_NAME.to_owned(),
                _ => format!("Kunde {i}"),
            };
            incoming(
                &format!("o-{i}"),
                &guid(),
                app::model::OperationKind::Create,
                &[
                    ("name", &name),
                    (
                        "attr:loyalty_tier",
                        if i % 3 == 0 { "Gold" } else { "Silver" },
                    ),
                ],
            )
        })
        .collect();
    receive(db, &shop.oslo, &oslo).await;
    receive(db, &shop.bergen, &doubled_at_creates("b", BERGEN_FAILED)).await;
    run_pipeline(db).await;
    shop
}

/// `GET /export.csv?query` as `cookie`'s person (and language cookie, if any).
async fn export(db: &Db, cookie: &str, query: &str) -> (u16, String) {
    custsync_tests::get_as(db, cookie, &format!("/export.csv?{query}")).await
}

/// The rows of a CSV text (header first) read back with `separator`.
fn rows(text: &str, separator: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The ids of every page of the list under `query`, in its order.
async fn listed_ids(db: &Db, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let q = match &before {
            Some(b) => format!("{query}&before={b}"),
            None => query.to_owned(),
        };
        let page = list(db, &q).await.unwrap();
        ids.extend(page.operations.iter().map(|o| o.summary.id.to_string()));
        match page.next {
            Some(next) => before = Some(next.encode()),
            None => return ids,
        }
    }
}

storage_test! {
    async fn an_export_holds_the_lists_operations_in_its_order_under_every_filter(db) {
        let shop = shop(&db).await;
        let viewer = session(&db, Role::Viewer).await;
        let bergen = shop.bergen.id;
        for query in [
            String::new(),
            "sort=oldest".to_owned(),
            "status=failed".to_owned(),
            format!("channel={bergen}"),
            "status=succeeded&f=attr:loyalty_tier~eq~gold".to_owned(),
            "f=name~contains~unde%201".to_owned(),
            format!("channel={bergen}&f=receipt_email~contains~@@"),
            "f=name~starts~kunde%202&sort=oldest".to_owned(),
        ] {
            let (status, text) = export(&db, &viewer, &query).await;
            assert_eq!(status, 200, "{query}: {text}");
            let rows = rows(&text, b',');
            let exported: Vec<String> = rows[1..].iter().map(|r| r[0].clone()).collect();
            let listed = listed_ids(&db, &query).await;
            assert_eq!(exported, listed, "{query}");
            let selected = count(&db, &query).await.unwrap();
            assert_eq!(exported.len() as i64, selected, "{query}");
            assert!(!exported.is_empty(), "{query} selects something");
        }
        let (_, everything) = export(&db, &viewer, "").await;
        assert_eq!(rows(&everything, b',').len(), 1 + OSLO + BERGEN_FAILED);
    }
}

storage_test! {
    async fn an_export_writes_the_readers_language_and_values_exactly_as_typed(db) {
        shop(&db).await;
        let viewer = session(&db, Role::Viewer).await;
        let (_, english) = export(
            &db,
            &viewer,
            "status=failed&with=error&with=values:receipt_email&with=description",
        )
        .await;
        let english = rows(&english, b',');
        assert_eq!(english[0][0], "Operation");
        assert_eq!(
            english[0][10..],
            ["Last error", "Receipt email (old)", "Receipt email (new)", "Change description"]
        );
        assert_eq!(english.len(), 1 + BERGEN_FAILED);
        for row in &english[1..] {
            assert_eq!(row[1], "Failed");
            assert!(row[10].starts_with("Receipt email: “kunde"), "{row:?}");
            assert!(row[12].ends_with("@@example.no"), "{row:?}");
        }

        let norwegian = format!("{viewer}; i18n_pref_locale=nb; tz=Europe/Oslo");
        let (_, text) = export(&db, &norwegian, "f=name~contains~kari&with=values:name").await;
        assert!(text.starts_with("Operasjon;Synkroniseringsstatus;"), "{text}");
        assert!(text.contains("(Europe/Oslo)"), "{text}");
        let norwegian = rows(&text, b';');
        assert_eq!(norwegian.len(), 2, "{text}");
        assert_eq!(norwegian[1][1], "Fullført");
        assert_eq!(norwegian[1][5], QUOTED_NAME);
        assert_eq!(norwegian[1][11], QUOTED_NAME);

        let (_, text) = export(&db, &viewer, "f=name~starts~%3Dhyper").await;
        let formula = rows(&text, b',');
        assert_eq!(formula[1][5], format!("'{FORMULA_NAME}"), "{text}");

        let (_, text) = export(&db, &viewer, "status=failed&bom=1").await;
        assert!(text.starts_with('\u{feff}'));
    }
}

storage_test! {
    async fn each_export_is_a_line_of_the_audit_log_and_bad_input_is_refused_naming_its_parameter(db) {
        shop(&db).await;
        let viewer = session(&db, Role::Viewer).await;
        for (query, param) in [
            ("with=password", "with:"),
            ("with=values:shoe_size", "with:"),
            ("status=lost", "status:"),
            ("f=name~near~x", "f:"),
            ("bom=maybe", "bom:"),
        ] {
            let (status, text) = export(&db, &viewer, query).await;
            assert_eq!(status, 400, "{query}");
            assert!(text.starts_with(param), "{query}: {text}");
        }
        let (status, _) = export(&db, "", "status=failed").await;
        assert_eq!(status, 401);
        let exports = |log: Vec<app::model::user::AuditEntry>| -> Vec<String> {
            log.into_iter()
                .filter(|e| e.action == "export")
                .map(|e| format!("{} {}", e.user_name, e.subject))
                .collect()
        };
        assert!(exports(db.audit_log(100).await.unwrap()).is_empty());
        export(&db, &viewer, "status=failed&with=error").await;
        assert_eq!(
            exports(db.audit_log(100).await.unwrap()),
            [format!(
                "viewer-test {BERGEN_FAILED} rows · status=failed & with=error"
            )]
        );
    }
}
