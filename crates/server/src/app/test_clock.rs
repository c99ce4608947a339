//! Moving the clock of a test or demo installation forward (an administrator only; the
//! configuration must allow it, and never with an https address). Anyone else gets "not
//! found", and the attempt is on record.

use amtsweg_domain::policy::{Access, Resource};

use super::{App, AppError, JobReport, Principal, problems};

impl App {
    /// Moves the clock `days` forward and runs the deadline jobs at once.
    pub async fn move_test_clock(&self, who: &Principal, days: u32) -> Result<JobReport, AppError> {
        self.authorize(who, Access::Process, Resource::TestClock, "clock".into())
            .await?;
        let Some(clock) = self.test_clock.as_ref() else {
            return Err(AppError::NotFound);
        };
        if !(1..=400).contains(&days) {
            return Err(problems::invalid_clock_days());
        }
        clock.advance(time::Duration::days(i64::from(days)));
        let audit = self.audit(
            &who.user.id.to_string(),
            "test.clock_moved",
            "clock".into(),
            serde_json::json!({ "days": days }),
        );
        self.store.append_audit(vec![audit]).await?;
        self.run_deadline_jobs().await
    }
}
