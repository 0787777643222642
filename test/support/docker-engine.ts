/**
 * The Docker provider's container lifecycle and the engine's handling of an update, modelled on
 * their sources so that tests can run several `pulumi up`s in a row under mocks:
 *
 * kreuzwerker/terraform-provider-docker (the container resource pulumi-docker bridges),
 * internal/provider/resource_docker_container_funcs.go:
 * - create: with `attach` it waits for `ContainerWait(WaitConditionNotRunning)` and drops the
 *   status code; the closing read stores `exit_code`. A failed job is a created resource with its
 *   non-zero exit code, never a failed create.
 * - create with `wait`: polls the health status until `healthy` or `wait_timeout`, after the
 *   container was created and its ID set: an unhealthy container fails the create with the
 *   resource existing, which the bridge reports as an initialization error kept in the state.
 * - update: only restart, max_retry_count, cpu_shares, memory, cpu_set and memory_swap reach
 *   `ContainerUpdate`; `tmpfs` and `healthcheck` plan an update that changes nothing; every other
 *   property forces a replacement (the provider replaces containers delete-before-create).
 * - read: an exited container with `must_run: false` is kept as it is (and `up` without refresh
 *   does not read at all).
 * The engine (pulumi/pulumi): `replaceOnChanges` turns a planned update of a listed property
 * into a replacement, and `"*"` turns a stored initialization error into a replacement instead
 * of a retry by update; a failed update keeps what it created but not its stack outputs; only a
 * completed update deletes what the program no longer registers, after everything else.
 */
import { stableJson } from "../../components/docker/job-ledger";

export type Step = "create" | "same" | "update" | "replace";

/** Properties the provider's update applies in place. */
export const UPDATED_IN_PLACE = ["restart", "maxRetryCount", "cpuShares", "memory", "cpuSet", "memorySwap"];
/** Properties whose change plans an update the provider's update then ignores. */
export const IGNORED_BY_UPDATE = ["tmpfs", "healthcheck"];

export interface ContainerState {
  inputs: Record<string, unknown>;
  exitCode: number;
  /** The create failed after the container existed (a failed health wait). */
  initError: boolean;
}

/** What one container does when the engine creates it. */
export interface Outcome {
  exitCode?: number;
  healthy?: boolean;
}

/** The step the engine takes for a container, given its stored state and the new inputs. */
export function containerStep(
  old: ContainerState | undefined,
  news: Record<string, unknown>,
  replaceOnChanges: readonly string[],
): Step {
  if (old === undefined) return "create";
  const keys = new Set([...Object.keys(old.inputs), ...Object.keys(news)]);
  const changed = [...keys].filter((key) => stableJson(old.inputs[key]) !== stableJson(news[key]));
  if (old.initError) return replaceOnChanges.includes("*") ? "replace" : "update";
  if (changed.length === 0) return "same";
  if (replaceOnChanges.includes("*") || changed.some((key) => replaceOnChanges.includes(key)))
    return "replace";
  const inPlace = [...UPDATED_IN_PLACE, ...IGNORED_BY_UPDATE];
  return changed.every((key) => inPlace.includes(key)) ? "update" : "replace";
}

export class DockerEngine {
  /** The state: containers by logical name. */
  readonly state = new Map<string, ContainerState>();
  /** The stack outputs of the last completed update. */
  lastOutputs: Record<string, unknown> = {};

  /**
   * The engine's step for a container and the state it leaves, given what the container does
   * if it is (re)created. For a container that never became healthy, `failure` is the provider's
   * create error (throw it, as the create fails); the state keeps it with its initialization error.
   */
  apply(
    name: string,
    inputs: Record<string, unknown>,
    replaceOnChanges: readonly string[],
    outcome: Outcome,
  ) {
    const old = this.state.get(name);
    const step = containerStep(old, inputs, replaceOnChanges);
    if (step === "same") return { step, state: old!, failure: undefined };
    if (step === "update") {
      const updated = { ...old!, inputs, initError: false };
      this.state.set(name, updated);
      return { step, state: updated, failure: undefined };
    }
    const wait = inputs.wait === true;
    const created: ContainerState = {
      inputs,
      exitCode: inputs.attach === true ? (outcome.exitCode ?? 0) : 0,
      initError: wait && outcome.healthy === false,
    };
    this.state.set(name, created);
    const failure = created.initError ? `container ${name} failed to be in healthy state` : undefined;
    return { step, state: created, failure };
  }

  /** A completed update: delete what was not registered, keep the stack outputs. */
  complete(registered: ReadonlySet<string>, outputs: Record<string, unknown>): string[] {
    const deleted = [...this.state.keys()].filter((name) => !registered.has(name));
    for (const name of deleted) this.state.delete(name);
    this.lastOutputs = outputs;
    return deleted;
  }
}
