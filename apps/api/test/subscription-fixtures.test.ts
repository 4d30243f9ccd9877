import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFeed } from '../src/modules/subscriptions/ical-occurrences.js';
import { syncWindow } from '../src/modules/subscriptions/sync-engine.js';

// Real-world dialects of iCalendar, each with its occurrences written out by hand: instants
// in UTC, worked out from the file's wall times and Stockholm's (or Paris's) offsets, with
// the DST changes of 2026-03-29 and 2026-10-25 in between.
const NOW = new Date('2026-03-20T12:00:00Z');
const WINDOW = syncWindow(NOW); // 2026-02-18T00:00Z … 2027-03-21T00:00Z
const read = (name: string) => readFileSync(new URL(`./fixtures/ics/${name}.ics`, import.meta.url), 'utf8');

type Expected = [externalId: string, start: string, end: string, allDay: boolean, status: string, title: string, location: string | null, note: string | null];

function occurrences(name: string) {
  const feed = parseFeed(read(name), WINDOW);
  expect(feed.skippedEvents).toBe(0);
  expect(feed.truncatedSeries).toBe(0);
  return {
    name: feed.name,
    list: feed.occurrences
      .map((o): Expected => [o.externalId, o.startAt.toISOString(), o.endAt.toISOString(), o.allDay, o.status, o.title, o.location, o.note])
      .sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0])),
  };
}

const SWIM = '4k2j1h0g9f8e7d6c5b4a3@google.com';
const SWIM_NOTE = 'Ta med badmössa och handduk.\nHämtning vid entrén.';
const MEETING = '040000008200E00074C5B7101A82E00800000000B0F8A5A4A2A5DC01000000000000000010000000D2C7A1C5F0F0B74B8C0F9D33A1F5E2B1';
const MEETING_TITLE = 'Avdelningsmöte – planering inför våren och sommarens bemanning på avdelning 30';
const MEETING_NOTE = 'Veckomöte med hela avdelningen. Agendan skickas ut i förväg av Göran, ta med era siffror för kvartalet.';
const TALK = '040000008200E00074C5B7101A82E00800000000C1A9B6B5B3B6DC01000000000000000010000000E3D8B2D6A1A1C85C9D1AE44B2A6F3C2';
const PARIS = '040000008200E00074C5B7101A82E00800000000D2BAC7C6C4C7DC01000000000000000010000000F4E9C3E7B2B2D96DAE2BF55C3B7A4D3';
const HOLIDAY = '040000008200E00074C5B7101A82E00800000000E3CBD8D7D5D8DC01000000000000000010000000A5FAD4F8C3C3EA7EBF3C066D4C8B5E4';
const DROP_OFF = 'C3D4E5F6-A7B8-4901-CDEF-012345678901';

describe('iCalendar dialects', () => {
  it('reads Google Calendar: VTIMEZONE, weekly RRULE with EXDATE and a moved instance across the DST change, whole days, escaped text', () => {
    const feed = occurrences('google-calendar');
    expect(feed.name).toBe('Familjen Åberg');
    expect(feed.list).toEqual<Expected[]>([
      // Tuesday 17:30 CET, then (24 March left out by EXDATE) 17:30 CEST after the change on the 29th.
      [`${SWIM}#20260317T163000Z`, '2026-03-17T16:30:00.000Z', '2026-03-17T17:30:00.000Z', false, 'scheduled', 'Simskola för Åsa', 'Fyrishov, Uppsala', SWIM_NOTE],
      [`${SWIM}#20260331T153000Z`, '2026-03-31T15:30:00.000Z', '2026-03-31T16:30:00.000Z', false, 'scheduled', 'Simskola för Åsa', 'Fyrishov, Uppsala', SWIM_NOTE],
      // 7 April moved to 18:00 by RECURRENCE-ID; it keeps the identity of its 17:30 slot.
      [`0p9o8i7u6y5t4r3e2w1q@google.com`, '2026-04-05T22:00:00.000Z', '2026-04-10T22:00:00.000Z', true, 'scheduled', 'Påsklov', null, null],
      [`${SWIM}#20260407T153000Z`, '2026-04-07T16:00:00.000Z', '2026-04-07T17:00:00.000Z', false, 'scheduled', 'Simskola för Åsa (flyttad)', 'Fyrishov, Uppsala', SWIM_NOTE],
      ['valborg2026@google.com', '2026-04-29T22:00:00.000Z', '2026-04-30T22:00:00.000Z', true, 'scheduled', 'Valborg – grillkväll hos mormor & morfar', null, null],
    ]);
  });

  it('reads Outlook/Exchange: CRLF, folded lines, Windows zone ids with and without VTIMEZONE, RDATE with DURATION, multi-day', () => {
    const feed = occurrences('outlook-exchange');
    expect(read('outlook-exchange')).toContain('\r\n ');
    expect(feed.list).toEqual<Expected[]>([
      // Monday 08:00 "W. Europe Standard Time" (its VTIMEZONE in the file): CET, then CEST.
      [`${MEETING}#20260323T070000Z`, '2026-03-23T07:00:00.000Z', '2026-03-23T08:00:00.000Z', false, 'scheduled', MEETING_TITLE, 'Konferensrum Älgen', MEETING_NOTE],
      [`${MEETING}#20260330T060000Z`, '2026-03-30T06:00:00.000Z', '2026-03-30T07:00:00.000Z', false, 'scheduled', MEETING_TITLE, 'Konferensrum Älgen', MEETING_NOTE],
      [`${MEETING}#20260406T060000Z`, '2026-04-06T06:00:00.000Z', '2026-04-06T07:00:00.000Z', false, 'scheduled', MEETING_TITLE, 'Konferensrum Älgen', MEETING_NOTE],
      // DTSTART and two RDATEs, each lasting DURATION PT1H30M.
      [`${TALK}#20260415T110000Z`, '2026-04-15T11:00:00.000Z', '2026-04-15T12:30:00.000Z', false, 'scheduled', 'Utvecklingssamtal', 'Rum 4;12', null],
      [`${TALK}#20260422T110000Z`, '2026-04-22T11:00:00.000Z', '2026-04-22T12:30:00.000Z', false, 'scheduled', 'Utvecklingssamtal', 'Rum 4;12', null],
      [`${TALK}#20260429T080000Z`, '2026-04-29T08:00:00.000Z', '2026-04-29T09:30:00.000Z', false, 'scheduled', 'Utvecklingssamtal', 'Rum 4;12', null],
      // "Romance Standard Time" is not defined in the file: Europe/Paris, 09:00 CEST.
      [PARIS, '2026-05-05T07:00:00.000Z', '2026-05-05T08:00:00.000Z', false, 'scheduled', 'Kundbesök i Paris', null, null],
      [HOLIDAY, '2026-06-21T22:00:00.000Z', '2026-06-24T22:00:00.000Z', true, 'scheduled', 'Semester', null, null],
    ]);
  });

  it('reads Apple Calendar: a yearly birthday, an overnight train across the autumn DST change, floating times, escapes, daily rule with EXDATEs', () => {
    const feed = occurrences('apple-calendar');
    expect(feed.name).toBe('Hemma');
    expect(feed.list).toEqual<Expected[]>([
      [`${DROP_OFF}#20260305T063000Z`, '2026-03-05T06:30:00.000Z', '2026-03-05T07:00:00.000Z', false, 'scheduled', 'Lämna på förskolan', null, null],
      [`${DROP_OFF}#20260306T063000Z`, '2026-03-06T06:30:00.000Z', '2026-03-06T07:00:00.000Z', false, 'scheduled', 'Lämna på förskolan', null, null],
      [`${DROP_OFF}#20260309T063000Z`, '2026-03-09T06:30:00.000Z', '2026-03-09T07:00:00.000Z', false, 'scheduled', 'Lämna på förskolan', null, null],
      ['6F3E2A1B-9C8D-4E7F-A6B5-C4D3E2F1A0B9#20260412', '2026-04-11T22:00:00.000Z', '2026-04-12T22:00:00.000Z', true, 'scheduled', 'Öjvinds födelsedag', null, null],
      // Floating 07:00–08:30: Stockholm summer time.
      ['B2C3D4E5-F6A7-4890-BCDE-F01234567890', '2026-06-01T05:00:00.000Z', '2026-06-01T06:30:00.000Z', false, 'scheduled', 'Middag; vi ses kl. 19 – ta med "äppelkaka"', null, 'Rad ett\nRad två, med komma\\snedstreck'],
      // 22:00 CEST to 06:00 CET: nine hours, not eight.
      ['A1B2C3D4-E5F6-4789-ABCD-EF0123456789', '2026-10-24T20:00:00.000Z', '2026-10-25T05:00:00.000Z', false, 'scheduled', 'Nattåg till Kiruna', 'Stockholms centralstation', null],
    ]);
  });

  it('reads a shift app: UTC times, DURATION, STATUS:CANCELLED, a night across the spring DST change', () => {
    const feed = occurrences('shift-app');
    expect(feed.name).toBe('Mina pass – Region Uppsala');
    const place = 'Akademiska sjukhuset, ingång 70';
    expect(feed.list).toEqual<Expected[]>([
      ['shift-88412@quinyx.example', '2026-03-28T20:45:00.000Z', '2026-03-29T05:15:00.000Z', false, 'scheduled', 'Natt – Avd 30', place, null],
      ['shift-88413@quinyx.example', '2026-04-02T05:30:00.000Z', '2026-04-02T14:00:00.000Z', false, 'scheduled', 'Dag – Avd 30', place, null],
      ['shift-88414@quinyx.example', '2026-04-04T12:30:00.000Z', '2026-04-04T21:00:00.000Z', false, 'cancelled', 'Kväll – Avd 30', place, 'Passet är inställt av chef. Kontakta bemanningen vid frågor.'],
      ['shift-88415@quinyx.example', '2026-10-24T20:00:00.000Z', '2026-10-25T06:00:00.000Z', false, 'scheduled', 'Natt – Avd 30', null, null],
    ]);
  });

  it('gives every occurrence the same identity on every read, whatever the read order', () => {
    const first = parseFeed(read('google-calendar'), WINDOW).occurrences.map((o) => o.externalId).sort();
    const reversed = read('google-calendar').replace(/(BEGIN:VEVENT[\s\S]*END:VEVENT\n)/, (events) => events.split(/(?<=END:VEVENT\n)/).reverse().join(''));
    expect(parseFeed(reversed, WINDOW).occurrences.map((o) => o.externalId).sort()).toEqual(first);
  });

  it('refuses what is not iCalendar, and leaves out one broken event rather than the feed', () => {
    expect(() => parseFeed('<!doctype html><title>Logga in</title>', WINDOW)).toThrow(expect.objectContaining({ code: 'feed_not_icalendar' }));
    expect(() => parseFeed('BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:garbage', WINDOW)).toThrow(expect.objectContaining({ code: 'feed_not_icalendar' }));
    const withBroken = read('shift-app').replace('DTSTART:20260402T053000Z\n', '');
    const feed = parseFeed(withBroken, WINDOW);
    expect(feed.skippedEvents).toBe(1);
    expect(feed.occurrences).toHaveLength(3);
  });

  it('tells apart events that share a UID by their start', () => {
    const text = read('shift-app').replaceAll(/UID:shift-8841[234]@quinyx.example/g, 'UID:same@quinyx.example');
    const ids = parseFeed(text, WINDOW).occurrences.map((o) => o.externalId).sort();
    expect(ids).toEqual([
      'same@quinyx.example@2026-03-28T20:45:00.000Z',
      'same@quinyx.example@2026-04-02T05:30:00.000Z',
      'same@quinyx.example@2026-04-04T12:30:00.000Z',
      'shift-88415@quinyx.example',
    ]);
  });
});
