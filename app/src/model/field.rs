//! The standard customer fields an operation can carry (from the HQ async staging tables), with
//! their stable keys, display names and what kind of value each holds.

use serde::{Deserialize, Serialize};

/// Reference data a code field must be one of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReferenceKind {
    CustomerGroup,
    Currency,
    Language,
    PriceGroup,
    TaxGroup,
    Country,
}

super::text_enum!(ReferenceKind {
    CustomerGroup => "customer_group",
    Currency => "currency",
    Language => "language",
    PriceGroup => "price_group",
    TaxGroup => "tax_group",
    Country => "country",
});

/// What kind of value a field holds, which decides how it is validated and edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text up to `max_len` characters.
    Text {
        max_len: usize,
    },
    Email,
    Phone,
    Url,
    /// A code from reference data.
    Reference(ReferenceKind),
    /// One of a fixed list of values.
    Choice(&'static [&'static str]),
    /// A decimal amount (credit limit).
    Decimal,
    Boolean,
    /// A postal code, checked against the address country.
    Zip,
}

macro_rules! customer_fields {
    ($($variant:ident => $key:literal, $en:literal, $nb:literal, $kind:expr;)+) => {
        /// A standard customer field.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum CustomerField { $($variant),+ }

        impl CustomerField {
            /// Every standard field, in the order the attribute grid shows them.
            pub const ALL: &'static [CustomerField] = &[$(CustomerField::$variant),+];

            /// The stable key used in storage, the API and URLs.
            pub fn key(self) -> &'static str {
                match self { $(CustomerField::$variant => $key),+ }
            }

            /// The English display name.
            pub fn label_en(self) -> &'static str {
                match self { $(CustomerField::$variant => $en),+ }
            }

            /// The Norwegian (bokmål) display name.
            pub fn label_nb(self) -> &'static str {
                match self { $(CustomerField::$variant => $nb),+ }
            }

            /// What kind of value the field holds.
            pub fn kind(self) -> FieldKind {
                match self { $(CustomerField::$variant => $kind),+ }
            }

            /// The field with this key, if it is a standard one.
            pub fn from_key(key: &str) -> Option<Self> {
                match key { $($key => Some(CustomerField::$variant),)+ _ => None }
            }
        }
    };
}

/// Party types.
pub const PARTY_TYPES: &[&str] = &["Person", "Organization"];
/// Receipt preferences.
pub const RECEIPT_OPTIONS: &[&str] = &["Print", "Email", "PrintAndEmail", "None"];
/// Address purposes.
pub const ADDRESS_PURPOSES: &[&str] = &["Home", "Business", "Office", "Post box"];

customer_fields! {
    Name => "name", "Name", "Navn", FieldKind::Text { max_len: 100 };
    FirstName => "first_name", "First name", "Fornavn", FieldKind::Text { max_len: 25 };
    MiddleName => "middle_name", "Middle name", "Mellomnavn", FieldKind::Text { max_len: 25 };
    LastName => "last_name", "Last name", "Etternavn", FieldKind::Text { max_len: 25 };
    PartyType => "party_type", "Type", "Type", FieldKind::Choice(PARTY_TYPES);
    OrganizationId => "organization_id", "Organization number", "Organisasjonsnummer", FieldKind::Text { max_len: 20 };
    VatNumber => "vat_number", "VAT number", "MVA-nummer", FieldKind::Text { max_len: 20 };
    CustomerGroup => "customer_group", "Customer group", "Kundegruppe", FieldKind::Reference(ReferenceKind::CustomerGroup);
    Currency => "currency", "Currency", "Valuta", FieldKind::Reference(ReferenceKind::Currency);
    Language => "language", "Language", "Språk", FieldKind::Reference(ReferenceKind::Language);
    PriceGroup => "price_group", "Price group", "Prisgruppe", FieldKind::Reference(ReferenceKind::PriceGroup);
    TaxGroup => "tax_group", "Sales tax group", "Mva-gruppe", FieldKind::Reference(ReferenceKind::TaxGroup);
    CreditLimit => "credit_limit", "Credit limit", "Kredittgrense", FieldKind::Decimal;
    Blocked => "blocked", "Blocked", "Sperret", FieldKind::Boolean;
    InvoiceAccount => "invoice_account", "Invoice account", "Fakturakonto", FieldKind::Text { max_len: 20 };
    ReceiptOption => "receipt_option", "Receipt option", "Kvitteringsvalg", FieldKind::Choice(RECEIPT_OPTIONS);
    ReceiptEmail => "receipt_email", "Receipt email", "E-post for kvittering", FieldKind::Email;
    Phone => "phone", "Phone", "Telefon", FieldKind::Phone;
    PhoneExtension => "phone_extension", "Extension", "Internnummer", FieldKind::Text { max_len: 10 };
    CellularPhone => "cellular_phone", "Cellular phone", "Mobiltelefon", FieldKind::Phone;
    Email => "email", "Email", "E-post", FieldKind::Email;
    Url => "url", "Internet address", "Internettadresse", FieldKind::Url;
    AddressName => "address_name", "Address name", "Adressenavn", FieldKind::Text { max_len: 60 };
    Street => "street", "Street", "Gate", FieldKind::Text { max_len: 250 };
    StreetNumber => "street_number", "Street number", "Gatenummer", FieldKind::Text { max_len: 20 };
    City => "city", "City", "By", FieldKind::Text { max_len: 60 };
    County => "county", "County", "Fylke", FieldKind::Text { max_len: 10 };
    State => "state", "State", "Delstat", FieldKind::Text { max_len: 10 };
    Zip => "zip", "ZIP/postal code", "Postnummer", FieldKind::Zip;
    Country => "country", "Country/region", "Land/region", FieldKind::Reference(ReferenceKind::Country);
    District => "district", "District", "Bydel", FieldKind::Text { max_len: 60 };
    AddressPurpose => "address_purpose", "Address purpose", "Adresseformål", FieldKind::Choice(ADDRESS_PURPOSES);
    AddressPrimary => "address_primary", "Primary address", "Primæradresse", FieldKind::Boolean;
}

impl CustomerField {
    /// Whether the field belongs to the customer's primary address.
    pub fn is_address(self) -> bool {
        matches!(
            self,
            Self::AddressName
                | Self::Street
                | Self::StreetNumber
                | Self::City
                | Self::County
                | Self::State
                | Self::Zip
                | Self::Country
                | Self::District
                | Self::AddressPurpose
                | Self::AddressPrimary
        )
    }
}

/// The key prefix of custom attributes in operation fields: `attr:<definition name>`.
pub const ATTRIBUTE_PREFIX: &str = "attr:";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_key_is_unique_and_reads_back() {
        let mut seen = std::collections::HashSet::new();
        for field in CustomerField::ALL {
            assert!(seen.insert(field.key()), "duplicate key {}", field.key());
            assert_eq!(CustomerField::from_key(field.key()), Some(*field));
            assert!(!field.key().starts_with(ATTRIBUTE_PREFIX));
        }
    }

    #[test]
    fn street_and_county_lengths_follow_the_reference_validation() {
        assert_eq!(
            CustomerField::Street.kind(),
            FieldKind::Text { max_len: 250 }
        );
        assert_eq!(
            CustomerField::County.kind(),
            FieldKind::Text { max_len: 10 }
        );
    }
}
