//! Seeded, deterministic demo data: the same seed always gives the same organization.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{json, Value};

use crate::wire::{hex_id, money};

/// One center and its packages, as Zenoti's JSON.
pub struct CenterData {
    pub center: Value,
    pub id: String,
    pub packages: Vec<Value>,
    /// Hours from UTC to the center's standard time (the sandbox ignores daylight saving).
    pub utc_offset_hours: i64,
    /// Zenoti's integer for the center's time zone (see [`CenterSpec`]).
    pub time_zone_id: i64,
    /// Zenoti's integer for the center's currency (148 is USD in the recorded answers).
    pub currency_id: i64,
}

impl CenterData {
    /// The time `utc` on the center's wall clock, as Zenoti writes business times: no offset.
    pub fn local_time(&self, utc: DateTime<Utc>) -> NaiveDateTime {
        (utc + chrono::Duration::hours(self.utc_offset_hours)).naive_utc()
    }

    pub fn name(&self) -> &str {
        self.center["name"].as_str().unwrap_or_default()
    }
}

/// The organization: its centers, each with its catalog, its categories and its guests.
pub struct Organization {
    pub centers: Vec<CenterData>,
    pub categories: Vec<Value>,
    pub guests: Vec<Guest>,
}

/// A guest, and whether they hold a membership (which gives member prices).
pub struct Guest {
    pub json: Value,
    pub id: String,
    pub member: bool,
}

/// Packages per center, in center order: one large catalog, a mid-sized one, a small one and an
/// empty one (in Canada, to show another currency).
pub const DEFAULT_PACKAGE_COUNTS: [usize; 4] = [1240, 240, 60, 0];

/// Member prices are this share of the sale price.
pub const MEMBER_PRICE_PERCENT: i64 = 85;

impl Organization {
    pub fn center(&self, id: &str) -> Option<&CenterData> {
        self.centers.iter().find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// The center with this name ("Serenity Day Spa - Downtown") or code ("SDS-DT").
    pub fn center_named(&self, name: &str) -> Option<&CenterData> {
        self.centers.iter().find(|c| {
            c.name().eq_ignore_ascii_case(name)
                || c.center["code"].as_str().is_some_and(|k| k.eq_ignore_ascii_case(name))
        })
    }

    /// The guest with this guest code ("G10000"): unique, unlike names.
    pub fn guest_coded(&self, code: &str) -> Option<&Guest> {
        self.guests.iter().find(|g| g.code().eq_ignore_ascii_case(code.trim()))
    }

    /// The guests with this full name ("Anna Garcia"), in seeded order: names repeat.
    pub fn guests_named(&self, full_name: &str) -> Vec<&Guest> {
        self.guests.iter().filter(|g| g.full_name().eq_ignore_ascii_case(full_name.trim())).collect()
    }

    /// The guest with this id, in any letter case.
    pub fn guest(&self, id: &str) -> Option<&Guest> {
        self.guests.iter().find(|g| g.id.eq_ignore_ascii_case(id))
    }
}

impl Guest {
    /// "G10000".
    pub fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or_default()
    }

    /// "Anna Garcia".
    pub fn full_name(&self) -> String {
        let info = &self.json["personal_info"];
        format!("{} {}", info["first_name"].as_str().unwrap_or(""), info["last_name"].as_str().unwrap_or(""))
    }

    /// The center the guest belongs to.
    pub fn home_center_id(&self) -> &str {
        self.json["center_id"].as_str().unwrap_or_default()
    }
}

struct CenterSpec {
    code: &'static str,
    name: &'static str,
    city: &'static str,
    street: &'static str,
    zip: &'static str,
    currency: (i64, &'static str, &'static str),
    tax_percent: f64,
    utc_offset_hours: i64,
    /// UNKNOWN: Zenoti's time-zone integers (the recorded center shows 6, without its name).
    /// Ours: 11 for US Central, 15 for US/Canada Eastern.
    time_zone_id: i64,
    /// UNKNOWN: Zenoti's country and state integers. The recorded guest (California) shows
    /// country 225 and state 40; ours: the US 225 (Texas 43), Canada 38 (Ontario 9).
    country_state: (i64, i64, &'static str),
}

const CENTERS: [CenterSpec; 4] = [
    CenterSpec {
        code: "SDS-DT",
        name: "Serenity Day Spa - Downtown",
        city: "Austin",
        street: "401 Congress Ave",
        zip: "78701",
        currency: (148, "USD", "$"),
        tax_percent: 8.25,
        utc_offset_hours: -6,
        time_zone_id: 11,
        country_state: (225, 43, "TX"),
    },
    CenterSpec {
        code: "SMS-LS",
        name: "Serenity Med Spa - Lakeside",
        city: "Austin",
        street: "2100 Lakeshore Blvd",
        zip: "78741",
        currency: (148, "USD", "$"),
        tax_percent: 8.25,
        utc_offset_hours: -6,
        time_zone_id: 11,
        country_state: (225, 43, "TX"),
    },
    CenterSpec {
        code: "SSH-HP",
        name: "Serenity Salon - Harbor Point",
        city: "Corpus Christi",
        street: "12 Harbor Point Dr",
        zip: "78401",
        currency: (148, "USD", "$"),
        tax_percent: 8.25,
        utc_offset_hours: -6,
        time_zone_id: 11,
        country_state: (225, 43, "TX"),
    },
    CenterSpec {
        code: "SSQ-TO",
        name: "Serenity Spa - Queen Street",
        city: "Toronto",
        street: "310 Queen St W",
        zip: "M5V 2A2",
        currency: (36, "CAD", "$"),
        tax_percent: 13.0,
        utc_offset_hours: -5,
        time_zone_id: 15,
        country_state: (38, 9, "ON"),
    },
];

const TREATMENTS: [&str; 24] = [
    "Swedish Massage",
    "Deep Tissue Massage",
    "Hot Stone Massage",
    "Aromatherapy Massage",
    "Prenatal Massage",
    "Signature Facial",
    "HydraFacial",
    "Oxygen Facial",
    "Microdermabrasion",
    "Chemical Peel",
    "LED Light Therapy",
    "Laser Hair Removal",
    "Botox Touch-up",
    "Dermal Filler Consult",
    "Body Scrub",
    "Seaweed Body Wrap",
    "Gel Manicure",
    "Spa Pedicure",
    "Brow Lamination",
    "Lash Lift",
    "Balayage",
    "Keratin Treatment",
    "Blowout",
    "Infrared Sauna",
];

const MOODS: [&str; 16] = [
    "Lavender",
    "Eucalyptus",
    "Serenity",
    "Radiance",
    "Rose Quartz",
    "Citrus",
    "Ocean Mist",
    "Golden Hour",
    "Bamboo",
    "Moonlight",
    "Sage",
    "Velvet",
    "Alpine",
    "Jasmine",
    "Amber",
    "Coconut",
];

const DAY_THEMES: [&str; 8] =
    ["Retreat Day", "Escape", "Renewal Day", "Half-Day Ritual", "Couples Day", "Bridal Day", "Detox Day", "Pamper Day"];
const SEASONS: [&str; 6] = ["Spring", "Summer", "Autumn", "Holiday", "New Year", "Valentine's"];
const SESSION_COUNTS: [i64; 7] = [3, 4, 5, 6, 8, 10, 12];
const TAGS: [&str; 6] = ["bestseller", "new", "gift idea", "members favourite", "seasonal", "med-spa"];
const CATEGORIES: [&str; 5] = ["Massage", "Skin Care", "Medical Aesthetics", "Nails & Beauty", "Hair"];

/// A deterministic GUID from the generator.
fn guid(rng: &mut fastrand::Rng) -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        rng.u32(..),
        rng.u16(..),
        rng.u16(..0x1000),
        rng.u16(0x8000..0xc000),
        rng.u64(..1 << 48)
    )
}

pub fn generate(seed: u64, package_counts: &[usize]) -> Organization {
    let mut rng = fastrand::Rng::with_seed(seed);
    let category_ids: Vec<String> = CATEGORIES.iter().map(|_| guid(&mut rng)).collect();
    let service_ids: Vec<String> = TREATMENTS.iter().map(|_| guid(&mut rng)).collect();
    let centers: Vec<CenterData> = package_counts
        .iter()
        .enumerate()
        .map(|(n, &count)| {
            let spec = &CENTERS[n % CENTERS.len()];
            let round = n / CENTERS.len();
            let name = if round == 0 { spec.name.to_owned() } else { format!("{} {}", spec.name, round + 1) };
            let code = if round == 0 { spec.code.to_owned() } else { format!("{}-{}", spec.code, round + 1) };
            let id = guid(&mut rng);
            let center = json!({
                "id": id,
                "code": code,
                "name": name,
                "display_name": name,
                "description": format!("{name} in {}", spec.city),
                "online_booking_start_date": null,
                "enable_parallel_services_at_center": false,
                "culture_code_at_center": if spec.currency.1 == "CAD" { "en-CA" } else { "en-US" },
                "currency": {"id": spec.currency.0, "code": spec.currency.1, "symbol": spec.currency.2},
                "address_info": {"address_1": spec.street, "city": spec.city, "zip_code": spec.zip},
                "contact_info": {"phone": "+1 512 555 0100", "email": "frontdesk@serenity.example"},
            });
            let mut packages: Vec<Value> =
                (0..count).map(|i| package(&mut rng, i, &id, spec, &category_ids, &service_ids)).collect();
            if n == 0 && packages.len() > 6 {
                make_hostile(&mut packages[6]);
            }
            CenterData {
                center,
                id,
                packages,
                utc_offset_hours: spec.utc_offset_hours,
                time_zone_id: spec.time_zone_id,
                currency_id: spec.currency.0,
            }
        })
        .collect();
    let categories = CATEGORIES
        .iter()
        .zip(&category_ids)
        .map(|(name, id)| json!({"id": id, "code": name.to_uppercase().replace([' ', '&'], ""), "name": name}))
        .collect();
    let guests = guests(&mut rng, &centers);
    Organization { centers, categories, guests }
}

/// A package whose description tries everything a hostile or careless editor could: a script,
/// an event handler, a remote image, a javascript: link and inline styles.
fn make_hostile(package: &mut Value) {
    package["html_description"] = json!(
        "<p>Glow facial <strong>special</strong>.</p>\
         <script>window.__pwned = true; alert('script ran')</script>\
         <img src=\"https://tracker.example.com/pixel.gif\" onerror=\"window.__pwned = true\">\
         <p onclick=\"window.__pwned = true\" style=\"position:fixed;top:0;left:0;width:100%;height:100%\">Book now</p>\
         <a href=\"javascript:window.__pwned = true\">Terms</a>"
    );
}

const FIRST_NAMES: [&str; 20] = [
    "Anna", "Maria", "Sofia", "Olivia", "Emma", "Priya", "Aisha", "Chloe", "Grace", "Hannah", "Isabel", "Julia",
    "Lena", "Mia", "Nora", "Ruby", "James", "Daniel", "Lucas", "Omar",
];
const LAST_NAMES: [&str; 12] =
    ["Garcia", "Nguyen", "Patel", "Smith", "Johnson", "Kim", "Rossi", "Müller", "Cohen", "Brown", "Silva", "Okafor"];

/// Where guests were referred from: (id tag, name).
const REFERRAL_SOURCES: [&str; 4] = ["Walk-in", "Instagram", "Friend", "Google"];

/// A therapist of the organization: (id, name). Guests prefer them, invoices and package
/// redemptions name them.
pub(crate) fn therapist(i: usize) -> (String, String) {
    let i = i % THERAPISTS.len();
    (hex_id(i as u64 + 1, 0x7e4a), THERAPISTS[i].to_owned())
}

const THERAPISTS: [&str; 5] = ["Maya Chen", "Luis Ortega", "Priya Raman", "Sam Whitfield", "Ava Brooks"];

/// A guest as `GET /v1/guests/{id}` and the guest search answer it: the fields and JSON types of
/// the recorded guest (`mobile_phone` an object, dates center-local without an offset).
fn guests(rng: &mut fastrand::Rng, centers: &[CenterData]) -> Vec<Guest> {
    // The ids first (the generator's only use here), so guests can refer to each other.
    let ids: Vec<String> = (0..120).map(|_| guid(rng)).collect();
    let name = |i: usize| (FIRST_NAMES[i % FIRST_NAMES.len()], LAST_NAMES[(i * 7 + i / 20) % LAST_NAMES.len()]);
    (0..120)
        .map(|i| {
            let (first, last) = name(i);
            let id = ids[i].clone();
            let member = i % 3 == 0;
            let home_index = i % centers.len().max(1);
            let home = &centers[home_index];
            let spec = &CENTERS[home_index % CENTERS.len()];
            let phone = format!("512555{:04}", 1000 + i * 37 % 9000);
            let other_phone = format!("512555{:04}", 9000 - i * 37 % 8000);
            let phone_json = |number: &str| json!({"country_code": 1, "number": number});
            let referrer = (i + 1) % ids.len();
            let (ref_first, ref_last) = name(referrer);
            let (therapist_id, therapist_name) = therapist(i);
            let source = i % REFERRAL_SOURCES.len();
            let json = json!({
                "id": id,
                "code": format!("G{:05}", 10_000 + i),
                "center_id": home.id,
                "personal_info": {
                    "user_name": format!("{}.{}{}", first.to_lowercase(), last.to_lowercase(), i),
                    "first_name": first,
                    "last_name": last,
                    "middle_name": "",
                    "email": format!("{}.{}{}@example.com", first.to_lowercase(), last.to_lowercase(), i),
                    "mobile_phone": phone_json(&phone),
                    "work_phone": phone_json(&other_phone),
                    "home_phone": phone_json(&other_phone),
                    "gender": if i % 5 == 0 { 1 } else { 2 },
                    "date_of_birth": format!("{}-{:02}-{:02}T00:00:00", 1960 + i % 40, 1 + i % 12, 1 + i % 28),
                    "is_minor": false,
                    "nationality_id": spec.country_state.0,
                    "anniversary_date": format!("{}-{:02}-{:02}T00:00:00", 2010 + i % 14, 1 + (i + 5) % 12, 1 + (i + 9) % 28),
                    "lock_guest_custom_data": false,
                    "pan": "",
                },
                "address_info": {
                    "address_1": format!("{} {}", 100 + i * 13 % 800, ["Elm St", "Oak Ave", "Cedar Ln", "Maple Dr"][i % 4]),
                    "address_2": "",
                    "city": spec.city,
                    "country_id": spec.country_state.0,
                    "state_id": spec.country_state.1,
                    "state_other": spec.country_state.2,
                    "zip_code": spec.zip,
                },
                "preferences": {
                    "receive_transactional_email": true,
                    "receive_transactional_sms": true,
                    "receive_marketing_email": i % 2 == 0,
                    "receive_marketing_sms": i % 4 == 0,
                    "recieve_lp_stmt": true,
                    "preferred_therapist": {"id": therapist_id, "name": therapist_name},
                },
                "tags": if member { json!(["member"]) } else { json!([]) },
                "referral": {
                    "referral_source": {"id": hex_id(source as u64 + 1, 0x7ef0), "name": REFERRAL_SOURCES[source]},
                    "referred_by": {"id": ids[referrer], "name": format!("{ref_first} {ref_last}")},
                },
                "primary_employee": {"id": therapist_id, "name": therapist_name},
            });
            Guest { json, id, member }
        })
        .collect()
}

fn package(
    rng: &mut fastrand::Rng,
    index: usize,
    center_id: &str,
    spec: &CenterSpec,
    category_ids: &[String],
    service_ids: &[String],
) -> Value {
    let t = rng.usize(..TREATMENTS.len());
    let treatment = TREATMENTS[t];
    let mood = MOODS[rng.usize(..MOODS.len())];
    let roll = rng.u8(..100);
    // Package types as the sandbox writes them: see `PackageType` in the client for the reading.
    let (kind, name, cents) = match roll {
        0..=34 => {
            let theme = DAY_THEMES[rng.usize(..DAY_THEMES.len())];
            (1, format!("{mood} {theme} with {treatment}"), rng.i64(150..600) * 100)
        }
        35..=74 => {
            let sessions = SESSION_COUNTS[rng.usize(..SESSION_COUNTS.len())];
            let per_session = rng.i64(60..260);
            let price = per_session * sessions * 85; // 15% off the single-session price
            (2, format!("{treatment} Series - {sessions} sessions ({mood})"), price - price % 50)
        }
        75..=89 => {
            let season = SEASONS[rng.usize(..SEASONS.len())];
            (3, format!("{season} {treatment} Promo ({mood})"), rng.i64(49..199) * 100 - 1)
        }
        _ => (4, format!("Custom {treatment} Plan ({mood})"), rng.i64(30..250) * 1000),
    };
    let price_with_tax = (cents as f64 * (1.0 + spec.tax_percent / 100.0)).round() as i64;
    let active = rng.u8(..100) < 90;
    let sessions = if kind == 2 { SESSION_COUNTS[rng.usize(..SESSION_COUNTS.len())] } else { 1 };
    let second = (t + 1 + rng.usize(..TREATMENTS.len() - 1)) % TREATMENTS.len();
    let mut services = vec![json!({
        "id": service_ids[t], "item_type": 2, "quantity": sessions, "order": 1, "recognize_revenue": true
    })];
    if kind == 1 || kind == 4 {
        services.push(json!({
            "id": service_ids[second], "item_type": 2, "quantity": 1, "order": 2, "recognize_revenue": true
        }));
    }
    let series_package = (kind == 2).then(|| {
        let series_type = 1 + rng.i64(0..3);
        let expiry_days = [90, 180, 365][rng.usize(..3)];
        json!({
            "type": series_type,
            "cost_to_center": null,
            "initial_recognization": 0,
            "freeze_count": rng.i64(0..3),
            "validity": if rng.bool() {
                json!({"expiry_date": null, "expiry": expiry_days, "grace_period": "30 days", "validity_id": null})
            } else {
                json!({"expiry_date": "2027-12-31T00:00:00", "expiry": null, "grace_period": null, "validity_id": null})
            },
            "validate_first_redemption": rng.u8(..100) < 30,
            "transfer_service_credits": rng.u8(..100) < 20,
            "terms_and_conditions": "Sessions are non-refundable and must be used within the validity period.",
            "schedule": {"days_for_first_payment": null, "payment_frequency": null, "payment_frequency_type": null, "number_of_instalments": null},
        })
    });
    let category = rng.usize(..category_ids.len());
    let id = guid(rng);
    let version_id = guid(rng);
    // Not documented: the flag behind `is_giftcard_enabled` (day packages only).
    let day_package = if kind == 1 { json!({"can_sell_as_giftcard": rng.u8(..100) < 40}) } else { Value::Null };
    let preferences = json!({
        "allow_cancellation_fee": rng.bool(),
        "allow_cancellation_comission": false,
        "allow_no_show_fee": rng.bool(),
        "allow_no_show_comission": false,
        "allow_membership_redemption": rng.bool(),
        "allow_giftcard_redemption": rng.u8(..100) < 70,
        "enforce_otp": rng.u8(..100) < 20,
    });
    let tag = TAGS[rng.usize(..TAGS.len())];
    // How the catalog shows it, derived from the index (not the generator) so the rest of the
    // seeded data stays as it was.
    let show_price = index % 4 != 0;
    let catalog_name = if index % 3 == 0 { String::new() } else { name.clone() };
    json!({
        "id": id,
        "code": format!("PKG-{:04}", index + 1),
        "name": name,
        "description": format!("{treatment}: {sessions} session(s), {} minutes each.", 30 + 15 * (t % 6)),
        "html_description": format!("<p><strong>{treatment}</strong> by our senior therapists.</p><ul><li>{sessions} session(s)</li><li>Herbal tea and robe included</li></ul>"),
        "type": kind,
        "active": active,
        "category_id": category_ids[category],
        // With a capital B, as Zenoti sends it (its docs say lower case).
        "Business_unit_id": BUSINESS_UNIT_ID,
        "version_id": version_id,
        "time": 30 + 15 * (t % 6) as i64,
        // Bookable between dates (center-local, without an offset), or always.
        "booking_start_date": (index % 4 == 1).then_some("2025-01-01T00:00:00"),
        "booking_end_date": (index % 4 == 1).then_some("2027-12-31T00:00:00"),
        "commission": {"eligible": index % 5 == 0, "factor": 100, "type": 0, "value": 0},
        "day_package": day_package,
        "series_package": series_package,
        "preferences": preferences,
        "catalog_info": {
            "show_in_catalog": active,
            "can_book": true,
            "show_price": show_price,
            "display_name": catalog_name,
            // A string, "" when not shown.
            "display_price": if show_price && index % 2 == 0 { price_text(cents) } else { String::new() },
            "video_url": "",
        },
        "centers": [{
            "center_id": center_id,
            "currency_id": spec.currency.0,
            "sale_price": money(cents),
            "price_with_tax": money(price_with_tax),
            "tax_id": null,
            "auto_renewal": false,
        }],
        // Null or a list, as Zenoti sends them.
        "tags": if index % 3 == 2 { Value::Null } else { json!([tag]) },
        "benefits": {"services": services, "products": [], "bundled_products": []},
    })
}

/// The organization's one business unit.
const BUSINESS_UNIT_ID: &str = "b0511e55-0000-4000-8000-000000000001";

/// A price as the catalog writes it: "100", "49.99".
fn price_text(cents: i64) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}.{:02}", cents / 100, cents % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let a = generate(7, &DEFAULT_PACKAGE_COUNTS);
        let b = generate(7, &DEFAULT_PACKAGE_COUNTS);
        assert_eq!(a.centers[0].packages[5], b.centers[0].packages[5]);
        assert_eq!(a.guests[3].json, b.guests[3].json);
        assert_ne!(generate(8, &DEFAULT_PACKAGE_COUNTS).centers[0].id, a.centers[0].id);
    }

    #[test]
    fn the_big_center_has_every_type() {
        let org = generate(1, &DEFAULT_PACKAGE_COUNTS);
        let big = &org.centers[0];
        assert!(big.packages.len() >= 1200);
        for kind in 1..=4 {
            assert!(big.packages.iter().any(|p| p["type"] == kind), "no package of type {kind}");
        }
        for series_type in 1..=3 {
            assert!(
                big.packages.iter().any(|p| p["series_package"]["type"] == series_type),
                "no series package of type {series_type}"
            );
        }
        assert!(big
            .packages
            .iter()
            .filter(|p| p["type"] == 2)
            .all(|p| (1..=3).contains(&p["series_package"]["type"].as_i64().unwrap())));
    }
}
