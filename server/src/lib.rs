//! Jifen's server: the HTTP API, its storage, and the operations of the `jifen` binary.
//!
//! Layout (see `DESIGN.md`): one module per domain, each with its routes (HTTP only), service
//! functions and the SQL of the tables it owns; [`http`] holds the cross-cutting HTTP layers,
//! [`storage`] the database handle and dialect conventions, [`cli`] the subcommands.
//! A domain's SQL is in its `storage` submodule (e.g. [`points::storage`],
//! [`shop::storage`], [`recycling::storage`]); where it reads another module's table for a
//! report or a board, its module docs say so.
//!
//! The counter of a points supermarket is one module, [`shop::counter`]: both QR token formats
//! (the redemption token and the member code, side by side in [`shop::counter::token`]),
//! member codes, and naming the villager at the counter — used by redemptions
//! ([`shop::redemptions`]) and recycling drop-offs ([`recycling`]).

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalogue;
pub mod cli;
pub mod client;
pub mod cluster;
pub mod config;
pub mod csv_input;
pub mod csv_output;
pub mod demo;
pub mod error;
pub mod http;
pub mod inbox;
pub mod ledger;
pub mod media;
pub mod openapi;
pub mod ops;
pub mod people;
pub mod points;
pub mod policy;
pub mod proxy;
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
