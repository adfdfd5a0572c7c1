//! The checked workflow: forwarding, the opinion, notification, reply,
//! closing and withdrawal, each refused out of order.

use chrono::NaiveDate;

use crate::misconduct::Section;

use super::*;

impl Objection {
    /// Checks that `step` may be taken on `on`, changing nothing.
    pub(super) fn check(&self, step: Step, on: NaiveDate) -> Result<(), ObjectionError> {
        if let Some(closed) = &self.closed {
            return Err(ObjectionError::Finished {
                step,
                stage: Stage::Closed,
                on: closed.on,
            });
        }
        if let Some(withdrawn) = &self.withdrawn {
            return Err(ObjectionError::Finished {
                step,
                stage: Stage::Withdrawn,
                on: withdrawn.on,
            });
        }
        if let Some(done) = self.done_on(step) {
            return Err(ObjectionError::AlreadyDone { step, on: done });
        }
        let previous = match step.requires() {
            Some(required) => {
                let previous_on =
                    self.completed_on(required)
                        .ok_or(ObjectionError::OutOfOrder {
                            step,
                            requires: required,
                        })?;
                (required, previous_on)
            }
            // A withdrawal follows whatever was done last, and must come
            // before the result is notified.
            None => {
                if let Some(notified) = &self.notified {
                    return Err(ObjectionError::TooLateToWithdraw {
                        notified_on: notified.on,
                    });
                }
                [Step::Verify, Step::Forward, Step::Receive]
                    .into_iter()
                    .find_map(|s| self.completed_on(s).map(|d| (s, d)))
                    .unwrap_or((Step::Receive, self.received_on()))
            }
        };
        let (previous, previous_on) = previous;
        if on < previous_on {
            return Err(ObjectionError::DateBeforePrevious {
                step,
                on,
                previous,
                previous_on,
            });
        }
        Ok(())
    }

    /// Forwards the objection and its materials to the section that made
    /// the item, which receives them `on` (plan §6(3): within 5 working
    /// days of receipt; a late forwarding is allowed and reported late).
    /// The Office may be that section: it then verifies its own item, with
    /// the same 5 working days.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`] or
    /// [`ObjectionError::DateBeforePrevious`] (before the receipt). The
    /// objection is unchanged on error.
    pub fn forward(
        &mut self,
        on: NaiveDate,
        by: impl Into<String>,
        to: Section,
    ) -> Result<(), ObjectionError> {
        self.check(Step::Forward, on)?;
        self.forwarded = Some(Forwarded {
            on,
            by: by.into(),
            to,
        });
        Ok(())
    }

    /// Records the section's written opinion, submitted and received by the
    /// Office on the same day `on` (see
    /// [`receive_opinion_submitted`](Self::receive_opinion_submitted)).
    ///
    /// # Errors
    ///
    /// As [`receive_opinion_submitted`](Self::receive_opinion_submitted).
    pub fn receive_opinion(
        &mut self,
        on: NaiveDate,
        by: impl Into<String>,
        finding: Finding,
        summary: impl Into<String>,
    ) -> Result<(), ObjectionError> {
        self.receive_opinion_submitted(on, on, by, finding, summary)
    }

    /// Records the section's written opinion, submitted on `submitted_on`
    /// (plan §6(3): within 5 working days of the section's receipt) and
    /// received by the Office on `received_on`, which starts the 2 working
    /// days to notify the applicant.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::OutOfOrder`] before forwarding,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`],
    /// [`ObjectionError::DateBeforePrevious`] (submitted before the section
    /// received the objection), or
    /// [`ObjectionError::OpinionReceivedBeforeSubmitted`]. The objection is
    /// unchanged on error.
    pub fn receive_opinion_submitted(
        &mut self,
        submitted_on: NaiveDate,
        received_on: NaiveDate,
        by: impl Into<String>,
        finding: Finding,
        summary: impl Into<String>,
    ) -> Result<(), ObjectionError> {
        self.check(Step::Verify, submitted_on)?;
        if received_on < submitted_on {
            return Err(ObjectionError::OpinionReceivedBeforeSubmitted {
                submitted_on,
                received_on,
            });
        }
        self.opinion = Some(Opinion {
            submitted_on,
            on: received_on,
            by: by.into(),
            finding,
            summary: summary.into(),
        });
        Ok(())
    }

    /// Notifies the applicant in writing of the decision and its reasons
    /// (plan §6(3): within 2 working days of the Office's receipt of the
    /// opinion, and within 12 of receipt).
    ///
    /// The decision must follow the section's finding (revoked or corrected
    /// when it confirmed an error, kept when it did not) and fit the item
    /// (see [`Outcome::applies_to`]).
    ///
    /// # Errors
    ///
    /// [`ObjectionError::OutOfOrder`] before the opinion,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`],
    /// [`ObjectionError::DateBeforePrevious`] (before the Office received
    /// the opinion), [`ObjectionError::OutcomeContradictsFinding`],
    /// [`ObjectionError::OutcomeDoesNotFit`] or
    /// [`ObjectionError::EmptyCorrection`]. The objection is unchanged on
    /// error.
    pub fn notify(
        &mut self,
        on: NaiveDate,
        by: impl Into<String>,
        outcome: Outcome,
    ) -> Result<(), ObjectionError> {
        self.check(Step::Notify, on)?;
        if let Some(opinion) = &self.opinion {
            if opinion.finding != outcome.finding() {
                return Err(ObjectionError::OutcomeContradictsFinding {
                    finding: opinion.finding,
                    outcome: outcome.english_name(),
                });
            }
        }
        if !outcome.applies_to(self.about) {
            return Err(ObjectionError::OutcomeDoesNotFit {
                outcome: outcome.english_name(),
                item: self.about,
            });
        }
        if matches!(&outcome, Outcome::ListingCorrected { events, .. } if events.is_empty()) {
            return Err(ObjectionError::EmptyCorrection { item: self.about });
        }
        self.notified = Some(Notified {
            on,
            by: by.into(),
            outcome,
        });
        Ok(())
    }

    /// Replies to the credit subject in writing with the reasons for the
    /// handling (plan §6(3): within 12 working days of receipt). It follows
    /// the notification of the applicant, on the same day or later; when
    /// the applicant is the subject, one letter may do both.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::OutOfOrder`] before the notification,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`] or
    /// [`ObjectionError::DateBeforePrevious`]. The objection is unchanged on
    /// error.
    pub fn reply(
        &mut self,
        on: NaiveDate,
        by: impl Into<String>,
        reasons: impl Into<String>,
    ) -> Result<(), ObjectionError> {
        self.check(Step::Reply, on)?;
        self.replied = Some(Replied {
            on,
            by: by.into(),
            reasons: reasons.into(),
        });
        Ok(())
    }

    /// Closes the objection after the subject had its reply. No step may
    /// follow.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::OutOfOrder`] before the reply,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`] or
    /// [`ObjectionError::DateBeforePrevious`]. The objection is unchanged on
    /// error.
    pub fn close(&mut self, on: NaiveDate, by: impl Into<String>) -> Result<(), ObjectionError> {
        self.check(Step::Close, on)?;
        self.closed = Some(Act { on, by: by.into() });
        Ok(())
    }

    /// Records that the applicant withdrew the objection `on`. Possible
    /// until the applicant is notified; no step may follow.
    ///
    /// # Errors
    ///
    /// [`ObjectionError::TooLateToWithdraw`] once notified,
    /// [`ObjectionError::Finished`], [`ObjectionError::AlreadyDone`] or
    /// [`ObjectionError::DateBeforePrevious`] (before the last step taken).
    /// The objection is unchanged on error.
    pub fn withdraw(&mut self, on: NaiveDate, by: impl Into<String>) -> Result<(), ObjectionError> {
        self.check(Step::Withdraw, on)?;
        self.withdrawn = Some(Act { on, by: by.into() });
        Ok(())
    }
}
