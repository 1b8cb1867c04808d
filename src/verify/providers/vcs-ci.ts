/** Code hosting and CI: GitHub (and GitHub Enterprise via verify.endpoints.github), GitLab, Azure DevOps, CircleCI, Buildkite, Snyk, Sourcegraph, Travis CI. */
import { VALIDATORS } from "../../detectors/validators.js";
import { clean, field, simpleVerifier, type Verifier } from "../verifier.js";

const githubChecksum = VALIDATORS["github-crc32"];

export const vcsCiVerifiers: Verifier[] = [
  simpleVerifier({
    id: "github",
    provider: "GitHub",
    docs: "https://docs.github.com/en/rest/users/users#get-the-authenticated-user",
    base: "https://api.github.com",
    path: "/user",
    auth: { kind: "token" },
    headers: { accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" },
    identity: ["login"],
    // Installation tokens (ghs_) may not read /user: 403 still proves the token authenticates.
    forbiddenIsLive: true,
    // A classic token whose checksum does not match was never issued: no need to ask.
    precheck: (secret) =>
      /^gh[pousr]_/.test(secret) && githubChecksum && !githubChecksum(secret)
        ? { status: "invalid", detail: "the token's CRC32 checksum does not match (never issued by GitHub); not sent" }
        : undefined,
  }),
  simpleVerifier({
    id: "gitlab",
    provider: "GitLab",
    docs: "https://docs.gitlab.com/api/personal_access_tokens/#get-single-personal-access-token",
    base: "https://gitlab.com",
    path: "/api/v4/personal_access_tokens/self",
    auth: { kind: "header", name: "private-token" },
    identity: ["name"],
    forbiddenIsLive: false,
  }),
  simpleVerifier({
    id: "azure-devops",
    provider: "Azure DevOps",
    docs: "https://learn.microsoft.com/en-us/rest/api/azure/devops/profile/profiles/get",
    base: "https://app.vssps.visualstudio.com",
    path: "/_apis/profile/profiles/me?api-version=7.1",
    auth: { kind: "basic", user: "" },
    identity: ["displayName"],
    // A rejected PAT gets 203 with the HTML sign-in page, not 401.
    check: (_json, answer) =>
      answer.status === 203 ? { status: "invalid", detail: "Azure DevOps rejected it (HTTP 203 sign-in page)" } : undefined,
  }),
  simpleVerifier({
    id: "circleci",
    provider: "CircleCI",
    docs: "https://circleci.com/docs/api/v2/index.html#operation/getCurrentUser",
    base: "https://circleci.com",
    path: "/api/v2/me",
    auth: { kind: "header", name: "circle-token" },
    identity: ["login"],
  }),
  simpleVerifier({
    id: "buildkite",
    provider: "Buildkite",
    docs: "https://buildkite.com/docs/apis/rest-api/access-token",
    base: "https://api.buildkite.com",
    path: "/v2/access-token",
    auth: { kind: "bearer" },
    identity: ["description"],
  }),
  simpleVerifier({
    id: "snyk",
    provider: "Snyk",
    docs: "https://docs.snyk.io/snyk-api/reference/users-v1#get-user-me",
    base: "https://api.snyk.io",
    path: "/v1/user/me",
    auth: { kind: "token" },
    identity: ["username"],
  }),
  simpleVerifier({
    id: "sourcegraph",
    provider: "Sourcegraph",
    docs: "https://sourcegraph.com/docs/api/graphql",
    base: "https://sourcegraph.com",
    path: "/.api/graphql",
    auth: { kind: "token" },
    method: "POST",
    body: JSON.stringify({ query: "query { currentUser { username } }" }),
    check: (json, answer) => {
      if (answer.status !== 200 || json === undefined) return undefined;
      const who = field(json, "data.currentUser.username");
      return who
        ? { status: "live", detail: clean(`Sourcegraph accepted it (${who})`) }
        : { status: "unknown", detail: "Sourcegraph answered without a current user" };
    },
  }),
  simpleVerifier({
    id: "travis-ci",
    provider: "Travis CI",
    docs: "https://developer.travis-ci.com/resource/user",
    base: "https://api.travis-ci.com",
    path: "/user",
    auth: { kind: "token" },
    headers: { "travis-api-version": "3" },
    identity: ["login"],
    invalidStatuses: [401, 403],
  }),
];
