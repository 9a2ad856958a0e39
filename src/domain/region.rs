//! GB/T 2260 region codes (REG-08). Only the province prefix is checked against a table:
//! prefecture and county codes change over the years, so any 6-digit code under a known
//! province is accepted. The XPCC is the non-standard province `66` (`660000`), and its
//! cities 659001–659012, filed under Xinjiang in GB/T 2260, resolve to it.

use std::fmt;

/// Province-level prefixes: the 31 mainland units, XPCC (66), Taiwan, Hong Kong, Macao.
pub const PROVINCE_PREFIXES: [&str; 35] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "66",
    "71", "81", "82",
];

/// Provinces with a land border (plus the XPCC).
pub const LAND_BORDER_PREFIXES: [&str; 10] =
    ["15", "21", "22", "23", "45", "53", "54", "62", "65", "66"];

/// Default Spring Rain receiving set: the land-border provinces plus Qinghai and Ningxia.
pub const SPRING_RAIN_RECEIVING_PREFIXES: [&str; 12] = [
    "15", "21", "22", "23", "45", "53", "54", "62", "65", "66", "63", "64",
];

pub const XPCC_PREFIX: &str = "66";

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionError {
    /// Not 6 digits (or a 2-digit province code).
    Format,
    /// The first two digits are not a province-level unit.
    UnknownProvince,
}

impl RegionError {
    pub fn code(self) -> &'static str {
        match self {
            RegionError::Format => "invalid_format",
            RegionError::UnknownProvince => "unknown_province",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            RegionError::Format => {
                "a region code is 6 digits (GB/T 2260) or a 2-digit province code"
            }
            RegionError::UnknownProvince => "the first two digits are not a province-level region",
        }
    }
}

impl RegionCode {
    pub fn parse(input: &str) -> Result<RegionCode, RegionError> {
        let s = input.trim();
        let code = match s.len() {
            2 => format!("{s}0000"),
            6 => s.to_string(),
            _ => return Err(RegionError::Format),
        };
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionError::Format);
        }
        if !PROVINCE_PREFIXES.contains(&&code[..2]) {
            return Err(RegionError::UnknownProvince);
        }
        Ok(RegionCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn is_xpcc_city(&self) -> bool {
        matches!(self.0.parse::<u32>(), Ok(659001..=659012))
    }

    /// The two-digit province prefix this code belongs to (`66` for XPCC cities).
    pub fn province_prefix(&self) -> &str {
        if self.is_xpcc_city() {
            XPCC_PREFIX
        } else {
            &self.0[..2]
        }
    }

    /// The province-level code, e.g. `330000` for `330106`.
    pub fn province(&self) -> RegionCode {
        RegionCode(format!("{}0000", self.province_prefix()))
    }

    pub fn is_province_level(&self) -> bool {
        self.0.ends_with("0000")
    }

    /// True when `other` lies inside this region: a province contains its prefectures and
    /// counties, a prefecture its counties, a county only itself.
    pub fn contains(&self, other: &RegionCode) -> bool {
        if self.is_province_level() {
            return self.province_prefix() == other.province_prefix();
        }
        if self.0.ends_with("00") {
            return other.0.starts_with(&self.0[..4]);
        }
        self.0 == other.0
    }

    /// Inclusive range of 6-digit codes inside this region (for range queries).
    pub fn descendant_range(&self) -> (String, String) {
        let prefix = if self.is_province_level() {
            &self.0[..2]
        } else if self.0.ends_with("00") {
            &self.0[..4]
        } else {
            &self.0[..]
        };
        (format!("{prefix:0<6}"), format!("{prefix:9<6}"))
    }

    /// The XPCC is not part of GB/T 2260 (flagged in responses).
    pub fn non_gb2260(&self) -> bool {
        self.province_prefix() == XPCC_PREFIX
    }

    pub fn has_land_border(&self) -> bool {
        LAND_BORDER_PREFIXES.contains(&self.province_prefix())
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digit_codes_under_known_provinces_are_accepted() {
        for ok in ["330000", "330106", "650000", "540102", "660000", "810000"] {
            assert_eq!(RegionCode::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn two_digit_province_codes_expand() {
        assert_eq!(RegionCode::parse("33").unwrap().as_str(), "330000");
        assert_eq!(RegionCode::parse("66").unwrap().as_str(), "660000");
    }

    #[test]
    fn malformed_and_unknown_codes_are_rejected() {
        assert_eq!(RegionCode::parse("3300"), Err(RegionError::Format));
        assert_eq!(RegionCode::parse("33010a"), Err(RegionError::Format));
        assert_eq!(
            RegionCode::parse("990000"),
            Err(RegionError::UnknownProvince)
        );
        assert_eq!(
            RegionCode::parse("000000"),
            Err(RegionError::UnknownProvince)
        );
    }

    #[test]
    fn descendant_ranges_cover_the_level_below() {
        let r = |s: &str| RegionCode::parse(s).unwrap().descendant_range();
        assert_eq!(r("330000"), ("330000".into(), "339999".into()));
        assert_eq!(r("330100"), ("330100".into(), "330199".into()));
        assert_eq!(r("330106"), ("330106".into(), "330106".into()));
    }

    #[test]
    fn xpcc_cities_resolve_to_the_corps_not_xinjiang() {
        let shihezi = RegionCode::parse("659001").unwrap();
        assert_eq!(shihezi.province().as_str(), "660000");
        assert!(shihezi.non_gb2260());
        let urumqi = RegionCode::parse("650100").unwrap();
        assert_eq!(urumqi.province().as_str(), "650000");
        assert!(!urumqi.non_gb2260());
        assert!(RegionCode::parse("659013").unwrap().province().as_str() == "650000");
    }

    #[test]
    fn containment_follows_the_code_hierarchy() {
        let zj = RegionCode::parse("330000").unwrap();
        let hz = RegionCode::parse("330100").unwrap();
        let xihu = RegionCode::parse("330106").unwrap();
        let nb = RegionCode::parse("330200").unwrap();
        assert!(zj.contains(&hz) && zj.contains(&xihu) && hz.contains(&xihu));
        assert!(!hz.contains(&nb) && !xihu.contains(&hz));
        assert!(!zj.contains(&RegionCode::parse("650000").unwrap()));
        let xj = RegionCode::parse("650000").unwrap();
        assert!(!xj.contains(&RegionCode::parse("659001").unwrap()));
    }
}
