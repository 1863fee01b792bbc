// Browser journeys through caseload in Debian's Chromium (no downloaded browser): each role
// signs in and does what it is for; the main pages are screenshotted and checked with axe-core.
// Run from the repository after `cargo build`: `node e2e/journeys.mjs` (or `npm test` here).

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const bin = process.env.CASELOAD_BIN || join(root, 'target/debug/caseload');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const shots = join(here, 'screenshots');
const axeSource = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
mkdirSync(shots, { recursive: true });

const dir = mkdtempSync(join(tmpdir(), 'caseload-e2e-'));
const port = 18100 + Math.floor(Math.random() * 800);
const base = `http://127.0.0.1:${port}`;
const results = [];

function step(name) {
  results.push(name);
  console.log(`  ✓ ${name}`);
}

async function startServer() {
  const server = spawn(bin, ['serve', '--demo', '--bind', `127.0.0.1:${port}`], {
    cwd: dir,
    env: { ...process.env, DATABASE_URL: join(dir, 'caseload.db'), CASELOAD_JWT_SECRET_FILE: join(dir, 'secret'), RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const passwords = {};
  let output = '';
  await new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 120_000);
    server.stdout.on('data', (chunk) => {
      output += chunk;
      for (const line of output.split('\n')) {
        const match = line.match(/^\s+(admin|organiser|officer|delegate)\s+\S+\s+(\S+)$/);
        if (match) passwords[match[1]] = match[2];
      }
      if (passwords.delegate && output.includes('running at')) {
        clearTimeout(timer);
        resolveStart();
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  return { server, passwords };
}

async function signIn(browser, passwords, username, options = {}) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(passwords[username]);
  await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Sign in' }).click()]);
  return { context, page };
}

// Clicks a link or a form's button and waits for the page it leads to. Waiting for the
// next load event, not the load state: the page being left has already loaded, so the load state
// is reached at once and the next step would run while the document is being replaced.
async function clickThrough(page, control) {
  await Promise.all([page.waitForEvent('load'), control.click()]);
}

async function checkAccessibility(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')})`),
    [],
    `${name} has serious accessibility violations`,
  );
}

// No page may scroll sideways: the document is no wider than the viewport (wide tables scroll
// inside their own box).
async function assertFits(page, name) {
  // Against the viewport asked for: a phone browser widens its layout viewport to fit the page.
  const viewport = page.viewportSize().width;
  const { scrollWidth, widest } = await page.evaluate((limit) => {
    const over = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > limit + 1)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${[...e.classList].join('.')}`);
    return { scrollWidth: document.documentElement.scrollWidth, widest: over.slice(0, 5) };
  }, viewport);
  assert.ok(
    scrollWidth <= viewport,
    `${name} is ${scrollWidth}px wide in a ${viewport}px viewport (too wide: ${widest.join(', ')})`,
  );
}

async function shoot(page, name) {
  await assertFits(page, name);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

const today = new Date();
const iso = (d) => d.toISOString().slice(0, 10);
const inDays = (n) => iso(new Date(today.getTime() + n * 86_400_000));
// A date as the home queue shows it: "Tue 8 Dec 2026".
const dayShown = (isoDate) => {
  const d = new Date(`${isoDate}T12:00:00Z`);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()];
  return `${day} ${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
};

const { server, passwords } = await startServer();
let browser;

try {
  // Launched inside the try, so the server is stopped when the browser cannot start.
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // A signed-out visitor is sent to sign in.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/members`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await checkAccessibility(page, 'sign-in page');
    await shoot(page, 'login');
    await context.close();
    step('a signed-out visitor is sent to sign in');
  }

  // The organiser notes how many cases the region has opened this year.
  const organiser = await signIn(browser, passwords, 'organiser', { bypassCSP: true });
  const openedCount = async () => {
    await organiser.page.goto(`${base}/dashboard`);
    const text = await organiser.page.locator('.cards article').nth(3).locator('.big').innerText();
    return Number(text);
  };
  const before = await openedCount();

  // The officer imports members from a CSV upload, first a bad file then a good one.
  const officer = await signIn(browser, passwords, 'officer', { bypassCSP: true });
  const page = officer.page;
  await checkAccessibility(page, 'home');
  await page.goto(`${base}/import`);
  const header = 'membership_number,first_name,last_name,employer,job_role,team,fte\n';
  const upload = async (csv) => {
    await page.setInputFiles('#file', { name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await clickThrough(page, page.getByRole('button', { name: 'Upload' }));
  };
  await upload(`${header}E2E001,Journey,Tester,Wigan Council,Social worker,Assessment,1\nE2E002,Second,Tester,Wigan Council,Social worker,Assessment,lots\n`);
  await page.getByText('Nothing was imported').waitFor();
  const problem = await page.locator('table tbody tr').first().innerText();
  assert.match(problem, /3\s+fte/);
  await checkAccessibility(page, 'import page with errors');
  step('an officer sees the row errors of a bad CSV file');
  await upload(`${header}E2E001,Journey,Tester,Wigan Council,Social worker,Assessment,1\nE2E002,Second,Tester,Wigan Council,Social worker,Assessment,0.6\n`);
  await page.getByText('2 created').waitFor();
  step('an officer imports members from a CSV upload');

  // Logs a workload record for the new member.
  await page.goto(`${base}/members?q=journey+tester`);
  await shoot(page, 'members');
  await checkAccessibility(page, 'members');
  await clickThrough(page, page.getByRole('link', { name: 'Tester, Journey' }));
  await page.getByLabel('Date').first().fill(inDays(-1));
  await page.getByLabel('Open cases held').fill('19');
  await clickThrough(page, page.getByRole('button', { name: 'Add record' }));
  await page.getByText('Above the safe caseload').waitFor();
  await checkAccessibility(page, 'member');
  await shoot(page, 'member');
  step('an officer logs a workload record and sees the member flagged');

  // Records supervision: a session cancelled without saying by whom is refused beside that
  // field; said, it shows the member without regular supervision; a session held makes it
  // regular. The member page is where the next journey opens a case.
  await page.locator('#supervision_held_on').fill(inDays(-2));
  await page.locator('#supervision_status').selectOption('cancelled');
  await clickThrough(page, page.getByRole('button', { name: 'Record session' }));
  await page.locator('#supervision_called_off_by-error').waitFor();
  await page.locator('#supervision_called_off_by').selectOption('employer');
  await clickThrough(page, page.getByRole('button', { name: 'Record session' }));
  await page.getByText('Without regular reflective supervision').waitFor();
  await page.locator('#supervision_held_on').fill(inDays(-1));
  await page.locator('#supervision_kind').selectOption('both');
  await page.locator('#supervision_minutes').fill('60');
  await clickThrough(page, page.getByRole('button', { name: 'Record session' }));
  await page.getByText('Regular reflective supervision: the last').waitFor();
  const sessions = await page.locator('table', { has: page.locator('caption', { hasText: 'Supervision sessions' }) }).innerText();
  assert.match(sessions, /Cancelled by the employer/);
  await checkAccessibility(page, 'member with supervision');
  step('an officer records supervision sessions, one called off by the employer, and sees whether it is regular');

  // Opens a case, adds a hearing, sees it on the home page.
  await clickThrough(page, page.getByRole('link', { name: 'Open a case' }));
  await page.getByLabel('Type').selectOption('ill_health');
  await page.getByLabel('High caseload').check();
  await page.getByLabel(/Confidential summary/).fill('Signed off with stress after caseload rose.');
  await clickThrough(page, page.getByRole('button', { name: 'Open case' }));
  const reference = (await page.locator('h1').innerText()).trim();
  assert.match(reference, /^WGN-\d{4}-\d{4}$/);
  const hearing = inDays(3);
  await page.locator('#deadline-kind').selectOption('hearing');
  await page.locator('#due_on').fill(hearing);
  await clickThrough(page, page.getByRole('button', { name: 'Add', exact: true }));
  await checkAccessibility(page, 'case');
  await shoot(page, 'case');
  await page.goto(`${base}/`);
  const home = await page.locator('main').innerText();
  assert.ok(home.includes(reference) && home.includes(dayShown(hearing)), 'the hearing is on the home page, with its weekday');
  assert.ok(home.includes('Journey Tester'), 'the queue names the member');
  await shoot(page, 'home');
  step('an officer opens a case, adds a hearing and sees it on the home page');

  // Adds the HR adviser and two papers at once to the case, with no script needed, and
  // downloads one back as it was.
  await clickThrough(page, page.getByRole('link', { name: reference }).first());
  await page.locator('#contact-role').selectOption('hr_adviser');
  await page.locator('#contact-name').fill('Sam Okafor');
  await page.locator('#contact-phone').fill('+44 161 496 0000');
  await clickThrough(page, page.getByRole('button', { name: 'Add this person' }));
  const letter = 'Invitation to an attendance review meeting.\n';
  await page.locator('#document-file').setInputFiles([
    { name: 'invitation.txt', mimeType: 'text/plain', buffer: Buffer.from(letter) },
    { name: 'fit-note.txt', mimeType: 'text/plain', buffer: Buffer.from('Fit note: not fit for work.\n') },
  ]);
  await page.locator('#document-kind').selectOption('letter');
  await clickThrough(page, page.getByRole('button', { name: 'Add papers' }));
  const withPapers = await page.locator('main').innerText();
  assert.ok(withPapers.includes('Sam Okafor') && withPapers.includes('HR adviser'), 'the contact is listed with their role');
  assert.ok(withPapers.includes('invitation.txt') && withPapers.includes('fit-note.txt'), 'both papers are listed');
  const link = page.locator('a[download]', { hasText: 'invitation' }).first();
  const fetched = await page.request.get(new URL(await link.getAttribute('href'), base).href);
  assert.equal(await fetched.text(), letter, 'the paper downloads as it was uploaded');
  assert.match(fetched.headers()['content-disposition'] ?? '', /^attachment/);
  await checkAccessibility(page, 'case-papers');
  // Back to the home page, where the next journey starts from the queue.
  await page.goto(`${base}/`);
  step('an officer adds the people and the papers of a case, and a paper downloads as it was');

  // Records the outcome before closing: the appeal window and the tribunal limitation date it
  // starts are offered with their dates, both ticked; closing then keeps them live, so the
  // appeal window of the closed case is still on the home page.
  await clickThrough(page, page.getByRole('link', { name: reference }).first());
  await page.locator('#record-outcome').selectOption('dismissal');
  await page.locator('#outcome_on').fill(inDays(0));
  await clickThrough(page, page.getByRole('button', { name: 'Continue' }));
  const offer = await page.locator('main').innerText();
  assert.ok(offer.includes('Add the appeal window: due') && offer.includes('Add the tribunal limitation: due'),
    'both deadlines are offered with their dates');
  await checkAccessibility(page, 'outcome');
  await clickThrough(page, page.getByRole('button', { name: 'Record the outcome' }));
  await clickThrough(page, page.getByRole('button', { name: 'Close case' }));
  await page.getByRole('button', { name: 'Reopen case' }).waitFor();
  const closedCase = await page.locator('main').innerText();
  assert.ok(closedCase.includes('Dismissal'), 'closed with the outcome recorded');
  await page.goto(`${base}/`);
  const homeAfter = await page.locator('main').innerText();
  assert.ok(homeAfter.includes(reference), 'the appeal window of the closed case is still on the home page');
  await page.goto(`${base}/account`);
  await clickThrough(page, page.getByRole('button', { name: 'Make my calendar address' }));
  const feedAddress = await page.locator('#calendar_url').inputValue();
  const feed = await (await page.request.get(feedAddress)).text();
  assert.ok(feed.includes(`Tribunal claim deadline: ${reference}`) && feed.includes(`Appeal window closes: ${reference}`),
    'the tribunal limitation date and the appeal window of the closed case are in the calendar feed');
  step('an officer records an outcome, closes the case, and its appeal window and tribunal date stay on the home page and in the calendar');

  // A note typed as the session ends is kept: signing in again brings it back to be saved.
  await page.goto(`${base}/`);
  await clickThrough(page, page.getByRole('link', { name: reference }).first());
  const caseAddress = page.url();
  const typed = 'Called the member: she will bring her union card to the appeal.';
  await page.locator('#text').fill(typed);
  await officer.context.clearCookies();
  await clickThrough(page, page.getByRole('button', { name: 'Add entry' }));
  assert.ok((await page.locator('main').innerText()).includes('what you typed is kept'), 'the sign-in page says the note is kept');
  await page.getByLabel('Username').fill('officer');
  await page.getByLabel('Password').fill(passwords.officer);
  await clickThrough(page, page.getByRole('button', { name: 'Sign in' }));
  assert.equal(await page.getByRole('textbox', { name: 'What happened' }).inputValue(), typed, 'the note comes back filled');
  await checkAccessibility(page, 'resume');
  await clickThrough(page, page.getByRole('button', { name: 'Save' }));
  await page.goto(caseAddress);
  assert.ok((await page.locator('.timeline').innerText()).includes(typed), 'the kept note is on the timeline');
  step('an officer whose session ended while typing a note signs in again and saves it');

  // The organiser takes a case referred to the region: the queue gives the branch's reason.
  await organiser.page.goto(`${base}/`);
  const queue = organiser.page.getByRole('table', { name: /referred to the region/ });
  const firstReferred = queue.locator('tbody tr').first();
  assert.ok((await firstReferred.locator('td').nth(2).innerText()).length > 3, 'the queue shows why the case was referred');
  await clickThrough(organiser.page, firstReferred.getByRole('link'));
  await clickThrough(organiser.page, organiser.page.getByRole('button', { name: 'Take this case' }));
  assert.ok((await organiser.page.locator('.timeline').innerText()).includes('Taken by'), 'taking the case is on the timeline');
  assert.equal(await organiser.page.getByRole('button', { name: 'Take this case' }).count(), 0, 'it is now theirs');
  step('an organiser takes a referred case from the queue, which says why it was referred');

  // The organiser's dashboard counts it.
  const after = await openedCount();
  assert.equal(after, before + 1, 'the dashboard counts the new case');
  await checkAccessibility(organiser.page, 'dashboard');
  await shoot(organiser.page, 'dashboard');
  await organiser.page.screenshot({ path: join(shots, 'dashboard-top.png') });
  step('an organiser opens the dashboard and sees that case counted');

  // A delegate picks a release (a quarter or a year, published once and frozen), then
  // downloads branch releases as Markdown: perturbed counts, small ones shown as <5, branches
  // with too few members refused.
  const delegate = await signIn(browser, passwords, 'delegate', { bypassCSP: true });
  await delegate.page.goto(`${base}/evidence`);
  const periods = await delegate.page.locator('#period option').evaluateAll((os) => os.map((o) => o.value).filter((v) => v));
  assert.ok(periods.length > 0, 'the page offers releases to choose from');
  await delegate.page.locator('#period').selectOption(periods[0]);
  await clickThrough(delegate.page, delegate.page.getByRole('button', { name: 'Show' }));
  await delegate.page.getByRole('heading', { name: 'Method' }).waitFor();
  assert.ok((await delegate.page.content()).includes('perturbed'), 'the page says the counts are perturbed');
  assert.ok((await delegate.page.content()).includes('To cite'), 'the page gives the release to cite');
  await checkAccessibility(delegate.page, 'evidence');
  await shoot(delegate.page, 'evidence');
  const year = periods.find((p) => !p.includes('Q'));
  const options = await delegate.page.locator('#scope option').evaluateAll((os) => os.map((o) => o.value));
  let suppressed = false;
  for (const scope of options.filter((o) => o.startsWith('branch:'))) {
    const answer = await delegate.page.goto(`${base}/evidence?scope=${scope}&period=${year}`);
    if (answer.status() === 422) {
      assert.ok((await delegate.page.content()).includes('too few for evidence of its own'));
      continue;
    }
    const [download] = await Promise.all([
      delegate.page.waitForEvent('download'),
      delegate.page.getByRole('link', { name: /Markdown/ }).click(),
    ]);
    const markdown = readFileSync(await download.path(), 'utf8');
    assert.ok(markdown.startsWith('# Casework and workload evidence'));
    assert.ok(markdown.includes('perturbed'), 'the Markdown says the counts are perturbed');
    assert.ok(!markdown.includes('Journey') && !markdown.includes('E2E001'), 'no names or numbers');
    if (markdown.includes('<5')) {
      suppressed = true;
      break;
    }
  }
  assert.ok(suppressed, 'some branch release shows a small count as <5');
  step('a delegate picks an evidence release and downloads branch releases as Markdown');

  // The officer corrects a mistyped workload record and a timeline entry, then prints the case.
  await page.goto(`${base}/members?q=journey+tester`);
  await clickThrough(page, page.getByRole('link', { name: 'Tester, Journey' }));
  await clickThrough(page, page.getByRole('link', { name: 'Correct' }).first());
  await page.getByLabel('Open cases held').fill('17');
  await clickThrough(page, page.getByRole('button', { name: 'Save correction' }));
  assert.ok((await page.getByRole('table', { name: 'Workload records' }).innerText()).includes('17'), 'the corrected figure is shown');
  await clickThrough(page, page.getByRole('link', { name: reference }));
  await page.locator('#text').fill('Spoke to the membr about the referral.');
  await clickThrough(page, page.getByRole('button', { name: 'Add entry' }));
  await clickThrough(page, page.getByRole('link', { name: 'Correct' }).last());
  await page.locator('#text').fill('Spoke to the member about the referral.');
  await clickThrough(page, page.getByRole('button', { name: 'Save correction' }));
  const timeline = await page.locator('.timeline').innerText();
  assert.ok(timeline.includes('Spoke to the member') && timeline.includes('Corrected by'), 'the correction and its author are shown');
  await clickThrough(page, page.getByRole('link', { name: 'Printable summary' }));
  assert.equal(await page.locator('form').count(), 0, 'the printable summary has no forms');
  await shoot(page, 'case-print');
  step('an officer corrects a workload record and a timeline entry, and prints the case');

  // On a phone (390 px) no page scrolls sideways, and the navigation folds behind a menu.
  {
    const phone = await signIn(browser, passwords, 'admin', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p = phone.page;
    assert.ok(!(await p.getByRole('link', { name: 'Members' }).isVisible()), 'the navigation is folded');
    await p.getByText('Menu', { exact: true }).click();
    assert.ok(await p.getByRole('link', { name: 'Members' }).isVisible(), 'the menu opens');
    const caseLink = await page.url();
    for (const [path, name] of [
      ['/', 'home'], ['/members', 'members'], ['/cases', 'cases'], [new URL(caseLink).pathname.replace('/print', ''), 'case'],
      ['/dashboard', 'dashboard'], ['/evidence', 'evidence'], ['/admin/users', 'users'], ['/admin/audit', 'audit'],
      ['/import', 'import'], ['/account', 'account'],
    ]) {
      await p.goto(`${base}${path}`);
      await shoot(p, `phone-${name}`);
    }
    // The member's workload table shows Correct and Delete first, on screen without scrolling.
    await p.goto(`${base}/members?q=journey+tester`);
    await clickThrough(p, p.getByRole('link', { name: 'Tester, Journey' }));
    const correct = p.getByRole('table', { name: 'Workload records' }).getByRole('link', { name: 'Correct' }).first();
    const box = await correct.boundingBox();
    assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `Correct is on screen at 390 px (${JSON.stringify(box)})`);
    await shoot(p, 'phone-member');
    await phone.context.close();
    step('every main page fits a 390 px phone screen without scrolling sideways, and the workload actions are in view');
  }

  // A member answers a survey through their one-time link, on a phone, with no account; the
  // link then answers 410.
  {
    const post = async (path, body, token) => fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    // The page that builds one is checked too; the journey builds through the API.
    await organiser.page.goto(`${base}/surveys/new`);
    await organiser.page.getByRole('heading', { name: 'New survey' }).waitFor();
    await checkAccessibility(organiser.page, 'survey builder');
    await shoot(organiser.page, 'survey-builder');
    await organiser.page.goto(`${base}/`);
    const { token } = await (await post('/api/v1/auth/token', { username: 'organiser', password: passwords.organiser })).json();
    const built = await post('/api/v1/surveys', {
      title: 'Caseloads this spring', opens_on: inDays(0), closes_on: inDays(14),
      introduction: 'Five questions about your caseload.',
      questions: [
        { kind: 'scale', text: 'My caseload is safe' },
        { kind: 'single', text: 'What should the priority be?', choices: ['More funding', 'Limiting caseloads', 'Accreditation'] },
        { kind: 'several', text: 'Which do you lack?', choices: ['Time', 'Supervision', 'Training'] },
        { kind: 'number', text: 'Open cases you hold', min: 0, max: 150 },
        { kind: 'text', text: 'Anything else?' },
      ],
    }, token);
    assert.equal(built.status, 201, await built.clone().text());
    const survey = await built.json();
    const csv = await (await post(`/api/v1/surveys/${survey.id}/links`, null, token)).text();
    const link = csv.split('\n')[1].trim().split(',').pop();
    const path = link.slice(link.indexOf('/s/'));
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}${path}`);
    await page.getByRole('heading', { name: 'Caseloads this spring' }).waitFor();
    await checkAccessibility(page, 'survey');
    await shoot(page, 'survey');
    await page.getByLabel('Disagree', { exact: true }).check();
    await page.getByLabel('Limiting caseloads').check();
    await page.getByLabel('Supervision').check();
    await page.getByLabel(/A number from/).fill('400');
    await clickThrough(page, page.getByRole('button', { name: 'Send my answers' }));
    await page.getByText('give a number from 0 to 150').waitFor();
    await checkAccessibility(page, 'survey with a problem');
    await page.getByLabel('Disagree', { exact: true }).check();
    await page.getByLabel(/A number from/).fill('24');
    await clickThrough(page, page.getByRole('button', { name: 'Send my answers' }));
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    await checkAccessibility(page, 'survey answered');
    const again = await page.goto(`${base}${path}`);
    assert.equal(again.status(), 410);
    await page.getByText('already been used').waitFor();
    await context.close();
    step('a member answers a survey on a phone through their link, which then answers 410');
  }

  // The API explorer works with the network cut off: nothing is asked of another origin.
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const elsewhere = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(base)) return route.continue();
      elsewhere.push(url);
      return route.abort();
    });
    const docs = await context.newPage();
    await docs.goto(`${base}/api/docs`);
    await docs.locator('.opblock').first().waitFor();
    const operations = await docs.locator('.opblock').count();
    assert.ok(operations > 40, `the explorer lists the operations (${operations})`);
    assert.deepEqual(elsewhere, [], 'the explorer asks nothing of another origin');
    await docs.screenshot({ path: join(shots, 'api-docs.png') });
    await context.close();
    step('the API explorer renders every operation with no network beyond the server');
  }

  // A delegate reads the demo survey's results.
  await delegate.page.goto(`${base}/surveys`);
  await clickThrough(delegate.page, delegate.page.getByRole('link', { name: 'Accreditation: what social workers think' }));
  await delegate.page.getByText('members answered across all branches').waitFor();
  await checkAccessibility(delegate.page, 'survey results');
  await shoot(delegate.page, 'survey-results');
  step("a delegate reads a closed survey's results, perturbed, with its shares by group");

  // Delegates are not shown casework.
  const response = await delegate.page.goto(`${base}/members`);
  assert.equal(response.status(), 403);
  step('a delegate cannot reach members');

  if (process.env.UPDATE_README_SCREENSHOT) {
    copyFileSync(join(shots, 'dashboard-top.png'), join(root, 'docs/screenshots/dashboard.png'));
  }
  console.log(`browser journeys passed (${results.length} steps); screenshots in ${shots}`);
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
