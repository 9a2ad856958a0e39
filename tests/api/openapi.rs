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

/// The string literals returned by every `fn code(&self) -> &'static str` in `text` (how
/// domain refusals name their codes).
fn domain_codes(text: &str) -> Vec<&str> {
    let mut codes = Vec::new();
    for (at, _) in text.match_indices("fn code(&self) -> &'static str {") {
        let body = &text[at..];
        let mut depth = 0;
        let mut end = body.len();
        for (i, c) in body.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &body[..end];
        let mut rest = body;
        while let Some(open) = rest.find('"') {
            let after = &rest[open + 1..];
            let Some(close) = after.find('"') else { break };
            codes.push(&after[..close]);
            rest = &after[close + 1..];
        }
    }
    codes
}

/// Issue 16: the OpenAPI document lists every code. Call sites can only name `ErrorCode`
/// variants (the type admits nothing else); domain refusals name theirs as text
/// (`RecordError::code()` and the like, turned into `ErrorCode::of`), so each of those must be
/// listed too — a new domain code missing from `ErrorCode` fails here, before any request
/// meets it.
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
    assert_eq!(
        doc["components"]["schemas"]["Problem"]["properties"]["code"]["$ref"],
        "#/components/schemas/ErrorCode"
    );
    // The domain refusals that become a problem's `code` (through `ErrorCode::of`). The
    // organisation rules' codes name fields inside `errors[]`, not problems.
    let domain = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
    let mut found = 0;
    let mut unlisted = Vec::new();
    for name in [
        "assignment.rs",
        "service_record.rs",
        "stars.rs",
        "matching/dispatch.rs",
    ] {
        let file = domain.join(name);
        let text = std::fs::read_to_string(&file).unwrap();
        for code in domain_codes(&text) {
            found += 1;
            if !listed.contains(&code) {
                unlisted.push(format!("{}: {code}", file.display()));
            }
        }
    }
    assert!(
        found >= 20,
        "only {found} domain codes found: is the scan still reading them?"
    );
    assert!(
        unlisted.is_empty(),
        "codes missing from ErrorCode: {unlisted:?}"
    );
}

/// Every `$ref` names a schema the document holds: a dangling one makes clients and fuzzers
/// skip that part of an operation (schemathesis reported two).
#[test]
fn every_reference_in_the_document_resolves() {
    let doc: Value = serde_json::from_str(&springrain::openapi::to_json(
        &springrain::openapi::document(),
    ))
    .unwrap();
    let mut dangling = Vec::new();
    let mut stack = vec![&doc];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let found = target
                        .strip_prefix("#/")
                        .map(|p| p.split('/').try_fold(&doc, |at, key| at.get(key)).is_some())
                        .unwrap_or(false);
                    if !found {
                        dangling.push(target.clone());
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    dangling.sort();
    dangling.dedup();
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}
