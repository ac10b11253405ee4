/** `/editor/subscribers/{email}`: one subscriber's record, and for admins the comp and erase forms. */
import type { Tier } from "../../../core/config/tiers";
import type { SubscriberRecord } from "../../../core/subscribers/record";
import { EditorLayout } from "./editor";
import { SUBSCRIBERS_PAGE, isAdmin, recordPath, time, type Account } from "./editor-subscribers";

const day = (iso: string | undefined) => (iso ? iso.slice(0, 10) : "");
const money = (minor: number, currency: string) =>
  new Intl.NumberFormat("en-GB", { style: "currency", currency: currency.toUpperCase() }).format(minor / 100);

function Row(props: { name: string; value: unknown }) {
  if (props.value === undefined || props.value === "") return null;
  return (
    <tr>
      <th scope="row">{props.name}</th>
      <td>{String(props.value)}</td>
    </tr>
  );
}

/** `/editor/subscribers/{email}`: one subscriber's record, and (admins) a comp and erasure. */
export function RecordPage(props: Account & { record: SubscriberRecord; tiers: Tier[]; done?: "comp" }) {
  const { subscriber, deliveries, votes, contributions, gifts } = props.record;
  const { patron, consent } = subscriber;
  const tierName = (id: string) => props.tiers.find((tier) => tier.id === id)?.name ?? id;
  return (
    <EditorLayout title={subscriber.email} account={props.account} path={SUBSCRIBERS_PAGE}>
      <p>
        <a href={SUBSCRIBERS_PAGE}>Find another subscriber</a>
      </p>
      <h1>{subscriber.email}</h1>
      {props.done === "comp" && (
        <p class="status" role="status">
          The membership is granted.
        </p>
      )}
      <div class="scroll">
        <table>
          <caption>Subscription</caption>
          <tbody>
            <Row name="Status" value={subscriber.status} />
            <Row name="Name" value={subscriber.name} />
            <Row name="How often" value={subscriber.frequency} />
            <Row name="Topics" value={subscriber.topics.length ? subscriber.topics.join(", ") : "every topic"} />
            <Row name="Paused until" value={subscriber.pausedUntil} />
            <Row name="Signed up" value={time(subscriber.createdAt)} />
            <Row name="Confirmed" value={time(subscriber.confirmedAt)} />
            <Row name="Unsubscribed" value={time(subscriber.unsubscribedAt)} />
            <Row name="Suppressed" value={subscriber.suppressedAt && `${time(subscriber.suppressedAt)}: ${subscriber.suppressedReason ?? ""}`} />
          </tbody>
        </table>
      </div>
      <h2>Consent</h2>
      {consent ? (
        <div class="scroll">
          <table>
            <caption>The consent record</caption>
            <tbody>
              <Row name="Source" value={consent.source} />
              <Row name="Asked" value={time(consent.requestedAt)} />
              <Row name="Confirmed" value={consent.confirmedAt ? time(consent.confirmedAt) : "not by a link (an import or open opt-in)"} />
              <Row name="Consent text" value={consent.textVersion} />
              <Row name="Imported" value={consent.importedAt && `${time(consent.importedAt)} by ${consent.importedBy ?? "?"}`} />
              <Row name="Network" value={consent.ipHash ? "recorded (as a keyed hash)" : undefined} />
              <Row name="Browser" value={consent.userAgent} />
            </tbody>
          </table>
        </div>
      ) : (
        <p>No confirmed consent yet: the sign-up waits for its confirmation.</p>
      )}
      <h2>Membership</h2>
      {patron ? (
        <div class="scroll">
          <table>
            <caption>Patron</caption>
            <tbody>
              <Row name="Status" value={patron.status} />
              <Row name="Tier" value={tierName(patron.tierId)} />
              <Row name="Paid until" value={day(patron.currentPeriodEnd)} />
              <Row name="Ends at the period's end" value={patron.cancelAtPeriodEnd ? "yes" : undefined} />
              <Row name="Grace until" value={day(patron.graceUntil)} />
              <Row name="Comped until" value={patron.compedUntil && `${day(patron.compedUntil)} (${tierName(patron.compTierId ?? patron.tierId)}, by ${patron.compedBy ?? "?"})`} />
              <Row name="Lapsed" value={day(patron.lapsedAt)} />
              <Row name="Pays through Stripe" value={patron.stripeSubscriptionId ? "yes" : "no"} />
            </tbody>
          </table>
        </div>
      ) : (
        <p>Not a patron.</p>
      )}
      <h2>Deliveries</h2>
      {deliveries.total === 0 ? (
        <p>No digest or email has been addressed to them.</p>
      ) : (
        <>
          <p>
            {deliveries.total} in all:{" "}
            {Object.entries(deliveries.byStatus)
              .map(([status, n]) => `${n} ${status}`)
              .join(", ")}
            .
          </p>
          <div class="scroll">
            <table>
              <caption>The {deliveries.recent.length} most recent, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Digest</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.recent.map((delivery) => (
                  <tr>
                    <td>{delivery.digestId}</td>
                    <td>
                      {delivery.status}
                      {delivery.reason ? ` (${delivery.reason})` : ""}
                    </td>
                    <td>{time(delivery.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h2>Votes</h2>
      {votes.length === 0 ? (
        <p>No votes.</p>
      ) : (
        <ul>
          {votes.map((vote) => (
            <li>
              {vote.topicTitle ?? vote.topicId}: weight {vote.weight}
              {vote.counted ? "" : " (not counted now)"}, {day(vote.createdAt)}
            </li>
          ))}
        </ul>
      )}
      <h2>Contributions and gifts</h2>
      <ul>
        <li>
          {contributions.count === 0
            ? "No contributions."
            : `${contributions.count} contribution${contributions.count === 1 ? "" : "s"}: ${Object.entries(contributions.byCurrency)
                .map(([currency, sum]) => `${money(sum.amount, currency)}${sum.refunded ? ` (${money(sum.refunded, currency)} refunded)` : ""}`)
                .join(", ")}`}
        </li>
        <li>
          {gifts.given.length === 0 ? "No gifts given." : `${gifts.given.length} gift membership${gifts.given.length === 1 ? "" : "s"} given.`}
        </li>
        {gifts.received.map((gift) => (
          <li>
            Received a gift: {tierName(gift.tierId)} for {gift.months} month{gift.months === 1 ? "" : "s"} ({gift.status}
            {gift.endsAt ? `, ends ${day(gift.endsAt)}` : ""})
          </li>
        ))}
      </ul>
      {isAdmin(props.account) ? <AdminActions email={subscriber.email} tiers={props.tiers} /> : <p class="note">Only admins grant memberships or erase a subscriber.</p>}
    </EditorLayout>
  );
}

function AdminActions(props: { email: string; tiers: Tier[] }) {
  const path = recordPath(props.email);
  return (
    <>
      <h2>Grant a membership</h2>
      <p class="note">A comp: the tier until the end of the day chosen (UTC), free. It replaces a comp already running.</p>
      <form method="post" action={`${path}/comp`}>
        <label for="tier">Tier</label>
        <select id="tier" name="tier" required>
          {props.tiers.map((tier) => (
            <option value={tier.id}>{tier.name}</option>
          ))}
        </select>
        <label for="until">Until</label>
        <input type="date" id="until" name="until" required />
        <p>
          <button type="submit">Grant the membership</button>
        </p>
      </form>
      <h2>Erase</h2>
      <p>At the reader's request: their personal data goes, anonymous counts stay, and all email stops at once.</p>
      <p>
        <a href={`${path}/erase`}>Erase this subscriber…</a>
      </p>
    </>
  );
}
