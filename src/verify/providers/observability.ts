/** Observability: Datadog (site via verify.endpoints.datadog), Sentry, New Relic, PagerDuty, Honeycomb, LaunchDarkly, Opsgenie, Axiom. */
import { field, simpleVerifier, type Verifier } from "../verifier.js";

export const observabilityVerifiers: Verifier[] = [
  simpleVerifier({
    id: "datadog",
    provider: "Datadog",
    docs: "https://docs.datadoghq.com/api/latest/authentication/#validate-api-key",
    base: "https://api.datadoghq.com",
    path: "/api/v1/validate",
    auth: { kind: "header", name: "dd-api-key" },
    check: (json, answer) => {
      if (answer.status !== 200 || json === undefined) return undefined;
      return (json as { valid?: unknown }).valid === true
        ? { status: "live", detail: "Datadog accepted it (valid: true)" }
        : { status: "error", detail: "Datadog answered 200 without valid: true (malformed body)" };
    },
    invalidStatuses: [401, 403],
  }),
  simpleVerifier({
    id: "sentry",
    provider: "Sentry",
    docs: "https://docs.sentry.io/api/organizations/list-your-organizations/",
    base: "https://sentry.io",
    path: "/api/0/organizations/",
    auth: { kind: "bearer" },
    // Organization tokens carry only org:ci: 403 on this list still means the token authenticates.
    forbiddenIsLive: true,
  }),
  simpleVerifier({
    id: "newrelic",
    provider: "New Relic",
    docs: "https://docs.newrelic.com/docs/apis/nerdgraph/get-started/introduction-new-relic-nerdgraph/",
    base: "https://api.newrelic.com",
    path: "/graphql",
    method: "POST",
    auth: { kind: "header", name: "api-key" },
    body: JSON.stringify({ query: "{ actor { user { id } } }" }),
    check: (json, answer) => {
      if (answer.status !== 200 || json === undefined) return undefined;
      return field(json, "data.actor.user.id")
        ? { status: "live", detail: "New Relic accepted it" }
        : { status: "unknown", detail: "New Relic answered without a user (errors in the GraphQL answer)" };
    },
    invalidStatuses: [401, 403],
  }),
  simpleVerifier({
    id: "pagerduty",
    provider: "PagerDuty",
    docs: "https://developer.pagerduty.com/api-reference/b3A6Mjc0ODEwMA-list-abilities",
    base: "https://api.pagerduty.com",
    path: "/abilities",
    auth: { kind: "header", name: "authorization", prefix: "Token token=" },
    headers: { accept: "application/vnd.pagerduty+json;version=2" },
  }),
  simpleVerifier({
    id: "honeycomb",
    provider: "Honeycomb",
    docs: "https://docs.honeycomb.io/api/auth/list-authorizations",
    base: "https://api.honeycomb.io",
    path: "/1/auth",
    auth: { kind: "header", name: "x-honeycomb-team" },
    identity: ["team.name"],
  }),
  simpleVerifier({
    id: "launchdarkly",
    provider: "LaunchDarkly",
    docs: "https://launchdarkly.com/docs/api/other/get-caller-identity",
    base: "https://app.launchdarkly.com",
    path: "/api/v2/caller-identity",
    auth: { kind: "header", name: "authorization" },
    identity: ["tokenName"],
  }),
  simpleVerifier({
    id: "opsgenie",
    provider: "Opsgenie",
    docs: "https://docs.opsgenie.com/docs/account-api",
    base: "https://api.opsgenie.com",
    path: "/v2/account",
    auth: { kind: "header", name: "authorization", prefix: "GenieKey " },
    identity: ["data.name"],
    invalidStatuses: [401, 403],
  }),
  simpleVerifier({
    id: "axiom",
    provider: "Axiom",
    docs: "https://axiom.co/docs/restapi/endpoints/getCurrentUser",
    base: "https://api.axiom.co",
    path: "/v2/user",
    auth: { kind: "bearer" },
    identity: ["name"],
    forbiddenIsLive: true,
  }),
];
