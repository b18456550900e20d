/**
 * Questions at the terminal, for the certificate-life commands: only when stdin and stderr are a
 * terminal (a script or CI never waits for an answer that cannot come). A hidden question (a PFX
 * password) echoes nothing: the terminal is put in raw mode and the characters are read one by one.
 */
import { createInterface } from "node:readline/promises";
import { KitError } from "../../lib/errors.ts";
import type { CertLifeIo } from "./io.ts";

export interface Prompter {
  ask(question: string): Promise<string>;
  /** Nothing typed is shown. */
  askHidden(question: string): Promise<string>;
}

/** The terminal's prompter, or undefined when there is no terminal to ask at. */
export function terminalPrompter(): Prompter | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return {
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await rl.question(question)).trim();
      } finally {
        rl.close();
      }
    },
    askHidden(question) {
      return new Promise((resolve, reject) => {
        const stdin = process.stdin;
        process.stderr.write(question);
        stdin.setRawMode(true);
        stdin.resume();
        let typed = "";
        const done = (error?: Error) => {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off("data", onData);
          process.stderr.write("\n");
          if (error) reject(error);
          else resolve(typed);
        };
        const onData = (chunk: Buffer) => {
          for (const ch of chunk.toString("utf8")) {
            if (ch === "\r" || ch === "\n") return done();
            if (ch === "\u0003") return done(new KitError("CONFIRM", "Stopped at your request (Ctrl+C); nothing was changed.")); // Ctrl+C
            if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
            else typed += ch;
          }
        };
        stdin.on("data", onData);
      });
    },
  };
}

/** Goes on when --yes was given or the user says yes at the terminal; without a terminal, asks for --yes. */
export async function confirm(io: CertLifeIo, yes: boolean | undefined, question: string, withYes: string): Promise<void> {
  if (yes) return;
  if (!io.prompt) throw new KitError("CONFIRM", "This changes things and there is no terminal to ask at, so nothing was done: pass --yes to go ahead.", withYes);
  const answer = (await io.prompt.ask(question)).toLowerCase();
  if (answer !== "y" && answer !== "yes") throw new KitError("CONFIRM", "Nothing was done (you did not answer yes).", withYes);
}
