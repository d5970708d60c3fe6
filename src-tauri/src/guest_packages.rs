//! A guest's packages as the desk shows them: usable first, each with why it cannot be used
//! today, and a package's balances and history.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;
use zenoti::{can_redeem_on, HeldPackage, HistoryLine, PackageBenefit, PackageStatus};

/// A package's balances and history, for its detail panel.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct PackageDetails {
    pub benefits: Vec<PackageBenefit>,
    /// Redemptions and reversals, newest first.
    pub history: Vec<HistoryLine>,
}

/// A guest's package as the desk shows it: Zenoti's fields, and why a session cannot be
/// redeemed from it today, if it cannot.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DeskPackage {
    #[serde(flatten)]
    pub held: HeldPackage,
    /// `None` when a session can be redeemed today.
    pub why_not: Option<String>,
}

impl DeskPackage {
    pub fn new(held: HeldPackage, today: NaiveDate) -> DeskPackage {
        let why_not = can_redeem_on(&held, today).err().map(str::to_owned);
        DeskPackage { held, why_not }
    }
}

/// How a package sorts at the desk: usable first, then used up or cancelled, then frozen and
/// expired; within each, the one ending soonest first (never-ending last).
pub fn sort_for_desk(packages: &mut [HeldPackage], today: NaiveDate) {
    let rank = |p: &HeldPackage| match p.package.status {
        Some(PackageStatus::Frozen) | Some(PackageStatus::Expired) if can_redeem_on(p, today).is_err() => 2,
        _ if can_redeem_on(p, today).is_ok() => 0,
        _ => 1,
    };
    let ends = |p: &HeldPackage| {
        let d = p.package.date.as_ref();
        (p.package.never_expires == Some(true), d.and_then(|d| d.end_date_with_grace.or(d.end)))
    };
    packages.sort_by(|a, b| {
        rank(a).cmp(&rank(b)).then_with(|| {
            let ((never_a, end_a), (never_b, end_b)) = (ends(a), ends(b));
            never_a.cmp(&never_b).then_with(|| match (end_a, end_b) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
        })
    });
}
