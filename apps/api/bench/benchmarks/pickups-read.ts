/**
 * pickups-read: `GET /api/pickups` for 62 days, a family of 4 parents and 3 children (each
 * with a weekday routine and a few day changes) with 2,000 events in the range (Tempus shifts,
 * a subscription's events, the members' own; some cancelled, some all-day), 200 other
 * families' events in the table, served by a real API process and loaded with autocannon,
 * one client at a time (the latency one phone sees). Floor: the plain SQL that reads the
 * family's events in that range, straight through `pg`, one query at a time.
 */
import autocannon from 'autocannon';
import { benchCipher, benchEnv } from '../lib/config.js';
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js';
import { startInstance } from '../lib/instances.js';
import { fmt, round, type BenchResult, type RunContext } from '../lib/report.js';
import { pick } from './calendar-read.js';
import { fillOthers, rawLatencies } from './feed-out.js';

const P99_TARGET_MS = 50;
const COST_TARGET = 2;
const DAYS = 62;
const PASSWORD = 'bench-losenord-123';

export async function runPickupsRead(ctx: RunContext): Promise<BenchResult> {
  const events = ctx.smoke ? 200 : 2_000;
  const otherFamilies = ctx.smoke ? 10 : 200;
  const seconds = ctx.smoke ? 2 : 10;
  const db = await createBenchDatabase('pickups_read', { keep: ctx.keep });
  const server = startInstance(benchEnv({ databaseUrl: db.url, tempusUrl: 'http://127.0.0.1:9' }), 'serve', 'pickups server');
  try {
    const { port } = await server.next('listening');
    const base = `http://127.0.0.1:${port}`;
    const from = new Date().toISOString().slice(0, 10);
    const to = new Date(Date.parse(from) + (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const family = await setUpFamily(base, from);
    await fillEvents(db, family.familyId, family.parents, from, events);
    await fillOthers(db, otherFamilies);
    await db.pool.query('vacuum analyze');

    const url = `${base}/api/pickups?from=${from}&to=${to}`;
    const first = await fetch(url, { headers: { cookie: family.cookie } });
    const body = (await first.json()) as { days: { dropOff: { conflicts: unknown[] } | null; pickUp: { conflicts: unknown[] } | null }[] };
    const rangeStart = new Date(`${from}T00:00:00+01:00`).getTime() - 2 * 3_600_000;
    const rangeEnd = new Date(`${to}T23:59:00+01:00`).getTime() + 2 * 3_600_000;
    const query = {
      text: `select id, owner_user_id, title, source, start_at, end_at, all_day, status from calendar_events
             where family_id = $1 and start_at < $2 and end_at > $3`,
      params: [family.familyId, new Date(rangeEnd).toISOString(), new Date(rangeStart).toISOString()],
    };
    const direct = await db.pool.query(query.text, query.params);
    const handovers = body.days.flatMap((d) => [d.dropOff, d.pickUp]).filter((h) => h !== null);
    const conflicted = handovers.filter((h) => h.conflicts.length > 0).length;
    if (first.status !== 200 || body.days.length !== DAYS * 3 || direct.rowCount! < events * 0.95) {
      throw new Error(`the pickups answered ${first.status} with ${body.days.length} days; the SQL reads ${direct.rowCount} events; ${events} were made`);
    }
    ctx.log(`  ${fmt.n(body.days.length)} child-days, ${fmt.n(handovers.length)} handovers (${fmt.n(conflicted)} with a conflict), ${fmt.n(direct.rowCount!)} events read by the floor's SQL`);

    const load = () => autocannon({ url, connections: 1, duration: seconds, headers: { cookie: family.cookie } });
    await load();
    const raw = await rawLatencies(db, query, seconds);
    const product = await load();
    const clean = product.errors === 0 && product.timeouts === 0 && product.non2xx === 0;
    const cost = product.latency.average / raw.mean;
    ctx.log(`  GET /api/pickups: mean ${fmt.ms(product.latency.average)}, p99 ${fmt.ms(product.latency.p99)}; raw SQL mean ${fmt.ms(raw.mean)}, p99 ${fmt.ms(raw.p99)}`);
    const name = 'pickups-read';
    return {
      name,
      title: `Pickups: GET /api/pickups for ${DAYS} days, 4 parents, 3 children, ${fmt.n(direct.rowCount!)} events in range, one client`,
      figures: [
        {
          benchmark: name,
          figure: `GET /api/pickups (${DAYS} days, ${fmt.n(direct.rowCount!)} events), p99 latency`,
          measured: `${fmt.ms(product.latency.p99)}${clean ? '' : ' (errors)'}`,
          floor: `${fmt.ms(raw.p99)} raw SQL p99`,
          ratio: null,
          target: `< ${P99_TARGET_MS} ms`,
          pass: clean && product.latency.p99 < P99_TARGET_MS,
        },
        {
          benchmark: name,
          figure: 'GET /api/pickups vs the raw SQL reading its events (mean latency)',
          measured: fmt.ms(product.latency.average),
          floor: `${fmt.ms(raw.mean)} raw SQL mean`,
          ratio: cost,
          target: `≤ ${COST_TARGET}× floor`,
          pass: clean && cost <= COST_TARGET,
        },
      ],
      details: {
        childDays: body.days.length,
        handovers: handovers.length,
        conflicted,
        eventsRead: direct.rowCount,
        otherFamilies,
        secondsPerRun: seconds,
        product: { requests: product.requests.total, latencyMs: pick(product.latency), non2xx: product.non2xx, errors: product.errors },
        rawSql: { queries: raw.count, meanMs: round(raw.mean), p99Ms: round(raw.p99) },
        cost: round(cost, 2),
      },
    };
  } finally {
    server.send({ type: 'stop' });
    await server.exited;
    await db.drop();
  }
}

async function post(base: string, path: string, cookie: string, body: unknown, method = 'POST') {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json() as Promise<any>;
}

/** Anna and three more parents, three children with weekday routines shared among them, and a day change each week. */
async function setUpFamily(base: string, from: string) {
  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'anna@pickups.bench.example.se', password: PASSWORD, name: 'Anna', familyName: 'Familjen Bench' }),
  });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}`);
  const cookie = (signup.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { user, family } = (await signup.json()) as { user: { id: string }; family: { id: string } };
  const parents = [user.id];
  for (const name of ['Karin', 'Erik', 'Lena']) {
    parents.push((await post(base, '/api/family/members', cookie, { email: `${name.toLowerCase()}@pickups.bench.example.se`, password: PASSWORD, name, role: 'parent' })).user.id);
  }
  for (const [c, name] of ['Elsa', 'Nils', 'Maja'].entries()) {
    const { child } = await post(base, '/api/family/children', cookie, { name });
    const days = [1, 2, 3, 4, 5].map((weekday) => ({
      weekday,
      dropOffAt: ['07:30', '08:00', '08:15'][c]!,
      pickUpAt: ['16:00', '16:30', '17:00'][c]!,
      dropOffBy: parents[(weekday + c) % 4]!,
      pickUpBy: weekday === 5 && c === 2 ? null : parents[(weekday + c + 1) % 4]!,
    }));
    await post(base, `/api/family/children/${child.id}/routine`, cookie, { careName: 'Förskolan Solrosen', days }, 'PUT');
    for (let week = 0; week < 9; week++) {
      const date = new Date(Date.parse(from) + (week * 7 + c + 1) * 86_400_000).toISOString().slice(0, 10);
      await post(base, `/api/family/children/${child.id}/days/${date}`, cookie, week % 3 === 0 ? { noCare: true, note: 'Studiedag' } : { pickUpBy: parents[week % 4] }, 'PUT');
    }
  }
  return { cookie, familyId: family.id, parents };
}

/**
 * The family's events in the range, among its four parents: 40 % Tempus shifts (some
 * cancelled), 30 % a subscription's events, 30 % their own events (some all day).
 */
async function fillEvents(db: BenchDatabase, familyId: string, parents: string[], from: string, events: number) {
  const { rows: accounts } = await db.pool.query<{ id: string }>(
    `insert into tempus_accounts (family_id, user_id, tempus_user_id, name) select $1, u, 'bench-' || u, 'Bench' from unnest($2::uuid[]) u returning id`,
    [familyId, parents],
  );
  const { rows: sub } = await db.pool.query<{ id: string }>(
    `insert into calendar_subscriptions (family_id, user_id, name, url_enc, url_host) values ($1, $2, 'Pass', $3, 'feed.example') returning id`,
    [familyId, parents[1], benchCipher().encrypt('https://feed.example/bench.ics')],
  );
  const shifts = Math.round(events * 0.4);
  const subscribed = Math.round(events * 0.3);
  const spreadHours = 62 * 24;
  await db.pool.query(
    `insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable, status, tempus_account_id, tempus_id)
     select $1, ($2::uuid[])[1 + g % 4], (array['Arbete: Dag','Arbete: Kväll','Arbete: Natt'])[1 + g % 3],
            $3::date::timestamptz + ((g * 37) % $5) * interval '1 hour', $3::date::timestamptz + ((g * 37) % $5 + 8) * interval '1 hour',
            'tempus', false, (case when g % 17 = 0 then 'cancelled' else 'scheduled' end)::shift_status,
            ($4::uuid[])[1 + g % 4], 'shift-' || g
     from generate_series(1, $6) g`,
    [familyId, parents, from, accounts.map((a) => a.id), spreadHours, shifts],
  );
  await db.pool.query(
    `insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable, subscription_id, external_id)
     select $1, $2, 'Pass sjukhuset', $3::date::timestamptz + ((g * 53) % $5) * interval '1 hour', $3::date::timestamptz + ((g * 53) % $5 + 6) * interval '1 hour',
            'ics', false, $4, 'bench-' || g || '@feed.example'
     from generate_series(1, $6) g`,
    [familyId, parents[1], from, sub[0]!.id, spreadHours, subscribed],
  );
  await db.pool.query(
    `insert into calendar_events (family_id, owner_user_id, title, start_at, end_at, source, editable, all_day)
     select $1, ($2::uuid[])[1 + g % 4], (array['Tandläkare','Föräldramöte','Träning'])[1 + g % 3],
            $3::date::timestamptz + ((g * 29) % $4) * interval '1 hour', $3::date::timestamptz + ((g * 29) % $4 + (case when g % 10 = 0 then 24 else 1 end)) * interval '1 hour',
            'manual', true, g % 10 = 0
     from generate_series(1, $5) g`,
    [familyId, parents, from, spreadHours, events - shifts - subscribed],
  );
}
