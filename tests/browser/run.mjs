// Browser tests of amtsweg in real Chromium (playwright-core) with axe-core.
//
//   node tests/browser/run.mjs          (from the repo root; see tests/browser/README.md)
//
// Starts a fresh `amtsweg demo` server on a free port with a fresh data dir, runs the
// journeys of an applicant and a caseworker through the German UI, checks every distinct
// page with axe-core (WCAG 2.0/2.1 A and AA) and keeps the pages' real Content-Security-
// Policy on. On a failing step, a screenshot and the page's HTML go to
// tests/browser/artifacts/. Exits non-zero on any failure.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const ARTIFACTS = path.join(HERE, 'artifacts');
const BIN = path.resolve(ROOT, process.env.AMTSWEG_BIN || 'target/debug/amtsweg');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// BROWSER_TESTS_SCREENSHOTS=1 keeps a screenshot of every checked page in artifacts/pages/
const KEEP_SCREENSHOTS = process.env.BROWSER_TESTS_SCREENSHOTS === '1';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

const PASSWORD = 'Demo-Passwort-2026';
const APPLICANT = 'antragsteller@demo.amtsweg.de';
const CASEWORKER = 'sachbearbeitung@demo.amtsweg.de';
const FIRE_SERVICE = 'brandschutz@demo.amtsweg.de';
const SERVICE_NAME = 'Baugenehmigung (vereinfachtes Verfahren)';

// ---------------------------------------------------------------------------------------
// prerequisites, with messages that say what to do

function die(message) {
  console.error(`\nbrowser tests: ${message}`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
let chromium;
let AXE_SOURCE;
try {
  ({ chromium } = await import('playwright-core'));
  AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
} catch (e) {
  die(`the npm packages are missing (${e.message}).\n` +
    '  Run: (cd tests/browser && npm ci)   or   scripts/install-test-deps');
}
if (!fs.existsSync(BIN)) {
  die(`no amtsweg binary at ${BIN}.\n  Build it: cargo build -p amtsweg-cli   (or set AMTSWEG_BIN)`);
}
if (!fs.existsSync(CHROMIUM)) {
  die(`no Chromium at ${CHROMIUM}.\n  Install it: apt-get install -y chromium   (or set CHROMIUM_PATH)`);
}

// ---------------------------------------------------------------------------------------
// logging and artifacts

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
const log = (msg) => console.log(`[${secs()}s] ${msg}`);

function slug(s) {
  return s.normalize('NFKD').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).toLowerCase();
}

async function saveArtifacts(page, name) {
  const saved = [];
  if (!page || page.isClosed()) return saved;
  await fsp.mkdir(ARTIFACTS, { recursive: true });
  const base = path.join(ARTIFACTS, slug(name));
  try {
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 });
    saved.push(`${base}.png`);
  } catch (e) {
    log(`    (no screenshot: ${e.message.split('\n')[0]})`);
  }
  try {
    await fsp.writeFile(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
    saved.push(`${base}.html`);
  } catch (e) {
    log(`    (no HTML: ${e.message.split('\n')[0]})`);
  }
  return saved.map((p) => path.relative(ROOT, p));
}

// ---------------------------------------------------------------------------------------
// the server

const server = { child: null, dir: null, base: null, logFile: null, exited: false };

async function startServer() {
  server.dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'amtsweg-browser-'));
  server.logFile = path.join(server.dir, 'server.log');
  const out = fs.createWriteStream(server.logFile);
  const args = ['demo', '--data-dir', path.join(server.dir, 'data'), '--listen', '127.0.0.1:0'];
  log(`starting ${path.relative(ROOT, BIN).startsWith('..') ? BIN : path.relative(ROOT, BIN)} ${args.join(' ')}`);
  const child = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  server.child = child;
  child.stderr.on('data', (d) => out.write(d));
  server.base = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the server did not print "amtsweg listening on http://127.0.0.1:PORT/" within 30 s')),
      30_000,
    );
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      out.write(`${line}\n`);
      const m = line.match(/^amtsweg listening on (http:\/\/127\.0\.0\.1:\d+)\/$/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${BIN}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      server.exited = true;
      clearTimeout(timer);
      reject(new Error(`the server exited before listening (code ${code}, signal ${signal})`));
    });
  });
  log(`server listening on ${server.base}/`);
}

function serverLogTail(lines = 30) {
  try {
    return fs.readFileSync(server.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

async function stopServer() {
  const child = server.child;
  if (child && !server.exited && child.exitCode === null) {
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
  if (server.dir) {
    await fsp.rm(server.dir, { recursive: true, force: true });
    server.dir = null;
  }
}

// last resort when the run is interrupted
process.on('exit', () => {
  if (server.child && server.child.exitCode === null) server.child.kill('SIGKILL');
  if (server.dir) fs.rmSync(server.dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    console.error(`\nbrowser tests: interrupted (${sig})`);
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------
// browser, pages, steps

let browser;
let context;
let page;
let failedSteps = 0;

/** Problems of the page itself: CSP violations, script errors, failed sub-resources. */
const pageProblems = [];

function watch(p) {
  p.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // a document answered 4xx on purpose (422 on a form with errors, 415 on a refused upload)
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    pageProblems.push({ url: p.url(), what: `console error: ${text}` });
  });
  p.on('pageerror', (e) => pageProblems.push({ url: p.url(), what: `script error: ${e.message}` }));
  p.on('requestfailed', (r) => {
    if (r.resourceType() === 'document') return;
    pageProblems.push({ url: p.url(), what: `request failed: ${r.url()} (${r.failure()?.errorText})` });
  });
  p.on('response', (r) => {
    if (r.status() >= 400 && r.request().resourceType() !== 'document' && !r.url().endsWith('/favicon.ico')) {
      pageProblems.push({ url: p.url(), what: `sub-resource ${r.url()} answered ${r.status()}` });
    }
  });
}

/** Runs one step; on failure saves a screenshot and the HTML and says where it broke. */
async function step(journey, name, fn) {
  const started = Date.now();
  log(`${journey} · ${name}`);
  try {
    return await fn();
  } catch (e) {
    failedSteps += 1;
    const url = page && !page.isClosed() ? page.url() : '(no page)';
    const saved = await saveArtifacts(page, `${journey}-${name}`);
    const first = String(e.message || e).split('\n').slice(0, 12).join('\n');
    const err = new Error(
      `${journey}: step "${name}" failed after ${Date.now() - started} ms\n` +
      `  at page: ${url}\n  ${first.replaceAll('\n', '\n  ')}\n` +
      (saved.length ? `  artifacts: ${saved.join(', ')}` : '  (no artifacts)'),
    );
    err.cause = e;
    console.error(`\n${err.message}\n`);
    throw err;
  }
}

const abs = (href) => new URL(href, server.base).toString();

/** Clicks something that loads a new document; returns the final response of that document. */
async function clickAndLoad(locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return response;
}

async function goto(href) {
  return page.goto(abs(href), { waitUntil: 'load' });
}

async function h1() {
  return (await page.locator('h1').first().innerText()).trim();
}

async function expectH1(expected) {
  const text = await h1();
  if (expected instanceof RegExp) assert.match(text, expected, `heading of ${page.url()}: "${text}"`);
  else assert.equal(text, expected, `heading of ${page.url()}`);
}

async function expectText(locator, expected, what) {
  const n = await locator.count();
  assert.ok(n > 0, `${what}: element not found`);
  const text = (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
  if (expected instanceof RegExp) assert.match(text, expected, `${what}: "${text}"`);
  else assert.ok(text.includes(expected), `${what}: expected "${expected}" in "${text}"`);
  return text;
}

/** The success note (done.html) at the top of a page. */
const doneNote = () => page.locator('[role="status"].kern-alert--success');

/** The value shown beside a term in a description list (e.g. "Status"). */
function describedValue(term) {
  return page.locator('.kern-description-list-item', {
    has: page.locator('dt', { hasText: new RegExp(`^\\s*${term}\\s*$`) }),
  }).locator('dd');
}

function button(name) {
  return page.getByRole('button', { name, exact: true });
}

function link(name) {
  return page.getByRole('link', { name, exact: true });
}

// ---------------------------------------------------------------------------------------
// axe-core

/** key → { url, blocking: [...], other: [...] } */
const axeResults = new Map();

async function checkA11y(key) {
  if (axeResults.has(key)) return;
  // Evaluated over the DevTools protocol, which the page's CSP does not govern: the pages
  // keep their real `script-src 'self'` policy (no bypassCSP needed).
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
    }));
  }, AXE_TAGS);
  // ids must be unique: labels, aria-describedby and error-summary links point at them
  const duplicates = await page.evaluate(() => {
    const seen = new Map();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} (${n}×)`);
  });
  if (duplicates.length) pageProblems.push({ url: page.url(), what: `duplicate ids on "${key}": ${duplicates.join(', ')}` });
  const blocking = violations.filter((v) => BLOCKING_IMPACTS.has(v.impact));
  const other = violations.filter((v) => !BLOCKING_IMPACTS.has(v.impact));
  axeResults.set(key, { url: page.url(), blocking, other });
  if (KEEP_SCREENSHOTS) {
    await fsp.mkdir(path.join(ARTIFACTS, 'pages'), { recursive: true });
    const n = String(axeResults.size).padStart(2, '0');
    await page.screenshot({ path: path.join(ARTIFACTS, 'pages', `${n}-${slug(key)}.png`), fullPage: true });
  }
  const note = other.length ? `, ${other.length} moderate/minor (${other.map((v) => v.id).join(', ')})` : '';
  if (blocking.length) {
    log(`    axe "${key}": ${blocking.length} serious/critical: ${blocking.map((v) => `${v.id} (${v.impact})`).join(', ')}${note}`);
    await saveArtifacts(page, `axe-${key}`);
  } else {
    log(`    axe "${key}": no serious/critical violations${note}`);
  }
}

function axeReport() {
  const lines = [];
  for (const [key, r] of axeResults) {
    const status = r.blocking.length ? `FAIL ${r.blocking.map((v) => v.id).join(', ')}` : 'ok';
    const minor = r.other.length ? `  (moderate/minor: ${r.other.map((v) => `${v.id}/${v.impact}`).join(', ')})` : '';
    lines.push(`  ${status.padEnd(6)} ${key}  ${new URL(r.url).pathname}${minor}`);
  }
  const details = [];
  for (const [key, r] of axeResults) {
    for (const v of r.blocking) {
      details.push(`\n[${key}] ${new URL(r.url).pathname}\n  rule ${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}`);
      for (const n of v.nodes.slice(0, 8)) {
        const html = n.html.length > 300 ? `${n.html.slice(0, 300)}…` : n.html;
        details.push(`  - target: ${n.target.join(' ')}\n    html:   ${html}\n    ${String(n.summary).replaceAll('\n', '\n    ')}`);
      }
      if (v.nodes.length > 8) details.push(`  … and ${v.nodes.length - 8} more elements`);
    }
  }
  return { table: lines.join('\n'), details: details.join('\n') };
}

// ---------------------------------------------------------------------------------------
// test data

/** The form steps of services/baugenehmigung/form.toml, in order, with DIN 91379 names. */
const STEPS = [
  {
    title: 'Bauherrschaft',
    values: {
      applicant_kind: 'person',
      applicant_given_name: 'Zoë',
      applicant_family_name: 'Dvořák',
      applicant_street: 'Hauptstraße 12a',
      applicant_postal_code: '70173',
      applicant_city: 'Stuttgart',
      applicant_email: 'zoe.dvorak@example.org',
      applicant_phone: '0711 123456',
    },
    // first an invalid value: Cyrillic is outside DIN 91379 (Latin)
    invalid: { field: 'applicant_family_name', value: 'Иванов' },
  },
  {
    title: 'Entwurfsverfasser/in und Vertretung',
    values: {
      architect_name: 'Łucja Nguyễn',
      architect_chamber_number: 'AKBW-12345',
      representative_present: 'false',
    },
  },
  {
    title: 'Bauvorhaben',
    values: {
      project_description: 'Neubau eines Einfamilienhauses mit Garage für Zoë Dvořák',
      building_class: '1',
      storeys: '2',
      dwelling_units: '1',
      gross_floor_area: '180',
      construction_cost: '350.000,00',
    },
    // min = 1
    invalid: { field: 'storeys', value: '0' },
  },
  {
    title: 'Baugrundstück',
    values: {
      site_street: 'Am Weinberg 7',
      site_postal_code: '70597',
      site_city: 'Stuttgart',
      site_cadastral_district: 'Degerloch',
      site_flur: '3',
      site_parcel: '123/4',
    },
  },
  {
    title: 'Verfahren und Abweichungen',
    values: { procedure_type: 'simplified', deviations_requested: 'false' },
  },
];

const DOCUMENTS = ['lageplan', 'bauzeichnungen', 'baubeschreibung', 'bauvorlageberechtigung'];

function minimalPdf(title) {
  return Buffer.from(
    '%PDF-1.4\n' +
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n' +
    '2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n' +
    '3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n' +
    `4 0 obj << /Title (${title}) >> endobj\n` +
    'trailer << /Root 1 0 R /Info 4 0 R >>\n%%EOF\n',
  );
}

// 1×1 PNG
const PNG_BYTES = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

// ---------------------------------------------------------------------------------------
// shared steps

async function login(journey, email) {
  await step(journey, `log in as ${email}`, async () => {
    await goto('/login');
    await expectH1('Anmelden');
    await checkA11y('login');
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="password"]', PASSWORD);
    const response = await clickAndLoad(button('Anmelden'));
    assert.ok(response && response.ok(), `login answered ${response?.status()}`);
    assert.ok(!new URL(page.url()).pathname.startsWith('/login'), `still on the login page: ${page.url()}`);
    await expectText(page.locator('header'), 'Abmelden', 'logout button in the header');
  });
}

async function logout(journey) {
  await step(journey, 'log out (header button)', async () => {
    const response = await clickAndLoad(page.locator('header').getByRole('button', { name: 'Abmelden' }));
    assert.ok(response && response.ok(), `logout answered ${response?.status()}`);
    assert.equal(await page.locator('header').getByRole('button', { name: 'Abmelden' }).count(), 0,
      'still logged in after "Abmelden"');
  });
}

/** Fills the fields of the step form by name: radio groups by value, others by typing. */
async function fillFields(form, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = form.locator(`[name="${name}"]`);
    const n = await field.count();
    assert.ok(n > 0, `field "${name}" is not on the step "${await h1()}"`);
    const type = await field.first().evaluate((el) => (el.tagName === 'INPUT' ? el.type : el.tagName.toLowerCase()));
    if (type === 'radio') {
      await form.locator(`input[type="radio"][name="${name}"][value="${value}"]`).check();
    } else if (type === 'select') {
      await field.selectOption(value);
    } else {
      await field.fill(value);
    }
  }
}

/** Names of required fields of the form that are still empty. */
async function emptyRequired(form) {
  return form.evaluate((f) => {
    const missing = new Set();
    for (const el of f.querySelectorAll('[required]')) {
      const empty = el.type === 'radio'
        ? !f.querySelector(`input[name="${el.name}"]:checked`)
        : !String(el.value).trim();
      if (empty) missing.add(el.name);
    }
    return [...missing];
  });
}

/** Asserts a field error is shown next to the field and, as a link, in the error summary. */
async function expectFieldError(field, pattern) {
  const inline = page.locator(`[id="${field}-error"]`);
  assert.equal(await inline.count(), 1, `no error message #${field}-error next to the field`);
  assert.ok(await inline.isVisible(), `#${field}-error is not visible`);
  const message = (await inline.innerText()).replace(/\s+/g, ' ').trim();
  if (pattern) assert.match(message, pattern, `error message of ${field}: "${message}"`);
  // the field (or its radio inputs) is marked invalid and points to its message
  const control = page.locator(`[name="${field}"]`).first();
  assert.equal(await control.getAttribute('aria-invalid'), 'true', `${field} lacks aria-invalid="true"`);
  const describedBy = (await page.locator(`[id="${field}"]`).getAttribute('aria-describedby')) || '';
  assert.ok(describedBy.split(/\s+/).includes(`${field}-error`),
    `#${field} aria-describedby="${describedBy}" does not name ${field}-error`);
  // the error summary above the form links to the field with the same message
  const summary = page.locator('.kern-alert--danger', {
    has: page.getByRole('heading', { name: 'Bitte korrigieren Sie Folgendes:' }),
  });
  assert.equal(await summary.count(), 1, 'no error summary "Bitte korrigieren Sie Folgendes:"');
  // a text field is linked by its id, a radio group by its first radio (#field-option)
  const summaryLink = summary.locator(`a[href="#${field}"], a[href^="#${field}-"]`);
  assert.equal(await summaryLink.count(), 1, `the error summary has no link to #${field}`);
  // the page opens with the keyboard focus on the error summary (autofocus)
  assert.ok(await summary.evaluate((el) => el.contains(document.activeElement)),
    'the keyboard focus is not on the error summary when the page opens');
  const linkText = (await summaryLink.innerText()).replace(/\s+/g, ' ').trim();
  // the summary may put the field's label first: "Familienname: Das Zeichen …"
  const bare = message.replace(/^Fehler:\s*/, '');
  assert.ok(linkText.endsWith(bare), `summary says "${linkText}", the field says "${message}"`);
  return { message, summaryLink };
}

// ---------------------------------------------------------------------------------------
// the run

const state = { fileNumber: null, caseHref: null, staffCaseHref: null, typeAfterNoFile: null };
let filesDir;

before(async () => {
  await fsp.rm(ARTIFACTS, { recursive: true, force: true });
  try {
    await startServer();
  } catch (e) {
    console.error(`\nbrowser tests: ${e.message}\n--- server log ---\n${serverLogTail()}\n---`);
    throw e;
  }
  filesDir = path.join(server.dir, 'files');
  await fsp.mkdir(filesDir);
  for (const id of DOCUMENTS) await fsp.writeFile(path.join(filesDir, `${id}.pdf`), minimalPdf(id));
  await fsp.writeFile(path.join(filesDir, 'baubeschreibung-scan.pdf'), PNG_BYTES);
  await fsp.writeFile(path.join(filesDir, 'lageplan-scan.pdf'), PNG_BYTES);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(15_000);
  page = await context.newPage();
  watch(page);
  log(`Chromium ${browser.version()} (${CHROMIUM})`);
});

after(async () => {
  if (failedSteps > 0 && server.logFile && fs.existsSync(server.logFile)) {
    await fsp.mkdir(ARTIFACTS, { recursive: true });
    await fsp.copyFile(server.logFile, path.join(ARTIFACTS, 'server.log')).catch(() => {});
  }
  await browser?.close().catch(() => {});
  await stopServer();
  log(`done; server stopped, temp dir removed (${secs().trim()} s in all)`);
});

test('journey 1: applicant applies for a Baugenehmigung', { timeout: 120_000 }, async () => {
  const J = 'applicant';

  await step(J, 'start page (anonymous)', async () => {
    const response = await goto('/');
    assert.equal(response.status(), 200);
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    await expectH1('Verwaltungsleistungen online beantragen');
    await checkA11y('start (anonymous)');
    // keyboard: the first Tab reaches the skip link, Enter moves the focus to <main>
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.textContent.trim());
    assert.equal(first, 'Zum Inhalt springen', 'the first Tab stop is not the skip link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'the skip link does not move the focus to <main>');
  });

  await login(J, APPLICANT);

  await step(J, `start "${SERVICE_NAME}" with "Antrag stellen"`, async () => {
    await goto('/');
    await checkA11y('start (applicant)');
    const card = page.locator('article', { has: page.getByRole('heading', { name: SERVICE_NAME, exact: true }) });
    assert.equal(await card.count(), 1, `no service card "${SERVICE_NAME}" on the start page`);
    const response = await clickAndLoad(card.getByRole('button', { name: 'Antrag stellen' }));
    assert.ok(response.ok(), `"Antrag stellen" answered ${response.status()}`);
    await expectH1(STEPS[0].title);
  });

  for (const [i, s] of STEPS.entries()) {
    const name = `step ${i + 1} "${s.title}"`;
    const form = page.locator('form', { has: button('Speichern und weiter') });

    await step(J, `${name}: page`, async () => {
      await expectH1(s.title);
      await expectText(page.locator('.kern-progress label'), `Schritt ${i + 1} von`, 'progress');
      await checkA11y(`form step ${i + 1}: ${s.title}`);
    });

    if (s.invalid) {
      const { field, value } = s.invalid;
      await step(J, `${name}: invalid ${field} "${value}" is refused`, async () => {
        await fillFields(form, { ...s.values, [field]: value });
        const response = await clickAndLoad(button('Speichern und weiter'));
        assert.ok(response.status() >= 400 && response.status() < 500,
          `an invalid ${field} was answered ${response.status()}, expected a 4xx with the form again`);
        await expectH1(s.title);
        const { message, summaryLink } = await expectFieldError(field);
        log(`    error shown: "${message}"`);
        // the value the person typed is kept, so it can be corrected
        assert.equal(await page.locator(`[name="${field}"]`).inputValue(), value, `${field} lost its value`);
        await checkA11y(`form step ${i + 1} with a field error`);
        // the summary link takes the keyboard focus to the field
        await summaryLink.click();
        assert.equal(await page.evaluate(() => document.activeElement?.id), field,
          `the summary link to #${field} did not move the focus to the field`);
      });
    }

    await step(J, `${name}: fill and "Speichern und weiter"`, async () => {
      await fillFields(form, s.values);
      const missing = await emptyRequired(form);
      assert.deepEqual(missing, [], `required fields the test did not fill: ${missing.join(', ')}`);
      const response = await clickAndLoad(button('Speichern und weiter'));
      assert.ok(response.ok(), `"Speichern und weiter" answered ${response.status()}`);
      const heading = await h1();
      if (heading === s.title) {
        const errors = await page.locator('.kern-error').allInnerTexts();
        assert.fail(`stayed on "${s.title}"; errors: ${errors.join(' | ') || '(none shown)'}`);
      }
      await expectH1(i + 1 < STEPS.length ? STEPS[i + 1].title : 'Unterlagen hochladen');
    });
  }

  await step(J, 'documents page', async () => {
    await expectH1('Unterlagen hochladen');
    await checkA11y('documents');
  });

  const uploadForm = page.locator('form', { has: button('Hochladen') });
  async function upload(type, file) {
    await uploadForm.locator('select[name="document_type"]').selectOption(type);
    await uploadForm.locator('input[type="file"][name="file"]').setInputFiles(path.join(filesDir, file));
    return clickAndLoad(button('Hochladen'));
  }

  await step(J, 'upload PNG bytes named baubeschreibung-scan.pdf as Baubeschreibung: refused', async () => {
    const response = await upload('baubeschreibung', 'baubeschreibung-scan.pdf');
    assert.equal(response.status(), 415, 'status of the refused upload');
    await expectH1('Unterlagen hochladen');
    // Baubeschreibung accepts only PDF: refused as PNG (the wording may also name the file)
    const { message } = await expectFieldError('file', /PNG|png/);
    log(`    refusal shown: "${message}"`);
    assert.equal(await page.getByText('baubeschreibung-scan.pdf', { exact: true }).count(), 0,
      'the refused file is listed as uploaded');
    assert.equal(await uploadForm.locator('select[name="document_type"]').inputValue(), 'baubeschreibung',
      'the chosen "Art der Unterlage" is lost after the refused file');
    await checkA11y('documents with a refused upload');
  });

  await step(J, 'upload PNG bytes named lageplan-scan.pdf as Lageplan: name and content disagree', async () => {
    // Lageplan accepts PNG, so the refusal is about the name promising PDF
    const response = await upload('lageplan', 'lageplan-scan.pdf');
    assert.equal(response.status(), 415, 'status of the refused upload');
    const { message } = await expectFieldError('file', /lageplan-scan\.pdf.*dem Namen nach PDF, enthält aber PNG/);
    log(`    refusal shown: "${message}"`);
  });

  await step(J, '"Hochladen" without a file', async () => {
    await uploadForm.locator('select[name="document_type"]').selectOption('bauzeichnungen');
    const response = await clickAndLoad(button('Hochladen'));
    assert.ok(response.status() >= 400 && response.status() < 500, `answered ${response.status()}`);
    await expectFieldError('file', /Bitte wählen Sie eine Datei aus/);
    state.typeAfterNoFile = await uploadForm.locator('select[name="document_type"]').inputValue();
  });

  for (const id of DOCUMENTS) {
    await step(J, `upload ${id}.pdf`, async () => {
      const response = await upload(id, `${id}.pdf`);
      assert.ok(response.ok(), `upload of ${id}.pdf answered ${response.status()}`);
      await expectText(doneNote(), 'Die Datei wurde hochgeladen.', 'upload note');
      const uploaded = page.locator('section', { has: page.getByRole('heading', { name: 'Hochgeladene Dateien' }) });
      assert.equal(await uploaded.getByRole('link', { name: `${id}.pdf`, exact: true }).count(), 1,
        `${id}.pdf is not listed under "Hochgeladene Dateien"`);
    });
  }

  await step(J, 'review: all entries complete', async () => {
    await clickAndLoad(link('Weiter zur Prüfung'));
    await expectH1('Angaben prüfen und Antrag einreichen');
    await expectText(page.locator('.kern-alert--success'), 'Ihre Angaben sind vollständig', 'review status');
    const main = await page.locator('main').innerText();
    for (const name of ['Zoë', 'Dvořák', 'Łucja Nguyễn', 'Hauptstraße 12a', '123/4']) {
      assert.ok(main.includes(name), `the review does not show "${name}"`);
    }
    for (const id of DOCUMENTS) assert.ok(main.includes(`${id}.pdf`), `the review does not list ${id}.pdf`);
    await checkA11y('review');
  });

  await step(J, 'submit: "Antrag verbindlich einreichen"', async () => {
    const response = await clickAndLoad(button('Antrag verbindlich einreichen'));
    assert.ok(response.ok(), `submitting answered ${response.status()}`);
    await expectH1('Ihr Antrag ist eingegangen');
    const fileNumber = (await page.locator('#file-number').innerText()).trim();
    assert.match(fileNumber, /^BG-\d{4}-\d{5}$/, 'file number');
    // the year of today, give or take a time zone at New Year
    const years = [-14, 0, 14].map((h) => String(new Date(Date.now() + h * 3600_000).getFullYear()));
    assert.ok(years.includes(fileNumber.slice(3, 7)), `year of the file number ${fileNumber}`);
    state.fileNumber = fileNumber;
    state.caseHref = await link('Zum Vorgang').getAttribute('href');
    log(`    file number ${fileNumber}`);
    await checkA11y('receipt');
  });

  await step(J, 'case page after submission', async () => {
    await clickAndLoad(link('Zum Vorgang'));
    await expectH1(`Vorgang ${state.fileNumber}`);
    await checkA11y('applicant case page (submitted)');
  });
});

test('journey 2: caseworker approves and issues the notice', { timeout: 90_000 }, async (t) => {
  if (!state.fileNumber) return t.skip('journey 1 did not submit an application');
  const J = 'caseworker';
  await logout(J);
  await login(J, CASEWORKER);

  await step(J, 'inbox: find the case by its file number', async () => {
    await clickAndLoad(page.locator('header').getByRole('link', { name: 'Posteingang' }));
    await expectH1('Posteingang');
    await checkA11y('inbox');
    let caseLink = link(state.fileNumber);
    if ((await caseLink.count()) === 0) {
      // not on the first page: search for it
      await page.fill('#q', state.fileNumber);
      await clickAndLoad(button('Anwenden'));
      caseLink = link(state.fileNumber);
    }
    assert.equal(await caseLink.count(), 1, `no link "${state.fileNumber}" in the inbox`);
    const row = page.locator('tr', { has: caseLink });
    await expectText(row, 'Zoë Dvořák', 'applicant in the inbox row');
    await clickAndLoad(caseLink);
    await expectH1(`Vorgang ${state.fileNumber}`);
    state.staffCaseHref = new URL(page.url()).pathname;
    await expectText(describedValue('Antragsteller/in'), 'Zoë Dvořák', 'applicant');
    await checkA11y('staff case page (received)');
  });

  await step(J, '"Vorgang übernehmen"', async () => {
    await clickAndLoad(button('Vorgang übernehmen'));
    await expectText(doneNote(), 'Sie bearbeiten diesen Vorgang jetzt.', 'take-over note');
  });

  await step(J, '"Unterlagen vollständig"', async () => {
    await clickAndLoad(button('Unterlagen vollständig'));
    await expectText(doneNote(), 'Die Unterlagen sind als vollständig vermerkt.', 'completeness note');
    await expectText(describedValue('Status'), 'in Prüfung', 'status');
    await checkA11y('staff case page (decision forms)');
  });

  await step(J, 'ask the fire service, sharing only the site plan', async () => {
    const form = page.locator('#participation-form');
    await form.getByLabel(/Vorbeugender Brandschutz/).check();
    await form.locator('input[name="share"]').first().check();
    const response = await clickAndLoad(button('Behörden beteiligen'));
    assert.ok(response.ok(), `"Behörden beteiligen" answered ${response.status()}`);
    await expectText(doneNote(), 'Die Stellen sind beteiligt', 'participation note');
    await expectText(describedValue('Status'), 'Behördenbeteiligung eingeleitet', 'status');
    const overview = page.locator('section', { has: page.locator('#participation-heading') });
    await expectText(overview, 'Vorbeugender Brandschutz', 'the overview lists the fire service');
    await checkA11y('staff case page (participation running)');
  });

  await logout(J);
  const A = 'fire service';
  await login(A, FIRE_SERVICE);
  const agencyCondition = 'Rauchwarnmelder sind in allen Aufenthaltsräumen einzubauen.';
  await step(A, 'participation inbox lists the request', async () => {
    await expectH1('Beteiligungen');
    await checkA11y('agency inbox');
    await clickAndLoad(link(state.fileNumber));
    await expectH1(`Anfrage ${state.fileNumber}`);
    await expectText(describedValue('Folge bei Schweigen'), 'Keine Bedenken (Fiktion)', 'consequence of silence');
    await checkA11y('agency request page');
  });

  await step(A, 'a statement with conditions needs a kind for each condition', async () => {
    await page.locator('input[name="verdict"][value="conditions"]').check();
    await page.locator('textarea[name="condition_text"]').first().fill(agencyCondition);
    const response = await clickAndLoad(button('Stellungnahme abgeben'));
    assert.equal(response.status(), 422, 'a condition without kind is refused');
    await expectText(page.locator('.kern-error').first(), /Art/, 'error names the missing kind');
    assert.equal(await page.locator('textarea[name="condition_text"]').first().inputValue(), agencyCondition,
      'the typed condition is kept');
    await checkA11y('agency request page (error)');
  });

  await step(A, 'hand in the statement', async () => {
    await page.locator('select[name="condition_kind"]').first().selectOption({ label: 'Auflage' });
    const response = await clickAndLoad(button('Stellungnahme abgeben'));
    assert.ok(response.ok(), `statement answered ${response.status()}`);
    await expectText(doneNote(), 'Ihre Stellungnahme ist abgegeben.', 'statement note');
    await expectText(page.locator('section', { has: page.locator('#answer-heading') }), agencyCondition, 'the answer shows the condition');
  });

  await logout(A);
  await login(J, CASEWORKER);
  await goto(state.staffCaseHref);
  await expectH1(`Vorgang ${state.fileNumber}`);

  const conditionText = 'Die Stellplätze sind vor Nutzungsbeginn herzustellen (Zoë Dvořák).';
  await step(J, 'approve with one "Auflage"', async () => {
    const form = page.locator('form', { has: button('Genehmigen') });
    await form.locator('select[name="condition_kind"]').first().selectOption({ label: 'Auflage' });
    await form.locator('textarea[name="condition_text"]').first().fill(conditionText);
    const response = await clickAndLoad(button('Genehmigen'));
    assert.ok(response.ok(), `"Genehmigen" answered ${response.status()}`);
    await expectText(doneNote(), 'Die Genehmigung ist entschieden.', 'approval note');
    const decision = page.locator('section', { has: page.locator('#decision-heading') });
    await expectText(decision, `Auflage: ${conditionText}`, 'the decision lists the condition');
    await expectText(decision, agencyCondition, 'the decision adopted the fire service\'s condition');
    await checkA11y('staff case page (approval decided)');
  });

  await step(J, '"Bescheid erteilen"', async () => {
    const response = await clickAndLoad(button('Bescheid erteilen'));
    assert.ok(response.ok(), `"Bescheid erteilen" answered ${response.status()}`);
    await expectText(doneNote(), 'Der Bescheid ist erteilt', 'notice note');
    await expectText(describedValue('Status'), 'Bescheid erteilt: genehmigt', 'status');
    await checkA11y('staff case page (notice issued)');
  });
});

test('journey 3: applicant reads the notice in the mailbox', { timeout: 60_000 }, async (t) => {
  if (!state.staffCaseHref) return t.skip('journey 2 did not issue the notice');
  const J = 'mailbox';
  await logout(J);
  await login(J, APPLICANT);
  let noticeHref;

  await step(J, 'mailbox lists the notice', async () => {
    const mailboxLink = page.locator('header').getByRole('link', { name: /^Postfach/ });
    await expectText(mailboxLink, /ungelesen/, 'unread count in the header');
    await clickAndLoad(mailboxLink);
    await expectH1('Postfach');
    await checkA11y('mailbox');
    const subject = `Bescheid zu Ihrem Antrag – ${state.fileNumber}`;
    const message = page.getByRole('link', { name: new RegExp(`^${subject}`) });
    assert.equal(await message.count(), 1, `no message "${subject}" in the mailbox`);
    await clickAndLoad(message);
    await expectH1(new RegExp(`^${subject}`));
    await checkA11y('message');
    // the retrieval is a form (POST with CSRF token): the first retrieval has legal effect
    const noticeForm = page.locator('main form[action$="/notice"]');
    assert.equal(await noticeForm.count(), 1, 'the message has no retrieval form for the notice (/cases/{id}/notice)');
    noticeHref = await noticeForm.getAttribute('action');
    assert.match(noticeHref, /^\/cases\/[^/]+\/notice$/, 'form to the notice');
    log(`    notice form "${(await noticeForm.innerText()).trim()}" → POST ${noticeHref}`);
  });

  await step(J, 'retrieve the notice PDF', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('main form[action$="/notice"] button').click(),
    ]);
    const body = fs.readFileSync(await download.path());
    assert.equal(body.subarray(0, 5).toString('latin1'), '%PDF-', 'the notice is not a PDF');
    assert.match(download.suggestedFilename(), /\.pdf$/, 'file name of the notice');
    log(`    notice: ${download.suggestedFilename()}, ${body.length} bytes`);
    // read back with poppler where it is installed (scripts/install-test-deps installs it)
    const pdftotext = spawnSync('pdftotext', ['-', '-'], { input: body, encoding: 'utf8' });
    if (pdftotext.status === 0) {
      const text = pdftotext.stdout.replace(/\s+/g, ' ');
      assert.ok(text.includes(state.fileNumber), 'the notice does not name the file number');
      assert.ok(text.includes('Dvořák'), 'the notice does not name the applicant "Dvořák"');
      log('    notice text names the file number and "Dvořák"');
    } else {
      log('    (pdftotext not available: PDF text not checked)');
    }
    // a plain GET (a link from anywhere) never counts as the retrieval: it leads to the case page
    const response = await page.request.get(abs(noticeHref), { maxRedirects: 0 });
    assert.equal(response.status(), 303, `GET ${noticeHref} redirects`);
  });

  await step(J, 'case page offers the notice', async () => {
    await clickAndLoad(link('Zum Vorgang'));
    await expectH1(`Vorgang ${state.fileNumber}`);
    await expectText(describedValue('Status'), 'Bescheid erteilt: genehmigt', 'status');
    const noticeForm = page.locator(`main form[action="${noticeHref}"]`);
    assert.ok((await noticeForm.count()) > 0, `the case page has no retrieval form for ${noticeHref}`);
    await expectText(page.locator('section', { has: page.locator('#notice-heading') }), 'Bescheid', 'notice section');
    await checkA11y('applicant case page (notice issued)');
  });
});

test('journey 4: switching the language to English', { timeout: 30_000 }, async () => {
  const J = 'language';
  await step(J, 'header link "EN"', async () => {
    await goto('/');
    const langNav = page.getByRole('navigation', { name: 'Sprache / Language' });
    await clickAndLoad(langNav.getByRole('link', { name: /EN$/ }));
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', '<html lang> after switching');
    assert.equal(new URL(page.url()).pathname, '/', 'the switch did not return to the page');
    await expectH1('Apply for public services online');
    await expectText(page.locator('header'), 'Log out', 'English header');
    await checkA11y('start (English)');
  });
  await step(J, 'an English case page, then back to German', async () => {
    if (state.caseHref) {
      await goto(state.caseHref);
      await expectH1(/^Case BG-\d{4}-\d{5}$/);
    }
    const langNav = page.getByRole('navigation', { name: 'Sprache / Language' });
    await clickAndLoad(langNav.getByRole('link', { name: /DE$/ }));
    assert.equal(await page.locator('html').getAttribute('lang'), 'de', '<html lang> after switching back');
  });
});

test('upload form keeps the chosen document type when no file was chosen', () => {
  assert.equal(state.typeAfterNoFile, 'bauzeichnungen',
    `after "Hochladen" without a file the select "Art der Unterlage" shows "${state.typeAfterNoFile}"`);
});

test('accessibility: axe-core (WCAG 2.0/2.1 A+AA) on every visited page', async () => {
  assert.ok(axeResults.size > 0, 'no page was checked');
  const { table, details } = axeReport();
  const failing = [...axeResults.values()].filter((r) => r.blocking.length).length;
  console.log(`\naxe-core ${AXE_TAGS.join(', ')} on ${axeResults.size} pages:\n${table}`);
  if (failing) {
    console.log(`\nserious/critical violations:${details}\n`);
    assert.fail(`${failing} of ${axeResults.size} pages have serious or critical axe violations (listed above; ` +
      'screenshots and HTML in tests/browser/artifacts/axe-*)');
  }
});

test('pages: no CSP violations, script errors or failed sub-resources', () => {
  if (pageProblems.length) {
    const list = pageProblems.map((p) => `  ${new URL(p.url).pathname}: ${p.what}`).join('\n');
    console.log(`\nproblems of the pages:\n${list}\n`);
    assert.fail(`${pageProblems.length} problems of the pages (listed above)`);
  }
});
