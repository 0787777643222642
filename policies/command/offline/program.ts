import { fork } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { debugEnabled } from "../cli/exit-status";
import type { HostMessage, ProgramFailure, ProgramJob } from "./program-host";
import type { PulumiProject, StackConfig } from "./project";
import type { ProgramRun, Registration } from "./registration";
import { UsageError } from "./usage-error";

/** The program rejected its configuration: reported like a usage error (exit 2, no stack trace). */
export class ProgramConfigError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = "ProgramConfigError";
  }
}

/** The program crashed for another reason; `detail` carries its stack trace for --verbose output. */
export class ProgramError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "ProgramError";
  }
}

export interface RunProgramOptions {
  pwd: string;
  program: string;
  rootDirectory: string;
  project: string;
  stack: string;
  /** The CLI's default organization for a local backend. */
  organization?: string;
  config: Record<string, string>;
  secretKeys: string[];
  /** Called for each registration as it arrives (progress display). */
  onRegistration?: (registration: Registration) => void;
}

/**
 * Pulumi's runtime formats a stack trace for every promise it makes (for its leak report), through
 * ts-node's source maps: with Node's default depth of 10 frames that is half the time of a program
 * run. One frame keeps where an error was thrown; Pulumi's own source positions of resources set
 * their depth themselves. AGENCY_DEPLOY_DEBUG=1 or PULUMI_DEBUG_PROMISE_LEAKS keep the default.
 */
function stackTraceArgs(): string[] {
  return debugEnabled() || process.env.PULUMI_DEBUG_PROMISE_LEAKS ? [] : ["--stack-trace-limit=1"];
}

// Under jest (or ts-node) this module is TypeScript, and so is its sibling host.
function hostEntry(): { file: string; execArgv: string[] } {
  const compiled = path.join(__dirname, "program-host.js");
  if (fs.existsSync(compiled)) return { file: compiled, execArgv: stackTraceArgs() };
  return {
    file: path.join(__dirname, "program-host.ts"),
    execArgv: [...stackTraceArgs(), "-r", "ts-node/register/transpile-only"],
  };
}

/**
 * Run a Pulumi program under Pulumi's mocks in a fresh Node.js process and collect every
 * registration in full. Rejects with ProgramConfigError (configuration) or ProgramError.
 */
export function runProgram(options: RunProgramOptions): Promise<ProgramRun> {
  const job: ProgramJob = {
    pwd: options.pwd,
    program: options.program,
    rootDirectory: options.rootDirectory,
    project: options.project,
    stack: options.stack,
    organization: options.organization ?? "organization",
    config: options.config,
    secretKeys: options.secretKeys,
  };
  const { file, execArgv } = hostEntry();
  const child = fork(file, [], {
    cwd: options.pwd,
    execArgv,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    serialization: "advanced",
  });
  // The program's own console output is not part of the report; keep the tail for crash reports.
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
  });
  child.stdout?.resume();

  const registrations: Registration[] = [];
  const byUrn = new Map<string, Registration>();
  let failure: ProgramFailure | undefined;
  let finished = false;

  return new Promise<ProgramRun>((resolve, reject) => {
    child.on("message", (message: HostMessage) => {
      switch (message.kind) {
        case "registration":
          registrations.push(message.registration);
          byUrn.set(message.registration.urn, message.registration);
          options.onRegistration?.(message.registration);
          break;
        case "outputs": {
          const target = byUrn.get(message.urn);
          if (target) target.outputs = message.outputs;
          break;
        }
        case "failed":
          failure = message.failure;
          finished = true;
          break;
        case "done":
          finished = true;
          break;
      }
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (failure?.category === "config") return reject(new ProgramConfigError(failure.message));
      if (failure) return reject(new ProgramError(`the program failed: ${failure.message}`, failure.stack));
      if (!finished) {
        const why = signal ? `was killed by ${signal}` : `exited with status ${code}`;
        return reject(new ProgramError(`the program host ${why}`, stderr.trim()));
      }
      resolve({ project: job.project, stack: job.stack, organization: job.organization, registrations });
    });
    child.send(job);
  });
}

/** Run `project`'s program for `config.stack` where and as `pulumi preview -s <stack>` would. */
export function runStackProgram(
  project: PulumiProject,
  config: StackConfig,
  onRegistration?: (registration: Registration) => void,
): Promise<ProgramRun> {
  return runProgram({
    pwd: project.pwd,
    program: project.program,
    rootDirectory: project.root,
    project: project.name,
    stack: config.stack,
    config: config.values,
    secretKeys: config.secretKeys,
    onRegistration,
  });
}
