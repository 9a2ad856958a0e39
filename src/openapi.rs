//! The OpenAPI document, generated from the handlers' `#[utoipa::path]` annotations as they
//! are registered (utoipa-actix-web), then completed here: info, the bearer scheme, and the
//! problem responses every operation can give. `openapi/openapi.json` is this document,
//! checked in; a test fails when the two drift.

use actix_web::App;
use utoipa::openapi::Components;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, InfoBuilder, OpenApi, Ref, RefOr, Required};
use utoipa::{PartialSchema, ToSchema};
use utoipa_actix_web::AppExt;

use crate::error::Problem;

mod links;

const BEARER: &str = "bearer";

/// Collects the routes exactly as the server registers them and completes the document.
pub fn document() -> OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .configure(crate::routes::configure)
        .split_for_parts();
    complete(doc)
}

/// Pretty JSON with a trailing newline, as committed in `openapi/openapi.json`.
pub fn to_json(doc: &OpenApi) -> String {
    let mut text = doc
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    text.push('\n');
    text
}

fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
        .into()
}

fn complete_operation(op: &mut Operation, rate_limited: bool) {
    // Operations annotated `security(())` are public; everything else needs a bearer token.
    let public = op.security.is_some();
    let has_body = op.request_body.is_some();
    op.security = Some(if public {
        Vec::new()
    } else {
        vec![SecurityRequirement::new(BEARER, Vec::<String>::new())]
    });
    let mut common = vec![
        (
            "400",
            "Malformed request (bad JSON, query or path parameter)",
        ),
        ("404", "Not found, or not visible in your scope"),
        (
            "422",
            "Well-formed but invalid: `errors[]` names each field and rule",
        ),
        ("500", "Internal error (details are logged, not sent)"),
        ("503", "Database unavailable or busy; retry"),
    ];
    if !public {
        common.push(("401", "Missing, invalid or expired access token"));
        common.push(("403", "Your role may not do this"));
    }
    if has_body {
        common.push(("413", "The body exceeds this operation's limit"));
        common.push(("415", "The body's content type is not the documented one"));
    }
    // Conditional updates (`routes::common::versions`).
    let conditional = op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Header && p.name == "If-Match",
        RefOr::Ref(_) => false,
    });
    if conditional {
        common.push(("412", "Changed since you read it: read it again"));
        common.push(("428", "`If-Match` is missing"));
    }
    if rate_limited {
        common.push((
            "429",
            "Too many requests from this address; see `Retry-After`",
        ));
    }
    // OpenAPI requires a description on every response; a success documented by its body
    // alone gets its status's reason phrase.
    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(response) = response
            && response.description.is_empty()
        {
            response.description = status
                .parse::<u16>()
                .ok()
                .and_then(|s| actix_web::http::StatusCode::from_u16(s).ok())
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Success")
                .to_string();
        }
    }
    for (status, description) in common {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| problem_response(description));
    }
}

/// The optional `Idempotency-Key` header of authenticated POSTs and the answers it adds.
fn document_idempotency_key(op: &mut Operation) {
    let header = ParameterBuilder::new()
        .name(crate::middleware::idempotency::HEADER)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: a repeat with the same key and the same request returns the \
             first successful result (marked `Idempotent-Replayed: true`) instead of writing \
             again. Keys are per account and kept for 24 hours.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(255)),
        ))
        .build();
    op.parameters
        .get_or_insert_with(Vec::new)
        .push(header.into());
    for (status, description) in [
        // The key's request is kept, so its body is read (up to the route's limit) even where
        // the operation takes none.
        ("413", "The body exceeds this operation's limit"),
        (
            "409",
            "Conflict with the current state; or a request with the same Idempotency-Key is \
             still in progress (`idempotency_in_progress`)",
        ),
        (
            "422",
            "Well-formed but invalid: `errors[]` names each field and rule; or the \
             Idempotency-Key was used for a different request (`idempotency_key_reused`)",
        ),
    ] {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| problem_response(description));
    }
}

/// `Problem`, with its `code` pointing at the list of every code.
fn problem_schema() -> RefOr<Schema> {
    let mut schema = Problem::schema();
    if let RefOr::T(Schema::Object(object)) = &mut schema {
        object
            .properties
            .insert("code".into(), Ref::from_schema_name("ErrorCode").into());
    }
    schema
}

/// Every stable error code clients may switch on, with what it means.
fn error_code_schema() -> RefOr<Schema> {
    let catalogue = crate::error::ErrorCode::catalogue();
    let table: String = catalogue
        .iter()
        .map(|(code, meaning)| format!("- `{code}`: {meaning}\n"))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(catalogue.iter().map(|(code, _)| *code)))
        .description(Some(format!(
            "Stable machine-readable error code; it never changes with the language.\n\n{table}"
        )))
        .into()
}

/// `#[serde(flatten)]` derives `allOf [{$ref}, {…}]`. Merged into one object, the document
/// reads plainer, and generators can satisfy it: schemathesis found no valid
/// self-registration body for the `allOf` form.
fn merge_flattened_objects(components: &mut Components) {
    let named = components.schemas.clone();
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::AllOf(all_of)) = schema else {
            continue;
        };
        let mut merged = ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(all_of.description.clone())
            .build();
        let mut plain = true;
        for part in &all_of.items {
            let part = match part {
                RefOr::Ref(r) => named.get(r.ref_location.rsplit('/').next().unwrap_or_default()),
                inline => Some(inline),
            };
            match part {
                Some(RefOr::T(Schema::Object(object))) => {
                    merged.properties.extend(object.properties.clone());
                    merged.required.extend(object.required.iter().cloned());
                    if merged.description.is_none() {
                        merged.description.clone_from(&object.description);
                    }
                }
                _ => plain = false,
            }
        }
        if plain {
            *schema = RefOr::T(Schema::Object(merged));
        }
    }
}

fn complete(mut doc: OpenApi) -> OpenApi {
    doc.info = InfoBuilder::new()
        .title("springrain")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Coordinates cultural volunteers: registration, training, matching and dispatch, \
             Spring Rain border deployments. Errors are RFC 9457 problem documents with a stable \
             `code`. Lists are keyset-paginated (`limit`, `cursor`).",
        ))
        .build();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        BEARER,
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    components
        .schemas
        .insert(Problem::name().into_owned(), problem_schema());
    components
        .schemas
        .insert("ErrorCode".into(), error_code_schema());
    let mut field_error_schemas = Vec::new();
    <Problem as ToSchema>::schemas(&mut field_error_schemas);
    components.schemas.extend(field_error_schemas);
    // Enums used only as query parameters are referenced by name, but only bodies bring
    // their schemas into the document: without these the references dangle.
    for (name, schema) in [
        (
            crate::routes::commendations::CommendationStatus::name(),
            <crate::routes::commendations::CommendationStatus as utoipa::PartialSchema>::schema(),
        ),
        (
            crate::routes::identity_disputes::DisputeStatus::name(),
            <crate::routes::identity_disputes::DisputeStatus as utoipa::PartialSchema>::schema(),
        ),
    ] {
        components.schemas.insert(name.into_owned(), schema);
    }
    merge_flattened_objects(components);
    for (path, item) in doc.paths.paths.iter_mut() {
        let replayable = path.starts_with("/api/v1/") && !path.starts_with("/api/v1/auth/");
        // The `/auth` and `/public` scopes share one per-address limit.
        let rate_limited = path.starts_with("/api/v1/auth/") || path.starts_with("/api/v1/public/");
        // Public POSTs (security `()`) have no account to keep keys for.
        if let Some(post) = item
            .post
            .as_mut()
            .filter(|p| replayable && p.security.is_none())
        {
            document_idempotency_key(post);
        }
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(op, rate_limited);
        }
    }
    links::add(&mut doc);
    doc
}
