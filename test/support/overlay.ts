/**
 * A fixture that differs from another in a few files is kept as an overlay: only its own files
 * sit in test/fixtures, laid over a copy of the base at test time, so the shared files (a
 * Dockerfile, settings) are written once and the overlay says what the fixture does differently.
 * Assembled once per test process in a temporary directory named like the fixture (compose
 * project names and reports read the directory's name).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const GENERATED = new Set(["__pycache__", ".pytest_cache", "staticfiles", "node_modules"]);

export interface Overlay {
  /** The directory's name, as the fixture's own was. */
  name: string;
  base: string;
  overlay: string;
  /** Base files (by name) the overlay replaces with others of its own: a base's compose files. */
  without?: (file: string) => boolean;
  /** Edits made to the assembled copy: how the fixture's files differ line by line from the base's. */
  edit?: (dir: string) => void;
}

const assembled = new Map<string, string>();

export function assemble(fixture: Overlay): string {
  const key = `${fixture.base}|${fixture.overlay}|${fixture.name}`;
  const known = assembled.get(key);
  if (known !== undefined) return known;
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `${fixture.name}-`)), fixture.name);
  fs.cpSync(fixture.base, dir, {
    recursive: true,
    filter: (source) =>
      !GENERATED.has(path.basename(source)) && !(fixture.without?.(path.basename(source)) ?? false),
  });
  fs.cpSync(fixture.overlay, dir, { recursive: true });
  fixture.edit?.(dir);
  assembled.set(key, dir);
  return dir;
}
