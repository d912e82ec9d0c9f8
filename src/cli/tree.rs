//! `orgtop tree`: the organization as indented text or as JSON.

use serde::Serialize;

use super::Format;
use crate::crawl;
use crate::model::{NodeIdx, NodeKind, Org, PolicyType};
use crate::provider::Provider;

/// A node as `tree --format json` prints it.
#[derive(Debug, Serialize)]
pub struct TreeNode {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub policies: Vec<PolicyRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TreeNode>,
}

/// A service control policy attached to a node.
#[derive(Debug, Serialize)]
pub struct PolicyRef {
    pub id: String,
    pub name: String,
}

/// Crawls the organization and prints it.
pub async fn print(provider: &dyn Provider, format: Format) -> Result<(), String> {
    let org = crawl::load(provider)
        .await
        .map_err(|e| format!("{e} ({})", e.hint()))?;
    let root = org.root().ok_or("the organization has no root")?;
    let text = match format {
        Format::Json => {
            serde_json::to_string_pretty(&node(&org, root)).map_err(|e| e.to_string())?
        }
        Format::Text => text(&org, root),
    };
    super::emit(&text)
}

/// The subtree at `idx` in the JSON shape.
pub fn node(org: &Org, idx: NodeIdx) -> TreeNode {
    let node = org.node(idx);
    let account = node.account();
    TreeNode {
        id: node.id.clone(),
        name: node.name.clone(),
        kind: node.kind.as_str(),
        policies: org
            .attached(&node.id, PolicyType::ServiceControlPolicy)
            .into_iter()
            .map(|p| PolicyRef {
                id: p.id.clone(),
                name: p.name.clone(),
            })
            .collect(),
        email: account.map(|a| a.email.clone()),
        state: account.map(|a| a.state.as_aws_str()),
        children: node
            .children
            .iter()
            .map(|&child| self::node(org, child))
            .collect(),
    }
}

/// The subtree at `idx` as indented lines.
pub fn text(org: &Org, idx: NodeIdx) -> String {
    let mut out = String::new();
    let mut stack = vec![(idx, 0usize)];
    while let Some((at, depth)) = stack.pop() {
        let node = org.node(at);
        let scps: Vec<&str> = org
            .attached(&node.id, PolicyType::ServiceControlPolicy)
            .into_iter()
            .map(|p| p.name.as_str())
            .collect();
        let detail = match &node.kind {
            NodeKind::Account(account) => {
                format!("  {}  {}", account.state.as_aws_str(), account.email)
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "{}{}  {}{detail}  [{}]\n",
            "  ".repeat(depth),
            node.name,
            node.id,
            scps.join(", ")
        ));
        stack.extend(node.children.iter().rev().map(|&c| (c, depth + 1)));
    }
    out.pop();
    out
}
