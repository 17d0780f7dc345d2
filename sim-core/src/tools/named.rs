//! `named`: a DNS server outside the cluster (a scenario node's `dns_server`), standing in
//! for the resolver a node's `/etc/resolv.conf` names: it answers A queries for the names
//! of its small zone (recursion available), NODATA for other types of those names, and
//! NXDOMAIN for everything else, on UDP 53.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use crate::engine::Ctx;
use crate::net::{Msg, Net, NsId, udp};
use crate::wire::UdpPayload;
use crate::wire::dns::{Message, RData, RType, Rcode, Record};

/// The TTL of its answers.
const TTL: u32 = 300;

pub struct Named {
    /// Absolute, lowercase names and their addresses.
    pub zone: BTreeMap<String, Ipv4Addr>,
}

impl Named {
    pub fn handle(&mut self, msg: Msg, ns: NsId, cx: &mut Ctx<'_, Net>) -> Option<i32> {
        match msg {
            Msg::Start => {
                let me = cx.me();
                if udp::bind(cx, ns, Some(53), me).is_none() {
                    return Some(1);
                }
                None
            }
            Msg::Udp { packet } => {
                let (sport, _, msg) = packet.dns()?;
                if msg.response {
                    return None;
                }
                let reply = self.answer(msg);
                let _ = udp::send(
                    cx,
                    ns,
                    53,
                    packet.ip.src,
                    sport,
                    UdpPayload::Dns {
                        msg: Box::new(reply),
                    },
                );
                None
            }
            _ => None,
        }
    }

    fn answer(&self, q: &Message) -> Message {
        let Some(question) = &q.question else {
            return Message::reply_to(q, Rcode::FormErr);
        };
        let name = question.name.to_ascii_lowercase();
        let soa = |zone: &str| Record {
            name: zone.to_string(),
            ttl: TTL,
            data: RData::Soa {
                mname: format!("ns1.{zone}"),
                rname: format!("hostmaster.{zone}"),
                serial: 2017101801,
                refresh: 7200,
                retry: 3600,
                expire: 1209600,
                minimum: TTL,
            },
        };
        let parent = name
            .split_once('.')
            .map(|(_, p)| p)
            .unwrap_or(".")
            .to_string();
        match self.zone.get(&name) {
            Some(ip) if question.qtype == RType::A => {
                let mut r = Message::reply_to(q, Rcode::NoError);
                r.answer.push(Record {
                    name: question.name.clone(),
                    ttl: TTL,
                    data: RData::A(*ip),
                });
                r
            }
            Some(_) => {
                let mut r = Message::reply_to(q, Rcode::NoError);
                r.authority.push(soa(&parent));
                r
            }
            None => {
                let mut r = Message::reply_to(q, Rcode::NxDomain);
                r.authority
                    .push(soa(if parent.is_empty() { "." } else { &parent }));
                r
            }
        }
    }
}
