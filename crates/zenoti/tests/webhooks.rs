//! Guest-package webhook events: the documented redemption sample, one fixture per event, and a
//! no-panic fuzz of the decoding (random text, corrupted fixtures, structured mutations).

use chrono::{NaiveDate, NaiveDateTime};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};
use zenoti::{
    decode_event, GuestPackage, GuestPackageEventKind, InvoiceRef, Money, NamedRef, PackageDates, PackagePurchase,
    PackageRef, PackageState, PackageStatus, PackageType, PurchasePrice, ScheduleProgress, WebhookEvent,
};

const DOC_SAMPLE: &str = include_str!("fixtures/webhooks/redemption_doc_sample.txt");
const REDEMPTION: &str = include_str!("fixtures/webhooks/redemption.json");
const CREATED: &str = include_str!("fixtures/webhooks/created.json");
const REVERSED: &str = include_str!("fixtures/webhooks/redemption_reversed.json");
const STATUS: &str = include_str!("fixtures/webhooks/status_updated.json");
const VALIDITY: &str = include_str!("fixtures/webhooks/validity_updated.json");

const PACKAGE_ID: &str = "fe645486-7165-41de-8948-7f476c856824";
const KHAMMAM: &str = "a11f578a-1b81-4de0-8834-915f79e5362b";

/// The documentation gives the redemption's `data` alone: this wraps it in an envelope, on its
/// first line so that the sample's line numbers still hold.
fn in_envelope(event_type: &str, data: &str) -> String {
    format!(
        r#"{{"id": "3f6b1c2d-8e9a-4b7c-a1d2-e3f4a5b6c7d8", "event_id": "e1", "event_schema": "v1", "event_resource": "GuestPackage", "event_type": "{event_type}", "event_timestamp": "2022-03-02T05:30:00.0000000", "data": {data}}}"#
    )
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, s)
}

fn money(text: &str) -> Option<Money> {
    Some(text.parse().unwrap())
}

fn named(id: &str, name: &str) -> Option<NamedRef> {
    Some(NamedRef { id: Some(id.into()), name: Some(name.into()) })
}

fn decoded(text: &str) -> WebhookEvent {
    decode_event(text).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn the_documented_sample_is_not_json_and_the_error_says_where() {
    let err = decode_event(&in_envelope("GuestPackage.Redeemed", DOC_SAMPLE)).unwrap_err();
    // The first trailing comma: `},` closing the service redemption's `center` on line 76,
    // found at the `}` that follows on line 77 (`?`: inside an object, before its next key).
    assert_eq!((err.line, err.column), (77, 8), "{err}");
    assert_eq!(err.path, "data.service_redemptions[0].?");
    assert_eq!(err.message, "trailing comma");
    assert_eq!(
        err.to_string(),
        "invalid webhook event at line 77, column 8 (`data.service_redemptions[0].?`): trailing comma"
    );
    // The sample alone (no envelope) fails at the same place; serde_json words it differently
    // where it skips a value it does not decode.
    let err = decode_event(DOC_SAMPLE).unwrap_err();
    assert_eq!((err.line, err.column, err.message.as_str()), (77, 8, "key must be a string"));
}

#[test]
fn the_corrected_redemption_sample_decodes_fully() {
    let event = decoded(&in_envelope("GuestPackage.Redeemed", REDEMPTION));
    assert_eq!(event.kind(), GuestPackageEventKind::Redeemed);
    assert_eq!(event.event_schema.as_deref(), Some("v1"));
    assert_eq!(event.event_timestamp.unwrap().to_rfc3339(), "2022-03-02T05:30:00+00:00");

    let expected = GuestPackage {
        user_package_id: PACKAGE_ID.into(),
        status: Some(PackageStatus::Active),
        user_package_state: Some(PackageState::WithProcessing),
        invoice: Some(InvoiceRef {
            id: Some("4ed8572b-daaf-496a-8e36-aa27e8399917".into()),
            no: Some("RR16674".into()),
            receipt_no: Some("0".into()),
            status: Some(0),
            item_id: None,
        }),
        package: Some(PackageRef {
            id: Some("e19e0f53-74d3-46b7-bc87-bef8fbc185c8".into()),
            code: Some("15 min facial package".into()),
            name: Some("15 min facial package".into()),
            package_type: Some(PackageType::Other("0".into())),
            is_otp_required: Some(false),
        }),
        purchase: Some(PackagePurchase {
            price: Some(PurchasePrice {
                currency_id: Some(0),
                sales: money("0"),
                tax: money("0"),
                r#final: money("110"),
            }),
            date: at(2022, 3, 2, 5, 26, 34),
        }),
        date: Some(PackageDates {
            start: at(2022, 3, 2, 0, 0, 0),
            end: at(2022, 4, 1, 0, 0, 0),
            end_date_with_grace: at(2022, 4, 26, 0, 0, 0),
        }),
        schedule: Some(ScheduleProgress { completed_schedules: Some(1), next_schedule_date: at(2022, 3, 3, 20, 0, 0) }),
        center: named(KHAMMAM, "Khammam"),
        is_refunded: Some(false),
        sale_invoice: Some(InvoiceRef::default()),
        lookup_package_user_id: None,
        start_validity_at_first_redemption: Some(false),
        never_expires: Some(false),
        has_first_redemption: Some(false),
        expiration_days: Some(30),
    };
    assert_eq!(event.data.package, expected);

    let services = event.data.service_redemptions.as_deref().unwrap();
    assert_eq!(services.len(), 1);
    let s = &services[0];
    let invoice = s.invoice.as_ref().unwrap();
    assert_eq!(invoice.no.as_deref(), Some("RR16674"));
    assert_eq!(invoice.item_id.as_deref(), Some("0cc3f6bd-680e-4953-bda6-9441565efb52"));
    assert_eq!(s.service.as_ref().unwrap().name.as_deref(), Some("Aroma Body Massage"));
    let info = s.service_type_info.as_ref().unwrap();
    assert_eq!((info.service_category_type, info.name.as_deref()), (Some(1), Some("Coloring")));
    assert_eq!(s.therapist, named(KHAMMAM, "Raj Raj"));
    assert_eq!(s.usage_date, at(2022, 3, 1, 20, 0, 0));
    assert_eq!(s.center, named(KHAMMAM, "Khammam"));
    assert_eq!((s.product.as_ref(), s.product_type_info.as_ref()), (None, None));

    let products = event.data.product_redemptions.as_deref().unwrap();
    assert_eq!(products.len(), 1);
    let p = &products[0];
    assert_eq!(p.product.as_ref().unwrap().name.as_deref(), Some("Aroma Body Massage"));
    let info = p.product_type_info.as_ref().unwrap();
    assert_eq!(info.product_category_type, Some(2));
    assert_eq!(info.id.as_deref(), Some("3fe77dd2-14b3-460c-ac0f-d0270408fe87"));
    assert_eq!(info.name.as_deref(), Some("Apportion product 1"));
    assert_eq!(p.therapist.as_ref().unwrap().name.as_deref(), Some("Raj Raj"));
    assert_eq!(p.usage_date, at(2022, 3, 1, 20, 0, 0));

    assert_eq!(event.data.services, None);
    assert_eq!(event.data.service_redemptions_reversal, None);
    assert_eq!(event.data.product_redemptions_reversal, None);
    // An event type this client does not know: the lists say it is a redemption.
    assert_eq!(decoded(&in_envelope("Package.Event", REDEMPTION)).kind(), GuestPackageEventKind::Redeemed);
}

#[test]
fn a_creation_decodes_with_its_services() {
    let event = decoded(CREATED);
    assert_eq!(event.kind(), GuestPackageEventKind::Created);
    assert_eq!(event.id, "5b0f3c1e-8a52-4d7e-9c11-2f6a4e8b7d01");
    assert_eq!(event.event_id, "9d2c6a74-1f3b-4e85-a0c9-6b7e2d4f1a38");
    assert_eq!(event.event_timestamp.unwrap().to_rfc3339(), "2022-03-02T05:26:34.123456700+00:00");
    let package = &event.data.package;
    assert_eq!(package.user_package_id, PACKAGE_ID);
    assert_eq!(package.status, Some(PackageStatus::Active));
    assert_eq!(package.user_package_state, Some(PackageState::Open));
    let info = package.package.as_ref().unwrap();
    assert_eq!(info.package_type, Some(PackageType::Series));
    assert_eq!(info.is_otp_required, Some(true), "the lower-case key is read too");
    let price = package.purchase.as_ref().unwrap().price.as_ref().unwrap();
    assert_eq!(price.currency_id, Some(148));
    assert_eq!((price.sales, price.tax, price.r#final), (money("540.00"), money("44.55"), money("584.55")));
    assert_eq!(package.purchase.as_ref().unwrap().date, at(2022, 3, 2, 10, 56, 34));
    assert_eq!(package.schedule.as_ref().unwrap().next_schedule_date, None);
    assert_eq!(package.sale_invoice.as_ref().unwrap().no.as_deref(), Some("RR16601"));
    assert_eq!(package.date.as_ref().unwrap().end, at(2022, 8, 29, 0, 0, 0));
    assert_eq!(package.expiration_days, Some(180));

    let services = event.data.services.as_deref().unwrap();
    assert_eq!(services.len(), 2);
    let facial = &services[0];
    let info = facial.service_type_info.as_ref().unwrap();
    assert_eq!(
        (info.name.as_deref(), info.duration, info.has_segments),
        (Some("Classic Facial"), Some(60), Some(false))
    );
    assert_eq!((facial.total, facial.used, facial.balance), (Some(6), Some(0), Some(6)));
    assert_eq!((facial.balance_amount, facial.price), (money("540"), money("90.00")));
    assert_eq!(facial.package_service_price, money("90"));
    assert_eq!((facial.exists_in_current_center, facial.book_with_partial_balance), (Some(true), Some(true)));
    let eye = &services[1];
    assert_eq!(eye.service_type_info.as_ref().unwrap().has_segments, None);
    assert_eq!(eye.package_service_price, None);
    assert_eq!(eye.sale_as_part_of_package_or_membership_only, Some(true));
    assert_eq!(event.data.service_redemptions, None);
}

#[test]
fn a_redemption_reversal_decodes_with_its_items() {
    let event = decoded(REVERSED);
    assert_eq!(event.kind(), GuestPackageEventKind::RedemptionReversed);
    assert_eq!(event.event_timestamp.unwrap().to_rfc3339(), "2022-03-02T06:01:12.000000100+00:00");
    assert_eq!(event.data.package.user_package_state, Some(PackageState::Open));
    assert_eq!(event.data.package.invoice.as_ref().unwrap().status, Some(2));
    let reversed = event.data.service_redemptions_reversal.as_deref().unwrap();
    assert_eq!(reversed.len(), 1);
    assert_eq!(reversed[0].service.as_ref().unwrap().name.as_deref(), Some("Aroma Body Massage"));
    assert_eq!(reversed[0].invoice.as_ref().unwrap().item_id.as_deref(), Some("0cc3f6bd-680e-4953-bda6-9441565efb52"));
    assert_eq!(reversed[0].therapist, None);
    assert_eq!(reversed[0].usage_date, at(2022, 3, 1, 20, 0, 0));
    assert_eq!(event.data.product_redemptions_reversal.as_deref(), Some(&[][..]));
    assert_eq!(event.data.service_redemptions, None);
}

#[test]
fn a_status_update_decodes_with_the_shared_fields() {
    let event = decoded(STATUS);
    assert_eq!(event.kind(), GuestPackageEventKind::StatusUpdated);
    let package = &event.data.package;
    assert_eq!(package.user_package_id, PACKAGE_ID);
    assert_eq!(package.status, Some(PackageStatus::Frozen));
    assert_eq!(package.invoice, None);
    assert_eq!(package.package.as_ref().unwrap().is_otp_required, None);
    assert_eq!(package.has_first_redemption, Some(true));
    assert_eq!(package.center, named(KHAMMAM, "Khammam"));
    let data = &event.data;
    assert!(data.services.is_none() && data.service_redemptions.is_none() && data.product_redemptions.is_none());
}

#[test]
fn a_validity_update_decodes_with_the_new_dates() {
    let event = decoded(VALIDITY);
    assert_eq!(event.kind(), GuestPackageEventKind::ValidityUpdated);
    assert_eq!(event.event_timestamp.unwrap().to_rfc3339(), "2022-03-20T09:15:00+00:00");
    let package = &event.data.package;
    let dates = package.date.as_ref().unwrap();
    assert_eq!(dates.end, at(2022, 5, 1, 0, 0, 0));
    assert_eq!(dates.end_date_with_grace, at(2022, 5, 26, 0, 0, 0));
    assert_eq!(package.expiration_days, Some(60));
    assert_eq!(package.lookup_package_user_id.as_deref(), Some("3c5e7a9b-1d2f-4a6b-8c0e-2f4a6c8e0b1d"));
}

#[test]
fn a_type_error_names_the_json_path() {
    let text = CREATED.replace(&format!("\"user_package_id\": \"{PACKAGE_ID}\""), "\"user_package_id\": 42");
    let err = decode_event(&text).unwrap_err();
    assert_eq!((err.line, err.column, err.path.as_str()), (9, 29, "data.user_package_id"), "{err}");
    assert_eq!(err.message, "invalid type: integer, expected a string", "the kind of value, never the value");
    let err = decode_event(&CREATED.replace("\"event_id\"", "\"eventId\"")).unwrap_err();
    assert_eq!((err.path.as_str(), err.message.as_str()), (".", "missing field `event_id`"));
}

#[test]
fn decoded_events_serialize_and_decode_to_themselves() {
    for text in [CREATED, REVERSED, STATUS, VALIDITY, &in_envelope("GuestPackage.Redeemed", REDEMPTION)] {
        let event = decoded(text);
        let again = decoded(&serde_json::to_string(&event).unwrap());
        assert_eq!(again, event);
    }
}

fn fixtures() -> Vec<Value> {
    [CREATED, REVERSED, STATUS, VALIDITY, &in_envelope("GuestPackage.Redeemed", REDEMPTION)]
        .iter()
        .map(|text| serde_json::from_str(text).unwrap())
        .collect()
}

/// Any JSON value, a few levels deep, with strings that look like Zenoti's dates and decimals.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?)?(Z|[+-][0-9]{2}:[0-9]{2})?"
            .prop_map(Value::from),
        "-?[0-9]{1,40}(\\.[0-9]{0,40})?([eE][+-]?[0-9]{1,3})?".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(Value),
    Drop,
    /// Flips the case of the key's characters where the mask's bit is set.
    RecaseKey(u64),
}

fn any_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any_json().prop_map(Mutation::Replace),
        1 => Just(Mutation::Drop),
        1 => any::<u64>().prop_map(Mutation::RecaseKey),
    ]
}

/// Every path in `value`, the root (empty) first.
fn paths(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(prefix.clone());
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => vec![],
    };
    for (segment, child) in children {
        prefix.push(segment);
        paths(child, prefix, out);
        prefix.pop();
    }
}

/// Applies `mutation` at `path` (not the root).
fn mutate(root: &mut Value, path: &[String], mutation: &Mutation) {
    let (last, parents) = path.split_last().unwrap();
    let parent = parents.iter().fold(root, |v, seg| match v {
        Value::Object(map) => map.get_mut(seg).unwrap(),
        other => &mut other[seg.parse::<usize>().unwrap()],
    });
    match (parent, mutation) {
        (Value::Object(map), Mutation::Replace(new)) => *map.get_mut(last).unwrap() = new.clone(),
        (Value::Array(items), Mutation::Replace(new)) => items[last.parse::<usize>().unwrap()] = new.clone(),
        (Value::Object(map), Mutation::Drop) => drop(map.remove(last)),
        (Value::Array(items), Mutation::Drop) => drop(items.remove(last.parse::<usize>().unwrap())),
        (Value::Object(map), Mutation::RecaseKey(mask)) => {
            let key: String = last
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if mask >> (i % 64) & 1 == 1 {
                        if c.is_ascii_lowercase() {
                            c.to_ascii_uppercase()
                        } else {
                            c.to_ascii_lowercase()
                        }
                    } else {
                        c
                    }
                })
                .collect();
            let value = map.remove(last).unwrap();
            map.insert(key, value);
        }
        (Value::Array(_), Mutation::RecaseKey(_)) => {}
        _ => unreachable!("a path's parent is an object or an array"),
    }
}

/// Whether a change at `path` may make the event undecodable: the root, the ids, `data` itself
/// and `data.user_package_id` are strict.
fn is_strict(path: &[String]) -> bool {
    match path {
        [] => true,
        [first, ..] if first == "id" || first == "event_id" => true,
        [data] => data == "data",
        [data, id, ..] => data == "data" && id == "user_package_id",
    }
}

const KNOWN_STATUSES: [i64; 7] = [1, 3, 5, 6, 7, 8, -1];
const KNOWN_STATES: [i64; 4] = [0, 1, 2, -1];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = decode_event(&text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_event(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn corrupted_fixture_text_never_panics(
        which in 0..5usize,
        edits in prop::collection::vec((any::<Index>(), any::<u8>()), 0..8),
        cut in any::<Index>(),
    ) {
        let texts = [CREATED, REVERSED, STATUS, VALIDITY, DOC_SAMPLE];
        let mut bytes = texts[which].as_bytes().to_vec();
        for (at, byte) in edits {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = decode_event(&String::from_utf8_lossy(&bytes));
        bytes.truncate(cut.index(bytes.len() + 1));
        let _ = decode_event(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn the_guest_package_models_never_panic_on_any_text(text in any::<String>()) {
        let _ = zenoti::decode::<zenoti::HeldPackagePage>(text.as_bytes());
        let _ = zenoti::decode::<zenoti::PackageHistory>(text.as_bytes());
        let _ = zenoti::decode::<zenoti::PackageRedemption>(text.as_bytes());
    }

    #[test]
    fn mutated_guest_package_lists_decode_or_fail_cleanly(
        mutations in prop::collection::vec((any::<Index>(), any_mutation()), 1..6),
    ) {
        let mut value: Value = serde_json::from_str(include_str!("fixtures/guest_packages_page.json")).unwrap();
        for (at, mutation) in &mutations {
            let mut all = Vec::new();
            paths(&value, &mut Vec::new(), &mut all);
            // Earlier mutations may have removed every key: nothing left to change but the root.
            if all.len() < 2 {
                break;
            }
            let path = &all[1..][at.index(all.len() - 1)];
            mutate(&mut value, path, mutation);
        }
        if let Ok(page) = zenoti::decode::<zenoti::HeldPackagePage>(value.to_string().as_bytes()) {
            let again = zenoti::decode::<zenoti::HeldPackagePage>(serde_json::to_string(&page).unwrap().as_bytes());
            prop_assert_eq!(again.unwrap(), page);
        }
    }

    #[test]
    fn mutated_fixtures_decode_unless_a_strict_field_changed(
        which in 0..5usize,
        mutations in prop::collection::vec((any::<Index>(), any_mutation()), 1..6),
    ) {
        let mut value = fixtures().swap_remove(which);
        let mut strict_changed = false;
        for (at, mutation) in &mutations {
            let mut all = Vec::new();
            paths(&value, &mut Vec::new(), &mut all);
            // Not the root: replacing the whole body is the arbitrary-text test's job.
            let path = &all[1..][at.index(all.len() - 1)];
            strict_changed |= is_strict(path);
            mutate(&mut value, path, mutation);
        }
        let result = decode_event(&value.to_string());
        if !strict_changed {
            prop_assert!(result.is_ok(), "{:?} after {:?}", result, mutations);
        }
        if let Ok(event) = result {
            // Whatever decoded serializes and decodes to itself.
            prop_assert_eq!(decode_event(&serde_json::to_string(&event).unwrap()).unwrap(), event);
        }
    }

    #[test]
    fn unknown_status_and_state_codes_are_kept(which in 0..5usize, status in any::<i64>(), state in any::<i64>()) {
        let mut value = fixtures().swap_remove(which);
        value["data"]["status"] = json!(status);
        value["data"]["user_package_state"] = json!(state);
        let package = decode_event(&value.to_string()).unwrap().data.package;
        let (status_read, state_read) = (package.status.unwrap(), package.user_package_state.unwrap());
        if KNOWN_STATUSES.contains(&status) {
            prop_assert_eq!(status_read.code(), Some(status));
        } else {
            prop_assert_eq!(status_read, PackageStatus::Other(status.to_string()));
        }
        if KNOWN_STATES.contains(&state) {
            prop_assert_eq!(state_read.code(), Some(state));
        } else {
            prop_assert_eq!(state_read, PackageState::Other(state.to_string()));
        }
    }
}
