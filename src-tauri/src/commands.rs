//! The Tauri commands: each a one-line adapter over the `Session` method of the same name
//! (docs/app-commands.md), run off the main thread so the window never waits on the database
//! (nor on a file dialog); a failure is logged with its code and field.

use madoguchi_session::*;
use serde_json::Value;
use tauri::State;

/// One adapter per command of the session's table (`madoguchi_session::for_each_command!`):
/// `name(ArgsType)` takes the UI's `args` object, a bare `name` takes none.
macro_rules! adapters {
    ($($name:ident($args:ty)),* ; $($bare:ident),*) => {
        $(
            #[tauri::command(async)]
            pub fn $name(session: State<'_, Session>, args: $args) -> Result<Value, CommandError> {
                answer(session.$name(args)).inspect_err(|e| log_failure(stringify!($name), e))
            }
        )*
        $(
            #[tauri::command(async)]
            pub fn $bare(session: State<'_, Session>) -> Result<Value, CommandError> {
                answer(session.$bare()).inspect_err(|e| log_failure(stringify!($bare), e))
            }
        )*
    };
}

madoguchi_session::for_each_command!(adapters);
