//! The admin page: users and their roles, channel API tokens (created and shown once, revoked),
//! the alerts ([`alerts`]: rules and webhooks), a customer's data ([`customer_data`]: download
//! and erasure) and the audit log. Only an admin sees its
//! content: the server refuses its calls to anyone else. The server draws it; each control is a
//! small island that asks the server and then draws the page again.

mod alerts;
mod customer_data;

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    components::{error_box::ErrorBox, live_indicator::refresh, time::Time},
    functions::admin::{
        admin_overview, AdminView, ChangeUser, CreateToken, CreateUser, RevokeToken,
    },
    locale::{role_label, td_string, tu_string, use_i18n},
    model::{Role, TokenSummary, UserSummary},
    AppError,
};

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let overview = OnceResource::new(admin_overview());
    view! {
        <main class="admin-page">
            <h1>{tu_string!(i18n, access.admin)}</h1>
            <p class="muted">{tu_string!(i18n, access.admin_lead)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(view) => view! { <AdminSections view /> }.into_any(),
                        Err(AppError::Forbidden) => view! {
                            <p class="notice notice-error" role="alert">{tu_string!(i18n, access.admin_only)}</p>
                        }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
fn AdminSections(view: AdminView) -> impl IntoView {
    let AdminView {
        users,
        tokens,
        channels,
        audit,
    } = view;
    view! {
        <UsersSection users />
        <TokensSection tokens channels />
        <alerts::AlertsSection />
        <customer_data::CustomerDataSection />
        <AuditSection audit />
    }
}

/// The error of an action's last answer, if it failed; the page is drawn again after a success.
fn after<I, O>(action: ServerAction<I>) -> impl IntoView
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            refresh();
        }
    });
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ErrorBox error /> })
    }
}

/// A user's role: choosing another one changes it at once.
#[island]
fn RoleChoice(id: i64, role: Role) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let change = ServerAction::<ChangeUser>::new();
    view! {
        <select aria-label=td_string!(locale, access.role) on:change=move |ev| {
            change.dispatch(ChangeUser { id, role: Some(event_target_value(&ev)), disabled: None });
        }>
            {Role::ALL.iter().map(|r| view! {
                <option value=r.as_str() selected=*r == role>{role_label(locale, *r)}</option>
            }).collect_view()}
        </select>
        {after(change)}
    }
}

/// Disable or Enable a user.
#[island]
fn EnableToggle(id: i64, disabled: bool) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let change = ServerAction::<ChangeUser>::new();
    view! {
        <button type="button" class="button button-quiet" on:click=move |_| {
            change.dispatch(ChangeUser { id, role: None, disabled: Some(!disabled) });
        }>
            {if disabled { td_string!(locale, access.enable) } else { td_string!(locale, access.disable) }}
        </button>
        {after(change)}
    }
}

/// Revoke a channel token.
#[island]
fn RevokeButton(id: i64) -> impl IntoView {
    let locale = use_i18n().get_locale_untracked();
    let revoke = ServerAction::<RevokeToken>::new();
    view! {
        <button type="button" class="button button-quiet" on:click=move |_| {
            revoke.dispatch(RevokeToken { id });
        }>{td_string!(locale, access.revoke)}</button>
        {after(revoke)}
    }
}

/// The value of field `name` in the form that `ev` submits.
fn form_value(ev: &leptos::ev::SubmitEvent, name: &str) -> String {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
        .and_then(|form| leptos::web_sys::FormData::new_with_form(&form).ok())
        .and_then(|data| data.get(name).as_string())
        .unwrap_or_default()
}

/// A new user: name, role and first password.
#[island]
fn NewUserForm() -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let create = ServerAction::<CreateUser>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateUser {
            name: form_value(&ev, "name"),
            role: form_value(&ev, "role"),
            password: form_value(&ev, "password"),
        });
    };
    view! {
        // Posted to the server function itself until the client has loaded (never a GET: the
        // password must not land in an address).
        <form class="admin-form" method="post" action=CreateUser::url() on:submit=submit>
            <h3>{tu_string!(i18n, access.new_user)}</h3>
            <label class="field"><span class="field-label">{tu_string!(i18n, access.user_name)}</span>
                <input type="text" name="name" required maxlength="64" autocomplete="off" autocapitalize="none" /></label>
            <label class="field"><span class="field-label">{tu_string!(i18n, access.role)}</span>
                <select name="role">
                    {Role::ALL.iter().map(|role| view! { <option value=role.as_str()>{role_label(locale, *role)}</option> }).collect_view()}
                </select></label>
            <label class="field"><span class="field-label">{tu_string!(i18n, access.new_password)}</span>
                <input type="password" name="password" required minlength="10" maxlength="1024" autocomplete="new-password" /></label>
            <button type="submit" class="button button-primary">{tu_string!(i18n, access.create_user)}</button>
        </form>
        {after(create)}
    }
}

/// A new channel token for one of `channels`: its secret is shown here once.
#[island]
fn NewTokenForm(channels: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let created = ServerAction::<CreateToken>::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        created.dispatch(CreateToken {
            channel_id: form_value(&ev, "channel_id").parse().unwrap_or_default(),
            label: form_value(&ev, "label"),
        });
    };
    view! {
        {move || created.value().get().and_then(Result::ok).map(|token| view! {
            <div class="notice notice-info new-token" role="status">
                <p>{td_string!(locale, access.token_once)}</p>
                <code class="token">{token}</code>
            </div>
        })}
        <form class="admin-form" method="post" action=CreateToken::url() on:submit=submit>
            <label class="field"><span class="field-label">{tu_string!(i18n, access.channel)}</span>
                <select name="channel_id">
                    {channels.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                </select></label>
            <label class="field"><span class="field-label">{tu_string!(i18n, access.label)}</span>
                <input type="text" name="label" maxlength="100" autocomplete="off" /></label>
            <button type="submit" class="button button-primary">{tu_string!(i18n, access.create_token)}</button>
        </form>
        {after(created)}
    }
}

#[component]
fn UsersSection(users: Vec<UserSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let rows = users
        .into_iter()
        .map(|user| {
            let id = user.id;
            let disabled = user.disabled;
            view! {
                <tr data-user=user.name.clone()>
                    <th scope="row">{user.name.clone()}</th>
                    <td data-label=td_string!(locale, access.role)>
                        <RoleChoice id role=user.role />
                    </td>
                    <td data-label=td_string!(locale, access.last_sign_in)>{match user.last_sign_in_at {
                        Some(at) => view! { <Time at /> }.into_any(),
                        None => view! { <span class="muted">{td_string!(locale, access.never)}</span> }.into_any(),
                    }}</td>
                    <td>
                        {if disabled { td_string!(locale, access.disabled) } else { td_string!(locale, access.active) }}
                        " "
                        <EnableToggle id disabled />
                    </td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <section class="admin-section" aria-labelledby="users-title">
            <h2 id="users-title" class="section-title">{tu_string!(i18n, access.users)}</h2>
            <div class="table-scroll">
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, access.user_name)}</th>
                        <th scope="col">{tu_string!(i18n, access.role)}</th>
                        <th scope="col">{tu_string!(i18n, access.last_sign_in)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <NewUserForm />
        </section>
    }
}

#[component]
fn TokensSection(tokens: Vec<TokenSummary>, channels: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let rows = tokens
        .into_iter()
        .map(|token| {
            let id = token.id;
            view! {
                <tr data-token=id>
                    <th scope="row">{token.channel_name}</th>
                    <td data-label=td_string!(locale, access.label)>{token.label.unwrap_or_default()}</td>
                    <td data-label=td_string!(locale, access.created)><Time at=token.created_at /></td>
                    <td data-label=td_string!(locale, access.last_used)>{match token.last_used_at {
                        Some(at) => view! { <Time at /> }.into_any(),
                        None => view! { <span class="muted">{td_string!(locale, access.never)}</span> }.into_any(),
                    }}</td>
                    <td>{match token.revoked_at {
                        Some(at) => view! { {td_string!(locale, access.revoked)}" " <Time at /> }.into_any(),
                        None => view! { <RevokeButton id /> }.into_any(),
                    }}</td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <section class="admin-section" aria-labelledby="tokens-title">
            <h2 id="tokens-title" class="section-title">{tu_string!(i18n, access.tokens)}</h2>
            <p class="muted">{tu_string!(i18n, access.tokens_lead)}</p>
            <div class="table-scroll">
                <table class="admin-table">
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, access.channel)}</th>
                        <th scope="col">{tu_string!(i18n, access.label)}</th>
                        <th scope="col">{tu_string!(i18n, access.created)}</th>
                        <th scope="col">{tu_string!(i18n, access.last_used)}</th>
                        <th scope="col"></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <NewTokenForm channels />
        </section>
    }
}

#[component]
fn AuditSection(audit: Vec<crate::model::AuditEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    view! {
        <section class="admin-section" aria-labelledby="audit-title">
            <h2 id="audit-title" class="section-title">{tu_string!(i18n, access.audit)}</h2>
            <p class="muted">{tu_string!(i18n, access.audit_lead)}</p>
            <div class="table-scroll">
                <table class="admin-table audit-table">
                    <thead><tr>
                        <th scope="col">{tu_string!(i18n, access.when)}</th>
                        <th scope="col">{tu_string!(i18n, access.who)}</th>
                        <th scope="col">{tu_string!(i18n, access.action)}</th>
                        <th scope="col">{tu_string!(i18n, access.subject)}</th>
                    </tr></thead>
                    <tbody>
                        {audit.into_iter().map(|line| view! {
                            <tr>
                                <th scope="row"><Time at=line.at /></th>
                                <td data-label=td_string!(locale, access.who)>{line.user_name}</td>
                                <td data-label=td_string!(locale, access.action)><code>{line.action}</code></td>
                                <td data-label=td_string!(locale, access.subject)>{line.subject}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
