import * as pulumi from "@pulumi/pulumi";
import {
  AgencySecrets,
  fernetKeyFromBase64,
  generationsOf,
  joinKeyList,
  SECRET_KEY_LENGTH,
  SECRET_KEY_SPECIALS,
} from "../../components/secrets";
import { installCapture, valueOf, ResourceCapture } from "../support/capture";

const PASSWORD = "random:index/randomPassword:RandomPassword";
const BYTES = "random:index/randomBytes:RandomBytes";

function rotation(secretKey = "0", fieldEncryptionKey = "0", databasePasswords = "0") {
  return { rotation: { secretKey, fieldEncryptionKey, databasePasswords } };
}

describe("generationsOf", () => {
  it("has no previous generation before the first rotation", () => {
    expect(generationsOf("0")).toEqual({ current: 0 });
  });
  it("keeps exactly the previous generation after a rotation", () => {
    expect(generationsOf("3")).toEqual({ current: 3, previous: 2 });
  });
  it("refuses values that are not generation numbers", () => {
    expect(() => generationsOf("2024-01")).toThrow(/non-negative integer/);
    expect(() => generationsOf("-1")).toThrow(/non-negative integer/);
  });
});

describe("fernetKeyFromBase64", () => {
  it("turns 32 random bytes into a 44-character URL-safe Fernet key", () => {
    const bytes = Buffer.alloc(32, 0xfb); // 0xfb encodes to '+' and '/' in standard base64
    const key = fernetKeyFromBase64(bytes.toString("base64"));
    expect(key).toHaveLength(44);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Buffer.from(key, "base64url")).toEqual(bytes);
  });
  it("refuses a key of the wrong length", () => {
    expect(() => fernetKeyFromBase64(Buffer.alloc(16).toString("base64"))).toThrow(/32 bytes, got 16/);
  });
});

describe("joinKeyList", () => {
  it("joins keys with commas, current first", () => {
    expect(joinKeyList(["a", "b"])).toBe("a,b");
  });
  it("refuses a key that would split the list", () => {
    expect(() => joinKeyList(["a,b"])).toThrow(/comma/);
  });
});

describe("AgencySecrets", () => {
  let capture: ResourceCapture;
  beforeEach(() => {
    capture = installCapture();
  });

  it("generates a 64-character SECRET_KEY without $ and URL-safe database passwords", async () => {
    const secrets = new AgencySecrets("s", rotation());
    await capture.settled();
    const key = capture.one(PASSWORD, "s-secret-key-g0");
    expect(key.inputs).toMatchObject({
      length: SECRET_KEY_LENGTH,
      special: true,
      overrideSpecial: SECRET_KEY_SPECIALS,
    });
    expect(SECRET_KEY_LENGTH).toBeGreaterThanOrEqual(50);
    expect(SECRET_KEY_SPECIALS).not.toContain("$");
    expect(SECRET_KEY_SPECIALS).not.toContain(",");
    for (const role of ["app", "audit"]) {
      expect(capture.one(PASSWORD, `s-${role}-db-password-g0`).inputs).toMatchObject({
        length: 32,
        special: false,
      });
    }
    expect(capture.one(BYTES, "s-field-encryption-key-g0").inputs).toMatchObject({ length: 32 });
    expect(await valueOf(secrets.fieldEncryptionKey)).toMatch(/^[A-Za-z0-9_-]{43}=$/);
  });

  it("marks every output secret", async () => {
    const secrets = new AgencySecrets("s", rotation("1", "1", "1"));
    for (const output of [
      secrets.secretKey,
      secrets.secretKeyFallbacks,
      secrets.fieldEncryptionKey,
      secrets.fieldEncryptionKeyFallbacks,
      secrets.appDatabasePassword,
      secrets.auditDatabasePassword,
    ] as pulumi.Output<unknown>[]) {
      expect(await pulumi.isSecret(output)).toBe(true);
    }
  });

  it("has no fallbacks before the first rotation", async () => {
    const secrets = new AgencySecrets("s", rotation());
    expect(await valueOf(secrets.secretKeyFallbacks)).toEqual([]);
    expect(await valueOf(secrets.fieldEncryptionKeyFallbacks)).toEqual([]);
  });

  it("rotating SECRET_KEY creates the next generation and keeps the previous one as the fallback", async () => {
    const before = new AgencySecrets("s", rotation("0"));
    const oldKey = await valueOf(before.secretKey);
    await capture.settled();

    capture = installCapture();
    const after = new AgencySecrets("s", rotation("1"));
    await capture.settled();
    expect(
      capture
        .ofType(PASSWORD)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["s-app-db-password-g0", "s-audit-db-password-g0", "s-secret-key-g0", "s-secret-key-g1"]);
    // g0 is registered with the same name and inputs as before: the engine keeps its value.
    expect(capture.one(PASSWORD, "s-secret-key-g0").inputs.keepers).toEqual({ generation: "0" });
    expect(capture.one(PASSWORD, "s-secret-key-g1").inputs.keepers).toEqual({ generation: "1" });
    const newKey = await valueOf(after.secretKey);
    expect(newKey).not.toBe(oldKey);
    expect(await valueOf(after.secretKeyFallbacks)).toEqual([oldKey]);
  });

  it("a second rotation drops the generation before the previous one", async () => {
    new AgencySecrets("s", rotation("2", "2"));
    await capture.settled();
    const names = capture.resources.filter((r) => r.custom).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(["s-secret-key-g2", "s-secret-key-g1"]));
    expect(names).not.toContain("s-secret-key-g0");
    expect(names).toEqual(expect.arrayContaining(["s-field-encryption-key-g2", "s-field-encryption-key-g1"]));
    expect(names).not.toContain("s-field-encryption-key-g0");
  });

  it("rotating FIELD_ENCRYPTION_KEY keeps the old key for decryption and leaves SECRET_KEY alone", async () => {
    const before = new AgencySecrets("s", rotation("0", "0"));
    const oldFieldKey = await valueOf(before.fieldEncryptionKey);
    const oldSecretKey = await valueOf(before.secretKey);
    capture = installCapture();
    const after = new AgencySecrets("s", rotation("0", "1"));
    expect(await valueOf(after.fieldEncryptionKey)).not.toBe(oldFieldKey);
    expect(await valueOf(after.fieldEncryptionKeyFallbacks)).toEqual([oldFieldKey]);
    expect(await valueOf(after.secretKey)).toBe(oldSecretKey);
    expect(await valueOf(after.secretKeyFallbacks)).toEqual([]);
  });

  it("rotating database passwords replaces both passwords and keeps no old password", async () => {
    const before = new AgencySecrets("s", rotation("0", "0", "0"));
    const oldApp = await valueOf(before.appDatabasePassword);
    capture = installCapture();
    const after = new AgencySecrets("s", rotation("0", "0", "1"));
    await capture.settled();
    expect(await valueOf(after.appDatabasePassword)).not.toBe(oldApp);
    expect(capture.ofType(PASSWORD).map((r) => r.name)).not.toContain("s-app-db-password-g0");
  });

  it("keeps the previous database passwords, secret, for a target that applies the new one with them", async () => {
    const before = new AgencySecrets("s", rotation("0", "0", "0"));
    const [oldApp, oldAudit] = [
      await valueOf(before.appDatabasePassword),
      await valueOf(before.auditDatabasePassword),
    ];
    expect(before.previousAppDatabasePassword).toBeUndefined();
    capture = installCapture();
    const after = new AgencySecrets("s", { ...rotation("0", "0", "1"), keepPreviousDatabasePasswords: true });
    await capture.settled();
    expect(await valueOf(after.previousAppDatabasePassword!)).toBe(oldApp);
    expect(await valueOf(after.previousAuditDatabasePassword!)).toBe(oldAudit);
    expect(await pulumi.isSecret(after.previousAppDatabasePassword!)).toBe(true);
    expect(await valueOf(after.appDatabasePassword)).not.toBe(oldApp);
    expect(capture.ofType(PASSWORD).map((r) => r.name)).toContain("s-app-db-password-g0");
  });

  it("registers nothing when a rotation value is not a generation number", async () => {
    expect(() => new AgencySecrets("s", rotation("next"))).toThrow(/non-negative integer/);
    await capture.settled();
    expect(capture.resources).toEqual([]);
  });
});
