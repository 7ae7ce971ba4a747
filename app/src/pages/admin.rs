//! The admin page: users and their roles, channel API tokens (created and shown once, revoked),
//! and the audit log. Only an admin sees its content: the server refuses its calls to anyone
//! else.

use leptos::prelude::*;

use crate::{
    components::{error_box::ErrorBox, time::Time},
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
    let create_user = ServerAction::<CreateUser>::new();
    let change_user = ServerAction::<ChangeUser>::new();
    let create_token = ServerAction::<CreateToken>::new();
    let revoke_token = ServerAction::<RevokeToken>::new();
    let overview = Resource::new(
        move || {
            (
                create_user.version().get(),
                change_user.version().get(),
                create_token.version().get(),
                revoke_token.version().get(),
            )
        },
        |_| admin_overview(),
    );
    let actions = Actions {
        create_user,
        change_user,
        create_token,
        revoke_token,
    };
    view! {
        <main class="admin-page">
            <h1>{tu_string!(i18n, access.admin)}</h1>
            <p class="muted">{tu_string!(i18n, access.admin_lead)}</p>
            <Transition fallback=move || view! { <p class="loading" role="status">"…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Ok(view) => view! { <AdminSections view actions /> }.into_any(),
                        Err(AppError::Forbidden) => view! {
                            <p class="notice notice-error" role="alert">{tu_string!(i18n, access.admin_only)}</p>
                        }.into_any(),
                        Err(error) => view! { <ErrorBox error /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The page's four actions; each one's version reloads the overview.
#[derive(Clone, Copy)]
struct Actions {
    create_user: ServerAction<CreateUser>,
    change_user: ServerAction<ChangeUser>,
    create_token: ServerAction<CreateToken>,
    revoke_token: ServerAction<RevokeToken>,
}

#[component]
fn AdminSections(view: AdminView, actions: Actions) -> impl IntoView {
    let AdminView {
        users,
        tokens,
        channels,
        audit,
    } = view;
    // Each section is erased to `AnyView`: the page's whole view type is too deep to compile
    // for the WebAssembly client otherwise.
    view! {
        {view! { <UsersSection users actions /> }.into_any()}
        {view! { <TokensSection tokens channels actions /> }.into_any()}
        {view! { <AuditSection audit /> }.into_any()}
    }
}

/// The error of an action's last answer, if it failed.
fn action_error<I, O>(action: ServerAction<I>) -> impl IntoView
where
    I: leptos::server_fn::ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <ErrorBox error /> })
    }
}

#[component]
fn UsersSection(users: Vec<UserSummary>, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let change = actions.change_user;
    let rows = users
        .into_iter()
        .map(|user| {
            let id = user.id;
            let disabled = user.disabled;
            view! {
                <tr data-user=user.name.clone()>
                    <th scope="row">{user.name.clone()}</th>
                    <td>
                        <select aria-label=td_string!(locale, access.role) on:change=move |ev| {
                            change.dispatch(ChangeUser { id, role: Some(event_target_value(&ev)), disabled: None });
                        }>
                            {Role::ALL.iter().map(|role| view! {
                                <option value=role.as_str() selected=*role == user.role>{role_label(locale, *role)}</option>
                            }).collect_view()}
                        </select>
                    </td>
                    <td>{match user.last_sign_in_at {
                        Some(at) => view! { <Time at /> }.into_any(),
                        None => view! { <span class="muted">{td_string!(locale, access.never)}</span> }.into_any(),
                    }}</td>
                    <td>
                        {if disabled { td_string!(locale, access.disabled) } else { td_string!(locale, access.active) }}
                        " "
                        <button type="button" class="button button-quiet" on:click=move |_| {
                            change.dispatch(ChangeUser { id, role: None, disabled: Some(!disabled) });
                        }>
                            {if disabled { td_string!(locale, access.enable) } else { td_string!(locale, access.disable) }}
                        </button>
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
            {action_error(change)}
            <ActionForm action=actions.create_user attr:class="admin-form">
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
            </ActionForm>
            {action_error(actions.create_user)}
        </section>
    }
}

#[component]
fn TokensSection(
    tokens: Vec<TokenSummary>,
    channels: Vec<(i64, String)>,
    actions: Actions,
) -> impl IntoView {
    let i18n = use_i18n();
    let locale = i18n.get_locale_untracked();
    let revoke = actions.revoke_token;
    let rows = tokens
        .into_iter()
        .map(|token| {
            let id = token.id;
            view! {
                <tr data-token=id>
                    <td>{token.channel_name}</td>
                    <td>{token.label.unwrap_or_default()}</td>
                    <td><Time at=token.created_at /></td>
                    <td>{match token.last_used_at {
                        Some(at) => view! { <Time at /> }.into_any(),
                        None => view! { <span class="muted">{td_string!(locale, access.never)}</span> }.into_any(),
                    }}</td>
                    <td>{match token.revoked_at {
                        Some(at) => view! { {td_string!(locale, access.revoked)}" " <Time at /> }.into_any(),
                        None => view! {
                            <button type="button" class="button button-quiet" on:click=move |_| {
                                revoke.dispatch(RevokeToken { id });
                            }>{td_string!(locale, access.revoke)}</button>
                        }.into_any(),
                    }}</td>
                </tr>
            }
            .into_any()
        })
        .collect_view();
    let created = actions.create_token;
    view! {
        <section class="admin-section" aria-labelledby="tokens-title">
            <h2 id="tokens-title" class="section-title">{tu_string!(i18n, access.tokens)}</h2>
            <p class="muted">{tu_string!(i18n, access.tokens_lead)}</p>
            {move || created.value().get().and_then(Result::ok).map(|token| view! {
                <div class="notice notice-info new-token" role="status">
                    <p>{td_string!(locale, access.token_once)}</p>
                    <code class="token">{token}</code>
                </div>
            })}
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
            {action_error(revoke)}
            <ActionForm action=created attr:class="admin-form">
                <label class="field"><span class="field-label">{tu_string!(i18n, access.channel)}</span>
                    <select name="channel_id">
                        {channels.into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                    </select></label>
                <label class="field"><span class="field-label">{tu_string!(i18n, access.label)}</span>
                    <input type="text" name="label" maxlength="100" autocomplete="off" /></label>
                <button type="submit" class="button button-primary">{tu_string!(i18n, access.create_token)}</button>
            </ActionForm>
            {action_error(created)}
        </section>
    }
}

#[component]
fn AuditSection(audit: Vec<crate::model::AuditEntry>) -> impl IntoView {
    let i18n = use_i18n();
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
                                <td><Time at=line.at /></td>
                                <td>{line.user_name}</td>
                                <td><code>{line.action}</code></td>
                                <td>{line.subject}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}
