//! The runtime's layers, checked: each top-level module of `src/` uses only
//! the modules below it in `LAYERS`, so dependencies run one way and there
//! is no import cycle between layers. Every `crate::<module>` path and
//! `use crate::{...}` in a layer's code counts; comments do not (a doc link
//! to a higher layer, such as an error naming the `Executor` that returns
//! it, is no dependency).
//!
//! Also: the trees drawn in ARCHITECTURE.md name exactly the files of
//! `src/` and `macros/src/`.
//!
//! Run alone: `cargo test --test suite layers::`.

use std::path::Path;

/// Bottom to top. `private` (what generated code calls), `lib` (the
/// facade) and `example_generated` (docs only) sit above all and may use
/// anything.
const LAYERS: &[&str] = &[
    "simd",
    "noise",
    "integrate",
    "error",
    "space",
    "design",
    "io",
    "run",
];

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a file of `src/` belongs to: its top-level module.
fn layer_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// The top-level modules a file names through `crate::` (in paths and in
/// `use crate::{a, b::c}` groups), with the line of each.
fn uses(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                for item in inner.split(',') {
                    let name = item.trim().split("::").next().unwrap_or("").trim();
                    if !name.is_empty() {
                        found.push((name.to_owned(), n + 1));
                    }
                }
            } else {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                found.push((name, n + 1));
            }
        }
    }
    found
}

#[test]
fn every_layer_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let rank = |module: &str| LAYERS.iter().position(|l| *l == module);
    let mut violations = Vec::new();
    let mut checked = 0;
    for file in &files {
        let layer = layer_of(&src, file);
        let Some(own) = rank(&layer) else {
            assert!(
                ["lib", "private", "example_generated"].contains(&layer.as_str()),
                "{}: a top-level module not in LAYERS",
                file.display()
            );
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (module, line) in uses(&text) {
            checked += 1;
            // Items re-exported at the root (`crate::Space`) are named by
            // what they are, not where they live: resolve the common ones.
            let module = match module.as_str() {
                "Space" | "PackedSpace" | "Lanes" | "Collected" | "CollectOptions" | "Slice"
                | "Points" | "Packs" | "Block" => "space",
                "Scalar" | "Pack" | "Packable" | "Lockstep" | "FloatPack" | "Float" | "F32"
                | "F64" => "simd",
                "Philox" => "noise",
                "Axis" | "Axes" | "Design" | "Sampler" | "AxesLanes" => "design",
                "Executor" | "Output" | "Progress" | "Sink" | "CsvSink" | "mpi" | "widths"
                | "Widths" | "Tuning" | "Candidates" | "__width" => "run",
                "ShapeError" | "LayoutError" | "ExecError" | "DesignError" | "RangeError" => {
                    "error"
                }
                "shard" => "run", // the facade module in lib.rs re-exports io and space items
                other => other,
            };
            match rank(module) {
                Some(used) if used > own => violations.push(format!(
                    "{}:{line}: layer `{layer}` uses `{module}`, a layer above it",
                    file.strip_prefix(&src).unwrap().display()
                )),
                Some(_) => {}
                None if module == "__private" || module.is_empty() => {}
                None => violations.push(format!(
                    "{}:{line}: `crate::{module}` is not a layer (add it to LAYERS or name the layer)",
                    file.strip_prefix(&src).unwrap().display()
                )),
            }
        }
    }
    assert!(
        checked > 30,
        "the scan found only {checked} paths: is it reading src/?"
    );
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_scan_sees_paths_and_groups() {
    let found = uses(
        "use crate::{simd::Pack, error::IoError};\n/// [`x`](crate::Space)\nlet a = crate::io::read(crate::Space);",
    );
    let names: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(names, ["simd", "error", "io", "Space"]);
    assert_eq!(found[3].1, 3);
}

/// The files a tree drawing in ARCHITECTURE.md names under `root` (the
/// block that starts with a line `<crate> (<root>)`), as paths.
fn drawn_files(architecture: &str, root: &str) -> Vec<String> {
    let mut files = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    let mut inside = false;
    for line in architecture.lines() {
        if line.ends_with(&format!("({root})")) {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if line.trim().is_empty() || line.starts_with("```") {
            break;
        }
        // Four columns of drawing per level, then the name.
        let chars: Vec<char> = line.chars().collect();
        let Some(at) = chars.iter().position(|c| c.is_alphanumeric() || *c == '_') else {
            continue;
        };
        let depth = at / 4 - 1;
        let name: String = chars[at..]
            .iter()
            .take_while(|c| !c.is_whitespace())
            .collect();
        dirs.truncate(depth);
        if let Some(dir) = name.strip_suffix('/') {
            dirs.push(dir.to_owned());
        } else {
            let mut path = dirs.join("/");
            if !path.is_empty() {
                path.push('/');
            }
            files.push(path + &name);
        }
    }
    files.sort();
    files
}

fn files_under(root: &Path) -> Vec<String> {
    let mut paths = Vec::new();
    sources(root, &mut paths);
    let mut files: Vec<String> = paths
        .iter()
        .map(|p| {
            p.strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_trees_in_architecture_md_match_the_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = std::fs::read_to_string(dir.join("ARCHITECTURE.md")).unwrap();
    for root in ["src/", "macros/src/"] {
        assert_eq!(
            drawn_files(&architecture, root),
            files_under(&dir.join(root)),
            "ARCHITECTURE.md's tree of {root} against the files"
        );
    }
}
