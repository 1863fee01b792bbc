//! A survey's results: worked out once, the first time they are asked for after the survey has
//! closed, stored, and given from the store ever after (nothing while it is open but the count
//! of responses, to its owner, so they cannot be watched answer by answer). Every count goes
//! through the evidence's cell-key perturbation and `<k` rule, keyed by a random key each
//! response was given; shares and quartiles only where the group allows. Free-text answers are
//! counted, never published.

use std::fmt::Write;

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::audit::{Action, Entity, Event};
use crate::csv_writer::CsvWriter;
use crate::db::DbConn;
use crate::db::schema::{members, survey_answers, survey_links, survey_responses, surveys};
use crate::error::AppError;
use crate::models::{QuestionKind, Role, Settings, Survey, SurveyId};
use crate::reports::disclosure::{Cell, Disclosure, Published, percent_text};
use crate::reports::stats;
use crate::state::AppState;

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SurveyResults {
    pub survey_id: SurveyId,
    pub title: String,
    pub scope_name: String,
    /// Where, in a sentence: "across all branches", "in the Leeds branch".
    #[serde(default)]
    pub scope_phrase: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// The day the results were worked out (and frozen).
    pub published_on: NaiveDate,
    /// k: published counts from 1 to k−1 are shown as `<k`.
    pub threshold: i64,
    /// D: the largest noise added to a count.
    pub max_noise: i64,
    /// Members sent a link, perturbed.
    pub sent: String,
    pub responses: String,
    /// Responses as a share of the links sent, in whole percent, when both counts allow.
    pub response_rate: Option<i64>,
    pub questions: Vec<QuestionResult>,
    /// The headline shares in words, as a press release puts them.
    pub headlines: Vec<String>,
    pub method: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuestionResult {
    pub position: i32,
    pub text: String,
    pub kind: QuestionKind,
    /// Respondents who answered it, perturbed.
    pub answered: String,
    /// Each choice: its count and its share of those who answered.
    pub rows: Vec<ResultRow>,
    /// A scale question: strongly agree and agree together, in whole percent.
    pub agreed: Option<i64>,
    /// A number question: median and quartiles, whole numbers, each with at least k answers
    /// above it and k at or below.
    pub median: Option<i64>,
    pub lower_quartile: Option<i64>,
    pub upper_quartile: Option<i64>,
    /// By employer and by job role: only the groups whose published answers reach the minimum
    /// group (`evidence_min_group`).
    #[serde(default)]
    pub by_group: Vec<GroupResult>,
}

/// A question's answers in one group of respondents.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupResult {
    /// `employer` or `job role`.
    pub dimension: String,
    pub group: String,
    pub answered: String,
    /// Each choice's share of the group's answers, in the order of `rows`.
    pub shares: Vec<String>,
    /// A scale question: strongly agree and agree together, in whole percent.
    pub agreed: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ResultRow {
    pub label: String,
    pub count: String,
    pub share: String,
}

/// What a survey has while it is open, for its owner.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub links_sent: i64,
    pub responses: i64,
}

/// Links sent and responses so far (owner and administrators; exact, for running the survey).
pub(crate) fn progress(conn: &mut DbConn, id: SurveyId) -> QueryResult<Progress> {
    let links_sent = survey_links::table
        .filter(survey_links::survey_id.eq(id))
        .count()
        .get_result(conn)?;
    let responses = survey_responses::table
        .filter(survey_responses::survey_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(Progress {
        links_sent,
        responses,
    })
}

/// "Over nine in ten", "Seven in ten", "Almost all": a share as a press release says it.
pub fn in_words(share: i64) -> String {
    const TENS: [&str; 10] = [
        "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    let capital = |s: String| {
        let mut chars = s.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default()
    };
    match share {
        98.. => "Almost all".into(),
        s if s >= 10 && s % 10 == 0 => capital(format!("{} in ten", TENS[(s / 10) as usize])),
        s if s > 10 => capital(format!("over {} in ten", TENS[(s / 10) as usize])),
        1..=10 => "Fewer than one in ten".into(),
        _ => "None".into(),
    }
}

/// The results of a closed survey, worked out and stored the first time (the owner,
/// administrators and delegates); audited.
pub(crate) async fn results(
    state: &AppState,
    actor: Actor,
    id: SurveyId,
) -> Result<SurveyResults, AppError> {
    let today = state.clock.today();
    state
        .db
        .write(move |conn| {
            let survey = Survey::find(conn, id)?.ok_or(AppError::NotFound)?;
            let reader = survey.created_by == actor.id
                || matches!(actor.role, Role::Admin | Role::Delegate);
            if !reader {
                return Err(AppError::NotFound);
            }
            if today <= survey.closes_on {
                return Err(AppError::Conflict(format!(
                    "results are worked out once the survey has closed ({}); until then only its owner sees how many have answered",
                    survey.closes_on
                )));
            }
            let results = match &survey.results {
                Some(stored) => serde_json::from_str(stored).map_err(|e| {
                    AppError::Internal(format!("stored survey results unreadable: {e}"))
                })?,
                None => {
                    let made = compute(conn, &survey, today)?;
                    let text = serde_json::to_string(&made)
                        .map_err(|e| AppError::Internal(e.to_string()))?;
                    // The first to store them wins; a request racing it reads what it stored.
                    diesel::update(
                        surveys::table
                            .filter(surveys::id.eq(id))
                            .filter(surveys::results.is_null()),
                    )
                    .set(surveys::results.eq(&text))
                    .execute(conn)?;
                    let stored: Option<String> =
                        surveys::table.find(id).select(surveys::results).first(conn)?;
                    serde_json::from_str(&stored.unwrap_or(text))
                        .map_err(|e| AppError::Internal(e.to_string()))?
                }
            };
            crate::audit::record(
                conn,
                Event::new(actor.id, Action::Read, Entity::Survey)
                    .id(id.0)
                    .detail("results"),
            )?;
            Ok(results)
        })
        .await
}

/// A response as stored: its id, key, and the groups kept with it.
type ResponseRow = (String, i32, Option<i64>, Option<String>);

/// An answer as stored: its response, choices, number and text.
type AnswerRow = (String, Option<i64>, Option<f64>, Option<String>);

/// One response's answer to a question, with the response's key.
struct Answer {
    response: String,
    key: i64,
    chosen: Option<i64>,
    number: Option<f64>,
    answered: bool,
}

fn compute(
    conn: &mut DbConn,
    survey: &Survey,
    today: NaiveDate,
) -> Result<SurveyResults, AppError> {
    let settings = Settings::load(conn)?;
    let rules = Disclosure {
        k: settings.disclosure_threshold,
        max_noise: settings.evidence_max_noise,
    };
    let scope = super::scope_of(survey)?;
    let sent: Vec<i32> = survey_links::table
        .inner_join(members::table)
        .filter(survey_links::survey_id.eq(survey.id))
        .select(members::record_key)
        .load(conn)?;
    let responses: Vec<ResponseRow> = survey_responses::table
        .filter(survey_responses::survey_id.eq(survey.id))
        .select((
            survey_responses::id,
            survey_responses::record_key,
            survey_responses::employer_id,
            survey_responses::job_role,
        ))
        .load(conn)?;
    let keys: std::collections::HashMap<String, i64> = responses
        .iter()
        .map(|(id, key, _, _)| (id.clone(), i64::from(*key)))
        .collect();
    let employer_names: std::collections::HashMap<i64, String> =
        crate::models::Employer::list(conn)?
            .into_iter()
            .map(|e| (e.id.0, e.name))
            .collect();
    // Each response's groups: (dimension, name).
    let group_of: std::collections::HashMap<String, Vec<(&'static str, String)>> = responses
        .iter()
        .map(|(id, _, employer, role)| {
            let mut groups = Vec::new();
            if let Some(name) = employer.and_then(|e| employer_names.get(&e)) {
                groups.push(("employer", name.clone()));
            }
            if let Some(role) = role {
                groups.push(("job role", role.clone()));
            }
            (id.clone(), groups)
        })
        .collect();
    let mut groups: Vec<(&'static str, String)> = group_of.values().flatten().cloned().collect();
    groups.sort();
    groups.dedup();
    let cell_of = |keys: &mut dyn Iterator<Item = i64>| -> Cell {
        keys.fold(Cell::default(), |c, k| c + Cell::new(1, k))
    };
    let sent = rules.publish(cell_of(&mut sent.iter().map(|k| i64::from(*k))));
    let answered_all = rules.publish(cell_of(&mut keys.values().copied()));
    let mut questions = Vec::new();
    let mut headlines = Vec::new();
    for question in survey.questions(conn)? {
        let rows: Vec<AnswerRow> = survey_answers::table
            .filter(survey_answers::question_id.eq(question.id))
            .select((
                survey_answers::response_id,
                survey_answers::chosen,
                survey_answers::number,
                survey_answers::text,
            ))
            .load(conn)?;
        let answers: Vec<Answer> = rows
            .into_iter()
            .filter_map(|(response, chosen, number, text)| {
                Some(Answer {
                    key: *keys.get(&response)?,
                    response,
                    chosen,
                    number,
                    answered: chosen.is_some() || number.is_some() || text.is_some(),
                })
            })
            .collect();
        let count = |keep: &dyn Fn(&Answer) -> bool| -> Published {
            rules.publish(cell_of(
                &mut answers.iter().filter(|a| keep(a)).map(|a| a.key),
            ))
        };
        let answered = count(&|a| a.answered);
        let options = question.options();
        let has = |a: &Answer, i: usize| a.chosen.is_some_and(|bits| bits & (1 << i) != 0);
        let rows: Vec<ResultRow> = options
            .iter()
            .enumerate()
            .map(|(i, label)| {
                let n = count(&|a| has(a, i));
                ResultRow {
                    label: label.clone(),
                    count: rules.text(n),
                    share: percent_text(rules.share(n, answered)),
                }
            })
            .collect();
        let agreed = (question.kind == QuestionKind::Scale)
            .then(|| rules.share(count(&|a| has(a, 0) || has(a, 1)), answered))
            .flatten();
        if let Some(share) = agreed {
            headlines.push(format!(
                "{} ({share}%) agreed: {}",
                in_words(share),
                question.text
            ));
        }
        if question.kind == QuestionKind::Single {
            let shown: Vec<String> = rows
                .iter()
                .filter(|r| r.share != "—")
                .map(|r| format!("{} {}", r.label, r.share))
                .collect();
            if !shown.is_empty() {
                headlines.push(format!("{} {}.", question.text, shown.join(", ")));
            }
        }
        let in_group = |a: &Answer, group: &(&'static str, String)| {
            group_of
                .get(&a.response)
                .is_some_and(|gs| gs.contains(group))
        };
        let by_group: Vec<GroupResult> = if options.is_empty() {
            Vec::new()
        } else {
            groups
                .iter()
                .filter_map(|group| {
                    let answered = count(&|a| a.answered && in_group(a, group));
                    rules
                        .usable(answered)
                        .is_some_and(|n| n >= settings.evidence_min_group)
                        .then(|| GroupResult {
                            dimension: group.0.into(),
                            group: group.1.clone(),
                            answered: rules.text(answered),
                            shares: (0..options.len())
                                .map(|i| {
                                    let n = count(&|a| has(a, i) && in_group(a, group));
                                    percent_text(rules.share(n, answered))
                                })
                                .collect(),
                            agreed: (question.kind == QuestionKind::Scale)
                                .then(|| {
                                    let n =
                                        count(&|a| (has(a, 0) || has(a, 1)) && in_group(a, group));
                                    rules.share(n, answered)
                                })
                                .flatten(),
                        })
                })
                .collect()
        };
        let (median, lower_quartile, upper_quartile) = if question.kind == QuestionKind::Number {
            let mut histogram: std::collections::BTreeMap<i64, i64> = Default::default();
            for n in answers.iter().filter_map(|a| a.number) {
                *histogram.entry(stats::bucket(n)).or_default() += 1;
            }
            let histogram: Vec<(i64, i64)> = histogram.into_iter().collect();
            let at = |q: f64| stats::disclosed_quantile(&histogram, q, rules.k);
            (at(0.5), at(0.25), at(0.75))
        } else {
            (None, None, None)
        };
        questions.push(QuestionResult {
            position: question.position,
            text: question.text.clone(),
            kind: question.kind,
            answered: rules.text(answered),
            rows,
            agreed,
            median,
            lower_quartile,
            upper_quartile,
            by_group,
        });
    }
    let (k, d) = (rules.k, rules.max_noise);
    Ok(SurveyResults {
        survey_id: survey.id,
        title: survey.title.clone(),
        scope_name: scope.name(conn)?,
        scope_phrase: scope.phrase(conn)?,
        opens_on: survey.opens_on,
        closes_on: survey.closes_on,
        published_on: today,
        threshold: k,
        max_noise: d,
        sent: rules.text(sent),
        responses: rules.text(answered_all),
        response_rate: rules.share(answered_all, sent),
        questions,
        headlines,
        method: vec![
            format!(
                "The survey ran from {} to {}. Its results were worked out once, after it closed, and every later request gets exactly these figures.",
                survey.opens_on, survey.closes_on
            ),
            format!(
                "Every count is perturbed: a small amount of noise, at most {d} either way, is added to it, so figures may not add up exactly. <{k} means a published count of 1 to {}. Shares are worked out from the counts as shown, only when those are at least {k}, and no share is given within {k} of all who answered.",
                k - 1
            ),
            "A median or quartile is given only with at least k answers above it and k at or below it. Free-text answers are counted here and shown only to the survey's owner.".into(),
            "Answers were given through one-time links and stored with no member, link or time of day: no figure here can be traced to a member.".into(),
        ],
    })
}

/// The results as a press release reads them.
pub fn markdown(r: &SurveyResults) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: results\n", r.title);
    let rate = r
        .response_rate
        .map(|p| format!(" ({p}% of the {} members it was sent to)", r.sent))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} members answered {}{rate}, from {} to {}.\n",
        r.responses, r.scope_phrase, r.opens_on, r.closes_on
    );
    for headline in &r.headlines {
        let _ = writeln!(out, "- {headline}");
    }
    for q in &r.questions {
        let _ = writeln!(out, "\n## {}. {}\n", q.position, q.text);
        let _ = writeln!(out, "Answered by {}.", q.answered);
        if !q.rows.is_empty() {
            let _ = writeln!(out, "\n| | Count | Share |\n|---|---:|---:|");
            for row in &q.rows {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} |",
                    row.label.replace('|', "\\|"),
                    row.count,
                    row.share
                );
            }
        }
        if !q.by_group.is_empty() {
            let labels: Vec<String> = q.rows.iter().map(|r| r.label.replace('|', "\\|")).collect();
            let _ = writeln!(
                out,
                "\n| By group | Answered | {} |\n|---|---:|{}",
                labels.join(" | "),
                "---:|".repeat(labels.len())
            );
            for g in &q.by_group {
                let _ = writeln!(
                    out,
                    "| {} {} | {} | {} |",
                    g.dimension,
                    g.group.replace('|', "\\|"),
                    g.answered,
                    g.shares.join(" | ")
                );
            }
        }
        if let Some(median) = q.median {
            let quartiles = match (q.lower_quartile, q.upper_quartile) {
                (Some(l), Some(u)) => format!(" (quartiles {l} and {u})"),
                _ => String::new(),
            };
            let _ = writeln!(out, "\nMedian {median}{quartiles}.");
        }
    }
    let _ = writeln!(out, "\n## Method\n");
    for line in &r.method {
        let _ = writeln!(out, "- {line}");
    }
    out
}

/// One line per published cell: question, choice, count, share.
pub fn csv(r: &SurveyResults) -> Result<Vec<u8>, AppError> {
    let mut csv = CsvWriter::new();
    csv.row(["question", "answer", "count", "share"])?;
    csv.row(["(survey)", "members sent a link", &r.sent, ""])?;
    csv.row([
        "(survey)",
        "responses",
        &r.responses,
        &percent_text(r.response_rate),
    ])?;
    for q in &r.questions {
        csv.row([q.text.as_str(), "(answered)", &q.answered, ""])?;
        for row in &q.rows {
            csv.row([q.text.as_str(), &row.label, &row.count, &row.share])?;
        }
        for g in &q.by_group {
            let group = format!("{} {}", g.dimension, g.group);
            csv.row([
                q.text.as_str(),
                &format!("{group}: answered"),
                &g.answered,
                "",
            ])?;
            for (row, share) in q.rows.iter().zip(&g.shares) {
                csv.row([
                    q.text.as_str(),
                    &format!("{group}: {}", row.label),
                    "",
                    share,
                ])?;
            }
        }
        for (label, value) in [
            ("(median)", q.median),
            ("(lower quartile)", q.lower_quartile),
            ("(upper quartile)", q.upper_quartile),
        ] {
            if let Some(v) = value {
                csv.row([q.text.as_str(), label, &v.to_string(), ""])?;
            }
        }
    }
    csv.finish()
}
