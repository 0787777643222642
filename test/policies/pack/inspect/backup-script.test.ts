import { namesHost, readBackupScript } from "../../../../policies/pack/inspect/backup-script";

describe("readBackupScript", () => {
  it("finds the loop that repeats the dumps, the pruning and each pg_dump", () => {
    const script = `while :; do
  pg_dump -h app-db app > /backups/app.sql
  pg_dump -h audit-db audit > /backups/audit.sql
  ls -t /backups/app-*.sql | tail -n +15 | xargs rm -f
  sleep 86400
done`;
    expect(readBackupScript(script, {})).toEqual({ schedule: "while", retention: "tail -n +", dumps: 2 });
  });
  it("reads a schedule and a retention handed to a ready-made image as settings", () => {
    expect(readBackupScript("", { SCHEDULE: "@daily", KEEP_DAYS: "7" })).toMatchObject({
      schedule: "SCHEDULE",
      retention: "KEEP_",
    });
  });
  it("never reads settings that hold credentials or URLs", () => {
    const settings = { PGPASSWORD: "sleep", DATABASE_URL: "postgres://retention@db/x" };
    expect(readBackupScript("pg_dump app", settings)).toEqual({ schedule: null, retention: null, dumps: 1 });
  });
});

describe("namesHost", () => {
  it.each([
    ["pg_dump -h app-db app", "app-db", true],
    ["pg_dump postgres://u@app-db:5432/app", "app-db", true],
    ["pg_dump -h app-db-replica app", "app-db", false],
    ["pg_dump -h my_app-db app", "app-db", false],
    ["pg_dump -h db.internal app", "db.internal", true],
  ])("%s names %s: %s", (script, host, named) => {
    expect(namesHost(script, host)).toBe(named);
  });
});
