/**
 * A send's pace as the dashboard shows it: emails out a second, measured between two readings when the page kept
 * the earlier one, else averaged since sending began; the time left at that pace; nothing made up before there is
 * anything to measure.
 */
import { describe, expect, it } from "vitest";
import { paceOf } from "../../../core/delivery/pace";
import { makeDigest } from "../../helpers/factories/digests";

const START = Date.parse("2030-03-01T10:00:00.000Z");
const sending = (counts: Partial<Record<string, number>>) =>
  makeDigest({
    status: "sending",
    sendStartedAt: new Date(START).toISOString(),
    counts: { recipients: 0, queued: 0, sending: 0, sent: 0, skipped: 0, suppressed: 0, failed: 0, bounced: 0, complained: 0, ...counts },
  });
const at = (seconds: number) => new Date(START + seconds * 1000);

describe("paceOf", () => {
  it("averages since sending began without an earlier reading, counting what SES took or refused for good", () => {
    const pace = paceOf(sending({ sent: 90, bounced: 5, complained: 1, failed: 4, skipped: 50, queued: 300, sending: 10 }), at(10));
    expect(pace).toMatchObject({ done: 100, waiting: 310, perSecond: 10, secondsLeft: 31, sample: { at: START + 10_000, done: 100 } });
  });

  it("measures between two readings when the earlier one is usable", () => {
    const pace = paceOf(sending({ sent: 200, queued: 140 }), at(60), { at: START + 55_000, done: 130 });
    expect(pace.perSecond).toBe(14);
    expect(pace.secondsLeft).toBe(10);
  });

  it("falls back to the average for a reading too close, too old or from a larger count", () => {
    const digest = sending({ sent: 600, queued: 600 });
    for (const previous of [{ at: START + 59_900, done: 590 }, { at: START - 3_600_000, done: 0 }, { at: START + 50_000, done: 900 }]) {
      expect(paceOf(digest, at(60), previous).perSecond).toBe(10);
    }
  });

  it("knows no pace or time left before anything went out, and nothing left once all is out", () => {
    expect(paceOf(sending({}), at(5))).toMatchObject({ done: 0, waiting: 0 });
    expect(paceOf(sending({}), at(5)).perSecond).toBeUndefined();
    expect(paceOf(sending({}), at(5)).secondsLeft).toBeUndefined();
    expect(paceOf(sending({ queued: 40 }), at(5)).secondsLeft).toBeUndefined();
    expect(paceOf(sending({ sent: 40 }), at(5)).secondsLeft).toBe(0);
  });
});
