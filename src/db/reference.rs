//! Reference data loaded by the first migration.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{activity_forms, course_categories, languages, regions, skills, target_groups};

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
