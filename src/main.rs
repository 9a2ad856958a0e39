//! The `springrain` command: `serve` (default), `migrate`, `create-admin`, `seed-demo`,
//! `notify`, `openapi`.

use std::process::ExitCode;

use springrain::config::Settings;
use springrain::startup::{AdminBootstrap, Application};

// Requests allocate and free many short-lived buffers (rows, JSON) across threads; under
// glibc malloc that was about a quarter of the read path's CPU (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str =
    "usage: springrain [serve | migrate | create-admin <username> | seed-demo [--volunteers N] [--seed S] | notify | openapi]

  serve                   run the API (default); configuration from the environment (see README)
  migrate                 apply pending database migrations and exit
  create-admin <username> create another ministry admin; the password is read from
                          SPRINGRAIN_NEW_ADMIN_PASSWORD or generated and printed
  seed-demo [--volunteers N] [--seed S]
                          load a reproducible demo data set (default 5000 volunteers,
                          seed 2012) into an EMPTY database and print one login per role
  notify                  queue due reminders (certificate expiry) now; the server also does
                          this every hour
  openapi                 print the OpenAPI document";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().map(String::as_str).unwrap_or("serve");
    if command == "openapi" {
        print!(
            "{}",
            springrain::openapi::to_json(&springrain::openapi::document())
        );
        return ExitCode::SUCCESS;
    }
    if matches!(command, "-h" | "--help" | "help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    springrain::telemetry::init(&settings);
    let result = match command {
        "serve" => serve(settings),
        "migrate" => springrain::db::migrate(&settings.database_url).map(|applied| {
            println!("applied {} migration(s)", applied.len());
        }),
        "notify" => springrain::cli::notify(&settings),
        "seed-demo" => springrain::cli::seed_demo(&settings, &args[1..]),
        "create-admin" => match args.get(1) {
            Some(username) => springrain::cli::create_admin(&settings, username),
            None => Err(USAGE.to_string()),
        },
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("springrain: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings) -> Result<(), String> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings).await?;
        let base = format!("http://{}", display_addr(&app.state.settings.bind, app.port()));
        println!("springrain is listening on {base}");
        println!("  API docs:   {base}/docs/   (OpenAPI: {base}/openapi.json)");
        println!("  database:   {}", redact_url(&app.state.settings.database_url));
        match &app.admin {
            AdminBootstrap::CreatedWithGeneratedPassword(password) => println!(
                "  first start: log in as `admin` with password {password}\n               \
                 (shown once; POST {base}/api/v1/auth/login)"
            ),
            AdminBootstrap::CreatedWithConfiguredPassword => println!(
                "  first start: log in as `admin` with the password from SPRINGRAIN_ADMIN_PASSWORD"
            ),
            AdminBootstrap::AlreadyExists => println!(
                "  log in as `admin` (password set at first start; `springrain create-admin` adds another)"
            ),
        }
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn display_addr(bind: &str, port: u16) -> String {
    let host = bind.rsplit_once(':').map(|(h, _)| h).unwrap_or(bind);
    let host = if host == "0.0.0.0" { "127.0.0.1" } else { host };
    format!("{host}:{port}")
}

/// Hides a password in a database URL before printing it.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
