/**
 * JobLedger: what lets a failed one-shot job (the release, the pre-release backup, the password
 * rotation, the proxy's route switch) run again on the next `pulumi up`, and keeps a successful one
 * from running again until its inputs change.
 *
 * Why a ledger is needed (read in kreuzwerker/terraform-provider-docker, the container resource
 * pulumi-docker bridges, internal/provider/resource_docker_container_funcs.go):
 * - create with `attach` waits for `ContainerWait(..., WaitConditionNotRunning)` and drops the
 *   wait's status code; the closing read stores `exit_code`. A failed job is therefore a
 *   successfully created resource, saved in the state with its non-zero `exitCode`.
 * - read keeps an exited container as it is when `must_run` is false (and `must_run: true` makes
 *   create itself fail on every exited container, successful or not), so neither `refresh` nor
 *   the next `up` notices anything: the diff compares the same inputs against the same state, finds
 *   nothing, and the gate (gate.ts) throws again from the stored exit code.
 * A replacement needs an input that differs from the failed attempt's, and only the program can
 * supply it: each job carries an attempt label, and the ledger says which attempt to use.
 *
 * How it works: every job's inputs (everything but the attempt label) hash to a key. The ledger of
 * the last COMPLETED update, read back through the stack's own StackReference
 * (previous-deployment.ts), maps each job to the key and attempt that succeeded. A job whose key is
 * in the ledger keeps that attempt: same inputs as the stored container, no diff, no rerun. Any other
 * job gets a fresh attempt, so its container is replaced and the job runs. A failed update never
 * writes stack outputs (the program's exports wait on the failed gate, so the engine keeps the
 * outputs of the last completed update), so after a failure the ledger still lacks the key and the
 * next `up` replaces the failed container: the job reruns without `--replace` or state surgery.
 * The ledger is recorded only once every job's gate passed; a job that succeeded in an update that
 * failed later (say, the new web container failed its health check) runs once more next time,
 * which the jobs tolerate (migrate applies nothing twice, a second dump is only a dump).
 *
 * It relies on the stack exporting `jobLedger` (stacks/ does). A stack that has outputs but no
 * ledger gets a fixed attempt (the behaviour without a ledger) and a warning.
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";

/** The stack output the ledger is exported as (stacks/index.ts). */
export const JOB_LEDGER_OUTPUT = "jobLedger";
/** The container label that carries the attempt. */
export const ATTEMPT_LABEL = "agency-deploy.attempt";
/** The attempt of a stack that does not export its ledger: fixed, so nothing reruns needlessly. */
export const UNRECORDED_ATTEMPT = "unrecorded";

/** What the ledger keeps per job: the inputs' key and the attempt that succeeded with them. */
export interface JobRecord {
  /** A digest of the job's inputs when it last succeeded. */
  key: string;
  /** The attempt label of that successful run; a new one reruns the job. */
  attempt: string;
}

export type JobRecords = Record<string, JobRecord>;

// Hand-written: a stable (key-sorted) JSON of plain resolved inputs is all the key needs.
/** JSON with object keys sorted, so equal inputs always hash alike. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** sha256 of the resolved inputs. */
export function inputsKey(inputs: unknown): string {
  return crypto.createHash("sha256").update(stableJson(inputs)).digest("hex");
}

function isRecord(value: unknown): value is JobRecord {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Partial<JobRecord>;
  return typeof r.key === "string" && typeof r.attempt === "string";
}

/** The records of the last completed update, or undefined when it exported none. */
export function lastRecords(outputs: Record<string, unknown> | undefined): JobRecords | undefined {
  const ledger = outputs?.[JOB_LEDGER_OUTPUT];
  if (typeof ledger !== "object" || ledger === null) return undefined;
  return Object.fromEntries(Object.entries(ledger).filter(([, record]) => isRecord(record))) as JobRecords;
}

/**
 * The attempt for `job` with inputs `key`: the recorded one when that key succeeded last time,
 * the fixed one when the stack exports no ledger but has deployed, otherwise `fresh()`.
 */
export function chooseAttempt(
  job: string,
  key: string,
  outputs: Record<string, unknown> | undefined,
  fresh: () => string,
): string {
  const records = lastRecords(outputs);
  if (records === undefined) {
    const deployed = outputs !== undefined && Object.keys(outputs).length > 0;
    return deployed ? UNRECORDED_ATTEMPT : fresh();
  }
  const record = records[job];
  return record !== undefined && record.key === key ? record.attempt : fresh();
}

/** A new attempt: unique per run (time and randomness), so it differs from any failed one. */
export function freshAttempt(): string {
  return `${Date.now().toString(36)}-${crypto.randomBytes(4).toString("hex")}`;
}

/** A job's label set, with the attempt label added to its own labels. */
export type ContainerLabels = { label: pulumi.Input<string>; value: pulumi.Input<string> }[];

export class JobLedger {
  private readonly recorded: pulumi.Output<[string, JobRecord]>[] = [];
  private warned = false;

  constructor(
    private readonly lastOutputs: pulumi.Output<Record<string, unknown> | undefined>,
    private readonly fresh: () => string = freshAttempt,
  ) {}

  /**
   * The labels of `job`'s container: `labels` plus the attempt label, chosen from the key of
   * `inputs` (the container's other inputs, resolved) and the last completed update's ledger.
   * The record of this run resolves only after `succeeded` did.
   */
  labels(
    job: string,
    inputs: Record<string, unknown>,
    labels: ContainerLabels = [],
  ): { labels: ContainerLabels; record(succeeded: pulumi.Output<unknown>): void } {
    const key = pulumi.output({ inputs, labels }).apply(inputsKey);
    const attempt = pulumi.all([key, this.lastOutputs]).apply(([k, outputs]) => {
      const chosen = chooseAttempt(job, k, outputs, this.fresh);
      if (chosen === UNRECORDED_ATTEMPT && !this.warned) {
        this.warned = true;
        void pulumi.log.warn(
          `this stack does not export \`${JOB_LEDGER_OUTPUT}\`: a failed one-shot job will not rerun by itself. ` +
            `Export the instance's jobLedger output (as stacks/index.ts does).`,
        );
      }
      return chosen;
    });
    // The attempt is fresh randomness or a recorded one, never derived from a secret: keep the
    // label readable (the key it is chosen by is secret when the inputs are).
    const label = pulumi.unsecret(attempt);
    return {
      labels: [...labels, { label: ATTEMPT_LABEL, value: label }],
      record: (succeeded) => {
        this.recorded.push(
          pulumi
            .all([succeeded, key, attempt])
            .apply(([, k, a]): [string, JobRecord] => [job, { key: k, attempt: a }]),
        );
      },
    };
  }

  /** Every job's record, resolved only once every job succeeded: the ledger to export. */
  output(): pulumi.Output<JobRecords> {
    return pulumi.secret(pulumi.all(this.recorded).apply((entries) => Object.fromEntries(entries)));
  }
}
