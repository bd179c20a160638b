/**
 * One document/literal call of the shipped WSDL: node-soap writes the envelope and reads the answer from the WSDL,
 * as its own client does, but the request goes through the SDK's `requestText` (the instance's direct path)
 * instead of node-soap's HTTP client and axios, which took about 40% of the gateway's CPU per SMS (bench/README.md).
 * The bytes sent are node-soap's own: the same envelope, SOAPAction and content type.
 */
import type { AxiosInstance } from 'axios';
import type { Client } from 'soap';
import { requestText } from '../../core/sdk/index.ts';
import { failureOf } from './answer-codes.ts';

/** The parts of node-soap's parsed WSDL that writing and reading one call need (untyped in its declarations). */
interface SoapMethod {
  $name: string;
  soapAction?: string | null;
  input: { $name: string; targetNSAlias?: string; targetNamespace?: string; $type?: string; $lookupType?: string };
  output?: { $name: string };
}

interface SoapWsdl {
  options: { envelopeKey: string; envelopeSoapUrl?: string };
  xmlnsInEnvelope: string;
  definitions: { $targetNamespace: string; services: Record<string, { ports: Record<string, { binding: { methods: Record<string, SoapMethod> } }> }> };
  objectToDocumentXML(name: string, args: unknown, nsAlias: string | undefined, ns: string | undefined, type: string | undefined, options: object): string;
  xmlToObject(xml: string): { Body?: Record<string, unknown> };
}

export interface SoapCall {
  http: AxiosInstance;
  endpoint: string;
  /** For messages: the endpoint's host, never its path or query. */
  host: string;
  signal: AbortSignal;
  timeoutMs?: number | undefined;
}

const SOAP_11 = 'http://schemas.xmlsoap.org/soap/envelope/';

/**
 * The operation's answer element (`{ return: … }`), or undefined when the envelope holds another. A SOAP fault,
 * an error status and an answer that is not XML throw the gateway's errors (answer-codes.ts, `failureOf`).
 */
export async function exchange(client: Client, operation: string, args: object, call: SoapCall): Promise<unknown> {
  const wsdl = (client as unknown as { wsdl: SoapWsdl }).wsdl;
  const method = methodOf(wsdl, operation);
  const answer = await requestText(call.http, {
    method: 'POST',
    url: call.endpoint,
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `"${soapActionOf(wsdl, method)}"` },
    body: envelopeFor(wsdl, method, args),
    signal: call.signal,
    timeoutMs: call.timeoutMs,
  });
  const response = { status: answer.status, headers: answer.headers };
  let parsed: ReturnType<SoapWsdl['xmlToObject']>;
  try {
    parsed = wsdl.xmlToObject(answer.body);
  } catch (error) {
    // node-soap throws a fault with the parsed envelope as `root`; anything else unreadable goes by its status.
    throw failureOf({ root: (error as { root?: unknown }).root, response }, call.host);
  }
  if (answer.status < 200 || answer.status > 299) throw failureOf({ response }, call.host);
  return method.output ? parsed.Body?.[method.output.$name] : undefined;
}

/** The first port's operation of that name, as node-soap's client binds it. */
function methodOf(wsdl: SoapWsdl, operation: string): SoapMethod {
  for (const service of Object.values(wsdl.definitions.services)) {
    for (const port of Object.values(service.ports)) {
      const method = port.binding.methods[operation];
      if (method) return method;
    }
  }
  throw new Error(`the shipped WSDL has no operation ${operation}`);
}

/** The binding's soapAction, or node-soap's default of namespace and operation. */
function soapActionOf(wsdl: SoapWsdl, method: SoapMethod): string {
  if (method.soapAction !== undefined && method.soapAction !== null) return method.soapAction;
  const ns = wsdl.definitions.$targetNamespace;
  return `${ns.endsWith('/') ? ns : `${ns}/`}${method.$name}`;
}

/** Each operation's envelope with a marker where each field's text goes, keyed by the fields' names in order. */
const templates = new WeakMap<SoapMethod, Map<string, { parts: string[]; fields: string[] }>>();
const MARKER = /@@slot(\d+)@@/g;

/**
 * The call's envelope. node-soap writes it once per operation and set of fields, with a marker in each field
 * (it walks the WSDL's types for every field of every call otherwise); each call then puts its escaped texts in
 * the markers' places. Arguments that are not all text are written by node-soap each time.
 */
function envelopeFor(wsdl: SoapWsdl, method: SoapMethod, args: object): string {
  const entries = Object.entries(args);
  if (!entries.every((entry): entry is [string, string] => typeof entry[1] === 'string')) return envelopeOf(wsdl, method, args);
  const key = entries.map(([name]) => name).join('\n');
  let byFields = templates.get(method);
  if (!byFields) templates.set(method, (byFields = new Map()));
  let template = byFields.get(key);
  if (!template) {
    const marked = envelopeOf(wsdl, method, Object.fromEntries(entries.map(([name], i) => [name, `@@slot${i}@@`])));
    const fields = [...marked.matchAll(MARKER)].map((match) => entries[Number(match[1])]?.[0] ?? '');
    template = { parts: marked.split(MARKER).filter((_, i) => i % 2 === 0), fields };
    byFields.set(key, template);
  }
  const values = args as Record<string, string>;
  let envelope = template.parts[0] ?? '';
  for (const [i, field] of template.fields.entries()) envelope += xmlText(values[field] ?? '') + (template.parts[i + 1] ?? '');
  return envelope;
}

/** Text escaped as node-soap escapes it, but always (node-soap passes a value that looks like CDATA through as it is). */
function xmlText(text: string): string {
  return text.replace(/[&<>"'\t\r\n]/g, (char) => XML_ESCAPES[char] ?? char);
}

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#x9;', '\r': '&#xD;', '\n': '&#xA;' };

/** node-soap's envelope of a document/literal call without SOAP headers. */
function envelopeOf(wsdl: SoapWsdl, method: SoapMethod, args: object): string {
  const { input } = method;
  const key = wsdl.options.envelopeKey;
  const body = wsdl.objectToDocumentXML(input.$name, args, input.targetNSAlias, input.targetNamespace, input.$type ?? input.$lookupType, {});
  return (
    `<?xml version="1.0" encoding="utf-8"?><${key}:Envelope xmlns:${key}="${wsdl.options.envelopeSoapUrl ?? SOAP_11}" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ${wsdl.xmlnsInEnvelope}><${key}:Body>${body}</${key}:Body></${key}:Envelope>`
  );
}
