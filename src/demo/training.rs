//! Training: each province's bureau runs an orientation course (and Zhejiang a storytelling
//! skill course); its sessions took place some months ago, volunteers were enrolled before
//! and their results recorded after, which issued the certificates.

use chrono::Duration;
use rand::Rng;
use rand::seq::IndexedRandom;

use super::orgs::Tree;
use super::volunteers::{DemoVolunteer, People};
use super::{DemoResult, DemoSummary, Seeder, principal, write};
use crate::db::DbConn;
use crate::domain::recruitment::RequiredSkill;
use crate::domain::training::CourseCategory;
use crate::service::training::courses::{
    CreateCourseRequest, CreateSessionRequest, create_course, create_session,
};
use crate::service::training::enrolments::{ResultRequest, enrol, record_result};

/// The orientation course of each province (by province index).
pub struct Courses {
    pub orientation: Vec<i64>,
}

struct CourseSpec {
    code: String,
    title: &'static str,
    description: &'static str,
    category: CourseCategory,
    minutes: i32,
    grants_skill: Option<RequiredSkill>,
}

pub fn run(
    s: &mut Seeder,
    conn: &mut DbConn,
    tree: &Tree,
    people: &mut People,
    summary: &mut DemoSummary,
) -> DemoResult<Courses> {
    let policy = s.policy.eligibility();
    let mut orientation = Vec::new();
    for (pi, province) in tree.provinces.iter().enumerate() {
        let bureau = principal(&province.admin);
        let prefix = &province.code[..2];
        let mut specs = vec![CourseSpec {
            code: format!("ORIENT-{prefix}"),
            title: "文化志愿者岗前培训",
            description: "文化志愿服务的宗旨、权利义务、服务礼仪与安全常识",
            category: CourseCategory::Orientation,
            minutes: 240,
            grants_skill: None,
        }];
        if pi == 0 {
            specs.push(CourseSpec {
                code: format!("STORY-{prefix}"),
                title: "少儿阅读推广与故事讲述",
                description: "绘本共读、故事讲述技巧与少儿阅读活动组织",
                category: CourseCategory::Skill,
                minutes: 360,
                grants_skill: Some(RequiredSkill {
                    code: "reading.storytelling".into(),
                    level: 2,
                }),
            });
        }
        for (ci, spec) in specs.into_iter().enumerate() {
            let req = CreateCourseRequest {
                code: spec.code,
                title: spec.title.to_string(),
                description: spec.description.to_string(),
                category: spec.category,
                minutes: spec.minutes,
                validity_months: Some(24),
                organization_id: None,
                grants_skill: spec.grants_skill,
            };
            let created_at = s.now - Duration::days(200);
            let course = write(conn, |c| create_course(c, &bureau, req, created_at))?;
            summary.courses += 1;
            if ci == 0 {
                orientation.push(course.id);
            }
            // Two sessions, four and five months ago, 09:00–13:00 Beijing time.
            for months_ago in [5i64, 4] {
                let day = (s.now - Duration::days(30 * months_ago + ci as i64 * 3)).date_naive();
                let starts_at = day.and_hms_opt(1, 0, 0).unwrap_or_default().and_utc();
                let ends_at = starts_at + Duration::minutes(i64::from(spec.minutes.min(480)));
                // The first organ's volunteers come first: the demo's regulars are trained.
                let mut trainees: Vec<DemoVolunteer> = people
                    .adults_of(pi, 0)
                    .into_iter()
                    .skip(if months_ago == 5 { 0 } else { 12 })
                    .take(12)
                    .cloned()
                    .collect();
                let others: Vec<DemoVolunteer> = people
                    .all
                    .iter()
                    .filter(|v| v.province == pi && v.organ != 0)
                    .cloned()
                    .collect();
                trainees.extend(others.choose_multiple(&mut s.rng, 8).cloned());
                let req = CreateSessionRequest {
                    starts_at,
                    ends_at,
                    time_zone: None,
                    region_code: province.organs[0].org.region_code.clone(),
                    place: format!("{}培训教室", province.organs[0].org.name),
                    capacity: trainees.len() as i32 + 10,
                    trainer: "省文化馆培训部".into(),
                    organization_id: None,
                };
                let before = starts_at - Duration::days(20);
                let session = write(conn, |c| create_session(c, &bureau, course.id, req, before))?;
                let mut enrolled = Vec::new();
                for volunteer in trainees {
                    // Volunteers enrol themselves, a week before.
                    let me = principal(&people.account(conn, &volunteer, s.now)?);
                    let at = starts_at - Duration::days(7);
                    let e = write(conn, |c| enrol(c, &me, session.id, None, &policy, at))?;
                    enrolled.push(e.id);
                }
                let after = ends_at + Duration::hours(2);
                for (i, id) in enrolled.into_iter().enumerate() {
                    // The first of each session (a regular) passes; of the others a few fail
                    // or do not come.
                    let roll = match i {
                        0 => 99,
                        _ => s.rng.random_range(0..100),
                    };
                    let req = ResultRequest {
                        attended: roll >= 4,
                        passed: roll >= 8,
                        score: (roll >= 4).then(|| s.rng.random_range(55..=98)),
                    };
                    let passed = req.passed;
                    write(conn, |c| record_result(c, &bureau, id, req, after))?;
                    summary.certificates += usize::from(passed);
                }
            }
        }
    }
    Ok(Courses { orientation })
}
