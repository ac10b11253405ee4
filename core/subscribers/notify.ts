/** The emails of the subscriber lifecycle: confirmation, "already subscribed", welcome. */
import * as Templates from "../../templates";
import * as Config from "../config";
import * as Db from "../db";
import * as Email from "../email";
import { confirmUrl, manageUrl, unsubscribeUrl } from "./links";
import type { Subscriber } from "./types";

/** Sign-up emails never carry the subscriber's name: a stranger may have typed it (list-bombing defence). */
export async function sendSignupEmail(kind: "confirmation" | "already-subscribed", subscriber: Subscriber) {
  const { OUTLET_NAME: outletName, POSTAL_ADDRESS: postalAddress } = Config.get();
  const rendered =
    kind === "confirmation"
      ? Templates.confirmation({ outletName, postalAddress, confirmUrl: confirmUrl(subscriber.id) })
      : Templates.alreadySubscribed({ outletName, postalAddress, manageUrl: manageUrl(subscriber.id) });
  return Email.send({ to: subscriber.email, ...rendered });
}

export async function sendWelcome(subscriber: Subscriber) {
  const { OUTLET_NAME: outletName, POSTAL_ADDRESS: postalAddress } = Config.get();
  const titles = new Map((await Db.Topics.byStatus()).map((topic) => [topic.id, topic.title]));
  const unsubscribe = unsubscribeUrl(subscriber.id);
  const rendered = Templates.welcome({
    outletName,
    postalAddress,
    name: subscriber.name,
    manageUrl: manageUrl(subscriber.id),
    unsubscribeUrl: unsubscribe,
    topics: subscriber.topics.map((id) => titles.get(id) ?? id),
    frequency: subscriber.frequency,
  });
  return Email.send({ to: subscriber.email, ...rendered, marketing: { unsubscribeUrl: unsubscribe } });
}
