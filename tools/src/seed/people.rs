//! Names and addresses for demo customers: Norwegian ones for Nordlys Retail AS, English ones
//! for Northern Lights Retail Ltd.

/// Where a person lives.
pub struct Place {
    pub city: &'static str,
    pub zip: &'static str,
    pub county: Option<&'static str>,
}

/// Names and places of one country.
pub struct Locale {
    pub first_names: &'static [&'static str],
    pub last_names: &'static [&'static str],
    pub streets: &'static [&'static str],
    pub places: &'static [Place],
    pub email_domains: &'static [&'static str],
    pub company_suffix: &'static str,
    pub company_words: &'static [&'static str],
    pub phone_prefix: &'static str,
}

pub static NORWAY: Locale = Locale {
    first_names: &[
        "Kari",
        "Ola",
        "Ingrid",
        "Per",
        "Anne",
        "Lars",
        "Solveig",
        "Jonas",
        "Emma",
        "Nora",
        "Henrik",
        "Sofie",
        "Magnus",
        "Ida",
        "Sindre",
        "Maja",
        "Kristian",
        "Thea",
        "Eirik",
        "Hanne",
        "Bjørn",
        "Astrid",
        "Håkon",
        "Marit",
        "Øystein",
        "Silje",
        "Tor",
        "Ragnhild",
        "Even",
        "Åse",
        "Fatima",
        "Mohammed",
        "Aleksander",
        "Linnea",
        "Jakob",
        "Vilde",
        "Sander",
        "Tiril",
        "Knut",
        "Liv",
    ],
    last_names: &[
        "Nordmann",
        "Hansen",
        "Johansen",
        "Olsen",
        "Larsen",
        "Andersen",
        "Pedersen",
        "Nilsen",
        "Kristiansen",
        "Jensen",
        "Karlsen",
        "Johnsen",
        "Pettersen",
        "Eriksen",
        "Berg",
        "Haugen",
        "Hagen",
        "Johannessen",
        "Andreassen",
        "Jacobsen",
        "Dahl",
        "Jørgensen",
        "Halvorsen",
        "Lund",
        "Sæther",
        "Bakke",
        "Moen",
        "Strand",
        "Solberg",
        "Aas",
        "Ødegård",
        "Lie",
        "Holm",
        "Ali",
    ],
    streets: &[
        "Storgata",
        "Kirkegata",
        "Parkveien",
        "Skolegata",
        "Bjørnstjerne Bjørnsons gate",
        "Thorvald Meyers gate",
        "Markveien",
        "Kongens gate",
        "Dronningens gate",
        "Olav Tryggvasons gate",
        "Strandgata",
        "Fjellveien",
        "Bryggen",
        "Nygårdsgaten",
        "Sjøgata",
        "Hegdehaugsveien",
        "Grønlandsleiret",
        "Løkkeveien",
        "Elvegata",
        "Havnegata",
    ],
    places: &[
        Place {
            city: "Oslo",
            zip: "0150",
            county: Some("Oslo"),
        },
        Place {
            city: "Oslo",
            zip: "0557",
            county: Some("Oslo"),
        },
        Place {
            city: "Oslo",
            zip: "0362",
            county: Some("Oslo"),
        },
        Place {
            city: "Bergen",
            zip: "5003",
            county: Some("Vestland"),
        },
        Place {
            city: "Bergen",
            zip: "5015",
            county: Some("Vestland"),
        },
        Place {
            city: "Trondheim",
            zip: "7010",
            county: Some("Trøndelag"),
        },
        Place {
            city: "Stavanger",
            zip: "4006",
            county: Some("Rogaland"),
        },
        Place {
            city: "Tromsø",
            zip: "9008",
            county: Some("Troms"),
        },
        Place {
            city: "Kristiansand",
            zip: "4610",
            county: Some("Agder"),
        },
        Place {
            city: "Drammen",
            zip: "3015",
            county: Some("Buskerud"),
        },
        Place {
            city: "Fredrikstad",
            zip: "1606",
            county: Some("Østfold"),
        },
        Place {
            city: "Lillehammer",
            zip: "2609",
            county: Some("Innlandet"),
        },
    ],
    email_domains: &[
        "gmail.com",
        "online.no",
        "hotmail.com",
        "outlook.com",
        "icloud.com",
        "live.no",
    ],
    company_suffix: "AS",
    company_words: &[
        "Fjord",
        "Nordlys",
        "Vestkyst",
        "Bryggen",
        "Fjell",
        "Havbris",
        "Granli",
        "Sølvberg",
        "Tindeløv",
        "Elvebakken",
    ],
    phone_prefix: "+47",
};

pub static BRITAIN: Locale = Locale {
    first_names: &[
        "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Mia", "Charlie", "Emily",
        "Thomas", "Grace", "James", "Sophie", "William", "Poppy", "Alfie", "Freya", "Priya",
        "Arjun",
    ],
    last_names: &[
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson",
        "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Patel",
        "Khan", "Clarke",
    ],
    streets: &[
        "High Street",
        "Station Road",
        "Church Lane",
        "Victoria Road",
        "Green Lane",
        "Manor Road",
        "Park Avenue",
        "Queen's Road",
        "Mill Lane",
        "Oxford Road",
        "Deansgate",
        "Portland Street",
    ],
    places: &[
        Place {
            city: "London",
            zip: "W1D 1AN",
            county: None,
        },
        Place {
            city: "London",
            zip: "SE1 7PB",
            county: None,
        },
        Place {
            city: "London",
            zip: "N1 9GU",
            county: None,
        },
        Place {
            city: "Manchester",
            zip: "M1 1AD",
            county: None,
        },
        Place {
            city: "Manchester",
            zip: "M4 3AQ",
            county: None,
        },
        Place {
            city: "Leeds",
            zip: "LS1 4DY",
            county: None,
        },
        Place {
            city: "Bristol",
            zip: "BS1 5TR",
            county: None,
        },
        Place {
            city: "Oxford",
            zip: "OX1 3BG",
            county: Some("Oxon"),
        },
    ],
    email_domains: &[
        "gmail.com",
        "btinternet.com",
        "outlook.com",
        "yahoo.co.uk",
        "sky.com",
    ],
    company_suffix: "Ltd",
    company_words: &[
        "Thames",
        "Pennine",
        "Albion",
        "Harbour",
        "Oakfield",
        "Kestrel",
        "Redbrick",
        "Northgate",
    ],
    phone_prefix: "+44",
};

/// The locale of a legal entity.
pub fn locale_of(legal_entity_id: &str) -> &'static Locale {
    if legal_entity_id == "GB01" {
        &BRITAIN
    } else {
        &NORWAY
    }
}

/// Lower-case ASCII for an email local part (`Bjørn Ødegård` → `bjorn.odegard`).
pub fn email_local(first: &str, last: &str) -> String {
    let fold = |s: &str| {
        s.chars()
            .flat_map(|c| match c {
                'æ' | 'Æ' => "ae".chars().collect::<Vec<_>>(),
                'ø' | 'Ø' => vec!['o'],
                'å' | 'Å' => vec!['a'],
                other => other.to_lowercase().collect(),
            })
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
    };
    format!("{}.{}", fold(first), fold(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_become_ascii_in_email_addresses() {
        assert_eq!(email_local("Bjørn", "Ødegård"), "bjorn.odegard");
        assert_eq!(email_local("Åse", "Sæther"), "ase.saether");
    }
}
