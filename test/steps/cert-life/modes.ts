import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every file and folder under `dir` with its mode (permission bits), for the 0600/0700 checks. */
export function modesUnder(dir: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [{ path: dir, dir: true, mode: statSync(dir).mode & 0o777 }];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...modesUnder(path));
    else out.push({ path, dir: false, mode: st.mode & 0o777 });
  }
  return out;
}
