/**
 * When scheduled digests go out: the schedules' expressions (sst.config.ts makes its EventBridge schedules from
 * these) and, for the dashboard, their next runs in the schedules' timezone. The timezone's arithmetic is left to
 * `Intl`: candidate instants a quarter-hour apart are read as local time until one matches.
 */
export const DIGEST_SCHEDULES = {
  daily: { expression: "cron(0 6 * * ? *)", hour: 6 },
  weekly: { expression: "cron(0 6 ? * MON *)", hour: 6, weekday: "Mon" },
} as const;

export interface NextRun {
  frequency: keyof typeof DIGEST_SCHEDULES;
  at: Date;
}

const QUARTER_HOUR = 15 * 60 * 1000;

/** The next run of each schedule after `now`, in `timezone` (an IANA name), soonest first. */
export function nextRuns(now: Date, timezone: string): NextRun[] {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const local = (at: Date) => Object.fromEntries(parts.formatToParts(at).map((part) => [part.type, part.value]));
  const runs: NextRun[] = [];
  for (const [frequency, schedule] of Object.entries(DIGEST_SCHEDULES) as Array<[NextRun["frequency"], (typeof DIGEST_SCHEDULES)[NextRun["frequency"]]]>) {
    let at = Math.floor(now.getTime() / QUARTER_HOUR + 1) * QUARTER_HOUR;
    for (let step = 0; step < 8 * 24 * 4; step++, at += QUARTER_HOUR) {
      const { weekday, hour, minute } = local(new Date(at));
      if (Number(hour) !== schedule.hour || minute !== "00") continue;
      if ("weekday" in schedule && weekday !== schedule.weekday) continue;
      runs.push({ frequency, at: new Date(at) });
      break;
    }
  }
  return runs.sort((a, b) => a.at.getTime() - b.at.getTime());
}
