//! Tests of `list`.
use super::query_plan::values_are_cheaper;

#[test]
fn a_few_rare_values_lead_the_walk() {
    assert!(values_are_cheaper(&[3, 40, 7], 51, 1_000_000));
}

#[test]
fn values_carried_by_most_operations_leave_the_walk_to_a_plain_scan() {
    // 60 values of 5,000 operations each: a match every third operation.
    assert!(!values_are_cheaper(&[5_000; 60], 51, 1_000_000));
}

#[test]
fn the_counts_and_the_page_may_take_different_routes() {
    // 64 values of 500 uses: a page is found sooner by a plain walk (a match every 31
    // operations), a thousand matches to count sooner through the values.
    let uses = [500; 64];
    assert!(!values_are_cheaper(&uses, 51, 1_000_000));
    assert!(values_are_cheaper(&uses, 1_000, 1_000_000));
}
