//! What several route modules share: extractors, pagination, CSV output and the
//! volunteer-registration request. Route modules never import one another, only this; no use
//! case imports it.

pub mod csv_out;
pub mod extract;
pub mod pagination;
pub mod registration;
