//! The client's address, for rate limits (SMS codes and password tries per address).
//!
//! Without `JIFEN_TRUSTED_PROXIES` the TCP peer is the client: a header anyone can send must
//! not choose whose limit a request counts against. Behind a reverse proxy (nginx in front of
//! `jifen serve`) every request comes from the proxy, so the proxy is listed there, and the
//! client is read from `X-Forwarded-For` — from the right, skipping the trusted proxies, so
//! entries a client wrote itself at the left cannot be chosen.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header::HeaderName;
use ipnet::IpNet;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The address `req` counts against: the TCP peer, unless it is one of `trusted` proxies, in
/// which case the right-most `X-Forwarded-For` entry that is not a trusted proxy (the peer
/// again when the header is absent or unreadable). `None` only when the peer is unknown.
pub fn client_ip(req: &HttpRequest, trusted: &[IpNet]) -> Option<IpAddr> {
    // A server bound to `[::]` sees IPv4 clients as `::ffff:a.b.c.d`: compare and count the
    // plain IPv4 address.
    let peer = req.peer_addr()?.ip().to_canonical();
    Some(behind_proxies(peer, trusted, || {
        req.headers()
            .get_all(X_FORWARDED_FOR)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|s| s.trim().to_owned())
            .collect()
    }))
}

fn behind_proxies(
    peer: IpAddr,
    trusted: &[IpNet],
    forwarded: impl FnOnce() -> Vec<String>,
) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for entry in forwarded().iter().rev() {
        match entry.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
            Ok(ip) if is_trusted(&ip) => client = ip,
            Ok(ip) => return ip,
            // Garbage between proxies: stop at the last address a proxy vouched for.
            Err(_) => return client,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_forwarded_address() {
        let trusted: Vec<IpNet> = vec![
            "127.0.0.1/32".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ];
        let fwd = |v: &[&str]| {
            let v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
            move || v
        };
        // Straight from the internet: the header is ignored.
        assert_eq!(
            behind_proxies(ip("203.0.113.9"), &trusted, fwd(&["1.2.3.4"])),
            ip("203.0.113.9")
        );
        // Through nginx on the same machine.
        assert_eq!(
            behind_proxies(ip("127.0.0.1"), &trusted, fwd(&["203.0.113.9"])),
            ip("203.0.113.9")
        );
        // A client forging entries on the left gains nothing; two proxies are skipped.
        assert_eq!(
            behind_proxies(
                ip("127.0.0.1"),
                &trusted,
                fwd(&["6.6.6.6", "203.0.113.9", "10.1.2.3"])
            ),
            ip("203.0.113.9")
        );
        // No header, or garbage: the last address vouched for.
        assert_eq!(
            behind_proxies(ip("127.0.0.1"), &trusted, fwd(&[])),
            ip("127.0.0.1")
        );
        assert_eq!(
            behind_proxies(ip("127.0.0.1"), &trusted, fwd(&["unknown", "10.1.2.3"])),
            ip("10.1.2.3")
        );
        // IPv4-mapped IPv6 (a dual-stack listener) is the IPv4 address.
        assert_eq!(
            behind_proxies(
                ip("::ffff:127.0.0.1").to_canonical(),
                &trusted,
                fwd(&["::ffff:203.0.113.9"])
            ),
            ip("203.0.113.9")
        );
        // Nothing trusted: always the peer.
        assert_eq!(
            behind_proxies(ip("127.0.0.1"), &[], fwd(&["203.0.113.9"])),
            ip("127.0.0.1")
        );
    }
}
