//! A volunteer's parts (skills, languages, availability, preferences, stars, attestation)
//! read in one statement. Reading a volunteer used to cost a dozen round trips, one per
//! part, most of them finding nothing; now one `UNION ALL` brings every small part and counts
//! the rarer ones (guardian consents, insurance, matching consent, a child's protected
//! fields), which are loaded only when present. An adult's record is two queries: its row
//! (the caller's) and this.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::DbConn;
use super::volunteers::{AttestationRow, AvailabilityRow, BlackoutRow, VolunteerParts};
use crate::domain::volunteer::Proficiency;

/// One row of the union: which part, and up to two texts and four numbers.
#[derive(QueryableByName)]
struct PartRow {
    #[diesel(sql_type = Text)]
    part: String,
    #[diesel(sql_type = Nullable<Text>)]
    code: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    extra: Option<String>,
    #[diesel(sql_type = Nullable<BigInt>)]
    a: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    b: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    c: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    d: Option<i64>,
}

/// `$1` is the volunteer id in every branch (`db::prepared`: planned once per connection).
/// The first branch types every column: PostgreSQL would otherwise type two NULLs as text
/// before it meets the numbers of a later branch. Dates come back as ISO text on both. The order gives each part the order the API lists it in. Stars
/// are the highest granted award (STAR-02): pending or refused applications do not count.
pub const PARTS_SQL: &str = "\
SELECT CAST('skill' AS TEXT) AS part, skill_code AS code, CAST(NULL AS TEXT) AS extra, \
       CAST(level AS BIGINT) AS a, CAST(NULL AS BIGINT) AS b, CAST(NULL AS BIGINT) AS c, \
       CAST(NULL AS BIGINT) AS d \
  FROM volunteer_skills WHERE volunteer_id = $1 \
UNION ALL SELECT 'language', language_code, proficiency, NULL, NULL, NULL, NULL \
  FROM volunteer_languages WHERE volunteer_id = $1 \
UNION ALL SELECT 'window', NULL, NULL, CAST(weekday AS BIGINT), CAST(start_minute AS BIGINT), \
       CAST(end_minute AS BIGINT), id \
  FROM volunteer_availability WHERE volunteer_id = $1 \
UNION ALL SELECT 'blackout', CAST(starts_on AS TEXT), CAST(ends_on AS TEXT), NULL, NULL, NULL, id \
  FROM volunteer_blackouts WHERE volunteer_id = $1 \
UNION ALL SELECT 'group', target_group_code, NULL, NULL, NULL, NULL, NULL \
  FROM volunteer_target_groups WHERE volunteer_id = $1 \
UNION ALL SELECT 'stars', NULL, NULL, CAST(MAX(level) AS BIGINT), NULL, NULL, NULL \
  FROM star_awards WHERE volunteer_id = $1 AND status = 'granted' \
UNION ALL SELECT 'attestation', source, NULL, recorded_by, NULL, NULL, NULL \
  FROM volunteer_attestations WHERE volunteer_id = $1 \
UNION ALL SELECT 'present', NULL, NULL, \
       (SELECT COUNT(*) FROM guardian_consents WHERE volunteer_id = $1), \
       (SELECT COUNT(*) FROM insurance_policies WHERE volunteer_id = $1), \
       (SELECT COUNT(*) FROM matching_consents WHERE volunteer_id = $1 \
           AND scope = 'province' AND withdrawn_at IS NULL), \
       (SELECT COUNT(*) FROM volunteer_protected_fields WHERE volunteer_id = $1) \
ORDER BY part, code, a, b";

fn unreadable(what: &str) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(format!("unreadable volunteer part: {what}").into())
}

fn date(text: Option<String>) -> QueryResult<NaiveDate> {
    text.as_deref()
        .and_then(|t| NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok())
        .ok_or_else(|| unreadable("date"))
}

fn int(value: Option<i64>, what: &str) -> QueryResult<i32> {
    value
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| unreadable(what))
}

pub fn parts(conn: &mut DbConn, id: i64) -> QueryResult<VolunteerParts> {
    let rows: Vec<PartRow> = super::prepared::Prepared::by_id(PARTS_SQL, id).load(conn)?;
    let mut parts = VolunteerParts::default();
    let (mut consents, mut policies, mut matching, mut protected) = (0, 0, 0, 0);
    for row in rows {
        match row.part.as_str() {
            "skill" => parts.skills.push((
                row.code.ok_or_else(|| unreadable("skill"))?,
                int(row.a, "skill level")?,
            )),
            "language" => {
                let proficiency = row
                    .extra
                    .as_deref()
                    .and_then(Proficiency::parse)
                    .ok_or_else(|| unreadable("proficiency"))?;
                parts
                    .languages
                    .push((row.code.ok_or_else(|| unreadable("language"))?, proficiency));
            }
            "window" => parts.availability.push(AvailabilityRow {
                id: row.d.ok_or_else(|| unreadable("window"))?,
                volunteer_id: id,
                weekday: int(row.a, "weekday")?,
                start_minute: int(row.b, "start")?,
                end_minute: int(row.c, "end")?,
            }),
            "blackout" => parts.blackouts.push(BlackoutRow {
                id: row.d.ok_or_else(|| unreadable("blackout"))?,
                volunteer_id: id,
                starts_on: date(row.code)?,
                ends_on: date(row.extra)?,
            }),
            "group" => parts
                .target_groups
                .push(row.code.ok_or_else(|| unreadable("target group"))?),
            // MAX over no granted award is NULL: no stars.
            "stars" => {
                parts.stars = if row.a.is_some() {
                    int(row.a, "stars")?
                } else {
                    0
                }
            }
            "attestation" => {
                parts.attestation = Some(AttestationRow {
                    volunteer_id: id,
                    source: row.code.ok_or_else(|| unreadable("attestation"))?,
                    recorded_by: row.a,
                })
            }
            "present" => {
                (consents, policies, matching, protected) = (
                    row.a.unwrap_or(0),
                    row.b.unwrap_or(0),
                    row.c.unwrap_or(0),
                    row.d.unwrap_or(0),
                )
            }
            other => return Err(unreadable(other)),
        }
    }
    if consents > 0 {
        parts.consents = super::volunteers::guardian_consents_of(conn, id)?;
    }
    if policies > 0 {
        parts.policies = super::volunteers::insurance_policies_of(conn, id)?;
    }
    if matching > 0 {
        parts.matching_consent = super::consents::current(conn, id)?;
    }
    if protected > 0 {
        parts.protected = super::privacy::protected_of(conn, id)?;
    }
    Ok(parts)
}
