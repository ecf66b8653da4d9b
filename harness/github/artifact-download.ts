import { ArtifactRefused, unzipArtifact, type ArtifactEntry, type ZipLimits } from "./artifact-zip.ts";
import type { GitHubClient } from "./octokit-client.ts";

/**
 * Downloads a run's artifact through the API and unpacks it in memory within `limits` (the
 * compressed size GitHub reports is checked first, the unpacked size while inflating).
 */
export async function downloadArtifact(
  client: GitHubClient,
  target: { readonly owner: string; readonly repo: string; readonly runId: number; readonly name: string },
  limits: ZipLimits,
): Promise<ArtifactEntry[]> {
  const { owner, repo, runId, name } = target;
  const { data } = await client.rest.actions.listWorkflowRunArtifacts({
    owner,
    repo,
    run_id: runId,
    name,
    per_page: 100,
  });
  const artifact = data.artifacts.find((a) => a.name === name && !a.expired);
  if (!artifact) throw new ArtifactRefused(`run ${runId} has no unexpired artifact named ${name}`);
  if (artifact.size_in_bytes > limits.maxTotalBytes)
    throw new ArtifactRefused(
      `the ${name} artifact is ${artifact.size_in_bytes} bytes; at most ${limits.maxTotalBytes} are read`,
    );
  const response = await client.rest.actions.downloadArtifact({
    owner,
    repo,
    artifact_id: artifact.id,
    archive_format: "zip",
  });
  const body: unknown = response.data;
  if (!(body instanceof ArrayBuffer))
    throw new ArtifactRefused(`the ${name} artifact did not download as bytes`);
  if (body.byteLength > limits.maxTotalBytes)
    throw new ArtifactRefused(
      `the ${name} artifact is ${body.byteLength} bytes; at most ${limits.maxTotalBytes} are read`,
    );
  return unzipArtifact(new Uint8Array(body), limits);
}
