/**
 * The public API of the agency-deploy package.
 *
 * Only the instance components are exported as classes: Pulumi's component package host
 * (`pulumi package add`) turns every exported ComponentResource into a schema resource, and the
 * building blocks (AgencySecrets, AppImage, databases, ReleasePhase, WebService, Proxy) take
 * TypeScript-only args. TypeScript users import those from their modules.
 */
export type {
  AgencyInstanceArgs,
  AzureArgs,
  BackupArgs,
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
export { DockerAgencyInstance } from "./docker/instance";
export { AzureAgencyInstance } from "./azure";
export { releaseScript, releaseFailure } from "./release";
export { imageSource } from "./image";
