/// <reference lib="dom" />
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topicFor } from '@jarvis/protocol';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, CHROMIUM, screenshot, seriousA11yViolations, startBrowser, type TestBrowser } from './dashboard-helpers.js';
import { speak, startVoiceHub, voiceSkipReason } from './e2e-voice-helpers.js';
import { voiceFixture } from './fixtures/voice/index.js';
import type { PartsHub, TestDevice } from './hub-parts-helpers.js';

const skip = voiceSkipReason() ?? (existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt install chromium)`);
if (skip) console.warn(`dashboard browser tests skipped: ${skip}`);

const WORKER_CLI = fileURLToPath(new URL('../worker-node/dist/cli.js', import.meta.url));

let t: PartsHub;
let b: TestBrowser;
let page: Page;
let base: string;
let kitchen: TestDevice;
const shots: string[] = [];

/** Loads a page of the dashboard afresh (not just a hash change) and waits for its heading. */
async function open(hash: string, heading: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${base}/#/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Every page must pass axe-core without a serious or critical violation. */
async function accessible(): Promise<void> {
  expect(await seriousA11yViolations(page)).toEqual([]);
}

// One hub and one browser for the file; a step may wait on speech-to-text or a child process on a busy machine.
describe.skipIf(skip !== undefined)('the dashboard in Chromium against a running hub', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await buildDashboard();
    t = await startVoiceHub({
      env: { JARVIS_OBSERVER_REQUIRE_APPROVAL: 'true', JARVIS_OBSERVER_TODO_ENTITY: 'todo.chores', JARVIS_OBSERVER_SETTLE_MS: '0', JARVIS_PUBLIC_HOST: '127.0.0.1' },
    });
    base = `http://127.0.0.1:${t.hub.ports.http}`;
    b = await startBrowser();
    page = b.page;
    page.setDefaultTimeout(10_000);
  }, 120_000);

  afterEach(async (ctx) => {
    // A failing step leaves the page as it was: keep a picture of it next to the others.
    if (ctx.task.result?.state === 'fail') shots.push(await screenshot(page, `failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`));
  });

  afterAll(async () => {
    await b?.close();
    await t?.close();
    if (shots.length) console.log(`dashboard screenshots:\n  ${shots.join('\n  ')}`);
  });

  it('a wrong token gets the login page; the admin token logs in with an HttpOnly SameSite cookie, nothing in storage, and writes need the CSRF token', async () => {
    await page.goto(`${base}/`);
    await page.getByLabel('Admin token').fill('not-the-token');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('JARVIS_API_UNAUTHORIZED');
    expect(await page.getByRole('heading', { name: 'Log in' }).isVisible()).toBe(true);
    await accessible();
    shots.push(await screenshot(page, 'login'));

    const token = readFileSync(join(t.dataDir, 'admin-token'), 'utf8').trim();
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();

    const cookies = await b.context.cookies(base);
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['jarvis_session', true, 'Strict']]);
    expect(cookies[0]!.value).not.toContain(token);
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
    expect(await page.content()).not.toContain(token);

    // The cookie alone does not make a write: the CSRF token must come too.
    const forged = await page.evaluate(async () => {
      const r = await fetch('/api/v1/workers/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return { status: r.status, body: (await r.json()) as { error: { code: string } } };
    });
    expect([forged.status, forged.body.error.code]).toEqual([403, 'JARVIS_API_CSRF']);
    expect(t.services.tasks!.tokens.list()).toEqual([]);
  });

  it('a device comes online, its level and speech indicator move while the wearable streams, and the command appears as a run with its stages', async () => {
    kitchen = await t.device('kitchen-puck', 'Kitchen');
    const id = kitchen.bundle.deviceId;
    await open('devices', 'Devices');
    const card = page.locator(`[data-device="${id}"]`);
    await card.getByText('online', { exact: true }).waitFor();
    expect(await card.locator('[data-field="area"]').textContent()).toBe('Kitchen');
    expect(await card.getByRole('meter').getAttribute('aria-valuetext')).toBe('no audio');

    const moved = page.waitForFunction(
      (deviceId) => {
        const c = document.querySelector(`[data-device="${deviceId}"]`);
        const level = Number(c?.querySelector('[role=meter]')?.getAttribute('aria-valuenow'));
        return level > -45 && c?.querySelector('[data-speech="yes"]') !== null;
      },
      id,
      { timeout: 20_000, polling: 50 },
    );
    await speak(t, kitchen, voiceFixture({ text: 'turn on the kitchen lights' }), { speed: 1 });
    await moved;
    await expect.poll(() => t.ha!.serviceCalls.map((c) => `${c.domain}.${c.service}`), { timeout: 5000 }).toEqual(['light.turn_on']);
    shots.push(await screenshot(page, 'devices'));
    await accessible();

    await open('runs', 'Voice runs');
    const run = page.locator('[data-outcome="done"]').first();
    await run.waitFor();
    expect(await run.locator('[data-field="transcript"]').textContent()).toMatch(/turn on (the )?kitchen lights?/);
    expect(await run.locator('[data-field="decision"]').textContent()).toContain('HassTurnOn');
    expect(await run.locator('[data-field="ha-call"]').textContent()).toContain('light.turn_on light.kitchen');
    expect(await run.locator('.waterfall li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-stage')))).toEqual(['endpoint', 'STT', 'intent', 'action', 'reply']);
    expect(await run.getByText('trigger: ptt', { exact: false }).count()).toBe(1);
    shots.push(await screenshot(page, 'runs'));
    await accessible();
  });

  it('a failed run shows its error code and what it means; the filters narrow runs by device and outcome', async () => {
    const office = await t.device('office-desk', 'Office');
    // A run that failed in speech-to-text, recorded the way the pipeline records one.
    const runs = t.hub.parts.voice!.runs;
    const at = Date.now();
    const ev = (type: string, data?: Record<string, unknown>) => runs.observe({ type: type as never, runId: 'failed-00001', deviceId: office.bundle.deviceId, at, ...(data ? { data } : {}) });
    ev('run-start', { kind: 'command' });
    ev('error', { code: 'JARVIS_STT_MODEL_MISSING', message: 'whisper model /x is missing' });
    ev('run-end', { reason: 'error' });

    await open('runs', 'Voice runs');
    await page.locator('[data-run="failed-00001"]').waitFor();
    const failed = page.locator('[data-run="failed-00001"] [data-field="error"]');
    expect(await failed.textContent()).toMatch(/JARVIS_STT_MODEL_MISSING.*whisper/i);

    await page.getByLabel('Outcome').selectOption('error');
    await expect.poll(() => page.locator('.run').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual(['failed-00001']);
    await page.getByLabel('Outcome').selectOption('done');
    await expect.poll(() => page.locator('.run').evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')))).toEqual(['done']);
    await page.getByLabel('Device').selectOption(office.bundle.deviceId);
    await page.getByText('No runs match the filters').waitFor();
    await page.getByLabel('Outcome').selectOption('');
    await expect.poll(() => page.locator('.run').evaluateAll((els) => els.map((e) => e.getAttribute('data-run')))).toEqual(['failed-00001']);
    await accessible();
  });

  it('confirming a suggested to-do shows it under Open and puts it on the Home Assistant list', async () => {
    const now = Date.now();
    t.services.transcripts!.publish({ deviceId: kitchen.bundle.deviceId, speaker: 'USER', text: 'I need to call the plumber about the boiler tomorrow.', startedAt: now - 3000, endedAt: now - 500 });
    await t.services.observer!.observer.whenIdle();
    await open('todos', 'To-dos');
    const item = page.locator('.todo').first();
    await item.getByText('call the plumber', { exact: false }).first().waitFor();
    expect(await page.getByRole('heading', { name: 'To review (1)' }).isVisible()).toBe(true);
    expect(await item.locator('blockquote').textContent()).toContain('I need to call the plumber about the boiler tomorrow.');
    expect(t.ha!.getTodoItems('todo.chores')).toEqual([]);
    shots.push(await screenshot(page, 'todos'));
    await accessible();

    await item.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('heading', { name: 'Open (1)' }).waitFor();
    await expect.poll(async () => {
      await t.services.observer!.tick();
      return t.ha!.getTodoItems('todo.chores').map((i) => i.summary);
    }).toEqual([expect.stringMatching(/call the plumber/i)]);
    await page.getByText('Home Assistant: synced').waitFor();
  });

  it('a software mute from the page is audited with its source; the page cannot lift a hardware mute', async () => {
    const id = kitchen.bundle.deviceId;
    const gate = t.hub.parts.gate;
    await open('devices', 'Devices');
    const card = page.locator(`[data-device="${id}"]`);
    await card.getByRole('button', { name: 'Mute' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Mute' }).click();
    await card.getByText('muted (software)').waitFor();
    expect(gate.isMuted(id)).toBe(true);

    // The wearable's own switch mutes it too: lifting the software mute leaves it muted.
    await kitchen.client.publishAsync(topicFor(id, 'state/mute'), JSON.stringify({ muted: true, source: 'switch' }), { retain: true, qos: 1 });
    await card.getByText('cannot lift a hardware mute', { exact: false }).waitFor();
    await card.getByRole('button', { name: 'Lift software mute' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await card.getByText('muted (hardware)').waitFor();
    expect(gate.isMuted(id)).toBe(true);
    await kitchen.client.publishAsync(topicFor(id, 'state/mute'), JSON.stringify({ muted: false, source: 'switch' }), { retain: true, qos: 1 });
    await expect.poll(() => gate.isMuted(id)).toBe(false);

    await open('privacy', 'Privacy');
    const rows = page.locator(`tr[data-device="${id}"]`);
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.locator('[data-field="source"]').allTextContents()).toEqual(['device switch (MQTT)', 'software (dashboard/API) by admin']);
    expect(await rows.nth(1).locator('td').nth(1).textContent()).toBe('muted');
    shots.push(await screenshot(page, 'privacy'));
    await accessible();
  });

  it('"forget the last N minutes" empties the rolling buffer after a confirmation', async () => {
    // A device never muted: the kitchen's mute just now keeps its last seconds closed to transcripts.
    const den = await t.device('den-puck', 'Den');
    const now = Date.now();
    t.services.transcripts!.publish({ deviceId: den.bundle.deviceId, speaker: 'USER', text: 'The weather was nice at the park today.', startedAt: now - 2000, endedAt: now - 100 });
    await t.services.observer!.observer.whenIdle();
    await open('privacy', 'Privacy');
    await expect.poll(() => page.locator('[data-field="buffer"]').textContent()).toMatch(/^[1-9]\d* transcript segments/);
    await page.getByRole('spinbutton', { name: /Forget the last/ }).fill('5');
    await page.getByRole('button', { name: 'Forget' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Forget' }).click();
    await page.locator('[data-field="forgot"]').waitFor();
    expect(await page.locator('[data-field="forgot"]').textContent()).toMatch(/^Forgot the last 5 minutes: [1-9]\d* segments/);
    await expect.poll(() => page.locator('[data-field="buffer"]').textContent()).toMatch(/^0 transcript segments/);
  });

  it('creating a join token shows one enroll command that reads the token on stdin; running it enrolls a worker the page then lists', async () => {
    await open('workers', 'Workers and tasks');
    await page.getByRole('button', { name: 'Create join token' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
    const command = await page.getByLabel('enroll command').inputValue();
    expect(command).toMatch(new RegExp(`^jarvis-worker enroll --hub 127\\.0\\.0\\.1:${t.hub.ports.grpc} --token-file - <<'END_OF_TOKEN'\\n\\S+\\nEND_OF_TOKEN$`));
    const firstLine = command.split('\n')[0]!;
    expect(firstLine).not.toMatch(/jt1|[0-9a-f]{64}/);

    const bin = mkdtempSync(join(tmpdir(), 'jarvis-worker-bin-'));
    try {
      writeFileSync(join(bin, 'jarvis-worker'), `#!/bin/sh\nexec "${process.execPath}" "${WORKER_CLI}" "$@"\n`);
      chmodSync(join(bin, 'jarvis-worker'), 0o755);
      const out = await new Promise<string>((resolve, reject) =>
        execFile('/bin/sh', ['-c', command], { env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, JARVIS_WORKER_STATE_DIR: join(bin, 'state') }, timeout: 30_000 }, (err, stdout, stderr) =>
          err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      expect(out).toMatch(/^enrolled as worker [0-9a-f]{16}/);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    const rows = page.locator('tr[data-worker]');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);

    // A dead-lettered task is retried from the page.
    const queue = t.services.tasks!.queue;
    const task = queue.enqueue({ type: 'echo', payload: {}, maxAttempts: 1 });
    const [lease] = queue.lease('worker-x', { capacity: 1, types: ['echo'], tags: [] });
    queue.fail('worker-x', task.id, lease!.leaseId, { message: 'boom', code: 'E_TEST', retryable: true, cancelled: false });
    expect(queue.get(task.id)!.state).toBe('dead');
    await page.locator(`[data-task="${task.id}"]`).waitFor();
    shots.push(await screenshot(page, 'workers'));
    await accessible();
    await page.locator(`[data-task="${task.id}"]`).getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => queue.get(task.id)!.state).toBe('queued');
  });

  it('the system page says which features are on or off and why, shows the models and the Home Assistant connection', async () => {
    await open('system', 'System');
    await page.locator('[data-field="ha"]').getByText('connected').waitFor();
    const features = page.locator('[data-feature]');
    await expect.poll(() => features.count()).toBeGreaterThan(3);
    const llm = page.locator('[data-feature="llm"]');
    expect(await llm.textContent()).toMatch(/off.*jarvis models pull|JARVIS_LLM_ENABLED/);
    expect(await page.locator('tr[data-model="base.en"]').textContent()).toMatch(/missing|present/);
    shots.push(await screenshot(page, 'system'));
    await accessible();

    // On a phone: one column, the menu scrolls sideways, nothing wider than the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await open('devices', 'Devices');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    shots.push(await screenshot(page, 'devices-phone'));
    await accessible();
    await page.setViewportSize({ width: 1100, height: 900 });
  });

  it('rename, move, rotate the key of and remove a device, each after a confirmation; adding one shows its bundle once as a QR code and a download', async () => {
    await open('devices', 'Devices');
    const form = page.getByRole('form', { name: 'Add a device' });
    await form.getByLabel('Name').fill('spare-puck');
    await form.getByLabel('Area').fill('Hall');
    await form.getByRole('button', { name: 'Add device' }).click();
    await page.getByRole('img', { name: /QR code of the bundle for spare-puck/ }).waitFor();
    const href = await page.getByRole('link', { name: 'Download bundle' }).getAttribute('href');
    const bundle = JSON.parse(decodeURIComponent(href!.replace(/^data:application\/json;charset=utf-8,/, ''))) as { deviceId: string; key: string; name: string };
    expect(bundle.name).toBe('spare-puck');
    const devices = t.hub.parts.devices;
    expect(devices.find(bundle.deviceId)?.area).toBe('Hall');
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    expect(await page.content()).not.toContain(bundle.key);

    const card = page.locator(`[data-device="${bundle.deviceId}"]`);
    await card.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('dialog').getByLabel('New name').fill('hall-puck');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await card.getByRole('heading', { name: 'hall-puck' }).waitFor();

    await card.getByRole('button', { name: 'Move to area' }).click();
    await page.getByRole('dialog').getByLabel('Area').fill('Garage');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => card.locator('[data-field="area"]').textContent()).toBe('Garage');
    expect(devices.find(bundle.deviceId)).toMatchObject({ name: 'hall-puck', area: 'Garage' });

    const version = devices.find(bundle.deviceId)!.credentialVersion;
    await card.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate key' }).click();
    const newHref = await page.getByRole('link', { name: 'Download bundle' }).getAttribute('href');
    const rotated = JSON.parse(decodeURIComponent(newHref!.replace(/^data:application\/json;charset=utf-8,/, ''))) as { key: string };
    expect(rotated.key).not.toBe(bundle.key);
    expect(devices.find(bundle.deviceId)!.credentialVersion).toBe(version + 1);
    await page.getByRole('button', { name: 'Done, hide it' }).click();

    await card.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await card.waitFor({ state: 'detached' });
    expect(devices.find(bundle.deviceId)).toBeUndefined();
    expect(t.hub.parts.registry.byTextId(bundle.deviceId)).toBeUndefined();
  });

  it('logging out ends the session: the old cookie no longer works and the page shows the login', async () => {
    const [cookie] = await b.context.cookies(base);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    const res = await fetch(`${base}/api/v1/devices`, { headers: { cookie: `jarvis_session=${cookie!.value}` } });
    expect(res.status).toBe(401);
  });
});
