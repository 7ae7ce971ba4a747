//! A benchmark hook for the browser: checks a realistic 20-field operation exactly as the
//! correction editor does on every keystroke (`check_typed`), so `scripts/bench-validation.mjs`
//! can time it with `performance.now()` in Chromium. Not used by the page itself.

use std::collections::BTreeMap;

use app::{
    model::{
        editor::check_typed, AttributeDefinition, AttributeType, GridRow, OperationField,
        OperationKind, ReferenceKind,
    },
    validate::ValidationContext,
};

/// The operation as the channel sent it, and what a person typed over it.
const FIELDS: [(&str, &str); 20] = [
    ("name", "Kari Nordmann"),
    ("first_name", "Kari"),
    ("last_name", "Nordmann"),
    ("party_type", "Person"),
    ("customer_group", "RETAIL"),
    ("currency", "NOK"),
    ("language", "nb"),
    ("tax_group", "DOM"),
    ("credit_limit", "15000,50"),
    ("blocked", "false"),
    ("receipt_option", "Email"),
    ("receipt_email", "kari.nordmann@gmial"),
    ("phone", "+47 22 33 44 55"),
    ("cellular_phone", "+47 912 34 567"),
    ("email", "kari.nordmann@example.no"),
    ("street", "Strandgaten 12"),
    ("city", "Bergen"),
    ("zip", "5013"),
    ("country", "NO"),
    ("attr:shoe_size", "39.5"),
];

fn context() -> ValidationContext {
    let mut ctx = ValidationContext::default();
    for (kind, codes) in [
        (
            ReferenceKind::CustomerGroup,
            &["RETAIL", "STAFF", "B2B", "VIP"][..],
        ),
        (
            ReferenceKind::Currency,
            &["NOK", "SEK", "DKK", "EUR", "GBP"],
        ),
        (ReferenceKind::Language, &["nb", "nn", "sv", "da", "en"]),
        (ReferenceKind::TaxGroup, &["DOM", "EXP", "EU"]),
        (ReferenceKind::PriceGroup, &["STD", "MEMBER"]),
        (
            ReferenceKind::Country,
            &[
                "NO", "SE", "DK", "FI", "IS", "GB", "DE", "NL", "FR", "ES", "IT", "PL", "US",
            ],
        ),
    ] {
        for code in codes {
            ctx.allow(kind, *code);
        }
    }
    ctx.attributes.push(AttributeDefinition {
        id: 1,
        legal_entity_id: "NO01".into(),
        name: "shoe_size".into(),
        label_en: "Shoe size".into(),
        label_nb: "Skostørrelse".into(),
        group_name: "Fit".into(),
        group_name_nb: None,
        attribute_type: AttributeType::Decimal {
            min: Some(15.0),
            max: Some(50.0),
            unit: Some("EU".into()),
        },
        default_value: None,
    });
    ctx
}

struct Sample {
    rows: Vec<GridRow>,
    typed: BTreeMap<String, String>,
    ctx: ValidationContext,
}

thread_local! {
    static SAMPLE: Sample = {
        let ctx = context();
        let fields: Vec<OperationField> = FIELDS
            .iter()
            .map(|(field, value)| OperationField {
                field: (*field).into(),
                old_value: None,
                new_value: Some((*value).into()),
            })
            .collect();
        let rows = GridRow::build(&fields, &ctx.attributes, None, |_| None);
        let typed = FIELDS.iter().map(|(f, v)| ((*f).to_owned(), (*v).to_owned())).collect();
        Sample { rows, typed, ctx }
    };
}

/// Checks the sample operation `runs` times; returns how many fields the last check refused
/// (one: the receipt email), so the work cannot be optimised away.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn validate_sample_operation(runs: u32) -> u32 {
    SAMPLE.with(|s| {
        let mut refused = 0;
        for _ in 0..runs {
            refused = check_typed(OperationKind::Create, &s.rows, &s.typed, &s.ctx).len() as u32;
        }
        refused
    })
}
