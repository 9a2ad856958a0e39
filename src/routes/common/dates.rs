//! Client dates kept inside the calendar the service computes with.

use crate::error::ApiError;

/// 422 naming every client date outside the accepted calendar (`domain::calendar`): a date
/// such as `+262142-01-01` would otherwise reach date arithmetic that panics near chrono's
/// limits. Instants are checked by their UTC date.
pub fn bounded_dates<'a>(
    dates: impl IntoIterator<Item = (&'a str, Option<chrono::NaiveDate>)>,
) -> Result<(), ApiError> {
    let problems = crate::domain::calendar::check_dates(dates);
    match problems.is_empty() {
        true => Ok(()),
        false => Err(ApiError::invalid(problems)),
    }
}

/// The UTC date of an optional instant, for `bounded_dates`.
pub fn day_of(at: Option<chrono::DateTime<chrono::Utc>>) -> Option<chrono::NaiveDate> {
    at.map(|t| t.date_naive())
}
