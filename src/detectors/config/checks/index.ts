/**
 * The registry of TypeScript check modules, by the name a pack rule gives in
 * `check:`. Checks are plain functions over an already parsed document, so
 * importing them loads no parser.
 */
import type { RuleContext } from "../report.js";
import { githubActionsPrTargetCheckout, githubActionsScriptInjection, gitlabCiScriptInjection } from "./ci.js";
import { composeDockerSocketMount, composeSensitiveHostPath, composeSensitivePortExposed } from "./compose.js";
import {
  containerDefaultCredentials,
  containerEnvAuthDisabled,
  containerEnvTlsDisabled,
  redisServerFlags,
} from "./container-env.js";
import { dockerDaemonTcpWithoutTls } from "./docker-daemon.js";
import { dockerfileRunsAsRoot, dockerfileSecretInEnv } from "./dockerfile.js";
import { postgresHbaOpenAddress, postgresHbaTrust } from "./postgres.js";
import { puppetAutosignWriter } from "./puppet.js";
import { redisDangerousCommands, redisNoPassword, redisUnauthenticatedExposure } from "./redis.js";
import { terraformOpenIngress } from "./terraform.js";
import { tlsVerificationDisabled } from "./tls-off.js";

export type Check = (ctx: RuleContext) => void;

export const CHECKS: Record<string, Check> = {
  "redis-unauthenticated-exposure": redisUnauthenticatedExposure,
  "redis-no-password": redisNoPassword,
  "redis-dangerous-commands": redisDangerousCommands,
  "redis-server-flags": redisServerFlags,
  "container-env-auth-disabled": containerEnvAuthDisabled,
  "container-env-tls-disabled": containerEnvTlsDisabled,
  "container-default-credentials": containerDefaultCredentials,
  "compose-sensitive-port-exposed": composeSensitivePortExposed,
  "compose-docker-socket-mount": composeDockerSocketMount,
  "compose-sensitive-host-path": composeSensitiveHostPath,
  "dockerfile-runs-as-root": dockerfileRunsAsRoot,
  "dockerfile-secret-in-env": dockerfileSecretInEnv,
  "postgres-hba-trust": postgresHbaTrust,
  "postgres-hba-open-address": postgresHbaOpenAddress,
  "terraform-open-ingress": terraformOpenIngress,
  "github-actions-pr-target-checkout": githubActionsPrTargetCheckout,
  "github-actions-script-injection": githubActionsScriptInjection,
  "gitlab-ci-script-injection": gitlabCiScriptInjection,
  "docker-daemon-tcp-without-tls": dockerDaemonTcpWithoutTls,
  "tls-verification-disabled": tlsVerificationDisabled,
  "puppet-autosign-writer": puppetAutosignWriter,
};
