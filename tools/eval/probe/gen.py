#!/usr/bin/env python3
"""Independent marketplace generator for probing the collusion investigator.

Written only from the data contract (dataset-format.md) and the two news seeds.
Stdlib only.  Usage:  python3 gen.py [OUTDIR] [SEED]
Writes <kind>.ndjson + labels.ndjson to OUTDIR (default ./probe-data) and
prints a summary of the planted cases (see cases.md for the narrative).
"""
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

OUT = sys.argv[1] if len(sys.argv) > 1 else "probe-data"
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 20170403
R = random.Random(SEED)
TZ = timezone(timedelta(hours=8))
START = datetime(2017, 1, 1, tzinfo=TZ)
END = datetime(2017, 9, 30, tzinfo=TZ)

N_BUYERS = 4300
N_SELLERS = 330
N_STAFF = 30

REGIONS = ["Zhejiang", "Jiangsu", "Jiangxi", "Guangdong", "Shanghai", "Beijing", "Sichuan",
           "Hubei", "Hunan", "Fujian", "Shandong", "Henan", "Anhui", "Hebei", "Guangxi"]
SURN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢邱"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏飞婷雪琳晨"
CATS = {"tea": (30, 600), "clothing": (50, 900), "electronics": (80, 3000), "cosmetics": (40, 800),
        "snacks": (15, 200), "toys": (20, 400), "home": (25, 1200), "sports": (40, 1500)}

POS_TXT = ["很好，物流很快", "质量不错，会回购", "和描述一致，好评", "包装严实，味道正宗", "性价比高",
           "卖家服务态度好", "第二次买了，一如既往", "宝贝收到了，挺满意", "东西不错", "五星好评"]
NEU_TXT = ["一般般吧", "还行，物流有点慢", "凑合用", "和图片有点色差", "中规中矩"]
NEG_TXT = ["质量很差，用了两天就坏了", "和描述不符", "发错货了，客服不理人", "物流太慢，包装破损",
           "味道不对，感觉是假货", "尺码严重偏小", "有异味，不推荐", "收到就是坏的"]

# ---------------------------------------------------------------- records
recs = {k: [] for k in ["accounts", "shops", "links", "referrals", "orders", "payments", "reviews",
                        "complaints", "review_events", "messages", "labels"]}
used_ids = set()


def nid(prefix, digits=7):
    while True:
        i = prefix + str(R.randrange(10 ** (digits - 1), 10 ** digits))
        if i not in used_ids:
            used_ids.add(i)
            return i


def ts(dt):
    return dt.replace(microsecond=0).isoformat()


def money(x):
    return "%.2f" % round(x, 2)


def rand_time(a=START, b=END):
    return a + timedelta(seconds=R.randrange(int((b - a).total_seconds())))


def name():
    return R.choice(SURN) + "".join(R.choice(GIVEN) for _ in range(R.choice([1, 2])))


ACC = {}   # id -> dict
SHOP = {}  # id -> dict
OWNER_SHOPS = {}


def account(role, reg=None, region=None, nm=None):
    a = {"id": nid("u", 7), "role": role, "name": nm or name(),
         "registeredAt": ts(reg or rand_time(datetime(2012, 1, 1, tzinfo=TZ), datetime(2016, 12, 1, tzinfo=TZ))),
         "region": region or R.choice(REGIONS)}
    recs["accounts"].append(a)
    ACC[a["id"]] = a
    return a["id"]


def shop(owner, cat, opened=None):
    s = {"id": nid("s", 6), "ownerId": owner, "name": name()[0] + R.choice(["记", "家", "氏"]) + cat + "店",
         "category": cat, "openedAt": ts(opened or rand_time(datetime(2013, 1, 1, tzinfo=TZ), datetime(2016, 10, 1, tzinfo=TZ)))}
    recs["shops"].append(s)
    SHOP[s["id"]] = s
    OWNER_SHOPS.setdefault(owner, []).append(s["id"])
    return s["id"]


def link(acc, kind, value, first=None, last=None):
    l = {"accountId": acc, "kind": kind, "value": value}
    if first:
        l["firstSeen"] = ts(first)
    if last:
        l["lastSeen"] = ts(last)
    recs["links"].append(l)


def hexv(n=12):
    return "%0*x" % (n, R.getrandbits(4 * n))


def new_device():
    return "dev:" + hexv(12)


def new_ip():
    return "%d.%d.%d.%d" % (R.choice([58, 60, 101, 112, 113, 115, 117, 121, 183, 222]), R.randrange(256), R.randrange(256), R.randrange(1, 255))


def new_phone():
    return "ph:" + hexv(10)


def new_addr():
    return "addr:" + hexv(14)


def new_card():
    return "card:" + hexv(12)


def referral(inviter, invitee, at):
    recs["referrals"].append({"inviterId": inviter, "inviteeId": invitee, "at": ts(at)})


ORDERS = {}


def order(buyer, sid, t, amount=None, status="delivered", channel=None):
    lo, hi = CATS[SHOP[sid]["category"]]
    amt = amount if amount is not None else R.uniform(lo, hi)
    o = {"id": nid("o", 9), "buyerId": buyer, "shopId": sid, "amount": money(amt), "currency": "CNY",
         "placedAt": ts(t), "status": status}
    recs["orders"].append(o)
    ORDERS[o["id"]] = o
    if status != "cancelled" and status != "placed":
        pay(buyer, SHOP[sid]["ownerId"], amt, t + timedelta(minutes=R.randint(1, 30)),
            channel or R.choices(["alipay", "wechat", "bank"], [70, 25, 5])[0], order_id=o["id"])
    return o["id"]


def pay(frm, to, amt, t, channel="alipay", memo=None, order_id=None):
    p = {"id": nid("p", 9), "fromId": frm, "toId": to, "amount": money(amt), "currency": "CNY",
         "paidAt": ts(t), "channel": channel}
    if order_id:
        p["orderId"] = order_id
    if memo:
        p["memo"] = memo
    recs["payments"].append(p)
    return p["id"]


REVIEWS = {}


def review(oid, rating, t, text=None):
    o = ORDERS[oid]
    if text is None:
        text = R.choice(POS_TXT if rating >= 4 else NEU_TXT if rating == 3 else NEG_TXT)
    r = {"id": nid("r", 8), "orderId": oid, "authorId": o["buyerId"], "shopId": o["shopId"],
         "rating": rating, "text": text, "postedAt": ts(t)}
    recs["reviews"].append(r)
    REVIEWS[r["id"]] = r
    return r["id"]


def msg(frm, to, t, text, channel="im"):
    m = {"id": nid("m", 9), "fromId": frm, "toId": to, "sentAt": ts(t), "channel": channel}
    if text is not None:
        m["text"] = text
    recs["messages"].append(m)


def complaint(rid, filed_by, t, status, handler=None, resolved=None):
    c = {"id": nid("c", 7), "reviewId": rid, "filedById": filed_by, "filedAt": ts(t), "status": status}
    if handler:
        c["handledById"] = handler
    if resolved:
        c["resolvedAt"] = ts(resolved)
    recs["complaints"].append(c)
    return c["id"]


def event(rid, action, actor, t, new_rating=None, complaint_id=None, reason=None):
    e = {"id": nid("ev", 8), "reviewId": rid, "action": action, "actorId": actor, "at": ts(t)}
    if new_rating is not None:
        e["newRating"] = new_rating
    if complaint_id:
        e["complaintId"] = complaint_id
    if reason:
        e["reason"] = reason
    recs["review_events"].append(e)


def label(eid, lab, group=None, role=None):
    l = {"entityId": eid, "label": lab}
    if group:
        l["group"] = group
    if role:
        l["role"] = role
    recs["labels"].append(l)


# ---------------------------------------------------------------- benign world
carrier_ips = [new_ip() for _ in range(70)]          # mobile NAT, hubs of ~100+ accounts
office_ips = [new_ip() for _ in range(180)]          # workplaces, 5-30 accounts
campus_ips = [new_ip() for _ in range(4)]            # campus / internet cafe, 150+ accounts

buyers = [account("buyer") for _ in range(N_BUYERS)]
sellers = [account("seller") for _ in range(N_SELLERS)]
staff = [account("staff", reg=rand_time(datetime(2014, 1, 1, tzinfo=TZ), datetime(2016, 6, 1, tzinfo=TZ)), region="Zhejiang")
         for _ in range(N_STAFF)]

HOME = {}      # account -> (address, home ip)
HOUSE = {}     # account -> household list


def give_personal(a, home_addr=None, home_ip=None, device=None, card=None):
    reg = datetime.fromisoformat(ACC[a]["registeredAt"])
    link(a, "phone", new_phone(), reg)
    link(a, "device", device or new_device(), reg, rand_time(datetime(2017, 6, 1, tzinfo=TZ), END))
    if R.random() < 0.3:
        link(a, "device", new_device(), rand_time(datetime(2016, 1, 1, tzinfo=TZ), datetime(2017, 6, 1, tzinfo=TZ)))
    link(a, "address", home_addr or new_addr(), reg)
    link(a, "card", card or new_card(), reg)
    if home_ip:
        link(a, "ip", home_ip, reg)
    for ip in R.sample(carrier_ips, R.choice([1, 1, 2])):
        link(a, "ip", ip)


# households
pool = buyers[:]
R.shuffle(pool)
i = 0
households = []
while i < len(pool):
    size = R.choices([1, 2, 3, 4, 5], [55, 20, 13, 8, 4])[0]
    hh = pool[i:i + size]
    i += size
    households.append(hh)
    addr, hip = new_addr(), new_ip()
    shared_dev = new_device() if (len(hh) > 1 and R.random() < 0.25) else None
    shared_card = new_card() if (len(hh) > 1 and R.random() < 0.15) else None
    reg = min(ACC[a]["registeredAt"] for a in hh)
    for a in hh:
        give_personal(a, addr, hip, card=shared_card if shared_card and R.random() < 0.6 else None)
        if shared_dev:
            link(a, "device", shared_dev)
        HOME[a] = (addr, hip)
        HOUSE[a] = hh
        ACC[a]["region"] = ACC[hh[0]]["region"]
    for a in hh[1:]:
        if R.random() < 0.3:
            referral(hh[0], a, max(datetime.fromisoformat(ACC[a]["registeredAt"]), datetime.fromisoformat(reg)))

# workplaces and campus
for a in buyers:
    if R.random() < 0.35:
        link(a, "ip", R.choice(office_ips))
    if R.random() < 0.12:
        link(a, "ip", R.choice(campus_ips))
# friend referrals
for a in R.sample(buyers, 350):
    b = R.choice(buyers)
    if b != a:
        referral(b, a, datetime.fromisoformat(ACC[a]["registeredAt"]))

for s in sellers:
    give_personal(s, home_ip=new_ip())
staff_office_ip = new_ip()
for s in staff:
    give_personal(s, home_ip=new_ip())
    link(s, "ip", staff_office_ip)

# shops
shops = []
for s in sellers:
    shops.append(shop(s, R.choice(list(CATS))))
    if R.random() < 0.08:
        shops.append(shop(s, R.choice(list(CATS))))
pop = {s: R.lognormvariate(0, 1.1) for s in shops}
quality = {s: R.betavariate(8, 1.5) for s in shops}      # share of happy customers
shop_list = list(pop)
shop_w = [pop[s] for s in shop_list]

moderators = staff[:]           # all staff handle complaints
busy_mod = staff[0]
insider1 = staff[7]
insider2 = staff[13]
normal_mods = [s for s in staff if s not in (busy_mod,)]


def handle_complaint(rid, owner, t):
    """Seller complains through the official channel; staff decides."""
    ft = t + timedelta(hours=R.randint(2, 72))
    handler = busy_mod if R.random() < 0.5 else R.choice(normal_mods)
    st = R.choices(["upheld", "rejected", "pending"], [35, 55, 10])[0]
    if st == "pending":
        return complaint(rid, owner, ft, "pending")
    res = ft + timedelta(hours=R.randint(4, 120))
    cid = complaint(rid, owner, ft, st, handler, res)
    if st == "upheld":
        event(rid, "removed", handler, res + timedelta(minutes=R.randint(1, 30)), complaint_id=cid,
              reason=R.choice(["辱骂/人身攻击", "与商品无关", "广告", "违规内容"]))
    return cid


dispute_n = 0
comp_n = 0
base_reviews = []


def benign_dispute(b, sid, oid, rid, t, owner):
    """An honestly unhappy buyer: negative review, contact, refund through the order, revision."""
    global dispute_n
    dispute_n += 1
    g = "dispute-%d" % dispute_n
    tc = t + timedelta(hours=R.randint(1, 48))
    if R.random() < 0.5:
        msg(owner, b, tc, "亲，看到您的评价了，非常抱歉，可以给您退款或者补发")
        msg(b, owner, tc + timedelta(minutes=R.randint(5, 300)), "那退款吧")
    else:
        msg(b, owner, tc, "东西有问题，要求退款")
        msg(owner, b, tc + timedelta(minutes=R.randint(5, 300)), "好的亲，马上给您退")
    o = ORDERS[oid]
    full = R.random() < 0.6
    amt = float(o["amount"]) * (1 if full else R.uniform(0.2, 0.6))
    tp = tc + timedelta(hours=R.randint(2, 72))
    pay(owner, b, amt, tp, R.choice(["alipay", "wechat"]), memo="退款", order_id=oid)
    if full:
        o["status"] = "refunded"
    act = R.choices(["revised", "withdrawn", None], [60, 20, 20])[0]
    if act == "revised":
        event(rid, "revised", b, tp + timedelta(hours=R.randint(1, 96)), new_rating=R.choice([3, 4, 5]), reason="卖家处理及时")
    elif act == "withdrawn":
        event(rid, "withdrawn", b, tp + timedelta(hours=R.randint(1, 96)))
    label(rid, "benign", g, "review")
    label(b, "benign", g, "member")


def compensation_trap(b, sid, oid, rid, t, owner):
    """Hard look-alike: seller initiates and privately sends a small red envelope, buyer revises."""
    global comp_n
    comp_n += 1
    g = "compensation-%d" % comp_n
    tc = t + timedelta(hours=R.randint(2, 30))
    msg(owner, b, tc, "亲，不好意思给您添麻烦了，给您发个红包补偿一下，能不能帮忙改个评价")
    msg(b, owner, tc + timedelta(minutes=R.randint(10, 200)), "好吧")
    tp = tc + timedelta(minutes=R.randint(20, 400))
    pay(owner, b, R.choice([10, 20, 30, 50]), tp, "wechat", memo="红包")
    event(rid, "revised", b, tp + timedelta(hours=R.randint(1, 30)), new_rating=R.choice([4, 5]))
    label(rid, "benign", g, "review")
    label(b, "benign", g, "member")


def buy_and_review(b, sid, t, allow_dispute=True, forced_rating=None):
    st = R.choices(["delivered", "cancelled", "refunded", "shipped"], [90, 4, 4, 2])[0]
    if t > END - timedelta(days=10):
        st = "shipped"
    oid = order(b, sid, t, status=st)
    owner = SHOP[sid]["ownerId"]
    if R.random() < 0.15:
        msg(b, owner, t - timedelta(minutes=R.randint(5, 600)), R.choice(["在吗？有货吗", "能便宜点吗", "什么时候发货", "这个尺码准吗"]))
        msg(owner, b, t - timedelta(minutes=R.randint(1, 4)), R.choice(["亲，有的", "今天下单明天发", "尺码标准"]))
    if st == "refunded":
        pay(owner, b, float(ORDERS[oid]["amount"]), t + timedelta(days=R.randint(2, 8)), "alipay", memo="退款", order_id=oid)
        return oid, None
    if st != "delivered" or (R.random() > 0.55 and forced_rating is None):
        return oid, None
    tr = t + timedelta(days=R.randint(3, 15), minutes=R.randint(0, 1440))
    if forced_rating is not None:
        rating = forced_rating
    elif R.random() < quality[sid]:
        rating = R.choices([5, 4], [75, 25])[0]
    else:
        rating = R.choices([3, 2, 1], [35, 30, 35])[0]
    rid = review(oid, rating, tr)
    base_reviews.append(rid)
    if rating <= 2 and allow_dispute:
        x = R.random()
        if x < 0.10:
            benign_dispute(b, sid, oid, rid, tr, owner)
        elif x < 0.115 and comp_n < 6:
            compensation_trap(b, sid, oid, rid, tr, owner)
        elif x < 0.45:
            msg(owner, b, tr + timedelta(hours=R.randint(1, 24)), "亲，请问有什么问题可以联系我们处理")
            if R.random() < 0.5:
                msg(b, owner, tr + timedelta(hours=R.randint(25, 48)), "算了，不买了")
            if R.random() < 0.35:
                handle_complaint(rid, owner, tr)
        elif x < 0.62:
            handle_complaint(rid, owner, tr)
        elif x < 0.66:
            event(rid, "revised", b, tr + timedelta(days=R.randint(1, 10)), new_rating=3, reason="补发了")
    return oid, rid


for b in buyers:
    n = min(40, int(R.expovariate(1 / 5.5)) + 1)
    for _ in range(n):
        buy_and_review(b, R.choices(shop_list, shop_w)[0], rand_time())
# sellers and staff shop too
for a in R.sample(sellers, 120) + staff:
    for _ in range(R.randint(1, 6)):
        buy_and_review(a, R.choices(shop_list, shop_w)[0], rand_time(), allow_dispute=False)

# private transfers and chats among households / friends / suppliers
for hh in households:
    if len(hh) > 1:
        for _ in range(R.randint(0, 4)):
            a, b = R.sample(hh, 2)
            t = rand_time()
            msg(a, b, t, R.choice(["晚上回来吃饭吗", "帮我买个东西", "钱转你了"]))
            if R.random() < 0.5:
                pay(a, b, R.choice([50, 100, 200, 520, 88, 66]), t + timedelta(minutes=5), "wechat", memo=R.choice(["红包", None, "生活费"]))
for _ in range(1500):
    a, b = R.sample(buyers, 2)
    t = rand_time()
    msg(a, b, t, R.choice(["在吗", "周末出来玩", "AA一下", "链接发你了"]))
    if R.random() < 0.3:
        pay(a, b, R.uniform(10, 300), t + timedelta(minutes=R.randint(1, 90)), R.choice(["wechat", "alipay"]), memo=R.choice([None, "AA", "饭钱"]))
for _ in range(400):                                            # supplier / wholesale payments between sellers
    a, b = R.sample(sellers, 2)
    t = rand_time()
    msg(a, b, t, "这批货款结一下")
    pay(a, b, R.uniform(500, 20000), t + timedelta(hours=R.randint(1, 30)), "bank", memo=R.choice(["货款", None]))
for s in R.sample(sellers, 60):                                 # seller with family members among buyers
    b = R.choice(buyers)
    pay(s, b, R.choice([500, 1000, 2000]), rand_time(), "bank", memo="生活费")

# ---------------------------------------------------------------- helpers for fraud
def pick_shop(cat=None, exclude=()):
    while True:
        s = R.choices(shop_list, shop_w)[0]
        if s in exclude:
            continue
        if cat and SHOP[s]["category"] != cat:
            continue
        return s


def background(a, n_orders, t0=START, t1=END, ratings=(5, 4)):
    """Camouflage: ordinary orders with positive reviews."""
    for _ in range(n_orders):
        s = pick_shop()
        t = rand_time(t0, t1)
        oid = order(a, s, t)
        if R.random() < 0.8:
            review(oid, R.choice(ratings), t + timedelta(days=R.randint(2, 9)))


def agent(reg=None, region=None, home_ip=True):
    a = account("buyer", reg=reg, region=region)
    link(a, "phone", new_phone(), reg)
    link(a, "ip", R.choice(carrier_ips))
    return a


EXT_NEG = ["垃圾东西，骗子店铺", "假货！大家别买", "质量极差，客服态度恶劣", "收到就坏了，差评", "以次充好，千万别买"]
THREATS = ["你家的货有问题，我已经给了差评。想删的话拿{amt}来，不然会有更多人来给你差评",
           "差评是我们的人给的，花钱消灾，{amt}块，不然继续差评",
           "老板，要么给{amt}，要么等着店铺被差评刷爆"]


def extortion(group, operative, sid, t_review, contact, payments, retract, retract_delay_h,
              contact_delay_h=2.0, channel="im", rating=1, neg_msgs=2, label_kind=None, victim_reply=True):
    """One extortion incident.  payments: list of (from, to, amount, delay_h_after_contact, channel, memo).
    retract: 'withdrawn' | ('revised', r) | None."""
    owner = SHOP[sid]["ownerId"]
    lo, hi = CATS[SHOP[sid]["category"]]
    t_order = t_review - timedelta(days=R.randint(2, 6), hours=R.randint(0, 12))
    oid = order(operative, sid, t_order, amount=R.uniform(lo, min(hi, lo * 4)))
    rid = review(oid, rating, t_review, R.choice(EXT_NEG))
    tc = t_review + timedelta(hours=contact_delay_h)
    total = sum(p[2] for p in payments)
    if contact:
        msg(contact, owner, tc, R.choice(THREATS).format(amt=int(total) if total else 1000), channel)
        for k in range(neg_msgs):
            tk = tc + timedelta(minutes=20 * (k + 1))
            if victim_reply:
                msg(owner, contact, tk, R.choice(["能不能少点", "你这是敲诈", "我考虑一下", "好吧，怎么给你"]), channel)
            msg(contact, owner, tk + timedelta(minutes=5), R.choice(["最少这个数", "不给就继续", "转账给我，差评马上删"]), channel)
    last = tc
    for (frm, to, amt, dh, ch, memo) in payments:
        tp = tc + timedelta(hours=dh)
        pay(frm or owner, to, amt, tp, ch, memo)
        last = max(last, tp)
    if retract == "withdrawn":
        event(rid, "withdrawn", operative, last + timedelta(hours=retract_delay_h))
    elif isinstance(retract, tuple):
        event(rid, "revised", operative, last + timedelta(hours=retract_delay_h), new_rating=retract[1])
    lk = label_kind or ("complete" if (contact and payments and retract) else "partial")
    label(rid, "extortion_review", group, lk)
    label(sid, "extortion_victim", group)
    return rid, oid


CASES = []


def case(cid, desc):
    CASES.append((cid, desc))


# ---------------------------------------------------------------- E1: the Du / Qiu / Zhang crew (article)
g = "crew-du"
du = agent(reg=datetime(2016, 9, 12, tzinfo=TZ), region="Jiangsu")
qiu = agent(reg=datetime(2015, 3, 2, tzinfo=TZ), region="Jiangxi")
zhang = agent(reg=datetime(2017, 4, 10, tzinfo=TZ), region="Jiangxi")
qiu_addr, qiu_ip = new_addr(), new_ip()
link(du, "device", new_device()); link(du, "address", new_addr())
link(qiu, "device", new_device()); link(qiu, "address", qiu_addr); link(qiu, "ip", qiu_ip)
link(zhang, "device", new_device()); link(zhang, "address", qiu_addr); link(zhang, "ip", qiu_ip)
referral(qiu, zhang, datetime(2017, 4, 10, 20, tzinfo=TZ))
background(qiu, 8, datetime(2016, 1, 1, tzinfo=TZ), datetime(2017, 3, 1, tzinfo=TZ))
background(zhang, 2, datetime(2017, 4, 10, tzinfo=TZ), END)
amts = [600, 1200, 2500, 8800, 3000]
t = datetime(2017, 4, 3, 10, tzinfo=TZ)
for k, amt in enumerate(amts):
    sid = pick_shop()
    op = qiu if k < 3 else zhang
    msg(du, op, t - timedelta(days=3), "这家店，拍这个链接，收货后给差评")
    extortion(g, op, sid, t, du, [(None, du, amt, R.uniform(3, 30), "alipay", R.choice([None, "红包"]))],
              "withdrawn", R.uniform(0.5, 4))
    pay(du, op, amt * 0.3, t + timedelta(days=2), "wechat", "分成")
    t += timedelta(days=R.randint(3, 8))
label(du, "extortion_crew", g, "organizer")
label(qiu, "extortion_crew", g, "operative")
label(zhang, "extortion_crew", g, "recruit")
case("E1 crew-du", "3 members (article): organizer Du selects shops & negotiates, operative Qiu reviews, recruit Zhang "
     "(sister-in-law: referral + shared address + home IP). 5 victims, 600-8800 CNY, alipay to Du, reviews withdrawn "
     "0.5-4h after payment; Du pays 30% share to the reviewer. No shared device between Du and Qiu.")

# ---------------------------------------------------------------- E2: 8-member slow crew, separate negotiator + payee account, installments, revised upward
g = "crew-slow8"
org2 = agent(region="Henan")
neg2 = agent(region="Henan")
payee2 = account("buyer", reg=datetime(2017, 2, 1, tzinfo=TZ), region="Henan")
ops2 = [agent(region=R.choice(["Henan", "Hebei", "Anhui"])) for _ in range(5)]
d = new_device(); ph = new_phone()
link(neg2, "device", d); link(payee2, "device", d); link(payee2, "phone", ph); link(neg2, "phone", ph)
link(org2, "device", new_device())
for o in ops2:
    link(o, "device", new_device()); link(o, "address", new_addr())
    referral(org2, o, datetime.fromisoformat(ACC[o]["registeredAt"]) + timedelta(days=1))
    background(o, R.randint(2, 6))
t = datetime(2017, 3, 6, 21, tzinfo=TZ)
for k in range(7):
    sid = pick_shop()
    op = ops2[k % 5]
    msg(org2, op, t - timedelta(days=4), "新单：店铺链接发你了")
    tot = R.choice([1500, 2000, 3000, 4500])
    parts = [tot * 0.5, tot * 0.3, tot * 0.2] if k % 2 == 0 else [tot * 0.6, tot * 0.4]
    pays = [(None, payee2, p, 24 * (5 + 3 * j) + R.uniform(0, 24), "bank", "服务费") for j, p in enumerate(parts)]
    extortion(g, op, sid, t, neg2, pays, ("revised", 5), 24 * R.uniform(1, 4), contact_delay_h=24 * R.uniform(3, 7))
    pay(org2, op, 150, t + timedelta(days=20), "wechat", "工资")
    t += timedelta(days=R.randint(7, 14))
for m in range(3):
    pay(payee2, org2, R.uniform(2000, 5000), datetime(2017, 4, 1, tzinfo=TZ) + timedelta(days=25 * m), "bank")
    msg(neg2, org2, datetime(2017, 4, 1, tzinfo=TZ) + timedelta(days=25 * m), "这个月的钱到了")
label(org2, "extortion_crew", g, "organizer")
label(neg2, "extortion_crew", g, "negotiator")
label(payee2, "extortion_crew", g, "payee")
for o in ops2:
    label(o, "extortion_crew", g, "operative")
case("E2 crew-slow8", "8 members: organizer (referred all 5 operatives, pays them wages), negotiator contacts victims 3-7 days after "
     "the review, money lands on the negotiator's second account (payee: same device+phone) in 2-3 bank installments "
     "over 1-2 weeks, reviews REVISED to 5 stars 1-4 days after the last installment; 7 victims spread over ~3 months.")

# ---------------------------------------------------------------- E3: pair tied only by address, payment from merchant's relative via wechat
g = "crew-pair"
talker3 = agent(region="Guangdong")
rev3 = agent(region="Guangdong")
a3 = new_addr()
link(talker3, "address", a3); link(rev3, "address", a3)
link(talker3, "device", new_device()); link(rev3, "device", new_device())
link(talker3, "ip", new_ip()); link(rev3, "ip", new_ip())
background(rev3, 4)
t = datetime(2017, 5, 14, 13, tzinfo=TZ)
for k in range(4):
    sid = pick_shop()
    owner = SHOP[sid]["ownerId"]
    rel = account("buyer", region=ACC[owner]["region"])            # merchant's relative
    ra = new_addr(); link(owner, "address", ra); link(rel, "address", ra)
    rp = new_phone(); link(rel, "phone", rp); link(rel, "device", new_device())
    msg(owner, rel, t + timedelta(hours=5), "帮我转一下钱给这个人")
    extortion(g, rev3, sid, t, talker3, [(rel, talker3, R.choice([800, 1000, 1500]), R.uniform(6, 20), "wechat", None)],
              "withdrawn", R.uniform(1, 10))
    label(rel, "benign", g + "-victim-relative", "member")
    t += timedelta(days=R.randint(4, 9))
label(talker3, "extortion_crew", g, "organizer")
label(rev3, "extortion_crew", g, "operative")
case("E3 crew-pair", "2 members tied ONLY by a shared shipping address (own devices, own IPs, no referral, no internal "
     "messages or transfers). Reviewer posts, talker threatens and is paid; each of 4 payments comes (wechat) from a "
     "relative of the merchant (a buyer sharing the owner's address), not from the owner. Reviews withdrawn.")

# ---------------------------------------------------------------- E4: 4 sharing only a rare IP, no withdrawal, paid by shop's other account
g = "crew-ip4"
ip4 = new_ip()
org4 = agent(region="Sichuan")
ops4 = [agent(region="Sichuan") for _ in range(3)]
for a in [org4] + ops4:
    link(a, "ip", ip4); link(a, "device", new_device()); link(a, "address", new_addr())
    background(a, R.randint(1, 4))
t = datetime(2017, 6, 2, 9, tzinfo=TZ)
for k in range(5):
    sid = pick_shop()
    owner = SHOP[sid]["ownerId"]
    alt = account("seller", region=ACC[owner]["region"])               # the shop's other (sub) account
    dd = new_device(); link(owner, "device", dd); link(alt, "device", dd); link(alt, "phone", new_phone())
    op = ops4[k % 3]
    if k == 4:   # merchant refused; the review stays
        extortion(g, op, sid, t, op, [], None, 0, contact_delay_h=R.uniform(1, 5), channel="phone")
    else:
        extortion(g, op, sid, t, op, [(alt, org4, R.choice([500, 700, 900]), R.uniform(2, 12), "bank", "货款")],
                  "withdrawn" if k == 0 else None, 3, contact_delay_h=R.uniform(1, 5))
    t += timedelta(days=R.randint(2, 6))
for o in ops4:
    pay(org4, o, 200, t + timedelta(days=1), "alipay")
label(org4, "extortion_crew", g, "organizer")
for o in ops4:
    label(o, "extortion_crew", g, "operative")
case("E4 crew-ip4", "4 members tied ONLY by one rare residential IP (no device/address/referral). Operatives contact the "
     "merchant themselves; money (memo '货款', bank, no orderId) is sent by the shop's OTHER seller account (shares device "
     "with the owner) to the organizer. 1 incident complete (withdrawn), 3 paid but NEVER withdrawn (partial), 1 merchant "
     "refused (contact by phone, no payment: labelled partial). Organizer pays operatives 200 each.")

# ---------------------------------------------------------------- E5: 5-member fast crew, installments, sms/phone, camouflage
g = "crew-fast5"
org5 = agent(region="Fujian")
ops5 = [agent(reg=datetime(2017, 5, 1, tzinfo=TZ) + timedelta(days=R.randint(0, 20)), region="Fujian") for _ in range(4)]
farm = new_device()
for a in [org5] + ops5:
    link(a, "device", farm if a != org5 else new_device())
    link(a, "address", new_addr())
for o in ops5:
    background(o, 6, datetime(2017, 5, 20, tzinfo=TZ), END)
t = datetime(2017, 7, 1, 20, tzinfo=TZ)
for k in range(6):
    sid = pick_shop()
    op = ops5[k % 4]
    amt = R.choice([1200, 1800, 2400])
    pays = [(None, org5, amt / 3, 0.3 + j * 2, R.choice(["alipay", "wechat"]), None) for j in range(3)]
    extortion(g, op, sid, t, org5, pays, "withdrawn", 0.2, contact_delay_h=0.5,
              channel=R.choice(["sms", "phone"]), neg_msgs=1)
    t += timedelta(hours=R.randint(6, 30))
for o in ops5:
    pay(org5, o, 300, t, "alipay")
    msg(org5, o, t - timedelta(days=6), "明天一起上")
label(org5, "extortion_crew", g, "organizer")
for o in ops5:
    label(o, "extortion_crew", g, "operative")
case("E5 crew-fast5", "5 members: 4 fresh operatives on one device farm (organizer on his own device). Whole cycle "
     "within ~7h: contact 30 min after review by sms/phone, 3 installments (alipay/wechat) in 4.3h, withdrawal 12 min "
     "after the last. 6 victims in ~5 days. Operatives leave 6 camouflage orders each (~80% positive reviews).")

# ---------------------------------------------------------------- E6: 6-member crew tied by referrals only, small amounts, 3 months
g = "crew-ref6"
ops6 = [agent(region="Hubei")]
for _ in range(5):
    n = agent(region="Hubei")
    referral(R.choice(ops6), n, datetime.fromisoformat(ACC[n]["registeredAt"]))
    ops6.append(n)
for a in ops6:
    link(a, "device", new_device()); link(a, "address", new_addr()); background(a, R.randint(3, 8))
org6 = ops6[0]
t = datetime(2017, 4, 20, 15, tzinfo=TZ)
for k in range(9):
    sid = pick_shop()
    op = ops6[1 + k % 5]
    contact = op if k % 2 else org6
    extortion(g, op, sid, t, contact, [(None, org6, R.choice([50, 80, 120, 200]), R.uniform(5, 48), "wechat", None)],
              "withdrawn" if k % 3 else ("revised", 4), R.uniform(2, 20), rating=R.choice([1, 2]))
    t += timedelta(days=R.randint(5, 14))
for o in ops6[1:]:
    pay(org6, o, 60, t, "wechat")
label(org6, "extortion_crew", g, "organizer")
for o in ops6[1:]:
    label(o, "extortion_crew", g, "operative")
case("E6 crew-ref6", "6 members tied ONLY by a referral tree (no shared identifier), 9 victims over ~3 months, tiny "
     "amounts 50-200 CNY via wechat to the organizer, contact alternately by the operative or the organizer, "
     "6 withdrawn / 3 revised to 4; rating 1 or 2.")

# ---------------------------------------------------------------- hired campaigns
HIRED_NEG = ["假货，和专柜完全不一样", "质量太差了，别买", "客服态度恶劣", "有异味，疑似三无产品", "描述严重不符"]


def hired_review(g, op, sid, t, rating=None):
    lo, hi = CATS[SHOP[sid]["category"]]
    oid = order(op, sid, t - timedelta(days=R.randint(3, 6)), amount=R.uniform(lo, min(hi, lo * 3)))
    rid = review(oid, rating or R.choice([1, 1, 2]), t, R.choice(HIRED_NEG))
    label(rid, "hired_review", g)
    label(sid, "hired_victim", g)
    return rid


def hired_labels(g, ben, mids, org, ops, recruits):
    label(ben, "hired_agents", g, "beneficiary")
    for m in mids:
        label(m, "hired_agents", g, "intermediary")
    label(org, "hired_agents", g, "organizer")
    for o in ops:
        label(o, "hired_agents", g, "operative")
    for r in recruits:
        label(r, "hired_agents", g, "recruit")


# H1: direct, lockstep, relatives recruited, organizer then also extorts one victim (mixed group)
g = "hired-direct"
cat = "tea"
ben1 = R.choice([s for s in sellers if SHOP[OWNER_SHOPS[s][0]]["category"] == cat])
org_h1 = agent(region="Zhejiang")
ops_h1 = [agent(region="Zhejiang") for _ in range(5)]
for a in [org_h1] + ops_h1:
    link(a, "device", new_device()); link(a, "address", new_addr())
    background(a, R.randint(3, 6))
victims = [pick_shop(cat, exclude=OWNER_SHOPS[ben1]) for _ in range(2)]
t0 = datetime(2017, 5, 8, 19, tzinfo=TZ)
for k, amt in enumerate([3000, 5000, 2000]):
    pay(ben1, org_h1, amt, t0 - timedelta(days=10 - 4 * k), "wechat", "推广费")
msg(ben1, org_h1, t0 - timedelta(days=11), "这两家店，帮我处理一下")
rec_h1 = []
for k, o in enumerate(ops_h1):
    msg(org_h1, o, t0 - timedelta(days=7), "店铺链接，统一时间给差评")
    for v in victims:
        hired_review(g, o, v, t0 + timedelta(days=R.choice([0, 7]), minutes=R.randint(0, 180)))
    pay(org_h1, o, 2 * 150 + 40, t0 + timedelta(days=8), "alipay", "返款+佣金")
# relatives recruited: one posted, one not yet
for k, o in enumerate(ops_h1[:2]):
    r = agent(region="Zhejiang")
    ra = new_addr(); link(o, "address", ra); link(r, "address", ra); link(r, "device", new_device())
    referral(o, r, datetime(2017, 5, 20, tzinfo=TZ))
    rec_h1.append(r)
    if k == 0:
        hired_review(g, r, victims[0], datetime(2017, 5, 25, 20, tzinfo=TZ))
        pay(org_h1, r, 170, datetime(2017, 5, 27, tzinfo=TZ), "alipay")
# organizer also extorts victim 0 after the campaign (group carries both labels)
vo = SHOP[victims[0]]["ownerId"]
tc = datetime(2017, 5, 26, 10, tzinfo=TZ)
msg(org_h1, vo, tc, "你家最近差评不少吧？给2000，我让他们都删了", "im")
msg(vo, org_h1, tc + timedelta(minutes=30), "好，你说话算话", "im")
pay(vo, org_h1, 2000, tc + timedelta(hours=3), "alipay")
h1_revs = [r["id"] for r in recs["reviews"] if r["shopId"] == victims[0] and r["authorId"] in ops_h1[:2]]
for rid in h1_revs:
    event(rid, "withdrawn", REVIEWS[rid]["authorId"], tc + timedelta(hours=R.randint(4, 10)))
    label(rid, "extortion_review", g, "complete")
label(org_h1, "extortion_crew", g, "organizer")
hired_labels(g, ben1, [], org_h1, ops_h1, rec_h1)
case("H1 hired-direct", "Rival tea seller pays organizer directly (3 wechat payments, memo 推广费); organizer briefs 5 operatives "
     "who buy and pan 2 competing tea shops in two lockstep bursts (same evening, 1 week apart), reimbursed by the organizer. "
     "Two operatives recruit relatives (referral + shared address); one relative posts one review, the other never posts. "
     "Afterwards the organizer extorts victim 0 (2000 CNY) and two operatives withdraw -> mixed group; those 2 reviews "
     "also labelled extortion_review complete.")

# H2: one intermediary, slow over 3 weeks, ratings 1-3, operatives tied by referrals only
g = "hired-mule1"
cat = "cosmetics"
ben2 = R.choice([s for s in sellers if SHOP[OWNER_SHOPS[s][0]]["category"] == cat and s != ben1])
mid2 = agent(region="Guangdong")
org_h2 = agent(region="Guangdong")
ops_h2 = [agent(region=R.choice(REGIONS)) for _ in range(4)]
link(org_h2, "device", new_device()); link(mid2, "device", new_device())
for o in ops_h2:
    link(o, "device", new_device()); link(o, "address", new_addr())
    referral(org_h2, o, datetime.fromisoformat(ACC[o]["registeredAt"]))
    background(o, R.randint(2, 5))
background(mid2, 3)
v2 = pick_shop(cat, exclude=OWNER_SHOPS[ben2])
t0 = datetime(2017, 6, 1, 12, tzinfo=TZ)
pay(ben2, mid2, 10000, t0 - timedelta(days=5), "bank")
pay(mid2, org_h2, 9500, t0 - timedelta(days=3), "alipay")
msg(ben2, mid2, t0 - timedelta(days=6), "老规矩")
for k, o in enumerate(ops_h2):
    for j in range(2):
        hired_review(g, o, v2, t0 + timedelta(days=R.randint(0, 21), hours=R.randint(0, 23)), rating=R.choice([1, 2, 3]))
    pay(org_h2, o, 250, t0 + timedelta(days=25), "wechat")
hired_labels(g, ben2, [mid2], org_h2, ops_h2, [])
case("H2 hired-mule1", "Rival cosmetics seller -> 1 intermediary (bank 10000) -> organizer (alipay 9500, 2 days later). "
     "4 operatives tied to the organizer only by referrals, 8 reviews (ratings 1-3) on ONE shop spread over 3 weeks; "
     "organizer pays them 250 each afterwards.")

# H3: three intermediaries, device-farm operatives, 3 victim shops, bursts
g = "hired-mule3"
cat = "electronics"
ben3 = R.choice([s for s in sellers if SHOP[OWNER_SHOPS[s][0]]["category"] == cat and s not in (ben1, ben2)])
mids3 = [agent(region=R.choice(REGIONS)) for _ in range(3)]
org_h3 = agent(region="Guangdong")
ops_h3 = [agent(reg=datetime(2017, 6, 1, tzinfo=TZ) + timedelta(days=R.randint(0, 10)), region="Guangdong") for _ in range(6)]
farm_devs = [new_device(), new_device()]
farm_ip = new_ip()
for k, o in enumerate(ops_h3):
    link(o, "device", farm_devs[k % 2]); link(o, "ip", farm_ip); link(o, "address", new_addr())
    background(o, 3, datetime(2017, 6, 12, tzinfo=TZ), END)
for m in mids3:
    link(m, "device", new_device()); background(m, R.randint(2, 6))
link(org_h3, "device", new_device())
t0 = datetime(2017, 7, 10, 21, tzinfo=TZ)
amt = 30000
chain = [ben3] + mids3 + [org_h3]
tp = t0 - timedelta(days=14)
for a, b in zip(chain, chain[1:]):
    pay(a, b, amt, tp, R.choice(["bank", "alipay", "wechat"]))
    tp += timedelta(days=R.randint(1, 5))
    amt *= R.uniform(0.9, 0.97)
victims3 = [pick_shop(cat, exclude=OWNER_SHOPS[ben3]) for _ in range(3)]
for o in ops_h3:
    msg(org_h3, o, t0 - timedelta(days=5), "这周任务")
    for k, v in enumerate(victims3):
        hired_review(g, o, v, t0 + timedelta(days=3 * k, minutes=R.randint(0, 90)))
    pay(org_h3, o, 3 * 400, t0 + timedelta(days=12), "alipay")
hired_labels(g, ben3, mids3, org_h3, ops_h3, [])
case("H3 hired-mule3", "Rival electronics seller -> 3 intermediaries (bank/alipay/wechat, 1-5 day lags, 3-10% fee each) "
     "-> organizer. 6 fresh operatives on a 2-device farm + 1 shared IP, each pans 3 competitor shops in 3 bursts "
     "(3 days apart, within 90 min), reimbursed 1200 each. 3 camouflage orders each.")

# H4: paid by the rival's relative, 2 intermediaries, heavy camouflage, 1 recruit
g = "hired-relative"
cat = "clothing"
ben4 = R.choice([s for s in sellers if SHOP[OWNER_SHOPS[s][0]]["category"] == cat and s not in (ben1, ben2, ben3)])
rel4 = account("buyer", region=ACC[ben4]["region"])
ra = new_addr(); link(ben4, "address", ra); link(rel4, "address", ra); link(rel4, "phone", new_phone())
hp = new_phone(); link(ben4, "phone", hp); link(rel4, "phone", hp)
mids4 = [agent(region=R.choice(REGIONS)) for _ in range(2)]
org_h4 = agent(region="Shandong")
ops_h4 = [agent(region="Shandong") for _ in range(3)]
for o in ops_h4:
    link(o, "device", new_device()); link(o, "address", new_addr())
    background(o, 10)
link(org_h4, "device", new_device())
r4 = agent(region="Shandong")
ra = new_addr(); link(ops_h4[2], "address", ra); link(r4, "address", ra)
dv = new_device(); link(ops_h4[2], "device", dv); link(r4, "device", dv)
referral(ops_h4[2], r4, datetime(2017, 8, 1, tzinfo=TZ))
background(r4, 2, datetime(2017, 8, 1, tzinfo=TZ), END)
t0 = datetime(2017, 8, 5, 10, tzinfo=TZ)
msg(ben4, rel4, t0 - timedelta(days=12), "你帮我把钱转过去")
pay(rel4, mids4[0], 6000, t0 - timedelta(days=10), "wechat")
pay(mids4[0], mids4[1], 5700, t0 - timedelta(days=9), "alipay")
pay(mids4[1], org_h4, 5400, t0 - timedelta(days=7), "bank")
victims4 = [pick_shop(cat, exclude=OWNER_SHOPS[ben4]) for _ in range(2)]
for o in ops_h4:
    for v in victims4:
        hired_review(g, o, v, t0 + timedelta(days=R.randint(0, 10), hours=R.randint(0, 12)))
    pay(org_h4, o, 500, t0 + timedelta(days=14), "wechat")
label(rel4, "hired_agents", g, "intermediary")
hired_labels(g, ben4, mids4, org_h4, ops_h4, [r4])
case("H4 hired-relative", "Rival clothing seller's RELATIVE (shares address+phone with the seller) pays -> 2 intermediaries -> "
     "organizer (6000 -> 5700 -> 5400). 3 operatives with heavy camouflage (10 ordinary orders each, ~8 positive "
     "reviews), 6 reviews over 10 days on 2 shops. One operative recruits a relative (referral + shared address + "
     "shared device) who never posts a negative review. The rival's relative is labelled intermediary.")

# ---------------------------------------------------------------- insiders
def legit_negative(sid, t):
    """An ordinary buyer's honest negative review on sid."""
    b = R.choice(buyers)
    oid = order(b, sid, t - timedelta(days=R.randint(4, 10)))
    return review(oid, R.choice([1, 2]), t, R.choice(NEG_TXT))


# I1: employee + spouse proxy, 4 shops, no complaints, owners pay proxy, proxy forwards
g = "insider-proxy"
proxy1 = account("buyer", region="Zhejiang")
ia = new_addr(); iph = new_phone()
link(insider1, "address", ia); link(proxy1, "address", ia)
link(proxy1, "phone", new_phone()); link(insider1, "phone", iph); link(proxy1, "phone", iph)
link(proxy1, "device", new_device())
background(proxy1, 5)
shops_i1 = [pick_shop() for _ in range(4)]
t = datetime(2017, 3, 1, tzinfo=TZ)
for k in range(40):
    sid = shops_i1[k % 4]
    tr = t + timedelta(days=k * 3 + R.random() * 2)
    rid = legit_negative(sid, tr)
    event(rid, "removed", insider1, tr + timedelta(hours=R.randint(6, 72)), reason=R.choice(["违规内容", "恶意评价"]))
    label(rid, "removed_legit", g)
for sid in shops_i1:
    o = SHOP[sid]["ownerId"]
    label(o, "insider", g, "briber")
    for j in range(3):
        pay(o, proxy1, R.choice([1000, 1500, 2000, 3000]), t + timedelta(days=20 + 35 * j + R.randint(0, 5)), "wechat")
    msg(o, proxy1, t + timedelta(days=15), "这个月的")
for j in range(4):
    pay(proxy1, insider1, R.uniform(3000, 6000), t + timedelta(days=40 + 30 * j), "bank")
label(insider1, "insider", g, "employee")
label(proxy1, "insider", g, "proxy")
case("I1 insider-proxy", "Staff removes 40 legitimate negative reviews (ordinary buyers, delivered orders) from 4 shops over "
     "4 months, with NO complaint; owners pay his spouse (shared address + phone) by wechat 12x1000-3000; spouse forwards "
     "4 bank transfers to the employee. He also does normal complaint work.")

# I2: employee, middle man, complaint-backed removals the employee upheld himself
g = "insider-mid"
mid_i2 = agent(region="Zhejiang")
link(mid_i2, "device", new_device())
background(mid_i2, 3)
shops_i2 = [pick_shop() for _ in range(2)]
t = datetime(2017, 5, 1, tzinfo=TZ)
for k in range(12):
    sid = shops_i2[k % 2]
    tr = t + timedelta(days=k * 5)
    rid = legit_negative(sid, tr)
    owner = SHOP[sid]["ownerId"]
    ft = tr + timedelta(hours=R.randint(2, 20))
    cid = complaint(rid, owner, ft, "upheld", insider2, ft + timedelta(minutes=R.randint(3, 15)))
    event(rid, "removed", insider2, ft + timedelta(minutes=R.randint(16, 30)), complaint_id=cid, reason="恶意评价")
    label(rid, "removed_legit", g)
for sid in shops_i2:
    o = SHOP[sid]["ownerId"]
    label(o, "insider", g, "briber")
    for j in range(2):
        tp = t + timedelta(days=15 + 25 * j)
        pay(o, mid_i2, 2500, tp, "alipay")
        pay(mid_i2, insider2, 2300, tp + timedelta(days=1), "bank")
label(insider2, "insider", g, "employee")
label(mid_i2, "insider", g, "intermediary")
case("I2 insider-mid", "Staff removes 12 legitimate negative reviews on 2 shops; each removal is 'complaint-backed' "
     "(owner files, the same employee upholds within 3-15 min and removes). Owners pay an unrelated middle man 4x2500 "
     "(alipay), who forwards 2300 each (bank) to the employee next day.")

# busy moderator trap: spouse gets an order refund from a shop whose complaint he upheld
g = "busy_moderator-1"
spouse = account("buyer", region="Zhejiang")
ba = new_addr(); link(busy_mod, "address", ba); link(spouse, "address", ba); link(spouse, "device", new_device())
upheld_shops = [c for c in recs["complaints"] if c.get("handledById") == busy_mod and c["status"] == "upheld"]
for c in upheld_shops[:3]:
    sid = REVIEWS[c["reviewId"]]["shopId"]
    oid = order(spouse, sid, datetime.fromisoformat(c["resolvedAt"]) + timedelta(days=3))
    pay(SHOP[sid]["ownerId"], spouse, float(ORDERS[oid]["amount"]), datetime.fromisoformat(c["resolvedAt"]) + timedelta(days=8),
        "alipay", memo="退款", order_id=oid)
    ORDERS[oid]["status"] = "refunded"
label(busy_mod, "benign", g, "member")
label(spouse, "benign", g, "member")
case("B busy_moderator-1", "Staff handling ~50%% of all complaints (~%d handled); every removal is backed by an upheld "
     "complaint filed by the owner, resolved after 4-120 h. Spouse (shared address) got 3 ORDER-LINKED refunds from shops "
     "whose complaints he upheld." % sum(1 for c in recs["complaints"] if c.get("handledById") == busy_mod))

# ---------------------------------------------------------------- benign households sharing a device
for k, size in enumerate([4, 3, 5]):
    g = "household-dev-%d" % (k + 1)
    fam = [account("buyer", region="Anhui") for _ in range(size)]
    dd, aa, ii = new_device(), new_addr(), new_ip()
    for a in fam:
        link(a, "device", dd); link(a, "address", aa); link(a, "ip", ii); link(a, "phone", new_phone())
        background(a, R.randint(3, 8))
        label(a, "benign", g, "member")
    for a in fam[1:]:
        referral(fam[0], a, datetime(2016, 6, 1, tzinfo=TZ))
    if k == 0:    # all bought the same bad rice cooker and said so on the same day
        sid = pick_shop("home")
        owner = SHOP[sid]["ownerId"]
        t = datetime(2017, 4, 18, 20, tzinfo=TZ)
        for a in fam:
            oid = order(a, sid, t - timedelta(days=5))
            rid = review(oid, R.choice([1, 2]), t + timedelta(minutes=R.randint(0, 120)), "电饭煲用一次就坏了")
            label(rid, "benign", g, "review")
            msg(owner, a, t + timedelta(hours=3), "亲，非常抱歉，给您退款")
            pay(owner, a, float(ORDERS[oid]["amount"]), t + timedelta(days=1), "alipay", "退款", order_id=oid)
            ORDERS[oid]["status"] = "refunded"
            if R.random() < 0.5:
                event(rid, "revised", a, t + timedelta(days=2), new_rating=3)
        handle_complaint(rid, owner, t)
    elif k == 2:  # several honest negatives on different shops, one dispute
        for a in fam[:3]:
            sid = pick_shop()
            oid = order(a, sid, datetime(2017, 7, 1, tzinfo=TZ) + timedelta(days=R.randint(0, 40)))
            rid = review(oid, 1, datetime.fromisoformat(ORDERS[oid]["placedAt"]) + timedelta(days=4), R.choice(NEG_TXT))
            label(rid, "benign", g, "review")
case("B household-dev-1..3", "3 families (4/3/5) sharing one device + address + home IP + referrals. Family 1 all "
     "panned the same rice cooker shop within 2h, the owner messaged them and refunded through the order, half revised "
     "to 3. Family 3 left honest 1-star reviews on 3 different shops.")
case("B dispute-N", "%d honest disputes in the base data: negative review, buyer<->seller chat, ORDER-LINKED refund "
     "(full or partial), then revised/withdrawn/left." % dispute_n)
case("B compensation-N", "%d hard traps: seller initiates, sends a PRIVATE 10-50 CNY red envelope (no orderId, wechat) and "
     "asks for a better review; buyer revises to 4-5. Benign from the buyer's side (no threat)." % comp_n)

# ---------------------------------------------------------------- write
os.makedirs(OUT, exist_ok=True)
# sort events/messages by time for realism; dedupe links by (account, kind, value)
seen = set()
links = []
for l in recs["links"]:
    k = (l["accountId"], l["kind"], l["value"])
    if k not in seen:
        seen.add(k)
        links.append(l)
recs["links"] = links
seen = set()
labs = []
for l in recs["labels"]:
    k = (l["entityId"], l["label"], l.get("group"), l.get("role"))
    if k not in seen:
        seen.add(k)
        labs.append(l)
recs["labels"] = labs
for kind in ["orders", "payments", "reviews", "messages", "review_events", "complaints"]:
    key = {"orders": "placedAt", "payments": "paidAt", "reviews": "postedAt", "messages": "sentAt",
           "review_events": "at", "complaints": "filedAt"}[kind]
    recs[kind].sort(key=lambda r: r[key])
for kind, rows in recs.items():
    with open(os.path.join(OUT, kind + ".ndjson"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(os.path.join(os.path.dirname(os.path.abspath(OUT)), "cases.json"), "w", encoding="utf-8") as f:
    json.dump(CASES, f, ensure_ascii=False, indent=1)
print({k: len(v) for k, v in recs.items()})
for c, d in CASES:
    print("-", c)
