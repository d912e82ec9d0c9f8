//! Invitations through the AWS adapter. moto has no handshakes, so
//! aws-smithy-mocks answers: the client is configured as orgtop configures
//! it (the real config loader, dummy credentials, orgtop's retries), and
//! every answer comes from a rule, on the JSON wire AWS speaks, so nothing
//! leaves the process.

use std::time::Duration;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::config::Credentials;
use aws_sdk_organizations::config::http::HttpResponse;
use aws_sdk_organizations::operation::list_handshakes_for_organization::ListHandshakesForOrganizationOutput;
use aws_sdk_organizations::types as sdk;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, mock};
use aws_smithy_types::DateTime as SmithyTime;
use aws_smithy_types::body::SdkBody;
use chrono::{DateTime, TimeZone, Utc};
use orgtop::model::action::{Action, Handshake, InviteTarget};
use orgtop::provider::aws::{self, AwsProvider, AwsSettings};
use orgtop::provider::{ErrorKind, Provider};

const CONTRACTOR: &str = "583920174466";
const REQUEST_ID: &str = "5d3f8a2c-6b1e-4c7a-9f0d-2e8b7a6c5d41";
const NOTES: &str = "Kestrel Data: bring the recommendation models' account in";

fn settings() -> AwsSettings {
    AwsSettings {
        profile: Some("orgtop-tests".into()),
        region: Some("us-east-1".into()),
        ..AwsSettings::default()
    }
}

/// The adapter, its Organizations client answering from `rules` only.
async fn provider(rules: &[Rule]) -> AwsProvider {
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
    let config = aws::organizations_config(&sdk, &settings)
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .retry_config(retry)
        .interceptor(mocks);
    AwsProvider::from_client(Client::from_conf(config.build()), &settings)
}

/// A successful answer carrying `body` and AWS's request id header.
fn answer(body: &str) -> HttpResponse {
    let status = 200.try_into().unwrap();
    let mut response = HttpResponse::new(status, SdkBody::from(body.to_string()));
    let headers = response.headers_mut();
    headers.insert("x-amzn-RequestId", REQUEST_ID);
    headers.insert("Content-Type", "application/x-amz-json-1.1");
    response
}

/// An AWS error answer: HTTP 400 with the code and message in the body.
fn refusal(code: &str, message: &str, reason: Option<&str>) -> String {
    let mut body = serde_json::json!({"__type": code, "Message": message});
    if let Some(reason) = reason {
        body["Reason"] = reason.into();
    }
    body.to_string()
}

/// An invitation handshake as AWS answers it, to `party` of `party_type`.
fn handshake_json(id: &str, party_type: &str, party: &str, state: &str) -> String {
    serde_json::json!({
        "Handshake": {
            "Id": id,
            "Arn": format!("arn:aws:organizations::111111111111:handshake/o-exampleorg1/invite/{id}"),
            "Parties": [
                {"Id": "o-exampleorg1", "Type": "ORGANIZATION"},
                {"Id": party, "Type": party_type},
            ],
            "State": state,
            "RequestedTimestamp": 1_796_378_400,
            "ExpirationTimestamp": 1_797_674_400,
            "Action": "INVITE",
        }
    })
    .to_string()
}

fn invite(target: InviteTarget, notes: Option<&str>) -> Action {
    Action::InviteAccount {
        target,
        notes: notes.map(str::to_string),
    }
}

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, 0).unwrap()
}

#[tokio::test]
async fn an_invitation_sends_the_target_type_id_and_notes_and_returns_the_request_id() {
    let by_account = mock!(Client::invite_account_to_organization)
        .match_requests(|request| {
            let target = request.target().unwrap();
            target.id() == CONTRACTOR
                && *target.r#type() == sdk::HandshakePartyType::Account
                && request.notes() == Some(NOTES)
        })
        .then_http_response(|| {
            answer(&handshake_json(
                "h-kestrel0001",
                "ACCOUNT",
                CONTRACTOR,
                "OPEN",
            ))
        });
    let by_email = mock!(Client::invite_account_to_organization)
        .match_requests(|request| {
            let target = request.target().unwrap();
            target.id() == "ops@kestrel.example.com"
                && *target.r#type() == sdk::HandshakePartyType::Email
                && request.notes().is_none()
        })
        .then_http_response(|| {
            let email = "ops@kestrel.example.com";
            answer(&handshake_json("h-kestrel0002", "EMAIL", email, "OPEN"))
        });
    let provider = provider(&[by_account, by_email]).await;

    let account = InviteTarget::Account(CONTRACTOR.into());
    let request_id = provider.perform(&invite(account, Some(NOTES))).await;
    let email = InviteTarget::Email("ops@kestrel.example.com".into());
    let by_email = provider.perform(&invite(email, None)).await;

    assert_eq!(request_id.unwrap().as_deref(), Some(REQUEST_ID));
    assert_eq!(by_email.unwrap().as_deref(), Some(REQUEST_ID));
}

#[tokio::test]
async fn a_duplicate_invitation_keeps_awss_code_and_message_as_invalid_input() {
    let message = "A handshake with the same action and target already exists.";
    let body = refusal("DuplicateHandshakeException", message, None);
    let rule = mock!(Client::invite_account_to_organization)
        .sequence()
        .http_status(400, Some(body))
        .build();
    let provider = provider(&[rule]).await;

    let target = InviteTarget::Account(CONTRACTOR.into());
    let error = provider.perform(&invite(target, None)).await.unwrap_err();

    assert_eq!(error.operation, "InviteAccountToOrganization");
    assert_eq!(error.target.as_deref(), Some(CONTRACTOR));
    assert_eq!(error.code, "DuplicateHandshakeException");
    assert_eq!(error.message, message);
    assert_eq!(error.kind, ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        format!(
            "InviteAccountToOrganization for {CONTRACTOR} failed: \
             DuplicateHandshakeException: {message}"
        )
    );
}

#[tokio::test]
async fn inviting_a_member_keeps_the_handshake_constraint_and_its_reason() {
    let message = "The handshake request is invalid because the invited account is \
                   already a member of an organization.";
    let body = refusal(
        "HandshakeConstraintViolationException",
        message,
        Some("ALREADY_IN_AN_ORGANIZATION"),
    );
    let rule = mock!(Client::invite_account_to_organization)
        .sequence()
        .http_status(400, Some(body))
        .build();
    let provider = provider(&[rule]).await;

    let target = InviteTarget::Email("prod-web@example.com".into());
    let error = provider.perform(&invite(target, None)).await.unwrap_err();

    assert_eq!(error.code, "HandshakeConstraintViolationException");
    assert_eq!(
        error.message,
        format!("{message} (reason: ALREADY_IN_AN_ORGANIZATION)")
    );
    assert_eq!(error.kind, ErrorKind::InvalidInput);
    assert_eq!(error.target.as_deref(), Some("prod-web@example.com"));
}

fn listed(id: &str, party_type: sdk::HandshakePartyType, party: &str) -> sdk::Handshake {
    let organization = sdk::HandshakeParty::builder()
        .id("o-exampleorg1")
        .r#type(sdk::HandshakePartyType::Organization)
        .build()
        .unwrap();
    let invited = sdk::HandshakeParty::builder()
        .id(party)
        .r#type(party_type)
        .build()
        .unwrap();
    sdk::Handshake::builder()
        .id(id)
        .arn(format!(
            "arn:aws:organizations::111111111111:handshake/o-exampleorg1/invite/{id}"
        ))
        .parties(organization)
        .parties(invited)
        .state(sdk::HandshakeState::Open)
        .requested_timestamp(SmithyTime::from_secs(1_796_378_400))
        .expiration_timestamp(SmithyTime::from_secs(1_797_674_400))
        .action(sdk::ActionType::InviteAccountToOrganization)
        .build()
}

/// A `ListHandshakesForOrganization` rule for the page at `token`, asking
/// for invitations only.
fn page(
    token: Option<&'static str>,
    output: ListHandshakesForOrganizationOutput,
) -> Rule {
    mock!(Client::list_handshakes_for_organization)
        .match_requests(move |request| {
            let invitations = request.filter().and_then(|f| f.action_type());
            request.next_token() == token
                && invitations == Some(&sdk::ActionType::InviteAccountToOrganization)
        })
        .then_output(move || output.clone())
}

#[tokio::test]
async fn handshakes_are_listed_page_by_page_with_the_party_invited() {
    let first = ListHandshakesForOrganizationOutput::builder()
        .handshakes(listed(
            "h-kestrel0001",
            sdk::HandshakePartyType::Account,
            CONTRACTOR,
        ))
        .handshakes(listed(
            "h-kestrel0002",
            sdk::HandshakePartyType::Email,
            "ops@kestrel.example.com",
        ))
        .next_token("page-2")
        .build();
    // AWS may answer an empty page that still carries a token.
    let empty = ListHandshakesForOrganizationOutput::builder()
        .next_token("page-3")
        .build();
    let last = ListHandshakesForOrganizationOutput::builder()
        .handshakes(listed(
            "h-kestrel0003",
            sdk::HandshakePartyType::Account,
            "444455556666",
        ))
        .build();
    let rules = [
        page(None, first),
        page(Some("page-2"), empty),
        page(Some("page-3"), last),
    ];
    let provider = provider(&rules).await;

    let mut pages: Vec<Vec<Handshake>> = Vec::new();
    let mut next_token = None;
    loop {
        let page = provider
            .list_handshakes_for_organization(next_token)
            .await
            .unwrap();
        pages.push(page.items);
        next_token = page.next_token;
        if next_token.is_none() {
            break;
        }
    }

    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 0, 1]);
    let first = &pages[0][0];
    assert_eq!(first.id, "h-kestrel0001");
    assert!(first.arn.ends_with("/invite/h-kestrel0001"));
    assert_eq!(first.state, "OPEN");
    assert!(first.is_open());
    assert_eq!(first.target, InviteTarget::Account(CONTRACTOR.into()));
    assert_eq!(first.requested, at(1_796_378_400));
    assert_eq!(first.expires, at(1_797_674_400));
    assert_eq!(
        pages[0][1].target,
        InviteTarget::Email("ops@kestrel.example.com".into())
    );
    assert_eq!(
        pages[2][0].target,
        InviteTarget::Account("444455556666".into())
    );
}

#[tokio::test]
async fn cancelling_sends_the_handshake_id_and_returns_the_request_id() {
    let rule = mock!(Client::cancel_handshake)
        .match_requests(|request| request.handshake_id() == Some("h-kestrel0001"))
        .then_http_response(|| {
            answer(&handshake_json(
                "h-kestrel0001",
                "ACCOUNT",
                CONTRACTOR,
                "CANCELED",
            ))
        });
    let provider = provider(&[rule]).await;

    let action = Action::CancelHandshake {
        handshake_id: "h-kestrel0001".into(),
    };
    let request_id = provider.perform(&action).await.unwrap();

    assert_eq!(request_id.as_deref(), Some(REQUEST_ID));
}

#[tokio::test]
async fn cancelling_what_is_gone_or_closed_keeps_awss_code_with_a_clear_kind() {
    let gone = refusal(
        "HandshakeNotFoundException",
        "We can't find a handshake with the HandshakeId that you specified.",
        None,
    );
    let closed = refusal(
        "InvalidHandshakeTransitionException",
        "You can't perform the operation on the handshake in its current state.",
        None,
    );
    let rules = [
        mock!(Client::cancel_handshake)
            .match_requests(|request| request.handshake_id() == Some("h-gone00000001"))
            .sequence()
            .http_status(400, Some(gone))
            .build(),
        mock!(Client::cancel_handshake)
            .match_requests(|request| request.handshake_id() == Some("h-accepted0001"))
            .sequence()
            .http_status(400, Some(closed))
            .build(),
    ];
    let provider = provider(&rules).await;
    let cancel = |id: &str| Action::CancelHandshake {
        handshake_id: id.into(),
    };

    let gone = provider
        .perform(&cancel("h-gone00000001"))
        .await
        .unwrap_err();
    let closed = provider
        .perform(&cancel("h-accepted0001"))
        .await
        .unwrap_err();

    assert_eq!(gone.code, "HandshakeNotFoundException");
    assert_eq!(gone.kind, ErrorKind::NotFound);
    assert_eq!(gone.target.as_deref(), Some("h-gone00000001"));
    assert_eq!(closed.code, "InvalidHandshakeTransitionException");
    assert_eq!(closed.kind, ErrorKind::InvalidInput);
    assert_eq!(
        closed.message,
        "You can't perform the operation on the handshake in its current state."
    );
}
