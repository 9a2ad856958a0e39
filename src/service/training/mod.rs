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

/// A row that belongs to a volunteer's place in a session: an enrolment, a certificate.
pub trait SessionRecord: Sized {
    const NAME: &'static str;
    fn find(conn: &mut DbConn, id: i64) -> diesel::QueryResult<Option<Self>>;
    fn session_id(&self) -> i64;
    fn volunteer_id(&self) -> i64;
}

impl SessionRecord for EnrollmentRow {
    const NAME: &'static str = "enrollment";

    fn find(conn: &mut DbConn, id: i64) -> diesel::QueryResult<Option<Self>> {
        db::training::find_enrollment(conn, id)
    }

    fn session_id(&self) -> i64 {
        self.session_id
    }

    fn volunteer_id(&self) -> i64 {
        self.volunteer_id
    }
}

impl SessionRecord for CertificateRow {
    const NAME: &'static str = "certificate";

    fn find(conn: &mut DbConn, id: i64) -> diesel::QueryResult<Option<Self>> {
        db::training::find_certificate(conn, id)
    }

    fn session_id(&self) -> i64 {
        self.session_id
    }

    fn volunteer_id(&self) -> i64 {
        self.volunteer_id
    }
}

/// An enrolment or a certificate with its session, which decides where it lives.
#[derive(Debug, Clone)]
pub struct InSession<R> {
    pub row: R,
    pub session: SessionRow,
}

pub type Enrolment = InSession<EnrollmentRow>;
pub type Certificate = InSession<CertificateRow>;

/// Enrolments and certificates are seen by the organisers of their session (those who manage
/// training where it is held) who also see the volunteer: another province's volunteer stays
/// invisible. An action reaches them where its scope contains the session.
impl<R: SessionRecord> InReach for InSession<R> {
    const NAME: &'static str = R::NAME;

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        let Some(row) = R::find(conn, id)? else {
            return Ok(None);
        };
        let session = db::training::find_session(conn, row.session_id())?;
        Ok(session.map(|session| InSession { row, session }))
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        let organiser = user
            .scope_for(Action::ManageTraining)
            .is_some_and(|s| s.contains(&self.session.org_path));
        if !organiser {
            return Ok(false);
        }
        match VolunteerRow::find(conn, self.row.volunteer_id())? {
            Some(volunteer) => volunteer.visible_to(conn, user),
            None => Ok(false),
        }
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.session.org_path))
    }
}
