// The benchmark's loopback console: answers every POST with one small console-style JSON body, over
// keep-alive, as fast as node:http allows. It checks no signature (it must not be the bottleneck) but
// counts requests, so the runner can tell that every reported call really reached it.
// Run by bench/run.mjs with fork(); it reports {port} once listening and answers {count} on request.
import { createServer } from 'node:http';

const BODY = Buffer.from('{"requestId":"5e8f3a1c-2b7d-4c1e-9a0f-6d4b8c2e1f3a","result":true}');
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'content-length': String(BODY.length),
  'x-bce-request-id': '5e8f3a1c-2b7d-4c1e-9a0f-6d4b8c2e1f3a',
};

let count = 0;
const server = createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (req, res) => {
  count++;
  // Drain the request body without buffering it, then answer.
  req.resume();
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.maxRequestsPerSocket = 0;

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  if (process.send) process.send({ type: 'listening', port });
  else console.log(`listening on http://127.0.0.1:${port}`);
});

process.on('message', (message) => {
  if (message?.type === 'count') process.send({ type: 'count', id: message.id, count });
  if (message?.type === 'close') {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
