// @generated automatically by Diesel CLI.

diesel::table! {
    api_keys (id) {
        id -> Int8,
        user_id -> Int8,
        name -> Text,
        secret_hash -> Text,
        created_at -> Timestamp,
        created_by -> Int8,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        at -> Timestamp,
        user_id -> Nullable<Int8>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<Int8>,
        detail -> Nullable<Text>,
        principal -> Text,
    }
}

diesel::table! {
    audit_subjects (entry_id, entity, entity_id) {
        entry_id -> Int8,
        entity -> Text,
        entity_id -> Int8,
    }
}

diesel::table! {
    branches (id) {
        id -> Int8,
        region_id -> Int8,
        name -> Text,
        code -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    case_event_revisions (id) {
        id -> Int8,
        event_id -> Int8,
        occurred_on -> Date,
        body -> Text,
        revised_by -> Nullable<Int8>,
        revised_at -> Timestamp,
    }
}

diesel::table! {
    case_events (id) {
        id -> Int8,
        case_id -> Int8,
        occurred_on -> Date,
        kind -> Text,
        body -> Text,
        author_id -> Nullable<Int8>,
        created_at -> Timestamp,
        system_entry -> Bool,
    }
}

diesel::table! {
    case_reference_counters (branch_id, year) {
        branch_id -> Int8,
        year -> Int4,
        last_number -> Int4,
    }
}

diesel::table! {
    case_workload_factors (case_id, factor) {
        case_id -> Int8,
        factor -> Text,
    }
}

diesel::table! {
    cases (id) {
        id -> Int8,
        reference -> Text,
        member_id -> Nullable<Int8>,
        branch_id -> Int8,
        case_type -> Text,
        stage -> Text,
        status -> Text,
        opened_on -> Date,
        closed_on -> Nullable<Date>,
        outcome -> Nullable<Text>,
        workload_factor -> Bool,
        assigned_to -> Nullable<Int8>,
        referred_to_region -> Bool,
        summary -> Nullable<Text>,
        anonymised_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        employer_id -> Nullable<Int8>,
        record_key -> Int4,
        outcome_on -> Nullable<Date>,
        referral_reason -> Nullable<Text>,
    }
}

diesel::table! {
    deadlines (id) {
        id -> Int8,
        case_id -> Int8,
        kind -> Text,
        due_on -> Date,
        done -> Bool,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        starts_at -> Nullable<Text>,
        place -> Nullable<Text>,
        created_by -> Nullable<Int8>,
        updated_by -> Nullable<Int8>,
        updated_at -> Nullable<Timestamp>,
        closed_with_case -> Bool,
        counted_from -> Nullable<Date>,
        acas_day_a -> Nullable<Date>,
        acas_day_b -> Nullable<Date>,
        unextended_on -> Nullable<Date>,
    }
}

diesel::table! {
    employers (id) {
        id -> Int8,
        name -> Text,
        safe_caseload_override -> Nullable<Float8>,
        created_at -> Timestamp,
        supervision_regular_days_override -> Nullable<Int4>,
    }
}

diesel::table! {
    evidence_releases (id) {
        id -> Int8,
        scope -> Text,
        period -> Text,
        published_at -> Timestamp,
        body -> Text,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Int8>,
        withdrawn_reason -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Int8,
        key -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    members (id) {
        id -> Int8,
        branch_id -> Int8,
        employer_id -> Int8,
        membership_number -> Text,
        first_name -> Text,
        last_name -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        job_role -> Text,
        team -> Nullable<Text>,
        fte -> Float8,
        start_date -> Nullable<Date>,
        equality_consent -> Bool,
        age_band -> Nullable<Text>,
        ethnic_group -> Nullable<Text>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        record_key -> Int4,
        left_on -> Nullable<Date>,
    }
}

diesel::table! {
    regions (id) {
        id -> Int8,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    summaries_paused (since) {
        since -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        username -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        branch_id -> Nullable<Int8>,
        region_id -> Nullable<Int8>,
        active -> Bool,
        token_version -> Int4,
        calendar_token -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        calendar_places -> Bool,
        email -> Nullable<Text>,
        email_digest -> Bool,
    }
}

diesel::table! {
    supervision_records (id) {
        id -> Int8,
        member_id -> Int8,
        held_on -> Date,
        kind -> Text,
        minutes -> Nullable<Int4>,
        status -> Text,
        called_off_by -> Nullable<Text>,
        source -> Text,
        employer_id -> Int8,
        note -> Nullable<Text>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    surveys (id) {
        id -> Int8,
        title -> Text,
        introduction -> Nullable<Text>,
        scope -> Text,
        employer_id -> Nullable<Int8>,
        job_role -> Nullable<Text>,
        opens_on -> Date,
        closes_on -> Date,
        created_by -> Int8,
        created_at -> Timestamp,
        results -> Nullable<Text>,
    }
}

diesel::table! {
    survey_questions (id) {
        id -> Int8,
        survey_id -> Int8,
        position -> Int4,
        kind -> Text,
        text -> Text,
        choices -> Nullable<Text>,
        min_value -> Nullable<Float8>,
        max_value -> Nullable<Float8>,
    }
}

diesel::table! {
    survey_links (id) {
        id -> Int8,
        survey_id -> Int8,
        member_id -> Int8,
        token_hash -> Text,
        used -> Bool,
    }
}

diesel::table! {
    survey_responses (id) {
        id -> Text,
        survey_id -> Int8,
        answered_on -> Date,
        record_key -> Int4,
        employer_id -> Nullable<Int8>,
        job_role -> Nullable<Text>,
    }
}

diesel::table! {
    survey_answers (response_id, question_id) {
        response_id -> Text,
        question_id -> Int8,
        chosen -> Nullable<Int8>,
        number -> Nullable<Float8>,
        text -> Nullable<Text>,
    }
}

diesel::table! {
    workload_records (id) {
        id -> Int8,
        member_id -> Int8,
        recorded_on -> Date,
        open_cases -> Int4,
        hours_worked -> Nullable<Float8>,
        contracted_hours -> Nullable<Float8>,
        source -> Text,
        note -> Nullable<Text>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamp,
        fte -> Nullable<Float8>,
        employer_id -> Nullable<Int8>,
    }
}

diesel::table! {
    documents (id) {
        id -> Int8,
        case_id -> Int8,
        title -> Text,
        kind -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        key_fingerprint -> Text,
        nonce -> Binary,
        added_by -> Nullable<Int8>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    case_contacts (id) {
        id -> Int8,
        case_id -> Int8,
        role -> Text,
        name -> Text,
        organisation -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        note -> Nullable<Text>,
        added_by -> Nullable<Int8>,
        added_at -> Timestamp,
    }
}

diesel::table! {
    document_contents (document_id) {
        document_id -> Int8,
        ciphertext -> Binary,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        dedupe_key -> Text,
        user_id -> Int8,
        kind -> Text,
        items -> Int4,
        payload -> Text,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    digest_days (day) {
        day -> Date,
        queued_at -> Timestamp,
    }
}

diesel::table! {
    record_changes (id) {
        id -> Int8,
        member_id -> Int8,
        entity -> Text,
        entity_id -> Int8,
        field -> Text,
        old_value -> Nullable<Text>,
        new_value -> Nullable<Text>,
        via -> Text,
        changed_by -> Nullable<Int8>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    workload_latest (member_id) {
        member_id -> Int8,
        workload_id -> Int8,
        recorded_on -> Date,
        open_cases -> Int4,
        branch_id -> Int8,
        employer_id -> Int8,
        fte -> Float8,
    }
}

diesel::table! {
    case_monthly (dimension, month, value, branch_id, employer_id) {
        dimension -> Text,
        month -> Text,
        value -> Text,
        branch_id -> Int8,
        employer_id -> Int8,
        cases -> Int8,
        key_sum -> Int8,
    }
}

diesel::table! {
    workload_monthly (branch_id, employer_id, month, bucket) {
        branch_id -> Int8,
        employer_id -> Int8,
        month -> Text,
        bucket -> Int8,
        records -> Int8,
    }
}

diesel::joinable!(audit_subjects -> audit_log (entry_id));
diesel::joinable!(branches -> regions (region_id));
diesel::joinable!(record_changes -> members (member_id));
diesel::joinable!(case_event_revisions -> case_events (event_id));
diesel::joinable!(case_event_revisions -> users (revised_by));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_events -> users (author_id));
diesel::joinable!(case_reference_counters -> branches (branch_id));
diesel::joinable!(case_workload_factors -> cases (case_id));
diesel::joinable!(cases -> branches (branch_id));
diesel::joinable!(cases -> employers (employer_id));
diesel::joinable!(cases -> members (member_id));
diesel::joinable!(cases -> users (assigned_to));
diesel::joinable!(deadlines -> cases (case_id));
diesel::joinable!(members -> branches (branch_id));
diesel::joinable!(outbox -> users (user_id));
diesel::joinable!(case_contacts -> cases (case_id));
diesel::joinable!(case_contacts -> users (added_by));
diesel::joinable!(documents -> cases (case_id));
diesel::joinable!(documents -> users (added_by));
diesel::joinable!(document_contents -> documents (document_id));
diesel::joinable!(members -> employers (employer_id));
diesel::joinable!(users -> branches (branch_id));
diesel::joinable!(users -> regions (region_id));
diesel::joinable!(workload_latest -> members (member_id));
diesel::joinable!(supervision_records -> members (member_id));
diesel::joinable!(survey_questions -> surveys (survey_id));
diesel::joinable!(survey_links -> surveys (survey_id));
diesel::joinable!(survey_links -> members (member_id));
diesel::joinable!(survey_responses -> surveys (survey_id));
diesel::joinable!(survey_answers -> survey_responses (response_id));
diesel::joinable!(survey_answers -> survey_questions (question_id));
diesel::joinable!(supervision_records -> employers (employer_id));
diesel::joinable!(workload_records -> members (member_id));
diesel::joinable!(workload_records -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    case_contacts,
    case_monthly,
    audit_log,
    audit_subjects,
    branches,
    case_event_revisions,
    case_events,
    case_reference_counters,
    case_workload_factors,
    cases,
    deadlines,
    employers,
    evidence_releases,
    login_failures,
    members,
    outbox,
    digest_days,
    documents,
    document_contents,
    record_changes,
    regions,
    settings,
    summaries_paused,
    supervision_records,
    survey_answers,
    survey_links,
    survey_questions,
    survey_responses,
    surveys,
    users,
    workload_latest,
    workload_monthly,
    workload_records,
);
