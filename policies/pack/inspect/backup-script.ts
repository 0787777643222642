/**
 * What a backup service's scripts say about its schedule and its retention: read from the text
 * of its start command and uploaded files, with the settings its env hands them (`SCHEDULE=`,
 * `RETENTION_DAYS=`). Backup services come in every shape (a `while sleep` loop around pg_dump,
 * a crontab for supercronic, a ready-made image configured by env), and what tells them apart is a
 * word anywhere in the script or its settings, so this reader looks for words, not commands.
 */
import { regexpLiteral } from "./regexp-literal";

export interface BackupScriptFacts {
  /** The word that makes the dumps repeat (`cron`, `sleep`, `while`, a `SCHEDULE` setting), or null. */
  schedule: string | null;
  /** The word that deletes old dumps (`-mtime`, `find ... -delete`, a `RETENTION` setting), or null. */
  retention: string | null;
  /** How many pg_dump commands the scripts run. */
  dumps: number;
}

const SCHEDULE =
  /\bcron(d|tab)?\b|\bsleep\b|\bsupercronic\b|\bschedule\b|\bwhile\b|\bSCHEDULE\b|\bperiodic\b/i;
const RETENTION =
  /-mtime|\bfind\b.*-delete|\bretention\b|\bKEEP_|\bRETENTION|\bprune\b|\bhead -n -|\btail -n \+/i;
/** Settings that hold credentials or connection URLs: never read, never part of a fact. */
const SECRET_SETTING = /PASS|SECRET|URL/i;

/** `script`: the start command and uploaded files; `settings`: the env values known before deployment. */
export function readBackupScript(
  script: string,
  settings: Readonly<Record<string, string>>,
): BackupScriptFacts {
  const settingsText = Object.entries(settings)
    .filter(([name]) => !SECRET_SETTING.test(name))
    .map(([name, value]) => `${name}=${value}`)
    .join("\n");
  const text = `${script}\n${settingsText}`;
  return {
    schedule: SCHEDULE.exec(text)?.[0] ?? null,
    retention: RETENTION.exec(text)?.[0] ?? null,
    dumps: script.match(/\bpg_dump\b/g)?.length ?? 0,
  };
}

/** The script names `host` as a word of its own (`pg_dump -h app-db`, `@app-db:5432`), not inside another name. */
export function namesHost(script: string, host: string): boolean {
  return new RegExp(`(^|[^\\w-])${regexpLiteral(host)}([^\\w-]|$)`).test(script);
}
