//! A `WHERE` clause built piece by piece with numbered arguments, for the statements whose shape
//! depends on the user's filter (the status list). Values are always bound, never spliced.

/// A value bound to a statement.
#[derive(Debug, Clone)]
pub(super) enum Arg {
    Text(String),
    Int(i64),
    Real(f64),
}

/// A `WHERE` clause being built, with its numbered arguments.
#[derive(Default)]
pub(super) struct Clause {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Clause {
    /// Adds an argument; returns its placeholder.
    pub(super) fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    pub(super) fn text(&mut self, value: impl Into<String>) -> String {
        self.arg(Arg::Text(value.into()))
    }

    pub(super) fn int(&mut self, value: i64) -> String {
        self.arg(Arg::Int(value))
    }

    pub(super) fn and(&mut self, condition: String) {
        self.conditions.push(condition);
    }

    pub(super) fn sql(&self) -> String {
        if self.conditions.is_empty() {
            "TRUE".to_owned()
        } else {
            self.conditions.join(" AND ")
        }
    }

    /// The conditions so far as SQL, starting a new set (the arguments stay numbered on): for
    /// statements made of several subqueries.
    pub(super) fn take_sql(&mut self) -> String {
        let sql = self.sql();
        self.conditions.clear();
        sql
    }

    pub(super) fn bind<'q>(
        &self,
        mut query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for arg in &self.args {
            query = match arg {
                Arg::Text(v) => query.bind(v.clone()),
                Arg::Int(v) => query.bind(*v),
                Arg::Real(v) => query.bind(*v),
            };
        }
        query
    }
}
