// Preloaded by bench/startup.ts (node --import): when the process exits, writes the CPU time it
// used (user + system, seconds) as the last line of stderr, "cpu-seconds <n>".
import { writeSync } from "node:fs";

process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  writeSync(2, `\ncpu-seconds ${(user + system) / 1e6}\n`);
});
