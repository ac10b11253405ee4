/** The page the links of a digest preview or `[TEST]` copy lead to, in place of a reader's own links. */
import { Layout } from "./layout";

const what = { manage: "manage-preferences", unsubscribe: "unsubscribe", vote: "vote" } as const;

export function PreviewLinkPage(props: { link: keyof typeof what }) {
  return (
    <Layout title="This link is from a preview">
      <h1>This link is from a preview</h1>
      <p>
        You followed the {what[props.link]} link of a digest preview or a [TEST] copy. Its links act on
        nobody: nothing was changed.
      </p>
      <p class="note">In the email a reader receives, this link is their own and works.</p>
    </Layout>
  );
}
