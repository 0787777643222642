import {
  buildReport,
  formatReport,
  redactSecrets,
  REPORT_FORMATS,
} from "../../../../policies/command/report";
import { ndjson, policyEvent, summaryEvent, TEST_CATALOGUE, urnOf } from "./engine-events";

describe("redactSecrets", () => {
  test.each([
    ["postgres://app:hunter2@db:5432/app", "postgres://app:***@db:5432/app"],
    [
      "DATABASE_URL=postgresql://u:p%40ss/w0rd@db/app?sslmode=require",
      "DATABASE_URL=postgresql://u:***@db/app?sslmode=require",
    ],
    ["ENV DJANGO_SECRET_KEY=abc123 DEBUG=1", "ENV DJANGO_SECRET_KEY=*** DEBUG=1"],
    ['ARG DB_PASSWORD="s3cr3t value"', "ARG DB_PASSWORD=***"],
    ['{"4dabf18193072939515e22adb298388d":"1b47061264138c4ac30d75fd1eb44270","value":"s3cr3t"}', "[secret]"],
  ])("masks %s", (input, masked) => {
    expect(redactSecrets(input)).toBe(masked);
  });

  test.each([
    "https://example.com:8443/path",
    "SECRET_KEY=${SECRET_KEY}",
    "FIELD_ENCRYPTION_KEY=$FIELD_ENCRYPTION_KEY",
    "SECRET_KEY=<from a Pulumi secret>",
    "mail admin@example.com about https://example.com",
    "the value is [secret]",
  ])("leaves %s readable", (text) => {
    expect(redactSecrets(text)).toBe(text);
  });

  test("is idempotent", () => {
    const once = redactSecrets("postgres://a:b@c ENV API_TOKEN=xyz");
    expect(redactSecrets(once)).toBe(once);
  });
});

test("no report format prints a secret value from a message, a location or the runbook", () => {
  const image = urnOf("docker:index/image:Image", "acme-image");
  const events = ndjson([
    policyEvent({
      policy: "no-secrets-in-image",
      urn: image,
      message: "ENV SECRET_KEY=django-insecure-abc123 is baked in\nLocation: /ctx/.env:1",
    }),
    policyEvent({
      policy: "database-url-secret",
      urn: image,
      enforcement: "advisory",
      message: "DATABASE_URL defaults to postgres://postgres:pg-pass-42@db/app",
    }),
    summaryEvent("failed"),
  ]);
  const report = buildReport(events, {
    catalogue: TEST_CATALOGUE,
    date: "2026-01-02",
    runbook: { restore: "pg_restore -d postgres://admin:restore-pw-7@db/app backup.dump" },
  });
  for (const format of REPORT_FORMATS) {
    const text = formatReport(report, format);
    for (const secret of ["django-insecure-abc123", "pg-pass-42", "restore-pw-7"]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("postgres://postgres:***@db/app");
  }
});
