//! The candidate pool of an activity and, in bulk, everything ranking reads about its members.
//!
//! `pool` is the one place where the database decides who is considered for an activity: the
//! hard filters it can judge on indexes run here, so a new exclusion (e.g. withdrawn consent)
//! is one more `.filter` in it. `profiles` then loads every part of every member's snapshot
//! in a fixed number of queries per `CHUNK` ids, never one query per volunteer.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::sum;
use diesel::prelude::*;

use super::schema::{
    assignments, courses, guardian_consents, insurance_policies, qualifications, service_records,
    training_certificates, volunteer_availability, volunteer_blackouts, volunteer_languages,
    volunteer_skills, volunteer_target_groups, volunteers,
};
use super::volunteers::{VolunteerFilter, filtered};
use super::{DbConn, assignments::LIVE};
use crate::domain::training::CourseCategory;
use crate::domain::volunteer::VolunteerStatus;

/// Ids per `IN (…)` list: far below SQLite's and PostgreSQL's bind-parameter limits.
const CHUNK: usize = 10_000;

/// The columns of a volunteer that eligibility and ranking read (no personal data to decrypt).
#[derive(Debug, Clone, Queryable)]
pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub status: VolunteerStatus,
    pub birth_date: NaiveDate,
    pub own_income: bool,
    pub home_region_code: String,
    pub fitness_level: i32,
    pub weekly_cap_minutes: Option<i32>,
    pub background_check_passed_on: Option<NaiveDate>,
}

/// Every volunteer `f` selects (reach and hard filters), by id, without a cap.
pub fn pool(conn: &mut DbConn, f: &VolunteerFilter) -> QueryResult<Vec<CandidateRow>> {
    filtered(conn, f)?
        .select((
            volunteers::id,
            volunteers::name,
            volunteers::status,
            volunteers::birth_date,
            volunteers::own_income,
            volunteers::home_region_code,
            volunteers::fitness_level,
            volunteers::weekly_cap_minutes,
            volunteers::background_check_passed_on,
        ))
        .order(volunteers::id)
        .load(conn)
}

/// A certificate as eligibility reads it.
#[derive(Debug, Clone, Queryable)]
pub struct HeldCertificate {
    pub course_id: i64,
    pub category: CourseCategory,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A live assignment (offered, confirmed or checked in).
#[derive(Debug, Clone, Copy, Queryable)]
pub struct LiveAssignment {
    pub activity_id: i64,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

/// One volunteer's snapshot parts and history.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub skills: Vec<(String, i32)>,
    pub languages: Vec<String>,
    /// `(ISO weekday, start minute, end minute)`.
    pub availability: Vec<(i32, i32, i32)>,
    pub blackouts: Vec<(NaiveDate, NaiveDate)>,
    pub target_groups: Vec<String>,
    /// A guardian consent covering activities and not withdrawn.
    pub guardian_activity_consent: bool,
    pub policies: Vec<(NaiveDate, NaiveDate)>,
    pub certificates: Vec<HeldCertificate>,
    /// `(code, expires on)`.
    pub qualifications: Vec<(String, Option<NaiveDate>)>,
    /// On every activity; callers drop the one being ranked.
    pub live: Vec<LiveAssignment>,
    pub recent_minutes: i64,
    pub completed: u32,
    pub no_shows: u32,
    /// Evaluations of the volunteer's service and the sum of their `rating − 1`.
    pub evaluations: u32,
    pub evaluation_points: u32,
}

/// The profiles of `ids` (absent ids get an empty profile). Minutes count verified service
/// records that started at or after `since`.
pub fn profiles(
    conn: &mut DbConn,
    ids: &[i64],
    since: NaiveDateTime,
) -> QueryResult<HashMap<i64, Profile>> {
    let mut out: HashMap<i64, Profile> = HashMap::with_capacity(ids.len());
    for &id in ids {
        out.entry(id).or_default();
    }
    for chunk in ids.chunks(CHUNK) {
        load_chunk(conn, chunk, since, &mut out)?;
    }
    Ok(out)
}

fn load_chunk(
    conn: &mut DbConn,
    ids: &[i64],
    since: NaiveDateTime,
    out: &mut HashMap<i64, Profile>,
) -> QueryResult<()> {
    let rows: Vec<(i64, String, i32)> = volunteer_skills::table
        .filter(volunteer_skills::volunteer_id.eq_any(ids))
        .order((volunteer_skills::volunteer_id, volunteer_skills::skill_code))
        .select((
            volunteer_skills::volunteer_id,
            volunteer_skills::skill_code,
            volunteer_skills::level,
        ))
        .load(conn)?;
    for (id, code, level) in rows {
        out.entry(id).or_default().skills.push((code, level));
    }
    let rows: Vec<(i64, String)> = volunteer_languages::table
        .filter(volunteer_languages::volunteer_id.eq_any(ids))
        .order((
            volunteer_languages::volunteer_id,
            volunteer_languages::language_code,
        ))
        .select((
            volunteer_languages::volunteer_id,
            volunteer_languages::language_code,
        ))
        .load(conn)?;
    for (id, code) in rows {
        out.entry(id).or_default().languages.push(code);
    }
    let rows: Vec<(i64, i32, i32, i32)> = volunteer_availability::table
        .filter(volunteer_availability::volunteer_id.eq_any(ids))
        .order((
            volunteer_availability::volunteer_id,
            volunteer_availability::weekday,
            volunteer_availability::start_minute,
        ))
        .select((
            volunteer_availability::volunteer_id,
            volunteer_availability::weekday,
            volunteer_availability::start_minute,
            volunteer_availability::end_minute,
        ))
        .load(conn)?;
    for (id, day, from, until) in rows {
        out.entry(id)
            .or_default()
            .availability
            .push((day, from, until));
    }
    let rows: Vec<(i64, NaiveDate, NaiveDate)> = volunteer_blackouts::table
        .filter(volunteer_blackouts::volunteer_id.eq_any(ids))
        .order((
            volunteer_blackouts::volunteer_id,
            volunteer_blackouts::starts_on,
        ))
        .select((
            volunteer_blackouts::volunteer_id,
            volunteer_blackouts::starts_on,
            volunteer_blackouts::ends_on,
        ))
        .load(conn)?;
    for (id, from, to) in rows {
        out.entry(id).or_default().blackouts.push((from, to));
    }
    let rows: Vec<(i64, String)> = volunteer_target_groups::table
        .filter(volunteer_target_groups::volunteer_id.eq_any(ids))
        .order((
            volunteer_target_groups::volunteer_id,
            volunteer_target_groups::target_group_code,
        ))
        .load(conn)?;
    for (id, group) in rows {
        out.entry(id).or_default().target_groups.push(group);
    }
    let rows: Vec<i64> = guardian_consents::table
        .filter(guardian_consents::volunteer_id.eq_any(ids))
        .filter(guardian_consents::covers_activities.eq(true))
        .filter(guardian_consents::withdrawn_at.is_null())
        .select(guardian_consents::volunteer_id)
        .load(conn)?;
    for id in rows {
        out.entry(id).or_default().guardian_activity_consent = true;
    }
    let rows: Vec<(i64, NaiveDate, NaiveDate)> = insurance_policies::table
        .filter(insurance_policies::volunteer_id.eq_any(ids))
        .order((insurance_policies::volunteer_id, insurance_policies::id))
        .select((
            insurance_policies::volunteer_id,
            insurance_policies::valid_from,
            insurance_policies::valid_to,
        ))
        .load(conn)?;
    for (id, from, to) in rows {
        out.entry(id).or_default().policies.push((from, to));
    }
    let rows: Vec<(i64, HeldCertificate)> = training_certificates::table
        .inner_join(courses::table)
        .filter(training_certificates::volunteer_id.eq_any(ids))
        .order((
            training_certificates::volunteer_id,
            training_certificates::id,
        ))
        .select((
            training_certificates::volunteer_id,
            (
                training_certificates::course_id,
                courses::category,
                training_certificates::issued_on,
                training_certificates::expires_on,
                training_certificates::revoked_at,
            ),
        ))
        .load(conn)?;
    for (id, c) in rows {
        out.entry(id).or_default().certificates.push(c);
    }
    let rows: Vec<(i64, String, Option<NaiveDate>)> = qualifications::table
        .filter(qualifications::volunteer_id.eq_any(ids))
        .order((qualifications::volunteer_id, qualifications::id))
        .select((
            qualifications::volunteer_id,
            qualifications::code,
            qualifications::expires_on,
        ))
        .load(conn)?;
    for (id, code, expires_on) in rows {
        out.entry(id)
            .or_default()
            .qualifications
            .push((code, expires_on));
    }
    let rows: Vec<(i64, LiveAssignment)> = assignments::table
        .filter(assignments::volunteer_id.eq_any(ids))
        .filter(assignments::status.eq_any(LIVE))
        .order((assignments::volunteer_id, assignments::id))
        .select((
            assignments::volunteer_id,
            (
                assignments::activity_id,
                assignments::starts_at,
                assignments::ends_at,
            ),
        ))
        .load(conn)?;
    for (id, live) in rows {
        out.entry(id).or_default().live.push(live);
    }
    let rows: Vec<(i64, Option<i64>)> = service_records::table
        .filter(service_records::volunteer_id.eq_any(ids))
        .filter(service_records::is_current.eq(true))
        .filter(service_records::started_at.ge(since))
        .group_by(service_records::volunteer_id)
        .select((service_records::volunteer_id, sum(service_records::minutes)))
        .load(conn)?;
    for (id, minutes) in rows {
        out.entry(id).or_default().recent_minutes = minutes.unwrap_or(0);
    }
    let rows: Vec<(i64, String)> = assignments::table
        .filter(assignments::volunteer_id.eq_any(ids))
        .filter(assignments::status.eq_any(["completed", "no_show"]))
        .select((assignments::volunteer_id, assignments::status))
        .load(conn)?;
    for (id, status) in rows {
        let p = out.entry(id).or_default();
        if status == "completed" {
            p.completed += 1;
        } else {
            p.no_shows += 1;
        }
    }
    for (id, (evaluations, points)) in super::recognition::evaluation_totals(conn, ids)? {
        let p = out.entry(id).or_default();
        p.evaluations = evaluations;
        p.evaluation_points = points;
    }
    Ok(())
}
