/**
 * The public API of the agency-deploy package: `import { DockerAgencyInstance } from "agency-deploy"`.
 *
 * The instances are the package's components for every language (`pulumi package add` serves
 * them, see ./provider). Their building blocks (AgencySecrets, AppImage, the databases,
 * ReleasePhase, WebService, Proxy) are exported for TypeScript programs that compose their own
 * instance; their args are TypeScript types, not part of the package schema.
 */
export { Mode, OnFailure, PostgresTier, Target } from "./args";
export type {
  AgencyInstanceArgs,
  AzureArgs,
  BackupArgs,
  ContainerLimitsArgs,
  DjangoArgs,
  DockerHostArgs,
  GunicornArgs,
  ImageArgs,
  PostgresArgs,
  ProxyArgs,
  ReleaseArgs,
  ReleaseStepArgs,
  ResourcesArgs,
  RotationArgs,
  TimeoutsArgs,
} from "./args";
export {
  CONFIG_NAMESPACE,
  ConfigError,
  defaultReleaseSteps,
  parseInstanceSettings,
  rawSettingsFromConfig,
} from "./config";
export type { ConfigIssue, InstanceSettings, ReleaseStep } from "./config";
export { INSTANCE_OUTPUT_NAMES, instanceOutputs, SECRET_OUTPUT_NAMES } from "./outputs";
export type { AgencyInstanceOutputs } from "./outputs";
export type { RunbookCommands } from "./runbook";
export { DockerAgencyInstance } from "./docker/instance";
export { AzureAgencyInstance, ReleaseExecution } from "./azure";
export type { ReleaseExecutionArgs, RestoreProcedure } from "./azure";
export { AgencySecrets } from "./secrets";
export type { AgencySecretsArgs } from "./secrets";
export { AppImage, imageSource } from "./image";
export type { AppImageArgs, ImageSource } from "./image";
export { AppDatabase, AuditDatabase } from "./docker/database";
export type { DatabaseArgs, DatabaseEndpoint } from "./docker/database";
export { ReleasePhase } from "./docker/release";
export type { ReleasePhaseArgs } from "./docker/release";
export { WebService } from "./docker/web";
export type { WebServiceArgs } from "./docker/web";
export { Proxy } from "./docker/proxy";
export type { CaddySite, ProxyArgs as ProxyServiceArgs } from "./docker/proxy";
export { releaseScript, releaseFailure } from "./release";
