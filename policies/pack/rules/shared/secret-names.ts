/**
 * What looks like a secret: variable names that carry credentials, values that embed a
 * password in a URL, and files that hold keys or environment secrets. Used by rules that must
 * name the problem without ever showing the value.
 */

/** Names that carry credentials (SECRET_KEY, DB_PASSWORD, API_TOKEN, AWS_SECRET_ACCESS_KEY, ...). */
export const SECRET_NAME =
  /(secret|passw(or)?d|passwd|pwd|token|api[_-]?key|private[_-]?key|credential|access[_-]?key|encryption[_-]?key)/i;

/** `scheme://user:password@host`: a URL that embeds a password. */
export const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^@\s/]+@/i;

/** Values that are only a reference to another variable (`$SECRET_KEY`, `${TOKEN}`) or empty carry nothing. */
export function isLiteralValue(value: string): boolean {
  const v = value.trim();
  return v !== "" && !/^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(v);
}

/** A variable that bakes a secret: secret-like name with a literal value, or a URL with a password. */
export function bakesSecret(name: string, value: string): boolean {
  return (SECRET_NAME.test(name) && isLiteralValue(value)) || URL_WITH_PASSWORD.test(value);
}

/** Context files that hold secrets: .env files, private keys, credential files. */
export function isSecretFile(source: string): boolean {
  const base = source.replace(/\/+$/, "").split("/").pop() ?? "";
  return (
    (/^\.env(\..*)?$/.test(base) && !/\.(example|sample|template|dist)$/.test(base)) ||
    /\.(pem|key|p12|pfx|jks)$/.test(base) ||
    /^id_(rsa|dsa|ecdsa|ed25519)$/.test(base) ||
    /^(credentials|secrets?)(\.[a-z]+)?$/i.test(base) ||
    /service[-_]?account.*\.json$/i.test(base) ||
    base === ".netrc" ||
    base === ".pgpass"
  );
}
