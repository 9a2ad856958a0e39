//! Assignments (a volunteer on an activity) and their written agreements.

use crate::domain::assignment::AssignmentState;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{agreements, assignments};
use super::{DbConn, now, subtree_bounds};
use crate::domain::agreement::AgreementTerms;

/// Statuses that hold the volunteer's time and (when confirmed) a place.
pub const LIVE: [&str; 3] = ["offered", "confirmed", "checked_in"];

#[derive(Debug, Clone, Queryable)]
pub struct AssignmentRow {
    pub id: i64,
    pub activity_id: i64,
    pub volunteer_id: i64,
    pub org_path: String,
    pub status: AssignmentState,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub accompanying_guardian: Option<String>,
    pub offered_by: Option<i64>,
    pub offered_at: NaiveDateTime,
    pub responded_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub checked_in_at: Option<NaiveDateTime>,
    pub checked_out_at: Option<NaiveDateTime>,
    pub break_minutes: i32,
    pub verified_at: Option<NaiveDateTime>,
    pub verified_by: Option<i64>,
    pub updated_at: NaiveDateTime,
    /// ACT-09 (b): when a party asked for a written agreement.
    pub agreement_requested_at: Option<NaiveDateTime>,
}

pub struct NewOffer<'a> {
    pub activity_id: i64,
    pub volunteer_id: i64,
    pub org_path: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub accompanying_guardian: Option<&'a str>,
    pub offered_by: i64,
}

pub fn insert_offer(conn: &mut DbConn, offer: &NewOffer) -> QueryResult<AssignmentRow> {
    let at = now();
    let id: i64 = diesel::insert_into(assignments::table)
        .values((
            assignments::activity_id.eq(offer.activity_id),
            assignments::volunteer_id.eq(offer.volunteer_id),
            assignments::org_path.eq(offer.org_path),
            assignments::status.eq("offered"),
            assignments::starts_at.eq(offer.starts_at),
            assignments::ends_at.eq(offer.ends_at),
            assignments::accompanying_guardian.eq(offer.accompanying_guardian),
            assignments::offered_by.eq(offer.offered_by),
            assignments::offered_at.eq(at),
            assignments::break_minutes.eq(0),
            assignments::updated_at.eq(at),
        ))
        .returning(assignments::id)
        .get_result(conn)?;
    assignments::table.find(id).first(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<AssignmentRow>> {
    assignments::table.find(id).first(conn).optional()
}

/// The volunteer's live assignments other than on `except_activity` (eligibility input).
pub fn live_of_volunteer(
    conn: &mut DbConn,
    volunteer_id: i64,
    except_activity: i64,
) -> QueryResult<Vec<AssignmentRow>> {
    assignments::table
        .filter(assignments::volunteer_id.eq(volunteer_id))
        .filter(assignments::status.eq_any(LIVE))
        .filter(assignments::activity_id.ne(except_activity))
        .load(conn)
}

pub fn live_on_activity(conn: &mut DbConn, activity_id: i64) -> QueryResult<Vec<AssignmentRow>> {
    assignments::table
        .filter(assignments::activity_id.eq(activity_id))
        .filter(assignments::status.eq_any(LIVE))
        .load(conn)
}

/// `(activity id, volunteer id)` of every live assignment on `activity_ids`.
pub fn live_pairs_on(conn: &mut DbConn, activity_ids: &[i64]) -> QueryResult<Vec<(i64, i64)>> {
    assignments::table
        .filter(assignments::activity_id.eq_any(activity_ids))
        .filter(assignments::status.eq_any(LIVE))
        .select((assignments::activity_id, assignments::volunteer_id))
        .load(conn)
}

/// Ids of activities the volunteer has (or had) an assignment on.
pub fn activity_ids_of_volunteer(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<Vec<i64>> {
    assignments::table
        .filter(assignments::volunteer_id.eq(volunteer_id))
        .select(assignments::activity_id)
        .load(conn)
}

/// The set of timestamp columns a transition writes.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = assignments)]
pub struct TransitionStamp {
    pub responded_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub checked_in_at: Option<NaiveDateTime>,
    pub checked_out_at: Option<NaiveDateTime>,
    pub break_minutes: Option<i32>,
    pub verified_at: Option<NaiveDateTime>,
    pub verified_by: Option<i64>,
}

impl TransitionStamp {
    /// Whether the transition writes no timestamp (a no-show): diesel refuses an empty SET.
    fn is_empty(&self) -> bool {
        self.responded_at.is_none()
            && self.withdrawn_at.is_none()
            && self.cancelled_at.is_none()
            && self.cancel_reason.is_none()
            && self.checked_in_at.is_none()
            && self.checked_out_at.is_none()
            && self.break_minutes.is_none()
            && self.verified_at.is_none()
            && self.verified_by.is_none()
    }
}

/// Moves an assignment from `from` to `to` (compare-and-set); `false` if it had moved on.
pub fn transition(
    conn: &mut DbConn,
    id: i64,
    from: &str,
    to: &str,
    stamp: &TransitionStamp,
) -> QueryResult<bool> {
    let changed = diesel::update(
        assignments::table
            .filter(assignments::id.eq(id))
            .filter(assignments::status.eq(from)),
    )
    .set((
        assignments::status.eq(to),
        assignments::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if changed == 1 && !stamp.is_empty() {
        diesel::update(assignments::table.find(id))
            .set(stamp)
            .execute(conn)?;
    }
    Ok(changed == 1)
}

/// Marks a completed assignment verified; `false` if it was verified already.
pub fn mark_verified(conn: &mut DbConn, id: i64, by: i64) -> QueryResult<bool> {
    let changed = diesel::update(
        assignments::table
            .filter(assignments::id.eq(id))
            // A volunteer who withdrew after checking in served until the withdrawal (ACT-04).
            .filter(assignments::status.eq_any(["completed", "withdrawn"]))
            .filter(assignments::checked_out_at.is_not_null())
            .filter(assignments::verified_at.is_null()),
    )
    .set((
        assignments::verified_at.eq(now()),
        assignments::verified_by.eq(by),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

#[derive(Debug, Default)]
pub struct AssignmentFilter {
    pub subtree: Option<String>,
    pub volunteer_id: Option<i64>,
    pub activity_id: Option<i64>,
    pub status: Option<String>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn list(conn: &mut DbConn, f: &AssignmentFilter) -> QueryResult<Vec<AssignmentRow>> {
    let mut q = assignments::table.into_boxed();
    if let Some(path) = &f.subtree {
        let (lo, hi) = subtree_bounds(path);
        q = q.filter(
            assignments::org_path
                .ge(lo)
                .and(assignments::org_path.lt(hi)),
        );
    }
    if let Some(v) = f.volunteer_id {
        q = q.filter(assignments::volunteer_id.eq(v));
    }
    if let Some(a) = f.activity_id {
        q = q.filter(assignments::activity_id.eq(a));
    }
    if let Some(s) = &f.status {
        q = q.filter(assignments::status.eq(s.clone()));
    }
    if let Some(after) = f.after_id {
        q = q.filter(assignments::id.gt(after));
    }
    q.order(assignments::id).limit(f.limit + 1).load(conn)
}

/// `(completed, no_show)` counts of a volunteer (reliability in matching).
pub fn outcome_counts(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<(u32, u32)> {
    let count = |conn: &mut DbConn, status: &str| -> QueryResult<i64> {
        assignments::table
            .filter(assignments::volunteer_id.eq(volunteer_id))
            .filter(assignments::status.eq(status.to_string()))
            .count()
            .get_result(conn)
    };
    let completed = count(conn, "completed")?;
    let no_show = count(conn, "no_show")?;
    Ok((completed as u32, no_show as u32))
}

/// ACT-09 (b): records that a party asked for a written agreement (the first request counts).
pub fn request_agreement(conn: &mut DbConn, id: i64, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        assignments::table
            .find(id)
            .filter(assignments::agreement_requested_at.is_null()),
    )
    .set((
        assignments::agreement_requested_at.eq(at),
        assignments::updated_at.eq(at),
    ))
    .execute(conn)
}

/// ACT-09: an agreement is in force once both sides have signed it.
pub fn has_agreement(conn: &mut DbConn, assignment_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        agreements::table
            .filter(agreements::assignment_id.eq(assignment_id))
            .filter(agreements::organiser_signed_at.is_not_null())
            .filter(agreements::volunteer_signed_at.is_not_null()),
    ))
    .get_result(conn)
}

/// Which side signs an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signatory {
    Organiser,
    Volunteer,
}

/// What a signature did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signing {
    /// The terms are recorded, signed by this side; the other side is yet to sign.
    Proposed,
    /// This side signed the terms the other side recorded: the agreement is in force.
    Countersigned,
    /// This side has signed already.
    AlreadySigned,
    /// The other side recorded different terms.
    TermsDiffer,
}

fn same_terms(row: &AgreementTermsRow, t: &AgreementTerms) -> bool {
    (
        row.0.as_str(),
        row.1.as_str(),
        row.2.as_str(),
        row.3.as_str(),
        row.4.as_str(),
        row.5.as_str(),
    ) == (
        t.content_time_place.trim(),
        t.rights_and_duties.trim(),
        t.risk_protection.trim(),
        t.modification_termination.trim(),
        t.liability_disputes.trim(),
        t.other_matters.trim(),
    )
}

type AgreementTermsRow = (String, String, String, String, String, String);

/// Records `t` signed by one side, or countersigns the other side's identical terms.
pub fn sign_agreement(
    conn: &mut DbConn,
    assignment_id: i64,
    t: &AgreementTerms,
    side: Signatory,
    user_id: i64,
) -> QueryResult<Signing> {
    let existing: Option<(
        AgreementTermsRow,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    )> = agreements::table
        .filter(agreements::assignment_id.eq(assignment_id))
        .select((
            (
                agreements::content_time_place,
                agreements::rights_and_duties,
                agreements::risk_protection,
                agreements::modification_termination,
                agreements::liability_disputes,
                agreements::other_matters,
            ),
            agreements::organiser_signed_at,
            agreements::volunteer_signed_at,
        ))
        .first(conn)
        .optional()?;
    let Some((terms, organiser_at, volunteer_at)) = existing else {
        let at = now();
        let (organiser_at, organiser_by, volunteer_at) = match side {
            Signatory::Organiser => (Some(at), Some(user_id), None),
            Signatory::Volunteer => (None, None, Some(at)),
        };
        diesel::insert_into(agreements::table)
            .values((
                agreements::assignment_id.eq(assignment_id),
                agreements::content_time_place.eq(t.content_time_place.trim()),
                agreements::rights_and_duties.eq(t.rights_and_duties.trim()),
                agreements::risk_protection.eq(t.risk_protection.trim()),
                agreements::modification_termination.eq(t.modification_termination.trim()),
                agreements::liability_disputes.eq(t.liability_disputes.trim()),
                agreements::other_matters.eq(t.other_matters.trim()),
                agreements::recorded_by.eq(user_id),
                agreements::signed_at.eq(at),
                agreements::organiser_signed_by.eq(organiser_by),
                agreements::organiser_signed_at.eq(organiser_at),
                agreements::volunteer_signed_at.eq(volunteer_at),
            ))
            .execute(conn)?;
        return Ok(Signing::Proposed);
    };
    let signed = match side {
        Signatory::Organiser => organiser_at.is_some(),
        Signatory::Volunteer => volunteer_at.is_some(),
    };
    if signed {
        return Ok(Signing::AlreadySigned);
    }
    if !same_terms(&terms, t) {
        return Ok(Signing::TermsDiffer);
    }
    let target = agreements::table.filter(agreements::assignment_id.eq(assignment_id));
    match side {
        Signatory::Organiser => diesel::update(target)
            .set((
                agreements::organiser_signed_at.eq(Some(now())),
                agreements::organiser_signed_by.eq(Some(user_id)),
            ))
            .execute(conn)?,
        Signatory::Volunteer => diesel::update(target)
            .set(agreements::volunteer_signed_at.eq(Some(now())))
            .execute(conn)?,
    };
    Ok(Signing::Countersigned)
}
