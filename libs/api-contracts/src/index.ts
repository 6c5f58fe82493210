/**
 * The API's request and response contracts, shared with the web app (issue #8): the same zod
 * schemas validate at the API edge, generate its OpenAPI, and validate forms in the browser.
 * Pure zod: no Nest, no database, nothing Node-only (the web app bundles it).
 */
export * from './identifiers';
export * from './auth';
export * from './structures';
export * from './import-columns';
export * from './patients';
