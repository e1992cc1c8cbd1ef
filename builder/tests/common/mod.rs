//! What the CLI tests share: running the binary, small inputs, a scratch folder per case, and
//! a map folder's bytes.
#![allow(dead_code)] // each test binary uses its own part of these

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn starmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_starmap")).args(args).output().expect("run starmap")
}

pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// A small valid interactions file: 30 entities in 3 groups, 120 contexts.
pub fn good_rows() -> String {
    rows(120, 3, 10)
}

/// `users` contexts of 6 items each, drawn from one of `groups` groups of `size` items.
pub fn rows(users: usize, groups: usize, size: usize) -> String {
    let mut s = String::from("user,item,plays\n");
    for u in 0..users {
        let group = u % groups;
        for k in 0..6 {
            let item = group * size + (u * 7 + k * 3 + u / groups) % size;
            s.push_str(&format!("u{u},i{item},{}\n", 1 + (u + k) % 5));
        }
    }
    s
}

pub struct Case {
    pub dir: tempfile::TempDir,
}

impl Case {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }

    pub fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("map")
    }

    /// Runs a quiet build of `interactions` (+ extra flags) and returns its output.
    pub fn build(&self, interactions: &Path, extra: &[&str]) -> Output {
        self.build_with_summary(interactions, &[extra, &["--quiet"]].concat())
    }

    /// Runs a build of `interactions` (+ extra flags) that prints its summary.
    pub fn build_with_summary(&self, interactions: &Path, extra: &[&str]) -> Output {
        let out = self.out();
        let mut args = vec![
            "build",
            "--interactions",
            interactions.to_str().unwrap(),
            "--entity-col",
            "item",
            "--context-col",
            "user",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        starmap(&args)
    }

    /// Asserts a build failed cleanly with exit code 2 and a message containing every `needle`.
    pub fn fails(&self, interactions: &Path, extra: &[&str], needles: &[&str]) {
        let o = self.build(interactions, extra);
        let msg = text(&o);
        assert_eq!(o.status.code(), Some(2), "expected exit 2, got {:?}: {msg}", o.status.code());
        for n in needles {
            assert!(msg.contains(n), "message lacks {n:?}: {msg}");
        }
        assert!(!msg.contains("panicked"), "{msg}");
        assert!(!self.out().exists(), "something was left at --out");
        let leftovers: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(".map"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }
}

/// Everything a build writes, with the only parts allowed to differ (timings, peak memory)
/// removed from the manifest.
pub fn build_output(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let mut bytes = std::fs::read(e.path()).unwrap();
            if name == "manifest.json" {
                let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                v["build"]["timings_secs"] = serde_json::Value::Null;
                v["build"]["peak_memory_bytes"] = serde_json::Value::Null;
                bytes = serde_json::to_vec(&v).unwrap();
            }
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

/// [`build_output`] with the manifest's `build.params` keys `params` and `build.counts` keys
/// `counts` removed as well: what names the input, for maps made from other inputs.
pub fn build_output_without(dir: &Path, params: &[&str], counts: &[&str]) -> Vec<(String, Vec<u8>)> {
    build_output(dir)
        .into_iter()
        .map(|(name, bytes)| {
            if name != "manifest.json" {
                return (name, bytes);
            }
            let mut v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            for (section, keys) in [("params", params), ("counts", counts)] {
                let fields = v["build"][section].as_object_mut().unwrap();
                keys.iter().for_each(|&k| drop(fields.remove(k)));
            }
            (name, serde_json::to_vec(&v).unwrap())
        })
        .collect()
}
