import Docker from "dockerode";
import type { HistoryEntry, ImageConfig } from "./oci-types.ts";

/**
 * Images in a run's engine, through the Docker API (dockerode): what `docker inspect` and
 * `docker history` show, for images loaded with `--load`.
 */
export class EngineImages {
  private readonly docker: Docker;

  constructor(dockerHost: string) {
    this.docker = new Docker({ socketPath: dockerHost.replace(/^unix:\/\//, "") });
  }

  /** The image config as an OCI config (architecture, os, config fields, history). */
  async config(reference: string): Promise<ImageConfig> {
    const image = this.docker.getImage(reference);
    const [inspect, history] = await Promise.all([
      image.inspect(),
      image.history() as Promise<{ CreatedBy?: string; Comment?: string; Size?: number; Created?: number }[]>,
    ]);
    const entries: HistoryEntry[] = history
      .slice()
      .reverse()
      .map((h) => ({
        ...(h.CreatedBy ? { created_by: h.CreatedBy } : {}),
        ...(h.Comment ? { comment: h.Comment } : {}),
        ...(h.Created ? { created: new Date(h.Created * 1000).toISOString() } : {}),
        empty_layer: (h.Size ?? 0) === 0,
      }));
    const c = inspect.Config;
    return {
      architecture: inspect.Architecture,
      os: inspect.Os,
      ...(inspect.Variant ? { variant: inspect.Variant } : {}),
      config: {
        Env: c.Env ?? [],
        Labels: c.Labels ?? null,
        Cmd: c.Cmd ?? null,
        Entrypoint: typeof c.Entrypoint === "string" ? [c.Entrypoint] : (c.Entrypoint ?? null),
        User: c.User,
        WorkingDir: c.WorkingDir,
        OnBuild: c.OnBuild ?? null,
      },
      history: entries,
      rootfs: { type: inspect.RootFS.Type, diff_ids: inspect.RootFS.Layers ?? [] },
    };
  }
}
