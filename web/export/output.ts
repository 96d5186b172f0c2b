/**
 * Writing an export into its sink (a file, stdout or an HTTP response) with back-pressure: a
 * writer waits for 'drain' when the sink is full, and fails if the sink closes first (the
 * download was abandoned), so a slow reader slows the cursor instead of filling memory.
 */
import type { Writable } from "node:stream";

/** Resolve once `sink` has room again (at once if it has); reject if it closes or fails first. */
export async function drained(sink: Writable): Promise<void> {
  if (sink.destroyed) throw new Error("the export's reader went away");
  if (!sink.writableNeedDrain) return;
  await new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      sink.off("drain", onDrain);
      sink.off("close", onClose);
      sink.off("error", done);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error("the export's reader went away"));
    sink.on("drain", onDrain);
    sink.on("close", onClose);
    sink.on("error", done);
  });
}

/** Write `chunk`, waiting for 'drain' when the sink is full (back-pressure). */
export async function write(sink: Writable, chunk: string | Buffer): Promise<void> {
  if (sink.write(chunk)) return;
  await drained(sink);
}

/**
 * A sink that also sees every byte (the file's sha256 is taken over exactly what was written).
 * `push` is for producers that cannot wait (pdfkit emits 'data' synchronously): they call
 * `drained()` between records instead.
 */
export class Output {
  constructor(
    private readonly sink: Writable,
    private readonly onBytes: (chunk: string | Buffer) => void,
  ) {}

  push(chunk: string | Buffer): void {
    this.onBytes(chunk);
    this.sink.write(chunk);
  }

  async write(chunk: string | Buffer): Promise<void> {
    this.onBytes(chunk);
    await write(this.sink, chunk);
  }

  drained(): Promise<void> {
    return drained(this.sink);
  }
}
