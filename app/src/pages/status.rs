//! The customer synchronization status page: every operation, newest first.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        error_box::ErrorBox, jobs_panel::JobsPanel, operation_list::OperationList,
        status_counts::StatusCounts,
    },
    functions::operations::operations_page,
};

/// The status list. The page position (`?before=`) lives in the URL, so a page can be
/// bookmarked and the back button works.
#[component]
pub fn StatusPage() -> impl IntoView {
    let query = use_query_map();
    let before = move || query.read().get("before");
    let page = Resource::new(before, operations_page);

    view! {
        <main class="status-page">
            <header class="page-header">
                <h1>"Customer synchronization status"</h1>
                <p class="page-lead">
                    "Create and edit operations of customers from every channel, newest first."
                </p>
            </header>
            <JobsPanel />
            <Suspense fallback=|| view! { <p class="loading" role="status">"Loading operations…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! {
                            <StatusCounts counts=page.counts.clone() />
                            <OperationList page />
                        }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}
