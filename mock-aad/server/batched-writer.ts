/**
 * The request log's writer: lines written during one turn of the event loop go out as one write,
 * just after it (setImmediate). Writes to a pipe or a file are synchronous in Node, one system call
 * each; under 16 connections the mock wrote a line per request, 3.5% of its CPU in the profile
 * (bench/README.md). Order is kept, and nothing is lost at exit: Node runs pending immediates
 * before a process whose work is done ends.
 */
export function batchedWriter(write: (text: string) => void): (text: string) => void {
  let pending: string[] = [];
  const flush = () => {
    const text = pending.join("");
    pending = [];
    write(text);
  };
  return (text) => {
    if (pending.length === 0) setImmediate(flush);
    pending.push(text);
  };
}
