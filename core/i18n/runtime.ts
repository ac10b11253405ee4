/** What `I18n.load()` loads: every catalogue and the ICU message formatter (an on-demand chunk when bundled). */
export { catalogues } from "./catalogues";
export { IntlMessageFormat } from "intl-messageformat";
