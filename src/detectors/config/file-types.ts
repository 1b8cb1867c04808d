/**
 * Built-in config file types: how a file is recognised (path globs, then a
 * content sniff where names vary) and which parser reads it. Rules name file
 * types instead of repeating globs, and a file is parsed once per format.
 */
import { globsMatcher } from "../../util/glob-regex.js";
import type { Format } from "./model.js";

export interface FileType {
  id: string;
  format: Format;
  globs: string[];
  /** Content sniff (multiline regex): the file is of this type only if it matches. */
  content?: RegExp;
  /** Globs excluded even if `globs` match. */
  exclude?: string[];
}

const YAML_FILES = ["**/*.yaml", "**/*.yml"];

export const FILE_TYPES: FileType[] = [
  {
    id: "redis",
    format: "directives",
    globs: ["**/*redis*.conf", "**/redis.conf*", "**/*redis*.conf.{j2,tpl,template,example,sample}"],
  },
  { id: "sshd", format: "sshd", globs: ["**/sshd_config", "**/sshd_config.*", "**/sshd_config.d/*.conf", "**/sshd*.conf"] },
  {
    id: "mongod",
    format: "yaml",
    globs: ["**/mongod*.conf", "**/mongod*.{yml,yaml}", "**/mongo.conf", "**/mongodb*.conf", "**/mongodb*.{yml,yaml}"],
  },
  { id: "elasticsearch", format: "yaml", globs: ["**/elasticsearch*.{yml,yaml}", "**/opensearch.{yml,yaml}"] },
  { id: "postgresql", format: "ini", globs: ["**/postgresql*.conf", "**/postgresql.conf.*", "**/postgresql.auto.conf"] },
  { id: "pg-hba", format: "directives", globs: ["**/pg_hba*.conf", "**/pg_hba.conf.*"] },
  { id: "mysql", format: "ini", globs: ["**/my.cnf", "**/mysqld.cnf", "**/*.cnf"], exclude: ["**/openssl*.cnf", "**/ssl/**"] },
  { id: "puppet", format: "ini", globs: ["**/puppet.conf", "**/puppetserver.conf"] },
  { id: "puppet-autosign", format: "lines", globs: ["**/autosign.conf"] },
  { id: "jenkins-xml", format: "xml", globs: ["**/config.xml", "**/jenkins*.xml"], content: /<(hudson|jenkins)[\s>]/ },
  { id: "jcasc", format: "yaml", globs: YAML_FILES, content: /^jenkins:\s*(#.*)?$/m },
  {
    id: "jenkins-jvm",
    format: "lines",
    globs: [
      "**/default/jenkins",
      "**/sysconfig/jenkins",
      "**/jenkins.service",
      "**/jenkins.service.d/*.conf",
      "**/jenkins.xml",
      "**/jenkins.env",
    ],
  },
  { id: "compose", format: "yaml", globs: ["**/*compose*.{yml,yaml}", "**/compose.{yml,yaml}"] },
  {
    id: "kubernetes",
    format: "yaml",
    globs: [...YAML_FILES, "**/*.json"],
    content: /^\s*"?apiVersion"?\s*:[\s\S]*^\s*"?kind"?\s*:|^\s*"?kind"?\s*:[\s\S]*^\s*"?apiVersion"?\s*:/m,
    exclude: ["**/*compose*.{yml,yaml}", "**/.github/workflows/**", "**/package.json", "**/tsconfig*.json"],
  },
  {
    id: "kubeconfig",
    format: "yaml",
    globs: ["**/kubeconfig", "**/kubeconfig*", "**/*.kubeconfig", "**/.kube/config", "**/kube/config", ...YAML_FILES],
    content: /^clusters:/m,
  },
  {
    id: "dockerfile",
    format: "dockerfile",
    globs: [
      "**/Dockerfile",
      "**/Dockerfile.*",
      "**/*.Dockerfile",
      "**/*.dockerfile",
      "**/Containerfile",
      "**/Containerfile.*",
      "**/dockerfile",
    ],
    exclude: ["**/*.dockerignore", "**/Dockerfile.*.{md,txt}"],
  },
  { id: "terraform", format: "hcl", globs: ["**/*.tf", "**/*.tfvars"] },
  { id: "github-actions", format: "yaml", globs: ["**/.github/workflows/*.{yml,yaml}", "**/action.{yml,yaml}"] },
  {
    id: "gitlab-ci",
    format: "yaml",
    globs: ["**/.gitlab-ci.yml", "**/*.gitlab-ci.yml", "**/.gitlab-ci/**/*.{yml,yaml}", "**/.gitlab/ci/**/*.{yml,yaml}"],
  },
  { id: "docker-daemon", format: "yaml", globs: ["**/daemon.json"] },
  {
    id: "docker-service",
    format: "lines",
    globs: ["**/docker.service", "**/docker.service.d/*.conf", "**/default/docker", "**/sysconfig/docker", "**/*.service"],
  },
  { id: "npmrc", format: "ini", globs: ["**/.npmrc", "**/npmrc", "**/.yarnrc"] },
  { id: "yarnrc-yml", format: "yaml", globs: ["**/.yarnrc.yml"] },
  { id: "gitconfig", format: "ini", globs: ["**/.gitconfig", "**/gitconfig", "**/.git/config"] },
  { id: "pip", format: "ini", globs: ["**/pip.conf", "**/pip.ini", "**/.pip/pip.conf"] },
  { id: "pip-requirements", format: "lines", globs: ["**/requirements*.txt", "**/requirements/*.txt", "**/constraints*.txt"] },
  {
    id: "nginx",
    format: "nginx",
    globs: [
      "**/nginx*.conf",
      "**/nginx/**/*.conf",
      "**/sites-available/*",
      "**/sites-enabled/*",
      "**/conf.d/*.conf",
      "**/*.nginx",
      "**/*.nginx.conf",
    ],
  },
  { id: "ansible", format: "yaml", globs: YAML_FILES, content: /^\s*validate_certs\s*:/m },
];

const byId = new Map(FILE_TYPES.map((t) => [t.id, t]));

export function fileType(id: string): FileType | undefined {
  return byId.get(id);
}

/** A compiled path test for one file type (or a rule's own globs). */
export function pathMatcher(globs: string[], exclude: string[] = []): (path: string) => boolean {
  // Plain RegExps (precompiled at build time for the built-in types) behind a literal pre-check
  // (see globsMatcher): this runs for every fragment of every scan, the hook path included.
  const opts = { dot: true, nocase: true };
  const inc = globsMatcher(globs, opts);
  const exc = exclude.length > 0 ? globsMatcher(exclude, opts) : undefined;
  return (path) => inc(path) && !exc?.(path);
}

/** Paths are matched with forward slashes and without a leading "./". */
export function normalizePath(path: string): string {
  return path.replace(/\\/g, "/").replace(/^\.\//, "");
}
