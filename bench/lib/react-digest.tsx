/** @jsxImportSource react */
/**
 * The digest as a react-email component, for the render benchmark only (the project's own JSX is Hono's): the
 * same blocks as templates/mjml/digest.mjml (preheader, header, greeting and intro, "You asked, we covered it",
 * topic sections of article cards, the vote block or the patron invitation, the footer with its links), fed the
 * same values, rendered per recipient with @react-email/render as a react-email user would.
 */
import { Body, Button, Container, Head, Heading, Hr, Html, Link, Preview, Section, Text } from "@react-email/components";
import { render, toPlainText } from "@react-email/render";
import type { PrepareInput } from "../../core/digests/render";
import { personal } from "../../core/digests/render/personal";
import { select } from "../../core/digests/render/select";
import { view, type Card } from "../../core/digests/render/view";
import type { Recipient } from "../../core/digests/types";

const font = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif";
const text = { fontSize: "16px", lineHeight: "24px", color: "#222222", margin: "0 0 12px 0" };
const label = { margin: 0, fontSize: "12px", lineHeight: "18px", fontWeight: 700, letterSpacing: "1px", textTransform: "uppercase" as const, color: "#1a56db" };
const meta = { margin: "0 0 6px 0", fontSize: "13px", lineHeight: "18px", color: "#666666" };
const small = { margin: "0 0 8px 0", fontSize: "12px", lineHeight: "18px", color: "#666666" };
const block = { backgroundColor: "#ffffff", padding: "8px 32px" };

interface Group {
  title: string;
  articles: Card[];
}

interface DigestProps {
  subject: string;
  meta: string;
  intro: string[];
  outlet: { name: string; postal_address: string };
  name: string;
  preheader: string;
  manageUrl: string;
  unsubscribeUrl: string;
  asked: Group[];
  sections: Group[];
  voteTopics: Array<{ id: string; title: string; standing: string; url: string }>;
  invitation: { coffee: string; join_url: string; tiers: Array<{ name: string; price: string; join_url: string }> } | null;
}

function ArticleCard({ article }: { article: Card }) {
  return (
    <Section style={{ padding: "12px 0" }}>
      <Heading as="h2" style={{ margin: "0 0 4px 0", fontSize: "19px", lineHeight: "25px" }}>
        <Link href={article.url} style={{ color: "#111111", textDecoration: "none" }}>
          {article.title}
        </Link>
      </Heading>
      <Text style={meta}>
        {article.author ? `${article.author} · ` : ""}
        {article.date}
      </Text>
      {article.summary ? <Text style={{ ...text, margin: 0 }}>{article.summary}</Text> : null}
    </Section>
  );
}

export function Digest(props: DigestProps) {
  return (
    <Html lang="en">
      <Head>
        <title>{props.subject}</title>
      </Head>
      <Preview>{props.preheader}</Preview>
      <Body style={{ backgroundColor: "#f4f4f4", fontFamily: font, margin: 0 }}>
        <Container style={{ maxWidth: "600px" }}>
          <Section style={{ ...block, paddingTop: "24px" }}>
            <Text style={label}>{props.outlet.name}</Text>
            <Heading as="h1" style={{ margin: 0, fontSize: "24px", lineHeight: "30px", color: "#111111" }}>
              {props.subject}
            </Heading>
            <Text style={meta}>{props.meta}</Text>
          </Section>
          <Section style={block}>
            <Text style={text}>{props.name ? `Hello ${props.name},` : "Hello,"}</Text>
            {props.intro.map((paragraph, i) => (
              <Text key={i} style={text}>
                {paragraph}
              </Text>
            ))}
          </Section>
          <Section style={block}>
            {props.asked.map((group) => (
              <Section key={`asked-${group.title}`} style={{ backgroundColor: "#eef4ff", padding: "12px 16px" }}>
                <Text style={label}>You asked, we covered it</Text>
                <Text style={{ ...text, margin: 0 }}>
                  You voted for <strong>{group.title}</strong>. Thank you: here is what we published.
                </Text>
                {group.articles.map((article) => (
                  <ArticleCard key={article.url} article={article} />
                ))}
              </Section>
            ))}
            {props.sections.map((group) => (
              <Section key={group.title}>
                <Hr style={{ borderColor: "#eeeeee" }} />
                <Text style={label}>{group.title}</Text>
                {group.articles.map((article) => (
                  <ArticleCard key={article.url} article={article} />
                ))}
              </Section>
            ))}
          </Section>
          {props.voteTopics.length > 0 ? (
            <Section style={{ ...block, backgroundColor: "#eef4ff" }}>
              <Text style={label}>For patrons</Text>
              <Heading as="h2">Vote on what we cover next</Heading>
              <Text style={text}>Your vote decides where our reporters go. One click opens your ballot:</Text>
              {props.voteTopics.map((topic) => (
                <Text key={topic.id} style={text}>
                  <strong>{topic.title}</strong> <span style={meta}>({topic.standing})</span>
                  <br />
                  <Link href={topic.url}>Vote for {topic.title}</Link>
                </Text>
              ))}
            </Section>
          ) : null}
          {props.invitation ? (
            <Section style={{ ...block, backgroundColor: "#fff8e6" }}>
              <Text style={label}>Become a patron</Text>
              <Heading as="h2">Keep {props.outlet.name} independent</Heading>
              <Text style={text}>
                For the price of a coffee, {props.invitation.coffee}, you keep our reporting free for everyone, and as a
                patron you vote on the topics we cover next.
              </Text>
              {props.invitation.tiers.map((tier) => (
                <Text key={tier.name} style={text}>
                  <strong>{tier.name}</strong>: {tier.price}. <Link href={tier.join_url}>Join as {tier.name}</Link>
                </Text>
              ))}
              <Button href={props.invitation.join_url} style={{ backgroundColor: "#1a56db", color: "#ffffff", padding: "12px 24px", borderRadius: "4px" }}>
                Become a patron
              </Button>
            </Section>
          ) : null}
          <Section style={{ ...block, paddingBottom: "24px" }}>
            <Hr style={{ borderColor: "#eeeeee" }} />
            <Text style={small}>
              You receive this because you subscribed to {props.outlet.name}. <Link href={props.manageUrl}>Manage preferences</Link> ·{" "}
              <Link href={props.unsubscribeUrl}>Unsubscribe</Link>
            </Text>
            <Text style={small}>
              {props.outlet.name} · {props.outlet.postal_address}
            </Text>
          </Section>
        </Container>
      </Body>
    </Html>
  );
}

/** One reader's copy rendered with react-email (HTML, then its text part); null when they have nothing to read. */
export async function renderWithReactEmail(input: PrepareInput, recipient: Recipient): Promise<{ html: string; text: string } | null> {
  const v = view(input);
  const selection = select(v.plan, recipient);
  if (!selection) return null;
  const values = personal(recipient, selection, v.plan, v.voteTopics.map((topic) => topic.id), v.issuedAt);
  const shared = v.shared as { meta: string; intro: string[]; outlet: DigestProps["outlet"]; invitation: DigestProps["invitation"] };
  const groups = (list: typeof selection.sections): Group[] =>
    list.map((group) => ({
      title: v.topicTitles.get(group.topicId) ?? group.topicId,
      articles: group.articleIds.map((id) => v.cards.get(id)!),
    }));
  const html = await render(
    <Digest
      subject={v.subject}
      meta={shared.meta}
      intro={shared.intro}
      outlet={shared.outlet}
      name={values.name}
      preheader={values.preheader}
      manageUrl={values.manageUrl}
      unsubscribeUrl={values.unsubscribeUrl}
      asked={groups(selection.asked)}
      sections={groups(selection.sections)}
      voteTopics={v.voteTopics.map((topic) => ({ ...topic, url: values.voteUrls[topic.id]! }))}
      invitation={shared.invitation}
    />,
  );
  return { html, text: toPlainText(html) };
}
