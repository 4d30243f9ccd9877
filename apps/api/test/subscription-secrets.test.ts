import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarSubscriptions } from '../src/db/schema.js';
import { createTokenCipher } from '../src/lib/token-cipher.js';
import { createContext, testConfig } from './support/context.js';
import { everyTableAsText } from './support/database-text.js';
import { startFeedServer } from './support/feed-server.js';

// A subscription URL carries its owner's token at the shift app: it is stored encrypted
// with the Tempus token keys and appears in no response, log line or plain column.
const ctx = await createContext({ env: { ICS_ALLOW_PRIVATE_HOSTS: 'true' } });
const feeds = await startFeedServer();
const TOKEN = 'personlig-hemlig-token-7f3a9c';
const PATH = `/ical/${TOKEN}/basic.ics`;
feeds.set(PATH, {
  body: 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20270101T080000Z\r\nDTEND:20270101T160000Z\r\nSUMMARY:Dag\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n',
});

describe('subscription URLs stay secret', () => {
  it('keeps the URL out of every response, log line and table, through subscribe, sync, failure and listing', async () => {
    const parent = await ctx.newParent();
    const url = `${feeds.origin}${PATH}?key=${TOKEN}`;
    const responses: string[] = [];
    const created = await parent.client.post('/api/calendar/subscriptions', { url });
    expect(created.status).toBe(201);
    responses.push(created.text);
    const id = created.body.subscription.id as string;
    responses.push((await parent.client.post(`/api/calendar/subscriptions/${id}/sync`)).text);
    feeds.set(PATH, { status: 500, body: 'fel' });
    const failed = await parent.client.post(`/api/calendar/subscriptions/${id}/sync`);
    expect(failed.body.sync.status).toBe('failed');
    responses.push(failed.text);
    responses.push((await parent.client.get('/api/calendar/subscriptions')).text);
    responses.push((await parent.client.patch(`/api/calendar/subscriptions/${id}`, { name: 'Jobbet' })).text);
    responses.push((await parent.client.post('/api/calendar/subscriptions', { url })).text);
    responses.push((await parent.client.get('/metrics')).text);

    const stored = await everyTableAsText(ctx.database);
    const logs = ctx.logs.join('\n');
    for (const where of [stored, logs, ...responses]) {
      expect(where).not.toContain(TOKEN);
      expect(where).not.toContain('/ical/');
    }
    expect(logs).toContain('subscription sync failed');

    const [row] = await ctx.database.db.select().from(calendarSubscriptions).where(eq(calendarSubscriptions.id, id));
    expect(row!.urlEnc).toMatch(/^v1\./);
    expect(createTokenCipher(testConfig(ctx.sim).tempus.encryptionKeys).decrypt(row!.urlEnc)).toBe(url);
  });
});
