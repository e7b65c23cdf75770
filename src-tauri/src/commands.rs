//! The Tauri commands: each a one-line adapter over the `Session` method of the same name
//! (docs/app-commands.md), run off the main thread so the window never waits on the database
//! (nor on a file dialog); a failure is logged with its code and field.

use madoguchi_app::*;
use serde_json::Value;
use tauri::State;

/// Declares one command per line: `name(ArgsType)` takes the UI's `args` object, a bare
/// `name` takes none.
macro_rules! adapters {
    ($($name:ident($args:ty)),* ; $($bare:ident),*) => {
        $(
            #[tauri::command(async)]
            pub fn $name(session: State<'_, Session>, args: $args) -> Result<Value, CommandError> {
                session.$name(args).inspect_err(|e| log_failure(stringify!($name), e))
            }
        )*
        $(
            #[tauri::command(async)]
            pub fn $bare(session: State<'_, Session>) -> Result<Value, CommandError> {
                session.$bare().inspect_err(|e| log_failure(stringify!($bare), e))
            }
        )*
    };
}

adapters!(
    lookup(LookupArgs),
    customer(IdArgs),
    add_note(AddNoteArgs),
    quote_prefill(QuotePrefillArgs),
    quote(QuoteArgs),
    save_quote(SaveQuoteArgs),
    document_draft(DocumentDraftArgs),
    issue_document(IssueDocumentArgs),
    reissue_document(ReissueDocumentArgs),
    save_document(NumberArgs),
    open_document(NumberArgs),
    print_document(NumberArgs),
    create_request(CreateRequestArgs),
    move_request(MoveRequestArgs),
    request(IdArgs),
    requests(RequestsArgs),
    set_setting(SetSettingArgs),
    set_issuer(SetIssuerArgs),
    open_database(OpenDatabaseArgs),
    restore_backup(RestoreBackupArgs),
    trust_sender(FingerprintArgs),
    revoke_sender(FingerprintArgs),
    choose_folder(ChooseFolderArgs),
    set_seal(ServiceArgs),
    start_job(StartJobArgs),
    job(JobArgs),
    cancel_job(JobArgs);
    status,
    quote_kinds,
    document_types,
    request_types,
    settings,
    backups,
    backup_now,
    senders
);
