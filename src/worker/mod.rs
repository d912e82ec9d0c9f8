//! The worker pool: provider calls run on tokio tasks, off the UI thread,
//! within a concurrency limit per service, and their results come back to
//! the app as [`WorkerEvent`]s over a channel. Quitting cancels what is in
//! flight.

mod limited;

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::crawl::{self, CrawlEvent};
use chrono::{DateTime, NaiveDate, Utc};

use crate::crawl::costs::{CostData, CostPlan, CostRead};
use crate::journal::{self, Journal};
use crate::model::Org;
use crate::model::access::{AccountAccess, RoleCredentials};
use crate::model::action::{Action, Handshake, Warning};
use crate::model::control_tower::ControlTower;
use crate::model::cost::{CostPeriod, Credit, ServiceCost};
use crate::model::drift::{DriftMemory, DriftReport};
use crate::model::{Policy, Tag};
use crate::provider::access::Access;
use crate::provider::{ErrorKind, Provider, ProviderError};

pub use limited::{Limited, Limits};

/// Work the app asks the pool to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// Crawl the whole organization; `crawl` numbers it for the app.
    Crawl { crawl: u64 },
    /// Fetch one policy's document.
    DescribePolicy { policy_id: String },
    /// Fetch every tag of one root, OU or account.
    ListTags { resource_id: String },
    /// Read Control Tower's landing zone, baselines and controls.
    ReadControlTower,
    /// Carry out a cost plan (billed), keeping what `cached` holds final.
    ReadCosts(Box<CostJob>),
    /// One account's cost by service (billed).
    ReadServiceCosts {
        account_id: String,
        period: CostPeriod,
    },
    /// Carry out a confirmed action, journaled before and after.
    Perform {
        action: Action,
        warnings: Vec<Warning>,
    },
    /// Read the organization's invitations.
    ListHandshakes,
    /// Run the drift rules, off the UI thread.
    EvaluateDrift(Box<DriftJob>),
    /// Read which accounts and roles IAM Identity Center gives the person.
    ReadAccess,
    /// Fetch one role's credentials, for a subshell or the clipboard.
    RoleCredentials {
        account_id: String,
        role_name: String,
        purpose: CredentialUse,
    },
}

/// What fetched credentials are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialUse {
    /// A subshell with them in its environment.
    Shell,
    /// `export` lines on the clipboard.
    Copy,
}

/// What the drift rules read, and the memory they update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriftJob {
    pub org: Arc<Org>,
    pub control_tower: ControlTower,
    pub memory: DriftMemory,
    pub scp_limit: usize,
    pub now: DateTime<Utc>,
}

/// What a cost read needs; the app's clock gives `today` and `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostJob {
    pub plan: CostPlan,
    pub cached: Option<CostData>,
    pub configured_credits: Vec<Credit>,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

/// What the pool reports back.
#[derive(Debug, Clone)]
pub enum WorkerEvent {
    /// A piece of the organization from the crawl numbered `crawl`.
    Crawl { crawl: u64, event: CrawlEvent },
    /// The crawl numbered `crawl` ended.
    CrawlFinished {
        crawl: u64,
        result: Result<(), ProviderError>,
    },
    /// Control Tower's state, or why it could not be read.
    ControlTowerRead(ControlTower),
    /// Costs and credits, with the billed requests made, or the failure.
    CostsRead(Result<CostRead, ProviderError>),
    /// A confirmed action ran: AWS's request id, or the failure.
    Performed {
        action: Action,
        result: Result<Option<String>, ProviderError>,
    },
    /// The accessible accounts and roles, or why they could not be read.
    AccessRead(Result<Vec<AccountAccess>, String>),
    /// One role's credentials, or why they could not be had.
    CredentialsRead {
        account_id: String,
        role_name: String,
        purpose: CredentialUse,
        result: Result<RoleCredentials, String>,
        region: Option<String>,
    },
    /// The drift rules' findings, and the memory they left.
    DriftEvaluated {
        report: Box<DriftReport>,
        memory: DriftMemory,
    },
    /// The invitations, or why they could not be read.
    HandshakesListed(Result<Vec<Handshake>, ProviderError>),
    /// One account's cost by service, or the failure.
    ServiceCostsRead {
        account_id: String,
        result: Result<Vec<ServiceCost>, ProviderError>,
    },
    /// A resource's tags arrived, or could not be fetched.
    TagsListed {
        resource_id: String,
        result: Result<Vec<Tag>, ProviderError>,
    },
    /// A policy document arrived, or could not be fetched.
    PolicyDescribed {
        policy_id: String,
        result: Result<Policy, ProviderError>,
    },
}

/// Runs jobs on tokio tasks and reports their results.
pub struct WorkerPool {
    provider: Arc<Limited>,
    events: mpsc::UnboundedSender<WorkerEvent>,
    cancel: CancellationToken,
    tasks: TaskTracker,
    journal: Option<Arc<Journal>>,
    access: Option<Arc<dyn Access>>,
}

impl WorkerPool {
    /// A pool over `provider` with `limits`, reporting on `events`.
    pub fn new(
        provider: Arc<dyn Provider>,
        limits: Limits,
        events: mpsc::UnboundedSender<WorkerEvent>,
    ) -> Self {
        Self {
            provider: Arc::new(Limited::new(provider, limits)),
            events,
            cancel: CancellationToken::new(),
            tasks: TaskTracker::new(),
            journal: None,
            access: None,
        }
    }

    /// Reads access (accounts, roles, credentials) through `access`.
    pub fn with_access(mut self, access: Arc<dyn Access>) -> Self {
        self.access = Some(access);
        self
    }

    /// Records every action in `journal` before and after its call.
    pub fn with_journal(mut self, journal: Journal) -> Self {
        self.journal = Some(Arc::new(journal));
        self
    }

    /// How many provider calls have finished so far.
    pub fn calls_done(&self) -> u64 {
        self.provider.calls_done()
    }

    /// Starts `job` and returns at once.
    pub fn spawn(&self, job: Job) {
        let provider = Arc::clone(&self.provider);
        let events = self.events.clone();
        let cancel = self.cancel.clone();
        if matches!(job, Job::ReadAccess | Job::RoleCredentials { .. }) {
            self.spawn_access(job);
            return;
        }
        if let Job::Perform { action, warnings } = job {
            // An action is never cancelled half-way: quitting waits for its
            // answer, so the journal records how it ended.
            let journal = self.journal.clone();
            self.tasks.spawn(async move {
                let result =
                    perform(provider.as_ref(), journal.as_deref(), &action, warnings)
                        .await;
                let _ = events.send(WorkerEvent::Performed { action, result });
            });
            return;
        }
        self.tasks.spawn(async move {
            tokio::select! {
                () = cancel.cancelled() => {}
                () = run(provider.as_ref(), job, &events) => {}
            }
        });
    }

    fn spawn_access(&self, job: Job) {
        let events = self.events.clone();
        let cancel = self.cancel.clone();
        let access = self.access.clone();
        self.tasks.spawn(async move {
            tokio::select! {
                () = cancel.cancelled() => {}
                () = run_access(access, job, &events) => {}
            }
        });
    }

    /// Cancels every job in flight and waits for their tasks to end.
    pub async fn shutdown(&self) {
        self.cancel.cancel();
        self.tasks.close();
        self.tasks.wait().await;
    }
}

async fn run(
    provider: &dyn Provider,
    job: Job,
    events: &mpsc::UnboundedSender<WorkerEvent>,
) {
    // A send fails only when the app has gone away; nothing is left to tell.
    match job {
        Job::Crawl { crawl } => {
            let mut sink = |event| {
                let _ = events.send(WorkerEvent::Crawl { crawl, event });
            };
            let result = crawl::crawl(provider, &mut sink).await;
            let _ = events.send(WorkerEvent::CrawlFinished { crawl, result });
        }
        Job::DescribePolicy { policy_id } => {
            let result = provider.describe_policy(&policy_id).await;
            let _ = events.send(WorkerEvent::PolicyDescribed { policy_id, result });
        }
        Job::ReadControlTower => {
            let control_tower = crawl::control_tower::read(provider).await;
            let _ = events.send(WorkerEvent::ControlTowerRead(control_tower));
        }
        Job::ReadCosts(job) => {
            let result = crawl::costs::read(
                provider,
                &job.plan,
                job.cached.as_ref(),
                &job.configured_credits,
                job.today,
                job.now,
            )
            .await;
            let _ = events.send(WorkerEvent::CostsRead(result));
        }
        Job::ReadServiceCosts { account_id, period } => {
            let result = all_service_costs(provider, &account_id, &period).await;
            let _ = events.send(WorkerEvent::ServiceCostsRead { account_id, result });
        }
        Job::Perform { .. } | Job::ReadAccess | Job::RoleCredentials { .. } => {}
        Job::EvaluateDrift(job) => {
            // Pure and CPU-bound: a blocking thread, not the runtime's.
            let evaluated = tokio::task::spawn_blocking(move || {
                let mut job = *job;
                let report = job.memory.evaluate(
                    &job.org,
                    &job.control_tower,
                    job.scp_limit,
                    job.now,
                );
                (report, job.memory)
            })
            .await;
            if let Ok((report, memory)) = evaluated {
                let _ = events.send(WorkerEvent::DriftEvaluated {
                    report: Box::new(report),
                    memory,
                });
            }
        }
        Job::ListHandshakes => {
            let result = all_handshakes(provider).await;
            let _ = events.send(WorkerEvent::HandshakesListed(result));
        }
        Job::ListTags { resource_id } => {
            let result = all_tags(provider, &resource_id).await;
            let _ = events.send(WorkerEvent::TagsListed {
                resource_id,
                result,
            });
        }
    }
}

/// Every page of a resource's tags.
async fn all_tags(
    provider: &dyn Provider,
    resource_id: &str,
) -> Result<Vec<Tag>, ProviderError> {
    crate::provider::all_pages(|token| {
        provider.list_tags_for_resource(resource_id, token)
    })
    .await
}

/// Every page of one account's cost by service.
async fn all_service_costs(
    provider: &dyn Provider,
    account_id: &str,
    period: &CostPeriod,
) -> Result<Vec<ServiceCost>, ProviderError> {
    crate::provider::all_pages(|token| {
        provider.get_cost_by_service(account_id, period, token)
    })
    .await
}

/// Every page of the organization's invitations.
async fn all_handshakes(
    provider: &dyn Provider,
) -> Result<Vec<Handshake>, ProviderError> {
    crate::provider::all_pages(|token| provider.list_handshakes_for_organization(token))
        .await
}

/// Runs one confirmed action: a `started` line in the journal first (no
/// record, no call), the call, then a `finished` line with the outcome.
async fn perform(
    provider: &dyn Provider,
    journal: Option<&Journal>,
    action: &Action,
    warnings: Vec<Warning>,
) -> Result<Option<String>, ProviderError> {
    // Who is acting, as AWS sees it; an action is not refused for want of it.
    let caller = provider.get_caller_identity().await.ok();
    let entry = journal::Entry {
        profile: provider.source(),
        caller,
        action: action.clone(),
        warnings,
    };
    let attempt = match journal.map(|j| j.started(&entry)).transpose() {
        Ok(attempt) => attempt,
        Err(error) => {
            return Err(ProviderError::new(
                action.operation(),
                Some(action.confirmation_id()),
                ErrorKind::Other,
                "JournalUnwritable",
                format!(
                    "journal {} could not be written ({error}); nothing was sent",
                    journal.map_or(String::new(), |j| j.path().display().to_string())
                ),
            ));
        }
    };
    let result = provider.perform(action).await;
    if let (Some(journal), Some(attempt)) = (journal, attempt) {
        let outcome = match &result {
            Ok(request_id) => journal::Outcome::Succeeded {
                request_id: request_id.clone(),
            },
            Err(error) => journal::Outcome::Failed {
                error: journal::CallError {
                    code: error.code.clone(),
                    message: error.message.clone(),
                },
                request_id: None,
            },
        };
        if let Err(error) = journal.finished(&attempt, &outcome) {
            tracing::warn!(%error, "the journal's finished line could not be written");
        }
    }
    result
}

/// Answers an access job; without an access source, says there is none.
async fn run_access(
    access: Option<Arc<dyn Access>>,
    job: Job,
    events: &mpsc::UnboundedSender<WorkerEvent>,
) {
    const NONE: &str = "no IAM Identity Center access source";
    match job {
        Job::ReadAccess => {
            let result = match &access {
                Some(access) => access.access().await,
                None => Err(NONE.to_string()),
            };
            let _ = events.send(WorkerEvent::AccessRead(result));
        }
        Job::RoleCredentials {
            account_id,
            role_name,
            purpose,
        } => {
            let (result, region) = match &access {
                Some(access) => (
                    access.credentials(&account_id, &role_name).await,
                    access.region(),
                ),
                None => (Err(NONE.to_string()), None),
            };
            let event = WorkerEvent::CredentialsRead {
                account_id,
                role_name,
                purpose,
                result,
                region,
            };
            let _ = events.send(event);
        }
        _ => {}
    }
}
