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

/// `springrain seed-demo [--volunteers N] [--seed S]`: demo data for an empty database, and
/// one login per role to try it with.
pub fn seed_demo(settings: &Settings, args: &[String]) -> Result<(), String> {
    let options = crate::demo::parse_args(args)?;
    if settings.database_url.starts_with("sqlite://") || !settings.database_url.contains("://") {
        std::fs::create_dir_all(&settings.data_dir)
            .map_err(|e| format!("cannot create {}: {e}", settings.data_dir.display()))?;
    }
    db::migrate(&settings.database_url)?;
    // The import stores on extra connections on PostgreSQL.
    let pool = db::build_pool(&settings.database_url, 4, settings.db_timeout)?;
    let cipher = crate::crypto::PersonalDataCipher::new(&settings.data_key);
    let started = std::time::Instant::now();
    println!(
        "seeding {} volunteers (seed {}) …",
        options.volunteers, options.seed
    );
    let summary = crate::demo::seed(
        &pool,
        &cipher,
        &settings.policy,
        options,
        chrono::Utc::now(),
    )
    .map_err(|e| e.to_string())?;
    println!(
        "loaded in {:.1} s: {} organisations, {} volunteers ({} minors with a guardian's consent), \
         {} courses, {} training certificates, {} activities, {} assignments, {} verified service \
         records, {} stars granted, {} Spring Rain deployments",
        started.elapsed().as_secs_f64(),
        summary.organizations,
        summary.volunteers,
        summary.minors,
        summary.courses,
        summary.certificates,
        summary.activities,
        summary.assignments,
        summary.service_records,
        summary.stars,
        summary.deployments,
    );
    println!("\nlog in (POST /api/v1/auth/login) as — passwords are shown only now:");
    for login in &summary.logins {
        println!(
            "  {:<15} {:<22} {}\n  {:<15} sees {}",
            login.role, login.username, login.password, "", login.sees
        );
    }
    Ok(())
}
