//! The demo retailer: legal entities, channels, reference data and attribute definitions.

use app::model::{
    AttributeDefinition, AttributeType, Channel, ChannelKind, LegalEntity, ReferenceKind,
};

/// Nordlys Retail AS (Norway) and Northern Lights Retail Ltd (United Kingdom).
pub fn legal_entities() -> Vec<LegalEntity> {
    vec![
        LegalEntity {
            id: "NO01".into(),
            name: "Nordlys Retail AS".into(),
            currency: "NOK".into(),
        },
        LegalEntity {
            id: "GB01".into(),
            name: "Northern Lights Retail Ltd".into(),
            currency: "GBP".into(),
        },
    ]
}

/// Twelve channels: nine in Norway (seven stores, the online store, the call center), three in
/// the United Kingdom. The weight is each channel's share of operations.
pub fn channels() -> Vec<(Channel, u32)> {
    let ch = |code: &str, name: &str, kind: ChannelKind, le: &str, weight: u32| {
        let norwegian = le == "NO01";
        (
            Channel {
                id: 0,
                code: code.into(),
                name: name.into(),
                kind,
                legal_entity_id: le.into(),
                country: if norwegian { "NO" } else { "GB" }.into(),
                default_customer_group: "RETAIL".into(),
                default_currency: if norwegian { "NOK" } else { "GBP" }.into(),
                default_language: if norwegian { "nb-NO" } else { "en-GB" }.into(),
                default_receipt_option: if kind == ChannelKind::Online {
                    "Email"
                } else {
                    "Print"
                }
                .into(),
            },
            weight,
        )
    };
    vec![
        ch("OSL-KJ", "Oslo Karl Johan", ChannelKind::Store, "NO01", 14),
        ch(
            "OSL-STO",
            "Oslo Storo Storsenter",
            ChannelKind::Store,
            "NO01",
            9,
        ),
        ch(
            "BGO-STS",
            "Bergen Storsenter",
            ChannelKind::Store,
            "NO01",
            10,
        ),
        ch(
            "TRD-SOL",
            "Trondheim Solsiden",
            ChannelKind::Store,
            "NO01",
            8,
        ),
        ch(
            "SVG-KVA",
            "Stavanger Kvadrat",
            ChannelKind::Store,
            "NO01",
            7,
        ),
        ch("TOS-JEK", "Tromsø Jekta", ChannelKind::Store, "NO01", 4),
        ch(
            "KRS-SOR",
            "Kristiansand Sørlandssenteret",
            ChannelKind::Store,
            "NO01",
            5,
        ),
        ch(
            "NO-WEB",
            "Nettbutikk Norge",
            ChannelKind::Online,
            "NO01",
            20,
        ),
        ch("NO-CC", "Kundesenter", ChannelKind::CallCenter, "NO01", 5),
        ch(
            "LON-OXF",
            "London Oxford Street",
            ChannelKind::Store,
            "GB01",
            8,
        ),
        ch(
            "MAN-ARN",
            "Manchester Arndale",
            ChannelKind::Store,
            "GB01",
            4,
        ),
        ch("GB-WEB", "Online Store UK", ChannelKind::Online, "GB01", 6),
    ]
}

/// Allowed codes of one kind of reference data in one legal entity ("" for all):
/// (kind, legal entity, [(code, description)]).
pub type ReferenceSet = (
    ReferenceKind,
    &'static str,
    Vec<(&'static str, &'static str)>,
);

/// The allowed codes per kind.
pub fn reference_values() -> Vec<ReferenceSet> {
    use ReferenceKind::*;
    vec![
        (
            CustomerGroup,
            "",
            vec![
                ("RETAIL", "Retail customers"),
                ("STAFF", "Employees"),
                ("B2B", "Business customers"),
                ("MEMBER", "Loyalty club members"),
            ],
        ),
        (
            Currency,
            "",
            vec![
                ("NOK", "Norwegian krone"),
                ("GBP", "Pound sterling"),
                ("EUR", "Euro"),
                ("SEK", "Swedish krona"),
            ],
        ),
        (
            Language,
            "",
            vec![
                ("nb-NO", "Norwegian (bokmål)"),
                ("nn-NO", "Norwegian (nynorsk)"),
                ("en-GB", "English (UK)"),
                ("en-US", "English (US)"),
            ],
        ),
        (
            PriceGroup,
            "",
            vec![
                ("STANDARD", "List prices"),
                ("MEMBER", "Member prices"),
                ("TRADE", "Trade prices"),
            ],
        ),
        (
            TaxGroup,
            "NO01",
            vec![
                ("MVA25", "25 % VAT"),
                ("MVA15", "15 % VAT (food)"),
                ("MVA0", "Exempt"),
            ],
        ),
        (
            TaxGroup,
            "GB01",
            vec![
                ("VAT20", "20 % VAT"),
                ("VAT5", "5 % VAT"),
                ("VAT0", "Zero rated"),
            ],
        ),
        (
            Country,
            "",
            vec![
                ("NO", "Norway"),
                ("GB", "United Kingdom"),
                ("SE", "Sweden"),
                ("DK", "Denmark"),
                ("FI", "Finland"),
                ("DE", "Germany"),
            ],
        ),
    ]
}

/// The demo's attribute groups' names in Norwegian.
fn group_in_norwegian(group: &str) -> Option<&'static str> {
    match group {
        "Loyalty" => Some("Kundeklubb"),
        "Marketing" => Some("Markedsføring"),
        "Fit" => Some("Passform"),
        "Profile" => Some("Profil"),
        "Business" => Some("Bedrift"),
        _ => None,
    }
}

/// Attribute definitions of every type, the same names in both legal entities.
pub fn attribute_definitions(legal_entity_id: &str) -> Vec<AttributeDefinition> {
    let def = |name: &str,
               en: &str,
               nb: &str,
               group: &str,
               attribute_type: AttributeType,
               default: Option<&str>| {
        AttributeDefinition {
            id: 0,
            legal_entity_id: legal_entity_id.into(),
            name: name.into(),
            label_en: en.into(),
            label_nb: nb.into(),
            group_name: group.into(),
            group_name_nb: group_in_norwegian(group).map(Into::into),
            attribute_type,
            default_value: default.map(Into::into),
        }
    };
    vec![
        def(
            "loyalty_tier",
            "Loyalty tier",
            "Kundeklubbnivå",
            "Loyalty",
            AttributeType::Text {
                allowed: ["Bronze", "Silver", "Gold", "Platinum"]
                    .map(String::from)
                    .to_vec(),
            },
            Some("Bronze"),
        ),
        def(
            "member_since",
            "Member since",
            "Medlem siden",
            "Loyalty",
            AttributeType::DateTime,
            None,
        ),
        def(
            "newsletter_opt_in",
            "Newsletter",
            "Nyhetsbrev",
            "Marketing",
            AttributeType::Boolean,
            Some("false"),
        ),
        def(
            "sms_opt_in",
            "Text messages",
            "SMS-varsler",
            "Marketing",
            AttributeType::Boolean,
            Some("false"),
        ),
        def(
            "preferred_store",
            "Preferred store",
            "Foretrukket butikk",
            "Marketing",
            AttributeType::Text { allowed: vec![] },
            None,
        ),
        def(
            "shoe_size",
            "Shoe size",
            "Skostørrelse",
            "Fit",
            AttributeType::Decimal {
                min: Some(30.0),
                max: Some(50.0),
                unit: Some("EU".into()),
            },
            None,
        ),
        def(
            "height_cm",
            "Height",
            "Høyde",
            "Fit",
            AttributeType::Integer {
                min: Some(100),
                max: Some(230),
                unit: Some("cm".into()),
            },
            None,
        ),
        def(
            "birth_year",
            "Birth year",
            "Fødselsår",
            "Profile",
            AttributeType::Integer {
                min: Some(1900),
                max: Some(2012),
                unit: None,
            },
            None,
        ),
        def(
            "household_size",
            "Household size",
            "Antall i husstanden",
            "Profile",
            AttributeType::Integer {
                min: Some(1),
                max: Some(15),
                unit: None,
            },
            None,
        ),
        def(
            "annual_budget",
            "Annual budget",
            "Årlig budsjett",
            "Profile",
            AttributeType::Currency,
            None,
        ),
        def(
            "discount_percent",
            "Agreed discount",
            "Avtalt rabatt",
            "Business",
            AttributeType::Decimal {
                min: Some(0.0),
                max: Some(40.0),
                unit: Some("%".into()),
            },
            Some("0"),
        ),
    ]
}
