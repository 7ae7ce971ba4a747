//! A private PostgreSQL cluster for one test, which it may stop and start (the shared test
//! server must stay up for the other tests). Debian's PostgreSQL binaries, run as the
//! `postgres` user when the tests run as root (initdb refuses root).

use std::{
    path::PathBuf,
    process::{Command, Stdio},
};

/// A cluster in a temporary folder, removed on drop.
pub struct PgCluster {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
}

impl PgCluster {
    /// Creates and starts a cluster on a free port.
    pub fn start() -> Self {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .expect("Debian's PostgreSQL in /usr/lib/postgresql (scripts/install.sh installs it)")
            .filter_map(Result::ok)
            .map(|e| e.path().join("bin"))
            .filter(|p| p.join("pg_ctl").is_file())
            .max()
            .expect("a PostgreSQL version with pg_ctl");
        let dir = tempfile::tempdir().expect("temporary folder");
        let cluster = Self {
            bin,
            dir,
            port: crate::free_port(),
        };
        if is_root() {
            run(Command::new("chown")
                .args(["postgres:postgres"])
                .arg(cluster.dir.path()));
        }
        run(cluster
            .as_postgres("initdb")
            .arg("-D")
            .arg(cluster.data())
            .args(["-U", "custsync", "-A", "trust", "-E", "UTF8", "--no-locale"]));
        cluster.resume();
        cluster
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://custsync@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server at once, as a crash or a pulled cable would.
    pub fn stop(&self) {
        run(self.as_postgres("pg_ctl").arg("-D").arg(self.data()).args([
            "-m",
            "immediate",
            "-w",
            "stop",
        ]));
    }

    /// Starts the server (again) and waits until it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        run(self
            .as_postgres("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.path().join("log"))
            .args(["-w", "-o", &options, "start"]));
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn as_postgres(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if is_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let _ = self
            .as_postgres("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"))
}

fn run(command: &mut Command) {
    let output = command.output().expect("run a PostgreSQL command");
    assert!(
        output.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}
