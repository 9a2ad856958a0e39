//! The people's voice (issue 10): feedback links and the public feedback page, opinions and
//! their written answers, the rectification ledger and its public page.

pub mod feedback;
pub mod ledger;
pub mod opinions;
