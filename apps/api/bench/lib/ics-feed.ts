/**
 * A large iCalendar feed for the subscription benchmark, made the way shift apps and
 * Outlook write them: a VTIMEZONE, single events in UTC and in Europe/Stockholm, and
 * weekly series with EXDATEs and a moved instance, spread over the sync window, each
 * with a description, so that the file reaches the size asked for.
 */
const DAY_MS = 86_400_000;

const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Stockholm',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** Lines longer than 75 octets folded as RFC 5545 asks (the note is ASCII, so characters are octets). */
const fold = (line: string) => line.match(/.{1,74}/g)!.join('\r\n ');
const utc = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
/** Stockholm wall time written as the file's local time (the bench needs no exact offset, only valid values). */
const local = (ms: number) => utc(ms).slice(0, 15);

export interface BenchFeed {
  text: string;
  events: number;
  recurringSeries: number;
}

/** `events` VEVENTs, one in `recurringEvery` a weekly series, padded towards `targetBytes`. */
export function benchFeed(now: Date, events: number, targetBytes: number, recurringEvery = 40): BenchFeed {
  const header = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Familjehubben//Bench feed//SV', 'X-WR-CALNAME:Bench', ...VTIMEZONE];
  const base = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const bodies: string[][] = [];
  let recurringSeries = 0;
  for (let i = 0; i < events; i++) {
    const day = (i * 7919) % 390 - 25;
    const start = base + day * DAY_MS + ((i % 4) * 6 + 5) * 3_600_000;
    const end = start + (8 + (i % 3)) * 3_600_000;
    const lines = ['BEGIN:VEVENT', `UID:bench-${i}@feed.example`, 'DTSTAMP:20260101T000000Z'];
    if (i % recurringEvery === 0) {
      recurringSeries++;
      lines.push(`DTSTART;TZID=Europe/Stockholm:${local(start)}`, `DTEND;TZID=Europe/Stockholm:${local(end)}`, 'RRULE:FREQ=WEEKLY;COUNT=20');
      lines.push(`EXDATE;TZID=Europe/Stockholm:${local(start + 14 * DAY_MS)}`);
    } else if (i % 2 === 0) {
      lines.push(`DTSTART:${utc(start)}`, `DTEND:${utc(end)}`);
    } else {
      lines.push(`DTSTART;TZID=Europe/Stockholm:${local(start)}`, `DTEND;TZID=Europe/Stockholm:${local(end)}`);
    }
    lines.push(`SUMMARY:${['Dag', 'Kväll', 'Natt', 'Helg'][i % 4]} – Avd ${(i % 40) + 1}`, 'LOCATION:Akademiska sjukhuset\\, ingång 70');
    if (i % 17 === 0) lines.push('STATUS:CANCELLED');
    lines.push('END:VEVENT');
    bodies.push(lines);
    if (i % recurringEvery === 0) {
      // One instance of the series moved by an hour.
      bodies.push([
        'BEGIN:VEVENT',
        `UID:bench-${i}@feed.example`,
        `RECURRENCE-ID;TZID=Europe/Stockholm:${local(start + 7 * DAY_MS)}`,
        `DTSTART;TZID=Europe/Stockholm:${local(start + 7 * DAY_MS + 3_600_000)}`,
        `DTEND;TZID=Europe/Stockholm:${local(end + 7 * DAY_MS + 3_600_000)}`,
        'SUMMARY:Flyttat pass',
        'END:VEVENT',
      ]);
    }
  }
  const bare = [...header, ...bodies.flat(), 'END:VCALENDAR'].join('\r\n').length;
  // Descriptions bring each event to the size a real export has (notes, links, contact lines).
  const perEvent = Math.max(0, Math.floor((targetBytes - bare) / bodies.length) - 16);
  const note = 'Anteckning: byte av pass sker via bemanningen, ring 018-611 00 00. '.repeat(Math.ceil(perEvent / 60) + 1).slice(0, perEvent);
  const text = [...header, ...bodies.flatMap((lines) => (perEvent > 0 ? [...lines.slice(0, -1), fold(`DESCRIPTION:${note}`), 'END:VEVENT'] : lines)), 'END:VCALENDAR', ''].join('\r\n');
  return { text, events: bodies.length, recurringSeries };
}
