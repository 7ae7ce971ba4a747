//! Demo customers as channels send them: a new customer's fields, and the changes of an edit.

use app::model::Channel;
use rand::{seq::IndexedRandom, Rng};
use rand_chacha::ChaCha8Rng;

use super::{
    history::{SimCustomer, DAY},
    people::{email_local, Locale},
};

/// The fields of a new customer created at `channel` (a person, sometimes a company).
pub fn new_customer_fields(
    rng: &mut ChaCha8Rng,
    now: i64,
    channel: &Channel,
    locale: &Locale,
) -> Vec<(String, String)> {
    let first = *locale.first_names.choose(rng).unwrap_or(&"Kari");
    let last = *locale.last_names.choose(rng).unwrap_or(&"Nordmann");
    let place = locale.places.choose(rng).expect("places");
    let organization = rng.random_bool(0.08);
    let mut f: Vec<(String, String)> = Vec::with_capacity(24);
    let mut put = |k: &str, v: String| f.push((k.to_owned(), v));
    let email = format!(
        "{}{}@{}",
        email_local(first, last),
        rng.random_range(1..999),
        locale.email_domains.choose(rng).unwrap_or(&"gmail.com")
    );
    if organization {
        let word = *locale.company_words.choose(rng).unwrap_or(&"Fjord");
        let trade = [
            "Interiør",
            "Bygg",
            "Design",
            "Eiendom",
            "Consulting",
            "Catering",
        ];
        put(
            "name",
            format!(
                "{word} {} {}",
                trade.choose(rng).unwrap_or(&"Design"),
                locale.company_suffix
            ),
        );
        put("party_type", "Organization".into());
        let org = rng.random_range(810_000_000..999_999_999_i64);
        put("organization_id", org.to_string());
        if channel.legal_entity_id == "NO01" {
            put("vat_number", format!("NO{org}MVA"));
        }
        put("customer_group", "B2B".into());
        put(
            "credit_limit",
            format!("{}", rng.random_range(1..20) * 5_000),
        );
        put(
            "tax_group",
            if channel.legal_entity_id == "NO01" {
                "MVA25"
            } else {
                "VAT20"
            }
            .into(),
        );
        put("price_group", "TRADE".into());
        put(
            "email",
            email.replace(
                &email_local(first, last),
                &format!("innkjop.{}", email_local(word, "as")),
            ),
        );
    } else {
        put("name", format!("{first} {last}"));
        put("first_name", first.into());
        put("last_name", last.into());
        put("party_type", "Person".into());
        let group = if rng.random_bool(0.25) {
            "MEMBER"
        } else if rng.random_bool(0.03) {
            "STAFF"
        } else {
            channel.default_customer_group.as_str()
        };
        put("customer_group", group.into());
        put("email", email.clone());
    }
    put("currency", channel.default_currency.clone());
    put("language", channel.default_language.clone());
    let mobile = if locale.phone_prefix == "+47" {
        format!(
            "+47 {} {:02} {:03}",
            rng.random_range(400..999),
            rng.random_range(0..99),
            rng.random_range(0..999)
        )
    } else {
        format!(
            "+44 7{:03} {:06}",
            rng.random_range(100..999),
            rng.random_range(0..999_999)
        )
    };
    put("cellular_phone", mobile);
    let receipt = if channel.kind == app::model::ChannelKind::Online || rng.random_bool(0.45) {
        "Email"
    } else {
        "Print"
    };
    put("receipt_option", receipt.into());
    if receipt == "Email" {
        let receipt_email = f
            .iter()
            .find(|(k, _)| k == "email")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        f.push(("receipt_email".into(), receipt_email));
    }
    let mut put = |k: &str, v: String| f.push((k.to_owned(), v));
    put(
        "street",
        (*locale.streets.choose(rng).unwrap_or(&"Storgata")).into(),
    );
    put(
        "street_number",
        format!(
            "{}{}",
            rng.random_range(1..120),
            if rng.random_bool(0.15) { " B" } else { "" }
        ),
    );
    put("city", place.city.into());
    put("zip", place.zip.into());
    if let Some(county) = place.county {
        put("county", county.into());
    }
    put("country", channel.country.clone());
    put(
        "address_purpose",
        if organization { "Business" } else { "Home" }.into(),
    );
    put("address_primary", "true".into());
    // Custom attributes: members give more.
    put(
        "attr:loyalty_tier",
        (*["Bronze", "Bronze", "Silver", "Gold", "Platinum"]
            .choose(rng)
            .unwrap_or(&"Bronze"))
        .into(),
    );
    put("attr:newsletter_opt_in", rng.random_bool(0.6).to_string());
    put("attr:preferred_store", channel.name.clone());
    let since = chrono::DateTime::from_timestamp_micros(now - rng.random_range(0..2000) * DAY)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string();
    put("attr:member_since", since);
    if rng.random_bool(0.5) {
        put("attr:shoe_size", format!("{}", rng.random_range(36..47)));
    }
    if rng.random_bool(0.4) {
        put("attr:birth_year", rng.random_range(1940..2008).to_string());
    }
    if rng.random_bool(0.3) {
        put("attr:household_size", rng.random_range(1..6).to_string());
    }
    if rng.random_bool(0.2) {
        put(
            "attr:annual_budget",
            format!("{}.00", rng.random_range(10..500) * 100),
        );
    }
    if organization {
        put(
            "attr:discount_percent",
            format!("{}", rng.random_range(0..25)),
        );
    }
    f
}

/// One to three changes to a synced customer, as a store or the web shop makes them.
pub fn edit_changes(
    rng: &mut ChaCha8Rng,
    customer: &SimCustomer,
    channel: &Channel,
    locale: &Locale,
) -> Vec<(String, String)> {
    let mut changes: Vec<(String, String)> = Vec::new();
    let n = rng.random_range(1..=3);
    for _ in 0..n {
        match rng.random_range(0..9) {
            0 => {
                let domain = locale.email_domains.choose(rng).unwrap_or(&"gmail.com");
                let first = customer
                    .fields
                    .get("first_name")
                    .map_or("kunde", String::as_str);
                let last = customer
                    .fields
                    .get("last_name")
                    .map_or("ny", String::as_str);
                changes.push((
                    "email".into(),
                    format!(
                        "{}{}@{domain}",
                        email_local(first, last),
                        rng.random_range(1..99)
                    ),
                ));
            }
            1 => changes.push((
                "cellular_phone".into(),
                format!(
                    "{} {} {:02} {:03}",
                    locale.phone_prefix,
                    rng.random_range(400..999),
                    rng.random_range(0..99),
                    rng.random_range(0..999)
                ),
            )),
            2 => {
                let place = locale.places.choose(rng).expect("places");
                changes.push((
                    "street".into(),
                    (*locale.streets.choose(rng).unwrap_or(&"Storgata")).into(),
                ));
                changes.push(("street_number".into(), rng.random_range(1..150).to_string()));
                changes.push(("city".into(), place.city.into()));
                changes.push(("zip".into(), place.zip.into()));
                changes.push(("country".into(), channel.country.clone()));
            }
            3 => changes.push((
                "customer_group".into(),
                (*["RETAIL", "MEMBER"].choose(rng).unwrap_or(&"MEMBER")).into(),
            )),
            4 => changes.push((
                "attr:loyalty_tier".into(),
                (*["Silver", "Gold", "Platinum"]
                    .choose(rng)
                    .unwrap_or(&"Gold"))
                .into(),
            )),
            5 => changes.push((
                "attr:newsletter_opt_in".into(),
                rng.random_bool(0.5).to_string(),
            )),
            6 => changes.push((
                "last_name".into(),
                (*locale.last_names.choose(rng).unwrap_or(&"Hansen")).into(),
            )),
            7 => changes.push((
                "attr:household_size".into(),
                rng.random_range(1..7).to_string(),
            )),
            _ => {
                changes.push(("receipt_option".into(), "Email".into()));
                let email = customer.fields.get("email").cloned().unwrap_or_default();
                changes.push(("receipt_email".into(), email));
            }
        }
    }
    changes
}
