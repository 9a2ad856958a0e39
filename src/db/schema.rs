//! The shared diesel schema. Hand-maintained: only types that `MultiBackend` supports
//! (BigInt ids, Text, Bool, Timestamp, Integer, Date), one file for both databases.

diesel::table! {
    regions (code) {
        code -> Text,
        name -> Text,
        name_zh -> Text,
        kind -> Text,
        land_border -> Bool,
        spring_rain_receiving -> Bool,
        non_gb2260 -> Bool,
    }
}

diesel::table! {
    skills (code) {
        code -> Text,
        family -> Text,
        name -> Text,
        name_zh -> Text,
    }
}

diesel::table! {
    languages (code) {
        code -> Text,
        name -> Text,
        name_zh -> Text,
        minority -> Bool,
    }
}

diesel::table! {
    target_groups (code) {
        code -> Text,
        name -> Text,
        name_zh -> Text,
        focus_group -> Bool,
    }
}

diesel::table! {
    activity_forms (code) {
        code -> Text,
        name -> Text,
        name_zh -> Text,
        spring_rain -> Bool,
    }
}

diesel::table! {
    course_categories (code) {
        code -> Text,
        name -> Text,
        name_zh -> Text,
    }
}

diesel::table! {
    organizations (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        kind -> Text,
        organ_type -> Nullable<Text>,
        name -> Text,
        region_code -> Text,
        path -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Nullable<Text>,
        role -> Text,
        organization_id -> BigInt,
        org_path -> Text,
        disabled -> Bool,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        volunteer_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor_role -> Nullable<Text>,
        action -> Text,
        entity_type -> Text,
        entity_id -> Nullable<Text>,
        org_path -> Nullable<Text>,
        request_id -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    volunteers (id) {
        id -> BigInt,
        volunteer_number -> Nullable<Text>,
        status -> Text,
        status_reason -> Nullable<Text>,
        organization_id -> BigInt,
        org_path -> Text,
        name -> Text,
        name_enc -> Text,
        id_type -> Text,
        id_number_enc -> Nullable<Text>,
        id_number_masked -> Text,
        id_hash -> Nullable<Text>,
        birth_date -> Date,
        sex -> Nullable<Text>,
        mobile_enc -> Nullable<Text>,
        mobile_masked -> Text,
        email_enc -> Nullable<Text>,
        home_region_code -> Text,
        fitness_level -> Integer,
        weekly_cap_minutes -> Nullable<Integer>,
        own_income -> Bool,
        background_check_passed_on -> Nullable<Date>,
        attested_at -> Timestamp,
        privacy_consent_version -> Text,
        minors_policy_version -> Nullable<Text>,
        activation_code_hash -> Nullable<Text>,
        activation_expires_at -> Nullable<Timestamp>,
        anonymised_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    volunteer_skills (volunteer_id, skill_code) {
        volunteer_id -> BigInt,
        skill_code -> Text,
        level -> Integer,
    }
}

diesel::table! {
    volunteer_languages (volunteer_id, language_code) {
        volunteer_id -> BigInt,
        language_code -> Text,
        proficiency -> Text,
    }
}

diesel::table! {
    volunteer_availability (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        weekday -> Integer,
        start_minute -> Integer,
        end_minute -> Integer,
    }
}

diesel::table! {
    volunteer_blackouts (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        starts_on -> Date,
        ends_on -> Date,
    }
}

diesel::table! {
    volunteer_target_groups (volunteer_id, target_group_code) {
        volunteer_id -> BigInt,
        target_group_code -> Text,
    }
}

diesel::table! {
    guardian_consents (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        guardian_name_enc -> Nullable<Text>,
        relationship -> Nullable<Text>,
        guardian_id_type -> Text,
        guardian_id_enc -> Nullable<Text>,
        guardian_id_masked -> Text,
        guardian_mobile_enc -> Nullable<Text>,
        guardian_mobile_masked -> Text,
        covers_registration -> Bool,
        covers_activities -> Bool,
        method -> Text,
        consented_at -> Timestamp,
        recorded_by -> Nullable<BigInt>,
        withdrawn_at -> Nullable<Timestamp>,
        relationship_enc -> Nullable<Text>,
    }
}

diesel::table! {
    insurance_policies (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        insurer -> Text,
        policy_number -> Text,
        valid_from -> Date,
        valid_to -> Date,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    volunteer_number_counters (province) {
        province -> Text,
        next_value -> BigInt,
    }
}

diesel::table! {
    personal_data_requests (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        kind -> Text,
        details -> Text,
        requested_by -> Nullable<BigInt>,
        status -> Text,
        resolution -> Nullable<Text>,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    recruitments (id) {
        id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        title -> Text,
        description -> Text,
        requirements -> Text,
        quota -> Integer,
        places_taken -> Integer,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        status -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    applications (id) {
        id -> BigInt,
        recruitment_id -> BigInt,
        volunteer_id -> BigInt,
        status -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    courses (id) {
        id -> BigInt,
        code -> Text,
        title -> Text,
        description -> Text,
        category -> Text,
        minutes -> Integer,
        validity_months -> Nullable<Integer>,
        organization_id -> BigInt,
        org_path -> Text,
        grants_skill_code -> Nullable<Text>,
        grants_skill_level -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_sessions (id) {
        id -> BigInt,
        course_id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Text,
        region_code -> Text,
        place -> Text,
        capacity -> Integer,
        enrolled_count -> Integer,
        trainer -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    enrollments (id) {
        id -> BigInt,
        session_id -> BigInt,
        volunteer_id -> BigInt,
        status -> Text,
        score -> Nullable<Integer>,
        enrolled_at -> Timestamp,
        enrolled_by -> Nullable<BigInt>,
        result_recorded_at -> Nullable<Timestamp>,
        recorded_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    training_certificates (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        course_id -> BigInt,
        session_id -> BigInt,
        enrollment_id -> BigInt,
        issued_on -> Date,
        expires_on -> Nullable<Date>,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        revoked_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        recipient_user_id -> Nullable<BigInt>,
        recipient_volunteer_id -> Nullable<BigInt>,
        kind -> Text,
        title -> Text,
        body -> Text,
        entity_type -> Nullable<Text>,
        entity_id -> Nullable<Text>,
        dedupe_key -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sites (id) {
        id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        name -> Text,
        kind -> Text,
        region_code -> Text,
        address -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        location_type -> Text,
        local_languages -> Text,
        target_groups -> Text,
        contact -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    activities (id) {
        id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        site_id -> BigInt,
        title -> Text,
        description -> Text,
        category -> Text,
        form -> Text,
        programme -> Text,
        sending_province -> Nullable<Text>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        time_zone -> Text,
        region_code -> Text,
        headcount_min -> Integer,
        headcount_max -> Integer,
        confirmed_count -> Integer,
        target_groups -> Text,
        requirements -> Text,
        requires_special_skills -> Bool,
        min_age -> Nullable<Integer>,
        max_age -> Nullable<Integer>,
        physical_demand -> Integer,
        risk_level -> Text,
        risk_disclosure -> Text,
        agreement_required -> Bool,
        recipient_fee_cents -> Integer,
        status -> Text,
        cancel_reason -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assignments (id) {
        id -> BigInt,
        activity_id -> BigInt,
        volunteer_id -> BigInt,
        org_path -> Text,
        status -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        accompanying_guardian -> Nullable<Text>,
        offered_by -> Nullable<BigInt>,
        offered_at -> Timestamp,
        responded_at -> Nullable<Timestamp>,
        withdrawn_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        checked_in_at -> Nullable<Timestamp>,
        checked_out_at -> Nullable<Timestamp>,
        break_minutes -> Integer,
        verified_at -> Nullable<Timestamp>,
        verified_by -> Nullable<BigInt>,
        updated_at -> Timestamp,
        agreement_requested_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    agreements (id) {
        id -> BigInt,
        assignment_id -> BigInt,
        content_time_place -> Text,
        rights_and_duties -> Text,
        risk_protection -> Text,
        modification_termination -> Text,
        liability_disputes -> Text,
        other_matters -> Text,
        recorded_by -> Nullable<BigInt>,
        signed_at -> Timestamp,
        organiser_signed_by -> Nullable<BigInt>,
        organiser_signed_at -> Nullable<Timestamp>,
        volunteer_signed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    qualifications (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        code -> Text,
        issuer -> Text,
        expires_on -> Nullable<Date>,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_records (id) {
        id -> BigInt,
        record_key -> BigInt,
        version -> Integer,
        is_current -> Bool,
        assignment_id -> BigInt,
        volunteer_id -> BigInt,
        activity_id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        activity_title -> Text,
        region_code -> Text,
        service_date -> Date,
        started_at -> Timestamp,
        ended_at -> Timestamp,
        break_minutes -> Integer,
        minutes -> Integer,
        content -> Text,
        recorder_user_id -> Nullable<BigInt>,
        recorded_at -> Timestamp,
        change_reason -> Nullable<Text>,
    }
}

diesel::table! {
    record_corrections (id) {
        id -> BigInt,
        record_key -> BigInt,
        volunteer_id -> BigInt,
        requested_by -> Nullable<BigInt>,
        proposed_started_at -> Nullable<Timestamp>,
        proposed_ended_at -> Nullable<Timestamp>,
        proposed_break_minutes -> Nullable<Integer>,
        reason -> Text,
        status -> Text,
        resolution -> Nullable<Text>,
        resolved_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    star_awards (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        level -> Integer,
        status -> Text,
        award_number -> Nullable<Text>,
        requested_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        decision_note -> Nullable<Text>,
    }
}

diesel::table! {
    record_certificates (id) {
        id -> BigInt,
        number -> Text,
        volunteer_id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        volunteer_name -> Text,
        id_type -> Text,
        id_number_masked -> Text,
        volunteer_number -> Text,
        total_minutes -> Integer,
        record_keys -> Text,
        content_summary -> Text,
        issuer_name -> Text,
        person_in_charge -> Text,
        handler -> Text,
        contact -> Text,
        seal_ref -> Text,
        issued_on -> Date,
        publicity_ends_on -> Date,
        issued_by -> Nullable<BigInt>,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        created_at -> Timestamp,
        volunteer_name_enc -> Nullable<Text>,
        objected_at -> Nullable<Timestamp>,
        id_number_masked_enc -> Nullable<Text>,
    }
}

diesel::table! {
    certificate_objections (id) {
        id -> BigInt,
        certificate_id -> BigInt,
        reason_enc -> Text,
        status -> Text,
        lodged_at -> Timestamp,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decision_note -> Nullable<Text>,
    }
}

diesel::table! {
    training_base_events (id) {
        id -> BigInt,
        title -> Text,
        description -> Text,
        place -> Text,
        starts_on -> Date,
        ends_on -> Date,
        capacity -> Integer,
        host_organization_id -> BigInt,
        host_org_path -> Text,
        host_province -> Text,
        invited_provinces -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_base_trainees (id) {
        id -> BigInt,
        event_id -> BigInt,
        nominating_organization_id -> BigInt,
        nominating_org_path -> Text,
        name_enc -> Text,
        mobile_enc -> Text,
        mobile_masked -> Text,
        mobile_index -> Text,
        work_unit -> Text,
        post -> Text,
        region_code -> Text,
        trainee_province -> Text,
        attended -> Nullable<Bool>,
        attendance_recorded_at -> Nullable<Timestamp>,
        certificate_no -> Nullable<Text>,
        certificate_issued_on -> Nullable<Date>,
        nominated_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(activities -> sites (site_id));
diesel::joinable!(assignments -> activities (activity_id));
diesel::joinable!(assignments -> volunteers (volunteer_id));
diesel::joinable!(agreements -> assignments (assignment_id));
diesel::joinable!(applications -> recruitments (recruitment_id));
diesel::joinable!(applications -> volunteers (volunteer_id));
diesel::joinable!(training_sessions -> courses (course_id));
diesel::joinable!(enrollments -> training_sessions (session_id));
diesel::joinable!(enrollments -> volunteers (volunteer_id));
diesel::joinable!(training_certificates -> courses (course_id));
diesel::joinable!(training_base_trainees -> training_base_events (event_id));
diesel::joinable!(training_certificates -> volunteers (volunteer_id));
diesel::joinable!(volunteers -> organizations (organization_id));
diesel::joinable!(volunteer_skills -> volunteers (volunteer_id));
diesel::joinable!(volunteer_languages -> volunteers (volunteer_id));
diesel::joinable!(volunteer_availability -> volunteers (volunteer_id));
diesel::joinable!(volunteer_blackouts -> volunteers (volunteer_id));
diesel::joinable!(volunteer_target_groups -> volunteers (volunteer_id));
diesel::joinable!(guardian_consents -> volunteers (volunteer_id));
diesel::joinable!(insurance_policies -> volunteers (volunteer_id));
diesel::joinable!(personal_data_requests -> volunteers (volunteer_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::table! {
    identity_disputes (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        channel -> Text,
        recruitment_id -> Nullable<BigInt>,
        claimant_name_enc -> Text,
        claimant_name_masked -> Text,
        claimant_mobile_enc -> Nullable<Text>,
        claimant_mobile_masked -> Text,
        status -> Text,
        decision_reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(identity_disputes -> volunteers (volunteer_id));

diesel::table! {
    spring_rain_editions (id) {
        id -> BigInt,
        year -> Integer,
        title -> Text,
        theme -> Text,
        plans_due_on -> Date,
        status -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    spring_rain_pairings (id) {
        id -> BigInt,
        sending_province -> Text,
        receiving_region -> Text,
        start_year -> Integer,
        counterpart_aid -> Bool,
        intra_border_override -> Bool,
        override_reason -> Nullable<Text>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    spring_rain_edition_pairings (edition_id, pairing_id) {
        edition_id -> BigInt,
        pairing_id -> BigInt,
        added_by -> Nullable<BigInt>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    spring_rain_deployments (activity_id) {
        activity_id -> BigInt,
        edition_id -> Nullable<BigInt>,
        pairing_id -> Nullable<BigInt>,
        action_type -> Nullable<Text>,
    }
}

diesel::table! {
    activity_people_reached (activity_id, target_group_code) {
        activity_id -> BigInt,
        target_group_code -> Text,
        people -> Integer,
        recorded_by -> Nullable<BigInt>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    feedback_links (activity_id) {
        activity_id -> BigInt,
        token -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    opinions (id) {
        id -> BigInt,
        activity_id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        channel -> Text,
        rating -> Nullable<Integer>,
        body -> Nullable<Text>,
        target_group -> Nullable<Text>,
        heard_counts -> Nullable<Text>,
        heard_on -> Date,
        contact_enc -> Nullable<Text>,
        receipt_code -> Nullable<Text>,
        is_issue -> Bool,
        answer_due_on -> Nullable<Date>,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<BigInt>,
        recorded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    rectification_items (id) {
        id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        description -> Text,
        source_opinion_ids -> Text,
        responsible_person -> Text,
        measures -> Text,
        due_on -> Date,
        status -> Text,
        status_reason -> Nullable<Text>,
        resolution -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
        published_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(spring_rain_edition_pairings -> spring_rain_pairings (pairing_id));
diesel::joinable!(spring_rain_edition_pairings -> spring_rain_editions (edition_id));
diesel::joinable!(activity_people_reached -> activities (activity_id));
diesel::joinable!(feedback_links -> activities (activity_id));
diesel::joinable!(opinions -> activities (activity_id));
diesel::joinable!(spring_rain_deployments -> activities (activity_id));

diesel::table! {
    region_divisions (code) {
        code -> Text,
        name_zh -> Text,
        level -> Text,
        province_code -> Text,
    }
}

diesel::table! {
    reference_editions (list) {
        list -> Text,
        edition -> Text,
        source -> Text,
    }
}

diesel::table! {
    volunteer_attestations (volunteer_id) {
        volunteer_id -> BigInt,
        source -> Text,
        recorded_by -> Nullable<BigInt>,
    }
}

// Issue 11, PLAN-01: campaigns, their stages, provincial implementation plans and targets.
diesel::table! {
    plan_campaigns (id) {
        id -> BigInt,
        year -> Integer,
        title -> Text,
        due_date -> Date,
        period_from -> Date,
        period_to -> Date,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    plan_campaign_stages (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        position -> Integer,
        name -> Text,
        starts_on -> Date,
        ends_on -> Date,
    }
}

diesel::table! {
    implementation_plans (id) {
        id -> BigInt,
        campaign_id -> BigInt,
        organization_id -> BigInt,
        org_path -> Text,
        province -> Text,
        status -> Text,
        measures -> Text,
        target_volunteers_registered -> Integer,
        target_volunteers_trained -> Integer,
        target_teams_sent -> Integer,
        target_teams_received -> Integer,
        target_verified_hours -> Integer,
        late -> Bool,
        first_submitted_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        submitted_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        review_comment -> Nullable<Text>,
        summary_evaluation -> Nullable<Text>,
        summary_written_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    implementation_plan_activity_targets (id) {
        id -> BigInt,
        plan_id -> BigInt,
        dimension -> Text,
        code -> Text,
        target -> Integer,
    }
}

diesel::allow_columns_to_appear_in_same_group_by_clause!(
    training_base_events::host_province,
    training_base_trainees::trainee_province,
);

diesel::table! {
    service_record_sync (record_id) {
        record_id -> BigInt,
        status -> Text,
        updated_at -> Timestamp,
        updated_by -> BigInt,
    }
}

diesel::table! {
    auth_epoch (id) {
        id -> Integer,
        epoch -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    feedback_links,
    opinions,
    rectification_items,
    volunteer_evaluations,
    volunteer_complaints,
    commendations,
    honour_publication_consents,
    plan_campaigns,
    plan_campaign_stages,
    implementation_plans,
    implementation_plan_activity_targets,
    service_record_sync,
    region_divisions,
    reference_editions,
    volunteer_attestations,
    spring_rain_editions,
    spring_rain_pairings,
    spring_rain_edition_pairings,
    spring_rain_deployments,
    activity_people_reached,
    identity_disputes,
    regions,
    skills,
    languages,
    target_groups,
    activity_forms,
    course_categories,
    organizations,
    users,
    sessions,
    refresh_tokens,
    audit_events,
    volunteers,
    volunteer_skills,
    volunteer_languages,
    volunteer_availability,
    volunteer_blackouts,
    volunteer_target_groups,
    guardian_consents,
    insurance_policies,
    personal_data_requests,
    volunteer_number_counters,
    recruitments,
    applications,
    courses,
    training_sessions,
    enrollments,
    training_certificates,
    training_base_events,
    training_base_trainees,
    notifications,
    sites,
    activities,
    assignments,
    agreements,
    qualifications,
    service_records,
    record_corrections,
    star_awards,
    record_certificates,
    certificate_objections,
    matching_consents,
    attendance_days,
    team_leaders,
    team_evaluations,
    volunteer_protected_fields,
    privacy_notices,
    privacy_consents,
    privacy_withdrawals,
    deregistrations,
);

// Issue 14, personal information: under-14s' encrypted fields (PI-01), privacy notices and
// consent history (PI-02), deregistrations awaiting erasure (PI-06).
diesel::table! {
    volunteer_protected_fields (volunteer_id) {
        volunteer_id -> BigInt,
        birth_date_enc -> Text,
        sex_enc -> Text,
        home_region_enc -> Text,
    }
}

diesel::table! {
    privacy_notices (id) {
        id -> BigInt,
        version -> Text,
        purpose -> Text,
        fresh_consent_required -> Bool,
        summary -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        published_by -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    privacy_consents (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        event -> Text,
        notice_id -> Nullable<BigInt>,
        given_by -> Text,
        recorded_by -> BigInt,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    privacy_withdrawals (volunteer_id) {
        volunteer_id -> BigInt,
        withdrawn_at -> Timestamp,
    }
}

diesel::table! {
    deregistrations (volunteer_id) {
        volunteer_id -> BigInt,
        deregistered_at -> Timestamp,
        erased_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(volunteer_protected_fields -> volunteers (volunteer_id));
diesel::joinable!(privacy_consents -> volunteers (volunteer_id));
diesel::joinable!(privacy_consents -> privacy_notices (notice_id));
diesel::joinable!(privacy_withdrawals -> volunteers (volunteer_id));
diesel::joinable!(deregistrations -> volunteers (volunteer_id));

diesel::table! {
    dispatch_plans (id) {
        id -> BigInt,
        created_by -> BigInt,
        org_path -> Text,
        status -> Text,
        plan -> Text,
        created_at -> Timestamp,
        committed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    idempotency_keys (user_id, idempotency_key) {
        user_id -> BigInt,
        idempotency_key -> Text,
        request_hash -> Text,
        status_code -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body_enc -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    matching_consents (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        scope -> Text,
        notice_version -> Text,
        consented_at -> Timestamp,
        recorded_by -> Nullable<BigInt>,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    attendance_days (id) {
        id -> BigInt,
        assignment_id -> BigInt,
        service_date -> Date,
        checked_in_at -> Timestamp,
        checked_out_at -> Nullable<Timestamp>,
        break_minutes -> Integer,
        travel_minutes -> Integer,
        recorded_by -> BigInt,
        recorded_by_org -> BigInt,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    team_leaders (activity_id) {
        activity_id -> BigInt,
        assignment_id -> BigInt,
        appointed_by -> BigInt,
        appointed_at -> Timestamp,
    }
}

diesel::table! {
    team_evaluations (id) {
        id -> BigInt,
        activity_id -> BigInt,
        author_user_id -> BigInt,
        organization_id -> BigInt,
        body -> Text,
        rating -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(attendance_days -> assignments (assignment_id));
diesel::joinable!(team_evaluations -> activities (activity_id));

// Issue 10: evaluations and complaints about volunteers, commendations (STAR-03) and the
// consent to publish one's name on honour lists (PI-07).
diesel::table! {
    volunteer_evaluations (id) {
        id -> BigInt,
        assignment_id -> BigInt,
        volunteer_id -> BigInt,
        activity_id -> BigInt,
        evaluator_organization_id -> BigInt,
        evaluator_org_path -> Text,
        side -> Text,
        rating -> Integer,
        note -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    volunteer_complaints (id) {
        id -> BigInt,
        volunteer_id -> BigInt,
        org_path -> Text,
        assignment_id -> BigInt,
        activity_id -> BigInt,
        lodging_organization_id -> BigInt,
        lodging_org_path -> Text,
        description -> Text,
        status -> Text,
        outcome_reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        lodged_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    commendations (id) {
        id -> BigInt,
        kind -> Text,
        level -> Text,
        target_type -> Text,
        target_id -> BigInt,
        citation -> Text,
        year -> Integer,
        nominating_organization_id -> BigInt,
        nominating_org_path -> Text,
        status -> Text,
        decision_note -> Nullable<Text>,
        deciding_organization_id -> Nullable<BigInt>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        nominated_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    honour_publication_consents (volunteer_id) {
        volunteer_id -> BigInt,
        consented_at -> Timestamp,
    }
}

diesel::table! {
    login_throttles (account, client) {
        account -> Text,
        client -> Text,
        failures -> Integer,
        window_start -> Timestamp,
        last_failure -> Timestamp,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        account -> Text,
        client -> Text,
        started_at -> Timestamp,
    }
}

diesel::joinable!(volunteer_evaluations -> assignments (assignment_id));
diesel::joinable!(volunteer_complaints -> volunteers (volunteer_id));
diesel::joinable!(honour_publication_consents -> volunteers (volunteer_id));
