/**
 * The pages of the subscriber lifecycle: signing up without JavaScript (the home page's form posts to
 * `POST /api/subscribe`, the same route and core logic as the API, which answers a browser with "check your
 * inbox"), confirming, preferences, unsubscribing and its undo (a new opt-in too). Every button POSTs: opening a
 * link never changes anything. Every word comes from the `subscribers` catalogue, in the page's language.
 */
import * as Config from "../../../core/config";
import * as I18n from "../../../core/i18n";
import type { ResubscribeOutcome, Subscriber } from "../../../core/subscribers";
import { frequencies, type Frequency } from "../../../core/subscribers/types";
import { inLanguage, type Topic } from "../../../core/topics/types";
import { currentLanguage, t, tr } from "../language";
import { Layout, MessagePage } from "./layout";

const frequencyName = (frequency: Frequency) => t(`subscribers.frequency.${frequency}`);

/** The topics to tick, each titled in the page's language. */
function TopicChoices(props: { topics: Topic[]; chosen?: ReadonlySet<string> }) {
  const language = currentLanguage();
  return (
    <fieldset>
      <legend>{t("subscribers.form.topics")}</legend>
      {props.topics.map((topic) => (
        <div class="check">
          <input type="checkbox" id={`topic-${topic.id}`} name="topics" value={topic.id} checked={props.chosen?.has(topic.id)} />{" "}
          <label for={`topic-${topic.id}`}>{inLanguage(topic, language).title}</label>
        </div>
      ))}
    </fieldset>
  );
}

function FrequencyChoice(props: { chosen: Frequency }) {
  return (
    <>
      <label for="frequency">{t("subscribers.form.frequency")}</label>
      <select id="frequency" name="frequency">
        {frequencies.map((frequency) => (
          <option value={frequency} selected={frequency === props.chosen}>
            {frequencyName(frequency)}
          </option>
        ))}
      </select>
    </>
  );
}

/** The language of the reader's emails: each language named in itself, `chosen` preselected. */
function LanguageChoice(props: { chosen: string }) {
  return (
    <>
      <label for="language">{t("subscribers.form.language")}</label>
      <select id="language" name="language">
        {Config.get().LANGUAGES.map((code) => (
          <option value={code} lang={code} selected={code === props.chosen}>
            {I18n.translator(code).t("common.language.name")}
          </option>
        ))}
      </select>
    </>
  );
}

/** `source`: where the visitor came from (attribution), carried by the form as a hidden field. */
export function SubscribePage(props: { outletName: string; topics: Topic[]; source?: string }) {
  return (
    <Layout title={t("subscribers.signup.title")}>
      <h1>{t("subscribers.signup.heading")}</h1>
      <p>{t("subscribers.signup.intro", { outlet: props.outletName })}</p>
      <form method="post" action="/api/subscribe">
        {props.source && <input type="hidden" name="source" value={props.source} />}
        <label for="email">{t("subscribers.form.email")}</label>
        <input type="email" id="email" name="email" required maxlength={254} autocomplete="email" />
        <label for="name">{t("subscribers.form.name")}</label>
        <input type="text" id="name" name="name" maxlength={100} autocomplete="name" />
        {props.topics.length > 0 && <TopicChoices topics={props.topics} />}
        <FrequencyChoice chosen="weekly" />
        <LanguageChoice chosen={currentLanguage()} />
        <p class="note">{t("subscribers.signup.note")}</p>
        <p>
          <button type="submit">{t("subscribers.signup.submit")}</button>
        </p>
      </form>
      <p>
        {tr().rich("subscribers.signup.signIn", { link: (chunks) => <a href="/login">{chunks}</a> })}{" "}
        {tr().rich("subscribers.signup.join", { link: (chunks) => <a href="/join">{chunks}</a> })}
      </p>
    </Layout>
  );
}

/** The answer to the form above, whatever the address's state: it must not tell who is subscribed. */
export function CheckInboxPage() {
  return (
    <MessagePage title={t("subscribers.checkInbox.title")}>
      <p>{tr().rich("subscribers.checkInbox.sent", { strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <p class="note">{tr().rich("subscribers.checkInbox.note", { link: (chunks) => <a href="/">{chunks}</a> })}</p>
    </MessagePage>
  );
}

const resubscribed: Record<ResubscribeOutcome, { title: I18n.MessageKey; text: I18n.MessageKey }> = {
  "confirmation-sent": { title: "subscribers.resubscribed.sentTitle", text: "subscribers.resubscribed.sent" },
  "recently-sent": { title: "subscribers.resubscribed.sentTitle", text: "subscribers.resubscribed.recent" },
  "already-active": { title: "subscribers.resubscribed.activeTitle", text: "subscribers.resubscribed.active" },
};

/** What the unsubscribed page's undo did. */
export function ResubscribedPage(props: { outcome: ResubscribeOutcome }) {
  const { title, text } = resubscribed[props.outcome];
  return (
    <MessagePage title={t(title)}>
      <p>{t(text)}</p>
      {props.outcome !== "already-active" && <p class="note">{t("subscribers.resubscribed.note")}</p>}
    </MessagePage>
  );
}

export function ConfirmPage(props: { token: string }) {
  return (
    <MessagePage title={t("subscribers.confirm.title")}>
      <p>{t("subscribers.confirm.text")}</p>
      <form method="post" action="/confirm">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">{t("subscribers.confirm.submit")}</button>
      </form>
      <p class="note">{t("subscribers.confirm.note")}</p>
    </MessagePage>
  );
}

export function ConfirmedPage(props: { alreadyActive: boolean; manageUrl: string }) {
  return (
    <MessagePage title={t(props.alreadyActive ? "subscribers.confirmed.alreadyTitle" : "subscribers.confirmed.title")}>
      <p>{t(props.alreadyActive ? "subscribers.confirmed.already" : "subscribers.confirmed.text")}</p>
      <p>{tr().rich("subscribers.confirmed.manage", { link: (chunks) => <a href={props.manageUrl}>{chunks}</a> })}</p>
    </MessagePage>
  );
}

export function UnsubscribePage(props: { token: string }) {
  return (
    <MessagePage title={t("subscribers.unsubscribe.title")}>
      <p>{t("subscribers.unsubscribe.text")}</p>
      <form method="post" action={`/unsubscribe?token=${encodeURIComponent(props.token)}`}>
        <button type="submit">{t("subscribers.unsubscribe.submit")}</button>
      </form>
      <p class="note">{t("subscribers.unsubscribe.note")}</p>
    </MessagePage>
  );
}

/** After unsubscribing; its undo is a new opt-in (a confirmation email), never a silent resubscribe. */
export function UnsubscribedPage(props: { token: string }) {
  return (
    <MessagePage title={t("subscribers.unsubscribed.title")}>
      <p>{t("subscribers.unsubscribed.text")}</p>
      <form method="post" action="/resubscribe">
        <input type="hidden" name="token" value={props.token} />
        <p>{t("subscribers.unsubscribed.mistake")}</p>
        <p>
          <button type="submit" class="secondary">
            {t("subscribers.unsubscribed.undo")}
          </button>
        </p>
        <p class="note">{t("subscribers.unsubscribed.note")}</p>
      </form>
    </MessagePage>
  );
}

export function PreferencesPage(props: {
  subscriber: Subscriber;
  topics: Topic[];
  token: string;
  unsubscribeToken: string;
  saved?: boolean;
}) {
  const { subscriber, topics, token } = props;
  const active = subscriber.status === "active" || subscriber.status === "pending";
  return (
    <Layout title={t("subscribers.preferences.title")}>
      <h1>{t("subscribers.preferences.title")}</h1>
      {props.saved && (
        <p role="status" class="status">
          {tr().rich("subscribers.preferences.saved", { strong: (chunks) => <strong>{chunks}</strong> })}
        </p>
      )}
      {!active && <p class="note">{t("subscribers.preferences.inactive")}</p>}
      <form method="post" action="/preferences">
        <input type="hidden" name="token" value={token} />
        <label for="name">{t("subscribers.preferences.name")}</label>
        <input type="text" id="name" name="name" value={subscriber.name ?? ""} maxlength={100} autocomplete="name" />
        <TopicChoices topics={topics} chosen={new Set(subscriber.topics)} />
        <FrequencyChoice chosen={subscriber.frequency} />
        <LanguageChoice chosen={Config.readerLanguage(subscriber.language)} />
        <label for="pausedUntil">{t("subscribers.preferences.pause")}</label>
        <input type="date" id="pausedUntil" name="pausedUntil" value={subscriber.pausedUntil ?? ""} />
        <p>
          <button type="submit">{t("subscribers.preferences.submit")}</button>
        </p>
      </form>
      {active && (
        <form method="post" action={`/unsubscribe?token=${encodeURIComponent(props.unsubscribeToken)}`}>
          <p>
            <button type="submit" class="secondary">
              {t("subscribers.preferences.unsubscribe")}
            </button>
          </p>
        </form>
      )}
      <h2>{t("subscribers.preferences.membership")}</h2>
      <p>
        {tr().rich("subscribers.preferences.join", { link: (chunks) => <a href="/join">{chunks}</a> })}{" "}
        {tr().rich("subscribers.preferences.account", { link: (chunks) => <a href="/account">{chunks}</a> })}
      </p>
    </Layout>
  );
}
