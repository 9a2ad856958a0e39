//! Pure domain logic: no actix, no diesel. Types here parse their input once ("parse, don't
//! validate") so that holding one means holding a valid value.

/// Gives a fieldless enum its stable text code (`as_str`) and the inverse (`parse`); the codes
/// are what the database CHECK constraints and the API use.
macro_rules! text_enum {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}
pub(crate) use text_enum;

pub mod account;
pub mod activity;
pub mod agreement;
pub mod assignment;
pub mod attendance;
pub mod calendar;
pub mod eligibility;
pub mod identity;
pub mod implementation_plan;
pub mod matching;
pub mod organization;
pub mod policy;
pub mod recognition;
pub mod recruitment;
pub mod reference;
pub mod region;
pub mod role;
pub mod service_record;
pub mod spring_rain;
pub mod stars;
pub mod stats;
pub mod training;
pub mod voice;
pub mod volunteer;

/// A rule a piece of input breaks: which field, a stable code, and a human explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub code: String,
    pub message: String,
    /// The RULES.md rule the input breaks, when one does (clients tell which rule applied).
    pub rule: Option<&'static str>,
}

impl Invalid {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
            rule: None,
        }
    }

    /// The same problem, naming the rule it breaks.
    pub fn rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }
}
