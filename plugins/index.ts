import type { AnyPlugin } from '../core/plugin.ts';
import ecard from './ecard/index.ts';
import nationalPortal from './national-portal/index.ts';
import paymentVietinbank from './payment-vietinbank/index.ts';
import smsViettel from './sms-viettel/index.ts';
import webhook from './webhook/index.ts';

/** The explicit plugin list: the one place that knows which adapters exist. Add a new adapter here. */
export const plugins: AnyPlugin[] = [webhook, smsViettel, paymentVietinbank, nationalPortal, ecard];
