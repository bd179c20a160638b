import { type Operation, type PathItem, type Paths, type Responses, ref } from './types.ts';

type Method = keyof PathItem;

/** What stands in front of a route in core/http/app.ts and may answer instead of it. */
export interface FrontMiddleware {
  /** The name of its function, as the app's route list shows it. */
  middleware: string;
  /** The document paths it stands in front of. */
  guards(path: string): boolean;
  /** The methods it may answer for. */
  methods: readonly Method[];
  answers(path: string): Responses;
}

/** /v1 and /admin/v1 take an API key; a provider's callback carries the provider's signature instead. */
const keyed = (path: string) => (path.startsWith('/v1/') && !path.startsWith('/v1/callbacks/')) || path.startsWith('/admin/v1/');

/**
 * The middleware of core/http/app.ts and what each may answer: every operation of the document gets these beside
 * its own answers, so that no path lists them by hand. statuses.test.ts checks this list against the app's routes
 * and the statuses they really answer.
 */
export const FRONT_MIDDLEWARE: readonly FrontMiddleware[] = [
  {
    middleware: 'limitBody',
    guards: () => true,
    // A GET's body is never read, so never refused.
    methods: ['post'],
    answers: () => ({ '413': ref('responses', 'PayloadTooLarge') }),
  },
  {
    middleware: 'apiKeyAuth',
    guards: keyed,
    methods: ['get', 'post'],
    // The key is read from the store on every request.
    answers: (path) => ({
      '401': ref('responses', 'Unauthorized'),
      ...(path.startsWith('/admin/v1/') ? { '403': ref('responses', 'Forbidden') } : {}),
      '500': ref('responses', 'InternalError'),
      '503': ref('responses', 'StoreUnavailable'),
    }),
  },
  {
    middleware: 'keyRateLimit',
    guards: keyed,
    methods: ['get', 'post'],
    answers: () => ({ '429': ref('responses', 'TooManyRequests') }),
  },
];

/** The paths with what the middleware in front of each operation answers; an operation's own answer of a status wins. */
export function withFrontAnswers(paths: Paths): Paths {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [
      path,
      Object.fromEntries(Object.entries(item).map(([method, operation]) => [method, withAnswers(path, method as Method, operation)])),
    ]),
  );
}

function withAnswers(path: string, method: Method, operation: Operation): Operation {
  const front = FRONT_MIDDLEWARE.filter((entry) => entry.guards(path) && entry.methods.includes(method));
  const responses = Object.assign({}, ...front.map((entry) => entry.answers(path)), operation.responses) as Responses;
  return { ...operation, responses: inStatusOrder(responses) };
}

/** 200 … 599, then ranges (`2XX`) and `default`: the order a reader looks for them in. */
function inStatusOrder(responses: Responses): Responses {
  const rank = (status: string) => (/^\d{3}$/.test(status) ? Number(status) : status === 'default' ? 2000 : 1000 + Number.parseInt(status, 10));
  return Object.fromEntries(Object.entries(responses).sort(([a], [b]) => rank(a) - rank(b)));
}
