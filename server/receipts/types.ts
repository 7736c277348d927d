/**
 * Wire types of SPEC §1–3 and §7. Field names are the contract; do not rename. wire-schema.ts
 * describes the same shapes for the OpenAPI document and checks, at compile time, that both agree.
 */

export interface ReceiptPolicy {
  engine: 'HEL';
  allowed: boolean;
  reason: 'ok' | 'no_forward';
}

export type ForwardOutcome =
  | { url: string; host: string; status_code: number; pinned_ip: string; response_size: number }
  | { url: string; host: string; error: string };

export type RepairChangeKind = 'syntax' | 'normalized' | 'renamed' | 'restructured' | 'llm';

/** How the tool-call arguments were repaired: by rules (no tokens) or by the LLM fallback; one change per JSON pointer. */
export interface ReceiptRepair {
  method: 'deterministic' | 'llm';
  changes: { path: string; kind: RepairChangeKind }[];
}

export interface Receipt {
  trace_id: string;
  hop: number;
  ts: string;
  tenant: string;
  payload_type: string;
  target_type: string;
  cid: string;
  canon: string;
  algo: 'sha256';
  prev_receipt_hash: string | null;
  policy: ReceiptPolicy;
  forwarded?: ForwardOutcome;
  fallback_used?: boolean;
  fu_tokens?: number;
  repair?: ReceiptRepair;
  /** Absent only on pre-signing SR-1 receipts. */
  kid?: string;
  receipt_hash: string;
  sig?: string;
}

/** A receipt as this service issues it: always signed. */
export type SignedReceipt = Receipt & { kid: string; sig: string };

/** SPEC §7: the export bundle's `log` field (outside bundle_cid): the newest checkpoint and each sequenced hop's inclusion proof. */
export interface BundleLog {
  checkpoint: string;
  proofs: { hop: number; leaf_index: number; hashes: string[] }[];
}

export interface ExportBundle {
  trace_id: string;
  chain: Receipt[];
  exported_at: string;
  bundle_cid: string;
  kid: string;
  signature: string;
  /** Present once the transparency log has a checkpoint. */
  log?: BundleLog;
}

export interface Jwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  use: 'sig';
  alg: 'EdDSA';
}

export interface Jwks {
  keys: Jwk[];
}

/** Signs with the active key; synchronous because it sits on the exchange hot path. */
export interface Signer {
  readonly kid: string;
  /** Ed25519 signature, base64url without padding. */
  sign(message: Uint8Array): string;
}
