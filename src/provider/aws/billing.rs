//! The AWS Billing API through aws-sdk-billing: the organization's credits
//! and whether the management account shares them.
//!
//! Billing is a global service: for every region of the `aws` partition the
//! SDK's endpoint rules resolve `billing.us-east-1.api.aws` and sign for
//! us-east-1, so its client keeps the configured region (and with it the
//! partition) instead of forcing one.

use aws_sdk_billing::Client;
use aws_sdk_billing::types as sdk;
use chrono::{DateTime, Utc};

use super::cost_explorer::{decimal, malformed};
use super::error::Call;
use crate::model::cost::Credit;
use crate::provider::{ErrorKind, ProviderError, Result};

/// `GetBillingPreferences` pages read at most: 50 entries a page covers an
/// organization of 10,000 accounts, so a longer listing is a fault.
const MAX_PREFERENCE_PAGES: usize = 200;

/// The Billing client and the profile it signs in with.
pub struct Billing {
    client: Client,
    profile: String,
}

impl Billing {
    /// Wraps `client`; `profile` names the profile in sign-in hints.
    pub fn new(client: Client, profile: String) -> Self {
        Self { client, profile }
    }

    fn call<'a>(&'a self, operation: &'static str, target: Option<&'a str>) -> Call<'a> {
        Call {
            operation,
            target,
            profile: &self.profile,
        }
    }

    /// `GetCredits` for the management account `account_id` with
    /// `payerAccountFlag`, so that the whole organization's credits come
    /// back, for the period from `since` to today. Credits switched off
    /// (`creditStatus` DISABLED) are left out: no bill uses them, and
    /// counting them would lengthen the runway.
    pub async fn get_credits(
        &self,
        account_id: &str,
        since: DateTime<Utc>,
    ) -> Result<Vec<Credit>> {
        let call = self.call("GetCredits", Some(account_id));
        let request = self
            .client
            .get_credits()
            .account_id(account_id)
            .start_date(aws_smithy_types::DateTime::from_secs(since.timestamp()))
            .payer_account_flag(true);
        let output = request.send().await.map_err(|e| call.error(e))?;
        output
            .credits()
            .iter()
            .filter(|data| data.credit_status() != Some(&sdk::CreditStatus::Disabled))
            .map(|data| credit(data, &call))
            .collect()
    }

    /// `GetBillingPreferences` for the `CREDIT_SHARING` feature, every page
    /// read: whether credits are shared across the organization.
    ///
    /// How the answer is read: an entry without an account id is the
    /// organization-wide switch, and decides alone. Without one, the entries
    /// are the account list, and sharing is on while at least one account
    /// has it `ENABLED`. No entry at all is AWS's default, sharing on.
    pub async fn get_credit_sharing(&self) -> Result<bool> {
        let call = self.call("GetBillingPreferences", None);
        let mut sharing = CreditSharing::default();
        let mut next_token = None;
        for _ in 0..MAX_PREFERENCE_PAGES {
            let request = self
                .client
                .get_billing_preferences()
                .features(sdk::BillingFeature::CreditSharing)
                .set_next_token(next_token);
            let output = request.send().await.map_err(|e| call.error(e))?;
            let preferences = output.billing_preferences().iter();
            for preference in preferences.filter(|p| is_credit_sharing(p)) {
                if let Some(decided) = sharing.read(preference) {
                    return Ok(decided);
                }
            }
            next_token = match output.next_token() {
                Some(token) => Some(token.to_string()),
                None => return Ok(sharing.conclusion()),
            };
        }
        let message =
            format!("{MAX_PREFERENCE_PAGES} pages of preferences, and still a token");
        Err(ProviderError::new(
            call.operation,
            None,
            ErrorKind::Other,
            "EndlessListing",
            message,
        ))
    }
}

fn is_credit_sharing(preference: &sdk::BillingPreferenceSummary) -> bool {
    *preference.feature() == sdk::BillingFeature::CreditSharing
}

/// What the `CREDIT_SHARING` entries read so far say.
#[derive(Debug, Default)]
struct CreditSharing {
    /// How many accounts of the account list have sharing on, and off.
    accounts_on: usize,
    accounts_off: usize,
}

impl CreditSharing {
    /// Reads one entry; the answer, once the organization-wide switch says
    /// it. A value other than ENABLED or DISABLED says nothing.
    fn read(&mut self, preference: &sdk::BillingPreferenceSummary) -> Option<bool> {
        let on = match preference.value() {
            sdk::PreferenceValue::Enabled => true,
            sdk::PreferenceValue::Disabled => false,
            _ => return None,
        };
        if preference.account_id().is_none() {
            return Some(on);
        }
        if on {
            self.accounts_on += 1;
        } else {
            self.accounts_off += 1;
        }
        None
    }

    /// The answer once every page is read without an organization-wide
    /// switch.
    fn conclusion(&self) -> bool {
        self.accounts_on > 0 || self.accounts_off == 0
    }
}

fn credit(data: &sdk::CreditData, call: &Call<'_>) -> Result<Credit> {
    let what = |field: &str| format!("{field} of credit {}", data.credit_id());
    let initial = data
        .initial_amount()
        .ok_or_else(|| call.missing(&what("initialAmount")))?;
    let remaining = data
        .remaining_amount()
        .ok_or_else(|| call.missing(&what("remainingAmount")))?;
    if initial.currency_code() != remaining.currency_code() {
        let message = format!(
            "{} is in {} and {}",
            what("the balance"),
            initial.currency_code(),
            remaining.currency_code()
        );
        return Err(malformed(call, &message));
    }
    let description = match data.description() {
        "" => data.credit_type(),
        description => description,
    };
    Ok(Credit {
        credit_id: data.credit_id().to_string(),
        account_id: data.account_id().to_string(),
        description: description.to_string(),
        initial: decimal(
            Some(initial.currency_amount()),
            call,
            &what("initialAmount"),
        )?,
        remaining: decimal(
            Some(remaining.currency_amount()),
            call,
            &what("remainingAmount"),
        )?,
        currency: initial.currency_code().to_string(),
        start: instant(data.start_date(), call, &what("startDate"))?,
        expiry: data
            .end_date()
            .map(|end| instant(end, call, &what("endDate")))
            .transpose()?,
        shareable: shareable(data),
    })
}

/// Whether accounts other than its owner may use the credit, read from
/// `creditSharingType`: DISABLED keeps it to its owner; DEFAULT follows
/// the organization's credit sharing preference, so it may be shared;
/// CUSTOM and COST_CATEGORY_RULE share it with the accounts they name,
/// shared when `shareableAccounts` names another account or, for a cost
/// category rule, names none (the rule decides). Without a sharing type,
/// `shareableAccounts` alone says it, when present.
///
/// Whether sharing is switched on for the organization is the billing
/// preference's answer, not the credit's.
fn shareable(data: &sdk::CreditData) -> Option<bool> {
    let accounts = data.shareable_accounts();
    let names_another = accounts.iter().any(|id| id != data.account_id());
    match data.credit_sharing_type() {
        Some(sdk::CreditSharingType::Disabled) => Some(false),
        Some(sdk::CreditSharingType::Default) => Some(true),
        Some(sdk::CreditSharingType::Custom) => Some(names_another),
        Some(sdk::CreditSharingType::CostCategoryRule) => {
            Some(accounts.is_empty() || names_another)
        }
        _ if accounts.is_empty() => None,
        _ => Some(names_another),
    }
}

fn instant(
    time: &aws_smithy_types::DateTime,
    call: &Call<'_>,
    what: &str,
) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp(time.secs(), time.subsec_nanos())
        .ok_or_else(|| malformed(call, &format!("{what} is out of range: {time}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "111111111111";

    fn data(
        sharing: Option<sdk::CreditSharingType>,
        accounts: &[&str],
    ) -> sdk::CreditData {
        let accounts = accounts.iter().map(|id| id.to_string()).collect();
        sdk::CreditData::builder()
            .credit_id("credit-1")
            .account_id(OWNER)
            .credit_type("Promotion")
            .description("Activate")
            .start_date(aws_smithy_types::DateTime::from_secs(0))
            .set_credit_sharing_type(sharing)
            .set_shareable_accounts(Some(accounts))
            .build()
            .unwrap()
    }

    #[test]
    fn a_credit_is_shareable_as_its_sharing_type_says() {
        use sdk::CreditSharingType::{CostCategoryRule, Custom, Default, Disabled};
        let other = "222222222222";
        let cases = [
            (Some(Disabled), vec![other], Some(false)),
            (Some(Default), vec![], Some(true)),
            (Some(Custom), vec![OWNER, other], Some(true)),
            (Some(Custom), vec![OWNER], Some(false)),
            (Some(CostCategoryRule), vec![], Some(true)),
            (Some(CostCategoryRule), vec![OWNER], Some(false)),
            (None, vec![], None),
            (None, vec![OWNER], Some(false)),
            (None, vec![other], Some(true)),
        ];
        for (sharing, accounts, expected) in cases {
            let case = format!("{sharing:?} {accounts:?}");
            assert_eq!(shareable(&data(sharing, &accounts)), expected, "{case}");
        }
    }

    fn preference(account: Option<&str>, value: &str) -> sdk::BillingPreferenceSummary {
        sdk::BillingPreferenceSummary::builder()
            .feature(sdk::BillingFeature::CreditSharing)
            .key(account.map_or("creditSharing".into(), |id| format!("account/{id}")))
            .value(sdk::PreferenceValue::from(value))
            .set_account_id(account.map(str::to_string))
            .build()
            .unwrap()
    }

    #[test]
    fn the_organization_wide_switch_decides_alone() {
        let mut sharing = CreditSharing::default();
        assert_eq!(sharing.read(&preference(Some(OWNER), "ENABLED")), None);
        assert_eq!(sharing.read(&preference(None, "DISABLED")), Some(false));
    }

    #[test]
    fn without_a_switch_one_account_sharing_is_enough_and_none_listed_is_on() {
        let mut sharing = CreditSharing::default();
        assert!(sharing.conclusion(), "nothing listed: AWS's default, on");
        sharing.read(&preference(Some(OWNER), "DISABLED"));
        assert!(!sharing.conclusion());
        sharing.read(&preference(Some("222222222222"), "ENABLED"));
        assert!(sharing.conclusion());
        sharing.read(&preference(Some("333333333333"), "SOMETIMES"));
        assert!(sharing.conclusion());
    }
}
