//! The answers Zenoti itself wrote (`fixtures/recorded/`, see its README) decode with the
//! values a person would check: they are the wire format.

use rust_decimal::Decimal;
use zenoti::{decode, Error, Invoice, InvoiceItemType, PackagePage};

fn recorded(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/fixtures/recorded/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// An exact decimal ([`Decimal`], or the money it is in a model) from its text.
fn dec<T: std::str::FromStr<Err = rust_decimal::Error>>(text: &str) -> T {
    text.parse().unwrap()
}

#[derive(Debug, serde::Deserialize)]
struct InvoiceAnswer {
    invoice: Invoice,
}

#[test]
fn the_recorded_invoice_decodes_with_its_lines_and_payment() {
    let invoice = decode::<InvoiceAnswer>(&recorded("dump-invoice-detail.json")).unwrap().invoice;
    assert_eq!(invoice.id, "34ca4f0f-c11c-434f-9a36-cba6df701397");
    assert_eq!(invoice.printed_number().as_deref(), Some("CMEMGM117798"));
    assert_eq!(invoice.receipt_number.as_deref(), Some("CMEMGMR2308"));
    assert!(!invoice.is_open());
    assert_eq!(invoice.center_id.as_deref(), Some("7aac6915-9252-4dbf-bbff-028e41836ea8"));
    assert_eq!(invoice.total(), Some(dec("3014.9")));
    assert_eq!(invoice.balance_due(), Some(Decimal::ZERO));
    let guest = invoice.guest.as_ref().unwrap();
    assert_eq!(
        (guest.id.as_str(), guest.first_name.as_deref(), guest.mobile_phone.as_deref(), guest.email.as_deref()),
        ("e1d61626-629c-4531-8fb5-9b782e21214f", Some("Vikas"), Some("+1 8754673816"), None)
    );
    // Two ids per line: the line, and the service sold on it.
    let line = &invoice.invoice_items[0];
    assert_eq!(line.invoice_item_id, "2b31596e-19c2-4f58-8f5f-d5fc0a1e7250");
    assert_eq!(line.id.as_deref(), Some("3185f93e-9ca5-4b50-afb5-f013d3f2ff9b"));
    assert!(line.is_service());
    assert_eq!(line.price.as_ref().unwrap().r#final, Some(dec("54.1")));
    assert_eq!(invoice.invoice_items[1].item_type, Some(InvoiceItemType::Package));
    assert_eq!(
        invoice.line("C368D2DC-82FD-4983-A9C0-E3DF75C79498").map(|l| l.name.as_deref()),
        Some(Some("1 class pack - 5 credits"))
    );
    let payment = &invoice.transactions[0];
    assert_eq!(payment.transaction_id, "7322adcd-21c9-4df7-92c6-191a7b73f70b");
    assert_eq!(payment.option_name(), "CASH");
    assert_eq!(payment.payment_option.as_ref().unwrap().payment_mode, Some(0));
    assert_eq!((payment.amount_paid, payment.total_amount_paid), (Some(dec("3004.9")), Some(dec("3024.9"))));
    assert_eq!(payment.payment_date.as_deref(), Some("2025-01-21T17:58:30"));
}

#[test]
fn a_payment_amount_of_the_wrong_type_is_an_error_naming_its_path() {
    let text = String::from_utf8(recorded("dump-invoice-detail.json")).unwrap();
    let broken = text.replace("\"amount_paid\": 3004.9", "\"amount_paid\": {\"value\": 3004.9}");
    assert_ne!(broken, text);
    match decode::<InvoiceAnswer>(broken.as_bytes()) {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "invoice.transactions[0].amount_paid"),
        other => panic!("{other:?}"),
    }
    // A descriptive field of the wrong type reads as absent instead.
    let odd = text.replace("\"therapist_name\": \"Agent Support \",", "\"therapist_name\": 17,");
    let invoice = decode::<InvoiceAnswer>(odd.as_bytes()).unwrap().invoice;
    assert_eq!(invoice.invoice_items[0].therapist_name, None);
}

#[test]
fn the_recorded_catalog_keeps_its_business_unit_and_prices() {
    let page = decode::<PackagePage>(&recorded("dump-center-packages-list.json")).unwrap();
    assert!(page.packages.len() >= 2, "{}", page.packages.len());
    let first = &page.packages[0];
    assert_eq!(first.id, "960c75ea-e632-45fd-ba11-a5566cb6acda");
    assert_eq!(first.name.as_deref(), Some("belu pack1"));
    assert_eq!(first.business_unit_id.as_deref(), Some("708fb934-4fa1-4e55-ab4d-21a083454893"));
    assert_eq!(first.catalog_info.as_ref().and_then(|c| c.display_price.as_deref()), Some("100"));
    let price = first.price_at("64B05CE4-ECFD-4478-BB42-B7378194BFA8").unwrap();
    assert_eq!(price.sale_price, Some(dec("100")));
    let services = first.benefits.as_ref().and_then(|b| b.services.as_ref()).unwrap();
    assert_eq!((services[0].id.as_str(), services[0].quantity), ("6f7c8b4c-4344-4375-8af5-a0ecc673d568", Some(3)));
    assert!(page.packages.iter().all(|p| p.business_unit_id.is_some()));
}

#[test]
fn the_recorded_guest_answers_decode() {
    #[derive(serde::Deserialize)]
    struct Search {
        guests: Vec<zenoti::Guest>,
    }
    let found = decode::<Search>(&recorded("dump-guests-search-response.json")).unwrap();
    let guest = &found.guests[0];
    assert_eq!(guest.id, "A9996495-6BCD-415A-ADB1-052353D9EF9F");
    let info = guest.personal_info.as_ref().unwrap();
    assert_eq!(info.first_name.as_deref(), Some("simon"));
    assert_eq!(info.mobile_phone.as_ref().and_then(|p| p.number.as_deref()), Some("7777799988"));
    let page = decode::<zenoti::GuestPage>(&recorded("dump-guests-search-response.json")).unwrap();
    assert_eq!(page.guests.len(), 1);

    let detail = decode::<zenoti::Guest>(&recorded("dump-guest-detail.json")).unwrap();
    assert_eq!(detail.id, "4261fadb-f00c-4d3d-a9c4-898cbfc221dc");
    assert_eq!(detail.personal_info.unwrap().last_name.as_deref(), Some("Leone"));
}

#[test]
fn the_recorded_center_decodes() {
    #[derive(serde::Deserialize)]
    struct Answer {
        center: zenoti::Center,
    }
    let center = decode::<Answer>(&recorded("dump-center-detail.json")).unwrap().center;
    assert_eq!(
        (center.id.as_str(), center.name.as_deref()),
        ("34f7b069-1bce-4f24-b9b2-f58ebbf768f0", Some("Zenoti Inc."))
    );
}

#[test]
fn the_recorded_422_is_an_error_with_its_message() {
    let body: serde_json::Value = serde_json::from_slice(&recorded("docs-pagination-error-422.json")).unwrap();
    let found = zenoti::find_api_error(&body).unwrap();
    assert_eq!(
        (found.code.as_deref(), found.message.as_str()),
        (Some("422"), "You cannot request more than 100 items.")
    );
}

/// Nothing in Zenoti's own answers is a surprise to the models: no field of another type, no
/// item skipped, no enum value unknown (a surprise here is a model to fix, as `commission.type`
/// 0 was).
#[test]
fn the_recorded_answers_hold_no_surprise() {
    #[derive(serde::Deserialize)]
    struct Center {
        #[allow(dead_code)]
        center: zenoti::Center,
    }
    let surprises = |name: &str, found: Vec<zenoti::Unexpected>| {
        assert!(found.is_empty(), "{name}: {:#?}", found.iter().map(|u| u.describe()).collect::<Vec<_>>());
    };
    let (read, found) = zenoti::decode_noting::<InvoiceAnswer>(&recorded("dump-invoice-detail.json"));
    read.unwrap();
    surprises("invoice", found);
    let (read, found) = zenoti::decode_noting::<PackagePage>(&recorded("dump-center-packages-list.json"));
    read.unwrap();
    surprises("packages", found);
    let (read, found) = zenoti::decode_noting::<zenoti::GuestPage>(&recorded("dump-guests-search-response.json"));
    read.unwrap();
    surprises("guest search", found);
    let (read, found) = zenoti::decode_noting::<zenoti::Guest>(&recorded("dump-guest-detail.json"));
    read.unwrap();
    surprises("guest", found);
    let (read, found) = zenoti::decode_noting::<Center>(&recorded("dump-center-detail.json"));
    read.map(|_| ()).unwrap();
    surprises("center", found);
}
