//! OpenAPI links from the operations that hand out a resource (a create's `201`, a list's
//! `200`) to the operations that read or act on it
//! (`{collection}/{id}/…`). Clients may follow them; a stateful fuzzer
//! (`scripts/fuzz-api.sh`) follows them to reach the deep paths with ids that exist
//! (assignments, records, certificates, plans) instead of guessing numbers that answer 404.

use std::collections::BTreeMap;

use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::schema::{ArrayItems, Schema};
use utoipa::openapi::{OpenApi, RefOr};

/// A collection whose resources are read and acted on at `{collection}/{id}…`.
struct Resource {
    collection: &'static str,
    /// The property of a returned resource that is its `{id}`.
    id: &'static str,
    /// The schemas the operations return it as.
    schemas: &'static [&'static str],
}

/// An operation under `{collection}/{id}` acts on a resource of the collection; an operation
/// that answers with one of its schemas (alone, as a page or as an array) hands out ids for it.
const RESOURCES: &[Resource] = &[
    Resource {
        collection: "/api/v1/activities",
        id: "id",
        schemas: &["ActivityResponse"],
    },
    Resource {
        collection: "/api/v1/applications",
        id: "id",
        schemas: &["ApplicationResponse"],
    },
    Resource {
        collection: "/api/v1/assignments",
        id: "id",
        schemas: &["AssignmentResponse"],
    },
    Resource {
        collection: "/api/v1/campaigns",
        id: "id",
        schemas: &["CampaignView"],
    },
    Resource {
        collection: "/api/v1/commendations",
        id: "id",
        schemas: &["CommendationResponse"],
    },
    Resource {
        collection: "/api/v1/complaints",
        id: "id",
        schemas: &["ComplaintResponse"],
    },
    Resource {
        collection: "/api/v1/courses",
        id: "id",
        schemas: &["CourseResponse"],
    },
    Resource {
        collection: "/api/v1/dispatch/plans",
        id: "id",
        schemas: &["PlanResponse"],
    },
    Resource {
        collection: "/api/v1/enrollments",
        id: "id",
        schemas: &["EnrollmentResponse"],
    },
    Resource {
        collection: "/api/v1/identity-disputes",
        id: "id",
        schemas: &["IdentityDisputeResponse"],
    },
    Resource {
        collection: "/api/v1/implementation-plans",
        id: "id",
        schemas: &["PlanView"],
    },
    Resource {
        collection: "/api/v1/me/notifications",
        id: "id",
        schemas: &["NotificationResponse"],
    },
    Resource {
        collection: "/api/v1/opinions",
        id: "id",
        schemas: &["Opinion"],
    },
    Resource {
        collection: "/api/v1/organizations",
        id: "id",
        schemas: &["OrganizationResponse"],
    },
    Resource {
        collection: "/api/v1/personal-data-requests",
        id: "id",
        schemas: &["DataRequestResponse"],
    },
    Resource {
        collection: "/api/v1/privacy-notices",
        id: "id",
        schemas: &["NoticeResponse"],
    },
    Resource {
        collection: "/api/v1/record-certificates",
        id: "id",
        schemas: &["RecordCertificateResponse"],
    },
    Resource {
        collection: "/api/v1/record-corrections",
        id: "id",
        schemas: &["CorrectionResponse"],
    },
    Resource {
        collection: "/api/v1/recruitments",
        id: "id",
        schemas: &["RecruitmentResponse"],
    },
    Resource {
        collection: "/api/v1/rectifications",
        id: "id",
        schemas: &["LedgerItem"],
    },
    Resource {
        collection: "/api/v1/service-records",
        id: "record_id",
        schemas: &["ServiceRecordResponse"],
    },
    Resource {
        collection: "/api/v1/sessions",
        id: "id",
        schemas: &["SessionResponse"],
    },
    Resource {
        collection: "/api/v1/spring-rain/editions",
        id: "id",
        schemas: &["EditionResponse"],
    },
    Resource {
        collection: "/api/v1/spring-rain/pairings",
        id: "id",
        schemas: &["PairingResponse"],
    },
    Resource {
        collection: "/api/v1/training-base/events",
        id: "id",
        schemas: &["TrainingBaseEventResponse"],
    },
    Resource {
        collection: "/api/v1/training-base/trainees",
        id: "id",
        schemas: &["TraineeView"],
    },
    Resource {
        collection: "/api/v1/training-certificates",
        id: "id",
        schemas: &["TrainingCertificateResponse"],
    },
    Resource {
        collection: "/api/v1/users",
        id: "id",
        schemas: &["UserResponse"],
    },
    Resource {
        collection: "/api/v1/volunteers",
        id: "id",
        schemas: &[
            "VolunteerResponse",
            "VolunteerSummary",
            "RegisteredVolunteerResponse",
        ],
    },
];

/// Where the first resource's id sits in a response body.
#[derive(Clone, Copy)]
enum Shape {
    One,
    Page,
    Array,
}

impl Shape {
    /// The runtime expression of the (first) resource's `id` property in the body.
    fn id_expression(self, id: &str) -> String {
        match self {
            Shape::One => format!("$response.body#/{id}"),
            Shape::Page => format!("$response.body#/items/0/{id}"),
            Shape::Array => format!("$response.body#/0/{id}"),
        }
    }
}

fn schema_name(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}

/// The resource schema and shape of a JSON success body: `X`, `Page_X` or `[X]`.
fn returned(schema: &RefOr<Schema>) -> Option<(&str, Shape)> {
    match schema {
        RefOr::Ref(r) => {
            let name = schema_name(&r.ref_location);
            Some(match name.strip_prefix("Page_") {
                Some(item) => (item, Shape::Page),
                None => (name, Shape::One),
            })
        }
        RefOr::T(Schema::Array(array)) => match &array.items {
            ArrayItems::RefOrSchema(item) => match item.as_ref() {
                RefOr::Ref(r) => Some((schema_name(&r.ref_location), Shape::Array)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    }
}

/// An operation that reads or acts on one resource of a collection.
struct Consumer {
    collection: &'static str,
    operation_id: String,
}

fn operations(item: &mut utoipa::openapi::PathItem) -> [&mut Option<Operation>; 5] {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
}

/// Adds a link from every create and list response to every operation under its resources'
/// `{collection}/{id}`, passing the (first) id.
pub fn add(doc: &mut OpenApi) {
    let mut consumers = Vec::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        let Some(Resource { collection, .. }) = RESOURCES
            .iter()
            .find(|r| path.starts_with(&format!("{}/{{id}}", r.collection)))
        else {
            continue;
        };
        for op in operations(item).into_iter().flatten() {
            if let Some(id) = &op.operation_id {
                consumers.push(Consumer {
                    collection,
                    operation_id: id.clone(),
                });
            }
        }
    }
    let resource_of: BTreeMap<&str, &Resource> = RESOURCES
        .iter()
        .flat_map(|r| r.schemas.iter().map(move |s| (*s, r)))
        .collect();
    for item in doc.paths.paths.values_mut() {
        for op in operations(item).into_iter().flatten() {
            for (status, response) in op.responses.responses.iter_mut() {
                // Creates (201) and lists (a page or an array) hand out ids; an action that
                // answers with the resource it was given adds nothing the fuzzer lacks.
                if !matches!(status.as_str(), "200" | "201") {
                    continue;
                }
                let RefOr::T(response) = response else {
                    continue;
                };
                let Some((schema, shape)) = response
                    .content
                    .get("application/json")
                    .and_then(|c| match c {
                        RefOr::T(c) => c.schema.as_ref(),
                        RefOr::Ref(_) => None,
                    })
                    .and_then(returned)
                else {
                    continue;
                };
                if status == "200" && matches!(shape, Shape::One) {
                    continue;
                }
                let Some(resource) = resource_of.get(schema) else {
                    continue;
                };
                for consumer in consumers
                    .iter()
                    .filter(|c| c.collection == resource.collection)
                {
                    response.links.insert(
                        consumer.operation_id.clone(),
                        LinkBuilder::new()
                            .operation_id(consumer.operation_id.clone())
                            .parameter("id", shape.id_expression(resource.id))
                            .build()
                            .into(),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RESOURCES;
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::Schema;

    /// A link names a property; one the schema lacks would hand the fuzzer nothing.
    #[test]
    fn every_linked_schema_exists_and_carries_its_id() {
        let doc = crate::openapi::document();
        let schemas = &doc.components.as_ref().expect("components").schemas;
        for resource in RESOURCES {
            for name in resource.schemas {
                let Some(RefOr::T(Schema::Object(object))) = schemas.get(*name) else {
                    panic!("{name} ({}) is not an object schema", resource.collection);
                };
                assert!(
                    object.properties.contains_key(resource.id),
                    "{name} has no `{}`",
                    resource.id
                );
            }
        }
    }
}
