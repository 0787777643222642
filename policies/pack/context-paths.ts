/**
 * Locations leave the pack relative to their build context: a report, a CI log or a SARIF upload must
 * never carry the path of the machine that ran the check. Rules point at files by absolute path (the
 * readers need them); the contexts the pack inspected are noted here so the message can say
 * `config/settings/base.py:12` instead.
 */
import * as path from "path";
import { SOURCE_ROOT_ENV } from "../protocol";

const roots = new Set<string>();

export function noteContextRoot(root: string): void {
  roots.add(path.resolve(root));
}

/**
 * `file` relative to the deepest inspected context that holds it; undefined for the context itself
 * (the finding is about the whole build, its resource says which). An absolute path outside every
 * context keeps only its file name.
 */
export function contextRelative(file: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!path.isAbsolute(file)) return file;
  const resolved = path.resolve(file);
  const sourceRoot = env[SOURCE_ROOT_ENV];
  if (sourceRoot !== undefined && sourceRoot !== "") {
    const root = path.resolve(sourceRoot);
    if (resolved.startsWith(root + path.sep)) return path.relative(root, resolved).split(path.sep).join("/");
  }
  let best: string | undefined;
  for (const root of roots) {
    if ((resolved === root || resolved.startsWith(root + path.sep)) && (!best || root.length > best.length))
      best = root;
  }
  if (best === undefined) return path.basename(resolved);
  const relative = path.relative(best, resolved).split(path.sep).join("/");
  return relative === "" ? undefined : relative;
}
