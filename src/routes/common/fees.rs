//! ACT-02 at the door: a fee field in any JSON body is refused under the rule's name; and a value
//! outside a set a rule defines names that rule.

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

/// Value sets a rule defines: (request type, field, rule). A value outside the set is refused
/// naming the rule (issue 14, acceptance 4).
const RULED_VALUES: [(&str, &str, &str); 1] = [("::ActivityRequest", "category", "ACT-12")];

pub(super) fn ruled_value(type_name: &str, field: &str, code: &str) -> Option<&'static str> {
    (code == "invalid_value")
        .then(|| {
            RULED_VALUES
                .iter()
                .find(|(ty, f, _)| type_name.ends_with(ty) && field == *f)
                .map(|(_, _, rule)| *rule)
        })
        .flatten()
}
