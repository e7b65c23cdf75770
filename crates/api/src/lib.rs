//! The one facade over the rules: loads tariffs, validates requests, answers quotes as JSON.
//! The CLI and the desktop shell are thin adapters over these functions.

pub mod clock;
pub mod quote;
pub mod tariffs;
