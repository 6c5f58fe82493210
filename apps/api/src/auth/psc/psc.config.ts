import { z } from 'zod';
import { loadConfig } from '../../config/load-config';

const schema = z.object({
  PSC_ENABLED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** PSC publishes its metadata at a non-standard path. */
  PSC_DISCOVERY_URL: z.url().default('https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration'),
  PSC_CLIENT_ID: z.string().default(''),
  PSC_CLIENT_SECRET: z.string().default(''),
  /** The web app page that receives `code` and `state` and posts them to /auth/psc/callback. */
  PSC_REDIRECT_URI: z.url().default('http://127.0.0.1:3000/connexion/psc'),
  PSC_ACR: z.string().default('eidas1'),
});
export type PscConfig = z.infer<typeof schema>;
export const pscConfig = (env = process.env): PscConfig => {
  const c = loadConfig('psc', schema, env);
  if (c.PSC_ENABLED && (!c.PSC_CLIENT_ID || !c.PSC_CLIENT_SECRET)) {
    throw new Error('Configuration invalide (psc):\n  - PSC_CLIENT_ID / PSC_CLIENT_SECRET: obligatoires quand PSC_ENABLED=true');
  }
  return c;
};
