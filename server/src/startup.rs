//! Start-up: the router (pages, server functions, static files, health, metrics) and serving it with a
//! graceful shutdown.

use std::net::SocketAddr;

use anyhow::Context;
use app::{shell, storage::Db, App};
use axum::{
    extract::FromRef,
    http::Method,
    middleware::from_fn,
    routing::{get, post, MethodRouter},
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

use crate::{
    access::{self, SessionSettings},
    cli::ServeArgs,
};

/// Everything a request handler may need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub live: crate::live::Live,
    /// Sign-in attempts per user name.
    pub sign_in_limit: std::sync::Arc<governor::DefaultKeyedRateLimiter<String>>,
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
        (Method::GET, "/events", get(crate::live::events)),
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

/// The whole application as a router. Layers, from the outside in: compression, security
/// headers, the same-origin check of writes, sessions and sign-in, then who is asking.
pub fn router(db: Db, options: LeptosOptions, sessions: &SessionSettings) -> Router {
    let state = AppState {
        leptos_options: options,
        db: db.clone(),
        live: crate::live::Live::start(db.clone()),
        sign_in_limit: access::sign_in::attempts_per_name(),
    };
    let routes = generate_route_list(App);
    let sync_now = crate::corrections::synchronize_now(db.clone());
    endpoints()
        .into_iter()
        .fold(Router::new(), |router, (_, path, handler)| {
            router.route(path, handler)
        })
        .nest("/api", crate::api::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(db.clone());
                provide_context(sync_now.clone());
                leptos::nonce::provide_nonce();
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(from_fn(crate::wire::error_status))
        .layer(from_fn(access::guard::identify))
        .layer(access::layer(&state.db, sessions))
        .layer(axum::middleware::from_fn_with_state(
            state.db.clone(),
            access::guard::session_unavailable,
        ))
        .layer(from_fn(access::guard::same_origin))
        .layer(from_fn(access::guard::limit_body))
        .layer(from_fn(access::guard::security_headers))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// Binds the listening socket; a taken port gives one clear line.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (is another program using that port?)"))
}

/// Serves until Ctrl-C or SIGTERM, then finishes open requests and closes the database.
pub async fn serve(db: Db, args: &ServeArgs) -> anyhow::Result<()> {
    let listener = bind(args.listen).await?;
    let addr = listener.local_addr()?;
    let options = leptos_options(&args.site_root, addr);
    if !std::path::Path::new(&args.site_root).join("pkg").is_dir() {
        tracing::warn!(site_root = %args.site_root, "no built client found: pages will not come alive (build with scripts/build-site.sh)");
    }
    crate::monitoring::init();
    let sessions = SessionSettings {
        lifetime: args.session_lifetime,
        secure: args.secure_cookies,
    };
    let app = router(db.clone(), options, &sessions);
    tokio::spawn(access::sessions::sweep_expired(
        db.clone(),
        std::time::Duration::from_secs(600),
    ));
    tokio::spawn(crate::corrections::release_stale_holds(
        db.clone(),
        std::time::Duration::from_secs(60),
    ));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = args.run_jobs.then(|| {
        let mut jobs = crate::jobs::Jobs::new(db.clone(), instance_name());
        jobs.lease = args.job_lease;
        jobs.sync_workers = args.sync_workers;
        tokio::spawn(crate::jobs::scheduler::run(jobs, stopped))
    });
    println!("custsync is serving on http://{addr}");
    tracing::info!(%addr, "listening");
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("serving HTTP");
    let _ = stop.send(true);
    if let Some(scheduler) = scheduler {
        let _ = scheduler.await;
    }
    served?;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
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
