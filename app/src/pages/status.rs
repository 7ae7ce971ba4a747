//! The customer synchronization status page: every operation, newest first, and the detail of
//! the selected one beside the list (or as its own view on narrow screens). The page position
//! (`?before=`) and the selected operation (`?op=`) live in the URL, so a view can be
//! bookmarked and shared, and the back button works.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        error_box::ErrorBox, jobs_panel::JobsPanel, operation_detail::OperationDetailPane,
        operation_list::OperationList, status_counts::StatusCounts,
    },
    functions::operations::operations_page,
};

/// The status list and the detail.
#[component]
pub fn StatusPage() -> impl IntoView {
    let query = use_query_map();
    let before = Signal::derive(move || query.read().get("before").filter(|b| !b.is_empty()));
    let selected = Signal::derive(move || query.read().get("op").filter(|o| !o.is_empty()));
    let close_href = Signal::derive(move || match before.get() {
        Some(before) => format!("/?before={before}"),
        None => "/".to_owned(),
    });
    let page = Resource::new(move || before.get(), operations_page);

    view! {
        <main class="status-page" class:has-detail=move || selected.get().is_some()>
            <div class="list-side">
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
                                <OperationList page before=before.get_untracked() selected />
                            }.into_any(),
                            Err(error) => view! { <ErrorBox error /> }.into_any(),
                        }
                    })}
                </Suspense>
            </div>
            <Show when=move || selected.get().is_some()>
                <div class="detail-side">
                    <OperationDetailPane id=selected close_href />
                </div>
            </Show>
        </main>
    }
}
