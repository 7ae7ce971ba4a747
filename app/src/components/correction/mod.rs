//! The correction workflow on the detail: Correct opens the editor (the grid's new values
//! become inputs checked on every keystroke), Save / Save and synchronize / Cancel end it,
//! Synchronize runs the job for this operation alone, and the timeline lists the corrections
//! with Revert. It is one island ([`CorrectionWork`]), drawn anew by the server whenever the
//! operation changes; what must outlive that (the latest notice) lives in [`DetailControl`].

mod editor;
mod input;
pub mod timeline;

pub use editor::{CorrectionEditor, EditorEnd};
pub use timeline::ChangeTimeline;

use leptos::prelude::*;

use crate::{
    functions::corrections::save_correction,
    locale::{td_string, Locale},
    model::{duplicate::DuplicateRefusal, Correction, OperationDetail, SaveOutcome, SyncStatus},
    AppError,
};

/// What a correction action came to, said above the detail.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Saved,
    Synchronized(SyncStatus, Option<String>),
    Reverted,
    ChangedSince,
    /// A possible duplicate was linked to this customer.
    Linked(String),
    CreatedAnyway,
    /// A decision on a possible duplicate was refused.
    Refused(DuplicateRefusal),
    Failed(AppError),
}

impl Notice {
    /// After a Save (`synchronized`: with Synchronize now) that stored `detail`.
    pub fn after_save(detail: &OperationDetail, synchronized: bool) -> Self {
        if synchronized {
            Self::Synchronized(
                detail.state.summary.status,
                detail.state.summary.customer_account.clone(),
            )
        } else {
            Self::Saved
        }
    }

    /// The sentence, and whether it reports a problem.
    pub fn text(&self, locale: Locale) -> (String, bool) {
        match self {
            Self::Saved => (td_string!(locale, fix.saved).to_owned(), false),
            Self::Synchronized(SyncStatus::Succeeded, Some(account)) => (
                td_string!(locale, fix.synchronized_ok, account).to_string(),
                false,
            ),
            Self::Synchronized(SyncStatus::Failed, _) => {
                (td_string!(locale, fix.synchronized_failed).to_owned(), true)
            }
            Self::Synchronized(..) => {
                (td_string!(locale, fix.synchronized_later).to_owned(), false)
            }
            Self::Reverted => (td_string!(locale, fix.reverted_ok).to_owned(), false),
            Self::ChangedSince => (td_string!(locale, fix.changed_since).to_owned(), true),
            Self::Linked(account) => (
                td_string!(locale, duplicate.linked_ok, account).to_string(),
                false,
            ),
            Self::CreatedAnyway => (
                td_string!(locale, duplicate.created_anyway_ok).to_owned(),
                false,
            ),
            Self::Refused(DuplicateRefusal::SameEmail { owner }) => (
                td_string!(locale, duplicate.same_email, owner).to_string(),
                true,
            ),
            Self::Refused(DuplicateRefusal::ExistingErased) => (
                td_string!(locale, duplicate.existing_erased).to_owned(),
                true,
            ),
            Self::Refused(DuplicateRefusal::ChangedMeanwhile) => {
                (td_string!(locale, duplicate.changed).to_owned(), true)
            }
            Self::Failed(error) => {
                let (title, advice) = crate::locale::error_text(locale, error);
                (format!("{title} {advice}"), true)
            }
        }
    }
}

thread_local! {
    /// The notice an action left for the detail drawn after it (in this browser tab).
    static LEFT: std::cell::RefCell<Option<(i64, Notice)>> = const { std::cell::RefCell::new(None) };
}

/// Shared by the pieces of one operation's correction workflow: the open editor's session and
/// the latest notice, and the island's element (`root`) to mark while the editor is open.
#[derive(Clone, Copy)]
pub struct DetailControl {
    /// The open editor's operation.
    pub session: RwSignal<Option<crate::model::EditSession>>,
    pub notice: RwSignal<Option<(i64, Notice)>>,
    pub root: NodeRef<leptos::html::Div>,
}

impl DetailControl {
    /// The workflow of operation `id`; once in the browser, it shows the notice an action on
    /// it left before the page was drawn again (not while hydrating: the server drew none).
    pub fn provide(id: i64) -> Self {
        let control = Self {
            session: RwSignal::new(None),
            notice: RwSignal::new(None),
            root: NodeRef::new(),
        };
        Effect::new(move |_| {
            let left = LEFT.with(|left| left.borrow_mut().take());
            if let Some(left) = left.filter(|(about, _)| *about == id) {
                control.notice.set(Some(left));
            }
        });
        provide_context(control);
        control
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// Marks the island to be kept as it is while the page is drawn again (`public/pages.js`):
    /// from the click on Correct until the editor closes, whatever the server says meanwhile.
    pub fn editing(self) {
        self.keep(true);
    }

    fn keep(self, keep: bool) {
        let island = self
            .root
            .get_untracked()
            .and_then(|root| root.closest("leptos-island").ok().flatten());
        if let Some(island) = island {
            let _ = if keep {
                island.set_attribute("data-keep", "")
            } else {
                island.remove_attribute("data-keep")
            };
        }
    }

    /// Whether the editor of operation `id` is (still) meant to be open.
    pub fn is_editing(self, id: i64) -> bool {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.detail.state.summary.id) == Some(id))
    }

    /// Closes the editor (if open) and draws the page again.
    pub fn close(self) {
        self.session.set(None);
        self.keep(false);
        super::live_indicator::refresh();
    }

    /// Says `notice` about operation `id` (here, and in the detail drawn next) and draws the
    /// page as it is now.
    pub fn done(self, id: i64, notice: Notice) {
        LEFT.with(|left| *left.borrow_mut() = Some((id, notice.clone())));
        self.notice.set(Some((id, notice)));
        self.close();
    }
}

/// The Synchronize button's work: the job for this operation alone, now, from `version`.
pub fn synchronize_now(control: DetailControl, id: i64, version: i64) {
    leptos::task::spawn_local(async move {
        let correction = Correction {
            operation_id: id,
            version,
            values: Default::default(),
            reason: None,
            synchronize: true,
        };
        let notice = match save_correction(correction).await {
            Ok(SaveOutcome::Saved(detail)) => Notice::after_save(&detail, true),
            Ok(SaveOutcome::Conflict { .. }) => Notice::ChangedSince,
            Err(error) => Notice::Failed(error),
        };
        control.done(id, notice);
    });
}

/// The notice about operation `id`, if the latest one is about it. When one appears, the
/// detail's head (the operation's status) and the notice are scrolled into view, however far
/// down the person was (the bottom of the editor's grid, on a tablet), and the notice takes
/// the focus, so a screen reader says it.
#[component]
pub fn NoticeLine(id: i64) -> impl IntoView {
    let control = DetailControl::get();
    let locale = crate::locale::use_i18n().get_locale_untracked();
    let shown = NodeRef::<leptos::html::P>::new();
    Effect::new(move |_| {
        if let Some(notice) = shown.get() {
            bring_into_view(&notice);
        }
    });
    move || {
        control
            .notice
            .get()
            .filter(|(about, _)| *about == id)
            .map(|(_, notice)| {
                let (text, problem) = notice.text(locale);
                view! {
                    <p class="notice" class:notice-error=problem class:notice-ok=!problem role="status"
                        tabindex="-1" node_ref=shown>{text}</p>
                }
            })
    }
}

/// Scrolls the detail `notice` is in to its top (the sticky top bar is kept clear by the
/// detail's `scroll-margin-top`) and moves the focus to the notice without scrolling again.
fn bring_into_view(notice: &leptos::web_sys::HtmlElement) {
    let detail = notice.closest(".detail").ok().flatten();
    let options = leptos::web_sys::ScrollIntoViewOptions::new();
    options.set_block(leptos::web_sys::ScrollLogicalPosition::Start);
    match detail {
        Some(detail) => detail.scroll_into_view_with_scroll_into_view_options(&options),
        None => notice.scroll_into_view_with_scroll_into_view_options(&options),
    }
    let focus = leptos::web_sys::FocusOptions::new();
    focus.set_prevent_scroll(true);
    let _ = notice.focus_with_options(&focus);
}
