/**
 * Editors: as the API meets them (bearer tokens with a name and a scope) and as the dashboard does (addresses in
 * `EDITORS` signing in by an emailed link, with a role), and the audit log of what they do.
 */
export { authenticate, editorFor, FAILURES, type Attempt, type Editor } from "./authenticate";
export { targetHash } from "./targets";
export { allows, editorScopes, type EditorScope, type EditorRole, type EditorAccount } from "../config";
export { EDITOR_SIGNIN, checkLink, editorKey, redeem, requestLink, sendLink } from "./signin";
export * as Sessions from "./sessions";
export * as Audit from "./audit";
