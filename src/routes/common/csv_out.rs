//! Writing CSV for people who open it in a spreadsheet (API.md "CSV"): UTF-8 with a BOM, so
//! Excel reads Chinese correctly, and every cell neutralised against formula injection.
//! Every CSV the service writes goes through `write_row`.

use std::borrow::Cow;

use actix_web::HttpRequest;
use actix_web::HttpResponse;
use actix_web::http::header::ACCEPT;
use actix_web::web::Bytes;

use crate::error::ApiError;

/// The byte-order mark that starts every CSV file.
pub const BOM: &str = "\u{feff}";

/// A spreadsheet runs a cell starting with one of these as a formula (`=HYPERLINK(…)`,
/// `+1+cmd|…`, `@SUM(…)`; tab and CR are stripped by some importers, exposing what follows).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell as a spreadsheet will show it, never run it: a leading `'` makes a would-be
/// formula plain text (OWASP "CSV Injection"). Other cells are unchanged.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.starts_with(FORMULA_STARTS) {
        true => Cow::Owned(format!("'{cell}")),
        false => Cow::Borrowed(cell),
    }
}

/// A CSV writer over an in-memory buffer (one chunk of a streamed file).
pub fn writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}

/// Writes one record, every cell neutralised.
pub fn write_row<I, S>(out: &mut csv::Writer<Vec<u8>>, cells: I) -> Result<(), ApiError>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let cells: Vec<String> = cells
        .into_iter()
        .map(|c| neutralise(c.as_ref()).into_owned())
        .collect();
    out.write_record(&cells).map_err(ApiError::internal)
}

/// The bytes written so far.
pub fn finish(out: csv::Writer<Vec<u8>>) -> Result<Bytes, ApiError> {
    out.into_inner()
        .map(Bytes::from)
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// Whether the client asked for CSV (`Accept: text/csv`) rather than the JSON default.
pub fn wants_csv(req: &HttpRequest) -> bool {
    req.headers()
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"))
}

/// A whole CSV file as a download named `{name}.csv`: the BOM, then `body`.
pub fn attachment(body: &[u8], name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body([BOM.as_bytes(), body].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_become_text_and_others_stay() {
        for cell in [
            "=HYPERLINK(\"http://x\",\"a\")",
            "-2+3",
            "+1",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"));
        }
        for cell in ["王小明", "a=b", "", "3", "2026-01-01T00:00:00+00:00"] {
            assert_eq!(neutralise(cell), cell);
        }
    }

    #[test]
    fn rows_are_written_neutralised_and_quoted() {
        let mut out = writer();
        write_row(&mut out, ["=1+1", "a,b", "张三"]).unwrap();
        let text = String::from_utf8(finish(out).unwrap().to_vec()).unwrap();
        assert_eq!(text, "'=1+1,\"a,b\",张三\n");
    }
}
