/** The setup guide's reserved.json example, shared by the catalog, rating and API tests. */
export const GUIDE_RESERVED_JSON = {
  enterprise_customer: {
    vex_reserved: 1_000_000,
    fu_reserved: 5_000_000,
    subscription_plan: 'price_signet_enterprise_monthly_9999',
    vex_overage_tiers: [{ threshold: 500_000, price_per_unit: 0.005, stripe_item: 'price_signet_vex_tier1_005' }],
    fu_overage_tiers: [{ threshold: 2_500_000, price_per_unit: 0.001, stripe_item: 'price_signet_fu_tier1_001' }],
  },
};
