use chrono::{Duration, TimeZone};

use super::*;

/// 14:15:00 on a day: a quarter of the hour going on has passed.
fn quarter_past() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 6, 14, 15, 0).unwrap()
}

fn rule(kind: AlertKind, threshold: i64) -> AlertRule {
    AlertRule {
        id: 1,
        kind,
        channel_id: None,
        failure_group: None,
        job: None,
        threshold,
        enabled: true,
        created_by: "admin".into(),
        created_at: quarter_past(),
    }
}

fn inputs() -> AlertInputs {
    AlertInputs {
        now: quarter_past(),
        channels: vec![(1, "OSL".into()), (2, "BGO".into())],
        failures: Vec::new(),
        oldest_pending: Vec::new(),
        jobs: Vec::new(),
        api: Vec::new(),
    }
}

fn failures(channel_id: i64, group: &str, this_hour: i64, last_hour: i64) -> FailureCount {
    FailureCount {
        channel_id,
        failure_group: group.into(),
        this_hour,
        last_hour,
    }
}

fn reading(subject: &str, value: i64) -> Reading {
    Reading {
        subject: subject.into(),
        value,
    }
}

#[test]
fn failures_per_hour_count_the_last_sixty_minutes_from_two_hourly_counters() {
    let mut at = inputs();
    // 14:15: all of 14:00–14:15 and three quarters of 13:00–14:00.
    at.failures = vec![
        failures(1, "invalid_email.receipt_email.invalid_email", 10, 40),
        failures(1, "missing_field.name.", 5, 0),
        failures(2, "missing_field.name.", 3, 4),
    ];
    assert_eq!(
        at.firing(&rule(AlertKind::FailuresPerHour, 20)),
        vec![reading("OSL", 10 + 30 + 5)]
    );
    assert_eq!(
        at.firing(&rule(AlertKind::FailuresPerHour, 5)),
        vec![reading("BGO", 6), reading("OSL", 45)]
    );
    let one_group = AlertRule {
        failure_group: Some("missing_field.name.".into()),
        ..rule(AlertKind::FailuresPerHour, 4)
    };
    assert_eq!(
        at.firing(&one_group),
        vec![reading("BGO", 6), reading("OSL", 5)]
    );
    let one_channel = AlertRule {
        channel_id: Some(2),
        ..rule(AlertKind::FailuresPerHour, 5)
    };
    assert_eq!(at.firing(&one_channel), vec![reading("BGO", 6)]);
}

#[test]
fn a_measure_equal_to_the_threshold_does_not_fire() {
    let mut at = inputs();
    at.failures = vec![failures(1, "x.y.z", 50, 0)];
    assert!(at.firing(&rule(AlertKind::FailuresPerHour, 50)).is_empty());
    assert_eq!(at.firing(&rule(AlertKind::FailuresPerHour, 49)).len(), 1);
}

#[test]
fn the_oldest_pending_operation_counts_minutes_since_it_was_received() {
    let mut at = inputs();
    at.oldest_pending = vec![
        (1, quarter_past() - Duration::minutes(45)),
        (2, quarter_past() - Duration::minutes(5)),
    ];
    assert_eq!(
        at.firing(&rule(AlertKind::OldestPending, 30)),
        vec![reading("OSL", 45)]
    );
    assert!(at.firing(&rule(AlertKind::OldestPending, 45)).is_empty());
}

#[test]
fn a_job_stalls_after_k_of_its_intervals_without_a_finished_run_unless_it_is_paused() {
    let mut at = inputs();
    let pulse = |job, minutes_ago, paused| JobPulse {
        job,
        interval_seconds: 60,
        paused,
        last_active: quarter_past() - Duration::minutes(minutes_ago),
    };
    at.jobs = vec![
        pulse(JobName::PJob, 10, false),
        pulse(JobName::SynchronizeCustomers, 2, false),
        pulse(JobName::Distribution, 60, true),
    ];
    assert_eq!(
        at.firing(&rule(AlertKind::JobStalled, 3)),
        vec![reading("p_job", 10)]
    );
    let other_job = AlertRule {
        job: Some(JobName::SynchronizeCustomers),
        ..rule(AlertKind::JobStalled, 3)
    };
    assert!(at.firing(&other_job).is_empty());
}

#[test]
fn the_api_error_rate_needs_enough_requests_to_mean_something() {
    let mut at = inputs();
    at.api = vec![
        ApiCount {
            channel_id: 1,
            this_hour: (30, 12),
            last_hour: (40, 0),
        },
        // One bad request of two: 50 %, but too few requests to say a channel is failing.
        ApiCount {
            channel_id: 2,
            this_hour: (2, 1),
            last_hour: (0, 0),
        },
    ];
    // OSL: 12 errors of 30 + 30 requests = 20 %.
    assert_eq!(
        at.firing(&rule(AlertKind::ApiErrorRate, 10)),
        vec![reading("OSL", 20)]
    );
    assert!(at.firing(&rule(AlertKind::ApiErrorRate, 20)).is_empty());
}

#[test]
fn a_look_opens_episodes_for_new_subjects_and_resolves_those_no_longer_firing() {
    let episode = |id, subject: &str| OpenEpisode {
        id,
        rule_id: 1,
        subject: subject.into(),
        value: 60,
        started_at: quarter_past(),
    };
    let open = vec![episode(7, "OSL"), episode(8, "BGO")];
    let firing = vec![reading("OSL", 70), reading("TRD", 55)];
    let (to_open, to_resolve) = changes(&firing, &open);
    assert_eq!(to_open, vec![&reading("TRD", 55)]);
    assert_eq!(to_resolve.iter().map(|e| e.id).collect::<Vec<_>>(), vec![8]);
    // Still firing: nothing opens again.
    let (to_open, to_resolve) = changes(&firing[..1], &open[..1]);
    assert!(to_open.is_empty() && to_resolve.is_empty());
}

#[test]
fn a_new_rule_names_the_field_that_is_wrong() {
    let check = |kind, channel, group, job, threshold| {
        NewAlertRule::check(kind, channel, group, job, threshold, &[1, 2])
    };
    assert_eq!(
        check("failures_per_hour", None, "", "", "-3")
            .unwrap_err()
            .0,
        "threshold"
    );
    assert_eq!(
        check("failures_per_hour", None, "", "", "0").unwrap_err().0,
        "threshold"
    );
    assert_eq!(
        check("failures_per_hour", None, "", "", "ten")
            .unwrap_err()
            .0,
        "threshold"
    );
    assert_eq!(
        check("api_error_rate", None, "", "", "100").unwrap_err().0,
        "threshold"
    );
    assert_eq!(check("sometimes", None, "", "", "5").unwrap_err().0, "kind");
    assert_eq!(
        check("oldest_pending", Some(9), "", "", "5").unwrap_err().0,
        "channel_id"
    );
    assert_eq!(
        check("failures_per_hour", None, "no dots", "", "5")
            .unwrap_err()
            .0,
        "failure_group"
    );
    assert_eq!(
        check("job_stalled", None, "", "nightly", "3")
            .unwrap_err()
            .0,
        "job"
    );
    let rule = check("job_stalled", Some(1), "x.y.z", "p_job", " 3 ").unwrap();
    assert_eq!(
        rule,
        NewAlertRule {
            kind: AlertKind::JobStalled,
            channel_id: None,
            failure_group: None,
            job: Some(JobName::PJob),
            threshold: 3,
        },
        "scopes that do not apply to the kind are dropped"
    );
}

#[cfg(feature = "ssr")]
#[test]
fn a_webhook_needs_an_http_address_and_a_secret_long_enough_to_sign_with() {
    let secret = "a-secret-of-24-characters";
    assert!(check_webhook("https://hooks.example.no/custsync", secret).is_ok());
    assert!(check_webhook("http://127.0.0.1:9000/hook", secret).is_ok());
    for bad in [
        "ftp://example.no/x",
        "example.no/hook",
        "javascript:alert(1)",
        "https://user:pw@example.no/",
    ] {
        assert_eq!(check_webhook(bad, secret).unwrap_err().0, "url", "{bad}");
    }
    assert_eq!(
        check_webhook("https://example.no/", "short").unwrap_err().0,
        "secret"
    );
}
