//! Role inference over an expanded neighbourhood (pure: no database). Finds the victim shops
//! and the reviewers attacking them, the organizer who coordinates those reviewers, the cell
//! (reviewers tied to the organizer, plus their recruits), and the time-respecting money chain
//! that funds the organizer from a rival seller of the victims' category.

use super::{money, when, OwnedShop, ReviewRow, Role, Tie, TieKind};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Ratings at or below this are attacks; rating 3 reviews are listed but never decide.
const NEGATIVE: i64 = 2;

pub(crate) struct Input<'a> {
    pub start: &'a str,
    pub start_shop: Option<&'a str>,
    pub ties: &'a [Tie],
    pub reviews: &'a [ReviewRow],
    pub shops: &'a [OwnedShop],
    pub window_ms: i64,
    pub max_hops: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Assigned {
    pub role: Role,
    pub reasons: Vec<String>,
}

#[derive(Debug, Default)]
pub(crate) struct Inferred {
    pub roles: BTreeMap<String, Assigned>,
    pub victim_shops: BTreeSet<String>,
    pub reviews: Vec<String>,
    /// Money chain from the beneficiary to the organizer, in time order.
    pub chain: Vec<Tie>,
    pub summary: Vec<String>,
}

fn coordinates(t: &Tie, x: &str, r: &str) -> bool {
    match t.kind {
        // the organizer pays and recruits; messages count either way
        TieKind::Transfer | TieKind::Referred => t.from == x && t.to == r,
        TieKind::Messaged => (t.from == x && t.to == r) || (t.from == r && t.to == x),
        TieKind::Shares => false,
    }
}

fn tie_phrase(t: &Tie) -> String {
    let at = t.at.map(when).unwrap_or_default();
    match t.kind {
        TieKind::Transfer => format!(
            "{} paid {} to {} on {at} (payment {})",
            t.from,
            money(t.amount.unwrap_or(0), t.currency.as_deref()),
            t.to,
            t.record.as_deref().unwrap_or("?")
        ),
        TieKind::Referred => format!("{} referred {} on {at}", t.from, t.to),
        TieKind::Messaged => format!(
            "{} messaged {} on {at} (message {})",
            t.from,
            t.to,
            t.record.as_deref().unwrap_or("?")
        ),
        TieKind::Shares => format!(
            "{} and {} share a rarely shared {} identifier",
            t.from,
            t.to,
            t.via.as_deref().unwrap_or("household")
        ),
    }
}

fn list(items: &BTreeSet<String>) -> String {
    items.iter().cloned().collect::<Vec<_>>().join(", ")
}

pub(crate) fn infer(inp: &Input<'_>) -> Inferred {
    let mut out = Inferred::default();
    let negative: Vec<&ReviewRow> = inp
        .reviews
        .iter()
        .filter(|r| r.rating <= NEGATIVE)
        .collect();
    let category_of: HashMap<&str, Option<&str>> = inp
        .reviews
        .iter()
        .map(|r| (r.shop_id.as_str(), r.category.as_deref()))
        .collect();
    // 1. candidate victims: shops attacked by two reached accounts, or the start's target
    let mut authors_by_shop: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for r in &negative {
        authors_by_shop
            .entry(&r.shop_id)
            .or_default()
            .insert(&r.author_id);
    }
    let start_categories: BTreeSet<&str> = inp
        .reviews
        .iter()
        .filter(|r| {
            (r.author_id == inp.start && r.rating <= NEGATIVE)
                || Some(r.shop_id.as_str()) == inp.start_shop
        })
        .filter_map(|r| r.category.as_deref())
        .collect();
    let candidate = |shop: &str, authors: usize| {
        (authors >= 2 || Some(shop) == inp.start_shop)
            && (start_categories.is_empty()
                || category_of
                    .get(shop)
                    .copied()
                    .flatten()
                    .is_some_and(|c| start_categories.contains(c)))
    };
    let reviewers: BTreeSet<&str> = negative
        .iter()
        .filter(|r| candidate(&r.shop_id, authors_by_shop[r.shop_id.as_str()].len()))
        .map(|r| r.author_id.as_str())
        .collect();
    // 2. the organizer: the account coordinating the most reviewers
    let mut accounts: BTreeSet<&str> = BTreeSet::new();
    for t in inp.ties {
        accounts.insert(&t.from);
        accounts.insert(&t.to);
    }
    let coordinated = |x: &str| -> BTreeSet<&str> {
        inp.ties
            .iter()
            .filter_map(|t| {
                let r = if t.from == x { &t.to } else { &t.from };
                (r != x && reviewers.contains(r.as_str()) && coordinates(t, x, r))
                    .then_some(r.as_str())
            })
            .collect()
    };
    let best = accounts
        .iter()
        .map(|&x| (x, coordinated(x)))
        .filter(|(_, c)| c.len() >= 2)
        .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.cmp(a.0)));
    let Some((organizer, coordinated_reviewers)) = best else {
        out.summary.push(format!(
            "no account reached from {} coordinates two or more reviewers attacking the same shops",
            inp.start
        ));
        return out;
    };
    // 3. the cell: coordinated reviewers, then reviewers they recruited or live with
    let mut members: BTreeSet<&str> = coordinated_reviewers.clone();
    let mut recruits: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let referred_by_organizer = |x: &str| {
        inp.ties
            .iter()
            .any(|t| t.kind == TieKind::Referred && t.from == organizer && t.to == x)
    };
    loop {
        let mut grew = false;
        for t in inp.ties {
            let pair = match t.kind {
                TieKind::Referred => Some((t.from.as_str(), t.to.as_str())),
                // a shared household identifier has no direction: the recruit is the one
                // the organizer did not refer himself
                TieKind::Shares => {
                    let (a, b) = (t.from.as_str(), t.to.as_str());
                    match (referred_by_organizer(a), referred_by_organizer(b)) {
                        (true, false) => Some((a, b)),
                        (false, true) => Some((b, a)),
                        _ if !members.contains(b) => Some((a, b)),
                        _ if !members.contains(a) => Some((b, a)),
                        _ => None,
                    }
                }
                _ => None,
            };
            let Some((recruiter, recruit)) = pair else {
                continue;
            };
            if recruiter != organizer
                && members.contains(recruiter)
                && reviewers.contains(recruit)
                && recruit != organizer
            {
                recruits
                    .entry(recruit)
                    .or_default()
                    .push(format!("{}; {recruiter} is an operative", tie_phrase(t)));
                grew |= members.insert(recruit);
            }
        }
        if !grew {
            break;
        }
    }
    // 4. victims: shops attacked by two members (or the start's target), and their reviews
    let mut member_authors: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for r in &negative {
        if members.contains(r.author_id.as_str()) {
            member_authors
                .entry(&r.shop_id)
                .or_default()
                .insert(&r.author_id);
        }
    }
    out.victim_shops = member_authors
        .iter()
        .filter(|(s, a)| candidate(s, a.len()))
        .map(|(s, _)| s.to_string())
        .collect();
    let victim_categories: BTreeSet<&str> = out
        .victim_shops
        .iter()
        .filter_map(|s| category_of.get(s.as_str()).copied().flatten())
        .collect();
    let mut attacks: BTreeMap<&str, Vec<&ReviewRow>> = BTreeMap::new();
    for r in inp.reviews {
        if members.contains(r.author_id.as_str()) && out.victim_shops.contains(&r.shop_id) {
            attacks.entry(&r.author_id).or_default().push(r);
            out.reviews.push(r.review_id.clone());
        }
    }
    out.reviews.sort();
    // 5. the money chain into the organizer, backwards in hops and forwards in time
    let victim_owners: HashSet<&str> = inp
        .reviews
        .iter()
        .filter(|r| out.victim_shops.contains(&r.shop_id))
        .map(|r| r.owner_id.as_str())
        .collect();
    let payouts: Vec<i64> = inp
        .ties
        .iter()
        .filter(|t| {
            t.kind == TieKind::Transfer && t.from == organizer && members.contains(t.to.as_str())
        })
        .filter_map(|t| t.at)
        .collect();
    let last_attack = attacks.values().flatten().map(|r| r.posted_at).max();
    let bound = payouts
        .iter()
        .copied()
        .max()
        .or(last_attack)
        .unwrap_or(i64::MAX);
    let rival_shops = |x: &str| -> Vec<&OwnedShop> {
        inp.shops
            .iter()
            .filter(|s| {
                s.owner_id == x
                    && !victim_owners.contains(x)
                    && s.category
                        .as_deref()
                        .is_some_and(|c| victim_categories.contains(c))
            })
            .collect()
    };
    let chain = best_chain(inp, organizer, bound, &members, &rival_shops);
    // 6. roles and reasons
    let victims = list(&out.victim_shops);
    let mut org_reasons = vec![format!(
        "coordinates {} of the accounts that posted negative reviews on victim shops {victims}",
        coordinated_reviewers.len()
    )];
    for t in inp.ties {
        if coordinated_reviewers.contains(t.to.as_str()) && coordinates(t, organizer, &t.to) {
            org_reasons.push(tie_phrase(t));
        }
    }
    if let Some(chain) = chain {
        let ben = chain[0].from.clone();
        let shops = rival_shops(&ben);
        let shop_list: Vec<String> = shops
            .iter()
            .map(|s| {
                format!(
                    "{} in category {}",
                    s.shop_id,
                    s.category.as_deref().unwrap_or("?")
                )
            })
            .collect();
        let mut reasons = vec![format!(
            "{} and owns shop {}, the same category as victim shops {victims}",
            tie_phrase(&chain[0]),
            shop_list.join(", ")
        )];
        if chain.len() > 1 {
            reasons.push(format!(
                "the money reached organizer {organizer} through {} intermediary account(s), each transfer after the one funding it",
                chain.len() - 1
            ));
        }
        out.roles.insert(
            ben,
            Assigned {
                role: Role::Beneficiary,
                reasons,
            },
        );
        for w in chain.windows(2) {
            out.roles.insert(
                w[0].to.clone(),
                Assigned {
                    role: Role::Intermediary,
                    reasons: vec![
                        format!("{}", tie_phrase(&w[0])),
                        format!("then {}", tie_phrase(&w[1])),
                    ],
                },
            );
        }
        org_reasons.push(format!(
            "funded by {}",
            tie_phrase(chain.last().expect("chain is never empty"))
        ));
        out.chain = chain;
    }
    out.roles.insert(
        organizer.to_string(),
        Assigned {
            role: Role::Organizer,
            reasons: org_reasons,
        },
    );
    for m in &members {
        let mut reasons: Vec<String> = attacks
            .get(m)
            .into_iter()
            .flatten()
            .map(|r| {
                format!(
                    "posted review {} (rating {}) on victim shop {} on {}",
                    r.review_id,
                    r.rating,
                    r.shop_id,
                    when(r.posted_at)
                )
            })
            .collect();
        let role = match recruits.get(m) {
            Some(why) => {
                reasons.extend(why.iter().cloned());
                Role::Recruit
            }
            None => {
                reasons.extend(
                    inp.ties
                        .iter()
                        .filter(|t| coordinates(t, organizer, m))
                        .map(tie_phrase),
                );
                Role::Operative
            }
        };
        out.roles
            .entry(m.to_string())
            .or_insert(Assigned { role, reasons });
    }
    out.summary.push(format!(
        "organizer {organizer} coordinates {} reviewer(s) attacking {} victim shop(s): {victims}",
        members.len(),
        out.victim_shops.len()
    ));
    if let Some(ben) = out.chain.first() {
        out.summary.push(format!(
            "beneficiary {} funded the campaign: {} hop(s) of money, forward in time",
            ben.from,
            out.chain.len()
        ));
    }
    out
}

/// The best time-respecting chain of private transfers ending at the organizer whose head
/// owns a rival shop: each transfer happened before (and within the window of) the next.
/// Ranked by the smallest amount along the chain (campaign budgets are large), then by
/// fewer hops.
fn best_chain<'a>(
    inp: &'a Input<'_>,
    organizer: &str,
    bound: i64,
    members: &BTreeSet<&str>,
    rival_shops: &dyn Fn(&str) -> Vec<&'a OwnedShop>,
) -> Option<Vec<Tie>> {
    let mut into: HashMap<&str, Vec<&Tie>> = HashMap::new();
    for t in inp.ties.iter().filter(|t| t.kind == TieKind::Transfer) {
        into.entry(t.to.as_str()).or_default().push(t);
    }
    let mut best: Option<(i64, usize, Vec<Tie>)> = None;
    let mut path: Vec<&Tie> = Vec::new();
    #[allow(clippy::too_many_arguments)]
    fn walk<'t>(
        node: &str,
        bound: i64,
        inp: &Input<'_>,
        into: &HashMap<&str, Vec<&'t Tie>>,
        members: &BTreeSet<&str>,
        organizer: &str,
        path: &mut Vec<&'t Tie>,
        best: &mut Option<(i64, usize, Vec<Tie>)>,
        is_rival: &dyn Fn(&str) -> bool,
    ) {
        for t in into.get(node).into_iter().flatten() {
            let Some(at) = t.at else { continue };
            let from = t.from.as_str();
            if at > bound
                || bound.saturating_sub(at) > inp.window_ms
                || from == organizer
                || members.contains(from)
                || path.iter().any(|p| p.to == from)
            {
                continue;
            }
            path.push(t);
            if is_rival(from) {
                let chain: Vec<Tie> = path.iter().rev().map(|t| (*t).clone()).collect();
                let low = chain.iter().filter_map(|t| t.amount).min().unwrap_or(0);
                let better = best.as_ref().is_none_or(|(l, n, _)| {
                    (low, std::cmp::Reverse(chain.len())) > (*l, std::cmp::Reverse(*n))
                });
                if better {
                    *best = Some((low, chain.len(), chain));
                }
            }
            if path.len() < inp.max_hops {
                walk(
                    from, at, inp, into, members, organizer, path, best, is_rival,
                );
            }
            path.pop();
        }
    }
    let is_rival = |x: &str| !rival_shops(x).is_empty();
    walk(
        organizer, bound, inp, &into, members, organizer, &mut path, &mut best, &is_rival,
    );
    best.map(|(_, _, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;

    fn tie(from: &str, to: &str, kind: TieKind, at: i64, amount: Option<i64>) -> Tie {
        Tie {
            from: from.into(),
            to: to.into(),
            kind,
            record: Some(format!("{from}-{to}")),
            amount,
            currency: amount.map(|_| "CNY".into()),
            at: Some(at),
            via: None,
        }
    }

    fn review(author: &str, shop: &str, day: i64) -> ReviewRow {
        ReviewRow {
            author_id: author.into(),
            review_id: format!("r-{author}-{shop}"),
            rating: 1,
            posted_at: day * DAY,
            shop_id: shop.into(),
            category: Some("tea".into()),
            owner_id: format!("o-{shop}"),
        }
    }

    fn shop(owner: &str, id: &str) -> OwnedShop {
        OwnedShop {
            owner_id: owner.into(),
            shop_id: id.into(),
            category: Some("tea".into()),
        }
    }

    fn infer_with(ties: &[Tie]) -> Inferred {
        let reviews = vec![
            review("op1", "v1", 5),
            review("op1", "v2", 5),
            review("op2", "v1", 6),
            review("op2", "v2", 6),
        ];
        let shops = vec![shop("ben", "s-ben"), shop("o-v1", "v1")];
        infer(&Input {
            start: "op1",
            start_shop: None,
            ties,
            reviews: &reviews,
            shops: &shops,
            window_ms: 30 * DAY,
            max_hops: 4,
        })
    }

    fn role(inf: &Inferred, id: &str) -> Option<Role> {
        inf.roles.get(id).map(|a| a.role)
    }

    #[test]
    fn forward_chain_names_beneficiary_intermediary_and_organizer() {
        let ties = [
            tie("ben", "mule", TieKind::Transfer, DAY, Some(500_000)),
            tie("mule", "org", TieKind::Transfer, 2 * DAY, Some(490_000)),
            tie("org", "op1", TieKind::Transfer, 8 * DAY, Some(10_000)),
            tie("org", "op2", TieKind::Referred, 0, None),
        ];
        let inf = infer_with(&ties);
        assert_eq!(role(&inf, "ben"), Some(Role::Beneficiary));
        assert_eq!(role(&inf, "mule"), Some(Role::Intermediary));
        assert_eq!(role(&inf, "org"), Some(Role::Organizer));
        assert_eq!(role(&inf, "op2"), Some(Role::Operative));
        assert_eq!(inf.chain.len(), 2);
        assert_eq!(inf.victim_shops.len(), 2);
    }

    #[test]
    fn backward_chain_is_not_a_lineage() {
        let ties = [
            tie("ben", "mule", TieKind::Transfer, 3 * DAY, Some(500_000)),
            tie("mule", "org", TieKind::Transfer, 2 * DAY, Some(490_000)),
            tie("org", "op1", TieKind::Transfer, 8 * DAY, Some(10_000)),
            tie("org", "op2", TieKind::Transfer, 8 * DAY, Some(10_000)),
        ];
        let inf = infer_with(&ties);
        assert_eq!(role(&inf, "org"), Some(Role::Organizer));
        assert_eq!(role(&inf, "ben"), None);
        assert_eq!(role(&inf, "mule"), None);
    }

    #[test]
    fn no_coordinator_no_roles() {
        let ties = [tie("x", "op1", TieKind::Messaged, DAY, None)];
        let inf = infer_with(&ties);
        assert!(inf.roles.is_empty());
        assert!(inf.summary[0].contains("no account"));
    }
}
