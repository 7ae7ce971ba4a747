//! The address a request came from, for the sign-in limit and the log: the TCP peer, or —
//! only when custsync is told it sits behind a proxy (`CUSTSYNC_TRUSTED_PROXY_HEADER`) — the
//! address that proxy wrote into the header, so clients cannot choose their own.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{request::Parts, HeaderMap, HeaderName},
};

use crate::state::AppState;

/// The client's address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(Self(client_address(
            peer,
            &parts.headers,
            state.trusted_proxy_header.as_ref(),
        )))
    }
}

/// The client: the last address in the trusted proxy's header (the one that proxy added;
/// earlier ones came from the client and prove nothing), else the peer, else unspecified
/// (a request from inside the process, as in tests).
pub fn client_address(
    peer: Option<IpAddr>,
    headers: &HeaderMap,
    trusted_header: Option<&HeaderName>,
) -> IpAddr {
    let from_proxy = trusted_header
        .and_then(|name| headers.get_all(name).iter().next_back())
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    from_proxy
        .or(peer)
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| (HeaderName::from_static(k), v.parse().unwrap()))
            .collect()
    }

    #[test]
    fn a_forwarded_header_counts_only_when_it_is_trusted_and_then_its_last_address() {
        let local = IpAddr::from([127, 0, 0, 1]);
        let peer = Some(local);
        let forwarded = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7")]);
        let xff = HeaderName::from_static("x-forwarded-for");
        assert_eq!(client_address(peer, &forwarded, None), local);
        assert_eq!(
            client_address(peer, &forwarded, Some(&xff)),
            IpAddr::from([203, 0, 113, 7])
        );
        let garbage = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(client_address(peer, &garbage, Some(&xff)), local);
        assert_eq!(
            client_address(None, &HeaderMap::new(), Some(&xff)),
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        );
    }
}
