//! A real `custsync serve` process for the tests that start, kill and restart servers: the
//! binary of this build, a free port, waiting until it serves, and its log checked for panics
//! and unexpected errors when it is dropped.

/// The `custsync` binary of this build (`target/<profile>/custsync`, beside the test's
/// `deps/` folder), for tests that start, kill and restart real server processes.
pub fn custsync_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join("custsync");
    assert!(
        binary.is_file(),
        "{} is missing: build it first with `cargo build -p server --bin custsync` \
         (scripts/test.sh does)",
        binary.display()
    );
    binary
}

/// A `custsync serve` process on the database at `url`, listening on `port`, running the jobs
/// with a one-second lease (so a killed instance's run is taken over quickly). Its log (standard
/// error) goes to a file that is read when the value is dropped: a `panicked at` line, or an
/// ERROR line the test did not allow, fails the test and prints the lines. Killed on drop.
pub struct ServerProcess {
    child: std::process::Child,
    log: tempfile::NamedTempFile,
    allowed_errors: Vec<&'static str>,
}

impl ServerProcess {
    pub fn start(url: &str, port: u16) -> Self {
        Self::start_with(url, port, &[])
    }

    /// Started with `extra` options of `serve` after the usual ones.
    pub fn start_with(url: &str, port: u16, extra: &[&str]) -> Self {
        let log = tempfile::NamedTempFile::new().expect("a log file");
        let child = std::process::Command::new(custsync_binary())
            .args(["--log", "error", "--database-url", url, "serve"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--site-root", "target/site", "--job-lease", "1s"])
            .args(extra)
            .stdout(std::process::Stdio::null())
            .stderr(log.reopen().expect("the log file"))
            .spawn()
            .expect("start custsync");
        Self {
            child,
            log,
            allowed_errors: Vec::new(),
        }
    }

    /// ERROR lines containing `pattern` are expected (a job run that fails because the test
    /// took its database away, say); panics never are.
    pub fn allow_errors(mut self, pattern: &'static str) -> Self {
        self.allowed_errors.push(pattern);
        self
    }

    /// ERROR lines saying the database does not answer are expected: the test takes it away
    /// (stops PostgreSQL, locks the SQLite file).
    pub fn allow_database_outage(self) -> Self {
        [
            "job run failed",
            "pool timed out",
            "Connection refused",
            "connection closed",
            "database is locked",
        ]
        .into_iter()
        .fold(self, Self::allow_errors)
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything it has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// Fails the test with the lines if the log holds a panic or an unexpected ERROR line.
    pub fn assert_clean_log(&self) {
        let log = self.log();
        let bad: Vec<&str> = log
            .lines()
            .filter(|line| {
                line.contains("panicked at")
                    || (line.contains(" ERROR ")
                        && !self.allowed_errors.iter().any(|p| line.contains(p)))
            })
            .collect();
        assert!(
            bad.is_empty(),
            "the server logged {} panic or error line(s):\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    /// Kills it at once (SIGKILL), as a crash or a pulled plug would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Asks it to stop (SIGTERM, as systemd or `docker stop` would) and waits at most `limit`
    /// for it to exit; how long it took, or `None` if it was still running (then it is killed).
    pub fn terminate(&mut self, limit: std::time::Duration) -> Option<std::time::Duration> {
        let asked = std::time::Instant::now();
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        while asked.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return Some(asked.elapsed());
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        self.kill();
        None
    }

    /// Its resident memory now, in bytes (Linux's `/proc`).
    pub fn rss_bytes(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .expect("VmRSS")
            * 1024
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
        if !std::thread::panicking() {
            self.assert_clean_log();
        }
    }
}

/// Waits until custsync on `port` answers `/healthz` (with any status).
pub async fn wait_until_serving(port: u16) {
    let url = format!("http://127.0.0.1:{port}/healthz");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(&url).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("custsync on port {port} did not start");
}

/// A free loopback port (free when asked; a server started at once will get it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
