//! The demo's survey, modelled on the union's own of 1,213 social workers about accreditation
//! (15 February to 3 March 2017): closed a few weeks ago, sent to every member, answered by
//! about two thirds, with each statement agreed by the share the 2017 survey published (its
//! results are perturbed when first asked for, as any survey's are). Drawn from its own seed.

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::db::DbConn;
use crate::db::schema::{survey_answers, survey_links, survey_questions, surveys, users};
use crate::error::AppError;
use crate::models::*;
use crate::surveys::links::{fresh_token, hash};

const SEED: u64 = 2017;

/// The statements and the share that agreed in 2017.
const STATEMENTS: &[(&str, f64)] = &[
    (
        "Accreditation will result in more pressure on social workers",
        0.99,
    ),
    (
        "Accreditation will result in more pressure on local councils",
        0.93,
    ),
    (
        "Accreditation will have a detrimental impact on the delivery of social work services",
        0.93,
    ),
    (
        "Social workers will not have enough time to prepare for or take part in accreditation",
        0.97,
    ),
    (
        "Accreditation will not assess practice fairly or accurately",
        0.94,
    ),
    (
        "Accreditation will unfairly penalise individual practitioners",
        0.89,
    ),
    (
        "Accreditation addresses the main problems social workers face",
        0.01,
    ),
    (
        "Accreditation will be beneficial to the families social workers support",
        0.06,
    ),
    ("Accreditation is value for money", 0.02),
];

/// The priority question's choices and their 2017 shares.
const PRIORITIES: &[(&str, f64)] = &[
    ("More funding for social services", 0.58),
    ("Limiting caseloads", 0.30),
    ("Accreditation", 0.02),
    ("Something else", 0.10),
];

/// Indices of `n` answers, the first `round(share × n)` of a shuffled order chosen: the shares
/// come out as published, whoever answered.
fn chosen(rng: &mut StdRng, n: usize, share: f64) -> Vec<bool> {
    let yes = (share * n as f64).round() as usize;
    let mut out: Vec<bool> = (0..n).map(|i| i < yes).collect();
    out.shuffle(rng);
    out
}

/// Writes the survey, its links and its answers; returns how many answered.
pub(super) fn generate(conn: &mut DbConn, today: NaiveDate) -> Result<usize, AppError> {
    let mut rng = StdRng::seed_from_u64(SEED);
    let admin: UserId = users::table
        .filter(users::username.eq("admin"))
        .select(users::id)
        .first(conn)?;
    let opens_on = today - Days::new(60);
    let closes_on = opens_on + Days::new(16);
    let survey: SurveyId = diesel::insert_into(surveys::table)
        .values(NewSurvey {
            title: "Accreditation: what social workers think".into(),
            introduction: Some(
                "The government plans to accredit children's social workers. Before the union responds, we want to know what you think. It takes five minutes; your answers cannot be traced to you.".into(),
            ),
            scope: "national".into(),
            employer_id: None,
            job_role: None,
            opens_on,
            closes_on,
            created_by: admin,
            created_at: chrono::Utc::now().naive_utc(),
        })
        .returning(surveys::id)
        .get_result(conn)?;
    let mut questions = Vec::new();
    let texts = STATEMENTS
        .iter()
        .map(|(text, _)| (QuestionKind::Scale, *text, None))
        .chain(std::iter::once((
            QuestionKind::Single,
            "What should the government's priority be?",
            Some(
                PRIORITIES
                    .iter()
                    .map(|(c, _)| *c)
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        )));
    for (i, (kind, text, choices)) in texts.enumerate() {
        let id: QuestionId = diesel::insert_into(survey_questions::table)
            .values(NewQuestion {
                survey_id: survey,
                position: i as i32 + 1,
                kind,
                text: text.into(),
                choices,
                min_value: None,
                max_value: None,
            })
            .returning(survey_questions::id)
            .get_result(conn)?;
        questions.push(id);
    }
    let members = crate::surveys::build::members_in(
        conn,
        crate::access::ReportScope::National,
        None,
        None,
        opens_on,
    )?;
    let answered: Vec<bool> = chosen(&mut rng, members.len(), 2.0 / 3.0);
    for (member, used) in members.iter().zip(&answered) {
        diesel::insert_into(survey_links::table)
            .values((
                survey_links::survey_id.eq(survey),
                survey_links::member_id.eq(member.id),
                survey_links::token_hash.eq(hash(&fresh_token())),
                survey_links::used.eq(*used),
            ))
            .execute(conn)?;
    }
    // Each respondent's employer and job role, kept only where at least the minimum group of
    // recipients share it (as answering does), in a shuffled order: nothing follows the members'.
    let minimum = Settings::load(conn)?.evidence_min_group as usize;
    let share = |same: &dyn Fn(&Member) -> bool| members.iter().filter(|m| same(m)).count();
    let mut groups: Vec<(Option<EmployerId>, Option<String>)> = members
        .iter()
        .zip(&answered)
        .filter(|(_, used)| **used)
        .map(|(m, _)| {
            let employer =
                (share(&|o| o.employer_id == m.employer_id) >= minimum).then_some(m.employer_id);
            let role =
                (share(&|o| o.job_role == m.job_role) >= minimum).then(|| m.job_role.clone());
            (employer, role)
        })
        .collect();
    groups.shuffle(&mut rng);
    let n = groups.len();
    let responses: Vec<String> = (0..n)
        .map(|_| crate::surveys::answer::response_id())
        .collect();
    for (id, (employer, role)) in responses.iter().zip(groups) {
        let on = opens_on + Days::new(rng.random_range(0..=16));
        diesel::insert_into(crate::db::schema::survey_responses::table)
            .values((
                crate::db::schema::survey_responses::id.eq(id),
                crate::db::schema::survey_responses::survey_id.eq(survey),
                crate::db::schema::survey_responses::answered_on.eq(on),
                crate::db::schema::survey_responses::record_key.eq(rng.random_range(0..4096)),
                crate::db::schema::survey_responses::employer_id.eq(employer),
                crate::db::schema::survey_responses::job_role.eq(role),
            ))
            .execute(conn)?;
    }
    let mut rows = Vec::new();
    for ((_, share), question) in STATEMENTS.iter().zip(&questions) {
        for (response, agrees) in responses.iter().zip(chosen(&mut rng, n, *share)) {
            // Strongly agree or agree; otherwise neither, disagree or strongly disagree.
            let point = if agrees {
                rng.random_range(0..2)
            } else {
                rng.random_range(2..5)
            };
            rows.push((response.clone(), *question, 1i64 << point));
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    let mut start = 0;
    for (choice, (_, share)) in PRIORITIES.iter().enumerate() {
        let count = ((share * n as f64).round() as usize).min(n - start);
        for i in &order[start..start + count] {
            rows.push((
                responses[*i].clone(),
                questions[STATEMENTS.len()],
                1i64 << choice,
            ));
        }
        start += count;
    }
    for (response, question, chosen) in rows {
        diesel::insert_into(survey_answers::table)
            .values((
                survey_answers::response_id.eq(response),
                survey_answers::question_id.eq(question),
                survey_answers::chosen.eq(chosen),
            ))
            .execute(conn)?;
    }
    Ok(n)
}
