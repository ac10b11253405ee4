/**
 * The one script of the dashboard's digest page, served from our own origin (`PROGRESS_SCRIPT`), which only that
 * page's policy allows: while a digest sends, it asks the progress endpoint every few seconds and writes the
 * figures (formatted on the server) into the page, and reloads the page once the send stops. Without it the page
 * refreshes itself (`<meta http-equiv="refresh">`, inside `<noscript>`).
 */
import { REFRESH_SECONDS } from "./editor-digests";

export const PROGRESS_JS = `(() => {
  const section = document.querySelector("[data-progress]");
  if (!section) return;
  const url = section.getAttribute("data-progress");
  let sample = "";
  const poll = async () => {
    try {
      const response = await fetch(url + sample, { headers: { accept: "application/json" }, credentials: "same-origin", redirect: "error" });
      if (response.ok) {
        const progress = await response.json();
        if (progress.status !== "sending") return location.reload();
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
