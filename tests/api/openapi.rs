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
