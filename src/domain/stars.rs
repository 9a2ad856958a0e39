//! Star ratings. STAR-01: the eligible level follows from cumulative verified minutes.
//! STAR-02: the awarded level is what an organisation granted after review — one level at a
//! time, never lowered; when corrections push the eligible level below the awarded one, the
//! case is flagged for review instead.

/// Minutes needed for 1★ … 5★: 100, 300, 600, 1000 and 1500 hours (STAR-01).
pub const STAR_THRESHOLD_MINUTES: [u64; 5] = [6_000, 18_000, 36_000, 60_000, 90_000];

/// 0★ to 5★.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StarLevel(u8);

impl StarLevel {
    pub const NONE: StarLevel = StarLevel(0);
    pub const MAX: StarLevel = StarLevel(5);

    /// `None` above 5.
    pub fn new(stars: u8) -> Option<StarLevel> {
        (stars <= Self::MAX.0).then_some(StarLevel(stars))
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The level above, or `None` at 5★.
    pub fn next(self) -> Option<StarLevel> {
        StarLevel::new(self.0 + 1)
    }
}

/// STAR-01: the highest level whose threshold `cumulative_minutes` reaches (capped at 5★).
pub fn eligible_stars(cumulative_minutes: u64) -> StarLevel {
    let reached = STAR_THRESHOLD_MINUTES
        .iter()
        .take_while(|&&threshold| cumulative_minutes >= threshold)
        .count();
    // At most 5 thresholds, so the count always fits.
    StarLevel(reached as u8)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StarStanding {
    pub eligible: StarLevel,
    pub awarded: StarLevel,
    /// The level an application may be approved for now: one above the awarded level, if the
    /// minutes reach it (STAR-02).
    pub next_awardable: Option<StarLevel>,
    /// Records were corrected downward below the awarded level: keep the award, review it.
    pub needs_review: bool,
}

pub fn standing(cumulative_minutes: u64, awarded: StarLevel) -> StarStanding {
    let eligible = eligible_stars(cumulative_minutes);
    StarStanding {
        eligible,
        awarded,
        next_awardable: awarded.next().filter(|&next| next <= eligible),
        needs_review: eligible < awarded,
    }
}

/// STAR-04: what counts as a "good record", which makes a volunteer eligible for preferential
/// cultural benefits (art viewing, training, cultural consumption). A deployment may raise
/// the bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GoodRecordPolicy {
    pub min_awarded_stars: u8,
    /// Upheld complaints a good record tolerates (default 0: none).
    pub max_upheld_complaints: u32,
}

impl Default for GoodRecordPolicy {
    fn default() -> Self {
        Self {
            min_awarded_stars: 1,
            max_upheld_complaints: 0,
        }
    }
}

/// Whether a volunteer has a good record (STAR-04): an awarded (not merely eligible) star
/// level at the policy's minimum, an active registration, and no more upheld complaints than
/// the policy tolerates (dismissed and pending complaints do not count).
pub fn good_record(
    policy: GoodRecordPolicy,
    awarded: StarLevel,
    active: bool,
    upheld_complaints: u32,
) -> bool {
    active
        && awarded.get() >= policy.min_awarded_stars
        && upheld_complaints <= policy.max_upheld_complaints
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StarError {
    /// The request skips a level or does not raise the award (STAR-02).
    NotTheNextLevel { awarded: StarLevel },
    /// The verified minutes do not reach the requested level (STAR-01).
    NotEligible { eligible: StarLevel },
}

impl StarError {
    pub fn code(&self) -> &'static str {
        match self {
            StarError::NotTheNextLevel { .. } => "star_not_next_level",
            StarError::NotEligible { .. } => "star_not_eligible",
        }
    }

    pub fn rule(&self) -> &'static str {
        match self {
            StarError::NotTheNextLevel { .. } => "STAR-02",
            StarError::NotEligible { .. } => "STAR-01",
        }
    }
}

/// Approving an application for `requested` stars: allowed only for the level right above
/// `awarded`, and only when the minutes reach it.
pub fn award(
    awarded: StarLevel,
    requested: StarLevel,
    cumulative_minutes: u64,
) -> Result<StarLevel, StarError> {
    if awarded.next() != Some(requested) {
        return Err(StarError::NotTheNextLevel { awarded });
    }
    let eligible = eligible_stars(cumulative_minutes);
    if eligible < requested {
        return Err(StarError::NotEligible { eligible });
    }
    Ok(requested)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stars(n: u8) -> StarLevel {
        StarLevel::new(n).unwrap()
    }

    #[test]
    fn eligible_stars_follow_the_star_01_table() {
        // (hours as written in RULES.md, stored whole minutes, stars)
        let table = [
            ("0", 0, 0),
            ("99.98", 5_999, 0),
            ("100.00", 6_000, 1),
            ("299.98", 17_999, 1),
            ("300", 18_000, 2),
            ("599.98", 35_999, 2),
            ("600", 36_000, 3),
            ("999.98", 59_999, 3),
            ("1000", 60_000, 4),
            ("1499", 89_940, 4),
            ("1499.98", 89_999, 4),
            ("1500", 90_000, 5),
            ("9999", 599_940, 5),
        ];
        for (hours, minutes, expected) in table {
            assert_eq!(eligible_stars(minutes), stars(expected), "{hours} h");
        }
    }

    #[test]
    fn the_next_award_is_one_level_up_when_earned_star_02() {
        let cases = [
            // (minutes, awarded, next awardable, needs review)
            (90_000, 3, Some(4), false),
            (36_000, 3, None, false),
            (59_999, 3, None, false),
            (60_000, 3, Some(4), false),
            (0, 0, None, false),
            (6_000, 0, Some(1), false),
            (600_000, 5, None, false),
            // Corrected downward below the award: the award stays, flagged for review.
            (17_999, 2, None, true),
        ];
        for (minutes, awarded, next, review) in cases {
            let s = standing(minutes, stars(awarded));
            assert_eq!(
                s.next_awardable,
                next.map(stars),
                "{minutes} min, {awarded}★"
            );
            assert_eq!(s.needs_review, review, "{minutes} min, {awarded}★");
            assert_eq!(s.awarded, stars(awarded));
        }
    }

    #[test]
    fn awards_never_jump_or_fall() {
        assert_eq!(award(stars(3), stars(4), 90_000), Ok(stars(4)));
        assert_eq!(
            award(stars(3), stars(5), 90_000),
            Err(StarError::NotTheNextLevel { awarded: stars(3) })
        );
        assert_eq!(
            award(stars(3), stars(2), 90_000),
            Err(StarError::NotTheNextLevel { awarded: stars(3) })
        );
        assert_eq!(
            award(stars(3), stars(3), 90_000),
            Err(StarError::NotTheNextLevel { awarded: stars(3) })
        );
        let short = award(stars(3), stars(4), 59_999).unwrap_err();
        assert_eq!(short, StarError::NotEligible { eligible: stars(3) });
        assert_eq!(
            (short.code(), short.rule()),
            ("star_not_eligible", "STAR-01")
        );
        assert_eq!(
            award(stars(5), stars(5), 900_000),
            Err(StarError::NotTheNextLevel { awarded: stars(5) })
        );
    }

    #[test]
    fn star_levels_stop_at_five() {
        assert_eq!(StarLevel::new(6), None);
        assert_eq!(StarLevel::MAX.next(), None);
        assert_eq!(StarLevel::NONE.next(), Some(stars(1)));
    }

    #[test]
    fn a_good_record_needs_an_awarded_star_and_an_active_registration() {
        let policy = GoodRecordPolicy::default();
        let one = StarLevel::new(1).unwrap();
        assert!(good_record(policy, one, true, 0));
        assert!(
            !good_record(policy, StarLevel::NONE, true, 0),
            "eligible is not awarded"
        );
        assert!(
            !good_record(policy, one, false, 0),
            "suspended or withdrawn"
        );
        let stricter = GoodRecordPolicy {
            min_awarded_stars: 2,
            ..GoodRecordPolicy::default()
        };
        assert!(!good_record(stricter, one, true, 0));
        assert!(good_record(stricter, StarLevel::new(2).unwrap(), true, 0));
    }

    #[test]
    fn an_upheld_complaint_ends_a_good_record_unless_the_policy_tolerates_it() {
        let one = StarLevel::new(1).unwrap();
        assert!(!good_record(GoodRecordPolicy::default(), one, true, 1));
        let lenient = GoodRecordPolicy {
            max_upheld_complaints: 1,
            ..GoodRecordPolicy::default()
        };
        assert!(good_record(lenient, one, true, 1));
        assert!(!good_record(lenient, one, true, 2));
    }
}
