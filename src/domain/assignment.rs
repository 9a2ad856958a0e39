//! The assignment state machine (DOMAIN.md "Assignment"):
//!
//! ```text
//! offered    → confirmed (volunteer) | declined (volunteer) | cancelled (organiser)
//! confirmed  → withdrawn (volunteer) | checked_in (either) | no_show (organiser)
//!              | cancelled (organiser)
//! checked_in → completed (either, by checking out) | withdrawn (volunteer) | no_show (organiser)
//! ```
//!
//! Only the volunteer confirms, declines and withdraws (ACT-03: no forced dispatch; ACT-04).
//! `transition` is the state table; `attempt` adds the clock (check-in window and so on) and is
//! what handlers call.

use chrono::{DateTime, TimeDelta, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentState {
    Offered,
    Confirmed,
    Declined,
    Withdrawn,
    CheckedIn,
    Completed,
    NoShow,
    Cancelled,
}

crate::domain::text_enum!(AssignmentState {
    Offered => "offered",
    Confirmed => "confirmed",
    Declined => "declined",
    Withdrawn => "withdrawn",
    CheckedIn => "checked_in",
    Completed => "completed",
    NoShow => "no_show",
    Cancelled => "cancelled",
});

impl AssignmentState {
    pub const ALL: [AssignmentState; 8] = [
        AssignmentState::Offered,
        AssignmentState::Confirmed,
        AssignmentState::Declined,
        AssignmentState::Withdrawn,
        AssignmentState::CheckedIn,
        AssignmentState::Completed,
        AssignmentState::NoShow,
        AssignmentState::Cancelled,
    ];

    /// Live assignments hold the volunteer's time (overlap and weekly-cap checks) and count
    /// against headcount.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            AssignmentState::Offered | AssignmentState::Confirmed | AssignmentState::CheckedIn
        )
    }

    pub fn is_final(self) -> bool {
        !self.is_live()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentAction {
    Confirm,
    Decline,
    Withdraw,
    CheckIn,
    CheckOut,
    MarkNoShow,
    Cancel,
}

crate::domain::text_enum!(AssignmentAction {
    Confirm => "confirm",
    Decline => "decline",
    Withdraw => "withdraw",
    CheckIn => "check_in",
    CheckOut => "check_out",
    MarkNoShow => "mark_no_show",
    Cancel => "cancel",
});

impl AssignmentAction {
    pub const ALL: [AssignmentAction; 7] = [
        AssignmentAction::Confirm,
        AssignmentAction::Decline,
        AssignmentAction::Withdraw,
        AssignmentAction::CheckIn,
        AssignmentAction::CheckOut,
        AssignmentAction::MarkNoShow,
        AssignmentAction::Cancel,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Actor {
    /// The volunteer the assignment belongs to.
    Volunteer,
    /// Staff of the organising organisation.
    Organiser,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// The action does not apply to the current state (e.g. confirming a declined offer).
    NotAllowed {
        from: AssignmentState,
        action: AssignmentAction,
    },
    /// The action belongs to someone else (ACT-03: only the volunteer confirms).
    WrongActor {
        action: AssignmentAction,
        actor: Actor,
    },
    /// Outside the action's time window.
    TooEarly {
        opens_at: DateTime<Utc>,
    },
    TooLate {
        closed_at: DateTime<Utc>,
    },
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::NotAllowed { .. } => "transition_not_allowed",
            TransitionError::WrongActor { .. } => "action_not_permitted_for_actor",
            TransitionError::TooEarly { .. } => "too_early",
            TransitionError::TooLate { .. } => "too_late",
        }
    }

    /// The RULES.md id behind the refusal, where there is one.
    pub fn rule(&self) -> Option<&'static str> {
        match self {
            TransitionError::WrongActor {
                action: AssignmentAction::Confirm,
                ..
            } => Some("ACT-03"),
            TransitionError::WrongActor {
                action: AssignmentAction::Withdraw,
                ..
            } => Some("ACT-04"),
            _ => None,
        }
    }
}

/// The state `action` by `actor` leads to from `from`, without looking at the clock.
pub fn transition(
    from: AssignmentState,
    action: AssignmentAction,
    actor: Actor,
) -> Result<AssignmentState, TransitionError> {
    use AssignmentAction as A;
    use AssignmentState as S;
    let (to, allowed): (AssignmentState, &[Actor]) = match (from, action) {
        // ACT-03: only the volunteer turns an offer into a commitment, or refuses it.
        (S::Offered, A::Confirm) => (S::Confirmed, &[Actor::Volunteer]),
        (S::Offered, A::Decline) => (S::Declined, &[Actor::Volunteer]),
        // ACT-04: the volunteer may always step back, also after arriving (the time served
        // until then stays recordable: the withdrawal is the departure).
        (S::Confirmed | S::CheckedIn, A::Withdraw) => (S::Withdrawn, &[Actor::Volunteer]),
        (S::Offered | S::Confirmed, A::Cancel) => (S::Cancelled, &[Actor::Organiser]),
        // Either side may record arrival and departure (a volunteer without a phone at a
        // village stage is checked in by the organiser).
        (S::Confirmed, A::CheckIn) => (S::CheckedIn, &[Actor::Volunteer, Actor::Organiser]),
        (S::CheckedIn, A::CheckOut) => (S::Completed, &[Actor::Volunteer, Actor::Organiser]),
        // Never arrived, or checked in and left without serving: the organiser's call.
        (S::Confirmed | S::CheckedIn, A::MarkNoShow) => (S::NoShow, &[Actor::Organiser]),
        _ => return Err(TransitionError::NotAllowed { from, action }),
    };
    if allowed.contains(&actor) {
        Ok(to)
    } else {
        Err(TransitionError::WrongActor { action, actor })
    }
}

/// The activity's scheduled period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// When timed actions are open, relative to the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionWindows {
    /// Check-in opens this long before the start (and closes at the end).
    pub check_in_opens_before: TimeDelta,
    /// Check-out stays open this long after the end (and opens at the start).
    pub check_out_grace_after: TimeDelta,
}

impl Default for ActionWindows {
    fn default() -> Self {
        ActionWindows {
            check_in_opens_before: TimeDelta::minutes(60),
            check_out_grace_after: TimeDelta::minutes(60),
        }
    }
}

/// `transition`, plus when each action may happen:
/// - confirm and decline: before the start;
/// - withdraw: at any time (ACT-04 sets no limit; the organiser is told);
/// - cancel: before the end;
/// - check-in: from `check_in_opens_before` the start until the end;
/// - check-out: from the start until `check_out_grace_after` the end;
/// - no-show: from the start (nobody is absent before the activity begins).
pub fn attempt(
    from: AssignmentState,
    action: AssignmentAction,
    actor: Actor,
    at: DateTime<Utc>,
    schedule: &Schedule,
    windows: &ActionWindows,
) -> Result<AssignmentState, TransitionError> {
    use AssignmentAction as A;
    let to = transition(from, action, actor)?;
    let (opens_at, closes_at) = match action {
        A::Confirm | A::Decline => (None, Some(schedule.starts_at)),
        A::Withdraw => (None, None),
        A::Cancel => (None, Some(schedule.ends_at)),
        A::CheckIn => (
            Some(schedule.starts_at - windows.check_in_opens_before),
            Some(schedule.ends_at),
        ),
        A::CheckOut => (
            Some(schedule.starts_at),
            Some(schedule.ends_at + windows.check_out_grace_after),
        ),
        A::MarkNoShow => (Some(schedule.starts_at), None),
    };
    if let Some(opens_at) = opens_at
        && at < opens_at
    {
        return Err(TransitionError::TooEarly { opens_at });
    }
    // Windows are half-open: closed at `closes_at` itself.
    if let Some(closed_at) = closes_at
        && at >= closed_at
    {
        return Err(TransitionError::TooLate { closed_at });
    }
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssignmentAction as A;
    use AssignmentState as S;

    #[test]
    fn the_transition_table_is_exactly_the_documented_one() {
        // (from, action, actor) → to; every other combination is refused.
        let allowed = [
            (S::Offered, A::Confirm, Actor::Volunteer, S::Confirmed),
            (S::Offered, A::Decline, Actor::Volunteer, S::Declined),
            (S::Offered, A::Cancel, Actor::Organiser, S::Cancelled),
            (S::Confirmed, A::Withdraw, Actor::Volunteer, S::Withdrawn),
            (S::Confirmed, A::Cancel, Actor::Organiser, S::Cancelled),
            (S::Confirmed, A::CheckIn, Actor::Volunteer, S::CheckedIn),
            (S::Confirmed, A::CheckIn, Actor::Organiser, S::CheckedIn),
            (S::Confirmed, A::MarkNoShow, Actor::Organiser, S::NoShow),
            // ACT-04: a volunteer may withdraw at any time, also once checked in.
            (S::CheckedIn, A::Withdraw, Actor::Volunteer, S::Withdrawn),
            (S::CheckedIn, A::CheckOut, Actor::Volunteer, S::Completed),
            (S::CheckedIn, A::CheckOut, Actor::Organiser, S::Completed),
            (S::CheckedIn, A::MarkNoShow, Actor::Organiser, S::NoShow),
        ];
        for from in S::ALL {
            for action in A::ALL {
                for actor in [Actor::Volunteer, Actor::Organiser] {
                    let expected = allowed
                        .iter()
                        .find(|(f, a, who, _)| (*f, *a, *who) == (from, action, actor))
                        .map(|row| row.3);
                    let got = transition(from, action, actor).ok();
                    assert_eq!(got, expected, "{from:?} {action:?} by {actor:?}");
                }
            }
        }
    }

    #[test]
    fn an_organiser_cannot_confirm_for_the_volunteer_act_03() {
        let err = transition(S::Offered, A::Confirm, Actor::Organiser).unwrap_err();
        assert_eq!(
            err,
            TransitionError::WrongActor {
                action: A::Confirm,
                actor: Actor::Organiser
            }
        );
        assert_eq!(err.rule(), Some("ACT-03"));
        assert_eq!(err.code(), "action_not_permitted_for_actor");
    }

    #[test]
    fn only_the_volunteer_withdraws_act_04() {
        let err = transition(S::Confirmed, A::Withdraw, Actor::Organiser).unwrap_err();
        assert_eq!(err.rule(), Some("ACT-04"));
    }

    #[test]
    fn final_states_accept_nothing() {
        for from in S::ALL.into_iter().filter(|s| s.is_final()) {
            for action in A::ALL {
                for actor in [Actor::Volunteer, Actor::Organiser] {
                    assert_eq!(
                        transition(from, action, actor),
                        Err(TransitionError::NotAllowed { from, action })
                    );
                }
            }
        }
    }

    #[test]
    fn live_states_are_the_ones_holding_time() {
        let live: Vec<_> = S::ALL.into_iter().filter(|s| s.is_live()).collect();
        assert_eq!(live, vec![S::Offered, S::Confirmed, S::CheckedIn]);
        for s in S::ALL {
            assert_eq!(AssignmentState::parse(s.as_str()), Some(s));
        }
        for a in A::ALL {
            assert_eq!(AssignmentAction::parse(a.as_str()), Some(a));
        }
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn schedule() -> Schedule {
        Schedule {
            starts_at: t("2026-06-13T01:00:00Z"),
            ends_at: t("2026-06-13T04:00:00Z"),
        }
    }

    #[test]
    fn timed_actions_respect_their_windows_on_both_edges() {
        let w = ActionWindows::default();
        let cases = [
            // (from, action, actor, at, ok?)
            (
                S::Confirmed,
                A::CheckIn,
                Actor::Volunteer,
                "2026-06-12T23:59:59Z",
                false,
            ),
            (
                S::Confirmed,
                A::CheckIn,
                Actor::Volunteer,
                "2026-06-13T00:00:00Z",
                true,
            ),
            (
                S::Confirmed,
                A::CheckIn,
                Actor::Volunteer,
                "2026-06-13T03:59:59Z",
                true,
            ),
            (
                S::Confirmed,
                A::CheckIn,
                Actor::Volunteer,
                "2026-06-13T04:00:00Z",
                false,
            ),
            (
                S::CheckedIn,
                A::CheckOut,
                Actor::Volunteer,
                "2026-06-13T00:59:59Z",
                false,
            ),
            (
                S::CheckedIn,
                A::CheckOut,
                Actor::Volunteer,
                "2026-06-13T01:00:00Z",
                true,
            ),
            (
                S::CheckedIn,
                A::CheckOut,
                Actor::Volunteer,
                "2026-06-13T04:59:59Z",
                true,
            ),
            (
                S::CheckedIn,
                A::CheckOut,
                Actor::Volunteer,
                "2026-06-13T05:00:00Z",
                false,
            ),
            (
                S::Offered,
                A::Confirm,
                Actor::Volunteer,
                "2026-06-13T00:59:59Z",
                true,
            ),
            (
                S::Offered,
                A::Confirm,
                Actor::Volunteer,
                "2026-06-13T01:00:00Z",
                false,
            ),
            (
                S::Confirmed,
                A::Withdraw,
                Actor::Volunteer,
                "2026-06-13T00:59:59Z",
                true,
            ),
            (
                S::Confirmed,
                A::Withdraw,
                Actor::Volunteer,
                "2026-06-13T01:00:00Z",
                true,
            ),
            (
                S::CheckedIn,
                A::Withdraw,
                Actor::Volunteer,
                "2026-06-13T09:00:00Z",
                true,
            ),
            (
                S::Confirmed,
                A::Cancel,
                Actor::Organiser,
                "2026-06-13T03:59:59Z",
                true,
            ),
            (
                S::Confirmed,
                A::Cancel,
                Actor::Organiser,
                "2026-06-13T04:00:00Z",
                false,
            ),
            (
                S::Confirmed,
                A::MarkNoShow,
                Actor::Organiser,
                "2026-06-13T00:59:59Z",
                false,
            ),
            (
                S::Confirmed,
                A::MarkNoShow,
                Actor::Organiser,
                "2026-06-13T01:00:00Z",
                true,
            ),
            (
                S::Confirmed,
                A::MarkNoShow,
                Actor::Organiser,
                "2026-07-13T01:00:00Z",
                true,
            ),
        ];
        for (from, action, actor, at, ok) in cases {
            let result = attempt(from, action, actor, t(at), &schedule(), &w);
            assert_eq!(result.is_ok(), ok, "{action:?} at {at}: {result:?}");
        }
    }

    #[test]
    fn the_state_table_is_checked_before_the_clock() {
        let r = attempt(
            S::Declined,
            A::CheckIn,
            Actor::Volunteer,
            t("2026-06-13T01:00:00Z"),
            &schedule(),
            &ActionWindows::default(),
        );
        assert_eq!(
            r,
            Err(TransitionError::NotAllowed {
                from: S::Declined,
                action: A::CheckIn
            })
        );
        let early = attempt(
            S::Confirmed,
            A::CheckIn,
            Actor::Volunteer,
            t("2026-06-12T12:00:00Z"),
            &schedule(),
            &ActionWindows::default(),
        );
        assert_eq!(
            early,
            Err(TransitionError::TooEarly {
                opens_at: t("2026-06-13T00:00:00Z")
            })
        );
    }
}
