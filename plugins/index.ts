import type { AnyPlugin } from '../core/plugin.ts';
import ecard from './ecard/index.ts';
import nationalPortal from './national-portal/index.ts';
import paymentPaygov from './payment-paygov/index.ts';
import paymentVietinbank from './payment-vietinbank/index.ts';
import smsViettel from './sms-viettel/index.ts';
import webhook from './webhook/index.ts';

/** The explicit plugin list: the one place that knows which adapters exist. Add a new adapter here. */
// With two providers of one capability the sandbox gives each its turn of the agencies, in this order:
// VietinBank serves 000.00.01.H22 and the portal's payment platform 000.00.02.H22.
export const plugins: AnyPlugin[] = [webhook, smsViettel, paymentVietinbank, paymentPaygov, nationalPortal, ecard];
