/**
 * A bare webhook receiver for the delivery peers: node:http, no signature check, 204 for every `POST /webhook`
 * that names a `webhook-id`. It counts deliveries per id with no cap (the simulators list 10,000 at most) and
 * serves them as the simulators do: `GET /__received` lists `{ id, deliveries }`, `DELETE /__received` forgets them.
 * Prints `{"ready":{"url":…}}` on stdout when it listens on 127.0.0.1 (PORT=0 picks a port).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const deliveries = new Map<string, number>();

const server = createServer((request, response) => {
  if (request.method === 'POST' && request.url === '/webhook') {
    const id = request.headers['webhook-id'];
    request.resume();
    request.once('end', () => {
      if (typeof id !== 'string' || id === '') {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('no webhook-id header');
        return;
      }
      deliveries.set(id, (deliveries.get(id) ?? 0) + 1);
      response.writeHead(204).end();
    });
    return;
  }
  if (request.url === '/__received' && request.method === 'GET') {
    const list = [...deliveries].map(([id, count]) => ({ id, deliveries: count }));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
    return;
  }
  if (request.url === '/__received' && request.method === 'DELETE') {
    deliveries.clear();
    response.writeHead(204).end();
    return;
  }
  response.writeHead(404).end();
});
// Longer than a pause between two runs, so a client's kept-alive socket is not closed just as it is reused.
server.keepAliveTimeout = 60_000;

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ ready: { url: `http://127.0.0.1:${port}` } })}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
