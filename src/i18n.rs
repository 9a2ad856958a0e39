//! The language an error is told in. `ApiError` stays language-neutral (a stable code, an
//! English detail and a few parameters); the problem document is rendered per request in the
//! language `Accept-Language` prefers (Chinese or English, English by default), see
//! `middleware::localize`. Codes never change with the language.

pub mod zh;

use actix_web::http::header::{ACCEPT_LANGUAGE, HeaderMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    /// The supported language the client ranks highest (q-values honoured; on a tie the one
    /// listed first wins; `q=0` means "not this one"); English when nothing supported is asked for.
    pub fn from_accept_language(value: &str) -> Lang {
        let mut best: Option<(Lang, f32)> = None;
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = match tag.split('-').next().unwrap_or_default() {
                "zh" => Lang::Zh,
                "en" => Lang::En,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(_, b)| q > b) {
                best = Some((lang, q));
            }
        }
        best.map(|(lang, _)| lang).unwrap_or_default()
    }

    pub fn preferred(headers: &HeaderMap) -> Lang {
        let values: Vec<&str> = headers
            .get_all(ACCEPT_LANGUAGE)
            .filter_map(|v| v.to_str().ok())
            .collect();
        Lang::from_accept_language(&values.join(","))
    }
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, params: &[(&str, &str)]) -> String {
    params
        .iter()
        .fold(template.to_string(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_chosen_only_when_it_ranks_highest() {
        assert_eq!(Lang::from_accept_language("zh-CN"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("zh"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("zh-Hans-CN"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("en-US,zh;q=0.9"), Lang::En);
        assert_eq!(
            Lang::from_accept_language("en;q=0.5, zh-CN;q=0.8"),
            Lang::Zh
        );
        assert_eq!(Lang::from_accept_language("fr, zh;q=0.3"), Lang::Zh);
        assert_eq!(Lang::from_accept_language("zh;q=0, en;q=0.1"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr, de"), Lang::En);
        assert_eq!(Lang::from_accept_language(""), Lang::En);
        assert_eq!(Lang::from_accept_language("*"), Lang::En);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("未找到{what}", &[("what", "活动")]), "未找到活动");
    }
}
