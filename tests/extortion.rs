//! Extortion incidents over HTTP: complete and partial chains with their times and ties, and
//! the resolved-dispute look-alike kept out.

use crate::common;
use crate::market;

use common::{app, error_code, TestApp};
use market::Market;
use serde_json::{json, Value};

const INCIDENTS: &str = r#"query($minConfidence: Float, $shopId: String, $accountId: String, $from: String, $to: String, $first: Int, $after: String) {
  extortionIncidents(minConfidence: $minConfidence, shopId: $shopId, accountId: $accountId, from: $from, to: $to, first: $first, after: $after) {
    edges { node {
      id confidence complete paymentId
      review { id rating } shop { id } reviewer { id } contact { id } payee { id }
      amount { amount currency }
      reviewedAt contactedAt paidAt retractedAt
      ties { from to kind detail strength }
      reasons
      evidence { edges { kind from to recordId at } }
    } }
    pageInfo { hasNextPage endCursor }
  } }"#;

async fn incidents(app: &TestApp, vars: Value) -> Vec<Value> {
    let d = app.data(INCIDENTS, vars).await;
    d["extortionIncidents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn by_review<'a>(list: &'a [Value], id: &str) -> &'a Value {
    list.iter()
        .find(|i| i["review"]["id"] == id)
        .unwrap_or_else(|| panic!("no incident for {id}: {list:#?}"))
}

async fn load_and_detect(app: &TestApp, m: &Market) {
    app.load(m.data.path()).await.unwrap();
    app.data("mutation { detect { detector found } }", json!({}))
        .await;
}

async fn extortion_only(app: &TestApp, m: &Market) {
    app.load(m.data.path()).await.unwrap();
    app.data(
        "mutation { detect(only: [\"extortion\"]) { detector found } }",
        json!({}),
    )
    .await;
}

/// A crew with three victims, plus a fourth victim paid without any recorded contact.
fn crew_market(name: &str) -> Market {
    let m = Market::new(name);
    m.crew("c", 3, 3);
    m.shop("quiet-owner", "quiet-shop", "tea");
    m.review("c-quiet", "c-op", "quiet-shop", "quiet-owner", 2, 20, 10);
    m.transfer("quiet-pay", "quiet-owner", "c-org", "700.00", 21, 10)
        .withdraw("c-quiet", "c-op", 21, 18);
    m
}

#[tokio::test(flavor = "multi_thread")]
async fn complete_incident_with_every_step() {
    let app = app().await;
    let m = crew_market("ext-complete");
    load_and_detect(&app, &m).await;

    let list = incidents(&app, json!({})).await;
    let i = by_review(&list, "c-r0");
    assert!(i["complete"].as_bool().unwrap());
    assert!(i["confidence"].as_f64().unwrap() >= 0.9, "{i:#?}");
    assert_eq!(i["shop"]["id"], "c-shop0");
    assert_eq!(i["reviewer"]["id"], "c-op");
    assert_eq!(i["contact"]["id"], "c-org");
    assert_eq!(i["payee"]["id"], "c-org");
    assert_eq!(i["paymentId"], "c-pay0");
    assert_eq!(i["amount"], json!({"amount": "800.00", "currency": "CNY"}));
    assert_eq!(i["reviewedAt"], "2017-04-03T02:00:00Z");
    assert_eq!(i["contactedAt"], "2017-04-03T07:00:00Z");
    assert_eq!(i["paidAt"], "2017-04-04T02:00:00Z");
    assert_eq!(i["retractedAt"], "2017-04-04T06:00:00Z");
    let payee_tie = &i["ties"][1];
    assert_eq!(
        (payee_tie["from"].as_str(), payee_tie["to"].as_str()),
        (Some("c-op"), Some("c-org"))
    );
    assert!(
        ["device", "referral"].contains(&payee_tie["kind"].as_str().unwrap()),
        "{payee_tie}"
    );
    let kinds: Vec<&str> = i["evidence"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in ["WROTE", "MESSAGED", "PAID", "RETRACTED"] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
    // the organizer both talked and collected: its tie to the reviewer is stated once
    let reasons: Vec<&str> = i["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    let tie_sentences = reasons
        .iter()
        .filter(|r| r.starts_with("c-org is tied to c-op"))
        .count();
    assert_eq!(tie_sentences, 1, "{reasons:#?}");
    // the recruit shares nothing with the organizer: tied through the ring (or the share)
    let rec = by_review(&list, "c-r2");
    assert_eq!(rec["reviewer"]["id"], "c-rec");
    assert!(
        ["same_ring", "transfer"].contains(&rec["ties"][1]["kind"].as_str().unwrap()),
        "{rec:#?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn partial_incidents_score_lower_and_say_why() {
    let app = app().await;
    let m = crew_market("ext-partial");
    load_and_detect(&app, &m).await;
    let list = incidents(&app, json!({})).await;
    let complete = by_review(&list, "c-r0")["confidence"].as_f64().unwrap();

    let no_withdrawal = by_review(&list, "c-r2");
    assert_eq!(no_withdrawal["reviewer"]["id"], "c-rec");
    assert_eq!(no_withdrawal["complete"], false);
    assert!(no_withdrawal["retractedAt"].is_null());
    let c = no_withdrawal["confidence"].as_f64().unwrap();
    assert!((0.5..complete).contains(&c), "{c}");
    assert!(no_withdrawal["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().contains("has not been withdrawn")));

    let no_contact = by_review(&list, "c-quiet");
    assert!(no_contact["contact"].is_null());
    assert!(no_contact["contactedAt"].is_null());
    assert!(no_contact["confidence"].as_f64().unwrap() < complete);
    assert!(no_contact["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().contains("no message to the owner")));

    // filters
    let strict = incidents(&app, json!({"minConfidence": 0.9})).await;
    assert!(strict.iter().all(|i| i["complete"] == true), "{strict:#?}");
    assert_eq!(incidents(&app, json!({"shopId": "c-shop1"})).await.len(), 1);
    assert_eq!(
        incidents(&app, json!({"accountId": "c-rec"})).await.len(),
        1
    );
    assert_eq!(
        incidents(&app, json!({"accountId": "c-org"})).await.len(),
        list.len()
    );
    assert_eq!(
        incidents(&app, json!({"from": "2017-04-15T00:00:00Z"}))
            .await
            .len(),
        1
    );
    let page = app.data(INCIDENTS, json!({"first": 2})).await;
    assert_eq!(page["extortionIncidents"]["pageInfo"]["hasNextPage"], true);
    let bad = app.gql(INCIDENTS, json!({"minConfidence": -1.0})).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn refund_with_order_is_no_incident() {
    let app = app().await;
    let m = Market::new("ext-refund");
    m.buyers(&["buyer"]);
    m.shop("owner", "shop", "shoes");
    let order = m.review("dr", "buyer", "shop", "owner", 1, 5, 10);
    m.message("dm1", "owner", "buyer", 5, 14)
        .message("dm2", "buyer", "owner", 5, 15)
        .refund("refund", "owner", "buyer", "50.00", &order, 6, 10)
        .revise("dr", "buyer", 4, 6, 12);
    load_and_detect(&app, &m).await;
    assert!(incidents(&app, json!({"minConfidence": 0.0}))
        .await
        .is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn payment_to_an_untied_account_is_no_incident() {
    let app = app().await;
    let m = Market::new("ext-untied");
    m.buyers(&["critic", "stranger"]);
    m.shop("owner", "shop", "shoes");
    m.review("cr", "critic", "shop", "owner", 1, 5, 10);
    m.message("cm", "critic", "owner", 5, 12)
        .transfer("unrelated", "owner", "stranger", "900.00", 6, 10)
        .withdraw("cr", "critic", 6, 12);
    load_and_detect(&app, &m).await;
    assert!(incidents(&app, json!({"minConfidence": 0.0}))
        .await
        .is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_negotiator_tied_to_the_paid_account_completes_the_chain() {
    let app = app().await;
    let m = Market::new("ext-split");
    m.split_crew("s", 2, 3);
    // a fourth party messages another victim's owner: talking to the owner ties nobody
    m.buyers(&["nosy"]);
    m.shop("s-own9", "s-shop9", "tea");
    m.review("s-r9", "s-op", "s-shop9", "s-own9", 1, 20, 10);
    m.message("nosy-m", "nosy", "s-own9", 20, 15)
        .transfer("s-pay9", "s-own9", "s-pay", "900.00", 21, 10)
        .withdraw("s-r9", "s-op", 21, 14)
        .transfer("s-fwd9", "s-pay", "s-org", "700.00", 21, 18);
    // extortion alone: no ring membership to lean on, the ties themselves must carry it
    extortion_only(&app, &m).await;
    let list = incidents(&app, json!({})).await;
    let i = by_review(&list, "s-r0");
    assert_eq!(i["complete"], true, "{i:#}");
    assert!(i["confidence"].as_f64().unwrap() >= 0.85, "{i:#}");
    assert_eq!(i["contact"]["id"], "s-neg");
    assert_eq!(i["payee"]["id"], "s-pay");
    let kinds: Vec<&str> = i["ties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["contact_tied_to_payee:phone", "forwarded_to:s-org"]
    );
    assert!(i["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().contains(
            "s-neg, who messaged the owner, is tied to the paid account s-pay by phone"
        )));
    let untied = by_review(&list, "s-r9");
    assert_eq!(untied["complete"], false);
    assert!(untied["contact"].is_null(), "{untied:#}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_payee_keeps_the_transfers_of_the_incident_window() {
    let app = app().await;
    let m = Market::new("ext-busy");
    m.buyers(&["org", "op", "busy"]);
    m.refer("org", "op", 1);
    // the payee moved money with 400 strangers in January (more than the per-account cap)
    let strangers: Vec<String> = (0..400).map(|i| format!("x{i}")).collect();
    let refs: Vec<&str> = strangers.iter().map(String::as_str).collect();
    m.buyers(&refs);
    for (i, x) in strangers.iter().enumerate() {
        m.data.add(
            "payments",
            &[json!({"id": format!("old{i}"), "fromId": "busy", "toId": x, "amount": "20.00",
                     "paidAt": format!("2017-01-{:02}T10:00:00+08:00", 1 + i % 28), "channel": "wechat"})],
        );
    }
    m.shop("own", "shop", "tea");
    m.review("r", "op", "shop", "own", 1, 10, 10);
    m.message("m", "org", "own", 10, 14)
        .transfer("hush", "own", "busy", "800.00", 11, 10)
        .withdraw("r", "op", 11, 12)
        .transfer("fwd", "busy", "org", "780.00", 11, 20);
    extortion_only(&app, &m).await;
    let list = incidents(&app, json!({})).await;
    let i = by_review(&list, "r");
    assert_eq!(i["payee"]["id"], "busy");
    assert_eq!(i["ties"][1]["kind"], "forwarded_to:org", "{i:#}");
    assert!(
        i["reasons"].as_array().unwrap().iter().any(|r| r
            .as_str()
            .unwrap()
            .starts_with("Only the 300 transfers of busy nearest")),
        "the cut is reported: {i:#}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_freelancer_paid_by_many_shops_collects_no_hush_money() {
    let app = app().await;
    let m = Market::new("ext-freelancer");
    // an ad agency paid by ten sellers; one of its clients, a seller too, pans a shop whose
    // owner then pays the agency and hears from it
    m.buyers(&["agency"]);
    for k in 0..10 {
        let (own, shop) = (format!("client-own{k}"), format!("client-shop{k}"));
        m.shop(&own, &shop, "tea");
        m.transfer(&format!("fee{k}"), &own, "agency", "1500.00", 2 + k, 10);
    }
    m.shop("panned-own", "panned", "tea");
    m.review("rv", "client-own0", "panned", "panned-own", 1, 15, 10);
    m.message("pitch", "agency", "panned-own", 16, 9).transfer(
        "ad-fee",
        "panned-own",
        "agency",
        "2100.00",
        17,
        10,
    );
    load_and_detect(&app, &m).await;
    let list = incidents(&app, json!({"minConfidence": 0.0})).await;
    assert!(list.is_empty(), "{list:#?}");
    app.stop().await;
}

/// A merchant who pays in installments days apart, the review withdrawn only after the last:
/// one incident with the total, every payment in its evidence, and complete (the withdrawal
/// came 12 days after the first payment, past the window counted from it).
#[tokio::test(flavor = "multi_thread")]
async fn hush_money_paid_in_installments_is_one_incident_with_its_total() {
    let app = app().await;
    let m = Market::new("ext-installments");
    m.crew("c", 2, 3);
    m.shop("inst-own", "inst-shop", "tea");
    m.review("c-inst", "c-op", "inst-shop", "inst-own", 1, 12, 10);
    m.message("c-inst-m", "c-org", "inst-own", 12, 15);
    m.transfer("inst-p1", "inst-own", "c-org", "300.00", 13, 10)
        .transfer("inst-p2", "inst-own", "c-org", "300.00", 17, 10)
        .transfer("inst-p3", "inst-own", "c-org", "400.00", 22, 9)
        .withdraw("c-inst", "c-op", 25, 12);
    // a payment to someone else between the installments is not one of them
    m.buyers(&["inst-courier"]);
    m.transfer("inst-other", "inst-own", "inst-courier", "500.00", 18, 10);
    load_and_detect(&app, &m).await;

    let list = incidents(&app, json!({})).await;
    let i = by_review(&list, "c-inst");
    assert!(i["complete"].as_bool().unwrap(), "{i:#}");
    assert_eq!(i["paymentId"], "inst-p1");
    assert_eq!(i["amount"], json!({"amount": "1000.00", "currency": "CNY"}));
    assert!(
        i["paidAt"].as_str().unwrap().starts_with("2017-04-13"),
        "{i:#}"
    );
    assert!(
        i["retractedAt"].as_str().unwrap().starts_with("2017-04-25"),
        "{i:#}"
    );
    let mut paid: Vec<&str> = i["evidence"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "PAID")
        .map(|e| e["recordId"].as_str().unwrap())
        .collect();
    paid.sort_unstable();
    assert_eq!(paid, ["inst-p1", "inst-p2", "inst-p3"], "{i:#}");
    let reasons = i["reasons"].to_string();
    assert!(reasons.contains("2 more installment(s)"), "{reasons}");
    assert!(reasons.contains("1000.00 CNY in all"), "{reasons}");
    // the courier's payment is nobody's hush money
    assert!(
        list.iter().all(|x| x["paymentId"] != "inst-other"),
        "{list:#?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_collector_settling_up_weeks_later_ties_its_takings_to_the_crew() {
    let app = app().await;
    let m = Market::new("ext-settle");
    // the organizer recruited the reviewer; the negotiator shares a phone with the collector
    // account the owner pays; the collector hands its takings to the organizer at month's
    // end, long past any forward window
    m.buyers(&["st-org", "st-op", "st-neg", "st-coll"]);
    m.refer("st-org", "st-op", 1)
        .share("phone", "ph-st", &["st-neg", "st-coll"]);
    m.shop("st-own", "st-shop", "tea");
    m.review("st-r", "st-op", "st-shop", "st-own", 1, 3, 10);
    m.message("st-m", "st-neg", "st-own", 4, 9);
    m.transfer("st-pay", "st-own", "st-coll", "900.00", 5, 10)
        .withdraw("st-r", "st-op", 6, 12);
    m.transfer("st-settle", "st-coll", "st-org", "2500.00", 28, 20);
    // alone, without a ring to tie them
    extortion_only(&app, &m).await;

    let list = incidents(&app, json!({})).await;
    let i = by_review(&list, "st-r");
    assert!(i["complete"].as_bool().unwrap(), "{i:#}");
    assert_eq!(i["payee"]["id"], "st-coll");
    assert_eq!(i["contact"]["id"], "st-neg");
    let settle = i["ties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "settles_with:st-org")
        .unwrap_or_else(|| panic!("no settlement tie: {i:#}"));
    assert_eq!(settle["detail"], "st-settle");
    assert_eq!(settle["strength"], 0.8);
    // the settlement is an evidence edge of its own
    assert!(
        i["evidence"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "PAID"
                && e["from"] == "st-coll"
                && e["to"] == "st-org"
                && e["recordId"] == "st-settle"),
        "{i:#}"
    );
    assert!(i["confidence"].as_f64().unwrap() >= 0.7, "{i:#}");

    // rings count the same payment: the organizer, the reviewer and the collector are a crew
    app.data("mutation { detect { detector found } }", json!({}))
        .await;
    let d = app
        .data(
            "{ rings(first: 5) { edges { node { members { account { id } } } } } }",
            json!({}),
        )
        .await;
    let rings = d["rings"]["edges"].as_array().unwrap();
    let crew = rings
        .iter()
        .find(|r| r.to_string().contains("st-coll"))
        .unwrap_or_else(|| panic!("no ring holds the collector: {d:#}"));
    for who in ["st-org", "st-op"] {
        assert!(crew.to_string().contains(who), "{who} missing: {crew:#}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn stockpiled_reviews_sold_off_weeks_later_are_the_incidents_of_that_deal() {
    let app = app().await;
    let m = Market::new("ext-stock");
    // Two recruits pan the shop on the 2nd and 3rd; a third posts on the 19th; on the 20th
    // the organizer offers to have "them all" removed, is paid, and the two old reviews go.
    m.buyers(&["sk-org", "sk-op0", "sk-op1", "sk-op2"]);
    for op in ["sk-op0", "sk-op1", "sk-op2"] {
        m.refer("sk-org", op, 1);
    }
    m.shop("sk-own", "sk-shop", "tea");
    m.review("sk-r0", "sk-op0", "sk-shop", "sk-own", 1, 2, 19);
    m.review("sk-r1", "sk-op1", "sk-shop", "sk-own", 2, 3, 20);
    m.review("sk-r2", "sk-op2", "sk-shop", "sk-own", 2, 19, 20);
    m.message("sk-m", "sk-org", "sk-own", 20, 10);
    m.transfer("sk-pay", "sk-own", "sk-org", "2000.00", 20, 13)
        .withdraw("sk-r0", "sk-op0", 20, 14)
        .withdraw("sk-r1", "sk-op1", 20, 20);
    // Counter-case: an old review, a contact and a payment weeks later, but the review stays
    // up: nothing ties that payment to it.
    m.buyers(&["sk-buyer"]);
    m.refer("sk-org", "sk-buyer", 1);
    m.shop("sk-own2", "sk-shop2", "tea");
    m.review("sk-r9", "sk-buyer", "sk-shop2", "sk-own2", 1, 2, 10);
    m.message("sk-m9", "sk-org", "sk-own2", 24, 10);
    m.transfer("sk-pay9", "sk-own2", "sk-org", "1500.00", 24, 13);
    extortion_only(&app, &m).await;

    let list = incidents(&app, json!({})).await;
    for (review, withdrawn) in [
        ("sk-r0", "2017-04-20T06:00:00Z"),
        ("sk-r1", "2017-04-20T12:00:00Z"),
    ] {
        let i = by_review(&list, review);
        assert!(i["complete"].as_bool().unwrap(), "{i:#}");
        assert_eq!(i["paymentId"], "sk-pay");
        assert_eq!(i["contact"]["id"], "sk-org");
        assert_eq!(i["payee"]["id"], "sk-org");
        assert_eq!(i["retractedAt"], withdrawn);
        assert!(i["confidence"].as_f64().unwrap() >= 0.9, "{i:#}");
    }
    // The recruit's fresh review stayed up: the payment bought the other two.
    assert!(
        !list.iter().any(|i| i["review"]["id"] == "sk-r2"),
        "{list:#?}"
    );
    assert!(
        !list.iter().any(|i| i["review"]["id"] == "sk-r9"),
        "{list:#?}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crews_small_takings_count_when_they_buy_the_withdrawal_and_goodwill_does_not() {
    let app = app().await;
    let m = Market::new("ext-small");
    m.buyers(&["sm-org", "sm-op", "sm-buyer"]);
    m.refer("sm-org", "sm-op", 1);
    // A crew asking for 60 yuan: the reviewer calls, the organizer is paid, the review goes.
    m.shop("sm-own", "sm-shop", "tea");
    m.review("sm-r", "sm-op", "sm-shop", "sm-own", 1, 3, 10);
    m.message("sm-m", "sm-op", "sm-own", 3, 18);
    m.transfer("sm-pay", "sm-own", "sm-org", "60.00", 4, 10)
        .withdraw("sm-r", "sm-op", 4, 15);
    // The same 60 yuan with the review left up: no incident.
    m.shop("sm-own2", "sm-shop2", "tea");
    m.review("sm-r2", "sm-op", "sm-shop2", "sm-own2", 1, 8, 10);
    m.message("sm-m2", "sm-op", "sm-own2", 8, 18);
    m.transfer("sm-pay2", "sm-own2", "sm-org", "60.00", 9, 10);
    // Goodwill: an owner's 30-yuan red packet to the disappointed buyer, who revises to 4.
    m.shop("sm-own3", "sm-shop3", "tea");
    m.review("sm-r3", "sm-buyer", "sm-shop3", "sm-own3", 2, 12, 10);
    m.message("sm-m3", "sm-buyer", "sm-own3", 12, 12);
    m.transfer("sm-gift", "sm-own3", "sm-buyer", "30.00", 12, 15)
        .revise("sm-r3", "sm-buyer", 4, 12, 20);
    extortion_only(&app, &m).await;

    let list = incidents(&app, json!({"minConfidence": 0.0})).await;
    let i = by_review(&list, "sm-r");
    assert!(i["complete"].as_bool().unwrap(), "{i:#}");
    assert_eq!(i["payee"]["id"], "sm-org");
    assert_eq!(i["amount"]["amount"], "60.00");
    for benign in ["sm-r2", "sm-r3"] {
        assert!(
            !list.iter().any(|i| i["review"]["id"] == benign),
            "{benign}: {list:#?}"
        );
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hush_money_from_the_owners_household_is_the_owners() {
    let app = app().await;
    let m = Market::new("ext-household");
    // the shop's second seller account, on the owner's device, pays the reviewer
    m.shop("hh-own", "hh-shop", "tea");
    m.buyers(&["hh-alt", "hh-op"]);
    m.share("device", "dev-hh", &["hh-own", "hh-alt"]);
    m.review("hh-r", "hh-op", "hh-shop", "hh-own", 1, 3, 10);
    m.message("hh-m", "hh-op", "hh-own", 3, 15);
    m.transfer("hh-pay", "hh-alt", "hh-op", "800.00", 4, 10)
        .withdraw("hh-r", "hh-op", 4, 14);
    // two owners sharing a device are two businesses: one never pays for the other
    m.shop("biz-own", "biz-shop", "tea")
        .shop("peer-own", "peer-shop", "tea");
    m.buyers(&["biz-op"]);
    m.share("device", "dev-biz", &["biz-own", "peer-own"]);
    m.review("biz-r", "biz-op", "biz-shop", "biz-own", 1, 3, 10);
    m.message("biz-m", "biz-op", "biz-own", 3, 15);
    m.transfer("biz-pay", "peer-own", "biz-op", "800.00", 4, 10)
        .withdraw("biz-r", "biz-op", 4, 14);
    extortion_only(&app, &m).await;

    let list = incidents(&app, json!({})).await;
    let i = by_review(&list, "hh-r");
    assert!(i["complete"].as_bool().unwrap(), "{i:#}");
    assert_eq!(i["payee"]["id"], "hh-op");
    assert_eq!(i["paymentId"], "hh-pay");
    let tie = i["ties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "owner_household:device")
        .unwrap_or_else(|| panic!("no household tie: {i:#}"));
    assert_eq!(
        (tie["from"].as_str(), tie["to"].as_str()),
        (Some("hh-own"), Some("hh-alt"))
    );
    assert_eq!(tie["strength"], 1.0);
    let edges = i["evidence"]["edges"].as_array().unwrap();
    let paid = edges.iter().find(|e| e["kind"] == "PAID").unwrap();
    assert_eq!(
        (paid["from"].as_str(), paid["recordId"].as_str()),
        (Some("hh-alt"), Some("hh-pay"))
    );
    for who in ["hh-own", "hh-alt"] {
        assert!(
            edges
                .iter()
                .any(|e| e["kind"] == "USES" && e["from"] == who),
            "{who} USES the device: {edges:#?}"
        );
    }
    assert!(
        i["reasons"].to_string().contains("on the owner's behalf"),
        "{i:#}"
    );
    assert!(
        list.iter().all(|x| x["review"]["id"] != "biz-r"),
        "another owner's payment is no household's: {list:#?}"
    );
    app.stop().await;
}

const ATTEMPTS: &str = r#"query($shopId: String, $accountId: String) {
  extortionAttempts(shopId: $shopId, accountId: $accountId) {
    edges { node {
      id review { id } shop { id } reviewer { id } contact { id } reviewedAt contactedAt
      messageIds incidentIds followUps { id rating } reasons
      evidence { nodes { id label } edges { kind from to recordId at } }
    } }
  } }"#;

async fn attempts(app: &TestApp, vars: Value) -> Vec<Value> {
    let d = app.data(ATTEMPTS, vars).await;
    d["extortionAttempts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crews_demand_an_owner_refused_is_an_attempt_and_a_complaining_buyer_is_not() {
    let app = app().await;
    let m = Market::new("ext-attempt");
    m.crew("c", 2, 3);
    // the crew pans one more shop and demands money; the owner never pays, more reviews come
    m.shop("refuser", "refuser-shop", "tea");
    m.review("c-rx", "c-op", "refuser-shop", "refuser", 1, 12, 10);
    m.message("c-mx", "c-org", "refuser", 12, 16);
    m.review("c-rx2", "c-op", "refuser-shop", "refuser", 2, 14, 10);
    // an owner who pays something privately after the demand did not refuse
    m.shop("payer", "payer-shop", "tea");
    m.review("c-ry", "c-op", "payer-shop", "payer", 1, 16, 10);
    m.message("c-my", "c-org", "payer", 16, 15);
    m.transfer("c-py", "payer", "c-org", "60.00", 17, 10);
    // an ordinary buyer pans a shop and writes to its owner: no extortioner
    m.buyers(&["b1"]);
    m.shop("own-c", "shop-c", "tea");
    m.review("b-r", "b1", "shop-c", "own-c", 1, 12, 10);
    m.message("b-m", "b1", "own-c", 12, 12);
    load_and_detect(&app, &m).await;

    let list = attempts(&app, json!({})).await;
    assert_eq!(list.len(), 1, "{list:#?}");
    let a = &list[0];
    assert_eq!(a["id"], "attempt-c-rx-c-org");
    assert_eq!(a["review"]["id"], "c-rx");
    assert_eq!(a["shop"]["id"], "refuser-shop");
    assert_eq!(a["reviewer"]["id"], "c-op");
    assert_eq!(a["contact"]["id"], "c-org");
    assert_eq!(a["contactedAt"], "2017-04-12T08:00:00Z");
    assert_eq!(a["messageIds"], json!(["c-mx"]));
    assert_eq!(a["followUps"], json!([{"id": "c-rx2", "rating": 2}]));
    // the pair's incident is why it counts
    let known: Vec<&str> = a["incidentIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    let incident = &incidents(&app, json!({"accountId": "c-op"})).await[0];
    assert!(known.contains(&incident["id"].as_str().unwrap()), "{a:#}");
    let reasons = a["reasons"].to_string();
    assert!(
        reasons.contains("Refused") && reasons.contains("c-rx2"),
        "{reasons}"
    );
    let edges = a["evidence"]["edges"].as_array().unwrap();
    assert!(edges
        .iter()
        .any(|e| e["kind"] == "MESSAGED" && e["recordId"] == "c-mx" && e["to"] == "refuser"));

    // filters
    assert_eq!(attempts(&app, json!({"shopId": "shop-c"})).await.len(), 0);
    assert_eq!(attempts(&app, json!({"accountId": "b1"})).await.len(), 0);
    assert_eq!(attempts(&app, json!({"accountId": "c-org"})).await.len(), 1);
    let bad = app.gql(ATTEMPTS, json!({"shopId": "x".repeat(300)})).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT", "{bad}");
    app.stop().await;
}
