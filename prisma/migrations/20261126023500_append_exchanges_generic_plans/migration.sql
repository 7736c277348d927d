-- signet_append_exchanges' statements take whole arrays as parameters, so a plan made for one
-- call's values fits every other call; planning them afresh each time cost more than running
-- them (measured: one-exchange calls 2.0 → 1.2 ms, 32-exchange calls 8.5 → 6.9 ms).
ALTER FUNCTION signet_append_exchanges(text[], text[], text[], text[], int[], text[], text[], text[], text[], text[], timestamp[], text[], text[], bigint[])
  SET plan_cache_mode = force_generic_plan;
