//! Operations as a live channel sends them, for `custsync-tools simulate`: the demo's people and
//! mistakes, without the demo's bookkeeping of statuses (the real jobs decide those).

use app::model::{Channel, OperationField};
use rand::{seq::IndexedRandom, Rng};
use rand_chacha::ChaCha8Rng;

use super::{mistakes, people::locale_of, persona};

/// The fields of a new customer from `channel`; `mistake_rate` of them carry a mistake a
/// person will have to fix. `taken_email` is another customer's email, for duplicates.
pub fn create_fields(
    rng: &mut ChaCha8Rng,
    channel: &Channel,
    mistake_rate: f64,
    taken_email: Option<String>,
) -> Vec<OperationField> {
    let locale = locale_of(&channel.legal_entity_id);
    let now = chrono::Utc::now().timestamp_micros();
    let mut fields = persona::new_customer_fields(rng, now, channel, locale);
    if rng.random_bool(mistake_rate.clamp(0.0, 1.0)) {
        let mistake = mistakes::pick(rng);
        mistakes::inject(
            rng,
            &mut fields,
            mistake,
            locale,
            &channel.legal_entity_id,
            taken_email,
        );
    }
    fields
        .into_iter()
        .map(|(field, value)| OperationField {
            field,
            old_value: None,
            new_value: Some(value),
        })
        .collect()
}

/// An edit a cashier makes to a customer created earlier: a new mobile number, email or street
/// (sometimes mistyped, at `mistake_rate`).
pub fn edit_fields(
    rng: &mut ChaCha8Rng,
    channel: &Channel,
    mistake_rate: f64,
) -> Vec<OperationField> {
    let locale = locale_of(&channel.legal_entity_id);
    let mistaken = rng.random_bool(mistake_rate.clamp(0.0, 1.0));
    let (field, value) = match rng.random_range(0..3) {
        0 => {
            let first = locale.first_names.choose(rng).unwrap_or(&"kari");
            let last = locale.last_names.choose(rng).unwrap_or(&"nordmann");
            let domain = locale.email_domains.choose(rng).unwrap_or(&"gmail.com");
            let email = format!(
                "{}{}@{domain}",
                super::people::email_local(first, last),
                rng.random_range(1..999)
            );
            let email = if mistaken {
                mistakes::malformed_email(rng, &email)
            } else {
                email
            };
            ("email", email)
        }
        1 => {
            let phone = if mistaken {
                mistakes::malformed_phone(rng, locale)
            } else {
                format!(
                    "{} {} {:02} {:03}",
                    locale.phone_prefix,
                    rng.random_range(900..999),
                    rng.random_range(0..100),
                    rng.random_range(0..1000)
                )
            };
            ("cellular_phone", phone)
        }
        _ => {
            let street = format!(
                "{} {}",
                locale.streets.choose(rng).unwrap_or(&"Storgata"),
                rng.random_range(1..120)
            );
            let street = if mistaken {
                mistakes::long_street(&street)
            } else {
                street
            };
            ("street", street)
        }
    };
    vec![OperationField {
        field: field.to_owned(),
        old_value: None,
        new_value: Some(value),
    }]
}
