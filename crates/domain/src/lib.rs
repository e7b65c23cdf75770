//! Pure business rules of the service counter: the Japan calendar, money and tax, tariffs and every quote.
//!
//! This crate does no I/O, never reads the clock (every rule takes `as_of`), and knows
//! nothing of serde, SQL, PDF or Tauri; a tidy test in the CLI crate enforces that.

pub mod calendar;
pub mod customer;
pub mod document;
pub mod duplicates;
pub mod issue;
pub mod money;
pub mod postal;
mod postal_source;
pub mod prefecture;
pub mod quote;
pub mod request;
pub mod tariff;
pub mod text;
pub mod time;
mod variants;
