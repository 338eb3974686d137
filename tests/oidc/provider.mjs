// A tiny, real OpenID provider for kamp's federated sign-in tests (oidc-provider, Node 22).
//
// Configured from the environment:
//   OIDC_PORT              port to listen on (127.0.0.1)
//   OIDC_ISSUER            issuer it signs into ID tokens (default http://127.0.0.1:<port>)
//   OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI   the one client (kamp)
//   OIDC_ACCOUNTS          JSON {"<sub>": {"email": ..., "email_verified": ..., "name": ...}}
//   OIDC_ADVERTISED_ISSUER optional: the issuer its discovery document claims instead, so a
//                          test can make a provider whose tokens do not match its metadata
//
// Sign-in uses oidc-provider's devInteractions: a login form (login = the account's sub, any
// password), then a consent form; a test drives both over HTTP.
import Provider from 'oidc-provider';

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const port = Number(env('OIDC_PORT'));
const issuer = env('OIDC_ISSUER', `http://127.0.0.1:${port}`);
const accounts = JSON.parse(env('OIDC_ACCOUNTS'));
const advertisedIssuer = process.env.OIDC_ADVERTISED_ISSUER;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: env('OIDC_CLIENT_ID'),
      client_secret: env('OIDC_CLIENT_SECRET'),
      redirect_uris: [env('OIDC_REDIRECT_URI')],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Every client must use PKCE here, so a relying party that skipped it would fail the tests.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['kamp-test-provider-only'] },
  async findAccount(_ctx, sub) {
    const claims = accounts[sub];
    if (!claims) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...claims }) };
  },
});

if (advertisedIssuer) {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && ctx.body) {
      ctx.body = { ...ctx.body, issuer: advertisedIssuer };
    }
  });
}

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc test provider ${issuer} listening on 127.0.0.1:${port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
