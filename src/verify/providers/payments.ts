/** Payments and commerce: Stripe, Shopify (the token plus its shop's myshopify.com domain), Square. */
import { interpretSimple, simpleVerifier, type Verifier } from "../verifier.js";

export const paymentsVerifiers: Verifier[] = [
  simpleVerifier({
    id: "stripe",
    provider: "Stripe",
    docs: "https://docs.stripe.com/api/accounts/retrieve",
    base: "https://api.stripe.com",
    path: "/v1/account",
    auth: { kind: "bearer" },
    identity: ["id"],
    // Restricted keys without the account permission get 403: the key itself works.
    forbiddenIsLive: true,
  }),
  {
    id: "shopify",
    provider: "Shopify",
    docs: "https://shopify.dev/docs/api/admin-rest/latest/resources/accessscope",
    base: "https://{shop}.myshopify.com",
    hostPattern: /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/,
    companions: [{ name: "shop", regex: /\b([a-z0-9][a-z0-9-]{0,60})\.myshopify\.com\b/, withinLines: 10, required: true }],
    request: (ctx) => {
      const base = ctx.overridden ? ctx.base : `https://${ctx.companions.shop}.myshopify.com`;
      return {
        method: "GET",
        url: `${base}/admin/oauth/access_scopes.json`,
        headers: { "x-shopify-access-token": ctx.secret },
      };
    },
    interpret: (answer) => interpretSimple({ provider: "Shopify", forbiddenIsLive: true }, answer),
  },
  simpleVerifier({
    id: "square",
    provider: "Square",
    docs: "https://developer.squareup.com/reference/square/merchants-api/retrieve-merchant",
    base: "https://connect.squareup.com",
    path: "/v2/merchants/me",
    auth: { kind: "bearer" },
    headers: { "square-version": "2024-10-17" },
    identity: ["merchant.business_name"],
    forbiddenIsLive: true,
  }),
  simpleVerifier({
    id: "mercadopago",
    provider: "Mercado Pago",
    docs: "https://www.mercadopago.com/developers/en/reference",
    base: "https://api.mercadopago.com",
    path: "/users/me",
    auth: { kind: "bearer" },
    identity: ["nickname"],
    invalidStatuses: [401, 403],
  }),
  simpleVerifier({
    id: "calcom",
    provider: "Cal.com",
    docs: "https://cal.com/docs/api-reference/v2/me/get-my-profile",
    base: "https://api.cal.com",
    path: "/v2/me",
    auth: { kind: "bearer" },
    identity: ["data.username"],
  }),
];
