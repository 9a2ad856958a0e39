//! PI-01: what of a registration stays readable in the database. All data on under-14s and
//! all guardian data are encrypted field by field. Rules and searches read plain columns
//! (age checks, region filters), so an under-14's plain columns keep a coarse value instead:
//!
//! - `birth_date`: the last day of the birth year. An age computed from it is never above
//!   the real one, so every minors' rule (MIN-03/05/06, the under-14 mask) errs on the
//!   protective side, and a list's age band stays right;
//! - `home_region_code`: the province (`330000`): region searches by province still find the
//!   child, a prefecture or county search does not;
//! - `sex`: none.
//!
//! The exact values are in `volunteer_protected_fields`; views that show them (the single
//! read of a volunteer) decrypt them, lists and exports do not.
//!
//! Every ID number's clear mask is the restricted one (first 6 and last character): the
//! documented mask (first 6 and last 4) beside the clear birth date would be the whole number.
//! Readers entitled to the documented mask get it from the encrypted number (a volunteer) or
//! an encrypted snapshot (a certificate).

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;

use crate::crypto::PersonalDataCipher;
use crate::db::privacy::ProtectedFieldsRow;
use crate::db::schema::{guardian_consents, record_certificates, volunteers};
use crate::db::volunteers::{GuardianConsentRow, VolunteerRow};
use crate::db::{self, DbConn};
use crate::domain::identity::{mask_id_number, mask_name, restrict_id_mask};
use crate::domain::volunteer::{NewVolunteer, under_14_on};

/// The plain birth date kept for an under-14: 31 December of the birth year.
pub fn coarse_birth_date(birth: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(birth.year(), 12, 31).unwrap_or(birth)
}

/// The plain home region kept for an under-14: its province.
pub fn coarse_region(code: &str) -> String {
    format!("{}0000", code.get(..2).unwrap_or("00"))
}

/// The encrypted fields of an under-14 registration.
pub fn protected_row(
    cipher: &PersonalDataCipher,
    volunteer_id: i64,
    v: &NewVolunteer,
) -> ProtectedFieldsRow {
    ProtectedFieldsRow {
        volunteer_id,
        birth_date_enc: cipher.encrypt(&v.birth_date.to_string()),
        sex_enc: cipher.encrypt(v.sex.as_str()),
        home_region_enc: cipher.encrypt(v.home_region.as_str()),
    }
}

/// The exact birth date, sex and home region of a volunteer: the plain columns, or for an
/// under-14 the decrypted ones (the plain values when decryption fails, which only a wrong
/// data key causes).
#[derive(Debug, Clone)]
pub struct ExactFields {
    pub birth_date: NaiveDate,
    pub sex: Option<String>,
    pub home_region_code: String,
}

pub fn exact_fields(
    cipher: &PersonalDataCipher,
    row: &VolunteerRow,
    protected: Option<&ProtectedFieldsRow>,
) -> ExactFields {
    let plain = ExactFields {
        birth_date: row.birth_date,
        sex: row.sex.clone(),
        home_region_code: row.home_region_code.clone(),
    };
    let Some(p) = protected else {
        return plain;
    };
    let open = |v: &str| cipher.decrypt(v).ok();
    ExactFields {
        birth_date: open(&p.birth_date_enc)
            .and_then(|d| d.parse().ok())
            .unwrap_or(plain.birth_date),
        sex: open(&p.sex_enc).or(plain.sex),
        home_region_code: open(&p.home_region_enc).unwrap_or(plain.home_region_code),
    }
}

/// A guardian's relationship to the volunteer (stored encrypted).
pub fn relationship(cipher: &PersonalDataCipher, row: &GuardianConsentRow) -> String {
    row.relationship_enc
        .as_deref()
        .and_then(|e| cipher.decrypt(e).ok())
        .or_else(|| row.relationship.clone())
        .unwrap_or_default()
}

/// A volunteer's documented ID mask (`110105********002X`), from the encrypted number; none
/// when the number was erased (PI-06) or cannot be read.
pub fn documented_id_mask(
    cipher: &PersonalDataCipher,
    id_number_enc: Option<&str>,
) -> Option<String> {
    id_number_enc
        .and_then(|e| cipher.decrypt(e).ok())
        .map(|number| mask_id_number(&number))
}

/// The full name on a record certificate, for its holder and issuer; the masked form when
/// the full one was erased (PI-06) or cannot be read.
pub fn certificate_name(cipher: &PersonalDataCipher, masked: &str, enc: Option<&str>) -> String {
    enc.and_then(|e| cipher.decrypt(e).ok())
        .unwrap_or_else(|| masked.to_string())
}

/// Encrypts what was stored in clear before field encryption covered it: under-14s' birth
/// date, sex and home region, guardians' relationships, full names on certificates. SQL has
/// no key, so the migration cannot; the service does it at start-up. Returns the rows changed.
pub fn encrypt_backlog(
    conn: &mut DbConn,
    cipher: &PersonalDataCipher,
    today: NaiveDate,
) -> QueryResult<usize> {
    let mut changed = 0;
    // Under-14s still holding an exact plain row (their plain `sex` is set).
    let earliest = today
        .with_year(today.year() - 14)
        .unwrap_or(today - chrono::Days::new(14 * 366));
    let children: Vec<(i64, NaiveDate, Option<String>, String)> = volunteers::table
        .filter(volunteers::birth_date.gt(earliest))
        .filter(volunteers::sex.is_not_null())
        .select((
            volunteers::id,
            volunteers::birth_date,
            volunteers::sex,
            volunteers::home_region_code,
        ))
        .load(conn)?;
    for (id, birth, sex, region) in children {
        if !under_14_on(birth, today) {
            continue;
        }
        db::privacy::insert_protected(
            conn,
            &[ProtectedFieldsRow {
                volunteer_id: id,
                birth_date_enc: cipher.encrypt(&birth.to_string()),
                sex_enc: cipher.encrypt(sex.as_deref().unwrap_or_default()),
                home_region_enc: cipher.encrypt(&region),
            }],
        )?;
        changed += diesel::update(volunteers::table.find(id))
            .set((
                volunteers::birth_date.eq(coarse_birth_date(birth)),
                volunteers::sex.eq(None::<String>),
                volunteers::home_region_code.eq(coarse_region(&region)),
            ))
            .execute(conn)?;
    }
    let relationships: Vec<(i64, Option<String>)> = guardian_consents::table
        .filter(guardian_consents::relationship.is_not_null())
        .select((guardian_consents::id, guardian_consents::relationship))
        .load(conn)?;
    for (id, relationship) in relationships {
        changed += diesel::update(guardian_consents::table.find(id))
            .set((
                guardian_consents::relationship_enc
                    .eq(cipher.encrypt(relationship.as_deref().unwrap_or_default())),
                guardian_consents::relationship.eq(None::<String>),
            ))
            .execute(conn)?;
    }
    // Certificates issued before their full name, or their documented ID mask, was kept
    // encrypted only: one pass over them, each column moved once.
    type Certificate = (i64, String, Option<String>, String, Option<String>);
    let certificates: Vec<Certificate> = record_certificates::table
        .filter(
            record_certificates::volunteer_name_enc
                .is_null()
                .or(record_certificates::id_number_masked_enc.is_null()),
        )
        .select((
            record_certificates::id,
            record_certificates::volunteer_name,
            record_certificates::volunteer_name_enc,
            record_certificates::id_number_masked,
            record_certificates::id_number_masked_enc,
        ))
        .load(conn)?;
    for (id, name, name_enc, mask, mask_enc) in certificates {
        let (name_enc, name) = match name_enc {
            Some(enc) => (enc, name),
            None => (cipher.encrypt(&name), mask_name(&name)),
        };
        let (mask_enc, mask) = match mask_enc {
            Some(enc) => (enc, mask),
            None => (cipher.encrypt(&mask), restrict_id_mask(&mask)),
        };
        changed += diesel::update(record_certificates::table.find(id))
            .set((
                record_certificates::volunteer_name_enc.eq(name_enc),
                record_certificates::volunteer_name.eq(name),
                record_certificates::id_number_masked_enc.eq(mask_enc),
                record_certificates::id_number_masked.eq(mask),
            ))
            .execute(conn)?;
    }
    Ok(changed)
}
