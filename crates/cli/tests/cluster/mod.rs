//! What the hub tests and benchmark share: a throwaway PostgreSQL server (`initdb` in a
//! temporary folder, as the `postgres` user when the tests run as root, which initdb refuses;
//! started on a free local port with password (SCRAM) sign-in; stopped and removed when
//! dropped; Debian's `postgresql` package provides the binaries, scripts/setup installs it),
//! and installations added to a hub on it, driven through the real binary.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The hub owner's name and password in every test cluster.
pub const OWNER: &str = "hub_owner";
const OWNER_PASSWORD: &str = "owner-secret-for-tests";

pub struct Cluster {
    pub dir: PathBuf,
    bin: PathBuf,
    data: PathBuf,
    pub port: u16,
    as_postgres: bool,
    /// A file with the owner's password, readable by the test user only.
    pub owner_password: PathBuf,
}

/// The newest PostgreSQL's binaries folder (`/usr/lib/postgresql/<version>/bin`).
fn bin_dir() -> PathBuf {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed (/usr/lib/postgresql; scripts/setup installs the postgresql package)")
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin): &(u32, PathBuf)| bin.join("initdb").exists())
        .collect();
    found.sort();
    found.pop().expect("an initdb under /usr/lib/postgresql/*/bin").1
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Cluster {
    /// A new cluster named `name` (its folder), running, with an empty database `db`.
    pub fn start(name: &str, db: &str) -> Cluster {
        let dir = std::env::temp_dir().join(format!("madoguchi-pg-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let as_postgres = is_root();
        let port = TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
        let cluster = Cluster { data: dir.join("data"), bin: bin_dir(), port, as_postgres, owner_password: dir.join("owner.password"), dir };
        let pwfile = cluster.dir.join("initdb.pw");
        std::fs::write(&pwfile, OWNER_PASSWORD).expect("pwfile");
        if as_postgres {
            assert!(Command::new("chown").args(["-R", "postgres:postgres"]).arg(&cluster.dir).status().expect("chown").success());
        }
        let data = cluster.data.to_str().expect("path").to_string();
        let pw = format!("--pwfile={}", pwfile.display());
        cluster.pg("initdb", &["-D", &data, "-U", OWNER, &pw, "--auth=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"]);
        cluster.start_server();
        std::fs::write(&cluster.owner_password, format!("{OWNER_PASSWORD}\n")).expect("owner password");
        private(&cluster.owner_password);
        let mut owner = cluster.client(OWNER, OWNER_PASSWORD, "postgres");
        owner.batch_execute(&format!("CREATE DATABASE {db}")).expect("create database");
        cluster
    }

    /// Runs a PostgreSQL program, as `postgres` when the tests run as root.
    fn pg(&self, program: &str, args: &[&str]) -> Output {
        let path = self.bin.join(program);
        let output = if self.as_postgres {
            Command::new("runuser").args(["-u", "postgres", "--"]).arg(&path).args(args).output()
        } else {
            Command::new(&path).args(args).output()
        }
        .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(output.status.success(), "{program} {args:?}: {}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        output
    }

    fn options(&self) -> String {
        format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=120 -c fsync=off", self.port, self.dir.display())
    }

    /// `pg_ctl start` or `restart`, the server's output to its log (never to pg_ctl's: the
    /// test would wait for the server to close it).
    fn pg_ctl(&self, action: &[&str]) {
        let (data, log) = (self.data.to_str().expect("path").to_string(), self.dir.join("server.log").to_str().expect("path").to_string());
        let mut args = vec!["-D", &data, "-l", &log, "-w"];
        let options = self.options();
        args.extend(["-o", &options]);
        args.extend(action);
        self.pg("pg_ctl", &args);
    }

    fn start_server(&self) {
        self.pg_ctl(&["start"]);
    }

    /// `pg_ctl restart`: every connection is cut.
    pub fn restart(&self) {
        self.pg_ctl(&["-m", "fast", "restart"]);
    }

    /// The URL of `db` as `role`.
    pub fn url(&self, role: &str, db: &str) -> String {
        format!("postgres://{role}@127.0.0.1:{}/{db}?sslmode=disable", self.port)
    }

    /// A raw connection, as a hub's owner or an installation's role would open it.
    pub fn client(&self, role: &str, password: &str, db: &str) -> postgres::Client {
        postgres::Config::new()
            .host("127.0.0.1")
            .port(self.port)
            .user(role)
            .password(password)
            .dbname(db)
            .connect(postgres::NoTls)
            .unwrap_or_else(|e| panic!("connect as {role}: {e}"))
    }

    pub fn owner(&self, db: &str) -> postgres::Client {
        self.client(OWNER, OWNER_PASSWORD, db)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data.to_str().unwrap_or_default().to_string();
        let path = self.bin.join("pg_ctl");
        let mut stop = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let _ = stop.args(["-D", &data, "-m", "immediate", "-w", "stop"]).output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Makes a file readable by its owner only.
pub fn private(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
}

pub fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("madoguchi-hub-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn madoguchi(db: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_madoguchi"));
    let keys = db.parent().expect("a folder").join("keys");
    command.arg("--db").arg(db).arg("--keys").arg(keys).args(["--agent", "テスト"]).args(args);
    command
}

pub fn ok(output: Output) -> String {
    assert!(output.status.success(), "{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8")
}

/// One installation known to the hub: its database, its role and its password file.
pub struct Installation {
    pub db: PathBuf,
    pub id: String,
    pub role: String,
    pub password: PathBuf,
    pub url: String,
}

impl Installation {
    /// A new installation `name` in `dir`, added to the hub `db` by its owner as the owner
    /// would: from what `hub identity` prints on the installation.
    pub fn add(cluster: &Cluster, dir: &Path, db: &str, name: &str) -> Installation {
        let path = dir.join(format!("{name}.sqlite3"));
        ok(madoguchi(&path, &["settings", "set", "agent.name", name]).output().expect("names"));
        let identity = ok(madoguchi(&path, &["hub", "identity"]).output().expect("identity"));
        let field = |key: &str| identity.lines().find_map(|l| l.strip_prefix(&format!("{key}: "))).expect(key).to_string();
        let (id, key) = (field("installation"), field("key"));
        let password = dir.join(format!("{name}.password"));
        let owner_url = cluster.url(OWNER, db);
        let added = ok(madoguchi(
            &path,
            &[
                "hub",
                "add-installation",
                "--url",
                &owner_url,
                "--password-file",
                cluster.owner_password.to_str().expect("path"),
                "--installation",
                &id,
                "--name",
                name,
                "--key",
                &key,
                "--password-out",
                password.to_str().expect("path"),
            ],
        )
        .output()
        .expect("adds"));
        let role = added.split_whitespace().skip_while(|w| *w != "role").nth(1).expect("the role").to_string();
        let url = cluster.url(&role, db);
        Installation { db: path, id, role, password, url }
    }

    pub fn sync_command(&self) -> Command {
        madoguchi(&self.db, &["sync", "--hub", &self.url, "--password-file", self.password.to_str().expect("path"), "--json"])
    }

    /// A sync that must succeed: its report.
    pub fn sync(&self) -> serde_json::Value {
        serde_json::from_str(&ok(self.sync_command().output().expect("syncs"))).expect("a JSON report")
    }

    pub fn import(&self, csv: &str) {
        let file = self.db.with_extension("csv");
        std::fs::write(&file, csv).expect("csv");
        ok(madoguchi(&self.db, &["import", "customers", file.to_str().expect("path")]).output().expect("imports"));
    }

    pub fn dump(&self) -> String {
        madoguchi_api::customers::open(&self.db, madoguchi_api::clock::now()).expect("opens").canonical_dump().expect("dump")
    }

    /// The changes of its log, read with plain SQLite.
    pub fn changes(&self) -> i64 {
        rusqlite::Connection::open(&self.db).expect("opens").query_row("SELECT count(*) FROM changes", [], |r| r.get(0)).expect("count")
    }

    pub fn customer_id(&self, number: &str) -> String {
        let out = ok(madoguchi(&self.db, &["lookup", number, "--json"]).output().expect("lookup"));
        let found: serde_json::Value = serde_json::from_str(&out).expect("json");
        found["results"][0]["customer_id"].as_str().expect("a customer").to_string()
    }
}

/// A test's folder and a new cluster whose database `hub_<name>` is a hub (its schema made).
pub fn new_hub(name: &str) -> (PathBuf, Cluster, String) {
    let db = format!("hub_{name}");
    let cluster = Cluster::start(name, &db);
    hub(&cluster, &db);
    (folder(name), cluster, db)
}

/// `new_hub` with installations `a` and `b` added.
pub fn two_installations(name: &str) -> (PathBuf, Cluster, String, Installation, Installation) {
    let (dir, cluster, db) = new_hub(name);
    let a = Installation::add(&cluster, &dir, &db, "a");
    let b = Installation::add(&cluster, &dir, &db, "b");
    (dir, cluster, db, a, b)
}

pub fn hub(cluster: &Cluster, db: &str) {
    let owner_url = cluster.url(OWNER, db);
    let init = |dir: &Path| {
        ok(madoguchi(&dir.join("owner.sqlite3"), &["hub", "init", "--url", &owner_url, "--password-file", cluster.owner_password.to_str().expect("path")])
            .output()
            .expect("init"))
    };
    assert!(init(&cluster.dir).contains("version 0 → 2"), "a new hub is made");
    assert!(init(&cluster.dir).contains("version 2 already"), "init again changes nothing");
}

pub const HEADER: &str = "service,customer_number,name,name_kana,prefecture,postal_code,address,phone1\n";

pub fn customers(prefix: &str, n: usize) -> String {
    let mut csv = HEADER.to_string();
    for i in 1..=n {
        csv.push_str(&format!("alwater,{prefix}{i:05},拠点　{i}号,キョテン イチロウ,東京都,100-0001,千代田区千代田{i},03-5555-{:04}\n", i % 10_000));
    }
    csv
}
