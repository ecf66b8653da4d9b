import { detectMirror } from "../base-image-mirror.ts";

export { writeContext } from "../../util/build-context.ts";

/** The Docker Hub mirror the tests build against, when one answers (see README). */
export const MIRROR = await detectMirror();
