// Benchmark: `git commit` through each documented hook-manager recipe (issue 13).
//
// Repository: the adopter's repository (lib/adopter.mjs: the moment history plus a .gitward.yaml,
// a local pack and a 20-entry baseline), one clone per recipe, each with the 10-file / 300-line
// change staged. Every recipe finds gitward in node_modules/.bin as an npm install leaves it
// (node_modules/gitward → the benchmark's frozen copy, .bin/gitward → its bin/gitward.cjs).
// Cases, interleaved per round (each commit is undone with git reset --soft):
//   floor                     node -e 0 + git diff --cached -U0
//   git commit --no-verify    what git itself costs
//   plain git hook            the hook `gitward install` writes (.git/hooks/pre-commit)
//   husky                     husky 9: .husky/pre-commit runs `gitward staged` (husky puts node_modules/.bin on PATH)
//   lefthook                  lefthook 2 (npm): `run: node_modules/.bin/gitward staged`
//   lefthook, npx recipe      the recipe before issue 13: `run: npx --no-install gitward staged`
//   pre-commit framework      pre-commit 4 (pip, in a virtualenv): a `repo: local` hook,
//                             `entry: node_modules/.bin/gitward staged`, `language: system`
//   pre-commit's command      the command that hook runs (`gitward staged <files>`), without the framework
// The hook managers are installed once into bench/.work/hook-managers (npm: husky, lefthook;
// pip: pre-commit); one that cannot be installed is reported unavailable with the reason.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stageChange } from "./hook.mjs";
import { ADOPTER_CONFIG, adopterRepo } from "./lib/adopter.mjs";
import { benchEnv } from "./lib/gitward-cmd.mjs";
import { GITWARD_ROOT, NODE, WORK } from "./lib/paths.mjs";
import { realRepo } from "./lib/repos.mjs";
import { median, medianRatio } from "./lib/stats.mjs";
import { fmt } from "./lib/table.mjs";
import { commandCase, interleave } from "./lib/timing.mjs";

const HUSKY = "9.1.7";
const LEFTHOOK = "2.2.4";
const PRE_COMMIT = "4.6.2";
const CHANGE = { files: 10, lines: 30 };

function sh(cwd, cmd, args, env) {
  return execFileSync(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 26 }).toString();
}

/** husky and lefthook from npm into bench/.work/hook-managers; undefined or why they are unavailable. */
function installNpmManagers(dir, env, log) {
  if (existsSync(join(dir, "node_modules", "husky", "bin.js")) && existsSync(join(dir, "node_modules", ".bin", "lefthook")))
    return undefined;
  log(`installing husky@${HUSKY} and lefthook@${LEFTHOOK} into ${dir} (npm)…`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{"private":true}\n');
  const r = spawnSync(
    "npm",
    // --ignore-scripts: lefthook's postinstall would run `lefthook install` in the enclosing repository
    // (gitward's checkout); its binary comes from a platform package, no script needed.
    [
      "install",
      "--ignore-scripts",
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `husky@${HUSKY}`,
      `lefthook@${LEFTHOOK}`,
    ],
    { cwd: dir, env, encoding: "utf8" },
  );
  return r.status === 0 ? undefined : `npm install failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}`;
}

/** pre-commit from pip into a virtualenv; undefined or why it is unavailable. */
function installPreCommit(venv, env, log) {
  const bin = join(venv, "bin", "pre-commit");
  if (existsSync(bin)) return undefined;
  log(`installing pre-commit==${PRE_COMMIT} into ${venv} (pip)…`);
  const mk = spawnSync("python3", ["-m", "venv", venv], { env, encoding: "utf8" });
  if (mk.status !== 0) return `python3 -m venv failed: ${(mk.stderr || "").trim().split("\n").pop()}`;
  const pip = spawnSync(join(venv, "bin", "pip"), ["install", "-q", `pre-commit==${PRE_COMMIT}`], { env, encoding: "utf8" });
  if (pip.status !== 0 || !existsSync(bin)) {
    rmSync(venv, { recursive: true, force: true });
    return `pip install pre-commit failed (is PyPI reachable?): ${(pip.stderr || "").trim().split("\n").pop()}`;
  }
  return undefined;
}

/** node_modules for a recipe repository: the managers plus gitward laid out as npm installs it. */
function linkNodeModules(repo, managers) {
  const nm = join(repo, "node_modules");
  rmSync(nm, { recursive: true, force: true });
  mkdirSync(join(nm, ".bin"), { recursive: true });
  symlinkSync(GITWARD_ROOT, join(nm, "gitward"));
  symlinkSync("../gitward/bin/gitward.cjs", join(nm, ".bin", "gitward"));
  for (const pkg of ["husky", "lefthook", "lefthook-linux-x64", "lefthook-linux-arm64", "lefthook-darwin-arm64"]) {
    const from = join(managers, "node_modules", pkg);
    if (existsSync(from)) symlinkSync(from, join(nm, pkg));
  }
  if (existsSync(join(managers, "node_modules", "lefthook")))
    symlinkSync("../lefthook/bin/index.js", join(nm, ".bin", "lefthook"));
  writeFileSync(join(repo, ".git", "info", "exclude"), "node_modules/\n");
}

const RECIPES = [
  {
    id: "plain",
    label: "plain git hook (gitward install)",
    setUp: (repo, env) => sh(repo, "node_modules/.bin/gitward", ["install"], env),
  },
  {
    id: "husky",
    label: "husky 9: gitward staged",
    needs: "npm",
    files: { ".husky/pre-commit": "gitward staged\n" },
    setUp: (repo, env) => sh(repo, NODE, ["node_modules/husky/bin.js"], env),
  },
  {
    id: "lefthook",
    label: "lefthook 2: node_modules/.bin/gitward staged",
    needs: "npm",
    files: { "lefthook.yml": "pre-commit:\n  commands:\n    gitward:\n      run: node_modules/.bin/gitward staged\n" },
    setUp: (repo, env) => sh(repo, "node_modules/.bin/lefthook", ["install"], env),
  },
  {
    id: "lefthook-npx",
    label: "lefthook 2: npx --no-install gitward staged (old recipe)",
    needs: "npm",
    files: { "lefthook.yml": "pre-commit:\n  commands:\n    gitward:\n      run: npx --no-install gitward staged\n" },
    // moment's package.json asks for Node ≥ 22 in devEngines, which makes npm (npx) refuse to run here.
    withoutDevEngines: true,
    setUp: (repo, env) => sh(repo, "node_modules/.bin/lefthook", ["install"], env),
  },
  {
    id: "pre-commit",
    label: "pre-commit 4 (repo: local, language: system)",
    needs: "pip",
    files: {
      ".pre-commit-config.yaml": [
        "repos:",
        "  - repo: local",
        "    hooks:",
        "      - id: gitward",
        "        name: gitward",
        "        entry: node_modules/.bin/gitward staged",
        "        language: system",
        "        pass_filenames: true",
        "        require_serial: true",
        "",
      ].join("\n"),
    },
    setUp: (repo, env, tools) => sh(repo, join(tools.venv, "bin", "pre-commit"), ["install"], env),
  },
];

/** A clone of the adopter's repository with the recipe's files committed and its hook installed. */
function recipeRepo(source, recipe, env, tools, log) {
  const dir = join(WORK, "repos", `recipe-${recipe.id}`);
  const marker = join(dir, ".git", "gitward-bench-recipe");
  const want = JSON.stringify({ config: ADOPTER_CONFIG, recipe, HUSKY, LEFTHOOK, PRE_COMMIT });
  if (!existsSync(marker) || sh(dir, "cat", [marker], env) !== want) {
    log(`creating ${dir} (${recipe.label})…`);
    rmSync(dir, { recursive: true, force: true });
    sh(WORK, "git", ["clone", "-q", "--shared", source, dir], env);
    for (const [path, text] of Object.entries(recipe.files ?? {})) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
      sh(dir, "git", ["add", "--", path], env);
    }
    if (recipe.withoutDevEngines) {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      delete pkg.devEngines;
      writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
      sh(dir, "git", ["add", "--", "package.json"], env);
    }
    if (recipe.files) sh(dir, "git", ["commit", "-q", "--no-verify", "-m", `hook recipe: ${recipe.id}`], env);
    writeFileSync(marker, want);
  }
  // Re-linked and re-installed every run: the frozen gitward copy and the managers may have moved.
  linkNodeModules(dir, tools.managers);
  recipe.setUp(dir, env, tools);
  return dir;
}

export async function run({ runs, quick, log }) {
  const env = benchEnv({ PRE_COMMIT_HOME: join(WORK, "pre-commit-home") });
  rmSync(env.GITWARD_CACHE_DIR, { recursive: true, force: true });
  const { dir: history } = realRepo(log);
  const adopter = adopterRepo(history, join(WORK, "repos", "moment-adopter"), { baselineEntries: 20 }, env, log);
  const tools = { managers: join(WORK, "hook-managers"), venv: join(WORK, "hook-managers", "pre-commit-venv") };
  const problems = { npm: installNpmManagers(tools.managers, env, log), pip: installPreCommit(tools.venv, env, log) };
  const rows = [];
  const notes = [
    `repository: the adopter's (${adopter}), one clone per recipe; change: ${CHANGE.files} files, ${CHANGE.files * CHANGE.lines} lines`,
  ];
  const repos = {};
  for (const recipe of RECIPES) {
    const problem = recipe.needs ? problems[recipe.needs] : undefined;
    if (problem) {
      repos[recipe.id] = { problem };
      continue;
    }
    try {
      repos[recipe.id] = { dir: recipeRepo(adopter, recipe, env, tools, log) };
      stageChange(repos[recipe.id].dir, env, CHANGE, { keepIgnored: true });
    } catch (e) {
      repos[recipe.id] = { problem: `set-up failed: ${String(e.message).split("\n")[0]}` };
    }
  }
  // Check once that each recipe really runs gitward: a hook that blocks a secret is a hook that ran.
  for (const recipe of RECIPES) {
    const r = repos[recipe.id];
    if (r.dir && !hookBlocksSecret(r.dir, env)) {
      r.problem = "the hook did not block a staged secret (gitward did not run)";
      delete r.dir;
    }
  }
  stageChange(adopter, env, CHANGE);
  const headOf = (dir) => sh(dir, "git", ["rev-parse", "HEAD"], env).trim();
  const heads = Object.fromEntries(Object.entries(repos).map(([id, r]) => [id, r.dir ? headOf(r.dir) : undefined]));
  const commitCase = (label, id, extra = {}) => {
    const r = repos[id];
    return commandCase(
      label,
      r.dir ? [{ cmd: "git", args: ["commit", "-q", "-m", "bench"], cwd: r.dir, env, okCodes: [0] }] : [],
      {
        unavailable: r.problem,
        after: () => {
          if (r.dir && headOf(r.dir) !== heads[id]) sh(r.dir, "git", ["reset", "-q", "--soft", heads[id]], env);
        },
        ...extra,
      },
    );
  };
  const plain = repos.plain;
  const staged = plain.dir ? sh(plain.dir, "git", ["diff", "--cached", "--name-only"], env).split("\n").filter(Boolean) : [];
  const cases = [
    commandCase("floor: node -e 0 + git diff --cached -U0", [
      { cmd: NODE, args: ["-e", "0"], cwd: adopter, env },
      { cmd: "git", args: ["diff", "--cached", "-U0"], cwd: adopter, env },
    ]),
    commandCase(
      "git commit --no-verify",
      plain.dir ? [{ cmd: "git", args: ["commit", "-q", "--no-verify", "-m", "bench"], cwd: plain.dir, env }] : [],
      {
        unavailable: plain.problem,
        after: () => {
          if (plain.dir && headOf(plain.dir) !== heads.plain) sh(plain.dir, "git", ["reset", "-q", "--soft", heads.plain], env);
        },
      },
    ),
    ...RECIPES.map((recipe) => commitCase(`git commit, ${recipe.label}`, recipe.id)),
    commandCase(
      "pre-commit's command alone: gitward staged <files>",
      plain.dir
        ? [{ cmd: NODE, args: [join(plain.dir, "node_modules/.bin/gitward"), "staged", ...staged], cwd: plain.dir, env }]
        : [],
      { unavailable: plain.problem },
    ),
  ];
  const res = await interleave(cases, { runs: quick ? runs : Math.max(runs, 9), warmup: 1, log });
  const floor = res[0];
  const noVerify = res[1];
  for (const r of res) {
    const own = r.error || noVerify.error || r === noVerify || r === floor ? undefined : r.ms.map((v, i) => v - noVerify.ms[i]);
    rows.push([
      r.name,
      r.error ? `unavailable: ${r.error}` : fmt.ms(median(r.ms)),
      r.error || floor.error ? "–" : fmt.ratio(medianRatio(r.ms, floor.ms)),
      own && !r.name.startsWith("pre-commit's command") ? fmt.ms(median(own)) : "–",
    ]);
  }
  for (const problem of new Set(Object.values(problems).filter(Boolean))) notes.push(`unavailable: ${problem}`);
  return {
    title: "git commit through each hook-manager recipe (adopter's repo, 10 files)",
    header: ["command", "median", "× floor", "hook's share (− no-verify)"],
    rows,
    notes,
    targets: [],
  };
}

/** Stages a fake AWS key in a scratch file and checks that `git commit` is refused; undoes both. */
function hookBlocksSecret(dir, env) {
  const file = join(dir, "bench-secret-check.env");
  // Assembled at run time so that no file here holds the token.
  const base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const key = `AKIA${Array.from({ length: 16 }, (_, i) => base32[(i * 11 + 5) % 32]).join("")}`;
  writeFileSync(file, `AWS_ACCESS_KEY_ID=${key}\n`);
  try {
    sh(dir, "git", ["add", "--", "bench-secret-check.env"], env);
    const r = spawnSync("git", ["commit", "-q", "-m", "should be blocked"], { cwd: dir, env, encoding: "utf8" });
    if (r.status === 0) {
      sh(dir, "git", ["reset", "-q", "--soft", "HEAD~1"], env);
      return false;
    }
    return true;
  } finally {
    try {
      sh(dir, "git", ["rm", "-q", "--cached", "--", "bench-secret-check.env"], env);
    } catch {}
    rmSync(file, { force: true });
  }
}
