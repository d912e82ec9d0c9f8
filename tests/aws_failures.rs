//! Failures a person meets before AWS answers at all: nothing listens, the
//! endpoint never answers, something that is not AWS answers, or there are
//! no credentials. Each becomes a clear error within the configured
//! timeouts, never a hang.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::thread;

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use orgtop::provider::aws::{self, AwsProvider, AwsSettings};
use orgtop::provider::{ErrorKind, Provider};

use common::Wire;

/// Settings with one retry and timeouts of a second or two.
fn impatient(endpoint_url: &str) -> AwsSettings {
    AwsSettings {
        max_attempts: 2,
        connect_timeout_secs: 1,
        operation_timeout_secs: 2,
        ..common::settings(endpoint_url)
    }
}

#[tokio::test]
async fn an_endpoint_that_refuses_connections_is_a_network_error() {
    let port = common::moto::free_port().unwrap();
    let settings = impatient(&format!("http://127.0.0.1:{port}"));
    let provider = common::provider(&settings, &Wire::default()).await;

    let error = provider.list_roots(None).await.unwrap_err();
    println!("{error}");

    assert_eq!(error.kind, ErrorKind::Network);
    assert_eq!(error.operation, "ListRoots");
    assert!(
        error.message.contains("Connection refused"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn an_endpoint_that_never_answers_is_a_network_error_at_the_operation_timeout() {
    // Accepts connections (the kernel does, from the backlog) and never reads
    // or writes.
    let silent = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = silent.local_addr().unwrap().port();
    let settings = impatient(&format!("http://127.0.0.1:{port}"));
    let provider = common::provider(&settings, &Wire::default()).await;

    let error = provider.describe_organization().await.unwrap_err();
    println!("{error}");

    assert_eq!(error.kind, ErrorKind::Network);
    assert_eq!(error.code, "TimeoutError");
    assert!(
        error
            .message
            .contains("no answer within the operation timeout"),
        "{}",
        error.message
    );
    drop(silent);
}

#[tokio::test]
async fn an_html_page_instead_of_aws_means_the_service_is_unavailable() {
    let port = serve_html_forever();
    let settings = impatient(&format!("http://127.0.0.1:{port}"));
    let provider = common::provider(&settings, &Wire::default()).await;

    let error = provider.list_roots(None).await.unwrap_err();
    println!("{error}");

    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert!(error.message.contains("HTTP 404"), "{}", error.message);
}

#[tokio::test]
async fn an_sso_profile_without_a_token_asks_for_aws_sso_login_with_its_name() {
    let port = common::moto::free_port().unwrap();
    let settings = AwsSettings {
        profile: Some("northwind-audit".into()),
        ..impatient(&format!("http://127.0.0.1:{port}"))
    };
    // The profile's own credential provider, so that credentials in the
    // environment, which the default chain would try first, stay out.
    let credentials = ProfileFileCredentialsProvider::builder()
        .profile_files(sso_profile("northwind-audit"))
        .profile_name("northwind-audit")
        .build();
    let sdk = aws::config_loader(&settings)
        .credentials_provider(credentials)
        .load()
        .await;
    let client = aws_sdk_organizations::Client::from_conf(
        aws::organizations_config(&sdk, &settings).build(),
    );
    let provider = AwsProvider::from_client(client, &settings);

    let error = provider.list_roots(None).await.unwrap_err();
    println!("{error}");

    assert_eq!(error.kind, ErrorKind::Credentials);
    assert!(
        error
            .message
            .contains("aws sso login --profile northwind-audit"),
        "{}",
        error.message
    );
}

/// A config file with only an SSO profile whose token was never fetched.
fn sso_profile(name: &str) -> EnvConfigFiles {
    let config = format!(
        "[profile {name}]\n\
         sso_session = northwind\n\
         sso_account_id = 210987654321\n\
         sso_role_name = ReadOnly\n\
         region = us-east-1\n\
         [sso-session northwind]\n\
         sso_start_url = https://orgtop-test-never-used.invalid/start\n\
         sso_region = us-east-1\n"
    );
    EnvConfigFiles::builder()
        .with_contents(EnvConfigFileKind::Config, config)
        .with_contents(EnvConfigFileKind::Credentials, "")
        .build()
}

/// A loopback server that answers every request with an HTML 404 page, as
/// a proxy or an emulator without the service does. Returns its port.
fn serve_html_forever() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || answer_html(stream));
        }
    });
    port
}

fn answer_html(mut stream: TcpStream) {
    let page = "<html><body><h1>404 Not Found</h1></body></html>";
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    loop {
        let mut length = 0;
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:")
            {
                length = value.trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let response = format!(
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{page}",
            page.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}
