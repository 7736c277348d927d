/**
 * The witness side of C2SP tlog-witness: `add-checkpoint` verifies the log's signature and the
 * consistency proof against the last checkpoint it cosigned for that log, then persists the new
 * one and returns a cosignature/v1 line. Framework-free; server.ts puts it on HTTP.
 */
import { cosign } from '../transparency/cosignature';
import { decodeBase64 } from '../transparency/base64';
import { EMPTY_ROOT, equalHashes, verifyConsistency, type Hash } from '../transparency/merkle';
import { parseSignedCheckpoint } from '../transparency/verify-log';
import { formatSignatureLine, verifyNote, type NoteSigner, type VerifierKey } from '../transparency/note';

export interface LogState {
  size: number;
  /** base64 root of the last cosigned checkpoint. */
  root: string;
  /** That checkpoint with the log's and this witness's signatures, served to monitors. */
  checkpoint: string;
}

export interface WitnessStore {
  get(origin: string): LogState | undefined;
  /** Durable before it resolves: the witness answers only after its state is on disk. */
  put(origin: string, state: LogState): Promise<void>;
}

export interface WitnessResponse {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
}

const MAX_PROOF_LINES = 63;
const text = (status: WitnessResponse['status'], body: string): WitnessResponse => ({ status, contentType: 'text/plain; charset=utf-8', body: `${body}\n` });

export class Witness {
  /** One add-checkpoint at a time: the size check and the write must be atomic (tlog-witness). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly signer: NoteSigner,
    private readonly logs: readonly VerifierKey[],
    private readonly store: WitnessStore,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  addCheckpoint(body: string): Promise<WitnessResponse> {
    const run = this.queue.then(() => this.add(body));
    this.queue = run.catch(() => undefined);
    return run;
  }

  origins(): string[] {
    return [...new Set(this.logs.map((k) => k.name))];
  }

  /** The latest cosigned checkpoint of a log, for tlog-witness's monitoring GET. */
  latest(origin: string): string | undefined {
    return this.store.get(origin)?.checkpoint;
  }

  private async add(body: string): Promise<WitnessResponse> {
    const request = parseRequest(body);
    if ('error' in request) return text(400, request.error);
    const { oldSize, proof, note } = request;
    const parsed = parseSignedCheckpoint(note);
    if (!parsed.ok) return text(400, `checkpoint: ${parsed.reason}`);
    const { checkpoint } = parsed.value;
    const keys = this.logs.filter((k) => k.name === checkpoint.origin);
    if (keys.length === 0) return text(404, `unknown log ${checkpoint.origin}`);
    const signed = verifyNote(note, keys);
    if (!signed.ok) return text(403, signed.reason);
    if (oldSize > checkpoint.size) return text(400, `old size ${oldSize} is larger than the checkpoint size ${checkpoint.size}`);

    const state = this.store.get(checkpoint.origin);
    const lastSize = state?.size ?? 0;
    if (oldSize !== lastSize) return { status: 409, contentType: 'text/x.tlog.size', body: `${lastSize}\n` };
    if (checkpoint.size === 0 && !equalHashes(checkpoint.root, EMPTY_ROOT)) return text(422, 'a checkpoint of size 0 must have the empty tree root');
    if (oldSize === 0 && proof.length > 0) return text(422, 'the proof from size 0 must be empty');
    if (state && oldSize > 0) {
      const oldRoot = decodeBase64(state.root)!;
      if (oldSize === checkpoint.size && !equalHashes(oldRoot, checkpoint.root)) {
        return text(422, `conflicting head: size ${oldSize} was cosigned with root ${state.root}, not ${checkpoint.rootBase64}`);
      }
      const consistent = verifyConsistency(oldSize, checkpoint.size, proof, oldRoot, checkpoint.root);
      if (!consistent.ok) return text(422, `consistency proof from ${oldSize} to ${checkpoint.size}: ${consistent.reason}`);
    }

    const line = cosign(checkpoint.text, this.signer, this.now());
    const logLines = signed.note.signatures.filter((s) => keys.some((k) => k.name === s.name && k.keyId === s.keyId));
    const served = `${checkpoint.text}\n${logLines.map((s) => formatSignatureLine(s.name, s.keyId, s.signature)).join('')}${line}`;
    await this.store.put(checkpoint.origin, { size: checkpoint.size, root: checkpoint.rootBase64, checkpoint: served });
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: line };
  }
}

/** `old <N>\n`, up to 63 base64 hash lines, a blank line, then the signed checkpoint. */
function parseRequest(body: string): { oldSize: number; proof: Hash[]; note: string } | { error: string } {
  const blank = body.indexOf('\n\n');
  if (blank === -1) return { error: 'request has no blank line before the checkpoint' };
  const [oldLine, ...proofLines] = body.slice(0, blank).split('\n');
  const old = /^old (0|[1-9][0-9]*)$/.exec(oldLine ?? '');
  if (!old || !Number.isSafeInteger(Number(old[1]))) return { error: 'first line is not "old <size>"' };
  if (proofLines.length > MAX_PROOF_LINES) return { error: `${proofLines.length} proof lines, at most ${MAX_PROOF_LINES}` };
  const proof: Hash[] = [];
  for (const [i, line] of proofLines.entries()) {
    const hash = decodeBase64(line);
    if (!hash || hash.length !== 32) return { error: `proof line ${i + 1} is not base64 of 32 bytes` };
    proof.push(hash);
  }
  return { oldSize: Number(old[1]), proof, note: body.slice(blank + 2) };
}
