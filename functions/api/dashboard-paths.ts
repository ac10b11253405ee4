/**
 * The dashboard's paths the app's shell needs without loading the dashboard (`create-app.ts` gives the import
 * form the import's body limit): kept here so the API function's bundle does not take the dashboard's routes in.
 */
export const EDITOR_SUBSCRIBERS_PAGE = "/editor/subscribers";
/** The dashboard's CSV upload: its body limit is the API import's, not the pages' 64 KB. */
export const EDITOR_IMPORT_PATH = `${EDITOR_SUBSCRIBERS_PAGE}/import`;

/**
 * The gateway's routes to the dashboard's function (sst.config.ts): its pages, its sign-in request, and the whole
 * OpenAPI document (the API's function knows only its own routes).
 */
export const DASHBOARD_ROUTES = ["ANY /editor", "ANY /editor/{proxy+}", "POST /api/editor/login", "GET /openapi.json"] as const;
