/**
 * `/editor/gifts`: gifts by status (as `GET /api/gifts` lists them) and comps: the form that grants one (admins
 * only; it POSTs like `POST /api/patrons/comp`) and, for admins, the comped patrons.
 */
import type * as Editors from "../../../core/editors";
import * as Gifts from "../../../core/gifts";
import * as Money from "../../../core/money";
import type * as Patrons from "../../../core/patrons";
import { EditorLayout } from "./editor";

type ListedGift = Awaited<ReturnType<typeof Gifts.list>>["gifts"][number];

const STATUS_WORDS: Record<Gifts.GiftStatus, string> = {
  paid: "Waiting for their date",
  delivered: "Delivered, not redeemed",
  redeemed: "Redeemed",
  void: "Void",
};

const day = (at?: string) => (at ? at.slice(0, 10) : "");
const months = (n: number) => `${n} ${n === 1 ? "month" : "months"}`;

function GiftTable(props: { status: Gifts.GiftStatus; gifts: ListedGift[]; tierNames: Record<string, string> }) {
  return (
    <div class="scroll">
      <table>
        <caption>Gifts: {STATUS_WORDS[props.status].toLowerCase()}, by delivery date</caption>
        <thead>
          <tr>
            <th scope="col">Delivery date</th>
            <th scope="col">Recipient</th>
            <th scope="col">Membership</th>
            <th scope="col" class="num">
              Paid
            </th>
            <th scope="col">Buyer</th>
            <th scope="col">{props.status === "void" ? "Why void" : props.status === "redeemed" ? "Ends" : "Bought"}</th>
          </tr>
        </thead>
        <tbody>
          {props.gifts.map((gift) => (
            <tr>
              <td>{gift.deliverOn}</td>
              <td>{gift.recipientEmail === Gifts.ERASED_ADDRESS ? "(erased)" : gift.recipientEmail}</td>
              <td>
                {props.tierNames[gift.tierId] ?? gift.tierId}, {months(gift.months)}
              </td>
              <td class="num">{Money.format(gift.amount, gift.currency)}</td>
              <td>{gift.buyerEmail ?? ""}</td>
              <td>{props.status === "void" ? (gift.voidReason ?? "") : props.status === "redeemed" ? day(gift.endsAt) : day(gift.createdAt)}</td>
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
      <label for="comp-email">Subscriber's email address</label>
      <input type="email" id="comp-email" name="email" required maxlength={254} autocomplete="off" />
      <label for="comp-tier">Tier</label>
      <select id="comp-tier" name="tier" required>
        {props.tiers.map((tier) => (
          <option value={tier.id}>{tier.name}</option>
        ))}
      </select>
      <label for="comp-until">Until (the end of that day, UTC)</label>
      <input type="date" id="comp-until" name="until" required min={props.tomorrow} />
      <p>
        <button type="submit">Grant the comp</button>
      </p>
    </form>
  );
}

/** Who granted a comp: an editor of the dashboard (by their address in EDITORS), a gift, or an API token's name. */
function grantedBy(by: string | undefined, editors: Record<string, string>): string {
  if (!by) return "";
  if (by.startsWith("gift:")) return "a gift";
  if (by.startsWith("dashboard:")) return editors[by] ?? "an editor no longer listed";
  return `${by} (API token)`;
}

function CompTable(props: { comps: Patrons.CompedPatron[]; editors: Record<string, string> }) {
  if (props.comps.length === 0) return <p>Nobody is comped now.</p>;
  return (
    <div class="scroll">
      <table>
        <caption>Patrons comped now, by an editor or a gift</caption>
        <thead>
          <tr>
            <th scope="col">Subscriber</th>
            <th scope="col">Tier</th>
            <th scope="col">Until</th>
            <th scope="col">Granted by</th>
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
    <EditorLayout title="Gifts and comps" account={props.account} path="/editor/gifts">
      <h1>Gifts and comps</h1>
      {props.done === "comped" && (
        <p role="status" class="status">
          Comp granted.
        </p>
      )}
      <h2>Gifts</h2>
      <nav aria-label="Gifts by status">
        <ul>
          {Gifts.giftStatuses.map((status) => (
            <li>
              <a href={`/editor/gifts?status=${status}`} aria-current={status === props.status ? "page" : undefined}>
                {STATUS_WORDS[status]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.gifts.length === 0 ? (
        <p>No gifts are {STATUS_WORDS[props.status].toLowerCase()}.</p>
      ) : (
        <GiftTable status={props.status} gifts={props.gifts} tierNames={tierNames} />
      )}
      {props.cursor && (
        <p>
          <a href={`/editor/gifts?status=${props.status}&cursor=${encodeURIComponent(props.cursor)}`}>More gifts</a>
        </p>
      )}
      <h2 id="comp">Grant a comp</h2>
      {admin ? (
        <>
          <p class="note">
            A membership of a tier until a date, for someone already subscribed; it replaces a comp they have. A paid membership
            still decides their status while it lasts.
          </p>
          <CompForm tiers={props.tiers} tomorrow={props.tomorrow} />
        </>
      ) : (
        <p>Only admins grant comps.</p>
      )}
      {props.comps && (
        <>
          <h2 id="comps">Comped patrons</h2>
          <CompTable comps={props.comps.comps} editors={props.comps.editors} />
          {props.comps.cursor && (
            <p>
              <a href={`/editor/gifts?status=${props.status}&comps=${encodeURIComponent(props.comps.cursor)}#comps`}>More comped patrons</a>
            </p>
          )}
        </>
      )}
    </EditorLayout>
  );
}
