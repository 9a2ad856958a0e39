//! The authorization matrix (issue 15): every operation of `openapi/openapi.json` × every role
//! × in scope / out of scope, with the expected outcome of each cell in one table. An
//! operation without a row, or a row without an operation, fails the test.
//!
//! Callers: the ministry admin, and Zhejiang's bureau admin (provincial bureau), coordinator
//! (Hangzhou), auditor (provincial bureau) and volunteer (registered at Hangzhou), and
//! anonymous. "In scope" substitutes the Zhejiang fixture's ids (for the volunteer: its own
//! records), "out of scope" Xinjiang's (see `authz_fixture`).
//!
//! One code per role, columns ministry, bureau admin, coordinator, auditor, volunteer,
//! anonymous:
//! - `A` allowed in scope and out of scope
//! - `L` allowed (a list), and the list leaves out the out-of-scope object of its kind
//! - `S` allowed in scope; out of scope 404 (invisible)
//! - `T` allowed in scope; out of scope 403
//! - `-` refused in and out: 403 (anonymous: 401)
//! - `N` refused in and out with 404 (the object is not the caller's to see)
//! - `X` refused: 403 in scope, 404 out of scope
//!
//! "Allowed" is any status but 401, 403 and 404 (and never 5xx): a 409 or 422 shows the
//! request passed the authority check and met a rule. Rows marked `last` change the state
//! others depend on (withdrawals, disabling); refused cells of every row run first, then the
//! allowed ones in table order, then `last` rows.

use std::collections::{BTreeMap, HashMap};

use futures_util::StreamExt;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::authz_fixture::{Fixture, ROLES, Side, build};
use crate::db_test;
use crate::helpers::{TestApp, resident_id};

pub struct Row {
    pub method: &'static str,
    pub path: &'static str,
    pub codes: &'static str,
    pub late: bool,
    pub note: &'static str,
}

const fn r(
    method: &'static str,
    path: &'static str,
    codes: &'static str,
    note: &'static str,
) -> Row {
    Row {
        method,
        path,
        codes,
        late: false,
        note,
    }
}

/// A row whose allowed cells run after every other row's (they change what others rely on).
const fn last(
    method: &'static str,
    path: &'static str,
    codes: &'static str,
    note: &'static str,
) -> Row {
    Row {
        late: true,
        ..r(method, path, codes, note)
    }
}

#[rustfmt::skip]
pub const MATRIX: &[Row] = &[
    //  method   path                                                         M B C A V anon  note
    r("GET",    "/api/v1/activities",                                        "ALLLL-", ""),
    r("POST",   "/api/v1/activities",                                        "ASS---", "site in / out of scope"),
    r("GET",    "/api/v1/activities/{id}",                                   "ASSSS-", "volunteer: an activity it is assigned to"),
    r("PATCH",  "/api/v1/activities/{id}",                                   "ASSXX-", ""),
    r("POST",   "/api/v1/activities/{id}/assignments",                       "-SSXX-", "offer: the ministry does not dispatch"),
    r("GET",    "/api/v1/activities/{id}/attendance",                        "ASSSX-", ""),
    last("POST", "/api/v1/activities/{id}/cancel",                           "ASSXX-", ""),
    r("GET",    "/api/v1/activities/{id}/candidates",                        "ASSXX-", ""),
    r("POST",   "/api/v1/activities/{id}/complete",                          "ASSXX-", ""),
    r("GET",    "/api/v1/activities/{id}/eligibility/{volunteer_id}",        "ASSXX-", ""),
    r("GET",    "/api/v1/activities/{id}/feedback-link",                     "-SSXX-", ""),
    r("GET",    "/api/v1/activities/{id}/feedback-qr",                       "-SSXX-", ""),
    r("GET",    "/api/v1/activities/{id}/people-reached",                    "ASSSS-", "a volunteer reads its own activity's counts"),
    r("PUT",    "/api/v1/activities/{id}/people-reached",                    "ASSXX-", ""),
    r("POST",   "/api/v1/activities/{id}/publish",                           "ASSXX-", ""),
    r("GET",    "/api/v1/activities/{id}/roster",                            "ASSSX-", ""),
    r("POST",   "/api/v1/activities/{id}/start",                             "ASSXX-", ""),
    r("GET",    "/api/v1/activities/{id}/team-evaluations",                  "ASSSX-", ""),
    r("POST",   "/api/v1/activities/{id}/team-evaluations",                  "-XXXX-", "the receiving side of a Spring Rain deployment only: none here"),
    r("PUT",    "/api/v1/activities/{id}/team-leader",                       "-SSXX-", ""),
    r("GET",    "/api/v1/applications",                                      "ALL-L-", "a volunteer lists its own"),
    r("POST",   "/api/v1/applications/{id}/accept",                          "ATT---", "the campaign is visible nationally: 403 outside"),
    r("POST",   "/api/v1/applications/{id}/reject",                          "ATT---", "the campaign is visible nationally: 403 outside"),
    r("POST",   "/api/v1/applications/{id}/withdraw",                        "------", "the applicant only (another volunteer here)"),
    r("GET",    "/api/v1/assignments",                                       "ALLLL-", ""),
    r("GET",    "/api/v1/assignments/{id}",                                  "ASSSS-", ""),
    r("POST",   "/api/v1/assignments/{id}/agreement",                        "-SSXS-", "either party signs"),
    r("POST",   "/api/v1/assignments/{id}/agreement-request",                "-SSXS-", "either party asks"),
    r("PUT",    "/api/v1/assignments/{id}/attendance/{date}",                "-SSXX-", "the organiser records a day's presence"),
    last("POST", "/api/v1/assignments/{id}/cancel",                          "-SSXX-", ""),
    r("POST",   "/api/v1/assignments/{id}/check-in",                         "-SSXS-", ""),
    r("POST",   "/api/v1/assignments/{id}/check-out",                        "-SSXS-", ""),
    r("POST",   "/api/v1/assignments/{id}/complaints",                       "-SSXX-", ""),
    r("POST",   "/api/v1/assignments/{id}/confirm",                          "-XXXS-", "an offered assignment"),
    r("POST",   "/api/v1/assignments/{id}/decline",                          "-XXXS-", "an offered assignment"),
    r("POST",   "/api/v1/assignments/{id}/evaluations",                      "-SSXX-", ""),
    r("POST",   "/api/v1/assignments/{id}/no-show",                          "-SSXX-", ""),
    r("POST",   "/api/v1/assignments/{id}/verify",                           "-SSXX-", ""),
    r("POST",   "/api/v1/assignments/{id}/verify-attendance",                "-SSXX-", ""),
    last("POST", "/api/v1/assignments/{id}/withdraw",                        "-XXXS-", ""),
    r("GET",    "/api/v1/audit-events",                                      "AL-L--", ""),
    r("POST",   "/api/v1/auth/activate",                                     "AAAAAA", "a fresh activation code"),
    r("POST",   "/api/v1/auth/login",                                        "AAAAAA", ""),
    r("POST",   "/api/v1/auth/logout",                                       "AAAAAA", ""),
    r("POST",   "/api/v1/auth/refresh",                                      "AAAAAA", "a fresh refresh token"),
    r("POST",   "/api/v1/auth/register",                                     "AAAAAA", "self-registration"),
    r("GET",    "/api/v1/campaigns",                                         "AAAA--", ""),
    r("POST",   "/api/v1/campaigns",                                         "A-----", ""),
    r("GET",    "/api/v1/campaigns/{id}",                                    "AAAAN-", "national"),
    r("GET",    "/api/v1/campaigns/{id}/missing",                            "AAAA--", "national"),
    r("GET",    "/api/v1/commendations",                                     "ALLL--", ""),
    r("POST",   "/api/v1/commendations",                                     "ASS---", ""),
    r("GET",    "/api/v1/commendations/{id}",                                "ASSSN-", ""),
    r("POST",   "/api/v1/commendations/{id}/approve",                        "ASXXN-", ""),
    r("POST",   "/api/v1/commendations/{id}/reject",                         "ASXXN-", ""),
    r("POST",   "/api/v1/commendations/{id}/return",                         "ASXXN-", ""),
    r("POST",   "/api/v1/complaints/{id}/dismiss",                           "ASSXX-", ""),
    r("POST",   "/api/v1/complaints/{id}/uphold",                            "ASSXX-", ""),
    r("GET",    "/api/v1/courses",                                           "ALLLL-", "a volunteer sees its organisation's and national courses"),
    r("POST",   "/api/v1/courses",                                           "ASS---", "owning organisation in / out of scope"),
    r("GET",    "/api/v1/courses/{id}",                                      "ASSSS-", ""),
    r("GET",    "/api/v1/courses/{id}/sessions",                             "ASSSS-", ""),
    r("POST",   "/api/v1/courses/{id}/sessions",                             "ASS---", ""),
    r("POST",   "/api/v1/dispatch/plans",                                    "ASS---", ""),
    r("GET",    "/api/v1/dispatch/plans/{id}",                               "ASSXN-", ""),
    r("POST",   "/api/v1/dispatch/plans/{id}/commit",                        "-SSXN-", ""),
    r("POST",   "/api/v1/enrollments/{id}/result",                           "ASSNN-", ""),
    r("GET",    "/api/v1/identity-disputes",                                 "-L----", ""),
    r("POST",   "/api/v1/identity-disputes/{id}/decision",                   "-S----", ""),
    r("GET",    "/api/v1/implementation-plans",                              "ALLL--", ""),
    r("POST",   "/api/v1/implementation-plans",                              "-A----", ""),
    r("GET",    "/api/v1/implementation-plans/{id}",                         "ASSSN-", ""),
    r("PATCH",  "/api/v1/implementation-plans/{id}",                         "-SXXN-", "the ministry decides, it does not edit"),
    r("POST",   "/api/v1/implementation-plans/{id}/approve",                 "AXXXN-", ""),
    r("POST",   "/api/v1/implementation-plans/{id}/return",                  "AXXXN-", ""),
    r("POST",   "/api/v1/implementation-plans/{id}/submit",                  "-SXXN-", ""),
    r("POST",   "/api/v1/implementation-plans/{id}/summary",                 "-SXXN-", ""),
    r("GET",    "/api/v1/me",                                                "AAAAA-", ""),
    r("GET",    "/api/v1/me/conduct",                                        "----A-", ""),
    r("GET",    "/api/v1/me/notifications",                                  "AAAAA-", ""),
    r("POST",   "/api/v1/me/notifications/{id}/read",                        "NNNNS-", "the volunteer's own notification"),
    r("GET",    "/api/v1/opinions",                                          "ALLL--", ""),
    r("POST",   "/api/v1/opinions",                                          "-SSXX-", ""),
    r("GET",    "/api/v1/opinions/{id}",                                     "ASSSN-", ""),
    r("POST",   "/api/v1/opinions/{id}/answer",                              "-SSXN-", ""),
    r("GET",    "/api/v1/organizations",                                     "ALLL--", ""),
    r("POST",   "/api/v1/organizations",                                     "AS----", ""),
    r("GET",    "/api/v1/organizations/{id}",                                "ASSSS-", ""),
    r("POST",   "/api/v1/personal-data-requests/{id}/action",                "ASXXX-", ""),
    r("POST",   "/api/v1/personal-data-requests/{id}/exempt",                "ASXXX-", ""),
    r("GET",    "/api/v1/policy",                                            "AAAA--", ""),
    r("GET",    "/api/v1/privacy-notices",                                   "AAAAA-", ""),
    r("POST",   "/api/v1/privacy-notices",                                   "A-----", ""),
    r("POST",   "/api/v1/privacy-notices/{id}/publish",                      "A-----", ""),
    r("GET",    "/api/v1/public/activities",                                 "AAAAAA", ""),
    r("GET",    "/api/v1/public/certificates/{number}",                      "AAAAAA", ""),
    r("POST",   "/api/v1/public/certificates/{number}/objections",           "AAAAAA", ""),
    r("GET",    "/api/v1/public/feedback/receipts/{code}",                   "AAAAAA", "by the receipt code alone"),
    r("GET",    "/api/v1/public/feedback/{token}",                           "AAAAAA", ""),
    r("POST",   "/api/v1/public/feedback/{token}",                           "AAAAAA", ""),
    r("GET",    "/api/v1/public/honours",                                    "AAAAAA", ""),
    r("GET",    "/api/v1/public/rectifications",                             "AAAAAA", ""),
    r("GET",    "/api/v1/public/training-base-certificates/{number}",        "AAAAAA", "public: anyone checks a number"),
    r("GET",    "/api/v1/record-certificates/{id}/objections",               "-SSXN-", ""),
    r("POST",   "/api/v1/record-certificates/{id}/objections/{objection_id}/decision", "-SSXN-", "an objection from the public page"),
    last("POST", "/api/v1/record-certificates/{id}/revoke",                  "-SSXN-", ""),
    r("POST",   "/api/v1/record-corrections/{id}/accept",                    "-SSXN-", ""),
    r("POST",   "/api/v1/record-corrections/{id}/reject",                    "-SSXN-", ""),
    r("GET",    "/api/v1/recruitments",                                      "AAAAA-", "campaigns are public calls: anyone may apply"),
    r("POST",   "/api/v1/recruitments",                                      "ASS---", "owning organisation in / out of scope"),
    r("GET",    "/api/v1/recruitments/{id}",                                 "AAAAA-", "campaigns are public calls: anyone may apply"),
    r("POST",   "/api/v1/recruitments/{id}/applications",                    "-XSXS-", ""),
    last("POST", "/api/v1/recruitments/{id}/close",                          "ATT---", "visible nationally: 403 outside"),
    r("POST",   "/api/v1/recruitments/{id}/open",                            "ATT---", "visible nationally: 403 outside"),
    r("GET",    "/api/v1/rectifications",                                    "ALLL--", ""),
    r("POST",   "/api/v1/rectifications",                                    "ASSXN-", ""),
    r("GET",    "/api/v1/rectifications/{id}",                               "ASSSN-", ""),
    r("POST",   "/api/v1/rectifications/{id}/publish",                       "ASSXN-", ""),
    r("POST",   "/api/v1/rectifications/{id}/reject",                        "ASSXN-", ""),
    r("POST",   "/api/v1/rectifications/{id}/resolve",                       "ASSXN-", ""),
    r("POST",   "/api/v1/rectifications/{id}/return",                        "ASXXN-", "FB-03: the supervising organisation only"),
    r("POST",   "/api/v1/rectifications/{id}/start",                         "ASSXN-", ""),
    r("GET",    "/api/v1/reference/activity-forms",                          "AAAAAA", ""),
    r("GET",    "/api/v1/reference/course-categories",                       "AAAAAA", ""),
    r("GET",    "/api/v1/reference/languages",                               "AAAAAA", ""),
    r("GET",    "/api/v1/reference/regions",                                 "AAAAAA", ""),
    r("GET",    "/api/v1/reference/skills",                                  "AAAAAA", ""),
    r("GET",    "/api/v1/reference/target-groups",                           "AAAAAA", ""),
    r("GET",    "/api/v1/service-records/export",                            "AA----", ""),
    r("POST",   "/api/v1/service-records/sync-status",                       "AS----", ""),
    r("POST",   "/api/v1/service-records/{id}/corrections",                  "-XXXS-", "the volunteer asks; the organiser decides"),
    r("GET",    "/api/v1/service-records/{id}/versions",                     "ASSSS-", ""),
    r("GET",    "/api/v1/sessions/{id}",                                     "ASSSS-", ""),
    r("GET",    "/api/v1/sessions/{id}/enrollments",                         "ASSXX-", ""),
    r("POST",   "/api/v1/sessions/{id}/enrollments",                         "-XSXS-", ""),
    r("GET",    "/api/v1/sites",                                             "ALLL--", ""),
    r("POST",   "/api/v1/sites",                                             "ASS---", ""),
    r("GET",    "/api/v1/spring-rain/editions",                              "AAAA--", ""),
    r("POST",   "/api/v1/spring-rain/editions",                              "A-----", ""),
    r("GET",    "/api/v1/spring-rain/editions/{id}",                         "AAAAN-", "national"),
    last("POST", "/api/v1/spring-rain/editions/{id}/close",                  "A---N-", ""),
    r("POST",   "/api/v1/spring-rain/editions/{id}/open",                    "A---N-", ""),
    r("POST",   "/api/v1/spring-rain/editions/{id}/pairings",                "A---N-", ""),
    r("POST",   "/api/v1/spring-rain/editions/{id}/plans",                   "AAA-N-", "a sending province's plan; national edition"),
    r("GET",    "/api/v1/spring-rain/editions/{id}/report",                  "AAAAN-", "rows narrowed to the caller's province"),
    r("GET",    "/api/v1/spring-rain/pairings",                              "AAAA--", ""),
    r("POST",   "/api/v1/spring-rain/pairings",                              "A-----", ""),
    r("GET",    "/api/v1/spring-rain/pairings/{id}",                         "AAAAN-", "national"),
    r("POST",   "/api/v1/star-applications/{id}/grant",                      "ASXXX-", "the bureau decides"),
    r("POST",   "/api/v1/star-applications/{id}/reject",                     "ASXXX-", "the bureau decides"),
    r("GET",    "/api/v1/stats/breakdown",                                   "AAAA--", ""),
    r("GET",    "/api/v1/stats/overview",                                    "AAAA--", ""),
    r("POST",   "/api/v1/training-base/events",                              "ASS---", "host in / out of scope"),
    r("GET",    "/api/v1/training-base/events/{id}",                         "ASSNN-", "out of scope: hosted by Fujian"),
    r("GET",    "/api/v1/training-base/events/{id}/trainees",                "ASSNN-", "out of scope: hosted by Fujian"),
    r("POST",   "/api/v1/training-base/events/{id}/trainees",                "-SXNN-", "the bureau of an invited province nominates"),
    r("POST",   "/api/v1/training-base/trainees/{id}/attendance",            "ASSNN-", "the host records"),
    r("POST",   "/api/v1/training-base/trainees/{id}/certificate",           "ASSNN-", "the host issues"),
    last("POST", "/api/v1/training-certificates/{id}/revoke",                "ASSNN-", "the organiser of the training; auditors do not see it through this action"),
    r("GET",    "/api/v1/users",                                             "AL-L--", ""),
    r("POST",   "/api/v1/users",                                             "AS----", ""),
    r("GET",    "/api/v1/users/{id}",                                        "ASNSN-", ""),
    last("POST", "/api/v1/users/{id}/disable",                               "ASNXN-", ""),
    r("GET",    "/api/v1/volunteers",                                        "ALLLL-", ""),
    r("POST",   "/api/v1/volunteers",                                        "ASS---", ""),
    r("GET",    "/api/v1/volunteers/export",                                 "AA-A--", ""),
    r("POST",   "/api/v1/volunteers/import",                                 "AAA---", "rows land in the caller's organisation"),
    r("GET",    "/api/v1/volunteers/{id}",                                   "ASSSS-", ""),
    r("PATCH",  "/api/v1/volunteers/{id}",                                   "-SSXS-", "the ministry never edits profiles"),
    r("POST",   "/api/v1/volunteers/{id}/approve",                           "ASXXX-", ""),
    r("PUT",    "/api/v1/volunteers/{id}/availability",                      "-SSXS-", ""),
    r("PUT",    "/api/v1/volunteers/{id}/background-check",                  "-SSXX-", ""),
    r("GET",    "/api/v1/volunteers/{id}/conduct",                           "ASSSS-", "a volunteer reads its own"),
    r("POST",   "/api/v1/volunteers/{id}/guardian-consents",                 "-SSXS-", ""),
    r("PUT",    "/api/v1/volunteers/{id}/honour-publication",                "-XXXS-", "PI-07: one's own consent"),
    r("POST",   "/api/v1/volunteers/{id}/insurance-policies",                "-SSXX-", ""),
    r("PUT",    "/api/v1/volunteers/{id}/languages",                         "-SSXS-", ""),
    r("PUT",    "/api/v1/volunteers/{id}/matching-consent",                  "-SSXS-", "staff record a consent given on paper"),
    last("DELETE", "/api/v1/volunteers/{id}/matching-consent",               "-SSXS-", "staff record a withdrawal given on paper"),
    r("GET",    "/api/v1/volunteers/{id}/personal-data-requests",            "ASSSS-", ""),
    r("POST",   "/api/v1/volunteers/{id}/personal-data-requests",            "-SSXS-", ""),
    r("GET",    "/api/v1/volunteers/{id}/privacy-consents",                  "ASSSS-", ""),
    r("POST",   "/api/v1/volunteers/{id}/privacy-consents",                  "-SSXS-", "staff record a consent given on paper"),
    last("POST", "/api/v1/volunteers/{id}/privacy-consents/withdraw",        "-SSXS-", "staff record a withdrawal given on paper"),
    r("POST",   "/api/v1/volunteers/{id}/qualifications",                    "-SSXX-", ""),
    r("GET",    "/api/v1/volunteers/{id}/record-certificates",               "ASSSS-", ""),
    r("POST",   "/api/v1/volunteers/{id}/record-certificates",               "-SS-S-", "a volunteer asks for its own"),
    r("POST",   "/api/v1/volunteers/{id}/reinstate",                         "ASXXX-", ""),
    r("GET",    "/api/v1/volunteers/{id}/service-records",                   "ASSSS-", ""),
    r("PUT",    "/api/v1/volunteers/{id}/skills",                            "-SSXS-", ""),
    r("POST",   "/api/v1/volunteers/{id}/star-applications",                 "-XXXS-", ""),
    r("GET",    "/api/v1/volunteers/{id}/stars",                             "ASSSS-", ""),
    last("POST", "/api/v1/volunteers/{id}/suspend",                          "ASXXX-", ""),
    r("PUT",    "/api/v1/volunteers/{id}/target-groups",                     "-SSXS-", ""),
    r("GET",    "/api/v1/volunteers/{id}/training-certificates",             "ASSSS-", ""),
    last("POST", "/api/v1/volunteers/{id}/withdraw",                         "ASXXS-", ""),
    r("GET",    "/health/live",                                              "AAAAAA", ""),
    r("GET",    "/health/ready",                                             "AAAAAA", ""),
    r("GET",    "/metrics",                                                  "AAAAAA", ""),
];

/// Minimal valid bodies (and, for GETs, query strings starting with `?`). `$name` is the
/// fixture's object of that name on the cell's side (in scope: Zhejiang, out: Xinjiang);
/// `$n` a fresh number, `$fresh-id-number` a fresh resident ID number of the side's
/// district, `$fresh-refresh` a fresh refresh token, `$fresh-activation` a fresh activation
/// code. A body starting with `csv:` is sent as `text/csv`. Writes without an entry send `{}`.
#[rustfmt::skip]
const BODIES: &[(&str, &str, &str)] = &[
    ("POST",  "/api/v1/activities", r#"{"site_id": $sites, "title": "社区读书会", "description": "读书分享", "category": "grassroots_culture",
        "form": "reading", "starts_at": "2030-06-01T02:00:00Z", "ends_at": "2030-06-01T04:00:00Z", "headcount_min": 1, "headcount_max": 5,
        "physical_demand": 1, "risk_level": "low", "risk_disclosure": "室内活动", "requirements": {"summary": "喜欢读书"}}"#),
    ("PATCH", "/api/v1/activities/{id}", r#"{"description": "更新后的介绍"}"#),
    ("POST",  "/api/v1/activities/{id}/assignments", r#"{"volunteer_id": $other-volunteer}"#),
    ("POST",  "/api/v1/activities/{id}/cancel", r#"{"reason": "天气原因"}"#),
    ("GET",   "/api/v1/activities/{id}/eligibility/{volunteer_id}", ""),
    ("PUT",   "/api/v1/activities/{id}/people-reached", r#"{"counts": {"elderly": 10}}"#),
    ("POST",  "/api/v1/activities/{id}/team-evaluations", r#"{"text": "团队配合良好", "rating": 5}"#),
    ("PUT",   "/api/v1/activities/{id}/team-leader", r#"{"assignment_id": $assignments}"#),
    ("POST",  "/api/v1/applications/{id}/reject", r#"{"comment": "名额已满"}"#),
        ("PUT",   "/api/v1/assignments/{id}/attendance/{date}", r#"{"checked_in_at": "$morning"}"#),
    ("POST",  "/api/v1/assignments/{id}/complaints", r#"{"description": "迟到"}"#),
    ("POST",  "/api/v1/assignments/{id}/evaluations", r#"{"rating": 5, "note": "认真负责"}"#),
    ("POST",  "/api/v1/auth/activate", r#"{"code": "$fresh-activation", "username": "activated.$n", "password": "Activated-pass-99"}"#),
    ("POST",  "/api/v1/auth/login", r#"{"username": "zj.sessions", "password": "Staff-Test-Password-1"}"#),
    ("POST",  "/api/v1/auth/logout", r#"{"refresh_token": "$fresh-refresh"}"#),
    ("POST",  "/api/v1/auth/refresh", r#"{"refresh_token": "$fresh-refresh"}"#),
    ("POST",  "/api/v1/auth/register", r#"{"name": "自荐者", "id_type": "resident_id", "id_number": "$fresh-id-number", "mobile": "+86 138-0013-8000",
        "home_region_code": "$region", "skills": [{"code": "performance.music", "level": 2}], "languages": [{"code": "zh", "proficiency": "native"}],
        "attest_true": true, "privacy_consent_version": "2026-01", "organization_id": $organizations, "username": "self.$n", "password": "Self-register-pass-9"}"#),
    ("POST",  "/api/v1/campaigns", r#"{"year": 2040, "title": "实施方案", "due_date": "2040-03-31", "period_from": "2040-01-01", "period_to": "2040-12-31",
        "stages": [{"name": "学习动员", "starts_on": "2040-01-01", "ends_on": "2040-12-31"}]}"#),
    ("POST",  "/api/v1/commendations", r#"{"kind": "model_volunteer", "level": "municipal", "target_type": "volunteer", "target_id": $volunteers, "citation": "服务认真"}"#),
    ("POST",  "/api/v1/commendations/{id}/reject", r#"{"note": "材料不足"}"#),
    ("POST",  "/api/v1/commendations/{id}/return", r#"{"note": "请补充材料"}"#),
    ("POST",  "/api/v1/complaints/{id}/dismiss", r#"{"reason": "查无实据"}"#),
    ("POST",  "/api/v1/complaints/{id}/uphold", r#"{"reason": "属实"}"#),
    ("POST",  "/api/v1/courses", r#"{"code": "C-$n", "title": "新课程", "category": "skill", "minutes": 60, "organization_id": $organizations}"#),
    ("POST",  "/api/v1/courses/{id}/sessions", r#"{"starts_at": "2030-04-01T01:00:00Z", "ends_at": "2030-04-01T03:00:00Z", "region_code": "$region", "place": "报告厅", "capacity": 5, "trainer": "王老师", "organization_id": $organizations}"#),
    ("POST",  "/api/v1/dispatch/plans", r#"{"activity_ids": [$activities]}"#),
    ("POST",  "/api/v1/enrollments/{id}/result", r#"{"attended": true, "passed": true}"#),
    ("POST",  "/api/v1/identity-disputes/{id}/decision", r#"{"outcome": "rejected", "reason": "证件无误"}"#),
    ("POST",  "/api/v1/implementation-plans", r#"{"campaign_id": $campaigns, "targets": {"volunteers_registered": 1, "volunteers_trained": 1,
        "spring_rain_teams_sent": 0, "spring_rain_teams_received": 1, "verified_hours": 1}}"#),
    ("PATCH", "/api/v1/implementation-plans/{id}", r#"{"targets": {"volunteers_registered": 2, "volunteers_trained": 1,
        "spring_rain_teams_sent": 0, "spring_rain_teams_received": 1, "verified_hours": 1}}"#),
    ("POST",  "/api/v1/implementation-plans/{id}/return", r#"{"comment": "目标偏低"}"#),
    ("POST",  "/api/v1/implementation-plans/{id}/summary", r#"{"summary_evaluation": "年度总结"}"#),
    ("POST",  "/api/v1/opinions", r#"{"activity_id": $activities, "channel": "symposium", "heard_on": "$today", "summary": "希望多办活动"}"#),
    ("POST",  "/api/v1/opinions/{id}/answer", r#"{"answer": "已安排"}"#),
    ("POST",  "/api/v1/organizations", r#"{"kind": "cultural_organ", "organ_type": "library", "name": "新图书馆$n", "parent_id": $organizations, "region_code": "$region"}"#),
    ("POST",  "/api/v1/personal-data-requests/{id}/action", r#"{"note": "已更正"}"#),
    ("POST",  "/api/v1/personal-data-requests/{id}/exempt", r#"{"note": "法定保存期内"}"#),
    ("POST",  "/api/v1/privacy-notices", r#"{"version": "2040-$n", "purpose": "registration", "summary": "个人信息处理规则", "fresh_consent_required": false}"#),
    ("POST",  "/api/v1/public/certificates/{number}/objections", r#"{"reason": "此人当天不在现场"}"#),
    ("POST",  "/api/v1/public/feedback/{token}", r#"{"rating": 5, "comment": "很好"}"#),
    ("POST",  "/api/v1/record-certificates/{id}/objections/{objection_id}/decision", r#"{"decision": "dismiss", "note": "无误"}"#),
    ("POST",  "/api/v1/record-certificates/{id}/revoke", r#"{"reason": "信息有误"}"#),
    ("POST",  "/api/v1/record-corrections/{id}/reject", r#"{"note": "记录无误"}"#),
    ("POST",  "/api/v1/recruitments", r#"{"title": "招募$n", "description": "社区文化志愿者", "quota": 3, "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z", "organization_id": $organizations}"#),
    ("POST",  "/api/v1/recruitments/{id}/applications", r#"{"volunteer_id": $volunteers}"#),
    ("POST",  "/api/v1/rectifications", r#"{"organization_id": $organizations, "description": "展板破损", "responsible_person": "馆长", "measures": "更换展板", "due_on": "2030-01-31"}"#),
    ("POST",  "/api/v1/rectifications/{id}/reject", r#"{"reason": "整改不到位"}"#),
    ("POST",  "/api/v1/rectifications/{id}/return", r#"{"reason": "请补充"}"#),
    ("POST",  "/api/v1/rectifications/{id}/resolve", r#"{"resolution": "已整改"}"#),
    ("POST",  "/api/v1/service-records/sync-status", r#"{"record_ids": [$service-records], "status": "sent"}"#),
    ("POST",  "/api/v1/service-records/{id}/corrections", r#"{"reason": "时间有误", "ended_at": "2020-01-01T00:00:00Z"}"#),
    ("POST",  "/api/v1/sessions/{id}/enrollments", r#"{"volunteer_id": $volunteers}"#),
    ("POST",  "/api/v1/sites", r#"{"name": "新站点$n", "kind": "community", "region_code": "$region", "address": "某街道", "location_type": "community", "contact": "社区", "organization_id": $organizations}"#),
    ("POST",  "/api/v1/spring-rain/editions", r#"{"year": 2041, "title": "2041年春雨工程", "theme": "文化润边", "plans_due_on": "2041-03-31"}"#),
    ("POST",  "/api/v1/spring-rain/editions/{id}/pairings", r#"{"pairing_id": $pairings}"#),
    ("POST",  "/api/v1/spring-rain/pairings", r#"{"sending_province": "530000", "receiving_region": "540000", "start_year": 2040}"#),
    ("POST",  "/api/v1/training-base/events", r#"{"title": "培训班", "place": "省文化馆", "starts_on": "2030-05-01", "ends_on": "2030-05-05", "capacity": 10, "invited_provinces": ["65"], "organization_id": $organizations}"#),
    ("POST",  "/api/v1/users", r#"{"username": "new.$n", "password": "Staff-Test-Password-1", "role": "coordinator", "organization_id": $organizations}"#),
    ("POST",  "/api/v1/volunteers", r#"{"name": "新志愿者", "id_type": "resident_id", "id_number": "$fresh-id-number", "mobile": "+86 138-0013-8000",
        "home_region_code": "$region", "organization_id": $organizations, "skills": [{"code": "performance.music", "level": 2}],
        "languages": [{"code": "zh", "proficiency": "native"}], "attest_true": true, "privacy_consent_version": "2026-01"}"#),
    ("POST",  "/api/v1/volunteers/import", "csv:name,id_type,id_number,mobile,home_region_code,skills,languages,email,attest_true,privacy_consent_version\n导入者,resident_id,$fresh-id-number,13800138000,$region,performance.music,zh,,true,2026-01\n"),
    ("PATCH", "/api/v1/volunteers/{id}", r#"{"email": "new@example.com"}"#),
    ("POST",  "/api/v1/volunteers/{id}/suspend", r#"{"reason": "暂停"}"#),
    ("PUT",   "/api/v1/volunteers/{id}/availability", r#"{"weekly": [{"weekday": 6, "start": "09:00", "end": "12:00"}], "blackouts": []}"#),
    ("PUT",   "/api/v1/volunteers/{id}/background-check", r#"{"passed_on": "2026-01-01"}"#),
    ("POST",  "/api/v1/volunteers/{id}/guardian-consents", r#"{"method": "written", "guardian_name": "家长", "relationship": "father"}"#),
    ("PUT",   "/api/v1/volunteers/{id}/honour-publication", r#"{"consent": true}"#),
    ("POST",  "/api/v1/volunteers/{id}/insurance-policies", r#"{"insurer": "保险公司", "policy_number": "P-$n", "valid_from": "2026-01-01", "valid_to": "2031-01-01"}"#),
    ("PUT",   "/api/v1/volunteers/{id}/languages", r#"[{"code": "zh", "proficiency": "native"}]"#),
    ("PUT",   "/api/v1/volunteers/{id}/matching-consent", r#"{"notice_version": "2026-01"}"#),
    ("POST",  "/api/v1/volunteers/{id}/personal-data-requests", r#"{"kind": "correction", "details": "手机号有误"}"#),
    ("POST",  "/api/v1/volunteers/{id}/privacy-consents", r#"{"notice_version": "2026-01"}"#),
    ("POST",  "/api/v1/volunteers/{id}/qualifications", r#"{"code": "first_aid", "issuer": "红十字会"}"#),
    ("POST",  "/api/v1/volunteers/{id}/record-certificates", r#"{"person_in_charge": "张主任", "handler": "李干事", "contact": "0571-88888888", "organization_id": $organizations}"#),
    ("POST",  "/api/v1/training-certificates/{id}/revoke", r#"{"reason": "考核作弊"}"#),
    ("PUT",   "/api/v1/volunteers/{id}/skills", r#"[{"code": "performance.music", "level": 3}]"#),
    ("PUT",   "/api/v1/volunteers/{id}/target-groups", r#"["elderly"]"#),
    ("POST",  "/api/v1/volunteers/{id}/withdraw", r#"{"reason": "个人原因"}"#),
    ("GET",   "/api/v1/stats/breakdown", "?by=province"),
    ("POST",  "/api/v1/training-base/trainees/{id}/attendance", r#"{"attended": true}"#),
    ("POST",  "/api/v1/training-base/events/{id}/trainees", r#"{"name": "卓玛", "mobile": "13900003333", "work_unit": "乡镇综合文化站", "post": "干事", "region_code": "$region"}"#),
    ("POST",  "/api/v1/assignments/{id}/cancel", r#"{"reason": "活动调整"}"#),
    ("POST",  "/api/v1/assignments/{id}/agreement", r#"{"content_time_place": "社区演出，周六上午", "rights_and_duties": "按时到岗", "risk_protection": "主办方投保",
        "modification_termination": "提前三天告知", "liability_disputes": "协商解决", "other_matters": ""}"#),
];

/// Rows whose `{id}` is not the fixture's usual object of its kind: confirming and declining
/// need an assignment still on offer.
const ID_OVERRIDES: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/api/v1/assignments/{id}/confirm",
        "offered-assignment",
    ),
    (
        "POST",
        "/api/v1/assignments/{id}/decline",
        "offered-assignment",
    ),
];

/// The fixture object a path placeholder stands for: `{id}` is named by the segment before
/// it (`/activities/{id}` → `activities`).
fn placeholder_name(path: &str, placeholder: &str) -> String {
    match placeholder {
        "volunteer_id" => "volunteers".into(),
        "objection_id" => "objections".into(),
        "date" => "date".into(),
        "token" => "feedback-token".into(),
        "code" => "receipt-code".into(),
        "number" if path.contains("training-base") => "tb-certificate-number".into(),
        "number" => "certificate-number".into(),
        _ => {
            let before = path.split("/{").next().unwrap_or_default();
            before.rsplit('/').next().unwrap_or_default().to_string()
        }
    }
}

/// An id no object has: what a path gets when the fixture holds no object of its kind.
const MISSING: &str = "987654321";

struct Ctx<'a> {
    app: &'a TestApp,
    fx: &'a Fixture,
    counter: std::cell::Cell<u32>,
    fresh_numbers: std::cell::RefCell<Vec<String>>,
}

impl Ctx<'_> {
    fn next(&self) -> u32 {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        n
    }

    /// Fills `$name` placeholders in `template` from `side`.
    async fn fill(&self, template: &str, side: &Side) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let tail = &rest[at + 1..];
            let len = tail
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                .unwrap_or(tail.len());
            let name = &tail[..len];
            out.push_str(&self.value(name, side).await);
            rest = &tail[len..];
        }
        out.push_str(rest);
        out
    }

    async fn value(&self, name: &str, side: &Side) -> String {
        match name {
            "n" => self.next().to_string(),
            "today" => self.app.state.clock.today().to_string(),
            "fresh-id-number" => {
                let number =
                    resident_id(side.get("region").unwrap(), "19960606", 500 + self.next());
                self.fresh_numbers.borrow_mut().push(number.clone());
                number
            }
            "fresh-refresh" => {
                let tokens = self
                    .app
                    .login_tokens("zj.sessions", crate::helpers::STAFF_PASSWORD)
                    .await;
                tokens["refresh_token"].as_str().unwrap().to_string()
            }
            "fresh-activation" => {
                let number =
                    resident_id(side.get("region").unwrap(), "19970707", 700 + self.next());
                self.fresh_numbers.borrow_mut().push(number.clone());
                let mut body =
                    crate::helpers::volunteer_body("待激活", &number, side.get("region").unwrap());
                body["organization_id"] = json!(side.id("organizations"));
                let v = self.app.register_volunteer(&self.fx.admin, &body).await;
                v["activation_code"].as_str().unwrap().to_string()
            }
            other => side.get(other).unwrap_or(MISSING).to_string(),
        }
    }

    /// The concrete path of `row` on `side`.
    fn path(&self, row: &Row, side: &Side) -> String {
        let mut out = String::new();
        let mut rest = row.path;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').unwrap() + open;
            let placeholder = &rest[open + 1..close];
            let name = ID_OVERRIDES
                .iter()
                .find(|(m, p, _)| placeholder == "id" && *m == row.method && *p == row.path)
                .map(|(_, _, name)| name.to_string())
                .unwrap_or_else(|| placeholder_name(row.path, placeholder));
            out.push_str(side.get(&name).unwrap_or(MISSING));
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }
}

fn body_of(row: &Row) -> Option<&'static str> {
    BODIES
        .iter()
        .find(|(m, p, _)| *m == row.method && *p == row.path)
        .map(|(_, _, b)| *b)
}

/// Whether the row's request differs between the two sides (a path id or a body placeholder
/// naming a side's object).
fn depends_on_side(row: &Row) -> bool {
    row.path.contains('{')
        || body_of(row).is_some_and(|b| {
            placeholders(b).any(|name| !["n", "today", "fresh-refresh"].contains(&name))
        })
}

/// The `$name` placeholders of a body template.
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('$').skip(1).map(|tail| {
        let len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(tail.len());
        &tail[..len]
    })
}

#[derive(Debug, Clone)]
struct Answer {
    status: StatusCode,
    body: String,
}

async fn send(ctx: &Ctx<'_>, row: &Row, token: Option<&str>, side: &Side) -> Answer {
    let path = ctx.path(row, side);
    let template = body_of(row).unwrap_or(if row.method == "GET" { "" } else { "{}" });
    let filled = ctx.fill(template, side).await;
    let method = Method::from_bytes(row.method.as_bytes()).unwrap();
    let mut url = ctx.app.url(&path);
    if row.method == "GET" {
        url.push_str(&filled);
    }
    let mut req = ctx.app.client.request(method, url);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if row.method == "PATCH" {
        // A fresh ETag, so that a stale version never stands in for a refusal.
        let current = ctx.app.get(&path, &ctx.fx.admin).await;
        if let Some(etag) = current.headers().get("etag") {
            req = req.header("If-Match", etag.clone());
        }
    }
    if row.method != "GET" {
        req = match filled.strip_prefix("csv:") {
            Some(csv) => req.header("content-type", "text/csv").body(csv.to_string()),
            None => req
                .header("content-type", "application/json")
                .body(filled.clone()),
        };
    }
    let res = send_once_more_if_dropped(req).await;
    let status = res.status();
    let bytes = res.bytes().await.unwrap_or_default();
    Answer {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Sends `req`; when the connection was dropped before an answer (a pooled keep-alive
/// connection the server closed meanwhile), sends it once more on a fresh one.
async fn send_once_more_if_dropped(req: reqwest::RequestBuilder) -> reqwest::Response {
    let again = req.try_clone();
    match req.send().await {
        Ok(res) => res,
        Err(e) if e.is_request() && again.is_some() => {
            again.unwrap().send().await.expect("request, sent again")
        }
        Err(e) => panic!("request: {e}"),
    }
}

fn allowed(status: StatusCode) -> bool {
    !matches!(status.as_u16(), 401 | 403 | 404) && !status.is_server_error()
}

/// What the cell (`code`, inside?) should answer, as a check on the status.
fn expected(code: char, inside: bool, anonymous: bool) -> &'static str {
    match (code, inside) {
        ('A' | 'L', _) | ('S' | 'T', true) => "allowed",
        ('S', false) | ('N', _) | ('X', false) => "404",
        ('T', false) | ('X', true) => "403",
        ('-', _) if anonymous => "401",
        ('-', _) => "403",
        _ => panic!("unknown code {code}"),
    }
}

fn meets(status: StatusCode, want: &str) -> bool {
    match want {
        "allowed" => allowed(status),
        n => status.as_u16().to_string() == n,
    }
}

/// The code a pair of answers shows (for the printout that helps keep the table).
fn observed(inside: StatusCode, outside: StatusCode, anonymous: bool) -> String {
    let (i, o) = (inside.as_u16(), outside.as_u16());
    match (allowed(inside), allowed(outside), i, o) {
        (true, true, ..) => "A".into(),
        (true, false, _, 404) => "S".into(),
        (true, false, _, 403) => "T".into(),
        (false, false, 401, 401) if anonymous => "-".into(),
        (false, false, 403, 403) if !anonymous => "-".into(),
        (false, false, 404, 404) => "N".into(),
        (false, false, 403, 404) => "X".into(),
        _ => format!("?{i}/{o}"),
    }
}

struct Cell {
    row: usize,
    role: usize,
    inside: bool,
}

/// Ops of `openapi/openapi.json`, as "METHOD path".
fn documented_operations() -> Vec<String> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .expect("openapi/openapi.json");
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut ops = vec![];
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                ops.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}

#[test]
fn every_documented_operation_has_exactly_one_row() {
    let documented = documented_operations();
    let mut rows: BTreeMap<String, usize> = BTreeMap::new();
    for row in MATRIX {
        assert_eq!(
            row.codes.chars().count(),
            ROLES.len(),
            "{} {}: one code per role",
            row.method,
            row.path
        );
        *rows
            .entry(format!("{} {}", row.method, row.path))
            .or_default() += 1;
    }
    let missing: Vec<&String> = documented
        .iter()
        .filter(|op| !rows.contains_key(*op))
        .collect();
    assert!(
        missing.is_empty(),
        "operations without a row in MATRIX: {missing:#?}"
    );
    let unknown: Vec<&String> = rows.keys().filter(|op| !documented.contains(op)).collect();
    assert!(
        unknown.is_empty(),
        "rows naming no documented operation: {unknown:#?}"
    );
    let twice: Vec<&String> = rows
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(op, _)| op)
        .collect();
    assert!(
        twice.is_empty(),
        "operations with more than one row: {twice:#?}"
    );
    for (method, path, _) in BODIES {
        assert!(
            MATRIX
                .iter()
                .any(|r| r.method == *method && r.path == *path),
            "a body for {method} {path}, which has no row"
        );
    }
}

async fn every_operation_answers_every_role_as_the_matrix_says(app: TestApp) {
    let started = std::time::Instant::now();
    let fx = build(&app).await;
    println!(
        "authorization matrix: fixture built in {:?}",
        started.elapsed()
    );
    let ctx = Ctx {
        app: &app,
        fx: &fx,
        counter: std::cell::Cell::new(0),
        fresh_numbers: Default::default(),
    };
    let discover = std::env::var("MATRIX_DISCOVER").is_ok();
    let shortfalls = crate::authz_fixture::SHORTFALLS.lock().unwrap().clone();
    assert!(
        discover || shortfalls.is_empty(),
        "the fixture is incomplete:\n{}",
        shortfalls.join("\n")
    );
    if discover {
        println!("fixture shortfalls:\n{}", shortfalls.join("\n"));
        println!("inside: {:?}\noutside: {:?}", fx.inside.ids, fx.outside.ids);
    }
    // Refused cells first (they must change nothing), then allowed ones, `last` rows at the end.
    let mut cells: Vec<(u8, Cell)> = vec![];
    for (r, row) in MATRIX.iter().enumerate() {
        for (role, code) in row.codes.chars().enumerate() {
            for inside in [false, true] {
                let allowed = expected(code, inside, role == 5) == "allowed";
                let phase = match (allowed, row.late) {
                    (false, _) => 0,
                    (true, false) => 1,
                    (true, true) => 2,
                };
                cells.push((
                    phase,
                    Cell {
                        row: r,
                        role,
                        inside,
                    },
                ));
            }
        }
    }
    cells.sort_by_key(|(phase, _)| *phase);
    let started = std::time::Instant::now();
    let mut answers: HashMap<(usize, usize, bool), Answer> = HashMap::new();
    // Refused cells change nothing (if one does, a later cell shows it): they run eight at a
    // time. Allowed ones run one by one, in table order.
    let ask = |cell: &Cell| {
        let row = &MATRIX[cell.row];
        let token = fx.tokens[cell.role].as_deref();
        let side = if cell.inside { &fx.inside } else { &fx.outside };
        let key = (cell.row, cell.role, cell.inside);
        let ctx = &ctx;
        async move { (key, send(ctx, row, token, side).await) }
    };
    let refused: Vec<((usize, usize, bool), Answer)> = futures_util::stream::iter(
        cells
            .iter()
            .filter(|(phase, _)| *phase == 0)
            .map(|(_, c)| ask(c)),
    )
    .buffer_unordered(8)
    .collect()
    .await;
    answers.extend(refused);
    for (_, cell) in cells.iter().filter(|(phase, _)| *phase > 0) {
        let row = &MATRIX[cell.row];
        let same = !cell.inside && !depends_on_side(row);
        let answer = match answers.get(&(cell.row, cell.role, true)) {
            // The same request either way: asked once.
            Some(a) if same => a.clone(),
            _ => ask(cell).await.1,
        };
        answers.insert((cell.row, cell.role, cell.inside), answer);
    }
    println!(
        "authorization matrix: {} cells in {:?}",
        answers.len(),
        started.elapsed()
    );

    let mut failures = vec![];
    let mut printout = vec![];
    for (r, row) in MATRIX.iter().enumerate() {
        let mut seen = String::new();
        for (role, code) in row.codes.chars().enumerate() {
            let anonymous = role == 5;
            let a_in = &answers[&(r, role, true)];
            let a_out = &answers[&(r, role, false)];
            seen.push_str(&observed(a_in.status, a_out.status, anonymous));
            seen.push(' ');
            for (inside, a) in [(true, a_in), (false, a_out)] {
                let want = expected(code, inside, anonymous);
                if !meets(a.status, want) {
                    failures.push(format!(
                        "{} {} as {} {}: want {want}, got {} {}",
                        row.method,
                        row.path,
                        ROLES[role],
                        if inside { "in scope" } else { "out of scope" },
                        a.status.as_u16(),
                        a.body.chars().take(200).collect::<String>()
                    ));
                }
            }
            if code == 'L' && row.method == "GET" {
                let kind = row.path.rsplit('/').next().unwrap();
                if let (Some(foreign), Ok(list)) = (
                    fx.outside.get(kind),
                    serde_json::from_str::<Value>(&a_in.body),
                ) {
                    let ids: Vec<String> = list["items"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|i| i["id"].to_string())
                        .collect();
                    if ids.iter().any(|i| i == foreign) {
                        failures.push(format!(
                            "{} {} as {}: lists out-of-scope {kind} {foreign}",
                            row.method, row.path, ROLES[role]
                        ));
                    }
                }
            }
        }
        printout.push(format!(
            "{:6} {:70} {}  (table: {} {})",
            row.method, row.path, seen, row.codes, row.note
        ));
    }
    for ((r, role, inside), a) in &answers {
        for problem in leaks(&ctx, &MATRIX[*r], a) {
            failures.push(format!(
                "{} {} as {} {}: {problem}",
                MATRIX[*r].method,
                MATRIX[*r].path,
                ROLES[*role],
                if *inside { "in scope" } else { "out of scope" }
            ));
        }
    }
    if discover {
        println!("{}", printout.join("\n"));
    }
    failures.sort();
    if discover {
        println!("FAILURES:\n{}", failures.join("\n"));
        let assigned = no_write_assigns_a_protected_field(&ctx).await;
        println!("MASS:\n{}", assigned.join("\n"));
        return;
    }
    assert!(
        failures.is_empty(),
        "{} cells differ from the matrix:\n{}",
        failures.len(),
        failures.join("\n")
    );

    let assigned = no_write_assigns_a_protected_field(&ctx).await;
    assert!(
        assigned.is_empty(),
        "mass assignment:\n{}",
        assigned.join("\n")
    );
}
db_test!(every_operation_answers_every_role_as_the_matrix_says);

/// What no answer may carry: a full ID number, a password hash, someone's activation code, or
/// a token (other than the one a login or refresh hands to its caller).
fn leaks(ctx: &Ctx<'_>, row: &Row, a: &Answer) -> Vec<String> {
    let mut found = vec![];
    let numbers = ctx
        .fx
        .id_numbers
        .iter()
        .chain(ctx.fresh_numbers.borrow().iter())
        .cloned()
        .collect::<Vec<_>>();
    for number in numbers {
        if a.body.contains(&number) {
            found.push(format!("carries the ID number {number}"));
        }
    }
    if a.body.contains("$argon2") {
        found.push("carries a password hash".into());
    }
    for code in &ctx.fx.activation_codes {
        if a.body.contains(code.as_str()) {
            found.push("carries a fixture volunteer's activation code".into());
        }
    }
    let hands_out_tokens = matches!(row.path, "/api/v1/auth/login" | "/api/v1/auth/refresh");
    if !hands_out_tokens {
        if a.body.contains("eyJ") {
            found.push("carries a JWT".into());
        }
        for token in &ctx.fx.refresh_tokens {
            if a.body.contains(token.as_str()) {
                found.push("carries a refresh token".into());
            }
        }
    }
    found
}

/// Fields only their own transitions change (PERMISSIONS.md, property-level rules).
const PROTECTED: [&str; 7] = [
    "status",
    "role",
    "organization_id",
    "volunteer_number",
    "verified_at",
    "verified_minutes",
    "verified_by",
];

/// Last path segments of the transitions, whose very purpose is to change `status`.
const TRANSITIONS: &[&str] = &[
    "approve",
    "suspend",
    "reinstate",
    "withdraw",
    "cancel",
    "publish",
    "start",
    "complete",
    "confirm",
    "decline",
    "check-in",
    "check-out",
    "verify",
    "verify-attendance",
    "no-show",
    "disable",
    "accept",
    "reject",
    "submit",
    "return",
    "resolve",
    "open",
    "close",
    "commit",
    "action",
    "exempt",
    "revoke",
    "uphold",
    "dismiss",
    "decision",
    "grant",
    "read",
    "answer",
    "result",
    "summary",
    "agreement-request",
    "agreement",
    "certificate",
    "attendance",
];

/// Sends every write the matrix allows in scope once more, with protected fields added to its
/// valid body, as the first role allowed to make it; then checks that neither the answer nor
/// the object read back afterwards took any of them. Returns what went wrong.
async fn no_write_assigns_a_protected_field(ctx: &Ctx<'_>) -> Vec<String> {
    let fx = ctx.fx;
    let foreign_org = fx.outside.id("organizations");
    let injected = json!({
        "status": "suspended",
        "role": "ministry_admin",
        "organization_id": foreign_org,
        "volunteer_number": "V-INJECTED-1",
        "verified_at": "2001-02-03T04:05:06Z",
        "verified_minutes": 99999,
        "verified_by": 1,
    });
    let mut problems = vec![];
    let (mut sent, mut taken) = (0, 0);
    for row in MATRIX {
        if !["POST", "PUT", "PATCH"].contains(&row.method)
            || row.path.starts_with("/api/v1/auth/")
            || row.path.starts_with("/api/v1/public/")
        {
            continue;
        }
        // The bureau admin first: it holds most write rights in scope.
        let Some(role) = [1usize, 2, 0, 4]
            .into_iter()
            .find(|r| matches!(row.codes.as_bytes()[*r], b'A' | b'S' | b'T'))
        else {
            continue;
        };
        let template = body_of(row).unwrap_or("{}");
        if template.starts_with("csv:") {
            continue;
        }
        let filled = ctx.fill(template, &fx.inside).await;
        let Ok(Value::Object(mut body)) = serde_json::from_str::<Value>(&filled) else {
            continue;
        };
        for (k, v) in injected.as_object().unwrap() {
            body.entry(k.clone()).or_insert(v.clone());
        }
        let path = ctx.path(row, &fx.inside);
        let target = target_of(row, &path);
        let before = match &target {
            Some(t) => protected_fields(ctx, t).await,
            None => None,
        };
        let method = Method::from_bytes(row.method.as_bytes()).unwrap();
        let mut req = ctx
            .app
            .client
            .request(method, ctx.app.url(&path))
            .bearer_auth(fx.tokens[role].as_deref().unwrap())
            .json(&Value::Object(body.clone()));
        if row.method == "PATCH" {
            let current = ctx.app.get(&path, &fx.admin).await;
            if let Some(etag) = current.headers().get("etag") {
                req = req.header("If-Match", etag.clone());
            }
        }
        let res = send_once_more_if_dropped(req).await;
        let status = res.status();
        let answer: Value = res.json().await.unwrap_or(Value::Null);
        let label = format!("{} {} as {}", row.method, row.path, ROLES[role]);
        sent += 1;
        taken += usize::from(status.is_success());
        if status.is_server_error() {
            problems.push(format!("{label}: {status} with extra fields"));
        }
        let transition = TRANSITIONS.contains(&row.path.rsplit('/').next().unwrap_or_default());
        if status.is_success() {
            for (k, v) in injected.as_object().unwrap() {
                let sent_by_the_valid_body = serde_json::from_str::<Value>(&filled)
                    .ok()
                    .is_some_and(|b| b.get(k).is_some());
                if sent_by_the_valid_body || (k == "status" && transition) {
                    continue;
                }
                if answer.get(k) == Some(v) {
                    problems.push(format!("{label}: the answer took {k} = {v}"));
                }
            }
        }
        if let (Some(t), Some(before)) = (&target, before) {
            let after = protected_fields(ctx, t).await.unwrap_or_default();
            for (k, was) in &before {
                if k == "status" && transition {
                    continue;
                }
                let now = after.get(k).cloned().unwrap_or(Value::Null);
                if &now != was {
                    problems.push(format!("{label}: {t} {k} changed from {was} to {now}"));
                }
            }
        }
    }
    // A pass in which nothing was sent, or every write was refused, would prove nothing.
    if sent < 50 || taken < 10 {
        problems.push(format!(
            "only {sent} writes sent with extra fields, {taken} of them accepted"
        ));
    }
    println!("mass assignment: {sent} writes sent with protected fields added, {taken} accepted");
    problems
}

/// The object a write acts on, as the path to read it back: `/api/v1/volunteers/7/skills` →
/// `/api/v1/volunteers/7`.
fn target_of(row: &Row, path: &str) -> Option<String> {
    if !row.path.contains("{id}") {
        return None;
    }
    let depth = row.path.split("{id}").next().unwrap().matches('/').count() + 1;
    let segments: Vec<&str> = path.split('/').collect();
    Some(segments[..depth.min(segments.len())].join("/"))
}

/// The protected fields of the object at `path` as the ministry reads it (`None`: unreadable).
async fn protected_fields(ctx: &Ctx<'_>, path: &str) -> Option<BTreeMap<String, Value>> {
    let res = ctx.app.get(path, &ctx.fx.admin).await;
    if !res.status().is_success() {
        return None;
    }
    let v: Value = res.json().await.ok()?;
    Some(
        PROTECTED
            .iter()
            .filter_map(|k| v.get(*k).map(|x| (k.to_string(), x.clone())))
            .collect(),
    )
}
