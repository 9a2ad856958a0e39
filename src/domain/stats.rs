//! Statistics and record exchange (HRS-07), the parts that are rules rather than SQL: the
//! dimensions a breakdown groups by, the period, age bands as birth-date cut-offs, and the
//! sync status a record moves through on its way to the national system.

use chrono::{Months, NaiveDate};

use super::Invalid;
use super::identity::age_band;

/// What a breakdown groups its rows by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// The top-level organisations under the ministry (provincial bureaus, national units).
    Province,
    /// One level below: municipal (prefecture) bureaus and whatever else sits there.
    Prefecture,
    /// Every organisation on its own.
    Organization,
    TargetGroup,
    Form,
    Programme,
    /// `YYYY-MM` of the service date (records) or of the start (activities).
    Month,
}

super::text_enum!(Dimension {
    Province => "province",
    Prefecture => "prefecture",
    Organization => "organization",
    TargetGroup => "target_group",
    Form => "form",
    Programme => "programme",
    Month => "month",
});

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Province,
        Dimension::Prefecture,
        Dimension::Organization,
        Dimension::TargetGroup,
        Dimension::Form,
        Dimension::Programme,
        Dimension::Month,
    ];

    /// For the organisation dimensions, the depth of the group's organisation in the tree
    /// (the ministry is 1, a provincial bureau 2, a prefecture's bureau 3); `None` for an
    /// organisation on its own or a dimension that is no organisation.
    pub fn org_depth(self) -> Option<usize> {
        match self {
            Dimension::Province => Some(2),
            Dimension::Prefecture => Some(3),
            _ => None,
        }
    }

    pub fn is_organisational(self) -> bool {
        matches!(
            self,
            Dimension::Province | Dimension::Prefecture | Dimension::Organization
        )
    }
}

/// The days a statistic covers, both ends included; an open end is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Period {
    /// A period whose end is not before its start.
    pub fn parse(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Period, Invalid> {
        match (from, to) {
            (Some(f), Some(t)) if t < f => {
                Err(Invalid::new("to", "before_from", "`to` is before `from`"))
            }
            _ => Ok(Period { from, to }),
        }
    }
}

/// The lower age of every band `identity::age_band` knows, youngest first.
const BAND_STARTS: [u32; 8] = [0, 14, 18, 30, 40, 50, 60, 70];

/// Age bands as birth-date cut-offs on `day`: a volunteer born after the cut-off of a band's
/// successor is younger than that successor's lower age. Returned youngest band first, each
/// with the latest birth date that is too old for it (`None` for the oldest band), so that
/// `birth_date > cut` picks the first band that fits.
pub fn age_band_cuts(day: NaiveDate) -> Vec<(&'static str, Option<NaiveDate>)> {
    BAND_STARTS
        .iter()
        .enumerate()
        .map(|(i, start)| {
            let next = BAND_STARTS.get(i + 1);
            let cut = next.and_then(|n| day.checked_sub_months(Months::new(12 * n)));
            (age_band(*start), cut)
        })
        .collect()
}

/// HRS-07: where a record stands in the exchange with the national volunteer-service system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    Pending,
    Sent,
    Acknowledged,
    Failed,
}

super::text_enum!(SyncStatus {
    Pending => "pending",
    Sent => "sent",
    Acknowledged => "acknowledged",
    Failed => "failed",
});

impl SyncStatus {
    /// `pending → sent → acknowledged | failed`; a failed record may be sent again. An
    /// acknowledged record is final: a correction makes a new version, pending again.
    pub fn may_become(self, next: SyncStatus) -> bool {
        use SyncStatus::*;
        matches!(
            (self, next),
            (Pending, Sent) | (Sent, Acknowledged) | (Sent, Failed) | (Failed, Sent)
        )
    }
}

/// Minutes as hours, to one decimal (half up), counted in tenths so no float rounding creeps in.
pub fn hours(minutes: i64) -> f64 {
    let tenths = (minutes.max(0) * 10 + 30) / 60;
    tenths as f64 / 10.0
}

/// The first `depth` segments of a materialised path (`/1/15/40/`, 2 → `/1/15/`); a shorter
/// path stays whole.
pub fn ancestor_path(path: &str, depth: usize) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let kept = &segments[..depth.min(segments.len())];
    format!("/{}/", kept.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dimensions_parse_their_names_only() {
        for dim in Dimension::ALL {
            assert_eq!(Dimension::parse(dim.as_str()), Some(dim));
        }
        assert_eq!(Dimension::parse("city"), None);
        assert_eq!(Dimension::Province.org_depth(), Some(2));
        assert!(!Dimension::Month.is_organisational());
    }

    #[test]
    fn a_period_ending_before_it_starts_is_refused() {
        assert!(Period::parse(Some(d("2026-02-01")), Some(d("2026-01-31"))).is_err());
        assert!(Period::parse(Some(d("2026-02-01")), Some(d("2026-02-01"))).is_ok());
        assert!(Period::parse(None, Some(d("2026-02-01"))).is_ok());
    }

    #[test]
    fn age_band_cuts_agree_with_the_age_bands_at_the_birthdays() {
        let day = d("2026-12-01");
        let cuts = age_band_cuts(day);
        let band_of = |birth: NaiveDate| {
            cuts.iter()
                .find(|(_, cut)| cut.is_none_or(|c| birth > c))
                .map(|(band, _)| *band)
                .unwrap()
        };
        // 14 today: no longer 0-13; a day short of 14: still.
        assert_eq!(band_of(d("2012-12-01")), "14-17");
        assert_eq!(band_of(d("2012-12-02")), "0-13");
        assert_eq!(band_of(d("2008-12-01")), "18-29");
        assert_eq!(band_of(d("2008-12-02")), "14-17");
        assert_eq!(band_of(d("1956-12-01")), "70+");
        assert_eq!(band_of(d("1956-12-02")), "60-69");
        assert_eq!(cuts.len(), 8);
    }

    #[test]
    fn sync_status_moves_forward_only_and_a_failure_may_be_resent() {
        use SyncStatus::*;
        assert!(Pending.may_become(Sent));
        assert!(Sent.may_become(Acknowledged) && Sent.may_become(Failed));
        assert!(Failed.may_become(Sent));
        for (from, to) in [
            (Pending, Acknowledged),
            (Pending, Failed),
            (Acknowledged, Sent),
            (Acknowledged, Failed),
            (Sent, Pending),
            (Sent, Sent),
        ] {
            assert!(!from.may_become(to), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn hours_round_half_up_to_a_tenth() {
        assert_eq!(hours(125), 2.1);
        assert_eq!(hours(0), 0.0);
        assert_eq!(hours(150), 2.5);
    }

    #[test]
    fn ancestors_are_path_prefixes() {
        assert_eq!(ancestor_path("/1/15/40/", 2), "/1/15/");
        assert_eq!(ancestor_path("/1/15/", 3), "/1/15/");
        assert_eq!(ancestor_path("/1/", 2), "/1/");
    }
}
