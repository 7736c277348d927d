// The log side of C2SP tlog-witness: each new checkpoint is POSTed to every witness of
// SP_LOG_WITNESSES (`<vkey>@<base URL>`) with a consistency proof from the size that witness
// last cosigned; the cosignature lines that verify are stored and served on the checkpoint.
// Each witness has its own loop, so one that is slow or down delays neither the sequencer nor
// the others; it is retried with the newest checkpoint and catches up in one step.
import { logWitnessCosignaturesTotal } from '../metrics/registry';
import { findCosignature } from '../transparency/cosignature';
import { parseNote, parseVerifierKey, SIG_COSIGNATURE_V1, type VerifierKey } from '../transparency/note';
import { lastCosignedSize, saveCosignature, type StoredCheckpoint } from './repository';
import { consistency } from './service';

export interface Witness {
  vkey: VerifierKey;
  url: string;
}

/** Parses SP_LOG_WITNESSES entries, `<witness vkey>@<base URL>`. */
export function parseWitnesses(entries: string[]): Witness[] {
  return entries.map((entry) => {
    const at = entry.indexOf('@');
    if (at < 0) throw new Error(`SP_LOG_WITNESSES: "${entry}" is not <witness vkey>@<base URL>`);
    const parsed = parseVerifierKey(entry.slice(0, at));
    if (!parsed.ok) throw new Error(`SP_LOG_WITNESSES: ${parsed.reason}`);
    const vkey = parsed.value;
    if (vkey.type !== SIG_COSIGNATURE_V1) throw new Error(`SP_LOG_WITNESSES: ${vkey.name} is not a cosignature/v1 (type 0x04) key`);
    const url = new URL(entry.slice(at + 1));
    return { vkey, url: url.toString().replace(/\/$/, '') };
  });
}

type Outcome = 'cosigned' | 'conflict' | 'rejected' | 'unreachable' | 'invalid';

export interface WitnessPusherOptions {
  timeoutMs?: number;
  /** First retry delay after a failure; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
}

class WitnessLoop {
  /** The size this witness last cosigned, once known. */
  private cosigned: number | null = null;
  private busy = false;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly witness: Witness,
    private readonly latest: () => StoredCheckpoint | null,
    private readonly opts: Required<WitnessPusherOptions>,
    private readonly stopped: () => boolean,
  ) {}

  kick() {
    if (this.busy || this.stopped()) return;
    this.busy = true;
    void this.run()
      .catch((err: unknown) => {
        console.error(`[signet] witness ${this.witness.vkey.name}:`, err instanceof Error ? err.message : err);
        this.failures++;
        this.retryLater();
      })
      .finally(() => (this.busy = false));
  }

  private retryLater() {
    const delay = Math.min(this.opts.maxRetryMs, this.opts.retryMs * 2 ** Math.min(this.failures - 1, 10));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  cancel() {
    if (this.timer) clearTimeout(this.timer);
  }

  private async run() {
    for (;;) {
      const cp = this.latest();
      if (!cp || this.stopped()) return;
      this.cosigned ??= await lastCosignedSize(this.witness.vkey.name);
      if (this.cosigned >= cp.size) return;
      const outcome = await this.push(cp, this.cosigned);
      logWitnessCosignaturesTotal.inc({ witness: this.witness.vkey.name, outcome });
      if (outcome === 'cosigned' || (outcome === 'conflict' && this.failures === 0)) {
        if (outcome === 'conflict') this.failures++;
        else this.failures = 0;
        continue;
      }
      this.failures++;
      this.retryLater();
      return;
    }
  }

  private async push(cp: StoredCheckpoint, old: number): Promise<Outcome> {
    const proof = await consistency(old, cp.size);
    const body = `old ${old}\n${proof.hashes.map((h) => `${h}\n`).join('')}\n${cp.note}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${this.witness.url}/add-checkpoint`, { method: 'POST', body, signal: AbortSignal.timeout(this.opts.timeoutMs) });
      text = await res.text();
    } catch {
      return 'unreachable';
    }
    if (res.status === 409) {
      // The witness cosigned another size: start again from it (if the log ever had it).
      const size = /^(0|[1-9]\d*)\n$/.exec(text) ? Number(text.trim()) : NaN;
      if (!Number.isSafeInteger(size) || size > cp.size) {
        console.error(`[signet] witness ${this.witness.vkey.name} claims size ${text.trim()}, beyond the log's ${cp.size}`);
        return 'rejected';
      }
      this.cosigned = size;
      return 'conflict';
    }
    if (res.status !== 200) {
      console.error(`[signet] witness ${this.witness.vkey.name} refused checkpoint ${cp.size}: ${res.status} ${text.slice(0, 200)}`);
      return 'rejected';
    }
    const note = parseNote(cp.note);
    const line = note.ok ? findCosignature(note.value.text, this.witness.vkey, text) : null;
    if (!line) return 'invalid';
    await saveCosignature(cp.size, this.witness.vkey.name, line);
    this.cosigned = cp.size;
    return 'cosigned';
  }
}

export class WitnessPusher {
  private newest: StoredCheckpoint | null = null;
  private halted = false;
  private readonly loops: WitnessLoop[];

  constructor(witnesses: Witness[], opts: WitnessPusherOptions = {}) {
    const full = { timeoutMs: opts.timeoutMs ?? 5_000, retryMs: opts.retryMs ?? 1_000, maxRetryMs: opts.maxRetryMs ?? 60_000 };
    this.loops = witnesses.map((w) => new WitnessLoop(w, () => this.newest, full, () => this.halted));
  }

  /** A new checkpoint was signed: offer it to every witness not busy with an earlier one. */
  notify(checkpoint: StoredCheckpoint) {
    if (!this.newest || checkpoint.size > this.newest.size) this.newest = checkpoint;
    for (const loop of this.loops) loop.kick();
  }

  stop() {
    this.halted = true;
    for (const loop of this.loops) loop.cancel();
  }
}
