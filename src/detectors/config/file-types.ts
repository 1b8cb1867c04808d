/**
 * Built-in config file types: how a file is recognised (path globs, then a
 * content sniff where names vary) and which parser reads it. Rules name file
 * types instead of repeating globs, and a file is parsed once per format.
 */
import { globsMatcher } from "../../util/glob-regex.js";
import {
  isAnsible,
  isElasticsearchConfig,
  isKubeconfig,
  isMongodConfig,
  isPythonScript,
  isRedisServerConfig,
  isShellScript,
} from "./file-kinds.js";
import type { Format } from "./model.js";

export interface FileType {
  id: string;
  format: Format;
  globs: string[];
  /** Content sniff (multiline regex): the file is of this type only if it matches. */
  content?: RegExp;
  /** Globs excluded even if `globs` match. */
  exclude?: string[];
  /** Content identification beyond one regex (file-kinds.ts): the file is of this type only if it returns true. */
  identify?: (text: string, path: string) => boolean;
  /**
   * The text a fragment must contain for any rule of this type to report: tested on the fragment
   * (a diff's added lines) before the file is loaded or parsed. Only for types whose rules all report
   * on the line that holds the setting (no missing-setting rules), so that source files, scripts and
   * other common files cost one regex test in the hook.
   */
  prefilter?: RegExp;
}

/** Words every TLS-verification-off finding in a command contains (checks/tls-off.ts). */
const SHELL_TLS =
  /curl|wget|strict-ssl|strict_ssl|sslverify|ssl_no_verify|reject_unauthorized|httpsverify|trusted-host|trusted_host|insecure|no-verify-ssl|tls-verify|disable-tls|secure-http|ssl_verify|verify-peer|check_certificate|autosign|tcp:\/\//i;

const YAML_FILES = ["**/*.yaml", "**/*.yml"];

export const FILE_TYPES: FileType[] = [
  {
    id: "redis",
    format: "directives",
    globs: [
      "**/*redis*.conf",
      "**/redis.conf*",
      "**/*redis*.conf.{j2,tpl,template,example,sample,erb}",
      "**/redis/**/*.conf",
      "**/*sentinel*.conf",
      "**/[0-9][0-9][0-9][0-9]*.conf",
    ],
    // Reports missing passwords: only a file that surely is a Redis server config.
    identify: isRedisServerConfig,
  },
  { id: "sshd", format: "sshd", globs: ["**/sshd_config", "**/sshd_config.*", "**/sshd_config.d/*.conf", "**/sshd*.conf"] },
  {
    id: "mongod",
    format: "mongod",
    globs: [
      "**/mongod*.conf",
      "**/mongod*.{yml,yaml}",
      "**/mongo.conf",
      "**/mongodb*.conf",
      "**/mongodb*.{yml,yaml}",
      "**/mongod*.conf.{j2,tpl,template,erb}",
    ],
    identify: isMongodConfig,
  },
  {
    id: "elasticsearch",
    format: "yaml",
    globs: ["**/elasticsearch*.{yml,yaml}", "**/opensearch.{yml,yaml}"],
    identify: isElasticsearchConfig,
  },
  { id: "postgresql", format: "ini", globs: ["**/postgresql*.conf", "**/postgresql.conf.*", "**/postgresql.auto.conf"] },
  { id: "pg-hba", format: "directives", globs: ["**/pg_hba*.conf", "**/pg_hba.conf.*"] },
  { id: "mysql", format: "ini", globs: ["**/my.cnf", "**/mysqld.cnf", "**/*.cnf"], exclude: ["**/openssl*.cnf", "**/ssl/**"] },
  { id: "puppet", format: "ini", globs: ["**/puppet.conf", "**/puppetserver.conf"] },
  { id: "puppet-autosign", format: "lines", globs: ["**/autosign.conf", "**/autosign.conf.{erb,epp,j2,tpl,template}"] },
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
    // By content, whatever the name: admin.conf, kubelet.conf, config, *.yaml, templates of them.
    id: "kubeconfig",
    format: "lines",
    globs: [
      "**/kubeconfig",
      "**/kubeconfig*",
      "**/*.kubeconfig",
      "**/config",
      "**/*.conf",
      "**/*.{j2,tpl,tmpl,template}",
      ...YAML_FILES,
    ],
    identify: isKubeconfig,
    prefilter: /insecure-skip-tls-verify/i,
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
    globs: [
      "**/docker.service",
      "**/docker.service.d/*.conf",
      "**/*.service.d/*.conf",
      "**/default/docker*",
      "**/sysconfig/docker*",
      "**/*.service",
      "**/*.service.{j2,erb,tpl,tmpl,template}",
      "**/*docker*.{conf,default,defaults,env,j2,erb,tpl,tmpl,template}",
      "**/docker.{default,defaults}",
    ],
    // Its one rule reports a host flag on the line that holds it.
    prefilter: /tcp:\/\//i,
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
  // Files that run commands: the TLS-verification-off family, Docker daemon flags and autosign writers.
  {
    id: "shell",
    format: "lines",
    globs: [
      "**/*.{sh,bash,zsh,ksh,ash}",
      "**/*.{sh,bash}.{j2,tpl,tmpl,erb,template,in}",
      "**/.{bashrc,bash_profile,profile,zshrc,zprofile,envrc}",
      "**/{bashrc,bash_profile,profile,zshrc}",
      "**/Makefile",
      "**/makefile",
      "**/GNUmakefile",
      "**/*.mk",
    ],
    prefilter: SHELL_TLS,
  },
  {
    id: "shell-shebang",
    format: "lines",
    globs: ["**/*"],
    exclude: ["**/*.*", "**/Makefile", "**/makefile", "**/GNUmakefile", "**/Vagrantfile", "**/Dockerfile", "**/Jenkinsfile"],
    identify: isShellScript,
    prefilter: SHELL_TLS,
  },
  {
    id: "ci-yaml",
    format: "lines",
    globs: [
      "**/.github/workflows/*.{yml,yaml}",
      "**/action.{yml,yaml}",
      "**/.gitlab-ci.yml",
      "**/*.gitlab-ci.yml",
      "**/.gitlab-ci/**/*.{yml,yaml}",
      "**/.gitlab/ci/**/*.{yml,yaml}",
      "**/.travis.yml",
      "**/.circleci/config.yml",
      "**/azure-pipelines*.{yml,yaml}",
      "**/bitbucket-pipelines.yml",
      "**/.drone.yml",
      "**/cloudbuild*.{yml,yaml}",
      "**/buildspec*.{yml,yaml}",
      "**/.buildkite/**/*.{yml,yaml}",
      "**/appveyor.yml",
    ],
    prefilter: SHELL_TLS,
  },
  {
    // Ansible tasks (shell/command modules, get_url) and cloud-init files: commands and settings written in YAML.
    id: "ansible-tasks",
    format: "lines",
    globs: YAML_FILES,
    exclude: ["**/.github/**", "**/.gitlab-ci*", "**/*compose*.{yml,yaml}"],
    identify: (text) => isAnsible(text) || /^#cloud-config/m.test(text),
    prefilter: SHELL_TLS,
  },
  {
    id: "jenkins-job",
    format: "lines",
    globs: ["**/*.xml", "**/Jenkinsfile", "**/Jenkinsfile.*", "**/*.jenkinsfile", "**/*.groovy"],
    exclude: ["**/pom.xml", "**/AndroidManifest.xml"],
    content:
      /<(project|flow-definition|matrix-project|maven2-moduleset)[\s>]|\bpipeline\s*\{|\bnode\s*(\([^)]*\))?\s*\{|\bsh\s*(\(|['"])/,
    prefilter: SHELL_TLS,
  },
  {
    id: "puppet-manifest",
    format: "lines",
    globs: ["**/*.pp", "**/*.epp"],
    prefilter:
      /curl|wget|strict-ssl|sslverify|ssl_verify|verify_ssl|verify_peer|validate_certs|insecure|trusted-host|tcp:\/\/|autosign|check_certificate|VERIFY_NONE|no_verify/i,
  },
  {
    id: "python",
    format: "lines",
    globs: ["**/*.py", "**/*.pyw"],
    prefilter: /verify|_create_unverified_context|CERT_NONE|check_hostname|SSL_VERIFYPEER|SSL_VERIFYHOST/,
  },
  {
    id: "python-shebang",
    format: "lines",
    globs: ["**/*"],
    exclude: ["**/*.*"],
    identify: isPythonScript,
    prefilter: /verify|_create_unverified_context|CERT_NONE|check_hostname/,
  },
  {
    id: "javascript",
    format: "lines",
    globs: ["**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}"],
    exclude: ["**/*.min.js", "**/*.d.ts"],
    prefilter: /rejectUnauthorized|NODE_TLS_REJECT_UNAUTHORIZED|strictSSL/,
  },
  { id: "go", format: "lines", globs: ["**/*.go"], prefilter: /InsecureSkipVerify/ },
  {
    id: "jvm",
    format: "lines",
    globs: ["**/*.{java,kt,kts,scala,groovy}"],
    prefilter:
      /ALLOW_ALL_HOSTNAME_VERIFIER|NoopHostnameVerifier|InsecureTrustManagerFactory|TrustAllStrategy|loadTrustMaterial|checkServerTrusted|HostnameVerifier|SSLSession/i,
  },
  {
    id: "ruby",
    format: "lines",
    globs: ["**/*.rb", "**/*.rake", "**/Rakefile", "**/Gemfile", "**/*.gemspec", "**/Vagrantfile", "**/*.erb"],
    exclude: ["**/*.html.erb", "**/*.md.erb"],
    prefilter: /VERIFY_NONE|verify_ssl|ssl_verify|verify\s*(:|=>)\s*false/,
  },
  {
    id: "tool-tls-config",
    format: "lines",
    globs: [
      "**/.curlrc",
      "**/curlrc",
      "**/.wgetrc",
      "**/wgetrc",
      "**/.condarc",
      "**/condarc",
      "**/.gemrc",
      "**/gemrc",
      "**/*.repo",
      "**/apt.conf",
      "**/apt.conf.d/*",
      "**/.bowerrc",
      "**/.yarnrc",
    ],
    prefilter: /insecure|-k\b|check_certificate|ssl_verify|sslverify|Verify-Peer|Verify-Host|strict-ssl/i,
  },
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
