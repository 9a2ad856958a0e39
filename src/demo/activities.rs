//! Activities and service: every organ's site hosts activities of every form for every
//! target group. Past ones ran their whole course through the dispatch use cases, each step
//! at its own time: published, offered, confirmed by the volunteer (ACT-03), started, checked
//! in and out, completed, verified into service records by the organiser (HRS-03), people
//! reached recorded. The organs' regulars served often enough to apply for a star, which
//! their bureau granted. Upcoming ones are published with offers.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};

use super::orgs::{Organ, Tree};
use super::training::Courses;
use super::volunteers::{DemoVolunteer, People};
use super::{DemoResult, DemoSummary, Seeder, principal, write};
use crate::auth::policy::Principal;
use crate::db::DbConn;
use crate::db::activities::ActivityRow;
use crate::domain::activity::{
    ACTIVITY_FORMS, ActivityAction, ActivityCategory, VolunteerRequirements,
};
use crate::domain::assignment::AssignmentAction;
use crate::domain::eligibility::RiskLevel;
use crate::domain::reference::TARGET_GROUPS;
use crate::service::activities::{
    ActivityRequest, PeopleReached, create_activity, record_people_reached,
};
use crate::service::dispatch::{
    AssignmentActionRequest, OfferRequest, move_activity, offer_assignment, take_step,
};
use crate::service::records::stars::{apply_for_star, decide_star};
use crate::service::records::verify_assignment;

/// Regulars per first organ: they serve at every one of its past activities.
const REGULARS: usize = 3;
/// Past activities of an organ's first site, enough for its regulars' first star (100 h).
const REGULAR_ACTIVITIES: usize = 20;
/// An organ runs one past activity for this many of its volunteers.
const VOLUNTEERS_PER_ACTIVITY: usize = 30;

fn title_of(form: &str) -> (&'static str, &'static str) {
    match form {
        "performance" => ("文艺演出", "为居民送上歌舞、戏曲和曲艺节目"),
        "lecture" => ("非遗知识讲座", "讲解本地非物质文化遗产的历史与传承"),
        "exhibition" => ("书画摄影作品展", "展出群众书画与摄影作品，志愿者现场讲解"),
        "reading" => ("亲子阅读会", "志愿者带领家长和孩子共读绘本"),
        "training" => ("广场舞辅导", "为社区文艺队辅导广场舞编排"),
        "film_screening" => ("公益电影放映", "露天放映优秀国产影片"),
        "heritage" => ("剪纸技艺体验", "非遗传承人与志愿者教授剪纸"),
        "digital_service" => ("智能手机课堂", "帮助老年人使用智能手机和数字文化资源"),
        _ => ("文化志愿服务日", "图书整理、场馆引导与咨询服务"),
    }
}

fn category_of(form: &str, group: &str) -> ActivityCategory {
    match (form, group) {
        (_, "elderly" | "empty_nest_elderly" | "disabled" | "left_behind_children") => {
            ActivityCategory::SpecialGroups
        }
        ("reading" | "digital_service", _) => ActivityCategory::FacilityService,
        ("film_screening", _) => ActivityCategory::MassActivities,
        ("heritage", _) => ActivityCategory::HeritageAndMarket,
        ("other", _) => ActivityCategory::Other,
        _ => ActivityCategory::GrassrootsCulture,
    }
}

/// A day-long (09:00–17:30 Beijing time) activity of `form` for `group` at the organ's site.
fn request(
    organ: &Organ,
    form: &str,
    group: &str,
    day: DateTime<Utc>,
    places: i32,
) -> ActivityRequest {
    let (title, description) = title_of(form);
    let starts = day
        .date_naive()
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default()
        .and_utc();
    ActivityRequest {
        site_id: Some(organ.site.id),
        title: Some(format!("{}·{title}", organ.site.name)),
        description: Some(description.to_string()),
        category: Some(category_of(form, group)),
        form: Some(form.to_string()),
        starts_at: Some(starts),
        ends_at: Some(starts + Duration::minutes(510)),
        headcount_min: Some(1),
        headcount_max: Some(places),
        target_groups: Some(vec![group.to_string()]),
        requirements: Some(VolunteerRequirements {
            summary: Some("热心公益，能按时到岗，服从现场安排".into()),
            ..VolunteerRequirements::default()
        }),
        physical_demand: Some(0),
        risk_level: Some(RiskLevel::Low),
        risk_disclosure: Some("室内或社区场地活动，注意防滑、防拥挤，按现场指引疏散".into()),
        recipient_fee_cents: Some(0),
        ..ActivityRequest::default()
    }
}

fn step(break_minutes: Option<i32>) -> AssignmentActionRequest {
    AssignmentActionRequest {
        reason: None,
        break_minutes,
    }
}

/// Everything one organ's activities need.
struct Run<'a> {
    organiser: Principal,
    organ: &'a Organ,
    /// The regulars never decline and always come.
    regulars: &'a HashSet<i64>,
}

pub fn run(
    s: &mut Seeder,
    conn: &mut DbConn,
    tree: &Tree,
    people: &mut People,
    courses: &Courses,
    summary: &mut DemoSummary,
) -> DemoResult<()> {
    let mut form_cycle = 0usize;
    // The regulars of each province's first organ, with their province.
    let mut regulars: Vec<(DemoVolunteer, usize)> = Vec::new();
    for pi in 0..tree.provinces.len() {
        let first: Vec<DemoVolunteer> = people
            .adults_of(pi, 0)
            .into_iter()
            .take(REGULARS)
            .cloned()
            .collect();
        regulars.extend(first.into_iter().map(|v| (v, pi)));
    }
    let regular_ids: HashSet<i64> = regulars.iter().map(|(v, _)| v.id).collect();
    for (pi, province) in tree.provinces.iter().enumerate() {
        for (oi, organ) in province.organs.iter().enumerate() {
            let run = Run {
                organiser: principal(&organ.organiser),
                organ,
                regulars: &regular_ids,
            };
            let mut adults: Vec<DemoVolunteer> =
                people.adults_of(pi, oi).into_iter().cloned().collect();
            let (fixed, past) = match oi {
                0 => {
                    let fixed: Vec<DemoVolunteer> =
                        adults.drain(..REGULARS.min(adults.len())).collect();
                    let past = REGULAR_ACTIVITIES.max(adults.len() / VOLUNTEERS_PER_ACTIVITY);
                    (fixed, past)
                }
                _ => (Vec::new(), 3.max(adults.len() / VOLUNTEERS_PER_ACTIVITY)),
            };
            for k in 0..past {
                let form = ACTIVITY_FORMS[form_cycle % ACTIVITY_FORMS.len()];
                let group = TARGET_GROUPS[(form_cycle / 2 + pi) % TARGET_GROUPS.len()];
                form_cycle += 1;
                let day = s.now - Duration::days(3 + 4 * k as i64);
                let mut team = fixed.clone();
                let extra = s.rng.random_range(2..=8).min(adults.len());
                team.extend(adults.choose_multiple(&mut s.rng, extra).cloned());
                past_activity(s, conn, &run, people, form, group, day, &team, summary)?;
            }
            // Two upcoming activities with offers, some already confirmed.
            for k in 0..2 {
                let form = ACTIVITY_FORMS[form_cycle % ACTIVITY_FORMS.len()];
                let group = TARGET_GROUPS[(form_cycle + k) % TARGET_GROUPS.len()];
                form_cycle += 1;
                let day = s.now + Duration::days(10 + 7 * k as i64 + oi as i64);
                let mut team: Vec<DemoVolunteer> = adults
                    .choose_multiple(&mut s.rng, 6.min(adults.len()))
                    .cloned()
                    .collect();
                team.extend(fixed.iter().take(1).cloned());
                // ACT-05: the first organ's next activity takes trained volunteers only.
                let course = (oi == 0 && k == 0).then(|| courses.orientation[pi]);
                upcoming_activity(
                    s,
                    conn,
                    &run,
                    people,
                    (form, group, course),
                    day,
                    &team,
                    summary,
                )?;
            }
        }
    }
    stars(s, conn, tree, people, &regulars, summary)
}

/// Creates and publishes an activity (two weeks before `day`); `None` if a rule refused it.
fn publish(
    s: &Seeder,
    conn: &mut DbConn,
    run: &Run,
    req: ActivityRequest,
    at: DateTime<Utc>,
) -> DemoResult<ActivityRow> {
    let (activity, _) = write(conn, |c| create_activity(c, &run.organiser, req, s.policy))?;
    let published = write(conn, |c| {
        move_activity(
            c,
            &run.organiser,
            activity.id,
            ActivityAction::Publish,
            None,
            s.policy,
            at,
        )
    })?;
    Ok(published)
}

/// Offers and confirmations; returns the confirmed assignment ids with their volunteers.
#[allow(clippy::too_many_arguments)]
fn staff_up(
    s: &mut Seeder,
    conn: &mut DbConn,
    run: &Run,
    people: &mut People,
    activity: &ActivityRow,
    team: &[DemoVolunteer],
    offered_at: DateTime<Utc>,
    summary: &mut DemoSummary,
) -> DemoResult<Vec<(i64, DemoVolunteer)>> {
    let eligibility = s.policy.eligibility();
    let mut confirmed = Vec::new();
    for v in team {
        let offer = OfferRequest {
            volunteer_id: v.id,
            accompanying_guardian: None,
        };
        // A rule may refuse an offer (a clash with another commitment, a missing check):
        // that volunteer is simply not offered, as in real life.
        let Ok(a) = write(conn, |c| {
            offer_assignment(
                c,
                &run.organiser,
                activity.id,
                offer,
                &eligibility,
                offered_at,
            )
        }) else {
            continue;
        };
        summary.assignments += 1;
        let me = principal(&people.account(conn, v, s.now)?);
        let answered = offered_at + Duration::hours(s.rng.random_range(2..48));
        // One in twelve declines (never a regular).
        let action = match s.rng.random_range(0..12) {
            0 if !run.regulars.contains(&v.id) => AssignmentAction::Decline,
            _ => AssignmentAction::Confirm,
        };
        let req = step(None);
        let answer = write(conn, |c| {
            take_step(c, &me, a.id, action, req, &eligibility, answered)
        });
        if answer.is_ok() && action == AssignmentAction::Confirm {
            confirmed.push((a.id, v.clone()));
        }
    }
    Ok(confirmed)
}

#[allow(clippy::too_many_arguments)]
fn past_activity(
    s: &mut Seeder,
    conn: &mut DbConn,
    run: &Run,
    people: &mut People,
    form: &str,
    group: &str,
    day: DateTime<Utc>,
    team: &[DemoVolunteer],
    summary: &mut DemoSummary,
) -> DemoResult<()> {
    let req = request(run.organ, form, group, day, team.len() as i32 + 2);
    let starts = req.starts_at.unwrap_or(day);
    let ends = req.ends_at.unwrap_or(day);
    let activity = publish(s, conn, run, req, starts - Duration::days(14))?;
    summary.activities += 1;
    let confirmed = staff_up(
        s,
        conn,
        run,
        people,
        &activity,
        team,
        starts - Duration::days(12),
        summary,
    )?;
    let eligibility = s.policy.eligibility();
    let organiser = &run.organiser;
    write(conn, |c| {
        move_activity(
            c,
            organiser,
            activity.id,
            ActivityAction::Start,
            None,
            s.policy,
            starts - Duration::minutes(45),
        )
    })?;
    let mut completed = Vec::new();
    for (assignment, v) in &confirmed {
        // One in twenty never comes (never a regular).
        if s.rng.random_range(0..20) == 0 && !run.regulars.contains(&v.id) {
            let req = step(None);
            write(conn, |c| {
                take_step(
                    c,
                    organiser,
                    *assignment,
                    AssignmentAction::MarkNoShow,
                    req,
                    &eligibility,
                    ends,
                )
            })?;
            continue;
        }
        // Regulars come on time and stay to the end; others may be a little late or leave early.
        let regular = run.regulars.contains(&v.id);
        let late = if regular {
            -10
        } else {
            s.rng.random_range(-20..30)
        };
        let arrived = starts + Duration::minutes(late);
        let req = step(None);
        write(conn, |c| {
            take_step(
                c,
                organiser,
                *assignment,
                AssignmentAction::CheckIn,
                req,
                &eligibility,
                arrived,
            )
        })?;
        let left = ends
            + Duration::minutes(if regular {
                0
            } else {
                s.rng.random_range(-30..15)
            });
        let req = step(Some(60));
        write(conn, |c| {
            take_step(
                c,
                organiser,
                *assignment,
                AssignmentAction::CheckOut,
                req,
                &eligibility,
                left,
            )
        })?;
        completed.push(*assignment);
    }
    write(conn, |c| {
        move_activity(
            c,
            organiser,
            activity.id,
            ActivityAction::Complete,
            None,
            s.policy,
            ends + Duration::hours(1),
        )
    })?;
    let reached = PeopleReached {
        counts: BTreeMap::from([(group.to_string(), s.rng.random_range(20..300))]),
    };
    write(conn, |c| {
        record_people_reached(c, organiser, activity.id, reached)
    })?;
    let verified_at = ends + Duration::days(1);
    for assignment in completed {
        write(conn, |c| {
            verify_assignment(c, organiser, assignment, String::new(), verified_at)
        })?;
        summary.service_records += 1;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn upcoming_activity(
    s: &mut Seeder,
    conn: &mut DbConn,
    run: &Run,
    people: &mut People,
    (form, group, course): (&str, &str, Option<i64>),
    day: DateTime<Utc>,
    team: &[DemoVolunteer],
    summary: &mut DemoSummary,
) -> DemoResult<()> {
    let mut req = request(run.organ, form, group, day, team.len() as i32 + 8);
    if let (Some(course), Some(requirements)) = (course, req.requirements.as_mut()) {
        requirements.course_ids = vec![course];
        req.requires_special_skills = Some(true);
    }
    let activity = publish(s, conn, run, req, s.now - Duration::days(2))?;
    summary.activities += 1;
    let mut shuffled = team.to_vec();
    shuffled.shuffle(&mut s.rng);
    staff_up(
        s,
        conn,
        run,
        people,
        &activity,
        &shuffled,
        s.now - Duration::days(1),
        summary,
    )?;
    Ok(())
}

/// The regulars apply for their first star (STAR-02) and their bureau grants it.
fn stars(
    s: &mut Seeder,
    conn: &mut DbConn,
    tree: &Tree,
    people: &mut People,
    regulars: &[(DemoVolunteer, usize)],
    summary: &mut DemoSummary,
) -> DemoResult<()> {
    let good = s.policy.good_record();
    let mut bureaus: HashMap<usize, Principal> = HashMap::new();
    for (v, pi) in regulars {
        let me = principal(&people.account(conn, v, s.now)?);
        // Short of 100 hours (a missed day): no application.
        let Ok(stars) = write(conn, |c| apply_for_star(c, &me, v.id, good, s.now)) else {
            continue;
        };
        let Some(application) = stars.awards.iter().find(|a| a.status == "pending") else {
            continue;
        };
        let bureau = bureaus
            .entry(*pi)
            .or_insert_with(|| principal(&tree.provinces[*pi].admin));
        let id = application.id;
        write(conn, |c| {
            decide_star(c, bureau, id, true, "服务时长达标，表现良好", good, s.now)
        })?;
        summary.stars += 1;
    }
    Ok(())
}
