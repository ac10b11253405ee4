/** The signed-in reader's pages. */
import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import * as Config from "../../config";
import * as Patrons from "../../patrons";
import * as Subscribers from "../../subscribers";
import { htmlPage } from "../openapi";
import { AccountPage } from "../pages/account";
import { MembershipSection } from "../pages/membership";
import { requireSession } from "../session";

export const accountPages = new OpenAPIHono();

accountPages.openapi(
  createRoute({
    method: "get",
    path: "/account",
    summary: "The signed-in reader's account page",
    middleware: [requireSession] as const,
    responses: {
      200: htmlPage("Who is signed in, their subscription, sign out"),
      303: { description: "Not signed in; to the sign-in page", headers: z.object({ location: z.string() }) },
    },
  }),
  async (c) => {
    const { subscriber } = c.var;
    const membership = <MembershipSection patron={await Patrons.get(subscriber.id)} tiers={Config.get().TIERS} />;
    return c.html(<AccountPage subscriber={subscriber} manageUrl={Subscribers.manageUrl(subscriber.id)} membership={membership} />, 200);
  },
);
