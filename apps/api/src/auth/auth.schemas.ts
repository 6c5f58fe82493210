// The auth contracts live in @mtr/api-contracts, shared with the web app (issue #8).
export { loginSchema, meSchema, refreshSchema, tokenPairSchema } from '@mtr/api-contracts';
