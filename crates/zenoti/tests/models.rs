//! Models against fixtures built from the documented fields, with unknown fields, nulls and
//! unknown enum values.

use zenoti::{decode, find_api_error, Center, PackagePage, PackageType, SeriesPackageType};

#[derive(serde::Deserialize)]
struct Centers {
    centers: Vec<Center>,
}

#[test]
fn a_documented_package_page_decodes_fully() {
    let page: PackagePage = decode(include_bytes!("fixtures/packages_page.json")).unwrap();
    assert_eq!(page.page_info.total, 1240);
    assert_eq!(page.packages.len(), 3);

    let series = &page.packages[0];
    assert_eq!(series.package_type, Some(PackageType::Series));
    let details = series.series_package.as_ref().unwrap();
    assert_eq!(details.series_type, Some(SeriesPackageType::Regular));
    assert_eq!(details.validity.as_ref().unwrap().expiry, Some(180));
    assert_eq!(details.schedule.as_ref().unwrap().number_of_instalments, Some(3));
    assert_eq!(series.preferences.as_ref().unwrap().enforce_otp, Some(true));
    let price = series.price_at("A11F578A-1B81-4DE0-8834-915F79E5362B").expect("center ids compare case-insensitively");
    assert_eq!(price.sale_price.unwrap().to_string(), "540");
    assert_eq!(price.price_with_tax.unwrap().to_string(), "584.55");
    assert_eq!(price.discount_price.unwrap().to_string(), "499.99");
    assert_eq!(series.benefits.as_ref().unwrap().services.as_ref().unwrap()[0].quantity, Some(6));

    let unknown = &page.packages[1];
    assert_eq!(unknown.package_type, Some(PackageType::Other("42".into())));
    assert_eq!(
        unknown.series_package.as_ref().unwrap().series_type,
        Some(SeriesPackageType::Other("Membership".into()))
    );
    assert_eq!(page.packages[2].package_type, Some(PackageType::Day));
}

#[test]
fn centers_decode_with_unknown_objects_and_nulls() {
    let list: Centers = decode(include_bytes!("fixtures/centers.json")).unwrap();
    assert_eq!(list.centers[0].label(), "Khammam Spa");
    assert_eq!(list.centers[0].currency.as_ref().unwrap().code.as_deref(), Some("INR"));
    assert_eq!(list.centers[0].culture_code_at_center.as_deref(), Some("en-IN"));
    assert_eq!(list.centers[1].label(), "B2", "falls back past null and empty names");
}

#[test]
fn every_error_shape_is_found() {
    let shapes = [
        (
            r#"{"packages":null,"page_info":null,"error":{"code":502,"message":"invalid center_id."}}"#,
            Some("502"),
            "invalid center_id.",
        ),
        (
            r#"{"error":{"code":401,"message":"Authorization has been denied for this request."}}"#,
            Some("401"),
            "Authorization has been denied for this request.",
        ),
        (
            r#"{"Message":"Authorization has been denied for this request."}"#,
            None,
            "Authorization has been denied for this request.",
        ),
        (
            r#"{"Error":{"StatusCode":400,"Message":"The request is invalid.","InternalMessage":null}}"#,
            Some("400"),
            "The request is invalid.",
        ),
        (
            r#"{"StatusCode":500,"Message":"An error has occurred.","InternalMessage":"NullReference"}"#,
            Some("500"),
            "An error has occurred.",
        ),
        (r#"{"code":"GUEST_NOT_FOUND","message":"Guest not found."}"#, Some("GUEST_NOT_FOUND"), "Guest not found."),
        (
            r#"{"error":{"code":422,"message":"You cannot request more than 100 items."}}"#,
            Some("422"),
            "You cannot request more than 100 items.",
        ),
        (
            r#"{"payment":null,"error":{"code":502,"message":"Points to redeem can not be more than the Points Balance. Current balance: 6430."}}"#,
            Some("502"),
            "Points to redeem can not be more than the Points Balance. Current balance: 6430.",
        ),
    ];
    for (body, code, message) in shapes {
        let value: serde_json::Value = serde_json::from_str(body).unwrap();
        let found = find_api_error(&value).unwrap_or_else(|| panic!("no error found in {body}"));
        assert_eq!(found.code.as_deref(), code, "{body}");
        assert_eq!(found.message, message, "{body}");
    }
}

#[test]
fn a_guest_package_page_decodes_every_status_and_state() {
    use zenoti::{HeldPackagePage, PackageState, PackageStatus};
    let page: HeldPackagePage = decode(include_bytes!("fixtures/guest_packages_page.json")).unwrap();
    // The item without a `user_package_id` cannot be used and is skipped; the rest decode.
    assert_eq!(page.packages.len(), 8);
    assert_eq!(page.page_info.total, 9);
    let statuses: Vec<_> = page.packages.iter().map(|p| p.package.status.clone().unwrap()).collect();
    assert_eq!(
        statuses,
        [
            PackageStatus::Active,
            PackageStatus::Frozen,
            PackageStatus::Expired,
            PackageStatus::CancelledRefund,
            PackageStatus::NotStarted,
            PackageStatus::NotApplicable,
            PackageStatus::Default,
            PackageStatus::Other("9".into()),
        ]
    );
    let states: Vec<_> = page.packages.iter().map(|p| p.package.user_package_state.clone().unwrap()).collect();
    assert_eq!(
        states,
        [
            PackageState::Open,
            PackageState::Open,
            PackageState::Closed,
            PackageState::Closed,
            PackageState::Open,
            PackageState::WithProcessing,
            PackageState::Default,
            PackageState::Other("Paused".into()),
        ]
    );
    let full = &page.packages[0];
    assert_eq!(full.redeemable, Some(true));
    assert_eq!(full.package.package.as_ref().unwrap().is_otp_required, Some(false));
    assert_eq!(full.package.schedule.as_ref().unwrap().completed_schedules, Some(3));
    assert!(full.package.schedule.as_ref().unwrap().next_schedule_date.is_some(), "a space and milliseconds read");
    assert_eq!(full.services[0].balance, Some(7));
    assert_eq!(full.services[0].book_with_partial_balance, None);
    assert_eq!(full.products[0].balance_amount.unwrap().to_string(), "48.00");
    assert!(page.packages[1].services.is_empty() && page.packages[1].products.is_empty());
    assert_eq!(page.packages[7].services.len(), 1, "a malformed item is skipped, a wrong type reads as absent");
    assert_eq!(page.packages[7].services[0].total, None);
}
