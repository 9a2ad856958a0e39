//! `openapi/openapi.json` is the generated document, committed. This fails when the code and
//! the file drift; `UPDATE_OPENAPI=1 cargo test` rewrites the file.

use serde_json::Value;

#[test]
fn the_committed_openapi_document_matches_the_code() {
    let generated = springrain::openapi::to_json(&springrain::openapi::document());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi")).unwrap();
        std::fs::write(path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test --test api openapi` and commit it"
    );
}

#[test]
fn every_operation_documents_its_errors_and_security() {
    let doc: Value = serde_json::from_str(&springrain::openapi::to_json(
        &springrain::openapi::document(),
    ))
    .unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/v1/organizations/{id}"));
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["400", "404", "422", "500"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
            let public = op["security"].as_array().unwrap().is_empty();
            if !public {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
            }
        }
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(
        paths["/api/v1/auth/login"]["post"]["security"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        !paths["/api/v1/me"]["get"]["security"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// Every `.rs` file under `dir`, recursively.
pub fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// The string literal a call's argument list opens with, skipping a leading
/// `StatusCode::…,` argument (for `ApiError::new`).
fn leading_literal(args: &str) -> Option<&str> {
    let mut rest = args.trim_start();
    if rest.starts_with("StatusCode::") || rest.starts_with("actix_web::http::StatusCode::") {
        rest = rest[rest.find(',')? + 1..].trim_start();
    }
    let rest = rest.strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// Issue 16: every code a call site names is listed in the OpenAPI document's `ErrorCode`
/// (a code written as text at a call site and missing from the enum fails here, before any
/// test has to reach that line).
#[test]
fn every_error_code_used_in_the_code_is_listed() {
    let doc: Value = serde_json::from_str(&springrain::openapi::to_json(
        &springrain::openapi::document(),
    ))
    .unwrap();
    let listed: Vec<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .expect("ErrorCode lists its values")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(listed.contains(&"not_found") && listed.contains(&"daily_limit_exceeded"));
    assert_eq!(
        doc["components"]["schemas"]["Problem"]["properties"]["code"]["$ref"],
        "#/components/schemas/ErrorCode"
    );
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut unlisted = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).unwrap();
        for call in [
            "ApiError::conflict(",
            "ApiError::rule(",
            "ApiError::bad_request(",
            "ApiError::new(",
            ".with_code(",
        ] {
            for (at, _) in text.match_indices(call) {
                if let Some(code) = leading_literal(&text[at + call.len()..])
                    && !listed.contains(&code)
                {
                    unlisted.push(format!("{}: {code}", file.display()));
                }
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "codes missing from ErrorCode: {unlisted:?}"
    );
}
