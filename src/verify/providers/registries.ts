/** Package registries: npm, PyPI (and TestPyPI), Docker Hub (token plus user name), crates.io. */
import { VALIDATORS } from "../../detectors/validators.js";
import { basic, interpretSimple, simpleVerifier, type Verifier } from "../verifier.js";

const npmChecksum = VALIDATORS["npm-crc32"];

/**
 * PyPI has no "who am I" endpoint for API tokens. The documented upload API
 * checks the credential before anything else, so an upload with no file is
 * refused either way and creates nothing: 403 means the token was rejected,
 * 400 (bad request: no file) means it authenticated.
 */
function pypi(id: string, provider: string, base: string): Verifier {
  return {
    id,
    provider,
    docs: "https://docs.pypi.org/api/upload/",
    base,
    request: (ctx) => ({
      method: "POST",
      url: `${ctx.base}/legacy/`,
      headers: { ...basic("__token__", ctx.secret), "content-type": "application/x-www-form-urlencoded" },
      body: ":action=file_upload&protocol_version=1",
    }),
    interpret: (answer) => {
      if (answer.status === 400)
        return { status: "live", detail: `${provider} accepted it (the empty upload was refused: nothing created)` };
      if (answer.status === 403 || answer.status === 401)
        return { status: "invalid", detail: `${provider} rejected it (HTTP ${answer.status})` };
      return { status: "unknown", detail: `${provider} answered HTTP ${answer.status}` };
    },
  };
}

export const registriesVerifiers: Verifier[] = [
  simpleVerifier({
    id: "npm",
    provider: "npm",
    docs: "https://docs.npmjs.com/cli/v10/commands/npm-whoami",
    base: "https://registry.npmjs.org",
    path: "/-/whoami",
    auth: { kind: "bearer" },
    identity: ["username"],
    precheck: (secret) =>
      /^npm_/.test(secret) && npmChecksum && !npmChecksum(secret)
        ? { status: "invalid", detail: "the token's CRC32 checksum does not match (never issued by npm); not sent" }
        : undefined,
  }),
  pypi("pypi", "PyPI", "https://upload.pypi.org"),
  pypi("testpypi", "TestPyPI", "https://test.pypi.org"),
  {
    // Docker Hub tokens authenticate together with the account's user name.
    id: "dockerhub",
    provider: "Docker Hub",
    docs: "https://docs.docker.com/reference/api/hub/latest/#tag/authentication-api/operation/PostUsersLogin",
    base: "https://hub.docker.com",
    companions: [
      {
        name: "username",
        regex: /docker[\w.-]{0,12}user(?:name)?["']?\s*[:=]\s*["']?([a-z0-9][a-z0-9_.-]{1,29})\b/i,
        withinLines: 5,
        required: true,
      },
    ],
    request: (ctx) => ({
      method: "POST",
      url: `${ctx.base}/v2/users/login`,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: ctx.companions.username, password: ctx.secret }),
    }),
    // The answer carries a session token: only its presence is read; nothing of the body is kept.
    interpret: (answer) => interpretSimple({ provider: "Docker Hub" }, answer),
  },
  simpleVerifier({
    id: "crates-io",
    provider: "crates.io",
    docs: "https://crates.io/data-access",
    base: "https://crates.io",
    path: "/api/v1/me",
    auth: { kind: "header", name: "authorization" },
    identity: ["user.login"],
    invalidStatuses: [401, 403],
  }),
];
