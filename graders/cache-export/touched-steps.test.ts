import { describe, expect, it } from "vitest";
import { StepFolder, type BuildStep } from "../../harness/buildx/build-step.ts";
import { touchedByChange } from "./touched-steps.ts";

/** Steps as BuildKit names them, e.g. "[build 2/3] COPY src ./src", folded as a build's are. */
function steps(...names: string[]): BuildStep[] {
  const folder = new StepFolder();
  folder.add([
    {
      vertexes: names.map((name, i) => ({ digest: `sha256:${String(i)}`, name })),
      statuses: [],
      logs: [],
      warnings: [],
    },
  ]);
  return folder.steps();
}

const touched = (list: BuildStep[], file = "src/server.ts") =>
  [...touchedByChange(list, file)].map((s) => s.name).sort();

describe("the steps a change to one source file must re-run", () => {
  it("is the COPY that brings it in, what follows in its stage, and what copies from that stage", () => {
    const build = steps(
      "[deps 1/4] FROM docker.io/library/node:20-alpine",
      "[deps 2/4] WORKDIR /app",
      "[deps 3/4] COPY package.json package-lock.json ./",
      "[deps 4/4] RUN npm ci",
      "[build 1/3] COPY tsconfig.json ./",
      "[build 2/3] COPY src ./src",
      "[build 3/3] RUN npm run build",
      "[runtime 4/5] RUN npm ci --omit=dev",
      "[runtime 5/5] COPY --from=build /app/dist ./dist",
    );
    expect(touched(build)).toEqual([
      "[build 2/3] COPY src ./src",
      "[build 3/3] RUN npm run build",
      "[runtime 5/5] COPY --from=build /app/dist ./dist",
    ]);
  });

  it("follows COPY . ., globs, stages built FROM a changed one and mounts from it", () => {
    const build = steps(
      "[base 2/3] COPY go.mod ./",
      "[base 3/3] COPY . .",
      "[test 1/2] FROM base",
      "[test 2/2] RUN go test ./...",
      "[lint 2/2] RUN --mount=type=bind,from=base,target=/src golangci-lint run",
      "[other 2/2] COPY *.json ./",
    );
    expect(touched(build)).toEqual([
      "[base 3/3] COPY . .",
      "[lint 2/2] RUN --mount=type=bind,from=base,target=/src golangci-lint run",
      "[test 1/2] FROM base",
      "[test 2/2] RUN go test ./...",
    ]);
    expect(touched(steps("[a 2/2] COPY src/*.ts ./"))).toEqual(["[a 2/2] COPY src/*.ts ./"]);
    expect(touched(steps("[a 2/2] COPY lib/*.ts ./"))).toEqual([]);
  });

  it("takes what it cannot read (a JSON form, a heredoc, a bind mount of the context) as touched", () => {
    expect(touched(steps('[a 2/2] COPY ["src", "./src"]'))).toHaveLength(1);
    expect(touched(steps("[a 2/2] RUN --mount=type=bind,target=/src make"))).toHaveLength(1);
    expect(touched(steps("[a 2/3] COPY <<EOF /x", "[a 3/3] RUN true"))).toHaveLength(2);
    expect(touched(steps("[a 2/2] COPY ${SRC} ./src"))).toHaveLength(1);
  });
});
