import { describe, expect, it } from 'vitest';
import { checkInvariants, KNOWN_INVARIANTS } from './invariants';
import { loadRegistry } from './registry';

const registry = loadRegistry();
const example = registry.examples().find((e) => e.name === 'healthcare/patient-full')!;
const patient = example.payload as Record<string, unknown>;
const anonymized = example.normalized as Record<string, unknown>;
const fhir = registry.get('hl7.fhir.patient.v1', 'hl7.fhir.anonymized.v1')!;
const invoice = registry.get('openai.tooluse.invoice.v1', 'invoice.iso20022.v1')!;

const check = (names: string[], normalized: unknown, mapping = fhir, input: unknown = patient) =>
  checkInvariants(names, input, normalized, mapping);
const paths = (result: ReturnType<typeof check>) => (Array.isArray(result) ? result.map((v) => v.path) : result);

describe('no_phi_leakage', () => {
  it('holds for the anonymized example', () => {
    expect(check(['no_phi_leakage', 'minimum_necessary'], anonymized)).toEqual([]);
  });

  it('finds identifying elements anywhere in the output', () => {
    const leaked = { ...anonymized, extension: [{ telecom: [] }], region: { country: 'US', birthDate: 'x' } };
    expect(check(['no_phi_leakage'], leaked)).toEqual([
      { invariant: 'no_phi_leakage', path: '/region/birthDate', message: '"birthDate" is an identifying element and may not appear in the output' },
      { invariant: 'no_phi_leakage', path: '/extension/0/telecom', message: '"telecom" is an identifying element and may not appear in the output' },
    ]);
  });

  it.each([
    ['family name, any case', 'seen: OKONKWO', '/name/0/family'],
    ['given name', 'Adaeze', '/name/0/given/0'],
    ['nickname', 'aka Daze', '/name/1/given/0'],
    ['phone without country code or punctuation', 'call 6175550142', '/telecom/0/value'],
    ['email', 'adaeze.okonkwo@example.org', '/telecom/1/value'],
    ['MRN', 'MRN-7730912', '/identifier/0/value'],
    ['SSN digits', '123456789', '/identifier/1/value'],
    ['street', '1457 Commonwealth Avenue', '/address/0/line/0'],
    ['city', 'Brighton', '/address/0/city'],
    ['full ZIP', '02135', '/address/0/postalCode'],
    ['exact birth date', '1981-07-14', '/birthDate'],
    ['source id', 'pat-0042', '/id'],
    ['contact person phone', '617 555 0199', '/contact/0/telecom/0/value'],
  ])('finds the %s in an output value', (_what, value, from) => {
    const violations = check(['no_phi_leakage'], { ...anonymized, gender: value });
    expect(violations).toContainEqual({ invariant: 'no_phi_leakage', path: '/gender', message: `repeats the identifying input value at ${from}` });
  });

  it('matches whole words only and ignores descriptive sub-elements', () => {
    const input = { name: [{ given: ['Al'], use: 'official' }], address: [{ country: 'US', state: 'MA' }] };
    const output = { gender: 'female', note: 'official', region: { country: 'US', state: 'MA' } };
    expect(check(['no_phi_leakage'], output, fhir, input)).toEqual([]);
  });
});

describe('minimum_necessary', () => {
  it('reports every field the target schema does not name, at any depth', () => {
    const extra = {
      ...anonymized,
      birthYear: 1981,
      region: { country: 'US', zip3: '021', city: 'Brighton' },
      meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'PSEUDED', note: 'x' }] },
    };
    expect(check(['minimum_necessary'], extra)).toEqual([
      { invariant: 'minimum_necessary', path: '/meta/security/0/note', message: 'is not a field of the target schema' },
      { invariant: 'minimum_necessary', path: '/region/city', message: 'is not a field of the target schema' },
      { invariant: 'minimum_necessary', path: '/birthYear', message: 'is not a field of the target schema' },
    ]);
  });

  it('follows $ref into $defs', () => {
    const normalized = {
      document_type: 'FinancialInvoice',
      invoice_header: { id: 'INV-1', type_code: '380' },
      trade_agreement: { seller: { name: 'Acme', email: 'billing@acme.test' } },
      trade_settlement: { currency: 'USD', total_amount: { currency: 'USD', value: '1.00', minor_units: '100', fx: 1 } },
    };
    expect(paths(check(['minimum_necessary'], normalized, invoice))).toEqual([
      '/trade_agreement/seller/email',
      '/trade_settlement/total_amount/fx',
    ]);
  });

  it('accepts what patternProperties, additionalProperties schemas and `true` name, but not an open object', () => {
    const targetSchema = {
      type: 'object',
      properties: { tags: { type: 'object', additionalProperties: { type: 'string' } }, raw: true, open: { type: 'object' } },
      patternProperties: { '^x-': { type: 'string' } },
    };
    const normalized = { tags: { a: 'b' }, raw: { anything: 1 }, 'x-trace': 'y', open: { z: 1 }, other: 2 };
    expect(paths(check(['minimum_necessary'], normalized, { ...fhir, targetSchema }))).toEqual(['/open/z', '/other']);
  });
});

describe('checkInvariants', () => {
  it('names unknown invariants with the known ones and checks nothing', () => {
    expect(check(['no_phi_leakage', 'hipaa_magic', 'gdpr'], { name: 'x' })).toEqual({
      unknown: ['hipaa_magic', 'gdpr'],
      known: ['no_phi_leakage', 'minimum_necessary'],
    });
    expect(KNOWN_INVARIANTS).toEqual(['no_phi_leakage', 'minimum_necessary']);
  });

  it('checks each named invariant once', () => {
    expect(check(['minimum_necessary', 'minimum_necessary'], { ...anonymized, extra: 1 })).toHaveLength(1);
    expect(check([], { ...anonymized, extra: 1 })).toEqual([]);
  });
});
