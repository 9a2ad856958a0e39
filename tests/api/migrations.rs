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

/// The one constraint table (`error::unique_constraints`) names real constraints: a renamed
/// index would otherwise turn a clear `username_taken` into a generic `conflict`.
async fn every_mapped_unique_constraint_exists(app: crate::helpers::TestApp) {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut conn = app.state.pool.get().unwrap();
    for (postgres, sqlite) in springrain::error::unique_constraints() {
        let (query, name) = match &*conn {
            springrain::db::DbConn::Sqlite(_) => {
                // "table.a, table.b" → a unique index on exactly those columns of `table`.
                let table = sqlite.split('.').next().unwrap();
                let columns: Vec<&str> = sqlite
                    .split(", ")
                    .map(|c| c.split('.').nth(1).unwrap())
                    .collect();
                (
                    "SELECT count(*) AS n FROM pragma_index_list($1) AS l \
                     WHERE l.\"unique\" = 1 AND (SELECT group_concat(name, ', ') FROM \
                     (SELECT name FROM pragma_index_info(l.name) ORDER BY seqno)) = $2"
                        .replace("$1", &format!("'{table}'")),
                    columns.join(", "),
                )
            }
            #[cfg(feature = "postgres")]
            springrain::db::DbConn::Pg(_) => (
                "SELECT count(*) AS n FROM pg_indexes WHERE indexname = $2".to_string(),
                postgres.to_string(),
            ),
        };
        let found: Count = diesel::sql_query(query.replace("$2", "$1"))
            .bind::<Text, _>(&name)
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(found.n, 1, "{postgres} / {sqlite}");
    }
}
crate::db_test!(every_mapped_unique_constraint_exists);
