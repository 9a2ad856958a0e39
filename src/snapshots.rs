//! Builds the pure eligibility and matching engine's inputs from stored rows. Every guarded
//! write (offer, confirm, check-in) loads these inside its transaction, after locking, so the
//! rules are judged on the data as it is at that moment.

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;

use crate::clock::SERVICE_TZ;
use crate::db::activities::{ActivityRow, SiteRow};
use crate::db::{self, DbConn};
use crate::domain::activity::VolunteerRequirements;
use crate::domain::eligibility::{
    ActivityRequirements, Commitment, DateRange, GeoPoint, InsurancePolicy, Qualification, Skill,
    VolunteerSnapshot, WeeklyWindow,
};
use crate::domain::matching::VolunteerStats;
use crate::domain::region::RegionCode;
use crate::domain::training::{TrainingCertificate, start_of_local_day};
use crate::error::ApiError;

/// Splits a stored `;`-separated code list.
pub fn codes(list: &str) -> Vec<String> {
    list.split(';')
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn utc(t: chrono::NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

pub fn activity_requirements(
    a: &ActivityRow,
    site: &SiteRow,
) -> Result<ActivityRequirements, ApiError> {
    let broken =
        |what: &str| ApiError::internal(format!("stored activity {} has an invalid {what}", a.id));
    let requirements: VolunteerRequirements =
        serde_json::from_str(&a.requirements).map_err(|_| broken("requirements"))?;
    Ok(ActivityRequirements {
        id: a.id,
        programme: a.programme,
        starts_at: utc(a.starts_at),
        ends_at: utc(a.ends_at),
        time_zone: a.time_zone.parse::<Tz>().map_err(|_| broken("time zone"))?,
        region: RegionCode::parse(&a.region_code).map_err(|_| broken("region"))?,
        coordinates: site
            .latitude
            .zip(site.longitude)
            .map(|(lat, lon)| GeoPoint { lat, lon }),
        required_skills: requirements
            .skills
            .iter()
            .map(|s| Skill {
                code: s.code.clone(),
                level: s.level,
            })
            .collect(),
        required_languages: requirements.languages,
        local_languages: codes(&site.local_languages),
        required_course_ids: requirements.course_ids,
        required_qualification: requirements.qualification,
        target_groups: codes(&a.target_groups),
        min_age: a.min_age.map(|v| v as u32),
        max_age: a.max_age.map(|v| v as u32),
        physical_demand: a.physical_demand as u8,
        risk_level: a.risk_level,
        agreement_required: a.agreement_required,
        sending_province: a
            .sending_province
            .as_deref()
            .and_then(|p| RegionCode::parse(p).ok()),
    })
}

fn weekday(iso: i32) -> Option<Weekday> {
    match iso {
        1 => Some(Weekday::Mon),
        2 => Some(Weekday::Tue),
        3 => Some(Weekday::Wed),
        4 => Some(Weekday::Thu),
        5 => Some(Weekday::Fri),
        6 => Some(Weekday::Sat),
        7 => Some(Weekday::Sun),
        _ => None,
    }
}

/// Insurance is sold by the day: from the first day's start to the last day's end, in China
/// Standard Time.
fn policy_span(from: NaiveDate, to: NaiveDate) -> InsurancePolicy {
    InsurancePolicy {
        starts_at: start_of_local_day(from, SERVICE_TZ),
        // Client dates are bounded at entry; a stored value past chrono's end still must
        // not panic here: coverage then ends at the last day's start.
        ends_at: start_of_local_day(to.checked_add_days(Days::new(1)).unwrap_or(to), SERVICE_TZ),
    }
}

pub fn volunteer_snapshot(
    conn: &mut DbConn,
    volunteer_id: i64,
) -> Result<VolunteerSnapshot, ApiError> {
    let v = db::volunteers::find(conn, volunteer_id)?
        .ok_or_else(|| ApiError::not_found("volunteer"))?;
    let parts = db::volunteers::parts(conn, volunteer_id)?;
    let certificates = db::training::certificates_of(conn, volunteer_id)?
        .into_iter()
        .map(|(c, course)| TrainingCertificate {
            course_id: c.course_id,
            course_category: course.category,
            issued_on: c.issued_on,
            expires_on: c.expires_on,
            revoked: c.revoked_at.is_some(),
        })
        .collect();
    let qualifications = db::records::qualifications_of(conn, volunteer_id)?
        .into_iter()
        .map(|q| Qualification {
            code: q.code,
            expires_on: q.expires_on,
        })
        .collect();
    Ok(VolunteerSnapshot {
        id: v.id,
        status: v.status,
        birth_date: v.birth_date,
        own_income: v.own_income,
        home_region: RegionCode::parse(&v.home_region_code)
            .map_err(|_| ApiError::internal("stored volunteer has an invalid region"))?,
        coordinates: None,
        skills: parts
            .skills
            .iter()
            .map(|(code, level)| Skill {
                code: code.clone(),
                level: *level as u8,
            })
            .collect(),
        languages: parts
            .languages
            .iter()
            .map(|(code, _)| code.clone())
            .collect(),
        certificates,
        qualifications,
        fitness_level: v.fitness_level as u8,
        availability: parts
            .availability
            .iter()
            .filter_map(|w| {
                WeeklyWindow::new(
                    weekday(w.weekday)?,
                    w.start_minute as u16,
                    w.end_minute as u16,
                )
            })
            .collect(),
        blackouts: parts
            .blackouts
            .iter()
            .filter_map(|b| DateRange::new(b.starts_on, b.ends_on))
            .collect(),
        weekly_cap_minutes: v.weekly_cap_minutes.map(|m| m as u32),
        guardian_activity_consent: parts
            .consents
            .iter()
            .any(|c| c.covers_activities && c.withdrawn_at.is_none()),
        insurance: parts
            .policies
            .iter()
            .map(|p| policy_span(p.valid_from, p.valid_to))
            .collect(),
        background_check_passed_on: v.background_check_passed_on,
        preferred_target_groups: parts.target_groups,
    })
}

/// The volunteer's live assignments on other activities.
pub fn commitments(
    conn: &mut DbConn,
    volunteer_id: i64,
    activity_id: i64,
) -> Result<Vec<Commitment>, ApiError> {
    Ok(
        db::assignments::live_of_volunteer(conn, volunteer_id, activity_id)?
            .into_iter()
            .map(|a| Commitment {
                activity_id: a.activity_id,
                starts_at: utc(a.starts_at),
                ends_at: utc(a.ends_at),
            })
            .collect(),
    )
}

/// History for fairness and reliability: verified minutes in the last 90 days, outcomes.
pub fn stats(conn: &mut DbConn, volunteer_id: i64) -> Result<VolunteerStats, ApiError> {
    let since = (Utc::now() - TimeDelta::days(90)).naive_utc();
    let recent = db::records::total_minutes(conn, volunteer_id, Some(since))?;
    let (completed, no_shows) = db::assignments::outcome_counts(conn, volunteer_id)?;
    let (evaluations, evaluation_points) =
        db::recognition::evaluation_totals(conn, &[volunteer_id])?
            .remove(&volunteer_id)
            .unwrap_or_default();
    Ok(VolunteerStats {
        recent_verified_minutes: u32::try_from(recent).unwrap_or(u32::MAX),
        completed,
        no_shows,
        evaluations,
        evaluation_points,
    })
}

/// The snapshot of a candidate from its pool row and bulk-loaded profile
/// (`db::candidates`); the same rules as `volunteer_snapshot`, without a query.
pub fn candidate_snapshot(
    v: &db::candidates::CandidateRow,
    p: &db::candidates::Profile,
) -> Result<VolunteerSnapshot, ApiError> {
    Ok(VolunteerSnapshot {
        id: v.id,
        status: v.status,
        birth_date: v.birth_date,
        own_income: v.own_income,
        home_region: RegionCode::parse(&v.home_region_code)
            .map_err(|_| ApiError::internal("stored volunteer has an invalid region"))?,
        coordinates: None,
        skills: p
            .skills
            .iter()
            .map(|(code, level)| Skill {
                code: code.clone(),
                level: *level as u8,
            })
            .collect(),
        languages: p.languages.clone(),
        certificates: p
            .certificates
            .iter()
            .map(|c| TrainingCertificate {
                course_id: c.course_id,
                course_category: c.category,
                issued_on: c.issued_on,
                expires_on: c.expires_on,
                revoked: c.revoked_at.is_some(),
            })
            .collect(),
        qualifications: p
            .qualifications
            .iter()
            .map(|(code, expires_on)| Qualification {
                code: code.clone(),
                expires_on: *expires_on,
            })
            .collect(),
        fitness_level: v.fitness_level as u8,
        availability: p
            .availability
            .iter()
            .filter_map(|&(day, from, until)| {
                WeeklyWindow::new(weekday(day)?, from as u16, until as u16)
            })
            .collect(),
        blackouts: p
            .blackouts
            .iter()
            .filter_map(|&(from, to)| DateRange::new(from, to))
            .collect(),
        weekly_cap_minutes: v.weekly_cap_minutes.map(|m| m as u32),
        guardian_activity_consent: p.guardian_activity_consent,
        insurance: p
            .policies
            .iter()
            .map(|&(from, to)| policy_span(from, to))
            .collect(),
        background_check_passed_on: v.background_check_passed_on,
        preferred_target_groups: p.target_groups.clone(),
    })
}

/// A candidate's live assignments on activities other than `activity_id`.
pub fn candidate_commitments(p: &db::candidates::Profile, activity_id: i64) -> Vec<Commitment> {
    p.live
        .iter()
        .filter(|a| a.activity_id != activity_id)
        .map(|a| Commitment {
            activity_id: a.activity_id,
            starts_at: utc(a.starts_at),
            ends_at: utc(a.ends_at),
        })
        .collect()
}

/// A candidate's history, as `stats` computes it.
pub fn candidate_stats(p: &db::candidates::Profile) -> VolunteerStats {
    VolunteerStats {
        recent_verified_minutes: u32::try_from(p.recent_minutes).unwrap_or(u32::MAX),
        completed: p.completed,
        no_shows: p.no_shows,
        evaluations: p.evaluations,
        evaluation_points: p.evaluation_points,
    }
}

/// The start of the fairness period `stats` uses (the last 90 days).
pub fn recent_since() -> chrono::NaiveDateTime {
    (Utc::now() - TimeDelta::days(90)).naive_utc()
}
