// The bench's reference for the display poll: a bare node:http server that answers BODY with the
// ETag logic of the real route (a bearer token present, If-None-Match equal → 304, else 200 + JSON).
import http from 'node:http';

const body = Buffer.from(process.env.BODY ?? '{}');
const etag = process.env.ETAG ?? '"0"';
http
  .createServer((req, res) => {
    if (!req.headers.authorization?.startsWith('Bearer ')) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"statusCode":401}');
      return;
    }
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'cache-control': 'no-cache' }).end();
      return;
    }
    res.writeHead(200, { etag, 'cache-control': 'no-cache', 'content-type': 'application/json; charset=utf-8', 'content-length': body.length }).end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
