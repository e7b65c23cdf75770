//! The Tauri commands: each a one-line adapter that hands the page's arguments to the session's
//! `dispatch` (docs/app-commands.md), which reads them as the command's own type, runs the
//! `Session` method of the same name and logs a failure with its code and field; run off the
//! main thread so the window never waits on the database (nor on a file dialog).

use madoguchi_session::*;
use serde_json::Value;
use tauri::State;

/// One adapter per command of the session's table (`madoguchi_session::for_each_command!`):
/// `name(ArgsType)` takes the UI's `args` object, a bare `name` takes none. The arguments are
/// read by the session, as for the test bridge, so a wrong one is named the same way in both.
macro_rules! adapters {
    ($($name:ident($args:ty)),* ; $($bare:ident),*) => {
        $(
            #[tauri::command(async)]
            pub fn $name(session: State<'_, Session>, args: Value) -> Result<Value, CommandError> {
                session.dispatch(stringify!($name), args)
            }
        )*
        $(
            #[tauri::command(async)]
            pub fn $bare(session: State<'_, Session>) -> Result<Value, CommandError> {
                session.dispatch(stringify!($bare), Value::Null)
            }
        )*
    };
}

madoguchi_session::for_each_command!(adapters);
