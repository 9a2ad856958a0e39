use super::*;

fn keys(policy: &Policy) -> Vec<&'static str> {
    match policy.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.into_iter().map(|e| e.key).collect(),
    }
}

#[test]
fn the_defaults_are_valid_and_match_the_former_constants() {
    let policy = Policy::default();
    assert_eq!(policy.validate(), Ok(()));
    // The eligibility defaults were the policy before it became configurable.
    assert_eq!(policy.eligibility(), EligibilityPolicy::default());
    assert_eq!(policy.good_record(), GoodRecordPolicy::default());
    assert_eq!(policy.spring_rain.usual_max_days, 15);
    assert_eq!(policy.records.publicity_days, 7);
    assert!(policy.spring_rain.receives("63") && !policy.spring_rain.receives("33"));
}

#[test]
fn every_key_has_a_rule_id() {
    let doc = serde_json::to_value(Policy::default()).unwrap();
    let mut serialised: Vec<String> = doc
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(section, fields)| {
            fields
                .as_object()
                .unwrap()
                .keys()
                .map(move |field| format!("{section}.{field}"))
        })
        .collect();
    let mut listed: Vec<String> = RULE_IDS.iter().map(|(k, _)| k.to_string()).collect();
    serialised.sort();
    listed.sort();
    assert_eq!(serialised, listed);
    assert!(
        Policy::default()
            .entries()
            .iter()
            .all(|e| e.value == e.default)
    );
}

#[test]
fn ages_outside_their_range_are_refused() {
    let mut p = Policy::default();
    p.minors.minimum_age = 19;
    p.minors.accompanied_below_age = 40;
    p.minors.own_income_adult_from = 14;
    assert_eq!(
        keys(&p),
        [
            "minors.minimum_age",
            "minors.accompanied_below_age",
            "minors.own_income_adult_from"
        ]
    );
}

#[test]
fn zero_switches_an_age_limit_off_and_eighteen_means_never_adult_early() {
    let mut p = Policy::default();
    p.minors.minimum_age = 0;
    p.minors.accompanied_below_age = 0;
    p.minors.own_income_adult_from = 18;
    assert_eq!(p.validate(), Ok(()));
    let e = p.eligibility();
    assert_eq!(e.minimum_age, None);
    assert_eq!(e.accompanied_below_age, None);
    assert_eq!(e.own_income_adult_from, None);
}

#[test]
fn thresholds_must_be_positive() {
    let mut p = Policy::default();
    p.spring_rain.usual_max_days = 0;
    p.records.publicity_days = 0;
    p.records.good_record_min_stars = 0;
    p.safeguarding.background_check_validity_months = 0;
    assert_eq!(
        keys(&p),
        [
            "safeguarding.background_check_validity_months",
            "spring_rain.usual_max_days",
            "records.publicity_days",
            "records.good_record_min_stars"
        ]
    );
    p = Policy::default();
    p.records.good_record_min_stars = 6;
    assert_eq!(keys(&p), ["records.good_record_min_stars"]);
}

#[test]
fn the_receiving_set_is_non_empty_known_provinces_without_repeats() {
    let mut p = Policy::default();
    p.spring_rain.receiving_provinces.clear();
    assert_eq!(keys(&p), ["spring_rain.receiving_provinces"]);
    for bad in [["65", "99"], ["65", "650000"], ["65", "65"]] {
        p.spring_rain.receiving_provinces = bad.map(String::from).to_vec();
        let errors = p.validate().unwrap_err();
        assert_eq!(errors.len(), 1, "{bad:?}");
        assert_eq!(errors[0].key, "spring_rain.receiving_provinces");
    }
    p.spring_rain.receiving_provinces = vec!["54".into(), "66".into()];
    assert_eq!(p.validate(), Ok(()));
}

#[test]
fn region_languages_name_known_provinces_and_languages() {
    let p = Policy::default();
    assert_eq!(p.spring_rain.region_languages["65"], ["ug", "kk"]);
    assert_eq!(p.scoring().region_languages, p.spring_rain.region_languages);
    let bad = [
        ("65", vec!["ug", "uyghur"]),
        ("99", vec!["bo"]),
        ("54", vec![]),
        ("53", vec!["ii", "ii"]),
    ];
    for (province, languages) in bad {
        let mut p = Policy::default();
        p.spring_rain.region_languages.insert(
            province.into(),
            languages.iter().map(|l| l.to_string()).collect(),
        );
        assert_eq!(
            keys(&p),
            ["spring_rain.region_languages"],
            "{province} {languages:?}"
        );
    }
    let mut p = Policy::default();
    p.spring_rain.region_languages = BTreeMap::from([("63".into(), vec!["bo".into()])]);
    assert_eq!(p.validate(), Ok(()));
    assert_eq!(p.scoring().region_languages.len(), 1);
}

#[test]
fn safeguarding_names_known_target_groups() {
    let mut p = Policy::default();
    p.safeguarding.background_check_target_groups = vec!["left_behind_kids".into()];
    p.safeguarding
        .required_training
        .insert("pensioners".into(), vec![CourseCategory::ElderCare]);
    let errors = p.validate().unwrap_err();
    assert_eq!(
        errors.iter().map(|e| e.key).collect::<Vec<_>>(),
        [
            "safeguarding.background_check_target_groups",
            "safeguarding.required_training"
        ]
    );
    assert!(errors[0].to_string().contains("\"left_behind_kids\""));
}

#[test]
fn entries_show_a_changed_value_next_to_its_default() {
    let mut p = Policy::default();
    p.spring_rain.usual_max_days = 3;
    let entry = p
        .entries()
        .into_iter()
        .find(|e| e.key == "spring_rain.usual_max_days")
        .unwrap();
    assert_eq!(entry.rule, "SR-04");
    assert_eq!((entry.value, entry.default), (3.into(), 15.into()));
}

#[test]
fn agreement_cases_b_to_e_reach_the_eligibility_checks() {
    let on = Policy::default().eligibility();
    assert!(
        on.agreement_on_request
            && on.agreement_for_cross_province
            && on.agreement_for_personal_danger
            && on.agreement_for_minors
    );
    let p = Policy {
        agreements: AgreementPolicy {
            either_party_request: false,
            cross_province: false,
            personal_danger: false,
            minors: false,
        },
        ..Policy::default()
    };
    let off = p.eligibility();
    assert!(
        !off.agreement_on_request
            && !off.agreement_for_cross_province
            && !off.agreement_for_personal_danger
            && !off.agreement_for_minors
    );
    let entry = p
        .entries()
        .into_iter()
        .find(|e| e.key == "agreements.either_party_request")
        .unwrap();
    assert_eq!(entry.rule, "ACT-09");
    assert_eq!((entry.value, entry.default), (false.into(), true.into()));
}
