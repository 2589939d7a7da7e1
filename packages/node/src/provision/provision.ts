/**
 * Offline provisioning of tfjs-node's native addon, also reachable as `npx kd-node provision`.
 * The implementation is plain JavaScript under `scripts/` so it can run before this package is
 * built (a fresh clone, CI).
 */
export {
  checkTfjsNode,
  DEFAULT_TF_PACKAGE,
  DEFAULT_TF_VERSION,
  defaultCacheDir,
  provisionTfjsNode,
  ProvisionError,
  type ProvisionOptions,
  type ProvisionResult,
  type ProvisionSource,
  type TfjsNodeCheck,
} from '../../scripts/provision/index.mjs';
