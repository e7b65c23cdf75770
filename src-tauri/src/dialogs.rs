//! The session's dialogs as the platform's own (tauri-plugin-dialog, called from Rust inside
//! the commands: the page has no dialog permission). Native save dialogs ask before choosing
//! an existing file on Windows, macOS and GTK alike, so a chosen save path is confirmed.

use madoguchi_session::{Chosen, Dialogs, FileDialog, Pick};
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

pub struct Native {
    app: AppHandle,
}

impl Native {
    pub fn new(app: AppHandle) -> Self {
        Native { app }
    }
}

impl Dialogs for Native {
    fn choose(&self, dialog: &FileDialog) -> Option<Chosen> {
        let mut builder = self.app.dialog().file().set_title(dialog.title);
        if let Some((label, extensions)) = dialog.filter {
            builder = builder.add_filter(label, extensions);
        }
        if let Some(name) = &dialog.file_name {
            builder = builder.set_file_name(name);
        }
        if let Some(window) = self.app.get_webview_window("main") {
            builder = builder.set_parent(&window);
        }
        let chosen = match dialog.pick {
            Pick::Open => builder.blocking_pick_file(),
            Pick::Save => builder.blocking_save_file(),
            Pick::Folder => builder.blocking_pick_folder(),
        }?;
        let path = chosen.into_path().inspect_err(|e| log::warn!("{}: not a file path ({e})", dialog.title)).ok()?;
        Some(Chosen { path, overwrite_confirmed: dialog.pick == Pick::Save })
    }

    fn confirm(&self, title: &str, message: &str) -> bool {
        let mut builder = self
            .app
            .dialog()
            .message(message)
            .title(title)
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom("はい".into(), "いいえ".into()));
        if let Some(window) = self.app.get_webview_window("main") {
            builder = builder.parent(&window);
        }
        builder.blocking_show()
    }
}
