//! Demo people: resident ID numbers with a valid GB 11643 check character, mobiles, and the
//! registration a bureau would type in for them (skills, languages, a guardian for minors).

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;

use super::names::{Tradition, full_name};
use crate::domain::identity::{IdType, check_character};
use crate::domain::reference::SKILLS;
use crate::domain::volunteer::{
    ConsentMethod, GuardianConsentInput, LanguageClaim, Proficiency, RegistrationInput, SkillClaim,
};

/// The privacy notice version demo volunteers agreed to.
pub const CONSENT_VERSION: &str = "demo-2026";

/// Hands out resident ID numbers that no other demo person holds.
#[derive(Default)]
pub struct IdBook {
    issued: HashSet<String>,
}

impl IdBook {
    /// A resident ID of someone born on `birth` in county `area`, male or female (the 17th
    /// digit is odd for men), unique in this book.
    pub fn issue(
        &mut self,
        rng: &mut impl Rng,
        area: &str,
        birth: NaiveDate,
        male: bool,
    ) -> String {
        loop {
            let seq = rng.random_range(0..500u32) * 2 + u32::from(male);
            let first17 = format!("{area}{}{seq:03}", birth.format("%Y%m%d"));
            let number = format!("{first17}{}", check_character(first17.as_bytes()));
            if self.issued.insert(number.clone()) {
                return number;
            }
        }
    }
}

/// A mainland mobile number (11 digits, a real operator prefix).
pub fn mobile(rng: &mut impl Rng) -> String {
    const PREFIXES: &[&str] = &[
        "130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "155", "158", "159",
        "166", "177", "180", "181", "186", "187", "188", "189", "199",
    ];
    let prefix = PREFIXES.choose(rng).copied().unwrap_or("138");
    format!("{prefix}{:08}", rng.random_range(0..100_000_000u32))
}

/// A birth date `years` old on `today`, give or take a year.
pub fn born(rng: &mut impl Rng, today: NaiveDate, years: i32) -> NaiveDate {
    let year = today.year() - years - 1;
    let day = rng.random_range(0..365);
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today) + chrono::Duration::days(day)
}

/// Where a person lives: the county (also their ID's area) and what they speak at home.
#[derive(Debug, Clone, Copy)]
pub struct Home {
    pub county: &'static str,
    /// The share of people here whose mother tongue is Uyghur or Tibetan.
    pub minority: Option<(Tradition, &'static str, f64)>,
}

/// Someone to register: their registration and whether they are a minor with a guardian.
pub struct Person {
    pub input: RegistrationInput,
    pub minor: bool,
}

fn skills(rng: &mut impl Rng) -> Vec<SkillClaim> {
    let count = rng.random_range(1..=3);
    let mut picked: Vec<&str> = SKILLS.choose_multiple(rng, count).copied().collect();
    picked.sort_unstable();
    picked
        .into_iter()
        .map(|code| SkillClaim {
            code: code.to_string(),
            level: rng.random_range(1..=3),
        })
        .collect()
}

fn languages(rng: &mut impl Rng, home: &Home, tradition: Tradition) -> Vec<LanguageClaim> {
    let claim = |code: &str, proficiency| LanguageClaim {
        code: code.to_string(),
        proficiency,
    };
    let mut out = Vec::new();
    match (tradition, home.minority) {
        (Tradition::Han, _) => out.push(claim("zh", Proficiency::Native)),
        (_, Some((_, code, _))) => {
            out.push(claim(code, Proficiency::Native));
            out.push(claim("zh", Proficiency::Fluent));
        }
        (_, None) => out.push(claim("zh", Proficiency::Native)),
    }
    // Some Han volunteers in the receiving regions, and a few inland, learnt the local
    // language: they are the interpreters of Spring Rain teams.
    if tradition == Tradition::Han {
        let learnt = match home.minority {
            Some((_, code, _)) if rng.random_bool(0.25) => Some(code),
            None if rng.random_bool(0.03) => Some(if rng.random_bool(0.5) { "ug" } else { "bo" }),
            _ => None,
        };
        if let Some(code) = learnt {
            out.push(claim(code, Proficiency::Working));
        }
    }
    if rng.random_bool(0.15) {
        out.push(claim("en", Proficiency::Working));
    }
    out
}

/// An adult (18–70) or, when `minor`, a 14–17-year-old with a parent's written consent.
pub fn person(
    rng: &mut impl Rng,
    ids: &mut IdBook,
    home: &Home,
    today: NaiveDate,
    minor: bool,
) -> Person {
    let tradition = match home.minority {
        Some((tradition, _, share)) if rng.random_bool(share) => tradition,
        _ => Tradition::Han,
    };
    let male = rng.random_bool(0.45);
    let age = match minor {
        true => rng.random_range(14..=16),
        // Most cultural volunteers are students, young professionals or retirees.
        false => *[19, 21, 23, 26, 30, 34, 38, 45, 52, 58, 61, 64, 67]
            .choose(rng)
            .unwrap_or(&30),
    };
    let birth = born(rng, today, age);
    let id_number = ids.issue(rng, home.county, birth, male);
    let name = full_name(rng, tradition, male);
    let guardian_consent = minor.then(|| {
        let parent_male = rng.random_bool(0.5);
        let parent_age = age + rng.random_range(24..=34);
        let parent_birth = born(rng, today, parent_age);
        GuardianConsentInput {
            guardian_name: full_name(rng, tradition, parent_male),
            relationship: if parent_male { "父亲" } else { "母亲" }.to_string(),
            guardian_id_type: IdType::ResidentId,
            guardian_id_number: ids.issue(rng, home.county, parent_birth, parent_male),
            guardian_birth_date: None,
            guardian_mobile: mobile(rng),
            covers_registration: true,
            covers_activities: true,
            method: ConsentMethod::Written,
        }
    });
    let email = (!minor && rng.random_bool(0.3)).then(|| {
        format!(
            "volunteer{}@example.cn",
            rng.random_range(10_000..99_999u32)
        )
    });
    Person {
        input: RegistrationInput {
            name,
            id_type: Some(IdType::ResidentId),
            id_number,
            mobile: mobile(rng),
            home_region_code: home.county.to_string(),
            email,
            birth_date: None,
            sex: None,
            skills: skills(rng),
            languages: languages(rng, home, tradition),
            attest_true: true,
            privacy_consent_version: CONSENT_VERSION.to_string(),
            minors_policy_version: minor.then(|| CONSENT_VERSION.to_string()),
            guardian_consent,
        },
        minor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::volunteer::parse_registration;
    use rand::SeedableRng;

    #[test]
    fn every_demo_person_passes_the_registration_rules() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut ids = IdBook::default();
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let home = Home {
            county: "653101",
            minority: Some((Tradition::Uyghur, "ug", 0.6)),
        };
        for i in 0..300 {
            let p = person(&mut rng, &mut ids, &home, today, i % 50 == 0);
            let parsed = parse_registration(&p.input, today);
            assert!(parsed.is_ok(), "{:?}: {:?}", p.input.name, parsed.err());
            let v = parsed.unwrap();
            assert_eq!(v.age_on(today) < 18, p.minor, "{}", v.age_on(today));
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_people() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let home = Home {
            county: "330106",
            minority: None,
        };
        let run = || {
            let mut rng = rand::rngs::StdRng::seed_from_u64(42);
            let mut ids = IdBook::default();
            (0..20)
                .map(|_| {
                    person(&mut rng, &mut ids, &home, today, false)
                        .input
                        .id_number
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}
