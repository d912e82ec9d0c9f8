//! The console's state and its one `update` function, in the style of The
//! Elm Architecture: key presses and worker results come in as [`Event`]s,
//! the state changes, and [`Effect`]s (jobs to run, quitting) go out. Nothing
//! in here does I/O.

mod access;
mod action;
mod command;
mod cost;
mod drift;
mod keys;
mod tree;

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

use crate::clock::SharedClock;
use crate::crawl;
use crate::model::access::RoleCredentials;
use crate::model::action::Handshake;
use crate::model::drift::DriftMemory;
use crate::model::{NodeIdx, Org, Policy, PolicyType, Tag};
use crate::worker::{CostJob, DriftJob, Job, WorkerEvent};

pub use access::{AccessState, export_lines};
pub use action::{Destination, Dialog, PolicyMode};
pub use command::{COMMANDS, CommandLine};
pub use cost::{CostOptions, CostView, Services};
pub use drift::DriftView;
pub use keys::{HELP, KeyHelp};
pub use tree::{Row, TreeView};

/// Something that happened.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    /// The terminal changed size; the next frame lays out anew.
    Resize,
    Worker(WorkerEvent),
    /// Time passed: the spinner turns, ages move on.
    Tick,
    /// The watch interval passed: read the tree and drift again.
    Watch,
    /// A click on the tree's row `row` (mouse on).
    Click {
        row: usize,
    },
    /// The wheel: move the selection by this many rows.
    Scroll(isize),
}

/// Something the runtime must do for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Run(Job),
    /// Keep the organization just read as the next start's warm cache.
    SaveTree,
    /// Keep what the drift engine remembers (first-seen times, managed SCP
    /// digests) for the next run.
    SaveDriftMemory,
    /// Keep the costs just read for the console and `orgtop cost`.
    SaveCosts,
    /// Put text on the clipboard through the terminal (OSC 52).
    Copy(String),
    /// Draw with another theme, by name or path.
    SetTheme(String),
    /// Show another organization: the profile of that name.
    SwitchProfile(String),
    /// Suspend the console for a subshell with these credentials.
    Shell {
        credentials: RoleCredentials,
        region: Option<String>,
    },
    Quit,
}

/// The pane that has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Tree,
    Details,
    Drift,
    Cost,
}

/// What the pane under the details shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bottom {
    Drift,
    Cost,
}

/// A window drawn over the panes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    Help,
    /// A policy's document, scrolled down by `scroll` lines.
    PolicyDocument {
        policy_id: String,
        scroll: u16,
    },
    /// A cost refresh waiting for a yes: it says how many billed requests
    /// it will make.
    ConfirmCostRefresh {
        billed_requests: usize,
    },
    /// A dialog on the way to an action, or the action running.
    Action(Dialog),
}

/// AWS's limit on SCPs attached to one root, OU or account since May 2026.
pub const DEFAULT_SCP_LIMIT: usize = 10;

/// A crawl in progress.
#[derive(Debug, Clone)]
pub struct Loading {
    /// The crawl's number, so a cancelled crawl's late answers are ignored.
    pub crawl: u64,
    /// The organization being read, on a refresh; on the first load the
    /// answers go straight into the shown tree instead.
    pub next: Option<Org>,
    pub answers: usize,
    pub items: usize,
    pub failures: usize,
}

/// A resource's tags: loading, loaded, or why they could not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tags {
    Loading,
    Loaded(Vec<Tag>),
    Failed(String),
}

/// A policy document: loading, loaded, or why it could not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Document {
    Loading,
    Loaded(Policy),
    Failed(String),
}

/// The whole state of the console.
pub struct App {
    clock: SharedClock,
    /// Where the organization comes from: "demo", or a profile and region.
    pub source: String,
    /// Shared with the worker pool while the drift rules run over it.
    pub org: Arc<Org>,
    pub tree: TreeView,
    pub loading: Option<Loading>,
    pub last_refresh: Option<DateTime<Utc>>,
    /// Whether the tree on screen came from the cache and is not yet
    /// confirmed by a crawl.
    pub from_cache: bool,
    pub focus: Pane,
    pub zoomed: bool,
    pub overlay: Option<Overlay>,
    /// The filter being typed after `/`, while typing.
    pub filter_input: Option<String>,
    /// The policy under the cursor in the details pane.
    pub details_cursor: usize,
    pub documents: HashMap<String, Document>,
    /// Tags by resource id, fetched when a node is first selected.
    pub tags: HashMap<String, Tags>,
    pub drift: DriftView,
    pub cost: CostView,
    /// What the pane under the details shows.
    pub bottom: Bottom,
    /// Whether actions are disabled (`--read-only`).
    pub read_only: bool,
    /// The organization's invitations, once read.
    pub handshakes: Option<Vec<Handshake>>,
    /// A node to select once the next crawl has read it: the account just
    /// moved, so the person sees it under its new parent.
    pub follow: Option<String>,
    /// The command being typed after `:`, while typing.
    pub command_line: Option<CommandLine>,
    /// Commands run this session, oldest first.
    pub command_history: Vec<String>,
    /// Names `:theme` completes.
    pub theme_names: Vec<String>,
    /// Names `:profile` completes.
    pub profile_names: Vec<String>,
    /// The accounts and roles IAM Identity Center gives the person.
    pub access: AccessState,
    /// Ids of the nodes that changed in the last refresh.
    pub changed: std::collections::HashSet<String>,
    /// A one-line message for the status line.
    pub message: Option<String>,
    /// Why the organization could not be read, when it could not.
    pub error: Option<String>,
    /// Turns while jobs run.
    pub spinner: usize,
    jobs_in_flight: usize,
    next_crawl: u64,
}

impl App {
    /// A console over `source`, with nothing loaded yet.
    pub fn new(source: String, clock: SharedClock) -> Self {
        Self {
            clock,
            source,
            org: Arc::new(Org::new()),
            tree: TreeView::default(),
            loading: None,
            last_refresh: None,
            from_cache: false,
            focus: Pane::Tree,
            zoomed: false,
            overlay: None,
            filter_input: None,
            details_cursor: 0,
            documents: HashMap::new(),
            tags: HashMap::new(),
            drift: DriftView::new(DriftMemory::default(), DEFAULT_SCP_LIMIT),
            cost: CostView::default(),
            bottom: Bottom::Drift,
            read_only: false,
            handshakes: None,
            follow: None,
            command_line: None,
            command_history: Vec::new(),
            theme_names: Vec::new(),
            profile_names: Vec::new(),
            changed: std::collections::HashSet::new(),
            access: AccessState::Unknown,
            message: None,
            error: None,
            spinner: 0,
            jobs_in_flight: 0,
            next_crawl: 1,
        }
    }

    /// The current time from the app's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// How many jobs are running.
    pub fn jobs_in_flight(&self) -> usize {
        self.jobs_in_flight
    }

    /// The effects that start the console: the first crawl, and the costs
    /// when the cache is missing or stale and reading on start is on.
    pub fn start(&mut self) -> Vec<Effect> {
        let mut effects = self.begin_crawl();
        if self.cost.options.read_on_start {
            effects.extend(self.begin_cost_read(false));
        }
        effects
    }

    /// Shows a cached organization read at `read_at`, marked as cached
    /// until the next crawl completes.
    pub fn show_cached(&mut self, org: Org, read_at: DateTime<Utc>) {
        self.show(org, read_at);
        self.from_cache = true;
    }

    /// Shows an organization that is already complete, as a warm start or a
    /// test does.
    pub fn show(&mut self, org: Org, read_at: DateTime<Utc>) {
        self.org = Arc::new(org);
        if let Some(root) = self.org.root() {
            self.tree.expand_id(&self.org.node(root).id.clone());
        }
        self.tree.rebuild(&self.org);
        self.last_refresh = Some(read_at);
    }

    /// The selected node.
    pub fn selected(&self) -> Option<NodeIdx> {
        self.tree.selected().filter(|idx| idx.0 < self.org.len())
    }

    /// The policies the details pane lists for the selection, in its order:
    /// service control policies, then resource control policies.
    pub fn listed_policies(&self) -> Vec<(String, PolicyType)> {
        let Some(node) = self.selected() else {
            return Vec::new();
        };
        [
            PolicyType::ServiceControlPolicy,
            PolicyType::ResourceControlPolicy,
        ]
        .into_iter()
        .flat_map(|kind| {
            self.org
                .applied(node, kind)
                .into_iter()
                .map(move |a| (a, kind))
        })
        .map(|(applied, kind)| (applied.policy.id.clone(), kind))
        .collect()
    }

    /// Applies one event and says what the runtime must do.
    pub fn update(&mut self, event: Event) -> Vec<Effect> {
        let mut effects = self.apply(event);
        if !effects.contains(&Effect::Quit) {
            effects.extend(self.fetch_selected_tags());
        }
        effects
    }

    /// Asks for the selected node's tags the first time it is selected:
    /// one call per node a person looks at, never one per account up front.
    fn fetch_selected_tags(&mut self) -> Option<Effect> {
        let selected = self.selected()?;
        if self.loading.as_ref().is_some_and(|l| l.next.is_none()) {
            return None; // the first crawl is still running
        }
        let resource_id = self.org.node(selected).id.clone();
        if self.tags.contains_key(&resource_id) {
            return None;
        }
        self.tags.insert(resource_id.clone(), Tags::Loading);
        self.jobs_in_flight += 1;
        Some(Effect::Run(Job::ListTags { resource_id }))
    }

    fn apply(&mut self, event: Event) -> Vec<Effect> {
        match event {
            Event::Key(key) => self.on_key(key),
            Event::Resize => Vec::new(),
            Event::Tick => {
                if self.jobs_in_flight > 0 {
                    self.spinner = self.spinner.wrapping_add(1);
                }
                Vec::new()
            }
            Event::Worker(event) => self.on_worker(event),
            Event::Watch => {
                if self.loading.is_some() {
                    Vec::new()
                } else {
                    self.begin_crawl()
                }
            }
            Event::Click { row } => {
                self.focus = Pane::Tree;
                self.tree.select_row(row);
                Vec::new()
            }
            Event::Scroll(rows) => {
                self.tree.move_by(rows);
                Vec::new()
            }
        }
    }

    fn begin_crawl(&mut self) -> Vec<Effect> {
        if self.loading.is_some() {
            self.message = Some("a refresh is already running".into());
            return Vec::new();
        }
        let crawl = self.next_crawl;
        self.next_crawl += 1;
        let next = (!self.org.is_empty()).then(Org::new);
        self.loading = Some(Loading {
            crawl,
            next,
            answers: 0,
            items: 0,
            failures: 0,
        });
        self.jobs_in_flight += 1;
        self.error = None;
        let mut effects = vec![Effect::Run(Job::Crawl { crawl })];
        if !self.drift.reading {
            self.drift.reading = true;
            self.jobs_in_flight += 1;
            effects.push(Effect::Run(Job::ReadControlTower));
        }
        effects
    }

    /// Starts reading costs if the plan asks anything, or when `force`d
    /// (the credits are read again even while the cache is fresh).
    pub(crate) fn begin_cost_read(&mut self, force: bool) -> Vec<Effect> {
        if self.cost.reading {
            return Vec::new();
        }
        let (today, now) = (self.now().date_naive(), self.now());
        let plan = self.cost.plan(today, now);
        if plan.ask.is_none() && !force {
            return Vec::new();
        }
        self.cost.reading = true;
        self.jobs_in_flight += 1;
        let job = CostJob {
            plan,
            cached: self.cost.data.clone(),
            configured_credits: self.cost.options.configured_credits.clone(),
            today,
            now,
        };
        vec![Effect::Run(Job::ReadCosts(Box::new(job)))]
    }

    fn on_costs_read(
        &mut self,
        result: Result<crate::crawl::costs::CostRead, crate::provider::ProviderError>,
    ) -> Vec<Effect> {
        self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
        self.cost.reading = false;
        match result {
            Ok(read) => {
                self.cost.billed_requests += read.billed_requests;
                self.cost.data = Some(read.data);
                self.cost.error = None;
                let today = self.now().date_naive();
                self.cost.analyse(&self.org, today);
                vec![Effect::SaveCosts]
            }
            Err(error) => {
                self.cost.error = Some(format!("{error} ({})", error.hint()));
                Vec::new()
            }
        }
    }

    /// Shows costs read earlier, from the cache.
    pub fn show_cached_costs(&mut self, data: crate::crawl::costs::CostData) {
        self.cost.data = Some(data);
        let today = self.now().date_naive();
        self.cost.analyse(&self.org, today);
    }

    /// Evaluates drift once both the tree and Control Tower are read.
    /// The rules run on the worker pool: at tens of thousands of accounts
    /// they take longer than a frame.
    fn evaluate_drift(&mut self) -> Vec<Effect> {
        if self.loading.is_some() || self.drift.reading || self.org.is_empty() {
            return Vec::new();
        }
        let Some(control_tower) = self.drift.control_tower.clone() else {
            return Vec::new();
        };
        self.jobs_in_flight += 1;
        let job = DriftJob {
            org: Arc::clone(&self.org),
            control_tower,
            memory: self.drift.memory.clone(),
            scp_limit: self.drift.scp_limit,
            now: self.now(),
        };
        vec![Effect::Run(Job::EvaluateDrift(Box::new(job)))]
    }

    fn on_worker(&mut self, event: WorkerEvent) -> Vec<Effect> {
        match event {
            WorkerEvent::Crawl { crawl, event } => self.on_crawl_event(crawl, event),
            WorkerEvent::CrawlFinished { crawl, result } => {
                return self.on_crawl_finished(crawl, result);
            }
            WorkerEvent::CostsRead(result) => return self.on_costs_read(result),
            WorkerEvent::Performed { action, result } => {
                return self.on_performed(action, result);
            }
            WorkerEvent::HandshakesListed(result) => {
                self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
                match result {
                    Ok(handshakes) => self.handshakes = Some(handshakes),
                    Err(error) => {
                        self.message = Some(format!(
                            "invitations could not be read: {error} ({})",
                            error.hint()
                        ))
                    }
                }
            }
            WorkerEvent::ServiceCostsRead { account_id, result } => {
                self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
                self.cost.billed_requests += 1;
                let services = match result {
                    Ok(costs) => Services::Loaded(costs),
                    Err(error) => Services::Failed(format!("{error} ({})", error.hint())),
                };
                self.cost.services.insert(account_id, services);
            }
            WorkerEvent::AccessRead(result) => self.on_access_read(result),
            WorkerEvent::CredentialsRead {
                account_id,
                role_name,
                purpose,
                result,
                region,
            } => {
                return self
                    .on_credentials(account_id, role_name, purpose, result, region);
            }
            WorkerEvent::DriftEvaluated { report, memory } => {
                self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
                self.drift.accept(&self.org, *report, memory);
                return vec![Effect::SaveDriftMemory];
            }
            WorkerEvent::ControlTowerRead(control_tower) => {
                self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
                self.drift.reading = false;
                self.drift.control_tower = Some(control_tower);
                return self.evaluate_drift();
            }
            WorkerEvent::TagsListed {
                resource_id,
                result,
            } => {
                self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
                let tags = match result {
                    Ok(tags) => Tags::Loaded(tags),
                    Err(error) => Tags::Failed(format!("{error} ({})", error.hint())),
                };
                self.tags.insert(resource_id, tags);
            }
            WorkerEvent::PolicyDescribed { policy_id, result } => {
                self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
                let document = match result {
                    Ok(policy) => Document::Loaded(policy),
                    Err(error) => Document::Failed(format!("{error} ({})", error.hint())),
                };
                self.documents.insert(policy_id, document);
            }
        }
        Vec::new()
    }

    fn on_crawl_event(&mut self, crawl: u64, event: crawl::CrawlEvent) {
        let Some(loading) = self.loading.as_mut().filter(|l| l.crawl == crawl) else {
            return;
        };
        loading.answers += 1;
        loading.items += event.item_count();
        if matches!(event, crawl::CrawlEvent::Failed { .. }) {
            loading.failures += 1;
        }
        match loading.next.as_mut() {
            Some(next) => crawl::apply(next, event),
            None => {
                let first_root = matches!(event, crawl::CrawlEvent::Root(_));
                // Unique while the first crawl runs: no copy is made.
                crawl::apply(Arc::make_mut(&mut self.org), event);
                if first_root && let Some(root) = self.org.root() {
                    self.tree.expand_id(&self.org.node(root).id.clone());
                }
                self.tree.rebuild(&self.org);
            }
        }
    }

    fn on_crawl_finished(
        &mut self,
        crawl: u64,
        result: Result<(), crate::provider::ProviderError>,
    ) -> Vec<Effect> {
        if self.loading.as_ref().is_none_or(|l| l.crawl != crawl) {
            return Vec::new();
        }
        self.jobs_in_flight = self.jobs_in_flight.saturating_sub(1);
        let Some(loading) = self.loading.take() else {
            return Vec::new();
        };
        match result {
            Ok(()) => {
                if let Some(next) = loading.next {
                    self.changed = changed_nodes(&self.org, &next);
                    self.org = Arc::new(next);
                    self.drift.recount(&self.org);
                    self.tree.rebuild(&self.org);
                    self.tags.retain(|_, tags| matches!(tags, Tags::Loading));
                }
                self.last_refresh = Some(self.now());
                self.from_cache = false;
                if let Some(id) = self.follow.take()
                    && let Some(node) = self.org.find(&id)
                {
                    self.tree.reveal(&self.org, node);
                }
                let mut effects = self.evaluate_drift();
                effects.extend(self.fetch_access());
                // The tree changed under the costs: total them again.
                let today = self.now().date_naive();
                self.cost.analyse(&self.org, today);
                if loading.failures > 0 {
                    self.message = Some(format!(
                        "{} listings failed: see the nodes marked !",
                        loading.failures
                    ));
                    // A partial tree is not a warm start worth keeping.
                    return effects;
                }
                effects.push(Effect::SaveTree);
                effects
            }
            Err(error) => {
                self.error = Some(format!("{error}. {}", capitalized(error.hint())));
                if !self.org.is_empty() {
                    // The tree on screen stays; the status line says the
                    // refresh failed, shortly, with what to try.
                    self.message = Some(format!(
                        "refresh failed ({}): {}",
                        error.code,
                        error.hint()
                    ));
                }
                Vec::new()
            }
        }
    }

    fn open_selected_policy(&mut self) -> Vec<Effect> {
        let listed = self.listed_policies();
        let Some((policy_id, _)) = listed.get(self.details_cursor).or(listed.first())
        else {
            self.message = Some("no policy applies to the selection".into());
            return Vec::new();
        };
        let policy_id = policy_id.clone();
        self.overlay = Some(Overlay::PolicyDocument {
            policy_id: policy_id.clone(),
            scroll: 0,
        });
        if matches!(self.documents.get(&policy_id), Some(Document::Loaded(_))) {
            return Vec::new();
        }
        self.documents.insert(policy_id.clone(), Document::Loading);
        self.jobs_in_flight += 1;
        vec![Effect::Run(Job::DescribePolicy { policy_id })]
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The ids of nodes that are new, moved, renamed, changed state or had
/// their SCPs changed between `before` and `after`: a watching on-call
/// engineer sees them marked.
fn changed_nodes(before: &Org, after: &Org) -> std::collections::HashSet<String> {
    let parent_id =
        |org: &Org, idx: NodeIdx| org.node(idx).parent.map(|p| org.node(p).id.clone());
    let scps = |org: &Org, id: &str| -> Vec<String> {
        org.attached(id, PolicyType::ServiceControlPolicy)
            .iter()
            .map(|p| p.id.clone())
            .collect()
    };
    after
        .nodes()
        .filter(|(idx, node)| match before.find(&node.id) {
            None => true,
            Some(old) => {
                let was = before.node(old);
                was.name != node.name
                    || was.account().map(|a| a.state) != node.account().map(|a| a.state)
                    || parent_id(before, old) != parent_id(after, *idx)
                    || scps(before, &node.id) != scps(after, &node.id)
            }
        })
        .map(|(_, node)| node.id.clone())
        .collect()
}
