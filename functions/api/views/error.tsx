/**
 * The friendly error page every page route (and a browser's form post to `/api`) answers with: what happened, in
 * words, and what the reader can do next. Never a stack trace or an internal message (`onError` decides the text).
 */
import { MessagePage } from "./layout";

const titles: Record<number, string> = {
  400: "This didn't work",
  403: "We refused this request",
  404: "Not found",
  409: "This can't be done right now",
  413: "Too much at once",
  429: "Slow down a little",
  500: "Something went wrong",
  503: "Not available yet",
};

const advice: Record<number, string> = {
  400: "If you followed a link from an email, it may be old or cut short: copy the whole link into your browser, or ask for a new one.",
  403: "To protect your account we only accept this from our own pages. Open the page again and use its button.",
  404: "The page or subscription you are looking for is not here any more.",
  409: "Nothing was changed.",
  413: "Send less at once and try again.",
  500: "It's our fault, not yours. Nothing was changed; please try again in a minute.",
  503: "Nothing was changed. Please try again later.",
};

/** Form fields as readers know them (the error names the field; the page names it in words). */
const fieldNames: Record<string, string> = {
  email: "Email address",
  name: "Name",
  topics: "Topics",
  frequency: "How often",
  pausedUntil: "Pause until",
  tier: "Tier",
  body: "The form",
};

function waitInWords(seconds: number | undefined): string {
  if (seconds === undefined || seconds <= 60) return "a minute";
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}

function nextStep(status: number, fields: Array<[string, string]>, retryAfterSeconds: number | undefined): string {
  if (status === 429) return `Too many requests came from your network. Wait ${waitInWords(retryAfterSeconds)} and try again.`;
  if (status === 400 && fields.length > 0) {
    return "Nothing was saved. Go back with your browser's back button, correct it and send it again.";
  }
  return advice[status] ?? advice[400]!;
}

export function ErrorPage(props: {
  status: number;
  code: string;
  message: string;
  fields?: Record<string, string>;
  retryAfterSeconds?: number;
}) {
  // A missing or malformed link token is a broken link to the reader, not a form field to correct.
  const brokenLink = props.fields?.token !== undefined;
  const fields = Object.entries(props.fields ?? {}).filter(([field]) => field !== "token");
  // The API's "see the fields" means nothing on a page: the fields are listed below it in words.
  const message = brokenLink
    ? "This link is not valid. It may be incomplete."
    : props.code === "invalid_request" && fields.length > 0
      ? "Something you sent needs correcting:"
      : props.message;
  return (
    <MessagePage title={titles[props.status] ?? titles[400]!}>
      <p class="error">{message}</p>
      {fields.length > 0 && (
        <ul class="error">
          {fields.map(([field, problem]) => (
            <li>
              {fieldNames[field] ?? field}: {problem}
            </li>
          ))}
        </ul>
      )}
      <p>{nextStep(props.status, brokenLink ? [] : fields, props.retryAfterSeconds)}</p>
      <p>
        <a href="/">Go to the home page</a> · <a href="/login">Sign in</a>
      </p>
    </MessagePage>
  );
}
