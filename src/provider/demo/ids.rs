//! Ids in AWS's formats, derived from names so the demo is the same on every
//! run.

use std::collections::HashSet;

/// A 64-bit FNV-1a hash: stable across builds and platforms.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// `len` lowercase letters and digits drawn from `seed`.
fn base36(mut seed: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..len)
        .map(|_| {
            let c = ALPHABET[(seed % 36) as usize] as char;
            seed = (seed / 36) ^ seed.rotate_left(17);
            c
        })
        .collect()
}

/// `ou-` + the root's suffix + 8 characters, as AWS forms them.
pub fn organizational_unit_id(root_suffix: &str, path: &str) -> String {
    format!("ou-{root_suffix}-{}", base36(fnv1a(path), 8))
}

/// `p-` + 8 characters.
pub fn policy_id(name: &str) -> String {
    format!("p-{}", base36(fnv1a(name), 8))
}

/// `h-` + 12 characters; AWS's handshake ids are 8 to 32.
pub fn handshake_id(seed: &str) -> String {
    format!("h-{}", base36(fnv1a(seed), 12))
}

/// A request id shaped like AWS's, a version 4 UUID, drawn from `seed`.
pub fn request_id(seed: &str) -> String {
    let high = fnv1a(seed);
    let low = fnv1a(&format!("{seed}/request"));
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        0x4000 | (high & 0x0fff),
        0x8000 | ((low >> 48) & 0x3fff),
        low & 0xffff_ffff_ffff
    )
}

/// Hands out unique 12-digit account ids.
#[derive(Debug, Default)]
pub struct AccountIds {
    taken: HashSet<String>,
}

impl AccountIds {
    /// `given` when the description names an id, otherwise one derived from
    /// `name`, moved on until it is unique.
    pub fn take(&mut self, given: Option<&str>, name: &str) -> String {
        if let Some(id) = given {
            self.taken.insert(id.to_string());
            return id.to_string();
        }
        let mut number = fnv1a(name) % 900_000_000_000 + 100_000_000_000;
        while !self.taken.insert(number.to_string()) {
            number = (number + 1) % 1_000_000_000_000;
        }
        number.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_shapes() {
        let ou = organizational_unit_id("nw7k", "Security");
        assert!(ou.starts_with("ou-nw7k-") && ou.len() == "ou-nw7k-".len() + 8);
        let policy = policy_id("DenyRootUser");
        assert!(policy.starts_with("p-") && policy.len() == 10);
        let mut accounts = AccountIds::default();
        let id = accounts.take(None, "prod-web");
        assert_eq!(id.len(), 12);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn handshake_and_request_ids_have_aws_shapes() {
        let handshake = handshake_id("583920174466#0");
        assert!(handshake.starts_with("h-") && handshake.len() == 14);
        let suffix = &handshake[2..];
        assert!(
            suffix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );

        let request = request_id("0:MoveAccount");
        let groups: Vec<usize> = request.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&request[14..15], "4");
        assert_eq!(request, request_id("0:MoveAccount"));
        assert_ne!(request, request_id("1:MoveAccount"));
    }

    #[test]
    fn account_ids_never_repeat() {
        let mut accounts = AccountIds::default();
        let first = accounts.take(None, "same");
        let second = accounts.take(None, "same");
        assert_ne!(first, second);
    }
}
