//! Training: courses and their sessions (`courses`), enrolments and their results
//! (`enrolments`), training certificates (`certificates`). Training before specialised service
//! (ACT-05), with capacity and overlap guarded under concurrency. Who sees and acts on each
//! object is said once here, by their `InReach` implementations.

pub mod certificates;
pub mod courses;
pub mod enrolments;

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::training::{CertificateRow, CourseRow, EnrollmentRow, Reach, SessionRow};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::error::ApiResult;
use crate::service::reach::InReach;

/// Where the caller finds courses and sessions: its subtree and everything above it (a
/// national course or a provincial session is usable below); everything for the ministry.
fn usable_by(user: &Principal) -> Reach {
    match user.scope_for(Action::ManageTraining) {
        Some(scope) if scope.org_path_prefix().is_none() => Reach::default(),
        _ => Reach {
            subtree: Some(user.org_path.clone()),
            ancestors: user.ancestor_paths(),
        },
    }
}

fn usable(user: &Principal, path: &str) -> bool {
    let r = usable_by(user);
    match &r.subtree {
        None => true,
        Some(root) => path.starts_with(root.as_str()) || r.ancestors.iter().any(|a| a == path),
    }
}

/// Courses: visible where usable; an action reaches those its scope contains.
impl InReach for CourseRow {
    const NAME: &'static str = "course";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::training::find_course(conn, id)?)
    }

    fn visible_to(&self, _: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        Ok(usable(user, &self.org_path))
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// Sessions: as courses; the organiser's scope reaches them.
impl InReach for SessionRow {
    const NAME: &'static str = "session";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::training::find_session(conn, id)?)
    }

    fn visible_to(&self, _: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        Ok(usable(user, &self.org_path))
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// Whether the caller sees the trainee, and manages training where the session is held:
/// enrolments and certificates are seen by their session's organisers only, and another
/// province's volunteer stays invisible.
fn seen_by_organiser(
    conn: &mut DbConn,
    user: &Principal,
    session: &SessionRow,
    volunteer_id: i64,
) -> ApiResult<bool> {
    if !user
        .scope_for(Action::ManageTraining)
        .is_some_and(|s| s.contains(&session.org_path))
    {
        return Ok(false);
    }
    match VolunteerRow::find(conn, volunteer_id)? {
        Some(volunteer) => volunteer.visible_to(conn, user),
        None => Ok(false),
    }
}

/// An enrolment with its session, which decides where it lives.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub row: EnrollmentRow,
    pub session: SessionRow,
}

impl InReach for Enrolment {
    const NAME: &'static str = "enrollment";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        let Some(row) = db::training::find_enrollment(conn, id)? else {
            return Ok(None);
        };
        let session = db::training::find_session(conn, row.session_id)?;
        Ok(session.map(|session| Enrolment { row, session }))
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        seen_by_organiser(conn, user, &self.session, self.row.volunteer_id)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.session.org_path))
    }
}

/// A training certificate with the session that issued it.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub row: CertificateRow,
    pub session: SessionRow,
}

impl InReach for Certificate {
    const NAME: &'static str = "certificate";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        let Some(row) = db::training::find_certificate(conn, id)? else {
            return Ok(None);
        };
        let session = db::training::find_session(conn, row.session_id)?;
        Ok(session.map(|session| Certificate { row, session }))
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        seen_by_organiser(conn, user, &self.session, self.row.volunteer_id)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.session.org_path))
    }
}
