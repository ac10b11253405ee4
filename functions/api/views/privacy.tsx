/**
 * The account page's privacy section ("Download your data", "Erase your data") and the page shown once erased.
 * The erase form POSTs (never a GET: link scanners) and asks for an explicit tick, since it cannot be undone.
 */
import { MessagePage } from "./layout";

export const EXPORT_PATH = "/api/account/export";
export const ERASE_FORM_PATH = "/account/delete";

export function PrivacySection(props: { patron: boolean }) {
  return (
    <section>
      <h2>Your data</h2>
      <p>
        <a href={EXPORT_PATH} download="your-data.json">
          Download your data
        </a>
        : everything we hold about you, as a JSON file.
      </p>
      <h3>Erase your data</h3>
      <p>
        We delete your email address, your name, your preferences and your sign-in sessions, and stop every email at
        once. The digests we sent you and your votes stay only as anonymous numbers that no longer lead to you.
      </p>
      {props.patron && (
        <p class="error">
          Your membership is cancelled at once: no further payments, and no refund of the current period. Stripe keeps
          its own record of past payments, as the law requires.
        </p>
      )}
      <p>
        <strong>This cannot be undone.</strong> You can always subscribe again later, as a new reader.
      </p>
      <form method="post" action={ERASE_FORM_PATH}>
        <div class="check">
          <input type="checkbox" id="erase-confirm" name="confirm" value="yes" required />{" "}
          <label for="erase-confirm">I understand: erase my data</label>
        </div>
        <p>
          <button type="submit" class="secondary">
            Erase my data
          </button>
        </p>
      </form>
    </section>
  );
}

export function ErasedPage() {
  return (
    <MessagePage title="Your data is erased">
      <p class="status">We no longer hold your email address or anything else that leads to you, and we won't email you again.</p>
      <p>
        Thank you for reading. If you ever want our digests again, you're welcome to <a href="/">subscribe</a> anew.
      </p>
    </MessagePage>
  );
}
