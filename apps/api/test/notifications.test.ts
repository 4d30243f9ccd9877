/**
 * Notifications after every sync: one shift_changed per sync, a handover's conflict told
 * when a sync makes or mends it and never twice, each family's to itself, live on the event
 * stream (also from another instance), and as Web Push to a push service on 127.0.0.1 —
 * decrypted here with the subscription's keys and checked against the VAPID key.
 */
import webpush from 'web-push';
import { describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { createContext, syncNow, type Client } from './support/context.js';
import { startFeedServer } from './support/feed-server.js';
import { pickupFamily, type PickupFamily } from './support/pickups.js';
import { browserKeys, decryptPush, startPushService, verifyVapid } from './support/push-service.js';
import { dayOffset, stockholm } from './support/shifts.js';

const vapid = webpush.generateVAPIDKeys();
const VAPID_ENV = { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, VAPID_SUBJECT: 'mailto:drift@familjehubben.example' };
const ctx = await createContext({ env: { ...VAPID_ENV, PUSH_ENDPOINT_HOSTS: '127.0.0.1', ICS_ALLOW_PRIVATE_HOSTS: 'true' } });
const pushService = await startPushService();
const feeds = await startFeedServer();

/** Waits for the notifications of every sync that has ended, on this app. */
const settled = (app: App = ctx.app) => app.notifications.service.idle();

async function notificationsOf(client: Client) {
  const res = await client.get('/api/notifications');
  expect(res.status).toBe(200);
  return res.body as { notifications: any[]; unreadCount: number };
}

/** A family whose Karin has connected Tempus (with no shifts yet), and a helper to add and sync her shifts. */
async function familyOnTempus(): Promise<PickupFamily & { accountId: string; simUserId: string; sync: () => Promise<void> }> {
  const family = await pickupFamily(ctx);
  const simUser = ctx.newSimUser('Karin Persson');
  const accountId = await ctx.connectTempus(family.karin.client, simUser);
  await settled();
  return {
    ...family,
    accountId,
    simUserId: simUser.id,
    sync: async () => {
      await syncNow(family.karin.client, accountId);
      await settled();
    },
  };
}

const dayShift = (date: string, from = '07:00', to = '15:30') => ({ shift_type: 'Dag', start_time: stockholm(date, from), end_time: stockholm(date, to) });

describe('notifications after a sync', () => {
  it('sends one shift_changed for all of a sync’s shifts, and nothing for a resync of the same state', async () => {
    const f = await familyOnTempus();
    expect((await notificationsOf(f.anna.client)).notifications).toEqual([]);
    const [a, b] = [ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2))), ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(3)))];
    await f.sync();
    let list = (await notificationsOf(f.anna.client)).notifications;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ kind: 'shift_changed', title: 'Karins schema har ändrats', date: dayOffset(2), childId: null, readAt: null });
    expect(list[0].body.split('\n')).toEqual([expect.stringMatching(/^Nytt: .* 07:00–15:30$/), expect.stringMatching(/^Nytt: .* 07:00–15:30$/)]);

    ctx.sim.shifts.update(a.id, { start_time: stockholm(dayOffset(2), '09:00'), end_time: stockholm(dayOffset(2), '15:00') });
    ctx.sim.shifts.update(b.id, { start_time: stockholm(dayOffset(3), '06:00'), end_time: stockholm(dayOffset(3), '14:00') });
    await f.sync();
    list = (await notificationsOf(f.anna.client)).notifications;
    expect(list.map((n) => n.kind)).toEqual(['shift_changed', 'shift_changed']);
    expect(list[0].body).toMatch(/^Flyttat: .* 07:00–15:30 → 09:00–15:00\nFlyttat: .* 07:00–15:30 → 06:00–14:00$/);
    expect(list[0].eventIds).toHaveLength(2);

    await f.sync();
    // A new note is no news either.
    ctx.sim.shifts.update(a.id, { note: 'Ta med nyckelkortet' });
    await f.sync();
    expect((await notificationsOf(f.anna.client)).notifications).toHaveLength(2);
  });

  it('tells pickup_conflict when a moved shift keeps the parent past a pick-up, never twice, and pickup_resolved when it moves back', async () => {
    const f = await familyOnTempus();
    const date = dayOffset(3);
    const shift = ctx.sim.shifts.add(f.simUserId, dayShift(date));
    await f.sync();
    ctx.sim.shifts.update(shift.id, { start_time: stockholm(date, '09:00'), end_time: stockholm(date, '17:00') });
    await f.sync();
    let list = (await notificationsOf(f.anna.client)).notifications;
    expect(list.map((n) => n.kind)).toEqual(['pickup_conflict', 'shift_changed', 'shift_changed']);
    expect(list[0]).toMatchObject({ childId: f.childId, date, body: 'Karin jobbar till 17:00 — Anna är ledig.' });
    expect(list[0].title).toMatch(/^Krock: hämtning av Elsa /);
    expect(list[0].eventIds).toHaveLength(1);

    // The same state again, and a further change that keeps the conflict, tell nothing new about the handover.
    await f.sync();
    ctx.sim.shifts.update(shift.id, { end_time: stockholm(date, '17:30') });
    await f.sync();
    list = (await notificationsOf(f.anna.client)).notifications;
    expect(list.map((n) => n.kind)).toEqual(['shift_changed', 'pickup_conflict', 'shift_changed', 'shift_changed']);

    ctx.sim.shifts.update(shift.id, { start_time: stockholm(date, '07:00'), end_time: stockholm(date, '15:30') });
    await f.sync();
    list = (await notificationsOf(f.anna.client)).notifications;
    expect(list[0]).toMatchObject({ kind: 'pickup_resolved', childId: f.childId, date, body: 'Karin kan hämta Elsa 16:30 igen.' });
    expect(list[1].kind).toBe('shift_changed');
    expect(list.filter((n) => n.kind === 'pickup_resolved')).toHaveLength(1);
  });

  it('tells a cancelled shift, and the conflict it mends', async () => {
    const f = await familyOnTempus();
    const date = dayOffset(2);
    const shift = ctx.sim.shifts.add(f.simUserId, dayShift(date, '12:00', '18:00'));
    await f.sync();
    expect((await notificationsOf(f.anna.client)).notifications.map((n) => n.kind)).toEqual(['pickup_conflict', 'shift_changed']);
    ctx.sim.shifts.cancel(shift.id);
    await f.sync();
    const [resolved, changed] = (await notificationsOf(f.anna.client)).notifications;
    expect(resolved.kind).toBe('pickup_resolved');
    expect(changed.body).toMatch(/^Inställt: /);
  });

  it('does not tell as a sync’s news a conflict a member made or mended', async () => {
    const f = await familyOnTempus();
    const [d2, d3] = [dayOffset(2), dayOffset(3)];
    // Nobody picks up on d2: a member's own change, visible in the day list, not a sync's news.
    await f.anna.client.request('PUT', `/api/family/children/${f.childId}/days/${d2}`, { body: { pickUpBy: null } });
    ctx.sim.shifts.add(f.simUserId, dayShift(d3, '12:00', '17:00'));
    await f.sync();
    expect((await notificationsOf(f.anna.client)).notifications.map((n) => `${n.kind} ${n.date}`)).toEqual([`pickup_conflict ${d3}`, `shift_changed ${d3}`]);
    // Anna takes the pick-up (the one-tap swap); a later sync of another shift tells no "resolved" for it.
    await f.anna.client.request('PUT', `/api/family/children/${f.childId}/days/${d3}`, { body: { pickUpBy: f.anna.user.id } });
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(4)));
    await f.sync();
    expect((await notificationsOf(f.anna.client)).notifications.map((n) => n.kind)).toEqual(['shift_changed', 'pickup_conflict', 'shift_changed']);
  });

  it('tells nothing of a conflict that came and went before its evaluation ran: the last state told is kept', async () => {
    const f = await familyOnTempus();
    const date = dayOffset(3);
    const shift = ctx.sim.shifts.add(f.simUserId, dayShift(date));
    const keys = browserKeys();
    await f.anna.client.post('/api/notifications/push/subscriptions', { endpoint: `${pushService.origin}/push/behind`, keys: { p256dh: keys.p256dh, auth: keys.auth } });
    // The first sync's delivery hangs at the push service, so the evaluations of the next two wait behind it.
    const held = pushService.hold('/push/behind');
    await syncNow(f.karin.client, f.accountId);
    ctx.sim.shifts.update(shift.id, { start_time: stockholm(date, '09:00'), end_time: stockholm(date, '17:00') });
    await syncNow(f.karin.client, f.accountId);
    ctx.sim.shifts.update(shift.id, { start_time: stockholm(date, '07:00'), end_time: stockholm(date, '15:30') });
    await syncNow(f.karin.client, f.accountId);
    held.release();
    await settled();
    expect((await notificationsOf(f.anna.client)).notifications.map((n) => n.kind)).toEqual(['shift_changed', 'shift_changed', 'shift_changed']);
  });

  it('tells the changes of a subscribed calendar’s sync too', async () => {
    const family = await pickupFamily(ctx);
    const date = dayOffset(2).replaceAll('-', '');
    const feed = (end: string) =>
      ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:p1@shiftapp', `DTSTART;TZID=Europe/Stockholm:${date}T070000`, `DTEND;TZID=Europe/Stockholm:${date}T${end}`, 'SUMMARY:Pass', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
    feeds.set('/pass.ics', { body: feed('153000') });
    const created = await family.karin.client.post('/api/calendar/subscriptions', { url: `${feeds.origin}/pass.ics` });
    expect(created.status).toBe(201);
    await settled();
    expect((await notificationsOf(family.anna.client)).notifications.map((n) => n.kind)).toEqual(['shift_changed']);
    feeds.set('/pass.ics', { body: feed('170000') });
    expect((await family.karin.client.post(`/api/calendar/subscriptions/${created.body.subscription.id}/sync`)).status).toBe(200);
    await settled();
    const list = (await notificationsOf(family.anna.client)).notifications;
    expect(list.map((n) => n.kind)).toEqual(['pickup_conflict', 'shift_changed', 'shift_changed']);
    expect(list[0].body).toBe('Karin jobbar till 17:00 — Anna är ledig.');
  });
});

describe('reading notifications', () => {
  it('marks notifications read for the member who read them only', async () => {
    const f = await familyOnTempus();
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2)));
    await f.sync();
    const [first] = (await notificationsOf(f.anna.client)).notifications;
    expect((await notificationsOf(f.anna.client)).unreadCount).toBe(1);
    expect((await f.anna.client.post('/api/notifications/read', { ids: [first.id] })).status).toBe(204);
    const anna = await notificationsOf(f.anna.client);
    expect(anna.unreadCount).toBe(0);
    expect(Date.parse(anna.notifications[0].readAt)).not.toBeNaN();
    expect((await notificationsOf(f.karin.client)).unreadCount).toBe(1);
  });

  it('keeps each family’s notifications to itself', async () => {
    const f = await familyOnTempus();
    const other = await pickupFamily(ctx);
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2), '12:00', '18:00'));
    await f.sync();
    const ours = (await notificationsOf(f.anna.client)).notifications;
    expect(ours).toHaveLength(2);
    expect(await notificationsOf(other.anna.client)).toEqual({ notifications: [], unreadCount: 0 });
    expect((await other.anna.client.post('/api/notifications/read', { ids: ours.map((n) => n.id) })).status).toBe(204);
    expect((await notificationsOf(f.anna.client)).unreadCount).toBe(2);
    expect((await notificationsOf(other.anna.client)).notifications).toEqual([]);
  });

  it('lets a member choose which kinds reach them', async () => {
    const f = await familyOnTempus();
    const put = await f.anna.client.request('PUT', '/api/notifications/preferences', { body: { kinds: { shift_changed: false, pickup_conflict: true, pickup_resolved: true } } });
    expect(put.status).toBe(200);
    expect(put.body.preferences.kinds).toEqual({ shift_changed: false, pickup_conflict: true, pickup_resolved: true });
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2), '12:00', '18:00'));
    await f.sync();
    expect((await notificationsOf(f.anna.client)).notifications.map((n) => n.kind)).toEqual(['pickup_conflict']);
    expect((await notificationsOf(f.karin.client)).notifications.map((n) => n.kind)).toEqual(['pickup_conflict', 'shift_changed']);
  });
});

/** Reads a member's event stream until `event: <name>` arrives; returns its data. */
async function nextStreamEvent(address: string, client: Client, name: string, trigger: () => Promise<void>) {
  const abort = new AbortController();
  const res = await fetch(`${address}/api/tempus/stream`, { headers: { cookie: client.cookie! }, signal: abort.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const connected = await reader.read();
  text += decoder.decode(connected.value);
  await trigger();
  try {
    for (;;) {
      const match = new RegExp(`event: ${name}\\ndata: (.*)\\n\\n`).exec(text);
      if (match) return JSON.parse(match[1]!);
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      text += decoder.decode(value);
    }
  } finally {
    abort.abort();
  }
}

describe('live notifications', () => {
  it('sends each notification on the family’s event stream, also when another instance ran the sync', async () => {
    const f = await familyOnTempus();
    const other = await ctx.buildAnotherApp();
    const address = await other.listen({ port: 0, host: '127.0.0.1' });
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2)));
    const sent = await nextStreamEvent(address, f.anna.client, 'notification', f.sync);
    expect(sent).toMatchObject({ kind: 'shift_changed', title: 'Karins schema har ändrats', readAt: null });
    expect((await notificationsOf(f.anna.client)).notifications[0].id).toBe(sent.id);
  });
});

describe('Web Push', () => {
  async function subscribe(client: Client, path: string) {
    const keys = browserKeys();
    const res = await client.post('/api/notifications/push/subscriptions', { endpoint: `${pushService.origin}${path}`, keys: { p256dh: keys.p256dh, auth: keys.auth } });
    expect(res.status, res.text).toBe(201);
    expect(res.body.device).toEqual({ id: expect.any(String), endpointHost: new URL(pushService.origin).host, createdAt: expect.any(String) });
    return keys;
  }

  it('pushes each notification encrypted to the subscription’s keys and signed with the VAPID key', async () => {
    const f = await familyOnTempus();
    const keys = await subscribe(f.anna.client, '/push/anna-phone');
    const status = await f.anna.client.get('/api/notifications/push');
    expect(status.body).toMatchObject({ enabled: true, publicKey: vapid.publicKey, devices: [expect.objectContaining({ endpointHost: new URL(pushService.origin).host })] });
    expect(status.text).not.toContain('/push/anna-phone');
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2), '12:00', '18:00'));
    await f.sync();
    const pushes = await pushService.waitFor('/push/anna-phone', 2);
    for (const push of pushes) {
      expect(push.headers['content-encoding']).toBe('aes128gcm');
      expect(push.body.toString('utf8')).not.toContain('Karin');
      const claims = verifyVapid(push.headers.authorization, vapid.publicKey);
      expect(claims.aud).toBe(pushService.origin);
      expect(claims.sub).toBe('mailto:drift@familjehubben.example');
      expect(claims.exp * 1000).toBeGreaterThan(Date.now());
    }
    const payloads = pushes.map((p) => JSON.parse(decryptPush(p.body, keys)));
    const stored = (await notificationsOf(f.anna.client)).notifications;
    expect(payloads.map((p) => p.id).sort()).toEqual(stored.map((n) => n.id).sort());
    expect(payloads.find((p) => p.kind === 'pickup_conflict')).toMatchObject({
      body: 'Karin jobbar till 18:00 — Anna är ledig.',
      url: `/calendar?view=week&date=${dayOffset(2)}`,
    });
  });

  it('removes a subscription the push service says is gone', async () => {
    const f = await familyOnTempus();
    await subscribe(f.anna.client, '/push/gone');
    pushService.answer('/push/gone', 410);
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2)));
    await f.sync();
    expect(await pushService.waitFor('/push/gone', 1)).toHaveLength(1);
    expect((await f.anna.client.get('/api/notifications/push')).body.devices).toEqual([]);
  });

  it('answers the sync before any push is delivered: pushing waits behind the sync, never in it', async () => {
    const f = await familyOnTempus();
    await subscribe(f.anna.client, '/push/slow');
    const held = pushService.hold('/push/slow');
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2)));
    const [sync] = await syncNow(f.karin.client, f.accountId);
    expect(sync).toMatchObject({ status: 'succeeded', created: 1 });
    expect(pushService.received.filter((r) => r.path === '/push/slow')).toEqual([]);
    held.release();
    await settled();
    expect(await pushService.waitFor('/push/slow', 1)).toHaveLength(1);
  });

  it('refuses endpoints outside the configured push services, and keys no message can be encrypted to', async () => {
    const f = await pickupFamily(ctx);
    const keys = browserKeys();
    const res = await f.anna.client.post('/api/notifications/push/subscriptions', { endpoint: 'https://169.254.169.254/latest', keys: { p256dh: keys.p256dh, auth: keys.auth } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('endpoint_not_allowed');
    const notAPoint = await f.anna.client.post('/api/notifications/push/subscriptions', { endpoint: `${pushService.origin}/push/x`, keys: { p256dh: `B${'A'.repeat(86)}`, auth: keys.auth } });
    expect(notAPoint.status).toBe(400);
    expect((await f.anna.client.get('/api/notifications/push')).body.devices).toEqual([]);
  });

  it('is off without VAPID keys, and everything else works', async () => {
    const app = await ctx.buildAnotherApp({ env: { VAPID_PUBLIC_KEY: '', VAPID_PRIVATE_KEY: '', VAPID_SUBJECT: '' } });
    const f = await familyOnTempus();
    const anna = Object.assign(new (f.anna.client.constructor as typeof Client)(app), { cookie: f.anna.client.cookie });
    const karin = Object.assign(new (f.karin.client.constructor as typeof Client)(app), { cookie: f.karin.client.cookie });
    expect((await anna.get('/api/notifications/push')).body).toEqual({ enabled: false, publicKey: null, devices: [] });
    const keys = browserKeys();
    const refused = await anna.post('/api/notifications/push/subscriptions', { endpoint: `${pushService.origin}/push/off`, keys: { p256dh: keys.p256dh, auth: keys.auth } });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('push_disabled');
    ctx.sim.shifts.add(f.simUserId, dayShift(dayOffset(2), '12:00', '18:00'));
    await syncNow(karin, f.accountId);
    await settled(app);
    expect((await notificationsOf(anna)).notifications.map((n) => n.kind)).toEqual(['pickup_conflict', 'shift_changed']);
    expect(pushService.received.filter((r) => r.path === '/push/off')).toEqual([]);
  });
});
