//! springrain: cultural-volunteer coordination as a REST service.

pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod jobs;
pub mod middleware;
pub mod openapi;
pub mod registry;
pub mod routes;
pub mod service;
pub mod snapshots;
pub mod startup;
pub mod state;
pub mod telemetry;
