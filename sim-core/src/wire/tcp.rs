//! TCP segments and what applications send over TCP, as data.
//!
//! A segment has ports, sequence and acknowledgement numbers, flags and a window, then
//! `len` bytes of payload. Linux's header sizes are kept exact: a SYN or SYN-ACK carries
//! 20 bytes of options (MSS, SACK permitted, timestamps, window scale), every other segment
//! 12 (timestamps), so a pure ACK is a 52-byte packet, as tcpdump shows on Linux.
//!
//! Applications write messages (a redis command, an RDB payload); the kernel carries their
//! bytes in segments, and a message rides on the segment that holds its last byte, so the
//! receiver gets it when all its bytes have arrived in order.

use std::fmt;

use serde::Serialize;

/// The fixed TCP header.
pub const TCP_HEADER_LEN: u16 = 20;
/// Options on a SYN or SYN-ACK from Linux: MSS (4), SACK permitted (2), timestamps (10),
/// NOP (1), window scale (3).
pub const SYN_OPTIONS_LEN: u16 = 20;
/// Options on every other segment: NOP, NOP, timestamps.
pub const TS_OPTIONS_LEN: u16 = 12;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    pub syn: bool,
    pub ack: bool,
    pub fin: bool,
    pub rst: bool,
    pub psh: bool,
}

impl fmt::Display for Flags {
    /// tcpdump's `[S]`, `[S.]`, `[P.]`, `[F.]`, `[R]`, `[R.]`, `[.]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        if self.syn {
            s.push('S');
        }
        if self.fin {
            s.push('F');
        }
        if self.rst {
            s.push('R');
        }
        if self.psh {
            s.push('P');
        }
        if self.ack {
            s.push('.');
        }
        write!(f, "[{s}]")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: Flags,
    pub win: u16,
    /// Payload bytes.
    pub len: u16,
    /// The application messages whose last byte is in this segment.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub msgs: Vec<Message>,
}

impl Segment {
    pub fn header_len(&self) -> u16 {
        TCP_HEADER_LEN
            + if self.flags.syn {
                SYN_OPTIONS_LEN
            } else {
                TS_OPTIONS_LEN
            }
    }

    /// Sequence space it takes: its bytes, plus one for SYN and one for FIN.
    pub fn seq_len(&self) -> u32 {
        self.len as u32 + self.flags.syn as u32 + self.flags.fin as u32
    }
}

impl Segment {
    /// tcpdump's line with Linux's options between the window and the length: a SYN's
    /// `options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]`, any other segment's
    /// `options [nop,nop,TS val 2 ecr 1]` (the order Linux's `tcp_options_write` uses).
    pub fn fmt_with_options(
        &self,
        f: &mut fmt::Formatter<'_>,
        o: super::TcpOptions,
        cksum: Option<u16>,
    ) -> fmt::Result {
        let opts = if self.flags.syn {
            format!(
                "mss {},sackOK,TS val {} ecr {},nop,wscale 7",
                o.mss, o.ts_val, o.ts_ecr
            )
        } else {
            format!("nop,nop,TS val {} ecr {}", o.ts_val, o.ts_ecr)
        };
        self.fmt_parts(f, Some(&opts), cksum)
    }

    /// `cksum`: tcpdump `-v`'s checksum check, right after the flags.
    fn fmt_parts(
        &self,
        f: &mut fmt::Formatter<'_>,
        options: Option<&str>,
        cksum: Option<u16>,
    ) -> fmt::Result {
        write!(f, "Flags {}, ", self.flags)?;
        if let Some(c) = cksum {
            write!(f, "cksum 0x{c:04x} (correct), ")?;
        }
        if self.len > 0 {
            write!(
                f,
                "seq {}:{}, ",
                self.seq,
                self.seq.wrapping_add(self.len as u32)
            )?;
        } else if self.flags.syn || self.flags.fin || self.flags.rst || !self.flags.ack {
            write!(f, "seq {}, ", self.seq)?;
        }
        if self.flags.ack {
            write!(f, "ack {}, ", self.ack)?;
        }
        write!(f, "win {}, ", self.win)?;
        if let Some(o) = options {
            write!(f, "options [{o}], ")?;
        }
        write!(f, "length {}", self.len)?;
        for (i, m) in self
            .msgs
            .iter()
            .filter(|m| !matches!(m, Message::Bytes { .. }))
            .enumerate()
        {
            f.write_str(if i == 0 { ": " } else { " " })?;
            write!(f, "{m}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Segment {
    /// `Flags [P.], seq 1:15, ack 1, win 229, length 14: RESP "PING"` (absolute sequence
    /// numbers, as `tcpdump -S`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_parts(f, None, None)
    }
}

/// A message an application sends over a TCP connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// A redis (RESP) command, as its words.
    RedisCommand { args: Vec<String> },
    /// A redis reply.
    RedisReply { reply: Resp },
    /// An RDB snapshot sent to a replica (`$<len>\r\n` then the file), with the keys it
    /// holds.
    Rdb { keys: Vec<(String, String)> },
    /// Bytes an application sends as they are (`nc`), here text.
    Bytes { text: String },
    /// An HTTP/1.1 request: `GET /path HTTP/1.1` with Host, User-Agent and Accept headers.
    HttpRequest {
        method: String,
        path: String,
        host: String,
        agent: String,
    },
    /// An HTTP/1.1 response with a body.
    HttpResponse {
        status: u16,
        reason: String,
        body: String,
    },
}

/// A RESP reply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Resp {
    Simple { text: String },
    Error { text: String },
    Integer { value: i64 },
    Bulk { value: Option<String> },
    Array { items: Vec<Resp> },
}

impl Resp {
    /// Bytes on the wire.
    pub fn wire_len(&self) -> u32 {
        match self {
            Resp::Simple { text } | Resp::Error { text } => 3 + text.len() as u32,
            Resp::Integer { value } => 3 + value.to_string().len() as u32,
            Resp::Bulk { value: None } => 5,
            Resp::Bulk { value: Some(v) } => bulk_len(v),
            Resp::Array { items } => {
                3 + items.len().to_string().len() as u32
                    + items.iter().map(Resp::wire_len).sum::<u32>()
            }
        }
    }
}

/// `$<n>\r\n<bytes>\r\n`.
fn bulk_len(v: &str) -> u32 {
    let n = v.len() as u32;
    1 + n.to_string().len() as u32 + 2 + n + 2
}

impl Message {
    /// Bytes on the wire (RESP framing; an RDB file of the redis 3.0 format).
    pub fn wire_len(&self) -> u32 {
        match self {
            Message::RedisCommand { args } => {
                3 + args.len().to_string().len() as u32
                    + args.iter().map(|a| bulk_len(a)).sum::<u32>()
            }
            Message::RedisReply { reply } => reply.wire_len(),
            Message::Rdb { keys } => {
                // "REDIS0006", then per key a type byte and two length-prefixed strings,
                // then EOF and an 8-byte checksum; sent as `$<len>\r\n` + the file.
                let file = 9
                    + keys
                        .iter()
                        .map(|(k, v)| 1 + 1 + k.len() as u32 + 1 + v.len() as u32)
                        .sum::<u32>()
                    + 1
                    + 8;
                1 + file.to_string().len() as u32 + 2 + file
            }
            Message::Bytes { text } => text.len() as u32,
            Message::HttpRequest {
                method,
                path,
                host,
                agent,
            } => format!(
                "{method} {path} HTTP/1.1\r\nUser-Agent: {agent}\r\nHost: {host}\r\nAccept: */*\r\n\r\n"
            )
            .len() as u32,
            Message::HttpResponse {
                status,
                reason,
                body,
            } => (format!(
                "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .len()
                + body.len()) as u32,
        }
    }
}

impl fmt::Display for Message {
    /// tcpdump's RESP decoding: `RESP "SET" "messages" "hello"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::RedisCommand { args } => {
                f.write_str("RESP")?;
                for a in args {
                    write!(f, " \"{a}\"")?;
                }
                Ok(())
            }
            Message::RedisReply { reply } => write!(f, "RESP {reply}"),
            Message::Rdb { keys } => write!(f, "RDB ({} keys)", keys.len()),
            // tcpdump shows no payload for raw bytes: nothing after the length.
            Message::Bytes { .. } => Ok(()),
            // tcpdump -v's HTTP line.
            Message::HttpRequest { method, path, .. } => {
                write!(f, "HTTP: {method} {path} HTTP/1.1")
            }
            Message::HttpResponse { status, reason, .. } => {
                write!(f, "HTTP: HTTP/1.1 {status} {reason}")
            }
        }
    }
}

impl fmt::Display for Resp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resp::Simple { text } => write!(f, "\"{text}\""),
            Resp::Error { text } => write!(f, "\"{text}\""),
            Resp::Integer { value } => write!(f, "\"{value}\""),
            Resp::Bulk { value: None } => f.write_str("null"),
            Resp::Bulk { value: Some(v) } => {
                write!(f, "\"{}\"", v.replace('\r', "\\r").replace('\n', "\\n"))
            }
            Resp::Array { items } if items.is_empty() => f.write_str("empty"),
            Resp::Array { items } => {
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" ")?;
                    }
                    write!(f, "{it}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RESP sizes as redis puts them on the wire: `*1\r\n$4\r\nPING\r\n` is 14 bytes,
    /// `+PONG\r\n` 7.
    #[test]
    fn resp_sizes_are_exact() {
        let ping = Message::RedisCommand {
            args: vec!["PING".into()],
        };
        assert_eq!(ping.wire_len(), 14);
        let pong = Resp::Simple {
            text: "PONG".into(),
        };
        assert_eq!(pong.wire_len(), 7);
        assert_eq!(Resp::Bulk { value: None }.wire_len(), 5);
        assert_eq!(
            Resp::Bulk {
                value: Some("hello".into())
            }
            .wire_len(),
            11
        );
    }
}
