/**
 * The one script of the dashboard's digest page, served from our own origin (`PROGRESS_SCRIPT`), which only that
 * page's policy allows: while a digest sends, it asks the progress endpoint every few seconds and writes the
 * figures (formatted on the server) into the page, and reloads the page once the send stops. Without it the page
 * refreshes itself (`<meta http-equiv="refresh">`, inside `<noscript>`). With the few values the routes need
 * before any page is drawn: this module loads at a cold start, the pages only when asked for.
 */

/** Where the script is served. */
export const PROGRESS_SCRIPT = "/editor/digest-progress.js";
/** Seconds between refreshes of a sending digest's page (without JavaScript) and between polls (with it). */
export const REFRESH_SECONDS = 5;

/** "2 h 5 min", "3 min 20 s", "40 s": how long `seconds` is, roughly. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${s} s`;
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
