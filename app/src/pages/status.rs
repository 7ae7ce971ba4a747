//! The customer synchronization status page: the filter bar, the status chips with counts, the
//! list newest first and the detail of the selected operation beside it (or as its own view on
//! narrow screens). The filter, the page position (`before`) and the selected operation (`op`)
//! all live in the URL, so a view can be bookmarked and shared, and the back button works.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::{
    components::{
        error_box::ErrorBox, filter_bar::FilterBar, jobs_panel::JobsPanel,
        operation_detail::OperationDetailPane, operation_list::OperationList,
        status_counts::StatusCounts,
    },
    functions::operations::{count_operations, filter_choices, list_operations},
    locale::{tu_string, use_i18n},
    model::OperationFilter,
    AppError,
};

/// The status list and the detail.
#[component]
pub fn StatusPage() -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let before = Signal::derive(move || query.read().get("before").filter(|b| !b.is_empty()));
    let selected = Signal::derive(move || query.read().get("op").filter(|o| !o.is_empty()));
    // The filter as the URL has it, or why it cannot be read (said in the page's language;
    // the server refuses such a URL too).
    let read_filter = Memo::new(move |_| {
        let query = query.read();
        let pairs: Vec<(String, String)> = ["status", "channel", "from", "to", "sort", "cols"]
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
        OperationFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    });
    let filter = Memo::new(move |_| read_filter.get().unwrap_or_default());
    // The list's query: everything but the open operation, so opening one does not reload it.
    let list_query = Memo::new(move |_| {
        let search = location.search.get();
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
                .into_owned()
                .filter(|(k, _)| k != "op")
                .collect();
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish()
    });
    let close_href = Signal::derive(move || {
        let extra: Vec<(&str, String)> = before.get().map(|b| ("before", b)).into_iter().collect();
        filter.get().href(&extra)
    });
    let live = crate::components::live::Live::get();
    let page = Resource::new(
        move || (list_query.get(), live.version.get()),
        |(query, _)| list_operations(query),
    );
    // The chips count the filter without its status, page position or view: choosing a
    // status, paging or reordering does not count again.
    let counts_query = Memo::new(move |_| {
        let facet = OperationFilter {
            status: None,
            view: Default::default(),
            ..filter.get()
        };
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(facet.to_query())
            .finish()
    });
    let counts = Resource::new(
        move || (counts_query.get(), live.version.get()),
        |(query, _)| count_operations(query),
    );
    let choices = Resource::new(|| (), |_| filter_choices());
    keyboard_navigation(selected, close_href);
    let i18n = use_i18n();

    view! {
        <main class="status-page" class:has-detail=move || selected.get().is_some()>
            <div class="list-side">
                <header class="page-header">
                    <h1>{tu_string!(i18n, page.title)}</h1>
                    <p class="page-lead">{tu_string!(i18n, page.lead)}</p>
                </header>
                <JobsPanel />
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        choices.await.ok().map(|choices| view! {
                            <FilterBar filter=filter.get() choices />
                        })
                    })}
                </Suspense>
                <Transition fallback=|| ()>
                    {move || {
                        // Drawn again when the status changes (the chip that is active), with
                        // the same counts: they do not depend on it.
                        let filter = filter.get();
                        Suspend::new(async move {
                            // A failure shows once, in the list below.
                            counts.await.ok().map(|counts| view! {
                                <StatusCounts counts=counts.counts filter capped=counts.capped />
                            })
                        })
                    }}
                </Transition>
                <Transition fallback=move || view! { <p class="loading" role="status">{tu_string!(i18n, page.loading)}</p> }>
                    {move || Suspend::new(async move {
                        match page.await {
                            Ok(page) => view! {
                                <OperationList
                                    page
                                    filter=filter.get_untracked()
                                    before=before.get_untracked()
                                    selected
                                />
                            }.into_any(),
                            Err(error) => {
                                let error = match read_filter.get_untracked() {
                                    Err(problem) => AppError::validation(
                                        problem.param.clone(),
                                        problem.mistake.text(i18n.get_locale_untracked()),
                                    ),
                                    Ok(_) => error,
                                };
                                view! { <ErrorBox error /> }.into_any()
                            }
                        }
                    })}
                </Transition>
            </div>
            // Always there (empty while no operation is open), so opening one from the list
            // and loading a page with one open hydrate the same structure.
            <div class="detail-side">
                <OperationDetailPane id=selected close_href />
            </div>
        </main>
    }
}

/// ↑/↓ move between the list's rows (from a row, or from nowhere in particular), Enter opens
/// the focused one (it is a link), Esc closes the open detail. Typing in a field is left alone.
fn keyboard_navigation(selected: Signal<Option<String>>, close_href: Signal<String>) {
    use leptos::wasm_bindgen::JsCast;
    let navigate = leptos_router::hooks::use_navigate();
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let key = ev.key();
        match key.as_str() {
            "ArrowDown" | "ArrowUp" => {
                let doc = document();
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
            "Escape" if selected.get_untracked().is_some() && !typing() => {
                navigate(&close_href.get_untracked(), Default::default());
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// Whether the focus is in a field (Esc there belongs to the field, not to the page).
fn typing() -> bool {
    document()
        .active_element()
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
}
