//! The reverse flow (SR-05, "请进来"): an inland organisation hosts a training-base event for
//! grassroots cultural staff of the border and ethnic regions. The bureaus of the invited
//! receiving provinces nominate their staff (people, not necessarily registered volunteers);
//! the host records who attended and issues their certificates.
//!
//! Reach: the host's training managers see and run the event and all its trainees; a bureau
//! of an invited province sees the event and only its own nominees; everyone else gets 404.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::{Action, Principal, Scope};
use crate::clock::local_date;
use crate::crypto::PersonalDataCipher;
use crate::db::training_base::{EventRow, NewEventRow, NewTraineeRow, TraineeRow};
use crate::db::{self, DbConn, audit::AuditEntry};
use crate::domain::identity::Mobile;
use crate::domain::policy::SpringRainPolicy;
use crate::domain::region::RegionCode;
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::service::reach::{Access, InReach, load_in_reach, organization_for};
use crate::snapshots::codes;

const MAX_TEXT: usize = 200;

fn province_of(region_code: &str) -> ApiResult<String> {
    RegionCode::parse(region_code)
        .map(|r| r.province_prefix().to_string())
        .map_err(|_| ApiError::internal("stored organisation has an invalid region"))
}

/// The province of the caller's own organisation.
fn caller_province(conn: &mut DbConn, user: &Principal) -> ApiResult<String> {
    let org = db::organizations::find(conn, user.org_id)?
        .ok_or_else(|| ApiError::internal("caller's organisation missing"))?;
    province_of(&org.region_code)
}

fn hosts(user: &Principal, event: &EventRow) -> bool {
    user.scope_for(Action::ManageTraining)
        .is_some_and(|s| s.contains(&event.host_org_path))
}

/// A bureau of an invited province (nominating is a bureau's act).
fn invited(conn: &mut DbConn, user: &Principal, event: &EventRow) -> ApiResult<bool> {
    if user.scope_for(Action::NominateTrainees).is_none() {
        return Ok(false);
    }
    let province = caller_province(conn, user)?;
    Ok(codes(&event.invited_provinces).contains(&province))
}

impl InReach for EventRow {
    const NAME: &'static str = "training-base event";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        Ok(db::training_base::find_event(conn, id)?)
    }

    fn visible_to(&self, conn: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        Ok(hosts(user, self) || invited(conn, user, self)?)
    }

    /// The host's scopes reach the event; so does a bureau of an invited province, for the
    /// one act on an event that is not the host's: nominating.
    fn reached_by(&self, conn: &mut DbConn, user: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.host_org_path) || invited(conn, user, self)?)
    }
}

/// A trainee with the event it belongs to.
#[derive(Debug, Clone)]
pub struct Trainee {
    pub row: TraineeRow,
    pub event: EventRow,
}

/// Seen by the host and by the bureau that nominated the trainee; acted on by the host.
impl InReach for Trainee {
    const NAME: &'static str = "trainee";

    fn find(conn: &mut DbConn, id: i64) -> ApiResult<Option<Self>> {
        let Some(row) = db::training_base::find_trainee(conn, id)? else {
            return Ok(None);
        };
        let event = db::training_base::find_event(conn, row.event_id)?;
        Ok(event.map(|event| Trainee { row, event }))
    }

    fn visible_to(&self, _: &mut DbConn, user: &Principal) -> ApiResult<bool> {
        let nominator = user
            .scope_for(Action::NominateTrainees)
            .is_some_and(|s| s.contains(&self.row.nominating_org_path));
        Ok(hosts(user, &self.event) || nominator)
    }

    fn reached_by(&self, _: &mut DbConn, _: &Principal, scope: &Scope) -> ApiResult<bool> {
        Ok(scope.contains(&self.event.host_org_path))
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEventRequest {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Trainees the event takes, 1–1000.
    pub capacity: i32,
    /// 2-digit codes of the receiving provinces (SR-01 set) whose bureaus may nominate.
    pub invited_provinces: Vec<String>,
    /// The hosting organisation (default: the caller's); inland, outside the receiving set.
    pub organization_id: Option<i64>,
}

fn text_problem(field: &str, value: &str, required: bool, out: &mut Vec<FieldError>) {
    let n = value.trim().chars().count();
    if required && n == 0 {
        out.push(FieldError::new(field, "required", "required"));
    } else if n > MAX_TEXT {
        out.push(FieldError::new(field, "too_long", "at most 200 characters"));
    }
}

fn check_event(
    req: &CreateEventRequest,
    spring_rain: &SpringRainPolicy,
    today: NaiveDate,
) -> ApiResult<()> {
    let mut problems = Vec::new();
    text_problem("title", &req.title, true, &mut problems);
    text_problem("place", &req.place, true, &mut problems);
    if req.description.chars().count() > 2000 {
        problems.push(FieldError::new(
            "description",
            "too_long",
            "at most 2000 characters",
        ));
    }
    if req.ends_on < req.starts_on || (req.ends_on - req.starts_on).num_days() > 366 {
        problems.push(FieldError::new(
            "ends_on",
            "invalid_range",
            "the event ends on or after its first day, within a year",
        ));
    }
    if req.starts_on < today {
        problems.push(FieldError::new(
            "starts_on",
            "out_of_range",
            "an event is planned for today or later",
        ));
    }
    if !(1..=1000).contains(&req.capacity) {
        problems.push(FieldError::new("capacity", "out_of_range", "1–1000"));
    }
    if req.invited_provinces.is_empty() {
        problems.push(FieldError::new(
            "invited_provinces",
            "required",
            "invite at least one receiving province",
        ));
    }
    for (i, p) in req.invited_provinces.iter().enumerate() {
        let field = format!("invited_provinces[{i}]");
        if !spring_rain.receives(p) {
            problems.push(
                FieldError::new(
                    field.as_str(),
                    "SR-05",
                    "not a border or ethnic receiving province of the configured set (SR-01)",
                )
                .with_rule("SR-05"),
            );
        } else if req.invited_provinces[..i].contains(p) {
            problems.push(FieldError::new(field, "duplicate", "listed twice"));
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(ApiError::validation(problems)),
    }
}

/// A new event hosted by the caller's organisation (or one below it), which must lie outside
/// the receiving set: the reverse flow brings border staff inland (SR-05).
pub fn create_event(
    conn: &mut DbConn,
    user: &Principal,
    req: CreateEventRequest,
    spring_rain: &SpringRainPolicy,
    now: DateTime<Utc>,
) -> ApiResult<EventRow> {
    user.require(Action::ManageTraining)?;
    // The host's reach before the body's rules: a host outside it is 404 whatever is sent.
    let org = organization_for(
        conn,
        user,
        req.organization_id.unwrap_or(user.org_id),
        Action::ManageTraining,
    )?;
    check_event(&req, spring_rain, local_date(now))?;
    let host_province = province_of(&org.region_code)?;
    if spring_rain.receives(&host_province) {
        return Err(ApiError::rule(
            ErrorCode::Sr05,
            "a training-base event is hosted inland: the host lies in a receiving province",
        ));
    }
    let row = db::training_base::insert_event(
        conn,
        &NewEventRow {
            title: req.title.trim().to_string(),
            description: req.description,
            place: req.place.trim().to_string(),
            starts_on: req.starts_on,
            ends_on: req.ends_on,
            capacity: req.capacity,
            host_organization_id: org.id,
            host_org_path: org.path.clone(),
            host_province,
            invited_provinces: req.invited_provinces.join(";"),
            created_by: user.user_id,
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(user, "training_base_event.create", "training_base_event")
            .entity(row.id, &row.host_org_path),
    )?;
    Ok(row)
}

pub fn get_event(conn: &mut DbConn, user: &Principal, id: i64) -> ApiResult<EventRow> {
    load_in_reach::<EventRow>(conn, user, id, Access::Read)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NominateRequest {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub mobile: String,
    /// The trainee's work unit (e.g. a township cultural station).
    #[serde(default)]
    pub work_unit: String,
    /// The trainee's post.
    #[serde(default)]
    pub post: String,
    /// Where the trainee works (6-digit GB/T 2260), in the nominating bureau's province.
    #[serde(default)]
    pub region_code: String,
    /// The nominating organisation (default: the caller's).
    pub organization_id: Option<i64>,
}

/// A trainee as the host and the nominating bureau see it: the name (personal data, read
/// audited) and the masked mobile only.
#[derive(Debug, Serialize, ToSchema)]
pub struct TraineeView {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub mobile_masked: String,
    pub work_unit: String,
    pub post: String,
    pub region_code: String,
    pub nominating_organization_id: i64,
    /// `null` until the host records it.
    pub attended: Option<bool>,
    pub certificate_no: Option<String>,
    pub certificate_issued_on: Option<NaiveDate>,
}

fn view(cipher: &PersonalDataCipher, row: TraineeRow) -> ApiResult<TraineeView> {
    let name = cipher
        .decrypt(&row.name_enc)
        .map_err(|_| ApiError::internal("a trainee's name does not decrypt"))?;
    Ok(TraineeView {
        id: row.id,
        event_id: row.event_id,
        name,
        mobile_masked: row.mobile_masked,
        work_unit: row.work_unit,
        post: row.post,
        region_code: row.region_code,
        nominating_organization_id: row.nominating_organization_id,
        attended: row.attended,
        certificate_no: row.certificate_no,
        certificate_issued_on: row.certificate_issued_on,
    })
}

fn audit_read(conn: &mut DbConn, user: &Principal, event: &EventRow, ids: &[i64]) -> ApiResult<()> {
    db::audit::record(
        conn,
        AuditEntry::by(user, "training_base_trainee.read", "training_base_event")
            .entity(event.id, &event.host_org_path)
            .detail(serde_json::json!({ "trainee_ids": ids })),
    )?;
    Ok(())
}

/// Nominates one of the bureau's staff to an event it is invited to, before the event starts.
pub fn nominate(
    conn: &mut DbConn,
    user: &Principal,
    event_id: i64,
    req: NominateRequest,
    cipher: &PersonalDataCipher,
    now: DateTime<Utc>,
) -> ApiResult<TraineeView> {
    let event =
        load_in_reach::<EventRow>(conn, user, event_id, Access::Act(Action::NominateTrainees))?;
    let org = organization_for(
        conn,
        user,
        req.organization_id.unwrap_or(user.org_id),
        Action::NominateTrainees,
    )?;
    let bureau_province = province_of(&org.region_code)?;
    let mut problems = Vec::new();
    text_problem("name", &req.name, true, &mut problems);
    text_problem("work_unit", &req.work_unit, true, &mut problems);
    text_problem("post", &req.post, true, &mut problems);
    let mobile = Mobile::parse(&req.mobile);
    if mobile.is_none() {
        problems.push(FieldError::new(
            "mobile",
            "invalid_format",
            "a mainland mobile number of 11 digits",
        ));
    }
    match RegionCode::parse(&req.region_code) {
        Err(e) => problems.push(FieldError::new("region_code", e.code(), e.message())),
        Ok(r) if r.province_prefix() != bureau_province => problems.push(FieldError::new(
            "region_code",
            "invalid_province",
            "the trainee works in the nominating bureau's province",
        )),
        Ok(r) if !db::reference::region_listed(conn, r.as_str())? => {
            problems.push(crate::registry::unlisted_region("region_code", r.as_str()))
        }
        Ok(_) => {}
    }
    if !codes(&event.invited_provinces).contains(&bureau_province) {
        problems.push(
            FieldError::new(
                "organization_id",
                "SR-05",
                "the nominating organisation's province is not invited",
            )
            .with_rule("SR-05"),
        );
    }
    let Some(mobile) = mobile.filter(|_| problems.is_empty()) else {
        return Err(ApiError::validation(problems));
    };
    if local_date(now) >= event.starts_on {
        return Err(ApiError::conflict(
            ErrorCode::TooLate,
            "nominations close when the event starts",
        ));
    }
    if db::training_base::count_trainees(conn, event.id)? >= i64::from(event.capacity) {
        return Err(ApiError::conflict(
            ErrorCode::EventFull,
            "the event has no places left",
        ));
    }
    let row = db::training_base::insert_trainee(
        conn,
        &NewTraineeRow {
            event_id: event.id,
            nominating_organization_id: org.id,
            nominating_org_path: org.path.clone(),
            name_enc: cipher.encrypt(req.name.trim()),
            mobile_enc: cipher.encrypt(mobile.as_str()),
            mobile_masked: mobile.masked(),
            mobile_index: cipher.blind_index("training_base:mobile", mobile.as_str()),
            work_unit: req.work_unit.trim().to_string(),
            post: req.post.trim().to_string(),
            region_code: RegionCode::parse(&req.region_code)
                .map(|r| r.as_str().to_string())
                .unwrap_or_default(),
            trainee_province: bureau_province,
            nominated_by: user.user_id,
            created_at: now.naive_utc(),
        },
    )?;
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            "training_base_trainee.nominate",
            "training_base_trainee",
        )
        .entity(row.id, &org.path),
    )?;
    view(cipher, row)
}

/// The event's trainees the caller sees: all for the host, its own nominees for a bureau.
pub fn list_trainees(
    conn: &mut DbConn,
    user: &Principal,
    event_id: i64,
    cipher: &PersonalDataCipher,
) -> ApiResult<Vec<TraineeView>> {
    let event = load_in_reach::<EventRow>(conn, user, event_id, Access::Read)?;
    let rows = if hosts(user, &event) {
        db::training_base::trainees_of(conn, event.id, None)?
    } else {
        match user.scope_for(Action::NominateTrainees) {
            Some(scope) => match scope.org_path_prefix() {
                Some(prefix) => db::training_base::trainees_of(conn, event.id, Some(prefix))?,
                None => db::training_base::trainees_of(conn, event.id, None)?,
            },
            None => Vec::new(),
        }
    };
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    if !ids.is_empty() {
        audit_read(conn, user, &event, &ids)?;
    }
    rows.into_iter().map(|r| view(cipher, r)).collect()
}

/// The host records whether a trainee came, from the event's first day, until the
/// certificate is issued.
pub fn record_attendance(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    attended: bool,
    cipher: &PersonalDataCipher,
    now: DateTime<Utc>,
) -> ApiResult<TraineeView> {
    let t = load_in_reach::<Trainee>(conn, user, id, Access::Act(Action::RecordTrainingResults))?;
    if local_date(now) < t.event.starts_on {
        return Err(ApiError::conflict(
            ErrorCode::TooEarly,
            "attendance is recorded from the event's first day",
        ));
    }
    if !db::training_base::record_attendance(conn, id, attended, now.naive_utc())? {
        return Err(ApiError::conflict(
            ErrorCode::CertificateIssued,
            "the certificate is issued; attendance is final",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            "training_base_trainee.attendance",
            "training_base_trainee",
        )
        .entity(id, &t.event.host_org_path)
        .detail(serde_json::json!({ "attended": attended })),
    )?;
    reload(conn, id, cipher)
}

fn reload(conn: &mut DbConn, id: i64, cipher: &PersonalDataCipher) -> ApiResult<TraineeView> {
    let row = db::training_base::find_trainee(conn, id)?
        .ok_or_else(|| ApiError::internal("trainee vanished"))?;
    view(cipher, row)
}

/// `SR05-<host province>-<year>-<trainee id>`: unique, and it names where and when.
fn certificate_number(event: &EventRow, trainee_id: i64) -> String {
    format!(
        "SR05-{}-{}-{trainee_id:06}",
        event.host_province,
        event.starts_on.year()
    )
}

/// The host issues the certificate of a trainee who attended, from the event's last day.
pub fn issue_certificate(
    conn: &mut DbConn,
    user: &Principal,
    id: i64,
    cipher: &PersonalDataCipher,
    now: DateTime<Utc>,
) -> ApiResult<TraineeView> {
    let t = load_in_reach::<Trainee>(conn, user, id, Access::Act(Action::RecordTrainingResults))?;
    if local_date(now) < t.event.ends_on {
        return Err(ApiError::conflict(
            ErrorCode::TooEarly,
            "certificates are issued from the event's last day",
        ));
    }
    if t.row.certificate_no.is_some() {
        return Err(ApiError::conflict(
            ErrorCode::CertificateIssued,
            "this trainee's certificate is issued already",
        ));
    }
    if t.row.attended != Some(true) {
        return Err(ApiError::conflict(
            ErrorCode::NotAttended,
            "only a trainee recorded as present gets a certificate",
        ));
    }
    let number = certificate_number(&t.event, id);
    if !db::training_base::issue_certificate(conn, id, &number, local_date(now))? {
        return Err(ApiError::conflict(
            ErrorCode::ConcurrentUpdate,
            "the trainee changed meanwhile; retry",
        ));
    }
    db::audit::record(
        conn,
        AuditEntry::by(
            user,
            "training_base_trainee.certificate",
            "training_base_trainee",
        )
        .entity(id, &t.event.host_org_path)
        .detail(serde_json::json!({ "certificate_no": number })),
    )?;
    reload(conn, id, cipher)
}

/// What anyone holding a certificate number may check: that it exists, whose (masked) and
/// for which event.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateCheck {
    pub certificate_no: String,
    pub name_masked: String,
    pub event_title: String,
    pub host_province: String,
    pub issued_on: NaiveDate,
}

pub fn verify_certificate(
    conn: &mut DbConn,
    number: &str,
    cipher: &PersonalDataCipher,
) -> ApiResult<CertificateCheck> {
    let not_found = || ApiError::not_found("certificate");
    let row = db::training_base::find_by_certificate_no(conn, number)?.ok_or_else(not_found)?;
    let event = db::training_base::find_event(conn, row.event_id)?.ok_or_else(not_found)?;
    let name = cipher
        .decrypt(&row.name_enc)
        .map_err(|_| ApiError::internal("a trainee's name does not decrypt"))?;
    Ok(CertificateCheck {
        certificate_no: number.to_string(),
        name_masked: crate::domain::identity::mask_name(&name),
        event_title: event.title,
        host_province: event.host_province,
        issued_on: row.certificate_issued_on.ok_or_else(not_found)?,
    })
}
