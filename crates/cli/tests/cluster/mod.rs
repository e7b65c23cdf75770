//! A throwaway PostgreSQL server for the hub tests: `initdb` in a temporary folder (as the
//! `postgres` user when the tests run as root, which initdb refuses), started on a free local
//! port with password (SCRAM) sign-in, stopped and removed when dropped. Debian's
//! `postgresql` package provides the binaries (scripts/setup installs it).

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
