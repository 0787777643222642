/**
 * Names that exist only after a deploy. Offline, the mocks stand in for the providers and
 * make up what they would pick at `pulumi up`: Docker's auto-name suffix
 * (`local-web-server-c5cd88f`), azure-native's auto-name suffix, a random provider's result
 * (`lakeside-shelter-pg-sa19br`). Printed as they are, they read like the real names and a
 * command copied from the offline runbook would name a container that does not exist; so the
 * made-up part is replaced by a visible placeholder.
 */
import { regexpLiteral } from "../../pack/inspect/regexp-literal";
import { realisticOutputs } from "./realistic-mocks";
import type { ProgramRun, Registration } from "./registration";

export const PLACEHOLDER = "<generated>";

export const PLACEHOLDER_NOTE =
  `> Computed offline: \`${PLACEHOLDER}\` marks the part of a name the provider picks at \`pulumi up\` ` +
  "(an auto-name suffix, a random value). After a deploy, `pulumi stack output`, `docker ps` or " +
  "`az resource list` show the real names.";

/** A made-up value, and the name it becomes with the placeholder instead. */
export interface GeneratedName {
  value: string;
  replacement: string;
}

// Random results shorter than this could be an ordinary word of the runbook.
const MIN_RANDOM = 5;

function generatedOf(registration: Registration): GeneratedName[] {
  if (!registration.custom) return [];
  const inputs = registration.inputs as Record<string, unknown>;
  const { state } = realisticOutputs({
    type: registration.type,
    name: registration.name,
    inputs,
    provider: registration.provider,
    id: undefined,
    custom: true,
  });
  const found: GeneratedName[] = [];
  const name = (state as Record<string, unknown>).name;
  if (typeof name === "string" && name !== inputs.name && name.startsWith(registration.name)) {
    found.push({
      value: name,
      replacement: `${registration.name}${name.slice(registration.name.length).replace(/[A-Za-z0-9]+$/, PLACEHOLDER)}`,
    });
  }
  const result = (state as Record<string, unknown>).result;
  if (registration.type.startsWith("random:") && typeof result === "string" && result.length >= MIN_RANDOM) {
    found.push({ value: result, replacement: PLACEHOLDER });
  }
  return found;
}

export function generatedNames(run: ProgramRun): GeneratedName[] {
  // Longest first, so a name is replaced before a random value inside it.
  return run.registrations.flatMap(generatedOf).sort((a, b) => b.value.length - a.value.length);
}

/** `text` with every made-up value (as a whole word) replaced; unchanged when there is none. */
export function markPlaceholders(text: string, names: readonly GeneratedName[]): string {
  let marked = text;
  for (const { value, replacement } of names) {
    marked = marked.replace(
      new RegExp(`(?<![A-Za-z0-9])${regexpLiteral(value)}(?![A-Za-z0-9])`, "g"),
      replacement,
    );
  }
  return marked;
}
