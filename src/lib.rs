//! orgtop: a terminal operations console for AWS Organizations governed by
//! AWS Control Tower.
//!
//! The modules follow the layers of the design: `model` holds pure data and
//! rules, `provider` speaks to AWS (or the demo organization), `crawl`
//! assembles an organization from provider calls, `worker` runs those calls
//! off the UI thread, `app` turns events into state, `ui` draws it, and `cli`
//! wires everything to the command line.

pub mod app;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crawl;
pub mod journal;
pub mod logging;
pub mod model;
pub mod provider;
pub mod store;
pub mod tui;
pub mod ui;
pub mod worker;
