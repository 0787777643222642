/**
 * AgencySecrets: every credential an instance needs, generated with @pulumi/random, never typed
 * by a person, stable across updates and rotated only when a rotation generation in config changes.
 *
 * Rotation keeps the previous generation alive. Each generation is its own random resource, named
 * after its number (`<name>-secret-key-g3`), so bumping `rotation.secretKey` from 2 to 3 creates
 * g3, keeps g2 (now the fallback) and deletes g1. Django signs with SECRET_KEY and still accepts
 * SECRET_KEY_FALLBACKS; the app encrypts with FIELD_ENCRYPTION_KEY and decrypts with it or any of
 * FIELD_ENCRYPTION_KEY_FALLBACKS (MultiFernet order: current first). A database role has one
 * password at a time, so the app only ever gets the current one; on request
 * (`keepPreviousDatabasePasswords`, Docker) the previous generation is kept for the job that logs
 * in with it to apply the new one (`ALTER ROLE`, see docker/password-rotation.ts).
 *
 * Every value leaving this component is wrapped in pulumi.secret: the random provider marks
 * `result` secret itself, but mocks and derived values (URLs, env entries) would otherwise leak.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { fromProviderOutput } from "./provider-output";

/** Django's own SECRET_KEY alphabet minus `$`, which shells and env files would try to expand. */
export const SECRET_KEY_SPECIALS = "!@#%^&*(-_=+)";
export const SECRET_KEY_LENGTH = 64;
export const DATABASE_PASSWORD_LENGTH = 32;
/** A Fernet key is 32 random bytes. */
export const FERNET_KEY_BYTES = 32;

/** Rotation generations, as validated by config (`rotation.*`). */
export interface RotationGenerationsArgs {
  secretKey: string;
  fieldEncryptionKey: string;
  databasePasswords: string;
}

export interface AgencySecretsArgs {
  rotation: RotationGenerationsArgs;
  /**
   * Keep the previous database password generation (`previous*DatabasePassword`) for a target
   * that applies a new password with the old one (Docker); Azure sets passwords as server admin.
   */
  keepPreviousDatabasePasswords?: boolean;
  /**
   * Generate a password for the audit trail's append-only login (`auditWriterPassword`), for a
   * target whose audit database's own user is a superuser (Docker: docker/password-rotation.ts).
   */
  auditWriterLogin?: boolean;
}

/** The generations alive for one secret: the current one, and the previous one when there is one. */
export interface Generations {
  current: number;
  previous?: number;
}

/** `"3"` -> `{current: 3, previous: 2}`; `"0"` -> `{current: 0}`. */
export function generationsOf(rotation: string): Generations {
  const current = Number(rotation);
  if (!Number.isSafeInteger(current) || current < 0) {
    throw new Error(`rotation generation must be a non-negative integer, got "${rotation}"`);
  }
  return current === 0 ? { current } : { current, previous: current - 1 };
}

/** Fernet wants URL-safe base64 (RFC 4648 §5) of exactly 32 bytes, padding included (44 characters). */
export function fernetKeyFromBase64(standardBase64: string): string {
  const bytes = Buffer.from(standardBase64, "base64");
  if (bytes.length !== FERNET_KEY_BYTES) {
    throw new Error(`a Fernet key needs ${FERNET_KEY_BYTES} bytes, got ${bytes.length}`);
  }
  return bytes.toString("base64url") + "=";
}

/** Fallback lists travel as one comma-separated env value; no generated key contains a comma. */
export function joinKeyList(keys: readonly string[]): string {
  for (const key of keys) {
    if (key.includes(",")) throw new Error("a key in a comma-separated key list must not contain a comma");
  }
  return keys.join(",");
}

export class AgencySecrets extends pulumi.ComponentResource {
  /** Django SECRET_KEY (current generation). */
  readonly secretKey: pulumi.Output<string>;
  /** Previous SECRET_KEY generations still accepted for verification (SECRET_KEY_FALLBACKS). */
  readonly secretKeyFallbacks: pulumi.Output<string[]>;
  /** Fernet key that encrypts fields (current generation). */
  readonly fieldEncryptionKey: pulumi.Output<string>;
  /** Previous Fernet keys still accepted for decryption. */
  readonly fieldEncryptionKeyFallbacks: pulumi.Output<string[]>;
  readonly appDatabasePassword: pulumi.Output<string>;
  readonly auditDatabasePassword: pulumi.Output<string>;
  /** The app role's previous password generation, when kept; undefined before the first rotation. */
  readonly previousAppDatabasePassword?: pulumi.Output<string>;
  /** The audit role's previous password generation, when kept; undefined before the first rotation. */
  readonly previousAuditDatabasePassword?: pulumi.Output<string>;
  /** The append-only audit login's password (current generation), when requested. */
  readonly auditWriterPassword?: pulumi.Output<string>;

  constructor(name: string, args: AgencySecretsArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate before registering anything.
    const secretKeyGens = generationsOf(args.rotation.secretKey);
    const fieldKeyGens = generationsOf(args.rotation.fieldEncryptionKey);
    const passwordGens = generationsOf(args.rotation.databasePasswords);
    super("agency-deploy:index:AgencySecrets", name, {}, opts);
    const parent = { parent: this };

    const secretKey = (generation: number) =>
      new random.RandomPassword(
        `${name}-secret-key-g${generation}`,
        {
          length: SECRET_KEY_LENGTH,
          special: true,
          overrideSpecial: SECRET_KEY_SPECIALS,
          keepers: { generation: String(generation) },
        },
        parent,
      ).result;
    const fieldKey = (generation: number) =>
      fromProviderOutput(
        new random.RandomBytes(
          `${name}-field-encryption-key-g${generation}`,
          { length: FERNET_KEY_BYTES, keepers: { generation: String(generation) } },
          parent,
        ).base64,
        fernetKeyFromBase64,
      );
    const password = (role: string, generation: number) =>
      new random.RandomPassword(
        `${name}-${role}-db-password-g${generation}`,
        { length: DATABASE_PASSWORD_LENGTH, special: false, keepers: { generation: String(generation) } },
        parent,
      ).result;

    this.secretKey = pulumi.secret(secretKey(secretKeyGens.current));
    this.secretKeyFallbacks = pulumi.secret(
      secretKeyGens.previous === undefined
        ? pulumi.output([])
        : pulumi.all([secretKey(secretKeyGens.previous)]),
    );
    this.fieldEncryptionKey = pulumi.secret(fieldKey(fieldKeyGens.current));
    this.fieldEncryptionKeyFallbacks = pulumi.secret(
      fieldKeyGens.previous === undefined ? pulumi.output([]) : pulumi.all([fieldKey(fieldKeyGens.previous)]),
    );
    this.appDatabasePassword = pulumi.secret(password("app", passwordGens.current));
    this.auditDatabasePassword = pulumi.secret(password("audit", passwordGens.current));
    if (args.auditWriterLogin === true) {
      this.auditWriterPassword = pulumi.secret(password("audit-writer", passwordGens.current));
    }
    if (args.keepPreviousDatabasePasswords === true && passwordGens.previous !== undefined) {
      this.previousAppDatabasePassword = pulumi.secret(password("app", passwordGens.previous));
      this.previousAuditDatabasePassword = pulumi.secret(password("audit", passwordGens.previous));
    }

    this.registerOutputs({
      secretKey: this.secretKey,
      secretKeyFallbacks: this.secretKeyFallbacks,
      fieldEncryptionKey: this.fieldEncryptionKey,
      fieldEncryptionKeyFallbacks: this.fieldEncryptionKeyFallbacks,
      appDatabasePassword: this.appDatabasePassword,
      auditDatabasePassword: this.auditDatabasePassword,
      previousAppDatabasePassword: this.previousAppDatabasePassword,
      previousAuditDatabasePassword: this.previousAuditDatabasePassword,
      auditWriterPassword: this.auditWriterPassword,
    });
  }
}
