//! Issue 16: the shape of the code, checked on the source. Routes do HTTP only and never import
//! one another; use cases know no HTTP; `db` knows no `ApiError`; `domain` stays pure; one
//! guard loads every object named by an id in a path.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::openapi::rust_files;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn files_under(dir: &str) -> Vec<(PathBuf, String)> {
    rust_files(&src().join(dir))
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect()
}

/// Lines that are code (not comments), for import checks.
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| !l.starts_with("//"))
}

#[test]
fn route_modules_import_only_the_shared_module() {
    let mut offences = Vec::new();
    for (path, text) in files_under("routes") {
        let rel = path.strip_prefix(src()).unwrap().display().to_string();
        // A resource folder (`routes/volunteers/…`) may use its own `mod.rs` and siblings.
        let in_folder = rel.matches('/').count() > 1 && !rel.starts_with("routes/common/");
        for line in code_lines(&text) {
            let foreign_route = line.contains("crate::routes::")
                && !line.contains("crate::routes::common")
                && rel != "routes/mod.rs";
            let top_level_super =
                !in_folder && line.starts_with("use super::") && !line.contains("super::*");
            if foreign_route || top_level_super {
                offences.push(format!("{rel}: {line}"));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "route modules importing others: {offences:#?}"
    );
}

#[test]
fn nothing_below_the_routes_imports_them_and_db_knows_no_api_error() {
    let mut offences = Vec::new();
    for dir in ["db", "auth", "middleware", "service", "registry", "domain"] {
        for (path, text) in files_under(dir) {
            for line in code_lines(&text) {
                if line.contains("crate::routes") {
                    offences.push(format!("{}: {line}", path.display()));
                }
                if dir == "db"
                    && line.contains("ApiError")
                    && !line.contains("crate::error::ApiError>")
                {
                    offences.push(format!("{}: {line}", path.display()));
                }
                let forbidden_in_domain = [
                    "actix",
                    "diesel",
                    "crate::db",
                    "crate::auth",
                    "crate::service",
                ];
                if dir == "domain"
                    && line.starts_with("use ")
                    && forbidden_in_domain.iter().any(|f| line.contains(f))
                {
                    offences.push(format!("{}: {line}", path.display()));
                }
                let http_in_use_case = ["actix_web", "HttpResponse", "HttpRequest", "web::"];
                if (dir == "service" || dir == "registry")
                    && http_in_use_case.iter().any(|f| line.contains(f))
                {
                    offences.push(format!("{}: {line}", path.display()));
                }
            }
        }
    }
    assert!(offences.is_empty(), "layering broken: {offences:#?}");
}

#[test]
fn route_files_stay_under_400_lines() {
    let long: Vec<String> = files_under("routes")
        .into_iter()
        .filter(|(_, text)| text.lines().count() >= 400)
        .map(|(p, text)| format!("{}: {}", p.display(), text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "route files of 400 lines or more: {long:?}"
    );
}

/// The body of every `fn` in `text` (braces counted; good enough for our own source).
fn functions(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (at, _) in text.match_indices("fn ") {
        let preceded = at == 0 || !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        if !preceded {
            continue;
        }
        let rest = &text[at + 3..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(open) = rest.find('{') else { continue };
        if rest[..open].contains(';') {
            continue; // a declaration without a body
        }
        let mut depth = 0;
        let mut end = open;
        for (i, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        found.push((name, rest[open..=end].to_string()));
    }
    found
}

const GUARDS: [&str; 2] = ["load_in_reach", "organization_for"];

#[test]
fn one_guard_and_every_handler_with_an_id_uses_it() {
    // One definition of each guard, and none of the helpers it replaced.
    let everything: Vec<(PathBuf, String)> = files_under("");
    for guard in GUARDS {
        let definitions = everything
            .iter()
            .filter(|(_, t)| t.contains(&format!("pub fn {guard}")))
            .count();
        assert_eq!(definitions, 1, "{guard} must be defined once");
    }
    let retired = [
        "fn can_read(",
        "fn load_activity(",
        "fn load_plan(",
        "fn oversight(",
        "fn readable(",
        "fn managed(",
        "fn visible_course(",
        "fn visible_session(",
        "fn load_for(",
        "fn correction_for_recorder(",
        "fn decidable(",
        "fn authorize(",
    ];
    for (path, text) in &everything {
        for r in retired {
            assert!(!text.contains(r), "{} still defines {r}", path.display());
        }
    }
    // Use cases (service, registry) that reach a guard, directly or through another use case.
    let mut bodies: HashMap<String, Vec<String>> = HashMap::new();
    // (Route files count too: a handler may call a small helper of its own file.)
    for dir in ["service", "registry", "routes"] {
        for (_, text) in files_under(dir) {
            for (name, body) in functions(&text) {
                bodies.entry(name).or_default().push(body);
            }
        }
    }
    let mut guarded: HashSet<String> = GUARDS.iter().map(|g| g.to_string()).collect();
    loop {
        let before = guarded.len();
        for (name, versions) in &bodies {
            if versions.iter().any(|b| {
                guarded
                    .iter()
                    .any(|g| b.contains(&format!("{g}(")) || b.contains(&format!("{g}::<")))
            }) {
                guarded.insert(name.clone());
            }
        }
        if guarded.len() == before {
            break;
        }
    }
    // Every handler whose path names an object by id calls one of them.
    let mut unguarded = Vec::new();
    let mut handlers = 0;
    for (path, text) in files_under("routes") {
        for method in [
            "#[get(\"",
            "#[post(\"",
            "#[put(\"",
            "#[patch(\"",
            "#[delete(\"",
        ] {
            for (at, _) in text.match_indices(method) {
                let route = &text[at + method.len()..];
                let route = &route[..route.find('"').unwrap()];
                if !route.contains("{id}") {
                    continue;
                }
                handlers += 1;
                let (name, body) = functions(&text[at..]).into_iter().next().unwrap();
                let calls_guard = guarded
                    .iter()
                    .any(|g| body.contains(&format!("{g}(")) || body.contains(&format!("{g}::<")));
                if !calls_guard {
                    unguarded.push(format!("{} {route} ({name})", path.display()));
                }
            }
        }
    }
    assert!(handlers > 40, "found only {handlers} handlers with an id");
    assert!(
        unguarded.is_empty(),
        "handlers with an id that skip the guard: {unguarded:#?}"
    );
}
