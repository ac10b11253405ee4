/**
 * `/editor/gifts`: gifts by status (as `GET /api/gifts` lists them) and comps: the form that grants one (admins
 * only; it POSTs like `POST /api/patrons/comp`) and, for admins, the comped patrons.
 */
import type * as Editors from "../../../core/editors";
import * as Gifts from "../../../core/gifts";
import type { MessageKey } from "../../../core/i18n";
import * as Money from "../../../core/money";
import type * as Patrons from "../../../core/patrons";
import { currentLanguage, t } from "../language";
import { EditorLayout } from "./editor";
import { day } from "./editor-subscribers";

type ListedGift = Awaited<ReturnType<typeof Gifts.list>>["gifts"][number];

const STATUS_WORDS = {
  paid: "editor-people.gifts.status.paid",
  delivered: "editor-people.gifts.status.delivered",
  redeemed: "editor-people.gifts.status.redeemed",
  void: "editor-people.gifts.status.void",
} as const satisfies Record<Gifts.GiftStatus, MessageKey>;

function GiftTable(props: { status: Gifts.GiftStatus; gifts: ListedGift[]; tierNames: Record<string, string> }) {
  return (
    <div class="scroll">
      <table>
        <caption>{t("editor-people.gifts.caption", { status: props.status })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("editor-people.gifts.column.deliverOn")}</th>
            <th scope="col">{t("editor-people.gifts.column.recipient")}</th>
            <th scope="col">{t("editor-people.gifts.column.membership")}</th>
            <th scope="col" class="num">
              {t("editor-people.gifts.column.paid")}
            </th>
            <th scope="col">{t("editor-people.gifts.column.buyer")}</th>
            <th scope="col">{t("editor-people.gifts.column.last", { status: props.status })}</th>
          </tr>
        </thead>
        <tbody>
          {props.gifts.map((gift) => (
            <tr>
              <td>{day(gift.deliverOn)}</td>
              <td>{gift.recipientEmail === Gifts.ERASED_ADDRESS ? t("editor-people.gifts.erased") : gift.recipientEmail}</td>
              <td>{t("editor-people.gifts.membership", { tier: props.tierNames[gift.tierId] ?? gift.tierId, months: gift.months })}</td>
              <td class="num">{Money.format(gift.amount, gift.currency, { language: currentLanguage() })}</td>
              <td>{gift.buyerEmail ?? ""}</td>
              <td>
                {props.status === "void"
                  ? gift.voidReason && t("editor-people.gifts.voidReason", { reason: gift.voidReason })
                  : props.status === "redeemed"
                    ? day(gift.endsAt)
                    : day(gift.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function CompForm(props: { tiers: Array<{ id: string; name: string }>; tomorrow: string }) {
  return (
    <form method="post" action="/editor/gifts/comp">
      <label for="comp-email">{t("editor-people.comp.email")}</label>
      <input type="email" id="comp-email" name="email" required maxlength={254} autocomplete="off" />
      <label for="comp-tier">{t("editor-people.comp.tier")}</label>
      <select id="comp-tier" name="tier" required>
        {props.tiers.map((tier) => (
          <option value={tier.id}>{tier.name}</option>
        ))}
      </select>
      <label for="comp-until">{t("editor-people.comp.until")}</label>
      <input type="date" id="comp-until" name="until" required min={props.tomorrow} />
      <p>
        <button type="submit">{t("editor-people.comp.submit")}</button>
      </p>
    </form>
  );
}

/** Who granted a comp: an editor of the dashboard (by their address in EDITORS), a gift, or an API token's name. */
function grantedBy(by: string | undefined, editors: Record<string, string>): string {
  if (!by) return "";
  if (by.startsWith("gift:")) return t("editor-people.comps.by.gift");
  if (by.startsWith("dashboard:")) return editors[by] ?? t("editor-people.comps.by.unlisted");
  return t("editor-people.comps.by.token", { name: by });
}

function CompTable(props: { comps: Patrons.CompedPatron[]; editors: Record<string, string> }) {
  if (props.comps.length === 0) return <p>{t("editor-people.comps.none")}</p>;
  return (
    <div class="scroll">
      <table>
        <caption>{t("editor-people.comps.caption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("editor-people.comps.column.subscriber")}</th>
            <th scope="col">{t("editor-people.comps.column.tier")}</th>
            <th scope="col">{t("editor-people.comps.column.until")}</th>
            <th scope="col">{t("editor-people.comps.column.by")}</th>
          </tr>
        </thead>
        <tbody>
          {props.comps.map((comp) => (
            <tr>
              <td>{comp.email}</td>
              <td>{comp.tierName}</td>
              <td>{day(comp.until)}</td>
              <td>{grantedBy(comp.by, props.editors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function GiftsPage(props: {
  account: Editors.EditorAccount;
  status: Gifts.GiftStatus;
  gifts: ListedGift[];
  cursor: string | null;
  tiers: Array<{ id: string; name: string }>;
  tomorrow: string;
  /** Admins only: the comped patrons (a first page). */
  comps?: { comps: Patrons.CompedPatron[]; cursor: string | null; editors: Record<string, string> };
  done?: "comped";
}) {
  const tierNames = Object.fromEntries(props.tiers.map((tier) => [tier.id, tier.name]));
  const admin = props.account.role === "admin";
  return (
    <EditorLayout title={t("editor-people.gifts.title")} account={props.account} path="/editor/gifts">
      <h1>{t("editor-people.gifts.title")}</h1>
      {props.done === "comped" && (
        <p role="status" class="status">
          {t("editor-people.comp.done")}
        </p>
      )}
      <h2>{t("editor-people.gifts.heading")}</h2>
      <nav aria-label={t("editor-people.gifts.nav")}>
        <ul>
          {Gifts.giftStatuses.map((status) => (
            <li>
              <a href={`/editor/gifts?status=${status}`} aria-current={status === props.status ? "page" : undefined}>
                {t(STATUS_WORDS[status])}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.gifts.length === 0 ? (
        <p>{t("editor-people.gifts.none", { status: props.status })}</p>
      ) : (
        <GiftTable status={props.status} gifts={props.gifts} tierNames={tierNames} />
      )}
      {props.cursor && (
        <p>
          <a href={`/editor/gifts?status=${props.status}&cursor=${encodeURIComponent(props.cursor)}`}>{t("editor-people.gifts.more")}</a>
        </p>
      )}
      <h2 id="comp">{t("editor-people.comp.heading")}</h2>
      {admin ? (
        <>
          <p class="note">{t("editor-people.comp.note")}</p>
          <CompForm tiers={props.tiers} tomorrow={props.tomorrow} />
        </>
      ) : (
        <p>{t("editor-people.comp.adminsOnly")}</p>
      )}
      {props.comps && (
        <>
          <h2 id="comps">{t("editor-people.comps.heading")}</h2>
          <CompTable comps={props.comps.comps} editors={props.comps.editors} />
          {props.comps.cursor && (
            <p>
              <a href={`/editor/gifts?status=${props.status}&comps=${encodeURIComponent(props.comps.cursor)}#comps`}>
                {t("editor-people.comps.more")}
              </a>
            </p>
          )}
        </>
      )}
    </EditorLayout>
  );
}
