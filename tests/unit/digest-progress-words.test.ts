/**
 * A sending digest's pace in words (functions/api/views/editor-digests-script.ts), as its page shows it and its
 * script writes it in: emails a second and the time left, in each language, with its plurals.
 */
import { beforeAll, describe, expect, it } from "vitest";
import * as I18n from "../../core/i18n";
import { duration, paceText } from "../../functions/api/views/editor-digests-script";

beforeAll(() => I18n.load());

const sample = { at: 0, done: 0 };
const en = () => I18n.translator("en");
const uk = () => I18n.translator("uk");

describe("a send's pace in words", () => {
  it("says how long is left, roughly", () => {
    expect([40, 200, 7500].map((seconds) => duration(seconds, en()))).toEqual(["40 s", "3 min 20 s", "2 h 5 min"]);
    expect([40, 200, 7500].map((seconds) => duration(seconds, uk()))).toEqual(["40 с", "3 хв 20 с", "2 год 5 хв"]);
  });

  it("says the rate with one decimal under ten a second, whole above, in each language's plural", () => {
    const pace = (perSecond: number) => ({ done: 10, waiting: 100, perSecond, secondsLeft: 200, sample });
    expect(paceText(pace(2.46), en())).toEqual({ perSecond: "2.5 emails a second", secondsLeft: "about 3 min 20 s left" });
    expect(paceText(pace(1), en()).perSecond).toBe("1 email a second");
    expect([1, 3, 5, 21, 2.46, 14.2].map((rate) => paceText(pace(rate), uk()).perSecond)).toEqual([
      "1 лист на секунду",
      "3 листи на секунду",
      "5 листів на секунду",
      "21 лист на секунду",
      "2,5 листа на секунду",
      "14 листів на секунду",
    ]);
    expect(paceText(pace(3), uk()).secondsLeft).toBe("лишилося приблизно 3 хв 20 с");
  });

  it("says so when there is nothing to measure yet", () => {
    expect(paceText({ done: 0, waiting: 100, sample }, uk())).toEqual({ perSecond: "Вимірюємо швидкість", secondsLeft: "скільки лишилося, ще невідомо" });
  });
});
