//! The strategy orgtop does not use, for comparison: `ListPoliciesForTarget`
//! on the root, every organizational unit and every account.

use std::collections::BTreeSet;

use orgtop::model::{Org, PolicyType};
use orgtop::provider::{Provider, ProviderError};

/// Every (policy id, target id) attachment of `policy_types`, asked node by
/// node over the tree in `org`.
pub async fn attachments(
    provider: &dyn Provider,
    org: &Org,
    policy_types: &[PolicyType],
) -> Result<BTreeSet<(String, String)>, ProviderError> {
    let mut attachments = BTreeSet::new();
    for (_, node) in org.nodes() {
        for policy_type in policy_types {
            let mut token = None;
            loop {
                let page = provider
                    .list_policies_for_target(&node.id, *policy_type, token)
                    .await?;
                attachments
                    .extend(page.items.into_iter().map(|p| (p.id, node.id.clone())));
                token = page.next_token;
                if token.is_none() {
                    break;
                }
            }
        }
    }
    Ok(attachments)
}
