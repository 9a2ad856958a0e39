//! Administrative commands run from the shell, and the ministry-admin bootstrap they share
//! with the first start.

use crate::auth::password;
use crate::config::Settings;
use crate::db::{self, DbConn};
use crate::domain::account::Username;
use crate::domain::role::Role;

/// Adds a ministry admin at the root of the tree, after checking the password policy.
pub fn insert_ministry_admin(
    conn: &mut DbConn,
    username: &Username,
    password: &str,
) -> Result<(), String> {
    if let Some(problem) = password::check_policy(password, username.as_str()).first() {
        return Err(format!("password refused: {}", problem.message));
    }
    let hash = password::hash_blocking(password).map_err(|e| e.to_string())?;
    let root = db::organizations::find_root(conn).map_err(|e| e.to_string())?;
    db::users::insert(
        conn,
        &db::users::NewUser {
            username: username.as_str(),
            password_hash: Some(&hash),
            role: Role::MinistryAdmin.as_str(),
            organization_id: root.id,
            org_path: &root.path,
            volunteer_id: None,
        },
    )
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// A random password good enough to print once.
pub fn generated_password() -> String {
    crate::auth::tokens::new_secret()[..20].to_string()
}

/// `springrain create-admin <username>`: another ministry admin, for recovery or hand-over.
pub fn create_admin(settings: &Settings, username: &str) -> Result<(), String> {
    let username = Username::parse(username).map_err(String::from)?;
    db::migrate(&settings.database_url)?;
    let pool = db::build_pool(&settings.database_url, 1, settings.db_timeout)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    if db::users::find_by_username(&mut conn, username.as_str())
        .map_err(|e| e.to_string())?
        .is_some()
    {
        return Err(format!("a user named {} already exists", username.as_str()));
    }
    let (password, generated) = match std::env::var("SPRINGRAIN_NEW_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, false),
        _ => (generated_password(), true),
    };
    insert_ministry_admin(&mut conn, &username, &password)?;
    if generated {
        println!(
            "created ministry admin {} with password {password}",
            username.as_str()
        );
    } else {
        println!("created ministry admin {}", username.as_str());
    }
    Ok(())
}

/// `springrain notify`: queue due reminders now (idempotent).
pub fn notify(settings: &Settings) -> Result<(), String> {
    db::migrate(&settings.database_url)?;
    let pool = db::build_pool(&settings.database_url, 1, settings.db_timeout)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let queued = crate::jobs::notify_expiring_certificates(&mut conn, crate::clock::today())
        .map_err(|e| e.to_string())?;
    println!("queued {queued} certificate expiry reminder(s)");
    Ok(())
}
