import { MessagePage } from "./layout";

const titles: Record<number, string> = {
  400: "This didn't work",
  404: "Not found",
  413: "Too much at once",
  429: "Slow down a little",
  500: "Something went wrong",
};

const advice: Record<number, string> = {
  400: "If you followed a link from an email, it may be old or cut short. Copy the whole link, or ask for a new one.",
  404: "The page or subscription you are looking for is not here any more.",
  429: "Too many requests came from your network. Wait a few minutes and try again.",
  500: "It's our fault, not yours. Please try again in a minute.",
};

export function ErrorPage(props: { status: number; code: string; message: string }) {
  return (
    <MessagePage title={titles[props.status] ?? "This didn't work"}>
      <p class="error">{props.message}</p>
      <p>{advice[props.status] ?? advice[400]}</p>
    </MessagePage>
  );
}
