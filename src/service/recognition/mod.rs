//! Recognition (issue 10): evaluations of a volunteer's service, complaints and their outcome
//! (STAR-04), the volunteer's record of both (HRS-04), commendations (STAR-03), and the public
//! pages that show activities and honours without personal data (PI-07).

pub mod commendations;
pub mod conduct;
pub mod public;

use crate::error::FieldError;

/// Longest note, description or reason accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;

/// `field` must be non-empty (after trimming) when `required`, and at most `MAX_TEXT_CHARS`.
pub fn check_text(field: &str, value: &str, required: bool, out: &mut Vec<FieldError>) {
    let n = value.trim().chars().count();
    if required && n == 0 {
        out.push(FieldError::new(field, "required", "required"));
    } else if n > MAX_TEXT_CHARS {
        out.push(FieldError::new(
            field,
            "too_long",
            format!("at most {MAX_TEXT_CHARS} characters"),
        ));
    }
}
