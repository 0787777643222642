/**
 * Text to match as it is inside a RegExp built around it (a host name as a whole word, a made-up
 * name to replace). Hand-written because no direct dependency does it: escape-string-regexp is
 * only a transitive one here, and its current major is ESM-only. Kept in inspect/ so the command
 * (which may import the pack's readers) and the pack share it.
 */
export function regexpLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
