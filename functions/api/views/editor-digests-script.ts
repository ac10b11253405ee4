/**
 * The one script of the dashboard's digest page, served from our own origin (`PROGRESS_SCRIPT`), which only that
 * page's policy allows: while a digest sends, it asks the progress endpoint every few seconds and writes the
 * figures (formatted on the server) into the page, and reloads the page once the send stops. Without it the page
 * refreshes itself (`<meta http-equiv="refresh">`, inside `<noscript>`). With the few values the routes need
 * before any page is drawn: this module loads at a cold start, the pages only when asked for.
 */

import type { Pace } from "../../../core/delivery";
import type { Translator } from "../../../core/i18n";

/** Where the script is served. */
export const PROGRESS_SCRIPT = "/editor/digest-progress.js";
/** Seconds between refreshes of a sending digest's page (without JavaScript) and between polls (with it). */
export const REFRESH_SECONDS = 5;

/** "2 h 5 min", "3 min 20 s", "40 s" ("2 год 5 хв"): how long `seconds` is, roughly, in the page's language. */
export function duration(seconds: number, tr: Translator): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return tr.t("editor-digests.duration.hours", { hours: Math.floor(s / 3600), minutes: Math.floor((s % 3600) / 60) });
  if (s >= 60) return tr.t("editor-digests.duration.minutes", { minutes: Math.floor(s / 60), seconds: s % 60 });
  return tr.t("editor-digests.duration.seconds", { seconds: s });
}

/**
 * A send's pace in words: what the page shows, and what the progress endpoint gives the script to write into it
 * (the same words either way, in the page's language).
 */
export function paceText(pace: Pace, tr: Translator): { perSecond: string; secondsLeft: string } {
  // One decimal under ten a second ("2.5 emails a second"), whole numbers above.
  const rate = pace.perSecond === undefined ? undefined : pace.perSecond < 10 ? Math.round(pace.perSecond * 10) / 10 : Math.round(pace.perSecond);
  return {
    perSecond: rate === undefined ? tr.t("editor-digests.progress.measuring") : tr.t("editor-digests.progress.perSecond", { rate }),
    secondsLeft:
      pace.secondsLeft === undefined
        ? tr.t("editor-digests.progress.leftUnknown")
        : tr.t("editor-digests.progress.left", { duration: duration(pace.secondsLeft, tr) }),
  };
}

/** What a digest's page says at its top after an action (Post/Redirect/Get). */
export const notices = ["created", "existed", "tested", "sending", "cancelled"] as const;
export type Notice = (typeof notices)[number];

export const PROGRESS_JS = `(() => {
  const section = document.querySelector("[data-progress]");
  if (!section) return;
  const url = section.getAttribute("data-progress");
  let sample = "";
  const poll = async () => {
    try {
      const response = await fetch(url + sample, { headers: { accept: "application/json" }, credentials: "same-origin", redirect: "manual" });
      // The session ended (a redirect to the sign-in page): the page itself goes there.
      if (response.type === "opaqueredirect") return location.reload();
      if (response.ok) {
        const progress = await response.json();
        // Sent, paused or cancelled: the page as it now stands (without the notice of the send's start).
        if (progress.status !== "sending") return location.replace(location.pathname);
        for (const [name, text] of Object.entries(progress.text)) {
          const field = section.querySelector('[data-field="' + name + '"]');
          if (field) field.textContent = text;
        }
        sample = "?at=" + progress.sample.at + "&done=" + progress.sample.done;
      }
    } catch (error) {
      // Offline for a moment: ask again at the next turn.
    }
    setTimeout(poll, ${REFRESH_SECONDS * 1000});
  };
  setTimeout(poll, ${REFRESH_SECONDS * 1000});
})();
`;
