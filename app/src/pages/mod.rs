//! Pages, one file each.

pub mod not_found;
pub mod status;
