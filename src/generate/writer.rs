//! NDJSON sink: one buffered file per record kind, hand-rolled JSON (no per-record allocation).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::util::{fmt_time, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Accounts = 0,
    Shops,
    Links,
    Referrals,
    Orders,
    Payments,
    Reviews,
    Complaints,
    Events,
    Messages,
    Labels,
}

/// File names in load order (labels last).
pub(crate) const FILES: [&str; 11] = [
    "accounts.ndjson",
    "shops.ndjson",
    "links.ndjson",
    "referrals.ndjson",
    "orders.ndjson",
    "payments.ndjson",
    "reviews.ndjson",
    "complaints.ndjson",
    "review_events.ndjson",
    "messages.ndjson",
    "labels.ndjson",
];

/// Id prefixes for generated records.
const PREFIX: [&str; 11] = ["a", "s", "", "", "o", "p", "r", "c", "e", "m", ""];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LinkKind {
    Device,
    Ip,
    Phone,
    Address,
    Card,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Placed,
    Paid,
    Shipped,
    Delivered,
    Refunded,
    Cancelled,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Placed => "placed",
            Status::Paid => "paid",
            Status::Shipped => "shipped",
            Status::Delivered => "delivered",
            Status::Refunded => "refunded",
            Status::Cancelled => "cancelled",
        }
    }
    /// Whether the buyer has paid (a purchase payment exists).
    pub(crate) fn is_paid(self) -> bool {
        !matches!(self, Status::Placed | Status::Cancelled)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Channel {
    Alipay,
    Wechat,
    Bank,
}

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::Alipay => "alipay",
            Channel::Wechat => "wechat",
            Channel::Bank => "bank",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MsgChannel {
    Im,
    Phone,
    Sms,
}

impl MsgChannel {
    fn as_str(self) -> &'static str {
        match self {
            MsgChannel::Im => "im",
            MsgChannel::Phone => "phone",
            MsgChannel::Sms => "sms",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Revised(u8),
    Withdrawn,
    Removed,
    Restored,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CStatus {
    Pending,
    Upheld,
    Rejected,
}

/// A labelled entity.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Ent {
    Acc(u32),
    Shop(u32),
    Review(u64),
}

pub(crate) struct Out {
    files: Vec<BufWriter<File>>,
    counts: [u64; 11],
    next: [u64; 11],
    n_bg: u32,
    named: Vec<String>,
    buf: Vec<u8>,
    fields: usize,
}

/// First octets of Chinese ISP ranges, for realistic-looking IP strings.
const IP_FIRST: [u8; 32] = [
    27, 36, 39, 42, 49, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119,
    120, 121, 122, 123, 124, 125, 171, 175, 180, 182, 183,
];

impl Out {
    /// `n_bg` generated accounts are `a<idx>`; indices `n_bg..` map to `named`.
    pub(crate) fn create(dir: &Path, n_bg: u32, named: Vec<String>) -> io::Result<Out> {
        std::fs::create_dir_all(dir)?;
        let mut files = Vec::with_capacity(FILES.len());
        for f in FILES {
            files.push(BufWriter::with_capacity(
                1 << 20,
                File::create(dir.join(f))?,
            ));
        }
        Ok(Out {
            files,
            counts: [0; 11],
            next: [1; 11],
            n_bg,
            named,
            buf: Vec::with_capacity(512),
            fields: 0,
        })
    }

    pub(crate) fn finish(mut self) -> io::Result<Vec<(String, u64)>> {
        for f in &mut self.files {
            f.flush()?;
        }
        for f in self.files.drain(..) {
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        Ok(FILES
            .iter()
            .zip(self.counts)
            .map(|(f, c)| (f.to_string(), c))
            .collect())
    }

    pub(crate) fn count(&self, k: Kind) -> u64 {
        self.counts[k as usize]
    }

    pub(crate) fn total(&self) -> u64 {
        self.counts.iter().take(10).sum()
    }

    // ---- low-level JSON building ----

    fn begin(&mut self) {
        self.buf.clear();
        self.buf.push(b'{');
        self.fields = 0;
    }

    fn key(&mut self, k: &str) {
        if self.fields > 0 {
            self.buf.push(b',');
        }
        self.fields += 1;
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    fn esc(&mut self, v: &str) {
        for &b in v.as_bytes() {
            match b {
                b'"' => self.buf.extend_from_slice(b"\\\""),
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                0..=0x1f => {
                    let _ = write!(self.buf, "\\u{:04x}", b);
                }
                _ => self.buf.push(b),
            }
        }
    }

    fn s(&mut self, k: &str, v: &str) {
        self.key(k);
        self.buf.push(b'"');
        self.esc(v);
        self.buf.push(b'"');
    }

    fn s_parts(&mut self, k: &str, parts: &[&str]) {
        self.key(k);
        self.buf.push(b'"');
        for p in parts {
            self.esc(p);
        }
        self.buf.push(b'"');
    }

    fn acc_raw(&mut self, idx: u32) {
        if idx < self.n_bg {
            let _ = write!(self.buf, "a{idx}");
        } else {
            let name = &self.named[(idx - self.n_bg) as usize];
            self.buf.extend_from_slice(name.as_bytes());
        }
    }

    fn acc(&mut self, k: &str, idx: u32) {
        self.key(k);
        self.buf.push(b'"');
        self.acc_raw(idx);
        self.buf.push(b'"');
    }

    fn rid(&mut self, k: &str, kind: Kind, n: u64) {
        self.key(k);
        let _ = write!(self.buf, "\"{}{}\"", PREFIX[kind as usize], n);
    }

    fn time(&mut self, k: &str, t: Time) {
        self.key(k);
        let mut b = [0u8; 25];
        fmt_time(t, &mut b);
        self.buf.push(b'"');
        self.buf.extend_from_slice(&b);
        self.buf.push(b'"');
    }

    fn money(&mut self, fen: u64) {
        self.key("amount");
        let _ = write!(self.buf, "\"{}.{:02}\"", fen / 100, fen % 100);
        self.s("currency", "CNY");
    }

    fn num(&mut self, k: &str, n: u64) {
        self.key(k);
        let _ = write!(self.buf, "{n}");
    }

    fn end(&mut self, kind: Kind) -> io::Result<u64> {
        self.buf.extend_from_slice(b"}\n");
        let k = kind as usize;
        self.files[k].write_all(&self.buf)?;
        self.counts[k] += 1;
        let id = self.next[k];
        self.next[k] += 1;
        Ok(id)
    }

    // ---- records ----

    pub(crate) fn account(
        &mut self,
        idx: u32,
        role: &str,
        name: &[&str],
        reg: Time,
        region: &str,
    ) -> io::Result<()> {
        self.begin();
        self.acc("id", idx);
        self.s("role", role);
        self.s_parts("name", name);
        self.time("registeredAt", reg);
        self.s("region", region);
        self.end(Kind::Accounts).map(|_| ())
    }

    pub(crate) fn shop(
        &mut self,
        idx: u32,
        owner: u32,
        name: &[&str],
        category: &str,
        opened: Time,
    ) -> io::Result<()> {
        self.begin();
        self.rid("id", Kind::Shops, idx as u64);
        self.acc("ownerId", owner);
        self.s_parts("name", name);
        self.s("category", category);
        self.time("openedAt", opened);
        self.end(Kind::Shops).map(|_| ())
    }

    pub(crate) fn link(
        &mut self,
        acc: u32,
        kind: LinkKind,
        key: u64,
        first: Time,
        last: Time,
    ) -> io::Result<()> {
        self.begin();
        self.acc("accountId", acc);
        let (k, prefix) = match kind {
            LinkKind::Device => ("device", "dev:"),
            LinkKind::Ip => ("ip", ""),
            LinkKind::Phone => ("phone", "ph:"),
            LinkKind::Address => ("address", "addr:"),
            LinkKind::Card => ("card", "card:"),
        };
        self.s("kind", k);
        self.key("value");
        if kind == LinkKind::Ip {
            let a = IP_FIRST[(key % 32) as usize];
            let _ = write!(
                self.buf,
                "\"{}.{}.{}.{}\"",
                a,
                (key >> 8) & 0xff,
                (key >> 16) & 0xff,
                1 + ((key >> 24) % 254)
            );
        } else {
            let _ = write!(self.buf, "\"{prefix}{key:016x}\"");
        }
        self.time("firstSeen", first);
        self.time("lastSeen", last.max(first));
        self.end(Kind::Links).map(|_| ())
    }

    pub(crate) fn referral(&mut self, inviter: u32, invitee: u32, at: Time) -> io::Result<()> {
        self.begin();
        self.acc("inviterId", inviter);
        self.acc("inviteeId", invitee);
        self.time("at", at);
        self.end(Kind::Referrals).map(|_| ())
    }

    pub(crate) fn order(
        &mut self,
        buyer: u32,
        shop: u32,
        fen: u64,
        placed: Time,
        status: Status,
    ) -> io::Result<u64> {
        self.begin();
        self.rid("id", Kind::Orders, self.next[Kind::Orders as usize]);
        self.acc("buyerId", buyer);
        self.rid("shopId", Kind::Shops, shop as u64);
        self.money(fen);
        self.time("placedAt", placed);
        self.s("status", status.as_str());
        self.end(Kind::Orders)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn payment(
        &mut self,
        from: u32,
        to: u32,
        fen: u64,
        at: Time,
        channel: Channel,
        order: Option<u64>,
        memo: Option<&str>,
    ) -> io::Result<u64> {
        self.begin();
        self.rid("id", Kind::Payments, self.next[Kind::Payments as usize]);
        self.acc("fromId", from);
        self.acc("toId", to);
        self.money(fen.max(1));
        self.time("paidAt", at);
        self.s("channel", channel.as_str());
        if let Some(o) = order {
            self.rid("orderId", Kind::Orders, o);
        }
        if let Some(m) = memo {
            self.s("memo", m);
        }
        self.end(Kind::Payments)
    }

    pub(crate) fn review(
        &mut self,
        order: u64,
        author: u32,
        shop: u32,
        rating: u8,
        text: &str,
        at: Time,
    ) -> io::Result<u64> {
        self.begin();
        self.rid("id", Kind::Reviews, self.next[Kind::Reviews as usize]);
        self.rid("orderId", Kind::Orders, order);
        self.acc("authorId", author);
        self.rid("shopId", Kind::Shops, shop as u64);
        self.num("rating", rating as u64);
        self.s("text", text);
        self.time("postedAt", at);
        self.end(Kind::Reviews)
    }

    pub(crate) fn complaint(
        &mut self,
        review: u64,
        filed_by: u32,
        filed: Time,
        status: CStatus,
        handled: Option<(u32, Time)>,
    ) -> io::Result<u64> {
        self.begin();
        self.rid("id", Kind::Complaints, self.next[Kind::Complaints as usize]);
        self.rid("reviewId", Kind::Reviews, review);
        self.acc("filedById", filed_by);
        self.time("filedAt", filed);
        self.s(
            "status",
            match status {
                CStatus::Pending => "pending",
                CStatus::Upheld => "upheld",
                CStatus::Rejected => "rejected",
            },
        );
        if let Some((staff, at)) = handled {
            self.acc("handledById", staff);
            self.time("resolvedAt", at);
        }
        self.end(Kind::Complaints)
    }

    pub(crate) fn event(
        &mut self,
        review: u64,
        action: Action,
        actor: u32,
        at: Time,
        complaint: Option<u64>,
        reason: Option<&str>,
    ) -> io::Result<u64> {
        self.begin();
        self.rid("id", Kind::Events, self.next[Kind::Events as usize]);
        self.rid("reviewId", Kind::Reviews, review);
        let a = match action {
            Action::Revised(_) => "revised",
            Action::Withdrawn => "withdrawn",
            Action::Removed => "removed",
            Action::Restored => "restored",
        };
        self.s("action", a);
        self.acc("actorId", actor);
        self.time("at", at);
        if let Action::Revised(r) = action {
            self.num("newRating", r as u64);
        }
        if let Some(c) = complaint {
            self.rid("complaintId", Kind::Complaints, c);
        }
        if let Some(r) = reason {
            self.s("reason", r);
        }
        self.end(Kind::Events)
    }

    pub(crate) fn message(
        &mut self,
        from: u32,
        to: u32,
        at: Time,
        channel: MsgChannel,
        text: &str,
    ) -> io::Result<u64> {
        self.begin();
        self.rid("id", Kind::Messages, self.next[Kind::Messages as usize]);
        self.acc("fromId", from);
        self.acc("toId", to);
        self.time("sentAt", at);
        self.s("channel", channel.as_str());
        self.s("text", text);
        self.end(Kind::Messages)
    }

    pub(crate) fn label(
        &mut self,
        ent: Ent,
        label: &str,
        group: &str,
        role: Option<&str>,
    ) -> io::Result<()> {
        self.begin();
        match ent {
            Ent::Acc(a) => self.acc("entityId", a),
            Ent::Shop(s) => self.rid("entityId", Kind::Shops, s as u64),
            Ent::Review(r) => self.rid("entityId", Kind::Reviews, r),
        }
        self.s("label", label);
        self.s("group", group);
        if let Some(r) = role {
            self.s("role", r);
        }
        self.end(Kind::Labels).map(|_| ())
    }
}
