/** The circuit breaker's verdict on a send's counts: pause past 5% bounces or 0.1% complaints, not before 20 sent. */
import { describe, expect, it } from "vitest";
import { assess, MINIMUM_SAMPLE } from "../../../core/delivery/breaker";

const counts = (sent: number, bounced = 0, complained = 0) => ({ sent, bounced, complained });

describe("circuit breaker", () => {
  it("lets a send go on at or under the limits", () => {
    expect(assess(counts(38, 2))).toBeUndefined(); // 2 of 40: 5%, which does not pass 5%
    expect(assess(counts(1000))).toBeUndefined();
    expect(assess(counts(1999, 0, 1))).toBeUndefined(); // 0.05%
  });

  it("pauses past a 5% bounce rate, saying the rate, the limit and the counts", () => {
    expect(assess(counts(37, 3))).toBe("bounce rate 7.5% passed 5% (3 bounced of 40 sent)");
    expect(assess(counts(45, 3))).toBe("bounce rate 6.25% passed 5% (3 bounced of 48 sent)");
  });

  it("pauses past a 0.1% complaint rate, and gives both reasons when both pass", () => {
    expect(assess(counts(1498, 0, 2))).toBe("complaint rate 0.133% passed 0.1% (2 complained of 1500 sent)");
    expect(assess(counts(30, 5, 1))).toBe(
      "bounce rate 13.9% passed 5% (5 bounced of 36 sent); complaint rate 2.78% passed 0.1% (1 complained of 36 sent)",
    );
  });

  it("waits for a minimum sample, so one early bounce can't stop a send", () => {
    expect(MINIMUM_SAMPLE).toBe(20);
    expect(assess(counts(18, 1))).toBeUndefined();
    expect(assess(counts(0, 19))).toBeUndefined();
    expect(assess(counts(0, 20))).toMatch(/^bounce rate 100% passed 5%/);
  });
});
