//! Small helpers: time arithmetic within 2017, hashing, distributions.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Seconds since 2017-01-01T00:00:00+08:00. Every generated time lies in 2017.
pub(crate) type Time = i64;
pub(crate) const MIN: Time = 60;
pub(crate) const HOUR: Time = 3600;
pub(crate) const DAY: Time = 86_400;
/// Last second of 2017 (local time).
pub(crate) const END: Time = 365 * DAY - 1;

/// Day-of-year (0-based) at which each month of 2017 starts.
const MONTH_START: [i64; 13] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/// Time of `month` (1-12), `day` (1-31), `hour`:`minute` in 2017.
pub(crate) const fn at(month: usize, day: i64, hour: i64, minute: i64) -> Time {
    (MONTH_START[month - 1] + day - 1) * DAY + hour * HOUR + minute * MIN
}

/// Format as `2017-MM-DDTHH:MM:SS+08:00` (25 bytes). Times are clamped into 2017.
pub(crate) fn fmt_time(t: Time, out: &mut [u8; 25]) {
    let t = t.clamp(0, END);
    let doy = t / DAY;
    let secs = t % DAY;
    let mut m = 0;
    while MONTH_START[m + 1] <= doy {
        m += 1;
    }
    let d = doy - MONTH_START[m] + 1;
    let (hh, mm, ss) = (secs / HOUR, (secs % HOUR) / MIN, secs % MIN);
    out.copy_from_slice(b"2017-00-00T00:00:00+08:00");
    let two = |o: &mut [u8; 25], i: usize, v: i64| {
        o[i] = b'0' + (v / 10) as u8;
        o[i + 1] = b'0' + (v % 10) as u8;
    };
    two(out, 5, m as i64 + 1);
    two(out, 8, d);
    two(out, 11, hh);
    two(out, 14, mm);
    two(out, 17, ss);
}

/// SplitMix64 finaliser: a good cheap 64-bit mix.
pub(crate) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Hash of (seed, tag, a, b): stable, used for per-account attributes and link values.
pub(crate) fn h(seed: u64, tag: u64, a: u64, b: u64) -> u64 {
    mix(mix(mix(seed ^ tag.wrapping_mul(0xA24B_AED4_963E_E407)) ^ a)
        ^ b.wrapping_mul(0x9FB2_1C65_1E98_DF25))
}

/// Uniform float in [0,1) from a hash.
pub(crate) fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

pub(crate) fn rng_for(seed: u64, tag: u64, idx: u64) -> ChaCha8Rng {
    use rand::SeedableRng;
    ChaCha8Rng::seed_from_u64(h(seed, tag, idx, 0x5EED))
}

/// Standard normal via Box–Muller.
pub(crate) fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(1e-12);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Uniform time in [lo, hi] (returns lo if hi <= lo).
pub(crate) fn between(rng: &mut ChaCha8Rng, lo: Time, hi: Time) -> Time {
    if hi <= lo {
        lo
    } else {
        rng.random_range(lo..=hi)
    }
}

/// Pick index by integer weights.
pub(crate) fn pick_w(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

pub(crate) fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// Binary search in a cumulative-weight table.
pub(crate) fn pick_cum(rng: &mut ChaCha8Rng, cum: &[f64]) -> usize {
    let total = *cum.last().expect("non-empty cumulative table");
    let x = rng.random::<f64>() * total;
    cum.partition_point(|&c| c <= x).min(cum.len() - 1)
}

/// Round a yuan amount to a "human" figure: multiples of 100 above 1000, of 50 above 200.
pub(crate) fn round_yuan(yuan: f64) -> u64 {
    let y = yuan.max(1.0);
    let step = if y >= 1000.0 {
        100.0
    } else if y >= 200.0 {
        50.0
    } else {
        1.0
    };
    ((y / step).round() * step) as u64 * 100
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format() {
        let mut b = [0u8; 25];
        fmt_time(0, &mut b);
        assert_eq!(&b, b"2017-01-01T00:00:00+08:00");
        fmt_time(at(4, 3, 10, 15), &mut b);
        assert_eq!(&b, b"2017-04-03T10:15:00+08:00");
        fmt_time(END, &mut b);
        assert_eq!(&b, b"2017-12-31T23:59:59+08:00");
        fmt_time(at(3, 1, 0, 0) - 1, &mut b);
        assert_eq!(&b, b"2017-02-28T23:59:59+08:00");
    }
}
