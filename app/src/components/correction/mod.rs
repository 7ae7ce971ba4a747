//! The correction workflow on the detail: Correct opens the editor (the grid's new values
//! become inputs checked on every keystroke), Save / Save and synchronize / Cancel end it,
//! Synchronize runs the job for this operation alone, and the timeline lists the corrections
//! with Revert. What the detail needs to survive its own reloads lives in [`DetailControl`].

mod editor;
mod input;
pub mod timeline;

pub use editor::{CorrectionEditor, EditorEnd};
pub use timeline::ChangeTimeline;

use leptos::prelude::*;

use crate::{
    functions::corrections::save_correction,
    locale::{td_string, Locale},
    model::{Correction, OperationDetail, SaveOutcome, SyncStatus},
    AppError,
};

/// What a correction action came to, said above the detail.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    Saved,
    Synchronized(SyncStatus, Option<String>),
    Reverted,
    ChangedSince,
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
            Self::Failed(error) => {
                let (title, advice) = crate::locale::error_text(locale, error);
                (format!("{title} {advice}"), true)
            }
        }
    }
}

/// Shared by the detail pane and the detail it shows: whether an editor is open (the live
/// reload waits meanwhile), a way to reload the detail, and the latest notice (by operation).
#[derive(Clone, Copy)]
pub struct DetailControl {
    pub editing: RwSignal<bool>,
    /// The open editor's operation, kept here so a detail drawn again keeps its editor.
    pub session: RwSignal<Option<crate::model::EditSession>>,
    pub reload: RwSignal<u32>,
    pub notice: RwSignal<Option<(i64, Notice)>>,
}

impl DetailControl {
    pub fn provide() -> Self {
        let control = Self {
            editing: RwSignal::new(false),
            session: RwSignal::new(None),
            reload: RwSignal::new(0),
            notice: RwSignal::new(None),
        };
        provide_context(control);
        control
    }

    pub fn get() -> Self {
        expect_context()
    }

    /// Whether the editor of operation `id` is (still) meant to be open.
    pub fn is_editing(self, id: i64) -> bool {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.detail.state.summary.id) == Some(id))
    }

    /// Says `notice` about operation `id` and shows the detail as it is now.
    pub fn done(self, id: i64, notice: Notice) {
        self.notice.set(Some((id, notice)));
        self.session.set(None);
        self.editing.set(false);
        self.reload.update(|n| *n += 1);
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

/// The notice about operation `id`, if the latest one is about it.
#[component]
pub fn NoticeLine(id: i64) -> impl IntoView {
    let control = DetailControl::get();
    let locale = crate::locale::use_i18n().get_locale_untracked();
    move || {
        control
            .notice
            .get()
            .filter(|(about, _)| *about == id)
            .map(|(_, notice)| {
                let (text, problem) = notice.text(locale);
                view! {
                    <p class="notice" class:notice-error=problem class:notice-ok=!problem role="status">{text}</p>
                }
            })
    }
}
