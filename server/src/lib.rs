//! Jifen's server: the HTTP API, its storage, and the operations of the `jifen` binary.
//!
//! Layout (see `DESIGN.md`): one module per domain, each with its routes (HTTP only), service
//! functions and the SQL of the tables it owns; [`http`] holds the cross-cutting HTTP layers,
//! [`storage`] the database handle and dialect conventions, [`cli`] the subcommands.

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalogue;
pub mod cli;
pub mod client;
pub mod config;
pub mod csv_input;
pub mod csv_output;
pub mod demo;
pub mod error;
pub mod http;
pub mod inbox;
pub mod ledger;
pub mod media;
pub mod ops;
pub mod people;
pub mod points;
pub mod policy;
pub mod pwa;
pub mod recycling;
pub mod regions;
pub mod reports;
pub mod services;
pub mod shop;
pub mod startup;
pub mod storage;
pub mod telemetry;
pub mod text;
