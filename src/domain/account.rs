//! Login names.

/// A login name: 3–64 characters of lower-case ASCII letters, digits, `.`, `_`, `-`,
/// starting with a letter or digit. Input is trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Username, &'static str> {
        let name = input.trim().to_lowercase();
        let valid_chars = name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        let starts_well = name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric());
        if (3..=64).contains(&name.len()) && valid_chars && starts_well {
            Ok(Username(name))
        } else {
            Err(
                "a username has 3–64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
            )
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(
            Username::parse("  Zj.Coordinator-1 ").unwrap().as_str(),
            "zj.coordinator-1"
        );
        for bad in ["ab", "-abc", "with space", "名字名字", &"x".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }
}
