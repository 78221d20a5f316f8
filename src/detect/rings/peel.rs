//! FRAUDAR greedy peeling (Hooi et al., KDD 2016) on an account × shop bipartite graph of
//! negative reviews. Each edge weighs `1 / ln(d + c)` where `d` is the shop's number of
//! negative reviewers in the whole graph: a shop panned by everyone (a genuinely bad shop)
//! adds little, so honest crowds and camouflage reviews on popular shops cannot hide or fake
//! a dense block. Nodes are removed one at a time by least weighted degree; the densest
//! remaining subgraph (total edge weight / node count) seen along the way is the block.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The column weight of a shop with `degree` negative reviewers.
pub fn column_weight(degree: usize, c: f64) -> f64 {
    1.0 / (degree as f64 + c).ln()
}

/// The densest block: indices of the rows and columns kept, and its density.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    pub density: f64,
}

#[derive(PartialEq)]
struct Entry(f64, usize);
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    // min-heap on weighted degree, then index
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

/// Peels `rows × cols` with `edges` `(row, col)` and per-column weights.
pub fn peel(rows: usize, cols: usize, edges: &[(usize, usize)], col_weight: &[f64]) -> Block {
    let n = rows + cols;
    let mut adj: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut degree = vec![0.0f64; n];
    let mut total = 0.0;
    for &(r, c) in edges {
        let w = col_weight[c];
        adj[r].push((rows + c, w));
        adj[rows + c].push((r, w));
        degree[r] += w;
        degree[rows + c] += w;
        total += w;
    }
    let mut alive = vec![true; n];
    let mut heap: BinaryHeap<Entry> = (0..n).map(|i| Entry(degree[i], i)).collect();
    let mut remaining = n;
    let mut best = (total / n.max(1) as f64, 0usize);
    let mut order = Vec::with_capacity(n);
    while let Some(Entry(d, i)) = heap.pop() {
        if !alive[i] || d != degree[i] {
            continue;
        }
        alive[i] = false;
        order.push(i);
        remaining -= 1;
        total -= degree[i];
        for &(j, w) in &adj[i] {
            if alive[j] {
                degree[j] -= w;
                heap.push(Entry(degree[j], j));
            }
        }
        if remaining > 0 {
            let density = total / remaining as f64;
            if density > best.0 + 1e-12 {
                best = (density, order.len());
            }
        }
    }
    let removed: std::collections::HashSet<usize> = order[..best.1].iter().copied().collect();
    let kept = (0..n).filter(|i| !removed.contains(i));
    let (mut out_r, mut out_c) = (Vec::new(), Vec::new());
    for i in kept {
        if i < rows {
            out_r.push(i);
        } else {
            out_c.push(i - rows);
        }
    }
    Block {
        rows: out_r,
        cols: out_c,
        density: best.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_dense_block_despite_camouflage() {
        // rows 0..4 hit cols 0..3 (dense); rows 4..8 each hit one popular col 3 (camouflage)
        let mut edges = Vec::new();
        for r in 0..4 {
            for c in 0..3 {
                edges.push((r, c));
            }
            edges.push((r, 3));
        }
        for r in 4..8 {
            edges.push((r, 3));
        }
        let w = vec![
            column_weight(4, 5.0),
            column_weight(4, 5.0),
            column_weight(4, 5.0),
            column_weight(300, 5.0),
        ];
        let b = peel(8, 4, &edges, &w);
        assert_eq!(b.rows, vec![0, 1, 2, 3]);
        assert!(b.cols.starts_with(&[0, 1, 2]));
        assert!(b.density > 0.5);
    }

    #[test]
    fn popular_shops_weigh_less() {
        assert!(column_weight(500, 5.0) < column_weight(3, 5.0));
    }
}
