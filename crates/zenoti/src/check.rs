//! The connection check: read-only probes of every call Front Desk uses, each once (no
//! retries), with its status, time, the rate-limit headers seen and whether the answer decoded
//! with the very models the app uses; and, where the docs leave two readings open, which one
//! this organization answers to ([`Readings`]). Nothing is written to Zenoti, and the check
//! sends at most [`MAX_CHECK_CALLS`] calls.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::centers::CentersResponse;
use crate::client::Client;
use crate::error::Error;
use crate::guests::{GuestPage, GuestSearch};
use crate::invoices::{Invoice, InvoiceListResponse, InvoiceResponse, InvoiceSummary};
use crate::loyalty::RedeemableInfo;
use crate::packages::{CategoriesResponse, PackagePage, PackageQuery};
use crate::readings::{InvoiceSearch, Readings, RedeemablePath};
use crate::unexpected::{Unexpected, UnexpectedKind};

/// The most calls one check sends (sign-in, centers, packages, categories, guests, invoices,
/// an invoice, two searches, two redeemable reads).
pub const MAX_CHECK_CALLS: u32 = 11;

/// An answer slower than this is called slow.
const SLOW: Duration = Duration::from_secs(3);

/// What the check is told.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The center whose packages and invoices are read; the first center when `None`.
    pub center_id: Option<String>,
    /// Each call's own limit.
    pub timeout: Duration,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions { center_id: None, timeout: Duration::from_secs(15) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ProbeOutcome {
    /// Answered and read as expected.
    Ok,
    /// Answered and read, but not all as expected (see `unexpected`).
    Unexpected,
    /// No usable answer (refused, unreachable, not decodable…).
    Failed,
    /// Not sent (it needed something an earlier probe did not give).
    Skipped,
}

/// A header the answer carried that says something about the organization's budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct HeaderSeen {
    pub name: String,
    pub value: String,
}

/// One probe: one call, or one that was not sent and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ProbeRow {
    /// What Front Desk uses it for ("Packages of the center").
    pub step: String,
    /// `GET /v1/centers/{id}/packages`.
    pub call: String,
    pub outcome: ProbeOutcome,
    /// The HTTP status, when an answer came.
    pub status: Option<u16>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub millis: Option<u64>,
    pub rate_limit: Vec<HeaderSeen>,
    /// What happened, in words, with what to do when it failed.
    pub words: String,
    /// Where the answer was not as expected: JSON path, what was expected, the type found.
    pub unexpected: Vec<Unexpected>,
}

/// A reading the check settled (or could not), in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReadingChoice {
    /// "Redeemable points"
    pub question: String,
    /// What is used from now on.
    pub answer: String,
    /// How the check knows ("… answered 404, … answered").
    pub evidence: String,
    /// Whether the check found it out (else the documented reading stays, untested).
    pub settled: bool,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ConnectionReport {
    pub base_url: String,
    /// The center read, when there was one.
    pub center: Option<String>,
    pub probes: Vec<ProbeRow>,
    pub choices: Vec<ReadingChoice>,
    /// What the client reads by from now on.
    pub readings: Readings,
    /// Calls sent to Zenoti (all reads).
    pub calls: u32,
    pub verdict: Verdict,
}

/// The report in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every probe answered and read as expected.
    AsExpected,
    /// Everything answered and was read, but not all as documented (see the rows and choices).
    WorksWithDifferences,
    /// At least one call failed.
    Problems,
    /// Nothing failed, but some calls could not be tried (no invoice today, a rate limit) or a
    /// reading stays unconfirmed: run the check again later.
    PartlyChecked,
}

impl Verdict {
    /// The verdict in words, for the screen and the hub's `check`.
    pub fn words(self) -> &'static str {
        match self {
            Verdict::AsExpected => "Zenoti answers the way Front Desk expects.",
            Verdict::WorksWithDifferences => {
                "Everything works, but this organization's Zenoti differs from the documentation in places (below); Front Desk adapts to it."
            }
            Verdict::Problems => "Some calls failed: see the rows marked FAILED.",
            Verdict::PartlyChecked => {
                "What was checked works, but not everything could be checked (rows marked not run, readings not confirmed). Run the check again later, for example once the center has an invoice today."
            }
        }
    }
}

/// The report as text: the verdict, one line per probe (with its surprises and rate-limit
/// headers beneath), and the readings used from now on.
impl std::fmt::Display for ConnectionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.verdict.words())?;
        let center = self.center.as_deref().map(|c| format!(", center {c}")).unwrap_or_default();
        writeln!(f, "{} call(s) sent to {}{center}; nothing written.", self.calls, self.base_url)?;
        for p in &self.probes {
            let outcome = match p.outcome {
                ProbeOutcome::Ok => "ok",
                ProbeOutcome::Unexpected => "DIFFERS",
                ProbeOutcome::Failed => "FAILED",
                ProbeOutcome::Skipped => "not run",
            };
            let status = p.status.map_or("-".to_owned(), |s| s.to_string());
            let time = p.millis.map_or("-".to_owned(), |m| format!("{m} ms"));
            writeln!(f, "  {:<8} {:<34} {:<56} {:>4} {:>8}  {}", outcome, p.step, p.call, status, time, p.words)?;
            for u in &p.unexpected {
                writeln!(f, "           {}", u.describe())?;
            }
            if !p.rate_limit.is_empty() {
                let seen: Vec<String> = p.rate_limit.iter().map(|h| format!("{}: {}", h.name, h.value)).collect();
                writeln!(f, "           {}", seen.join(", "))?;
            }
        }
        writeln!(f, "Readings (a desk that runs this check reads by them from then on):")?;
        for c in &self.choices {
            writeln!(f, "  {}: {} ({})", c.question, c.answer, c.evidence)?;
        }
        Ok(())
    }
}

/// A probe's answer: its row, the value when it decoded, and the answer's top-level keys.
struct Probed<T> {
    row: ProbeRow,
    value: Option<T>,
    keys: Vec<String>,
}

struct Check<'c> {
    client: &'c Client,
    options: CheckOptions,
    calls: u32,
    /// The sign-in failed: nothing more is sent (each call would try the password again, and
    /// an account can be locked after a few wrong ones).
    signed_out: bool,
}

impl Client {
    /// Runs the connection check. The readings it settles are returned in the report, not
    /// applied: the caller keeps them ([`Client::set_readings`]).
    pub async fn check_connection(&self, options: CheckOptions) -> ConnectionReport {
        let mut check = Check { client: self, options, calls: 0, signed_out: false };
        check.run().await
    }
}

impl Check<'_> {
    async fn run(&mut self) -> ConnectionReport {
        let mut probes = Vec::new();
        let mut readings = self.client.readings();
        let mut choices = Vec::new();

        if self.client.is_employee() {
            probes.push(self.sign_in().await);
        }
        let probed = self
            .probe::<CentersResponse>("Centers (proves the credentials)", &["v1", "centers"], &[], &["centers"])
            .await;
        let centers = probed.value.and_then(|c| c.centers).unwrap_or_default();
        // The desk's own center, else the first listed; when the list failed, the desk's
        // center still lets the rest of the check run (and say what it meets).
        let center = match &self.options.center_id {
            Some(id) => centers
                .iter()
                .find(|c| c.id.eq_ignore_ascii_case(id))
                .map(|c| (c.id.clone(), c.name.clone()))
                .or_else(|| Some((id.clone(), None))),
            None => centers.first().map(|c| (c.id.clone(), c.name.clone())),
        };
        let mut row = probed.row;
        if answered(&row) {
            row.words = format!("{} center(s) visible to these credentials.", centers.len());
        }
        probes.push(row);

        let Some((center_id, center_name)) = center else {
            for step in [
                "Packages of the center",
                "Categories",
                "Guest search",
                "Today's invoices",
                "An invoice",
                "Invoice search by number",
                "Redeemable points",
            ] {
                probes.push(skipped(step, "No center to read: the centers call gave none."));
            }
            return self.report(None, probes, choices, readings);
        };
        let center_name = center_name.unwrap_or_else(|| center_id.clone());
        let center = center_id.as_str();

        // Packages, and how their paging key is spelled.
        let query = PackageQuery { page: 1, size: 10, ..Default::default() }.to_query().unwrap_or_default();
        let packages = self
            .probe::<PackagePage>(
                "Packages of the center",
                &["v1", "centers", center, "packages"],
                &query,
                &["packages"],
            )
            .await;
        let mut row = packages.row;
        if let Some(page) = &packages.value {
            row.words = format!("{} package(s) on the first page of {}.", page.packages.len(), page.page_info.total);
        }
        let key = packages.keys.iter().find(|k| k.eq_ignore_ascii_case("page_info")).cloned();
        if answered(&row) {
            choices.push(match &key {
                Some(k) => ReadingChoice {
                    question: "Paging key of lists".into(),
                    answer: format!("`{k}`"),
                    evidence: format!("The package list answered with `{k}`; both spellings are read."),
                    settled: true,
                },
                None => ReadingChoice {
                    question: "Paging key of lists".into(),
                    answer: "none seen".into(),
                    evidence: "The package list answered without `page_info` or `page_Info`: the whole catalog may not load past its first page.".into(),
                    settled: false,
                },
            });
            readings.page_info_key = key;
        }
        probes.push(row);

        let categories = self
            .probe::<CategoriesResponse>(
                "Categories",
                &["v1", "centers", center, "categories"],
                &[("page", "1".into()), ("size", "100".into())],
                &["categories"],
            )
            .await;
        let mut row = categories.row;
        if let Some(c) = &categories.value {
            row.words = format!("{} categor{}.", c.categories.len(), if c.categories.len() == 1 { "y" } else { "ies" });
        }
        probes.push(row);

        let nobody = GuestSearch {
            center_id: center_id.clone(),
            first_name: Some("Zzfrontdeskcheck".into()),
            last_name: Some("Nobody".into()),
            page: 1,
            size: 1,
            ..Default::default()
        };
        let query = nobody.to_query().unwrap_or_default();
        let guests = self
            .probe::<GuestPage>("Guest search (a name nobody has)", &["v1", "guests", "search"], &query, &["guests"])
            .await;
        let mut row = guests.row;
        if let Some(page) = &guests.value {
            row.words = match page.guests.len() {
                0 => "No guest found, as expected.".into(),
                n => format!("{n} guest(s) found for a name nobody should have; the search answered."),
            };
        }
        probes.push(row);

        let today = self
            .probe::<InvoiceListResponse>(
                "Today's invoices",
                &["v1", "centers", center, "invoices"],
                &[],
                &["invoices", "todays_invoices"],
            )
            .await;
        let mut row = today.row;
        let listed: Vec<InvoiceSummary> = today.value.map(InvoiceListResponse::into_list).unwrap_or_default();
        if answered(&row) {
            row.words = format!("{} invoice(s) today at {center_name}.", listed.len());
        }

        let today_failed = !answered(&row);
        probes.push(row);
        let Some(first) = listed.first() else {
            let why = if today_failed {
                "Today's invoices could not be read: not checked."
            } else {
                "No invoice today at this center to read: not checked."
            };
            probes.push(skipped("An invoice", why));
            probes.push(skipped("Invoice search by number", why));
            probes.push(skipped("Redeemable points", why));
            choices.push(unsettled("Invoice numbers in the search", "as printed", why));
            choices.push(unsettled("Redeemable points", &readings.redeemable_points.describe(), why));
            return self.report(Some(center_name), probes, choices, readings);
        };
        let invoice_id = first.invoice_id.clone();

        let invoice = self
            .probe::<InvoiceResponse>(
                "An invoice (today's first)",
                &["v1", "invoices", &invoice_id],
                &[("expand", "InvoiceItems".into()), ("expand", "Transactions".into())],
                &["invoice"],
            )
            .await;
        let mut row = invoice.row;
        let invoice: Option<Invoice> = invoice.value.and_then(|r| r.invoice);
        if let Some(inv) = &invoice {
            row.words = format!(
                "Invoice {} read, {} line(s).",
                inv.printed_number().unwrap_or_default(),
                inv.invoice_items.len()
            );
        }
        probes.push(row);

        // The search by number: as printed, else without the prefix.
        let printed = invoice.as_ref().and_then(Invoice::printed_number).or_else(|| first.invoice_no.clone());
        match printed {
            None => {
                probes.push(skipped("Invoice search by number", "The invoice has no number to search for."));
                choices.push(unsettled(
                    "Invoice numbers in the search",
                    "as printed",
                    "The invoice read has no number.",
                ));
            }
            Some(printed) => {
                let bare = InvoiceSearch::WithoutPrefix.search_text(&printed);
                let (row, found) = self.search(center, &printed, &invoice_id).await;
                let as_printed = found;
                probes.push(row);
                let choice = if as_printed {
                    readings.invoice_search = InvoiceSearch::AsPrinted;
                    settled(
                        "Invoice numbers in the search",
                        "as printed",
                        &format!("Searching \"{printed}\" found the invoice."),
                    )
                } else if bare != printed {
                    let (row, found) = self.search(center, &bare, &invoice_id).await;
                    probes.push(row);
                    if found {
                        if let Some(printed_row) = probes.iter_mut().rev().nth(1) {
                            printed_row.outcome = ProbeOutcome::Unexpected;
                        }
                        readings.invoice_search = InvoiceSearch::WithoutPrefix;
                        settled(
                            "Invoice numbers in the search",
                            "without the prefix",
                            &format!("Searching \"{printed}\" found nothing; \"{bare}\" found the invoice. A number typed or scanned with its prefix is searched without it."),
                        )
                    } else {
                        unsettled(
                            "Invoice numbers in the search",
                            "as printed",
                            &format!("Neither \"{printed}\" nor \"{bare}\" found the invoice."),
                        )
                    }
                } else {
                    unsettled(
                        "Invoice numbers in the search",
                        "as printed",
                        &format!("Searching \"{printed}\" did not find the invoice."),
                    )
                };
                choices.push(choice);
            }
        }

        // The redeemable-points read: the documented path, else the other one after a 404.
        let query = [("redeem_across_programs", "1".to_owned())];
        let mut tried = Vec::new();
        let mut choice = None;
        for path in [RedeemablePath::Guests, RedeemablePath::Invoices] {
            let probed = self
                .probe::<RedeemableInfo>("Redeemable points", &path.segments(&invoice_id), &query, &["lp_redeemable"])
                .await;
            let mut row = probed.row;
            let not_found = row.status == Some(404);
            // Settled only by an answer that carries the points (an empty object would read
            // as "no programs" and prove nothing).
            let carries_points = probed.keys.iter().any(|k| k == "lp_redeemable");
            if let Some(info) = probed.value.as_ref().filter(|_| carries_points) {
                row.words = format!(
                    "{} loyalty program(s) on this invoice's guest.",
                    info.lp_redeemable.loyalty_programs.len()
                );
                readings.redeemable_points = path;
                let evidence = if tried.is_empty() {
                    "The documented path answered.".to_owned()
                } else {
                    // The documented path's 404 is then a difference, not a failure.
                    if let Some(first) = probes.last_mut() {
                        first.outcome = ProbeOutcome::Unexpected;
                        first.words =
                            "Not found here (404): this organization answers at the other path, used from now on."
                                .into();
                    }
                    format!("{} answered 404; {} answered.", tried.join(", "), path.describe())
                };
                choice = Some(settled("Redeemable points", &path.describe(), &evidence));
            }
            probes.push(row);
            if !not_found {
                break;
            }
            tried.push(path.describe());
        }
        choices.push(choice.unwrap_or_else(|| {
            unsettled(
                "Redeemable points",
                &readings.redeemable_points.describe(),
                "No path answered with the points: kept as it was.",
            )
        }));
        self.report(Some(center_name), probes, choices, readings)
    }

    fn report(
        &self,
        center: Option<String>,
        mut probes: Vec<ProbeRow>,
        choices: Vec<ReadingChoice>,
        readings: Readings,
    ) -> ConnectionReport {
        // A slow answer says so first, whatever its row says of what it read.
        for p in probes.iter_mut().filter(|p| answered(p)) {
            if let Some(ms) = p.millis.filter(|ms| *ms > SLOW.as_millis() as u64) {
                p.words = format!("Slow: {:.1} s. {}", ms as f64 / 1000.0, p.words);
            }
        }
        let verdict = if probes.iter().any(|p| p.outcome == ProbeOutcome::Failed)
            || !probes.iter().any(|p| p.outcome == ProbeOutcome::Ok)
        {
            Verdict::Problems
        } else if probes.iter().any(|p| p.outcome == ProbeOutcome::Skipped) || choices.iter().any(|c| !c.settled) {
            Verdict::PartlyChecked
        } else if probes.iter().any(|p| p.outcome == ProbeOutcome::Unexpected) {
            Verdict::WorksWithDifferences
        } else {
            Verdict::AsExpected
        };
        ConnectionReport {
            base_url: self.client.base_url().as_str().trim_end_matches('/').to_owned(),
            center,
            probes,
            choices,
            readings,
            calls: self.calls,
            verdict,
        }
    }
}

impl Check<'_> {
    /// One GET, once: its row, and its value read with the app's own model. `wrappers`: the
    /// top-level keys the model reads its content from (one of them must be there).
    async fn probe<T: DeserializeOwned>(
        &mut self,
        step: &str,
        segments: &[&str],
        query: &[(&str, String)],
        wrappers: &[&str],
    ) -> Probed<T> {
        let url = self.client.url(segments);
        let call = crate::unexpected::endpoint("GET", url.path());
        let mut row = ProbeRow {
            step: step.to_owned(),
            call,
            outcome: ProbeOutcome::Failed,
            status: None,
            millis: None,
            rate_limit: Vec::new(),
            words: String::new(),
            unexpected: Vec::new(),
        };
        let nothing = |row| Probed { row, value: None, keys: Vec::new() };
        if self.calls >= MAX_CHECK_CALLS {
            row.outcome = ProbeOutcome::Skipped;
            row.words = format!("Not sent: the check sends at most {MAX_CHECK_CALLS} calls.");
            return nothing(row);
        }
        if self.signed_out {
            row.outcome = ProbeOutcome::Skipped;
            row.words = "Not sent: the sign-in failed (above).".into();
            return nothing(row);
        }
        if let Some(wait) = self.client.held_back() {
            row.outcome = ProbeOutcome::Skipped;
            row.words = format!(
                "Not sent: Zenoti asked this organization to wait {} s before the next call (rate limit). Run the check again after that.",
                wait.as_secs().max(1)
            );
            return nothing(row);
        }
        let authorization = match self.client.authorization_header().await {
            Ok(a) => a,
            Err(err) => {
                // A sign-in was tried (and counted): no other call tries the password again.
                self.calls += 1;
                self.signed_out = true;
                row.words = format!("Not sent: could not sign in. {}", in_words(&err, self.options.timeout));
                return nothing(row);
            }
        };
        self.calls += 1;
        let started = Instant::now();
        let answer =
            self.client.exchange(&Method::GET, &url, query, None, authorization, Some(self.options.timeout)).await;
        let elapsed = started.elapsed();
        row.millis = Some(elapsed.as_millis() as u64);
        let answer = match answer {
            Ok(answer) => answer,
            Err(err) => {
                row.words = in_words(&err, self.options.timeout);
                return nothing(row);
            }
        };
        row.status = Some(answer.status.as_u16());
        row.rate_limit = answer
            .headers
            .iter()
            .filter(|(name, _)| {
                let name = name.as_str();
                name.contains("ratelimit") || name == "retry-after"
            })
            .map(|(name, value)| HeaderSeen {
                name: name.as_str().to_owned(),
                value: value.to_str().unwrap_or("(not text)").to_owned(),
            })
            .collect();
        let body: Option<Value> = serde_json::from_slice(&answer.body).ok();
        let keys: Vec<String> =
            body.as_ref().and_then(Value::as_object).map(|o| o.keys().cloned().collect()).unwrap_or_default();
        let (result, mut unexpected) = self.client.read_answer_noted::<T>(&Method::GET, &url, &answer);
        match result {
            Err(err) => {
                row.words = in_words(&err, self.options.timeout);
                row.unexpected = unexpected;
                Probed { row, value: None, keys }
            }
            Ok(value) => {
                if !wrappers.is_empty() && !wrappers.iter().any(|w| keys.iter().any(|k| k == w)) {
                    let found = Unexpected {
                        endpoint: row.call.clone(),
                        kind: UnexpectedKind::Tolerated,
                        path: wrappers.join(" or "),
                        expected: format!("the answer's content under `{}`", wrappers.join("` or `")),
                        found: if keys.is_empty() {
                            "nothing".into()
                        } else {
                            format!("only {}", keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
                        },
                        value: None,
                    };
                    self.client.tell_observer(&found);
                    unexpected.push(found);
                }
                row.outcome = if unexpected.is_empty() { ProbeOutcome::Ok } else { ProbeOutcome::Unexpected };
                row.words = if unexpected.is_empty() {
                    "Answered as expected.".into()
                } else {
                    "Answered, but not all as expected:".into()
                };
                row.unexpected = unexpected;
                Probed { row, value: Some(value), keys }
            }
        }
    }

    /// The employee sign-in with the password, now, timed (a token held already would prove
    /// nothing about the password; an API key needs none: the centers call proves it).
    async fn sign_in(&mut self) -> ProbeRow {
        let started = Instant::now();
        self.calls += 1;
        let result = self.client.sign_in_afresh().await;
        let mut row = ProbeRow {
            step: "Sign-in (employee)".into(),
            call: "POST /v1/tokens".into(),
            outcome: ProbeOutcome::Ok,
            status: None,
            millis: Some(started.elapsed().as_millis() as u64),
            rate_limit: Vec::new(),
            words: "Signed in.".into(),
            unexpected: Vec::new(),
        };
        if let Err(err) = result {
            row.outcome = ProbeOutcome::Failed;
            row.words = in_words(&err, self.options.timeout);
            self.signed_out = true;
        }
        row
    }

    /// Searches today's invoices for `text`: its row, and whether the invoice was found.
    async fn search(&mut self, center: &str, text: &str, invoice_id: &str) -> (ProbeRow, bool) {
        let query = [("search_type", "1".to_owned()), ("search_text", text.to_owned())];
        let probed = self
            .probe::<InvoiceListResponse>(
                "Invoice search by number",
                &["v1", "centers", center, "invoices"],
                &query,
                &["invoices", "todays_invoices"],
            )
            .await;
        let mut row = probed.row;
        let found = probed
            .value
            .map(InvoiceListResponse::into_list)
            .is_some_and(|list| list.iter().any(|i| i.invoice_id.eq_ignore_ascii_case(invoice_id)));
        if answered(&row) {
            row.words = if found {
                format!("\"{text}\" found the invoice.")
            } else {
                format!("\"{text}\" did not find the invoice.")
            };
        }
        (row, found)
    }
}

/// The call was sent and its answer read (as expected or not).
fn answered(row: &ProbeRow) -> bool {
    matches!(row.outcome, ProbeOutcome::Ok | ProbeOutcome::Unexpected)
}

fn skipped(step: &str, why: &str) -> ProbeRow {
    ProbeRow {
        step: step.to_owned(),
        call: String::new(),
        outcome: ProbeOutcome::Skipped,
        status: None,
        millis: None,
        rate_limit: Vec::new(),
        words: why.to_owned(),
        unexpected: Vec::new(),
    }
}

fn settled(question: &str, answer: &str, evidence: &str) -> ReadingChoice {
    ReadingChoice { question: question.into(), answer: answer.into(), evidence: evidence.into(), settled: true }
}

fn unsettled(question: &str, answer: &str, evidence: &str) -> ReadingChoice {
    ReadingChoice {
        question: question.into(),
        answer: format!("{answer} (as documented; not confirmed)"),
        evidence: evidence.into(),
        settled: false,
    }
}

/// A failed probe in words, with what to do.
fn in_words(err: &Error, timeout: Duration) -> String {
    match err {
        Error::Connect(_) => "Could not connect to Zenoti. Check the data-center address in Settings and this computer's network.".into(),
        Error::Timeout => format!("No answer within {} s. Zenoti or the network is slow; run the check again later.", timeout.as_secs()),
        Error::Network(_) => "The connection broke before the answer was complete. Run the check again.".into(),
        Error::Unauthorized { .. } | Error::Reauthenticated => {
            "Zenoti refused the credentials. Check the API key (or the employee login) and sign in again.".into()
        }
        Error::RateLimited { retry_after } => format!(
            "Zenoti is rate limiting this organization (429){}. Other integrations may be using the budget; run the check again later.",
            retry_after.map(|d| format!(", asking to wait {} s", d.as_secs().max(1))).unwrap_or_default()
        ),
        Error::Server { status } => format!("Zenoti answered HTTP {status} (a server error). Run the check again later."),
        Error::Api { status: 404, .. } => "Zenoti has no such call here (404).".into(),
        Error::Api { status, code, message } => {
            format!("Zenoti refused the call (HTTP {status}, code {}): {message}", code.as_deref().unwrap_or("-"))
        }
        Error::Decode { path, .. } => format!("The answer could not be read at `{path}`: Front Desk's screens using it would fail. Send the support bundle."),
        Error::InvalidInput(message) => message.clone(),
    }
}
