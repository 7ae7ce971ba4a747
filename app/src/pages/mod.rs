//! Pages, one file each.

pub mod admin;
pub mod bulk_runs;
pub mod changes;
pub mod dashboard;
pub mod failures;
pub mod not_found;
pub mod sign_in;
pub mod status;
