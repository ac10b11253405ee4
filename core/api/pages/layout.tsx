/** The pages' shared layout: the outlet's name, readable on a phone, no JavaScript. */
import type { Child } from "hono/jsx";
import * as Config from "../../config";

const css = `
body{margin:0;background:#f6f5f2;color:#1f1f1f;font:17px/1.55 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
header,main,footer{max-width:36rem;margin:0 auto;padding:1rem 1.25rem}
header{font-weight:700;font-size:1.1rem;border-bottom:1px solid #ddd}
main{background:#fff;border-radius:6px;margin-top:1.5rem}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
button{font:inherit;font-weight:600;background:#1a4d8f;color:#fff;border:0;border-radius:4px;padding:.7rem 1.3rem;cursor:pointer}
button.secondary{background:#fff;color:#1a4d8f;border:2px solid #1a4d8f}
button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #e8a317;outline-offset:2px}
label{display:block;font-weight:600;margin:1rem 0 .3rem}
input[type=text],input[type=date],select{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #767676;border-radius:4px}
fieldset{border:1px solid #ccc;border-radius:4px;margin:1rem 0;padding:.5rem 1rem}
fieldset label{display:inline;font-weight:400;margin:0}
.check{margin:.3rem 0}
.note{color:#555;font-size:.95rem}
.error{color:#a40000}
footer{color:#555;font-size:.9rem}
`;

export function Layout(props: { title: string; children: Child }) {
  const { OUTLET_NAME, POSTAL_ADDRESS } = Config.get();
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · ${OUTLET_NAME}`}</title>
        <style>{css}</style>
      </head>
      <body>
        <header>{OUTLET_NAME}</header>
        <main>{props.children}</main>
        <footer>{POSTAL_ADDRESS}</footer>
      </body>
    </html>
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
