//! A minimal POSIX ustar writer for evidence bundles: regular files only, fixed owner,
//! mode and time, in the order given. Written here rather than taken from a crate because
//! the bundle's one hard requirement is byte-for-byte determinism, which this guarantees by
//! construction (no host uid/gid/user names, no clock, no directory walk), and because the
//! format is 512-byte blocks that `tar`, 7-Zip and every archive tool read. Uncompressed,
//! so a hash of the archive is a hash of plain bytes.

const BLOCK: usize = 512;

/// Appends one file. `name` must be ASCII and at most 100 bytes; `mtime` is seconds since
/// the epoch.
pub fn append(out: &mut Vec<u8>, name: &str, data: &[u8], mtime: i64) {
    assert!(
        name.is_ascii() && !name.is_empty() && name.len() <= 100,
        "tar name {name:?}"
    );
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut h[100..108], 0o644);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], data.len() as u64);
    octal(&mut h[136..148], mtime.max(0) as u64);
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| b as u32).sum();
    let chk = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(chk.as_bytes());
    out.extend_from_slice(&h);
    out.extend_from_slice(data);
    let pad = (BLOCK - data.len() % BLOCK) % BLOCK;
    out.extend(std::iter::repeat_n(0u8, pad));
}

/// Ends the archive (two zero blocks).
pub fn finish(out: &mut Vec<u8>) {
    out.extend(std::iter::repeat_n(0u8, 2 * BLOCK));
}

/// Zero-padded octal, NUL-terminated, filling `field`.
fn octal(field: &mut [u8], v: u64) {
    let digits = field.len() - 1;
    let s = format!("{v:0digits$o}");
    field[..digits].copy_from_slice(&s.as_bytes()[s.len() - digits..]);
    field[digits] = 0;
}

/// Reads back `(name, data)` of every file: for tests and the CLI's self-check.
pub fn entries(tar: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + BLOCK <= tar.len() {
        let h = &tar[at..at + BLOCK];
        if h.iter().all(|&b| b == 0) {
            break;
        }
        let name_end = h[..100].iter().position(|&b| b == 0).unwrap_or(100);
        let name = String::from_utf8_lossy(&h[..name_end]).into_owned();
        let size_txt = String::from_utf8_lossy(&h[124..135])
            .trim_matches(char::from(0))
            .trim()
            .to_string();
        let size = u64::from_str_radix(&size_txt, 8).unwrap_or(0) as usize;
        at += BLOCK;
        out.push((name, tar[at..(at + size).min(tar.len())].to_vec()));
        at += size.div_ceil(BLOCK) * BLOCK;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_pads_to_blocks() {
        let mut t = Vec::new();
        append(&mut t, "a.txt", b"hello", 1_500_000_000);
        append(&mut t, "empty", b"", 0);
        finish(&mut t);
        assert_eq!(t.len() % BLOCK, 0);
        assert_eq!(t.len(), 512 + 512 + 512 + 1024);
        let e = entries(&t);
        assert_eq!(
            e,
            vec![
                ("a.txt".into(), b"hello".to_vec()),
                ("empty".into(), vec![])
            ]
        );
        // checksum field: six octal digits, NUL, space
        assert_eq!(t[148 + 6], 0);
        assert_eq!(t[148 + 7], b' ');
    }

    #[test]
    fn tar_reads_it_when_available() {
        let Ok(tar) = std::process::Command::new("tar").arg("--version").output() else {
            return;
        };
        if !tar.status.success() {
            return;
        }
        let dir = std::env::temp_dir().join(format!("investigator-tar-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut t = Vec::new();
        append(&mut t, "manifest.json", b"{}\n", 1_700_000_000);
        finish(&mut t);
        let file = dir.join("b.tar");
        std::fs::write(&file, &t).unwrap();
        let listed = std::process::Command::new("tar")
            .arg("-tvf")
            .arg(&file)
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            listed.status.success(),
            "{}",
            String::from_utf8_lossy(&listed.stderr)
        );
        assert!(String::from_utf8_lossy(&listed.stdout).contains("manifest.json"));
    }
}
