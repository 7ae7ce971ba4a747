//! `GET /export.csv?<the list's query>`: the status list as a CSV download (what is asked for
//! and how rows are written: `app::export`). Every signed-in person may export (viewer role or
//! above).
//!
//! The answer is streamed: the header row goes out at once, then a page of rows at a time,
//! read by the list's own keyset walk, so the first bytes leave within milliseconds and the
//! server holds one page in memory whatever the size (a bounded channel between the walk and
//! the connection: a slow reader slows the walk). If the walk fails half-way, the answer is
//! cut off, not ended, so the browser reports a failed download instead of a short file.
//!
//! Customer data is personal data: each export is a line of the audit log (who, when, the
//! filter, how many rows; or that it stopped, and after how many).

use crate::message_page::plain;
use app::{
    export::{sheet::Sheet, ExportRequest},
    locale::{request_locale, request_zone, Locale},
    model::{filter::FilterField, user::SignedIn, AttributeDefinition, OperationCursor},
    storage::{export::OperationWithFields, to_micros, Db},
};
use axum::{
    body::{Body, Bytes},
    extract::{RawQuery, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use chrono_tz::Tz;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::{sync::CancellationToken, task::AbortOnDropHandle};

/// Operations read per page of the walk.
const PAGE: i64 = 2_000;

/// Pages written ahead of the connection at most.
const PAGES_AHEAD: usize = 2;

/// `GET /export.csv`: see the module's text.
pub async fn export_csv(
    State(db): State<Db>,
    State(shutdown): State<CancellationToken>,
    person: Option<Extension<SignedIn>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(Extension(person)) = person else {
        return plain(StatusCode::UNAUTHORIZED, "Sign in to export.".into());
    };
    let locale = request_locale(&headers);
    let zone = request_zone(&headers).unwrap_or(Tz::UTC);
    let definitions = match db.every_attribute_definition().await {
        Ok(definitions) => definitions,
        Err(error) => {
            tracing::warn!(%error, "export: the attribute definitions cannot be read");
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "The database did not answer. Try again in a moment.".into(),
            );
        }
    };
    let catalog = FilterField::catalog(&definitions);
    let query = query.unwrap_or_default();
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let request = match ExportRequest::from_query(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &catalog,
    ) {
        Ok(request) => request,
        Err(problem) => {
            return plain(
                StatusCode::BAD_REQUEST,
                format!("{}: {}", problem.param, problem.mistake.text(locale)),
            )
        }
    };
    let day = chrono::Utc::now().with_timezone(&zone).format("%Y-%m-%d");
    let (rows, body) = mpsc::channel(PAGES_AHEAD);
    let export = Export {
        db,
        person,
        locale,
        zone,
        request,
        catalog,
        definitions,
    };
    tokio::spawn(export.write(rows, shutdown));
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"custsync-operations-{day}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(ReceiverStream::new(body)),
    )
        .into_response()
}

/// One export being written.
struct Export {
    db: Db,
    person: SignedIn,
    locale: Locale,
    zone: Tz,
    request: ExportRequest,
    catalog: Vec<FilterField>,
    definitions: Vec<AttributeDefinition>,
}

/// How an export ended.
enum Ended {
    /// Every row was written.
    Whole,
    /// The reader went away.
    Abandoned,
    /// It could not go on (the database, the server shutting down): the answer is cut off.
    Stopped(&'static str),
}

type Chunk = Result<Bytes, std::io::Error>;

/// A page of the export and the cursor after it (`None`: the last page).
type Page = (Vec<OperationWithFields>, Option<OperationCursor>);

impl Export {
    /// Writes the header and every page of rows into `rows`, then the audit line.
    async fn write(self, rows: mpsc::Sender<Chunk>, shutdown: CancellationToken) {
        let mut written: u64 = 0;
        let ended = tokio::select! {
            ended = self.walk(&rows, &mut written) => ended,
            () = shutdown.cancelled() => Ended::Stopped("the server is shutting down"),
        };
        let count = app::locale::group_thousands(Locale::en, written as i64);
        let asked = self.request.describe();
        let subject = match ended {
            Ended::Whole => format!("{count} rows · {asked}"),
            Ended::Abandoned => format!("abandoned after {count} rows · {asked}"),
            Ended::Stopped(why) => {
                tracing::warn!(rows = written, why, "export stopped");
                let _ = rows
                    .send(Err(std::io::Error::other("the export stopped")))
                    .await;
                format!(
                    "stopped after {count} rows ({why}) · {}",
                    self.request.href()
                )
            }
        };
        let now = to_micros(chrono::Utc::now());
        if let Err(error) = self
            .db
            .audit(&self.person.name, "export", &subject, now)
            .await
        {
            tracing::warn!(%error, "export: the audit line cannot be written");
        }
    }

    /// Sends the header and the rows, a page at a time, counting them in `written`.
    async fn walk(&self, rows: &mpsc::Sender<Chunk>, written: &mut u64) -> Ended {
        let sheet = Sheet {
            locale: self.locale,
            zone: self.zone,
            request: &self.request,
            catalog: &self.catalog,
            definitions: &self.definitions,
        };
        let Ok(header) = sheet.header() else {
            return Ended::Stopped("the header cannot be written");
        };
        if rows.send(Ok(header.into())).await.is_err() {
            return Ended::Abandoned;
        }
        // The next page is read while this one is written (the database and the runtime
        // each on a core): one page ahead, never more.
        let mut reading = Some(self.read_page(None));
        while let Some(page) = reading.take() {
            let Ok(Ok((operations, next))) = page.await else {
                return Ended::Stopped("the database did not answer");
            };
            reading = next.map(|next| self.read_page(Some(next)));
            let Ok(bytes) = sheet.rows(&operations) else {
                return Ended::Stopped("a row cannot be written");
            };
            if rows.send(Ok(bytes.into())).await.is_err() {
                return Ended::Abandoned;
            }
            *written += operations.len() as u64;
        }
        Ended::Whole
    }

    /// Reads the page after `before`, on its own task (stopped if the export stops first).
    fn read_page(
        &self,
        before: Option<OperationCursor>,
    ) -> AbortOnDropHandle<Result<Page, sqlx::Error>> {
        let db = self.db.clone();
        let filter = self.request.filter.clone();
        let with_fields = self.request.needs_fields();
        AbortOnDropHandle::new(tokio::spawn(async move {
            db.filtered_batch(&filter, before, PAGE, with_fields).await
        }))
    }
}
