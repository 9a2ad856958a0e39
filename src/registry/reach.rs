//! Which volunteers a caller reaches, and how much of their identity it sees: volunteers in
//! the one guard (`InReach`), the search narrowing of HRS-06, and the reader views of PI-01. Shared by every route that touches a volunteer, so it lives outside `routes/`.

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::domain::identity::restrict_id_mask;
use crate::error::{ApiError, ApiResult};
use crate::service::reach::InReach;

/// How much of a volunteer's identity a reader sees without an explicit reveal. Readers who
/// may reveal the ID number (audited) see the documented mask and the birth date; everyone
/// else sees a stricter mask and an age band, so that nothing they can read, alone or
/// combined, rebuilds the number (PI-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonalView {
    MayReveal,
    Restricted,
}

impl PersonalView {
    pub fn of(user: &Principal, volunteer_id: i64, org_path: &str) -> PersonalView {
        let may_reveal = user
            .scope_for(Action::RevealPersonalData)
            .is_some_and(|s| s.covers_volunteer(volunteer_id, org_path));
        if may_reveal {
            PersonalView::MayReveal
        } else {
            PersonalView::Restricted
        }
    }

    /// The ID mask this reader sees, from the documented mask (or the full number).
    pub fn id_mask(self, documented: &str) -> String {
        match self {
            PersonalView::MayReveal => documented.to_string(),
            PersonalView::Restricted => restrict_id_mask(documented),
        }
    }

    /// The ID mask this reader sees where only the restricted mask is stored in clear (PI-01):
    /// a reader who may reveal gets the documented one `documented` recovers from encrypted
    /// data, or the restricted one when there is none (erased, PI-06).
    pub fn id_mask_from(self, clear: &str, documented: impl FnOnce() -> Option<String>) -> String {
        match self {
            PersonalView::MayReveal => documented().unwrap_or_else(|| restrict_id_mask(clear)),
            PersonalView::Restricted => restrict_id_mask(clear),
        }
    }
}

/// Volunteers: a caller sees those its `ReadVolunteers` scope covers, and (HRS-06) a
/// coordinator also those of its province open to its subtree; an action reaches them the same
/// way under that action's scope.
impl InReach for VolunteerRow {
    const NAME: &'static str = "volunteer";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::volunteers::find(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadVolunteers)
    }

    fn reached_by(&self, conn: &mut DbConn, user: &Principal, scope: &Scope) -> ApiResult<bool> {
        if scope.covers_volunteer(self.id, &self.org_path) {
            return Ok(true);
        }
        Ok(matches!(scope, Scope::SubtreeAndOpen { .. }) && is_open_to_caller(conn, user, self)?)
    }
}

/// Narrows a volunteer query to a scope: everything, a subtree, a coordinator's subtree
/// plus the province's volunteers open to it (HRS-06), or one's own record.
pub fn narrow_to_scope(filter: &mut db::volunteers::VolunteerFilter, scope: &Scope) {
    match scope {
        Scope::OwnVolunteer(id) => filter.only_id = Some(*id),
        other => {
            filter.subtree = other.org_path_prefix().map(String::from);
            filter.open_to = other.open_to().map(String::from);
        }
    }
}

/// HRS-06: whether a volunteer of the caller's province but outside its subtree is open to
/// it (consent to province-wide matching, or a live relation in the subtree). Asked of the
/// database only for such volunteers, through the same filter the search uses.
fn is_open_to_caller(
    conn: &mut DbConn,
    user: &Principal,
    row: &VolunteerRow,
) -> Result<bool, ApiError> {
    let Some(scope @ Scope::SubtreeAndOpen { .. }) = user.scope_for(Action::ReadVolunteers) else {
        return Ok(false);
    };
    if scope.contains(&row.org_path) {
        return Ok(false);
    }
    let mut filter = db::volunteers::VolunteerFilter {
        only_id: Some(row.id),
        limit: 1,
        ..Default::default()
    };
    narrow_to_scope(&mut filter, &scope);
    Ok(!db::volunteers::search(conn, &filter)?.is_empty())
}

/// An object that belongs to one volunteer (a service record, a star application, a
/// personal-data request): found by its own id, reached exactly as its volunteer is.
pub trait VolunteerPart: Sized {
    /// Its name in a 404, so an id out of reach never reads as "volunteer not found".
    const NAME: &'static str;

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>>;

    fn volunteer_id(&self) -> i64;
}

/// A volunteer's object together with the volunteer it belongs to, loaded through the guard
/// (`load_in_reach::<OfVolunteer<T>>`).
#[derive(Debug, Clone)]
pub struct OfVolunteer<T> {
    pub item: T,
    pub volunteer: VolunteerRow,
}

impl<T: VolunteerPart> InReach for OfVolunteer<T> {
    const NAME: &'static str = T::NAME;

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        let Some(item) = T::find(conn, id)? else {
            return Ok(None);
        };
        Ok(db::volunteers::find(conn, item.volunteer_id())?
            .map(|volunteer| Self { item, volunteer }))
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.volunteer.visible_to(conn, user)
    }

    fn reached_by(&self, conn: &mut DbConn, user: &Principal, scope: &Scope) -> ApiResult<bool> {
        self.volunteer.reached_by(conn, user, scope)
    }
}

impl VolunteerPart for db::volunteers::PersonalDataRequestRow {
    const NAME: &'static str = "request";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::volunteers::find_data_request(conn, id)?)
    }

    fn volunteer_id(&self) -> i64 {
        self.volunteer_id
    }
}
