//! The live status page: one watcher per server asks the database for its change stamp once a
//! second and tells every open page through server-sent events (`GET /events`), so a thousand
//! open tablets cost one query a second, not a thousand.

use std::{convert::Infallible, time::Duration};

use app::storage::Db;
use axum::{
    extract::State,
    response::sse::{Event, KeepAlive, Sse},
};
use tokio::sync::watch;
use tokio_stream::{wrappers::WatchStream, Stream, StreamExt};

/// The event stream's path.
pub const EVENTS_PATH: &str = "/events";

/// How often the watcher looks.
pub const TICK: Duration = Duration::from_secs(1);

/// The latest change stamp, shared by every page's event stream.
#[derive(Clone)]
pub struct Live {
    stamp: watch::Receiver<String>,
}

impl Live {
    /// Starts the watcher on `db` (it stops when the last `Live` is dropped).
    pub fn start(db: Db) -> Self {
        let (tx, stamp) = watch::channel(String::new());
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(TICK);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut failing = false;
            loop {
                ticks.tick().await;
                if tx.is_closed() {
                    break;
                }
                // The status counters' pending deltas (PostgreSQL) are folded here too, once a
                // second. An unreachable database changes nothing; the page says so itself.
                let _ = db.fold_count_deltas().await;
                match db.change_stamp().await {
                    Ok(stamp) => {
                        failing = false;
                        tx.send_if_modified(|current| {
                            let changed = *current != stamp;
                            if changed {
                                *current = stamp;
                            }
                            changed
                        });
                    }
                    // Said once per spell, not every second.
                    Err(error) if !failing => {
                        failing = true;
                        tracing::warn!(%error, "the live pages' change stamp cannot be read");
                    }
                    Err(_) => {}
                }
            }
        });
        Self { stamp }
    }
}

/// `GET /events`: a `change` event each time the stamp moves (and one at once), with
/// keep-alives in between (so proxies and the page see the stream is alive). The stream ends
/// when the server shuts down; the page reconnects to the next server by itself.
pub async fn events(
    State(live): State<Live>,
    State(shutdown): State<tokio_util::sync::CancellationToken>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let stream = WatchStream::new(live.stamp.clone())
        .map(|stamp| Ok(Event::default().event("change").data(stamp)));
    let stream = futures::StreamExt::take_until(stream, shutdown.cancelled_owned());
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
