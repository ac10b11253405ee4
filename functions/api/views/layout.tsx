/**
 * The pages' shared layout: the outlet's name and brand colour from configuration, readable on a phone, no
 * JavaScript. Every page is a header (name, navigation), one `<main>` and a footer with the postal address.
 */
import { createHash } from "node:crypto";
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import * as Config from "../../../core/config";
import * as I18n from "../../../core/i18n";
import { currentLanguage, languageLink, t } from "../language";

// Colours are chosen for WCAG AA contrast on their backgrounds (the brand colour is checked when configured).
const css = (brand: string) => `
:root{--brand:${brand}}
body{margin:0;background:#f6f5f2;color:#1f1f1f;font:17px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
.top{background:var(--brand);color:#fff}
.bar,main,footer{max-width:36rem;margin:0 auto;padding:1rem 1.25rem}
.bar{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.4rem 1.25rem;padding-top:.8rem;padding-bottom:.8rem}
.top a{color:#fff}
.outlet{font-weight:700;font-size:1.15rem;text-decoration:none}
.top ul{display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;list-style:none;margin:0;padding:0}
main{background:#fff;border-radius:6px;margin-top:1.5rem;overflow-wrap:anywhere}
a{color:var(--brand)}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.6rem 0 .5rem}
h3{font-size:1.05rem;margin:.1rem 0 .3rem}
button{font:inherit;font-weight:600;background:var(--brand);color:#fff;border:2px solid var(--brand);border-radius:4px;padding:.6rem 1.2rem;cursor:pointer;min-height:44px}
button.secondary{background:#fff;color:var(--brand)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #e8a317;outline-offset:2px}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
input[type=text],input[type=email],input[type=date],select{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #767676;border-radius:4px}
input[type=checkbox],input[type=radio]{width:1.1rem;height:1.1rem;vertical-align:-.15rem}
fieldset{border:1px solid #ccc;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .3rem}
fieldset label{display:inline;font-weight:400;margin:0}
.check label{display:inline;margin:0}
.check{margin:.4rem 0}
.note{color:#555;font-size:.95rem}
.error{color:#a40000}
.status{background:#eef5ee;border-left:4px solid #2e6b34;padding:.6rem .9rem}
.topics{list-style:none;margin:0;padding:0}
.topics>li{border-top:1px solid #ddd;padding:.9rem 0}
.topics>li:first-child{border-top:0}
.topics p{margin:.3rem 0}
.topics form{margin:.6rem 0 .2rem}
.score{font-weight:600}
.skip{position:absolute;left:-9999px;top:.5rem;background:#fff;color:var(--brand);padding:.5rem .8rem;border-radius:4px;z-index:1}
.skip:focus{left:.5rem}
main:focus{outline:none}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer{color:#555;font-size:.9rem}
.wide .bar,.wide main,.wide footer{max-width:72rem}
.top form{display:inline;margin:0}
.top button.link{background:none;border:0;color:#fff;text-decoration:underline;padding:0;min-height:auto;font-weight:400}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:1rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem}
.card .big{font-size:1.6rem;font-weight:700}
.languages ul{display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;list-style:none;margin:0;padding:0}
`;

const hashes = new Map<string, string>();

/**
 * The Content-Security-Policy source that lets this layout's `<style>` apply (its SHA-256), so the policy needs no
 * `'unsafe-inline'`: injected markup can style nothing. One per brand colour, which is all that varies.
 */
export function styleSource(brand: string): string {
  let source = hashes.get(brand);
  if (!source) {
    source = `'sha256-${createHash("sha256").update(css(brand)).digest("base64")}'`;
    hashes.set(brand, source);
  }
  return source;
}

/** A link of the header's navigation. */
export interface NavLink {
  href: string;
  label: string;
  current?: boolean;
}

const readerNav = (): NavLink[] => [
  { href: "/topics", label: t("common.layout.nav.topics") },
  { href: "/account", label: t("common.layout.nav.account") },
];

/** Every other language of `LANGUAGES`, each named in itself and linking to this page in it. */
function LanguageSwitch() {
  const current = currentLanguage();
  const others = Config.get().LANGUAGES.filter((code) => code !== current);
  if (others.length === 0) return null;
  return (
    <nav aria-label={t("common.language.switch")} class="languages">
      <ul>
        {others.map((code) => (
          <li>
            <a href={languageLink(code)} hreflang={code} lang={code}>
              {I18n.translator(code).t("common.language.name")}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * A page in the layout; `title` is the document's title (the page's `<h1>` is up to the page). The dashboard's
 * pages are `wide`, with their own navigation and a sign-out form (`actions`) in the header.
 */
export function Layout(props: { title: string; children: Child; nav?: NavLink[]; wide?: boolean; actions?: Child; home?: string }) {
  const { OUTLET_NAME, POSTAL_ADDRESS, BRAND_COLOR } = Config.get();
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang={currentLanguage()}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          <title>{t("common.layout.title", { page: props.title, outlet: OUTLET_NAME })}</title>
          {/* Raw: our own CSS, whose quotes and `>` must survive (the colour is validated as #rrggbb). */}
          <style dangerouslySetInnerHTML={{ __html: css(BRAND_COLOR) }} />
        </head>
        <body class={props.wide ? "wide" : undefined}>
          <a class="skip" href="#main">
            {t("common.layout.skip")}
          </a>
          <header class="top">
            <div class="bar">
              <a class="outlet" href={props.home ?? "/"}>
                {OUTLET_NAME}
              </a>
              <nav aria-label={t("common.layout.nav.site")}>
                <ul>
                  {(props.nav ?? readerNav()).map((link) => (
                    <li>
                      <a href={link.href} aria-current={link.current ? "page" : undefined}>
                        {link.label}
                      </a>
                    </li>
                  ))}
                  {props.actions && <li>{props.actions}</li>}
                </ul>
              </nav>
              <LanguageSwitch />
            </div>
          </header>
          <main id="main" tabindex={-1}>
            {props.children}
          </main>
          <footer>{POSTAL_ADDRESS}</footer>
        </body>
      </html>
    </>
  );
}

/** A page with a heading and a message: for outcomes ("You're unsubscribed") and errors. */
export function MessagePage(props: { title: string; children: Child }) {
  return (
    <Layout title={props.title}>
      <h1>{props.title}</h1>
      {props.children}
    </Layout>
  );
}
