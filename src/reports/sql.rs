//! Report SQL with its values bound as parameters, never formatted into the text, and the typed
//! filter that says which rows a report counts. Templates mark each value with `{}`; a value is
//! a number, a date, a text or another fragment (its text and values spliced in order).

use chrono::NaiveDate;
use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Text};

use super::scope::Narrowing;
use crate::access::ReportScope;
use crate::db::DbConn;
use crate::error::AppError;

/// One value in a template.
pub(crate) enum Arg<'a> {
    Int(i64),
    Day(NaiveDate),
    Str(&'a str),
    Sql(&'a Sql),
}

#[derive(Debug, Clone)]
enum Value {
    Int(i64),
    Day(NaiveDate),
    Str(String),
}

/// SQL text with `?` where each value goes, and the values in order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    /// Text with no values (column names, constant conditions).
    pub(crate) fn raw(text: &str) -> Self {
        debug_assert!(!text.contains('?') && !text.contains("{}"));
        Self {
            text: text.to_owned(),
            values: Vec::new(),
        }
    }

    /// `template` with each `{}` replaced by the next of `args`.
    pub(crate) fn build(template: &str, args: &[Arg]) -> Self {
        let mut pieces = template.split("{}");
        let mut out = Self::raw(pieces.next().unwrap_or_default());
        let mut args = args.iter();
        for piece in pieces {
            match args.next().expect("a value for every {} of the template") {
                Arg::Int(v) => out.bind(Value::Int(*v)),
                Arg::Day(v) => out.bind(Value::Day(*v)),
                Arg::Str(v) => out.bind(Value::Str((*v).to_owned())),
                Arg::Sql(fragment) => {
                    out.text.push_str(&fragment.text);
                    out.values.extend(fragment.values.iter().cloned());
                }
            }
            out.text.push_str(piece);
        }
        debug_assert!(
            args.next().is_none(),
            "as many values as {{}} in {template}"
        );
        out
    }

    fn bind(&mut self, value: Value) {
        self.text.push('?');
        self.values.push(value);
    }

    /// Both conditions.
    pub(crate) fn and(&self, other: &Sql) -> Sql {
        Sql::build("{} AND {}", &[Arg::Sql(self), Arg::Sql(other)])
    }

    /// The text as the connection's backend numbers its parameters.
    fn text_for(&self, conn: &DbConn) -> String {
        crate::db::dialect::parameters(conn, &self.text)
    }

    /// Runs the query and reads its rows.
    pub(crate) fn load<T: QueryableByName<crate::db::Sql> + 'static>(
        &self,
        conn: &mut DbConn,
    ) -> Result<Vec<T>, AppError> {
        let started = std::time::Instant::now();
        let text = self.text_for(conn);
        let mut query = diesel::sql_query(&text).into_boxed::<crate::db::Sql>();
        for value in &self.values {
            query = match value {
                Value::Int(v) => query.bind::<BigInt, _>(*v),
                Value::Day(v) => query.bind::<Date, _>(*v),
                Value::Str(v) => query.bind::<Text, _>(v.clone()),
            };
        }
        let rows = query.load(conn)?;
        if tracing::enabled!(tracing::Level::DEBUG) {
            // Report values are ids, dates, months and enumeration names, never anything a
            // person typed: the statement with its values written in is safe to log, and the
            // benchmark replays it in sqlite3 or psql.
            tracing::debug!(
                elapsed_ms = started.elapsed().as_millis() as u64,
                sql = self.inlined().as_str(),
                "report query"
            );
        }
        Ok(rows)
    }

    /// The statement with its values written in as literals, for the log only.
    fn inlined(&self) -> String {
        let mut values = self.values.iter();
        let mut out = String::with_capacity(self.text.len() + 16 * self.values.len());
        for c in self.text.chars() {
            let value = if c == '?' { values.next() } else { None };
            match value {
                Some(Value::Int(v)) => out.push_str(&v.to_string()),
                Some(Value::Day(v)) => out.push_str(&format!("'{}'", v.format("%Y-%m-%d"))),
                Some(Value::Str(v)) => out.push_str(&format!("'{}'", v.replace('\'', "''"))),
                None => out.push(c),
            }
        }
        out
    }
}

/// `column` between two dates, both included.
pub(crate) fn between(column: &str, from: NaiveDate, to: NaiveDate) -> Sql {
    Sql::build(
        &format!("{column} >= {{}} AND {column} <= {{}}"),
        &[Arg::Day(from), Arg::Day(to)],
    )
}

/// Which rows a report counts: an area, narrowed to a branch or employer on a dashboard. The
/// queries apply it to their own tables; no caller writes a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Area {
    pub scope: ReportScope,
    pub narrowing: Narrowing,
}

impl Area {
    pub(crate) fn of(scope: ReportScope) -> Self {
        Self {
            scope,
            narrowing: Narrowing::default(),
        }
    }

    /// The condition on the `branch_id` and `employer_id` columns of the table named `alias`.
    pub(crate) fn on(&self, alias: &str) -> Sql {
        let branch = format!("{alias}.branch_id");
        let mut condition = match self.scope {
            ReportScope::National => Sql::raw("1 = 1"),
            ReportScope::Region(r) => Sql::build(
                &format!("{branch} IN (SELECT id FROM branches WHERE region_id = {{}})"),
                &[Arg::Int(r.0)],
            ),
            ReportScope::Branch(b) => Sql::build(&format!("{branch} = {{}}"), &[Arg::Int(b.0)]),
        };
        if let Some(b) = self.narrowing.branch {
            condition = condition.and(&Sql::build(&format!("{branch} = {{}}"), &[Arg::Int(b.0)]));
        }
        if let Some(e) = self.narrowing.employer {
            let employer = Sql::build(&format!("{alias}.employer_id = {{}}"), &[Arg::Int(e.0)]);
            condition = condition.and(&employer);
        }
        condition
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_bound_in_the_order_they_appear_never_written_into_the_text() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        let inner = Sql::build("b = {}", &[Arg::Int(7)]);
        let sql = Sql::build(
            "a = {} AND {} AND c <= {} AND d = {}",
            &[
                Arg::Str("x'; DROP"),
                Arg::Sql(&inner),
                Arg::Day(day),
                Arg::Int(9),
            ],
        );
        assert_eq!(sql.text, "a = ? AND b = ? AND c <= ? AND d = ?");
        assert!(matches!(
            sql.values.as_slice(),
            [Value::Str(s), Value::Int(7), Value::Day(d), Value::Int(9)] if s == "x'; DROP" && *d == day
        ));
        assert_eq!(
            crate::db::dialect::numbered(&sql.text),
            "a = $1 AND b = $2 AND c <= $3 AND d = $4"
        );
    }

    #[test]
    fn an_area_restricts_by_branch_region_and_employer() {
        use crate::models::{BranchId, EmployerId, RegionId};
        let region = Area::of(ReportScope::Region(RegionId(3)));
        assert_eq!(
            region.on("c").text,
            "c.branch_id IN (SELECT id FROM branches WHERE region_id = ?)"
        );
        let narrowed = Area {
            scope: ReportScope::National,
            narrowing: Narrowing {
                branch: Some(BranchId(4)),
                employer: Some(EmployerId(5)),
            },
        };
        let sql = narrowed.on("m");
        assert_eq!(sql.text, "1 = 1 AND m.branch_id = ? AND m.employer_id = ?");
        assert!(matches!(
            sql.values.as_slice(),
            [Value::Int(4), Value::Int(5)]
        ));
    }
}
