//! Every stable `code` a problem document can carry, in one enum: clients switch on these, the
//! OpenAPI document lists them (`Problem.code`), and a code the enum does not know cannot be
//! sent. Eligibility violations keep their own vocabulary (`ViolationCode`) and are listed too.

use crate::domain::eligibility::ViolationCode;

macro_rules! error_codes {
    ($($variant:ident = $code:literal: $meaning:literal;)*) => {
        /// A stable, machine-readable error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($variant,)*
            /// The first broken eligibility rule (the rest are in `errors[]`).
            Violation(ViolationCode),
        }

        impl ErrorCode {
            const FIXED: &'static [(&'static str, &'static str)] = &[$(($code, $meaning),)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                    ErrorCode::Violation(v) => v.as_str(),
                }
            }

            fn fixed(code: &str) -> Option<ErrorCode> {
                match code {
                    $($code => Some(ErrorCode::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    ValidationFailed = "validation_failed": "One or more fields are invalid; `errors[]` names each.";
    BadRequest = "bad_request": "The request could not be understood.";
    MalformedJson = "malformed_json": "The body is not JSON.";
    MalformedBody = "malformed_body": "The body could not be read.";
    InvalidQuery = "invalid_query": "The query string does not parse.";
    InvalidPath = "invalid_path": "A path segment does not parse.";
    InvalidCursor = "invalid_cursor": "The pagination cursor is unknown or expired.";
    InvalidLimit = "invalid_limit": "The page size is out of range.";
    InvalidIfMatch = "invalid_if_match": "The `If-Match` header is not an ETag this API issued.";
    IfMatchRequired = "if_match_required": "This update needs an `If-Match` header.";
    StaleVersion = "stale_version": "The resource changed since the ETag was read.";
    InvalidIdempotencyKey = "invalid_idempotency_key": "The `Idempotency-Key` header is malformed.";
    IdempotencyKeyReused = "idempotency_key_reused": "The key was used for a different request.";
    IdempotencyInProgress = "idempotency_in_progress": "The first request with this key is still running.";
    Unauthorized = "unauthorized": "No valid access token.";
    InvalidCredentials = "invalid_credentials": "Wrong username or password.";
    RefreshTokenReused = "refresh_token_reused": "A rotated refresh token was replayed; the session ended.";
    Forbidden = "forbidden": "The caller's role may not do this here.";
    NotFound = "not_found": "No such object in the caller's reach.";
    MethodNotAllowed = "method_not_allowed": "The resource does not allow this method.";
    PayloadTooLarge = "payload_too_large": "The body exceeds this route's limit.";
    UnsupportedMediaType = "unsupported_media_type": "The body's content type is not accepted here.";
    RateLimited = "rate_limited": "Too many requests; see `Retry-After`.";
    Busy = "busy": "The service is saturated (password hashing); retry later.";
    Error = "error": "Another client error (a status without a more specific code).";
    InternalError = "internal_error": "An internal error; it is logged.";
    Unavailable = "unavailable": "The database is unavailable or busy; retry.";
    Conflict = "conflict": "A resource with the same unique value exists.";
    ConcurrentUpdate = "concurrent_update": "A concurrent update won; retry.";
    ReferenceInvalid = "reference_invalid": "A referenced object does not exist.";
    ConstraintViolated = "constraint_violated": "The data breaks a storage constraint.";
    UsernameTaken = "username_taken": "The username is taken.";
    CannotDisableSelf = "cannot_disable_self": "An administrator cannot disable their own account.";
    DuplicateIdNumber = "duplicate_id_number": "The ID number is registered already (REG-06).";
    StatusNotActive = "status_not_active": "The volunteer is not active.";
    InvalidTransition = "invalid_transition": "The status change is not allowed from the current status.";
    IdentityChangeByRequest = "identity_change_by_request": "Identity fields change only through a personal-data request.";
    InsuranceMissing = "insurance_missing": "A confirmed volunteer lacks insurance for the period (ACT-08).";
    TooManyRows = "too_many_rows": "The import has more rows than allowed.";
    DryRunBudgetExhausted = "dry_run_budget_exhausted": "The hourly budget of dry-run import rows is used up.";
    AlreadyResolved = "already_resolved": "The request or correction is resolved already.";
    NoticeVersionTaken = "notice_version_taken": "A privacy notice with this version exists already (PI-02).";
    AlreadyPublished = "already_published": "The privacy notice is published already (PI-02).";
    NoticeNotPublished = "notice_not_published": "No published privacy notice has this version (PI-02).";
    AlreadyDecided = "already_decided": "The application is decided already.";
    AlreadyRevoked = "already_revoked": "The certificate is revoked already.";
    AlreadyVerified = "already_verified": "The assignment's hours are verified already.";
    KindNotAllowedUnderParent = "kind_not_allowed_under_parent": "This kind of organisation cannot sit under that parent.";
    OrganTypeMismatch = "organ_type_mismatch": "The organ type does not fit the organisation kind.";
    RegionOutsideParent = "region_outside_parent": "The region lies outside the parent's region.";
    RecruitmentClosed = "recruitment_closed": "The campaign is not open.";
    AlreadyApplied = "already_applied": "The volunteer has applied to this campaign already.";
    QuotaFull = "quota_full": "Every place in the campaign is taken.";
    CourseCodeTaken = "course_code_taken": "The course code is taken.";
    AlreadyEnrolled = "already_enrolled": "The volunteer is enrolled in this session already.";
    SessionFull = "session_full": "The session is full.";
    SessionStarted = "session_started": "The session has started.";
    SessionNotEnded = "session_not_ended": "The session has not ended yet.";
    ResultRecorded = "result_recorded": "The result is recorded already.";
    NotPublishable = "not_publishable": "The activity cannot be published as it stands.";
    ActivityNotOpen = "activity_not_open": "The activity is not open for this.";
    ActivityClosed = "activity_closed": "The activity is over or cancelled.";
    EditionYearTaken = "edition_year_taken": "A Spring Rain edition for this year exists already.";
    EditionNotOpen = "edition_not_open": "The Spring Rain edition is not open.";
    EditionClosed = "edition_closed": "The Spring Rain edition is closed.";
    PairingExists = "pairing_exists": "This sending province and receiving region are paired already (SR-03).";
    NoOpenDeployments = "no_open_deployments": "The edition has no open deployments in the caller's scope to plan.";
    NotCompleted = "not_completed": "Only a checked-out assignment can be verified.";
    NotMultiDay = "not_multi_day": "The activity lies on one local day: it has one check-in and check-out, not daily attendance.";
    NotTeamMember = "not_team_member": "The assignment is not a confirmed member of the activity's team.";
    NoAttendance = "no_attendance": "No day of attendance is recorded for the assignment.";
    HeadcountFull = "headcount_full": "The activity has no places left.";
    HeadcountBelowConfirmed = "headcount_below_confirmed": "The headcount cannot drop below the confirmed volunteers.";
    AlreadyAssigned = "already_assigned": "The volunteer has a live assignment on this activity.";
    RequirementsNotMet = "requirements_not_met": "The volunteer does not meet the requirements; `errors[]` lists them.";
    TransitionNotAllowed = "transition_not_allowed": "The assignment cannot take this step from its state.";
    ActionNotPermittedForActor = "action_not_permitted_for_actor": "This party may not take this step.";
    TooEarly = "too_early": "The step's window has not opened.";
    TooLate = "too_late": "The step's window has closed.";
    AgreementSigned = "agreement_signed": "The agreement is signed already.";
    AgreementTermsDiffer = "agreement_terms_differ": "The countersignature's terms differ from the proposal.";
    PlanStale = "plan_stale": "The plan's inputs changed since it was proposed.";
    PlanCommitted = "plan_committed": "The plan is committed already.";
    DuplicateActivity = "duplicate_activity": "The plan lists an activity twice.";
    InvalidHeadcount = "invalid_headcount": "A headcount is invalid.";
    UnknownActivity = "unknown_activity": "The plan refers to an unknown activity.";
    DuplicatePair = "duplicate_pair": "A volunteer–activity pair appears twice.";
    InvalidScore = "invalid_score": "A score is invalid.";
    LockNotEligible = "lock_not_eligible": "A locked pair is not eligible.";
    LockExcluded = "lock_excluded": "A pair is both locked and excluded.";
    VolunteerLockedTwice = "volunteer_locked_twice": "A volunteer is locked to two activities.";
    LocksExceedCapacity = "locks_exceed_capacity": "The locks exceed an activity's headcount.";
    NegativeDuration = "negative_duration": "Check-out precedes check-in, or breaks exceed presence (HRS-02).";
    NoServiceTime = "no_service_time": "No service time remains after breaks (HRS-01).";
    OutsideSchedule = "outside_schedule": "The times lie outside the scheduled shift (HRS-02).";
    OverlappingRecord = "overlapping_record": "The times overlap another record of the volunteer (HRS-02).";
    DailyLimitExceeded = "daily_limit_exceeded": "More than 24 h of service on one day (HRS-02).";
    StarMaximum = "star_maximum": "The volunteer holds the highest star already.";
    StarApplicationPending = "star_application_pending": "This star level is applied for already.";
    StarNotNextLevel = "star_not_next_level": "Stars are granted one level at a time (STAR-02).";
    StarNotEligible = "star_not_eligible": "The volunteer's hours or record do not qualify (STAR-01).";
    RoleNotAllowed = "role_not_allowed": "The role cannot be created by this caller.";
    RoleNotAllowedHere = "role_not_allowed_here": "The role does not fit that organisation.";
    AtomicImportTooLarge = "atomic_import_too_large": "An all-or-nothing import is limited in rows.";
    AtomicImportRejected = "atomic_import_rejected": "An all-or-nothing import met bad rows; nothing was written.";
    Hrs03 = "HRS-03": "Volunteers cannot verify their own hours (HRS-03).";
    Act01 = "ACT-01": "ACT-01 refused the request.";
    Act02 = "ACT-02": "A fee was sent: volunteer service charges nobody (ACT-02).";
    Act03 = "ACT-03": "Only the volunteer confirms an offer (ACT-03).";
    Act04 = "ACT-04": "Only the volunteer withdraws (ACT-04).";
    Act10 = "ACT-10": "ACT-10 refused the request.";
    Crt02 = "CRT-02": "CRT-02 refused the request.";
    Pi02 = "PI-02": "The volunteer withdrew consent to processing (PI-02).";
    ObjectionDecided = "objection_decided": "The objection is decided already (CRT-05).";
    PublicityOver = "publicity_over": "The certificate's publicity period is over: it is final (CRT-05).";
    Star01 = "STAR-01": "STAR-01: the hours do not qualify.";
    Star02 = "STAR-02": "STAR-02: one level at a time.";
    Sr05 = "SR-05": "SR-05 refused the request: a training-base event is hosted inland and takes border-region staff.";
    AlreadyNominated = "already_nominated": "This person is nominated to the event already.";
    EventFull = "event_full": "The training-base event has no places left.";
    CertificateIssued = "certificate_issued": "The trainee's certificate is issued already.";
    NotAttended = "not_attended": "The trainee is not recorded as present.";
    FeedbackNotOpen = "feedback_not_open": "The activity's feedback window has not opened: it opens at the start (FB-01).";
    FeedbackClosed = "feedback_closed": "The activity's feedback window has closed (FB-01).";
    NotAnIssue = "not_an_issue": "The opinion raises no issue, so it takes no written answer (FB-02).";
    AlreadyAnswered = "already_answered": "The issue has its written answer already.";
    LedgerStepNotAllowed = "ledger_step_not_allowed": "The ledger item cannot take this step from its state (FB-03).";
    Fb03 = "FB-03": "Only the supervising (parent) organisation returns a resolved ledger item (FB-03).";
    ItemNotResolved = "item_not_resolved": "Only a resolved ledger item is published.";
    ItemPublished = "item_published": "The ledger item is published already.";
    AssignmentNotCompleted = "assignment_not_completed": "The assignment has not reached the state this needs (a completed service, or a confirmed one for a complaint).";
    AlreadyEvaluated = "already_evaluated": "This organisation has evaluated this assignment already.";
    Star03 = "STAR-03": "STAR-03: a commendation is nominated at or below the nominator's level and decided at or above its own.";
    TargetNotForKind = "target_not_for_kind": "This kind of commendation cannot name that target (STAR-03).";
    CampaignTaken = "campaign_taken": "A campaign with this year and title exists already (PLAN-01).";
    PlanExists = "plan_exists": "The province has a plan for this campaign already (PLAN-01).";
}

impl ErrorCode {
    /// Every code with its meaning, for the OpenAPI document.
    pub fn catalogue() -> Vec<(&'static str, &'static str)> {
        let fixed = Self::FIXED.iter().copied();
        let violations = ViolationCode::ALL
            .iter()
            .filter(|v| Self::fixed(v.as_str()).is_none())
            .map(|v| {
                (
                    v.as_str(),
                    "An eligibility rule is broken (see `errors[]`).",
                )
            });
        fixed.chain(violations).collect()
    }

    /// The code a domain refusal names (`RecordError::code()` and the like). Every domain code
    /// is listed here; an unknown one is a bug, reported as an internal error and logged.
    pub fn of(code: &str) -> ErrorCode {
        Self::fixed(code)
            .or_else(|| {
                ViolationCode::ALL
                    .iter()
                    .find(|v| v.as_str() == code)
                    .map(|v| ErrorCode::Violation(*v))
            })
            .unwrap_or_else(|| {
                // Tests run debug builds: an unlisted code fails the test that meets it.
                debug_assert!(false, "error code {code:?} is missing from ErrorCode");
                tracing::error!(code, "an error code missing from ErrorCode");
                ErrorCode::InternalError
            })
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ViolationCode> for ErrorCode {
    fn from(v: ViolationCode) -> Self {
        ErrorCode::Violation(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let catalogue = ErrorCode::catalogue();
        let mut seen = std::collections::HashSet::new();
        for (code, meaning) in &catalogue {
            assert!(seen.insert(*code), "{code} listed twice");
            assert!(!meaning.is_empty());
            assert_eq!(ErrorCode::of(code).as_str(), *code);
        }
    }

    #[test]
    fn every_domain_refusal_names_a_listed_code() {
        use crate::domain::service_record::RecordError;
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let record = [
            RecordError::NegativeDuration,
            RecordError::NoServiceTime,
            RecordError::OutsideSchedule,
            RecordError::OverlapsRecord { record_id: 1 },
            RecordError::DailyLimitExceeded { day, minutes: 1 },
        ];
        let listed: Vec<&str> = ErrorCode::catalogue().iter().map(|(c, _)| *c).collect();
        for code in record.iter().map(|e| e.code()) {
            assert!(listed.contains(&code), "{code}");
        }
        for v in ViolationCode::ALL {
            assert!(listed.contains(&v.as_str()), "{}", v.as_str());
        }
    }
}

#[cfg(test)]
mod chinese {
    use super::ErrorCode;

    /// Issue 16, Chinese first: every listed code has a Chinese detail.
    #[test]
    fn every_code_has_a_chinese_detail() {
        let missing: Vec<&str> = ErrorCode::catalogue()
            .into_iter()
            .map(|(code, _)| code)
            .filter(|code| crate::i18n::zh::detail(code).is_none())
            .collect();
        assert!(
            missing.is_empty(),
            "codes without a Chinese detail: {missing:?}"
        );
    }
}
