/**
 * Compose's variable interpolation (compose-spec "Interpolation"): `$VAR`, `${VAR}`,
 * `${VAR:-default}` (default when unset or empty), `${VAR-default}` (when unset), `${VAR:?err}` /
 * `${VAR?err}` (required), `${VAR:+alt}` / `${VAR+alt}`, `$$` for a literal `$`, defaults nested.
 *
 * Written by hand: the npm interpolators (dotenv-expand and the like) implement the shell's or
 * dotenv's rules, not compose's (no `?` required form, different escapes). The variables are the
 * project's `.env`, never this machine's environment: a variable the files do not set is supplied
 * when the deployment runs, so its value is unknown here, not empty.
 */
import { UNKNOWN } from "../../protocol";

export interface Interpolated {
  value: string;
  /** Variables used without a value here (each becomes the unknown sentinel in `value`). */
  unresolved: string[];
  /** Variables the file marks required (`${VAR:?message}`) that have no value here. */
  required: string[];
  /** Variables whose written default was used because they are unset (`${VAR:-default}`). */
  defaulted: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(input: string, variables: Readonly<Record<string, string>>): Interpolated {
  const result: Interpolated = { value: "", unresolved: [], required: [], defaulted: [] };
  result.value = expand(input, variables, result);
  return result;
}

function expand(input: string, vars: Readonly<Record<string, string>>, out: Interpolated): string {
  let value = "";
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (c !== "$") {
      value += c;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      value += "$";
      i += 2;
      continue;
    }
    if (next === "{") {
      const end = closingBrace(input, i + 2);
      if (end < 0) {
        value += input.slice(i);
        break;
      }
      value += braced(input.slice(i + 2, end), vars, out);
      i = end + 1;
      continue;
    }
    const name = NAME.exec(input.slice(i + 1))?.[0];
    if (name === undefined) {
      value += c;
      i++;
      continue;
    }
    value += lookup(name, vars, out);
    i += 1 + name.length;
  }
  return value;
}

function closingBrace(input: string, from: number): number {
  let depth = 1;
  for (let i = from; i < input.length; i++) {
    if (input[i] === "{") depth++;
    else if (input[i] === "}" && --depth === 0) return i;
  }
  return -1;
}

function lookup(name: string, vars: Readonly<Record<string, string>>, out: Interpolated): string {
  const value = vars[name];
  if (value !== undefined) return value;
  out.unresolved.push(name);
  return UNKNOWN;
}

function braced(body: string, vars: Readonly<Record<string, string>>, out: Interpolated): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) return "${" + body + "}";
  const rest = body.slice(name.length);
  const set = vars[name] !== undefined;
  const nonEmpty = set && vars[name] !== "";
  const operator = /^(:?[-?+])/.exec(rest)?.[1];
  if (operator === undefined) return lookup(name, vars, out);
  const word = rest.slice(operator.length);
  const present = operator.startsWith(":") ? nonEmpty : set;
  switch (operator.replace(":", "")) {
    case "-":
      if (present) return vars[name];
      out.defaulted.push(name);
      return expand(word, vars, out);
    case "?":
      if (present) return vars[name];
      out.required.push(name);
      out.unresolved.push(name);
      return UNKNOWN;
    default:
      // `+`: the alternative when set, else empty.
      return present ? expand(word, vars, out) : "";
  }
}
