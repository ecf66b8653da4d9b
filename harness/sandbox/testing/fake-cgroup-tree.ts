import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A cgroup file tree in a temp folder, laid out as the kernel mounts it: this machine boots with
 * cgroup v1, and the v2 code must meet what GitHub's runners and Docker Desktop have.
 */
export async function fakeCgroupTree(
  kind: "v1" | "v2" | "v2-no-pids",
  options: { subtreeControl?: string } = {},
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "fake-cgroup-"));
  if (kind === "v1") {
    await mkdir(join(root, "memory"));
    await mkdir(join(root, "pids"));
    await mkdir(join(root, "cpu"));
    await writeFile(join(root, "memory/memory.limit_in_bytes"), "9223372036854771712\n");
    await writeFile(join(root, "pids/pids.max"), "max\n");
    return root;
  }
  const controllers = kind === "v2" ? "cpuset cpu io memory hugetlb pids rdma misc" : "cpuset cpu io memory";
  await writeFile(join(root, "cgroup.controllers"), `${controllers}\n`);
  await writeFile(join(root, "cgroup.subtree_control"), `${options.subtreeControl ?? ""}\n`);
  await writeFile(join(root, "cgroup.procs"), "1\n");
  return root;
}
