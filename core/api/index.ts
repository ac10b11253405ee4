import { createApp } from "./app";

export { createApp } from "./app";
/** The app, built once per process (a Lambda cold start, or `npm start`). */
export const app = createApp();
