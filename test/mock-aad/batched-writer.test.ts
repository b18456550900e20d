/** The request log's writer: one write per turn of the event loop, in order, nothing lost. */
import { describe, expect, it } from "vitest";
import { batchedWriter } from "../../mock-aad/server/batched-writer.ts";

describe("batchedWriter", () => {
  it("joins the lines of one turn into one write, after it, keeping their order", async () => {
    const writes: string[] = [];
    const log = batchedWriter((text) => writes.push(text));
    log("a\n");
    log("b\n");
    expect(writes).toEqual([]); // not yet: after this turn
    await new Promise((done) => setImmediate(done));
    expect(writes).toEqual(["a\nb\n"]);
    log("c\n");
    await new Promise((done) => setImmediate(done));
    expect(writes).toEqual(["a\nb\n", "c\n"]);
  });
});
