/**
 * Work tools: Atlassian (token plus the account e-mail and the site), Linear,
 * Notion, Airtable, Figma, Asana, Doppler, Postman, Terraform Cloud, Dropbox,
 * HubSpot, Pulumi.
 */
import { basic, field, interpretSimple, parseJson, simpleVerifier, type Verifier } from "../verifier.js";

export const saasVerifiers: Verifier[] = [
  {
    // Atlassian API tokens authenticate as e-mail:token against the account's own site.
    id: "atlassian",
    provider: "Atlassian",
    docs: "https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/#api-rest-api-3-myself-get",
    base: "https://{site}.atlassian.net",
    hostPattern: /^[a-z0-9][a-z0-9-]{0,62}\.atlassian\.net$/,
    companions: [
      { name: "site", regex: /\b([a-z0-9][a-z0-9-]{0,62})\.atlassian\.net\b/, withinLines: 10, required: true },
      {
        name: "email",
        regex: /\b([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,})\b/,
        withinLines: 10,
        required: true,
      },
    ],
    request: (ctx) => {
      const base = ctx.overridden ? ctx.base : `https://${ctx.companions.site}.atlassian.net`;
      return { method: "GET", url: `${base}/rest/api/3/myself`, headers: basic(ctx.companions.email as string, ctx.secret) };
    },
    interpret: (answer) => interpretSimple({ provider: "Atlassian", identity: ["displayName"] }, answer),
  },
  {
    id: "linear",
    provider: "Linear",
    docs: "https://linear.app/developers/graphql#authentication",
    base: "https://api.linear.app",
    request: (ctx) => ({
      method: "POST",
      url: `${ctx.base}/graphql`,
      headers: { authorization: ctx.secret, "content-type": "application/json" },
      body: JSON.stringify({ query: "{ viewer { id name } }" }),
    }),
    // Linear reports a rejected key as a GraphQL error (AUTHENTICATION_ERROR), with HTTP 400 or 401.
    interpret: (answer) => {
      const json = parseJson(answer.body) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } | undefined;
      if (json?.errors?.some((e) => e.extensions?.code === "AUTHENTICATION_ERROR"))
        return { status: "invalid", detail: "Linear rejected it (AUTHENTICATION_ERROR)" };
      if (answer.status === 200 && json !== undefined && field(json, "data.viewer.id") === undefined)
        return { status: "error", detail: "Linear answered 200 without a viewer (malformed body)" };
      return interpretSimple({ provider: "Linear", identity: ["data.viewer.name"] }, answer);
    },
  },
  simpleVerifier({
    id: "notion",
    provider: "Notion",
    docs: "https://developers.notion.com/reference/get-self",
    base: "https://api.notion.com",
    path: "/v1/users/me",
    auth: { kind: "bearer" },
    headers: { "notion-version": "2022-06-28" },
    identity: ["name"],
  }),
  simpleVerifier({
    id: "airtable",
    provider: "Airtable",
    docs: "https://airtable.com/developers/web/api/get-user-id-scopes",
    base: "https://api.airtable.com",
    path: "/v0/meta/whoami",
    auth: { kind: "bearer" },
    identity: ["id"],
  }),
  simpleVerifier({
    id: "figma",
    provider: "Figma",
    docs: "https://www.figma.com/developers/api#get-me-endpoint",
    base: "https://api.figma.com",
    path: "/v1/me",
    auth: { kind: "header", name: "x-figma-token" },
    identity: ["handle"],
    invalidStatuses: [401, 403],
  }),
  simpleVerifier({
    id: "asana",
    provider: "Asana",
    docs: "https://developers.asana.com/reference/getuser",
    base: "https://app.asana.com",
    path: "/api/1.0/users/me",
    auth: { kind: "bearer" },
    identity: ["data.name"],
  }),
  simpleVerifier({
    id: "doppler",
    provider: "Doppler",
    docs: "https://docs.doppler.com/reference/auth-me",
    base: "https://api.doppler.com",
    path: "/v3/me",
    auth: { kind: "bearer" },
    identity: ["name"],
  }),
  simpleVerifier({
    id: "postman",
    provider: "Postman",
    docs: "https://learning.postman.com/docs/developer/postman-api/authentication/",
    base: "https://api.getpostman.com",
    path: "/me",
    auth: { kind: "header", name: "x-api-key" },
    identity: ["user.username"],
  }),
  simpleVerifier({
    id: "terraform-cloud",
    provider: "HCP Terraform",
    docs: "https://developer.hashicorp.com/terraform/cloud-docs/api-docs/account#get-your-account-details",
    base: "https://app.terraform.io",
    path: "/api/v2/account/details",
    auth: { kind: "bearer" },
    headers: { accept: "application/vnd.api+json" },
    identity: ["data.attributes.username"],
  }),
  simpleVerifier({
    id: "dropbox",
    provider: "Dropbox",
    docs: "https://www.dropbox.com/developers/documentation/http/documentation#users-get_current_account",
    base: "https://api.dropboxapi.com",
    path: "/2/users/get_current_account",
    method: "POST",
    auth: { kind: "bearer" },
    body: "null",
    identity: ["name.display_name"],
  }),
  simpleVerifier({
    id: "hubspot",
    provider: "HubSpot",
    docs: "https://developers.hubspot.com/docs/api/settings/account-information-api",
    base: "https://api.hubapi.com",
    path: "/account-info/v3/details",
    auth: { kind: "bearer" },
    identity: ["portalId"],
    forbiddenIsLive: true,
  }),
  simpleVerifier({
    id: "pulumi",
    provider: "Pulumi",
    docs: "https://www.pulumi.com/docs/pulumi-cloud/reference/cloud-rest-api/#get-current-user",
    base: "https://api.pulumi.com",
    path: "/api/user",
    auth: { kind: "token" },
    headers: { accept: "application/vnd.pulumi+8" },
    identity: ["githubLogin"],
  }),
];
