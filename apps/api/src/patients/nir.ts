/** NIR checks live in @mtr/api-contracts: the web app's patient lookup form refuses exactly what the API does. */
export { checkNir, nirSex, normaliseNir, type NirCheck } from '@mtr/api-contracts';
