/** The sign-in pages. The link's page only shows a button that POSTs: opening a link never signs anyone in. */
import { MessagePage } from "./layout";

/** `/login` without a link: ask for one by email. */
export function SignInRequestPage() {
  return (
    <MessagePage title="Sign in">
      <p>Enter the address you subscribed with. We'll email you a link that signs you in: no password needed.</p>
      <form method="post" action="/api/login">
        <label for="email">Email address</label>
        <input type="email" id="email" name="email" required maxlength={254} autocomplete="email" />
        <p>
          <button type="submit">Email me a sign-in link</button>
        </p>
      </form>
    </MessagePage>
  );
}

/** The answer to the form above, whatever the address: it must not tell who is subscribed. */
export function LinkSentPage() {
  return (
    <MessagePage title="Check your email">
      <p>If this address belongs to a subscriber, a sign-in link is on its way. It works for 24 hours.</p>
      <p class="note">
        Nothing arrived after a few minutes? Look in your spam folder, or <a href="/login">ask again</a>.
      </p>
    </MessagePage>
  );
}

/** `/login?token=…`, the page a sign-in link opens. */
export function SignInPage(props: { token: string }) {
  return (
    <MessagePage title="Sign in">
      <p>Press the button to sign in on this device.</p>
      <form method="post" action="/login">
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Sign me in</button>
      </form>
      <p class="note">If you didn't ask to sign in, close this page: nothing will happen.</p>
    </MessagePage>
  );
}
