/**
 * What a child's day looks like, pure: the routine's weekday, overridden field by field by a
 * one-day change. A change that names no time keeps the routine's; one that assigns a
 * handover to nobody leaves it unassigned; `noCare` (ledig dag, studiedag) removes both.
 * A weekday the routine leaves out has no handovers unless the change gives a time.
 */
export interface RoutineDayPlan {
  dropOffAt: string;
  pickUpAt: string;
  dropOffBy: string | null;
  pickUpBy: string | null;
}

export interface DayChangePlan {
  dropOffAt: string | null;
  pickUpAt: string | null;
  assignsDropOff: boolean;
  dropOffBy: string | null;
  assignsPickUp: boolean;
  pickUpBy: string | null;
  noCare: boolean;
}

export interface HandoverPlan {
  /** `HH:MM`, Stockholm's wall clock. */
  time: string;
  by: string | null;
}

export interface DayPlan {
  dropOff: HandoverPlan | null;
  pickUp: HandoverPlan | null;
}

export function planDay(routine: RoutineDayPlan | undefined, change: DayChangePlan | undefined): DayPlan {
  if (change?.noCare) return { dropOff: null, pickUp: null };
  const one = (time: string | null | undefined, assigns: boolean, changedBy: string | null, routineBy: string | null | undefined): HandoverPlan | null =>
    time ? { time, by: assigns ? changedBy : (routineBy ?? null) } : null;
  return {
    dropOff: one(change?.dropOffAt ?? routine?.dropOffAt, change?.assignsDropOff ?? false, change?.dropOffBy ?? null, routine?.dropOffBy),
    pickUp: one(change?.pickUpAt ?? routine?.pickUpAt, change?.assignsPickUp ?? false, change?.pickUpBy ?? null, routine?.pickUpBy),
  };
}
