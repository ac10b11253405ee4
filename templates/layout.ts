/**
 * The shared email layout: table-based with inline CSS (what email clients render), a hidden preheader at the
 * top, the outlet name as header and a footer with the postal address and any footer links. Deliberately plain:
 * a later issue replaces it with MJML.
 */
import { html, raw, toText, oneLine, safeUrl, type Html, type Rendered } from "./html";

export interface LayoutData {
  outletName: string;
  postalAddress: string;
  subject: string;
  /** The preview line most inboxes show after the subject. */
  preheader: string;
  body: Html;
  /** Footer links such as "Manage preferences" and "Unsubscribe". */
  footerLinks?: { label: string; url: string }[];
}

const font = raw("font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif");
// Zero-width padding after the preheader, so inboxes don't pull body text into the preview line.
const preheaderPadding = raw("&#8204;&nbsp;".repeat(40));

export function layout(data: LayoutData): Rendered {
  const links = (data.footerLinks ?? []).map(
    (link, i) =>
      html`${i ? " · " : ""}<a href="${safeUrl(link.url)}" style="color:#666666;text-decoration:underline">${link.label}</a>`,
  );
  const document = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${data.subject}</title>
<style>
@media only screen and (max-width: 620px) {
  .container { width: 100% !important; }
  .content { padding: 20px 16px !important; }
}
</style>
</head>
<body style="margin:0;padding:0;background-color:#f4f4f4">
<div class="preheader" style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all">${data.preheader}${preheaderPadding}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f4f4">
<tr><td align="center" style="padding:24px 8px">
<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:600px;background-color:#ffffff;border-radius:6px">
<tr><td class="content" style="padding:24px 32px 0 32px;${font}">
<h1 style="margin:0;font-size:22px;line-height:28px;color:#111111">${data.outletName}</h1>
</td></tr>
<tr><td class="content" style="padding:16px 32px 24px 32px;${font};font-size:16px;line-height:24px;color:#222222">
${data.body}
</td></tr>
<tr><td class="content" style="padding:16px 32px 24px 32px;border-top:1px solid #eeeeee;${font};font-size:12px;line-height:18px;color:#666666">
${links.length ? html`<p style="margin:0 0 8px 0">${links}</p>` : ""}
<p style="margin:0">${data.outletName} · ${data.postalAddress}</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>`.toString();
  return { subject: oneLine(data.subject), html: document, text: toText(document) };
}

/** A bulletproof-ish button: a table cell with a background colour, so it survives clients that drop CSS. */
export function button(url: string, label: string): Html {
  return html`<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:24px 0">
<tr><td align="center" bgcolor="#1a56db" style="border-radius:4px">
<a href="${safeUrl(url)}" style="display:inline-block;padding:12px 24px;${font};font-size:16px;font-weight:600;color:#ffffff;text-decoration:none;border-radius:4px">${label}</a>
</td></tr>
</table>`;
}

/** A paragraph with the layout's spacing. */
export function paragraph(content: Html | string): Html {
  return html`<p style="margin:0 0 16px 0">${content}</p>`;
}
