//! The calendar range the service accepts from clients. chrono represents years up to
//! ±262,143, and date arithmetic near those ends panics; no volunteer, activity or policy
//! is anywhere near them, so every client date (an instant by its UTC date) is bounded at
//! entry and the arithmetic that follows stays far from chrono's limits.

use chrono::NaiveDate;

use super::Invalid;

/// The earliest date a client may send (also the earliest birth date of an ID number).
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("1900-01-01 is a date"),
};
/// The latest date a client may send.
pub const LATEST: NaiveDate = match NaiveDate::from_ymd_opt(2200, 12, 31) {
    Some(d) => d,
    None => panic!("2200-12-31 is a date"),
};

/// `date` if it lies in `EARLIEST..=LATEST`; otherwise a 422 problem naming `field`.
pub fn check_date(field: &str, date: NaiveDate) -> Result<NaiveDate, Invalid> {
    if (EARLIEST..=LATEST).contains(&date) {
        return Ok(date);
    }
    Err(Invalid::new(
        field,
        "out_of_range",
        format!("{field} must lie between {EARLIEST} and {LATEST}"),
    ))
}

/// Every out-of-range date among `(field, date)` pairs (absent ones are skipped).
pub fn check_dates<'a>(
    dates: impl IntoIterator<Item = (&'a str, Option<NaiveDate>)>,
) -> Vec<Invalid> {
    dates
        .into_iter()
        .filter_map(|(field, date)| check_date(field, date?).err())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_inclusive_and_names_the_field() {
        assert!(check_date("d", EARLIEST).is_ok() && check_date("d", LATEST).is_ok());
        let e = check_date("valid_to", LATEST.succ_opt().unwrap()).unwrap_err();
        assert_eq!(
            (e.field.as_str(), e.code.as_str()),
            ("valid_to", "out_of_range")
        );
        assert!(check_date("d", EARLIEST.pred_opt().unwrap()).is_err());
        assert!(check_date("d", NaiveDate::MAX).is_err());
    }

    #[test]
    fn several_dates_report_every_bad_one() {
        let bad = check_dates([
            ("from", Some(NaiveDate::MIN)),
            ("to", None),
            ("on", Some(LATEST)),
            ("until", Some(NaiveDate::MAX)),
        ]);
        let fields: Vec<&str> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["from", "until"]);
    }
}
