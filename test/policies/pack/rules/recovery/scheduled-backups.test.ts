import { scheduledBackups as rule } from "../../../../../policies/pack/rules/recovery/scheduled-backups";
import { UNKNOWN } from "../../../../../policies/pack/rules/props";
import { AZURE, DOCKER } from "../../../../../policies/pack/rules/types";
import { postgres } from "../../../../support/app-stack";
import { context, resource, judge } from "../../../../support/resources";

const script = [
  "while :; do sleep 86400",
  "pg_dump -h app-db app > /backups/app-$(date +%F).sql",
  "pg_dump -h audit-db audit > /backups/audit-$(date +%F).sql",
  "find /backups -mtime +14 -delete; done",
].join("\n");
const backup = (props: Record<string, unknown> = {}) =>
  resource(DOCKER.container, "backup", {
    image: "postgres:16",
    command: ["sh", "-c", script],
    restart: "unless-stopped",
    ...props,
  });

describe("scheduled-backups", () => {
  it("passes a running backup service that dumps both databases and prunes old dumps", async () => {
    expect(await judge(rule, [postgres("app-db"), postgres("audit-db"), backup()], context())).toEqual([]);
  });
  it("faults a Docker stack with no backup service", async () => {
    expect(await judge(rule, [postgres("app-db"), postgres("audit-db")], context())).toEqual([
      expect.objectContaining({ kind: "violation" }),
    ]);
  });
  it("faults a backup that never prunes and is not kept running", async () => {
    const once = backup({
      command: ["sh", "-c", "pg_dump -h app-db app; pg_dump -h audit-db audit"],
      restart: "no",
    });
    expect(await judge(rule, [postgres("app-db"), postgres("audit-db"), once], context())).toHaveLength(2);
  });
  it("does not count a one-shot pre-release backup as the schedule, nor fault it for not repeating", async () => {
    const preRelease = backup({ name: "pre-release", attach: true, mustRun: false, restart: "no" });
    const withSchedule = [postgres("app-db"), postgres("audit-db"), backup(), preRelease];
    expect(await judge(rule, withSchedule, context())).toEqual([]);
    expect(await judge(rule, [postgres("app-db"), postgres("audit-db"), preRelease], context())).toEqual([
      expect.objectContaining({ kind: "violation", message: expect.stringContaining("Nothing backs up") }),
    ]);
  });
  it("judges Azure retention: 7 days is enough in demo, not in production", async () => {
    const server = resource(AZURE.postgresServer, "pg", { backup: { backupRetentionDays: 7 } });
    expect(await judge(rule, [server], context("demo"))).toEqual([]);
    expect(await judge(rule, [server], context("production"))).toEqual([
      expect.objectContaining({ kind: "violation" }),
    ]);
  });
  it("cannot verify retention unknown during preview", async () => {
    const server = resource(AZURE.postgresServer, "pg", { backup: { backupRetentionDays: UNKNOWN } });
    expect(await judge(rule, [server], context())).toEqual([
      expect.objectContaining({ kind: "unverifiable" }),
    ]);
  });
});
