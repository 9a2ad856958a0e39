//! ACT-02 at the door: a fee field in any JSON body is refused under the rule's name.

use crate::error::{ApiError, ErrorCode, FieldError};

/// ACT-02: volunteer service is free — nobody pays to serve and nobody served pays. A fee
/// field anywhere in a body (`registration_fee`, `fee_cents`, `fees` …) is refused under the
/// rule's name rather than ignored or reported as a generic unknown field.
pub(super) fn refuse_fees(value: &serde_json::Value) -> Result<(), ApiError> {
    fn is_fee(key: &str) -> bool {
        key.split(['_', '-'])
            .any(|part| part.eq_ignore_ascii_case("fee") || part.eq_ignore_ascii_case("fees"))
    }
    fn walk(value: &serde_json::Value, path: &str, found: &mut Vec<FieldError>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, v) in map {
                    let at = match path {
                        "" => key.clone(),
                        p => format!("{p}.{key}"),
                    };
                    // An activity's own fee field is checked by the activity rules (ACT-02).
                    if is_fee(key) && key != "recipient_fee_cents" {
                        found.push(
                            FieldError::new(
                                at.clone(),
                                "fee_not_allowed",
                                "volunteer service charges no fee, to volunteers or to the people served (ACT-02)",
                            )
                            .with_rule("ACT-02"),
                        );
                    }
                    walk(v, &at, found);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(v, &format!("{path}[{i}]"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, "", &mut found);
    match found.is_empty() {
        true => Ok(()),
        false => Err(ApiError::validation(found).with_code(ErrorCode::Act02)),
    }
}
