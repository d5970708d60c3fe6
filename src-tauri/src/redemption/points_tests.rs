//! Redemption through the app's own logic against the sandbox: validation before sending, one
//! in flight per invoice, lost answers settled by reading again, and a randomized fault run
//! whose every outcome is checked against the sandbox's ledger.

use std::time::Duration;

use zenoti_sandbox::loyalty::Invoice;
use zenoti_sandbox::{Config, Fault, FaultAction, Sandbox, DEMO_API_KEY};

use crate::error::ErrorCode;
use crate::redemption::points::RedeemPointsRequest;
use crate::redemption::{AuditEntry, RedeemProgress, RedeemStatus};
use crate::services::connection::SignInRequest;
use crate::services::ClientTuning;
use crate::testing::TestHost;

pub(crate) use crate::testing::CHECK_WINDOW;

pub(crate) async fn signed_in(sandbox: &Sandbox, dir: &std::path::Path) -> TestHost {
    TestHost::signed_in(sandbox, dir, Duration::from_secs(5), CHECK_WINDOW).await
}

pub(crate) async fn unlimited_sandbox() -> Sandbox {
    Sandbox::start_local(Config { rate_limit: None, ..Config::default() }).await.unwrap()
}

/// The seeded invoice of today with this printed number. At Serenity Med Spa - Lakeside (no
/// OTP): SMS16681 to SMS16685 open and unpaid, SMS16686 open and part paid by card, SMS16687
/// closed, SMS16688 part paid with a gift card (pre-paid), SMS16689 selling only a gift card,
/// SMS16690 of a guest whose tier may not redeem. At Serenity Day Spa - Downtown, which asks for
/// an OTP: SDS16671 and SDS16672 open and unpaid. `the_seeded_invoices_are_what_these_tests_say`
/// checks this.
fn invoice(sandbox: &Sandbox, number: &str) -> Invoice {
    sandbox.with_books(|b| b.invoice_numbered(number).unwrap_or_else(|| panic!("no seeded invoice {number}")).clone())
}

/// Lakeside's open invoices (see [`invoice`]).
const LAKESIDE_OPEN: [&str; 6] = ["SMS16681", "SMS16682", "SMS16683", "SMS16684", "SMS16685", "SMS16686"];

/// Serenity Rewards, which every seeded guest has points in: its id and the invoice's guest's
/// balance.
fn program_points(sandbox: &Sandbox, inv: &Invoice) -> (String, i64) {
    sandbox.with_books(|b| {
        let p = b.program_named("Serenity Rewards").expect("the seeded program Serenity Rewards");
        (p.id.clone(), b.balances[&(inv.guest_id.clone(), p.id.clone())])
    })
}

fn ask(inv: &Invoice, program: &str, points: &str) -> RedeemPointsRequest {
    RedeemPointsRequest {
        invoice_id: inv.id.clone(),
        guest_id: inv.guest_id.clone(),
        program_id: Some(program.into()),
        points: points.into(),
        otp: None,
    }
}

/// A workstation signed in to its own sandbox, with a seeded invoice (by printed number, see
/// [`invoice`]) and Serenity Rewards, a program its guest has points in.
pub(crate) struct Setup {
    pub sandbox: Sandbox,
    /// The app's data folder, removed when the test ends.
    pub dir: tempfile::TempDir,
    pub app: TestHost,
    pub inv: Invoice,
    pub program: String,
}

pub(crate) async fn on_invoice(number: &str) -> Setup {
    on_invoice_with(number, Duration::from_secs(5), CHECK_WINDOW).await
}

/// [`on_invoice`] with this client timeout and check window.
pub(crate) async fn on_invoice_with(number: &str, timeout: Duration, check_window: Duration) -> Setup {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = TestHost::signed_in(&sandbox, dir.path(), timeout, check_window).await;
    let inv = invoice(&sandbox, number);
    let (program, _) = program_points(&sandbox, &inv);
    Setup { sandbox, dir, app, inv, program }
}

/// The invoice's number as printed and as Front Desk shows it: prefix, then number.
pub(crate) fn printed(inv: &Invoice) -> String {
    format!("{}{}", inv.number_prefix, inv.number)
}

/// The id of the center the app lists with this name.
async fn listed_center(app: &TestHost, name: &str) -> String {
    let centers = app.list_centers().await.unwrap();
    centers.iter().find(|c| c.label() == name).unwrap_or_else(|| panic!("no center {name} listed")).id.clone()
}

/// The next payment on this invoice meets `action`.
fn on_payment(sandbox: &Sandbox, inv: &Invoice, action: FaultAction) {
    sandbox.inject(Fault::new("POST", &format!("/v1/invoices/{}/payments", inv.id), 1, action));
}

fn posts(sandbox: &Sandbox, inv: &Invoice) -> usize {
    sandbox.requests_to(&format!("/v1/invoices/{}/payments", inv.id)).len()
}

#[tokio::test]
async fn a_redemption_is_applied_and_audited() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = invoice(&sandbox, "SMS16681");
    let (program, before) = program_points(&sandbox, &inv);
    let outcome = app.redeem_points(ask(&inv, &program, " 20 "), |_| ()).await.unwrap();
    assert_eq!(outcome.status, RedeemStatus::Applied);
    assert!(!outcome.checked_after_lost_answer);
    assert_eq!(outcome.amount.as_deref(), Some("2"));
    assert_eq!(outcome.points_left, Some((before - 20).to_string()));
    assert_eq!(sandbox.ledger().len(), 1);
    // The receipt's time is Zenoti's, on the center's clock.
    let paid_at = sandbox.with_books(|b| b.invoices.iter().find(|i| i.id == inv.id).unwrap().payments[0].at.clone());
    assert_eq!(outcome.center_time.as_deref(), Some(paid_at.as_str()));
    let audit = app.audit_log().await.unwrap();
    assert_eq!(audit.iter().map(|e| e.outcome.as_str()).collect::<Vec<_>>(), vec!["attempt", "applied"]);
    assert_eq!(audit[1].employee, "API key");
    assert_eq!(audit[1].invoice_number.as_deref(), Some(printed(&inv).as_str()));
    assert_eq!(outcome.invoice_number, Some(printed(&inv)));
    assert_eq!(audit[0].attempt_id, audit[1].attempt_id);
    assert_eq!(audit[1].attempt_id.as_deref(), Some(outcome.attempt_id.as_str()));
    let text = std::fs::read_to_string(dir.path().join("audit/redemptions.jsonl")).unwrap();
    assert!(!text.contains(DEMO_API_KEY), "the audit log holds the key");
}

#[tokio::test]
async fn the_quote_is_what_the_redemption_then_pays_and_sends_nothing() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = invoice(&sandbox, "SMS16681");
    let (program, _) = program_points(&sandbox, &inv);
    let quote = app.quote_points(ask(&inv, &program, " 20 ")).await.unwrap();
    assert_eq!(quote.points, "20");
    assert_eq!(quote.program_name.as_deref(), Some("Serenity Rewards"));
    assert_eq!(posts(&sandbox, &inv), 0, "a quote sent a payment");
    let outcome = app.redeem_points(ask(&inv, &program, "20"), |_| ()).await.unwrap();
    let value = |a: &Option<String>| a.as_deref().map(|a| a.parse::<rust_decimal::Decimal>().unwrap());
    assert_eq!(value(&quote.amount), value(&outcome.amount), "the confirmation showed another amount than was paid");
    assert_eq!(value(&quote.amount), Some(2.into()));
    // Refused by the same rules, with the same words, before anything is sent.
    let too_many = (inv.balance() / 10 + 10).to_string();
    let refused = app.quote_points(ask(&inv, &program, &too_many)).await.unwrap_err();
    let refused_redeem = app.redeem_points(ask(&inv, &program, &too_many), |_| ()).await.unwrap_err();
    assert_eq!((refused.code, &refused.message), (refused_redeem.code, &refused_redeem.message));
    assert_eq!(app.quote_points(ask(&inv, &program, "1.5")).await.unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(posts(&sandbox, &inv), 1);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = invoice(&sandbox, "SMS16681");
    let (program, balance) = program_points(&sandbox, &inv);
    let too_many = (balance + 10).to_string();
    for points in ["", "abc", "0", "-10", "10.5", "15", too_many.as_str(), "5010"] {
        let err = app.redeem_points(ask(&inv, &program, points), |_| ()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{points:?}: {err:?}");
    }
    // Closed, and part paid with a gift card.
    for number in ["SMS16687", "SMS16688"] {
        let other = invoice(&sandbox, number);
        let (p, _) = program_points(&sandbox, &other);
        let err = app.redeem_points(ask(&other, &p, "10"), |_| ()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "invoice {number}: {err:?}");
    }
    // Worth more than what is left to pay.
    let err = app.redeem_points(ask(&inv, &program, &(inv.balance() / 10 + 10).to_string()), |_| ()).await.unwrap_err();
    assert!(err.code == ErrorCode::InvalidInput, "{err:?}");
    // An OTP center asks for the code first.
    let otp_inv = invoice(&sandbox, "SDS16671");
    let (p, _) = program_points(&sandbox, &otp_inv);
    assert_eq!(app.redeem_points(ask(&otp_inv, &p, "10"), |_| ()).await.unwrap_err().code, ErrorCode::OtpRequired);
    // No cash register on this workstation.
    app.set_cash_register(" ".into()).unwrap();
    assert_eq!(app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(posts(&sandbox, &inv) + posts(&sandbox, &otp_inv), 0, "a payment was sent");
    assert!(sandbox.ledger().is_empty());
}

/// The invoices these tests pick by number are what [`invoice`] says they are.
#[tokio::test]
async fn the_seeded_invoices_are_what_these_tests_say() {
    use zenoti_sandbox::loyalty::{is_prepaid, ItemType, CARD};
    let sandbox = unlimited_sandbox().await;
    let lakeside = sandbox.organization().center_named("Serenity Med Spa - Lakeside").unwrap().id.clone();
    let downtown = sandbox.organization().center_named("Serenity Day Spa - Downtown").unwrap().id.clone();
    let (otp_centers, non_redeemable) =
        sandbox.with_books(|b| (b.otp_centers.keys().cloned().collect::<Vec<_>>(), b.non_redeemable.clone()));
    assert_eq!(otp_centers, [downtown.clone()], "only Downtown asks for an OTP");
    let at = |number: &str, center: &str| {
        let inv = invoice(&sandbox, number);
        assert_eq!(inv.center_id, center, "{number}");
        assert!(!non_redeemable.contains(&inv.guest_id) || number == "SMS16690", "{number}: a tier guest's");
        inv
    };
    for number in ["SDS16671", "SDS16672"] {
        let inv = at(number, &downtown);
        assert!(!inv.closed && inv.payments.is_empty() && inv.balance() > 0, "{number}");
    }
    for number in &LAKESIDE_OPEN[..5] {
        let inv = at(number, &lakeside);
        assert!(!inv.closed && inv.payments.is_empty() && inv.balance() > 0, "{number}");
        assert!(inv.items.iter().all(|i| i.kind == ItemType::Service), "{number}");
    }
    let part_paid = at("SMS16686", &lakeside);
    assert!(!part_paid.closed && part_paid.balance() > 0);
    assert_eq!(part_paid.payments.iter().map(|p| p.payment_name).collect::<Vec<_>>(), [CARD]);
    assert!(at("SMS16687", &lakeside).closed);
    let prepaid = at("SMS16688", &lakeside);
    assert!(!prepaid.closed && prepaid.payments.iter().any(|p| is_prepaid(p.payment_name)));
    let gift_card = at("SMS16689", &lakeside);
    assert!(!gift_card.closed && gift_card.items.iter().all(|i| i.kind == ItemType::GiftCard));
    assert!(non_redeemable.contains(&at("SMS16690", &lakeside).guest_id));
}

#[tokio::test]
async fn two_redemptions_at_once_on_one_invoice_pay_once() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16682").await;
    let (a, b) = tokio::join!(
        app.redeem_points(ask(&inv, &program, "10"), |_| ()),
        app.redeem_points(ask(&inv, &program, "10"), |_| ())
    );
    let results = [a, b];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    let refused = results.iter().find_map(|r| r.as_ref().err()).unwrap();
    assert_eq!(refused.code, ErrorCode::RedemptionInProgress);
    assert_eq!(sandbox.ledger().len(), 1);
    assert_eq!(posts(&sandbox, &inv), 1);
    // Once settled, the invoice is free again.
    app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(sandbox.ledger().len(), 2);
}

#[tokio::test]
async fn a_restart_to_update_waits_for_a_redemption_and_then_lets_none_start() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16684").await;
    // The payment takes a while to answer: the restart is asked for meanwhile.
    on_payment(&sandbox, &inv, FaultAction::Delay { ms: 400 });
    let restart = async {
        while app.redemptions_in_flight() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        app.close_for_restart()
    };
    let (paid, refused) = tokio::join!(app.redeem_points(ask(&inv, &program, "10"), |_| ()), restart);
    assert_eq!(refused.unwrap_err().code, ErrorCode::UpdateFailed);
    assert_eq!(paid.unwrap().status, RedeemStatus::Applied);

    // Nothing is being sent now: the restart may go, and no redemption starts after it.
    app.close_for_restart().unwrap();
    let other = invoice(&sandbox, "SMS16685");
    let (p, _) = program_points(&sandbox, &other);
    let err = app.redeem_points(ask(&other, &p, "10"), |_| ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RedemptionInProgress);
    assert!(err.message.contains("restarting"), "{err:?}");
    assert_eq!(posts(&sandbox, &other), 0);
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn closing_during_a_redemption_waits_for_its_result_and_lets_none_start() {
    // The answer is lost and the payment commits late: the close waits through the checks.
    let Setup { sandbox, dir: _dir, app, inv, program } =
        on_invoice_with("SMS16684", Duration::from_millis(150), Duration::from_secs(3)).await;
    on_payment(&sandbox, &inv, FaultAction::CommitLate { ms: 400 });
    let other = invoice(&sandbox, "SMS16685");
    let (p, _) = program_points(&sandbox, &other);
    let close = async {
        while app.redemptions_in_flight() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let redemptions = app.s::<crate::services::Redemptions>();
        let (left, refused) =
            tokio::join!(redemptions.drain(Duration::from_secs(10)), app.redeem_points(ask(&other, &p, "10"), |_| ()));
        (left, refused, app.redemptions_in_flight())
    };
    let (paid, (left, refused, in_flight_after)) =
        tokio::join!(app.redeem_points(ask(&inv, &program, "10"), |_| ()), close);
    let paid = paid.unwrap();
    assert_eq!((paid.status, paid.checked_after_lost_answer), (RedeemStatus::Applied, true));
    assert_eq!((left, in_flight_after), (0, 0), "the close waited for the result");
    let err = refused.unwrap_err();
    assert_eq!(err.code, ErrorCode::RedemptionInProgress);
    assert!(err.message.contains("closing") && err.message.contains("Nothing was sent"), "{err:?}");
    assert_eq!(posts(&sandbox, &other), 0);
    assert_eq!(sandbox.ledger().len(), 1);
    let outcomes: Vec<String> = app.audit_log().await.unwrap().into_iter().map(|e| e.outcome).collect();
    assert_eq!(outcomes.last().map(String::as_str), Some("applied"), "{outcomes:?}");
}

#[tokio::test]
async fn closing_waits_at_most_its_bound() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16684").await;
    on_payment(&sandbox, &inv, FaultAction::Delay { ms: 1500 });
    let close = async {
        while app.redemptions_in_flight() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        app.s::<crate::services::Redemptions>().drain(Duration::from_millis(200)).await
    };
    let (paid, left) = tokio::join!(app.redeem_points(ask(&inv, &program, "10"), |_| ()), close);
    assert_eq!(left, 1, "still in flight when the bound ran out");
    assert_eq!(paid.unwrap().status, RedeemStatus::Applied, "the redemption itself went on");
}

#[tokio::test]
async fn a_lost_answer_is_settled_by_reading_the_invoice_again() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16683").await;

    on_payment(&sandbox, &inv, FaultAction::ApplyThenDrop);
    let steps = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let applied = app
        .redeem_points(ask(&inv, &program, "10"), {
            let steps = steps.clone();
            move |s| steps.lock().unwrap().push(s)
        })
        .await
        .unwrap();
    let steps = steps.lock().unwrap().clone();
    assert_eq!(steps[0], RedeemProgress::Sending);
    assert!(matches!(steps[1], RedeemProgress::Checking { .. }), "{steps:?}");
    assert!(applied.center_time.is_some(), "the payment found on the invoice gives the receipt its time");
    assert_eq!((applied.status, applied.checked_after_lost_answer), (RedeemStatus::Applied, true));
    assert!(applied.evidence.as_deref().unwrap().contains("on the invoice"), "{:?}", applied.evidence);
    assert_eq!(sandbox.ledger().len(), 1);

    // Dropped before it did anything: nothing shows, and the screen never says "safe to try
    // again", because nothing proves the request did not reach Zenoti.
    on_payment(&sandbox, &inv, FaultAction::DropBeforeApply);
    let unseen = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!((unseen.status, unseen.checked_after_lost_answer), (RedeemStatus::NotSeenYet, true));
    assert_eq!(unseen.check_error, None);
    assert_eq!(sandbox.ledger().len(), 1);

    on_payment(&sandbox, &inv, FaultAction::respond(503, ""));
    let unseen = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(unseen.status, RedeemStatus::NotSeenYet);
    assert_eq!(posts(&sandbox, &inv), 3, "every payment was sent exactly once");
    let outcomes: Vec<String> = app.audit_log().await.unwrap().into_iter().map(|e| e.outcome).collect();
    assert_eq!(outcomes, vec!["attempt", "applied", "attempt", "not_seen_yet", "attempt", "not_seen_yet"]);
}

#[tokio::test]
async fn a_late_commit_is_found_by_the_checks_and_never_called_not_applied() {
    // The client gives up after 150 ms; the server commits at 400 ms.
    let Setup { sandbox, dir: _dir, app, inv, program } =
        on_invoice_with("SMS16683", Duration::from_millis(150), Duration::from_secs(3)).await;
    on_payment(&sandbox, &inv, FaultAction::CommitLate { ms: 400 });
    let seconds = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let outcome = app
        .redeem_points(ask(&inv, &program, "10"), {
            let seconds = seconds.clone();
            move |s| {
                if let RedeemProgress::Checking { seconds_left } = s {
                    seconds.lock().unwrap().push(seconds_left);
                }
            }
        })
        .await
        .unwrap();
    assert_eq!((outcome.status, outcome.checked_after_lost_answer), (RedeemStatus::Applied, true));
    assert_eq!(sandbox.ledger().len(), 1);
    let seconds = seconds.lock().unwrap().clone();
    assert_eq!(seconds.first(), Some(&3), "the countdown starts at the window: {seconds:?}");
    assert!(seconds.windows(2).all(|w| w[0] >= w[1]), "the countdown only goes down: {seconds:?}");
}

#[tokio::test]
async fn a_commit_then_a_5xx_with_a_json_body_is_settled_as_applied() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16683").await;
    for (status, body) in [
        (500, r#"{"Message":"An error has occurred."}"#),
        (504, r#"{"message":"Endpoint request timed out"}"#),
        (502, r#"{"error":{"code":502,"message":"Bad gateway"}}"#),
    ] {
        let before = sandbox.ledger().len();
        on_payment(&sandbox, &inv, FaultAction::apply_then_respond(status, body));
        let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
        assert_eq!((outcome.status, outcome.checked_after_lost_answer), (RedeemStatus::Applied, true), "{status}");
        assert_eq!(sandbox.ledger().len(), before + 1, "{status}");
    }
    // The same answers without a commit: not seen, never "refused" or "not applied".
    on_payment(&sandbox, &inv, FaultAction::respond(500, r#"{"Message":"An error has occurred."}"#));
    let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(outcome.status, RedeemStatus::NotSeenYet);
    assert_eq!(sandbox.ledger().len(), 3);
}

#[tokio::test]
async fn checks_that_hang_end_with_the_window_and_say_why() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16683").await;
    on_payment(&sandbox, &inv, FaultAction::DropBeforeApply);
    // Every read after the lost answer hangs for longer than the whole check.
    sandbox.inject(Fault::new("GET", &format!("/v1/invoices/{}", inv.id), 1, FaultAction::Delay { ms: 0 }));
    sandbox.inject(Fault::new("GET", &format!("/v1/invoices/{}", inv.id), 50, FaultAction::Delay { ms: 20_000 }));
    let started = std::time::Instant::now();
    let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(outcome.status, RedeemStatus::NotSeenYet);
    assert!(outcome.check_error.as_deref().unwrap().contains("did not answer"), "{outcome:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_200_that_shows_no_redemption_is_not_a_receipt() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16683").await;
    // Applied, but the answer is empty: the checks find the payment.
    on_payment(&sandbox, &inv, FaultAction::apply_then_respond(200, "{}"));
    let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!((outcome.status, outcome.checked_after_lost_answer), (RedeemStatus::Applied, true));
    assert_ne!(outcome.evidence.as_deref(), Some("Zenoti's answer"));
    // Not applied, and the answer is empty: no receipt.
    on_payment(&sandbox, &inv, FaultAction::respond(200, "{}"));
    let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(outcome.status, RedeemStatus::NotSeenYet);
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn a_redirect_on_the_payment_is_never_followed() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16683").await;
    let path = format!("/v1/invoices/{}/payments", inv.id);
    let elsewhere = format!("{}/v1/centers", sandbox.base_url());
    let gets_before = sandbox.requests_to("/v1/centers").len();
    on_payment(&sandbox, &inv, FaultAction::respond(302, "").with_header("location", &elsewhere));
    let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(outcome.status, RedeemStatus::NotSeenYet);
    sandbox.inject(Fault::new(
        "POST",
        &path,
        1,
        FaultAction::apply_then_respond(302, "").with_header("location", &elsewhere),
    ));
    let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!((outcome.status, outcome.checked_after_lost_answer), (RedeemStatus::Applied, true));
    assert_eq!(sandbox.requests_to("/v1/centers").len(), gets_before, "the redirect was followed");
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn hostile_retry_after_values_neither_panic_nor_hold_the_payment() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16683").await;
    let read = format!("/v1/guests/{}/payments", inv.id);
    let started = std::time::Instant::now();
    for value in ["1e20", "86400", "-1", "NaN"] {
        sandbox.inject(Fault::new("GET", &read, 1, FaultAction::respond(429, "").with_header("retry-after", value)));
        let result = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await;
        match result {
            Ok(o) => assert_eq!(o.status, RedeemStatus::Applied, "{value}"),
            Err(e) => assert_eq!(e.code, ErrorCode::RateLimited, "{value}: {e:?}"),
        }
    }
    // Every later call, the payment included, goes within the retry budget (1 s here).
    let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(outcome.status, RedeemStatus::Applied);
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}

#[tokio::test]
async fn an_audit_log_that_cannot_be_written_sends_nothing() {
    let Setup { sandbox, dir, app, inv, program } = on_invoice("SMS16683").await;
    // A folder where the log file should be.
    std::fs::create_dir_all(dir.path().join("audit/redemptions.jsonl")).unwrap();
    let err = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::AuditUnavailable);
    assert!(err.message.contains("nothing was sent"), "{}", err.message);
    assert_eq!(posts(&sandbox, &inv), 0);
    assert!(sandbox.ledger().is_empty());
}

#[tokio::test]
async fn two_app_instances_on_one_pc_send_one_payment_per_invoice() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    // Two instances (possible without D-Bus) share the data folder.
    let first = signed_in(&sandbox, dir.path()).await;
    let second = signed_in(&sandbox, dir.path()).await;
    let inv = invoice(&sandbox, "SMS16684");
    let (program, _) = program_points(&sandbox, &inv);
    on_payment(&sandbox, &inv, FaultAction::Delay { ms: 300 });
    let other_case = RedeemPointsRequest { invoice_id: inv.id.to_uppercase(), ..ask(&inv, &program, "10") };
    let (a, b) = tokio::join!(first.redeem_points(ask(&inv, &program, "10"), |_| ()), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        second.redeem_points(other_case, |_| ()).await
    });
    assert_eq!(a.unwrap().status, RedeemStatus::Applied);
    let refused = b.unwrap_err();
    assert_eq!(refused.code, ErrorCode::RedemptionInProgress);
    assert!(refused.message.contains("Another Front Desk window"), "{}", refused.message);
    assert_eq!((posts(&sandbox, &inv), sandbox.ledger().len()), (1, 1));
}

#[tokio::test]
async fn an_invoice_id_in_another_letter_case_is_the_same_invoice() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16684").await;
    on_payment(&sandbox, &inv, FaultAction::Delay { ms: 300 });
    let upper = RedeemPointsRequest { invoice_id: inv.id.to_uppercase(), ..ask(&inv, &program, "10") };
    let (a, b) = tokio::join!(app.redeem_points(ask(&inv, &program, "10"), |_| ()), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        app.redeem_points(upper, |_| ()).await
    });
    assert_eq!(a.unwrap().status, RedeemStatus::Applied);
    assert_eq!(b.unwrap_err().code, ErrorCode::RedemptionInProgress);
    assert_eq!(sandbox.ledger().len(), 1);
}

#[tokio::test]
async fn check_again_finds_a_payment_that_committed_after_the_window() {
    let Setup { sandbox, dir: _dir, app, inv, program } =
        on_invoice_with("SMS16683", Duration::from_millis(100), Duration::from_millis(200)).await;
    on_payment(&sandbox, &inv, FaultAction::CommitLate { ms: 700 });
    let unseen = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(unseen.status, RedeemStatus::NotSeenYet);
    assert!(sandbox.ledger().is_empty(), "committed before the window ended");
    // Still not there: Check again says so.
    let again = app.check_redemption(unseen.attempt_id.clone()).await.unwrap();
    assert_eq!(again.status, RedeemStatus::NotSeenYet);
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(sandbox.ledger().len(), 1);
    let found = app.check_redemption(unseen.attempt_id.clone()).await.unwrap();
    assert_eq!((found.status, found.attempt_id.as_str()), (RedeemStatus::Applied, unseen.attempt_id.as_str()));
    let outcomes: Vec<String> = app.audit_log().await.unwrap().into_iter().map(|e| e.outcome).collect();
    assert_eq!(outcomes, ["attempt", "not_seen_yet", "applied"]);
    assert_eq!(app.check_redemption("no-such-attempt".into()).await.unwrap_err().code, ErrorCode::InvalidInput);
}

#[tokio::test]
async fn it_did_not_go_through_is_the_receptionists_word_and_is_audited() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16683").await;
    on_payment(&sandbox, &inv, FaultAction::DropBeforeApply);
    let unseen = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(unseen.status, RedeemStatus::NotSeenYet);
    app.dismiss_redemption(unseen.attempt_id.clone()).await.unwrap();
    let last = app.audit_log().await.unwrap().pop().unwrap();
    assert_eq!((last.outcome.as_str(), last.attempt_id.as_deref()), ("dismissed", Some(unseen.attempt_id.as_str())));
    assert_eq!(last.employee, "API key");
    // It is no longer checked, neither by Check again nor before the next redemption.
    assert_eq!(app.check_redemption(unseen.attempt_id.clone()).await.unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(app.dismiss_redemption(unseen.attempt_id).await.unwrap_err().code, ErrorCode::InvalidInput);
    let gets = sandbox.requests_to(&format!("/v1/invoices/{}", inv.id)).len();
    assert_eq!(app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap().status, RedeemStatus::Applied);
    assert_eq!(sandbox.requests_to(&format!("/v1/invoices/{}", inv.id)).len(), gets + 2, "one read and the payment");
}

#[tokio::test]
async fn a_new_redemption_checks_the_invoices_earlier_unseen_one_first() {
    let Setup { sandbox, dir: _dir, app, inv, program } =
        on_invoice_with("SMS16683", Duration::from_millis(100), Duration::from_millis(200)).await;
    on_payment(&sandbox, &inv, FaultAction::CommitLate { ms: 600 });
    let unseen = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!(unseen.status, RedeemStatus::NotSeenYet);
    tokio::time::sleep(Duration::from_millis(800)).await;
    // The receptionist tries again: the earlier one is found first, and nothing more is sent.
    let err = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::AlreadyApplied);
    assert_eq!((posts(&sandbox, &inv), sandbox.ledger().len()), (1, 1));
    // Settled: the next redemption goes ahead as usual.
    assert_eq!(app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap().status, RedeemStatus::Applied);

    // An earlier one still not seen, and now the check itself fails: nothing is sent.
    on_payment(&sandbox, &inv, FaultAction::DropBeforeApply);
    assert_eq!(app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap().status, RedeemStatus::NotSeenYet);
    sandbox.inject(Fault::new("GET", &format!("/v1/invoices/{}", inv.id), 100, FaultAction::respond(500, "")));
    let err = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::OutcomeUnchecked);
    sandbox.clear_faults();
    // It reads fine again and shows nothing: the receptionist was told to check, and may go on.
    assert_eq!(app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap().status, RedeemStatus::Applied);
    assert_eq!(posts(&sandbox, &inv), 4);
}

#[tokio::test]
async fn a_redemption_on_an_invoice_that_already_carries_a_payment_finds_its_own() {
    let Setup { sandbox, dir: _dir, app, inv, program } = on_invoice("SMS16685").await;
    // A card payment of part of it, as Zenoti shows payments: read with the recorded shape.
    sandbox.with_books(|b| {
        let target = b.invoices.iter_mut().find(|i| i.id == inv.id).unwrap();
        let at = target.date.clone();
        target.payments.push(zenoti_sandbox::loyalty::Payment::new(
            "11111111-2222-4333-8444-555555555555".into(),
            zenoti_sandbox::loyalty::CARD,
            1000,
            at,
        ));
    });
    let read = app.get_invoice(inv.id.clone()).await.unwrap();
    assert_eq!(read.transactions.len(), 1);
    assert_eq!(read.transactions[0].option_name(), "Card");
    on_payment(&sandbox, &inv, FaultAction::ApplyThenDrop);
    let outcome = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    assert_eq!((outcome.status, outcome.checked_after_lost_answer), (RedeemStatus::Applied, true));
    let ledger = sandbox.ledger();
    assert!(outcome.evidence.as_deref().unwrap().contains(&ledger[0].payment_id), "{:?}", outcome.evidence);
}

#[tokio::test]
async fn the_demo_keeps_its_own_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestHost::new(dir.path(), ClientTuning::default());
    app.start_demo().await.unwrap();
    let center = listed_center(&app, "Serenity Med Spa - Lakeside").await;
    let today = app.find_invoices(center, None).await.unwrap();
    let open = today.iter().find(|i| i.is_closed == Some(false)).unwrap();
    let info = app.redeemable_points(open.invoice_id.clone()).await.unwrap();
    let programs = &info.lp_redeemable.loyalty_programs;
    let program = programs.iter().find(|p| p.name.as_deref() == Some("Serenity Rewards")).unwrap().id.clone();
    let request = RedeemPointsRequest {
        invoice_id: open.invoice_id.clone(),
        guest_id: open.user_id.clone().unwrap(),
        program_id: Some(program),
        points: "10".into(),
        otp: None,
    };
    assert_eq!(app.redeem_points(request, |_| ()).await.unwrap().status, RedeemStatus::Applied);
    assert_eq!(app.audit_log().await.unwrap().len(), 2, "the demo's log shows the demo's redemption");
    assert!(!dir.path().join("audit/redemptions.jsonl").exists(), "the demo wrote the real audit log");
    assert!(dir.path().join("audit/demo-redemptions.jsonl").exists());
    let csv = app.export_audit_csv(&dir.path().join("out")).await.unwrap();
    assert!(csv.contains("demo-redemptions"), "{csv}");
}

#[tokio::test]
async fn a_refusal_is_plain_and_audited_with_zenotis_words() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = invoice(&sandbox, "SDS16671");
    let (program, _) = program_points(&sandbox, &inv);
    let err = app
        .redeem_points(RedeemPointsRequest { otp: Some("000000".into()), ..ask(&inv, &program, "10") }, |_| ())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::RedemptionRefused);
    assert!(err.message.contains("override code"), "{}", err.message);
    assert_eq!(err.detail.as_deref(), Some("Zenoti error 502: Please enter a valid OTP."));
    let last = app.audit_log().await.unwrap().pop().unwrap();
    assert_eq!((last.outcome.as_str(), last.zenoti_message.as_deref()), ("refused", Some("Please enter a valid OTP.")));
    let code = sandbox.with_books(|b| b.otp_centers[&inv.center_id].clone());
    let ok =
        app.redeem_points(RedeemPointsRequest { otp: Some(code), ..ask(&inv, &program, "10") }, |_| ()).await.unwrap();
    assert_eq!(ok.status, RedeemStatus::Applied);
}

/// Every way a payment's answer goes wrong, drawn at random; the kinds that apply it and the
/// kinds that do not, each counted.
pub(crate) fn random_fault(rng: &mut fastrand::Rng) -> (&'static str, Option<FaultAction>) {
    match rng.u8(..20) {
        0 | 1 => ("apply then drop", Some(FaultAction::ApplyThenDrop)),
        2 => ("drop before apply", Some(FaultAction::DropBeforeApply)),
        // Later than the client's 120 ms timeout: the answer is lost, the commit lands after.
        3 | 4 => ("commit late", Some(FaultAction::CommitLate { ms: 200 })),
        5 => ("commit then 500", Some(FaultAction::apply_then_respond(500, r#"{"Message":"An error has occurred."}"#))),
        6 => ("commit then 502", Some(FaultAction::apply_then_respond(502, ""))),
        7 => (
            "commit then 504",
            Some(FaultAction::apply_then_respond(504, r#"{"message":"Endpoint request timed out"}"#)),
        ),
        8 => ("commit then 200 {}", Some(FaultAction::apply_then_respond(200, "{}"))),
        9 => ("commit then 302", Some(FaultAction::apply_then_respond(302, "").with_header("location", "/v1/centers"))),
        10 => ("503, not applied", Some(FaultAction::respond(503, ""))),
        11 => ("200 {}, not applied", Some(FaultAction::respond(200, "{}"))),
        12 => ("429", Some(FaultAction::respond(429, "").with_header("retry-after", "0"))),
        13 => ("302, not applied", Some(FaultAction::respond(302, "").with_header("location", "/v1/centers"))),
        _ => ("none", None),
    }
}

/// Counts per fault kind: applied, not seen yet, refused or not sent.
pub(crate) type Tally = std::collections::BTreeMap<&'static str, [u32; 3]>;

/// Every kind of fault that commits was applied often, and never reported "not seen yet".
pub(crate) fn every_commit_was_seen(tally: &Tally) {
    for kind in [
        "apply then drop",
        "commit late",
        "commit then 500",
        "commit then 504",
        "commit then 200 {}",
        "commit then 302",
    ] {
        assert!(tally[kind][0] > 5, "{kind} was seldom applied: {tally:?}");
        assert_eq!(tally[kind][1], 0, "{kind}: a redemption that went through was not seen: {tally:?}");
    }
}

/// 1,000 attempts mixing good and bad amounts with every fault kind. After each, the sandbox's
/// ledger grew by one exactly when the app said "applied", and by nothing otherwise: no double
/// charge, and no "not sent" or "not seen yet" for a payment the ledger shows.
#[tokio::test]
async fn a_randomized_fault_run_never_pays_twice_and_the_audit_matches_the_ledger() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    // The client gives up after 120 ms, so "commit late" commits after it hung up.
    let app = TestHost::signed_in(&sandbox, dir.path(), Duration::from_millis(120), Duration::from_millis(600)).await;
    let mut rng = fastrand::Rng::with_seed(20261202);
    let open: Vec<Invoice> = LAKESIDE_OPEN.iter().map(|number| invoice(&sandbox, number)).collect();
    let mut tally = Tally::new();
    for attempt in 0..1000 {
        if attempt % 25 == 0 {
            // Top up so that attempts keep exercising the payment itself.
            sandbox.with_books(|b| {
                for inv in b.invoices.iter_mut() {
                    inv.payments.retain(|p| p.points == 0);
                }
                for v in b.balances.values_mut() {
                    *v = (*v).max(3000);
                }
            });
        }
        let inv = &open[rng.usize(..open.len())];
        let (program, _) = program_points(&sandbox, inv);
        let points = [10, 20, 30, 50, 15, 100_000][rng.usize(..6)].to_string();
        let (kind, fault) = random_fault(&mut rng);
        sandbox.clear_faults();
        if let Some(action) = fault {
            on_payment(&sandbox, &inv, action);
        }
        let before = sandbox.ledger().len();
        let result = app.redeem_points(ask(inv, &program, &points), |_| ()).await;
        let grew = sandbox.ledger().len() - before;
        let counts = tally.entry(kind).or_default();
        match &result {
            Ok(o) if o.status == RedeemStatus::Applied => {
                assert_eq!(grew, 1, "attempt {attempt} ({kind}): said applied, ledger grew by {grew}");
                counts[0] += 1;
            }
            Ok(o) => {
                assert_eq!(grew, 0, "attempt {attempt} ({kind}): not seen yet, yet the ledger grew by {grew}");
                assert_eq!(o.check_error, None, "attempt {attempt} ({kind}): the checks failed");
                counts[1] += 1;
            }
            Err(e) => {
                assert_eq!(grew, 0, "attempt {attempt} ({kind}): {e:?} yet the ledger grew");
                counts[2] += 1;
            }
        }
    }
    println!("points fault run (applied, not seen yet, refused or not sent): {tally:?}");
    let ledger = sandbox.ledger();
    let audit_applied = app.audit_log().await.unwrap().into_iter().filter(|e| e.outcome == "applied").count();
    assert_eq!(audit_applied, ledger.len(), "the audit log and the ledger disagree");
    let applied: u32 = tally.values().map(|c| c[0]).sum();
    assert_eq!(applied as usize, ledger.len());
    every_commit_was_seen(&tally);
    assert!(tally["none"][2] > 30 && tally["drop before apply"][1] > 5, "a weak mix: {tally:?}");
    let ids: std::collections::HashSet<_> = ledger.iter().map(|e| &e.payment_id).collect();
    assert_eq!(ids.len(), ledger.len());
}

#[tokio::test]
async fn a_session_that_expired_mid_flow_sends_nothing_twice() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let account = sandbox.config().employee.clone();
    app.sign_in(SignInRequest::Employee {
        base_url: sandbox.base_url(),
        account_name: account.account_name,
        user_name: account.user_name,
        password: account.password.into(),
        app_id: account.app_id,
        app_secret: account.app_secret.into(),
    })
    .await
    .unwrap();
    let inv = invoice(&sandbox, "SMS16684");
    let (program, _) = program_points(&sandbox, &inv);
    let path = format!("/v1/invoices/{}/payments", inv.id);
    sandbox.inject(Fault::new(
        "POST",
        &path,
        1,
        FaultAction::Respond {
            status: 401,
            body: r#"{"Message":"Authorization has been denied for this request."}"#.into(),
            retry_after: None,
            headers: vec![],
        },
    ));
    let err = app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::SessionRenewed);
    assert!(sandbox.ledger().is_empty());
    assert_eq!(posts(&sandbox, &inv), 1);
    assert_eq!(app.audit_log().await.unwrap().pop().unwrap().outcome, "not_sent");
    assert_eq!(app.audit_log().await.unwrap().pop().unwrap().employee, "frontdesk");
    // Pressing Redeem again works with the renewed session.
    assert_eq!(app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap().status, RedeemStatus::Applied);
}

#[tokio::test]
async fn the_audit_log_exports_as_csv() {
    let Setup { sandbox: _sandbox, dir, app, inv, program } = on_invoice("SMS16685").await;
    app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    let path = app.export_audit_csv(&dir.path().join("exports")).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "time,attempt_id,workstation,employee,center_id,invoice_id,invoice_number,guest_id,points,package,amount,outcome,evidence,zenoti_code,zenoti_message"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2);
    assert!(rows[1].contains(&printed(&inv)) && rows[1].contains(",applied,"), "{}", rows[1]);
}

#[test]
fn audit_lines_written_before_package_redemptions_still_read() {
    let old = r#"{"time":"2026-11-20T10:00:00Z","workstation":"w","employee":"e","center_id":"c","invoice_id":"i","invoice_number":"N1","guest_id":"g","points":"10","amount":"1.00","outcome":"applied","zenoti_code":null,"zenoti_message":null}"#;
    let entry: AuditEntry = serde_json::from_str(old).unwrap();
    assert_eq!((entry.points.as_deref(), entry.package), (Some("10"), None));
}

#[tokio::test]
async fn an_export_that_cannot_be_written_says_so_and_keeps_the_log() {
    let Setup { sandbox: _sandbox, dir, app, inv, program } = on_invoice("SMS16685").await;
    app.redeem_points(ask(&inv, &program, "10"), |_| ()).await.unwrap();
    // A file where the folder should be.
    let blocked = dir.path().join("not-a-folder");
    std::fs::write(&blocked, "x").unwrap();
    let err = app.export_audit_csv(&blocked).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::SettingsError);
    assert!(err.message.contains("try again"), "{}", err.message);
    assert_eq!(app.audit_log().await.unwrap().len(), 2, "the log itself is untouched");
}

#[tokio::test]
async fn the_demo_shows_its_otp_codes() {
    let dir = tempfile::tempdir().unwrap();
    let app = TestHost::new(dir.path(), ClientTuning::default());
    // Not signed in: the guard refuses before anything else.
    assert_eq!(app.demo_codes().await.unwrap_err().code, ErrorCode::NotSignedIn);
    app.start_demo().await.unwrap();
    // Downtown asks for an OTP; its invoice SDS16671 is open.
    let center = listed_center(&app, "Serenity Day Spa - Downtown").await;
    let today = app.find_invoices(center.clone(), None).await.unwrap();
    let first = today.iter().find(|i| i.invoice_no.as_deref() == Some("SDS16671")).unwrap();
    app.redeemable_points(first.invoice_id.clone()).await.unwrap();
    let codes = app.demo_codes().await.unwrap();
    assert_eq!(codes.override_codes, vec!["246810".to_owned()]);
    assert_eq!(codes.sent.len(), 1);
    assert_eq!(Some(&codes.sent[0].0), first.invoice_no.as_ref());
    assert!(codes.package_codes.is_empty());

    // Opening a package that asks for a code "sends" one, named by package and guest.
    let guest = first.user_id.clone().unwrap();
    let packages = app.guest_packages(guest.clone(), center.clone()).await.unwrap();
    let glow =
        packages.iter().find(|p| p.held.package.package.as_ref().unwrap().is_otp_required == Some(true)).unwrap();
    app.package_details(guest, glow.held.package.user_package_id.clone()).await.unwrap();
    let codes = app.demo_codes().await.unwrap();
    assert_eq!(codes.package_codes.len(), 1);
    let (label, code) = &codes.package_codes[0];
    assert!(label.starts_with("Facial Glow 6 – "), "{label}");
    assert!(code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()), "{code}");
}

#[tokio::test]
async fn the_code_the_guest_was_sent_pays_even_though_the_points_are_read_again() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = invoice(&sandbox, "SDS16672");
    let (program, _) = program_points(&sandbox, &inv);
    // The screen reads the points (the guest gets a code); redeeming reads them again first.
    app.redeemable_points(inv.id.clone()).await.unwrap();
    let sent = sandbox.with_books(|b| b.otps[&inv.id].clone());
    let ok = app
        .redeem_points(RedeemPointsRequest { otp: Some(sent.clone()), ..ask(&inv, &program, "10") }, |_| ())
        .await
        .unwrap();
    assert_eq!(ok.status, RedeemStatus::Applied);
    // A used code is spent: the next redemption needs the next code.
    app.redeemable_points(inv.id.clone()).await.unwrap();
    let next = sandbox.with_books(|b| b.otps[&inv.id].clone());
    let again =
        app.redeem_points(RedeemPointsRequest { otp: Some(sent.clone()), ..ask(&inv, &program, "10") }, |_| ()).await;
    if next != sent {
        // (One time in a million the new random code is the old one.)
        assert_eq!(again.unwrap_err().code, ErrorCode::RedemptionRefused);
    }
}
