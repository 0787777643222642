/**
 * The Azure target: Container Apps + PostgreSQL Flexible Server + Key Vault.
 * Only azure-native subpaths are imported below: the root index makes tsc slow and memory-hungry.
 */
export { AzureAgencyInstance, AZURE_INSTANCE_TYPE } from "./instance";
export { ReleaseExecution, CONTAINER_APPS_API_VERSION } from "./release-execution";
export type { ReleaseExecutionArgs, ReleaseExecutionOutputs } from "./release-execution";
export type { RestoreProcedure } from "./sizing";
