//! yuanqi (园企): parks, enterprises, their designations and the plan targets they count toward.
//!
//! The crate is a library with a thin binary (`src/main.rs`). Layers, from the bottom:
//! - [`model`]: domain types, the designation vocabulary, credit-code validation, text hygiene;
//! - [`store`]: SQLite connection, numbered migrations, the embedded seed dataset, queries;
//! - [`search`]: pinyin forms and fuzzy ranking over names, short names and codes;
//! - [`targets`]: target rules and the computed-vs-reported figures;
//! - [`ingest`]: spreadsheet readers, header mapping, import and export;
//! - [`tui`]: the terminal interface (state, actions, views);
//! - [`demo`]: synthetic stores at province scale for benchmarks;
//! - [`cli`]: one module per subcommand.

pub mod cli;
pub mod demo;
pub mod ingest;
pub mod model;
pub mod search;
pub mod store;
pub mod targets;
pub mod tui;
