/**
 * The one definition of a file that holds a secret: environment files (not their templates),
 * private keys and keystores, credential files. The .dockerignore reader (what the build context
 * sends) and the Dockerfile reader (what COPY/ADD names) both ask it, so CS-2 and CS-5 agree.
 */
export type SecretFileKind = "env-file" | "private-key" | "credentials";

const ENV_FILE_TEMPLATES = /\.(example|sample|template|dist|defaults?)$/i;

/** The kind of secret a file name (no directory) holds, or null. */
export function secretFileKind(base: string): SecretFileKind | null {
  const lower = base.toLowerCase();
  if ((lower === ".env" || lower.startsWith(".env.")) && !ENV_FILE_TEMPLATES.test(lower)) return "env-file";
  if (/\.(pem|key|p12|pfx|jks)$/.test(lower) || /^id_(rsa|dsa|ecdsa|ed25519)/.test(lower))
    return "private-key";
  if (
    lower.startsWith("credentials") ||
    /^secrets?(\.[a-z]+)?$/.test(lower) ||
    /service[-_]?account.*\.json$/.test(lower) ||
    lower === ".pgpass" ||
    lower === ".netrc"
  ) {
    return "credentials";
  }
  return null;
}

/** A path (a COPY source, a context file) whose file holds a secret. */
export function isSecretFile(source: string): boolean {
  return secretFileKind(source.replace(/\/+$/, "").split("/").pop() ?? "") !== null;
}
