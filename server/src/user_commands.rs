//! Users from the command line: the first admin at first start, and `custsync user create`.

use anyhow::{bail, Context};
use app::{
    access::secrets,
    model::{user, Role},
    storage::{to_micros, Db},
};

use crate::cli::UserArgs;

/// The first admin's user name.
pub const FIRST_ADMIN: &str = "admin";

/// On a database without an admin, creates the admin `admin` with `password` (or a random
/// one) and prints the password once. Does nothing when an admin exists.
pub async fn first_admin(db: &Db, password: Option<&str>) -> anyhow::Result<()> {
    if db.users().await?.iter().any(|u| u.role == Role::Admin) {
        return Ok(());
    }
    let (password, chosen) = match password {
        Some(p) => (p.to_owned(), true),
        None => (secrets::new_password(), false),
    };
    if let Err(why) = user::check_password(&password) {
        bail!("CUSTSYNC_ADMIN_PASSWORD {why}");
    }
    let hash = secrets::hash_password_off_thread(password.clone()).await;
    let now = to_micros(chrono::Utc::now());
    if db
        .insert_user(FIRST_ADMIN, &hash, Role::Admin, now)
        .await?
        .is_some()
    {
        db.audit("custsync", "user.create", "admin (admin), first start", now)
            .await?;
        if chosen {
            println!("First start: the admin user is “{FIRST_ADMIN}” with the password from CUSTSYNC_ADMIN_PASSWORD.");
        } else {
            println!(
                "First start: sign in as “{FIRST_ADMIN}” with the password {password}\n\
                 (shown only now; add people and roles on the admin page)."
            );
        }
    }
    Ok(())
}

/// `custsync user create`.
pub async fn create_from_cli(db: &Db, args: &UserArgs) -> anyhow::Result<()> {
    let name = user::user_name(&args.name).map_err(|why| anyhow::anyhow!("--name {why}"))?;
    let role = Role::parse(&args.role).context("--role must be viewer, operator or admin")?;
    let (password, chosen) = match &args.password {
        Some(p) => (p.clone(), true),
        None => (secrets::new_password(), false),
    };
    user::check_password(&password).map_err(|why| anyhow::anyhow!("the password {why}"))?;
    let hash = secrets::hash_password_off_thread(password.clone()).await;
    let now = to_micros(chrono::Utc::now());
    if args.reset {
        let Some(existing) = db.user_by_name(&name).await? else {
            bail!("there is no user “{name}”");
        };
        db.update_user(existing.id, Some(role), Some(false), Some(&hash), now)
            .await?;
        db.audit("custsync", "user.reset", &name, now).await?;
    } else if db.insert_user(&name, &hash, role, now).await?.is_none() {
        bail!("the user “{name}” exists already (give --reset to set a new password)");
    } else {
        db.audit(
            "custsync",
            "user.create",
            &format!("{name} ({})", role.as_str()),
            now,
        )
        .await?;
    }
    if chosen {
        eprintln!("User “{name}” ({}) is ready.", role.as_str());
    } else {
        eprintln!(
            "User “{name}” ({}) is ready. The password is shown only now:",
            role.as_str()
        );
        println!("{password}");
    }
    Ok(())
}
