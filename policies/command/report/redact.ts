/**
 * The report's secret guard. Policy messages must never carry secret values, and the
 * engine already replaces secrets it knows about with "[secret]"; this is the second
 * line of defence for everything the report prints that did not come from our own
 * catalogue (event messages, locations, runbook commands): whatever slipped through is
 * masked before it can reach markdown, JSON or SARIF.
 */

/** What a masked value is replaced with. */
export const MASK = "***";

/**
 * The key that marks a serialized Pulumi secret (`{"4dabf1...": "1b4706...", "value": ...}`),
 * from @pulumi/pulumi runtime/rpc.ts `specialSigKey`; a message that embeds such an object
 * embeds the plaintext beside it.
 */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SERIALIZED_SECRET = new RegExp(`\\{[^{}]*${SECRET_SIG_KEY}[^{}]*\\}`, "g");

// `scheme://user:password@host`: the password runs to the last `@` before whitespace, so a
// raw (unencoded) `/` or `:` in it is masked too; masking a non-password is the safe mistake.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):\S*@/gi;

// `NAME=value` where NAME looks like a secret (Dockerfile ENV/ARG, env files, shell).
// References (`$VAR`, `${VAR}`, `<placeholder>`) are not values and stay readable.
const SECRET_ASSIGNMENT =
  /\b([A-Za-z0-9_]*(?:SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|APIKEY|PRIVATE_KEY|ENCRYPTION_KEY|CREDENTIALS?)[A-Za-z0-9_]*)=("[^"]*"|'[^']*'|<[^>]*>|[^\s`'",;]+)/gi;

function isReference(value: string): boolean {
  const unquoted = value.replace(/^["']|["']$/g, "");
  return unquoted === "" || unquoted === MASK || /^\$|^<.*>$|^\[secret\]$/i.test(unquoted);
}

/** Masks anything in `text` that looks like a secret value. Idempotent. */
export function redactSecrets(text: string): string {
  return text
    .replace(SERIALIZED_SECRET, "[secret]")
    .replace(URL_PASSWORD, (_match, prefix: string) => `${prefix}:${MASK}@`)
    .replace(SECRET_ASSIGNMENT, (match, name: string, value: string) =>
      isReference(value) ? match : `${name}=${MASK}`,
    );
}
