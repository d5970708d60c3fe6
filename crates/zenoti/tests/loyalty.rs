//! Invoices and loyalty-point redemption against the sandbox: every documented refusal, and
//! writes that are never sent twice.

mod common;
use common::client;

use rust_decimal::Decimal;
use zenoti::{Error, RedeemRequest, Refusal};
use zenoti_sandbox::loyalty::Invoice;
use zenoti_sandbox::{Config, Fault, FaultAction, Sandbox};

/// The sandbox's invoices of today, by number: center `c` (0 Downtown, which requires an OTP,
/// 1 Lakeside, 2 Harbor Point), kind `k` (0–5 open, 6 closed, 7 pre-paid payment applied,
/// 8 gift card only, 9 non-redeemable tier): "SDS16671" is Downtown's first.
fn invoice(sandbox: &Sandbox, c: usize, k: usize) -> Invoice {
    let number = format!("{}{}", ["SDS", "SMS", "SSH"][c], 16671 + c * 10 + k);
    sandbox.with_books(|b| b.invoice_numbered(&number).unwrap_or_else(|| panic!("no invoice {number}")).clone())
}

/// A program the invoice's guest has points in, and those points.
fn program_of(sandbox: &Sandbox, inv: &Invoice) -> (String, i64) {
    sandbox.with_books(|b| {
        let p = b.program_named("Serenity Rewards").unwrap();
        (p.id.clone(), b.balances[&(inv.guest_id.clone(), p.id.clone())])
    })
}

fn request(inv: &Invoice, program: &str, points: i64) -> RedeemRequest {
    RedeemRequest {
        points: Decimal::from(points),
        center_id: inv.center_id.clone(),
        program_id: Some(program.to_owned()),
        cash_register_id: "register-1".into(),
        redeem_across_programs: 0,
        otp: None,
    }
}

fn refusal(result: Result<zenoti::Redemption, Error>) -> Refusal {
    match result {
        Err(Error::Api { message, .. }) => Refusal::classify(&message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// An open invoice at a center without OTP whose guest has at least `points` in program 0.
fn open_invoice_with(sandbox: &Sandbox, points: i64) -> Invoice {
    (0..6).map(|k| invoice(sandbox, 1, k)).find(|inv| program_of(sandbox, inv).1 >= points).expect("seeded data")
}

async fn sandbox() -> Sandbox {
    Sandbox::start_local(Config::default()).await.unwrap()
}

#[tokio::test]
async fn invoices_are_found_by_number_and_read_with_items_payments_and_balance() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let inv = invoice(&sandbox, 1, 0);
    let today = client.find_invoices(&inv.center_id, None).await.unwrap();
    assert_eq!(today.len(), 10);
    // As printed (with its prefix), as a scanner types it, or the number alone.
    for typed in [inv.printed_number(), inv.printed_number().to_lowercase(), inv.number.clone()] {
        let found = client.find_invoices(&inv.center_id, Some(&typed)).await.unwrap();
        assert_eq!(found.len(), 1, "{typed}");
        assert_eq!(found[0].invoice_id, inv.id);
        assert_eq!(found[0].invoice_no, Some(inv.printed_number()));
    }

    let read = client.get_invoice(&inv.id).await.unwrap();
    assert_eq!(read.invoice_number.as_deref(), Some(inv.number.as_str()));
    assert!(read.is_open());
    assert_eq!(read.invoice_items.len(), inv.items.len());
    assert_eq!(read.balance_due(), Some(Decimal::new(inv.balance(), 2)));
    assert!(read.guest.unwrap().first_name.is_some());
    let sent = sandbox.requests_to("/v1/invoices/");
    assert_eq!(sent[0].query, "expand=InvoiceItems&expand=Transactions");

    let closed = client.get_invoice(&invoice(&sandbox, 1, 6).id).await.unwrap();
    assert!(!closed.is_open());
    assert_eq!(closed.balance_due(), Some(Decimal::ZERO));
}

#[tokio::test]
async fn redeemable_points_per_program_with_their_value() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let inv = open_invoice_with(&sandbox, 1000);
    let info = client.redeemable_points(&inv.id, None, true).await.unwrap();
    let r = info.lp_redeemable;
    assert!(!r.loyalty_programs.is_empty());
    let rewards = &r.loyalty_programs[0];
    assert_eq!(rewards.name.as_deref(), Some("Serenity Rewards"));
    assert_eq!(rewards.exchange_rate, Some(Decimal::new(1, 1).into()));
    assert_eq!(rewards.increment, Some(Decimal::from(10).into()));
    assert!(r.amount.unwrap() <= Decimal::new(inv.balance(), 2), "never more than the balance due");
    // The points that can go on the invoice are worth what can go on it, no more.
    let worth: Decimal = r.points.unwrap().get() * rewards.exchange_rate.unwrap().get();
    if r.loyalty_programs.len() == 1 {
        assert_eq!(worth, r.amount.unwrap());
    }
    assert!(r.points.unwrap() <= r.total_available_points.unwrap());
    assert_eq!(info.otp_required, Some(false));
    assert!(invoice(&sandbox, 0, 0).center_id != inv.center_id);
    let otp_center = client.redeemable_points(&invoice(&sandbox, 0, 0).id, None, true).await.unwrap();
    assert_eq!(otp_center.otp_required, Some(true));
}

#[tokio::test]
async fn a_redemption_pays_part_of_the_invoice_once() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let inv = open_invoice_with(&sandbox, 200);
    let (program, before) = program_of(&sandbox, &inv);
    let result = client.redeem_points(&inv.id, &request(&inv, &program, 200)).await.unwrap();
    let details = result.redemptions.unwrap();
    assert_eq!(details.points, Some(Decimal::from(200).into()));
    assert_eq!(details.amount, Some(Decimal::from(20).into()));
    assert_eq!(details.balance_points, Some(Decimal::from(before - 200).into()));
    assert_eq!(result.invoice.unwrap().balance, Some(Decimal::new(inv.balance() - 2000, 2).into()));
    assert_eq!(sandbox.ledger().len(), 1);
    let read = client.get_invoice(&inv.id).await.unwrap();
    let paid = read.transactions.iter().find(|t| t.option_name() == "Loyalty Points").unwrap();
    assert_eq!(paid.amount_paid, Some(Decimal::from(20).into()));
    assert_eq!(Some(&paid.transaction_id), result.payment.as_ref().map(|p| &p.transaction_id));
    let history = client.redeemed_points(&inv.guest_id, &inv.id).await.unwrap();
    assert_eq!(history.len(), 1);
}

#[tokio::test]
async fn every_documented_refusal_comes_from_its_rule() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let inv = open_invoice_with(&sandbox, 1000);
    let (program, balance) = program_of(&sandbox, &inv);

    let too_many = refusal(client.redeem_points(&inv.id, &request(&inv, &program, balance + 10)).await);
    assert_eq!(too_many, Refusal::BalanceExceeded { current: Some(Decimal::from(balance)) });

    let mut fractional = request(&inv, &program, 10);
    fractional.points = "10.5".parse().unwrap();
    assert_eq!(refusal(client.redeem_points(&inv.id, &fractional).await), Refusal::InvalidPoints);

    let unknown = "00000000-0000-4000-8000-000000000000";
    assert_eq!(refusal(client.redeem_points(unknown, &request(&inv, &program, 10)).await), Refusal::InvoiceMissing);

    let mut wrong_center = request(&inv, &program, 10);
    wrong_center.center_id = invoice(&sandbox, 0, 0).center_id;
    assert_eq!(refusal(client.redeem_points(&inv.id, &wrong_center).await), Refusal::InvalidCenter);

    assert_eq!(refusal(client.redeem_points(&inv.id, &request(&inv, unknown, 10)).await), Refusal::InvalidProgram);

    assert_eq!(
        refusal(client.redeem_points(&inv.id, &request(&inv, &program, 15)).await),
        Refusal::NotAMultiple { of: Some(Decimal::from(10)) }
    );

    // 6430 points allow a try above the 5000 per invoice.
    let rich = (0..6).map(|k| invoice(&sandbox, 1, k)).find(|i| program_of(&sandbox, i).1 > 5000);
    if let Some(rich) = rich {
        let (p, _) = program_of(&sandbox, &rich);
        assert_eq!(
            refusal(client.redeem_points(&rich.id, &request(&rich, &p, 5010)).await),
            Refusal::AboveMaximum { max: Some("5000.00".parse().unwrap()) }
        );
        // Within the rules, but worth more than what is left to pay.
        assert_eq!(
            refusal(client.redeem_points(&rich.id, &request(&rich, &p, 5000)).await),
            Refusal::InsufficientBalance
        );
    } else {
        panic!("the seeded data has no guest with more than 5000 points at center 1");
    }

    let prepaid = invoice(&sandbox, 1, 7);
    let (p, _) = program_of(&sandbox, &prepaid);
    assert_eq!(
        refusal(client.redeem_points(&prepaid.id, &request(&prepaid, &p, 10)).await),
        Refusal::PrepaidPaymentApplied
    );

    let gift_card = invoice(&sandbox, 1, 8);
    let (p, _) = program_of(&sandbox, &gift_card);
    assert_eq!(
        refusal(client.redeem_points(&gift_card.id, &request(&gift_card, &p, 10)).await),
        Refusal::NoRedeemableItems
    );

    let tier = invoice(&sandbox, 1, 9);
    let (p, _) = program_of(&sandbox, &tier);
    assert_eq!(refusal(client.redeem_points(&tier.id, &request(&tier, &p, 10)).await), Refusal::NonRedeemableTier);

    sandbox.with_books(|b| b.redemption_allowed = false);
    assert_eq!(
        refusal(client.redeem_points(&inv.id, &request(&inv, &program, 10)).await),
        Refusal::NotAllowedByOrganization
    );
    assert!(sandbox.ledger().is_empty(), "a refused redemption changed the books");
}

#[tokio::test]
async fn an_otp_center_needs_the_code_sent_or_the_override() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let inv = (0..6).map(|k| invoice(&sandbox, 0, k)).find(|i| program_of(&sandbox, i).1 >= 20).unwrap();
    let (program, _) = program_of(&sandbox, &inv);
    client.redeemable_points(&inv.id, None, true).await.unwrap(); // Zenoti sends the OTP
    let sent = sandbox.with_books(|b| b.otps[&inv.id].clone());
    let with = |otp: Option<&str>| RedeemRequest { otp: otp.map(str::to_owned), ..request(&inv, &program, 10) };
    assert_eq!(refusal(client.redeem_points(&inv.id, &with(None)).await), Refusal::InvalidOtp);
    assert_eq!(refusal(client.redeem_points(&inv.id, &with(Some("000000"))).await), Refusal::InvalidOtp);
    client.redeem_points(&inv.id, &with(Some(&sent))).await.unwrap();
    let override_code = sandbox.with_books(|b| b.otp_centers[&inv.center_id].clone());
    client.redeem_points(&inv.id, &with(Some(&override_code))).await.unwrap();
    assert_eq!(sandbox.ledger().len(), 2);
}

#[tokio::test]
async fn bad_requests_are_refused_before_sending() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let inv = open_invoice_with(&sandbox, 10);
    let (program, _) = program_of(&sandbox, &inv);
    let mut no_register = request(&inv, &program, 10);
    no_register.cash_register_id = " ".into();
    let mut no_program = request(&inv, &program, 10);
    no_program.program_id = None;
    for (id, req) in [
        ("", request(&inv, &program, 10)),
        (inv.id.as_str(), request(&inv, &program, 0)),
        (inv.id.as_str(), request(&inv, &program, -5)),
        (inv.id.as_str(), no_register),
        (inv.id.as_str(), no_program),
    ] {
        assert!(matches!(client.redeem_points(id, &req).await, Err(Error::InvalidInput(_))));
    }
    assert!(sandbox.requests_to("/v1/").is_empty());
}

#[tokio::test]
async fn a_payment_is_never_sent_twice_even_when_its_answer_is_lost() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let inv = open_invoice_with(&sandbox, 40);
    let (program, _) = program_of(&sandbox, &inv);
    let path = format!("/v1/invoices/{}/payments", inv.id);

    // A 5xx after sending: not retried.
    sandbox.inject(Fault::new(
        "POST",
        &path,
        1,
        FaultAction::Respond { status: 503, body: String::new(), retry_after: None, headers: vec![] },
    ));
    assert!(matches!(client.redeem_points(&inv.id, &request(&inv, &program, 10)).await, Err(Error::Server { .. })));
    assert_eq!(sandbox.requests_to(&path).len(), 1);
    assert!(sandbox.ledger().is_empty());

    // Applied, then the answer lost: an error, one entry in the ledger, visible on the invoice.
    sandbox.inject(Fault::new("POST", &path, 1, FaultAction::ApplyThenDrop));
    let lost = client.redeem_points(&inv.id, &request(&inv, &program, 20)).await;
    assert!(matches!(lost, Err(Error::Network(_))), "{lost:?}");
    assert_eq!(sandbox.requests_to(&path).len(), 2);
    assert_eq!(sandbox.ledger().len(), 1);
    let read = client.get_invoice(&inv.id).await.unwrap();
    assert!(read
        .transactions
        .iter()
        .any(|t| t.amount_paid == Some(Decimal::from(2).into()) && !t.transaction_id.is_empty()));

    // Lost before it was applied: an error, nothing in the ledger.
    sandbox.inject(Fault::new("POST", &path, 1, FaultAction::DropBeforeApply));
    assert!(client.redeem_points(&inv.id, &request(&inv, &program, 10)).await.is_err());
    assert_eq!(sandbox.ledger().len(), 1);
    assert_eq!(sandbox.requests_to(&path).len(), 3);
}
