//! Keyset pagination: `?limit=` (default 50, max 200) and an opaque `?cursor=`; answers are
//! `{"items": [...], "next_cursor": "..." | null}`, ordered by id.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ErrorCode};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Opaque cursor from a previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// A validated page request: fetch `limit + 1` rows with id greater than `after_id`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub limit: i64,
    pub after_id: Option<i64>,
}

impl PageParams {
    pub fn window(&self) -> Result<Window, ApiError> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(
                ErrorCode::InvalidLimit,
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let after_id = match &self.cursor {
            None => None,
            Some(c) => Some(decode_cursor(c).ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::InvalidCursor,
                    "the cursor is not one this API issued",
                )
            })?),
        };
        Ok(Window { limit, after_id })
    }
}

fn encode_cursor(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("id:{id}"))
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("id:")?
        .parse()
        .ok()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows fetched in id order.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        window: Window,
        id: impl Fn(&R) -> i64,
        map: impl FnMut(R) -> T,
    ) -> Self {
        let more = rows.len() as i64 > window.limit;
        rows.truncate(window.limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| encode_cursor(id(r)))
        } else {
            None
        };
        Page {
            items: rows.into_iter().map(map).collect(),
            next_cursor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(decode_cursor(&encode_cursor(42)), Some(42));
        assert_eq!(decode_cursor("not-a-cursor"), None);
        let params = PageParams {
            limit: Some(0),
            cursor: None,
        };
        assert!(params.window().is_err());
    }

    #[test]
    fn a_page_reports_a_cursor_only_when_more_rows_exist() {
        let window = Window {
            limit: 2,
            after_id: None,
        };
        let page = Page::from_rows(vec![1i64, 2, 3], window, |r| *r, |r| r);
        assert_eq!(page.items, vec![1, 2]);
        assert_eq!(decode_cursor(page.next_cursor.as_deref().unwrap()), Some(2));
        let last = Page::from_rows(vec![1i64, 2], window, |r| *r, |r| r);
        assert!(last.next_cursor.is_none());
    }
}
