//! The console's behaviour, driven through `App::update` as the runtime
//! drives it, without a terminal.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use orgtop::app::{App, Document, Effect, Event, Overlay, Pane};
use orgtop::clock::FixedClock;
use orgtop::crawl::{self, CrawlEvent};
use orgtop::provider::Provider;
use orgtop::provider::demo::DemoProvider;
use orgtop::worker::{Job, WorkerEvent};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 4, 12, 0, 0).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

fn demo() -> DemoProvider {
    DemoProvider::northwind(Duration::ZERO).unwrap()
}

fn loaded_app() -> App {
    let org = runtime().block_on(crawl::load(&demo())).unwrap();
    let mut app = App::new("demo".into(), Arc::new(FixedClock::new(now())));
    app.show(org, now());
    app
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn selected_name(app: &App) -> String {
    app.org.node(app.selected().unwrap()).name.clone()
}

fn visible_names(app: &App) -> Vec<String> {
    app.tree
        .rows()
        .iter()
        .map(|row| app.org.node(row.node).name.clone())
        .collect()
}

fn select(app: &mut App, name: &str) {
    press(app, KeyCode::Home);
    for _ in 0..app.tree.rows().len() {
        if selected_name(app) == name {
            return;
        }
        press(app, KeyCode::Down);
    }
    panic!("{name} is not visible: {:?}", visible_names(app));
}

/// The crawl's events, in the order the demo sends them.
fn crawl_events() -> Vec<CrawlEvent> {
    let mut events = Vec::new();
    runtime()
        .block_on(crawl::crawl(&demo(), &mut |event| events.push(event)))
        .unwrap();
    events
}

#[test]
fn the_tree_fills_in_while_the_crawl_runs() {
    let mut app = App::new("demo".into(), Arc::new(FixedClock::new(now())));
    let effects = app.start();
    assert_eq!(
        effects[..2],
        [
            Effect::Run(Job::Crawl { crawl: 1 }),
            Effect::Run(Job::ReadControlTower)
        ],
        "the tree and Control Tower are read side by side"
    );
    assert!(
        matches!(effects.get(2), Some(Effect::Run(Job::ReadCosts(_)))),
        "with no cached costs, they are read at start: {effects:?}"
    );
    assert_eq!(app.jobs_in_flight(), 3);

    let events = crawl_events();
    let half = events.len() / 2;
    for event in events.iter().take(half).cloned() {
        app.update(Event::Worker(WorkerEvent::Crawl { crawl: 1, event }));
    }
    assert!(
        app.tree.rows().len() > 1,
        "the root's children show before the end"
    );
    assert!(app.last_refresh.is_none());
    assert!(app.loading.as_ref().unwrap().items > 0);

    for event in events.into_iter().skip(half) {
        app.update(Event::Worker(WorkerEvent::Crawl { crawl: 1, event }));
    }
    let effects = app.update(Event::Worker(WorkerEvent::CrawlFinished {
        crawl: 1,
        result: Ok(()),
    }));
    assert_eq!(app.org.account_count(), 43);
    assert_eq!(app.last_refresh, Some(now()));
    assert!(app.loading.is_none());
    let root = app.org.node(app.org.root().unwrap()).id.clone();
    assert!(
        effects.contains(&Effect::Run(Job::ListTags { resource_id: root })),
        "once the tree is read, the selected root's tags are fetched: {effects:?}"
    );
    assert!(
        effects.contains(&Effect::Run(Job::ReadAccess)),
        "and the roles the person may assume, after the tree: {effects:?}"
    );
    assert_eq!(
        app.jobs_in_flight(),
        4,
        "the root's tags, Control Tower, the costs and the roles are in flight"
    );
}

#[test]
fn expanding_and_collapsing_with_arrows() {
    let mut app = loaded_app();
    select(&mut app, "Security");
    assert!(!visible_names(&app).contains(&"Log Archive".to_string()));

    press(&mut app, KeyCode::Right);
    assert!(visible_names(&app).contains(&"Log Archive".to_string()));
    press(&mut app, KeyCode::Right);
    assert_eq!(
        selected_name(&app),
        "Audit",
        "→ on an open OU steps to its first child"
    );

    press(&mut app, KeyCode::Left);
    assert_eq!(
        selected_name(&app),
        "Security",
        "← on an account steps to its parent"
    );
    press(&mut app, KeyCode::Left);
    assert!(!visible_names(&app).contains(&"Log Archive".to_string()));
}

#[test]
fn enter_and_space_toggle() {
    let mut app = loaded_app();
    select(&mut app, "Workloads");
    press(&mut app, KeyCode::Enter);
    assert!(visible_names(&app).contains(&"Production".to_string()));
    press(&mut app, KeyCode::Char(' '));
    assert!(!visible_names(&app).contains(&"Production".to_string()));
}

#[test]
fn the_filter_keeps_parents_and_esc_clears_it() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    for c in "legacy".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(
        visible_names(&app),
        [
            "Root",
            "Workloads",
            "Production",
            "Northwind Legacy Production"
        ]
    );
    assert_eq!(selected_name(&app), "Northwind Legacy Production");
    assert_eq!(app.tree.match_count(), 1);

    press(&mut app, KeyCode::Enter);
    assert!(app.filter_input.is_none());
    assert_eq!(app.tree.filter().unwrap().text(), "legacy");

    press(&mut app, KeyCode::Esc);
    assert!(app.tree.filter().is_none());
    assert_eq!(
        selected_name(&app),
        "Northwind Legacy Production",
        "the selection stays"
    );
}

#[test]
fn the_filter_matches_ids_and_emails() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char('/'));
    for c in "482910375566".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.tree.match_count(), 1);
    press(&mut app, KeyCode::Backspace);
    for c in "x".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.tree.match_count(), 0);
    assert!(visible_names(&app).is_empty());

    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('/'));
    for c in "amara.okafor+".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(selected_name(&app), "sandbox-amara-okafor");
}

#[test]
fn page_keys_move_by_the_pane_height() {
    let mut app = loaded_app();
    select(&mut app, "Sandbox");
    press(&mut app, KeyCode::Enter);
    app.tree.page_height = 5;
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.tree.selected_row(), 5);
    press(&mut app, KeyCode::End);
    assert_eq!(app.tree.selected_row(), app.tree.rows().len() - 1);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(app.tree.selected_row(), app.tree.rows().len() - 6);
}

#[test]
fn p_fetches_the_policy_under_the_details_cursor_once() {
    let mut app = loaded_app();
    select(&mut app, "Security");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Details);
    press(&mut app, KeyCode::Down);
    let (policy_id, _) = app.listed_policies()[1].clone();

    let effects = press(&mut app, KeyCode::Char('p'));
    assert_eq!(
        effects,
        vec![Effect::Run(Job::DescribePolicy {
            policy_id: policy_id.clone()
        })]
    );
    assert!(matches!(app.overlay, Some(Overlay::PolicyDocument { .. })));
    assert_eq!(app.documents.get(&policy_id), Some(&Document::Loading));

    let policy = runtime().block_on(demo().describe_policy(&policy_id));
    app.update(Event::Worker(WorkerEvent::PolicyDescribed {
        policy_id: policy_id.clone(),
        result: policy,
    }));
    assert!(matches!(
        app.documents.get(&policy_id),
        Some(Document::Loaded(_))
    ));

    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    let again = press(&mut app, KeyCode::Char('p'));
    assert!(again.is_empty(), "a fetched document is not fetched again");
}

#[test]
fn a_refresh_keeps_the_old_tree_until_the_new_one_is_complete() {
    let mut app = loaded_app();
    select(&mut app, "Security");
    press(&mut app, KeyCode::Enter);
    select(&mut app, "Log Archive");

    let effects = press(&mut app, KeyCode::Char('r'));
    let Some(Effect::Run(Job::Crawl { crawl })) = effects.first().cloned() else {
        panic!("r starts a crawl: {effects:?}");
    };
    assert!(
        press(&mut app, KeyCode::Char('r')).is_empty(),
        "one refresh at a time"
    );

    let events = crawl_events();
    for event in events.iter().take(3).cloned() {
        app.update(Event::Worker(WorkerEvent::Crawl { crawl, event }));
    }
    assert_eq!(app.org.account_count(), 43, "the shown tree stays whole");
    for event in events.into_iter().skip(3) {
        app.update(Event::Worker(WorkerEvent::Crawl { crawl, event }));
    }
    app.update(Event::Worker(WorkerEvent::CrawlFinished {
        crawl,
        result: Ok(()),
    }));
    assert_eq!(
        selected_name(&app),
        "Log Archive",
        "selection and expansion survive"
    );
}

#[test]
fn a_failed_first_crawl_says_why() {
    let mut app = App::new("demo".into(), Arc::new(FixedClock::new(now())));
    app.start();
    let error = orgtop::provider::ProviderError::new(
        "DescribeOrganization",
        None,
        orgtop::provider::ErrorKind::AccessDenied,
        "AccessDeniedException",
        "You don't have permissions to access this resource.",
    );
    app.update(Event::Worker(WorkerEvent::CrawlFinished {
        crawl: 1,
        result: Err(error),
    }));
    let shown = app.error.clone().unwrap();
    assert!(
        shown.contains("DescribeOrganization failed: AccessDeniedException"),
        "{shown}"
    );
    assert!(shown.contains("IAM policy"), "{shown}");
}

#[test]
fn q_and_ctrl_c_quit() {
    let mut app = loaded_app();
    assert_eq!(press(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(
        app.update(Event::Key(ctrl_c)),
        vec![Effect::Quit],
        "even while typing"
    );
}

#[test]
fn a_cached_tree_shows_at_once_and_a_complete_crawl_replaces_and_saves_it() {
    let org = runtime().block_on(crawl::load(&demo())).unwrap();
    let mut app = App::new("demo".into(), Arc::new(FixedClock::new(now())));
    app.show_cached(org, now() - chrono::Duration::hours(5));
    assert!(app.from_cache);
    assert_eq!(app.org.account_count(), 43);

    let Some(Effect::Run(Job::Crawl { crawl })) = app.start().first().cloned() else {
        panic!("the start refreshes the cached tree");
    };
    for event in crawl_events() {
        app.update(Event::Worker(WorkerEvent::Crawl { crawl, event }));
    }
    let effects = app.update(Event::Worker(WorkerEvent::CrawlFinished {
        crawl,
        result: Ok(()),
    }));
    assert_eq!(
        effects,
        vec![Effect::Run(Job::ReadAccess), Effect::SaveTree]
    );
    assert!(!app.from_cache);
    assert_eq!(app.last_refresh, Some(now()));
}

#[test]
fn tags_are_fetched_once_when_a_node_is_first_selected() {
    let mut app = loaded_app();
    select(&mut app, "Sandbox");
    let sandbox = app.org.node(app.selected().unwrap()).id.clone();
    assert_eq!(app.tags.get(&sandbox), Some(&orgtop::app::Tags::Loading));

    let effects = press(&mut app, KeyCode::Down);
    let asked: Vec<&Effect> = effects
        .iter()
        .filter(|e| matches!(e, Effect::Run(Job::ListTags { .. })))
        .collect();
    assert_eq!(
        asked.len(),
        1,
        "one fetch for the newly selected node: {effects:?}"
    );

    let effects = press(&mut app, KeyCode::Up);
    assert!(
        effects.is_empty(),
        "Sandbox's tags were asked for already: {effects:?}"
    );

    app.update(Event::Worker(WorkerEvent::TagsListed {
        resource_id: sandbox.clone(),
        result: runtime()
            .block_on(demo().list_tags_for_resource(&sandbox, None))
            .map(|p| p.items),
    }));
    let Some(orgtop::app::Tags::Loaded(tags)) = app.tags.get(&sandbox) else {
        panic!("tags arrive");
    };
    assert!(tags.iter().any(|t| t.key == "CostCenter"), "{tags:?}");
}

/// The console with the demo's tree and Control Tower read, as after start.
fn app_with_drift() -> App {
    let mut app = loaded_app();
    app.start();
    let crawl = 1;
    for event in crawl_events() {
        app.update(Event::Worker(WorkerEvent::Crawl { crawl, event }));
    }
    app.update(Event::Worker(WorkerEvent::CrawlFinished {
        crawl,
        result: Ok(()),
    }));
    let control_tower = runtime().block_on(orgtop::crawl::control_tower::read(&demo()));
    let effects = app.update(Event::Worker(WorkerEvent::ControlTowerRead(control_tower)));
    // The rules run on the worker pool; run that job as the pool would.
    let Some(Effect::Run(Job::EvaluateDrift(job))) = effects.first().cloned() else {
        panic!("once both are read, drift is evaluated off the UI thread: {effects:?}");
    };
    let mut job = *job;
    let report =
        job.memory
            .evaluate(&job.org, &job.control_tower, job.scp_limit, job.now);
    let effects = app.update(Event::Worker(WorkerEvent::DriftEvaluated {
        report: Box::new(report),
        memory: job.memory,
    }));
    assert_eq!(effects, vec![Effect::SaveDriftMemory]);
    app
}

#[test]
fn drift_is_evaluated_once_the_tree_and_control_tower_are_read() {
    let app = app_with_drift();
    let root = app.org.root().unwrap();
    let all = app.drift.findings_for(&app.org, root);
    assert_eq!(all.len(), 9, "the demo's drift: {all:#?}");
    assert_eq!(all[0].kind.as_str(), "NO_ALLOW_PATH", "most severe first");
    assert_eq!(app.drift.count(root), 9);

    let suspended = app.org.find(&all[0].target).unwrap();
    assert_eq!(app.org.node(suspended).name, "Suspended");
    assert_eq!(app.drift.count(suspended), 1, "the tree badge of the OU");
}

#[test]
fn the_drift_pane_shows_the_selected_subtree_and_f_raises_the_floor() {
    let mut app = app_with_drift();
    select(&mut app, "Workloads");
    let node = app.selected().unwrap();
    let kinds: Vec<&str> = app
        .drift
        .findings_for(&app.org, node)
        .iter()
        .map(|f| f.kind.as_str())
        .collect();
    assert_eq!(
        kinds,
        [
            "ACCOUNT_MOVED_BETWEEN_OUS",
            "SCP_DETACHED_FROM_OU",
            "CONTROL_DRIFTED"
        ]
    );

    press(&mut app, KeyCode::Char('f'));
    press(&mut app, KeyCode::Char('f'));
    let high: Vec<&str> = app
        .drift
        .findings_for(&app.org, node)
        .iter()
        .map(|f| f.kind.as_str())
        .collect();
    assert_eq!(high, ["ACCOUNT_MOVED_BETWEEN_OUS", "SCP_DETACHED_FROM_OU"]);
}

#[test]
fn enter_on_a_finding_selects_its_target_in_the_tree() {
    let mut app = app_with_drift();
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Drift);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Pane::Tree);
    assert_eq!(selected_name(&app), "Suspended");

    select(&mut app, "Root");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    assert_eq!(
        selected_name(&app),
        "qa-load-testing",
        "a finding deep in the tree"
    );
}

fn type_keys(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(press(app, KeyCode::Char(c)));
    }
    effects
}

#[test]
fn the_command_line_completes_runs_and_remembers() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char(':'));
    type_keys(&mut app, "co");
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.command_line.as_ref().unwrap().text, "cost");
    press(&mut app, KeyCode::Enter);
    assert!(app.command_line.is_none());
    assert_eq!(app.focus, Pane::Cost);

    press(&mut app, KeyCode::Char(':'));
    type_keys(&mut app, "drift");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Pane::Drift);

    press(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Up);
    assert_eq!(app.command_line.as_ref().unwrap().text, "drift");
    press(&mut app, KeyCode::Up);
    assert_eq!(
        app.command_line.as_ref().unwrap().text,
        "cost",
        "older with each ↑"
    );
    press(&mut app, KeyCode::Esc);

    press(&mut app, KeyCode::Char(':'));
    type_keys(&mut app, "frobnicate");
    press(&mut app, KeyCode::Enter);
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .contains("unknown command :frobnicate")
    );

    press(&mut app, KeyCode::Char(':'));
    type_keys(&mut app, "quit");
    assert_eq!(press(&mut app, KeyCode::Enter), vec![Effect::Quit]);
}

#[test]
fn theme_and_profile_commands_ask_the_runtime() {
    let mut app = loaded_app();
    press(&mut app, KeyCode::Char(':'));
    type_keys(&mut app, "theme light");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::SetTheme("light".into())]
    );
    press(&mut app, KeyCode::Char(':'));
    type_keys(&mut app, "profile audit");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        vec![Effect::SwitchProfile("audit".into())]
    );
}

#[test]
fn y_and_capital_y_copy_the_id_and_the_arn() {
    let mut app = loaded_app();
    select(&mut app, "Security");
    let node = app.org.node(app.selected().unwrap()).clone();
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        vec![Effect::Copy(node.id.clone())]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('Y')),
        vec![Effect::Copy(node.arn.clone())]
    );
}

#[test]
fn a_watch_refresh_marks_what_changed() {
    let mut app = loaded_app();
    let effects = app.update(Event::Watch);
    let Some(Effect::Run(Job::Crawl { crawl })) = effects.first().cloned() else {
        panic!("the watch re-reads the tree: {effects:?}");
    };
    // The organization changes between the two reads: an account moves.
    let demo = demo();
    let org = runtime().block_on(crawl::load(&demo)).unwrap();
    let account = org
        .node(org.find(&account_id(&org, "ci-cd")).unwrap())
        .clone();
    let from = org.node(account.parent.unwrap()).id.clone();
    let to = account_id(&org, "Suspended");
    runtime()
        .block_on(demo.perform(&orgtop::model::action::Action::MoveAccount {
            account_id: account.id.clone(),
            source_parent_id: from,
            destination_parent_id: to,
        }))
        .unwrap();
    let mut events = Vec::new();
    runtime()
        .block_on(crawl::crawl(&demo, &mut |event| events.push(event)))
        .unwrap();
    for event in events {
        app.update(Event::Worker(WorkerEvent::Crawl { crawl, event }));
    }
    app.update(Event::Worker(WorkerEvent::CrawlFinished {
        crawl,
        result: Ok(()),
    }));
    assert!(
        app.changed.contains(&account.id),
        "the moved account is marked"
    );
    assert!(!app.changed.contains("p-FullAWSAccess"));
    assert_eq!(app.changed.len(), 1, "{:?}", app.changed);
}

fn account_id(org: &orgtop::model::Org, name: &str) -> String {
    org.nodes()
        .find(|(_, n)| n.name == name)
        .map(|(_, n)| n.id.clone())
        .unwrap()
}

#[test]
fn after_a_refresh_drift_flags_stay_on_their_targets() {
    let mut app = app_with_drift();
    let suspended = app.org.find(&account_id(&app.org, "Suspended")).unwrap();
    assert_eq!(app.drift.count(suspended), 1);

    // A refresh whose tree arrives in another order: indices change.
    let Some(Effect::Run(Job::Crawl { crawl })) =
        press(&mut app, KeyCode::Char('r')).first().cloned()
    else {
        panic!("r refreshes");
    };
    let mut events = crawl_events();
    events.reverse();
    let (first, rest): (Vec<_>, Vec<_>) = events.into_iter().partition(|e| {
        matches!(
            e,
            orgtop::crawl::CrawlEvent::Organization(_)
                | orgtop::crawl::CrawlEvent::Root(_)
        )
    });
    for event in first.into_iter().rev().chain(rest.into_iter().rev()) {
        app.update(Event::Worker(WorkerEvent::Crawl { crawl, event }));
    }
    app.update(Event::Worker(WorkerEvent::CrawlFinished {
        crawl,
        result: Ok(()),
    }));

    let suspended = app.org.find(&account_id(&app.org, "Suspended")).unwrap();
    assert_eq!(
        app.drift.count(suspended),
        1,
        "the flag follows the OU, not its old index"
    );
}

#[test]
fn read_only_refuses_actions_but_still_lists_invitations() {
    let mut app = loaded_app();
    app.read_only = true;
    select(&mut app, "Northwind Management");
    press(&mut app, KeyCode::Char('m'));
    assert!(app.overlay.is_none());
    assert!(
        app.message
            .as_ref()
            .unwrap()
            .contains("read-only: m is disabled")
    );
    let effects = press(&mut app, KeyCode::Char('I'));
    assert!(matches!(
        app.overlay,
        Some(Overlay::Action(orgtop::app::Dialog::Invitations { .. }))
    ));
    assert!(effects.contains(&Effect::Run(Job::ListHandshakes)));
}
