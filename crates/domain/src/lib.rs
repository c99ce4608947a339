//! The pure core of amtsweg: the rules of the law and of the process.
//!
//! Nothing in this crate does I/O, reads the clock or draws random numbers: time and
//! identifiers come in as values, so every rule can be tested without a database.
#![forbid(unsafe_code)]

pub mod audit;
pub mod authority;
pub mod calendar;
pub mod case;
pub mod deadlines;
pub mod din91379;
pub mod document;
pub mod file_number;
pub mod form;
pub mod participation;
pub mod policy;
pub mod scheduling;
pub mod service;
pub mod text;

pub use text::Text;
pub use uuid::Uuid;
