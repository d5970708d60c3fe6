//! A guest's packages against the sandbox: every status and state, paging, balances, history
//! order, and package redemption with each refusal and each way its answer can be lost. The
//! webhook event the sandbox raises for a redemption must agree with what the list shows.

mod common;
use common::client;

use std::collections::HashSet;

use zenoti::{
    decode_event, Error, GuestPackageEventKind, HeldPackage, PackageRefusal, PackageState, PackageStatus,
    RedeemPackageRequest,
};
use zenoti_sandbox::loyalty::Invoice;
use zenoti_sandbox::{Config, Fault, FaultAction, Sandbox};

async fn sandbox() -> Sandbox {
    Sandbox::start_local(Config { rate_limit: None, ..Config::default() }).await.unwrap()
}

fn named<'a>(packages: &'a [HeldPackage], name: &str) -> &'a HeldPackage {
    packages.iter().find(|p| p.package.package.as_ref().and_then(|x| x.name.as_deref()) == Some(name)).unwrap()
}

fn request(inv: &Invoice, package: &HeldPackage, item: usize) -> RedeemPackageRequest {
    RedeemPackageRequest {
        center_id: inv.center_id.clone(),
        guest_id: inv.guest_id.clone(),
        user_package_id: package.package.user_package_id.clone(),
        invoice_item_id: inv.items[item].id.clone(),
        service_id: inv.items[item].service_id.clone().unwrap(),
        otp: None,
    }
}

fn refusal<T: std::fmt::Debug>(result: Result<T, Error>) -> PackageRefusal {
    match result {
        Err(Error::Api { message, .. }) => PackageRefusal::classify(&message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_showcase_guest_holds_every_status_and_state() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let (g, c) = sandbox.guest_coded("G10000");
    let packages = client.guest_packages(&g, &c).await.unwrap();
    assert_eq!(packages.len(), 9);
    let statuses: HashSet<String> =
        packages.iter().map(|p| format!("{:?}", p.package.status.clone().unwrap())).collect();
    for s in [
        PackageStatus::Active,
        PackageStatus::Frozen,
        PackageStatus::Expired,
        PackageStatus::CancelledRefund,
        PackageStatus::NotStarted,
    ] {
        assert!(statuses.contains(&format!("{s:?}")), "{s:?} in {statuses:?}");
    }
    let states: HashSet<String> =
        packages.iter().map(|p| format!("{:?}", p.package.user_package_state.clone().unwrap())).collect();
    for s in [PackageState::Open, PackageState::Closed, PackageState::WithProcessing] {
        assert!(states.contains(&format!("{s:?}")), "{s:?} in {states:?}");
    }

    let series = named(&packages, "Massage Series 10");
    let massage = &series.services[0];
    assert_eq!((massage.total, massage.used, massage.balance), (Some(10), Some(3), Some(7)));
    assert_eq!(series.redeemable, Some(true));
    assert!(series.package.sale_invoice.as_ref().and_then(|i| i.no.clone()).is_some());

    let never = named(&packages, "Facial Glow 6");
    assert_eq!(never.package.never_expires, Some(true));
    assert_eq!(never.package.package.as_ref().unwrap().is_otp_required, Some(true));
    assert_eq!(never.products[0].balance, Some(1));

    let first_use = named(&packages, "Manicure Monthly 12");
    assert_eq!(first_use.package.start_validity_at_first_redemption, Some(true));
    assert_eq!(first_use.package.date.as_ref().unwrap().start, None);

    let grace = named(&packages, "Winter Renewal 4");
    let dates = grace.package.date.clone().unwrap();
    let today = chrono::Utc::now().naive_utc().date();
    assert_eq!(grace.package.status, Some(PackageStatus::Expired));
    assert!(dates.end.unwrap().date() < today && dates.end_date_with_grace.unwrap().date() > today, "{dates:?}");
    assert_eq!(grace.redeemable, Some(true));
    assert!(zenoti::can_redeem_on(grace, today).is_ok());
    for closed in ["Blowout Bundle 5", "Summer Glow 3", "Couples Retreat 2", "Body Sculpt 8", "Laser Series 6"] {
        let p = named(&packages, closed);
        assert_eq!(p.redeemable, Some(false), "{closed}");
        assert!(zenoti::can_redeem_on(p, today).is_err(), "{closed}");
    }
}

#[tokio::test]
async fn packages_page_through_to_the_same_list() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let (g, c) = sandbox.guest_coded("G10000");
    let mut paged = Vec::new();
    for page in 1..=3 {
        let got = client.guest_packages_page(&g, &c, page, 4).await.unwrap();
        assert_eq!(got.page_info.total, 9);
        assert_eq!(got.packages.len(), if page < 3 { 4 } else { 1 });
        paged.extend(got.packages);
    }
    assert_eq!(paged, client.guest_packages(&g, &c).await.unwrap());
    assert!(matches!(client.guest_packages_page(&g, &c, 0, 4).await, Err(Error::InvalidInput(_))));
    assert!(matches!(client.guest_packages_page(&g, &c, 1, 101).await, Err(Error::InvalidInput(_))));
    assert!(matches!(client.guest_packages(" ", &c).await, Err(Error::InvalidInput(_))));
    // Another guest holds three.
    let (other, oc) = sandbox.guest_coded("G10010");
    assert_eq!(client.guest_packages(&other, &oc).await.unwrap().len(), 3);
}

#[tokio::test]
async fn benefits_show_total_used_and_what_is_left() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let (g, c) = sandbox.guest_coded("G10000");
    let packages = client.guest_packages(&g, &c).await.unwrap();
    let glow = named(&packages, "Facial Glow 6");
    let benefits = client.package_benefits(&g, &glow.package.user_package_id).await.unwrap();
    let facial = benefits.iter().find(|b| b.is_service()).unwrap();
    assert_eq!((facial.total, facial.redeemed, facial.balance), (Some(6), Some(2), Some(4)));
    assert_eq!(facial.balance_amount.unwrap().to_string(), "270");
    let serum = benefits.iter().find(|b| !b.is_service()).unwrap();
    assert_eq!((serum.total, serum.redeemed, serum.balance), (Some(2), Some(1), Some(1)));
    let refunded = client.package_benefits(&g, &named(&packages, "Couples Retreat 2").package.user_package_id).await;
    let refunded = refunded.unwrap();
    assert_eq!((refunded[0].refunded, refunded[0].balance), (Some(2), Some(0)));
    // Another guest's package is not this guest's.
    let (other, _) = sandbox.guest_coded("G10001");
    assert!(matches!(client.package_benefits(&other, &glow.package.user_package_id).await, Err(Error::Api { .. })));
}

#[tokio::test]
async fn history_is_newest_first_across_centers_and_therapists() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let (g, c) = sandbox.guest_coded("G10001");
    let packages = client.guest_packages(&g, &c).await.unwrap();
    let series = named(&packages, "Massage Series 10");
    let history = client.package_history(&g, &series.package.user_package_id).await.unwrap();
    let lines = history.newest_first();
    // Three sessions used, and a fourth redeemed and then reversed.
    assert_eq!(lines.iter().filter(|l| !l.reversal).count(), 4);
    assert_eq!(lines.iter().filter(|l| l.reversal).count(), 1);
    let dates: Vec<_> = lines.iter().map(|l| l.date.unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    let centers: HashSet<_> = lines.iter().filter_map(|l| l.center.clone()).collect();
    let therapists: HashSet<_> = lines.iter().filter_map(|l| l.therapist.clone()).collect();
    assert_eq!(centers.len(), 2, "{centers:?}");
    assert!(therapists.len() >= 3, "{therapists:?}");
    let reversal = lines.iter().find(|l| l.reversal).unwrap();
    let original = lines.iter().find(|l| !l.reversal && l.invoice_item_id == reversal.invoice_item_id).unwrap();
    assert!(reversal.date > original.date);
    // Each line names an invoice the API can open.
    let invoice = client.get_invoice(lines[0].invoice_id.as_deref().unwrap()).await.unwrap();
    assert_eq!(invoice.printed_number(), lines[0].invoice_no);
}

#[tokio::test]
async fn a_redemption_pays_the_line_and_its_event_agrees_with_the_list() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let (g, c) = sandbox.guest_coded("G10002");
    let inv = sandbox.add_open_invoice_for("G10002", &["Swedish Massage", "Signature Facial"]);
    let packages = client.guest_packages(&g, &c).await.unwrap();
    let series = named(&packages, "Massage Series 10");
    let done = client.redeem_package(&inv.id, &request(&inv, series, 0)).await.unwrap();
    let benefit = done.benefit.unwrap();
    assert_eq!((benefit.redeemed, benefit.balance), (Some(4), Some(6)));
    assert_eq!(done.invoice.unwrap().balance.unwrap().to_string(), "95");
    let after = client.get_invoice(&inv.id).await.unwrap();
    assert_eq!(after.balance_due().unwrap().to_string(), "95");

    let history = client.package_history(&g, &series.package.user_package_id).await.unwrap();
    let newest = &history.newest_first()[0];
    assert_eq!(newest.invoice_id.as_deref(), Some(inv.id.as_str()));
    assert_eq!(newest.invoice_item_id.as_deref(), Some(inv.items[0].id.as_str()));
    assert_eq!(history.redemptions_of_item(&inv.items[0].id), 1);

    // The event Zenoti would post, through our event model.
    let events = sandbox.events();
    assert_eq!(events.len(), 1);
    let event = decode_event(&events[0].to_string()).unwrap();
    assert_eq!(event.kind(), GuestPackageEventKind::Redeemed);
    assert_eq!(event.event_timestamp.map(|t| t.timestamp_subsec_nanos() % 100), Some(0));
    let listed = client.guest_packages(&g, &c).await.unwrap();
    let listed = named(&listed, "Massage Series 10");
    let mut from_event = event.data.package.clone();
    assert_eq!(from_event.invoice.as_ref().and_then(|i| i.id.as_deref()), Some(inv.id.as_str()));
    from_event.invoice = listed.package.invoice.clone();
    assert_eq!(from_event, listed.package);
    let redeemed = &event.data.service_redemptions.as_ref().unwrap()[0];
    assert_eq!(redeemed.usage_date, newest.date);
    assert_eq!(redeemed.service.as_ref().and_then(|s| s.name.as_deref()), Some("Swedish Massage"));
    assert_eq!(listed.services[0].balance, Some(6));

    // The same line cannot be paid twice.
    assert_eq!(
        refusal(client.redeem_package(&inv.id, &request(&inv, series, 0)).await),
        PackageRefusal::AlreadyRedeemed
    );
}

#[tokio::test]
async fn every_refusal_comes_with_its_reason() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let (g, c) = sandbox.guest_coded("G10000");
    let packages = client.guest_packages(&g, &c).await.unwrap();
    let inv = sandbox
        .add_open_invoice_for("G10000", &["Swedish Massage", "Signature Facial", "Blowout", "Laser Hair Removal"]);
    let cases = [
        ("Massage Series 10", 1, PackageRefusal::ServiceNotInPackage),
        ("Body Sculpt 8", 0, PackageRefusal::NotActive),
        ("Couples Retreat 2", 0, PackageRefusal::NotActive),
        ("Summer Glow 3", 1, PackageRefusal::NotActive),
        ("Blowout Bundle 5", 2, PackageRefusal::NoBalance),
        ("Laser Series 6", 3, PackageRefusal::NotActive),
        ("Facial Glow 6", 1, PackageRefusal::InvalidOtp),
    ];
    for (name, item, expected) in cases {
        let got = refusal(client.redeem_package(&inv.id, &request(&inv, named(&packages, name), item)).await);
        assert_eq!(got, expected, "{name}");
    }
    let mut wrong_center = request(&inv, named(&packages, "Massage Series 10"), 0);
    wrong_center.center_id = sandbox.organization().center_named("Serenity Med Spa - Lakeside").unwrap().id.clone();
    assert_eq!(refusal(client.redeem_package(&inv.id, &wrong_center).await), PackageRefusal::Other);
    // A closed invoice.
    let closed = sandbox.add_open_invoice_for("G10000", &["Swedish Massage"]);
    sandbox.with_books(|b| b.invoices.iter_mut().find(|i| i.id == closed.id).unwrap().closed = true);
    let got = client.redeem_package(&closed.id, &request(&closed, named(&packages, "Massage Series 10"), 0)).await;
    assert_eq!(refusal(got), PackageRefusal::InvoiceClosed);
    // Bad input is refused before anything is sent.
    let before = sandbox.requests_to("/v1/invoices").len();
    let mut blank = request(&inv, named(&packages, "Massage Series 10"), 0);
    blank.invoice_item_id = " ".into();
    assert!(matches!(client.redeem_package(&inv.id, &blank).await, Err(Error::InvalidInput(_))));
    assert_eq!(sandbox.requests_to("/v1/invoices").len(), before);
    assert!(sandbox.events().is_empty(), "nothing was redeemed");
}

#[tokio::test]
async fn codes_grace_and_first_use() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    // G10001's center has no override code: only the code sent for the package works.
    let (g, c) = sandbox.guest_coded("G10001");
    let packages = client.guest_packages(&g, &c).await.unwrap();
    let glow = named(&packages, "Facial Glow 6");
    let inv = sandbox.add_open_invoice_for("G10001", &["Signature Facial", "Gel Manicure", "Signature Facial"]);
    client.package_benefits(&g, &glow.package.user_package_id).await.unwrap();
    let sent = sandbox.with_packages(|p| p.otps[&glow.package.user_package_id].clone());
    let mut wrong = request(&inv, glow, 0);
    wrong.otp = Some("000000".into());
    if sent == "000000" {
        wrong.otp = Some("111111".into());
    }
    assert_eq!(refusal(client.redeem_package(&inv.id, &wrong).await), PackageRefusal::InvalidOtp);
    let mut right = request(&inv, glow, 0);
    right.otp = Some(sent.clone());
    client.redeem_package(&inv.id, &right).await.unwrap();
    // The code is spent.
    let mut again = request(&inv, glow, 2);
    again.otp = Some(sent);
    assert_eq!(refusal(client.redeem_package(&inv.id, &again).await), PackageRefusal::InvalidOtp);

    // Expired, but within its grace period.
    let grace = named(&packages, "Winter Renewal 4");
    client.redeem_package(&inv.id, &request(&inv, grace, 2)).await.unwrap();

    // Validity that starts at the first redemption starts now.
    let monthly = named(&packages, "Manicure Monthly 12");
    client.redeem_package(&inv.id, &request(&inv, monthly, 1)).await.unwrap();
    let now = client.guest_packages(&g, &c).await.unwrap();
    let monthly = named(&now, "Manicure Monthly 12");
    assert_eq!(monthly.package.status, Some(PackageStatus::Active));
    assert_eq!(monthly.package.has_first_redemption, Some(true));
    let dates = monthly.package.date.clone().unwrap();
    assert_eq!((dates.end.unwrap() - dates.start.unwrap()).num_days(), 180);
    let kinds: Vec<_> = sandbox.events().iter().map(|e| decode_event(&e.to_string()).unwrap().kind()).collect();
    assert_eq!(
        kinds,
        [
            GuestPackageEventKind::Redeemed,
            GuestPackageEventKind::Redeemed,
            GuestPackageEventKind::Redeemed,
            GuestPackageEventKind::StatusUpdated
        ]
    );
}

#[tokio::test]
async fn a_lost_answer_is_never_sent_again_and_the_history_tells() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let (g, c) = sandbox.guest_coded("G10002");
    let packages = client.guest_packages(&g, &c).await.unwrap();
    let series = named(&packages, "Massage Series 10");
    let inv = sandbox.add_open_invoice_for("G10002", &["Swedish Massage", "Swedish Massage", "Swedish Massage"]);
    let path = format!("/v1/invoices/{}/redemptions/packages", inv.id);
    let posts = || sandbox.requests_to(&path).len();

    // Applied, then the answer lost.
    sandbox.inject(Fault::new("POST", &path, 1, FaultAction::ApplyThenDrop));
    let lost = client.redeem_package(&inv.id, &request(&inv, series, 0)).await;
    assert!(matches!(lost, Err(Error::Network(_)) | Err(Error::Timeout)), "{lost:?}");
    assert_eq!(posts(), 1, "never retried");
    let history = client.package_history(&g, &series.package.user_package_id).await.unwrap();
    assert_eq!(history.redemptions_of_item(&inv.items[0].id), 1);

    // Lost before it ran.
    sandbox.inject(Fault::new("POST", &path, 1, FaultAction::DropBeforeApply));
    assert!(client.redeem_package(&inv.id, &request(&inv, series, 1)).await.is_err());
    assert_eq!(posts(), 2);
    let history = client.package_history(&g, &series.package.user_package_id).await.unwrap();
    assert_eq!(history.redemptions_of_item(&inv.items[1].id), 0);

    // A server error: not retried either.
    let body = r#"{"error":{"code":500,"message":"Internal error"}}"#.to_owned();
    sandbox.inject(Fault::new(
        "POST",
        &path,
        1,
        FaultAction::Respond { status: 500, body, retry_after: None, headers: vec![] },
    ));
    assert!(client.redeem_package(&inv.id, &request(&inv, series, 2)).await.is_err());
    assert_eq!(posts(), 3);
    assert_eq!(sandbox.events().len(), 1, "only the applied one raised an event");
}
