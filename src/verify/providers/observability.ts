/** Observability: Datadog (site via verify.endpoints.datadog), Sentry, New Relic, PagerDuty. */
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
];
