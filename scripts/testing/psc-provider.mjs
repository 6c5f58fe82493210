#!/usr/bin/env node
// A local OpenID provider that behaves like Pro Santé Connect, for offline tests:
// discovery at /.well-known/wallet-openid-configuration, acr eidas1, scope `openid scope_all`,
// userinfo with SubjectNameID (8 + RPPS) and SubjectRefPro. The login page is automatic:
// it signs in the account named by `login_hint` (an RPPS). Prints `READY <issuer>`.
import http from 'node:http';
import Provider from 'oidc-provider';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const port = Number(arg('port', '4455'));
const redirectUri = arg('redirect-uri', 'http://127.0.0.1:5173/connexion/psc');
const acr = arg('acr', 'eidas1');
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'mtr2-test',
      client_secret: 'mtr2-test-secret-mtr2-test-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  scopes: ['openid', 'scope_all'],
  claims: { openid: ['sub'], scope_all: ['SubjectNameID', 'SubjectRefPro', 'given_name', 'family_name'] },
  acrValues: ['eidas1', 'eidas2'],
  features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
  pkce: { required: () => false },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['psc-mock-cookie-key'] },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: `psc-${id}`,
      SubjectNameID: `8${id}`,
      SubjectRefPro: { codeCivilite: 'DR', exercices: [{ codeProfession: '10', codeCategorieProfessionnelle: 'C' }] },
      given_name: 'Anne',
      family_name: 'Durand',
    }),
  }),
});

const server = http.createServer(async (req, res) => {
  try {
    if (req.url?.startsWith('/.well-known/wallet-openid-configuration')) {
      req.url = '/.well-known/openid-configuration';
      return provider.callback()(req, res);
    }
    const m = /^\/interaction\/([\w-]+)/.exec(req.url ?? '');
    if (m) {
      const details = await provider.interactionDetails(req, res);
      const accountId = String(details.params.login_hint ?? '');
      if (!/^\d{11}$/.test(accountId)) {
        res.writeHead(400).end('login_hint (RPPS) attendu');
        return;
      }
      const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
      grant.addOIDCScope('openid scope_all');
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId, acr }, consent: { grantId } }, { mergeWithLastSubmission: false });
      return;
    }
    return provider.callback()(req, res);
  } catch (e) {
    res.writeHead(500).end(String(e));
  }
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`READY ${issuer}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
