//! The application services of amtsweg (one function per use case) and its JSON API.
//! Pages (crate `amtsweg-web`) and the API call the same services; neither holds rules.
#![forbid(unsafe_code)]

pub mod api;
pub mod app;
pub mod auth;
pub mod bootstrap;
pub mod clock;
pub mod config;
pub mod http;
pub mod limits;
pub mod listen;
pub mod services;
pub mod throttle;

pub use app::App;
