//! Hand-written SQL that the connection prepares once and then reuses.
//!
//! diesel never caches the prepared statement of `sql_query` (it cannot know the text is
//! fixed), so PostgreSQL parses and plans such a statement on every call. For the volunteer
//! parts `UNION ALL` that planning cost five times its execution and was most of the
//! database's work on a volunteer read (docs/benchmarks.md). A `Prepared` statement has a
//! `'static` text, so diesel keys its statement cache by that text and plans it once per
//! connection.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::query_dsl::RunQueryDsl;
use diesel::serialize::ToSql;
use diesel::sql_types::{BigInt, HasSqlType, Untyped};

/// `sql` with every `$1` bound to `id`; rows are read by name (`QueryableByName`).
#[derive(Debug, Clone, Copy)]
pub struct Prepared {
    sql: &'static str,
    id: i64,
}

/// What stands for the one parameter in the text of a `Prepared` statement.
const PARAMETER: &str = "$1";

impl Prepared {
    /// `sql` names its one BIGINT parameter `$1`, as often as it needs it.
    pub fn by_id(sql: &'static str, id: i64) -> Self {
        Prepared { sql, id }
    }
}

impl<DB> QueryFragment<DB> for Prepared
where
    DB: Backend + HasSqlType<BigInt>,
    i64: ToSql<BigInt, DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        // Each `$1` becomes one placeholder of the backend (`$n` or `?`), all bound to `id`:
        // the text diesel sees depends only on `sql`, so its cached statement is reused.
        let mut pieces = self.sql.split(PARAMETER);
        if let Some(first) = pieces.next() {
            out.push_sql(first);
        }
        for piece in pieces {
            out.push_bind_param::<BigInt, i64>(&self.id)?;
            out.push_sql(piece);
        }
        Ok(())
    }
}

impl QueryId for Prepared {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl Query for Prepared {
    type SqlType = Untyped;
}

impl<Conn> RunQueryDsl<Conn> for Prepared {}
