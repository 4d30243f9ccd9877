/**
 * How a shift synced from Tempus is marked in the calendar: its badge (whose shift, from
 * where, cancelled or not) and its title without the "Arbete:" the badge already says.
 */
import type { CalendarEvent } from '@familyhub/shared';

export interface TempusBadge {
  label: 'Tempus';
  owner: string;
  cancelled: boolean;
  /** Screen-reader and tooltip text that says where the shift comes from. */
  description: string;
}

/** The badge of a shift synced from Tempus; manual events have none. */
export function tempusBadge(event: Pick<CalendarEvent, 'source' | 'ownerName' | 'status'>): TempusBadge | null {
  if (event.source !== 'tempus') return null;
  const cancelled = event.status === 'cancelled';
  return {
    label: 'Tempus',
    owner: event.ownerName,
    cancelled,
    description: `${cancelled ? 'Inställt pass' : 'Arbetspass'} för ${event.ownerName} från Tempus. Ändras i Tempus, inte här.`,
  };
}

/** "Arbete: Natt" becomes "Natt": the badge already says it is work. */
export function shiftTitle(event: Pick<CalendarEvent, 'source' | 'title'>): string {
  return event.source === 'tempus' ? event.title.replace(/^Arbete:\s*/, '') : event.title;
}
