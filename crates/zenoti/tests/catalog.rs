//! The package catalog against the sandbox: filters on the wire, whole-catalog fetches and their
//! failures, member prices, guests and categories.

use std::time::Duration;

use zenoti::{
    Client, ClientConfig, Credentials, Error, GuestSearch, PackageQuery, PackageType, RetryPolicy, SecretString,
    SeriesPackageType,
};
use zenoti_sandbox::{Config, Fault, FaultAction, RateLimit, Sandbox, DEMO_API_KEY};

fn client(sandbox: &Sandbox) -> Client {
    let mut config =
        ClientConfig::new(sandbox.base_url().parse().unwrap(), Credentials::ApiKey(SecretString::from(DEMO_API_KEY)));
    config.retry = RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
    };
    Client::new(config).unwrap()
}

async fn sandbox_with(counts: &[usize]) -> Sandbox {
    Sandbox::start_local(Config { package_counts: counts.to_vec(), ..Config::default() }).await.unwrap()
}

/// Fetches a whole catalog, returning the ids delivered and the summary.
async fn fetch_all(client: &Client, center: &str) -> (Vec<String>, zenoti::CatalogSummary) {
    let mut ids = Vec::new();
    let summary = client
        .all_packages(center, &PackageQuery::default(), |batch, _| ids.extend(batch.into_iter().map(|p| p.id)))
        .await
        .unwrap();
    (ids, summary)
}

#[tokio::test]
async fn every_filter_reaches_the_wire_as_documented() {
    let sandbox = sandbox_with(&[50]).await;
    let client = client(&sandbox);
    let center = sandbox.center_ids()[0].clone();
    let member = sandbox.organization().guest_coded("G10000").unwrap().id.clone();
    let cases: Vec<(PackageQuery, &str)> = vec![
        (PackageQuery::page(1, 10), "page=1&size=10"),
        (
            PackageQuery { search_text: Some("facial".into()), ..PackageQuery::page(2, 20) },
            "page=2&size=20&search_text=facial",
        ),
        (PackageQuery { is_active: Some(true), ..PackageQuery::page(1, 10) }, "page=1&size=10&is_active=true"),
        (
            PackageQuery { package_type: Some(PackageType::Promo), ..PackageQuery::page(1, 10) },
            "page=1&size=10&PackageType=3",
        ),
        (
            PackageQuery { series_package_type: Some(SeriesPackageType::Regular), ..PackageQuery::page(1, 10) },
            "page=1&size=10&series_package_type=Regular",
        ),
        (
            PackageQuery { gift_cards_only: true, ..PackageQuery::page(1, 10) },
            "page=1&size=10&is_giftcard_enabled=true",
        ),
        (PackageQuery { catalog_only: true, ..PackageQuery::page(1, 10) }, "page=1&size=10&catalog=true"),
        (
            PackageQuery { date: chrono::NaiveDate::from_ymd_opt(2026, 11, 22), ..PackageQuery::page(1, 10) },
            "page=1&size=10&date=2026-11-22",
        ),
        (
            PackageQuery { expand: vec!["preferences".into(), "benefits".into()], ..PackageQuery::page(1, 10) },
            "page=1&size=10&expand=preferences&expand=benefits",
        ),
        (
            PackageQuery { exclude_services: true, block_service_level_tax: true, ..PackageQuery::page(1, 10) },
            "page=1&size=10&exclude_services=true&block_service_level_tax=true",
        ),
    ];
    for (query, _) in &cases {
        client.list_packages(&center, query).await.unwrap();
    }
    let category = sandbox.organization().categories[0]["id"].as_str().unwrap().to_owned();
    client
        .list_packages(&center, &PackageQuery { category: Some(category.clone()), ..PackageQuery::page(1, 10) })
        .await
        .unwrap();
    client
        .list_packages(
            &center,
            &PackageQuery { member_price_for_guest: Some(member.clone()), ..PackageQuery::page(1, 10) },
        )
        .await
        .unwrap();

    let sent: Vec<String> = sandbox.requests_to("/v1/centers/").into_iter().map(|r| r.query).collect();
    let mut expected: Vec<String> = cases.iter().map(|(_, q)| q.to_string()).collect();
    expected.push(format!("page=1&size=10&category={category}"));
    expected.push(format!("page=1&size=10&member_price=true&guest_id={member}"));
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn filters_are_checked_before_sending() {
    let sandbox = sandbox_with(&[5]).await;
    let client = client(&sandbox);
    let center = &sandbox.center_ids()[0];
    let bad = [
        PackageQuery { member_price_for_guest: Some("  ".into()), ..PackageQuery::page(1, 10) },
        PackageQuery { package_type: Some(PackageType::Other("Membership".into())), ..PackageQuery::page(1, 10) },
        PackageQuery::page(1, 101),
        PackageQuery::page(0, 10),
    ];
    for query in bad {
        assert!(matches!(client.list_packages(center, &query).await, Err(Error::InvalidInput(_))), "{query:?}");
    }
    assert!(sandbox.requests_to("/v1/").is_empty());
}

#[tokio::test]
async fn the_sandbox_applies_each_filter() {
    let sandbox = sandbox_with(&[1240]).await;
    let client = client(&sandbox);
    let center = sandbox.center_ids()[0].clone();
    let total = |q: PackageQuery| {
        let client = client.clone();
        let center = center.clone();
        async move { client.list_packages(&center, &q).await.unwrap().page_info.total }
    };
    let all = total(PackageQuery::page(1, 1)).await;
    assert_eq!(all, 1240);
    let active = total(PackageQuery { is_active: Some(true), ..PackageQuery::page(1, 1) }).await;
    let series = total(PackageQuery { package_type: Some(PackageType::Series), ..PackageQuery::page(1, 1) }).await;
    let gift = total(PackageQuery { gift_cards_only: true, ..PackageQuery::page(1, 1) }).await;
    let searched = total(PackageQuery { search_text: Some("HYDRAFACIAL".into()), ..PackageQuery::page(1, 1) }).await;
    for (name, n) in [("active", active), ("series", series), ("gift cards", gift), ("search", searched)] {
        assert!(n > 0 && n < all, "{name}: {n}");
    }
    let page = client
        .list_packages(&center, &PackageQuery { gift_cards_only: true, ..PackageQuery::page(1, 100) })
        .await
        .unwrap();
    assert!(page.packages.iter().all(|p| p.package_type == Some(PackageType::Day)));
}

#[tokio::test]
async fn whole_catalogs_at_every_size_edge() {
    let counts = [0, 1, 100, 101, 1240];
    let sandbox = sandbox_with(&counts).await;
    let client = client(&sandbox);
    for (center, &count) in sandbox.center_ids().iter().zip(&counts) {
        let before = sandbox.requests_to("/v1/centers/").len();
        let (ids, summary) = fetch_all(&client, center).await;
        assert_eq!(ids.len(), count, "center with {count} packages");
        assert_eq!(summary.loaded, count);
        assert_eq!(summary.total, count as i64);
        assert!(summary.missing_pages.is_empty());
        let pages = sandbox.requests_to("/v1/centers/").len() - before;
        assert_eq!(pages, count.div_ceil(100).max(1), "pages fetched for {count}");
        let unique: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(unique.len(), count, "no duplicates");
    }
    assert!(
        sandbox.requests_to("/v1/centers/").iter().all(|r| r.query.contains("size=100")),
        "whole catalogs use full pages"
    );
}

#[tokio::test]
async fn a_total_that_grows_while_reading_is_followed() {
    let sandbox = sandbox_with(&[150]).await;
    let client = client(&sandbox);
    let center = sandbox.center_ids()[0].clone();
    // Page 2 reports that the catalog has grown to 250: page 3 must be read too.
    let page2 = client.list_packages(&center, &PackageQuery::page(2, 100)).await.unwrap();
    let mut body = serde_json::to_value(&page2).unwrap();
    body["page_info"]["total"] = serde_json::json!(250);
    body["packages"][0]["type"] = serde_json::json!(99);
    sandbox.inject(
        Fault::new(
            "GET",
            "/v1/centers/",
            1,
            FaultAction::Respond { status: 200, body: body.to_string(), retry_after: None, headers: vec![] },
        )
        .with_query("page=2&"),
    );
    let mut types = Vec::new();
    let summary = client
        .all_packages(&center, &PackageQuery::default(), |batch, _| {
            types.extend(batch.into_iter().map(|p| p.package_type))
        })
        .await
        .unwrap();
    assert_eq!(summary.total, 250);
    assert!(sandbox.requests_to("/v1/centers/").iter().any(|r| r.query.contains("page=3&")));
    assert!(types.contains(&Some(PackageType::Other("99".into()))), "an unknown type does not break the fetch");
    assert_eq!(summary.missing_pages, vec![]);
}

#[tokio::test]
async fn a_page_failing_twice_is_retried_and_one_failing_for_good_is_reported() {
    let sandbox = sandbox_with(&[1240]).await;
    let client = client(&sandbox);
    let center = sandbox.center_ids()[0].clone();
    let fail = |times| {
        Fault::new(
            "GET",
            "/v1/centers/",
            times,
            FaultAction::Respond { status: 503, body: String::new(), retry_after: None, headers: vec![] },
        )
        .with_query("page=3&")
    };
    sandbox.inject(fail(2));
    let (ids, summary) = fetch_all(&client, &center).await;
    assert_eq!((ids.len(), summary.missing_pages.len()), (1240, 0));
    assert_eq!(sandbox.requests_to("/v1/centers/").iter().filter(|r| r.query.contains("page=3&")).count(), 3);

    sandbox.inject(fail(100));
    let (ids, summary) = fetch_all(&client, &center).await;
    assert_eq!(ids.len(), 1140, "every other page arrived");
    assert_eq!(summary.missing_pages.len(), 1);
    assert_eq!(summary.missing_pages[0].0, 3);
    assert!(summary.loaded < summary.total as usize, "the shortfall is visible");
}

#[tokio::test]
async fn a_first_page_that_fails_is_an_error() {
    let sandbox = sandbox_with(&[10]).await;
    let client = client(&sandbox);
    sandbox.inject(Fault::new(
        "GET",
        "/v1/centers/",
        100,
        FaultAction::Respond { status: 500, body: String::new(), retry_after: None, headers: vec![] },
    ));
    let result = client.all_packages(&sandbox.center_ids()[0], &PackageQuery::default(), |_, _| {}).await;
    assert!(matches!(result, Err(Error::Server { status: 500 })));
}

#[tokio::test]
async fn a_429_in_the_middle_of_a_fetch_pauses_everyone_and_completes() {
    let sandbox = sandbox_with(&[1240]).await;
    let client = client(&sandbox);
    sandbox.inject(
        Fault::new(
            "GET",
            "/v1/centers/",
            1,
            FaultAction::Respond { status: 429, body: String::new(), retry_after: Some("1".into()), headers: vec![] },
        )
        .with_query("page=5&"),
    );
    let (ids, summary) = fetch_all(&client, &sandbox.center_ids()[0]).await;
    assert_eq!(ids.len(), 1240);
    assert!(summary.missing_pages.is_empty());
    assert_eq!(sandbox.requests_to("/v1/centers/").iter().filter(|r| r.query.contains("page=5&")).count(), 2);
}

#[tokio::test]
async fn the_servers_rate_limit_headers_keep_a_tight_budget_free_of_429s() {
    // A tight organization budget: 4 calls at once, then 10 a second.
    let sandbox = Sandbox::start_local(Config {
        package_counts: vec![1240],
        rate_limit: Some(RateLimit::per_minute(600, 4)),
        ..Config::default()
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let (ids, summary) = fetch_all(&client, &sandbox.center_ids()[0]).await;
    assert_eq!(ids.len(), 1240);
    assert!(summary.missing_pages.is_empty());
    assert_eq!(sandbox.stats().rate_limited, 0, "the client ignored RateLimit-Remaining");
}

#[tokio::test]
async fn without_headers_the_sandboxs_429s_are_waited_out() {
    // The same budget, but the client believes it has the documented 60 at once: the sandbox
    // refuses calls past its burst, and every refused page is fetched again after Retry-After.
    let sandbox = Sandbox::start_local(Config {
        package_counts: vec![1240],
        rate_limit: Some(RateLimit::per_minute(600, 4)),
        ..Config::default()
    })
    .await
    .unwrap();
    let client = client(&sandbox);
    let center = sandbox.center_ids()[0].clone();
    // Concurrent single pages, as other integrations of the organization would send.
    let calls = (1..=13u32).map(|page| {
        let client = client.clone();
        let center = center.clone();
        tokio::spawn(async move { client.list_packages(&center, &PackageQuery::page(page, 100)).await })
    });
    for call in futures::future::join_all(calls).await {
        call.unwrap().unwrap();
    }
    assert!(sandbox.stats().rate_limited > 0, "no 429 was provoked: the test proves nothing");
}

#[tokio::test]
async fn member_prices_for_members_only() {
    let sandbox = sandbox_with(&[20]).await;
    let client = client(&sandbox);
    let center = sandbox.center_ids()[0].clone();
    let guests = &sandbox.organization().guests;
    let member = guests.iter().find(|g| g.member).unwrap().id.clone();
    let other = guests.iter().find(|g| !g.member).unwrap().id.clone();
    let priced = |guest: String| {
        let client = client.clone();
        let center = center.clone();
        async move {
            let q = PackageQuery { member_price_for_guest: Some(guest), ..PackageQuery::page(1, 20) };
            client.list_packages(&center, &q).await
        }
    };
    let page = priced(member).await.unwrap();
    let price = page.packages[0].price_at(&center).unwrap();
    let expected = (price.sale_price.unwrap().get() * rust_decimal::Decimal::new(85, 2)).round_dp(2);
    assert_eq!(price.discount_price.unwrap().round_dp(2), expected);
    let page = priced(other).await.unwrap();
    assert_eq!(page.packages[0].price_at(&center).unwrap().discount_price, None);
    match priced("00000000-0000-0000-0000-000000000000".into()).await {
        Err(Error::Api { message, .. }) => assert_eq!(message, "Invalid guest id."),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn guests_are_found_by_name_phone_email_and_code_with_paging() {
    let sandbox = sandbox_with(&[1, 1]).await;
    let client = client(&sandbox);
    let center = sandbox.center_ids()[0].clone();
    let anna = client.search_guests(&GuestSearch::from_text(&center, "anna")).await.unwrap();
    assert!(anna.page_info.total >= 1);
    let first = &anna.guests[0];
    let info = first.personal_info.as_ref().unwrap();
    assert_eq!(info.first_name.as_deref(), Some("Anna"));
    let phone = info.mobile_phone.as_ref().unwrap().number.clone().unwrap();
    let by_phone = client.search_guests(&GuestSearch::from_text(&center, &phone)).await.unwrap();
    assert_eq!(by_phone.guests[0].id, first.id);
    let by_email =
        client.search_guests(&GuestSearch::from_text(&center, info.email.as_deref().unwrap())).await.unwrap();
    assert_eq!(by_email.guests[0].id, first.id);
    let by_code = client.search_guests(&GuestSearch::from_text(&center, first.code.as_deref().unwrap())).await.unwrap();
    assert_eq!(by_code.guests[0].id, first.id);

    let mut search = GuestSearch { first_name: Some("a".into()), size: 5, ..GuestSearch::from_text(&center, "x") };
    let page1 = client.search_guests(&search).await.unwrap();
    search.page = 2;
    let page2 = client.search_guests(&search).await.unwrap();
    assert_eq!(page1.guests.len(), 5);
    assert!(page1.page_info.total > 5);
    assert_ne!(page1.guests[0].id, page2.guests[0].id);

    // Across centers, guests of every center are found ("J": James here, Julia at the other).
    let here = client.search_guests(&GuestSearch::from_text(&center, "J")).await.unwrap();
    let mut across = GuestSearch::from_text(&center, "J");
    across.across_centers = true;
    let everywhere = client.search_guests(&across).await.unwrap();
    assert!(everywhere.page_info.total > here.page_info.total);
    assert!(here.guests.iter().all(|g| g.center_id.as_deref() == Some(center.as_str())));
    assert!(everywhere.guests.iter().any(|g| g.center_id.as_deref() != Some(center.as_str())));

    assert!(matches!(client.search_guests(&GuestSearch::from_text(&center, "  ")).await, Err(Error::InvalidInput(_))));
}

#[tokio::test]
async fn categories_of_a_center() {
    let sandbox = sandbox_with(&[1]).await;
    let categories = client(&sandbox).list_categories(&sandbox.center_ids()[0]).await.unwrap();
    assert!(categories.iter().any(|c| c.name.as_deref() == Some("Massage")));
}

#[tokio::test]
async fn an_absurd_total_reads_at_most_the_page_cap_and_says_the_catalog_is_incomplete() {
    // The organization's budget is not what is measured here: the number of requests is.
    let sandbox = Sandbox::start_local(Config { package_counts: vec![250], rate_limit: None, ..Config::default() })
        .await
        .unwrap();
    let mut config = zenoti::ClientConfig::new(
        sandbox.base_url().parse().unwrap(),
        zenoti::Credentials::ApiKey(zenoti_sandbox::DEMO_API_KEY.into()),
    );
    config.rate_limit = zenoti::RateLimit { per_minute: 600_000, burst: 10_000 };
    let client = Client::new(config).unwrap();
    let center = sandbox.center_ids()[0].clone();
    let path = format!("/v1/centers/{center}/packages");
    sandbox.inject(Fault::new("GET", &path, 10_000, FaultAction::OverrideTotal { total: 1_000_000_000 }));
    let (ids, summary) = fetch_all(&client, &center).await;
    let pages = sandbox.requests_to(&path).len();
    assert_eq!(pages, zenoti::MAX_CATALOG_PAGES as usize, "page requests for a broken total");
    assert_eq!(ids.len(), 250, "the real packages all arrive");
    assert_eq!(summary.total, 1_000_000_000);
    let (page, why) = summary.missing_pages.last().unwrap();
    assert_eq!(*page, zenoti::MAX_CATALOG_PAGES + 1);
    assert!(why.contains("1000000000 packages"), "{why}");
}
