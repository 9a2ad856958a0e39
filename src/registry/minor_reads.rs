//! PI-04: every read of a minor's data (under 18, not only under 14) by anyone but the minor
//! is audited: the single read, list pages, service records and certificates. One event per
//! minor read, in the minor's registering organisation, so its supervisors see it.

use chrono::NaiveDate;

use crate::auth::policy::Principal;
use crate::db::audit::AuditEntry;
use crate::db::volunteers::{VolunteerListing, VolunteerRow};
use crate::db::{self, DbConn};
use crate::domain::identity::age_on;
use crate::domain::volunteer::ADULT_AGE;
use crate::error::ApiResult;

/// What the audit needs to know of a volunteer that was read: a full row or a list row.
pub trait ReadVolunteer {
    fn id(&self) -> i64;
    fn birth_date(&self) -> NaiveDate;
    fn org_path(&self) -> &str;
}

// A full row and a list row carry the same three columns.
macro_rules! read_volunteer {
    ($($row:ty),*) => {$(
        impl ReadVolunteer for $row {
            fn id(&self) -> i64 {
                self.id
            }
            fn birth_date(&self) -> NaiveDate {
                self.birth_date
            }
            fn org_path(&self) -> &str {
                &self.org_path
            }
        }
    )*};
}
read_volunteer!(VolunteerRow, VolunteerListing);

/// Whether the volunteer is a minor on `today`. An under-14's plain birth date is the end of
/// the birth year (PI-01), never later than the real age allows, so no minor is missed.
pub fn is_minor(row: &impl ReadVolunteer, today: NaiveDate) -> bool {
    age_on(row.birth_date(), today) < ADULT_AGE
}

/// Audits `user`'s read of `what` (`record`, `list`, `service_records`, …) of each minor
/// among `rows`; the minor reading their own data is not audited.
pub fn audit<'a, R: ReadVolunteer + 'a>(
    conn: &mut DbConn,
    user: &Principal,
    rows: impl IntoIterator<Item = &'a R>,
    what: &str,
    today: NaiveDate,
) -> ApiResult<()> {
    for row in rows {
        if user.volunteer_id == Some(row.id()) || !is_minor(row, today) {
            continue;
        }
        db::audit::record(
            conn,
            AuditEntry::by(user, "volunteer.read_minor", "volunteer")
                .entity(row.id(), row.org_path())
                .detail(serde_json::json!({ "read": what })),
        )?;
    }
    Ok(())
}
