/** Dockerfile checks that need the stage structure. */
import type { RuleContext } from "../report.js";
import { containers } from "./containers.js";
import { isReference } from "./util.js";

/** Images whose default user is not root, so a missing USER is fine. */
const NONROOT_IMAGES = /(nonroot|distroless\/[^:]+:[^:]*nonroot|chainguard\/|cgr\.dev\/|rootless|bitnami\/)/i;

export function dockerfileRunsAsRoot(ctx: RuleContext): void {
  const ins = ctx.doc.instructions ?? [];
  const lastStage = ins.reduce((m, i) => Math.max(m, i.stage), -1);
  if (lastStage < 0) return;
  const stage = ins.filter((i) => i.stage === lastStage);
  const from = stage.find((i) => i.keyword === "FROM");
  if (!from) return;
  const users = stage.filter((i) => i.keyword === "USER");
  const lastUser = users[users.length - 1];
  if (lastUser) {
    const user = (lastUser.args.trim().split(":")[0] ?? "").trim();
    if (user === "root" || user === "0") {
      ctx.report({
        line: lastUser.line,
        evidence: `USER ${lastUser.args.trim()}`,
        message: `The image's final USER is ${user}: the container process runs as root. Switch to an unprivileged user after the steps that need root (\`USER 10001\` or a named user created with useradd).`,
      });
    }
    return;
  }
  const image = from.args.split(/\s+/).find((w) => !w.startsWith("--")) ?? "";
  if (NONROOT_IMAGES.test(image) || /^scratch$/i.test(image)) return;
  // A final stage that is another stage of this file inherits that stage's USER.
  const parentName = image.toLowerCase();
  const parentStage = ins.find(
    (i) => i.keyword === "FROM" && new RegExp(`\\sas\\s+${escapeRegex(parentName)}\\s*$`, "i").test(i.args),
  );
  if (
    parentStage &&
    ins.some((i) => i.stage === parentStage.stage && i.keyword === "USER" && !/^(root|0)(:|$)/.test(i.args.trim()))
  )
    return;
  ctx.report({
    line: 1,
    evidence: "missing USER",
    fileLevel: true,
    touch: ["USER", "FROM"],
    message:
      "The image has no USER instruction in its final stage, so containers run as root. Add an unprivileged user and switch to it (`RUN useradd -r -u 10001 app` then `USER 10001`).",
  });
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const SECRET_NAME =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH_KEY|CLIENT_SECRET)$/i;
const NOT_SECRET_NAME =
  /(_FILE|_PATH|_DIR|_URL|_HOST|_PORT|_USER|_USERNAME|_NAME|_ID|_ENABLED|_LENGTH|_TTL|_TIMEOUT|_EXPIRY|_HEADER|_ALGORITHM|_TYPE|_REGION)$/i;
const PLACEHOLDER =
  /^(|changeme|change_me|xxx+|\*+|<.*>|none|null|nil|true|false|dummy|placeholder|your[-_a-z]*|todo|tbd|secret|password|""|'')$/i;

export function dockerfileSecretInEnv(ctx: RuleContext): void {
  for (const c of containers(ctx.doc, "dockerfile")) {
    for (const e of c.env) {
      if (!SECRET_NAME.test(e.name) || NOT_SECRET_NAME.test(e.name)) continue;
      const v = e.value.trim();
      if (PLACEHOLDER.test(v) || isReference(v) || v.startsWith("/")) continue;
      ctx.report({
        line: e.line,
        col: e.col,
        endCol: e.endCol,
        evidence: `${e.name}=${v}`,
        sensitive: true,
        message: `${e.name} is set to a literal in the Dockerfile: ENV and ARG values are stored in the image layers and visible with \`docker history\`/\`docker inspect\`. Pass it at run time, or use a BuildKit secret mount (\`RUN --mount=type=secret,id=${e.name.toLowerCase()}\`).`,
      });
    }
  }
}
