#!/usr/bin/env python3
"""One day of new records for a generated dataset (every generated time lies in 2017): the
first day of 2018, referencing the dataset's accounts and shops, at the volume of an average
day of the dataset, plus planted changes for incremental detection: an extortion crew of the
labels gains a recruit who pans a shop (new member, new incident on an existing shop), a new
crew starts, and a staff account removes a negative review.

    day.py DATASET_DIR OUT_DIR [--seed 7] [--scale 1.0]

Then `investigator load OUT_DIR` and `investigator detect --since 2018-01-01T00:00:00+08:00`.
"""
import argparse, json, os, random

p = argparse.ArgumentParser()
p.add_argument("dataset")
p.add_argument("out")
p.add_argument("--seed", type=int, default=7)
p.add_argument("--scale", type=float, default=1.0)
p.add_argument("--date", default="2018-01-01", help="the day's date (every generated time lies in 2017)")
a = p.parse_args()
rng = random.Random(a.seed)


def lines(kind):
    with open(os.path.join(a.dataset, kind + ".ndjson"), encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def count(kind):
    with open(os.path.join(a.dataset, kind + ".ndjson"), "rb") as f:
        return sum(1 for _ in f)


shops = [(s["id"], s["ownerId"]) for s in lines("shops")]
owners = {o for _, o in shops}
n_accounts = count("accounts")
staff = []
with open(os.path.join(a.dataset, "accounts.ndjson"), encoding="utf-8") as f:
    for line in f:
        if '"staff"' in line:
            staff.append(json.loads(line)["id"])
crews = {}
for l in lines("labels"):
    if l["label"] == "extortion_crew":
        crews.setdefault(l.get("group"), {}).setdefault(l.get("role"), []).append(l["entityId"])
per_day = lambda kind: int(count(kind) / 365 * a.scale)

out = {k: [] for k in ["accounts", "links", "referrals", "orders", "payments", "reviews",
                       "review_events", "messages"]}
seq = [0]


def nid(prefix):
    seq[0] += 1
    return f"{prefix}-{a.date}-{seq[0]}"


def at(hour, minute=0):
    return f"{a.date}T{hour:02d}:{minute:02d}:00+08:00"


def buyer():
    while True:
        x = f"a{rng.randrange(n_accounts)}"
        if x not in owners:
            return x


def shop():
    return shops[rng.randrange(len(shops))]


def review(author, sid, owner, rating, hour):
    o, r = nid("o"), nid("r")
    out["orders"].append({"id": o, "buyerId": author, "shopId": sid, "amount": "60.00",
                          "placedAt": at(max(hour - 3, 0)), "status": "delivered"})
    out["payments"].append({"id": nid("p"), "fromId": author, "toId": owner, "amount": "60.00",
                            "paidAt": at(max(hour - 3, 0)), "channel": "alipay", "orderId": o})
    out["reviews"].append({"id": r, "orderId": o, "authorId": author, "shopId": sid,
                           "rating": rating, "text": "review", "postedAt": at(hour, rng.randrange(60))})
    return r


def transfer(frm, to, amount, hour):
    out["payments"].append({"id": nid("p"), "fromId": frm, "toId": to, "amount": amount,
                            "paidAt": at(hour, rng.randrange(60)), "channel": "wechat"})


def message(frm, to, hour):
    out["messages"].append({"id": nid("m"), "fromId": frm, "toId": to,
                            "sentAt": at(hour, rng.randrange(60)), "channel": "im", "text": "在吗"})


# background: an average day
new_accounts = [nid("a") for _ in range(int(n_accounts / 365 * a.scale))]
for x in new_accounts:
    out["accounts"].append({"id": x, "role": "buyer", "registeredAt": at(rng.randrange(24))})
reviews = per_day("reviews")
orders = per_day("orders")
for i in range(orders):
    b = new_accounts[i % len(new_accounts)] if i % 4 == 0 and new_accounts else buyer()
    sid, owner = shop()
    if i < reviews:
        rating = rng.choices([5, 4, 3, 2, 1], [55, 25, 8, 5, 7])[0]
        review(b, sid, owner, rating, 3 + rng.randrange(20))
    else:
        o = nid("o")
        out["orders"].append({"id": o, "buyerId": b, "shopId": sid, "amount": "45.00",
                              "placedAt": at(rng.randrange(24)), "status": "paid"})
        out["payments"].append({"id": nid("p"), "fromId": b, "toId": owner, "amount": "45.00",
                                "paidAt": at(rng.randrange(24)), "channel": "alipay", "orderId": o})
for _ in range(per_day("messages")):
    sid, owner = shop()
    message(buyer(), owner, rng.randrange(24))
for _ in range(max(per_day("payments") - orders, 0)):
    transfer(buyer(), buyer(), f"{rng.randrange(10, 500)}.00", rng.randrange(24))
for _ in range(per_day("links")):
    b = new_accounts[rng.randrange(len(new_accounts))] if rng.random() < 0.5 else buyer()
    kind = rng.choice(["device", "ip", "phone", "address"])
    out["links"].append({"accountId": b, "kind": kind, "value": f"{kind}:{a.date}:{rng.randrange(10**9)}",
                         "firstSeen": at(rng.randrange(24))})
for _ in range(per_day("referrals")):
    out["referrals"].append({"inviterId": buyer(), "inviteeId": new_accounts[rng.randrange(len(new_accounts))],
                             "at": at(rng.randrange(24))})

# planted: a crew of the labels gains a recruit who pans a shop and is paid off
group = sorted(crews)[0] if crews else None
if group:
    roles = crews[group]
    org = (roles.get("organizer") or roles.get("negotiator") or sum(roles.values(), []))[0]
    op = (roles.get("operative") or sum(roles.values(), []))[0]
    rec = nid("a")
    out["accounts"].append({"id": rec, "role": "buyer", "registeredAt": at(1)})
    out["referrals"].append({"inviterId": op, "inviteeId": rec, "at": at(2)})
    out["links"].append({"accountId": rec, "kind": "device", "value": f"device:{group}:recruit",
                         "firstSeen": at(2)})
    out["links"].append({"accountId": op, "kind": "device", "value": f"device:{group}:recruit",
                         "firstSeen": at(2)})
    sid, owner = shop()
    r = review(rec, sid, owner, 1, 9)
    message(org, owner, 12)
    transfer(owner, org, "800.00", 16)
    out["review_events"].append({"id": nid("e"), "reviewId": r, "action": "withdrawn",
                                 "actorId": rec, "at": at(20)})
    print(f"planted recruit {rec} in {group} (organizer {org}) on shop {sid}")

# planted: a new crew of three panning three shops
org, op1, op2 = nid("a"), nid("a"), nid("a")
for x in (org, op1, op2):
    out["accounts"].append({"id": x, "role": "buyer", "registeredAt": at(0)})
out["referrals"] += [{"inviterId": org, "inviteeId": op1, "at": at(1)},
                     {"inviterId": org, "inviteeId": op2, "at": at(1)}]
out["links"] += [{"accountId": x, "kind": "phone", "value": f"phone:{a.date}:{org}", "firstSeen": at(1)}
                 for x in (org, op1, op2)]
for k in range(3):
    sid, owner = shop()
    for op in (op1, op2):
        r = review(op, sid, owner, 1, 4 + 3 * k)
    message(org, owner, 5 + 3 * k)
    transfer(owner, org, "900.00", 6 + 3 * k)
    out["review_events"].append({"id": nid("e"), "reviewId": r, "action": "withdrawn",
                                 "actorId": op2, "at": at(7 + 3 * k)})
print(f"planted crew {org}, {op1}, {op2}")

# planted: a staff removal of a negative review
if staff:
    sid, owner = shop()
    r = review(buyer(), sid, owner, 1, 8)
    out["review_events"].append({"id": nid("e"), "reviewId": r, "action": "removed",
                                 "actorId": staff[0], "at": at(18), "reason": "spam"})

os.makedirs(a.out, exist_ok=True)
for kind, recs in out.items():
    with open(os.path.join(a.out, kind + ".ndjson"), "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
print({k: len(v) for k, v in out.items()})
