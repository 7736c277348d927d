/** Builds signed receipts and export bundles (SPEC §2–3). Isomorphic; signing is delegated to a Signer. */
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { cid, cidOfCanon, jcs } from './canonical';
import { bodyShapeFailures, isUtcTimestamp } from './shape';
import type { ExportBundle, ForwardOutcome, Receipt, ReceiptPolicy, ReceiptRepair, SignedReceipt, Signer } from './types';

export type { Signer } from './types';

export interface UnsignedReceiptFields {
  trace_id: string;
  hop: number;
  ts: string;
  tenant: string;
  payload_type: string;
  target_type: string;
  /** The normalized (target) payload; stored as its JCS text in `canon`. */
  normalized: unknown;
  prev_receipt_hash: string | null;
  policy: ReceiptPolicy;
  forwarded?: ForwardOutcome;
  fallback_used?: boolean;
  fu_tokens?: number;
  repair?: ReceiptRepair;
}

/** Throws with every offending field named if the result would not be a well-formed receipt. */
export function buildReceipt(fields: UnsignedReceiptFields, signer: Signer): SignedReceipt {
  const canon = jcs(fields.normalized);
  const body: Omit<SignedReceipt, 'receipt_hash' | 'sig'> = {
    trace_id: fields.trace_id,
    hop: fields.hop,
    ts: fields.ts,
    tenant: fields.tenant,
    payload_type: fields.payload_type,
    target_type: fields.target_type,
    cid: cidOfCanon(canon),
    canon,
    algo: 'sha256',
    prev_receipt_hash: fields.prev_receipt_hash,
    policy: fields.policy,
    ...(fields.forwarded !== undefined && { forwarded: fields.forwarded }),
    ...(fields.fallback_used !== undefined && { fallback_used: fields.fallback_used }),
    ...(fields.fu_tokens !== undefined && { fu_tokens: fields.fu_tokens }),
    ...(fields.repair !== undefined && { repair: fields.repair }),
    kid: signer.kid,
  };
  const failures = bodyShapeFailures(body as unknown as Record<string, unknown>);
  if (failures.length > 0) throw new Error(`cannot build receipt: ${failures.map((f) => f.message).join('; ')}`);
  const receipt_hash = cid(body);
  return { ...body, receipt_hash, sig: signer.sign(utf8ToBytes(receipt_hash)) };
}

export function buildBundle(traceId: string, chain: Receipt[], exportedAt: string, signer: Signer): ExportBundle {
  if (chain.length === 0) throw new Error(`cannot export trace ${traceId}: it has no receipts`);
  if (!isUtcTimestamp(exportedAt)) throw new Error(`exported_at must be an RFC 3339 UTC timestamp, got ${JSON.stringify(exportedAt)}`);
  const bundle_cid = cid({ trace_id: traceId, chain, exported_at: exportedAt });
  return {
    trace_id: traceId,
    chain,
    exported_at: exportedAt,
    bundle_cid,
    kid: signer.kid,
    signature: signer.sign(utf8ToBytes(bundle_cid)),
  };
}
