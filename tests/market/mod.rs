//! A tiny marketplace builder for ring and extortion tests: named accounts, shops, reviewed
//! orders, private transfers, refunds, messages, referrals, shared identifiers, review events.
//! Times are `common::t(day, hour)` (April 2017, +08:00).
#![allow(dead_code, clippy::too_many_arguments)]

use crate::common::{t, Dataset};
use serde_json::json;
use std::cell::Cell;

pub struct Market {
    pub data: Dataset,
    /// Prefixes generated ids, so two markets loaded into one graph never share one.
    name: String,
    seq: Cell<u32>,
}

impl Market {
    pub fn new(name: &str) -> Self {
        Market {
            data: Dataset::new(name),
            name: name.to_string(),
            seq: Cell::new(0),
        }
    }

    fn next(&self, prefix: &str) -> String {
        self.seq.set(self.seq.get() + 1);
        format!("{prefix}-{}-{}", self.name, self.seq.get())
    }

    pub fn buyers(&self, ids: &[&str]) -> &Self {
        let recs: Vec<_> = ids
            .iter()
            .map(|id| json!({"id": id, "role": "buyer", "registeredAt": t(1, 0)}))
            .collect();
        self.data.add("accounts", &recs);
        self
    }

    /// A seller account owning one shop.
    pub fn shop(&self, owner: &str, shop: &str, category: &str) -> &Self {
        self.data.add(
            "accounts",
            &[json!({"id": owner, "role": "seller", "registeredAt": t(1, 0)})],
        );
        self.data.add(
            "shops",
            &[json!({"id": shop, "ownerId": owner, "name": shop, "category": category, "openedAt": t(1, 1)})],
        );
        self
    }

    /// An order (placed a few hours before) and its review, with the buyer's order payment.
    pub fn review(
        &self,
        id: &str,
        author: &str,
        shop: &str,
        owner: &str,
        rating: i64,
        day: u32,
        hour: u32,
    ) -> String {
        let order = format!("o-{id}");
        let placed = t(day, hour.saturating_sub(3));
        self.data.add(
            "orders",
            &[json!({"id": order, "buyerId": author, "shopId": shop, "amount": "50.00", "placedAt": placed, "status": "delivered"})],
        );
        self.data.add(
            "payments",
            &[json!({"id": format!("p-{id}"), "fromId": author, "toId": owner, "amount": "50.00", "paidAt": placed, "channel": "alipay", "orderId": order})],
        );
        self.data.add(
            "reviews",
            &[json!({"id": id, "orderId": order, "authorId": author, "shopId": shop, "rating": rating, "text": "review", "postedAt": t(day, hour)})],
        );
        order
    }

    /// A private transfer (no order).
    pub fn transfer(
        &self,
        id: &str,
        from: &str,
        to: &str,
        amount: &str,
        day: u32,
        hour: u32,
    ) -> &Self {
        self.data.add(
            "payments",
            &[json!({"id": id, "fromId": from, "toId": to, "amount": amount, "paidAt": t(day, hour), "channel": "wechat"})],
        );
        self
    }

    /// A refund tied to an order.
    pub fn refund(
        &self,
        id: &str,
        from: &str,
        to: &str,
        amount: &str,
        order: &str,
        day: u32,
        hour: u32,
    ) -> &Self {
        self.data.add(
            "payments",
            &[json!({"id": id, "fromId": from, "toId": to, "amount": amount, "paidAt": t(day, hour), "channel": "alipay", "orderId": order, "memo": "refund"})],
        );
        self
    }

    pub fn message(&self, id: &str, from: &str, to: &str, day: u32, hour: u32) -> &Self {
        self.data.add(
            "messages",
            &[json!({"id": id, "fromId": from, "toId": to, "sentAt": t(day, hour), "channel": "im", "text": "hello"})],
        );
        self
    }

    pub fn refer(&self, inviter: &str, invitee: &str, day: u32) -> &Self {
        self.data.add(
            "referrals",
            &[json!({"inviterId": inviter, "inviteeId": invitee, "at": t(day, 9)})],
        );
        self
    }

    pub fn share(&self, kind: &str, value: &str, accounts: &[&str]) -> &Self {
        let recs: Vec<_> = accounts
            .iter()
            .map(|a| json!({"accountId": a, "kind": kind, "value": value}))
            .collect();
        self.data.add("links", &recs);
        self
    }

    pub fn withdraw(&self, review: &str, actor: &str, day: u32, hour: u32) -> &Self {
        let id = self.next("e");
        self.data.add(
            "review_events",
            &[json!({"id": id, "reviewId": review, "action": "withdrawn", "actorId": actor, "at": t(day, hour)})],
        );
        self
    }

    pub fn revise(&self, review: &str, actor: &str, rating: i64, day: u32, hour: u32) -> &Self {
        let id = self.next("e");
        self.data.add(
            "review_events",
            &[json!({"id": id, "reviewId": review, "action": "revised", "newRating": rating, "actorId": actor, "at": t(day, hour)})],
        );
        self
    }

    /// An extortion crew: organizer `org` (invites `op`, shares a device), operative `op`
    /// (invites and shares an address with recruit `rec`). Victims: `victims` shops; review
    /// `k` is by `op` (the last one by `rec`), followed by the organizer's message to the
    /// owner, the owner's private payment to the organizer and the review's withdrawal
    /// (except the last victim: no withdrawal). The organizer pays the authors a share.
    pub fn crew(&self, p: &str, victims: usize, start_day: u32) -> Vec<String> {
        let (org, op, rec) = (format!("{p}-org"), format!("{p}-op"), format!("{p}-rec"));
        self.buyers(&[&org, &op, &rec]);
        self.refer(&org, &op, 1)
            .share("device", &format!("dev-{p}"), &[&org, &op])
            .refer(&op, &rec, 2)
            .share("address", &format!("addr-{p}"), &[&op, &rec]);
        let mut reviews = Vec::new();
        for k in 0..victims {
            let day = start_day + 3 * k as u32;
            let (owner, shop) = (format!("{p}-own{k}"), format!("{p}-shop{k}"));
            self.shop(&owner, &shop, "tea");
            let author = if k + 1 == victims { &rec } else { &op };
            let rid = format!("{p}-r{k}");
            self.review(&rid, author, &shop, &owner, 1, day, 10);
            self.message(&format!("{p}-m{k}"), &org, &owner, day, 15);
            self.transfer(&format!("{p}-pay{k}"), &owner, &org, "800.00", day + 1, 10);
            if k + 1 < victims {
                self.withdraw(&rid, author, day + 1, 14);
            }
            self.transfer(
                &format!("{p}-share{k}"),
                &org,
                author,
                "200.00",
                day + 2,
                10,
            );
            reviews.push(rid);
        }
        reviews
    }
}

impl Market {
    /// A crew that splits the roles: organizer `org` (invites and pays operative `op`),
    /// negotiator `neg` who messages the owners, and `pay`, a second account sharing `neg`'s
    /// phone, on which the owners' money lands; `pay` forwards most of it to `org` and hands
    /// `neg` a cut. `neg` is tied to nobody but `pay` (and messages with `org`). Every review
    /// is withdrawn after the payment. Returns the review ids.
    pub fn split_crew(&self, p: &str, victims: usize, start_day: u32) -> Vec<String> {
        let (org, op, neg, pay) = (
            format!("{p}-org"),
            format!("{p}-op"),
            format!("{p}-neg"),
            format!("{p}-pay"),
        );
        self.buyers(&[&org, &op, &neg, &pay]);
        self.refer(&org, &op, 1)
            .share("phone", &format!("ph-{p}"), &[&neg, &pay]);
        let mut reviews = Vec::new();
        for k in 0..victims {
            let day = start_day + 3 * k as u32;
            let (owner, shop) = (format!("{p}-own{k}"), format!("{p}-shop{k}"));
            self.shop(&owner, &shop, "tea");
            self.message(&format!("{p}-brief{k}"), &org, &neg, day, 8);
            let rid = format!("{p}-r{k}");
            self.review(&rid, &op, &shop, &owner, 1, day, 10);
            self.message(&format!("{p}-m{k}"), &neg, &owner, day, 15);
            self.transfer(&format!("{p}-pay{k}"), &owner, &pay, "900.00", day + 1, 10);
            self.withdraw(&rid, &op, day + 1, 14);
            self.transfer(&format!("{p}-fwd{k}"), &pay, &org, "700.00", day + 1, 18);
            self.transfer(&format!("{p}-cut{k}"), &pay, &neg, "100.00", day + 1, 19);
            self.transfer(&format!("{p}-share{k}"), &org, &op, "200.00", day + 2, 10);
            reviews.push(rid);
        }
        reviews
    }

    /// `recruit` is invited by `op` and shares its address: a household recruit who has not
    /// reviewed anything.
    pub fn dormant_recruit(&self, op: &str, recruit: &str, day: u32) -> &Self {
        self.buyers(&[recruit]);
        self.refer(op, recruit, day)
            .share("address", &format!("addr-{op}"), &[op, recruit])
    }

    /// A small funded campaign from three device farms: seller `ben` (a `phone` shop) pays
    /// mule 1 → mule 2 → organizer (each passing on a little less, each a day later); six
    /// operatives, two per farm device, each panning a *different* one of three rival phone
    /// shops once (no two share two targets: no lockstep), each paid by the organizer — three
    /// up front, three the day after their review —, each also leaving a five-star review on a
    /// popular shop.
    pub fn farm_campaign(&self, p: &str) {
        let ben = format!("{p}-ben");
        self.shop(&ben, &format!("{p}-benshop"), "phone");
        let (m1, m2, org) = (
            format!("{p}-mule1"),
            format!("{p}-mule2"),
            format!("{p}-org"),
        );
        self.buyers(&[&m1, &m2, &org]);
        self.transfer(&format!("{p}-fund1"), &ben, &m1, "3000.00", 3, 10)
            .transfer(&format!("{p}-fund2"), &m1, &m2, "2950.00", 4, 10)
            .transfer(&format!("{p}-fund3"), &m2, &org, "2900.00", 5, 10);
        self.farm_cell(p);
    }

    /// [`Self::farm_campaign`] funded the long way: the seller `{p}-ben` never pays; its
    /// relative `{p}-rel` (no shop, the seller's address) sends the money through three mules.
    pub fn farm_campaign_through_a_relative(&self, p: &str) {
        let (ben, rel) = (format!("{p}-ben"), format!("{p}-rel"));
        self.shop(&ben, &format!("{p}-benshop"), "phone");
        let mules: Vec<String> = (1..=3).map(|k| format!("{p}-mule{k}")).collect();
        let org = format!("{p}-org");
        self.buyers(&[&rel, &mules[0], &mules[1], &mules[2], &org]);
        self.share("address", &format!("{p}-home"), &[&ben, &rel]);
        self.transfer(&format!("{p}-fund1"), &rel, &mules[0], "3000.00", 2, 10)
            .transfer(
                &format!("{p}-fund2"),
                &mules[0],
                &mules[1],
                "2950.00",
                3,
                10,
            )
            .transfer(
                &format!("{p}-fund3"),
                &mules[1],
                &mules[2],
                "2900.00",
                4,
                10,
            )
            .transfer(&format!("{p}-fund4"), &mules[2], &org, "2850.00", 5, 10);
        self.farm_cell(p);
    }

    /// The cell of a farm campaign: organizer `{p}-org` briefs and pays six farm operatives
    /// who pan three rival phone shops (and camouflage with 5-star reviews of a book shop).
    fn farm_cell(&self, p: &str) {
        let org = format!("{p}-org");
        self.shop(
            &format!("{p}-popular-own"),
            &format!("{p}-popular"),
            "books",
        );
        let rivals: Vec<(String, String)> = (0..3)
            .map(|k| (format!("{p}-rival-own{k}"), format!("{p}-rival{k}")))
            .collect();
        for (own, shop) in &rivals {
            self.shop(own, shop, "phone");
        }
        for i in 0..6usize {
            let op = format!("{p}-op{i}");
            self.buyers(&[&op]);
            self.share("device", &format!("{p}-farm{}", i / 2), &[&op]);
            self.message(&format!("{p}-brief{i}"), &org, &op, 8, 10);
            let (own, shop) = &rivals[i % 3];
            let day = 10 + (i as u32 % 4);
            self.review(&format!("{p}-rv{i}"), &op, shop, own, 1, day, 12);
            let paid_on = if i < 3 { 9 } else { day + 1 };
            self.transfer(&format!("{p}-fee{i}"), &org, &op, "40.00", paid_on, 10);
            self.review(
                &format!("{p}-camo{i}"),
                &op,
                &format!("{p}-popular"),
                &format!("{p}-popular-own"),
                5,
                day + 2,
                9,
            );
        }
    }
}
