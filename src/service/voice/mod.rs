//! The people's voice (issue 10): the public's feedback through an activity's link, opinions
//! staff gather, the written answer every issue needs (FB-01, FB-02), and the rectification
//! ledger a supervisor follows (FB-03).

mod feedback;
mod ledger;
mod opinions;

pub use feedback::{
    FeedbackLink, FeedbackPage, FeedbackReceipt, PublicAnswer, PublicFeedback, ReceiptView,
    feedback_link, feedback_page, receipt, submit_feedback,
};
pub use ledger::{
    ItemQuery, LedgerItem, NewLedgerItem, PublicItem, StepRequest, create_item, get_item,
    list_items, public_items, publish_item, step_item,
};
pub use opinions::{
    AnswerRequest, Opinion, OpinionQuery, StaffOpinion, answer_opinion, get_opinion, list_opinions,
    record_opinion,
};

use crate::auth::policy::{Action, Principal, Scope};
use crate::db::voice::{ItemRow, OpinionRow};
use crate::db::{self, DbConn};
use crate::error::ApiResult;
use crate::service::reach::InReach;

/// Opinions belong to the responsible (organising) organisation: its staff and those above
/// it read them; the organiser's staff answer them.
impl InReach for OpinionRow {
    const NAME: &'static str = "opinion";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::voice::find_opinion(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadOpinions)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// Ledger items belong to the responsible organisation: a supervisor reaches its children's
/// through its subtree; another province sees nothing (404).
impl InReach for ItemRow {
    const NAME: &'static str = "rectification";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::voice::find_item(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        self.reached_under(conn, user, Action::ReadRectifications)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.org_path))
    }
}

/// The subtree a list is narrowed to for `action` (`None`: everything).
fn list_scope(user: &Principal, action: Action) -> ApiResult<Option<String>> {
    Ok(user.require(action)?.org_path_prefix().map(str::to_string))
}
