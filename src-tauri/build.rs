//! Tauri's build step, with the app's commands declared so that each needs a permission
//! (capabilities/default.json grants exactly these to the main window).

fn main() {
    let commands = &[
        "status",
        "lookup",
        "customer",
        "add_note",
        "quote_kinds",
        "quote_prefill",
        "quote",
        "save_quote",
        "document_types",
        "document_draft",
        "issue_document",
        "reissue_document",
        "save_document",
        "open_document",
        "print_document",
        "request_types",
        "create_request",
        "move_request",
        "request",
        "requests",
        "settings",
        "set_setting",
        "set_issuer",
        "open_database",
        "backups",
        "backup_now",
        "restore_backup",
        "senders",
        "trust_sender",
        "revoke_sender",
        "choose_folder",
        "set_seal",
        "start_job",
        "job",
        "cancel_job",
    ];
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands))).expect("tauri build step");
}
