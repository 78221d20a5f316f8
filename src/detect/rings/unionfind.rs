//! Disjoint sets over dense `u32` keys (path halving, union by size).

use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct UnionFind {
    parent: HashMap<u32, u32>,
    size: HashMap<u32, u32>,
}

impl UnionFind {
    pub fn find(&mut self, x: u32) -> u32 {
        let mut x = *self.parent.entry(x).or_insert(x);
        loop {
            let p = self.parent[&x];
            if p == x {
                return x;
            }
            let gp = self.parent[&p];
            self.parent.insert(x, gp);
            x = gp;
        }
    }

    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let sa = *self.size.get(&ra).unwrap_or(&1);
        let sb = *self.size.get(&rb).unwrap_or(&1);
        let (big, small) = if sa >= sb { (ra, rb) } else { (rb, ra) };
        self.parent.insert(small, big);
        self.size.insert(big, sa + sb);
    }

    pub fn contains(&self, x: u32) -> bool {
        self.parent.contains_key(&x)
    }

    /// Every set with its members (sorted), in a deterministic order.
    pub fn groups(&mut self) -> Vec<Vec<u32>> {
        let keys: Vec<u32> = self.parent.keys().copied().collect();
        let mut by_root: HashMap<u32, Vec<u32>> = HashMap::new();
        for k in keys {
            let r = self.find(k);
            by_root.entry(r).or_default().push(k);
        }
        let mut out: Vec<Vec<u32>> = by_root
            .into_values()
            .map(|mut v| {
                v.sort_unstable();
                v
            })
            .collect();
        out.sort();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unions_merge_sets() {
        let mut u = UnionFind::default();
        u.union(1, 2);
        u.union(3, 4);
        u.union(2, 4);
        u.find(9);
        assert_eq!(u.find(1), u.find(3));
        assert_eq!(u.groups(), vec![vec![1, 2, 3, 4], vec![9]]);
    }
}
