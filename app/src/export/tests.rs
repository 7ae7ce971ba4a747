use super::*;
use crate::model::{
    filter::FilterField, LastError, OperationField, OperationKind, OperationState,
    OperationSummary, Reason, SyncStatus,
};

fn catalog() -> Vec<FilterField> {
    FilterField::catalog(&[])
}

fn read(query: &str) -> Result<ExportRequest, FilterProblem> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    ExportRequest::from_query(
        pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &catalog(),
    )
}

#[test]
fn an_export_reads_the_lists_filter_and_the_chosen_columns_once_each_in_order() {
    let request = read(
        "status=failed&channel=3&f=email~contains~gmail&with=values:email&with=description\
         &with=error&with=description&bom=1",
    )
    .unwrap();
    assert_eq!(request.filter.status, Some(SyncStatus::Failed));
    assert_eq!(request.filter.channel, Some(3));
    assert_eq!(request.filter.fields.len(), 1);
    assert_eq!(
        request.chosen,
        vec![
            ChosenColumn::Values("email".into()),
            ChosenColumn::Description,
            ChosenColumn::LastError
        ]
    );
    assert!(request.bom);
    assert!(request.needs_fields());
    assert_eq!(read(&request.href()[EXPORT_PATH.len() + 1..]), Ok(request));
}

#[test]
fn only_a_description_or_field_values_need_the_operations_fields() {
    assert!(!read("").unwrap().needs_fields());
    assert!(!read("with=error").unwrap().needs_fields());
    assert!(read("with=description").unwrap().needs_fields());
    assert!(read("with=values:city").unwrap().needs_fields());
}

#[test]
fn an_export_of_something_unknown_is_refused_naming_the_parameter() {
    let problem = read("with=password").unwrap_err();
    assert_eq!(problem.param, "with");
    assert!(problem.message().contains("“password”"), "{problem:?}");
    let problem = read("with=values:shoe_size").unwrap_err();
    assert_eq!(problem.param, "with");
    assert_eq!(problem.message(), "“shoe_size” is not a customer field");
    let problem = read("f=shoe_size~eq~44").unwrap_err();
    assert_eq!(problem.param, "f");
    assert_eq!(read("bom=maybe").unwrap_err().param, "bom");
    assert_eq!(read("status=lost").unwrap_err().param, "status");
}

#[cfg(feature = "ssr")]
mod sheet {
    use super::*;
    use crate::{
        export::sheet::{neutralise, Sheet, BOM},
        locale::Locale,
    };

    fn failed_create() -> (OperationState, Vec<OperationField>) {
        let mut summary = OperationSummary::sample(41, OperationKind::Create, SyncStatus::Failed);
        summary.operation_at = "2026-07-01T10:30:00Z".parse().unwrap();
        summary.customer_name = Some("Kari \"Nordmann\"; Hansen".into());
        let state = OperationState {
            summary,
            retry_count: 2,
            last_error: Some(LastError {
                code: "invalid_email".into(),
                field: Some("email".into()),
                message: "email: “=HYPERLINK(1)” is not a valid email address".into(),
                reason: Some(Reason::InvalidEmail {
                    value: "=HYPERLINK(1)".into(),
                }),
            }),
            version: 3,
        };
        let fields = vec![
            OperationField {
                field: "email".into(),
                old_value: None,
                new_value: Some("=HYPERLINK(1)".into()),
            },
            OperationField {
                field: "name".into(),
                old_value: None,
                new_value: Some("Kari \"Nordmann\"; Hansen".into()),
            },
        ];
        (state, fields)
    }

    fn csv(locale: Locale, query: &str) -> String {
        let request = read(query).unwrap();
        let catalog = catalog();
        let sheet = Sheet {
            locale,
            zone: chrono_tz::Europe::Oslo,
            request: &request,
            catalog: &catalog,
            definitions: &[],
        };
        let mut bytes = sheet.header().unwrap();
        bytes.extend(sheet.rows(&[failed_create()]).unwrap());
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn an_english_export_has_english_headers_commas_and_times_in_the_readers_zone() {
        let text = csv(Locale::en, "with=description&with=error&with=values:email");
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap(),
            "Operation,Customer sync status,Operation kind,Channel name,Legal entity,\
             Customer name,Customer account,Async customer account,\
             Operation timestamp (Europe/Oslo),Retry count,Change description,Last error,\
             Email (old),Email (new)"
        );
        assert_eq!(
            lines.next().unwrap(),
            "41,Failed,Create,Bergen Storsenter,NO01,\"Kari \"\"Nordmann\"\"; Hansen\",,\
             5f0c6a5e-3b1e-4c3e-9a57-2f1d9c1b7a10,2026-07-01 12:30:00,2,\
             \"Customer created in Bergen Storsenter: Kari \"\"Nordmann\"\"; Hansen, 2 fields\",\
             Email: “=HYPERLINK(1)” is not a valid email address,,'=HYPERLINK(1)"
        );
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn a_norwegian_export_has_norwegian_headers_and_semicolons() {
        let text = csv(Locale::nb, "with=values:email");
        let header = text.lines().next().unwrap();
        assert!(
            header.starts_with("Operasjon;Synkroniseringsstatus;"),
            "{header}"
        );
        assert!(header.ends_with(";E-post (gammel);E-post (ny)"), "{header}");
        let row = text.lines().nth(1).unwrap();
        assert!(row.starts_with("41;Mislyktes;Opprett;"), "{row}");
        assert!(row.contains(";\"Kari \"\"Nordmann\"\"; Hansen\";"), "{row}");
    }

    #[test]
    fn a_byte_order_mark_comes_first_only_when_asked_for() {
        assert!(csv(Locale::en, "bom=1").as_bytes().starts_with(BOM));
        assert!(csv(Locale::en, "").starts_with("Operation,"));
    }

    #[test]
    fn values_a_spreadsheet_would_run_as_formulas_are_neutralised() {
        for formula in ["=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(formula), format!("'{formula}"));
        }
        for plain in ["kari@example.no", "1", "", "Ola = Kari"] {
            assert_eq!(neutralise(plain), plain);
        }
    }
}

#[test]
fn an_export_is_described_for_the_audit_log_as_its_parameters() {
    assert_eq!(read("").unwrap().describe(), "everything");
    assert_eq!(
        read("status=failed&f=name~contains~kari nord&with=error&bom=1")
            .unwrap()
            .describe(),
        "status=failed & f=name~contains~kari nord & with=error & bom=1"
    );
}
