//! Package redemption through the app's own logic against the sandbox: checks before sending,
//! one in flight per invoice, lost answers settled by reading the package's history, refusals,
//! and a randomized fault run checked against the sandbox's events.

use zenoti_sandbox::loyalty::Invoice;
use zenoti_sandbox::{Fault, FaultAction, Sandbox};

use crate::error::ErrorCode;
use crate::guest_packages::sort_for_desk;
use crate::redemption::package::RedeemPackageRequest;
use crate::redemption::points_tests::{signed_in, unlimited_sandbox};
use crate::redemption::{RedeemProgress, RedeemStatus};
use crate::testing::TestHost;

/// The user-package id of the package called `name` of the guest with this code. The first
/// guest of each center (G10000 to G10003) holds one package of every kind.
async fn package(app: &TestHost, sandbox: &Sandbox, guest_code: &str, name: &str) -> String {
    let (g, c) = sandbox.guest_coded(guest_code);
    let all = app.guest_packages(g, c).await.unwrap();
    all.iter()
        .map(|p| &p.held)
        .find(|p| p.package.package.as_ref().and_then(|x| x.name.as_deref()) == Some(name))
        .map(|p| p.package.user_package_id.clone())
        .unwrap()
}

fn ask(inv: &Invoice, user_package_id: &str, item: usize) -> RedeemPackageRequest {
    RedeemPackageRequest {
        invoice_id: inv.id.clone(),
        center_id: inv.center_id.clone(),
        guest_id: inv.guest_id.clone(),
        user_package_id: user_package_id.to_owned(),
        invoice_item_id: inv.items[item].id.clone(),
        otp: None,
    }
}

fn posts(sandbox: &Sandbox, inv: &Invoice) -> usize {
    sandbox.requests_to(&format!("/v1/invoices/{}/redemptions", inv.id)).len()
}

#[tokio::test]
async fn a_session_is_redeemed_and_audited() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = sandbox.add_open_invoice_for("G10002", &["Swedish Massage", "Signature Facial"]);
    let series = package(&app, &sandbox, "G10002", "Massage Series 10").await;
    let steps = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let done = app
        .redeem_package(ask(&inv, &series, 0), {
            let steps = steps.clone();
            move |s| steps.lock().unwrap().push(s)
        })
        .await
        .unwrap();
    assert_eq!(*steps.lock().unwrap(), vec![RedeemProgress::Sending]);
    assert_eq!((done.status, done.checked_after_lost_answer), (RedeemStatus::Applied, false));
    assert_eq!(done.sessions_left, Some(6));
    assert_eq!(done.balance_due.as_deref(), Some("95"));
    assert_eq!(done.service_name.as_deref(), Some("Swedish Massage"));
    assert!(done.center_time.is_some());
    let audit = app.audit_log().await.unwrap();
    let outcomes: Vec<&str> = audit.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["attempt", "applied"]);
    assert_eq!(audit[1].package.as_deref(), Some("Massage Series 10: Swedish Massage"));
    assert_eq!((audit[1].points.as_deref(), audit[1].amount.as_deref()), (None, Some("120")));

    // The details now show the session at the top of the history.
    let (g, _) = sandbox.guest_coded("G10002");
    let details = app.package_details(g, series).await.unwrap();
    assert_eq!(details.history[0].invoice_no, Some(inv.printed_number()));
    let massage =
        details.benefits.iter().find(|b| b.item.as_ref().and_then(|i| i.name.as_deref()) == Some("Swedish Massage"));
    assert_eq!(massage.unwrap().balance, Some(6));
}

#[tokio::test]
async fn what_cannot_work_is_refused_before_anything_is_sent() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = sandbox.add_open_invoice_for("G10001", &["Swedish Massage", "Signature Facial", "Blowout"]);
    let series = package(&app, &sandbox, "G10001", "Massage Series 10").await;
    let cases = [
        ("Body Sculpt 8", 0, "frozen"),
        ("Summer Glow 3", 1, "expired"),
        ("Couples Retreat 2", 0, "cancelled"),
        ("Blowout Bundle 5", 2, "closed"),
        ("Laser Series 6", 0, "processing"),
        ("Massage Series 10", 1, "does not include Signature Facial"),
    ];
    for (name, item, says) in cases {
        let id = package(&app, &sandbox, "G10001", name).await;
        let err = app.redeem_package(ask(&inv, &id, item), |_| ()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{name}");
        assert!(err.message.contains(says), "{name}: {}", err.message);
    }
    let glow = package(&app, &sandbox, "G10001", "Facial Glow 6").await;
    let err = app.redeem_package(ask(&inv, &glow, 1), |_| ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::OtpRequired);
    let mut blank = ask(&inv, &series, 0);
    blank.invoice_item_id = "  ".into();
    assert_eq!(app.redeem_package(blank, |_| ()).await.unwrap_err().code, ErrorCode::InvalidInput);
    // Another guest's invoice.
    let other = sandbox.add_open_invoice_for("G10002", &["Swedish Massage"]);
    let mut wrong_guest = ask(&other, &series, 0);
    wrong_guest.guest_id = inv.guest_id.clone();
    let err = app.redeem_package(wrong_guest, |_| ()).await.unwrap_err();
    assert!(err.message.contains("another guest"), "{}", err.message);
    // A closed invoice.
    sandbox.with_books(|b| b.invoices.iter_mut().find(|i| i.id == other.id).unwrap().closed = true);
    let err =
        app.redeem_package(ask(&other, &package(&app, &sandbox, "G10002", "Massage Series 10").await, 0), |_| ()).await;
    assert!(err.unwrap_err().message.contains("closed"));
    assert_eq!(posts(&sandbox, &inv) + posts(&sandbox, &other), 0, "nothing was sent");
    assert!(app.audit_log().await.unwrap().is_empty(), "nothing was attempted");
}

#[tokio::test]
async fn two_redemptions_at_once_on_one_invoice_send_one() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = sandbox.add_open_invoice_for("G10002", &["Swedish Massage"; 2]);
    let series = package(&app, &sandbox, "G10002", "Massage Series 10").await;
    let (a, b) = tokio::join!(
        app.redeem_package(ask(&inv, &series, 0), |_| ()),
        app.redeem_package(ask(&inv, &series, 1), |_| ())
    );
    let results = [a, b];
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{results:?}");
    assert_eq!(results.iter().find_map(|r| r.as_ref().err()).unwrap().code, ErrorCode::RedemptionInProgress);
    assert_eq!(posts(&sandbox, &inv), 1);
    assert_eq!(sandbox.events().len(), 1);
}

#[tokio::test]
async fn a_lost_answer_is_settled_by_reading_the_package_again() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = sandbox.add_open_invoice_for("G10002", &["Swedish Massage"; 4]);
    let series = package(&app, &sandbox, "G10002", "Massage Series 10").await;
    let path = format!("/v1/invoices/{}/redemptions", inv.id);

    sandbox.inject(Fault::new("POST", &path, 1, FaultAction::ApplyThenDrop));
    let steps = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let applied = app
        .redeem_package(ask(&inv, &series, 0), {
            let steps = steps.clone();
            move |s| steps.lock().unwrap().push(s)
        })
        .await
        .unwrap();
    let steps = steps.lock().unwrap().clone();
    assert_eq!(steps[0], RedeemProgress::Sending);
    assert!(matches!(steps[1], RedeemProgress::Checking { .. }), "{steps:?}");
    assert_eq!((applied.status, applied.checked_after_lost_answer), (RedeemStatus::Applied, true));
    assert_eq!(applied.evidence.as_deref(), Some("the package's history"));
    assert_eq!(applied.sessions_left, Some(6));
    assert_eq!(applied.balance_due.as_deref(), Some("360"));
    assert!(applied.center_time.is_some(), "the history gives the receipt its time");

    sandbox.inject(Fault::new("POST", &path, 1, FaultAction::DropBeforeApply));
    let unseen = app.redeem_package(ask(&inv, &series, 1), |_| ()).await.unwrap();
    assert_eq!((unseen.status, unseen.checked_after_lost_answer), (RedeemStatus::NotSeenYet, true));

    // Committed late, after the client gave up, or committed and then a 5xx or an empty 200.
    for (item, action) in [
        (1, FaultAction::apply_then_respond(500, r#"{"Message":"An error has occurred."}"#)),
        (2, FaultAction::apply_then_respond(200, "{}")),
    ] {
        sandbox.inject(Fault::new("POST", &path, 1, action));
        let found = app.redeem_package(ask(&inv, &series, item), |_| ()).await.unwrap();
        assert_eq!((found.status, found.checked_after_lost_answer), (RedeemStatus::Applied, true), "line {item}");
    }

    // The answer is lost and the checks cannot be made either: not seen yet, with why.
    let (g, _) = sandbox.guest_coded("G10002");
    let history = format!("/v1/guests/{g}/packages/{series}/redemptions");
    sandbox.inject(Fault::new("POST", &path, 1, FaultAction::DropBeforeApply));
    // The read before sending passes; the reads after the lost answer fail.
    sandbox.inject(Fault::new("GET", &history, 1, FaultAction::Delay { ms: 0 }));
    sandbox.inject(Fault::new("GET", &history, 100, FaultAction::respond(500, "")));
    let unknown = app.redeem_package(ask(&inv, &series, 3), |_| ()).await.unwrap();
    assert_eq!(unknown.status, RedeemStatus::NotSeenYet);
    assert!(unknown.check_error.is_some(), "{unknown:?}");
    assert_eq!(posts(&sandbox, &inv), 5, "every redemption was sent exactly once");
    let outcomes: Vec<String> = app.audit_log().await.unwrap().into_iter().map(|e| e.outcome).collect();
    assert_eq!(
        outcomes,
        [
            "attempt",
            "applied",
            "attempt",
            "not_seen_yet",
            "attempt",
            "applied",
            "attempt",
            "applied",
            "attempt",
            "not_seen_yet"
        ]
    );
    assert_eq!(sandbox.package_ledger().len(), 3);
}

#[tokio::test]
async fn a_late_commit_of_a_session_is_found_by_the_checks() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = TestHost::signed_in(
        &sandbox,
        dir.path(),
        std::time::Duration::from_millis(150),
        std::time::Duration::from_secs(3),
    )
    .await;
    let inv = sandbox.add_open_invoice_for("G10002", &["Swedish Massage"]);
    let series = package(&app, &sandbox, "G10002", "Massage Series 10").await;
    let path = format!("/v1/invoices/{}/redemptions", inv.id);
    sandbox.inject(Fault::new("POST", &path, 1, FaultAction::CommitLate { ms: 400 }));
    let found = app.redeem_package(ask(&inv, &series, 0), |_| ()).await.unwrap();
    assert_eq!((found.status, found.checked_after_lost_answer), (RedeemStatus::Applied, true));
    assert_eq!(sandbox.package_ledger().len(), 1);
}

#[tokio::test]
async fn a_refusal_is_plain_and_audited_with_zenotis_words() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let inv = sandbox.add_open_invoice_for("G10001", &["Signature Facial"]);
    let glow = package(&app, &sandbox, "G10001", "Facial Glow 6").await;
    // Opening the package's details is when the sandbox sends the guest a code.
    app.package_details(inv.guest_id.clone(), glow.clone()).await.unwrap();
    let mut wrong = ask(&inv, &glow, 0);
    wrong.otp = Some("000001".into());
    let err = app.redeem_package(wrong, |_| ()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RedemptionRefused);
    assert!(err.message.contains("not the one Zenoti sent"), "{}", err.message);
    let last = app.audit_log().await.unwrap().pop().unwrap();
    assert_eq!((last.outcome.as_str(), last.zenoti_message.as_deref()), ("refused", Some("Please enter a valid OTP.")));
    // The code the guest was sent (shown in the demo's help panel) works.
    let code = sandbox.with_packages(|p| p.otps[&glow].clone());
    let mut right = ask(&inv, &glow, 0);
    right.otp = Some(code);
    assert_eq!(app.redeem_package(right, |_| ()).await.unwrap().sessions_left, Some(3));
}

#[tokio::test]
async fn usable_packages_come_first_and_frozen_or_expired_last() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = signed_in(&sandbox, dir.path()).await;
    let (g, c) = sandbox.guest_coded("G10000");
    let desk = app.guest_packages(g, c).await.unwrap();
    let usable: Vec<bool> = desk.iter().map(|p| p.why_not.is_none()).collect();
    assert_eq!(usable, [true, true, true, true, false, false, false, false, false]);
    assert!(desk[5].why_not.as_deref().unwrap().contains("cancelled"), "{:?}", desk[5].why_not);
    let mut packages: Vec<zenoti::HeldPackage> = desk.into_iter().map(|p| p.held).collect();
    let names = |p: &[zenoti::HeldPackage]| -> Vec<String> {
        p.iter().map(|p| p.package.package.as_ref().unwrap().name.clone().unwrap()).collect()
    };
    assert_eq!(
        names(&packages),
        [
            // Usable: ending soonest first (within its grace period first), not started, never ending.
            "Winter Renewal 4",
            "Massage Series 10",
            "Manicure Monthly 12",
            "Facial Glow 6",
            // Used up, cancelled, being processed.
            "Blowout Bundle 5",
            "Couples Retreat 2",
            "Laser Series 6",
            // Expired and frozen.
            "Summer Glow 3",
            "Body Sculpt 8",
        ]
    );
    // Sorting is stable: doing it again changes nothing.
    let again = names(&packages);
    sort_for_desk(&mut packages, chrono::Local::now().date_naive());
    assert_eq!(names(&packages), again);
}

/// 1,000 attempts with every fault kind (those of the points run). After each, the sandbox's
/// package ledger grew by one exactly when the app said "applied", and by nothing otherwise.
#[tokio::test]
async fn a_randomized_fault_run_never_redeems_twice_and_the_audit_matches_the_ledger() {
    let sandbox = unlimited_sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let app = TestHost::signed_in(
        &sandbox,
        dir.path(),
        // As the points run: the client gives up after 120 ms, before "commit late" commits.
        std::time::Duration::from_millis(120),
        std::time::Duration::from_millis(600),
    )
    .await;
    let series = package(&app, &sandbox, "G10002", "Massage Series 10").await;
    // Enough sessions for every attempt.
    sandbox.with_packages(|p| {
        let held = p.held.iter_mut().find(|h| h.user_package_id.eq_ignore_ascii_case(&series)).unwrap();
        held.benefit_named_mut("Swedish Massage").unwrap().total = 10_000;
    });
    // A new invoice of 25 sessions every 25 attempts (a receptionist's invoice, not a giant).
    const LINES: usize = 25;
    let mut invoices = Vec::new();
    let mut rng = fastrand::Rng::with_seed(20261202);
    let mut tally = crate::redemption::points_tests::Tally::new();
    for attempt in 0..1000 {
        if attempt % LINES == 0 {
            invoices.push(sandbox.add_open_invoice_for("G10002", &["Swedish Massage"; LINES]));
        }
        let inv = invoices.last().unwrap();
        let path = format!("/v1/invoices/{}/redemptions", inv.id);
        let n = attempt % LINES;
        // Mostly a fresh line; sometimes one already paid (Zenoti or our checks refuse it).
        let item = if n > 0 && rng.u8(..8) == 0 { rng.usize(..n) } else { n };
        let (kind, fault) = crate::redemption::points_tests::random_fault(&mut rng);
        sandbox.clear_faults();
        if let Some(action) = fault {
            sandbox.inject(Fault::new("POST", &path, 1, action));
        }
        let before = sandbox.package_ledger().len();
        let result = app.redeem_package(ask(inv, &series, item), |_| ()).await;
        let grew = sandbox.package_ledger().len() - before;
        let counts = tally.entry(kind).or_default();
        match &result {
            Ok(o) if o.status == RedeemStatus::Applied => {
                assert_eq!(grew, 1, "attempt {attempt} ({kind}): said applied, {grew} redemptions");
                counts[0] += 1;
            }
            Ok(o) => {
                assert_eq!(grew, 0, "attempt {attempt} ({kind}): not seen yet, yet {grew} redemptions");
                assert_eq!(o.check_error, None, "attempt {attempt} ({kind}): the checks failed: {:?}", o.check_error);
                counts[1] += 1;
            }
            Err(e) => {
                assert_eq!(grew, 0, "attempt {attempt} ({kind}): {e:?} yet redeemed");
                counts[2] += 1;
            }
        }
    }
    println!("package fault run (applied, not seen yet, refused or not sent): {tally:?}");
    let ledger = sandbox.package_ledger();
    let redeemed_lines: usize = sandbox.with_books(|b| {
        invoices
            .iter()
            .map(|inv| {
                b.invoices
                    .iter()
                    .find(|i| i.id == inv.id)
                    .unwrap()
                    .items
                    .iter()
                    .filter(|i| i.redeemed_by.is_some())
                    .count()
            })
            .sum()
    });
    let audit_applied = app.audit_log().await.unwrap().into_iter().filter(|e| e.outcome == "applied").count();
    assert_eq!(audit_applied, ledger.len(), "the audit log and the sandbox disagree");
    let applied: u32 = tally.values().map(|c| c[0]).sum();
    assert_eq!((applied as usize, redeemed_lines), (ledger.len(), ledger.len()));
    let lines: std::collections::HashSet<_> = ledger.iter().map(|e| e.invoice_item_id.to_lowercase()).collect();
    assert_eq!(lines.len(), ledger.len(), "a line was redeemed twice");
    crate::redemption::points_tests::every_commit_was_seen(&tally);
    assert!(tally["none"][0] > 100 && tally["drop before apply"][1] > 5, "a weak mix: {tally:?}");
}
