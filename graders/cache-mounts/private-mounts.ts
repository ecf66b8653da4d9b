import { mountsOf, type DockerfileModel } from "../../harness/dockerfile/dockerfile-model.ts";

/**
 * Whether a cache mount of the Dockerfile may be `sharing=private`: BuildKit then hands a build
 * that finds the mount busy a new, empty one. Two builds of the same run that overlap could
 * then make each other's installs start from nothing, so such a Dockerfile's rebuilds run one
 * after the other. A value BuildKit expands from a build argument counts as private, as does a
 * mode it would refuse (the build says so itself).
 */
export function mayTakePrivateCacheMount(model: DockerfileModel): boolean {
  return model.stages.some((stage) =>
    stage.instructions.some((instruction) =>
      // Any mount, whatever case its type is written in: only cache mounts take a sharing mode.
      mountsOf(instruction).some((mount) =>
        Object.entries(mount.options).some(
          ([key, value]) => key.toLowerCase() === "sharing" && !/^(shared|locked)$/i.test(value.trim()),
        ),
      ),
    ),
  );
}
