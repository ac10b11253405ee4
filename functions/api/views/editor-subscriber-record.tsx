/** `/editor/subscribers/{email}`: one subscriber's record, and for admins the comp and erase forms. */
import * as Config from "../../../core/config";
import type { Tier } from "../../../core/config/tiers";
import type { MessageKey } from "../../../core/i18n";
import * as Money from "../../../core/money";
import type * as Patrons from "../../../core/patrons";
import type { SubscriberRecord } from "../../../core/subscribers/record";
import type * as Subscribers from "../../../core/subscribers/types";
import { currentLanguage, t, tr } from "../language";
import { EditorLayout } from "./editor";
import { PausedUntilRow } from "./editor-pause-row";
import { CancellationSection } from "./editor-cancellation";
import { SeriesSection } from "./editor-series";
import { WinBackRow } from "./editor-winback-row";
import { SUBSCRIBERS_PAGE, day, isAdmin, recordPath, time, type Account } from "./editor-subscribers";

/** A subscriber's status as the record names it. */
const STATUS_WORDS = {
  pending: "editor-people.status.pending",
  active: "editor-people.status.active",
  unsubscribed: "editor-people.status.unsubscribed",
  bounced: "editor-people.status.bounced",
  complained: "editor-people.status.complained",
} as const satisfies Record<Subscribers.Status, MessageKey>;

/** A membership's status as the record names it. */
const PATRON_STATUS_WORDS = {
  active: "editor-people.patronStatus.active",
  grace: "editor-people.patronStatus.grace",
  lapsed: "editor-people.patronStatus.lapsed",
  comped: "editor-people.patronStatus.comped",
  paused: "pause.patronStatus",
} as const satisfies Record<Patrons.PatronStatus, MessageKey>;

const FREQUENCY_WORDS = {
  daily: "editor-people.frequency.daily",
  weekly: "editor-people.frequency.weekly",
} as const satisfies Record<Subscribers.Frequency, MessageKey>;

const money = (minor: number, currency: string) => Money.format(minor, currency, { language: currentLanguage(), decimals: "always" });
const yesOrNo = (value: boolean) => t(value ? "editor-people.yes" : "editor-people.no");

/** The subscriber's language by name; one never chosen (signed up before there was a choice) is the default's. */
function languageOf(code: string | undefined): string {
  if (code) return tr().languageName(code);
  return t("editor-people.record.languageDefault", { language: tr().languageName(Config.get().LANGUAGES[0]!) });
}

/** The topics they follow, each by its title in the page's language and its id ("every topic" for none chosen). */
function topicsOf(ids: string[], titles: Record<string, string>): string {
  if (ids.length === 0) return t("editor-people.record.allTopics");
  return ids.map((id) => (titles[id] ? t("editor-people.record.topic", { title: titles[id], id }) : id)).join(", ");
}

function Row(props: { name: MessageKey; value: unknown }) {
  if (props.value === undefined || props.value === "") return null;
  return (
    <tr>
      <th scope="row">{t(props.name)}</th>
      <td>{String(props.value)}</td>
    </tr>
  );
}

/** `/editor/subscribers/{email}`: one subscriber's record, and (admins) a comp and erasure. */
export function RecordPage(props: Account & { record: SubscriberRecord; topicTitles: Record<string, string>; tiers: Tier[]; done?: "comp" }) {
  const { subscriber, deliveries, votes, contributions, gifts } = props.record;
  const { patron, consent } = subscriber;
  const tierName = (id: string) => props.tiers.find((tier) => tier.id === id)?.name ?? id;
  return (
    <EditorLayout title={subscriber.email} account={props.account} path={SUBSCRIBERS_PAGE}>
      <p>
        <a href={SUBSCRIBERS_PAGE}>{t("editor-people.record.back")}</a>
      </p>
      <h1>{subscriber.email}</h1>
      {props.done === "comp" && (
        <p class="status" role="status">
          {t("editor-people.record.granted")}
        </p>
      )}
      <div class="scroll">
        <table>
          <caption>{t("editor-people.record.caption")}</caption>
          <tbody>
            <Row name="editor-people.record.status" value={t(STATUS_WORDS[subscriber.status])} />
            <Row name="editor-people.record.name" value={subscriber.name} />
            <Row name="editor-people.record.language" value={languageOf(subscriber.language)} />
            <Row name="editor-people.record.frequency" value={t(FREQUENCY_WORDS[subscriber.frequency])} />
            <Row name="editor-people.record.topics" value={topicsOf(subscriber.topics, props.topicTitles)} />
            <Row name="editor-people.record.pausedUntil" value={day(subscriber.pausedUntil)} />
            <Row name="editor-people.record.signedUp" value={time(subscriber.createdAt)} />
            <Row name="editor-people.record.confirmed" value={time(subscriber.confirmedAt)} />
            <Row name="editor-people.record.unsubscribed" value={time(subscriber.unsubscribedAt)} />
            <Row
              name="editor-people.record.suppressed"
              value={subscriber.suppressedAt && t("editor-people.record.suppressedValue", { time: time(subscriber.suppressedAt), reason: subscriber.suppressedReason ?? "" })}
            />
          </tbody>
        </table>
      </div>
      <h2>{t("editor-people.consent.heading")}</h2>
      {consent ? (
        <div class="scroll">
          <table>
            <caption>{t("editor-people.consent.caption")}</caption>
            <tbody>
              <Row name="editor-people.consent.source" value={t("editor-people.consent.sourceName", { source: consent.source })} />
              <Row name="editor-people.consent.asked" value={time(consent.requestedAt)} />
              <Row name="editor-people.consent.confirmed" value={consent.confirmedAt ? time(consent.confirmedAt) : t("editor-people.consent.notByLink")} />
              <Row name="editor-people.consent.text" value={consent.textVersion} />
              <Row
                name="editor-people.consent.imported"
                value={consent.importedAt && t("editor-people.consent.importedValue", { time: time(consent.importedAt), who: consent.importedBy ?? "?" })}
              />
              <Row name="editor-people.consent.network" value={consent.ipHash ? t("editor-people.consent.networkRecorded") : undefined} />
              <Row name="editor-people.consent.browser" value={consent.userAgent} />
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t("editor-people.consent.none")}</p>
      )}
      <h2>{t("editor-people.membership.heading")}</h2>
      {patron ? (
        <div class="scroll">
          <table>
            <caption>{t("editor-people.membership.caption")}</caption>
            <tbody>
              <Row name="editor-people.membership.status" value={t(PATRON_STATUS_WORDS[patron.status])} />
              <Row name="editor-people.membership.tier" value={tierName(patron.tierId)} />
              <Row name="editor-people.membership.paidUntil" value={day(patron.currentPeriodEnd)} />
              <Row name="editor-people.membership.endsAtPeriodEnd" value={patron.cancelAtPeriodEnd ? yesOrNo(true) : undefined} />
              <Row name="editor-people.membership.graceUntil" value={day(patron.graceUntil)} />
              <PausedUntilRow patron={patron} />
              <Row
                name="editor-people.membership.compedUntil"
                value={
                  patron.compedUntil &&
                  t("editor-people.membership.compedValue", { until: day(patron.compedUntil), tier: tierName(patron.compTierId ?? patron.tierId), by: patron.compedBy ?? "?" })
                }
              />
              <Row name="editor-people.membership.lapsed" value={day(patron.lapsedAt)} />
              <WinBackRow patron={patron} />
              <Row name="editor-people.membership.stripe" value={yesOrNo(Boolean(patron.stripeSubscriptionId))} />
            </tbody>
          </table>
        </div>
      ) : (
        <p>{t("editor-people.membership.none")}</p>
      )}
      <CancellationSection cancellation={patron?.cancellation} />
      <SeriesSection steps={props.record.welcomeSeries} />
      <h2>{t("editor-people.deliveries.heading")}</h2>
      {deliveries.total === 0 ? (
        <p>{t("editor-people.deliveries.none")}</p>
      ) : (
        <>
          <p>
            {t("editor-people.deliveries.summary", {
              total: deliveries.total,
              statuses: Object.entries(deliveries.byStatus)
                .map(([status, count]) => t("editor-people.deliveries.count", { status, count }))
                .join(", "),
            })}
          </p>
          <div class="scroll">
            <table>
              <caption>{t("editor-people.deliveries.caption", { count: deliveries.recent.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("editor-people.deliveries.column.digest")}</th>
                  <th scope="col">{t("editor-people.deliveries.column.status")}</th>
                  <th scope="col">{t("editor-people.deliveries.column.updated")}</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.recent.map((delivery) => (
                  <tr>
                    <td>{delivery.digestId}</td>
                    <td>
                      {delivery.reason
                        ? t("editor-people.deliveries.statusReason", { status: delivery.status, reason: delivery.reason })
                        : t("editor-people.deliveries.status", { status: delivery.status })}
                    </td>
                    <td>{time(delivery.updatedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <h2>{t("editor-people.votes.heading")}</h2>
      {votes.length === 0 ? (
        <p>{t("editor-people.votes.none")}</p>
      ) : (
        <ul>
          {votes.map((vote) => (
            <li>
              {t(vote.counted ? "editor-people.votes.vote" : "editor-people.votes.voteNotCounted", {
                topic: vote.topicTitle ?? vote.topicId,
                weight: vote.weight,
                date: day(vote.createdAt),
              })}
            </li>
          ))}
        </ul>
      )}
      <h2>{t("editor-people.money.heading")}</h2>
      <ul>
        <li>
          {contributions.count === 0
            ? t("editor-people.contributions.none")
            : t("editor-people.contributions.summary", {
                count: contributions.count,
                sums: Object.entries(contributions.byCurrency)
                  .map(([currency, sum]) =>
                    sum.refunded
                      ? t("editor-people.contributions.refunded", { amount: money(sum.amount, currency), refunded: money(sum.refunded, currency) })
                      : money(sum.amount, currency),
                  )
                  .join(", "),
              })}
        </li>
        <li>{gifts.given.length === 0 ? t("editor-people.giftsGiven.none") : t("editor-people.giftsGiven.count", { count: gifts.given.length })}</li>
        {gifts.received.map((gift) => {
          const values = { tier: tierName(gift.tierId), months: gift.months, status: t("editor-people.giftStatus", { status: gift.status }) };
          return <li>{gift.endsAt ? t("editor-people.giftReceived.ends", { ...values, ends: day(gift.endsAt) }) : t("editor-people.giftReceived", values)}</li>;
        })}
      </ul>
      {isAdmin(props.account) ? <AdminActions email={subscriber.email} tiers={props.tiers} /> : <p class="note">{t("editor-people.record.adminsOnly")}</p>}
    </EditorLayout>
  );
}

function AdminActions(props: { email: string; tiers: Tier[] }) {
  const path = recordPath(props.email);
  return (
    <>
      <h2>{t("editor-people.grant.heading")}</h2>
      <p class="note">{t("editor-people.grant.note")}</p>
      <form method="post" action={`${path}/comp`}>
        <label for="tier">{t("editor-people.grant.tier")}</label>
        <select id="tier" name="tier" required>
          {props.tiers.map((tier) => (
            <option value={tier.id}>{tier.name}</option>
          ))}
        </select>
        <label for="until">{t("editor-people.grant.until")}</label>
        <input type="date" id="until" name="until" required />
        <p>
          <button type="submit">{t("editor-people.grant.submit")}</button>
        </p>
      </form>
      <h2>{t("editor-people.eraseAction.heading")}</h2>
      <p>{t("editor-people.eraseAction.note")}</p>
      <p>
        <a href={`${path}/erase`}>{t("editor-people.eraseAction.link")}</a>
      </p>
    </>
  );
}
