// A change and what records it (its audit entry) commit together or not at all: the change runs
// in one interactive transaction, on PGlite and PostgreSQL alike (both driver adapters support
// them). Nothing inside may use the global client: PGlite has one connection, so a query through
// the global client waits for the transaction that is waiting for it until Prisma's 5 s timeout
// aborts the transaction, and then commits on its own, outside it (seen while testing).
import { prisma } from './index';
import type { Prisma } from './generated/client';

declare const transactionBrand: unique symbol;

/**
 * A Prisma client inside an interactive transaction. The brand is type-only: the global client
 * has every method a transaction client has, so without it `audit(prisma(), …)` would compile.
 */
export type Tx = Prisma.TransactionClient & { readonly [transactionBrand]: true };

export function inTransaction<T>(change: (tx: Tx) => Promise<T>): Promise<T> {
  return prisma().$transaction((tx) => change(tx as Tx));
}
