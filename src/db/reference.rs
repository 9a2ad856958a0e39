//! Reference data loaded by the first migration.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{
    activity_forms, course_categories, languages, reference_editions, region_divisions, regions,
    skills, target_groups,
};

#[derive(Debug, Clone, Queryable)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub name_zh: String,
    pub kind: String,
    pub land_border: bool,
    pub spring_rain_receiving: bool,
    pub non_gb2260: bool,
}

#[derive(Debug, Clone, Queryable)]
pub struct SkillRow {
    pub code: String,
    pub family: String,
    pub name: String,
    pub name_zh: String,
}

/// Languages, target groups and activity forms: a code, two names and one flag.
#[derive(Debug, Clone, Queryable)]
pub struct FlaggedCodeRow {
    pub code: String,
    pub name: String,
    pub name_zh: String,
    pub flag: bool,
}

#[derive(Debug, Clone, Queryable)]
pub struct CodeRow {
    pub code: String,
    pub name: String,
    pub name_zh: String,
}

pub fn regions(conn: &mut DbConn) -> QueryResult<Vec<RegionRow>> {
    regions::table.order(regions::code).load(conn)
}

pub fn skills(conn: &mut DbConn) -> QueryResult<Vec<SkillRow>> {
    skills::table
        .select((skills::code, skills::family, skills::name, skills::name_zh))
        .order(skills::code)
        .load(conn)
}

pub fn languages(conn: &mut DbConn) -> QueryResult<Vec<FlaggedCodeRow>> {
    languages::table
        .select((
            languages::code,
            languages::name,
            languages::name_zh,
            languages::minority,
        ))
        .order(languages::code)
        .load(conn)
}

pub fn target_groups(conn: &mut DbConn) -> QueryResult<Vec<FlaggedCodeRow>> {
    target_groups::table
        .select((
            target_groups::code,
            target_groups::name,
            target_groups::name_zh,
            target_groups::focus_group,
        ))
        .order(target_groups::code)
        .load(conn)
}

pub fn activity_forms(conn: &mut DbConn) -> QueryResult<Vec<FlaggedCodeRow>> {
    activity_forms::table
        .select((
            activity_forms::code,
            activity_forms::name,
            activity_forms::name_zh,
            activity_forms::spring_rain,
        ))
        .order(activity_forms::code)
        .load(conn)
}

pub fn course_categories(conn: &mut DbConn) -> QueryResult<Vec<CodeRow>> {
    course_categories::table
        .select((
            course_categories::code,
            course_categories::name,
            course_categories::name_zh,
        ))
        .order(course_categories::code)
        .load(conn)
}

/// Whether a 6-digit region code is on the GB/T 2260 list (REG-08): a province-level code in
/// `regions` (XPCC included), any other in `region_divisions` (prefectures and counties).
pub fn region_listed(conn: &mut DbConn, code: &str) -> QueryResult<bool> {
    let found: i64 = if code.ends_with("0000") {
        regions::table
            .filter(regions::code.eq(code))
            .count()
            .get_result(conn)?
    } else {
        region_divisions::table
            .filter(region_divisions::code.eq(code))
            .count()
            .get_result(conn)?
    };
    Ok(found > 0)
}

/// Every listed 6-digit code, for checking a whole import file with one query.
pub fn listed_regions(conn: &mut DbConn) -> QueryResult<std::collections::HashSet<String>> {
    let provinces: Vec<String> = regions::table.select(regions::code).load(conn)?;
    let divisions: Vec<String> = region_divisions::table
        .select(region_divisions::code)
        .load(conn)?;
    Ok(provinces.into_iter().chain(divisions).collect())
}

/// The edition and source of a reference list (e.g. `gb2260`).
pub fn edition(conn: &mut DbConn, list: &str) -> QueryResult<Option<(String, String)>> {
    reference_editions::table
        .filter(reference_editions::list.eq(list))
        .select((reference_editions::edition, reference_editions::source))
        .first(conn)
        .optional()
}
