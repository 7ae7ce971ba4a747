//! The command line and configuration: flags, each with a `CUSTSYNC_…` environment variable.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

/// custsync: customer synchronization for retail headquarters.
#[derive(Debug, Parser)]
#[command(name = "custsync", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The options of every command of `custsync` and of `custsync-tools`.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Database: `sqlite://PATH` (embedded, the default) or `postgres://USER:PASS@HOST/DB`.
    #[arg(
        long,
        global = true,
        env = "CUSTSYNC_DATABASE_URL",
        default_value = "sqlite://data/custsync.db?mode=rwc"
    )]
    pub database_url: String,

    /// Log filter, e.g. `info` or `custsync=debug,sqlx=warn`.
    #[arg(long, global = true, env = "CUSTSYNC_LOG", default_value = "info")]
    pub log: String,
}

/// What to do (serve when none is given).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the status page and the API (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Channel API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Users who sign in to the status page.
    #[command(subcommand)]
    User(UserCommand),
    /// A customer's personal data.
    #[command(subcommand)]
    Customer(CustomerCommand),
}

/// What to do with a customer's personal data.
#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Print everything custsync holds about one customer as JSON (GDPR article 15). Name
    /// the customer by exactly one of the options.
    Export(CustomerLookupArgs),
    /// Erase one customer's personal data (GDPR article 17): every value in the customer
    /// master, their operations, the inbox, the 1010 feed and the change log becomes
    /// [erased]; the records stay. The channels learn it through the feed.
    Erase(CustomerEraseArgs),
}

/// Options of `customer erase`.
#[derive(Debug, Args)]
pub struct CustomerEraseArgs {
    #[command(flatten)]
    pub lookup: CustomerLookupArgs,
    /// The customer's account (their GUID when they have none), typed again to confirm.
    #[arg(long, default_value = "")]
    pub confirm: String,
}

/// Which customer: exactly one of these.
#[derive(Debug, Args)]
pub struct CustomerLookupArgs {
    /// The customer's account (e.g. NO0103101).
    #[arg(long)]
    pub account: Option<String>,
    /// One of the customer's temporary accounts (a GUID).
    #[arg(long)]
    pub async_account: Option<String>,
    /// An email the customer or one of their operations holds.
    #[arg(long)]
    pub email: Option<String>,
    /// A phone or mobile number of the customer.
    #[arg(long)]
    pub phone: Option<String>,
}

impl CustomerLookupArgs {
    /// The options given, as the lookup's parameters.
    pub fn pairs(&self) -> Vec<(&str, &str)> {
        [
            ("account", &self.account),
            ("async_account", &self.async_account),
            ("email", &self.email),
            ("phone", &self.phone),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_deref().map(|v| (key, v)))
        .collect()
    }
}

/// What to do with channel API tokens.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for a channel and print it (once; only its hash is stored).
    Create(TokenArgs),
}

/// Options of `token create`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The channel's code (e.g. BGO-STS) or id.
    #[arg(long)]
    pub channel: String,
    /// A note on where the token is used.
    #[arg(long)]
    pub label: Option<String>,
}

/// What to do with users.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user (or, with `--reset`, give an existing one a new password) and print the
    /// password once, unless it comes from `CUSTSYNC_USER_PASSWORD`.
    Create(UserArgs),
}

/// Options of `user create`.
#[derive(Debug, Args)]
pub struct UserArgs {
    /// The user name (letters, digits, `.`, `-`, `_`, `@`).
    #[arg(long)]
    pub name: String,
    /// viewer, operator or admin.
    #[arg(long, default_value = "viewer")]
    pub role: String,
    /// The password (10 characters or more); a random one is printed when not given.
    #[arg(long, env = "CUSTSYNC_USER_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// The user exists: set the new password and role, and enable them again.
    #[arg(long)]
    pub reset: bool,
}

impl Default for Command {
    fn default() -> Self {
        Command::Serve(ServeArgs::parse_from(["serve"]))
    }
}

/// Options of `serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "CUSTSYNC_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Folder with the built client (`pkg/`) and static files, as scripts/build-site.sh writes it.
    #[arg(long, env = "CUSTSYNC_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,

    /// Interval of each recurring job for a new database, in seconds (15 minutes by default).
    #[arg(long, env = "CUSTSYNC_JOB_INTERVAL_SECONDS", default_value_t = 900)]
    pub job_interval_seconds: i64,

    /// How long a job run's or bulk run's lease lasts without renewal: after a crash, another
    /// instance (or this one restarted) takes the run over once it expires.
    #[arg(long, env = "CUSTSYNC_JOB_LEASE", default_value = "2m", value_parser = humantime::parse_duration)]
    pub job_lease: std::time::Duration,

    /// Synchronize batches run side by side on PostgreSQL (each claims its own operations);
    /// SQLite always runs one.
    #[arg(long, env = "CUSTSYNC_SYNC_WORKERS", default_value_t = app::jobs::SYNC_WORKERS)]
    pub sync_workers: usize,

    /// Days a Succeeded operation (and a feed entry every channel has read) is kept before the
    /// Retention job removes it with its customer values.
    #[arg(long, env = "CUSTSYNC_RETENTION_DAYS", default_value_t = app::jobs::retention::DEFAULT_DAYS,
        value_parser = clap::value_parser!(i64).range(1..=36_500))]
    pub retention_days: i64,

    /// How long a sign-in lasts, e.g. `8h` (one working day).
    #[arg(long, env = "CUSTSYNC_SESSION_LIFETIME", default_value = "8h", value_parser = humantime::parse_duration)]
    pub session_lifetime: std::time::Duration,

    /// Mark the session cookie `Secure`: set it when custsync is reached over HTTPS (for
    /// example behind a TLS proxy).
    #[arg(long, env = "CUSTSYNC_SECURE_COOKIES")]
    pub secure_cookies: bool,

    /// The first admin's password, used only when the database has no users yet (otherwise a
    /// random one is printed once).
    #[arg(long, env = "CUSTSYNC_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Run the recurring jobs in this instance (`false` to serve the page and API only).
    #[arg(long, env = "CUSTSYNC_RUN_JOBS", default_value_t = true, action = clap::ArgAction::Set)]
    pub run_jobs: bool,

    /// The header a reverse proxy in front of custsync writes the client's address into (e.g.
    /// `X-Forwarded-For`). Set it only behind such a proxy: the sign-in limit then counts per
    /// that address instead of the proxy's.
    #[arg(long, env = "CUSTSYNC_TRUSTED_PROXY_HEADER")]
    pub trusted_proxy_header: Option<axum::http::HeaderName>,

    /// How often the alert rules are looked at.
    #[arg(long, env = "CUSTSYNC_ALERT_EVERY", default_value = "15s", value_parser = humantime::parse_duration)]
    pub alert_every: std::time::Duration,

    /// The wait before a failed webhook call is tried again (doubled for each retry after it).
    #[arg(long, env = "CUSTSYNC_WEBHOOK_FIRST_RETRY", default_value = "30s", value_parser = humantime::parse_duration)]
    pub webhook_first_retry: std::time::Duration,

    /// This site's address as people reach it (e.g. `https://custsync.example.no`), for the
    /// links in webhook calls; `http://<listen>` when not set.
    #[arg(long, env = "CUSTSYNC_SITE_URL")]
    pub site_url: Option<String>,

    #[command(flatten)]
    pub timeouts: Timeouts,
}

/// How long custsync waits for a slow or stalled client before it closes the connection.
#[derive(Debug, Clone, Copy, Args)]
pub struct Timeouts {
    /// Reading a request's headers, and an idle keep-alive connection waiting for its next
    /// request.
    #[arg(long, env = "CUSTSYNC_HEADER_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_timeout: std::time::Duration,
    /// Reading a request's body.
    #[arg(long, env = "CUSTSYNC_BODY_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub body_timeout: std::time::Duration,
    /// A whole request, answer included (not the live page's event stream).
    #[arg(long, env = "CUSTSYNC_REQUEST_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub request_timeout: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        let thirty = std::time::Duration::from_secs(30);
        Self {
            header_timeout: std::time::Duration::from_secs(10),
            body_timeout: thirty,
            request_timeout: thirty,
        }
    }
}

impl ServeArgs {
    /// Parses only `serve`'s own options (for the default command).
    fn parse_from<'a>(args: impl IntoIterator<Item = &'a str>) -> Self {
        #[derive(Parser)]
        struct Only {
            #[command(flatten)]
            serve: ServeArgs,
        }
        Only::parse_from(args).serve
    }
}
