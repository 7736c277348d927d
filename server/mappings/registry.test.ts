import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkInvariants, loadRegistry, RegistryDefinitionError, TransformError, type MappingRegistry, type TransformContext } from './registry';

const registry = loadRegistry();
const ctx: TransformContext = { traceId: 'trace-1', tenant: 'example', asOf: '2026-01-27' };

/** The registry's part of POST /v1/exchange, in the pipeline's order. */
async function exchange(reg: MappingRegistry, payloadType: string, targetType: string, payload: unknown, context: TransformContext = ctx) {
  const mapping = reg.get(payloadType, targetType);
  if (!mapping) return { stage: 'unknown_mapping' } as const;
  const inputIssues = mapping.validateInput(payload);
  if (inputIssues.length > 0) return { stage: 'input', issues: inputIssues } as const;
  let args: unknown;
  let repaired = false;
  if (mapping.extractArguments && mapping.parseArguments && mapping.validateArguments) {
    const parsed = mapping.parseArguments(mapping.extractArguments(payload));
    if (!parsed.ok) return { stage: 'arguments_unrepairable', error: parsed.error } as const;
    const argIssues = mapping.validateArguments(parsed.value);
    if (argIssues.length > 0) return { stage: 'arguments', issues: argIssues } as const;
    args = parsed.value;
    repaired = parsed.repaired;
  }
  const normalized = await mapping.transform(payload, args, context);
  const outputIssues = mapping.validateOutput(normalized);
  if (outputIssues.length > 0) return { stage: 'output', issues: outputIssues } as const;
  return { stage: 'ok', normalized, repaired } as const;
}

const toolCall = (args: unknown) => ({
  tool_calls: [{ function: { name: 'create_invoice', arguments: typeof args === 'string' ? args : JSON.stringify(args) } }],
});
const invoiceOf = (args: unknown) => exchange(registry, 'openai.tooluse.invoice.v1', 'invoice.iso20022.v1', toolCall(args));
const example = (name: string) => registry.examples().find((e) => e.name === name)!;

describe('the loaded registry', () => {
  it('lists the six mappings of the three verticals', () => {
    expect(registry.list().map((m) => `${m.payloadType} → ${m.targetType}`)).toEqual([
      'openai.tooluse.invoice.v1 → invoice.iso20022.v1',
      'hl7.fhir.patient.v1 → hl7.fhir.anonymized.v1',
      'openai.tooluse.patient.v1 → hl7.fhir.anonymized.v1',
      'supply.purchase_order.v1 → supply.shipment_notice.v1',
      'openai.tooluse.purchase_order.v1 → supply.shipment_notice.v1',
      'supply.shipment_notice.v1 → invoice.iso20022.v1',
    ]);
    expect(registry.list().every((m) => m.description.length > 0)).toBe(true);
  });

  it('exposes the create_invoice arguments schema for LLM prompting', () => {
    const mapping = registry.get('openai.tooluse.invoice.v1', 'invoice.iso20022.v1')!;
    expect(mapping.argumentsSchema).toMatchObject({ required: ['invoice_id', 'amount', 'currency'] });
    expect(registry.get('hl7.fhir.patient.v1', 'hl7.fhir.anonymized.v1')!.argumentsSchema).toBeUndefined();
  });

  it('has no mapping for unknown or reversed type pairs', () => {
    expect(registry.get('openai.tooluse.invoice.v1', 'hl7.fhir.anonymized.v1')).toBeUndefined();
    expect(registry.get('invoice.iso20022.v1', 'openai.tooluse.invoice.v1')).toBeUndefined();
    expect(registry.get('nope.v1', 'nada.v1')).toBeUndefined();
  });

  const examples = registry.examples();
  it('ships examples for every mapping', () => {
    const covered = new Set(examples.map((e) => `${e.payloadType} → ${e.targetType}`));
    expect([...covered].sort()).toEqual(registry.list().map((m) => `${m.payloadType} → ${m.targetType}`).sort());
  });

  it.each(examples.map((e) => [e.name, e] as const))('example %s maps end to end to its stated output', async (_name, e) => {
    expect(e.normalized).toBeDefined();
    const result = await exchange(registry, e.payloadType, e.targetType, e.payload, { traceId: 't', tenant: e.tenant, asOf: e.asOf });
    expect(result).toMatchObject({ stage: 'ok', normalized: e.normalized });
  });
});

describe('finance: openai.tooluse.invoice.v1 → invoice.iso20022.v1', () => {
  it("runs the setup guide's finance demo as written", async () => {
    const payload = {
      tool_calls: [{ function: { name: 'create_invoice', arguments: '{"invoice_id":"INV-001","amount":1000,"currency":"USD"}' } }],
    };
    const result = await exchange(registry, 'openai.tooluse.invoice.v1', 'invoice.iso20022.v1', payload);
    expect(result).toEqual({
      stage: 'ok',
      repaired: false,
      normalized: {
        document_type: 'FinancialInvoice',
        invoice_header: { id: 'INV-001', type_code: '380' },
        trade_settlement: { currency: 'USD', total_amount: { currency: 'USD', value: '1000.00', minor_units: '100000' } },
      },
    });
  });

  it('gives the same output whether or not the arguments needed repair', async () => {
    const broken = example('finance/repaired-arguments');
    const mapping = registry.get(broken.payloadType, broken.targetType)!;
    const parsed = mapping.parseArguments!(mapping.extractArguments!(broken.payload));
    expect(parsed).toMatchObject({ ok: true, repaired: true });
    const clean = await invoiceOf(parsed.ok && parsed.value);
    expect(clean).toMatchObject({ stage: 'ok', repaired: false, normalized: broken.normalized });
  });

  it.each([
    [{ invoice_id: 'A', amount: 1000, currency: 'JPY' }, '1000', '1000'],
    [{ invoice_id: 'A', amount: '1.234', currency: 'BHD' }, '1.234', '1234'],
    [{ invoice_id: 'A', amount: '92233720368547758.07', currency: 'USD' }, '92233720368547758.07', '9223372036854775807'],
  ])('converts %j exactly', async (args, value, minor) => {
    const result = await invoiceOf(args);
    expect(result).toMatchObject({ stage: 'ok', normalized: { trade_settlement: { total_amount: { value, minor_units: minor } } } });
  });

  it('names the path of envelope errors', async () => {
    const wrongTool = await exchange(registry, 'openai.tooluse.invoice.v1', 'invoice.iso20022.v1', {
      tool_calls: [{ type: 'function', function: { name: 'delete_invoice', arguments: '{}' } }],
    });
    expect(wrongTool).toEqual({ stage: 'input', issues: [{ path: '/tool_calls/0/function/name', message: 'must be equal to constant' }] });
    const noArgs = await exchange(registry, 'openai.tooluse.invoice.v1', 'invoice.iso20022.v1', {
      tool_calls: [{ function: { name: 'create_invoice' } }],
    });
    expect(noArgs).toEqual({ stage: 'input', issues: [{ path: '/tool_calls/0/function/arguments', message: 'is required' }] });
    const notObject = await exchange(registry, 'openai.tooluse.invoice.v1', 'invoice.iso20022.v1', []);
    expect(notObject).toEqual({ stage: 'input', issues: [{ path: '/', message: 'must be object' }] });
  });

  it('names the path of argument errors', async () => {
    expect(await invoiceOf({ invoice_id: 'INV-1', currency: 'USD', amount: 5, colour: 'red' })).toEqual({
      stage: 'arguments',
      issues: [
        {
          path: '/colour',
          message:
            'is not allowed here (accepted: invoice_id, amount, currency, issue_date, due_date, seller, buyer, customer_name, customer, purchase_order, line_items, notes, description)',
        },
      ],
    });
    const bad = await invoiceOf({ invoice_id: '', amount: -5, currency: 'dollars', line_items: [{ description: 'x', quantity: 1 }] });
    expect(bad.stage).toBe('arguments');
    expect(bad.stage === 'arguments' && bad.issues.map((i) => i.path)).toEqual(['/invoice_id', '/amount', '/currency', '/line_items/0/unit_price']);
    expect(await invoiceOf({ invoice_id: 'INV-1', currency: 'USD' })).toEqual({ stage: 'arguments', issues: [{ path: '/amount', message: 'is required' }] });
  });

  it('reports unrepairable arguments, and repaired non-objects as argument errors', async () => {
    expect(await invoiceOf('{ : }')).toMatchObject({ stage: 'arguments_unrepairable', error: expect.stringMatching(/could not be repaired/) });
    expect(await invoiceOf('please make an invoice')).toEqual({ stage: 'arguments', issues: [{ path: '/', message: 'must be object' }] });
  });

  it('rejects amounts finer than the currency, and unknown currencies, with a clear error', async () => {
    await expect(invoiceOf({ invoice_id: 'INV-1', amount: 10.005, currency: 'USD' })).rejects.toThrow(
      new TransformError('openai.tooluse.invoice.v1 → invoice.iso20022.v1: /amount 10.005 has 3 fractional digits; USD allows 2'),
    );
    await expect(invoiceOf({ invoice_id: 'INV-1', amount: 1, currency: 'XYZ' })).rejects.toThrow(/unknown currency "XYZ"/);
    await expect(
      invoiceOf({ invoice_id: 'INV-1', amount: 1, currency: 'USD', line_items: [{ description: 'x', quantity: 1.5, unit_price: 0.33 }] }),
    ).rejects.toThrow('/line_items/0: quantity × unit_price 1.5 × 0.33 has 3 fractional digits; USD allows 2');
  });

  it('reads amounts exactly as written: beyond 2^53, and refused when finer than the currency even past a double', async () => {
    const total = async (text: string) => {
      const r = await invoiceOf(text);
      return r.stage === 'ok' ? (r.normalized as { trade_settlement: { total_amount: unknown } }).trade_settlement.total_amount : r;
    };
    expect(await total('{"invoice_id":"I","amount":123456789012345678,"currency":"USD"}')).toEqual({ currency: 'USD', value: '123456789012345678.00', minor_units: '12345678901234567800' });
    expect(await total('{"invoice_id":"I","amount":123456789012345678.25,"currency":"USD"}')).toEqual({ currency: 'USD', value: '123456789012345678.25', minor_units: '12345678901234567825' });
    await expect(total('{"invoice_id":"I","amount":1.0000000000000001,"currency":"USD"}')).rejects.toThrow('/amount 1.0000000000000001 has 16 fractional digits; USD allows 2');
    // Trailing zeros carry no value.
    expect(await total('{"invoice_id":"I","amount":1200.00,"currency":"JPY"}')).toEqual({ currency: 'JPY', value: '1200', minor_units: '1200' });
    expect(await total('{"invoice_id":"I","amount":1200.000000000000000000,"currency":"JPY"}')).toEqual({ currency: 'JPY', value: '1200', minor_units: '1200' });
    expect(await total('{"invoice_id":"I","amount":"1200.00","currency":"JPY"}')).toEqual({ currency: 'JPY', value: '1200', minor_units: '1200' });
    await expect(total('{"invoice_id":"I","amount":1200.5,"currency":"JPY"}')).rejects.toThrow('/amount 1200.5 has 1 fractional digits; JPY allows 0 (no minor unit)');
  });

  it('lets a unit price be finer than the minor unit, but not the line amount', async () => {
    const r = await invoiceOf({ invoice_id: 'I', amount: '1.00', currency: 'USD', line_items: [{ description: 'API calls', quantity: 8, unit_price: '0.125' }] });
    expect(r.stage === 'ok' && (r.normalized as { line_items: unknown[] }).line_items[0]).toMatchObject({
      unit_price: { currency: 'USD', value: '0.125' },
      line_amount: { currency: 'USD', value: '1.00', minor_units: '100' },
    });
    expect(r.stage === 'ok' && (r.normalized as { line_items: object[] }).line_items[0]!).not.toHaveProperty('unit_price.minor_units');
    await expect(invoiceOf({ invoice_id: 'I', amount: 1, currency: 'USD', line_items: [{ description: 'x', quantity: 1, unit_price: 1 }, { description: 'y', quantity: 3, unit_price: 0.125 }] })).rejects.toThrow(
      '/line_items/1: quantity × unit_price 3 × 0.125 has 3 fractional digits',
    );
  });

  it("takes the buyer's name and the note in the spellings of the guide's SDKs", async () => {
    const sdk = { invoice_id: 'INV-12345', amount: 1500.0, currency: 'USD', customer_name: 'Example Customer', description: 'Consulting services' };
    const r = await invoiceOf(sdk);
    expect(r.stage === 'ok' && r.normalized).toMatchObject({
      invoice_header: { id: 'INV-12345', notes: ['Consulting services'] },
      trade_agreement: { buyer: { name: 'Example Customer' } },
      trade_settlement: { total_amount: { value: '1500.00' } },
    });
    const viaCustomer = await invoiceOf({ ...sdk, customer_name: undefined, customer: 'Example Customer' });
    expect(viaCustomer.stage === 'ok' && viaCustomer.normalized).toEqual(r.stage === 'ok' && r.normalized);
    // The same name or note twice is fine; the buyer object's other fields are kept.
    const both = await invoiceOf({ ...sdk, buyer: { name: 'Example Customer', country: 'US' }, notes: 'Consulting services' });
    expect(both.stage === 'ok' && both.normalized).toMatchObject({ trade_agreement: { buyer: { name: 'Example Customer', country: 'US' } }, invoice_header: { notes: ['Consulting services'] } });
  });

  it('refuses two spellings that disagree, naming both', async () => {
    const sdk = { invoice_id: 'INV-1', amount: 1, currency: 'USD' };
    await expect(invoiceOf({ ...sdk, customer_name: 'Acme', buyer: { name: 'Globex' } })).rejects.toThrow(
      'buyer.name "Globex" and customer_name "Acme" differ: they name the same thing, so give it once or the same in each',
    );
    await expect(invoiceOf({ ...sdk, customer_name: 'Acme', customer: 'Acme Corp' })).rejects.toThrow('customer_name "Acme" and customer "Acme Corp" differ');
    await expect(invoiceOf({ ...sdk, notes: 'a', description: 'b' })).rejects.toThrow('notes "a" and description "b" differ');
  });
});

describe('healthcare: hl7.fhir.patient.v1 → hl7.fhir.anonymized.v1', () => {
  const patient = example('healthcare/patient-full').payload as Record<string, unknown>;
  const anonymize = (payload: unknown, reg = registry, context = ctx) =>
    exchange(reg, 'hl7.fhir.patient.v1', 'hl7.fhir.anonymized.v1', payload, context);

  it('keeps nothing identifying and satisfies both invariants', async () => {
    const result = await anonymize(patient);
    expect(result.stage).toBe('ok');
    const normalized = result.stage === 'ok' ? result.normalized : undefined;
    expect(Object.keys(normalized as object).sort()).toEqual(['ageBand', 'deceased', 'gender', 'id', 'meta', 'region', 'resourceType']);
    const mapping = registry.get('hl7.fhir.patient.v1', 'hl7.fhir.anonymized.v1')!;
    expect(checkInvariants(['no_phi_leakage', 'minimum_necessary'], patient, normalized, mapping)).toEqual([]);
  });

  it('pseudonymizes with the deployment key, per tenant', async () => {
    const keyed = loadRegistry({ pseudonymKey: 'deployment-secret' });
    const result = await anonymize(patient, keyed, { ...ctx, tenant: 'clinic-a' });
    const expected = createHmac('sha256', 'deployment-secret').update('clinic-a\npat-0042').digest('hex');
    expect(result).toMatchObject({ stage: 'ok', normalized: { id: expected } });
  });

  it('falls back to the first identifier when the resource has no id, and needs one of them', async () => {
    const { id: _id, ...withoutId } = patient;
    const result = await anonymize(withoutId);
    const expected = createHmac('sha256', '').update('example\nurn:oid:1.2.36.146.595.217.0.1|MRN-7730912').digest('hex');
    expect(result).toMatchObject({ stage: 'ok', normalized: { id: expected } });
    await expect(anonymize({ resourceType: 'Patient', gender: 'other' })).rejects.toThrow(/neither an id nor an identifier/);
  });

  describe('without an explicit reference date', () => {
    afterEach(() => vi.useRealTimers());
    it('computes the age band on the current UTC date', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const born = { resourceType: 'Patient', id: 'p1', birthDate: '1986-07-14' };
      const noDate = { traceId: 't', tenant: 'example' };
      vi.setSystemTime(new Date('2026-07-13T23:59:59Z'));
      expect(await anonymize(born, registry, noDate)).toMatchObject({ normalized: { ageBand: '30-39' } });
      vi.setSystemTime(new Date('2026-07-14T00:00:00Z'));
      expect(await anonymize(born, registry, noDate)).toMatchObject({ normalized: { ageBand: '40-49' } });
      vi.setSystemTime(new Date('2026-07-13T12:00:00Z')); // a clock set back
      expect(await anonymize(born, registry, noDate)).toMatchObject({ normalized: { ageBand: '30-39' } });
    });
  });

  it('drops non-US postal codes and free-text countries', async () => {
    const result = await anonymize({ resourceType: 'Patient', id: 'p2', address: [{ postalCode: '10115', country: 'de' }] });
    expect(result).toMatchObject({ stage: 'ok', normalized: { region: { country: 'DE' } } });
    expect(result.stage === 'ok' && (result.normalized as { region: object }).region).not.toHaveProperty('zip3');
    const free = await anonymize({ resourceType: 'Patient', id: 'p3', address: [{ country: 'Deutschland' }] });
    expect(free.stage === 'ok' && free.normalized).not.toHaveProperty('region');
  });

  it('names the path of FHIR errors', async () => {
    const bad = { ...patient, gender: 'woman', birthDate: '14/07/1981', telecom: [{ system: 'pigeon' }], deceasedDateTime: '2020' };
    const result = await anonymize(bad);
    expect(result).toMatchObject({ stage: 'input' });
    expect(result.stage === 'input' && result.issues).toEqual(
      expect.arrayContaining([
        { path: '/telecom/0/system', message: 'must be one of "phone", "fax", "email", "pager", "url", "sms", "other"' },
        { path: '/gender', message: 'must be one of "male", "female", "other", "unknown"' },
        { path: '/birthDate', message: expect.stringMatching(/^must match pattern/) },
        { path: '/deceasedDateTime', message: 'is not allowed here' },
      ]),
    );
  });
});

describe('supply: purchase order → shipment notice → invoice', () => {
  it('chains: the PO example maps to the shipment-notice example, which maps to an invoice referencing both', async () => {
    const po = example('supply/purchase-order');
    const asn = example('supply/shipment-notice');
    const hop1 = await exchange(registry, po.payloadType, po.targetType, po.payload);
    expect(hop1).toMatchObject({ stage: 'ok', normalized: asn.payload });
    const hop2 = await exchange(registry, asn.payloadType, asn.targetType, hop1.stage === 'ok' ? hop1.normalized : undefined);
    expect(hop2).toMatchObject({
      stage: 'ok',
      normalized: {
        invoice_header: { id: 'INV-PO-12345' },
        trade_agreement: { buyer_order_reference: 'PO-12345' },
        trade_delivery: { despatch_advice_reference: 'ASN-PO-12345' },
        trade_settlement: { total_amount: { currency: 'USD', value: '1051.94', minor_units: '105194' } },
      },
    });
  });

  const order = (items: unknown[], extra: object = {}) =>
    exchange(registry, 'supply.purchase_order.v1', 'supply.shipment_notice.v1', { po_number: 'PO-1', items, ...extra });
  const item = { sku: 'S-1', description: 'Widget', quantity: 2, unit_price: 5 };

  it('needs a currency on the order or on every item', async () => {
    expect(await order([item])).toEqual({ stage: 'input', issues: [{ path: '/items/0/currency', message: 'is required' }] });
    expect(await order([{ ...item, currency: 'EUR' }])).toMatchObject({ stage: 'ok', normalized: { currency: 'EUR' } });
  });

  it('rejects an order that mixes currencies', async () => {
    await expect(order([{ ...item, currency: 'EUR' }], { currency: 'USD' })).rejects.toThrow(
      /the order mixes currencies \(USD, EUR\); one shipment notice bills one currency/,
    );
  });

  it('names the path of item errors', async () => {
    expect(await order([{ ...item, quantity: 0 }], { currency: 'USD' })).toEqual({
      stage: 'input',
      issues: [{ path: '/items/0/quantity', message: 'must be >= 1' }],
    });
  });
});

describe('loadRegistry on bad vertical definitions', () => {
  const inSchema = { type: 'object', properties: { name: { type: 'string' } } };
  const outSchema = { type: 'object', additionalProperties: false, properties: { label: { type: 'string' } } };
  const manifest = {
    name: 'demo',
    description: 'test vertical',
    types: ['demo.in.v1', 'demo.out.v1'],
    mappings: [{ payload_type: 'demo.in.v1', target_type: 'demo.out.v1', description: 'in → out', expression: 'mapping.jsonata' }],
  };

  /** Writes one vertical folder "demo" (files: name → content; objects are written as JSON) and loads it. */
  function load(overrides: Record<string, unknown> = {}, folder = 'demo') {
    const root = mkdtempSync(path.join(tmpdir(), 'signet-verticals-'));
    const files: Record<string, unknown> = {
      'vertical.json': manifest,
      'demo.in.v1.schema.json': inSchema,
      'demo.out.v1.schema.json': outSchema,
      'mapping.jsonata': '{ "label": "Patient " & name }',
      ...overrides,
    };
    mkdirSync(path.join(root, folder, 'examples'), { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      if (content === undefined) continue;
      writeFileSync(path.join(root, folder, name), typeof content === 'string' ? content : JSON.stringify(content));
    }
    return loadRegistry({ verticalsDir: root });
  }

  it('loads the minimal vertical', () => {
    expect(load().list()).toEqual([{ payloadType: 'demo.in.v1', targetType: 'demo.out.v1', description: 'in → out' }]);
  });

  it.each([
    ['a manifest that is not JSON', { 'vertical.json': '{ nope' }, /vertical\.json is not valid JSON/],
    ['a manifest missing its mappings', { 'vertical.json': { ...manifest, mappings: undefined } }, /vertical\.json: \/mappings is required/],
    ['a manifest named unlike its folder', { 'vertical.json': { ...manifest, name: 'other' } }, /must equal its folder name "demo"/],
    ['a missing type schema', { 'demo.out.v1.schema.json': undefined }, /cannot read .*demo\.out\.v1\.schema\.json/],
    ['a schema Ajv rejects in strict mode', { 'demo.in.v1.schema.json': { type: 'object', colour: 'red' } }, /demo\.in\.v1\.schema\.json is not a valid JSON Schema: strict mode: unknown keyword: "colour"/],
    ['a JSONata syntax error', { 'mapping.jsonata': '{ "label": }' }, /mapping\.jsonata: .* \(at character \d+\)/],
    [
      'a mapping to an undefined type',
      { 'vertical.json': { ...manifest, mappings: [{ ...manifest.mappings[0], target_type: 'demo.missing.v1' }] } },
      /uses type demo\.missing\.v1, which no vertical defines/,
    ],
    [
      'a missing arguments schema',
      { 'vertical.json': { ...manifest, mappings: [{ ...manifest.mappings[0], arguments: { pointer: '/args', schema: 'args.schema.json' } }] } },
      /cannot read .*args\.schema\.json/,
    ],
    [
      'an example whose payload fails its schema',
      { 'examples/bad.json': { description: 'x', payload_type: 'demo.in.v1', target_type: 'demo.out.v1', payload: { name: 7 } } },
      /bad\.json: payload is invalid: \/name must be string/,
    ],
    [
      'an example for an unknown mapping',
      { 'examples/bad.json': { description: 'x', payload_type: 'demo.out.v1', target_type: 'demo.in.v1', payload: {} } },
      /bad\.json: no mapping demo\.out\.v1 → demo\.in\.v1/,
    ],
  ])('rejects %s', (_what, overrides, message) => {
    expect(() => load(overrides)).toThrow(RegistryDefinitionError);
    expect(() => load(overrides)).toThrow(message);
  });

  it('rejects a type defined by two verticals', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'signet-verticals-'));
    for (const folder of ['one', 'two']) {
      mkdirSync(path.join(root, folder));
      writeFileSync(path.join(root, folder, 'vertical.json'), JSON.stringify({ ...manifest, name: folder }));
      writeFileSync(path.join(root, folder, 'demo.in.v1.schema.json'), JSON.stringify(inSchema));
      writeFileSync(path.join(root, folder, 'demo.out.v1.schema.json'), JSON.stringify(outSchema));
      writeFileSync(path.join(root, folder, 'mapping.jsonata'), '{}');
    }
    expect(() => loadRegistry({ verticalsDir: root })).toThrow(/type demo\.in\.v1 is defined by more than one vertical/);
  });

  it('lets no_phi_leakage catch a schema-valid mapping that leaks a name', async () => {
    const leaky = load({ 'demo.in.v1.schema.json': { type: 'object', properties: { name: { type: 'array' } } }, 'mapping.jsonata': '{ "label": "Patient " & name[0].family }' });
    const input = { name: [{ family: 'Okonkwo' }] };
    const result = await exchange(leaky, 'demo.in.v1', 'demo.out.v1', input);
    expect(result).toEqual({ stage: 'ok', normalized: { label: 'Patient Okonkwo' }, repaired: false });
    const mapping = leaky.get('demo.in.v1', 'demo.out.v1')!;
    expect(checkInvariants(['no_phi_leakage', 'minimum_necessary'], input, { label: 'Patient Okonkwo' }, mapping)).toEqual([
      { invariant: 'no_phi_leakage', path: '/label', message: 'repeats the identifying input value at /name/0/family' },
    ]);
  });
});
