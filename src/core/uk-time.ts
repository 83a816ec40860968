/** The school's time zone, whatever the machine's: a volunteer and the school read times as UK times. */
const ukTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});

/** `5 Jan 2026, 08:00`, in UK time; for a list whose heading says the times are UK time. */
export function ukDateTime(iso: string): string {
  return ukTime.format(new Date(iso));
}

/** `5 Jan 2026, 08:00 UK time`, or '' when there is no time. */
export function formatUkTime(iso: string | undefined): string {
  return iso ? `${ukDateTime(iso)} UK time` : '';
}
