//! People (人员): villagers and staff — the registry every other domain refers to.
//!
//! - [`phone`]: mainland China mobile numbers, E.164, masked for display;
//! - [`directory`]: looking people up and placing them in grids;
//! - [`import`]: the villager CSV (`jifen import-villagers`, `POST /admin/villagers/import`);
//! - [`routes`]: the HTTP face, for admins;
//! - [`villager`]: one villager edited, their phone changed, their account closed (迁出, 去世);
//! - [`storage`]: the SQL of the `people` and `person_tags` tables.

pub mod directory;
pub mod import;
pub mod phone;
pub mod routes;
pub mod storage;
pub mod villager;
