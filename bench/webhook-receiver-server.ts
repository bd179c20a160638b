/**
 * The webhook receiver (core/webhooks) as a child process for the delivery benchmark: it checks every Standard
 * Webhooks signature with the secret in BENCH_WEBHOOK_SECRET (the bench makes one per run) and lists what it
 * received at `GET /__received`. Prints `{"ready":{"url":…}}` on stdout when it listens on 127.0.0.1.
 */
import { startWebhookReceiver } from '../core/webhooks/receiver.ts';

const secret = process.env.BENCH_WEBHOOK_SECRET;
if (!secret) throw new Error('set BENCH_WEBHOOK_SECRET to the whsec_… secret the bench signs with');

const receiver = await startWebhookReceiver({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0), secret });
process.stdout.write(`${JSON.stringify({ ready: { url: receiver.url } })}\n`);

const stop = () => {
  receiver.close().then(() => process.exit(0), () => process.exit(1));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
