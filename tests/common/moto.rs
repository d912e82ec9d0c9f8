//! moto's server, started for a test and stopped when the test drops it.
//!
//! `moto_server` is looked for in `ORGTOP_MOTO_SERVER`, then in the repo's
//! `.venv` (which `scripts/test` creates), then on `PATH`.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long moto may take to start listening; it usually needs well under
/// a second.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running `moto_server` on a free loopback port.
pub struct Moto {
    child: Mutex<Child>,
    address: SocketAddr,
}

impl Moto {
    /// Starts moto, or says why it cannot: tests that need it fail with
    /// that message instead of passing silently.
    pub fn start() -> Self {
        let program = find().unwrap_or_else(|| {
            panic!(
                "moto_server not found: run scripts/test, set ORGTOP_MOTO_SERVER, \
                 or put moto_server on PATH"
            )
        });
        Self::start_with(&program).unwrap_or_else(|error| panic!("{error}"))
    }

    /// Starts the `moto_server` at `program`.
    pub fn start_with(program: &PathBuf) -> Result<Self, String> {
        let port = free_port().map_err(|e| format!("no free loopback port: {e}"))?;
        let child = Command::new(program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("{} did not start: {e}", program.display()))?;
        let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let moto = Self {
            child: Mutex::new(child),
            address,
        };
        moto.wait_until_listening()?;
        Ok(moto)
    }

    /// The endpoint URL to point the SDK at.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops the server; a static one, which is never dropped, needs this.
    pub fn stop(&self) {
        if let Ok(mut child) = self.child.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn wait_until_listening(&self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < START_TIMEOUT {
            let exited = self.child.lock().map(|mut c| c.try_wait());
            if let Ok(Ok(Some(status))) = exited {
                return Err(format!("moto_server exited at start: {status}"));
            }
            if TcpStream::connect_timeout(&self.address, Duration::from_millis(200))
                .is_ok()
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        Err(format!(
            "moto_server did not listen on {} in time",
            self.address
        ))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where `moto_server` is, if anywhere.
pub fn find() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ORGTOP_MOTO_SERVER") {
        return Some(PathBuf::from(path));
    }
    let venv = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    if venv.is_file() {
        return Some(venv);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("moto_server"))
        .find(|p| p.is_file())
}

/// A port nobody listens on right now.
pub fn free_port() -> std::io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}
