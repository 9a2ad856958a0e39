//! Written agreements between volunteer and organiser (ACT-09, ACT-10): the six elements of
//! 文化志愿服务管理办法 Art 18, all required except "other matters".

use serde::Deserialize;
use utoipa::ToSchema;

use super::Invalid;

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct AgreementTerms {
    /// 1. Content, time and place of the service.
    pub content_time_place: String,
    /// 2. Rights and duties of both parties.
    pub rights_and_duties: String,
    /// 3. Risk-protection measures.
    pub risk_protection: String,
    /// 4. Modification and termination.
    pub modification_termination: String,
    /// 5. Liability for breach and dispute resolution.
    pub liability_disputes: String,
    /// 6. Other matters (may be empty).
    pub other_matters: String,
}

/// ACT-10: every element but "other matters" is present.
pub fn check_terms(t: &AgreementTerms) -> Vec<Invalid> {
    [
        ("content_time_place", &t.content_time_place),
        ("rights_and_duties", &t.rights_and_duties),
        ("risk_protection", &t.risk_protection),
        ("modification_termination", &t.modification_termination),
        ("liability_disputes", &t.liability_disputes),
    ]
    .into_iter()
    .filter(|(_, text)| text.trim().is_empty())
    .map(|(field, _)| {
        Invalid::new(
            field,
            "ACT-10",
            format!("the agreement lacks {field} (Art 18)"),
        )
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn act10_names_each_missing_element_and_allows_empty_other_matters() {
        let full = AgreementTerms {
            content_time_place: "x".into(),
            rights_and_duties: "x".into(),
            risk_protection: "x".into(),
            modification_termination: "x".into(),
            liability_disputes: "x".into(),
            other_matters: String::new(),
        };
        assert!(check_terms(&full).is_empty());
        let missing = check_terms(&AgreementTerms {
            risk_protection: " ".into(),
            ..full
        });
        assert_eq!(missing.len(), 1);
        assert_eq!(
            (missing[0].field.as_str(), missing[0].code.as_str()),
            ("risk_protection", "ACT-10")
        );
    }
}
