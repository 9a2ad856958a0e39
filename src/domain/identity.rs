//! Real-name identity: resident ID numbers (GB 11643, REG-02…05), other ID documents, mobile
//! numbers (REG-07) and the masked forms shown in every response (PI-01).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The kinds of identity document a volunteer can register with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证 (GB 11643): checksum, birth date and sex are derived from it.
    ResidentId,
    Passport,
    /// 港澳居民来往内地通行证
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证
    TaiwanPermit,
    /// 外国人永久居留身份证
    ForeignPermanentResident,
}

crate::domain::text_enum!(IdType {
    ResidentId => "resident_id",
    Passport => "passport",
    HkMacaoPermit => "hk_macao_permit",
    TaiwanPermit => "taiwan_permit",
    ForeignPermanentResident => "foreign_permanent_resident",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

crate::domain::text_enum!(Sex {
    Male => "male",
    Female => "female",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdError {
    /// Wrong length or characters.
    Format,
    /// GB 11643 check character mismatch.
    Checksum,
    /// Birth-date segment is not a real date, is in the future or before 1900.
    BirthDate,
    /// First two digits are not a province-level code.
    Province,
}

impl IdError {
    pub fn code(self) -> &'static str {
        match self {
            IdError::Format => "invalid_format",
            IdError::Checksum => "invalid_checksum",
            IdError::BirthDate => "invalid_birth_date",
            IdError::Province => "invalid_province",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            IdError::Format => "a resident ID number is 17 digits followed by a digit or X",
            IdError::Checksum => "the check character does not match (GB 11643)",
            IdError::BirthDate => {
                "the birth date in the ID number is not a real date between 1900-01-01 and today"
            }
            IdError::Province => "the ID number does not start with a province-level code",
        }
    }
}

/// Province prefixes valid in a resident ID (REG-04): the address code itself is historical
/// and is deliberately not checked against today's GB/T 2260 table. 83 is used for the
/// residence permits of Taiwan residents.
const ID_PROVINCE_PREFIXES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The check character GB 11643 assigns to 17 leading digits.
pub fn check_character(first17: &[u8]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

/// A valid 18-character resident ID number (upper-case check character).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentId {
    number: String,
    birth_date: NaiveDate,
    sex: Sex,
}

impl ResidentId {
    /// Parses and checks a resident ID as of `today` (for "not in the future").
    pub fn parse(input: &str, today: NaiveDate) -> Result<ResidentId, IdError> {
        let number = input.trim().to_ascii_uppercase();
        let bytes = number.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdError::Format);
        }
        let province = (bytes[0] - b'0') * 10 + (bytes[1] - b'0');
        if !ID_PROVINCE_PREFIXES.contains(&province) {
            return Err(IdError::Province);
        }
        let birth_date =
            NaiveDate::parse_from_str(&number[6..14], "%Y%m%d").map_err(|_| IdError::BirthDate)?;
        if birth_date < crate::domain::calendar::EARLIEST || birth_date > today {
            return Err(IdError::BirthDate);
        }
        if check_character(&bytes[..17]) != bytes[17] as char {
            return Err(IdError::Checksum);
        }
        // REG-05: the 17th digit is odd for men, even for women.
        let sex = if (bytes[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        };
        Ok(ResidentId {
            number,
            birth_date,
            sex,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.number
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth_date
    }

    pub fn sex(&self) -> Sex {
        self.sex
    }
}

/// An identity document of any type, with what it tells about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdDocument {
    pub id_type: IdType,
    /// Normalised number (trimmed, upper-case).
    pub number: String,
    /// Derived from a resident ID; `None` for other documents (then supplied separately).
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
}

impl IdDocument {
    pub fn parse(id_type: IdType, input: &str, today: NaiveDate) -> Result<IdDocument, IdError> {
        if id_type == IdType::ResidentId {
            let id = ResidentId::parse(input, today)?;
            return Ok(IdDocument {
                id_type,
                birth_date: Some(id.birth_date()),
                sex: Some(id.sex()),
                number: id.number,
            });
        }
        let number = input.trim().to_ascii_uppercase();
        let ok =
            (5..=20).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_alphanumeric());
        if !ok {
            return Err(IdError::Format);
        }
        Ok(IdDocument {
            id_type,
            number,
            birth_date: None,
            sex: None,
        })
    }

    pub fn masked(&self) -> String {
        mask_id_number(&self.number)
    }
}

/// A mainland mobile number, normalised to 11 digits (REG-07).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mobile(String);

impl Mobile {
    pub fn parse(input: &str) -> Option<Mobile> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        let digits = compact
            .strip_prefix("+86")
            .or_else(|| compact.strip_prefix("0086"))
            .or_else(|| compact.strip_prefix("86").filter(|rest| rest.len() == 11))
            .unwrap_or(&compact);
        let b = digits.as_bytes();
        let valid = b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(u8::is_ascii_digit);
        valid.then(|| Mobile(digits.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_mobile(&self.0)
    }
}

/// `110105194912310021` → `110105********0021`: first 6 and last 4 visible (CRT-03).
pub fn mask_id_number(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let (head, tail) = if chars.len() >= 12 {
        (6, 4)
    } else {
        (1, 1.min(chars.len().saturating_sub(1)))
    };
    let hidden = chars.len().saturating_sub(head + tail);
    let mut out: String = chars.iter().take(head).collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(chars.iter().skip(head + hidden));
    out
}

/// The mask for readers who may not reveal the number (coordinators, auditors, the
/// ministry): `330106********1237` → `330106***********7`. The documented mask hides exactly
/// the birth date, which such readers can narrow down from age rules (eligibility at a date of
/// their choosing); hiding the sequence digits too leaves dozens of candidate numbers even
/// when the birth date is known. Takes the full number or its documented mask.
pub fn restrict_id_mask(number_or_mask: &str) -> String {
    let chars: Vec<char> = number_or_mask.chars().collect();
    let head = if chars.len() >= 12 { 6 } else { 1 };
    let tail = 1.min(chars.len().saturating_sub(head));
    let hidden = chars.len().saturating_sub(head + tail);
    let mut out: String = chars.iter().take(head).collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(chars.iter().skip(head + hidden));
    out
}

/// The age band shown instead of the birth date and exact age to readers who may not reveal
/// the ID number. Band edges follow the rules that depend on age: 14 (PI-03, MIN-06) and 18
/// (MIN-01).
pub fn age_band(age: u32) -> &'static str {
    match age {
        0..=13 => "0-13",
        14..=17 => "14-17",
        18..=29 => "18-29",
        30..=39 => "30-39",
        40..=49 => "40-49",
        50..=59 => "50-59",
        60..=69 => "60-69",
        _ => "70+",
    }
}

/// `PA2026330100123456` → `**************3456`: only the last 4 characters stay, enough to
/// tell a volunteer's policies apart; a number of 4 characters or fewer is hidden whole.
pub fn mask_policy_number(number: &str) -> String {
    let count = number.chars().count();
    let hidden = if count > 4 { count - 4 } else { count };
    let mut out = "*".repeat(hidden);
    out.extend(number.chars().skip(hidden));
    out
}

/// `13800138000` → `138****8000`.
pub fn mask_mobile(mobile: &str) -> String {
    if mobile.len() != 11 {
        return "*".repeat(mobile.len());
    }
    format!("{}****{}", &mobile[..3], &mobile[7..])
}

/// `张三丰` → `张**`: the surname stays, for people whose names are not stored in the clear.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// Whole years of age on `on` (birthday counts on the day itself).
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth.year();
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    #[test]
    fn reg02_examples() {
        let id = ResidentId::parse("11010519491231002X", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let lower = ResidentId::parse("11010519491231002x", today()).unwrap();
        assert_eq!(lower.as_str(), "11010519491231002X", "stored upper-case");
        assert_eq!(
            ResidentId::parse("110105194912310021", today()),
            Err(IdError::Checksum)
        );
        assert_eq!(
            ResidentId::parse("110105491231002", today()),
            Err(IdError::Format)
        );
    }

    #[test]
    fn reg03_birth_dates_must_be_real_past_and_after_1900() {
        let with_date = |date: &str| {
            let first17 = format!("110105{date}002");
            format!("{first17}{}", check_character(first17.as_bytes()))
        };
        assert_eq!(
            ResidentId::parse(&with_date("19490230"), today()),
            Err(IdError::BirthDate)
        );
        assert_eq!(
            ResidentId::parse(&with_date("18991231"), today()),
            Err(IdError::BirthDate)
        );
        assert_eq!(
            ResidentId::parse(&with_date("20261125"), today()),
            Err(IdError::BirthDate)
        );
        assert!(ResidentId::parse(&with_date("20261124"), today()).is_ok());
        assert!(ResidentId::parse(&with_date("19000101"), today()).is_ok());
    }

    #[test]
    fn reg04_only_the_province_prefix_is_checked() {
        let with_prefix = |prefix: &str| {
            let first17 = format!("{prefix}999919900101002");
            format!("{first17}{}", check_character(first17.as_bytes()))
        };
        // 999 is no current address code, but the province 33 is valid: accepted.
        assert!(ResidentId::parse(&with_prefix("33"), today()).is_ok());
        assert_eq!(
            ResidentId::parse(&with_prefix("99"), today()),
            Err(IdError::Province)
        );
        assert_eq!(
            ResidentId::parse(&with_prefix("10"), today()),
            Err(IdError::Province)
        );
    }

    #[test]
    fn reg05_sex_and_birth_date_are_derived() {
        let id = ResidentId::parse("11010519491231002X", today()).unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female, "17th digit 2 is even");
    }

    #[test]
    fn reg07_mobile_examples() {
        assert_eq!(
            Mobile::parse("+86 138-0013-8000").unwrap().as_str(),
            "13800138000"
        );
        assert_eq!(
            Mobile::parse("8613800138000").unwrap().as_str(),
            "13800138000"
        );
        assert!(Mobile::parse("12345678901").is_none());
        assert!(Mobile::parse("1380013800").is_none());
        assert!(Mobile::parse("1380013800a").is_none());
    }

    #[test]
    fn policy_numbers_keep_only_their_last_four_characters() {
        assert_eq!(mask_policy_number("PA2026-0001234"), "**********1234");
        assert_eq!(mask_policy_number("平安12345"), "***2345");
        assert_eq!(mask_policy_number("1234"), "****");
        assert_eq!(mask_policy_number(""), "");
    }

    #[test]
    fn masks_match_the_documented_forms() {
        assert_eq!(mask_id_number("11010519491231002X"), "110105********002X");
        assert_eq!(mask_mobile("13800138000"), "138****8000");
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_id_number("E12345678"), "E*******8");
    }

    #[test]
    fn the_restricted_mask_also_hides_the_sequence_digits() {
        assert_eq!(restrict_id_mask("330106198506121237"), "330106***********7");
        assert_eq!(restrict_id_mask("330106********1237"), "330106***********7");
        assert_eq!(restrict_id_mask("E12345678"), "E*******8");
        assert_eq!(restrict_id_mask("E*******8"), "E*******8");
    }

    #[test]
    fn age_bands_split_at_the_rule_ages() {
        assert_eq!(age_band(13), "0-13");
        assert_eq!(age_band(14), "14-17");
        assert_eq!(age_band(17), "14-17");
        assert_eq!(age_band(18), "18-29");
        assert_eq!(age_band(39), "30-39");
        assert_eq!(age_band(95), "70+");
    }

    #[test]
    fn age_counts_the_birthday_itself() {
        let birth = NaiveDate::from_ymd_opt(2008, 6, 15).unwrap();
        assert_eq!(
            age_on(birth, NaiveDate::from_ymd_opt(2026, 6, 14).unwrap()),
            17
        );
        assert_eq!(
            age_on(birth, NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()),
            18
        );
        let leap = NaiveDate::from_ymd_opt(2008, 2, 29).unwrap();
        assert_eq!(
            age_on(leap, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()),
            17
        );
        assert_eq!(
            age_on(leap, NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()),
            18
        );
    }

    fn valid_id() -> impl Strategy<Value = String> {
        let provinces: Vec<u8> = ID_PROVINCE_PREFIXES.to_vec();
        (
            proptest::sample::select(provinces),
            0u32..10_000,
            0i64..(365 * 120),
            0u32..1000,
        )
            .prop_map(|(province, area, days, seq)| {
                let birth =
                    NaiveDate::from_ymd_opt(1906, 1, 1).unwrap() + chrono::Days::new(days as u64);
                let first17 = format!("{province:02}{area:04}{}{seq:03}", birth.format("%Y%m%d"));
                format!("{first17}{}", check_character(first17.as_bytes()))
            })
    }

    proptest! {
        #[test]
        fn every_correctly_checksummed_id_parses_and_round_trips(id in valid_id()) {
            let parsed = ResidentId::parse(&id.to_lowercase(), today()).unwrap();
            prop_assert_eq!(parsed.as_str(), id.as_str());
            prop_assert_eq!(parsed.birth_date().format("%Y%m%d").to_string(), &id[6..14]);
        }

        #[test]
        fn changing_any_one_digit_breaks_the_checksum(id in valid_id(), pos in 0usize..17, delta in 1u8..10) {
            let mut bytes = id.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let altered = String::from_utf8(bytes).unwrap();
            // Some edits also break the date or province; none may pass.
            prop_assert!(ResidentId::parse(&altered, today()).is_err());
        }

        #[test]
        fn masking_keeps_length_and_hides_the_middle(id in valid_id()) {
            let masked = mask_id_number(&id);
            prop_assert_eq!(masked.len(), 18);
            prop_assert_eq!(&masked[..6], &id[..6]);
            prop_assert_eq!(&masked[14..], &id[14..]);
            prop_assert_eq!(&masked[6..14], "********");
        }

        #[test]
        fn mobiles_normalise_from_any_spacing(n in 0u64..1_000_000_000u64, second in 3u8..10) {
            let raw = format!("1{second}{n:09}");
            let spaced = format!("+86 {}-{}-{}", &raw[..3], &raw[3..7], &raw[7..]);
            let parsed = Mobile::parse(&spaced).unwrap();
            prop_assert_eq!(parsed.as_str(), raw.as_str());
        }
    }
}
