//! A TCP proxy between the server and PostgreSQL that can be cut off silently, as a network
//! partition does: no reset, no error, the bytes sent are simply not answered. While cut, it
//! keeps accepting and holding connections and forwards nothing either way (the bytes wait, as
//! TCP keeps unacknowledged data and sends it again); healed, it forwards what it held and
//! goes on. Needs no privileges, unlike dropping packets with a firewall.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// The proxy; it stops with the test's runtime.
pub struct Partition {
    /// Where the server connects instead of PostgreSQL.
    pub addr: SocketAddr,
    cut: watch::Sender<bool>,
}

impl Partition {
    /// Starts forwarding `127.0.0.1:<free port>` to `target`.
    pub async fn start(target: SocketAddr) -> Partition {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (cut, watching) = watch::channel(false);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(target).await else {
                    continue;
                };
                let (client_read, client_write) = client.into_split();
                let (server_read, server_write) = server.into_split();
                tokio::spawn(pump(client_read, server_write, watching.clone()));
                tokio::spawn(pump(server_read, client_write, watching.clone()));
            }
        });
        Partition { addr, cut }
    }

    /// Cuts every connection, present and future, silently.
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }

    /// Forwards again, the held bytes first.
    pub fn heal(&self) {
        self.cut.send_replace(false);
    }

    /// `url` (a `postgres://` URL) pointing at the proxy instead of its host and port.
    pub fn url_through(&self, url: &str) -> String {
        let mut url = reqwest::Url::parse(url).unwrap();
        url.set_host(Some(&self.addr.ip().to_string())).unwrap();
        url.set_port(Some(self.addr.port())).unwrap();
        url.to_string()
    }
}

/// The TCP address of a `postgres://` URL (port 5432 unless given).
pub fn address_of(url: &str) -> SocketAddr {
    let url = reqwest::Url::parse(url).unwrap();
    let host = url
        .host_str()
        .expect("JIFEN_TEST_POSTGRES_URL names a TCP host for the partition tests");
    let port = url.port().unwrap_or(5432);
    std::net::ToSocketAddrs::to_socket_addrs(&(host, port))
        .unwrap()
        .next()
        .unwrap()
}

/// Copies `from` to `to` while not cut; at the end of `from`, ends `to`.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    mut cut: watch::Receiver<bool>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        if cut.wait_for(|cut| !cut).await.is_err() {
            return;
        }
        let n = match from.read(&mut buffer).await {
            Ok(0) | Err(_) => {
                let _ = to.shutdown().await;
                return;
            }
            Ok(n) => n,
        };
        // Read just before the cut: held until it heals.
        if cut.wait_for(|cut| !cut).await.is_err() || to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}
