/**
 * Whether a gitward file lives in an installed package (under a node_modules
 * directory: npm, a global install, pnpm's store), as opposed to a checkout
 * that a developer builds.
 *
 * The build's caches of the built-in packs and service names check that their
 * source files have not changed since the build by size and modification time.
 * An install from the registry has the cache and its sources from one tarball,
 * replaced together; but npm gives every file it extracts the time of the
 * extraction, so the times never match what the build recorded, and every run
 * of every installed gitward would re-parse 1.9 MB of YAML (1.1 s per hook)
 * or refuse to name services. In an installed package the sizes alone decide.
 */
export function inInstalledPackage(path: string): boolean {
  return /[\\/]node_modules[\\/]/.test(path);
}
