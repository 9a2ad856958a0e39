//! Stars (STAR-01/02/04): the level a volunteer's verified minutes reach, applications for
//! the next level and the registering bureau's decision on them.

use chrono::{DateTime, Utc};

use crate::auth::policy::{Action, Principal};
use crate::db::audit::AuditEntry;
use crate::db::records::StarAwardRow;
use crate::db::volunteers::VolunteerRow;
use crate::db::{self, DbConn};
use crate::domain::stars::{
    GoodRecordPolicy, StarLevel, StarStanding, award, good_record, standing,
};
use crate::domain::volunteer::VolunteerStatus;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::registry::reach::{OfVolunteer, VolunteerPart};
use crate::service::reach::{Access, load_in_reach};

/// A star application is found by its id and reached as its volunteer is.
impl VolunteerPart for StarAwardRow {
    const NAME: &'static str = "star application";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::records::find_star_award(conn, id)?)
    }

    fn volunteer_id(&self) -> i64 {
        self.volunteer_id
    }
}

/// A volunteer's verified minutes, star standing and applications.
pub struct Stars {
    pub volunteer_id: i64,
    /// Sum of current service-record minutes.
    pub verified_minutes: i64,
    pub standing: StarStanding,
    /// Complaints upheld against the volunteer (STAR-04).
    pub upheld_complaints: i64,
    /// STAR-04.
    pub good_record: bool,
    pub awards: Vec<StarAwardRow>,
}

fn stars_of(
    conn: &mut DbConn,
    volunteer: &VolunteerRow,
    good: GoodRecordPolicy,
) -> ApiResult<Stars> {
    let minutes = db::records::total_minutes(conn, volunteer.id, None)?;
    let awards = db::records::star_awards_of(conn, volunteer.id)?;
    let awarded = awards
        .iter()
        .filter(|a| a.status == "granted")
        .map(|a| a.level)
        .max()
        .unwrap_or(0);
    let standing = standing(
        minutes.max(0) as u64,
        StarLevel::new(awarded as u8).unwrap_or(StarLevel::NONE),
    );
    let active = volunteer.status == VolunteerStatus::Active;
    let upheld = db::recognition::upheld_count(conn, volunteer.id)?;
    Ok(Stars {
        volunteer_id: volunteer.id,
        verified_minutes: minutes,
        upheld_complaints: upheld,
        good_record: good_record(
            good,
            standing.awarded,
            active,
            u32::try_from(upheld).unwrap_or(u32::MAX),
        ),
        standing,
        awards,
    })
}

/// A volunteer's verified hours and stars.
pub fn stars(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    good: GoodRecordPolicy,
) -> ApiResult<Stars> {
    let v = load_in_reach::<VolunteerRow>(conn, user, volunteer_id, Access::Read)?;
    stars_of(conn, &v, good)
}

/// Applies for the next star level (the volunteer; STAR-02: one level at a time, only when
/// the hours reach it).
pub fn apply_for_star(
    conn: &mut DbConn,
    user: &Principal,
    volunteer_id: i64,
    good: GoodRecordPolicy,
    now: DateTime<Utc>,
) -> ApiResult<Stars> {
    let v = load_in_reach::<VolunteerRow>(
        conn,
        user,
        volunteer_id,
        Access::Act(Action::RequestRecords),
    )?;
    let current = stars_of(conn, &v, good)?;
    let awarded = current.standing.awarded;
    let requested = awarded.next().ok_or_else(|| {
        ApiError::conflict(ErrorCode::StarMaximum, "5 stars is the highest level")
    })?;
    award(awarded, requested, current.verified_minutes.max(0) as u64).map_err(|e| {
        ApiError::rule(
            ErrorCode::of(e.code()),
            format!("{}: not eligible for {}★", e.rule(), requested.get()),
        )
    })?;
    db::records::insert_star_application(
        conn,
        volunteer_id,
        i32::from(requested.get()),
        now.naive_utc(),
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "star.apply", "volunteer").entity(volunteer_id, &v.org_path),
    )?;
    stars_of(conn, &v, good)
}

/// Grants (after checking the level is still the next one the minutes reach) or rejects a
/// star application (the registering bureau, STAR-02).
pub fn decide_star(
    conn: &mut DbConn,
    user: &Principal,
    application_id: i64,
    grant: bool,
    note: &str,
    good: GoodRecordPolicy,
    now: DateTime<Utc>,
) -> ApiResult<Stars> {
    let OfVolunteer {
        item: application,
        volunteer: v,
    } = load_in_reach::<OfVolunteer<StarAwardRow>>(
        conn,
        user,
        application_id,
        Access::Act(Action::AwardStars),
    )?;
    let number = grant.then(|| format!("STAR{}{:06}", application.level, application.id));
    if grant {
        let current = stars_of(conn, &v, good)?;
        let requested = StarLevel::new(application.level as u8).unwrap_or(StarLevel::MAX);
        award(
            current.standing.awarded,
            requested,
            current.verified_minutes.max(0) as u64,
        )
        .map_err(|e| ApiError::rule(ErrorCode::of(e.code()), e.rule()))?;
    }
    let status = if grant { "granted" } else { "rejected" };
    let decided = db::records::decide_star_award(
        conn,
        application_id,
        status,
        number.as_deref(),
        Some(note.trim()),
        user.user_id,
        now.naive_utc(),
    )?;
    if !decided {
        return Err(ApiError::conflict(
            ErrorCode::AlreadyDecided,
            "this application is decided already",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(user, &format!("star.{status}"), "volunteer").entity(v.id, &v.org_path),
    )?;
    stars_of(conn, &v, good)
}
