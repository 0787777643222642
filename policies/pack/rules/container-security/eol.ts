/**
 * End-of-life dates of the runtimes CS-3 and DB-8 judge, as published by their projects
 * (Python: the release PEPs / devguide "Status of Python versions"; PostgreSQL: the
 * postgresql.org versioning policy). Update this table when a new major is released.
 */

export type Runtime = "python" | "postgres";

/** Major (Python: `3.12`; PostgreSQL: `16`) -> last day of support, ISO date. */
export const END_OF_LIFE: Readonly<Record<Runtime, Readonly<Record<string, string>>>> = {
  python: {
    "2.7": "2020-01-01",
    "3.5": "2020-09-13",
    "3.6": "2021-12-23",
    "3.7": "2023-06-27",
    "3.8": "2024-10-07",
    "3.9": "2025-10-31",
    "3.10": "2026-10-31",
    "3.11": "2027-10-31",
    "3.12": "2028-10-31",
    "3.13": "2029-10-31",
    "3.14": "2030-10-31",
  },
  postgres: {
    "9.6": "2021-11-11",
    "10": "2022-11-10",
    "11": "2023-11-09",
    "12": "2024-11-21",
    "13": "2025-11-13",
    "14": "2026-11-12",
    "15": "2027-11-11",
    "16": "2028-11-09",
    "17": "2029-11-08",
    "18": "2030-11-14",
  },
};

export interface EndOfLife {
  runtime: Runtime;
  major: string;
  date: string;
  passed: boolean;
}

/**
 * The end of life of a runtime major on `today` (the rule's context passes the day of the check),
 * or undefined when the table does not know the major.
 */
export function endOfLife(runtime: Runtime, major: string, today: Date): EndOfLife | undefined {
  const date = END_OF_LIFE[runtime][major];
  if (date === undefined) return undefined;
  return { runtime, major, date, passed: today.getTime() > Date.parse(`${date}T23:59:59Z`) };
}

/** The runtime an image reference carries and its major from the tag (`python:3.12-slim` -> 3.12). */
export function runtimeOfImage(
  name: string,
  tag: string | null,
): { runtime: Runtime; major: string } | undefined {
  const repo = name.toLowerCase().replace(/^(docker\.io\/)?(library\/)?/, "");
  if (tag === null) return undefined;
  if (/(^|\/)python$/.test(repo)) {
    const m = /^(\d+)\.(\d+)/.exec(tag);
    return m ? { runtime: "python", major: `${m[1]}.${m[2]}` } : undefined;
  }
  if (/(^|\/)(postgres|postgresql|postgis|timescaledb[a-z-]*|pgvector)$/.test(repo)) {
    const m = /^(?:pg)?(\d+)(?:\.(\d+))?/.exec(tag);
    if (!m) return undefined;
    // Before 10, the major was two numbers (9.6).
    return { runtime: "postgres", major: Number(m[1]) < 10 && m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1] };
  }
  return undefined;
}
