/**
 * Containers as declared by Compose files, Kubernetes manifests and
 * Dockerfiles, reduced to what the environment and command checks need: image,
 * environment variables and command-line words, each with its position.
 */
import { flat, selectTrees } from "../declarative.js";
import type { ParsedDocument, Pos, TreeNode } from "../model.js";
import { instructionPosition } from "../parsers/dockerfile.js";
import { splitArgs } from "../parsers/lines.js";
import { compilePath, get, select, str } from "../tree.js";
import { entries, listItems } from "./util.js";

export interface Located {
  line: number;
  col: number;
  endCol: number;
}

export interface EnvVar extends Located {
  name: string;
  value: string;
}

export interface Word extends Located {
  text: string;
}

export interface Container {
  name: string;
  image: string;
  env: EnvVar[];
  /** command + args (entrypoint, command, CMD...), one word each. */
  words: Word[];
}

function at(p: Pos): Located {
  return { line: p.line, col: p.col, endCol: p.endLine === p.line ? p.endCol : p.col + 1 };
}

/** Words of a command given as a string (split shell-style) or a list. */
function commandWords(node: TreeNode | undefined): Word[] {
  const out: Word[] = [];
  for (const item of listItems(node)) {
    if (item.type !== "scalar") continue;
    if (node?.type === "list") {
      out.push({ text: item.value, ...at(item.pos) });
    } else {
      for (const w of splitArgs(item.value)) out.push({ text: w, ...at(item.pos) });
    }
  }
  return out;
}

function composeEnv(node: TreeNode | undefined): EnvVar[] {
  const out: EnvVar[] = [];
  if (node?.type === "map") {
    for (const e of node.entries) {
      const v = e.value.type === "scalar" ? e.value.value : "";
      out.push({
        name: e.key,
        value: v,
        line: e.keyPos.line,
        col: e.keyPos.col,
        endCol: e.value.pos.endLine === e.keyPos.line ? e.value.pos.endCol : e.keyPos.endCol,
      });
    }
  } else if (node?.type === "list") {
    for (const item of node.items) {
      if (item.type !== "scalar") continue;
      const eq = item.value.indexOf("=");
      if (eq < 0) continue;
      out.push({ name: item.value.slice(0, eq).trim(), value: item.value.slice(eq + 1), ...at(item.pos) });
    }
  }
  return out;
}

export function composeServices(doc: ParsedDocument): { name: string; node: TreeNode; keyPos: Pos }[] {
  return (doc.trees ?? []).flatMap((t) =>
    entries(get(t, "services")).map((e) => ({ name: e.key, node: e.value, keyPos: e.keyPos })),
  );
}

function fromCompose(doc: ParsedDocument): Container[] {
  return composeServices(doc).map((s) => ({
    name: s.name,
    image: str(get(s.node, "image")) ?? "",
    env: composeEnv(get(s.node, "environment")),
    words: [...commandWords(get(s.node, "entrypoint")), ...commandWords(get(s.node, "command"))],
  }));
}

const CONTAINER_LISTS = compilePath("**.(containers|initContainers|ephemeralContainers)");

function fromKubernetes(doc: ParsedDocument): Container[] {
  const out: Container[] = [];
  for (const tree of selectTrees(doc, undefined)) {
    for (const hit of select(flat(tree), CONTAINER_LISTS)) {
      if (hit.node.type !== "map") continue;
      const c = hit.node;
      const env: EnvVar[] = [];
      for (const e of listItems(get(c, "env"))) {
        const name = str(get(e, "name"));
        const value = get(e, "value");
        if (name === undefined || value?.type !== "scalar") continue;
        env.push({ name, value: value.value, ...at(value.pos) });
      }
      out.push({
        name: str(get(c, "name")) ?? "",
        image: str(get(c, "image")) ?? "",
        env,
        words: [...commandWords(get(c, "command")), ...commandWords(get(c, "args"))],
      });
    }
  }
  return out;
}

function fromDockerfile(doc: ParsedDocument): Container[] {
  const stages = new Map<number, Container>();
  for (const ins of doc.instructions ?? []) {
    let c = stages.get(ins.stage);
    if (!c) {
      c = { name: `stage ${ins.stage}`, image: "", env: [], words: [] };
      stages.set(ins.stage, c);
    }
    if (ins.keyword === "FROM") c.image = ins.args.split(/\s+/).find((w) => !w.startsWith("--")) ?? "";
    if (ins.keyword === "ENV" || ins.keyword === "ARG") {
      const parts = splitArgs(ins.args);
      const pairs = parts.every((p) => p.includes("=") || ins.keyword === "ARG")
        ? parts.map(
            (p) =>
              [
                p.slice(0, p.includes("=") ? p.indexOf("=") : p.length),
                p.includes("=") ? p.slice(p.indexOf("=") + 1) : undefined,
              ] as const,
          )
        : [[parts[0] ?? "", parts.slice(1).join(" ")] as const];
      for (const [name, value] of pairs) {
        if (value === undefined || !name) continue;
        const p = instructionPosition(ins, Math.max(0, ins.args.indexOf(name)));
        c.env.push({ name, value, line: p.line, col: p.col, endCol: p.col + name.length + value.length + 1 });
      }
    }
    if (ins.keyword === "CMD" || ins.keyword === "ENTRYPOINT" || ins.keyword === "RUN") {
      const text = ins.args.trim().startsWith("[") ? jsonWords(ins.args) : splitArgs(ins.args);
      for (const w of text) {
        const p = instructionPosition(ins, Math.max(0, ins.args.indexOf(w)));
        c.words.push({ text: w, line: p.line, col: p.col, endCol: p.col + w.length });
      }
    }
  }
  return [...stages.values()];
}

function jsonWords(args: string): string[] {
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return splitArgs(args.replace(/[[\],]/g, " "));
  }
}

export function containers(doc: ParsedDocument, fileType: string): Container[] {
  if (fileType === "compose") return fromCompose(doc);
  if (fileType === "kubernetes") return fromKubernetes(doc);
  if (fileType === "dockerfile") return fromDockerfile(doc);
  return [];
}
