/**
 * What a healthcheck command probes, for every reader of one: a container's `healthcheck.tests`
 * and an image's HEALTHCHECK. A check on a web service is worth something only when it requests
 * a page (the app answers), one on a database only when it asks PostgreSQL (`pg_isready`), so the
 * facts are the probe's target, not the command.
 *
 * The test is read as text, not as shell: Docker hands a CMD-SHELL test to `/bin/sh -c` and a CMD
 * test to exec, and the HTTP clients that matter are as often a Python one-liner (`urllib`,
 * `httpx`) as a program, so what identifies the target is a word anywhere in it.
 */
import { isUnknown } from "../../protocol";

export interface HealthProbe {
  /** Requests a web page: an http(s) URL, curl or wget, or one of Python's HTTP clients. */
  http: boolean;
  /** Path of the first http(s) URL the check requests (`/readyz/`), or null. */
  urlPath: string | null;
  /** Asks PostgreSQL whether it accepts connections (`pg_isready`). */
  postgres: boolean;
}

const HTTP_CLIENT = /https?:\/\/|\bcurl\b|\bwget\b|\burllib\b|\bhttpx\b|\brequests\.get\b|\bhttp\.client\b/;
const URL_PATH = /https?:\/\/[^/\s"']+(\/[\w./-]*)/;
const POSTGRES_READY = /\bpg_isready\b/;

/** The probe of a healthcheck command (`command`: its words joined, or its shell text). */
export function readHealthProbe(command: string): HealthProbe {
  return {
    http: HTTP_CLIENT.test(command),
    urlPath: URL_PATH.exec(command)?.[1] ?? null,
    postgres: POSTGRES_READY.test(command),
  };
}

/** A container's own healthcheck (`healthcheck.tests`), as the model reads it. */
export interface ContainerHealthcheck {
  /** A test is set (a container without one runs its image's HEALTHCHECK). */
  set: boolean;
  /** Part of the test is unknown until the deployment runs. */
  unknown: boolean;
  /** `["NONE"]`: the image's healthcheck is switched off. */
  off: boolean;
  /** What the known part of the test probes. */
  probe: HealthProbe;
}

/** `tests`: the `healthcheck.tests` list as given (values unknown during preview, and non-strings, are not read). */
export function readContainerHealthcheck(tests: readonly unknown[]): ContainerHealthcheck {
  const text = tests.filter((t): t is string => typeof t === "string").join(" ");
  return {
    set: tests.length > 0,
    unknown: tests.some(isUnknown),
    off: /^NONE\b/.test(text),
    probe: readHealthProbe(text),
  };
}
