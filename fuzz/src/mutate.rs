//! Seeded mutations of byte strings, for the stable smoke runner: the usual havoc of a fuzzer
//! (bit flips, byte values, boundary integers, insertions, deletions, duplications, splices)
//! without coverage feedback.

/// xorshift64*: small, fast, and the same sequence for a seed everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value).
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// Integers at the edges of what length and offset fields can hold.
const INTERESTING: [u32; 12] = [0, 1, 2, 3, 4, 16, 255, 256, 0x7fff, 0xffff, 0x7fff_ffff, 0xffff_ffff];

/// Applies one to four random edits to `data`, using `other` for splices.
pub fn mutate(data: &mut Vec<u8>, other: &[u8], rng: &mut Rng) {
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = rng.next_u64() as u8;
            }
            2 if len >= 4 => {
                // A boundary value written little-endian, 4-byte aligned half of the time.
                let mut i = rng.below(len - 3);
                if rng.below(2) == 0 {
                    i &= !3;
                }
                let v = INTERESTING[rng.below(INTERESTING.len())];
                data[i..i + 4].copy_from_slice(&v.to_le_bytes());
            }
            3 => {
                let at = rng.below(len + 1);
                let count = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..count).map(|_| rng.next_u64() as u8).collect();
                data.splice(at..at, bytes);
            }
            4 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(16)).min(len);
                data.drain(at..end);
            }
            5 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(32)).min(len);
                let copy = data[at..end].to_vec();
                let to = rng.below(len + 1);
                data.splice(to..to, copy);
            }
            6 if !other.is_empty() => {
                let at = rng.below(len + 1);
                let from = rng.below(other.len());
                let end = (from + 1 + rng.below(64)).min(other.len());
                data.truncate(at);
                data.extend_from_slice(&other[from..end]);
            }
            7 if len > 0 => data.truncate(rng.below(len)),
            _ => {
                // A text-shaped edit: structure characters of CSV and JSON.
                const PUNCT: &[u8] = b",;\t\n\r\"'{}[]:0-9.eE\\\xef\xbb\xbf";
                let at = rng.below(len + 1);
                data.insert(at, PUNCT[rng.below(PUNCT.len())]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_mutations() {
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let mut d = b"hello, world".to_vec();
            for _ in 0..50 {
                mutate(&mut d, b"other bytes", &mut rng);
            }
            d
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
    }
}
