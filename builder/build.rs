//! Embeds the released viewer bundle (`web/release/`, built by `web/release.sh`) into the
//! `starmap` binary, so `starmap build` writes a complete site with no further step.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let release = Path::new(&manifest_dir).join("../web/release");
    println!("cargo:rerun-if-changed={}", release.display());
    let mut files: Vec<_> = match std::fs::read_dir(&release) {
        Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect(),
        Err(_) => {
            println!("cargo:warning=web/release is missing: this starmap will write maps without the viewer");
            Vec::new()
        }
    };
    files.sort();
    let mut code =
        String::from("/// The released viewer: (file name, bytes).\npub const VIEWER_FILES: &[(&str, &[u8])] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().and_then(|n| n.to_str()).expect("UTF-8 file names in web/release");
        if name == "SOURCES.sha256" {
            continue;
        }
        let abs = path.canonicalize().expect("readable file in web/release");
        let _ = writeln!(code, "    ({name:?}, include_bytes!({:?})),", abs.display().to_string());
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("viewer_bundle.rs");
    std::fs::write(out, code).expect("write viewer_bundle.rs");
}
