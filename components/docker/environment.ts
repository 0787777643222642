/**
 * The application's environment: what Django needs to start safely, assembled in one place so
 * the release and the web service see exactly the same settings.
 *
 * Plain entries (the target-neutral `plainEnvironment`) stay plain strings, but for those naming hosts; every credential entry
 * is its own secret Output. The SDK lifts secretness to the whole `envs` property when it is sent to the engine, so state and previews never show a credential.
 */
import * as pulumi from "@pulumi/pulumi";
import type { InstanceSettings } from "../config";
import { plainEnvironmentEntries } from "../environment";
import { joinKeyList } from "../secrets";

/** Credential values as the app reads them. */
export interface AppCredentials {
  databaseUrl: string;
  auditDatabaseUrl: string;
  secretKey: string;
  secretKeyFallbacks: string[];
  fieldEncryptionKey: string;
  fieldEncryptionKeyFallbacks: string[];
}

/**
 * Credential env. Fallback lists are comma-separated, current key NOT included:
 * SECRET_KEY_FALLBACKS feeds Django's setting of that name; FIELD_ENCRYPTION_KEY_FALLBACKS holds
 * older Fernet keys that may still decrypt (MultiFernet([current, *fallbacks])).
 */
export function credentialEnvironment(credentials: AppCredentials): Record<string, string> {
  return {
    DATABASE_URL: credentials.databaseUrl,
    AUDIT_DATABASE_URL: credentials.auditDatabaseUrl,
    SECRET_KEY: credentials.secretKey,
    SECRET_KEY_FALLBACKS: joinKeyList(credentials.secretKeyFallbacks),
    FIELD_ENCRYPTION_KEY: credentials.fieldEncryptionKey,
    FIELD_ENCRYPTION_KEY_FALLBACKS: joinKeyList(credentials.fieldEncryptionKeyFallbacks),
  };
}

export const CREDENTIAL_ENV_NAMES = Object.keys(
  credentialEnvironment({
    databaseUrl: "",
    auditDatabaseUrl: "",
    secretKey: "",
    secretKeyFallbacks: [],
    fieldEncryptionKey: "",
    fieldEncryptionKeyFallbacks: [],
  }),
);

/** Outputs of the credentials, as components hold them. */
export type AppCredentialOutputs = { [K in keyof AppCredentials]: pulumi.Input<AppCredentials[K]> };

/**
 * `KEY=VALUE` entries for a container: plain ones as strings (those naming `hosts` follow them),
 * each credential a secret Output.
 */
export function containerEnvironment(
  settings: InstanceSettings,
  hosts: pulumi.Input<readonly string[]>,
  credentials: AppCredentialOutputs,
): pulumi.Input<string>[] {
  const plain = plainEnvironmentEntries(settings, hosts).map(([name, value]) =>
    typeof value === "string" ? `${name}=${value}` : pulumi.interpolate`${name}=${value}`,
  );
  const resolved = pulumi.output(credentials).apply(credentialEnvironment);
  const secret = CREDENTIAL_ENV_NAMES.map((name) =>
    pulumi.secret(resolved.apply((env) => `${name}=${env[name]}`)),
  );
  return [...plain, ...secret];
}
