//! Start-up: the router (pages, server functions, static files, health, metrics) and serving it with a
//! graceful shutdown.

use std::net::SocketAddr;

use anyhow::Context;
use app::{shell, storage::Db, App};
use axum::{extract::FromRef, routing::get, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;

use crate::cli::ServeArgs;

/// Everything a request handler may need.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub live: crate::live::Live,
}

/// Where the built client lives and what it is called (cargo-leptos' output).
pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("custsync")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// The whole application as a router.
pub fn router(db: Db, options: LeptosOptions) -> Router {
    let state = AppState {
        leptos_options: options,
        db: db.clone(),
        live: crate::live::Live::start(db.clone()),
    };
    let routes = generate_route_list(App);
    Router::new()
        .route("/healthz", get(crate::health::healthz))
        .route("/metrics", get(crate::monitoring::scrape))
        .route("/events", get(crate::live::events))
        .nest("/api", crate::api::routes())
        .leptos_routes_with_context(&state, routes, move || provide_context(db.clone()), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
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
        tracing::warn!(site_root = %args.site_root, "no built client found: pages will not hydrate (build with cargo leptos build)");
    }
    crate::monitoring::init();
    let app = router(db.clone(), options);
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
