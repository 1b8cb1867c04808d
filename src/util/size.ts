import { GitwardError } from "../errors.js";

/** Parses a size: a number of bytes, or "512kB", "5MB", "1.5 GiB" (binary multiples). */
export function parseSize(value: number | string): number {
  if (typeof value === "number") return value;
  // Units in any case: "20mb", "20MB" and "20MiB" all mean 20 × 1024².
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(value.trim());
  if (!m) throw new GitwardError(`invalid size "${value}" (use bytes or e.g. "5MB")`, "config");
  const unit = (m[2] ?? "B").toLowerCase();
  const factor = unit === "b" ? 1 : unit.startsWith("k") ? 1024 : unit.startsWith("m") ? 1024 ** 2 : 1024 ** 3;
  return Math.round(Number(m[1]) * factor);
}
