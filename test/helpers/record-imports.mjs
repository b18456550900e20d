// Preloaded with `node --import`: registers a resolve hook that appends every module URL the
// program loads to the file named by RECORD_IMPORTS_TO (one a line). Test helper only.
import { register } from "node:module";

register(new URL("./record-imports-hook.mjs", import.meta.url), { data: { file: process.env.RECORD_IMPORTS_TO } });
