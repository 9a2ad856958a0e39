//! The fixed code lists of DOMAIN.md. The first migration loads the same codes into the
//! reference tables that `/api/v1/reference/*` serves; a test keeps the two in step.

pub const SKILLS: [&str; 22] = [
    "performance.music",
    "performance.dance",
    "performance.opera",
    "performance.quyi",
    "performance.drama",
    "fine_arts.painting",
    "fine_arts.calligraphy",
    "fine_arts.photography",
    "reading.storytelling",
    "reading.promotion",
    "library.services",
    "lecture.general",
    "lecture.heritage",
    "heritage.crafts",
    "film.screening",
    "digital.literacy",
    "event.organising",
    "sign_language",
    "first_aid",
    "elder_care",
    "child_care",
    "translation",
];

pub const LANGUAGES: [&str; 12] = [
    "zh", "ug", "bo", "mn", "kk", "ko", "za", "ii", "tdd", "ky", "yue", "en",
];

pub const TARGET_GROUPS: [&str; 9] = [
    "left_behind_children",
    "empty_nest_elderly",
    "rural_migrant_workers",
    "people_in_hardship",
    "minors",
    "elderly",
    "disabled",
    "border_ethnic_communities",
    "general_public",
];

/// Skill levels: 1 basic, 2 competent, 3 expert.
pub const SKILL_LEVELS: std::ops::RangeInclusive<u8> = 1..=3;

pub fn is_skill(code: &str) -> bool {
    SKILLS.contains(&code)
}

pub fn is_language(code: &str) -> bool {
    LANGUAGES.contains(&code)
}

pub fn is_target_group(code: &str) -> bool {
    TARGET_GROUPS.contains(&code)
}
