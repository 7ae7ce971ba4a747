//! Start-up: the router (pages, server functions, static files, health, metrics) and serving it:
//! with timeouts for slow or stalled clients, and a graceful shutdown that ends the live pages'
//! event streams, lets open requests finish and the running job end its step.

use std::{net::SocketAddr, time::Duration};

use anyhow::Context;
use app::{shell, storage::Db, App};
use axum::{
    http::Method,
    middleware::from_fn,
    routing::{get, post, MethodRouter},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    timeout::{RequestBodyTimeoutLayer, TimeoutLayer},
};

use crate::{
    access::{self, failed_sign_ins::FailedSignIns, SessionSettings},
    cli::{ServeArgs, Timeouts},
    state::AppState,
};
use app::functions::jobs::SchedulerHealth;

/// What the router is built with beside the database and the client's options.
#[derive(Clone, Default)]
pub struct ServerSettings {
    pub sessions: SessionSettings,
    pub timeouts: Timeouts,
    pub shutdown: CancellationToken,
    pub scheduler: SchedulerHealth,
    /// The channel API's call counts, flushed a last time once the server stops serving.
    pub api_calls: crate::api::calls::ApiCalls,
}

/// Where the built client lives and what it is called (scripts/build-site.sh's output).
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("custsync")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// The server's own endpoints beside the pages, the server functions and the channel API:
/// the one table the router and the access test read (a route added here without an entry in
/// the access matrix fails that test).
pub fn endpoints() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/healthz", get(crate::health::healthz)),
        (Method::GET, "/metrics", get(crate::monitoring::scrape)),
        (
            Method::GET,
            crate::events::EVENTS_PATH,
            get(crate::events::events),
        ),
        (
            Method::GET,
            app::export::EXPORT_PATH,
            get(crate::export::export_csv),
        ),
        (
            Method::GET,
            crate::dossier::CUSTOMER_DATA_PATH,
            get(crate::dossier::customer_data),
        ),
        (Method::POST, "/sign-in", post(access::sign_in::sign_in)),
        (Method::POST, "/sign-out", post(access::sign_in::sign_out)),
    ]
}

/// Every HTTP endpoint with its method: the server's own and the channel API's (pages and
/// server functions are listed by Leptos).
pub fn http_endpoints() -> Vec<(Method, String)> {
    let own = endpoints().into_iter().map(|(m, p, _)| (m, p.to_owned()));
    let api = crate::api::endpoints()
        .into_iter()
        .map(|(m, p, _)| (m, format!("/api{p}")));
    own.chain(api).collect()
}

/// Every server function's path and method, as Leptos registered them.
pub fn server_function_endpoints() -> Vec<(Method, String)> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (method, path.to_owned()))
        .collect()
}

/// Every page's path.
pub fn page_paths() -> Vec<String> {
    generate_route_list(App)
        .iter()
        .map(|route| route.path().to_owned())
        .collect()
}

/// The whole application as a router. Layers, from the outside in: compression, the request's
/// trace span, panics to 500, security and cache headers, the same-origin check of writes, body
/// size and time limits, sessions and sign-in, then who is asking; every request but the live
/// event stream must be answered within the request timeout.
pub fn router(db: Db, options: LeptosOptions, settings: &ServerSettings) -> Router {
    let state = AppState {
        leptos_options: options,
        db: db.clone(),
        live: crate::events::Live::start(db.clone()),
        failed_sign_ins: FailedSignIns::default(),
        trusted_proxy_header: settings.sessions.trusted_proxy_header.clone(),
        shutdown: settings.shutdown.clone(),
        scheduler: settings.scheduler.clone(),
        api_calls: settings.api_calls.clone(),
    };
    state
        .api_calls
        .start_flushing(db.clone(), settings.shutdown.clone());
    let routes = generate_route_list(App);
    let scheduler = settings.scheduler.clone();
    let timeouts = settings.timeouts;
    // Answers that stream for as long as they have something to say: no request timeout.
    let (streams, answers): (Vec<_>, Vec<_>) = endpoints().into_iter().partition(|(_, path, _)| {
        [crate::events::EVENTS_PATH, app::export::EXPORT_PATH].contains(path)
    });
    let answers = answers
        .into_iter()
        .fold(Router::new(), |router, (_, path, handler)| {
            router.route(path, handler)
        })
        .nest("/api", crate::api::routes(&state))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(db.clone());
                provide_context(scheduler.clone());
                leptos::nonce::provide_nonce();
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(crate::static_files::files_or_not_found)
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeouts.request_timeout,
        ));
    streams
        .into_iter()
        .fold(answers, |router, (_, path, handler)| {
            router.route(path, handler)
        })
        .layer(from_fn(crate::function_status::error_status))
        .layer(from_fn(access::guard::identify))
        .layer(access::layer(&state.db, &settings.sessions))
        .layer(axum::middleware::from_fn_with_state(
            state.db.clone(),
            access::guard::session_unavailable,
        ))
        .layer(from_fn(access::guard::limit_body))
        .layer(RequestBodyTimeoutLayer::new(timeouts.body_timeout))
        .layer(from_fn(access::guard::same_origin))
        // The panic catcher inside the layer that shapes its 500 (a layer added later wraps
        // the earlier ones), and both inside the headers every answer gets.
        .layer(crate::panics::catch_layer())
        .layer(from_fn(crate::panics::answer_panics))
        .layer(from_fn(crate::static_files::cache_headers))
        .layer(from_fn(access::guard::security_headers))
        .layer(crate::telemetry::trace_layer())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Binds the listening socket; a taken port gives one clear line.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (is another program using that port?)"))
}

/// Serves until Ctrl-C or SIGTERM, then finishes open requests, lets the running job end its
/// step and closes the database.
pub async fn serve(db: Db, args: &ServeArgs) -> anyhow::Result<()> {
    let listener = bind(args.listen).await?;
    let addr = listener.local_addr()?;
    let options = leptos_options(&args.site_root, addr);
    if !std::path::Path::new(&args.site_root).join("pkg").is_dir() {
        tracing::warn!(site_root = %args.site_root, "no built client found: pages will not come alive (build with scripts/build-site.sh)");
    }
    crate::monitoring::init();
    let settings = ServerSettings {
        sessions: SessionSettings {
            lifetime: args.session_lifetime,
            secure: args.secure_cookies,
            trusted_proxy_header: args.trusted_proxy_header.clone(),
        },
        timeouts: args.timeouts,
        shutdown: CancellationToken::new(),
        scheduler: SchedulerHealth::default(),
        api_calls: crate::api::calls::ApiCalls::default(),
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = args.run_jobs.then(|| {
        let mut jobs = app::jobs::Jobs::new(db.clone(), instance_name());
        jobs.lease = args.job_lease;
        jobs.sync_workers = args.sync_workers;
        jobs.retention.days = args.retention_days;
        let bulk_runner =
            crate::bulk_runner::spawn(db.clone(), instance_name(), args.job_lease, stopped.clone());
        let alerts = crate::alerts::spawn(
            db.clone(),
            crate::alerts::AlertSettings {
                look_every: args.alert_every,
                first_retry: args.webhook_first_retry,
                site_url: site_url(args.site_url.as_deref(), addr),
                instance: instance_name(),
            },
            stopped.clone(),
        );
        (
            crate::scheduler::spawn(jobs, stopped, settings.scheduler.clone()),
            bulk_runner,
            alerts,
        )
    });
    let app = router(db.clone(), options, &settings);
    tokio::spawn(access::sessions::sweep_expired(
        db.clone(),
        std::time::Duration::from_secs(600),
    ));
    tokio::spawn(crate::edit_holds::release_stale_holds(
        db.clone(),
        std::time::Duration::from_secs(60),
    ));
    println!("custsync is serving on http://{addr}");
    tracing::info!(%addr, "listening");
    serve_connections(listener, app, args.timeouts, &settings.shutdown).await;
    let _ = stop.send(true);
    if let Some((scheduler, bulk_runner, alerts)) = scheduler {
        let _ = scheduler.await;
        let _ = bulk_runner.await;
        for task in alerts {
            let _ = task.await;
        }
    }
    // The last counts of the channel API's calls, before the pool closes.
    settings.api_calls.flush(&db).await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// How long open connections get to finish after a shutdown signal before they are closed.
pub const DRAIN: Duration = Duration::from_secs(5);

/// Accepts connections until Ctrl-C or SIGTERM. Each is served by hyper with a timeout on
/// reading request headers (which also closes an idle keep-alive connection) and tells the
/// app its peer address. On the signal it cancels `shutdown` (the event streams end), stops
/// accepting, and gives open requests [`DRAIN`] to finish.
async fn serve_connections(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    shutdown: &CancellationToken,
) {
    use hyper_util::{
        rt::{TokioExecutor, TokioIo, TokioTimer},
        server::{conn::auto, graceful::GracefulShutdown},
        service::TowerToHyperService,
    };
    use tower::ServiceExt;

    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let signal = shutdown_signal();
    tokio::pin!(signal);
    loop {
        let (socket, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let service = app.clone().map_request(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request
            },
        );
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(socket), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away or breaks the protocol ends only its own connection.
            let _ = connection.await;
        });
    }
    drop(listener);
    shutdown.cancel();
    if tokio::time::timeout(DRAIN, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown's grace period; closing them");
    }
}

/// The site's address for links sent elsewhere: the one set, without a trailing slash, or the
/// address this instance listens on.
pub fn site_url(set: Option<&str>, listening: SocketAddr) -> String {
    set.map(|url| url.trim().trim_end_matches('/').to_owned())
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| format!("http://{listening}"))
}

/// This instance's name in job leases and run history: host and process.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "custsync".to_owned());
    format!("{host}:{}", std::process::id())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
