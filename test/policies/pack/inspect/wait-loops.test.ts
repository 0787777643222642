/**
 * Wait loops read through both start-script readers: the image's entrypoint script (entrypoint.ts)
 * and a container's own command (start-command.ts), with the same verdict on each loop.
 */
import { readEntrypointScript } from "../../../../policies/pack/inspect/entrypoint";
import { loadParser } from "../../../../policies/pack/inspect/grammars";
import { isReadinessProbe } from "../../../../policies/pack/inspect/shell";
import { readStartCommand } from "../../../../policies/pack/inspect/start-command";

/** `line:bounded:fails` of every wait loop, from both readers (which must agree). */
async function loops(script: string): Promise<string[]> {
  const fromEntrypoint = (await readEntrypointScript(script, { file: "entrypoint.sh" })).waitLoops ?? [];
  const fromCommand = readStartCommand(["sh", "-c", script], await loadParser("bash")).waitLoops;
  const entrypoint = fromEntrypoint.map((l) => `${l.location.line}:${l.bounded}:${l.failsAfterBound}`);
  expect(fromCommand.map((l) => `${l.line}:${l.bounded}:${l.failsAfterBound}`)).toEqual(entrypoint);
  return entrypoint;
}

describe("readWaitLoops", () => {
  it("reads a bounded loop that gives up and carries on", async () => {
    expect(
      await loops(
        "set -e\nfor i in $(seq 30); do\n  nc -z db 5432 && break\n  sleep 1\ndone\npython manage.py migrate\nexec gunicorn app.wsgi",
      ),
    ).toEqual(["2:true:false"]);
    expect(
      await loops(
        "i=0\nwhile ! pg_isready -h db; do\n  i=$((i+1))\n  [ $i -ge 30 ] && break\n  sleep 1\ndone\nexec gunicorn app.wsgi",
      ),
    ).toEqual(["2:true:false"]);
    expect(await loops("while ! pg_isready -h db && [ $i -lt 30 ]; do sleep 1; i=$((i+1)); done")).toEqual([
      "1:true:false",
    ]);
  });

  it("reads a wait without a bound, and bounded waits that fail when the database stays down", async () => {
    expect(await loops("until pg_isready -h db -q; do sleep 1; done\npython manage.py migrate")).toEqual([
      "1:false:false",
    ]);
    expect(
      await loops("for i in $(seq 30); do nc -z db 5432 && break; sleep 1; done\nnc -z db 5432 || exit 1"),
    ).toEqual(["1:true:true"]);
    expect(
      await loops(
        'for i in $(seq 30); do\n  pg_isready -h db && break\n  if [ "$i" = 30 ]; then echo "db down" >&2; exit 1; fi\n  sleep 1\ndone',
      ),
    ).toEqual(["1:true:true"]);
    expect(
      await loops("set -e\nfor i in 1 2 3; do nc -z db 5432 && break; sleep 1; done\nnc -z db 5432"),
    ).toEqual(["2:true:true"]);
    expect(await loops("for i in 1 2 3; do nc -z db 5432 && break; sleep 1; done || exit 1")).toEqual([
      "1:true:true",
    ]);
  });

  it("ignores loops that poll nothing", async () => {
    expect(await loops('for f in /docker-entrypoint.d/*.sh; do . "$f"; done')).toEqual([]);
  });

  it("knows the usual readiness probes", () => {
    expect(isReadinessProbe(["nc", "-z", "db", "5432"])).toBe(true);
    expect(isReadinessProbe(["nc", "-vz", "db", "5432"])).toBe(true);
    expect(isReadinessProbe(["/usr/bin/pg_isready", "-h", "db"])).toBe(true);
    expect(isReadinessProbe(["wait-for-it.sh", "db:5432"])).toBe(true);
    expect(isReadinessProbe(["nc", "db", "5432"])).toBe(false);
    expect(isReadinessProbe(["sleep", "1"])).toBe(false);
  });
});
