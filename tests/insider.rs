//! Insider rating-removal tracing over HTTP: an employee paid by two shop owners (one directly,
//! one through a relative sharing the employee's phone) who removed legitimate negative
//! reviews of their shops, against a busy moderator whose removals are complaint-backed,
//! spread over many shops and unpaid.

use crate::common;

use common::{app, error_code, t, Dataset};
use serde_json::{json, Value};

pub(crate) fn removals(name: &str) -> Dataset {
    let d = Dataset::new(name);
    let mut accounts = vec![
        json!({"id":"a-emp","role":"staff"}),
        json!({"id":"a-busy","role":"staff"}),
        json!({"id":"a-desk","role":"staff"}),
        json!({"id":"a-proxy","role":"buyer"}),
    ];
    let mut shops = Vec::new();
    for k in 1..=8 {
        accounts.push(json!({"id": format!("a-o{k}"), "role":"seller"}));
        shops.push(json!({"id": format!("s-{k}"), "ownerId": format!("a-o{k}"), "name": format!("shop {k}"), "category":"tea"}));
    }
    for k in 0..20 {
        accounts.push(json!({"id": format!("a-b{k}"), "role":"buyer"}));
    }
    d.add("accounts", &accounts);
    d.add("shops", &shops);
    d.add(
        "links",
        &[
            json!({"accountId":"a-emp","kind":"phone","value":"tel:family"}),
            json!({"accountId":"a-proxy","kind":"phone","value":"tel:family"}),
        ],
    );
    // (buyer, shop, removed by, day, complaint: None | Some((status, handler)), text)
    type Case = (
        u32,
        u32,
        &'static str,
        u32,
        Option<(&'static str, &'static str)>,
        &'static str,
    );
    let mut cases: Vec<Case> = Vec::new();
    for k in 0..3 {
        cases.push((k, 1, "a-emp", 10 + k, None, "fake goods, broke in a day"));
        cases.push((k + 3, 2, "a-emp", 10 + k, None, "not as described"));
    }
    for k in 0..8 {
        let handler = if k % 2 == 0 { "a-desk" } else { "a-busy" };
        let text = if k == 1 {
            "老板是个王八蛋，退款拖了一个月"
        } else {
            "slow delivery"
        };
        cases.push((
            6 + k,
            3 + k % 6,
            "a-busy",
            5 + k,
            Some(("upheld", handler)),
            text,
        ));
    }
    let (mut orders, mut payments, mut reviews, mut complaints, mut events) =
        (vec![], vec![], vec![], vec![], vec![]);
    for (i, (buyer, shop, actor, day, complaint, text)) in cases.iter().enumerate() {
        let (b, s, o) = (format!("a-b{buyer}"), format!("s-{shop}"), format!("o-{i}"));
        orders.push(json!({"id": o, "buyerId": b, "shopId": s, "amount":"80.00","placedAt":t(1,10),"status":"delivered"}));
        payments.push(json!({"id": format!("p-o{i}"), "fromId": b, "toId": format!("a-o{shop}"), "amount":"80.00","paidAt":t(1,10),"orderId": o}));
        let r = format!("r-{i}");
        reviews.push(json!({"id": r, "orderId": o, "authorId": b, "shopId": s, "rating": 1, "text": text, "postedAt": t(3, 9)}));
        let mut ev = json!({"id": format!("e-{i}"), "reviewId": r, "action":"removed", "actorId": actor, "at": t(*day, 15), "reason":"spam"});
        if let Some((status, handler)) = complaint {
            let c = format!("c-{i}");
            complaints.push(json!({"id": c, "reviewId": r, "filedById": format!("a-o{shop}"), "filedAt": t(4, 9), "status": status, "handledById": handler, "resolvedAt": t(*day, 14)}));
            ev["complaintId"] = json!(c);
        }
        events.push(ev);
    }
    payments.push(json!({"id":"p-direct","fromId":"a-o1","toId":"a-emp","amount":"5000.00","paidAt":t(9,20),"channel":"wechat"}));
    payments.push(json!({"id":"p-proxy","fromId":"a-o2","toId":"a-proxy","amount":"3000.00","paidAt":t(10,8),"channel":"alipay"}));
    d.add("orders", &orders)
        .add("payments", &payments)
        .add("reviews", &reviews)
        .add("complaints", &complaints)
        .add("review_events", &events);
    d
}

const SUSPECTS: &str = r#"query($min: Float) { insiderSuspects(minScore: $min, first: 10) { edges { node {
    employee { id role } score removalsTotal removalsLegitimate
    shopsBenefited { shop { id } removals } moneyTraced { amount currency } reasons
    evidence { edges { from to kind recordId amount } }
} } } }"#;

async fn detect(app: &common::TestApp) {
    let d = app
        .data(
            r#"mutation { detect(only: ["insider"]) { detector found } }"#,
            json!({}),
        )
        .await;
    assert_eq!(d["detect"][0]["found"], 1, "{d}");
}

fn nodes(d: &Value) -> Vec<Value> {
    d["insiderSuspects"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn paid_employee_ranks_first_with_money_and_chains() {
    let app = app().await;
    let d = removals("insider-paid");
    app.load(d.path()).await.unwrap();
    detect(&app).await;
    let list = nodes(&app.data(SUSPECTS, json!({})).await);
    assert_eq!(
        list.len(),
        1,
        "only the paid employee is a suspect: {list:#?}"
    );
    let s = &list[0];
    assert_eq!(s["employee"]["id"], "a-emp");
    assert!(s["score"].as_f64().unwrap() >= 0.8, "{s:#}");
    assert_eq!(
        (
            s["removalsTotal"].as_i64(),
            s["removalsLegitimate"].as_i64()
        ),
        (Some(6), Some(6))
    );
    assert_eq!(
        s["moneyTraced"],
        json!({"amount": "8000.00", "currency": "CNY"})
    );
    assert_eq!(
        s["shopsBenefited"],
        json!([{"shop": {"id": "s-1"}, "removals": 3}, {"shop": {"id": "s-2"}, "removals": 3}])
    );
    let edges = s["evidence"]["edges"].as_array().unwrap();
    let has = |from: &str, to: &str, kind: &str| {
        edges
            .iter()
            .any(|e| e["from"] == from && e["to"] == to && e["kind"] == kind)
    };
    assert!(has("a-o1", "a-emp", "TRANSFER"), "direct payment");
    assert!(has("a-o2", "a-proxy", "TRANSFER"), "payment to the proxy");
    assert!(
        has("a-emp", "a-proxy", "SHARES_IDENTIFIER"),
        "the proxy tie"
    );
    assert!(has("a-emp", "r-0", "REMOVED") && has("r-0", "s-1", "ABOUT"));
    let reasons = s["reasons"].as_array().unwrap();
    assert!(
        reasons.iter().any(|r| r
            .as_str()
            .unwrap()
            .contains("a-o2 paid 3000.00 CNY to a-proxy (shares a phone with a-emp)")),
        "{reasons:#?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn busy_moderator_with_complaint_backed_removals_is_below_threshold() {
    let app = app().await;
    let d = removals("insider-busy");
    app.load(d.path()).await.unwrap();
    detect(&app).await;
    let list = nodes(&app.data(SUSPECTS, json!({"min": 0.0})).await);
    let ids: Vec<&str> = list
        .iter()
        .map(|s| s["employee"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["a-emp", "a-busy"], "ranked by score");
    let busy = &list[1];
    assert!(busy["score"].as_f64().unwrap() < 0.5, "{busy:#}");
    assert_eq!(busy["removalsTotal"], 8);
    // upheld by another employee (4) or abusive (1) is not legitimate feedback
    assert_eq!(busy["removalsLegitimate"], 3);
    assert_eq!(busy["moneyTraced"]["amount"], "0.00");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn removal_trace_pages_through_every_removal_with_verdicts() {
    let app = app().await;
    let d = removals("insider-trace");
    app.load(d.path()).await.unwrap();
    detect(&app).await;
    let q = r#"query($id: String!, $after: String) { removalTrace(employeeId: $id, first: 4, after: $after) {
        employee { id } suspect { score } removalsTotal removalsLegitimate proxies
        payments { from via to paymentId amount { amount } }
        moneyTraced { amount } shopsBenefited { shop { id } removals }
        removals { edges { node { eventId legitimate reasons review { id rating } } }
                   pageInfo { hasNextPage endCursor } } } }"#;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let d = app.data(q, json!({"id": "a-emp", "after": after})).await;
        let tr = &d["removalTrace"];
        assert_eq!(tr["removalsTotal"], 6);
        assert_eq!(tr["proxies"], json!(["a-proxy"]));
        assert_eq!(tr["moneyTraced"]["amount"], "8000.00");
        assert_eq!(tr["payments"].as_array().unwrap().len(), 2);
        assert!(tr["suspect"]["score"].as_f64().unwrap() >= 0.5);
        for e in tr["removals"]["edges"].as_array().unwrap() {
            assert_eq!(e["node"]["legitimate"], true, "{e}");
            assert!(e["node"]["reasons"][0].as_str().is_some());
            seen.push(e["node"]["eventId"].as_str().unwrap().to_string());
        }
        if tr["removals"]["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = tr["removals"]["pageInfo"]["endCursor"].clone();
    }
    seen.sort();
    assert_eq!(seen, vec!["e-0", "e-1", "e-2", "e-3", "e-4", "e-5"]);
    // the busy moderator's abusive removal carries its verdict and reason
    let d = app.data(q, json!({"id": "a-busy", "after": null})).await;
    let removals = d["removalTrace"]["removals"]["edges"].as_array().unwrap();
    let abusive = removals
        .iter()
        .find(|e| e["node"]["eventId"] == "e-7")
        .unwrap();
    assert_eq!(abusive["node"]["legitimate"], false);
    assert!(abusive["node"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "the text is abusive (\"王八蛋\")"));
    // errors
    let body = app.gql(q, json!({"id": "a-nobody"})).await;
    assert_eq!(error_code(&body), "NOT_FOUND");
    let body = app.gql(q, json!({"id": "a-b1"})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let body = app.gql(SUSPECTS, json!({"min": 1.5})).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    app.stop().await;
}
