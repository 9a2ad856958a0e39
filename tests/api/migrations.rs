//! The two migration trees stay in step: the same folders in both, and no two folders with
//! the same version (diesel keys a migration by the part before the first `_`, so a second
//! folder with a taken version is silently treated as applied).

use std::collections::BTreeSet;

fn folders(backend: &str) -> Vec<String> {
    let dir = format!("{}/migrations/{backend}", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("migrations folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn both_trees_hold_the_same_migrations_each_with_its_own_version() {
    let sqlite = folders("sqlite");
    assert_eq!(sqlite, folders("postgres"), "the two trees differ");
    let versions: BTreeSet<&str> = sqlite
        .iter()
        .map(|name| name.split('_').next().unwrap_or(name))
        .collect();
    assert_eq!(
        versions.len(),
        sqlite.len(),
        "two migrations share a version: {sqlite:?}"
    );
}
