/**
 * COPY/ADD sources that are not in what the build sends: BuildKit fails such a build ("failed to
 * compute cache key: ... not found"), so the image cannot be built. A source is judged against the
 * files left after .dockerignore; globs follow Go's filepath.Match (`*` and `?` never cross `/`).
 */
import type { DockerfileFacts, SourceLocation } from "./facts";
import { regexpLiteral } from "./regexp-literal";

export interface MissingSource {
  source: string;
  location: SourceLocation;
}

function globPattern(source: string): RegExp {
  let pattern = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === "*") pattern += "[^/]*";
    else if (c === "?") pattern += "[^/]";
    else if (c === "[") {
      const end = source.indexOf("]", i);
      if (end < 0) pattern += "\\[";
      else {
        pattern += `[${source
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else pattern += regexpLiteral(c);
  }
  return new RegExp(`^${pattern}(/|$)`);
}

/** Whether `source` (relative to the context) names a sent file or a directory holding one. */
function present(source: string, sent: readonly string[]): boolean {
  const clean = source
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "")
    .replace(/\/+$/, "");
  if (clean === "" || clean === ".") return true;
  if (/[*?[]/.test(clean)) {
    const pattern = globPattern(clean);
    return sent.some((file) => pattern.test(file));
  }
  return sent.some(
    (file) =>
      file === clean || file.startsWith(`${clean}/`) || (file.endsWith("/") && clean.startsWith(file)),
  );
}

/** Sources of COPY/ADD from the context (not `--from`, heredocs, URLs or unresolved variables) that are missing. */
export function missingCopySources(dockerfile: DockerfileFacts, sent: readonly string[]): MissingSource[] {
  const missing: MissingSource[] = [];
  for (const stage of dockerfile.stages) {
    for (const copy of stage.copies) {
      if (copy.from !== null || copy.fromHeredoc) continue;
      for (const source of copy.sources) {
        if (/^[a-z]+:\/\//i.test(source) || /^git@/.test(source) || source.includes("$")) continue;
        if (!present(source, sent)) missing.push({ source, location: copy.location });
      }
    }
  }
  return missing;
}
