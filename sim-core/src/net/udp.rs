//! UDP sockets for processes: bind a port (or let the kernel pick one), send datagrams,
//! receive them as `Msg::Udp` (and ICMP errors about them as `Msg::Icmp`).
//!
//! A socket is bound to every address of its namespace (as `INADDR_ANY`); the kernel
//! answers a datagram for a port nobody bound with ICMP port unreachable (`stack.rs`).
//! Ephemeral ports come from 32768..60999, as Linux's `ip_local_port_range`, starting at
//! a place fixed by the namespace and moving on.

use std::net::Ipv4Addr;

use super::{NsId, stack};
use crate::engine::ActorId;
use crate::wire::{DEFAULT_TTL, Ipv4Header, L4, Packet, Udp, UdpPayload};

type Cx<'a, 'b> = &'a mut crate::engine::Ctx<'b, super::Net>;

/// Binds `port` for `owner`, or an ephemeral port with `None`. Returns the port, or `None`
/// when it is taken (EADDRINUSE) or none is free.
pub fn bind(cx: Cx<'_, '_>, ns: NsId, port: Option<u16>, owner: ActorId) -> Option<u16> {
    let netns = cx.world.ns_mut(ns);
    let port = match port {
        Some(p) if netns.udp_sockets.contains_key(&p) => return None,
        Some(p) => p,
        None => {
            let start = 32768 + (u32::from(netns.next_ip_ident).wrapping_mul(7) % 28232) as u16;
            (0..28232u16)
                .map(|k| 32768 + (start - 32768 + k) % 28232)
                .find(|p| !netns.udp_sockets.contains_key(p))?
        }
    };
    netns.udp_sockets.insert(port, owner);
    Some(port)
}

/// Closes the socket on `port` (if `owner` holds it).
pub fn close(cx: Cx<'_, '_>, ns: NsId, port: u16, owner: ActorId) {
    let socks = &mut cx.world.ns_mut(ns).udp_sockets;
    if socks.get(&port) == Some(&owner) {
        socks.remove(&port);
    }
}

/// sendto's ENETUNREACH: no route to the destination.
#[derive(Debug)]
pub struct NoRoute;

/// Sends one datagram from `sport` to `dst:dport`. `Err(NoRoute)` when there is no route
/// (nothing is traced: the caller reports it).
pub fn send(
    cx: Cx<'_, '_>,
    ns: NsId,
    sport: u16,
    dst: Ipv4Addr,
    dport: u16,
    payload: UdpPayload,
) -> Result<(), NoRoute> {
    let src = stack::source_for(cx, ns, dst).ok_or(NoRoute)?;
    let id = cx.world.packet_id();
    let ident = cx.world.ns_mut(ns).ip_ident();
    let packet = Packet {
        id,
        parent: None,
        ip: Ipv4Header {
            src,
            dst,
            ttl: DEFAULT_TTL,
            ident,
            df: true,
        },
        l4: L4::Udp(Udp {
            sport,
            dport,
            payload,
        }),
        frag: None,
        mark: 0,
        ct: None,
        cost_ns: 0,
    };
    stack::output(cx, ns, packet).map_err(|_| NoRoute)
}
