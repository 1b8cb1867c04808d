/** Cloud platforms: DigitalOcean, Heroku, Cloudflare, Vercel, Netlify, Linode, Hetzner Cloud, Render. */
import { field, simpleVerifier, type Verifier } from "../verifier.js";

export const cloudVerifiers: Verifier[] = [
  simpleVerifier({
    id: "digitalocean",
    provider: "DigitalOcean",
    docs: "https://docs.digitalocean.com/reference/api/digitalocean/#tag/Account/operation/account_get",
    base: "https://api.digitalocean.com",
    path: "/v2/account",
    auth: { kind: "bearer" },
    identity: ["account.uuid"],
  }),
  simpleVerifier({
    id: "heroku",
    provider: "Heroku",
    docs: "https://devcenter.heroku.com/articles/platform-api-reference#account-info",
    base: "https://api.heroku.com",
    path: "/account",
    auth: { kind: "bearer" },
    headers: { accept: "application/vnd.heroku+json; version=3" },
    identity: ["id"],
  }),
  simpleVerifier({
    id: "cloudflare",
    provider: "Cloudflare",
    docs: "https://developers.cloudflare.com/api/resources/user/subresources/tokens/methods/verify/",
    base: "https://api.cloudflare.com",
    path: "/client/v4/user/tokens/verify",
    auth: { kind: "bearer" },
    check: (json, answer) => {
      if (answer.status !== 200 || json === undefined) return undefined;
      const status = field(json, "result.status");
      if (status === "active") return { status: "live", detail: "Cloudflare accepted it (active)" };
      if (status) return { status: "invalid", detail: `Cloudflare knows it but it is ${status}` };
      return { status: "error", detail: "Cloudflare answered 200 without a token status (malformed body)" };
    },
    invalidStatuses: [400, 401],
  }),
  simpleVerifier({
    id: "vercel",
    provider: "Vercel",
    docs: "https://vercel.com/docs/rest-api/reference/endpoints/user/get-the-user",
    base: "https://api.vercel.com",
    path: "/v2/user",
    auth: { kind: "bearer" },
    identity: ["user.username"],
    invalidStatuses: [401, 403],
  }),
  simpleVerifier({
    id: "netlify",
    provider: "Netlify",
    docs: "https://open-api.netlify.com/#tag/user/operation/getCurrentUser",
    base: "https://api.netlify.com",
    path: "/api/v1/user",
    auth: { kind: "bearer" },
    identity: ["slug"],
  }),
  simpleVerifier({
    id: "linode",
    provider: "Linode",
    docs: "https://techdocs.akamai.com/linode-api/reference/get-profile",
    base: "https://api.linode.com",
    path: "/v4/profile",
    auth: { kind: "bearer" },
    identity: ["username"],
    forbiddenIsLive: true,
  }),
  simpleVerifier({
    id: "hetzner-cloud",
    provider: "Hetzner Cloud",
    docs: "https://docs.hetzner.cloud/reference/cloud#servers-get-all-servers",
    base: "https://api.hetzner.cloud",
    path: "/v1/servers?per_page=1",
    auth: { kind: "bearer" },
  }),
  simpleVerifier({
    id: "render",
    provider: "Render",
    docs: "https://api-docs.render.com/reference/list-owners",
    base: "https://api.render.com",
    path: "/v1/owners?limit=1",
    auth: { kind: "bearer" },
  }),
];
