import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { Issuer, type BaseClient } from 'openid-client';
import { Problem } from '../../common/problem';
import { TenantDb } from '../../database/tenant-db';
import { AuthService } from '../auth.service';
import type { TokenPair } from '../tokens.service';
import { User } from '../user.entity';
import { rppsFromSubjectNameId } from './psc-identity';
import { pscConfig, type PscConfig } from './psc.config';

const DISABLED = () => new Problem(404, 'psc_indisponible', "La connexion Pro Santé Connect n'est pas activée sur cette plateforme.");
const REFUSED = (detail: string) => new Problem(401, 'psc_refuse', detail);

/**
 * Pro Santé Connect (OIDC): a second way to obtain the same session as the local login.
 * The state parameter is a short-lived signed token carrying the nonce, so no server-side
 * session is needed between the redirect and the callback.
 */
@Injectable()
export class PscService {
  private readonly cfg: PscConfig = pscConfig();
  private client?: Promise<BaseClient>;

  constructor(
    private readonly jwt: JwtService,
    private readonly db: TenantDb,
    private readonly auth: AuthService,
  ) {}

  private getClient(): Promise<BaseClient> {
    if (!this.cfg.PSC_ENABLED) throw DISABLED();
    this.client ??= Issuer.discover(this.cfg.PSC_DISCOVERY_URL).then(
      (issuer) =>
        new issuer.Client({
          client_id: this.cfg.PSC_CLIENT_ID,
          client_secret: this.cfg.PSC_CLIENT_SECRET,
          redirect_uris: [this.cfg.PSC_REDIRECT_URI],
          response_types: ['code'],
        }),
      (e: unknown) => {
        this.client = undefined;
        throw e;
      },
    );
    return this.client;
  }

  async start(): Promise<{ authorizationUrl: string }> {
    const client = await this.getClient();
    const nonce = randomBytes(16).toString('base64url');
    const state = await this.jwt.signAsync({ purpose: 'psc', nonce }, { expiresIn: 600 });
    const authorizationUrl = client.authorizationUrl({
      scope: 'openid scope_all',
      acr_values: this.cfg.PSC_ACR,
      redirect_uri: this.cfg.PSC_REDIRECT_URI,
      state,
      nonce,
    });
    return { authorizationUrl };
  }

  async callback(code: string, state: string, iss?: string): Promise<TokenPair> {
    const client = await this.getClient();
    const signed = await this.jwt.verifyAsync<{ purpose: string; nonce: string }>(state).catch(() => null);
    if (!signed || signed.purpose !== 'psc') throw REFUSED('La connexion Pro Santé Connect a expiré : recommencez.');
    const tokens = await client
      .callback(this.cfg.PSC_REDIRECT_URI, { code, state, ...(iss ? { iss } : {}) }, { state, nonce: signed.nonce, response_type: 'code' })
      .catch(() => null);
    if (!tokens) throw REFUSED('Pro Santé Connect a refusé la connexion : recommencez.');
    if (tokens.claims().acr !== this.cfg.PSC_ACR) {
      throw REFUSED("Niveau d'authentification insuffisant : utilisez votre carte CPS ou l'application e-CPS.");
    }
    const info = await client.userinfo(tokens);
    const rpps = rppsFromSubjectNameId(info.SubjectNameID);
    if (!rpps) throw REFUSED("Votre identifiant Pro Santé Connect ne correspond pas à un numéro RPPS.");
    const user = await this.db.anonymous((em) => em.getRepository(User).findOneBy({ rpps }));
    if (!user || user.disabled) {
      throw new Problem(403, 'rpps_inconnu', `Aucun compte actif n'est rattaché au RPPS ${rpps} sur la plateforme MTR 2. Contactez le coordinateur de votre structure.`);
    }
    return this.auth.login(user);
  }
}
