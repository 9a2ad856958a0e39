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

diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(
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
);
