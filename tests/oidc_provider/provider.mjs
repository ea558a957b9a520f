// A real OpenID provider for IPT Clinic's single sign-on tests: node-oidc-provider (a certified
// implementation) with discovery, a JWKS, signed ID tokens, the code flow with PKCE, userinfo,
// and client authentication by client_secret_post or private_key_jwt.
//
// The tests start it as a subprocess (tests/sso.py) with one JSON argument:
//   {"port": 0, "clients": [client metadata...], "accounts": {"login": {"password": "...",
//    "claims": {...}}}}
// It prints one line "ready <issuer>" when it listens, and stops on SIGTERM.
// Its login and consent pages are plain HTML with no outside resources, so a browser on a closed
// network loads them without errors.
import http from 'node:http';
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2]);
const accounts = config.accounts;

// The tests run at a frozen instant (decisions §36): the provider's clock starts at the tests'
// "now" and ticks on, so tokens and client assertions agree on the time. Cookies lose their
// expiry date (a browser would drop one dated in the past) and live as long as the browser.
// POST /test-clock?now=<seconds> moves it again, for a provider shared by several tests.
const realNow = Date.now.bind(Date);
let offset = 0;
function setClock(seconds) { offset = seconds ? seconds * 1000 - realNow() : 0; }
setClock(config.now);
Date.now = () => realNow() + offset;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', use: 'sig', alg: 'RS256' };

function page(title, body) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>`
    + `<body><h1>${title}</h1>${body}</body></html>`;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html);
}

const server = http.createServer();
server.listen(config.port || 0, '127.0.0.1', async () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: ['test-cookie-key-not-secret'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'RS512', 'ES256', 'PS256'] },
    scopes: ['openid', 'profile', 'email', 'nhs_number'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'identity_proofing_level'],
      nhs_number: ['nhs_number'],
    },
    async findAccount(ctx, id) {
      if (!accounts[id]) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...accounts[id].claims }; } };
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));
  const callback = provider.callback();

  server.on('request', async (req, res) => {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = (name, value) => setHeader(name, name.toLowerCase() === 'set-cookie'
      ? [].concat(value).map((cookie) => cookie.replace(/;\s*(expires|max-age)=[^;]*/gi, ''))
      : value);
    if (req.method === 'POST' && req.url.startsWith('/test-clock?now=')) {
      setClock(Number(req.url.split('=')[1]));
      return send(res, 204, '');
    }
    const match = req.url.match(/^\/interaction\/([\w-]+)(\/(login|confirm))?$/);
    if (!match) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      const action = `/interaction/${match[1]}`;
      if (req.method === 'GET' && details.prompt.name === 'login') {
        return send(res, 200, page('Test identity provider: sign in',
          `<form method="post" action="${action}/login">`
          + '<p><label for="login">Login</label> <input id="login" name="login" autocomplete="off"></p>'
          + '<p><label for="password">Secret</label> <input id="password" name="password" type="password"></p>'
          + '<p><button type="submit">Continue</button></p></form>'));
      }
      if (req.method === 'GET') {
        return send(res, 200, page('Test identity provider: allow access',
          `<p>${escape(details.params.client_id)} asks for: ${escape(details.params.scope)}</p>`
          + `<form method="post" action="${action}/confirm"><button type="submit">Allow</button></form>`));
      }
      if (match[3] === 'login') {
        const form = await readForm(req);
        const account = accounts[form.get('login')];
        if (!account || account.password !== form.get('password')) {
          return send(res, 200, page('Test identity provider: sign in', '<p role="alert">Wrong login or secret.</p>'));
        }
        return provider.interactionFinished(req, res,
          // remember: false keeps the provider's session cookie for this browser session only.
          { login: { accountId: form.get('login'), amr: account.amr, acr: account.acr, remember: false } },
          { mergeWithLastSubmission: false });
      }
      if (match[3] === 'confirm') {
        const { prompt: { details: missing }, params, session } = details;
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
        if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
        if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
        const grantId = await grant.save();
        return provider.interactionFinished(req, res, { consent: { grantId } },
          { mergeWithLastSubmission: true });
      }
      return send(res, 405, page('Not allowed', ''));
    } catch (error) {
      console.error('interaction error', error);
      return send(res, 400, page('Interaction failed', `<p>${escape(error.message)}</p>`));
    }
  });
  process.stdout.write(`ready ${issuer}\n`);
});

process.on('SIGTERM', () => server.close(() => process.exit(0)));
