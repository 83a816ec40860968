/**
 * Days and hours as the school lives them: UK time (GMT in winter, BST in summer), whatever the
 * machine's time zone. A day is written as its date, `2026-01-05`, which also sorts by time.
 */

const ZONE = 'Europe/London';
const DAY_MS = 86_400_000;

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface UkClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function ukClock(at: Date): UkClock {
  const parts: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(at)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far UK clocks are ahead of UTC at this moment: 0 or one hour. */
function ukOffsetMs(at: number): number {
  const c = ukClock(new Date(at));
  return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - (at - (((at % 1000) + 1000) % 1000));
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const dayOf = (c: { year: number; month: number; day: number }) => `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;

/** The UK date at this moment. */
export function ukDay(at: Date): string {
  return dayOf(ukClock(at));
}

/** The day `days` after (or, negative, before) this one. */
export function shiftDay(day: string, days: number): string {
  const d = new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS);
  return dayOf({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** 0 for Sunday to 6 for Saturday. */
export function weekdayOf(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** The moment UK clocks show `hh:mm` on this day. */
export function ukMoment(day: string, time = '00:00'): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  const asIfUtc = Date.UTC(year, month - 1, date, hour, minute);
  // The offset at the guess may differ from the one at the answer on the two days the clocks change.
  const first = asIfUtc - ukOffsetMs(asIfUtc);
  return new Date(asIfUtc - ukOffsetMs(first));
}

/** The latest moment at or before `now` when UK clocks showed `time` on this weekday. */
export function weeklyAtOrBefore(now: Date, weekday: number, time: string): Date {
  const today = ukDay(now);
  for (let back = 0; ; back++) {
    const day = shiftDay(today, -back);
    if (weekdayOf(day) !== weekday) continue;
    const moment = ukMoment(day, time);
    if (moment.getTime() <= now.getTime()) return moment;
  }
}

/** The first moment after `now` when UK clocks show `time` on this weekday. */
export function weeklyAfter(now: Date, weekday: number, time: string): Date {
  const today = ukDay(now);
  for (let ahead = 0; ; ahead++) {
    const day = shiftDay(today, ahead);
    if (weekdayOf(day) !== weekday) continue;
    const moment = ukMoment(day, time);
    if (moment.getTime() > now.getTime()) return moment;
  }
}

/** The first moment after `now` when UK clocks show `time`, on any day. */
export function dailyAfter(now: Date, time: string): Date {
  const today = ukMoment(ukDay(now), time);
  return today.getTime() > now.getTime() ? today : ukMoment(shiftDay(ukDay(now), 1), time);
}

const formats = new Map<string, Intl.DateTimeFormat>();
/** A day as people write it, in the language given ("January 2026", "1 January 2027", "Mon 5 Jan"). */
export function formatDay(day: string, style: 'month' | 'date' | 'weekday', locale = 'en-GB'): string {
  const key = `${locale} ${style}`;
  let format = formats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      style === 'month'
        ? { month: 'long', year: 'numeric' }
        : style === 'date'
          ? { day: 'numeric', month: 'long', year: 'numeric' }
          : { weekday: 'short', day: 'numeric', month: 'short' };
    // The day is a date, not a moment: read in UTC it cannot slip into its neighbour.
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
    formats.set(key, format);
  }
  return format.format(new Date(`${day}T12:00:00Z`));
}
