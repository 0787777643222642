/**
 * Read access to a build context: the listing and file texts the readers need, never throwing.
 * Readers take a `ContextFiles`, so tests can hand them an in-memory context.
 */
import * as fs from "fs";
import * as path from "path";

export interface ContextFiles {
  /** Every regular file (relative, forward slashes, sorted); directories are implied by their files. */
  list(): string[];
  /** File text, or null when missing/unreadable/not a file. */
  read(relative: string): string | null;
  /** Whether the listing stopped at its limit. */
  truncated: boolean;
}

/** Files in a directory tree, skipping subtrees `skipDirectory` rejects; stops after `limit` files. */
export function walkDirectory(
  root: string,
  limit: number,
  skipDirectory: (relative: string) => boolean,
): { files: string[]; truncated: boolean } {
  const files: string[] = [];
  const pending: string[] = [""];
  let truncated = false;
  while (pending.length > 0 && !truncated) {
    const dir = pending.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const relative = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skipDirectory(relative)) pending.push(relative);
      } else {
        if (files.length >= limit) {
          truncated = true;
          break;
        }
        files.push(relative);
      }
    }
  }
  return { files: files.sort(), truncated };
}

export function diskContext(root: string, files: string[], truncated: boolean): ContextFiles {
  const texts = new Map<string, string | null>();
  return {
    list: () => files,
    truncated,
    read(relative: string): string | null {
      const key = path.posix.normalize(relative.replace(/\\/g, "/")).replace(/^\/+/, "");
      if (key.startsWith("..")) return null;
      if (!texts.has(key)) {
        let text: string | null = null;
        try {
          const full = path.join(root, key);
          if (fs.statSync(full).isFile()) text = fs.readFileSync(full, "utf8");
        } catch {
          text = null;
        }
        texts.set(key, text);
      }
      return texts.get(key) ?? null;
    },
  };
}

/** An in-memory context (tests, fuzzing): relative path -> text. */
export function memoryContext(entries: Record<string, string>): ContextFiles {
  const files = Object.keys(entries).sort();
  return {
    list: () => files,
    truncated: false,
    read: (relative) => {
      const key = path.posix.normalize(relative).replace(/^\/+/, "");
      return Object.prototype.hasOwnProperty.call(entries, key) ? entries[key] : null;
    },
  };
}
