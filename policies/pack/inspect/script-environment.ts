/**
 * The variables a start script sets for what it runs after (the server, manage.py): `X=1`,
 * `export X=...`, `X=1 gunicorn ...`, `env X=1 gunicorn ...`, `read X`. A script that takes
 * variables from somewhere it does not show (`. ./env.sh`, `source`, `eval`, `set -a`,
 * `export $(cat .env)`) is open: any variable may come from it.
 */
import type { Node } from "web-tree-sitter";
import { descendants } from "./grammars";
import { basename, wordsOf, PREFIXES } from "./shell";

export interface ScriptEnvironment {
  /** Names the script assigns, in the order first seen. */
  assigned: string[];
  /** The script loads variables it does not name (a sourced file, eval, allexport, `export $(...)`). */
  open: boolean;
}

export const NO_ENVIRONMENT: ScriptEnvironment = { assigned: [], open: false };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ENV_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
const LOADERS = new Set([".", "source", "eval"]);

export function scriptEnvironment(root: Node): ScriptEnvironment {
  const assigned = new Set<string>();
  let open = false;
  for (const node of descendants(root)) {
    if (node.type === "variable_assignment") {
      const name = node.childForFieldName("name")?.text;
      if (name !== undefined && NAME.test(name)) assigned.add(name);
    } else if (node.type === "declaration_command") {
      // `export $(grep -v '^#' .env | xargs)`: names only known when it runs.
      if (node.namedChildren.some((child) => child?.type === "command_substitution")) open = true;
    } else if (node.type === "command") {
      const words = wordsOf(node);
      // `exec env X=1 gunicorn`: the prefixes run the command, env's assignments are its variables.
      let i = 0;
      for (; i < words.length && PREFIXES.has(basename(words[i])); i++) {
        if (basename(words[i]) !== "env") continue;
        for (
          ;
          i + 1 < words.length && (ENV_ASSIGNMENT.test(words[i + 1]) || words[i + 1].startsWith("-"));
          i++
        ) {
          const name = ENV_ASSIGNMENT.exec(words[i + 1])?.[1];
          if (name !== undefined) assigned.add(name);
        }
      }
      const program = basename(words[i] ?? "");
      const args = words.slice(i + 1);
      if (LOADERS.has(program)) open = true;
      else if (program === "set" && args.some((a) => /^-[a-zA-Z]*a/.test(a) || a === "allexport"))
        open = true;
      else if (program === "read") {
        for (const arg of args) if (NAME.test(arg)) assigned.add(arg);
      }
    }
  }
  return { assigned: [...assigned], open };
}
