//! The hub's schema, created and migrated forward only by its owner (`madoguchi hub init`),
//! and its installations: one PostgreSQL role each, in the group every policy names, given a
//! random password that travels to PostgreSQL only as a SCRAM verifier. Roles are cluster-wide,
//! so their names carry the hub database's (`mdg_<db>` the group, `mdg_<db>_<installation>`
//! each installation's): two hubs on one server never let each other's roles in.

use madoguchi_domain::text::{FreeText, caps};
use postgres::Client;

use crate::HubError;

/// The name the migrations give the group role; each hub's own is put in its place.
const GROUP_PLACEHOLDER: &str = "madoguchi_installation";

/// The hub database's name, which role names carry: lowercase letters, digits and `_`, at most
/// 26 characters (a role name has at most 63).
fn database(client: &mut impl postgres::GenericClient) -> Result<String, HubError> {
    let db: String = client.query_one("SELECT current_database()", &[])?.get(0);
    if db.is_empty() || db.len() > 26 || !db.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(HubError::invalid("url", format!("the hub's database '{db}' must be named with lowercase letters, digits and _ (at most 26)")));
    }
    Ok(db)
}

/// The group role of a hub's installations: its policies and grants name it.
pub fn group_role(db: &str) -> String {
    format!("mdg_{db}")
}

/// The migrations, in order; each runs once, in one transaction with its version's record.
const MIGRATIONS: [(i32, &str); 2] = [(1, include_str!("migrations/0001_hub.sql")), (2, include_str!("migrations/0002_seen.sql"))];

/// The schema version this madoguchi writes and reads.
pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The hub's schema version (0: not a hub yet).
pub fn schema_version(client: &mut Client) -> Result<i32, HubError> {
    let exists: bool = client.query_one("SELECT to_regclass('madoguchi_hub_schema') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client.query_one("SELECT coalesce(max(version), 0) FROM madoguchi_hub_schema", &[])?.get(0))
}

/// Creates the hub's schema or migrates it forward, as the database's owner; returns the
/// versions (before, after). A hub newer than this madoguchi is refused, nothing changed.
pub fn init(client: &mut Client) -> Result<(i32, i32), HubError> {
    let mut tx = client.transaction()?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS madoguchi_hub_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
         LOCK TABLE madoguchi_hub_schema IN EXCLUSIVE MODE;",
    )?;
    let before: i32 = tx.query_one("SELECT coalesce(max(version), 0) FROM madoguchi_hub_schema", &[])?.get(0);
    if before > SCHEMA_VERSION {
        return Err(HubError::Refused(format!("the hub's schema is version {before}, newer than this madoguchi's ({SCHEMA_VERSION}): update madoguchi first")));
    }
    let group = group_role(&database(&mut tx)?);
    tx.batch_execute(&format!(
        "DO $$ BEGIN
             IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{group}') THEN CREATE ROLE {group} NOLOGIN; END IF;
             EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
         END $$;"
    ))?;
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > before) {
        tx.batch_execute(&sql.replace(GROUP_PLACEHOLDER, &group))?;
        tx.execute("INSERT INTO madoguchi_hub_schema (version) VALUES ($1)", &[version])?;
    }
    tx.commit()?;
    Ok((before, SCHEMA_VERSION))
}

/// A new installation's role at the hub and its password, to be handed to it once.
/// Not `Debug`: the password must never reach a log.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewInstallation {
    pub installation: String,
    pub role: String,
    #[serde(skip)]
    pub password: String,
}

/// Adds an installation (its id, its name, its public key as 64 hex digits, as `madoguchi hub
/// identity` prints them) with a role of its own in the group, allowed to connect to this
/// database; the password is random (256 bits) and reaches PostgreSQL as a SCRAM-SHA-256
/// verifier only, so no statement log can show it. Refused, naming the field, for bad input or
/// an installation already added.
pub fn add_installation(client: &mut Client, installation: &str, name: &str, public_key: &str) -> Result<NewInstallation, HubError> {
    if !madoguchi_api::sync::uuid_shaped(installation) {
        return Err(HubError::invalid("installation", format!("'{installation}' is not an installation id (a UUID)")));
    }
    let name = FreeText::new("name", name, caps::LINE).map_err(|e| HubError::invalid("name", e.reason()))?;
    if name.as_str().trim().is_empty() {
        return Err(HubError::invalid("name", "is empty"));
    }
    let key = public_key.trim().to_ascii_lowercase();
    if key.len() != 64 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(HubError::invalid("key", "is not a public key of 64 hex digits (madoguchi hub identity prints it)"));
    }
    if schema_version(client)? == 0 {
        return Err(HubError::Refused("this database is no hub yet: madoguchi hub init --url URL first".into()));
    }
    let installation = installation.to_ascii_lowercase();
    let db = database(client)?;
    let group = group_role(&db);
    let role = format!("{group}_{}", installation.replace('-', ""));
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| HubError::invalid("password", e.to_string()))?;
    let password: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let verifier = postgres_protocol::password::scram_sha_256(password.as_bytes());
    let mut tx = client.transaction()?;
    let known: bool = tx.query_one("SELECT EXISTS (SELECT 1 FROM installations WHERE id = $1 OR role = $2)", &[&installation, &role])?.get(0);
    if known {
        return Err(HubError::invalid("installation", format!("{installation} is already an installation of this hub")));
    }
    // The role and the verifier are made here (hex digits and a base64 verifier), never typed.
    tx.batch_execute(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD '{verifier}' IN ROLE {group};
         DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO {role}', current_database()); END $$;"
    ))?;
    tx.execute("INSERT INTO installations (id, role, name, public_key) VALUES ($1, $2, $3, $4)", &[&installation, &role, &name.as_str(), &key])?;
    tx.commit()?;
    Ok(NewInstallation { installation, role, password })
}
