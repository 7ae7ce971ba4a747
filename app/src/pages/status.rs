//! The customer synchronization status page: the filter bar, the status chips with counts, the
//! list newest first and the detail of the selected operation beside it (or as its own view on
//! narrow screens). The filter, the page position (`before`) and the selected operation (`op`)
//! all live in the URL, so a view can be bookmarked and shared, and the back button works.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::{
    components::{
        bulk_bar::BulkBar, error_box::ErrorBox, filter_bar::FilterBar, jobs_panel::JobsPanel,
        operation_detail::OperationDetailView, operation_list::OperationList, person::allows,
        status_counts::StatusCounts,
    },
    functions::operations::{count_operations, filter_choices, list_operations, open_operation},
    locale::{tu_string, use_i18n},
    model::{OperationFilter, Role},
    AppError,
};

/// The status list and the detail.
#[component]
pub fn StatusPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let search = use_location().search.get_untracked();
    let before = query.get("before").filter(|b| !b.is_empty());
    let selected = query.get("op").filter(|o| !o.is_empty());
    // The filter as the URL has it, or why it cannot be read (said in the page's language;
    // the server refuses such a URL too).
    let pairs: Vec<(String, String)> = [
        "status", "channel", "from", "to", "error", "ids", "sort", "cols",
    ]
    .iter()
    .filter_map(|k| query.get(k).map(|v| (k.to_string(), v)))
    .chain(
        query
            .get_all("f")
            .unwrap_or_default()
            .into_iter()
            .map(|v| ("f".to_owned(), v)),
    )
    .collect();
    let read_filter =
        OperationFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let filter = read_filter.clone().unwrap_or_default();
    // The list's query: everything but the open operation.
    let list_query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
                .into_owned()
                .filter(|(k, _)| k != "op"),
        )
        .finish();
    let close_href = {
        let extra: Vec<(&str, String)> =
            before.clone().map(|b| ("before", b)).into_iter().collect();
        filter.href(&extra)
    };
    // The chips count the filter without its status, page position or view: choosing a
    // status, paging or reordering does not count again.
    let counts_query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(
            OperationFilter {
                status: None,
                view: Default::default(),
                ..filter.clone()
            }
            .to_query(),
        )
        .finish();
    let page = OnceResource::new(list_operations(list_query));
    let counts = OnceResource::new(count_operations(counts_query));
    let choices = OnceResource::new(filter_choices());
    let selected_op = selected.clone();
    let has_detail = selected.is_some();
    let detail = OnceResource::new(async move {
        match selected {
            Some(id) => open_operation(id).await.map(Some),
            None => Ok(None),
        }
    });
    let person = crate::components::person::Person::get();
    let i18n = use_i18n();
    let (bar_filter, counts_filter) = (filter.clone(), filter.clone());

    view! {
        <main class=if has_detail { "status-page has-detail" } else { "status-page" }>
            <div class="list-side">
                <header class="page-header">
                    <h1>{tu_string!(i18n, page.title)}</h1>
                    <p class="page-lead">{tu_string!(i18n, page.lead)}</p>
                </header>
                <JobsPanel />
                <Suspense fallback=|| ()>
                    {move || {
                            let filter = bar_filter.clone();
                            Suspend::new(async move {
                                choices.await.ok().map(|choices| view! {
                                    <FilterBar filter choices />
                                })
                            })
                        }
                    }
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || {
                            let filter = counts_filter.clone();
                            Suspend::new(async move {
                                // A failure shows once, in the list below.
                                counts.await.ok().map(|counts| view! {
                                    <StatusCounts counts=counts.counts filter capped=counts.capped />
                                })
                            })
                        }
                    }
                </Suspense>
                {{
                    // What the bulk bar acts on: the filter alone (not its order, columns or page).
                    let selection = form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(OperationFilter { view: Default::default(), ..filter.clone() }.to_query())
                        .finish();
                    view! {
                        <Suspense fallback=|| ()>
                            {move || {
                                let selection = selection.clone();
                                Suspend::new(async move {
                                    let role = person.role().await;
                                    let fields = choices.await.ok()?.fields;
                                    allows(role, Role::Operator).then(|| view! {
                                        <BulkBar query=selection fields />
                                    })
                                })
                            }}
                        </Suspense>
                    }
                }}
                <Suspense fallback=|| ()>
                    {move || {
                        let (filter, before, read_filter) = (filter.clone(), before.clone(), read_filter.clone());
                        let selected = selected_op.clone();
                        Suspend::new(async move {
                            match page.await {
                                Ok(page) => {
                                    let pickable = allows(person.role().await, Role::Operator);
                                    let fields = choices.await.map(|c| c.fields).unwrap_or_default();
                                    view! {
                                        <OperationList page filter before selected fields pickable />
                                    }.into_any()
                                }
                                Err(error) => {
                                    let error = match read_filter {
                                        Err(problem) => AppError::validation(
                                            problem.param.clone(),
                                            problem.mistake.text(i18n.get_locale_untracked()),
                                        ),
                                        Ok(_) => error,
                                    };
                                    view! { <ErrorBox error /> }.into_any()
                                }
                            }
                        })
                    }}
                </Suspense>
            </div>
            <div class="detail-side">
                <Suspense fallback=|| ()>
                    {move || {
                        let close_href = close_href.clone();
                        Suspend::new(async move {
                            let may_correct = allows(person.role().await, Role::Operator);
                            match detail.await {
                                Ok(Some(detail)) => view! {
                                    <OperationDetailView detail close_href may_correct />
                                }.into_any(),
                                Ok(None) => ().into_any(),
                                Err(error) => view! { <ErrorBox error /> }.into_any(),
                            }
                        })
                    }}
                </Suspense>
            </div>
            <KeyboardNavigation />
        </main>
    }
}

/// ↑/↓ move between the list's rows (from a row, or from nowhere in particular), Enter opens
/// the focused one (it is a link), Esc closes the open detail (its Back link). Typing in a field
/// is left alone.
#[island]
fn KeyboardNavigation() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        thread_local! {
            /// Islands are never cleaned up (a page drawn anew just drops their nodes): the
            /// keys are listened to once per page load, however often the status page returns.
            static LISTENING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if LISTENING.with(|l| l.replace(true)) {
            return;
        }
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            let key = ev.key();
            let doc = document();
            match key.as_str() {
                "ArrowDown" | "ArrowUp" => {
                    let Ok(links) = doc.query_selector_all(".operation-table .row-link") else {
                        return;
                    };
                    if links.length() == 0 {
                        return;
                    }
                    let active = doc.active_element();
                    let at = (0..links.length()).find(|i: &u32| {
                        let node = links.item(*i);
                        active
                            .as_ref()
                            .is_some_and(|a| a.is_same_node(node.as_ref()))
                    });
                    let from_nowhere = active.is_none_or(|a| a.tag_name() == "BODY");
                    if at.is_none() && !from_nowhere {
                        return;
                    }
                    let next: u32 = match (at, key == "ArrowDown") {
                        (None, _) => 0,
                        (Some(i), true) => (i + 1).min(links.length() - 1),
                        (Some(i), false) => i.saturating_sub(1),
                    };
                    if let Some(link) = links
                        .item(next)
                        .and_then(|n| n.dyn_into::<leptos::web_sys::HtmlElement>().ok())
                    {
                        ev.prevent_default();
                        let _ = link.focus();
                    }
                }
                "Escape" if !typing() => {
                    if let Some(back) = doc
                        .query_selector(".detail .detail-close")
                        .ok()
                        .flatten()
                        .and_then(|e| e.dyn_into::<leptos::web_sys::HtmlElement>().ok())
                    {
                        back.click();
                    }
                }
                _ => {}
            }
        });
        // Kept for the page's life (see LISTENING).
        std::mem::forget(handle);
    }
}

/// Whether the focus is in a field (Esc there belongs to the field, not to the page).
#[cfg(feature = "hydrate")]
fn typing() -> bool {
    document()
        .active_element()
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}
