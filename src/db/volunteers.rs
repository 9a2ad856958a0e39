//! The volunteer registry: records, profile parts, guardian consents, insurance, search.

use crate::domain::volunteer::Proficiency;
use crate::domain::volunteer::VolunteerStatus;
use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::not;
use diesel::prelude::*;

use super::schema::{
    applications, assignments, enrollments, guardian_consents, insurance_policies,
    matching_consents, personal_data_requests, privacy_consents, privacy_withdrawals, recruitments,
    training_sessions, volunteer_availability, volunteer_blackouts, volunteer_languages,
    volunteer_number_counters, volunteer_skills, volunteer_target_groups, volunteers,
};
use super::{DbConn, bulk_insert, now, subtree_bounds};

#[derive(Debug, Clone, Queryable)]
pub struct VolunteerRow {
    pub id: i64,
    pub volunteer_number: Option<String>,
    pub status: VolunteerStatus,
    pub status_reason: Option<String>,
    pub organization_id: i64,
    pub org_path: String,
    pub name: String,
    pub name_enc: String,
    pub id_type: String,
    pub id_number_enc: Option<String>,
    pub id_number_masked: String,
    pub id_hash: Option<String>,
    pub birth_date: NaiveDate,
    /// `None` for an under-14 (PI-01: only in `volunteer_protected_fields`).
    pub sex: Option<String>,
    pub mobile_enc: Option<String>,
    pub mobile_masked: String,
    pub email_enc: Option<String>,
    pub home_region_code: String,
    pub fitness_level: i32,
    pub weekly_cap_minutes: Option<i32>,
    pub own_income: bool,
    pub background_check_passed_on: Option<NaiveDate>,
    pub attested_at: NaiveDateTime,
    pub privacy_consent_version: String,
    pub minors_policy_version: Option<String>,
    pub activation_code_hash: Option<String>,
    pub activation_expires_at: Option<NaiveDateTime>,
    pub anonymised_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// What a list page or an export shows of a volunteer: masked and plain columns only. The
/// encrypted columns, hashes and activation data stay in the database (a page of 50 full
/// rows moved about three times the bytes, for nothing a masked view shows).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = volunteers)]
pub struct VolunteerListing {
    pub id: i64,
    pub volunteer_number: Option<String>,
    pub status: VolunteerStatus,
    pub organization_id: i64,
    pub org_path: String,
    pub name: String,
    pub id_type: String,
    pub id_number_masked: String,
    pub birth_date: NaiveDate,
    pub sex: Option<String>,
    pub mobile_masked: String,
    pub home_region_code: String,
    pub created_at: NaiveDateTime,
}

/// A new record, personal fields already encrypted and masked by the caller. `None` means
/// NULL (not DEFAULT), so a batch of rows is one multi-row INSERT on SQLite too.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = volunteers, treat_none_as_default_value = false)]
pub struct NewVolunteerRow {
    pub volunteer_number: Option<String>,
    pub status: String,
    pub organization_id: i64,
    pub org_path: String,
    pub name: String,
    pub name_enc: String,
    pub id_type: String,
    pub id_number_enc: Option<String>,
    pub id_number_masked: String,
    pub id_hash: Option<String>,
    pub birth_date: NaiveDate,
    /// `None` for an under-14 (PI-01: only in `volunteer_protected_fields`).
    pub sex: Option<String>,
    pub mobile_enc: Option<String>,
    pub mobile_masked: String,
    pub email_enc: Option<String>,
    pub home_region_code: String,
    pub attested_at: NaiveDateTime,
    pub privacy_consent_version: String,
    pub minors_policy_version: Option<String>,
    pub activation_code_hash: Option<String>,
    pub activation_expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = volunteer_skills, treat_none_as_default_value = false)]
pub struct SkillRow {
    pub volunteer_id: i64,
    pub skill_code: String,
    pub level: i32,
}

#[derive(Debug, Clone, Insertable, Queryable)]
#[diesel(table_name = volunteer_languages, treat_none_as_default_value = false)]
pub struct LanguageRow {
    pub volunteer_id: i64,
    pub language_code: String,
    pub proficiency: String,
}

#[derive(Debug, Clone, Queryable)]
pub struct AvailabilityRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub weekday: i32,
    pub start_minute: i32,
    pub end_minute: i32,
}

#[derive(Debug, Clone, Queryable)]
pub struct BlackoutRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, Queryable)]
pub struct GuardianConsentRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub guardian_name_enc: Option<String>,
    /// Only in rows stored before guardian data was encrypted and not yet re-encrypted.
    pub relationship: Option<String>,
    pub guardian_id_type: String,
    pub guardian_id_enc: Option<String>,
    pub guardian_id_masked: String,
    pub guardian_mobile_enc: Option<String>,
    pub guardian_mobile_masked: String,
    pub covers_registration: bool,
    pub covers_activities: bool,
    pub method: String,
    pub consented_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub relationship_enc: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = guardian_consents)]
pub struct NewGuardianConsentRow {
    pub volunteer_id: i64,
    pub guardian_name_enc: Option<String>,
    /// Only in rows stored before guardian data was encrypted and not yet re-encrypted.
    pub relationship: Option<String>,
    pub guardian_id_type: String,
    pub guardian_id_enc: Option<String>,
    pub guardian_id_masked: String,
    pub guardian_mobile_enc: Option<String>,
    pub guardian_mobile_masked: String,
    pub covers_registration: bool,
    pub covers_activities: bool,
    pub method: String,
    pub consented_at: NaiveDateTime,
    pub recorded_by: Option<i64>,
    pub relationship_enc: Option<String>,
}

#[derive(Debug, Clone, Queryable)]
pub struct InsurancePolicyRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub insurer: String,
    pub policy_number: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub recorded_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// Everything a full volunteer view shows besides the record itself.
#[derive(Debug, Clone, Default)]
pub struct VolunteerParts {
    pub skills: Vec<(String, i32)>,
    pub languages: Vec<(String, Proficiency)>,
    pub availability: Vec<AvailabilityRow>,
    pub blackouts: Vec<BlackoutRow>,
    pub target_groups: Vec<String>,
    pub consents: Vec<GuardianConsentRow>,
    pub policies: Vec<InsurancePolicyRow>,
    pub matching_consent: Option<super::consents::MatchingConsentRow>,
    /// An under-14's encrypted exact fields (PI-01).
    pub protected: Option<super::privacy::ProtectedFieldsRow>,
    /// Highest granted star level (STAR-02), 0 when none was awarded.
    pub stars: i32,
    /// Who recorded the attestation (REG-09); `None` for registrations from before it was kept.
    pub attestation: Option<AttestationRow>,
}

pub fn insert(conn: &mut DbConn, row: &NewVolunteerRow) -> QueryResult<i64> {
    diesel::insert_into(volunteers::table)
        .values(row)
        .returning(volunteers::id)
        .get_result(conn)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<VolunteerRow>> {
    volunteers::table.find(id).first(conn).optional()
}

/// The volunteers of `ids` that exist, in id order.
pub fn find_many(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<VolunteerRow>> {
    volunteers::table
        .filter(volunteers::id.eq_any(ids))
        .order(volunteers::id)
        .load(conn)
}

/// Whether any volunteer is registered at all (the demo data goes into an empty database).
pub fn any_exist(conn: &mut DbConn) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        volunteers::table.select(volunteers::id),
    ))
    .get_result(conn)
}

pub fn exists_with_hash(conn: &mut DbConn, id_hash: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        volunteers::table.filter(volunteers::id_hash.eq(id_hash)),
    ))
    .get_result(conn)
}

/// The registration holding this ID number (blind index): id, organisation, org path.
pub fn find_by_hash(conn: &mut DbConn, id_hash: &str) -> QueryResult<Option<(i64, i64, String)>> {
    volunteers::table
        .filter(volunteers::id_hash.eq(id_hash))
        .select((
            volunteers::id,
            volunteers::organization_id,
            volunteers::org_path,
        ))
        .first(conn)
        .optional()
}

/// Frees the ID number of a registration found to be someone else's (an upheld identity
/// dispute), so that the rightful person can be registered with it.
pub fn release_id_number(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(volunteers::table.find(id))
        .set((
            volunteers::id_hash.eq(None::<String>),
            volunteers::updated_at.eq(now()),
            volunteers::version.eq(volunteers::version + 1),
        ))
        .execute(conn)
}

/// Which of `hashes` are already registered.
pub fn existing_hashes(conn: &mut DbConn, hashes: &[String]) -> QueryResult<HashSet<String>> {
    let found: Vec<Option<String>> = volunteers::table
        .filter(volunteers::id_hash.eq_any(hashes))
        .select(volunteers::id_hash)
        .load(conn)?;
    Ok(found.into_iter().flatten().collect())
}

/// Inserts many records at once; returns their ids keyed by `id_hash`.
pub fn insert_many(
    conn: &mut DbConn,
    rows: &[NewVolunteerRow],
) -> QueryResult<HashMap<String, i64>> {
    let returned: Vec<(i64, Option<String>)> = match conn {
        // One multi-row INSERT … RETURNING.
        DbConn::Sqlite(c) => diesel::insert_into(volunteers::table)
            .values(rows)
            .returning((volunteers::id, volunteers::id_hash))
            .get_results(c)?,
        // COPY returns nothing: read the new ids back through the unique blind index.
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => {
            diesel::copy_from(volunteers::table)
                .from_insertable(rows)
                .execute(c)?;
            let hashes: Vec<&str> = rows.iter().filter_map(|r| r.id_hash.as_deref()).collect();
            volunteers::table
                .filter(volunteers::id_hash.eq_any(hashes))
                .select((volunteers::id, volunteers::id_hash))
                .load(c)?
        }
    };
    Ok(returned
        .into_iter()
        .filter_map(|(id, hash)| hash.map(|h| (h, id)))
        .collect())
}

pub fn insert_skill_rows(conn: &mut DbConn, rows: &[SkillRow]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    bulk_insert!(conn, volunteer_skills::table, rows)
}

pub fn insert_language_rows(conn: &mut DbConn, rows: &[LanguageRow]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    bulk_insert!(conn, volunteer_languages::table, rows)
}

/// Reserves `count` consecutive volunteer-number sequence values for a province; returns
/// the first. Write-first (the UPDATE locks the counter row), so concurrent reservations
/// never overlap.
pub fn reserve_numbers(conn: &mut DbConn, province: &str, count: i64) -> QueryResult<i64> {
    let updated = diesel::update(
        volunteer_number_counters::table.filter(volunteer_number_counters::province.eq(province)),
    )
    .set(volunteer_number_counters::next_value.eq(volunteer_number_counters::next_value + count))
    .execute(conn)?;
    if updated == 0 {
        return Err(diesel::result::Error::NotFound);
    }
    let next: i64 = volunteer_number_counters::table
        .find(province)
        .select(volunteer_number_counters::next_value)
        .first(conn)?;
    Ok(next - count)
}

pub fn set_number(conn: &mut DbConn, id: i64, number: &str) -> QueryResult<usize> {
    diesel::update(volunteers::table.find(id))
        .set(volunteers::volunteer_number.eq(number))
        .execute(conn)
}

pub fn replace_skills(conn: &mut DbConn, id: i64, skills: &[(String, i32)]) -> QueryResult<()> {
    diesel::delete(volunteer_skills::table.filter(volunteer_skills::volunteer_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<SkillRow> = skills
        .iter()
        .map(|(code, level)| SkillRow {
            volunteer_id: id,
            skill_code: code.clone(),
            level: *level,
        })
        .collect();
    insert_skill_rows(conn, &rows)?;
    Ok(())
}

pub fn replace_languages(
    conn: &mut DbConn,
    id: i64,
    languages: &[(String, String)],
) -> QueryResult<()> {
    diesel::delete(volunteer_languages::table.filter(volunteer_languages::volunteer_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<LanguageRow> = languages
        .iter()
        .map(|(code, proficiency)| LanguageRow {
            volunteer_id: id,
            language_code: code.clone(),
            proficiency: proficiency.clone(),
        })
        .collect();
    insert_language_rows(conn, &rows)?;
    Ok(())
}

/// Replaces weekly windows `(weekday, start_minute, end_minute)` and blackout ranges.
pub fn replace_availability(
    conn: &mut DbConn,
    id: i64,
    windows: &[(i32, i32, i32)],
    blackouts: &[(NaiveDate, NaiveDate)],
) -> QueryResult<()> {
    diesel::delete(
        volunteer_availability::table.filter(volunteer_availability::volunteer_id.eq(id)),
    )
    .execute(conn)?;
    diesel::delete(volunteer_blackouts::table.filter(volunteer_blackouts::volunteer_id.eq(id)))
        .execute(conn)?;
    for (weekday, start, end) in windows {
        diesel::insert_into(volunteer_availability::table)
            .values((
                volunteer_availability::volunteer_id.eq(id),
                volunteer_availability::weekday.eq(weekday),
                volunteer_availability::start_minute.eq(start),
                volunteer_availability::end_minute.eq(end),
            ))
            .execute(conn)?;
    }
    for (from, to) in blackouts {
        diesel::insert_into(volunteer_blackouts::table)
            .values((
                volunteer_blackouts::volunteer_id.eq(id),
                volunteer_blackouts::starts_on.eq(from),
                volunteer_blackouts::ends_on.eq(to),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn replace_target_groups(conn: &mut DbConn, id: i64, groups: &[String]) -> QueryResult<()> {
    diesel::delete(
        volunteer_target_groups::table.filter(volunteer_target_groups::volunteer_id.eq(id)),
    )
    .execute(conn)?;
    for group in groups {
        diesel::insert_into(volunteer_target_groups::table)
            .values((
                volunteer_target_groups::volunteer_id.eq(id),
                volunteer_target_groups::target_group_code.eq(group),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn set_background_check(
    conn: &mut DbConn,
    id: i64,
    passed_on: Option<NaiveDate>,
) -> QueryResult<usize> {
    diesel::update(volunteers::table.find(id))
        .set(volunteers::background_check_passed_on.eq(passed_on))
        .execute(conn)
}

pub fn insert_consent(conn: &mut DbConn, row: &NewGuardianConsentRow) -> QueryResult<i64> {
    diesel::insert_into(guardian_consents::table)
        .values(row)
        .returning(guardian_consents::id)
        .get_result(conn)
}

pub fn insert_policy(
    conn: &mut DbConn,
    volunteer_id: i64,
    insurer: &str,
    policy_number: &str,
    valid: (NaiveDate, NaiveDate),
    recorded_by: i64,
) -> QueryResult<i64> {
    diesel::insert_into(insurance_policies::table)
        .values((
            insurance_policies::volunteer_id.eq(volunteer_id),
            insurance_policies::insurer.eq(insurer),
            insurance_policies::policy_number.eq(policy_number),
            insurance_policies::valid_from.eq(valid.0),
            insurance_policies::valid_to.eq(valid.1),
            insurance_policies::recorded_by.eq(recorded_by),
            insurance_policies::created_at.eq(now()),
        ))
        .returning(insurance_policies::id)
        .get_result(conn)
}

/// `(skill code, level)` per volunteer id.
pub type SkillsById = HashMap<i64, Vec<(String, i32)>>;
/// `(language code, proficiency)` per volunteer id.
pub type LanguagesById = HashMap<i64, Vec<(String, Proficiency)>>;

/// Skills and languages of many volunteers at once (for list pages).
pub fn skills_and_languages(
    conn: &mut DbConn,
    ids: &[i64],
) -> QueryResult<(SkillsById, LanguagesById)> {
    let mut skills = SkillsById::new();
    let rows: Vec<(i64, String, i32)> = volunteer_skills::table
        .filter(volunteer_skills::volunteer_id.eq_any(ids))
        .order((volunteer_skills::volunteer_id, volunteer_skills::skill_code))
        .load(conn)?;
    for (id, code, level) in rows {
        skills.entry(id).or_default().push((code, level));
    }
    let mut languages = LanguagesById::new();
    // The proficiency is read as the domain type: an unknown level fails the read, naming it.
    let rows: Vec<(i64, String, Proficiency)> = volunteer_languages::table
        .filter(volunteer_languages::volunteer_id.eq_any(ids))
        .order((
            volunteer_languages::volunteer_id,
            volunteer_languages::language_code,
        ))
        .select((
            volunteer_languages::volunteer_id,
            volunteer_languages::language_code,
            volunteer_languages::proficiency,
        ))
        .load(conn)?;
    for (id, code, proficiency) in rows {
        languages.entry(id).or_default().push((code, proficiency));
    }
    Ok((skills, languages))
}

pub use super::volunteer_parts::parts;

pub fn guardian_consents_of(conn: &mut DbConn, id: i64) -> QueryResult<Vec<GuardianConsentRow>> {
    guardian_consents::table
        .filter(guardian_consents::volunteer_id.eq(id))
        .order(guardian_consents::id)
        .load(conn)
}

pub fn insurance_policies_of(conn: &mut DbConn, id: i64) -> QueryResult<Vec<InsurancePolicyRow>> {
    insurance_policies::table
        .filter(insurance_policies::volunteer_id.eq(id))
        .order(insurance_policies::id)
        .load(conn)
}

#[derive(Debug, Default, Clone, PartialEq, Eq, Hash)]
pub struct VolunteerFilter {
    /// Caller's reach: a subtree root, or exactly one volunteer.
    pub subtree: Option<String>,
    /// HRS-06, for coordinators: inside `subtree` (their province), volunteers registered
    /// outside this narrower subtree (their own) count only when they consented to
    /// province-wide matching or hold a live application, enrolment or assignment in it.
    pub open_to: Option<String>,
    pub only_id: Option<i64>,
    /// `organization_id` filter, as that organisation's path (its subtree).
    pub organization_path: Option<String>,
    pub status: Option<String>,
    /// `(code, minimum level)`; all must hold.
    pub skills: Vec<(String, i32)>,
    /// All must be spoken.
    pub languages: Vec<String>,
    /// Inclusive range of 6-digit region codes.
    pub region_range: Option<(String, String)>,
    pub name_prefix: Option<String>,
    /// `(date, ISO weekday)`: has a window that weekday (or no windows at all), no blackout.
    pub available_on: Option<(NaiveDate, i32)>,
    /// PI-02: only volunteers who may be put forward to organisers (candidates, plans):
    /// consent not withdrawn, and given to the matching notice in force if one asked for it.
    pub candidate_pool: bool,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn search(conn: &mut DbConn, f: &VolunteerFilter) -> QueryResult<Vec<VolunteerListing>> {
    let walk_ids = matches!(conn, DbConn::Sqlite(_)) && subtrees_are_large(conn, f)?;
    let mut q = filtered_with(conn, f, walk_ids)?;
    if let Some(after) = f.after_id {
        q = q.filter(volunteers::id.gt(after));
    }
    q.order(volunteers::id)
        .limit(f.limit + 1)
        .select(VolunteerListing::as_select())
        .load(conn)
}

/// Subtrees at least this large are paged by walking the primary key on SQLite.
const LARGE_SUBTREE: i64 = 5_000;

/// Whether every subtree `f` narrows to holds `LARGE_SUBTREE` volunteers or more (an index
/// probe that stops there). SQLite pages a subtree by reading it through the `org_path`
/// index and sorting all of it by id, even when the subtree is the whole table: 20,000 rows
/// sorted for a page of 50. For a large subtree, walking the primary key in id order finds a
/// page after a few rows; for a small one the index and a small sort stay cheaper.
fn subtrees_are_large(conn: &mut DbConn, f: &VolunteerFilter) -> QueryResult<bool> {
    let mut paths = [&f.subtree, &f.organization_path]
        .into_iter()
        .flatten()
        .peekable();
    if paths.peek().is_none() {
        return Ok(false);
    }
    for path in paths {
        let (lo, hi) = subtree_bounds(path);
        let beyond: Option<i64> = volunteers::table
            .filter(volunteers::org_path.ge(lo).and(volunteers::org_path.lt(hi)))
            .select(volunteers::id)
            .offset(LARGE_SUBTREE - 1)
            .limit(1)
            .get_result(conn)
            .optional()?;
        if beyond.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The volunteers `f` selects, before paging (`after_id`, `limit`): shared by the search and
/// the candidate pool (`db::candidates`).
pub(super) fn filtered<'a>(
    conn: &mut DbConn,
    f: &VolunteerFilter,
) -> QueryResult<volunteers::BoxedQuery<'a, super::MultiBackend>> {
    filtered_with(conn, f, false)
}

/// `filtered`; with `walk_ids`, the subtree test is written so that no index can serve it
/// (`org_path || ''`), which leaves the planner the primary key (see `subtrees_are_large`).
fn filtered_with<'a>(
    conn: &mut DbConn,
    f: &VolunteerFilter,
    walk_ids: bool,
) -> QueryResult<volunteers::BoxedQuery<'a, super::MultiBackend>> {
    let mut q = volunteers::table.into_boxed();
    for path in [&f.subtree, &f.organization_path].into_iter().flatten() {
        let (lo, hi) = subtree_bounds(path);
        q = if walk_ids {
            let unindexed = volunteers::org_path.concat("");
            q.filter(unindexed.ge(lo).and(unindexed.lt(hi)))
        } else {
            q.filter(volunteers::org_path.ge(lo).and(volunteers::org_path.lt(hi)))
        };
    }
    if let Some(id) = f.only_id {
        q = q.filter(volunteers::id.eq(id));
    }
    if let Some(own) = &f.open_to {
        let (lo, hi) = subtree_bounds(own);
        let in_own = |path: volunteers::org_path| path.ge(lo.clone()).and(path.lt(hi.clone()));
        q = q.filter(
            in_own(volunteers::org_path)
                .or(volunteers::id.eq_any(
                    matching_consents::table
                        .filter(matching_consents::withdrawn_at.is_null())
                        .select(matching_consents::volunteer_id),
                ))
                .or(volunteers::id.eq_any(
                    applications::table
                        .filter(applications::status.eq_any(["submitted", "accepted"]))
                        .filter(
                            applications::recruitment_id.eq_any(
                                recruitments::table
                                    .filter(recruitments::org_path.ge(lo.clone()))
                                    .filter(recruitments::org_path.lt(hi.clone()))
                                    .select(recruitments::id),
                            ),
                        )
                        .select(applications::volunteer_id),
                ))
                .or(volunteers::id.eq_any(
                    enrollments::table
                        .filter(enrollments::status.eq("enrolled"))
                        .filter(
                            enrollments::session_id.eq_any(
                                training_sessions::table
                                    .filter(training_sessions::org_path.ge(lo.clone()))
                                    .filter(training_sessions::org_path.lt(hi.clone()))
                                    .select(training_sessions::id),
                            ),
                        )
                        .select(enrollments::volunteer_id),
                ))
                .or(volunteers::id.eq_any(
                    assignments::table
                        .filter(assignments::status.eq_any(super::assignments::LIVE))
                        .filter(assignments::org_path.ge(lo.clone()))
                        .filter(assignments::org_path.lt(hi.clone()))
                        .select(assignments::volunteer_id),
                )),
        );
    }
    if let Some(status) = &f.status {
        q = q.filter(volunteers::status.eq(status.clone()));
    }
    for (code, level) in &f.skills {
        q = q.filter(
            volunteers::id.eq_any(
                volunteer_skills::table
                    .filter(volunteer_skills::skill_code.eq(code.clone()))
                    .filter(volunteer_skills::level.ge(*level))
                    .select(volunteer_skills::volunteer_id),
            ),
        );
    }
    for code in &f.languages {
        q = q.filter(
            volunteers::id.eq_any(
                volunteer_languages::table
                    .filter(volunteer_languages::language_code.eq(code.clone()))
                    .select(volunteer_languages::volunteer_id),
            ),
        );
    }
    if let Some((lo, hi)) = &f.region_range {
        q = q.filter(volunteers::home_region_code.between(lo.clone(), hi.clone()));
    }
    if let Some(prefix) = &f.name_prefix {
        // Byte order = code-point order in UTF-8, so this range is exactly "starts with".
        let upper = format!("{prefix}{}", char::MAX);
        q = q.filter(
            volunteers::name
                .ge(prefix.clone())
                .and(volunteers::name.lt(upper)),
        );
    }
    if let Some((date, weekday)) = f.available_on {
        q = q
            .filter(not(volunteers::id.eq_any(
                volunteer_blackouts::table
                    .filter(volunteer_blackouts::starts_on.le(date))
                    .filter(volunteer_blackouts::ends_on.ge(date))
                    .select(volunteer_blackouts::volunteer_id),
            )))
            .filter(
                volunteers::id
                    .eq_any(
                        volunteer_availability::table
                            .filter(volunteer_availability::weekday.eq(weekday))
                            .select(volunteer_availability::volunteer_id),
                    )
                    .or(not(volunteers::id.eq_any(
                        volunteer_availability::table.select(volunteer_availability::volunteer_id),
                    ))),
            );
    }
    if f.candidate_pool {
        q = q.filter(not(volunteers::id.eq_any(
            privacy_withdrawals::table.select(privacy_withdrawals::volunteer_id),
        )));
        if let Some(notices) = super::privacy::consent_notices_for(conn, "matching")? {
            q = q.filter(
                volunteers::id.eq_any(
                    privacy_consents::table
                        .filter(privacy_consents::event.eq("given"))
                        .filter(privacy_consents::notice_id.eq_any(notices))
                        .select(privacy_consents::volunteer_id),
                ),
            );
        }
    }
    Ok(q)
}

/// PI-02: whether the volunteer may be put forward to organisers — the candidate pool's
/// consent test (not withdrawn; fresh consent to the matching notice in force) for one person.
pub fn in_candidate_pool(conn: &mut DbConn, volunteer_id: i64) -> QueryResult<bool> {
    let filter = VolunteerFilter {
        only_id: Some(volunteer_id),
        candidate_pool: true,
        ..Default::default()
    };
    let found: i64 = filtered(conn, &filter)?.count().get_result(conn)?;
    Ok(found > 0)
}

/// Moves the record to `status`; bumps the version. `number` is set on first activation.
pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    reason: Option<&str>,
    number: Option<&str>,
) -> QueryResult<VolunteerRow> {
    diesel::update(volunteers::table.find(id))
        .set((
            volunteers::status.eq(status),
            volunteers::status_reason.eq(reason),
            volunteers::updated_at.eq(now()),
            volunteers::version.eq(volunteers::version + 1),
        ))
        .execute(conn)?;
    if let Some(number) = number {
        set_number(conn, id, number)?;
    }
    volunteers::table.find(id).first(conn)
}

/// Changes to the editable fields of a record (PATCH). `None` leaves a field alone.
#[derive(Debug, Default, Clone, AsChangeset)]
#[diesel(table_name = volunteers)]
pub struct VolunteerChanges {
    pub name: Option<String>,
    pub name_enc: Option<String>,
    pub mobile_enc: Option<String>,
    pub mobile_masked: Option<String>,
    pub email_enc: Option<Option<String>>,
    pub home_region_code: Option<String>,
    pub fitness_level: Option<i32>,
    pub weekly_cap_minutes: Option<Option<i32>>,
    pub own_income: Option<bool>,
}

/// Applies `changes` if the record is still at `expected_version` (optimistic concurrency).
/// Returns `false` when someone else changed it first.
pub fn update_if_version(
    conn: &mut DbConn,
    id: i64,
    expected_version: i32,
    changes: &VolunteerChanges,
) -> QueryResult<bool> {
    let target = volunteers::table
        .filter(volunteers::id.eq(id))
        .filter(volunteers::version.eq(expected_version));
    let bumped = diesel::update(target)
        .set((
            volunteers::version.eq(volunteers::version + 1),
            volunteers::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if bumped == 0 {
        return Ok(false);
    }
    // An all-`None` changeset is an error in diesel; skip it (the version still moves on).
    let has_changes = changes.name.is_some()
        || changes.mobile_enc.is_some()
        || changes.email_enc.is_some()
        || changes.home_region_code.is_some()
        || changes.fitness_level.is_some()
        || changes.weekly_cap_minutes.is_some()
        || changes.own_income.is_some();
    if has_changes {
        diesel::update(volunteers::table.find(id))
            .set(changes)
            .execute(conn)?;
    }
    Ok(true)
}

/// Bumps the version after a change to a profile part (skills, languages, availability…).
pub fn touch(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(volunteers::table.find(id))
        .set((
            volunteers::version.eq(volunteers::version + 1),
            volunteers::updated_at.eq(now()),
        ))
        .execute(conn)
}

/// Replaces a pending activation code's digest (an idempotent replay re-issues the code).
/// Touches nothing once the code was used or cleared: `0` then.
pub fn replace_activation(
    conn: &mut DbConn,
    id: i64,
    digest: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        volunteers::table
            .find(id)
            .filter(volunteers::activation_code_hash.is_not_null()),
    )
    .set((
        volunteers::activation_code_hash.eq(digest),
        volunteers::activation_expires_at.eq(expires_at),
    ))
    .execute(conn)
}

pub fn clear_activation(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    diesel::update(volunteers::table.find(id))
        .set((
            volunteers::activation_code_hash.eq(None::<String>),
            volunteers::activation_expires_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// MIN-08 / PI-06: erases contact details, the ID number and guardian data; keeps the masked
/// forms and the record (with its service totals) so issued certificates stay verifiable.
pub fn anonymise(
    conn: &mut DbConn,
    id: i64,
    masked_name: &str,
    masked_name_enc: &str,
) -> QueryResult<()> {
    let at = now();
    diesel::update(volunteers::table.find(id))
        .set((
            volunteers::name.eq(masked_name),
            volunteers::name_enc.eq(masked_name_enc),
            volunteers::id_number_enc.eq(None::<String>),
            volunteers::id_hash.eq(None::<String>),
            volunteers::mobile_enc.eq(None::<String>),
            volunteers::email_enc.eq(None::<String>),
            volunteers::activation_code_hash.eq(None::<String>),
            volunteers::anonymised_at.eq(at),
            volunteers::updated_at.eq(at),
            volunteers::version.eq(volunteers::version + 1),
        ))
        .execute(conn)?;
    diesel::update(guardian_consents::table.filter(guardian_consents::volunteer_id.eq(id)))
        .set((
            guardian_consents::guardian_name_enc.eq(None::<String>),
            guardian_consents::guardian_id_enc.eq(None::<String>),
            guardian_consents::guardian_mobile_enc.eq(None::<String>),
            guardian_consents::relationship_enc.eq(None::<String>),
            guardian_consents::relationship.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable)]
pub struct PersonalDataRequestRow {
    pub id: i64,
    pub volunteer_id: i64,
    pub kind: String,
    pub details: String,
    pub requested_by: Option<i64>,
    pub status: String,
    pub resolution: Option<String>,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolved_by: Option<i64>,
}

pub fn insert_data_request(
    conn: &mut DbConn,
    volunteer_id: i64,
    kind: &str,
    details: &str,
    requested_by: i64,
) -> QueryResult<PersonalDataRequestRow> {
    let id: i64 = diesel::insert_into(personal_data_requests::table)
        .values((
            personal_data_requests::volunteer_id.eq(volunteer_id),
            personal_data_requests::kind.eq(kind),
            personal_data_requests::details.eq(details),
            personal_data_requests::requested_by.eq(requested_by),
            personal_data_requests::status.eq("pending"),
            personal_data_requests::created_at.eq(now()),
        ))
        .returning(personal_data_requests::id)
        .get_result(conn)?;
    personal_data_requests::table.find(id).first(conn)
}

pub fn find_data_request(
    conn: &mut DbConn,
    id: i64,
) -> QueryResult<Option<PersonalDataRequestRow>> {
    personal_data_requests::table
        .find(id)
        .first(conn)
        .optional()
}

pub fn data_requests_of(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> QueryResult<Vec<PersonalDataRequestRow>> {
    personal_data_requests::table
        .filter(personal_data_requests::volunteer_id.eq(volunteer_id))
        .order(personal_data_requests::id)
        .load(conn)
}

/// Closes a pending request; `false` if it was no longer pending.
pub fn resolve_data_request(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    resolution: &str,
    resolved_by: i64,
) -> QueryResult<bool> {
    let changed = diesel::update(
        personal_data_requests::table
            .filter(personal_data_requests::id.eq(id))
            .filter(personal_data_requests::status.eq("pending")),
    )
    .set((
        personal_data_requests::status.eq(status),
        personal_data_requests::resolution.eq(resolution),
        personal_data_requests::resolved_at.eq(now()),
        personal_data_requests::resolved_by.eq(resolved_by),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Who recorded a registration's attestation (REG-09): `volunteer`, `staff` or
/// `bureau_import`, and the staff account that did.
#[derive(Debug, Clone, Insertable, Queryable)]
#[diesel(table_name = super::schema::volunteer_attestations, treat_none_as_default_value = false)]
pub struct AttestationRow {
    pub volunteer_id: i64,
    pub source: String,
    pub recorded_by: Option<i64>,
}

pub fn insert_attestations(conn: &mut DbConn, rows: &[AttestationRow]) -> QueryResult<usize> {
    if rows.is_empty() {
        return Ok(0);
    }
    bulk_insert!(conn, super::schema::volunteer_attestations::table, rows)
}
