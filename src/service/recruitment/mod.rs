//! Recruitment: campaigns with a quota and an application window (`campaigns`), and
//! applications by registered volunteers (`applications`) or by new people who register with
//! them (`newcomers`). Who sees and manages
//! a campaign or an application is said once here, by their `InReach` implementations.

pub mod applications;
pub mod campaigns;
pub mod newcomers;

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::recruitment::{ApplicationRow, RecruitmentRow};
use crate::db::{self, DbConn};
use crate::domain::role::Role;
use crate::error::ApiResult;
use crate::service::reach::InReach;

/// Whose campaigns a caller oversees: managers their management scope, auditors their
/// subtree (read-only). Others (volunteers) only see open campaigns.
fn overseen_by(user: &Principal) -> Option<Scope> {
    user.scope_for(Action::ManageRecruitments)
        .or_else(|| (user.role == Role::Auditor).then(|| Scope::Subtree(user.org_path.clone())))
}

/// Campaigns: everyone sees the open ones; a caller also those of the organisations above it
/// (which recruit into its area) and those it oversees. Managing one needs a
/// `ManageRecruitments` scope that contains it.
impl InReach for RecruitmentRow {
    const NAME: &'static str = "recruitment";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::recruitment::find(conn, id)?)
    }

    fn visible_to(&self, _: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        Ok(
            self.status == crate::domain::recruitment::RecruitmentStatus::Open
                || user.ancestor_paths().contains(&self.org_path)
                || overseen_by(user).is_some_and(|s| s.contains(&self.org_path)),
        )
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// An application with its campaign, which decides where it lives.
#[derive(Debug, Clone)]
pub struct Application {
    pub row: ApplicationRow,
    pub campaign: RecruitmentRow,
}

/// Applications: the applicant sees its own, others those of the campaigns they see. The
/// applicant's own-records scope reaches its own; a staff scope those of the campaigns it
/// contains.
impl InReach for Application {
    const NAME: &'static str = "application";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        let Some(row) = db::recruitment::find_application(conn, id)? else {
            return Ok(None);
        };
        let campaign = db::recruitment::find(conn, row.recruitment_id)?;
        Ok(campaign.map(|campaign| Application { row, campaign }))
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        Ok(user.volunteer_id == Some(self.row.volunteer_id)
            || self.campaign.visible_to(conn, user)?)
    }

    fn reached_by(&self, conn: &mut DbConn, user: &Principal, scope: &Scope) -> ApiResult<bool> {
        match scope {
            Scope::OwnVolunteer(own) => Ok(*own == self.row.volunteer_id),
            other => self.campaign.reached_by(conn, user, other),
        }
    }
}
