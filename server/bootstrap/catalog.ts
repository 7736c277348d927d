// Seeds the default catalog (SPEC §6) into an empty database. Existing rows are left alone:
// after the first start the catalog belongs to the admins.
import { DEFAULT_PLANS, DEFAULT_TIERS, METERS } from '../billing/catalog';
import { formatUsd, toCents } from '@/lib/money';
import { prisma } from '../db';

export async function seedCatalog(): Promise<void> {
  for (const plan of DEFAULT_PLANS) {
    await prisma().plan.upsert({
      where: { id: plan.id },
      create: {
        id: plan.id,
        name: plan.name,
        monthlyFeeCents: toCents(plan.monthlyFee),
        includedVex: plan.included.vex,
        includedFu: plan.included.fu,
        lookupKey: plan.lookupKey,
        stripePriceId: plan.stripeItem,
        position: plan.position,
      },
      update: {},
    });
  }
  if ((await prisma().overageTier.count()) > 0) return;
  await prisma().overageTier.createMany({
    data: METERS.flatMap((meter) =>
      DEFAULT_TIERS[meter].map((tier, position) => ({
        meter,
        position,
        upTo: tier.upTo,
        pricePerUnit: formatUsd(tier.unitPrice),
        stripeItem: tier.stripeItem,
      })),
    ),
    skipDuplicates: true,
  });
}
