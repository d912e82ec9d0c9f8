//! IAM Identity Center: the SSO token cache read from a temporary home, the
//! AWS access portal adapter against aws-smithy-mocks (paging, a refused
//! token, throttling, pacing on tokio's paused clock), and `orgtop
//! credentials` run against a portal on the loopback.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_sso::Client;
use aws_sdk_sso::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_sso::config::{ConfigBag, Credentials, Intercept, RuntimeComponents};
use aws_sdk_sso::error::BoxError;
use aws_sdk_sso::operation::get_role_credentials::GetRoleCredentialsOutput;
use aws_sdk_sso::operation::list_account_roles::ListAccountRolesOutput;
use aws_sdk_sso::operation::list_accounts::ListAccountsOutput;
use aws_sdk_sso::types::{AccountInfo, RoleCredentials, RoleInfo};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock};
use chrono::{DateTime, Duration as Span, Utc};
use orgtop::provider::aws::sso::{
    AwsFiles, Pacing, SsoError, SsoPortal, SsoProfile, SsoToken, sso_config,
};
use orgtop::provider::aws::{self, AwsSettings};
use serde_json::{Value, json};
use sha1::Digest;
use tempfile::TempDir;

const CONFIG: &str = "\
[default]
region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-central-1

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-west-2
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile keys]
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
";

const TOKEN: &str = "aoa-test-bearer-token";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN==";

/// What the portal answers when the directory's rate limit is exceeded.
const THROTTLED: &str =
    r#"{"__type":"TooManyRequestsException","message":"Rate exceeded"}"#;
/// What the portal answers to a token it does not take.
const UNAUTHORIZED: &str = r#"{"__type":"UnauthorizedException","message":"Session token not found or invalid"}"#;

/// A temporary home with the AWS config file above.
struct Home {
    dir: TempDir,
}

impl Home {
    fn new() -> Self {
        let home = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let aws = home.path().join(".aws");
        std::fs::create_dir_all(aws.join("sso").join("cache")).unwrap();
        std::fs::write(aws.join("config"), CONFIG).unwrap();
        home
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn files(&self) -> AwsFiles {
        AwsFiles::in_home(self.path())
    }

    /// Writes `text` as the token cache file named after `key`.
    fn cache(&self, key: &str, text: &str) -> PathBuf {
        let name: String = sha1::Sha1::digest(key.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let path = self
            .path()
            .join(".aws/sso/cache")
            .join(format!("{name}.json"));
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Caches a token for `key` that expires at `expires_at`.
    fn cache_token(&self, key: &str, expires_at: DateTime<Utc>) {
        let text = json!({
            "startUrl": "https://corp.awsapps.com/start",
            "region": "eu-west-1",
            "accessToken": TOKEN,
            "expiresAt": expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        });
        self.cache(key, &text.to_string());
    }
}

/// The two kinds of SSO profile: its name, what its cache file is named
/// after, and the command that signs it in.
const SSO_PROFILES: [(&str, &str, &str); 2] = [
    ("dev", "corp", "aws sso login --sso-session corp"),
    (
        "legacy",
        "https://legacy.awsapps.com/start",
        "aws sso login --profile legacy",
    ),
];

fn read_token(home: &Home, profile: &str) -> Result<SsoToken, SsoError> {
    let profile = SsoProfile::read(&home.files(), profile)?;
    SsoToken::read(&home.files(), &profile, Utc::now())
}

/// Asserts `result` asks to sign in with `command`, saying `why`.
fn assert_asks_to_sign_in(result: Result<SsoToken, SsoError>, command: &str, why: &str) {
    let error = result.unwrap_err();
    assert_eq!(error.login_command(), Some(command), "{error}");
    let shown = error.to_string();
    assert!(shown.contains(&format!("`{command}`")), "{shown}");
    assert!(shown.contains(why), "{shown} should say {why}");
}

#[test]
fn a_valid_cached_token_is_read_for_session_and_legacy_profiles() {
    for (profile, key, _) in SSO_PROFILES {
        let home = Home::new();
        let expires_at = Utc::now() + Span::hours(4);
        home.cache_token(key, expires_at);

        let token = read_token(&home, profile).unwrap();

        assert_eq!(token.access_token(), TOKEN, "{profile}");
        assert_eq!(token.expires_at.timestamp(), expires_at.timestamp());
        assert!(
            !format!("{token:?}").contains(TOKEN),
            "Debug shows the token"
        );
    }
}

#[test]
fn an_expired_token_asks_to_sign_in_with_the_exact_command() {
    for (profile, key, command) in SSO_PROFILES {
        let home = Home::new();
        home.cache_token(key, Utc::now() - Span::minutes(5));

        assert_asks_to_sign_in(read_token(&home, profile), command, "expired");
    }
}

#[test]
fn a_malformed_token_cache_asks_to_sign_in_with_the_exact_command() {
    for (profile, key, command) in SSO_PROFILES {
        for text in [
            "{not json",
            r#"{"expiresAt": "2030-01-01T00:00:00Z"}"#,
            r#"{"accessToken": "x", "expiresAt": "next tuesday"}"#,
        ] {
            let home = Home::new();
            home.cache(key, text);

            assert_asks_to_sign_in(read_token(&home, profile), command, "not a usable");
        }
    }
}

#[test]
fn a_missing_token_cache_asks_to_sign_in_with_the_exact_command() {
    for (profile, _, command) in SSO_PROFILES {
        let home = Home::new();

        assert_asks_to_sign_in(read_token(&home, profile), command, "no SSO token");
    }
}

#[test]
fn a_profile_without_sso_settings_is_not_an_sso_profile() {
    let home = Home::new();
    for profile in ["keys", "default", "absent"] {
        let error = SsoProfile::read(&home.files(), profile).unwrap_err();

        assert!(
            matches!(error, SsoError::NotSso { .. }),
            "{profile}: {error}"
        );
        assert_eq!(error.login_command(), None);
        assert!(error.to_string().contains("not an SSO profile"), "{error}");
    }
}

#[test]
fn a_session_profile_reads_the_portal_from_its_sso_session_section() {
    let home = Home::new();

    let profile = SsoProfile::read(&home.files(), "dev").unwrap();

    assert_eq!(profile.session.as_deref(), Some("corp"));
    assert_eq!(profile.start_url, "https://corp.awsapps.com/start");
    assert_eq!(profile.sso_region, "eu-west-1");
    assert_eq!(profile.region.as_deref(), Some("eu-central-1"));
}

// The portal adapter against aws-smithy-mocks.

/// Records when every request was sent (tokio's clock, so paused time
/// shows) and where to, retries included.
#[derive(Debug, Clone, Default)]
struct Sent(Arc<Mutex<Vec<(tokio::time::Instant, String)>>>);

impl Sent {
    fn uris(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|(_, uri)| uri.clone())
            .collect()
    }

    fn times(&self) -> Vec<tokio::time::Instant> {
        self.0.lock().unwrap().iter().map(|(at, _)| *at).collect()
    }
}

impl Intercept for Sent {
    fn name(&self) -> &'static str {
        "Sent"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _config: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let uri = context.request().uri().to_string();
        let header = context.request().headers().get("x-amz-sso_bearer_token");
        assert_eq!(header, Some(TOKEN), "every call carries the bearer token");
        let now = tokio::time::Instant::now();
        self.0.lock().unwrap().push((now, uri));
        Ok(())
    }
}

fn settings() -> AwsSettings {
    AwsSettings {
        profile: Some("orgtop-tests".into()),
        region: Some("us-east-1".into()),
        ..AwsSettings::default()
    }
}

fn profile() -> SsoProfile {
    SsoProfile {
        profile: "dev".into(),
        session: Some("corp".into()),
        start_url: "https://corp.awsapps.com/start".into(),
        sso_region: "eu-west-1".into(),
        region: Some("eu-central-1".into()),
    }
}

/// The portal configured from orgtop's settings through the real config
/// loader, answering from `rules`.
async fn portal(rules: &[Rule], sent: &Sent, pacing: Pacing) -> SsoPortal {
    let settings = settings();
    let credentials = Credentials::new("testing", "testing", None, None, "orgtop-tests");
    let sdk = aws::config_loader(&settings)
        .credentials_provider(credentials)
        .load()
        .await;
    let mocks = rules.iter().fold(
        MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny),
        |mocks, rule| mocks.with_rule(rule),
    );
    let retry = settings
        .retry_config()
        .with_initial_backoff(Duration::from_millis(1));
    let config = sso_config(&sdk, &settings, &profile())
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .retry_config(retry)
        .interceptor(mocks)
        .interceptor(sent.clone());
    let token = SsoToken::new(TOKEN, Utc::now() + Span::hours(1));
    SsoPortal::new(Client::from_conf(config.build()), profile(), token, pacing)
}

fn account_id(n: usize) -> String {
    format!("{:012}", 100_000_000_000 + n)
}

fn accounts_page(
    range: std::ops::Range<usize>,
    next: Option<&str>,
) -> ListAccountsOutput {
    let accounts = range.map(|n| {
        AccountInfo::builder()
            .account_id(account_id(n))
            .account_name(format!("workload-{n}"))
            .email_address(format!("aws+{n}@example.com"))
            .build()
    });
    ListAccountsOutput::builder()
        .set_account_list(Some(accounts.collect()))
        .set_next_token(next.map(str::to_string))
        .build()
}

fn roles_page(names: &[&str], next: Option<&str>) -> ListAccountRolesOutput {
    let roles = names
        .iter()
        .map(|name| RoleInfo::builder().role_name(*name).build());
    ListAccountRolesOutput::builder()
        .set_role_list(Some(roles.collect()))
        .set_next_token(next.map(str::to_string))
        .build()
}

/// Accounts in pages of 100 (`total` of them), each page asked with
/// maxResults 100 and the previous page's token.
fn paged_accounts(total: usize) -> Vec<Rule> {
    let pages = total.div_ceil(100);
    (0..pages)
        .map(|page| {
            let asked = (page > 0).then(|| format!("accounts-{page}"));
            let next = (page + 1 < pages).then(|| format!("accounts-{}", page + 1));
            let range = page * 100..((page + 1) * 100).min(total);
            mock!(Client::list_accounts)
                .match_requests(move |input| {
                    input.max_results() == Some(100)
                        && input.next_token() == asked.as_deref()
                })
                .sequence()
                .output(move || accounts_page(range.clone(), next.as_deref()))
                .repeatedly()
                .build()
        })
        .collect()
}

#[tokio::test]
async fn accounts_are_listed_in_pages_of_100_following_the_next_token() {
    let sent = Sent::default();
    let portal = portal(&paged_accounts(250), &sent, Pacing::default()).await;

    let accounts = portal.list_accounts().await.unwrap();

    assert_eq!(accounts.len(), 250);
    assert_eq!(accounts[249].account_id, account_id(249));
    assert_eq!(accounts[0].account_name, "workload-0");
    assert_eq!(accounts[0].email_address, "aws+0@example.com");
    let uris = sent.uris();
    assert_eq!(uris.len(), 3);
    assert!(
        uris.iter().all(|uri| uri.contains("max_result=100")),
        "{uris:?}"
    );
    assert!(uris[0].starts_with("https://portal.sso.eu-west-1.amazonaws.com/"));
}

#[tokio::test]
async fn roles_are_listed_in_pages_of_100_following_the_next_token() {
    let first = mock!(Client::list_account_roles)
        .match_requests(|input| {
            input.max_results() == Some(100)
                && input.account_id() == Some("111122223333")
                && input.next_token().is_none()
        })
        .then_output(|| {
            roles_page(&["AdministratorAccess", "ReadOnly"], Some("roles-2"))
        });
    let second = mock!(Client::list_account_roles)
        .match_requests(|input| {
            input.max_results() == Some(100) && input.next_token() == Some("roles-2")
        })
        .then_output(|| roles_page(&["Billing"], None));
    let sent = Sent::default();
    let portal = portal(&[first, second], &sent, Pacing::default()).await;

    let roles = portal.list_account_roles("111122223333").await.unwrap();

    let names: Vec<&str> = roles.iter().map(|role| role.role_name.as_str()).collect();
    assert_eq!(names, ["AdministratorAccess", "ReadOnly", "Billing"]);
    assert!(roles.iter().all(|role| role.account_id == "111122223333"));
    assert_eq!(sent.uris().len(), 2);
}

#[tokio::test]
async fn a_refused_token_asks_to_sign_in_with_the_exact_command() {
    let refused = mock!(Client::list_accounts)
        .sequence()
        .http_status(401, Some(UNAUTHORIZED.to_string()))
        .repeatedly()
        .build();
    let sent = Sent::default();
    let portal = portal(&[refused], &sent, Pacing::default()).await;

    let error = portal.list_accounts().await.unwrap_err();

    assert_eq!(
        error.login_command(),
        Some("aws sso login --sso-session corp")
    );
    assert!(
        error.to_string().contains("refused the SSO token"),
        "{error}"
    );
    assert_eq!(sent.uris().len(), 1, "a refused token is not retried");
}

#[tokio::test]
async fn throttling_is_retried_by_the_sdk_and_the_call_succeeds() {
    let throttled_twice = mock!(Client::list_account_roles)
        .sequence()
        .http_status(429, Some(THROTTLED.to_string()))
        .times(2)
        .output(|| roles_page(&["ReadOnly"], None))
        .build();
    let sent = Sent::default();
    let portal = portal(&[throttled_twice], &sent, Pacing::default()).await;

    let roles = portal.list_account_roles("111122223333").await.unwrap();

    assert_eq!(roles.len(), 1);
    assert_eq!(
        sent.uris().len(),
        3,
        "two throttled attempts, then the answer"
    );
}

#[tokio::test(start_paused = true)]
async fn several_hundred_accounts_load_their_roles_under_the_pacing_limit() {
    let total = 300;
    let mut rules = paged_accounts(total);
    rules.push(
        mock!(Client::list_account_roles)
            .match_requests(|input| input.max_results() == Some(100))
            .sequence()
            .output(|| roles_page(&["ReadOnly"], None))
            .repeatedly()
            .build(),
    );
    let sent = Sent::default();
    let pacing = Pacing {
        requests_per_second: 10,
        concurrency: 4,
    };
    let portal = portal(&rules, &sent, pacing).await;
    let begin = tokio::time::Instant::now();

    let access = portal.access().await.unwrap();

    assert_eq!(access.len(), total);
    assert!(access.iter().all(|entry| entry.roles.len() == 1));
    assert_eq!(access[123].roles[0].account_id, account_id(123));
    let times = sent.times();
    assert_eq!(
        times.len(),
        total + 3,
        "three pages of accounts, a call per account"
    );
    for (at, window) in times.windows(11).enumerate() {
        let span = window[10] - window[0];
        assert!(
            span >= Duration::from_secs(1),
            "requests {at}..={} started within {span:?}: over 10 a second",
            at + 10
        );
    }
    let elapsed = begin.elapsed();
    assert!(elapsed >= Duration::from_millis(30_200), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(32),
        "paced, not stalled: {elapsed:?}"
    );
}

#[tokio::test]
async fn role_credentials_come_back_with_their_expiry() {
    let expiration = Utc::now() + Span::hours(1);
    let answer = mock!(Client::get_role_credentials)
        .match_requests(|input| {
            input.account_id() == Some("111122223333")
                && input.role_name() == Some("ReadOnly")
        })
        .then_output(move || credentials_answer(expiration.timestamp_millis()));
    let portal = portal(&[answer], &Sent::default(), Pacing::default()).await;

    let credentials = portal
        .get_role_credentials("111122223333", "ReadOnly")
        .await
        .unwrap();

    assert_eq!(credentials.access_key_id, "ASIAEXAMPLEKEY");
    assert_eq!(credentials.secret_access_key, SECRET);
    assert_eq!(credentials.expiration.timestamp(), expiration.timestamp());
    assert!(!format!("{credentials:?}").contains(SECRET));
}

fn credentials_answer(expiration_ms: i64) -> GetRoleCredentialsOutput {
    let credentials = RoleCredentials::builder()
        .access_key_id("ASIAEXAMPLEKEY")
        .secret_access_key(SECRET)
        .session_token(SESSION_TOKEN)
        .expiration(expiration_ms)
        .build();
    GetRoleCredentialsOutput::builder()
        .role_credentials(credentials)
        .build()
}

// `orgtop credentials` against a portal on the loopback.

/// A portal on 127.0.0.1 that answers [`portal_answer`] to the bearer
/// token above, and 401 to anything else. It records each request line.
fn loopback_portal(expiration_ms: i64) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut token = None;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("x-amz-sso_bearer_token")
                {
                    token = Some(value.trim().to_string());
                }
            }
            seen.lock().unwrap().push(request_line.trim().to_string());
            let body = match token.as_deref() == Some(TOKEN) {
                true => portal_answer(&request_line, expiration_ms),
                false => None,
            };
            let (status, body) = match body {
                Some(body) => ("200 OK", body.to_string()),
                None => ("401 Unauthorized", UNAUTHORIZED.to_string()),
            };
            let mut stream = stream;
            let response = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
        }
    });
    (url, requests)
}

/// The portal's answer to `request_line`: one account, 111122223333, with
/// one role, ReadOnly, and its credentials; `None` for anything else.
fn portal_answer(request_line: &str, expiration_ms: i64) -> Option<Value> {
    if asks_for_read_only(request_line) {
        return Some(json!({"roleCredentials": {
            "accessKeyId": "ASIAEXAMPLEKEY",
            "secretAccessKey": SECRET,
            "sessionToken": SESSION_TOKEN,
            "expiration": expiration_ms,
        }}));
    }
    if request_line.starts_with("GET /assignment/accounts?max_result=100 ") {
        return Some(json!({"accountList": [{
            "accountId": "111122223333",
            "accountName": "prod",
            "emailAddress": "aws+prod@example.com",
        }]}));
    }
    let roles = ["account_id=111122223333", "max_result=100"];
    let target = request_line.split(' ').nth(1)?;
    let (path, query) = target.split_once('?')?;
    let mut parameters: Vec<&str> = query.split('&').collect();
    parameters.sort_unstable();
    (path == "/assignment/roles" && parameters == roles).then(
        || json!({"roleList": [{"roleName": "ReadOnly", "accountId": "111122223333"}]}),
    )
}

/// Whether `request_line` is `GetRoleCredentials` for ReadOnly in
/// 111122223333, the query's parameters in any order.
fn asks_for_read_only(request_line: &str) -> bool {
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let Some(("/federation/credentials", query)) = target.split_once('?') else {
        return false;
    };
    let mut parameters: Vec<&str> = query.split('&').collect();
    parameters.sort_unstable();
    request_line.starts_with("GET ")
        && parameters == ["account_id=111122223333", "role_name=ReadOnly"]
}

/// Runs orgtop in `home` with nothing else in its environment.
fn orgtop(home: &Home, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgtop"))
        .args(args)
        .current_dir(home.path())
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("orgtop runs")
}

/// Every file under `dir` that holds `needle`.
fn files_holding(dir: &Path, needle: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_holding(&path, needle));
        } else if std::fs::read(&path)
            .map(|bytes| String::from_utf8_lossy(&bytes).contains(needle))
            .unwrap_or(false)
        {
            found.push(path);
        }
    }
    found
}

#[test]
fn credentials_as_json_answer_in_the_credential_process_shape() {
    let home = Home::new();
    home.cache_token("corp", Utc::now() + Span::hours(4));
    let expiration = Utc::now() + Span::hours(1);
    let (url, requests) = loopback_portal(expiration.timestamp_millis());

    let args = [
        "credentials",
        "111122223333",
        "ReadOnly",
        "--format",
        "json",
        "--profile",
        "dev",
        "--endpoint-url",
        &url,
    ];
    let output = orgtop(&home, &args);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["Version"], 1);
    assert_eq!(answer["AccessKeyId"], "ASIAEXAMPLEKEY");
    assert_eq!(answer["SecretAccessKey"], SECRET);
    assert_eq!(answer["SessionToken"], SESSION_TOKEN);
    let expires = answer["Expiration"].as_str().unwrap();
    let expires = DateTime::parse_from_rfc3339(expires).unwrap();
    assert_eq!(expires.timestamp(), expiration.timestamp());
    let requests = requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(asks_for_read_only(&requests[0]), "{requests:?}");
    assert!(
        files_holding(home.path(), SECRET).is_empty(),
        "the secret was written to disk"
    );
}

#[test]
fn credentials_as_export_lines_set_the_region_of_the_profile() {
    let home = Home::new();
    home.cache_token("corp", Utc::now() + Span::hours(4));
    let (url, _) = loopback_portal((Utc::now() + Span::hours(1)).timestamp_millis());

    let args = [
        "credentials",
        "111122223333",
        "ReadOnly",
        "--profile",
        "dev",
    ];
    let output = orgtop(&home, &[&args[..], &["--endpoint-url", &url]].concat());

    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("export AWS_ACCESS_KEY_ID='ASIAEXAMPLEKEY'\n"),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("export AWS_SECRET_ACCESS_KEY='{SECRET}'\n")));
    assert!(stdout.contains(&format!("export AWS_SESSION_TOKEN='{SESSION_TOKEN}'\n")));
    assert!(
        stdout.contains("export AWS_REGION='eu-central-1'\n"),
        "{stdout}"
    );
    assert!(stdout.contains("unset AWS_PROFILE\n"), "{stdout}");
}

#[test]
fn credentials_with_an_expired_token_exit_2_with_the_login_command() {
    let home = Home::new();
    home.cache_token("corp", Utc::now() - Span::hours(1));

    let args = [
        "credentials",
        "111122223333",
        "ReadOnly",
        "--profile",
        "dev",
    ];
    let output = orgtop(
        &home,
        &[&args[..], &["--endpoint-url", "http://127.0.0.1:9"]].concat(),
    );

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(output.stdout.is_empty());
    assert!(
        stderr.contains("`aws sso login --sso-session corp`"),
        "{stderr}"
    );
}

#[test]
fn a_token_the_portal_refuses_exits_2_with_the_login_command() {
    let home = Home::new();
    home.cache_token(
        "https://legacy.awsapps.com/start",
        Utc::now() + Span::hours(4),
    );
    let (url, _) = loopback_portal(0);

    let args = [
        "credentials",
        "111122223333",
        "Admin",
        "--profile",
        "legacy",
    ];
    let output = orgtop(&home, &[&args[..], &["--endpoint-url", &url]].concat());

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    assert!(
        stderr.contains("`aws sso login --profile legacy`"),
        "{stderr}"
    );
}

#[test]
fn access_lists_accounts_and_their_roles_as_json() {
    let home = Home::new();
    home.cache_token("corp", Utc::now() + Span::hours(4));
    let (url, requests) = loopback_portal(0);

    let args = [
        "access",
        "--format",
        "json",
        "--profile",
        "dev",
        "--endpoint-url",
    ];
    let output = orgtop(&home, &[&args[..], &[&url]].concat());

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let access: Value = serde_json::from_slice(&output.stdout).unwrap();
    let expected = json!([{
        "account_id": "111122223333",
        "account_name": "prod",
        "email_address": "aws+prod@example.com",
        "roles": [{"account_id": "111122223333", "role_name": "ReadOnly"}],
    }]);
    assert_eq!(access, expected, "requests: {:?}", requests.lock().unwrap());
}
