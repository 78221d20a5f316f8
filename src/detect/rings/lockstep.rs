//! Lockstep negative reviewing (CopyCatch-style): pairs of accounts that panned the same shops
//! within a short window, on at least two shops. Connected pairs form candidate groups, and
//! FRAUDAR peeling ([`super::peel`]) keeps each group's dense core. A household panning one
//! genuinely bad shop shares a single target and never pairs up.

use super::peel::{self, column_weight};
use super::unionfind::UnionFind;
use crate::detect::victim::VictimSide;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy)]
pub struct LockstepParams {
    /// Two negative reviews of one shop at most this far apart are "in step" (ms).
    pub window_ms: i64,
    /// Distinct shops two accounts must pan in step to pair up.
    pub min_shared_shops: usize,
    /// Smallest group worth peeling.
    pub min_accounts: usize,
    /// Reviews compared per review (bounds work on shops with bursts of reviews).
    pub max_neighbours: usize,
    /// FRAUDAR's `c` in `1 / ln(d + c)`.
    pub weight_c: f64,
    /// Blocks peeled from one connected lockstep group, densest first.
    pub max_blocks_per_group: usize,
}

impl Default for LockstepParams {
    fn default() -> Self {
        LockstepParams {
            window_ms: 7 * 24 * 3600 * 1000,
            min_shared_shops: 2,
            min_accounts: 3,
            max_neighbours: 200,
            weight_c: 5.0,
            max_blocks_per_group: 4,
        }
    }
}

/// A dense lockstep block: accounts, shops, the negative reviews between them, density.
#[derive(Debug, Clone)]
pub struct LockstepBlock {
    pub accounts: Vec<u32>,
    pub shops: Vec<u32>,
    /// Indices into [`VictimSide::negative`].
    pub reviews: Vec<usize>,
    pub density: f64,
    /// Accounts of the same lockstep group peeled away but panning at least two of the
    /// block's shops: they join the ring only when tied to one of its members.
    pub fringe: Vec<u32>,
}

pub fn find(v: &VictimSide, p: &LockstepParams) -> Vec<LockstepBlock> {
    // negative reviews per shop in time order (v.negative is sorted by time)
    let mut by_shop: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, r) in v.negative.iter().enumerate() {
        by_shop.entry(r.shop).or_default().push(i);
    }
    let mut reviewers: HashMap<u32, HashSet<u32>> = HashMap::new();
    // each review's position in its shop's list
    let mut position = vec![0u32; v.negative.len()];
    for (&shop, list) in &by_shop {
        let set = reviewers.entry(shop).or_default();
        for (k, &i) in list.iter().enumerate() {
            position[i] = k as u32;
            set.insert(v.negative[i].author);
        }
    }
    let mut by_author: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, r) in v.negative.iter().enumerate() {
        by_author.entry(r.author).or_default().push(i);
    }
    // Two reviews of one shop are in step when at most max_neighbours apart in the shop's
    // time order and at most window_ms apart in time. Pairs are counted one account at a
    // time, each from its smaller account, so only that account's partners are held: a map
    // of every pair in the graph (3M at a million accounts) cost more than the projection.
    let mut uf = UnionFind::default();
    let mut in_step = 0usize;
    // partner → (last shop counted, distinct shops); the account's reviews are taken shop
    // by shop, so a partner's reviews of one shop are all met before the next shop
    let mut partners: HashMap<u32, (u32, u32)> = HashMap::new();
    for (&a, reviews) in &by_author {
        partners.clear();
        let mut mine = reviews.clone();
        mine.sort_by_key(|&i| v.negative[i].shop);
        for &i in &mine {
            let r = &v.negative[i];
            let list = &by_shop[&r.shop];
            let k = position[i] as usize;
            let later = list[k + 1..]
                .iter()
                .take(p.max_neighbours)
                .take_while(|&&j| v.negative[j].at - r.at <= p.window_ms);
            let earlier = list[..k]
                .iter()
                .rev()
                .take(p.max_neighbours)
                .take_while(|&&j| r.at - v.negative[j].at <= p.window_ms);
            for &j in later.chain(earlier) {
                let b = v.negative[j].author;
                if b <= a {
                    continue;
                }
                let e = partners.entry(b).or_insert((u32::MAX, 0));
                if e.0 != r.shop {
                    *e = (r.shop, e.1 + 1);
                }
            }
        }
        for (&b, &(_, shops)) in &partners {
            if shops as usize >= p.min_shared_shops {
                uf.union(a, b);
                in_step += 1;
            }
        }
    }
    let mut out = Vec::new();
    for group in uf.groups() {
        if group.len() < p.min_accounts {
            continue;
        }
        // columns: shops panned by at least two accounts of the group
        let mut count: HashMap<u32, usize> = HashMap::new();
        for a in &group {
            let shops: HashSet<u32> = by_author[a].iter().map(|&i| v.negative[i].shop).collect();
            for s in shops {
                *count.entry(s).or_default() += 1;
            }
        }
        let mut cols: Vec<u32> = count
            .iter()
            .filter(|(_, &n)| n >= 2)
            .map(|(&s, _)| s)
            .collect();
        cols.sort_unstable();
        let col_index: HashMap<u32, usize> =
            cols.iter().enumerate().map(|(i, &s)| (s, i)).collect();
        let weights: Vec<f64> = cols
            .iter()
            .map(|s| column_weight(reviewers[s].len(), p.weight_c))
            .collect();
        let mut edges = Vec::new();
        let mut edge_reviews = Vec::new();
        for (r, a) in group.iter().enumerate() {
            let mut seen = HashSet::new();
            for &i in &by_author[a] {
                if let Some(&c) = col_index.get(&v.negative[i].shop) {
                    if seen.insert(c) {
                        edges.push((r, c));
                    }
                    edge_reviews.push((r, c, i));
                }
            }
        }
        // FRAUDAR finds the densest block; peel the rest again so a campaign whose reviewers
        // split over popular and less popular rivals is not cut in half
        let mut left: Vec<usize> = (0..group.len()).collect();
        let mut found = 0usize;
        for _ in 0..p.max_blocks_per_group {
            if left.len() < p.min_accounts {
                break;
            }
            let index: HashMap<usize, usize> =
                left.iter().enumerate().map(|(i, &r)| (r, i)).collect();
            let sub: Vec<(usize, usize)> = edges
                .iter()
                .filter_map(|&(r, c)| index.get(&r).map(|&i| (i, c)))
                .collect();
            let block = peel::peel(left.len(), cols.len(), &sub, &weights);
            if block.rows.len() < p.min_accounts || block.cols.len() < p.min_shared_shops {
                break;
            }
            let rows: HashSet<usize> = block.rows.iter().map(|&i| left[i]).collect();
            found += 1;
            let kept_cols: HashSet<usize> = block.cols.iter().copied().collect();
            out.push(LockstepBlock {
                accounts: block.rows.iter().map(|&i| group[left[i]]).collect(),
                shops: block.cols.iter().map(|&c| cols[c]).collect(),
                reviews: edge_reviews
                    .iter()
                    .filter(|(r, c, _)| rows.contains(r) && kept_cols.contains(c))
                    .map(|x| x.2)
                    .collect(),
                density: block.density,
                fringe: Vec::new(),
            });
            left.retain(|r| !rows.contains(r));
        }
        let first_block = out.len() - found;
        for &r in &left {
            let shops: HashSet<usize> = edges.iter().filter(|e| e.0 == r).map(|e| e.1).collect();
            for b in out[first_block..].iter_mut() {
                let cols_b: HashSet<u32> = b.shops.iter().copied().collect();
                let on_block = shops.iter().filter(|&&c| cols_b.contains(&cols[c])).count();
                if on_block >= p.min_shared_shops {
                    b.fringe.push(group[r]);
                    b.reviews.extend(
                        edge_reviews
                            .iter()
                            .filter(|(rr, c, _)| *rr == r && cols_b.contains(&cols[*c]))
                            .map(|x| x.2),
                    );
                    break;
                }
            }
        }
    }
    tracing::debug!(
        in_step_pairs = in_step,
        blocks = out.len(),
        "lockstep blocks"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::victim::{NegativeReview, ShopInfo};

    fn side(reviews: &[(u32, u32, i64)]) -> VictimSide {
        let mut v = VictimSide::default();
        for s in 0..10 {
            v.shops.push(ShopInfo {
                id: format!("s{s}"),
                owner: 1000 + s,
                category: None,
            });
        }
        for (i, &(author, shop, hour)) in reviews.iter().enumerate() {
            v.negative.push(NegativeReview {
                id: format!("r{i}"),
                author,
                shop,
                rating: 1,
                at: hour * 3_600_000,
            });
        }
        v.negative.sort_by_key(|r| r.at);
        v
    }

    #[test]
    fn lockstep_block_found_and_household_ignored() {
        let mut reviews = Vec::new();
        for a in 0..4u32 {
            for s in 0..3u32 {
                reviews.push((a, s, (a + s) as i64));
            }
        }
        // a household: three accounts pan one bad shop
        for a in 10..13u32 {
            reviews.push((a, 5, 1));
        }
        // a stranger panning one of the targets months later
        reviews.push((20, 0, 5000));
        let blocks = find(&side(&reviews), &LockstepParams::default());
        assert_eq!(blocks.len(), 1);
        let mut accounts = blocks[0].accounts.clone();
        accounts.sort_unstable();
        assert_eq!(accounts, vec![0, 1, 2, 3]);
        assert_eq!(blocks[0].shops.len(), 3);
        assert_eq!(blocks[0].reviews.len(), 12);
    }
}
