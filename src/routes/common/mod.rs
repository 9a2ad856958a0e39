//! What several route modules share: extractors, pagination, CSV output, the
//! volunteer-registration request and the organisation and account DTOs. Route modules never
//! import one another, only this; no use case imports it.

pub mod csv_out;
pub mod dates;
pub mod extract;
mod fees;
pub mod organization;
pub mod pagination;
pub mod plan;
pub mod registration;
pub mod user;
pub mod versions;
