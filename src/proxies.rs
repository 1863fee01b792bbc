//! Who a request came from, and the address it was sent to, believing a reverse proxy only when
//! it is one we were told to trust (`CASELOAD_TRUSTED_PROXIES`). `X-Forwarded-For`,
//! `Forwarded`, `X-Forwarded-Proto` and `X-Forwarded-Host` are headers any client can send:
//! taken from anyone, one client could sign in under a thousand made-up addresses, or make the
//! calendar address point elsewhere. Taken from no one, every user behind the proxy shares the
//! proxy's address, and one person's failed sign-ins lock out the whole branch.
//!
//! The client is found as a trusting proxy would: the connection's address, and while that is a
//! trusted proxy, the address it says it was talking to (the last one in the forwarding chain),
//! until an address that is not a trusted proxy is reached.

use std::net::IpAddr;
use std::str::FromStr;

use actix_web::http::header::HeaderMap;

/// An address or a range of them (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressRange {
    network: IpAddr,
    prefix: u8,
}

impl FromStr for AddressRange {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or range"))?;
        let most = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => most,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= most)
                .ok_or_else(|| format!("{text:?} has a prefix length outside 0 to {most}"))?,
        };
        Ok(AddressRange { network, prefix })
    }
}

impl AddressRange {
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = unmapped(address);
        fn bits(network: u128, address: u128, prefix: u8, width: u8) -> bool {
            let shift = u32::from(width - prefix);
            prefix == 0 || (network >> shift) == (address >> shift)
        }
        match (self.network, address) {
            (IpAddr::V4(n), IpAddr::V4(a)) => bits(
                u128::from(u32::from(n)),
                u128::from(u32::from(a)),
                self.prefix,
                32,
            ),
            (IpAddr::V6(n), IpAddr::V6(a)) => bits(u128::from(n), u128::from(a), self.prefix, 128),
            _ => false,
        }
    }
}

/// An IPv4 address carried as IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
fn unmapped(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

/// The proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<AddressRange>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma- or space-separated list of addresses and ranges.
    fn from_str(text: &str) -> Result<Self, String> {
        text.split([',', ' '])
            .filter(|part| !part.trim().is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    pub fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(address))
    }

    /// The client's address: the connection's, or through trusted proxies the one they name.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let mut client = unmapped(peer?);
        if !self.trusts(client) {
            return Some(client);
        }
        for named in forwarded_for(headers).into_iter().rev() {
            client = unmapped(named);
            if !self.trusts(client) {
                break;
            }
        }
        Some(client)
    }

    /// The scheme and host the request was sent to: as the connection says, or from a trusted
    /// proxy's `Forwarded` (`proto=`, `host=`) or `X-Forwarded-Proto` / `X-Forwarded-Host`.
    pub fn origin(
        &self,
        peer: Option<IpAddr>,
        headers: &HeaderMap,
        own_host: &str,
    ) -> (String, String) {
        let host = header(headers, "host").unwrap_or(own_host).to_owned();
        if !peer.is_some_and(|p| self.trusts(unmapped(p))) {
            return ("http".into(), host);
        }
        let forwarded = |key: &str| {
            header(headers, "forwarded")
                .and_then(|f| forwarded_pairs(f).find(|(k, _)| k.eq_ignore_ascii_case(key)))
                .map(|(_, v)| v.to_owned())
        };
        let last = |name: &str| {
            header(headers, name)
                .and_then(|v| v.rsplit(',').next())
                .map(|v| v.trim().to_owned())
        };
        let scheme = forwarded("proto")
            .or_else(|| last("x-forwarded-proto"))
            .filter(|s| s == "http" || s == "https")
            .unwrap_or_else(|| "http".into());
        let host = forwarded("host")
            .or_else(|| last("x-forwarded-host"))
            .filter(|h| valid_host(h))
            .unwrap_or(host);
        (scheme, host)
    }
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// `key=value` pairs of a `Forwarded` header, the last element's (the nearest proxy's) last.
fn forwarded_pairs(value: &str) -> impl DoubleEndedIterator<Item = (&str, &str)> {
    value
        .rsplit(',')
        .next()
        .unwrap_or_default()
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim(), v.trim().trim_matches('"')))
}

/// Every address the forwarding headers name, nearest last: `Forwarded: for=` when present,
/// else `X-Forwarded-For`. A name that is not an address (`unknown`, `_hidden`) ends the chain
/// there, as it cannot be checked.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let mut named: Vec<Option<IpAddr>> = Vec::new();
    let forwarded: Vec<&str> = headers
        .get_all("forwarded")
        .filter_map(|v| v.to_str().ok())
        .collect();
    if !forwarded.is_empty() {
        for element in forwarded.iter().flat_map(|v| v.split(',')) {
            let node = element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                .map(|(_, v)| v.trim().trim_matches('"'));
            named.push(node.and_then(node_address));
        }
    } else {
        for value in headers
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok())
        {
            named.extend(value.split(',').map(|a| node_address(a.trim())));
        }
    }
    // From the nearest end, the addresses up to the first that cannot be read.
    let readable = named.iter().rev().take_while(|a| a.is_some()).count();
    named[named.len() - readable..]
        .iter()
        .flatten()
        .copied()
        .collect()
}

/// An address as a forwarding header writes it: `192.0.2.1`, `192.0.2.1:4711`,
/// `[2001:db8::1]`, `[2001:db8::1]:4711`.
fn node_address(node: &str) -> Option<IpAddr> {
    if let Ok(address) = node.parse() {
        return Some(address);
    }
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.rsplit_once(':')?.0.parse().ok()
}

/// A host as a browser may send it: letters, digits, dots, dashes, a port, or an IPv6 literal.
fn valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn ranges_contain_what_they_should() {
        let range: AddressRange = "10.1.0.0/16".parse().unwrap();
        assert!(range.contains("10.1.255.3".parse().unwrap()));
        assert!(!range.contains("10.2.0.1".parse().unwrap()));
        assert!(range.contains("::ffff:10.1.0.9".parse().unwrap()));
        let one: AddressRange = "2001:db8::1".parse().unwrap();
        assert!(one.contains("2001:db8::1".parse().unwrap()));
        assert!(!one.contains("2001:db8::2".parse().unwrap()));
        let all: AddressRange = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("203.0.113.9".parse().unwrap()));
        for bad in ["10.0.0.0/33", "proxy", "10.0.0/8", "::1/129"] {
            assert!(bad.parse::<AddressRange>().is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarding_headers_count_only_from_a_trusted_proxy() {
        let proxies: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let claims = headers(&[("x-forwarded-for", "198.51.100.7, 203.0.113.5")]);
        // From the proxy: the nearest address it names that is not itself a proxy.
        assert_eq!(proxies.client(ip("127.0.0.1"), &claims), ip("203.0.113.5"));
        // From anyone else: the connection's address, whatever they claim.
        assert_eq!(
            proxies.client(ip("203.0.113.99"), &claims),
            ip("203.0.113.99")
        );
        // No proxy trusted: the connection's address.
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("127.0.0.1"), &claims), ip("127.0.0.1"));
        // A client's own spoofed entry before the proxy chain is skipped past no further than
        // the first untrusted address.
        let chained = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.5, 10.0.0.2")]);
        assert_eq!(proxies.client(ip("10.0.0.1"), &chained), ip("203.0.113.5"));
        // Forwarded (RFC 7239) is read first, with ports and IPv6 brackets.
        let rfc = headers(&[
            (
                "forwarded",
                "for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.3",
            ),
            ("x-forwarded-for", "9.9.9.9"),
        ]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &rfc), ip("2001:db8::7"));
        // A name that is no address stops the chain at the proxy that wrote it.
        let hidden = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(proxies.client(ip("127.0.0.1"), &hidden), ip("127.0.0.1"));
    }

    #[test]
    fn the_public_origin_comes_from_a_trusted_proxy_only() {
        let proxies: TrustedProxies = "127.0.0.1".parse().unwrap();
        let sent = headers(&[
            ("host", "127.0.0.1:8080"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "caseload.example.org"),
        ]);
        assert_eq!(
            proxies.origin(ip("127.0.0.1"), &sent, "x"),
            ("https".into(), "caseload.example.org".into())
        );
        assert_eq!(
            proxies.origin(ip("192.0.2.1"), &sent, "x"),
            ("http".into(), "127.0.0.1:8080".into())
        );
        let bad = headers(&[("host", "a"), ("x-forwarded-host", "evil.example/<x>")]);
        assert_eq!(proxies.origin(ip("127.0.0.1"), &bad, "x").1, "a");
    }
}
