/** Editors as the API meets them: bearer tokens with a name and a scope, and what their actions are logged with. */
export { authenticate, editorFor, FAILURES, type Attempt, type Editor } from "./authenticate";
export { targetHash } from "./targets";
export { allows, editorScopes, type EditorScope } from "../config";
