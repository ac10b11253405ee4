/**
 * Email templates: pure functions of their data, each returning `{ subject, html, text }`, with preview data
 * beside it. Everything interpolated is HTML-escaped; links must be absolute http(s) or mailto URLs.
 *
 * The sources are MJML with Liquid (`templates/mjml/`, partials in `templates/mjml/partials/`), compiled at build
 * time by `npm run build:templates` into `templates/compiled/` (committed; a unit test fails when it is stale).
 * At run time only LiquidJS renders them (`engine.ts`), and the text part comes from the HTML (`html.ts`).
 * Digests are rendered once per digest and variant and assembled per reader by core/digests/render.
 *
 * ```ts
 * import * as Templates from "../../templates";
 * await Email.send({ to, ...Templates.confirmation({ outletName, confirmUrl, postalAddress }) });
 * ```
 */
import * as I18n from "../core/i18n";
import { preview as alreadySubscribedPreview } from "./already-subscribed";
import { preview as confirmationPreview } from "./confirmation";
import { preview as signinPreview } from "./signin";
import { preview as editorSigninPreview } from "./editor-signin";
import { preview as welcomePreview } from "./welcome";
import { previews as patronPreviews } from "./patron-emails";
import { previews as emailChangePreviews } from "./email-change";
import { coveredPreview as contributionCoveredPreview, preview as contributionThanksPreview } from "./contribution-emails";
import { previews as giftPreviews } from "./gift-emails";
import { previews as seriesPreviews } from "./series-emails";
import { preview as winBackPreview } from "./winback";
import { previews as billingPreviews } from "./billing-emails";
import { preview as patronPausedPreview } from "./pause-emails";

export { alreadySubscribed, type AlreadySubscribedData } from "./already-subscribed";
export { confirmation, type ConfirmationData } from "./confirmation";
export { signin, type SigninData } from "./signin";
export { editorSignin, type EditorSigninData } from "./editor-signin";
export { emailChangeConfirm, emailChangeNotice, type EmailChangeConfirmData, type EmailChangeNoticeData } from "./email-change";
export { welcome, type WelcomeData } from "./welcome";
export {
  patronWelcome,
  paymentFailed,
  patronLapsed,
  type PatronWelcomeData,
  type PaymentFailedData,
  type PatronLapsedData,
} from "./patron-emails";
export { contributionCovered, contributionThanks, type ContributionCoveredData, type ContributionThanksData } from "./contribution-emails";
export { giftRedeem, giftInvitation, type GiftRedeemData, type GiftInvitationData } from "./gift-emails";
export { seriesBestOf, seriesPatronInvitation, type SeriesBestOfData, type SeriesPatronInvitationData } from "./series-emails";
export { winBack, winBackMessage, type WinBackData } from "./winback";
export { paymentReminder, cardExpiring, type PaymentReminderData, type CardExpiringData } from "./billing-emails";
export { patronPaused, patronPausedMessage, type PatronPausedData } from "./pause-emails";
export type { Rendered } from "./html";

/** Preview data for every template, by template name (for an editor's preview page). */
export const previews = {
  confirmation: confirmationPreview,
  welcome: welcomePreview,
  alreadySubscribed: alreadySubscribedPreview,
  ...patronPreviews,
  signin: signinPreview,
  editorSignin: editorSigninPreview,
  ...emailChangePreviews,
  contributionThanks: contributionThanksPreview,
  contributionCovered: contributionCoveredPreview,
  ...giftPreviews,
  ...seriesPreviews,
  winBack: winBackPreview,
  ...billingPreviews,
  patronPaused: patronPausedPreview,
};

export { digestPreview, digestPreviewReader } from "./digest-preview";

// Subjects and headings come from the catalogues: whoever has the templates has them loaded.
await I18n.load();
