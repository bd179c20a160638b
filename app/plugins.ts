import type { AnyPlugin } from '../core/sdk/index.ts';
import ecard from '../plugins/ecard/index.ts';
import nationalPortal from '../plugins/national-portal/index.ts';
import paymentPaygov from '../plugins/payment-paygov/index.ts';
import paymentVietinbank from '../plugins/payment-vietinbank/index.ts';
import smsViettel from '../plugins/sms-viettel/index.ts';

/**
 * The explicit plugin list: the one place that knows which adapters exist (`lienthong new-plugin` adds to it).
 * Providers of one capability share out the sandbox's agencies in this order: VietinBank serves 000.00.01.H22 and
 * the portal's payment platform 000.00.02.H22.
 */
export const plugins: AnyPlugin[] = [smsViettel, paymentVietinbank, paymentPaygov, nationalPortal, ecard];
