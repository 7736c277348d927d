/** Verification report types shared by the verifier, the CLI and the auditor page. */

export type FailureCode =
  | 'RECEIPT_HASH_MISMATCH'
  | 'CID_MISMATCH'
  | 'CANON_INVALID'
  | 'LINK_MISMATCH'
  | 'HOP_SEQUENCE'
  | 'TRACE_ID_MISMATCH'
  | 'SIGNATURE_INVALID'
  | 'UNKNOWN_KID'
  | 'MALFORMED'
  | 'UNKNOWN_FIELD'
  | 'DUPLICATE_KEY'
  | 'SIGNATURE_MISSING'
  | 'BUNDLE_CID_MISMATCH'
  | 'BUNDLE_SIGNATURE_INVALID';

export interface Failure {
  code: FailureCode;
  message: string;
}

export interface HopReport {
  /** Position in the chain array (0-based). */
  index: number;
  /** The receipt's own `hop` field, or null when it is not an integer. */
  hop: number | null;
  kid: string | null;
  /** `unsigned`: hash-valid SR-1 receipt without kid/sig, in a chain where no receipt is signed. */
  status: 'valid' | 'unsigned' | 'invalid';
  failed: Failure[];
}

export interface LocatedFailure extends Failure {
  /** null when the failure is in the chain or bundle envelope rather than in one receipt. */
  index: number | null;
  hop: number | null;
}

/**
 * VALID: every hash, link and signature checks out. UNSIGNED: hash-valid, but no receipt carries
 * a signature, so nothing proves who issued it (SPEC §2; never VALID). INVALID: see `firstFailure`.
 */
export type Verdict = 'VALID' | 'UNSIGNED' | 'INVALID';

export interface ChainReport {
  verdict: Verdict;
  /** `verdict === 'VALID'`. */
  valid: boolean;
  trace_id: string | null;
  hops: HopReport[];
  /** Receipts that are hash-valid but carry no signature. */
  unsigned: number;
  firstFailure?: LocatedFailure;
}

export interface BundleCheck {
  cidValid: boolean;
  signatureValid: boolean;
  kid: string | null;
  /** First bundle-level failure, if any. */
  reason?: Failure;
}

export interface BundleReport extends ChainReport {
  bundle: BundleCheck;
}
